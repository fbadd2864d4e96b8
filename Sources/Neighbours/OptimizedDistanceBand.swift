// The scale of analysis of ArcGIS's Optimized Hot Spot Analysis ("How Optimized Hot Spot Analysis works": Incremental
// Spatial Autocorrelation's first peak, else the average distance to K nearest neighbours), with the rules as its
// published scripts apply them (OptimizedHotSpotAnalysis.py, MoransI_Increment.py, SSUtilities.LocationInfo).
import Foundation
import GeoCore
import Parallel
import Stats

/// The fixed distance band Optimized Hot Spot Analysis chooses for Gi\* over units at planar `points` (metres) with
/// `values` (incident counts per cell):
///
/// 1. **Nearest neighbours.** Each unit's distance to its nearest other unit. Distances more than 3 standard
///    deviations above the mean of the non-zero ones are locational outliers; of the rest, the largest × 1.0001 is
///    the start distance (every non-outlier has a neighbour) and the mean is the increment.
/// 2. **Incremental spatial autocorrelation.** Global Moran's I at `steps` distances start + k · increment, or, when
///    any would pass the standard distance of the points (√(σx² + σy²)), `steps` equal steps from the start (a fifth
///    of the standard distance if the start is already past it) up to it. At each distance, units without a
///    neighbour sit out (mean and moments over the others); weights are binary distance bands, row-standardised;
///    the z-score is Moran's I under randomisation:
///
///        I = Σᵢ Σⱼ wᵢⱼ zᵢ zⱼ / Σ zᵢ²,  E[I] = −1/(n − 1),
///        E[I²] = [n((n² − 3n + 3)S₁ − nS₂ + 3S₀²) − b₂((n² − n)S₁ − 2nS₂ + 6S₀²)] / ((n − 1)(n − 2)(n − 3)S₀²),
///        z = (I − E[I]) / √(E[I²] − E[I]²),
///
///    S₀ = n, S₁ = ½ ΣᵢΣⱼ (wᵢⱼ + wⱼᵢ)², S₂ = Σᵢ (Σⱼ wᵢⱼ + Σⱼ wⱼᵢ)², b₂ = n Σ zᵢ⁴ / (Σ zᵢ²)² — esda's `Moran(…,
///    transformation="r").z_rand` on the units that have neighbours.
/// 3. **The choice.** The first peak: the first distance whose z is above 1.65 and above the next one's, after the
///    z-scores have risen at least once. Without one, the mean distance to each unit's K-th nearest neighbour,
///    K = 5 % of the units between 3 and 30, or the standard distance if that is shorter.
///
/// Two units at the very same point are not neighbours (libpysal's `DistanceBand`, like the weights Gi\* then uses).
public struct OptimizedDistanceBand: Sendable {
    /// Global Moran's I at one distance of the incremental profile.
    public struct Step: Sendable, Equatable {
        public let distance: Double
        /// Units with at least one neighbour within `distance` (the others sit out).
        public let units: Int
        public let moranI: Double
        public let expectedI: Double
        public let varianceI: Double
        /// NaN where the units within reach have no variance or are fewer than 4.
        public let z: Double
        public let p: Double
    }

    /// How the distance was chosen.
    public enum Choice: Sendable, Equatable {
        /// The first peak of the incremental profile, `steps[index]`.
        case firstPeak(index: Int)
        /// No peak: the mean distance to the K-th nearest neighbour.
        case nearestNeighbours(k: Int)
        /// No peak, and the K-th-neighbour mean passed the standard distance, which is used instead.
        case standardDistance(k: Int)
    }

    /// Units whose nearest neighbour is more than 3 standard deviations farther than the mean (ascending).
    public let locationalOutliers: [Int]
    public let startDistance: Double
    public let increment: Double
    /// √(σx² + σy²) of the points: the longest distance the profile tries.
    public let standardDistance: Double
    public let steps: [Step]
    public let choice: Choice
    /// The chosen band in metres.
    public let distance: Double

    /// The band for these units. Needs at least two units at distinct points (callers refuse far fewer: ArcGIS
    /// wants 30); `steps` distances are tried (ArcGIS: 10).
    public init(points: [Point], values: [Double], steps stepCount: Int = 10) {
        precondition(points.count == values.count && points.count >= 2, "a value per point, two points or more")
        precondition(stepCount >= 2, "two steps or more")
        let n = points.count
        let nearest = Self.kthNeighbourDistances(points, k: 1)
        let nonZero = nearest.filter { $0 > 0 }
        let nonZeroMean = nonZero.isEmpty ? 0 : nonZero.reduce(0, +) / Double(nonZero.count)
        let nonZeroDeviation = nonZero.isEmpty ? 0
            : (nonZero.reduce(0) { $0 + ($1 - nonZeroMean) * ($1 - nonZeroMean) } / Double(nonZero.count)).squareRoot()
        var outliers: [Int] = []
        var kept: [Double] = []
        for (i, d) in nearest.enumerated() {
            if nonZeroDeviation > 0 && (d - nonZeroMean) / nonZeroDeviation >= 3 { outliers.append(i) } else { kept.append(d) }
        }
        locationalOutliers = outliers
        let standardDistance = Self.standardDistance(points)
        self.standardDistance = standardDistance

        var start = (kept.max() ?? 0) * 1.0001
        var increment = kept.isEmpty ? 0 : kept.reduce(0, +) / Double(kept.count)
        var cutoffs = (0..<stepCount).map { start + Double($0) * increment }
        if cutoffs.contains(where: { $0 > standardDistance }) {
            if start > standardDistance { start = standardDistance * 0.2 }
            increment = (standardDistance - start) / Double(stepCount)
            cutoffs = (0..<stepCount).map { start + Double($0) * increment }
        }
        startDistance = start
        self.increment = increment
        let steps = Self.profile(points: points, values: values, cutoffs: cutoffs)
        self.steps = steps

        if let peak = Self.firstPeakIndex(steps.map(\.z)) {
            choice = .firstPeak(index: peak)
            distance = steps[peak].distance
        } else {
            let k = min(max(Int(Double(n) * 0.05), 3), 30, n - 1)
            let kth = Self.kthNeighbourDistances(points, k: k)
            let mean = kth.reduce(0, +) / Double(n)
            if mean > standardDistance {
                choice = .standardDistance(k: k)
                distance = standardDistance
            } else {
                choice = .nearestNeighbours(k: k)
                distance = mean
            }
        }
    }

    /// The first peak of a z-score profile: index c with z[c] > 1.65 and z[c + 1] < z[c], some earlier step having
    /// risen (z[b + 1] > z[b], b < c). NaN never rises, falls or peaks.
    public static func firstPeakIndex(_ z: [Double]) -> Int? {
        var risen = false
        for c in 0..<max(z.count - 1, 0) {
            let change = z[c + 1] - z[c]
            if change < 0 && risen && z[c] > 1.65 { return c }
            if change > 0 { risen = true }
        }
        return nil
    }

    static func standardDistance(_ points: [Point]) -> Double {
        let n = Double(points.count)
        let mx = points.reduce(0) { $0 + $1.x } / n, my = points.reduce(0) { $0 + $1.y } / n
        let sx = points.reduce(0) { $0 + ($1.x - mx) * ($1.x - mx) } / n
        let sy = points.reduce(0) { $0 + ($1.y - my) * ($1.y - my) } / n
        return (sx + sy).squareRoot()
    }

    /// Each unit's distance to its k-th nearest other unit, units at the same point counting (distance 0), as
    /// ArcGIS's neighbour search counts them.
    static func kthNeighbourDistances(_ points: [Point], k: Int) -> [Double] {
        let weights = Neighbours.nearest(points: points, k: k)
        return (0..<points.count).map { i in
            weights.neighbours(of: i).reduce(0.0) { max($0, distance(points[i], points[Int($1)])) }
        }
    }

    private static func distance(_ a: Point, _ b: Point) -> Double {
        let dx = a.x - b.x, dy = a.y - b.y
        return (dx * dx + dy * dy).squareRoot()
    }

    /// Moran's I at every cutoff (ascending) in one neighbour search out to the last: each link is filed under the
    /// first cutoff that reaches it, so a unit's neighbour count and neighbour sum at any cutoff are prefix sums.
    static func profile(points: [Point], values: [Double], cutoffs: [Double]) -> [Step] {
        let n = points.count, m = cutoffs.count
        let reach = cutoffs[m - 1]
        let grid = PointGrid(points, cellSize: reach)
        let limits = cutoffs.map { $0 * $0 }
        let parts = n < 512 ? 1 : min(n / 256, 4 * ProcessInfo.processInfo.activeProcessorCount)

        // Pass 1, per unit: links (neighbour, first cutoff reaching it), counts and value sums at each cutoff.
        struct Links: Sendable {
            var offsets: [Int] = [0]
            var neighbour: [Int32] = []
            var step: [UInt8] = []
            var counts: [Int32] = []  // m per unit, cumulative over cutoffs
            var sums: [Double] = []   // m per unit, cumulative
        }
        let links = Parallel.map(parts) { part -> Links in
            var out = Links()
            for i in Parallel.part(part, of: n, parts: parts) {
                var count = [Int32](repeating: 0, count: m), sum = [Double](repeating: 0, count: m)
                let p = points[i]
                if p.isFinite {
                    grid.forEachNear(p, excluding: i) { j in
                        let q = points[Int(j)]
                        let dx = p.x - q.x, dy = p.y - q.y
                        let d2 = dx * dx + dy * dy
                        guard d2 > 0, d2 <= limits[m - 1] else { return }
                        var s = 0
                        while d2 > limits[s] { s += 1 }
                        out.neighbour.append(j)
                        out.step.append(UInt8(s))
                        count[s] += 1
                        sum[s] += values[Int(j)]
                    }
                }
                for s in 1..<m {
                    count[s] += count[s - 1]
                    sum[s] += sum[s - 1]
                }
                out.counts += count
                out.sums += sum
                out.offsets.append(out.neighbour.count)
            }
            return out
        }
        let counts = links.flatMap(\.counts), sums = links.flatMap(\.sums)

        // Per cutoff: the units within reach, their mean and moments.
        var units = [Int](repeating: 0, count: m)
        var mean = [Double](repeating: 0, count: m)
        for i in 0..<n {
            for s in 0..<m where counts[i * m + s] > 0 {
                units[s] += 1
                mean[s] += values[i]
            }
        }
        for s in 0..<m where units[s] > 0 { mean[s] /= Double(units[s]) }
        var squares = [Double](repeating: 0, count: m), fourths = [Double](repeating: 0, count: m)
        var cross = [Double](repeating: 0, count: m)
        for i in 0..<n {
            for s in 0..<m where counts[i * m + s] > 0 {
                let z = values[i] - mean[s]
                squares[s] += z * z
                fourths[s] += z * z * z * z
                // Σⱼ wᵢⱼ zⱼ with wᵢⱼ = 1/count: every neighbour is within reach itself.
                let count = Double(counts[i * m + s])
                cross[s] += z * (sums[i * m + s] - count * mean[s]) / count
            }
        }

        // Pass 2, per link: S₁ and the column sums of S₂ at each cutoff the link is within (wᵢⱼ = 1/countᵢ).
        let inverse = counts.map { $0 > 0 ? 1 / Double($0) : 0 }
        let moments = Parallel.map(parts) { part -> (s1: [Double], s2: [Double]) in
            var s1 = [Double](repeating: 0, count: m), s2 = [Double](repeating: 0, count: m)
            let piece = links[part]
            var column = [Double](repeating: 0, count: m)
            for (local, i) in Parallel.part(part, of: n, parts: parts).enumerated() {
                for s in 0..<m { column[s] = 0 }
                for k in piece.offsets[local]..<piece.offsets[local + 1] {
                    let j = Int(piece.neighbour[k])
                    for s in Int(piece.step[k])..<m {
                        let wij = inverse[i * m + s], wji = inverse[j * m + s]
                        s1[s] += (wij + wji) * (wij + wji)
                        column[s] += wji
                    }
                }
                for s in 0..<m where counts[i * m + s] > 0 { s2[s] += (1 + column[s]) * (1 + column[s]) }
            }
            return (s1, s2)
        }

        return (0..<m).map { s in
            let count = Double(units[s])
            let s1 = moments.reduce(0) { $0 + $1.s1[s] } / 2
            let s2 = moments.reduce(0) { $0 + $1.s2[s] }
            let s0 = count
            let i = squares[s] > 0 ? cross[s] / squares[s] : .nan
            let expected = -1 / (count - 1)
            let b2 = count * fourths[s] / (squares[s] * squares[s])
            let n2 = count * count, s02 = s0 * s0
            let left = count * ((n2 - 3 * count + 3) * s1 - count * s2 + 3 * s02)
            let right = b2 * ((n2 - count) * s1 - 2 * count * s2 + 6 * s02)
            let variance = (left - right) / ((count - 1) * (count - 2) * (count - 3) * s02) - expected * expected
            let valid = units[s] >= 4 && squares[s] > 0 && variance > 0
            let z = valid ? (i - expected) / variance.squareRoot() : .nan
            return Step(distance: cutoffs[s], units: units[s], moranI: i, expectedI: expected, varianceI: variance, z: z,
                        p: valid ? Normal.twoSidedP(z) : .nan)
        }
    }
}
