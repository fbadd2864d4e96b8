@testable import HeatGridKit
import Testing

struct ShiftsFileTests {
    private func read(_ text: String) throws -> ShiftsFile { try ShiftsFile(bytes: Array(text.utf8), path: "shifts.csv") }

    @Test func dayAndOvernightShifts() throws {
        let file = try read("\u{FEFF}name,start,end,units\r\n早班,08:00,16:00,4\r\n中班,16:00,24:00,4\r\n\r\n夜班,22:00,6:00,2\r\n")
        #expect(file.rows.map(\.name) == ["早班", "中班", "夜班"])
        #expect(file.rows.map(\.start) == [480, 960, 1320])
        #expect(file.rows.map(\.end) == [960, 1440, 1800])  // 06:00 the next day
        #expect(file.rows.map(\.minutes) == [480, 480, 480])
        #expect(file.rows.map(\.units) == [4, 4, 2])
        #expect(file.rows.map(\.line) == [2, 3, 5])
    }

    @Test func chineseHeaderAndQuotedNames() throws {
        let file = try read("班次,开始,结束,警力\n\"巡逻, 外勤\",00:00,08:00,3\n")
        #expect(file.rows == [ShiftsFile.Row(name: "巡逻, 外勤", start: 0, end: 480, units: 3, line: 2)])
    }

    @Test(arguments: [
        ("name,start,end\nA,08:00,16:00\n", "no 'units' column"),
        ("name,start,end,units\nA,8h,16:00,2\n", "shifts.csv:2: start '8h' is not a time of day"),
        ("name,start,end,units\nA,08:00,25:00,2\n", "shifts.csv:2: end '25:00'"),
        ("name,start,end,units\nA,08:00,16:00,-1\n", "shifts.csv:2: units '-1'"),
        ("name,start,end,units\nA,08:00,16:00,2\nA,16:00,24:00,2\n", "shifts.csv:3: shift 'A' is listed twice"),
        ("name,start,end,units\nA,08:00,16:00,0\n", "no units on any shift"),
        ("name,start,end,units\n", "no shifts"),
        ("name,start,end,units\nA,08:00\n", "shifts.csv:2: 2 fields"),
    ])
    func problemsAreOneClearError(_ text: String, _ message: String) {
        #expect {
            try read(text)
        } throws: { error in
            "\(error)".contains(message)
        }
    }
}
