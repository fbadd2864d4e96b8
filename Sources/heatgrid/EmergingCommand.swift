import ArgumentParser
import HeatGridKit

struct EmergingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emerging",
        abstract: "Emerging hot spots over weeks: new, intensifying, persistent, diminishing … (as ArcGIS defines them).",
        discussion: """
            Counts each cell's incidents per ISO week, computes a space-time Getis-Ord Gi* for every cell and week (its neighbours in that week and the --time-window weeks before, against all cells and weeks), marks the significant weeks (p < --alpha, false discovery rate corrected unless --no-fdr), tests each cell's z-scores for a trend (Mann–Kendall) and names its pattern: new, consecutive, intensifying, persistent, diminishing, sporadic, oscillating or historical hot or cold spot, or no pattern. ArcGIS advises at least ten weeks.

            Writes every cell with its properties plus count, emerging, emerging_name, trend_z, trend_p, hot_weeks, cold_weeks and last_z (GeoJSON), --csv the same table, --png the map.

            Examples:
              heatgrid emerging --cells cells.geojson --incidents incidents.csv \\
                  --weeks 12 --out output/emerging.geojson --png output/emerging.png
              heatgrid emerging --cells cells.geojson --incidents incidents.csv \\
                  --since 2026-01-05 --until 2026-06-28 --weights distance:1000 \\
                  --csv output/emerging.csv --out output/emerging.geojson --lang en
            """
    )

    @OptionGroup var cellOptions: CellStatisticsArguments
    @OptionGroup var input: IncidentArguments

    @Option(help: "Only the last this many weeks of the data.")
    var weeks: Int?

    @Option(help: "Weeks before each week in its neighbourhood (ArcGIS's neighbourhood time step).")
    var timeWindow = 1

    @Option(help: "Significance level of the weeks and of the trend.")
    var alpha = 0.05

    @Flag(help: "No false discovery rate correction of the weeks' significance.")
    var noFdr = false

    @Option(name: .customLong("out"), help: "The GeoJSON to write.")
    var outputPath: String

    @Option(help: "Also write the table as CSV.")
    var csv: String?

    @Option(help: "Also draw the map as this PNG.")
    var png: String?

    @OptionGroup var manifest: ManifestOption
    @OptionGroup var common: CommonOptions

    func validate() throws {
        if let weeks, weeks < 2 { throw ValidationError("--weeks must be at least 2") }
        guard (0...52).contains(timeWindow) else { throw ValidationError("--time-window must be between 0 and 52") }
        guard alpha > 0 && alpha < 1 else { throw ValidationError("--alpha must lie between 0 and 1") }
    }

    func run() throws {
        try reportingErrors {
            var job = EmergingJob(cellsPath: cellOptions.cells, incidentsPath: input.incidents, outputPath: outputPath)
            job.idField = cellOptions.idField
            job.incidents = try input.options()
            job.layerDatum = cellOptions.boundaryDatum
            job.neighbours = try cellOptions.neighbourRule()
            job.weeks = weeks
            job.timeWindow = timeWindow
            job.alpha = alpha
            job.fdr = !noFdr
            job.harmWeighted = cellOptions.harmWeighted
            job.csvPath = csv
            job.pngPath = png
            job.boundariesPath = cellOptions.boundaries
            job.boundaryLevel = cellOptions.boundaryLevel
            job.fontPath = cellOptions.font
            job.language = common.lang
            job.threads = common.threads
            job.validation = common.validation
            let report = try withProgress { try job.run(progress: $0) }
            let zh = common.lang == .zh
            print(zh ? "读取 \(grouped(report.rowsRead)) 行，拒绝 \(grouped(report.rejected))；\(report.weeks.first!.label) – \(report.weeks.last!.label)，共 \(report.weeks.count) 周"
                : "rows \(grouped(report.rowsRead)), rejected \(grouped(report.rejected)); \(report.weeks.first!.label) – \(report.weeks.last!.label), \(report.weeks.count) weeks")
            if report.weeks.count < 10 {
                printError(zh ? "heatgrid: 警告：只有 \(report.weeks.count) 周；趋势检验建议至少 10 周"
                    : "heatgrid: warning: only \(report.weeks.count) weeks; ArcGIS advises at least ten for the trend test")
            }
            for category in EmergingCategory.allCases {
                let count = report.categories.count(where: { $0 == category })
                if count > 0 { print("  \(category.name(chinese: zh))  \(grouped(count))") }
            }
            print(report.files.map { "  " + $0 }.joined(separator: "\n"))
            try manifest.write(inputs: [cellOptions.cells, input.incidents, input.categories, cellOptions.boundaries],
                               outputs: report.files, timings: report.timings)
            if common.timings { printError(report.timings.json) }
        }
    }
}
