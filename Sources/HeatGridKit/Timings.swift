import Dispatch

/// Wall-clock seconds per named stage, in the order the stages ran; printed by `--timings` as one JSON object.
public struct Timings: Sendable {
    public private(set) var stages: [(name: String, seconds: Double)] = []

    public init() {}

    /// Runs `body`, adds its duration to the stage `name` and returns its result.
    public mutating func measure<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
        let start = DispatchTime.now().uptimeNanoseconds
        defer { record(name, seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9) }
        return try body()
    }

    public mutating func record(_ name: String, seconds: Double) {
        if let i = stages.firstIndex(where: { $0.name == name }) {
            stages[i].seconds += seconds
        } else {
            stages.append((name, seconds))
        }
    }

    public var total: Double { stages.reduce(0) { $0 + $1.seconds } }

    /// `{"parse_cells":0.0123,...}` with six decimals, stages in run order.
    public var json: String {
        "{" + stages.map { "\"\($0.name)\":\(formatSeconds($0.seconds))" }.joined(separator: ",") + "}"
    }

    private func formatSeconds(_ s: Double) -> String {
        let micro = Int64((s * 1e6).rounded())
        let fraction = String(micro % 1_000_000)
        return "\(micro / 1_000_000)." + String(repeating: "0", count: 6 - fraction.count) + fraction
    }
}
