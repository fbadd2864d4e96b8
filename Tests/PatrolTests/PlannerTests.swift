import GeoCore
import Patrol
import TestSupport
import Testing

struct PlanValidityTests {
    /// Random instances of every kind: bases or none, beats or none, team or split search, several shifts.
    static let shapes: [(String, PatrolFixtures.Shape)] = [
        ("team, bases", .init(cells: 40, units: 3, shifts: 2)),
        ("team, no bases", .init(cells: 30, units: 2, shifts: 1, bases: false)),
        ("beats", .init(cells: 60, units: 4, shifts: 2, beats: true)),
        ("split, bases", .init(cells: 250, side: 4000, units: 6, shifts: 1, shiftMinutes: 360)),
        ("split, no bases, beats", .init(cells: 200, side: 3000, units: 5, shifts: 1, shiftMinutes: 360, bases: false, beats: true)),
        ("short gap, cap 3", .init(cells: 25, units: 2, shifts: 3, shiftMinutes: 300,
                                   rules: PatrolRules(visitMinutes: 15, revisitGapMinutes: 40))),
    ]

    @Test(arguments: shapes.indices)
    func plansAndBaselinesKeepEveryRule(shape: Int) {
        for seed in UInt64(1)...4 {
            let instance = PatrolFixtures.instance(Self.shapes[shape].1, seed: seed * 977 + UInt64(shape))
            let plan = PatrolPlanner.plan(instance, options: PlannerOptions(seed: seed, patience: 10, effortLimit: 50_000))
            #expect(violations(plan, instance) == [], "\(Self.shapes[shape].0) seed \(seed)")
            #expect(plan.value > 0)
            for baseline in [Baseline.topCount(counts: instance.centroids.indices.map { Double($0 % 7) }),
                             .riskProportional, .random(seed: seed)] {
                let other = PatrolPlanner.baseline(baseline, instance)
                #expect(violations(other, instance, worthless: true) == [], "\(baseline) on \(Self.shapes[shape].0) seed \(seed)")
            }
        }
    }

    @Test func overnightAndSundayShiftsAreHandled() throws {
        var random = SeededGenerator(seed: 5)
        let centroids = (0..<20).map { _ in Point(x: random.unit() * 2000, y: random.unit() * 2000) }
        let risk = PatrolFixtures.risk(cells: 20, random: &random)
        let shifts = [Shift.daily(name: "night", day: 0, from: 22 * 60, to: 6 * 60),
                      Shift.daily(name: "sunday night", day: 6, from: 22 * 60, to: 6 * 60)]
        let instance = try PatrolInstance(centroids: centroids, risk: risk, shifts: shifts,
                                          units: [PatrolUnit(id: "A", shifts: [0, 1], base: Point(x: 1000, y: 1000))])
        let plan = PatrolPlanner.plan(instance)
        #expect(violations(plan, instance) == [])
        // Visits after Sunday midnight are valued with Monday's early hours.
        let late = plan.shifts[1].routes[0].visits.filter { $0.start >= 10_080 }
        #expect(!late.isEmpty)
        #expect(plan.shifts.allSatisfy { $0.value > 0 })
    }

    @Test func emptyBeatCellsGiveEmptyRoutes() throws {
        // A unit whose beat has no risk in the shift gets an empty route, not an error.
        let centroids = [Point(x: 0, y: 0), Point(x: 100, y: 0)]
        var values = [Double](repeating: 0, count: 2 * 168)
        for h in 0..<168 { values[h] = 1 }
        let instance = try PatrolInstance(centroids: centroids, risk: try RiskTable(cellCount: 2, values: values),
                                          shifts: [Shift(name: "x", start: 0, end: 240)],
                                          units: [PatrolUnit(id: "A", shifts: [0], cells: [0]), PatrolUnit(id: "B", shifts: [0], cells: [1])])
        let plan = PatrolPlanner.plan(instance)
        #expect(violations(plan, instance) == [])
        #expect(plan.shifts[0].routes[1].visits.isEmpty && plan.shifts[0].routes[1].end == 0)
        // Cell 0 alone: a visit every 2 hours fits twice in 210 minutes, worth 1 + 0.5.
        #expect(plan.shifts[0].routes[0].visits.count == 2 && plan.value == 1.5)
    }
}

struct DeterminismTests {
    @Test func sameSeedSamePlan() {
        // Split into one search per unit (more cells than the team limit) and searched in parallel.
        let instance = PatrolFixtures.instance(.init(cells: 200, side: 3000, units: 6, shifts: 2, shiftMinutes: 360), seed: 11)
        let a = PatrolPlanner.plan(instance, options: PlannerOptions(seed: 3, patience: 10, effortLimit: 50_000))
        let b = PatrolPlanner.plan(instance, options: PlannerOptions(seed: 3, patience: 10, effortLimit: 50_000))
        #expect(a == b)
        let c = PatrolPlanner.plan(instance, options: PlannerOptions(seed: 4, patience: 10, effortLimit: 50_000))
        let starts = { (plan: PatrolPlan) in plan.shifts.flatMap { $0.routes.flatMap { $0.visits.map(\.start) } } }
        #expect(starts(a) != starts(c), "another seed, other jitter")
    }

    @Test func jitterStaysWithinTheSlack() {
        let instance = PatrolFixtures.instance(.init(cells: 50, units: 3, shifts: 2), seed: 21)
        let fixed = PatrolPlanner.plan(instance, options: PlannerOptions(seed: 1, jitter: false))
        let jittered = PatrolPlanner.plan(instance, options: PlannerOptions(seed: 1, jitter: true))
        #expect(violations(jittered, instance) == [])
        for (a, b) in zip(fixed.shifts.flatMap(\.routes), jittered.shifts.flatMap(\.routes)) {
            #expect(a.visits.map(\.cell) == b.visits.map(\.cell))
            #expect(zip(a.visits, b.visits).allSatisfy { $1.start >= $0.start })
            #expect(b.end <= instance.shifts[b.shift].end - instance.rules.breakMinutes + 1e-9)
        }
    }
}

struct OptimalityTests {
    /// The search against the exact optimum on 200 seeded tiny instances (1–2 units, 4–8 cells, 45–75 working
    /// minutes, varied visit length, gap and cap; default options, no jitter). Worst ratio seen: 0.952 (seed 35);
    /// 10 of the 200 below the optimum, the rest at it. The line printed by the test reports the current run.
    @Test func searchIsWithinFivePercentOfTheOptimum() {
        var worst = 1.0
        var worstSeed: UInt64 = 0
        var belowOptimum = 0
        for seed in UInt64(1)...200 {
            let instance = PatrolFixtures.tiny(seed: seed)
            let exact = ExactPlanner.optimum(instance, shift: 0)
            let plan = PatrolPlanner.plan(instance, options: PlannerOptions(seed: seed, jitter: false))
            #expect(violations(PatrolPlan(shifts: [exact]), instance) == [], "exact, seed \(seed)")
            let found = plan.shifts[0].value
            #expect(found <= exact.value * (1 + 1e-12) + 1e-12, "seed \(seed): search above the optimum")
            guard exact.value > 0 else { continue }
            let ratio = found / exact.value
            if ratio < 1 - 1e-12 { belowOptimum += 1 }
            if ratio < worst { worst = ratio; worstSeed = seed }
        }
        print("ILS / optimum on 200 tiny instances: worst \(worst) (seed \(worstSeed)), \(belowOptimum) below the optimum")
        #expect(worst >= 0.95, "worst ratio \(worst) at seed \(worstSeed)")
    }
}

struct BaselineTests {
    @Test func searchCoversMoreThanTheBaselines() {
        for seed in UInt64(1)...3 {
            let instance = PatrolFixtures.instance(.init(cells: 150, side: 3000, units: 5, shifts: 1, shiftMinutes: 360), seed: seed)
            let plan = PatrolPlanner.plan(instance, options: PlannerOptions(seed: seed, patience: 10, effortLimit: 50_000))
            let counts = instance.centroids.indices.map { c in (0..<168).reduce(0) { $0 + instance.risk[c, $1] } }
            let top = PatrolPlanner.baseline(.topCount(counts: counts), instance)
            let proportional = PatrolPlanner.baseline(.riskProportional, instance)
            let random = PatrolPlanner.baseline(.random(seed: seed), instance)
            #expect(plan.value > top.value && plan.value > proportional.value && plan.value > random.value)
            #expect(plan.coveredShare > 0 && plan.coveredShare < 1)
            #expect(abs(plan.coveredShare - plan.value / plan.expectedHarm) < 1e-12)
        }
    }

    @Test func topCountVisitsTheHighestCountCellsNearestFirst() throws {
        // Cells on a line 100 m apart; counts favour 0, 5 and 9. One foot unit based at cell 9, a shift holding
        // few visits: it starts at 9, then goes to 5, the nearest cell of the pool.
        let centroids = (0..<10).map { Point(x: Double($0) * 100, y: 0) }
        let risk = try RiskTable(cellCount: 10, values: [Double](repeating: 1, count: 10 * 168))
        let instance = try PatrolInstance(centroids: centroids, risk: risk, shifts: [Shift(name: "x", start: 0, end: 100)],
                                          units: [PatrolUnit(id: "A", shifts: [0], base: Point(x: 900, y: 0), mode: .foot)])
        var counts = [Double](repeating: 1, count: 10)
        counts[0] = 9; counts[5] = 8; counts[9] = 7
        // Slots ⌊70 / 12⌋ = 5: the pool is 0, 5, 9 and the two lowest-index cells with count 1 (1 and 2).
        let plan = PatrolPlanner.baseline(.topCount(counts: counts), instance)
        #expect(violations(plan, instance, worthless: true) == [])
        #expect(plan.shifts[0].routes[0].visits.map(\.cell).prefix(2) == [9, 5])
    }
}
