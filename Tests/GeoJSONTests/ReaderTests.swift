import GeoCore
import GeoJSON
import Testing
import TestSupport

@Suite("GeoJSONReader on well-formed input")
struct ReaderTests {
    @Test func jiaxingHasItsEightFeaturesWithPropertiesInOrder() throws {
        let layer = try GeoJSONReader().read(path: Fixtures.geodata("jiaxing.geojson"))
        #expect(layer.name == "jiaxing")
        #expect(layer.features.count == 8)

        let city = layer.features[0]
        #expect(city.properties.keys == ["adcode", "name", "level", "province", "city"])
        #expect(city.properties["adcode"] == .string("330400"))
        #expect(city.properties["name"] == .string("嘉兴市"))
        #expect(city.properties["level"] == .string("city"))
        #expect(city.id == nil)
        guard case .multiPolygon(let multi)? = city.geometry else {
            Issue.record("feature 0 should be a MultiPolygon")
            return
        }
        #expect(multi.polygons.count == 9)
        #expect(multi.polygons[0].exterior.points.first == Point(x: 121.317615, y: 30.479316))
        #expect(multi.polygons[0].exterior.points.count == 7)
        #expect(multi.polygons[0].exterior.points.last == Point(x: 121.317615, y: 30.479316))

        let names = layer.features.compactMap { $0.properties["name"]?.stringValue }
        #expect(names == ["嘉兴市", "南湖区", "秀洲区", "嘉善县", "海盐县", "海宁市", "平湖市", "桐乡市"])
        #expect(layer.features[6].geometry?.polygons.count == 9)
    }

    @Test func zhejiangCountiesReadCompletely() throws {
        let layer = try GeoJSONReader().read(path: Fixtures.geodata("zhejiang_counties.geojson"))
        #expect(layer.name == "zhejiang_counties")
        #expect(layer.features.count == 90)
        #expect(layer.features.first?.properties["adcode"] == .string("330102"))
        #expect(layer.features.first?.properties["name"] == .string("上城区"))
        #expect(layer.features.last?.properties["name"] == .string("龙泉市"))
        #expect(layer.features.allSatisfy { $0.geometry?.areal != nil })
    }

    @Test func aSingleFeatureBecomesAOneFeatureCollection() throws {
        let layer = try parse("""
            {"type":"Feature","id":"cell-1","properties":{"n":1},
             "geometry":{"type":"Point","coordinates":[120.5,30.25]}}
            """)
        #expect(layer.features.count == 1)
        #expect(layer.name == nil)
        #expect(layer.features[0].id == .string("cell-1"))
        #expect(layer.features[0].geometry == .point(Point(x: 120.5, y: 30.25)))
    }

    @Test func bareGeometriesBecomeFeaturesWithoutProperties() throws {
        let polygon = try parse(#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]],[[0.2,0.1],[0.8,0.1],[0.8,0.7],[0.2,0.1]]]}"#)
        #expect(polygon.features.count == 1)
        #expect(polygon.features[0].properties.count == 0)
        guard case .polygon(let p)? = polygon.features[0].geometry else {
            Issue.record("expected a Polygon")
            return
        }
        #expect(p.exterior == ring([(0, 0), (1, 0), (1, 1)]))
        #expect(p.holes == [ring([(0.2, 0.1), (0.8, 0.1), (0.8, 0.7)])])

        let multi = try parse(#"{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],[[[5,5],[6,5],[6,6],[5,5]]]]}"#)
        #expect(multi.features[0].geometry?.polygons.count == 2)

        let point = try parse(#"{"type":"Point","coordinates":[-73.5,45.25]}"#)
        #expect(point.features[0].geometry == .point(Point(x: -73.5, y: 45.25)))

        let empty = try parse(#"{"type":"MultiPolygon","coordinates":[]}"#)
        #expect(empty.features[0].geometry == .multiPolygon(MultiPolygon([])))
    }

    @Test func membersMayComeInAnyOrderAndForeignMembersAreSkipped() throws {
        let layer = try parse("""
            {"features":[
              {"geometry":{"coordinates":[[[0,0],[1,0],[1,1],[0,0]]],"bbox":[0,0,1,1],"type":"Polygon"},
               "extra":{"a":[1,{"b":null,"c":[true,false,"x\\"y"]}],"d":-1.5e3},
               "properties":{"z":1,"a":2},"type":"Feature","id":17}
             ],
             "crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:OGC:1.3:CRS84"}},
             "bbox":[0,0,1,1],
             "name":"ordered",
             "type":"FeatureCollection"}
            """)
        #expect(layer.name == "ordered")
        #expect(layer.features.count == 1)
        let feature = layer.features[0]
        #expect(feature.id == .number(17))
        #expect(feature.properties.keys == ["z", "a"])
        #expect(feature.geometry == .polygon(Polygon(exterior: ring([(0, 0), (1, 0), (1, 1)]))))
    }

    @Test func nullGeometryNullPropertiesAndThreeDimensionalPositions() throws {
        let layer = try parse("""
            {"type":"FeatureCollection","features":[
             {"type":"Feature","properties":null,"geometry":null},
             {"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[120.1,30.2,15.5]}},
             {"type":"Feature","properties":{},"geometry":{"type":"Polygon",
              "coordinates":[[[0,0,1],[1,0,1],[1,1,1],[0,0,1]]]}}
            ]}
            """)
        #expect(layer.features.count == 3)
        #expect(layer.features[0].geometry == nil)
        #expect(layer.features[0].properties.count == 0)
        #expect(layer.features[1].geometry == .point(Point(x: 120.1, y: 30.2)))
        #expect(layer.features[2].geometry == .polygon(Polygon(exterior: ring([(0, 0), (1, 0), (1, 1)]))))
    }

    @Test func propertiesKeepEveryJSONType() throws {
        let layer = try parse("""
            {"type":"Feature","geometry":null,"properties":{
              "s":"text","i":42,"f":-0.125,"e":1.5E-3,"t":true,"b":false,"z":null,
              "a":[1,"two",[3],{"four":4}],"o":{"inner":{"deep":[null]}},"中文":"嘉兴市"}}
            """)
        let p = layer.features[0].properties
        #expect(p.keys == ["s", "i", "f", "e", "t", "b", "z", "a", "o", "中文"])
        #expect(p["s"] == .string("text"))
        #expect(p["i"] == .number(42))
        #expect(p["f"] == .number(-0.125))
        #expect(p["e"] == .number(0.0015))
        #expect(p["t"] == .bool(true))
        #expect(p["b"] == .bool(false))
        #expect(p["z"] == .null)
        #expect(p["a"] == .array([.number(1), .string("two"), .array([.number(3)]), .object(["four": .number(4)])]))
        #expect(p["o"] == .object(["inner": .object(["deep": .array([.null])])]))
        #expect(p["中文"] == .string("嘉兴市"))
    }

    @Test func stringEscapesAreDecoded() throws {
        let layer = try parse(#"""
            {"type":"Feature","geometry":null,"properties":{
              "quote":"say \"hi\"","slash":"a\\b\/c","controls":"\b\f\n\r\t","bmp":"\u4e2d\u6587",
              "pair":"\ud83d\ude00!","raw":"中文 😀","esc\u0041ped key":1}}
            """#)
        let p = layer.features[0].properties
        #expect(p["quote"] == .string("say \"hi\""))
        #expect(p["slash"] == .string("a\\b/c"))
        #expect(p["controls"] == .string("\u{08}\u{0C}\n\r\t"))
        #expect(p["bmp"] == .string("中文"))
        #expect(p["pair"] == .string("😀!"))
        #expect(p["raw"] == .string("中文 😀"))
        #expect(p["escAped key"] == .number(1))
    }

    @Test func escapedMemberNamesStillNameGeoJSONMembers() throws {
        let layer = try parse(#"{"\u0074ype":"Point","coordinates":[1,2]}"#)
        #expect(layer.features[0].geometry == .point(Point(x: 1, y: 2)))
    }

    @Test func projectedCoordinatesPassWhenTheRangeCheckIsOff() throws {
        let text = #"{"type":"Polygon","coordinates":[[[500000,3300000],[500500,3300000],[500500,3300500],[500000,3300000]]]}"#
        #expect(parseError(text)?.reason == .coordinateOutOfRange(x: 500000, y: 3300000))
        let layer = try parse(text, checksCoordinateRange: false)
        #expect(layer.features[0].geometry?.polygons.first?.exterior.points[1] == Point(x: 500500, y: 3300000))
    }

    @Test func aByteOrderMarkAndSurroundingWhiteSpaceAreAccepted() throws {
        let layer = try parse("\u{FEFF} \r\n\t{\"type\":\"Point\",\"coordinates\":[1,2]}\n\n")
        #expect(layer.features[0].geometry == .point(Point(x: 1, y: 2)))
    }

    @Test func aMissingFileNamesThePath() {
        let path = Fixtures.temporaryFolder("geojson-missing") + "/nothing.geojson"
        do {
            _ = try GeoJSONReader().read(path: path)
            Issue.record("reading a missing file should fail")
        } catch {
            #expect(error.reason == .cannotRead("No such file or directory"))
            #expect(error.description == "\(path): cannot read file: No such file or directory")
        }
    }

    @Test func aFolderIsNotAFile() {
        let folder = Fixtures.temporaryFolder("geojson-folder")
        #expect(throws: GeoJSONError(sourceName: folder, featureIndex: nil, line: nil, column: nil,
                                     reason: .cannotRead("is a folder"))) {
            try GeoJSONReader().read(path: folder)
        }
    }

    @Test func otherGeometryTypesAreRefusedByName() {
        for type in ["LineString", "MultiLineString", "MultiPoint", "GeometryCollection"] {
            let error = parseError(#"{"type":"\#(type)","coordinates":[[0,0],[1,1]]}"#)
            #expect(error?.reason == .unsupportedGeometryType(type))
            #expect(error?.reasonText == "unsupported geometry type \(type)")
        }
    }

    @Test func hugeNestingIsRefusedWithoutExhaustingTheStack() {
        let depth = 100_000
        let text = #"{"type":"Point","junk":"# + String(repeating: "[", count: depth)
            + String(repeating: "]", count: depth) + #","coordinates":[1,2]}"#
        let error = parseError(text)
        #expect(error?.reason == .nestingTooDeep(limit: 256))
        #expect(error?.line == 1)
        #expect(error?.column == 24 + 256)  // the first '[' is column 24
    }
}
