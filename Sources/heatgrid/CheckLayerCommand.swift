import ArgumentParser
import HeatGridKit

struct CheckLayerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-layer",
        abstract: "Validate an official grid layer and its hierarchy; exit status 1 when there are errors.",
        discussion: """
            Prints one line per finding, then a summary. Errors (exit status 1): invalid geometry (GEOS's reason and \
            where), duplicate ids, overlaps between areas of a level above --overlap-tolerance, parent ids naming no \
            parent. Warnings (exit status 0): gaps inside a parent that no area covers, larger than --gap-tolerance \
            (with their area and a point inside), and areas with less than 99 % of their area in their parent. \
            Areas are measured in square metres in the UTM zone of the layer's centre.

            Levels come from the features' `level` property (--level city,district checks the districts under the \
            city in one file), and optionally a parent layer from another file (--parent). Each area's parent is the \
            one its --parent-field names, or, without that attribute, the parent overlapping it the most.

            --repair --out fixed.geojson writes the layer with every invalid area repaired by GEOS MakeValid (invalid \
            areas are still reported as errors: rerun the check on the fixed file). --json writes the findings for \
            batch jobs.

            Examples:
              heatgrid check-layer geodata/jiaxing.geojson --id-field adcode \\
                  --level city,district
              heatgrid check-layer 网格.geojson --id-field cell_id \\
                  --parent 社区.geojson --parent-id-field code \\
                  --parent-field community --json report.json --lang en
            """
    )

    @Argument(help: "The layer to check (GeoJSON polygons).")
    var layer: String

    @Option(help: "Property holding each area's id ('' uses the feature's position).")
    var idField = "cell_id"

    @Option(help: "Property holding each area's display name.")
    var nameField = "name"

    @Option(help: "Values of the 'level' property to check, coarse to fine, comma-separated (default: every feature as one level).")
    var level: String?

    @Option(help: "A layer holding the parents of the layer's first level (GeoJSON polygons).")
    var parent: String?

    @Option(help: "Keep only the --parent file's features with this 'level' value.")
    var parentLevel: String?

    @Option(help: "Property holding the parents' ids (default: --id-field).")
    var parentIdField: String?

    @Option(help: "Property of each area naming its parent's id (default: link each area to the parent overlapping it most).")
    var parentField: String?

    @Option(help: "Report overlaps larger than this many square metres.")
    var overlapTolerance = 1.0

    @Option(help: "Report gaps larger than this many square metres.")
    var gapTolerance = 100.0

    @Option(name: .customLong("out"), help: "With --repair: write the layer with invalid areas repaired here (GeoJSON).")
    var outputPath: String?

    @Option(name: .customLong("json"), help: "Write the findings as JSON here.")
    var jsonPath: String?

    @OptionGroup var common: CommonOptions

    var levels: [String] {
        (level ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    func validate() throws {
        guard overlapTolerance.isFinite, overlapTolerance >= 0 else {
            throw ValidationError("--overlap-tolerance must be a non-negative number of square metres")
        }
        guard gapTolerance.isFinite, gapTolerance >= 0 else {
            throw ValidationError("--gap-tolerance must be a non-negative number of square metres")
        }
        guard outputPath == nil || common.repair else { throw ValidationError("--out writes the repaired layer: add --repair") }
    }

    func run() throws {
        var hasErrors = false
        try reportingErrors {
            var job = CheckLayerJob(layerPath: layer)
            job.levels = levels
            job.idField = idField.isEmpty ? nil : idField
            job.nameField = nameField.isEmpty ? nil : nameField
            job.parentPath = parent
            job.parentLevel = parentLevel
            job.parentIdField = parentIdField.flatMap { $0.isEmpty ? nil : $0 }
            job.parentField = parentField.flatMap { $0.isEmpty ? nil : $0 }
            job.options.overlapToleranceSquareMetres = overlapTolerance
            job.options.gapToleranceSquareMetres = gapTolerance
            job.repairedOutputPath = outputPath
            job.jsonPath = jsonPath
            job.threads = common.threads
            let report = try withProgress { try job.run(progress: $0) }
            for finding in report.check.findings { print(LayerCheckText.line(finding, lang: common.lang)) }
            print(LayerCheckText.summary(report.check, levels: report.levels, lang: common.lang))
            if let outputPath {
                let list = report.repairedFeatures.map(String.init).joined(separator: ", ")
                print(common.lang == .zh ? "已修复 \(report.repairedFeatures.count) 个要素（\(list)）→ \(outputPath)"
                      : "repaired \(report.repairedFeatures.count) features (\(list)) → \(outputPath)")
            }
            if common.timings { printError(report.timings.json) }
            hasErrors = report.check.hasErrors
        }
        if hasErrors { throw ExitCode.failure }
    }
}
