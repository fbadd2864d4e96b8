import Testing
@testable import Aggregate

@Suite("Periods on the local clock")
struct PeriodTests {
    /// Local midnight of a date, in local seconds.
    func midnight(_ year: Int, _ month: Int, _ day: Int) -> Int64 {
        Int64(CivilDate.days(year: year, month: month, day: day)) * 86_400
    }

    // Expected ISO weeks from Python's `datetime.date(y, m, d).isocalendar()`.
    @Test(arguments: [
        (2026, 1, 1, "2026-W01"), (2025, 12, 29, "2026-W01"), (2027, 1, 1, "2026-W53"), (2027, 1, 4, "2027-W01"),
        (2021, 1, 3, "2020-W53"), (2024, 12, 30, "2025-W01"), (2020, 12, 31, "2020-W53"), (2026, 12, 28, "2026-W53"),
        (1970, 1, 1, "1970-W01"), (1969, 12, 28, "1969-W52"),
    ])
    func isoWeeks(year: Int, month: Int, day: Int, label: String) {
        let week = Period(unit: .week, index: PeriodUnit.week.index(localSeconds: midnight(year, month, day)))
        #expect(week.label == label)
        #expect(Period(label: label) == week)
        // The week's span starts on a Monday at midnight and holds the date.
        let span = week.localSpan!
        #expect(span.contains(midnight(year, month, day)) && span.count == 7 * 86_400)
        #expect(PeriodUnit.weekday.index(localSeconds: span.lowerBound) == 1)
    }

    @Test func lastSecondOfSundayAndFirstOfMonday() {
        let sunday = midnight(2026, 1, 4) + 86_399
        #expect(Period(unit: .week, index: PeriodUnit.week.index(localSeconds: sunday)).label == "2026-W01")
        #expect(Period(unit: .week, index: PeriodUnit.week.index(localSeconds: sunday + 1)).label == "2026-W02")
    }

    @Test func weeksInAYear() {
        #expect(Period.isoWeeks(in: 2026) == 53)
        #expect(Period.isoWeeks(in: 2025) == 52)
        #expect(Period.isoWeeks(in: 2020) == 53)
        #expect(Period(label: "2025-W53") == nil)
        #expect(Period(label: "2026-W53") != nil)
    }

    @Test func daysMonthsHoursWeekdays() {
        let t = midnight(2024, 2, 29) + 13 * 3600 + 5 * 60
        #expect(Period(unit: .day, index: PeriodUnit.day.index(localSeconds: t)).label == "2024-02-29")
        #expect(Period(unit: .month, index: PeriodUnit.month.index(localSeconds: t)).label == "2024-02")
        #expect(Period(unit: .hour, index: PeriodUnit.hour.index(localSeconds: t)).label == "13")
        #expect(Period(unit: .weekday, index: PeriodUnit.weekday.index(localSeconds: t)).label == "Thu")
        // Before 1970 the arithmetic floors, not truncates.
        let before = midnight(1969, 12, 31) + 23 * 3600
        #expect(Period(unit: .day, index: PeriodUnit.day.index(localSeconds: before)).label == "1969-12-31")
        #expect(PeriodUnit.hour.index(localSeconds: before) == 23)
        #expect(PeriodUnit.weekday.index(localSeconds: before) == 3)
        #expect(Period(label: "2026-02-29") == nil)
        #expect(Period(label: "2026-13") == nil)
        #expect(Period(label: "2026-03")!.localSpan!.count == 31 * 86_400)
    }

    @Test func comparisonBases() {
        let w53 = Period(label: "2026-W53")!
        #expect(w53.yearEarlier.label == "2025-W52")  // 2025 has no week 53
        #expect(Period(label: "2026-W14")!.yearEarlier.label == "2025-W14")
        #expect(Period(label: "2026-W01")!.previous.label == "2025-W52")
        #expect(Period(label: "2024-02-29")!.yearEarlier.label == "2023-02-28")
        #expect(Period(label: "2026-01")!.previous.label == "2025-12")
        #expect(Period(label: "2026-03")!.yearEarlier.label == "2025-03")
        #expect(PeriodComparison("year") == .yearEarlier)
        #expect(PeriodComparison("2026-W10") == .fixed(Period(label: "2026-W10")!))
        #expect(PeriodComparison("sometime") == nil)
    }

    @Test func changeInPercent() {
        #expect(Change.percent(96, base: 100) == -4)
        #expect(Change.percent(0, base: 0) == 0)
        #expect(Change.percent(5, base: 0) == nil)
        #expect(Change.percent(0, base: 8) == -100)
    }
}
