/// Spatial weights from polygons and points: which units are neighbours (queen and rook contiguity, distance
/// bands, k nearest neighbours), as Stats' `SpatialWeights`.
public enum Neighbours {}
