import AtomicOutput
import Dispatch
import FreshMemory
import Glibc

/// How to read an incident CSV file. Column names override the header aliases (matched case-insensitively,
/// spaces trimmed).
public struct IncidentCSVOptions: Sendable {
    public var encoding: IncidentTextEncoding
    public var longitudeColumn: String?
    public var latitudeColumn: String?
    public var idColumn: String?
    public var timeColumn: String?
    public var categoryColumn: String?
    public var weightColumn: String?
    /// Parse large files on all cores (results are identical either way).
    public var parallel: Bool
    /// Files with fewer data bytes are parsed in one pass (threads do not pay below a few megabytes).
    var parallelThresholdBytes = 4 << 20
    /// Updated as the rows are parsed, for a progress bar; nil for none.
    public var progress: ReadProgress?
    /// How the times are written; nil: detected from the file (see `IncidentCSVReader`).
    public var timeFormat: IncidentTimeFormat?
    /// The zone of times written without an offset (every format but epoch times and ISO 8601 with an offset).
    public var timeZone: IncidentTimeZone
    /// Whether every row needs a time. When false (the default) a row whose time is missing, empty or unreadable
    /// is kept with `IncidentTable.missingTime` and counted in `IncidentReadResult.timeless`, and a file without a
    /// time column reads as before; when true such a row is rejected, a file without a time column is an error,
    /// and so is a time column whose format cannot be detected.
    public var timeRequired: Bool

    public init(encoding: IncidentTextEncoding = .auto, longitudeColumn: String? = nil,
                latitudeColumn: String? = nil, idColumn: String? = nil, timeColumn: String? = nil,
                categoryColumn: String? = nil, weightColumn: String? = nil, parallel: Bool = true,
                timeFormat: IncidentTimeFormat? = nil, timeZone: IncidentTimeZone = .shanghai,
                timeRequired: Bool = false) {
        self.encoding = encoding
        self.longitudeColumn = longitudeColumn
        self.latitudeColumn = latitudeColumn
        self.idColumn = idColumn
        self.timeColumn = timeColumn
        self.categoryColumn = categoryColumn
        self.weightColumn = weightColumn
        self.parallel = parallel
        self.timeFormat = timeFormat
        self.timeZone = timeZone
        self.timeRequired = timeRequired
    }
}

/// A data row that was not kept: its physical line (1-based, the line where the row starts), why, and its text.
public struct IncidentReject: Sendable, Hashable {
    public var line: Int
    public var reason: String
    public var row: String

    public init(line: Int, reason: String, row: String) {
        self.line = line
        self.reason = reason
        self.row = row
    }
}

/// A problem that stops reading the whole file (unreadable file, no header, no longitude or latitude column).
/// Problems in single rows never throw: they become `IncidentReject`s.
public struct IncidentReadError: Error, CustomStringConvertible, Sendable {
    public let path: String
    public let message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}

/// What reading an incident file produced. Invariant: `kept + rejected == rowsRead` (`timeless` rows are kept).
public struct IncidentReadResult: Sendable {
    public var table: IncidentTable
    /// Data rows read: every row after the header, blank lines excluded.
    public var rowsRead: Int
    /// Rejected rows in file order.
    public var rejects: [IncidentReject]
    /// The header's column names as found in the file.
    public var header: [String]
    /// The encoding the bytes were decoded with (`.utf8` or `.gb18030`, never `.auto`).
    public var encoding: IncidentTextEncoding
    /// Kept rows without a time (`IncidentTable.missingTime`): missing, empty or unreadable while times were
    /// not required. Zero without a time column.
    public var timeless = 0
    /// The format the times were read with; nil without a time column, or when none could be detected.
    public var timeFormat: IncidentTimeFormat?
    /// The time format for people, saying whether it was detected or given, e.g. `yyyy/M/d H:mm (detected)`,
    /// `ISO 8601 (detected)`, `d/M/yyyy[ H:mm] (--time-format)`; nil without a time column or time values.
    public var timeFormatDescription: String?
    /// Why no time format could be detected (then every time is missing), or a warning that the detected one
    /// reads only part of the sampled values; nil when all is well.
    public var timeWarning: String?

    public var kept: Int { table.count }
    public var rejected: Int { rejects.count }

    /// Writes the rejects as CSV `line,reason,row` (header included), atomically.
    public func writeRejects(to path: String) throws {
        try writeAtomically(to: path) { writer in
            try writer.write("line,reason,row\n")
            var buffer: [UInt8] = []
            for reject in rejects {
                buffer.removeAll(keepingCapacity: true)
                buffer.append(contentsOf: String(reject.line).utf8)
                buffer.append(UInt8(ascii: ","))
                CSVText.appendField(reject.reason.utf8, to: &buffer)
                buffer.append(UInt8(ascii: ","))
                CSVText.appendField(reject.row.utf8, to: &buffer)
                buffer.append(UInt8(ascii: "\n"))
                try writer.write(buffer)
            }
        }
    }
}

/// Reads incident CSV files: RFC 4180 quoting, LF or CRLF, UTF-8 (with or without BOM) or GB18030.
///
/// Header aliases (case-insensitive, trimmed; the first alias in each list that the header has wins): see
/// `longitudeAliases` and the lists beside it (English names, and the names Chinese case and dispatch systems
/// export, such as 经度, 纬度, 警情编号, 报警时间, 警情类别). Only longitude and latitude are required, and time
/// with `timeRequired`. Without an id column a row's id is its 1-based data row number; without a category column
/// every row has category `""`.
///
/// Each data row is kept or rejected with the first problem found, checked in this order: quoting, encoding,
/// field count, longitude, latitude, id, time, category, weight. Blank lines (only spaces, tabs or CR) are
/// skipped and are not rows. Longitude must be within [-180, 180] and latitude within [-90, 90]; NaN and
/// infinities are rejected; ids must not be empty; an empty category is the category `""`; weights must be
/// finite 32-bit floats. Times are read in `IncidentCSVOptions.timeFormat`, or in the format detected from the
/// file (`detectTimeFormat`: up to 4,096 non-empty values sampled from 16 places spread through the file, the
/// format reading the most of them chosen); an unreadable time rejects its row only with `timeRequired`, else
/// the row is kept without a time.
///
/// Encoding: under `.auto`, valid UTF-8 is read as UTF-8; bytes that are mostly valid UTF-8 (more than ten valid
/// multi-byte characters per invalid byte) are read as UTF-8 with the rows holding invalid bytes rejected
/// ("row is not valid UTF-8"); anything else is converted from GB18030. Under `.utf8` invalid rows are rejected
/// the same way. Under `.gb18030` bytes iconv cannot convert reject their rows ("row is not valid GB18030").
public enum IncidentCSVReader {
    public static let longitudeAliases = ["lon", "lng", "long", "longitude", "x", "经度", "东经", "gps经度"]
    public static let latitudeAliases = ["lat", "latitude", "y", "纬度", "北纬", "gps纬度"]
    public static let idAliases = ["id", "警情编号", "案件编号", "事件编号", "工单编号", "编号", "序号"]
    /// When occurred before when reported before when registered, specific before generic.
    public static let timeAliases = [
        "time", "datetime", "timestamp", "occurred_at", "发生时间", "发案时间", "案发时间", "事发时间", "报警时间",
        "接警时间", "reported_at", "受理时间", "立案时间", "created_at", "时间", "date", "日期",
    ]
    public static let categoryAliases = [
        "category", "type", "警情类别", "案件类别", "警情类型", "案件类型", "事件类型", "案由", "类别", "类型", "分类",
    ]
    public static let weightAliases = ["weight", "权重"]

    /// Reads the file at `path` (mapped into memory, not copied, when it is a regular file).
    ///
    /// Memory: the table's columns are allocated once, at one slot per line, and each parsing thread writes its
    /// rows straight into its part of them; the mapped file's pages are handed back as they are parsed. Reading
    /// thus holds at most the file plus the table (34 bytes per row for `id,lon,lat,time,category`).
    public static func read(path: String, options: IncidentCSVOptions = IncidentCSVOptions()) throws(IncidentReadError)
        -> IncidentReadResult
    {
        try read(path: path, options: options, releaseStepBytes: 8 << 20)
    }

    /// `read(path:options:)` releasing parsed pages of a mapped file every `releaseStepBytes` (tests make it
    /// small). A parameter, not an option: a new stored property would change the layout of a public struct.
    static func read(path: String, options: IncidentCSVOptions, releaseStepBytes: Int) throws(IncidentReadError)
        -> IncidentReadResult
    {
        do {
            return try withFileBytes(path: path) { (bytes, isMapping) throws(IncidentReadError) in
                try read(buffer: bytes, name: path, options: options,
                         releaseStep: isMapping ? releaseStepBytes : nil)
            }
        } catch let error as IncidentReadError {
            throw error
        } catch {
            // `withFileBytes` throws only `IncidentReadError`s of its own and the body's.
            throw IncidentReadError(path: path, message: "\(error)")
        }
    }

    /// Calls `body` with the bytes of the file at `path`: mapped into memory (not copied) when it is a regular
    /// file, else read to its end (a pipe). The bytes are valid only inside `body`. Throws `IncidentReadError`
    /// when the file cannot be opened or read, and whatever `body` throws.
    public static func withFileBytes<R>(path: String, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) throws -> R {
        try withFileBytes(path: path) { bytes, _ in try body(bytes) }
    }

    /// `withFileBytes`, telling `body` whether the bytes are a private read-only file mapping.
    static func withFileBytes<R, E: Error>(path: String, _ body: (UnsafeBufferPointer<UInt8>, Bool) throws(E) -> R)
        throws -> R
    {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw IncidentReadError(path: path, message: "cannot open: \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var status = stat()
        if fstat(descriptor, &status) == 0 && (status.st_mode & S_IFMT) == S_IFREG && status.st_size > 0 {
            let size = Int(status.st_size)
            // Not MAP_POPULATE: mapping every page up front runs on this thread alone; the parsing threads'
            // faults map them in parallel. WILLNEED still starts reading a file that is not cached.
            if let mapping = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0),
               mapping != MAP_FAILED
            {
                defer { munmap(mapping, size) }
                madvise(mapping, size, MADV_WILLNEED)
                return try body(UnsafeBufferPointer(start: mapping.assumingMemoryBound(to: UInt8.self), count: size),
                                true)
            }
        }
        let bytes = try readStream(descriptor, path: path)
        return try bytes.withUnsafeBufferPointer { buffer throws(E) in try body(buffer, false) }
    }

    /// Reads CSV bytes; `name` labels errors (a path or description).
    public static func read(bytes: [UInt8], name: String, options: IncidentCSVOptions = IncidentCSVOptions())
        throws(IncidentReadError) -> IncidentReadResult
    {
        try bytes.withUnsafeBufferPointer { (buffer) throws(IncidentReadError) in
            try read(buffer: buffer, name: name, options: options)
        }
    }

    /// With a `releaseStep`, `buffer` is a private read-only mapping of a file whose parsed pages are released
    /// every `releaseStep` bytes.
    static func read(buffer: UnsafeBufferPointer<UInt8>, name: String, options: IncidentCSVOptions,
                     releaseStep: Int? = nil)
        throws(IncidentReadError) -> IncidentReadResult
    {
        var invalidOffsets: [Int] = []
        var encoding = options.encoding
        if encoding != .gb18030 {
            let pieces = options.parallel && buffer.count > options.parallelThresholdBytes
                ? max(1, min(8, sysconf(Int32(_SC_NPROCESSORS_ONLN)))) : 1
            let check = TextDecoding.checkUTF8(buffer, pieces: pieces)
            if check.invalidOffsets.isEmpty {
                encoding = .utf8
            } else if encoding == .utf8 || check.validMultibyteCount > 10 * check.invalidOffsets.count {
                encoding = .utf8
                invalidOffsets = check.invalidOffsets
            } else {
                encoding = .gb18030
            }
        }
        if encoding == .utf8 {
            return try parse(buffer, name: name, options: options, invalidOffsets: invalidOffsets,
                             encoding: .utf8, encodingName: "UTF-8", releaseStep: releaseStep)
        }
        let converted: [UInt8]
        do {
            (converted, invalidOffsets) = try TextDecoding.utf8(fromGB18030: buffer)
        } catch {
            throw IncidentReadError(path: name, message: "cannot convert from GB18030: \(error.reason)")
        }
        return try converted.withUnsafeBufferPointer { (text) throws(IncidentReadError) in
            try parse(text, name: name, options: options, invalidOffsets: invalidOffsets,
                      encoding: .gb18030, encodingName: "GB18030")
        }
    }

    /// Reads a descriptor that cannot be mapped (a pipe, an empty or special file) to its end.
    private static func readStream(_ descriptor: Int32, path: String) throws(IncidentReadError) -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress!, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw IncidentReadError(path: path, message: "cannot read: \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return bytes
    }

    // MARK: - Header

    /// Column positions of the roles in the header.
    struct Layout: Sendable {
        var fieldCount: Int
        var longitude: Int
        var latitude: Int
        var id: Int?
        var time: Int?
        var category: Int?
        var weight: Int?
        /// How the time column's values are read, and whether a row without a readable time is rejected.
        var timeParser = TimeValueParser(format: nil, zone: .utc)
        var timeRequired = false
        /// The time format in reject reasons, e.g. `yyyy/M/d H:mm`.
        var timeShape = ""
    }

    static func normalizedName(_ name: String) -> String {
        var scalars = Substring(name).unicodeScalars
        while let first = scalars.first, first.properties.isWhitespace || first == "\u{FEFF}" {
            scalars.removeFirst()
        }
        while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
        return String(String.UnicodeScalarView(scalars)).lowercased()
    }

    static func layout(header: [String], options: IncidentCSVOptions, name: String) throws(IncidentReadError) -> Layout {
        let names = header.map(normalizedName)
        let shown = header.joined(separator: ",")
        func find(_ role: String, option: String, explicit: String?, aliases: [String], required: Bool)
            throws(IncidentReadError) -> Int?
        {
            if let explicit {
                guard let index = names.firstIndex(of: normalizedName(explicit)) else {
                    throw IncidentReadError(
                        path: name, message: "\(option) '\(explicit)' is not in the header \"\(shown)\"")
                }
                return index
            }
            for alias in aliases {
                if let index = names.firstIndex(of: alias) { return index }
            }
            if required {
                throw IncidentReadError(
                    path: name,
                    message: "no \(role) column in the header \"\(shown)\": name it with \(option) (recognised: "
                        + aliases.joined(separator: ", ") + ")")
            }
            return nil
        }
        let longitude = try find("longitude", option: "--lon-column", explicit: options.longitudeColumn,
                                 aliases: longitudeAliases, required: true)!
        let latitude = try find("latitude", option: "--lat-column", explicit: options.latitudeColumn,
                                aliases: latitudeAliases, required: true)!
        return Layout(
            fieldCount: header.count, longitude: longitude, latitude: latitude,
            id: try find("id", option: "--id-column", explicit: options.idColumn, aliases: idAliases, required: false),
            time: try find("time", option: "--time-column", explicit: options.timeColumn, aliases: timeAliases,
                           required: options.timeRequired),
            category: try find("category", option: "--category-column", explicit: options.categoryColumn,
                               aliases: categoryAliases, required: false),
            weight: try find("weight", option: "--weight-column", explicit: options.weightColumn,
                             aliases: weightAliases, required: false))
    }

    /// The positions of the longitude and latitude columns in `header` (names as found in the file), chosen
    /// exactly as `read` chooses them: the explicit column names in `options`, else the first alias present.
    /// Lets tools that rewrite coordinates in place (`heatgrid convert`) find the same columns as the reader.
    public static func coordinateColumns(header: [String], options: IncidentCSVOptions = IncidentCSVOptions(),
                                         name: String) throws(IncidentReadError) -> (longitude: Int, latitude: Int)
    {
        var options = options
        options.timeRequired = false
        let layout = try layout(header: header, options: options, name: name)
        return (layout.longitude, layout.latitude)
    }

    /// Reads the header row at `start`: its fields and where the data begins, with the physical line it is on.
    static func readHeader(_ base: UnsafePointer<UInt8>, start: Int, end: Int)
        -> (fields: [String], dataStart: Int, linesUsed: Int)
    {
        var fields: [String] = []
        var field: [UInt8] = []
        var p = start
        var lines = 0
        var inQuotes = false
        while p < end {
            let b = base[p]
            if inQuotes {
                if b == UInt8(ascii: "\"") {
                    if p + 1 < end && base[p + 1] == UInt8(ascii: "\"") {
                        field.append(b)
                        p += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    if b == UInt8(ascii: "\n") { lines += 1 }
                    field.append(b)
                }
            } else if b == UInt8(ascii: "\"") && field.allSatisfy(DecimalParsing.isBlank) {
                field.removeAll()
                inQuotes = true
            } else if b == UInt8(ascii: ",") {
                fields.append(String(decoding: field, as: UTF8.self))
                field.removeAll()
            } else if b == UInt8(ascii: "\n") {
                p += 1
                lines += 1
                break
            } else if b != UInt8(ascii: "\r") {
                field.append(b)
            }
            p += 1
        }
        fields.append(String(decoding: field, as: UTF8.self))
        return (fields, p, lines)
    }

    // MARK: - Parsing

    /// Pointer to the file's bytes shared read-only between parsing threads.
    struct SharedBytes: @unchecked Sendable {
        let base: UnsafePointer<UInt8>
    }

    /// Result slots written by one parsing thread each.
    final class ChunkSlots<Value>: @unchecked Sendable {
        let slots: UnsafeMutablePointer<Value?>
        let count: Int
        init(count: Int) {
            self.count = count
            slots = .allocate(capacity: count)
            slots.initialize(repeating: nil, count: count)
        }
        deinit {
            slots.deinitialize(count: count)
            slots.deallocate()
        }
        var values: [Value] { (0..<count).map { slots[$0]! } }
    }

    /// Where parsed rows are written: the table's columns, allocated once, each parsing thread at its own offset.
    struct ColumnSlots: @unchecked Sendable {
        var longitude: UnsafeMutablePointer<Double>
        var latitude: UnsafeMutablePointer<Double>
        var time: UnsafeMutablePointer<Int64>?
        var category: UnsafeMutablePointer<UInt16>
        var weight: UnsafeMutablePointer<Float>?
        /// Id words; without an id column, the 1-based data row number within the chunk.
        var idSpans: UnsafeMutablePointer<UInt64>

        func advanced(by n: Int) -> ColumnSlots {
            ColumnSlots(longitude: longitude + n, latitude: latitude + n, time: time.map { $0 + n },
                        category: category + n, weight: weight.map { $0 + n }, idSpans: idSpans + n)
        }

        /// Moves `count` rows from `source` to `target` (the ranges may overlap; the columns hold plain values,
        /// so bytes are moved as they are).
        func moveRows(from source: Int, to target: Int, count: Int) {
            func move<T>(_ column: UnsafeMutablePointer<T>) {
                memmove(column + target, column + source, count * MemoryLayout<T>.stride)
            }
            move(longitude)
            move(latitude)
            if let time { move(time) }
            move(category)
            if let weight { move(weight) }
            move(idSpans)
        }
    }

    /// The columns of a table being read.
    struct Columns {
        var longitude: [Double] = []
        var latitude: [Double] = []
        var time: [Int64] = []
        var category: [UInt16] = []
        var weight: [Float] = []
        var idSpans: [UInt64] = []

        /// Allocates every column once with room for `capacity` rows (memory the rows never reach is never
        /// touched, so it costs address space only) and lets `fill` write the rows; `fill` returns how many.
        init(capacity: Int, time hasTime: Bool, weight hasWeight: Bool, fill: (ColumnSlots) -> Int) {
            let room = max(capacity, 1)
            var rows = 0
            var latitude: [Double] = [], time: [Int64] = [], category: [UInt16] = [], weight: [Float] = []
            var idSpans: [UInt64] = []
            // Trivial element types: leaving a buffer uninitialised past its count is allowed.
            longitude = [Double](unsafeUninitializedCapacity: room) { lon, lonCount in
                latitude = [Double](unsafeUninitializedCapacity: room) { lat, latCount in
                    time = [Int64](unsafeUninitializedCapacity: hasTime ? room : 0) { tim, timCount in
                        category = [UInt16](unsafeUninitializedCapacity: room) { cat, catCount in
                            weight = [Float](unsafeUninitializedCapacity: hasWeight ? room : 0) { wei, weiCount in
                                idSpans = [UInt64](unsafeUninitializedCapacity: room) { ids, idsCount in
                                    // Tens of megabytes at a million rows, all written once: huge pages save
                                    // most of their page faults (see `FreshMemory`).
                                    for column in [UnsafeMutableRawBufferPointer(lon), UnsafeMutableRawBufferPointer(lat),
                                                   UnsafeMutableRawBufferPointer(tim), UnsafeMutableRawBufferPointer(cat),
                                                   UnsafeMutableRawBufferPointer(wei), UnsafeMutableRawBufferPointer(ids)] {
                                        FreshMemory.adviseHugePages(column)
                                    }
                                    rows = fill(ColumnSlots(
                                        longitude: lon.baseAddress!, latitude: lat.baseAddress!,
                                        time: hasTime ? tim.baseAddress! : nil, category: cat.baseAddress!,
                                        weight: hasWeight ? wei.baseAddress! : nil, idSpans: ids.baseAddress!))
                                    idsCount = rows
                                }
                                weiCount = hasWeight ? rows : 0
                            }
                            catCount = rows
                        }
                        timCount = hasTime ? rows : 0
                    }
                    latCount = rows
                }
                lonCount = rows
            }
            self.latitude = latitude
            self.time = time
            self.category = category
            self.weight = weight
            self.idSpans = idSpans
        }
    }

    /// What the quick first pass over a chunk found.
    private struct ChunkCensus {
        var newlines = 0
        var hasQuote = false
    }

    static func parse(_ buffer: UnsafeBufferPointer<UInt8>, name: String, options: IncidentCSVOptions,
                      invalidOffsets: [Int], encoding: IncidentTextEncoding, encodingName: String,
                      releaseStep: Int? = nil)
        throws(IncidentReadError) -> IncidentReadResult
    {
        guard let base = buffer.baseAddress, buffer.count > 0 else {
            throw IncidentReadError(path: name, message: "the file is empty (no header row)")
        }
        let end = buffer.count
        var p = 0
        if end >= 3 && base[0] == 0xEF && base[1] == 0xBB && base[2] == 0xBF { p = 3 }
        var line = 1
        // Blank lines before the header.
        while true {
            var q = p
            while q < end && (DecimalParsing.isBlank(base[q]) || base[q] == UInt8(ascii: "\r")) { q += 1 }
            if q == end { throw IncidentReadError(path: name, message: "the file is empty (no header row)") }
            if base[q] != UInt8(ascii: "\n") { break }
            p = q + 1
            line += 1
        }
        let header = readHeader(base, start: p, end: end)
        var layout = try self.layout(header: header.fields, options: options, name: name)
        let dataStart = header.dataStart
        let firstDataLine = line + header.linesUsed
        var timeFormat: IncidentTimeFormat? = nil
        var timeFormatDescription: String? = nil
        var timeWarning: String? = nil
        if let column = layout.time {
            if let given = options.timeFormat {
                timeFormat = given
                layout.timeShape = given.description
                timeFormatDescription = given.description + " (--time-format)"
            } else {
                let samples = sampleTimes(base, start: dataStart, end: end, column: column,
                                          fieldCount: layout.fieldCount)
                let detection = detectTimeFormat(samples, column: header.fields[column]) { offset in
                    firstDataLine + ByteScanning.countNewlinesAndQuotes(base + dataStart, offset - dataStart).newlines
                }
                if detection.format == nil, let problem = detection.problem, options.timeRequired {
                    throw IncidentReadError(path: name, message: problem)
                }
                timeFormat = detection.format
                timeWarning = detection.problem
                if let shape = detection.shape {
                    layout.timeShape = shape
                    timeFormatDescription = shape + " (detected)"
                }
            }
            layout.timeParser = TimeValueParser(format: timeFormat, zone: options.timeZone)
            layout.timeRequired = options.timeRequired
        }
        options.progress?.begin(bytes: end - dataStart)
        defer { options.progress?.finish() }

        // Chunks start at line starts; they are parsed apart only when no quote can make a newline part of a
        // field, which the first pass (newlines and quotes per chunk) tells.
        var chunkCount = 1
        if options.parallel && end - dataStart > options.parallelThresholdBytes {
            chunkCount = max(1, min(8, sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        }
        var bounds = [dataStart]
        for k in 1..<chunkCount {
            var cut = dataStart + (end - dataStart) * k / chunkCount
            if cut < bounds[bounds.count - 1] { cut = bounds[bounds.count - 1] }
            if let newline = memchr(base + cut, Int32(UInt8(ascii: "\n")), end - cut) {
                cut = UnsafePointer<UInt8>(newline.assumingMemoryBound(to: UInt8.self)) - base + 1
            } else {
                cut = end
            }
            bounds.append(cut)
        }
        bounds.append(end)
        let shared = SharedBytes(base: base)
        var census: [ChunkCensus]
        if chunkCount == 1 {
            let counted = ByteScanning.countNewlinesAndQuotes(base + dataStart, end - dataStart)
            census = [ChunkCensus(newlines: counted.newlines, hasQuote: counted.hasQuote)]
        } else {
            let slots = ChunkSlots<ChunkCensus>(count: chunkCount)
            let cuts = bounds
            DispatchQueue.concurrentPerform(iterations: chunkCount) { k in
                let counted = ByteScanning.countNewlinesAndQuotes(shared.base + cuts[k], cuts[k + 1] - cuts[k])
                slots.slots[k] = ChunkCensus(newlines: counted.newlines, hasQuote: counted.hasQuote)
            }
            census = slots.values
            if census.contains(where: \.hasQuote) {
                census = [ChunkCensus(newlines: census.reduce(0) { $0 + $1.newlines }, hasQuote: true)]
                bounds = [dataStart, end]
            }
        }

        let attempt = parseChunks(base, bounds: bounds, census: census, firstLine: firstDataLine, layout: layout,
                                  invalidOffsets: invalidOffsets, encodingName: encodingName,
                                  releaseStep: releaseStep, progress: options.progress)
        guard var result = attempt ?? parseChunks(
            base, bounds: [dataStart, end],
            census: [ChunkCensus(newlines: census.reduce(0) { $0 + $1.newlines },
                                 hasQuote: census.contains(where: \.hasQuote))],
            firstLine: firstDataLine, layout: layout, invalidOffsets: invalidOffsets, encodingName: encodingName,
            releaseStep: releaseStep, progress: nil)
        else {
            // One pass never holds more names than indices allow.
            preconditionFailure("category names exceed UInt16 indices in a single pass")
        }
        result.header = header.fields
        result.encoding = encoding
        result.timeFormat = timeFormat
        result.timeFormatDescription = timeFormatDescription
        result.timeWarning = timeWarning
        return result
    }

    /// What parsing one chunk produced besides the rows it wrote; category indices are local to the chunk.
    struct ChunkOutput {
        /// Rows written to the chunk's column slots.
        var kept = 0
        /// Bytes of the chunk's ids longer than 7 bytes (spans are offsets into this buffer).
        var idBytes: [UInt8] = []
        var categories = CategoryInterner()
        var rejects: [IncidentReject] = []
        var rowsRead = 0
        /// Kept rows without a time.
        var timeless = 0
        /// The physical line of the chunk's first byte and the number of newlines in the chunk.
        var firstLine = 0
        var newlineCount = 0
    }

    /// Parses the chunks `bounds[k]..<bounds[k + 1]` (in parallel when there are several) straight into the
    /// table's columns, each at its own offset, then closes the gaps left by rejected rows and blank lines.
    /// Returns nil when the chunks together hold more category names than indices allow (a single pass would
    /// then reject rows, so the caller re-reads in one pass).
    private static func parseChunks(_ base: UnsafePointer<UInt8>, bounds: [Int], census: [ChunkCensus],
                                    firstLine: Int, layout: Layout, invalidOffsets: [Int], encodingName: String,
                                    releaseStep: Int?, progress: ReadProgress?) -> IncidentReadResult?
    {
        let chunkCount = bounds.count - 1
        // Room per chunk: a row per newline, plus one for a last row without a newline.
        var offsets = [0]
        var capacities: [Int] = []
        for k in 0..<chunkCount {
            let unterminated = bounds[k + 1] > bounds[k] && base[bounds[k + 1] - 1] != UInt8(ascii: "\n") ? 1 : 0
            capacities.append(census[k].newlines + unterminated)
            offsets.append(offsets[k] + capacities[k])
        }
        var outputs: [ChunkOutput] = []
        var columns = Columns(capacity: offsets[chunkCount], time: layout.time != nil,
                              weight: layout.weight != nil) { slots in
            if chunkCount == 1 {
                outputs = [parseChunk(base, start: bounds[0], end: bounds[1], firstLine: firstLine,
                                      newlineCount: census[0].newlines, hasQuote: census[0].hasQuote, into: slots, capacity: capacities[0],
                                      layout: layout, invalidOffsets: invalidOffsets, encodingName: encodingName,
                                      releaseStep: releaseStep, progress: progress)]
            } else {
                let shared = SharedBytes(base: base)
                let results = ChunkSlots<ChunkOutput>(count: chunkCount)
                let (offsets, capacities) = (offsets, capacities)
                DispatchQueue.concurrentPerform(iterations: chunkCount) { k in
                    // Chunks after the first count lines from 0; their rejects are shifted below.
                    results.slots[k] = parseChunk(
                        shared.base, start: bounds[k], end: bounds[k + 1], firstLine: k == 0 ? firstLine : 0,
                        newlineCount: census[k].newlines, hasQuote: census[k].hasQuote,
                        into: slots.advanced(by: offsets[k]),
                        capacity: capacities[k], layout: layout, invalidOffsets: invalidOffsets,
                        encodingName: encodingName, releaseStep: releaseStep, progress: progress)
                }
                outputs = results.values
            }
            var rows = 0
            for k in 0..<chunkCount {
                if offsets[k] != rows { slots.moveRows(from: offsets[k], to: rows, count: outputs[k].kept) }
                rows += outputs[k].kept
            }
            return rows
        }

        // Category names in first-seen order over the file; each chunk's indices mapped to them.
        var categoryNames: [String] = []
        var globalIndex: [[UInt8]: UInt16] = [:]
        var remaps: [[UInt16]] = []
        for output in outputs {
            var remap: [UInt16] = []
            for name in output.categories.names {
                if let index = globalIndex[name] {
                    remap.append(index)
                } else {
                    guard categoryNames.count < CategoryInterner.capacity else { return nil }
                    let index = UInt16(categoryNames.count)
                    globalIndex[name] = index
                    categoryNames.append(String(decoding: name, as: UTF8.self))
                    remap.append(index)
                }
            }
            remaps.append(remap)
        }
        if layout.category == nil || categoryNames.isEmpty { categoryNames = [""] }

        let rowsRead = outputs.reduce(0) { $0 + $1.rowsRead }
        // Chunks after the first count lines from 0; shift them by the newlines before the chunk.
        var rejects: [IncidentReject] = []
        var lineShift = 0
        for (k, output) in outputs.enumerated() {
            for var reject in output.rejects {
                reject.line += k == 0 ? 0 : lineShift
                rejects.append(reject)
            }
            lineShift = (k == 0 ? output.firstLine : lineShift) + output.newlineCount
        }

        // Chunk-local category indices, long-id offsets and row numbers made global, in place.
        var ids = IncidentIDs()
        swap(&ids.spans, &columns.idSpans)
        swap(&ids.bytes, &outputs[0].idBytes)
        var rowStart = 0
        var rowsBefore = 0
        for k in 0..<chunkCount {
            let rows = rowStart..<rowStart + outputs[k].kept
            let remap = remaps[k]
            if remap.indices.contains(where: { remap[$0] != UInt16($0) }) {
                for row in rows { columns.category[row] = remap[Int(columns.category[row])] }
            }
            if layout.id == nil {
                for row in rows {
                    ids.spans[row] = IncidentIDs.encodeNumber(rowsBefore + Int(ids.spans[row]), bytes: &ids.bytes)
                }
            } else if k > 0 && !outputs[k].idBytes.isEmpty {
                let shift = UInt64(ids.bytes.count)
                ids.bytes.append(contentsOf: outputs[k].idBytes)
                outputs[k].idBytes = []
                for row in rows where ids.spans[row] & IncidentIDs.inlineFlag == 0 { ids.spans[row] += shift }
            }
            rowStart = rows.upperBound
            rowsBefore += outputs[k].rowsRead
        }
        let table = IncidentTable(
            longitude: columns.longitude, latitude: columns.latitude, time: layout.time == nil ? nil : columns.time,
            category: columns.category, categoryNames: categoryNames,
            weight: layout.weight == nil ? nil : columns.weight, ids: ids)
        var result = IncidentReadResult(table: table, rowsRead: rowsRead, rejects: rejects, header: [], encoding: .utf8)
        result.timeless = outputs.reduce(0) { $0 + $1.timeless }
        return result
    }
}
