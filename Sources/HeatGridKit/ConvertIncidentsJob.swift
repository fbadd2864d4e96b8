import GeoCore
import Incidents
import Projection

/// `heatgrid convert --incidents`: an incident CSV's coordinates from one datum to another, nothing else changed.
///
/// The header and every byte of every row are copied as they are except the longitude and latitude fields
/// (found by the incident reader's header aliases), which are replaced by the converted values with
/// `precision` decimals. Rows are split by the incident reader's `CSVRowScanner`, so convert and the reader see
/// the same rows and fields. Rows whose coordinates cannot be read (not a number, out of range, a field count
/// different from the header's, an unterminated quote) are left out and listed in the rejects file as
/// `line,reason,row`; blank lines are copied and are not rows. Invariant: converted + rejected = rows read.
public struct ConvertIncidentsJob: Sendable {
    public var inputPath: String
    public var outputPath: String
    public var from: Datum
    public var to: Datum
    /// Decimals written for converted coordinates, 0 ... 12.
    public var precision = 7
    /// Where rejected rows go; defaults to the output path with `.rejects.csv` for its extension.
    public var rejectsPath: String?
    /// Column names and the encoding used to read the header (the rows are copied as bytes).
    public var csvOptions = IncidentCSVOptions()

    public init(inputPath: String, outputPath: String, from: Datum, to: Datum) {
        self.inputPath = inputPath
        self.outputPath = outputPath
        self.from = from
        self.to = to
    }

    public struct Report: Sendable {
        public let rowsRead: Int
        public let converted: Int
        public let rejected: Int
        /// The header names of the columns rewritten.
        public let longitudeColumn: String
        public let latitudeColumn: String
        /// The rejects file, when any row was rejected.
        public let rejectsPath: String?
        public let timings: Timings
    }

    public var effectiveRejectsPath: String {
        rejectsPath ?? HeatGridKit.rejectsPath(besides: outputPath)
    }

    public func run(progress: (String) -> Void = { _ in }) throws -> Report {
        guard (0...12).contains(precision) else { throw HeatGridError("--precision must be between 0 and 12") }
        var timings = Timings()
        progress("reading \(inputPath)")
        // The file is mapped, not copied; rows are split by the incident reader's own scanner.
        let result = try timings.measure("convert") { () throws -> Converted in
            do {
                return try IncidentCSVReader.withFileBytes(path: inputPath) { bytes in
                    progress("converting coordinates from \(from.rawValue) to \(to.rawValue)")
                    return try convert(bytes)
                }
            } catch let error as IncidentReadError {
                throw HeatGridError("\(error)")
            }
        }
        progress("writing \(outputPath)")
        try timings.measure("write") {
            try writeAtomically(result.output, to: outputPath)
            if !result.rejects.isEmpty { try writeAtomically(result.rejects, to: effectiveRejectsPath) }
        }
        precondition(result.converted + result.rejected == result.rows, "a row was lost or counted twice")
        return Report(rowsRead: result.rows, converted: result.converted, rejected: result.rejected,
                      longitudeColumn: result.columns.longitude, latitudeColumn: result.columns.latitude,
                      rejectsPath: result.rejected > 0 ? effectiveRejectsPath : nil, timings: timings)
    }

    private struct Converted {
        var output: [UInt8] = []
        var rejects: [UInt8] = Array("line,reason,row\n".utf8)
        var rows = 0, converted = 0, rejected = 0
        var columns = (longitude: "", latitude: "")
    }

    private func convert(_ bytes: UnsafeBufferPointer<UInt8>) throws -> Converted {
        var out = Converted()
        out.output.reserveCapacity(bytes.count + bytes.count / 8)
        // BOM and blank lines before the header are copied with it, as the reader skips them.
        let bom = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
        var rows = CSVRowScanner(bytes, from: bom)
        var headerEnd: Int?
        while let row = rows.next() {
            if !row.isBlank {
                headerEnd = row.end
                break
            }
        }
        guard let headerEnd else { throw HeatGridError("\(inputPath): the file is empty (no header row)") }
        let headerBytes = Array(bytes[0..<headerEnd])
        out.output.append(contentsOf: headerBytes)
        let names: [String]
        let columns: (longitude: Int, latitude: Int)
        do {
            names = try IncidentCSVReader.read(bytes: headerBytes, name: inputPath, options: csvOptions).header
            columns = try IncidentCSVReader.coordinateColumns(header: names, options: csvOptions, name: inputPath)
        } catch {
            throw HeatGridError("\(error)")
        }
        out.columns = (names[columns.longitude], names[columns.latitude])
        let fieldCount = names.count
        // The two fields in file order, so a row is rewritten front to back.
        let first = min(columns.longitude, columns.latitude), second = max(columns.longitude, columns.latitude)

        while let row = rows.next() {
            if row.isBlank {
                out.output.append(contentsOf: bytes[row.start..<row.end])
                continue
            }
            out.rows += 1
            func reject(_ reason: String) {
                out.rejected += 1
                out.rejects.append(contentsOf: String(row.line).utf8)
                out.rejects.append(UInt8(ascii: ","))
                CSVText.appendField(reason.utf8, to: &out.rejects)
                out.rejects.append(UInt8(ascii: ","))
                CSVText.appendField(bytes[row.start..<row.contentEnd], to: &out.rejects)
                out.rejects.append(UInt8(ascii: "\n"))
            }
            // Text after a closing quote leaves the fields' bounds clear, so such rows are rewritten like any
            // other (only their coordinates matter here).
            if row.problem == .unterminatedQuote {
                reject("a quoted field is not closed before the end of the file")
                continue
            }
            guard row.fieldCount == fieldCount else {
                reject("row has \(row.fieldCount) fields, the header has \(fieldCount)")
                continue
            }
            func coordinate(_ column: Int, _ role: String, limit: Double) -> Double? {
                if let value = rows.number(inField: column), abs(value) <= limit { return value }
                let text = rows.text(ofField: column)
                let shown = String(decoding: text.prefix(40), as: UTF8.self)
                if text.isEmpty {
                    reject("\(role) is empty")
                } else if rows.number(inField: column) == nil {
                    reject("\(role) '\(shown)' is not a number")
                } else {
                    reject("\(role) '\(shown)' is outside [-\(Int(limit)), \(Int(limit))]")
                }
                return nil
            }
            guard let longitude = coordinate(columns.longitude, "longitude", limit: 180),
                  let latitude = coordinate(columns.latitude, "latitude", limit: 90) else { continue }
            let converted = DatumConversion.convert(Point(x: longitude, y: latitude), from: from, to: to)
            func value(_ column: Int) -> Double { column == columns.longitude ? converted.x : converted.y }
            let firstField = rows.field(first).raw, secondField = rows.field(second).raw
            out.output.append(contentsOf: bytes[row.start..<firstField.lowerBound])
            CSVText.appendFixed(value(first), decimals: precision, to: &out.output)
            out.output.append(contentsOf: bytes[firstField.upperBound..<secondField.lowerBound])
            CSVText.appendFixed(value(second), decimals: precision, to: &out.output)
            out.output.append(contentsOf: bytes[secondField.upperBound..<row.end])
            out.converted += 1
        }
        return out
    }
}
