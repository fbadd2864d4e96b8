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

        public var change: Int? { previous.map { count - $0 } }
        public var changePercent: Double? { previous.flatMap { Change.percent(Double(count), base: Double($0)) } }
    }

    /// The category indices of the rows of one unit and period: every category, then all (nil).
    var categoryColumns: [Int?] { Array(0..<categories.count) + [nil] }

    /// The rows of `level` for `units`, in unit, category, period order.
    public func rows(level: Int, units: Range<Int>) -> [Row] {
        let cube = levels[level].cube
        let harms = categories.categories.map(\.harm)
        let keepZeros = level == 0
        var rows: [Row] = []
        for unit in units {
            for category in categoryColumns {
                for period in periods {
                    let base = comparison?.base(of: period)
                    let count = cube.count(unit: unit, category: category, period: period)
                    let previous = base.map { cube.count(unit: unit, category: category, period: $0) }
                    if !keepZeros && count == 0 && (previous ?? 0) == 0 { continue }
                    rows.append(Row(level: level, unit: unit, category: category, period: period, count: count,
                                    previous: previous,
                                    harm: harm(cube, unit: unit, category: category, period: period, harms: harms),
                                    harmPrevious: base.map { harm(cube, unit: unit, category: category, period: $0, harms: harms) }))
                }
            }
        }
        return rows
    }

    /// Σ count × harm over the category (or all categories).
    private func harm(_ cube: CountCube, unit: Int, category: Int?, period: Period, harms: [Double]) -> Double {
        guard let slot = cube.slot(of: period) else { return 0 }
        if let category { return Double(cube.count(unit: unit, category: category, slot: slot)) * harms[category] }
        var sum = 0.0
        for c in 0..<cube.categoryCount { sum += Double(cube.count(unit: unit, category: c, slot: slot)) * harms[c] }
        return sum
    }

    public static let csvHeader = "level,unit_id,unit_name,category,period,count,previous,change,change_pct,harm,harm_previous\n"

    /// `summary.csv`, formatted on `threads` threads (units split between them), written atomically.
    public func writeCSV(to path: String, threads: Int) throws {
        var pieces: [[UInt8]] = [Array(Self.csvHeader.utf8)]
        for (level, entry) in levels.enumerated() {
            let unitCount = entry.cube.unitCount
            let parts = max(1, min(threads * 4, unitCount / 64, 64))
            pieces += Parallel.map(parts) { k in
                var bytes: [UInt8] = []
                for row in rows(level: level, units: Parallel.part(k, of: unitCount, parts: parts)) {
                    appendCSV(row, to: &bytes)
                }
                return bytes
            }
        }
        try writeAtomically(to: path) { writer in
            for piece in pieces { try writer.write(piece) }
        }
    }

    /// `summary.json`: the members of `header` (what was counted, how), then `columns` (the CSV's names) and `rows`,
    /// one array per row in the CSV's order and form (numbers as numbers, empty fields as null), written atomically.
    public func writeJSON(to path: String, header: JSONObject, threads: Int) throws {
        guard var head = JSONText.encode(.object(header)) else {
            throw SummaryWriteError(path: path, message: "a number in the summary is not finite")
        }
        head.removeLast()  // the closing brace: the rows follow
        if !header.members.isEmpty { head.append(UInt8(ascii: ",")) }
        head += Array("\"columns\":[".utf8)
        let columns = Self.csvHeader.dropLast().split(separator: ",")
        for (k, column) in columns.enumerated() {
            if k > 0 { head.append(UInt8(ascii: ",")) }
            JSONText.appendString(String(column), to: &head)
        }
        head += Array("],\"rows\":[\n".utf8)
        var pieces: [[UInt8]] = [head]
        var first = true
        for (level, entry) in levels.enumerated() {
            let unitCount = entry.cube.unitCount
            let parts = max(1, min(threads * 4, unitCount / 64, 64))
            let formatted = Parallel.map(parts) { k in
                var bytes: [UInt8] = []
                for row in rows(level: level, units: Parallel.part(k, of: unitCount, parts: parts)) {
                    bytes.append(UInt8(ascii: ","))
                    appendJSON(row, to: &bytes)
                    bytes.append(UInt8(ascii: "\n"))
                }
                return bytes
            }
            for var piece in formatted where !piece.isEmpty {
                if first {
                    piece.removeFirst()  // no comma before the first row
                    first = false
                }
                pieces.append(piece)
            }
        }
        pieces.append(Array("]}\n".utf8))
        try writeAtomically(to: path) { writer in
            for piece in pieces { try writer.write(piece) }
        }
    }

    func appendJSON(_ row: Row, to bytes: inout [UInt8]) {
        let level = levels[row.level]
        bytes.append(UInt8(ascii: "["))
        for text in [level.name, level.ids[row.unit], level.names[row.unit], code(row.category), row.period.label] {
            JSONText.appendString(text, to: &bytes)
            bytes.append(UInt8(ascii: ","))
        }
        func optional(_ value: Double?) {
            if let value { NumberText.append(value, to: &bytes) } else { bytes += Array("null".utf8) }
        }
        NumberText.append(row.count, to: &bytes)
        let values: [Double?] = [row.previous.map(Double.init), row.change.map(Double.init),
                                 row.changePercent.map { ($0 * 100).rounded() / 100 }, row.harm, row.harmPrevious]
        for value in values {
            bytes.append(UInt8(ascii: ","))
            optional(value)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    func appendCSV(_ row: Row, to bytes: inout [UInt8]) {
        let level = levels[row.level]
        CSVText.appendField(level.name.utf8, to: &bytes)
        bytes.append(UInt8(ascii: ","))
        CSVText.appendField(level.ids[row.unit].utf8, to: &bytes)
        bytes.append(UInt8(ascii: ","))
        CSVText.appendField(level.names[row.unit].utf8, to: &bytes)
        bytes.append(UInt8(ascii: ","))
        CSVText.appendField(code(row.category).utf8, to: &bytes)
        bytes.append(UInt8(ascii: ","))
        bytes.append(contentsOf: row.period.label.utf8)
        bytes.append(UInt8(ascii: ","))
        NumberText.append(row.count, to: &bytes)
        bytes.append(UInt8(ascii: ","))
        if let previous = row.previous { NumberText.append(previous, to: &bytes) }
        bytes.append(UInt8(ascii: ","))
        if let change = row.change { NumberText.append(change, to: &bytes) }
        bytes.append(UInt8(ascii: ","))
        if let percent = row.changePercent { CSVText.appendFixed(percent, decimals: 2, to: &bytes) }
        bytes.append(UInt8(ascii: ","))
        NumberText.append(row.harm, to: &bytes)
        bytes.append(UInt8(ascii: ","))
        if let harm = row.harmPrevious { NumberText.append(harm, to: &bytes) }
        bytes.append(UInt8(ascii: "\n"))
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
    public static func append(_ value: Int, to bytes: inout [UInt8]) {
        if value < 0 {
            bytes.append(UInt8(ascii: "-"))
            append(UInt(value.magnitude), to: &bytes)
        } else {
            append(UInt(value), to: &bytes)
        }
    }

    static func append(_ value: UInt, to bytes: inout [UInt8]) {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        var v = value
        var n = 0
        withUnsafeMutableBytes(of: &digits) { raw in
            repeat {
                raw[23 - n] = UInt8(v % 10) + 0x30
                v /= 10
                n += 1
            } while v > 0
            bytes.append(contentsOf: raw[(24 - n)...])
        }
    }

    public static func append(_ value: Double, to bytes: inout [UInt8]) {
        if value == value.rounded(), value.magnitude < 1e15 {
            append(Int(value), to: &bytes)
            return
        }
        let start = bytes.count
        CSVText.appendFixed(value, decimals: 4, to: &bytes)
        while bytes.count > start, bytes.last == UInt8(ascii: "0") { bytes.removeLast() }
        if bytes.last == UInt8(ascii: ".") { bytes.removeLast() }
    }

    public static func text(_ value: Double) -> String {
        var bytes: [UInt8] = []
        append(value, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}
