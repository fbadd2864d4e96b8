import GEOSBridge
import GeoCore
import Projection

/// How a child area found its parent.
public struct ParentLink: Sendable, Equatable {
    public enum Method: String, Sendable {
        /// The child's parent attribute names the parent's id.
        case attribute
        /// The parent overlapping the child the most (GEOS intersection area ÷ child area).
        case containment
    }

    /// Index of the parent in the level above; `nil` when no parent overlaps the child or the attribute
    /// names an id the level above does not have.
    public let parent: Int?
    /// Share of the child's area inside that parent, 0 ... 1 (0 without a parent).
    public let share: Double
    public let method: Method
    /// The attribute value, for `.attribute` links.
    public let key: String?
}

/// Levels of an official layer, coarse to fine (district → subdistrict 街道 → community 社区 → grid 网格), with
/// each area linked to its parent in the level above, so that counts roll up.
///
/// Parent links come from each child's parent attribute where it has one, else from containment: the parent
/// whose GEOS intersection with the child is largest (ties: the first). Areas are measured in metres in the
/// UTM zone of the layers' centre; invalid areas are measured as GEOS MakeValid repairs them (the check
/// reports them as invalid all the same).
public struct LayerHierarchy: Sendable {
    /// The levels, coarse to fine.
    public let levels: [LayerLevel]
    /// `links[k][i]`: how area `i` of level `k` links to level `k - 1`; empty for level 0.
    public let links: [[ParentLink]]
    /// The projection areas were measured in.
    public let projection: TransverseMercator
    let measured: [MeasuredLevel]

    /// Links each level to the one above it. Throws when there is no level, or GEOS fails on an area.
    /// - Parameter threads: workers for validity checks, repairs and overlap areas (one GEOS context each).
    public init(levels: [LayerLevel], threads: Int = 1) throws {
        guard !levels.isEmpty else { throw LayerCheckError("a layer hierarchy needs at least one level") }
        let box = levels.flatMap(\.polygons).reduce(BoundingBox.empty) { $0.union($1.boundingBox) }
        guard !box.isEmpty, box.center.isFinite else { throw LayerCheckError("the layers hold no coordinates") }
        let projection = TransverseMercator.utm(containing: box.center)
        let workers = max(1, threads)
        let measured = try levels.map { try MeasuredLevel($0, projection: projection, threads: workers) }
        var links: [[ParentLink]] = [[]]
        for k in levels.indices.dropFirst() {
            links.append(try Self.link(levels[k], measured[k], to: levels[k - 1], measured[k - 1], threads: workers))
        }
        self.levels = levels
        self.links = links
        self.projection = projection
        self.measured = measured
    }

    /// `parents[k][i]`: index of area `i` of level `k` in level `k - 1`, `nil` without a parent (always for level 0).
    public var parents: [[Int?]] {
        levels.indices.map { k in k == 0 ? Array(repeating: nil, count: levels[0].count) : links[k].map(\.parent) }
    }

    /// Each area made valid, in longitude/latitude: the input where GEOS finds it valid, else its MakeValid
    /// repair (structure method: overlapping parts merge), empty if it cannot be repaired.
    public func validPolygons(level k: Int) -> [MultiPolygon] { measured[k].valid }

    /// Each area's size in square metres (of its valid form).
    public func areasSquareMetres(level k: Int) -> [Double] { measured[k].areas }

    /// Counts on the finest level summed up the hierarchy: element `k` holds one count per area of level `k`,
    /// the last element is `counts` itself. A cell's count is in its community's, the community's in its
    /// subdistrict's; an area without a parent contributes to no level above it.
    public func rollUp(counts: [Int]) throws(LayerCheckError) -> [[Int]] {
        let last = levels.count - 1
        guard counts.count == levels[last].count else {
            throw LayerCheckError("roll-up: \(counts.count) counts for the \(levels[last].count) areas of level '\(levels[last].name)'")
        }
        var result = levels.map { [Int](repeating: 0, count: $0.count) }
        result[last] = counts
        for k in stride(from: last, to: 0, by: -1) {
            for (i, link) in links[k].enumerated() {
                if let parent = link.parent { result[k - 1][parent] += result[k][i] }
            }
        }
        return result
    }

    private static func link(_ child: LayerLevel, _ childMeasure: MeasuredLevel, to parent: LayerLevel,
                             _ parentMeasure: MeasuredLevel, threads: Int) throws -> [ParentLink] {
        var firstIndexOf: [String: Int] = [:]
        for (index, id) in parent.ids.enumerated() where firstIndexOf[id] == nil { firstIndexOf[id] = index }
        let firstIndex = firstIndexOf
        let keys = child.parentKeys
        return try chunkedMap(child.count, threads: threads) { context, range in
            var parentGeometries: [Int: GEOSGeometry] = [:]
            func parentGeometry(_ p: Int) throws -> GEOSGeometry {
                if let known = parentGeometries[p] { return known }
                let made = try context.geometry(parentMeasure.metric[p])
                parentGeometries[p] = made
                return made
            }
            return try range.map { i in
                let area = childMeasure.areas[i]
                let geometry = try context.geometry(childMeasure.metric[i])
                func share(in p: Int) throws -> Double {
                    guard area > 0, parentMeasure.boxes[p].intersects(childMeasure.boxes[i]) else { return 0 }
                    return min(1, try geometry.intersection(parentGeometry(p)).area() / area)
                }
                if let key = keys?[i] {
                    guard let p = firstIndex[key] else { return ParentLink(parent: nil, share: 0, method: .attribute, key: key) }
                    return ParentLink(parent: p, share: try share(in: p), method: .attribute, key: key)
                }
                var best: (parent: Int?, share: Double) = (nil, 0)
                for p in parentMeasure.boxes.indices {
                    let s = try share(in: p)
                    if s > best.share { best = (p, s) }
                }
                return ParentLink(parent: best.parent, share: best.share, method: .containment, key: nil)
            }
        }
    }
}
