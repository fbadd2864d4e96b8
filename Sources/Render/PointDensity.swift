extension KernelDensity {
    /// Kernel density of weighted points at query locations, in incidents per km²: Σᵢ wᵢ K(|q − pᵢ|, radius) · 10⁶,
    /// planar coordinates in metres. What a heat map shows at a place, for ranking cells by density (a cell's value
    /// taken at its centroid) without drawing a raster.
    ///
    /// Points are bucketed in square cells one radius wide, so each query looks at 3 × 3 cells.
    public static func values(atX queryX: [Double], y queryY: [Double], pointsX x: [Double], y: [Double],
                              weights: [Float]? = nil, radius: Double, kernel: Kernel = .quartic) -> [Double] {
        precondition(queryX.count == queryY.count && x.count == y.count && (weights?.count ?? x.count) == x.count,
                     "matching coordinates and weights")
        precondition(radius > 0 && radius.isFinite, "a positive radius")
        let finite = x.indices.filter { x[$0].isFinite && y[$0].isFinite }
        guard let minX = finite.map({ x[$0] }).min(), let minY = finite.map({ y[$0] }).min(),
              let maxX = finite.map({ x[$0] }).max(), let maxY = finite.map({ y[$0] }).max() else {
            return [Double](repeating: 0, count: queryX.count)
        }
        // Buckets at least one radius wide, and no more than about four per point.
        var size = radius
        while ((maxX - minX) / size + 1) * ((maxY - minY) / size + 1) > 4 * Double(finite.count) + 16 { size *= 2 }
        let columns = Int((maxX - minX) / size) + 1, rows = Int((maxY - minY) / size) + 1
        var starts = [Int](repeating: 0, count: columns * rows + 1)
        func bucket(_ px: Double, _ py: Double) -> (Int, Int) {
            (min(max(Int(((px - minX) / size).rounded(.down)), 0), columns - 1),
             min(max(Int(((py - minY) / size).rounded(.down)), 0), rows - 1))
        }
        for i in finite {
            let (c, r) = bucket(x[i], y[i])
            starts[r * columns + c + 1] += 1
        }
        for k in 0..<(columns * rows) { starts[k + 1] += starts[k] }
        var next = starts
        var members = [Int32](repeating: 0, count: finite.count)
        for i in finite {
            let (c, r) = bucket(x[i], y[i])
            members[next[r * columns + c]] = Int32(i)
            next[r * columns + c] += 1
        }
        let r2 = radius * radius
        return zip(queryX, queryY).map { qx, qy in
            guard qx.isFinite, qy.isFinite else { return .nan }
            // Clamped first, so a query far away cannot overflow the integer conversion.
            let cx = Int(min(max((qx - minX) / size, -2), Double(columns) + 1).rounded(.down))
            let cy = Int(min(max((qy - minY) / size, -2), Double(rows) + 1).rounded(.down))
            // Buckets next to the query's own, clamped to the lattice (a query far outside reaches none).
            let rowRange = Swift.stride(from: max(cy - 1, 0), to: min(cy + 2, rows), by: 1)
            let columnRange = Swift.stride(from: max(cx - 1, 0), to: min(cx + 2, columns), by: 1)
            var sum = 0.0
            for row in rowRange {
                for column in columnRange {
                    let b = row * columns + column
                    for k in starts[b]..<starts[b + 1] {
                        let i = Int(members[k])
                        let dx = x[i] - qx, dy = y[i] - qy
                        let u2 = (dx * dx + dy * dy) / r2
                        if u2 < 1 { sum += Double(weights?[i] ?? 1) * kernel.value(u2: u2, radius: radius) }
                    }
                }
            }
            return sum * 1e6
        }
    }
}
