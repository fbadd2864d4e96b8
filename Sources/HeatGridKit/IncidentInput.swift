import Aggregate
import GeoCore
import Incidents
import Parallel
import Projection

/// Which incidents a command looks at: a time span and categories (`--since`, `--until`, `--category`).
public struct IncidentFilter: Sendable {
    /// Keep incidents at or after this instant (Unix seconds).
    public var since: Int64?
    /// Keep incidents before this instant (Unix seconds).
    public var until: Int64?
    /// Keep incidents whose category, as written in the file or as its code in the category table, is one of these.
    public var categories: Set<String>?

    public init(since: Int64? = nil, until: Int64? = nil, categories: Set<String>? = nil) {
        self.since = since
        self.until = until
        self.categories = categories
    }

    public var filtersTime: Bool { since != nil || until != nil }

    /// Keeps only the incidents of `period` (a week, day or month on the clock of `zone`).
    public mutating func restrict(to period: Period, zone: IncidentTimeZone) {
        guard let span = period.localSpan else { return }
        since = zone.utcSeconds(local: span.lowerBound)
        until = zone.utcSeconds(local: span.upperBound)
    }

    /// Reads `--since` / `--until` text: a date (`2026-03-01`: that day's start for since, its end for until) or a
    /// local date-time (`2026-03-01T08:00`, `2026-03-01 08:00:00`: that instant), on the clock of `zone`.
    public static func instant(_ text: String, endOfDay: Bool, zone: IncidentTimeZone) -> Int64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let parts = trimmed.split(whereSeparator: { $0 == "T" || $0 == " " }).map(String.init)
        guard (1...2).contains(parts.count), let day = Period(label: parts[0]), day.unit == .day,
              let span = day.localSpan
        else { return nil }
        var local = span.lowerBound
        if parts.count == 2 {
            let clock = parts[1].split(separator: ":").map { Int($0) }
            guard (2...3).contains(clock.count), clock.allSatisfy({ $0 != nil }),
                  let hour = clock[0], let minute = clock[1], (0...23).contains(hour), (0...59).contains(minute)
            else { return nil }
            let second = clock.count == 3 ? clock[2]! : 0
            guard (0...59).contains(second) else { return nil }
            local += Int64(hour * 3600 + minute * 60 + second)
        } else if endOfDay {
            local = span.upperBound
        }
        return zone.utcSeconds(local: local)
    }
}

/// How every command reads an incident file — one path for all of them: parse (with the column, encoding, time
/// format and zone options), keep the wanted time span and categories, bring the coordinates into the layer's
/// datum; the result writes the rejected rows where the user can find them.
public struct IncidentOptions: Sendable {
    public var csvOptions = IncidentCSVOptions()
    /// The incidents' datum as declared (`--datum`); nil: not declared, taken as WGS-84.
    public var datum: Datum?
    public var filter = IncidentFilter()
    /// Maps raw category strings to codes, for `--category` given as codes and for counting by category.
    public var categories = CategoryTable.standard

    public init() {}

    public var declaredDatum: Datum { datum ?? .wgs84 }

    /// What reading produced. Every data row is in exactly one of: `table`, `rejected`, `filteredOut`.
    public struct Result: Sendable {
        /// The kept incidents, in the layer's datum when `read` was given one.
        public var table: IncidentTable
        /// The kept incidents' coordinates as the file has them (before any datum conversion), for offset checks.
        public var asRead: IncidentTable
        /// What the CSV reader produced (rows read, rejects, encoding, time format), before filtering.
        public var parsed: IncidentReadResult
        public var rowsRead: Int { parsed.rowsRead }
        public var rejected: Int { parsed.rejected }
        /// Rows read but left out by `--since`, `--until` or `--category`.
        public var filteredOut: Int
        /// Kept rows whose time was missing or unreadable (only when times were not needed).
        public var timeless: Int { parsed.timeless }
        /// How the file's times were read (`yyyy/M/d H:mm (detected)`), when it has a time column.
        public var timeFormat: String? { parsed.timeFormatDescription }

        /// Writes the rejected rows, when there are any, to `path`; returns the path written.
        public func writeRejects(to path: String) throws -> String? {
            guard rejected > 0 else { return nil }
            try parsed.writeRejects(to: path)
            return path
        }
    }

    /// Reads the file at `path`. `needsTime`: rows without a readable time are rejected (the command buckets or filters by
    /// time; filtering by `--since`/`--until` always needs it). `layerDatum`: convert the kept coordinates to it.
    public func read(path: String, needsTime: Bool, layerDatum: Datum? = nil, threads: Int = 2,
                     timings: inout Timings) throws -> Result {
        var options = csvOptions
        options.timeRequired = needsTime || filter.filtersTime
        let read: IncidentReadResult
        do { read = try timings.measure("parse_incidents") { try IncidentCSVReader.read(path: path, options: options) } } catch {
            throw HeatGridError("\(error)")
        }
        var table = read.table
        let filteredOut = timings.measure("filter") { () -> Int in
            guard let rows = selectedRows(table) else { return 0 }
            let removed = table.count - rows.count
            table = table.selecting(rows: rows)
            return removed
        }
        let asRead = table
        let from = declaredDatum, to = layerDatum ?? from
        if from != to {
            try timings.measure("datum") {
                try DatumConversion.convert(longitudes: &table.longitude, latitudes: &table.latitude, from: from, to: to,
                                            threads: threads)
            }
        }
        return Result(table: table, asRead: asRead, parsed: read, filteredOut: filteredOut)
    }

    /// The rows the filter keeps, or nil when it keeps every row.
    func selectedRows(_ table: IncidentTable) -> [Int]? {
        var wantedCategory: [Bool]?
        if let wanted = filter.categories {
            let codes = Set(wanted.compactMap { categories.index(ofCode: $0) })
            let mapped = categories.mapping(of: table.categoryNames).categories
            wantedCategory = table.categoryNames.indices.map { wanted.contains(table.categoryNames[$0]) || codes.contains(Int(mapped[$0])) }
        }
        let since = filter.since ?? .min, until = filter.until ?? .max
        let times = filter.filtersTime ? table.time : nil
        guard wantedCategory != nil || times != nil else { return nil }
        var rows: [Int] = []
        rows.reserveCapacity(table.count)
        for row in 0..<table.count {
            if let wantedCategory, !wantedCategory[Int(table.category[row])] { continue }
            if let times, !(times[row] >= since && times[row] < until) { continue }
            rows.append(row)
        }
        return rows.count == table.count ? nil : rows
    }

}

/// Where rejected rows go unless the user says: next to the main output, its extension replaced
/// (`out/map.png` → `out/map.rejects.csv`, `assigned.csv` → `assigned.rejects.csv`).
func rejectsPath(besides output: String) -> String {
    let nameStart = output.lastIndex(of: "/").map { output.index(after: $0) } ?? output.startIndex
    let stem = output[nameStart...].lastIndex(of: ".").map { output[..<$0] } ?? output[...]
    return stem + ".rejects.csv"
}
