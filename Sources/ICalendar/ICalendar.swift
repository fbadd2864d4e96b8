// iCalendar files (RFC 5545) that phone and desktop calendars open: one VCALENDAR of VEVENTs, times in UTC, text
// escaped, lines folded — written byte for byte the same for the same events.

/// One calendar event: a patrol visit, say.
public struct CalendarEvent: Sendable, Equatable {
    /// Globally unique and stable across runs (RFC 5545 §3.8.4.7): the same visit keeps its UID when regenerated, so
    /// a calendar updates it instead of adding a copy.
    public var uid: String
    /// Unix seconds (UTC).
    public var start: Int64
    public var end: Int64
    public var summary: String
    public var description: String?
    public var location: String?
    /// Latitude and longitude in degrees (RFC 5545 GEO), for a map link in the calendar app.
    public var latitude: Double?
    public var longitude: Double?

    public init(uid: String, start: Int64, end: Int64, summary: String, description: String? = nil,
                location: String? = nil, latitude: Double? = nil, longitude: Double? = nil) {
        precondition(end >= start, "an event ends after it starts")
        self.uid = uid
        self.start = start
        self.end = end
        self.summary = summary
        self.description = description
        self.location = location
        self.latitude = latitude
        self.longitude = longitude
    }
}

/// Writes an iCalendar object: CRLF line ends, content lines folded at 75 octets without splitting a UTF-8
/// character (§3.1), TEXT values with `\`, `;`, `,` and newlines escaped (§3.3.11), date-times in UTC form
/// `19980119T070000Z` (§3.3.5). `stamp` (DTSTAMP, required in every VEVENT) is given by the caller rather than
/// read from the clock, so the same plan gives the same bytes.
public enum ICalendar {
    public static func file(events: [CalendarEvent], name: String, productID: String, stamp: Int64) -> [UInt8] {
        var out: [UInt8] = []
        func line(_ text: String) { appendFolded(text, to: &out) }
        line("BEGIN:VCALENDAR")
        line("VERSION:2.0")
        line("PRODID:" + escape(productID))
        line("CALSCALE:GREGORIAN")
        line("METHOD:PUBLISH")
        line("X-WR-CALNAME:" + escape(name))
        for event in events {
            line("BEGIN:VEVENT")
            line("UID:" + escape(event.uid))
            line("DTSTAMP:" + dateTime(stamp))
            line("DTSTART:" + dateTime(event.start))
            line("DTEND:" + dateTime(event.end))
            line("SUMMARY:" + escape(event.summary))
            if let description = event.description { line("DESCRIPTION:" + escape(description)) }
            if let location = event.location { line("LOCATION:" + escape(location)) }
            if let latitude = event.latitude, let longitude = event.longitude, latitude.isFinite, longitude.isFinite {
                line("GEO:" + fixed(latitude) + ";" + fixed(longitude))
            }
            line("END:VEVENT")
        }
        line("END:VCALENDAR")
        return out
    }

    /// A TEXT value escaped: backslash, semicolon, comma, and line breaks as `\n`.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case ";": out += "\\;"
            case ",": out += "\\,"
            case "\r": out += "\\n"
            case "\n": if !previousWasCR { out += "\\n" }
            default: out.unicodeScalars.append(scalar)
            }
            previousWasCR = scalar == "\r"
        }
        return out
    }

    /// `yyyyMMdd'T'HHmmss'Z'` for Unix seconds.
    public static func dateTime(_ seconds: Int64) -> String {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let yearText = String(repeating: "0", count: max(0, 4 - String(year).count)) + String(year)
        return yearText + two(month) + two(day) + "T" + two(secondOfDay / 3600) + two(secondOfDay / 60 % 60)
            + two(secondOfDay % 60) + "Z"
    }

    /// Six decimals (about 0.1 m), no exponent.
    static func fixed(_ value: Double) -> String {
        let scaled = (abs(value) * 1_000_000).rounded()
        let whole = Int64(scaled) / 1_000_000, fraction = Int64(scaled) % 1_000_000
        let digits = String(fraction)
        return (value < 0 && scaled > 0 ? "-" : "") + "\(whole)." + String(repeating: "0", count: 6 - digits.count) + digits
    }

    /// A content line folded into lines of at most 75 octets: continuations start with one space (§3.1).
    static func appendFolded(_ line: String, to out: inout [UInt8]) {
        var width = 0
        for scalar in line.unicodeScalars {
            let bytes = Array(String(scalar).utf8)
            if width + bytes.count > 75 {
                out += [0x0D, 0x0A, 0x20]
                width = 1
            }
            out += bytes
            width += bytes.count
        }
        out += [0x0D, 0x0A]
    }
}
