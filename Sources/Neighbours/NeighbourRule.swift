import Foundation
import GeoCore
import Projection
import Stats

/// How units become neighbours, as a user writes it: `queen`, `rook`, `distance:1500` (metres between centroids),
/// `knn:8`. Snapping is its own parameter (`--snap 5`), since it changes how contiguity is read, not which rule.
public enum NeighbourRule: Hashable, Sendable, CustomStringConvertible {
    /// Contiguity; `snap` in metres (0: identical coordinates only, libpysal's rule).
    case contiguity(Contiguity, snap: Double)
    /// Centroids within this many metres (inclusive).
    case distanceBand(metres: Double)
    /// The k nearest centroids.
    case nearest(k: Int)

    /// Parses `queen`, `rook`, `distance:<metres>` or `knn:<k>` (case and surrounding spaces ignored); `snap` in
    /// metres applies to queen and rook only. Errors say what was expected.
    public init(parsing text: String, snap: Double? = nil) throws(NeighbourRuleError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let parts = trimmed.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let name = parts[0].trimmingCharacters(in: .whitespaces)
        let value = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : nil
        if let snap, !(snap >= 0 && snap.isFinite) {
            throw NeighbourRuleError("snap must be a distance in metres of 0 or more, not \(snap)")
        }
        switch name {
        case "queen", "rook":
            if let value { throw NeighbourRuleError("'\(name)' takes no value (got '\(value)'); write '\(name)'") }
            self = .contiguity(name == "queen" ? .queen : .rook, snap: snap ?? 0)
            return
        case "distance":
            guard let value, !value.isEmpty else {
                throw NeighbourRuleError("'distance' needs a band in metres, e.g. 'distance:1500'")
            }
            guard let metres = Double(value), metres > 0, metres.isFinite else {
                throw NeighbourRuleError("'distance:\(value)': the band must be a number of metres above 0, e.g. 'distance:1500'")
            }
            self = .distanceBand(metres: metres)
        case "knn":
            guard let value, !value.isEmpty else {
                throw NeighbourRuleError("'knn' needs a number of neighbours, e.g. 'knn:8'")
            }
            guard let k = Int(value), k >= 1 else {
                throw NeighbourRuleError("'knn:\(value)': k must be a whole number of 1 or more, e.g. 'knn:8'")
            }
            self = .nearest(k: k)
        default:
            throw NeighbourRuleError("unknown neighbour rule '\(text)': use queen, rook, distance:<metres> or knn:<k>")
        }
        if let snap, snap > 0 {
            throw NeighbourRuleError("snap applies to queen and rook only, not to '\(trimmed)'")
        }
    }

    /// The rule as `init(parsing:snap:)` reads it back (snap as `snap <metres>`, e.g. `queen snap 5`).
    public var description: String {
        switch self {
        case .contiguity(let kind, let snap): snap > 0 ? "\(kind.rawValue) snap \(Self.number(snap))" : kind.rawValue
        case .distanceBand(let metres): "distance:\(Self.number(metres))"
        case .nearest(let k): "knn:\(k)"
        }
    }

    private static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}

/// A neighbour rule that cannot be read or cannot apply to a layer, with a message for the user.
public struct NeighbourRuleError: Error, Hashable, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension Neighbours {
    /// Weights for lon/lat polygons by any rule. Distances (snap, band) are metres in `projection`, by default
    /// `projection(for:)`; distance and k-nearest rules use `centroids(_:projection:)`. Throws when the rule
    /// cannot apply (k not below the number of units) or its numbers are out of range.
    public static func weights(_ rule: NeighbourRule, polygons: [MultiPolygon],
                               projection: TransverseMercator? = nil) throws(NeighbourRuleError) -> SpatialWeights {
        switch rule {
        case .contiguity(_, let snap) where !(snap >= 0 && snap.isFinite):
            throw NeighbourRuleError("snap must be a distance in metres of 0 or more, not \(snap)")
        case .distanceBand(let metres) where !(metres > 0 && metres.isFinite):
            throw NeighbourRuleError("the band must be a number of metres above 0, not \(metres)")
        case .nearest(let k) where k < 1:
            throw NeighbourRuleError("k must be a whole number of 1 or more, not \(k)")
        case .contiguity(let kind, let snap):
            if snap == 0 { return contiguity(polygons, kind) }
            return contiguity(polygons, kind, snap: snap, projection: projection ?? self.projection(for: polygons))
        case .distanceBand(let metres):
            let points = centroids(polygons, projection: projection ?? self.projection(for: polygons))
            return distanceBand(points: points, threshold: metres)
        case .nearest(let k):
            guard k < polygons.count else {
                throw NeighbourRuleError("knn:\(k) needs more than \(k) units; the layer has \(polygons.count)")
            }
            return nearest(points: centroids(polygons, projection: projection ?? self.projection(for: polygons)), k: k)
        }
    }
}
