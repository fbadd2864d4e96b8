import GeoCore

/// A cheap proof that an area is valid, so that GEOS is asked only about the areas it cannot prove.
///
/// It proves one shape, the one almost every grid cell has: a single polygon without holes whose ring is simple
/// (closed, finite, no repeated points, every pair of edges meeting only where consecutive edges share their
/// vertex). Such a polygon is valid as GEOS judges validity. Every orientation sign it relies on is decided by
/// the floating-point filter with Shewchuk's proven error bound; when the filter cannot decide, the area is
/// left to GEOS. So the proof can only say "valid" or "ask GEOS", never wrongly "valid", and invalid areas are
/// found and reported by GEOS exactly as before.
enum SimpleRingProof {
    /// Rings with more edges go to GEOS: the pairwise edge test is quadratic, GEOS's noder is not.
    static let maxEdges = 64

    /// Whether `area` is certainly valid: one polygon, no holes, a provably simple exterior ring.
    static func isProvablyValid(_ area: MultiPolygon) -> Bool {
        guard area.polygons.count == 1, area.polygons[0].holes.isEmpty else { return false }
        return isProvablySimple(area.polygons[0].exterior.points)
    }

    /// Whether the closed ring `points` (last point equal to the first) is certainly simple.
    static func isProvablySimple(_ points: [Point]) -> Bool {
        let edgeCount = points.count - 1
        guard edgeCount >= 3, edgeCount <= maxEdges, points[0] == points[edgeCount] else { return false }
        return points.withUnsafeBufferPointer { p in
            for point in p where !point.isFinite { return false }
            for i in 0..<edgeCount where p[i] == p[i + 1] { return false }
            // Consecutive edges meet only at their shared vertex: a turn, or a straight continuation.
            for i in 0..<edgeCount {
                let before = p[i == 0 ? edgeCount - 1 : i - 1], vertex = p[i], after = p[i + 1]
                guard meetOnlyAtVertex(before, vertex, after) else { return false }
            }
            // Any other two edges do not meet at all (the first and last edges are consecutive).
            for i in 0..<edgeCount - 2 {
                let a = p[i], b = p[i + 1]
                let last = i == 0 ? edgeCount - 2 : edgeCount - 1
                var j = i + 2
                while j <= last {
                    guard areDisjoint(a, b, p[j], p[j + 1]) else { return false }
                    j += 1
                }
            }
            return true
        }
    }

    /// Whether the edges `before`–`vertex` and `vertex`–`after` (each of nonzero length) share only `vertex`.
    static func meetOnlyAtVertex(_ before: Point, _ vertex: Point, _ after: Point) -> Bool {
        if provenOrientation(before, vertex, after) != 0 { return true }
        // Exactly collinear is provable only when each product of the determinant has a zero factor; then the
        // edges share only the vertex when the ring goes straight on rather than doubling back.
        let leftIsZero = before.x == after.x || vertex.y == after.y
        let rightIsZero = before.y == after.y || vertex.x == after.x
        guard leftIsZero && rightIsZero else { return false }
        return direction(before.x, vertex.x) == direction(vertex.x, after.x)
            && direction(before.y, vertex.y) == direction(vertex.y, after.y)
    }

    /// Whether the segments `a`–`b` and `c`–`d` certainly have no point in common.
    static func areDisjoint(_ a: Point, _ b: Point, _ c: Point, _ d: Point) -> Bool {
        if max(a.x, b.x) < min(c.x, d.x) || max(c.x, d.x) < min(a.x, b.x)
            || max(a.y, b.y) < min(c.y, d.y) || max(c.y, d.y) < min(a.y, b.y)
        {
            return true
        }
        // Both ends of one segment strictly on the same side of the other's line.
        let c1 = provenOrientation(a, b, c), d1 = provenOrientation(a, b, d)
        if c1 != 0 && c1 == d1 { return true }
        let a2 = provenOrientation(c, d, a), b2 = provenOrientation(c, d, b)
        return a2 != 0 && a2 == b2
    }

    /// The sign of orient2d(a, b, c) (positive: a counter-clockwise turn) when the floating-point value is
    /// provably of the exact value's sign (Shewchuk's ccwerrboundA); 0 when that cannot be proven.
    static func provenOrientation(_ a: Point, _ b: Point, _ c: Point) -> Int {
        let p = a.x - c.x, q = b.y - c.y, r = a.y - c.y, s = b.x - c.x
        let left = p * q, right = r * s
        // The bound holds for products that did not underflow; a product of nonzero factors that small decides
        // nothing (coordinates in degrees or metres never get there).
        if (left.magnitude < 0x1p-1000 && p != 0 && q != 0) || (right.magnitude < 0x1p-1000 && r != 0 && s != 0) {
            return 0
        }
        let determinant = left - right
        let bound = errorBound * (left.magnitude + right.magnitude)
        if determinant > bound { return 1 }
        if -determinant > bound { return -1 }
        return 0
    }

    /// Shewchuk's ccwerrboundA = (3 + 16ε)ε, ε = 2⁻⁵³.
    static let errorBound: Double = (3.0 + 16.0 * 0x1p-53) * 0x1p-53

    private static func direction(_ from: Double, _ to: Double) -> Int { to > from ? 1 : to < from ? -1 : 0 }
}
