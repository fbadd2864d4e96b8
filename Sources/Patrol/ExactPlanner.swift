/// The optimum plan of one shift of a tiny instance, by enumeration: the reference the search is measured against.
///
/// Every visit sequence of every unit that fits (cells it may visit, the cap, as `Subproblem` describes) is
/// enumerated depth first, each visit starting on arrival or at the start of a later hour (its midpoint on the
/// hour) — an optimal schedule can always be moved to such starts, by starting each visit as early as its hour,
/// the previous visit and the revisit gap allow. Appending a visit never ends a route earlier, so a sequence that
/// does not fit ends the branch. The best value per set of cells used is kept. Units are then
/// combined over disjoint cell sets (each cell one unit's per shift) by dynamic programming over subsets.
/// The cells are every cell some unit of the shift may visit; a visit worth nothing ends the branch, as no plan
/// may hold one.
public enum ExactPlanner {
    /// The most cells and units `optimum` accepts; anything larger is a programming error.
    public static let maxCells = 12
    public static let maxUnits = 3

    public static func optimum(_ instance: PatrolInstance, shift s: Int) -> ShiftPlan {
        let units = instance.units(inShift: s)
        let cells = (0..<instance.centroids.count).filter { c in
            units.contains { instance.units[$0].cells?.contains(c) ?? true }
        }
        precondition(cells.count <= maxCells && units.count <= maxUnits, "a tiny instance")
        let allowed = units.map { u in cells.indices.filter { instance.units[u].cells?.contains(cells[$0]) ?? true }.map { Int32($0) } }
        let problem = Subproblem(instance: instance, shift: s, units: units, cells: cells, allowed: allowed)
        let subsets = 1 << cells.count
        let perUnit = units.indices.map { bestRoutes(problem, member: $0) }

        // total[m][mask]: the best value of units 0...m using cells within mask; choice[m][mask]: unit m's set.
        var total = [[Double]](repeating: [Double](repeating: 0, count: subsets), count: units.count)
        var choice = [[Int]](repeating: [Int](repeating: 0, count: subsets), count: units.count)
        for m in units.indices {
            for mask in 0..<subsets {
                var bestValue = -Double.infinity
                var bestSet = 0
                var sub = mask
                while true {
                    if let route = perUnit[m][sub] {
                        let rest = m == 0 ? 0 : total[m - 1][mask & ~sub]
                        if route.value + rest > bestValue {
                            bestValue = route.value + rest
                            bestSet = sub
                        }
                    }
                    if sub == 0 { break }
                    sub = (sub - 1) & mask
                }
                total[m][mask] = bestValue
                choice[m][mask] = bestSet
            }
        }
        var mask = subsets - 1
        var routes = [UnitRoute]()
        var scratch = Subproblem.Scratch(cellCount: cells.count)
        for m in units.indices.reversed() {
            let set = choice[m][mask]
            let route = perUnit[m][set]?.route ?? []
            let timing = problem.time(route, member: m, scratch: &scratch)
            routes.append(problem.unitRoute(route, starts: timing.starts, member: m))
            mask &= ~set
        }
        return ShiftPlan(shift: s, routes: routes.reversed(), expectedHarm: instance.expectedHarm(inShift: s))
    }

    /// The best route of one member per set of cells it visits (nil: no fitting route visits exactly that set).
    private static func bestRoutes(_ p: Subproblem, member m: Int) -> [(value: Double, route: [Subproblem.Stop])?] {
        var best = [(value: Double, route: [Subproblem.Stop])?](repeating: nil, count: 1 << p.cells.count)
        var route: [Subproblem.Stop] = []
        var counts = [Int](repeating: 0, count: p.cells.count)
        var lastStart = [Double](repeating: 0, count: p.cells.count)
        let allowed = p.members[m].allowed
        let L = p.visitMinutes

        func extend(departure: Double, previous: Int, value: Double, mask: Int) {
            if best[mask] == nil || value > best[mask]!.value { best[mask] = (value, route) }
            for k32 in allowed {
                let k = Int(k32)
                guard counts[k] < p.cap else { continue }
                var earliest = departure + (previous < 0 ? p.baseTravel(k, m) : p.travel(previous, k, m))
                if counts[k] > 0 { earliest = max(earliest, lastStart[k] + p.gap) }
                // Start on arrival or wait for the start of a later hour.
                var start = earliest
                while start + L + p.baseTravel(k, m) <= p.limit + 1e-9 {
                    let gained = p.value(k, start: start, rank: counts[k])
                    if gained > 0 {
                        let savedStart = lastStart[k]
                        counts[k] += 1
                        lastStart[k] = start
                        route.append(Subproblem.Stop(cell: k32, ready: start))
                        extend(departure: start + L, previous: k, value: value + gained, mask: mask | 1 << k)
                        route.removeLast()
                        counts[k] -= 1
                        lastStart[k] = savedStart
                    }
                    start = (((start + L / 2) / 60).rounded(.down) + 1) * 60 - L / 2
                }
            }
        }
        extend(departure: p.shiftStart, previous: -1, value: 0, mask: 0)
        return best
    }
}
