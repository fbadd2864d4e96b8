/// The kinds of period incidents are counted by. Weeks are ISO 8601 weeks (Monday to Sunday, the week belonging to
/// the year of its Thursday); every period is taken on the local clock of the zone the times are read in.
public enum PeriodUnit: String, CaseIterable, Sendable {
    case week, day, month
    /// Hour of the day, 0–23: a daily profile, not a sequence of periods.
    case hour
    /// Day of the week, Monday = 1 … Sunday = 7: a weekly profile.
    case weekday

    /// Whether the periods follow one another in time (so "the previous one" and "a year earlier" mean something).
    public var isSequential: Bool { self == .week || self == .day || self == .month }

    /// The period holding local time `localSeconds` (seconds since 1970-01-01 00:00 on the local clock).
    @inlinable @inline(__always)
    public func index(localSeconds: Int64) -> Int {
        switch self {
        case .day: return Int(Self.floorDivide(localSeconds, 86_400))
        // 1970-01-01 was a Thursday, so Monday 1969-12-29 (3 days before) starts week 0; ⌊(⌊t/d⌋ + 3)/7⌋ = ⌊(t + 3d)/7d⌋,
        // one division per incident.
        case .week: return Int(Self.floorDivide(localSeconds + 3 * 86_400, 7 * 86_400))
        default: break
        }
        let day = Int(Self.floorDivide(localSeconds, 86_400))
        switch self {
        case .day, .week: preconditionFailure("handled above")
        case .month:
            let (year, month, _) = CivilDate.fromDays(day)
            return year * 12 + month - 1
        case .hour: return Int(localSeconds - Int64(day) * 86_400) / 3600
        case .weekday: return (day + 3) - Self.floorDivide(day + 3, 7) * 7 + 1
        }
    }

    /// ⌊a / b⌋ for b > 0.
    @inlinable @inline(__always)
    static func floorDivide<T: BinaryInteger>(_ a: T, _ b: T) -> T {
        a >= 0 ? a / b : (a - b + 1) / b
    }
}

/// One period: a week, day or month on the local clock, or a slot of a daily or weekly profile.
///
/// `index` numbers the periods of a unit: weeks since the week of 1970-01-01 (Mondays), days since 1970-01-01,
/// months as `year × 12 + month − 1`, hours 0–23, weekdays 1–7 (Monday first).
public struct Period: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let unit: PeriodUnit
    public let index: Int

    public init(unit: PeriodUnit, index: Int) {
        self.unit = unit
        self.index = index
    }

    public static func < (a: Period, b: Period) -> Bool { (a.unit.rawValue, a.index) < (b.unit.rawValue, b.index) }

    /// The label used in files: `2026-W14`, `2026-03-05`, `2026-03`, `08` (hour), `Mon` (weekday).
    public var label: String {
        switch unit {
        case .week:
            let (year, week) = isoWeek
            return "\(year)-W\(pad(week))"
        case .day:
            let (y, m, d) = CivilDate.fromDays(index)
            return "\(y)-\(pad(m))-\(pad(d))"
        case .month:
            return "\(Self.floorDivide(index, 12))-\(pad(index - Self.floorDivide(index, 12) * 12 + 1))"
        case .hour: return pad(index)
        case .weekday: return Self.weekdayNames[(index - 1) % 7]
        }
    }

    public var description: String { label }

    static let weekdayNames = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]

    /// The ISO year and week number of a week period.
    var isoWeek: (year: Int, week: Int) {
        let thursday = index * 7  // day number of the week's Thursday (Monday is index × 7 − 3)
        let (year, _, _) = CivilDate.fromDays(thursday)
        return (year, (thursday - CivilDate.days(year: year, month: 1, day: 1)) / 7 + 1)
    }

    /// Parses a label: `2026-W14` (week), `2026-03-05` (day) or `2026-03` (month).
    public init?(label: String) {
        let parts = label.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[0].count == 4, let year = Int(parts[0]) else { return nil }
        if parts.count == 2, parts[1].first == "W" || parts[1].first == "w" {
            guard let week = Int(parts[1].dropFirst()), week >= 1, week <= Self.isoWeeks(in: year) else { return nil }
            self.init(week: week, of: year)
        } else if parts.count == 2 {
            guard parts[1].count == 2, let month = Int(parts[1]), (1...12).contains(month) else { return nil }
            self.init(unit: .month, index: year * 12 + month - 1)
        } else if parts.count == 3 {
            guard parts[1].count == 2, parts[2].count == 2, let month = Int(parts[1]), let day = Int(parts[2]),
                  (1...12).contains(month), day >= 1, day <= CivilDate.daysInMonth(year, month)
            else { return nil }
            self.init(unit: .day, index: CivilDate.days(year: year, month: month, day: day))
        } else {
            return nil
        }
    }

    /// ISO week `week` of ISO year `year`.
    public init(week: Int, of year: Int) {
        // Week 1 holds January 4th.
        let january4 = CivilDate.days(year: year, month: 1, day: 4)
        let firstWeek = PeriodUnit.week.index(localSeconds: Int64(january4) * 86_400)
        self.init(unit: .week, index: firstWeek + week - 1)
    }

    /// 52 or 53: the number of ISO weeks in `year`.
    public static func isoWeeks(in year: Int) -> Int {
        Period(week: 1, of: year + 1).index - Period(week: 1, of: year).index
    }

    /// The local time span `[start, end)` of a week, day or month, in local seconds; nil for profile slots.
    public var localSpan: Range<Int64>? {
        switch unit {
        case .day: return Int64(index) * 86_400..<Int64(index + 1) * 86_400
        case .week:
            let monday = Int64(index * 7 - 3)
            return monday * 86_400..<(monday + 7) * 86_400
        case .month:
            let year = Self.floorDivide(index, 12), month = index - year * 12 + 1
            let first = CivilDate.days(year: year, month: month, day: 1)
            return Int64(first) * 86_400..<Int64(first + CivilDate.daysInMonth(year, month)) * 86_400
        case .hour, .weekday: return nil
        }
    }

    /// The period before this one (sequential units only).
    public var previous: Period { Period(unit: unit, index: index - 1) }

    /// The same period a year earlier: the same ISO week number of the previous ISO year (week 53 → week 52 when
    /// that year has only 52), the same date (29 February → 28 February), the same month.
    public var yearEarlier: Period {
        switch unit {
        case .week:
            let (year, week) = isoWeek
            return Period(week: min(week, Self.isoWeeks(in: year - 1)), of: year - 1)
        case .day:
            let (y, m, d) = CivilDate.fromDays(index)
            return Period(unit: .day, index: CivilDate.days(year: y - 1, month: m, day: min(d, CivilDate.daysInMonth(y - 1, m))))
        case .month: return Period(unit: .month, index: index - 12)
        case .hour, .weekday: return self
        }
    }

    private func pad(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

    static func floorDivide(_ a: Int, _ b: Int) -> Int { PeriodUnit.floorDivide(a, b) }
}

/// Proleptic Gregorian dates as day numbers since 1970-01-01 (Howard Hinnant's algorithms).
public enum CivilDate {
    public static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = PeriodUnit.floorDivide(y, 400)
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        return era * 146_097 + yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear - 719_468
    }

    @inlinable
    public static func fromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = PeriodUnit.floorDivide(z, 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, dayOfYear - (153 * mp + 2) / 5 + 1)
    }

    public static func daysInMonth(_ year: Int, _ month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
