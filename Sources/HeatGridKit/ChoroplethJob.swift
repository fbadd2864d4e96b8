import GeoCore
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
    /// Classes default to natural breaks, 5 classes.
    public var settings = MapSettings()

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
        let font = try settings.loadFont()
        let pinned = try settings.pinnedBreaks()
        let threads = settings.threads, validation = settings.validation
        let overlay = try boundariesPath.map { path in
            try timings.measure("parse_boundaries") {
                try BoundaryLayer.load(path: path, level: boundaryLevel, validation: validation, threads: threads)
            }
        }
        // Assigned exactly as `heatgrid assign` does: the same reading, datum conversion and index.
        let loaded = try AssignedIncidents.load(
            cellsPath: cellsPath, idField: idField, incidentsPath: incidentsPath, incidents: settings.incidents,
            layerDatum: settings.layerDatum, needsTime: splitTime != nil, validation: validation, threads: threads,
            timings: &timings, progress: progress)
        let (cells, incidents, assignment) = (loaded.cells, loaded.incidents, loaded.assignment)
        let rejects = try incidents.writeRejects(to: rejectsPath(besides: outputPath))
        if splitTime != nil && incidents.table.time == nil {
            throw HeatGridError("\(incidentsPath): a change map (--split) needs a time column")
        }
        let (values, outside) = timings.measure("aggregate") { cellValues(assignment, incidents.table, cells) }

        let breaks = pinned ?? (splitTime != nil ? Self.symmetricBreaks(values)
            : (settings.classes ?? ClassSpec(method: .natural, count: 5)).breaks(of: values))
            ?? (try! ClassBreaks(upperBounds: [1]))  // no cell has an incident: one class, everything in it
        // Counts and densities: empty cells stay uncoloured. Changes: zero is a class of its own (white).
        let shading = Shading(colorMap: splitTime == nil ? settings.style.colorMap : .blueWhiteRed, classes: breaks,
                              zeroIsTransparent: splitTime == nil)
        let map = timings.measure("shade") {
            renderCellMap(layer: cells, values: values, shading: shading, overlay: overlay, style: settings.style)
        }
        progress("writing \(outputPath)")
        var files = try settings.write(map, labelling: overlay ?? cells,
                                       text: mapText(incidents.table, labels: overlay?.names), font: font,
                                       to: outputPath, timings: &timings)
        if let rejects { files.append(rejects) }
        return Report(rowsRead: incidents.rowsRead, rejected: incidents.rejected, filteredOut: incidents.filteredOut,
                      assigned: incidents.table.count - outside, outside: outside, cellCount: cells.count,
                      breaks: breaks.upperBounds, files: files, timings: timings)
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
    ///
    /// Changes of counts are whole numbers, so the thresholds are too: with t₁ < t₃ < t₅ the rounded sevenths of
    /// the largest change L, the classes are ≤ −t₅, −t₅+1 … −t₃, −t₃+1 … −t₁, |v| < t₁, t₁ … t₃−1, t₃ … t₅−1 and
    /// ≥ t₅ — mirrored exactly. A largest change too small for seven whole classes keeps the fractional sevenths.
    static func symmetricBreaks(_ values: [Double]) -> ClassBreaks {
        let largest = max(1, values.map { abs($0) }.max() ?? 1)
        let t1 = max(1, (largest / 7).rounded()), t3 = max(t1 + 1, (largest * 3 / 7).rounded())
        let t5 = max(t3 + 1, (largest * 5 / 7).rounded())
        if largest == largest.rounded(), largest > t5,
           let whole = try? ClassBreaks(upperBounds: [-t5, -t3, -t1, t1 - 1, t3 - 1, t5 - 1, largest]) {
            return whole
        }
        return try! ClassBreaks(upperBounds: [-5, -3, -1, 1, 3, 5, 7].map { largest * Double($0) / 7 })
    }

    private func mapText(_ table: IncidentTable, labels: [String]?) -> MapText {
        let zh = settings.language == .zh
        let shown = NiceNumbers.format(Double(table.count), maximumDecimals: 0)
        // The periods shown, from the incidents' own first and last days (and the split), on the local clock.
        let zone = settings.incidents.csvOptions.timeZone
        let times = (table.time ?? []).filter { $0 != IncidentTable.missingTime }
        func day(_ t: Int64) -> String { String(ISO8601Time.format(t, zone: zone).prefix(10)) }
        var periods = ""
        if let first = times.min(), let last = times.max() {
            if let splitTime {
                let before = day(first) + " – " + day(splitTime - 1), after = day(splitTime) + " – " + day(last)
                periods = zh ? "（\(after) 对比 \(before)）" : " (\(after) against \(before))"
            } else {
                periods = zh ? "（\(day(first)) – \(day(last))）" : " (\(day(first)) – \(day(last)))"
            }
        }
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
        var text = MapText(title: settings.title ?? defaultTitle + periods,
                           subtitle: settings.subtitle ?? (zh ? "\(shown) 起" : "\(shown) incidents"),
                           language: settings.language, areaLabels: labels, legendCaption: caption)
        text.wholeNumbers = value == .count || splitTime != nil
        return text
    }
}

/// Area in square metres of a lon/lat multipolygon projected with `projection` (shoelace on projected rings).
func projectedArea(_ multi: MultiPolygon, _ projection: TransverseMercator) -> Double {
    MultiPolygon(multi.polygons.map { polygon in
        Polygon(exterior: Ring(polygon.exterior.points.map(projection.forward)),
                holes: polygon.holes.map { Ring($0.points.map(projection.forward)) })
    }).area
}
