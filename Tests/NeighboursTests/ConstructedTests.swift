import GeoCore
import Neighbours
import Projection
import Stats
import Testing

/// Small layers whose answers are known by construction: corners, slivers, holes, parts and islands.
struct ConstructedTests {
    static let utm = TransverseMercator.utm(zone: 51)

    /// A lon/lat rectangle from its corners (exact coordinates, so neighbours share identical vertices).
    static func box(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double) -> Polygon {
        Polygon(exterior: Ring([Point(x: x0, y: y0), Point(x: x1, y: y0), Point(x: x1, y: y1), Point(x: x0, y: y1),
                                Point(x: x0, y: y0)]))
    }

    /// A rectangle given in UTM 51 metres around Jiaxing, as lon/lat.
    static func metres(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double) -> MultiPolygon {
        let e = 300_000.0, n = 3_400_000.0
        let corners = [Point(x: e + x0, y: n + y0), Point(x: e + x1, y: n + y0), Point(x: e + x1, y: n + y1),
                       Point(x: e + x0, y: n + y1), Point(x: e + x0, y: n + y0)]
        return MultiPolygon([Polygon(exterior: Ring(corners.map(utm.inverse)))])
    }

    static func lists(_ weights: SpatialWeights) -> [[Int]] {
        (0..<weights.count).map { weights.neighbours(of: $0).map { Int($0) } }
    }

    @Test func cornerOnlyIsQueenNotRook() {
        let layer = [MultiPolygon([Self.box(120, 30, 120.01, 30.01)]), MultiPolygon([Self.box(120.01, 30.01, 120.02, 30.02)])]
        #expect(Self.lists(Neighbours.contiguity(layer, .queen)) == [[1], [0]])
        let rook = Neighbours.contiguity(layer, .rook)
        #expect(Self.lists(rook) == [[], []])
        #expect(rook.islands == [0, 1])
    }

    @Test func sliverGapNeedsSnap() throws {
        // 100 m squares 1 m apart side by side (0–1), and a third diagonal to the second, 1 m off its corner.
        let layer = [Self.metres(0, 0, 100, 100), Self.metres(101, 0, 201, 100), Self.metres(202, 101, 302, 201)]
        let projection = Neighbours.projection(for: layer)
        #expect(Self.lists(Neighbours.contiguity(layer, .queen)) == [[], [], []])
        #expect(Self.lists(Neighbours.contiguity(layer, .queen, snap: 0.5, projection: projection)) == [[], [], []])
        #expect(Self.lists(Neighbours.contiguity(layer, .queen, snap: 2, projection: projection)) == [[1], [0, 2], [1]])
        // Rook with snap wants a stretch, not a corner: the side-by-side pair only.
        #expect(Self.lists(Neighbours.contiguity(layer, .rook, snap: 2, projection: projection)) == [[1], [0], []])
        #expect(try Neighbours.weights(NeighbourRule(parsing: "rook", snap: 2), polygons: layer)
                == Neighbours.contiguity(layer, .rook, snap: 2, projection: projection))
    }

    @Test func snapKeepsExactNeighbours() throws {
        // Snapping only adds links: on the grid every exact pair is still there, and 1 m adds none between
        // 500 m cells that do not touch.
        let grid = try ReferenceData.grid()
        let projection = Neighbours.projection(for: grid)
        for rule in Contiguity.allCases {
            let exact = Neighbours.contiguity(grid, rule)
            #expect(Neighbours.contiguity(grid, rule, snap: 1, projection: projection) == exact)
        }
    }

    @Test func holeRingsCount() {
        // A frame with a square hole, the square filling it, and a unit far away.
        let frame = Polygon(exterior: Self.box(120, 30, 120.03, 30.03).exterior,
                            holes: [Self.box(120.01, 30.01, 120.02, 30.02).exterior.reversed()])
        let layer = [MultiPolygon([frame]), MultiPolygon([Self.box(120.01, 30.01, 120.02, 30.02)]),
                     MultiPolygon([Self.box(121, 31, 121.01, 31.01)])]
        for rule in Contiguity.allCases {
            let weights = Neighbours.contiguity(layer, rule)
            #expect(Self.lists(weights) == [[1], [0], []])
            #expect(weights.islands == [2])
        }
    }

    @Test func everyPartOfAMultipolygonCounts() {
        // Unit 0 has a second part that shares an edge with unit 2; its first part shares an edge with unit 1.
        let layer = [MultiPolygon([Self.box(120, 30, 120.01, 30.01), Self.box(120.05, 30, 120.06, 30.01)]),
                     MultiPolygon([Self.box(120.01, 30, 120.02, 30.01)]),
                     MultiPolygon([Self.box(120.06, 30, 120.07, 30.01)])]
        #expect(Self.lists(Neighbours.contiguity(layer, .rook)) == [[1, 2], [0], [0]])
    }

    @Test func rookCountsTheJointBetweenRingsAsLibpysal() {
        // libpysal chains all rings of a unit into one sequence, so the step from the end of one part to the start
        // of the next is an "edge" too (checked with libpysal 4.14.1: Rook says these two are neighbours).
        let a = MultiPolygon([Polygon(exterior: Ring([Point(x: 0, y: 0), Point(x: 0, y: -1), Point(x: -1, y: -1),
                                                      Point(x: 0, y: 0)])),
                              Polygon(exterior: Ring([Point(x: 10, y: 0), Point(x: 11, y: -1), Point(x: 10, y: -1),
                                                      Point(x: 10, y: 0)]))])
        let b = MultiPolygon([Polygon(exterior: Ring([Point(x: 0, y: 0), Point(x: 10, y: 0), Point(x: 5, y: 5),
                                                      Point(x: 0, y: 0)]))])
        #expect(Self.lists(Neighbours.contiguity([a, b], .rook)) == [[1], [0]])
    }

    @Test func negativeZeroIsZero() {
        let a = MultiPolygon([Self.box(-0.01, 0, 0.0, 0.01)])
        let b = MultiPolygon([Polygon(exterior: Ring([Point(x: -0.0, y: 0), Point(x: 0.01, y: 0), Point(x: 0.01, y: 0.01),
                                                      Point(x: -0.0, y: 0.01), Point(x: -0.0, y: 0)]))])
        #expect(Self.lists(Neighbours.contiguity([a, b], .rook)) == [[1], [0]])
    }

    @Test func islandsStayEmptyWhenStandardised() throws {
        let layer = [Self.metres(0, 0, 100, 100), Self.metres(100, 0, 200, 100), Self.metres(5000, 0, 5100, 100)]
        let weights = try Neighbours.weights(.distanceBand(metres: 150), polygons: layer)
        #expect(Self.lists(weights) == [[1], [0], []])
        #expect(weights.islands == [2])
        #expect(weights.rowStandardised.weights(of: 2).isEmpty)
    }

    @Test func distanceBandIsInclusiveAndSkipsCoincidentPoints() {
        // As libpysal: d ≤ threshold counts, d = 0 does not (its sparse distance matrix holds no zeros).
        let points = [Point(x: 0, y: 0), Point(x: 0, y: 0), Point(x: 1, y: 0), Point(x: 3, y: 0)]
        #expect(Self.lists(Neighbours.distanceBand(points: points, threshold: 1)) == [[2], [2], [0, 1], []])
    }

    @Test func nearestBreaksTiesByIndex() {
        // Four points at distance 1 from the centre: the two listed first win.
        let points = [Point(x: 0, y: 0), Point(x: 1, y: 0), Point(x: -1, y: 0), Point(x: 0, y: 1), Point(x: 0, y: -1)]
        let weights = Neighbours.nearest(points: points, k: 2)
        #expect(Self.lists(weights) == [[1, 2], [0, 3], [0, 3], [0, 1], [0, 1]])
        #expect(!weights.isSymmetric)
    }

    @Test func nearestAgreesWithBruteForce() {
        var generator = SplitMix(seed: 7)
        // Random points, a column of evenly spaced ones (ties) and a duplicate.
        let points = (0..<1000).map { _ in Point(x: generator.unit() * 1000, y: generator.unit() * 300) }
            + (0..<50).map { Point(x: 500, y: Double($0)) } + [Point(x: 500, y: 10)]
        let weights = [1, 5, 12].map { Neighbours.nearest(points: points, k: $0) }
        for i in stride(from: 0, to: points.count, by: 5) {
            let order = points.indices.filter { $0 != i }
                .map { (d: distance(points[i], points[$0]), j: $0) }
                .sorted { ($0.d, $0.j) < ($1.d, $1.j) }
            for (w, k) in zip(weights, [1, 5, 12]) {
                #expect(w.neighbours(of: i).map { Int($0) } == order.prefix(k).map(\.j).sorted())
            }
        }
    }

    @Test func knnNeedsMoreUnitsThanK() {
        let layer = [Self.metres(0, 0, 100, 100), Self.metres(100, 0, 200, 100)]
        #expect(throws: NeighbourRuleError("knn:2 needs more than 2 units; the layer has 2")) {
            try Neighbours.weights(.nearest(k: 2), polygons: layer)
        }
        #expect(throws: NeighbourRuleError.self) { try Neighbours.weights(.contiguity(.queen, snap: -1), polygons: layer) }
        #expect(throws: NeighbourRuleError.self) { try Neighbours.weights(.distanceBand(metres: .nan), polygons: layer) }
    }

    @Test func anEmptyUnitIsAnIsland() throws {
        // No vertices, no centroid: no neighbours by any rule, and no crash.
        let layer = [Self.metres(0, 0, 100, 100), MultiPolygon([]), Self.metres(100, 0, 200, 100)]
        #expect(Self.lists(try Neighbours.weights(.distanceBand(metres: 500), polygons: layer)) == [[2], [], [0]])
        #expect(Self.lists(try Neighbours.weights(.nearest(k: 1), polygons: layer)) == [[2], [], [0]])
        #expect(Self.lists(try Neighbours.weights(.contiguity(.queen, snap: 0), polygons: layer)) == [[2], [], [0]])
    }
}

/// A small seeded generator for the brute-force comparison.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func unit() -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
    }
}
