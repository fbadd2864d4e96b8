/// A GeoJSON feature: a geometry (possibly null) with its properties.
public struct Feature: Hashable, Sendable {
    public var geometry: Geometry?
    public var properties: JSONObject
    /// The optional top-level `id` member.
    public var id: JSONValue?

    public init(geometry: Geometry?, properties: JSONObject = [:], id: JSONValue? = nil) {
        self.geometry = geometry
        self.properties = properties
        self.id = id
    }
}

/// An ordered list of features, plus the collection's `name` member when present.
public struct FeatureCollection: Hashable, Sendable {
    public var features: [Feature]
    public var name: String?

    public init(features: [Feature], name: String? = nil) {
        self.features = features
        self.name = name
    }
}
