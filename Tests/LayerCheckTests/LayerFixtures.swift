import GeoCore
import GeoJSON
import LayerCheck
import Projection
import TestSupport

/// The committed fixtures (see Fixtures/make_fixtures.py) read into levels, and metric helpers.
enum LayerFixtures {
    static func path(_ name: String) -> String { Fixtures.repositoryRoot + "/Tests/LayerCheckTests/Fixtures/" + name }

    /// The fixtures are drawn in metres from this corner in UTM zone 51N.
    static let utm = TransverseMercator.utm(zone: 51)
    static let origin = Point(x: 284_000, y: 3_403_000)

    /// Metres from the fixtures' corner → longitude/latitude.
    static func lonLat(_ x: Double, _ y: Double) -> Point { utm.inverse(Point(x: origin.x + x, y: origin.y + y)) }

    /// Longitude/latitude → metres from the fixtures' corner.
    static func local(_ point: Point) -> Point {
        let m = utm.forward(point)
        return Point(x: m.x - origin.x, y: m.y - origin.y)
    }

    static func rectangle(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double) -> MultiPolygon {
        let corners = [(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)].map { lonLat($0.0, $0.1) }
        return MultiPolygon([Polygon(exterior: Ring(corners))])
    }

    /// A level from a fixture file: ids from `idField`, parent keys from `parentField` when given.
    static func level(_ file: String, name: String, idField: String, parentField: String? = nil) throws -> LayerLevel {
        let collection = try GeoJSONReader().read(path: path(file))
        let features = collection.features
        return try LayerLevel(
            name: name,
            ids: features.map { $0.properties[idField]?.identifierText ?? "" },
            polygons: features.map { $0.geometry?.areal ?? MultiPolygon([]) },
            parentKeys: parentField.map { field in features.map { $0.properties[field]?.identifierText } })
    }
}
