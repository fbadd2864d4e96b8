import GEOSBridge
import GeoCore
import Testing

/// Per-feature validity reports and repair of broken areas.
@Suite struct ValidationTests {
    let bowTie = MultiPolygon([Polygon(exterior: ring([(0, 0), (2, 2), (2, 0), (0, 2)]))])
    /// Two parts of one area overlapping in the unit square [1, 2]².
    let overlappingParts = MultiPolygon([square(0, 0, 2, 2), square(1, 1, 3, 3)])
    let holeOutsideShell = MultiPolygon([Polygon(exterior: square(0, 0, 2, 2).exterior,
                                                 holes: [square(5, 5, 6, 6).exterior])])
    /// A ring that passes through (1, 1) twice.
    let pinched = MultiPolygon([Polygon(exterior: ring([(0, 0), (2, 0), (1, 1), (2, 2), (0, 2), (1, 1)]))])

    @Test func reportsReasonAndLocationPerFeature() throws {
        let context = try GEOSContext()
        let open = MultiPolygon([Polygon(exterior: Ring([Point(x: 0, y: 0), Point(x: 1, y: 0), Point(x: 1, y: 1), Point(x: 0, y: 1)]))])
        let layer = [MultiPolygon([square(0, 0, 1, 1)]), bowTie, holeOutsideShell, open, overlappingParts, pinched]
        let report = try context.validate(layer)
        #expect(report.map(\.index) == Array(0..<6))
        #expect(report.map(\.isValid) == [true, false, false, false, false, false])

        #expect(report[0].reason == "Valid Geometry")
        #expect(report[0].location == nil)

        #expect(report[1].reason == "Self-intersection")
        #expect(report[1].location == Point(x: 1, y: 1))
        #expect(report[1].description == "area 1: Self-intersection at (1.0, 1.0)")

        #expect(report[2].reason == "Hole lies outside shell")
        #expect(report[2].location.map { square(5, 5, 6, 6).boundingBox.contains($0) } == true)

        #expect(report[3].reason.hasPrefix("cannot build: GEOS convert polygon 0 exterior ring failed"), "\(report[3].reason)")
        #expect(report[3].location == nil)

        #expect(report[4].reason == "Self-intersection")
        #expect(report[4].location.map { BoundingBox(minX: 1, minY: 1, maxX: 2, maxY: 2).contains($0) } == true)

        #expect(report[5].reason == "Ring Self-intersection")
        #expect(report[5].location == Point(x: 1, y: 1))
    }

    @Test func repairedBowTieIsTwoTriangles() throws {
        let context = try GEOSContext()
        let repaired = try context.repaired(bowTie)
        #expect(repaired.polygons.count == 2)
        #expect(abs(repaired.area - 2) < 1e-12)
        #expect(try context.validate([repaired]).first?.isValid == true)
    }

    @Test func repairedMergesOverlappingParts() throws {
        let context = try GEOSContext()
        let repaired = try context.repaired(overlappingParts)
        #expect(repaired.polygons.count == 1)
        #expect(abs(repaired.area - 7) < 1e-12)
        #expect(try context.geometry(repaired).isValid())
        // GEOS's default linework method treats the doubly covered square as outside instead.
        let linework = try context.geometry(overlappingParts).makeValid(method: .linework)
        #expect(try abs(linework.area() - 6) < 1e-12)
    }

    @Test func repairedPinchedRingKeepsItsArea() throws {
        let context = try GEOSContext()
        let repaired = try context.repaired(pinched)
        #expect(try context.geometry(repaired).isValid())
        #expect(abs(repaired.area - pinched.area) < 1e-12)
    }

    @Test func validAreaIsReturnedUnchanged() throws {
        let context = try GEOSContext()
        let area = MultiPolygon([Polygon(exterior: square(0, 0, 4, 4).exterior, holes: [square(1, 1, 2, 2).exterior])])
        #expect(try context.repaired(area) == area)
    }

    @Test func jiaxingDistrictsAreValid() throws {
        let context = try GEOSContext()
        let report = try context.validate(try JiaxingFixture.load().map(\.area))
        #expect(report.count == 8)
        for verdict in report { #expect(verdict.isValid, "\(verdict)") }
    }
}
