import Testing
import TestSupport
@testable import HeatGridKit

/// The datum offset check against the shipped GCJ-02 districts, with incidents generated inside them and
/// turned into GPS (WGS-84) or Baidu (BD-09) files by conversion.
struct DatumOffsetCheckTests {
    static func setUp() throws -> (layer: BoundaryLayer, index: PolygonIndex, gcj: IncidentTable) {
        let layer = try BoundaryLayer.load(path: Fixtures.geodata("jiaxing.geojson"), level: "district", idField: "adcode")
        let index = try PolygonIndex(layer: layer.polygons)
        let generated = SampleIncidents.generate(count: 6_000, seed: 7, extent: layer.boundingBox) { index.locate($0) >= 0 }
        // A jurisdiction's file: the incidents inside the districts.
        let rows = generated.longitude.indices.filter { index.locate(generated.point(at: $0)) >= 0 }
        return (layer, index, generated.selecting(rows: rows))
    }

    static func converted(_ table: IncidentTable, to datum: Datum) -> (x: [Double], y: [Double]) {
        var x = table.longitude, y = table.latitude
        try? DatumConversion.convert(longitudes: &x, latitudes: &y, from: .gcj02, to: datum)
        return (x, y)
    }

    @Test func gpsIncidentsOnGCJ02DistrictsAreNoticed() throws {
        let (_, index, gcj) = try Self.setUp()
        let gps = Self.converted(gcj, to: .wgs84)
        let finding = try #require(DatumOffsetCheck.check(longitude: gps.x, latitude: gps.y, incidentDatum: .wgs84,
                                                          layerDatum: .wgs84, index: index))
        #expect(finding.incidentDatum == .wgs84 && finding.layerDatum == .gcj02)
        #expect(finding.sampled == min(gcj.count, DatumOffsetCheck.sampleSize))
        #expect(finding.insideSuggested == finding.sampled)
        #expect(finding.insideAsAssumed < finding.sampled - 10)
        #expect((300...700).contains(finding.shiftMetres), "\(finding.shiftMetres) m")
        // Declared correctly: nothing to say.
        #expect(DatumOffsetCheck.check(longitude: gps.x, latitude: gps.y, incidentDatum: .wgs84, layerDatum: .gcj02,
                                       index: index) == nil)
    }

    @Test func baiduIncidentsAreNoticed() throws {
        let (_, index, gcj) = try Self.setUp()
        let bd = Self.converted(gcj, to: .bd09)
        let finding = try #require(DatumOffsetCheck.check(longitude: bd.x, latitude: bd.y, incidentDatum: .wgs84,
                                                          layerDatum: .gcj02, index: index))
        #expect(finding.incidentDatum == .bd09 && finding.layerDatum == .gcj02)
        #expect(finding.shiftMetres > 700 && finding.shiftMetres < 1_500)
    }

    @Test func consistentOrWidespreadIncidentsAreQuiet() throws {
        let (layer, index, gcj) = try Self.setUp()
        #expect(DatumOffsetCheck.check(longitude: gcj.longitude, latitude: gcj.latitude, incidentDatum: .wgs84,
                                       layerDatum: .wgs84, index: index) == nil)
        // Incidents spread over the extent and beyond (the demo's background): a shift changes little either way.
        let spread = SampleIncidents.generate(count: 6_000, seed: 11, extent: layer.boundingBox, backgroundShare: 0.5)
        for datum in Datum.allCases {
            let moved = Self.converted(spread, to: datum)
            #expect(DatumOffsetCheck.check(longitude: moved.x, latitude: moved.y, incidentDatum: .gcj02,
                                           layerDatum: .gcj02, index: index) == nil, "\(datum)")
        }
        #expect(DatumOffsetCheck.check(longitude: [], latitude: [], incidentDatum: .wgs84, layerDatum: .gcj02,
                                       index: index) == nil)
    }
}
