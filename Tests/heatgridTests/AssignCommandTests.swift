import Foundation
import Testing
import TestSupport

/// `heatgrid assign` run as a user runs it, on a small layer with a shared edge, a hole, a cell with a comma in
/// its id, and incident rows that must be rejected.
struct AssignCommandTests {
    static let fixtures = Fixtures.repositoryRoot + "/Tests/heatgridTests/Fixtures/"

    @Test func everyRowEndsInACellOutsideOrTheRejects() throws {
        let out = Fixtures.temporaryFolder("assign")
        let result = try CommandRunner.heatgrid([
            "assign", "--cells", Self.fixtures + "tiles.geojson", "--incidents", Self.fixtures + "incidents.csv",
            "--out", out + "/assigned.csv", "--counts", out + "/counts.csv", "--lang", "en", "--timings",
        ])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.contains("rows 10: assigned 6, outside 2, rejected 2"))
        // Row 9's time (month 13) is unreadable, but assignment needs no time: it is kept and counted.
        #expect(result.stdout.contains("1 kept rows have no readable time"))
        #expect(CommandRunner.files(in: out) == ["assigned.csv", "assigned.rejects.csv", "counts.csv"])

        let assigned = try String(contentsOfFile: out + "/assigned.csv", encoding: .utf8)
        // 3 lies on the edge A|B: the half-open rule gives it to B (the cell to its right). 4 lies on the edge
        // B|C: it goes to C (above). 5 is in C's hole: outside. 6 is far away: outside.
        #expect(assigned == """
            id,cell_id
            1,A
            2,B
            3,B
            4,"C,with comma"
            5,
            6,
            9,A
            "10,x",B

            """)
        let counts = try String(contentsOfFile: out + "/counts.csv", encoding: .utf8)
        #expect(counts == "cell_id,count\nA,2\nB,3\n\"C,with comma\",1\nD,0\n")

        let rejects = try String(contentsOfFile: out + "/assigned.rejects.csv", encoding: .utf8)
            .split(separator: "\n").dropFirst().map { $0.split(separator: ",").first.map(String.init) ?? "" }
        #expect(rejects == ["8", "9"])  // physical lines of ids 7 and 8

        let timings = result.stderr.split(separator: "\n").last.map(String.init) ?? ""
        for stage in ["parse_cells", "parse_incidents", "index", "cells_and_incidents_wall", "assign", "aggregate",
                      "write", "datum_check", "wall"] {
            #expect(timings.contains("\"\(stage)\":"), "missing \(stage) in \(timings)")
        }
    }

    @Test func countsRollUpIntoParentsByContainment() throws {
        let out = Fixtures.temporaryFolder("assign-parents")
        let result = try CommandRunner.heatgrid([
            "assign", "--cells", Self.fixtures + "tiles.geojson", "--incidents", Self.fixtures + "incidents.csv",
            "--out", out + "/assigned.csv", "--parents", Self.fixtures + "tile-parents.geojson",
            "--parent-id-field", "code", "--parent-counts", out + "/parents.csv", "--lang", "en",
        ])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        // A (2) and B (3) lie in the southern parent, C (1) in the northern one; D (0) in neither.
        let parents = try String(contentsOfFile: out + "/parents.csv", encoding: .utf8)
        #expect(parents == "parent_id,name,count\nP1,南片,5\nP2,北片,1\n")
        let unpaired = try CommandRunner.heatgrid([
            "assign", "--cells", Self.fixtures + "tiles.geojson", "--incidents", Self.fixtures + "incidents.csv",
            "--out", out + "/assigned.csv", "--parents", Self.fixtures + "tile-parents.geojson",
        ])
        #expect(unpaired.status != 0 && unpaired.stderr.contains("--parents and --parent-counts go together"))
    }

    @Test func missingIdFieldIsOneClearError() throws {
        let out = Fixtures.temporaryFolder("assign-bad")
        let result = try CommandRunner.heatgrid([
            "assign", "--cells", Self.fixtures + "tiles.geojson", "--id-field", "code",
            "--incidents", Self.fixtures + "incidents.csv", "--out", out + "/assigned.csv",
        ])
        #expect(result.status != 0)
        let errors = result.messageLines
        #expect(errors == ["heatgrid: error: \(Self.fixtures)tiles.geojson: feature 0 has no property 'code' to use as its id"])
        #expect(CommandRunner.files(in: out).isEmpty)
    }

    /// The cells and the incidents are read at the same time; the errors still come out one at a time, in the
    /// order of the stages: the cell layer's first.
    @Test func badCellsAndBadIncidentsReportTheCellsOnly() throws {
        let out = Fixtures.temporaryFolder("assign-both-bad")
        let missing = out + "/no-such-incidents.csv"
        for _ in 0..<3 {
            let result = try CommandRunner.heatgrid([
                "assign", "--cells", Self.fixtures + "tiles.geojson", "--id-field", "code",
                "--incidents", missing, "--out", out + "/assigned.csv",
            ])
            #expect(result.status != 0)
            let errors = result.messageLines
            #expect(errors == ["heatgrid: error: \(Self.fixtures)tiles.geojson: feature 0 has no property 'code' to use as its id"])
        }
        #expect(CommandRunner.files(in: out).isEmpty)
    }

    @Test func goodCellsAndMissingIncidentsReportTheIncidents() throws {
        let out = Fixtures.temporaryFolder("assign-no-incidents")
        let missing = out + "/no-such-incidents.csv"
        let result = try CommandRunner.heatgrid([
            "assign", "--cells", Self.fixtures + "tiles.geojson", "--incidents", missing, "--out", out + "/assigned.csv",
        ])
        #expect(result.status != 0)
        let errors = result.messageLines
        #expect(errors == ["heatgrid: error: \(missing): cannot open: No such file or directory"])
        #expect(CommandRunner.files(in: out).isEmpty)
    }
}

/// Incidents as Chinese offices export them, through the whole `assign` command.
struct AssignExportTests {
    static let reference = Fixtures.repositoryRoot + "/Tests/AggregateTests/Reference/"

    /// A file saved from Excel in a Chinese office: Chinese headers, `2026/3/1 8:05` times. Every located row is
    /// assigned (times are read, and would not be needed anyway).
    @Test func excelStyleExportKeepsEveryLocatedRow() throws {
        let out = Fixtures.temporaryFolder("assign-excel")
        let csv = """
            编号,经度,纬度,时间,类别
            1,120.7025,30.7125,2026/3/1 8:05,盗窃
            2,120.7125,30.7175,2026/3/1 23:59,纠纷
            3,120.7225,30.7075,2026/3/2 0:00,电信网络诈骗
            4,120.7275,30.7225,2026/12/31 9:30,抢劫

            """
        try csv.write(toFile: out + "/警情.csv", atomically: true, encoding: .utf8)
        let result = try CommandRunner.heatgrid([
            "assign", "--cells", Self.reference + "cells.geojson", "--incidents", out + "/警情.csv",
            "--out", out + "/assigned.csv", "--counts", out + "/counts.csv", "--by", "category", "--lang", "en",
        ])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.contains("rows 4: assigned 4, outside 0, rejected 0"))
        let counts = try String(contentsOfFile: out + "/counts.csv", encoding: .utf8).split(separator: "\n")
        #expect(counts[0] == "cell_id,count,theft,burglary,fraud,assault,dispute,fire,traffic,service,other")
        let totals = counts.dropFirst().map { $0.split(separator: ",").dropFirst().map { Int($0)! } }
            .reduce([Int](repeating: 0, count: 10)) { zip($0, $1).map(+) }
        #expect(totals == [4, 1, 0, 1, 0, 1, 0, 0, 0, 1])
    }

    @Test func countsByWeekHaveAColumnPerWeek() throws {
        let out = Fixtures.temporaryFolder("assign-weeks")
        let result = try CommandRunner.heatgrid([
            "assign", "--cells", Self.reference + "cells.geojson", "--incidents", Self.reference + "incidents.csv",
            "--since", "2026-01-05", "--until", "2026-01-18", "--out", out + "/assigned.csv",
            "--counts", out + "/counts.csv", "--by", "week", "--lang", "en",
        ])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let lines = try String(contentsOfFile: out + "/counts.csv", encoding: .utf8).split(separator: "\n")
        #expect(lines[0] == "cell_id,count,2026-W02,2026-W03")
        // Each cell's count is the sum of its weeks; the weeks equal the pandas reference.
        var expected: [String: Int] = [:]
        for line in try String(contentsOfFile: Self.reference + "expected_cell_category_week.csv", encoding: .utf8)
            .split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",").map(String.init)
            expected["\(f[0])|\(f[2])", default: 0] += Int(f[3])!
        }
        for line in lines.dropFirst() {
            let f = line.split(separator: ",").map(String.init)
            #expect(Int(f[1])! == Int(f[2])! + Int(f[3])!)
            #expect(Int(f[2])! == expected["\(f[0])|2026-W02", default: 0])
            #expect(Int(f[3])! == expected["\(f[0])|2026-W03", default: 0])
        }
        #expect(result.stdout.contains("filtered out"))
    }
}
