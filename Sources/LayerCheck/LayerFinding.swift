import GeoCore

/// One problem found in a layer: which level and area, what is wrong, and how serious it is.
///
/// Errors break counting — an incident in an overlap or an invalid area may be counted in the wrong cell, a
/// duplicate id or a dangling parent id merges or loses counts: invalid geometry, duplicate ids, overlaps above
/// the tolerance and parent ids that name no parent. Warnings are worth a look but counts stay right:
/// gaps inside a parent (incidents there fall outside every cell and are reported as such) and cells lying
/// partly or wholly outside their parent.
public struct LayerFinding: Sendable, Equatable {
    public enum Severity: String, Sendable, Comparable {
        case error, warning

        public static func < (a: Severity, b: Severity) -> Bool { a == .error && b == .warning }
    }

    public enum Kind: Sendable, Equatable {
        /// GEOS finds the area invalid: its reason ("Self-intersection", "Ring Self-intersection", …) and
        /// where, in longitude/latitude (`nil` when the area could not even be built).
        case invalidGeometry(reason: String, location: Point?)
        /// The id is used by more than one area: all their feature indices, in order.
        case duplicateId(featureIndices: [Int])
        /// The area overlaps another area of the same level by this many square metres.
        case overlap(otherId: String, otherFeature: Int, areaSquareMetres: Double)
        /// The parent attribute names an id the level above does not have.
        case unknownParent(key: String)
        /// Only `share` (0 ... 1) of the area lies in its parent; `parentId` is `nil` when no parent overlaps it.
        case outsideParent(parentId: String?, share: Double)
        /// A piece of the parent (the finding's id) that no area of this level covers: its size and a point
        /// inside it (GEOS point on surface), in longitude/latitude.
        case gap(areaSquareMetres: Double, point: Point)
    }

    /// The level the finding is about (for a gap: the level whose areas leave it uncovered).
    public let level: String
    /// The area's id; for a gap, the parent's id.
    public let id: String
    /// The area's position among its file's features; for a gap, the parent's.
    public let featureIndex: Int
    public let kind: Kind

    public init(level: String, id: String, featureIndex: Int, kind: Kind) {
        self.level = level
        self.id = id
        self.featureIndex = featureIndex
        self.kind = kind
    }

    public var severity: Severity {
        switch kind {
        case .invalidGeometry, .duplicateId, .overlap, .unknownParent: .error
        case .outsideParent, .gap: .warning
        }
    }

    /// A short name for the kind: invalid_geometry, duplicate_id, overlap, unknown_parent, outside_parent, gap.
    public var kindName: String {
        switch kind {
        case .invalidGeometry: "invalid_geometry"
        case .duplicateId: "duplicate_id"
        case .overlap: "overlap"
        case .unknownParent: "unknown_parent"
        case .outsideParent: "outside_parent"
        case .gap: "gap"
        }
    }
}
