// Grid: generated square and hexagon grids clipped to boundaries.
//
//   GridFrame      ─ the lattice in the projection: pinned origin, row/column numbering, ids, cell polygons,
//                    `cellIndex(ofProjected:)` for assigning points arithmetically
//   GridGenerator  ─ `generate(boundaries:parameters:)`: candidate cells per boundary, GEOS clipping,
//                    sliver report, back to longitude/latitude
