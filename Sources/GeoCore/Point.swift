/// A position: longitude/latitude in degrees, or easting/northing in metres once projected.
///
/// `x` is always the horizontal axis (longitude, easting), as in GeoJSON.
public struct Point: Hashable, Sendable {
    public var x: Double
    public var y: Double

    @inlinable
    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }

    /// Both coordinates are finite numbers (neither NaN nor infinite).
    @inlinable
    public var isFinite: Bool { x.isFinite && y.isFinite }
}
