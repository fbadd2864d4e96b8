import GeoCore

/// Incident identifiers without one `String` per row.
///
/// Each id is one `UInt64`:
/// - ids of at most 7 bytes (every decimal number below 10,000,000) are stored inline: bit 63 set, the length in
///   bits 56–62 and the bytes in bits 0–55, lowest byte first;
/// - longer ids are a span into `bytes`: bit 63 clear, the byte offset in bits 0–39 and the length in bits 40–62.
///
/// The CSV reader copies long ids into `bytes` instead of keeping the whole file alive: the file costs ~55 bytes
/// per row, an inline id nothing beyond its 8-byte word.
public struct IncidentIDs: Sendable, Equatable {
    @usableFromInline var spans: [UInt64]
    @usableFromInline var bytes: [UInt8]

    @usableFromInline static let inlineFlag: UInt64 = 1 << 63
    static let maximumInlineLength = 7
    /// Longest id a span can hold (23 bits).
    static let maximumLength = (1 << 23) - 1

    init(spans: [UInt64] = [], bytes: [UInt8] = []) {
        self.spans = spans
        self.bytes = bytes
    }

    /// Builds ids from strings (tests, conversions; the reader appends bytes directly).
    public init<S: Sequence>(_ ids: S) where S.Element == String {
        self.init()
        for id in ids {
            var text = id
            text.withUTF8 { append(UnsafeBufferPointer(rebasing: $0[...])) }
        }
    }

    public var count: Int { spans.count }

    /// Appends an id; the caller guarantees `id.count <= maximumLength`.
    @inline(__always)
    mutating func append(_ id: UnsafeBufferPointer<UInt8>) {
        spans.append(IncidentIDs.encode(id, bytes: &bytes))
    }

    @inline(__always)
    static func encode(_ id: UnsafeBufferPointer<UInt8>, bytes: inout [UInt8]) -> UInt64 {
        let n = id.count
        if n <= maximumInlineLength {
            var word = inlineFlag | UInt64(n) << 56
            if n >= 4 {
                // Two overlapping 4-byte loads; the bytes they share land on the same bits.
                let raw = UnsafeRawPointer(id.baseAddress!)
                word |= UInt64(raw.loadUnaligned(as: UInt32.self))
                    | UInt64(raw.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)) << (8 * UInt64(n - 4))
            } else {
                for i in 0..<n { word |= UInt64(id[i]) << (8 * UInt64(i)) }
            }
            return word
        }
        let offset = UInt64(bytes.count)
        bytes.append(contentsOf: id)
        return offset | UInt64(n) << 40
    }

    /// The decimal text of `number` as an id word (numbers below 10^7 are inline).
    static func encodeNumber(_ number: Int, bytes: inout [UInt8]) -> UInt64 {
        var digits: (UInt64, UInt64) = (0, 0)
        return withUnsafeMutableBytes(of: &digits) { raw in
            var v = number
            var n = 0
            repeat {
                raw[15 - n] = UInt8(v % 10) + 0x30
                v /= 10
                n += 1
            } while v > 0
            let start = raw.baseAddress!.assumingMemoryBound(to: UInt8.self) + (16 - n)
            return encode(UnsafeBufferPointer(start: start, count: n), bytes: &bytes)
        }
    }

    /// Calls `body` with the bytes of id `row`; the pointer is valid only inside `body`.
    @inlinable @inline(__always)
    public func withBytes<R>(at row: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let word = spans[row]
        if word & IncidentIDs.inlineFlag != 0 {
            var payload = word.littleEndian
            let n = Int((word >> 56) & 0x7F)
            return try withUnsafeBytes(of: &payload) { raw in
                try body(UnsafeBufferPointer(start: raw.baseAddress!.assumingMemoryBound(to: UInt8.self), count: n))
            }
        }
        let offset = Int(word & 0xFF_FFFF_FFFF)
        let n = Int((word >> 40) & 0x7F_FFFF)
        return try bytes.withUnsafeBufferPointer { all in
            try body(UnsafeBufferPointer(rebasing: all[offset..<offset + n]))
        }
    }

    public subscript(row: Int) -> String {
        withBytes(at: row) { String(decoding: $0, as: UTF8.self) }
    }

    /// The number of bytes of id `row`.
    @inlinable @inline(__always)
    public func byteCount(at row: Int) -> Int {
        let word = spans[row]
        return word & IncidentIDs.inlineFlag != 0 ? Int((word >> 56) & 0x7F) : Int((word >> 40) & 0x7F_FFFF)
    }

    /// Writes id `row` as one CSV field at `target` and returns the bytes written: quoted, with quotes doubled,
    /// when it holds a comma, quote, CR or LF. `target` needs room for `2 * byteCount(at: row) + 2` bytes and
    /// at least 8 (short ids are stored a whole word at a time; the bytes past the field are scratch).
    @inlinable @inline(__always)
    public func writeCSVField(at row: Int, to target: UnsafeMutablePointer<UInt8>) -> Int {
        let word = spans[row]
        if word & IncidentIDs.inlineFlag != 0 {
            // The bytes past the id's length are zero, which matches none of the bytes that need quotes.
            let payload = word & 0x00FF_FFFF_FFFF_FFFF
            let special = ByteScanning.matches(payload, 0x2C) | ByteScanning.matches(payload, 0x22)
                | ByteScanning.matches(payload, 0x0A) | ByteScanning.matches(payload, 0x0D)
            if special == 0 {
                UnsafeMutableRawPointer(target).storeBytes(of: payload.littleEndian, as: UInt64.self)
                return Int((word >> 56) & 0x7F)
            }
        }
        return writeCSVFieldSlowly(at: row, to: target)
    }

    @usableFromInline
    func writeCSVFieldSlowly(at row: Int, to target: UnsafeMutablePointer<UInt8>) -> Int {
        withBytes(at: row) { id in
            let needsQuotes = id.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
            guard needsQuotes else {
                if let source = id.baseAddress { target.update(from: source, count: id.count) }
                return id.count
            }
            var n = 0
            target[n] = 0x22
            n += 1
            for byte in id {
                if byte == 0x22 {
                    target[n] = byte
                    n += 1
                }
                target[n] = byte
                n += 1
            }
            target[n] = 0x22
            return n + 1
        }
    }

    /// Ids of `rows`, in that order.
    func selecting(_ rows: [Int]) -> IncidentIDs {
        var result = IncidentIDs()
        result.spans.reserveCapacity(rows.count)
        for row in rows {
            withBytes(at: row) { result.append($0) }
        }
        return result
    }

    /// Bytes held: 8 per id plus the long-id buffer.
    var byteCount: Int { spans.capacity * 8 + bytes.capacity }

    public static func == (a: IncidentIDs, b: IncidentIDs) -> Bool {
        guard a.count == b.count else { return false }
        for row in 0..<a.count {
            let same = a.withBytes(at: row) { x in b.withBytes(at: row) { y in x.elementsEqual(y) } }
            if !same { return false }
        }
        return true
    }
}

/// Incidents as columns (structure of arrays): one entry per incident in every column.
///
/// Longitude/latitude are degrees in the datum of the source (convert with the Projection module's datum
/// functions as needed). `time` is Unix seconds (UTC) when the source had times; a row whose time was missing
/// or unreadable (while times were optional) holds `IncidentTable.missingTime`. `category[i]` indexes
/// `categoryNames`, which lists names in first-seen order; sources without a category column use the single
/// name `""`. Ids keep the source's text (see `IncidentIDs`); sources without an id column number rows from 1.
///
/// Memory: 8 + 8 + 2 + 8 (id word) bytes per row, + 8 with times, + 4 with weights, + the bytes of ids longer
/// than 7 bytes: 34 bytes per row for the usual `id,lon,lat,time,category` file.
public struct IncidentTable: Sendable, Equatable {
    public var longitude: [Double]
    public var latitude: [Double]
    public var time: [Int64]?
    public var category: [UInt16]
    public var categoryNames: [String]
    public var weight: [Float]?
    public private(set) var ids: IncidentIDs

    /// The `time` of a row that has none (`Int64.min`, before any real time): filter it out before using times.
    public static let missingTime = Int64.min

    /// A table from columns. Every present column must have `longitude.count` entries and every category index
    /// must be valid; violations are programming errors and stop the program.
    public init(longitude: [Double], latitude: [Double], time: [Int64]? = nil, category: [UInt16],
                categoryNames: [String], weight: [Float]? = nil, ids: IncidentIDs) {
        let n = longitude.count
        precondition(latitude.count == n && category.count == n && ids.count == n, "column lengths differ")
        precondition(time.map { $0.count == n } ?? true, "time column length differs")
        precondition(weight.map { $0.count == n } ?? true, "weight column length differs")
        precondition(category.allSatisfy { Int($0) < categoryNames.count }, "category index out of range")
        self.longitude = longitude
        self.latitude = latitude
        self.time = time
        self.category = category
        self.categoryNames = categoryNames
        self.weight = weight
        self.ids = ids
    }

    /// The empty table.
    public init() {
        self.init(longitude: [], latitude: [], category: [], categoryNames: [""], ids: IncidentIDs())
    }

    public var count: Int { longitude.count }
    public var isEmpty: Bool { longitude.isEmpty }

    @inlinable
    public func point(at row: Int) -> Point { Point(x: longitude[row], y: latitude[row]) }

    /// The id of `row` as text, for display. Hot loops should use `withIDBytes(at:_:)`.
    public func id(at row: Int) -> String { ids[row] }

    /// Calls `body` with the UTF-8 bytes of the id of `row` without building a `String`.
    @inlinable @inline(__always)
    public func withIDBytes<R>(at row: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try ids.withBytes(at: row, body)
    }

    /// Appends the UTF-8 bytes of the id of `row` to `buffer`.
    @inline(__always)
    public func appendID(at row: Int, to buffer: inout [UInt8]) {
        ids.withBytes(at: row) { buffer.append(contentsOf: $0) }
    }

    public func categoryName(at row: Int) -> String { categoryNames[Int(category[row])] }

    /// The rows at `rows`, in that order (rows may repeat). Category names are kept as they are.
    public func selecting(rows: [Int]) -> IncidentTable {
        IncidentTable(
            longitude: rows.map { longitude[$0] }, latitude: rows.map { latitude[$0] },
            time: time.map { t in rows.map { t[$0] } }, category: rows.map { category[$0] },
            categoryNames: categoryNames, weight: weight.map { w in rows.map { w[$0] } },
            ids: ids.selecting(rows))
    }

    /// Bytes held by the table's columns (array capacities; category names excluded).
    public var memoryByteCount: Int {
        longitude.capacity * 8 + latitude.capacity * 8 + (time?.capacity ?? 0) * 8 + category.capacity * 2
            + (weight?.capacity ?? 0) * 4 + ids.byteCount
    }
}
