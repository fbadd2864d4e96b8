import Foundation
import GeoCore

/// How a unit moves between cells. Urban door-to-door speeds (stops, crossings, parking included).
public enum TravelMode: String, Sendable, CaseIterable {
    /// 4.5 km/h.
    case foot
    /// 15 km/h.
    case eBike
    /// 25 km/h (urban traffic).
    case car

    public var kilometresPerHour: Double {
        switch self {
        case .foot: 4.5
        case .eBike: 15
        case .car: 25
        }
    }

    public var metresPerMinute: Double { kilometresPerHour * 1000 / 60 }
}

/// The dosage model and the limits every route keeps.
///
/// Value of a visit (Koper 1995: about 12 minutes of presence gives the most residual deterrence; Telep, Mitchell
/// & Weisburd 2014 and the Sacramento experiment: about 15 minutes every two hours):
///
///     value(c, start, k) = risk[c][hour(start + L/2)] · min(1, L / fullDoseMinutes) · repeatFactor^k
///
/// L the visit length, hour(t) = ⌊t / 60⌋ mod 168 (the hour the visit's midpoint falls in), k the number of
/// earlier visits to c in the same shift. A visit covers its cell for the visit and the residual deterrence after
/// it, which is what the hour's risk stands for; shorter visits cover proportionally less, longer ones no more.
/// A revisit counts only after `revisitGapMinutes` (start to start): routes enforce the gap, waiting if needed, so
/// no plan holds a revisit that counts nothing. Each further visit is worth `repeatFactor` times the one before.
/// Every planned visit is worth something: no unit is sent to a cell in an hour without risk.
public struct PatrolRules: Sendable, Equatable {
    /// Minutes per visit, 10 to 15 (default 12).
    public var visitMinutes: Double = 12
    /// Visit length that gives the full dose (default 12).
    public var fullDoseMinutes: Double = 12
    /// Least minutes between the starts of two visits to the same cell in a shift (default 120).
    public var revisitGapMinutes: Double = 120
    /// Most visits per cell per shift (default 3).
    public var visitsPerCellCap: Int = 3
    /// Each further visit to a cell in a shift is worth this times the one before (default 0.5).
    public var repeatFactor: Double = 0.5
    /// Minutes of each shift left unscheduled for a break (default 30): a route's busy time, travel and visits,
    /// stays within shift length − break.
    public var breakMinutes: Double = 30
    /// Road distance ÷ straight-line distance between centroids (default 1.3, typical for street grids).
    public var detourFactor: Double = 1.3

    public init(visitMinutes: Double = 12, fullDoseMinutes: Double = 12, revisitGapMinutes: Double = 120,
                visitsPerCellCap: Int = 3, repeatFactor: Double = 0.5, breakMinutes: Double = 30,
                detourFactor: Double = 1.3) {
        self.visitMinutes = visitMinutes
        self.fullDoseMinutes = fullDoseMinutes
        self.revisitGapMinutes = revisitGapMinutes
        self.visitsPerCellCap = visitsPerCellCap
        self.repeatFactor = repeatFactor
        self.breakMinutes = breakMinutes
        self.detourFactor = detourFactor
    }

    /// min(1, L / fullDoseMinutes).
    public var dose: Double { min(1, visitMinutes / fullDoseMinutes) }

    /// The value of the `earlierVisits + 1`-th visit to `cell` in a shift, starting at `start` (see the type).
    public func visitValue(risk: RiskTable, cell: Int, start: Double, earlierVisits: Int) -> Double {
        risk[cell, Self.hourOfWeek(start + visitMinutes / 2)] * dose * pow(repeatFactor, Double(earlierVisits))
    }

    /// Minutes to travel between two points: straight-line metres × detour factor ÷ speed.
    public func travelMinutes(from a: Point, to b: Point, mode: TravelMode) -> Double {
        ((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y)).squareRoot() * detourFactor / mode.metresPerMinute
    }

    /// The hour of week a time falls in (times past the end of the week wrap to its start, as overnight Sunday
    /// shifts do).
    public static func hourOfWeek(_ minutes: Double) -> Int {
        let hour = Int((minutes / 60).rounded(.down)) % RiskTable.hoursPerWeek
        return hour < 0 ? hour + RiskTable.hoursPerWeek : hour
    }

    func validate() throws {
        guard (10...15).contains(visitMinutes) else {
            throw PatrolError.invalidParameter("visit length \(visitMinutes) minutes: must be from 10 to 15")
        }
        guard fullDoseMinutes > 0, fullDoseMinutes.isFinite else {
            throw PatrolError.invalidParameter("full-dose length \(fullDoseMinutes) minutes: must be positive")
        }
        guard revisitGapMinutes >= visitMinutes, revisitGapMinutes.isFinite else {
            throw PatrolError.invalidParameter("revisit gap \(revisitGapMinutes) minutes: at least one visit long")
        }
        guard visitsPerCellCap >= 1 else {
            throw PatrolError.invalidParameter("visits per cell \(visitsPerCellCap): at least 1")
        }
        guard (0...1).contains(repeatFactor) else {
            throw PatrolError.invalidParameter("repeat factor \(repeatFactor): must be from 0 to 1")
        }
        guard breakMinutes >= 0, breakMinutes.isFinite else {
            throw PatrolError.invalidParameter("break \(breakMinutes) minutes: must be 0 or more")
        }
        guard detourFactor >= 1, detourFactor.isFinite else {
            throw PatrolError.invalidParameter("detour factor \(detourFactor): must be 1 or more")
        }
    }
}
