import GeoCore
import Patrol
import Testing

private let centroids = (0..<4).map { Point(x: Double($0 % 2) * 200, y: Double($0 / 2) * 200) }
private let risk = try! RiskTable(cellCount: 4, values: [Double](repeating: 1, count: 4 * 168))
private let day = Shift.daily(name: "day", day: 0, from: 8 * 60, to: 16 * 60)

private func instance(shifts: [Shift] = [day], units: [PatrolUnit] = [PatrolUnit(id: "A", shifts: [0])],
                      rules: PatrolRules = PatrolRules(), centroids: [Point] = centroids) throws -> PatrolInstance {
    try PatrolInstance(centroids: centroids, risk: risk, shifts: shifts, units: units, rules: rules)
}

struct ShiftTests {
    @Test func overnightShiftsEndTheNextDay() {
        let night = Shift.daily(name: "night", day: 0, from: 22 * 60, to: 6 * 60)
        #expect(night.start == 1320 && night.end == 1800 && night.minutes == 480)
        // Sunday night runs past the end of the week.
        let sunday = Shift.daily(name: "night", day: 6, from: 22 * 60, to: 6 * 60)
        #expect(sunday.end == 10_080 + 360)
    }

    @Test func expectedHarmWeighsPartHours() throws {
        // 08:30–10:00 over 4 cells at risk 1: 1.5 hours × 4.
        let shift = Shift(name: "x", start: 510, end: 600)
        let plan = try instance(shifts: [shift])
        #expect(plan.expectedHarm(inShift: 0) == 6)
    }
}

struct ValidationTests {
    @Test func eachInfeasibleInputHasItsError() {
        #expect(throws: PatrolError.noUnits) { try instance(units: []) }
        #expect(throws: PatrolError.noShifts) { try instance(shifts: []) }
        #expect(throws: PatrolError.noCells) {
            try PatrolInstance(centroids: [], risk: try RiskTable(cellCount: 0, values: []), shifts: [day],
                               units: [PatrolUnit(id: "A", shifts: [0])])
        }
        #expect(throws: PatrolError.shiftTooShort(name: "short", minutes: 40, needed: 42)) {
            try instance(shifts: [Shift(name: "short", start: 0, end: 40)])
        }
        #expect(throws: PatrolError.emptyBeat(unit: "A")) { try instance(units: [PatrolUnit(id: "A", shifts: [0], cells: [])]) }
        #expect(throws: PatrolError.cellOutOfRange(unit: "A", cell: 4)) {
            try instance(units: [PatrolUnit(id: "A", shifts: [0], cells: [1, 4])])
        }
        #expect(throws: PatrolError.duplicateUnit(id: "A")) {
            try instance(units: [PatrolUnit(id: "A", shifts: [0]), PatrolUnit(id: "A", shifts: [0])])
        }
        #expect(throws: PatrolError.unitWithoutShift(id: "A")) { try instance(units: [PatrolUnit(id: "A", shifts: [])]) }
        #expect(throws: PatrolError.unknownShift(unit: "A", index: 1)) { try instance(units: [PatrolUnit(id: "A", shifts: [1])]) }
        #expect(throws: PatrolError.overlappingShifts(unit: "A")) {
            try instance(shifts: [day, Shift(name: "late", start: 900, end: 1380)], units: [PatrolUnit(id: "A", shifts: [0, 1])])
        }
        #expect(throws: PatrolError.invalidBase(unit: "A")) {
            try instance(units: [PatrolUnit(id: "A", shifts: [0], base: Point(x: .nan, y: 0))])
        }
        #expect(throws: PatrolError.invalidCentroid(cell: 2)) {
            try instance(centroids: [centroids[0], centroids[1], Point(x: .infinity, y: 0), centroids[3]])
        }
        #expect(throws: PatrolError.self) { try instance(shifts: [Shift(name: "long", start: 0, end: 1500)]) }
        #expect(throws: PatrolError.self) { try instance(shifts: [Shift(name: "backwards", start: 600, end: 500)]) }
        for rules in [PatrolRules(visitMinutes: 9), PatrolRules(visitMinutes: 16), PatrolRules(revisitGapMinutes: 5),
                      PatrolRules(visitsPerCellCap: 0), PatrolRules(breakMinutes: -1), PatrolRules(detourFactor: 0.9)] {
            #expect(throws: PatrolError.self) { try instance(rules: rules) }
        }
    }

    @Test func errorsReadAsSentences() {
        #expect(PatrolError.shiftTooShort(name: "early", minutes: 40, needed: 42).description
            == "shift early lasts 40.0 minutes, shorter than one visit plus the break (42.0 minutes)")
        #expect(PatrolError.emptyBeat(unit: "P-7").description == "unit P-7 has an empty beat")
    }

    @Test func aValidInstanceListsItsUnitsPerShift() throws {
        let plan = try instance(shifts: [day, Shift.daily(name: "night", day: 0, from: 22 * 60, to: 6 * 60)],
                                units: [PatrolUnit(id: "A", shifts: [0, 1]), PatrolUnit(id: "B", shifts: [1], cells: [0, 3])])
        #expect(plan.units(inShift: 0) == [0] && plan.units(inShift: 1) == [0, 1])
    }
}
