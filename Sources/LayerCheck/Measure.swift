import GEOSBridge
import GeoCore
import Projection

extension MultiPolygon {
    /// Every vertex mapped by `transform`, structure kept.
    func mapped(_ transform: (Point) -> Point) -> MultiPolygon {
        MultiPolygon(polygons.map { polygon in
            Polygon(exterior: Ring(polygon.exterior.points.map(transform)),
                    holes: polygon.holes.map { Ring($0.points.map(transform)) })
        })
    }
}

/// One level prepared for measuring: GEOS's verdict on each area, the areas made valid (MakeValid where
/// needed) in longitude/latitude and in metres, and each area's size in square metres.
struct MeasuredLevel: Sendable {
    var validity: [GEOSValidity]
    /// Longitude/latitude, valid: the input where GEOS found it valid, else its MakeValid repair; an area
    /// GEOS could not build or repair is empty.
    var valid: [MultiPolygon]
    var metric: [MultiPolygon]
    var boxes: [BoundingBox]
    var areas: [Double]

    init(_ level: LayerLevel, projection: TransverseMercator, threads: Int) throws {
        let polygons = level.polygons
        let measured = try chunkedMap(polygons.count, threads: threads) { context, range in
            try range.map { index -> (GEOSValidity, MultiPolygon, MultiPolygon, Double) in
                let verdict = try context.validate([polygons[index]])[0]
                var valid = polygons[index]
                if !verdict.isValid {
                    // An area that cannot even be built or repaired contributes nothing to areas and overlaps;
                    // its validity finding says why.
                    valid = (try? context.repaired(polygons[index])) ?? MultiPolygon([])
                }
                let metric = valid.mapped(projection.forward)
                let area = try context.geometry(metric).area()
                return (GEOSValidity(index: index, isValid: verdict.isValid, reason: verdict.reason,
                                     location: verdict.location), valid, metric, area)
            }
        }
        validity = measured.map(\.0)
        valid = measured.map(\.1)
        metric = measured.map(\.2)
        boxes = metric.map(\.boundingBox)
        areas = measured.map(\.3)
    }
}

extension GEOSContext {
    /// `region` minus the union of `subtracted`, all valid, as valid polygons.
    ///
    /// The bridge offers intersection, union and MakeValid but no difference, so this uses MakeValid's
    /// structure method, which repairs a polygon as "union of its shells minus union of its holes": a ring
    /// given holes that touch or cross it comes back as exactly the ring's area minus theirs. A point outside
    /// `V` (the subtracted area plus the region's own holes) lies either outside every exterior ring of `V`,
    /// or in the innermost hole of `V` around it and outside every exterior ring inside that hole; each case
    /// is one such ring-minus-rings term, and the terms are unioned.
    func difference(_ region: MultiPolygon, minus subtracted: [MultiPolygon]) throws -> MultiPolygon {
        var pieces: [GEOSGeometry] = []
        for part in region.polygons {
            let shell = part.exterior
            let shellBox = shell.boundingBox
            var removed = part.holes.map { MultiPolygon([Polygon(exterior: $0)]) }
            removed += subtracted
            let union = try unaryUnion(removed).multiPolygon().polygons.filter { $0.boundingBox.intersects(shellBox) }
            let outerRings = union.map(\.exterior)
            pieces.append(try ringMinusRings(shell, outerRings))
            let shellGeometry = try geometry(Polygon(exterior: shell))
            for (j, polygon) in union.enumerated() {
                for hole in polygon.holes where hole.boundingBox.intersects(shellBox) {
                    // Parts of V are disjoint, so another exterior ring lies inside this hole, outside it, or
                    // around the whole part j; only those inside matter (box within the hole's and smaller).
                    let holeBox = hole.boundingBox, holeArea = abs(hole.signedArea)
                    let islands = outerRings.indices.filter {
                        $0 != j && holeBox.encloses(outerRings[$0].boundingBox) && abs(outerRings[$0].signedArea) < holeArea
                    }.map { outerRings[$0] }
                    pieces.append(try ringMinusRings(hole, islands).intersection(shellGeometry))
                }
            }
        }
        guard !pieces.isEmpty else { return MultiPolygon([]) }
        return try unaryUnion(pieces).multiPolygon()
    }

    /// The area inside `ring` and outside every ring of `holes` (which may touch, cross, lie inside one another,
    /// lie outside `ring` or around it).
    ///
    /// MakeValid alone is not enough: it takes a "hole" around the whole shell, or a hole nested in another, as
    /// a shell of its own. So a hole around the ring leaves nothing, nested holes are dropped (the hole around
    /// them removes them already), and the repair is clipped to the ring.
    private func ringMinusRings(_ ring: Ring, _ holes: [Ring]) throws -> GEOSGeometry {
        let shell = try geometry(Polygon(exterior: ring))
        let shellBox = ring.boundingBox
        let candidates = holes.filter { $0.boundingBox.intersects(shellBox) }
        guard !candidates.isEmpty else { return shell }
        let holeAreas = try candidates.map { try geometry(Polygon(exterior: $0)) }
        var outermost: [Ring] = []
        for (i, hole) in candidates.enumerated() {
            if hole.boundingBox.encloses(shellBox), try holeAreas[i].covers(shell) { return try geometry(MultiPolygon([])) }
            let box = hole.boundingBox, size = abs(hole.signedArea)
            let nested = try candidates.indices.contains { j in
                guard j != i, candidates[j].boundingBox.encloses(box), abs(candidates[j].signedArea) > size else { return false }
                return try holeAreas[j].covers(holeAreas[i])
            }
            if !nested { outermost.append(hole) }
        }
        return try geometry(Polygon(exterior: ring, holes: outermost)).makeValid(method: .structure).intersection(shell)
    }
}

extension BoundingBox {
    /// Whether `other` lies within this box (edges may coincide).
    func encloses(_ other: BoundingBox) -> Bool {
        minX <= other.minX && other.maxX <= maxX && minY <= other.minY && other.maxY <= maxY
    }
}
