/// SplitMix64 (Steele, Lea & Flood 2014): the same stream on every platform, so a seed pins a plan. Streams for
/// independent pieces of work (a shift, a unit) are seeded from the plan's seed and the piece's numbers, never
/// shared between threads.
struct PatrolRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64, stream: UInt64 = 0) {
        state = seed ^ (stream &* 0xD1B5_4A32_D192_ED03)
        _ = next()
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1), from the top 53 bits.
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }

    /// Uniform in `0..<bound` (bound > 0); the modulo bias is below 2⁻⁴⁰ for the bounds used here.
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}
