import GeoCore
import Parallel

/// How hard the planner searches and how it prunes.
public struct PlannerOptions: Sendable, Equatable {
    /// Same seed, same plan.
    public var seed: UInt64 = 1
    /// Shakes without a new best before a search stops (Vansteenwegen et al. use 150; 100 loses little here).
    public var patience: Int = 100
    /// Shakes at most per search.
    public var maxIterations: Int = 1000
    /// Insertions (a cell at a position of a route) a search may look at before it stops: bounds the time a large
    /// shift takes, the same on every machine. Small searches never reach it.
    public var effortLimit: Int = 400_000
    /// Candidate cells per unit and shift: this many times the visits its shift can hold (at least 20), the
    /// highest-risk cells it may visit in that shift; with a base, also the few cells nearest to it.
    public var candidatesPerVisit: Double = 2
    /// A shift whose units could share cells is searched as one team when (cells with risk) × (units) is at most
    /// this; above it the cells are first split among the units by travel time (see `PatrolPlanner`).
    public var jointLimit: Int = 600
    /// Delay visits at random within each route's slack (and within their hours), so patrols are not predictable.
    public var jitter: Bool = true

    public init(seed: UInt64 = 1, patience: Int = 100, maxIterations: Int = 1000, effortLimit: Int = 400_000,
                candidatesPerVisit: Double = 2, jointLimit: Int = 600, jitter: Bool = true) {
        self.seed = seed
        self.patience = patience
        self.maxIterations = maxIterations
        self.effortLimit = effortLimit
        self.candidatesPerVisit = candidatesPerVisit
        self.jointLimit = jointLimit
        self.jitter = jitter
    }
}

/// Routes per unit and shift that cover as much expected harm as fits (see `PatrolRules` for the value, and
/// `IteratedLocalSearch` for the search).
///
/// Per shift, the cells with risk that some unit working it may visit form the pool. A small pool is searched as
/// one team problem. A large one is split first — each cell to the unit that reaches it soonest from its centre
/// (its base, or for units without one a centre placed by a few rounds of risk-weighted k-means) among the units
/// allowed there — and each unit's share searched alone: with 20,000 cells and 40 units the team problem would
/// spend its time on insertions no unit could sensibly make. Either way each unit keeps only its top candidates.
/// Shifts and units are searched in parallel; each search has its own seeded stream, so plans do not depend on
/// the number of threads.
///
/// With `jitter`, each route's slack (limit − end) is partly spent as random delays before its visits: the delays
/// accumulate along the route, so every later visit moves at least as much as an earlier one and travel times,
/// revisit gaps and the end limit all still hold; and no visit is moved out of the hour its midpoint falls in, so
/// the value stays the same.
public enum PatrolPlanner {
    public static func plan(_ instance: PatrolInstance, options: PlannerOptions = PlannerOptions()) -> PatrolPlan {
        let masks = beatMasks(instance)
        let problems = Parallel.map(instance.shifts.count) { s in subproblems(instance, shift: s, masks: masks, options: options) }
        let flat = problems.enumerated().flatMap { s, list in list.enumerated().map { (s, $0, $1) } }
        let solved = Parallel.map(flat.count) { i in
            let (s, index, problem) = flat[i]
            var random = PatrolRandom(seed: options.seed, stream: UInt64(s) << 24 | UInt64(index))
            let routes = IteratedLocalSearch.solve(problem, patience: options.patience, maxIterations: options.maxIterations,
                                                   effortLimit: options.effortLimit, random: &random)
            return unitRoutes(problem, routes: routes, jitter: options.jitter, random: &random)
        }
        return assemble(instance, routes: solved.flatMap { $0 })
    }

    /// One route per unit per shift (empty for units given none), in shift then unit order.
    static func assemble(_ instance: PatrolInstance, routes: [UnitRoute]) -> PatrolPlan {
        var byShift = [[Int: UnitRoute]](repeating: [:], count: instance.shifts.count)
        for route in routes { byShift[route.shift][route.unit] = route }
        let harm = Parallel.map(instance.shifts.count) { s in instance.expectedHarm(inShift: s) }
        return PatrolPlan(shifts: instance.shifts.indices.map { s in
            let routes = instance.units(inShift: s).map { u in
                byShift[s][u] ?? UnitRoute(unit: u, shift: s, visits: [], end: instance.shifts[s].start, travelMinutes: 0)
            }
            return ShiftPlan(shift: s, routes: routes, expectedHarm: harm[s])
        })
    }

    /// The timed routes of a solved subproblem, jittered when asked.
    static func unitRoutes(_ problem: Subproblem, routes: [[Subproblem.Stop]], jitter: Bool,
                           random: inout PatrolRandom) -> [UnitRoute] {
        var scratch = Subproblem.Scratch(cellCount: problem.cells.count)
        return routes.enumerated().map { m, route in
            let timing = problem.time(route, member: m, scratch: &scratch)
            var starts = timing.starts
            let slack = problem.limit - timing.end
            if jitter, slack > 0, !route.isEmpty {
                // Cumulative random delays, each capped by the room every visit from it on has left in its hour
                // (so no visit changes hours and the value stays) and by a random share of the slack.
                let budget = slack * random.unit()
                var room = [Double](repeating: budget, count: starts.count)
                var least = budget
                for i in starts.indices.reversed() {
                    let mid = starts[i] + problem.visitMinutes / 2
                    let hourEnd = ((mid / 60).rounded(.down) + 1) * 60
                    least = min(least, hourEnd - mid - 1e-6)
                    room[i] = max(least, 0)
                }
                let weights = (0...route.count).map { _ in random.unit() }
                let sum = weights.reduce(0, +)
                var cumulative = 0.0
                for i in starts.indices where sum > 0 {
                    cumulative += weights[i]
                    starts[i] += min(budget * cumulative / sum, room[i])
                }
            }
            return problem.unitRoute(route, starts: starts, member: m)
        }
    }

    /// Each unit's beat as a mask over the cells (nil: every cell).
    static func beatMasks(_ instance: PatrolInstance) -> [[Bool]?] {
        instance.units.map { unit in
            unit.cells.map { beat in
                var mask = [Bool](repeating: false, count: instance.centroids.count)
                for c in beat { mask[c] = true }
                return mask
            }
        }
    }

    /// Visits a unit's shift can hold at most, ignoring travel.
    static func visitSlots(_ instance: PatrolInstance, shift s: Int) -> Int {
        let rules = instance.rules
        return max(Int(((instance.shifts[s].minutes - rules.breakMinutes) / rules.visitMinutes).rounded(.down)), 1)
    }

    /// Σ over the shift's hours of risk × the share of the hour inside the shift, per cell.
    static func shiftRisk(_ instance: PatrolInstance, shift s: Int) -> [Double] {
        let weights = PatrolInstance.hourWeights(instance.shifts[s])
        return (0..<instance.centroids.count).map { c in weights.reduce(0) { $0 + instance.risk[c, $1.hour] * $1.weight } }
    }

    /// The subproblems of one shift (see the type's documentation).
    static func subproblems(_ instance: PatrolInstance, shift s: Int, masks: [[Bool]?],
                            options: PlannerOptions) -> [Subproblem] {
        let units = instance.units(inShift: s)
        guard !units.isEmpty else { return [] }
        let risk = shiftRisk(instance, shift: s)
        let allowedAnywhere: (Int) -> Bool = { c in units.contains { masks[$0]?[c] ?? true } }
        let pool = risk.indices.filter { risk[$0] > 0 && allowedAnywhere($0) }
        let perUnit = max(20, Int((options.candidatesPerVisit * Double(visitSlots(instance, shift: s))).rounded(.up)))
        let byRisk: (Int, Int) -> Bool = { risk[$0] != risk[$1] ? risk[$0] > risk[$1] : $0 < $1 }

        if pool.count * units.count <= options.jointLimit {
            let cells = Array(pool.sorted(by: byRisk).prefix(perUnit * units.count))
            let allowed = units.map { u in cells.indices.filter { masks[u]?[cells[$0]] ?? true }.map { Int32($0) } }
            return [Subproblem(instance: instance, shift: s, units: units, cells: cells, allowed: allowed)]
        }

        let share = split(instance, pool: pool, risk: risk, units: units, masks: masks)
        return units.indices.compactMap { i in
            let mine = share[i]
            guard !mine.isEmpty else { return nil }
            var cells = Array(mine.sorted(by: byRisk).prefix(perUnit))
            if let base = instance.units[units[i]].base {
                let chosen = Set(cells)
                let near = mine.filter { !chosen.contains($0) }.sorted {
                    let a = squaredDistance(base, instance.centroids[$0]), b = squaredDistance(base, instance.centroids[$1])
                    return a != b ? a < b : $0 < $1
                }
                cells += near.prefix(5)
            }
            return Subproblem(instance: instance, shift: s, units: [units[i]], cells: cells,
                              allowed: [cells.indices.map { Int32($0) }])
        }
    }

    static func squaredDistance(_ a: Point, _ b: Point) -> Double {
        (a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y)
    }

    /// The pool split among the units: each cell to the allowed unit with the least travel time from its centre.
    /// Centres are bases; units without one get centres by risk-weighted k-means (farthest-first start among the
    /// highest-risk cells, then a few Lloyd rounds), so they spread over the hot areas instead of piling on one.
    static func split(_ instance: PatrolInstance, pool: [Int], risk: [Double], units: [Int], masks: [[Bool]?]) -> [[Int]] {
        let centroids = instance.centroids
        var centres = units.map { instance.units[$0].base }
        let speeds = units.map { instance.units[$0].mode.metresPerMinute }
        let free = centres.indices.filter { centres[$0] == nil }
        if !free.isEmpty {
            let top = Array(pool.sorted { risk[$0] != risk[$1] ? risk[$0] > risk[$1] : $0 < $1 }.prefix(max(50 * free.count, 200)))
            for i in free {
                // The top cell this unit may visit farthest from every centre placed so far.
                let placed = centres.compactMap { $0 }
                let options = top.filter { masks[units[i]]?[$0] ?? true }
                let pick = options.max { a, b in
                    let da = placed.map { squaredDistance($0, centroids[a]) }.min() ?? 0
                    let db = placed.map { squaredDistance($0, centroids[b]) }.min() ?? 0
                    return da != db ? da < db : a > b
                } ?? pool.first { masks[units[i]]?[$0] ?? true }
                centres[i] = pick.map { centroids[$0] } ?? Point(x: 0, y: 0)
            }
        }
        func assign() -> [[Int]] {
            var share = [[Int]](repeating: [], count: units.count)
            for c in pool {
                var best = -1
                var bestTime = Double.infinity
                for i in units.indices where masks[units[i]]?[c] ?? true {
                    let time = squaredDistance(centres[i]!, centroids[c]).squareRoot() / speeds[i]
                    if time < bestTime { best = i; bestTime = time }
                }
                if best >= 0 { share[best].append(c) }
            }
            return share
        }
        var share = assign()
        if !free.isEmpty {
            for _ in 0..<5 {
                for i in free where !share[i].isEmpty {
                    var weight = 0.0, x = 0.0, y = 0.0
                    for c in share[i] { weight += risk[c]; x += risk[c] * centroids[c].x; y += risk[c] * centroids[c].y }
                    if weight > 0 { centres[i] = Point(x: x / weight, y: y / weight) }
                }
                share = assign()
            }
        }
        return share
    }
}
