import Foundation
import Testing
import TestSupport

/// `heatgrid hotspots`, `emerging`, `evaluate` and `nearrepeat` run as a user runs them, on the 6 × 5 grid and the
/// 3,000 incidents of Tests/AggregateTests/Reference (cells `C-R<row>-C<col>`, counts checked against pandas there).
struct HotSpotCommandTests {
    static let reference = Fixtures.repositoryRoot + "/Tests/AggregateTests/Reference/"

    static func geojson(_ path: String) throws -> [[String: Any]] {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
        return (object["features"] as! [[String: Any]]).map { $0["properties"] as! [String: Any] }
    }

    /// Counts per cell of the timed incidents, from the pandas reference.
    static func referenceCounts() throws -> [String: Double] {
        var counts: [String: Double] = [:]
        for line in try String(contentsOfFile: reference + "expected_cell_category_week.csv", encoding: .utf8)
            .split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",")
            counts[String(f[0]), default: 0] += Double(f[3])!
        }
        return counts
    }

    /// Gi* z-scores computed here from DESIGN.md's formula with binary queen weights read off the cells' row and
    /// column: independent of the Neighbours and Stats modules.
    @Test func giStarEqualsTheFormulaOnPandasCounts() throws {
        let out = Fixtures.temporaryFolder("hotspots")
        let result = try CommandRunner.heatgrid([
            "hotspots", "--cells", Self.reference + "cells.geojson", "--incidents", Self.reference + "incidents.csv",
            "--since", "2025-01-01", "--until", "2027-12-31", "--permutations", "99", "--seed", "3",
            "--out", out + "/hot.geojson", "--png", out + "/hot.png", "--lang", "en",
        ])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let cells = try Self.geojson(out + "/hot.geojson")
        #expect(cells.count == 30)
        let counts = try Self.referenceCounts()
        let ids = cells.map { $0["cell_id"] as! String }
        let x = ids.map { counts[$0, default: 0] }
        for (k, cell) in cells.enumerated() { #expect(cell["count"] as? Double == x[k], "\(ids[k])") }
        let position = ids.map { id -> (Int, Int) in
            let parts = id.split(separator: "-")
            return (Int(parts[1].dropFirst())!, Int(parts[2].dropFirst())!)
        }
        let n = Double(x.count)
        let mean = x.reduce(0, +) / n
        let s = (x.map { $0 * $0 }.reduce(0, +) / n - mean * mean).squareRoot()
        for i in x.indices {
            let neighbourhood = x.indices.filter { abs(position[$0].0 - position[i].0) <= 1 && abs(position[$0].1 - position[i].1) <= 1 }
            let w = Double(neighbourhood.count)
            let sum = neighbourhood.reduce(0.0) { $0 + x[$1] }
            let z = (sum - mean * w) / (s * ((n * w - w * w) / (n - 1)).squareRoot())
            let got = try #require(cells[i]["gi_z"] as? Double)
            #expect(abs(got - z) < 1e-9, "\(ids[i]): \(got) vs \(z)")
            let bin = try #require(cells[i]["gi_bin"] as? Double)
            let p = cells[i]["gi_p"] as! Double
            #expect(bin == (p < 0.01 ? 3 : p < 0.05 ? 2 : p < 0.10 ? 1 : 0) * (z > 0 ? 1 : -1) || (bin == 0 && p >= 0.10))
            let pSim = try #require(cells[i]["gi_p_sim"] as? Double)
            #expect(pSim > 0 && pSim <= 1)
            #expect(["HH", "LL", "HL", "LH", "NS"].contains(cells[i]["moran_class"] as? String ?? ""))
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: out + "/hot.png")).starts(with: [0x89, 0x50, 0x4E, 0x47]))
        #expect(result.stdout.contains("Gi* bins:"))
        // The same seed gives the same bytes.
        let again = try CommandRunner.heatgrid([
            "hotspots", "--cells", Self.reference + "cells.geojson", "--incidents", Self.reference + "incidents.csv",
            "--since", "2025-01-01", "--until", "2027-12-31", "--permutations", "99", "--seed", "3", "--threads", "1",
            "--out", out + "/again.geojson",
        ])
        #expect(again.status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: out + "/again.geojson"))
            == Data(contentsOf: URL(fileURLWithPath: out + "/hot.geojson")))
    }

    @Test func badNeighbourRulesAreOneClearError() throws {
        let result = try CommandRunner.heatgrid([
            "hotspots", "--cells", Self.reference + "cells.geojson", "--incidents", Self.reference + "incidents.csv",
            "--weights", "knn:2.5", "--out", Fixtures.temporaryFolder("bad") + "/hot.geojson",
        ])
        #expect(result.status != 0)
        #expect(result.stderr.contains("--weights") && result.stderr.contains("knn"))
    }

    /// Optimized hot spot analysis is the fixed distance band it printed, with the FDR correction: the same run with
    /// `--weights distance:<that band> --fdr` writes the same bytes. (How the band is chosen is checked against
    /// esda and ArcGIS's rules in NeighboursTests/OptimizedDistanceBandTests.)
    @Test func optimizedIsTheDistanceBandItPrints() throws {
        let out = Fixtures.temporaryFolder("optimized")
        let common = ["hotspots", "--cells", Self.reference + "cells.geojson", "--incidents", Self.reference + "incidents.csv",
                      "--permutations", "99", "--lang", "en"]
        let optimized = try CommandRunner.heatgrid(common + ["--optimized", "--out", out + "/optimized.geojson"])
        #expect(optimized.status == 0, "stderr: \(optimized.stderr)")
        #expect(optimized.stdout.contains("optimized hot spot analysis: 2,667 incidents in 30 cells"))
        #expect(optimized.stdout.contains("incremental spatial autocorrelation: 10 distances"))
        #expect(optimized.stdout.contains("false discovery rate"))
        let band = try #require(optimized.stdout.split(separator: "\n").first?.split(separator: "neighbours ").last)
        #expect(band.hasPrefix("distance:"))
        let fixed = try CommandRunner.heatgrid(common + ["--weights", String(band), "--fdr", "--out", out + "/fixed.geojson"])
        #expect(fixed.status == 0, "stderr: \(fixed.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: out + "/fixed.geojson"))
            == Data(contentsOf: URL(fileURLWithPath: out + "/optimized.geojson")))
    }

    @Test func optimizedRefusesTooFewIncidentsAndFixedNeighbours() throws {
        let out = Fixtures.temporaryFolder("optimized-refused")
        let common = ["hotspots", "--cells", Self.reference + "cells.geojson", "--incidents", Self.reference + "incidents.csv",
                      "--optimized", "--out", out + "/hot.geojson"]
        let few = try CommandRunner.heatgrid(common + ["--since", "2026-01-05", "--until", "2026-01-05", "--category", "fraud"])
        #expect(few.status != 0)
        #expect(few.stderr.contains("at least 30 incidents"), "stderr: \(few.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out + "/hot.geojson"))
        let withWeights = try CommandRunner.heatgrid(common + ["--weights", "queen"])
        #expect(withWeights.status != 0)
        #expect(withWeights.stderr.contains("--optimized chooses the neighbours itself"))
    }

    @Test func emergingEvaluateAndNearRepeat() throws {
        let out = Fixtures.temporaryFolder("emerging")
        let emerging = try CommandRunner.heatgrid([
            "emerging", "--cells", Self.reference + "cells.geojson", "--incidents", Self.reference + "incidents.csv",
            "--since", "2025-12-15", "--until", "2026-02-15", "--out", out + "/emerging.geojson",
            "--csv", out + "/emerging.csv", "--png", out + "/emerging.png", "--lang", "en",
        ])
        #expect(emerging.status == 0, "stderr: \(emerging.stderr)")
        let patterns = try Self.geojson(out + "/emerging.geojson").map { $0["emerging"] as! String }
        #expect(patterns.count == 30)
        #expect(patterns.allSatisfy { !$0.isEmpty })
        #expect(try String(contentsOfFile: out + "/emerging.csv", encoding: .utf8).hasPrefix("cell_id,count,emerging,"))

        let hot = try CommandRunner.heatgrid([
            "hotspots", "--cells", Self.reference + "cells.geojson", "--incidents", Self.reference + "incidents.csv",
            "--period", "2026-W02", "--permutations", "0", "--out", out + "/w02.geojson",
        ])
        #expect(hot.status == 0, "stderr: \(hot.stderr)")
        let score = try CommandRunner.heatgrid([
            "evaluate", "--map", out + "/w02.geojson", "--incidents", Self.reference + "incidents.csv",
            "--period", "2026-W02", "--top", "20", "--out", out + "/score", "--lang", "en",
        ])
        #expect(score.status == 0, "stderr: \(score.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/score/score.json"))) as! [String: Any]
        #expect(json["next"] as? String == "2026-W03")
        #expect(json["flagged_cells"] as? Double == 6)  // 20 % of 30 cells
        let hitRate = try #require(json["hit_rate"] as? Double)
        let pai = try #require(json["pai"] as? Double)
        #expect(hitRate > 0 && hitRate <= 1 && pai > 0)
        #expect(score.stdout.contains("PAI"))

        // A heat map scored the same way: cells ranked by the period's kernel density at their centroids.
        let kde = try CommandRunner.heatgrid([
            "evaluate", "--map", Self.reference + "cells.geojson", "--incidents", Self.reference + "incidents.csv",
            "--period", "2026-W02", "--rank", "kde", "--radius", "600", "--top", "20", "--out", out + "/kde", "--lang", "en",
        ])
        #expect(kde.status == 0, "stderr: \(kde.stderr)")
        let densities = try String(contentsOfFile: out + "/kde/density.csv", encoding: .utf8).split(separator: "\n")
        #expect(densities.first == "cell_id,density_per_km2")
        #expect(densities.count == 31)
        #expect(densities.dropFirst().allSatisfy { Double($0.split(separator: ",")[1])! >= 0 })
        let kdeScore = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/kde/score.json"))) as! [String: Any]
        #expect(kdeScore["flagged_cells"] as? Double == 6)

        let knox = try CommandRunner.heatgrid([
            "nearrepeat", "--incidents", Self.reference + "incidents.csv", "--category", "burglary",
            "--distance-band", "200", "--distance-bands", "3", "--time-band", "7", "--time-bands", "3",
            "--permutations", "99", "--out", out + "/knox.csv", "--lang", "en",
        ])
        #expect(knox.status == 0, "stderr: \(knox.stderr)")
        let lines = try String(contentsOfFile: out + "/knox.csv", encoding: .utf8).split(separator: "\n")
        #expect(lines.first == "distance_band,time_band,observed,expected,knox_ratio,p")
        #expect(lines.count == 1 + 4 * 3)
    }
}
