import CGEOS
import GeoCore

// Conversions between GeoCore values and GEOS geometries.
//
// Ownership: GEOS takes the coordinate sequence into a new ring, the rings into a new polygon and the
// polygons into a new collection, also when that constructor fails (it wraps them before validating).
// Until a part has been handed over it is ours, so a failure part-way destroys what was built so far.

extension GEOSContext {
    /// A GEOS point.
    public func geometry(_ point: Point) throws -> GEOSGeometry {
        // NULL on exception; the caller destroys the result.
        try owned(GEOSGeom_createPointFromXY_r(handle, point.x, point.y), "create point")
    }

    /// A GEOS polygon with the same exterior ring and holes. Rings must be closed with at least four points.
    public func geometry(_ polygon: Polygon) throws -> GEOSGeometry {
        GEOSGeometry(owning: try makePolygon(polygon, label: "polygon"), in: self)
    }

    /// A GEOS multipolygon with the same parts, in order.
    public func geometry(_ multiPolygon: MultiPolygon) throws -> GEOSGeometry {
        GEOSGeometry(owning: try makeMultiPolygon(multiPolygon, partPrefix: ""), in: self)
    }

    /// A geometry read from well-known text, e.g. `"POLYGON ((0 0, 1 0, 1 1, 0 0))"`.
    /// Malformed text throws with GEOS's parser message.
    public func geometry(wkt: String) throws -> GEOSGeometry {
        // NULL on exception; destroyed with GEOSWKTReader_destroy_r.
        guard let reader = GEOSWKTReader_create_r(handle) else { throw failure("create WKT reader") }
        defer { GEOSWKTReader_destroy_r(handle, reader) }
        // NULL on exception (parse error); the caller destroys the result.
        return try owned(GEOSWKTReader_read_r(handle, reader, wkt), "read WKT")
    }

    /// The union of all `geometries` (GEOS unary union over a collection of copies; inputs are untouched).
    public func unaryUnion(_ geometries: [GEOSGeometry]) throws -> GEOSGeometry {
        for geometry in geometries {
            precondition(geometry.context === self, "unaryUnion: geometry from a different GEOS context")
        }
        let collection = try makeCollection(type: GEOS_GEOMETRYCOLLECTION, label: "union input",
                                            count: geometries.count) { index in
            // NULL on exception; ownership passes to the collection.
            guard let copy = GEOSGeom_clone_r(handle, geometries[index].pointer) else {
                throw failure("copy union input \(index)")
            }
            return copy
        }
        return try GEOSGeometry(owning: collection, in: self).unaryUnion()
    }

    /// The union of all `areas`, dissolving shared borders and overlaps.
    public func unaryUnion(_ areas: [MultiPolygon]) throws -> GEOSGeometry {
        let collection = try makeCollection(type: GEOS_GEOMETRYCOLLECTION, label: "union input",
                                            count: areas.count) { try makeMultiPolygon(areas[$0], partPrefix: "area \($0) ") }
        return try GEOSGeometry(owning: collection, in: self).unaryUnion()
    }

    // MARK: Building blocks returning raw owned pointers

    /// `partPrefix` tells which input a failing part came from, e.g. "area 3 " → "area 3 polygon 0 hole 1".
    private func makeMultiPolygon(_ multiPolygon: MultiPolygon, partPrefix: String) throws -> OpaquePointer {
        try makeCollection(type: GEOS_MULTIPOLYGON, label: "\(partPrefix)multipolygon", count: multiPolygon.polygons.count) {
            try makePolygon(multiPolygon.polygons[$0], label: "\(partPrefix)polygon \($0)")
        }
    }

    /// A collection of `count` parts made by `part`, which returns owned pointers.
    private func makeCollection(type: GEOSGeomTypes, label: String, count: Int,
                                part: (Int) throws -> OpaquePointer) throws -> OpaquePointer {
        guard let count32 = UInt32(exactly: count) else {
            throw GEOSError(operation: "create \(label)", message: "\(count) parts is more than GEOS accepts")
        }
        var parts: [OpaquePointer?] = []
        parts.reserveCapacity(count)
        do {
            for index in 0..<count { parts.append(try part(index)) }
        } catch {
            for built in parts { GEOSGeom_destroy_r(handle, built) }
            throw error
        }
        // NULL on exception. Takes ownership of the parts (not of the array), even when it fails.
        let collection = parts.withUnsafeMutableBufferPointer {
            GEOSGeom_createCollection_r(handle, Int32(type.rawValue), $0.baseAddress, count32)
        }
        guard let collection else { throw failure("create \(label)") }
        return collection
    }

    private func makePolygon(_ polygon: Polygon, label: String) throws -> OpaquePointer {
        guard let holeCount = UInt32(exactly: polygon.holes.count) else {
            throw GEOSError(operation: "convert \(label)", message: "\(polygon.holes.count) holes is more than GEOS accepts")
        }
        let shell = try makeRing(polygon.exterior, label: "\(label) exterior ring")
        var holes: [OpaquePointer?] = []
        holes.reserveCapacity(polygon.holes.count)
        do {
            for (index, hole) in polygon.holes.enumerated() {
                holes.append(try makeRing(hole, label: "\(label) hole \(index)"))
            }
        } catch {
            GEOSGeom_destroy_r(handle, shell)
            for built in holes { GEOSGeom_destroy_r(handle, built) }
            throw error
        }
        // NULL on exception. Takes ownership of shell and holes (not of the array) when they are linear rings,
        // which they always are here.
        let created = holes.withUnsafeMutableBufferPointer {
            GEOSGeom_createPolygon_r(handle, shell, $0.baseAddress, holeCount)
        }
        guard let created else { throw failure("convert \(label)") }
        return created
    }

    private func makeRing(_ ring: Ring, label: String) throws -> OpaquePointer {
        guard let count = UInt32(exactly: ring.points.count) else {
            throw GEOSError(operation: "convert \(label)", message: "\(ring.points.count) points is more than GEOS accepts")
        }
        var coordinates: [Double] = []
        coordinates.reserveCapacity(ring.points.count * 2)
        for (index, point) in ring.points.enumerated() {
            guard point.isFinite else {
                throw GEOSError(operation: "convert \(label)", message: "point \(index) is not finite (\(point.x), \(point.y))")
            }
            coordinates.append(point.x)
            coordinates.append(point.y)
        }
        // NULL on exception. Copies the buffer; the caller owns the sequence.
        let sequence = coordinates.withUnsafeBufferPointer {
            GEOSCoordSeq_copyFromBuffer_r(handle, $0.baseAddress, count, 0, 0)
        }
        guard let sequence else { throw failure("convert \(label)") }
        // NULL on exception (fewer than four points, not closed). Takes ownership of the sequence, even on failure.
        guard let linearRing = GEOSGeom_createLinearRing_r(handle, sequence) else { throw failure("convert \(label)") }
        return linearRing
    }
}

extension GEOSGeometry {
    /// The polygonal parts of this geometry as a multipolygon: a polygon becomes one part, a multipolygon
    /// keeps its parts, a geometry collection (as `makeValid` or `intersection` can return) contributes its
    /// polygons and drops points and lines. Empty polygons are skipped; nothing polygonal gives no parts.
    public func multiPolygon() throws -> MultiPolygon {
        var polygons: [Polygon] = []
        try collectPolygons(pointer, into: &polygons)
        return MultiPolygon(polygons)
    }

    private func collectPolygons(_ geometry: OpaquePointer, into polygons: inout [Polygon]) throws {
        let handle = context.handle
        // The type number, -1 on exception.
        let type = GEOSGeomTypeId_r(handle, geometry)
        switch type {
        case Int32(GEOS_POLYGON.rawValue):
            if let polygon = try readPolygon(geometry) { polygons.append(polygon) }
        case Int32(GEOS_MULTIPOLYGON.rawValue), Int32(GEOS_GEOMETRYCOLLECTION.rawValue):
            // Number of direct children, -1 on exception.
            let count = GEOSGetNumGeometries_r(handle, geometry)
            guard count >= 0 else { throw context.failure("count parts") }
            for index in 0..<count {
                // Internal storage owned by the parent (do not free); NULL on exception.
                guard let part = GEOSGetGeometryN_r(handle, geometry, index) else { throw context.failure("read part \(index)") }
                try collectPolygons(part, into: &polygons)
            }
        case -1:
            throw context.failure("read geometry type")
        default:
            break  // points and lines carry no area
        }
    }

    /// The polygon's rings, or `nil` for an empty polygon.
    private func readPolygon(_ polygon: OpaquePointer) throws -> Polygon? {
        let handle = context.handle
        // Internal storage owned by the polygon (do not free); NULL on exception.
        guard let shell = GEOSGetExteriorRing_r(handle, polygon) else { throw context.failure("read exterior ring") }
        let exterior = try readRing(shell)
        guard !exterior.points.isEmpty else { return nil }
        // Number of holes, -1 on exception.
        let holeCount = GEOSGetNumInteriorRings_r(handle, polygon)
        guard holeCount >= 0 else { throw context.failure("count holes") }
        var holes: [Ring] = []
        holes.reserveCapacity(Int(holeCount))
        for index in 0..<holeCount {
            // Internal storage owned by the polygon (do not free); NULL on exception.
            guard let hole = GEOSGetInteriorRingN_r(handle, polygon, index) else { throw context.failure("read hole \(index)") }
            holes.append(try readRing(hole))
        }
        return Polygon(exterior: exterior, holes: holes)
    }

    private func readRing(_ ring: OpaquePointer) throws -> Ring {
        let handle = context.handle
        // Internal storage owned by the ring (do not free); NULL on exception.
        guard let sequence = GEOSGeom_getCoordSeq_r(handle, ring) else { throw context.failure("read ring coordinates") }
        var size: UInt32 = 0
        // 0 on exception.
        guard GEOSCoordSeq_getSize_r(handle, sequence, &size) != 0 else { throw context.failure("read ring size") }
        var coordinates = [Double](repeating: 0, count: Int(size) * 2)
        // 1 on success, 0 on error.
        let copied = coordinates.withUnsafeMutableBufferPointer {
            GEOSCoordSeq_copyToBuffer_r(handle, sequence, $0.baseAddress, 0, 0)
        }
        guard size == 0 || copied == 1 else { throw context.failure("copy ring coordinates") }
        var points: [Point] = []
        points.reserveCapacity(Int(size))
        for index in 0..<Int(size) {
            points.append(Point(x: coordinates[2 * index], y: coordinates[2 * index + 1]))
        }
        return Ring(points)
    }
}
