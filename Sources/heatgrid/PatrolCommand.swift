import ArgumentParser
import HeatGridKit

struct PatrolCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "patrol",
        abstract: "A week of patrol routes per unit and shift, where and when the expected harm is.",
        discussion: """
            Estimates the risk of every cell in every hour of the week from the incidents before the planned week (harm weights of the category file, a half-life of --half-life weeks, smoothed over neighbouring cells and hours; raised for significant Gi* hot spots of the last four weeks and for 14 days within 200 m of a burglary), then plans each unit's route in each shift: visits of --visit minutes (Koper's 10–15) to the cells and hours of most harm, no cell revisited within --revisit-gap minutes, at most --cap visits per cell and shift, travel at the speed of --mode times a detour factor, a --break allowance per shift — an iterated local search (Vansteenwegen et al. 2009). Visit times get seeded jitter within the routes' slack: the same seed gives the same plan.

            The shifts file has one row per shift worked every day: name,start,end,units (e.g. 早班,08:00,16:00,4; 22:00 to 06:00 runs overnight). With --bases (stations as GeoJSON points) routes start and end at a station; with --beats each unit of a shift keeps to its own contiguous beat.

            Writes under --out: plan.csv (unit,shift,order,cell_id,arrive,depart,minutes,expected_harm with ISO 8601 local times and offsets), plan.geojson (routes and visits), calendars/<unit>.ics, risk.csv, summary.json and maps/<shift>.png, and prints the share of expected harm covered against three baselines: the top cells by count, minutes in proportion to risk, random cells.

            Examples:
              heatgrid patrol --cells cells.geojson --incidents incidents.csv \\
                  --shifts shifts.csv --out output/patrol
              heatgrid patrol --cells cells.geojson --incidents incidents.csv \\
                  --shifts shifts.csv --bases stations.geojson --beats \\
                  --week 2026-W15 --mode ebike --seed 7 --out output/w15
            """
    )

    @Option(help: "Cell layer (GeoJSON polygons).")
    var cells: String

    @Option(help: "Property holding each cell's id.")
    var idField = "cell_id"

    @Option(help: "Datum of the cell layer: wgs84, gcj02 or bd09. Default: wgs84.")
    var boundaryDatum: Datum?

    @OptionGroup var input: IncidentArguments

    @Option(help: "Shifts file: name,start,end,units.")
    var shifts: String

    @Option(help: "Stations (GeoJSON points with a name) where routes start and end.")
    var bases: String?

    @Flag(help: "Give each unit of a shift its own contiguous beat, balanced by risk.")
    var beats = false

    @Option(help: "The week to plan, e.g. 2026-W15 (default: the week after the last incident).")
    var week: String?

    @Option(help: "How units travel: foot, ebike or car.")
    var mode = "car"

    @Option(help: "Minutes per visit (10 to 15).")
    var visit = 12.0

    @Option(help: "Minutes before a cell is visited again in a shift.")
    var revisitGap = 120.0

    @Option(help: "Visits per cell and shift at most.")
    var cap = 3

    @Option(name: .customLong("break"), help: "Break minutes per shift.")
    var breakMinutes = 30.0

    @Option(help: "Half-life of past incidents' weight, in weeks.")
    var halfLife = 4.0

    @Option(help: "Seed of the search and the visit times.")
    var seed: UInt64 = 7

    @Option(help: "Map width in pixels.")
    var size = 1400

    @Flag(help: "Draw each day's routes of every shift, not one map per shift.")
    var everyDay = false

    @Option(name: .customLong("out"), help: "Folder for the plan, calendars, maps and summary.")
    var outputFolder: String

    @Option(help: "Font for map text (needs Chinese glyphs).")
    var font: String?

    @OptionGroup var manifest: ManifestOption
    @OptionGroup var common: CommonOptions

    static let modes: [String: TravelMode] = ["foot": .foot, "ebike": .eBike, "e-bike": .eBike, "car": .car]

    func validate() throws {
        if let week, Period(label: week)?.unit != .week {
            throw ValidationError("--week takes an ISO week such as 2026-W15, got '\(week)'")
        }
        guard Self.modes[mode.lowercased()] != nil else {
            throw ValidationError("--mode takes foot, ebike or car, got '\(mode)'")
        }
        guard (10...15).contains(visit) else { throw ValidationError("--visit must be from 10 to 15 minutes") }
        guard revisitGap >= 0, revisitGap.isFinite else { throw ValidationError("--revisit-gap must be 0 or more minutes") }
        guard cap >= 1 else { throw ValidationError("--cap must be 1 or more") }
        guard breakMinutes >= 0, breakMinutes.isFinite else { throw ValidationError("--break must be 0 or more minutes") }
        guard halfLife > 0, halfLife.isFinite else { throw ValidationError("--half-life must be a positive number of weeks") }
        guard (200...8_192).contains(size) else { throw ValidationError("--size must be between 200 and 8192") }
    }

    func run() throws {
        try reportingErrors {
            var job = PatrolJob(cellsPath: cells, incidentsPath: input.incidents, shiftsPath: shifts,
                                outputFolder: outputFolder)
            job.idField = idField
            job.incidents = try input.options()
            job.layerDatum = boundaryDatum
            job.basesPath = bases
            job.beats = beats
            job.week = week.flatMap { Period(label: $0) }
            job.mode = Self.modes[mode.lowercased()]!
            job.rules.visitMinutes = visit
            job.rules.revisitGapMinutes = revisitGap
            job.rules.visitsPerCellCap = cap
            job.rules.breakMinutes = breakMinutes
            job.risk.halfLifeWeeks = halfLife
            job.seed = seed
            job.pngSize = size
            job.pngEveryDay = everyDay
            job.fontPath = font
            job.language = common.lang
            job.threads = common.threads
            job.validation = common.validation
            let report = try withProgress { try job.run(progress: $0) }
            print(PatrolText(report: report, language: common.lang).text)
            try manifest.write(inputs: [cells, input.incidents, input.categories, shifts, bases], outputs: report.files,
                               seed: seed, timings: report.timings)
            if common.timings { printError(report.timings.json) }
        }
    }
}

/// The plan against the baselines, as a duty officer reads it.
struct PatrolText {
    let report: PatrolJob.Report
    let language: Language

    var text: String {
        let zh = language == .zh
        var lines: [String] = []
        lines.append(zh
            ? "\(report.week.label)：\(grouped(report.units)) 个巡逻组、\(grouped(report.shifts)) 个班次；依据此前 \(grouped(report.historyIncidents)) 起事件，热点网格 \(grouped(report.hotSpotCells)) 个，近重复窗口网格 \(grouped(report.nearRepeatCells)) 个"
            : "\(report.week.label): \(grouped(report.units)) units, \(grouped(report.shifts)) shifts; from \(grouped(report.historyIncidents)) earlier incidents, \(grouped(report.hotSpotCells)) hot-spot cells, \(grouped(report.nearRepeatCells)) cells in near-repeat windows")
        let names = zh
            ? ["plan": "本计划", "top_count": "按历史计数前 N 个网格", "risk_proportional": "按风险比例分配", "random": "随机网格"]
            : ["plan": "this plan", "top_count": "top cells by count", "risk_proportional": "minutes by risk", "random": "random cells"]
        var table = TextTable(header: zh ? ["方案", "覆盖预期危害", "到访", "巡逻分钟", "路途占比", "高风险 5% 分钟", "次高 15% 分钟"]
                                         : ["plan", "harm covered", "visits", "patrol min", "travel", "top 5% min", "next 15% min"],
                              rightAligned: [1, 2, 3, 4, 5, 6])
        for f in [report.plan] + report.baselines {
            table.rows.append([names[f.name] ?? f.name, percent(f.coveredShare), grouped(f.visits), grouped(Int(f.patrolMinutes)),
                               percent(f.travelShare), grouped(Int(f.minutesByRiskClass[0])), grouped(Int(f.minutesByRiskClass[1]))])
        }
        lines.append(table.render())
        if let best = report.baselines.max(by: { $0.coveredShare < $1.coveredShare }), best.coveredShare > 0 {
            let ratio = report.plan.coveredShare / best.coveredShare
            lines.append(zh ? "本计划覆盖的预期危害是最佳基线（\(names[best.name] ?? best.name)）的 \(String(format: "%.2f", ratio)) 倍"
                : "the plan covers \(String(format: "%.2f", ratio))x the expected harm of the best baseline (\(names[best.name] ?? best.name))")
        }
        lines += report.files.prefix(6).map { "  " + $0 }
        if report.files.count > 6 { lines.append(zh ? "  …共 \(report.files.count) 个文件" : "  … \(report.files.count) files in all") }
        return lines.joined(separator: "\n")
    }

    private func percent(_ share: Double) -> String { share.isFinite ? String(format: "%.1f %%", share * 100) : "–" }
}
