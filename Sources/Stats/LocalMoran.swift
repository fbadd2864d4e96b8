// Local Moran's I (LISA) as PySAL's esda computes it (esda/moran.py `Moran_Local.__init__`, `__calc`, `__quads`,
// `__moments`, `_get_cluster_labels`) and GeoDa / ArcGIS's Cluster and Outlier Analysis map it.
import Foundation

/// Local Moran's Iᵢ (Anselin 1995) of every unit, as esda `Moran_Local(y, w, transformation="r",
/// permutations=…)`; the names in brackets are esda's attributes.
///
///     zᵢ = (yᵢ − ȳ) / σ,  σ = √(Σ(y − ȳ)²/n)  (population standard deviation, numpy's y.std())
///     lagᵢ = Σⱼ wᵢⱼ zⱼ  (w row-standardised: wᵢⱼ = 1/kᵢ for binary links)
///     Iᵢ = (n − 1) · zᵢ · lagᵢ / Σⱼ zⱼ²
///
/// Quadrants as esda numbers them [q]: 1 HH (zᵢ > 0, lagᵢ > 0), 2 LH (zᵢ ≤ 0, lagᵢ > 0), 3 LL (zᵢ ≤ 0, lagᵢ ≤ 0),
/// 4 HL (zᵢ > 0, lagᵢ ≤ 0) — a value exactly at the mean or a lag of exactly 0 counts as low.
///
/// Pseudo p-values [p_sim] by conditional permutation (`ConditionalPermutation`, esda's "directed" rule): Iᵢ
/// grows with the neighbours' sum when zᵢ > 0 and falls when zᵢ < 0. Islands (lag 0, Iᵢ = 0) and units exactly at
/// the mean (zᵢ = 0) get p = 1; esda gives them 1/(permutations + 1) because every simulation ties — that would
/// call them significant, which no one could defend.
public struct LocalMoran: Sendable {
    /// The quadrant of the Moran scatter plot, numbered as esda's `q` (not GeoDa's, which swaps 2 and 3).
    public enum Quadrant: Int8, Sendable {
        case highHigh = 1, lowHigh = 2, lowLow = 3, highLow = 4
    }

    /// A unit's class on a LISA cluster map (GeoDa, ArcGIS's COType, esda's `get_cluster_labels`).
    public enum Cluster: String, Sendable {
        case notSignificant = "Insignificant"
        case highHigh = "High-High"
        case lowHigh = "Low-High"
        case lowLow = "Low-Low"
        case highLow = "High-Low"
    }

    /// The weights used (row-standardised unless asked otherwise).
    public let weights: SpatialWeights
    /// Standardised values zᵢ = (yᵢ − ȳ)/σ [z].
    public let z: [Double]
    /// Spatial lag of z, Σⱼ wᵢⱼ zⱼ.
    public let lag: [Double]
    /// Local Moran's Iᵢ [Is].
    public let i: [Double]
    /// Moran scatter plot quadrant [q].
    public let quadrant: [Quadrant]
    /// E[Iᵢ] under total randomisation, −wᵢ/(n − 1) with wᵢ = Σⱼ wᵢⱼ [EI].
    public let expected: [Double]
    /// Var[Iᵢ] under total randomisation (Sokal et al. 1998, eq. A4*, as esda writes it) [VI]:
    /// wᵢ⁽²⁾(n − b₂)/(n − 1) + (wᵢ² − wᵢ⁽²⁾)(2b₂ − n)/((n − 1)(n − 2)) − (wᵢ/(n − 1))², wᵢ⁽²⁾ = Σⱼ wᵢⱼ²,
    /// b₂ = m₄/m₂², m_r = Σ z^r / n. esda recommends the permutation moments instead; given for reproducibility.
    public let variance: [Double]
    /// E[Iᵢ] under conditional randomisation, −zᵢ² wᵢ / ((n − 1) m₂) (Sokal et al. 1998, eq. A7) [EIc].
    public let conditionalExpected: [Double]
    /// Var[Iᵢ] under conditional randomisation (eq. A8 as esda writes it) [VIc]:
    /// (zᵢ/m₂)² · n/(n − 2) · (wᵢ⁽²⁾ − wᵢ²/(n − 1)) · (m₂ − zᵢ²/(n − 1)).
    public let conditionalVariance: [Double]
    /// Pseudo p-values from `permutations` conditional permutations [p_sim]; empty when `permutations` is 0.
    public let pSim: [Double]
    public let permutations: Int
    public let seed: UInt64

    /// Local Moran's I of `values` (see the type's documentation).
    /// - Parameters:
    ///   - rowStandardise: divide each row by its sum first (esda's default `transformation="r"`); false uses the
    ///     weights as given.
    ///   - permutations: conditional permutations per unit for `pSim` (0: none).
    ///   - seed, threads: see `ConditionalPermutation.pValues`; the same seed gives the same p on any threads.
    public init(values: [Double], weights: SpatialWeights, rowStandardise: Bool = true, permutations: Int = 999,
                seed: UInt64 = 0, threads: Int? = nil) {
        let n = values.count
        precondition(weights.count == n, "a weight row per value")
        precondition(permutations >= 0, "permutations ≥ 0")
        let w = rowStandardise ? weights.rowStandardised : weights
        let nd = Double(n)
        let mean = values.reduce(0, +) / nd
        let centred = values.map { $0 - mean }
        let sd = (centred.reduce(0) { $0 + $1 * $1 } / nd).squareRoot()
        let z = centred.map { $0 / sd }
        let den = z.reduce(0) { $0 + $1 * $1 }
        var lag = [Double](repeating: 0, count: n)
        var rowSum = [Double](repeating: 0, count: n)
        var rowSquares = [Double](repeating: 0, count: n)
        for u in 0..<n {
            for k in w.offsets[u]..<w.offsets[u + 1] {
                let wk = w.weights[k]
                lag[u] += wk * z[Int(w.neighbours[k])]
                rowSum[u] += wk
                rowSquares[u] += wk * wk
            }
        }
        self.weights = w
        self.z = z
        self.lag = lag
        i = (0..<n).map { u in (nd - 1) * z[u] * lag[u] / den }
        quadrant = (0..<n).map { u in
            switch (z[u] > 0, lag[u] > 0) {
            case (true, true): .highHigh
            case (false, true): .lowHigh
            case (false, false): .lowLow
            case (true, false): .highLow
            }
        }
        let m2 = den / nd
        let m4 = z.reduce(0) { $0 + $1 * $1 * $1 * $1 } / nd
        let b2 = m4 / (m2 * m2)
        let n1 = nd - 1
        conditionalExpected = (0..<n).map { u in -(z[u] * z[u] * rowSum[u]) / (n1 * m2) }
        conditionalVariance = (0..<n).map { u in
            let t1 = (z[u] / m2) * (z[u] / m2)
            let t2 = nd / (nd - 2)
            let t3 = rowSquares[u] - rowSum[u] * rowSum[u] / n1
            let t4 = m2 - z[u] * z[u] / n1
            return t1 * t2 * t3 * t4
        }
        expected = rowSum.map { -$0 / n1 }
        variance = (0..<n).map { u in
            var v = rowSquares[u] * (nd - b2) / n1
            v += (rowSum[u] * rowSum[u] - rowSquares[u]) * (2 * b2 - nd) / (n1 * (nd - 2))
            v -= (-rowSum[u] / n1) * (-rowSum[u] / n1)
            return v
        }
        self.permutations = permutations
        self.seed = seed
        if permutations > 0 {
            // Iᵢ = (n − 1)/Σz² · zᵢ · (Σⱼ wᵢⱼ yⱼ − ȳ Σⱼ wᵢⱼ)/σ: for fixed i it moves with Σⱼ wᵢⱼ y_π(j) in the
            // direction of zᵢ, so the raw values are permuted (exact sums for counts).
            let direction: [Int8] = z.map { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) }
            pSim = ConditionalPermutation.pValues(values: values, weights: w, direction: direction,
                                                  permutations: permutations, seed: seed, threads: threads)
        } else {
            pSim = []
        }
    }

    /// The cluster map: the quadrant where `pSim` < `alpha` (strictly, as esda), else not significant; with `fdr`
    /// the threshold is the Benjamini–Hochberg cut-off of all the p-values at `alpha` (`FalseDiscoveryRate`).
    public func clusters(alpha: Double = 0.05, fdr: Bool = false) -> [Cluster] {
        precondition(!pSim.isEmpty, "clusters need permutation p-values")
        return Self.clusters(quadrants: quadrant, pValues: pSim, alpha: alpha, fdr: fdr)
    }

    /// esda's `_get_cluster_labels`: the quadrant's class where p < alpha, else `.notSignificant`.
    public static func clusters(quadrants: [Quadrant], pValues: [Double], alpha: Double = 0.05,
                                fdr: Bool = false) -> [Cluster] {
        precondition(quadrants.count == pValues.count, "a p-value per unit")
        let threshold = fdr ? FalseDiscoveryRate.cutoff(pValues: pValues, alpha: alpha) : alpha
        return zip(quadrants, pValues).map { q, p in
            guard p < threshold else { return .notSignificant }
            switch q {
            case .highHigh: return .highHigh
            case .lowHigh: return .lowHigh
            case .lowLow: return .lowLow
            case .highLow: return .highLow
            }
        }
    }
}
