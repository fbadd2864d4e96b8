import GeoCore
import Neighbours
import Stats
import Testing

/// Queen and rook contiguity against libpysal's `Queen` / `Rook.from_dataframe` on the same files: neighbour sets
/// must be equal, unit by unit (Reference/make_reference.py).
struct ContiguityReferenceTests {
    @Test(arguments: [("grid", Contiguity.queen), ("grid", .rook), ("jiaxing", .queen), ("jiaxing", .rook),
                      ("counties", .queen), ("counties", .rook)])
    func equalsLibpysal(layer: String, rule: Contiguity) throws {
        let polygons = try Self.layer(layer)
        let weights = Neighbours.contiguity(polygons, rule)
        let expected = try ReferenceData.lists("\(layer)_\(rule.rawValue).csv", count: polygons.count)
        #expect(weights.count == polygons.count)
        let ours = weights.sets
        for unit in 0..<polygons.count where ours[unit] != expected[unit] {
            Issue.record("\(layer) \(rule) unit \(unit): \(ours[unit].sorted()) vs libpysal \(expected[unit].sorted())")
        }
        #expect(weights.isSymmetric)
        #expect(weights.islands == expected.indices.filter { expected[$0].isEmpty })
    }

    @Test func gridShapes() throws {
        // 40 × 30 squares: an inner cell has 8 queen and 4 rook neighbours, a corner 3 and 2.
        let polygons = try ReferenceData.grid()
        let queen = Neighbours.contiguity(polygons, .queen), rook = Neighbours.contiguity(polygons, .rook)
        #expect(queen.neighbours(of: 41).count == 8 && rook.neighbours(of: 41).count == 4)
        #expect(queen.neighbours(of: 0) == [1, 40, 41] && rook.neighbours(of: 0) == [1, 40])
        #expect(queen.neighbours.count == 2 * (39 * 30 + 40 * 29 + 2 * 39 * 29))
    }

    @Test func countiesHaveTheirIslands() throws {
        // Zhejiang's island counties touch nothing: reported, not given zero rows silently.
        let weights = Neighbours.contiguity(try ReferenceData.counties(), .queen)
        #expect(weights.islands.count == 2)
    }

    static func layer(_ name: String) throws -> [MultiPolygon] {
        switch name {
        case "grid": try ReferenceData.grid()
        case "jiaxing": try ReferenceData.jiaxing()
        default: try ReferenceData.counties()
        }
    }
}
