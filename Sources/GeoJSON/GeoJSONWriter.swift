import AtomicOutput
import GeoCore

/// Writes an RFC 7946 FeatureCollection one feature at a time, so a large layer never exists as one String.
///
/// Output: one feature per line, members in a fixed order (`type`, `id`, `properties`, `geometry`), no `crs`,
/// exterior rings counter-clockwise and holes clockwise (reversed on output when needed), coordinates rounded to
/// `precision` decimals and printed without trailing zeros. The same features give the same bytes.
///
/// The file appears at `path` only when `finish()` succeeds; a writer dropped before that leaves nothing behind.
/// Errors are `OutputError`s naming the file.
///
/// ```swift
/// let writer = try GeoJSONWriter(path: "hot.geojson", name: "hot")
/// for feature in features { try writer.write(feature) }
/// try writer.finish()
/// ```
public final class GeoJSONWriter {
    public let path: String
    /// Decimals kept in coordinates, 0 ... 15.
    public let precision: Int
    /// How many features have been written.
    public private(set) var featureCount = 0

    private let file: AtomicFileWriter
    private var encoder: FeatureEncoder
    private var finished = false

    /// Creates the temporary file and writes the collection's header.
    /// - Parameters:
    ///   - name: the collection's `name` member, omitted when `nil`.
    ///   - precision: decimals kept in coordinates; 7 is about 1 cm in longitude/latitude.
    public init(path: String, name: String? = nil, precision: Int = 7) throws {
        guard (0...15).contains(precision) else {
            throw OutputError(path: path, reason: "coordinate precision \(precision) is outside 0...15")
        }
        self.path = path
        self.precision = precision
        file = try AtomicFileWriter(path: path)
        encoder = FeatureEncoder(precision: precision)
        encoder.json.append("{\"type\":\"FeatureCollection\"")
        if let name {
            encoder.json.append(",\"name\":")
            encoder.json.append(string: name)
        }
        encoder.json.append(",\"features\":[\n")
    }

    /// Appends one feature.
    public func write(_ feature: Feature) throws {
        guard !finished else { throw OutputError(path: path, reason: "write after finish()") }
        let mark = encoder.json.bytes.count
        if featureCount > 0 { encoder.json.append(",\n") }
        do throws(FeatureEncoder.NonFiniteNumber) {
            try encoder.appendFeature(feature)
        } catch {
            encoder.json.bytes.removeSubrange(mark...)  // keep the output valid if the caller goes on
            throw OutputError(path: path, reason: "feature \(featureCount): \(error.what) is not a finite number"
                                  + " (JSON has no NaN or Infinity)")
        }
        featureCount += 1
        if encoder.json.bytes.count >= 1 << 16 { try flush() }
    }

    /// Closes the collection and publishes the file at `path`.
    public func finish() throws {
        guard !finished else { throw OutputError(path: path, reason: "finish() called twice") }
        finished = true
        encoder.json.append(featureCount > 0 ? "\n]}\n" : "]}\n")
        try flush()
        try file.commit()
    }

    /// Writes a whole collection to `path` atomically.
    public static func write(_ collection: FeatureCollection, to path: String, precision: Int = 7) throws {
        let writer = try GeoJSONWriter(path: path, name: collection.name, precision: precision)
        for feature in collection.features { try writer.write(feature) }
        try writer.finish()
    }

    private func flush() throws {
        try file.write(encoder.json.bytes)
        encoder.json.bytes.removeAll(keepingCapacity: true)
    }
}

/// Encodes features as GeoJSON text into a byte buffer.
struct FeatureEncoder {
    /// A number JSON cannot represent.
    struct NonFiniteNumber: Error {
        let what: String
    }

    var json = JSONBytes()
    let precision: Int
    /// 10^precision.
    let scale: Double

    init(precision: Int) {
        self.precision = precision
        var scale = 1.0
        for _ in 0..<precision { scale *= 10 }
        self.scale = scale
        json.bytes.reserveCapacity(1 << 17)
    }

    mutating func appendFeature(_ feature: Feature) throws(NonFiniteNumber) {
        json.append("{\"type\":\"Feature\"")
        if let id = feature.id {
            json.append(",\"id\":")
            try appendValue(id, member: "id")
        }
        json.append(",\"properties\":")
        try appendObject(feature.properties)
        json.append(",\"geometry\":")
        switch feature.geometry {
        case nil:
            json.append("null")
        case .point(let point)?:
            json.append("{\"type\":\"Point\",\"coordinates\":")
            try appendPosition(point)
            json.append(UInt8(ascii: "}"))
        case .lineString(let points)?:
            json.append("{\"type\":\"LineString\",\"coordinates\":[")
            for (k, point) in points.enumerated() {
                if k > 0 { json.append(UInt8(ascii: ",")) }
                try appendPosition(point)
            }
            json.append("]}")
        case .polygon(let polygon)?:
            json.append("{\"type\":\"Polygon\",\"coordinates\":")
            try appendPolygon(polygon)
            json.append(UInt8(ascii: "}"))
        case .multiPolygon(let multi)?:
            json.append("{\"type\":\"MultiPolygon\",\"coordinates\":[")
            for (k, polygon) in multi.polygons.enumerated() {
                if k > 0 { json.append(UInt8(ascii: ",")) }
                try appendPolygon(polygon)
            }
            json.append("]}")
        }
        json.append(UInt8(ascii: "}"))
    }

    private mutating func appendPolygon(_ polygon: Polygon) throws(NonFiniteNumber) {
        json.append(UInt8(ascii: "["))
        try appendRing(polygon.exterior, counterClockwise: true)
        for hole in polygon.holes {
            json.append(UInt8(ascii: ","))
            try appendRing(hole, counterClockwise: false)
        }
        json.append(UInt8(ascii: "]"))
    }

    /// Writes the ring wound as asked, walking it backwards instead of copying it when it is the other way round.
    private mutating func appendRing(_ ring: Ring, counterClockwise: Bool) throws(NonFiniteNumber) {
        let area = ring.signedArea
        let backwards = area != 0 && (area > 0) != counterClockwise
        let points = ring.points
        json.append(UInt8(ascii: "["))
        for k in points.indices {
            if k > 0 { json.append(UInt8(ascii: ",")) }
            try appendPosition(points[backwards ? points.count - 1 - k : k])
        }
        json.append(UInt8(ascii: "]"))
    }

    @inline(__always)
    private mutating func appendPosition(_ point: Point) throws(NonFiniteNumber) {
        guard json.appendPosition(point, precision: precision, scale: scale) else {
            throw NonFiniteNumber(what: "a coordinate")
        }
    }

    private mutating func appendObject(_ object: JSONObject) throws(NonFiniteNumber) {
        json.append(UInt8(ascii: "{"))
        for (k, member) in object.members.enumerated() {
            if k > 0 { json.append(UInt8(ascii: ",")) }
            json.append(string: member.key)
            json.append(UInt8(ascii: ":"))
            try appendValue(member.value, member: member.key)
        }
        json.append(UInt8(ascii: "}"))
    }

    private mutating func appendValue(_ value: JSONValue, member: String) throws(NonFiniteNumber) {
        switch value {
        case .null: json.append("null")
        case .bool(let flag): json.append(flag ? "true" : "false")
        case .number(let number):
            guard json.append(number: number) else { throw NonFiniteNumber(what: "the value of \"\(member)\"") }
        case .string(let text): json.append(string: text)
        case .array(let elements):
            json.append(UInt8(ascii: "["))
            for (k, element) in elements.enumerated() {
                if k > 0 { json.append(UInt8(ascii: ",")) }
                try appendValue(element, member: member)
            }
            json.append(UInt8(ascii: "]"))
        case .object(let object):
            try appendObject(object)
        }
    }

}
