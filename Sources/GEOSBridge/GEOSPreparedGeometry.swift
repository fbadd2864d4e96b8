import CGEOS
import GeoCore

/// A GEOS prepared geometry: an index over a base geometry, built lazily on the first query, for
/// answering point-in-polygon questions for many points.
///
/// It keeps its base geometry alive and is destroyed before it (Swift releases `base` only after
/// `deinit` has run). Not `Sendable`: the lazy index makes even read-only use from two threads unsafe.
public final class GEOSPreparedGeometry {
    /// The geometry this index answers for.
    public let base: GEOSGeometry
    private let pointer: OpaquePointer

    init(owning pointer: OpaquePointer, base: GEOSGeometry) {
        self.pointer = pointer
        self.base = base
    }

    deinit {
        GEOSPreparedGeom_destroy_r(base.context.handle, pointer)
    }

    /// Whether `point` lies in the interior (a point on the boundary is not contained).
    public func contains(_ point: Point) throws -> Bool {
        // Shim over GEOSPreparedContainsXY_r (GEOS 3.12+) or a point + GEOSPreparedContains_r:
        // 1 true, 0 false, 2 exception.
        try base.context.predicate(
            heatgrid_prepared_contains_xy(base.context.handle, pointer, point.x, point.y), "prepared contains")
    }

    /// Whether `point` lies in the closed area (interior or boundary).
    public func covers(_ point: Point) throws -> Bool {
        // Shim over a point + GEOSPreparedCovers_r: 1 true, 0 false, 2 exception.
        try base.context.predicate(
            heatgrid_prepared_covers_xy(base.context.handle, pointer, point.x, point.y), "prepared covers")
    }

    /// Whether `point` touches the geometry at all; for a point this is the same answer as `covers`.
    public func intersects(_ point: Point) throws -> Bool {
        // Shim over GEOSPreparedIntersectsXY_r (GEOS 3.12+) or a point + GEOSPreparedIntersects_r:
        // 1 true, 0 false, 2 exception.
        try base.context.predicate(
            heatgrid_prepared_intersects_xy(base.context.handle, pointer, point.x, point.y), "prepared intersects")
    }

    /// Whether `other` lies in the base geometry with an interior point in common.
    public func contains(_ other: GEOSGeometry) throws -> Bool {
        precondition(other.context === base.context, "prepared contains: geometries from different GEOS contexts")
        // 1 true, 0 false, 2 exception.
        return try base.context.predicate(
            GEOSPreparedContains_r(base.context.handle, pointer, other.pointer), "prepared contains")
    }

    /// Whether `other` shares at least one point with the base geometry.
    public func intersects(_ other: GEOSGeometry) throws -> Bool {
        precondition(other.context === base.context, "prepared intersects: geometries from different GEOS contexts")
        // 1 true, 0 false, 2 exception.
        return try base.context.predicate(
            GEOSPreparedIntersects_r(base.context.handle, pointer, other.pointer), "prepared intersects")
    }
}

@available(*, unavailable, message: "a prepared geometry must stay on its context's thread")
extension GEOSPreparedGeometry: Sendable {}
