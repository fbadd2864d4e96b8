import AtomicOutput

/// Writing incident tables as CSV that `IncidentCSVReader` reads back to the same table.
public enum IncidentCSVWriter {
    /// Writes `id,lon,lat[,time],category[,weight]` atomically: longitude and latitude with 7 decimals (about
    /// 1 cm), times as ISO 8601 with `+08:00`, weights in the shortest form that reads back to the same `Float`.
    /// The time column is left out when the table has no times (an empty time would not read back).
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
                appendFixed7(table.longitude[row], to: &buffer)
                buffer.append(UInt8(ascii: ","))
                appendFixed7(table.latitude[row], to: &buffer)
                if let time = table.time {
                    buffer.append(UInt8(ascii: ","))
                    ISO8601Time.append(time[row], to: &buffer)
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

    /// Appends `value` rounded to 7 decimals (half away from zero), e.g. `120.7500000`.
    static func appendFixed7(_ value: Double, to buffer: inout [UInt8]) {
        let scaled = (value * 1e7).rounded()
        guard scaled.magnitude < 9e18 else {
            buffer.append(contentsOf: value.description.utf8)
            return
        }
        var units = Int64(scaled)
        if units < 0 {
            buffer.append(UInt8(ascii: "-"))
            units = -units
        }
        appendDecimal(units / 10_000_000, to: &buffer)
        buffer.append(UInt8(ascii: "."))
        var fraction = units % 10_000_000
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { raw in
            for i in stride(from: 6, through: 0, by: -1) {
                raw[i] = UInt8(fraction % 10) + 0x30
                fraction /= 10
            }
            buffer.append(contentsOf: raw)
        }
    }

    private static func appendDecimal(_ value: Int64, to buffer: inout [UInt8]) {
        if value >= 10 { appendDecimal(value / 10, to: &buffer) }
        buffer.append(UInt8(value % 10) + 0x30)
    }
}

extension IncidentTable {
    /// Writes the table as CSV; see `IncidentCSVWriter.write(_:to:)`.
    public func writeCSV(to path: String) throws {
        try IncidentCSVWriter.write(self, to: path)
    }
}
