// Byte-level CSV records for tools that rewrite a few fields and copy every other byte (`heatgrid convert`).
//
// Works on the file's own bytes in UTF-8 or GB18030: neither encoding uses the bytes of `,`, `"`, CR or LF
// inside a multi-byte character, so records and fields split the same way in both without decoding.

/// One CSV record: its text `start..<contentEnd`, then its line ending up to `end`.
struct CSVRecord: Sendable {
    var start: Int
    var contentEnd: Int
    var end: Int
    /// Each field's raw bytes (quotes included), in order.
    var fields: [Range<Int>]
    /// Line breaks inside quoted fields (the record spans `1 + innerLineBreaks` physical lines).
    var innerLineBreaks: Int
    /// The file ended inside a quoted field.
    var unterminatedQuote: Bool
}

enum CSVRecords {
    static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
    }

    /// The record starting at `start` (which must be before the end of `bytes`). A quote opens a quoted section
    /// only at the start of a field (after blanks), as the incident reader has it; `""` inside is a quote.
    static func record(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> CSVRecord {
        var fields: [Range<Int>] = []
        var fieldStart = start, fieldBlank = true, inQuotes = false, breaks = 0
        var p = start
        let end = bytes.count
        while p < end {
            let b = bytes[p]
            if inQuotes {
                if b == UInt8(ascii: "\"") {
                    if p + 1 < end && bytes[p + 1] == UInt8(ascii: "\"") { p += 1 } else { inQuotes = false }
                } else if b == UInt8(ascii: "\n") {
                    breaks += 1
                }
            } else if b == UInt8(ascii: "\"") && fieldBlank {
                inQuotes = true
                fieldBlank = false
            } else if b == UInt8(ascii: ",") {
                fields.append(fieldStart..<p)
                fieldStart = p + 1
                fieldBlank = true
            } else if b == UInt8(ascii: "\n") {
                let contentEnd = p > fieldStart && bytes[p - 1] == UInt8(ascii: "\r") ? p - 1 : p
                fields.append(fieldStart..<contentEnd)
                return CSVRecord(start: start, contentEnd: contentEnd, end: p + 1, fields: fields,
                                 innerLineBreaks: breaks, unterminatedQuote: false)
            } else if !isBlank(b) {
                fieldBlank = false
            }
            p += 1
        }
        fields.append(fieldStart..<end)
        return CSVRecord(start: start, contentEnd: end, end: end, fields: fields, innerLineBreaks: breaks,
                         unterminatedQuote: inQuotes)
    }

    /// Whether `range` holds only spaces, tabs and CRs.
    static func isBlank(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        range.allSatisfy { isBlank(bytes[$0]) }
    }

    /// A field's text without surrounding blanks and quotes (`""` inside quotes read as one quote).
    static func unquoted(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> [UInt8] {
        var lower = range.lowerBound, upper = range.upperBound
        while lower < upper && isBlank(bytes[lower]) { lower += 1 }
        while upper > lower && isBlank(bytes[upper - 1]) { upper -= 1 }
        guard lower < upper, bytes[lower] == UInt8(ascii: "\"") else { return Array(bytes[lower..<upper]) }
        var text: [UInt8] = []
        var p = lower + 1
        while p < upper {
            if bytes[p] == UInt8(ascii: "\"") {
                guard p + 1 < upper, bytes[p + 1] == UInt8(ascii: "\"") else { break }
                p += 1
            }
            text.append(bytes[p])
            p += 1
        }
        return text
    }

    /// A plain decimal number (`-120.5`, `3e-2`; no hex, `inf` or `nan`), or `nil`.
    static func decimal(_ text: [UInt8]) -> Double? {
        guard !text.isEmpty, text.allSatisfy({ byte in
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: ".")
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "e")
                || byte == UInt8(ascii: "E")
        }) else { return nil }
        guard let value = Double(String(decoding: text, as: UTF8.self)), value.isFinite else { return nil }
        return value
    }

    /// Appends `value` with exactly `decimals` decimals (0 ... 12), rounded half away from zero: `-120.1234568`.
    static func appendFixed(_ value: Double, decimals: Int, to out: inout [UInt8]) {
        var scale: UInt64 = 1
        for _ in 0..<decimals { scale *= 10 }
        let scaled = UInt64((abs(value) * Double(scale)).rounded())
        if value < 0 && scaled != 0 { out.append(UInt8(ascii: "-")) }
        out.append(contentsOf: String(scaled / scale).utf8)
        guard decimals > 0 else { return }
        out.append(UInt8(ascii: "."))
        let fraction = String(scaled % scale)
        out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: decimals - fraction.utf8.count))
        out.append(contentsOf: fraction.utf8)
    }

    /// `text` as one CSV field: quoted (quotes doubled) when it holds a comma, quote or line break.
    static func appendField(_ text: some Collection<UInt8>, to out: inout [UInt8]) {
        let needsQuotes = text.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13 }
        guard needsQuotes else { return out.append(contentsOf: text) }
        out.append(UInt8(ascii: "\""))
        for byte in text {
            if byte == UInt8(ascii: "\"") { out.append(byte) }
            out.append(byte)
        }
        out.append(UInt8(ascii: "\""))
    }
}
