import GeoCore

/// Why a GeoJSON file could not be read, and where.
///
/// The description reads like a compiler diagnostic, e.g.
/// `cells.geojson:3:41: feature 12: unclosed ring: first position [120.5, 30.1] differs from last [120.6, 30.1]`.
public struct GeoJSONError: Error, CustomStringConvertible, Sendable, Hashable {
    /// The problem found, independent of where it was found.
    public enum Reason: Hashable, Sendable {
        /// The file could not be opened or read (the operating system's message).
        case cannotRead(String)
        /// The input holds no bytes but white space.
        case emptyFile
        /// The input stops in the middle of a value: the file is probably truncated.
        case unexpectedEnd(expected: String)
        /// The bytes are not valid JSON at this point.
        case invalidSyntax(expected: String, found: String)
        /// A malformed number token such as `01`, `1.` or `-`.
        case invalidNumber(String)
        /// `NaN`, `Infinity` or a number too large for a double.
        case nonFiniteNumber(String)
        /// A string with a bad escape, a raw control character or invalid UTF-8.
        case invalidString(String)
        /// Objects and arrays nested deeper than the reader allows.
        case nestingTooDeep(limit: Int)
        /// Valid JSON that is not GeoJSON: a missing or unknown `type`, a member of the wrong kind.
        case notGeoJSON(String)
        /// A geometry type HeatGrid does not handle (LineString, GeometryCollection, ...).
        case unsupportedGeometryType(String)
        /// The coordinates' arrays are nested deeper or shallower than the geometry type requires.
        case wrongNesting(geometryType: String, detail: String)
        /// A position holding something other than numbers.
        case nonNumericPosition(found: String)
        /// A position with fewer than two numbers.
        case shortPosition(count: Int)
        /// A ring whose last position is not its first.
        case unclosedRing(first: Point, last: Point)
        /// A ring with fewer than four positions (a closed triangle needs four).
        case ringTooShort(count: Int)
        /// A polygon whose coordinates hold no ring at all.
        case polygonWithoutRings
        /// A position outside longitude [-180, 180] / latitude [-90, 90].
        case coordinateOutOfRange(x: Double, y: Double)
    }

    /// The file name or label given to the reader.
    public let sourceName: String
    /// The position of the feature in the collection's `features` array, when the problem is inside one.
    public let featureIndex: Int?
    /// 1-based line of the offending byte; `nil` when the file could not be read at all.
    public let line: Int?
    /// 1-based column (in characters) of the offending byte.
    public let column: Int?
    public let reason: Reason

    public init(sourceName: String, featureIndex: Int?, line: Int?, column: Int?, reason: Reason) {
        self.sourceName = sourceName
        self.featureIndex = featureIndex
        self.line = line
        self.column = column
        self.reason = reason
    }

    public var description: String {
        var text = sourceName
        if let line, let column { text += ":\(line):\(column)" }
        text += ": "
        if let featureIndex { text += "feature \(featureIndex): " }
        return text + reasonText
    }

    /// The reason alone, without the location.
    public var reasonText: String {
        switch reason {
        case .cannotRead(let message):
            "cannot read file: \(message)"
        case .emptyFile:
            "empty file: no GeoJSON object found"
        case .unexpectedEnd(let expected):
            "unexpected end of input (truncated file?): expected \(expected)"
        case .invalidSyntax(let expected, let found):
            "invalid JSON syntax: expected \(expected), found \(found)"
        case .invalidNumber(let token):
            "invalid JSON number '\(token)'"
        case .nonFiniteNumber(let token):
            "'\(token)' is not a finite number (NaN and Infinity are not valid JSON)"
        case .invalidString(let detail):
            "invalid JSON string: \(detail)"
        case .nestingTooDeep(let limit):
            "objects and arrays nested deeper than \(limit) levels"
        case .notGeoJSON(let detail):
            "not GeoJSON: \(detail)"
        case .unsupportedGeometryType(let type):
            "unsupported geometry type \(type)"
        case .wrongNesting(let type, let detail):
            "wrong nesting of coordinates for \(type): \(detail)"
        case .nonNumericPosition(let found):
            "non-numeric position: expected a number, found \(found)"
        case .shortPosition(let count):
            "position with \(count) number\(count == 1 ? "" : "s"), needs at least 2"
        case .unclosedRing(let first, let last):
            "unclosed ring: first position [\(first.x), \(first.y)] differs from last [\(last.x), \(last.y)]"
        case .ringTooShort(let count):
            "ring with \(count) position\(count == 1 ? "" : "s"), needs at least 4"
        case .polygonWithoutRings:
            "polygon without rings"
        case .coordinateOutOfRange(let x, let y):
            "coordinates out of range: [\(x), \(y)] is not longitude/latitude (|lon| <= 180, |lat| <= 90);"
                + " turn off the range check for projected data"
        }
    }
}
