import Glibc

/// The outcome of scanning one JSON number token.
enum NumberScan {
    case value(Double, end: Int)
    /// The token is not a JSON number; `end` is where scanning stopped.
    case malformed(end: Int)
    /// The token is a number whose magnitude overflows a double.
    case overflow(end: Int)
}

/// Exactly representable powers of ten, 10^0 ... 10^22.
private let exactPowersOfTen: [Double] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
]

/// 10^0 ... 10^19, every power of ten that fits a UInt64.
private let exactIntegerPowersOfTen: [UInt64] = (0...19).map { exponent in
    (0..<exponent).reduce(UInt64(1)) { power, _ in power * 10 }
}

/// `m / d` rounded to the nearest double (ties to even), for `m > 0` and `d > 0`.
///
/// Shifts `m` left so that the 64-bit quotient has at least 63 significant bits, then folds a non-zero
/// remainder into the quotient's lowest bit ("sticky bit"). That bit lies below the rounding bit, so the
/// one rounding of the integer-to-double conversion is the rounding of the exact quotient; the final
/// scaling by a power of two is exact.
@inline(__always)
func correctlyRoundedQuotient(_ m: UInt64, _ d: UInt64) -> Double {
    let shift = 63 - (64 - m.leadingZeroBitCount) + (64 - d.leadingZeroBitCount)  // 0 ... 126
    let high: UInt64 = shift == 0 ? 0 : (shift >= 64 ? m &<< UInt64(shift - 64) : m &>> UInt64(64 - shift))
    let low: UInt64 = shift >= 64 ? 0 : m &<< UInt64(shift)
    // m << shift < 2^(63 + bitlength(d)) <= d * 2^64, so the quotient fits 64 bits.
    let (quotient, remainder) = d.dividingFullWidth((high: high, low: low))
    let sticky: UInt64 = remainder == 0 ? 0 : 1
    return Double(quotient | sticky) * scaleByPowerOfTwo(-shift)
}

/// `m * p` rounded to the nearest double (ties to even), from the exact 128-bit product and a sticky bit.
@inline(__always)
func correctlyRoundedProduct(_ m: UInt64, _ p: UInt64) -> Double {
    let (high, low) = m.multipliedFullWidth(by: p)
    if high == 0 { return Double(low) }
    let zeros = high.leadingZeroBitCount
    // The top 64 bits of the product (its leading bit set) and whether anything below them is non-zero.
    let top = zeros == 0 ? high : (high &<< UInt64(zeros)) | (low &>> UInt64(64 - zeros))
    let rest = low &<< UInt64(zeros)
    let sticky: UInt64 = rest == 0 ? 0 : 1
    return Double(top | sticky) * scaleByPowerOfTwo(64 - zeros)
}

/// 2^exponent as a double, exactly, for -1022 ... 1023.
@inline(__always)
private func scaleByPowerOfTwo(_ exponent: Int) -> Double {
    Double(bitPattern: UInt64(1023 + exponent) << 52)
}

@inline(__always)
private func isDigit(_ c: UInt8) -> Bool { c &- 0x30 < 10 }

/// Scans the JSON number starting at `start` (a '-' or a digit) and converts it, bit-identical to `strtod`.
///
/// Up to 19 significant digits are gathered into an integer. When there are at most 15 of them and the
/// decimal exponent is within ±22, both the integer and the power of ten are exact doubles, so one
/// correctly rounded multiplication or division gives the correctly rounded result (Clinger's fast path).
/// With 16 to 19 digits and an exponent within ±19 the result comes from exact 128-bit integer arithmetic
/// instead (computed coordinates such as 30.604247000000004 are the common case). Everything else, such as
/// more than 19 digits or a large exponent, goes to `strtod` on a copy of the token.
@inline(__always)
func scanJSONNumber(_ base: UnsafePointer<UInt8>, from start: Int, to end: Int) -> NumberScan {
    var i = start
    var negative = false
    if i < end && base[i] == UInt8(ascii: "-") {
        negative = true
        i += 1
    }
    guard i < end else { return .malformed(end: i) }
    var mantissa: UInt64 = 0
    var significantDigits = 0
    var truncated = false
    var exponent10 = 0

    let first = base[i]
    if first == UInt8(ascii: "0") {
        i += 1
        if i < end && isDigit(base[i]) { return .malformed(end: i) }  // leading zeros are not JSON
    } else if isDigit(first) {
        while i < end {
            let d = base[i] &- 0x30
            if d >= 10 { break }
            if significantDigits < 19 {
                mantissa = mantissa &* 10 &+ UInt64(d)
                significantDigits += 1
            } else {
                truncated = true
                exponent10 += 1
            }
            i += 1
        }
    } else {
        return .malformed(end: i)
    }

    if i < end && base[i] == UInt8(ascii: ".") {
        i += 1
        guard i < end, isDigit(base[i]) else { return .malformed(end: i) }
        while i < end {
            let d = base[i] &- 0x30
            if d >= 10 { break }
            if mantissa == 0 && d == 0 {
                exponent10 -= 1  // leading zeros of a fraction are not significant
            } else if significantDigits < 19 {
                mantissa = mantissa &* 10 &+ UInt64(d)
                significantDigits += 1
                exponent10 -= 1
            } else {
                truncated = true
            }
            i += 1
        }
    }

    if i < end && (base[i] | 0x20) == UInt8(ascii: "e") {
        i += 1
        var exponentNegative = false
        if i < end && (base[i] == UInt8(ascii: "+") || base[i] == UInt8(ascii: "-")) {
            exponentNegative = base[i] == UInt8(ascii: "-")
            i += 1
        }
        guard i < end, isDigit(base[i]) else { return .malformed(end: i) }
        var explicit = 0
        while i < end {
            let d = base[i] &- 0x30
            if d >= 10 { break }
            if explicit < 1_000_000 { explicit = explicit * 10 + Int(d) }  // beyond this any double is 0 or inf
            i += 1
        }
        exponent10 += exponentNegative ? -explicit : explicit
    }

    if !truncated {
        if mantissa == 0 { return .value(negative ? -0.0 : 0.0, end: i) }
        if exponent10 == 0 {
            // Integer to double conversion rounds to nearest, as strtod does.
            let value = Double(mantissa)
            return .value(negative ? -value : value, end: i)
        }
        if significantDigits <= 15 && exponent10 >= -22 && exponent10 <= 22 {
            let m = Double(mantissa)
            let value = exponent10 < 0 ? m / exactPowersOfTen[-exponent10] : m * exactPowersOfTen[exponent10]
            return .value(negative ? -value : value, end: i)
        }
        if exponent10 >= -19 && exponent10 <= 19 {
            // 16 to 19 digits, as computed coordinates often have (30.604247000000004): exact integer arithmetic.
            let power = exactIntegerPowersOfTen[abs(exponent10)]
            let value = exponent10 < 0 ? correctlyRoundedQuotient(mantissa, power) : correctlyRoundedProduct(mantissa, power)
            return .value(negative ? -value : value, end: i)
        }
    }
    let value = strtodToken(base + start, count: i - start)
    return value.isFinite ? .value(value, end: i) : .overflow(end: i)
}

/// `strtod` on a copy of `count` bytes, NUL-terminated in a temporary (stack) buffer.
private func strtodToken(_ token: UnsafePointer<UInt8>, count: Int) -> Double {
    withUnsafeTemporaryAllocation(of: CChar.self, capacity: count + 1) { buffer -> Double in
        guard let out = buffer.baseAddress else { return .nan }
        UnsafeMutableRawPointer(out).copyMemory(from: token, byteCount: count)
        out[count] = 0
        // Swift programs start in the C locale and HeatGrid never calls setlocale, so '.' is the decimal point.
        return strtod(out, nil)
    }
}
