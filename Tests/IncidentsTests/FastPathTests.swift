import Testing
@testable import Incidents

/// The reader's shortcuts (unquoted row splitting, plain decimals, full-form times) against the general code they
/// stand in for: wherever a shortcut answers, it must answer exactly as the general path does.
@Suite("Reader shortcuts agree with the general paths")
struct FastPathTests {
    /// Rows of bytes drawn from separators, CR, blanks and text, split both ways.
    @Test func unquotedSplitEqualsGeneralSplit() {
        var random = Xoshiro256StarStar(seed: 7)
        let alphabet: [UInt8] = Array("a1,,\n\r\r \t.".utf8)
        for capacity in [1, 3, 5] {
            let general = IncidentCSVReader.FieldSpans(capacity: capacity)
            let unquoted = IncidentCSVReader.FieldSpans(capacity: capacity)
            defer {
                general.deallocate()
                unquoted.deallocate()
            }
            for _ in 0..<3000 {
                let length = Int(random.next() % 40)
                let bytes = (0..<length).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }
                bytes.withUnsafeBufferPointer { buffer in
                    guard let base = buffer.baseAddress else { return }
                    var start = 0
                    while start < buffer.count {
                        let a = IncidentCSVReader.splitRow(base, from: start, end: buffer.count, fields: general)
                        let b = IncidentCSVReader.splitUnquotedRow(base, from: start, end: buffer.count,
                                                                   fields: unquoted)
                        let text = String(decoding: bytes, as: UTF8.self).debugDescription
                        #expect(a.next == b.next && a.rowEnd == b.rowEnd && a.fieldCount == b.fieldCount
                                && a.terminated == b.terminated && b.innerNewlines == 0 && b.problem == nil,
                                "\(text) from \(start)")
                        for k in 0..<min(a.fieldCount, capacity) {
                            #expect(general.start[k] == unquoted.start[k] && general.end[k] == unquoted.end[k],
                                    "\(text) from \(start), field \(k)")
                        }
                        start = a.next
                    }
                }
            }
        }
    }

    /// `plainValue` of `text` with `trailing` readable bytes after it (digits that must not be taken).
    func plain(_ text: String, trailing: [UInt8]) -> Double? {
        let bytes = Array(text.utf8) + trailing
        return bytes.withUnsafeBufferPointer {
            DecimalParsing.plainValue($0.baseAddress!, $0.baseAddress! + text.utf8.count,
                                      readableEnd: $0.baseAddress! + $0.count)
        }
    }

    func plain(_ text: String) -> Double? { plain(text, trailing: []) }

    func general(_ text: String) -> DecimalParsing.Outcome {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer {
            DecimalParsing.generalParse($0.baseAddress!, $0.baseAddress! + $0.count)
        }
    }

    @Test func plainDecimalsEqualGeneralParse() {
        var random = Xoshiro256StarStar(seed: 11)
        var answered = 0
        for _ in 0..<20000 {
            var text = random.next() % 3 == 0 ? "-" : ""
            let integerDigits = Int(random.next() % 12)
            for _ in 0..<integerDigits { text.append(Character(String(random.next() % 10))) }
            if random.next() % 4 != 0 {
                text.append(".")
                for _ in 0..<Int(random.next() % 14) { text.append(Character(String(random.next() % 10))) }
            }
            if random.next() % 20 == 0 { text.append(["e", " ", "x", "+"][Int(random.next() % 4)]) }
            let trailing = (0..<Int(random.next() % 12)).map { _ in UInt8(0x30 + random.next() % 10) }
            #expect(plain(text, trailing: trailing)?.bitPattern == plain(text)?.bitPattern, "\(text) + \(trailing)")
            if let value = plain(text) {
                answered += 1
                #expect(general(text) == .number(value), "\(text)")
                #expect(general(text) == .number(value) && value.sign == (text.hasPrefix("-") ? .minus : .plus),
                        "\(text): sign")
            }
        }
        #expect(answered > 10000)
        for text in ["", "-", ".", "-.", "+1", " 1", "1 ", "1e5", "nan", "1.2.3", "9007199254740993",
                     "12345678901234567890", "0.00000000000000000000001"] {
            #expect(plain(text) == nil, "\(text)")
        }
        for text in ["9007199254740992", "-0", "-0.000", "5.", ".5", "120.8862401", "0.000000000000000001"] {
            if let value = plain(text) {
                #expect(general(text) == .number(value), "\(text)")
            } else {
                Issue.record("\(text) took the general path")
            }
        }
    }

    func times(_ text: [UInt8]) -> (full: Int64?, general: Int64?) {
        text.withUnsafeBufferPointer {
            (ISO8601Time.fullFormSeconds($0.baseAddress!, $0.baseAddress! + $0.count),
             ISO8601Time.generalParse($0.baseAddress!, $0.baseAddress! + $0.count))
        }
    }

    /// Every byte value at every position of each full form: the shortcut answers only valid texts, with the
    /// general path's seconds.
    @Test func fullFormTimesEqualGeneralParse() {
        for form in ["2024-02-29T23:59:59+08:00", "1999-12-31 00:00:00Z", "2026-10-29t23:41:22", "2100-02-28T12:30:45-13:45"] {
            let bytes = Array(form.utf8)
            let original = times(bytes)
            #expect(original.full != nil && original.full == original.general, "\(form)")
            for position in bytes.indices {
                for value in 0...255 {
                    var mutated = bytes
                    mutated[position] = UInt8(value)
                    let (full, general) = times(mutated)
                    if let full {
                        #expect(full == general, "\(String(decoding: mutated, as: UTF8.self))")
                    }
                }
            }
        }
        // Every month start and end, around and inside the years the shortcut tabulates.
        for year in 1960...2110 {
            for month in 1...12 {
                for day in [1, 28, 29, 30, 31] {
                    let date = String(year) + "-" + (month < 10 ? "0" : "") + String(month) + "-" + String(day)
                    let (full, general) = times(Array((date + "T23:59:59-01:30").utf8))
                    #expect(full == general, "\(date)")
                }
            }
        }
        for text in ["2023-02-29T00:00:00", "2026-13-01T00:00:00", "2026-00-01T00:00:00", "2026-04-31T00:00:00",
                     "2026-01-01T24:00:00", "2026-01-01T00:60:00", "2026-01-01T00:00:60", "2026-01-01T00:00:00+19:00",
                     "2026-01-01T00:00:00+08:60", "2026-01-01T00:00:00+08-00", "2026-01-01T00:00:00 08:00"] {
            let (full, general) = times(Array(text.utf8))
            #expect(full == nil && general == nil, "\(text)")
        }
    }

    /// Bytes mixing ASCII, valid and broken multi-byte sequences: any number of pieces finds what one pass finds.
    @Test func utf8CheckInPiecesEqualsOnePass() {
        var random = Xoshiro256StarStar(seed: 5)
        let parts: [[UInt8]] = [[0x61], [0x2C], [0x0A], Array("类别".utf8), Array("😀".utf8), [0xC3, 0xA9], [0x80], [0xBF],
                                [0xE4, 0xB8], [0xF0, 0x9F, 0x98], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xFF], [0xF4, 0x90, 0x80, 0x80]]
        for _ in 0..<400 {
            var bytes: [UInt8] = []
            for _ in 0..<Int(random.next() % 60) { bytes += parts[Int(random.next() % UInt64(parts.count))] }
            bytes.withUnsafeBufferPointer { buffer in
                let one = TextDecoding.checkUTF8(buffer)
                for pieces in 2...5 {
                    #expect(TextDecoding.checkUTF8(buffer, pieces: pieces) == one, "\(bytes) in \(pieces) pieces")
                }
            }
        }
    }

    /// Names that share lengths, first or last bytes: indices in first-seen order, as a dictionary gives them.
    @Test func categoryIndicesFollowFirstSeenOrder() {
        var random = Xoshiro256StarStar(seed: 3)
        var interner = CategoryInterner()
        var expected: [[UInt8]: UInt16] = [:]
        for _ in 0..<5000 {
            let length = Int(random.next() % 26)
            let name = (0..<length).map { _ in UInt8(ascii: "a") + UInt8(random.next() % 2) }
            let index = name.withUnsafeBufferPointer { interner.index(of: $0) }
            let wanted = expected[name] ?? UInt16(expected.count)
            expected[name] = wanted
            #expect(index == wanted, "\(name)")
        }
        #expect(interner.names.count == expected.count && expected.count > 1000)
        for (name, index) in expected { #expect(interner.names[Int(index)] == name) }
    }

    /// Inline ids (up to 7 bytes) hold byte k in bits 8k ..< 8k + 8, whichever loads build the word.
    @Test func inlineIDWordsHoldTheBytesInOrder() {
        var random = Xoshiro256StarStar(seed: 9)
        for length in 1...IncidentIDs.maximumInlineLength {
            for _ in 0..<50 {
                let id = (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) }
                var bytes: [UInt8] = []
                let word = id.withUnsafeBufferPointer { IncidentIDs.encode($0, bytes: &bytes) }
                var expected = IncidentIDs.inlineFlag | UInt64(length) << 56
                for (k, byte) in id.enumerated() { expected |= UInt64(byte) << (8 * UInt64(k)) }
                #expect(word == expected && bytes.isEmpty, "\(id)")
            }
        }
    }
}
