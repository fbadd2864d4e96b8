import Foundation
import GEOSBridge
import GeoCore
import Projection
import Synchronization

/// Pieces of clipped cells smaller than this are dropped (and reported).
public enum SliverThreshold: Sendable, Hashable {
    /// A fraction of a whole cell's area, e.g. 0.01 for 1 %.
    case fractionOfCell(Double)
    /// An area in square metres of the projection.
    case squareMetres(Double)

    func squareMetres(fullCellArea: Double) -> Double {
        switch self {
        case .fractionOfCell(let fraction): fraction * fullCellArea
        case .squareMetres(let area): area
        }
    }
}

/// What to generate.
public struct GridParameters: Sendable, Hashable {
    /// Metres: the square's side or the hexagon's flat-to-flat width.
    public var cellSize: Double
    public var shape: CellShape
    /// The projection cells are laid out in; `nil` picks the UTM zone of the layer's centre.
    public var projection: TransverseMercator?
    public var sliverThreshold: SliverThreshold
    /// Worker threads, each with its own GEOS context. The output does not depend on it.
    public var threads: Int

    public init(cellSize: Double, shape: CellShape = .square, projection: TransverseMercator? = nil,
                sliverThreshold: SliverThreshold = .fractionOfCell(0.01),
                threads: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.cellSize = cellSize
        self.shape = shape
        self.projection = projection
        self.sliverThreshold = sliverThreshold
        self.threads = threads
    }
}

/// One generated cell, or the part of it inside one boundary.
public struct GridCell: Sendable, Hashable {
    /// `ADCODE-RRR-CCC` (squares) or `ADCODE-HRRR-CCC` (hexagons); see `GridFrame`.
    public let id: String
    /// The id of the boundary the cell was clipped to.
    public let parent: String
    public let row: Int
    public let col: Int
    /// Area in the projection (square metres), after dropping sliver parts.
    public let areaSquareMetres: Double
    /// The cell lies wholly inside its boundary (its area is within 1e-9 relative of a whole cell).
    public let isFull: Bool
    /// The clipped cell in longitude/latitude, exteriors counter-clockwise.
    public let polygon: MultiPolygon
}

/// A part of a clipped cell dropped for being smaller than the sliver threshold.
public struct DroppedSliver: Sendable, Hashable {
    /// The id the cell would have had.
    public let cellId: String
    public let parent: String
    public let row: Int
    public let col: Int
    public let areaSquareMetres: Double
}

/// A generated layer: cells in boundary order, then row (north to south), then column (west to east).
public struct GridLayer: Sendable {
    public let frame: GridFrame
    public let cells: [GridCell]
    /// Every dropped part, in the same order as the cells.
    public let dropped: [DroppedSliver]
    /// The threshold actually applied, in square metres.
    public let sliverThresholdSquareMetres: Double

    public var droppedAreaSquareMetres: Double { dropped.reduce(0) { $0 + $1.areaSquareMetres } }
}

/// Input a grid cannot be generated from, naming the boundary and the problem.
public struct GridError: Error, CustomStringConvertible, Sendable, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { "grid: \(message)" }
}

/// Generates regular grids clipped to boundary polygons.
///
/// For each boundary: project it (every vertex), repair it with GEOS if invalid, take the candidate cells in
/// its bounding box, and for each candidate either keep the whole cell (GEOS prepared `contains`: all of the
/// cell is inside, no GEOS overlay needed), skip it (prepared `intersects` is false) or clip it (GEOS
/// intersection, polygonal parts only). A cell crossing a border between two boundaries therefore gives one
/// cell per boundary, with the same row and column and different parents. Parts smaller than the sliver
/// threshold are dropped and reported; a cell with no part left is left out.
///
/// Clipped cells go back to longitude/latitude by the projection's inverse applied to every vertex, joined by
/// straight lines: edges are at most one cell long (a few hundred metres), over which the projection's
/// curvature is far below a millimetre.
public enum GridGenerator {
    /// The most cells (whole lattice over the layer's extent) a layer may have; guards against a cell size
    /// given in the wrong unit.
    public static let maximumLatticeCells = 50_000_000

    /// Rows handed to a worker at a time.
    static let rowsPerTask = 8

    /// Generates the grid over `boundaries` (longitude/latitude, WGS-84).
    public static func generate(boundaries: [(id: String, area: MultiPolygon)],
                                parameters: GridParameters) throws -> GridLayer {
        let size = parameters.cellSize
        guard size.isFinite, size > 0 else { throw GridError("cell size must be a positive number of metres, got \(size)") }
        guard !boundaries.isEmpty else { throw GridError("no boundaries to cover") }
        var lonLatExtent = BoundingBox.empty
        for (index, boundary) in boundaries.enumerated() {
            guard !boundary.area.polygons.isEmpty else {
                throw GridError("boundary \(index) (\(boundary.id)) has no polygons")
            }
            for polygon in boundary.area.polygons {
                for ring in polygon.rings {
                    for point in ring.points where !point.isFinite {
                        throw GridError("boundary \(index) (\(boundary.id)) has a non-finite vertex (\(point.x), \(point.y))")
                    }
                }
            }
            lonLatExtent = lonLatExtent.union(boundary.area.boundingBox)
        }
        let projection = parameters.projection ?? .utm(containing: lonLatExtent.center)

        // Project and repair on this thread; workers get plain values.
        let context = try GEOSContext()
        var projected: [MultiPolygon] = []
        var extent = BoundingBox.empty
        for (index, boundary) in boundaries.enumerated() {
            let metres = project(boundary.area, projection.forward)
            do {
                projected.append(try context.repaired(metres))
            } catch {
                throw GridError("boundary \(index) (\(boundary.id)): \(error)")
            }
            extent = extent.union(metres.boundingBox)
        }
        let frame = GridFrame(projection: projection, shape: parameters.shape, cellSize: size, extent: extent)
        let latticeCells = (extent.width / size + 2) * (extent.height / size + 2)
        guard latticeCells <= Double(maximumLatticeCells) else {
            throw GridError("a \(size) m grid over this layer would have about \(Int(latticeCells)) cells, "
                            + "more than \(maximumLatticeCells); is the cell size in metres?")
        }
        let threshold = parameters.sliverThreshold.squareMetres(fullCellArea: frame.fullCellArea)

        // Tasks: a band of rows of one boundary. Results land in task order, so thread count cannot change them.
        var tasks: [(boundary: Int, rows: ClosedRange<Int>, cols: ClosedRange<Int>)] = []
        for (index, area) in projected.enumerated() {
            guard let range = frame.candidateRange(for: area.boundingBox) else { continue }
            var row = range.rows.lowerBound
            while row <= range.rows.upperBound {
                let last = min(range.rows.upperBound, row + rowsPerTask - 1)
                tasks.append((index, row...last, range.cols))
                row = last + 1
            }
        }
        let ids = boundaries.map(\.id)
        let job = Job(frame: frame, boundaries: projected, ids: ids, threshold: threshold)
        let results = try job.run(tasks: tasks, threads: max(1, min(parameters.threads, tasks.count)))
        return GridLayer(frame: frame, cells: results.flatMap(\.cells), dropped: results.flatMap(\.dropped),
                         sliverThresholdSquareMetres: threshold)
    }

    static func project(_ area: MultiPolygon, _ transform: (Point) -> Point) -> MultiPolygon {
        MultiPolygon(area.polygons.map { polygon in
            Polygon(exterior: Ring(polygon.exterior.points.map(transform)),
                    holes: polygon.holes.map { Ring($0.points.map(transform)) })
        })
    }
}

/// The shared, read-only description of one generation run and the per-task work.
private struct Job: Sendable {
    let frame: GridFrame
    let boundaries: [MultiPolygon]
    let ids: [String]
    let threshold: Double

    struct TaskResult: Sendable {
        var cells: [GridCell] = []
        var dropped: [DroppedSliver] = []
    }

    /// One worker's GEOS state: a context and the prepared boundaries it has needed so far.
    final class Worker {
        let context: GEOSContext
        var prepared: [Int: (geometry: GEOSGeometry, prepared: GEOSPreparedGeometry)] = [:]
        init() throws { context = try GEOSContext() }
    }

    func run(tasks: [(boundary: Int, rows: ClosedRange<Int>, cols: ClosedRange<Int>)], threads: Int) throws -> [TaskResult] {
        let next = Atomic<Int>(0)
        let results = Mutex<[TaskResult?]>(Array(repeating: nil, count: tasks.count))
        // The failing task (-1: a worker could not start) and what went wrong, as text so it can cross threads.
        let failure = Mutex<(task: Int, message: String)?>(nil)
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            let worker: Worker
            do {
                worker = try Worker()
            } catch {
                let message = "GEOS failed: \(error)"
                failure.withLock { if $0 == nil { $0 = (-1, message) } }
                return
            }
            while true {
                let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard index < tasks.count else { return }
                do {
                    let task = tasks[index]
                    let result = try process(boundary: task.boundary, rows: task.rows, cols: task.cols, worker: worker)
                    results.withLock { $0[index] = result }
                } catch {
                    let message = (error as? GridError)?.message
                        ?? "GEOS failed for boundary \(ids[tasks[index].boundary]): \(error)"
                    // Keep the earliest task's error so the message does not depend on scheduling.
                    failure.withLock { current in
                        if let earlier = current, earlier.task <= index { return }
                        current = (index, message)
                    }
                }
            }
        }
        if let failed = failure.withLock({ $0 }) { throw GridError(failed.message) }
        return results.withLock { $0.map { $0 ?? TaskResult() } }
    }

    private func process(boundary: Int, rows: ClosedRange<Int>, cols: ClosedRange<Int>, worker: Worker) throws -> TaskResult {
        let context = worker.context
        let district: (geometry: GEOSGeometry, prepared: GEOSPreparedGeometry)
        if let cached = worker.prepared[boundary] {
            district = cached
        } else {
            let geometry = try context.geometry(boundaries[boundary])
            district = (geometry, try geometry.prepared())
            worker.prepared[boundary] = district
        }
        let parent = ids[boundary]
        let fullArea = frame.fullCellArea
        let projection = frame.projection
        var result = TaskResult()
        for row in rows {
            for col in cols {
                let cellPolygon = frame.cellPolygon(row: row, col: col)
                let cell = try context.geometry(cellPolygon)
                let id = frame.cellId(parent: parent, row: row, col: col)
                if try district.prepared.contains(cell) {
                    // The whole cell is inside: no overlay needed.
                    result.cells.append(GridCell(
                        id: id, parent: parent, row: row, col: col, areaSquareMetres: fullArea, isFull: true,
                        polygon: MultiPolygon([Polygon(exterior: Ring(cellPolygon.exterior.points.map(projection.inverse)))])))
                    continue
                }
                guard try district.prepared.intersects(cell) else { continue }
                let pieces = try district.geometry.intersection(cell).multiPolygon()
                var kept: [Polygon] = []
                var area = 0.0
                for piece in pieces.polygons {
                    let pieceArea = piece.area
                    if pieceArea < threshold || pieceArea <= 0 {
                        if pieceArea > 0 {
                            result.dropped.append(DroppedSliver(cellId: id, parent: parent, row: row, col: col,
                                                                areaSquareMetres: pieceArea))
                        }
                    } else {
                        kept.append(piece)
                        area += pieceArea
                    }
                }
                guard !kept.isEmpty else { continue }
                let lonLat = GridGenerator.project(MultiPolygon(kept), projection.inverse)
                result.cells.append(GridCell(
                    id: id, parent: parent, row: row, col: col, areaSquareMetres: area,
                    isFull: abs(area - fullArea) <= 1e-9 * fullArea,
                    polygon: MultiPolygon(lonLat.polygons.map { $0.rfc7946Oriented() })))
            }
        }
        return result
    }
}

extension GridCell {
    /// The cell as a GeoJSON feature with properties `cell_id`, `parent`, `row`, `col`, `area_m2`, `full`.
    public var feature: Feature {
        Feature(geometry: .multiPolygon(polygon), properties: [
            "cell_id": .string(id), "parent": .string(parent), "row": .number(Double(row)),
            "col": .number(Double(col)), "area_m2": .number(areaSquareMetres), "full": .bool(isFull),
        ])
    }
}

extension GridLayer {
    /// Every cell as a feature, in the layer's order.
    public var featureCollection: FeatureCollection { FeatureCollection(features: cells.map(\.feature)) }
}
