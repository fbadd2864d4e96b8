import Foundation
import GeoCore
import Stats

/// One past incident as the risk model sees it.
public struct PastIncident: Sendable, Equatable {
    /// Index of the incident's cell.
    public var cell: Int
    /// Hour of week of the incident, 0..<168 (Monday 00:00–00:59 is 0).
    public var hourOfWeek: Int
    /// The category's harm weight (1 when there is no category file or the category has none).
    public var harm: Double
    /// Weeks from the incident to the start of the planned week (0 ≤ age; last week's incidents are 0 to 1).
    public var ageWeeks: Double

    public init(cell: Int, hourOfWeek: Int, harm: Double = 1, ageWeeks: Double) {
        self.cell = cell
        self.hourOfWeek = hourOfWeek
        self.harm = harm
        self.ageWeeks = ageWeeks
    }
}

/// How past incidents become risk.
public struct RiskParameters: Sendable, Equatable {
    /// Half-life of an incident's weight in weeks: an incident `h` weeks old weighs 2^(−age/h) (default 4, so last
    /// month counts about twice as much as the month before).
    public var halfLifeWeeks: Double = 4
    /// Share of the neighbours' mean blended into a cell (default 0.25): crime moves a street, not a district.
    public var neighbourShare: Double = 0.25
    /// Weights over adjacent hours, centred, circular over the week; odd length, non-negative, summing to 1 so
    /// smoothing keeps the total (default [0.25, 0.5, 0.25]).
    public var hourKernel: [Double] = [0.25, 0.5, 0.25]
    /// Factor for cells flagged as significant Gi* hot spots (default 1.5).
    public var hotSpotFactor: Double = 1.5

    public init(halfLifeWeeks: Double = 4, neighbourShare: Double = 0.25, hourKernel: [Double] = [0.25, 0.5, 0.25],
                hotSpotFactor: Double = 1.5) {
        self.halfLifeWeeks = halfLifeWeeks
        self.neighbourShare = neighbourShare
        self.hourKernel = hourKernel
        self.hotSpotFactor = hotSpotFactor
    }
}

/// The near-repeat lift: after a burglary the same and nearby homes run a raised risk for a few weeks (Knox tests
/// typically find it within 200 m and 2 weeks). Cells whose centroid lies within `radius` of a recent burglary-type
/// incident no older than `days` (before the planned week) have their risk multiplied by `factor`, every hour.
public struct NearRepeatWindow: Sendable, Equatable {
    /// Where and how long before the planned week the burglary-type incidents happened.
    public struct Source: Sendable, Equatable {
        public var location: Point
        public var ageDays: Double
        public init(location: Point, ageDays: Double) {
            self.location = location
            self.ageDays = ageDays
        }
    }

    public var sources: [Source]
    /// Cell centroids in metres, one per cell.
    public var centroids: [Point]
    public var radius: Double = 200
    public var days: Double = 14
    public var factor: Double = 1.5

    public init(sources: [Source], centroids: [Point], radius: Double = 200, days: Double = 14, factor: Double = 1.5) {
        self.sources = sources
        self.centroids = centroids
        self.radius = radius
        self.days = days
        self.factor = factor
    }
}

/// Expected harm per cell and hour of week, in relative units (decay-weighted harm); plans compare shares of it,
/// so its scale never matters.
public struct RiskTable: Sendable, Equatable {
    public static let hoursPerWeek = 168

    public let cellCount: Int
    /// Cell-major: `values[cell * 168 + hour]`.
    public let values: [Double]

    /// A table as given (a caller with its own model, or tests); values must be finite and non-negative.
    public init(cellCount: Int, values: [Double]) throws {
        guard values.count == cellCount * Self.hoursPerWeek else {
            throw PatrolError.invalidRisk("\(values.count) values for \(cellCount) cells × 168 hours")
        }
        guard values.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
            throw PatrolError.invalidRisk("a risk value is negative or not finite")
        }
        self.cellCount = cellCount
        self.values = values
    }

    init(uncheckedCellCount cellCount: Int, values: [Double]) {
        self.cellCount = cellCount
        self.values = values
    }

    @inlinable
    public subscript(cell: Int, hour: Int) -> Double { values[cell * Self.hoursPerWeek + hour] }

    /// Risk from past incidents, in four steps:
    ///
    ///     1. decay        r₀[c][h] = Σ_{incidents i in c at h} harmᵢ · 2^(−ageᵢ / halfLife)
    ///     2. space        r₁[c][h] = (1 − s) r₀[c][h] + s · Σⱼ w_cj r₀[j][h] / Σⱼ w_cj     (s = neighbourShare;
    ///                     j over c's neighbours in `neighbours`; an island, or nil weights, keeps r₀)
    ///     3. hours        r₂[c][h] = Σₖ kernel[k] · r₁[c][(h + k − m) mod 168]              (m = kernel.count / 2)
    ///     4. lifts        r[c][h]  = r₂[c][h] · (hotSpotFactor if hotSpots[c]) · (near-repeat factor if in a window)
    ///
    /// `hotSpots` (one flag per cell, e.g. Gi* bin ≥ 2) and `nearRepeat` are optional. Throws for an incident outside
    /// the cells or the week, a negative or non-finite harm or age, and parameters out of range.
    public static func estimate(cellCount: Int, incidents: [PastIncident], neighbours: SpatialWeights? = nil,
                                parameters: RiskParameters = RiskParameters(), hotSpots: [Bool]? = nil,
                                nearRepeat: NearRepeatWindow? = nil) throws -> RiskTable {
        let p = parameters
        guard p.halfLifeWeeks > 0, p.halfLifeWeeks.isFinite else {
            throw PatrolError.invalidParameter("half-life \(p.halfLifeWeeks) weeks: must be positive")
        }
        guard (0...1).contains(p.neighbourShare) else {
            throw PatrolError.invalidParameter("neighbour share \(p.neighbourShare): must be from 0 to 1")
        }
        guard p.hourKernel.count % 2 == 1, p.hourKernel.count < Self.hoursPerWeek, p.hourKernel.allSatisfy({ $0 >= 0 }),
              abs(p.hourKernel.reduce(0, +) - 1) < 1e-9 else {
            throw PatrolError.invalidParameter("hour kernel \(p.hourKernel): odd length, non-negative, summing to 1")
        }
        guard p.hotSpotFactor >= 0, p.hotSpotFactor.isFinite else {
            throw PatrolError.invalidParameter("hot-spot factor \(p.hotSpotFactor): must be 0 or more")
        }
        if let neighbours, neighbours.count != cellCount {
            throw PatrolError.invalidParameter("spatial weights for \(neighbours.count) units, not \(cellCount) cells")
        }
        if let hotSpots, hotSpots.count != cellCount {
            throw PatrolError.invalidParameter("\(hotSpots.count) hot-spot flags for \(cellCount) cells")
        }
        if let nearRepeat {
            guard nearRepeat.centroids.count == cellCount else {
                throw PatrolError.invalidParameter("\(nearRepeat.centroids.count) centroids for \(cellCount) cells")
            }
            guard nearRepeat.radius >= 0, nearRepeat.days >= 0, nearRepeat.factor >= 0,
                  nearRepeat.radius.isFinite, nearRepeat.days.isFinite, nearRepeat.factor.isFinite else {
                throw PatrolError.invalidParameter("near-repeat radius, days and factor must be finite and 0 or more")
            }
        }
        let hours = Self.hoursPerWeek

        // 1. Decay.
        var raw = [Double](repeating: 0, count: cellCount * hours)
        for (i, incident) in incidents.enumerated() {
            guard (0..<cellCount).contains(incident.cell), (0..<hours).contains(incident.hourOfWeek),
                  incident.harm >= 0, incident.harm.isFinite, incident.ageWeeks >= 0, incident.ageWeeks.isFinite else {
                throw PatrolError.invalidIncident(index: i)
            }
            let weight = incident.harm * exp2(-incident.ageWeeks / p.halfLifeWeeks)
            raw[incident.cell * hours + incident.hourOfWeek] += weight
        }

        // 2. Space: blend in the weighted mean of the neighbours, hour by hour.
        var spatial = raw
        if let neighbours, p.neighbourShare > 0 {
            for c in 0..<cellCount {
                let range = neighbours.offsets[c]..<neighbours.offsets[c + 1]
                let total = range.reduce(0.0) { $0 + neighbours.weights[$1] }
                guard total > 0 else { continue }
                let own = c * hours
                for h in 0..<hours { spatial[own + h] = (1 - p.neighbourShare) * raw[own + h] }
                for k in range {
                    let share = p.neighbourShare * neighbours.weights[k] / total
                    let other = Int(neighbours.neighbours[k]) * hours
                    for h in 0..<hours { spatial[own + h] += share * raw[other + h] }
                }
            }
        }

        // 3. Hours, circular over the week.
        var smoothed = [Double](repeating: 0, count: cellCount * hours)
        let middle = p.hourKernel.count / 2
        for c in 0..<cellCount {
            let row = c * hours
            for h in 0..<hours {
                var sum = 0.0
                for (k, weight) in p.hourKernel.enumerated() where weight > 0 {
                    sum += weight * spatial[row + (h + k - middle + hours) % hours]
                }
                smoothed[row + h] = sum
            }
        }

        // 4. Lifts.
        var factor = [Double](repeating: 1, count: cellCount)
        if let hotSpots { for c in 0..<cellCount where hotSpots[c] { factor[c] *= p.hotSpotFactor } }
        if let nearRepeat {
            let limit = nearRepeat.radius * nearRepeat.radius
            let recent = nearRepeat.sources.filter { $0.ageDays >= 0 && $0.ageDays <= nearRepeat.days && $0.location.isFinite }
            for c in 0..<cellCount {
                let centre = nearRepeat.centroids[c]
                let near = recent.contains {
                    let dx = $0.location.x - centre.x, dy = $0.location.y - centre.y
                    return dx * dx + dy * dy <= limit
                }
                if near { factor[c] *= nearRepeat.factor }
            }
        }
        for c in 0..<cellCount where factor[c] != 1 {
            for h in 0..<hours { smoothed[c * hours + h] *= factor[c] }
        }
        return RiskTable(uncheckedCellCount: cellCount, values: smoothed)
    }
}
