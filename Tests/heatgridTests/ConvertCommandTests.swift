import Foundation
import Testing
import TestSupport

/// `heatgrid convert` run as a user runs it: CSV coordinates replaced in place, GeoJSON layers converted.
struct ConvertCommandTests {
    /// Chinese header names, quoted fields (one with a comma, one with a line break), CRLF line ends, a blank
    /// line and rows whose coordinates cannot be read.
    static let csv = "\u{FEFF}编号,地址,经度,纬度,类别\r\n"
        + "1,\"南湖区, 中山路\",120.7551234,30.7469876,盗窃\r\n"
        + "2,\"两行\n地址\",\"120.8012345\", 30.7612345 ,诈骗\r\n"
        + "\r\n"
        + "3,海宁,abc,30.5,纠纷\r\n"
        + "4,海宁,120.6,95,纠纷\r\n"
        + "5,多一列,120.6,30.5,纠纷,x\r\n"
        + "6,桐乡,120.5654321,30.6312345,火灾\r\n"

    static func rows(_ text: String) -> [[String]] {
        text.split(separator: "\r\n", omittingEmptySubsequences: false).map { line in
            var fields: [String] = [], field = "", quoted = false
            for c in line {
                if c == "\"" { quoted.toggle(); field.append(c) } else if c == "," && !quoted {
                    fields.append(field)
                    field = ""
                } else { field.append(c) }
            }
            return fields + [field]
        }
    }

    @Test func csvRoundTripKeepsEveryOtherByte() throws {
        let folder = Fixtures.temporaryFolder("convert")
        try Self.csv.write(toFile: folder + "/gcj.csv", atomically: true, encoding: .utf8)
        let there = try CommandRunner.heatgrid(["convert", "--from", "gcj02", "--to", "wgs84", "--incidents",
                                                folder + "/gcj.csv", "--out", folder + "/wgs.csv", "--lang", "en"])
        #expect(there.status == 0, "stderr: \(there.stderr)")
        #expect(there.stdout.contains("rows 6: converted 3, rejected 3 (gcj02 → wgs84, columns 经度/纬度)"), "\(there.stdout)")
        let rejects = try String(contentsOfFile: folder + "/wgs.rejects.csv", encoding: .utf8)
        #expect(rejects == """
            line,reason,row
            6,longitude 'abc' is not a number,"3,海宁,abc,30.5,纠纷"
            7,"latitude '95' is outside [-90, 90]","4,海宁,120.6,95,纠纷"
            8,"row has 6 fields, the header has 5","5,多一列,120.6,30.5,纠纷,x"

            """)
        let back = try CommandRunner.heatgrid(["convert", "--from", "wgs84", "--to", "gcj02", "--incidents",
                                               folder + "/wgs.csv", "--out", folder + "/back.csv"])
        #expect(back.status == 0, "stderr: \(back.stderr)")
        #expect(back.stdout.contains("读取 3 行：转换 3，拒绝 0"), "\(back.stdout)")

        let wgsBytes = try Data(contentsOf: URL(fileURLWithPath: folder + "/wgs.csv"))
        #expect(wgsBytes.prefix(3) == Data([0xEF, 0xBB, 0xBF]))  // the BOM is kept
        let wgs = String(decoding: wgsBytes, as: UTF8.self)
        #expect(wgs.hasPrefix("\u{FEFF}编号,地址,经度,纬度,类别\r\n1,\"南湖区, 中山路\",120.75"))
        #expect(wgs.contains("\r\n\r\n6,桐乡,"))  // the blank line is kept
        let original = Self.rows(Self.csv).filter { ["\u{FEFF}编号", "1", "2", "6", ""].contains($0[0]) }
        let converted = Self.rows(wgs), returned = Self.rows(try String(contentsOfFile: folder + "/back.csv", encoding: .utf8))
        #expect(converted.count == original.count && returned.count == original.count)
        for (k, row) in original.enumerated() where row.count == 5 && row[0] != "\u{FEFF}编号" {
            let number = { (text: String) in Double(text.trimmingCharacters(in: CharacterSet(charactersIn: "\" "))) ?? .nan }
            // Every other field byte-identical, coordinates moved by the GCJ-02 offset and back within 1e-6°.
            #expect([converted[k][0], converted[k][1], converted[k][4]] == [row[0], row[1], row[4]])
            #expect([returned[k][0], returned[k][1], returned[k][4]] == [row[0], row[1], row[4]])
            let shift = hypot((number(converted[k][2]) - number(row[2])) * 95_500, (number(converted[k][3]) - number(row[3])) * 110_574)
            #expect((300...700).contains(shift), "shift \(shift) m")
            #expect(abs(number(returned[k][2]) - number(row[2])) < 1e-6 && abs(number(returned[k][3]) - number(row[3])) < 1e-6)
            #expect(converted[k][2].split(separator: ".").last?.count == 7 && returned[k][3].split(separator: ".").last?.count == 7)
        }
    }

    @Test func geoJSONLayerEveryPositionConverted() throws {
        let folder = Fixtures.temporaryFolder("convert-layer")
        let source = Fixtures.geodata("jiaxing.geojson")
        let there = try CommandRunner.heatgrid(["convert", "--from", "gcj02", "--to", "wgs84", "--layer", source,
                                                "--out", folder + "/wgs.geojson", "--lang", "en"])
        #expect(there.status == 0, "stderr: \(there.stderr)")
        #expect(there.stdout.hasPrefix("converted 8 features, "))
        let back = try CommandRunner.heatgrid(["convert", "--from", "wgs84", "--to", "gcj02", "--layer",
                                               folder + "/wgs.geojson", "--out", folder + "/back.geojson"])
        #expect(back.status == 0, "stderr: \(back.stderr)")

        func features(_ path: String) throws -> [[String: Any]] {
            let root = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any]
            return try #require(root?["features"] as? [[String: Any]])
        }
        func positions(_ feature: [String: Any]) throws -> [[Double]] {
            let geometry = try #require(feature["geometry"] as? [String: Any])
            if let multi = geometry["coordinates"] as? [[[[Double]]]] { return Array(multi.joined().joined()) }
            return Array(try #require(geometry["coordinates"] as? [[[Double]]]).joined())
        }
        let original = try features(source), converted = try features(folder + "/wgs.geojson"),
            returned = try features(folder + "/back.geojson")
        #expect(converted.count == 8 && returned.count == 8)
        for k in original.indices {
            #expect(NSDictionary(dictionary: original[k]["properties"] as? [String: Any] ?? [:])
                == NSDictionary(dictionary: converted[k]["properties"] as? [String: Any] ?? [:]))
            let a = try positions(original[k]), b = try positions(converted[k]), c = try positions(returned[k])
            #expect(a.count == b.count && a.count == c.count)
            // Rings may be reversed on output (RFC 7946 orientation); compare as sets of rounded positions.
            let key = { (p: [Double]) in "\(Int((p[0] * 1e5).rounded())),\(Int((p[1] * 1e5).rounded()))" }
            #expect(Set(a.map(key)) == Set(c.map(key)))
            // The positions' mean moves by the GCJ-02 offset (rings may be reversed, so compare means).
            let mean = { (ps: [[Double]]) in [0, 1].map { i in ps.reduce(0) { $0 + $1[i] } / Double(ps.count) } }
            let (ma, mb) = (mean(a), mean(b))
            let shift = hypot((mb[0] - ma[0]) * 95_500, (mb[1] - ma[1]) * 110_574)
            #expect(shift > 300 && shift < 700, "shift \(shift) m")
        }
    }

    @Test func badArguments() throws {
        let folder = Fixtures.temporaryFolder("convert-bad")
        let cases: [([String], String)] = [
            (["--from", "gcj", "--to", "wgs84", "--incidents", "x.csv"], "Error: The value 'gcj' is invalid for '--from"),
            (["--from", "gcj02", "--to", "gcj02", "--incidents", "x.csv"], "Error: --from and --to are both gcj02"),
            (["--from", "gcj02", "--to", "wgs84"], "Error: give exactly one of --incidents (CSV) or --layer (GeoJSON)"),
        ]
        for (arguments, message) in cases {
            let result = try CommandRunner.heatgrid(["convert", "--out", folder + "/o"] + arguments)
            #expect(result.status != 0)
            let errors = result.stderr.split(separator: "\n").filter { $0.hasPrefix("Error:") }
            #expect(errors.count == 1 && errors[0].hasPrefix(message), "\(result.stderr)")
        }
        try "id,x1,y1\n1,2,3\n".write(toFile: folder + "/nocoords.csv", atomically: true, encoding: .utf8)
        let result = try CommandRunner.heatgrid(["convert", "--from", "gcj02", "--to", "wgs84", "--incidents",
                                                 folder + "/nocoords.csv", "--out", folder + "/o.csv"])
        #expect(result.status == 1)
        let errors = result.messageLines
        #expect(errors == ["heatgrid: error: \(folder)/nocoords.csv: no longitude column in the header \"id,x1,y1\": "
            + "name it with --lon-column (recognised: lon, lng, long, longitude, x, 经度, 东经, gps经度)"])
    }
}
