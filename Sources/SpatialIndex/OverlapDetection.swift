import Dispatch
import GeoCore

// Overlap detection: which pairs of input polygons share interior area.
//
// Candidates are pairs whose bounding boxes overlap with positive area. A pair overlaps when, exactly:
//   1. an edge of one properly crosses an edge of the other (interiors of both segments, transversally), or
//   2. a vertex of one lies strictly inside the other (inside and not on its boundary), or
//   3. the midpoint of an edge of one, that edge not lying along a line of the other's edges, lies strictly
//      inside the other (one polygon inscribed in the other with every vertex on its boundary), or
//   4. the two boundaries coincide (every vertex of each on the other's boundary, every edge along the other's).
// Shared edges and vertices of a proper tiling trigger none of these.

/// All edges of one polygon (horizontal ones included), with y bands so point tests scan few edges.
struct Outline {
    var ax: [Double] = [], ay: [Double] = [], bx: [Double] = [], by: [Double] = []
    var vx: [Double] = [], vy: [Double] = []
    var box = BoundingBox.empty
    /// Edges overlapping band k (of `bandCount` equal bands over the box's height).
    var bandStart: [Int] = [0]
    var bandEdges: [Int32] = []
    var bandCount = 1

    init(_ multi: MultiPolygon) {
        for polygon in multi.polygons {
            for ring in polygon.rings {
                let points = ring.points
                let n = points.count
                for i in 0..<n {
                    let a = points[i], b = points[i + 1 < n ? i + 1 : 0]
                    if a == b { continue }
                    ax.append(a.x); ay.append(a.y); bx.append(b.x); by.append(b.y)
                    vx.append(a.x); vy.append(a.y)
                    box.extend(a)
                }
            }
        }
        bandCount = max(1, min(4096, ax.count / 8))
        var counts = [Int](repeating: 0, count: bandCount + 1)
        for e in ax.indices {
            let (b0, b1) = bands(min(ay[e], by[e]), max(ay[e], by[e]))
            for k in b0...b1 { counts[k + 1] += 1 }
        }
        for k in 0..<bandCount { counts[k + 1] += counts[k] }
        bandStart = counts
        var fill = counts
        bandEdges = [Int32](repeating: 0, count: counts[bandCount])
        for e in ax.indices {
            let (b0, b1) = bands(min(ay[e], by[e]), max(ay[e], by[e]))
            for k in b0...b1 { bandEdges[fill[k]] = Int32(e); fill[k] += 1 }
        }
    }

    func band(_ y: Double) -> Int {
        let h = box.height
        guard h > 0 else { return 0 }
        let f = ((y - box.minY) / h * Double(bandCount)).rounded(.down)
        return f < 0 ? 0 : (f >= Double(bandCount) ? bandCount - 1 : Int(f))
    }

    /// Bands a y range touches, widened by one on each side so rounding never drops an edge.
    func bands(_ lo: Double, _ hi: Double) -> (Int, Int) {
        (max(0, band(lo) - 1), min(bandCount - 1, band(hi) + 1))
    }

    /// Is (px, py) exactly on an edge?
    func onBoundary(_ px: Double, _ py: Double) -> Bool {
        guard box.contains(Point(x: px, y: py)) else { return false }
        let k = band(py)
        for e32 in bandEdges[bandStart[k]..<bandStart[k + 1]] {
            let e = Int(e32)
            if min(ax[e], bx[e]) <= px && px <= max(ax[e], bx[e]) && min(ay[e], by[e]) <= py && py <= max(ay[e], by[e])
                && orientationSign(ax[e], ay[e], bx[e], by[e], px, py) == 0 {
                return true
            }
        }
        return false
    }

    /// Is (px, py) inside and not on the boundary? (Even-odd parity with exact orientation.)
    func strictlyContains(_ px: Double, _ py: Double) -> Bool {
        guard box.contains(Point(x: px, y: py)), !onBoundary(px, py) else { return false }
        let k = band(py)
        var inside = false
        for e32 in bandEdges[bandStart[k]..<bandStart[k + 1]] {
            let e = Int(e32)
            let (lx, ly, ux, uy) = ay[e] < by[e] ? (ax[e], ay[e], bx[e], by[e]) : (bx[e], by[e], ax[e], ay[e])
            if ly <= py && py < uy && orientationSign(lx, ly, ux, uy, px, py) > 0 { inside.toggle() }
        }
        return inside
    }

    /// Does edge e of this outline lie along the line of some edge of `other`?
    func isCollinear(edge e: Int, with other: Outline) -> Bool {
        let lo = min(ay[e], by[e]), hi = max(ay[e], by[e])
        let (b0, b1) = other.bands(lo, hi)
        for k in b0...b1 {
            for f32 in other.bandEdges[other.bandStart[k]..<other.bandStart[k + 1]] {
                let f = Int(f32)
                if orientationSign(other.ax[f], other.ay[f], other.bx[f], other.by[f], ax[e], ay[e]) == 0
                    && orientationSign(other.ax[f], other.ay[f], other.bx[f], other.by[f], bx[e], by[e]) == 0 {
                    return true
                }
            }
        }
        return false
    }
}

func findOverlappingPairs(_ edges: EdgeTable, layer: [MultiPolygon], threads: Int) -> [(Int, Int)] {
    let boxes = edges.polygonBoxes
    // Sweep along x for pairs of boxes overlapping with positive area.
    let order = boxes.indices.filter { !boxes[$0].isEmpty }.sorted { boxes[$0].minX < boxes[$1].minX }
    var candidates: [(Int, Int)] = []
    var active: [Int] = []
    for i in order {
        let b = boxes[i]
        active.removeAll { boxes[$0].maxX <= b.minX }
        for j in active {
            let o = boxes[j]
            if o.minY < b.maxY && b.minY < o.maxY && o.minX < b.maxX && b.minX < o.maxX {
                candidates.append((min(i, j), max(i, j)))
            }
        }
        active.append(i)
    }
    guard !candidates.isEmpty else { return [] }
    candidates.sort { $0 < $1 }
    let pairs = candidates
    var involved = [Bool](repeating: false, count: layer.count)
    for (i, j) in candidates { involved[i] = true; involved[j] = true }
    let ids = involved.indices.filter { involved[$0] }
    var outlines = [Outline?](repeating: nil, count: layer.count)
    var built = [Outline?](repeating: nil, count: ids.count)
    let workers = max(1, threads)
    built.withUnsafeMutableBufferPointer { buffer in
        let out = SendablePointer(buffer.baseAddress!)
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            for k in stride(from: w, to: ids.count, by: workers) { out.pointer[k] = Outline(layer[ids[k]]) }
        }
    }
    for (k, id) in ids.enumerated() { outlines[id] = built[k] }
    var overlapping = [Bool](repeating: false, count: candidates.count)
    let table = outlines
    overlapping.withUnsafeMutableBufferPointer { buffer in
        let out = SendablePointer(buffer.baseAddress!)
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            for k in stride(from: w, to: pairs.count, by: workers) {
                let (i, j) = pairs[k]
                if let a = table[i], let b = table[j] { out.pointer[k] = overlaps(a, b) }
            }
        }
    }
    return candidates.indices.filter { overlapping[$0] }.map { candidates[$0] }
}

func overlaps(_ a: Outline, _ b: Outline) -> Bool {
    if properlyCross(a, b) { return true }
    var aOnB = true, bOnA = true
    for v in a.vx.indices {
        if b.strictlyContains(a.vx[v], a.vy[v]) { return true }
        if aOnB && !b.onBoundary(a.vx[v], a.vy[v]) { aOnB = false }
    }
    for v in b.vx.indices {
        if a.strictlyContains(b.vx[v], b.vy[v]) { return true }
        if bOnA && !a.onBoundary(b.vx[v], b.vy[v]) { bOnA = false }
    }
    var allAlong = true
    for (p, q) in [(a, b), (b, a)] {
        for e in p.ax.indices {
            if p.isCollinear(edge: e, with: q) { continue }
            allAlong = false
            if q.strictlyContains((p.ax[e] + p.bx[e]) / 2, (p.ay[e] + p.by[e]) / 2) { return true }
        }
    }
    return aOnB && bOnA && allAlong && !a.ax.isEmpty
}

/// Does any edge of a properly cross any edge of b? A sweep over y with active lists.
func properlyCross(_ a: Outline, _ b: Outline) -> Bool {
    let box = BoundingBox(minX: max(a.box.minX, b.box.minX), minY: max(a.box.minY, b.box.minY),
                          maxX: min(a.box.maxX, b.box.maxX), maxY: min(a.box.maxY, b.box.maxY))
    func inBox(_ o: Outline, _ e: Int) -> Bool {
        !(max(o.ax[e], o.bx[e]) < box.minX || min(o.ax[e], o.bx[e]) > box.maxX
          || max(o.ay[e], o.by[e]) < box.minY || min(o.ay[e], o.by[e]) > box.maxY)
    }
    // Events: (minY, side, edge), sorted by minY.
    var events: [(y: Double, side: Bool, edge: Int)] = []
    for e in a.ax.indices where inBox(a, e) { events.append((min(a.ay[e], a.by[e]), false, e)) }
    for e in b.ax.indices where inBox(b, e) { events.append((min(b.ay[e], b.by[e]), true, e)) }
    events.sort { $0.y < $1.y }
    var activeA: [Int] = [], activeB: [Int] = []
    for event in events {
        let (o, other, otherActive) = event.side ? (b, a, activeA) : (a, b, activeB)
        let e = event.edge
        let (x0, y0, x1, y1) = (o.ax[e], o.ay[e], o.bx[e], o.by[e])
        for f in otherActive where max(other.ay[f], other.by[f]) >= event.y {
            let (u0, v0, u1, v1) = (other.ax[f], other.ay[f], other.bx[f], other.by[f])
            if max(x0, x1) < min(u0, u1) || max(u0, u1) < min(x0, x1) { continue }
            let s1 = orientationSign(x0, y0, x1, y1, u0, v0), s2 = orientationSign(x0, y0, x1, y1, u1, v1)
            guard s1 * s2 < 0 else { continue }
            let s3 = orientationSign(u0, v0, u1, v1, x0, y0), s4 = orientationSign(u0, v0, u1, v1, x1, y1)
            if s3 * s4 < 0 { return true }
        }
        if event.side {
            activeB.removeAll { max(b.ay[$0], b.by[$0]) < event.y }
            activeB.append(e)
        } else {
            activeA.removeAll { max(a.ay[$0], a.by[$0]) < event.y }
            activeA.append(e)
        }
    }
    return false
}
