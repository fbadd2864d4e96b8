import Foundation
import Incidents

/// A shifts file, as a duty office writes it: one row per shift worked every day of the planned week.
///
///     name,start,end,units
///     早班,08:00,16:00,4
///     中班,16:00,24:00,4
///     夜班,00:00,08:00,2
///
/// Times are `H:MM` or `HH:MM` on the local clock (`24:00` as an end); an end at or before the start runs past
/// midnight (`22:00,06:00` is an 8-hour night shift). Columns may also be named 班次, 开始, 结束, 警力 (or 人数);
/// a UTF-8 byte order mark, CRLF line ends and blank lines are fine. Every problem is one error naming the file and
/// line.
public struct ShiftsFile: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        public let name: String
        /// Minutes after local midnight.
        public let start: Int
        /// Minutes after the start's midnight: past 1,440 for a shift that runs past midnight.
        public let end: Int
        public let units: Int
        /// The file's line, for messages.
        public let line: Int

        public var minutes: Int { end - start }
    }

    public let rows: [Row]

    public static func read(path: String) throws -> ShiftsFile {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw HeatGridError("\(path): cannot read the shifts file (\(error.localizedDescription))")
        }
        return try ShiftsFile(bytes: Array(data), path: path)
    }

    public init(bytes input: [UInt8], path: String) throws {
        var bytes = input
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        let rows = try bytes.withUnsafeBufferPointer { buffer -> [Row] in
            var scanner = CSVRowScanner(buffer)
            var columns: (name: Int, start: Int, end: Int, units: Int)?
            var rows: [Row] = []
            while let row = scanner.next() {
                if row.isBlank { continue }
                if let problem = row.problem { throw HeatGridError("\(path):\(row.line): \(problem.reason)") }
                let fields = (0..<row.fieldCount).map {
                    String(decoding: scanner.text(ofField: $0), as: UTF8.self).trimmingCharacters(in: .whitespaces)
                }
                guard let header = columns else {
                    columns = try Self.columns(fields, path: path, line: row.line)
                    continue
                }
                let needed = max(header.name, header.start, header.end, header.units)
                guard fields.count > needed else {
                    throw HeatGridError("\(path):\(row.line): \(fields.count) fields, the header has \(needed + 1) or more")
                }
                let name = fields[header.name]
                guard !name.isEmpty else { throw HeatGridError("\(path):\(row.line): a shift needs a name") }
                guard rows.allSatisfy({ $0.name != name }) else {
                    throw HeatGridError("\(path):\(row.line): shift '\(name)' is listed twice")
                }
                guard let start = Self.minutes(fields[header.start]), start < 1440 else {
                    throw HeatGridError("\(path):\(row.line): start '\(fields[header.start])' is not a time of day (HH:MM, 00:00 to 23:59)")
                }
                guard let endOfDay = Self.minutes(fields[header.end]) else {
                    throw HeatGridError("\(path):\(row.line): end '\(fields[header.end])' is not a time of day (HH:MM, 00:00 to 24:00)")
                }
                guard let units = Int(fields[header.units]), units >= 0 else {
                    throw HeatGridError("\(path):\(row.line): units '\(fields[header.units])' is not a whole number of 0 or more")
                }
                let end = endOfDay <= start ? endOfDay + 1440 : endOfDay
                rows.append(Row(name: name, start: start, end: end, units: units, line: row.line))
            }
            return rows
        }
        guard !rows.isEmpty else { throw HeatGridError("\(path): no shifts (expected a header name,start,end,units and a row per shift)") }
        guard rows.contains(where: { $0.units > 0 }) else { throw HeatGridError("\(path): no units on any shift") }
        self.rows = rows
    }

    private static func columns(_ header: [String], path: String, line: Int) throws -> (name: Int, start: Int, end: Int, units: Int) {
        let names = header.map { $0.lowercased() }
        func column(_ aliases: [String]) throws -> Int {
            guard let k = names.firstIndex(where: aliases.contains) else {
                throw HeatGridError("\(path):\(line): the header '\(header.joined(separator: ","))' has no '\(aliases[0])' column (expected name,start,end,units)")
            }
            return k
        }
        return (try column(["name", "shift", "班次", "名称"]), try column(["start", "开始", "开始时间"]),
                try column(["end", "结束", "结束时间"]), try column(["units", "unit", "警力", "人数", "组数"]))
    }

    /// `H:MM`, `HH:MM` or `HH:MM:SS` (seconds must be 0) as minutes after midnight, 0 … 1,440.
    static func minutes(_ text: String) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard (2...3).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let hour = Int(parts[0]), let minute = Int(parts[1]), parts[1].count == 2, minute < 60,
              parts.count == 2 || Int(parts[2]) == 0 else { return nil }
        let total = hour * 60 + minute
        return total <= 1440 ? total : nil
    }
}
