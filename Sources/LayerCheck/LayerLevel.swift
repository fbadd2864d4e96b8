import GeoCore

/// One level of an official layer — districts, subdistricts (街道), communities (社区) or grid cells (网格) —
/// as areas in longitude/latitude with their identifiers, in input order.
public struct LayerLevel: Sendable {
    /// What the level is called in reports, e.g. "district" or "grid".
    public var name: String
    /// Each area's identifier (need not be unique: duplicates are one of the findings).
    public var ids: [String]
    /// Each area's display name.
    public var names: [String]
    /// Each area in longitude/latitude, as read (possibly invalid).
    public var polygons: [MultiPolygon]
    /// Each area's position among the features of its source file, for reports.
    public var featureIndices: [Int]
    /// Each area's parent identifier from an attribute, `nil` where the attribute is absent (those areas are
    /// linked by containment). `nil` for the whole level links every area by containment.
    public var parentKeys: [String?]?

    /// Throws when the per-area arrays do not all have one entry per polygon.
    public init(name: String, ids: [String], names: [String]? = nil, polygons: [MultiPolygon],
                featureIndices: [Int]? = nil, parentKeys: [String?]? = nil) throws(LayerCheckError) {
        let n = polygons.count
        guard ids.count == n, names.map({ $0.count == n }) ?? true, featureIndices.map({ $0.count == n }) ?? true,
              parentKeys.map({ $0.count == n }) ?? true else {
            throw LayerCheckError("level '\(name)': \(n) polygons but \(ids.count) ids, \(names?.count ?? n) names, "
                + "\(featureIndices?.count ?? n) feature indices and \(parentKeys?.count ?? n) parent keys")
        }
        self.name = name
        self.ids = ids
        self.names = names ?? ids
        self.polygons = polygons
        self.featureIndices = featureIndices ?? Array(0..<n)
        self.parentKeys = parentKeys
    }

    public var count: Int { polygons.count }
}

/// A hierarchy or check that cannot be built from what was given; the message names the level and the problem.
public struct LayerCheckError: Error, CustomStringConvertible, Sendable {
    public let description: String

    public init(_ description: String) { self.description = description }
}
