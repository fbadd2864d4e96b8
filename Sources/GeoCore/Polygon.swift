/// A closed linear ring. `points` repeats the first position at the end, as GeoJSON does,
/// so a valid ring has at least four points (a triangle).
public struct Ring: Hashable, Sendable {
    public var points: [Point]

    public init(_ points: [Point]) { self.points = points }

    /// The signed area by the shoelace formula, positive for counter-clockwise rings
    /// (in a y-up coordinate system such as lon/lat).
    public var signedArea: Double {
        guard points.count >= 4 else { return 0 }
        // Shift to the first vertex so that lon/lat magnitudes do not cost precision.
        let origin = points[0]
        var twice = 0.0
        for i in 1..<(points.count - 1) {
            let a = points[i], b = points[i + 1]
            twice += (a.x - origin.x) * (b.y - origin.y) - (b.x - origin.x) * (a.y - origin.y)
        }
        return twice / 2
    }

    public var isCounterClockwise: Bool { signedArea > 0 }
    public var boundingBox: BoundingBox { BoundingBox(points) }

    /// The same ring traversed the other way.
    public func reversed() -> Ring { Ring(points.reversed()) }

    /// This ring wound counter-clockwise (`true`) or clockwise (`false`).
    public func oriented(counterClockwise: Bool) -> Ring {
        isCounterClockwise == counterClockwise || signedArea == 0 ? self : reversed()
    }
}

/// A polygon: one exterior ring and any number of holes.
public struct Polygon: Hashable, Sendable {
    public var exterior: Ring
    public var holes: [Ring]

    public init(exterior: Ring, holes: [Ring] = []) {
        self.exterior = exterior
        self.holes = holes
    }

    /// Area in squared coordinate units (exterior minus holes), whatever the rings' winding.
    public var area: Double {
        holes.reduce(abs(exterior.signedArea)) { $0 - abs($1.signedArea) }
    }

    public var boundingBox: BoundingBox { exterior.boundingBox }

    /// All rings, exterior first.
    public var rings: [Ring] { [exterior] + holes }

    /// Exterior counter-clockwise and holes clockwise, as RFC 7946 §3.1.6 asks.
    public func rfc7946Oriented() -> Polygon {
        Polygon(exterior: exterior.oriented(counterClockwise: true),
                holes: holes.map { $0.oriented(counterClockwise: false) })
    }
}

/// Several polygons that together form one area (a district with islands, a clipped cell in pieces).
public struct MultiPolygon: Hashable, Sendable {
    public var polygons: [Polygon]

    public init(_ polygons: [Polygon]) { self.polygons = polygons }

    public var area: Double { polygons.reduce(0) { $0 + $1.area } }

    public var boundingBox: BoundingBox {
        polygons.reduce(BoundingBox.empty) { $0.union($1.boundingBox) }
    }

    public var vertexCount: Int {
        // Without building `Polygon.rings` (an array per polygon): the index build asks for every polygon's count.
        polygons.reduce(0) { total, polygon in polygon.holes.reduce(total + polygon.exterior.points.count) { $0 + $1.points.count } }
    }
}
