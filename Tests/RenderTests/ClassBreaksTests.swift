import Foundation
import Render
import TestSupport
import Testing

struct ClassBreaksTests {
    /// Breaks mapclassify computed on a fixed sample (Reference/make_class_breaks.py).
    struct Reference: Decodable {
        let values: [Double]
        let fisher_jenks_3: [Double], fisher_jenks_5: [Double], fisher_jenks_7: [Double]
        let quantiles_4: [Double], quantiles_5: [Double]
        let equal_interval_4: [Double], equal_interval_5: [Double]
    }

    static func reference() throws -> Reference {
        let path = Fixtures.repositoryRoot + "/Tests/RenderTests/Reference/class_breaks.json"
        return try JSONDecoder().decode(Reference.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }

    func expectClose(_ a: ClassBreaks?, _ b: [Double], _ label: String) {
        #expect(a?.upperBounds.count == b.count, "\(label): \(a?.upperBounds ?? []) vs \(b)")
        for (x, y) in zip(a?.upperBounds ?? [], b) {
            #expect(abs(x - y) <= 1e-9 * max(1, abs(y)), "\(label): \(x) vs \(y)")
        }
    }

    @Test func naturalBreaksMatchMapclassifyFisherJenks() throws {
        let r = try Self.reference()
        // Shuffled input: the classifier sorts.
        let values = r.values.reversed() + []
        expectClose(ClassBreaks.naturalBreaks(values, classes: 3), r.fisher_jenks_3, "k=3")
        expectClose(ClassBreaks.naturalBreaks(values, classes: 5), r.fisher_jenks_5, "k=5")
        expectClose(ClassBreaks.naturalBreaks(values, classes: 7), r.fisher_jenks_7, "k=7")
    }

    @Test func quantilesAndEqualIntervalsMatchMapclassify() throws {
        let r = try Self.reference()
        expectClose(ClassBreaks.quantiles(r.values, classes: 4), r.quantiles_4, "quantiles 4")
        expectClose(ClassBreaks.quantiles(r.values, classes: 5), r.quantiles_5, "quantiles 5")
        expectClose(ClassBreaks.equalInterval(r.values, classes: 4), r.equal_interval_4, "equal interval 4")
        expectClose(ClassBreaks.equalInterval(r.values, classes: 5), r.equal_interval_5, "equal interval 5")
    }

    /// The exact optimum, checked by brute force over every split of a small sample.
    @Test func naturalBreaksMinimiseWithinClassSquares() throws {
        let values: [Double] = [1, 2, 2.5, 7, 8, 8.2, 8.9, 15, 16, 30, 31, 33, 60]
        func sse(_ part: ArraySlice<Double>) -> Double {
            let mean = part.reduce(0, +) / Double(part.count)
            return part.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        }
        var best = Double.infinity, bestBounds: [Double] = []
        for a in 1..<values.count - 2 {
            for b in a + 1..<values.count - 1 {
                for c in b + 1..<values.count {
                    let cost = sse(values[0..<a]) + sse(values[a..<b]) + sse(values[b..<c]) + sse(values[c...])
                    if cost < best { best = cost; bestBounds = [values[a - 1], values[b - 1], values[c - 1], 60] }
                }
            }
        }
        #expect(ClassBreaks.naturalBreaks(values, classes: 4)?.upperBounds == bestBounds)
        // Fewer distinct values than classes: one class each.
        #expect(ClassBreaks.naturalBreaks([3, 3, 1, 1, 2], classes: 5)?.upperBounds == [1, 2, 3])
        #expect(ClassBreaks.naturalBreaks([.nan], classes: 3) == nil)
    }

    @Test func classIndexUsesUpperBoundsInclusive() throws {
        let breaks = try ClassBreaks(upperBounds: [1, 5, 10])
        #expect(breaks.classIndex(of: -7) == 0 && breaks.classIndex(of: 1) == 0 && breaks.classIndex(of: 1.01) == 1)
        #expect(breaks.classIndex(of: 10) == 2 && breaks.classIndex(of: 1e9) == 2 && breaks.classIndex(of: .nan) == nil)
        #expect(throws: ClassBreaksError.self) { try ClassBreaks(upperBounds: [1, 1]) }
        #expect(throws: ClassBreaksError.self) { try ClassBreaks(upperBounds: []) }
    }

    @Test func pinnedBreaksRoundTripThroughAFile() throws {
        let folder = Fixtures.temporaryFolder("breaks")
        let path = folder + "/week.json"
        let pinned = try ClassBreaks(upperBounds: [0.1, 1.0 / 3, 27.257799999999996, 133.361, 1e-300].sorted())
        try pinned.write(to: path)
        #expect(try ClassBreaks.read(path: path) == pinned)
        #expect(try String(contentsOfFile: path, encoding: .utf8).hasPrefix("{\"upper_bounds\": [1e-300, 0.1, "))
        // A bare array is accepted; bad files name themselves and the problem.
        #expect(try ClassBreaks(json: Array("[1, 2.5]".utf8), source: "x").upperBounds == [1, 2.5])
        for (text, problem) in [("{\"upper_bounds\": [3, 2]}", "must ascend"), ("{\"bounds\": [1]}", "expected"),
                                ("[1, true]", "expected"), ("{\"upper_bounds\": []}", "no class bounds")] {
            do {
                _ = try ClassBreaks(json: Array(text.utf8), source: "week.json")
                Issue.record("\(text) was accepted")
            } catch let error as ClassBreaksError {
                #expect(error.description.hasPrefix("week.json: ") && error.description.contains(problem),
                        "\(error)")
            }
        }
        #expect(throws: ClassBreaksError.self) { try ClassBreaks.read(path: folder + "/missing.json") }
    }
}
