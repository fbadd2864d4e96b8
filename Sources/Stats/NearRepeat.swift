import Parallel

/// The near-repeat test of Ratcliffe's Near Repeat Calculator (a Knox test with Monte Carlo inference): do incidents
/// close in space also come close in time more often than chance says?
///
/// Every pair of incidents falls in one distance band and one time band (or in none, when farther apart than the
/// last band). The observed table counts pairs per distance band × time band. Each of `permutations` simulations
/// shuffles the incidents' times among them (places stay) and counts again. The Knox ratio of a cell is observed ÷
/// mean simulated; its p-value is (1 + the number of simulations with a count ≥ the observed) ÷ (1 + permutations).
///
/// Bands are half-open on the left, closed on the right, as the calculator prints them: with distance bands of
/// 200 m the first is "same location" (distance 0, when `sameLocation`), then (0, 200], (200, 400], …; time bands of
/// 7 days are [0, 7], (7, 14], …, in days between the two incidents' times.
public struct NearRepeat: Sendable {
    public enum Metric: String, Sendable { case euclidean, manhattan }

    /// Upper bounds of the distance bands in metres (ascending); `sameLocation` adds a band for distance 0 first.
    public let distanceBands: [Double]
    public let sameLocation: Bool
    /// Upper bounds of the time bands in days (ascending).
    public let timeBands: [Double]
    public let metric: Metric
    /// `observed[d][t]`: pairs in distance band d and time band t.
    public let observed: [[Int]]
    public let meanSimulated: [[Double]]
    /// Simulations with a count at least the observed one, per cell.
    public let atLeastObserved: [[Int]]
    public let permutations: Int

    /// Observed ÷ mean simulated; NaN where both are zero (no pair falls there), infinity where pairs were observed
    /// but no simulation had any.
    public var knoxRatio: [[Double]] {
        zip(observed, meanSimulated).map { zip($0, $1).map { $1 > 0 ? Double($0) / $1 : ($0 > 0 ? .infinity : .nan) } }
    }

    public var p: [[Double]] {
        atLeastObserved.map { $0.map { Double($0 + 1) / Double(permutations + 1) } }
    }

    /// The labels of the distance bands, e.g. `same location`, `1–200 m`.
    public var distanceLabels: [String] {
        var labels = sameLocation ? ["0"] : []
        var low = 0.0
        for high in distanceBands {
            labels.append("\(Self.text(low))–\(Self.text(high))")
            low = high
        }
        return labels
    }

    public var timeLabels: [String] {
        var low = 0.0
        return timeBands.map { high in
            defer { low = high }
            return "\(Self.text(low))–\(Self.text(high))"
        }
    }

    static func text(_ x: Double) -> String { x == x.rounded() ? String(Int(x)) : String(x) }

    /// Runs the test on incidents at `x`, `y` (metres in a projected plane) and `days` (any origin).
    public init(x: [Double], y: [Double], days: [Double], distanceBands: [Double], timeBands: [Double],
                sameLocation: Bool = true, metric: Metric = .euclidean, permutations: Int = 999, seed: UInt64 = 1,
                threads: Int = 2) {
        precondition(x.count == y.count && x.count == days.count, "a place and a time per incident")
        precondition(!distanceBands.isEmpty && !timeBands.isEmpty, "at least one band of each")
        self.distanceBands = distanceBands
        self.sameLocation = sameLocation
        self.timeBands = timeBands
        self.metric = metric
        self.permutations = permutations
        let reach = distanceBands.last!
        // Only pairs within the last distance band can count: find them once with a grid of `reach`-sized buckets.
        let pairs = Self.closePairs(x: x, y: y, reach: reach, metric: metric, threads: threads)
        let bandOf = pairs.map { pair -> Int32 in
            if sameLocation && pair.distance == 0 { return 0 }
            let k = distanceBands.firstIndex { pair.distance <= $0 }!
            return Int32(k + (sameLocation ? 1 : 0))
        }
        let distanceCount = distanceBands.count + (sameLocation ? 1 : 0)
        let timeCount = timeBands.count
        @Sendable func table(_ days: [Double]) -> [Int] {
            var counts = [Int](repeating: 0, count: distanceCount * timeCount)
            for (k, pair) in pairs.enumerated() {
                let gap = abs(days[Int(pair.a)] - days[Int(pair.b)])
                guard let t = Self.band(gap, timeBands) else { continue }
                counts[Int(bandOf[k]) * timeCount + t] += 1
            }
            return counts
        }
        let observedFlat = table(days)
        // Simulations in parallel, each seeded by its own index: the same tables whatever the threads.
        let parts = max(1, min(threads, permutations))
        let partials = Parallel.map(parts) { part -> (sum: [Int], atLeast: [Int]) in
            var sum = [Int](repeating: 0, count: observedFlat.count), atLeast = sum
            var shuffled = days
            for r in Parallel.part(part, of: permutations, parts: parts) {
                // Each simulation its own stream (the same tables whatever the threads).
                var random = SplitMix64(unit: r, seed: seed)
                shuffled = days
                for i in stride(from: shuffled.count - 1, to: 0, by: -1) {
                    shuffled.swapAt(i, Int(random.next() % UInt64(i + 1)))
                }
                let simulated = table(shuffled)
                for k in simulated.indices {
                    sum[k] += simulated[k]
                    if simulated[k] >= observedFlat[k] { atLeast[k] += 1 }
                }
            }
            return (sum, atLeast)
        }
        let sums = partials.reduce([Int](repeating: 0, count: observedFlat.count)) { zip($0, $1.sum).map(+) }
        let atLeast = partials.reduce([Int](repeating: 0, count: observedFlat.count)) { zip($0, $1.atLeast).map(+) }
        func rows<T>(_ flat: [T]) -> [[T]] { (0..<distanceCount).map { Array(flat[$0 * timeCount..<($0 + 1) * timeCount]) } }
        observed = rows(observedFlat)
        meanSimulated = rows(sums.map { permutations > 0 ? Double($0) / Double(permutations) : 0 })
        atLeastObserved = rows(atLeast)
    }

    /// The band holding `value`: the first upper bound at or above it.
    static func band(_ value: Double, _ bounds: [Double]) -> Int? {
        var low = 0, high = bounds.count
        while low < high {
            let mid = (low + high) / 2
            if bounds[mid] < value { low = mid + 1 } else { high = mid }
        }
        return low < bounds.count ? low : nil
    }

    struct Pair {
        var a: Int32
        var b: Int32
        var distance: Double
    }

    /// Every pair (a < b) within `reach`, found through a grid of buckets `reach` wide.
    static func closePairs(x: [Double], y: [Double], reach: Double, metric: Metric, threads: Int) -> [Pair] {
        let n = x.count
        guard n > 1, reach > 0, let minX = x.min(), let minY = y.min() else { return [] }
        @Sendable func key(_ i: Int) -> (Int, Int) { (Int((x[i] - minX) / reach), Int((y[i] - minY) / reach)) }
        var grid: [Int64: [Int32]] = [:]
        for i in 0..<n {
            let (cx, cy) = key(i)
            grid[Int64(cx) << 32 | Int64(cy), default: []].append(Int32(i))
        }
        let buckets = grid
        let parts = max(1, min(threads * 4, n))
        return Parallel.map(parts) { part -> [Pair] in
            var pairs: [Pair] = []
            for i in Parallel.part(part, of: n, parts: parts) {
                let (cx, cy) = key(i)
                for dx in -1...1 {
                    for dy in -1...1 {
                        guard let bucket = buckets[Int64(cx + dx) << 32 | Int64(cy + dy)] else { continue }
                        for j32 in bucket where Int(j32) > i {
                            let j = Int(j32)
                            let ex = abs(x[i] - x[j]), ey = abs(y[i] - y[j])
                            let d = metric == .euclidean ? (ex * ex + ey * ey).squareRoot() : ex + ey
                            if d <= reach { pairs.append(Pair(a: Int32(i), b: j32, distance: d)) }
                        }
                    }
                }
            }
            return pairs
        }.flatMap { $0 }
    }
}
