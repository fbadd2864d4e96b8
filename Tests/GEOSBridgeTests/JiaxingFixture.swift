import CGEOS
import Foundation
import GeoCore
import TestSupport
import Testing

/// One feature of geodata/jiaxing.geojson, read with Foundation so these tests do not depend on the
/// project's GeoJSON module.
struct JiaxingFeature {
    let name: String
    let area: MultiPolygon
}

enum JiaxingFixture {
    struct FormatError: Error, CustomStringConvertible {
        let description: String
    }

    static func load() throws -> [JiaxingFeature] {
        let path = Fixtures.geodata("jiaxing.geojson")
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let features = root["features"] as? [[String: Any]] else {
            throw FormatError(description: "\(path): no features array")
        }
        return try features.enumerated().map { index, feature in
            let properties = feature["properties"] as? [String: Any]
            let name = properties?["name"] as? String ?? "feature \(index)"
            guard let geometry = feature["geometry"] as? [String: Any],
                  let type = geometry["type"] as? String,
                  let coordinates = geometry["coordinates"] as? [Any] else {
                throw FormatError(description: "\(path): feature \(index) has no geometry")
            }
            switch type {
            case "Polygon": return JiaxingFeature(name: name, area: MultiPolygon([try polygon(coordinates, path)]))
            case "MultiPolygon":
                return JiaxingFeature(name: name, area: MultiPolygon(try coordinates.map { try polygon($0, path) }))
            default: throw FormatError(description: "\(path): feature \(index) is a \(type)")
            }
        }
    }

    private static func polygon(_ json: Any, _ path: String) throws -> Polygon {
        guard let rings = json as? [[[Double]]], !rings.isEmpty, rings.allSatisfy({ $0.allSatisfy { $0.count >= 2 } }) else {
            throw FormatError(description: "\(path): malformed polygon")
        }
        let converted = rings.map { Ring($0.map { Point(x: $0[0], y: $0[1]) }) }
        return Polygon(exterior: converted[0], holes: Array(converted.dropFirst()))
    }
}

/// Well-known text for a multipolygon. Swift prints doubles in their shortest exact form, so GEOS
/// reads back exactly the same coordinates.
func wellKnownText(_ multiPolygon: MultiPolygon) -> String {
    let polygons = multiPolygon.polygons.map { polygon in
        "(" + polygon.rings.map { ring in
            "(" + ring.points.map { "\($0.x) \($0.y)" }.joined(separator: ", ") + ")"
        }.joined(separator: ", ") + ")"
    }
    return "MULTIPOLYGON (" + polygons.joined(separator: ", ") + ")"
}

/// GEOS called directly, as the tests' independent oracle: its geometries come from WKT text rather
/// than the bridge's coordinate-buffer conversion, and nothing goes through the bridge's wrappers.
final class GEOSOracle {
    let handle: GEOSContextHandle_t
    private var geometries: [OpaquePointer] = []

    init() throws {
        handle = try #require(GEOS_init_r())
    }

    deinit {
        for geometry in geometries { GEOSGeom_destroy_r(handle, geometry) }
        GEOS_finish_r(handle)
    }

    /// A geometry that lives as long as the oracle.
    func read(_ wkt: String) throws -> OpaquePointer {
        let reader = try #require(GEOSWKTReader_create_r(handle))
        defer { GEOSWKTReader_destroy_r(handle, reader) }
        let geometry = try #require(GEOSWKTReader_read_r(handle, reader, wkt))
        geometries.append(geometry)
        return geometry
    }

    func area(_ geometry: OpaquePointer) throws -> Double {
        var area = 0.0
        try #require(GEOSArea_r(handle, geometry, &area) == 1)
        return area
    }

    func contains(_ geometry: OpaquePointer, _ point: Point) throws -> Bool {
        let probe = try #require(GEOSGeom_createPointFromXY_r(handle, point.x, point.y))
        defer { GEOSGeom_destroy_r(handle, probe) }
        let result = GEOSContains_r(handle, geometry, probe)
        try #require(result != 2)
        return result == 1
    }
}


/// `count` seeded points spread uniformly over `box`.
func seededPoints(_ count: Int, in box: BoundingBox, seed: UInt64) -> [Point] {
    var generator = SeededGenerator(seed: seed)
    return (0..<count).map { _ in
        Point(x: Double.random(in: box.minX...box.maxX, using: &generator),
              y: Double.random(in: box.minY...box.maxY, using: &generator))
    }
}

/// A closed ring through the given corners.
func ring(_ corners: [(Double, Double)]) -> Ring {
    Ring((corners + [corners[0]]).map { Point(x: $0.0, y: $0.1) })
}

/// The axis-aligned square polygon [x0, x1] × [y0, y1], counter-clockwise.
func square(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double) -> Polygon {
    Polygon(exterior: ring([(x0, y0), (x1, y0), (x1, y1), (x0, y1)]))
}
