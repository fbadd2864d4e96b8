import GeoCore
import Render

/// `heatgrid heatmap`: a kernel-density map of incidents over boundaries, ready for a briefing.
public struct HeatmapJob: Sendable {
    public var incidentsPath: String
    public var boundariesPath: String
    public var outputPath: String
    public var level: String?
    public var idField: String?
    /// The property labelled on each area; `nil` for no labels.
    public var nameField: String? = "name"
    public var settings = MapSettings()
    /// The density grid as an ESRI ASCII grid (with a `.prj` beside it).
    public var rasterPath: String?

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
        /// The classes' upper bounds, when classed.
        public let breaks: [Double]?
        public let files: [String]
        public let timings: Timings
    }

    public func run(progress: (String) -> Void = { _ in }) throws -> Report {
        var timings = Timings()
        let font = try settings.loadFont()
        var style = settings.style
        style.classes = try settings.pinnedBreaks()
        progress("reading \(boundariesPath)")
        let layer = try timings.measure("parse_boundaries") {
            try BoundaryLayer.load(path: boundariesPath, level: level, idField: idField, nameField: nameField,
                                   validation: settings.validation, threads: settings.threads)
        }
        progress("reading \(incidentsPath)")
        let (incidents, rejects) = try settings.readIncidents(incidentsPath, besides: outputPath,
                                                              needsTime: false, timings: &timings)
        progress("estimating density of \(incidents.table.count) incidents")
        let surface = try estimateDensity(layer: layer, longitude: incidents.table.longitude,
                                          latitude: incidents.table.latitude, weights: incidents.table.weight,
                                          style: style, threads: settings.threads, timings: &timings)
        if style.classes == nil, let classes = settings.classes {
            style.classes = timings.measure("classify") { classes.breaks(of: surface.density.values.map(Double.init)) }
        }
        let map = shadeHeatMap(surface, layer: layer, style: style, timings: &timings)

        progress("writing \(outputPath)")
        let zh = settings.language == .zh
        let count = NiceNumbers.format(Double(incidents.table.count), maximumDecimals: 0)
        let text = MapText(title: settings.title ?? (zh ? "事件热力图" : "Incident density"),
                           subtitle: settings.subtitle ?? (zh ? "\(count) 起 · 搜索半径 \(Int(surface.radius)) 米"
                                                                 : "\(count) incidents · radius \(Int(surface.radius)) m"),
                           language: settings.language, areaLabels: nameField == nil ? nil : layer.names)
        var files = try settings.write(map, labelling: layer, text: text, font: font, to: outputPath, timings: &timings)
        if let rasterPath {
            try timings.measure("write") {
                do { try ESRIASCIIGrid.write(surface.density, on: surface.canvas, to: rasterPath) } catch {
                    throw HeatGridError("\(error)")
                }
            }
            files += [rasterPath, ESRIASCIIGrid.projectionPath(for: rasterPath)]
        }
        if let rejects { files.append(rejects) }
        return Report(rowsRead: incidents.rowsRead, rejected: incidents.rejected, filteredOut: incidents.filteredOut,
                      mapped: incidents.table.count, radius: surface.radius, width: map.image.width,
                      height: map.image.height, breaks: style.classes?.upperBounds, files: files, timings: timings)
    }
}
