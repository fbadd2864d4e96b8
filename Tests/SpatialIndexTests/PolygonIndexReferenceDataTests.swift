import GeoCore
import Testing
import TestSupport
@testable import SpatialIndex

/// The repository's reference boundaries against the exact brute-force oracle.
@Suite struct PolygonIndexReferenceDataTests {
    /// Every point gets the half-open rule's answer; points on no boundary get the polygon whose winding
    /// number is nonzero (what GEOS `contains` says for valid polygons).
    func check(_ layer: [MultiPolygon], points: Int, seed: UInt64) throws -> (inside: Int, outside: Int) {
        let index = try PolygonIndex(layer: layer)
        let oracle = ExactOracle(layer)
        var inside = 0
        for p in TestLayers.randomPoints(in: TestLayers.bounds(layer), count: points, seed: seed) {
            let got = index.locate(p)
            #expect(got == oracle.expected(p), "point \(p)")
            if let interior = oracle.interiorContainment(p) { #expect(got == interior, "point \(p)") }
            if got >= 0 { inside += 1 }
        }
        // Vertices of the layer lie on boundaries: the rule still decides them exactly like the oracle.
        for multi in layer.prefix(20) {
            for ring in multi.polygons.flatMap(\.rings) {
                for p in ring.points.enumerated().filter({ $0.offset % 17 == 0 }).map(\.element) {
                    #expect(index.locate(p) == oracle.expected(p), "vertex \(p)")
                }
            }
        }
        return (inside, points - inside)
    }

    @Test func jiaxingDistricts() throws {
        let districts = try TestLayers.load("jiaxing.geojson", level: "district")
        #expect(districts.count == 7)
        let index = try PolygonIndex(layer: districts)
        #expect(index.overlappingPairs.count == 0, "\(index.overlappingPairs)")
        let (inside, outside) = try check(districts, points: 15_000, seed: 42)
        #expect(inside > 5_000 && outside > 1_000)
    }

    @Test func zhejiangCounties() throws {
        let counties = try TestLayers.load("zhejiang_counties.geojson")
        #expect(counties.count == 90)
        let (inside, outside) = try check(counties, points: 3_000, seed: 43)
        #expect(inside > 1_000 && outside > 300)
    }

    /// A square grid (0.02°, about 2 km) over Jiaxing clipped to the districts: thousands of cells sharing
    /// edges, ragged pieces along the district borders.
    @Test func clippedGridOverJiaxing() throws {
        let districts = try TestLayers.load("jiaxing.geojson", level: "district")
        let box = TestLayers.bounds(districts)
        let step = 0.02
        var cells: [MultiPolygon] = []
        let columns = Int((box.width / step).rounded(.up)), rows = Int((box.height / step).rounded(.up))
        for d in districts {
            let dbox = d.boundingBox
            for j in 0..<rows {
                for i in 0..<columns {
                    let square = BoundingBox(minX: box.minX + Double(i) * step, minY: box.minY + Double(j) * step,
                                             maxX: box.minX + Double(i + 1) * step, maxY: box.minY + Double(j + 1) * step)
                    guard square.intersects(dbox) else { continue }
                    let parts = d.polygons.compactMap { TestLayers.clip($0, to: square) }
                    if !parts.isEmpty { cells.append(MultiPolygon(parts)) }
                }
            }
        }
        #expect(cells.count > 1_000)
        let index = try PolygonIndex(layer: cells)
        let oracle = ExactOracle(cells)
        let points = TestLayers.randomPoints(in: box, count: 10_000, seed: 44)
        let assignment = index.assign(x: points.map(\.x), y: points.map(\.y), threads: 2)
        for (k, p) in points.enumerated() {
            #expect(assignment[k] == oracle.expected(p), "point \(p)")
        }
        // Points exactly on the grid's lines and corners: each lands where the oracle's rule puts it.
        var rng = SeededGenerator(seed: 45)
        for _ in 0..<2_000 {
            let i = Int.random(in: 0...columns, using: &rng), j = Int.random(in: 0...rows, using: &rng)
            let x = box.minX + Double(i) * step, y = box.minY + Double(j) * step
            for p in [Point(x: x, y: y), Point(x: x, y: y + step * Double.random(in: 0..<1, using: &rng)),
                      Point(x: x + step * Double.random(in: 0..<1, using: &rng), y: y)] {
                #expect(index.locate(p) == oracle.expected(p), "point \(p)")
            }
        }
    }
}
