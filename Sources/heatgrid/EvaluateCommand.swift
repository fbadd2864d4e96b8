import ArgumentParser
import HeatGridKit

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Score last period's hot spot map against this period's incidents: hit rate, PAI, PEI, RRI.",
        discussion: """
            The map is a cell layer whose properties rank the cells — a `heatgrid hotspots` output for --period, say. Its flagged cells (--flag FIELD:MIN, default gi_bin:2, the hot spots at 95 % confidence or more; or --top PERCENT of cells by --rank) are scored on the incidents of --next (default: the period after): hit rate = n/N; PAI = (n/N)/(a/A) (Chainey et al. 2008); PEI = PAI over the PAI of the best cells of the same area (Hunt 2016); RRI = (n₂/n₁)/(N₂/N₁) (Levine 2008), n₁ and N₁ counted in --period. Writes score.json, hit_rate.csv (hit rate against share of area, cells added by --rank) and hit_rate.png.

            --rank kde ranks the cells by the kernel density of --period's incidents at each cell's centroid (incidents per km², what that period's heat map shows there; --radius, --kernel), so a heat map can be scored like a hot spot map; the densities go to density.csv. Any cell layer serves as the map then.

            Examples:
              heatgrid hotspots --cells cells.geojson --incidents incidents.csv \\
                  --period 2026-W14 --out output/w14.geojson
              heatgrid evaluate --map output/w14.geojson --incidents incidents.csv \\
                  --period 2026-W14 --out output/w14-score
              heatgrid evaluate --map cells.geojson --incidents incidents.csv \\
                  --period 2026-W14 --rank kde --radius 400 --top 5 --out output/kde-score
            """
    )

    @Option(help: "The map: a cell layer (GeoJSON) with the flag and rank properties, e.g. a hotspots output.")
    var map: String

    @Option(help: "Property holding each cell's id.")
    var idField = "cell_id"

    @OptionGroup var input: IncidentArguments

    @Option(help: "Datum of the map's cells: wgs84, gcj02 or bd09. Default: wgs84.")
    var boundaryDatum: Datum?

    @Option(help: "The map's own period: 2026-W14, 2026-03-05 or 2026-03.")
    var period: String

    @Option(help: "The period the map is scored on (default: the one after --period).")
    var next: String?

    @Option(help: "Flagged cells: FIELD:MIN, cells whose FIELD is at least MIN.")
    var flag = "gi_bin:2"

    @Option(help: "Flag the top PERCENT of cells by --rank instead of --flag.")
    var top: Double?

    @Option(help: "The property ranking the cells (highest first), or kde for the period's kernel density.")
    var rank = "gi_z"

    @Option(help: "With --rank kde: kernel radius in metres (default: ArcGIS's rule from the incidents' spread).")
    var radius: Double?

    @Option(help: "With --rank kde: quartic, epanechnikov, triweight, uniform or triangular.")
    var kernel: Kernel = .quartic

    @Option(name: .customLong("out"), help: "Folder for score.json, hit_rate.csv and hit_rate.png.")
    var outputFolder: String

    @OptionGroup var manifest: ManifestOption
    @OptionGroup var common: CommonOptions

    func validate() throws {
        guard let period = Period(label: period), period.unit != .hour, period.unit != .weekday else {
            throw ValidationError("--period takes a week (2026-W14), a day (2026-03-05) or a month (2026-03)")
        }
        if let next, Period(label: next)?.unit != period.unit {
            throw ValidationError("--next must be a period of the same kind as --period")
        }
        if let radius, !(radius > 0 && radius.isFinite) { throw ValidationError("--radius must be a positive number of metres") }
        if rank != "kde" && radius != nil { throw ValidationError("--radius applies to --rank kde only") }
        if let top, !(top > 0 && top <= 100) { throw ValidationError("--top takes a percentage above 0 and up to 100") }
        if top == nil, flag.split(separator: ":").count != 2 || Double(flag.split(separator: ":")[1]) == nil {
            throw ValidationError("--flag takes FIELD:MIN, e.g. gi_bin:2, got '\(flag)'")
        }
    }

    func run() throws {
        try reportingErrors {
            let period = Period(label: self.period)!
            var job = EvaluateJob(mapPath: map, incidentsPath: input.incidents, outputFolder: outputFolder,
                                  period: period, next: next.flatMap { Period(label: $0) } ?? Period(unit: period.unit, index: period.index + 1))
            job.idField = idField
            job.incidents = try input.options()
            job.layerDatum = boundaryDatum
            if let top {
                job.flag = .top(fraction: top / 100)
            } else {
                let parts = flag.split(separator: ":")
                job.flag = .atLeast(field: String(parts[0]), value: Double(parts[1])!)
            }
            job.ranking = rank == "kde" ? .kernelDensity(radius: radius, kernel: kernel) : .property(rank)
            job.language = common.lang
            job.threads = common.threads
            job.validation = common.validation
            let report = try withProgress { try job.run(progress: $0) }
            let zh = common.lang == .zh
            let s = report.score
            func text(_ value: Double?, digits: Double = 100) -> String { value.map { NumberText.text(($0 * digits).rounded() / digits) } ?? "–" }
            print(zh ? "\(job.period.label) 的地图对 \(job.next.label)：标记 \(grouped(report.flaggedCells)) / \(grouped(report.cellCount)) 个网格，占面积 \(text(s.totalArea > 0 ? 100 * s.flaggedArea / s.totalArea : nil)) %"
                : "the \(job.period.label) map against \(job.next.label): \(grouped(report.flaggedCells)) of \(grouped(report.cellCount)) cells flagged, \(text(s.totalArea > 0 ? 100 * s.flaggedArea / s.totalArea : nil)) % of the area")
            print(zh ? "  命中率 \(text(s.hitRate.map { $0 * 100 })) %（\(grouped(s.captured)) / \(grouped(s.total)) 起）"
                : "  hit rate \(text(s.hitRate.map { $0 * 100 })) % (\(grouped(s.captured)) of \(grouped(s.total)) incidents)")
            print("  PAI \(text(s.pai))   PEI \(text(s.pei))   RRI \(text(s.rri))")
            print(report.files.map { "  " + $0 }.joined(separator: "\n"))
            try manifest.write(inputs: [map, input.incidents, input.categories], outputs: report.files,
                               timings: report.timings)
            if common.timings { printError(report.timings.json) }
        }
    }
}
