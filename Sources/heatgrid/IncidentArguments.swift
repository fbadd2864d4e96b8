import ArgumentParser
import Foundation
import HeatGridKit

/// The options of every command that reads incidents: which columns, how the text and times are written, the
/// datum, and which incidents to keep.
struct IncidentArguments: ParsableArguments {
    @Option(help: "Incident CSV file.")
    var incidents: String

    @Option(help: "Longitude column (default: lon, lng, x, 经度 …).")
    var lonColumn: String?

    @Option(help: "Latitude column (default: lat, latitude, y, 纬度 …).")
    var latColumn: String?

    @Option(help: "Id column (default: id, 编号 …; else row numbers).")
    var idColumn: String?

    @Option(help: "Time column (default: time, 时间, 报警时间 …).")
    var timeColumn: String?

    @Option(help: "Category column (default: category, 类别, 案由 …).")
    var categoryColumn: String?

    @Option(help: "Weight column (default: weight, 权重).")
    var weightColumn: String?

    @Option(help: "Text encoding of the incident file: auto, utf8 or gb18030.")
    var encoding: IncidentTextEncoding = .auto

    @Option(help: "Datum of the incidents: wgs84 (GPS), gcj02 (Amap, Tencent) or bd09 (Baidu). Default: wgs84.")
    var datum: Datum?

    @Option(help: ArgumentHelp(
        "How times are written (default: detected from the rows).",
        discussion: "A strftime-style pattern such as \"%Y/%m/%d %H:%M\" or \"%Y年%m月%d日 %H时%M分\", or iso, excel (serial days), epoch or epoch_ms."))
    var timeFormat: String?

    @Option(help: "Time zone of times written without an offset (an IANA name).")
    var tz = "Asia/Shanghai"

    @Option(help: "Only incidents at or after this date or local time (2026-03-01, 2026-03-01T08:00).")
    var since: String?

    @Option(help: "Only incidents before the end of this date, or before this local time.")
    var until: String?

    @Option(help: "Only these categories (comma-separated; as written in the file, or category codes).")
    var category: String?

    @Option(help: "Category table (CSV raw,code,name_zh,name_en,harm; default: the shipped geodata/categories.csv).")
    var categories: String?

    /// The options as the jobs take them; every problem named with its option.
    func options() throws -> IncidentOptions {
        var options = IncidentOptions()
        options.csvOptions.encoding = encoding
        options.csvOptions.longitudeColumn = lonColumn
        options.csvOptions.latitudeColumn = latColumn
        options.csvOptions.idColumn = idColumn
        options.csvOptions.timeColumn = timeColumn
        options.csvOptions.categoryColumn = categoryColumn
        options.csvOptions.weightColumn = weightColumn
        options.csvOptions.progress = incidentReadProgress()
        do {
            options.csvOptions.timeZone = try IncidentTimeZone(identifier: tz)
            options.csvOptions.timeFormat = try timeFormat.map { try IncidentTimeFormat($0) }
        } catch {
            throw ValidationError("\(error)")
        }
        options.datum = datum
        let zone = options.csvOptions.timeZone
        options.filter.since = try since.map { text in
            guard let instant = IncidentFilter.instant(text, endOfDay: false, zone: zone) else {
                throw ValidationError("--since takes a date (2026-03-01) or a local time (2026-03-01T08:00), got '\(text)'")
            }
            return instant
        }
        options.filter.until = try until.map { text in
            guard let instant = IncidentFilter.instant(text, endOfDay: true, zone: zone) else {
                throw ValidationError("--until takes a date (2026-03-31) or a local time (2026-03-31T18:00), got '\(text)'")
            }
            return instant
        }
        if let since = options.filter.since, let until = options.filter.until, since >= until {
            throw ValidationError("--since must come before --until")
        }
        options.filter.categories = category.map {
            Set($0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        }
        if let categories {
            do { options.categories = try CategoryTable.read(path: categories) } catch {
                throw HeatGridError("\(error)")
            }
        }
        return options
    }
}

extension IncidentTextEncoding: ExpressibleByArgument {}

/// `--manifest PATH` on the commands that write files: the run manifest (see `RunManifest`), written last.
struct ManifestOption: ParsableArguments {
    @Option(help: "Also write a run manifest (JSON): the inputs' and outputs' sizes and SHA-256, the command line, seed, version and timings.")
    var manifest: String?

    /// Writes the manifest when asked for; `inputs` may hold nil for options not given.
    func write(inputs: [String?], outputs: [String], seed: UInt64? = nil, timings: Timings) throws {
        guard let manifest else { return }
        try RunManifest(command: CommandLine.arguments, inputs: inputs.compactMap { $0 }, outputs: outputs, seed: seed,
                        timings: timings).write(to: manifest)
    }
}
