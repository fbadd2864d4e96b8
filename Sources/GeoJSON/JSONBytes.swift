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

    /// A position `[x,y]` with both coordinates rounded to `precision` decimals and printed shortest (no
    /// trailing zeros, no fraction when whole, `-0` as `0`); `scale` is 10^precision. The text is composed
    /// on the stack and appended at once. Returns `false` for NaN or infinity, which JSON cannot hold.
    @inline(__always)
    mutating func appendPosition(_ point: Point, precision: Int, scale: Double) -> Bool {
        guard point.x.isFinite && point.y.isFinite else { return false }
        let x = (point.x * scale).rounded(), y = (point.y * scale).rounded()
        guard abs(x) < 9.0e18 && abs(y) < 9.0e18 else {
            // Beyond 19 digits the requested precision is finer than the double itself: print them as they are.
            append(UInt8(ascii: "["))
            append(shortest: point.x)
            append(UInt8(ascii: ","))
            append(shortest: point.y)
            append(UInt8(ascii: "]"))
            return true
        }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { buffer in
            guard let base = buffer.baseAddress else { return }
            // Written right to left: "]", y, ",", x, "[".
            var i = 64
            i -= 1
            base[i] = UInt8(ascii: "]")
            i = Self.writeScaled(Int64(y), precision: precision, endingAt: i, in: base)
            i -= 1
            base[i] = UInt8(ascii: ",")
            i = Self.writeScaled(Int64(x), precision: precision, endingAt: i, in: base)
            i -= 1
            base[i] = UInt8(ascii: "[")
            bytes.append(contentsOf: UnsafeBufferPointer(start: base + i, count: 64 - i))
        }
        return true
    }

    /// Writes `units / 10^precision` in decimal so that it ends just before `end`; returns where it starts.
    /// At most 21 bytes: a sign, 19 digits and a point.
    @inline(__always)
    private static func writeScaled(_ units: Int64, precision: Int, endingAt end: Int,
                                    in base: UnsafeMutablePointer<UInt8>) -> Int {
        var i = end
        var rest = units.magnitude
        if rest == 0 {
            i -= 1
            base[i] = UInt8(ascii: "0")  // also for -0 and values that round to zero
            return i
        }
        var fractionDigits = precision
        while fractionDigits > 0 && rest % 10 == 0 {
            rest /= 10
            fractionDigits -= 1
        }
        if fractionDigits > 0 {
            for _ in 0..<fractionDigits {
                i -= 1
                base[i] = UInt8(truncatingIfNeeded: rest % 10) &+ UInt8(ascii: "0")
                rest /= 10
            }
            i -= 1
            base[i] = UInt8(ascii: ".")
        }
        repeat {
            i -= 1
            base[i] = UInt8(truncatingIfNeeded: rest % 10) &+ UInt8(ascii: "0")
            rest /= 10
        } while rest != 0
        if units < 0 {
            i -= 1
            base[i] = UInt8(ascii: "-")
        }
        return i
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
        var text = text
        text.withUTF8 { utf8 in
            // Copy runs of plain bytes in one go; only the rare characters that need escaping go one by one.
            var runStart = 0
            for i in 0..<utf8.count {
                let byte = utf8[i]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<i]))
                appendEscaped(byte)
                runStart = i + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
        }
        append(UInt8(ascii: "\""))
    }

    private mutating func appendEscaped(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): append("\\\"")
        case UInt8(ascii: "\\"): append("\\\\")
        case 0x0A: append("\\n")
        case 0x0D: append("\\r")
        case 0x09: append("\\t")
        case 0x08: append("\\b")
        case 0x0C: append("\\f")
        default:
            append("\\u00")
            let hex: StaticString = "0123456789abcdef"
            append(hex.utf8Start[Int(byte >> 4)])
            append(hex.utf8Start[Int(byte & 0x0F)])
        }
    }
}
