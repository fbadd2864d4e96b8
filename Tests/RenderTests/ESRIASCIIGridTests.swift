import Foundation
import GeoCore
import Projection
import Render
import TestSupport
import Testing

struct ESRIASCIIGridTests {
    static let canvas = MapCanvas(extent: BoundingBox(minX: 300_000, minY: 3_400_000, maxX: 300_150, maxY: 3_400_100),
                                  width: 3, projection: .utm(zone: 51))
    static let raster = DensityRaster(width: 3, height: 2, values: [0, 1.5, 2, .nan, 0.125, 1234.5677])

    @Test func threeByTwoGridText() {
        #expect(Self.canvas.height == 2)
        let expected = """
            ncols 3
            nrows 2
            xllcorner 300000
            yllcorner 3400000
            cellsize 50
            NODATA_value -9999
            0 1.5 2
            -9999 0.125 1234.5677

            """
        #expect(ESRIASCIIGrid.text(of: Self.raster, on: Self.canvas) == expected)
    }

    @Test func projectionFileNamesTheUTMZone() {
        #expect(ESRIASCIIGrid.projectionWKT(.utm(zone: 51)) == """
            PROJCS["WGS_1984_UTM_Zone_51N",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",\
            SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],\
            PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],\
            PARAMETER["Central_Meridian",123.0],PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],\
            UNIT["Meter",1.0]]
            """)
        #expect(ESRIASCIIGrid.projectionWKT(.utm(zone: 19, north: false)).hasPrefix("PROJCS[\"WGS_1984_UTM_Zone_19S\""))
        #expect(ESRIASCIIGrid.projectionWKT(TransverseMercator(centralMeridian: 120.75))
            .contains("\"WGS_1984_Transverse_Mercator\"") == true)
    }

    @Test func writesGridAndPrjBesideIt() throws {
        let folder = Fixtures.temporaryFolder("asc")
        try ESRIASCIIGrid.write(Self.raster, on: Self.canvas, to: folder + "/kde.asc")
        #expect(try String(contentsOfFile: folder + "/kde.asc", encoding: .utf8)
            == ESRIASCIIGrid.text(of: Self.raster, on: Self.canvas))
        #expect(try String(contentsOfFile: folder + "/kde.prj", encoding: .utf8)
            == ESRIASCIIGrid.projectionWKT(.utm(zone: 51)))
        #expect(ESRIASCIIGrid.projectionPath(for: "/a/b.c/grid") == "/a/b.c/grid.prj")
        #expect(throws: (any Error).self) {  // a file where a folder must be
            try ESRIASCIIGrid.write(Self.raster, on: Self.canvas, to: folder + "/kde.asc/inside.asc")
        }
    }
}
