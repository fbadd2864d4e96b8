import Parallel

/// Plans a scheduler could make without the search, under the same rules and valued the same way, so a plan can be
/// reported as "covers X % of expected harm, top-N baseline Y %".
///
/// Each picks per shift a pool of cells with a number of visits each, then routes the units one after another by
/// nearest neighbour: from where it is, a unit goes to the pool cell it can start soonest (revisit waits included;
/// ties to the earlier cell in the pool's order), as long as the visit and the way back fit; its cells are its own
/// for the shift. A unit without a base starts at the first cell in pool order it may visit.
public enum Baseline: Sendable, Equatable {
    /// The N cells with the most past incidents, one visit each; N = the visits the shift's units could make
    /// without travel (Σ ⌊(shift − break) / visit length⌋). `counts` has one entry per cell.
    case topCount(counts: [Double])
    /// Patrol minutes split in proportion to each cell's risk in the shift: cell c gets
    /// round(M · r_c / Σr ÷ visit length) visits (at most the cap), M the shift's total minutes net of breaks.
    case riskProportional
    /// N cells drawn at random (seeded), one visit each, N as for `topCount`.
    case random(seed: UInt64)
}

extension PatrolPlanner {
    public static func baseline(_ kind: Baseline, _ instance: PatrolInstance) -> PatrolPlan {
        if case .topCount(let counts) = kind {
            precondition(counts.count == instance.centroids.count, "a count per cell")
        }
        let masks = beatMasks(instance)
        let routes = Parallel.map(instance.shifts.count) { s in baselineRoutes(kind, instance, shift: s, masks: masks) }
        return assemble(instance, routes: routes.flatMap { $0 })
    }

    private static func baselineRoutes(_ kind: Baseline, _ instance: PatrolInstance, shift s: Int,
                                       masks: [[Bool]?]) -> [UnitRoute] {
        let units = instance.units(inShift: s)
        guard !units.isEmpty else { return [] }
        let eligible = (0..<instance.centroids.count).filter { c in units.contains { masks[$0]?[c] ?? true } }
        let slots = visitSlots(instance, shift: s) * units.count
        // The pool in its order, with visits per cell.
        var pool: [Int] = []
        var visits: [Int] = []
        switch kind {
        case .topCount(let counts):
            pool = Array(eligible.sorted { counts[$0] != counts[$1] ? counts[$0] > counts[$1] : $0 < $1 }.prefix(slots))
            visits = pool.map { _ in 1 }
        case .riskProportional:
            let risk = shiftRisk(instance, shift: s)
            let sum = eligible.reduce(0) { $0 + risk[$1] }
            guard sum > 0 else { break }
            let minutes = Double(units.count) * (instance.shifts[s].minutes - instance.rules.breakMinutes)
            for c in eligible.sorted(by: { risk[$0] != risk[$1] ? risk[$0] > risk[$1] : $0 < $1 }) {
                let n = min(instance.rules.visitsPerCellCap,
                            Int((minutes * risk[c] / sum / instance.rules.visitMinutes).rounded()))
                if n > 0 {
                    pool.append(c)
                    visits.append(n)
                }
            }
        case .random(let seed):
            var random = PatrolRandom(seed: seed, stream: UInt64(s))
            var shuffled = eligible
            for i in shuffled.indices.dropLast() { shuffled.swapAt(i, i + random.below(shuffled.count - i)) }
            pool = Array(shuffled.prefix(slots))
            visits = pool.map { _ in 1 }
        }
        let allowed = units.map { u in pool.indices.filter { masks[u]?[pool[$0]] ?? true }.map { Int32($0) } }
        let problem = Subproblem(instance: instance, shift: s, units: units, cells: pool, allowed: allowed)
        var remaining = visits
        var owner = [Int](repeating: -1, count: pool.count)
        var scratch = Subproblem.Scratch(cellCount: pool.count)
        var routes: [UnitRoute] = []
        for m in units.indices {
            // Allowed cells in pool order (the subproblem lists them by value).
            let mine = allowed[m]
            var route: [Subproblem.Stop] = []
            var lastStart: [Int: Double] = [:]
            var departure = problem.shiftStart
            var previous = -1
            while true {
                var best = -1
                var bestStart = Double.infinity
                for k32 in mine {
                    let k = Int(k32)
                    guard remaining[k] > 0, owner[k] < 0 || owner[k] == m else { continue }
                    var start = departure + (previous < 0 ? problem.baseTravel(k, m) : problem.travel(previous, k, m))
                    if let last = lastStart[k] { start = max(start, last + problem.gap) }
                    guard start + problem.visitMinutes + problem.baseTravel(k, m) <= problem.limit + 1e-9 else { continue }
                    if start < bestStart { best = k; bestStart = start }
                }
                guard best >= 0 else { break }
                route.append(Subproblem.Stop(cell: Int32(best)))
                remaining[best] -= 1
                owner[best] = m
                lastStart[best] = bestStart
                departure = bestStart + problem.visitMinutes
                previous = best
            }
            let timing = problem.time(route, member: m, scratch: &scratch)
            routes.append(problem.unitRoute(route, starts: timing.starts, member: m))
        }
        return routes
    }
}
