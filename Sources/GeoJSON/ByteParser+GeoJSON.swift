import GeoCore

private let openBracket = UInt8(ascii: "[")
private let closeBracket = UInt8(ascii: "]")
private let openBrace = UInt8(ascii: "{")
private let comma = UInt8(ascii: ",")

/// Geometry types that exist in GeoJSON but not in HeatGrid.
private let unsupportedGeometryTypes: Set<String> = [
    "LineString", "MultiLineString", "MultiPoint", "GeometryCollection",
]

/// What the top-level object has yielded so far.
private struct TopLevel {
    var name: String?
    var features: [Feature]?
    var parts = FeatureParts()
    var geometry: Geometry?
}

extension ByteParser {
    // MARK: Document

    /// Reads the whole input: a FeatureCollection, a Feature or a bare geometry.
    mutating func parseDocument() throws(GeoJSONError) -> FeatureCollection {
        if end >= 3 && base[0] == 0xEF && base[1] == 0xBB && base[2] == 0xBF { pos = 3 }  // UTF-8 byte order mark
        guard let first = peek() else { throw error(.emptyFile, at: pos) }
        guard first == openBrace else {
            throw error(.notGeoJSON("the top-level value must be an object, found \(describeToken(at: pos))"), at: pos)
        }
        let open = pos
        var type: GeoJSONType?
        var result = TopLevel()
        // Members met before "type" are skipped and read again once the type is known.
        var deferred: [(member: MemberName, offset: Int)] = []
        if try beginObject() {
            repeat {
                let member = try memberName()
                if member == .type {
                    type = try parseTopLevelType()
                } else if let type {
                    try topLevelMember(member, of: type, into: &result)
                } else {
                    if member != .other { deferred.append((member, pos)) }
                    try skipValue()
                }
            } while try nextMember()
        }
        let afterObject = pos
        guard let type else { throw error(.notGeoJSON("missing \"type\" member"), at: open) }
        for (member, offset) in deferred {
            pos = offset
            try topLevelMember(member, of: type, into: &result)
        }
        pos = afterObject
        skipWhitespace()
        guard pos == end else {
            throw error(.invalidSyntax(expected: "end of input after the GeoJSON object", found: describeToken(at: pos)),
                        at: pos)
        }

        switch type {
        case .featureCollection:
            guard let features = result.features else {
                throw error(.notGeoJSON("FeatureCollection without a \"features\" array"), at: open)
            }
            return FeatureCollection(features: features, name: result.name)
        case .feature:
            let parts = result.parts
            return FeatureCollection(features: [Feature(geometry: parts.geometry, properties: parts.properties,
                                                        id: parts.id)])
        case .point, .polygon, .multiPolygon:
            guard let geometry = result.geometry else {
                throw error(.notGeoJSON("\(type.name) without \"coordinates\""), at: open)
            }
            return FeatureCollection(features: [Feature(geometry: geometry)])
        }
    }

    private mutating func topLevelMember(_ member: MemberName, of type: GeoJSONType,
                                         into result: inout TopLevel) throws(GeoJSONError) {
        switch (type, member) {
        case (.featureCollection, .features):
            result.features = try parseFeatures()
        case (.featureCollection, .name) where pos < end && base[pos] == UInt8(ascii: "\""):
            result.name = try parseString()
        case (.feature, .geometry), (.feature, .properties), (.feature, .id):
            try featureMember(member, into: &result.parts)
        case (.point, .coordinates), (.polygon, .coordinates), (.multiPolygon, .coordinates):
            result.geometry = try parseCoordinates(of: type)
        default:
            try skipValue()  // a foreign member, or one that means nothing for this type
        }
    }

    /// Reads a `type` value: its name, what it is (when known) and where it stood.
    private mutating func parseTypeName() throws(GeoJSONError) -> (type: GeoJSONType?, name: String, offset: Int) {
        let offset = pos
        guard pos < end && base[pos] == UInt8(ascii: "\"") else {
            throw error(.notGeoJSON("\"type\" must be a string, found \(describeToken(at: pos))"), at: pos)
        }
        let name = try parseString()
        let type: GeoJSONType? = switch name {
        case "FeatureCollection": .featureCollection
        case "Feature": .feature
        case "Point": .point
        case "Polygon": .polygon
        case "MultiPolygon": .multiPolygon
        default: nil
        }
        return (type, name, offset)
    }

    private mutating func parseTopLevelType() throws(GeoJSONError) -> GeoJSONType {
        let (type, name, offset) = try parseTypeName()
        if let type { return type }
        if unsupportedGeometryTypes.contains(name) { throw error(.unsupportedGeometryType(name), at: offset) }
        throw error(.notGeoJSON("unknown type \"\(name)\""), at: offset)
    }

    // MARK: Features

    /// Reads the `features` array, tracking the index of the feature being read for error messages.
    private mutating func parseFeatures() throws(GeoJSONError) -> [Feature] {
        guard pos < end && base[pos] == openBracket else {
            throw error(.notGeoJSON("\"features\" must be an array, found \(describeToken(at: pos))"), at: pos)
        }
        pos += 1
        var features: [Feature] = []
        if peek() == closeBracket {
            pos += 1
            return features
        }
        repeat {
            featureIndex = features.count
            guard peek() == openBrace else {
                throw error(.notGeoJSON("a feature must be an object, found \(describeToken(at: pos))"), at: pos)
            }
            features.append(try parseFeature())
        } while try nextElement()
        featureIndex = nil
        return features
    }

    private mutating func parseFeature() throws(GeoJSONError) -> Feature {
        let open = pos
        var parts = FeatureParts()
        var sawType = false
        if try beginObject() {
            repeat {
                let member = try memberName()
                switch member {
                case .type:
                    let (type, name, offset) = try parseTypeName()
                    guard type == .feature else {
                        throw error(.notGeoJSON("expected a Feature, found type \"\(name)\""), at: offset)
                    }
                    sawType = true
                case .geometry, .properties, .id:
                    try featureMember(member, into: &parts)
                default:
                    try skipValue()
                }
            } while try nextMember()
        }
        guard sawType else { throw error(.notGeoJSON("feature without \"type\": \"Feature\""), at: open) }
        return Feature(geometry: parts.geometry, properties: parts.properties, id: parts.id)
    }

    private mutating func featureMember(_ member: MemberName, into parts: inout FeatureParts) throws(GeoJSONError) {
        switch member {
        case .geometry:
            if pos < end && base[pos] == openBrace {
                parts.geometry = try parseGeometryObject()
            } else if pos < end && base[pos] == UInt8(ascii: "n") {
                try literal("null")
                parts.geometry = nil
            } else {
                throw error(.notGeoJSON("\"geometry\" must be an object or null, found \(describeToken(at: pos))"),
                            at: pos)
            }
        case .properties:
            if pos < end && base[pos] == openBrace {
                parts.properties = try parseObject()
            } else if pos < end && base[pos] == UInt8(ascii: "n") {
                try literal("null")
                parts.properties = JSONObject()
            } else {
                throw error(.notGeoJSON("\"properties\" must be an object or null, found \(describeToken(at: pos))"),
                            at: pos)
            }
        case .id:
            parts.id = try parseValue()
        default:
            try skipValue()
        }
    }

    // MARK: Geometry

    private mutating func parseGeometryObject() throws(GeoJSONError) -> Geometry {
        let open = pos
        var type: GeoJSONType?
        var geometry: Geometry?
        var deferredCoordinates: Int?
        if try beginObject() {
            repeat {
                switch try memberName() {
                case .type:
                    let (known, name, offset) = try parseTypeName()
                    guard let known, known.isGeometry else {
                        throw error(.unsupportedGeometryType(name), at: offset)
                    }
                    type = known
                case .coordinates:
                    if let type {
                        geometry = try parseCoordinates(of: type)
                    } else {
                        deferredCoordinates = pos
                        try skipValue()
                    }
                default:
                    try skipValue()
                }
            } while try nextMember()
        }
        guard let type else { throw error(.notGeoJSON("geometry without \"type\" member"), at: open) }
        if geometry == nil, let offset = deferredCoordinates {
            let after = pos
            pos = offset
            geometry = try parseCoordinates(of: type)
            pos = after
        }
        guard let geometry else { throw error(.notGeoJSON("\(type.name) without \"coordinates\""), at: open) }
        return geometry
    }

    /// Reads a `coordinates` value shaped as `type` requires.
    mutating func parseCoordinates(of type: GeoJSONType) throws(GeoJSONError) -> Geometry {
        switch type {
        case .point:
            return .point(try parsePosition(of: type))
        case .polygon:
            return .polygon(try parsePolygon(of: type))
        default:
            skipWhitespace()
            try openArray(of: type, "an array of polygons")
            var polygons: [Polygon] = []
            if peek() == closeBracket {
                pos += 1
                return .multiPolygon(MultiPolygon(polygons))
            }
            repeat {
                polygons.append(try parsePolygon(of: type))
            } while try nextElement()
            return .multiPolygon(MultiPolygon(polygons))
        }
    }

    private mutating func parsePolygon(of type: GeoJSONType) throws(GeoJSONError) -> Polygon {
        skipWhitespace()
        let open = pos
        try openArray(of: type, "a polygon (an array of rings)")
        if peek() == closeBracket { throw error(.polygonWithoutRings, at: open) }
        let exterior = try parseRing(of: type)
        var holes: [Ring] = []
        while try nextElement() {
            holes.append(try parseRing(of: type))
        }
        return Polygon(exterior: exterior, holes: holes)
    }

    private mutating func parseRing(of type: GeoJSONType) throws(GeoJSONError) -> Ring {
        skipWhitespace()
        let open = pos
        try openArray(of: type, "a ring (an array of positions)")
        scratch.removeAll(keepingCapacity: true)
        if peek() == closeBracket {
            pos += 1
        } else {
            repeat {
                let point = try parsePosition(of: type)
                scratch.append(point)
            } while try nextElement()
        }
        guard scratch.count >= 4 else { throw error(.ringTooShort(count: scratch.count), at: open) }
        let first = scratch[0], last = scratch[scratch.count - 1]
        guard first == last else { throw error(.unclosedRing(first: first, last: last), at: open) }
        // A fresh array of exactly this size; `Array(scratch)` would share the scratch buffer (and its spare
        // capacity) with the ring and make the next ring allocate a new scratch buffer.
        let count = scratch.count
        let points = scratch.withUnsafeBufferPointer { source in
            [Point](unsafeUninitializedCapacity: count) { target, initialized in
                _ = target.initialize(from: source)
                initialized = count
            }
        }
        return Ring(points)
    }

    @inline(__always)
    private mutating func parsePosition(of type: GeoJSONType) throws(GeoJSONError) -> Point {
        skipWhitespace()
        let open = pos
        try openArray(of: type, "a position (an array of numbers)")
        let x = try coordinate(of: type, index: 0, position: open)
        guard try positionContinues() else { throw error(.shortPosition(count: 1), at: open) }
        let y = try coordinate(of: type, index: 1, position: open)
        var count = 2
        while try positionContinues() {
            _ = try coordinate(of: type, index: count, position: open)  // z (and m) are accepted and dropped
            count += 1
        }
        if checksCoordinateRange && !(abs(x) <= 180 && abs(y) <= 90) {
            throw error(.coordinateOutOfRange(x: x, y: y), at: open)
        }
        return Point(x: x, y: y)
    }

    @inline(__always)
    private mutating func positionContinues() throws(GeoJSONError) -> Bool {
        switch peek() {
        case comma:
            pos += 1
            return true
        case closeBracket:
            pos += 1
            return false
        default:
            throw unexpected("',' or ']' in a position")
        }
    }

    @inline(__always)
    private mutating func coordinate(of type: GeoJSONType, index: Int,
                                     position open: Int) throws(GeoJSONError) -> Double {
        skipWhitespace()
        guard pos < end else { throw unexpected("a coordinate number") }
        let c = base[pos]
        if c &- UInt8(ascii: "0") < 10 || c == UInt8(ascii: "-") {
            return try parseNumber()
        }
        switch c {
        case closeBracket:
            throw error(.shortPosition(count: index), at: open)
        case openBracket:
            throw error(.wrongNesting(geometryType: type.name,
                                      detail: "expected a coordinate number, found an array (nested too deep)"),
                        at: pos)
        case UInt8(ascii: "\""), openBrace, UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
            throw error(.nonNumericPosition(found: describeToken(at: pos)), at: pos)
        default:
            try rejectNonFinite()
            throw unexpected("a coordinate number")
        }
    }

    /// Enters an array of coordinates, or explains which level of nesting is missing.
    @inline(__always)
    private mutating func openArray(of type: GeoJSONType, _ what: String) throws(GeoJSONError) {
        guard pos < end else { throw unexpected(what) }
        let c = base[pos]
        if c == openBracket {
            pos += 1
            return
        }
        switch c {
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            throw error(.wrongNesting(geometryType: type.name, detail: "expected \(what), found a number"), at: pos)
        case UInt8(ascii: "\""), openBrace, UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
            throw error(.wrongNesting(geometryType: type.name, detail: "expected \(what), found \(describeToken(at: pos))"),
                        at: pos)
        default:
            try rejectNonFinite()
            throw unexpected(what)
        }
    }
}
