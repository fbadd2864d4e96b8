// Conditional permutation inference for local statistics, as PySAL's esda does it (esda/crand.py `crand`, the
// p-value rule of esda/significance.py `_permutation_significance` with alternative "directed", esda's default).
import Foundation
import Parallel


/// Pseudo p-values of local statistics by conditional permutation (Anselin 1995; esda `crand`).
///
/// For unit i the value of i stays where it is and its k neighbours' values are replaced by k values drawn without
/// replacement from the other n − 1 units, `permutations` times. A local statistic such as Gi\* or local Moran's
/// Iᵢ is, for fixed i, `a + b · Σⱼ wᵢⱼ x_π(j)` with b of a fixed sign, so comparing the simulated statistic with the
/// observed one is comparing the simulated weighted sum of neighbour values with the observed one, in the
/// direction of b (`direction`). esda's rule ("directed"):
///
///     larger = #{simulations with statistic ≥ observed}
///     if permutations − larger < larger { larger = permutations − larger }
///     p = (larger + 1) / (permutations + 1)
///
/// so p is at most about ½ and a simulation equal to the observed value counts as "at least as extreme" upwards.
/// When every link of a row has the same weight (binary or row-standardised contiguity) the sums compared are plain
/// sums of values, exact for counts, so ties are decided exactly.
///
/// Deviation from esda, on purpose: when the statistic cannot move (an island, or `direction` 0, e.g. local Moran
/// at a unit exactly at the mean) every simulation ties with the observation and esda's rule gives the smallest
/// possible p, 1/(permutations + 1) — "significant" with no evidence at all. Here such units get p = 1.
///
/// Random draws: each unit has its own generator (SplitMix64 seeded from `seed` and the unit's index), so the
/// p-values depend only on the seed, never on the number of threads. Neighbours are drawn by rejection (draw a
/// uniform unit of all n, again if it is i or already taken) while k ≤ (n − 1)/2, else by a
/// partial Fisher–Yates shuffle that is undone after each permutation; both give every ordered k-tuple of
/// distinct units the same probability. numpy's generator cannot be reproduced, so p-values agree with esda's
/// within Monte Carlo error (standard deviation √(p(1 − p)/permutations)), not digit for digit.
public enum ConditionalPermutation {
    /// The directed pseudo p-value of each unit (see the type's documentation).
    /// - Parameters:
    ///   - values: the n values x.
    ///   - weights: the links between units, no self links (a statistic's self weight does not move).
    ///   - direction: per unit the sign of the statistic's slope in Σⱼ wᵢⱼ x_π(j): +1 (larger sums, larger
    ///     statistic), −1, or 0 (the statistic does not depend on the draw: p = 1). nil means +1 everywhere.
    ///   - permutations: simulations per unit, at least 1.
    ///   - seed: the seed; the same seed gives the same p-values on any number of threads.
    ///   - threads: worker threads (default: the active processor count).
    public static func pValues(values: [Double], weights: SpatialWeights, direction: [Int8]? = nil,
                               permutations: Int, seed: UInt64, threads: Int? = nil) -> [Double] {
        let n = values.count
        precondition(weights.count == n, "a weight row per value")
        precondition(direction.map { $0.count == n } ?? true, "a direction per value")
        precondition(permutations >= 1, "at least one permutation")
        guard n > 0 else { return [] }
        let threads = max(1, threads ?? ProcessInfo.processInfo.activeProcessorCount)
        if let shared = sharedNullPValues(values: values, weights: weights, direction: direction,
                                          permutations: permutations, seed: seed, threads: threads) {
            return shared
        }
        // A few parts per thread so that a slow part does not leave a core idle at the end.
        let parts = min(n, threads == 1 ? 1 : threads * 8)
        var result = [Double](repeating: .nan, count: n)
        result.withUnsafeMutableBufferPointer { buffer in
            let out = DisjointWrites(buffer)
            _ = Parallel.map(parts) { part in
                let range = Parallel.part(part, of: n, parts: parts)
                var worker = Worker(n: n)
                values.withUnsafeBufferPointer { x in
                    weights.neighbours.withUnsafeBufferPointer { nb in
                        weights.weights.withUnsafeBufferPointer { w in
                            for i in range {
                                let lo = weights.offsets[i], hi = weights.offsets[i + 1]
                                let sign = direction?[i] ?? 1
                                out[i] = worker.pValue(unit: i, x: x, neighbours: UnsafeBufferPointer(rebasing: nb[lo..<hi]),
                                                       weights: UnsafeBufferPointer(rebasing: w[lo..<hi]),
                                                       direction: sign, permutations: permutations, seed: seed)
                            }
                        }
                    }
                }
                worker.release()
            }
        }
        return result
    }

    /// The fast path when every row's links weigh the same (binary or row-standardised contiguity, k nearest): unit
    /// i's simulated sum is then the sum of kᵢ values drawn from the other n − 1 values, a distribution that depends
    /// only on kᵢ and on xᵢ (the pool is the multiset of all values but one equal to xᵢ). Units sharing (kᵢ, xᵢ) —
    /// counts repeat a lot: 722 distinct counts among 19,799 cells of the benchmark — share one set of simulated
    /// sums, drawn once for the group's first unit and sorted; each unit's count of simulations at least as extreme
    /// is a binary search. Each unit's p-value is exactly as valid as with draws of its own; units of a group share
    /// their draws, as esda's units share one table of draws. Nil when some row's weights differ.
    static func sharedNullPValues(values: [Double], weights: SpatialWeights, direction: [Int8]?, permutations: Int,
                                  seed: UInt64, threads: Int) -> [Double]? {
        let n = values.count
        for i in 0..<n {
            let row = weights.weights[weights.offsets[i]..<weights.offsets[i + 1]]
            if let first = row.first, row.contains(where: { $0 != first }) { return nil }
        }
        // Groups in order of their first unit, so the draws depend on the seed alone.
        var groupOf: [GroupKey: Int] = [:]
        var groups: [[Int]] = []
        var result = [Double](repeating: 1, count: n)
        for i in 0..<n {
            let k = weights.offsets[i + 1] - weights.offsets[i]
            guard k > 0, (direction?[i] ?? 1) != 0 else { continue }  // cannot move: p = 1
            let key = GroupKey(neighbours: k, value: values[i].bitPattern)
            if let g = groupOf[key] {
                groups[g].append(i)
            } else {
                groupOf[key] = groups.count
                groups.append([i])
            }
        }
        let parts = max(1, min(groups.count, threads * 8))
        let groupList = groups
        let pValues = Parallel.map(parts) { part -> [(unit: Int, p: Double)] in
            var worker = Worker(n: n)
            defer { worker.release() }
            var answers: [(unit: Int, p: Double)] = []
            values.withUnsafeBufferPointer { x in
                for g in Parallel.part(part, of: groupList.count, parts: parts) {
                    let members = groupList[g]
                    let first = members[0]
                    let k = weights.offsets[first + 1] - weights.offsets[first]
                    // Sorting pays only for groups of more than about log₂(permutations) units; most groups of
                    // large counts hold one unit, counted in one pass.
                    let sorted = members.count > 12
                    let sums = worker.simulatedSums(unit: first, k: k, x: x, permutations: permutations, seed: seed,
                                                    sorted: sorted)
                    for i in members {
                        var observed = 0.0
                        for j in weights.neighbours(of: i) { observed += x[Int(j)] }
                        let upwards = (direction?[i] ?? 1) > 0
                        let larger: Int
                        if sorted {
                            larger = upwards ? permutations - Self.countBelow(observed, in: sums)
                                : Self.countAtMost(observed, in: sums)
                        } else {
                            larger = upwards ? sums.count(where: { $0 >= observed }) : sums.count(where: { $0 <= observed })
                        }
                        answers.append((i, directedPValue(atLeastAsLarge: larger, permutations: permutations)))
                    }
                }
            }
            return answers
        }
        for part in pValues { for answer in part { result[answer.unit] = answer.p } }
        return result
    }

    struct GroupKey: Hashable {
        let neighbours: Int
        let value: UInt64
    }

    /// The number of sorted `sums` below `value`.
    static func countBelow(_ value: Double, in sums: [Double]) -> Int {
        var low = 0, high = sums.count
        while low < high {
            let mid = (low + high) / 2
            if sums[mid] < value { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// The number of sorted `sums` at or below `value`.
    static func countAtMost(_ value: Double, in sums: [Double]) -> Int {
        var low = 0, high = sums.count
        while low < high {
            let mid = (low + high) / 2
            if sums[mid] <= value { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// esda's directed rule from the count of simulations at least as large as the observation.
    @inlinable
    public static func directedPValue(atLeastAsLarge larger: Int, permutations: Int) -> Double {
        let folded = permutations - larger < larger ? permutations - larger : larger
        return Double(folded + 1) / Double(permutations + 1)
    }

    /// Scratch for one thread: the identity arrangement of the other n − 1 units for the Fisher–Yates path.
    private struct Worker {
        let n: Int
        var arrangement: UnsafeMutablePointer<Int32>?
        var swaps: [Int] = []
        /// Rejection path: mark[t] == stamp when unit t is unit i or already drawn in the current permutation;
        /// the stamp changes every permutation, so nothing needs clearing.
        let mark: UnsafeMutablePointer<UInt32>
        var stamp: UInt32 = 0

        init(n: Int) {
            self.n = n
            mark = .allocate(capacity: max(1, n))
            mark.initialize(repeating: 0, count: max(1, n))
        }

        func release() {
            arrangement?.deallocate()
            mark.deallocate()
        }

        /// The next stamp; when the counter wraps, the marks are cleared so that no old mark matches.
        @inline(__always)
        static func nextStamp(_ stamp: UInt32, mark: UnsafeMutablePointer<UInt32>, n: Int) -> UInt32 {
            if stamp == UInt32.max {
                mark.update(repeating: 0, count: max(1, n))
                return 1
            }
            return stamp + 1
        }

        /// `permutations` sums of k values drawn without replacement from the values of every unit but `i`, each
        /// value times the weight of the link it lands on when `weights` are given (a row of equal weights needs
        /// none: the order of plain sums is the order of the statistic); ascending when `sorted`.
        ///
        /// Draws: by rejection (a uniform unit of all n, again while it is unit i or already taken in this
        /// permutation, marked with its stamp) while k ≤ (n − 1)/2, else by a partial Fisher–Yates shuffle of the
        /// other units undone after each permutation, so every unit starts from the identity arrangement (results
        /// independent of which units a thread ran before).
        mutating func simulatedSums(unit i: Int, k: Int, x: UnsafeBufferPointer<Double>,
                                    weights: UnsafeBufferPointer<Double>? = nil, permutations: Int, seed: UInt64,
                                    sorted: Bool) -> [Double] {
            var random = SplitMix64(unit: i, seed: seed)
            var sums = [Double](repeating: 0, count: permutations)
            let others = n - 1
            if 2 * k <= others {
                let bound = UInt64(n)
                let mark = self.mark
                var stamp = self.stamp
                for p in 0..<permutations {
                    stamp = Self.nextStamp(stamp, mark: mark, n: n)
                    mark[i] = stamp
                    var sum = 0.0
                    for slot in 0..<k {
                        var t: Int
                        repeat {
                            t = Int(random.next(below: bound))
                        } while mark[t] == stamp
                        mark[t] = stamp
                        sum += weights.map { $0[slot] * x[t] } ?? x[t]
                    }
                    sums[p] = sum
                }
                self.stamp = stamp
            } else {
                if arrangement == nil {
                    arrangement = .allocate(capacity: max(1, others))
                    for t in 0..<others { arrangement![t] = Int32(t) }
                }
                let a = arrangement!
                if swaps.count < k { swaps = [Int](repeating: 0, count: k) }
                swaps.withUnsafeMutableBufferPointer { swaps in
                    for p in 0..<permutations {
                        var sum = 0.0
                        for slot in 0..<k {
                            let r = slot + Int(random.next(below: UInt64(others - slot)))
                            swaps[slot] = r
                            let t = Int(a[r])
                            a[r] = a[slot]
                            a[slot] = Int32(t)
                            let value = x[t >= i ? t + 1 : t]
                            sum += weights.map { $0[slot] * value } ?? value
                        }
                        sums[p] = sum
                        for slot in stride(from: k - 1, through: 0, by: -1) {
                            let r = swaps[slot]
                            let t = a[r]
                            a[r] = a[slot]
                            a[slot] = t
                        }
                    }
                }
            }
            if sorted { sums.sort() }
            return sums
        }

        /// The directed p-value of unit i against its own simulated sums.
        mutating func pValue(unit i: Int, x: UnsafeBufferPointer<Double>, neighbours: UnsafeBufferPointer<Int32>,
                             weights: UnsafeBufferPointer<Double>, direction: Int8, permutations: Int,
                             seed: UInt64) -> Double {
            let k = neighbours.count
            guard k > 0, direction != 0 else { return 1 }
            let uniform = weights.allSatisfy { $0 == weights[0] }
            // The observed sum, over the neighbours in ascending order.
            var observed = 0.0
            if uniform {
                for j in neighbours { observed += x[Int(j)] }
            } else {
                for (j, w) in zip(neighbours, weights) { observed += w * x[Int(j)] }
            }
            let sums = simulatedSums(unit: i, k: k, x: x, weights: uniform ? nil : weights, permutations: permutations,
                                     seed: seed, sorted: false)
            let larger = direction > 0 ? sums.count(where: { $0 >= observed }) : sums.count(where: { $0 <= observed })
            return ConditionalPermutation.directedPValue(atLeastAsLarge: larger, permutations: permutations)
        }

    }
}

/// SplitMix64 (Steele, Lea & Flood 2014): one 64-bit state, passes BigCrush; the stream of unit i is seeded from
/// the user's seed and i, so units are independent of each other and of the threads that run them.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(unit: Int, seed: UInt64) {
        state = Self.mix(seed &+ Self.mix(UInt64(truncatingIfNeeded: unit) &+ 0x9E37_79B9_7F4A_7C15))
    }

    @inline(__always)
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    @inline(__always)
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(state)
    }

    /// A uniform integer in 0..<bound without bias (Lemire 2019, multiply and reject the rare short interval).
    @inline(__always)
    mutating func next(below bound: UInt64) -> UInt64 {
        var m = next().multipliedFullWidth(by: bound)
        if m.low < bound {
            let threshold = (0 &- bound) % bound
            while m.low < threshold { m = next().multipliedFullWidth(by: bound) }
        }
        return m.high
    }
}
