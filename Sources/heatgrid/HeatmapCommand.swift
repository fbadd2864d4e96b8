import ArgumentParser
import HeatGridKit

struct HeatmapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "heatmap",
        abstract: "Kernel-density heat map of incidents over boundaries, as a PNG for briefings.",
        discussion: """
            Density in incidents per km² with a kernel radius in metres on the ground (ArcGIS's kernels: quartic \
            by default; without --radius, ArcGIS's default radius rule). The map carries a title, a legend, a \
            scale bar, a north arrow and the areas' names (--name-field) in Chinese or English (--lang).

            Examples:
              heatgrid heatmap --incidents incidents.csv \\
                  --boundaries geodata/jiaxing.geojson --level district \\
                  --boundary-datum gcj02 --out output/heatmap.png
              heatgrid heatmap --incidents incidents.csv --boundaries districts.geojson \\
                  --out week12.png \\
                  --category fraud --radius 800 --colormap inferno --classes natural:5 \\
                  --save-breaks breaks.json
              heatgrid heatmap --incidents week13.csv --boundaries districts.geojson \\
                  --out week13.png \\
                  --breaks breaks.json --raster week13.asc --world-file --timings
            """
    )

    @Option(help: "Boundary layer (GeoJSON polygons) drawn under the density.")
    var boundaries: String

    @Option(help: "Keep only boundary features whose 'level' property has this value.")
    var level: String?

    @Option(help: "Property holding each area's name, drawn as a label ('' for no labels).")
    var nameField = "name"

    @Option(name: .customLong("out"), help: "The PNG to write.")
    var outputPath: String

    @Option(help: "Kernel radius in metres (default: ArcGIS's rule from the incidents' spread).")
    var radius: Double?

    @Option(help: "Kernel: quartic, epanechnikov, triweight, uniform or triangular.")
    var kernel: Kernel = .quartic

    @Option(help: "Continuous scale: linear, sqrt, log or eq_hist.")
    var scale: ShadingScale = .sqrt

    @Option(help: "Also write the density grid as an ESRI ASCII grid (GDAL and QGIS read it), with a .prj beside it.")
    var raster: String?

    @OptionGroup var map: MapOptions
    @OptionGroup var manifest: ManifestOption
    @OptionGroup var common: CommonOptions

    func validate() throws {
        if let radius, !(radius > 0 && radius.isFinite) { throw ValidationError("--radius must be a positive number of metres") }
    }

    func run() throws {
        try reportingErrors {
            var job = HeatmapJob(incidentsPath: map.input.incidents, boundariesPath: boundaries, outputPath: outputPath)
            job.level = level
            job.nameField = nameField.isEmpty ? nil : nameField
            job.settings = try map.settings(common)
            job.settings.style.radius = radius
            job.settings.style.kernel = kernel
            job.settings.style.scale = scale
            job.rasterPath = raster
            let report = try withProgress { try job.run(progress: $0) }
            let zh = common.lang == .zh
            print(zh
                ? "读取 \(grouped(report.rowsRead)) 行：绘制 \(grouped(report.mapped))，类别外 \(grouped(report.filteredOut))，拒绝 \(grouped(report.rejected))；半径 \(Int(report.radius)) 米，\(report.width)×\(report.height) 像素"
                : "rows \(grouped(report.rowsRead)): mapped \(grouped(report.mapped)), other categories \(grouped(report.filteredOut)), rejected \(grouped(report.rejected)); radius \(Int(report.radius)) m, \(report.width)×\(report.height) px")
            print(report.files.map { "  " + $0 }.joined(separator: "\n"))
            try manifest.write(inputs: [boundaries, map.input.incidents, map.input.categories], outputs: report.files,
                               timings: report.timings)
            if common.timings { printError(report.timings.json) }
        }
    }
}

extension Kernel: ExpressibleByArgument {}
extension ShadingScale: ExpressibleByArgument {}
