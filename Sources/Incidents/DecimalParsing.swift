import Glibc

/// Parsing decimal numbers straight from bytes, bit-identical to `strtod`.
///
/// Clinger's fast path: when the significant digits form an integer `m <= 2^53` and the decimal exponent `e`
/// satisfies `|e| <= 22`, both `m` and `10^|e|` are exact doubles, so one IEEE multiply or divide rounds once and
/// gives the correctly rounded result (the same one `strtod` gives). Everything else (long digit strings, huge
/// exponents) is copied to a stack buffer and handed to `strtod`.
enum DecimalParsing {
    /// The result of reading one number field.
    enum Outcome: Equatable {
        case number(Double)
        case empty
        case notANumber
        /// The text spells NaN (`nan`, `NaN`).
        case nan
        /// The text spells infinity (`inf`, `infinity`, with a sign).
        case infinite
    }

    /// Exact powers of ten representable as doubles.
    @usableFromInline
    static let exactPowersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    @inline(__always)
    static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

    /// Parses `[start, end)` as a decimal number, ignoring spaces and tabs around it.
    ///
    /// Accepted grammar: `[+-]? digits [. digits]? ([eE] [+-]? digits)?` with at least one digit before the
    /// exponent (`.5` and `5.` are fine). Hexadecimal floats are not numbers here.
    static func parse(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Outcome {
        var p = start
        var e = end
        while p < e && isBlank(p.pointee) { p += 1 }
        while e > p && isBlank((e - 1).pointee) { e -= 1 }
        if p == e { return .empty }
        let textStart = p
        var negative = false
        if p.pointee == UInt8(ascii: "-") {
            negative = true
            p += 1
        } else if p.pointee == UInt8(ascii: "+") {
            p += 1
        }
        var mantissa: UInt64 = 0
        var significantDigits = 0  // digits accumulated into `mantissa`, leading zeros excluded
        var droppedDigits = 0  // integer digits past 19 that did not fit (each multiplies by 10)
        var nonzeroDropped = false
        var exponent = 0
        var sawDigit = false
        while p < e {
            let d = p.pointee &- 0x30
            if d > 9 { break }
            sawDigit = true
            if significantDigits < 19 {
                if mantissa != 0 || d != 0 {
                    mantissa = mantissa &* 10 &+ UInt64(d)
                    significantDigits += 1
                }
            } else {
                droppedDigits += 1
                if d != 0 { nonzeroDropped = true }
            }
            p += 1
        }
        exponent += droppedDigits
        if p < e && p.pointee == UInt8(ascii: ".") {
            p += 1
            while p < e {
                let d = p.pointee &- 0x30
                if d > 9 { break }
                sawDigit = true
                if significantDigits < 19 {
                    if mantissa != 0 || d != 0 {
                        mantissa = mantissa &* 10 &+ UInt64(d)
                        significantDigits += 1
                    }
                    exponent -= 1
                } else if d != 0 {
                    nonzeroDropped = true
                }
                p += 1
            }
        }
        if !sawDigit { return spelledSpecial(textStart, e) }
        if p < e && (p.pointee | 0x20) == UInt8(ascii: "e") {
            p += 1
            var exponentNegative = false
            if p < e && (p.pointee == UInt8(ascii: "-") || p.pointee == UInt8(ascii: "+")) {
                exponentNegative = p.pointee == UInt8(ascii: "-")
                p += 1
            }
            var explicit = 0
            var sawExponentDigit = false
            while p < e {
                let d = p.pointee &- 0x30
                if d > 9 { break }
                sawExponentDigit = true
                if explicit < 100_000 { explicit = explicit * 10 + Int(d) }
                p += 1
            }
            if !sawExponentDigit { return .notANumber }
            exponent += exponentNegative ? -explicit : explicit
        }
        if p != e { return .notANumber }
        if mantissa == 0 { return .number(negative ? -0.0 : 0.0) }
        if !nonzeroDropped && mantissa <= (1 << 53) && exponent >= -22 && exponent <= 22 {
            let m = Double(mantissa)
            let value = exponent >= 0 ? m * exactPowersOfTen[exponent] : m / exactPowersOfTen[-exponent]
            return .number(negative ? -value : value)
        }
        return .number(slowPath(textStart, e))
    }

    /// `strtod` on a NUL-terminated copy; the grammar was checked already, so the whole text is consumed.
    private static func slowPath(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Double {
        let length = end - start
        if length < 128 {
            return withUnsafeTemporaryAllocation(of: CChar.self, capacity: 128) { buffer in
                let base = buffer.baseAddress!
                UnsafeMutableRawPointer(base).copyMemory(from: start, byteCount: length)
                base[length] = 0
                return strtod(base, nil)
            }
        }
        var copy = [CChar](repeating: 0, count: length + 1)
        copy.withUnsafeMutableBytes { $0.baseAddress!.copyMemory(from: start, byteCount: length) }
        return copy.withUnsafeBufferPointer { strtod($0.baseAddress!, nil) }
    }

    /// Recognises `nan` and `inf`/`infinity` (any case, optional sign) so they get their own reject reason.
    private static func spelledSpecial(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Outcome {
        var p = start
        if p < end && (p.pointee == UInt8(ascii: "-") || p.pointee == UInt8(ascii: "+")) { p += 1 }
        var word: [UInt8] = []
        while p < end && word.count < 9 {
            word.append(p.pointee | 0x20)
            p += 1
        }
        if p != end { return .notANumber }
        if word == Array("nan".utf8) { return .nan }
        if word == Array("inf".utf8) || word == Array("infinity".utf8) { return .infinite }
        return .notANumber
    }

    /// Convenience for tests and small inputs.
    static func parse(_ text: String) -> Outcome {
        var bytes = Array(text.utf8)
        bytes.append(0)
        return bytes.withUnsafeBufferPointer { b in
            parse(b.baseAddress!, b.baseAddress! + (b.count - 1))
        }
    }
}
