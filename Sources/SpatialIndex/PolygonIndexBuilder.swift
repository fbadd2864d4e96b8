import Dispatch
import GeoCore

// How the index is laid out (see PolygonIndex for the query side).
//
// A uniform top grid of nx × ny buckets covers the layer's bounding box. Each bucket is described by its
// local edges (edges that may meet the bucket grown by a margin `m`) and, for each candidate polygon (one
// owning a local edge), the parity of that polygon's edges lying wholly to the right of the bucket inside
// the bucket's horizontal strip. That parity depends on the query's y alone: a base bit at the strip's
// bottom plus sorted y breakpoints where it flips. A query then applies the half-open crossing rule to the
// local edges only, and the answer equals the rule applied to every edge of the layer. Polygons without a
// local edge are constant over the bucket; the lowest one containing it is stored with the bucket.
//
// Grid entries are 32 bits: the top two bits say what the rest is.
//   00: a constant answer: polygon index + 1, or 0 (`outsideValue`) for outside everything, so that the entry
//       less one is the answer, -1 for outside (see `constantEntry`)
//   01: a leaf: its number n; its summary is words 8n ..< 8n + 8 of `summaries` (one 64-byte cache line)
//   10: a 4 × 4 sub-grid: index of its 16 entries in `nodes`
// A leaf's summary answers most points without looking at an edge: the leaf's box is cut into
// `microSide` × `microSide` micro-cells, and a micro-cell no edge comes near (within the margin) has one answer.
//   words 0–4: a 2-bit code per micro-cell (row-major from the bottom left): 0–2 = answer table entry, 3 = look
//              at the edges
//   word 5, 6: the answer table, three Int32 (-1 = outside): word 5 low, word 5 high, word 6 low
//   word 7:    offset of the leaf's edge groups in `arena`, or of its star record (the line before them), in
//              the low half
//   high halves of words 4, 6, 7: for a leaf one edge alone crosses (see `loneEdge`), that edge's line
//              a u + b v + c in the micro-cell frame as three Floats, positive on the side of answer entry 0 (else
//              all three are zero, so no point is clear of it); a code-3 point clearly off the line (|value| >
//              `lineBand`) takes its side's entry.
// The edge groups decide the points in micro-cells an edge comes near; one or more groups of ≤ 64 candidates,
// each group contiguous in `arena`:
//   word 0: edge count | breakpoint count << 32
//   word 1: base mask (bit s = parity of candidate s's right edges at the strip's bottom)
//   word 2: constant (Int32 bit pattern, -1 = none) | candidate count << 32 | another group follows << 63
//   5 words per edge: lower x, lower y, upper x, upper y, mask of the candidates this edge bounds
//   2 words per breakpoint: y, mask (ascending y; the mask flips for every breakpoint <= the query's y)
//   candidate polygon indices, two Int32 per word, ascending
// Keeping a leaf in one contiguous run of words means a query touches one or two cache lines after the grid.

@usableFromInline let entryTagShift: UInt32 = 30
@usableFromInline let entryPayloadMask: UInt32 = 0x3FFF_FFFF
@usableFromInline let outsideValue: UInt32 = 0
/// The grid entry of a bucket lying wholly inside `polygon` (-1: outside every polygon).
@inline(__always) func constantEntry(_ polygon: Int32) -> UInt32 { UInt32(bitPattern: polygon &+ 1) }
/// The most polygons a layer may hold: constant entries keep polygon + 1 below the tag bits.
let maxPolygons = Int(entryPayloadMask) - 1
@usableFromInline let leafTag: UInt32 = 1
@usableFromInline let nodeTag: UInt32 = 2
/// Micro-cells per side of a leaf's summary; 144 two-bit codes fill five words.
let microSide = 12
let summaryWords = 8
/// Word of a summary holding the offset in `arena` of the leaf's edge groups, or of its star record.
let arenaOffsetWord = 7

/// Tuning knobs; defaults chosen by measurement on the 19,799-cell Jiaxing grid (see PolygonIndex docs).
struct BuildParameters: Sendable {
    /// Top-grid buckets per edge. Fewer buckets build faster, more answer more points from the grid alone. On
    /// the Jiaxing 500 m grid (alternating runs in one process, fourth session): 1.25 against 1 queries 5–7 %
    /// faster on two threads and builds 8 % slower (39.6 against 36.7 ms); 1.1 and 1.2 gain less, 1.5 little more
    /// for a build 16 % slower. (Second session: 2 builds 12 % slower than 1.5 and queries no faster.)
    var bucketsPerEdge: Double = 1.25
    var maxGridSide = 4096
    /// A bucket with more local edges than this is split 4 × 4. On the Jiaxing 500 m grid, against 12: 12 % fewer
    /// instructions to build (717M against 813M, one thread) and 1 % fewer per query (the few leaves along
    /// ragged district borders hold more edges, but points no longer descend into sub-grids); past 32 the
    /// build gains nothing more.
    var maxLeafEdges = 24
    var maxDepth = 5
    var threads = 2
}

struct GridGeometry: Sendable {
    var minX: Double, minY: Double, maxX: Double, maxY: Double
    var nx: Int, ny: Int
    var w: Double, h: Double
    var invW: Double, invH: Double
    var margin: Double

    func columnFloor(_ x: Double) -> Int {
        let f = ((x - minX) * invW).rounded(.down)
        return f < 0 ? -1 : (f >= Double(nx) ? nx : Int(f))
    }

    func rowFloor(_ y: Double) -> Int {
        let f = ((y - minY) * invH).rounded(.down)
        return f < 0 ? -1 : (f >= Double(ny) ? ny : Int(f))
    }
}

/// What one worker produced for a run of grid rows; indices are local until merged.
struct BuildChunk {
    var grid: [UInt32] = []
    var arena: [UInt64] = []
    var nodes: [UInt32] = []
    var summaries: [UInt64] = []
}

/// The state of one bucket while it is being built.
struct BucketState {
    var x0: Double, x1: Double, y0: Double, y1: Double
    var local: [Int32]
    var candidates: [Int32]
    var base: [Bool]
    var breakY: [Double]
    var breakSlot: [Int32]
    var constant: Int32
}

struct IndexBuilder {
    let edges: EdgeTable
    let geometry: GridGeometry
    let parameters: BuildParameters
    /// The batch query's micro-cell frame, in which star records are written.
    let frame: BucketArithmetic

    init(edges: EdgeTable, geometry: GridGeometry, parameters: BuildParameters) {
        self.edges = edges
        self.geometry = geometry
        self.parameters = parameters
        frame = BucketArithmetic(geometry)
    }

    // MARK: top level

    /// Edge ids per grid row (CSR): row r holds `rowEdges[rowStart[r] ..< rowStart[r + 1]]`, ascending.
    func rowLists() -> (start: [Int], edges: [Int32]) {
        let ny = geometry.ny, m = geometry.margin
        var start = [Int](repeating: 0, count: ny + 1)
        var ranges = [(Int32, Int32)](repeating: (0, -1), count: edges.count)
        for e in 0..<edges.count {
            let r0 = max(0, geometry.rowFloor(edges.ay[e] - 2 * m))
            let r1 = min(ny - 1, geometry.rowFloor(edges.by[e] + 2 * m))
            ranges[e] = (Int32(r0), Int32(r1))
            if r0 <= r1 { for r in r0...r1 { start[r + 1] += 1 } }
        }
        for r in 0..<ny { start[r + 1] += start[r] }
        var fill = start
        var list = [Int32](repeating: 0, count: start[ny])
        for e in 0..<edges.count {
            let (r0, r1) = ranges[e]
            if r0 <= r1 { for r in Int(r0)...Int(r1) { list[fill[r]] = Int32(e); fill[r] += 1 } }
        }
        return (start, list)
    }

    /// The x extent of edge e inside the strip [s0, s1], or nil when the edge cannot cross the strip.
    @inline(__always)
    func extent(_ e: Int, _ s0: Double, _ s1: Double) -> (Double, Double)? {
        let ay = edges.ay[e], by = edges.by[e]
        if by < s0 || ay > s1 { return nil }
        let ax = edges.ax[e], bx = edges.bx[e]
        if ay >= s0 && by <= s1 { return (min(ax, bx), max(ax, bx)) }
        // Clip by interpolation; its rounding is far below the margin used by every caller.
        let slope = (bx - ax) / (by - ay)
        let xa = ay >= s0 ? ax : ax + (s0 - ay) * slope
        let xb = by <= s1 ? bx : ax + (s1 - ay) * slope
        return (min(xa, xb), max(xa, xb))
    }

    func buildRows(_ rows: Range<Int>, rowStart: [Int], rowEdges: [Int32]) -> BuildChunk {
        var chunk = BuildChunk()
        chunk.grid.reserveCapacity(rows.count * geometry.nx)
        // Generous guesses (about twice what a grid layer needs), so the arrays are not copied as they grow;
        // pages never written cost nothing.
        let rowEdgeCount = rows.isEmpty ? 0 : rowStart[rows.upperBound] - rowStart[rows.lowerBound]
        chunk.arena.reserveCapacity(rowEdgeCount * 24)
        chunk.summaries.reserveCapacity(rows.count * geometry.nx * summaryWords)
        let nx = geometry.nx, m = geometry.margin
        var colStart = [Int](repeating: 0, count: nx + 1)
        var colFill = [Int](repeating: 0, count: nx + 1)
        var colEdges: [Int32] = []
        var c0s: [Int] = []
        var c1s: [Int] = []
        var crossings: [(x: Double, polygon: Int32)] = []
        var rowPolygons: [Int32] = []
        var inside: [Int32] = []
        var scratch = LeafScratch()
        var state = BucketState(x0: 0, x1: 0, y0: 0, y1: 0, local: [], candidates: [], base: [], breakY: [],
                                breakSlot: [], constant: -1)
        for r in rows {
            let y0 = geometry.minY + Double(r) * geometry.h
            let y1 = geometry.minY + Double(r + 1) * geometry.h
            let s0 = y0 - m, s1 = y1 + m
            let list = rowEdges[rowStart[r]..<rowStart[r + 1]]
            // The polygon of each row edge, contiguous: the right-edge search below runs on it.
            rowPolygons.removeAll(keepingCapacity: true)
            for e in list { rowPolygons.append(edges.polygon[Int(e)]) }
            c0s.removeAll(keepingCapacity: true)
            c1s.removeAll(keepingCapacity: true)
            for i in 0...nx { colStart[i] = 0 }
            for e32 in list {
                let e = Int(e32)
                if let (xlo, xhi) = extent(e, s0, s1) {
                    let c0 = max(0, geometry.columnFloor(xlo - 2 * m))
                    let c1 = min(nx - 1, geometry.columnFloor(xhi + 2 * m))
                    c0s.append(c0); c1s.append(c1)
                    if c0 <= c1 { for c in c0...c1 { colStart[c + 1] += 1 } }
                } else {
                    c0s.append(Int.max); c1s.append(Int.min)
                }
            }
            for c in 0..<nx { colStart[c + 1] += colStart[c] }
            for c in 0...nx { colFill[c] = colStart[c] }
            if colEdges.count < colStart[nx] { colEdges = [Int32](repeating: 0, count: colStart[nx]) }
            for (k, e32) in list.enumerated() where c0s[k] <= c1s[k] {
                for c in c0s[k]...c1s[k] { colEdges[colFill[c]] = e32; colFill[c] += 1 }
            }
            // Polygons containing each bucket's centre, by a sweep along the row's centre line from the right.
            let cy = (y0 + y1) / 2
            crossings.removeAll(keepingCapacity: true)
            for e32 in list {
                let e = Int(e32)
                let ay = edges.ay[e], by = edges.by[e]
                if ay <= cy && cy < by {
                    let ax = edges.ax[e], bx = edges.bx[e]
                    crossings.append((ax + (cy - ay) * ((bx - ax) / (by - ay)), edges.polygon[e]))
                }
            }
            crossings.sort { $0.x > $1.x }
            inside.removeAll(keepingCapacity: true)
            var next = 0
            var rowEntries = [UInt32](repeating: 0, count: nx)
            for c in stride(from: nx - 1, through: 0, by: -1) {
                let cx = geometry.minX + (Double(c) + 0.5) * geometry.w
                while next < crossings.count && crossings[next].x > cx {
                    let p = crossings[next].polygon
                    if let i = inside.firstIndex(of: p) { inside.remove(at: i) } else { inside.append(p) }
                    next += 1
                }
                let localRange = colStart[c]..<colStart[c + 1]
                if localRange.isEmpty {
                    rowEntries[c] = constantEntry(inside.min() ?? -1)
                    continue
                }
                state.x0 = geometry.minX + Double(c) * geometry.w
                state.x1 = geometry.minX + Double(c + 1) * geometry.w
                state.y0 = y0
                state.y1 = y1
                state.local.removeAll(keepingCapacity: true)
                state.local.append(contentsOf: colEdges[localRange])
                state.candidates.removeAll(keepingCapacity: true)
                for e in state.local { state.candidates.append(edges.polygon[Int(e)]) }
                sortAndDedup(&state.candidates)
                var constant: Int32 = -1
                for p in inside where (constant < 0 || p < constant) && !containsSorted(state.candidates, p) { constant = p }
                state.constant = constant
                state.base.removeAll(keepingCapacity: true)
                state.base.append(contentsOf: repeatElement(false, count: state.candidates.count))
                state.breakY.removeAll(keepingCapacity: true)
                state.breakSlot.removeAll(keepingCapacity: true)
                // Right edges of each candidate: its row edges starting in a column beyond c.
                for (slot, p) in state.candidates.enumerated() {
                    var k = lowerBound(rowPolygons, polygon: p)
                    while k < list.count && rowPolygons[k] == p {
                        if c0s[k] != Int.max && c0s[k] > c {
                            let e = Int(list[list.startIndex + k])
                            toggle(&state, slot: slot, y: edges.ay[e], s0: s0, s1: s1)
                            toggle(&state, slot: slot, y: edges.by[e], s0: s0, s1: s1)
                        }
                        k += 1
                    }
                }
                rowEntries[c] = emit(state, depth: 0, into: &chunk, scratch: &scratch)
            }
            chunk.grid.append(contentsOf: rowEntries)
        }
        // Whole lines, so that star records stay on line boundaries once the chunks are stitched.
        chunk.arena.append(contentsOf: repeatElement(0, count: (8 - chunk.arena.count % 8) % 8))
        return chunk
    }

    /// First position in the row's polygons (ascending, as edge ids are) that is >= p.
    func lowerBound(_ polygons: [Int32], polygon p: Int32) -> Int {
        var lo = 0, hi = polygons.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if polygons[mid] < p { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// One endpoint of a right edge flips its polygon's parity for queries at or above y.
    @inline(__always)
    func toggle(_ state: inout BucketState, slot: Int, y: Double, s0: Double, s1: Double) {
        if y <= s0 {
            state.base[slot].toggle()
        } else if y <= s1 {
            state.breakY.append(y)
            state.breakSlot.append(Int32(slot))
        }
    }

    // MARK: buckets

    func emit(_ state: BucketState, depth: Int, into chunk: inout BuildChunk, scratch: inout LeafScratch) -> UInt32 {
        if state.local.isEmpty {
            return constantEntry(state.constant)
        }
        let m = geometry.margin
        if state.local.count > parameters.maxLeafEdges && depth < parameters.maxDepth
            && (state.x1 - state.x0) > 256 * m && (state.y1 - state.y0) > 256 * m {
            return subdivide(state, depth: depth, into: &chunk, scratch: &scratch)
        }
        return emitLeaf(state, into: &chunk, scratch: &scratch)
    }

    func subdivide(_ parent: BucketState, depth: Int, into chunk: inout BuildChunk, scratch: inout LeafScratch) -> UInt32 {
        let node = chunk.nodes.count / 16
        chunk.nodes.append(contentsOf: repeatElement(0, count: 16))
        let m = geometry.margin
        let cw = (parent.x1 - parent.x0) / 4, ch = (parent.y1 - parent.y0) / 4
        var childSlotOfParent = [Int](repeating: -1, count: parent.candidates.count)
        var parity = [Bool](repeating: false, count: parent.candidates.count)
        var right: [Int32] = []
        for j in 0..<4 {
            let y0 = parent.y0 + Double(j) * ch
            let y1 = j == 3 ? parent.y1 : parent.y0 + Double(j + 1) * ch
            let s0 = y0 - m, s1 = y1 + m
            for i in 0..<4 {
                let x0 = parent.x0 + Double(i) * cw
                let x1 = i == 3 ? parent.x1 : parent.x0 + Double(i + 1) * cw
                var local: [Int32] = []
                right.removeAll(keepingCapacity: true)
                for e32 in parent.local {
                    guard let (xlo, xhi) = extent(Int(e32), s0, s1) else { continue }
                    if xhi + 2 * m < x0 { continue }
                    if xlo - 2 * m > x1 { right.append(e32); continue }
                    local.append(e32)
                }
                var candidates = local.map { edges.polygon[Int($0)] }
                candidates.sort()
                candidates = dedupedSorted(candidates)
                for k in childSlotOfParent.indices { childSlotOfParent[k] = -1 }
                var base = [Bool](repeating: false, count: candidates.count)
                for (slot, p) in candidates.enumerated() {
                    // Every child candidate was a parent candidate: its local edges were the parent's.
                    let ps = indexSorted(parent.candidates, p)
                    childSlotOfParent[ps] = slot
                    base[slot] = parent.base[ps]
                }
                var child = BucketState(x0: x0, x1: x1, y0: y0, y1: y1, local: local, candidates: candidates,
                                        base: base, breakY: [], breakSlot: [], constant: parent.constant)
                for (k, y) in parent.breakY.enumerated() {
                    let slot = childSlotOfParent[Int(parent.breakSlot[k])]
                    if slot >= 0 { toggle(&child, slot: slot, y: y, s0: s0, s1: s1) }
                }
                for e32 in right {
                    let e = Int(e32)
                    if let slot = indexSortedOrNil(candidates, edges.polygon[e]) {
                        toggle(&child, slot: slot, y: edges.ay[e], s0: s0, s1: s1)
                        toggle(&child, slot: slot, y: edges.by[e], s0: s0, s1: s1)
                    }
                }
                // Parent candidates with no edge here are constant over the child: test its centre exactly.
                if candidates.count < parent.candidates.count {
                    let mx = (x0 + x1) / 2, my = (y0 + y1) / 2
                    for k in parity.indices { parity[k] = parent.base[k] }
                    for (k, y) in parent.breakY.enumerated() where y <= my { parity[Int(parent.breakSlot[k])].toggle() }
                    for e32 in parent.local where edges.crosses(Int(e32), mx, my) {
                        parity[indexSorted(parent.candidates, edges.polygon[Int(e32)])].toggle()
                    }
                    for (k, p) in parent.candidates.enumerated()
                    where parity[k] && childSlotOfParent[k] < 0 && (child.constant < 0 || p < child.constant) {
                        child.constant = p
                    }
                }
                let entry = emit(child, depth: depth + 1, into: &chunk, scratch: &scratch)
                chunk.nodes[node * 16 + j * 4 + i] = entry
            }
        }
        return (nodeTag << entryTagShift) | UInt32(node)
    }

    func emitLeaf(_ state: BucketState, into chunk: inout BuildChunk, scratch: inout LeafScratch) -> UInt32 {
        // A star leaf's record takes the whole line before its edge groups (see `StarRays`).
        let star = starRays(state)
        var recordOffset = -1
        if star != nil {
            chunk.arena.append(contentsOf: repeatElement(0, count: (8 - chunk.arena.count % 8) % 8))
            recordOffset = chunk.arena.count
            chunk.arena.append(contentsOf: repeatElement(0, count: starRecordWords))
        }
        let offset = chunk.arena.count
        scratch.slots.removeAll(keepingCapacity: true)
        for e in state.local { scratch.slots.append(indexSorted(state.candidates, edges.polygon[Int(e)])) }
        let groupCount = (state.candidates.count + 63) / 64
        for g in 0..<groupCount {
            let first = g * 64, end = min(state.candidates.count, first + 64)
            // Edges, each stored once with the mask of every candidate it bounds (shared edges of a tiling).
            scratch.edges.removeAll(keepingCapacity: true)
            for (k, e32) in state.local.enumerated() where scratch.slots[k] >= first && scratch.slots[k] < end {
                let e = Int(e32)
                if edges.ay[e] == edges.by[e] { continue }   // never crossed; it only made the bucket a leaf
                let bit = UInt64(1) << UInt64(scratch.slots[k] - first)
                let item = LeafScratch.Edge(ax: edges.ax[e], ay: edges.ay[e], bx: edges.bx[e], by: edges.by[e], mask: bit)
                var merged = false
                if state.local.count <= 64 {
                    for m in scratch.edges.indices where scratch.edges[m].ax == item.ax && scratch.edges[m].ay == item.ay
                        && scratch.edges[m].bx == item.bx && scratch.edges[m].by == item.by {
                        scratch.edges[m].mask ^= bit
                        merged = true
                        break
                    }
                }
                if !merged { scratch.edges.append(item) }
            }
            scratch.breaks.removeAll(keepingCapacity: true)
            for (k, y) in state.breakY.enumerated() {
                let s = Int(state.breakSlot[k])
                if s >= first && s < end { scratch.breaks.append(LeafScratch.Break(y: y, mask: UInt64(1) << UInt64(s - first))) }
            }
            scratch.breaks.sort { $0.y < $1.y }
            // Breakpoints at the same y combine; those cancelling out (a vertex where the outline goes on
            // upward or downward) disappear. (By index: iterating the array while writing to it copies it.)
            var w = 0
            for r in scratch.breaks.indices {
                let b = scratch.breaks[r]
                if w > 0 && scratch.breaks[w - 1].y == b.y { scratch.breaks[w - 1].mask ^= b.mask } else { scratch.breaks[w] = b; w += 1 }
            }
            scratch.breaks.removeLast(scratch.breaks.count - w)
            var base: UInt64 = 0
            for s in first..<end where state.base[s] { base |= UInt64(1) << UInt64(s - first) }
            let edgeCount = scratch.edges.reduce(0) { $0 + ($1.mask != 0 ? 1 : 0) }
            let breakCount = scratch.breaks.reduce(0) { $0 + ($1.mask != 0 ? 1 : 0) }
            let candidateCount = end - first
            let more: UInt64 = g + 1 < groupCount ? 1 << 63 : 0
            chunk.arena.append(UInt64(edgeCount) | UInt64(breakCount) << 32)
            chunk.arena.append(base)
            chunk.arena.append(UInt64(UInt32(bitPattern: state.constant)) | UInt64(candidateCount) << 32 | more)
            for item in scratch.edges where item.mask != 0 {
                chunk.arena.append(item.ax.bitPattern); chunk.arena.append(item.ay.bitPattern)
                chunk.arena.append(item.bx.bitPattern); chunk.arena.append(item.by.bitPattern)
                chunk.arena.append(item.mask)
            }
            for b in scratch.breaks where b.mask != 0 { chunk.arena.append(b.y.bitPattern); chunk.arena.append(b.mask) }
            var k = first
            while k < end {
                let lo = UInt64(UInt32(bitPattern: state.candidates[k]))
                let hi = k + 1 < end ? UInt64(UInt32(bitPattern: state.candidates[k + 1])) : 0
                chunk.arena.append(lo | hi << 32)
                k += 2
            }
        }
        // The star record when every sector's answer is known, else the edge groups, is what word 7 points to.
        let sectors = star.flatMap { star in
            chunk.arena.withUnsafeBufferPointer { star.sectorAnswers(groups: $0.baseAddress! + offset, in: state, margin: geometry.margin) }
        }
        if let star, let sectors {
            chunk.arena.withUnsafeMutableBufferPointer { star.write(sectors: sectors, to: $0.baseAddress! + recordOffset, frame: frame) }
        }
        let leaf = chunk.summaries.count / summaryWords
        chunk.arena.withUnsafeBufferPointer { arena in
            appendSummary(state, groups: arena.baseAddress! + offset, arenaOffset: sectors != nil ? recordOffset : offset,
                          scratch: &scratch, to: &chunk.summaries)
        }
        return (leafTag << entryTagShift) | UInt32(leaf)
    }

    /// The rays of a star leaf, or nil: every edge near the bucket (copies in the rings of the polygons it
    /// separates aside) runs from one vertex V in the bucket to an end beyond it, as where the cells of a grid
    /// meet. The bucket, grown by the margin, is then cut into k sectors that nothing else comes near, each inside
    /// or outside the same polygons; with every sector under a half turn, a point is in the sector whose first
    /// ray (counter-clockwise) it is left of and whose second ray it is right of.
    func starRays(_ state: BucketState) -> StarRays? {
        let local = state.local
        guard local.count >= 3 && local.count <= 2 * maxStarRays else { return nil }
        let first = Int(local[0])
        let m = geometry.margin, reach = 4 * m
        for end in 0..<2 {
            let vx = end == 0 ? edges.ax[first] : edges.bx[first], vy = end == 0 ? edges.ay[first] : edges.by[first]
            guard vx >= state.x0 - m && vx <= state.x1 + m && vy >= state.y0 - m && vy <= state.y1 + m else { continue }
            // Every edge from V to an end beyond the bucket; copies of one edge (shared by two rings) counted once.
            var ends: [(x: Double, y: Double)] = []
            ends.reserveCapacity(maxStarRays)
            var isStar = true
            for e32 in local {
                let e = Int(e32)
                let (x, y): (Double, Double)
                if edges.ax[e] == vx && edges.ay[e] == vy {
                    (x, y) = (edges.bx[e], edges.by[e])
                } else if edges.bx[e] == vx && edges.by[e] == vy {
                    (x, y) = (edges.ax[e], edges.ay[e])
                } else {
                    isStar = false
                    break
                }
                guard x < state.x0 - reach || x > state.x1 + reach || y < state.y0 - reach || y > state.y1 + reach else {
                    isStar = false
                    break
                }
                var seen = false
                for known in ends where known.x == x && known.y == y { seen = true }
                if !seen { ends.append((x, y)) }
            }
            guard isStar && ends.count >= 3 && ends.count <= maxStarRays else { continue }
            // Counter-clockwise from +x (the upper half-plane first, each half by exact turns); then each sector
            // must turn left, exactly, so that it is under a half turn.
            let k = ends.count
            func lower(_ end: (x: Double, y: Double)) -> Bool { end.y < vy || (end.y == vy && end.x < vx) }
            func precedes(_ a: (x: Double, y: Double), _ b: (x: Double, y: Double)) -> Bool {
                lower(a) != lower(b) ? !lower(a) : orientationSign(vx, vy, a.x, a.y, b.x, b.y) > 0
            }
            for i in 1..<k {
                var j = i
                while j > 0 && precedes(ends[j], ends[j - 1]) {
                    ends.swapAt(j - 1, j)
                    j -= 1
                }
            }
            for i in 0..<k where orientationSign(vx, vy, ends[i].x, ends[i].y, ends[(i + 1) % k].x, ends[(i + 1) % k].y) <= 0 {
                return nil
            }
            return StarRays(vx: vx, vy: vy, ends: ends)
        }
        return nil
    }

    /// The leaf's summary (see the layout above). Micro-cells an edge comes within the margin of are marked;
    /// the others are answered by the exact leaf evaluation at the centre of one cell per connected run of
    /// them, since no edge separates neighbouring unmarked cells. Rows are 12-bit masks, runs bit tricks.
    func appendSummary(_ state: BucketState, groups: UnsafePointer<UInt64>, arenaOffset: Int,
                       scratch: inout LeafScratch, to summaries: inout [UInt64]) {
        let n = microSide, m = geometry.margin, full = (1 << microSide) - 1
        let mw = (state.x1 - state.x0) / Double(n), mh = (state.y1 - state.y0) / Double(n)
        let invW = 1 / mw, invH = 1 / mh
        // The cell index of a coordinate, clamped to -1 ... n; rounding here is far below the margin the
        // coordinates are padded by.
        @inline(__always) func cellIndex(_ f: Double) -> Int {
            floorOfSmall(min(f + 1 > 0 ? f + 1 : 0, Double(n + 1))) - 1
        }
        var touched = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &touched) { raw in
            let rows = raw.bindMemory(to: Int.self)
            for e32 in state.local {
                let e = Int(e32)
                let ax = edges.ax[e], ay = edges.ay[e], bx = edges.bx[e], by = edges.by[e]
                let j0 = max(0, cellIndex((ay - 2 * m - state.y0) * invH))
                let j1 = min(n - 1, cellIndex((by + 2 * m - state.y0) * invH))
                guard j0 <= j1 else { continue }
                let slope = by > ay ? (bx - ax) / (by - ay) : 0
                for j in j0...j1 {
                    // The edge's x extent within the row's strip grown by the margin.
                    let s0 = max(ay, state.y0 + Double(j) * mh - m)
                    let s1 = min(by, state.y0 + Double(j + 1) * mh + m)
                    guard s0 <= s1 else { continue }
                    // Endpoints exactly (a horizontal edge has s0 = ay and s1 = by, and spans ax to bx).
                    let xa = s0 == ay ? ax : ax + (s0 - ay) * slope
                    let xb = s1 == by ? bx : ax + (s1 - ay) * slope
                    let i0 = max(0, cellIndex((min(xa, xb) - 2 * m - state.x0) * invW))
                    let i1 = min(n - 1, cellIndex((max(xa, xb) + 2 * m - state.x0) * invW))
                    if i0 <= i1 { rows[j] |= (2 << i1) - (1 << i0) }
                }
            }
        }
        var table: (Int32, Int32, Int32) = (-1, -1, -1)
        // Every cell starts at code 3 (decide at the edges); runs whose answer has an entry get its code.
        var codes: (UInt64, UInt64, UInt64, UInt64, UInt64) = (~0, ~0, ~0, ~0, UInt64(UInt32.max))
        var splitLine = (a: Float(0), b: Float(0), c: Float(0))
        withUnsafeBytes(of: &touched) { touchedRaw in
            scratch.runs.withUnsafeMutableBufferPointer { runs in
                scratch.tally.withUnsafeMutableBufferPointer { tally in
                    let rows = touchedRaw.bindMemory(to: Int.self)
                    // Runs of unmarked cells, row by row, each with its answer (an index into the leaf's distinct
                    // answers): a run touching one of the row below shares its answer (no edge separates them), the
                    // others are evaluated at their first cell's centre. A row of 12 cells has at most 6 runs.
                    var runCount = 0, answerCount = 0, below = 0..<0
                    for j in 0..<n {
                        let start = runCount
                        var free = ~rows[j] & full
                        while free != 0 {
                            let run = free & ~(free &+ (free & (0 &- free)))
                            free &= ~run
                            var answer = -1
                            for r in below where runs[r].mask & run != 0 { answer = runs[r].answer; break }
                            if answer < 0 {
                                let value = evaluateLeaf(groups, groups[0], state.x0 + (Double(run.trailingZeroBitCount) + 0.5) * mw,
                                                         state.y0 + (Double(j) + 0.5) * mh)
                                answer = 0
                                while answer < answerCount && tally[answer].answer != value { answer += 1 }
                                if answer == answerCount { tally[answer] = (value, 0); answerCount += 1 }
                            }
                            runs[runCount] = LeafScratch.Run(row: j, mask: run, answer: answer)
                            runCount += 1
                        }
                        below = start..<runCount
                    }
                    // The answers get the table's entries, or with more than three, the three covering the most cells
                    // (ties to the answer met first); cells of any other answer (a fourth polygon meeting in the leaf)
                    // are decided at the edges like marked cells.
                    var slotOfAnswer = (0, 1, 2, 3, 3, 3, 3, 3)
                    // A leaf one edge alone crosses has two answers, one each side: entry 0 gets the left one. When the
                    // edge passes so near a corner that no unmarked cell lies on one side (or on either), the sides'
                    // answers come from points inside the leaf near its corners.
                    if answerCount < 2, let edge = loneEdge(state),
                       let sides = sideAnswers(of: edge, in: state, groups: groups, inset: (mw / 4, mh / 4)) {
                        for r in 0..<runCount { runs[r].answer = tally[runs[r].answer].answer == sides.left ? 0 : 1 }
                        tally[0] = (sides.left, 0)
                        tally[1] = (sides.right, 0)
                        answerCount = 2
                        splitLine = microLine(edge)
                    } else if answerCount == 2, let edge = loneEdge(state) {
                        let center = (state.x0 + (Double(runs[0].mask.trailingZeroBitCount) + 0.5) * mw,
                                      state.y0 + (Double(runs[0].row) + 0.5) * mh)
                        splitLine = microLine(edge)
                        if orientationSign(edge.ax, edge.ay, edge.bx, edge.by, center.0, center.1) < 0 {
                            slotOfAnswer.0 = 1
                            slotOfAnswer.1 = 0
                        }
                    }
                    withUnsafeMutableBytes(of: &slotOfAnswer) { slotRaw in
                        let slotOf = slotRaw.bindMemory(to: Int.self)
                        if answerCount > 3 {
                            for r in 0..<runCount { tally[runs[r].answer].cells += runs[r].mask.nonzeroBitCount }
                            for t in 0..<min(answerCount, slotOf.count) { slotOf[t] = 3 }
                            for slot in 0..<3 {
                                var best = 0
                                for t in 1..<answerCount where tally[t].cells > tally[best].cells { best = t }
                                tally[best].cells = -1
                                if best < slotOf.count { slotOf[best] = slot }
                            }
                        }
                        withUnsafeMutableBytes(of: &table) { tableRaw in
                            let answers = tableRaw.bindMemory(to: Int32.self)
                            for t in 0..<min(answerCount, slotOf.count) where slotOf[t] < 3 { answers[slotOf[t]] = tally[t].answer }
                        }
                        withUnsafeMutableBytes(of: &codes) { codesRaw in
                            let code = codesRaw.bindMemory(to: UInt64.self)
                            for r in 0..<runCount {
                                let slot = runs[r].answer < slotOf.count ? UInt64(slotOf[runs[r].answer]) : 3
                                guard slot < 3 else { continue }
                                // Code of cell (i, j) is at bit 2 (j n + i): a row's 2n bits may straddle two words.
                                let bits = UInt64(spreadToEvenBits(runs[r].mask)), flip = bits &* (3 ^ slot)
                                let offset = 2 * n * runs[r].row, word = offset >> 6, shift = offset & 63
                                code[word] ^= flip << UInt64(shift)
                                if shift + 2 * n > 64 { code[word + 1] ^= flip >> UInt64(64 - shift) }
                            }
                        }
                    }
                }
            }
        }
        summaries.append(codes.0); summaries.append(codes.1); summaries.append(codes.2)
        summaries.append(codes.3); summaries.append(codes.4 | UInt64(splitLine.a.bitPattern) << 32)
        summaries.append(UInt64(UInt32(bitPattern: table.0)) | UInt64(UInt32(bitPattern: table.1)) << 32)
        summaries.append(UInt64(UInt32(bitPattern: table.2)) | UInt64(splitLine.b.bitPattern) << 32)
        summaries.append(UInt64(arenaOffset) | UInt64(splitLine.c.bitPattern) << 32)
    }

    /// The edge a leaf's bucket holds alone (its copies in the rings of the polygons it separates aside), when
    /// its ends lie beyond the bucket: it then cuts the bucket, grown by the margin, into two convex parts that
    /// nothing else comes near, each inside or outside the same polygons.
    func loneEdge(_ state: BucketState) -> (ax: Double, ay: Double, bx: Double, by: Double)? {
        // Two copies for an edge two cells share; a few more only where polygons overlap.
        guard let first = state.local.first, state.local.count <= 4 else { return nil }
        let e = Int(first)
        let (ax, ay, bx, by) = (edges.ax[e], edges.ay[e], edges.bx[e], edges.by[e])
        for f32 in state.local {
            let f = Int(f32)
            let same = edges.ay[f] == ay && edges.by[f] == by
                && ((edges.ax[f] == ax && edges.bx[f] == bx) || (ay == by && edges.ax[f] == bx && edges.bx[f] == ax))
            guard same else { return nil }
        }
        let reach = 4 * geometry.margin
        func beyond(_ x: Double, _ y: Double) -> Bool {
            x < state.x0 - reach || x > state.x1 + reach || y < state.y0 - reach || y > state.y1 + reach
        }
        return beyond(ax, ay) && beyond(bx, by) ? (ax, ay, bx, by) : nil
    }

    /// The leaf's answers left and right of a lone edge, each evaluated at a point near a corner of the leaf (moved
    /// `inset` inwards) strictly on that side; nil when the edge leaves no corner on a side.
    func sideAnswers(of edge: (ax: Double, ay: Double, bx: Double, by: Double), in state: BucketState,
                     groups: UnsafePointer<UInt64>, inset: (Double, Double)) -> (left: Int32, right: Int32)? {
        var left: Int32?, right: Int32?
        for (x, y) in [(state.x0 + inset.0, state.y0 + inset.1), (state.x1 - inset.0, state.y0 + inset.1),
                       (state.x0 + inset.0, state.y1 - inset.1), (state.x1 - inset.0, state.y1 - inset.1)] {
            let side = orientationSign(edge.ax, edge.ay, edge.bx, edge.by, x, y)
            if side > 0 && left == nil { left = evaluateLeaf(groups, groups[0], x, y) }
            if side < 0 && right == nil { right = evaluateLeaf(groups, groups[0], x, y) }
        }
        guard let left, let right else { return nil }
        return (left, right)
    }

    /// The line through a → b in the batch query's micro-cell frame: a u + b v + c, positive left of a → b,
    /// scaled so that max(|a|, |b|) = 1, each rounded to Float (see `lineBand`).
    func microLine(_ edge: (ax: Double, ay: Double, bx: Double, by: Double)) -> (a: Float, b: Float, c: Float) {
        let ua = frame.microU(edge.ax), va = frame.microV(edge.ay), ub = frame.microU(edge.bx), vb = frame.microV(edge.by)
        let a = va - vb, b = ub - ua
        let norm = max(abs(a), abs(b))
        return (Float(a / norm), Float(b / norm), Float(-(a * ua + b * va) / norm))
    }
}

/// Bit i of a 16-bit mask moved to bit 2i, so that multiplying by a 2-bit code writes it into every cell.
@inline(__always)
func spreadToEvenBits(_ mask: Int) -> Int {
    var x = mask & 0xFFFF
    x = (x | (x << 8)) & 0x00FF_00FF
    x = (x | (x << 4)) & 0x0F0F_0F0F
    x = (x | (x << 2)) & 0x3333_3333
    return (x | (x << 1)) & 0x5555_5555
}

/// Buffers reused from leaf to leaf, so building a leaf allocates nothing in the common case.
struct LeafScratch {
    struct Edge { var ax: Double, ay: Double, bx: Double, by: Double, mask: UInt64 }
    struct Break { var y: Double, mask: UInt64 }
    /// A run of unmarked micro-cells in one row of a leaf's summary, and its answer.
    struct Run { var row: Int, mask: Int, answer: Int }
    var slots: [Int] = []
    var edges: [Edge] = []
    var breaks: [Break] = []
    /// A summary's runs (at most 6 in each of 12 rows) and the micro-cells per answer while its table is chosen.
    var runs = [Run](repeating: Run(row: 0, mask: 0, answer: 0), count: microSide * microSide / 2)
    var tally = [(answer: Int32, cells: Int)](repeating: (0, 0), count: microSide * microSide / 2)
}

// MARK: sorted-array helpers

/// Sorts and removes repeats, in place.
func sortAndDedup(_ a: inout [Int32]) {
    a.sort()
    // By index: iterating the array while writing to it would copy it.
    var w = 0
    for r in a.indices where w == 0 || a[w - 1] != a[r] {
        a[w] = a[r]
        w += 1
    }
    a.removeLast(a.count - w)
}

func dedupedSorted(_ a: [Int32]) -> [Int32] {
    var out: [Int32] = []
    out.reserveCapacity(a.count)
    for v in a where out.last != v { out.append(v) }
    return out
}

func indexSortedOrNil(_ a: [Int32], _ v: Int32) -> Int? {
    var lo = 0, hi = a.count
    while lo < hi {
        let mid = (lo + hi) / 2
        if a[mid] < v { lo = mid + 1 } else { hi = mid }
    }
    return lo < a.count && a[lo] == v ? lo : nil
}

func indexSorted(_ a: [Int32], _ v: Int32) -> Int { indexSortedOrNil(a, v) ?? -1 }

func containsSorted(_ a: [Int32], _ v: Int32) -> Bool { indexSortedOrNil(a, v) != nil }

/// The most rays a star leaf may have (four cells meeting at a grid corner).
let maxStarRays = 4
let starRecordWords = 8

/// A star leaf's vertex and rays, and its record: the one cache line before the leaf's edge groups that lets a
/// point in a code-3 micro-cell find its sector with k orientation tests instead of the edges.
///
/// Record (8 words, on a line boundary):
///   word 0:    `starMarker` | k (the ray count, 3 or 4)
///   word 1:    V in the batch query's micro-cell coordinates (`BucketArithmetic`): u, v as Float32
///   words 2–5: ray i's direction (du, dv) as Float32, scaled so that max(|du|, |dv|) = 1 (unused: zero)
///   words 6, 7: the answers of sectors 0–3 (Int32; sector i lies between ray i and ray i + 1 counter-clockwise)
/// A group header never has bit 63 set, so the marker tells a record from the groups. A point decides by its
/// sector only when every ray's test is clear of `starBand`; otherwise it is decided at the edges (word 8 on).
struct StarRays {
    let vx: Double, vy: Double
    let ends: [(x: Double, y: Double)]

    /// The answer of each sector, by the leaf's exact evaluation a short way (64 margins) into it from V along
    /// its bisector; nil when V lies too near the bucket's side for that (the point must stay in the bucket).
    /// Such a leaf keeps the line reserved for its record unused and is decided at its edges.
    func sectorAnswers(groups: UnsafePointer<UInt64>, in state: BucketState, margin: Double) -> [Int32]? {
        let d = 64 * margin
        guard vx - state.x0 > 2 * d && state.x1 - vx > 2 * d && vy - state.y0 > 2 * d && state.y1 - vy > 2 * d else { return nil }
        let k = ends.count
        var answers: [Int32] = []
        answers.reserveCapacity(maxStarRays)
        for i in 0..<k {
            let a = ends[i], b = ends[(i + 1) % k]
            let la = ((a.x - vx) * (a.x - vx) + (a.y - vy) * (a.y - vy)).squareRoot()
            let lb = ((b.x - vx) * (b.x - vx) + (b.y - vy) * (b.y - vy)).squareRoot()
            let sx = (a.x - vx) / la + (b.x - vx) / lb, sy = (a.y - vy) / la + (b.y - vy) / lb
            let length = (sx * sx + sy * sy).squareRoot()
            let px = vx + d * sx / length, py = vy + d * sy / length
            // Strictly inside the sector, exactly, or no record at all.
            guard orientationSign(vx, vy, a.x, a.y, px, py) > 0 && orientationSign(vx, vy, b.x, b.y, px, py) < 0 else { return nil }
            answers.append(evaluateLeaf(groups, groups[0], px, py))
        }
        return answers
    }

    func write(sectors: [Int32], to record: UnsafeMutablePointer<UInt64>, frame: BucketArithmetic) {
        func pair(_ a: Double, _ b: Double) -> UInt64 { UInt64(Float(a).bitPattern) | UInt64(Float(b).bitPattern) << 32 }
        func answers(_ a: Int32, _ b: Int32) -> UInt64 { UInt64(UInt32(bitPattern: a)) | UInt64(UInt32(bitPattern: b)) << 32 }
        record[0] = starMarker | UInt64(ends.count)
        record[1] = pair(frame.microU(vx), frame.microV(vy))
        for i in 0..<maxStarRays {
            guard i < ends.count else { record[2 + i] = 0; continue }
            let du = (ends[i].x - vx) * frame.scaleX, dv = (ends[i].y - vy) * frame.scaleY
            let norm = max(abs(du), abs(dv))
            record[2 + i] = pair(du / norm, dv / norm)
        }
        record[6] = answers(sectors[0], sectors[1])
        record[7] = answers(sectors[2], sectors.count > 3 ? sectors[3] : -1)
    }
}

/// Bit 63 of an arena word: a star record, not a group header.
let starMarker: UInt64 = 1 << 63
