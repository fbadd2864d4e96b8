import Foundation
import GeoCore
import GeoJSON
import Testing

/// One file of the broken corpus and exactly what the reader must say about it.
struct BrokenCase: Sendable, CustomTestStringConvertible {
    let file: String
    let reason: GeoJSONError.Reason
    let text: String
    let feature: Int?
    let line: Int
    let column: Int

    var testDescription: String { file }
}

private let brokenFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures/broken").path

private let brokenCorpus: [BrokenCase] = [
    BrokenCase(file: "empty.geojson", reason: .emptyFile,
               text: "empty file: no GeoJSON object found", feature: nil, line: 1, column: 1),
    BrokenCase(file: "truncated.geojson", reason: .unexpectedEnd(expected: "a position (an array of numbers)"),
               text: "unexpected end of input (truncated file?): expected a position (an array of numbers)",
               feature: 1, line: 4, column: 111),
    BrokenCase(file: "missing_comma.geojson",
               reason: .invalidSyntax(expected: "',' or '}' after an object member", found: "a string"),
               text: "invalid JSON syntax: expected ',' or '}' after an object member, found a string",
               feature: 2, line: 5, column: 19),
    BrokenCase(file: "trailing_content.geojson",
               reason: .invalidSyntax(expected: "end of input after the GeoJSON object", found: "an object"),
               text: "invalid JSON syntax: expected end of input after the GeoJSON object, found an object",
               feature: nil, line: 7, column: 1),
    BrokenCase(file: "invalid_number.geojson", reason: .invalidNumber("030.0"),
               text: "invalid JSON number '030.0'", feature: 1, line: 4, column: 105),
    BrokenCase(file: "bad_escape.geojson", reason: .invalidString("unknown escape '\\x'"),
               text: "invalid JSON string: unknown escape '\\x'", feature: 1, line: 4, column: 44),
    BrokenCase(file: "missing_type.geojson", reason: .notGeoJSON("missing \"type\" member"),
               text: "not GeoJSON: missing \"type\" member", feature: nil, line: 1, column: 1),
    BrokenCase(file: "unknown_type.geojson", reason: .notGeoJSON("unknown type \"Topology\""),
               text: "not GeoJSON: unknown type \"Topology\"", feature: nil, line: 1, column: 9),
    BrokenCase(file: "not_a_feature.geojson", reason: .notGeoJSON("expected a Feature, found type \"Polygon\""),
               text: "not GeoJSON: expected a Feature, found type \"Polygon\"", feature: 1, line: 4, column: 9),
    BrokenCase(file: "linestring.geojson", reason: .unsupportedGeometryType("LineString"),
               text: "unsupported geometry type LineString", feature: 1, line: 4, column: 59),
    BrokenCase(file: "wrong_nesting.geojson",
               reason: .wrongNesting(geometryType: "Polygon",
                                     detail: "expected a position (an array of numbers), found a number"),
               text: "wrong nesting of coordinates for Polygon: expected a position (an array of numbers), found a number",
               feature: 1, line: 4, column: 85),
    BrokenCase(file: "non_numeric_position.geojson", reason: .nonNumericPosition(found: "a string"),
               text: "non-numeric position: expected a number, found a string", feature: 2, line: 5, column: 99),
    BrokenCase(file: "short_position.geojson", reason: .shortPosition(count: 1),
               text: "position with 1 number, needs at least 2", feature: 0, line: 3, column: 98),
    BrokenCase(file: "unclosed_ring.geojson",
               reason: .unclosedRing(first: Point(x: 120.0, y: 30.0), last: Point(x: 120.0, y: 30.1)),
               text: "unclosed ring: first position [120.0, 30.0] differs from last [120.0, 30.1]",
               feature: 1, line: 4, column: 84),
    BrokenCase(file: "short_ring.geojson", reason: .ringTooShort(count: 3),
               text: "ring with 3 positions, needs at least 4", feature: 1, line: 4, column: 84),
    BrokenCase(file: "polygon_without_rings.geojson", reason: .polygonWithoutRings,
               text: "polygon without rings", feature: 2, line: 5, column: 83),
    BrokenCase(file: "nan.geojson", reason: .nonFiniteNumber("NaN"),
               text: "'NaN' is not a finite number (NaN and Infinity are not valid JSON)", feature: 1, line: 4, column: 105),
    BrokenCase(file: "infinity_property.geojson", reason: .nonFiniteNumber("-Infinity"),
               text: "'-Infinity' is not a finite number (NaN and Infinity are not valid JSON)",
               feature: 1, line: 4, column: 47),
    BrokenCase(file: "out_of_range.geojson", reason: .coordinateOutOfRange(x: 500000, y: 3300000),
               text: "coordinates out of range: [500000.0, 3300000.0] is not longitude/latitude (|lon| <= 180, |lat| <= 90);"
                   + " turn off the range check for projected data",
               feature: 1, line: 4, column: 85),
    BrokenCase(file: "deep_nesting.geojson", reason: .nestingTooDeep(limit: 256),
               text: "objects and arrays nested deeper than 256 levels", feature: 1, line: 4, column: 292),
]

@Suite("GeoJSONReader on the broken corpus")
struct BrokenInputTests {
    @Test(arguments: brokenCorpus)
    func eachBrokenFileGetsItsOwnReasonAndPlace(_ expected: BrokenCase) {
        let path = brokenFolder + "/" + expected.file
        do {
            _ = try GeoJSONReader().read(path: path)
            Issue.record("\(expected.file) should not parse")
        } catch {
            #expect(error.reason == expected.reason)
            #expect(error.reasonText == expected.text)
            #expect(error.featureIndex == expected.feature)
            #expect(error.line == expected.line)
            #expect(error.column == expected.column)
            #expect(error.sourceName == path)
            let feature = expected.feature.map { "feature \($0): " } ?? ""
            #expect(error.description == "\(path):\(expected.line):\(expected.column): \(feature)\(expected.text)")
        }
    }

    @Test func theCorpusCoversEveryFileInTheFolder() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: brokenFolder).filter { $0.hasSuffix(".geojson") }
        #expect(Set(files) == Set(brokenCorpus.map(\.file)))
        #expect(files.count >= 12)
    }

    @Test func everyTruncationOfAValidFileFailsCleanly() throws {
        // Cutting a valid file anywhere must give an error, never a crash or a silent partial result.
        let text = """
            {"type":"FeatureCollection","features":[{"type":"Feature","id":3,"properties":{"s":"a\\u4e2d\\"b","n":[1.5e3,-0,true,null]},
            "geometry":{"type":"Polygon","coordinates":[[[120.25,30.5],[120.5,30.5],[120.5,30.75],[120.25,30.5]]]}}]}
            """
        let bytes = Array(text.utf8)
        #expect(throws: Never.self) { try GeoJSONReader().parse(bytes: bytes) }
        for length in 0..<bytes.count - 1 {
            #expect(throws: GeoJSONError.self) { try GeoJSONReader().parse(bytes: Array(bytes[..<length])) }
        }
    }

    @Test func moreShapesOfBadInputEachGetAClearReason() {
        let cases: [(String, GeoJSONError.Reason)] = [
            ("[1,2]", .notGeoJSON("the top-level value must be an object, found an array")),
            (#"{"type":"FeatureCollection"}"#, .notGeoJSON("FeatureCollection without a \"features\" array")),
            (#"{"type":"FeatureCollection","features":{}}"#, .notGeoJSON("\"features\" must be an array, found an object")),
            (#"{"type":"Polygon"}"#, .notGeoJSON("Polygon without \"coordinates\"")),
            (#"{"type":7}"#, .notGeoJSON("\"type\" must be a string, found a number")),
            (#"{"type":"Point","coordinates":[1,[2]]}"#,
             .wrongNesting(geometryType: "Point", detail: "expected a coordinate number, found an array (nested too deep)")),
            (#"{"type":"MultiPolygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}"#,
             .wrongNesting(geometryType: "MultiPolygon", detail: "expected a position (an array of numbers), found a number")),
            (#"{"type":"Point","coordinates":[]}"#, .shortPosition(count: 0)),
            (#"{"type":"Point","coordinates":[1,null]}"#, .nonNumericPosition(found: "null")),
            (#"{"type":"Point","coordinates":[1e999,2]}"#, .nonFiniteNumber("1e999")),
            (#"{"type":"Point","coordinates":[Infinity,2]}"#, .nonFiniteNumber("Infinity")),
            (#"{"type":"Point","coordinates":[1.,2]}"#, .invalidNumber("1.")),
            (#"{"type":"Point","coordinates":[1,2],"x":tru}"#, .invalidSyntax(expected: "a JSON value", found: "a boolean")),
            (#"{"type":"Point","coordinates":[1,2],"x":"\ud800"}"#, .invalidString("unpaired surrogate \\ud800")),
            ("{\"type\":\"Point\",\"coordinates\":[1,2],\"x\":\"a\u{01}\"}", .invalidString("raw control character (byte 1) inside a string")),
            (#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]],[]]}"#, .ringTooShort(count: 0)),
            (#"{"type":"Feature","geometry":5}"#, .notGeoJSON("\"geometry\" must be an object or null, found a number")),
            (#"{"type":"Feature","properties":[],"geometry":null}"#, .notGeoJSON("\"properties\" must be an object or null, found an array")),
            (#"{"type":"Feature","geometry":{"coordinates":[1,2]}}"#, .notGeoJSON("geometry without \"type\" member")),
            (#"{"type":"FeatureCollection","features":[{"geometry":null}]}"#, .notGeoJSON("feature without \"type\": \"Feature\"")),
            (#"{"type":"FeatureCollection","features":[1]}"#, .notGeoJSON("a feature must be an object, found a number")),
            ("   \n\t ", .emptyFile),
        ]
        for (text, reason) in cases {
            #expect(parseError(text)?.reason == reason, "\(text)")
        }
        var invalidUTF8 = Array(#"{"type":"Point","coordinates":[1,2],"x":"ab"}"#.utf8)
        invalidUTF8[invalidUTF8.count - 3] = 0xFF
        #expect(throws: GeoJSONError.self) { try GeoJSONReader().parse(bytes: invalidUTF8) }
    }
}
