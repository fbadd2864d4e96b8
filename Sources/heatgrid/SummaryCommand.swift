import ArgumentParser
import HeatGridKit

struct SummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Counts by cell, area, category and period, compared with an earlier period, and how concentrated.",
        discussion: """
            Assigns every incident to its cell as `heatgrid assign` does, maps each category as written in the file to a canonical code (the category table: geodata/categories.csv by default; unknown categories count as `other` and are listed), and counts per cell, per parent area (--parents) and for the whole area, per category and per period: ISO weeks (Monday to Sunday), days, months, hours of the day or days of the week on the clock of --tz.

            Writes summary.csv (columns level, unit_id, unit_name, category, period, count, previous, change, change_pct, harm, harm_previous), concentration.csv (share of incidents in the top 1/5/10 % of cells, Gini and generalized Gini per period and category), summary.json (the same, with the Lorenz curves) and, with --compstat, compstat.csv (this week, last 28 days and year to date against the periods before). --charts adds lorenz.png and periods.png.

            --period reports one week, day or month; --since and --until report the whole periods that hold any part of that span; otherwise every period from the first incident to the last. A change in percent is empty when the base is zero and the count is not.

            Examples:
              heatgrid summary --cells cells.geojson --incidents incidents.csv \\
                  --out output/summary
              heatgrid summary --cells cells.geojson --incidents 警情.csv \\
                  --period 2026-W14 \\
                  --compare year --parents streets.geojson --parent-id-field code \\
                  --out output/w14
              heatgrid summary --cells cells.geojson --incidents incidents.csv \\
                  --by month \\
                  --since 2026-01-01 --until 2026-06-30 --compare previous --charts \\
                  --lang en --out output/h1
            """
    )

    @Option(help: "Cell layer (GeoJSON polygons).")
    var cells: String

    @Option(help: "Property holding each cell's id.")
    var idField = "cell_id"

    @Option(help: "Property holding each cell's display name (default: its id).")
    var nameField: String?

    @OptionGroup var input: IncidentArguments

    @Option(help: "Datum of the cell layer: wgs84, gcj02 or bd09. Default: wgs84.")
    var boundaryDatum: Datum?

    @Option(help: "Periods to count by: week, day, month, hour or weekday.")
    var by: PeriodUnit = .week

    @Option(help: "Report one period: 2026-W14, 2026-03-05 or 2026-03.")
    var period: String?

    @Option(help: "Compare each period with: previous, year (the same period a year earlier) or a period (2026-W10).")
    var compare: String?

    @Flag(help: "Also write compstat.csv: week, 28 days and year to date, each against the period before.")
    var compstat = false

    @Option(help: "A coarser layer (communities, subdistricts) to roll the counts up into.")
    var parents: String?

    @Option(help: "Property holding each parent's id.")
    var parentIdField = "id"

    @Option(help: "Keep only parent features whose 'level' property has this value (also the level's name).")
    var parentLevel: String?

    @Option(help: "Property of each cell naming its parent's id (default: the parent it overlaps most).")
    var parentField: String?

    @Flag(help: "Also draw lorenz.png and periods.png for briefings.")
    var charts = false

    @Option(help: "Font for the charts (needs Chinese glyphs; default: a CJK font from Debian's packages).")
    var font: String?

    @Option(name: .customLong("out"), help: "Folder to write summary.csv, concentration.csv and summary.json into.")
    var outputFolder: String

    @OptionGroup var manifest: ManifestOption
    @OptionGroup var common: CommonOptions

    func validate() throws {
        if let period, Period(label: period) == nil {
            throw ValidationError("--period takes a week (2026-W14), a day (2026-03-05) or a month (2026-03), got '\(period)'")
        }
        if let compare, PeriodComparison(compare) == nil {
            throw ValidationError("--compare takes previous, year or a period such as 2026-W10, got '\(compare)'")
        }
        if period != nil && (input.since != nil || input.until != nil) {
            throw ValidationError("--period and --since/--until choose the periods in two ways: give one")
        }
    }

    func run() throws {
        try reportingErrors {
            var job = SummaryJob(cellsPath: cells, incidentsPath: input.incidents, outputFolder: outputFolder)
            job.idField = idField
            job.nameField = nameField
            job.incidents = try input.options()
            job.layerDatum = boundaryDatum
            job.by = by
            job.period = period.flatMap { Period(label: $0) }
            job.comparison = compare.flatMap { PeriodComparison($0) }
            if case .fixed(let base)? = job.comparison, base.unit != (job.period?.unit ?? by) {
                throw ValidationError("--compare \(base.label) is a \(base.unit.rawValue), the periods are \((job.period?.unit ?? by).rawValue)s")
            }
            job.compstat = compstat
            job.parents = parents.map {
                ParentLayer(path: $0, idField: parentIdField, level: parentLevel, parentField: parentField)
            }
            job.charts = charts
            job.fontPath = font
            job.language = common.lang
            job.threads = common.threads
            job.validation = common.validation
            let report = try withProgress { try job.run(progress: $0) }
            print(SummaryText(report: report, language: common.lang).text)
            try manifest.write(inputs: [cells, input.incidents, input.categories, parents], outputs: report.files,
                               timings: report.timings)
            if common.timings { printError(report.timings.json) }
        }
    }
}

extension PeriodUnit: ExpressibleByArgument {}
