import Dispatch
import GeoCore
import Incidents
import SpatialIndex

/// `heatgrid assign`: every incident to its cell, with counts; nothing lost.
///
/// Every data row of the incident file ends in exactly one of: a cell, "outside every cell" (an empty
/// `cell_id` in `assigned.csv`), or the rejects file with its line number and reason — and the report's
/// numbers add up: assigned + outside + rejected = rows read.
public struct AssignJob: Sendable {
    public var cellsPath: String
    public var idField: String
    public var incidentsPath: String
    public var assignedPath: String
    public var countsPath: String?
    /// Where rejected rows go; defaults to `<assigned path without .csv>.rejects.csv`.
    public var rejectsPath: String?
    public var csvOptions = IncidentCSVOptions()
    public var threads = PolygonIndex.defaultThreadCount
    public var validation = LayerValidation.reject
    /// The incidents' datum as declared (`--datum`); `nil`: not declared, taken as WGS-84.
    public var incidentDatum: Datum?
    /// The cell layer's datum as declared (`--boundary-datum`); `nil`: not declared, taken as WGS-84.
    public var layerDatum: Datum?

    public init(cellsPath: String, idField: String, incidentsPath: String, assignedPath: String) {
        self.cellsPath = cellsPath
        self.idField = idField
        self.incidentsPath = incidentsPath
        self.assignedPath = assignedPath
    }

    public struct Report: Sendable {
        public let rowsRead: Int
        public let assigned: Int
        public let outside: Int
        public let rejected: Int
        public let cellCount: Int
        /// Input indices of cells repaired with GEOS MakeValid (`--repair`).
        public let repairedCells: [Int]
        /// Pairs of cells whose interiors overlap (a broken layer), by input index.
        public let overlappingPairs: [(Int, Int)]
        /// Incidents inside more than one cell, given to the lowest input index.
        public let pointsInOverlaps: Int
        /// The rejects file, when any row was rejected.
        public let rejectsPath: String?
        /// The conversion applied to the incidents before assignment (their datum to the layer's), if any.
        public let incidentConversion: (from: Datum, to: Datum)?
        /// Datums that fit the incidents to the layer markedly better than the ones taken, when the user did
        /// not declare both (a warning: nothing is converted because of it).
        public let datumFinding: DatumOffsetCheck.Finding?
        public let timings: Timings
    }

    public var effectiveRejectsPath: String {
        rejectsPath ?? (assignedPath.hasSuffix(".csv") ? String(assignedPath.dropLast(4)) : assignedPath) + ".rejects.csv"
    }

    public func run(progress: (String) -> Void = { _ in }) throws -> Report {
        var timings = Timings()
        progress("reading cells from \(cellsPath)")
        let layer = try timings.measure("parse_cells") {
            try BoundaryLayer.load(path: cellsPath, idField: idField, nameField: nil, validation: validation,
                                   threads: threads)
        }
        progress("reading incidents from \(incidentsPath)")
        let incidents = try timings.measure("parse_incidents") {
            do { return try IncidentCSVReader.read(path: incidentsPath, options: csvOptions) } catch {
                throw HeatGridError("\(error)")
            }
        }
        progress("indexing \(layer.count) cells")
        let index = try timings.measure("index") {
            do { return try PolygonIndex(layer: layer.polygons, threads: threads) } catch {
                throw HeatGridError("\(cellsPath): \(error)")
            }
        }
        var table = incidents.table
        let fromDatum = incidentDatum ?? .wgs84, toDatum = layerDatum ?? .wgs84
        // Only when a datum was left undeclared can the two be offset without the user knowing.
        let finding = incidentDatum == nil || layerDatum == nil
            ? timings.measure("datum_check") {
                DatumOffsetCheck.check(longitude: table.longitude, latitude: table.latitude,
                                       incidentDatum: fromDatum, layerDatum: toDatum, index: index)
            }
            : nil
        if fromDatum != toDatum {
            // Points are far cheaper to convert than the layer's polygons.
            progress("converting \(incidents.kept) incidents from \(fromDatum.rawValue) to \(toDatum.rawValue), the cells' datum")
            try timings.measure("datum") {
                try DatumConversion.convert(longitudes: &table.longitude, latitudes: &table.latitude,
                                            from: fromDatum, to: toDatum)
            }
        }
        progress("assigning \(incidents.kept) incidents")
        let assignment = timings.measure("assign") {
            index.assign(x: table.longitude, y: table.latitude, threads: threads)
        }
        let (perCell, outside) = timings.measure("aggregate") { index.counts(of: assignment) }
        let inOverlaps = index.overlappingPairs.isEmpty
            ? 0 : index.overlapAffectedCount(x: table.longitude, y: table.latitude, assignment: assignment)

        progress("writing \(assignedPath)")
        try timings.measure("write") {
            try writeAssignment(table: table, assignment: assignment, cellIDs: layer.ids, to: assignedPath)
            if let countsPath {
                try writeAtomically(to: countsPath) { out in
                    try out.write("cell_id,count\n")
                    for (id, count) in zip(layer.ids, perCell) { try out.write(csvField(id) + "," + String(count) + "\n") }
                }
            }
            if incidents.rejected > 0 { try incidents.writeRejects(to: effectiveRejectsPath) }
        }
        let assigned = perCell.reduce(0, +)
        // The invariant the whole tool is built around; a failure here is a bug, never bad input.
        precondition(assigned + outside + incidents.rejected == incidents.rowsRead, "an incident was lost or counted twice")
        return Report(rowsRead: incidents.rowsRead, assigned: assigned, outside: outside, rejected: incidents.rejected,
                      cellCount: layer.count, repairedCells: layer.repairedFeatures, overlappingPairs: index.overlappingPairs, pointsInOverlaps: inOverlaps,
                      rejectsPath: incidents.rejected > 0 ? effectiveRejectsPath : nil,
                      incidentConversion: fromDatum != toDatum ? (fromDatum, toDatum) : nil, datumFinding: finding,
                      timings: timings)
    }
}

/// `id,cell_id` per incident in input order; an empty cell_id means outside every cell.
/// Rows are formatted in parallel chunks and written in order; cell ids come from one flat byte buffer so the
/// per-row work is two copies.
func writeAssignment(table: IncidentTable, assignment: [Int32], cellIDs: [String], to path: String,
                     threads: Int = 2) throws {
    let quotedIDs = cellIDs.map { Array(csvField($0).utf8) }
    let cellBytes = quotedIDs.flatMap { $0 }
    let cellOffsets = quotedIDs.reduce(into: [0]) { offsets, id in offsets.append(offsets.last! + id.count) }
    let chunkRows = 1 << 18
    let chunkCount = (table.count + chunkRows - 1) / chunkRows
    try writeAtomically(to: path) { out in
        try out.write("id,cell_id\n")
        var next = 0
        while next < chunkCount {
            let batch = min(chunkCount - next, threads)
            let first = next
            var chunks = [[UInt8]](repeating: [], count: batch)
            chunks.withUnsafeMutableBufferPointer { slots in
                let slots = SendableBox(slots)
                DispatchQueue.concurrentPerform(iterations: batch) { k in
                    let lower = (first + k) * chunkRows, upper = min(table.count, lower + chunkRows)
                    var bytes: [UInt8] = []
                    bytes.reserveCapacity((upper - lower) * 24)
                    cellBytes.withUnsafeBufferPointer { cells in
                        for row in lower..<upper {
                            table.withIDBytes(at: row) { id in
                                if id.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") }) {
                                    bytes.append(contentsOf: csvField(String(decoding: id, as: UTF8.self)).utf8)
                                } else {
                                    bytes.append(contentsOf: id)
                                }
                            }
                            bytes.append(UInt8(ascii: ","))
                            let cell = Int(assignment[row])
                            if cell >= 0 {
                                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: cells[cellOffsets[cell]..<cellOffsets[cell + 1]]))
                            }
                            bytes.append(UInt8(ascii: "\n"))
                        }
                    }
                    slots.value[k] = bytes
                }
            }
            for chunk in chunks { try out.write(chunk) }
            next += batch
        }
    }
}

/// Lets `concurrentPerform` workers fill disjoint slots of one buffer.
struct SendableBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
