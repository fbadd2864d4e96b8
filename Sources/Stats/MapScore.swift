/// How well a map from one period predicted the next period's incidents: the measures of hot-spot map accuracy
/// used in crime analysis.
///
/// With N incidents in the next period over a total area A, and the map's flagged cells covering area a and
/// capturing n of those incidents:
/// - **hit rate** = n / N;
/// - **PAI**, the predictive accuracy index (Chainey, Tompson & Uhlig 2008) = (n / N) / (a / A);
/// - **PEI**, the predictive efficiency index (Hunt 2016) = PAI / PAI*, where PAI* is the PAI of the best possible
///   map of the same area: the cells with the most next-period incidents per unit of area, taken in that order until
///   their area reaches a (the last one in part, by area);
/// - **RRI**, the recapture rate index (Levine 2008) = (n₂ / n₁) / (N₂ / N₁): the flagged cells' incidents in the
///   next period over those in the map's own period, relative to the same ratio for the whole area. Above 1 the
///   flagged cells kept more of their incidents than the area did; undefined when n₁ or N₂ / N₁ is zero.
public struct MapScore: Sendable, Equatable {
    public let hitRate: Double?
    public let pai: Double?
    public let pei: Double?
    public let rri: Double?
    /// Incidents captured in the next period (n), all of them (N); the flagged area and the total area.
    public let captured: Int
    public let total: Int
    public let flaggedArea: Double
    public let totalArea: Double

    /// Scores `flagged` cells. `next[i]` and `current[i]` are cell i's incidents in the next period and in the map's
    /// own period, `area[i]` its area (any unit).
    public init(flagged: [Bool], next: [Int], current: [Int], area: [Double]) {
        precondition(flagged.count == next.count && next.count == current.count && current.count == area.count,
                     "one entry per cell")
        let n = zip(flagged, next).reduce(0) { $0 + ($1.0 ? $1.1 : 0) }
        let n1 = zip(flagged, current).reduce(0) { $0 + ($1.0 ? $1.1 : 0) }
        let total = next.reduce(0, +), total1 = current.reduce(0, +)
        let a = zip(flagged, area).reduce(0.0) { $0 + ($1.0 ? $1.1 : 0) }
        let areaTotal = area.reduce(0, +)
        captured = n
        self.total = total
        flaggedArea = a
        totalArea = areaTotal
        hitRate = total > 0 ? Double(n) / Double(total) : nil
        let pai = (total > 0 && a > 0 && areaTotal > 0) ? (Double(n) / Double(total)) / (a / areaTotal) : nil
        self.pai = pai
        let best = Self.bestCapture(next: next, area: area, within: a)
        let paiBest = (total > 0 && a > 0 && areaTotal > 0) ? (best / Double(total)) / (a / areaTotal) : nil
        pei = pai.flatMap { pai in paiBest.flatMap { $0 > 0 ? pai / $0 : nil } }
        rri = (n1 > 0 && total1 > 0 && total > 0) ? (Double(n) / Double(n1)) / (Double(total) / Double(total1)) : nil
    }

    /// The most incidents cells of total area `a` can hold: densest cells first, the last one in part.
    static func bestCapture(next: [Int], area: [Double], within a: Double) -> Double {
        let order = next.indices.filter { area[$0] > 0 }.sorted {
            Double(next[$0]) / area[$0] > Double(next[$1]) / area[$1]
        }
        var left = a, captured = 0.0
        for i in order where left > 0 {
            let share = min(1, left / area[i])
            captured += share * Double(next[i])
            left -= area[i]
        }
        return captured
    }

    /// The hit rate against the share of area for the top cells of a ranking (highest `rank` first; ties in input
    /// order): one point per cell added, from (0, 0), as (share of area, share of next-period incidents).
    public static func hitRateCurve(rank: [Double], next: [Int], area: [Double]) -> [(area: Double, hitRate: Double)] {
        let order = rank.indices.sorted { rank[$0] > rank[$1] || (rank[$0] == rank[$1] && $0 < $1) }
        let total = Double(next.reduce(0, +)), areaTotal = area.reduce(0, +)
        guard total > 0, areaTotal > 0 else { return [(0, 0)] }
        var points: [(area: Double, hitRate: Double)] = [(0, 0)]
        var a = 0.0, n = 0.0
        for i in order {
            a += area[i]
            n += Double(next[i])
            points.append((a / areaTotal, n / total))
        }
        return points
    }
}
