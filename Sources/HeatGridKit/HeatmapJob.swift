import GeoCore
import ImageBridge
import Projection
import Render

/// `heatgrid heatmap`: a kernel-density map of incidents over boundaries, ready for a briefing.
public struct HeatmapJob: Sendable {
    public var incidentsPath: String
    public var boundariesPath: String
    public var outputPath: String
    public var level: String?
    public var idField: String?
    public var nameField: String? = "name"
    public var csvOptions = IncidentCSVOptions()
    public var categories: Set<String>?
    public var incidentDatum = Datum.wgs84
    public var layerDatum = Datum.wgs84
    public var style = HeatMapStyle()
    /// Pinned class breaks (a file written by `saveBreaksPath` in an earlier week), or classes to compute.
    public var breaksPath: String?
    public var classes: ClassSpec?
    public var saveBreaksPath: String?
    public var title: String?
    public var subtitle: String?
    public var language = Language.zh
    public var fontPath: String?
    /// The density grid as an ESRI ASCII grid (with a `.prj` beside it).
    public var rasterPath: String?
    /// A `.pgw` world file and a `.prj` beside the PNG, so GIS tools place it.
    public var worldFile = false
    public var threads = 2
    public var validation = LayerValidation.reject

    public init(incidentsPath: String, boundariesPath: String, outputPath: String) {
        self.incidentsPath = incidentsPath
        self.boundariesPath = boundariesPath
        self.outputPath = outputPath
    }

    public struct Report: Sendable {
        public let rowsRead: Int
        public let rejected: Int
        public let filteredOut: Int
        /// Incidents drawn (read, kept and in the chosen categories).
        public let mapped: Int
        public let radius: Double
        public let width: Int
        public let height: Int
        /// The density at the top of the ramp, or the classes' upper bounds.
        public let top: Double
        public let breaks: [Double]?
        public let files: [String]
        public let timings: Timings
    }

    public func run(progress: (String) -> Void = { _ in }) throws -> Report {
        var timings = Timings()
        let font: FontFace
        do { font = try FontFace.cjk(path: fontPath) } catch { throw HeatGridError("\(error)") }
        progress("reading \(boundariesPath)")
        let layer = try timings.measure("parse_boundaries") {
            try BoundaryLayer.load(path: boundariesPath, level: level, idField: idField, nameField: nameField,
                                   validation: validation, threads: threads)
        }
        progress("reading \(incidentsPath)")
        let input = IncidentInput(path: incidentsPath, csvOptions: csvOptions, categories: categories,
                                  incidentDatum: incidentDatum, layerDatum: layerDatum,
                                  rejectsPath: rejectsPath(besides: outputPath))
        let incidents = try timings.measure("parse_incidents") { try input.read() }

        var style = self.style
        if let breaksPath {
            do { style.classes = try ClassBreaks.read(path: breaksPath) } catch { throw HeatGridError("\(error)") }
        }
        progress("estimating density of \(incidents.table.count) incidents")
        let surface = try estimateDensity(layer: layer, longitude: incidents.table.longitude,
                                          latitude: incidents.table.latitude, weights: incidents.table.weight,
                                          style: style, threads: threads, timings: &timings)
        if style.classes == nil, let classes {
            style.classes = timings.measure("classify") { classes.breaks(of: surface.density.values.map(Double.init)) }
        }
        let map = shadeHeatMap(surface, layer: layer, style: style, timings: &timings)
        let zh = language == .zh
        let image = timings.measure("decorate") {
            let count = NiceNumbers.format(Double(incidents.table.count), maximumDecimals: 0)
            let text = MapText(title: title ?? (zh ? "事件热力图" : "Incident density"),
                               subtitle: subtitle ?? (zh ? "\(count) 起 · 搜索半径 \(Int(map.radius ?? 0)) 米"
                                                         : "\(count) incidents · radius \(Int(map.radius ?? 0)) m"),
                               language: language, areaLabels: nameField == nil ? nil : layer.names)
            return decorate(map, layer: layer, text: text, font: font)
        }
        let png = try timings.measure("encode") {
            try PNGEncoder.encode(rgba: image.pixels, width: image.width, height: image.height)
        }
        progress("writing \(outputPath)")
        var files = [outputPath]
        try timings.measure("write") {
            try writeAtomically(png, to: outputPath)
            if worldFile {
                files += try writeWorldFile(for: outputPath, canvas: map.canvas)
            }
            if let rasterPath, let density = map.density {
                do { try ESRIASCIIGrid.write(density, on: map.canvas, to: rasterPath) } catch { throw HeatGridError("\(error)") }
                files += [rasterPath, ESRIASCIIGrid.projectionPath(for: rasterPath)]
            }
            if let saveBreaksPath, let breaks = style.classes {
                try breaks.write(to: saveBreaksPath)
                files.append(saveBreaksPath)
            }
        }
        if let path = incidents.rejectsPath { files.append(path) }
        return Report(rowsRead: incidents.rowsRead, rejected: incidents.rejected, filteredOut: incidents.filteredOut,
                      mapped: incidents.table.count, radius: map.radius ?? 0, width: image.width,
                      height: image.height, top: map.top, breaks: style.classes?.upperBounds, files: files,
                      timings: timings)
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
