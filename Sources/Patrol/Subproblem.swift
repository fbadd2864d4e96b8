import GeoCore

/// One shift's candidate cells and the units that may visit them, in local indices (0..<cells.count): the common
/// ground of the search, the exact solver and the baselines, so all three time and value routes the same way.
///
/// A route is a list of stops, each a cell and the time before which its visit does not start (a unit may wait for
/// a cell's risky hour). It is timed from the shift's start: a unit with a base leaves it then, one without starts
/// its first visit then; each visit starts on arrival, or later when its stop says so or the revisit gap since the
/// cell's previous visit asks for it; the route ends back at the base, or at the end of the last visit. It is feasible when it ends by `limit` (shift start + length − break), visits no
/// cell more than the cap allows, and every visit is worth something: a plan never sends a unit to a cell in an
/// hour without risk (nor uses such a visit as a way of waiting for a better hour elsewhere).
struct Subproblem: Sendable {
    struct Member: Sendable {
        /// Index into `PatrolInstance.units`.
        let unit: Int
        let metresPerMinute: Double
        /// Base scaled by the detour factor, or nil.
        let baseX: Double?
        let baseY: Double
        /// Local cells it may visit, highest possible value first.
        let allowed: [Int32]
    }

    /// A visit in a route: its cell and the time before which it does not start (−∞: on arrival).
    struct Stop: Sendable, Equatable {
        var cell: Int32
        var ready: Double = -.infinity
    }

    let shift: Int
    let shiftStart: Double
    let limit: Double
    /// Global cell of each local cell.
    let cells: [Int]
    /// Centroids scaled by the detour factor, so travel metres are plain distances.
    let xs: [Double]
    let ys: [Double]
    let members: [Member]
    let visitMinutes: Double
    let gap: Double
    let cap: Int
    /// repeatFactor^k for k in 0...cap.
    let repeatPowers: [Double]
    /// Absolute hour (minutes / 60, not wrapped) of the shift's first hour, and how many hours it touches.
    let firstHour: Int
    let hourCount: Int
    /// risk × dose per local cell and hour of the shift: `hourValue[k * hourCount + slot]`.
    let hourValue: [Double]
    /// The most a first visit to each local cell can be worth in the shift.
    let bestValue: [Double]
    /// For each local cell and hour, the next hour of the shift in which a visit is worth more (`hourCount`: none),
    /// so a visit weighing whether to wait looks only at hours that pay more.
    let betterSlot: [Int16]

    /// `allowed[m]` lists the local cells member `m` may visit (any order).
    init(instance: PatrolInstance, shift s: Int, units: [Int], cells: [Int], allowed: [[Int32]]) {
        precondition(units.count == allowed.count, "an allowed list per unit")
        let rules = instance.rules
        let shift = instance.shifts[s]
        self.shift = s
        shiftStart = shift.start
        limit = shift.end - rules.breakMinutes
        self.cells = cells
        xs = cells.map { instance.centroids[$0].x * rules.detourFactor }
        ys = cells.map { instance.centroids[$0].y * rules.detourFactor }
        visitMinutes = rules.visitMinutes
        gap = rules.revisitGapMinutes
        cap = rules.visitsPerCellCap
        var powers = [1.0]
        for _ in 0..<cap { powers.append(powers[powers.count - 1] * rules.repeatFactor) }
        repeatPowers = powers
        firstHour = Int((shift.start / 60).rounded(.down))
        hourCount = Int((shift.end / 60).rounded(.down)) - firstHour + 1
        var hourValue = [Double](repeating: 0, count: cells.count * hourCount)
        var bestValue = [Double](repeating: 0, count: cells.count)
        let dose = rules.dose
        for (k, cell) in cells.enumerated() {
            for slot in 0..<hourCount {
                let v = instance.risk[cell, (firstHour + slot) % RiskTable.hoursPerWeek] * dose
                hourValue[k * hourCount + slot] = v
            }
            // Only hours a visit's midpoint can fall in count for the best value.
            let lo = Self.slot(shift.start + rules.visitMinutes / 2, firstHour: firstHour, count: hourCount)
            let hi = Self.slot(limit - rules.visitMinutes / 2, firstHour: firstHour, count: hourCount)
            bestValue[k] = lo <= hi ? hourValue[(k * hourCount + lo)...(k * hourCount + hi)].max() ?? 0 : 0
        }
        self.hourValue = hourValue
        self.bestValue = bestValue
        var better = [Int16](repeating: Int16(hourCount), count: cells.count * hourCount)
        for k in cells.indices {
            let row = k * hourCount
            // Walk back keeping a stack of later hours with rising values.
            var stack: [Int] = []
            for slot in (0..<hourCount).reversed() {
                while let top = stack.last, hourValue[row + top] <= hourValue[row + slot] { stack.removeLast() }
                better[row + slot] = Int16(stack.last ?? hourCount)
                stack.append(slot)
            }
        }
        betterSlot = better
        members = zip(units, allowed).map { unit, list in
            let u = instance.units[unit]
            let order = list.sorted { bestValue[Int($0)] != bestValue[Int($1)] ? bestValue[Int($0)] > bestValue[Int($1)] : $0 < $1 }
            return Member(unit: unit, metresPerMinute: u.mode.metresPerMinute,
                          baseX: u.base.map { $0.x * rules.detourFactor }, baseY: (u.base?.y ?? 0) * rules.detourFactor,
                          allowed: order)
        }
    }

    static func slot(_ minutes: Double, firstHour: Int, count: Int) -> Int {
        min(max(Int((minutes / 60).rounded(.down)) - firstHour, 0), count - 1)
    }

    /// The value of a visit to local cell `k` starting at `start` after `rank` earlier visits in the shift.
    @inline(__always)
    func value(_ k: Int, start: Double, rank: Int) -> Double {
        hourValue[k * hourCount + Self.slot(start + visitMinutes / 2, firstHour: firstHour, count: hourCount)]
            * repeatPowers[min(rank, cap)]
    }

    /// Minutes between two local cells for member `m`.
    @inline(__always)
    func travel(_ a: Int, _ b: Int, _ m: Int) -> Double {
        let dx = xs[a] - xs[b], dy = ys[a] - ys[b]
        return (dx * dx + dy * dy).squareRoot() / members[m].metresPerMinute
    }

    /// Minutes between member `m`'s base and local cell `k` (0 without a base).
    @inline(__always)
    func baseTravel(_ k: Int, _ m: Int) -> Double {
        guard let bx = members[m].baseX else { return 0 }
        let dx = xs[k] - bx, dy = ys[k] - members[m].baseY
        return (dx * dx + dy * dy).squareRoot() / members[m].metresPerMinute
    }

    /// A route timed as the type describes.
    struct Timing {
        var starts: [Double] = []
        var values: [Double] = []
        /// Per visit, how long it waits after arriving (for its stop's time or the revisit gap).
        var waits: [Double] = []
        var end: Double = 0
        var travel: Double = 0
        var value: Double = 0
        var withinCap = true
        /// Every visit has a positive value.
        var worthwhile = true
    }

    /// Per-cell bookkeeping for timing, reset after each use so one allocation serves a whole search.
    struct Scratch {
        var lastStart: [Double]
        var count: [Int32]
        init(cellCount: Int) {
            lastStart = [Double](repeating: 0, count: cellCount)
            count = [Int32](repeating: 0, count: cellCount)
        }
    }

    func time(_ route: [Stop], member m: Int, scratch: inout Scratch) -> Timing {
        var timing = Timing()
        time(route, member: m, scratch: &scratch, into: &timing)
        return timing
    }

    /// `time` into a timing whose buffers are reused.
    func time(_ route: [Stop], member m: Int, scratch: inout Scratch, into timing: inout Timing) {
        timing.starts.removeAll(keepingCapacity: true)
        timing.values.removeAll(keepingCapacity: true)
        timing.waits.removeAll(keepingCapacity: true)
        timing.travel = 0
        timing.value = 0
        timing.withinCap = true
        timing.worthwhile = true
        var departure = shiftStart
        var previous = -1
        for stop in route {
            let k = Int(stop.cell)
            let move = previous < 0 ? baseTravel(k, m) : travel(previous, k, m)
            timing.travel += move
            let arrival = departure + move
            var start = max(arrival, stop.ready)
            let rank = Int(scratch.count[k])
            if rank > 0 { start = max(start, scratch.lastStart[k] + gap) }
            timing.waits.append(start - arrival)
            if rank >= cap { timing.withinCap = false }
            let v = value(k, start: start, rank: rank)
            if !(v > 0) { timing.worthwhile = false }
            timing.starts.append(start)
            timing.values.append(v)
            timing.value += v
            scratch.count[k] += 1
            scratch.lastStart[k] = start
            departure = start + visitMinutes
            previous = k
        }
        if previous >= 0 {
            let back = baseTravel(previous, m)
            timing.travel += back
            timing.end = departure + back
        } else {
            timing.end = shiftStart
        }
        for stop in route { scratch.count[Int(stop.cell)] = 0 }
    }

    /// Whether a timed route keeps the limits (a little room for rounding).
    func feasible(_ timing: Timing) -> Bool { timing.withinCap && timing.worthwhile && timing.end <= limit + 1e-9 }

    /// The route as the plan reports it, at the given starts (the timed ones, or later ones after jitter).
    func unitRoute(_ route: [Stop], starts: [Double], member m: Int) -> UnitRoute {
        var counts: [Int: Int] = [:]
        var visits: [PlannedVisit] = []
        var travelled = 0.0
        var previous = -1
        for (stop, start) in zip(route, starts) {
            let k = Int(stop.cell)
            travelled += previous < 0 ? baseTravel(k, m) : travel(previous, k, m)
            let rank = counts[k, default: 0]
            counts[k] = rank + 1
            visits.append(PlannedVisit(cell: cells[k], start: start, value: value(k, start: start, rank: rank)))
            previous = k
        }
        var end = shiftStart
        if previous >= 0, let last = starts.last {
            let back = baseTravel(previous, m)
            travelled += back
            end = last + visitMinutes + back
        }
        return UnitRoute(unit: members[m].unit, shift: shift, visits: visits, end: end, travelMinutes: travelled)
    }
}
