import Dispatch

extension KernelDensity {
    /// The binned evaluation (`Method.binned`): points spread onto the pixel-centre lattice by linear binning,
    /// then the lattice convolved with the kernel sampled at whole-pixel offsets.
    ///
    /// The convolution is exact on the bins and costs O(pixels · R) however many points there are. The kernel at
    /// offset (j, d) is (A_d − b·j²)^power with A_d = 1 − b·d², b = 1/R², on |j| ≤ h_d (the half-width of the
    /// disk at row offset d). For one lattice row and a half-width h, the window sums S_k = Σ_{|j|≤h} B[x+j]·j^k
    /// (k even, up to 2·power) grow by one term per h, so one pass over h = 0…R gives every row offset's 1-D
    /// kernel as a combination of the S_k; each is added to the two output rows d above and below.
    static func binned(x: [Double], y: [Double], weights: [Float]?, canvas: MapCanvas, radius: Double,
                       normalisation: Double, power: Int, threads: Int) -> DensityRaster {
        precondition(power == 2 || power == 3, "binned evaluation is for the quartic and triweight kernels")
        let width = canvas.width, height = canvas.height
        let R = radius / canvas.pixelSize, R2 = R * R, b = 1 / R2
        // Row offsets d with d² < R², and for each the largest j with j² + d² < R².
        var widths: [Int] = []
        var d = 0
        while Double(d * d) < R2 {
            var h = Int((R2 - Double(d * d)).squareRoot())
            while h > 0, Double(h * h + d * d) >= R2 { h -= 1 }
            while Double((h + 1) * (h + 1) + d * d) < R2 { h += 1 }
            widths.append(h)
            d += 1
        }
        let halfWidths = widths
        let rowReach = halfWidths.count - 1
        let reach = halfWidths.first ?? 0
        // A margin of lattice nodes around the canvas for points just outside it whose kernels reach in.
        let margin = max(rowReach, reach) + 2
        let gridWidth = width + 2 * margin, gridHeight = height + 2 * margin
        var grid = [Float](repeating: 0, count: gridWidth * gridHeight)
        let minX = canvas.extent.minX, maxY = canvas.extent.maxY, inverse = 1 / canvas.pixelSize
        let anyNegative = weights?.contains { $0 < 0 } ?? false
        // Linear binning: each point's weight goes to the four nearest pixel centres in proportion to
        // (1 − fx)(1 − fy) and so on, which keeps the total weight and the weighted mean position.
        // Added in point order, those additions land all over a lattice of tens of megabytes, a cache miss each.
        // So the points are first sorted by band of lattice rows (a stable counting sort: point order within a
        // band), and then each band's additions stay in cache. Bands are binned even ones first, then odd ones,
        // as a point also adds to the row below, which may be the next band's first. Every node thus gets its
        // additions in an order fixed by the points alone: the same sums for any number of workers.
        let bandRows = 32
        let bandCount = (gridHeight + bandRows - 1) / bandRows
        let chunks = max(1, min(threads, x.count / 65_536 + 1))
        let marginShift = Double(margin) - 0.5, lastX = Double(gridWidth - 1), lastY = Double(gridHeight - 1)
        /// The lattice position of point i and its weight; nil for points skipped or off the lattice.
        @Sendable @inline(__always) func latticePosition(_ i: Int) -> (gx: Double, gy: Double, w: Float)? {
            let w = weights?[i] ?? 1
            guard w != 0, w.isFinite else { return nil }
            let gx = (x[i] - minX) * inverse + marginShift
            let gy = (maxY - y[i]) * inverse + marginShift
            guard gx >= 0, gy >= 0, gx < lastX, gy < lastY else { return nil }
            return (gx, gy, w)
        }
        // Per chunk of points, how many fall in each band; then where each (band, chunk) run starts.
        var starts = [Int](repeating: 0, count: bandCount * chunks + 1)
        starts.withUnsafeMutableBufferPointer { countBuffer in
            let counts = UnsafeSendable(countBuffer)
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                for i in x.count * chunk / chunks..<x.count * (chunk + 1) / chunks {
                    guard let p = latticePosition(i) else { continue }
                    counts.value[Int(p.gy) / bandRows * chunks + chunk + 1] += 1
                }
            }
        }
        for k in 0..<bandCount * chunks { starts[k + 1] += starts[k] }
        let runStarts = starts, binnedCount = starts[bandCount * chunks]
        let sorted = UnsafeMutablePointer<BinnedPoint>.allocate(capacity: max(1, binnedCount))
        defer { sorted.deallocate() }
        let sortedPoints = UnsafeSendable(sorted)
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            var next = (0..<bandCount).map { runStarts[$0 * chunks + chunk] }
            for i in x.count * chunk / chunks..<x.count * (chunk + 1) / chunks {
                guard let p = latticePosition(i) else { continue }
                let ix = Int(p.gx), iy = Int(p.gy)
                let band = iy / bandRows
                sortedPoints.value[next[band]] = BinnedPoint(
                    node: UInt32((iy - band * bandRows) * gridWidth + ix),
                    fx: Float(p.gx - Double(ix)), fy: Float(p.gy - Double(iy)), w: p.w)
                next[band] += 1
            }
        }
        let binners = max(1, min(threads, bandCount / 2))
        grid.withUnsafeMutableBufferPointer { gridBuffer in
            let lattice = UnsafeSendable(gridBuffer.baseAddress!)
            for parity in 0..<2 {
                DispatchQueue.concurrentPerform(iterations: binners) { worker in
                    var band = parity + 2 * worker
                    while band < bandCount {
                        let g = lattice.value + band * bandRows * gridWidth
                        for k in runStarts[band * chunks]..<runStarts[(band + 1) * chunks] {
                            let p = sortedPoints.value[k]
                            let node = Int(p.node)
                            g[node] += p.w * (1 - p.fx) * (1 - p.fy)
                            g[node + 1] += p.w * p.fx * (1 - p.fy)
                            g[node + gridWidth] += p.w * (1 - p.fx) * p.fy
                            g[node + gridWidth + 1] += p.w * p.fx * p.fy
                        }
                        band += 2 * binners
                    }
                }
            }
        }

        // Per row offset d: the 1-D kernel Σ_m coefficient[d][m] · j^(2m), from (A_d − b j²)^power.
        let terms = power + 1
        let nonNegative = !anyNegative
        var kernelCoefficients = [Float](repeating: 0, count: halfWidths.count * terms)
        for d in halfWidths.indices {
            let a = 1 - b * Double(d * d)
            let c: [Double] = power == 2
                ? [a * a, -2 * a * b, b * b]
                : [a * a * a, -3 * a * a * b, 3 * a * b * b, -b * b * b]
            for m in 0..<terms { kernelCoefficients[d * terms + m] = Float(c[m]) }
        }
        let coefficients = kernelCoefficients
        // d in the order their half-widths are reached as h grows.
        let offsetsByHalfWidth = halfWidths.indices.sorted { halfWidths[$0] < halfWidths[$1] }
        let scale = Float(normalisation / (Double.pi * radius * radius) * 1e6)  // per m² → per km²
        let workers = max(1, min(threads, height / 64 + 1))
        var values = [Float](repeating: 0, count: width * height)

        values.withUnsafeMutableBufferPointer { output in
            let out = UnsafeSendable(output)
            grid.withUnsafeBufferPointer { gridBuffer in
                let lattice = UnsafeSendable(gridBuffer)
                DispatchQueue.concurrentPerform(iterations: workers) { worker in
                    // This worker's output rows; it reads every lattice row whose kernels reach them.
                    let firstRow = height * worker / workers, endRow = height * (worker + 1) / workers
                    var sums = [Float](repeating: 0, count: 4 * width)
                    var rowKernel = [Float](repeating: 0, count: width)
                    sums.withUnsafeMutableBufferPointer { sumBuffer in
                        rowKernel.withUnsafeMutableBufferPointer { kernelBuffer in
                            let s = sumBuffer.baseAddress!, kernelRow = kernelBuffer.baseAddress!
                            let base = out.value.baseAddress!, g = lattice.value.baseAddress!
                            for gridRow in max(0, firstRow + margin - rowReach)..<min(gridHeight, endRow + margin + rowReach) {
                                let centreRow = gridRow - margin  // the output row this lattice row sits on
                                let source = g + gridRow * gridWidth + margin
                                // Skip lattice rows with no weight.
                                var any = false
                                for j in -margin..<(width + margin) where source[j] != 0 { any = true; break }
                                guard any else { continue }
                                for k in 0..<terms * width { s[k] = 0 }
                                var next = 0  // into offsetsByHalfWidth
                                let s0 = s, s1 = s + width, s2 = s + 2 * width, s3 = s + 3 * width
                                let vectorEnd = width & ~7
                                for h in 0...reach {
                                    // Add the lattice nodes at ±h to the window sums S_m (weights h^(2m)).
                                    let hh = Float(h * h), hh2 = hh * hh, hh3 = hh2 * hh
                                    if h == 0 {
                                        for col in 0..<width { s0[col] += source[col] }
                                    } else {
                                        var col = 0
                                        while col < vectorEnd {
                                            let e = load8(source + col + h) + load8(source + col - h)
                                            store8(load8(s0 + col) + e, s0 + col)
                                            store8(load8(s1 + col) + e * hh, s1 + col)
                                            store8(load8(s2 + col) + e * hh2, s2 + col)
                                            if terms > 3 { store8(load8(s3 + col) + e * hh3, s3 + col) }
                                            col += 8
                                        }
                                        while col < width {
                                            let e = source[col + h] + source[col - h]
                                            s0[col] += e
                                            s1[col] += e * hh
                                            s2[col] += e * hh2
                                            if terms > 3 { s3[col] += e * hh3 }
                                            col += 1
                                        }
                                    }
                                    // Every row offset whose half-width is h: its 1-D kernel, to rows ±d.
                                    while next < offsetsByHalfWidth.count, halfWidths[offsetsByHalfWidth[next]] == h {
                                        let d = offsetsByHalfWidth[next]
                                        next += 1
                                        let above = centreRow - d, below = centreRow + d
                                        let wantAbove = above >= firstRow && above < endRow
                                        let wantBelow = d > 0 && below >= firstRow && below < endRow
                                        guard wantAbove || wantBelow else { continue }
                                        let c0 = coefficients[d * terms], c1 = coefficients[d * terms + 1]
                                        let c2 = coefficients[d * terms + 2]
                                        let c3 = terms > 3 ? coefficients[d * terms + 3] : 0
                                        // Rows out of this worker's band go to a scratch row.
                                        let up = wantAbove ? base + above * width : kernelRow
                                        let down = wantBelow ? base + below * width : kernelRow
                                        var col = 0
                                        while col < vectorEnd {
                                            var k = load8(s0 + col) * c0 + load8(s1 + col) * c1 + load8(s2 + col) * c2
                                            if terms > 3 { k += load8(s3 + col) * c3 }
                                            store8(load8(up + col) + k, up + col)
                                            if down != up { store8(load8(down + col) + k, down + col) }
                                            col += 8
                                        }
                                        while col < width {
                                            var k = s0[col] * c0 + s1[col] * c1 + s2[col] * c2
                                            if terms > 3 { k += s3[col] * c3 }
                                            up[col] += k
                                            if down != up { down[col] += k }
                                            col += 1
                                        }
                                    }
                                }
                            }
                            // Scale; with no negative weights, what rounding left below zero is zero.
                            for row in firstRow..<endRow {
                                let o = base + row * width
                                for col in 0..<width {
                                    let v = o[col] * scale
                                    o[col] = nonNegative && v < 0 ? 0 : v
                                }
                            }
                        }
                    }
                }
            }
        }
        return DensityRaster(width: width, height: height, values: values)
    }
}

@inline(__always)
private func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
}

@inline(__always)
private func load8(_ p: UnsafeMutablePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
}

@inline(__always)
private func store8(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
}

/// A point on the binning lattice: its lower-left node, counted from the first node of its band of rows (within
/// 32 rows of a lattice a few thousand nodes wide, so 32 bits are plenty), its offsets from that node in nodes,
/// and its weight.
private struct BinnedPoint {
    var node: UInt32
    var fx: Float
    var fy: Float
    var w: Float
}
