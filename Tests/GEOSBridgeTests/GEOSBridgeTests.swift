import GEOSBridge
import GeoCore
import Testing

/// Conversions, operations and error reporting on small hand-made shapes with known answers.
@Suite struct GEOSBridgeTests {
    /// A 10 × 10 square with a 2 × 2 hole: area 96.
    let framed = Polygon(exterior: ring([(0, 0), (10, 0), (10, 10), (0, 10)]),
                         holes: [ring([(4, 4), (4, 6), (6, 6), (6, 4)])])
    /// A self-intersecting "bow-tie": two triangles of area 1 meeting at (1, 1).
    let bowTie = Polygon(exterior: ring([(0, 0), (2, 2), (2, 0), (0, 2)]))

    @Test func polygonWithHoleRoundTrips() throws {
        let context = try GEOSContext()
        let geometry = try context.geometry(framed)
        #expect(try geometry.area() == 96)
        #expect(try geometry.isValid())
        #expect(try geometry.validityReason() == "Valid Geometry")
        #expect(try geometry.multiPolygon() == MultiPolygon([framed]))
        #expect(try geometry.envelope() == BoundingBox(minX: 0, minY: 0, maxX: 10, maxY: 10))
    }

    @Test func pointRoundTrips() throws {
        let context = try GEOSContext()
        let point = Point(x: 120.755, y: 30.746)
        #expect(try context.geometry(point).point() == point)
        #expect(try context.geometry(point).multiPolygon() == MultiPolygon([]))
    }

    @Test func holeIsOutsideButItsBorderIsCovered() throws {
        let context = try GEOSContext()
        let geometry = try context.geometry(framed)
        let prepared = try geometry.prepared()
        #expect(try prepared.contains(Point(x: 1, y: 1)))
        #expect(try !prepared.contains(Point(x: 5, y: 5)))          // in the hole
        #expect(try !prepared.contains(Point(x: 4, y: 5)))          // on the hole's border
        #expect(try prepared.covers(Point(x: 4, y: 5)))
        #expect(try prepared.intersects(Point(x: 4, y: 5)))
        #expect(try !prepared.covers(Point(x: 11, y: 5)))
        let border = try context.geometry(Point(x: 10, y: 3))
        #expect(try !geometry.contains(border))
        #expect(try geometry.covers(border))
        #expect(try geometry.intersects(border))
    }

    @Test func intersectionAndUnionOfOverlappingSquares() throws {
        let context = try GEOSContext()
        let a = try context.geometry(square(0, 0, 2, 2))
        let b = try context.geometry(square(1, 1, 3, 3))
        #expect(try a.intersects(b))
        #expect(try !a.contains(b))
        #expect(try a.intersection(b).area() == 1)
        #expect(try a.intersection(b).envelope() == BoundingBox(minX: 1, minY: 1, maxX: 2, maxY: 2))
        #expect(try a.union(b).area() == 7)
        let apart = try context.geometry(square(5, 5, 6, 6))
        let nothing = try a.intersection(apart)
        #expect(try nothing.isEmpty())
        #expect(try nothing.envelope() == .empty)
        #expect(try nothing.multiPolygon() == MultiPolygon([]))
    }

    @Test func differenceRemovesTheOtherArea() throws {
        let context = try GEOSContext()
        let a = try context.geometry(square(0, 0, 2, 2))
        let notch = try a.difference(try context.geometry(square(1, 1, 3, 3)))
        #expect(try notch.area() == 3)
        #expect(try notch.envelope() == BoundingBox(minX: 0, minY: 0, maxX: 2, maxY: 2))
        // A hole when the other lies inside; nothing when it covers.
        let ring = try a.difference(try context.geometry(square(0.5, 0.5, 1.5, 1.5))).multiPolygon()
        #expect(ring.polygons.count == 1 && ring.polygons[0].holes.count == 1)
        #expect(try a.difference(try context.geometry(square(-1, -1, 3, 3))).isEmpty())
    }

    @Test func touchingSquaresIntersectInALineWithNoPolygonalPart() throws {
        let context = try GEOSContext()
        let shared = try context.geometry(square(0, 0, 1, 1)).intersection(try context.geometry(square(1, 0, 2, 1)))
        #expect(try !shared.isEmpty())
        #expect(try shared.multiPolygon() == MultiPolygon([]))
    }

    @Test func unaryUnionDissolvesManyGeometries() throws {
        let context = try GEOSContext()
        let squares = try (0..<5).map { try context.geometry(square(Double($0), 0, Double($0) + 2, 1)) }
        let union = try context.unaryUnion(squares)
        #expect(try union.area() == 6)
        #expect(try union.multiPolygon().polygons.count == 1)
        #expect(try squares[0].area() == 2)  // inputs are untouched (the union used copies)
    }

    @Test func multiPolygonResultKeepsSeparateParts() throws {
        let context = try GEOSContext()
        let parts = MultiPolygon([square(0, 0, 1, 1), square(3, 0, 4, 2)])
        let clipped = try context.geometry(parts).intersection(try context.geometry(square(0.5, -1, 3.5, 1)))
        let result = try clipped.multiPolygon()
        #expect(result.polygons.count == 2)
        #expect(abs(result.area - 1) < 1e-12)
    }

    @Test func makeValidSplitsBowTieIntoTwoTriangles() throws {
        let context = try GEOSContext()
        let geometry = try context.geometry(bowTie)
        #expect(try !geometry.isValid())
        #expect(try geometry.validityReason().hasPrefix("Self-intersection"))
        let repaired = try geometry.makeValid()
        #expect(try repaired.isValid())
        let parts = try repaired.multiPolygon()
        #expect(parts.polygons.count == 2)
        #expect(abs(parts.area - 2) < 1e-12)
        #expect(try abs(repaired.area() - 2) < 1e-12)
        #expect(try context.geometry(parts).isValid())
    }

    @Test func malformedWellKnownTextThrowsWithGEOSMessage() throws {
        let context = try GEOSContext()
        let error = try #require(throws: GEOSError.self) { try context.geometry(wkt: "POLYGON ((0 0, 1 0, garbage") }
        #expect(!error.message.isEmpty)
        #expect(error.message.contains("ParseException"), "\(error.message)")
        // The context keeps working after an error, and the message does not leak into the next failure.
        #expect(try context.geometry(wkt: "POLYGON ((0 0, 1 0, 1 1, 0 0))").area() == 0.5)
    }

    @Test func bowTieIntersectionReportsTopologyError() throws {
        let context = try GEOSContext()
        let error = try #require(throws: GEOSError.self) {
            try context.geometry(bowTie).intersection(try context.geometry(square(0.5, -1, 3, 3)))
        }
        #expect(error.operation == "intersection")
        #expect(error.message.contains("TopologyException"), "\(error.message)")
    }

    @Test func openRingIsRejectedByGEOS() throws {
        let context = try GEOSContext()
        let open = Polygon(exterior: Ring([Point(x: 0, y: 0), Point(x: 1, y: 0), Point(x: 1, y: 1), Point(x: 0, y: 1)]))
        let error = try #require(throws: GEOSError.self) { try context.geometry(MultiPolygon([square(5, 5, 6, 6), open])) }
        #expect(error.operation == "convert polygon 1 exterior ring")
        #expect(error.message.contains("closed"), "\(error.message)")
    }

    @Test func twoPointHoleIsRejectedAndNamed() throws {
        let context = try GEOSContext()
        let polygon = Polygon(exterior: square(0, 0, 4, 4).exterior,
                              holes: [ring([(1, 1), (2, 1), (1, 2)]), Ring([Point(x: 3, y: 3), Point(x: 3, y: 3)])])
        let error = try #require(throws: GEOSError.self) { try context.geometry(polygon) }
        #expect(error.operation == "convert polygon hole 1")
        #expect(error.message.contains("LinearRing"), "\(error.message)")
    }

    @Test func threePointRingIsBuiltButInvalid() throws {
        // GEOS 3.11 constructs rings of three points (first = last) and leaves the verdict to validity checking.
        let context = try GEOSContext()
        let degenerate = Polygon(exterior: Ring([Point(x: 0, y: 0), Point(x: 1, y: 1), Point(x: 0, y: 0)]))
        let geometry = try context.geometry(degenerate)
        #expect(try !geometry.isValid())
        let reason = try geometry.validityReason()
        #expect(reason.hasPrefix("Too few points"), "\(reason)")
    }

    @Test func nonFiniteCoordinateIsRejectedBeforeGEOS() throws {
        let context = try GEOSContext()
        let broken = Polygon(exterior: ring([(0, 0), (1, .nan), (1, 1)]))
        let error = try #require(throws: GEOSError.self) { try context.geometry(broken) }
        #expect(error.operation == "convert polygon exterior ring")
        #expect(error.message.contains("point 1"))
    }

    @Test func libraryVersionIsReported() {
        #expect(GEOSContext.libraryVersion.hasPrefix("3."))
    }
}
