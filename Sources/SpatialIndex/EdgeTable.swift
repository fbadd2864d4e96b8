import GeoCore

/// Every edge of a layer, lower endpoint first, grouped by polygon in input order.
///
/// Horizontal edges never cross a horizontal ray under the half-open rule (lower.y <= py < upper.y is
/// impossible), but they are kept: a bucket they pass through is not constant, because the parity of the
/// polygon's other edges changes across them.
struct EdgeTable: Sendable {
    var ax: [Double] = []
    var ay: [Double] = []
    var bx: [Double] = []
    var by: [Double] = []
    var polygon: [Int32] = []
    /// Edges of polygon p are `polygonStart[p] ..< polygonStart[p + 1]`.
    var polygonStart: [Int] = [0]
    /// Bounding box of every vertex (horizontal edges included), per polygon and overall.
    var polygonBoxes: [BoundingBox] = []
    var bounds = BoundingBox.empty

    var count: Int { ax.count }

    init(layer: [MultiPolygon]) throws(PolygonIndexError) {
        let vertices = layer.reduce(0) { $0 + $1.vertexCount }
        for column in [\EdgeTable.ax, \.ay, \.bx, \.by] { self[keyPath: column].reserveCapacity(vertices) }
        polygon.reserveCapacity(vertices)
        polygonStart.reserveCapacity(layer.count + 1)
        polygonBoxes.reserveCapacity(layer.count)
        for (index, multi) in layer.enumerated() {
            var box = BoundingBox.empty
            for (partIndex, part) in multi.polygons.enumerated() {
                // Exterior then holes, without building `Polygon.rings`.
                try addRing(part.exterior.points, polygon: index, part: partIndex, ring: 0, box: &box)
                for (holeIndex, hole) in part.holes.enumerated() {
                    try addRing(hole.points, polygon: index, part: partIndex, ring: holeIndex + 1, box: &box)
                }
            }
            polygonBoxes.append(box)
            bounds = bounds.union(box)
            polygonStart.append(ax.count)
        }
    }

    private mutating func addRing(_ points: [Point], polygon index: Int, part: Int, ring: Int,
                                  box: inout BoundingBox) throws(PolygonIndexError) {
        try points.withUnsafeBufferPointer { (points) throws(PolygonIndexError) in
            let n = points.count
            guard n > 0 else { return }
            for (vertex, p) in points.enumerated() where !p.isFinite {
                throw PolygonIndexError(polygon: index, part: part, ring: ring, vertex: vertex,
                                        problem: "coordinate is not a finite number")
            }
            for p in points { box.extend(p) }
            // Rings repeat their first point; an unclosed ring is closed implicitly.
            for i in 0..<n {
                let a = points[i]
                let b = points[i + 1 < n ? i + 1 : 0]
                if i + 1 == n && a == b { break }
                if a == b { continue }
                let (lo, hi) = a.y < b.y || (a.y == b.y && a.x < b.x) ? (a, b) : (b, a)
                ax.append(lo.x); ay.append(lo.y); bx.append(hi.x); by.append(hi.y)
                polygon.append(Int32(index))
            }
        }
    }

    /// The half-open crossing rule for one edge: does the ray from (px, py) towards +x cross edge e?
    /// Counts when lower.y <= py < upper.y and the point is strictly left of the upward edge; a point on
    /// the edge is treated as if shifted by an infinitesimal +x, so it is not crossed.
    @inline(__always)
    func crosses(_ e: Int, _ px: Double, _ py: Double) -> Bool {
        ay[e] <= py && py < by[e] && orientationSign(ax[e], ay[e], bx[e], by[e], px, py) > 0
    }

    /// Even-odd parity of polygon p at (px, py) by the half-open rule over all of its edges (no index).
    func parity(polygon p: Int, _ px: Double, _ py: Double) -> Bool {
        var inside = false
        for e in polygonStart[p]..<polygonStart[p + 1] where crosses(e, px, py) { inside.toggle() }
        return inside
    }
}

/// A layer the index cannot be built from, naming the polygon (input index), part, ring and vertex.
public struct PolygonIndexError: Error, Sendable, Equatable, CustomStringConvertible {
    public var polygon: Int
    public var part: Int
    public var ring: Int
    public var vertex: Int
    public var problem: String

    public var description: String {
        "polygon \(polygon), part \(part), ring \(ring), vertex \(vertex): \(problem)"
    }
}
