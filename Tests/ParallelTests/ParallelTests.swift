import Testing
@testable import Parallel

@Suite("Parallel")
struct ParallelTests {
    @Test func resultsComeInIndexOrder() {
        #expect(Parallel.map(7) { $0 * $0 } == [0, 1, 4, 9, 16, 25, 36])
        #expect(Parallel.map(1) { $0 + 5 } == [5])
        #expect(Parallel.map(0) { $0 }.isEmpty)
    }

    @Test func partsCoverEveryItemOnce() {
        for count in [0, 1, 5, 100] {
            for parts in [1, 2, 7] {
                let ranges = (0..<parts).map { Parallel.part($0, of: count, parts: parts) }
                #expect(ranges.flatMap { Array($0) } == Array(0..<count))
            }
        }
    }

    struct Failure: Error, Equatable { let k: Int }

    @Test func theFirstErrorInIndexOrderIsThrown() {
        #expect(throws: Failure(k: 2)) {
            try Parallel.map(6) { (k: Int) throws -> Int in
                if k == 2 || k == 4 { throw Failure(k: k) }
                return k
            }
        }
    }
}
