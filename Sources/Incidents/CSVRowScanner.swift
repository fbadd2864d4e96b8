/// Why a row's fields could not be split cleanly.
public enum CSVRowProblem: Sendable, Hashable {
    /// The bytes ended inside a quoted field.
    case unterminatedQuote
    /// Something other than spaces, tabs or CR follows the closing quote of field `field` (1-based).
    case textAfterClosingQuote(field: Int)

    /// The incident reader's reject reason for the problem.
    public var reason: String {
        switch self {
        case .unterminatedQuote: "unterminated quoted field"
        case .textAfterClosingQuote(let field): "text after the closing quote of field \(field)"
        }
    }
}

/// One row found by `CSVRowScanner`; positions are byte offsets into the scanned bytes.
public struct CSVRow: Sendable, Hashable {
    /// The physical line (1-based) the row starts on.
    public var line: Int
    public var start: Int
    /// The end of the row's text: its line ending (LF or CRLF) excluded.
    public var contentEnd: Int
    /// Where the next row starts: the row's line ending included.
    public var end: Int
    /// The line holds only spaces, tabs and CR: not a row for the incident reader, which skips it.
    public var isBlank: Bool
    /// The number of fields (0 for a blank line).
    public var fieldCount: Int
    public var problem: CSVRowProblem?
}

/// One field of the current row of a `CSVRowScanner`.
public struct CSVField: Sendable, Hashable {
    /// The field's bytes between its separators, quotes and surrounding blanks included: replacing exactly
    /// these bytes rewrites the field and nothing else.
    public var raw: Range<Int>
    /// The field's text: inside the quotes for a quoted field (doubled quotes still doubled).
    public var content: Range<Int>
    /// A quoted field holding `""`.
    public var hasDoubledQuotes: Bool
}

/// Rows and fields of CSV bytes, split exactly as `IncidentCSVReader` splits them, without copying or decoding:
/// for tools that rewrite a few fields and copy every other byte (`heatgrid convert`).
///
/// A quote opens a quoted field only as the field's first byte; inside it `""` is a quote and newlines are text.
/// Rows end at LF; a CR before it belongs to the line ending. Works on UTF-8 and GB18030 bytes alike: neither
/// uses the bytes of `,`, `"`, CR or LF inside a multi-byte character. The field positions are valid until the
/// next call to `next()`.
///
/// ```swift
/// var rows = CSVRowScanner(bytes)
/// while let row = rows.next() {
///     if row.isBlank || row.fieldCount < 3 { continue }
///     let longitude = rows.number(inField: 2)
/// }
/// ```
public struct CSVRowScanner {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var position: Int
    private var line: Int
    private var storage: FieldStorage
    /// The row `next()` returned last.
    public private(set) var row: CSVRow?

    /// Owns the field span buffers (a class so that the scanner can free them when it goes away).
    private final class FieldStorage {
        var spans: IncidentCSVReader.FieldSpans
        init(capacity: Int) { spans = IncidentCSVReader.FieldSpans(capacity: capacity) }
        deinit { spans.deallocate() }
    }

    /// A scanner over `bytes` starting at `start`, which must be a row start on physical line `line`.
    public init(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int = 0, line: Int = 1) {
        self.bytes = bytes
        position = start
        self.line = line
        storage = FieldStorage(capacity: 16)
    }

    /// The next row or blank line, or nil at the end of the bytes.
    public mutating func next() -> CSVRow? {
        guard let base = bytes.baseAddress, position < bytes.count else {
            row = nil
            return nil
        }
        let end = bytes.count
        let start = position
        var q = start
        while q < end && (base[q] == 0x20 || base[q] == 0x09 || base[q] == 0x0D) { q += 1 }
        if q == end || base[q] == 0x0A {
            let blank = CSVRow(line: line, start: start, contentEnd: q, end: q == end ? end : q + 1,
                               isBlank: true, fieldCount: 0, problem: nil)
            if q < end { line += 1 }
            position = blank.end
            row = blank
            return blank
        }
        var split = IncidentCSVReader.splitRow(base, from: start, end: end, fields: storage.spans)
        if split.fieldCount > storage.spans.capacity {
            // Rare: more fields than room; split the row again with room for all of them.
            storage = FieldStorage(capacity: split.fieldCount)
            split = IncidentCSVReader.splitRow(base, from: start, end: end, fields: storage.spans)
        }
        let found = CSVRow(line: line, start: start, contentEnd: split.rowEnd, end: split.next, isBlank: false,
                           fieldCount: split.fieldCount, problem: split.problem)
        line += split.innerNewlines + (split.terminated ? 1 : 0)
        position = split.next
        row = found
        return found
    }

    /// Field `k` (0-based, below `row.fieldCount`) of the current row.
    public func field(_ k: Int) -> CSVField {
        guard let row, k >= 0, k < row.fieldCount else {
            preconditionFailure("field \(k) of a row with \(row?.fieldCount ?? 0) fields")
        }
        let spans = storage.spans
        let rawEnd = k + 1 < row.fieldCount ? spans.rawStart[k + 1] - 1 : row.contentEnd
        return CSVField(raw: spans.rawStart[k]..<max(rawEnd, spans.rawStart[k]),
                        content: spans.start[k]..<spans.end[k], hasDoubledQuotes: spans.escaped[k])
    }

    /// The text of field `k`: quotes removed, doubled quotes undone, surrounding spaces and tabs trimmed.
    public func text(ofField k: Int) -> [UInt8] {
        _ = field(k)
        return IncidentCSVReader.fieldBytes(bytes.baseAddress!, storage.spans, k)
    }

    /// Field `k` read as the incident reader reads coordinates: a finite decimal number
    /// (`[+-]? digits [. digits]? ([eE] [+-]? digits)?`, spaces and tabs around it ignored, correctly rounded),
    /// or nil (empty, not a number, NaN or infinite).
    public func number(inField k: Int) -> Double? {
        let f = field(k)
        let base = bytes.baseAddress!
        if case .number(let value) = DecimalParsing.parse(base + f.content.lowerBound, base + f.content.upperBound),
           value.isFinite
        {
            return value
        }
        return nil
    }
}
