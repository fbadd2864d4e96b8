// The Benjamini–Hochberg false discovery rate cut-off as PySAL's esda computes it (esda/util.py `fdr`).

/// The p-value cut-off that controls the false discovery rate over many tests (Benjamini & Hochberg 1995), as
/// esda's `fdr(pvalues, alpha)`:
///
///     sort the n p-values, p₍₁₎ ≤ … ≤ p₍ₙ₎; find the largest k with p₍ₖ₎ < k·α/n (strictly);
///     cut-off = k·α/n, or α/n (Bonferroni) when there is no such k.
///
/// A test is significant when its p-value is below the cut-off (`p < cutoff`): that rejects exactly the k smallest
/// p-values, the Benjamini–Hochberg set, and nothing when no k exists (every p ≥ α/n then). NaN p-values count in n
/// and are never significant (numpy sorts them last, and every comparison with NaN is false).
public enum FalseDiscoveryRate {
    /// esda's `fdr(pValues, alpha)` (see the type's documentation).
    public static func cutoff(pValues: [Double], alpha: Double) -> Double {
        let n = pValues.count
        guard n > 0 else { return alpha }
        let sorted = pValues.sorted { a, b in a.isNaN ? false : (b.isNaN ? true : a < b) }
        // esda walks from the largest p down and stops at the first p₍ₖ₎ < k·α/n: the largest such k.
        for k in stride(from: n, through: 1, by: -1) {
            let threshold = Double(k) * alpha / Double(n)
            if sorted[k - 1] < threshold { return threshold }
        }
        return alpha / Double(n)
    }

    /// Which p-values are significant at false discovery rate `alpha`: `p < cutoff(pValues, alpha)`.
    public static func significant(pValues: [Double], alpha: Double) -> [Bool] {
        let cut = cutoff(pValues: pValues, alpha: alpha)
        return pValues.map { $0 < cut }
    }
}
