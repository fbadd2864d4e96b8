import GeoCore
import Stats

extension Neighbours {
    /// Points that are not finite (the centroid of an empty unit) have no neighbours and are no one's neighbour.
    ///
    /// Binary distance-band weights between planar points (metres when projected): j is a neighbour of i when
    /// 0 < |pᵢ − pⱼ| ≤ `threshold`, libpysal's `DistanceBand(binary=True)`. Inclusive at the threshold (scipy's
    /// `sparse_distance_matrix` keeps d ≤ max_distance); two units at the very same point are not neighbours, as in
    /// libpysal, whose sparse matrix drops the zero distance with the diagonal. Units with none are islands.
    ///
    /// Points are bucketed in a grid of cells at least `threshold` wide, so each point looks at 3 × 3 cells.
    public static func distanceBand(points: [Point], threshold: Double) -> SpatialWeights {
        precondition(threshold >= 0 && threshold.isFinite, "a finite threshold of 0 or more")
        let grid = PointGrid(points, cellSize: threshold)
        let limit = threshold * threshold
        return collectRows(unitCount: points.count) { i, _, row in
            let p = points[i]
            guard p.isFinite else { return }
            grid.forEachNear(p, excluding: i) { j in
                let q = points[Int(j)]
                let dx = p.x - q.x, dy = p.y - q.y
                let d2 = dx * dx + dy * dy
                if d2 <= limit && d2 > 0 { row.append(j) }
            }
        }
    }

    /// Binary k-nearest-neighbour weights between planar points, libpysal's `KNN`: each unit's `k` nearest other
    /// points, so not symmetric in general. libpysal leaves ties to scipy's k-d tree ("arbitrarily broken"); here
    /// they are broken by (squared distance, index): at equal distance the unit listed first wins, so the result
    /// does not depend on the search. Needs `k` < the number of points (libpysal fails there too).
    ///
    /// A grid of about two points per cell, searched in rings around each point until the k-th distance is
    /// strictly less than the distance to any unvisited cell.
    public static func nearest(points: [Point], k: Int) -> SpatialWeights {
        precondition(k >= 1 && k < points.count, "k from 1 to the number of points minus 1")
        let grid = PointGrid(points, cellSize: 0)
        return collectRows(unitCount: points.count) { i, _, row in
            let p = points[i]
            guard p.isFinite else { return }
            // The best k so far as (squared distance, index), ascending.
            var best: [(Double, Int32)] = []
            best.reserveCapacity(k + 1)
            let (cx, cy) = grid.cell(of: p)
            var ring = 0
            while true {
                for y in (cy - ring)...(cy + ring) where y >= 0 && y < grid.rows {
                    let onEdge = y == cy - ring || y == cy + ring
                    let step = onEdge ? 1 : max(2 * ring, 1)
                    for x in stride(from: cx - ring, through: cx + ring, by: step) where x >= 0 && x < grid.columns {
                        for j in grid.members(x, y) where Int(j) != i {
                            let q = points[Int(j)]
                            let dx = p.x - q.x, dy = p.y - q.y
                            let candidate = (dx * dx + dy * dy, j)
                            if best.count == k, !(candidate < best[k - 1]) { continue }
                            var at = best.count
                            while at > 0 && candidate < best[at - 1] { at -= 1 }
                            best.insert(candidate, at: at)
                            if best.count > k { best.removeLast() }
                        }
                    }
                }
                let covered = cx - ring <= 0 && cy - ring <= 0 && cx + ring >= grid.columns - 1 && cy + ring >= grid.rows - 1
                if covered { break }
                if best.count == k {
                    // Any point outside the visited block is at least this far away.
                    let reach = min(p.x - (grid.originX + Double(cx - ring) * grid.size),
                                    grid.originX + Double(cx + ring + 1) * grid.size - p.x,
                                    p.y - (grid.originY + Double(cy - ring) * grid.size),
                                    grid.originY + Double(cy + ring + 1) * grid.size - p.y)
                    if reach > 0 && best[k - 1].0 < reach * reach { break }
                }
                ring += 1
            }
            row.append(contentsOf: best.map(\.1))
        }
    }
}

/// Points bucketed into square cells over their bounding box, cells in compressed rows.
struct PointGrid: Sendable {
    let originX: Double, originY: Double, size: Double
    let columns: Int, rows: Int
    let starts: [Int]
    let items: [Int32]

    /// Cells `cellSize` wide, or wider where that would make more than about two cells per point (also the size
    /// when `cellSize` is 0).
    init(_ points: [Point], cellSize: Double) {
        let box = BoundingBox(points)
        let width = max(box.width, 0), height = max(box.height, 0)
        let area = max(width * height, 1e-300)
        var size = max(cellSize, (area / Double(max(points.count, 1)) * 2).squareRoot())
        if !(size > 0) || !size.isFinite { size = max(width, height, 1) }
        // Degenerate layouts (all points on one line) would make a long thin strip of cells: cap the count.
        while (width / size + 1) * (height / size + 1) > 4 * Double(max(points.count, 1)) + 16 { size *= 2 }
        originX = box.isEmpty ? 0 : box.minX
        originY = box.isEmpty ? 0 : box.minY
        self.size = size
        columns = Int(width / size) + 1
        rows = Int(height / size) + 1
        var starts = [Int](repeating: 0, count: columns * rows + 1)
        var cells = [Int](repeating: -1, count: points.count)
        for (i, p) in points.enumerated() where p.isFinite {
            let x = min(max(Int((p.x - originX) / size), 0), columns - 1)
            let y = min(max(Int((p.y - originY) / size), 0), rows - 1)
            cells[i] = y * columns + x
            starts[cells[i] + 1] += 1
        }
        for c in 0..<(columns * rows) { starts[c + 1] += starts[c] }
        var next = starts
        var items = [Int32](repeating: 0, count: starts[columns * rows])
        for (i, c) in cells.enumerated() where c >= 0 {
            items[next[c]] = Int32(i)
            next[c] += 1
        }
        self.starts = starts
        self.items = items
    }

    func cell(of p: Point) -> (Int, Int) {
        (min(max(Int((p.x - originX) / size), 0), columns - 1), min(max(Int((p.y - originY) / size), 0), rows - 1))
    }

    /// Every point in the 3 × 3 cells around `p` except point `i`: all within one cell width of `p`, and more.
    @inline(__always)
    func forEachNear(_ p: Point, excluding i: Int, _ body: (Int32) -> Void) {
        let (cx, cy) = cell(of: p)
        for y in max(cy - 1, 0)...min(cy + 1, rows - 1) {
            for x in max(cx - 1, 0)...min(cx + 1, columns - 1) {
                for j in members(x, y) where Int(j) != i { body(j) }
            }
        }
    }

    func members(_ x: Int, _ y: Int) -> ArraySlice<Int32> {
        let c = y * columns + x
        return items[starts[c]..<starts[c + 1]]
    }
}
