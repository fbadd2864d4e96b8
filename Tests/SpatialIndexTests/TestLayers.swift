import Foundation
import GeoCore
import TestSupport

/// Test-only GeoJSON loading with Foundation (the project's reader lives in another module and is tested there).
enum TestLayers {
    static func load(_ name: String, level: String? = nil) throws -> [MultiPolygon] {
        let data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.geodata(name)))
        guard let collection = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let features = collection["features"] as? [[String: Any]] else { throw LoadError.shape(name) }
        var layer: [MultiPolygon] = []
        for feature in features {
            let properties = feature["properties"] as? [String: Any] ?? [:]
            if let level, properties["level"] as? String != level { continue }
            guard let geometry = feature["geometry"] as? [String: Any], let type = geometry["type"] as? String,
                  let coordinates = geometry["coordinates"] else { throw LoadError.shape(name) }
            switch type {
            case "Polygon": layer.append(MultiPolygon([try polygon(coordinates, name)]))
            case "MultiPolygon":
                guard let parts = coordinates as? [Any] else { throw LoadError.shape(name) }
                layer.append(MultiPolygon(try parts.map { try polygon($0, name) }))
            default: throw LoadError.shape(name)
            }
        }
        return layer
    }

    enum LoadError: Error { case shape(String) }

    static func polygon(_ value: Any, _ name: String) throws -> Polygon {
        guard let rings = value as? [[[Double]]], let first = rings.first else { throw LoadError.shape(name) }
        let ring = { (r: [[Double]]) in Ring(r.map { Point(x: $0[0], y: $0[1]) }) }
        return Polygon(exterior: ring(first), holes: rings.dropFirst().map(ring))
    }

    static func square(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double) -> Polygon {
        Polygon(exterior: Ring([Point(x: x0, y: y0), Point(x: x1, y: y0), Point(x: x1, y: y1), Point(x: x0, y: y1),
                                Point(x: x0, y: y0)]))
    }

    static func multi(_ points: [(Double, Double)], holes: [[(Double, Double)]] = []) -> MultiPolygon {
        let ring = { (p: [(Double, Double)]) in Ring((p + [p[0]]).map { Point(x: $0.0, y: $0.1) }) }
        return MultiPolygon([Polygon(exterior: ring(points), holes: holes.map(ring))])
    }

    /// Seeded points uniformly over a box grown by 2 % on each side.
    static func randomPoints(in box: BoundingBox, count: Int, seed: UInt64) -> [Point] {
        var rng = SeededGenerator(seed: seed)
        let mx = box.width * 0.02, my = box.height * 0.02
        return (0..<count).map { _ in
            Point(x: Double.random(in: (box.minX - mx)...(box.maxX + mx), using: &rng),
                  y: Double.random(in: (box.minY - my)...(box.maxY + my), using: &rng))
        }
    }

    static func bounds(_ layer: [MultiPolygon]) -> BoundingBox {
        layer.reduce(BoundingBox.empty) { $0.union($1.boundingBox) }
    }

    /// Clips a polygon to the axis-aligned box (Sutherland–Hodgman, one ring at a time). The result may hold
    /// zero-width bridges along the box's sides; they cancel under the even-odd rule.
    static func clip(_ polygon: Polygon, to box: BoundingBox) -> Polygon? {
        func clipRing(_ points: [Point]) -> [Point] {
            var out = Array(points.dropLast())
            let planes: [(Point) -> Double] = [
                { $0.x - box.minX }, { box.maxX - $0.x }, { $0.y - box.minY }, { box.maxY - $0.y },
            ]
            for (k, side) in planes.enumerated() {
                guard !out.isEmpty else { break }
                var next: [Point] = []
                for i in out.indices {
                    let a = out[i], b = out[(i + 1) % out.count]
                    let sa = side(a), sb = side(b)
                    if sa >= 0 { next.append(a) }
                    if (sa >= 0) != (sb >= 0) {
                        // The crossing point sits exactly on the box's side: set that coordinate exactly.
                        let t = sa / (sa - sb)
                        var p = Point(x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t)
                        switch k {
                        case 0: p.x = box.minX
                        case 1: p.x = box.maxX
                        case 2: p.y = box.minY
                        default: p.y = box.maxY
                        }
                        next.append(p)
                    }
                }
                out = next
            }
            return out.count >= 3 ? out + [out[0]] : []
        }
        let exterior = clipRing(polygon.exterior.points)
        guard !exterior.isEmpty else { return nil }
        let holes = polygon.holes.map { clipRing($0.points) }.filter { !$0.isEmpty }
        return Polygon(exterior: Ring(exterior), holes: holes.map(Ring.init))
    }
}
