import Foundation
import Testing
import TestSupport

/// `heatgrid heatmap` and `heatgrid choropleth` run as a user runs them, on the demo's sample incidents.
@Suite(.serialized)
struct MapCommandTests {
    /// Sample incidents (GCJ-02, like the shipped districts) made once by the demo command.
    static let incidents: String = {
        let folder = Fixtures.temporaryFolder("maps-input")
        let result = try! CommandRunner.heatgrid(["demo", "--count", "6000", "--width", "200", "--out", folder])
        precondition(result.status == 0, result.stderr)
        return folder + "/incidents.csv"
    }()

    static let districts = Fixtures.geodata("jiaxing.geojson")

    @Test func heatmapWritesMapRasterWorldFileAndPinnableBreaks() throws {
        let out = Fixtures.temporaryFolder("heatmap")
        let result = try CommandRunner.heatgrid([
            "heatmap", "--incidents", Self.incidents, "--boundaries", Self.districts, "--level", "district",
            "--out", out + "/map.png", "--size", "320", "--radius", "2000", "--classes", "quantiles:4",
            "--save-breaks", out + "/breaks.json", "--raster", out + "/kde.asc", "--world-file", "--timings",
            "--category", "theft", "--lang", "en",
        ])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(CommandRunner.files(in: out) == ["breaks.json", "kde.asc", "kde.prj", "map.pgw", "map.png", "map.prj"])
        #expect(result.stdout.contains("rows 6,000: mapped "), "\(result.stdout)")
        #expect(result.stdout.contains("radius 2000 m, 320×"))
        // Stages the issue names.
        let timings = result.stderr.split(separator: "\n").last.map(String.init) ?? ""
        for stage in ["parse_incidents", "kde", "shade", "encode", "write"] {
            #expect(timings.contains("\"\(stage)\":"), "\(stage) missing from \(timings)")
        }
        // The ESRI grid: header GIS tools read, 320 columns, cell size = map pixel size (= the world file's).
        let grid = try String(contentsOfFile: out + "/kde.asc", encoding: .utf8).split(separator: "\n")
        #expect(grid[0] == "ncols 320")
        let cellSize = Double(grid[4].split(separator: " ").last!)!
        let worldFile = try String(contentsOfFile: out + "/map.pgw", encoding: .utf8).split(separator: "\n")
        #expect(abs(Double(worldFile[0])! - cellSize) < 1e-9 && abs(Double(worldFile[3])! + cellSize) < 1e-9)
        #expect(try String(contentsOfFile: out + "/map.prj", encoding: .utf8).contains("UTM_Zone_51N"))
        // Four quantile classes pinned, and a second week drawn with them says the same breaks.
        let breaks = try String(contentsOfFile: out + "/breaks.json", encoding: .utf8)
        #expect(breaks.hasPrefix("{\"upper_bounds\": [") && breaks.split(separator: ",").count == 4)
        let week2 = try CommandRunner.heatgrid([
            "heatmap", "--incidents", Self.incidents, "--boundaries", Self.districts, "--level", "district",
            "--out", out + "/week2.png", "--size", "320", "--radius", "2000", "--breaks", out + "/breaks.json",
            "--save-breaks", out + "/week2-breaks.json",
        ])
        #expect(week2.status == 0, "stderr: \(week2.stderr)")
        #expect(try String(contentsOfFile: out + "/week2-breaks.json", encoding: .utf8) == breaks)
    }

    @Test func choroplethOfCountsAndOfChange() throws {
        let out = Fixtures.temporaryFolder("choropleth")
        let grid = try CommandRunner.heatgrid([
            "grid", "--boundaries", Self.districts, "--boundary-datum", "gcj02", "--out-datum", "gcj02",
            "--cell", "4000", "--out", out + "/cells.geojson",
        ])
        #expect(grid.status == 0, "stderr: \(grid.stderr)")
        let counts = try CommandRunner.heatgrid([
            "choropleth", "--cells", out + "/cells.geojson", "--incidents", Self.incidents, "--out", out + "/counts.png",
            "--size", "300", "--boundaries", Self.districts, "--boundary-level", "district", "--lang", "en",
        ])
        #expect(counts.status == 0, "stderr: \(counts.stderr)")
        // Nothing lost: assigned + outside + other categories + rejected = rows.
        let numbers = counts.stdout.split(separator: "\n")[0].split(whereSeparator: { !$0.isNumber && $0 != "," })
            .map { Int($0.replacingOccurrences(of: ",", with: ""))! }
        #expect(numbers.count == 5 && numbers[0] == 6_000 && numbers[1...].reduce(0, +) == 6_000, "\(counts.stdout)")
        let change = try CommandRunner.heatgrid([
            "choropleth", "--cells", out + "/cells.geojson", "--incidents", Self.incidents, "--out", out + "/change.png",
            "--size", "300", "--split", "2026-07-01",
        ])
        #expect(change.status == 0, "stderr: \(change.stderr)")
        #expect(FileManager.default.fileExists(atPath: out + "/change.png"))
    }

    @Test func badOptionsAreOneClearLine() throws {
        let out = Fixtures.temporaryFolder("map-bad")
        let badClasses = try CommandRunner.heatgrid([
            "heatmap", "--incidents", Self.incidents, "--boundaries", Self.districts, "--out", out + "/m.png",
            "--classes", "jenks:5",
        ])
        #expect(badClasses.status != 0 && badClasses.stderr.contains("--classes takes natural:N"))
        let badSplit = try CommandRunner.heatgrid([
            "choropleth", "--cells", Self.districts, "--incidents", Self.incidents, "--out", out + "/c.png",
            "--split", "next week",
        ])
        #expect(badSplit.status != 0 && badSplit.stderr.contains("is not an ISO 8601 time"))
        let missing = try CommandRunner.heatgrid([
            "heatmap", "--incidents", out + "/nope.csv", "--boundaries", Self.districts, "--out", out + "/m.png",
        ])
        #expect(missing.status == 1)
        #expect(missing.messageLines.count == 1)
        #expect(CommandRunner.files(in: out).isEmpty)
    }
}
