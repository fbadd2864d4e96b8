import AtomicOutput

/// Writing incident tables as CSV that `IncidentCSVReader` reads back to the same table.
public enum IncidentCSVWriter {
    /// Writes `id,lon,lat[,time],category[,weight]` atomically: longitude and latitude with 7 decimals (about
    /// 1 cm), times as ISO 8601 with `+08:00` (`IncidentTable.missingTime` as an empty field, which reads back as
    /// missing), weights in the shortest form that reads back to the same `Float`. The time column is left out
    /// when the table has no times.
    public static func write(_ table: IncidentTable, to path: String) throws {
        try writeAtomically(to: path) { writer in
            var buffer: [UInt8] = []
            buffer.reserveCapacity(1 << 16)
            buffer.append(contentsOf: "id,lon,lat".utf8)
            if table.time != nil { buffer.append(contentsOf: ",time".utf8) }
            buffer.append(contentsOf: ",category".utf8)
            if table.weight != nil { buffer.append(contentsOf: ",weight".utf8) }
            buffer.append(0x0A)
            let categories = table.categoryNames.map { name -> [UInt8] in
                var field: [UInt8] = []
                CSVText.appendField(name.utf8, to: &field)
                return field
            }
            for row in 0..<table.count {
                table.withIDBytes(at: row) { CSVText.appendField($0, to: &buffer) }
                buffer.append(UInt8(ascii: ","))
                CSVText.appendFixed(table.longitude[row], decimals: 7, to: &buffer)
                buffer.append(UInt8(ascii: ","))
                CSVText.appendFixed(table.latitude[row], decimals: 7, to: &buffer)
                if let time = table.time {
                    buffer.append(UInt8(ascii: ","))
                    if time[row] != IncidentTable.missingTime { ISO8601Time.append(time[row], to: &buffer) }
                }
                buffer.append(UInt8(ascii: ","))
                buffer.append(contentsOf: categories[Int(table.category[row])])
                if let weight = table.weight {
                    buffer.append(UInt8(ascii: ","))
                    buffer.append(contentsOf: weight[row].description.utf8)
                }
                buffer.append(0x0A)
                if buffer.count >= 1 << 16 {
                    try writer.write(buffer)
                    buffer.removeAll(keepingCapacity: true)
                }
            }
            try writer.write(buffer)
        }
    }
}

extension IncidentTable {
    /// Writes the table as CSV; see `IncidentCSVWriter.write(_:to:)`.
    public func writeCSV(to path: String) throws {
        try IncidentCSVWriter.write(self, to: path)
    }
}
