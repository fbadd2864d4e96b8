/// Word-at-a-time (SWAR) byte searches: 8 bytes per step without SIMD intrinsics.
@usableFromInline
enum ByteScanning {
    @usableFromInline static let ones: UInt64 = 0x0101_0101_0101_0101
    @usableFromInline static let lows: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
    @usableFromInline static let highs: UInt64 = 0x8080_8080_8080_8080

    /// High bit set in each byte of `word` equal to `byte`, and in no other (exact, no false positives).
    @inlinable @inline(__always)
    static func matches(_ word: UInt64, _ byte: UInt8) -> UInt64 {
        let t = word ^ (ones &* UInt64(byte))
        return ~(((t & lows) &+ lows) | t) & highs
    }

    /// The number of `\n` bytes in `[p, p + n)` and whether a `"` is among them, 32 bytes per step: matching
    /// lanes are all ones (-1), so subtracting the mask counts them; 255 steps fit in a byte lane before it is
    /// summed.
    static func countNewlinesAndQuotes(_ p: UnsafePointer<UInt8>, _ n: Int) -> (newlines: Int, hasQuote: Bool) {
        var count = 0
        var quoteCount = 0
        var i = 0
        let raw = UnsafeRawPointer(p)
        let newline = SIMD32<UInt8>(repeating: 0x0A)
        let quote = SIMD32<UInt8>(repeating: 0x22)
        while i + 32 <= n {
            var lanes = SIMD32<UInt8>(repeating: 0)
            var quoteLanes = SIMD32<UInt8>(repeating: 0)
            var steps = 0
            while steps < 255 && i + 32 <= n {
                let v = raw.loadUnaligned(fromByteOffset: i, as: SIMD32<UInt8>.self)
                lanes &-= unsafeBitCast(v .== newline, to: SIMD32<UInt8>.self)
                quoteLanes &-= unsafeBitCast(v .== quote, to: SIMD32<UInt8>.self)
                i += 32
                steps += 1
            }
            for k in 0..<32 {
                count &+= Int(lanes[k])
                quoteCount &+= Int(quoteLanes[k])
            }
        }
        var hasQuote = quoteCount != 0
        while i < n {
            if p[i] == 0x0A { count &+= 1 }
            if p[i] == 0x22 { hasQuote = true }
            i += 1
        }
        return (count, hasQuote)
    }

    /// The first position in `[from, end)` holding `,` or `\n`, or `end`.
    @inline(__always)
    static func fieldEnd(_ base: UnsafePointer<UInt8>, from: Int, end: Int) -> Int {
        var p = from
        let raw = UnsafeRawPointer(base)
        while p + 8 <= end {
            let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: p, as: UInt64.self))
            let hits = matches(word, 0x2C) | matches(word, 0x0A)
            if hits != 0 { return p + hits.trailingZeroBitCount >> 3 }
            p += 8
        }
        while p < end {
            let c = base[p]
            if c == 0x2C || c == 0x0A { return p }
            p += 1
        }
        return end
    }
}
