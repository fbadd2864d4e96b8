/// Iterated local search for the team orienteering problem with time-dependent profits, after Vansteenwegen,
/// Souffriau, Vanden Berghe & Van Oudheusden (2009), "Iterated local search for the team orienteering problem with
/// time windows", Computers & Operations Research 36(12):
///
/// - **Insert**: repeatedly add the visit with the best ratio profit² / added time over every unit, cell and
///   position, until none fits. Feasibility is bounded in constant time: every later visit moves by at most the
///   added time (travel obeys the triangle inequality and waits only shrink), less what waits after the insertion
///   absorb, so an insertion cannot fit unless the added time is within the route's slack plus those waits, and
///   surely fits within the slack alone; those in between are checked when valued exactly. A visit may wait for the start of a later hour (the
///   problem has time-dependent profits where TOPTW has time windows); waiting counts as added time, and the stop
///   keeps its hour (it starts no earlier than the hour allows) so removals before it do not pull it out of it. Profit is estimated as the new visit's
///   value at its start,
///   less what later visits to the same cell lose by moving one rank down; the best few insertions by that
///   estimate are then valued exactly (later visits may change hours) and the best exact ratio is made.
/// - **Shake**: remove `R` consecutive visits from every route, starting at position `S`; then `S += R`,
///   `R += 1`, `S` wraps at the smallest route's length, `R` back to 1 at (visits ÷ 3 units) and after every new best.
/// - Stop after `patience` shakes without a new best (or `maxIterations` in all, or once `effortLimit` insertions
///   have been looked at); the best solution is kept.
///
/// Each cell is visited by one unit per shift at most (its visits are that unit's): units never need to coordinate
/// revisit gaps, and the value of a route does not depend on the others.
struct IteratedLocalSearch {
    let problem: Subproblem
    typealias Stop = Subproblem.Stop
    private(set) var routes: [[Stop]]
    private var starts: [[Double]]
    private var values: [[Double]]
    /// Per route, the waits from each position on (suffix sums; one more entry, 0, at the end).
    private var waitsFrom: [[Double]]
    private var ends: [Double]
    private var routeValues: [Double]
    /// Member visiting each local cell, or −1.
    private var owner: [Int32]
    /// Positions of each local cell's visits in its owner's route, ascending.
    private var occurrences: [[Int32]]
    private var scratch: Subproblem.Scratch
    /// Insertions (cell, position) looked at so far: the search's effort, counted so that a budget can stop it the
    /// same way on every machine.
    private(set) var effort = 0

    init(problem: Subproblem) {
        self.problem = problem
        let m = problem.members.count
        routes = Array(repeating: [], count: m)
        starts = Array(repeating: [], count: m)
        values = Array(repeating: [], count: m)
        waitsFrom = Array(repeating: [0], count: m)
        ends = Array(repeating: problem.shiftStart, count: m)
        routeValues = Array(repeating: 0, count: m)
        owner = Array(repeating: -1, count: problem.cells.count)
        occurrences = Array(repeating: [], count: problem.cells.count)
        scratch = Subproblem.Scratch(cellCount: problem.cells.count)
    }

    var total: Double { routeValues.reduce(0, +) }

    /// Replaces member `r`'s route and retimes it; false (and nothing changed) when the new route does not fit.
    @discardableResult
    mutating func setRoute(_ r: Int, _ route: [Stop]) -> Bool {
        let timing = problem.time(route, member: r, scratch: &scratch)
        guard problem.feasible(timing) else { return false }
        for stop in routes[r] {
            owner[Int(stop.cell)] = -1
            occurrences[Int(stop.cell)].removeAll(keepingCapacity: true)
        }
        for (position, stop) in route.enumerated() {
            owner[Int(stop.cell)] = Int32(r)
            occurrences[Int(stop.cell)].append(Int32(position))
        }
        routes[r] = route
        starts[r] = timing.starts
        values[r] = timing.values
        var suffix = [Double](repeating: 0, count: route.count + 1)
        for i in route.indices.reversed() { suffix[i] = suffix[i + 1] + timing.waits[i] }
        waitsFrom[r] = suffix
        ends[r] = timing.end
        routeValues[r] = timing.value
        return true
    }

    /// An insertion found in one pass.
    private struct Insertion {
        var ratio: Double
        var added: Double
        var member: Int
        var cell: Int32
        var position: Int
        /// The first start in the hour it is planned in.
        var ready: Double
        /// Its estimated start.
        var start: Double
    }

    private struct Blocked: Equatable {
        var member: Int
        var cell: Int32
        var position: Int
        var start: Double
    }

    /// How many insertions of a pass, best by the estimated ratio, are valued exactly before one is made.
    static let shortlist = 6

    /// Adds visits by the ratio heuristic until none fits or raises the value. The ratio's profit is an estimate
    /// (it leaves out what later visits gain or lose by moving to other hours), so each pass values its best few
    /// insertions exactly and makes the one with the best exact ratio among those that raise the route's value.
    mutating func insertUntilFull(random: UnsafeMutablePointer<PatrolRandom>? = nil) {
        let p = problem
        let L = p.visitMinutes
        // Insertions valued exactly and found not to fit or not to pay, until the next insertion changes the routes.
        var blocked: [Blocked] = []
        // Per position of a route: departure from the previous stop, where that stop is (−1: base or none), the
        // next visit's old arrival (or the old end).
        var departure: [Double] = []
        var previousCell: [Int] = []
        var nextCell: [Int] = []
        var oldArrival: [Double] = []
        var shortlist: [Insertion] = []
        shortlist.reserveCapacity(Self.shortlist + 1)
        var trial = Subproblem.Timing()
        while true {
            shortlist.removeAll(keepingCapacity: true)
            for r in p.members.indices {
                let route = routes[r]
                let n = route.count
                let slack = p.limit - ends[r]
                // Waits can absorb delays, so an insertion may fit with more than the slack: such insertions are
                // shortlisted on this optimistic bound and checked when valued exactly.
                guard slack + waitsFrom[r][0] >= L - 1e-9 else { continue }
                let hasBase = p.members[r].baseX != nil
                let speed = p.members[r].metresPerMinute
                let routeStarts = starts[r]
                let routeValues = values[r]
                let waits = waitsFrom[r]
                departure.removeAll(keepingCapacity: true)
                previousCell.removeAll(keepingCapacity: true)
                nextCell.removeAll(keepingCapacity: true)
                oldArrival.removeAll(keepingCapacity: true)
                for position in 0...n {
                    departure.append(position == 0 ? p.shiftStart : routeStarts[position - 1] + L)
                    previousCell.append(position == 0 ? -1 : Int(route[position - 1].cell))
                    if position < n {
                        let k = Int(route[position].cell)
                        nextCell.append(k)
                        oldArrival.append(position == 0 ? p.shiftStart + p.baseTravel(k, r)
                                          : departure[position] + p.travel(previousCell[position], k, r))
                    } else {
                        nextCell.append(-1)
                        oldArrival.append(ends[r])
                    }
                }
                for k32 in p.members[r].allowed {
                    let k = Int(k32)
                    let upper = p.bestValue[k]
                    // Cells come highest value first: none further can enter a full shortlist.
                    if shortlist.count == Self.shortlist, upper * upper / L <= shortlist[shortlist.count - 1].ratio { break }
                    let own = owner[k]
                    guard own < 0 || Int(own) == r else { continue }
                    let occurrence = occurrences[k]
                    guard occurrence.count < p.cap else { continue }
                    let back = hasBase ? p.baseTravel(k, r) : 0
                    let kx = p.xs[k], ky = p.ys[k]
                    effort += n + 1
                    for position in 0...n {
                        var rank = 0
                        var anchor = -Double.infinity
                        var nextSame = Double.infinity
                        var later = 0.0
                        for o32 in occurrence {
                            let o = Int(o32)
                            if o < position {
                                rank += 1
                                anchor = routeStarts[o]
                            } else {
                                if nextSame == .infinity { nextSame = routeStarts[o] }
                                later += routeValues[o]
                            }
                        }
                        let previous = previousCell[position]
                        var travelIn = back
                        if previous >= 0 {
                            let dx = p.xs[previous] - kx, dy = p.ys[previous] - ky
                            travelIn = (dx * dx + dy * dy).squareRoot() / speed
                        }
                        var earliest = departure[position] + travelIn
                        if rank > 0 { earliest = max(earliest, anchor + p.gap) }
                        let next = nextCell[position]
                        var travelOut = back
                        if next >= 0 {
                            let dx = p.xs[next] - kx, dy = p.ys[next] - ky
                            travelOut = (dx * dx + dy * dy).squareRoot() / speed
                        }
                        let added = earliest + L + travelOut - oldArrival[position]
                        let room = slack + waits[position]
                        guard added <= room + 1e-9 else { continue }
                        // Waiting only adds time: no start can beat a full shortlist's worst ratio.
                        if shortlist.count == Self.shortlist, upper * upper / added <= shortlist[shortlist.count - 1].ratio {
                            continue
                        }
                        // Start on arrival, or wait for the start of a later hour (the midpoint on the hour).
                        var start = earliest
                        while start + p.gap <= nextSame + 1e-9 && added + (start - earliest) <= room + 1e-9 {
                            let profit = p.value(k, start: start, rank: rank) - later * (1 - p.repeatPowers[1])
                            if profit > 0 {
                                let time = added + (start - earliest)
                                let ratio = profit * profit / max(time, 1e-9)
                                if shortlist.count < Self.shortlist || ratio > shortlist[shortlist.count - 1].ratio,
                                   blocked.isEmpty || !blocked.contains(Blocked(member: r, cell: k32, position: position, start: start)) {
                                    var at = shortlist.count
                                    while at > 0 && ratio > shortlist[at - 1].ratio { at -= 1 }
                                    // The stop keeps its hour: it starts no earlier than the hour's first start.
                                    let ready = ((start + L / 2) / 60).rounded(.down) * 60 - L / 2
                                    shortlist.insert(Insertion(ratio: ratio, added: time, member: r, cell: k32, position: position,
                                                               ready: ready, start: start), at: at)
                                    if shortlist.count > Self.shortlist { shortlist.removeLast() }
                                }
                            }
                            // Wait only for an hour worth more.
                            let slot = Subproblem.slot(start + L / 2, firstHour: p.firstHour, count: p.hourCount)
                            let next = Int(p.betterSlot[k * p.hourCount + slot])
                            guard next < p.hourCount else { break }
                            start = Double(p.firstHour + next) * 60 - L / 2
                        }
                    }
                }
            }
            guard !shortlist.isEmpty else { return }
            // Value the shortlist exactly.
            var chosen: (ratio: Double, member: Int, route: [Stop])?
            for insertion in shortlist {
                var route = routes[insertion.member]
                route.insert(Stop(cell: insertion.cell, ready: insertion.ready), at: insertion.position)
                p.time(route, member: insertion.member, scratch: &scratch, into: &trial)
                let timing = trial
                let gain = timing.value - routeValues[insertion.member]
                guard p.feasible(timing), gain > 0 else {
                    blocked.append(Blocked(member: insertion.member, cell: insertion.cell, position: insertion.position,
                                           start: insertion.start))
                    continue
                }
                var ratio = gain * gain / max(insertion.added, 1e-9)
                if let random { ratio *= random.pointee.unit() }
                if chosen == nil || ratio > chosen!.ratio { chosen = (ratio, insertion.member, route) }
            }
            if let chosen {
                setRoute(chosen.member, chosen.route)
                blocked.removeAll(keepingCapacity: true)
            }
        }
    }

    /// Removes `count` consecutive visits from every route starting at `offset` (wrapping round the route).
    mutating func shake(count: Int, offset: Int, random: inout PatrolRandom, scatter: Bool) {
        for r in routes.indices where !routes[r].isEmpty {
            let n = routes[r].count
            let removed = min(count, n)
            var keep = [Bool](repeating: true, count: n)
            if scatter {
                // Diversifying: visits anywhere in the route, not only consecutive ones.
                for _ in 0..<removed { keep[random.below(n)] = false }
            } else {
                for i in 0..<removed { keep[(offset % n + i) % n] = false }
            }
            var route = routes[r].indices.filter { keep[$0] }.map { routes[r][$0] }
            // Removing visits only brings later ones forward, so the shorter route ends in time; but a visit brought
            // forward into an hour without risk is worth nothing, and goes too.
            while true {
                let timing = problem.time(route, member: r, scratch: &scratch)
                if problem.feasible(timing) { break }
                route = route.indices.filter { timing.values[$0] > 0 }.map { route[$0] }
            }
            setRoute(r, route)
        }
    }

    /// Runs the search; returns the best routes found (one per member).
    static func solve(_ problem: Subproblem, patience: Int, maxIterations: Int, effortLimit: Int,
                      random: inout PatrolRandom) -> [[Subproblem.Stop]] {
        var search = IteratedLocalSearch(problem: problem)
        search.insertUntilFull()
        var best = search.routes
        var bestTotal = search.total
        let m = problem.members.count
        var offset = 0, count = 1, stale = 0, iteration = 0
        while stale < patience && iteration < maxIterations && search.effort < effortLimit {
            iteration += 1
            let visits = search.routes.reduce(0) { $0 + $1.count }
            guard visits > 0 else { break }
            let diversify = stale >= min(3, patience / 2)
            if stale > 0 && stale % 10 == 0 {
                // Back to the best now and then; half-way through the patience, once, from scratch instead.
                let fresh = stale == patience / 2
                for r in best.indices { search.setRoute(r, fresh ? [] : best[r]) }
            }
            search.shake(count: count, offset: offset, random: &random, scatter: diversify)
            if diversify {
                withUnsafeMutablePointer(to: &random) { search.insertUntilFull(random: $0) }
            } else {
                search.insertUntilFull()
            }
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
        }
        return best
    }
}
