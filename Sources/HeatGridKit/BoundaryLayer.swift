import GEOSBridge
import GeoCore
import GeoJSON
import Parallel

/// What to do with areas GEOS finds invalid (self-intersecting rings, holes outside their shell, …).
public enum LayerValidation: Sendable {
    /// Stop with an error naming the first invalid feature, its problem and where it is.
    case reject
    /// Repair with GEOS MakeValid and say how many were repaired (the user asked for it with `--repair`).
    case repair
    /// Trust the input (for layers already checked, where the check would dominate the run time).
    case skip
}

/// Named areas loaded from GeoJSON — districts, subdistricts or grid cells — in input order.
public struct BoundaryLayer: Sendable {
    /// The polygonal features kept, in input order.
    public private(set) var features: [Feature]
    public private(set) var polygons: [MultiPolygon]
    /// Each area's identifier (from `idField`, else its position as text).
    public let ids: [String]
    /// Each area's display name (from `nameField`, else its identifier).
    public let names: [String]
    public let sourcePath: String
    /// Each area's position among the file's features (null and point geometries, and other levels, are skipped).
    public let inputIndices: [Int]
    /// Input indices of the features repaired with MakeValid (only under `.repair`).
    public let repairedFeatures: [Int]

    public var count: Int { polygons.count }
    public var boundingBox: BoundingBox { polygons.reduce(.empty) { $0.union($1.boundingBox) } }

    /// Reads `path` and keeps the polygonal features whose `level` property equals `level` (all when `nil`),
    /// checking each area's validity with GEOS as `validation` says. Fails with one message naming the file
    /// when it cannot be read, holds no matching area, or holds an invalid one under `.reject`.
    public static func load(path: String, level: String? = nil, idField: String? = nil,
                            nameField: String? = "name", validation: LayerValidation = .reject,
                            threads: Int = 2) throws -> BoundaryLayer {
        let collection: FeatureCollection
        do {
            collection = try GeoJSONReader().read(path: path)
        } catch {
            throw HeatGridError(error.description)
        }
        return try BoundaryLayer(collection, path: path, level: level, idField: idField, nameField: nameField,
                                 validation: validation, threads: threads)
    }

    /// The layer held by an already-read `collection` (from `path`, named in errors); as `load` otherwise.
    public init(_ collection: FeatureCollection, path: String, level: String? = nil, idField: String? = nil,
                nameField: String? = "name", validation: LayerValidation = .reject, threads: Int = 2) throws {
        var features: [Feature] = [], polygons: [MultiPolygon] = [], ids: [String] = [], names: [String] = []
        var inputIndex: [Int] = []
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
            inputIndex.append(index)
            polygons.append(areal)
            ids.append(id)
            names.append(nameField.flatMap { feature.properties[$0]?.identifierText } ?? id)
        }
        guard !polygons.isEmpty else {
            let which = level.map { " with level '\($0)'" } ?? ""
            throw HeatGridError("\(path): no Polygon or MultiPolygon features\(which)")
        }
        var repaired: [Int] = []
        if validation != .skip {
            let problems = try Self.invalidAreas(polygons, threads: threads)
            if validation == .reject, let first = problems.first {
                let at = first.location.map { " at (\($0.x), \($0.y))" } ?? ""
                let more = problems.count > 1 ? " (and \(problems.count - 1) more invalid features)" : ""
                throw HeatGridError("\(path): feature \(inputIndex[first.index]) is not a valid polygon: "
                    + "\(first.reason)\(at)\(more); fix the layer or rerun with --repair")
            }
            for problem in problems {
                do {
                    polygons[problem.index] = try GEOSContext().repaired(polygons[problem.index])
                } catch {
                    throw HeatGridError("\(path): feature \(inputIndex[problem.index]) cannot be repaired: \(error)")
                }
                features[problem.index].geometry = .multiPolygon(polygons[problem.index])
                repaired.append(inputIndex[problem.index])
            }
        }
        self.features = features
        self.polygons = polygons
        self.ids = ids
        self.names = names
        sourcePath = path
        inputIndices = inputIndex
        repairedFeatures = repaired
    }

    /// The invalid areas, in layer order, with GEOS's reasons and places. Areas `SimpleRingProof` proves valid
    /// (most grid cells) are not sent to GEOS: GEOS judges the rest, so the same areas are found invalid, with
    /// the same reasons, as when GEOS judges them all (`proving: false`, kept for the tests that show it).
    static func invalidAreas(_ polygons: [MultiPolygon], threads: Int, proving: Bool = true) throws -> [GEOSValidity] {
        guard proving else { return try geosInvalidAreas(polygons, threads: threads) }
        let unproven = polygons.indices.filter { !SimpleRingProof.isProvablyValid(polygons[$0]) }
        guard !unproven.isEmpty else { return [] }
        return try geosInvalidAreas(unproven.map { polygons[$0] }, threads: threads).map {
            GEOSValidity(index: unproven[$0.index], isValid: false, reason: $0.reason, location: $0.location)
        }
    }

    /// GEOS's invalid areas among `polygons`, in order. GEOS contexts are not thread-safe, so each worker has
    /// its own.
    private static func geosInvalidAreas(_ polygons: [MultiPolygon], threads: Int) throws -> [GEOSValidity] {
        let chunks = max(1, min(threads, polygons.count / 64 + 1))
        let results = try Parallel.map(chunks) { k in
            let lower = polygons.count * k / chunks, upper = polygons.count * (k + 1) / chunks
            return try GEOSContext().validate(Array(polygons[lower..<upper])).filter { !$0.isValid }.map {
                GEOSValidity(index: $0.index + lower, isValid: false, reason: $0.reason, location: $0.location)
            }
        }
        return results.flatMap { $0 }
    }
}
