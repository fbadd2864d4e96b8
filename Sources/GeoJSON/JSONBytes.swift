import GeoCore

/// Appends JSON text to a byte array without building intermediate Strings.
struct JSONBytes {
    var bytes: [UInt8] = []

    /// 10^0 ... 10^15 as integers, for splitting a scaled coordinate into whole and fractional digits.
    private static let integerPowersOfTen: [Int64] = (0...15).map { exponent in
        (0..<exponent).reduce(Int64(1)) { power, _ in power * 10 }
    }

    @inline(__always)
    mutating func append(_ byte: UInt8) { bytes.append(byte) }

    @inline(__always)
    mutating func append(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Appends the decimal digits of `value`, zero-padded on the left to `minimumWidth`.
    @inline(__always)
    mutating func appendDigits(_ value: UInt64, minimumWidth: Int = 1) {
        var count = 1
        var rest = value
        while rest >= 10 {
            rest /= 10
            count += 1
        }
        count = max(count, minimumWidth)
        let start = bytes.count
        for _ in 0..<count { bytes.append(UInt8(ascii: "0")) }
        bytes.withUnsafeMutableBufferPointer { buffer in
            var i = start + count - 1
            var v = value
            while v != 0 {
                buffer[i] = UInt8(truncatingIfNeeded: v % 10) + UInt8(ascii: "0")
                v /= 10
                i -= 1
            }
        }
    }

    /// A coordinate rounded to `precision` decimals, shortest: no trailing zeros, no fraction when whole,
    /// `-0` as `0`. `scale` is 10^precision. Returns `false` for NaN or infinity, which JSON cannot hold.
    @inline(__always)
    mutating func appendCoordinate(_ value: Double, precision: Int, scale: Double) -> Bool {
        guard value.isFinite else { return false }
        let scaled = (value * scale).rounded()
        guard abs(scaled) < 9.0e18 else {
            // Beyond 19 digits the requested precision is finer than the double itself: print it as it is.
            append(shortest: value)
            return true
        }
        var units = Int64(scaled)
        if units == 0 {
            append(UInt8(ascii: "0"))
            return true
        }
        if units < 0 {
            append(UInt8(ascii: "-"))
            units = -units
        }
        let power = Self.integerPowersOfTen[precision]
        appendDigits(UInt64(units / power))
        var fraction = units % power
        if fraction != 0 {
            var digits = precision
            while fraction % 10 == 0 {
                fraction /= 10
                digits -= 1
            }
            append(UInt8(ascii: "."))
            appendDigits(UInt64(fraction), minimumWidth: digits)
        }
        return true
    }

    /// A property number: integral values without a fraction, others in the shortest form that reads back
    /// to the same double. Returns `false` for NaN or infinity.
    mutating func append(number value: Double) -> Bool {
        guard value.isFinite else { return false }
        if value == value.rounded(.towardZero) && abs(value) < 9.007_199_254_740_992e15 {
            let whole = Int64(value)
            if whole < 0 { append(UInt8(ascii: "-")) }
            appendDigits(whole.magnitude)
        } else {
            append(shortest: value)
        }
        return true
    }

    /// Swift's shortest round-trip form (`0.1`, `1e-07`, `1e+16`), which is also valid JSON.
    private mutating func append(shortest value: Double) {
        bytes.append(contentsOf: value.description.utf8)
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped, other text kept as UTF-8.
    mutating func append(string text: String) {
        append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): append("\\\"")
            case UInt8(ascii: "\\"): append("\\\\")
            case 0x0A: append("\\n")
            case 0x0D: append("\\r")
            case 0x09: append("\\t")
            case 0x08: append("\\b")
            case 0x0C: append("\\f")
            case 0..<0x20:
                append("\\u00")
                let hex: StaticString = "0123456789abcdef"
                append(hex.utf8Start[Int(byte >> 4)])
                append(hex.utf8Start[Int(byte & 0x0F)])
            default:
                bytes.append(byte)
            }
        }
        append(UInt8(ascii: "\""))
    }
}
