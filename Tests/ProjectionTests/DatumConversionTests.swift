import Foundation
import GeoCore
import Projection
import Testing
import TestSupport

/// Reference values come from the `coord-convert` package (PyPI) through Reference/make_datum_reference.py,
/// and from the README of wandergis/coordtransform (npm `coordtransform`).
struct DatumConversionTests {
    struct ReferenceRow {
        let kind: String
        let wgs: Point, gcj: Point, bd: Point
    }

    static let reference: [ReferenceRow] = {
        let path = Fixtures.repositoryRoot + "/Tests/ProjectionTests/Reference/datum_reference.csv"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").dropFirst().compactMap { line in
            let f = line.split(separator: ",")
            guard f.count == 7 else { return nil }
            let v = f.dropFirst().compactMap { Double($0) }
            guard v.count == 6 else { return nil }
            return ReferenceRow(kind: String(f[0]), wgs: Point(x: v[0], y: v[1]),
                                gcj: Point(x: v[2], y: v[3]), bd: Point(x: v[4], y: v[5]))
        }
    }()

    static func close(_ a: Point, _ b: Point, _ tolerance: Double) -> Bool {
        abs(a.x - b.x) <= tolerance && abs(a.y - b.y) <= tolerance
    }

    @Test func referenceTableIsThere() {
        #expect(Self.reference.count == 200)
        #expect(Self.reference.filter { $0.kind == "outside" }.count == 30)
    }

    // wandergis/coordtransform README (https://github.com/wandergis/coordtransform, "示例用法"):
    //   wgs84togcj02(116.404, 39.915) → [116.41024449916938, 39.91640428150164]
    //   gcj02tobd09(116.404, 39.915) → [116.41036949371029, 39.92133699351021]
    //   bd09togcj02(116.404, 39.915) → [116.39762729119315, 39.90865673957631]   (closed-form approximation)
    //   gcj02towgs84(116.404, 39.915) → [116.39775550083061, 39.91359571849836]  (one-step approximation)
    @Test func publishedForwardValues() {
        let p = Point(x: 116.404, y: 39.915)
        let gcj = DatumConversion.convert(p, from: .wgs84, to: .gcj02)
        #expect(Self.close(gcj, Point(x: 116.41024449916938, y: 39.91640428150164), 1e-12), "\(gcj)")
        let bd = DatumConversion.convert(p, from: .gcj02, to: .bd09)
        #expect(Self.close(bd, Point(x: 116.41036949371029, y: 39.92133699351021), 1e-12), "\(bd)")
    }

    @Test func publishedApproximateInversesAgreeToTheirAccuracy() {
        let p = Point(x: 116.404, y: 39.915)
        // Those libraries stop after the closed form / one step; ours iterates, so agreement is to their error.
        let gcj = DatumConversion.convert(p, from: .bd09, to: .gcj02)
        #expect(Self.close(gcj, Point(x: 116.39762729119315, y: 39.90865673957631), 2e-6), "\(gcj)")
        let wgs = DatumConversion.convert(p, from: .gcj02, to: .wgs84)
        #expect(Self.close(wgs, Point(x: 116.39775550083061, y: 39.91359571849836), 5e-5), "\(wgs)")
        // And ours is the better inverse: its forward image lands on the input.
        #expect(Self.close(DatumConversion.convert(wgs, from: .wgs84, to: .gcj02), p, 1e-9))
        #expect(Self.close(DatumConversion.convert(gcj, from: .gcj02, to: .bd09), p, 1e-9))
    }

    @Test func forwardMatchesIndependentImplementation() {
        for r in Self.reference {
            let gcj = DatumConversion.convert(r.wgs, from: .wgs84, to: .gcj02)
            #expect(Self.close(gcj, r.gcj, 1e-9), "\(r.kind) \(r.wgs): gcj \(gcj) vs \(r.gcj)")
            let bd = DatumConversion.convert(r.gcj, from: .gcj02, to: .bd09)
            #expect(Self.close(bd, r.bd, 1e-9), "\(r.kind) \(r.gcj): bd \(bd) vs \(r.bd)")
            let bdFromWGS = DatumConversion.convert(r.wgs, from: .wgs84, to: .bd09)
            #expect(Self.close(bdFromWGS, r.bd, 1e-9), "\(r.kind) \(r.wgs): bd \(bdFromWGS) vs \(r.bd)")
        }
    }

    @Test func inversesRecoverReferenceInputs() {
        for r in Self.reference {
            let wgs = DatumConversion.convert(r.gcj, from: .gcj02, to: .wgs84)
            #expect(Self.close(wgs, r.wgs, 1e-7), "\(r.kind) gcj \(r.gcj): wgs \(wgs) vs \(r.wgs)")
            let gcj = DatumConversion.convert(r.bd, from: .bd09, to: .gcj02)
            #expect(Self.close(gcj, r.gcj, 1e-7), "\(r.kind) bd \(r.bd): gcj \(gcj) vs \(r.gcj)")
            // The iteration's own stopping rule: the forward image lands within 1e-9° of the input.
            #expect(Self.close(DatumConversion.convert(wgs, from: .wgs84, to: .gcj02), r.gcj, 1e-9))
            #expect(Self.close(DatumConversion.convert(gcj, from: .gcj02, to: .bd09), r.bd, 1e-9))
            let wgsFromBD = DatumConversion.convert(r.bd, from: .bd09, to: .wgs84)
            #expect(Self.close(wgsFromBD, r.wgs, 1e-7), "\(r.kind) bd \(r.bd): wgs \(wgsFromBD) vs \(r.wgs)")
        }
    }

    @Test func roundTripsEveryPair() {
        var generator = SeededGenerator(seed: 42)
        for _ in 0..<500 {
            let p = Point(x: 73 + 62 * generator.unit(), y: 18 + 35 * generator.unit())
            for from in Datum.allCases {
                for to in Datum.allCases {
                    let there = DatumConversion.convert(p, from: from, to: to)
                    let back = DatumConversion.convert(there, from: to, to: from)
                    #expect(Self.close(back, p, 1e-7), "\(from)→\(to)→\(from) of \(p): \(back)")
                }
            }
        }
    }

    @Test func identityOutsideChina() {
        // Paris, New York and Tokyo (139.69°E is east of the rectangle's 137.8347°E edge); Seoul is inside.
        for p in [Point(x: 2.3522, y: 48.8566), Point(x: -74.006, y: 40.7128), Point(x: 139.6917, y: 35.6895)] {
            #expect(DatumConversion.convert(p, from: .wgs84, to: .gcj02) == p)
            #expect(DatumConversion.convert(p, from: .gcj02, to: .wgs84) == p)
            #expect(DatumConversion.isInsideGCJ02Rectangle(p) == false)
        }
        #expect(DatumConversion.isInsideGCJ02Rectangle(Point(x: 126.978, y: 37.5665)))
    }

    @Test func jiaxingOffsetIsThreeToSevenHundredMetres() {
        let wgs = Point(x: 120.75, y: 30.75)
        let gcj = DatumConversion.convert(wgs, from: .wgs84, to: .gcj02)
        let tm = TransverseMercator.utm(containing: wgs)
        let a = tm.forward(wgs), b = tm.forward(gcj)
        let metres = ((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y)).squareRoot()
        #expect(metres > 300 && metres < 700, "offset \(metres) m")
        // BD-09 sits about a further kilometre away.
        let bd = tm.forward(DatumConversion.convert(wgs, from: .wgs84, to: .bd09))
        let bdMetres = ((a.x - bd.x) * (a.x - bd.x) + (a.y - bd.y) * (a.y - bd.y)).squareRoot()
        #expect(bdMetres > 700 && bdMetres < 1800, "BD-09 offset \(bdMetres) m")
    }

    @Test func batchFormMatchesSinglePoints() throws {
        let points = Self.reference.prefix(50).map(\.bd)
        var lons = points.map(\.x), lats = points.map(\.y)
        try DatumConversion.convert(longitudes: &lons, latitudes: &lats, from: .bd09, to: .wgs84)
        for (i, p) in points.enumerated() {
            #expect(Point(x: lons[i], y: lats[i]) == DatumConversion.convert(p, from: .bd09, to: .wgs84))
        }
        #expect(DatumConversion.convert(points, from: .bd09, to: .wgs84)
                == points.map { DatumConversion.convert($0, from: .bd09, to: .wgs84) })
        var short = [1.0], long = [1.0, 2.0]
        #expect(throws: DatumConversionError.self) {
            try DatumConversion.convert(longitudes: &short, latitudes: &long, from: .wgs84, to: .gcj02)
        }
    }

    @Test func nonFiniteInputPassesThrough() {
        let p = Point(x: .nan, y: 30)
        for to in Datum.allCases where to != .wgs84 {
            let q = DatumConversion.convert(p, from: .wgs84, to: to)
            #expect(!q.isFinite)
        }
    }
}

