// HeatGrid and its Python peers on the same files in the same run; prints ratios and checks answers.
//
// usage: heatgrid-bench --workload DIR --points N --python PY --peers peers.py [--repeat R]
// Benchmarks/run.sh passes all of these. Exit status: 0 all good, 1 a wrong answer, 2 a speed target missed.
import Dispatch
import Foundation
import HeatGridKit

struct Arguments {
    var workload = ".workload"
    var points = 1_000_000
    var python = ".venv/bin/python"
    var peers = "peers/peers.py"
    var repeats = 5

    init(_ arguments: [String]) {
        var i = 1
        func next() -> String {
            i += 1
            guard i < arguments.count else { fatalError("missing value after \(arguments[i - 1])") }
            return arguments[i]
        }
        while i < arguments.count {
            switch arguments[i] {
            case "--workload": workload = next()
            case "--points": points = Int(next()) ?? points
            case "--python": python = next()
            case "--peers": peers = next()
            case "--repeat": repeats = Int(next()) ?? repeats
            default: fatalError("unknown argument \(arguments[i])")
            }
            i += 1
        }
    }
}

/// Median wall time of `repeats` runs of `body`, and the last result.
func median<T>(_ repeats: Int, _ body: () throws -> T) rethrows -> (seconds: Double, result: T) {
    var times: [Double] = []
    var result: T?
    for _ in 0..<repeats {
        let start = DispatchTime.now().uptimeNanoseconds
        result = try body()
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    return (times.sorted()[times.count / 2], result!)
}

func runPeers(_ args: Arguments, stages: String) throws -> [String: Any] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: args.python)
    process.arguments = [args.peers, args.workload, String(args.points), "--repeat", "3", "--stages", stages]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0,
          let json = try JSONSerialization.jsonObject(with: data) as? [String: Any]
    else { throw HeatGridError("peer script failed with status \(process.terminationStatus)") }
    return json
}

struct Row {
    let stage: String, heatgrid: Double, peerName: String, peer: Double, target: Double
    var ratio: Double { peer / heatgrid }
    var met: Bool { ratio >= target }
}

let args = Arguments(CommandLine.arguments)
let cellsPath = args.workload + "/cells_500m.geojson"
let csvPath = args.workload + "/incidents_\(args.points).csv"
let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: args.workload + "/workload.json"))) as! [String: Any]
let expectedCells = manifest["cell_count"] as! Int

print("peers: pandas, geopandas (\(args.points) incidents, \(expectedCells) cells)…")
let peers = try runPeers(args, stages: "parse")
var wrong: [String] = []

let csv = try median(args.repeats) { try IncidentCSVReader.read(path: csvPath) }
if csv.result.rowsRead != args.points || csv.result.kept != peers["pandas_rows"] as! Int {
    wrong.append("CSV: read \(csv.result.rowsRead) rows, kept \(csv.result.kept); pandas read \(peers["pandas_rows"]!)")
}
let cells = try median(args.repeats) { try GeoJSONReader().read(path: cellsPath) }
if cells.result.features.count != expectedCells || cells.result.features.count != peers["geopandas_features"] as! Int {
    wrong.append("GeoJSON: \(cells.result.features.count) features, expected \(expectedCells)")
}

let rows = [
    Row(stage: "parse incidents CSV", heatgrid: csv.seconds, peerName: "pandas.read_csv",
        peer: peers["pandas_read_csv"] as! Double, target: 5),
    Row(stage: "parse cells GeoJSON", heatgrid: cells.seconds, peerName: "geopandas.read_file",
        peer: peers["geopandas_read_file"] as! Double, target: 3),
]
print("| stage | HeatGrid s | peer | peer s | ratio | target |")
print("| --- | --- | --- | --- | --- | --- |")
for row in rows {
    let cells = [row.stage, String(format: "%.4f", row.heatgrid), row.peerName, String(format: "%.4f", row.peer),
                 String(format: "%.1fx", row.ratio), String(format: "%.0fx ", row.target) + (row.met ? "met" : "MISSED")]
    print("| " + cells.joined(separator: " | ") + " |")
}
if !wrong.isEmpty {
    for w in wrong { print("WRONG: " + w) }
    exit(1)
}
exit(rows.allSatisfy(\.met) ? 0 : 2)
