import GeoCore
import Projection
import Render
import Testing

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

private func pow2(_ v: Double) -> Double { v * v }
