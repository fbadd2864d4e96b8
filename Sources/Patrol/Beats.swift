import Stats

/// Cells split into contiguous beats, one per unit.
public struct BeatPlan: Sendable, Equatable {
    /// The beat of each cell.
    public let beatOfCell: [Int]
    /// The cells of each beat, ascending.
    public let cells: [[Int]]
    /// Σ workload over each beat's cells.
    public let workloads: [Double]

    /// The largest deviation of a beat's workload from the mean, as a share of the mean (0 when all are equal or
    /// there is no workload).
    public var imbalance: Double {
        let mean = workloads.reduce(0, +) / Double(max(workloads.count, 1))
        guard mean > 0 else { return 0 }
        return workloads.map { abs($0 - mean) }.max().map { $0 / mean } ?? 0
    }
}

/// Compact districting: one contiguous beat per unit with balanced expected workload.
///
/// 1. **Seeds**, spread out: the first a seeded random cell, each next the cell farthest (in steps over the
///    contiguity graph) from the seeds so far, ties drawn at random.
/// 2. **Region growing**: the beat with the least workload so far (then the fewest cells) takes the unassigned cell
///    on its border nearest its seed in steps, until every cell has a beat. Beats grow as rings round their seeds,
///    so they are compact, and each is connected by construction.
/// 3. **Boundary swaps**: a border cell moves from its beat A to a neighbouring beat B when w_A − w_B > w_cell > 0
///    and A stays connected without it (checked by search over A). Each move lowers Σ w² strictly, so the swaps
///    end; the heaviest beats give first.
///
/// The weights are taken as undirected links (either direction links two cells). Every cell must be reachable
/// from every other: beats could not be contiguous otherwise.
public enum Beats {
    public static func split(weights: SpatialWeights, workload: [Double], count k: Int, seed: UInt64) throws -> BeatPlan {
        let n = weights.count
        guard n > 0 else { throw PatrolError.noCells }
        guard workload.count == n else {
            throw PatrolError.invalidParameter("\(workload.count) workloads for \(n) cells")
        }
        guard workload.allSatisfy({ $0 >= 0 && $0.isFinite }) else {
            throw PatrolError.invalidParameter("a workload is negative or not finite")
        }
        guard k >= 1 && k <= n else { throw PatrolError.cannotSplitIntoBeats("\(k) beats for \(n) cells") }

        // Undirected adjacency.
        var lists = [[Int]](repeating: [], count: n)
        for i in 0..<n {
            for j32 in weights.neighbours(of: i) {
                let j = Int(j32)
                lists[i].append(j)
                lists[j].append(i)
            }
        }
        let adjacency = lists.map { Array(Set($0)).sorted() }

        // 1. Seeds, farthest first.
        var random = PatrolRandom(seed: seed, stream: 0xBEA7)
        var seeds = [random.below(n)]
        var nearest = hops(from: [seeds[0]], adjacency)
        if let unreachable = nearest.firstIndex(of: Int.max) {
            let groups = components(adjacency)
            throw PatrolError.cannotSplitIntoBeats("cell \(unreachable) cannot be reached from cell \(seeds[0]); "
                                                   + "the cells fall into \(groups) separate groups")
        }
        while seeds.count < k {
            let far = nearest.max() ?? 0
            let taken = Set(seeds)
            let candidates = nearest.indices.filter { nearest[$0] == far && !taken.contains($0) }
            let pick = candidates[random.below(candidates.count)]
            seeds.append(pick)
            let fromPick = hops(from: [pick], adjacency)
            for i in 0..<n { nearest[i] = min(nearest[i], fromPick[i]) }
        }
        let distance = seeds.map { hops(from: [$0], adjacency) }

        // 2. Region growing.
        var beat = [Int](repeating: -1, count: n)
        var load = [Double](repeating: 0, count: k)
        var size = [Int](repeating: 0, count: k)
        var frontier = (0..<k).map { _ in MinHeap() }
        func take(_ cell: Int, _ b: Int) {
            beat[cell] = b
            load[b] += workload[cell]
            size[b] += 1
            for j in adjacency[cell] where beat[j] < 0 { frontier[b].push((distance[b][j], j)) }
        }
        for (b, s) in seeds.enumerated() { take(s, b) }
        var assigned = k
        while assigned < n {
            // The lightest beat that can still grow.
            var chosen = -1
            for b in 0..<k {
                while let top = frontier[b].peek, beat[top.1] >= 0 { _ = frontier[b].pop() }
                guard frontier[b].peek != nil else { continue }
                if chosen < 0 || (load[b], size[b]) < (load[chosen], size[chosen]) { chosen = b }
            }
            guard chosen >= 0, let cell = frontier[chosen].pop()?.1 else { break }
            take(cell, chosen)
            assigned += 1
        }

        // 3. Boundary swaps.
        var members = (0..<k).map { b in Set((0..<n).filter { beat[$0] == b }) }
        var moved = true
        while moved {
            moved = false
            for a in (0..<k).sorted(by: { load[$0] > load[$1] }) where members[a].count > 1 {
                // Border cells of a with a lighter neighbouring beat, best improvement first.
                var moves: [(gain: Double, cell: Int, to: Int)] = []
                for cell in members[a].sorted() where workload[cell] > 0 {
                    for j in adjacency[cell] where beat[j] != a {
                        let b = beat[j]
                        let gap = load[a] - load[b]
                        if gap > workload[cell] { moves.append((workload[cell] * (gap - workload[cell]), cell, b)) }
                    }
                }
                moves.sort { $0.gain != $1.gain ? $0.gain > $1.gain : ($0.cell, $0.to) < ($1.cell, $1.to) }
                for move in moves where stillConnected(members[a], without: move.cell, adjacency) {
                    beat[move.cell] = move.to
                    members[a].remove(move.cell)
                    members[move.to].insert(move.cell)
                    load[a] -= workload[move.cell]
                    load[move.to] += workload[move.cell]
                    moved = true
                    break
                }
                if moved { break }
            }
        }
        let cells = members.map { $0.sorted() }
        return BeatPlan(beatOfCell: beat, cells: cells,
                        workloads: cells.map { $0.reduce(0) { $0 + workload[$1] } })
    }

    /// Steps from the nearest source to every cell (Int.max: unreachable).
    static func hops(from sources: [Int], _ adjacency: [[Int]]) -> [Int] {
        var distance = [Int](repeating: .max, count: adjacency.count)
        var queue = sources
        for s in sources { distance[s] = 0 }
        var head = 0
        while head < queue.count {
            let i = queue[head]
            head += 1
            for j in adjacency[i] where distance[j] == .max {
                distance[j] = distance[i] + 1
                queue.append(j)
            }
        }
        return distance
    }

    static func components(_ adjacency: [[Int]]) -> Int {
        var seen = [Bool](repeating: false, count: adjacency.count)
        var count = 0
        for start in adjacency.indices where !seen[start] {
            count += 1
            var stack = [start]
            seen[start] = true
            while let i = stack.popLast() {
                for j in adjacency[i] where !seen[j] {
                    seen[j] = true
                    stack.append(j)
                }
            }
        }
        return count
    }

    /// Whether `cells` minus `removed` is still connected.
    static func stillConnected(_ cells: Set<Int>, without removed: Int, _ adjacency: [[Int]]) -> Bool {
        guard let start = cells.first(where: { $0 != removed }) else { return false }
        var seen: Set<Int> = [start, removed]
        var stack = [start]
        while let i = stack.popLast() {
            for j in adjacency[i] where cells.contains(j) && !seen.contains(j) {
                seen.insert(j)
                stack.append(j)
            }
        }
        return seen.count == cells.count
    }
}

/// A binary min-heap of (key, cell), smallest key then cell first.
struct MinHeap {
    private var items: [(Int, Int)] = []

    var peek: (Int, Int)? { items.first }

    mutating func push(_ item: (Int, Int)) {
        items.append(item)
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard item < items[parent] else { break }
            items.swapAt(i, parent)
            i = parent
        }
    }

    mutating func pop() -> (Int, Int)? {
        guard let first = items.first else { return nil }
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var smallest = i
                if l < items.count && items[l] < items[smallest] { smallest = l }
                if r < items.count && items[r] < items[smallest] { smallest = r }
                if smallest == i { break }
                items.swapAt(i, smallest)
                i = smallest
            }
        }
        return first
    }
}
