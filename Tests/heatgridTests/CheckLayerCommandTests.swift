import Foundation
import Testing
import TestSupport

/// `heatgrid check-layer` run as a user runs it: report lines, exit status, JSON and repaired output.
struct CheckLayerCommandTests {
    static let fixtures = Fixtures.repositoryRoot + "/Tests/LayerCheckTests/Fixtures/"
    static let broken = ["check-layer", fixtures + "broken_cells.geojson", "--parent", fixtures + "broken_parent.geojson",
                         "--parent-id-field", "code", "--parent-field", "parent"]

    static func lines(_ text: String) -> [String] { text.split(separator: "\n").map(String.init) }

    @Test func brokenLayerPrintsEachFindingAndFails() throws {
        let result = try CommandRunner.heatgrid(Self.broken + ["--lang", "en"])
        #expect(result.status == 1, "stderr: \(result.stderr)")
        #expect(Self.lines(result.stdout) == [
            "error layer C-1-0 (feature 3): invalid geometry: Self-intersection at (120.7462921, 30.7448922)",
            "error layer C-2-0 (feature 6): duplicate id in features 6, 7",
            "error layer C-0-0 (feature 0): overlaps C-0-1 (feature 1) by 10,000.0 m²",
            "warning layer C-2-2 (feature 8): only 62.5% inside its parent P",
            "warning layer gap of 6,000.0 m² in parent P (feature 0) at (120.7514739, 30.7466054)",
            "checked 1 parent → 9 layer: 3 errors, 2 warnings (overlap tolerance 1.0 m², gap tolerance 100.0 m², containment 99.0%)",
        ])
        let zh = try CommandRunner.heatgrid(Self.broken)
        #expect(zh.status == 1)
        #expect(Self.lines(zh.stdout).first == "错误 layer C-1-0（要素 3）：几何无效：Self-intersection，位置 (120.7462921, 30.7448922)")
        #expect(Self.lines(zh.stdout).last?.hasPrefix("检查 parent 1 个 → layer 9 个：错误 3 项，警告 2 项") == true, "\(zh.stdout)")
    }

    @Test func warningsAloneExitZero() throws {
        // The broken cells without the overlapping, bow-tie and duplicate ones, and a gap tolerance above every
        // gap: only the cell sticking out of the parent is left, a warning.
        let folder = Fixtures.temporaryFolder("check-layer")
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.fixtures + "broken_cells.geojson"))
        var root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let features = try #require(root["features"] as? [[String: Any]])
        root["features"] = [1, 2, 4, 5, 6, 8].map { features[$0] }
        let path = folder + "/warnings.geojson"
        try JSONSerialization.data(withJSONObject: root).write(to: URL(fileURLWithPath: path))
        let result = try CommandRunner.heatgrid(["check-layer", path, "--parent", Self.fixtures + "broken_parent.geojson",
                                                 "--parent-id-field", "code", "--lang", "en", "--gap-tolerance", "1000000"])
        #expect(result.status == 0, "stdout: \(result.stdout) stderr: \(result.stderr)")
        #expect(Self.lines(result.stdout) == [
            "warning layer C-2-2 (feature 5): only 62.5% inside its parent P",
            "checked 1 parent → 6 layer: 0 errors, 1 warnings (overlap tolerance 1.0 m², gap tolerance 1,000,000.0 m², containment 99.0%)",
        ])
    }

    @Test func jsonReportAndRepairedLayer() throws {
        let folder = Fixtures.temporaryFolder("check-layer")
        let result = try CommandRunner.heatgrid(Self.broken + ["--lang", "en", "--repair", "--out", folder + "/fixed.geojson",
                                                               "--json", folder + "/report.json"])
        #expect(result.status == 1)
        #expect(Self.lines(result.stdout).last == "repaired 1 features (3) → \(folder)/fixed.geojson")
        #expect(CommandRunner.files(in: folder) == ["fixed.geojson", "report.json"])

        let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/report.json"))
        let report = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(report["errors"] as? Int == 3 && report["warnings"] as? Int == 2)
        let findings = try #require(report["findings"] as? [[String: Any]])
        #expect(findings.map { $0["kind"] as? String ?? "" } == ["invalid_geometry", "duplicate_id", "overlap", "outside_parent", "gap"])
        let overlap = findings[2]
        #expect(overlap["id"] as? String == "C-0-0" && overlap["other_id"] as? String == "C-0-1")
        #expect(abs((overlap["area_m2"] as? Double ?? 0) - 10_000) < 100)
        #expect(abs((findings[3]["share"] as? Double ?? 0) - 0.625) < 0.006)
        #expect(findings[1]["features"] as? [Int] == [6, 7])
        #expect((findings[4]["point"] as? [Double])?.count == 2)

        // The repaired file passes the geometry check; the other problems stay.
        let again = try CommandRunner.heatgrid(["check-layer", folder + "/fixed.geojson", "--parent", Self.fixtures + "broken_parent.geojson",
                                                "--parent-id-field", "code", "--lang", "en"])
        #expect(again.status == 1)
        #expect(!again.stdout.contains("invalid geometry"))
        #expect(again.stdout.contains("2 errors, 2 warnings"), "\(again.stdout)")
    }

    @Test func jiaxingDistrictsUnderTheCity() throws {
        let result = try CommandRunner.heatgrid(["check-layer", Fixtures.geodata("jiaxing.geojson"), "--id-field", "adcode",
                                                 "--level", "city,district", "--lang", "en"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(Self.lines(result.stdout) == [
            "checked 1 city → 7 district: 0 errors, 0 warnings (overlap tolerance 1.0 m², gap tolerance 100.0 m², containment 99.0%)",
        ])
    }

    @Test func badInputIsOneErrorLine() throws {
        let missing = try CommandRunner.heatgrid(["check-layer", Self.fixtures + "broken_cells.geojson", "--id-field", "nope"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("heatgrid: error: ") && missing.stderr.contains("feature 0 has no property 'nope'"), "\(missing.stderr)")
        let noRepair = try CommandRunner.heatgrid(["check-layer", Self.fixtures + "broken_cells.geojson", "--out", "x.geojson"])
        #expect(noRepair.status == 64)
        #expect(noRepair.stderr.contains("add --repair"))
    }
}
