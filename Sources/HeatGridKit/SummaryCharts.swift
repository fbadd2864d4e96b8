import Aggregate
import AtomicOutput
import GeoCore
import ImageBridge
import Render
import Stats

/// The two charts of `heatgrid summary --charts`, ready to paste into a briefing: `lorenz.png` (how concentrated the
/// latest period's incidents are among the cells) and `periods.png` (incidents per period for the whole area, beside
/// the compared periods when there is a comparison).
struct SummaryCharts {
    let table: SummaryTable
    let concentration: [(period: Period, category: Int?, value: Concentration)]
    let language: Language
    let fontPath: String?

    /// Bars drawn at most: the latest periods.
    static let maximumBars = 26

    func write(into folder: String) throws -> [String] {
        guard let latest = table.periods.last, let area = table.levels.first else { return [] }
        let font: FontFace
        do { font = try FontFace.cjk(path: fontPath) } catch { throw HeatGridError("\(error)") }
        let text = TextRenderer(font: font)
        let zh = language == .zh
        var files: [String] = []

        if let lorenz = concentration.first(where: { $0.period == latest && $0.category == nil })?.value {
            let gini = lorenz.gini.map { NumberText.text(($0 * 1000).rounded() / 1000) } ?? "–"
            let generalized = lorenz.generalizedGini.map { NumberText.text(($0 * 1000).rounded() / 1000) } ?? "–"
            let share = lorenz.places > 0 ? lorenz.total / Double(lorenz.places) : 1
            let chart = LorenzChart(
                curve: lorenz.lorenzCurve(maximumPoints: 512).map { Point(x: $0.places, y: $0.incidents) },
                maximalEqualityShare: share < 1 ? share : nil,
                title: zh ? "事件集中度 \(latest.label)" : "Concentration of incidents, \(latest.label)",
                subtitle: zh ? "\(grouped(Int(lorenz.total))) 起事件，\(grouped(lorenz.places)) 个网格"
                    : "\(grouped(Int(lorenz.total))) incidents in \(grouped(lorenz.places)) cells",
                placesAxisTitle: zh ? "网格累计占比（事件少者在前）" : "cumulative share of cells (fewest incidents first)",
                incidentsAxisTitle: zh ? "事件累计占比" : "cumulative share of incidents",
                notes: zh ? ["基尼系数 \(gini)", "广义基尼系数 \(generalized)"]
                    : ["Gini \(gini)", "generalized Gini \(generalized)"],
                curveLabel: zh ? "洛伦兹曲线" : "Lorenz curve", equalityLabel: zh ? "完全均等" : "Perfect equality",
                maximalEqualityLabel: zh ? "最大均等（每格至多一起）" : "Maximal equality (one incident per cell)")
            files.append(try write(chart.render(text: text), to: folder + "/lorenz.png"))
        }

        let periods = Array(table.periods.suffix(Self.maximumBars))
        var series = [BarChart.Series(name: zh ? "本期" : "period",
                                      values: periods.map { Double(area.cube.count(unit: 0, category: nil, period: $0)) })]
        if let comparison = table.comparison {
            let name = switch comparison {
            case .previous: zh ? "上一期" : "previous period"
            case .yearEarlier: zh ? "去年同期" : "a year earlier"
            case .fixed(let base): zh ? "对比期 \(base.label)" : "base \(base.label)"
            }
            series.append(BarChart.Series(name: name, values: periods.map {
                Double(area.cube.count(unit: 0, category: nil, period: comparison.base(of: $0)))
            }))
        }
        let unitName = switch periods[0].unit {
        case .week: zh ? "周" : "week"
        case .day: zh ? "日" : "day"
        case .month: zh ? "月" : "month"
        case .hour: zh ? "时" : "hour of day"
        case .weekday: zh ? "星期" : "day of week"
        }
        let bars = BarChart(periods: periods.map(\.label), series: series,
                            title: zh ? "各期事件数（全域）" : "Incidents per \(unitName), whole area",
                            subtitle: periods.count < table.periods.count
                                ? (zh ? "最近 \(periods.count) 期" : "latest \(periods.count) periods") : nil,
                            valueAxisTitle: zh ? "事件数（起）" : "incidents", periodAxisTitle: unitName,
                            showsValues: periods.count <= 12, maximumDecimals: 0)
        files.append(try write(bars.render(text: text), to: folder + "/periods.png"))
        return files
    }

    private func write(_ image: RGBAImage, to path: String) throws -> String {
        let png = try PNGEncoder.encode(rgba: image.pixels, width: image.width, height: image.height)
        try writeAtomically(png, to: path)
        return path
    }
}

/// `n` with thousands separators: 1234567 → "1,234,567".
public func grouped(_ n: Int) -> String {
    let digits = String(n.magnitude)
    var out = ""
    for (k, c) in digits.enumerated() {
        if k > 0 && (digits.count - k) % 3 == 0 { out.append(",") }
        out.append(c)
    }
    return n < 0 ? "-" + out : out
}
