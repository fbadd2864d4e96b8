import GeoCore
import ImageBridge
import Projection
import Render
import SpatialIndex

/// `heatgrid choropleth`: cells coloured by their incident count, density, or change between two periods.
public struct ChoroplethJob: Sendable {
    /// What each cell shows.
    public enum Value: String, Sendable, CaseIterable {
        /// Incidents in the cell.
        case count
        /// Incidents per km² of the cell (fair between clipped and full cells).
        case density
    }

    public var cellsPath: String
    public var idField: String
    public var incidentsPath: String
    public var outputPath: String
    /// A coarser layer (districts) drawn over the cells and labelled.
    public var boundariesPath: String?
    public var boundaryLevel: String?
    public var value = Value.count
    /// With a split time: each cell shows (incidents at or after it) − (incidents before it), on a diverging ramp.
    public var splitTime: Int64?
    public var csvOptions = IncidentCSVOptions()
    public var categories: Set<String>?
    public var incidentDatum = Datum.wgs84
    public var layerDatum = Datum.wgs84
    public var classes = ClassSpec(method: .natural, count: 5)
    public var breaksPath: String?
    public var saveBreaksPath: String?
    public var style = HeatMapStyle()
    public var title: String?
    public var subtitle: String?
    public var language = Language.zh
    public var fontPath: String?
    public var worldFile = false
    public var threads = 2
    public var validation = LayerValidation.reject

    public init(cellsPath: String, idField: String, incidentsPath: String, outputPath: String) {
        self.cellsPath = cellsPath
        self.idField = idField
        self.incidentsPath = incidentsPath
        self.outputPath = outputPath
    }

    public struct Report: Sendable {
        public let rowsRead: Int
        public let rejected: Int
        public let filteredOut: Int
        public let assigned: Int
        public let outside: Int
        public let cellCount: Int
        public let breaks: [Double]
        public let files: [String]
        public let timings: Timings
    }

    public func run(progress: (String) -> Void = { _ in }) throws -> Report {
        var timings = Timings()
        let font: FontFace
        do { font = try FontFace.cjk(path: fontPath) } catch { throw HeatGridError("\(error)") }
        progress("reading \(cellsPath)")
        let cells = try timings.measure("parse_cells") {
            try BoundaryLayer.load(path: cellsPath, idField: idField, nameField: nil, validation: validation,
                                   threads: threads)
        }
        let overlay = try boundariesPath.map { path in
            try timings.measure("parse_boundaries") {
                try BoundaryLayer.load(path: path, level: boundaryLevel, validation: validation, threads: threads)
            }
        }
        progress("reading \(incidentsPath)")
        let input = IncidentInput(path: incidentsPath, csvOptions: csvOptions, categories: categories,
                                  incidentDatum: incidentDatum, layerDatum: layerDatum,
                                  rejectsPath: rejectsPath(besides: outputPath))
        let incidents = try timings.measure("parse_incidents") { try input.read() }
        if splitTime != nil && incidents.table.time == nil {
            throw HeatGridError("\(incidentsPath): a change map (--split) needs a time column")
        }

        progress("assigning \(incidents.table.count) incidents to \(cells.count) cells")
        let index = try timings.measure("index") {
            do { return try PolygonIndex(layer: cells.polygons, threads: threads) } catch {
                throw HeatGridError("\(cellsPath): \(error)")
            }
        }
        let assignment = timings.measure("assign") {
            index.assign(x: incidents.table.longitude, y: incidents.table.latitude, threads: threads)
        }
        let (values, outside) = timings.measure("aggregate") { cellValues(assignment, incidents.table, cells) }

        let shading: Shading
        if let breaksPath {
            do { shading = shadingFor(try ClassBreaks.read(path: breaksPath)) } catch { throw HeatGridError("\(error)") }
        } else if splitTime != nil {
            shading = shadingFor(Self.symmetricBreaks(values))
        } else {
            let breaks = classes.breaks(of: values) ?? (try! ClassBreaks(upperBounds: [1]))
            shading = shadingFor(breaks)
        }
        let map = timings.measure("shade") {
            renderCellMap(layer: cells, values: values, shading: shading, overlay: overlay, style: style)
        }
        let image = timings.measure("decorate") {
            decorate(map, layer: overlay ?? cells, text: mapText(incidents.table.count, labels: overlay?.names), font: font)
        }
        let png = try timings.measure("encode") { try PNGEncoder.encode(rgba: image.pixels, width: image.width, height: image.height) }
        progress("writing \(outputPath)")
        var files = [outputPath]
        try timings.measure("write") {
            try writeAtomically(png, to: outputPath)
            if worldFile { files += try writeWorldFile(for: outputPath, canvas: map.canvas) }
            if let saveBreaksPath, let breaks = shading.classes {
                try breaks.write(to: saveBreaksPath)
                files.append(saveBreaksPath)
            }
        }
        if let path = incidents.rejectsPath { files.append(path) }
        return Report(rowsRead: incidents.rowsRead, rejected: incidents.rejected, filteredOut: incidents.filteredOut,
                      assigned: incidents.table.count - outside, outside: outside, cellCount: cells.count,
                      breaks: shading.classes?.upperBounds ?? [], files: files, timings: timings)
    }

    private func shadingFor(_ breaks: ClassBreaks) -> Shading {
        // Counts and densities: empty cells stay uncoloured. Changes: zero is a class of its own (white).
        Shading(colorMap: splitTime == nil ? style.colorMap : .blueWhiteRed, classes: breaks,
                zeroIsTransparent: splitTime == nil)
    }

    /// Per cell: the count, the density (per km² in the layer's UTM zone), or the change across `splitTime`.
    private func cellValues(_ assignment: [Int32], _ table: IncidentTable, _ cells: BoundaryLayer) -> ([Double], Int) {
        var values = [Double](repeating: 0, count: cells.count)
        var outside = 0
        for (row, cell) in assignment.enumerated() {
            guard cell >= 0 else { outside += 1; continue }
            if let splitTime, let times = table.time {
                values[Int(cell)] += times[row] >= splitTime ? 1 : -1
            } else {
                values[Int(cell)] += 1
            }
        }
        if value == .density && splitTime == nil {
            let projection = TransverseMercator.utm(containing: cells.boundingBox.center)
            for i in values.indices {
                let area = projectedArea(cells.polygons[i], projection) / 1e6
                values[i] = area > 0 ? values[i] / area : 0
            }
        }
        return (values, outside)
    }

    /// Seven classes symmetric about zero for a change map: ±1/7, ±3/7, ±5/7 of the largest change, so "no
    /// change" is the white middle class and equal rises and falls get mirrored colours.
    static func symmetricBreaks(_ values: [Double]) -> ClassBreaks {
        let largest = max(1, values.map { abs($0) }.max() ?? 1)
        return try! ClassBreaks(upperBounds: [-5, -3, -1, 1, 3, 5, 7].map { largest * Double($0) / 7 })
    }

    private func mapText(_ count: Int, labels: [String]?) -> MapText {
        let zh = language == .zh
        let shown = NiceNumbers.format(Double(count), maximumDecimals: 0)
        let defaultTitle: String
        let caption: String
        switch (splitTime != nil, value) {
        case (true, _):
            defaultTitle = zh ? "网格事件变化" : "Change in incidents per cell"
            caption = zh ? "后期减前期（起）" : "later minus earlier period"
        case (false, .count):
            defaultTitle = zh ? "网格事件数" : "Incidents per cell"
            caption = zh ? "事件数" : "incidents"
        case (false, .density):
            defaultTitle = zh ? "网格事件密度" : "Incident density per cell"
            caption = zh ? "每平方公里事件数" : "incidents per km²"
        }
        return MapText(title: title ?? defaultTitle, subtitle: subtitle ?? (zh ? "\(shown) 起" : "\(shown) incidents"),
                       language: language, areaLabels: labels, legendCaption: caption)
    }
}

/// Area in square metres of a lon/lat multipolygon projected with `projection` (shoelace on projected rings).
func projectedArea(_ multi: MultiPolygon, _ projection: TransverseMercator) -> Double {
    MultiPolygon(multi.polygons.map { polygon in
        Polygon(exterior: Ring(polygon.exterior.points.map(projection.forward)),
                holes: polygon.holes.map { Ring($0.points.map(projection.forward)) })
    }).area
}
