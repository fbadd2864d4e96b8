#ifndef HEATGRID_CGEOS_SHIM_H
#define HEATGRID_CGEOS_SHIM_H
// Only the reentrant (thread-safe, context-handle) API is visible to Swift.
#define GEOS_USE_ONLY_R_API
#include <geos_c.h>

#if GEOS_VERSION_MAJOR > 3 || (GEOS_VERSION_MAJOR == 3 && GEOS_VERSION_MINOR >= 12)
#define HEATGRID_GEOS_HAS_PREPARED_XY 1
#else
#define HEATGRID_GEOS_HAS_PREPARED_XY 0
#endif

// Point queries against a prepared geometry. GEOS 3.12 answers contains/intersects for a bare
// x/y without allocating; older GEOS needs a point geometry. A fresh point is built per query
// rather than moving one reused point, because GEOS caches a point's envelope at construction
// and the C API cannot invalidate it, so a moved point would be tested with its old envelope.
// All three return 1 true, 0 false, 2 exception (as the GEOSPrepared*_r functions do).

static inline char heatgrid_prepared_contains_xy(GEOSContextHandle_t handle, const GEOSPreparedGeometry *prepared,
                                                 double x, double y) {
#if HEATGRID_GEOS_HAS_PREPARED_XY
    return GEOSPreparedContainsXY_r(handle, prepared, x, y);
#else
    GEOSGeometry *point = GEOSGeom_createPointFromXY_r(handle, x, y); // NULL on error
    if (point == NULL) return 2;
    char result = GEOSPreparedContains_r(handle, prepared, point);
    GEOSGeom_destroy_r(handle, point);
    return result;
#endif
}

static inline char heatgrid_prepared_intersects_xy(GEOSContextHandle_t handle, const GEOSPreparedGeometry *prepared,
                                                   double x, double y) {
#if HEATGRID_GEOS_HAS_PREPARED_XY
    return GEOSPreparedIntersectsXY_r(handle, prepared, x, y);
#else
    GEOSGeometry *point = GEOSGeom_createPointFromXY_r(handle, x, y); // NULL on error
    if (point == NULL) return 2;
    char result = GEOSPreparedIntersects_r(handle, prepared, point);
    GEOSGeom_destroy_r(handle, point);
    return result;
#endif
}

// GEOS has no CoversXY; a point is covered exactly when it is in the closed area.
static inline char heatgrid_prepared_covers_xy(GEOSContextHandle_t handle, const GEOSPreparedGeometry *prepared,
                                               double x, double y) {
    GEOSGeometry *point = GEOSGeom_createPointFromXY_r(handle, x, y); // NULL on error
    if (point == NULL) return 2;
    char result = GEOSPreparedCovers_r(handle, prepared, point);
    GEOSGeom_destroy_r(handle, point);
    return result;
}
#endif
