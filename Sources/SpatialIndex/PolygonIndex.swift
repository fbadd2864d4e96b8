import Foundation
import Dispatch
import Glibc
import GeoCore
import FreshMemory

/// Says which polygon of a layer each point falls in: the point-in-polygon core of cell assignment.
///
/// Built once from a layer of polygons (cells, districts) in input order; answers with the polygon's index
/// in that order, or -1 for a point outside every polygon. Coordinates are used as given (lon/lat or
/// projected): the test is topological.
///
/// Semantics, exactly:
/// - **Interior points** go to the polygon containing them: the even-odd (crossing-parity) rule with an
///   exact orientation predicate, so a point a hair's breadth from an edge gets the answer GEOS `contains`
///   gives for a valid polygon. Points in holes are outside.
/// - **Boundary points** follow the half-open crossing rule (PNPOLY): an edge counts when one endpoint's
///   y is <= the point's y and the other's is greater, and the point is strictly left of it. A point on
///   the boundary is thereby treated as if moved by an infinitesimal +x (and, on horizontal edges and
///   vertices, +y). A tiling is partitioned: a point on an edge or vertex shared by several cells goes to
///   exactly one of them, deterministically; a point on the layer's outer boundary goes to the cell when
///   the layer lies to its right (or above, on horizontal edges) and outside otherwise.
/// - **Overlapping polygons** (a broken layer): the lowest input index containing the point wins. The
///   pairs overlapping with positive area are found at build time (`overlappingPairs`);
///   `overlapAffectedCount(x:y:assignment:)` counts points that lie in more than one polygon.
/// - **NaN or infinite coordinates** are outside (-1).
///
/// How: a uniform grid over the layer's bounding box whose buckets are "outside", "inside polygon P",
/// a 4 × 4 sub-grid, or a leaf. A leaf holds the edges meeting the bucket plus, per candidate polygon, the
/// parity of its edges to the right of the bucket as a function of y; a shared edge is stored once with a
/// bitmask of the polygons it bounds, so it is decided once for both neighbours. Each leaf also has a
/// one-cache-line summary: its box cut into 12 × 12 micro-cells, each either answered outright (no edge
/// comes near it; up to three answers per leaf, the three covering the most micro-cells) or sent to the edges.
/// Where three or four cells meet at a vertex inside a leaf (a "star": nothing else near), a point sent to the
/// edges is first placed in its sector by three or four orientation tests against the rays, from one cache line.
/// Most points are thus answered by two table reads and arithmetic; batches are processed in passes that keep
/// many cache misses in flight (a point's summary line is prefetched as soon as its grid entry is read). No
/// allocation per query.
///
/// Measured (release, this project's 2-core machines, which other work shares: ±30 %): the 19,799-cell
/// Jiaxing 500 m grid builds in about 40 ms on two threads and assigns 1,000,000 clustered incidents in about
/// 4 ms on two threads (9 % of the points reach the edges, most of those decided by lone-edge lines and star
/// sectors), identical to shapely's `within` for every point; see Benchmarks/README.md for side-by-side figures.
/// For a batch of a few thousand points the build costs more than the queries; build once, query often.
public struct PolygonIndex: Sendable {
    let edges: EdgeTable
    let geometry: GridGeometry
    let grid: [UInt32]
    let nodes: [UInt32]
    let arena: AlignedWords
    let summaries: AlignedWords

    /// Pairs (i, j), i < j, of input polygons whose interiors overlap (a positive-area intersection).
    public let overlappingPairs: [(Int, Int)]

    /// The number of polygons in the layer the index was built from.
    public let polygonCount: Int

    /// Builds the index. Throws when a coordinate is NaN or infinite, or the layer is too large to index.
    /// - Parameter threads: workers for the build (rows of the grid are built in parallel).
    public init(layer: [MultiPolygon], threads: Int = defaultThreadCount) throws(PolygonIndexError) {
        try self.init(layer: layer, parameters: BuildParameters(threads: max(1, threads)))
    }

    init(layer: [MultiPolygon], parameters: BuildParameters) throws(PolygonIndexError) {
        guard layer.count <= maxPolygons else {
            throw PolygonIndexError(polygon: layer.count, part: 0, ring: 0, vertex: 0,
                                    problem: "a layer can hold at most \(maxPolygons) polygons")
        }
        // With more than one worker, the search for overlapping polygons starts now, beside the serial edge table
        // and row lists and then the row workers, so that it fills time that would otherwise be idle.
        let overlapSearch = parameters.threads > 1 ? OverlapSearch(layer) : nil
        let edges: EdgeTable
        do { edges = try EdgeTable(layer: layer) } catch {
            _ = overlapSearch?.result()
            throw error
        }
        self.edges = edges
        self.polygonCount = layer.count
        let geometry = Self.gridGeometry(edges: edges, parameters: parameters)
        self.geometry = geometry
        let builder = IndexBuilder(edges: edges, geometry: geometry, parameters: parameters)
        let (rowStart, rowEdges) = builder.rowLists()

        // Rows are built in chunks on several workers, then stitched with their offsets fixed.
        let chunkCount = min(geometry.ny, parameters.threads == 1 ? 1 : parameters.threads * 8)
        var chunks = [BuildChunk](repeating: BuildChunk(), count: chunkCount)
        chunks.withUnsafeMutableBufferPointer { buffer in
            let out = SendablePointer(buffer.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: chunkCount) { k in
                let rows = (geometry.ny * k / chunkCount)..<(geometry.ny * (k + 1) / chunkCount)
                out.pointer[k] = builder.buildRows(rows, rowStart: rowStart, rowEdges: rowEdges)
            }
        }
        let overlaps = overlapSearch?.result() ?? findOverlappingPairs(boxes: edges.polygonBoxes, layer: layer)
        // Where each chunk's words go in the stitched arrays (leaf 0 is the dummy summary line).
        var arenaBase = [0], nodeBase = [0], leafBase = [1]
        for chunk in chunks {
            arenaBase.append(arenaBase.last! + chunk.arena.count)
            nodeBase.append(nodeBase.last! + chunk.nodes.count / 16)
            leafBase.append(leafBase.last! + chunk.summaries.count / summaryWords)
        }
        guard arenaBase.last! < Int(entryPayloadMask), nodeBase.last! < Int(entryPayloadMask),
              leafBase.last! < Int(entryPayloadMask) else {
            throw PolygonIndexError(polygon: 0, part: 0, ring: 0, vertex: 0,
                                    problem: "the layer is too large to index (more than 2^30 index words)")
        }
        // Line 0 is a dummy (all zero) that points in constant buckets read, so the query need not branch.
        let summaries = AlignedWords(count: leafBase.last! * summaryWords)
        // The grid has a border of outside buckets all round, so the batch query clamps instead of branching.
        let rowLength = geometry.nx + 2, gridCount = rowLength * (geometry.ny + 2)
        // Every word below is written once (no zero-filling first: these arrays are tens of megabytes).
        var grid: [UInt32] = [], nodes: [UInt32] = []
        // On 64-byte boundaries, so that each star record (a multiple of 8 words into it) is one cache line.
        let arena = AlignedWords(count: arenaBase.last!)
        do {
            nodes = [UInt32](unsafeUninitializedCapacity: nodeBase.last! * 16) { nodeBuffer, nodeCount in
                grid = [UInt32](unsafeUninitializedCapacity: gridCount) { gridBuffer, initializedGrid in
                    for i in 0..<rowLength {
                        gridBuffer[i] = outsideValue
                        gridBuffer[gridCount - 1 - i] = outsideValue
                    }
                    for row in 1...geometry.ny {
                        gridBuffer[row * rowLength] = outsideValue
                        gridBuffer[row * rowLength + rowLength - 1] = outsideValue
                    }
                    let gridOut = SendablePointer(gridBuffer.baseAddress!)
                    let nodeOut = nodeBuffer.baseAddress.map(SendablePointer.init)
                    let arenaOut = SendablePointer(arena.base)
                    let summaryOut = SendablePointer(summaries.base)
                    let chunkList = chunks, leafBase = leafBase, nodeBase = nodeBase, arenaBase = arenaBase
                    // Each chunk's words are copied to their place with its indices moved, on several workers.
                    DispatchQueue.concurrentPerform(iterations: chunkList.count) { k in
                        let chunk = chunkList[k]
                        let leafShift = UInt32(leafBase[k]), nodeShift = UInt32(nodeBase[k])
                        func relocate(_ entry: UInt32) -> UInt32 {
                            switch entry >> entryTagShift {
                            case leafTag: return entry + leafShift
                            case nodeTag: return entry + nodeShift
                            default: return entry
                            }
                        }
                        let firstRow = geometry.ny * k / chunkList.count
                        for (i, entry) in chunk.grid.enumerated() {
                            let row = firstRow + i / geometry.nx, column = i % geometry.nx
                            gridOut.pointer[(row + 1) * rowLength + column + 1] = relocate(entry)
                        }
                        for (i, entry) in chunk.nodes.enumerated() { nodeOut!.pointer[nodeBase[k] * 16 + i] = relocate(entry) }
                        for (i, word) in chunk.arena.enumerated() { arenaOut.pointer[arenaBase[k] + i] = word }
                        let summaryStart = leafBase[k] * summaryWords
                        for (i, word) in chunk.summaries.enumerated() {
                            // Word 7 of a summary is its leaf's offset in the arena.
                            summaryOut.pointer[summaryStart + i] = i % summaryWords == summaryWords - 1 ? word + UInt64(arenaBase[k]) : word
                        }
                    }
                    initializedGrid = gridCount
                }
                nodeCount = nodeBase.last! * 16
            }
        }
        self.summaries = summaries
        self.grid = grid
        self.nodes = nodes
        self.arena = arena
        self.overlappingPairs = overlaps
    }

    static func gridGeometry(edges: EdgeTable, parameters: BuildParameters) -> GridGeometry {
        var box = edges.bounds
        if box.isEmpty { box = BoundingBox(minX: 0, minY: 0, maxX: 1, maxY: 1) }
        let magnitude = max(abs(box.minX), abs(box.maxX), abs(box.minY), abs(box.maxY))
        // The margin by which buckets are grown: far above the rounding of bucket arithmetic (~1e-16
        // relative) and far below any cell size (1e-10 of a 120° longitude is about a millimetre).
        let margin = magnitude > 0 ? magnitude * 1e-10 : 1e-300
        // The grid reaches a few margins beyond the layer, so no point of the layer is rounded into the
        // outside border the batch query clamps to.
        let pad = 4 * margin
        let width = (box.width > 0 ? box.width : max(box.height, 1)) + 2 * pad
        let height = (box.height > 0 ? box.height : max(width, 1)) + 2 * pad
        let target = max(1.0, Double(edges.count) * parameters.bucketsPerEdge)
        let side = parameters.maxGridSide
        let nx = max(1, min(side, Int((target * width / height).squareRoot().rounded(.up))))
        let ny = max(1, min(side, Int((target / Double(nx)).rounded(.up))))
        let w = width / Double(nx), h = height / Double(ny)
        return GridGeometry(minX: box.minX - pad, minY: box.minY - pad, maxX: box.minX - pad + width, maxY: box.minY - pad + height,
                            nx: nx, ny: ny, w: w, h: h, invW: 1 / w, invH: 1 / h, margin: margin)
    }

    /// A sensible worker count for this machine.
    public static var defaultThreadCount: Int { max(1, min(64, ProcessInfo.processInfo.activeProcessorCount)) }

    // MARK: queries

    /// The index of the polygon containing `point`, or -1 when it is outside every polygon.
    public func locate(_ point: Point) -> Int32 {
        grid.withUnsafeBufferPointer { g in
            nodes.withUnsafeBufferPointer { n in
                Query(geometry: geometry, grid: g.baseAddress!, nodes: n.baseAddress, arena: arena.base,
                      summaries: summaries.base).locate(point.x, point.y)
            }
        }
    }

    /// Locates every point (x[i], y[i]) into `result[i]`, on `threads` workers. The result does not depend
    /// on the number of workers. The three buffers must have the same count.
    public func assign(x: UnsafeBufferPointer<Double>, y: UnsafeBufferPointer<Double>,
                       into result: UnsafeMutableBufferPointer<Int32>, threads: Int = defaultThreadCount) {
        assign(x: x, y: y, into: result, threads: threads, resultIsFresh: false)
    }

    /// Locates every point (x[i], y[i]); see `assign(x:y:into:threads:)`.
    public func assign(x: [Double], y: [Double], threads: Int = defaultThreadCount) -> [Int32] {
        precondition(x.count == y.count, "x and y must have the same count")
        return [Int32](unsafeUninitializedCapacity: x.count) { buffer, initialized in
            x.withUnsafeBufferPointer { xs in
                y.withUnsafeBufferPointer { ys in
                    assign(x: xs, y: ys, into: buffer, threads: threads, resultIsFresh: true)
                }
            }
            initialized = x.count
        }
    }

    /// `resultIsFresh`: `result` was just allocated, so its pages may not be mapped yet (see `FreshBlock`).
    func assign(x: UnsafeBufferPointer<Double>, y: UnsafeBufferPointer<Double>,
                into result: UnsafeMutableBufferPointer<Int32>, threads: Int, resultIsFresh: Bool) {
        precondition(x.count == y.count && x.count == result.count, "x, y and result must have the same count")
        let count = x.count
        guard count > 0 else { return }
        let fresh = resultIsFresh ? FreshBlock(UnsafeMutableRawBufferPointer(result)) : nil
        fresh?.adviseHugePages()
        grid.withUnsafeBufferPointer { g in
            nodes.withUnsafeBufferPointer { n in
                let query = Query(geometry: geometry, grid: g.baseAddress!, nodes: n.baseAddress, arena: arena.base,
                                  summaries: summaries.base)
                let xs = SendablePointer(UnsafeMutablePointer(mutating: x.baseAddress!))
                let ys = SendablePointer(UnsafeMutablePointer(mutating: y.baseAddress!))
                let out = SendablePointer(result.baseAddress!)
                let workers = max(1, min(threads, count / 4096 + 1))
                let mappedAhead = fresh.flatMap { $0.isMappedAhead ? $0 : nil }
                if workers == 1 {
                    mappedAhead?.mapAhead(0..<count * 4)
                    query.run(xs.pointer, ys.pointer, out.pointer, 0..<count)
                    return
                }
                // More chunks than workers, so a worker that finishes early takes another: at least four each, and
                // for large batches chunks of about 65,536 points (half a millisecond), so that the workers end
                // together even when one of them first maps a fresh result (below). At 10,000,000 points, 152
                // chunks instead of 8: 1.4–1.6 ms faster (fastest of 30) in alternating runs; at 1,000,000 (14
                // instead of 8) no change.
                let chunks = workers * max(4, count / (workers << 16))
                @Sendable func chunk(_ k: Int) -> Range<Int> { (count * k / chunks)..<(count * (k + 1) / chunks) }
                // A block mapped ahead: its first chunk now, the rest by the first worker while the others start on
                // the first chunks. Zeroing the new pages (4 ms for 10,000,000 answers) then delays no worker for
                // long: alternating in one process, two threads' median 1–3.7 ms better in four trials of five.
                let mappingTasks = mappedAhead == nil ? 0 : 1
                mappedAhead?.mapAhead(0..<chunk(0).upperBound * 4)
                DispatchQueue.concurrentPerform(iterations: mappingTasks + chunks) { i in
                    if let mappedAhead, i < mappingTasks {
                        mappedAhead.mapAhead(chunk(0).upperBound * 4..<count * 4)
                    } else {
                        query.run(xs.pointer, ys.pointer, out.pointer, chunk(i - mappingTasks))
                    }
                }
            }
        }
    }

    /// Points per polygon (in input order) and points outside every polygon, for an assignment.
    public func counts(of assignment: [Int32]) -> (perPolygon: [Int], outside: Int) {
        var perPolygon = [Int](repeating: 0, count: polygonCount)
        var outside = 0
        for cell in assignment {
            if cell >= 0 && Int(cell) < polygonCount { perPolygon[Int(cell)] += 1 } else { outside += 1 }
        }
        return (perPolygon, outside)
    }

    /// Every polygon whose even-odd parity under the half-open rule holds `point`, ascending: more than
    /// one only in an overlapping layer. A slow exact scan of the candidates' edges, for reports.
    public func polygons(containing point: Point) -> [Int] {
        guard point.isFinite else { return [] }
        return (0..<polygonCount).filter { p in
            edges.polygonBoxes[p].contains(point) && edges.parity(polygon: p, point.x, point.y)
        }
    }

    /// How many of the points lie in more than one polygon (only possible when `overlappingPairs` is not
    /// empty), given their assignment by this index.
    public func overlapAffectedCount(x: [Double], y: [Double], assignment: [Int32]) -> Int {
        guard !overlappingPairs.isEmpty else { return 0 }
        var partners = [Int: [Int]]()
        for (i, j) in overlappingPairs { partners[i, default: []].append(j) }
        var affected = 0
        for k in assignment.indices {
            let cell = Int(assignment[k])
            // The winner is the lowest index; a second polygon can only be a higher-index partner.
            guard cell >= 0, let others = partners[cell] else { continue }
            let px = x[k], py = y[k]
            if others.contains(where: { edges.polygonBoxes[$0].contains(Point(x: px, y: py)) && edges.parity(polygon: $0, px, py) }) {
                affected += 1
            }
        }
        return affected
    }

    /// Bytes held by the index structure (grid, sub-grids, leaves and the edge table).
    public var memoryFootprint: Int {
        grid.count * 4 + nodes.count * 4 + arena.count * 8 + summaries.count * 8 + edges.count * (4 * 8 + 4) + polygonCount * (8 + 32)
    }

    /// Top-grid dimensions (columns, rows); for diagnostics and tuning.
    public var gridSize: (columns: Int, rows: Int) { (geometry.nx, geometry.ny) }
}

/// A result block just allocated, whose pages the kernel may not have mapped yet. A result of 10,000,000 answers
/// otherwise takes 10,000 page faults of about 1.6 µs each on this project's machines, a tenth of the assignment's
/// time; and even with huge pages, two workers faulting the same fresh block at once took 65 ms where mapping it
/// first and then assigning took 53. (At 1,000,000 the block is reused memory, and mapping it first only costs.)
struct FreshBlock: @unchecked Sendable {  // workers map disjoint byte ranges
    let block: UnsafeMutableRawBufferPointer

    init(_ block: UnsafeMutableRawBufferPointer) { self.block = block }

    /// Whether the block is worth mapping ahead: from 32 MiB, glibc's largest threshold for serving a block from
    /// reusable memory rather than a fresh mapping.
    var isMappedAhead: Bool { block.count >= mappedAheadBytes }

    func adviseHugePages() { FreshMemory.adviseHugePages(block) }

    /// Maps the pages of `bytes` (offsets into the block) now.
    func mapAhead(_ bytes: Range<Int>) {
        guard !bytes.isEmpty else { return }
        FreshMemory.mapNow(UnsafeMutableRawBufferPointer(rebasing: block[bytes]))
    }
}

/// The size from which a fresh result block is mapped ahead (`FreshBlock`).
let mappedAheadBytes = 32 << 20

/// A raw pointer that may cross into concurrently running closures writing disjoint parts.
struct SendablePointer<T>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<T>
    init(_ pointer: UnsafeMutablePointer<T>) { self.pointer = pointer }
}

/// Words on 64-byte boundaries, so each leaf summary (and each star record in the arena) is exactly one cache
/// line. Immutable once built.
final class AlignedWords: @unchecked Sendable {
    let base: UnsafeMutablePointer<UInt64>
    let count: Int

    init(count: Int) {
        self.count = count
        base = UnsafeMutableRawPointer.allocate(byteCount: max(1, count) * 8, alignment: 64)
            .bindMemory(to: UInt64.self, capacity: max(1, count))
        // Only the first line (the dummy summary) is zeroed here; the index builder writes every other word.
        base.initialize(repeating: 0, count: min(max(1, count), summaryWords))
    }

    deinit { base.deallocate() }
}

/// The hot path: raw pointers into the index, no reference counting, no bounds checks, no allocation.
struct Query: @unchecked Sendable {  // read-only pointers into immutable arrays
    let geometry: GridGeometry
    let grid: UnsafePointer<UInt32>
    let nodes: UnsafePointer<UInt32>?
    let arena: UnsafePointer<UInt64>
    let summaries: UnsafePointer<UInt64>

    /// Points go through in blocks, in passes that each do one kind of work so the CPU overlaps the cache
    /// misses of many points instead of waiting for each: bucket arithmetic and grid entries (constant
    /// buckets are answered there, and each leaf point's summary line is prefetched); sub-grid descents (few);
    /// the leaf summaries, which answer most of the rest; and last the points whose micro-cell an edge comes
    /// near, decided at their leaf's edges. The passes that load avoid branches whose outcome is as good as
    /// random, since a mispredicted branch discards the loads in flight; lists of the points each later pass
    /// needs are built without branches.
    func run(_ x: UnsafeMutablePointer<Double>, _ y: UnsafeMutablePointer<Double>,
             _ out: UnsafeMutablePointer<Int32>, _ range: Range<Int>) {
        // Longer blocks keep more loads in each pass's loop and give the prefetched summary lines longer to arrive:
        // in alternating runs in one process 1,024 measured 2–5 % faster than 256, and since the prefetching 4,096
        // another 2–6 % faster than 1,024; 8,192 no faster again. The scratch arrays take 224 KB.
        let block = 4096
        let arithmetic = BucketArithmetic(geometry)
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 6 * block) { scratch in
            let leafOffset = scratch.baseAddress!, leaves = leafOffset + block, descents = leaves + block
            let line = descents + block, pending = line + block
            let codeWords = UnsafeMutableRawPointer(pending + block).assumingMemoryBound(to: UInt64.self)
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 2 * block) { words in
                let buckets = words.baseAddress!, cells = buckets + block
                var start = range.lowerBound
                while start < range.upperBound {
                    let n = min(block, range.upperBound - start)
                    let xs = x + start, ys = y + start, answers = out + start
                    arithmetic.bucketsAndMicroCells(xs, ys, count: n, buckets: buckets, cells: cells)
                    var leafCount = 0, descentCount = 0
                    for k in 0..<n {
                        let e = grid[Int(buckets[k])]
                        // The constant answer; for a leaf it stands for the entry, which the passes below recover
                        // (`entry(answer:)`): one store less per point than an array of entries, 3–8 % faster in
                        // alternating runs in one process.
                        answers[k] = constantAnswer(e)
                        leaves[leafCount] = k
                        let isLeaf = Int(e >> entryTagShift) & 1
                        leafCount &+= isLeaf
                        // Sub-grid buckets are rare (only where a bucket holds many edges), so this branch is
                        // well predicted and cheaper than a store and an add for every point: 2–4 % faster in
                        // alternating runs in one process.
                        if _slowPath(e >> (entryTagShift + 1) != 0) {
                            descents[descentCount] = k
                            descentCount += 1
                        }
                        // The summary line is mostly a miss beyond the second-level cache (4 MB of them on the Jiaxing
                        // grid); asked for now, it arrives while the rest of the block is worked out. Without this
                        // the summary pass waits for them: 11–17 % slower, more when other machines crowd the cache.
                        // Constant buckets ask for the dummy line 0, which stays in the first-level cache.
                        prefetch(summaries + (Int(e & entryPayloadMask) & (0 &- isLeaf)) &* summaryWords)
                    }
                    for d in 0..<descentCount {
                        let k = descents[d]
                        let (e, cell) = entry(xs[k], ys[k])
                        cells[k] = UInt32(truncatingIfNeeded: cell)
                        answers[k] = constantAnswer(e)
                        if e >> entryTagShift == leafTag { leaves[leafCount] = k; leafCount += 1 }
                    }
                    // The word of each leaf point's summary holding its micro-cell's code (its line was prefetched
                    // above), in a loop of loads alone, so that any still on their way overlap.
                    for i in 0..<leafCount {
                        let k = leaves[i]
                        line[i] = Int(entry(answer: answers[k]) & entryPayloadMask) &* summaryWords
                        codeWords[i] = summaries[line[i] &+ Int(cells[k] &>> 5)]
                    }
                    var pendingCount = 0
                    for i in 0..<leafCount {
                        let k = leaves[i]
                        let code = Int(truncatingIfNeeded: (codeWords[i] &>> UInt64((cells[k] & 31) &* 2)) & 3)
                        answers[k] = tableAnswer(line: line[i], code: code)
                        pending[pendingCount] = i
                        pendingCount &+= code & (code &>> 1)  // code 3: decide at the edges
                    }
                    // In a leaf one edge alone crosses, a point clearly off that edge's line (a u + b v + c, see
                    // `IndexBuilder.microLine`, positive on the side of answer entry 0) takes its side's answer; the
                    // others get their leaf's offset in the arena (the low half of the word holding c).
                    var stillPending = 0
                    for p in 0..<pendingCount {
                        let i = pending[p], k = leaves[i], base = line[i]
                        let lastWord = summaries[base &+ arenaOffsetWord]
                        let d = highFloat(summaries[base &+ 4]) * arithmetic.microU(xs[k])
                            + highFloat(summaries[base &+ 6]) * arithmetic.microV(ys[k]) + highFloat(lastWord)
                        answers[k] = tableAnswer(line: base, code: d > 0 ? 0 : 1)
                        pending[stillPending] = i
                        leafOffset[stillPending] = Int(lastWord & 0xFFFF_FFFF)
                        // Branch-free: the sign of lineBand - |d| (a leaf with no lone edge keeps a zero line, d = 0).
                        stillPending &+= 1 &- Int(truncatingIfNeeded: (lineBand - abs(d)).bitPattern >> 63)
                    }
                    pendingCount = stillPending
                    // The leaves' first words (a star record or the edge groups' header) in a loop of loads, then star
                    // sectors, then the edge tests.
                    let head = codeWords
                    for p in 0..<pendingCount { head[p] = arena[leafOffset[p]] }
                    // Star leaves (a record before the groups): the point's sector by a few orientation tests.
                    // Points too near a ray, and points of other leaves, are decided at the edges.
                    let starPoints = descents, toEdges = line
                    var starCount = 0, edgeCount = 0
                    for p in 0..<pendingCount {
                        let isStar = Int(truncatingIfNeeded: head[p] >> 63)
                        starPoints[starCount] = p
                        starCount &+= isStar
                        toEdges[edgeCount] = p
                        edgeCount &+= 1 &- isStar
                    }
                    let firstFromStars = edgeCount
                    for s in 0..<starCount {
                        let p = starPoints[s], k = leaves[pending[p]]
                        let (answer, decided) = starAnswer(arena + leafOffset[p], arithmetic.microU(xs[k]), arithmetic.microV(ys[k]))
                        answers[k] = answer
                        leafOffset[p] &+= starRecordWords
                        toEdges[edgeCount] = p
                        edgeCount &+= decided ? 0 : 1
                    }
                    for q in firstFromStars..<edgeCount { head[toEdges[q]] = arena[leafOffset[toEdges[q]]] }
                    for q in 0..<edgeCount {
                        let p = toEdges[q], k = leaves[pending[p]]
                        answers[k] = evaluateLeaf(arena + leafOffset[p], head[p], xs[k], ys[k])
                    }
                    start += n
                }
            }
        }
    }

    /// The answer a constant entry gives (a polygon, or -1 for outside); meaningless for other entries.
    @inline(__always)
    func constantAnswer(_ e: UInt32) -> Int32 { Int32(bitPattern: e) &- 1 }

    /// The entry whose `constantAnswer` is `answer`: the batch query keeps each point's entry in its answer slot
    /// until the point is decided.
    @inline(__always)
    func entry(answer: Int32) -> UInt32 { UInt32(bitPattern: answer &+ 1) }

    /// Entry `code` (0–2) of the answer table of the summary starting at word `line`. The table (words 5
    /// and 6) is read as Int32s, little-endian as on every platform this runs on: entry t is Int32 2·line + 10 + t.
    @inline(__always)
    func tableAnswer(line: Int, code: Int) -> Int32 {
        UnsafeRawPointer(summaries).assumingMemoryBound(to: Int32.self)[(line &+ 5) &* 2 &+ code]
    }

    /// The answer of the sector of the star record at `record` holding micro-cell coordinates (u, v), and whether
    /// it is certain: every ray's test clear of `starBand` and exactly one sector between a ray the point is left
    /// of and the next one it is right of.
    @inline(__always)
    func starAnswer(_ record: UnsafePointer<UInt64>, _ u: Double, _ v: Double) -> (Int32, Bool) {
        let k = Int(truncatingIfNeeded: record[0] & 7)
        let du = u - lowFloat(record[1]), dv = v - highFloat(record[1])
        var left = 0, clear = 0
        for i in 0..<maxStarRays {
            let value = lowFloat(record[2 &+ i]) * dv - highFloat(record[2 &+ i]) * du
            left |= (value > 0 ? 1 : 0) << i
            clear |= (abs(value) > starBand ? 1 : 0) << i
        }
        let rays = (1 << k) &- 1
        let next = ((left >> 1) | (left << (k &- 1))) & rays
        let sectors = left & ~next & rays
        let certain = clear & rays == rays && sectors != 0 && sectors & (sectors &- 1) == 0
        return (UnsafeRawPointer(record + 6).assumingMemoryBound(to: Int32.self)[sectors.trailingZeroBitCount & 3], certain)
    }

    /// The summary's answer for micro-cell `micro` of leaf `leaf`, or `needsEdges`.
    @inline(__always)
    func summaryAnswer(_ leaf: UInt32, _ micro: Int) -> Int32 {
        let line = Int(leaf) &* summaryWords
        let code = Int(truncatingIfNeeded: (summaries[line &+ (micro >> 5)] >> UInt64((micro & 31) &* 2)) & 3)
        return code == 3 ? needsEdges : tableAnswer(line: line, code: code)
    }

    /// The grid entry (constant or leaf, never a sub-grid) for a point, and the point's micro-cell in that
    /// entry's box; outside for points off the grid.
    @inline(__always)
    func entry(_ px: Double, _ py: Double) -> (UInt32, Int) {
        // NaN fails every comparison, so it lands here too.
        guard px >= geometry.minX && px <= geometry.maxX && py >= geometry.minY && py <= geometry.maxY else {
            return (outsideValue, 0)
        }
        let fx = (px - geometry.minX) * geometry.invW
        let fy = (py - geometry.minY) * geometry.invH
        var ix = Int(fx), iy = Int(fy)
        if ix >= geometry.nx { ix = geometry.nx - 1 }
        if iy >= geometry.ny { iy = geometry.ny - 1 }
        var entry = grid[(iy &+ 1) &* (geometry.nx &+ 2) &+ ix &+ 1]
        // Fractions of the bucket; scaled by 4 for sub-grids they stay exact in binary.
        var rx = fx - Double(ix), ry = fy - Double(iy)
        if entry >> entryTagShift == nodeTag {
            repeat {
                rx *= 4; ry *= 4
                var sx = Int(rx), sy = Int(ry)
                if sx > 3 { sx = 3 }
                if sy > 3 { sy = 3 }
                rx -= Double(sx); ry -= Double(sy)
                entry = nodes.unsafelyUnwrapped[Int(entry & entryPayloadMask) &* 16 &+ sy &* 4 &+ sx]
            } while entry >> entryTagShift == nodeTag
        }
        var mx = Int(rx * Double(microSide)), my = Int(ry * Double(microSide))
        if mx >= microSide { mx = microSide - 1 }
        if my >= microSide { my = microSide - 1 }
        return (entry, my &* microSide &+ mx)
    }

    @inline(__always)
    func locate(_ px: Double, _ py: Double) -> Int32 {
        let (e, micro) = entry(px, py)
        let value = e & entryPayloadMask
        if e >> entryTagShift == leafTag {
            let answer = summaryAnswer(value, micro)
            if answer != needsEdges { return answer }
            var groups = arena + Int(summaries[Int(value) &* summaryWords &+ arenaOffsetWord] & 0xFFFF_FFFF)
            if groups[0] & starMarker != 0 { groups += starRecordWords }
            return evaluateLeaf(groups, groups[0], px, py)
        }
        return constantAnswer(e)
    }
}

/// The batch query's bucket arithmetic, with the grid's constants at hand.
struct BucketArithmetic {
    /// Coordinates are clamped to lowX ... highX (lowY ... highY), a quarter of a micro-cell inside the border's
    /// outer corners, so that rounding never takes a clamped point off the bordered grid.
    let lowX: Double, highX: Double, lowY: Double, highY: Double
    /// x · scaleX - shiftX is the micro-cell column, counted from the border's outer corner, less a half; rounding
    /// it to the nearest integer gives the column (see `lowWord`). The same for y.
    let scaleX: Double, scaleY: Double, shiftX: Double, shiftY: Double
    /// Buckets per row of the bordered grid.
    let rowLength: UInt64

    init(_ geometry: GridGeometry) {
        let side = Double(microSide)
        // Micro-cell coordinates count from the outer corner of the border, one bucket beyond the grid's.
        scaleX = geometry.invW * side
        scaleY = geometry.invH * side
        let cornerX = geometry.minX - side / scaleX, cornerY = geometry.minY - side / scaleY
        lowX = cornerX + 0.25 / scaleX
        lowY = cornerY + 0.25 / scaleY
        highX = cornerX + (Double((geometry.nx + 2) * microSide) - 0.75) / scaleX
        highY = cornerY + (Double((geometry.ny + 2) * microSide) - 0.75) / scaleY
        shiftX = cornerX * scaleX + 0.5
        shiftY = cornerY * scaleY + 0.5
        rowLength = UInt64(geometry.nx + 2)
    }

    /// The bucket of the bordered grid and the micro-cell within it, by arithmetic alone: positions are
    /// clamped into the grid and its border, so points off the grid (NaN and infinities included) land in a
    /// border bucket, which is outside. A point on a micro-cell's side, or within the arithmetic's rounding
    /// (about 10^-10 of a cell) of it, may land on either side: both cells' summaries hold for it, since a cell is
    /// only summarised when no edge comes within the margin. The micro-cell's column and row are rounded once, in
    /// floating point; the bucket and the cell within it follow from them in integers (columns, rows and the row
    /// length stay below 2^16, so every product fits 32 bits), so that a loop of these vectorizes:
    /// `bucketsAndMicroCells`.
    @inline(__always)
    func bucketAndMicroCell(_ px: Double, _ py: Double) -> (bucket: UInt32, cell: UInt32) {
        // `v > low ? v : low` also turns NaN into low.
        let cx = min(px > lowX ? px : lowX, highX), cy = min(py > lowY ? py : lowY, highY)
        let gx = UInt64(lowWord(cx * scaleX - shiftX)), gy = UInt64(lowWord(cy * scaleY - shiftY))
        let ix = bucketOfMicroColumn(gx), iy = bucketOfMicroColumn(gy)
        let side = UInt64(microSide)
        return (UInt32(truncatingIfNeeded: iy &* rowLength &+ ix),
                UInt32(truncatingIfNeeded: (gy &- iy &* side) &* side &+ (gx &- ix &* side)))
    }

    /// `bucketAndMicroCell` of `count` points into `buckets` and `cells`. On this project's machines the loop runs
    /// two points per instruction (SSE2, the products of 32-bit values by PMULUDQ): 1.5 ms per million points on one
    /// thread against 2.2 ms when the bucket and cell were also worked out in floating point (which kept the two
    /// floating-point adders busy); the whole query is about 8 % faster for it.
    func bucketsAndMicroCells(_ xs: UnsafePointer<Double>, _ ys: UnsafePointer<Double>, count: Int,
                              buckets: UnsafeMutablePointer<UInt32>, cells: UnsafeMutablePointer<UInt32>) {
        for k in 0..<count { (buckets[k], cells[k]) = bucketAndMicroCell(xs[k], ys[k]) }
    }

    /// Micro-cell coordinates (less a half) of a position on the grid: the frame of star records.
    @inline(__always) func microU(_ x: Double) -> Double { x * scaleX - shiftX }
    @inline(__always) func microV(_ y: Double) -> Double { y * scaleY - shiftY }
}

/// Asks the processor to start loading the cache line holding `address`, without waiting for it: LLVM's
/// prefetch intrinsic (read, keep in all cache levels), which the standard library does not expose; the
/// name binds to it directly. A hint only: it changes no result.
@_silgen_name("llvm.prefetch.p0")
func prefetchIntrinsic(_ address: UnsafeRawPointer, _ write: Int32, _ locality: Int32, _ dataCache: Int32)

@inline(__always) func prefetch(_ address: UnsafePointer<UInt64>) { prefetchIntrinsic(address, 0, 3, 1) }

/// The Float stored in the low (high) half of a word, as a Double: lone-edge lines and star records keep theirs so.
@inline(__always) func lowFloat(_ word: UInt64) -> Double { Double(Float(bitPattern: UInt32(truncatingIfNeeded: word))) }
@inline(__always) func highFloat(_ word: UInt64) -> Double { Double(Float(bitPattern: UInt32(truncatingIfNeeded: word >> 32))) }

/// How far (in micro-cells) a point must be from a summary's stored line for its side to be certain. The line's
/// three Floats are each within a relative 2^-24 of the exact coefficients, scaled so that |a|, |b| <= 1; u and v
/// stay below (4096 + 2) · 12 = 49,176 and so |c| below 98,352 on the largest grid: the stored line is off by at
/// most 2^-24 · (49,176 + 49,176 + 98,352) < 0.012, and the doubles' rounding is far below that. Points within
/// the band (about 35 cm of an edge on the 500 m Jiaxing grid) are decided at the edges.
let lineBand = 0.016

/// How far (in micro-cells) a point must be from a star leaf's ray for its side to be certain. The vertex is
/// stored as two Floats of micro-cell coordinates below (4096 + 2) · 12 = 49,176, so within 2^-24 · 49,176 < 0.003
/// of its place in each; the directions (max(|du|, |dv|) = 1) within 2^-25 in each component, over the at most
/// 18 micro-cells between a point of the leaf and its vertex. A ray's test is thus off by less than 0.007, and
/// the doubles' rounding is far below that. Points nearer a ray (about 35 cm on the Jiaxing 500 m grid) go to the
/// edges.
let starBand = 0.016

/// ⌊v⌋ for 0 <= v < 2^31 without the range checks of `Int(_:)`: v - 0.5 rounded to the nearest integer (ties to
/// even, so an integer v may give v - 1: a point on a cell side, which either cell answers).
@inline(__always)
func floorOfSmall(_ v: Double) -> Int { Int(lowWord(v - 0.5)) }

/// ⌊g / s⌋ for a micro-cell column 0 <= g < 2^17 and s = `microSide`, by a multiplication and a shift: with
/// r = ⌊2^19 / s⌋ + 1, g r / 2^19 exceeds g / s by g (r s - 2^19) / (2^19 s) < 1/s for g < 2^19 / (r s - 2^19)
/// (131,072 for s = 12), too little to reach the next integer. The largest grid has (4096 + 2) · 12 = 49,176
/// columns.
@inline(__always) func bucketOfMicroColumn(_ g: UInt64) -> UInt64 { (g &* microReciprocal) &>> 19 }

let microReciprocal = UInt64((1 << 19) / microSide + 1)

/// The nearest integer to v (ties to even), for -0.5 <= v < 2^31, as a UInt32 without the range checks of
/// `UInt32(_:)`: the low word of v + 1.5 × 2^52.
@inline(__always) func lowWord(_ v: Double) -> UInt32 { UInt32(truncatingIfNeeded: (v + 0x1.8p52).bitPattern) }

/// A summary code's marker for "decide at the edges"; never a polygon index or -1.
let needsEdges = Int32.min

/// The leaf's exact answer at (px, py): the half-open crossing rule over the leaf's edges, plus the parity of
/// each candidate's edges right of the leaf, lowest candidate (or the leaf's constant polygon) first.
@inline(__always)
func evaluateLeaf(_ start: UnsafePointer<UInt64>, _ head: UInt64, _ px: Double, _ py: Double) -> Int32 {
    var group = start
    var counts = head
    while true {
        let edgeCount = Int(truncatingIfNeeded: counts & 0xFFFF_FFFF)
        let breakCount = Int(truncatingIfNeeded: counts >> 32)
        var mask = group[1]
        let info = group[2]
        let constant = Int32(bitPattern: UInt32(truncatingIfNeeded: info))
        let candidateCount = Int(truncatingIfNeeded: (info >> 32) & 0x7FFF_FFFF)
        var p = group + 3
        let edgeEnd = p + edgeCount &* 5
        // Branch-free on the common path: whether an edge is crossed is as good as random.
        while p < edgeEnd {
            let ax = Double(bitPattern: p[0]), ay = Double(bitPattern: p[1])
            let bx = Double(bitPattern: p[2]), by = Double(bitPattern: p[3])
            let inRange = (ay <= py) && (py < by)
            // The orient2d filter of `orientationSign`, inlined; the exact path only when it cannot decide.
            let detLeft = (ax - px) * (by - py)
            let detRight = (ay - py) * (bx - px)
            let det = detLeft - detRight
            let bound = orientErrorBound * (abs(detLeft) + abs(detRight))
            var crossed = det > bound
            if _slowPath(inRange && !crossed && -det <= bound) {
                crossed = orientationSign(ax, ay, bx, by, px, py) > 0
            }
            mask ^= p[4] & (0 &- UInt64(inRange && crossed ? 1 : 0))
            p += 5
        }
        let breakEnd = p + breakCount &* 2
        while p < breakEnd {
            mask ^= p[1] & (0 &- UInt64(Double(bitPattern: p[0]) <= py ? 1 : 0))
            p += 2
        }
        let candidates = UnsafeRawPointer(breakEnd).assumingMemoryBound(to: Int32.self)
        if mask != 0 {
            let found = candidates[mask.trailingZeroBitCount]
            return constant >= 0 && constant < found ? constant : found
        }
        if info >> 63 == 0 { return constant }
        group = breakEnd + (candidateCount + 1) / 2
        counts = group[0]
    }
}

