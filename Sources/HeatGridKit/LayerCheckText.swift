import Foundation

/// How `heatgrid check-layer` words its findings: one line per finding in Chinese or English, a summary line,
/// and the JSON document written for batch jobs.
public enum LayerCheckText {
    /// One line, e.g. `error grid C-0-0 (feature 0): overlaps C-0-1 (feature 1) by 10,000.0 m²`.
    public static func line(_ finding: LayerFinding, lang: Language) -> String {
        let zh = lang == .zh
        let severity = switch finding.severity {
        case .error: zh ? "错误" : "error"
        case .warning: zh ? "警告" : "warning"
        }
        let who = zh ? "\(finding.level) \(finding.id)（要素 \(finding.featureIndex)）" : "\(finding.level) \(finding.id) (feature \(finding.featureIndex))"
        let what: String
        switch finding.kind {
        case .invalidGeometry(let reason, let location):
            let at = location.map { zh ? "，位置 \(coordinates($0))" : " at \(coordinates($0))" } ?? ""
            what = zh ? "几何无效：\(reason)\(at)" : "invalid geometry: \(reason)\(at)"
        case .duplicateId(let features):
            let list = features.map(String.init).joined(separator: ", ")
            what = zh ? "编号重复，要素 \(list)" : "duplicate id in features \(list)"
        case .overlap(let otherId, let otherFeature, let area):
            what = zh ? "与 \(otherId)（要素 \(otherFeature)）重叠 \(squareMetres(area)) m²"
                : "overlaps \(otherId) (feature \(otherFeature)) by \(squareMetres(area)) m²"
        case .unknownParent(let key):
            what = zh ? "上级编号 '\(key)' 不存在" : "parent id '\(key)' not found"
        case .outsideParent(let parentId, let share):
            if let parentId {
                what = zh ? "仅 \(percent(share)) 在上级 \(parentId) 内" : "only \(percent(share)) inside its parent \(parentId)"
            } else {
                what = zh ? "不在任何上级区域内" : "inside no parent"
            }
        case .gap(let area, let point):
            let parent = zh ? "上级 \(finding.id)（要素 \(finding.featureIndex)）" : "parent \(finding.id) (feature \(finding.featureIndex))"
            return zh ? "\(severity) \(finding.level) \(parent)内有空隙 \(squareMetres(area)) m²，位于 \(coordinates(point))"
                : "\(severity) \(finding.level) gap of \(squareMetres(area)) m² in \(parent) at \(coordinates(point))"
        }
        return zh ? "\(severity) \(who)：\(what)" : "\(severity) \(who): \(what)"
    }

    /// The closing line, e.g. `3 errors, 2 warnings (grid: 9 areas under subdistrict: 1)`.
    public static func summary(_ report: LayerCheckReport, levels: [CheckLayerJob.LevelSummary], lang: Language) -> String {
        let options = report.options
        switch lang {
        case .zh:
            let counts = levels.map { "\($0.name) \($0.areas) 个" }.joined(separator: " → ")
            return "检查 \(counts)：错误 \(report.errorCount) 项，警告 \(report.warningCount) 项"
                + "（重叠容差 \(squareMetres(options.overlapToleranceSquareMetres)) m²，空隙容差 "
                + "\(squareMetres(options.gapToleranceSquareMetres)) m²，包含阈值 \(percent(options.containmentThreshold))）"
        case .en:
            let counts = levels.map { "\($0.areas) \($0.name)" }.joined(separator: " → ")
            return "checked \(counts): \(report.errorCount) errors, \(report.warningCount) warnings"
                + " (overlap tolerance \(squareMetres(options.overlapToleranceSquareMetres)) m², gap tolerance "
                + "\(squareMetres(options.gapToleranceSquareMetres)) m², containment \(percent(options.containmentThreshold)))"
        }
    }

    /// `{"levels":[…],"errors":3,"warnings":2,"options":{…},"findings":[{"severity":"error","kind":"overlap",…}]}`;
    /// areas in m², shares 0 … 1, points as `[lon, lat]`.
    public static func json(_ report: LayerCheckReport, levels: [CheckLayerJob.LevelSummary]) -> String {
        let levelText = levels.map { "{\"name\":\(quoted($0.name)),\"path\":\(quoted($0.path)),\"areas\":\($0.areas)}" }
        let options = report.options
        let findings = report.findings.map { finding -> String in
            var members = ["\"severity\":\(quoted(finding.severity.rawValue))", "\"kind\":\(quoted(finding.kindName))",
                           "\"level\":\(quoted(finding.level))", "\"id\":\(quoted(finding.id))", "\"feature\":\(finding.featureIndex)"]
            switch finding.kind {
            case .invalidGeometry(let reason, let location):
                members.append("\"reason\":\(quoted(reason))")
                members.append("\"location\":" + (location.map(position) ?? "null"))
            case .duplicateId(let features):
                members.append("\"features\":[\(features.map(String.init).joined(separator: ","))]")
            case .overlap(let otherId, let otherFeature, let area):
                members += ["\"other_id\":\(quoted(otherId))", "\"other_feature\":\(otherFeature)", "\"area_m2\":\(number(area, 3))"]
            case .unknownParent(let key):
                members.append("\"parent_id\":\(quoted(key))")
            case .outsideParent(let parentId, let share):
                members += ["\"parent_id\":" + (parentId.map(quoted) ?? "null"), "\"share\":\(number(share, 6))"]
            case .gap(let area, let point):
                members += ["\"area_m2\":\(number(area, 3))", "\"point\":\(position(point))"]
            }
            return "{" + members.joined(separator: ",") + "}"
        }
        return "{\"levels\":[\(levelText.joined(separator: ","))],\"errors\":\(report.errorCount),"
            + "\"warnings\":\(report.warningCount),\"options\":{\"overlap_tolerance_m2\":\(number(options.overlapToleranceSquareMetres, 3)),"
            + "\"gap_tolerance_m2\":\(number(options.gapToleranceSquareMetres, 3)),"
            + "\"containment_threshold\":\(number(options.containmentThreshold, 6))},"
            + "\"findings\":[\n" + findings.joined(separator: ",\n") + (findings.isEmpty ? "]}\n" : "\n]}\n")
    }

    /// 10000.04 → "10,000.0".
    static func squareMetres(_ value: Double) -> String {
        let tenths = Int64((value * 10).rounded())
        let whole = String(abs(tenths) / 10)
        var out = ""
        for (i, c) in whole.enumerated() {
            if i > 0 && (whole.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (tenths < 0 ? "-" : "") + out + "." + String(abs(tenths) % 10)
    }

    /// 0.625 → "62.5%".
    static func percent(_ share: Double) -> String { String(format: "%.1f%%", share * 100) }

    /// A longitude/latitude pair with 7 decimals (about 1 cm), e.g. "(120.7462921, 30.7448922)".
    static func coordinates(_ point: Point) -> String { String(format: "(%.7f, %.7f)", point.x, point.y) }

    private static func position(_ point: Point) -> String { "[\(number(point.x, 7)),\(number(point.y, 7))]" }

    private static func number(_ value: Double, _ decimals: Int) -> String {
        value.isFinite ? String(format: "%.\(decimals)f", value) : "null"
    }

    private static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
