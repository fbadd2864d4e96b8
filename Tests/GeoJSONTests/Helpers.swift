import GeoCore
import GeoJSON

/// Parses GeoJSON text as if it were a file called `test.geojson`.
func parse(_ text: String, checksCoordinateRange: Bool = true) throws(GeoJSONError) -> FeatureCollection {
    try GeoJSONReader(checksCoordinateRange: checksCoordinateRange).parse(bytes: Array(text.utf8),
                                                                          sourceName: "test.geojson")
}

/// The error parsing `text` throws, or `nil` when it parses.
func parseError(_ text: String) -> GeoJSONError? {
    do {
        _ = try parse(text)
        return nil
    } catch {
        return error
    }
}

/// A closed ring through `coordinates` (the first position is repeated at the end).
func ring(_ coordinates: [(Double, Double)]) -> Ring {
    let points = coordinates.map { Point(x: $0.0, y: $0.1) }
    return Ring(points + [points[0]])
}

extension Geometry {
    var polygons: [Polygon] {
        switch self {
        case .point, .lineString: []
        case .polygon(let polygon): [polygon]
        case .multiPolygon(let multi): multi.polygons
        }
    }
}
