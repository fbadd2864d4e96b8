import Foundation
import GeoCore
import Neighbours
import Testing
import TestSupport

/// How long queen contiguity takes on the benchmark's 19,799-cell layer, printed for the record only (no timed
/// assertion: these machines are shared and noisy). Skipped when the workload is not on this machine; it is never
/// committed. libpysal's `Queen.from_dataframe` on the same file: `make_reference.py --time <file>`.
struct QueenTimingTests {
    static let workload = Fixtures.repositoryRoot + "/Benchmarks/.workload/cells_500m.geojson"

    @Test(.enabled(if: FileManager.default.fileExists(atPath: workload)))
    func queenOnTheBenchmarkCells() throws {
        let cells = try ReferenceData.layer(Self.workload)
        var best = Double.infinity
        var weights = Neighbours.contiguity(cells, .queen)
        for _ in 0..<5 {
            let start = DispatchTime.now().uptimeNanoseconds
            weights = Neighbours.contiguity(cells, .queen)
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        print("queen on \(cells.count) cells: best \(String(format: "%.1f", best * 1000)) ms of 5, "
              + "\(weights.neighbours.count) links, \(weights.islands.count) islands")
        #expect(weights.count == 19_799)
        #expect(weights.isSymmetric)
    }
}
