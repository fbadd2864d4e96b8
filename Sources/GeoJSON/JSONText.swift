import GeoCore

/// JSON text for other writers (summaries, reports, manifests): string literals escaped as RFC 8259 requires and
/// whole `JSONValue`s, with the GeoJSON writer's number formatting.
public enum JSONText {
    /// Appends `text` as a JSON string literal (quotes, backslashes and control characters escaped).
    public static func appendString(_ text: String, to bytes: inout [UInt8]) {
        var json = JSONBytes()
        swap(&json.bytes, &bytes)
        json.append(string: text)
        swap(&json.bytes, &bytes)
    }

    /// `value` as compact JSON; nil when it holds a NaN or an infinity (JSON has no such numbers).
    public static func encode(_ value: JSONValue) -> [UInt8]? {
        var json = JSONBytes()
        guard append(value, to: &json) else { return nil }
        return json.bytes
    }

    private static func append(_ value: JSONValue, to json: inout JSONBytes) -> Bool {
        switch value {
        case .null: json.append("null")
        case .bool(let flag): json.append(flag ? "true" : "false")
        case .number(let number): return json.append(number: number)
        case .string(let text): json.append(string: text)
        case .array(let elements):
            json.append(UInt8(ascii: "["))
            for (k, element) in elements.enumerated() {
                if k > 0 { json.append(UInt8(ascii: ",")) }
                guard append(element, to: &json) else { return false }
            }
            json.append(UInt8(ascii: "]"))
        case .object(let object):
            json.append(UInt8(ascii: "{"))
            for (k, member) in object.members.enumerated() {
                if k > 0 { json.append(UInt8(ascii: ",")) }
                json.append(string: member.key)
                json.append(UInt8(ascii: ":"))
                guard append(member.value, to: &json) else { return false }
            }
            json.append(UInt8(ascii: "}"))
        }
        return true
    }
}
