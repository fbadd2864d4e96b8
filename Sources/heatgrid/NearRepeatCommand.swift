import ArgumentParser
import HeatGridKit

struct NearRepeatCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nearrepeat",
        abstract: "Near-repeat test (Knox, as the Near Repeat Calculator): close in space, close in time?",
        discussion: """
            Counts every pair of incidents by distance band and time band, shuffles the times among the incidents --permutations times (seeded: --seed), and reports per band pair the observed pairs, the mean of the simulations, the Knox ratio (observed ÷ expected) and the Monte Carlo p-value (1 + simulations with at least as many pairs) ÷ (1 + permutations). Distances are in metres in the incidents' UTM zone (Euclidean or --manhattan); bands are closed on the right: with --distance-band 100 the bands are the same location, 0–100, 100–200 m … and with --time-band 7 they are 0–7, 7–14 days …

            Examples:
              heatgrid nearrepeat --incidents incidents.csv --category burglary \\
                  --out output/near_repeat.csv
              heatgrid nearrepeat --incidents 警情.csv --category 入室盗窃 \\
                  --distance-band 200 --distance-bands 4 --time-band 7 --time-bands 4 \\
                  --permutations 999 --seed 7 --out output/knox.csv
            """
    )

    @OptionGroup var input: IncidentArguments

    @Option(help: "Width of each distance band in metres.")
    var distanceBand = 100.0

    @Option(help: "Number of distance bands (after the same-location band).")
    var distanceBands = 5

    @Option(help: "Width of each time band in days.")
    var timeBand = 7.0

    @Option(help: "Number of time bands.")
    var timeBands = 5

    @Flag(help: "Manhattan distance instead of Euclidean (street grids).")
    var manhattan = false

    @Flag(help: "No same-location band: pairs at distance 0 go to the first band.")
    var noSameLocation = false

    @Option(help: "Monte Carlo simulations.")
    var permutations = 999

    @Option(help: "Seed of the simulations.")
    var seed: UInt64 = 7

    @Option(name: .customLong("out"), help: "The CSV to write (distance and time band, observed, expected, Knox ratio, p).")
    var outputPath: String

    @OptionGroup var manifest: ManifestOption
    @OptionGroup var common: CommonOptions

    func validate() throws {
        guard distanceBand > 0, distanceBand.isFinite, timeBand > 0, timeBand.isFinite else {
            throw ValidationError("--distance-band and --time-band must be positive")
        }
        guard (1...50).contains(distanceBands), (1...50).contains(timeBands) else {
            throw ValidationError("--distance-bands and --time-bands must be between 1 and 50")
        }
        guard (1...99_999).contains(permutations) else { throw ValidationError("--permutations must be between 1 and 99999") }
        guard distanceBand * Double(distanceBands) <= 50_000 else {
            throw ValidationError("the distance bands reach past 50 km: a near-repeat test looks at the neighbourhood")
        }
    }

    func run() throws {
        try reportingErrors {
            var job = NearRepeatJob(incidentsPath: input.incidents, outputPath: outputPath)
            job.incidents = try input.options()
            job.distanceBands = (1...distanceBands).map { Double($0) * distanceBand }
            job.timeBands = (1...timeBands).map { Double($0) * timeBand }
            job.sameLocation = !noSameLocation
            job.metric = manhattan ? .manhattan : .euclidean
            job.permutations = permutations
            job.seed = seed
            job.threads = common.threads
            let report = try withProgress { try job.run(progress: $0) }
            let zh = common.lang == .zh
            print(zh ? "检验 \(grouped(report.tested)) 起事件（读取 \(grouped(report.rowsRead)) 行，筛除 \(grouped(report.filteredOut))，拒绝 \(grouped(report.rejected))）；诺克斯比（p 值），行为距离（米），列为时间（天）："
                : "\(grouped(report.tested)) incidents tested (rows \(grouped(report.rowsRead)), filtered out \(grouped(report.filteredOut)), rejected \(grouped(report.rejected))); Knox ratio (p), rows distance in metres, columns time in days:")
            let test = report.test
            let ratio = test.knoxRatio, p = test.p
            var rows = [[zh ? "距离＼时间" : "metres \\ days"] + test.timeLabels]
            for (d, label) in test.distanceLabels.enumerated() {
                rows.append([label == "0" ? (zh ? "同一地点" : "same place") : label] + test.timeLabels.indices.map { t in
                    let r = ratio[d][t].isFinite ? NumberText.text((ratio[d][t] * 100).rounded() / 100) : "–"
                    let star = p[d][t] <= 0.01 ? "**" : p[d][t] <= 0.05 ? "*" : ""
                    return "\(r)\(star) (\(NumberText.text((p[d][t] * 1000).rounded() / 1000)))"
                })
            }
            let widths = rows[0].indices.map { k in rows.map { $0[k].count }.max() ?? 0 }
            for row in rows {
                print("  " + row.enumerated().map { k, cell in
                    String(repeating: " ", count: widths[k] - cell.count) + cell
                }.joined(separator: "  "))
            }
            print(zh ? "  * p ≤ 0.05，** p ≤ 0.01" : "  * p ≤ 0.05, ** p ≤ 0.01")
            print(report.files.map { "  " + $0 }.joined(separator: "\n"))
            try manifest.write(inputs: [input.incidents, input.categories], outputs: report.files, seed: seed,
                               timings: report.timings)
            if common.timings { printError(report.timings.json) }
        }
    }
}
