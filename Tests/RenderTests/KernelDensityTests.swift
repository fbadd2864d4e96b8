import Foundation
import GeoCore
import Projection
import Render
import Testing
import TestSupport

struct KernelDensityTests {
    /// A 10 km square canvas in UTM 51N metres.
    static func canvas(width: Int) -> MapCanvas {
        MapCanvas(extent: BoundingBox(minX: 300_000, minY: 3_400_000, maxX: 310_000, maxY: 3_410_000),
                  width: width, projection: .utm(zone: 51))
    }

    static let points: [(x: Double, y: Double, w: Float)] = [
        (304_000, 3_404_000, 1), (304_300, 3_404_200, 2), (306_500, 3_406_000, 1), (305_000, 3_405_000, 0.5),
    ]

    @Test(arguments: Kernel.allCases)
    func densityAtPixelsEqualsTheDirectSum(kernel: Kernel) {
        let canvas = Self.canvas(width: 200)  // 50 m pixels
        let radius = 1_000.0
        let raster = KernelDensity.estimate(x: Self.points.map(\.x), y: Self.points.map(\.y),
                                            weights: Self.points.map(\.w), on: canvas, radius: radius, kernel: kernel)
        #expect(raster.width == 200 && raster.height == 200)
        for (col, row) in [(80, 120), (85, 116), (130, 80), (100, 100), (0, 0), (95, 105)] {
            // Independent formula: pixel centre in metres, then ArcGIS's kernel per m², ×1e6 for km².
            let cx = 300_000 + (Double(col) + 0.5) * 50, cy = 3_410_000 - (Double(row) + 0.5) * 50
            var expected = 0.0
            for p in Self.points {
                let u = ((p.x - cx) * (p.x - cx) + (p.y - cy) * (p.y - cy)).squareRoot() / radius
                guard u < 1 else { continue }
                let area = Double.pi * radius * radius
                let k: Double = switch kernel {
                case .quartic: 3 / area * pow2(1 - u * u)
                case .epanechnikov: 2 / area * (1 - u * u)
                case .triweight: 4 / area * pow2(1 - u * u) * (1 - u * u)
                case .uniform: 1 / area
                case .triangular: 3 / area * (1 - u)
                }
                expected += Double(p.w) * k
            }
            expected *= 1e6
            #expect(abs(Double(raster[col, row]) - expected) <= 1e-5 * max(1, expected),
                    "\(kernel) at (\(col), \(row)): \(raster[col, row]) vs \(expected)")
        }
    }

    @Test(arguments: [Kernel.quartic, .epanechnikov, .uniform])
    func totalMassEqualsWeightedCountAtTwoPixelSizes(kernel: Kernel) {
        let weightSum = Self.points.reduce(0) { $0 + Double($1.w) }
        for width in [250, 500] {  // 40 m and 20 m pixels; the kernels lie wholly inside the canvas
            let canvas = Self.canvas(width: width)
            let raster = KernelDensity.estimate(x: Self.points.map(\.x), y: Self.points.map(\.y),
                                                weights: Self.points.map(\.w), on: canvas, radius: 800, kernel: kernel)
            let pixelKm2 = canvas.pixelSize * canvas.pixelSize / 1e6
            let mass = raster.values.reduce(0) { $0 + Double($1) } * pixelKm2
            #expect(abs(mass - weightSum) / weightSum < 0.005, "\(kernel) width \(width): mass \(mass)")
        }
    }

    @Test func radiusIsInMetresWhateverThePixelSize() {
        for width in [100, 400] {
            let canvas = Self.canvas(width: width)
            let raster = KernelDensity.estimate(x: [305_000], y: [3_405_000], on: canvas, radius: 1_000)
            // Pixels whose centres are within 1 km of the point are positive, those beyond are zero.
            let s = canvas.pixelSize
            for row in 0..<raster.height {
                for col in 0..<raster.width {
                    let cx = 300_000 + (Double(col) + 0.5) * s, cy = 3_410_000 - (Double(row) + 0.5) * s
                    let d = ((cx - 305_000) * (cx - 305_000) + (cy - 3_405_000) * (cy - 3_405_000)).squareRoot()
                    if d < 999 { #expect(raster[col, row] > 0) }
                    if d > 1_001 { #expect(raster[col, row] == 0) }
                }
            }
        }
    }

    @Test func threadCountDoesNotChangeTheSurfaceBeyondRounding() {
        let xs = (0..<30_000).map { 300_000 + Double($0 % 997) * 10 }
        let ys = (0..<30_000).map { 3_400_000 + Double($0 % 991) * 10 }
        let canvas = Self.canvas(width: 100)
        let one = KernelDensity.estimate(x: xs, y: ys, on: canvas, radius: 500, threads: 1)
        let two = KernelDensity.estimate(x: xs, y: ys, on: canvas, radius: 500, threads: 2)
        for (a, b) in zip(one.values, two.values) { #expect(abs(a - b) <= 1e-4 * max(1, abs(a))) }
    }
}

extension KernelDensityTests {
    /// Clustered, weighted points (some outside the canvas, so clipped kernels are covered too), from a fixed seed.
    static func scatter(count: Int, seed: UInt64) -> (x: [Double], y: [Double], w: [Float]) {
        var rng = SeededGenerator(seed: seed)
        var xs: [Double] = [], ys: [Double] = [], ws: [Float] = []
        let centres = (0..<5).map { _ in (300_000 + rng.unit() * 10_000, 3_400_000 + rng.unit() * 10_000) }
        for i in 0..<count {
            if i % 4 == 0 {  // a uniform quarter over a box 1 km wider than the canvas on every side
                xs.append(299_000 + rng.unit() * 12_000)
                ys.append(3_399_000 + rng.unit() * 12_000)
            } else {
                let c = centres[i % 5]
                xs.append(c.0 + (rng.unit() - 0.5) * 1_500)
                ys.append(c.1 + (rng.unit() - 0.5) * 1_500)
            }
            ws.append(Float(1 + Int(rng.unit() * 4)) * 0.5)
        }
        return (xs, ys, ws)
    }

    /// The tolerance the fast method is held to: every pixel within 1e-5 of the surface's maximum.
    /// (It is exact but for rounding: the observed error is ~1e-7, the Float output's own precision.)
    @Test(arguments: [Kernel.quartic, .epanechnikov, .triweight, .uniform])
    func scanlineEqualsExactAtEveryPixel(kernel: Kernel) {
        // (canvas width, radius m): 50 m pixels r = 1 km (R = 20 px), 100 m pixels r = 130 m (R = 1.3 px),
        // 30 m pixels r = 2.5 km (R = 83 px, several column blocks per interval).
        for (width, radius, count) in [(200, 1_000.0, 1_500), (100, 130.0, 3_000), (333, 2_500.0, 300)] {
            let canvas = Self.canvas(width: width)
            let p = Self.scatter(count: count, seed: UInt64(width))
            let fast = KernelDensity.estimate(x: p.x, y: p.y, weights: p.w, on: canvas, radius: radius,
                                              kernel: kernel, method: .scanline)
            let exact = KernelDensity.estimate(x: p.x, y: p.y, weights: p.w, on: canvas, radius: radius,
                                               kernel: kernel, method: .exact)
            let top = Double(exact.maximum)
            #expect(top > 0)
            var worst = 0.0
            for (a, b) in zip(fast.values, exact.values) { worst = max(worst, abs(Double(a) - Double(b))) }
            #expect(worst <= 1e-5 * top, "\(kernel) width \(width) radius \(radius): error \(worst / top) of max")
            // Pixels no kernel reaches are exactly zero in both.
            #expect(zip(fast.values, exact.values).allSatisfy { ($0 == 0) == ($1 == 0) || abs($0 - $1) <= 1e-5 * Float(top) })
        }
    }

    /// Binning's bound, checked at every pixel: |binned − exact| ≤ 2/R² · kernel peak · (weight within r + 1.5 px),
    /// plus Float rounding; and, on these clustered samples, under 1 % of the maximum.
    @Test(arguments: [Kernel.quartic, .triweight])
    func binnedStaysWithinItsStatedBoundOfTheExactSum(kernel: Kernel) {
        for (width, radius, count) in [(200, 1_000.0, 2_000), (400, 700.0, 1_500), (120, 1_000.0, 3_000)] {
            let canvas = Self.canvas(width: width)
            let s = canvas.pixelSize, R = radius / s
            let p = Self.scatter(count: count, seed: UInt64(width) + 7)
            let binned = KernelDensity.estimate(x: p.x, y: p.y, weights: p.w, on: canvas, radius: radius,
                                                kernel: kernel, method: .binned)
            let exact = KernelDensity.estimate(x: p.x, y: p.y, weights: p.w, on: canvas, radius: radius,
                                               kernel: kernel, method: .exact)
            let top = Double(exact.maximum)
            let peak = (kernel == .quartic ? 3.0 : 4.0) / (Double.pi * radius * radius) * 1e6
            var worst = 0.0
            for row in Swift.stride(from: 0, to: canvas.height, by: 3) {
                for col in Swift.stride(from: 0, to: canvas.width, by: 3) {
                    let cx = 300_000 + (Double(col) + 0.5) * s, cy = 3_410_000 - (Double(row) + 0.5) * s
                    var near = 0.0
                    for i in p.x.indices {
                        let d2 = (p.x[i] - cx) * (p.x[i] - cx) + (p.y[i] - cy) * (p.y[i] - cy)
                        if d2 < (radius + 1.5 * s) * (radius + 1.5 * s) { near += Double(p.w[i]) }
                    }
                    let error = abs(Double(binned[col, row]) - Double(exact[col, row]))
                    #expect(error <= 2 / (R * R) * peak * near + 1e-5 * top,
                            "\(kernel) width \(width) at (\(col), \(row)): error \(error), bound \(2 / (R * R) * peak * near)")
                }
            }
            for (a, b) in zip(binned.values, exact.values) { worst = max(worst, abs(Double(a) - Double(b))) }
            #expect(worst < 0.01 * top, "\(kernel) width \(width): \(worst / top) of the maximum")
            let inside = KernelDensity.estimate(x: Self.points.map(\.x), y: Self.points.map(\.y),
                                                weights: Self.points.map(\.w), on: canvas, radius: 800, kernel: kernel,
                                                method: .binned)
            #expect(abs(inside.totalMass(pixelSize: s) - 4.5) / 4.5 < 0.005, "mass, width \(width)")
        }
    }

    /// Binning spreads a point over the four pixel centres around it, so the binned support is the radius
    /// give or take 1.5 pixels (√2 rounded up), at two pixel sizes.
    @Test func binnedRadiusIsInMetresWithinOneAndAHalfPixels() {
        for width in [200, 500] {
            let canvas = Self.canvas(width: width)
            let s = canvas.pixelSize
            let raster = KernelDensity.estimate(x: [305_013], y: [3_404_987], on: canvas, radius: 1_000, method: .binned)
            for row in 0..<raster.height {
                for col in 0..<raster.width {
                    let cx = 300_000 + (Double(col) + 0.5) * s, cy = 3_410_000 - (Double(row) + 0.5) * s
                    let d = ((cx - 305_013) * (cx - 305_013) + (cy - 3_404_987) * (cy - 3_404_987)).squareRoot()
                    if d < 1_000 - 1.5 * s { #expect(raster[col, row] > 0) }
                    if d > 1_000 + 1.5 * s { #expect(raster[col, row] == 0) }
                }
            }
            #expect(abs(raster.totalMass(pixelSize: s) - 1) < 0.005)
        }
    }

    @Test func binnedSurfaceIsIdenticalForAnyThreadCount() {
        let canvas = Self.canvas(width: 300)
        let p = Self.scatter(count: 5_000, seed: 4)
        let one = KernelDensity.estimate(x: p.x, y: p.y, weights: p.w, on: canvas, radius: 600, method: .binned,
                                         threads: 1)
        let three = KernelDensity.estimate(x: p.x, y: p.y, weights: p.w, on: canvas, radius: 600, method: .binned,
                                           threads: 3)
        #expect(one.values == three.values)
        #expect(one.maximum > 0)
    }

    @Test func triangularKernelFallsBackToTheExactSum() {
        let canvas = Self.canvas(width: 100)
        let p = Self.scatter(count: 200, seed: 9)
        let a = KernelDensity.estimate(x: p.x, y: p.y, weights: p.w, on: canvas, radius: 700, kernel: .triangular)
        let b = KernelDensity.estimate(x: p.x, y: p.y, weights: p.w, on: canvas, radius: 700, kernel: .triangular,
                                       method: .exact)
        #expect(a.values == b.values)
    }

    @Test func scanlineSurfaceIsIdenticalForAnyThreadCount() {
        let canvas = Self.canvas(width: 160)
        let p = Self.scatter(count: 5_000, seed: 3)
        let one = KernelDensity.estimate(x: p.x, y: p.y, weights: p.w, on: canvas, radius: 600, threads: 1)
        let three = KernelDensity.estimate(x: p.x, y: p.y, weights: p.w, on: canvas, radius: 600, threads: 3)
        #expect(one.values == three.values)
        #expect(one.maximum > 0)
    }

    @Test func massOfTheExactMethodToo() {
        let canvas = Self.canvas(width: 250)
        let raster = KernelDensity.estimate(x: Self.points.map(\.x), y: Self.points.map(\.y),
                                            weights: Self.points.map(\.w), on: canvas, radius: 800, method: .exact)
        #expect(abs(raster.totalMass(pixelSize: canvas.pixelSize) - 4.5) / 4.5 < 0.005)
    }

    @Test func defaultRadiusFollowsArcGISOnAHandWorkedExample() throws {
        // Points (0,0) (1,0) (0,1) (1,1) (10,10): mean centre (2.4, 2.4).
        // Squared distances 11.52, 7.72, 7.72, 3.92, 115.52 → SD = √(146.4 / 5) = √29.28 = 5.411;
        // median distance Dm = √7.72 = 2.778, √(1/ln 2)·Dm = 3.337 < SD, so
        // r = 0.9 · 3.337 · 5^−0.2 = 2.1769.
        let x = [0.0, 1, 0, 1, 10], y = [0.0, 0, 1, 1, 10]
        let r = try #require(KernelDensity.defaultRadius(x: x, y: y))
        #expect(abs(r - 0.9 * 7.72.squareRoot() / log(2.0).squareRoot() * pow(5.0, -0.2)) < 1e-12)
        #expect(abs(r - 2.17693) < 1e-4)
        // Four corners of a 4 × 3 rectangle: every distance is 2.5 = SD, and SD < 1.2011 · Dm, so
        // r = 0.9 · 2.5 · 4^−0.2 = 1.70518.
        let corners = try #require(KernelDensity.defaultRadius(x: [0, 4, 0, 4], y: [0, 0, 3, 3]))
        #expect(abs(corners - 0.9 * 2.5 * pow(4.0, -0.2)) < 1e-12)
        // Weights: (0,0) weight 3 and (4,0) weight 1 → n = 4, mean centre (1, 0), distances 1 (w 3) and 3 (w 1):
        // SD = √((3·1 + 1·9) / 4) = √3, weighted median 1 → √(1/ln 2) = 1.2011 < √3, r = 0.9 · 1.2011 · 4^−0.2.
        let weighted = try #require(KernelDensity.defaultRadius(x: [0, 4], y: [0, 0], weights: [3, 1]))
        #expect(abs(weighted - 0.9 / log(2.0).squareRoot() * pow(4.0, -0.2)) < 1e-12)
        #expect(KernelDensity.defaultRadius(x: [5], y: [5]) == nil)
        #expect(KernelDensity.defaultRadius(x: [5, 5], y: [5, 5]) == nil)
    }

    /// Without weights the median is found by selection, with unit weights by the weighted rule on sorted
    /// distances: the same radius, odd and even counts, ties included.
    @Test(arguments: [1_001, 1_000, 2, 3])
    func selectionEqualsTheSortedMedian(_ n: Int) throws {
        var state: UInt64 = UInt64(n)
        func next() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 40 % 1000)  // whole numbers: many equal distances
        }
        let x = (0..<n).map { _ in next() }, y = (0..<n).map { _ in next() }
        let selected = KernelDensity.defaultRadius(x: x, y: y)
        let sorted = KernelDensity.defaultRadius(x: x, y: y, weights: [Float](repeating: 1, count: n))
        #expect(selected == sorted)
    }
}


private func pow2(_ v: Double) -> Double { v * v }

struct DensityRasterTests {
    @Test func positiveQuantileEqualsTheSortedValue() {
        var state: UInt64 = 42
        for size in [1, 2, 3, 10, 1_000, 20_001] {
            let values: [Float] = (0..<size).map { _ in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                let r = Int(state >> 40) % 50
                return r < 10 ? 0 : Float(r % 17)  // zeros (ignored) and many ties
            }
            let raster = DensityRaster(width: size, height: 1, values: values)
            let positive = values.filter { $0 > 0 }.sorted()
            for q in [0, 0.25, 0.5, 0.995, 1] {
                let expected = positive.isEmpty ? 0 : positive[Int((Double(positive.count - 1) * q).rounded())]
                #expect(raster.positiveQuantile(q) == expected, "size \(size), q \(q)")
            }
        }
    }
}
