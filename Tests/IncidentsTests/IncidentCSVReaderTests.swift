import Foundation
import Testing
import TestSupport
@testable import Incidents

@Suite("Incident CSV reader on the broken-CSV corpus")
struct IncidentCSVReaderTests {
    @Test func basicFileKeepsEveryColumn() throws {
        let result = try CSVFixtures.read("basic.csv")
        let t = result.table
        #expect(result.rowsRead == 4 && result.rejected == 0)
        #expect(CSVFixtures.ids(t) == ["A1", "A2", "A3", "A4"])
        #expect(t.longitude == [120.7555, -0.5, 180, -180])
        #expect(t.latitude == [30.7469, -45.25, 90, -90])
        #expect(t.time == [1_767_542_400, 1_772_339_400, 1_709_251_199, 1_782_748_800])
        #expect(t.categoryNames == ["theft", "fraud", "dispute"])
        #expect(t.category == [0, 1, 0, 2])
        #expect(t.weight == [1, 2.5, 0, 1000])
        #expect(result.header == ["id", "lon", "lat", "time", "category", "weight"])
        #expect(result.encoding == .utf8)
    }

    @Test func fieldCountMismatchesAreRejected() throws {
        let result = try CSVFixtures.read("field_counts.csv")
        #expect(CSVFixtures.rejects(result) == [
            R(line: 3, reason: "expected 5 fields, found 3"),
            R(line: 4, reason: "expected 5 fields, found 6"),
        ])
        #expect(result.rejects[0].row == "2,120.2,30.2")
        #expect(CSVFixtures.ids(result.table) == ["1", "4"])
        #expect(result.table.longitude == [120.1, 120.4])
        #expect(CSVFixtures.categories(result.table) == ["theft", "fire"])
    }

    @Test func badNumbersAreRejectedWithSpecificReasons() throws {
        let result = try CSVFixtures.read("bad_numbers.csv")
        #expect(CSVFixtures.rejects(result) == [
            R(line: 2, reason: "longitude is empty"),
            R(line: 3, reason: "longitude 'abc' is not a number"),
            R(line: 4, reason: "longitude 200.5 is out of range [-180, 180]"),
            R(line: 5, reason: "latitude is NaN"),
            R(line: 6, reason: "latitude is infinite"),
            R(line: 7, reason: "latitude 95 is out of range [-90, 90]"),
            R(line: 9, reason: "longitude '1.2.3' is not a number"),
            R(line: 10, reason: "latitude '30.1e' is not a number"),
        ])
        #expect(result.rowsRead == 10)
        #expect(CSVFixtures.ids(result.table) == ["7", "10"])
        #expect(result.table.longitude == [120.25, -150])
        #expect(result.table.latitude == [30.5, 30])
        #expect(CSVFixtures.categories(result.table) == ["theft", "fraud"])
    }

    @Test func badTimesAreRejectedAndOffsetsApplied() throws {
        // Times required: unreadable times reject their rows (optional times: see TimeReadingTests).
        let result = try CSVFixtures.read("bad_times.csv", IncidentCSVOptions(timeRequired: true))
        #expect(CSVFixtures.rejects(result) == [
            R(line: 2, reason: "time '2026-13-01' is not a valid ISO 8601 time"),
            R(line: 3, reason: "time '2025-02-29' is not a valid ISO 8601 time"),
            R(line: 5, reason: "time is empty"),
            R(line: 6, reason: "time '2026-01-05T24:00:00' is not a valid ISO 8601 time"),
            R(line: 11, reason: "time '05/01/2026' is not a valid ISO 8601 time"),
            R(line: 12, reason: "time '2026-04-31' is not a valid ISO 8601 time"),
        ])
        #expect(CSVFixtures.ids(result.table) == ["3", "6", "7", "8", "9"])
        #expect(result.table.time == [1_709_136_000, 1_767_542_400, 1_767_542_400, 1_767_542_400, 1_767_542_400])
    }

    @Test func badWeightsAndEmptyIdsAreRejected() throws {
        let result = try CSVFixtures.read("bad_weights.csv")
        #expect(CSVFixtures.rejects(result) == [
            R(line: 2, reason: "weight '-' is not a number"),
            R(line: 3, reason: "weight is empty"),
            R(line: 4, reason: "weight is NaN"),
            R(line: 5, reason: "weight 1e39 is out of range of a 32-bit float"),
            R(line: 6, reason: "id is empty"),
        ])
        #expect(CSVFixtures.ids(result.table) == ["w6"])
        #expect(result.table.weight == [0.25])
        #expect(result.table.time == nil)
    }

    @Test func quotedFieldsKeepCommasQuotesAndNewlines() throws {
        let result = try CSVFixtures.read("quoted.csv")
        #expect(CSVFixtures.rejects(result) == [
            R(line: 7, reason: "longitude 'abc' is not a number"),
            R(line: 9, reason: "text after the closing quote of field 5"),
        ])
        #expect(result.rejects[0].row == "q4,abc,30.4,2026-01-05,\"x\ny\"")
        #expect(CSVFixtures.ids(result.table) == ["q,1", "q\"2\"", "q3", "q6"])
        #expect(CSVFixtures.categories(result.table) == ["theft, bicycle", "say \"hi\"", "multi\nline\ncategory", "fire"])
        #expect(result.table.longitude == [120.1, 120.2, 120.3, 120.6])
        #expect(result.table.latitude == [30.1, 30.2, 30.3, 30.6])
    }

    @Test func unterminatedQuoteRejectsTheRestOfTheFile() throws {
        let result = try CSVFixtures.read("unterminated.csv")
        #expect(CSVFixtures.rejects(result) == [R(line: 3, reason: "unterminated quoted field")])
        #expect(result.rowsRead == 2)
        #expect(CSVFixtures.ids(result.table) == ["u1"])
    }

    @Test func byteOrderMarkAndCRLF() throws {
        let result = try CSVFixtures.read("crlf_bom.csv")
        #expect(result.header == ["id", "lon", "lat", "time", "category"])
        #expect(CSVFixtures.rejects(result) == [R(line: 3, reason: "latitude 'xx' is not a number")])
        #expect(result.rejects[0].row == "c2,120.2,xx,2026-01-05T08:00,theft")
        #expect(result.rowsRead == 4)
        #expect(CSVFixtures.ids(result.table) == ["c1", "c3", "c4"])
        #expect(CSVFixtures.categories(result.table) == ["theft", "fire", "fraud"])
        #expect(result.table.time == [1_767_571_200, 1_767_571_200, 1_767_571_200])
    }

    @Test func blankLinesAreSkippedNotRejected() throws {
        let result = try CSVFixtures.read("blank_lines.csv")
        #expect(result.rowsRead == 3)
        #expect(CSVFixtures.rejects(result) == [R(line: 7, reason: "latitude 999 is out of range [-90, 90]")])
        #expect(CSVFixtures.ids(result.table) == ["b1", "b3"])
        #expect(result.table.longitude == [120.1, 120.3])
    }

    @Test(arguments: [IncidentTextEncoding.auto, .gb18030])
    func gb18030FileWithChineseHeader(encoding: IncidentTextEncoding) throws {
        let result = try CSVFixtures.read("gb18030.csv", IncidentCSVOptions(encoding: encoding))
        #expect(result.encoding == .gb18030)
        #expect(result.header == ["编号", "经度", "纬度", "时间", "类别"])
        #expect(CSVFixtures.rejects(result) == [R(line: 4, reason: "longitude '东经120' is not a number")])
        #expect(result.rejects[0].row == "嘉兴-003,东经120,30.75,2026-01-05 09:00:00,诈骗")
        #expect(CSVFixtures.ids(result.table) == ["嘉兴-001", "嘉兴-002", "嘉兴-004"])
        #expect(result.table.categoryNames == ["盗窃", "诈骗", "纠纷"])
        #expect(result.table.category == [0, 1, 2])
        #expect(result.table.longitude == [120.7555, 120.76, 120.77])
        #expect(result.table.time == [1_767_571_200, 1_767_574_800, 1_767_628_800])
    }

    @Test func invalidGB18030BytesRejectTheirRowOnly() throws {
        // 编号,经度,纬度 in GB18030, then a row whose id holds 0x81 0x20 (a lead byte without a valid trail byte).
        let header: [UInt8] = [0xB1, 0xE0, 0xBA, 0xC5, 0x2C, 0xBE, 0xAD, 0xB6, 0xC8, 0x2C, 0xCE, 0xB3, 0xB6, 0xC8, 0x0A]
        let bytes = header + Array("a,120,30\n".utf8) + [0x62, 0x81, 0x20] + Array(",121,31\nc,122,32\n".utf8)
        let result = try IncidentCSVReader.read(bytes: bytes, name: "broken-gb.csv")
        #expect(result.encoding == .gb18030)
        #expect(CSVFixtures.rejects(result) == [R(line: 3, reason: "row is not valid GB18030")])
        #expect(CSVFixtures.ids(result.table) == ["a", "c"])
        #expect(result.table.longitude == [120, 122])
    }

    @Test func gb18030ForcedAsUTF8FindsNoColumns() throws {
        // Forcing UTF-8 on GB18030 bytes: the header is garbled, so no longitude column is found.
        #expect(throws: IncidentReadError.self) {
            try CSVFixtures.read("gb18030.csv", IncidentCSVOptions(encoding: .utf8))
        }
    }

    @Test func missingLongitudeColumnStopsWithAClearError() throws {
        let path = try CSVFixtures.path("missing_longitude.csv")
        let error = #expect(throws: IncidentReadError.self) { try IncidentCSVReader.read(path: path) }
        #expect(error?.description == path + ": no longitude column in the header \"id,lat,time,category\":"
            + " name it with --lon-column (recognised: lon, lng, long, longitude, x, 经度, 东经, gps经度)")
    }

    @Test func explicitColumnNamesOverrideAliases() throws {
        let path = try CSVFixtures.path("missing_longitude.csv")
        let error = #expect(throws: IncidentReadError.self) {
            try IncidentCSVReader.read(path: path, options: IncidentCSVOptions(longitudeColumn: "lng"))
        }
        #expect(error?.message == "--lon-column 'lng' is not in the header \"id,lat,time,category\"")
        // Reading the id column as longitude works when named explicitly.
        let result = try CSVFixtures.read("missing_longitude.csv", IncidentCSVOptions(longitudeColumn: " ID "))
        #expect(result.table.longitude == [1])
        #expect(CSVFixtures.ids(result.table) == ["1"])  // no id column left: data row number
    }

    @Test func withoutIdColumnIdsAreDataRowNumbers() throws {
        let result = try CSVFixtures.read("no_id_column.csv")
        #expect(CSVFixtures.rejects(result) == [R(line: 4, reason: "longitude 'bad' is not a number")])
        #expect(CSVFixtures.ids(result.table) == ["1", "3"])
        #expect(result.table.categoryNames == [""])
        #expect(result.table.category == [0, 0])
        #expect(result.table.time == nil && result.table.weight == nil)
        #expect(result.table.latitude == [30.1, 30.3])
    }

    @Test(arguments: [IncidentTextEncoding.auto, .utf8])
    func invalidUTF8RowsAreRejected(encoding: IncidentTextEncoding) throws {
        let result = try CSVFixtures.read("invalid_utf8.csv", IncidentCSVOptions(encoding: encoding))
        #expect(result.encoding == .utf8)
        #expect(CSVFixtures.rejects(result) == [R(line: 14, reason: "row is not valid UTF-8")])
        #expect(result.kept == 13)
        #expect(CSVFixtures.ids(result.table).last == "u14")
        #expect(result.table.categoryNames == ["盗窃", "诈骗"])
    }

    @Test func headerAliasesAreCaseInsensitiveAndTrimmed() throws {
        let result = try CSVFixtures.read("aliases.csv")
        #expect(result.rejected == 0)
        #expect(CSVFixtures.ids(result.table) == ["x-1"])
        #expect(result.table.longitude == [120.5] && result.table.latitude == [30.5])
        #expect(result.table.time == [1_767_542_400])
        #expect(result.table.categoryNames == ["fire"])
        #expect(result.table.weight == [2])
    }

    @Test func emptyFileIsAnError() throws {
        let error = #expect(throws: IncidentReadError.self) {
            try IncidentCSVReader.read(bytes: Array("\n  \n".utf8), name: "empty.csv")
        }
        #expect(error?.description == "empty.csv: the file is empty (no header row)")
        #expect(throws: IncidentReadError.self) { try IncidentCSVReader.read(path: "/nonexistent/incidents.csv") }
    }

    @Test func rejectsFileIsQuotedCSV() throws {
        let result = try CSVFixtures.read("quoted.csv")
        let folder = NSTemporaryDirectory() + "incidents-rejects-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try result.writeRejects(to: folder + "/rejects.csv")
        let text = try String(contentsOfFile: folder + "/rejects.csv", encoding: .utf8)
        #expect(text == #"""
            line,reason,row
            7,longitude 'abc' is not a number,"q4,abc,30.4,2026-01-05,""x
            y"""
            9,text after the closing quote of field 5,"q5,120.5,30.5,2026-01-05,""closed""junk"

            """#)
        // The rejects file is itself readable CSV with the same rows.
        let reread = try IncidentCSVReader.read(
            path: folder + "/rejects.csv", options: IncidentCSVOptions(longitudeColumn: "line", latitudeColumn: "line"))
        #expect(reread.rowsRead == 2)
    }

    @Test func parallelChunksGiveTheSameResultAsOnePass() throws {
        // Rows with blank lines, rejects and no id column so row numbers and line numbers cross chunk borders.
        var text = "lon,lat,time,category\n"
        for i in 0..<3000 {
            if i % 97 == 0 { text += "\n" }
            if i % 101 == 0 {
                text += "x\(i),30,2026-01-05,c\(i % 7)\n"
            } else {
                text += "120.\(i),30.\(i % 89),2026-01-05T0\(i % 10):00,c\(i % 7)\n"
            }
        }
        var one = IncidentCSVOptions(parallel: false)
        one.parallelThresholdBytes = 0
        var many = IncidentCSVOptions(parallel: true)
        many.parallelThresholdBytes = 0
        let a = try IncidentCSVReader.read(bytes: Array(text.utf8), name: "mem", options: one)
        let b = try IncidentCSVReader.read(bytes: Array(text.utf8), name: "mem", options: many)
        #expect(a.table == b.table)
        #expect(a.rejects == b.rejects)
        #expect(a.rowsRead == 3000 && b.rowsRead == 3000)
        #expect(a.rejected == 30)
        #expect(a.rejects.last == IncidentReject(line: 2 + 2929 + 31, reason: "longitude 'x2929' is not a number",
                                                 row: "x2929,30,2026-01-05,c3"))
        #expect(a.table.id(at: a.table.count - 1) == "3000")
    }
}

@Suite("Incident CSV reader: chunks, memory and id output")
struct IncidentCSVReaderChunkTests {
    /// Rows with long and short ids, blank lines and rejects, so chunk borders cross all of them.
    static func text(rows: Int, quoted: Bool = false, trailingNewline: Bool = true) -> String {
        var text = "id,lon,lat,time,category\n"
        for i in 0..<rows {
            if i % 83 == 0 { text += " \r\n" }
            let id = i % 3 == 0 ? "incident-\(i)-long" : "\(i)"
            let category = quoted && i % 50 == 0 ? "\"c,\(i % 7)\"" : "c\(i % 11)"
            if i % 97 == 0 {
                text += "\(id),x,30,2026-01-05,\(category)\n"
            } else {
                text += "\(id),120.\(i),30.\(i % 89),2026-01-05T0\(i % 10):00,\(category)\n"
            }
        }
        return trailingNewline ? text : String(text.dropLast())
    }

    static func options(parallel: Bool) -> IncidentCSVOptions {
        var options = IncidentCSVOptions(parallel: parallel)
        options.parallelThresholdBytes = 0
        return options
    }

    @Test(arguments: [(false, true), (true, true), (false, false)])
    func mappedFileInChunksMatchesOnePassInMemory(quoted: Bool, trailingNewline: Bool) throws {
        let text = Self.text(rows: 6000, quoted: quoted, trailingNewline: trailingNewline)
        let path = Fixtures.temporaryFolder("chunks") + "/incidents.csv"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        // The mapped file is parsed in chunks with pages released every 4 KB; the copy in one pass.
        let mapped = try IncidentCSVReader.read(path: path, options: Self.options(parallel: true),
                                                releaseStepBytes: 4096)
        let single = try IncidentCSVReader.read(bytes: Array(text.utf8), name: "mem",
                                                options: Self.options(parallel: false))
        #expect(mapped.table == single.table)
        #expect(mapped.rejects == single.rejects)
        #expect(mapped.rowsRead == 6000 && single.rowsRead == 6000)
        #expect(single.rejected == 62)
        // Row 0 is rejected; row 3 has a long id.
        #expect(single.table.id(at: 0) == "1" && single.table.id(at: 2) == "incident-3-long")
        #expect(single.table.id(at: single.table.count - 1) == "5999")
        #expect(single.table.categoryNames.count == (quoted ? 18 : 11))
        #expect(mapped.rejects.last?.line == 1 + 5917 + 72 + 1)
    }

    @Test func progressRisesToOneAndChangesNothing() async throws {
        let text = Self.text(rows: 20_000)
        let path = Fixtures.temporaryFolder("progress") + "/incidents.csv"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        var options = Self.options(parallel: true)
        let progress = ReadProgress()
        options.progress = progress
        #expect(progress.fraction == nil)
        // Polled while the read runs on another thread: never falls, ends at 1.
        let reader = Task.detached { try IncidentCSVReader.read(path: path, options: options, releaseStepBytes: 4096) }
        var seen: [Double] = []
        for _ in 0..<10_000 {
            if let fraction = progress.fraction { seen.append(fraction) }
            if seen.last == 1 { break }
            await Task.yield()
        }
        let withProgress = try await reader.value
        #expect(progress.fraction == 1)
        #expect(zip(seen, seen.dropFirst()).allSatisfy { $0 <= $1 })
        let without = try IncidentCSVReader.read(path: path, options: Self.options(parallel: true))
        #expect(withProgress.table == without.table && withProgress.rejects == without.rejects)
    }

    @Test func columnsHoldNoMoreRoomThanLines() throws {
        let text = Self.text(rows: 20_000)
        let result = try IncidentCSVReader.read(bytes: Array(text.utf8), name: "mem", options: Self.options(parallel: true))
        let table = result.table
        let lines = text.utf8.count { $0 == 0x0A }
        // Every column is allocated once with one slot per line (the allocator may round up a little).
        // (A large allocation is rounded up to whole pages: 2048 UInt16s at most.)
        #expect(table.longitude.capacity >= table.count && table.longitude.capacity <= lines + 512)
        #expect(table.time.map { $0.capacity <= lines + 512 } == true)
        #expect(table.category.capacity <= lines + 2048)
    }

    @Test func idsAsCSVFields() {
        let ids = IncidentIDs(["7", "1234567", "a,b", "say \"hi\"", "two\nlines", "a-long-identifier", "long,with comma",
                               "x\"y"])
        let fields = (0..<ids.count).map { row in
            var buffer = [UInt8](repeating: 0, count: max(2 * ids.byteCount(at: row) + 2, 8))
            let n = buffer.withUnsafeMutableBufferPointer { ids.writeCSVField(at: row, to: $0.baseAddress!) }
            return String(decoding: buffer[..<n], as: UTF8.self)
        }
        #expect(fields == ["7", "1234567", "\"a,b\"", "\"say \"\"hi\"\"\"", "\"two\nlines\"", "a-long-identifier",
                           "\"long,with comma\"", "\"x\"\"y\""])
        #expect((0..<ids.count).map(ids.byteCount(at:)) == [1, 7, 3, 8, 9, 17, 15, 3])
    }
}
