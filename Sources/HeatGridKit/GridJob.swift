
/// `heatgrid grid`: a regular grid of squares or hexagons clipped to boundary polygons, written as GeoJSON.
///
/// Boundaries in GCJ-02 or BD-09 are converted to WGS-84 (every vertex) before the grid is laid out, so the
/// cells are metric squares on the ground; cells are written in WGS-84 (RFC 7946) or, when `outputDatum` is
/// GCJ-02, converted back for Chinese web maps. Output properties: `cell_id`, `parent`, `row`, `col`,
/// `area_m2`, `full`. The same inputs and parameters give the same bytes, whatever the thread count.
public struct GridJob: Sendable {
    public var boundariesPath: String
    /// Keep only features whose `level` property has this value (all when `nil`).
    public var level: String? = "district"
    /// Property holding each boundary's id, the `ADCODE` of the cell ids (feature position when `nil`).
    public var idField: String? = "adcode"
    public var cellSize: Double
    public var shape = CellShape.square
    public var sliverThreshold = SliverThreshold.fractionOfCell(0.01)
    /// The datum the boundaries' coordinates are in.
    public var boundaryDatum = Datum.wgs84
    /// The datum cells are written in: `.wgs84` (RFC 7946) or `.gcj02`.
    public var outputDatum = Datum.wgs84
    public var outputPath: String
    /// Decimals kept in output coordinates.
    public var precision = 7
    public var threads = 2
    public var validation = LayerValidation.reject

    public init(boundariesPath: String, cellSize: Double, outputPath: String) {
        self.boundariesPath = boundariesPath
        self.cellSize = cellSize
        self.outputPath = outputPath
    }

    /// Cells per boundary, in the boundaries' input order.
    public struct ParentSummary: Sendable, Equatable {
        public let id: String
        public let name: String
        public let cells: Int
        public let fullCells: Int
        public let areaSquareMetres: Double
    }

    public struct Report: Sendable {
        public let cellCount: Int
        public let fullCells: Int
        public var clippedCells: Int { cellCount - fullCells }
        public let slivers: Int
        public let sliverAreaSquareMetres: Double
        public let sliverThresholdSquareMetres: Double
        public let parents: [ParentSummary]
        /// The UTM / transverse Mercator zone's central meridian the cells were laid out in.
        public let centralMeridian: Double
        /// Input indices of boundaries repaired with GEOS MakeValid (`--repair`).
        public let repairedBoundaries: [Int]
        public let timings: Timings
    }

    public func run(progress: (String) -> Void = { _ in }) throws -> Report {
        guard cellSize.isFinite, cellSize > 0 else {
            throw HeatGridError("--cell must be a positive number of metres, got \(cellSize)")
        }
        guard outputDatum != .bd09 else {
            throw HeatGridError("--out-datum must be wgs84 or gcj02 (BD-09 output is not offered)")
        }
        var timings = Timings()
        progress("reading boundaries from \(boundariesPath)")
        let layer = try timings.measure("parse_boundaries") {
            try BoundaryLayer.load(path: boundariesPath, level: level, idField: idField, validation: validation,
                                   threads: threads)
        }
        var boundaries = Array(zip(layer.ids, layer.polygons)).map { (id: $0.0, area: $0.1) }
        if boundaryDatum != .wgs84 {
            progress("converting \(layer.count) boundaries from \(boundaryDatum.rawValue) to wgs84")
            timings.measure("parse_boundaries") {
                boundaries = boundaries.map { ($0.id, $0.area.converted(from: boundaryDatum, to: .wgs84)) }
            }
        }
        progress("generating \(Int(cellSize)) m \(shape.rawValue) cells over \(layer.count) boundaries")
        var parameters = GridParameters(cellSize: cellSize, shape: shape, sliverThreshold: sliverThreshold)
        parameters.threads = threads
        let grid: GridLayer = try timings.measure("grid") {
            do { return try GridGenerator.generate(boundaries: boundaries, parameters: parameters) } catch {
                throw HeatGridError("\(boundariesPath): \(error)")
            }
        }

        progress("writing \(grid.cells.count) cells to \(outputPath)")
        try timings.measure("write") {
            let writer = try GridJob.openWriter(path: outputPath, precision: precision)
            for cell in grid.cells {
                var feature = cell.feature
                if outputDatum != .wgs84 { feature.geometry = feature.geometry?.converted(from: .wgs84, to: outputDatum) }
                try writer.write(feature)
            }
            try writer.finish()
        }

        var perParent: [String: (cells: Int, full: Int, area: Double)] = [:]
        for cell in grid.cells {
            perParent[cell.parent, default: (0, 0, 0)].cells += 1
            perParent[cell.parent, default: (0, 0, 0)].full += cell.isFull ? 1 : 0
            perParent[cell.parent, default: (0, 0, 0)].area += cell.areaSquareMetres
        }
        let parents = zip(layer.ids, layer.names).map { id, name in
            let counts = perParent[id] ?? (0, 0, 0)
            return ParentSummary(id: id, name: name, cells: counts.cells, fullCells: counts.full,
                                 areaSquareMetres: counts.area)
        }
        return Report(cellCount: grid.cells.count, fullCells: grid.cells.count { $0.isFull },
                      slivers: grid.dropped.count, sliverAreaSquareMetres: grid.droppedAreaSquareMetres,
                      sliverThresholdSquareMetres: grid.sliverThresholdSquareMetres, parents: parents,
                      centralMeridian: grid.frame.projection.centralMeridian,
                      repairedBoundaries: layer.repairedFeatures, timings: timings)
    }

    private static func openWriter(path: String, precision: Int) throws -> GeoJSONWriter {
        do { return try GeoJSONWriter(path: path, precision: precision) } catch { throw HeatGridError("\(error)") }
    }
}
