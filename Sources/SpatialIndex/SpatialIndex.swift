// SpatialIndex: the point-in-polygon core.
//
// - PolygonIndex.swift: the public index (`PolygonIndex`), its semantics, single and batch queries.
// - PolygonIndexBuilder.swift: builds the bucket grid, sub-grids and leaves from a layer.
// - EdgeTable.swift: the layer's edges flattened into arrays, and the exact per-polygon reference test.
// - OverlapDetection.swift: finds pairs of input polygons that overlap with positive area.
// - Orientation.swift: the robust orient2d predicate (filter + exact expansion arithmetic).
