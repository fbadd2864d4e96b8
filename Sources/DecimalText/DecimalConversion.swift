import Glibc

/// Decimal text to `Double`, bit-identical to `strtod`, for the byte-level parsers (GeoJSON, CSV).
///
/// Each parser checks its own grammar and gathers the digits into a `DecimalSignificand`; this type turns them
/// into the correctly rounded double without building a `String`:
/// - at most 15 significant digits and a power of ten within ±22: both are exact doubles, so one IEEE multiply
///   or divide rounds once (Clinger's fast path);
/// - 16 to 19 digits and a power within ±19 (computed coordinates such as 30.604247000000004): exact 128-bit
///   integer arithmetic with a sticky bit;
/// - anything else (more than 19 digits, large exponents): `strtod` on a copy of the token.
public struct DecimalSignificand: Sendable {
    /// Up to 19 significant digits as an integer.
    public var digits: UInt64 = 0
    public var digitCount = 0
    /// The value is `digits × 10^exponent10` (before dropped digits).
    public var exponent10 = 0
    /// A non-zero digit beyond the 19th was dropped, so `digits` alone is not the value.
    public var truncated = false
    public var negative = false

    @inlinable
    public init() {}

    /// Appends one decimal digit of the integer part.
    @inlinable
    public mutating func appendIntegerDigit(_ d: UInt8) {
        if digitCount < 19 {
            if digits != 0 || d != 0 {
                digits = digits &* 10 &+ UInt64(d)
                digitCount += 1
            }
        } else {
            exponent10 += 1
            if d != 0 { truncated = true }
        }
    }

    /// Appends one decimal digit of the fraction.
    @inlinable
    public mutating func appendFractionDigit(_ d: UInt8) {
        if digitCount < 19 {
            if digits != 0 || d != 0 {
                digits = digits &* 10 &+ UInt64(d)
                digitCount += 1
            }
            exponent10 -= 1
        } else if d != 0 {
            truncated = true
        }
    }

    /// The correctly rounded value, or `nil` when only `strtod` can say (then call `DecimalConversion.strtod`).
    @inlinable
    public var exactValue: Double? {
        if digits == 0 && !truncated { return negative ? -0.0 : 0.0 }
        guard !truncated else { return nil }
        let magnitude: Double
        if exponent10 == 0 {
            magnitude = Double(digits)  // integer-to-double rounds to nearest, as strtod does
        } else if digitCount <= 15 && exponent10 >= -22 && exponent10 <= 22 {
            let m = Double(digits)
            magnitude = exponent10 < 0
                ? m / DecimalConversion.exactPowersOfTen[-exponent10] : m * DecimalConversion.exactPowersOfTen[exponent10]
        } else if exponent10 >= -19 && exponent10 <= 19 {
            let power = DecimalConversion.integerPowersOfTen[abs(exponent10)]
            magnitude = exponent10 < 0
                ? DecimalConversion.correctlyRoundedQuotient(digits, power)
                : DecimalConversion.correctlyRoundedProduct(digits, power)
        } else {
            return nil
        }
        return negative ? -magnitude : magnitude
    }
}

public enum DecimalConversion {
    /// Exactly representable powers of ten, 10^0 ... 10^22.
    @usableFromInline
    static let exactPowersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// 10^0 ... 10^19, every power of ten that fits a UInt64.
    @usableFromInline
    static let integerPowersOfTen: [UInt64] = (0...19).map { exponent in
        (0..<exponent).reduce(UInt64(1)) { power, _ in power * 10 }
    }

    /// `m / d` rounded to the nearest double (ties to even), for `m > 0` and `d > 0`.
    ///
    /// Shifts `m` left so that the 64-bit quotient has at least 63 significant bits, then folds a non-zero
    /// remainder into the quotient's lowest bit ("sticky bit"). That bit lies below the rounding bit, so the
    /// one rounding of the integer-to-double conversion is the rounding of the exact quotient; the final
    /// scaling by a power of two is exact.
    @inlinable
    static func correctlyRoundedQuotient(_ m: UInt64, _ d: UInt64) -> Double {
        let shift = 63 - (64 - m.leadingZeroBitCount) + (64 - d.leadingZeroBitCount)  // 0 ... 126
        let high: UInt64 = shift == 0 ? 0 : (shift >= 64 ? m &<< UInt64(shift - 64) : m &>> UInt64(64 - shift))
        let low: UInt64 = shift >= 64 ? 0 : m &<< UInt64(shift)
        // m << shift < 2^(63 + bitlength(d)) <= d * 2^64, so the quotient fits 64 bits.
        let (quotient, remainder) = d.dividingFullWidth((high: high, low: low))
        let sticky: UInt64 = remainder == 0 ? 0 : 1
        return Double(quotient | sticky) * powerOfTwo(-shift)
    }

    /// `m * p` rounded to the nearest double (ties to even), from the exact 128-bit product and a sticky bit.
    @inlinable
    static func correctlyRoundedProduct(_ m: UInt64, _ p: UInt64) -> Double {
        let (high, low) = m.multipliedFullWidth(by: p)
        if high == 0 { return Double(low) }
        let zeros = high.leadingZeroBitCount
        // The top 64 bits of the product (its leading bit set) and whether anything below them is non-zero.
        let top = zeros == 0 ? high : (high &<< UInt64(zeros)) | (low &>> UInt64(64 - zeros))
        let rest = low &<< UInt64(zeros)
        let sticky: UInt64 = rest == 0 ? 0 : 1
        return Double(top | sticky) * powerOfTwo(64 - zeros)
    }

    /// 2^exponent as a double, exactly, for -1022 ... 1023.
    @inlinable
    static func powerOfTwo(_ exponent: Int) -> Double {
        Double(bitPattern: UInt64(1023 + exponent) << 52)
    }

    /// `strtod` on a NUL-terminated copy of `count` bytes (on the stack when short). The caller has checked the
    /// grammar, so the whole token is a number.
    public static func strtod(_ token: UnsafePointer<UInt8>, count: Int) -> Double {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: count + 1) { buffer -> Double in
            guard let out = buffer.baseAddress else { return .nan }
            UnsafeMutableRawPointer(out).copyMemory(from: token, byteCount: count)
            out[count] = 0
            // Swift programs start in the C locale and HeatGrid never calls setlocale, so '.' is the decimal point.
            return Glibc.strtod(out, nil)
        }
    }
}
