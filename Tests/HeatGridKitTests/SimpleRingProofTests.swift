import Foundation
import GeoCore
@testable import HeatGridKit
import Testing
import TestSupport

/// `SimpleRingProof` against GEOS: whatever it proves valid GEOS finds valid, and a layer checked with the proof
/// reports exactly the invalid areas, reasons and places GEOS alone reports.
struct SimpleRingProofTests {
    static func area(_ rings: [[(Double, Double)]]) -> MultiPolygon {
        let rings = rings.map { Ring($0.map { Point(x: $0.0, y: $0.1) }) }
        return MultiPolygon([Polygon(exterior: rings[0], holes: Array(rings.dropFirst()))])
    }

    /// GEOS's verdict alone (no proof), as `area 0: valid` or `area 0: reason at (x, y)`.
    static func geosVerdict(_ area: MultiPolygon) throws -> String {
        try BoundaryLayer.invalidAreas([area], threads: 1, proving: false).first.map { "\($0)" } ?? "area 0: valid"
    }

    @Test(arguments: [
        ("square", [[(0, 0), (1, 0), (1, 1), (0, 1), (0, 0)]], true),
        ("clockwise triangle", [[(0, 0), (0, 1), (1, 0), (0, 0)]], true),
        ("L shape", [[(0, 0), (2, 0), (2, 1), (1, 1), (1, 2), (0, 2), (0, 0)]], true),
        ("straight-on vertex", [[(0, 0), (1, 0), (2, 0), (2, 1), (0, 1), (0, 0)]], true),
        ("bow-tie", [[(0, 0), (1, 1), (1, 0), (0, 1), (0, 0)]], false),
        ("spike back along an edge", [[(0, 0), (2, 0), (1, 0), (1, 1), (0, 1), (0, 0)]], false),
        ("spike out and back", [[(0, 0), (1, 0), (1, 1), (1, 3), (1, 1), (0, 1), (0, 0)]], false),
        ("repeated point", [[(0, 0), (1, 0), (1, 0), (1, 1), (0, 1), (0, 0)]], false),
        ("ring touching itself at a vertex", [[(0, 0), (2, 0), (1, 1), (2, 2), (0, 2), (1, 1), (0, 0)]], false),
        ("vertex on another edge", [[(0, 0), (2, 0), (2, 2), (1, 0), (0, 2), (0, 0)]], false),
        ("all collinear", [[(0, 0), (1, 0), (2, 0), (0, 0)]], false),
        ("diagonal collinear", [[(0, 0), (1, 1), (2, 2), (0, 2), (0, 0)]], false),
        ("not closed", [[(0, 0), (1, 0), (1, 1), (0, 1)]], false),
        ("too few points", [[(0, 0), (1, 0), (0, 0)]], false),
        ("hole touching the shell", [[(0, 0), (4, 0), (4, 4), (0, 4), (0, 0)], [(0, 2), (2, 1), (2, 3), (0, 2)]], false),
        ("hole inside", [[(0, 0), (4, 0), (4, 4), (0, 4), (0, 0)], [(1, 1), (1, 2), (2, 2), (1, 1)]], false),
    ] as [(String, [[(Double, Double)]], Bool)])
    func handBuiltRings(name: String, rings: [[(Double, Double)]], proven: Bool) throws {
        let area = Self.area(rings)
        #expect(SimpleRingProof.isProvablyValid(area) == proven, "\(name)")
        if proven { #expect(try Self.geosVerdict(area) == "area 0: valid", "\(name)") }
    }

    @Test func nonFiniteCoordinatesAreNeverProven() {
        let ring = [Point(x: 0, y: 0), Point(x: .infinity, y: 0), Point(x: 1, y: 1), Point(x: 0, y: 0)]
        #expect(!SimpleRingProof.isProvablySimple(ring))
        let nan = [Point(x: 0, y: 0), Point(x: 1, y: 0), Point(x: .nan, y: 1), Point(x: 0, y: 0)]
        #expect(!SimpleRingProof.isProvablySimple(nan))
    }

    /// Random rings of 3 to 9 vertices on a 4 × 4 lattice (so collinear points, repeated points, touching and
    /// crossing edges are common), on a lattice a few units in the last place apart at Jiaxing's longitudes
    /// (so the floating-point filter is at its limit), and as random convex polygons.
    static func randomAreas(count: Int, seed: UInt64) -> [MultiPolygon] {
        var random = SeededGenerator(seed: seed)
        var areas: [MultiPolygon] = []
        for k in 0..<count {
            let n = 3 + Int(random.next() % 7)
            var points: [Point] = []
            switch k % 3 {
            case 0:
                for _ in 0..<n { points.append(Point(x: Double(random.next() % 4), y: Double(random.next() % 4))) }
            case 1:
                let ulp = 120.0.ulp
                for _ in 0..<n {
                    points.append(Point(x: 120.75 + Double(random.next() % 4) * ulp, y: 30.5 + Double(random.next() % 4) * ulp))
                }
            default:
                let angles = (0..<n).map { _ in random.unit() * 2 * .pi }.sorted()
                points = angles.map { Point(x: 120.75 + 0.003 * cos($0), y: 30.5 + 0.002 * sin($0)) }
            }
            points.append(points[0])
            areas.append(MultiPolygon([Polygon(exterior: Ring(points))]))
        }
        return areas
    }

    @Test func whatTheProofAcceptsGEOSFindsValid() throws {
        let areas = Self.randomAreas(count: 3_000, seed: 0x5EED_0001)
        let invalid = Set(try BoundaryLayer.invalidAreas(areas, threads: 2, proving: false).map(\.index))
        let proven = areas.indices.filter { SimpleRingProof.isProvablyValid(areas[$0]) }
        #expect(proven.filter { invalid.contains($0) } == [])
        // Not vacuous: the random set holds both kinds, and the proof accepts most valid ones.
        #expect(invalid.count > 500 && proven.count > 800, "\(invalid.count) invalid, \(proven.count) proven")
    }

    @Test func layerCheckedWithTheProofReportsWhatGEOSAloneReports() throws {
        let areas = Self.randomAreas(count: 3_000, seed: 0x5EED_0002)
        let withProof = try BoundaryLayer.invalidAreas(areas, threads: 2).map { "\($0)" }
        let geosAlone = try BoundaryLayer.invalidAreas(areas, threads: 2, proving: false).map { "\($0)" }
        #expect(withProof == geosAlone)
        #expect(!withProof.isEmpty)
    }
}
