import AtomicOutput
import Incidents
import Parallel

/// The layout police briefings use (NYPD's CompStat report): for one week, per unit and category, the week against
/// the week before, the last 28 days against the 28 before, and the year to date against the same span a year
/// earlier, each with its change in percent.
///
/// Windows, in local days, for the week W (Monday M to Sunday): the week `[M, M+7)`; the week before
/// `[M−7, M)`; the last 28 days `[M−21, M+7)`; the 28 before `[M−49, M−21)`; the year to date from 1 January of
/// the year of W's Sunday to that Sunday; the same span a year earlier (1 January to the same date, 28 February
/// for 29 February).
public struct CompStat: Sendable {
    public let week: Period
    /// The six windows' local day ranges, in the order above.
    public let windows: [Range<Int>]

    public static let columns = ["week", "week_previous", "week_change_pct", "days28", "days28_previous",
                                 "days28_change_pct", "ytd", "ytd_previous", "ytd_change_pct"]

    public init(week: Period) {
        precondition(week.unit == .week, "CompStat reports a week")
        self.week = week
        let monday = week.index * 7 - 3
        let sunday = monday + 6
        let (year, month, day) = CivilDate.fromDays(sunday)
        let lastYearDay = min(day, CivilDate.daysInMonth(year - 1, month))
        windows = [
            monday..<monday + 7, monday - 7..<monday, monday - 21..<monday + 7, monday - 49..<monday - 21,
            CivilDate.days(year: year, month: 1, day: 1)..<sunday + 1,
            CivilDate.days(year: year - 1, month: 1, day: 1)..<CivilDate.days(year: year - 1, month: month, day: lastYearDay) + 1,
        ]
    }

    /// Counts per unit × category × window (the cube's six slots are the windows; an incident can be in several).
    @_specialize(exported: true, where Clock == IncidentTimeZone)
    public func count<Clock: LocalClock>(units: Int, categories: Int, cell: [Int32], category: [UInt16],
                                         categoryOf: [UInt16]? = nil, time: [Int64], clock: Clock,
                                         parts: Int) -> CountCube {
        let categoryOf = categoryOf ?? (0..<categories).map { UInt16($0) }
        let slots = (0..<windows.count).map { Period(unit: .day, index: $0) }
        let n = cell.count
        let parts = max(1, min(parts, max(1, n)))
        let windows = self.windows
        let low = windows.map(\.lowerBound).min()!, high = windows.map(\.upperBound).max()!
        let partials = Parallel.map(parts) { k in
            var cube = CountCube(units: units, categories: categories, periods: slots)
            for row in Parallel.part(k, of: n, parts: parts) {
                let unit = Int(cell[row]), t = time[row]
                guard unit >= 0, t != IncidentTable.missingTime else { continue }
                let day = PeriodUnit.day.index(localSeconds: clock.localSeconds(utc: t))
                guard day >= low, day < high else { continue }
                for (w, window) in windows.enumerated() where window.contains(day) {
                    cube.add(unit: unit, category: Int(categoryOf[Int(category[row])]), slot: w)
                }
            }
            return cube
        }
        var total = partials[0]
        for partial in partials.dropFirst() { total.merge(partial) }
        return total
    }

    /// `compstat.csv`: `level,unit_id,unit_name,category,` then `columns`, for every level, unit and category
    /// (and `all`); `levels[k].cube` are the windows' counts of that level (from `count`, rolled up).
    public func write(levels: [SummaryLevel], categories: CategoryTable, to path: String) throws {
        var bytes = Array(("level,unit_id,unit_name,category," + Self.columns.joined(separator: ",") + "\n").utf8)
        for level in levels {
            for unit in 0..<level.cube.unitCount {
                for category in Array(0..<categories.count) + [nil] {
                    let counts = (0..<windows.count).map { level.cube.count(unit: unit, category: category, slot: $0) }
                    if level.name != "area" && counts.allSatisfy({ $0 == 0 }) { continue }
                    for field in [level.name, level.ids[unit], level.names[unit],
                                  category.map { categories.categories[$0].code } ?? "all"] {
                        CSVText.appendField(field.utf8, to: &bytes)
                        bytes.append(UInt8(ascii: ","))
                    }
                    for pair in 0..<3 {
                        let (now, before) = (counts[2 * pair], counts[2 * pair + 1])
                        bytes += Array("\(now),\(before),".utf8)
                        if let percent = Change.percent(Double(now), base: Double(before)) {
                            CSVText.appendFixed(percent, decimals: 2, to: &bytes)
                        }
                        bytes.append(UInt8(ascii: pair == 2 ? "\n" : ","))
                    }
                }
            }
        }
        try writeAtomically(bytes, to: path)
    }
}
