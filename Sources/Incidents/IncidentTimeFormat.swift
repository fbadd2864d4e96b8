/// How the times of an incident file are written.
///
/// - `iso`: ISO 8601 as `ISO8601Time` reads it (`T` or a space; an explicit offset wins over the zone);
/// - `excelSerialDays`: Excel serial days in the 1900 date system: serial 1 is 1900-01-01, serial 61 is 1900-03-01
///   (serial 60 is Excel's fictitious 1900-02-29 and is not a time); a fraction is the time of day, rounded to the
///   nearest second; local time in the file's zone;
/// - `epochSeconds`, `epochMilliseconds`: Unix time (UTC, the zone does not apply); a fraction is dropped (the
///   time is rounded down to its second);
/// - a pattern in strftime style: `%Y` four digits, `%m` `%d` `%H` `%M` `%S` one or two digits (exactly two next
///   to another field without a separator, as in `%Y%m%d`), `%%` a percent sign, a space any run of spaces
///   or tabs (also none after a non-ASCII character such as 日), any other character itself. The time of day may
///   be left out from the end: a value may stop after the date, after the minutes, or after a non-ASCII character
///   following the hour (`8时`); missing fields are zero. Seconds may carry a fraction, which is dropped. Local time
///   in the file's zone.
///
/// Without a format the reader detects one per file (see `IncidentCSVReader`).
public struct IncidentTimeFormat: Sendable, Hashable, CustomStringConvertible {
    enum Kind: Sendable, Hashable {
        case iso
        case excelSerialDays
        case epochSeconds
        case epochMilliseconds
        case pattern(TimePattern)
    }

    let kind: Kind

    init(kind: Kind) {
        self.kind = kind
    }

    /// ISO 8601 (`2026-03-01T08:05:00`, `2026-03-01 08:05`, `2026-03-01T00:05:00Z`, …).
    public static let iso = IncidentTimeFormat(kind: .iso)
    /// Excel serial days, 1900 date system (`45292.5` is 2024-01-01 12:00).
    public static let excelSerialDays = IncidentTimeFormat(kind: .excelSerialDays)
    /// Unix epoch seconds (`1772323500`).
    public static let epochSeconds = IncidentTimeFormat(kind: .epochSeconds)
    /// Unix epoch milliseconds (`1772323500000`).
    public static let epochMilliseconds = IncidentTimeFormat(kind: .epochMilliseconds)

    /// What `init(_:)` accepts, for help texts and error messages.
    public static let acceptedForms = "iso, excel, epoch, epoch_ms, or a pattern of %Y %m %d %H %M %S and literal "
        + "characters, e.g. \"%Y/%m/%d %H:%M\", \"%d/%m/%Y %H:%M\", \"%Y%m%d%H%M%S\" or \"%Y年%m月%d日 %H时%M分\""

    /// The format named by the user's `--time-format` text: `iso`, `excel`, `epoch`, `epoch_ms` (case-insensitive)
    /// or a strftime-style pattern holding `%Y`, `%m` and `%d` (see the type's documentation). Throws with a message
    /// listing the accepted forms for anything else.
    public init(_ text: String) throws(IncidentTimeOptionError) {
        switch IncidentCSVReader.normalizedName(text) {
        case "iso", "iso8601", "iso 8601": self = .iso
        case "excel": self = .excelSerialDays
        case "epoch", "epoch_s", "unix": self = .epochSeconds
        case "epoch_ms", "epoch-ms", "unix_ms": self = .epochMilliseconds
        default:
            do {
                self.init(kind: .pattern(try TimePattern(strftime: text)))
            } catch {
                throw IncidentTimeOptionError(
                    message: "cannot use the time format '\(text)': \(error.message); give "
                        + IncidentTimeFormat.acceptedForms)
            }
        }
    }

    /// A pattern compiled from strftime text the program itself spells (never invalid).
    static func builtIn(_ strftime: String) -> IncidentTimeFormat {
        IncidentTimeFormat(kind: .pattern(try! TimePattern(strftime: strftime)))
    }

    /// A human-readable description: `ISO 8601`, `Excel serial days (1900 date system)`, `Unix epoch seconds`,
    /// `Unix epoch milliseconds`, or the pattern in the usual letters with the parts that may be left out in
    /// brackets, e.g. `yyyy/M/d[ H:mm[:ss]]`.
    public var description: String {
        switch kind {
        case .iso: return "ISO 8601"
        case .excelSerialDays: return "Excel serial days (1900 date system)"
        case .epochSeconds: return "Unix epoch seconds"
        case .epochMilliseconds: return "Unix epoch milliseconds"
        case .pattern(let pattern): return pattern.description(through: nil)
        }
    }

    /// Unix seconds of `text` in this format, local times being in `zone`; nil when the text does not match.
    public func unixSeconds(_ text: String, zone: IncidentTimeZone = .shanghai) -> Int64? {
        var bytes = Array(text.utf8)
        bytes.append(0)
        return bytes.withUnsafeBufferPointer { b in
            TimeValueParser(format: self, zone: zone).parse(b.baseAddress!, b.baseAddress! + (b.count - 1))
        }
    }
}

/// A strftime-style pattern compiled to elements matched byte by byte.
struct TimePattern: Sendable, Hashable {
    enum Field: UInt8, Sendable, Hashable {
        case year, month, day, hour, minute, second

        var isDate: Bool { self == .year || self == .month || self == .day }

        /// The field in the usual letters (`MM` for a month of exactly two digits, `M` for one or two).
        func letters(twoDigits: Bool) -> String {
            switch self {
            case .year: return "yyyy"
            case .month: return twoDigits ? "MM" : "M"
            case .day: return twoDigits ? "dd" : "d"
            case .hour: return twoDigits ? "HH" : "H"
            case .minute: return "mm"
            case .second: return "ss"
            }
        }
    }

    enum Element: Sendable, Hashable {
        /// A field; `twoDigits`: exactly two digits (another field is next to it).
        case field(Field, twoDigits: Bool)
        /// One character's bytes.
        case literal([UInt8])
        /// A run of spaces or tabs: at least one, or any number after a non-ASCII literal.
        case blank(optional: Bool)
    }

    var elements: [Element]
    /// `canStop[i]`: a value may end after element `i` (the last element always may).
    var canStop: [Bool]
    /// The text the pattern was given as.
    var strftime: String

    struct Problem: Error {
        var message: String
    }

    init(strftime text: String) throws(Problem) {
        var elements: [Element] = []
        var seen: Set<Field> = []
        var scalars = Array(text.unicodeScalars)
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            if c == "%" {
                guard i + 1 < scalars.count else { throw Problem(message: "it ends with a lone %") }
                let field: Field
                switch scalars[i + 1] {
                case "Y": field = .year
                case "m": field = .month
                case "d": field = .day
                case "H": field = .hour
                case "M": field = .minute
                case "S": field = .second
                case "%":
                    elements.append(.literal([UInt8(ascii: "%")]))
                    i += 2
                    continue
                default: throw Problem(message: "%\(scalars[i + 1]) is not one of %Y %m %d %H %M %S %%")
                }
                guard seen.insert(field).inserted else { throw Problem(message: "%\(scalars[i + 1]) appears twice") }
                elements.append(.field(field, twoDigits: false))
                i += 2
            } else if c == " " || c == "\t" {
                while i < scalars.count && (scalars[i] == " " || scalars[i] == "\t") { i += 1 }
                var optional = false
                if case .literal(let bytes)? = elements.last, bytes.count > 1 { optional = true }
                elements.append(.blank(optional: optional))
            } else {
                elements.append(.literal(Array(String(c).utf8)))
                i += 1
            }
        }
        guard seen.contains(.year), seen.contains(.month), seen.contains(.day) else {
            throw Problem(message: "a pattern needs %Y, %m and %d")
        }
        if seen.contains(.second) && !seen.contains(.minute) || seen.contains(.minute) && !seen.contains(.hour) {
            throw Problem(message: "%S needs %M and %M needs %H")
        }
        // Fields next to another field (`%Y%m%d`) take exactly two digits.
        func isField(_ k: Int) -> Bool {
            guard elements.indices.contains(k), case .field = elements[k] else { return false }
            return true
        }
        for k in elements.indices {
            if case .field(let field, _) = elements[k], field != .year, isField(k - 1) || isField(k + 1) {
                elements[k] = .field(field, twoDigits: true)
            }
        }
        var canStop = [Bool](repeating: false, count: elements.count)
        var onlyClockAfter = true
        for k in elements.indices.reversed() {
            if k == elements.count - 1 {
                canStop[k] = true
            } else if onlyClockAfter {
                switch elements[k] {
                case .field(let field, _):
                    // Not before its own unit (日, 分, 秒): the value stops after that.
                    var unitFollows = false
                    if case .literal(let bytes) = elements[k + 1], bytes.count > 1 { unitFollows = true }
                    canStop[k] = field != .hour && !unitFollows
                case .literal(let bytes):
                    if bytes.count > 1, k > 0, case .field = elements[k - 1] { canStop[k] = true }
                case .blank: break
                }
            }
            if case .field(let field, _) = elements[k], field.isDate { onlyClockAfter = false }
        }
        self.elements = elements
        self.canStop = canStop
        self.strftime = text
    }

    /// The pattern in the usual letters: through element `last` when given (no brackets), else the whole pattern
    /// with the parts a value may leave out in brackets.
    func description(through last: Int?) -> String {
        var text = ""
        var open = 0
        let end = last ?? elements.count - 1
        for k in 0...end {
            switch elements[k] {
            case .field(let field, let twoDigits): text += field.letters(twoDigits: twoDigits)
            case .literal(let bytes): text += String(decoding: bytes, as: UTF8.self)
            case .blank: text += " "
            }
            if last == nil && canStop[k] && k < elements.count - 1 {
                text += "["
                open += 1
            }
        }
        return text + String(repeating: "]", count: open)
    }

    /// Local wall-clock seconds of the value filling `[p, e)` (blanks around it ignored) and the index of the
    /// element it ended after; nil when it does not match or names an impossible time.
    @inline(__always)
    func match(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> (local: Int64, last: Int)? {
        var p = start
        var e = end
        while p < e && DecimalParsing.isBlank(p.pointee) { p += 1 }
        while e > p && DecimalParsing.isBlank((e - 1).pointee) { e -= 1 }
        if p == e { return nil }
        var year: Int64 = 0, month: Int64 = 0, day: Int64 = 0, hour: Int64 = 0, minute: Int64 = 0, second: Int64 = 0
        var last = -1
        return elements.withUnsafeBufferPointer { elements -> (local: Int64, last: Int)? in
            var k = 0
            while k < elements.count {
                if p == e {
                    guard k > 0 && canStop[k - 1] else { return nil }
                    break
                }
                switch elements[k] {
                case .field(let field, let twoDigits):
                    var value: Int64 = 0
                    let maximum = field == .year ? 4 : 2
                    let minimum = field == .year || twoDigits ? maximum : 1
                    var n = 0
                    while n < maximum && p < e {
                        let d = p.pointee &- 0x30
                        if d > 9 { break }
                        value = value * 10 + Int64(d)
                        p += 1
                        n += 1
                    }
                    if n < minimum { return nil }
                    switch field {
                    case .year: year = value
                    case .month: month = value
                    case .day: day = value
                    case .hour: hour = value
                    case .minute: minute = value
                    case .second:
                        second = value
                        // A fraction of a second is dropped.
                        if p + 1 < e && (p.pointee == UInt8(ascii: ".") || p.pointee == UInt8(ascii: ","))
                            && p[1] &- 0x30 <= 9
                        {
                            p += 1
                            while p < e && p.pointee &- 0x30 <= 9 { p += 1 }
                        }
                    }
                case .literal(let bytes):
                    if e - p < bytes.count { return nil }
                    for (i, byte) in bytes.enumerated() where p[i] != byte { return nil }
                    p += bytes.count
                case .blank(let optional):
                    let blankStart = p
                    while p < e && DecimalParsing.isBlank(p.pointee) { p += 1 }
                    if p == blankStart && !optional { return nil }
                }
                last = k
                k += 1
            }
            if p != e { return nil }
            guard month >= 1, month <= 12, day >= 1, day <= ISO8601Time.daysInMonth(year, month), hour <= 23,
                  minute <= 59, second <= 59
            else { return nil }
            return (ISO8601Time.days(fromCivil: year, month, day) * 86_400 + hour * 3600 + minute * 60 + second, last)
        }
    }
}

/// Reads time values of one format in one zone: the per-row work of the CSV reader.
struct TimeValueParser: Sendable {
    enum Kind: Sendable {
        case iso
        case excelSerialDays
        case epochSeconds
        case epochMilliseconds
        case pattern(TimePattern)
        /// No format could be determined: every value is unreadable.
        case none
    }

    let kind: Kind
    let zone: IncidentTimeZone

    init(format: IncidentTimeFormat?, zone: IncidentTimeZone) {
        switch format?.kind {
        case .iso?: kind = .iso
        case .excelSerialDays?: kind = .excelSerialDays
        case .epochSeconds?: kind = .epochSeconds
        case .epochMilliseconds?: kind = .epochMilliseconds
        case .pattern(let pattern)?: kind = .pattern(pattern)
        case nil: kind = .none
        }
        self.zone = zone
    }

    /// Unix seconds of the value in `[p, e)`, or nil.
    @inline(__always)
    func parse(_ p: UnsafePointer<UInt8>, _ e: UnsafePointer<UInt8>) -> Int64? {
        switch kind {
        case .iso:
            return ISO8601Time.parse(p, e, zone: zone)
        case .pattern(let pattern):
            guard let local = pattern.match(p, e)?.local else { return nil }
            return zone.utcSeconds(local: local)
        case .excelSerialDays:
            guard let local = TimeValueParser.excelLocalSeconds(p, e) else { return nil }
            return zone.utcSeconds(local: local)
        case .epochSeconds:
            return TimeValueParser.epoch(p, e, scale: 1)
        case .epochMilliseconds:
            return TimeValueParser.epoch(p, e, scale: 1000)
        case .none:
            return nil
        }
    }

    /// Serial 1 = 1900-01-01; serial 61 = 1900-03-01 = 1899-12-30 + 61 days.
    static let excelDayZero: Int64 = -25_569  // days(fromCivil: 1899, 12, 30)
    /// Serials from 1 to the last day of 9999.
    static let excelSerialLimit: Double = 2_958_466

    /// Local seconds of an Excel serial day number (`45292`, `45292.5`); nil for serial 60 (the fictitious
    /// 1900-02-29), serials below 1 and beyond 9999-12-31, and text that is not a plain decimal.
    static func excelLocalSeconds(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Int64? {
        var p = start
        var e = end
        while p < e && DecimalParsing.isBlank(p.pointee) { p += 1 }
        while e > p && DecimalParsing.isBlank((e - 1).pointee) { e -= 1 }
        var whole: Int64 = 0
        var digits = 0
        while p < e && p.pointee &- 0x30 <= 9 && digits < 8 {
            whole = whole * 10 + Int64(p.pointee &- 0x30)
            p += 1
            digits += 1
        }
        if digits == 0 { return nil }
        // The fraction of a day as decimal digits, exactly (the first 12; more cannot move a second).
        var fraction: Int64 = 0
        var scale: Int64 = 1
        if p < e && p.pointee == UInt8(ascii: ".") {
            p += 1
            while p < e && p.pointee &- 0x30 <= 9 {
                if scale < 1_000_000_000_000 {
                    fraction = fraction * 10 + Int64(p.pointee &- 0x30)
                    scale *= 10
                }
                p += 1
            }
        }
        guard p == e, whole >= 1, whole != 60, Double(whole) < excelSerialLimit else { return nil }
        let day = whole < 60 ? excelDayZero + 1 + whole : excelDayZero + whole
        // Rounded to the nearest second (half a second up).
        return day * 86_400 + (fraction * 86_400 + scale / 2) / scale
    }

    /// Unix seconds of an integer count of `scale`-ths of seconds (an optional minus sign, an optional fraction
    /// that is dropped), rounded down to the second.
    static func epoch(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, scale: Int64) -> Int64? {
        var p = start
        var e = end
        while p < e && DecimalParsing.isBlank(p.pointee) { p += 1 }
        while e > p && DecimalParsing.isBlank((e - 1).pointee) { e -= 1 }
        var negative = false
        if p < e && p.pointee == UInt8(ascii: "-") {
            negative = true
            p += 1
        }
        var value: Int64 = 0
        var digits = 0
        while p < e && p.pointee &- 0x30 <= 9 {
            if digits >= 16 { return nil }
            value = value * 10 + Int64(p.pointee &- 0x30)
            p += 1
            digits += 1
        }
        if digits == 0 { return nil }
        var hasFraction = false
        if p < e && p.pointee == UInt8(ascii: ".") {
            p += 1
            while p < e && p.pointee &- 0x30 <= 9 {
                if p.pointee != UInt8(ascii: "0") { hasFraction = true }
                p += 1
            }
        }
        if p != e { return nil }
        if negative {
            // Rounded down: -1.5 s is -2 s.
            let whole = -value
            let seconds = ISO8601Time.floorDivide(whole, scale)
            return hasFraction && whole % scale == 0 ? seconds - 1 : seconds
        }
        return value / scale
    }
}
