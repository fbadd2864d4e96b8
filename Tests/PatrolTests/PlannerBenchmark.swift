import Foundation
import GeoCore
import Patrol
import Stats
import TestSupport
import Testing

/// The performance target: 20,000 cells, 40 units, 21 shifts (three a day for a week). Off unless PATROL_BENCH is
/// set; run in release: `PATROL_BENCH=1 swift test -c release --filter PlannerBenchmark`. Prints seconds per stage
/// (wall clock, measured here and never asserted) and checks the plan with the independent validator.
/// PATROL_BENCH_PATIENCE and PATROL_BENCH_EFFORT override the options of the same names.
struct PlannerBenchmark {
    static let enabled = ProcessInfo.processInfo.environment["PATROL_BENCH"] != nil

    /// A 142 × 141 grid of 150 m cells (20,022 cells, 21 km across), queen contiguity, 100,000 incidents over 12
    /// weeks clustered round 60 hot places with daily and weekly cycles.
    static func city() throws -> (centroids: [Point], risk: RiskTable, seconds: Double) {
        let columns = 142, rows = 141, size = 150.0
        let n = columns * rows
        let centroids = (0..<n).map { Point(x: (Double($0 % columns) + 0.5) * size, y: (Double($0 / columns) + 0.5) * size) }
        var lists = [[Int]](repeating: [], count: n)
        for i in 0..<n {
            let x = i % columns, y = i / columns
            for dy in -1...1 {
                for dx in -1...1 where dx != 0 || dy != 0 {
                    let nx = x + dx, ny = y + dy
                    if nx >= 0 && nx < columns && ny >= 0 && ny < rows { lists[i].append(ny * columns + nx) }
                }
            }
        }
        let weights = SpatialWeights(neighbours: lists)
        var random = SeededGenerator(seed: 2026)
        let hot = (0..<60).map { _ in (Double(random.next() % UInt64(columns)), Double(random.next() % UInt64(rows))) }
        var incidents: [PastIncident] = []
        incidents.reserveCapacity(100_000)
        while incidents.count < 100_000 {
            let (hx, hy): (Double, Double)
            if random.unit() < 0.7 {
                let h = hot[Int(random.next() % 60)]
                // Roughly normal spread of a few cells round the hot place.
                let r = 3 * (random.unit() + random.unit() + random.unit() - 1.5)
                let a = random.unit() * 2 * Double.pi
                (hx, hy) = (h.0 + r * cos(a), h.1 + r * sin(a))
            } else {
                (hx, hy) = (random.unit() * Double(columns), random.unit() * Double(rows))
            }
            let x = Int(hx), y = Int(hy)
            guard x >= 0 && x < columns && y >= 0 && y < rows else { continue }
            // Evenings and weekends busier.
            let day = Int(random.next() % 7)
            let hour = random.unit() < 0.5 ? 16 + Int(random.next() % 8) : Int(random.next() % 24)
            incidents.append(PastIncident(cell: y * columns + x, hourOfWeek: day * 24 + hour,
                                          harm: random.unit() < 0.1 ? 5 : 1, ageWeeks: random.unit() * 12))
        }
        let clock = ContinuousClock()
        var risk: RiskTable?
        let time = try clock.measure {
            risk = try RiskTable.estimate(cellCount: n, incidents: incidents, neighbours: weights)
        }
        return (centroids, risk!, seconds(time))
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    static func instance(_ centroids: [Point], _ risk: RiskTable, everyShift: Bool) throws -> PatrolInstance {
        var shifts: [Shift] = []
        for day in 0..<7 {
            shifts.append(.daily(name: "early", day: day, from: 6 * 60, to: 14 * 60))
            shifts.append(.daily(name: "late", day: day, from: 14 * 60, to: 22 * 60))
            shifts.append(.daily(name: "night", day: day, from: 22 * 60, to: 6 * 60))
        }
        let modes: [TravelMode] = [.car, .car, .eBike, .foot]
        var random = SeededGenerator(seed: 7)
        let units = (0..<40).map { u in
            // everyShift: all 40 units in every shift; otherwise a third of them per shift type, all week.
            let worked = everyShift ? Array(0..<21) : (0..<7).map { $0 * 3 + u % 3 }
            let base = u % 5 == 4 ? nil : Point(x: random.unit() * 21_000, y: random.unit() * 21_000)
            return PatrolUnit(id: "U\(u)", shifts: worked, base: base, mode: modes[u % 4])
        }
        return try PatrolInstance(centroids: centroids, risk: risk, shifts: shifts, units: units)
    }

    @Test(.enabled(if: enabled)) func twentyThousandCellsFortyUnitsTwentyOneShifts() throws {
        let (centroids, risk, riskSeconds) = try Self.city()
        print("risk table for \(centroids.count) cells: \(riskSeconds) s")
        for everyShift in [false, true] {
            let instance = try Self.instance(centroids, risk, everyShift: everyShift)
            let clock = ContinuousClock()
            var plan: PatrolPlan?
            var options = PlannerOptions()
            if let patience = ProcessInfo.processInfo.environment["PATROL_BENCH_PATIENCE"].flatMap(Int.init) {
                options.patience = patience
            }
            if let effort = ProcessInfo.processInfo.environment["PATROL_BENCH_EFFORT"].flatMap(Int.init) {
                options.effortLimit = effort
            }
            let planTime = clock.measure { plan = PatrolPlanner.plan(instance, options: options) }
            var top: PatrolPlan?
            let counts = (0..<centroids.count).map { c in (0..<168).reduce(0.0) { $0 + risk[c, $1] } }
            let topTime = clock.measure { top = PatrolPlanner.baseline(.topCount(counts: counts), instance) }
            let routes = plan!.shifts.reduce(0) { $0 + $1.routes.count }
            let visits = plan!.shifts.reduce(0) { $0 + $1.routes.reduce(0) { $0 + $1.visits.count } }
            print("""
                \(everyShift ? "40 units every shift" : "40 units, a third per shift"): \(routes) routes, \(visits) visits; \
                plan \(Self.seconds(planTime)) s covers \(plan!.coveredShare * 100) %; \
                top-N baseline \(Self.seconds(topTime)) s covers \(top!.coveredShare * 100) %
                """)
            #expect(violations(plan!, instance) == [])
            #expect(plan!.value > top!.value)
        }
    }
}
