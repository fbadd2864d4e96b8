import HeatGridKit
@testable import JobFile
import Testing

/// The weekly job file: typed values with defaults, paths relative to the file, and every problem one error at its
/// line.
struct WeeklyJobFileTests {
    static let full = """
        name = "jiaxing"
        output = "out"
        language = "en"
        seed = 11

        [layers]
        cells = "cells.geojson"
        cells_datum = "wgs84"
        boundaries = "/data/jiaxing.geojson"
        boundary_level = "district"
        boundaries_datum = "gcj02"

        [incidents]
        sources = ["exports/*.csv", "extra.csv"]
        categories = "categories.csv"
        tz = "Asia/Shanghai"
        lon_column = "经度"

        [maps]
        kde_categories = ["theft", "fraud"]
        radius = 800
        weights = "distance:1500"
        change = ["previous"]
        emerging_weeks = 8

        [patrol]
        shifts = "shifts.csv"
        mode = "ebike"
        weeks = "all"
        """

    @Test func readsEveryTableWithPathsBesideTheFile() throws {
        let job = try WeeklyJobFile(text: Self.full, path: "jobs/week.toml")
        #expect(job.name == "jiaxing" && job.output == "jobs/out" && job.language == .en && job.seed == 11)
        #expect(job.cells == "jobs/cells.geojson" && job.cellID == "cell_id" && job.cellsDatum == .wgs84)
        #expect(job.boundaries == "/data/jiaxing.geojson" && job.boundaryLevel == "district" && job.boundariesDatum == .gcj02)
        #expect(job.sources == ["jobs/exports/*.csv", "jobs/extra.csv"] && job.categories == "jobs/categories.csv")
        #expect(job.timeZone == "Asia/Shanghai" && job.columns == ["lon_column": "经度"])
        #expect(job.kde && job.kdeCategories == ["theft", "fraud"] && job.radius == 800 && job.hotspots)
        #expect(job.weights == "distance:1500" && job.change == ["previous"] && job.emergingWeeks == 8)
        #expect(job.patrol == WeeklyJobFile.Patrol(shifts: "jobs/shifts.csv", bases: nil, mode: .eBike, everyWeek: true))
    }

    @Test func defaultsFromAMinimalFile() throws {
        let job = try WeeklyJobFile(text: "[layers]\ncells = \"c.geojson\"\n[incidents]\nsources = \"i.csv\"\n", path: "weekly.toml")
        #expect(job.name == "weekly" && job.output == "output" && job.language == .zh && job.seed == 7)
        #expect(job.sources == ["i.csv"] && job.weights == "queen" && job.change == ["previous", "year"])
        #expect(job.emergingWeeks == 12 && job.radius == nil && job.patrol == nil)
    }

    @Test(arguments: [
        // An unknown key names its table, its line and the keys the table takes.
        (full.replacingOccurrences(of: "kde_categories", with: "kde_catgories"),
         "job.toml:20: unknown key 'kde_catgories' in [maps]; it takes kde, kde_categories"),
        (full + "\n[styles]\nx = 1\n", "job.toml:30: unknown key 'styles' at the top level"),
        (full.replacingOccurrences(of: "seed = 11", with: "seed = \"11\""), "job.toml:4: 'seed' must be a whole number, got a string"),
        (full.replacingOccurrences(of: "radius = 800", with: "radius = -5"), "job.toml:21: 'radius' must be a positive number"),
        (full.replacingOccurrences(of: "\"ebike\"", with: "\"bus\""), "job.toml:28: 'mode' takes car, e-bike, ebike, foot, got 'bus'"),
        (full.replacingOccurrences(of: "[\"previous\"]", with: "[\"previous\", 3]"), "job.toml:23: 'change' must be a list of strings, got a integer"),
        (full.replacingOccurrences(of: "weights = \"distance:1500\"", with: "weights = \"hex\""), "job.toml:22: 'weights': unknown neighbour rule 'hex'"),
        (full.replacingOccurrences(of: "cells = \"cells.geojson\"\n", with: ""), "job.toml:6: 'cells' is required in [layers]"),
        (full.replacingOccurrences(of: "emerging_weeks = 8", with: "emerging_weeks = 2"), "job.toml:24: 'emerging_weeks' must be 0 (none) or from 4 to 104"),
        ("[layers\ncells = 1\n", "job.toml:1:"),
    ])
    func problemsAreOneErrorAtTheirLine(_ text: String, _ message: String) {
        #expect {
            try WeeklyJobFile(text: text, path: "job.toml")
        } throws: { error in
            "\(error)".hasPrefix(message) || "\(error)".contains(message)
        }
    }
}
