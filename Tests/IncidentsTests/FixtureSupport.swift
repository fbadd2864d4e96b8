import Foundation
import Testing
@testable import Incidents

/// The committed broken-CSV corpus in `Fixtures/` (a resource folder of this test target).
enum CSVFixtures {
    static func path(_ name: String) throws -> String {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures"),
                               "fixture \(name) is missing")
        return url.path
    }

    static func read(_ name: String, _ options: IncidentCSVOptions = IncidentCSVOptions()) throws -> IncidentReadResult {
        let result = try IncidentCSVReader.read(path: path(name), options: options)
        #expect(result.kept + result.rejected == result.rowsRead, "kept + rejected must equal rows read")
        return result
    }

    /// (line, reason) of every reject, for exact comparison.
    static func rejects(_ result: IncidentReadResult) -> [Pair] {
        result.rejects.map { Pair(line: $0.line, reason: $0.reason) }
    }

    struct Pair: Equatable, CustomStringConvertible {
        var line: Int
        var reason: String
        var description: String { "\(line): \(reason)" }
    }

    static func ids(_ table: IncidentTable) -> [String] { (0..<table.count).map(table.id(at:)) }
    static func categories(_ table: IncidentTable) -> [String] { (0..<table.count).map(table.categoryName(at:)) }
}

typealias R = CSVFixtures.Pair
