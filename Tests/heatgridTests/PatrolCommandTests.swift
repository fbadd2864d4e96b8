import Foundation
import Testing
import TestSupport

/// `heatgrid patrol` as a duty office runs it, on the 6 × 5 grid and 3,000 incidents of Tests/AggregateTests/Reference:
/// a week planned for two day-shift units and one night unit, with stations and beats. (The plans' constraints are
/// checked over many random instances by an independent validator in Tests/PatrolTests.)
struct PatrolCommandTests {
    static let reference = Fixtures.repositoryRoot + "/Tests/AggregateTests/Reference/"

    static func write(_ text: String, to path: String) throws {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    static func run(_ out: String, shifts: String, extra: [String] = []) throws -> CommandRunner.Result {
        try CommandRunner.heatgrid([
            "patrol", "--cells", reference + "cells.geojson", "--incidents", reference + "incidents.csv",
            "--shifts", shifts, "--week", "2026-W06", "--lang", "en", "--size", "400", "--out", out,
        ] + extra)
    }

    static let stations = """
        {"type":"FeatureCollection","features":[
        {"type":"Feature","properties":{"name":"南湖派出所"},"geometry":{"type":"Point","coordinates":[120.705,30.71]}},
        {"type":"Feature","properties":{"name":"North <station> & co"},"geometry":{"type":"Point","coordinates":[120.715,30.72]}}]}
        """

    @Test func aWeekOfRoutesWithCalendarsAndBaselines() throws {
        let folder = Fixtures.temporaryFolder("patrol")
        try Self.write("name,start,end,units\n早班,08:00,16:00,2\n夜班,22:00,06:00,1\n", to: folder + "/shifts.csv")
        try Self.write(Self.stations, to: folder + "/stations.geojson")
        let result = try Self.run(folder + "/out", shifts: folder + "/shifts.csv",
                                  extra: ["--bases", folder + "/stations.geojson", "--seed", "3"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.contains("2026-W06: 3 units, 14 shifts"))
        #expect(result.stdout.contains("top cells by count"))

        let out = folder + "/out/"
        let lines = try String(contentsOfFile: out + "plan.csv", encoding: .utf8).split(separator: "\n")
        #expect(lines.first == "unit,shift,order,cell_id,arrive,depart,minutes,expected_harm")
        #expect(lines.count > 10)
        for line in lines.dropFirst() {
            let f = line.split(separator: ",").map(String.init)
            #expect(f.count == 8)
            #expect(["早班-1", "早班-2", "夜班-1"].contains(f[0]))
            #expect(f[4].hasSuffix("+08:00") && f[5].hasSuffix("+08:00"))
            #expect(f[6] == "12")
            // Day shifts visit between 08:00 and 16:00 of their day; night visits between 22:00 and 06:00 next day.
            let day = String(f[1].split(separator: " ")[1])
            if f[0].hasPrefix("早班") {
                #expect(f[4] >= day + "T08:00:00+08:00" && f[5] <= day + "T16:00:00+08:00", "\(line)")
            } else {
                #expect(f[4] >= day + "T22:00:00+08:00", "\(line)")
            }
        }
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "summary.json"))) as! [String: Any]
        let plan = (summary["plan"] as! [String: Any])["covered_share"] as! Double
        for baseline in summary["baselines"] as! [[String: Any]] {
            #expect(plan >= (baseline["covered_share"] as! Double), "\(baseline["name"]!)")
        }
        let geojson = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "plan.geojson"))) as! [String: Any]
        let kinds = (geojson["features"] as! [[String: Any]]).map { ($0["geometry"] as! [String: Any])["type"] as! String }
        #expect(kinds.contains("LineString") && kinds.contains("Point"))
        for unit in ["早班-1", "早班-2", "夜班-1"] {
            let ics = try String(contentsOfFile: out + "calendars/\(unit).ics", encoding: .utf8)
            #expect(ics.hasPrefix("BEGIN:VCALENDAR\r\n") && ics.hasSuffix("END:VCALENDAR\r\n"))
            #expect(ics.contains("BEGIN:VEVENT"))
        }
        #expect(FileManager.default.fileExists(atPath: out + "maps/早班.png"))
        #expect(FileManager.default.fileExists(atPath: out + "maps/夜班.png"))
        #expect(try String(contentsOfFile: out + "risk.csv", encoding: .utf8).hasPrefix("cell_id,week,早班 2026-02-02,"))

        // Same seed, same bytes; another seed, other times and about the same coverage.
        let again = try Self.run(folder + "/again", shifts: folder + "/shifts.csv",
                                 extra: ["--bases", folder + "/stations.geojson", "--seed", "3", "--threads", "1"])
        #expect(again.status == 0)
        for file in ["plan.csv", "plan.geojson", "calendars/早班-1.ics", "summary.json"] {
            #expect(try Data(contentsOf: URL(fileURLWithPath: out + file))
                == Data(contentsOf: URL(fileURLWithPath: folder + "/again/" + file)), "\(file)")
        }
        let other = try Self.run(folder + "/other", shifts: folder + "/shifts.csv",
                                 extra: ["--bases", folder + "/stations.geojson", "--seed", "4"])
        #expect(other.status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: out + "plan.csv"))
            != Data(contentsOf: URL(fileURLWithPath: folder + "/other/plan.csv")))
        let otherSummary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/other/summary.json"))) as! [String: Any]
        let otherPlan = (otherSummary["plan"] as! [String: Any])["covered_share"] as! Double
        #expect(abs(otherPlan - plan) <= 0.01 * plan)
    }

    @Test func beatsKeepEachUnitToItsCells() throws {
        let folder = Fixtures.temporaryFolder("patrol-beats")
        try Self.write("name,start,end,units\nday,08:00,20:00,3\n", to: folder + "/shifts.csv")
        let result = try Self.run(folder + "/out", shifts: folder + "/shifts.csv", extra: ["--beats"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        var cellsOf: [String: Set<String>] = [:]
        for line in try String(contentsOfFile: folder + "/out/plan.csv", encoding: .utf8).split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",")
            cellsOf[String(f[0]), default: []].insert(String(f[3]))
        }
        #expect(cellsOf.count == 3)
        let all = Array(cellsOf.values)
        for a in all.indices { for b in all.indices where a < b { #expect(all[a].isDisjoint(with: all[b])) } }
    }

    @Test(arguments: [
        ("name,start,end,units\nA,08:00,08:30,2\n", nil as String?, "shorter than one visit"),
        ("name,start,end,units\nA,08:00,16:00,0\n", nil, "no units on any shift"),
        ("name,start,end,units\nA,08:00,16:00,1\n", "far", "lies outside every cell"),
    ])
    func infeasibleInputsAreOneClearError(_ shifts: String, _ bases: String?, _ message: String) throws {
        let folder = Fixtures.temporaryFolder("patrol-bad")
        try Self.write(shifts, to: folder + "/shifts.csv")
        var extra: [String] = []
        if bases != nil {
            try Self.write("""
                {"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"far"},
                "geometry":{"type":"Point","coordinates":[121.9,31.9]}}]}
                """, to: folder + "/far.geojson")
            extra = ["--bases", folder + "/far.geojson"]
        }
        let result = try Self.run(folder + "/out", shifts: folder + "/shifts.csv", extra: extra)
        #expect(result.status != 0)
        #expect(result.stderr.contains(message), "stderr: \(result.stderr)")
    }
}
