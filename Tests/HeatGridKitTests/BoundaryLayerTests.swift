import Foundation
import HeatGridKit
import Testing
import TestSupport

struct BoundaryLayerTests {
    /// Two squares and a bow-tie (self-intersecting at (120.005, 30.005)) as a GeoJSON file.
    static func layerWithBowTie() throws -> String {
        let folder = Fixtures.temporaryFolder("layer")
        let path = folder + "/layer.geojson"
        let text = """
            {"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{"code":"a"},"geometry":{"type":"Polygon","coordinates":[[[121,31],[121.01,31],[121.01,31.01],[121,31.01],[121,31]]]}},
            {"type":"Feature","properties":{"code":"b"},"geometry":null},
            {"type":"Feature","properties":{"code":"bow"},"geometry":{"type":"Polygon","coordinates":[[[120,30],[120.01,30.01],[120.01,30],[120,30.01],[120,30]]]}}
            ]}
            """
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func shippedDistrictsLoadByLevel() throws {
        let layer = try BoundaryLayer.load(path: Fixtures.geodata("jiaxing.geojson"), level: "district", idField: "adcode")
        #expect(layer.count == 7)
        #expect(layer.ids.first == "330402" && layer.names.first == "南湖区")
        #expect(layer.repairedFeatures.isEmpty)
    }

    @Test func invalidPolygonStopsWithFeatureReasonAndPlace() throws {
        let path = try Self.layerWithBowTie()
        do {
            _ = try BoundaryLayer.load(path: path, idField: "code")
            Issue.record("a self-intersecting polygon was accepted")
        } catch {
            let text = "\(error)"
            #expect(text.hasPrefix(path + ": feature 2 is not a valid polygon: Self-intersection at (120.005, 30.005)"),
                    "\(text)")
            #expect(text.contains("--repair"))
        }
    }

    @Test func repairIsOnlyOnRequestAndSaysWhich() throws {
        let path = try Self.layerWithBowTie()
        let layer = try BoundaryLayer.load(path: path, idField: "code", validation: .repair)
        #expect(layer.ids == ["a", "bow"])  // the null geometry is not an area
        #expect(layer.repairedFeatures == [2])
        // MakeValid turns the bow-tie into its two triangles: the area is kept, the crossing removed.
        let repaired = layer.polygons[1]
        #expect(repaired.polygons.count == 2)
        #expect(abs(repaired.area - 0.00005) < 1e-12)
        let trusted = try BoundaryLayer.load(path: path, idField: "code", validation: .skip)
        #expect(trusted.repairedFeatures.isEmpty && trusted.polygons[1].polygons.count == 1)
    }

    @Test func missingIdPropertyAndEmptyLevelAreClearErrors() throws {
        let path = try Self.layerWithBowTie()
        #expect(throws: HeatGridError.self) { try BoundaryLayer.load(path: path, idField: "adcode", validation: .skip) }
        do {
            _ = try BoundaryLayer.load(path: Fixtures.geodata("jiaxing.geojson"), level: "street")
            Issue.record("a level no feature has was accepted")
        } catch {
            #expect("\(error)".hasSuffix("jiaxing.geojson: no Polygon or MultiPolygon features with level 'street'"))
        }
    }
}
