import Glibc

/// The Mann–Kendall test for a monotonic trend in a series, as ArcGIS's emerging hot spot analysis applies it to
/// each location's Gi* z-scores over time.
///
/// S = Σ_{i<j} sign(xⱼ − xᵢ); Var(S) = [n(n−1)(2n+5) − Σₜ t(t−1)(2t+5)] / 18, the sum over groups of t tied values;
/// z = (S − 1)/√Var for S > 0, (S + 1)/√Var for S < 0, 0 for S = 0 (the continuity correction); p two-sided from the
/// standard normal; Kendall's τ = S / (n(n−1)/2) (tau-a).
public struct MannKendall: Sendable, Equatable {
    public let s: Int
    public let variance: Double
    public let z: Double
    public let p: Double
    public let tau: Double

    public init<C: Collection>(_ series: C) where C.Element == Double {
        let x = Array(series)
        let n = x.count
        var s = 0
        for i in 0..<n {
            for j in (i + 1)..<max(i + 1, n) where x[j] != x[i] { s += x[j] > x[i] ? 1 : -1 }
        }
        // Tie groups: runs of equal values once sorted.
        let sorted = x.sorted()
        var tieTerm = 0.0
        var start = 0
        while start < n {
            var end = start + 1
            while end < n && sorted[end] == sorted[start] { end += 1 }
            let t = Double(end - start)
            if t > 1 { tieTerm += t * (t - 1) * (2 * t + 5) }
            start = end
        }
        let nn = Double(n)
        let variance = (nn * (nn - 1) * (2 * nn + 5) - tieTerm) / 18
        self.s = s
        self.variance = variance
        if variance > 0 {
            z = s > 0 ? Double(s - 1) / variance.squareRoot() : s < 0 ? Double(s + 1) / variance.squareRoot() : 0
        } else {
            z = 0
        }
        p = Normal.twoSidedP(z)
        tau = n > 1 ? Double(s) / (nn * (nn - 1) / 2) : 0
    }
}

/// The standard normal distribution's tails.
public enum Normal {
    /// P(Z ≥ z).
    public static func upperTail(_ z: Double) -> Double { 0.5 * erfc(z / 2.0.squareRoot()) }

    /// P(|Z| ≥ |z|).
    public static func twoSidedP(_ z: Double) -> Double { min(1, erfc(abs(z) / 2.0.squareRoot())) }
}
