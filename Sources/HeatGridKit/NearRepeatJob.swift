import AtomicOutput
import Dispatch
import GeoCore
import Incidents
import Projection
import Stats

/// `heatgrid nearrepeat`: the Knox test of Ratcliffe's Near Repeat Calculator on an incident file — do incidents
/// close in space follow each other closer in time than chance says (burglaries next door within days)?
public struct NearRepeatJob: Sendable {
    public var incidentsPath: String
    public var outputPath: String
    public var incidents = IncidentOptions()
    /// Upper bounds of the distance bands in metres, ascending.
    public var distanceBands: [Double] = [100, 200, 300, 400, 500]
    /// Upper bounds of the time bands in days, ascending.
    public var timeBands: [Double] = [7, 14, 21, 28, 35]
    public var sameLocation = true
    public var metric = NearRepeat.Metric.euclidean
    public var permutations = 999
    public var seed: UInt64 = 7
    public var threads = 2

    public init(incidentsPath: String, outputPath: String) {
        self.incidentsPath = incidentsPath
        self.outputPath = outputPath
    }

    public struct Report: Sendable {
        public let rowsRead: Int
        public let rejected: Int
        public let filteredOut: Int
        public let tested: Int
        public let test: NearRepeat
        public let files: [String]
        public let timings: Timings
    }

    public func run(progress: (String) -> Void = { _ in }) throws -> Report {
        let started = DispatchTime.now().uptimeNanoseconds
        var timings = Timings()
        progress("reading \(incidentsPath)")
        let read = try incidents.read(path: incidentsPath, needsTime: true, threads: threads, timings: &timings)
        let table = read.table
        guard table.count >= 2, let times = table.time else {
            throw HeatGridError("\(incidentsPath): the near-repeat test needs at least two incidents with times")
        }
        // Metres in the UTM zone of the incidents' centre; days from the first incident.
        let box = BoundingBox((0..<table.count).lazy.map { table.point(at: $0) })
        let projection = TransverseMercator.utm(containing: box.center)
        let projected = (0..<table.count).map { projection.forward(table.point(at: $0)) }
        let first = times.min() ?? 0
        progress("Knox test on \(grouped(table.count)) incidents, \(permutations) permutations")
        let test = timings.measure("knox") {
            NearRepeat(x: projected.map(\.x), y: projected.map(\.y), days: times.map { Double($0 - first) / 86_400 },
                       distanceBands: distanceBands, timeBands: timeBands, sameLocation: sameLocation, metric: metric,
                       permutations: permutations, seed: seed, threads: threads)
        }
        try timings.measure("write") {
            var bytes = Array("distance_band,time_band,observed,expected,knox_ratio,p\n".utf8)
            let ratio = test.knoxRatio, p = test.p
            for (d, distance) in test.distanceLabels.enumerated() {
                for (t, time) in test.timeLabels.enumerated() {
                    bytes += Array("\(distance),\(time),\(test.observed[d][t]),".utf8)
                    NumberText.append((test.meanSimulated[d][t] * 1000).rounded() / 1000, to: &bytes)
                    bytes.append(UInt8(ascii: ","))
                    if ratio[d][t].isFinite { NumberText.append((ratio[d][t] * 1000).rounded() / 1000, to: &bytes) }
                    bytes.append(UInt8(ascii: ","))
                    NumberText.append(p[d][t], to: &bytes)
                    bytes.append(UInt8(ascii: "\n"))
                }
            }
            try writeAtomically(bytes, to: outputPath)
        }
        var files = [outputPath]
        if let rejects = try read.writeRejects(to: rejectsPath(besides: outputPath)) { files.append(rejects) }
        timings.record("wall", seconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
        return Report(rowsRead: read.rowsRead, rejected: read.rejected, filteredOut: read.filteredOut,
                      tested: table.count, test: test, files: files, timings: timings)
    }
}
