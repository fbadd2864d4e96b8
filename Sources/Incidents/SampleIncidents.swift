import GeoCore

/// xoshiro256** seeded through SplitMix64: the same sequence on every platform.
public struct Xoshiro256StarStar: RandomNumberGenerator, Sendable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    public init(seed: UInt64) {
        var x = seed
        func splitMix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix()
        s1 = splitMix()
        s2 = splitMix()
        s3 = splitMix()
    }

    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// Uniform in [0, 1) with 53 random bits.
    public mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1p-53 }
}

/// Elementary functions from `+ - * /` only, so generated samples do not depend on the platform's libm.
enum PortableMath {
    static let ln2Hi = 6.93147180369123816490e-01
    static let ln2Lo = 1.90821492927058770002e-10

    /// Natural logarithm for finite `x > 0`: `x = m·2^k` with `m` in [√½, √2), `ln m = 2·atanh((m−1)/(m+1))`.
    static func log(_ x: Double) -> Double {
        var k = Int(x.exponent)
        var m = x.significand  // [1, 2)
        if m > 1.4142135623730951 {
            m /= 2
            k += 1
        }
        let s = (m - 1) / (m + 1)
        let s2 = s * s
        var term = s
        var sum = 0.0
        var n = 1.0
        while n < 40 {
            sum += term / n
            term *= s2
            n += 2
        }
        return Double(k) * ln2Hi + (2 * sum + Double(k) * ln2Lo)
    }

    /// (cos, sin) of `turns` full turns (2π·turns radians), reduced exactly to an eighth of a turn first.
    static func cosSin(turns: Double) -> (cos: Double, sin: Double) {
        let quarters = turns * 4
        let q = quarters.rounded()
        let a = (quarters - q) * (Double.pi / 2)  // [-π/4, π/4]
        let a2 = a * a
        var c = 1.0
        var s = 1.0
        var cTerm = 1.0
        var sTerm = 1.0
        var k = 1.0
        while k < 12 {
            cTerm *= -a2 / ((2 * k - 1) * (2 * k))
            sTerm *= -a2 / ((2 * k) * (2 * k + 1))
            c += cTerm
            s += sTerm
            k += 1
        }
        s *= a
        switch Int(q.truncatingRemainder(dividingBy: 4) + 4) % 4 {
        case 0: return (c, s)
        case 1: return (-s, c)
        case 2: return (-c, -s)
        default: return (s, -c)
        }
    }

    static func cos(degrees: Double) -> Double { cosSin(turns: degrees / 360).cos }
}

/// Seeded synthetic incidents: clustered hot spots plus a uniform background, deterministic on every platform.
public enum SampleIncidents {
    /// Category names in table order, with the probability of each.
    public static let categories: [(name: String, probability: Double)] = [
        ("theft", 0.30), ("fraud", 0.12), ("dispute", 0.22), ("fire", 0.06), ("traffic", 0.12), ("service", 0.18),
    ]
    /// 2026-01-05T00:00:00+08:00, a Monday: the first instant of the generated year.
    public static let startTime: Int64 = 1_767_542_400
    /// Generated times lie in [startTime, startTime + 52 weeks).
    public static let weeks = 52
    /// Metres per degree of latitude (WGS 84, mid-latitudes), and of longitude at the equator.
    public static let metresPerDegreeLatitude = 110_574.0
    public static let metresPerDegreeLongitudeAtEquator = 111_320.0

    /// Generates `count` incidents with ids `1...count`.
    ///
    /// - `hotSpotCount` centres are drawn uniformly in `extent` until `accept` says each lies in the area of
    ///   interest (after 100,000 refused draws the centre of the extent is used, so a wrong `accept` cannot hang).
    ///   Hot spot k (1-based) is chosen with weight 1/k^0.8 and spreads as a circular normal whose sigma is drawn
    ///   uniformly in 80–900 m, converted to degrees at the extent's centre latitude with
    ///   111,320·cos(lat) m per degree of longitude and 110,574 m per degree of latitude.
    /// - A `backgroundShare` of the incidents is uniform over the extent grown by 5 km on every side.
    /// - Categories follow `categories`; times are a uniform day of the 52 weeks from `startTime` plus an hour
    ///   of day (China time) drawn from Normal(20 h, 5 h) wrapped into [0, 24).
    /// Normal draws use Box–Muller on xoshiro256** with platform-independent `log`/`cos`/`sin`.
    public static func generate(count: Int, seed: UInt64, extent: BoundingBox, hotSpotCount: Int = 60,
                                backgroundShare: Double = 0.25, accept: (Point) -> Bool = { _ in true })
        -> IncidentTable
    {
        generateWithBackgroundFlags(count: count, seed: seed, extent: extent, hotSpotCount: hotSpotCount,
                                    backgroundShare: backgroundShare, accept: accept).table
    }

    /// `generate`, also saying which incidents are background (for tests).
    static func generateWithBackgroundFlags(count: Int, seed: UInt64, extent: BoundingBox, hotSpotCount: Int,
                                            backgroundShare: Double, accept: (Point) -> Bool)
        -> (table: IncidentTable, isBackground: [Bool])
    {
        var random = Xoshiro256StarStar(seed: seed)
        let centreLatitude = extent.center.y
        let metresPerDegreeLongitude = metresPerDegreeLongitudeAtEquator * PortableMath.cos(degrees: centreLatitude)
        let spots = max(hotSpotCount, 0)

        var centres: [Point] = []
        var sigmaDegrees: [(x: Double, y: Double)] = []
        var cumulative: [Double] = []
        var total = 0.0
        for k in 0..<spots {
            var centre = extent.center
            for _ in 0..<100_000 {
                let candidate = Point(x: extent.minX + random.nextUnit() * extent.width,
                                      y: extent.minY + random.nextUnit() * extent.height)
                if accept(candidate) {
                    centre = candidate
                    break
                }
            }
            centres.append(centre)
            let sigma = 80 + random.nextUnit() * 820
            sigmaDegrees.append((sigma / metresPerDegreeLongitude, sigma / metresPerDegreeLatitude))
            // w_k = 1/k^0.8 = exp(-0.8 ln k), from portable functions.
            let w = 1 / exp(0.8 * PortableMath.log(Double(k + 1)))
            total += w
            cumulative.append(total)
        }
        let marginX = 5000 / metresPerDegreeLongitude
        let marginY = 5000 / metresPerDegreeLatitude
        var categoryThresholds: [Double] = []
        var sum = 0.0
        for category in categories {
            sum += category.probability
            categoryThresholds.append(sum)
        }

        var longitude = [Double](), latitude = [Double](), time = [Int64](), category = [UInt16]()
        var isBackground = [Bool]()
        var ids = IncidentIDs()
        longitude.reserveCapacity(count)
        latitude.reserveCapacity(count)
        time.reserveCapacity(count)
        category.reserveCapacity(count)
        ids.spans.reserveCapacity(count)
        for i in 0..<max(count, 0) {
            let background = spots == 0 || random.nextUnit() < backgroundShare
            if background {
                longitude.append(extent.minX - marginX + random.nextUnit() * (extent.width + 2 * marginX))
                latitude.append(extent.minY - marginY + random.nextUnit() * (extent.height + 2 * marginY))
            } else {
                let target = random.nextUnit() * total
                var low = 0
                var high = spots - 1
                while low < high {
                    let mid = (low + high) / 2
                    if cumulative[mid] <= target { low = mid + 1 } else { high = mid }
                }
                let (z0, z1) = normalPair(&random)
                longitude.append(centres[low].x + z0 * sigmaDegrees[low].x)
                latitude.append(centres[low].y + z1 * sigmaDegrees[low].y)
            }
            isBackground.append(background)
            let u = random.nextUnit() * sum
            var c = 0
            while c < categoryThresholds.count - 1 && u >= categoryThresholds[c] { c += 1 }
            category.append(UInt16(c))
            let day = Int64(random.nextUnit() * Double(weeks * 7))
            var hour = (20 + 5 * normalPair(&random).0).truncatingRemainder(dividingBy: 24)
            if hour < 0 { hour += 24 }
            let secondOfDay = min(Int64(hour * 3600), 86_399)
            time.append(startTime + day * 86_400 + secondOfDay)
            ids.spans.append(IncidentIDs.encodeNumber(i + 1, bytes: &ids.bytes))
        }
        let table = IncidentTable(longitude: longitude, latitude: latitude, time: time, category: category,
                                  categoryNames: categories.map(\.name), weight: nil, ids: ids)
        return (table, isBackground)
    }

    /// Two independent standard normal draws (Box–Muller).
    private static func normalPair(_ random: inout Xoshiro256StarStar) -> (Double, Double) {
        let u1 = 1 - random.nextUnit()  // (0, 1]: log stays finite
        let u2 = random.nextUnit()
        let r = (-2 * PortableMath.log(u1)).squareRoot()
        let (c, s) = PortableMath.cosSin(turns: u2)
        return (r * c, r * s)
    }

    /// e^x from `+ - * /`: x = k·ln2 + r with |r| <= ln2/2, then a Taylor series for e^r.
    private static func exp(_ x: Double) -> Double {
        let k = (x / 0.6931471805599453).rounded()
        let r = (x - k * PortableMath.ln2Hi) - k * PortableMath.ln2Lo
        var term = 1.0
        var sum = 1.0
        var n = 1.0
        while n < 25 {
            term *= r / n
            sum += term
            n += 1
        }
        return sum * Double(sign: .plus, exponent: Int(k), significand: 1)
    }
}
