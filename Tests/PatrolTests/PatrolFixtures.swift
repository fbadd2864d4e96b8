import GeoCore
import Patrol
import TestSupport

/// Random instances for the planner tests: cells scattered in a square, risk with a few hot cells and hot hours.
enum PatrolFixtures {
    struct Shape {
        var cells = 40
        /// Side of the square the cells lie in, metres.
        var side = 1500.0
        var units = 3
        var shifts = 1
        /// Minutes per shift (net of nothing: the break comes off inside).
        var shiftMinutes = 240.0
        var bases = true
        var beats = false
        var rules = PatrolRules()
    }

    static func risk(cells: Int, random: inout SeededGenerator) -> RiskTable {
        var values = [Double](repeating: 0, count: cells * 168)
        for c in 0..<cells {
            let hot = random.unit() < 0.2
            let peak = Int(random.next() % 168)
            for h in 0..<168 {
                guard random.unit() < 0.8 else { continue }  // some hours without risk
                let near = min(abs(h - peak), 168 - abs(h - peak)) < 4
                values[c * 168 + h] = random.unit() * (hot ? 5 : 1) * (near ? 4 : 1)
            }
        }
        return try! RiskTable(cellCount: cells, values: values)
    }

    static func instance(_ shape: Shape, seed: UInt64) -> PatrolInstance {
        var random = SeededGenerator(seed: seed)
        let centroids = (0..<shape.cells).map { _ in Point(x: random.unit() * shape.side, y: random.unit() * shape.side) }
        let risk = risk(cells: shape.cells, random: &random)
        // Shifts back to back from a random minute of the week (hours not aligned; may run past Sunday midnight).
        let first = Double(random.next() % 10_080)
        let shifts = (0..<shape.shifts).map { k in
            Shift(name: "s\(k)", start: (first + Double(k) * shape.shiftMinutes).truncatingRemainder(dividingBy: 10_080),
                  end: (first + Double(k) * shape.shiftMinutes).truncatingRemainder(dividingBy: 10_080) + shape.shiftMinutes)
        }
        let modes: [TravelMode] = [.foot, .eBike, .car]
        // Beats: cells by x-order into equal strips.
        let order = centroids.indices.sorted { centroids[$0].x < centroids[$1].x }
        let units = (0..<shape.units).map { u -> PatrolUnit in
            let beat = shape.beats ? Array(order[(shape.cells * u / shape.units)..<(shape.cells * (u + 1) / shape.units)]) : nil
            let base = shape.bases ? Point(x: random.unit() * shape.side, y: random.unit() * shape.side) : nil
            return PatrolUnit(id: "U\(u)", shifts: Array(0..<shape.shifts), base: base, cells: beat,
                              mode: modes[Int(random.next() % 3)])
        }
        return try! PatrolInstance(centroids: centroids, risk: risk, shifts: shifts, units: units, rules: shape.rules)
    }

    /// A tiny instance for the exact solver: 4–8 cells within 600 m, 1–2 units on foot or e-bike, a shift of
    /// 75–105 minutes less a 30-minute break, varied visit length, gap and cap.
    static func tiny(seed: UInt64) -> PatrolInstance {
        var random = SeededGenerator(seed: seed)
        let cells = 4 + Int(random.next() % 5)
        let rules = PatrolRules(visitMinutes: 10 + Double(random.next() % 6), revisitGapMinutes: [20.0, 30, 45, 120][Int(random.next() % 4)],
                                visitsPerCellCap: 1 + Int(random.next() % 3))
        var shape = Shape(cells: cells, side: 600, units: 1 + Int(random.next() % 2),
                          shiftMinutes: 75 + Double(random.next() % 31), bases: random.unit() < 0.5, rules: rules)
        shape.beats = shape.units == 2 && random.unit() < 0.3
        var instance = instance(shape, seed: random.next())
        // Foot or e-bike only, so travel matters.
        let units = instance.units.map { unit in
            var unit = unit
            unit.mode = random.unit() < 0.6 ? .foot : .eBike
            return unit
        }
        instance = try! PatrolInstance(centroids: instance.centroids, risk: instance.risk, shifts: instance.shifts,
                                       units: units, rules: rules)
        return instance
    }
}

/// Checks a plan against the rules from scratch — its own travel times, timing and values, sharing no code with
/// the planner. Returns what is wrong (empty when the plan is valid). Plans from the planner and the exact solver
/// never visit a cell in an hour without risk; baselines may (`worthless` allows it).
func violations(_ plan: PatrolPlan, _ instance: PatrolInstance, worthless: Bool = false) -> [String] {
    var problems: [String] = []
    let rules = instance.rules
    let L = rules.visitMinutes
    let eps = 1e-6
    func travel(_ a: Point, _ b: Point, _ mode: TravelMode) -> Double {
        let metres = ((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y)).squareRoot() * rules.detourFactor
        let metresPerMinute: Double = switch mode {
        case .foot: 4500.0 / 60
        case .eBike: 15_000.0 / 60
        case .car: 25_000.0 / 60
        }
        return metres / metresPerMinute
    }
    guard plan.shifts.count == instance.shifts.count else { return ["\(plan.shifts.count) shift plans"] }
    for (s, shiftPlan) in plan.shifts.enumerated() {
        let shift = instance.shifts[s]
        let working = instance.units.indices.filter { instance.units[$0].shifts.contains(s) }
        if shiftPlan.routes.map(\.unit) != working { problems.append("shift \(s): routes for units \(shiftPlan.routes.map(\.unit))") }
        var byCell: [Int: [(start: Double, value: Double)]] = [:]
        for route in shiftPlan.routes {
            let unit = instance.units[route.unit]
            let name = "shift \(s) unit \(unit.id)"
            if route.shift != s { problems.append("\(name): labelled shift \(route.shift)") }
            var clock = shift.start
            var position = unit.base
            var busy = 0.0
            var travelled = 0.0
            for visit in route.visits {
                let here = instance.centroids[visit.cell]
                let move = position.map { travel($0, here, unit.mode) } ?? 0
                if visit.start < clock + move - eps { problems.append("\(name): visit to \(visit.cell) at \(visit.start) before arrival \(clock + move)") }
                if visit.start + L > shift.end + eps { problems.append("\(name): visit to \(visit.cell) past the shift") }
                if let beat = unit.cells, !beat.contains(visit.cell) { problems.append("\(name): cell \(visit.cell) outside its beat") }
                busy += move + L
                travelled += move
                clock = visit.start + L
                position = here
                byCell[visit.cell, default: []].append((visit.start, visit.value))
            }
            if let base = unit.base, let last = position, !route.visits.isEmpty {
                let back = travel(last, base, unit.mode)
                busy += back
                travelled += back
                clock += back
            }
            if clock > shift.end + eps { problems.append("\(name): back at \(clock), after the shift ends at \(shift.end)") }
            if abs(clock - route.end) > eps && !route.visits.isEmpty { problems.append("\(name): end \(route.end), recomputed \(clock)") }
            if busy > shift.minutes - rules.breakMinutes + eps { problems.append("\(name): busy \(busy) minutes leaves no break") }
            if abs(travelled - route.travelMinutes) > eps { problems.append("\(name): travel \(route.travelMinutes), recomputed \(travelled)") }
        }
        for (cell, visits) in byCell {
            let sorted = visits.sorted { $0.start < $1.start }
            if sorted.count > rules.visitsPerCellCap { problems.append("shift \(s) cell \(cell): \(sorted.count) visits") }
            for (a, b) in zip(sorted, sorted.dropFirst()) where b.start - a.start < rules.revisitGapMinutes - eps {
                problems.append("shift \(s) cell \(cell): revisits \(b.start - a.start) minutes apart")
            }
            // Value: risk of the midpoint's hour × dose × repeat factor per earlier visit.
            var factor = 1.0
            for visit in sorted {
                var hour = Int(((visit.start + L / 2) / 60).rounded(.down)) % 168
                if hour < 0 { hour += 168 }
                let expected = instance.risk.values[cell * 168 + hour] * min(1, L / rules.fullDoseMinutes) * factor
                if abs(expected - visit.value) > 1e-9 * max(1, expected) {
                    problems.append("shift \(s) cell \(cell): value \(visit.value), recomputed \(expected)")
                }
                if !worthless && !(expected > 0) { problems.append("shift \(s) cell \(cell): a visit worth nothing") }
                factor *= rules.repeatFactor
            }
        }
    }
    return problems
}
