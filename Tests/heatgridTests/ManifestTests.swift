import Foundation
import Testing
import TestSupport

/// `--manifest`: what a run read and wrote, with sizes and SHA-256 (checked against coreutils' sha256sum), the
/// command line and the seed; none when the run fails.
struct ManifestTests {
    static let reference = Fixtures.repositoryRoot + "/Tests/AggregateTests/Reference/"

    static func sha256sum(_ path: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = [path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: output, as: UTF8.self).split(separator: " ").first.map(String.init) ?? ""
    }

    @Test func recordsInputsOutputsAndSeed() throws {
        let out = Fixtures.temporaryFolder("manifest")
        let result = try CommandRunner.heatgrid([
            "hotspots", "--cells", Self.reference + "cells.geojson", "--incidents", Self.reference + "incidents.csv",
            "--permutations", "99", "--seed", "5", "--out", out + "/hot.geojson", "--manifest", out + "/manifest.json",
        ])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/manifest.json"))) as! [String: Any]
        #expect(manifest["seed"] as? Double == 5)
        #expect((manifest["command"] as? [String])?.contains("--permutations") == true)
        #expect((manifest["heatgrid"] as? String)?.isEmpty == false)
        let inputs = manifest["inputs"] as! [[String: Any]], outputs = manifest["outputs"] as! [[String: Any]]
        #expect(inputs.map { $0["path"] as! String } == [Self.reference + "cells.geojson", Self.reference + "incidents.csv"])
        #expect(outputs.map { $0["path"] as! String } == [out + "/hot.geojson"])
        for record in inputs + outputs {
            let path = record["path"] as! String
            #expect(record["sha256"] as? String == (try Self.sha256sum(path)), "\(path)")
            let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int
            #expect(record["bytes"] as? Double == Double(size))
        }
        #expect((manifest["timings"] as? [String: Any])?["gi_star"] != nil)
    }

    @Test func noManifestForAFailedRun() throws {
        let out = Fixtures.temporaryFolder("manifest-failed")
        let result = try CommandRunner.heatgrid([
            "hotspots", "--cells", Self.reference + "cells.geojson", "--incidents", Self.reference + "missing.csv",
            "--out", out + "/hot.geojson", "--manifest", out + "/manifest.json",
        ])
        #expect(result.status != 0)
        #expect(!FileManager.default.fileExists(atPath: out + "/manifest.json"))
    }
}
