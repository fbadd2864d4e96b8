import CGEOS
import GeoCore

/// GEOS's verdict on one area of a layer.
public struct GEOSValidity: Sendable, Hashable, CustomStringConvertible {
    /// Position of the area in the layer passed to `validate(_:)`.
    public let index: Int
    public let isValid: Bool
    /// "Valid Geometry", or the problem as GEOS names it ("Self-intersection", "Ring Self-intersection",
    /// "Hole lies outside shell", "Too few points", …), or why GEOS could not even build the area.
    public let reason: String
    /// Where GEOS found the problem; `nil` for a valid area or one that could not be built.
    public let location: Point?

    public init(index: Int, isValid: Bool, reason: String, location: Point?) {
        self.index = index
        self.isValid = isValid
        self.reason = reason
        self.location = location
    }

    public var description: String {
        if isValid { return "area \(index): valid" }
        guard let location else { return "area \(index): \(reason)" }
        return "area \(index): \(reason) at (\(location.x), \(location.y))"
    }
}

extension GEOSGeometry {
    /// Whether this geometry is valid and, if not, GEOS's reason and the place of the problem.
    public func validity(index: Int = 0) throws -> GEOSValidity {
        var reason: UnsafeMutablePointer<CChar>?
        var location: OpaquePointer?
        // 1 valid, 0 invalid, 2 exception. When invalid, `reason` (free with GEOSFree_r) and `location`
        // (a point; destroy with GEOSGeom_destroy_r) are allocated for the caller.
        let result = GEOSisValidDetail_r(context.handle, pointer, 0, &reason, &location)
        defer {
            if let reason { GEOSFree_r(context.handle, reason) }
            if let location { GEOSGeom_destroy_r(context.handle, location) }
        }
        switch result {
        case 1:
            return GEOSValidity(index: index, isValid: true, reason: "Valid Geometry", location: nil)
        case 0:
            let text = reason.map { String(cString: $0) } ?? "invalid"
            var point: Point?
            if let location {
                var x = 0.0, y = 0.0
                // Both: 1 on success, 0 on exception.
                if GEOSGeomGetX_r(context.handle, location, &x) == 1, GEOSGeomGetY_r(context.handle, location, &y) == 1 {
                    point = Point(x: x, y: y)
                }
            }
            return GEOSValidity(index: index, isValid: false, reason: text, location: point)
        default:
            throw context.failure("validity of area \(index)")
        }
    }
}

extension GEOSContext {
    /// GEOS's validity verdict for every area of `layer`, in order. An area GEOS cannot even build
    /// (an open ring, a ring of two points, a non-finite coordinate) is reported invalid with the reason,
    /// so one broken feature does not hide the verdicts on the others.
    public func validate(_ layer: [MultiPolygon]) throws -> [GEOSValidity] {
        try layer.enumerated().map { index, area in
            let geometry: GEOSGeometry
            do {
                geometry = try self.geometry(area)
            } catch let error as GEOSError {
                return GEOSValidity(index: index, isValid: false, reason: "cannot build: \(error.description)", location: nil)
            }
            return try geometry.validity(index: index)
        }
    }

    /// `area` made valid: returned unchanged if GEOS finds it valid, otherwise repaired with
    /// `MakeValid` and reduced to its polygonal parts. Uses the `.structure` method, so parts that
    /// overlap are merged rather than cancelled, which is what a district drawn in pieces means.
    public func repaired(_ area: MultiPolygon) throws -> MultiPolygon {
        let geometry = try self.geometry(area)
        if try geometry.isValid() { return area }
        return try geometry.makeValid(method: .structure).multiPolygon()
    }
}
