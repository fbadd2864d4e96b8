import Foundation
import GeoCore
import Testing
import TestSupport
@testable import SpatialIndex

/// Hand-built layers with known answers: shared edges and vertices, degenerate edges, holes, large inputs.
@Suite struct PolygonIndexConstructedTests {
    /// A 3 × 3 tiling of unit squares with its lower-left corner at (100, 30), cell index = row * 3 + column.
    static let tiling: [MultiPolygon] = (0..<3).flatMap { r in
        (0..<3).map { c in
            MultiPolygon([TestLayers.square(100 + Double(c), 30 + Double(r), 101 + Double(c), 31 + Double(r))])
        }
    }

    @Test func interiorPointsOfATiling() throws {
        let index = try PolygonIndex(layer: Self.tiling)
        #expect(index.polygonCount == 9)
        #expect(index.overlappingPairs.isEmpty)
        for r in 0..<3 {
            for c in 0..<3 {
                #expect(index.locate(Point(x: 100.5 + Double(c), y: 30.5 + Double(r))) == Int32(r * 3 + c))
            }
        }
        #expect(index.locate(Point(x: 99.5, y: 30.5)) == -1)
        #expect(index.locate(Point(x: 103.5, y: 31.5)) == -1)
    }

    /// Every vertex and edge point of the tiling lands in exactly one cell: the one up and to the right
    /// (the half-open rule moves the point by an infinitesimal +x, +y); the top and right rims are outside.
    @Test func sharedEdgesAndVerticesGoToExactlyOneCell() throws {
        let index = try PolygonIndex(layer: Self.tiling)
        let oracle = ExactOracle(Self.tiling)
        for i in 0...6 {
            for j in 0...6 {
                let p = Point(x: 100 + Double(i) / 2, y: 30 + Double(j) / 2)
                let column = i / 2, row = j / 2
                let expected: Int32 = column < 3 && row < 3 ? Int32(row * 3 + column) : -1
                #expect(index.locate(p) == expected, "point \(p)")
                #expect(oracle.allHalfOpen(p).count == (expected >= 0 ? 1 : 0), "point \(p)")
            }
        }
    }

    @Test func collinearVerticesHorizontalEdgesAndSpikes() throws {
        // An L-shape with collinear vertices on its edges, horizontal edges, and a zero-width spike out of its top.
        let shape = TestLayers.multi([
            (110, 30), (110.5, 30), (111, 30), (112, 30), (112, 31), (111, 31), (111, 32),
            (110.5, 32), (110.5, 33.5), (110.5, 32), (110, 32), (110, 31), (110, 30.5),
        ])
        let index = try PolygonIndex(layer: [shape])
        #expect(index.locate(Point(x: 110.25, y: 30.25)) == 0)
        #expect(index.locate(Point(x: 111.5, y: 30.5)) == 0)
        #expect(index.locate(Point(x: 111.5, y: 31.5)) == -1)    // the notch of the L
        #expect(index.locate(Point(x: 110.5, y: 33)) == -1)      // on the spike: no area
        #expect(index.locate(Point(x: 110.5000001, y: 33)) == -1)
        #expect(index.locate(Point(x: 110.25, y: 30)) == 0)      // bottom edge: shifted up, inside
        #expect(index.locate(Point(x: 110.25, y: 32)) == -1)     // top edge: shifted up, outside
        #expect(index.locate(Point(x: 110, y: 31)) == 0)         // left edge: shifted right, inside
        #expect(index.locate(Point(x: 112, y: 30.5)) == -1)      // right edge: shifted right, outside
        let oracle = ExactOracle([shape])
        for p in TestLayers.randomPoints(in: shape.boundingBox, count: 3000, seed: 7) {
            #expect(index.locate(p) == oracle.expected(p), "point \(p)")
        }
    }

    @Test func holesAndIslandsInHoles() throws {
        let ring = TestLayers.multi([(100, 30), (104, 30), (104, 34), (100, 34)], holes: [[(101, 31), (103, 31), (103, 33), (101, 33)]])
        let island = MultiPolygon([TestLayers.square(101.5, 31.5, 102.5, 32.5)])
        let index = try PolygonIndex(layer: [ring, island])
        #expect(index.locate(Point(x: 100.5, y: 30.5)) == 0)
        #expect(index.locate(Point(x: 101.2, y: 31.2)) == -1)    // in the hole
        #expect(index.locate(Point(x: 102, y: 32)) == 1)         // on the island inside the hole
        #expect(index.locate(Point(x: 101, y: 32)) == -1)        // on the hole's left edge: shifted right, in the hole
        #expect(index.locate(Point(x: 103, y: 32)) == 0)         // on the hole's right edge: shifted right, in the ring
        #expect(index.overlappingPairs.isEmpty)
    }

    @Test func polygonWithOneHundredThousandVertices() throws {
        // A wobbly circle: the radius alternates so the boundary is ragged at every vertex.
        let n = 100_000
        var points: [Point] = []
        for k in 0..<n {
            let t = Double(k) / Double(n) * 2 * Double.pi
            let r = k % 2 == 0 ? 1.0 : 0.999
            points.append(Point(x: 120 + r * cos(t), y: 30 + r * sin(t)))
        }
        points.append(points[0])
        let layer = [MultiPolygon([Polygon(exterior: Ring(points))])]
        let index = try PolygonIndex(layer: layer)
        let oracle = ExactOracle(layer)
        #expect(index.locate(Point(x: 120, y: 30)) == 0)
        #expect(index.locate(Point(x: 121.5, y: 30)) == -1)
        var inside = 0
        for p in TestLayers.randomPoints(in: layer[0].boundingBox, count: 200, seed: 11) {
            let got = index.locate(p)
            #expect(got == oracle.expected(p), "point \(p)")
            if got == 0 { inside += 1 }
        }
        #expect(inside > 120 && inside < 190)
        // Points on the ragged rim, exactly at vertices.
        for k in stride(from: 0, to: n, by: 2003) {
            #expect(index.locate(points[k]) == oracle.expected(points[k]), "vertex \(k)")
        }
    }

    @Test func multiPolygonWithAThousandParts() throws {
        var parts: [Polygon] = []
        for k in 0..<1000 {
            let x = 100 + Double(k % 40) * 0.1, y = 30 + Double(k / 40) * 0.1
            parts.append(TestLayers.square(x, y, x + 0.05, y + 0.05))
        }
        let other = MultiPolygon([TestLayers.square(96, 30, 99, 33)])
        let index = try PolygonIndex(layer: [other, MultiPolygon(parts)])
        #expect(index.locate(Point(x: 100.025, y: 30.025)) == 1)
        #expect(index.locate(Point(x: 100.075, y: 30.025)) == -1)   // between parts
        #expect(index.locate(Point(x: 103.925, y: 32.425)) == 1)    // the last part
        #expect(index.locate(Point(x: 97, y: 31)) == 0)
        #expect(index.overlappingPairs.isEmpty)
    }

    @Test func emptyLayerPutsEverythingOutside() throws {
        let index = try PolygonIndex(layer: [])
        #expect(index.polygonCount == 0)
        #expect(index.locate(Point(x: 120, y: 30)) == -1)
        #expect(index.assign(x: [0, 1, .nan], y: [0, 1, 2]) == [-1, -1, -1])
        let counts = index.counts(of: [-1, -1])
        #expect(counts.perPolygon.isEmpty && counts.outside == 2)
        let emptyPolygons = try PolygonIndex(layer: [MultiPolygon([]), MultiPolygon([])])
        #expect(emptyPolygons.locate(Point(x: 0, y: 0)) == -1)
    }

    @Test func nonFiniteCoordinatesAreOutside() throws {
        let index = try PolygonIndex(layer: Self.tiling)
        let bad: [Double] = [.nan, .infinity, -.infinity, 100.5]
        let result = index.assign(x: bad + [100.5, 100.5, 100.5], y: [30.5, 30.5, 30.5, .nan, .infinity, -.infinity, 30.5], threads: 2)
        #expect(result == [-1, -1, -1, -1, -1, -1, 0])
        #expect(index.polygons(containing: Point(x: .nan, y: 30)).isEmpty)
    }

    @Test func nonFiniteLayerCoordinateIsAnError() {
        let layer = [TestLayers.multi([(100, 30), (101, 30), (101, 31)]), TestLayers.multi([(100, 30), (.nan, 30), (101, 31)])]
        #expect(throws: PolygonIndexError(polygon: 1, part: 0, ring: 0, vertex: 1, problem: "coordinate is not a finite number")) {
            try PolygonIndex(layer: layer)
        }
        // A large polygon (the overlap search bands its edges) beside another it overlaps, on two threads: the
        // search that starts beside the edge table must stop at the bad coordinate, not trap on it.
        let ring = (0..<200).map { k -> (Double, Double) in
            let angle = Double(k) * .pi / 100
            return k == 150 ? (.nan, 30.5) : (100.5 + 0.4 * cos(angle), 30.5 + 0.4 * sin(angle))
        }
        let big = [TestLayers.multi([(100, 30), (101, 30), (101, 31), (100, 31)]), TestLayers.multi(ring)]
        #expect(throws: PolygonIndexError(polygon: 1, part: 0, ring: 0, vertex: 150, problem: "coordinate is not a finite number")) {
            try PolygonIndex(layer: big, threads: 2)
        }
    }

    @Test func overlappingPolygonsAreReportedAndLowestIndexWins() throws {
        let layer = [
            MultiPolygon([TestLayers.square(100, 30, 102, 32)]),   // 0
            MultiPolygon([TestLayers.square(101, 31, 103, 33)]),   // 1 overlaps 0
            MultiPolygon([TestLayers.square(102, 30, 103, 31)]),   // 2 touches 0 and 1 only along edges
            MultiPolygon([TestLayers.square(100, 30, 102, 32)]),   // 3 identical to 0
            TestLayers.multi([(104, 30), (106, 30), (106, 32)]),   // 4 inscribed in 5, every vertex on 5's rim
            MultiPolygon([TestLayers.square(104, 30, 106, 32)]),   // 5
            MultiPolygon([TestLayers.square(100.5, 30.5, 101, 31)]), // 6 nested in 0 and 3
        ]
        let index = try PolygonIndex(layer: layer)
        let pairs = Set(index.overlappingPairs.map { [$0.0, $0.1] })
        #expect(pairs == [[0, 1], [0, 3], [1, 3], [4, 5], [0, 6], [3, 6]])
        #expect(index.locate(Point(x: 101.5, y: 31.5)) == 0)
        #expect(index.locate(Point(x: 102.5, y: 32.5)) == 1)
        #expect(index.locate(Point(x: 100.75, y: 30.75)) == 0)
        #expect(index.locate(Point(x: 105.5, y: 30.5)) == 4)
        #expect(index.locate(Point(x: 104.5, y: 31.5)) == 5)
        #expect(index.polygons(containing: Point(x: 101.5, y: 31.5)) == [0, 1, 3])
        let xs = [101.5, 102.5, 100.75, 105.5, 104.5, 102.5, 99]
        let ys = [31.5, 32.5, 30.75, 30.5, 31.5, 30.5, 30]
        let assignment = index.assign(x: xs, y: ys)
        #expect(assignment == [0, 1, 0, 4, 5, 2, -1])
        #expect(index.overlapAffectedCount(x: xs, y: ys, assignment: assignment) == 3)
    }

    @Test func pointsAFewULPsFromAnEdgeAgreeWithExactOrientation() throws {
        // A slanted shared edge between two triangles; probe points within a few ULPs of it.
        let a = Point(x: 120, y: 30), b = Point(x: 121, y: 32)
        let layer = [
            TestLayers.multi([(a.x, a.y), (b.x, b.y), (120, 32)]),   // left of a→b
            TestLayers.multi([(a.x, a.y), (121, 30), (b.x, b.y)]),   // right of a→b
        ]
        let index = try PolygonIndex(layer: layer)
        let oracle = ExactOracle(layer)
        var onLine = 0, left = 0, right = 0
        // t = k/256 puts the unshifted probe exactly on the edge; t = k/199 lands it off by rounding.
        for k in 1..<400 {
            let t = k < 256 ? Double(k) / 256 : Double(k - 255) / 199
            let y = a.y + (b.y - a.y) * t
            var x = a.x + (b.x - a.x) * t
            for _ in 0..<4 { x = x.nextDown }
            for _ in 0..<9 {
                let p = Point(x: x, y: y)
                let got = index.locate(p)
                #expect(got == oracle.expected(p), "point \(p)")
                let side = ExactOracle.orient(ExactOracle.exact(a.x), ExactOracle.exact(a.y), ExactOracle.exact(b.x),
                                              ExactOracle.exact(b.y), ExactOracle.exact(x), ExactOracle.exact(y))
                // Strictly left: polygon 0; on the edge or right: polygon 1 (the +x shift).
                #expect(got == (side > 0 ? 0 : 1), "point \(p)")
                if side > 0 { left += 1 } else if side < 0 { right += 1 } else { onLine += 1 }
                x = x.nextUp
            }
        }
        #expect(left > 0 && right > 0 && onLine > 0)
    }

    @Test func orientationPredicateMatchesExactIntegers() {
        var rng = SeededGenerator(seed: 5)
        for _ in 0..<20_000 {
            // Nearly collinear triples: c on the line a→b, nudged by a few ULPs.
            let ax = Double.random(in: 119...121, using: &rng), ay = Double.random(in: 29...31, using: &rng)
            let bx = Double.random(in: 119...121, using: &rng), by = Double.random(in: 29...31, using: &rng)
            let t = Double.random(in: -1...2, using: &rng)
            var cx = ax + (bx - ax) * t, cy = ay + (by - ay) * t
            for _ in 0..<Int.random(in: 0..<4, using: &rng) { cx = cx.nextUp }
            for _ in 0..<Int.random(in: 0..<4, using: &rng) { cy = cy.nextDown }
            let e = ExactOracle.exact
            #expect(orientationSign(ax, ay, bx, by, cx, cy)
                    == ExactOracle.orient(e(ax), e(ay), e(bx), e(by), e(cx), e(cy)))
        }
    }

    @Test func countsPerPolygon() throws {
        let index = try PolygonIndex(layer: Self.tiling)
        let counts = index.counts(of: [0, 0, 8, -1, 4, -1, 8])
        #expect(counts.perPolygon == [2, 0, 0, 0, 1, 0, 0, 0, 2])
        #expect(counts.outside == 2)
    }
}
