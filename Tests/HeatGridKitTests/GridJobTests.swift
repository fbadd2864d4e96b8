import Foundation
import Testing
import TestSupport
@testable import HeatGridKit

/// `GridJob` in process: its file read back with the project's GeoJSON reader.
struct GridJobTests {
    @Test func jiaxingAt2kmReadsBackWithTheGeoJSONReader() throws {
        let folder = Fixtures.temporaryFolder("gridjob")
        var job = GridJob(boundariesPath: Fixtures.geodata("jiaxing.geojson"), cellSize: 2_000,
                          outputPath: folder + "/cells.geojson")
        job.threads = 2
        let report = try job.run()
        #expect(report.cellCount == 1_430 && report.fullCells == 864 && report.slivers == 84)
        #expect(report.parents.map(\.cells).reduce(0, +) == 1_430)
        #expect(report.parents.first.map { [$0.id, $0.name, String($0.cells), String($0.fullCells)] }
            == ["330402", "南湖区", "141", "72"])
        let collection = try GeoJSONReader().read(path: folder + "/cells.geojson")
        #expect(collection.features.count == 1_430)
        var area = 0.0
        for feature in collection.features {
            let id = try #require(feature.properties["cell_id"]?.stringValue)
            #expect(id.wholeMatch(of: /3304(02|11|21|24|81|82|83)-\d{3}-\d{3}/) != nil, "\(id)")
            #expect(feature.geometry?.areal != nil)
            area += feature.properties["area_m2"]?.doubleValue ?? .nan
        }
        #expect(abs(area - report.parents.reduce(0) { $0 + $1.areaSquareMetres }) < 1)
    }

    @Test func gcj02OutputIsTheWGS84CellsConverted() throws {
        let folder = Fixtures.temporaryFolder("gridjob-gcj")
        var job = GridJob(boundariesPath: Fixtures.geodata("jiaxing.geojson"), cellSize: 4_000,
                          outputPath: folder + "/wgs.geojson")
        job.boundaryDatum = .gcj02
        let wgsReport = try job.run()
        job.outputDatum = .gcj02
        job.outputPath = folder + "/gcj.geojson"
        let gcjReport = try job.run()
        #expect(wgsReport.cellCount == gcjReport.cellCount && wgsReport.cellCount > 200)
        let wgs = try GeoJSONReader().read(path: folder + "/wgs.geojson").features
        let gcj = try GeoJSONReader().read(path: folder + "/gcj.geojson").features
        for (a, b) in zip(wgs, gcj) {
            #expect(a.properties == b.properties)
            guard case .multiPolygon(let pa)? = a.geometry, case .multiPolygon(let pb)? = b.geometry else {
                Issue.record("not a MultiPolygon")
                continue
            }
            let p = pa.polygons[0].exterior.points[0], q = pb.polygons[0].exterior.points[0]
            let expected = DatumConversion.convert(p, from: .wgs84, to: .gcj02)
            #expect(abs(expected.x - q.x) < 2e-7 && abs(expected.y - q.y) < 2e-7)
            #expect(abs(p.x - q.x) > 0.003)  // about 500 m apart
        }
    }
}
