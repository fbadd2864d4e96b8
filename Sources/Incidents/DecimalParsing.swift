import DecimalText

/// Parsing decimal numbers in CSV fields straight from bytes, bit-identical to `strtod`: the grammar is checked
/// here, the conversion is `DecimalSignificand`'s.
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

    @inline(__always)
    static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

    /// Parses `[start, end)` as a decimal number, ignoring spaces and tabs around it.
    ///
    /// Accepted grammar: `[+-]? digits [. digits]? ([eE] [+-]? digits)?` with at least one digit before the
    /// exponent (`.5` and `5.` are fine). Hexadecimal floats are not numbers here.
    /// `readableEnd` (at or after `end`) bounds the bytes that may be loaded, eight at a time, past `end`.
    static func parse(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>,
                      readableEnd: UnsafePointer<UInt8>? = nil) -> Outcome {
        if let value = plainValue(start, end, readableEnd: readableEnd ?? end) { return .number(value) }
        return generalParse(start, end)
    }

    /// `parse` without the `plainValue` shortcut (tests compare the two).
    static func generalParse(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Outcome {
        var p = start
        var e = end
        while p < e && isBlank(p.pointee) { p += 1 }
        while e > p && isBlank((e - 1).pointee) { e -= 1 }
        if p == e { return .empty }
        let textStart = p
        var number = DecimalSignificand()
        if p.pointee == UInt8(ascii: "-") {
            number.negative = true
            p += 1
        } else if p.pointee == UInt8(ascii: "+") {
            p += 1
        }
        var sawDigit = false
        while p < e {
            let d = p.pointee &- 0x30
            if d > 9 { break }
            sawDigit = true
            number.appendIntegerDigit(d)
            p += 1
        }
        if p < e && p.pointee == UInt8(ascii: ".") {
            p += 1
            while p < e {
                let d = p.pointee &- 0x30
                if d > 9 { break }
                sawDigit = true
                number.appendFractionDigit(d)
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
            number.exponent10 += exponentNegative ? -explicit : explicit
        }
        if p != e { return .notANumber }
        return .number(number.exactValue ?? DecimalConversion.strtod(textStart, count: e - textStart))
    }

    /// Exact powers of ten 10^0 ... 10^22 (every one is a double).
    private static let exactPowersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// The common case of `parse`: `[-]digits[.digits]` filling `[start, end)` exactly, with at most 19 digits
    /// forming an integer of at most 2^53, and at most 22 of them in the fraction. Both that integer and the
    /// power of ten are exact doubles, so one division rounds correctly, the value `parse` gives by any other
    /// path. Anything else (blanks, `+`, exponents, long digit strings) returns nil for the general path.
    /// Digits are read eight at a time while eight bytes before `readableEnd` remain.
    @inline(__always)
    static func plainValue(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>,
                           readableEnd: UnsafePointer<UInt8>) -> Double? {
        var p = start
        guard p < end else { return nil }
        let negative = p.pointee == UInt8(ascii: "-")
        if negative { p += 1 }
        var m: UInt64 = 0
        let integerDigits = digitRun(&p, end, readableEnd, &m)
        var fractionDigits = 0
        if p < end && p.pointee == UInt8(ascii: ".") {
            p += 1
            fractionDigits = digitRun(&p, end, readableEnd, &m)
        }
        // At most 19 digits cannot wrap a UInt64 (longer runs may have wrapped `m`, and are refused).
        let digitCount = integerDigits + fractionDigits
        guard p == end, digitCount > 0, digitCount <= 19, m <= 1 << 53, fractionDigits <= 22 else { return nil }
        let magnitude = Double(m) / exactPowersOfTen[fractionDigits]
        return negative ? -magnitude : magnitude
    }

    /// 10^0 ... 10^8.
    private static let powersOfTen: [UInt64] = [1, 10, 100, 1000, 10000, 100_000, 1_000_000, 10_000_000, 100_000_000]

    /// Appends the digits from `p` up to the first non-digit or `end` to `m` (wrapping), moves `p` past them and
    /// returns how many there were; stops early once there are more than 19.
    @inline(__always)
    private static func digitRun(_ p: inout UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>,
                                 _ readableEnd: UnsafePointer<UInt8>, _ m: inout UInt64) -> Int {
        var count = 0
        while readableEnd - p >= 8 && p < end && count <= 19 {
            let word = UInt64(littleEndian: UnsafeRawPointer(p).loadUnaligned(as: UInt64.self))
            // A byte is a digit when its high nibble is 3 before and after adding 6; a byte of 0xFA or more
            // carries into the next byte, but is itself found first.
            let nonDigit = ((word & 0xF0F0_F0F0_F0F0_F0F0) ^ 0x3030_3030_3030_3030)
                | (((word &+ 0x0606_0606_0606_0606) & 0xF0F0_F0F0_F0F0_F0F0) ^ 0x3030_3030_3030_3030)
            let n = min(nonDigit == 0 ? 8 : nonDigit.trailingZeroBitCount >> 3, end - p)
            if n > 0 {
                // The n digits moved to the top bytes (first digit lowest); the zero bytes below are leading
                // zeros. Then pairs, quads and octets of digits are combined (Lemire's SWAR conversion).
                var v = (word << (64 - 8 * UInt64(n))) & 0x0F0F_0F0F_0F0F_0F0F
                v = (v &* 2561) >> 8 & 0x00FF_00FF_00FF_00FF
                v = (v &* 6_553_601) >> 16 & 0x0000_FFFF_0000_FFFF
                v = (v &* 42_949_672_960_001) >> 32
                m = m &* powersOfTen[n] &+ v
                p += n
                count += n
            }
            if n < 8 { return count }
        }
        while p < end {
            let d = p.pointee &- 0x30
            if d > 9 { break }
            m = m &* 10 &+ UInt64(d)
            p += 1
            count += 1
        }
        return count
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
