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
        progress("assigning \(incidents.kept) incidents")
        let table = incidents.table
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
                      rejectsPath: incidents.rejected > 0 ? effectiveRejectsPath : nil, timings: timings)
    }
}

/// `id,cell_id` per incident in input order; an empty cell_id means outside every cell.
/// Rows are formatted in parallel chunks and written in order.
func writeAssignment(table: IncidentTable, assignment: [Int32], cellIDs: [String], to path: String,
                     threads: Int = 2) throws {
    let cellBytes = cellIDs.map { Array(csvField($0).utf8) }
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
                    for row in lower..<upper {
                        table.ids.withBytes(at: row) { id in
                            if id.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") }) {
                                bytes.append(contentsOf: csvField(String(decoding: id, as: UTF8.self)).utf8)
                            } else {
                                bytes.append(contentsOf: id)
                            }
                        }
                        bytes.append(UInt8(ascii: ","))
                        let cell = assignment[row]
                        if cell >= 0 { bytes.append(contentsOf: cellBytes[Int(cell)]) }
                        bytes.append(UInt8(ascii: "\n"))
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
