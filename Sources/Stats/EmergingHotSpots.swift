import Parallel

/// The patterns of ArcGIS's emerging hot spot analysis: how a location's hot or cold spot status developed over the
/// time steps.
public enum EmergingCategory: String, CaseIterable, Sendable {
    case noPattern = "no_pattern"
    case newHot = "new_hot", consecutiveHot = "consecutive_hot", intensifyingHot = "intensifying_hot"
    case persistentHot = "persistent_hot", diminishingHot = "diminishing_hot", sporadicHot = "sporadic_hot"
    case oscillatingHot = "oscillating_hot", historicalHot = "historical_hot"
    case newCold = "new_cold", consecutiveCold = "consecutive_cold", intensifyingCold = "intensifying_cold"
    case persistentCold = "persistent_cold", diminishingCold = "diminishing_cold", sporadicCold = "sporadic_cold"
    case oscillatingCold = "oscillating_cold", historicalCold = "historical_cold"

    /// ArcGIS's English name ("Intensifying Hot Spot") and the Chinese one used on maps.
    public func name(chinese: Bool) -> String {
        let (en, zh): (String, String) = switch self {
        case .noPattern: ("No Pattern Detected", "无显著模式")
        case .newHot: ("New Hot Spot", "新增热点")
        case .consecutiveHot: ("Consecutive Hot Spot", "连续热点")
        case .intensifyingHot: ("Intensifying Hot Spot", "加强热点")
        case .persistentHot: ("Persistent Hot Spot", "持续热点")
        case .diminishingHot: ("Diminishing Hot Spot", "减弱热点")
        case .sporadicHot: ("Sporadic Hot Spot", "偶发热点")
        case .oscillatingHot: ("Oscillating Hot Spot", "振荡热点")
        case .historicalHot: ("Historical Hot Spot", "历史热点")
        case .newCold: ("New Cold Spot", "新增冷点")
        case .consecutiveCold: ("Consecutive Cold Spot", "连续冷点")
        case .intensifyingCold: ("Intensifying Cold Spot", "加强冷点")
        case .persistentCold: ("Persistent Cold Spot", "持续冷点")
        case .diminishingCold: ("Diminishing Cold Spot", "减弱冷点")
        case .sporadicCold: ("Sporadic Cold Spot", "偶发冷点")
        case .oscillatingCold: ("Oscillating Cold Spot", "振荡冷点")
        case .historicalCold: ("Historical Cold Spot", "历史冷点")
        }
        return chinese ? zh : en
    }

    public var isHot: Bool { rawValue.hasSuffix("_hot") }
    public var isCold: Bool { rawValue.hasSuffix("_cold") }
}

/// Emerging hot spot analysis: a location's series of Gi* z-scores, one per time step, with each step's significance,
/// classified as ArcGIS Pro defines the patterns ("How Emerging Hot Spot Analysis works").
///
/// With T steps, a step is hot when it is significant with z > 0, cold when significant with z < 0, and "90 percent"
/// means at least 0.9·T steps. The trend is the Mann–Kendall test on the z-scores, significant at `trendAlpha`.
/// For hot spots (cold spots mirror them, hot ↔ cold, increasing ↔ decreasing), checked in this order:
/// - **new**: the final step is hot and is the only significant step of the series;
/// - with the final step hot and at least 90 % of steps hot: **intensifying** when the trend increases
///   significantly, **diminishing** when it decreases significantly, **persistent** otherwise;
/// - **consecutive**: the final steps form one uninterrupted run of at least two hot steps and no step before the
///   run is significant (and fewer than 90 % are hot);
/// - **oscillating**: the final step is hot and some earlier step was cold (fewer than 90 % hot);
/// - **sporadic**: the final step is hot, an earlier step was hot too, none was cold (fewer than 90 % hot);
/// - **historical**: the final step is not hot, but at least 90 % of steps were;
/// - otherwise **no pattern**. (ArcGIS Pro words sporadic without the final step; its desktop version and the
///   pattern's name, "on-again, off-again" up to now, require it: so do we.)
public enum EmergingHotSpots {
    public static func classify(z: [Double], significant: [Bool], trendAlpha: Double = 0.05) -> EmergingCategory {
        precondition(z.count == significant.count, "a significance per step")
        let steps = z.count
        guard steps > 0 else { return .noPattern }
        let hot = (0..<steps).map { significant[$0] && z[$0] > 0 }
        let cold = (0..<steps).map { significant[$0] && z[$0] < 0 }
        let trend = MannKendall(z)
        let rising = trend.p <= trendAlpha && trend.s > 0, falling = trend.p <= trendAlpha && trend.s < 0
        if let category = pattern(hot: hot, opposite: cold, rising: rising, falling: falling, steps: steps) {
            return category.hot
        }
        if let category = pattern(hot: cold, opposite: hot, rising: falling, falling: rising, steps: steps) {
            return category.cold
        }
        return .noPattern
    }

    /// The hot and cold names of one pattern.
    private typealias Pair = (hot: EmergingCategory, cold: EmergingCategory)

    /// The pattern of `hot` steps (the other kind is `opposite`; `rising` means intensifying for this kind).
    private static func pattern(hot: [Bool], opposite: [Bool], rising: Bool, falling: Bool, steps: Int) -> Pair? {
        let hotCount = hot.count(where: { $0 })
        let mostly = Double(hotCount) >= 0.9 * Double(steps)
        let last = steps - 1
        guard hot[last] else {
            return mostly ? (.historicalHot, .historicalCold) : nil
        }
        let significantBefore = (0..<last).contains { hot[$0] || opposite[$0] }
        if !significantBefore { return (.newHot, .newCold) }
        if mostly {
            if rising { return (.intensifyingHot, .intensifyingCold) }
            if falling { return (.diminishingHot, .diminishingCold) }
            return (.persistentHot, .persistentCold)
        }
        var runStart = last
        while runStart > 0 && hot[runStart - 1] { runStart -= 1 }
        if last - runStart >= 1 && !(0..<runStart).contains(where: { hot[$0] || opposite[$0] }) {
            return (.consecutiveHot, .consecutiveCold)
        }
        if (0..<last).contains(where: { opposite[$0] }) { return (.oscillatingHot, .oscillatingCold) }
        return (.sporadicHot, .sporadicCold)
    }

    /// Space-time Getis-Ord Gi* z-scores, as ArcGIS computes them for a space-time cube: bin (location i, step t)
    /// is compared with its neighbourhood — the bins of i and of its spatial neighbours (binary `weights`) at steps
    /// t − `timeWindow` … t — against the mean and standard deviation of all n·T bins:
    /// Gi* = (Σ x − X̄ W) / (S √[(N W − W²)/(N − 1)]), W the number of bins in the neighbourhood, N = n·T.
    ///
    /// `values[t][i]` is the value of location i at step t; the result has the same shape. A cube whose values are
    /// all equal has no spread: every z is 0.
    public static func spaceTimeGiStar(values: [[Double]], weights: SpatialWeights, timeWindow: Int = 1,
                                       threads: Int = 2) -> [[Double]] {
        let steps = values.count
        let n = weights.count
        precondition(values.allSatisfy { $0.count == n }, "a value per location and step")
        let binCount = Double(n * steps)
        guard binCount > 1 else { return values.map { $0.map { _ in 0 } } }
        var sum = 0.0, squares = 0.0
        for row in values { for x in row { sum += x; squares += x * x } }
        let mean = sum / binCount
        let s = (squares / binCount - mean * mean).squareRoot()
        guard s > 0 else { return values.map { $0.map { _ in 0 } } }
        // Per step, the spatial lag of every location (its own value plus its neighbours').
        let lags: [[Double]] = Parallel.map(steps) { t in
            (0..<n).map { i in
                weights.neighbours(of: i).reduce(values[t][i]) { $0 + values[t][Int($1)] }
            }
        }
        return (0..<steps).map { t in
            let first = max(0, t - timeWindow)
            return (0..<n).map { i in
                var local = 0.0
                for tau in first...t { local += lags[tau][i] }
                let w = Double((t - first + 1) * (weights.neighbours(of: i).count + 1))
                let denominator = s * ((binCount * w - w * w) / (binCount - 1)).squareRoot()
                return denominator > 0 ? (local - mean * w) / denominator : 0
            }
        }
    }
}
