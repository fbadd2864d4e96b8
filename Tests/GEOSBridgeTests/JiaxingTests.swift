import CGEOS
import GEOSBridge
import GeoCore
import Testing

/// The bridge on real district boundaries, checked against GeoCore's shoelace area and direct CGEOS calls.
@Suite struct JiaxingTests {
    let features: [JiaxingFeature]

    init() throws {
        features = try JiaxingFixture.load()
    }

    @Test func fixtureHasTheCityAndItsSevenDistricts() {
        #expect(features.count == 8)
        #expect(features.first?.name == "嘉兴市")
    }

    @Test func areaMatchesShoelaceAndDirectGEOS() throws {
        let context = try GEOSContext()
        let oracle = try GEOSOracle()
        for feature in features {
            let bridged = try context.geometry(feature.area).area()
            let shoelace = feature.area.area
            let direct = try oracle.area(try oracle.read(wellKnownText(feature.area)))
            #expect(shoelace > 0.01, "\(feature.name)")
            #expect(abs(bridged - shoelace) <= 1e-9 * shoelace, "\(feature.name): \(bridged) vs shoelace \(shoelace)")
            #expect(abs(bridged - direct) <= 1e-9 * direct, "\(feature.name): \(bridged) vs direct GEOS \(direct)")
        }
    }

    @Test func roundTripKeepsEveryCoordinate() throws {
        let context = try GEOSContext()
        for feature in features {
            #expect(try context.geometry(feature.area).multiPolygon() == feature.area, "\(feature.name)")
        }
    }

    @Test func preparedPointInPolygonMatchesDirectGEOSContains() throws {
        let context = try GEOSContext()
        let oracle = try GEOSOracle()
        let extent = features[0].area.boundingBox
        let points = seededPoints(3000, in: extent, seed: 20_240_601)
        for feature in features {
            let prepared = try context.geometry(feature.area).prepared()
            let direct = try oracle.read(wellKnownText(feature.area))
            var inside = 0
            for point in points {
                let contained = try prepared.contains(point)
                #expect(contained == (try oracle.contains(direct, point)), "\(feature.name) at \(point)")
                // Seeded points are never exactly on a boundary, so all three predicates agree.
                #expect(try prepared.covers(point) == contained, "\(feature.name) at \(point)")
                #expect(try prepared.intersects(point) == contained, "\(feature.name) at \(point)")
                if contained { inside += 1 }
            }
            // Each district covers a fair share of the city's box; all-outside would mean a broken predicate.
            #expect(inside > 50, "\(feature.name): only \(inside) of \(points.count) points inside")
        }
    }

    @Test func districtsPartitionTheCity() throws {
        let context = try GEOSContext()
        let city = try context.geometry(features[0].area).prepared()
        let districts = try features.dropFirst().map { try context.geometry($0.area).prepared() }
        let points = seededPoints(1000, in: features[0].area.boundingBox, seed: 7)
        for point in points where try city.contains(point) {
            let owners = try districts.filter { try $0.contains(point) }.count
            #expect(owners == 1, "\(point) lies in \(owners) districts")
        }
    }

    @Test func eachDistrictContainsItsPointOnSurface() throws {
        let context = try GEOSContext()
        let oracle = try GEOSOracle()
        for feature in features {
            let geometry = try context.geometry(feature.area)
            let interior = try geometry.pointOnSurface()
            #expect(feature.area.boundingBox.contains(interior), "\(feature.name): \(interior)")
            #expect(try geometry.prepared().contains(interior), "\(feature.name): \(interior)")
            #expect(try geometry.contains(try context.geometry(interior)), "\(feature.name): \(interior)")
            #expect(try oracle.contains(try oracle.read(wellKnownText(feature.area)), interior), "\(feature.name)")
        }
    }

    @Test func envelopeMatchesBoundingBox() throws {
        let context = try GEOSContext()
        for feature in features {
            #expect(try context.geometry(feature.area).envelope() == feature.area.boundingBox, "\(feature.name)")
        }
    }

    @Test func unionOfDistrictsHasTheCityArea() throws {
        let context = try GEOSContext()
        let union = try context.unaryUnion(features.dropFirst().map(\.area))
        let cityArea = features[0].area.area
        // District borders in the source data do not match to the last digit; the union is within 0.1 %.
        #expect(abs(try union.area() - cityArea) <= 1e-3 * cityArea)
        #expect(try union.isValid())
        let pairwise = try features.dropFirst().map { try context.geometry($0.area) }
            .reduce(try context.geometry(MultiPolygon([]))) { try $0.union($1) }
        #expect(abs(try pairwise.area() - union.area()) <= 1e-9 * cityArea)
    }
}
