import GeoCore

/// What cannot be planned, one clear reason each.
public enum PatrolError: Error, Equatable, CustomStringConvertible {
    case noCells
    case noUnits
    case noShifts
    case invalidRisk(String)
    case invalidParameter(String)
    case invalidIncident(index: Int)
    case invalidShift(name: String, reason: String)
    /// The shift cannot hold one visit and the break.
    case shiftTooShort(name: String, minutes: Double, needed: Double)
    case duplicateUnit(id: String)
    case unitWithoutShift(id: String)
    case unknownShift(unit: String, index: Int)
    case overlappingShifts(unit: String)
    case invalidBase(unit: String)
    /// The unit's beat holds no cell.
    case emptyBeat(unit: String)
    case cellOutOfRange(unit: String, cell: Int)
    /// A cell a unit may visit has no finite centroid, so no travel time.
    case invalidCentroid(cell: Int)
    /// The cells cannot be split into that many contiguous beats.
    case cannotSplitIntoBeats(String)

    public var description: String {
        switch self {
        case .noCells: "no cells to patrol"
        case .noUnits: "no units to plan for"
        case .noShifts: "no shifts to plan"
        case .invalidRisk(let reason): "invalid risk table: \(reason)"
        case .invalidParameter(let reason): "invalid parameter: \(reason)"
        case .invalidIncident(let index): "incident \(index): cell, hour of week, harm or age out of range"
        case .invalidShift(let name, let reason): "shift \(name): \(reason)"
        case .shiftTooShort(let name, let minutes, let needed):
            "shift \(name) lasts \(minutes) minutes, shorter than one visit plus the break (\(needed) minutes)"
        case .duplicateUnit(let id): "unit \(id) listed twice"
        case .unitWithoutShift(let id): "unit \(id) works no shift"
        case .unknownShift(let unit, let index): "unit \(unit) works shift \(index), which is not in the list"
        case .overlappingShifts(let unit): "unit \(unit) works two shifts that overlap"
        case .invalidBase(let unit): "unit \(unit) has a base that is not a finite point"
        case .emptyBeat(let unit): "unit \(unit) has an empty beat"
        case .cellOutOfRange(let unit, let cell): "unit \(unit)'s beat lists cell \(cell), which does not exist"
        case .invalidCentroid(let cell): "cell \(cell) has no finite centroid"
        case .cannotSplitIntoBeats(let reason): "cannot split the cells into beats: \(reason)"
        }
    }
}

/// A shift: minutes from Monday 00:00 of the planned week, end after start. A shift past Sunday midnight runs past
/// 10,080; its hours wrap to the start of the week for risk.
public struct Shift: Sendable, Equatable {
    public var name: String
    public var start: Double
    public var end: Double

    public init(name: String, start: Double, end: Double) {
        self.name = name
        self.start = start
        self.end = end
    }

    /// A shift on `day` (0 = Monday … 6 = Sunday) from `from` to `to` minutes after midnight; a `to` at or before
    /// `from` ends the next day (22:00–06:00 is 8 hours overnight).
    public static func daily(name: String, day: Int, from: Double, to: Double) -> Shift {
        let start = Double(day) * 1440 + from
        return Shift(name: name, start: start, end: Double(day) * 1440 + (to <= from ? to + 1440 : to))
    }

    public var minutes: Double { end - start }
}

/// A patrol unit.
public struct PatrolUnit: Sendable, Equatable {
    public var id: String
    /// Indices of the shifts it works (into `PatrolInstance.shifts`).
    public var shifts: [Int]
    /// Where its routes start and end (a station, in metres); nil: each route starts at its first visit and ends
    /// at its last.
    public var base: Point?
    /// Its beat: the cells it may visit; nil: every cell.
    public var cells: [Int]?
    public var mode: TravelMode

    public init(id: String, shifts: [Int], base: Point? = nil, cells: [Int]? = nil, mode: TravelMode = .car) {
        self.id = id
        self.shifts = shifts
        self.base = base
        self.cells = cells
        self.mode = mode
    }
}

/// Everything a plan depends on, validated once.
public struct PatrolInstance: Sendable {
    /// Cell centroids in metres; cell `i` is `risk`'s cell `i`.
    public let centroids: [Point]
    public let risk: RiskTable
    public let shifts: [Shift]
    public let units: [PatrolUnit]
    public let rules: PatrolRules

    /// Throws the first reason the instance cannot be planned: no cells, units or shifts; risk for another number
    /// of cells; rules out of range; a shift that is empty, longer than a day or shorter than one visit plus the
    /// break; a unit listed twice, without shifts, with an unknown shift, with two overlapping shifts, with a base
    /// that is not finite, or with a beat that is empty or names a missing cell or one without a centroid.
    public init(centroids: [Point], risk: RiskTable, shifts: [Shift], units: [PatrolUnit],
                rules: PatrolRules = PatrolRules()) throws {
        guard !centroids.isEmpty else { throw PatrolError.noCells }
        guard !units.isEmpty else { throw PatrolError.noUnits }
        guard !shifts.isEmpty else { throw PatrolError.noShifts }
        guard risk.cellCount == centroids.count else {
            throw PatrolError.invalidRisk("risk for \(risk.cellCount) cells, \(centroids.count) centroids")
        }
        try rules.validate()
        for shift in shifts {
            guard shift.start.isFinite, shift.end.isFinite, shift.start >= 0, shift.start < 10_080 else {
                throw PatrolError.invalidShift(name: shift.name, reason: "start must fall in the week (0 to 10,080 minutes)")
            }
            guard shift.end > shift.start, shift.minutes <= 1440 else {
                throw PatrolError.invalidShift(name: shift.name, reason: "must end after it starts, within 24 hours")
            }
            let needed = rules.visitMinutes + rules.breakMinutes
            guard shift.minutes >= needed else {
                throw PatrolError.shiftTooShort(name: shift.name, minutes: shift.minutes, needed: needed)
            }
        }
        var ids = Set<String>()
        var everyCellUsable: Bool?
        for unit in units {
            guard ids.insert(unit.id).inserted else { throw PatrolError.duplicateUnit(id: unit.id) }
            guard !unit.shifts.isEmpty else { throw PatrolError.unitWithoutShift(id: unit.id) }
            for index in unit.shifts where !shifts.indices.contains(index) {
                throw PatrolError.unknownShift(unit: unit.id, index: index)
            }
            let worked = unit.shifts.map { shifts[$0] }.sorted { $0.start < $1.start }
            for (a, b) in zip(worked, worked.dropFirst()) where b.start < a.end {
                throw PatrolError.overlappingShifts(unit: unit.id)
            }
            if let base = unit.base, !base.isFinite { throw PatrolError.invalidBase(unit: unit.id) }
            if let beat = unit.cells {
                guard !beat.isEmpty else { throw PatrolError.emptyBeat(unit: unit.id) }
                for cell in beat {
                    guard centroids.indices.contains(cell) else {
                        throw PatrolError.cellOutOfRange(unit: unit.id, cell: cell)
                    }
                    guard centroids[cell].isFinite else { throw PatrolError.invalidCentroid(cell: cell) }
                }
            } else {
                if everyCellUsable == nil { everyCellUsable = centroids.allSatisfy(\.isFinite) }
                if everyCellUsable == false, let cell = centroids.firstIndex(where: { !$0.isFinite }) {
                    throw PatrolError.invalidCentroid(cell: cell)
                }
            }
        }
        self.centroids = centroids
        self.risk = risk
        self.shifts = shifts
        self.units = units
        self.rules = rules
    }

    /// Units working shift `s`, in the order listed.
    public func units(inShift s: Int) -> [Int] { units.indices.filter { units[$0].shifts.contains(s) } }

    /// The expected harm in shift `s` over all cells: Σ_c Σ_h risk[c][h] · (minutes of hour h inside the shift) / 60.
    /// What a plan's value is a share of.
    public func expectedHarm(inShift s: Int) -> Double {
        let shift = shifts[s]
        var total = 0.0
        for (hour, weight) in Self.hourWeights(shift) {
            var sum = 0.0
            for c in 0..<risk.cellCount { sum += risk[c, hour] }
            total += sum * weight
        }
        return total
    }

    /// The hours of week a shift overlaps, each with the share of the hour inside it.
    public static func hourWeights(_ shift: Shift) -> [(hour: Int, weight: Double)] {
        var result: [(Int, Double)] = []
        var t = shift.start
        while t < shift.end {
            let next = min(((t / 60).rounded(.down) + 1) * 60, shift.end)
            result.append((PatrolRules.hourOfWeek(t), (next - t) / 60))
            t = next
        }
        return result
    }
}
