import Dispatch
import GeoCore
import Projection
import Incidents
import SpatialIndex

/// Incidents assigned to the cells of a layer: what `assign`, `summary` and the maps by cell all start from.
struct AssignedIncidents {
    var cells: BoundaryLayer
    var index: PolygonIndex
    var incidents: IncidentOptions.Result
    /// Per kept incident, its cell's index in `cells` (-1: outside every cell).
    var assignment: [Int32]

    /// The incidents' UTC times, or one error naming the file and what needed them (`what` reads as the subject of
    /// "needs a time column": "patrol planning").
    func times(for what: String, path: String) throws -> [Int64] {
        guard let times = incidents.table.time else {
            throw HeatGridError("\(path): \(what) needs a time column (name it with --time-column)")
        }
        return times
    }

    /// Reads the cells (parse, validity check, index) and the incidents (parse, filter, datum) — the two do not
    /// depend on each other, so the incidents are read on a thread of their own meanwhile — and assigns each
    /// incident to its cell. Errors come out as when the stages ran one after another: a bad cell file first, then
    /// a bad incident file, then a layer that cannot be indexed.
    ///
    /// Timings: each stage's own duration; `parse_cells` and `index` overlap `parse_incidents`, and
    /// `cells_and_incidents_wall` says how long both together took.
    static func load(cellsPath: String, idField: String, nameField: String? = nil, incidentsPath: String,
                     incidents options: IncidentOptions, layerDatum: Datum?, needsTime: Bool,
                     validation: LayerValidation, threads: Int, timings: inout Timings,
                     progress: (String) -> Void) throws -> AssignedIncidents {
        let started = DispatchTime.now().uptimeNanoseconds
        func seconds(since start: UInt64) -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
        let reading = BackgroundTask { () throws -> (IncidentOptions.Result, Timings) in
            var timings = Timings()
            // Converted to the cells' datum after the assignment's own timing below: keep the coordinates as read.
            let read = try options.read(path: incidentsPath, needsTime: needsTime, layerDatum: nil, threads: threads,
                                        timings: &timings)
            return (read, timings)
        }
        progress("reading cells from \(cellsPath) and incidents from \(incidentsPath)")
        let cellsStart = DispatchTime.now().uptimeNanoseconds
        let loaded = Result {
            try BoundaryLayer.load(path: cellsPath, idField: idField, nameField: nameField, validation: validation,
                                   threads: threads)
        }
        let parseCellsSeconds = seconds(since: cellsStart)
        // An index error would lose to an error in the incidents anyway, so the index is not built then.
        var built: Result<PolygonIndex, any Error>?
        var indexSeconds = 0.0
        if case .success(let layer) = loaded, !reading.hasFailed {
            progress("indexing \(layer.count) cells")
            let indexStart = DispatchTime.now().uptimeNanoseconds
            built = Result {
                do { return try PolygonIndex(layer: layer.polygons, threads: threads) } catch {
                    throw HeatGridError("\(cellsPath): \(error)")
                }
            }
            indexSeconds = seconds(since: indexStart)
        }
        if !reading.isFinished { progress("reading incidents from \(incidentsPath)") }
        let (read, _) = reading.wait()
        let cells = try loaded.get()
        var (incidents, readTimings) = try read.get()
        guard let built else { preconditionFailure("the index is built whenever both files were read") }
        let index = try built.get()
        timings.record("parse_cells", seconds: parseCellsSeconds)
        for stage in readTimings.stages { timings.record(stage.name, seconds: stage.seconds) }
        timings.record("index", seconds: indexSeconds)
        timings.record("cells_and_incidents_wall", seconds: seconds(since: started))

        let from = options.declaredDatum, to = layerDatum ?? .wgs84
        if from != to {
            // Points are far cheaper to convert than the layer's polygons.
            progress("converting \(incidents.table.count) incidents from \(from.rawValue) to \(to.rawValue), the cells' datum")
            try timings.measure("datum") {
                try DatumConversion.convert(longitudes: &incidents.table.longitude,
                                            latitudes: &incidents.table.latitude, from: from, to: to,
                                            threads: threads)
            }
        }
        progress("assigning \(incidents.table.count) incidents")
        let table = incidents.table
        let assignment = timings.measure("assign") {
            index.assign(x: table.longitude, y: table.latitude, threads: threads)
        }
        return AssignedIncidents(cells: cells, index: index, incidents: incidents, assignment: assignment)
    }
}
