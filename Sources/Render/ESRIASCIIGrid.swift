import AtomicOutput
import Foundation
import Projection

/// The ESRI ASCII grid (Arc/Info ASCII, `.asc`) that GDAL, QGIS and ArcGIS read: a six-line header
/// (`ncols`, `nrows`, `xllcorner`, `yllcorner`, `cellsize`, `NODATA_value`) and one line of values per row,
/// north to south, in the canvas' projected metres, with the projection as ESRI WKT in a `.prj` beside it.
public enum ESRIASCIIGrid {
    /// The value written for NaN cells.
    public static let noDataValue = -9999.0

    /// The grid file's text for `raster` on `canvas` (same size). Values are written in the shortest form that
    /// reads back as the same `Float`; NaN as `NODATA_value`.
    public static func text(of raster: DensityRaster, on canvas: MapCanvas) -> String {
        precondition(raster.width == canvas.width && raster.height == canvas.height, "raster and canvas differ in size")
        var text = "ncols \(raster.width)\nnrows \(raster.height)\n"
        text += "xllcorner \(number(canvas.extent.minX))\nyllcorner \(number(canvas.extent.minY))\n"
        text += "cellsize \(number(canvas.pixelSize))\nNODATA_value \(number(noDataValue))\n"
        text.reserveCapacity(text.utf8.count + raster.values.count * 8)
        for row in 0..<raster.height {
            for col in 0..<raster.width {
                if col > 0 { text += " " }
                let v = raster[col, row]
                text += v.isNaN ? number(noDataValue) : number(v)
            }
            text += "\n"
        }
        return text
    }

    /// The projection as ESRI-flavoured WKT 1, the form `.prj` files hold: `WGS_1984_UTM_Zone_51N` for a UTM
    /// zone, a named transverse Mercator otherwise.
    public static func projectionWKT(_ projection: TransverseMercator) -> String {
        let name: String
        let zone = (projection.centralMeridian + 183) / 6
        if projection.scaleFactor == 0.9996, projection.falseEasting == 500_000, zone == zone.rounded(),
           (1...60).contains(Int(zone)), projection.falseNorthing == 0 || projection.falseNorthing == 10_000_000 {
            name = "WGS_1984_UTM_Zone_\(Int(zone))\(projection.falseNorthing == 0 ? "N" : "S")"
        } else {
            name = "WGS_1984_Transverse_Mercator"
        }
        return "PROJCS[\"\(name)\",GEOGCS[\"GCS_WGS_1984\",DATUM[\"D_WGS_1984\","
            + "SPHEROID[\"WGS_1984\",6378137.0,298.257223563]],PRIMEM[\"Greenwich\",0.0],"
            + "UNIT[\"Degree\",0.0174532925199433]],PROJECTION[\"Transverse_Mercator\"],"
            + "PARAMETER[\"False_Easting\",\(wktNumber(projection.falseEasting))],"
            + "PARAMETER[\"False_Northing\",\(wktNumber(projection.falseNorthing))],"
            + "PARAMETER[\"Central_Meridian\",\(wktNumber(projection.centralMeridian))],"
            + "PARAMETER[\"Scale_Factor\",\(wktNumber(projection.scaleFactor))],"
            + "PARAMETER[\"Latitude_Of_Origin\",0.0],UNIT[\"Meter\",1.0]]"
    }

    /// Where the `.prj` for a grid at `path` goes: the same name with the extension `.prj`.
    public static func projectionPath(for path: String) -> String {
        let url = URL(fileURLWithPath: path)
        return url.pathExtension.isEmpty ? path + ".prj" : url.deletingPathExtension().path + ".prj"
    }

    /// Writes the grid to `path` and its `.prj` beside it, each atomically (temporary file, then rename).
    /// Throws `OutputError` naming the file that could not be written.
    public static func write(_ raster: DensityRaster, on canvas: MapCanvas, to path: String) throws {
        try writeAtomically(Array(text(of: raster, on: canvas).utf8), to: path)
        try writeAtomically(Array(projectionWKT(canvas.projection).utf8), to: projectionPath(for: path))
    }

    /// Integers without a fraction, other numbers in Swift's shortest round-trip form.
    static func number<F: BinaryFloatingPoint & LosslessStringConvertible>(_ v: F) -> String {
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return String(v)
    }

    static func wktNumber(_ v: Double) -> String { v == v.rounded() && abs(v) < 1e15 ? "\(Int64(v)).0" : "\(v)" }
}
