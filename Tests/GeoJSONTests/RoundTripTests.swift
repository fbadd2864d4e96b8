import Foundation
import GeoCore
import GeoJSON
import Testing
import TestSupport

@Suite("Read, write, read again")
struct RoundTripTests {
    @Test(arguments: ["jiaxing.geojson", "zhejiang_counties.geojson"])
    func geodataSurvivesARoundTrip(_ name: String) throws {
        let original = try GeoJSONReader().read(path: Fixtures.geodata(name))
        let folder = Fixtures.temporaryFolder("geojson-roundtrip")
        let path = folder + "/" + name
        try GeoJSONWriter.write(original, to: path)
        let back = try GeoJSONReader().read(path: path)

        #expect(back.name == original.name)
        #expect(back.features.count == original.features.count)
        var reversedRings = 0
        for (before, after) in zip(original.features, back.features) {
            #expect(after.properties == before.properties)
            #expect(after.properties.keys == before.properties.keys)
            #expect(after.id == before.id)
            let beforePolygons = before.geometry?.polygons ?? []
            let afterPolygons = after.geometry?.polygons ?? []
            #expect(afterPolygons.count == beforePolygons.count)
            for (p, q) in zip(beforePolygons, afterPolygons) {
                #expect(q.exterior.isCounterClockwise)
                #expect(q.holes.allSatisfy { !$0.isCounterClockwise })
                if !p.exterior.isCounterClockwise { reversedRings += 1 }
                // The geodata has 6 decimals, so at precision 7 every coordinate comes back as the same double.
                #expect(q == p.rfc7946Oriented())
            }
        }
        // The published boundaries are wound clockwise, so the writer had to turn them round.
        #expect(reversedRings > 0)
    }

    @Test func writingTwiceGivesTheSameBytes() throws {
        let layer = try GeoJSONReader().read(path: Fixtures.geodata("jiaxing.geojson"))
        let folder = Fixtures.temporaryFolder("geojson-roundtrip")
        try GeoJSONWriter.write(layer, to: folder + "/a.geojson")
        try GeoJSONWriter.write(layer, to: folder + "/b.geojson")
        let a = try Data(contentsOf: URL(fileURLWithPath: folder + "/a.geojson"))
        let b = try Data(contentsOf: URL(fileURLWithPath: folder + "/b.geojson"))
        #expect(a == b)
        #expect(a.count > 100_000)
        // No crs member: RFC 7946 output is always WGS-84 longitude/latitude.
        #expect(String(decoding: a, as: UTF8.self).contains("\"crs\"") == false)
    }

    @Test func coordinatesComeBackEqualAtTheWrittenPrecision() throws {
        let exterior = ring([(120.123456789, 30.987654321), (120.2, 30.9876), (120.2, 31.1)])
        let layer = FeatureCollection(features: [Feature(geometry: .polygon(Polygon(exterior: exterior)))])
        let path = Fixtures.temporaryFolder("geojson-roundtrip") + "/precise.geojson"
        try GeoJSONWriter.write(layer, to: path, precision: 4)
        let back = try GeoJSONReader().read(path: path)
        let written = try #require(back.features.first?.geometry?.polygons.first?.exterior.points)
        let expected = exterior.oriented(counterClockwise: true).points
        #expect(written.count == expected.count)
        for (w, e) in zip(written, expected) {
            #expect(w.x == (e.x * 1e4).rounded() / 1e4)
            #expect(w.y == (e.y * 1e4).rounded() / 1e4)
        }
    }
}
