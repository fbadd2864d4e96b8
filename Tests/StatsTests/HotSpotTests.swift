import Foundation
import Stats
import TestSupport
import Testing

// Gi*, local Moran's I, false discovery rate and conditional permutation against PySAL's esda. The reference files
// come from Reference/make_reference.py (esda 2.9.0, libpysal 4.14.1; see its header for what each file holds).

/// The rows of a reference CSV (no quoted fields in these files) as dictionaries by column name.
private func referenceRows(_ file: String) -> [[String: String]] {
    let path = Fixtures.repositoryRoot + "/Tests/StatsTests/Reference/" + file
    let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    var lines = text.split(separator: "\n", omittingEmptySubsequences: true)
    guard !lines.isEmpty else { return [] }
    let header = lines.removeFirst().split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    return lines.map { line in
        let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        return Dictionary(uniqueKeysWithValues: zip(header, fields))
    }
}

private func number(_ text: String?) -> Double {
    guard let text else { return .nan }
    return text == "nan" ? .nan : Double(text)!
}

private func neighbourList(_ text: String?) -> [Int] { (text ?? "").split(separator: " ").map { Int($0)! } }

/// Equal to 1e-9, relative to the size of the numbers when they are large.
private func agrees(_ a: Double, _ b: Double, _ tolerance: Double = 1e-9) -> Bool {
    if a.isNaN || b.isNaN { return a.isNaN && b.isNaN }
    return abs(a - b) <= tolerance * max(1, abs(b))
}

/// The 30 × 30 reference grid: counts and rook / queen weights built from the listed neighbours.
private struct ReferenceGrid: Sendable {
    let values: [Double]
    let rook: SpatialWeights
    let queen: SpatialWeights

    static let shared: ReferenceGrid = {
        let rows = referenceRows("grid.csv")
        return ReferenceGrid(values: rows.map { number($0["value"]) },
                             rook: SpatialWeights(neighbours: rows.map { neighbourList($0["rook"]) }),
                             queen: SpatialWeights(neighbours: rows.map { neighbourList($0["queen"]) }))
    }()

    func weights(_ name: String) -> SpatialWeights { name == "rook" ? rook : queen }
}

/// A side × side grid's queen or rook neighbours, unit = row·side + col.
private func gridWeights(side: Int, queen: Bool) -> SpatialWeights {
    var lists: [[Int]] = []
    for r in 0..<side {
        for c in 0..<side {
            var list: [Int] = []
            for dr in -1...1 {
                for dc in -1...1 where (dr, dc) != (0, 0) && (queen || dr == 0 || dc == 0) {
                    let rr = r + dr, cc = c + dc
                    if rr >= 0 && rr < side && cc >= 0 && cc < side { list.append(rr * side + cc) }
                }
            }
            lists.append(list)
        }
    }
    return SpatialWeights(neighbours: lists)
}

struct GiStarTests {
    /// Five units on a line, 0 – 1 – 2 – 3 – 4, values 1 2 3 4 10; binary weights with the unit itself.
    /// n = 5, Σx = 20, X̄ = 4, Σx² = 130, S = √(130/5 − 16) = √10.
    ///   unit 0: {0, 1}, Σwx = 3, W* = 2: (3 − 8) / (√10 · √((10 − 4)/4)) = −5/√15 = −1.2909944…
    ///   unit 1: {0, 1, 2}, Σwx = 6, W* = 3: (6 − 12) / (√10 · √((15 − 9)/4)) = −6/√15 = −1.5491933…
    ///   unit 2: {1, 2, 3}, Σwx = 9: (9 − 12)/√15 = −3/√15 = −0.7745967…
    ///   unit 3: {2, 3, 4}, Σwx = 17: (17 − 12)/√15 = 5/√15 = 1.2909944…
    ///   unit 4: {3, 4}, Σwx = 14, W* = 2: (14 − 8)/√15 = 6/√15 = 1.5491933…
    /// Two-sided p = 2(1 − Φ(|z|)): units 1 and 4 (p = 0.1213) and 0 and 3 (p = 0.1967) are above 0.10: all bins 0.
    /// Row-standardised (esda "R"), z = (local mean − X̄)/S: unit 0 ((1 + 2)/2 − 4)/√10 = −0.7905694…
    @Test func handCheckedLine() {
        let weights = SpatialWeights(neighbours: [[1], [0, 2], [1, 3], [2, 4], [3]])
        let gi = GetisOrd.star(values: [1, 2, 3, 4, 10], weights: weights)
        let r15 = 15.0.squareRoot()
        let expected = [-5 / r15, -6 / r15, -3 / r15, 5 / r15, 6 / r15]
        for (z, e) in zip(gi.z, expected) { #expect(abs(z - e) < 1e-12) }
        #expect(gi.bins() == [0, 0, 0, 0, 0])
        #expect(abs(gi.p[1] - 0.12133525035848222) < 1e-12)
        let rowStandardised = GetisOrd.star(values: [1, 2, 3, 4, 10], weights: weights, weighting: .rowStandardised)
        #expect(abs(rowStandardised.z[0] - (1.5 - 4) / 10.0.squareRoot()) < 1e-12)
        #expect(abs(rowStandardised.z[2] - (3 - 4) / 10.0.squareRoot()) < 1e-12)
    }

    /// The same line, and the line with an island (unit 5, value 7), against esda for both weightings. With binary
    /// weights the island's z is its own standardised value: n = 6, X̄ = 4.5, S² = 179/6 − 20.25,
    /// z = 2.5 / √9.58333… = 0.8075729; with row-standardised weights esda gives NaN (an empty row).
    @Test func smallCasesMatchEsda() {
        let rows = referenceRows("small.csv")
        #expect(rows.count == 22)
        for case_ in ["line", "island"] {
            for transform in ["B", "R"] {
                let part = rows.filter { $0["case"] == case_ && $0["transform"] == transform }
                let weights = SpatialWeights(neighbours: part.map { neighbourList($0["neighbours"]) })
                let gi = GetisOrd.star(values: part.map { number($0["value"]) }, weights: weights,
                                       weighting: transform == "B" ? .binary : .rowStandardised)
                for (k, row) in part.enumerated() {
                    #expect(agrees(gi.z[k], number(row["z"])), "\(case_) \(transform) unit \(k)")
                    #expect(agrees(gi.pOneSided[k], number(row["p_norm"])), "\(case_) \(transform) unit \(k)")
                }
                if case_ == "island" {
                    #expect(gi.islands == [5])
                    if transform == "B" {
                        #expect(abs(gi.z[5] - 2.5 / (179.0 / 6 - 20.25).squareRoot()) < 1e-12)
                    } else {
                        #expect(gi.z[5].isNaN && gi.bins()[5] == 0)
                    }
                }
            }
        }
    }

    @Test(arguments: [("rook", "B"), ("queen", "B"), ("queen", "R")])
    func gridMatchesEsda(weightsName: String, transform: String) {
        let grid = ReferenceGrid.shared
        let rows = referenceRows("gi_star.csv").filter { $0["weights"] == weightsName && $0["transform"] == transform }
        #expect(rows.count == 900)
        let gi = GetisOrd.star(values: grid.values, weights: grid.weights(weightsName),
                               weighting: transform == "B" ? .binary : .rowStandardised)
        let pOneSided = gi.pOneSided, p = gi.p
        let bins = gi.bins(), fdrBins = gi.bins(fdr: true)
        var mismatches = 0
        for (i, row) in rows.enumerated() {
            let ok = agrees(gi.statistic[i], number(row["G"])) && agrees(gi.expected[i], number(row["EG"]))
                && agrees(gi.variance[i], number(row["VG"])) && agrees(gi.z[i], number(row["z"]))
                && agrees(pOneSided[i], number(row["p_norm"])) && agrees(p[i], number(row["p_two"]))
                && Int(bins[i]) == Int(row["bin"]!)! && Int(fdrBins[i]) == Int(row["bin_fdr"]!)!
            if !ok { mismatches += 1 }
        }
        #expect(mismatches == 0, "\(weightsName) \(transform): \(mismatches) units differ from esda")
        // The planted clusters show up (a smoke test that the reference is not all zeros).
        #expect(bins.contains(3) && bins.contains(-3) || transform == "R")
    }

    @Test func falseDiscoveryRateCutoffsMatchEsda() {
        let grid = ReferenceGrid.shared
        let cutoffs = referenceRows("fdr.csv")
        let moran = referenceRows("moran_local.csv")
        for row in cutoffs {
            let source = row["source"]!, alpha = number(row["alpha"]), expected = number(row["cutoff"])
            let p: [Double]
            if source.hasPrefix("gi_") {
                let parts = source.split(separator: "_")
                p = GetisOrd.star(values: grid.values, weights: grid.weights(String(parts[1])),
                                  weighting: parts[2] == "B" ? .binary : .rowStandardised).p
            } else {
                // esda's own permutation p-values, so the cut-off must agree exactly.
                let name = source.split(separator: "_")[1]
                p = moran.filter { $0["weights"] == String(name) }.map { number($0["p_sim_999"]) }
            }
            #expect(FalseDiscoveryRate.cutoff(pValues: p, alpha: alpha) == expected, "\(source) α = \(alpha)")
        }
    }

    /// Benjamini–Hochberg by hand: sorted p = 0.001 0.008 0.039 0.041 0.042 0.06 0.074 0.205 0.212 0.216, α = 0.05,
    /// kα/n = 0.005 0.01 0.015 0.02 0.025 0.03 0.035 0.04 0.045 0.05: the largest k with p₍ₖ₎ < kα/n is k = 2
    /// (0.008 < 0.01; p₍₃₎ = 0.039 ≥ 0.015 and so on), cut-off 0.01. No p below kα/n at all: α/n.
    @Test func falseDiscoveryRateByHand() {
        let p = [0.205, 0.001, 0.041, 0.008, 0.212, 0.039, 0.06, 0.042, 0.074, 0.216]
        #expect(FalseDiscoveryRate.cutoff(pValues: p, alpha: 0.05) == 2 * 0.05 / 10)
        #expect(FalseDiscoveryRate.significant(pValues: p, alpha: 0.05).filter { $0 }.count == 2)
        #expect(FalseDiscoveryRate.cutoff(pValues: [0.5, 0.9, 0.3], alpha: 0.05) == 0.05 / 3)
        #expect(FalseDiscoveryRate.cutoff(pValues: [0.01, .nan, 0.02], alpha: 0.05) == 2 * 0.05 / 3)
    }

    /// Bins from analytic z on a 2-unit-free example: critical values are exact (|z| 1.6449 → p 0.1000).
    @Test func binsAtTheThresholds() {
        let z = [1.64, 1.65, -1.97, 2.6, -2.6, 0, .nan]
        let p = z.map { 2 * GetisOrd.normalUpperTail(abs($0)) }
        #expect(GetisOrd.bins(z: z, p: p) == [0, 1, -2, 3, -3, 0, 0])
    }
}

struct LocalMoranTests {
    @Test(arguments: ["rook", "queen"])
    func gridMatchesEsda(weightsName: String) {
        let grid = ReferenceGrid.shared
        let rows = referenceRows("moran_local.csv").filter { $0["weights"] == weightsName }
        #expect(rows.count == 900)
        let moran = LocalMoran(values: grid.values, weights: grid.weights(weightsName), permutations: 0)
        var mismatches = 0
        for (u, row) in rows.enumerated() {
            let ok = agrees(moran.i[u], number(row["Is"])) && Int(moran.quadrant[u].rawValue) == Int(row["q"]!)!
                && agrees(moran.expected[u], number(row["EI"])) && agrees(moran.variance[u], number(row["VI"]))
                && agrees(moran.conditionalExpected[u], number(row["EIc"]))
                && agrees(moran.conditionalVariance[u], number(row["VIc"]))
            if !ok { mismatches += 1 }
        }
        #expect(mismatches == 0, "\(weightsName): \(mismatches) units differ from esda")
        // Classes from esda's own p-values equal esda's labels.
        let labels = LocalMoran.clusters(quadrants: moran.quadrant, pValues: rows.map { number($0["p_sim_999"]) })
        #expect(labels.map(\.rawValue) == rows.map { $0["cluster_999"]! })
    }

    /// A unit exactly at the mean (z = 0) and an island cannot be tested: p = 1 and not significant (esda would give
    /// 1/(permutations + 1)).
    @Test func untestableUnitsAreNotSignificant() {
        let weights = SpatialWeights(neighbours: [[1], [0, 2], [1, 3], [2], []])
        let moran = LocalMoran(values: [1, 5, 3, 2, 4], weights: weights, permutations: 99, seed: 3)
        // ȳ = 3: unit 2 is at the mean; unit 4 is an island.
        #expect(moran.z[2] == 0 && moran.pSim[2] == 1 && moran.pSim[4] == 1)
        #expect(moran.quadrant[4] == .highLow && moran.clusters(alpha: 0.5)[4] == .notSignificant)
    }
}

struct ConditionalPermutationTests {
    /// |p − p_ref| ≤ 4·√(p_ref(1 − p_ref)/R)·spread + 2/R + slackᵢ for every unit, and at most 10 % of units beyond
    /// 2σ + 1/R + slackᵢ. `spread` is √2 when the reference has the same Monte Carlo error as ours; `slack` is the
    /// share of draws tying with the observation when the reference is esda's own p (esda decides ties by rounding
    /// noise, see Reference/make_reference.py), 0 against the exact-tie reference.
    private func withinMonteCarloError(_ ours: [Double], _ reference: [Double], slack: [Double]? = nil,
                                       permutations r: Int, spread: Double = 1, label: String) {
        var outside = 0, outside2 = 0
        var worst = (unit: -1, excess: 0.0)
        for (u, (p, q)) in zip(ours, reference).enumerated() {
            let sigma = (q * (1 - q) / Double(r)).squareRoot() * spread
            let extra = slack?[u] ?? 0
            let d = abs(p - q)
            if d > 4 * sigma + 2 / Double(r) + extra {
                outside += 1
                if d - 4 * sigma > worst.excess { worst = (u, d - 4 * sigma) }
            }
            if d > 2 * sigma + 1 / Double(r) + extra { outside2 += 1 }
        }
        #expect(outside == 0, "\(label): \(outside) units beyond 4σ (worst unit \(worst.unit))")
        #expect(Double(outside2) <= 0.1 * Double(ours.count), "\(label): \(outside2) units beyond 2σ")
    }

    /// Our p (999 permutations) against esda's rule with exact ties (99 999 draws: nearly exact), esda with 99 999
    /// permutations and esda with 999.
    private func compare(_ p: [Double], _ rows: [[String: String]], label: String) {
        let ties = rows.map { number($0["tie_share"]) }
        withinMonteCarloError(p, rows.map { number($0["p_exact_ties"]) }, permutations: 999,
                              label: "\(label) vs esda's rule, exact ties")
        withinMonteCarloError(p, rows.map { number($0["p_sim_99999"]) }, slack: ties, permutations: 999,
                              label: "\(label) vs esda 99 999")
        withinMonteCarloError(p, rows.map { number($0["p_sim_999"]) }, slack: ties, permutations: 999,
                              spread: 2.0.squareRoot(), label: "\(label) vs esda 999")
    }

    @Test(arguments: [("rook", "B"), ("queen", "B"), ("queen", "R")])
    func giStarAgreesWithEsdaWithinMonteCarloError(weightsName: String, transform: String) {
        let grid = ReferenceGrid.shared
        let rows = referenceRows("gi_star_perm.csv").filter { $0["weights"] == weightsName && $0["transform"] == transform }
        #expect(rows.count == 900)
        let gi = GetisOrd.star(values: grid.values, weights: grid.weights(weightsName),
                               weighting: transform == "B" ? .binary : .rowStandardised)
        compare(gi.permutationPValues(permutations: 999, seed: 7), rows, label: "Gi* \(weightsName) \(transform)")
    }

    @Test(arguments: ["rook", "queen"])
    func localMoranAgreesWithEsdaWithinMonteCarloError(weightsName: String) {
        let grid = ReferenceGrid.shared
        let rows = referenceRows("moran_local.csv").filter { $0["weights"] == weightsName }
        #expect(rows.count == 900)
        let moran = LocalMoran(values: grid.values, weights: grid.weights(weightsName), permutations: 999, seed: 11)
        compare(moran.pSim, rows, label: "Moran \(weightsName)")
        // The cluster map at 5 % mostly agrees with esda's (units near 0.05 may flip either way).
        let ours = moran.clusters(alpha: 0.05).map(\.rawValue)
        let same = zip(ours, rows.map { $0["cluster_999"]! }).filter { $0 == $1 }.count
        #expect(same >= 860, "\(weightsName): \(same) of 900 classes equal esda's")
    }

    @Test func sameSeedSameValuesOnAnyNumberOfThreads() {
        let grid = ReferenceGrid.shared
        let gi = GetisOrd.star(values: grid.values, weights: grid.queen)
        let one = gi.permutationPValues(permutations: 199, seed: 42, threads: 1)
        let two = gi.permutationPValues(permutations: 199, seed: 42, threads: 2)
        let five = gi.permutationPValues(permutations: 199, seed: 42, threads: 5)
        #expect(one == two && two == five)
        #expect(one != gi.permutationPValues(permutations: 199, seed: 43, threads: 2))
        let m1 = LocalMoran(values: grid.values, weights: grid.rook, permutations: 99, seed: 5, threads: 1)
        let m2 = LocalMoran(values: grid.values, weights: grid.rook, permutations: 99, seed: 5, threads: 2)
        #expect(m1.pSim == m2.pSim)
    }

    /// Both samplers (rejection for few neighbours among many units, partial Fisher–Yates otherwise) against the
    /// exact permutation distribution, enumerated: unit 0 keeps its value, its k neighbours get k distinct values of
    /// the other n − 1 units, every ordered choice equally likely.
    @Test(arguments: [(40, 3, false), (9, 4, false), (9, 4, true), (6, 5, true)])
    func samplersMatchTheExactDistribution(n: Int, k: Int, weighted: Bool) {
        let values: [Double] = (0..<n).map { (u: Int) -> Double in
            let whole = Double((u * 7) % 11)
            return whole + 0.5 * Double(u % 3)
        }
        let neighbourWeights: [Double] = (0..<k).map { (s: Int) -> Double in weighted ? 1.0 + Double(s) : 1.0 }
        var lists = [[Int]](repeating: [], count: n)
        var listWeights = [[Double]](repeating: [], count: n)
        lists[0] = Array(1...k)
        listWeights[0] = neighbourWeights
        let weights = SpatialWeights(neighbours: lists, weights: listWeights)
        let observed = zip(lists[0], neighbourWeights).reduce(0.0) { $0 + $1.1 * values[$1.0] }
        // Exact: every ordered k-tuple of distinct indices among units 1..<n.
        var atLeast = 0, total = 0
        func enumerate(_ chosen: [Int]) {
            if chosen.count == k {
                let sum = zip(chosen, neighbourWeights).reduce(0.0) { $0 + $1.1 * values[$1.0] }
                total += 1
                if sum >= observed - 1e-9 { atLeast += 1 }
                return
            }
            for j in 1..<n where !chosen.contains(j) { enumerate(chosen + [j]) }
        }
        enumerate([])
        let q = Double(atLeast) / Double(total)
        let r = 200_000
        let p = ConditionalPermutation.pValues(values: values, weights: weights, permutations: r, seed: 9)[0]
        let expected = (min(q, 1 - q) * Double(r) + 1) / Double(r + 1)
        #expect(abs(p - expected) <= 4 * (q * (1 - q) / Double(r)).squareRoot() + 2 / Double(r),
                "n \(n) k \(k): p \(p), exact \(expected)")
    }

    @Test func timing140By140() {
        let side = 140
        let weights = gridWeights(side: side, queen: true)
        var random = SeededGenerator(seed: 2026)
        let values = (0..<(side * side)).map { _ in Double(random.next() % 20) }
        let gi = GetisOrd.star(values: values, weights: weights)
        let clock = ContinuousClock()
        var p: [Double] = []
        let giTime = clock.measure { p = gi.permutationPValues(permutations: 999, seed: 1) }
        let oneThread = clock.measure { _ = gi.permutationPValues(permutations: 999, seed: 1, threads: 1) }
        var moran: LocalMoran?
        let moranTime = clock.measure {
            moran = LocalMoran(values: values, weights: weights, permutations: 999, seed: 1)
        }
        print("conditional permutation, \(side)×\(side) queen grid (\(values.count) units, \(weights.neighbours.count) links), 999 permutations, \(ProcessInfo.processInfo.activeProcessorCount) cores: Gi* \(giTime) (1 thread \(oneThread)), local Moran \(moranTime) (with its statistics)")
        #expect(p.count == values.count && moran?.pSim.count == values.count)
    }
}
