import GeoCore
import Projection

// Datum conversion of whole geometries: every vertex converted, rings kept in order. The datum offsets move
// neighbouring vertices by nearly the same few hundred metres, so orientation and validity are preserved.

extension MultiPolygon {
    /// This area with every vertex converted from datum `from` to datum `to`.
    func converted(from: Datum, to: Datum) -> MultiPolygon {
        guard from != to else { return self }
        return MultiPolygon(polygons.map { $0.converted(from: from, to: to) })
    }
}

extension Polygon {
    func converted(from: Datum, to: Datum) -> Polygon {
        Polygon(exterior: Ring(DatumConversion.convert(exterior.points, from: from, to: to)),
                holes: holes.map { Ring(DatumConversion.convert($0.points, from: from, to: to)) })
    }
}

extension Geometry {
    /// This geometry with every position converted from datum `from` to datum `to`.
    func converted(from: Datum, to: Datum) -> Geometry {
        guard from != to else { return self }
        return switch self {
        case .point(let point): .point(DatumConversion.convert(point, from: from, to: to))
        case .lineString(let points): .lineString(points.map { DatumConversion.convert($0, from: from, to: to) })
        case .polygon(let polygon): .polygon(polygon.converted(from: from, to: to))
        case .multiPolygon(let multi): .multiPolygon(multi.converted(from: from, to: to))
        }
    }
}
