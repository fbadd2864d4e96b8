import Incidents

/// Canonical incident categories and the raw strings that name them.
///
/// Read from CSV with the header `raw,code,name_zh,name_en,harm`: each row maps one raw string (as incident files
/// write it, in Chinese or English) to a category code, and gives the code's display names and harm weight, which
/// must be the same on every row of that code. Raw strings match trimmed and case-insensitively; a code, and each of
/// its names, also match themselves. The category `other` always exists (added as 其他 / Other with harm 1 when the
/// file lacks it): raw strings the table does not know count under it, and summaries list them.
public struct CategoryTable: Sendable, Equatable {
    public struct Category: Sendable, Equatable {
        public var code: String
        public var nameZH: String
        public var nameEN: String
        /// Severity weight: a harm-weighted total is Σ count × harm.
        public var harm: Double

        public func name(chinese: Bool) -> String { chinese ? nameZH : nameEN }
    }

    /// The categories in the order of their first row; `other` last when the file did not place it.
    public private(set) var categories: [Category]
    private var lookup: [String: Int]

    public var count: Int { categories.count }
    /// The index of `other`.
    public let otherIndex: Int

    /// A table from the CSV bytes of a category file; `name` labels errors.
    public init(csv bytes: [UInt8], name: String) throws(CategoryTableError) {
        var categories: [Category] = []
        var lookup: [String: Int] = [:]
        var rawRows: [(line: Int, raw: String, index: Int)] = []
        try bytes.withUnsafeBufferPointer { (buffer) throws(CategoryTableError) in
            var scanner = CSVRowScanner(buffer)
            var header: [String]?
            while let row = scanner.next() {
                if row.isBlank { continue }
                if let problem = row.problem {
                    throw CategoryTableError(path: name, line: row.line, message: problem.reason)
                }
                let fields = (0..<row.fieldCount).map {
                    String(decoding: scanner.text(ofField: $0), as: UTF8.self).trimmed
                }
                guard let knownHeader = header else {
                    let expected = ["raw", "code", "name_zh", "name_en", "harm"]
                    let names = fields.map { $0.lowercased().replacingBOM }
                    guard names == expected else {
                        throw CategoryTableError(
                            path: name, line: row.line,
                            message: "the header must be \(expected.joined(separator: ",")), found \(fields.joined(separator: ","))")
                    }
                    header = names
                    continue
                }
                guard fields.count == knownHeader.count else {
                    throw CategoryTableError(path: name, line: row.line,
                                             message: "expected 5 fields, found \(fields.count)")
                }
                let (raw, code) = (fields[0], fields[1])
                guard !code.isEmpty else { throw CategoryTableError(path: name, line: row.line, message: "empty code") }
                guard let harm = Double(fields[4]), harm.isFinite, harm >= 0 else {
                    throw CategoryTableError(path: name, line: row.line,
                                             message: "harm '\(fields[4])' is not a non-negative number")
                }
                let category = Category(code: code, nameZH: fields[2].isEmpty ? code : fields[2],
                                        nameEN: fields[3].isEmpty ? code : fields[3], harm: harm)
                let index: Int
                if let known = categories.firstIndex(where: { $0.code == code }) {
                    guard categories[known] == category else {
                        throw CategoryTableError(
                            path: name, line: row.line,
                            message: "code '\(code)' has other names or harm than on its first row")
                    }
                    index = known
                } else {
                    index = categories.count
                    categories.append(category)
                }
                if !raw.isEmpty { rawRows.append((row.line, raw, index)) }
            }
        }
        if !categories.contains(where: { $0.code == "other" }) {
            categories.append(Category(code: "other", nameZH: "其他", nameEN: "Other", harm: 1))
        }
        // Explicit raw strings first, so a raw row wins over another category's name; then codes and names.
        for (line, raw, index) in rawRows {
            let key = Self.key(raw)
            if let earlier = lookup[key], earlier != index {
                throw CategoryTableError(path: name, line: line,
                                         message: "raw '\(raw)' maps to both '\(categories[earlier].code)' and '\(categories[index].code)'")
            }
            lookup[key] = index
        }
        for (index, category) in categories.enumerated() {
            for alias in [category.code, category.nameZH, category.nameEN] where lookup[Self.key(alias)] == nil {
                lookup[Self.key(alias)] = index
            }
        }
        self.categories = categories
        self.lookup = lookup
        self.otherIndex = categories.firstIndex { $0.code == "other" }!
    }

    /// Reads a category file.
    public static func read(path: String) throws -> CategoryTable {
        let bytes: [UInt8]
        do {
            bytes = try IncidentCSVReader.withFileBytes(path: path) { Array($0) }
        } catch {
            throw CategoryTableError(path: path, line: 0, message: "cannot read: \(error)")
        }
        return try CategoryTable(csv: bytes, name: path)
    }

    /// The category a raw string names, or nil when the table does not know it.
    public func index(of raw: String) -> Int? { lookup[Self.key(raw)] }

    /// The index of the category with `code`.
    public func index(ofCode code: String) -> Int? { categories.firstIndex { $0.code == code } }

    /// For the category names of an incident table (`IncidentTable.categoryNames`): each name's category, and the
    /// names the table does not know (they count as `other`), in the order given. The empty name (a file without a
    /// category column, or an empty field) is `other` and is not listed as unknown.
    public func mapping(of names: [String]) -> (categories: [UInt16], unknown: [String]) {
        var unknown: [String] = []
        let mapped = names.map { name -> UInt16 in
            if let index = index(of: name) { return UInt16(index) }
            if !name.trimmed.isEmpty { unknown.append(name) }
            return UInt16(otherIndex)
        }
        return (mapped, unknown)
    }

    /// The harm weight of each raw category name (`mapping(of:)`'s category's `harm`; unknown names weigh as
    /// "other"): what harm-weighted counts add per incident, indexed by the incident table's category codes.
    public func harms(of names: [String]) -> [Double] {
        mapping(of: names).categories.map { categories[Int($0)].harm }
    }

    static func key(_ text: String) -> String { text.trimmed.lowercased() }
}

/// A category file that cannot be used: its path, the line (0: the whole file) and the problem.
public struct CategoryTableError: Error, CustomStringConvertible, Sendable {
    public let path: String
    public let line: Int
    public let message: String

    public var description: String { line > 0 ? "\(path):\(line): \(message)" : "\(path): \(message)" }
}

extension String {
    var trimmed: String {
        var scalars = Substring(self).unicodeScalars
        while let first = scalars.first, first.properties.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
        return String(String.UnicodeScalarView(scalars))
    }

    var replacingBOM: String { hasPrefix("\u{FEFF}") ? String(dropFirst()) : self }
}
