import Testing
import TestSupport
@testable import Incidents

// Expected instants were computed independently with Python's zoneinfo, e.g.
//   python3 -c "from datetime import *; from zoneinfo import ZoneInfo; \
//               print(int(datetime(2026,3,1,8,5,tzinfo=ZoneInfo('Asia/Shanghai')).timestamp()))"
// and checked with `date -d '2026-03-01 08:05 +0800' +%s` (1772323500).

/// 2026-03-01 08:05:00 in Asia/Shanghai.
private let march1At0805: Int64 = 1_772_323_500
/// 2026-03-01 08:05:09 in Asia/Shanghai.
private let march1At080509: Int64 = 1_772_323_509
/// 2026-03-01 00:00 in Asia/Shanghai.
private let march1: Int64 = 1_772_294_400
/// 2026-03-13 09:00 in Asia/Shanghai.
private let march13At0900: Int64 = 1_773_363_600

@Suite("Time formats")
struct TimeFormatTests {
    static let shanghai = IncidentTimeZone.shanghai

    @Test(arguments: [
        // ISO 8601
        ("iso", "2026-03-01T08:05:00", march1At0805),
        ("iso", "2026-03-01 08:05", march1At0805),
        ("iso", "2026-03-01T00:05:00Z", march1At0805),  // an explicit offset wins over the zone
        ("iso", "2026-03-01", march1),
        // yyyy/M/d, yyyy-M-d, yyyy.M.d with optional time and seconds
        ("%Y/%m/%d %H:%M:%S", "2026/3/1 8:05", march1At0805),
        ("%Y/%m/%d %H:%M:%S", "2026/03/01 08:05:09", march1At080509),
        ("%Y/%m/%d %H:%M:%S", "2026/3/1", march1),
        ("%Y/%m/%d %H:%M:%S", " 2026/3/1  8:05:09.750 ", march1At080509),  // fraction dropped, blanks ignored
        ("%Y-%m-%d %H:%M:%S", "2026-3-1 8:05", march1At0805),
        ("%Y-%m-%d %H:%M:%S", "2026-3-1", march1),
        ("%Y.%m.%d %H:%M:%S", "2026.3.1 8:05:09", march1At080509),
        ("%Y.%m.%d %H:%M:%S", "2026.3.1", march1),
        // Chinese dates, with Chinese or colon times, with or without a space after 日
        ("%Y年%m月%d日 %H时%M分%S秒", "2026年3月1日 8时5分", march1At0805),
        ("%Y年%m月%d日 %H时%M分%S秒", "2026年3月1日8时5分9秒", march1At080509),
        ("%Y年%m月%d日 %H时%M分%S秒", "2026年03月01日", march1),
        ("%Y年%m月%d日 %H:%M:%S", "2026年3月1日 8:05", march1At0805),
        // digits only
        ("%Y%m%d", "20260301", march1),
        ("%Y%m%d%H%M%S", "20260301080509", march1At080509),
        ("%Y%m%d%H%M%S", "202603010805", march1At0805),
        // year last: day first and month first, with / - .
        ("%d/%m/%Y %H:%M", "1/3/2026 8:05", march1At0805),
        ("%m/%d/%Y %H:%M", "3/1/2026 8:05", march1At0805),
        ("%d-%m-%Y %H:%M", "01-03-2026 08:05", march1At0805),
        ("%m-%d-%Y %H:%M", "3-13-2026 9:00", march13At0900),
        ("%d.%m.%Y %H:%M", "13.3.2026 9:00", march13At0900),
        ("%m.%d.%Y", "3.1.2026", march1),
        // Excel serial days (46082 = 2026-03-01) and Unix epochs
        ("excel", "46082.3368055556", march1At0805),  // 08:05 is 485/1440 of a day, rounded to the second
        ("excel", "46094.375", march13At0900),
        ("epoch", "1772323500", march1At0805),
        ("epoch", "1772323500.9", march1At0805),
        ("epoch_ms", "1772323500000", march1At0805),
        ("epoch_ms", "1772323509999", march1At080509),
    ])
    func knownInstantsInShanghai(format: String, text: String, seconds: Int64) throws {
        let parsed = try IncidentTimeFormat(format)
        #expect(parsed.unixSeconds(text, zone: Self.shanghai) == seconds, "\(format): \(text)")
    }

    @Test(arguments: [
        ("%Y/%m/%d %H:%M:%S", "2026/13/1"), ("%Y/%m/%d %H:%M:%S", "2026/2/29"), ("%Y/%m/%d %H:%M:%S", "2026/3/1 24:00"),
        ("%Y/%m/%d %H:%M:%S", "2026/3/1 8"), ("%Y/%m/%d %H:%M:%S", "2026/3/1 8:"), ("%Y/%m/%d %H:%M:%S", "2026/3/1x"),
        ("%Y/%m/%d %H:%M:%S", "26/3/1"), ("%Y/%m/%d %H:%M:%S", "2026/3/1 8:05:60"), ("%Y/%m/%d %H:%M:%S", ""),
        ("%Y/%m/%d %H:%M:%S", "2026/123/1"), ("%Y/%m/%d %H:%M:%S", "2026/3/18:05"),
        ("%Y%m%d", "2026031"), ("%Y%m%d", "202603011"), ("%Y%m%d", "20260230"),
        ("%d/%m/%Y %H:%M", "3/13/2026 9:00"), ("iso", "2026/3/1"),
        ("excel", "60"), ("excel", "0"), ("excel", "-5"), ("excel", "45292.5.1"), ("excel", "3e4"),
        ("epoch", "17723235x"), ("epoch", ""), ("epoch_ms", "1.2.3"),
    ])
    func unreadableTexts(format: String, text: String) throws {
        #expect(try IncidentTimeFormat(format).unixSeconds(text, zone: Self.shanghai) == nil, "\(format): \(text)")
    }

    /// The 1900 date system, read in UTC (Excel serials are wall-clock days; the zone applies as to any local time).
    @Test func excelSerialDays() throws {
        let utc = IncidentTimeZone.utc
        let excel = IncidentTimeFormat.excelSerialDays
        #expect(excel.unixSeconds("45292", zone: utc) == 1_704_067_200)  // 2024-01-01T00:00Z
        #expect(excel.unixSeconds("45292.5", zone: utc) == 1_704_110_400)  // 2024-01-01T12:00Z
        #expect(excel.unixSeconds("45292", zone: .shanghai) == 1_704_038_400)  // 2024-01-01T00:00+08:00
        #expect(excel.unixSeconds("1", zone: utc) == -2_208_988_800)  // 1900-01-01
        #expect(excel.unixSeconds("59", zone: utc) == -2_203_977_600)  // 1900-02-28
        #expect(excel.unixSeconds("60", zone: utc) == nil)  // Excel's fictitious 1900-02-29: not a time
        #expect(excel.unixSeconds("61", zone: utc) == -2_203_891_200)  // 1900-03-01
        // A fraction rounds to the nearest second: 0.00001 day = 0.864 s, 0.000005 day = 0.432 s.
        #expect(excel.unixSeconds("45292.00001", zone: utc) == 1_704_067_201)
        #expect(excel.unixSeconds("45292.000005", zone: utc) == 1_704_067_200)
        #expect(excel.unixSeconds("45292.99999999", zone: utc) == 1_704_153_600)  // rounds up to the next midnight
    }

    @Test func epochTimesIgnoreTheZone() throws {
        let york = try IncidentTimeZone(identifier: "America/New_York")
        #expect(IncidentTimeFormat.epochSeconds.unixSeconds("1772323500", zone: york) == march1At0805)
        #expect(IncidentTimeFormat.epochMilliseconds.unixSeconds("1772323500000", zone: york) == march1At0805)
        #expect(IncidentTimeFormat.epochMilliseconds.unixSeconds("-1500", zone: york) == -2)  // rounded down
        #expect(IncidentTimeFormat.epochSeconds.unixSeconds("-1.5", zone: york) == -2)
        #expect(IncidentTimeFormat.epochSeconds.unixSeconds("0", zone: york) == 0)
    }

    @Test func formatTextsAndDescriptions() throws {
        #expect(try IncidentTimeFormat("iso") == .iso)
        #expect(try IncidentTimeFormat(" Excel ") == .excelSerialDays)
        #expect(try IncidentTimeFormat("epoch") == .epochSeconds)
        #expect(try IncidentTimeFormat("EPOCH_MS") == .epochMilliseconds)
        #expect(try IncidentTimeFormat("%Y/%m/%d %H:%M").description == "yyyy/M/d[ H:mm]")
        #expect(try IncidentTimeFormat("%d/%m/%Y %H:%M:%S").description == "d/M/yyyy[ H:mm[:ss]]")
        #expect(try IncidentTimeFormat("%Y%m%d%H%M%S").description == "yyyyMMdd[HHmm[ss]]")
        #expect(try IncidentTimeFormat("%Y年%m月%d日 %H时%M分%S秒").description == "yyyy年M月d日[ H时[mm分[ss秒]]]")
        #expect(try IncidentTimeFormat("%Y-%m-%dT%H:%M").description == "yyyy-M-d[TH:mm]")
        #expect(try IncidentTimeFormat("%Y%%%m%%%d").unixSeconds("2026%3%1") == march1)
        for bad in ["", "%Y/%m", "%Y/%m/%d %Q", "%Y/%m/%d %", "%Y/%m/%d/%Y", "%Y/%m/%d %M:%S", "yyyy/M/d"] {
            let error = #expect(throws: IncidentTimeOptionError.self, "\(bad)") { try IncidentTimeFormat(bad) }
            #expect(error?.message.hasPrefix("cannot use the time format '\(bad)': ") == true)
            #expect(error?.message.hasSuffix("; give " + IncidentTimeFormat.acceptedForms) == true)
        }
        let error = #expect(throws: IncidentTimeOptionError.self) { try IncidentTimeFormat("%Y-%m-%d %k") }
        #expect(error?.message == "cannot use the time format '%Y-%m-%d %k': %k is not one of %Y %m %d %H %M %S %%; "
            + "give iso, excel, epoch, epoch_ms, or a pattern of %Y %m %d %H %M %S and literal characters, e.g. "
            + "\"%Y/%m/%d %H:%M\", \"%d/%m/%Y %H:%M\", \"%Y%m%d%H%M%S\" or \"%Y年%m月%d日 %H时%M分\"")
    }
}

@Suite("Time zones")
struct TimeZoneTests {
    @Test func shanghaiIsFixedSince1991AndKeepsItsHistory() throws {
        let zone = IncidentTimeZone.shanghai
        #expect(zone.identifier == "Asia/Shanghai")
        #expect(zone.isFixed(after: 700_000_000))  // 1992
        #expect(zone.utcSeconds(local: march1At0805 + 8 * 3600) == march1At0805)
        #expect(zone.localSeconds(utc: march1At0805) == march1At0805 + 8 * 3600)
        // Daylight saving time in 1990: 1990-07-01 12:00 was UTC+9; 1990-01-01 12:00 UTC+8 (zoneinfo).
        #expect(zone.utcSeconds(local: 646_801_200 + 9 * 3600) == 646_801_200)
        #expect(zone.utcSeconds(local: 631_166_400 + 8 * 3600) == 631_166_400)
        #expect(zone.offsetSeconds(utc: 646_801_200) == 9 * 3600)
        // Local mean time before 1901: +8:05:43 (1899-06-01 00:00 local is -2227507543, zoneinfo).
        #expect(zone.offsetSeconds(utc: -2_227_507_543) == 29_143)
        #expect(try IncidentTimeZone(identifier: "Asia/Shanghai") == zone)
        #expect(try IncidentTimeZone(identifier: "Asia/Urumqi").utcSeconds(local: march1At0805 + 8 * 3600)
                == 1_772_330_700)  // Urumqi is UTC+6
    }

    @Test func newYorkGapAndOverlap() throws {
        let york = try IncidentTimeZone(identifier: "America/New_York")
        // Local seconds of wall-clock times (calendar.timegm of the fields).
        let gap: Int64 = 1_772_937_000  // 2026-03-08 02:30, skipped by the clocks
        let overlap: Int64 = 1_793_496_600  // 2026-11-01 01:30, shown twice
        #expect(york.utcSeconds(local: gap) == 1_772_955_000)  // shifted forward by the gap: 03:30 EDT (07:30Z)
        #expect(york.utcSeconds(local: overlap) == 1_793_511_000)  // the earlier instant: 01:30 EDT (05:30Z)
        #expect(york.utcSeconds(local: gap - 1800 - 1) == 1_772_953_199)  // 01:59:59 EST
        #expect(york.utcSeconds(local: gap + 1800) == 1_772_953_200)  // 03:00 EDT
        #expect(york.localSeconds(utc: 1_782_921_600) == 1_782_907_200)  // 2026-07-01 12:00 EDT
        #expect(york.localSeconds(utc: 1_768_496_400) == 1_768_478_400)  // 2026-01-15 12:00 EST
        #expect(york.offsetSeconds(utc: 1_793_514_600) == -5 * 3600)  // the second 01:30 is EST
        #expect(!york.isFixed(after: 1_782_921_600))
        // Away from transitions, both ways agree, hour by hour through 2026.
        var utc: Int64 = 1_767_225_600
        while utc < 1_798_761_600 {
            let local = york.localSeconds(utc: utc)
            let back = york.utcSeconds(local: local)
            let offset = york.offsetSeconds(utc: utc)
            #expect(back == utc || (back < utc && york.offsetSeconds(utc: back) == offset + 3600), "\(utc)")
            utc += 3600
        }
    }

    @Test func berlinGapAndOverlap() throws {
        let berlin = try IncidentTimeZone(identifier: "Europe/Berlin")
        let format = try IncidentTimeFormat("%Y-%m-%d %H:%M")
        #expect(format.unixSeconds("2026-03-29 02:30", zone: berlin) == 1_774_747_800)  // gap: 03:30 CEST
        #expect(format.unixSeconds("2026-10-25 02:30", zone: berlin) == 1_792_888_200)  // overlap: CEST, earlier
    }

    @Test func unknownZoneIsAClearError() {
        let error = #expect(throws: IncidentTimeOptionError.self) { try IncidentTimeZone(identifier: "Asia/Beijing") }
        #expect(error?.message == "unknown time zone 'Asia/Beijing': give an IANA identifier such as Asia/Shanghai, "
            + "Asia/Urumqi, Asia/Hong_Kong or UTC")
        #expect(throws: IncidentTimeOptionError.self) { try IncidentTimeZone(identifier: "") }
    }

    @Test func isoWithoutOffsetUsesTheZone() throws {
        let york = try IncidentTimeZone(identifier: "America/New_York")
        #expect(ISO8601Time.unixSeconds("2026-03-08T02:30:00", zone: york) == 1_772_955_000)
        #expect(ISO8601Time.unixSeconds("2026-03-08 02:30", zone: york) == 1_772_955_000)
        #expect(ISO8601Time.unixSeconds("2026-03-01T08:05:00+08:00", zone: york) == march1At0805)
        #expect(ISO8601Time.unixSeconds("2026-03-01T08:05:00", zone: .shanghai) == march1At0805)
        #expect(ISO8601Time.unixSeconds("2026-03-01T08:05:00") == march1At0805)
    }
}

@Suite("Reading times from incident files")
struct TimeReadingTests {
    static func file(_ times: [String], header: String = "id,lon,lat,time,category") -> [UInt8] {
        var text = header + "\n"
        for (i, time) in times.enumerated() { text += "\(i + 1),120.\(i),30.5,\(time),theft\n" }
        return Array(text.utf8)
    }

    static func read(_ times: [String], _ options: IncidentCSVOptions = IncidentCSVOptions()) throws
        -> IncidentReadResult
    {
        let result = try IncidentCSVReader.read(bytes: file(times), name: "times.csv", options: options)
        #expect(result.kept + result.rejected == result.rowsRead)
        return result
    }

    @Test(arguments: [
        (["2026-03-01T08:05:00", "2026-03-13 09:00"], "ISO 8601 (detected)", [march1At0805, march13At0900]),
        (["2026/3/1 8:05", "2026/3/13 9:00"], "yyyy/M/d H:mm (detected)", [march1At0805, march13At0900]),
        (["2026/3/1 8:05:09", "2026/3/13"], "yyyy/M/d H:mm:ss (detected)", [march1At080509, march1 + 12 * 86_400]),
        (["2026/3/1", "2026/3/13"], "yyyy/M/d (detected)", [march1, march1 + 12 * 86_400]),
        (["2026-3-1 8:05", "2026-03-13 09:00"], "yyyy-M-d H:mm (detected)", [march1At0805, march13At0900]),
        (["2026.3.1 8:05", "2026.3.13 9:00"], "yyyy.M.d H:mm (detected)", [march1At0805, march13At0900]),
        (["2026年3月1日 8时5分", "2026年3月13日9时"], "yyyy年M月d日 H时mm分 (detected)", [march1At0805, march13At0900]),
        (["2026年3月1日 8:05", "2026年3月13日 9:00"], "yyyy年M月d日 H:mm (detected)", [march1At0805, march13At0900]),
        (["2026年3月1日", "2026年3月13日"], "yyyy年M月d日 (detected)", [march1, march1 + 12 * 86_400]),
        (["20260301", "20260313"], "yyyyMMdd (detected)", [march1, march1 + 12 * 86_400]),
        (["20260301080500", "20260313090000"], "yyyyMMddHHmmss (detected)", [march1At0805, march13At0900]),
        (["1772323500", "1773363600"], "Unix epoch seconds (detected)", [march1At0805, march13At0900]),
        (["1772323500000", "1773363600000"], "Unix epoch milliseconds (detected)", [march1At0805, march13At0900]),
        (["46082.3368055556", "46094.375", "46082"], "Excel serial days (1900 date system) (detected)",
         [march1At0805, march13At0900, march1]),
        (["1/3/2026 8:05", "13/3/2026 9:00"], "d/M/yyyy H:mm (detected)", [march1At0805, march13At0900]),
        (["3/1/2026 8:05", "3/13/2026 9:00"], "M/d/yyyy H:mm (detected)", [march1At0805, march13At0900]),
        (["01-03-2026 08:05", "13-03-2026 09:00"], "d-M-yyyy H:mm (detected)", [march1At0805, march13At0900]),
        (["3.1.2026 8:05", "3.13.2026 9:00"], "M.d.yyyy H:mm (detected)", [march1At0805, march13At0900]),
    ])
    func detectedFormats(times: [String], description: String, expected: [Int64]) throws {
        let result = try Self.read(times, IncidentCSVOptions(timeRequired: true))
        #expect(result.timeFormatDescription == description)
        #expect(result.table.time == expected)
        #expect(result.rejected == 0 && result.timeless == 0 && result.timeWarning == nil)
    }

    @Test func formatsAreToldFromDigitsByLength() throws {
        // 8 digits: yyyyMMdd even when they could be epoch seconds or Excel serials by value.
        #expect(try Self.read(["20260301"]).timeFormat == (try IncidentTimeFormat("%Y%m%d")))
        #expect(try Self.read(["1772323500"]).timeFormat == .epochSeconds)
        #expect(try Self.read(["1772323500123"]).timeFormat == .epochMilliseconds)
        #expect(try Self.read(["46082"]).timeFormat == .excelSerialDays)
        #expect(try Self.read(["46082.5"]).timeFormat == .excelSerialDays)
        #expect(try Self.read(["20260301080500"]).timeFormat == (try IncidentTimeFormat("%Y%m%d%H%M%S")))
    }

    @Test func mixedDayFirstAndMonthFirstIsRefused() throws {
        let times = ["1/3/2026 8:05", "13/3/2026 9:00", "2/3/2026 9:00", "3/13/2026 9:00"]
        let error = #expect(throws: IncidentReadError.self) {
            try Self.read(times, IncidentCSVOptions(timeRequired: true))
        }
        #expect(error?.description == "times.csv: the times in column 'time' mix day-first and month-first dates: "
            + "'13/3/2026 9:00' (line 3) has a day first, '3/13/2026 9:00' (line 5) a month first; give the format "
            + "with --time-format \"%d/%m/%Y %H:%M\" (day first) or --time-format \"%m/%d/%Y %H:%M\" (month first)")
        // Times optional: the rows are kept without times, with the same words as a warning.
        let result = try Self.read(times)
        #expect(result.kept == 4 && result.timeless == 4 && result.timeFormat == nil)
        #expect(result.table.time == Array(repeating: IncidentTable.missingTime, count: 4))
        #expect(result.timeWarning == error?.message)
    }

    @Test func ambiguousYearLastDatesAreRefused() throws {
        let error = #expect(throws: IncidentReadError.self) {
            try Self.read(["1/3/2026 8:05", "2/3/2026", "12-11-2026"], IncidentCSVOptions(timeRequired: true))
        }
        #expect(error?.message == "the dates in column 'time' could be day-first or month-first (e.g. "
            + "'1/3/2026 8:05' (line 2), '2/3/2026' (line 3)): give the format with --time-format \"%d/%m/%Y %H:%M\" "
            + "(day first) or --time-format \"%m/%d/%Y %H:%M\" (month first)")
    }

    @Test func evidenceLateInTheFileIsFound() throws {
        // 6,000 rows whose days are at most 12, then 2,000 whose days are 13 to 28: the sample reaches them.
        var times: [String] = []
        for i in 0..<8000 { times.append("\(i < 6000 ? i % 12 + 1 : i % 16 + 13)/\(i % 12 + 1)/2026 \(i % 24):05") }
        let result = try Self.read(times, IncidentCSVOptions(timeRequired: true))
        #expect(result.timeFormatDescription == "d/M/yyyy H:mm (detected)")
        #expect(result.rejected == 0)
    }

    @Test func givenFormatWins() throws {
        let options = IncidentCSVOptions(timeFormat: try IncidentTimeFormat("%m/%d/%Y %H:%M"), timeRequired: true)
        let result = try Self.read(["1/3/2026 8:05", "2/3/2026", "13/3/2026 9:00"], options)
        #expect(result.timeFormatDescription == "M/d/yyyy[ H:mm] (--time-format)")
        #expect(result.table.time == [1_767_398_700, 1_770_048_000])  // 2026-01-03 08:05, 2026-02-03 (+08:00)
        #expect(CSVFixtures.rejects(result) == [R(line: 4, reason: "time '13/3/2026 9:00' does not match M/d/yyyy[ H:mm]")])
        // A given format also wins where detection would pick another.
        let iso = try Self.read(["2026-03-01 08:05"], IncidentCSVOptions(timeFormat: try IncidentTimeFormat("%Y-%d-%m %H:%M")))
        #expect(iso.table.time == [1_767_398_700])  // day 03, month 01: 2026-01-03 08:05
    }

    @Test func zoneAppliesToLocalFormatsNotToOffsetsOrEpochs() throws {
        let york = try IncidentTimeZone(identifier: "America/New_York")
        let local = try Self.read(["2026/3/8 2:30", "2026/11/1 1:30"], IncidentCSVOptions(timeZone: york))
        #expect(local.table.time == [1_772_955_000, 1_793_511_000])  // gap forward, overlap earlier
        let iso = try Self.read(["2026-03-01T08:05:00+08:00", "2026-03-08T02:30:00"], IncidentCSVOptions(timeZone: york))
        #expect(iso.table.time == [march1At0805, 1_772_955_000])
        let epoch = try Self.read(["1772323500"], IncidentCSVOptions(timeZone: york))
        #expect(epoch.table.time == [march1At0805])
        let excel = try Self.read(["46082.3368055556"], IncidentCSVOptions(timeZone: .utc))
        #expect(excel.table.time == [march1At0805 + 8 * 3600])  // 08:05 UTC
    }

    @Test func excelSerialSixtyIsRejectedWithItsReason() throws {
        let result = try Self.read(["45292", "60", "61"], IncidentCSVOptions(timeFormat: .excelSerialDays,
                                                                            timeZone: .utc, timeRequired: true))
        #expect(CSVFixtures.rejects(result) == [R(line: 3, reason: "time '60' is Excel's fictitious 1900-02-29")])
        #expect(result.table.time == [1_704_067_200, -2_203_891_200])
    }

    @Test func excelExportKeepsEveryLocatedRow() throws {
        // 编号,经度,纬度,时间,类别 in GB18030 with CRLF, times as yyyy/M/d H:mm and one empty: ISO-only reading kept
        // none of them but an ISO one.
        let result = try CSVFixtures.read("excel_export_gb18030.csv")
        #expect(result.encoding == .gb18030)
        #expect(result.kept == 4 && result.rejected == 0 && result.timeless == 1)
        #expect(result.timeFormatDescription == "yyyy/M/d H:mm:ss (detected)")
        #expect(result.table.time == [march1At0805, march13At0900, IncidentTable.missingTime, 1_773_503_999])
        #expect(CSVFixtures.ids(result.table) == ["1", "2", "3", "4"])
        #expect(result.table.categoryNames == ["盗窃", "诈骗", "纠纷"])
        // Required, the row without a time is rejected.
        let required = try CSVFixtures.read("excel_export_gb18030.csv", IncidentCSVOptions(timeRequired: true))
        #expect(CSVFixtures.rejects(required) == [R(line: 4, reason: "time is empty")])
    }

    @Test func unreadableTimeIsKeptWhenOptionalAndRejectedWhenRequired() throws {
        let times = ["2026/3/1 8:05", "sometime", "2026/3/13 9:00", "", "2026/2/30 8:00"]
        let optional = try Self.read(times)
        #expect(optional.kept == 5 && optional.timeless == 3)
        #expect(optional.table.time == [march1At0805, IncidentTable.missingTime, march13At0900,
                                        IncidentTable.missingTime, IncidentTable.missingTime])
        let required = try Self.read(times, IncidentCSVOptions(timeRequired: true))
        #expect(CSVFixtures.rejects(required) == [
            R(line: 3, reason: "time 'sometime' does not match yyyy/M/d H:mm"),
            R(line: 5, reason: "time is empty"),
            R(line: 6, reason: "time '2026/2/30 8:00' does not match yyyy/M/d H:mm"),
        ])
        #expect(required.timeless == 0 && required.table.time == [march1At0805, march13At0900])
    }

    @Test func badTimesAreKeptWhenOptional() throws {
        let result = try CSVFixtures.read("bad_times.csv")
        #expect(result.kept == 11 && result.rejected == 0 && result.timeless == 6)
        #expect(result.timeFormatDescription == "ISO 8601 (detected)")
        // ISO reads 5 of the 10 values: used, with a warning.
        #expect(result.timeWarning?.hasPrefix("only 5 of 10 sampled times in column 'time' read as ISO 8601") == true)
        let missing = IncidentTable.missingTime
        #expect(result.table.time == [missing, missing, 1_709_136_000, missing, missing, 1_767_542_400, 1_767_542_400,
                                      1_767_542_400, 1_767_542_400, missing, missing])
    }

    @Test func unrecognisedTimes() throws {
        let times = ["soon", "later"]
        let error = #expect(throws: IncidentReadError.self) { try Self.read(times, IncidentCSVOptions(timeRequired: true)) }
        #expect(error?.message.hasPrefix("cannot tell the format of the times in column 'time' (e.g. 'soon' (line 2), "
            + "'later' (line 3)): give it with --time-format (iso, excel, epoch") == true)
        let result = try Self.read(times)
        #expect(result.timeless == 2 && result.timeFormat == nil && result.timeWarning == error?.message)
    }

    @Test func timeColumnRequiredOrNamed() throws {
        let bytes = Array("编号,经度,纬度,类别\n1,120.75,30.76,盗窃\n".utf8)
        let plain = try IncidentCSVReader.read(bytes: bytes, name: "a.csv")
        #expect(plain.kept == 1 && plain.table.time == nil && plain.timeFormatDescription == nil)
        let error = #expect(throws: IncidentReadError.self) {
            try IncidentCSVReader.read(bytes: bytes, name: "a.csv", options: IncidentCSVOptions(timeRequired: true))
        }
        #expect(error?.description == "a.csv: no time column in the header \"编号,经度,纬度,类别\": name it with "
            + "--time-column (recognised: " + IncidentCSVReader.timeAliases.joined(separator: ", ") + ")")
        let named = #expect(throws: IncidentReadError.self) {
            try IncidentCSVReader.read(bytes: bytes, name: "a.csv", options: IncidentCSVOptions(timeColumn: "报警时间"))
        }
        #expect(named?.message == "--time-column '报警时间' is not in the header \"编号,经度,纬度,类别\"")
    }

    @Test func emptyTimeColumn() throws {
        let result = try Self.read(["", " "])
        #expect(result.timeless == 2 && result.timeFormat == nil && result.timeWarning == nil)
        #expect(result.timeFormatDescription == nil)
    }

    @Test func parallelChunksAgreeForDetectedFormats() throws {
        var times: [String] = []
        for i in 0..<5000 { times.append(i % 211 == 0 ? "bad" : "2026/\(i % 12 + 1)/\(i % 28 + 1) \(i % 24):\(i % 6)5") }
        var one = IncidentCSVOptions(parallel: false)
        one.parallelThresholdBytes = 0
        var many = IncidentCSVOptions(parallel: true)
        many.parallelThresholdBytes = 0
        let a = try IncidentCSVReader.read(bytes: Self.file(times), name: "mem", options: one)
        let b = try IncidentCSVReader.read(bytes: Self.file(times), name: "mem", options: many)
        #expect(a.table == b.table && a.timeless == b.timeless && a.timeless == 24)
        #expect(a.timeFormatDescription == "yyyy/M/d H:mm (detected)")
    }

    @Test func missingTimesWriteAndReadBack() throws {
        let result = try CSVFixtures.read("excel_export_gb18030.csv")
        let path = Fixtures.temporaryFolder("missing-times") + "/out.csv"
        try result.table.writeCSV(to: path)
        let again = try IncidentCSVReader.read(path: path)
        #expect(again.table == result.table && again.timeless == 1)
    }
}

@Suite("Header aliases of Chinese exports")
struct HeaderAliasTests {
    static func layout(_ header: [String], _ options: IncidentCSVOptions = IncidentCSVOptions()) throws
        -> IncidentCSVReader.Layout
    {
        try IncidentCSVReader.layout(header: header, options: options, name: "h.csv")
    }

    @Test func everyAliasIsRecognisedCaseInsensitivelyAndTrimmed() throws {
        for alias in IncidentCSVReader.timeAliases {
            #expect(try Self.layout(["lon", "lat", " \(alias.uppercased()) "]).time == 2, "\(alias)")
        }
        for alias in IncidentCSVReader.categoryAliases {
            #expect(try Self.layout(["lon", "lat", alias]).category == 2, "\(alias)")
        }
        for alias in IncidentCSVReader.idAliases {
            #expect(try Self.layout(["lon", "lat", alias]).id == 2, "\(alias)")
        }
        for alias in IncidentCSVReader.longitudeAliases {
            #expect(try Self.layout(["lat", alias.uppercased()]).longitude == 1, "\(alias)")
        }
        for alias in IncidentCSVReader.latitudeAliases {
            #expect(try Self.layout(["lon", alias]).latitude == 1, "\(alias)")
        }
        for alias in IncidentCSVReader.weightAliases {
            #expect(try Self.layout(["lon", "lat", alias]).weight == 2, "\(alias)")
        }
        let required = ["报警时间", "接警时间", "发案时间", "案发时间", "发生时间", "时间", "日期", "事发时间", "受理时间", "立案时间",
                        "occurred_at", "reported_at", "created_at", "警情类别", "案件类别", "案由", "警情类型", "案件类型",
                        "事件类型", "类别", "类型", "分类", "警情编号", "案件编号", "序号", "事件编号", "工单编号", "编号", "经度", "lng",
                        "lon", "东经", "gps经度", "纬度", "北纬", "gps纬度", "weight", "权重"]
        let all = Set(IncidentCSVReader.timeAliases + IncidentCSVReader.categoryAliases + IncidentCSVReader.idAliases
            + IncidentCSVReader.longitudeAliases + IncidentCSVReader.latitudeAliases + IncidentCSVReader.weightAliases)
        #expect(required.filter { !all.contains($0) } == [])
        // GPS经度 as an export writes it.
        #expect(try Self.layout(["GPS经度", "GPS纬度"]).latitude == 1)
    }

    @Test func occurrenceTimeWinsOverReportTime() throws {
        #expect(try Self.layout(["lon", "lat", "报警时间", "案发时间", "时间"]).time == 3)
        #expect(try Self.layout(["lon", "lat", "序号", "警情编号"]).id == 3)
    }

    @Test func policeExport() throws {
        let result = try CSVFixtures.read("police_export.csv")
        #expect(result.rejected == 0 && result.timeless == 0)
        #expect(CSVFixtures.ids(result.table) == ["JQ001", "JQ002"])
        #expect(result.table.time == [march1At0805, march13At0900])
        #expect(result.table.categoryNames == ["盗窃", "诈骗"])
        #expect(result.table.weight == [2, 1])
    }

    @Test func headerWithoutCoordinatesNamesTheOption() throws {
        let error = #expect(throws: IncidentReadError.self) {
            try IncidentCSVReader.read(bytes: Array("编号,X坐标,Y坐标\n1,2,3\n".utf8), name: "p.csv")
        }
        #expect(error?.description == "p.csv: no longitude column in the header \"编号,X坐标,Y坐标\": name it with "
            + "--lon-column (recognised: lon, lng, long, longitude, x, 经度, 东经, gps经度)")
        let latitude = #expect(throws: IncidentReadError.self) {
            try IncidentCSVReader.read(bytes: Array("编号,经度,Y坐标\n1,2,3\n".utf8), name: "p.csv")
        }
        #expect(latitude?.message == "no latitude column in the header \"编号,经度,Y坐标\": name it with --lat-column "
            + "(recognised: lat, latitude, y, 纬度, 北纬, gps纬度)")
        let named = try IncidentCSVReader.read(
            bytes: Array("编号,X坐标,Y坐标\n1,120.5,30.5\n".utf8), name: "p.csv",
            options: IncidentCSVOptions(longitudeColumn: "X坐标", latitudeColumn: "y坐标"))
        #expect(named.table.longitude == [120.5] && named.table.latitude == [30.5])
        for (options, message) in [
            (IncidentCSVOptions(idColumn: "案号"), "--id-column '案号' is not in the header"),
            (IncidentCSVOptions(categoryColumn: "警种"), "--category-column '警种' is not in the header"),
            (IncidentCSVOptions(weightColumn: "w"), "--weight-column 'w' is not in the header"),
            (IncidentCSVOptions(latitudeColumn: "lat2"), "--lat-column 'lat2' is not in the header"),
        ] {
            let error = #expect(throws: IncidentReadError.self) {
                try IncidentCSVReader.read(bytes: Array("lon,lat\n1,2\n".utf8), name: "p.csv", options: options)
            }
            #expect(error?.message == message + " \"lon,lat\"")
        }
    }
}
