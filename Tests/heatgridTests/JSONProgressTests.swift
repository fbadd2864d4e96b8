import Foundation
import Testing
import TestSupport

/// `--json-progress`: stderr is one JSON object per line — a `stage` per step, then `done`, or `error` with the
/// message — with seconds since the start, never decreasing.
struct JSONProgressTests {
    static let reference = Fixtures.repositoryRoot + "/Tests/AggregateTests/Reference/"

    static func events(_ stderr: String) throws -> [[String: Any]] {
        try stderr.split(separator: "\n").map { line in
            try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
        }
    }

    @Test func stagesThenDone() throws {
        let out = Fixtures.temporaryFolder("json-progress")
        let result = try CommandRunner.heatgrid([
            "summary", "--cells", Self.reference + "cells.geojson", "--incidents", Self.reference + "incidents.csv",
            "--out", out, "--json-progress",
        ])
        #expect(result.status == 0)
        let events = try Self.events(result.stderr)
        #expect(events.count >= 3)
        #expect(events.dropLast().allSatisfy { $0["event"] as? String == "stage" && $0["stage"] is String })
        #expect(events.last?["event"] as? String == "done")
        let seconds = events.map { $0["seconds"] as! Double }
        #expect(zip(seconds, seconds.dropFirst()).allSatisfy { $0 <= $1 })
    }

    @Test func anErrorIsTheLastEvent() throws {
        let result = try CommandRunner.heatgrid([
            "summary", "--cells", Self.reference + "cells.geojson", "--incidents", Self.reference + "missing.csv",
            "--out", Fixtures.temporaryFolder("json-progress-error"), "--json-progress",
        ])
        #expect(result.status != 0)
        let events = try Self.events(result.stderr)
        #expect(events.last?["event"] as? String == "error")
        #expect((events.last?["message"] as? String)?.contains("missing.csv") == true)
    }
}
