import Foundation
import Testing
import TestSupport

/// `heatgrid assign` with GCJ-02 cells (from the shipped districts) and GPS (WGS-84) incidents: a warning when
/// the datums are not declared, a correct and quiet assignment when they are.
@Suite(.serialized)
struct AssignDatumTests {
    @Test func mismatchedDatumsWarnAndDeclaredDatumsAssignCorrectly() throws {
        let folder = Fixtures.temporaryFolder("assign-datum")
        func run(_ arguments: [String]) throws -> CommandRunner.Result {
            let result = try CommandRunner.heatgrid(arguments + ["--lang", "en"])
            #expect(result.status == 0, "\(arguments.first ?? ""): \(result.stderr)")
            return result
        }
        // GCJ-02 cells: the shipped (GCJ-02) districts gridded at 2 km and written back in GCJ-02.
        _ = try run(["grid", "--boundaries", Fixtures.geodata("jiaxing.geojson"), "--boundary-datum", "gcj02",
                     "--out-datum", "gcj02", "--cell", "2000", "--out", folder + "/cells.geojson"])
        // GCJ-02 incidents generated inside the districts; the demo is consistent and must not warn.
        let demo = try run(["demo", "--count", "5000", "--width", "64", "--out", folder + "/demo"])
        #expect(!demo.stderr.contains("warning"), "\(demo.stderr)")
        let consistent = try run(["assign", "--cells", folder + "/cells.geojson", "--incidents",
                                  folder + "/demo/incidents.csv", "--out", folder + "/all.csv"])
        #expect(!consistent.stderr.contains("warning"), "\(consistent.stderr)")

        // A jurisdiction's file: only the incidents inside the cells, then made a GPS file by conversion.
        let lines = try String(contentsOfFile: folder + "/demo/incidents.csv", encoding: .utf8).split(separator: "\n")
        let cells = try String(contentsOfFile: folder + "/all.csv", encoding: .utf8).split(separator: "\n",
                                                                                         omittingEmptySubsequences: false)
        var inside = [lines[0]]
        for (line, cell) in zip(lines.dropFirst(), cells.dropFirst()) where !cell.hasSuffix(",") { inside.append(line) }
        #expect(inside.count > 3_500)
        try (inside.joined(separator: "\n") + "\n").write(toFile: folder + "/gcj.csv", atomically: true, encoding: .utf8)
        _ = try run(["convert", "--from", "gcj02", "--to", "wgs84", "--incidents", folder + "/gcj.csv",
                     "--out", folder + "/gps.csv"])
        let expected = try run(["assign", "--cells", folder + "/cells.geojson", "--incidents", folder + "/gcj.csv",
                                "--out", folder + "/expected.csv"])
        #expect(!expected.stderr.contains("warning"))
        #expect(expected.stdout.contains("outside 0,"))

        let mixed = try run(["assign", "--cells", folder + "/cells.geojson", "--incidents", folder + "/gps.csv",
                             "--out", folder + "/mixed.csv"])
        let warnings = mixed.stderr.split(separator: "\n").filter { $0.hasPrefix("heatgrid: warning:") }
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("rerun with --datum wgs84 --boundary-datum gcj02") == true, "\(mixed.stderr)")
        #expect(warnings.first?.contains("100.0% with --datum wgs84 --boundary-datum gcj02") == true)
        #expect(!mixed.stdout.contains("outside 0,"))  // nothing converted without the flags

        let declared = try run(["assign", "--cells", folder + "/cells.geojson", "--incidents", folder + "/gps.csv",
                                "--datum", "wgs84", "--boundary-datum", "gcj02", "--out", folder + "/declared.csv"])
        #expect(!declared.stderr.contains("warning"), "\(declared.stderr)")
        #expect(declared.stderr.contains("converting \(inside.count - 1) incidents from wgs84 to gcj02"))
        #expect(declared.stdout.contains("outside 0,"))
        let a = try String(contentsOfFile: folder + "/declared.csv", encoding: .utf8)
        let b = try String(contentsOfFile: folder + "/expected.csv", encoding: .utf8)
        #expect(a == b, "declared datums must give the assignment of the consistent GCJ-02 file")

        // Baidu coordinates are noticed too.
        _ = try run(["convert", "--from", "gcj02", "--to", "bd09", "--incidents", folder + "/gcj.csv",
                     "--out", folder + "/bd.csv"])
        let baidu = try run(["assign", "--cells", folder + "/cells.geojson", "--incidents", folder + "/bd.csv",
                             "--boundary-datum", "gcj02", "--out", folder + "/bd-assigned.csv"])
        #expect(baidu.stderr.contains("rerun with --datum bd09 --boundary-datum gcj02"), "\(baidu.stderr)")
    }

    @Test func unknownDatumIsOneErrorLine() throws {
        let result = try CommandRunner.heatgrid(["assign", "--cells", "c.geojson", "--incidents", "i.csv",
                                                 "--datum", "baidu", "--out", "/tmp/never.csv"])
        #expect(result.status != 0)
        let errors = result.stderr.split(separator: "\n").filter { $0.hasPrefix("Error:") }
        #expect(errors.count == 1 && errors[0].hasPrefix("Error: The value 'baidu' is invalid for '--datum"), "\(result.stderr)")
    }
}
