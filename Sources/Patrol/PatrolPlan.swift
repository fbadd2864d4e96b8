/// One visit of a route: the unit stays in `cell` from `start` for the rules' visit length.
public struct PlannedVisit: Sendable, Equatable {
    public let cell: Int
    /// Minutes from Monday 00:00 of the planned week.
    public let start: Double
    /// Its value under the dosage model (`PatrolRules`).
    public let value: Double
}

/// One unit's route in one shift. It leaves its base (if any) at the shift's start, visits in order, travelling
/// straight after each visit and waiting only where a planned delay or the revisit gap says so, and is back at its
/// base (or done with its last visit) at `end`.
public struct UnitRoute: Sendable, Equatable {
    /// Index into `PatrolInstance.units`.
    public let unit: Int
    /// Index into `PatrolInstance.shifts`.
    public let shift: Int
    public let visits: [PlannedVisit]
    /// When the route is over: back at the base, or the end of the last visit (the shift's start when empty).
    public let end: Double
    /// Minutes spent travelling (base to first visit and last visit back to base included).
    public let travelMinutes: Double

    public var value: Double { visits.reduce(0) { $0 + $1.value } }
}

/// The routes of every unit working one shift.
public struct ShiftPlan: Sendable, Equatable {
    public let shift: Int
    /// One route per unit working the shift, in the units' order.
    public let routes: [UnitRoute]
    /// The shift's expected harm over all cells (`PatrolInstance.expectedHarm(inShift:)`).
    public let expectedHarm: Double

    public var value: Double { routes.reduce(0) { $0 + $1.value } }
}

/// A plan for every shift of an instance.
public struct PatrolPlan: Sendable, Equatable {
    /// One per shift, in the instance's order.
    public let shifts: [ShiftPlan]

    public init(shifts: [ShiftPlan]) { self.shifts = shifts }

    /// The expected harm the visits cover (Σ visit values).
    public var value: Double { shifts.reduce(0) { $0 + $1.value } }
    public var expectedHarm: Double { shifts.reduce(0) { $0 + $1.expectedHarm } }
    /// value ÷ expected harm (0 when there is no harm to cover): "the plan covers X % of expected harm".
    public var coveredShare: Double { expectedHarm > 0 ? value / expectedHarm : 0 }
}
