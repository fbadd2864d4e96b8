// The check-layer job's types come from LayerCheck; re-exported so the CLI imports one name.
@_exported import LayerCheck

/// `heatgrid check-layer`: loads an official layer's levels (and optionally its parent layer from another
/// file), links each level to the one above by attribute or containment, and validates them all.
///
/// Never stops at a broken area: invalid rings, duplicate ids, overlaps, gaps and cells outside their parent
/// all become findings. With `repairedOutputPath`, the layer file is written back with every invalid area of the
/// checked levels replaced by its GEOS MakeValid repair (all other features and properties unchanged); with
/// `jsonPath`, the findings are written as JSON, atomically.
public struct CheckLayerJob: Sendable {
    public var layerPath: String
    /// Values of the features' `level` property to check, coarse to fine (`["city", "district"]`); empty
    /// checks every polygonal feature as one level.
    public var levels: [String] = []
    /// Property holding each area's id (the feature's position when `nil`).
    public var idField: String? = "cell_id"
    public var nameField: String? = "name"
    /// Property of each child naming its parent's id; children without it are linked by containment.
    public var parentField: String?
    /// A file holding the level above the layer's first level.
    public var parentPath: String?
    /// Keep only the parent file's features with this `level` value (all when `nil`).
    public var parentLevel: String?
    /// Property holding the parents' ids (`idField` when `nil`).
    public var parentIdField: String?
    public var options = LayerCheckOptions()
    /// Where to write the layer with invalid areas repaired (GeoJSON), if anywhere.
    public var repairedOutputPath: String?
    /// Where to write the findings as JSON, if anywhere.
    public var jsonPath: String?
    public var threads = 2

    public init(layerPath: String) { self.layerPath = layerPath }

    public struct LevelSummary: Sendable, Equatable {
        public let name: String
        public let path: String
        public let areas: Int
    }

    public struct Report: Sendable {
        /// The levels checked, coarse to fine.
        public let levels: [LevelSummary]
        public let check: LayerCheckReport
        /// Feature indices of the layer file written repaired to `repairedOutputPath`.
        public let repairedFeatures: [Int]
        public let timings: Timings
    }

    public func run(progress: (String) -> Void = { _ in }) throws -> Report {
        var timings = Timings()
        progress("reading \(layerPath)")
        let layer = try timings.measure("parse_layer") { try Self.read(layerPath) }
        var levelList: [LayerLevel] = []
        if let parentPath {
            let parents = parentPath == layerPath ? layer : try timings.measure("parse_layer") { try Self.read(parentPath) }
            levelList.append(try Self.level(parents, path: parentPath, value: parentLevel, idField: parentIdField ?? idField,
                                            nameField: nameField, parentField: nil, name: parentLevel ?? "parent"))
        }
        for (k, value) in (levels.isEmpty ? [nil] : levels.map(Optional.some)).enumerated() {
            levelList.append(try Self.level(layer, path: layerPath, value: value, idField: idField, nameField: nameField,
                                            parentField: levelList.isEmpty && k == 0 ? nil : parentField,
                                            name: value ?? "layer"))
        }
        let firstLayerLevel = parentPath == nil ? 0 : 1
        progress("linking \(levelList.map { "\($0.count) \($0.name)" }.joined(separator: " → "))")
        let hierarchy = try timings.measure("link") { () throws -> LayerHierarchy in
            do { return try LayerHierarchy(levels: levelList, threads: threads) } catch { throw HeatGridError("\(layerPath): \(error)") }
        }
        progress("checking")
        let check = try timings.measure("check") { () throws -> LayerCheckReport in
            do { return try hierarchy.check(options: options, threads: threads) } catch { throw HeatGridError("\(layerPath): \(error)") }
        }
        var repaired: [Int] = []
        if let repairedOutputPath {
            progress("writing \(repairedOutputPath)")
            repaired = try timings.measure("write") {
                try Self.writeRepaired(layer, hierarchy: hierarchy, levels: firstLayerLevel..<levelList.count, to: repairedOutputPath)
            }
        }
        let summaries = levelList.enumerated().map { k, level in
            LevelSummary(name: level.name, path: k < firstLayerLevel ? (parentPath ?? layerPath) : layerPath, areas: level.count)
        }
        if let jsonPath {
            progress("writing \(jsonPath)")
            try timings.measure("write") {
                try writeAtomically(Array(LayerCheckText.json(check, levels: summaries).utf8), to: jsonPath)
            }
        }
        return Report(levels: summaries, check: check, repairedFeatures: repaired, timings: timings)
    }

    private static func read(_ path: String) throws -> FeatureCollection {
        do { return try GeoJSONReader().read(path: path) } catch { throw HeatGridError(error.description) }
    }

    /// The polygonal features whose `level` property is `value` (all when `nil`), in file order, as a level of
    /// the hierarchy. Validity is not enforced here: reporting it is the check's job.
    private static func level(_ collection: FeatureCollection, path: String, value: String?, idField: String?,
                              nameField: String?, parentField: String?, name: String) throws -> LayerLevel {
        let layer = try BoundaryLayer(collection, path: path, level: value, idField: idField, nameField: nameField,
                                      validation: .skip)
        let keys = parentField.map { field in layer.features.map { $0.properties[field]?.identifierText } }
        do {
            return try LayerLevel(name: name, ids: layer.ids, names: layer.names, polygons: layer.polygons,
                                  featureIndices: layer.inputIndices, parentKeys: keys)
        } catch {
            throw HeatGridError("\(path): \(error)")
        }
    }


    /// Writes the layer file with the invalid areas of `levels` replaced by their repairs; returns their feature indices.
    private static func writeRepaired(_ collection: FeatureCollection, hierarchy: LayerHierarchy, levels: Range<Int>,
                                      to path: String) throws -> [Int] {
        var features = collection.features
        var repaired: [Int] = []
        for k in levels {
            let level = hierarchy.levels[k]
            let valid = hierarchy.validPolygons(level: k)
            for i in level.polygons.indices where valid[i] != level.polygons[i] {
                features[level.featureIndices[i]].geometry = .multiPolygon(valid[i])
                repaired.append(level.featureIndices[i])
            }
        }
        try GeoJSONWriter.write(FeatureCollection(features: features, name: collection.name), to: path, precision: 10)
        return repaired.sorted()
    }
}
