import AtomicOutput
import Dispatch
import Foundation
import GeoCore
import GeoJSON
import ICalendar
import Incidents
import Neighbours
import Parallel
import Patrol
import Projection
import Render
import SpatialIndex
import Stats

/// `heatgrid patrol`: a week of patrol routes per unit and shift that put patrol minutes where the expected harm
/// is, in the hours it happens — and how much of it they cover against the plans a duty office would make without
/// the search (top cells by count, minutes in proportion to risk, random cells).
///
/// Risk per cell and hour of week comes from the incidents before the planned week (`RiskTable.estimate`: harm
/// weights from the category file, a half-life, smoothing over queen neighbours and adjacent hours), raised for
/// significant Gi* hot spots of the last four weeks and for near-repeat windows after burglaries. Each row of the
/// shifts file is worked every day of the week by its units (`早班-1` … `早班-4`), starting and ending at the bases
/// (round robin) when a bases file is given, each within its own contiguous beat with `beats`.
public struct PatrolJob: Sendable {
    public var cellsPath: String
    public var idField = "cell_id"
    public var incidentsPath: String
    public var shiftsPath: String
    /// Police stations (派出所) as GeoJSON points; units start and end their routes there.
    public var basesPath: String?
    public var outputFolder: String
    public var incidents = IncidentOptions()
    public var layerDatum: Datum?
    /// The ISO week planned; nil: the week after the last incident.
    public var week: Period?
    public var mode = TravelMode.car
    public var seed: UInt64 = 7
    public var rules = PatrolRules()
    public var risk = RiskParameters()
    /// Weeks of history the risk reads (older incidents weigh less than 1/2⁶ of last week's at the default
    /// half-life and are left out).
    public var historyWeeks = 26
    /// Raise the risk of cells that are significant Gi* hot spots (95 %, FDR, queen) over the last four weeks.
    public var hotSpotLift = true
    /// Categories (codes of the category file) whose incidents open near-repeat windows.
    public var nearRepeatCategories = ["burglary"]
    /// Split the cells into one contiguous beat per unit of each shift.
    public var beats = false
    public var pngSize = 1400
    /// Draw each day's routes of each shift (21 maps for three shifts), not only one map per shift.
    public var pngEveryDay = false
    public var language = Language.zh
    public var fontPath: String?
    public var threads = 2
    public var validation = LayerValidation.reject

    public init(cellsPath: String, incidentsPath: String, shiftsPath: String, outputFolder: String) {
        self.cellsPath = cellsPath
        self.incidentsPath = incidentsPath
        self.shiftsPath = shiftsPath
        self.outputFolder = outputFolder
    }

    /// A plan's figures, as `summary.json` and the printed table show them.
    public struct Figures: Sendable {
        public let name: String
        /// Σ visit values ÷ the week's expected harm.
        public let coveredShare: Double
        public let visits: Int
        public let patrolMinutes: Double
        public let travelMinutes: Double
        /// Patrol minutes in cells of the top 5 % of weekly risk, the next 15 %, and the rest.
        public let minutesByRiskClass: [Double]

        public var travelShare: Double { patrolMinutes + travelMinutes > 0 ? travelMinutes / (patrolMinutes + travelMinutes) : 0 }
    }

    public struct Report: Sendable {
        public let week: Period
        public let historyIncidents: Int
        public let units: Int
        public let shifts: Int
        public let hotSpotCells: Int
        public let nearRepeatCells: Int
        public let plan: Figures
        public let baselines: [Figures]
        public let files: [String]
        public let timings: Timings
    }

    public func run(progress: (String) -> Void = { _ in }) throws -> Report {
        let started = DispatchTime.now().uptimeNanoseconds
        var timings = Timings()
        let font = try FontFace.cjkOrError(path: fontPath)
        let shiftsFile = try ShiftsFile.read(path: shiftsPath)
        try createFolder(outputFolder)
        let loaded = try AssignedIncidents.load(
            cellsPath: cellsPath, idField: idField, incidentsPath: incidentsPath, incidents: incidents,
            layerDatum: layerDatum, needsTime: true, validation: validation, threads: threads, timings: &timings,
            progress: progress)
        let (cells, read, assignment) = (loaded.cells, loaded.incidents, loaded.assignment)
        let times = try loaded.times(for: "patrol planning", path: incidentsPath)
        let zone = incidents.csvOptions.timeZone
        let week = try self.week ?? Self.weekAfterLast(times, zone: zone, path: incidentsPath)
        guard let span = week.localSpan else { throw HeatGridError("--week must be an ISO week such as 2026-W15") }
        let weekStart = span.lowerBound

        // History: assigned incidents of the weeks before the planned one.
        progress("estimating risk per cell and hour of week")
        let projection = Neighbours.projection(for: cells.polygons)
        let centroids = Neighbours.centroids(cells.polygons, projection: projection)
        let categoryTable = incidents.categories
        let codeOf = categoryTable.mapping(of: read.table.categoryNames).categories
        let harmOf = categoryTable.harms(of: read.table.categoryNames)
        let nearRepeatCodes = Set(nearRepeatCategories.compactMap { code in
            categoryTable.categories.firstIndex { $0.code == code }.map(UInt16.init)
        })
        var past: [PastIncident] = []
        var recentCounts = [Double](repeating: 0, count: cells.count)
        var countsByCell = [Double](repeating: 0, count: cells.count)
        var nearRepeatSources: [NearRepeatWindow.Source] = []
        let oldest = weekStart - Int64(historyWeeks) * 604_800
        for (row, cell) in assignment.enumerated() where cell >= 0 {
            let t = times[row]
            guard t != IncidentTable.missingTime else { continue }
            let local = zone.localSeconds(utc: t)
            guard local < weekStart, local >= oldest else { continue }
            let raw = Int(read.table.category[row])
            let age = Double(weekStart - local) / 604_800
            let hour = Int(Self.floorMod(local + 3 * 86_400, 604_800) / 3600)
            past.append(PastIncident(cell: Int(cell), hourOfWeek: hour, harm: harmOf[raw],
                                     ageWeeks: age))
            countsByCell[Int(cell)] += 1
            if age <= 4 { recentCounts[Int(cell)] += 1 }
            if nearRepeatCodes.contains(codeOf[raw]), age * 7 <= 14 {
                let location = projection.forward(Point(x: read.table.longitude[row], y: read.table.latitude[row]))
                nearRepeatSources.append(NearRepeatWindow.Source(location: location, ageDays: age * 7))
            }
        }
        guard !past.isEmpty else {
            throw HeatGridError("\(incidentsPath): no incident in the \(historyWeeks) weeks before \(week.label) lies in a cell: nothing to plan from")
        }
        let queen = timings.measure("weights") { Neighbours.contiguity(cells.polygons, .queen) }
        var hotSpots: [Bool]?
        if hotSpotLift && cells.count >= 3 {
            let gi = GetisOrd.star(values: recentCounts, weights: queen)
            hotSpots = gi.bins(fdr: true).map { $0 >= 2 }
        }
        let nearRepeat = nearRepeatSources.isEmpty ? nil
            : NearRepeatWindow(sources: nearRepeatSources, centroids: centroids)
        let riskTable: RiskTable = try timings.measure("risk") {
            do {
                return try RiskTable.estimate(cellCount: cells.count, incidents: past, neighbours: queen,
                                              parameters: risk, hotSpots: hotSpots, nearRepeat: nearRepeat)
            } catch { throw HeatGridError("risk: \(error)") }
        }

        // Shifts every day of the week, units per shifts-file row, bases and beats.
        var shifts: [Shift] = []
        var unitList: [PatrolUnit] = []
        let bases = try basesPath.map { try Self.readBases($0, index: loaded.index, projection: projection) } ?? []
        var baseOf: [String: String] = [:]
        for row in shiftsFile.rows {
            let indices = (0..<7).map { day -> Int in
                shifts.append(Shift.daily(name: row.name, day: day, from: Double(row.start), to: Double(row.end)))
                return shifts.count - 1
            }
            guard row.minutes >= Int(rules.visitMinutes + rules.breakMinutes) else {
                throw HeatGridError("\(shiftsPath):\(row.line): shift '\(row.name)' lasts \(row.minutes) minutes, shorter than one visit (\(Int(rules.visitMinutes))) plus the break (\(Int(rules.breakMinutes)))")
            }
            let beatsOfRow: [[Int]]? = beats && row.units > 0
                ? try Self.beats(count: row.units, queen: queen, risk: riskTable, seed: seed, row: row, path: shiftsPath)
                : nil
            for k in 0..<row.units {
                let base = bases.isEmpty ? nil : bases[(unitList.count) % bases.count]
                let id = "\(row.name)-\(k + 1)"
                if let base { baseOf[id] = base.name }
                unitList.append(PatrolUnit(id: id, shifts: indices, base: base?.location, cells: beatsOfRow?[k], mode: mode))
            }
        }
        let instance: PatrolInstance
        do {
            instance = try PatrolInstance(centroids: centroids, risk: riskTable, shifts: shifts, units: unitList,
                                          rules: rules)
        } catch { throw HeatGridError("\(shiftsPath): \(error)") }

        progress("planning \(shifts.count) shifts for \(unitList.count) units")
        let plan = timings.measure("plan") { PatrolPlanner.plan(instance, options: PlannerOptions(seed: seed)) }
        let baselinePlans = timings.measure("baselines") {
            [("top_count", Baseline.topCount(counts: countsByCell)), ("risk_proportional", .riskProportional),
             ("random", .random(seed: seed))].map { ($0.0, PatrolPlanner.baseline($0.1, instance)) }
        }
        let riskClass = Self.riskClasses(riskTable)
        let figures = Self.figures("plan", plan, instance: instance, riskClass: riskClass)
        let baselineFigures = baselinePlans.map { Self.figures($0.0, $0.1, instance: instance, riskClass: riskClass) }

        progress("writing the plan under \(outputFolder)")
        let clock = PlanClock(weekStart: weekStart, zone: zone)
        let lonLat = centroids.map { projection.inverse($0) }
        var files: [String] = []
        try timings.measure("write") {
            files.append(try writePlanCSV(plan, instance: instance, cells: cells, clock: clock))
            files.append(try writePlanGeoJSON(plan, instance: instance, cells: cells, lonLat: lonLat,
                                              projection: projection, clock: clock))
            files += try writeCalendars(plan, instance: instance, cells: cells, lonLat: lonLat, clock: clock,
                                        week: week, baseOf: baseOf)
            files.append(try writeRiskCSV(riskTable, instance: instance, cells: cells, clock: clock))
            files.append(try writeSummary(week: week, figures: figures, baselines: baselineFigures, instance: instance,
                                          history: past.count, hotSpots: hotSpots, nearRepeat: nearRepeat))
        }
        files += try timings.measure("maps") {
            try drawMaps(plan, instance: instance, cells: cells, projection: projection, clock: clock, font: font)
        }
        timings.record("wall", seconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
        return Report(week: week, historyIncidents: past.count, units: unitList.count, shifts: shifts.count,
                      hotSpotCells: hotSpots?.count(where: { $0 }) ?? 0,
                      nearRepeatCells: nearRepeat.map { Self.cellsInWindow($0).count } ?? 0,
                      plan: figures, baselines: baselineFigures, files: files, timings: timings)
    }

    // MARK: - Inputs

    static func floorMod(_ a: Int64, _ b: Int64) -> Int64 { ((a % b) + b) % b }

    /// The ISO week after the one holding the last timed incident.
    static func weekAfterLast(_ times: [Int64], zone: IncidentTimeZone, path: String) throws -> Period {
        guard let last = times.lazy.filter({ $0 != IncidentTable.missingTime }).max() else {
            throw HeatGridError("\(path): no incident has a time; give --week")
        }
        return Period(unit: .week, index: PeriodUnit.week.index(localSeconds: zone.localSeconds(utc: last)) + 1)
    }

    struct Base { let name: String; let location: Point }

    /// Stations from a GeoJSON of points (`name` property, else the feature's number), in metres; a station outside
    /// every cell is an error.
    static func readBases(_ path: String, index: PolygonIndex, projection: TransverseMercator) throws -> [Base] {
        let collection: FeatureCollection
        do { collection = try GeoJSONReader().read(path: path) } catch { throw HeatGridError(error.description) }
        var bases: [Base] = []
        for (k, feature) in collection.features.enumerated() {
            guard case .point(let point)? = feature.geometry else {
                throw HeatGridError("\(path): feature \(k) is not a point (bases are stations: GeoJSON points)")
            }
            let name = feature.properties["name"]?.stringValue ?? "base \(k + 1)"
            let cell = index.assign(x: [point.x], y: [point.y], threads: 1)[0]
            guard cell >= 0 else {
                throw HeatGridError("\(path): base '\(name)' (\(point.x), \(point.y)) lies outside every cell")
            }
            bases.append(Base(name: name, location: projection.forward(point)))
        }
        guard !bases.isEmpty else { throw HeatGridError("\(path): no bases (expected GeoJSON points)") }
        return bases
    }

    /// One contiguous beat per unit of a shifts-file row, balanced by the week's risk.
    static func beats(count: Int, queen: SpatialWeights, risk: RiskTable, seed: UInt64, row: ShiftsFile.Row,
                      path: String) throws -> [[Int]] {
        let workload = (0..<risk.cellCount).map { c in (0..<RiskTable.hoursPerWeek).reduce(0.0) { $0 + risk[c, $1] } }
        do {
            return try Beats.split(weights: queen, workload: workload, count: count, seed: seed).cells
        } catch { throw HeatGridError("\(path):\(row.line): shift '\(row.name)': \(error)") }
    }

    /// Cells whose centroid lies within a near-repeat window's radius of one of its sources young enough.
    static func cellsInWindow(_ window: NearRepeatWindow) -> [Int] {
        let sources = window.sources.filter { $0.ageDays <= window.days }.map(\.location)
        let r2 = window.radius * window.radius
        return window.centroids.indices.filter { c in
            let p = window.centroids[c]
            return sources.contains { ($0.x - p.x) * ($0.x - p.x) + ($0.y - p.y) * ($0.y - p.y) <= r2 }
        }
    }

    // MARK: - Figures

    /// 0 for cells in the top 5 % of weekly risk, 1 for the next 15 %, 2 for the rest.
    static func riskClasses(_ risk: RiskTable) -> [Int] {
        let weekly = (0..<risk.cellCount).map { c in (0..<RiskTable.hoursPerWeek).reduce(0.0) { $0 + risk[c, $1] } }
        let order = weekly.indices.sorted { weekly[$0] > weekly[$1] || (weekly[$0] == weekly[$1] && $0 < $1) }
        var classes = [Int](repeating: 2, count: weekly.count)
        let top = Int((Double(weekly.count) * 0.05).rounded(.up)), next = Int((Double(weekly.count) * 0.20).rounded(.up))
        for (rank, c) in order.enumerated() where weekly[c] > 0 { classes[c] = rank < top ? 0 : rank < next ? 1 : 2 }
        return classes
    }

    static func figures(_ name: String, _ plan: PatrolPlan, instance: PatrolInstance, riskClass: [Int]) -> Figures {
        var visits = 0, travel = 0.0
        var byClass = [0.0, 0.0, 0.0]
        for shift in plan.shifts {
            for route in shift.routes {
                travel += route.travelMinutes
                visits += route.visits.count
                for visit in route.visits { byClass[riskClass[visit.cell]] += instance.rules.visitMinutes }
            }
        }
        return Figures(name: name, coveredShare: plan.coveredShare, visits: visits,
                       patrolMinutes: Double(visits) * instance.rules.visitMinutes, travelMinutes: travel,
                       minutesByRiskClass: byClass)
    }

    // MARK: - Outputs

    /// Minutes from Monday 00:00 of the planned week on the local clock, as instants.
    struct PlanClock {
        let weekStart: Int64
        let zone: IncidentTimeZone

        func utc(minute: Double) -> Int64 { zone.utcSeconds(local: weekStart + Int64((minute * 60).rounded())) }
        func text(minute: Double) -> String { ISO8601Time.format(utc(minute: minute), zone: zone) }
        /// `2026-04-06` of a shift's start.
        func date(minute: Double) -> String { String(text(minute: minute).prefix(10)) }
    }

    func shiftLabel(_ shift: Shift, clock: PlanClock) -> String { "\(shift.name) \(clock.date(minute: shift.start))" }

    func writePlanCSV(_ plan: PatrolPlan, instance: PatrolInstance, cells: BoundaryLayer, clock: PlanClock) throws -> String {
        var csv = Array("unit,shift,order,cell_id,arrive,depart,minutes,expected_harm\n".utf8)
        for shift in plan.shifts {
            let label = shiftLabel(instance.shifts[shift.shift], clock: clock)
            for route in shift.routes {
                for (k, visit) in route.visits.enumerated() {
                    CSVText.appendField(instance.units[route.unit].id.utf8, to: &csv)
                    csv.append(UInt8(ascii: ","))
                    CSVText.appendField(label.utf8, to: &csv)
                    csv += Array(",\(k + 1),".utf8)
                    CSVText.appendField(cells.ids[visit.cell].utf8, to: &csv)
                    csv += Array(",\(clock.text(minute: visit.start)),\(clock.text(minute: visit.start + instance.rules.visitMinutes)),".utf8)
                    NumberText.append(instance.rules.visitMinutes, to: &csv)
                    csv.append(UInt8(ascii: ","))
                    NumberText.append((visit.value * 1e6).rounded() / 1e6, to: &csv)
                    csv.append(UInt8(ascii: "\n"))
                }
            }
        }
        let path = outputFolder + "/plan.csv"
        try writeAtomically(csv, to: path)
        return path
    }

    func writePlanGeoJSON(_ plan: PatrolPlan, instance: PatrolInstance, cells: BoundaryLayer, lonLat: [Point],
                          projection: TransverseMercator, clock: PlanClock) throws -> String {
        let path = outputFolder + "/plan.geojson"
        let writer = try GeoJSONWriter(path: path)
        for shift in plan.shifts {
            let label = shiftLabel(instance.shifts[shift.shift], clock: clock)
            for route in shift.routes where !route.visits.isEmpty {
                let unit = instance.units[route.unit]
                let base = unit.base.map { projection.inverse($0) }
                let line = (base.map { [$0] } ?? []) + route.visits.map { lonLat[$0.cell] } + (base.map { [$0] } ?? [])
                if line.count >= 2 {
                    try writer.write(Feature(geometry: .lineString(line), properties: [
                        "kind": .string("route"), "unit": .string(unit.id), "shift": .string(label),
                        "visits": .number(Double(route.visits.count)),
                        "travel_minutes": .number((route.travelMinutes * 10).rounded() / 10),
                        "expected_harm": .number((route.value * 1e6).rounded() / 1e6),
                    ]))
                }
                for (k, visit) in route.visits.enumerated() {
                    try writer.write(Feature(geometry: .point(lonLat[visit.cell]), properties: [
                        "kind": .string("visit"), "unit": .string(unit.id), "shift": .string(label),
                        "order": .number(Double(k + 1)), "cell_id": .string(cells.ids[visit.cell]),
                        "arrive": .string(clock.text(minute: visit.start)),
                        "depart": .string(clock.text(minute: visit.start + instance.rules.visitMinutes)),
                        "expected_harm": .number((visit.value * 1e6).rounded() / 1e6),
                    ]))
                }
            }
        }
        try writer.finish()
        return path
    }

    /// One calendar per unit: every visit of its week, at the cell's centroid.
    func writeCalendars(_ plan: PatrolPlan, instance: PatrolInstance, cells: BoundaryLayer, lonLat: [Point],
                        clock: PlanClock, week: Period, baseOf: [String: String]) throws -> [String] {
        let zh = language == .zh
        var events = [[CalendarEvent]](repeating: [], count: instance.units.count)
        for shift in plan.shifts {
            let label = shiftLabel(instance.shifts[shift.shift], clock: clock)
            for route in shift.routes {
                let unit = instance.units[route.unit]
                for (k, visit) in route.visits.enumerated() {
                    let cell = cells.ids[visit.cell]
                    let start = clock.utc(minute: visit.start)
                    let harm = NumberText.text((visit.value * 100).rounded() / 100)
                    let next = k + 1 < route.visits.count ? cells.ids[route.visits[k + 1].cell] : nil
                    let description = zh
                        ? "\(label) 第 \(k + 1) 站，停留 \(Int(instance.rules.visitMinutes)) 分钟，预期危害 \(harm)" + (next.map { "\n下一站 \($0)" } ?? "")
                        : "\(label), stop \(k + 1), \(Int(instance.rules.visitMinutes)) minutes, expected harm \(harm)" + (next.map { "\nnext: \($0)" } ?? "")
                    events[route.unit].append(CalendarEvent(
                        uid: "\(week.label)-\(unit.id)-\(shift.shift)-\(k + 1)@heatgrid", start: start,
                        end: clock.utc(minute: visit.start + instance.rules.visitMinutes),
                        summary: (zh ? "巡逻 " : "Patrol ") + cell + (cells.names[visit.cell].isEmpty ? "" : " " + cells.names[visit.cell]),
                        description: description, location: (zh ? "网格 " : "cell ") + cell,
                        latitude: lonLat[visit.cell].y, longitude: lonLat[visit.cell].x))
                }
            }
        }
        let folder = outputFolder + "/calendars"
        try createFolder(folder)
        var files: [String] = []
        for (u, unit) in instance.units.enumerated() {
            let name = (zh ? "巡逻 " : "Patrol ") + unit.id + (baseOf[unit.id].map { " (\($0))" } ?? "") + " \(week.label)"
            let bytes = ICalendar.file(events: events[u], name: name,
                                       productID: "-//HeatGrid//patrol \(HeatGridVersion.current)//\(zh ? "ZH" : "EN")",
                                       stamp: clock.utc(minute: 0))
            let path = folder + "/" + Self.fileName(unit.id) + ".ics"
            try writeAtomically(bytes, to: path)
            files.append(path)
        }
        return files
    }

    /// A unit id as a file name: path separators and control characters replaced.
    static func fileName(_ text: String) -> String {
        String(text.map { $0 == "/" || $0 == "\\" || $0 == ":" || $0.isNewline ? "_" : $0 })
    }

    /// `risk.csv`: per cell its week's risk and its risk in each shift, so a planner can see why a cell was chosen.
    func writeRiskCSV(_ risk: RiskTable, instance: PatrolInstance, cells: BoundaryLayer, clock: PlanClock) throws -> String {
        var csv = Array("\(idField),week".utf8)
        for shift in instance.shifts {
            csv.append(UInt8(ascii: ","))
            CSVText.appendField(shiftLabel(shift, clock: clock).utf8, to: &csv)
        }
        csv.append(UInt8(ascii: "\n"))
        let hourShares = instance.shifts.map { PatrolInstance.hourWeights($0) }
        for c in 0..<risk.cellCount {
            CSVText.appendField(cells.ids[c].utf8, to: &csv)
            csv.append(UInt8(ascii: ","))
            let week = (0..<RiskTable.hoursPerWeek).reduce(0.0) { $0 + risk[c, $1] }
            NumberText.append((week * 1e6).rounded() / 1e6, to: &csv)
            for shares in hourShares {
                csv.append(UInt8(ascii: ","))
                NumberText.append((shares.reduce(0.0) { $0 + risk[c, $1.hour] * $1.weight } * 1e6).rounded() / 1e6, to: &csv)
            }
            csv.append(UInt8(ascii: "\n"))
        }
        let path = outputFolder + "/risk.csv"
        try writeAtomically(csv, to: path)
        return path
    }

    func writeSummary(week: Period, figures: Figures, baselines: [Figures], instance: PatrolInstance, history: Int,
                      hotSpots: [Bool]?, nearRepeat: NearRepeatWindow?) throws -> String {
        func object(_ f: Figures) -> JSONValue {
            var o = JSONObject()
            o["name"] = .string(f.name)
            o["covered_share"] = .number((f.coveredShare * 1e6).rounded() / 1e6)
            o["visits"] = .number(Double(f.visits))
            o["patrol_minutes"] = .number(f.patrolMinutes)
            o["travel_minutes"] = .number((f.travelMinutes * 10).rounded() / 10)
            o["travel_share"] = .number((f.travelShare * 1e6).rounded() / 1e6)
            var classes = JSONObject()
            for (name, minutes) in zip(["top_5_percent", "next_15_percent", "rest"], f.minutesByRiskClass) {
                classes[name] = .number(minutes)
            }
            o["patrol_minutes_by_risk"] = .object(classes)
            return .object(o)
        }
        var json = JSONObject()
        json["week"] = .string(week.label)
        json["heatgrid"] = .string(HeatGridVersion.current)
        json["seed"] = .number(Double(seed))
        json["mode"] = .string(mode.rawValue)
        json["units"] = .number(Double(instance.units.count))
        json["shifts"] = .number(Double(instance.shifts.count))
        json["history_incidents"] = .number(Double(history))
        json["half_life_weeks"] = .number(risk.halfLifeWeeks)
        json["visit_minutes"] = .number(instance.rules.visitMinutes)
        json["revisit_gap_minutes"] = .number(instance.rules.revisitGapMinutes)
        json["hot_spot_cells"] = .number(Double(hotSpots?.count(where: { $0 }) ?? 0))
        json["near_repeat_sources"] = .number(Double(nearRepeat?.sources.count ?? 0))
        json["expected_harm"] = .number((instance.shifts.indices.reduce(0.0) { $0 + instance.expectedHarm(inShift: $1) } * 1e6).rounded() / 1e6)
        json["plan"] = object(figures)
        json["baselines"] = .array(baselines.map(object))
        guard let bytes = JSONText.encode(.object(json)) else { throw HeatGridError("a figure of the plan is not finite") }
        let path = outputFolder + "/summary.json"
        try writeAtomically(bytes + [UInt8(ascii: "\n")], to: path)
        return path
    }

    /// One map per shift (every day's routes of that shift over its risk), or per shift and day with `pngEveryDay`.
    func drawMaps(_ plan: PatrolPlan, instance: PatrolInstance, cells: BoundaryLayer, projection: TransverseMercator,
                  clock: PlanClock, font: FontFace) throws -> [String] {
        let zh = language == .zh
        // Groups of shift indices drawn together: per name, or each alone.
        var groups: [(label: String, shifts: [Int])] = []
        for (s, shift) in instance.shifts.enumerated() {
            if pngEveryDay {
                groups.append((shiftLabel(shift, clock: clock), [s]))
            } else if let k = groups.firstIndex(where: { $0.label == shift.name }) {
                groups[k].shifts.append(s)
            } else {
                groups.append((shift.name, [s]))
            }
        }
        let folder = outputFolder + "/maps"
        try createFolder(folder)
        var style = HeatMapStyle()
        style.width = pngSize
        style.colorMap = .heat
        var settings = MapSettings()
        settings.language = language
        // The maps are drawn side by side, one thread each.
        settings.threads = 1
        let (groupList, mapStyle, mapSettings) = (groups, style, settings)
        let drawn = try Parallel.map(groupList.count) { g -> [String] in
            let (groups, style, settings) = (groupList, mapStyle, mapSettings)
            let group = groups[g]
            var values = [Double](repeating: 0, count: cells.count)
            for s in group.shifts {
                for (hour, share) in PatrolInstance.hourWeights(instance.shifts[s]) {
                    for c in 0..<cells.count { values[c] += instance.risk[c, hour] * share }
                }
            }
            let top = values.max() ?? 0
            let shading = Shading(colorMap: .heat, scale: .sqrt, top: top > 0 ? top : 1)
            var map = renderCellMap(layer: cells, values: values, shading: shading, style: style)
            var image = map.image
            let routes = plan.shifts.filter { group.shifts.contains($0.shift) }.flatMap(\.routes)
            let unitIndices = Array(Set(routes.map(\.unit))).sorted()
            for route in routes where !route.visits.isEmpty {
                let color = Self.unitColor(unitIndices.firstIndex(of: route.unit) ?? 0)
                let unit = instance.units[route.unit]
                let base = unit.base.map { map.canvas.pixel(ofMetres: $0) }
                let points = (base.map { [$0] } ?? []) + route.visits.map { map.canvas.pixel(ofMetres: instance.centroids[$0.cell]) }
                    + (base.map { [$0] } ?? [])
                image.stroke(points, lineWidth: 2.2, color: color)
                for p in points.dropFirst(base == nil ? 0 : 1).dropLast(base == nil ? 0 : 1) {
                    image.fill(rings: [Self.disc(p, radius: 3.5)], color: color)
                }
                if let base { image.fill(rings: [Self.square(base, half: 5)], color: RGBA(hex: 0x111111)) }
            }
            map = HeatMap(image: image, canvas: map.canvas, density: nil, shading: map.shading, radius: nil,
                          lowestValue: 0)
            let visits = routes.reduce(0) { $0 + $1.visits.count }
            var text = MapText(
                title: zh ? "巡逻路线：\(group.label)" : "Patrol routes: \(group.label)",
                subtitle: zh ? "\(unitIndices.count) 个巡逻组，\(visits) 次到访；底色为该班次的预期危害"
                    : "\(unitIndices.count) units, \(visits) visits; shading: the shift's expected harm",
                language: language, legendCaption: zh ? "预期危害（相对）" : "expected harm (relative)")
            text.legendEntries = nil
            let path = folder + "/" + Self.fileName(group.label).replacingOccurrences(of: " ", with: "_") + ".png"
            var mapTimings = Timings()
            return try settings.write(map, labelling: cells, text: text, font: font, to: path, timings: &mapTimings)
        }
        return drawn.flatMap { $0 }
    }

    static func unitColor(_ k: Int) -> RGBA {
        let palette: [UInt32] = [0x1F77B4, 0x2CA02C, 0x9467BD, 0x17BECF, 0x8C564B, 0xE377C2, 0x7F7F7F, 0xBCBD22,
                                 0x393B79, 0x637939, 0x843C39, 0x7B4173]
        return RGBA(hex: palette[k % palette.count])
    }

    static func disc(_ p: Point, radius: Double) -> [Point] {
        (0...16).map { k in
            let a = Double(k) / 16 * 2 * Double.pi
            return Point(x: p.x + radius * cos(a), y: p.y + radius * sin(a))
        }
    }

    static func square(_ p: Point, half: Double) -> [Point] {
        [Point(x: p.x - half, y: p.y - half), Point(x: p.x + half, y: p.y - half), Point(x: p.x + half, y: p.y + half),
         Point(x: p.x - half, y: p.y + half), Point(x: p.x - half, y: p.y - half)]
    }
}
