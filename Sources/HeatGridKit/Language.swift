/// The language of labels in tables, legends and titles.
public enum Language: String, Sendable, CaseIterable {
    case zh, en

    /// The label for `key` in this language; unknown keys come back unchanged.
    public func label(_ key: LabelKey) -> String {
        switch self {
        case .zh: key.chinese
        case .en: key.english
        }
    }
}

/// Every fixed label HeatGrid prints or draws, in both languages.
public enum LabelKey: Sendable {
    case area, incidents, share, topCategory, outside, total, category
    case theft, fraud, dispute, fire, traffic, service

    var english: String {
        switch self {
        case .area: "area"
        case .incidents: "incidents"
        case .share: "share"
        case .topCategory: "top category"
        case .outside: "outside every area"
        case .total: "total"
        case .category: "category"
        case .theft: "theft"
        case .fraud: "fraud"
        case .dispute: "dispute"
        case .fire: "fire hazard"
        case .traffic: "traffic"
        case .service: "service call"
        }
    }

    var chinese: String {
        switch self {
        case .area: "区域"
        case .incidents: "事件数"
        case .share: "占比"
        case .topCategory: "最多类别"
        case .outside: "不在任何区域内"
        case .total: "合计"
        case .category: "类别"
        case .theft: "盗窃"
        case .fraud: "诈骗"
        case .dispute: "纠纷"
        case .fire: "消防隐患"
        case .traffic: "交通"
        case .service: "求助服务"
        }
    }

    /// The label for a category name used by the sample generator, if it is one.
    public static func category(_ name: String) -> LabelKey? {
        switch name {
        case "theft": .theft
        case "fraud": .fraud
        case "dispute": .dispute
        case "fire": .fire
        case "traffic": .traffic
        case "service": .service
        default: nil
        }
    }
}
