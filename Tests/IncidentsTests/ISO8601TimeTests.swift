import Testing
@testable import Incidents

@Suite("ISO 8601 time parsing")
struct ISO8601TimeTests {
    @Test(arguments: [
        ("2026-01-05T00:00:00+08:00", Int64(1_767_542_400)),
        ("2026-01-05T00:00:00", 1_767_542_400),  // no offset: China Standard Time
        ("2026-01-05 00:00", 1_767_542_400),
        ("2026-01-05", 1_767_542_400),
        ("2026-01-04T16:00:00Z", 1_767_542_400),
        ("2026-01-04t16:00:00z", 1_767_542_400),
        ("2026-01-05T00:00:00+0800", 1_767_542_400),
        ("2026-01-05T00:00:00+08", 1_767_542_400),
        ("2026-01-05T00:00:00.999+08:00", 1_767_542_400),
        ("  2026-01-05T00:00:00+08:00 ", 1_767_542_400),
        ("1970-01-01T00:00:00Z", 0),
        ("1969-12-31T23:59:59Z", -1),
        ("2000-03-01T00:00:00-05:30", 951_888_600),
        ("2024-02-29T00:00:00+08:00", 1_709_136_000),
        ("2026-12-31T23:59:59+08:00", 1_798_732_799),
        ("1900-03-01T00:00:00Z", -2_203_891_200),
        ("9999-12-31T23:59:59Z", 253_402_300_799),
        ("0001-01-01T00:00:00Z", -62_135_596_800),
    ])
    func knownInstants(text: String, seconds: Int64) {
        #expect(ISO8601Time.unixSeconds(text) == seconds)
    }

    @Test(arguments: [
        "", "2026", "2026-01", "2026-1-05", "2026-13-01", "2026-00-10", "2026-01-00", "2026-01-32",
        "2025-02-29", "1900-02-29", "2026-04-31", "2026-01-05T24:00", "2026-01-05T23:60", "2026-01-05T23:59:60",
        "2026-01-05T8:00", "2026-01-05T08", "2026-01-05T08:00:00.", "2026-01-05T08:00:00+8",
        "2026-01-05T08:00:00+08:0", "2026-01-05T08:00:00+19:00", "2026-01-05T08:00:00+08:60",
        "2026-01-05T08:00:00 +08:00", "2026-01-05X08:00", "05/01/2026", "2026/01/05", "20260105",
    ])
    func invalidTextsAreRejected(text: String) {
        #expect(ISO8601Time.unixSeconds(text) == nil)
    }

    @Test func leapDays() {
        #expect(ISO8601Time.unixSeconds("2024-02-29") != nil)
        #expect(ISO8601Time.unixSeconds("2000-02-29") != nil)
        #expect(ISO8601Time.unixSeconds("2025-02-29") == nil)
        #expect(ISO8601Time.unixSeconds("2100-02-29") == nil)
    }

    @Test func formatRoundTrips() {
        #expect(ISO8601Time.format(1_767_542_400) == "2026-01-05T00:00:00+08:00")
        #expect(ISO8601Time.format(-1) == "1970-01-01T07:59:59+08:00")
        for seconds in stride(from: Int64(-3_000_000_000), through: 4_000_000_000, by: 7_777_777) {
            #expect(ISO8601Time.unixSeconds(ISO8601Time.format(seconds)) == seconds)
        }
    }

    @Test func formatOnAZonesClock() throws {
        let newYork = try IncidentTimeZone(identifier: "America/New_York")
        // 2026-03-08 06:30 UTC is 01:30 EST; 07:30 UTC is 03:30 EDT (the clocks went forward at 02:00).
        #expect(ISO8601Time.format(1_772_951_400, zone: newYork) == "2026-03-08T01:30:00-05:00")
        #expect(ISO8601Time.format(1_772_955_000, zone: newYork) == "2026-03-08T03:30:00-04:00")
        #expect(ISO8601Time.format(1_767_542_400, zone: .shanghai) == "2026-01-05T00:00:00+08:00")
        let kathmandu = try IncidentTimeZone(identifier: "Asia/Kathmandu")
        #expect(ISO8601Time.format(0, zone: .utc) == "1970-01-01T00:00:00+00:00")
        #expect(ISO8601Time.format(1_767_542_400, zone: kathmandu).hasSuffix("+05:45"))
        for seconds in stride(from: Int64(1_700_000_000), through: 1_800_000_000, by: 7_777_777) {
            #expect(ISO8601Time.unixSeconds(ISO8601Time.format(seconds, zone: newYork)) == seconds)
        }
    }

    @Test func civilDaysAgreeBothWays() {
        for days in stride(from: Int64(-800_000), through: 800_000, by: 997) {
            let (y, m, d) = ISO8601Time.civil(fromDays: days)
            #expect(ISO8601Time.days(fromCivil: y, m, d) == days)
        }
    }
}
