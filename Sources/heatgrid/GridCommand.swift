import ArgumentParser
import HeatGridKit

struct GridCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grid",
        abstract: "Generate a square or hexagon grid clipped to boundary polygons, as GeoJSON.",
        discussion: """
            Cells are laid out in metres in the UTM zone of the layer's centre, the origin pinned to a multiple of \
            the cell size (the same grid every week and for every caller), and clipped to each boundary: a cell \
            crossing a border gives one piece per boundary. Pieces smaller than the sliver threshold (default 1 % \
            of a cell) are dropped and reported. Ids are ADCODE-RRR-CCC for squares (rows north to south, columns \
            west to east) and ADCODE-HRRR-CCC for hexagons; properties: cell_id, parent, row, col, area_m2, full \
            (true when the cell was not clipped).

            Boundaries are taken as WGS-84 unless --boundary-datum says otherwise; the shipped geodata/ files are \
            GCJ-02 (Amap), so pass --boundary-datum gcj02 for them. Output is RFC 7946 (WGS-84) unless \
            --out-datum gcj02 asks for GCJ-02 (for Chinese web maps).

            Examples:
              heatgrid grid --boundaries geodata/jiaxing.geojson --boundary-datum gcj02 \\
                  --cell 500 --out cells.geojson
              heatgrid grid --boundaries 街道.geojson --level '' --id-field code \\
                  --cell 300 --shape hex \\
                  --sliver-m2 100 --out-datum gcj02 --out hex.geojson --timings
            """
    )

    @Option(help: "Boundary layer (GeoJSON polygons).")
    var boundaries: String

    @Option(help: "Keep only features whose 'level' property has this value ('' keeps all).")
    var level = "district"

    @Option(help: "Property holding each boundary's id, the ADCODE of the cell ids ('' uses the feature's position).")
    var idField = "adcode"

    @Option(help: "Cell size in metres: the square's side or the hexagon's flat-to-flat width.")
    var cell: Double

    @Option(help: "Cell shape: square or hex.")
    var shape = "square"

    @Option(help: "Drop clipped pieces smaller than this fraction of a whole cell.")
    var sliver: Double?

    @Option(name: .customLong("sliver-m2"), help: "Drop clipped pieces smaller than this many square metres.")
    var sliverSquareMetres: Double?

    @Option(help: "Datum of the boundaries: wgs84, gcj02 or bd09.")
    var boundaryDatum: Datum = .wgs84

    @Option(help: "Datum of the output: wgs84 (RFC 7946) or gcj02.")
    var outDatum: Datum = .wgs84

    @Option(help: "Decimals kept in output coordinates (7 is about 1 cm).")
    var precision = 7

    @Option(name: .customLong("out"), help: "Where to write the cells (GeoJSON).")
    var outputPath: String

    @OptionGroup var common: CommonOptions

    var cellShape: CellShape? {
        switch shape.lowercased() {
        case "square": .square
        case "hex", "hexagon": .hexagon
        default: nil
        }
    }

    func validate() throws {
        guard cell.isFinite, cell > 0 else { throw ValidationError("--cell must be a positive number of metres, got \(cell)") }
        guard cellShape != nil else { throw ValidationError("--shape must be square or hex, got '\(shape)'") }
        guard sliver == nil || sliverSquareMetres == nil else {
            throw ValidationError("give either --sliver or --sliver-m2, not both")
        }
        if let sliver, !(sliver.isFinite && sliver >= 0 && sliver < 1) {
            throw ValidationError("--sliver must be a fraction of a cell in [0, 1), got \(sliver)")
        }
        if let sliverSquareMetres, !(sliverSquareMetres.isFinite && sliverSquareMetres >= 0) {
            throw ValidationError("--sliver-m2 must be a non-negative area, got \(sliverSquareMetres)")
        }
        guard outDatum != .bd09 else { throw ValidationError("--out-datum must be wgs84 or gcj02") }
        guard (0...15).contains(precision) else { throw ValidationError("--precision must be between 0 and 15") }
    }

    func run() throws {
        try reportingErrors {
            var job = GridJob(boundariesPath: boundaries, cellSize: cell, outputPath: outputPath)
            job.level = level.isEmpty ? nil : level
            job.idField = idField.isEmpty ? nil : idField
            job.shape = cellShape ?? .square
            if let sliver { job.sliverThreshold = .fractionOfCell(sliver) }
            if let sliverSquareMetres { job.sliverThreshold = .squareMetres(sliverSquareMetres) }
            job.boundaryDatum = boundaryDatum
            job.outputDatum = outDatum
            job.precision = precision
            job.threads = common.threads
            job.validation = common.validation
            let report = try withProgress { try job.run(progress: $0) }
            common.reportRepairs(report.repairedBoundaries, in: boundaries)
            print(summary(report, lang: common.lang))
            if common.timings { printError(report.timings.json) }
        }
    }

    func summary(_ r: GridJob.Report, lang: Language) -> String {
        let sliverArea = grouped(Int(r.sliverAreaSquareMetres.rounded()))
        let line = switch lang {
        case .zh: "网格 \(grouped(r.cellCount)) 个：完整 \(grouped(r.fullCells))，裁剪 \(grouped(r.clippedCells))，"
            + "舍弃碎片 \(grouped(r.slivers)) 块（共 \(sliverArea) m²）"
        case .en: "cells \(grouped(r.cellCount)): full \(grouped(r.fullCells)), clipped \(grouped(r.clippedCells)), "
            + "slivers dropped \(grouped(r.slivers)) (\(sliverArea) m² in all)"
        }
        let headers = switch lang {
        case .zh: ["上级区域", "编号", "网格数", "完整", "裁剪", "面积 km²"]
        case .en: ["parent", "id", "cells", "full", "clipped", "area km²"]
        }
        var table = TextTable(header: headers, rightAligned: [2, 3, 4, 5])
        for parent in r.parents {
            table.rows.append([parent.name, parent.id, grouped(parent.cells), grouped(parent.fullCells),
                               grouped(parent.cells - parent.fullCells), kilometres(parent.areaSquareMetres)])
        }
        let total = r.parents.reduce(0) { $0 + $1.areaSquareMetres }
        table.rows.append([lang.label(.total), "", grouped(r.cellCount), grouped(r.fullCells), grouped(r.clippedCells),
                           kilometres(total)])
        return line + "\n\n" + table.render() + "\n\n  " + outputPath
    }

    /// Square metres as square kilometres with two decimals.
    private func kilometres(_ squareMetres: Double) -> String {
        let hundredths = Int((squareMetres / 10_000).rounded())
        let fraction = hundredths % 100
        return grouped(hundredths / 100) + "." + (fraction < 10 ? "0" : "") + String(fraction)
    }
}

extension Datum: ExpressibleByArgument {}
