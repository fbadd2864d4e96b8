/// CSV output helpers shared by the incident and reject writers.
enum CSVText {
    /// Appends `field`, quoted (with quotes doubled) when it holds a comma, quote, CR or LF or starts or ends with
    /// a space, so that readers get the same text back.
    static func appendField<C: Collection>(_ field: C, to buffer: inout [UInt8]) where C.Element == UInt8 {
        var needsQuotes = false
        for b in field where b == UInt8(ascii: ",") || b == UInt8(ascii: "\"") || b == 0x0A || b == 0x0D {
            needsQuotes = true
            break
        }
        if let first = field.first, first == 0x20 || first == 0x09 { needsQuotes = true }
        if !needsQuotes {
            buffer.append(contentsOf: field)
            return
        }
        buffer.append(UInt8(ascii: "\""))
        for b in field {
            if b == UInt8(ascii: "\"") { buffer.append(b) }
            buffer.append(b)
        }
        buffer.append(UInt8(ascii: "\""))
    }
}
