import GeoCore
import Testing
import TestSupport
@testable import SpatialIndex

/// Seeded random tilings: every point of the union is counted exactly once, vertices and edges included.
@Suite struct PolygonIndexPropertyTests {
    /// An irregular tiling: a grid whose shared vertices are jittered (up to a quarter of the spacing, so
    /// every quadrilateral stays simple); neighbours share their edges exactly. Returns the cells and the
    /// tiling's outline as one polygon.
    static func jitteredTiling(columns: Int, rows: Int, seed: UInt64) -> (cells: [MultiPolygon], outline: MultiPolygon) {
        var rng = SeededGenerator(seed: seed)
        let sx = 1.0 / Double(columns), sy = 1.0 / Double(rows)
        var vertex = [[Point]]()
        for j in 0...rows {
            var row: [Point] = []
            for i in 0...columns {
                var x = 100 + Double(i) * sx, y = 30 + Double(j) * sy
                // Keep some vertices on the lattice so that horizontal and vertical edges occur too.
                if Int.random(in: 0..<4, using: &rng) != 0 {
                    x += Double.random(in: -0.25...0.25, using: &rng) * sx
                    y += Double.random(in: -0.25...0.25, using: &rng) * sy
                }
                row.append(Point(x: x, y: y))
            }
            vertex.append(row)
        }
        var cells: [MultiPolygon] = []
        for j in 0..<rows {
            for i in 0..<columns {
                let ring = [vertex[j][i], vertex[j][i + 1], vertex[j + 1][i + 1], vertex[j + 1][i], vertex[j][i]]
                cells.append(MultiPolygon([Polygon(exterior: Ring(ring))]))
            }
        }
        var outline: [Point] = []
        for i in 0...columns { outline.append(vertex[0][i]) }
        for j in 1...rows { outline.append(vertex[j][columns]) }
        for i in stride(from: columns - 1, through: 0, by: -1) { outline.append(vertex[rows][i]) }
        for j in stride(from: rows - 1, through: 0, by: -1) { outline.append(vertex[j][0]) }
        return (cells, MultiPolygon([Polygon(exterior: Ring(outline))]))
    }

    /// Probe points: uniform ones, every vertex, and points on edges (exactly on them when the arithmetic
    /// happens to be exact, which it is for the lattice-aligned edges).
    static func probes(_ cells: [MultiPolygon], seed: UInt64, random: Int) -> [Point] {
        var points = TestLayers.randomPoints(in: TestLayers.bounds(cells), count: random, seed: seed)
        for cell in cells {
            let ring = cell.polygons[0].exterior.points
            for k in 0..<(ring.count - 1) {
                let a = ring[k], b = ring[k + 1]
                points.append(a)
                points.append(Point(x: (a.x + b.x) / 2, y: (a.y + b.y) / 2))
                points.append(Point(x: a.x + (b.x - a.x) / 4, y: a.y + (b.y - a.y) / 4))
            }
        }
        return points
    }

    @Test(arguments: [(UInt64(1), 23, 17), (2, 40, 40), (3, 7, 61)])
    func everyPointOfTheUnionIsCountedExactlyOnce(seed: UInt64, columns: Int, rows: Int) throws {
        let (cells, outline) = Self.jitteredTiling(columns: columns, rows: rows, seed: seed)
        let index = try PolygonIndex(layer: cells)
        #expect(index.overlappingPairs.isEmpty)
        let oracle = ExactOracle(cells)
        let union = ExactOracle([outline])
        let points = Self.probes(cells, seed: seed, random: 3000)
        let assignment = index.assign(x: points.map(\.x), y: points.map(\.y), threads: 2)
        var inside = 0
        for (k, p) in points.enumerated() {
            let holders = oracle.allHalfOpen(p)
            let inUnion = union.expected(p) == 0
            #expect(holders.count == (inUnion ? 1 : 0), "point \(p) held by \(holders)")
            #expect(assignment[k] == (holders.first.map(Int32.init) ?? -1), "point \(p)")
            if inUnion { inside += 1 }
        }
        let counts = index.counts(of: assignment)
        #expect(counts.perPolygon.reduce(0, +) == inside)
        #expect(counts.outside == points.count - inside)
    }

    @Test func multiThreadedAssignmentEqualsSingleThreaded() throws {
        let (cells, _) = Self.jitteredTiling(columns: 50, rows: 50, seed: 9)
        let index = try PolygonIndex(layer: cells, threads: 2)
        let single = try PolygonIndex(layer: cells, threads: 1)
        let points = TestLayers.randomPoints(in: TestLayers.bounds(cells), count: 60_000, seed: 10)
        let xs = points.map(\.x), ys = points.map(\.y)
        let one = index.assign(x: xs, y: ys, threads: 1)
        #expect(index.assign(x: xs, y: ys, threads: 2) == one)
        #expect(index.assign(x: xs, y: ys, threads: 7) == one)
        #expect(single.assign(x: xs, y: ys, threads: 2) == one)
        #expect(one.enumerated().allSatisfy { $0.element == index.locate(points[$0.offset]) })
    }
}
