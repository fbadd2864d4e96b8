import GeoCore
import Glibc

/// The member names the reader acts on; every other member is skipped.
enum MemberName {
    case type, features, name, geometry, properties, id, coordinates, other
}

/// The values of `type` the reader knows.
enum GeoJSONType: Equatable {
    case featureCollection, feature, point, polygon, multiPolygon

    var name: String {
        switch self {
        case .featureCollection: "FeatureCollection"
        case .feature: "Feature"
        case .point: "Point"
        case .polygon: "Polygon"
        case .multiPolygon: "MultiPolygon"
        }
    }

    var isGeometry: Bool { self == .point || self == .polygon || self == .multiPolygon }
}

/// The members of a Feature gathered while its object is read, in any order.
struct FeatureParts {
    var geometry: Geometry?
    var properties = JSONObject()
    var id: JSONValue?
}

private let ascii = (
    quote: UInt8(ascii: "\""), backslash: UInt8(ascii: "\\"), comma: UInt8(ascii: ","), colon: UInt8(ascii: ":"),
    openBrace: UInt8(ascii: "{"), closeBrace: UInt8(ascii: "}"),
    openBracket: UInt8(ascii: "["), closeBracket: UInt8(ascii: "]"), minus: UInt8(ascii: "-")
)

/// A single forward pass over GeoJSON bytes. Works on a borrowed pointer: create it inside
/// `withUnsafeBufferPointer` and do not let it escape.
struct ByteParser {
    /// Objects and arrays may nest this deep inside properties or skipped members; beyond it the input is refused
    /// rather than risking the stack.
    static let maximumDepth = 256

    let base: UnsafePointer<UInt8>
    let end: Int
    let sourceName: String
    let checksCoordinateRange: Bool
    var pos = 0
    var depth = 0
    var featureIndex: Int?
    /// Member count of the last `properties` object read.
    var propertiesCountHint = 0
    /// Positions of the ring being read, reused from ring to ring so each ring is allocated once at its final size.
    var scratch: [Point] = []

    init(base: UnsafePointer<UInt8>, count: Int, sourceName: String, checksCoordinateRange: Bool) {
        self.base = base
        self.end = count
        self.sourceName = sourceName
        self.checksCoordinateRange = checksCoordinateRange
        scratch.reserveCapacity(1024)
    }

    // MARK: Errors

    func error(_ reason: GeoJSONError.Reason, at offset: Int) -> GeoJSONError {
        var line = 1
        var lineStart = 0
        let stop = min(offset, end)
        var i = 0
        while i < stop {
            if base[i] == 0x0A {
                line += 1
                lineStart = i + 1
            }
            i += 1
        }
        // Columns count characters, so skip UTF-8 continuation bytes.
        var column = 1
        i = lineStart
        while i < stop {
            if base[i] & 0xC0 != 0x80 { column += 1 }
            i += 1
        }
        return GeoJSONError(sourceName: sourceName, featureIndex: featureIndex, line: line, column: column,
                            reason: reason)
    }

    /// Words for the token at `offset`, for "found ..." in messages.
    func describeToken(at offset: Int) -> String {
        guard offset < end else { return "end of input" }
        switch base[offset] {
        case ascii.quote: return "a string"
        case ascii.openBrace: return "an object"
        case ascii.openBracket: return "an array"
        case ascii.closeBrace: return "'}'"
        case ascii.closeBracket: return "']'"
        case ascii.minus, UInt8(ascii: "0")...UInt8(ascii: "9"): return "a number"
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return "a boolean"
        case UInt8(ascii: "n"): return "null"
        case let c where c >= 0x21 && c < 0x7F: return "'\(Character(Unicode.Scalar(c)))'"
        case let c:
            let hex = String(c, radix: 16, uppercase: true)
            return "byte 0x\(hex.count < 2 ? "0" + hex : hex)"
        }
    }

    func unexpected(_ expected: String) -> GeoJSONError {
        if pos >= end { return error(.unexpectedEnd(expected: expected), at: pos) }
        return error(.invalidSyntax(expected: expected, found: describeToken(at: pos)), at: pos)
    }

    // MARK: Lexing

    @inline(__always)
    mutating func skipWhitespace() {
        while pos < end {
            let c = base[pos]
            guard c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 else { return }
            pos += 1
        }
    }

    /// The next byte after white space, or `nil` at the end of input.
    @inline(__always)
    mutating func peek() -> UInt8? {
        skipWhitespace()
        return pos < end ? base[pos] : nil
    }

    @inline(__always)
    mutating func expect(_ byte: UInt8, _ what: String) throws(GeoJSONError) {
        skipWhitespace()
        guard pos < end, base[pos] == byte else { throw unexpected(what) }
        pos += 1
    }

    /// Enters an object at `{`; returns `false` (having consumed `}`) when it is empty.
    mutating func beginObject() throws(GeoJSONError) -> Bool {
        pos += 1
        if peek() == ascii.closeBrace {
            pos += 1
            return false
        }
        return true
    }

    /// After a member's value: `true` when another member follows, `false` once `}` is consumed.
    @inline(__always)
    mutating func nextMember() throws(GeoJSONError) -> Bool {
        switch peek() {
        case ascii.comma:
            pos += 1
            return true
        case ascii.closeBrace:
            pos += 1
            return false
        default:
            throw unexpected("',' or '}' after an object member")
        }
    }

    /// After an array element: `true` when another element follows, `false` once `]` is consumed.
    @inline(__always)
    mutating func nextElement() throws(GeoJSONError) -> Bool {
        switch peek() {
        case ascii.comma:
            pos += 1
            return true
        case ascii.closeBracket:
            pos += 1
            return false
        default:
            throw unexpected("',' or ']' after an array element")
        }
    }

    /// Reads `"name":` and says which GeoJSON member it is, leaving the position at the value.
    mutating func memberName() throws(GeoJSONError) -> MemberName {
        guard peek() == ascii.quote else { throw unexpected("a member name in double quotes") }
        let start = pos + 1
        var i = start
        while i < end {
            let c = base[i]
            if c == ascii.quote { break }
            if c == ascii.backslash || c < 0x20 {
                // Rare: an escaped or malformed name. Decode it properly and compare the text.
                let text = try parseString()
                try expect(ascii.colon, "':' after a member name")
                return Array(text.utf8).withUnsafeBufferPointer { Self.classify($0) }
            }
            i += 1
        }
        guard i < end else {
            pos = end
            throw unexpected("the closing '\"' of a member name")
        }
        let name = Self.classify(UnsafeBufferPointer(start: base + start, count: i - start))
        pos = i + 1
        try expect(ascii.colon, "':' after a member name")
        skipWhitespace()
        return name
    }

    @inline(__always)
    static func classify(_ bytes: UnsafeBufferPointer<UInt8>) -> MemberName {
        @inline(__always) func equals(_ word: StaticString) -> Bool {
            guard let start = bytes.baseAddress else { return false }
            return memcmp(start, word.utf8Start, word.utf8CodeUnitCount) == 0
        }
        switch bytes.count {
        case 2 where equals("id"): return .id
        case 4 where equals("type"): return .type
        case 4 where equals("name"): return .name
        case 8 where equals("features"): return .features
        case 8 where equals("geometry"): return .geometry
        case 10 where equals("properties"): return .properties
        case 11 where equals("coordinates"): return .coordinates
        default: return .other
        }
    }

    // MARK: Strings

    /// Reads a JSON string at `"`: escapes decoded, UTF-8 validated.
    mutating func parseString() throws(GeoJSONError) -> String {
        let start = pos + 1
        var i = start
        while i < end {
            let c = base[i]
            if c == ascii.quote {
                pos = i + 1
                return try makeString(UnsafeBufferPointer(start: base + start, count: i - start), at: start)
            }
            if c == ascii.backslash { return try parseEscapedString(from: start, firstEscape: i) }
            if c < 0x20 { throw error(.invalidString("raw control character (byte \(c)) inside a string"), at: i) }
            i += 1
        }
        pos = end
        throw unexpected("the closing '\"' of a string")
    }

    private func makeString(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) throws(GeoJSONError) -> String {
        guard isValidUTF8(bytes) else { throw error(.invalidString("not valid UTF-8"), at: offset) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Well-formed UTF-8 as Unicode defines it: no overlong forms, surrogates or values beyond U+10FFFF.
    private func isValidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let n = bytes.count
        while i < n {
            let lead = bytes[i]
            if lead < 0x80 {
                i += 1
                continue
            }
            let length: Int
            var secondLow: UInt8 = 0x80, secondHigh: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; secondLow = 0xA0
            case 0xED: length = 3; secondHigh = 0x9F
            case 0xE1...0xEF: length = 3
            case 0xF0: length = 4; secondLow = 0x90
            case 0xF4: length = 4; secondHigh = 0x8F
            case 0xF1...0xF3: length = 4
            default: return false
            }
            guard i + length <= n, bytes[i + 1] >= secondLow, bytes[i + 1] <= secondHigh else { return false }
            for k in 2..<length where bytes[i + k] & 0xC0 != 0x80 { return false }
            i += length
        }
        return true
    }

    private mutating func parseEscapedString(from start: Int, firstEscape: Int) throws(GeoJSONError) -> String {
        var decoded = [UInt8](UnsafeBufferPointer(start: base + start, count: firstEscape - start))
        var i = firstEscape
        while i < end {
            let c = base[i]
            if c == ascii.quote {
                pos = i + 1
                return try decoded.withUnsafeBufferPointer { buffer throws(GeoJSONError) in
                    try makeString(buffer, at: start)
                }
            }
            if c < 0x20 { throw error(.invalidString("raw control character (byte \(c)) inside a string"), at: i) }
            guard c == ascii.backslash else {
                decoded.append(c)
                i += 1
                continue
            }
            guard i + 1 < end else { break }
            let escape = base[i + 1]
            switch escape {
            case ascii.quote, ascii.backslash, UInt8(ascii: "/"): decoded.append(escape)
            case UInt8(ascii: "b"): decoded.append(0x08)
            case UInt8(ascii: "f"): decoded.append(0x0C)
            case UInt8(ascii: "n"): decoded.append(0x0A)
            case UInt8(ascii: "r"): decoded.append(0x0D)
            case UInt8(ascii: "t"): decoded.append(0x09)
            case UInt8(ascii: "u"):
                var scalarValue = try hexQuad(at: i + 2)
                var length = 6
                if scalarValue >= 0xD800 && scalarValue < 0xDC00 {
                    // A high surrogate must be followed by an escaped low surrogate.
                    guard i + 7 < end, base[i + 6] == ascii.backslash, base[i + 7] == UInt8(ascii: "u") else {
                        throw error(.invalidString("unpaired surrogate \\u\(String(scalarValue, radix: 16))"), at: i)
                    }
                    let low = try hexQuad(at: i + 8)
                    guard low >= 0xDC00 && low < 0xE000 else {
                        throw error(.invalidString("unpaired surrogate \\u\(String(scalarValue, radix: 16))"), at: i)
                    }
                    scalarValue = 0x10000 + ((scalarValue - 0xD800) << 10) + (low - 0xDC00)
                    length = 12
                }
                guard let scalar = Unicode.Scalar(scalarValue) else {
                    throw error(.invalidString("unpaired surrogate \\u\(String(scalarValue, radix: 16))"), at: i)
                }
                appendUTF8(scalar, to: &decoded)
                i += length
                continue
            default:
                throw error(.invalidString("unknown escape '\\\(Character(Unicode.Scalar(escape)))'"), at: i)
            }
            i += 2
        }
        pos = end
        throw unexpected("the closing '\"' of a string")
    }

    private func appendUTF8(_ scalar: Unicode.Scalar, to bytes: inout [UInt8]) {
        let v = scalar.value
        switch v {
        case ..<0x80:
            bytes.append(UInt8(v))
        case ..<0x800:
            bytes.append(UInt8(0xC0 | v >> 6))
            bytes.append(UInt8(0x80 | v & 0x3F))
        case ..<0x10000:
            bytes.append(UInt8(0xE0 | v >> 12))
            bytes.append(UInt8(0x80 | v >> 6 & 0x3F))
            bytes.append(UInt8(0x80 | v & 0x3F))
        default:
            bytes.append(UInt8(0xF0 | v >> 18))
            bytes.append(UInt8(0x80 | v >> 12 & 0x3F))
            bytes.append(UInt8(0x80 | v >> 6 & 0x3F))
            bytes.append(UInt8(0x80 | v & 0x3F))
        }
    }

    private func hexQuad(at offset: Int) throws(GeoJSONError) -> UInt32 {
        guard offset + 4 <= end else {
            throw error(.unexpectedEnd(expected: "four hex digits after \\u"), at: end)
        }
        var value: UInt32 = 0
        for k in 0..<4 {
            let c = base[offset + k]
            let digit: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = c - UInt8(ascii: "A") + 10
            default: throw error(.invalidString("\\u must be followed by four hex digits"), at: offset + k)
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    /// Skips a string at `"`, still checking its escapes and UTF-8 so that invalid JSON never passes unseen.
    mutating func skipString() throws(GeoJSONError) {
        _ = try parseString()
    }

    // MARK: Numbers and literals

    /// Reads a number at '-' or a digit.
    @inline(__always)
    mutating func parseNumber() throws(GeoJSONError) -> Double {
        switch scanJSONNumber(base, from: pos, to: end) {
        case .value(let value, let next):
            pos = next
            return value
        case .malformed(let next):
            let start = pos
            // "-Infinity" reads as a malformed number; name it for what it is.
            if next == start + 1, next < end, base[next] == UInt8(ascii: "I") || base[next] == UInt8(ascii: "N") {
                try rejectNonFinite()
            }
            if next >= end {
                pos = end
                throw error(.unexpectedEnd(expected: "the rest of a number"), at: end)
            }
            throw error(.invalidNumber(tokenText(from: start)), at: start)
        case .overflow:
            throw error(.nonFiniteNumber(tokenText(from: pos)), at: pos)
        }
    }

    /// Throws the NaN/Infinity error when the bytes at the position spell one of those tokens.
    mutating func rejectNonFinite() throws(GeoJSONError) {
        for word in ["NaN", "Infinity", "-Infinity", "+Infinity", "-NaN"] where matches(word) {
            throw error(.nonFiniteNumber(word), at: pos)
        }
    }

    private func matches(_ word: String) -> Bool {
        var i = pos
        for byte in word.utf8 {
            guard i < end, base[i] == byte else { return false }
            i += 1
        }
        return true
    }

    /// Up to 40 bytes of the token at `start`, for messages.
    private func tokenText(from start: Int) -> String {
        var i = start
        while i < end && i - start < 40 {
            let c = base[i]
            if c == ascii.comma || c == ascii.closeBracket || c == ascii.closeBrace || c <= 0x20 { break }
            i += 1
        }
        return String(decoding: UnsafeBufferPointer(start: base + start, count: i - start), as: UTF8.self)
    }

    /// Consumes `word` (true, false, null) or throws.
    mutating func literal(_ word: StaticString) throws(GeoJSONError) {
        let count = word.utf8CodeUnitCount
        let bytes = word.utf8Start
        for k in 0..<count {
            guard pos + k < end else {
                pos = end
                throw error(.unexpectedEnd(expected: "'\(word)'"), at: end)
            }
            guard base[pos + k] == bytes[k] else { throw unexpected("a JSON value") }
        }
        pos += count
    }

    // MARK: Generic values (properties, id)

    /// Reads any JSON value at the current (non-white-space) position.
    mutating func parseValue() throws(GeoJSONError) -> JSONValue {
        guard pos < end else { throw unexpected("a JSON value") }
        switch base[pos] {
        case ascii.quote:
            return .string(try parseString())
        case ascii.minus, UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .number(try parseNumber())
        case ascii.openBrace:
            return .object(try parseObject())
        case ascii.openBracket:
            try enterContainer()
            defer { depth -= 1 }
            pos += 1
            var elements: [JSONValue] = []
            if peek() == ascii.closeBracket {
                pos += 1
                return .array(elements)
            }
            repeat {
                skipWhitespace()
                elements.append(try parseValue())
            } while try nextElement()
            return .array(elements)
        case UInt8(ascii: "t"):
            try literal("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null")
            return .null
        default:
            try rejectNonFinite()
            throw unexpected("a JSON value")
        }
    }

    /// Reads an object at `{` keeping its members in order.
    mutating func parseObject() throws(GeoJSONError) -> JSONObject {
        try enterContainer()
        defer { depth -= 1 }
        var members: [(key: String, value: JSONValue)] = []
        // Features of a layer usually share one schema: allocate a properties object once, at the size of the last.
        let isProperties = depth == 1
        if isProperties { members.reserveCapacity(propertiesCountHint) }
        guard try beginObject() else { return JSONObject(members) }
        repeat {
            guard peek() == ascii.quote else { throw unexpected("a member name in double quotes") }
            let key = try parseString()
            try expect(ascii.colon, "':' after a member name")
            skipWhitespace()
            let value = try parseValue()
            members.append((key: key, value: value))
        } while try nextMember()
        if isProperties { propertiesCountHint = members.count }
        return JSONObject(members)
    }

    /// Skips any JSON value at the current (non-white-space) position, checking its syntax.
    mutating func skipValue() throws(GeoJSONError) {
        guard pos < end else { throw unexpected("a JSON value") }
        switch base[pos] {
        case ascii.quote:
            try skipString()
        case ascii.minus, UInt8(ascii: "0")...UInt8(ascii: "9"):
            _ = try parseNumber()
        case ascii.openBrace:
            try enterContainer()
            defer { depth -= 1 }
            guard try beginObject() else { return }
            repeat {
                guard peek() == ascii.quote else { throw unexpected("a member name in double quotes") }
                try skipString()
                try expect(ascii.colon, "':' after a member name")
                skipWhitespace()
                try skipValue()
            } while try nextMember()
        case ascii.openBracket:
            try enterContainer()
            defer { depth -= 1 }
            pos += 1
            if peek() == ascii.closeBracket {
                pos += 1
                return
            }
            repeat {
                skipWhitespace()
                try skipValue()
            } while try nextElement()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        default:
            try rejectNonFinite()
            throw unexpected("a JSON value")
        }
    }

    @inline(__always)
    private mutating func enterContainer() throws(GeoJSONError) {
        depth += 1
        if depth > Self.maximumDepth {
            depth -= 1
            throw error(.nestingTooDeep(limit: Self.maximumDepth), at: pos)
        }
    }
}
