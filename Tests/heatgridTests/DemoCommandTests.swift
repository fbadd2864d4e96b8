import Foundation
import Testing
import TestSupport

/// `heatgrid demo` run as a user runs it: the built executable, its output files and exit status.
@Suite(.serialized)
struct DemoCommandTests {
    @Test func writesTheMapTheCountsAndASummary() throws {
        let out = Fixtures.temporaryFolder("demo")
        let result = try CommandRunner.heatgrid(["demo", "--count", "20000", "--width", "480", "--out", out,
                                                 "--lang", "en", "--timings"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(CommandRunner.files(in: out) == ["counts.csv", "districts.geojson", "heatmap.png", "incidents.csv"])
        // Summary: the seven districts, outside, total — and nothing lost.
        #expect(result.stdout.contains("南湖区") && result.stdout.contains("outside every area"))
        #expect(result.stdout.contains("20,000"))
        // counts.csv totals plus the outside count equal the incidents generated.
        let counts = try String(contentsOfFile: out + "/counts.csv", encoding: .utf8).split(separator: "\n")
        #expect(counts.count == 8)
        let assigned = counts.dropFirst().map { Int($0.split(separator: ",")[2])! }.reduce(0, +)
        let outsideLine = result.stdout.split(separator: "\n").first { $0.hasPrefix("outside every area") }!
        let outside = Int(outsideLine.split(separator: " ", omittingEmptySubsequences: true)[3]
            .replacingOccurrences(of: ",", with: ""))!
        #expect(assigned + outside == 20_000)
        #expect(assigned > 15_000)
        // --timings: one JSON object on stderr naming the stages.
        let timingLine = result.stderr.split(separator: "\n").last.map(String.init) ?? ""
        let timings = try JSONSerialization.jsonObject(with: Data(timingLine.utf8)) as? [String: Double]
        let stages = Set(timings.map { Array($0.keys) } ?? [])
        #expect(stages.isSuperset(of: ["parse_cells", "index", "assign", "kde", "shade", "encode", "write"]))
    }

    @Test func sameSeedSameBytes() throws {
        let a = Fixtures.temporaryFolder("demo-a"), b = Fixtures.temporaryFolder("demo-b")
        for folder in [a, b] {
            let r = try CommandRunner.heatgrid(["demo", "--count", "5000", "--width", "300", "--out", folder])
            #expect(r.status == 0, "stderr: \(r.stderr)")
        }
        for name in ["counts.csv", "districts.geojson", "heatmap.png", "incidents.csv"] {
            #expect(FileManager.default.contentsEqual(atPath: a + "/" + name, andPath: b + "/" + name), "\(name) differs")
        }
    }

    @Test(arguments: ["missing", "corrupt"])
    func badGeodataGivesOneErrorLineAndWritesNothing(kind: String) throws {
        let work = Fixtures.temporaryFolder("demo-bad")
        let boundaries = work + "/boundaries.geojson"
        if kind == "corrupt" {
            // A truncated copy of the real file.
            let bytes = try Data(contentsOf: URL(fileURLWithPath: Fixtures.geodata("jiaxing.geojson")))
            try bytes.prefix(5_000).write(to: URL(fileURLWithPath: boundaries))
        }
        let out = work + "/out"
        let result = try CommandRunner.heatgrid(["demo", "--boundaries", boundaries, "--out", out])
        #expect(result.status != 0)
        let lines = result.messageLines
        #expect(lines.count == 1, "stderr: \(result.stderr)")
        #expect(lines.first?.hasPrefix("heatgrid: error: ") == true)
        #expect(lines.first?.contains("boundaries.geojson") == true)
        #expect(CommandRunner.files(in: out).isEmpty)
    }

    @Test func helpShowsExamples() throws {
        let result = try CommandRunner.heatgrid(["demo", "--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("Examples:") && result.stdout.contains("heatgrid demo --lang en"))
    }
}
