import ArgumentParser
import HeatGridKit

struct ChoroplethCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "choropleth",
        abstract: "Cells coloured by incident count, density, or change between two periods, as a PNG.",
        discussion: """
            Incidents are assigned to cells exactly as `heatgrid assign` does. Classes (natural breaks by default) \
            can be pinned from an earlier week with --breaks so maps share one legend. With --split TIME the map \
            shows, per cell, incidents at or after TIME minus incidents before it, on a blue–white–red ramp.

            Examples:
              heatgrid choropleth --cells cells.geojson --incidents incidents.csv \\
                  --out output/cells.png
              heatgrid choropleth --cells cells.geojson --incidents incidents.csv \\
                  --out density.png \\
                  --value density --classes quantiles:7 \\
                  --boundaries geodata/jiaxing.geojson --boundary-level district
              heatgrid choropleth --cells cells.geojson --incidents incidents.csv \\
                  --out change.png \\
                  --split 2026-07-01 --lang en
            """
    )

    @Option(help: "Cell layer (GeoJSON polygons).")
    var cells: String

    @Option(help: "Property holding each cell's id.")
    var idField = "cell_id"

    @Option(name: .customLong("out"), help: "The PNG to write.")
    var outputPath: String

    @Option(help: "What each cell shows: count or density (per km²).")
    var value: ChoroplethJob.Value = .count

    @Option(help: "Map the change: incidents at or after this ISO 8601 time minus those before it.")
    var split: String?

    @Option(help: "Coarser boundaries (districts) drawn over the cells and labelled.")
    var boundaries: String?

    @Option(help: "Keep only boundary features whose 'level' property has this value.")
    var boundaryLevel: String?

    @OptionGroup var map: MapOptions
    @OptionGroup var manifest: ManifestOption
    @OptionGroup var common: CommonOptions

    func validate() throws {
        if let split, ISO8601Time.unixSeconds(split) == nil {
            throw ValidationError("--split '\(split)' is not an ISO 8601 time (e.g. 2026-07-01 or 2026-07-01T00:00+08:00)")
        }
    }

    func run() throws {
        try reportingErrors {
            var job = ChoroplethJob(cellsPath: cells, idField: idField, incidentsPath: map.input.incidents, outputPath: outputPath)
            job.value = value
            job.splitTime = split.flatMap(ISO8601Time.unixSeconds)
            job.boundariesPath = boundaries
            job.boundaryLevel = boundaryLevel
            job.settings = try map.settings(common)
            let report = try withProgress { try job.run(progress: $0) }
            let zh = common.lang == .zh
            print(zh
                ? "读取 \(grouped(report.rowsRead)) 行：分配 \(grouped(report.assigned))，区域外 \(grouped(report.outside))，类别外 \(grouped(report.filteredOut))，拒绝 \(grouped(report.rejected))"
                : "rows \(grouped(report.rowsRead)): assigned \(grouped(report.assigned)), outside \(grouped(report.outside)), other categories \(grouped(report.filteredOut)), rejected \(grouped(report.rejected))")
            print(report.files.map { "  " + $0 }.joined(separator: "\n"))
            try manifest.write(inputs: [cells, map.input.incidents, map.input.categories, boundaries], outputs: report.files,
                               timings: report.timings)
            if common.timings { printError(report.timings.json) }
        }
    }
}

extension ChoroplethJob.Value: ExpressibleByArgument {}
