import AtomicOutput
import Foundation
import GeoCore
import GeoJSON
import Testing
import TestSupport

@Suite("GeoJSONWriter")
struct WriterTests {
    /// A clockwise triangle (exterior wound the wrong way for RFC 7946) and every kind of property value.
    static let sampleFeature = Feature(
        geometry: .polygon(Polygon(exterior: ring([(120, 30), (120.5, 30.1234567891), (120.5, 30)]))),
        properties: JSONObject([
            (key: "s", value: .string("中\"q\"\\\n")), (key: "i", value: .number(42)), (key: "f", value: .number(-2.5)),
            (key: "t", value: .bool(true)), (key: "b", value: .bool(false)), (key: "z", value: .null),
            (key: "a", value: .array([.number(1), .string("x"), .array([])])),
            (key: "o", value: .object(["k": .number(0.1), "big": .number(1e20)])),
        ]),
        id: .number(7))

    @Test func writesExactlyTheExpectedText() throws {
        let path = Fixtures.temporaryFolder("geojson-writer") + "/out.geojson"
        let writer = try GeoJSONWriter(path: path, name: "demo")
        try writer.write(Self.sampleFeature)
        try writer.write(Feature(geometry: .point(Point(x: -0.0, y: -0.00000001)), properties: [:], id: .string("p")))
        try writer.write(Feature(geometry: nil))
        try writer.finish()
        #expect(writer.featureCount == 3)

        let expected = """
            {"type":"FeatureCollection","name":"demo","features":[
            {"type":"Feature","id":7,"properties":{"s":"中\\"q\\"\\\\\\n","i":42,"f":-2.5,"t":true,"b":false,"z":null,\
            "a":[1,"x",[]],"o":{"k":0.1,"big":1e+20}},"geometry":{"type":"Polygon","coordinates":\
            [[[120,30],[120.5,30],[120.5,30.1234568],[120,30]]]}},
            {"type":"Feature","id":"p","properties":{},"geometry":{"type":"Point","coordinates":[0,0]}},
            {"type":"Feature","properties":{},"geometry":null}
            ]}

            """
        #expect(try String(contentsOfFile: path, encoding: .utf8) == expected)
    }

    @Test func lineStringsKeepTheirOrder() throws {
        let path = Fixtures.temporaryFolder("geojson-writer") + "/route.geojson"
        let route = [Point(x: 120.7, y: 30.75), Point(x: 120.71, y: 30.7512345678), Point(x: 120.7, y: 30.75)]
        try GeoJSONWriter.write(FeatureCollection(features: [Feature(geometry: .lineString(route))]), to: path)
        let expected = "{\"type\":\"FeatureCollection\",\"features\":[\n{\"type\":\"Feature\",\"properties\":{},"
            + "\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[120.7,30.75],[120.71,30.7512346],[120.7,30.75]]}}\n]}\n"
        #expect(try String(contentsOfFile: path, encoding: .utf8) == expected)
    }

    @Test func anEmptyCollectionIsValidGeoJSON() throws {
        let path = Fixtures.temporaryFolder("geojson-writer") + "/empty.geojson"
        try GeoJSONWriter.write(FeatureCollection(features: []), to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "{\"type\":\"FeatureCollection\",\"features\":[\n]}\n")
        #expect(try GeoJSONReader().read(path: path).features.isEmpty)
    }

    @Test func coordinatesAreRoundedAndPrintedShortest() throws {
        let path = Fixtures.temporaryFolder("geojson-writer") + "/rounded.geojson"
        let points = [
            Point(x: 120.5000000, y: 30.0000000001), Point(x: -0.00004, y: 0.0006), Point(x: 180, y: -90),
            Point(x: 121.317615, y: 30.479316), Point(x: 1.0005, y: -1.0004),
        ]
        let writer = try GeoJSONWriter(path: path, precision: 3)
        for point in points { try writer.write(Feature(geometry: .point(point))) }
        try writer.finish()
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        let coordinates = lines.compactMap { line -> Substring? in
            guard let start = line.range(of: "\"coordinates\":"),
                  let end = line[start.upperBound...].firstIndex(of: "]") else { return nil }
            return line[start.upperBound...end]
        }
        #expect(coordinates == ["[120.5,30]", "[0,0.001]", "[180,-90]", "[121.318,30.479]", "[1.001,-1]"])
    }

    @Test func outputRingsFollowTheRightHandRuleWhateverTheInput() throws {
        let clockwiseExterior = ring([(0, 0), (0, 10), (10, 10), (10, 0)])
        let counterClockwiseHole = ring([(2, 2), (8, 2), (8, 8), (2, 8)])
        #expect(!clockwiseExterior.isCounterClockwise)
        #expect(counterClockwiseHole.isCounterClockwise)
        let polygon = Polygon(exterior: clockwiseExterior, holes: [counterClockwiseHole])
        let layer = FeatureCollection(features: [
            Feature(geometry: .polygon(polygon)),
            Feature(geometry: .multiPolygon(MultiPolygon([polygon, polygon.rfc7946Oriented()]))),
        ])
        let path = Fixtures.temporaryFolder("geojson-writer") + "/oriented.geojson"
        try GeoJSONWriter.write(layer, to: path)
        let back = try GeoJSONReader().read(path: path)
        let polygons = back.features.flatMap { $0.geometry?.polygons ?? [] }
        #expect(polygons.count == 3)
        for written in polygons {
            #expect(written.exterior.isCounterClockwise)
            #expect(written.holes.allSatisfy { !$0.isCounterClockwise })
            #expect(written == polygon.rfc7946Oriented())
        }
    }

    @Test func nothingAppearsUntilFinishAndNothingStaysWithoutIt() throws {
        let folder = Fixtures.temporaryFolder("geojson-writer")
        let path = folder + "/late.geojson"
        do {
            let writer = try GeoJSONWriter(path: path)
            try writer.write(Self.sampleFeature)
            #expect(!FileManager.default.fileExists(atPath: path))
        }
        // Dropped without finish(): no file and no temporary left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)

        let writer = try GeoJSONWriter(path: path)
        try writer.write(Self.sampleFeature)
        try writer.finish()
        #expect(FileManager.default.fileExists(atPath: path))
        #expect(throws: OutputError.self) { try writer.finish() }
        #expect(throws: OutputError.self) { try writer.write(Self.sampleFeature) }
    }

    @Test func nonFiniteNumbersAreRefusedAndTheFileStaysValid() throws {
        let path = Fixtures.temporaryFolder("geojson-writer") + "/nan.geojson"
        let writer = try GeoJSONWriter(path: path)
        try writer.write(Self.sampleFeature)
        do {
            try writer.write(Feature(geometry: nil, properties: ["score": .number(.nan)]))
            Issue.record("NaN should be refused")
        } catch let error as OutputError {
            #expect(error.reason == "feature 1: the value of \"score\" is not a finite number (JSON has no NaN or Infinity)")
        }
        #expect(throws: OutputError.self) {
            try writer.write(Feature(geometry: .point(Point(x: .infinity, y: 0))))
        }
        try writer.write(Feature(geometry: nil))
        try writer.finish()
        #expect(try GeoJSONReader().read(path: path).features.count == 2)
    }

    @Test func precisionOutsideTheSupportedRangeIsRefused() {
        let folder = Fixtures.temporaryFolder("geojson-writer")
        #expect(throws: OutputError.self) { try GeoJSONWriter(path: folder + "/a.geojson", precision: 16) }
        #expect(throws: OutputError.self) { try GeoJSONWriter(path: folder + "/b.geojson", precision: -1) }
    }

    @Test func escapedStringsSurviveARoundTrip() throws {
        let strings = ["say \"hi\"", "back\\slash", "line\nbreak\ttab\r", "\u{4e2d}\u{6587}", "😀 surrogate pair",
                       "control \u{01}\u{1F}", "slash / kept", "", "嘉兴市 \"quoted\" \\ 😀\n"]
        var properties = JSONObject()
        for (k, text) in strings.enumerated() { properties["p\(k)"] = .string(text) }
        properties["key with \"quotes\" and 中文"] = .number(1)
        let path = Fixtures.temporaryFolder("geojson-writer") + "/strings.geojson"
        try GeoJSONWriter.write(FeatureCollection(features: [Feature(geometry: nil, properties: properties)],
                                                  name: "名字 \"x\""), to: path)
        let back = try GeoJSONReader().read(path: path)
        #expect(back.name == "名字 \"x\"")
        #expect(back.features[0].properties == properties)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("\"control \\u0001\\u001f\""))
        #expect(text.contains("\u{4e2d}\u{6587}"))  // non-ASCII stays UTF-8, not \u escapes
    }
}
