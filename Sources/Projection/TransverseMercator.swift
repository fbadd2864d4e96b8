import Foundation
import GeoCore

/// Transverse Mercator on the WGS-84 ellipsoid by Krüger's series to sixth order in the third flattening
/// (Karney 2011, "Transverse Mercator with an accuracy of a few nanometers"), the method PROJ uses for its
/// default `tmerc`/`utm`. Accurate to well under a millimetre within 10° of the central meridian, which is
/// all a city-scale layer needs: cell sizes and kernel radii are measured in these metres.
///
/// Input and output of `forward` / `inverse` are `Point`s: (longitude, latitude) in degrees and
/// (easting, northing) in metres.
public struct TransverseMercator: Hashable, Sendable {
    public let centralMeridian: Double
    public let scaleFactor: Double
    public let falseEasting: Double
    public let falseNorthing: Double

    /// Equatorial radius and flattening of WGS-84 (GCJ-02 and CGCS2000 coordinates are close enough for metric work).
    static let semiMajorAxis = 6_378_137.0
    static let flattening = 1 / 298.257_223_563

    private static let n = flattening / (2 - flattening)
    private static let eccentricity = (flattening * (2 - flattening)).squareRoot()
    /// Rectifying radius: meridian arc length per radian of rectifying latitude.
    private static let rectifyingRadius: Double = {
        let n2 = n * n
        return semiMajorAxis / (1 + n) * (1 + n2 / 4 + n2 * n2 / 64 + n2 * n2 * n2 / 256)
    }()
    /// Krüger's coefficients, forward (α) and inverse (β), as polynomials in n.
    private static let alpha: [Double] = {
        let n2 = n * n, n3 = n2 * n, n4 = n3 * n, n5 = n4 * n, n6 = n5 * n
        return [
            n / 2 - 2 * n2 / 3 + 5 * n3 / 16 + 41 * n4 / 180 - 127 * n5 / 288 + 7891 * n6 / 37800,
            13 * n2 / 48 - 3 * n3 / 5 + 557 * n4 / 1440 + 281 * n5 / 630 - 1_983_433 * n6 / 1_935_360,
            61 * n3 / 240 - 103 * n4 / 140 + 15061 * n5 / 26880 + 167_603 * n6 / 181_440,
            49561 * n4 / 161_280 - 179 * n5 / 168 + 6_601_661 * n6 / 7_257_600,
            34729 * n5 / 80640 - 3_418_889 * n6 / 1_995_840,
            212_378_941 * n6 / 319_334_400,
        ]
    }()
    private static let beta: [Double] = {
        let n2 = n * n, n3 = n2 * n, n4 = n3 * n, n5 = n4 * n, n6 = n5 * n
        return [
            n / 2 - 2 * n2 / 3 + 37 * n3 / 96 - n4 / 360 - 81 * n5 / 512 + 96199 * n6 / 604_800,
            n2 / 48 + n3 / 15 - 437 * n4 / 1440 + 46 * n5 / 105 - 1_118_711 * n6 / 3_870_720,
            17 * n3 / 480 - 37 * n4 / 840 - 209 * n5 / 4480 + 5569 * n6 / 90720,
            4397 * n4 / 161_280 - 11 * n5 / 504 - 830_251 * n6 / 7_257_600,
            4583 * n5 / 161_280 - 108_847 * n6 / 3_991_680,
            20_648_693 * n6 / 638_668_800,
        ]
    }()

    public init(centralMeridian: Double, scaleFactor: Double = 1, falseEasting: Double = 0, falseNorthing: Double = 0) {
        self.centralMeridian = centralMeridian
        self.scaleFactor = scaleFactor
        self.falseEasting = falseEasting
        self.falseNorthing = falseNorthing
    }

    /// UTM zone `zone` (1...60) of the northern or southern hemisphere, as EPSG:326xx / 327xx.
    public static func utm(zone: Int, north: Bool = true) -> TransverseMercator {
        TransverseMercator(centralMeridian: Double(zone) * 6 - 183, scaleFactor: 0.9996,
                           falseEasting: 500_000, falseNorthing: north ? 0 : 10_000_000)
    }

    /// The UTM zone whose 6° band holds `longitude` (Jiaxing, 120.8°E: zone 51).
    public static func utmZone(longitude: Double) -> Int {
        min(60, max(1, Int(((longitude + 180) / 6).rounded(.down)) + 1))
    }

    /// The UTM projection for the zone containing a layer's centre; how HeatGrid picks metres for a layer.
    public static func utm(containing center: Point) -> TransverseMercator {
        utm(zone: utmZone(longitude: center.x), north: center.y >= 0)
    }

    /// (longitude, latitude) in degrees → (easting, northing) in metres.
    public func forward(_ lonLat: Point) -> Point {
        let e = Self.eccentricity
        let phi = lonLat.y * .pi / 180
        let lambda = (lonLat.x - centralMeridian) * .pi / 180
        // Conformal latitude as its tangent, then Gauss–Schreiber transverse Mercator on the sphere.
        let sinPhi = sin(phi)
        let tau = tan(phi)
        let sigma = sinh(e * atanh(e * sinPhi))
        let tauPrime = tau * (1 + sigma * sigma).squareRoot() - sigma * (1 + tau * tau).squareRoot()
        let xiPrime = atan2(tauPrime, cos(lambda))
        let etaPrime = asinh(sin(lambda) / (tauPrime * tauPrime + cos(lambda) * cos(lambda)).squareRoot())
        var xi = xiPrime, eta = etaPrime
        for (j, a) in Self.alpha.enumerated() {
            let k = 2 * Double(j + 1)
            xi += a * sin(k * xiPrime) * cosh(k * etaPrime)
            eta += a * cos(k * xiPrime) * sinh(k * etaPrime)
        }
        let scale = scaleFactor * Self.rectifyingRadius
        return Point(x: falseEasting + scale * eta, y: falseNorthing + scale * xi)
    }

    /// (easting, northing) in metres → (longitude, latitude) in degrees.
    public func inverse(_ metres: Point) -> Point {
        let e = Self.eccentricity
        let scale = scaleFactor * Self.rectifyingRadius
        let xi = (metres.y - falseNorthing) / scale
        let eta = (metres.x - falseEasting) / scale
        var xiPrime = xi, etaPrime = eta
        for (j, b) in Self.beta.enumerated() {
            let k = 2 * Double(j + 1)
            xiPrime -= b * sin(k * xi) * cosh(k * eta)
            etaPrime -= b * cos(k * xi) * sinh(k * eta)
        }
        let tauPrime = sin(xiPrime) / (sinh(etaPrime) * sinh(etaPrime) + cos(xiPrime) * cos(xiPrime)).squareRoot()
        let lambda = atan2(sinh(etaPrime), cos(xiPrime))
        // Conformal → geographic latitude by Newton's method on tan(φ) (Karney 2011, eqs. 19–21).
        let oneMinusE2 = 1 - e * e
        var tau = tauPrime
        for _ in 0..<8 {
            let sigma = sinh(e * atanh(e * tau / (1 + tau * tau).squareRoot()))
            let tauPrimeI = tau * (1 + sigma * sigma).squareRoot() - sigma * (1 + tau * tau).squareRoot()
            let derivative = oneMinusE2 * (1 + tauPrimeI * tauPrimeI).squareRoot() * (1 + tau * tau).squareRoot()
                / (1 + oneMinusE2 * tau * tau)
            let step = (tauPrime - tauPrimeI) / derivative
            tau += step
            if abs(step) < 1e-15 * max(1, abs(tau)) { break }
        }
        return Point(x: centralMeridian + lambda * 180 / .pi, y: atan(tau) * 180 / .pi)
    }

}
