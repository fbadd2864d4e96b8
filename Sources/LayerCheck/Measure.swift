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
    func difference(_ region: MultiPolygon, minus subtracted: [MultiPolygon]) throws -> MultiPolygon {
        guard !subtracted.isEmpty else { return region }
        return try geometry(region).difference(unaryUnion(subtracted)).multiPolygon()
    }
}
