import GeoCore

/// The test oracle: a brute-force point-in-polygon with exact integer orientation, sharing no code with
/// the index. Coordinates must be multiples of 2⁻⁴⁸ below 128 in magnitude (any double in [16, 128), so
/// lon/lat in China qualify); they are scaled to exact integers and orientations computed in Int128.
struct ExactOracle {
    struct Edge { var ax, ay, bx, by: Int128 }

    /// Edges per polygon and the polygon's box (in scaled integers).
    var polygonEdges: [[Edge]] = []
    var boxes: [(minX: Int128, minY: Int128, maxX: Int128, maxY: Int128)] = []
    /// A coarse bucket grid of polygon boxes, so the brute force stays fast enough for debug builds.
    var bucketPolygons: [[Int]] = []
    var bucketSide = 1
    var bounds: (minX: Int128, minY: Int128, maxX: Int128, maxY: Int128) = (0, 0, 0, 0)

    static let scale = 0x1p48

    static func exact(_ v: Double) -> Int128 {
        let s = v * scale
        precondition(abs(v) < 128 && s.rounded() == s, "oracle needs multiples of 2^-48 below 128, got \(v)")
        return Int128(s)
    }

    static func orient(_ ax: Int128, _ ay: Int128, _ bx: Int128, _ by: Int128, _ cx: Int128, _ cy: Int128) -> Int {
        let d = (ax - cx) * (by - cy) - (ay - cy) * (bx - cx)
        return d > 0 ? 1 : (d < 0 ? -1 : 0)
    }

    init(_ layer: [MultiPolygon]) {
        var all: (minX: Int128, minY: Int128, maxX: Int128, maxY: Int128)? = nil
        for multi in layer {
            var edges: [Edge] = []
            var box: (minX: Int128, minY: Int128, maxX: Int128, maxY: Int128)? = nil
            for polygon in multi.polygons {
                for ring in [polygon.exterior] + polygon.holes {
                    let pts = ring.points.map { (Self.exact($0.x), Self.exact($0.y)) }
                    for (i, p) in pts.enumerated() {
                        let q = pts[(i + 1) % pts.count]
                        if p != q { edges.append(Edge(ax: p.0, ay: p.1, bx: q.0, by: q.1)) }
                        if let b = box { box = (min(b.minX, p.0), min(b.minY, p.1), max(b.maxX, p.0), max(b.maxY, p.1)) }
                        else { box = (p.0, p.1, p.0, p.1) }
                    }
                }
            }
            let b = box ?? (1, 1, 0, 0)
            polygonEdges.append(edges)
            boxes.append(b)
            if box != nil {
                if let a = all { all = (min(a.minX, b.minX), min(a.minY, b.minY), max(a.maxX, b.maxX), max(a.maxY, b.maxY)) }
                else { all = b }
            }
        }
        bounds = all ?? (0, 0, 1, 1)
        bucketSide = max(1, min(256, Int(Double(layer.count).squareRoot())))
        bucketPolygons = Array(repeating: [], count: bucketSide * bucketSide)
        for (p, b) in boxes.enumerated() where b.minX <= b.maxX {
            let (c0, r0) = bucket(b.minX, b.minY), (c1, r1) = bucket(b.maxX, b.maxY)
            for r in r0...r1 { for c in c0...c1 { bucketPolygons[r * bucketSide + c].append(p) } }
        }
    }

    func bucket(_ x: Int128, _ y: Int128) -> (Int, Int) {
        func index(_ v: Int128, _ lo: Int128, _ hi: Int128) -> Int {
            guard hi > lo else { return 0 }
            return min(bucketSide - 1, max(0, Int((v - lo) * Int128(bucketSide) / (hi - lo + 1))))
        }
        return (index(x, bounds.minX, bounds.maxX), index(y, bounds.minY, bounds.maxY))
    }

    func candidates(_ x: Int128, _ y: Int128) -> [Int] {
        guard x >= bounds.minX && x <= bounds.maxX && y >= bounds.minY && y <= bounds.maxY else { return [] }
        let (c, r) = bucket(x, y)
        return bucketPolygons[r * bucketSide + c].filter {
            let b = boxes[$0]
            return x >= b.minX && x <= b.maxX && y >= b.minY && y <= b.maxY
        }
    }

    /// The half-open crossing rule (PNPOLY) for polygon p, exactly.
    func halfOpenInside(_ p: Int, _ x: Int128, _ y: Int128) -> Bool {
        var inside = false
        for e in polygonEdges[p] where e.ay != e.by {
            let (lx, ly, ux, uy) = e.ay < e.by ? (e.ax, e.ay, e.bx, e.by) : (e.bx, e.by, e.ax, e.ay)
            if ly <= y && y < uy && Self.orient(lx, ly, ux, uy, x, y) > 0 { inside.toggle() }
        }
        return inside
    }

    /// Is the point exactly on polygon p's boundary?
    func onBoundary(_ p: Int, _ x: Int128, _ y: Int128) -> Bool {
        polygonEdges[p].contains { e in
            min(e.ax, e.bx) <= x && x <= max(e.ax, e.bx) && min(e.ay, e.by) <= y && y <= max(e.ay, e.by)
                && Self.orient(e.ax, e.ay, e.bx, e.by, x, y) == 0
        }
    }

    /// Winding number of polygon p around a point not on its boundary (exterior and holes add up).
    func winding(_ p: Int, _ x: Int128, _ y: Int128) -> Int {
        var w = 0
        for e in polygonEdges[p] {
            if e.ay <= y {
                if e.by > y && Self.orient(e.ax, e.ay, e.bx, e.by, x, y) > 0 { w += 1 }
            } else if e.by <= y && Self.orient(e.ax, e.ay, e.bx, e.by, x, y) < 0 {
                w -= 1
            }
        }
        return w
    }

    /// What the index must answer: the lowest polygon whose half-open parity holds the point, or -1.
    func expected(_ point: Point) -> Int32 {
        guard point.isFinite, abs(point.x) < 128, abs(point.y) < 128 else { return -1 }
        let x = Self.exact(point.x), y = Self.exact(point.y)
        return Int32(candidates(x, y).sorted().first { halfOpenInside($0, x, y) } ?? -1)
    }

    /// Every polygon whose half-open parity holds the point, ascending.
    func allHalfOpen(_ point: Point) -> [Int] {
        let x = Self.exact(point.x), y = Self.exact(point.y)
        return candidates(x, y).sorted().filter { halfOpenInside($0, x, y) }
    }

    /// Containment the way GEOS sees it, for points on no boundary: nil if the point is on some boundary,
    /// else the lowest polygon with a nonzero winding number (or -1).
    func interiorContainment(_ point: Point) -> Int32? {
        let x = Self.exact(point.x), y = Self.exact(point.y)
        let near = candidates(x, y).sorted()
        if near.contains(where: { onBoundary($0, x, y) }) { return nil }
        return Int32(near.first { winding($0, x, y) != 0 } ?? -1)
    }
}

