import GeoCore
import Neighbours
import Stats
import Testing

// Optimized Hot Spot Analysis' scale of analysis against Reference/make_optimized_band_reference.py: ArcGIS's rules
// written out with numpy and scipy, Moran's I at each distance from esda (`Moran(…, transformation="r").z_rand` on
// the units with a neighbour within reach).

private struct BandCase {
    let points: [Point]
    let values: [Double]
    let steps: [[Substring]]
    let choice: [Substring]

    init(_ name: String) throws {
        let points = try ReferenceData.table("optimized_band_points.csv").filter { $0[0] == name }
        self.points = points.map { Point(x: Double($0[2])!, y: Double($0[3])!) }
        values = points.map { Double($0[4])! }
        steps = try ReferenceData.table("optimized_band_steps.csv").filter { $0[0] == name }
        choice = try ReferenceData.table("optimized_band_choice.csv").first { $0[0] == name }!
    }
}

private func close(_ a: Double, _ b: Double, relative: Double = 1e-9) -> Bool {
    abs(a - b) <= relative * max(abs(a), abs(b), 1e-12)
}

struct OptimizedDistanceBandTests {
    @Test(arguments: ["clustered", "random", "small"])
    func equalsTheReference(_ name: String) throws {
        let reference = try BandCase(name)
        let band = OptimizedDistanceBand(points: reference.points, values: reference.values)
        let choice = reference.choice
        #expect(band.locationalOutliers == choice[1].split(separator: " ").map { Int($0)! })
        #expect(close(band.startDistance, Double(choice[2])!))
        #expect(close(band.increment, Double(choice[3])!))
        #expect(close(band.standardDistance, Double(choice[4])!))
        #expect(band.steps.count == reference.steps.count)
        for (step, row) in zip(band.steps, reference.steps) {
            #expect(close(step.distance, Double(row[2])!))
            #expect(step.units == Int(row[3])!)
            #expect(close(step.moranI, Double(row[4])!), "I at step \(row[1])")
            #expect(close(step.expectedI, Double(row[5])!))
            #expect(close(step.varianceI, Double(row[6])!, relative: 1e-8), "Var I at step \(row[1])")
            #expect(close(step.z, Double(row[7])!, relative: 1e-8), "z at step \(row[1])")
        }
        let argument = Int(choice[6])!
        switch choice[5] {
        case "peak": #expect(band.choice == .firstPeak(index: argument))
        case "knn": #expect(band.choice == .nearestNeighbours(k: argument))
        default: #expect(band.choice == .standardDistance(k: argument))
        }
        #expect(close(band.distance, Double(choice[7])!))
    }

    @Test func firstPeakRule() {
        // Falls before any rise: no peak there; the first fall after a rise above 1.65 is the peak.
        #expect(OptimizedDistanceBand.firstPeakIndex([5, 4, 6, 7, 3]) == 3)
        // A peak below 1.65 is passed over for the next one.
        #expect(OptimizedDistanceBand.firstPeakIndex([0, 1.5, 1, 2, 2.5, 2]) == 4)
        // Rising to the end, or falling all the way: none.
        #expect(OptimizedDistanceBand.firstPeakIndex([1, 2, 3, 4]) == nil)
        #expect(OptimizedDistanceBand.firstPeakIndex([4, 3, 2, 1]) == nil)
        // NaN never rises, falls or peaks.
        #expect(OptimizedDistanceBand.firstPeakIndex([1, .nan, 3, 2]) == nil)
        #expect(OptimizedDistanceBand.firstPeakIndex([1, 3, .nan, 2, 5, 4]) == 4)
    }
}
