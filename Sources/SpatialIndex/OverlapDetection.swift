import Dispatch
import GeoCore

// Overlap detection: which pairs of input polygons share interior area.
//
// Candidates are pairs whose bounding boxes overlap with positive area. A pair overlaps when, exactly:
//   1. an edge of one properly crosses an edge of the other (interiors of both segments, transversally), or
//   2. a vertex of one lies strictly inside the other (inside and not on its boundary), or
//   3. the midpoint of an edge of one lies strictly inside the other and that edge does not lie along a line
//      of the other's edges (catches a polygon inscribed in another with every vertex on its boundary;
//      the collinearity check keeps a rounded midpoint of a shared edge from counting), or
//   4. the two boundaries coincide (every vertex of each on the other's boundary, every edge along the other's).
// Shared edges and vertices of a proper tiling trigger none of these. Only the part of each polygon inside
// the pair's box intersection is examined, so the neighbours of a tiling cost little.

/// Every edge of every polygon (horizontal ones included), flat, with y bands for large polygons.
struct OutlineTable: Sendable {
    var ax: [Double] = [], ay: [Double] = [], bx: [Double] = [], by: [Double] = []
    /// Edges (and their first vertices) of polygon p are `start[p] ..< start[p + 1]`.
    var start: [Int] = [0]
    var boxes: [BoundingBox] = []
    /// Index into `bandList` per polygon, -1 for polygons small enough to scan whole.
    var bandIndex: [Int32] = []
    var bandList: [Bands] = []

    /// Edge ids of one large polygon per horizontal band of its box, so point tests scan few edges; and its
    /// vertices and edges by value, so the shared border of two neighbours is recognised without a scan.
    struct Bands: Sendable {
        var box: BoundingBox
        var count: Int
        var start: [Int]
        var edges: [Int32]
        var vertexSet: Set<VertexKey> = []
        var edgeSet: Set<EdgeKey> = []

        func band(_ y: Double) -> Int {
            guard box.height > 0 else { return 0 }
            let f = ((y - box.minY) / box.height * Double(count)).rounded(.down)
            return f < 0 ? 0 : (f >= Double(count) ? count - 1 : Int(f))
        }

        /// Bands a y range touches, widened by one on each side so rounding never drops an edge.
        func range(_ lo: Double, _ hi: Double) -> ClosedRange<Int> {
            max(0, band(lo) - 1)...min(count - 1, band(hi) + 1)
        }
    }

    init(layer: [MultiPolygon], boxes: [BoundingBox], banded: [Int]) {
        self.boxes = boxes
        func addRing(_ points: [Point]) {
            let n = points.count
            for i in 0..<n {
                let a = points[i], b = points[i + 1 < n ? i + 1 : 0]
                if a == b { continue }
                ax.append(a.x); ay.append(a.y); bx.append(b.x); by.append(b.y)
            }
        }
        for multi in layer {
            // Exterior then holes, without building `Polygon.rings` (an array per polygon).
            for polygon in multi.polygons {
                addRing(polygon.exterior.points)
                for hole in polygon.holes { addRing(hole.points) }
            }
            start.append(ax.count)
        }
        bandIndex = [Int32](repeating: -1, count: layer.count)
        for p in banded {
            bandIndex[p] = Int32(bandList.count)
            bandList.append(makeBands(p))
        }
    }

    func makeBands(_ p: Int) -> Bands {
        let range = start[p]..<start[p + 1]
        var bands = Bands(box: boxes[p], count: max(1, min(4096, range.count / 8)), start: [], edges: [])
        var counts = [Int](repeating: 0, count: bands.count + 1)
        for e in range { for k in bands.range(min(ay[e], by[e]), max(ay[e], by[e])) { counts[k + 1] += 1 } }
        for k in 0..<bands.count { counts[k + 1] += counts[k] }
        var fill = counts
        bands.edges = [Int32](repeating: 0, count: counts[bands.count])
        for e in range {
            for k in bands.range(min(ay[e], by[e]), max(ay[e], by[e])) { bands.edges[fill[k]] = Int32(e); fill[k] += 1 }
        }
        bands.start = counts
        for e in range {
            bands.vertexSet.insert(VertexKey(ax[e], ay[e]))
            bands.edgeSet.insert(EdgeKey(ax[e], ay[e], bx[e], by[e]))
        }
        return bands
    }

    /// Is (x, y) one of polygon p's vertices? (A hash lookup for large polygons, a scan for small ones.)
    func isVertex(_ p: Int, _ x: Double, _ y: Double) -> Bool {
        if bandIndex[p] >= 0 { return bandList[Int(bandIndex[p])].vertexSet.contains(VertexKey(x, y)) }
        for f in start[p]..<start[p + 1] where ax[f] == x && ay[f] == y { return true }
        return false
    }

    /// Is edge e (either direction) also an edge of polygon q?
    func isSharedEdge(_ e: Int, of q: Int) -> Bool {
        if bandIndex[q] >= 0 {
            return bandList[Int(bandIndex[q])].edgeSet.contains(EdgeKey(ax[e], ay[e], bx[e], by[e]))
        }
        for f in start[q]..<start[q + 1] {
            if ax[f] == ax[e] && ay[f] == ay[e] && bx[f] == bx[e] && by[f] == by[e] { return true }
            if ax[f] == bx[e] && ay[f] == by[e] && bx[f] == ax[e] && by[f] == ay[e] { return true }
        }
        return false
    }

    /// Calls `body` with every edge of polygon p that may cover y values in lo...hi; stops when it returns true.
    @inline(__always)
    func anyEdge(of p: Int, from lo: Double, to hi: Double, _ body: (Int) -> Bool) -> Bool {
        if bandIndex[p] >= 0 {
            let b = bandList[Int(bandIndex[p])]
            for k in b.range(lo, hi) {
                for e32 in b.edges[b.start[k]..<b.start[k + 1]] where body(Int(e32)) { return true }
            }
            return false
        }
        for e in start[p]..<start[p + 1] where body(e) { return true }
        return false
    }

    func onBoundary(_ p: Int, _ px: Double, _ py: Double) -> Bool {
        guard boxes[p].contains(Point(x: px, y: py)) else { return false }
        return anyEdge(of: p, from: py, to: py) { e in
            min(ax[e], bx[e]) <= px && px <= max(ax[e], bx[e]) && min(ay[e], by[e]) <= py && py <= max(ay[e], by[e])
                && orientationSign(ax[e], ay[e], bx[e], by[e], px, py) == 0
        }
    }

    /// Inside polygon p and not on its boundary (even-odd parity with exact orientation). The parity comes
    /// first: it is cheap and usually says no, sparing the boundary test.
    func strictlyContains(_ p: Int, _ px: Double, _ py: Double) -> Bool {
        let box = boxes[p]
        guard px > box.minX && px < box.maxX && py > box.minY && py < box.maxY else { return false }
        var inside = false
        _ = anyEdge(of: p, from: py, to: py) { e in
            let (lx, ly, ux, uy) = ay[e] < by[e] ? (ax[e], ay[e], bx[e], by[e]) : (bx[e], by[e], ax[e], ay[e])
            if ly <= py && py < uy && orientationSign(lx, ly, ux, uy, px, py) > 0 { inside.toggle() }
            return false
        }
        return inside && !onBoundary(p, px, py)
    }

    /// Does edge e lie along the line of some edge of polygon q?
    func isCollinear(edge e: Int, with q: Int) -> Bool {
        anyEdge(of: q, from: min(ay[e], by[e]), to: max(ay[e], by[e])) { f in
            orientationSign(ax[f], ay[f], bx[f], by[f], ax[e], ay[e]) == 0
                && orientationSign(ax[f], ay[f], bx[f], by[f], bx[e], by[e]) == 0
        }
    }

    func edgeMeets(_ e: Int, _ box: BoundingBox) -> Bool {
        !(max(ax[e], bx[e]) < box.minX || min(ax[e], bx[e]) > box.maxX
          || max(ay[e], by[e]) < box.minY || min(ay[e], by[e]) > box.maxY)
    }

    func overlaps(_ a: Int, _ b: Int) -> Bool {
        let ba = boxes[a], bb = boxes[b]
        let box = BoundingBox(minX: max(ba.minX, bb.minX), minY: max(ba.minY, bb.minY),
                              maxX: min(ba.maxX, bb.maxX), maxY: min(ba.maxY, bb.maxY))
        if properlyCross(a, b, within: box) { return true }
        for (p, q) in KeyValuePairs(dictionaryLiteral: (a, b), (b, a)) {
            // A vertex of q's is on q's boundary, never strictly inside: the common case on a shared border.
            for e in start[p]..<start[p + 1] where box.contains(Point(x: ax[e], y: ay[e])) && !isVertex(q, ax[e], ay[e]) {
                if strictlyContains(q, ax[e], ay[e]) { return true }
            }
            for e in start[p]..<start[p + 1] where edgeMeets(e, box) && !isSharedEdge(e, of: q) {
                if strictlyContains(q, (ax[e] + bx[e]) / 2, (ay[e] + by[e]) / 2) && !isCollinear(edge: e, with: q) {
                    return true
                }
            }
        }
        // Coinciding boundaries: the checks above cannot see them.
        for (p, q) in KeyValuePairs(dictionaryLiteral: (a, b), (b, a)) {
            for e in start[p]..<start[p + 1] where !isSharedEdge(e, of: q) {
                if !onBoundary(q, ax[e], ay[e]) || !isCollinear(edge: e, with: q) { return false }
            }
        }
        return start[a + 1] > start[a]
    }

    /// Does an edge of a properly cross an edge of b? Small polygons compare all pairs; large ones sweep in y.
    func properlyCross(_ a: Int, _ b: Int, within box: BoundingBox) -> Bool {
        @inline(__always) func cross(_ e: Int, _ f: Int) -> Bool {
            if max(ax[e], bx[e]) < min(ax[f], bx[f]) || max(ax[f], bx[f]) < min(ax[e], bx[e])
                || max(ay[e], by[e]) < min(ay[f], by[f]) || max(ay[f], by[f]) < min(ay[e], by[e]) {
                return false
            }
            let s1 = orientationSign(ax[e], ay[e], bx[e], by[e], ax[f], ay[f])
            let s2 = orientationSign(ax[e], ay[e], bx[e], by[e], bx[f], by[f])
            guard s1 * s2 < 0 else { return false }
            let s3 = orientationSign(ax[f], ay[f], bx[f], by[f], ax[e], ay[e])
            let s4 = orientationSign(ax[f], ay[f], bx[f], by[f], bx[e], by[e])
            return s3 * s4 < 0
        }
        let na = start[a + 1] - start[a], nb = start[b + 1] - start[b]
        if na * nb <= 4096 {
            for e in start[a]..<start[a + 1] where edgeMeets(e, box) {
                for f in start[b]..<start[b + 1] where cross(e, f) { return true }
            }
            return false
        }
        var events: [(y: Double, edge: Int, side: Bool)] = []
        for e in start[a]..<start[a + 1] where edgeMeets(e, box) { events.append((min(ay[e], by[e]), e, false)) }
        for e in start[b]..<start[b + 1] where edgeMeets(e, box) { events.append((min(ay[e], by[e]), e, true)) }
        events.sort { $0.y < $1.y }
        var activeA: [Int] = [], activeB: [Int] = []
        for event in events {
            if event.side {
                activeA.removeAll { max(ay[$0], by[$0]) < event.y }
                for f in activeA where cross(event.edge, f) { return true }
                activeB.append(event.edge)
            } else {
                activeB.removeAll { max(ay[$0], by[$0]) < event.y }
                for f in activeB where cross(event.edge, f) { return true }
                activeA.append(event.edge)
            }
        }
        return false
    }
}

extension OutlineTable {
    /// Does the line of one of a's edges have every vertex of b on its outer side or on it? Then b lies in
    /// the closed half-plane away from a, and, a being convex (`orientation` ±1, 0 when it is not), their
    /// interiors are disjoint. Exact: orientations are decided by the robust predicate.
    func separated(_ a: Int, orientation: Int8, from b: Int) -> Bool {
        guard orientation != 0 else { return false }
        let side = Int(orientation)
        for e in start[a]..<start[a + 1] {
            var allOutside = true
            for f in start[b]..<start[b + 1] where orientationSign(ax[e], ay[e], bx[e], by[e], ax[f], ay[f]) * side > 0 {
                allOutside = false
                break
            }
            if allOutside { return true }
        }
        return false
    }
}

/// +1 (counter-clockwise) or -1 (clockwise) for a polygon that is a single convex ring without holes, 0 for
/// any other. Convex: every turn has the same sign or is straight on (never back), and the edge directions
/// change sign at most twice in x and in y, which rules out rings that wind more than once (a pentagram).
func convexOrientation(_ multi: MultiPolygon) -> Int8 {
    guard multi.polygons.count == 1, multi.polygons[0].holes.isEmpty else { return 0 }
    return multi.polygons[0].exterior.points.withUnsafeBufferPointer { all in
        // The ring's distinct vertices: repeated points dropped, the closing point too.
        var end = all.count
        while end > 1 && all[end - 1] == all[0] { end -= 1 }
        let hasRepeats = (1..<max(1, end)).contains { all[$0] == all[$0 - 1] }
        if hasRepeats {
            var ring: [Point] = []
            for k in 0..<end where ring.last != all[k] { ring.append(all[k]) }
            return ring.withUnsafeBufferPointer { convexOrientation(of: $0) }
        }
        return convexOrientation(of: UnsafeBufferPointer(rebasing: all[0..<end]))
    }
}

/// `convexOrientation` for a ring of distinct consecutive vertices, not closed.
func convexOrientation(of ring: UnsafeBufferPointer<Point>) -> Int8 {
    let n = ring.count
    guard n >= 3 else { return 0 }
    var turn = 0
    var xChanges = 0, yChanges = 0, lastX = 0, lastY = 0, firstX = 0, firstY = 0
    for i in 0..<n {
        let a = ring[i], b = ring[i + 1 < n ? i + 1 : i + 1 - n], c = ring[i + 2 < n ? i + 2 : i + 2 - n]
        let t = orientationSign(a.x, a.y, b.x, b.y, c.x, c.y)
        if t == 0 {
            // Straight on is fine; turning back along the same line is a spike.
            if direction(a.x, b.x) != direction(b.x, c.x) || direction(a.y, b.y) != direction(b.y, c.y) { return 0 }
        } else if turn == 0 {
            turn = t
        } else if t != turn {
            return 0
        }
        let dx = direction(a.x, b.x), dy = direction(a.y, b.y)
        if dx != 0 { if lastX != 0 && dx != lastX { xChanges += 1 }; if firstX == 0 { firstX = dx }; lastX = dx }
        if dy != 0 { if lastY != 0 && dy != lastY { yChanges += 1 }; if firstY == 0 { firstY = dy }; lastY = dy }
    }
    // The cyclic count: the last edge's direction against the first's.
    if firstX != 0 && firstX != lastX { xChanges += 1 }
    if firstY != 0 && firstY != lastY { yChanges += 1 }
    guard turn != 0, xChanges <= 2, yChanges <= 2 else { return 0 }
    return Int8(turn)
}

private func direction(_ from: Double, _ to: Double) -> Int { to > from ? 1 : (to < from ? -1 : 0) }

/// A vertex by the bits of its coordinates (so -0.0 and 0.0 differ: that only costs a full test).
struct VertexKey: Hashable, Sendable {
    var x: UInt64, y: UInt64
    init(_ x: Double, _ y: Double) { self.x = x.bitPattern; self.y = y.bitPattern }
}

/// An undirected edge by the bits of its endpoints' coordinates.
struct EdgeKey: Hashable, Sendable {
    var a: VertexKey, b: VertexKey
    init(_ ax: Double, _ ay: Double, _ bx: Double, _ by: Double) {
        let p = VertexKey(ax, ay), q = VertexKey(bx, by)
        (a, b) = (p.x, p.y) < (q.x, q.y) ? (p, q) : (q, p)
    }
}

/// Pairs (i, j), i < j, of polygons whose interiors overlap. On one thread: the index build runs it alongside
/// its row workers.
func findOverlappingPairs(boxes: [BoundingBox], layer: [MultiPolygon]) -> [(Int, Int)] {
    // In a deterministic order already; only the (few) overlapping pairs are sorted at the end.
    let pairs = overlappingBoxPairs(boxes)
    guard !pairs.isEmpty else { return [] }
    let large = layer.indices.filter { layer[$0].vertexCount > 64 }
    let table = OutlineTable(layer: layer, boxes: boxes, banded: large)
    let convex = layer.map(convexOrientation)
    return pairs.filter { a, b in
        // Neighbours in a grid of convex cells are told apart by their shared edge's line, cheaply.
        !table.separated(a, orientation: convex[a], from: b) && !table.separated(b, orientation: convex[b], from: a)
            && table.overlaps(a, b)
    }.sorted { $0 < $1 }
}

/// The search for overlapping pairs, started on another thread as soon as the index build begins, so that it
/// runs beside the (serial) edge table and row lists and then the row workers instead of after them.
final class OverlapSearch: @unchecked Sendable {  // `pairs` is written once, before `done` is signalled
    private let done = DispatchGroup()
    private var pairs: [(Int, Int)] = []

    init(_ layer: [MultiPolygon]) {
        done.enter()
        DispatchQueue.global().async { [self] in
            defer { done.leave() }
            // Each polygon's box over all its rings, as the edge table makes them. A coordinate that is not a
            // finite number ends the search here: the edge table rejects the layer with the position.
            var boxes: [BoundingBox] = []
            boxes.reserveCapacity(layer.count)
            func add(_ ring: Ring, to box: inout BoundingBox) -> Bool {
                for point in ring.points {
                    guard point.isFinite else { return false }
                    box.extend(point)
                }
                return true
            }
            for multi in layer {
                var box = BoundingBox.empty
                for polygon in multi.polygons {
                    guard add(polygon.exterior, to: &box) else { return }
                    for hole in polygon.holes { guard add(hole, to: &box) else { return } }
                }
                boxes.append(box)
            }
            pairs = findOverlappingPairs(boxes: boxes, layer: layer)
        }
    }

    /// The pairs, once the search is done.
    func result() -> [(Int, Int)] {
        done.wait()
        return pairs
    }
}

/// Pairs (i, j), i < j, of boxes overlapping with positive area. Boxes go into a uniform grid; a pair is
/// reported by the grid cell holding the lower-left corner of the boxes' intersection, so exactly once.
func overlappingBoxPairs(_ boxes: [BoundingBox]) -> [(Int, Int)] {
    let all = boxes.reduce(BoundingBox.empty) { $0.union($1) }
    guard !all.isEmpty, boxes.count > 1 else { return [] }
    let side = max(1, min(1024, Int(Double(boxes.count).squareRoot())))
    // Multiplications, not divisions (this runs for every box and candidate pair); any monotone cell formula does,
    // as long as the same one places the boxes and the pairs.
    let perX = all.width > 0 ? Double(side) / all.width : 1, perY = all.height > 0 ? Double(side) / all.height : 1
    func column(_ x: Double) -> Int { min(side - 1, max(0, Int((x - all.minX) * perX))) }
    func row(_ y: Double) -> Int { min(side - 1, max(0, Int((y - all.minY) * perY))) }
    var start = [Int](repeating: 0, count: side * side + 1)
    for b in boxes where !b.isEmpty {
        for r in row(b.minY)...row(b.maxY) { for c in column(b.minX)...column(b.maxX) { start[r * side + c + 1] += 1 } }
    }
    for k in 0..<(side * side) { start[k + 1] += start[k] }
    var fill = start
    var members = [Int32](repeating: 0, count: start[side * side])
    for (i, b) in boxes.enumerated() where !b.isEmpty {
        for r in row(b.minY)...row(b.maxY) {
            for c in column(b.minX)...column(b.maxX) { members[fill[r * side + c]] = Int32(i); fill[r * side + c] += 1 }
        }
    }
    var pairs: [(Int, Int)] = []
    for cell in 0..<(side * side) {
        let list = members[start[cell]..<start[cell + 1]]
        for (k, i32) in list.enumerated() {
            let a = boxes[Int(i32)]
            for j32 in list.dropFirst(k + 1) {
                let b = boxes[Int(j32)]
                guard a.minX < b.maxX && b.minX < a.maxX && a.minY < b.maxY && b.minY < a.maxY else { continue }
                if row(max(a.minY, b.minY)) * side + column(max(a.minX, b.minX)) == cell {
                    pairs.append((Int(min(i32, j32)), Int(max(i32, j32))))
                }
            }
        }
    }
    return pairs
}
