import Foundation
import Testing
@testable import Incidents

@Suite("Incident table and CSV writer")
struct IncidentTableTests {
    @Test func idsInlineAndSpanned() {
        let texts = ["", "1", "1234567", "12345678", "嘉兴-001", "a,b\"c", String(repeating: "x", count: 300)]
        let ids = IncidentIDs(texts)
        #expect((0..<ids.count).map { ids[$0] } == texts)
        #expect(ids.bytes.count == 8 + "嘉兴-001".utf8.count + 300)
        var buffer: [UInt8] = []
        let table = IncidentTable(longitude: texts.map { _ in 0 }, latitude: texts.map { _ in 0 },
                                  category: texts.map { _ in 0 }, categoryNames: [""], ids: ids)
        for row in 0..<texts.count { table.appendID(at: row, to: &buffer) }
        #expect(buffer == Array(texts.joined().utf8))
        #expect(table.withIDBytes(at: 4) { Array($0) } == Array("嘉兴-001".utf8))
        var numbers: [UInt8] = []
        #expect(IncidentIDs(spans: [IncidentIDs.encodeNumber(9_999_999, bytes: &numbers),
                                    IncidentIDs.encodeNumber(10_000_000, bytes: &numbers)], bytes: numbers)
                == IncidentIDs(["9999999", "10000000"]))
    }

    @Test func writerThenReaderGivesTheSameTable() throws {
        let folder = NSTemporaryDirectory() + "incidents-roundtrip-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var generated = SampleIncidents.generate(count: 2000, seed: 5, extent: SampleIncidentsTests.jiaxing)
        generated.weight = (0..<generated.count).map { Float($0 % 17) / 3 }
        try generated.writeCSV(to: folder + "/a.csv")
        let first = try IncidentCSVReader.read(path: folder + "/a.csv")
        #expect(first.rejected == 0 && first.kept == 2000)
        let t = first.table
        #expect(CSVFixtures.ids(t) == CSVFixtures.ids(generated))
        #expect(t.time == generated.time)
        #expect(t.weight == generated.weight)
        #expect(CSVFixtures.categories(t) == CSVFixtures.categories(generated))
        for i in 0..<t.count {
            #expect(abs(t.longitude[i] - generated.longitude[i]) <= 5e-8)
            #expect(abs(t.latitude[i] - generated.latitude[i]) <= 5e-8)
        }
        // Coordinates already at 7 decimals come back bit for bit.
        try t.writeCSV(to: folder + "/b.csv")
        let second = try IncidentCSVReader.read(path: folder + "/b.csv")
        #expect(second.table == t)
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder + "/a.csv"))
                == Data(contentsOf: URL(fileURLWithPath: folder + "/b.csv")))
    }

    @Test func writerQuotesAndFormats() throws {
        let folder = NSTemporaryDirectory() + "incidents-writer-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let table = IncidentTable(
            longitude: [120.75, -0.00000004, -1.25], latitude: [30.5, 0, -89.99999996],
            time: [1_767_542_400, 0, -1], category: [0, 1, 0], categoryNames: ["a,b", "say \"x\""],
            ids: IncidentIDs(["1", "x,y", "z"]))
        try table.writeCSV(to: folder + "/out.csv")
        let text = try String(contentsOfFile: folder + "/out.csv", encoding: .utf8)
        #expect(text == #"""
            id,lon,lat,time,category
            1,120.7500000,30.5000000,2026-01-05T00:00:00+08:00,"a,b"
            "x,y",0.0000000,0.0000000,1970-01-01T08:00:00+08:00,"say ""x"""
            z,-1.2500000,-90.0000000,1970-01-01T07:59:59+08:00,"a,b"

            """#)
        let reread = try IncidentCSVReader.read(path: folder + "/out.csv")
        #expect(CSVFixtures.ids(reread.table) == ["1", "x,y", "z"])
        #expect(CSVFixtures.categories(reread.table) == ["a,b", "say \"x\"", "a,b"])
        #expect(reread.table.time == table.time)
    }

    @Test func selectingRowsAndMemory() {
        let t = SampleIncidents.generate(count: 1000, seed: 8, extent: SampleIncidentsTests.jiaxing)
        let s = t.selecting(rows: [5, 2, 5])
        #expect(CSVFixtures.ids(s) == ["6", "3", "6"])
        #expect(s.longitude == [t.longitude[5], t.longitude[2], t.longitude[5]])
        // 8 + 8 + 8 (time) + 2 + 8 (id word) bytes per row.
        #expect(t.memoryByteCount >= 34 * 1000 && t.memoryByteCount < 36 * 1000)
    }
}
