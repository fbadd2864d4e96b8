import Aggregate
import AtomicOutput
import Dispatch
import Foundation
import GeoCore
import GeoJSON
import Incidents
import Parallel
import Stats

/// `heatgrid summary`: the numbers a planner reads first — counts per cell, parent area and the whole area, per
/// category and period, compared with an earlier period, and how concentrated the incidents are.
///
/// Periods: `--period` reports one week, day or month; `--since`/`--until` report the whole periods of the `by`
/// unit that hold any part of that span (they choose periods, they do not cut incidents out of them, so a
/// comparison with the previous week always compares whole weeks); with neither, every period from the first
/// incident's to the last one's. Counts use every incident of the file in the chosen categories: a comparison base
/// outside the reported span is counted too.
public struct SummaryJob: Sendable {
    public var cellsPath: String
    public var idField = "cell_id"
    /// Property holding each cell's display name (default: its id).
    public var nameField: String?
    public var incidentsPath: String
    public var outputFolder: String
    public var incidents = IncidentOptions()
    /// The cells' datum (`--boundary-datum`); nil: WGS-84.
    public var layerDatum: Datum?
    public var parents: ParentLayer?
    /// The level name of the parents in the table (`--parent-level`, else `parent`).
    public var by = PeriodUnit.week
    /// One period to report (overrides `by` with its unit).
    public var period: Period?
    public var comparison: PeriodComparison?
    /// Also write `compstat.csv` (CompStat's weekly layout).
    public var compstat = false
    /// Also draw `lorenz.png` and `periods.png`.
    public var charts = false
    /// Where to find a font for the charts (nil: the usual Debian places).
    public var fontPath: String?
    public var language = Language.zh
    public var threads = 2
    public var validation = LayerValidation.reject

    public init(cellsPath: String, incidentsPath: String, outputFolder: String) {
        self.cellsPath = cellsPath
        self.incidentsPath = incidentsPath
        self.outputFolder = outputFolder
    }

    public struct Report: Sendable {
        public let table: SummaryTable
        /// Concentration of the cells' counts per reported period and category (nil: all).
        public let concentration: [(period: Period, category: Int?, value: Concentration)]
        public let rowsRead: Int
        public let rejected: Int
        public let filteredOut: Int
        public let assigned: Int
        public let outside: Int
        /// Assigned incidents in no counted period (before the first or after the last one counted).
        public let outOfPeriods: Int
        /// Raw category strings the category table does not know (counted as `other`), with their incidents.
        public let unknownCategories: [(raw: String, count: Int)]
        public let timeFormat: String?
        /// Reported or compared periods the incidents cover only in part (the data starts after a period's start or
        /// ends before its last day): their counts are not comparable with whole periods.
        public let partialPeriods: [Period]
        public let files: [String]
        public let timings: Timings
    }

    public func run(progress: (String) -> Void = { _ in }) throws -> Report {
        let started = DispatchTime.now().uptimeNanoseconds
        var timings = Timings()
        try createFolder(outputFolder)
        var options = incidents
        // The span chooses periods here; it does not cut incidents (see the type's documentation).
        let span = (since: options.filter.since, until: options.filter.until)
        options.filter.since = nil
        options.filter.until = nil
        let loaded = try AssignedIncidents.load(
            cellsPath: cellsPath, idField: idField, nameField: nameField, incidentsPath: incidentsPath,
            incidents: options, layerDatum: layerDatum, needsTime: true, validation: validation, threads: threads,
            timings: &timings, progress: progress)
        let (cells, read, assignment) = (loaded.cells, loaded.incidents, loaded.assignment)
        let times = try loaded.times(for: "a summary by period", path: incidentsPath)
        let categories = incidents.categories
        let (categoryOf, unknown) = categories.mapping(of: read.table.categoryNames)
        let zone = incidents.csvOptions.timeZone

        let unit = period?.unit ?? by
        let reported = try reportedPeriods(unit: unit, times: times, span: span, zone: zone)
        if comparison != nil && !unit.isSequential {
            throw HeatGridError("--compare needs periods that follow one another (week, day or month), not \(unit.rawValue)")
        }
        var counted = reported
        if let comparison { counted += reported.map { comparison.base(of: $0) } }

        progress("counting \(grouped(read.table.count)) incidents by cell, category and \(unit.rawValue)")
        let cellCube = timings.measure("aggregate") {
            CountCube.counting(units: cells.count, categories: categories.count, periods: counted, cell: assignment,
                               category: read.table.category, categoryOf: categoryOf, time: times, clock: zone,
                               parts: threads)
        }
        let parentLink = try parents.map { parents in
            try timings.measure("parents") { try parents.link(cells: cells, validation: validation, threads: threads) }
        }
        /// The whole area, the parents and the cells, from counts per cell.
        func levels(_ cellCube: CountCube) -> [SummaryLevel] {
            var levels = [SummaryLevel(name: "area", ids: ["all"], names: [language == .zh ? "全域" : "whole area"],
                                       cube: cellCube.total())]
            if let parents, let (layer, parentOf) = parentLink.map({ ($0.parents, $0.parentOf) }) {
                levels.append(SummaryLevel(name: parents.level ?? "parent", ids: layer.ids, names: layer.names,
                                           cube: cellCube.rolledUp(into: layer.count, parentOf: parentOf).cube))
            }
            levels.append(SummaryLevel(name: "cell", ids: cells.ids, names: cells.names, cube: cellCube))
            return levels
        }
        let table = SummaryTable(levels: levels(cellCube), categories: categories, periods: reported, comparison: comparison)

        let concentration = timings.measure("concentration") { concentrations(cellCube, reported: reported) }
        let unknownCounts = Self.unknownCounts(unknown, names: read.table.categoryNames,
                                               category: read.table.category, assignment: assignment)

        var first = Int64.max, last = Int64.min
        for t in times where t != IncidentTable.missingTime {
            first = min(first, t)
            last = max(last, t)
        }
        let partial = first > last ? [] : Array(Set(counted)).sorted().filter { period in
            guard let span = period.localSpan else { return false }
            // By whole days: data from the period's first day to its last covers it.
            return zone.localSeconds(utc: first) >= span.lowerBound + 86_400
                || zone.localSeconds(utc: last) < span.upperBound - 86_400
        }
        progress("writing \(outputFolder)")
        var files: [String] = []
        let csv = outputFolder + "/summary.csv", json = outputFolder + "/summary.json"
        let concentrationPath = outputFolder + "/concentration.csv"
        try timings.measure("write") {
            var header = jsonHeader(table, read: read, cube: cellCube, unknown: unknownCounts,
                                    concentration: concentration)
            header["partial_periods"] = .array(partial.map { .string($0.label) })
            try table.write(csvPath: csv, jsonPath: json, jsonHeader: header, threads: threads)
            try writeConcentration(concentration, categories: table, to: concentrationPath)
            files += [csv, concentrationPath, json]
            if compstat {
                let path = outputFolder + "/compstat.csv"
                let report = CompStat(week: reportWeek(reported, times: times, zone: zone))
                let windows = report.count(units: cells.count, categories: categories.count, cell: assignment,
                                           category: read.table.category, categoryOf: categoryOf, time: times,
                                           clock: zone, parts: threads)
                try report.write(levels: levels(windows), categories: categories, to: path)
                files.append(path)
            }
            if let rejects = try read.writeRejects(to: outputFolder + "/rejects.csv") { files.append(rejects) }
        }
        if charts {
            files += try timings.measure("charts") {
                try SummaryCharts(table: table, concentration: concentration, language: language, fontPath: fontPath)
                    .write(into: outputFolder)
            }
        }
        timings.record("wall", seconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
        let outside = cellCube.outside
        precondition(cellCube.counted + outside + cellCube.outOfPeriods == read.table.count,
                     "an incident was lost or counted twice")
        return Report(table: table, concentration: concentration, rowsRead: read.rowsRead, rejected: read.rejected,
                      filteredOut: read.filteredOut, assigned: read.table.count - outside, outside: outside,
                      outOfPeriods: cellCube.outOfPeriods, unknownCategories: unknownCounts,
                      timeFormat: read.timeFormat, partialPeriods: partial, files: files, timings: timings)
    }

    /// The periods to report (see the type's documentation).
    func reportedPeriods(unit: PeriodUnit, times: [Int64], span: (since: Int64?, until: Int64?),
                         zone: IncidentTimeZone) throws -> [Period] {
        if let period { return [period] }
        switch unit {
        case .hour: return (0..<24).map { Period(unit: .hour, index: $0) }
        case .weekday: return (1...7).map { Period(unit: .weekday, index: $0) }
        case .week, .day, .month: return try periodsCovering(unit: unit, times: times, span: span, zone: zone)
        }
    }

    /// The week CompStat reports: the reported week when there is one, else the week of the latest incident.
    func reportWeek(_ reported: [Period], times: [Int64], zone: IncidentTimeZone) -> Period {
        if let last = reported.last, last.unit == .week { return last }
        let latest = times.lazy.filter { $0 != IncidentTable.missingTime }.max() ?? 0
        return Period(unit: .week, index: PeriodUnit.week.index(localSeconds: zone.localSeconds(utc: latest)))
    }

    /// Concentration of the cells' counts for every reported period, per category and for all together.
    func concentrations(_ cube: CountCube, reported: [Period]) -> [(period: Period, category: Int?, value: Concentration)] {
        let keys = reported.flatMap { period in (Array(0..<cube.categoryCount) + [nil]).map { (period, $0) } }
        let values = Parallel.map(threads) { k in
            Parallel.part(k, of: keys.count, parts: threads).map { i -> Concentration in
                let (period, category) = keys[i]
                let counts = cube.slot(of: period).map { cube.unitCounts(category: category, slot: $0) }
                    ?? [Int](repeating: 0, count: cube.unitCount)
                return Concentration(counts: counts, maximumLorenzPoints: 21)
            }
        }.flatMap { $0 }
        return zip(keys, values).map { ($0.0, $0.1, $1) }
    }

    /// `concentration.csv`: `period,category,cells,incidents,top1_share,top5_share,top10_share,gini,generalized_gini`.
    func writeConcentration(_ rows: [(period: Period, category: Int?, value: Concentration)],
                            categories table: SummaryTable, to path: String) throws {
        var bytes = Array("period,category,cells,incidents,top1_share,top5_share,top10_share,gini,generalized_gini\n".utf8)
        for row in rows {
            let c = row.value
            bytes += Array("\(row.period.label),".utf8)
            CSVText.appendField(table.code(row.category).utf8, to: &bytes)
            bytes += Array(",\(c.places),\(Int(c.total))".utf8)
            for value in [c.topShare(0.01).share, c.topShare(0.05).share, c.topShare(0.10).share, c.gini, c.generalizedGini] {
                bytes.append(UInt8(ascii: ","))
                if let value { CSVText.appendFixed(value, decimals: 4, to: &bytes) }
            }
            bytes.append(UInt8(ascii: "\n"))
        }
        try writeAtomically(bytes, to: path)
    }

    /// The members of `summary.json` before its rows.
    func jsonHeader(_ table: SummaryTable, read: IncidentOptions.Result, cube: CountCube,
                    unknown: [(raw: String, count: Int)],
                    concentration: [(period: Period, category: Int?, value: Concentration)]) -> JSONObject {
        func number(_ value: Double?) -> JSONValue { value.map { .number(($0 * 10_000).rounded() / 10_000) } ?? .null }
        var header = JSONObject()
        header["heatgrid_version"] = .string(HeatGridVersion.current)
        header["cells"] = .string(cellsPath)
        header["incidents"] = .string(incidentsPath)
        header["time_zone"] = .string(incidents.csvOptions.timeZone.identifier)
        header["time_format"] = read.timeFormat.map(JSONValue.string) ?? .null
        header["period_unit"] = .string(table.periods.first?.unit.rawValue ?? by.rawValue)
        header["periods"] = .array(table.periods.map { .string($0.label) })
        header["comparison"] = table.comparison.map { .string($0.label) } ?? .null
        header["categories"] = .array(table.categories.categories.map { category in
            .object(["code": .string(category.code), "name_zh": .string(category.nameZH),
                     "name_en": .string(category.nameEN), "harm": .number(category.harm)])
        })
        header["unknown_categories"] = .array(unknown.map { .object(["raw": .string($0.raw), "count": .number(Double($0.count))]) })
        header["totals"] = .object([
            "rows": .number(Double(read.rowsRead)), "rejected": .number(Double(read.rejected)),
            "filtered_out": .number(Double(read.filteredOut)), "outside": .number(Double(cube.outside)),
            "counted": .number(Double(cube.counted)), "out_of_periods": .number(Double(cube.outOfPeriods)),
        ])
        header["concentration"] = .array(concentration.map { row in
            .object([
                "period": .string(row.period.label), "category": .string(table.code(row.category)),
                "cells": .number(Double(row.value.places)), "incidents": .number(row.value.total),
                "top1_share": number(row.value.topShare(0.01).share),
                "top5_share": number(row.value.topShare(0.05).share),
                "top10_share": number(row.value.topShare(0.10).share), "gini": number(row.value.gini),
                "generalized_gini": number(row.value.generalizedGini),
                "lorenz": .array(row.value.lorenzCurve(maximumPoints: 21).map { .array([number($0.places), number($0.incidents)]) }),
            ])
        })
        return header
    }

    /// Raw category strings the table does not know, with how many assigned incidents carry each.
    static func unknownCounts(_ unknown: [String], names: [String], category: [UInt16],
                              assignment: [Int32]) -> [(raw: String, count: Int)] {
        guard !unknown.isEmpty else { return [] }
        var perName = [Int](repeating: 0, count: names.count)
        for (c, cell) in zip(category, assignment) where cell >= 0 { perName[Int(c)] += 1 }
        let index = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        return unknown.map { ($0, index[$0].map { perName[$0] } ?? 0) }
    }
}

