// Concentration of incidents at places, as analysts of the "law of crime concentration" report it: the share of
// incidents in the top x % of places, the Lorenz curve, the Gini coefficient and Bernasco & Steenbeek's
// generalized Gini for sparse data (fewer incidents than places).

/// One point of a Lorenz curve: the `places` share (0...1) of places with the fewest incidents hold the
/// `incidents` share (0...1) of all incidents.
public struct LorenzPoint: Sendable, Equatable, Hashable {
    public var places: Double
    public var incidents: Double

    public init(places: Double, incidents: Double) {
        self.places = places
        self.incidents = incidents
    }
}

/// The incidents held by the places with the most incidents.
public struct TopShare: Sendable, Equatable {
    /// The fraction of places asked for (0.05 for "the top 5 %").
    public let fraction: Double
    /// How many places that is: `Concentration.topPlaceCount(fraction:places:)`.
    public let places: Int
    /// The incidents in those places (the sum of the `places` largest counts).
    public let incidents: Double
    /// `incidents / total`; `nil` when there are no incidents at all (or no places).
    public let share: Double?

    public init(fraction: Double, places: Int, incidents: Double, share: Double?) {
        self.fraction = fraction
        self.places = places
        self.incidents = incidents
        self.share = share
    }
}

/// How concentrated the incidents of one period and category are across places (grid cells), from one count
/// per place. Places with no incident must be included as zeros: they are what concentration is measured against.
///
/// - `topShares`: the share of incidents in the top 1 %, 5 %, 10 % … of places (see `topPlaceCount`).
/// - `lorenz`: the Lorenz curve, places sorted ascending by count.
/// - `gini`: the Gini coefficient of the discrete distribution.
/// - `generalizedGini`: Bernasco & Steenbeek's G′, which compares with the most equal distribution possible
///   when there are fewer incidents than places.
public struct Concentration: Sendable {
    /// The number of places (cells), zeros included.
    public let places: Int
    /// The number of incidents (the sum of the counts).
    public let total: Double
    /// The places holding at least one incident.
    public let placesWithIncidents: Int
    /// One entry per requested fraction, in the order asked.
    public let topShares: [TopShare]
    /// The Lorenz curve from (0, 0) to (1, 1), places sorted ascending by count; at most `maximumLorenzPoints`
    /// points (see `lorenzCurve(maximumPoints:)`). Empty when there are no places or no incidents.
    public let lorenz: [LorenzPoint]
    /// The Gini coefficient of the discrete distribution, with the counts x₁ ≤ x₂ ≤ … ≤ xₙ sorted ascending:
    ///
    ///     G = Σᵢ (2i − n − 1)·xᵢ / (n·Σx),  i = 1 … n
    ///
    /// which equals 1 − 2A, A the area under the (piecewise linear) Lorenz curve: 0 when every place has the same
    /// count, (n − 1)/n when one place holds everything. `nil` when there are no places or no incidents (Σx = 0):
    /// concentration of nothing is undefined, and 0 would read as "perfectly even".
    public let gini: Double?
    /// The generalized Gini G′ of Bernasco & Steenbeek (2017), "More places than crimes: Implications for
    /// evaluating the law of crime concentration at place", Journal of Quantitative Criminology 33:451–467.
    ///
    /// With N incidents and n places, N < n, the most equal distribution possible puts one incident in each of
    /// N places: the line of maximal equality is L*(p) = max(0, (p − (1 − N/n)) / (N/n)), with area N/(2n)
    /// under it. G′ is the area between L* and the Lorenz curve L over the area under L*:
    ///
    ///     G′ = 1 − A / A* = 1 − (2n/N)·A = G·n/N − (n − N)/N = max(1, n/N)·(G − 1) + 1
    ///
    /// (the last form is the one in the authors' R package `lorenzgini`, "biased" variant, i.e. without the
    /// small-sample factor). When N ≥ n the line of maximal equality is the diagonal and G′ = G. G′ is 0 when
    /// each of N < n incidents sits in its own place. `nil` exactly when `gini` is.
    ///
    /// The argument counts whole incidents; with fractional weights whose total is below the number of places,
    /// L* is no longer the most equal curve and G′ can fall below 0.
    public let generalizedGini: Double?

    /// The counts sorted ascending, as runs of equal values: counts of incidents per cell are small integers with
    /// many repeats (most cells hold none), so every statistic is a walk over a few hundred runs, not n places.
    let runs: [Run]

    struct Run: Sendable {
        let value: Double
        let count: Int
    }

    /// Fractions reported by default: the top 1 %, 5 % and 10 % of places.
    public static let defaultTopFractions = [0.01, 0.05, 0.1]

    /// Statistics of `counts` (one per place, zeros included).
    ///
    /// - Parameters:
    ///   - topFractions: fractions of places for `topShares`, each in (0, 1].
    ///   - maximumLorenzPoints: the most points `lorenz` keeps (at least 2); `nil` keeps all n + 1.
    public init(counts: [Int], topFractions: [Double] = Concentration.defaultTopFractions,
                maximumLorenzPoints: Int? = nil) {
        precondition(counts.allSatisfy { $0 >= 0 }, "incident counts must not be negative")
        self.init(runs: Self.runs(counts), topFractions: topFractions, maximumLorenzPoints: maximumLorenzPoints)
    }

    /// `counts` sorted ascending, as runs: a counting sort (tally, then the values present in order) when the largest
    /// is not far above the number of places, a comparison sort otherwise.
    static func runs(_ counts: [Int]) -> [Run] {
        guard let largest = counts.max() else { return [] }
        guard largest <= 4 * counts.count + 1024 else { return runs(sorted: counts.sorted().map(Double.init)) }
        var tally = [Int](repeating: 0, count: largest + 1)
        for count in counts { tally[count] += 1 }
        var runs: [Run] = []
        for (value, times) in tally.enumerated() where times > 0 { runs.append(Run(value: Double(value), count: times)) }
        return runs
    }

    /// Runs of equal values of an ascending array.
    static func runs(sorted: [Double]) -> [Run] {
        var runs: [Run] = []
        var start = 0
        while start < sorted.count {
            var end = start + 1
            while end < sorted.count && sorted[end] == sorted[start] { end += 1 }
            runs.append(Run(value: sorted[start], count: end - start))
            start = end
        }
        return runs
    }

    /// Statistics of `counts` given as numbers (weighted incidents), each finite and non-negative.
    public init(counts: [Double], topFractions: [Double] = Concentration.defaultTopFractions,
                maximumLorenzPoints: Int? = nil) {
        precondition(counts.allSatisfy { $0 >= 0 && $0.isFinite }, "incident counts must be finite and not negative")
        self.init(runs: Self.runs(sorted: counts.sorted()), topFractions: topFractions,
                  maximumLorenzPoints: maximumLorenzPoints)
    }

    private init(runs: [Run], topFractions: [Double], maximumLorenzPoints: Int?) {
        precondition(topFractions.allSatisfy { $0 > 0 && $0 <= 1 }, "top fractions must lie in (0, 1]")
        precondition(maximumLorenzPoints.map { $0 >= 2 } ?? true, "a Lorenz curve needs at least 2 points")
        self.runs = runs
        let n = runs.reduce(0) { $0 + $1.count }
        places = n
        // Summed ascending: small counts first loses the least precision.
        let total = runs.reduce(0.0) { $0 + $1.value * Double($1.count) }
        self.total = total
        placesWithIncidents = runs.reduce(0) { $0 + ($1.value > 0 ? $1.count : 0) }
        let gini = Self.gini(runs: runs, places: n, total: total)
        self.gini = gini
        generalizedGini = gini.map { Self.generalize(gini: $0, places: n, incidents: total) }
        topShares = topFractions.map { Self.topShare($0, runs: runs, places: n, total: total) }
        lorenz = Self.lorenzCurve(runs: runs, places: n, total: total, maximumPoints: maximumLorenzPoints)
    }

    /// The number of places in "the top `fraction` of `places`": k = ⌈fraction · n⌉, at least 1 and at most n
    /// (0 when n = 0). A product within 1e-9 (relative) of a whole number counts as that number, so 0.1 × 30 is
    /// 3 places although 0.1 × 30 is 3.0000000000000004 in floating point. The top 1 % of 250 cells is 3 cells,
    /// of 50 cells 1 cell.
    public static func topPlaceCount(fraction: Double, places n: Int) -> Int {
        precondition(fraction > 0 && fraction <= 1, "the fraction must lie in (0, 1]")
        guard n > 0 else { return 0 }
        let raw = fraction * Double(n)
        let nearest = raw.rounded()
        let k = abs(raw - nearest) <= 1e-9 * max(1, raw) ? nearest : raw.rounded(.up)
        return min(n, max(1, Int(k)))
    }

    /// The incidents in the top `fraction` of places: the `topPlaceCount(fraction:places:)` largest counts. Ties
    /// at the cut do not change the sum.
    public func topShare(_ fraction: Double) -> TopShare {
        Self.topShare(fraction, runs: runs, places: places, total: total)
    }

    static func topShare(_ fraction: Double, runs: [Run], places n: Int, total: Double) -> TopShare {
        let k = topPlaceCount(fraction: fraction, places: n)
        var sum = 0.0, left = k
        for run in runs.reversed() where left > 0 {
            let taken = min(left, run.count)
            sum += run.value * Double(taken)
            left -= taken
        }
        return TopShare(fraction: fraction, places: k, incidents: sum, share: total > 0 ? sum / total : nil)
    }

    /// The smallest share of places (counting down from the place with the most incidents) that together hold
    /// at least `share` (0...1) of the incidents, e.g. "50 % of incidents occur in 3.1 % of places"; `nil` when
    /// there are no incidents. Whole places: the answer is k/n for the smallest such k.
    public func placeShare(holding share: Double) -> Double? {
        precondition(share >= 0 && share <= 1, "the share of incidents must lie in 0...1")
        guard total > 0 else { return nil }
        let target = share * total * (1 - 1e-12)
        var sum = 0.0, k = 0
        for run in runs.reversed() {
            if sum >= target { break }
            // Places of this run needed to reach the target (all of them when they do not reach it).
            let needed = run.value > 0 ? Int(((target - sum) / run.value).rounded(.up)) : run.count
            let taken = min(run.count, max(1, needed))
            sum += run.value * Double(taken)
            k += taken
        }
        return Double(k) / Double(places)
    }

    /// The Lorenz curve: point i (0…n) is (i/n, (x₁ + … + xᵢ)/Σx) with the counts sorted ascending, so it runs
    /// from (0, 0) to (1, 1), convex, below the diagonal. With `maximumPoints` = K < n + 1, the points kept are
    /// those at i = round(j·n/(K − 1)), j = 0 … K − 1: evenly spread along the places axis, both ends included
    /// (a chord of the convex curve, off by at most one step of places). Empty when there are no incidents.
    public func lorenzCurve(maximumPoints: Int? = nil) -> [LorenzPoint] {
        Self.lorenzCurve(runs: runs, places: places, total: total, maximumPoints: maximumPoints)
    }

    static func lorenzCurve(runs: [Run], places n: Int, total: Double, maximumPoints: Int?) -> [LorenzPoint] {
        guard n > 0, total > 0 else { return [] }
        var indices: [Int] = []
        if let k = maximumPoints, k < n + 1 {
            precondition(k >= 2, "a Lorenz curve needs at least 2 points")
            for j in 0..<k {
                let i = Int((Double(j) * Double(n) / Double(k - 1)).rounded())
                if indices.last != i { indices.append(i) }
            }
        } else {
            indices = Array(0...n)
        }
        // Walk the runs once, the running sum at each wanted place index (ascending).
        var points: [LorenzPoint] = []
        points.reserveCapacity(indices.count)
        var run = 0, before = 0, sumBefore = 0.0
        for i in indices {
            if i == n {
                // The last point is exactly (1, 1), whatever rounding the running sum collected.
                points.append(LorenzPoint(places: 1, incidents: 1))
                continue
            }
            while before + runs[run].count < i {
                sumBefore += runs[run].value * Double(runs[run].count)
                before += runs[run].count
                run += 1
            }
            let cumulative = sumBefore + runs[run].value * Double(i - before)
            points.append(LorenzPoint(places: Double(i) / Double(n), incidents: cumulative / total))
        }
        return points
    }

    /// The line of maximal equality L*(p) of Bernasco & Steenbeek for these counts, as the points of its
    /// polyline: (0, 0), (1 − N/n, 0), (1, 1) when N < n, else the diagonal (0, 0), (1, 1). Empty without incidents.
    public var maximalEqualityCurve: [LorenzPoint] {
        guard places > 0, total > 0 else { return [] }
        let n = Double(places)
        guard total < n else { return [LorenzPoint(places: 0, incidents: 0), LorenzPoint(places: 1, incidents: 1)] }
        return [LorenzPoint(places: 0, incidents: 0), LorenzPoint(places: 1 - total / n, incidents: 0),
                LorenzPoint(places: 1, incidents: 1)]
    }

    /// G = Σᵢ (2i − n − 1)·xᵢ / (n·Σx) over counts sorted ascending; `nil` for n = 0 or Σx = 0. A run of c equal
    /// values v at positions a … b = a + c − 1 adds v · Σᵢ₌ₐᵇ (2i − n − 1) = v · c · (a + b − n − 1).
    static func gini(runs: [Run], places n: Int, total: Double) -> Double? {
        guard n > 0, total > 0 else { return nil }
        var weighted = 0.0
        var a = 1
        for run in runs {
            let b = a + run.count - 1
            if run.value != 0 { weighted += run.value * Double(run.count) * Double(a + b - n - 1) }
            a = b + 1
        }
        // Rounding cannot make a valid Gini leave [0, 1).
        return min(1, max(0, weighted / (Double(n) * total)))
    }

    /// G′ = max(1, n/N)·(G − 1) + 1 (see `generalizedGini`).
    static func generalize(gini g: Double, places n: Int, incidents total: Double) -> Double {
        let n = Double(n)
        guard total < n else { return g }
        return n / total * (g - 1) + 1
    }
}
