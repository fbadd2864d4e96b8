import Aggregate
import AtomicOutput
import Dispatch
import GeoCore
import GeoJSON
import Incidents
import Neighbours
import Render
import Stats

/// `heatgrid emerging`: ArcGIS's emerging hot spot analysis on weekly counts per cell — a space-time Gi* for every
/// cell and week, the Mann–Kendall trend of each cell's z-scores, and the pattern (new, consecutive, intensifying,
/// persistent, diminishing, sporadic, oscillating, historical hot or cold spot).
public struct EmergingJob: Sendable {
    public var cellsPath: String
    public var idField = "cell_id"
    public var incidentsPath: String
    public var outputPath: String
    public var csvPath: String?
    public var pngPath: String?
    public var incidents = IncidentOptions()
    public var layerDatum: Datum?
    public var neighbours = NeighbourRule.contiguity(.queen, snap: 0)
    /// The last this many weeks of the data (nil: every week from the first incident's to the last one's, or the
    /// weeks of `--since`/`--until`).
    public var weeks: Int?
    /// Weeks before each week that belong to its neighbourhood (ArcGIS's neighbourhood time step).
    public var timeWindow = 1
    public var alpha = 0.05
    public var fdr = true
    public var harmWeighted = false
    public var boundariesPath: String?
    public var boundaryLevel: String?
    public var style = HeatMapStyle()
    public var language = Language.zh
    public var fontPath: String?
    public var threads = 2
    public var validation = LayerValidation.reject

    public init(cellsPath: String, incidentsPath: String, outputPath: String) {
        self.cellsPath = cellsPath
        self.incidentsPath = incidentsPath
        self.outputPath = outputPath
    }

    public struct Report: Sendable {
        public let rowsRead: Int
        public let rejected: Int
        public let weeks: [Period]
        public let categories: [EmergingCategory]
        public let cellIDs: [String]
        public let files: [String]
        public let timings: Timings
    }

    public func run(progress: (String) -> Void = { _ in }) throws -> Report {
        let started = DispatchTime.now().uptimeNanoseconds
        var timings = Timings()
        let font = try pngPath.map { _ in try FontFace.cjkOrError(path: fontPath) }
        var options = incidents
        let span = (since: options.filter.since, until: options.filter.until)
        options.filter.since = nil
        options.filter.until = nil
        let loaded = try AssignedIncidents.load(
            cellsPath: cellsPath, idField: idField, incidentsPath: incidentsPath, incidents: options,
            layerDatum: layerDatum, needsTime: true, validation: validation, threads: threads, timings: &timings,
            progress: progress)
        let (cells, read, assignment) = (loaded.cells, loaded.incidents, loaded.assignment)
        let times = try loaded.times(for: "emerging hot spot analysis", path: incidentsPath)
        let zone = incidents.csvOptions.timeZone
        var steps = try periodsCovering(unit: .week, times: times, span: span, zone: zone)
        if let weeks { steps = Array(steps.suffix(weeks)) }
        guard steps.count >= 2 else {
            throw HeatGridError("\(incidentsPath): emerging hot spots need at least two weeks of incidents (ArcGIS advises ten)")
        }

        // Counts (or harm) per week and cell.
        let values: [[Double]] = timings.measure("aggregate") {
            if harmWeighted {
                let harms = incidents.categories.harms(of: read.table.categoryNames)
                var values = [[Double]](repeating: [Double](repeating: 0, count: cells.count), count: steps.count)
                let first = steps[0].index
                for (row, cell) in assignment.enumerated() where cell >= 0 {
                    let week = PeriodUnit.week.index(localSeconds: zone.localSeconds(utc: times[row])) - first
                    if week >= 0 && week < steps.count { values[week][Int(cell)] += harms[Int(read.table.category[row])] }
                }
                return values
            }
            let cube = CountCube.counting(units: cells.count, categories: 1, periods: steps, cell: assignment,
                                          category: read.table.category,
                                          categoryOf: [UInt16](repeating: 0, count: read.table.categoryNames.count), time: times,
                                          clock: zone, parts: threads)
            return steps.indices.map { cube.unitCounts(category: 0, slot: $0).map(Double.init) }
        }
        let weights: SpatialWeights = try timings.measure("weights") {
            do { return try Neighbours.weights(neighbours, polygons: cells.polygons) } catch {
                throw HeatGridError("\(cellsPath): \(error)")
            }
        }
        progress("space-time Gi* over \(steps.count) weeks × \(grouped(cells.count)) cells")
        let z = timings.measure("gi_star") {
            EmergingHotSpots.spaceTimeGiStar(values: values, weights: weights, timeWindow: timeWindow, threads: threads)
        }
        let flat = z.flatMap { $0 }.map { Normal.twoSidedP($0) }
        let threshold = fdr ? FalseDiscoveryRate.cutoff(pValues: flat, alpha: alpha) : alpha
        let categories: [EmergingCategory] = timings.measure("trends") {
            (0..<cells.count).map { i in
                let series = steps.indices.map { z[$0][i] }
                // A cell without a single incident in any week has no pattern to speak of (ArcGIS analyses only
                // locations with data).
                guard steps.indices.contains(where: { values[$0][i] > 0 }) else { return .noPattern }
                return EmergingHotSpots.classify(z: series, significant: series.map { Normal.twoSidedP($0) < threshold },
                                                 trendAlpha: alpha)
            }
        }

        progress("writing \(outputPath)")
        var files: [String] = []
        let zh = language == .zh
        try timings.measure("write") {
            let writer = try GeoJSONWriter(path: outputPath)
            var table = Array("cell_id,count,emerging,emerging_name,trend_z,trend_p,hot_weeks,cold_weeks,last_z\n".utf8)
            for (i, feature) in cells.features.enumerated() {
                let series = steps.indices.map { z[$0][i] }
                let trend = MannKendall(series)
                let significant = series.map { Normal.twoSidedP($0) < threshold }
                let hot = zip(series, significant).count(where: { $0 > 0 && $1 })
                let cold = zip(series, significant).count(where: { $0 < 0 && $1 })
                let count = steps.indices.reduce(0.0) { $0 + values[$1][i] }
                var properties = feature.properties
                properties["count"] = .number(count)
                properties["emerging"] = .string(categories[i].rawValue)
                properties["emerging_name"] = .string(categories[i].name(chinese: zh))
                properties["trend_z"] = HotspotsJob.number(trend.z)
                properties["trend_p"] = HotspotsJob.number(trend.p)
                properties["hot_weeks"] = .number(Double(hot))
                properties["cold_weeks"] = .number(Double(cold))
                properties["last_z"] = HotspotsJob.number(series.last ?? 0)
                try writer.write(Feature(geometry: feature.geometry, properties: properties, id: feature.id))
                CSVText.appendField(cells.ids[i].utf8, to: &table)
                table += Array(",\(NumberText.text(count)),\(categories[i].rawValue),".utf8)
                CSVText.appendField(categories[i].name(chinese: zh).utf8, to: &table)
                for value in [trend.z, trend.p] {
                    table.append(UInt8(ascii: ","))
                    NumberText.append((value * 10_000).rounded() / 10_000, to: &table)
                }
                table += Array(",\(hot),\(cold),".utf8)
                NumberText.append(((series.last ?? 0) * 10_000).rounded() / 10_000, to: &table)
                table.append(UInt8(ascii: "\n"))
            }
            try writer.finish()
            files.append(outputPath)
            if let csvPath {
                try writeAtomically(table, to: csvPath)
                files.append(csvPath)
            }
        }
        if let pngPath, let font {
            let overlay = try boundariesPath.map {
                try BoundaryLayer.load(path: $0, level: boundaryLevel, validation: validation, threads: threads)
            }
            let map = timings.measure("shade") {
                renderCategoryMap(layer: cells, colors: categories.map(EmergingColors.color), overlay: overlay, style: style)
            }
            let present = EmergingCategory.allCases.filter { c in c != .noPattern && categories.contains(c) }
            var text = MapText(
                title: zh ? "新兴热点分析（\(steps.first!.label) – \(steps.last!.label)）"
                    : "Emerging hot spots, \(steps.first!.label) – \(steps.last!.label)",
                subtitle: zh ? "\(steps.count) 周 · \(grouped(cells.count)) 个网格" : "\(steps.count) weeks · \(grouped(cells.count)) cells",
                language: language, areaLabels: overlay?.names, legendCaption: zh ? "模式" : "Pattern")
            text.legendEntries = present.map { ClassedLegend.Entry(color: EmergingColors.color($0)!, label: $0.name(chinese: zh)) }
                + [ClassedLegend.Entry(color: RGBA(hex: 0xE6E3DA), label: EmergingCategory.noPattern.name(chinese: zh))]
            var settings = MapSettings()
            settings.language = language
            settings.threads = threads
            files += try settings.write(map, labelling: overlay ?? cells, text: text, font: font, to: pngPath,
                                        timings: &timings)
        }
        timings.record("wall", seconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
        return Report(rowsRead: read.rowsRead, rejected: read.rejected, weeks: steps, categories: categories,
                      cellIDs: cells.ids, files: files, timings: timings)
    }
}

/// Colours of the emerging patterns: hot patterns in reds and oranges (the strongest darkest), cold ones in blues and
/// teals; no pattern is left unfilled.
public enum EmergingColors {
    public static func color(_ category: EmergingCategory) -> RGBA? {
        switch category {
        case .noPattern: nil
        case .intensifyingHot: RGBA(hex: 0x99000D)
        case .persistentHot: RGBA(hex: 0xCB181D)
        case .newHot: RGBA(hex: 0xE7298A)
        case .consecutiveHot: RGBA(hex: 0xFB6A4A)
        case .diminishingHot: RGBA(hex: 0xFDAE6B)
        case .sporadicHot: RGBA(hex: 0xFCBBA1)
        case .oscillatingHot: RGBA(hex: 0xFFD92F)
        case .historicalHot: RGBA(hex: 0x8C510A)
        case .intensifyingCold: RGBA(hex: 0x08306B)
        case .persistentCold: RGBA(hex: 0x2171B5)
        case .newCold: RGBA(hex: 0x7B3294)
        case .consecutiveCold: RGBA(hex: 0x6BAED6)
        case .diminishingCold: RGBA(hex: 0x9ECAE1)
        case .sporadicCold: RGBA(hex: 0xC6DBEF)
        case .oscillatingCold: RGBA(hex: 0x41AE76)
        case .historicalCold: RGBA(hex: 0x01665E)
        }
    }
}

/// The periods of `unit` from the one holding the first time (or `span.since`) to the one holding the last (or
/// `span.until`), every period between included.
func periodsCovering(unit: PeriodUnit, times: [Int64], span: (since: Int64?, until: Int64?),
                     zone: IncidentTimeZone) throws -> [Period] {
    var first = span.since, last = span.until.map { $0 - 1 }
    if first == nil || last == nil {
        var low = Int64.max, high = Int64.min
        for t in times where t != IncidentTable.missingTime {
            low = min(low, t)
            high = max(high, t)
        }
        guard low <= high else { return [] }
        first = first ?? low
        last = last ?? high
    }
    guard let first, let last, first <= last else { throw HeatGridError("--since must come before --until") }
    let a = unit.index(localSeconds: zone.localSeconds(utc: first))
    let b = unit.index(localSeconds: zone.localSeconds(utc: last))
    guard b - a < 100_000 else { throw HeatGridError("the span holds more than 100,000 \(unit.rawValue)s") }
    return (a...b).map { Period(unit: unit, index: $0) }
}

extension FontFace {
    /// The CJK font (`path`, else the usual Debian places), its failure as a user's error.
    static func cjkOrError(path: String?) throws -> FontFace {
        do { return try FontFace.cjk(path: path) } catch { throw HeatGridError("\(error)") }
    }
}
