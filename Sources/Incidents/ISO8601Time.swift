/// ISO 8601 date-times read from bytes and written as text, as Unix seconds (UTC).
///
/// Accepted forms: `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM`, `YYYY-MM-DDTHH:MM:SS`, `YYYY-MM-DDTHH:MM:SS.fff` (any number
/// of fraction digits, truncated to whole seconds), with a space allowed in place of `T`, followed by an optional
/// offset `Z`, `±HH:MM`, `±HHMM` or `±HH`. Without an offset the time is China Standard Time (Asia/Shanghai,
/// UTC+8, no daylight saving since 1991) for `unixSeconds(_:)`, and local to the given zone for
/// `unixSeconds(_:zone:)` (what the CSV reader uses, with `IncidentCSVOptions.timeZone`). Leap seconds (`:60`)
/// and `24:00` are rejected. Spaces and tabs around the text are ignored.
public enum ISO8601Time {
    /// Offset used when the text has none: UTC+8.
    public static let defaultOffsetSeconds: Int64 = 8 * 3600

    /// Unix seconds for the text, or nil if it is not one of the accepted forms or names an impossible instant.
    public static func unixSeconds(_ text: String) -> Int64? {
        var bytes = Array(text.utf8)
        bytes.append(0)
        return bytes.withUnsafeBufferPointer { b in
            parse(b.baseAddress!, b.baseAddress! + (b.count - 1))
        }
    }

    /// ISO 8601 text with a `+08:00` offset, e.g. `2026-01-05T08:00:00+08:00`.
    public static func format(_ unixSeconds: Int64) -> String {
        var bytes: [UInt8] = []
        append(unixSeconds, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the `+08:00` ISO 8601 text of `unixSeconds` to `bytes`.
    public static func append(_ unixSeconds: Int64, to bytes: inout [UInt8]) {
        append(unixSeconds, offsetSeconds: defaultOffsetSeconds, to: &bytes)
    }

    /// ISO 8601 text on `zone`'s clock with the offset in force then, e.g. `2026-03-29T03:30:00+02:00`: a
    /// time read back the same anywhere, a night across a daylight-saving change unambiguous.
    public static func format(_ unixSeconds: Int64, zone: IncidentTimeZone) -> String {
        var bytes: [UInt8] = []
        append(unixSeconds, offsetSeconds: zone.offsetSeconds(utc: unixSeconds), to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the ISO 8601 text of `unixSeconds` on a clock `offsetSeconds` east of UTC (whole minutes).
    public static func append(_ unixSeconds: Int64, offsetSeconds: Int64, to bytes: inout [UInt8]) {
        let local = unixSeconds + offsetSeconds
        let days = floorDivide(local, 86_400)
        let secondOfDay = local - days * 86_400
        let (year, month, day) = civil(fromDays: days)
        appendDigits(year, count: 4, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        appendDigits(month, count: 2, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        appendDigits(day, count: 2, to: &bytes)
        bytes.append(UInt8(ascii: "T"))
        appendDigits(secondOfDay / 3600, count: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        appendDigits(secondOfDay / 60 % 60, count: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        appendDigits(secondOfDay % 60, count: 2, to: &bytes)
        let east = abs(offsetSeconds) / 60
        bytes.append(UInt8(ascii: offsetSeconds < 0 ? "-" : "+"))
        appendDigits(east / 60, count: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        appendDigits(east % 60, count: 2, to: &bytes)
    }

    /// Appends `value` in decimal, zero-padded to at least `count` digits, without allocating.
    private static func appendDigits(_ value: Int64, count: Int, to bytes: inout [UInt8]) {
        if value < 0 {
            bytes.append(UInt8(ascii: "-"))
            appendDigits(-value, count: count, to: &bytes)
            return
        }
        var width = 1
        var limit: Int64 = 10
        while width < 19 && value >= limit {
            width += 1
            limit = limit &* 10
        }
        width = max(width, count)
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: width))
        var v = value
        var i = start + width - 1
        while v > 0 {
            bytes[i] = UInt8(v % 10) + 0x30
            v /= 10
            i -= 1
        }
    }

    @inline(__always)
    static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    /// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    @inline(__always)
    static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = floorDivide(y, 400)
        let yearOfEra = y - era * 400
        let monthIndex = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * monthIndex + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The inverse of `days(fromCivil:)` (Hinnant's `civil_from_days`).
    static func civil(fromDays z0: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = z0 + 719_468
        let era = floorDivide(z, 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    @inline(__always)
    static func daysInMonth(_ year: Int64, _ month: Int64) -> Int64 {
        switch month {
        case 2: return (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Reads `count` ASCII digits at `p` (caller checked the length), or nil if one is not a digit.
    @inline(__always)
    private static func digits(_ p: UnsafePointer<UInt8>, _ count: Int) -> Int64? {
        var value: Int64 = 0
        for i in 0..<count {
            let d = p[i] &- 0x30
            if d > 9 { return nil }
            value = value * 10 + Int64(d)
        }
        return value
    }

    /// Parses `[start, end)`; see the type's documentation for the accepted forms.
    static func parse(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Int64? {
        if let seconds = fullFormSeconds(start, end) { return seconds }
        return generalParse(start, end)
    }

    /// Unix seconds for the text, a time without an offset being local to `zone` (an explicit offset wins).
    public static func unixSeconds(_ text: String, zone: IncidentTimeZone) -> Int64? {
        var bytes = Array(text.utf8)
        bytes.append(0)
        return bytes.withUnsafeBufferPointer { b in
            parse(b.baseAddress!, b.baseAddress! + (b.count - 1), zone: zone)
        }
    }

    /// `parse`, a time without an offset being local to `zone`.
    @inline(__always)
    static func parse(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, zone: IncidentTimeZone) -> Int64? {
        // The shortcut with the zone's last offset is right for times with an offset, and for times without one
        // from where that offset holds.
        if let seconds = fullFormSeconds(start, end, defaultOffset: zone.finalOffset), seconds >= zone.finalFromAsUTC {
            return seconds
        }
        guard let parts = generalParts(start, end) else { return nil }
        return parts.hasOffset ? parts.seconds : zone.utcSeconds(local: parts.seconds)
    }

    /// `parse` without the `fullFormSeconds` shortcut (tests compare the two).
    static func generalParse(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Int64? {
        generalParts(start, end).map { $0.hasOffset ? $0.seconds : $0.seconds - defaultOffsetSeconds }
    }

    /// The general parser's answer: Unix seconds when the text has an offset, else local wall-clock seconds
    /// (seconds since 1970-01-01T00:00 of the local calendar).
    static func generalParts(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>)
        -> (seconds: Int64, hasOffset: Bool)?
    {
        var p = start
        var e = end
        while p < e && DecimalParsing.isBlank(p.pointee) { p += 1 }
        while e > p && DecimalParsing.isBlank((e - 1).pointee) { e -= 1 }
        guard e - p >= 10, p[4] == UInt8(ascii: "-"), p[7] == UInt8(ascii: "-"),
              let year = digits(p, 4), let month = digits(p + 5, 2), let day = digits(p + 8, 2),
              month >= 1, month <= 12, day >= 1, day <= daysInMonth(year, month)
        else { return nil }
        p += 10
        var secondOfDay: Int64 = 0
        var offset: Int64 = 0
        var hasOffset = false
        if p < e {
            guard p.pointee == UInt8(ascii: "T") || p.pointee == UInt8(ascii: "t") || p.pointee == UInt8(ascii: " "),
                  e - p >= 6, p[3] == UInt8(ascii: ":"),
                  let hour = digits(p + 1, 2), let minute = digits(p + 4, 2), hour <= 23, minute <= 59
            else { return nil }
            p += 6
            var second: Int64 = 0
            if p < e && p.pointee == UInt8(ascii: ":") {
                guard e - p >= 3, let s = digits(p + 1, 2), s <= 59 else { return nil }
                second = s
                p += 3
                if p < e && (p.pointee == UInt8(ascii: ".") || p.pointee == UInt8(ascii: ",")) {
                    p += 1
                    let fractionStart = p
                    while p < e && p.pointee &- 0x30 <= 9 { p += 1 }
                    if p == fractionStart { return nil }
                }
            }
            secondOfDay = hour * 3600 + minute * 60 + second
            if p < e {
                guard let parsed = parseOffset(p, e) else { return nil }
                offset = parsed
                hasOffset = true
            }
        }
        return (days(fromCivil: year, month, day) * 86_400 + secondOfDay - offset, hasOffset)
    }

    /// The commonest form, `YYYY-MM-DDTHH:MM:SS` with no offset, `Z` or `±HH:MM`, filling `[p, e)` exactly and
    /// valid, checked eight bytes at a time; nil for anything else (then `parse` takes its general path, which
    /// gives the same seconds for these texts and decides whether the others are valid).
    @inline(__always)
    static func fullFormSeconds(_ p: UnsafePointer<UInt8>, _ e: UnsafePointer<UInt8>) -> Int64? {
        fullFormSeconds(p, e, defaultOffset: defaultOffsetSeconds)
    }

    /// `fullFormSeconds` with `defaultOffset` (seconds east of UTC) for a text without an offset.
    @inline(__always)
    static func fullFormSeconds(_ p: UnsafePointer<UInt8>, _ e: UnsafePointer<UInt8>, defaultOffset: Int64) -> Int64? {
        let length = e - p
        guard length == 19 || length == 20 || length == 25 else { return nil }
        // Little-endian words: byte k of the text is bits 8k..8k+7.
        let date = load(p, 0)  // YYYY-MM-
        let clock = load(p, 11)  // HH:MM:SS
        let dayHigh = p[8] &- 0x30
        let dayLow = p[9] &- 0x30
        let separator = p[10]
        guard allDigits(date, 0x00FF_FF00_FFFF_FFFF), date & 0xFF00_00FF_0000_0000 == 0x2D00_002D_0000_0000,
              allDigits(clock, 0xFFFF_00FF_FF00_FFFF), clock & 0x0000_FF00_00FF_0000 == 0x0000_3A00_003A_0000,
              dayHigh <= 9, dayLow <= 9,
              separator == UInt8(ascii: "T") || separator == UInt8(ascii: "t") || separator == UInt8(ascii: " ")
        else { return nil }
        // Byte k of the pair word is 10 × digit k + digit k + 1 (at most 99: no carries between bytes).
        let datePairs = pairs((date &- 0x0030_3000_3030_3030) & 0x00FF_FF00_FFFF_FFFF)
        let clockPairs = pairs((clock &- 0x3030_0030_3000_3030) & 0xFFFF_00FF_FF00_FFFF)
        let year = byte(datePairs, 0) * 100 + byte(datePairs, 2)
        let month = byte(datePairs, 5)
        let day = Int64(dayHigh) * 10 + Int64(dayLow)
        let hour = byte(clockPairs, 0)
        let minute = byte(clockPairs, 3)
        let second = byte(clockPairs, 6)
        var offset = defaultOffset
        if length == 20 {
            guard p[19] == UInt8(ascii: "Z") || p[19] == UInt8(ascii: "z") else { return nil }
            offset = 0
        } else if length == 25 {
            let zone = load(p, 17)  // SS±HH:MM
            let sign = p[19]
            guard sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-"), allDigits(zone, 0xFFFF_00FF_FF00_0000),
                  zone & 0x0000_FF00_0000_0000 == 0x0000_3A00_0000_0000
            else { return nil }
            let zonePairs = pairs((zone &- 0x3030_0030_3000_0000) & 0xFFFF_00FF_FF00_0000)
            let offsetHours = byte(zonePairs, 3)
            let offsetMinutes = byte(zonePairs, 6)
            guard offsetHours <= 18, offsetMinutes <= 59 else { return nil }
            offset = (offsetHours * 3600 + offsetMinutes * 60) * (sign == UInt8(ascii: "-") ? -1 : 1)
        }
        guard month >= 1, month <= 12, day >= 1, day <= daysInMonth(year, month), hour <= 23, minute <= 59,
              second <= 59
        else { return nil }
        let table = year - firstTabulatedYear
        let dayNumber = table >= 0 && table < tabulatedYears
            ? Int64(monthStartDays[Int(table) * 12 + Int(month) - 1]) + day - 1
            : days(fromCivil: year, month, day)
        return dayNumber * 86_400 + hour * 3600 + minute * 60 + second - offset
    }

    private static let firstTabulatedYear: Int64 = 1970
    private static let tabulatedYears: Int64 = 130
    /// `days(fromCivil:)` of the first day of each month of 1970 ... 2099, month by month.
    private static let monthStartDays: [Int32] = (0..<Int(tabulatedYears) * 12).map {
        Int32(days(fromCivil: firstTabulatedYear + Int64($0 / 12), Int64($0 % 12 + 1), 1))
    }

    /// Digit bytes (0 ... 9, zero elsewhere) combined in pairs: byte k becomes 10 × byte k + byte k + 1.
    @inline(__always)
    private static func pairs(_ digits: UInt64) -> UInt64 { digits &* 10 &+ digits >> 8 }

    @inline(__always)
    private static func byte(_ word: UInt64, _ k: UInt64) -> Int64 { Int64((word >> (8 * k)) & 0xFF) }

    @inline(__always)
    private static func load(_ p: UnsafePointer<UInt8>, _ offset: Int) -> UInt64 {
        UInt64(littleEndian: UnsafeRawPointer(p + offset).loadUnaligned(as: UInt64.self))
    }

    /// Whether every byte of `word` selected by `mask` (0xFF bytes) is an ASCII digit: its high nibble is 3
    /// before and after adding 6 (a byte of 0xFA or more may carry into the next, but fails the first test).
    @inline(__always)
    private static func allDigits(_ word: UInt64, _ mask: UInt64) -> Bool {
        let high = 0xF0F0_F0F0_F0F0_F0F0 & mask
        let three = 0x3030_3030_3030_3030 & mask
        return word & high == three && ((word & mask) &+ (0x0606_0606_0606_0606 & mask)) & high == three
    }

    /// `Z`, `±HH:MM`, `±HHMM` or `±HH` filling exactly `[p, e)`, as seconds east of UTC.
    private static func parseOffset(_ p: UnsafePointer<UInt8>, _ e: UnsafePointer<UInt8>) -> Int64? {
        let length = e - p
        if length == 1 && (p.pointee == UInt8(ascii: "Z") || p.pointee == UInt8(ascii: "z")) { return 0 }
        guard p.pointee == UInt8(ascii: "+") || p.pointee == UInt8(ascii: "-") else { return nil }
        let sign: Int64 = p.pointee == UInt8(ascii: "-") ? -1 : 1
        guard length >= 3, let hours = digits(p + 1, 2), hours <= 18 else { return nil }
        var minutes: Int64 = 0
        switch length {
        case 3: break
        case 5:
            guard let m = digits(p + 3, 2) else { return nil }
            minutes = m
        case 6:
            guard p[3] == UInt8(ascii: ":"), let m = digits(p + 4, 2) else { return nil }
            minutes = m
        default: return nil
        }
        guard minutes <= 59 else { return nil }
        return sign * (hours * 3600 + minutes * 60)
    }
}
