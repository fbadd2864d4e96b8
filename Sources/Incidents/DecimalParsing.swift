import DecimalText

/// Parsing decimal numbers in CSV fields straight from bytes, bit-identical to `strtod`: the grammar is checked
/// here, the conversion is `DecimalSignificand`'s.
enum DecimalParsing {
    /// The result of reading one number field.
    enum Outcome: Equatable {
        case number(Double)
        case empty
        case notANumber
        /// The text spells NaN (`nan`, `NaN`).
        case nan
        /// The text spells infinity (`inf`, `infinity`, with a sign).
        case infinite
    }

    @inline(__always)
    static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

    /// Parses `[start, end)` as a decimal number, ignoring spaces and tabs around it.
    ///
    /// Accepted grammar: `[+-]? digits [. digits]? ([eE] [+-]? digits)?` with at least one digit before the
    /// exponent (`.5` and `5.` are fine). Hexadecimal floats are not numbers here.
    static func parse(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Outcome {
        var p = start
        var e = end
        while p < e && isBlank(p.pointee) { p += 1 }
        while e > p && isBlank((e - 1).pointee) { e -= 1 }
        if p == e { return .empty }
        let textStart = p
        var number = DecimalSignificand()
        if p.pointee == UInt8(ascii: "-") {
            number.negative = true
            p += 1
        } else if p.pointee == UInt8(ascii: "+") {
            p += 1
        }
        var sawDigit = false
        while p < e {
            let d = p.pointee &- 0x30
            if d > 9 { break }
            sawDigit = true
            number.appendIntegerDigit(d)
            p += 1
        }
        if p < e && p.pointee == UInt8(ascii: ".") {
            p += 1
            while p < e {
                let d = p.pointee &- 0x30
                if d > 9 { break }
                sawDigit = true
                number.appendFractionDigit(d)
                p += 1
            }
        }
        if !sawDigit { return spelledSpecial(textStart, e) }
        if p < e && (p.pointee | 0x20) == UInt8(ascii: "e") {
            p += 1
            var exponentNegative = false
            if p < e && (p.pointee == UInt8(ascii: "-") || p.pointee == UInt8(ascii: "+")) {
                exponentNegative = p.pointee == UInt8(ascii: "-")
                p += 1
            }
            var explicit = 0
            var sawExponentDigit = false
            while p < e {
                let d = p.pointee &- 0x30
                if d > 9 { break }
                sawExponentDigit = true
                if explicit < 100_000 { explicit = explicit * 10 + Int(d) }
                p += 1
            }
            if !sawExponentDigit { return .notANumber }
            number.exponent10 += exponentNegative ? -explicit : explicit
        }
        if p != e { return .notANumber }
        return .number(number.exactValue ?? DecimalConversion.strtod(textStart, count: e - textStart))
    }

    /// Recognises `nan` and `inf`/`infinity` (any case, optional sign) so they get their own reject reason.
    private static func spelledSpecial(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Outcome {
        var p = start
        if p < end && (p.pointee == UInt8(ascii: "-") || p.pointee == UInt8(ascii: "+")) { p += 1 }
        var word: [UInt8] = []
        while p < end && word.count < 9 {
            word.append(p.pointee | 0x20)
            p += 1
        }
        if p != end { return .notANumber }
        if word == Array("nan".utf8) { return .nan }
        if word == Array("inf".utf8) || word == Array("infinity".utf8) { return .infinite }
        return .notANumber
    }

    /// Convenience for tests and small inputs.
    static func parse(_ text: String) -> Outcome {
        var bytes = Array(text.utf8)
        bytes.append(0)
        return bytes.withUnsafeBufferPointer { b in
            parse(b.baseAddress!, b.baseAddress! + (b.count - 1))
        }
    }
}
