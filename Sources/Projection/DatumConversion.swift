import Foundation
import GeoCore
import Parallel

/// Conversions between the three longitude/latitude datums HeatGrid reads: WGS-84, GCJ-02 and BD-09.
///
/// - WGS-84 → GCJ-02 is the public obfuscation formula (the `transformLat`/`transformLon` series on the
///   Krasovsky ellipsoid, a = 6378245.0, e² = 0.00669342162296594323), applied only inside the formula's
///   rectangle (longitude 72.004…137.8347, latitude 0.8293…55.8271, bounds included) and the identity outside.
/// - GCJ-02 → BD-09 is Baidu's formula (x_pi = π·3000/180), applied everywhere, as coordtransform and
///   coord-convert do.
/// - The inverses have no closed form. Each starts from the usual one-step approximation and iterates the
///   forward map as a fixed point, w ← w − (forward(w) − target), until the forward image is within
///   `inverseTolerance` (1e-9°, about 0.1 mm) of the target in both coordinates. The forward maps move a
///   point by well under a thousandth of the distance between two points, so each step gains about three
///   decimal digits and 2–4 steps suffice; `maxInverseIterations` (20) only guards against non-finite input.
///
/// Non-finite coordinates pass through unchanged (they are outside the rectangle by every comparison).
public enum DatumConversion {
    /// How close (degrees, per coordinate) the forward image of an inverse must come to its target.
    public static let inverseTolerance = 1e-9
    /// The most fixed-point steps an inverse takes.
    public static let maxInverseIterations = 20

    /// `point` (longitude, latitude in degrees) given in datum `from`, expressed in datum `to`.
    public static func convert(_ point: Point, from: Datum, to: Datum) -> Point {
        switch (from, to) {
        case (.wgs84, .wgs84), (.gcj02, .gcj02), (.bd09, .bd09): point
        case (.wgs84, .gcj02): wgs84ToGCJ02(point)
        case (.gcj02, .wgs84): gcj02ToWGS84(point)
        case (.gcj02, .bd09): gcj02ToBD09(point)
        case (.bd09, .gcj02): bd09ToGCJ02(point)
        case (.wgs84, .bd09): gcj02ToBD09(wgs84ToGCJ02(point))
        case (.bd09, .wgs84): gcj02ToWGS84(bd09ToGCJ02(point))
        }
    }

    /// Converts many positions in place: `longitudes[i]`, `latitudes[i]` is one position.
    /// Throws `DatumConversionError` when the two arrays differ in length (nothing is converted then).
    public static func convert(longitudes: inout [Double], latitudes: inout [Double], from: Datum, to: Datum) throws {
        guard longitudes.count == latitudes.count else {
            throw DatumConversionError(message: "\(longitudes.count) longitudes but \(latitudes.count) latitudes")
        }
        guard from != to else { return }
        for i in longitudes.indices {
            let p = convert(Point(x: longitudes[i], y: latitudes[i]), from: from, to: to)
            longitudes[i] = p.x
            latitudes[i] = p.y
        }
    }

    /// `convert(longitudes:latitudes:from:to:)` on up to `threads` threads (the inverse GCJ-02 iterates the forward
    /// formula, about 0.1 µs a point: ten million points are worth two cores).
    public static func convert(longitudes: inout [Double], latitudes: inout [Double], from: Datum, to: Datum,
                               threads: Int) throws {
        guard longitudes.count == latitudes.count else {
            throw DatumConversionError(message: "\(longitudes.count) longitudes but \(latitudes.count) latitudes")
        }
        guard from != to else { return }
        let n = longitudes.count
        let parts = max(1, min(threads, n / 65_536))
        longitudes.withUnsafeMutableBufferPointer { lon in
            latitudes.withUnsafeMutableBufferPointer { lat in
                let columns = Columns(longitude: lon, latitude: lat)
                _ = Parallel.map(parts) { k in
                    for i in Parallel.part(k, of: n, parts: parts) {
                        let p = convert(Point(x: columns.longitude[i], y: columns.latitude[i]), from: from, to: to)
                        columns.longitude[i] = p.x
                        columns.latitude[i] = p.y
                    }
                }
            }
        }
    }

    /// Two coordinate columns that threads convert in disjoint parts.
    private struct Columns: @unchecked Sendable {
        let longitude: UnsafeMutableBufferPointer<Double>
        let latitude: UnsafeMutableBufferPointer<Double>
    }

    /// Converts many positions, returning them in the same order.
    public static func convert(_ points: [Point], from: Datum, to: Datum) -> [Point] {
        from == to ? points : points.map { convert($0, from: from, to: to) }
    }

    // MARK: GCJ-02

    /// Whether the GCJ-02 formula applies at `point`: the public formula's rectangle around China, bounds included.
    public static func isInsideGCJ02Rectangle(_ point: Point) -> Bool {
        point.x >= 72.004 && point.x <= 137.8347 && point.y >= 0.8293 && point.y <= 55.8271
    }

    /// WGS-84 → GCJ-02 (identity outside the rectangle).
    public static func wgs84ToGCJ02(_ point: Point) -> Point {
        guard isInsideGCJ02Rectangle(point) else { return point }
        return gcj02Offset(point)
    }

    /// GCJ-02 → WGS-84 by fixed-point iteration of the forward formula (identity outside the rectangle).
    ///
    /// The iteration uses the formula without the rectangle test, so a point just inside the rectangle whose
    /// WGS-84 position lies just outside still inverts to the position the formula maps onto it.
    public static func gcj02ToWGS84(_ point: Point) -> Point {
        guard isInsideGCJ02Rectangle(point) else { return point }
        let first = gcj02Offset(point)
        // One-step approximation: subtract the offset measured at the target itself.
        var guess = Point(x: 2 * point.x - first.x, y: 2 * point.y - first.y)
        for _ in 0..<maxInverseIterations {
            let image = gcj02Offset(guess)
            let dx = image.x - point.x, dy = image.y - point.y
            if abs(dx) <= inverseTolerance && abs(dy) <= inverseTolerance { break }
            guess.x -= dx
            guess.y -= dy
        }
        return guess
    }

    /// Krasovsky semi-major axis and first eccentricity squared of the public formula.
    private static let krasovskyA = 6_378_245.0
    private static let krasovskyEE = 0.006_693_421_622_965_943_23

    /// The GCJ-02 image of a WGS-84 point by the public formula, without the rectangle test.
    private static func gcj02Offset(_ point: Point) -> Point {
        let x = point.x - 105.0, y = point.y - 35.0
        let latitudeRadians = point.y / 180.0 * Double.pi
        var magic = sin(latitudeRadians)
        magic = 1 - krasovskyEE * magic * magic
        let sqrtMagic = magic.squareRoot()
        let dLat = (transformLatitude(x, y) * 180.0) / ((krasovskyA * (1 - krasovskyEE)) / (magic * sqrtMagic) * Double.pi)
        let dLon = (transformLongitude(x, y) * 180.0) / (krasovskyA / sqrtMagic * cos(latitudeRadians) * Double.pi)
        return Point(x: point.x + dLon, y: point.y + dLat)
    }

    private static func transformLatitude(_ x: Double, _ y: Double) -> Double {
        var r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * abs(x).squareRoot()
        r += (20.0 * sin(6.0 * x * Double.pi) + 20.0 * sin(2.0 * x * Double.pi)) * 2.0 / 3.0
        r += (20.0 * sin(y * Double.pi) + 40.0 * sin(y / 3.0 * Double.pi)) * 2.0 / 3.0
        r += (160.0 * sin(y / 12.0 * Double.pi) + 320.0 * sin(y * Double.pi / 30.0)) * 2.0 / 3.0
        return r
    }

    private static func transformLongitude(_ x: Double, _ y: Double) -> Double {
        var r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * abs(x).squareRoot()
        r += (20.0 * sin(6.0 * x * Double.pi) + 20.0 * sin(2.0 * x * Double.pi)) * 2.0 / 3.0
        r += (20.0 * sin(x * Double.pi) + 40.0 * sin(x / 3.0 * Double.pi)) * 2.0 / 3.0
        r += (150.0 * sin(x / 12.0 * Double.pi) + 300.0 * sin(x / 30.0 * Double.pi)) * 2.0 / 3.0
        return r
    }

    // MARK: BD-09

    private static let xPi = Double.pi * 3000.0 / 180.0

    /// GCJ-02 → BD-09 (Baidu's formula, applied everywhere).
    public static func gcj02ToBD09(_ point: Point) -> Point {
        let x = point.x, y = point.y
        let z = (x * x + y * y).squareRoot() + 0.000_02 * sin(y * xPi)
        let theta = atan2(y, x) + 0.000_003 * cos(x * xPi)
        return Point(x: z * cos(theta) + 0.0065, y: z * sin(theta) + 0.006)
    }

    /// BD-09 → GCJ-02: the standard closed-form approximation (good to about 1e-6°), refined by fixed-point
    /// iteration of `gcj02ToBD09` until its image is within `inverseTolerance` of `point`.
    public static func bd09ToGCJ02(_ point: Point) -> Point {
        guard point.isFinite else { return point }
        let x = point.x - 0.0065, y = point.y - 0.006
        let z = (x * x + y * y).squareRoot() - 0.000_02 * sin(y * xPi)
        let theta = atan2(y, x) - 0.000_003 * cos(x * xPi)
        var guess = Point(x: z * cos(theta), y: z * sin(theta))
        for _ in 0..<maxInverseIterations {
            let image = gcj02ToBD09(guess)
            let dx = image.x - point.x, dy = image.y - point.y
            if abs(dx) <= inverseTolerance && abs(dy) <= inverseTolerance { break }
            guess.x -= dx
            guess.y -= dy
        }
        return guess
    }
}

/// Input a datum conversion cannot work with.
public struct DatumConversionError: Error, CustomStringConvertible, Sendable, Equatable {
    public let message: String
    public init(message: String) { self.message = message }
    public var description: String { "datum conversion: \(message)" }
}
