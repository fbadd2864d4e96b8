import Foundation
import Stats
import TestSupport
import Testing

/// The space-time Gi* of emerging hot spot analysis against esda: G_Local(star=True, transform="B") on the cube
/// flattened to one unit per bin with the space-time links (Reference/make_space_time_reference.py).
struct SpaceTimeGiStarTests {
    @Test(arguments: [0, 1, 2])
    func equalsEsdaOnTheFlattenedCube(_ window: Int) throws {
        let (columns, rows, steps) = (12, 10, 8)
        var lists: [[Int]] = []
        for r in 0..<rows {
            for c in 0..<columns {
                var list: [Int] = []
                for dr in -1...1 {
                    for dc in -1...1 where (dr, dc) != (0, 0) {
                        if (0..<rows).contains(r + dr) && (0..<columns).contains(c + dc) { list.append((r + dr) * columns + c + dc) }
                    }
                }
                lists.append(list)
            }
        }
        let n = columns * rows
        let path = Fixtures.repositoryRoot + "/Tests/StatsTests/Reference/space_time_gi.csv"
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").dropFirst()
            .map { $0.split(separator: ",") }.filter { Int($0[0]) == window }
        #expect(lines.count == n * steps)
        var values = [[Double]](repeating: [Double](repeating: 0, count: n), count: steps)
        var expected = values
        for f in lines {
            values[Int(f[1])!][Int(f[2])!] = Double(f[3])!
            expected[Int(f[1])!][Int(f[2])!] = Double(f[4])!
        }
        let z = EmergingHotSpots.spaceTimeGiStar(values: values, weights: SpatialWeights(neighbours: lists), timeWindow: window)
        for t in 0..<steps {
            for i in 0..<n {
                #expect(abs(z[t][i] - expected[t][i]) <= 1e-9 * max(1, abs(expected[t][i])), "step \(t) unit \(i)")
            }
        }
    }
}
