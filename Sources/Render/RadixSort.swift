// Sorting the millions of pixel values that histogram equalisation and class breaks need. Positive finite
// floating-point numbers order exactly as their bit patterns do, so a least-significant-digit radix sort on
// the bits sorts them in a few linear passes (a comparison sort of a 2048² surface takes a quarter second).

/// The positive finite values of `values`, ascending (zeros, negatives, NaN and infinities left out).
func sortedPositiveFinite(_ values: [Float]) -> [Float] {
    let keys = values.compactMap { $0 > 0 && $0.isFinite ? $0.bitPattern : nil }
    return radixSorted(keys).map { Float(bitPattern: $0) }
}

/// The finite values of `values`, ascending (NaN and infinities left out).
public func sortedFinite(_ values: [Double]) -> [Double] {
    // Flipping the sign bit of non-negative numbers and every bit of negative ones orders the bit patterns
    // as the values.
    let keys = values.compactMap { v -> UInt64? in
        guard v.isFinite else { return nil }
        return v.sign == .plus ? v.bitPattern | 1 << 63 : ~v.bitPattern
    }
    return radixSorted(keys).map { Double(bitPattern: $0 >> 63 == 1 ? $0 & ~(1 << 63) : ~$0) }
}

/// `keys` ascending, by 11-bit digits from the lowest; a digit every key shares costs one counting pass only.
func radixSorted<Key: FixedWidthInteger & UnsignedInteger>(_ keys: [Key]) -> [Key] {
    guard keys.count > 1 else { return keys }
    let digitBits = 11, radix = 1 << digitBits
    var source = keys
    var target = [Key](repeating: 0, count: keys.count)
    var counts = [Int](repeating: 0, count: radix)
    var shift = 0
    while shift < Key.bitWidth {
        for i in counts.indices { counts[i] = 0 }
        for key in source { counts[Int(truncatingIfNeeded: key >> Key(shift)) & (radix - 1)] += 1 }
        if counts.contains(source.count) {
            shift += digitBits
            continue
        }
        var total = 0
        for i in counts.indices { (counts[i], total) = (total, total + counts[i]) }
        source.withUnsafeBufferPointer { from in
            target.withUnsafeMutableBufferPointer { to in
                for key in from {
                    let digit = Int(truncatingIfNeeded: key >> Key(shift)) & (radix - 1)
                    to[counts[digit]] = key
                    counts[digit] += 1
                }
            }
        }
        swap(&source, &target)
        shift += digitBits
    }
    return source
}
