import GeoCore
import ImageBridge
import Incidents
import Render

/// What every map job shares: how incidents are read and filtered, how the map looks and what it says, and
/// which extra files go beside the PNG.
public struct MapSettings: Sendable {
    /// How incidents are read, filtered and converted.
    public var incidents = IncidentOptions()
    /// The datum of the boundaries or cells (`--boundary-datum`); the incidents are converted to it.
    public var layerDatum = Datum.wgs84
    public var style = HeatMapStyle()
    /// Classes to compute from the values shown (`nil`: a continuous ramp, or the job's default).
    public var classes: ClassSpec?
    /// Pinned class breaks from an earlier map; they win over `classes`.
    public var breaksPath: String?
    public var saveBreaksPath: String?
    public var title: String?
    public var subtitle: String?
    public var language = Language.zh
    /// A font with Chinese glyphs; `nil` looks in the usual Debian places.
    public var fontPath: String?
    /// A `.pgw` world file and a `.prj` beside the PNG, so GIS tools place it.
    public var worldFile = false
    public var threads = 2
    public var validation = LayerValidation.reject

    public init() {}

    /// The font, loaded before any heavy work so a missing one fails fast.
    func loadFont() throws -> FontFace { try FontFace.cjkOrError(path: fontPath) }

    /// The pinned breaks, if any.
    func pinnedBreaks() throws -> ClassBreaks? {
        guard let breaksPath else { return nil }
        do { return try ClassBreaks.read(path: breaksPath) } catch { throw HeatGridError("\(error)") }
    }

    /// Reads the incidents as these settings say (times needed only when `needsTime` or a time filter is set);
    /// rejected rows go next to `outputPath`, whose path is returned with the result.
    func readIncidents(_ path: String, besides outputPath: String, needsTime: Bool = false,
                       timings: inout Timings) throws -> (IncidentOptions.Result, rejectsPath: String?) {
        let read = try incidents.read(path: path, needsTime: needsTime, layerDatum: layerDatum, threads: threads,
                                      timings: &timings)
        return (read, try read.writeRejects(to: rejectsPath(besides: outputPath)))
    }

    /// Decorates, encodes and writes the map, then the world file and the breaks when asked; returns the files.
    /// PNGs use the fast encoder (`PNGEncoder.Compression.fast`, on `threads` threads): many times quicker than
    /// libpng's default for about 1.5x the bytes, the right trade for batches of weekly maps (a 2048² map stays
    /// around a megabyte).
    func write(_ map: HeatMap, labelling layer: BoundaryLayer, text: MapText, font: FontFace, to outputPath: String,
               timings: inout Timings) throws -> [String] {
        let image = timings.measure("decorate") { decorate(map, layer: layer, text: text, font: font) }
        let png = try timings.measure("encode") {
            try PNGEncoder.encode(rgba: image.pixels, width: image.width, height: image.height, compression: .fast,
                                  threads: threads)
        }
        return try timings.measure("write") {
            try writeAtomically(png, to: outputPath)
            var files = [outputPath]
            if worldFile { files += try writeWorldFile(for: outputPath, canvas: map.canvas) }
            if let saveBreaksPath, let breaks = map.shading.shading.classes {
                try breaks.write(to: saveBreaksPath)
                files.append(saveBreaksPath)
            }
            return files
        }
    }
}

/// `map.pgw` (pixel size, rotation, top-left pixel centre in the canvas' metres) and `map.prj` beside `map.png`.
func writeWorldFile(for imagePath: String, canvas: MapCanvas) throws -> [String] {
    let stem = imagePath.hasSuffix(".png") ? String(imagePath.dropLast(4)) : imagePath
    let s = canvas.pixelSize
    let lines = [s, 0, 0, -s, canvas.extent.minX + s / 2, canvas.extent.maxY - s / 2].map { "\($0)" }
    try writeAtomically(Array((lines.joined(separator: "\n") + "\n").utf8), to: stem + ".pgw")
    try writeAtomically(Array(ESRIASCIIGrid.projectionWKT(canvas.projection).utf8), to: stem + ".prj")
    return [stem + ".pgw", stem + ".prj"]
}
