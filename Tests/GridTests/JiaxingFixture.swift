import Foundation
import GeoCore
import TestSupport

/// A test-only reader for geodata/jiaxing.geojson's district features (Foundation JSON), so these tests do not
/// depend on the GeoJSON module.
enum JiaxingFixture {
    struct LoadError: Error, CustomStringConvertible {
        let description: String
    }

    /// The seven districts (`level` "district") as (adcode, area), in file order. Coordinates are taken as
    /// they are (GCJ-02 in the file), as the reference scripts do.
    static func districts() throws -> [(id: String, area: MultiPolygon)] {
        let path = Fixtures.geodata("jiaxing.geojson")
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let features = root["features"] as? [[String: Any]] else {
            throw LoadError(description: "\(path): not a FeatureCollection")
        }
        var result: [(id: String, area: MultiPolygon)] = []
        for (index, feature) in features.enumerated() {
            guard let properties = feature["properties"] as? [String: Any],
                  properties["level"] as? String == "district" else { continue }
            guard let adcode = properties["adcode"] as? String,
                  let geometry = feature["geometry"] as? [String: Any],
                  let type = geometry["type"] as? String,
                  let coordinates = geometry["coordinates"] as? [Any] else {
                throw LoadError(description: "\(path): feature \(index) lacks adcode or geometry")
            }
            let polygons: [Any]
            switch type {
            case "Polygon": polygons = [coordinates]
            case "MultiPolygon": polygons = coordinates
            default: throw LoadError(description: "\(path): feature \(index) is a \(type)")
            }
            let parts = try polygons.map { polygon -> Polygon in
                guard let rings = polygon as? [[[Double]]], let first = rings.first else {
                    throw LoadError(description: "\(path): feature \(index) has a malformed polygon")
                }
                let ring = { (positions: [[Double]]) in Ring(positions.map { Point(x: $0[0], y: $0[1]) }) }
                return Polygon(exterior: ring(first), holes: rings.dropFirst().map(ring))
            }
            result.append((adcode, MultiPolygon(parts)))
        }
        return result
    }

    /// Rows of a committed reference CSV (header dropped), split on commas.
    static func csv(_ name: String) throws -> [[String]] {
        let path = Fixtures.repositoryRoot + "/Tests/GridTests/Reference/" + name
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return text.split(separator: "\n").dropFirst().map { $0.split(separator: ",").map(String.init) }
    }
}
