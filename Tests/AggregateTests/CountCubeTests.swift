import Testing
import Incidents
import TestSupport
@testable import Aggregate

@Suite("Count cubes: create, append, combine, finalize")
struct CountCubeTests {
    /// Seeded incidents over ten weeks of 2026 (Asia/Shanghai), some outside every cell, some without a time.
    struct Sample {
        var cell: [Int32] = []
        var category: [UInt16] = []
        var time: [Int64] = []

        init(count: Int, units: Int, categories: Int, seed: UInt64) {
            var random = SeededGenerator(seed: seed)
            let start: Int64 = 1_767_542_400  // 2026-01-05T00:00+08:00, a Monday
            for _ in 0..<count {
                cell.append(Int32(Int(random.next() % UInt64(units + 2))) - 2)  // -2, -1: outside
                category.append(UInt16(random.next() % UInt64(categories)))
                time.append(random.next() % 50 == 0 ? IncidentTable.missingTime : start + Int64(random.next() % (70 * 86_400)))
            }
        }
    }

    let zone = IncidentTimeZone.shanghai
    let weeks = (0..<10).map { Period(unit: .week, index: Period(label: "2026-W02")!.index + $0) }

    @Test func partsMergeToTheSameCube() {
        let sample = Sample(count: 20_000, units: 37, categories: 5, seed: 7)
        let cubes = [1, 2, 7].map { parts in
            CountCube.counting(units: 37, categories: 5, periods: weeks, cell: sample.cell, category: sample.category,
                               time: sample.time, clock: zone, parts: parts)
        }
        #expect(cubes[0] == cubes[1])
        #expect(cubes[0] == cubes[2])
        // Nothing lost: counted + outside + timeless + out of periods = appended.
        let c = cubes[0]
        #expect(c.counted + c.outside + c.timeless + c.outOfPeriods == sample.cell.count)
        #expect(c.outOfPeriods == 0 && c.timeless > 0 && c.outside > 0)
    }

    /// More than 65,536 units are filed in 32 bits instead of 16: the same counts as appending row by row.
    @Test func manyUnitsCountAsAppended() {
        let sample = Sample(count: 30_000, units: 70_001, categories: 3, seed: 13)
        let counted = CountCube.counting(units: 70_001, categories: 3, periods: weeks, cell: sample.cell,
                                         category: sample.category, time: sample.time, clock: zone, parts: 2)
        var appended = CountCube(units: 70_001, categories: 3, periods: weeks)
        sample.cell.withUnsafeBufferPointer { cell in
            sample.category.withUnsafeBufferPointer { category in
                sample.time.withUnsafeBufferPointer { time in
                    appended.append(cell: cell, category: category, time: time, rows: 0..<sample.cell.count, clock: zone)
                }
            }
        }
        #expect(counted == appended)
        #expect(counted.counted > 0)
    }

    /// Codes mapped through `categoryOf` count as the codes rewritten first (here 5 codes onto 3 categories, one of
    /// them taking two codes), on one thread and on several.
    @Test func categoryMappingEqualsRewrittenCodes() {
        let sample = Sample(count: 20_000, units: 37, categories: 5, seed: 11)
        let categoryOf: [UInt16] = [2, 0, 1, 0, 2]
        let rewritten = sample.category.map { categoryOf[Int($0)] }
        for parts in [1, 3] {
            let mapped = CountCube.counting(units: 37, categories: 3, periods: weeks, cell: sample.cell,
                                            category: sample.category, categoryOf: categoryOf, time: sample.time,
                                            clock: zone, parts: parts)
            let plain = CountCube.counting(units: 37, categories: 3, periods: weeks, cell: sample.cell, category: rewritten,
                                           time: sample.time, clock: zone, parts: parts)
            #expect(mapped == plain)
        }
    }

    /// The reduction as datashader has it: a cube per chunk of rows (create, append), combined in order.
    @Test func rowChunksAppendedAndCombinedEqualOneCount() {
        let sample = Sample(count: 12_000, units: 23, categories: 4, seed: 5)
        let whole = CountCube.counting(units: 23, categories: 4, periods: weeks, cell: sample.cell,
                                       category: sample.category, time: sample.time, clock: zone, parts: 1)
        for chunks in [1, 2, 7] {
            var combined: CountCube?
            for k in 0..<chunks {
                var partial = CountCube(units: 23, categories: 4, periods: weeks)
                sample.cell.withUnsafeBufferPointer { cell in
                    sample.category.withUnsafeBufferPointer { category in
                        sample.time.withUnsafeBufferPointer { time in
                            let n = sample.cell.count
                            partial.append(cell: cell, category: category, time: time,
                                           rows: (n * k / chunks)..<(n * (k + 1) / chunks), clock: zone)
                        }
                    }
                }
                if combined == nil { combined = partial } else { combined!.merge(partial) }
            }
            #expect(combined == whole, "\(chunks) chunks")
        }
    }

    /// Six incidents around the turn of 2026-W01 and 2026-W02 (Asia/Shanghai), counted by hand.
    @Test func handCheckedWeekBoundary() {
        // Unix seconds of local times: 2026-01-04 23:59:59 is Sunday of W01, 2026-01-05 00:00 Monday of W02.
        let sunday: Int64 = 1_767_542_399, monday: Int64 = 1_767_542_400
        let cell: [Int32] = [0, 0, 1, 1, -1, 0]
        let category: [UInt16] = [0, 1, 0, 0, 0, 0]
        let time: [Int64] = [sunday, monday, monday, sunday - 6 * 86_400, monday, IncidentTable.missingTime]
        let w01 = Period(label: "2026-W01")!, w02 = Period(label: "2026-W02")!
        let cube = CountCube.counting(units: 2, categories: 2, periods: [w01, w02], cell: cell, category: category,
                                      time: time, clock: zone, parts: 2)
        // Cell 0: W01 one of category 0 (Sunday 23:59:59), W02 one of category 1. Cell 1: W01 one (Monday
        // 2025-12-29 23:59:59), W02 one. Row 4 is outside every cell, row 5 has no time.
        #expect(cube.count(unit: 0, category: 0, period: w01) == 1)
        #expect(cube.count(unit: 0, category: 1, period: w01) == 0)
        #expect(cube.count(unit: 0, category: 1, period: w02) == 1)
        #expect(cube.count(unit: 1, category: nil, period: w01) == 1)
        #expect(cube.count(unit: 1, category: nil, period: w02) == 1)
        #expect(cube.outside == 1 && cube.timeless == 1 && cube.outOfPeriods == 0 && cube.counted == 4)
    }

    @Test func countsEqualADirectCount() {
        let sample = Sample(count: 5_000, units: 11, categories: 3, seed: 11)
        let cube = CountCube.counting(units: 11, categories: 3, periods: weeks, cell: sample.cell,
                                      category: sample.category, time: sample.time, clock: zone, parts: 2)
        var direct: [String: Int] = [:]
        for row in sample.cell.indices where sample.cell[row] >= 0 && sample.time[row] != IncidentTable.missingTime {
            let week = PeriodUnit.week.index(localSeconds: sample.time[row] + 8 * 3600)
            direct["\(sample.cell[row])/\(sample.category[row])/\(week)", default: 0] += 1
        }
        for unit in 0..<11 {
            for category in 0..<3 {
                for week in weeks {
                    #expect(cube.count(unit: unit, category: category, period: week)
                        == direct["\(unit)/\(category)/\(week.index)", default: 0])
                }
            }
        }
    }

    @Test func cubesOverOtherPeriodsMergeIntoTheirUnion() {
        let sample = Sample(count: 8_000, units: 5, categories: 2, seed: 3)
        let all = CountCube.counting(units: 5, categories: 2, periods: weeks, cell: sample.cell,
                                     category: sample.category, time: sample.time, clock: zone, parts: 1)
        let early = CountCube.counting(units: 5, categories: 2, periods: Array(weeks.prefix(4)), cell: sample.cell,
                                       category: sample.category, time: sample.time, clock: zone, parts: 1)
        let late = CountCube.counting(units: 5, categories: 2, periods: Array(weeks.dropFirst(4)), cell: sample.cell,
                                      category: sample.category, time: sample.time, clock: zone, parts: 3)
        var merged = early
        merged.merge(late)
        #expect(merged.periods == all.periods)
        #expect(merged.counts == all.counts)
        // Each partial saw the other's incidents as out of its periods.
        #expect(early.outOfPeriods + late.outOfPeriods == all.counted)
    }

    @Test func rollUpAndTotal() {
        var cube = CountCube(units: 4, categories: 2, periods: [weeks[0]])
        cube.add(unit: 0, category: 0, slot: 0, count: 3)
        cube.add(unit: 1, category: 1, slot: 0, count: 4)
        cube.add(unit: 2, category: 0, slot: 0, count: 5)
        cube.add(unit: 3, category: 1, slot: 0, count: 6)
        let (rolled, unparented) = cube.rolledUp(into: 2, parentOf: [0, 0, 1, -1])
        #expect(rolled.count(unit: 0, category: nil, period: weeks[0]) == 7)
        #expect(rolled.count(unit: 1, category: 0, period: weeks[0]) == 5)
        #expect(unparented == 6)
        #expect(cube.total().count(unit: 0, category: nil, period: weeks[0]) == 18)
        #expect(cube.total().count(unit: 0, category: 1, period: weeks[1]) == 0)  // not counted: zero
        #expect(cube.unitCounts(category: nil, slot: 0) == [3, 4, 5, 6])
    }

    /// In a zone with daylight saving time an incident belongs to the local day of its own offset.
    @Test func daylightSavingZone() throws {
        let newYork = try IncidentTimeZone(identifier: "America/New_York")
        // 2026-03-08T06:30Z is 01:30 EST (before the jump), 07:30Z is 03:30 EDT; both on 8 March locally.
        // 2026-03-09T03:30Z is 23:30 EDT on 8 March (UTC-4), which a fixed UTC-5 would put at 22:30 — same day —
        // and 2026-03-09T04:30Z is 00:30 EDT on 9 March, which a fixed UTC-5 would still put on 8 March.
        let day = { (utc: Int64) in Period(unit: .day, index: PeriodUnit.day.index(localSeconds: newYork.localSeconds(utc: utc))).label }
        #expect(day(1_772_951_400) == "2026-03-08")  // 06:30Z
        #expect(day(1_772_955_000) == "2026-03-08")  // 07:30Z
        #expect(day(1_773_030_600) == "2026-03-09")  // 2026-03-09T04:30Z
        #expect(day(1_773_030_600 - 3600) == "2026-03-08")
    }

    @Test func compStatWindows() {
        let report = CompStat(week: Period(label: "2026-W14")!)  // Monday 30 March to Sunday 5 April 2026
        let day = { (y: Int, m: Int, d: Int) in CivilDate.days(year: y, month: m, day: d) }
        #expect(report.windows[0] == day(2026, 3, 30)..<day(2026, 4, 6))
        #expect(report.windows[1] == day(2026, 3, 23)..<day(2026, 3, 30))
        #expect(report.windows[2] == day(2026, 3, 9)..<day(2026, 4, 6))
        #expect(report.windows[3] == day(2026, 2, 9)..<day(2026, 3, 9))
        #expect(report.windows[4] == day(2026, 1, 1)..<day(2026, 4, 6))
        #expect(report.windows[5] == day(2025, 1, 1)..<day(2025, 4, 6))
        // An incident on Tuesday 31 March counts in this week, the last 28 days and the year to date.
        let utc = Int64(day(2026, 3, 31)) * 86_400 + 10 * 3600 - 8 * 3600
        let cube = report.count(units: 1, categories: 1, cell: [0], category: [0], time: [utc], clock: IncidentTimeZone.shanghai,
                                parts: 1)
        #expect((0..<6).map { cube.count(unit: 0, category: 0, slot: $0) } == [1, 0, 1, 0, 1, 0])
    }
}
