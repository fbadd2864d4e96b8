import Foundation
import ICalendar
import Testing
import TestSupport

/// The calendar a patrol unit gets, against its parse by Python's icalendar (Reference/make_reference.py parsed
/// Reference/visits.ics, which this writer wrote; the test checks the writer still writes exactly those bytes).
struct ICalendarTests {
    static let folder = Fixtures.repositoryRoot + "/Tests/ICalendarTests/Reference/"

    static let events = [
        CalendarEvent(uid: "2026-W15-早班-A1-1@heatgrid", start: 1_775_433_600, end: 1_775_434_320,
                      summary: "巡逻 330402-076-095（预期危害 3.2）", description: "第 1 站; 车巡, 停留 12 分钟\n下一站 330402-076-096",
                      location: "南湖区, 网格 330402-076-095", latitude: 30.7479, longitude: 120.7556),
        CalendarEvent(uid: "2026-W15-night-B2-7@heatgrid", start: 1_775_512_800, end: 1_775_513_520,
                      summary: "Patrol cell 330402-001-002 — a long summary that must be folded over more than one line of seventy-five octets",
                      description: "back\\slash, semi;colon"),
    ]

    @Test func writesWhatIcalendarParsed() throws {
        let bytes = ICalendar.file(events: Self.events, name: "巡逻 A1", productID: "-//HeatGrid//patrol 0.8//ZH",
                                   stamp: 1_775_404_800)
        if ProcessInfo.processInfo.environment["HEATGRID_WRITE_REFERENCE"] != nil {
            try Data(bytes).write(to: URL(fileURLWithPath: Self.folder + "visits.ics"))
        }
        #expect(bytes == Array(try Data(contentsOf: URL(fileURLWithPath: Self.folder + "visits.ics"))))
        let parsed = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Self.folder + "visits_parsed.json"))) as! [String: Any]
        #expect(parsed["calname"] as? String == "巡逻 A1")
        let events = parsed["events"] as! [[String: Any]]
        #expect(events.count == Self.events.count)
        for (event, got) in zip(Self.events, events) {
            #expect(got["uid"] as? String == event.uid)
            #expect(got["dtstart"] as? Double == Double(event.start))
            #expect(got["dtend"] as? Double == Double(event.end))
            #expect(got["summary"] as? String == event.summary)
            #expect(got["description"] as? String == event.description)
            #expect(got["location"] as? String == event.location)
            if let latitude = event.latitude {
                #expect(got["geo"] as? [Double] == [latitude, event.longitude!])
            }
        }
    }

    @Test func linesAreFoldedAt75OctetsWithoutSplittingCharacters() {
        let bytes = ICalendar.file(events: Self.events, name: String(repeating: "网", count: 60), productID: "x", stamp: 0)
        let lines = bytes.split(separator: 0x0A).map { Array($0) }
        #expect(lines.allSatisfy { $0.last == 0x0D })  // CRLF
        #expect(lines.allSatisfy { $0.count - 1 <= 75 })
        #expect(lines.allSatisfy { String(validatingUTF8: $0.dropLast().map { CChar(bitPattern: $0) } + [0]) != nil })
    }

    @Test func utcDateTimes() {
        #expect(ICalendar.dateTime(0) == "19700101T000000Z")
        #expect(ICalendar.dateTime(1_775_433_600) == "20260406T000000Z")
        #expect(ICalendar.dateTime(951_782_400 + 86_399) == "20000229T235959Z")
        #expect(ICalendar.dateTime(-1) == "19691231T235959Z")
    }
}
