/// The geometries HeatGrid reads and writes: incident points and area polygons; and lines it writes (patrol routes).
public enum Geometry: Hashable, Sendable {
    case point(Point)
    /// A line through two or more positions (RFC 7946 LineString).
    case lineString([Point])
    case polygon(Polygon)
    case multiPolygon(MultiPolygon)

    /// The areal part as a multipolygon (a polygon becomes a one-part multipolygon); `nil` for a point.
    public var areal: MultiPolygon? {
        switch self {
        case .point, .lineString: nil
        case .polygon(let polygon): MultiPolygon([polygon])
        case .multiPolygon(let multi): multi
        }
    }

    public var boundingBox: BoundingBox {
        switch self {
        case .point(let p): BoundingBox([p])
        case .lineString(let points): BoundingBox(points)
        case .polygon(let polygon): polygon.boundingBox
        case .multiPolygon(let multi): multi.boundingBox
        }
    }
}
