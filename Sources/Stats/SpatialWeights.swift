/// Spatial weights between n units, sparse: for each unit its neighbours and their weights, in compressed rows.
///
/// Unit `i`'s neighbours are `neighbours[offsets[i]..<offsets[i + 1]]` (ascending, never `i` itself) with weights
/// `weights[offsets[i]..<offsets[i + 1]]`. A unit without neighbours is an island; statistics that need neighbours
/// report islands instead of silently giving them zero.
public struct SpatialWeights: Sendable, Equatable {
    public let offsets: [Int]
    public let neighbours: [Int32]
    public let weights: [Double]

    /// Weights from neighbour lists; `weights` nil gives every link weight 1 (binary weights). Lists are sorted here;
    /// a unit listed as its own neighbour or twice is a programming error.
    public init(neighbours lists: [[Int]], weights listWeights: [[Double]]? = nil) {
        precondition(listWeights.map { $0.count == lists.count && zip($0, lists).allSatisfy { $0.count == $1.count } } ?? true,
                     "a weight per neighbour")
        var offsets = [0]
        var neighbours: [Int32] = []
        var weights: [Double] = []
        offsets.reserveCapacity(lists.count + 1)
        for (i, list) in lists.enumerated() {
            let order = list.indices.sorted { list[$0] < list[$1] }
            for (k, position) in order.enumerated() {
                let j = list[position]
                precondition(j != i, "unit \(i) listed as its own neighbour")
                precondition(k == 0 || list[order[k - 1]] != j, "unit \(i) lists neighbour \(j) twice")
                neighbours.append(Int32(j))
                weights.append(listWeights?[i][order[k]] ?? 1)
            }
            offsets.append(neighbours.count)
        }
        self.init(offsets: offsets, neighbours: neighbours, weights: weights)
    }

    /// Weights from compressed rows as they are (see the type's documentation).
    public init(offsets: [Int], neighbours: [Int32], weights: [Double]) {
        precondition(offsets.first == 0 && offsets.last == neighbours.count && neighbours.count == weights.count,
                     "compressed rows")
        self.offsets = offsets
        self.neighbours = neighbours
        self.weights = weights
    }

    /// The number of units.
    public var count: Int { offsets.count - 1 }

    /// The neighbours of unit `i`.
    public func neighbours(of i: Int) -> ArraySlice<Int32> { neighbours[offsets[i]..<offsets[i + 1]] }

    /// The weights of unit `i`'s links, parallel to `neighbours(of:)`.
    public func weights(of i: Int) -> ArraySlice<Double> { weights[offsets[i]..<offsets[i + 1]] }

    /// Units without neighbours.
    public var islands: [Int] { (0..<count).filter { offsets[$0] == offsets[$0 + 1] } }

    /// Every unit's links weighted 1 / (its number of neighbours), so each row sums to 1 (islands stay empty).
    public var rowStandardised: SpatialWeights {
        var weights = self.weights
        for i in 0..<count {
            let range = offsets[i]..<offsets[i + 1]
            let sum = range.reduce(0.0) { $0 + self.weights[$1] }
            if sum > 0 { for k in range { weights[k] = self.weights[k] / sum } }
        }
        return SpatialWeights(offsets: offsets, neighbours: neighbours, weights: weights)
    }

    /// Whether every link has a link back with the same weight (contiguity and distance bands are symmetric;
    /// k nearest neighbours in general are not).
    public var isSymmetric: Bool {
        for i in 0..<count {
            for k in offsets[i]..<offsets[i + 1] {
                let j = Int(neighbours[k])
                let back = neighbours[offsets[j]..<offsets[j + 1]].firstIndex(of: Int32(i))
                guard let back, weights[back] == weights[k] else { return false }
            }
        }
        return true
    }
}
