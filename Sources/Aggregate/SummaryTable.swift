import AtomicOutput
import GeoCore
import GeoJSON
import Incidents
import Parallel

/// One level of units counted: the whole area, a parent layer (streets, communities) or the cells.
public struct SummaryLevel: Sendable {
    /// `area`, the parent layer's name (e.g. `community`), or `cell`.
    public var name: String
    public var ids: [String]
    public var names: [String]
    public var cube: CountCube

    public init(name: String, ids: [String], names: [String], cube: CountCube) {
        precondition(ids.count == cube.unitCount && names.count == cube.unitCount, "an id and a name per unit")
        self.name = name
        self.ids = ids
        self.names = names
        self.cube = cube
    }
}

/// The numbers a planner reads first: per level, unit, category (and all together) and reported period, the count,
/// the count of the period it is compared with, the change and the harm-weighted totals.
///
/// Files: `summary.csv` with the columns
/// `level,unit_id,unit_name,category,period,count,previous,change,change_pct,harm,harm_previous`, one row per
/// level × unit × category × period (category `all`: every category together), levels from the whole area down;
/// rows of units below the area level whose count and previous count are both zero are left out (they would be
/// most rows of a fine grid). Without a comparison `previous`, `change`, `change_pct` and `harm_previous` are
/// empty; `change_pct` is also empty when the base is zero and the count is not (see `Change.percent`).
public struct SummaryTable: Sendable {
    public var levels: [SummaryLevel]
    public var categories: CategoryTable
    /// The periods reported, ascending.
    public var periods: [Period]
    public var comparison: PeriodComparison?

    public init(levels: [SummaryLevel], categories: CategoryTable, periods: [Period], comparison: PeriodComparison?) {
        self.levels = levels
        self.categories = categories
        self.periods = periods
        self.comparison = comparison
    }

    /// One row of the table.
    public struct Row: Sendable, Equatable {
        public var level: Int
        public var unit: Int
        /// A category index, or nil for all categories.
        public var category: Int?
        public var period: Period
        public var count: Int
        public var previous: Int?
        public var harm: Double
        public var harmPrevious: Double?
        /// The period's position in `SummaryTable.periods`.
        var periodIndex = 0

        public var change: Int? { previous.map { count - $0 } }
        public var changePercent: Double? { previous.flatMap { Change.percent(Double(count), base: Double($0)) } }
    }

    /// The rows of `level` for `units`, in unit, category (every category, then all), period order.
    public func rows(level: Int, units: Range<Int>) -> [Row] {
        var collector = RowCollector()
        forEachRow(level: level, units: units, into: &collector)
        return collector.rows
    }

    /// Something rows are handed to one by one (a value, so the hot loop touches no boxed captures).
    protocol RowSink {
        mutating func take(_ row: Row)
    }

    struct RowCollector: RowSink {
        var rows: [Row] = []
        mutating func take(_ row: Row) { rows.append(row) }
    }

    /// Hands each row of `level` for `units` to `sink`, in the order of `rows(level:units:)`, reading the counts
    /// straight from the cube (each period's slot and its base's slot looked up once).
    func forEachRow<Sink: RowSink>(level: Int, units: Range<Int>, into sink: inout Sink) {
        let cube = levels[level].cube
        let counts = cube.counts
        let harms = categories.categories.map(\.harm)
        let categoryCount = cube.categoryCount, unitCount = cube.unitCount
        let keepZeros = level == 0
        let bases = periods.map { comparison?.base(of: $0) }
        let compared = comparison != nil
        // Offsets of each period's and its base's counts of category 0, unit 0 (-1: the period is not counted).
        let offsets = periods.map { cube.slot(of: $0).map { $0 * categoryCount * unitCount } ?? -1 }
        let baseOffsets = bases.map { $0.flatMap { cube.slot(of: $0) }.map { $0 * categoryCount * unitCount } ?? -1 }
        // Per period, the totals over every category.
        var allCount = [Int](repeating: 0, count: periods.count), allPrevious = allCount
        var allHarm = [Double](repeating: 0, count: periods.count), allHarmPrevious = allHarm
        for unit in units {
            for k in periods.indices {
                allCount[k] = 0
                allPrevious[k] = 0
                allHarm[k] = 0
                allHarmPrevious[k] = 0
            }
            for category in 0...categoryCount {
                for k in periods.indices {
                    let count: Int, previous: Int, harm: Double, harmPrevious: Double
                    if category < categoryCount {
                        let within = category * unitCount + unit
                        count = offsets[k] < 0 ? 0 : Int(counts[offsets[k] + within])
                        previous = baseOffsets[k] < 0 ? 0 : Int(counts[baseOffsets[k] + within])
                        // Most combinations of a fine grid are empty: nothing to add, and no row below the area.
                        if count | previous == 0 && !keepZeros { continue }
                        harm = Double(count) * harms[category]
                        harmPrevious = Double(previous) * harms[category]
                        allCount[k] += count
                        allPrevious[k] += previous
                        allHarm[k] += harm
                        allHarmPrevious[k] += harmPrevious
                    } else {
                        (count, previous, harm, harmPrevious) = (allCount[k], allPrevious[k], allHarm[k], allHarmPrevious[k])
                    }
                    if !keepZeros && count == 0 && previous == 0 { continue }
                    sink.take(Row(level: level, unit: unit, category: category < categoryCount ? category : nil,
                                  period: periods[k], count: count, previous: compared ? previous : nil, harm: harm,
                                  harmPrevious: compared ? harmPrevious : nil, periodIndex: k))
                }
            }
        }
    }

    public static let csvHeader = "level,unit_id,unit_name,category,period,count,previous,change,change_pct,harm,harm_previous\n"

    /// Writes `summary.csv` and `summary.json` (each atomically): the rows formatted once for both, in parts of
    /// units on `threads` threads, written part by part.
    ///
    /// `summary.json` holds the members of `jsonHeader` (what was counted, how), then `columns` (the CSV's names)
    /// and `rows`, one array per row in the CSV's order and form (numbers as numbers, empty fields as null).
    public func write(csvPath: String, jsonPath: String, jsonHeader: JSONObject, threads: Int) throws {
        guard var head = JSONText.encode(.object(jsonHeader)) else {
            throw SummaryWriteError(path: jsonPath, message: "a number in the summary is not finite")
        }
        head.removeLast()  // the closing brace: the rows follow
        if !jsonHeader.members.isEmpty { head.append(UInt8(ascii: ",")) }
        head += Array("\"columns\":[".utf8)
        let columns = Self.csvHeader.dropLast().split(separator: ",")
        for (k, column) in columns.enumerated() {
            if k > 0 { head.append(UInt8(ascii: ",")) }
            JSONText.appendString(String(column), to: &head)
        }
        head += Array("],\"rows\":[\n".utf8)

        let lanes = max(1, threads)
        let categoryCodes = categories.categories.map(\.code) + ["all"]
        let periodLabels = periods.map(\.label)
        try writeAtomically(to: csvPath) { csv in
            try writeAtomically(to: jsonPath) { json in
                try csv.write(Array(Self.csvHeader.utf8))
                try json.write(head)
                var work: [Part] = []
                for (level, entry) in levels.enumerated() {
                    // Parts of about 256 units: buffers of a few hundred kilobytes, reused round after round.
                    let parts = max(1, entry.cube.unitCount / 256)
                    work += (0..<parts).map { Part(level: level, parts: parts, part: $0) }
                }
                let fields = levels.map { entry in
                    LevelFields(csv: RowFields(level: entry, format: .csv, categoryCodes: categoryCodes, periodLabels: periodLabels),
                                json: RowFields(level: entry, format: .json, categoryCodes: categoryCodes, periodLabels: periodLabels))
                }
                try writeRows(of: work, fields: fields, to: OutputPair(csv: csv, json: json), lanes: lanes)
                try json.write(Array("]}\n".utf8))
            }
        }
    }

    /// One part of a level's units: `part` of `parts`.
    struct Part: Sendable {
        let level: Int
        let parts: Int
        let part: Int
    }

    struct LevelFields: Sendable {
        let csv: RowFields
        let json: RowFields
    }

    /// Formats `work` on `lanes` threads and writes it in order. Two sets of buffers: round r fills set r % 2 with
    /// the next parts while the parts of round r − 1 are written.
    private func writeRows(of work: [Part], fields: [LevelFields], to output: OutputPair, lanes: Int) throws {
        let sets = [LaneBuffers(lanes: lanes, perLane: 2, capacity: 1 << 20),
                    LaneBuffers(lanes: lanes, perLane: 2, capacity: 1 << 20)]
        let files = Exclusive(output)
        var next = 0, round = 0
        var pending: LaneBuffers?, pendingCount = 0
        while next < work.count || pending != nil {
            let count = min(lanes, work.count - next)
            let set = sets[round % 2]
            var writeTask: (@Sendable () -> Void)?
            if let written = pending {
                let writtenCount = pendingCount
                writeTask = { files.value.write(written, lanes: writtenCount) }
            }
            let firstPart = next
            set.fill(count, alongside: writeTask) { lane, bytes in
                self.format(work[firstPart + lane], fields: fields, into: &bytes)
            }
            if let error = output.error { throw error }
            pending = count > 0 ? set : nil
            pendingCount = count
            next += count
            round += 1
        }
    }

    /// Formats the rows of one part of a level into `bytes[0]` (CSV) and `bytes[1]` (JSON).
    private func format(_ work: Part, fields: [LevelFields], into bytes: inout [[UInt8]]) {
        var sink = RowFormatter(table: self, csvFields: fields[work.level].csv, jsonFields: fields[work.level].json)
        swap(&sink.csv, &bytes[0])
        swap(&sink.json, &bytes[1])
        let unitCount = levels[work.level].cube.unitCount
        forEachRow(level: work.level, units: Parallel.part(work.part, of: unitCount, parts: work.parts), into: &sink)
        swap(&sink.csv, &bytes[0])
        swap(&sink.json, &bytes[1])
    }

    /// The two files being written, by one task at a time; the first error stops the writing and is rethrown by
    /// the caller.
    final class OutputPair {
        let csv: AtomicFileWriter
        let json: AtomicFileWriter
        var firstRow = true
        var error: (any Error)?

        init(csv: AtomicFileWriter, json: AtomicFileWriter) {
            self.csv = csv
            self.json = json
        }

        func write(_ buffers: LaneBuffers, lanes: Int) {
            guard error == nil else { return }
            do {
                for lane in 0..<lanes {
                    try csv.write(buffers[lane, 0])
                    var rows = buffers[lane, 1]
                    guard !rows.isEmpty else { continue }
                    if firstRow {
                        rows.removeFirst()  // no comma before the first row
                        firstRow = false
                    }
                    try json.write(rows)
                }
            } catch {
                self.error = error
            }
        }
    }

    enum Format { case csv, json }

    /// The repeated fields of one level's rows, escaped once for one format, each followed by a comma.
    struct RowFields: Sendable {
        let format: Format
        let level: [UInt8]
        let ids: [String]
        let names: [String]
        /// The category and period fields together, `[category × periodCount + period]`.
        let categoryPeriods: [[UInt8]]
        let periodCount: Int

        init(level entry: SummaryLevel, format: Format, categoryCodes: [String], periodLabels: [String]) {
            self.format = format
            level = Self.field(entry.name, format)
            ids = entry.ids
            names = entry.names
            let periods = periodLabels.map { Self.field($0, format) }
            categoryPeriods = categoryCodes.flatMap { code in periods.map { Self.field(code, format) + $0 } }
            periodCount = periodLabels.count
        }

        static func field(_ text: String, _ format: Format) -> [UInt8] {
            var bytes: [UInt8] = []
            switch format {
            case .csv: CSVText.appendField(text.utf8, to: &bytes)
            case .json: JSONText.appendString(text, to: &bytes)
            }
            bytes.append(UInt8(ascii: ","))
            return bytes
        }

        /// What starts every row of `unit`: `,[` (JSON: rows follow one another), the level, the unit's id and name.
        func unitPrefix(_ unit: Int) -> [UInt8] {
            (format == .json ? Array(",[".utf8) : []) + level + Self.field(ids[unit], format)
                + Self.field(names[unit], format)
        }
    }

    /// Formats each row as a CSV line and a JSON array (preceded by a comma): the unit's fields escaped once per
    /// unit, the rest per row.
    struct RowFormatter: RowSink {
        let table: SummaryTable
        let csvFields: RowFields
        let jsonFields: RowFields
        var csv: [UInt8] = []
        var json: [UInt8] = []
        var csvPrefix: [UInt8] = []
        var jsonPrefix: [UInt8] = []
        var prefixUnit = -1

        init(table: SummaryTable, csvFields: RowFields, jsonFields: RowFields) {
            self.table = table
            self.csvFields = csvFields
            self.jsonFields = jsonFields
        }

        mutating func take(_ row: Row) {
            if row.unit != prefixUnit {
                csvPrefix = csvFields.unitPrefix(row.unit)
                jsonPrefix = jsonFields.unitPrefix(row.unit)
                prefixUnit = row.unit
            }
            let category = row.category ?? table.categories.count
            let field = category * csvFields.periodCount + row.periodIndex
            csv += csvPrefix
            csv += csvFields.categoryPeriods[field]
            table.appendNumbers(row, .csv, to: &csv)
            json += jsonPrefix
            json += jsonFields.categoryPeriods[field]
            table.appendNumbers(row, .json, to: &json)
        }
    }

    /// `count,previous,change,change_pct,harm,harm_previous` and the row's end (`]` and a newline for JSON);
    /// an absent value is an empty CSV field or a JSON null. Formatted in a stack buffer and appended at once.
    func appendNumbers(_ row: Row, _ format: Format, to bytes: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 192) { buffer in
            let p = buffer.baseAddress!
            var n = 0
            func absent() {
                if format == .json {
                    // "null", stored as one little-endian word.
                    UnsafeMutableRawPointer(p + n).storeBytes(of: UInt32(0x6C6C_756E).littleEndian, as: UInt32.self)
                    n += 4
                }
            }
            func comma() {
                p[n] = UInt8(ascii: ",")
                n += 1
            }
            n += NumberText.write(row.count, to: p + n)
            comma()
            if let previous = row.previous { n += NumberText.write(previous, to: p + n) } else { absent() }
            comma()
            if let change = row.change { n += NumberText.write(change, to: p + n) } else { absent() }
            comma()
            if let percent = row.changePercent {
                n += format == .json ? NumberText.write(percent, decimals: 2, trimmed: true, to: p + n)
                    : NumberText.write(percent, decimals: 2, trimmed: false, to: p + n)
            } else {
                absent()
            }
            comma()
            n += NumberText.write(row.harm, decimals: 4, trimmed: true, to: p + n)
            comma()
            if let harm = row.harmPrevious { n += NumberText.write(harm, decimals: 4, trimmed: true, to: p + n) } else {
                absent()
            }
            if format == .json {
                p[n] = UInt8(ascii: "]")
                n += 1
            }
            p[n] = UInt8(ascii: "\n")
            n += 1
            bytes.append(contentsOf: UnsafeBufferPointer(start: p, count: n))
        }
    }

    /// A category's code, or `all`.
    public func code(_ category: Int?) -> String { category.map { categories.categories[$0].code } ?? "all" }
}

/// A summary file that could not be written.
public struct SummaryWriteError: Error, CustomStringConvertible, Sendable {
    public let path: String
    public let message: String
    public var description: String { "\(path): \(message)" }
}

/// Numbers as short text: integers in decimal, other values with up to four decimals, trailing zeros dropped.
public enum NumberText {
    static let powersOfTen = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000]

    public static func append(_ value: Int, to bytes: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { buffer in
            bytes.append(contentsOf: UnsafeBufferPointer(start: buffer.baseAddress!, count: write(value, to: buffer.baseAddress!)))
        }
    }

    /// Writes `value` in decimal at `p` (room for 20 bytes); returns the bytes written.
    @inline(__always)
    public static func write(_ value: Int, to p: UnsafeMutablePointer<UInt8>) -> Int {
        if value >= 0 && value < 10 {
            p.pointee = UInt8(truncatingIfNeeded: value) &+ 0x30
            return 1
        }
        var n = 0
        if value < 0 {
            p.pointee = UInt8(ascii: "-")
            n = 1
        }
        var v = value.magnitude
        var digits = 0
        var probe = v
        repeat {
            digits += 1
            probe /= 10
        } while probe > 0
        var i = n + digits
        repeat {
            i -= 1
            p[i] = UInt8(truncatingIfNeeded: v % 10) &+ 0x30
            v /= 10
        } while v > 0
        return n + digits
    }

    /// Writes `value` with `decimals` decimals (0 ... 6; half away from zero) at `p` (room for 40 bytes), trailing
    /// zeros and a bare point dropped when `trimmed`; whole values are written as integers then. Values too large
    /// for that are written in Swift's shortest form.
    public static func write(_ value: Double, decimals: Int, trimmed: Bool, to p: UnsafeMutablePointer<UInt8>) -> Int {
        if trimmed, value.magnitude < 1e15, Double(Int(value)) == value { return write(Int(value), to: p) }
        let scale = powersOfTen[decimals]
        let scaled = (value * Double(scale)).rounded()
        guard scaled.magnitude < 9e15 else {
            let text = Array(value.description.utf8.prefix(40))
            p.update(from: text, count: text.count)
            return text.count
        }
        var units = Int(scaled)
        var n = 0
        if units < 0 {
            p.pointee = UInt8(ascii: "-")
            n = 1
            units = -units
        }
        n += write(units / scale, to: p + n)
        guard decimals > 0 else { return n }
        var fraction = units % scale
        p[n] = UInt8(ascii: ".")
        for i in stride(from: n + decimals, through: n + 1, by: -1) {
            p[i] = UInt8(truncatingIfNeeded: fraction % 10) &+ 0x30
            fraction /= 10
        }
        n += decimals + 1
        if trimmed {
            while p[n - 1] == UInt8(ascii: "0") { n -= 1 }
            if p[n - 1] == UInt8(ascii: ".") { n -= 1 }
        }
        return n
    }

    public static func append(_ value: Double, to bytes: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 48) { buffer in
            let n = write(value, decimals: 4, trimmed: true, to: buffer.baseAddress!)
            bytes.append(contentsOf: UnsafeBufferPointer(start: buffer.baseAddress!, count: n))
        }
    }

    public static func text(_ value: Double) -> String {
        var bytes: [UInt8] = []
        append(value, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}
