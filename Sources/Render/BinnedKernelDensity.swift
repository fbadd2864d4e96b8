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
        // The last column strip of the convolution reads up to 7 nodes past the canvas plus the reach.
        let margin = max(rowReach, reach) + 8
        let gridWidth = width + 2 * margin, gridHeight = height + 2 * margin
        var grid = [Float](repeating: 0, count: gridWidth * gridHeight)
        let minX = canvas.extent.minX, maxY = canvas.extent.maxY, inverse = 1 / canvas.pixelSize
        let anyNegative = weights?.contains { $0 < 0 } ?? false
        // Linear binning: each point's weight goes to the four nearest pixel centres in proportion to
        // (1 − fx)(1 − fy) and so on, which keeps the total weight and the weighted mean position. Each worker
        // owns a band of lattice rows and adds, in point order, only into its rows: the same sums for any
        // number of workers.
        let binners = max(1, min(threads, gridHeight / 64 + 1))
        grid.withUnsafeMutableBufferPointer { gridBuffer in
            let shared = UnsafeSendable(gridBuffer)
            DispatchQueue.concurrentPerform(iterations: binners) { worker in
                let g = shared.value
                let rowLow = gridHeight * worker / binners, rowEnd = gridHeight * (worker + 1) / binners
                for i in x.indices {
                    let w = weights?[i] ?? 1
                    guard w != 0, w.isFinite else { continue }
                    let gx = (x[i] - minX) * inverse - 0.5 + Double(margin)
                    let gy = (maxY - y[i]) * inverse - 0.5 + Double(margin)
                    guard gx >= 0, gy >= 0, gx < Double(gridWidth - 1), gy < Double(gridHeight - 1) else { continue }
                    let iy = Int(gy)
                    guard iy + 1 >= rowLow, iy < rowEnd else { continue }
                    let ix = Int(gx)
                    let fx = Float(gx - Double(ix)), fy = Float(gy - Double(iy))
                    let k = iy * gridWidth + ix
                    if iy >= rowLow {
                        g[k] += w * (1 - fx) * (1 - fy)
                        g[k + 1] += w * fx * (1 - fy)
                    }
                    if iy + 1 < rowEnd {
                        g[k + gridWidth] += w * (1 - fx) * fy
                        g[k + gridWidth + 1] += w * fx * fy
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
        // The row offsets d in the order their half-widths are reached as h grows, each with its coefficients.
        let offsetsByHalfWidth = halfWidths.indices.sorted { halfWidths[$0] < halfWidths[$1] }
        let slotHalfWidths = offsetsByHalfWidth.map { halfWidths[$0] }
        let slotCoefficients = offsetsByHalfWidth.map { d in
            SIMD4<Float>((0..<4).map { m in m < terms ? coefficients[d * terms + m] : 0 })
        }
        // h², h⁴, h⁶: the weights of the lattice nodes at ±h in the window sums S_1, S_2, S_3.
        let powers = (0...reach).map { h -> SIMD4<Float> in
            let hh = Float(h * h)
            return SIMD4(hh, hh * hh, hh * hh * hh, 0)
        }
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
                    let base = out.value.baseAddress!, g = lattice.value.baseAddress!
                    // Per slot (row offset d), the output rows d above and below the lattice row, nil when
                    // outside this worker's band (or below for d = 0).
                    var targets = [UnsafeMutablePointer<Float>?](repeating: nil, count: 2 * offsetsByHalfWidth.count)
                    for gridRow in max(0, firstRow + margin - rowReach)..<min(gridHeight, endRow + margin + rowReach) {
                        let centreRow = gridRow - margin  // the output row this lattice row sits on
                        let source = g + gridRow * gridWidth + margin
                        // Skip lattice rows with no weight.
                        var any = false
                        for j in -margin..<(width + margin) where source[j] != 0 { any = true; break }
                        guard any else { continue }
                        for (slot, d) in offsetsByHalfWidth.enumerated() {
                            let above = centreRow - d, below = centreRow + d
                            targets[2 * slot] = above >= firstRow && above < endRow ? base + above * width : nil
                            targets[2 * slot + 1] = d > 0 && below >= firstRow && below < endRow
                                ? base + below * width : nil
                        }
                        targets.withUnsafeBufferPointer { rowTargets in
                            slotHalfWidths.withUnsafeBufferPointer { halfWidthOfSlot in
                                slotCoefficients.withUnsafeBufferPointer { coefficientsOfSlot in
                                    powers.withUnsafeBufferPointer { powerOfH in
                                        let row = KernelRow(source: source, width: width, reach: reach,
                                                            halfWidths: halfWidthOfSlot.baseAddress!,
                                                            coefficients: coefficientsOfSlot.baseAddress!,
                                                            powers: powerOfH.baseAddress!,
                                                            targets: rowTargets.baseAddress!,
                                                            slotCount: slotHalfWidths.count)
                                        if terms > 3 { row.add(cubic: true) } else { row.add(cubic: false) }
                                    }
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
        return DensityRaster(width: width, height: height, values: values)
    }
}

/// One lattice row's contribution to the output rows around it, eight columns at a time: for a strip of columns
/// the window sums S_0…S_3 stay in registers while h grows, and each row offset's 1-D kernel is added straight
/// into its output rows when h reaches its half-width. The additions come in the same order as a pass over whole
/// rows would make them, so the surface does not depend on the strip width.
private struct KernelRow {
    /// The lattice row at output column 0; at least `reach` + 7 readable nodes either side of the canvas.
    let source: UnsafePointer<Float>
    let width: Int
    let reach: Int
    /// Per slot (row offset, in order of half-width): its half-width, its kernel's coefficients of j⁰…j⁶ and
    /// its output rows above and below (`targets[2 · slot]`, `targets[2 · slot + 1]`; nil when not wanted).
    let halfWidths: UnsafePointer<Int>
    let coefficients: UnsafePointer<SIMD4<Float>>
    /// h², h⁴, h⁶ for h in 0...reach.
    let powers: UnsafePointer<SIMD4<Float>>
    let targets: UnsafePointer<UnsafeMutablePointer<Float>?>
    let slotCount: Int

    /// Adds the kernels; `cubic` (the triweight's j⁶ term) is a constant at each call so the loop specialises.
    @inline(__always)
    func add(cubic: Bool) {
        var col = 0
        while col < width {
            // The last strip may pass the canvas' edge: it reads lattice margin and writes only real columns.
            let lanes = min(8, width - col)
            let centre = source + col
            var s0 = load8(centre), s1 = SIMD8<Float>(), s2 = SIMD8<Float>(), s3 = SIMD8<Float>()
            var slot = 0
            for h in 0...reach {
                if h > 0 {
                    // The lattice nodes at ±h join the window sums S_m with weights h^(2m).
                    let e = load8(centre + h) + load8(centre - h)
                    let p = powers[h]
                    s0 += e
                    s1 += e * p[0]
                    s2 += e * p[1]
                    if cubic { s3 += e * p[2] }
                }
                // Every row offset whose half-width is h: its 1-D kernel, to its rows.
                while slot < slotCount, halfWidths[slot] == h {
                    let up = targets[2 * slot], down = targets[2 * slot + 1]
                    if up != nil || down != nil {
                        let c = coefficients[slot]
                        var k = s0 * c[0] + s1 * c[1] + s2 * c[2]
                        if cubic { k += s3 * c[3] }
                        if let up { addLanes(k, to: up + col, lanes: lanes) }
                        if let down { addLanes(k, to: down + col, lanes: lanes) }
                    }
                    slot += 1
                }
            }
            col += 8
        }
    }

    @inline(__always)
    private func addLanes(_ k: SIMD8<Float>, to p: UnsafeMutablePointer<Float>, lanes: Int) {
        if lanes == 8 {
            store8(load8(p) + k, p)
        } else {
            for lane in 0..<lanes { p[lane] += k[lane] }
        }
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
