import GeoCore
import Testing
import TestSupport
@testable import SpatialIndex

/// The leaf summaries (12 × 12 micro-cells answered without edges) must never change an answer: these
/// layers and points put edges across, along and near micro-cell sides at several bucket sizes.
@Suite struct PolygonIndexSummaryTests {
    /// An axis-aligned tiling: every edge exactly horizontal or vertical, many lying along bucket and
    /// micro-cell sides (the kind of edge a summary once left unmarked).
    static func squareTiling(columns: Int, rows: Int, cell: Double) -> [MultiPolygon] {
        var cells: [MultiPolygon] = []
        for r in 0..<rows {
            for c in 0..<columns {
                let x0: Double = 100 + Double(c) * cell, y0: Double = 30 + Double(r) * cell
                cells.append(MultiPolygon([TestLayers.square(x0, y0, x0 + cell, y0 + cell)]))
            }
        }
        return cells
    }

    /// Random points, plus points a hair (and a few micro-cells) above, below, left and right of every edge.
    static func probes(_ cells: [MultiPolygon], seed: UInt64, random: Int) -> [Point] {
        var points = TestLayers.randomPoints(in: TestLayers.bounds(cells), count: random, seed: seed)
        let box = TestLayers.bounds(cells)
        let offsets = [0x1p-40, 1e-7, 1e-4].flatMap { [$0 * box.width, -$0 * box.width] }
        for cell in cells {
            let ring = cell.polygons[0].exterior.points
            for k in 0..<(ring.count - 1) {
                let mid = Point(x: (ring[k].x + ring[k + 1].x) / 2, y: (ring[k].y + ring[k + 1].y) / 2)
                for d in offsets {
                    points.append(Point(x: mid.x + d, y: mid.y))
                    points.append(Point(x: mid.x, y: mid.y + d))
                }
            }
        }
        return points
    }

    static func expectAgreement(_ cells: [MultiPolygon], points: [Point], bucketsPerEdge: Double) throws {
        let index = try PolygonIndex(layer: cells, parameters: BuildParameters(bucketsPerEdge: bucketsPerEdge, threads: 2))
        expectExactAnswers(cells, points: points, index: index, context: "buckets per edge \(bucketsPerEdge)")
    }

    /// The batch and single-point answers of `index` for every point equal the exact oracle's.
    static func expectExactAnswers(_ cells: [MultiPolygon], points: [Point], index: PolygonIndex, context: String = "") {
        let oracle = ExactOracle(cells)
        let assignment = index.assign(x: points.map(\.x), y: points.map(\.y), threads: 2)
        var wrong = 0
        for (k, p) in points.enumerated() where assignment[k] != oracle.expected(p) {
            wrong += 1
            if wrong <= 3 { Issue.record("\(context): point \(p) got \(assignment[k]), expected \(oracle.expected(p))") }
        }
        #expect(wrong == 0)
        #expect(points.indices.allSatisfy { assignment[$0] == index.locate(points[$0]) })
    }

    @Test(arguments: [0.3, 1.0, 2.0, 3.7])
    func axisAlignedTilingAtSeveralBucketSizes(bucketsPerEdge: Double) throws {
        let cells = Self.squareTiling(columns: 24, rows: 17, cell: 0.01)
        try Self.expectAgreement(cells, points: Self.probes(cells, seed: 31, random: 6000), bucketsPerEdge: bucketsPerEdge)
    }

    @Test(arguments: [0.5, 1.0, 2.0, 3.0])
    func jitteredTilingAtSeveralBucketSizes(bucketsPerEdge: Double) throws {
        let (cells, _) = PolygonIndexPropertyTests.jitteredTiling(columns: 30, rows: 22, seed: 12)
        try Self.expectAgreement(cells, points: Self.probes(cells, seed: 32, random: 6000), bucketsPerEdge: bucketsPerEdge)
    }

    /// Four cells meeting near one corner of a single leaf: only three answers fit the summary's table, so the
    /// one covering the fewest micro-cells (the small bottom-left cell, met first in the summary's row order)
    /// must be the one left to the edges, and every answer must still be exact.
    @Test func answerTableKeepsTheThreeLargestAnswers() throws {
        // At (100, 30), where every double the probes make is a multiple of the exact oracle's 2^-48.
        let (x, y, v) = (100.0, 30.0, 0.1875)
        let cells = [TestLayers.square(x, y, x + v, y + v), TestLayers.square(x + v, y, x + 1, y + v),
                     TestLayers.square(x, y + v, x + v, y + 1), TestLayers.square(x + v, y + v, x + 1, y + 1)].map { MultiPolygon([$0]) }
        // One bucket for the whole layer, never subdivided: its summary sees all four cells.
        let index = try PolygonIndex(layer: cells, parameters: BuildParameters(bucketsPerEdge: 0.01, maxLeafEdges: 100, threads: 1))
        #expect(index.gridSize == (1, 1))
        let entry = index.grid[1 * 3 + 1]
        try #require(entry >> entryTagShift == leafTag)
        let line = Int(entry & entryPayloadMask) * summaryWords
        let table = [index.summaries.base[line + 5], index.summaries.base[line + 6]].flatMap {
            [Int32(truncatingIfNeeded: $0), Int32(truncatingIfNeeded: $0 >> 32)]
        }
        #expect(Set(table[0..<3]) == [1, 2, 3])
        try Self.expectAgreement(cells, points: Self.probes(cells, seed: 33, random: 4000), bucketsPerEdge: 0.01)
    }

    @Test func hugeAndTinyCoordinatesAreOutsideWithoutTrapping() throws {
        let index = try PolygonIndex(layer: Self.squareTiling(columns: 3, rows: 3, cell: 1))
        let xs: [Double] = [1e300, -1e300, 0x1p62, -0x1p62, .greatestFiniteMagnitude, 100.5, 100.5, 100.5, .leastNonzeroMagnitude]
        let ys: [Double] = [30.5, 30.5, 30.5, 30.5, 30.5, 1e300, -1e300, -.greatestFiniteMagnitude, 30.5]
        #expect(index.assign(x: xs, y: ys, threads: 1) == [Int32](repeating: -1, count: xs.count))
    }

    /// Clamped coordinates must land on the bordered grid, in a border bucket, however they round: every value
    /// at, just inside and just outside the clamp limits, and the extremes.
    @Test func bucketArithmeticKeepsEveryPointOnTheBorderedGrid() throws {
        let index = try PolygonIndex(layer: Self.squareTiling(columns: 7, rows: 5, cell: 0.01))
        let g = index.geometry, frame = BucketArithmetic(g)
        let gridCount = (g.nx + 2) * (g.ny + 2)
        func around(_ v: Double) -> [Double] { [v.nextDown.nextDown, v.nextDown, v, v.nextUp, v.nextUp.nextUp] }
        let xs = [-Double.infinity, -1e300, .nan, 1e300, .infinity, g.minX, g.maxX]
            + around(frame.lowX) + around(frame.highX) + around(g.minX - g.w) + around(g.maxX + g.w)
        let ys = [-Double.infinity, -1e300, .nan, 1e300, .infinity, g.minY, g.maxY]
            + around(frame.lowY) + around(frame.highY) + around(g.minY - g.h) + around(g.maxY + g.h)
        for x in xs {
            for y in ys {
                let (bucket, cell) = frame.bucketAndMicroCell(x, y)
                #expect(bucket < gridCount && cell < microSide * microSide, "(\(x), \(y))")
                let inside = x >= g.minX && x <= g.maxX && y >= g.minY && y <= g.maxY
                if !inside && bucket < gridCount {
                    #expect(index.grid[Int(bucket)] == outsideValue, "(\(x), \(y)) off the grid but in bucket \(bucket)")
                }
            }
        }
    }

    /// A result block of 32 MiB or more is mapped ahead of the workers' writes (`FreshBlock`; with two workers, one
    /// maps while the other starts): its answers must be those of the same points in small batches, to the last one,
    /// with one worker or two.
    @Test func largeResultsEqualSmallBatches() throws {
        let cells = Self.squareTiling(columns: 9, rows: 7, cell: 0.01)
        let index = try PolygonIndex(layer: cells)
        let sample = Self.probes(cells, seed: 33, random: 4000)
        let small = index.assign(x: sample.map(\.x), y: sample.map(\.y), threads: 2)
        let repeats = mappedAheadBytes / (4 * sample.count) + 1
        let xs = [[Double]](repeating: sample.map(\.x), count: repeats).flatMap { $0 }
        let ys = [[Double]](repeating: sample.map(\.y), count: repeats).flatMap { $0 }
        let large = index.assign(x: xs, y: ys, threads: 2)
        #expect(large.count * 4 >= mappedAheadBytes)
        #expect(large.indices.allSatisfy { large[$0] == small[$0 % small.count] })
        // One worker maps the whole block before it starts; the answers are the same.
        #expect(index.assign(x: xs, y: ys, threads: 1) == large)
    }

    @Test func bucketArithmeticHelpersAreExact() {
        // Every micro-cell column of the largest grid the builder makes.
        let largest = (BuildParameters().maxGridSide + 2) * microSide
        #expect((0..<largest).allSatisfy { bucketOfMicroColumn(UInt64($0)) == UInt64($0 / microSide) })
        // And beyond: the multiplication is exact up to 2^17, and fails soon after (so the bound is not loose).
        #expect((0..<(1 << 17)).allSatisfy { bucketOfMicroColumn(UInt64($0)) == UInt64($0 / microSide) })
        #expect(!(0..<(1 << 18)).allSatisfy { bucketOfMicroColumn(UInt64($0)) == UInt64($0 / microSide) })
        #expect([0.0, 1, 143, 16_793_603].map(lowWord) == [0, 1, 143, 16_793_603])
        for v in [0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.999999, 12.0, 4095.5, 49_000.75] {
            let f = floorOfSmall(v)
            // Ties may round down: an integer v may give v - 1 (a point on a cell side).
            #expect(f == Int(v.rounded(.down)) || (v == v.rounded() && f == Int(v) - 1), "\(v) gave \(f)")
        }
        #expect(spreadToEvenBits(0b1011) == 0b01_00_01_01)
        #expect(spreadToEvenBits(0xFFF) == 0x55_5555)
    }
}
