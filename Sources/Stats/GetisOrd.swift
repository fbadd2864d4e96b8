// Getis-Ord Gi* hot spots as ArcGIS's Hot Spot Analysis and PySAL's esda report them
// (esda/getisord.py `G_Local(y, w, star=True, transform="B" | "R")`, `_infer_star_and_structure_w`, `calc`).
import Foundation

/// Getis-Ord local Gi\* (Getis & Ord 1992; Ord & Getis 1995): is the value of a unit together with its neighbours'
/// higher (hot spot) or lower (cold spot) than chance would give?
public enum GetisOrd {
    /// How the links are weighted, as esda's `transform` with `star=True`.
    public enum Weighting: Sendable, Equatable {
        /// esda `transform="B"` (ArcGIS's contiguity and fixed distance band): every link weighs 1 whatever the
        /// weights hold, and the unit itself weighs 1. Then, with W*ᵢ = kᵢ + 1 (kᵢ neighbours),
        ///
        ///     Gi* = (Σⱼ w*ᵢⱼ xⱼ − X̄ W*ᵢ) / (S √[(n W*ᵢ − W*ᵢ²)/(n − 1)]),  X̄ = Σx/n,  S = √(Σx²/n − X̄²),
        ///
        /// j running over i and its neighbours: DESIGN.md's formula, since Σⱼ w*ᵢⱼ² = W*ᵢ for 0/1 weights.
        case binary
        /// esda `transform="R"`: the unit's self weight is the largest weight of its row (1 for binary links), then
        /// the row including the self weight is divided by its sum, w*ᵢⱼ = wᵢⱼ / (sᵢ + Σⱼ wᵢⱼ). esda's `calc`
        /// takes the row sum (1) as W*ᵢ in its variance instead of Σ w*², so its z-score works out to
        ///
        ///     z = (Σⱼ w*ᵢⱼ xⱼ − X̄) / S,
        ///
        /// the standardised local mean, not ArcGIS's formula with row weights. Reproduced as esda computes it.
        /// An island has an empty row (self weight 0, sum 0): esda gives NaN, and so does this (z, p NaN, bin 0).
        case rowStandardised
    }

    /// Gi\* of every unit, as esda `G_Local(values, w, star=True, transform=…, permutations=0)`:
    ///
    ///     Gᵢ = Σⱼ w*ᵢⱼ xⱼ / Σx,   E[Gᵢ] = W*ᵢ / n,
    ///     Var[Gᵢ] = W*ᵢ (n − W*ᵢ) / (n − 1) · (1/n²) · S² / X̄²,   zᵢ = (Gᵢ − E[Gᵢ]) / √Var[Gᵢ],
    ///
    /// w* the weights with the self weight (see `Weighting`), W*ᵢ = Σⱼ w*ᵢⱼ. With binary weights this is the
    /// ArcGIS formula above. An island (no neighbours) has only its self weight under `.binary`: its z is its own
    /// standardised value (xᵢ − X̄)/S, as esda gives — reported in `islands`, never silently zero.
    /// Constant values (S = 0) give NaN z-scores.
    public static func star(values: [Double], weights: SpatialWeights, weighting: Weighting = .binary) -> GiStar {
        let n = values.count
        precondition(weights.count == n, "a weight row per value")
        let total = values.reduce(0, +)
        let mean = total / Double(n)
        let meanOfSquares = values.reduce(0) { $0 + $1 * $1 } / Double(n)
        let variance = meanOfSquares - mean * mean
        let nd = Double(n)
        var statistic = [Double](repeating: .nan, count: n)
        var expected = [Double](repeating: .nan, count: n)
        var varianceG = [Double](repeating: .nan, count: n)
        var z = [Double](repeating: .nan, count: n)
        for i in 0..<n {
            let lo = weights.offsets[i], hi = weights.offsets[i + 1]
            var lag: Double
            var rowSum: Double
            switch weighting {
            case .binary:
                lag = values[i]
                for k in lo..<hi { lag += values[Int(weights.neighbours[k])] }
                rowSum = Double(hi - lo + 1)
            case .rowStandardised:
                guard hi > lo else { continue }  // island: esda's 0/0
                var selfWeight = -Double.infinity
                var sum = 0.0
                for k in lo..<hi { selfWeight = max(selfWeight, weights.weights[k]); sum += weights.weights[k] }
                sum += selfWeight
                lag = selfWeight / sum * values[i]
                rowSum = selfWeight / sum
                for k in lo..<hi {
                    let w = weights.weights[k] / sum
                    lag += w * values[Int(weights.neighbours[k])]
                    rowSum += w
                }
            }
            let g = lag / total
            let eg = rowSum / nd
            var vg = rowSum * (nd - rowSum)
            vg /= nd - 1
            vg *= 1 / (nd * nd)
            vg *= variance / (mean * mean)
            statistic[i] = g
            expected[i] = eg
            varianceG[i] = vg
            z[i] = (g - eg) / vg.squareRoot()
        }
        return GiStar(weighting: weighting, values: values, weights: weights, statistic: statistic,
                      expected: expected, variance: varianceG, z: z)
    }

    /// ArcGIS's Gi_Bin for z-scores and two-sided p-values: sign(z) × 3, 2 or 1 when p < 0.01, 0.05 or 0.10
    /// (99, 95, 90 % confidence), else 0. This is ArcGIS's table of critical values |z| > 2.58 / 1.96 / 1.65 taken
    /// exactly (|z| > 2.5758, 1.9600, 1.6449): a z between 1.6449 and 1.65 is in bin 1 here.
    ///
    /// With `fdr`, as ArcGIS's "Apply False Discovery Rate (FDR) Correction" ("critical p-values determining
    /// confidence levels are reduced to account for multiple testing and spatial dependence"), each level's
    /// threshold α ∈ {0.10, 0.05, 0.01} becomes the Benjamini–Hochberg cut-off of all n p-values at that α
    /// (`FalseDiscoveryRate.cutoff`, esda's `fdr`): bin ±3 when p < cutoff(0.01), else ±2 when p < cutoff(0.05),
    /// else ±1 when p < cutoff(0.10), else 0. The cut-offs grow with α, so the levels stay nested. z and p are not
    /// changed, only the bins. NaN z or p gives bin 0.
    public static func bins(z: [Double], p: [Double], fdr: Bool = false) -> [Int8] {
        precondition(z.count == p.count, "a p-value per z-score")
        let levels: [(bin: Int8, alpha: Double)] = [(3, 0.01), (2, 0.05), (1, 0.10)]
        let thresholds = levels.map { fdr ? FalseDiscoveryRate.cutoff(pValues: p, alpha: $0.alpha) : $0.alpha }
        return zip(z, p).map { z, p in
            guard !z.isNaN, z != 0 else { return 0 }
            for (level, threshold) in zip(levels, thresholds) where p < threshold {
                return z > 0 ? level.bin : -level.bin
            }
            return 0
        }
    }

    /// The upper tail of the standard normal distribution, 1 − Φ(x) (scipy's `norm.sf`).
    public static func normalUpperTail(_ x: Double) -> Double { Normal.upperTail(x) }
}

/// Gi\* of every unit (see `GetisOrd.star`); the names in brackets are esda's `G_Local` attributes.
public struct GiStar: Sendable {
    public let weighting: GetisOrd.Weighting
    public let values: [Double]
    /// The weights as given (without self weights).
    public let weights: SpatialWeights
    /// Gᵢ = Σⱼ w*ᵢⱼ xⱼ / Σx [Gs].
    public let statistic: [Double]
    /// E[Gᵢ] = W*ᵢ / n [EGs].
    public let expected: [Double]
    /// Var[Gᵢ] under normality [VGs].
    public let variance: [Double]
    /// The z-score, ArcGIS's GiZScore [Zs].
    public let z: [Double]

    /// One-sided normal p-values 1 − Φ(|z|) [p_norm]: esda's; double them for a two-sided test.
    public var pOneSided: [Double] { z.map { GetisOrd.normalUpperTail(abs($0)) } }

    /// Two-sided normal p-values 2(1 − Φ(|z|)), ArcGIS's GiPValue (= 2 × esda's p_norm).
    public var p: [Double] { z.map { 2 * GetisOrd.normalUpperTail(abs($0)) } }

    /// Units without neighbours (their Gi\* rests on their own value alone; NaN with `.rowStandardised`).
    public var islands: [Int] { weights.islands }

    /// ArcGIS's Gi_Bin from the two-sided p-values, with or without false discovery rate (see `GetisOrd.bins`).
    public func bins(fdr: Bool = false) -> [Int8] { GetisOrd.bins(z: z, p: p, fdr: fdr) }

    /// Gi_Bin from other p-values, e.g. `permutationPValues` (their thresholds as in `GetisOrd.bins`; the
    /// permutation p-values are esda's directed ones, about half a two-sided p).
    public func bins(pValues: [Double], fdr: Bool = false) -> [Int8] { GetisOrd.bins(z: z, p: pValues, fdr: fdr) }

    /// Pseudo p-values by conditional permutation, as esda's `G_Local(…, permutations:)` [p_sim]: the unit's own
    /// value stays, its neighbours' values are drawn from the other units (see `ConditionalPermutation`).
    /// Gᵢ grows with the neighbours' weighted sum when Σx > 0. Islands, units whose z is NaN, and every unit when
    /// Σx = 0 get p = 1 (esda: 1/(permutations + 1), as every simulation ties).
    public func permutationPValues(permutations: Int = 999, seed: UInt64, threads: Int? = nil) -> [Double] {
        let total = values.reduce(0, +)
        let sign: Int8 = total > 0 ? 1 : (total < 0 ? -1 : 0)
        let links: SpatialWeights
        switch weighting {
        case .binary:
            links = SpatialWeights(offsets: weights.offsets, neighbours: weights.neighbours,
                                   weights: [Double](repeating: 1, count: weights.weights.count))
        case .rowStandardised:
            links = weights  // the row's common divisor does not change the order of the sums
        }
        // No z (an island under .rowStandardised, or constant values): the statistic cannot be tested, p = 1.
        let direction = z.map { $0.isNaN ? 0 : sign }
        return ConditionalPermutation.pValues(values: values, weights: links, direction: direction,
                                              permutations: permutations, seed: seed, threads: threads)
    }
}
