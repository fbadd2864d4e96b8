import Foundation
import Render
import Testing

struct PointDensityTests {
    @Test func oneIncidentUnderTheQueryIsThePeakOfTheKernel() {
        // Quartic: 3/(π r²) at the centre; r = 100 m gives 3/(π·10⁴) per m², × 10⁶ per km² = 95.49…
        let value = KernelDensity.values(atX: [5], y: [7], pointsX: [5], y: [7], radius: 100)
        #expect(abs(value[0] - 3 / (Double.pi * 1e4) * 1e6) < 1e-9)
        // At the radius and beyond the kernel is 0.
        let edge = KernelDensity.values(atX: [105, 5_000, -1e300], y: [7, 7, 7], pointsX: [5], y: [7], radius: 100)
        #expect(edge == [0, 0, 0])
    }

    /// Every kernel, weights and NaN points against the sum written out over all points.
    @Test(arguments: Kernel.allCases)
    func equalsTheSumOverAllPoints(_ kernel: Kernel) {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        let n = 2_000
        var x = (0..<n).map { _ in next() * 5_000 }, y = (0..<n).map { _ in next() * 3_000 }
        x[17] = .nan
        let weights = (0..<n).map { _ in Float(next() * 3) }
        let queryX = (0..<300).map { _ in next() * 6_000 - 500 }, queryY = (0..<300).map { _ in next() * 4_000 - 500 }
        let radius = 350.0
        let got = KernelDensity.values(atX: queryX, y: queryY, pointsX: x, y: y, weights: weights, radius: radius,
                                       kernel: kernel)
        for q in queryX.indices {
            var sum = 0.0
            for i in 0..<n where x[i].isFinite {
                let u2 = ((x[i] - queryX[q]) * (x[i] - queryX[q]) + (y[i] - queryY[q]) * (y[i] - queryY[q])) / (radius * radius)
                sum += Double(weights[i]) * kernel.value(u2: u2, radius: radius)
            }
            #expect(abs(got[q] - sum * 1e6) <= 1e-9 * max(1, sum * 1e6), "query \(q)")
        }
    }
}
