import GeoCore

/// Filling and stroking polygons given in pixel coordinates (x right, y down, (0,0) the top-left corner).
extension RGBAImage {
    /// Fills the area inside `rings` by the even-odd rule (so holes stay empty), sampling pixel centres.
    public mutating func fill(rings: [[Point]], color: RGBA) {
        var crossings: [Double] = []
        let ys = rings.flatMap { $0.map(\.y) }
        guard let minY = ys.min(), let maxY = ys.max() else { return }
        let rowLow = max(0, Int(minY.rounded(.down))), rowHigh = min(height - 1, Int(maxY.rounded(.up)))
        guard rowLow <= rowHigh else { return }
        for row in rowLow...rowHigh {
            let cy = Double(row) + 0.5
            crossings.removeAll(keepingCapacity: true)
            for ring in rings where ring.count >= 2 {
                var a = ring[ring.count - 1]
                for b in ring {
                    // Half-open in y so a vertex on the scanline counts once.
                    if (a.y <= cy) != (b.y <= cy) {
                        crossings.append(a.x + (cy - a.y) / (b.y - a.y) * (b.x - a.x))
                    }
                    a = b
                }
            }
            crossings.sort()
            var k = 0
            while k + 1 < crossings.count {
                let colLow = max(0, Int((crossings[k] - 0.5).rounded(.up)))
                let colHigh = min(width - 1, Int((crossings[k + 1] - 0.5).rounded(.down)))
                if colLow <= colHigh {
                    for col in colLow...colHigh { blend(x: col, y: row, color) }
                }
                k += 2
            }
        }
    }

    /// Strokes a polyline `lineWidth` pixels wide with anti-aliased edges: each pixel near the line is
    /// covered by how far its centre lies inside the stroke, within a one-pixel ramp.
    public mutating func stroke(_ points: [Point], lineWidth: Double, color: RGBA) {
        guard points.count >= 2 else { return }
        let half = lineWidth / 2
        var touched: [Int] = []
        // Accumulate the maximum coverage per pixel first, so joints between segments are not blended twice.
        var coverageByPixel: [Int: Float] = [:]
        for i in 0..<(points.count - 1) {
            let a = points[i], b = points[i + 1]
            let minX = max(0, Int((min(a.x, b.x) - half - 1).rounded(.down)))
            let maxX = min(width - 1, Int((max(a.x, b.x) + half + 1).rounded(.up)))
            let minY = max(0, Int((min(a.y, b.y) - half - 1).rounded(.down)))
            let maxY = min(height - 1, Int((max(a.y, b.y) + half + 1).rounded(.up)))
            guard minX <= maxX, minY <= maxY else { continue }
            let dx = b.x - a.x, dy = b.y - a.y
            let lengthSquared = dx * dx + dy * dy
            for y in minY...maxY {
                for x in minX...maxX {
                    let px = Double(x) + 0.5, py = Double(y) + 0.5
                    let t = lengthSquared > 0 ? min(1, max(0, ((px - a.x) * dx + (py - a.y) * dy) / lengthSquared)) : 0
                    let ex = a.x + t * dx - px, ey = a.y + t * dy - py
                    let c = Float(min(1, max(0, half + 0.5 - (ex * ex + ey * ey).squareRoot())))
                    guard c > 0 else { continue }
                    let key = y * width + x
                    if let old = coverageByPixel[key] {
                        if c > old { coverageByPixel[key] = c }
                    } else {
                        coverageByPixel[key] = c
                        touched.append(key)
                    }
                }
            }
        }
        touched.sort()
        for key in touched {
            blend(x: key % width, y: key / width, color.withCoverage(Double(coverageByPixel[key]!)))
        }
    }
}
