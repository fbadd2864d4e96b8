import ArgumentParser
import HeatGridKit

struct AssignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assign",
        abstract: "Assign every incident to the cell that contains it, and count per cell.",
        discussion: """
            Writes `id,cell_id` per incident in input order (an empty cell_id: outside every cell) and, with \
            --counts, `cell_id,count` for every cell in the cells' input order, zeros included. Rows that cannot \
            be read go to a rejects file with their line number and reason; the summary line always adds up: \
            rows = assigned + outside + rejected.

            A point on an edge shared by two cells goes to exactly one of them (the half-open crossing rule: the \
            cell to its right, or above on horizontal edges). Where cells overlap, the first in input order wins \
            and the run says how many incidents that affected.

            Datums: declare the incidents' with --datum and the cells' with --boundary-datum (wgs84, gcj02 or bd09; \
            both default to wgs84). When they differ the incidents are converted to the cells' datum before \
            assignment. When either is left undeclared, a sample of the incidents is checked against the cells and \
            a warning suggests the flags if another pair of datums fits markedly better (nothing is converted \
            without the flags).

            Examples:
              heatgrid assign --cells cells.geojson --id-field cell_id \\
                  --incidents incidents.csv --out assigned.csv
              heatgrid assign --cells geodata/jiaxing.geojson --id-field adcode \\
                  --incidents gps.csv \\
                  --datum wgs84 --boundary-datum gcj02 --out assigned.csv
              heatgrid assign --cells grid.geojson --id-field cell_id \\
                  --incidents 警情.csv --encoding gb18030 \\
                  --out assigned.csv --counts counts.csv --timings
            """
    )

    @Option(help: "Cell layer (GeoJSON polygons).")
    var cells: String

    @Option(help: "Property holding each cell's id.")
    var idField = "cell_id"

    @OptionGroup var input: IncidentArguments

    @Option(name: .customLong("out"), help: "Where to write id,cell_id per incident.")
    var assignedPath: String

    @Option(help: "Where to write cell_id,count for every cell.")
    var counts: String?

    @Option(help: ArgumentHelp("Extra columns in the counts file: category (one per category code) or a period unit.",
                               discussion: "week, day, month, hour or weekday: one column per period on the clock of --tz; rows without a readable time are then rejected."))
    var by: String?

    @Option(help: "Where to write rejected rows (default: next to --out, as NAME.rejects.csv).")
    var rejects: String?

    @Option(help: "Datum of the cell layer: wgs84, gcj02 or bd09 (the shipped geodata is gcj02). Default: wgs84.")
    var boundaryDatum: Datum?

    @Option(help: "A coarser layer (communities, subdistricts, districts) to roll the counts up into.")
    var parents: String?

    @Option(help: "Property holding each parent's id.")
    var parentIdField = "id"

    @Option(help: "Keep only parent features whose 'level' property has this value.")
    var parentLevel: String?

    @Option(help: "Property of each cell naming its parent's id (default: the parent it overlaps most).")
    var parentField: String?

    @Option(help: "Where to write parent_id,name,count for every parent (needs --parents).")
    var parentCounts: String?

    @OptionGroup var common: CommonOptions

    func validate() throws {
        if let by, CountColumns(by) == nil {
            throw ValidationError("--by takes category, week, day, month, hour or weekday, got '\(by)'")
        }
        if by != nil && counts == nil { throw ValidationError("--by adds columns to --counts: give --counts too") }
        if (parents == nil) != (parentCounts == nil) {
            throw ValidationError("--parents and --parent-counts go together")
        }
    }

    func run() throws {
        try reportingErrors {
            var job = AssignJob(cellsPath: cells, idField: idField, incidentsPath: input.incidents, assignedPath: assignedPath)
            job.countsPath = counts
            job.countsBy = by.flatMap(CountColumns.init)
            job.rejectsPath = rejects
            job.incidents = try input.options()
            job.threads = common.threads
            job.validation = common.validation
            job.parents = parents.map {
                ParentLayer(path: $0, idField: parentIdField, level: parentLevel, parentField: parentField)
            }
            job.parentCountsPath = parentCounts
            job.layerDatum = boundaryDatum
            let report = try withProgress { try job.run(progress: $0) }
            common.reportRepairs(report.repairedCells, in: cells)
            if !report.overlappingPairs.isEmpty {
                let pairs = report.overlappingPairs.prefix(5).map { "\($0.0)/\($0.1)" }.joined(separator: ", ")
                printError("heatgrid: warning: \(report.overlappingPairs.count) pairs of cells overlap (\(pairs)…); "
                    + "\(grouped(report.pointsInOverlaps)) incidents in overlaps went to the first cell in input order")
            }
            if let finding = report.datumFinding { printError(datumWarning(finding)) }
            print(summary(report, lang: common.lang))
            if common.timings { printError(report.timings.json) }
        }
    }

    /// One line suggesting the datum flags, with the evidence.
    func datumWarning(_ f: DatumOffsetCheck.Finding) -> String {
        let flags = f.incidentDatum == f.layerDatum
            ? "the same --datum and --boundary-datum (no conversion)"
            : "--datum \(f.incidentDatum.rawValue) --boundary-datum \(f.layerDatum.rawValue)"
        return "heatgrid: warning: the incidents look offset from the cells by a datum shift: "
            + "of \(grouped(f.sampled)) sampled incidents \(percent(f.insideAsAssumed, of: f.sampled)) fall inside the cells "
            + "as the datums were taken, \(percent(f.insideSuggested, of: f.sampled)) with \(flags) "
            + "(a shift of about \(Int(f.shiftMetres.rounded())) m); nothing was converted: rerun with \(flags) "
            + "if that is what the files are"
    }

    func summary(_ r: AssignJob.Report, lang: Language) -> String {
        var line = switch lang {
        case .zh: "读取 \(grouped(r.rowsRead)) 行：分配 \(grouped(r.assigned))，区域外 \(grouped(r.outside))，拒绝 \(grouped(r.rejected))"
        case .en: "rows \(grouped(r.rowsRead)): assigned \(grouped(r.assigned)), outside \(grouped(r.outside)), rejected \(grouped(r.rejected))"
        }
        if r.filteredOut > 0 {
            line += lang == .zh ? "，筛除 \(grouped(r.filteredOut))" : ", filtered out \(grouped(r.filteredOut))"
        }
        if let path = r.rejectsPath { line += lang == .zh ? "（拒绝行见 \(path)）" : " (rejects in \(path))" }
        if r.timeless > 0 {
            line += lang == .zh ? "；其中 \(grouped(r.timeless)) 行时间缺失或无法识别（已保留：分配不需要时间）"
                : "; \(grouped(r.timeless)) kept rows have no readable time (assignment does not need one)"
        }
        if let unparented = r.unparented, unparented > 0 {
            line += lang == .zh ? "；\(grouped(unparented)) 起所在网格不属于任何上级区域"
                : "; \(grouped(unparented)) assigned incidents are in cells no parent holds"
        }
        return line
    }
}
