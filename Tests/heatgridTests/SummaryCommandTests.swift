import Foundation
import Testing
import TestSupport

/// `heatgrid summary` run as a user runs it, against the pandas reference in Tests/AggregateTests/Reference
/// (make_reference.py: shapely `contains` for the cell, pandas `groupby` for the counts).
struct SummaryCommandTests {
    static let reference = Fixtures.repositoryRoot + "/Tests/AggregateTests/Reference/"

    /// The rows of a CSV file as dictionaries keyed by its header (no quoted commas in these files).
    static func rows(_ path: String) throws -> [[String: String]] {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        return lines.dropFirst().map { line in
            Dictionary(uniqueKeysWithValues: zip(header, line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)))
        }
    }

    static func summary(_ extra: [String], lang: String = "en") throws -> (CommandRunner.Result, String) {
        let out = Fixtures.temporaryFolder("summary")
        let result = try CommandRunner.heatgrid([
            "summary", "--cells", reference + "cells.geojson", "--name-field", "name",
            "--incidents", reference + "incidents.csv", "--out", out, "--lang", lang,
        ] + extra)
        return (result, out)
    }

    @Test func countsPerCellCategoryAndWeekEqualPandas() throws {
        let (result, out) = try Self.summary(["--parents", Self.reference + "parents.geojson", "--parent-field", "parent"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let rows = try Self.rows(out + "/summary.csv")

        var expected: [String: Int] = [:]
        for row in try Self.rows(Self.reference + "expected_cell_category_week.csv") {
            expected["\(row["cell_id"]!)|\(row["category"]!)|\(row["week"]!)"] = Int(row["count"]!)!
        }
        var got: [String: Int] = [:]
        for row in rows where row["level"] == "cell" && row["category"] != "all" && row["count"] != "0" {
            got["\(row["unit_id"]!)|\(row["category"]!)|\(row["period"]!)"] = Int(row["count"]!)!
        }
        #expect(got.count == expected.count)
        #expect(got == expected)

        var expectedParents: [String: Int] = [:]
        for row in try Self.rows(Self.reference + "expected_parent_week.csv") {
            expectedParents["\(row["parent_id"]!)|\(row["week"]!)"] = Int(row["count"]!)!
        }
        var parents: [String: Int] = [:]
        for row in rows where row["level"] == "parent" && row["category"] == "all" && row["count"] != "0" {
            parents["\(row["unit_id"]!)|\(row["period"]!)"] = Int(row["count"]!)!
        }
        #expect(parents == expectedParents)

        // Nothing lost: the summary line adds up to the file's rows (the 5 rows without a time are rejected: a
        // summary by week needs times).
        let totals = try Self.rows(Self.reference + "expected_totals.csv")[0]
        #expect(totals["rows"] == "3000" && totals["in_cells"] == "2667" && totals["outside"] == "333")
        // 4 of the 5 rows without a time lie in cells, 1 outside.
        #expect(result.stdout.contains("rows 3,000: counted 2,663, outside 332"))
        #expect(result.stdout.contains("rejected \(totals["no_time"]!)"))
        #expect(result.stdout.contains("unknown categories, counted as other: 抢劫"))
        // The data run from Monday 2025-12-15 to Sunday 2027-01-10: whole weeks, no note.
        #expect(!result.stdout.contains("note: the data cover only part"))
        #expect(CommandRunner.files(in: out) == ["concentration.csv", "rejects.csv", "summary.csv", "summary.json"])
    }

    @Test func oneWeekAgainstThePreviousAndAYearEarlier() throws {
        let (result, out) = try Self.summary(["--period", "2026-W02", "--compare", "previous"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let rows = try Self.rows(out + "/summary.csv")
        let area = rows.filter { $0["level"] == "area" && $0["category"] == "all" }
        #expect(area.count == 1 && area[0]["period"] == "2026-W02")
        let week = try Self.rows(Self.reference + "expected_parent_week.csv")
        let total = { (w: String) in week.filter { $0["week"] == w }.reduce(0) { $0 + Int($1["count"]!)! } }
        #expect(Int(area[0]["count"]!) == total("2026-W02"))
        #expect(Int(area[0]["previous"]!) == total("2026-W01"))
        #expect(Int(area[0]["change"]!) == total("2026-W02") - total("2026-W01"))
        // Cell rows hold every unit with something in either week, and only those.
        #expect(rows.filter { $0["level"] == "cell" }.allSatisfy { $0["count"] != "0" || $0["previous"] != "0" })

        // The week before the data starts is compared with, but the data do not cover it: the run says so.
        let (firstWeek, _) = try Self.summary(["--period", "2025-W51", "--compare", "previous"])
        #expect(firstWeek.stdout.contains("note: the data cover only part of 2025-W50"))

        let (yearResult, yearOut) = try Self.summary(["--period", "2026-W53", "--compare", "year"])
        #expect(yearResult.status == 0)
        let yearArea = try Self.rows(yearOut + "/summary.csv").filter { $0["level"] == "area" && $0["category"] == "all" }
        #expect(yearArea[0]["previous"] == "\(total("2025-W52"))")  // 2025 has no week 53
    }

    @Test func concentrationCompstatChartsAndJSON() throws {
        let (result, out) = try Self.summary(["--by", "week", "--since", "2026-01-01", "--until", "2026-01-31",
                                              "--compare", "previous", "--compstat", "--charts"], lang: "zh")
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.contains("2026-W05 对比 2026-W04"))
        let periods = Set(try Self.rows(out + "/summary.csv").map { $0["period"]! })
        #expect(periods == ["2026-W01", "2026-W02", "2026-W03", "2026-W04", "2026-W05"])
        let concentration = try Self.rows(out + "/concentration.csv")
        #expect(concentration.count == 5 * 10)  // 5 weeks × (9 categories + all)
        for row in concentration where row["category"] == "all" {
            #expect(row["cells"] == "30")
            let gini = try #require(Double(row["gini"]!))
            #expect(gini > 0 && gini < 1)
        }
        let compstat = try Self.rows(out + "/compstat.csv")
        #expect(compstat.first?["level"] == "area" && compstat.first?["category"] == "theft")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/summary.json"))) as! [String: Any]
        #expect((json["periods"] as? [String])?.count == 5)
        #expect((json["rows"] as? [[Any]])?.count == (try Self.rows(out + "/summary.csv")).count)
        for chart in ["lorenz.png", "periods.png"] {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: out + "/" + chart))
            #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        }
    }

    @Test func clearErrors() throws {
        let (noTime, _) = try Self.summary(["--time-column", "category"])
        #expect(noTime.status != 0)
        let (badCompare, _) = try Self.summary(["--by", "hour", "--compare", "previous"])
        #expect(badCompare.status != 0)
        #expect(badCompare.messageLines.contains { $0.contains("--compare needs periods that follow one another") })
        let (badPeriod, _) = try Self.summary(["--period", "2026-W60"])
        #expect(badPeriod.status != 0)
        #expect(badPeriod.stderr.contains("--period takes a week"))
    }
}
