import Foundation
import GeoCore
import Parallel
import Projection
import Stats

extension Neighbours {
    /// Contiguity that also joins polygons whose boundaries come within `snap` metres of each other, measured in
    /// `projection` (usually `projection(for:)`), because official district and community layers are digitised
    /// separately and rarely share identical vertices. Every pair the exact rule joins stays joined; `snap` 0 is
    /// the exact rule.
    ///
    /// - Queen: some point of one boundary lies within `snap` of the other boundary (segment-to-segment distance,
    ///   0 where they cross).
    /// - Rook: each boundary runs within `snap` of the other for more than `3 × snap` in total length (measured
    ///   along its own segments). Boundaries that meet only at a corner at right angles are within `snap` for
    ///   `snap` on either side of it, `2 × snap`; the extra `snap` is a shared stretch at least `snap` long. (Very
    ///   acute corner contacts run close for longer and can count as a stretch; they are near-parallel boundaries.)
    ///
    /// Rings' segments are bucketed in a grid of cells at least `snap` wide, each segment in the cells its box
    /// widened by snap / 2 touches, so segments within `snap` share a cell; only segment pairs of different units
    /// in a cell are measured.
    public static func contiguity(_ polygons: [MultiPolygon], _ rule: Contiguity, snap: Double,
                                  projection: TransverseMercator) -> SpatialWeights {
        precondition(snap >= 0 && snap.isFinite, "snap in metres, 0 or more")
        let exact = contiguity(polygons, rule)
        if snap == 0 || polygons.count < 2 { return exact }
        let segments = Segments(polygons, projection: projection)
        let grid = SegmentGrid(segments, reach: snap)
        let pairs: [(Int32, Int32)]
        switch rule {
        case .queen: pairs = closePairs(segments, grid, snap: snap)
        case .rook: pairs = stretchPairs(segments, grid, snap: snap)
        }
        var lists = (0..<polygons.count).map { exact.neighbours(of: $0).map { Int($0) } }
        for (i, j) in pairs {
            lists[Int(i)].append(Int(j))
            lists[Int(j)].append(Int(i))
        }
        for u in lists.indices { lists[u] = Array(Set(lists[u])) }
        return SpatialWeights(neighbours: lists)
    }

    /// Unit pairs (i < j) with some segment pair within `snap`.
    static func closePairs(_ segments: Segments, _ grid: SegmentGrid, snap: Double) -> [(Int32, Int32)] {
        let limit = snap * snap
        let parts = min(grid.cellCount, 4 * ProcessInfo.processInfo.activeProcessorCount)
        var found = Set<UInt64>()
        for piece in Parallel.map(parts, { part -> Set<UInt64> in
            var pairs = Set<UInt64>()
            for cell in Parallel.part(part, of: grid.cellCount, parts: parts) {
                let members = grid.members(cell)
                for m in members.indices {
                    let s = Int(members[m])
                    for f in members[(m + 1)...] {
                        let f = Int(f)
                        var i = segments.unit[s], j = segments.unit[f]
                        if i == j { continue }
                        if i > j { swap(&i, &j) }
                        let key = UInt64(UInt32(i)) << 32 | UInt64(UInt32(j))
                        if pairs.contains(key) { continue }
                        if segments.squaredDistance(s, f) <= limit { pairs.insert(key) }
                    }
                }
            }
            return pairs
        }) { found.formUnion(piece) }
        return found.map { (Int32(truncatingIfNeeded: $0 >> 32), Int32(truncatingIfNeeded: $0 & 0xFFFF_FFFF)) }
    }

    /// Unit pairs (i < j) whose boundaries run within `snap` of each other for more than 3 × snap, both ways.
    static func stretchPairs(_ segments: Segments, _ grid: SegmentGrid, snap: Double) -> [(Int32, Int32)] {
        struct Piece { var unit: Int32; var other: Int32; var segment: Int32; var from: Double; var to: Double }
        let parts = min(grid.cellCount, 4 * ProcessInfo.processInfo.activeProcessorCount)
        var pieces = Parallel.map(parts) { part -> [Piece] in
            var pieces: [Piece] = []
            for cell in Parallel.part(part, of: grid.cellCount, parts: parts) {
                let members = grid.members(cell)
                for m in members.indices {
                    for n in members.indices where n != m {
                        let s = Int(members[m]), f = Int(members[n])
                        let i = segments.unit[s], j = segments.unit[f]
                        if i == j { continue }
                        if let (from, to) = segments.stretch(of: s, within: snap, of: f) {
                            pieces.append(Piece(unit: i, other: j, segment: Int32(s), from: from, to: to))
                        }
                    }
                }
            }
            return pieces
        }.flatMap { $0 }
        pieces.sort { ($0.unit, $0.other, $0.segment, $0.from) < ($1.unit, $1.other, $1.segment, $1.from) }
        // Length of each unit's boundary near each other unit: intervals on a segment merged, then summed.
        var lengths: [UInt64: Double] = [:]
        var k = 0
        while k < pieces.count {
            let first = pieces[k]
            var total = 0.0
            var from = first.from, to = first.to
            k += 1
            while k < pieces.count, pieces[k].unit == first.unit, pieces[k].other == first.other,
                  pieces[k].segment == first.segment {
                if pieces[k].from > to {
                    total += to - from
                    from = pieces[k].from
                }
                to = max(to, pieces[k].to)
                k += 1
            }
            total += to - from
            let key = UInt64(UInt32(first.unit)) << 32 | UInt64(UInt32(first.other))
            lengths[key, default: 0] += total * segments.length(Int(first.segment))
        }
        var pairs: [(Int32, Int32)] = []
        for (key, length) in lengths {
            let i = Int32(truncatingIfNeeded: key >> 32), j = Int32(truncatingIfNeeded: key & 0xFFFF_FFFF)
            guard i < j, length > 3 * snap else { continue }
            let back = UInt64(UInt32(j)) << 32 | UInt64(UInt32(i))
            if let other = lengths[back], other > 3 * snap { pairs.append((i, j)) }
        }
        return pairs
    }
}

/// Every ring segment of every unit, projected, in flat arrays.
struct Segments: Sendable {
    var ax: [Double] = [], ay: [Double] = [], bx: [Double] = [], by: [Double] = []
    var unit: [Int32] = []

    init(_ polygons: [MultiPolygon], projection: TransverseMercator) {
        let parts = polygons.count < 256 ? 1 : min(polygons.count / 64, 4 * ProcessInfo.processInfo.activeProcessorCount)
        let pieces = Parallel.map(parts) { part -> [(Int32, Point, Point)] in
            var out: [(Int32, Point, Point)] = []
            for u in Parallel.part(part, of: polygons.count, parts: parts) {
                for polygon in polygons[u].polygons {
                    for ring in [polygon.exterior] + polygon.holes {
                        let points = ring.points.map(projection.forward)
                        for k in 0..<max(points.count - 1, 0) where points[k] != points[k + 1] {
                            out.append((Int32(u), points[k], points[k + 1]))
                        }
                    }
                }
            }
            return out
        }
        for piece in pieces {
            for (u, a, b) in piece {
                ax.append(a.x); ay.append(a.y); bx.append(b.x); by.append(b.y); unit.append(u)
            }
        }
    }

    var count: Int { unit.count }

    func length(_ s: Int) -> Double { ((bx[s] - ax[s]) * (bx[s] - ax[s]) + (by[s] - ay[s]) * (by[s] - ay[s])).squareRoot() }

    /// Squared distance between segments s and f: 0 when they cross or touch, else the least endpoint-to-segment
    /// distance (where two segments that do not cross come closest).
    func squaredDistance(_ s: Int, _ f: Int) -> Double {
        let a = Point(x: ax[s], y: ay[s]), b = Point(x: bx[s], y: by[s])
        let c = Point(x: ax[f], y: ay[f]), d = Point(x: bx[f], y: by[f])
        if Self.cross(a, b, c, d) { return 0 }
        return min(Self.squaredDistance(a, c, d), Self.squaredDistance(b, c, d),
                   Self.squaredDistance(c, a, b), Self.squaredDistance(d, a, b))
    }

    /// The part of segment s, as parameters from..<to of 0...1, lying within `r` of segment f; nil when none.
    /// The points within r of a segment form a capsule (a rectangle and two discs), which is convex, so the part is
    /// one interval: the hull of the intervals cut by the rectangle and by each disc.
    func stretch(of s: Int, within r: Double, of f: Int) -> (Double, Double)? {
        let ux = bx[s] - ax[s], uy = by[s] - ay[s]
        let uu = ux * ux + uy * uy
        guard uu > 0 else { return nil }
        var low = Double.infinity, high = -Double.infinity
        func take(_ interval: (Double, Double)?) {
            guard let (l, h) = interval, l <= h else { return }
            low = min(low, l)
            high = max(high, h)
        }
        // Discs at f's ends: |a + t u − c|² ≤ r².
        for (cx, cy) in [(ax[f], ay[f]), (bx[f], by[f])] {
            let wx = ax[s] - cx, wy = ay[s] - cy
            let half = ux * wx + uy * wy
            let constant = wx * wx + wy * wy - r * r
            let discriminant = half * half - uu * constant
            if discriminant >= 0 {
                let root = discriminant.squareRoot()
                take(((-half - root) / uu, (-half + root) / uu))
            }
        }
        // The rectangle: projection on f within f, distance from f's line within r; each bound linear in t.
        let vx = bx[f] - ax[f], vy = by[f] - ay[f]
        let vv = vx * vx + vy * vy
        if vv > 0 {
            let wx = ax[s] - ax[f], wy = ay[s] - ay[f]
            var interval: (Double, Double)? = (-Double.infinity, Double.infinity)
            // along(t) = (w + t u)·v ∈ [0, vv]; across(t) = (w + t u)×v ∈ [−r|v|, r|v|].
            let reach = r * vv.squareRoot()
            for (start, slope, lower, upper) in [(wx * vx + wy * vy, ux * vx + uy * vy, 0.0, vv),
                                                  (wx * vy - wy * vx, ux * vy - uy * vx, -reach, reach)] {
                guard let current = interval else { break }
                if slope == 0 {
                    if start < lower || start > upper { interval = nil }
                } else {
                    let t1 = (lower - start) / slope, t2 = (upper - start) / slope
                    let l = max(current.0, min(t1, t2)), h = min(current.1, max(t1, t2))
                    interval = l <= h ? (l, h) : nil
                }
            }
            take(interval)
        }
        let from = max(low, 0), to = min(high, 1)
        return from < to ? (from, to) : nil
    }

    private static func squaredDistance(_ p: Point, _ a: Point, _ b: Point) -> Double {
        let vx = b.x - a.x, vy = b.y - a.y
        let vv = vx * vx + vy * vy
        var t = vv > 0 ? ((p.x - a.x) * vx + (p.y - a.y) * vy) / vv : 0
        t = min(max(t, 0), 1)
        let dx = a.x + t * vx - p.x, dy = a.y + t * vy - p.y
        return dx * dx + dy * dy
    }

    /// Whether segments ab and cd share a point (orientation signs; collinear overlaps by their boxes).
    private static func cross(_ a: Point, _ b: Point, _ c: Point, _ d: Point) -> Bool {
        func orient(_ p: Point, _ q: Point, _ r: Point) -> Double { (q.x - p.x) * (r.y - p.y) - (q.y - p.y) * (r.x - p.x) }
        func within(_ p: Point, _ q: Point, _ r: Point) -> Bool {
            min(p.x, q.x) <= r.x && r.x <= max(p.x, q.x) && min(p.y, q.y) <= r.y && r.y <= max(p.y, q.y)
        }
        let d1 = orient(c, d, a), d2 = orient(c, d, b), d3 = orient(a, b, c), d4 = orient(a, b, d)
        if ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)) { return true }
        return (d1 == 0 && within(c, d, a)) || (d2 == 0 && within(c, d, b))
            || (d3 == 0 && within(a, b, c)) || (d4 == 0 && within(a, b, d))
    }
}

/// Segments bucketed into square cells, each in every cell its box widened by reach / 2 touches.
struct SegmentGrid: Sendable {
    let cellCount: Int
    let starts: [Int]
    let items: [Int32]

    init(_ segments: Segments, reach: Double) {
        var box = BoundingBox.empty
        for s in 0..<segments.count {
            box.extend(Point(x: segments.ax[s], y: segments.ay[s]))
            box.extend(Point(x: segments.bx[s], y: segments.by[s]))
        }
        let pad = reach / 2
        let width = box.width + reach, height = box.height + reach
        var size = max(reach, (width * height / Double(max(segments.count, 1))).squareRoot())
        while (width / size + 1) * (height / size + 1) > 4 * Double(max(segments.count, 1)) + 16 { size *= 2 }
        let columns = Int(width / size) + 1, rows = Int(height / size) + 1
        let originX = box.minX - pad, originY = box.minY - pad
        func span(_ s: Int) -> (Int, Int, Int, Int) {
            let x0 = Int((min(segments.ax[s], segments.bx[s]) - pad - originX) / size)
            let x1 = Int((max(segments.ax[s], segments.bx[s]) + pad - originX) / size)
            let y0 = Int((min(segments.ay[s], segments.by[s]) - pad - originY) / size)
            let y1 = Int((max(segments.ay[s], segments.by[s]) + pad - originY) / size)
            return (max(x0, 0), min(x1, columns - 1), max(y0, 0), min(y1, rows - 1))
        }
        cellCount = columns * rows
        var starts = [Int](repeating: 0, count: cellCount + 1)
        for s in 0..<segments.count {
            let (x0, x1, y0, y1) = span(s)
            for y in y0...y1 { for x in x0...x1 { starts[y * columns + x + 1] += 1 } }
        }
        for c in 0..<cellCount { starts[c + 1] += starts[c] }
        var next = starts
        var items = [Int32](repeating: 0, count: starts[cellCount])
        for s in 0..<segments.count {
            let (x0, x1, y0, y1) = span(s)
            for y in y0...y1 {
                for x in x0...x1 {
                    items[next[y * columns + x]] = Int32(s)
                    next[y * columns + x] += 1
                }
            }
        }
        self.starts = starts
        self.items = items
    }

    func members(_ cell: Int) -> ArraySlice<Int32> { items[starts[cell]..<starts[cell + 1]] }
}
