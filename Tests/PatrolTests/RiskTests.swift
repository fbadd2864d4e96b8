import GeoCore
import Patrol
import Stats
import Testing

private func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-12) -> Bool { abs(a - b) <= tolerance }

/// Parameters that switch every smoothing off, so one step can be checked alone.
private let plain = RiskParameters(neighbourShare: 0, hourKernel: [1])

struct RiskDecayTests {
    @Test func weightHalvesEveryHalfLife() throws {
        let incidents = [
            PastIncident(cell: 0, hourOfWeek: 5, harm: 1, ageWeeks: 0),
            PastIncident(cell: 1, hourOfWeek: 5, harm: 1, ageWeeks: 4),
            PastIncident(cell: 2, hourOfWeek: 5, harm: 3, ageWeeks: 8),
        ]
        let risk = try RiskTable.estimate(cellCount: 3, incidents: incidents, parameters: plain)
        #expect(risk[0, 5] == 1 && risk[1, 5] == 0.5 && risk[2, 5] == 0.75)  // 3 · 2^(−8/4)
        #expect(risk.values.reduce(0, +) == 2.25)
    }

    @Test func harmWeightsAdd() throws {
        let incidents = [PastIncident(cell: 0, hourOfWeek: 0, harm: 2, ageWeeks: 0),
                         PastIncident(cell: 0, hourOfWeek: 0, harm: 5, ageWeeks: 0)]
        let risk = try RiskTable.estimate(cellCount: 1, incidents: incidents, parameters: plain)
        #expect(risk[0, 0] == 7)
    }
}

struct RiskSmoothingTests {
    @Test func hourKernelIsCircularOverTheWeek() throws {
        // Monday 00:00 spreads back to Sunday 23:00.
        let risk = try RiskTable.estimate(cellCount: 1, incidents: [PastIncident(cell: 0, hourOfWeek: 0, ageWeeks: 0)],
                                          parameters: RiskParameters(neighbourShare: 0))
        #expect(risk[0, 167] == 0.25 && risk[0, 0] == 0.5 && risk[0, 1] == 0.25)
        #expect(risk.values.reduce(0, +) == 1)
    }

    @Test func neighboursShareTheirMean() throws {
        // A line 0 – 1 – 2 and an island 3; the incident is in 1. Cell 1 keeps 0.75; 0 and 2 each have the single
        // neighbour 1 (mean 1) and get 0.25; the island keeps its own (0).
        let weights = SpatialWeights(neighbours: [[1], [0, 2], [1], []])
        let risk = try RiskTable.estimate(cellCount: 4, incidents: [PastIncident(cell: 1, hourOfWeek: 10, ageWeeks: 0)],
                                          neighbours: weights, parameters: RiskParameters(hourKernel: [1]))
        #expect(risk[0, 10] == 0.25 && risk[1, 10] == 0.75 && risk[2, 10] == 0.25 && risk[3, 10] == 0)
        #expect(risk[1, 11] == 0)
    }

    @Test func spaceThenHours() throws {
        // Both steps: cell 0's neighbour share at hour 1 is 0.25 · 0.5 (kernel centre) = 0.125.
        let weights = SpatialWeights(neighbours: [[1], [0]])
        let risk = try RiskTable.estimate(cellCount: 2, incidents: [PastIncident(cell: 1, hourOfWeek: 1, ageWeeks: 0)],
                                          neighbours: weights)
        #expect(risk[0, 1] == 0.125 && risk[0, 0] == 0.0625 && risk[1, 1] == 0.375 && risk[1, 2] == 0.1875)
    }
}

struct RiskLiftTests {
    @Test func hotSpotsAreMultiplied() throws {
        let incidents = [PastIncident(cell: 0, hourOfWeek: 3, ageWeeks: 0), PastIncident(cell: 1, hourOfWeek: 3, ageWeeks: 0)]
        let risk = try RiskTable.estimate(cellCount: 2, incidents: incidents, parameters: plain, hotSpots: [false, true])
        #expect(risk[0, 3] == 1 && risk[1, 3] == 1.5)
    }

    @Test func nearRepeatWindowRaisesNearbyCellsForItsDays() throws {
        // Cells 100 m apart on a line; a burglary 3 days ago at cell 0 lifts cells within 200 m (0, 1, 2), one
        // 20 days ago lifts nothing.
        let centroids = (0..<5).map { Point(x: Double($0) * 100, y: 0) }
        let incidents = (0..<5).map { PastIncident(cell: $0, hourOfWeek: 7, ageWeeks: 1) }
        let window = NearRepeatWindow(sources: [.init(location: Point(x: 0, y: 0), ageDays: 3),
                                                .init(location: Point(x: 400, y: 0), ageDays: 20)],
                                      centroids: centroids, radius: 200, days: 14, factor: 2)
        let risk = try RiskTable.estimate(cellCount: 5, incidents: incidents, parameters: plain, nearRepeat: window)
        let base = 0.5.squareRoot().squareRoot()  // 2^(−1/4)
        #expect((0..<5).map { risk[$0, 7] / base }.map { ($0 * 1e9).rounded() / 1e9 } == [2, 2, 2, 1, 1])
    }
}

struct RiskInputTests {
    @Test func badIncidentsAreNamed() {
        for bad in [PastIncident(cell: 2, hourOfWeek: 0, ageWeeks: 0), PastIncident(cell: 0, hourOfWeek: 168, ageWeeks: 0),
                    PastIncident(cell: 0, hourOfWeek: 0, harm: -1, ageWeeks: 0), PastIncident(cell: 0, hourOfWeek: 0, ageWeeks: -0.5)] {
            #expect(throws: PatrolError.invalidIncident(index: 1)) {
                try RiskTable.estimate(cellCount: 2, incidents: [PastIncident(cell: 0, hourOfWeek: 0, ageWeeks: 0), bad])
            }
        }
    }

    @Test func badParametersThrow() {
        for parameters in [RiskParameters(halfLifeWeeks: 0), RiskParameters(neighbourShare: 1.5),
                           RiskParameters(hourKernel: [0.5, 0.5]), RiskParameters(hourKernel: [0.2, 0.2, 0.2])] {
            #expect(throws: PatrolError.self) { try RiskTable.estimate(cellCount: 1, incidents: [], parameters: parameters) }
        }
        #expect(throws: PatrolError.self) { try RiskTable(cellCount: 2, values: [1, 2]) }
        #expect(throws: PatrolError.self) {
            try RiskTable(cellCount: 1, values: [Double](repeating: 0, count: 167) + [-1])
        }
    }
}

struct DosageTests {
    private func table(_ values: [Double]) throws -> RiskTable {
        var all = [Double](repeating: 0, count: 168)
        for (h, v) in values.enumerated() { all[h] = v }
        return try RiskTable(cellCount: 1, values: all)
    }

    @Test func visitIsWorthItsMidpointHourTimesDoseAndRepeatFactor() throws {
        let risk = try table([4, 8])
        let rules = PatrolRules()
        // 00:50 + 6 minutes is 00:56: hour 0; 00:55 + 6 is 01:01: hour 1.
        #expect(rules.visitValue(risk: risk, cell: 0, start: 50, earlierVisits: 0) == 4)
        #expect(rules.visitValue(risk: risk, cell: 0, start: 55, earlierVisits: 0) == 8)
        #expect(rules.visitValue(risk: risk, cell: 0, start: 55, earlierVisits: 2) == 2)
        // Ten minutes are 10/12 of a dose; fifteen no more than twelve.
        #expect(close(PatrolRules(visitMinutes: 10).visitValue(risk: risk, cell: 0, start: 0, earlierVisits: 0), 40.0 / 12))
        #expect(PatrolRules(visitMinutes: 15).visitValue(risk: risk, cell: 0, start: 0, earlierVisits: 0) == 4)
    }

    @Test func hoursWrapPastTheEndOfTheWeek() {
        #expect(PatrolRules.hourOfWeek(0) == 0 && PatrolRules.hourOfWeek(10_079) == 167)
        #expect(PatrolRules.hourOfWeek(10_080 + 61) == 1)  // Sunday's night shift into Monday
    }

    @Test func travelIsDetouredDistanceOverSpeed() {
        let rules = PatrolRules()
        // 750 m straight, 975 m by road: 13 minutes on foot (75 m/min), 3.9 by e-bike (250 m/min).
        let a = Point(x: 0, y: 0), b = Point(x: 450, y: 600)
        #expect(close(rules.travelMinutes(from: a, to: b, mode: .foot), 13))
        #expect(close(rules.travelMinutes(from: a, to: b, mode: .eBike), 3.9))
        #expect(close(rules.travelMinutes(from: a, to: b, mode: .car), 975 / (25_000.0 / 60)))
    }
}
