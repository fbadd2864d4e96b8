import HeatGridKit

/// The summary as a planner reads it in a terminal: the whole area's numbers per category for the latest period
/// reported (with the comparison), the totals of up to twelve periods before it, and how concentrated the
/// incidents are.
struct SummaryText {
    let report: SummaryJob.Report
    let language: Language

    var zh: Bool { language == .zh }

    var text: String {
        let table = report.table
        var lines: [String] = []
        lines.append(zh
            ? "读取 \(grouped(report.rowsRead)) 行：计入网格 \(grouped(report.assigned - report.outOfPeriods))，区域外 \(grouped(report.outside))，时段外 \(grouped(report.outOfPeriods))，类别外 \(grouped(report.filteredOut))，拒绝 \(grouped(report.rejected))"
            : "rows \(grouped(report.rowsRead)): counted \(grouped(report.assigned - report.outOfPeriods)), outside \(grouped(report.outside)), outside the periods \(grouped(report.outOfPeriods)), other categories \(grouped(report.filteredOut)), rejected \(grouped(report.rejected))")
        if let format = report.timeFormat { lines.append((zh ? "时间格式：" : "time format: ") + format) }
        guard let latest = table.periods.last, let area = table.levels.first else {
            lines.append(zh ? "没有可汇总的时段" : "no period to summarise")
            return lines.joined(separator: "\n")
        }
        let base = table.comparison?.base(of: latest)
        if report.partialPeriods.contains(latest) || base.map(report.partialPeriods.contains) == true {
            let which = [latest] + (base.map { [$0] } ?? [])
            let named = which.filter(report.partialPeriods.contains).map(\.label).joined(separator: zh ? "、" : ", ")
            lines.append(zh ? "注意：数据只覆盖 \(named) 的一部分，其计数不能与完整时段直接比较"
                : "note: the data cover only part of \(named); its counts are not comparable with whole periods")
        }
        lines.append("")
        lines.append(zh
            ? "\(latest.label)\(base.map { " 对比 \($0.label)" } ?? "")（全域）"
            : "\(latest.label)\(base.map { " against \($0.label)" } ?? "") (whole area)")
        var rows: [[String]] = [zh ? ["类别", "本期", "对比期", "变化", "变化率", "危害加权"]
                                   : ["category", "count", "base", "change", "change %", "harm"]]
        let areaRows = table.rows(level: 0, units: 0..<1).filter { $0.period == latest }
        for row in areaRows {
            let name = row.category.map { table.categories.categories[$0].name(chinese: zh) } ?? (zh ? "合计" : "all")
            rows.append([name, grouped(row.count), row.previous.map(grouped) ?? "",
                         row.change.map(signed) ?? "", percentText(row), NumberText.text(row.harm)])
        }
        lines += aligned(rows)
        if table.periods.count > 1 {
            lines.append("")
            lines.append(zh ? "各期合计（最近 \(min(12, table.periods.count)) 期）" : "totals per period (latest \(min(12, table.periods.count)))")
            for period in table.periods.suffix(12) {
                let count = area.cube.count(unit: 0, category: nil, period: period)
                lines.append("  \(period.label)  \(grouped(count))")
            }
        }
        if let concentration = report.concentration.first(where: { $0.period == latest && $0.category == nil })?.value,
           concentration.total > 0 {
            lines.append("")
            let top = concentration.topShare(0.10).share.map(percent) ?? "–"
            let gini = concentration.gini.map { NumberText.text(($0 * 1000).rounded() / 1000) } ?? "–"
            let generalized = concentration.generalizedGini.map { NumberText.text(($0 * 1000).rounded() / 1000) } ?? "–"
            lines.append(zh
                ? "集中度（\(latest.label)）：前 10% 网格占 \(top) 的事件；基尼系数 \(gini)，广义基尼系数 \(generalized)"
                : "concentration (\(latest.label)): the top 10 % of cells hold \(top) of incidents; Gini \(gini), generalized Gini \(generalized)")
        }
        if !report.unknownCategories.isEmpty {
            let listed = report.unknownCategories.prefix(10).map { "\($0.raw) (\(grouped($0.count)))" }.joined(separator: ", ")
            lines.append(zh ? "未知类别，计入“其他”：\(listed)" : "unknown categories, counted as other: \(listed)")
        }
        lines.append("")
        lines += report.files.map { "  " + $0 }
        return lines.joined(separator: "\n")
    }

    func percentText(_ row: SummaryTable.Row) -> String {
        guard row.previous != nil else { return "" }
        guard let value = row.changePercent else { return zh ? "新增" : "new" }
        return (value > 0 ? "+" : "") + NumberText.text((value * 100).rounded() / 100) + " %"
    }

    func signed(_ n: Int) -> String { n > 0 ? "+" + grouped(n) : grouped(n) }

    func percent(_ share: Double) -> String { NumberText.text((share * 1000).rounded() / 10) + " %" }

    /// Columns padded to their widest cell (Chinese characters count two columns); text left, numbers right.
    func aligned(_ rows: [[String]]) -> [String] {
        let widths = (0..<rows[0].count).map { k in rows.map { displayWidth($0[k]) }.max() ?? 0 }
        return rows.map { row in
            "  " + row.enumerated().map { k, cell in
                let pad = String(repeating: " ", count: widths[k] - displayWidth(cell))
                return k == 0 ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }
    }

    func displayWidth(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { width, scalar in
            let v = scalar.value
            let wide = (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
                || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
                || (0xFFE0...0xFFE6).contains(v) || (0x20000...0x3FFFD).contains(v)
            return width + (wide ? 2 : 1)
        }
    }
}
