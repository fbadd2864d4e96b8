import AtomicOutput
import Dispatch
import Foundation
import GeoCore
import GeoJSON
import Incidents
import Neighbours
import Projection
import Render
import Stats

/// `heatgrid evaluate`: how well one period's hot spot map predicted the next period's incidents — hit rate, PAI, PEI,
/// RRI and the hit rate against the share of area for the map's top cells.
public struct EvaluateJob: Sendable {
    /// Which cells the map flags.
    public enum Flag: Sendable, Equatable {
        /// Cells whose property is at least the value (`gi_bin:2`: hot spots at 95 % confidence or more).
        case atLeast(field: String, value: Double)
        /// The top fraction of cells by the ranking property.
        case top(fraction: Double)
    }

    /// The map: a cell layer whose properties hold the ranking (a `heatgrid hotspots` output, say).
    public var mapPath: String
    public var idField = "cell_id"
    public var incidentsPath: String
    public var outputFolder: String
    public var incidents = IncidentOptions()
    public var layerDatum: Datum?
    /// The map's own period and the period it is scored on.
    public var period: Period
    public var next: Period
    public var flag = Flag.atLeast(field: "gi_bin", value: 2)
    /// What ranks the cells for the top fraction and the curve.
    public enum Ranking: Sendable, Equatable {
        /// A numeric property of the map's cells (`gi_z`, `count`).
        case property(String)
        /// Kernel density of the map period's incidents at each cell's centroid, in incidents per km², as that
        /// period's heat map shows it there; radius in metres, nil for ArcGIS's default rule on those incidents.
        case kernelDensity(radius: Double?, kernel: Kernel)
    }

    public var ranking = Ranking.property("gi_z")
    public var language = Language.zh
    public var fontPath: String?
    public var threads = 2
    public var validation = LayerValidation.reject

    public init(mapPath: String, incidentsPath: String, outputFolder: String, period: Period, next: Period) {
        self.mapPath = mapPath
        self.incidentsPath = incidentsPath
        self.outputFolder = outputFolder
        self.period = period
        self.next = next
    }

    public struct Report: Sendable {
        public let score: MapScore
        public let flaggedCells: Int
        public let cellCount: Int
        public let curve: [(area: Double, hitRate: Double)]
        /// The kernel radius used by a kernel-density ranking, in metres.
        public let densityRadius: Double?
        public let files: [String]
        public let timings: Timings
    }

    public func run(progress: (String) -> Void = { _ in }) throws -> Report {
        let started = DispatchTime.now().uptimeNanoseconds
        var timings = Timings()
        let font = try FontFace.cjkOrError(path: fontPath)
        try createFolder(outputFolder)
        let loaded = try AssignedIncidents.load(
            cellsPath: mapPath, idField: idField, incidentsPath: incidentsPath, incidents: incidents,
            layerDatum: layerDatum, needsTime: true, validation: validation, threads: threads, timings: &timings,
            progress: progress)
        let (cells, read, assignment) = (loaded.cells, loaded.incidents, loaded.assignment)
        let times = try loaded.times(for: "scoring a map", path: incidentsPath)
        let zone = incidents.csvOptions.timeZone
        // Incidents per cell in the map's period and in the next one.
        var current = [Int](repeating: 0, count: cells.count), following = current
        for (row, cell) in assignment.enumerated() where cell >= 0 {
            let local = zone.localSeconds(utc: times[row])
            if period.localSpan?.contains(local) == true { current[Int(cell)] += 1 }
            if next.localSpan?.contains(local) == true { following[Int(cell)] += 1 }
        }
        let projection = TransverseMercator.utm(containing: cells.boundingBox.center)
        let rank: [Double]
        var densityRadius: Double?
        let rankLabel: String
        switch ranking {
        case .property(let field):
            rankLabel = field
            rank = try cells.features.enumerated().map { k, feature -> Double in
                guard let value = feature.properties[field]?.doubleValue else {
                    throw HeatGridError("\(mapPath): feature \(cells.inputIndices[k]) has no number '\(field)' to rank by")
                }
                return value
            }
        case .kernelDensity(let radius, let kernel):
            // Every located incident of the map's period counts, inside the cells or not, as on its heat map.
            var x: [Double] = [], y: [Double] = []
            for row in 0..<read.table.count where period.localSpan?.contains(zone.localSeconds(utc: times[row])) == true {
                let p = projection.forward(Point(x: read.table.longitude[row], y: read.table.latitude[row]))
                x.append(p.x)
                y.append(p.y)
            }
            guard let chosen = radius ?? KernelDensity.defaultRadius(x: x, y: y) else {
                throw HeatGridError("\(incidentsPath): \(x.count) located incidents in \(period.label) are too few to choose a kernel radius; give --radius")
            }
            densityRadius = chosen
            rankLabel = "kde \(kernel.rawValue) r = \(grouped(Int(chosen.rounded()))) m"
            let centroids = Neighbours.centroids(cells.polygons, projection: projection)
            rank = KernelDensity.values(atX: centroids.map(\.x), y: centroids.map(\.y), pointsX: x, y: y,
                                        radius: chosen, kernel: kernel).map { $0.isFinite ? $0 : 0 }
        }
        let flagged: [Bool]
        switch flag {
        case .atLeast(let field, let threshold):
            flagged = try cells.features.enumerated().map { k, feature in
                guard let value = feature.properties[field]?.doubleValue else {
                    throw HeatGridError("\(mapPath): feature \(cells.inputIndices[k]) has no number '\(field)' to flag by")
                }
                return value >= threshold
            }
        case .top(let fraction):
            let k = Concentration.topPlaceCount(fraction: fraction, places: cells.count)
            let order = rank.indices.sorted { rank[$0] > rank[$1] || (rank[$0] == rank[$1] && $0 < $1) }
            var chosen = [Bool](repeating: false, count: cells.count)
            for i in order.prefix(k) { chosen[i] = true }
            flagged = chosen
        }
        let area = cells.polygons.map { projectedArea($0, projection) }
        let score = MapScore(flagged: flagged, next: following, current: current, area: area)
        let curve = MapScore.hitRateCurve(rank: rank, next: following, area: area)

        var files: [String] = []
        let zh = language == .zh
        try timings.measure("write") {
            var csv = Array("cells,area_share,hit_rate\n".utf8)
            for (k, point) in curve.enumerated() {
                csv += Array("\(k),".utf8)
                NumberText.append((point.area * 1e6).rounded() / 1e6, to: &csv)
                csv.append(UInt8(ascii: ","))
                NumberText.append((point.hitRate * 1e6).rounded() / 1e6, to: &csv)
                csv.append(UInt8(ascii: "\n"))
            }
            try writeAtomically(csv, to: outputFolder + "/hit_rate.csv")
            if densityRadius != nil {
                var density = Array("\(idField),density_per_km2\n".utf8)
                for (k, value) in rank.enumerated() {
                    CSVText.appendField(cells.ids[k].utf8, to: &density)
                    density.append(UInt8(ascii: ","))
                    NumberText.append((value * 1e6).rounded() / 1e6, to: &density)
                    density.append(UInt8(ascii: "\n"))
                }
                try writeAtomically(density, to: outputFolder + "/density.csv")
                files.append(outputFolder + "/density.csv")
            }
            var json = JSONObject()
            json["map"] = .string(mapPath)
            json["period"] = .string(period.label)
            json["next"] = .string(next.label)
            json["flagged_cells"] = .number(Double(flagged.count(where: { $0 })))
            json["cells"] = .number(Double(cells.count))
            json["incidents_next"] = .number(Double(score.total))
            json["captured_next"] = .number(Double(score.captured))
            json["area_share"] = score.totalArea > 0 ? .number(score.flaggedArea / score.totalArea) : .null
            for (key, value) in [("hit_rate", score.hitRate), ("pai", score.pai), ("pei", score.pei), ("rri", score.rri)] {
                json[key] = value.map(JSONValue.number) ?? .null
            }
            guard let bytes = JSONText.encode(.object(json)) else { throw HeatGridError("a score is not finite") }
            try writeAtomically(bytes + [UInt8(ascii: "\n")], to: outputFolder + "/score.json")
            files += [outputFolder + "/hit_rate.csv", outputFolder + "/score.json"]
            let chart = LorenzChart(
                curve: curve.map { Point(x: $0.area, y: $0.hitRate) },
                title: zh ? "命中率曲线：\(period.label) 的地图预测 \(next.label)" : "Hit rate: the \(period.label) map against \(next.label)",
                subtitle: zh ? "按 \(rankLabel) 从高到低累加网格" : "cells added by \(rankLabel), highest first",
                placesAxisTitle: zh ? "面积累计占比" : "cumulative share of area",
                incidentsAxisTitle: zh ? "下期事件命中率" : "share of next period's incidents",
                notes: [score.pai.map { "PAI \(NumberText.text(($0 * 100).rounded() / 100))" } ?? "PAI –",
                        score.hitRate.map { (zh ? "命中率 " : "hit rate ") + NumberText.text(($0 * 1000).rounded() / 10) + " %" } ?? ""],
                curveLabel: zh ? "命中率" : "hit rate", equalityLabel: zh ? "随机（面积占比）" : "chance (share of area)",
                shadesGiniArea: false)
            let image = chart.render(text: TextRenderer(font: font))
            let png = try PNGEncoder.encode(rgba: image.pixels, width: image.width, height: image.height)
            try writeAtomically(png, to: outputFolder + "/hit_rate.png")
            files.append(outputFolder + "/hit_rate.png")
        }
        timings.record("wall", seconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
        return Report(score: score, flaggedCells: flagged.count(where: { $0 }), cellCount: cells.count, curve: curve,
                      densityRadius: densityRadius, files: files, timings: timings)
    }
}

/// Creates `folder` (and its parents) and checks it can be written, before any work.
func createFolder(_ folder: String) throws {
    do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
        throw HeatGridError("\(folder): cannot create the output folder (\(error.localizedDescription))")
    }
    guard FileManager.default.isWritableFile(atPath: folder) else {
        throw HeatGridError("\(folder): the output folder is not writable")
    }
}
