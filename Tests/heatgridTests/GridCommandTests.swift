import Foundation
import Testing
import TestSupport

/// `heatgrid grid` run as a user runs it, on the shipped Jiaxing districts at 2 km (fast in a debug build).
struct GridCommandTests {
    static let jiaxing = Fixtures.geodata("jiaxing.geojson")

    /// The features of a GeoJSON file read back with Foundation's JSON parser, as any standard reader would.
    static func features(_ path: String) throws -> [[String: Any]] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(root["type"] as? String == "FeatureCollection")
        return try #require(root["features"] as? [[String: Any]])
    }

    @Test func jiaxingAt2kmIsTheReferenceGridAndDeterministic() throws {
        let out = Fixtures.temporaryFolder("grid")
        var outputs: [Data] = []
        for name in ["a.geojson", "b.geojson"] {
            let result = try CommandRunner.heatgrid([
                "grid", "--boundaries", Self.jiaxing, "--cell", "2000", "--out", out + "/" + name,
                "--lang", "en", "--timings",
            ])
            #expect(result.status == 0, "stderr: \(result.stderr)")
            // The Grid module's reference: 1,430 cells with the 1 % sliver rule, boundaries taken as WGS-84.
            #expect(result.stdout.contains("cells 1,430: full 864, clipped 566, slivers dropped 84"), "\(result.stdout)")
            #expect(result.stdout.contains("南湖区  330402    141"))
            let timings = result.stderr.split(separator: "\n").last.map(String.init) ?? ""
            let stages = try JSONSerialization.jsonObject(with: Data(timings.utf8)) as? [String: Double]
            #expect(Set(stages?.keys.map { $0 } ?? []) == ["parse_boundaries", "grid", "write"])
            outputs.append(try Data(contentsOf: URL(fileURLWithPath: out + "/" + name)))
        }
        #expect(outputs[0] == outputs[1], "two runs gave different bytes")

        let features = try Self.features(out + "/a.geojson")
        #expect(features.count == 1_430)
        let adcodes: Set = ["330402", "330411", "330421", "330424", "330481", "330482", "330483"]
        var ids = Set<String>()
        var full = 0
        for feature in features {
            let properties = try #require(feature["properties"] as? [String: Any])
            let id = try #require(properties["cell_id"] as? String)
            let parts = id.split(separator: "-").map(String.init)
            #expect(parts.count == 3 && adcodes.contains(parts[0]) && parts[1].count == 3 && parts[2].count == 3, "\(id)")
            #expect(properties["parent"] as? String == parts[0])
            #expect((properties["row"] as? Int).map { String(format: "%03d", $0) } == parts[1])
            #expect((properties["col"] as? Int).map { String(format: "%03d", $0) } == parts[2])
            let area = try #require(properties["area_m2"] as? Double)
            #expect(area > 40_000 && area <= 4_000_000 * (1 + 1e-9))
            if properties["full"] as? Bool == true {
                full += 1
                #expect(abs(area - 4_000_000) < 1e-3)
            }
            ids.insert(id)
            let geometry = try #require(feature["geometry"] as? [String: Any])
            #expect(geometry["type"] as? String == "MultiPolygon")
        }
        #expect(ids.count == features.count)
        #expect(full == 864)
    }

    @Test func gcj02BoundariesAndOutput() throws {
        let out = Fixtures.temporaryFolder("grid-gcj")
        let result = try CommandRunner.heatgrid([
            "grid", "--boundaries", Self.jiaxing, "--boundary-datum", "gcj02", "--out-datum", "gcj02",
            "--cell", "2000", "--shape", "hex", "--sliver-m2", "1", "--out", out + "/hex.geojson", "--lang", "en",
        ])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("converting 7 boundaries from gcj02 to wgs84"))
        let features = try Self.features(out + "/hex.geojson")
        let printed = result.stdout.dropFirst("cells ".count).prefix { $0 != ":" }.filter { $0 != "," }
        #expect(result.stdout.hasPrefix("cells ") && Int(printed) == features.count, "\(result.stdout)")
        let first = try #require(features.first?["properties"] as? [String: Any])
        #expect((first["cell_id"] as? String)?.contains("-H") == true)
        // Output in GCJ-02: every vertex within the shipped (GCJ-02) city's bounding box.
        for feature in features.prefix(50) {
            let geometry = try #require(feature["geometry"] as? [String: Any])
            let polygons = try #require(geometry["coordinates"] as? [[[[Double]]]])
            for position in polygons.joined().joined() {
                #expect((120.3...121.3).contains(position[0]) && (30.2...31.1).contains(position[1]))
            }
        }
    }

    @Test func badArgumentsAreOneClearErrorLine() throws {
        let out = Fixtures.temporaryFolder("grid-bad")
        let cases: [([String], String)] = [
            (["--cell", "0"], "Error: --cell must be a positive number of metres"),
            (["--cell", "500", "--boundary-datum", "utm"], "Error: The value 'utm' is invalid for '--boundary-datum"),
            (["--cell", "500", "--shape", "triangle"], "Error: --shape must be square or hex, got 'triangle'"),
            (["--cell", "500", "--out-datum", "bd09"], "Error: --out-datum must be wgs84 or gcj02"),
        ]
        for (arguments, message) in cases {
            let result = try CommandRunner.heatgrid(["grid", "--boundaries", Self.jiaxing, "--out", out + "/x.geojson"]
                                                    + arguments)
            #expect(result.status != 0)
            let errors = result.stderr.split(separator: "\n").filter { $0.hasPrefix("Error:") }
            #expect(errors.count == 1 && errors[0].hasPrefix(message), "\(result.stderr)")
        }
        let missing = try CommandRunner.heatgrid(["grid", "--boundaries", out + "/none.geojson", "--cell", "500",
                                                  "--out", out + "/x.geojson"])
        #expect(missing.status == 1)
        let errors = missing.messageLines
        #expect(errors.count == 1 && errors[0].hasPrefix("heatgrid: error: \(out)/none.geojson"), "\(missing.stderr)")
        #expect(CommandRunner.files(in: out).isEmpty)
    }
}
