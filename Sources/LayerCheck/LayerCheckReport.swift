import GEOSBridge
import GeoCore
import SpatialIndex

/// Thresholds of `LayerHierarchy.check(options:)`.
public struct LayerCheckOptions: Sendable, Equatable {
    /// Overlaps up to this many square metres are digitising noise and not reported. Default 1 m².
    public var overlapToleranceSquareMetres = 1.0
    /// Gap pieces up to this many square metres are not reported. Default 100 m² (a 10 m × 10 m square): real
    /// boundaries drawn from different sources leave hairline slivers along shared borders.
    public var gapToleranceSquareMetres = 100.0
    /// A child with less than this share of its area in its parent is reported. Default 0.99.
    public var containmentThreshold = 0.99

    public init() {}
}

/// Everything `check(options:)` found, levels coarse to fine; within a level: invalid areas, duplicate ids,
/// overlaps, unknown parents, areas outside their parent, gaps; each group in input order.
public struct LayerCheckReport: Sendable {
    public let findings: [LayerFinding]
    public let options: LayerCheckOptions

    public var errorCount: Int { findings.count { $0.severity == .error } }
    public var warningCount: Int { findings.count { $0.severity == .warning } }
    public var hasErrors: Bool { errorCount > 0 }
}

extension LayerHierarchy {
    /// Validates every level: invalid areas, duplicate ids, overlaps between areas of a level above the
    /// tolerance, and for each level below the first: parent ids naming no parent, areas with less than the
    /// threshold share in their parent, and gaps — pieces of a parent covered by no area of the level below
    /// (all areas whose box meets the parent count, not only its own children, so a cell reaching over a border
    /// is reported as outside its parent but leaves no gap). Never stops at a broken area.
    public func check(options: LayerCheckOptions = LayerCheckOptions(), threads: Int = 1) throws -> LayerCheckReport {
        let workers = max(1, threads)
        var findings: [LayerFinding] = []
        for (k, level) in levels.enumerated() {
            let measure = measured[k]
            for verdict in measure.validity where !verdict.isValid {
                findings.append(LayerFinding(level: level.name, id: level.ids[verdict.index],
                                             featureIndex: level.featureIndices[verdict.index],
                                             kind: .invalidGeometry(reason: verdict.reason, location: verdict.location)))
            }
            findings += duplicates(level)
            findings += try overlaps(level, measure, options: options, threads: workers)
            guard k > 0 else { continue }
            let parentLevel = levels[k - 1]
            for (i, link) in links[k].enumerated() {
                let at = (level: level.name, id: level.ids[i], feature: level.featureIndices[i])
                if link.parent == nil, let key = link.key {
                    findings.append(LayerFinding(level: at.level, id: at.id, featureIndex: at.feature, kind: .unknownParent(key: key)))
                } else if link.share < options.containmentThreshold {
                    findings.append(LayerFinding(level: at.level, id: at.id, featureIndex: at.feature,
                                                 kind: .outsideParent(parentId: link.parent.map { parentLevel.ids[$0] }, share: link.share)))
                }
            }
            findings += try gaps(in: parentLevel, measured[k - 1], leftBy: level, measure, options: options, threads: workers)
        }
        return LayerCheckReport(findings: findings, options: options)
    }

    private func duplicates(_ level: LayerLevel) -> [LayerFinding] {
        var positions: [String: [Int]] = [:]
        var order: [String] = []
        for (i, id) in level.ids.enumerated() {
            if positions[id] == nil { order.append(id) }
            positions[id, default: []].append(level.featureIndices[i])
        }
        return order.compactMap { id in
            guard let features = positions[id], features.count > 1 else { return nil }
            return LayerFinding(level: level.name, id: id, featureIndex: features[0], kind: .duplicateId(featureIndices: features))
        }
    }

    private func overlaps(_ level: LayerLevel, _ measure: MeasuredLevel, options: LayerCheckOptions,
                          threads: Int) throws -> [LayerFinding] {
        // The index finds exactly the pairs sharing interior area; GEOS then measures each.
        let pairs: [(Int, Int)]
        do {
            pairs = try PolygonIndex(layer: measure.metric, threads: threads).overlappingPairs
        } catch {
            throw LayerCheckError("level '\(level.name)': \(error)")
        }
        let metric = measure.metric
        let areas = try chunkedMap(pairs.count, threads: threads) { context, range in
            try range.map { k in
                try context.geometry(metric[pairs[k].0]).intersection(context.geometry(metric[pairs[k].1])).area()
            }
        }
        return pairs.indices.filter { areas[$0] > options.overlapToleranceSquareMetres }.map { k in
            let (i, j) = pairs[k]
            return LayerFinding(level: level.name, id: level.ids[i], featureIndex: level.featureIndices[i],
                                kind: .overlap(otherId: level.ids[j], otherFeature: level.featureIndices[j],
                                               areaSquareMetres: areas[k]))
        }
    }

    private func gaps(in parentLevel: LayerLevel, _ parentMeasure: MeasuredLevel, leftBy level: LayerLevel,
                      _ measure: MeasuredLevel, options: LayerCheckOptions, threads: Int) throws -> [LayerFinding] {
        let projection = self.projection
        let pieces = try chunkedMap(parentLevel.count, threads: threads) { context, range in
            try range.map { p -> [(area: Double, point: Point)] in
                let box = parentMeasure.boxes[p]
                let covering = measure.boxes.indices.filter { measure.boxes[$0].intersects(box) }.map { measure.metric[$0] }
                let uncovered = try context.difference(parentMeasure.metric[p], minus: covering)
                return try uncovered.polygons.compactMap { polygon in
                    let piece = try context.geometry(polygon)
                    let area = try piece.area()
                    guard area > options.gapToleranceSquareMetres else { return nil }
                    return (area, projection.inverse(try piece.pointOnSurface()))
                }.sorted { $0.area > $1.area }
            }
        }
        return pieces.enumerated().flatMap { p, found in
            found.map { LayerFinding(level: level.name, id: parentLevel.ids[p], featureIndex: parentLevel.featureIndices[p],
                                     kind: .gap(areaSquareMetres: $0.area, point: $0.point)) }
        }
    }
}
