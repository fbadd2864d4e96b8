import GeoCore
import Testing

struct BoundingBoxTests {
    @Test func pointsUnionsAndContainment() {
        let box = BoundingBox([Point(x: 1, y: 5), Point(x: -2, y: 3), Point(x: 4, y: -1)])
        #expect(box == BoundingBox(minX: -2, minY: -1, maxX: 4, maxY: 5))
        #expect(box.width == 6 && box.height == 6 && box.center == Point(x: 1, y: 2))
        #expect(box.contains(Point(x: 4, y: 5)) && !box.contains(Point(x: 4.01, y: 0)))
        #expect(BoundingBox.empty.isEmpty && BoundingBox.empty.width == 0)
        #expect(BoundingBox.empty.union(box) == box)
        #expect(box.intersects(BoundingBox(minX: 4, minY: 5, maxX: 9, maxY: 9)))
        #expect(!box.intersects(BoundingBox(minX: 4.5, minY: 0, maxX: 9, maxY: 1)))
        #expect(box.expanded(by: 1) == BoundingBox(minX: -3, minY: -2, maxX: 5, maxY: 6))
    }
}

struct GeometryTests {
    let square = Polygon(exterior: Ring([Point(x: 0, y: 0), Point(x: 2, y: 0), Point(x: 2, y: 2), Point(x: 0, y: 2),
                                          Point(x: 0, y: 0)]))

    @Test func arealPartsAndBoxes() {
        #expect(Geometry.polygon(square).areal == MultiPolygon([square]))
        #expect(Geometry.point(Point(x: 1, y: 1)).areal == nil)
        #expect(Geometry.lineString([Point(x: 0, y: 0), Point(x: 3, y: -1)]).areal == nil)
        #expect(Geometry.lineString([Point(x: 0, y: 0), Point(x: 3, y: -1)]).boundingBox
            == BoundingBox(minX: 0, minY: -1, maxX: 3, maxY: 0))
        #expect(Geometry.polygon(square).boundingBox == BoundingBox(minX: 0, minY: 0, maxX: 2, maxY: 2))
    }

    @Test func ringOrientationAndArea() {
        // Counter-clockwise positive, clockwise negative (the shoelace formula); holes subtract.
        #expect(square.exterior.signedArea == 4 && square.exterior.isCounterClockwise)
        #expect(Ring(square.exterior.points.reversed()).signedArea == -4)
        let hole = Ring([Point(x: 0.5, y: 0.5), Point(x: 1, y: 0.5), Point(x: 1, y: 1), Point(x: 0.5, y: 1), Point(x: 0.5, y: 0.5)])
        #expect(Polygon(exterior: square.exterior, holes: [hole]).area == 3.75)
    }
}
