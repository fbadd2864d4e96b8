import Foundation
import GeoCore
import Projection
import Testing
import TestSupport

/// Reference values come from PROJ through pyproj: Reference/make_tm_reference.py regenerates them.
struct TransverseMercatorTests {
    struct ReferencePoint {
        let zone: Int, north: Bool
        let lonLat: Point, metres: Point
    }

    static let reference: [ReferencePoint] = {
        let path = Fixtures.repositoryRoot + "/Tests/ProjectionTests/Reference/tm_reference.csv"
        let text = try! String(contentsOfFile: path, encoding: .utf8)
        return text.split(separator: "\n").dropFirst().map { line in
            let f = line.split(separator: ",")
            let epsg = Int(f[0].dropFirst(5))!
            return ReferencePoint(zone: epsg % 100, north: epsg / 100 == 326,
                                  lonLat: Point(x: Double(f[1])!, y: Double(f[2])!),
                                  metres: Point(x: Double(f[3])!, y: Double(f[4])!))
        }
    }()

    @Test func referenceTableIsThere() {
        #expect(Self.reference.count == 135)
    }

    @Test func forwardMatchesPROJWithinOneMillimetre() {
        for r in Self.reference {
            let p = TransverseMercator.utm(zone: r.zone, north: r.north).forward(r.lonLat)
            #expect(abs(p.x - r.metres.x) < 1e-3 && abs(p.y - r.metres.y) < 1e-3,
                    "zone \(r.zone) \(r.lonLat): got \(p), PROJ \(r.metres)")
        }
    }

    @Test func inverseMatchesPROJAndRoundTrips() {
        for r in Self.reference {
            let tm = TransverseMercator.utm(zone: r.zone, north: r.north)
            let back = tm.inverse(r.metres)
            // 1e-8 degrees is about 1 mm.
            #expect(abs(back.x - r.lonLat.x) < 1e-8 && abs(back.y - r.lonLat.y) < 1e-8, "\(r.lonLat) → \(back)")
            let there = tm.forward(tm.inverse(tm.forward(r.lonLat)))
            #expect(abs(there.x - r.metres.x) < 1e-3 && abs(there.y - r.metres.y) < 1e-3)
        }
    }

    @Test func zonePicking() {
        #expect(TransverseMercator.utmZone(longitude: 120.75) == 51)
        #expect(TransverseMercator.utmZone(longitude: 117.0) == 50)
        #expect(TransverseMercator.utmZone(longitude: -180) == 1)
        #expect(TransverseMercator.utmZone(longitude: 180) == 60)
        #expect(TransverseMercator.utm(containing: Point(x: 120.75, y: 30.75)).centralMeridian == 123)
    }

    @Test func centralMeridianMapsToFalseEasting() {
        let p = TransverseMercator.utm(zone: 51).forward(Point(x: 123, y: 0))
        #expect(abs(p.x - 500_000) < 1e-9 && abs(p.y) < 1e-9)
    }
}
