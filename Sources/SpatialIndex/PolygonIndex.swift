import Foundation
import Dispatch
import GeoCore

/// Says which polygon of a layer each point falls in: the point-in-polygon core of cell assignment.
///
/// Built once from a layer of polygons (cells, districts) in input order; answers with the polygon's index
/// in that order, or -1 for a point outside every polygon. Coordinates are used as given (lon/lat or
/// projected): the test is topological.
///
/// Semantics, exactly:
/// - **Interior points** go to the polygon containing them: the even-odd (crossing-parity) rule with an
///   exact orientation predicate, so a point a hair's breadth from an edge gets the answer GEOS `contains`
///   gives for a valid polygon. Points in holes are outside.
/// - **Boundary points** follow the half-open crossing rule (PNPOLY): an edge counts when one endpoint's
///   y is <= the point's y and the other's is greater, and the point is strictly left of it. A point on
///   the boundary is thereby treated as if moved by an infinitesimal +x (and, on horizontal edges and
///   vertices, +y). A tiling is partitioned: a point on an edge or vertex shared by several cells goes to
///   exactly one of them, deterministically; a point on the layer's outer boundary goes to the cell when
///   the layer lies to its right (or above, on horizontal edges) and outside otherwise.
/// - **Overlapping polygons** (a broken layer): the lowest input index containing the point wins. The
///   pairs overlapping with positive area are found at build time (`overlappingPairs`);
///   `overlapAffectedCount(x:y:assignment:)` counts points that lie in more than one polygon.
/// - **NaN or infinite coordinates** are outside (-1).
///
/// How: a uniform grid over the layer's bounding box whose buckets are "outside", "inside polygon P",
/// a 4 × 4 sub-grid, or a leaf holding only the edges meeting the bucket plus, per candidate polygon, the
/// parity of its edges to the right of the bucket as a function of y. A shared edge is stored once with a
/// bitmask of the polygons it bounds, so it is decided once for both neighbours. No allocation per query.
///
/// Measured (release, this project's 2-core machines, ±30 %): the 19,799-cell Jiaxing 500 m grid builds in
/// about 45 ms on 2 threads (75 ms on one), holds 13 MB, and assigns 1,000,000 clustered incidents in
/// about 29 ms on one thread and 15 ms on two, identical to shapely's `within` for every point. The 90
/// ragged Zhejiang counties (124,000 edges): 130 ms to build, 11 ms / 5 ms for 1,000,000 uniform points.
/// For a batch of a few thousand points the build costs more than the queries; build once, query often.
public struct PolygonIndex: Sendable {
    let edges: EdgeTable
    let geometry: GridGeometry
    let grid: [UInt32]
    let nodes: [UInt32]
    let arena: [UInt64]

    /// Pairs (i, j), i < j, of input polygons whose interiors overlap (a positive-area intersection).
    public let overlappingPairs: [(Int, Int)]

    /// The number of polygons in the layer the index was built from.
    public let polygonCount: Int

    /// Builds the index. Throws when a coordinate is NaN or infinite, or the layer is too large to index.
    /// - Parameter threads: workers for the build (rows of the grid are built in parallel).
    public init(layer: [MultiPolygon], threads: Int = defaultThreadCount) throws(PolygonIndexError) {
        try self.init(layer: layer, parameters: BuildParameters(threads: max(1, threads)))
    }

    init(layer: [MultiPolygon], parameters: BuildParameters) throws(PolygonIndexError) {
        guard layer.count < Int(outsideValue) else {
            throw PolygonIndexError(polygon: layer.count, part: 0, ring: 0, vertex: 0,
                                    problem: "a layer can hold at most \(outsideValue - 1) polygons")
        }
        let edges = try EdgeTable(layer: layer)
        self.edges = edges
        self.polygonCount = layer.count
        let geometry = Self.gridGeometry(edges: edges, parameters: parameters)
        self.geometry = geometry
        let builder = IndexBuilder(edges: edges, geometry: geometry, parameters: parameters)
        let (rowStart, rowEdges) = builder.rowLists()

        // Rows are built in chunks on several workers, then stitched with their offsets fixed.
        let chunkCount = min(geometry.ny, parameters.threads == 1 ? 1 : parameters.threads * 8)
        var chunks = [BuildChunk](repeating: BuildChunk(), count: chunkCount)
        chunks.withUnsafeMutableBufferPointer { buffer in
            let out = SendablePointer(buffer.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: chunkCount) { k in
                let rows = (geometry.ny * k / chunkCount)..<(geometry.ny * (k + 1) / chunkCount)
                out.pointer[k] = builder.buildRows(rows, rowStart: rowStart, rowEdges: rowEdges)
            }
        }
        var grid: [UInt32] = []
        var nodes: [UInt32] = []
        var arena: [UInt64] = []
        grid.reserveCapacity(geometry.nx * geometry.ny)
        nodes.reserveCapacity(chunks.reduce(0) { $0 + $1.nodes.count })
        arena.reserveCapacity(chunks.reduce(0) { $0 + $1.arena.count })
        for chunk in chunks {
            let arenaBase = arena.count, nodeBase = nodes.count / 16
            guard arenaBase + chunk.arena.count < Int(entryPayloadMask), nodeBase + chunk.nodes.count / 16 < Int(entryPayloadMask) else {
                throw PolygonIndexError(polygon: 0, part: 0, ring: 0, vertex: 0,
                                        problem: "the layer is too large to index (more than 2^30 index words)")
            }
            func relocate(_ entry: UInt32) -> UInt32 {
                switch entry >> entryTagShift {
                case leafTag: return entry + UInt32(arenaBase)
                case nodeTag: return entry + UInt32(nodeBase)
                default: return entry
                }
            }
            grid.append(contentsOf: chunk.grid.lazy.map(relocate))
            nodes.append(contentsOf: chunk.nodes.lazy.map(relocate))
            arena.append(contentsOf: chunk.arena)
        }
        self.grid = grid
        self.nodes = nodes
        self.arena = arena
        self.overlappingPairs = findOverlappingPairs(edges, layer: layer, threads: parameters.threads)
    }

    static func gridGeometry(edges: EdgeTable, parameters: BuildParameters) -> GridGeometry {
        var box = edges.bounds
        if box.isEmpty { box = BoundingBox(minX: 0, minY: 0, maxX: 1, maxY: 1) }
        let magnitude = max(abs(box.minX), abs(box.maxX), abs(box.minY), abs(box.maxY))
        // The margin by which buckets are grown: far above the rounding of bucket arithmetic (~1e-16
        // relative) and far below any cell size (1e-10 of a 120° longitude is about a millimetre).
        let margin = magnitude > 0 ? magnitude * 1e-10 : 1e-300
        let width = box.width > 0 ? box.width : max(box.height, 1)
        let height = box.height > 0 ? box.height : max(width, 1)
        let target = max(1.0, Double(edges.count) * parameters.bucketsPerEdge)
        let side = parameters.maxGridSide
        let nx = max(1, min(side, Int((target * width / height).squareRoot().rounded(.up))))
        let ny = max(1, min(side, Int((target / Double(nx)).rounded(.up))))
        let w = width / Double(nx), h = height / Double(ny)
        return GridGeometry(minX: box.minX, minY: box.minY, maxX: box.minX + width, maxY: box.minY + height,
                            nx: nx, ny: ny, w: w, h: h, invW: 1 / w, invH: 1 / h, margin: margin)
    }

    /// A sensible worker count for this machine.
    public static var defaultThreadCount: Int { max(1, min(64, ProcessInfo.processInfo.activeProcessorCount)) }

    // MARK: queries

    /// The index of the polygon containing `point`, or -1 when it is outside every polygon.
    public func locate(_ point: Point) -> Int32 {
        grid.withUnsafeBufferPointer { g in
            nodes.withUnsafeBufferPointer { n in
                arena.withUnsafeBufferPointer { a in
                    Query(geometry: geometry, grid: g.baseAddress!, nodes: n.baseAddress, arena: a.baseAddress)
                        .locate(point.x, point.y)
                }
            }
        }
    }

    /// Locates every point (x[i], y[i]) into `result[i]`, on `threads` workers. The result does not depend
    /// on the number of workers. The three buffers must have the same count.
    public func assign(x: UnsafeBufferPointer<Double>, y: UnsafeBufferPointer<Double>,
                       into result: UnsafeMutableBufferPointer<Int32>, threads: Int = defaultThreadCount) {
        precondition(x.count == y.count && x.count == result.count, "x, y and result must have the same count")
        let count = x.count
        guard count > 0 else { return }
        grid.withUnsafeBufferPointer { g in
            nodes.withUnsafeBufferPointer { n in
                arena.withUnsafeBufferPointer { a in
                    let query = Query(geometry: geometry, grid: g.baseAddress!, nodes: n.baseAddress, arena: a.baseAddress)
                    let xs = SendablePointer(UnsafeMutablePointer(mutating: x.baseAddress!))
                    let ys = SendablePointer(UnsafeMutablePointer(mutating: y.baseAddress!))
                    let out = SendablePointer(result.baseAddress!)
                    let workers = max(1, min(threads, count / 4096 + 1))
                    if workers == 1 {
                        query.run(xs.pointer, ys.pointer, out.pointer, 0..<count)
                        return
                    }
                    // More chunks than workers, so a worker that finishes early takes another.
                    let chunks = workers * 4
                    DispatchQueue.concurrentPerform(iterations: chunks) { k in
                        query.run(xs.pointer, ys.pointer, out.pointer, (count * k / chunks)..<(count * (k + 1) / chunks))
                    }
                }
            }
        }
    }

    /// Locates every point (x[i], y[i]); see `assign(x:y:into:threads:)`.
    public func assign(x: [Double], y: [Double], threads: Int = defaultThreadCount) -> [Int32] {
        precondition(x.count == y.count, "x and y must have the same count")
        return [Int32](unsafeUninitializedCapacity: x.count) { buffer, initialized in
            x.withUnsafeBufferPointer { xs in
                y.withUnsafeBufferPointer { ys in
                    assign(x: xs, y: ys, into: buffer, threads: threads)
                }
            }
            initialized = x.count
        }
    }

    /// Points per polygon (in input order) and points outside every polygon, for an assignment.
    public func counts(of assignment: [Int32]) -> (perPolygon: [Int], outside: Int) {
        var perPolygon = [Int](repeating: 0, count: polygonCount)
        var outside = 0
        for cell in assignment {
            if cell >= 0 && Int(cell) < polygonCount { perPolygon[Int(cell)] += 1 } else { outside += 1 }
        }
        return (perPolygon, outside)
    }

    /// Every polygon whose even-odd parity under the half-open rule holds `point`, ascending: more than
    /// one only in an overlapping layer. A slow exact scan of the candidates' edges, for reports.
    public func polygons(containing point: Point) -> [Int] {
        guard point.isFinite else { return [] }
        return (0..<polygonCount).filter { p in
            edges.polygonBoxes[p].contains(point) && edges.parity(polygon: p, point.x, point.y)
        }
    }

    /// How many of the points lie in more than one polygon (only possible when `overlappingPairs` is not
    /// empty), given their assignment by this index.
    public func overlapAffectedCount(x: [Double], y: [Double], assignment: [Int32]) -> Int {
        guard !overlappingPairs.isEmpty else { return 0 }
        var partners = [Int: [Int]]()
        for (i, j) in overlappingPairs { partners[i, default: []].append(j) }
        var affected = 0
        for k in assignment.indices {
            let cell = Int(assignment[k])
            // The winner is the lowest index; a second polygon can only be a higher-index partner.
            guard cell >= 0, let others = partners[cell] else { continue }
            let px = x[k], py = y[k]
            if others.contains(where: { edges.polygonBoxes[$0].contains(Point(x: px, y: py)) && edges.parity(polygon: $0, px, py) }) {
                affected += 1
            }
        }
        return affected
    }

    /// Bytes held by the index structure (grid, sub-grids, leaves and the edge table).
    public var memoryFootprint: Int {
        grid.count * 4 + nodes.count * 4 + arena.count * 8 + edges.count * (4 * 8 + 4) + polygonCount * (8 + 32)
    }

    /// Top-grid dimensions (columns, rows); for diagnostics and tuning.
    public var gridSize: (columns: Int, rows: Int) { (geometry.nx, geometry.ny) }
}

/// A raw pointer that may cross into concurrently running closures writing disjoint parts.
struct SendablePointer<T>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<T>
    init(_ pointer: UnsafeMutablePointer<T>) { self.pointer = pointer }
}

/// The hot path: raw pointers into the index, no reference counting, no bounds checks, no allocation.
struct Query: @unchecked Sendable {  // read-only pointers into immutable arrays
    let geometry: GridGeometry
    let grid: UnsafePointer<UInt32>
    let nodes: UnsafePointer<UInt32>?
    let arena: UnsafePointer<UInt64>?

    /// Points go through in blocks: first every point's grid entry (independent loads the CPU overlaps),
    /// then each leaf's first word, then the leaf tests, so cache misses overlap instead of queueing.
    func run(_ x: UnsafeMutablePointer<Double>, _ y: UnsafeMutablePointer<Double>,
             _ out: UnsafeMutablePointer<Int32>, _ range: Range<Int>) {
        let block = 64
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: block) { entries in
            withUnsafeTemporaryAllocation(of: UInt64.self, capacity: block) { heads in
                var start = range.lowerBound
                while start < range.upperBound {
                    let n = min(block, range.upperBound - start)
                    for k in 0..<n { entries[k] = entry(x[start + k], y[start + k]) }
                    for k in 0..<n where entries[k] >> entryTagShift == leafTag {
                        heads[k] = arena.unsafelyUnwrapped[Int(entries[k] & entryPayloadMask)]
                    }
                    for k in 0..<n {
                        let e = entries[k]
                        if e >> entryTagShift == leafTag {
                            out[start + k] = evaluateLeaf(arena.unsafelyUnwrapped + Int(e & entryPayloadMask),
                                                          heads[k], x[start + k], y[start + k])
                        } else {
                            let value = e & entryPayloadMask
                            out[start + k] = value == outsideValue ? -1 : Int32(value)
                        }
                    }
                    start += n
                }
            }
        }
    }

    /// The grid entry (constant or leaf, never a sub-grid) for a point; outside for points off the grid.
    @inline(__always)
    func entry(_ px: Double, _ py: Double) -> UInt32 {
        // NaN fails every comparison, so it lands here too.
        guard px >= geometry.minX && px <= geometry.maxX && py >= geometry.minY && py <= geometry.maxY else {
            return outsideValue
        }
        let fx = (px - geometry.minX) * geometry.invW
        let fy = (py - geometry.minY) * geometry.invH
        var ix = Int(fx), iy = Int(fy)
        if ix >= geometry.nx { ix = geometry.nx - 1 }
        if iy >= geometry.ny { iy = geometry.ny - 1 }
        var entry = grid[iy &* geometry.nx &+ ix]
        if entry >> entryTagShift == nodeTag {
            // Sub-grid coordinates stay exact: fractions of a bucket scaled by 4 are exact in binary.
            var rx = fx - Double(ix), ry = fy - Double(iy)
            repeat {
                rx *= 4; ry *= 4
                var sx = Int(rx), sy = Int(ry)
                if sx > 3 { sx = 3 }
                if sy > 3 { sy = 3 }
                rx -= Double(sx); ry -= Double(sy)
                entry = nodes.unsafelyUnwrapped[Int(entry & entryPayloadMask) &* 16 &+ sy &* 4 &+ sx]
            } while entry >> entryTagShift == nodeTag
        }
        return entry
    }

    @inline(__always)
    func locate(_ px: Double, _ py: Double) -> Int32 {
        let e = entry(px, py)
        if e >> entryTagShift == leafTag {
            let start = arena.unsafelyUnwrapped + Int(e & entryPayloadMask)
            return evaluateLeaf(start, start[0], px, py)
        }
        let value = e & entryPayloadMask
        return value == outsideValue ? -1 : Int32(value)
    }

    @inline(__always)
    func evaluateLeaf(_ start: UnsafePointer<UInt64>, _ head: UInt64, _ px: Double, _ py: Double) -> Int32 {
        var group = start
        var counts = head
        while true {
            let edgeCount = Int(truncatingIfNeeded: counts & 0xFFFF_FFFF)
            let breakCount = Int(truncatingIfNeeded: counts >> 32)
            var mask = group[1]
            let info = group[2]
            let constant = Int32(bitPattern: UInt32(truncatingIfNeeded: info))
            let candidateCount = Int(truncatingIfNeeded: (info >> 32) & 0x7FFF_FFFF)
            var p = group + 3
            let edgeEnd = p + edgeCount &* 5
            // Branch-free on the common path: whether an edge is crossed is as good as random.
            while p < edgeEnd {
                let ax = Double(bitPattern: p[0]), ay = Double(bitPattern: p[1])
                let bx = Double(bitPattern: p[2]), by = Double(bitPattern: p[3])
                let inRange = (ay <= py) && (py < by)
                // The orient2d filter of `orientationSign`, inlined; the exact path only when it cannot decide.
                let detLeft = (ax - px) * (by - py)
                let detRight = (ay - py) * (bx - px)
                let det = detLeft - detRight
                let bound = orientErrorBound * (abs(detLeft) + abs(detRight))
                var crossed = det > bound
                if _slowPath(inRange && !crossed && -det <= bound) {
                    crossed = orientationSign(ax, ay, bx, by, px, py) > 0
                }
                mask ^= p[4] & (0 &- UInt64(inRange && crossed ? 1 : 0))
                p += 5
            }
            let breakEnd = p + breakCount &* 2
            while p < breakEnd {
                mask ^= p[1] & (0 &- UInt64(Double(bitPattern: p[0]) <= py ? 1 : 0))
                p += 2
            }
            let candidates = UnsafeRawPointer(breakEnd).assumingMemoryBound(to: Int32.self)
            if mask != 0 {
                let found = candidates[mask.trailingZeroBitCount]
                return constant >= 0 && constant < found ? constant : found
            }
            if info >> 63 == 0 { return constant }
            group = breakEnd + (candidateCount + 1) / 2
            counts = group[0]
        }
    }
}
