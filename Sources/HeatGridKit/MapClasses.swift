import Render

/// How a classed map's breaks are chosen: `natural:5`, `quantiles:5` or `equal:5` on the command line.
public struct ClassSpec: Sendable, Hashable {
    public enum Method: String, Sendable, CaseIterable {
        case natural, quantiles, equal
    }

    public let method: Method
    public let count: Int

    public init(method: Method, count: Int) {
        self.method = method
        self.count = count
    }

    /// Parses `METHOD:COUNT` (count 2…12); `nil` when the text is not of that form.
    public init?(_ text: String) {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let method = Method(rawValue: String(parts[0])), let count = Int(parts[1]),
              (2...12).contains(count) else { return nil }
        self.init(method: method, count: count)
    }

    /// Natural breaks are a dynamic programme over the sorted values: above this many, they are computed on an
    /// evenly spaced sample of the sorted values (as mapclassify's FisherJenksSampled does), which keeps a
    /// 2048² surface to a fraction of a second and moves the breaks by less than the sample's spacing.
    static let naturalBreaksSample = 20_000

    /// The breaks of the positive, finite `values` (a density surface's empty pixels do not vote); `nil` when
    /// there is no such value.
    public func breaks(of values: [Double]) -> ClassBreaks? {
        var positive = sortedFinite(values.filter { $0 > 0 })
        guard !positive.isEmpty else { return nil }
        switch method {
        case .quantiles: return ClassBreaks.quantiles(positive, classes: count)
        case .equal: return ClassBreaks.equalInterval(positive, classes: count)
        case .natural:
            if positive.count > Self.naturalBreaksSample {
                let step = Double(positive.count - 1) / Double(Self.naturalBreaksSample - 1)
                positive = (0..<Self.naturalBreaksSample).map { positive[Int((Double($0) * step).rounded())] }
            }
            return ClassBreaks.naturalBreaks(positive, classes: count)
        }
    }
}
