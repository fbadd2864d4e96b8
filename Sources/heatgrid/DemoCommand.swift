import ArgumentParser
import HeatGridKit

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the whole pipeline on the shipped Jiaxing districts and seeded sample incidents.",
        discussion: """
            Reads the districts, generates sample incidents (clustered hot spots plus background), assigns each to \
            its district, counts per district and category, renders a kernel-density heat map and writes:
              heatmap.png        the map (district outlines over the density, incidents per km²)
              districts.geojson  the districts with their counts (RFC 7946)
              counts.csv         counts per district and category
              incidents.csv      the sample incidents, to feed other commands

            Examples:
              heatgrid demo
              heatgrid demo --count 1000000 --width 2400 --radius 1000 \\
                  --out output/demo-1m
              heatgrid demo --lang en --timings
            """
    )

    @Option(help: "Boundary layer (GeoJSON).")
    var boundaries = "geodata/jiaxing.geojson"

    @Option(help: "Keep only features whose 'level' property has this value ('' keeps all).")
    var level = "district"

    @Option(help: "Property holding each area's id.")
    var idField = "adcode"

    @Option(name: .customLong("out"), help: "Output folder.")
    var outputFolder = "output/demo"

    @Option(help: "Number of sample incidents.")
    var count = 200_000

    @Option(help: "Seed of the sample generator: the same seed gives the same incidents and map.")
    var seed: UInt64 = 20_260_105

    @Option(help: "Map width in pixels.")
    var width = 1600

    @Option(help: "Kernel radius in metres.")
    var radius = 1_500.0

    @Option(help: "Font for map text (needs Chinese glyphs; default: a CJK font from Debian's packages).")
    var font: String?

    @OptionGroup var common: CommonOptions

    func validate() throws {
        guard count >= 0 else { throw ValidationError("--count must not be negative") }
        guard (64...16_384).contains(width) else { throw ValidationError("--width must be between 64 and 16384") }
        guard radius > 0 else { throw ValidationError("--radius must be positive") }
    }

    func run() throws {
        try reportingErrors {
            var job = DemoJob()
            job.boundariesPath = boundaries
            job.level = level.isEmpty ? nil : level
            job.idField = idField.isEmpty ? nil : idField
            job.outputFolder = outputFolder
            job.incidentCount = count
            job.seed = seed
            job.style.width = width
            job.style.radius = radius
            job.threads = common.threads
            job.validation = common.validation
            job.language = common.lang
            job.fontPath = font
            let report = try withProgress { try job.run(progress: $0) }
            common.reportRepairs(report.layer.repairedFeatures, in: boundaries)
            print(summary(report, lang: common.lang))
            if common.timings { printError(report.timings.json) }
        }
    }

    func summary(_ report: DemoJob.Report, lang: Language) -> String {
        var table = TextTable(header: [lang.label(.area), lang.label(.incidents), lang.label(.share),
                                       lang.label(.topCategory)], rightAligned: [1, 2])
        func categoryLabel(_ name: String) -> String { LabelKey.category(name).map(lang.label) ?? name }
        for (i, row) in report.counts.enumerated() {
            let total = row.reduce(0, +)
            let top = row.indices.max { row[$0] < row[$1] }.map { categoryLabel(report.categoryNames[$0]) } ?? ""
            table.rows.append([report.layer.names[i], grouped(total), percent(total, of: report.total), top])
        }
        table.rows.append([lang.label(.outside), grouped(report.outside), percent(report.outside, of: report.total), ""])
        table.rows.append([lang.label(.total), grouped(report.total), percent(report.total, of: report.total), ""])
        let files = report.files.map { "  " + $0 }.joined(separator: "\n")
        return table.render() + "\n\n" + files
    }
}
