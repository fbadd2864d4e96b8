import AtomicOutput
import Foundation

/// Class breaks for a classed map: the upper bound of each class, ascending, as mapclassify's `bins`.
///
/// Class k holds the values in (upperBounds[k − 1], upperBounds[k]]; class 0 also takes everything below its
/// bound and the last class everything above its bound, so a map shaded with breaks pinned from an earlier week
/// still gives every value a class.
public struct ClassBreaks: Sendable, Hashable {
    public let upperBounds: [Double]

    /// Throws `ClassBreaksError` unless the bounds are non-empty, finite and strictly ascending.
    public init(upperBounds: [Double]) throws {
        try self.init(checking: upperBounds, source: nil)
    }

    init(checking bounds: [Double], source: String?) throws {
        guard !bounds.isEmpty else { throw ClassBreaksError(source: source, message: "no class bounds") }
        for (k, bound) in bounds.enumerated() {
            guard bound.isFinite else {
                throw ClassBreaksError(source: source, message: "bound \(k + 1) is not a finite number")
            }
            if k > 0, bound <= bounds[k - 1] {
                throw ClassBreaksError(source: source, message:
                    "bound \(k + 1) (\(bound)) is not greater than bound \(k) (\(bounds[k - 1])); bounds must ascend")
            }
        }
        upperBounds = bounds
    }

    /// Already sorted and de-duplicated by a classifier.
    private init(sorted: [Double]) { upperBounds = sorted }

    public var classCount: Int { upperBounds.count }

    /// The class (0-based) of `value`: the first class whose upper bound is at least `value`, the last class
    /// for values above every bound. NaN has no class.
    public func classIndex(of value: Double) -> Int? {
        guard !value.isNaN else { return nil }
        var low = 0, high = upperBounds.count - 1
        while low < high {
            let mid = (low + high) / 2
            if value <= upperBounds[mid] { high = mid } else { low = mid + 1 }
        }
        return low
    }

    // MARK: Classifiers (mapclassify's definitions)

    /// Quantiles, as mapclassify's `Quantiles`: the bounds are the (100·i/k)-th percentiles, i = 1…k, with
    /// linear interpolation between order statistics (scipy's `scoreatpercentile`); repeated bounds merge, so
    /// heavily tied data gives fewer classes. Nil if no value is finite.
    public static func quantiles(_ values: [Double], classes: Int) -> ClassBreaks? {
        precondition(classes >= 1, "at least one class")
        let sorted = sortedFinite(values)
        guard !sorted.isEmpty else { return nil }
        var bounds: [Double] = []
        for i in 1...classes {
            let index = Double(i) / Double(classes) * Double(sorted.count - 1)
            let lower = Int(index.rounded(.down))
            let value = Double(lower) == index || lower + 1 >= sorted.count
                ? sorted[min(lower, sorted.count - 1)]
                : sorted[lower] * (Double(lower + 1) - index) + sorted[lower + 1] * (index - Double(lower))
            if bounds.last.map({ value > $0 }) ?? true { bounds.append(value) }
        }
        return ClassBreaks(sorted: bounds)
    }

    /// Equal intervals, as mapclassify's `EqualInterval`: k classes of width (max − min)/k; the last bound is
    /// the maximum itself. Nil if no value is finite or all values are equal.
    public static func equalInterval(_ values: [Double], classes: Int) -> ClassBreaks? {
        precondition(classes >= 1, "at least one class")
        let finite = values.filter(\.isFinite)
        guard let low = finite.min(), let high = finite.max(), high > low else { return nil }
        let width = (high - low) / Double(classes)
        // numpy's arange(min + width, …, width) computes start + i·step; the same expression keeps the bounds equal.
        var bounds = (0..<classes).map { (low + width) + Double($0) * width }
        bounds[classes - 1] = high
        return ClassBreaks(sorted: bounds)
    }

    /// Natural breaks (Fisher–Jenks): the partition of the sorted values into k contiguous classes with the
    /// least total within-class sum of squared deviations, found exactly by dynamic programming; the bounds are
    /// each class's largest value, as mapclassify's `FisherJenks` gives them. With fewer than k distinct values,
    /// one class per distinct value. Nil if no value is finite.
    ///
    /// The optimal split point is monotone in the class end (the squared-deviation cost satisfies the quadrangle
    /// inequality), so each of the k layers is solved by divide and conquer: O(k · n log n) time, O(k · n) memory.
    public static func naturalBreaks(_ values: [Double], classes: Int) -> ClassBreaks? {
        precondition(classes >= 1, "at least one class")
        let sorted = sortedFinite(values)
        guard let last = sorted.last else { return nil }
        var distinct = 1
        for i in 1..<sorted.count where sorted[i] != sorted[i - 1] { distinct += 1 }
        let k = min(classes, distinct)
        if k == 1 { return ClassBreaks(sorted: [last]) }
        let n = sorted.count
        // Prefix sums of values shifted by their mean, so the sum-of-squares difference cancels less.
        let shift = sorted.reduce(0, +) / Double(n)
        var s1 = [Double](repeating: 0, count: n + 1), s2 = s1
        for i in 0..<n {
            let v = sorted[i] - shift
            s1[i + 1] = s1[i] + v
            s2[i + 1] = s2[i] + v * v
        }
        /// Sum of squared deviations of sorted[i..<j].
        func cost(_ i: Int, _ j: Int) -> Double {
            let count = Double(j - i), sum = s1[j] - s1[i]
            return max(0, (s2[j] - s2[i]) - sum * sum / count)
        }
        // previous[j]: best cost of the first j values in c classes; split[c][j]: where the last class starts.
        var previous = (0...n).map { $0 == 0 ? 0 : cost(0, $0) }
        var split = [[Int32]](repeating: [], count: k)
        for c in 1..<k {
            var current = [Double](repeating: .infinity, count: n + 1)
            var start = [Int32](repeating: 0, count: n + 1)
            // Solve ends j in lo...hi knowing their best start lies in optLo...optHi.
            func solve(_ lo: Int, _ hi: Int, _ optLo: Int, _ optHi: Int) {
                guard lo <= hi else { return }
                let j = (lo + hi) / 2
                var best = Double.infinity, bestStart = optLo
                // The last class starts at i ≥ c (each earlier class needs a value) and ends at j − 1.
                let from = max(optLo, c), to = max(from, min(optHi, j - 1))
                for i in from...to {
                    let total = previous[i] + cost(i, j)
                    if total < best {
                        best = total
                        bestStart = i
                    }
                }
                current[j] = best
                start[j] = Int32(bestStart)
                solve(lo, j - 1, optLo, bestStart)
                solve(j + 1, hi, bestStart, optHi)
            }
            solve(c + 1, n, c, n - 1)
            split[c] = start
            previous = current
        }
        var bounds = [Double](repeating: last, count: k)
        var end = n
        for c in stride(from: k - 1, to: 0, by: -1) {
            let begin = Int(split[c][end])
            bounds[c - 1] = sorted[begin - 1]
            end = begin
        }
        return ClassBreaks(sorted: bounds)
    }

    // MARK: Pinned breaks file

    /// The breaks as a small JSON document, `{"upper_bounds": [b1, b2, …]}`, numbers written so they read back
    /// exactly.
    public var json: String {
        "{\"upper_bounds\": [" + upperBounds.map { "\($0)" }.joined(separator: ", ") + "]}\n"
    }

    /// Parses the JSON written by `json` (a bare array of numbers is accepted too); `source` names the file in
    /// errors.
    public init(json bytes: [UInt8], source: String) throws {
        struct Document: Decodable {
            let upper_bounds: [Double]
        }
        let bounds: [Double]
        if let document = try? JSONDecoder().decode(Document.self, from: Data(bytes)) {
            bounds = document.upper_bounds
        } else if let list = try? JSONDecoder().decode([Double].self, from: Data(bytes)) {
            bounds = list
        } else {
            throw ClassBreaksError(source: source, message:
                "expected {\"upper_bounds\": [numbers]} or a JSON array of numbers")
        }
        try self.init(checking: bounds, source: source)
    }

    /// Reads pinned breaks from a file written by `write(to:)`.
    public static func read(path: String) throws -> ClassBreaks {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ClassBreaksError(source: path, message: "cannot read the file")
        }
        return try ClassBreaks(json: [UInt8](data), source: path)
    }

    /// Writes the breaks to `path` atomically (temporary file, then rename).
    public func write(to path: String) throws {
        try writeAtomically(Array(json.utf8), to: path)
    }
}

/// Bad class breaks: which file (if any) and what is wrong.
public struct ClassBreaksError: Error, CustomStringConvertible, Sendable, Equatable {
    public let source: String?
    public let message: String

    public init(source: String?, message: String) {
        self.source = source
        self.message = message
    }

    public var description: String { (source.map { "\($0): " } ?? "") + "class breaks: " + message }
}
