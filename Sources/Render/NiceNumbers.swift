import Foundation

/// Round numbers for axes, legends and scale bars, and how to write them.
public enum NiceNumbers {
    /// A step of 1, 2, 2.5 or 5 × 10^k giving about `count` intervals over `span`.
    public static func step(span: Double, count: Int = 5) -> Double {
        guard span > 0, span.isFinite, count > 0 else { return 1 }
        let raw = span / Double(count)
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        let fraction = raw / magnitude
        let nice: Double = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10
        return nice * magnitude
    }

    /// Multiples of a nice step from `low` to `high` (both included when they fall on the step).
    public static func ticks(from low: Double, to high: Double, count: Int = 5) -> [Double] {
        guard high > low, low.isFinite, high.isFinite else { return low.isFinite ? [low] : [] }
        let step = step(span: high - low, count: count)
        // Round each multiple to the step's decimals, so 3 × 0.1 is 0.3, not 0.30000000000000004.
        let scale = pow(10, Double(decimals(forStep: step)))
        var k = (low / step).rounded(.up)
        var ticks: [Double] = []
        while k * step <= high + step * 1e-9 {
            let value = (k * step * scale).rounded() / scale
            ticks.append(value == 0 ? 0 : value)  // no "-0"
            k += 1
        }
        return ticks
    }

    /// The largest 1, 2 or 5 × 10^k not above `limit` (for scale bars); `limit` must be positive.
    public static func roundDown125(_ limit: Double) -> Double {
        guard limit > 0, limit.isFinite else { return 0 }
        let magnitude = pow(10, log10(limit).rounded(.down))
        for nice in [5.0, 2, 1] where nice * magnitude <= limit * (1 + 1e-12) { return nice * magnitude }
        return magnitude / 2  // unreachable: magnitude ≤ limit
    }

    /// `value` written for a label: at most `maximumDecimals` decimals, trailing zeros dropped, thousands
    /// grouped with commas and negatives with a real minus sign: 0, 12.5, 1,250, −3.
    public static func format(_ value: Double, maximumDecimals: Int = 2) -> String {
        guard value.isFinite else { return value.isNaN ? "–" : (value > 0 ? "∞" : "−∞") }
        let decimals = max(0, min(maximumDecimals, 10))
        var text = String(format: "%.\(decimals)f", abs(value))
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        let parts = text.split(separator: ".", maxSplits: 1)
        var integer = String(parts[0])
        var grouped = ""
        while integer.count > 3 {
            grouped = "," + integer.suffix(3) + grouped
            integer.removeLast(3)
        }
        grouped = integer + grouped
        if parts.count == 2 { grouped += "." + parts[1] }
        let isZero = grouped.allSatisfy { $0 == "0" || $0 == "." || $0 == "," }
        return value < 0 && !isZero ? "−" + grouped : grouped
    }

    /// The decimals needed to write every multiple of `step` exactly (2.5 → 1, 0.25 → 2, 50 → 0).
    public static func decimals(forStep step: Double) -> Int {
        guard step > 0, step.isFinite else { return 0 }
        for d in 0...6 {
            let scaled = step * pow(10, Double(d))
            if abs(scaled - scaled.rounded()) < 1e-6 * max(1, scaled) { return d }
        }
        return 6
    }
}
