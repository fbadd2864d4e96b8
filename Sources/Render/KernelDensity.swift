import Dispatch
import Foundation
import GeoCore

/// Kernel shapes as ArcGIS and QGIS define them; each integrates to 1 over the disk of radius r.
public enum Kernel: String, Sendable, CaseIterable {
    case quartic, epanechnikov, triweight, uniform, triangular

    /// The kernel's value per square metre at squared relative distance `u2` = (d/r)², for radius r in metres.
    @inlinable
    public func value(u2: Double, radius: Double) -> Double {
        guard u2 < 1 else { return 0 }
        let area = Double.pi * radius * radius
        let v = 1 - u2
        switch self {
        case .quartic: return 3 / area * v * v
        case .epanechnikov: return 2 / area * v
        case .triweight: return 4 / area * v * v * v
        case .uniform: return 1 / area
        case .triangular: return 3 / area * (1 - u2.squareRoot())
        }
    }

    /// The kernel is `normalisation / (π r²) · (1 − u²)^power`; nil for the triangular kernel, which is not a
    /// polynomial in u².
    var polynomial: (normalisation: Double, power: Int)? {
        switch self {
        case .quartic: return (3, 2)
        case .epanechnikov: return (2, 1)
        case .triweight: return (4, 3)
        case .uniform: return (1, 0)
        case .triangular: return nil
        }
    }
}

/// A density surface on a canvas: one value per pixel, row-major, top row first, in incidents per km².
public struct DensityRaster: Sendable {
    public let width: Int
    public let height: Int
    public var values: [Float]

    public init(width: Int, height: Int, values: [Float]) {
        precondition(values.count == width * height, "one value per pixel")
        self.width = width
        self.height = height
        self.values = values
    }

    public subscript(col: Int, row: Int) -> Float { values[row * width + col] }

    /// The largest value, 0 for an empty surface.
    public var maximum: Float {
        values.withUnsafeBufferPointer { v in
            // Eight running maxima, so the loop vectorises: a 2048² surface in about a millisecond.
            var lanes = SIMD8<Float>(repeating: -.infinity)
            var i = 0
            if let base = v.baseAddress {
                let raw = UnsafeRawPointer(base)
                while i + 8 <= v.count {
                    lanes = pointwiseMax(lanes, raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self))
                    i += 8
                }
            }
            var best = lanes.max()
            while i < v.count {
                best = max(best, v[i])
                i += 1
            }
            return v.isEmpty ? 0 : best
        }
    }

    /// The value below which a share `q` (0...1) of the positive pixels lie; 0 if none is positive.
    public func positiveQuantile(_ q: Double) -> Float {
        var positive = values.filter { $0 > 0 }
        guard !positive.isEmpty else { return 0 }
        let k = min(positive.count - 1, max(0, Int((Double(positive.count - 1) * q).rounded())))
        return positive.withUnsafeMutableBufferPointer { quickselect(k, in: $0) }
    }


    /// Σ value · pixel area: the number (or weight) of incidents the surface holds, for pixels `pixelSize` metres
    /// wide. Equals the weighted count of the points whose kernels lie wholly inside the canvas, plus parts of
    /// the others.
    public func totalMass(pixelSize: Double) -> Double {
        var sum = 0.0
        for v in values { sum += Double(v) }
        return sum * pixelSize * pixelSize / 1e6
    }
}

/// Kernel density estimation: D(p) = Σᵢ wᵢ · K(dᵢ / r), evaluated at every pixel centre, in incidents per km².
public enum KernelDensity {
    /// How the sum is evaluated. `exact` and `scanline` give the same surface up to floating-point rounding
    /// (tested: every pixel within 1e-5 of the maximum); `binned` stays within its stated bound (tested at every
    /// pixel; on clustered samples under 1 % of the maximum). See `KernelDensityTests`.
    public enum Method: String, Sendable, CaseIterable {
        /// `binned` when it is both faster and accurate, `scanline` otherwise: binned needs a smooth kernel
        /// (quartic, triweight), non-negative weights, a radius of at least 12 pixels (binning error ≤ 2/R² of one
        /// kernel's peak: under 1.4 %) and enough points that n · (2R + 1) exceeds twice the pixel count.
        case automatic
        /// Every point's kernel added into every pixel within the radius: the formula as written, O(n·R²) for a
        /// radius of R pixels. The reference the fast methods are tested against.
        case exact
        /// Scan lines: along one pixel row, a point's kernel is a polynomial in the column (the kernels are
        /// polynomials in u² = (dx² + dy²)/r²) between the two columns where the row crosses its circle. Each
        /// (point, row) pair adds the polynomial's coefficients at the interval's ends of a difference array;
        /// prefix sums along the row then evaluate all kernels at once. O(n·R + pixels), no binning, so no
        /// positional error. The triangular kernel (not a polynomial) falls back to `exact`.
        case scanline
        /// Linear binning onto the pixel-centre lattice, then an exact convolution of the bins with the kernel:
        /// O(pixels · R) whatever the number of points. Binning moves each point's weight to the four nearest pixel
        /// centres, so each point's kernel is replaced by its bilinear interpolation from those centres; for a
        /// kernel with bounded second derivatives the error at a pixel is at most (|∂²K/∂x²| + |∂²K/∂y²|)/8 per
        /// pixel², that is 2/R² of the kernel's peak for the quartic (R the radius in pixels), times the weight
        /// within r + 1.5 pixels of it (tested against `exact` at every pixel). Quartic and triweight only (the
        /// others have kinks or jumps at the rim, which binning does not approximate this well); other kernels
        /// use `scanline`.
        case binned
    }

    /// The density surface of points given in the canvas' projected metres; `weights` (if given) has one entry
    /// per point; points with NaN coordinates or a zero weight are skipped. `threads` workers split the rows
    /// (scanline, binned) or the points (exact); the scanline and binned results do not depend on the thread
    /// count at all, the exact one only by rounding.
    public static func estimate(
        x: [Double], y: [Double], weights: [Float]? = nil,
        on canvas: MapCanvas, radius: Double, kernel: Kernel = .quartic, method: Method = .automatic, threads: Int = 2
    ) -> DensityRaster {
        precondition(x.count == y.count && (weights?.count ?? x.count) == x.count, "one weight per point")
        precondition(radius > 0 && radius.isFinite, "radius must be positive")
        let radiusInPixels = radius / canvas.pixelSize
        let smooth = kernel == .quartic || kernel == .triweight
        var chosen = method
        if method == .automatic {
            let many = Double(x.count) * (2 * radiusInPixels + 1) > 2 * Double(canvas.width * canvas.height)
            let nonNegative = weights?.allSatisfy { $0 >= 0 } ?? true
            chosen = smooth && radiusInPixels >= 12 && many && nonNegative ? .binned : .scanline
        }
        if chosen == .binned, smooth, let polynomial = kernel.polynomial {
            return binned(x: x, y: y, weights: weights, canvas: canvas, radius: radius,
                          normalisation: polynomial.normalisation, power: polynomial.power, threads: max(1, threads))
        }
        if chosen != .exact, let polynomial = kernel.polynomial {
            return scanline(x: x, y: y, weights: weights, canvas: canvas, radius: radius,
                            normalisation: polynomial.normalisation, power: polynomial.power, threads: max(1, threads))
        }
        return exact(x: x, y: y, weights: weights, canvas: canvas, radius: radius, kernel: kernel, threads: threads)
    }

    /// ArcGIS's default search radius (Kernel Density tool, "How Kernel Density works"):
    /// r = 0.9 · min(SD, √(1/ln 2) · Dm) · n^−0.2, where SD is the standard distance of the points about their
    /// (weighted) mean centre, Dm the (weighted) median distance to that centre and n the number of points, or the
    /// sum of the weights when weights are given. The weighted median is the smallest distance whose cumulative
    /// weight exceeds half the total, or the mean of two neighbouring distances when the cumulative weight equals
    /// half exactly (the ordinary median for unit weights).
    /// Returns nil when there are fewer than two points, the weights do not sum to a positive number, or all
    /// points coincide (no positive radius follows).
    public static func defaultRadius(x: [Double], y: [Double], weights: [Float]? = nil) -> Double? {
        precondition(x.count == y.count && (weights?.count ?? x.count) == x.count, "one weight per point")
        guard x.count >= 2 else { return nil }
        func weight(_ i: Int) -> Double { Double(weights?[i] ?? 1) }
        var total = 0.0, sumX = 0.0, sumY = 0.0
        for i in x.indices {
            let w = weight(i)
            guard w.isFinite, w >= 0 else { return nil }
            total += w
            sumX += w * x[i]
            sumY += w * y[i]
        }
        guard total > 0 else { return nil }
        let meanX = sumX / total, meanY = sumY / total
        var squares = 0.0
        var distances: [(d: Double, w: Double)] = []
        distances.reserveCapacity(x.count)
        for i in x.indices {
            let d2 = (x[i] - meanX) * (x[i] - meanX) + (y[i] - meanY) * (y[i] - meanY)
            squares += weight(i) * d2
            if weight(i) > 0 { distances.append((d2.squareRoot(), weight(i))) }
        }
        let standardDistance = (squares / total).squareRoot()
        guard weights != nil else {
            // Unit weights: the ordinary median, by selection rather than a sort of a million distances (a fifth
            // of a second at 1,000,000 incidents).
            var d = distances.map(\.d)
            let n = d.count, upper = d.withUnsafeMutableBufferPointer { quickselect(n / 2, in: $0) }
            // After selecting n/2 the elements before it are the smaller ones; their largest is the lower middle.
            let median = n % 2 == 1 ? upper : (d[..<(n / 2)].max()! + upper) / 2
            let radius = 0.9 * min(standardDistance, (1 / log(2.0)).squareRoot() * median) * pow(total, -0.2)
            return radius > 0 && radius.isFinite ? radius : nil
        }
        distances.sort { $0.d < $1.d }
        var cumulative = 0.0, median = distances[distances.count - 1].d
        for (k, entry) in distances.enumerated() {
            cumulative += entry.w
            if cumulative == total / 2, k + 1 < distances.count {
                median = (entry.d + distances[k + 1].d) / 2
                break
            }
            if cumulative > total / 2 {
                median = entry.d
                break
            }
        }
        let radius = 0.9 * min(standardDistance, (1 / log(2.0)).squareRoot() * median) * pow(total, -0.2)
        return radius > 0 && radius.isFinite ? radius : nil
    }

    // MARK: - Exact per-point evaluation

    static func exact(x: [Double], y: [Double], weights: [Float]?, canvas: MapCanvas, radius: Double, kernel: Kernel,
                      threads: Int) -> DensityRaster {
        let width = canvas.width, height = canvas.height
        let pixelSize = canvas.pixelSize
        let radiusInPixels = radius / pixelSize
        let pixelToU2 = pixelSize * pixelSize / (radius * radius)
        let chunkCount = max(1, min(threads, x.count / 10_000 + 1))
        var partials = [[Double]](repeating: [], count: chunkCount)

        partials.withUnsafeMutableBufferPointer { partialSlots in
            let slots = UnsafeSendable(partialSlots)
            DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
                var grid = [Double](repeating: 0, count: width * height)
                let lower = x.count * chunk / chunkCount, upper = x.count * (chunk + 1) / chunkCount
                grid.withUnsafeMutableBufferPointer { g in
                    for i in lower..<upper {
                        let p = canvas.pixel(ofMetres: Point(x: x[i], y: y[i]))
                        guard p.isFinite else { continue }
                        let w = Double(weights?[i] ?? 1)
                        // Pixel centres sit at (col + 0.5, row + 0.5).
                        let rowLow = max(0, Int((p.y - 0.5 - radiusInPixels).rounded(.up)))
                        let rowHigh = min(height - 1, Int((p.y - 0.5 + radiusInPixels).rounded(.down)))
                        guard rowLow <= rowHigh else { continue }
                        for row in rowLow...rowHigh {
                            let dy = Double(row) + 0.5 - p.y
                            let halfSpan = (radiusInPixels * radiusInPixels - dy * dy).squareRoot()
                            let colLow = max(0, Int((p.x - 0.5 - halfSpan).rounded(.up)))
                            let colHigh = min(width - 1, Int((p.x - 0.5 + halfSpan).rounded(.down)))
                            guard colLow <= colHigh else { continue }
                            let base = row * width
                            for col in colLow...colHigh {
                                let dx = Double(col) + 0.5 - p.x
                                let u2 = (dx * dx + dy * dy) * pixelToU2
                                g[base + col] += w * kernel.value(u2: u2, radius: radius)
                            }
                        }
                    }
                }
                slots.value[chunk] = grid
            }
        }

        var values = [Float](repeating: 0, count: width * height)
        for i in 0..<values.count {
            var sum = 0.0
            for partial in partials { sum += partial[i] }
            values[i] = Float(sum * 1e6)  // per m² → per km²
        }
        return DensityRaster(width: width, height: height, values: values)
    }

    // MARK: - Scan-line evaluation

    /// Points sorted by the first pixel row their kernel reaches, in pixel units.
    struct RowBuckets {
        var px: [Double] = [], py: [Double] = [], w: [Double] = []
        /// Points of first row `r` are at `start[r]..<start[r + 1]`.
        var start: [Int] = []
    }

    static func bucketByFirstRow(x: [Double], y: [Double], weights: [Float]?, canvas: MapCanvas,
                                 radiusInPixels R: Double) -> RowBuckets {
        let width = canvas.width, height = canvas.height
        let minX = canvas.extent.minX, maxY = canvas.extent.maxY, inverse = 1 / canvas.pixelSize
        var firstRow = [Int32](repeating: -1, count: x.count)
        var counts = [Int](repeating: 0, count: height + 1)
        for i in x.indices {
            let w = weights?[i] ?? 1
            guard w != 0, w.isFinite else { continue }
            let px = (x[i] - minX) * inverse, py = (maxY - y[i]) * inverse
            // Rows whose centre lies strictly within R of the point; columns likewise.
            guard px > -R, px < Double(width) + R, py > -R, py < Double(height) + R else { continue }
            let row = max(0, Int((py - 0.5 - R).rounded(.down)) + 1)
            guard row < height else { continue }
            firstRow[i] = Int32(row)
            counts[row + 1] += 1
        }
        for r in 0..<height { counts[r + 1] += counts[r] }
        var buckets = RowBuckets()
        let kept = counts[height]
        buckets.px = [Double](repeating: 0, count: kept)
        buckets.py = buckets.px
        buckets.w = buckets.px
        var next = counts
        for i in x.indices where firstRow[i] >= 0 {
            let slot = next[Int(firstRow[i])]
            next[Int(firstRow[i])] += 1
            buckets.px[slot] = (x[i] - minX) * inverse
            buckets.py[slot] = (maxY - y[i]) * inverse
            buckets.w[slot] = Double(weights?[i] ?? 1)
        }
        buckets.start = counts
        return buckets
    }

    static func scanline(x: [Double], y: [Double], weights: [Float]?, canvas: MapCanvas, radius: Double,
                         normalisation: Double, power: Int, threads: Int) -> DensityRaster {
        switch power {
        case 0: return scanline(UniformPolynomial.self, x: x, y: y, weights: weights, canvas: canvas, radius: radius,
                                normalisation: normalisation, threads: threads)
        case 1: return scanline(EpanechnikovPolynomial.self, x: x, y: y, weights: weights, canvas: canvas,
                                radius: radius, normalisation: normalisation, threads: threads)
        case 2: return scanline(QuarticPolynomial.self, x: x, y: y, weights: weights, canvas: canvas, radius: radius,
                                normalisation: normalisation, threads: threads)
        default: return scanline(TriweightPolynomial.self, x: x, y: y, weights: weights, canvas: canvas,
                                 radius: radius, normalisation: normalisation, threads: threads)
        }
    }

    /// Difference-array layout: 8 doubles per position, lanes 0..<7 the polynomial's coefficients (lowest power
    /// first), lane 7 the number of intervals opened minus closed.
    static let stride = 8

    static func scanline<P: RowPolynomial>(_: P.Type, x: [Double], y: [Double], weights: [Float]?, canvas: MapCanvas,
                                           radius: Double, normalisation: Double, threads: Int) -> DensityRaster {
        let width = canvas.width, height = canvas.height
        let R = radius / canvas.pixelSize, R2 = R * R, b = 1 / R2
        let buckets = bucketByFirstRow(x: x, y: y, weights: weights, canvas: canvas, radiusInPixels: R)
        // A point's kernel spans at most this many rows after its first.
        let span = Int((2 * R).rounded(.up)) + 1
        // Columns are cut into blocks, each with its own origin, so the polynomial's coefficients stay within a
        // few powers of (1 + block / R) of its values: prefix sums then lose no more than ~1e-12 to cancellation.
        var blockSize = 8
        while blockSize < Int((2 * R).rounded(.up)), blockSize < 1024 { blockSize *= 2 }
        let block = blockSize
        let blockCount = (width + block - 1) / block
        let positions = blockCount * (block + 1)
        let scale = normalisation / (Double.pi * radius * radius) * 1e6  // per m² → per km²
        // Rows are dealt out in bands of 8, round robin, so hot spots split between workers.
        let band = 8
        let bandCount = (height + band - 1) / band
        let workers = min(threads, bandCount)
        var values = [Float](repeating: 0, count: width * height)

        values.withUnsafeMutableBufferPointer { output in
            let out = UnsafeSendable(output)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                var difference = [Double](repeating: 0, count: positions * stride)
                difference.withUnsafeMutableBufferPointer { diffBuffer in
                    buckets.px.withUnsafeBufferPointer { pxs in
                        buckets.py.withUnsafeBufferPointer { pys in
                            buckets.w.withUnsafeBufferPointer { ws in
                                let diff = diffBuffer.baseAddress!
                                var bandIndex = worker
                                while bandIndex < bandCount {
                                    for row in bandIndex * band..<min(height, (bandIndex + 1) * band) {
                                        let first = buckets.start[max(0, row - span)]
                                        let last = buckets.start[row + 1]
                                        accumulateRow(P.self, row: row, points: first..<last, px: pxs, py: pys, w: ws,
                                                      R2: R2, b: b, width: width, block: block, diff: diff)
                                        evaluateRow(P.self, diff: diff, block: block, blockCount: blockCount,
                                                    width: width, scale: scale,
                                                    into: out.value.baseAddress! + row * width)
                                    }
                                    bandIndex += workers
                                }
                            }
                        }
                    }
                }
            }
        }
        return DensityRaster(width: width, height: height, values: values)
    }

    /// Adds every (point, row) interval's polynomial for one pixel row into the difference array.
    @inline(__always)
    static func accumulateRow<P: RowPolynomial>(
        _: P.Type, row: Int, points: Range<Int>, px pxs: UnsafeBufferPointer<Double>,
        py pys: UnsafeBufferPointer<Double>, w ws: UnsafeBufferPointer<Double>, R2: Double, b: Double, width: Int,
        block: Int, diff: UnsafeMutablePointer<Double>
    ) {
        let centre = Double(row) + 0.5
        let lastColumn = width - 1
        // Points lie within R of the canvas, so px ± h ± 0.5 > −offset: truncating v + offset floors v without a
        // library call.
        let offset = width + 4 * Int(R2.squareRoot().rounded(.up)) + 8, shift = Double(offset)
        let blockShift = block.trailingZeroBitCount
        for i in points {
            let dy = centre - pys[i]
            let h2 = R2 - dy * dy
            guard h2 > 0 else { continue }
            let h = h2.squareRoot()
            let px = pxs[i]
            // Columns whose centre (col + 0.5) lies strictly inside the circle: left − h < col < left + h.
            let left = px - 0.5
            let lo = max(0, Int(left - h + shift) &- offset &+ 1)
            let right = left + h
            var hi = Int(right + shift) &- offset
            if Double(hi) == right { hi &-= 1 }
            hi = min(lastColumn, hi)
            guard lo <= hi else { continue }
            let a = h2 * b  // 1 − dy²/R²
            let w = ws[i]
            var k = lo &>> blockShift
            repeat {
                let origin = k &<< blockShift
                let x0 = left - Double(origin)
                // q(X) = a − b (X − x0)² in the block's local column X; the kernel is w · q^power.
                let c = P.coefficients(q0: a - b * x0 * x0, q1: 2 * b * x0, q2: -b, w: w)
                let base = k &* (block &+ 1) &- origin
                P.add(c, sign: 1, at: diff + stride &* (base &+ max(lo, origin)))
                P.add(c, sign: -1, at: diff + stride &* (base &+ min(hi, origin &+ block &- 1) &+ 1))
                k &+= 1
            } while k &<< blockShift <= hi
        }
    }

    /// Prefix-sums each block of the difference array, evaluates the polynomial at every column and clears the
    /// array for the next row. Columns no interval covers are exactly 0.
    @inline(__always)
    static func evaluateRow<P: RowPolynomial>(_: P.Type, diff: UnsafeMutablePointer<Double>, block: Int,
                                              blockCount: Int, width: Int, scale: Double,
                                              into out: UnsafeMutablePointer<Float>) {
        for k in 0..<blockCount {
            let origin = k * block, base = k * (block + 1)
            let length = min(block, width - origin)
            var sum = P.Coefficients.zero
            var open = 0.0
            for j in 0..<length {
                let slot = diff + stride * (base + j)
                open += slot[7]
                if open < 0.5 {
                    // No interval open: drop what rounding left behind; nothing to clear unless something closed.
                    if slot[7] != 0 { P.clear(slot); slot[7] = 0 }
                    sum = .zero
                    out[origin + j] = 0
                } else {
                    P.accumulate(&sum, from: slot)
                    P.clear(slot)
                    slot[7] = 0
                    out[origin + j] = Float(P.evaluate(sum, at: Double(j)) * scale)
                }
            }
            let end = diff + stride * (base + length)
            P.clear(end)
            end[7] = 0
        }
    }
}

/// (q0 + q1·X + q2·X²)^power as coefficients in X, and the difference-array operations on them; one conforming
/// type per polynomial kernel so the scan-line loops compile to straight-line code.
protocol RowPolynomial {
    associatedtype Coefficients: SIMD where Coefficients.Scalar == Double
    /// How many of the vector's lanes hold coefficients (degree + 1); the rest stay 0.
    static var terms: Int { get }
    static func coefficients(q0: Double, q1: Double, q2: Double, w: Double) -> Coefficients
}

extension RowPolynomial {
    @inline(__always)
    static func add(_ c: Coefficients, sign: Double, at slot: UnsafeMutablePointer<Double>) {
        for k in 0..<terms { slot[k] += sign * c[k] }
        slot[7] += sign
    }

    @inline(__always)
    static func accumulate(_ sum: inout Coefficients, from slot: UnsafeMutablePointer<Double>) {
        for k in 0..<terms { sum[k] += slot[k] }
    }

    @inline(__always)
    static func clear(_ slot: UnsafeMutablePointer<Double>) {
        for k in 0..<terms { slot[k] = 0 }
    }

    @inline(__always)
    static func evaluate(_ c: Coefficients, at x: Double) -> Double {
        var v = 0.0
        for k in stride(from: terms - 1, through: 0, by: -1) { v = v * x + c[k] }
        return v
    }
}

/// Uniform: w (one coefficient; SIMD2 is the smallest vector, its second lane stays 0).
enum UniformPolynomial: RowPolynomial {
    static var terms: Int { 1 }
    @inline(__always)
    static func coefficients(q0: Double, q1: Double, q2: Double, w: Double) -> SIMD2<Double> { SIMD2(w, 0) }
}

/// Epanechnikov: w·q.
enum EpanechnikovPolynomial: RowPolynomial {
    static var terms: Int { 3 }
    @inline(__always)
    static func coefficients(q0: Double, q1: Double, q2: Double, w: Double) -> SIMD4<Double> {
        SIMD4(w * q0, w * q1, w * q2, 0)
    }
}

/// Quartic: w·q².
enum QuarticPolynomial: RowPolynomial {
    static var terms: Int { 5 }
    @inline(__always)
    static func coefficients(q0: Double, q1: Double, q2: Double, w: Double) -> SIMD8<Double> {
        let wq0 = w * q0, wq2 = w * q2
        return SIMD8(wq0 * q0, 2 * wq0 * q1, w * q1 * q1 + 2 * wq0 * q2, 2 * q1 * wq2, q2 * wq2, 0, 0, 0)
    }
}

/// Triweight: w·q³.
enum TriweightPolynomial: RowPolynomial {
    static var terms: Int { 7 }
    @inline(__always)
    static func coefficients(q0: Double, q1: Double, q2: Double, w: Double) -> SIMD8<Double> {
        let s0 = q0 * q0, s1 = 2 * q0 * q1, s2 = q1 * q1 + 2 * q0 * q2, s3 = 2 * q1 * q2, s4 = q2 * q2
        return SIMD8(w * s0 * q0, w * (s0 * q1 + s1 * q0), w * (s0 * q2 + s1 * q1 + s2 * q0),
                     w * (s1 * q2 + s2 * q1 + s3 * q0), w * (s2 * q2 + s3 * q1 + s4 * q0), w * (s3 * q2 + s4 * q1),
                     w * s4 * q2, 0)
    }
}

/// Lets disjoint slots of one buffer be written from `concurrentPerform` workers.
struct UnsafeSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// The k-th smallest element of `v` (Hoare's quickselect, median-of-three pivots): linear on average where a full
/// sort of a 2048² surface's pixels, or of a million distances, costs a tenth of a second or more. Reorders `v` so
/// that every element before index k is at most the result and every one after it at least.
func quickselect<T: Comparable>(_ k: Int, in v: UnsafeMutableBufferPointer<T>) -> T {
    var low = 0, high = v.count - 1
    while low < high {
        let mid = low + (high - low) / 2
        let pivot = max(min(v[low], v[mid]), min(max(v[low], v[mid]), v[high]))
        var i = low, j = high
        while i <= j {
            while v[i] < pivot { i += 1 }
            while v[j] > pivot { j -= 1 }
            if i <= j {
                v.swapAt(i, j)
                i += 1
                j -= 1
            }
        }
        if k <= j { high = j } else if k >= i { low = i } else { break }
    }
    return v[k]
}
