import Patrol
import Stats
import TestSupport
import Testing

/// Rook contiguity on a columns × rows grid.
private func grid(_ columns: Int, _ rows: Int) -> SpatialWeights {
    SpatialWeights(neighbours: (0..<(columns * rows)).map { i in
        let x = i % columns, y = i / columns
        return [(x - 1, y), (x + 1, y), (x, y - 1), (x, y + 1)]
            .filter { $0.0 >= 0 && $0.0 < columns && $0.1 >= 0 && $0.1 < rows }.map { $0.1 * columns + $0.0 }
    })
}

/// Whether the cells are connected through the weights, by breadth-first search within them.
private func connected(_ cells: [Int], _ weights: SpatialWeights) -> Bool {
    guard let first = cells.first else { return false }
    let inside = Set(cells)
    var seen: Set<Int> = [first]
    var queue = [first]
    var head = 0
    while head < queue.count {
        let i = queue[head]
        head += 1
        for j in weights.neighbours(of: i).map({ Int($0) }) where inside.contains(j) && !seen.contains(j) {
            seen.insert(j)
            queue.append(j)
        }
    }
    return seen.count == inside.count
}

struct BeatsTests {
    /// Worst imbalance seen over these cases: see the printed line; the stated tolerance is 10 % of the mean.
    @Test(arguments: [2, 4, 8])
    func beatsAreConnectedAndBalanced(count: Int) throws {
        let weights = grid(20, 20)
        var worst = 0.0
        for seed in UInt64(1)...4 {
            var random = SeededGenerator(seed: seed * 31 + UInt64(count))
            // Workload with a hot corner: most cells light, some four times heavier.
            let workload = (0..<400).map { i in random.unit() * (i % 20 < 6 && i / 20 < 6 ? 4 : 1) }
            let beats = try Beats.split(weights: weights, workload: workload, count: count, seed: seed)
            #expect(beats.cells.count == count)
            #expect(beats.cells.flatMap { $0 }.sorted() == Array(0..<400), "every cell in exactly one beat")
            for (b, cells) in beats.cells.enumerated() {
                #expect(connected(cells, weights), "beat \(b) of \(count), seed \(seed)")
                #expect(cells.allSatisfy { beats.beatOfCell[$0] == b })
            }
            #expect(beats.imbalance <= 0.10, "\(count) beats, seed \(seed): \(beats.workloads)")
            worst = max(worst, beats.imbalance)
        }
        print("beats: \(count) on a 20 × 20 grid, worst imbalance \(worst)")
    }

    @Test func sameSeedSameBeats() throws {
        let weights = grid(15, 10)
        let workload = (0..<150).map { Double($0 % 7) }
        #expect(try Beats.split(weights: weights, workload: workload, count: 5, seed: 9)
            == Beats.split(weights: weights, workload: workload, count: 5, seed: 9))
    }

    @Test func extremesAndErrors() throws {
        let weights = grid(3, 3)
        let ones = [Double](repeating: 1, count: 9)
        #expect(try Beats.split(weights: weights, workload: ones, count: 1, seed: 1).cells == [Array(0..<9)])
        #expect(try Beats.split(weights: weights, workload: ones, count: 9, seed: 1).cells.allSatisfy { $0.count == 1 })
        #expect(throws: PatrolError.self) { try Beats.split(weights: weights, workload: ones, count: 10, seed: 1) }
        #expect(throws: PatrolError.self) { try Beats.split(weights: weights, workload: [1], count: 2, seed: 1) }
        // Two separate groups cannot hold contiguous beats.
        let split = SpatialWeights(neighbours: [[1], [0], [3], [2]])
        #expect(throws: PatrolError.self) { try Beats.split(weights: split, workload: [1, 1, 1, 1], count: 2, seed: 1) }
    }

    @Test func beatsFeedThePlanner() throws {
        // Beats from the splitter as units' allowed cells: every visit stays in its unit's beat.
        let instance = PatrolFixtures.instance(.init(cells: 100, units: 4, shifts: 1), seed: 3)
        // A 10 × 10 grid over the instance's cells (their positions do not matter to the splitter).
        let weights = grid(10, 10)
        let workload = (0..<100).map { c in (0..<168).reduce(0.0) { $0 + instance.risk[c, $1] } }
        let beats = try Beats.split(weights: weights, workload: workload, count: 4, seed: 2)
        let units = instance.units.enumerated().map { u, unit in
            PatrolUnit(id: unit.id, shifts: unit.shifts, base: unit.base, cells: beats.cells[u], mode: unit.mode)
        }
        let beatInstance = try PatrolInstance(centroids: instance.centroids, risk: instance.risk, shifts: instance.shifts,
                                              units: units, rules: instance.rules)
        let plan = PatrolPlanner.plan(beatInstance, options: PlannerOptions(patience: 20))
        #expect(violations(plan, beatInstance) == [])
    }
}
