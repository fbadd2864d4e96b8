import Testing
import TestSupport
@testable import Render

/// The radix sorts behind histogram equalisation and class breaks give what a comparison sort gives.
@Suite struct RadixSortTests {
    static let specials: [Double] = [0, -0.0, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .greatestFiniteMagnitude,
                                     -.greatestFiniteMagnitude, .infinity, -.infinity, .nan, 1, 1, -1, 0x1p-1030]

    @Test func finiteDoublesSortLikeTheStandardLibrary() {
        var rng = SeededGenerator(seed: 41)
        let values = Self.specials + (0..<20_000).map { k -> Double in
            // Wide and narrow ranges, many ties.
            k % 3 == 0 ? Double(Int.random(in: -50...50, using: &rng)) : Double.random(in: -1e6...1e6, using: &rng) * (k % 2 == 0 ? 1e-200 : 1)
        }
        #expect(sortedFinite(values) == values.filter(\.isFinite).sorted())
        #expect(sortedFinite([]) == [])
        #expect(sortedFinite([.nan, .infinity]) == [])
    }

    @Test func positiveFloatsSortLikeTheStandardLibrary() {
        var rng = SeededGenerator(seed: 42)
        let values = Self.specials.map(Float.init) + (0..<20_000).map { k -> Float in
            k % 4 == 0 ? 0 : Float.random(in: -10...1e5, using: &rng)
        }
        #expect(sortedPositiveFinite(values) == values.filter { $0 > 0 && $0.isFinite }.sorted())
    }

    @Test func integerKeysOfEveryDigitSort() {
        var rng = SeededGenerator(seed: 43)
        let keys = (0..<5_000).map { _ in UInt64.random(in: 0...UInt64.max, using: &rng) } + [0, .max, 0, 1 << 63]
        #expect(radixSorted(keys) == keys.sorted())
        #expect(radixSorted([UInt32(7)]) == [7])
    }
}
