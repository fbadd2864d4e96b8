import CGEOS
import GeoCore

/// A geometry owned by GEOS, destroyed exactly once when this object goes away.
///
/// Make one from GeoCore values with `GEOSContext.geometry(_:)`; read a result back with
/// `multiPolygon()` or `pointOnSurface()`. Not `Sendable`: it belongs to its context's thread.
/// Operations combining two geometries require both to come from the same context.
public final class GEOSGeometry {
    /// The context that made this geometry; kept alive as long as the geometry is.
    public let context: GEOSContext
    let pointer: OpaquePointer

    init(owning pointer: OpaquePointer, in context: GEOSContext) {
        self.pointer = pointer
        self.context = context
    }

    deinit {
        GEOSGeom_destroy_r(context.handle, pointer)
    }

    private var handle: GEOSContextHandle_t { context.handle }

    private func checkSameContext(_ other: GEOSGeometry, _ operation: String) {
        precondition(other.context === context, "\(operation): geometries from different GEOS contexts")
    }

    // MARK: Measures and validity

    /// Area in squared coordinate units (holes subtracted).
    public func area() throws -> Double {
        var area = 0.0
        // 1 on success, 0 on exception.
        guard GEOSArea_r(handle, pointer, &area) == 1 else { throw context.failure("area") }
        return area
    }

    /// Whether the geometry has no points at all (e.g. an intersection of disjoint areas).
    public func isEmpty() throws -> Bool {
        // 1 true, 0 false, 2 exception.
        try context.predicate(GEOSisEmpty_r(handle, pointer), "isEmpty")
    }

    /// Whether the geometry is valid in the OGC sense (no self-intersections, holes inside shells, …).
    public func isValid() throws -> Bool {
        // 1 true, 0 false, 2 exception.
        try context.predicate(GEOSisValid_r(handle, pointer), "isValid")
    }

    /// GEOS's explanation, "Valid Geometry" or e.g. "Self-intersection[121.2 30.7]".
    public func validityReason() throws -> String {
        // NULL on exception; the caller frees the string with GEOSFree_r.
        guard let reason = GEOSisValidReason_r(handle, pointer) else { throw context.failure("isValidReason") }
        defer { GEOSFree_r(handle, reason) }
        return String(cString: reason)
    }

    /// The smallest axis-aligned box around the geometry (`BoundingBox.empty` for an empty geometry).
    public func envelope() throws -> BoundingBox {
        if try isEmpty() { return .empty }
        var minX = 0.0, minY = 0.0, maxX = 0.0, maxY = 0.0
        // 1 on success, 0 on exception (including empty input, excluded above).
        guard GEOSGeom_getExtent_r(handle, pointer, &minX, &minY, &maxX, &maxY) == 1 else {
            throw context.failure("envelope")
        }
        return BoundingBox(minX: minX, minY: minY, maxX: maxX, maxY: maxY)
    }

    /// A point guaranteed to lie in the interior of a polygonal geometry.
    public func pointOnSurface() throws -> Point {
        // NULL on exception; the caller destroys the result.
        let point = try context.owned(GEOSPointOnSurface_r(handle, pointer), "pointOnSurface")
        return try point.point()
    }

    /// The coordinates of a point geometry.
    public func point() throws -> Point {
        var x = 0.0, y = 0.0
        // 1 on success, 0 on exception (not a point, or empty).
        guard GEOSGeomGetX_r(handle, pointer, &x) == 1 else { throw context.failure("read point x") }
        guard GEOSGeomGetY_r(handle, pointer, &y) == 1 else { throw context.failure("read point y") }
        return Point(x: x, y: y)
    }

    // MARK: Constructive operations

    /// How `makeValid` decides what is inside.
    public enum MakeValidMethod: Sendable {
        /// GEOS's default: node all rings and rebuild polygons from the linework. Areas covered by two
        /// overlapping parts count as outside (even-odd), as in PostGIS `ST_MakeValid`.
        case linework
        /// Repair each ring, union the shells and subtract the holes: overlapping parts merge.
        case structure
    }

    /// A valid geometry for this one (GEOS `MakeValid`). The result may be a collection with lines or points
    /// besides polygons (collapsed parts); `multiPolygon()` keeps the polygonal parts.
    public func makeValid(method: MakeValidMethod = .linework) throws -> GEOSGeometry {
        if method == .linework {
            // NULL on exception; the caller destroys the result.
            return try context.owned(GEOSMakeValid_r(handle, pointer), "makeValid")
        }
        // NULL on exception; destroyed with GEOSMakeValidParams_destroy_r.
        guard let parameters = GEOSMakeValidParams_create_r(handle) else { throw context.failure("makeValid parameters") }
        defer { GEOSMakeValidParams_destroy_r(handle, parameters) }
        // Both: 1 on success, 0 on exception.
        guard GEOSMakeValidParams_setMethod_r(handle, parameters, GEOS_MAKE_VALID_STRUCTURE) == 1,
              GEOSMakeValidParams_setKeepCollapsed_r(handle, parameters, 0) == 1 else {
            throw context.failure("makeValid parameters")
        }
        // NULL on exception; the caller destroys the result.
        return try context.owned(GEOSMakeValidWithParams_r(handle, pointer, parameters), "makeValid")
    }

    /// The points common to both geometries.
    public func intersection(_ other: GEOSGeometry) throws -> GEOSGeometry {
        checkSameContext(other, "intersection")
        // NULL on exception (e.g. a TopologyException on invalid input); the caller destroys the result.
        return try context.owned(GEOSIntersection_r(handle, pointer, other.pointer), "intersection")
    }

    /// The points of this geometry that are not in `other`.
    public func difference(_ other: GEOSGeometry) throws -> GEOSGeometry {
        checkSameContext(other, "difference")
        // NULL on exception (e.g. a TopologyException on invalid input); the caller destroys the result.
        return try context.owned(GEOSDifference_r(handle, pointer, other.pointer), "difference")
    }

    /// The points of either geometry.
    public func union(_ other: GEOSGeometry) throws -> GEOSGeometry {
        checkSameContext(other, "union")
        // NULL on exception; the caller destroys the result.
        return try context.owned(GEOSUnion_r(handle, pointer, other.pointer), "union")
    }

    /// The union of this geometry's own parts (dissolves overlapping polygons of a collection).
    public func unaryUnion() throws -> GEOSGeometry {
        // NULL on exception; the caller destroys the result.
        try context.owned(GEOSUnaryUnion_r(handle, pointer), "unaryUnion")
    }

    /// An independent copy owned by the same context.
    public func copy() throws -> GEOSGeometry {
        // NULL on exception; the caller destroys the result.
        try context.owned(GEOSGeom_clone_r(handle, pointer), "clone")
    }

    // MARK: Predicates

    /// Whether the geometries share at least one point (boundaries included).
    public func intersects(_ other: GEOSGeometry) throws -> Bool {
        checkSameContext(other, "intersects")
        // 1 true, 0 false, 2 exception.
        return try context.predicate(GEOSIntersects_r(handle, pointer, other.pointer), "intersects")
    }

    /// Whether no point of `other` lies outside this geometry (a point on the boundary is covered).
    public func covers(_ other: GEOSGeometry) throws -> Bool {
        checkSameContext(other, "covers")
        // 1 true, 0 false, 2 exception.
        return try context.predicate(GEOSCovers_r(handle, pointer, other.pointer), "covers")
    }

    /// Whether `other` lies in this geometry with at least one interior point in common
    /// (a point on the boundary is not contained).
    public func contains(_ other: GEOSGeometry) throws -> Bool {
        checkSameContext(other, "contains")
        // 1 true, 0 false, 2 exception.
        return try context.predicate(GEOSContains_r(handle, pointer, other.pointer), "contains")
    }

    /// An index over this geometry for answering many point queries quickly.
    public func prepared() throws -> GEOSPreparedGeometry {
        // NULL on exception; destroy with GEOSPreparedGeom_destroy_r before this base geometry.
        guard let prepared = GEOSPrepare_r(handle, pointer) else { throw context.failure("prepare") }
        return GEOSPreparedGeometry(owning: prepared, base: self)
    }
}

@available(*, unavailable, message: "a GEOS geometry must stay on its context's thread")
extension GEOSGeometry: Sendable {}
