import Aggregate
import Dispatch
import GeoCore
import GeoJSON
import Incidents
import Neighbours
import Render
import Stats

/// `heatgrid hotspots`: statistically significant hot and cold spots of incidents per cell — Getis-Ord Gi* (as
/// ArcGIS's Hot Spot Analysis and esda) and local Moran's I clusters and outliers — written as GeoJSON with every
/// cell's input properties, and as a map.
public struct HotspotsJob: Sendable {
    public var cellsPath: String
    public var idField = "cell_id"
    public var incidentsPath: String
    public var outputPath: String
    public var pngPath: String?
    public var incidents = IncidentOptions()
    public var layerDatum: Datum?
    /// Which cells are neighbours (`queen` by default, as libpysal).
    public var neighbours = NeighbourRule.contiguity(.queen, snap: 0)
    /// Optimized hot spot analysis as ArcGIS's tool: the distance band chosen from the data (`OptimizedDistanceBand`)
    /// instead of `neighbours`, the false discovery rate correction always on, and a refusal below
    /// `OptimizedHotSpots.minimumIncidents` incidents or cells.
    public var optimized = false
    /// Conditional permutations for the pseudo p-values of Gi* and local Moran (0: analytic p-values only).
    public var permutations = 999
    public var seed: UInt64 = 7
    /// Benjamini–Hochberg false discovery rate for the bins and clusters.
    public var fdr = false
    /// Analyse harm-weighted counts (Σ the categories' harm weights) instead of counts.
    public var harmWeighted = false
    /// Significance of local Moran's clusters.
    public var moranAlpha = 0.05
    /// Districts drawn and labelled over the map.
    public var boundariesPath: String?
    public var boundaryLevel: String?
    public var style = HeatMapStyle()
    public var title: String?
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
        public let filteredOut: Int
        public let assigned: Int
        public let outside: Int
        public let cellIDs: [String]
        public let values: [Double]
        public let gi: GiStar
        /// Pseudo p-values of Gi* (empty without permutations).
        public let giPSim: [Double]
        public let bins: [Int8]
        public let moran: LocalMoran
        public let moranClasses: [LocalMoran.Cluster]
        public let islands: [Int]
        public let neighbourRule: String
        /// How optimized hot spot analysis chose its distance band (nil without `optimized`).
        public let optimization: OptimizedDistanceBand?
        /// Whether the bins and clusters are corrected for the false discovery rate.
        public let fdr: Bool
        public let files: [String]
        public let timings: Timings
    }

    public func run(progress: (String) -> Void = { _ in }) throws -> Report {
        let started = DispatchTime.now().uptimeNanoseconds
        var timings = Timings()
        let font = try pngPath.map { _ in try FontFace.cjkOrError(path: fontPath) }
        let loaded = try AssignedIncidents.load(
            cellsPath: cellsPath, idField: idField, incidentsPath: incidentsPath, incidents: incidents,
            layerDatum: layerDatum, needsTime: false, validation: validation, threads: threads, timings: &timings,
            progress: progress)
        let (cells, read, assignment) = (loaded.cells, loaded.incidents, loaded.assignment)
        guard cells.count >= 3 else { throw HeatGridError("\(cellsPath): hot spots need at least 3 cells") }

        // Counts (or harm) per cell.
        let harmOf = harmWeighted
            ? incidents.categories.harms(of: read.table.categoryNames)
            : nil
        var values = [Double](repeating: 0, count: cells.count)
        var outside = 0
        timings.measure("aggregate") {
            for (row, cell) in assignment.enumerated() {
                guard cell >= 0 else {
                    outside += 1
                    continue
                }
                values[Int(cell)] += harmOf.map { $0[Int(read.table.category[row])] } ?? 1
            }
        }

        var optimization: OptimizedDistanceBand?
        var neighbours = self.neighbours
        if optimized {
            try OptimizedHotSpots.checkInput(cellsPath: cellsPath, cells: cells.count, incidents: read.table.count - outside,
                                             values: values)
            progress("choosing the distance band (incremental spatial autocorrelation)")
            let band = timings.measure("scale_of_analysis") {
                let centroids = Neighbours.centroids(cells.polygons, projection: Neighbours.projection(for: cells.polygons))
                return OptimizedDistanceBand(points: centroids, values: values)
            }
            optimization = band
            neighbours = .distanceBand(metres: band.distance)
        }
        let fdr = self.fdr || optimized
        progress("finding neighbours (\(neighbours))")
        let weights: SpatialWeights = try timings.measure("weights") {
            do { return try Neighbours.weights(neighbours, polygons: cells.polygons) } catch {
                throw HeatGridError("\(cellsPath): \(error)")
            }
        }
        progress("Getis-Ord Gi* and local Moran's I\(permutations > 0 ? " with \(permutations) permutations" : "")")
        let gi = timings.measure("gi_star") { GetisOrd.star(values: values, weights: weights) }
        let giPSim = permutations > 0
            ? timings.measure("gi_permutations") { gi.permutationPValues(permutations: permutations, seed: seed, threads: threads) }
            : []
        let bins = gi.bins(fdr: fdr)
        let moran = timings.measure("local_moran") {
            LocalMoran(values: values, weights: weights, permutations: permutations, seed: seed, threads: threads)
        }
        let moranClasses = permutations > 0 ? moran.clusters(alpha: moranAlpha, fdr: fdr) : []

        progress("writing \(outputPath)")
        var files: [String] = []
        try timings.measure("write") {
            let giP = gi.p  // computed from the z-scores: once, not per cell
            let writer = try GeoJSONWriter(path: outputPath)
            for (k, feature) in cells.features.enumerated() {
                var properties = feature.properties
                properties["count"] = .number(values[k])
                properties["gi_z"] = Self.number(gi.z[k])
                properties["gi_p"] = Self.number(giP[k])
                if !giPSim.isEmpty { properties["gi_p_sim"] = Self.number(giPSim[k]) }
                properties["gi_bin"] = .number(Double(bins[k]))
                properties["moran_i"] = Self.number(moran.i[k])
                if !moran.pSim.isEmpty {
                    properties["moran_p"] = Self.number(moran.pSim[k])
                    properties["moran_class"] = .string(Self.moranCode(moranClasses[k]))
                }
                try writer.write(Feature(geometry: feature.geometry, properties: properties, id: feature.id))
            }
            try writer.finish()
            files.append(outputPath)
        }
        if let pngPath, let font {
            let overlay = try boundariesPath.map { path in
                try timings.measure("parse_boundaries") {
                    try BoundaryLayer.load(path: path, level: boundaryLevel, validation: validation, threads: threads)
                }
            }
            let map = timings.measure("shade") {
                renderCategoryMap(layer: cells, colors: bins.map { HotSpotColors.color(bin: $0) }, overlay: overlay,
                                  style: style)
            }
            let zh = language == .zh
            let significant = bins.count(where: { $0 != 0 })
            let text = MapText(
                title: title ?? (zh ? "事件热点与冷点（Getis-Ord Gi*）" : "Hot and cold spots (Getis-Ord Gi*)"),
                subtitle: (zh ? "\(grouped(values.count)) 个网格，\(grouped(significant)) 个显著\(fdr ? "（FDR 校正）" : "")"
                    : "\(grouped(values.count)) cells, \(grouped(significant)) significant\(fdr ? " (FDR corrected)" : "")")
                    + (optimization.map { band in
                        let metres = grouped(Int(band.distance.rounded()))
                        return zh ? "，优化距离阈值 \(metres) 米" : ", optimized distance band \(metres) m"
                    } ?? ""),
                language: language, areaLabels: overlay?.names,
                legendCaption: zh ? "Gi* 置信度" : "Gi* confidence")
            var decorated = text
            decorated.legendEntries = HotSpotColors.legend(chinese: zh)
            var mapSettings = MapSettings()
            mapSettings.language = language
            mapSettings.threads = threads
            files += try mapSettings.write(map, labelling: overlay ?? cells, text: decorated, font: font, to: pngPath,
                                           timings: &timings)
        }
        timings.record("wall", seconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
        return Report(rowsRead: read.rowsRead, rejected: read.rejected, filteredOut: read.filteredOut,
                      assigned: read.table.count - outside, outside: outside, cellIDs: cells.ids, values: values, gi: gi,
                      giPSim: giPSim, bins: bins, moran: moran, moranClasses: moranClasses, islands: weights.islands,
                      neighbourRule: neighbours.description, optimization: optimization, fdr: fdr, files: files,
                      timings: timings)
    }

    /// A JSON number, or null for NaN (an island under row-standardised weights, constant values).
    static func number(_ value: Double) -> JSONValue { value.isFinite ? .number(value) : .null }

    /// `HH`, `LL`, `HL`, `LH` or `NS` (not significant).
    static func moranCode(_ cluster: LocalMoran.Cluster) -> String {
        switch cluster {
        case .highHigh: "HH"
        case .lowLow: "LL"
        case .highLow: "HL"
        case .lowHigh: "LH"
        case .notSignificant: "NS"
        }
    }
}

/// The input checks of ArcGIS's Optimized Hot Spot Analysis ("Initial data assessment"): enough incidents and cells
/// for Gi\* to be reliable, and counts that vary.
public enum OptimizedHotSpots {
    /// ArcGIS's minimum for incidents counted in aggregation polygons, and for the polygons themselves.
    public static let minimumIncidents = 30

    static func checkInput(cellsPath: String, cells: Int, incidents: Int, values: [Double]) throws {
        guard incidents >= minimumIncidents else {
            throw HeatGridError("optimized hot spot analysis needs at least \(minimumIncidents) incidents in cells, found \(incidents); widen the period or the categories, or use --weights with fixed neighbours")
        }
        guard cells >= minimumIncidents else {
            throw HeatGridError("\(cellsPath): optimized hot spot analysis needs at least \(minimumIncidents) cells, the layer has \(cells)")
        }
        guard let first = values.first, values.contains(where: { $0 != first }) else {
            throw HeatGridError("optimized hot spot analysis: every cell has the same count (\(NumberText.text(values.first ?? 0))), so there is nothing to find")
        }
    }
}

/// The colours of ArcGIS's hot spot maps: reds for hot spots at 99, 95 and 90 % confidence, blues for cold spots,
/// a pale neutral for cells that are not significant.
public enum HotSpotColors {
    public static func color(bin: Int8) -> RGBA {
        switch bin {
        case 3: RGBA(hex: 0xD62F27)
        case 2: RGBA(hex: 0xED7551)
        case 1: RGBA(hex: 0xFAB984)
        case -1: RGBA(hex: 0xC0CCBE)
        case -2: RGBA(hex: 0x849EBA)
        case -3: RGBA(hex: 0x4575B5)
        default: RGBA(hex: 0xF2F0E6)
        }
    }

    /// The seven-class legend, hot at the top.
    public static func legend(chinese: Bool) -> [ClassedLegend.Entry] {
        let labels = chinese
            ? ["热点 99% 置信度", "热点 95% 置信度", "热点 90% 置信度", "不显著", "冷点 90% 置信度", "冷点 95% 置信度", "冷点 99% 置信度"]
            : ["Hot spot, 99% confidence", "Hot spot, 95% confidence", "Hot spot, 90% confidence", "Not significant",
               "Cold spot, 90% confidence", "Cold spot, 95% confidence", "Cold spot, 99% confidence"]
        return zip([3, 2, 1, 0, -1, -2, -3] as [Int8], labels).map { ClassedLegend.Entry(color: color(bin: $0), label: $1) }
    }
}
