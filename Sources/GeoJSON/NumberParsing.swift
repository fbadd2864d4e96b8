import DecimalText

/// The outcome of scanning one JSON number token.
enum NumberScan {
    case value(Double, end: Int)
    /// The token is not a JSON number; `end` is where scanning stopped.
    case malformed(end: Int)
    /// The token is a number whose magnitude overflows a double.
    case overflow(end: Int)
}

@inline(__always)
private func isDigit(_ c: UInt8) -> Bool { c &- 0x30 < 10 }

/// Scans the JSON number starting at `start` (a '-' or a digit) and converts it, bit-identical to `strtod`
/// (the grammar is JSON's; the conversion is `DecimalSignificand`'s).
@inline(__always)
func scanJSONNumber(_ base: UnsafePointer<UInt8>, from start: Int, to end: Int) -> NumberScan {
    var i = start
    var number = DecimalSignificand()
    if i < end && base[i] == UInt8(ascii: "-") {
        number.negative = true
        i += 1
    }
    guard i < end else { return .malformed(end: i) }

    let first = base[i]
    if first == UInt8(ascii: "0") {
        i += 1
        if i < end && isDigit(base[i]) { return .malformed(end: i) }  // leading zeros are not JSON
    } else if isDigit(first) {
        while i < end {
            let d = base[i] &- 0x30
            if d >= 10 { break }
            number.appendIntegerDigit(d)
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
            number.appendFractionDigit(d)
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
        number.exponent10 += exponentNegative ? -explicit : explicit
    }

    if let value = number.exactValue { return .value(value, end: i) }
    let value = DecimalConversion.strtod(base + start, count: i - start)
    return value.isFinite ? .value(value, end: i) : .overflow(end: i)
}
