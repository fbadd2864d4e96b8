import ArgumentParser
import HeatGridKit

struct AssignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assign",
        abstract: "Assign every incident to the cell that contains it, and count per cell.",
        discussion: """
            Writes `id,cell_id` per incident in input order (an empty cell_id: outside every cell) and, with
            --counts, `cell_id,count` for every cell in the cells' input order, zeros included. Rows that cannot
            be read go to a rejects file with their line number and reason; the summary line always adds up:
            rows = assigned + outside + rejected.

            A point on an edge shared by two cells goes to exactly one of them (the half-open crossing rule: the
            cell to its right, or above on horizontal edges). Where cells overlap, the first in input order wins
            and the run says how many incidents that affected.

            Examples:
              heatgrid assign --cells cells.geojson --id-field cell_id --incidents incidents.csv --out assigned.csv
              heatgrid assign --cells grid.geojson --id-field cell_id --incidents 警情.csv --encoding gb18030 \\
                  --out assigned.csv --counts counts.csv --timings
            """
    )

    @Option(help: "Cell layer (GeoJSON polygons).")
    var cells: String

    @Option(help: "Property holding each cell's id.")
    var idField = "cell_id"

    @Option(help: "Incident CSV file.")
    var incidents: String

    @Option(help: "Text encoding of the incident file: auto, utf8 or gb18030.")
    var encoding: IncidentTextEncoding = .auto

    @Option(name: .customLong("out"), help: "Where to write id,cell_id per incident.")
    var assignedPath: String

    @Option(help: "Where to write cell_id,count for every cell.")
    var counts: String?

    @Option(help: "Where to write rejected rows (default: next to --out, as NAME.rejects.csv).")
    var rejects: String?

    @OptionGroup var common: CommonOptions

    func run() throws {
        try reportingErrors {
            var job = AssignJob(cellsPath: cells, idField: idField, incidentsPath: incidents, assignedPath: assignedPath)
            job.countsPath = counts
            job.rejectsPath = rejects
            job.csvOptions.encoding = encoding
            job.threads = common.threads
            job.validation = common.validation
            let report = try job.run(progress: progressLine)
            common.reportRepairs(report.repairedCells, in: cells)
            if !report.overlappingPairs.isEmpty {
                let pairs = report.overlappingPairs.prefix(5).map { "\($0.0)/\($0.1)" }.joined(separator: ", ")
                printError("heatgrid: warning: \(report.overlappingPairs.count) pairs of cells overlap (\(pairs)…); "
                    + "\(grouped(report.pointsInOverlaps)) incidents in overlaps went to the first cell in input order")
            }
            print(summary(report, lang: common.lang))
            if common.timings { printError(report.timings.json) }
        }
    }

    func summary(_ r: AssignJob.Report, lang: Language) -> String {
        var line = switch lang {
        case .zh: "读取 \(grouped(r.rowsRead)) 行：分配 \(grouped(r.assigned))，区域外 \(grouped(r.outside))，拒绝 \(grouped(r.rejected))"
        case .en: "rows \(grouped(r.rowsRead)): assigned \(grouped(r.assigned)), outside \(grouped(r.outside)), rejected \(grouped(r.rejected))"
        }
        if let path = r.rejectsPath { line += lang == .zh ? "（拒绝行见 \(path)）" : " (rejects in \(path))" }
        return line
    }
}

extension IncidentTextEncoding: ExpressibleByArgument {}
