/// What each reported period is compared with.
public enum PeriodComparison: Sendable, Equatable {
    /// The period just before (last week, yesterday, last month).
    case previous
    /// The same period a year earlier (`Period.yearEarlier`).
    case yearEarlier
    /// One fixed period, e.g. `2026-W10`, for every reported period.
    case fixed(Period)

    /// Parses `previous`, `year` or a period label.
    public init?(_ text: String) {
        switch text {
        case "previous", "prev", "week", "last": self = .previous
        case "year", "yoy": self = .yearEarlier
        default:
            guard let period = Period(label: text) else { return nil }
            self = .fixed(period)
        }
    }

    /// The base period `period` is compared with.
    public func base(of period: Period) -> Period {
        switch self {
        case .previous: period.previous
        case .yearEarlier: period.yearEarlier
        case .fixed(let base): base
        }
    }

    public var label: String {
        switch self {
        case .previous: "previous"
        case .yearEarlier: "year"
        case .fixed(let period): period.label
        }
    }
}

/// A change between a count and its base, in percent of the base.
public enum Change {
    /// `100 × (value − base) / base`; 0 when both are 0; nil when the base is 0 and the value is not (an increase
    /// from nothing has no percentage: tables print it as "new").
    public static func percent(_ value: Double, base: Double) -> Double? {
        if base == 0 { return value == 0 ? 0 : nil }
        return 100 * (value - base) / base
    }
}
