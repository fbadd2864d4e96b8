/// Spatial weights from polygons and points: which units are neighbours, as Stats' `SpatialWeights`, for Getis-Ord
/// Gi* and local Moran's I. Each rule gives what libpysal gives, so a hot-spot map can be checked against the tool
/// analysts already trust.
///
/// - `contiguity(_:_:)`: queen (a shared vertex) and rook (a shared edge) by identical coordinates, libpysal's rule.
/// - `contiguity(_:_:snap:projection:)`: the same, also joining boundaries within `snap` metres (official layers
///   rarely share identical vertices).
/// - `distanceBand(points:threshold:)` and `nearest(points:k:)`: centroid distance rules on planar points.
/// - `centroids(_:projection:)` and `projection(for:)`: area-weighted centroids in a local UTM plane, in metres.
/// - `weights(_:polygons:projection:)`: any `NeighbourRule` (parsed from `queen`, `rook`, `distance:1500`, `knn:8`).
///
/// Units that end without neighbours are islands (`SpatialWeights.islands`); nothing here hides them.
public enum Neighbours {}
