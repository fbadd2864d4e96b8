/// CSV output helpers shared by every writer of CSV bytes (incidents, rejects, converted files).
public enum CSVText {
    /// Appends `field`, quoted (with quotes doubled) when it holds a comma, quote, CR or LF or starts or ends with
    /// a space, so that readers get the same text back.
    @inlinable
    public static func appendField<C: Collection>(_ field: C, to buffer: inout [UInt8]) where C.Element == UInt8 {
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

    /// `text` as one CSV field (see `appendField`).
    public static func field(_ text: String) -> String {
        var bytes: [UInt8] = []
        appendField(text.utf8, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `value` with exactly `decimals` decimals (0 ... 12), rounded half away from zero: `120.7500000`,
    /// `-0.0000001`; a value too large for that is written in Swift's shortest form.
    public static func appendFixed(_ value: Double, decimals: Int, to buffer: inout [UInt8]) {
        precondition((0...12).contains(decimals), "0 to 12 decimals")
        var scale: Int64 = 1
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (value * Double(scale)).rounded()
        guard scaled.magnitude < 9e18 else {
            buffer.append(contentsOf: value.description.utf8)
            return
        }
        var units = Int64(scaled)
        if units < 0 {
            buffer.append(UInt8(ascii: "-"))
            units = -units
        }
        appendDecimal(units / scale, to: &buffer)
        guard decimals > 0 else { return }
        buffer.append(UInt8(ascii: "."))
        var fraction = units % scale
        let start = buffer.count
        buffer.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: decimals))
        for i in stride(from: start + decimals - 1, through: start, by: -1) {
            buffer[i] = UInt8(fraction % 10) + 0x30
            fraction /= 10
        }
    }

    private static func appendDecimal(_ value: Int64, to buffer: inout [UInt8]) {
        if value >= 10 { appendDecimal(value / 10, to: &buffer) }
        buffer.append(UInt8(value % 10) + 0x30)
    }
}
