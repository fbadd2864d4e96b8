import Foundation
import GeoCore
import Testing
import TestSupport
@testable import SpatialIndex

/// The convex fast path of overlap detection: a separating edge proves two cells disjoint, and only
/// rings that are really convex may use it.
@Suite struct OverlapDetectionTests {
    @Test func convexOrientationRecognisesOnlyConvexRings() {
        let square = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0), (0.0, 0.0)]
        #expect(convexOrientation(TestLayers.multi(square)) == 1)
        #expect(convexOrientation(TestLayers.multi(square.reversed())) == -1)
        // A collinear vertex and a repeated point keep it convex.
        #expect(convexOrientation(TestLayers.multi([(0, 0), (0.5, 0), (1, 0), (1, 0), (1, 1), (0, 1), (0, 0)])) == 1)
        // Every turn of a pentagram has the same sign, but it winds twice.
        let star = (0..<5).map { k -> (Double, Double) in
            let angle = Double(k * 2) * 2 * Double.pi / 5
            return (cos(angle), sin(angle))
        }
        #expect(convexOrientation(TestLayers.multi(star + [star[0]])) == 0)
        #expect(convexOrientation(TestLayers.multi([(0, 0), (2, 0), (2, 1), (1, 1), (1, 2), (0, 2), (0, 0)])) == 0)
        // A spike out and back along one line.
        #expect(convexOrientation(TestLayers.multi([(0, 0), (1, 0), (2, 0), (1, 0), (1, 1), (0, 1), (0, 0)])) == 0)
        #expect(convexOrientation(TestLayers.multi(square, holes: [[(0.2, 0.2), (0.4, 0.2), (0.4, 0.4), (0.2, 0.2)]])) == 0)
        #expect(convexOrientation(MultiPolygon([TestLayers.square(0, 0, 1, 1), TestLayers.square(2, 0, 3, 1)])) == 0)
    }

    @Test func convexCellsAreSeparatedOnlyWhenDisjoint() throws {
        // Neighbours sharing an edge or a corner, a cell overlapping another by a sliver, one inside another.
        let layer = [
            MultiPolygon([TestLayers.square(100, 30, 101, 31)]),
            MultiPolygon([TestLayers.square(101, 30, 102, 31)]),
            MultiPolygon([TestLayers.square(101, 31, 102, 32)]),
            MultiPolygon([TestLayers.square(101.999, 30.5, 103, 31.5)]),
            MultiPolygon([TestLayers.square(100.25, 30.25, 100.75, 30.75)]),
        ]
        let index = try PolygonIndex(layer: layer)
        #expect(index.overlappingPairs.map { [$0.0, $0.1] } == [[0, 4], [1, 3], [2, 3]])
    }
}
