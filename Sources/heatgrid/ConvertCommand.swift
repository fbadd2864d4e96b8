import ArgumentParser
import HeatGridKit

struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert coordinates between WGS-84, GCJ-02 and BD-09 in an incident CSV or a GeoJSON layer.",
        discussion: """
            Datums: wgs84 (GPS; CGCS2000 is the same to centimetres), gcj02 (Amap/Gaode, Tencent) and bd09 (Baidu). \
            Mixing them shifts points by 300-700 m (GCJ-02) or about 1 km (BD-09). Outside China the GCJ-02 offset \
            is zero, as the public formula defines.

            --incidents: the header and every byte of every row are kept; only the longitude and latitude fields \
            (found by the same header names as `assign` reads: lon, lng, longitude, x, 经度; lat, latitude, y, 纬度; or \
            --lon-column/--lat-column) are replaced, with --precision decimals. Rows whose coordinates cannot be \
            read are left out and listed with their line number and reason in a rejects file. \
            --layer: every position of every geometry is converted, properties kept (RFC 7946 output).

            Examples:
              heatgrid convert --from gcj02 --to wgs84 --incidents 警情.csv \\
                  --out 警情-wgs84.csv
              heatgrid convert --from wgs84 --to gcj02 --layer cells.geojson \\
                  --out cells-gcj02.geojson
              heatgrid convert --from bd09 --to gcj02 --incidents baidu.csv \\
                  --out amap.csv --precision 6
            """
    )

    @Option(help: "Datum of the input: wgs84, gcj02 or bd09.")
    var from: Datum

    @Option(help: "Datum to convert to: wgs84, gcj02 or bd09.")
    var to: Datum

    @Option(help: "Incident CSV to convert.")
    var incidents: String?

    @Option(help: "GeoJSON layer to convert.")
    var layer: String?

    @Option(name: .customLong("out"), help: "Where to write the converted file.")
    var outputPath: String

    @Option(help: "Decimals written for coordinates (7 is about 1 cm).")
    var precision = 7

    @Option(help: "Where to write rejected CSV rows (default: next to --out, as NAME.rejects.csv).")
    var rejects: String?

    @Option(name: .customLong("lon-column"), help: "Name of the longitude column (default: found by header aliases).")
    var longitudeColumn: String?

    @Option(name: .customLong("lat-column"), help: "Name of the latitude column (default: found by header aliases).")
    var latitudeColumn: String?

    @Option(help: "Text encoding of the CSV header: auto, utf8 or gb18030 (rows are copied as bytes).")
    var encoding: IncidentTextEncoding = .auto

    @Option(help: "Language of printed labels: zh or en.")
    var lang: Language = .zh

    @Flag(help: "Print seconds per stage as one JSON object on stderr.")
    var timings = false

    func validate() throws {
        guard (incidents == nil) != (layer == nil) else {
            throw ValidationError("give exactly one of --incidents (CSV) or --layer (GeoJSON)")
        }
        guard from != to else { throw ValidationError("--from and --to are both \(from.rawValue): nothing to convert") }
        let limit = incidents != nil ? 12 : 15
        guard (0...limit).contains(precision) else { throw ValidationError("--precision must be between 0 and \(limit)") }
    }

    func run() throws {
        try reportingErrors {
            if let incidents {
                var job = ConvertIncidentsJob(inputPath: incidents, outputPath: outputPath, from: from, to: to)
                job.precision = precision
                job.rejectsPath = rejects
                job.csvOptions.encoding = encoding
                job.csvOptions.longitudeColumn = longitudeColumn
                job.csvOptions.latitudeColumn = latitudeColumn
                job.csvOptions.progress = incidentReadProgress()
                let report = try withProgress { try job.run(progress: $0) }
                var line = switch lang {
                case .zh: "读取 \(grouped(report.rowsRead)) 行：转换 \(grouped(report.converted))，拒绝 \(grouped(report.rejected))"
                    + "（\(from.rawValue) → \(to.rawValue)，列 \(report.longitudeColumn)/\(report.latitudeColumn)）"
                case .en: "rows \(grouped(report.rowsRead)): converted \(grouped(report.converted)), rejected "
                    + "\(grouped(report.rejected)) (\(from.rawValue) → \(to.rawValue), columns "
                    + "\(report.longitudeColumn)/\(report.latitudeColumn))"
                }
                if let path = report.rejectsPath { line += lang == .zh ? "（拒绝行见 \(path)）" : " (rejects in \(path))" }
                print(line)
                if timings { printError(report.timings.json) }
            } else if let layer {
                var job = ConvertLayerJob(inputPath: layer, outputPath: outputPath, from: from, to: to)
                job.precision = precision
                let report = try withProgress { try job.run(progress: $0) }
                let line = switch lang {
                case .zh: "转换 \(grouped(report.features)) 个要素、\(grouped(report.positions)) 个坐标点"
                    + "（\(from.rawValue) → \(to.rawValue)）：\(outputPath)"
                case .en: "converted \(grouped(report.features)) features, \(grouped(report.positions)) positions "
                    + "(\(from.rawValue) → \(to.rawValue)): \(outputPath)"
                }
                print(line)
                if timings { printError(report.timings.json) }
            }
        }
    }
}
