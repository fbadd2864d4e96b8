import Foundation
import GeoCore
import Parallel
import Projection

extension Neighbours {
    /// The plane distances are measured in: UTM for the zone holding the centre of the layer's bounding box (what
    /// the reference script picks with `to_crs`, EPSG:32651 for Jiaxing), so metres mean metres across a city.
    public static func projection(for polygons: [MultiPolygon]) -> TransverseMercator {
        let box = polygons.reduce(BoundingBox.empty) { $0.union($1.boundingBox) }
        return TransverseMercator.utm(containing: box.isEmpty ? Point(x: 0, y: 0) : box.center)
    }

    /// Area-weighted centroids of lon/lat polygons in the projected plane (metres), what geopandas' `.centroid`
    /// gives after `to_crs`: each ring's vertices projected, holes subtracted, parts weighted by area. With
    /// `projection` nil the coordinates are taken as they are (a layer already in metres, or degrees as geopandas
    /// does in EPSG:4326). A unit of zero area gets the mean of its vertices (GEOS would take the centroid of its
    /// lines; such units are broken anyway).
    public static func centroids(_ polygons: [MultiPolygon], projection: TransverseMercator?) -> [Point] {
        let parts = polygons.count < 256 ? 1 : min(polygons.count / 128, 4 * ProcessInfo.processInfo.activeProcessorCount)
        return Parallel.map(parts) { part in
            Parallel.part(part, of: polygons.count, parts: parts).map { centroid(polygons[$0], projection) }
        }.flatMap { $0 }
    }

    static func centroid(_ multi: MultiPolygon, _ projection: TransverseMercator?) -> Point {
        var area = 0.0, momentX = 0.0, momentY = 0.0
        var sumX = 0.0, sumY = 0.0, vertices = 0
        // Moments taken about the first projected vertex, so six-digit eastings cost no precision.
        var origin: Point?
        for polygon in multi.polygons {
            for (r, ring) in ([polygon.exterior] + polygon.holes).enumerated() {
                let points = projection.map { ring.points.map($0.forward) } ?? ring.points
                guard let first = points.first else { continue }
                let o = origin ?? first
                origin = o
                var twice = 0.0, cx = 0.0, cy = 0.0
                for k in 0..<(points.count - 1) {
                    let ax = points[k].x - o.x, ay = points[k].y - o.y
                    let bx = points[k + 1].x - o.x, by = points[k + 1].y - o.y
                    let cross = ax * by - bx * ay
                    twice += cross
                    cx += (ax + bx) * cross
                    cy += (ay + by) * cross
                }
                // Exteriors count positive and holes negative whatever their winding.
                let sign: Double = (twice >= 0) == (r == 0) ? 1 : -1
                area += sign * twice / 2
                momentX += sign * cx / 6
                momentY += sign * cy / 6
                for p in points.dropLast() {
                    sumX += p.x - o.x
                    sumY += p.y - o.y
                    vertices += 1
                }
            }
        }
        guard let o = origin else { return Point(x: .nan, y: .nan) }
        if area != 0 { return Point(x: o.x + momentX / area, y: o.y + momentY / area) }
        return Point(x: o.x + sumX / Double(max(vertices, 1)), y: o.y + sumY / Double(max(vertices, 1)))
    }
}
