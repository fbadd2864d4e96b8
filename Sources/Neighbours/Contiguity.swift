import Foundation
import GeoCore
import Parallel
import Stats

/// Which boundary contact makes two polygons neighbours.
public enum Contiguity: String, Hashable, Sendable, CaseIterable {
    /// At least one shared boundary point (a common corner is enough).
    case queen
    /// A shared edge: a whole boundary segment in common, not just a corner.
    case rook
}

extension Neighbours {
    /// Queen or rook contiguity by identical coordinates, exactly as libpysal's `Queen` / `Rook.from_dataframe`
    /// (libpysal/weights/_contW_lists.py, `ContiguityWeightsLists.jcontiguity`), so hot spots match the reference.
    ///
    /// Each unit's boundary is the sequence libpysal reads from shapely's `boundary`: every ring of every part in
    /// order (exterior, then holes; parts in order), concatenated. Queen: two units are neighbours when a vertex of
    /// one has exactly the coordinates of a vertex of the other. Rook: when a pair of consecutive positions of that
    /// sequence, taken unordered, equals such a pair of the other; as in libpysal the pair that joins the last
    /// position of one ring to the first of the next counts too (it virtually never matches another unit's pair).
    /// Coordinates compare as doubles (0 and -0 are equal, as in Python); nothing is rounded, so layers whose
    /// neighbours' vertices differ by a hair are not contiguous here: use `contiguity(_:_:snap:projection:)`.
    ///
    /// Vertices are hashed on their coordinate bits, so the cost is linear in the number of vertices; rows are
    /// collected on all cores.
    public static func contiguity(_ polygons: [MultiPolygon], _ rule: Contiguity) -> SpatialWeights {
        let boundary = FlatBoundary(polygons)
        let vertexIDs = boundary.vertexIDs()
        switch rule {
        case .queen:
            return sharing(ids: vertexIDs.ids, idCount: vertexIDs.count, starts: boundary.starts)
        case .rook:
            var keys: [UInt64] = []
            var starts = [0]
            keys.reserveCapacity(boundary.xs.count)
            starts.reserveCapacity(polygons.count + 1)
            for unit in 0..<polygons.count {
                let range = boundary.starts[unit]..<boundary.starts[unit + 1]
                if range.count >= 2 {
                    for k in range.lowerBound..<(range.upperBound - 1) {
                        let a = UInt64(vertexIDs.ids[k]), b = UInt64(vertexIDs.ids[k + 1])
                        keys.append(a < b ? a << 32 | b : b << 32 | a)
                    }
                }
                starts.append(keys.count)
            }
            let edgeIDs = canonicalIDs(count: keys.count, hash: { mix(keys[$0]) }, same: { keys[$0] == keys[$1] })
            return sharing(ids: edgeIDs.ids, idCount: edgeIDs.count, starts: starts)
        }
    }

    /// Units as neighbours when they hold a common id (a vertex or an edge): the ids each unit holds are
    /// `ids[starts[u]..<starts[u + 1]]`, numbered `0..<idCount`.
    static func sharing(ids: [Int32], idCount: Int, starts: [Int]) -> SpatialWeights {
        let unitCount = starts.count - 1
        // Which units hold each id, by a counting sort (a unit holding an id twice is listed twice, harmlessly).
        var holderStarts = [Int](repeating: 0, count: idCount + 1)
        for id in ids { holderStarts[Int(id) + 1] += 1 }
        for k in 0..<idCount { holderStarts[k + 1] += holderStarts[k] }
        var holders = [Int32](repeating: 0, count: ids.count)
        var next = holderStarts
        for unit in 0..<unitCount {
            for k in starts[unit]..<starts[unit + 1] {
                let id = Int(ids[k])
                holders[next[id]] = Int32(unit)
                next[id] += 1
            }
        }
        let holderUnits = holders, holderRanges = holderStarts
        return collectRows(unitCount: unitCount) { unit, seen, row in
            for k in starts[unit]..<starts[unit + 1] {
                let id = Int(ids[k])
                let range = holderRanges[id]..<holderRanges[id + 1]
                if range.count < 2 { continue }
                for h in range {
                    let other = holderUnits[h]
                    if Int(other) != unit && seen[Int(other)] != Int32(unit) {
                        seen[Int(other)] = Int32(unit)
                        row.append(other)
                    }
                }
            }
        }
    }

    /// Binary weights whose row `unit` is what `body(unit, &seen, &row)` appends (distinct units, any order; `seen`
    /// is a scratch array of `unitCount` entries the body may use to mark units it appended for this `unit`, since
    /// it is never reset between units). Rows are made in parallel over contiguous parts and sorted here.
    static func collectRows(unitCount: Int,
                            _ body: @Sendable (Int, inout [Int32], inout [Int32]) -> Void) -> SpatialWeights {
        let parts = unitCount < 512 ? 1 : min(unitCount / 256, 4 * ProcessInfo.processInfo.activeProcessorCount)
        let pieces = Parallel.map(parts) { part -> (counts: [Int], neighbours: [Int32]) in
            var seen = [Int32](repeating: -1, count: unitCount)
            var counts: [Int] = []
            var neighbours: [Int32] = []
            var row: [Int32] = []
            for unit in Parallel.part(part, of: unitCount, parts: parts) {
                row.removeAll(keepingCapacity: true)
                body(unit, &seen, &row)
                row.sort()
                counts.append(row.count)
                neighbours.append(contentsOf: row)
            }
            return (counts, neighbours)
        }
        var offsets = [0]
        offsets.reserveCapacity(unitCount + 1)
        var neighbours: [Int32] = []
        neighbours.reserveCapacity(pieces.reduce(0) { $0 + $1.neighbours.count })
        for piece in pieces {
            for count in piece.counts { offsets.append(offsets[offsets.count - 1] + count) }
            neighbours.append(contentsOf: piece.neighbours)
        }
        return SpatialWeights(offsets: offsets, neighbours: neighbours,
                              weights: [Double](repeating: 1, count: neighbours.count))
    }

    /// Dense ids for equal items: items `0..<count` numbered by first appearance, equal items (by `same`) sharing
    /// one id. An open-addressing table of item indices, twice the item count.
    static func canonicalIDs(count: Int, hash: (Int) -> UInt64, same: (Int, Int) -> Bool) -> (ids: [Int32], count: Int) {
        var capacity = 16
        while capacity < 2 * count { capacity <<= 1 }
        let mask = capacity - 1
        var table = [Int32](repeating: -1, count: capacity)
        var ids = [Int32](repeating: 0, count: count)
        var distinct: Int32 = 0
        for item in 0..<count {
            var slot = Int(truncatingIfNeeded: hash(item)) & mask
            while true {
                let held = table[slot]
                if held < 0 {
                    table[slot] = Int32(item)
                    ids[item] = distinct
                    distinct += 1
                    break
                }
                if same(Int(held), item) {
                    ids[item] = ids[Int(held)]
                    break
                }
                slot = (slot + 1) & mask
            }
        }
        return (ids, Int(distinct))
    }

    /// A 64-bit finaliser (splitmix64's), so coordinate bits that differ only in low or high bits spread over the table.
    @inline(__always)
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Every unit's boundary positions in libpysal's order (rings of parts, concatenated), as flat coordinate arrays.
struct FlatBoundary {
    var xs: [Double] = []
    var ys: [Double] = []
    /// Unit `u`'s positions are `starts[u]..<starts[u + 1]`.
    var starts: [Int] = [0]

    init(_ polygons: [MultiPolygon]) {
        let total = polygons.reduce(0) { $0 + $1.vertexCount }
        xs.reserveCapacity(total)
        ys.reserveCapacity(total)
        starts.reserveCapacity(polygons.count + 1)
        for multi in polygons {
            for polygon in multi.polygons {
                append(polygon.exterior)
                for hole in polygon.holes { append(hole) }
            }
            starts.append(xs.count)
        }
    }

    private mutating func append(_ ring: Ring) {
        for p in ring.points {
            // -0 and 0 compare equal in Python's tuples (and hash alike); make their bits equal too.
            xs.append(p.x == 0 ? 0 : p.x)
            ys.append(p.y == 0 ? 0 : p.y)
        }
    }

    /// One id per distinct position (exact coordinate bits after folding -0 into 0).
    func vertexIDs() -> (ids: [Int32], count: Int) {
        xs.withUnsafeBufferPointer { xs in
            ys.withUnsafeBufferPointer { ys in
                Neighbours.canonicalIDs(count: xs.count,
                                        hash: { Neighbours.mix(xs[$0].bitPattern ^ (ys[$0].bitPattern &* 0x9E37_79B9_7F4A_7C15)) },
                                        same: { xs[$0] == xs[$1] && ys[$0] == ys[$1] })
            }
        }
    }
}
