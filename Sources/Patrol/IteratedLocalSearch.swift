/// Iterated local search for the team orienteering problem with time-dependent profits, after Vansteenwegen,
/// Souffriau, Vanden Berghe & Van Oudheusden (2009), "Iterated local search for the team orienteering problem with
/// time windows", Computers & Operations Research 36(12):
///
/// - **Insert**: repeatedly add the visit with the best ratio profit² / added time over every unit, cell and
///   position, until none fits. Feasibility is checked in constant time: every later visit moves by at most the
///   added time (travel obeys the triangle inequality and waits only shrink), so an insertion fits when the route's
///   end plus the added time stays within the limit. Profit is the new visit's value at its start, less what later
///   visits to the same cell lose by moving one rank down; the exact value is recomputed after each insertion, and
///   an insertion that turns out not to raise it is undone and not tried again in that phase.
/// - **Shake**: remove `R` consecutive visits from every route, starting at position `S`; then `S += R`,
///   `R += 1`, `S` wraps at the smallest route's length, `R` back to 1 at (visits ÷ 3 units) and after every new best.
/// - Stop after `patience` shakes without a new best (or `maxIterations` in all); the best solution is kept.
///
/// Each cell is visited by one unit per shift at most (its visits are that unit's): units never need to coordinate
/// revisit gaps, and the value of a route does not depend on the others.
struct IteratedLocalSearch {
    let problem: Subproblem
    private(set) var routes: [[Int32]]
    private var starts: [[Double]]
    private var values: [[Double]]
    private var ends: [Double]
    private var routeValues: [Double]
    /// Member visiting each local cell, or −1.
    private var owner: [Int32]
    /// Positions of each local cell's visits in its owner's route, ascending.
    private var occurrences: [[Int32]]
    private var scratch: Subproblem.Scratch

    init(problem: Subproblem) {
        self.problem = problem
        let m = problem.members.count
        routes = Array(repeating: [], count: m)
        starts = Array(repeating: [], count: m)
        values = Array(repeating: [], count: m)
        ends = Array(repeating: problem.shiftStart, count: m)
        routeValues = Array(repeating: 0, count: m)
        owner = Array(repeating: -1, count: problem.cells.count)
        occurrences = Array(repeating: [], count: problem.cells.count)
        scratch = Subproblem.Scratch(cellCount: problem.cells.count)
    }

    var total: Double { routeValues.reduce(0, +) }

    /// Replaces member `r`'s route and retimes it; false (and nothing changed) when the new route does not fit.
    @discardableResult
    mutating func setRoute(_ r: Int, _ route: [Int32]) -> Bool {
        let timing = problem.time(route, member: r, scratch: &scratch)
        guard problem.feasible(timing) else { return false }
        for k in routes[r] {
            owner[Int(k)] = -1
            occurrences[Int(k)].removeAll(keepingCapacity: true)
        }
        for (position, k) in route.enumerated() {
            owner[Int(k)] = Int32(r)
            occurrences[Int(k)].append(Int32(position))
        }
        routes[r] = route
        starts[r] = timing.starts
        values[r] = timing.values
        ends[r] = timing.end
        routeValues[r] = timing.value
        return true
    }

    /// The best insertion found in one pass.
    private struct Insertion {
        var ratio: Double
        var member: Int
        var cell: Int32
        var position: Int
    }

    /// Adds visits by the ratio heuristic until none fits or raises the value.
    mutating func insertUntilFull() {
        let p = problem
        let L = p.visitMinutes
        var blocked = Set<Int>()  // member * cellCount + cell, for this phase
        // Per position of a route: departure from the previous stop, where that stop is (−1: base or none), the
        // next visit's old arrival, and the next cell (−1: none).
        var departure: [Double] = []
        var previousCell: [Int] = []
        var oldArrival: [Double] = []
        while true {
            var best: Insertion?
            for r in p.members.indices {
                let route = routes[r]
                let n = route.count
                let slack = p.limit - ends[r]
                guard slack >= L - 1e-9 else { continue }
                let hasBase = p.members[r].baseX != nil
                departure.removeAll(keepingCapacity: true)
                previousCell.removeAll(keepingCapacity: true)
                oldArrival.removeAll(keepingCapacity: true)
                for position in 0...n {
                    departure.append(position == 0 ? p.shiftStart : starts[r][position - 1] + L)
                    previousCell.append(position == 0 ? -1 : Int(route[position - 1]))
                    if position < n {
                        let k = Int(route[position])
                        oldArrival.append(position == 0 ? p.shiftStart + p.baseTravel(k, r)
                                          : departure[position] + p.travel(previousCell[position], k, r))
                    } else {
                        oldArrival.append(ends[r])
                    }
                }
                for k32 in p.members[r].allowed {
                    let k = Int(k32)
                    let upper = p.bestValue[k]
                    // Cells come highest value first: none further can beat the best ratio.
                    if let best, upper * upper / L <= best.ratio { break }
                    let own = owner[k]
                    guard own < 0 || Int(own) == r else { continue }
                    let occurrence = occurrences[k]
                    guard occurrence.count < p.cap else { continue }
                    if !blocked.isEmpty, blocked.contains(r * p.cells.count + k) { continue }
                    let back = hasBase ? p.baseTravel(k, r) : 0
                    for position in 0...n {
                        var rank = 0
                        var anchor = -Double.infinity
                        var nextSame = Double.infinity
                        var later = 0.0
                        for o32 in occurrence {
                            let o = Int(o32)
                            if o < position {
                                rank += 1
                                anchor = starts[r][o]
                            } else {
                                if nextSame == .infinity { nextSame = starts[r][o] }
                                later += values[r][o]
                            }
                        }
                        let previous = previousCell[position]
                        var start = departure[position] + (previous < 0 ? (hasBase ? p.baseTravel(k, r) : 0)
                                                            : p.travel(previous, k, r))
                        if rank > 0 { start = max(start, anchor + p.gap) }
                        if start + p.gap > nextSame + 1e-9 { continue }
                        let leave = start + L
                        let added = position < n ? leave + p.travel(k, Int(route[position]), r) - oldArrival[position]
                                                 : leave + back - oldArrival[position]
                        guard added <= slack + 1e-9 else { continue }
                        let profit = p.value(k, start: start, rank: rank) - later * (1 - p.repeatPowers[1])
                        guard profit > 0 else { continue }
                        let ratio = profit * profit / max(added, 1e-9)
                        if best == nil || ratio > best!.ratio {
                            best = Insertion(ratio: ratio, member: r, cell: k32, position: position)
                        }
                    }
                }
            }
            guard let chosen = best else { return }
            let before = routeValues[chosen.member]
            var route = routes[chosen.member]
            route.insert(chosen.cell, at: chosen.position)
            let saved = routes[chosen.member]
            if !setRoute(chosen.member, route) || routeValues[chosen.member] <= before {
                setRoute(chosen.member, saved)
                blocked.insert(chosen.member * p.cells.count + Int(chosen.cell))
            }
        }
    }

    /// Removes `count` consecutive visits from every route starting at `offset` (wrapping round the route).
    mutating func shake(count: Int, offset: Int) {
        for r in routes.indices where !routes[r].isEmpty {
            let n = routes[r].count
            let removed = min(count, n)
            let first = offset % n
            var keep = [Bool](repeating: true, count: n)
            for i in 0..<removed { keep[(first + i) % n] = false }
            let route = routes[r].indices.filter { keep[$0] }.map { routes[r][$0] }
            // Removing visits only brings later ones forward, so the shorter route always fits.
            let fitted = setRoute(r, route)
            assert(fitted, "a route with visits removed fits")
        }
    }

    /// Runs the search; returns the best routes found (one per member).
    static func solve(_ problem: Subproblem, patience: Int, maxIterations: Int,
                      random: inout PatrolRandom) -> [[Int32]] {
        var search = IteratedLocalSearch(problem: problem)
        search.insertUntilFull()
        var best = search.routes
        var bestTotal = search.total
        let m = problem.members.count
        var offset = 0, count = 1, stale = 0, iteration = 0
        while stale < patience && iteration < maxIterations {
            iteration += 1
            let visits = search.routes.reduce(0) { $0 + $1.count }
            guard visits > 0 else { break }
            search.shake(count: count, offset: offset)
            search.insertUntilFull()
            if search.total > bestTotal * (1 + 1e-12) + 1e-300 {
                best = search.routes
                bestTotal = search.total
                count = 1
                stale = 0
            } else {
                stale += 1
            }
            offset += count
            count += 1
            let smallest = max(search.routes.map(\.count).min() ?? 1, 1)
            offset %= smallest
            if count > max(1, visits / (3 * m)) { count = 1 }
            // A seeded nudge now and then, so the same shake pattern does not cycle on small routes.
            if stale > 0 && stale % 16 == 0 { offset = random.below(smallest) }
        }
        return best
    }
}
