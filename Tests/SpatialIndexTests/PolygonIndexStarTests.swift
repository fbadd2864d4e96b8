import Foundation
import GeoCore
import Testing
@testable import SpatialIndex

/// Star leaves (three or four cells meeting at a vertex inside a leaf, nothing else near) decide points near the
/// rays by orientation tests from a compact record; every answer must still be the exact one, on the rays, on
/// their extensions behind the vertex, a hair off them and at the vertex itself.
@Suite struct PolygonIndexStarTests {
    /// A coordinate the exact oracle can hold (a multiple of 2^-48).
    static func exact(_ v: Double) -> Double { (v * 0x1p48).rounded() / 0x1p48 }

    /// Points around (vx, vy): on 64 directions (the rays' among them) at radii from 10^-13 to 0.3, and the vertex.
    static func probes(around vx: Double, _ vy: Double) -> [Point] {
        var points = [Point(x: vx, y: vy)]
        for radius in [1e-13, 1e-11, 1e-9, 3e-7, 1e-5, 1e-4, 1e-3, 0.01, 0.05, 0.3] {
            for k in 0..<64 {
                let angle = Double(k) * .pi / 32
                points.append(Point(x: exact(vx + radius * cos(angle)), y: exact(vy + radius * sin(angle))))
            }
        }
        return points
    }

    /// Whether the leaf holding (x, y) got a star record.
    static func isStar(_ index: PolygonIndex, at x: Double, _ y: Double) -> Bool {
        let (bucket, _) = BucketArithmetic(index.geometry).bucketAndMicroCell(x, y)
        let entry = index.grid[Int(bucket)]
        guard entry >> entryTagShift == leafTag else { return false }
        let offset = Int(index.summaries.base[Int(entry & entryPayloadMask) * summaryWords + arenaOffsetWord] & 0xFFFF_FFFF)
        return index.arena.base[offset] & starMarker != 0
    }

    @Test func fourCellsMeetingAtAGridCorner() throws {
        // A 4 × 4 tiling of unequal rows and columns; its inner corners lie inside buckets.
        let xs = [100.0, 100.3125, 100.4375, 100.75, 101.0], ys = [30.0, 30.25, 30.3984375, 30.6875, 31.0]
        var cells: [MultiPolygon] = []
        for r in 0..<4 {
            for c in 0..<4 { cells.append(MultiPolygon([TestLayers.square(xs[c], ys[r], xs[c + 1], ys[r + 1])])) }
        }
        let index = try PolygonIndex(layer: cells, parameters: BuildParameters(bucketsPerEdge: 3, threads: 2))
        var stars = 0, points: [Point] = []
        for x in xs.dropFirst().dropLast() {
            for y in ys.dropFirst().dropLast() {
                if Self.isStar(index, at: x, y) { stars += 1 }
                points += Self.probes(around: x, y)
            }
        }
        // Most of the nine inner corners become stars (one lying within 128 margins of a bucket side may not).
        #expect(stars >= 6, "only \(stars) of 9 corners became star leaves")
        PolygonIndexSummaryTests.expectExactAnswers(cells, points: points, index: index, context: "grid corners")
    }

    @Test func threeCellsMeetingAtAY() throws {
        // Rays up, down-left and down-right from V (in the middle of a bucket), each sector under a half turn.
        let (vx, vy) = (100.5, 30.546875)
        let top = 31.0, low = 30.203125
        let a = TestLayers.multi([(vx, vy), (vx, top), (100, top), (100, low)])
        let b = TestLayers.multi([(vx, vy), (101, low), (101, top), (vx, top)])
        let c = TestLayers.multi([(vx, vy), (100, low), (100, 30), (101, 30), (101, low)])
        let cells = [a, b, c]
        let index = try PolygonIndex(layer: cells, parameters: BuildParameters(bucketsPerEdge: 8, threads: 2))
        #expect(Self.isStar(index, at: vx, vy))
        PolygonIndexSummaryTests.expectExactAnswers(cells, points: Self.probes(around: vx, vy), index: index, context: "vertex")
    }

    @Test func straightJunctionIsNotAStar() throws {
        // A T: two of the three sectors meet in a straight line (a half turn), so the sector tests could not
        // tell them apart; such a leaf keeps its edges.
        let (vx, vy) = (100.5, 30.5)
        let cells = [TestLayers.multi([(100, 30), (vx, 30), (vx, vy), (vx, 31), (100, 31)]),
                     TestLayers.multi([(vx, 30), (101, 30), (101, vy), (vx, vy)]),
                     TestLayers.multi([(vx, vy), (101, vy), (101, 31), (vx, 31)])]
        let index = try PolygonIndex(layer: cells, parameters: BuildParameters(bucketsPerEdge: 8, threads: 2))
        #expect(!Self.isStar(index, at: vx, vy))
        PolygonIndexSummaryTests.expectExactAnswers(cells, points: Self.probes(around: vx, vy), index: index, context: "vertex")
    }
}
