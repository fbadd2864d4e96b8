import Neighbours
import Testing

/// The rule text users type (`--weights queen`, `--snap 5`).
struct NeighbourRuleTests {
    @Test func readsEveryRule() throws {
        #expect(try NeighbourRule(parsing: "queen") == .contiguity(.queen, snap: 0))
        #expect(try NeighbourRule(parsing: " Rook ") == .contiguity(.rook, snap: 0))
        #expect(try NeighbourRule(parsing: "queen", snap: 5) == .contiguity(.queen, snap: 5))
        #expect(try NeighbourRule(parsing: "distance:1500") == .distanceBand(metres: 1500))
        #expect(try NeighbourRule(parsing: "distance: 750.5") == .distanceBand(metres: 750.5))
        #expect(try NeighbourRule(parsing: "KNN:8") == .nearest(k: 8))
        #expect(try NeighbourRule(parsing: "distance:1500", snap: 0) == .distanceBand(metres: 1500))
    }

    @Test func writesWhatItReads() throws {
        for text in ["queen", "rook", "distance:1500", "distance:750.5", "knn:8"] {
            #expect(try NeighbourRule(parsing: text).description == text)
        }
        #expect(NeighbourRule.contiguity(.rook, snap: 5).description == "rook snap 5")
    }

    @Test(arguments: [
        ("bishop", "unknown neighbour rule 'bishop': use queen, rook, distance:<metres> or knn:<k>"),
        ("distance", "'distance' needs a band in metres, e.g. 'distance:1500'"),
        ("distance:-5", "'distance:-5': the band must be a number of metres above 0, e.g. 'distance:1500'"),
        ("distance:1.5km", "'distance:1.5km': the band must be a number of metres above 0, e.g. 'distance:1500'"),
        ("knn:", "'knn' needs a number of neighbours, e.g. 'knn:8'"),
        ("knn:2.5", "'knn:2.5': k must be a whole number of 1 or more, e.g. 'knn:8'"),
        ("knn:0", "'knn:0': k must be a whole number of 1 or more, e.g. 'knn:8'"),
        ("queen:5", "'queen' takes no value (got '5'); write 'queen'"),
    ])
    func refusesWithAReason(text: String, message: String) {
        #expect(throws: NeighbourRuleError(message)) { try NeighbourRule(parsing: text) }
    }

    @Test func snapOnlyForContiguity() {
        #expect(throws: NeighbourRuleError("snap applies to queen and rook only, not to 'knn:8'")) {
            try NeighbourRule(parsing: "knn:8", snap: 5)
        }
        #expect(throws: NeighbourRuleError("snap must be a distance in metres of 0 or more, not -1.0")) {
            try NeighbourRule(parsing: "queen", snap: -1)
        }
    }
}
