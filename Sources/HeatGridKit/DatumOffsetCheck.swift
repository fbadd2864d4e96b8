import Foundation
import Parallel

/// Notices incidents and a cell layer given in different datums when the user did not declare both.
///
/// Mixing WGS-84, GCJ-02 and BD-09 shifts every incident by the same 300–700 m (or about 1 km), which
/// silently moves incidents to neighbouring cells and, near the layer's outline, out of it. The check takes
/// evenly spaced rows (at most `sampleSize`, so the result does not depend on timing or threads) and counts
/// how many fall inside the layer as the datums were taken, and after each of the six conversions between
/// the three datums. A conversion is reported when it fits markedly better:
/// - the share inside rises by more than 2 percentage points and by more than 20 % of itself, or
/// - the incidents outside are at least halved and at least max(10, 0.2 % of the sample) more fall inside
///   (a jurisdiction's incidents lie inside it; a shift pushes those near its outline out).
/// Incidents spread well beyond the layer (a province's file against one district) change neither number
/// much under a shift, so they do not trigger a warning. The check never converts anything itself.
public enum DatumOffsetCheck {
    /// The most rows sampled; about 6 × 5,000 conversions and point lookups, a few milliseconds.
    public static let sampleSize = 5_000

    /// A pair of datums that fits the incidents to the layer markedly better than the ones assumed.
    public struct Finding: Sendable, Equatable {
        /// The `--datum` to suggest (the incidents' datum).
        public let incidentDatum: Datum
        /// The `--boundary-datum` to suggest (the layer's datum).
        public let layerDatum: Datum
        /// Rows sampled.
        public let sampled: Int
        /// Sampled incidents inside the layer with the datums as assumed, and with the suggested ones.
        public let insideAsAssumed: Int
        public let insideSuggested: Int
        /// The mean distance in metres the suggested datums move an incident compared with the assumed ones.
        public let shiftMetres: Double
    }

    /// Checks the incidents (`longitude`, `latitude` as read, in `incidentDatum` as assumed) against the layer
    /// indexed by `index` (in `layerDatum` as assumed); `nil` when no other pair of datums fits markedly better.
    public static func check(longitude: [Double], latitude: [Double], incidentDatum: Datum, layerDatum: Datum,
                             index: PolygonIndex) -> Finding? {
        let count = min(longitude.count, latitude.count)
        let n = min(count, sampleSize)
        guard n > 0 else { return nil }
        let rows = (0..<n).map { $0 * count / n }
        let points = rows.map { Point(x: longitude[$0], y: latitude[$0]) }

        // Candidate conversions in a fixed order; the first is "as given" (no conversion between the data).
        let pairs: [(Datum, Datum)] = [(incidentDatum, incidentDatum)]
            + Datum.allCases.flatMap { from in Datum.allCases.filter { $0 != from }.map { (from, $0) } }
        let assumed = DatumConversion.convert(points, from: incidentDatum, to: layerDatum)
        let measured = Parallel.map(pairs.count) { k -> (inside: Int, shift: Double) in
            let moved = DatumConversion.convert(points, from: pairs[k].0, to: pairs[k].1)
            return (moved.count { index.locate($0) >= 0 }, zip(moved, assumed).reduce(0) { $0 + metres($1.0, $1.1) } / Double(n))
        }
        let inside = measured.map(\.inside), shifts = measured.map(\.shift)
        let current = pairs.firstIndex { $0.0 == incidentDatum && $0.1 == layerDatum } ?? 0
        // The identity candidate stands for "both in the declared incidents' datum".
        var best = current
        for k in pairs.indices where inside[k] > inside[best] { best = k }
        let before = inside[current], after = inside[best]
        let gain = after - before
        let byShare = Double(gain) > 0.02 * Double(n) && Double(after) > 1.2 * Double(before)
        let byOutside = 2 * (n - after) <= n - before && gain >= max(10, n / 500)
        guard best != current, gain > 0, byShare || byOutside else { return nil }
        return Finding(incidentDatum: pairs[best].0, layerDatum: pairs[best].1, sampled: n,
                       insideAsAssumed: before, insideSuggested: after, shiftMetres: shifts[best])
    }

    /// Distance in metres between two nearby longitude/latitude points (equirectangular; exact enough at 1 km).
    static func metres(_ a: Point, _ b: Point) -> Double {
        let dx = (a.x - b.x) * 111_320 * cos((a.y + b.y) / 2 * .pi / 180)
        let dy = (a.y - b.y) * 110_574
        return (dx * dx + dy * dy).squareRoot()
    }
}
