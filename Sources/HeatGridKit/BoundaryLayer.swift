import GeoCore
import GeoJSON

/// Named areas loaded from GeoJSON — districts, subdistricts or grid cells — in input order.
public struct BoundaryLayer: Sendable {
    /// The polygonal features kept, in input order.
    public let features: [Feature]
    public let polygons: [MultiPolygon]
    /// Each area's identifier (from `idField`, else its position as text).
    public let ids: [String]
    /// Each area's display name (from `nameField`, else its identifier).
    public let names: [String]
    public let sourcePath: String

    public var count: Int { polygons.count }
    public var boundingBox: BoundingBox { polygons.reduce(.empty) { $0.union($1.boundingBox) } }

    /// Reads `path` and keeps the polygonal features whose `level` property equals `level` (all when `nil`).
    /// Fails with one message naming the file when it cannot be read or holds no matching area.
    public static func load(path: String, level: String? = nil, idField: String? = nil,
                            nameField: String? = "name") throws -> BoundaryLayer {
        let collection: FeatureCollection
        do {
            collection = try GeoJSONReader().read(path: path)
        } catch {
            throw HeatGridError(error.description)
        }
        var features: [Feature] = [], polygons: [MultiPolygon] = [], ids: [String] = [], names: [String] = []
        for (index, feature) in collection.features.enumerated() {
            guard let areal = feature.geometry?.areal else { continue }
            if let level, feature.properties["level"]?.stringValue != level { continue }
            let id: String
            if let idField {
                guard let value = feature.properties[idField]?.identifierText else {
                    throw HeatGridError("\(path): feature \(index) has no property '\(idField)' to use as its id")
                }
                id = value
            } else {
                id = String(index)
            }
            features.append(feature)
            polygons.append(areal)
            ids.append(id)
            names.append(nameField.flatMap { feature.properties[$0]?.identifierText } ?? id)
        }
        guard !polygons.isEmpty else {
            let which = level.map { " with level '\($0)'" } ?? ""
            throw HeatGridError("\(path): no Polygon or MultiPolygon features\(which)")
        }
        return BoundaryLayer(features: features, polygons: polygons, ids: ids, names: names, sourcePath: path)
    }
}
