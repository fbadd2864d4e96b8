import Foundation
import HeatGridKit
import TOMLKit

/// The job file of `heatgrid weekly`, in TOML: what a scheduler runs every Monday.
///
///     name = "jiaxing"                # the job's folder under `output` (default: the file's name)
///     output = "output"               # where `<name>/<YYYY-Www>/` go
///     language = "zh"                 # zh or en
///     seed = 7
///
///     [layers]
///     cells = "cells.geojson"         # required
///     cell_id = "cell_id"
///     cells_datum = "wgs84"           # wgs84, gcj02 or bd09
///     boundaries = "geodata/jiaxing.geojson"
///     boundary_level = "district"
///     boundaries_datum = "gcj02"
///
///     [incidents]
///     sources = ["exports/*.csv"]     # required: files or globs
///     categories = "geodata/categories.csv"
///     datum = "wgs84"
///     time_format = "auto"            # or a strftime pattern, excel, epoch, epoch_ms
///     tz = "Asia/Shanghai"
///     lon_column = "经度"              # and lat_, id_, time_, category_, weight_column, encoding
///
///     [maps]
///     kde = true
///     kde_categories = ["theft", "fraud"]
///     radius = 1500
///     hotspots = true
///     weights = "queen"               # queen, rook, distance:METRES, knn:K
///     change = ["previous", "year"]
///     emerging_weeks = 12
///
///     [patrol]
///     shifts = "shifts.csv"           # without [patrol], no plans
///     bases = "stations.geojson"
///     mode = "car"                    # foot, ebike, car
///     weeks = "last"                  # last or all
///
/// Paths are relative to the job file's folder. Every problem is one error naming the file and line: a TOML syntax
/// error (line and column), an unknown table or key (with the keys that table takes), a value of the wrong type, a
/// value out of its set, a required key missing.
public struct WeeklyJobFile: Sendable, Equatable {
    public var name: String
    public var output: String
    public var language: Language
    public var seed: UInt64

    public var cells: String
    public var cellID: String
    public var cellsDatum: Datum
    public var boundaries: String?
    public var boundaryLevel: String?
    public var boundariesDatum: Datum

    public var sources: [String]
    public var categories: String?
    public var incidentsDatum: Datum
    public var timeFormat: String?
    public var timeZone: String?
    /// Column names by option (`lon_column` → its header), and `encoding`.
    public var columns: [String: String]

    public var kde: Bool
    public var kdeCategories: [String]
    public var radius: Double?
    public var hotspots: Bool
    public var weights: String
    public var change: [String]
    public var emergingWeeks: Int

    public struct Patrol: Sendable, Equatable {
        public var shifts: String
        public var bases: String?
        public var mode: TravelMode
        public var everyWeek: Bool
    }

    public var patrol: Patrol?

    public static func read(path: String) throws -> WeeklyJobFile {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw HeatGridError("\(path): cannot read the job file (\(error.localizedDescription))")
        }
        return try WeeklyJobFile(text: text, path: path)
    }

    /// The keys each table takes, in the order the documentation lists them.
    static let schema: [String: [String]] = [
        "": ["name", "output", "language", "seed", "layers", "incidents", "maps", "patrol"],
        "layers": ["cells", "cell_id", "cells_datum", "boundaries", "boundary_level", "boundaries_datum"],
        "incidents": ["sources", "categories", "datum", "time_format", "tz", "lon_column", "lat_column", "id_column",
                      "time_column", "category_column", "weight_column", "encoding"],
        "maps": ["kde", "kde_categories", "radius", "hotspots", "weights", "change", "emerging_weeks"],
        "patrol": ["shifts", "bases", "mode", "weeks"],
    ]

    public init(text: String, path: String) throws {
        let root: TOMLTable
        do { root = try TOMLTable(string: text) } catch let error as TOMLParseError {
            throw HeatGridError("\(path):\(error.source.begin.line):\(error.source.begin.column): \(error.description)")
        }
        let reader = Reader(text: text, path: path)
        try reader.checkKeys(root, table: "")
        let folder = (path as NSString).deletingLastPathComponent
        func resolve(_ relative: String) -> String {
            relative.hasPrefix("/") || folder.isEmpty ? relative : folder + "/" + relative
        }
        let stem = ((path as NSString).lastPathComponent as NSString).deletingPathExtension

        name = try reader.string(root, "name", table: "") ?? stem
        guard !name.isEmpty, !name.contains("/"), name != ".", name != ".." else {
            throw reader.error("name", table: "", "'name' must be a folder name (no '/'), got '\(name)'")
        }
        output = resolve(try reader.string(root, "output", table: "") ?? "output")
        language = try reader.choice(root, "language", table: "", ["zh": Language.zh, "en": .en]) ?? .zh
        let seed = try reader.int(root, "seed", table: "") ?? 7
        guard seed >= 0 else { throw reader.error("seed", table: "", "'seed' must be 0 or more, got \(seed)") }
        self.seed = UInt64(seed)

        let datums = ["wgs84": Datum.wgs84, "gcj02": .gcj02, "bd09": .bd09]
        let layers = try reader.table(root, "layers", required: true)!
        cells = resolve(try reader.string(layers, "cells", table: "layers", required: true)!)
        cellID = try reader.string(layers, "cell_id", table: "layers") ?? "cell_id"
        cellsDatum = try reader.choice(layers, "cells_datum", table: "layers", datums) ?? .wgs84
        boundaries = try reader.string(layers, "boundaries", table: "layers").map(resolve)
        boundaryLevel = try reader.string(layers, "boundary_level", table: "layers")
        boundariesDatum = try reader.choice(layers, "boundaries_datum", table: "layers", datums) ?? .wgs84

        let incidents = try reader.table(root, "incidents", required: true)!
        sources = try reader.strings(incidents, "sources", table: "incidents", required: true)!.map(resolve)
        guard !sources.isEmpty else {
            throw reader.error("sources", table: "incidents", "'sources' lists no files (give CSV files or globs)")
        }
        categories = try reader.string(incidents, "categories", table: "incidents").map(resolve)
        incidentsDatum = try reader.choice(incidents, "datum", table: "incidents", datums) ?? .wgs84
        timeFormat = try reader.string(incidents, "time_format", table: "incidents")
        timeZone = try reader.string(incidents, "tz", table: "incidents")
        var columns: [String: String] = [:]
        for key in ["lon_column", "lat_column", "id_column", "time_column", "category_column", "weight_column", "encoding"] {
            if let value = try reader.string(incidents, key, table: "incidents") { columns[key] = value }
        }
        self.columns = columns

        let maps = try reader.table(root, "maps") ?? TOMLTable()
        kde = try reader.bool(maps, "kde", table: "maps") ?? true
        kdeCategories = try reader.strings(maps, "kde_categories", table: "maps") ?? []
        radius = try reader.number(maps, "radius", table: "maps")
        if let radius, !(radius > 0) {
            throw reader.error("radius", table: "maps", "'radius' must be a positive number of metres, got \(radius)")
        }
        hotspots = try reader.bool(maps, "hotspots", table: "maps") ?? true
        weights = try reader.string(maps, "weights", table: "maps") ?? "queen"
        do { _ = try NeighbourRule(parsing: weights) } catch {
            throw reader.error("weights", table: "maps", "'weights': \(error)")
        }
        change = try reader.strings(maps, "change", table: "maps") ?? ["previous", "year"]
        for comparison in change where comparison != "previous" && comparison != "year" {
            throw reader.error("change", table: "maps", "'change' takes previous and year, got '\(comparison)'")
        }
        emergingWeeks = try reader.int(maps, "emerging_weeks", table: "maps") ?? 12
        guard emergingWeeks == 0 || (4...104).contains(emergingWeeks) else {
            throw reader.error("emerging_weeks", table: "maps",
                               "'emerging_weeks' must be 0 (none) or from 4 to 104, got \(emergingWeeks)")
        }

        if let patrol = try reader.table(root, "patrol") {
            let modes = ["foot": TravelMode.foot, "ebike": .eBike, "e-bike": .eBike, "car": .car]
            self.patrol = Patrol(
                shifts: resolve(try reader.string(patrol, "shifts", table: "patrol", required: true)!),
                bases: try reader.string(patrol, "bases", table: "patrol").map(resolve),
                mode: try reader.choice(patrol, "mode", table: "patrol", modes) ?? .car,
                everyWeek: try reader.choice(patrol, "weeks", table: "patrol", ["last": false, "all": true]) ?? false)
        }
    }

    /// Typed access to a parsed job file, every problem an error at the key's line.
    struct Reader {
        let text: String
        let path: String

        /// The line of `key` in `table` ("" for the top level): the first line after the table's header that
        /// assigns the key (bare or quoted), else the header's own line, else 1.
        func line(of key: String, table: String) -> Int {
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            var inTable = table.isEmpty
            var header = 1
            for (k, raw) in lines.enumerated() {
                let line = raw.trimmingCharacters(in: .whitespaces)
                if line.hasPrefix("[") {
                    let name = line.trimmingCharacters(in: CharacterSet(charactersIn: "[] ")).split(separator: "#").first
                        .map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "[] ")) } ?? ""
                    // A table is found at its header: `[maps]` for the table itself, or for a key of the top level.
                    if name == key && (table.isEmpty || key == table) { return k + 1 }
                    inTable = name == table
                    if inTable { header = k + 1 }
                    continue
                }
                guard inTable else { continue }
                for form in [key, "\"\(key)\"", "'\(key)'"] where line.hasPrefix(form) {
                    let rest = line.dropFirst(form.count).trimmingCharacters(in: .whitespaces)
                    if rest.hasPrefix("=") { return k + 1 }
                }
            }
            return header
        }

        func error(_ key: String, table: String, _ message: String) -> HeatGridError {
            HeatGridError("\(path):\(line(of: key, table: table)): \(message)")
        }

        private func where_(_ table: String) -> String { table.isEmpty ? "at the top level" : "in [\(table)]" }

        func checkKeys(_ root: TOMLTable, table: String) throws {
            let allowed = WeeklyJobFile.schema[table] ?? []
            for (key, value) in root {
                guard allowed.contains(key) else {
                    throw error(key, table: table, "unknown key '\(key)' \(where_(table)); it takes \(allowed.joined(separator: ", "))")
                }
                if table.isEmpty, WeeklyJobFile.schema[key] != nil {
                    guard let sub = value.table else { throw error(key, table: "", "'\(key)' must be a table ([\(key)])") }
                    try checkKeys(sub, table: key)
                }
            }
        }

        private func value(_ t: TOMLTable, _ key: String, table: String, required: Bool) throws -> TOMLValueConvertible? {
            guard let value = t[key] else {
                if required {
                    let at = table.isEmpty ? 1 : line(of: table, table: table)
                    throw HeatGridError("\(path):\(at): '\(key)' is required \(where_(table))")
                }
                return nil
            }
            return value
        }

        private func mismatch(_ key: String, table: String, _ expected: String, _ got: TOMLValueConvertible) -> HeatGridError {
            error(key, table: table, "'\(key)' must be \(expected), got a \(got.type.description) (\(got.debugDescription))")
        }

        func table(_ t: TOMLTable, _ key: String, required: Bool = false) throws -> TOMLTable? {
            guard let v = try value(t, key, table: "", required: required) else { return nil }
            guard let table = v.table else { throw mismatch(key, table: "", "a table ([\(key)])", v) }
            return table
        }

        func string(_ t: TOMLTable, _ key: String, table: String, required: Bool = false) throws -> String? {
            guard let v = try value(t, key, table: table, required: required) else { return nil }
            guard let s = v.string else { throw mismatch(key, table: table, "a string", v) }
            return s
        }

        func strings(_ t: TOMLTable, _ key: String, table: String, required: Bool = false) throws -> [String]? {
            guard let v = try value(t, key, table: table, required: required) else { return nil }
            if let s = v.string { return [s] }
            guard let array = v.array else { throw mismatch(key, table: table, "a list of strings", v) }
            return try array.map { element in
                guard let s = element.string else { throw mismatch(key, table: table, "a list of strings", element) }
                return s
            }
        }

        func bool(_ t: TOMLTable, _ key: String, table: String) throws -> Bool? {
            guard let v = try value(t, key, table: table, required: false) else { return nil }
            guard let b = v.bool else { throw mismatch(key, table: table, "true or false", v) }
            return b
        }

        func int(_ t: TOMLTable, _ key: String, table: String) throws -> Int? {
            guard let v = try value(t, key, table: table, required: false) else { return nil }
            guard let i = v.int else { throw mismatch(key, table: table, "a whole number", v) }
            return i
        }

        func number(_ t: TOMLTable, _ key: String, table: String) throws -> Double? {
            guard let v = try value(t, key, table: table, required: false) else { return nil }
            if let i = v.int { return Double(i) }
            guard let d = v.double, d.isFinite else { throw mismatch(key, table: table, "a number", v) }
            return d
        }

        func choice<T>(_ t: TOMLTable, _ key: String, table: String, _ options: [String: T]) throws -> T? {
            guard let text = try string(t, key, table: table) else { return nil }
            guard let value = options[text.lowercased()] else {
                throw error(key, table: table, "'\(key)' takes \(options.keys.sorted().joined(separator: ", ")), got '\(text)'")
            }
            return value
        }
    }
}
