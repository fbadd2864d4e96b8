import Dispatch
import Foundation
import FreshMemory
import GeoCore
import Incidents
import Parallel
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
    /// Extra columns in the counts file: one per category code, or one per period of a unit (`--by`).
    public var countsBy: CountColumns?
    /// Where rejected rows go; defaults to the output path with `.rejects.csv` for its extension.
    public var rejectsPath: String?
    /// How the incidents are read (columns, encoding, times, datum, filters).
    public var incidents = IncidentOptions()
    public var threads = PolygonIndex.defaultThreadCount
    public var validation = LayerValidation.reject
    /// The cell layer's datum as declared (`--boundary-datum`); `nil`: not declared, taken as WGS-84.
    public var layerDatum: Datum?
    /// A coarser layer the counts roll up into, written to `parentCountsPath` as `parent_id,name,count`.
    public var parents: ParentLayer?
    public var parentCountsPath: String?

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
        /// Rows left out by `--since`, `--until` or `--category`.
        public let filteredOut: Int
        /// Assigned rows whose time was missing or unreadable (kept: `assign` does not need times).
        public let timeless: Int
        /// How the file's times were read, when it has a time column.
        public let timeFormat: String?
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
        /// Incidents in cells that no parent holds, when rolling up into a parent layer.
        public let unparented: Int?
        public let timings: Timings
    }

    public var effectiveRejectsPath: String {
        rejectsPath ?? HeatGridKit.rejectsPath(besides: assignedPath)
    }

    /// Runs the job. The cells (parse, validity check, index) and the incidents (CSV parse) do not depend on
    /// each other, so the CSV is parsed on a thread of its own meanwhile; the datum check, which only feeds a
    /// warning, runs alongside the writing. Errors come out as when the stages ran one after
    /// another: a bad cell file first, then a bad incident file, then a layer that cannot be indexed.
    ///
    /// `report.timings` has each stage's own duration; stages that overlap add up to more than the elapsed
    /// time, which `cells_and_incidents_wall` (parse_cells + index alongside parse_incidents) and `wall` (the
    /// whole job) give.
    public func run(progress: (String) -> Void = { _ in }) throws -> Report {
        let started = DispatchTime.now().uptimeNanoseconds
        var timings = Timings()
        let loaded = try AssignedIncidents.load(
            cellsPath: cellsPath, idField: idField, incidentsPath: incidentsPath, incidents: incidents,
            layerDatum: layerDatum, needsTime: countsBy?.needsTime ?? false, validation: validation, threads: threads, timings: &timings,
            progress: progress)
        let (layer, index, read, assignment) = (loaded.cells, loaded.index, loaded.incidents, loaded.assignment)
        let table = read.table
        let fromDatum = incidents.declaredDatum, toDatum = layerDatum ?? .wgs84
        let (perCell, outside) = timings.measure("aggregate") { index.counts(of: assignment) }
        let inOverlaps = index.overlappingPairs.isEmpty
            ? 0 : index.overlapAffectedCount(x: table.longitude, y: table.latitude, assignment: assignment)

        // Only when a datum was left undeclared can the two be offset without the user knowing. The check looks
        // at the coordinates as read (`incidents.table`, kept unconverted) and only feeds a warning, so it runs
        // alongside the writing, which leaves a core idle while the file system works.
        let datumCheck = incidents.datum == nil || layerDatum == nil
            ? BackgroundTask { [asRead = read.asRead] in
                DatumOffsetCheck.check(longitude: asRead.longitude, latitude: asRead.latitude,
                                       incidentDatum: fromDatum, layerDatum: toDatum, index: index)
            }
            : nil
        progress("writing \(assignedPath)")
        try timings.measure("write") {
            try writeAssignment(table: table, assignment: assignment, cellIDs: layer.ids, to: assignedPath,
                                threads: threads)
            if let countsPath {
                let columns = try countsBy.map { by in
                    try by.columns(table: table, assignment: assignment, cells: layer.count,
                                   categories: incidents.categories, zone: incidents.csvOptions.timeZone,
                                   threads: threads)
                }
                try writeCounts(cellIDs: layer.ids, counts: perCell, columns: columns, to: countsPath)
            }
            _ = try read.writeRejects(to: effectiveRejectsPath)
        }
        var unparented: Int?
        if let parents, let parentCountsPath {
            progress("rolling counts up into \(parents.path)")
            let (rolled, rest) = try timings.measure("roll_up") {
                try parents.rollUp(cells: layer, counts: perCell, validation: validation, threads: threads)
            }
            try timings.measure("write") {
                var bytes = Array("parent_id,name,count\n".utf8)
                for p in rolled {
                    CSVText.appendField(p.id.utf8, to: &bytes)
                    bytes.append(UInt8(ascii: ","))
                    CSVText.appendField(p.name.utf8, to: &bytes)
                    bytes.append(contentsOf: ",\(p.count)\n".utf8)
                }
                try writeAtomically(bytes, to: parentCountsPath)
            }
            unparented = rest
        }
        var finding: DatumOffsetCheck.Finding?
        if let datumCheck {
            let (result, checkSeconds) = datumCheck.wait()
            finding = try result.get()
            timings.record("datum_check", seconds: checkSeconds)
        }
        timings.record("wall", seconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
        let assigned = perCell.reduce(0, +)
        // The invariant the whole tool is built around; a failure here is a bug, never bad input.
        precondition(assigned + outside + read.rejected + read.filteredOut == read.rowsRead,
                     "an incident was lost or counted twice")
        return Report(rowsRead: read.rowsRead, assigned: assigned, outside: outside, rejected: read.rejected,
                      filteredOut: read.filteredOut, timeless: read.timeless, timeFormat: read.timeFormat,
                      cellCount: layer.count, repairedCells: layer.repairedFeatures, overlappingPairs: index.overlappingPairs, pointsInOverlaps: inOverlaps,
                      rejectsPath: read.rejected > 0 ? effectiveRejectsPath : nil,
                      incidentConversion: fromDatum != toDatum ? (fromDatum, toDatum) : nil, datumFinding: finding,
                      unparented: unparented, timings: timings)
    }
}

/// Extra columns of `counts.csv`: per category code, or per period.
public enum CountColumns: Sendable, Equatable {
    case category
    case period(PeriodUnit)

    /// `category`, or a period unit (`week`, `day`, `month`, `hour`, `weekday`).
    public init?(_ text: String) {
        if text == "category" {
            self = .category
        } else if let unit = PeriodUnit(rawValue: text) {
            self = .period(unit)
        } else {
            return nil
        }
    }

    var needsTime: Bool { self != .category }

    /// The columns' names and, per column, the count of every cell.
    func columns(table: IncidentTable, assignment: [Int32], cells: Int, categories: CategoryTable,
                 zone: IncidentTimeZone, threads: Int) throws -> (names: [String], counts: [[Int]]) {
        let codes = categories.mapping(of: table.categoryNames).categories
        switch self {
        case .category:
            var counts = [[Int]](repeating: [Int](repeating: 0, count: cells), count: categories.count)
            for (row, cell) in assignment.enumerated() where cell >= 0 {
                counts[Int(codes[Int(table.category[row])])][Int(cell)] += 1
            }
            return (categories.categories.map(\.code), counts)
        case .period(let unit):
            guard let times = table.time else {
                throw HeatGridError("counts by \(unit.rawValue) need a time column (name it with --time-column)")
            }
            let periods: [Period]
            switch unit {
            case .hour: periods = (0..<24).map { Period(unit: .hour, index: $0) }
            case .weekday: periods = (1...7).map { Period(unit: .weekday, index: $0) }
            case .week, .day, .month:
                periods = try periodsCovering(unit: unit, times: times, span: (nil, nil), zone: zone)
                guard periods.count <= 10_000 else {
                    throw HeatGridError("the incidents span more than 10,000 \(unit.rawValue)s: too many columns")
                }
            }
            let cube = CountCube.counting(units: cells, categories: 1, periods: periods, cell: assignment,
                                          category: table.category,
                                          categoryOf: [UInt16](repeating: 0, count: table.categoryNames.count), time: times,
                                          clock: zone, parts: threads)
            return (periods.map(\.label), periods.indices.map { cube.unitCounts(category: 0, slot: $0) })
        }
    }
}

/// `cell_id,count` for every cell, in the cells' order, then any extra `columns`.
func writeCounts(cellIDs: [String], counts: [Int], columns: (names: [String], counts: [[Int]])? = nil,
                 to path: String) throws {
    var bytes = Array("cell_id,count".utf8)
    for name in columns?.names ?? [] {
        bytes.append(UInt8(ascii: ","))
        CSVText.appendField(name.utf8, to: &bytes)
    }
    bytes.append(UInt8(ascii: "\n"))
    bytes.reserveCapacity(bytes.count + cellIDs.count * (24 + 4 * (columns?.names.count ?? 0)))
    for (cell, (id, count)) in zip(cellIDs, counts).enumerated() {
        CSVText.appendField(id.utf8, to: &bytes)
        bytes.append(UInt8(ascii: ","))
        NumberText.append(count, to: &bytes)
        for column in columns?.counts ?? [] {
            bytes.append(UInt8(ascii: ","))
            NumberText.append(column[cell], to: &bytes)
        }
        bytes.append(UInt8(ascii: "\n"))
    }
    try writeAtomically(bytes, to: path)
}

/// `id,cell_id` per incident in input order; an empty cell_id means outside every cell.
/// Batches of rows are formatted in parallel, each thread into its own reused byte buffer, and written in order
/// while the next batch is formatted.
/// Per row the work is a word store for a short id and word copies of the cell id (the cell bytes are padded so
/// copying whole words never reads past them).
/// `chunkRows` rows go to one buffer (tests make it small to exercise many batches).
func writeAssignment(table: IncidentTable, assignment: [Int32], cellIDs: [String], to path: String,
                     threads: Int = 2, chunkRows: Int = 1 << 17) throws {
    precondition(assignment.count == table.count, "one assignment per incident")
    let quotedIDs = cellIDs.map { id in
        var bytes: [UInt8] = []
        CSVText.appendField(id.utf8, to: &bytes)
        return bytes
    }
    let cellBytes = quotedIDs.flatMap { $0 } + repeatElement(0, count: 8)
    let cellOffsets = quotedIDs.reduce(into: [0]) { offsets, id in offsets.append(offsets.last! + id.count) }
    let widestCell = quotedIDs.map(\.count).max() ?? 0
    let chunkCount = (table.count + chunkRows - 1) / chunkRows
    let lanes = max(1, min(threads, 8))
    // Two sets of buffers: while one set's chunks are formatted, the other's are written. Each starts with room for
    // a chunk of rows with ids of up to 16 bytes.
    let buffers = FormatBuffers(count: 2 * lanes, capacity: max(1 << 16, min(chunkRows, table.count) * (16 + widestCell + 2)))
    try writeAtomically(to: path) { out in
        try out.write("id,cell_id\n")
        let file = Exclusive(out)
        let writeError = FirstError()
        var next = 0, round = 0
        var unwritten: Range<Int>?
        while next < chunkCount || unwritten != nil {
            let first = next, batch = min(chunkCount - next, lanes), base = (round % 2) * lanes
            let writing = unwritten
            let writers = writing == nil ? 0 : 1
            DispatchQueue.concurrentPerform(iterations: writers + batch) { k in
                if let writing, k == 0 {
                    for slot in writing {
                        do { try file.value.write(UnsafeBufferPointer(start: buffers.bytes[slot], count: buffers.used[slot])) } catch {
                            writeError.record(error)
                            return
                        }
                    }
                    return
                }
                let lane = k - writers
                let lower = (first + lane) * chunkRows, upper = min(table.count, lower + chunkRows)
                assignment.withUnsafeBufferPointer { assignment in
                    cellBytes.withUnsafeBufferPointer { cells in
                        cellOffsets.withUnsafeBufferPointer { offsets in
                            buffers.format(lane: base + lane, rows: lower..<upper, table: table, assignment: assignment,
                                           cells: cells.baseAddress!, cellOffsets: offsets, widestCell: widestCell)
                        }
                    }
                }
            }
            if let error = writeError.error { throw error }
            unwritten = batch > 0 ? base..<base + batch : nil
            next += batch
            round += 1
        }
    }
}

/// The first error a worker met, for the caller to throw once the workers are done.
private final class FirstError: @unchecked Sendable {
    private let lock = NSLock()
    private var first: (any Error)?

    func record(_ error: any Error) { lock.withLock { if first == nil { first = error } } }
    var error: (any Error)? { lock.withLock { first } }
}

/// One growable byte buffer per formatting thread, reused from batch to batch; thread `k` touches only slot `k`.
private final class FormatBuffers: @unchecked Sendable {
    let count: Int
    let bytes: UnsafeMutablePointer<UnsafeMutablePointer<UInt8>>
    let capacity: UnsafeMutablePointer<Int>
    let used: UnsafeMutablePointer<Int>

    init(count: Int, capacity initialCapacity: Int) {
        self.count = count
        bytes = .allocate(capacity: count)
        capacity = .allocate(capacity: count)
        used = .allocate(capacity: count)
        for k in 0..<count {
            (bytes + k).initialize(to: Self.freshBuffer(initialCapacity))
            (capacity + k).initialize(to: initialCapacity)
            (used + k).initialize(to: 0)
        }
    }

    /// Megabytes written once per batch and then reused: huge pages save most of their page faults.
    private static func freshBuffer(_ capacity: Int) -> UnsafeMutablePointer<UInt8> {
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        FreshMemory.adviseHugePages(UnsafeMutableRawBufferPointer(start: buffer, count: capacity))
        return buffer
    }

    deinit {
        for k in 0..<count { bytes[k].deallocate() }
        bytes.deallocate()
        capacity.deallocate()
        used.deallocate()
    }

    /// Makes room for `needed` bytes in slot `lane`, keeping the first `kept`.
    private func reserve(lane: Int, _ needed: Int, keeping kept: Int) {
        guard needed > capacity[lane] else { return }
        let larger = max(needed, capacity[lane] * 2)
        let grown = Self.freshBuffer(larger)
        grown.update(from: bytes[lane], count: kept)
        bytes[lane].deallocate()
        bytes[lane] = grown
        capacity[lane] = larger
    }

    /// Formats `id,cell_id\n` for `rows` into slot `lane`.
    func format(lane: Int, rows: Range<Int>, table: IncidentTable, assignment: UnsafeBufferPointer<Int32>,
                cells: UnsafePointer<UInt8>, cellOffsets: UnsafeBufferPointer<Int>, widestCell: Int) {
        var n = 0
        // Room for the widest cell, rounded up to whole words, and the separators.
        let cellRoom = (widestCell + 7) & ~7
        let ids = table.ids
        for row in rows {
            // A quoted id doubles at most every byte and adds two quotes; short ids are stored as a word.
            let needed = n + max(2 * ids.byteCount(at: row) + 2, 8) + cellRoom + 2
            if needed > capacity[lane] { reserve(lane: lane, needed, keeping: n) }
            let out = bytes[lane]
            n += ids.writeCSVField(at: row, to: out + n)
            out[n] = UInt8(ascii: ",")
            n += 1
            let cell = Int(assignment[row])
            if cell >= 0 {
                let start = cellOffsets[cell], length = cellOffsets[cell + 1] - start
                var copied = 0
                while copied < length {
                    let word = UnsafeRawPointer(cells + start + copied).loadUnaligned(as: UInt64.self)
                    UnsafeMutableRawPointer(out + n + copied).storeBytes(of: word, as: UInt64.self)
                    copied += 8
                }
                n += length
            }
            out[n] = UInt8(ascii: "\n")
            n += 1
        }
        used[lane] = n
    }
}

