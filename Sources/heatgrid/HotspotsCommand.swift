import ArgumentParser
import HeatGridKit

struct HotspotsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hotspots",
        abstract: "Statistically significant hot and cold spots per cell: Getis-Ord Gi* and local Moran's I.",
        discussion: """
            Counts the incidents of each cell (or their harm, --value harm), finds each cell's neighbours (--weights: queen or rook contiguity as libpysal defines them, distance:METRES between centroids, knn:K; --snap METRES also joins cells separated by slivers), and computes Getis-Ord Gi* as ArcGIS's Hot Spot Analysis and esda do (z-score, two-sided p-value, bins ±3/±2/±1 for 99/95/90 % confidence, --fdr for the Benjamini–Hochberg correction) and local Moran's I with its clusters and outliers (HH, LL, HL, LH). With --permutations N both get esda's conditional-permutation pseudo p-values (seeded: --seed).

            With --optimized it works as ArcGIS's Optimized Hot Spot Analysis: it refuses fewer than 30 incidents in cells or fewer than 30 cells, chooses a distance band between cell centroids from the data (the first peak of incremental spatial autocorrelation — global Moran's I at ten growing distances — or, without a peak, the average distance to each cell's K nearest neighbours), always corrects for the false discovery rate, and prints each choice it made.

            Writes every cell with its input properties plus count, gi_z, gi_p, gi_p_sim, gi_bin, moran_i, moran_p and moran_class (RFC 7946 GeoJSON), and with --png the hot spot map (the seven-class legend in Chinese or English). Cells without neighbours are listed: their Gi* rests on their own count alone.

            Examples:
              heatgrid hotspots --cells cells.geojson --incidents incidents.csv \\
                  --out output/hot.geojson --png output/hot.png
              heatgrid hotspots --cells cells.geojson --incidents incidents.csv \\
                  --period 2026-W14 --weights distance:1500 --fdr --value harm \\
                  --boundaries geodata/jiaxing.geojson --boundary-level district \\
                  --out output/w14.geojson --png output/w14.png
              heatgrid hotspots --cells cells.geojson --incidents incidents.csv \\
                  --optimized --out output/hot.geojson
            """
    )

    @OptionGroup var cellOptions: CellStatisticsArguments
    @OptionGroup var input: IncidentArguments

    @Option(help: "Only the incidents of one period: 2026-W14, 2026-03-05 or 2026-03.")
    var period: String?

    @Option(help: "Conditional permutations for pseudo p-values (0: analytic p-values only).")
    var permutations = 999

    @Option(help: "Seed of the permutations (the same seed gives the same p-values).")
    var seed: UInt64 = 7

    @Flag(help: "Correct the bins and clusters for the false discovery rate (Benjamini–Hochberg).")
    var fdr = false

    @Flag(help: "Optimized hot spot analysis: the distance band chosen from the data, FDR on (see above).")
    var optimized = false

    @Option(name: .customLong("out"), help: "The GeoJSON to write.")
    var outputPath: String

    @Option(help: "Also draw the hot spot map as this PNG.")
    var png: String?

    @Option(help: "Map width in pixels.")
    var size = 1600

    @Option(help: "Map title.")
    var title: String?

    @OptionGroup var manifest: ManifestOption
    @OptionGroup var common: CommonOptions

    func validate() throws {
        guard permutations >= 0 && permutations <= 99_999 else {
            throw ValidationError("--permutations must be between 0 and 99999")
        }
        if let period, Period(label: period) == nil {
            throw ValidationError("--period takes a week (2026-W14), a day (2026-03-05) or a month (2026-03), got '\(period)'")
        }
        if optimized && (cellOptions.weights != nil || cellOptions.snap != nil) {
            throw ValidationError("--optimized chooses the neighbours itself (a distance band); leave out --weights and --snap")
        }
        guard (64...16_384).contains(size) else { throw ValidationError("--size must be between 64 and 16384") }
    }

    func run() throws {
        try reportingErrors {
            var job = HotspotsJob(cellsPath: cellOptions.cells, incidentsPath: input.incidents, outputPath: outputPath)
            job.idField = cellOptions.idField
            job.incidents = try input.options()
            if let period = period.flatMap({ Period(label: $0) }) {
                job.incidents.filter.restrict(to: period, zone: job.incidents.csvOptions.timeZone)
            }
            job.layerDatum = cellOptions.boundaryDatum
            job.neighbours = try cellOptions.neighbourRule()
            job.permutations = permutations
            job.seed = seed
            job.fdr = fdr
            job.optimized = optimized
            job.harmWeighted = cellOptions.harmWeighted
            job.pngPath = png
            job.boundariesPath = cellOptions.boundaries
            job.boundaryLevel = cellOptions.boundaryLevel
            job.style.width = size
            job.title = title
            job.fontPath = cellOptions.font
            job.language = common.lang
            job.threads = common.threads
            job.validation = common.validation
            let report = try withProgress { try job.run(progress: $0) }
            print(HotspotsText(report: report, language: common.lang).text)
            try manifest.write(inputs: [cellOptions.cells, input.incidents, input.categories, cellOptions.boundaries],
                               outputs: report.files, seed: permutations > 0 ? seed : nil, timings: report.timings)
            if common.timings { printError(report.timings.json) }
        }
    }
}

/// The hot spot run as a planner reads it: what was counted, how many cells fall in each bin and class, the
/// strongest hot spots, islands.
struct HotspotsText {
    let report: HotspotsJob.Report
    let language: Language

    var text: String {
        let zh = language == .zh
        var lines: [String] = []
        lines.append(zh
            ? "读取 \(grouped(report.rowsRead)) 行：计入网格 \(grouped(report.assigned))，区域外 \(grouped(report.outside))，筛除 \(grouped(report.filteredOut))，拒绝 \(grouped(report.rejected))；邻接 \(report.neighbourRule)"
            : "rows \(grouped(report.rowsRead)): in cells \(grouped(report.assigned)), outside \(grouped(report.outside)), filtered out \(grouped(report.filteredOut)), rejected \(grouped(report.rejected)); neighbours \(report.neighbourRule)")
        if let band = report.optimization { lines += optimizationLines(band, zh: zh) }
        let names = zh ? ["热点 99%", "热点 95%", "热点 90%", "不显著", "冷点 90%", "冷点 95%", "冷点 99%"]
            : ["hot 99%", "hot 95%", "hot 90%", "not significant", "cold 90%", "cold 95%", "cold 99%"]
        let counts = ([3, 2, 1, 0, -1, -2, -3] as [Int8]).map { bin in report.bins.count(where: { $0 == bin }) }
        lines.append((zh ? "Gi* 分级：" : "Gi* bins: ")
            + zip(names, counts).map { "\($0) \(grouped($1))" }.joined(separator: zh ? "，" : ", "))
        if !report.moranClasses.isEmpty {
            let classes: [(LocalMoran.Cluster, String)] = [(.highHigh, "HH"), (.lowLow, "LL"), (.highLow, "HL"),
                                                           (.lowHigh, "LH"), (.notSignificant, zh ? "不显著" : "not significant")]
            lines.append((zh ? "局部莫兰聚类：" : "local Moran clusters: ")
                + classes.map { c, name in "\(name) \(grouped(report.moranClasses.count(where: { $0 == c })))" }
                    .joined(separator: zh ? "，" : ", "))
        }
        let top = report.gi.z.indices.filter { report.gi.z[$0].isFinite }.sorted { report.gi.z[$0] > report.gi.z[$1] }.prefix(5)
        if !top.isEmpty {
            lines.append(zh ? "最强热点：" : "strongest hot spots:")
            for k in top {
                let z = (report.gi.z[k] * 100).rounded() / 100
                lines.append("  \(report.cellIDs[k])  \(NumberText.text(report.values[k]))  z = \(NumberText.text(z))")
            }
        }
        if !report.islands.isEmpty {
            let listed = report.islands.prefix(8).map { report.cellIDs[$0] }.joined(separator: ", ")
            lines.append(zh ? "无邻接网格 \(report.islands.count) 个（Gi* 只依据其自身计数）：\(listed)"
                : "\(report.islands.count) cells without neighbours (Gi* rests on their own count): \(listed)")
        }
        lines += report.files.map { "  " + $0 }
        return lines.joined(separator: "\n")
    }

    /// What optimized hot spot analysis chose and why, as ArcGIS's messages tell it.
    private func optimizationLines(_ band: OptimizedDistanceBand, zh: Bool) -> [String] {
        func metres(_ value: Double) -> String { grouped(Int(value.rounded())) + (zh ? " 米" : " m") }
        func fixed(_ value: Double) -> String { value.isFinite ? String(format: "%.3f", value) : "–" }
        var lines: [String] = []
        lines.append(zh ? "优化热点分析：\(grouped(report.assigned)) 起事件、\(grouped(report.values.count)) 个网格（各至少 \(OptimizedHotSpots.minimumIncidents)）"
            : "optimized hot spot analysis: \(grouped(report.assigned)) incidents in \(grouped(report.values.count)) cells (at least \(OptimizedHotSpots.minimumIncidents) each)")
        if !band.locationalOutliers.isEmpty {
            let listed = band.locationalOutliers.prefix(8).map { report.cellIDs[$0] }.joined(separator: ", ")
            lines.append(zh ? "  位置离群网格 \(band.locationalOutliers.count) 个（不参与起始距离）：\(listed)"
                : "  \(band.locationalOutliers.count) locational outliers (left out of the start distance): \(listed)")
        }
        lines.append(zh ? "  增量空间自相关：\(band.steps.count) 个距离，起于 \(metres(band.startDistance))，步长 \(metres(band.increment))"
            : "  incremental spatial autocorrelation: \(band.steps.count) distances from \(metres(band.startDistance)) by \(metres(band.increment))")
        var table = TextTable(header: zh ? ["距离", "网格数", "Moran's I", "z", ""] : ["distance", "cells", "Moran's I", "z", ""],
                              rightAligned: [0, 1, 2, 3])
        for (k, step) in band.steps.enumerated() {
            let mark = band.choice == .firstPeak(index: k) ? (zh ? "← 第一个峰值" : "← first peak") : ""
            table.rows.append([metres(step.distance), grouped(step.units), fixed(step.moranI), fixed(step.z), mark])
        }
        lines += table.render().split(separator: "\n").map { "    " + String($0.reversed().drop { $0 == " " }.reversed()) }
        switch band.choice {
        case .firstPeak(let index):
            lines.append(zh ? "  距离阈值 \(metres(band.distance))：z 值的第一个峰值（z = \(fixed(band.steps[index].z))）"
                : "  distance band \(metres(band.distance)): the first peak of the z-scores (z = \(fixed(band.steps[index].z)))")
        case .nearestNeighbours(let k):
            lines.append(zh ? "  无显著峰值：距离阈值 \(metres(band.distance))，即到第 \(k) 近邻的平均距离"
                : "  no significant peak: distance band \(metres(band.distance)), the average distance to the \(k) nearest neighbours")
        case .standardDistance(let k):
            lines.append(zh ? "  无显著峰值，到第 \(k) 近邻的平均距离超过标准距离：距离阈值取标准距离 \(metres(band.distance))"
                : "  no significant peak, and the average distance to \(k) nearest neighbours passes the standard distance: distance band \(metres(band.distance)) (the standard distance)")
        }
        lines.append(zh ? "  Gi* 显著性按错误发现率（FDR）校正" : "  Gi* significance corrected for the false discovery rate (FDR)")
        return lines
    }
}
