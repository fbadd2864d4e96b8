import FreshMemory
import Incidents
import Parallel

/// A clock that turns UTC instants into local wall-clock seconds (the zone periods are counted in).
public protocol LocalClock: Sendable {
    func localSeconds(utc: Int64) -> Int64
}

/// A clock a fixed number of seconds east of UTC.
public struct FixedOffsetClock: LocalClock {
    public let offsetSeconds: Int64
    public init(offsetSeconds: Int64) { self.offsetSeconds = offsetSeconds }
    @inlinable public func localSeconds(utc: Int64) -> Int64 { utc + offsetSeconds }
}

/// Incident counts per unit (cell or area) × category × period: a reduction in datashader's sense.
///
/// - create: `CountCube(units:categories:periods:)`, all zeros, for a chosen list of periods of one unit;
/// - append: `add(unit:category:slot:)`, or `append(_:rows:clock:)` for a run of incidents;
/// - combine: `merge(_:)` adds another cube's counts, even one over other periods (the result holds the union), so
///   partial cubes from chunks, threads or separate runs merge exactly, in any order (counts are integers);
/// - finalize: `rolledUp(into:count:)`, `count(unit:category:period:)` and harm-weighted totals from the counts.
///
/// Storage is dense: `counts[(slot × categories + category) × units + unit]`, 4 bytes per combination.
public struct CountCube: Sendable, Equatable {
    public let unitCount: Int
    public let categoryCount: Int
    /// The periods counted, ascending; slot `s` is `periods[s]`.
    public private(set) var periods: [Period]
    public private(set) var counts: [UInt32]
    /// Incidents appended that fell in no counted period (their time was outside every one).
    public private(set) var outOfPeriods = 0
    /// Incidents appended without a time (`IncidentTable.missingTime`).
    public private(set) var timeless = 0
    /// Incidents appended that lie outside every unit.
    public private(set) var outside = 0

    /// The slot of each period index from `firstIndex` on (-1: not counted): the per-row lookup.
    private var slotOfIndex: [Int32]
    private var firstIndex: Int

    /// An empty cube over `periods` (all of one unit; sorted and deduplicated here).
    public init(units: Int, categories: Int, periods: [Period]) {
        self.init(units: units, categories: categories, periods: periods, zeroed: true)
    }

    /// `zeroed` false leaves `counts` empty for the caller to fill (all of it).
    private init(units: Int, categories: Int, periods: [Period], zeroed: Bool) {
        precondition(Set(periods.map(\.unit)).count <= 1, "periods of one unit")
        self.unitCount = units
        self.categoryCount = categories
        self.periods = Array(Set(periods)).sorted()
        self.counts = zeroed ? [UInt32](repeating: 0, count: units * categories * self.periods.count) : []
        self.firstIndex = self.periods.first?.index ?? 0
        self.slotOfIndex = []
        buildLookup()
    }

    private mutating func buildLookup() {
        firstIndex = periods.first?.index ?? 0
        let span = (periods.last?.index ?? firstIndex - 1) - firstIndex + 1
        slotOfIndex = [Int32](repeating: -1, count: span)
        for (slot, period) in periods.enumerated() { slotOfIndex[period.index - firstIndex] = Int32(slot) }
    }

    public var periodUnit: PeriodUnit? { periods.first?.unit }

    /// The slot of `period`, or nil when it is not counted.
    public func slot(of period: Period) -> Int? {
        guard period.unit == periodUnit else { return nil }
        let k = period.index - firstIndex
        guard k >= 0, k < slotOfIndex.count, slotOfIndex[k] >= 0 else { return nil }
        return Int(slotOfIndex[k])
    }

    @inline(__always)
    func offset(unit: Int, category: Int, slot: Int) -> Int { (slot * categoryCount + category) * unitCount + unit }

    public mutating func add(unit: Int, category: Int, slot: Int, count: UInt32 = 1) {
        counts[offset(unit: unit, category: category, slot: slot)] += count
    }

    /// Appends incidents `rows`: `cell[row]` their unit (negative: outside every unit), `category[row]` their
    /// category index, `time[row]` their UTC seconds, counted in the period holding `clock`'s local time.
    @_specialize(exported: true, where Clock == IncidentTimeZone)
    public mutating func append<Clock: LocalClock>(cell: UnsafeBufferPointer<Int32>, category: UnsafeBufferPointer<UInt16>,
                                                   time: UnsafeBufferPointer<Int64>, rows: Range<Int>, clock: Clock) {
        guard let unit = periodUnit else {
            // No period is counted: every row with a unit and a time is out of the periods.
            for row in rows {
                if cell[row] < 0 { outside += 1 } else if time[row] == IncidentTable.missingTime { timeless += 1 } else {
                    outOfPeriods += 1
                }
            }
            return
        }
        let first = firstIndex, span = slotOfIndex.count, units = unitCount, categories = categoryCount
        var outside = 0, timeless = 0, outOfPeriods = 0
        slotOfIndex.withUnsafeBufferPointer { slots in
            counts.withUnsafeMutableBufferPointer { counts in
                for row in rows {
                    let unitIndex = Int(cell[row])
                    if unitIndex < 0 {
                        outside += 1
                        continue
                    }
                    let t = time[row]
                    if t == IncidentTable.missingTime {
                        timeless += 1
                        continue
                    }
                    let k = unit.index(localSeconds: clock.localSeconds(utc: t)) &- first
                    // One unsigned comparison tests both ends of the range.
                    guard UInt(bitPattern: k) < UInt(span) else {
                        outOfPeriods += 1
                        continue
                    }
                    let slot = Int(slots[k])
                    if slot < 0 {
                        outOfPeriods += 1
                        continue
                    }
                    counts[(slot &* categories &+ Int(category[row])) &* units &+ unitIndex] &+= 1
                }
            }
        }
        self.outside += outside
        self.timeless += timeless
        self.outOfPeriods += outOfPeriods
    }

    /// Adds `other`'s counts and tallies. Both must count the same units and categories; the result counts the
    /// periods of both.
    public mutating func merge(_ other: CountCube) {
        precondition(other.unitCount == unitCount && other.categoryCount == categoryCount, "cubes of one shape")
        if other.periods != periods {
            let union = Array(Set(periods).union(other.periods)).sorted()
            if union != periods {
                var grown = CountCube(units: unitCount, categories: categoryCount, periods: union)
                grown.addSlots(of: self)
                grown.outside = outside
                grown.timeless = timeless
                grown.outOfPeriods = outOfPeriods
                self = grown
            }
            addSlots(of: other)
        } else {
            counts.withUnsafeMutableBufferPointer { mine in
                other.counts.withUnsafeBufferPointer { theirs in
                    for i in mine.indices { mine[i] &+= theirs[i] }
                }
            }
        }
        outside += other.outside
        timeless += other.timeless
        outOfPeriods += other.outOfPeriods
    }

    /// Adds the counts of `other`'s periods, all of which this cube counts.
    private mutating func addSlots(of other: CountCube) {
        let block = unitCount * categoryCount
        for (theirSlot, period) in other.periods.enumerated() {
            guard let mySlot = slot(of: period) else { preconditionFailure("merged periods are counted") }
            for i in 0..<block { counts[mySlot * block + i] &+= other.counts[theirSlot * block + i] }
        }
    }

    /// Counts every incident on `parts` threads; the result is the same whatever `parts` is.
    ///
    /// A fine grid by week makes a cube of tens of megabytes, and incidents come in no order: adding each one in
    /// place would miss the cache on almost every row. So each thread first files its rows' units by their
    /// (period, category) block — one read of each row, its unit written to the open chunk of its block, a few
    /// hundred short streams — and then each block's units are counted into its slice of the cube (`units` × 4
    /// bytes, which stays in cache), blocks split between the threads. The partial cubes of `merge` are for counts
    /// made apart (chunks of a file, separate runs).
    ///
    /// `categoryOf`, when given, maps the codes of `category` to the cube's categories (codes as a reader interned
    /// them, categories as a category file orders them; every code maps into `0..<categories`), so callers need not
    /// rewrite a column of ten million codes first. Without it the codes are the categories.
    // Specialised for the zone every command passes: a protocol call per incident costs a third of the count.
    @_specialize(exported: true, where Clock == IncidentTimeZone)
    public static func counting<Clock: LocalClock>(units: Int, categories: Int, periods: [Period], cell: [Int32],
                                                   category: [UInt16], categoryOf: [UInt16]? = nil, time: [Int64],
                                                   clock: Clock, parts: Int) -> CountCube {
        precondition(cell.count == category.count && cell.count == time.count, "one entry per incident")
        let categoryOf = categoryOf ?? (0..<categories).map { UInt16($0) }
        precondition(categoryOf.allSatisfy { Int($0) < categories }, "every code maps to a category")
        let n = cell.count
        let parts = max(1, min(parts, max(1, n / 4096)))
        var cube = CountCube(units: units, categories: categories, periods: periods, zeroed: n == 0 || periods.isEmpty)
        guard let unit = cube.periodUnit, n > 0 else {
            cell.withUnsafeBufferPointer { cell in
                category.withUnsafeBufferPointer { category in
                    time.withUnsafeBufferPointer { time in
                        cube.append(cell: cell, category: category, time: time, rows: 0..<n, clock: clock)
                    }
                }
            }
            return cube
        }
        let (first, slotOfIndex) = (cube.firstIndex, cube.slotOfIndex)
        let blockCount = cube.periods.count * categories
        precondition(units <= Int(UInt32.max), "fewer than 2³² units")
        // Units are filed in 16 bits when they fit (any grid of up to 65,536 cells): half the bytes scattered.
        let tallies = units <= Int(UInt16.max) + 1
            ? fill(&cube, UInt16.self, units: units, categories: categories, cell: cell, category: category,
                   categoryOf: categoryOf, time: time, clock: clock, unit: unit, parts: parts)
            : fill(&cube, UInt32.self, units: units, categories: categories, cell: cell, category: category,
                   categoryOf: categoryOf, time: time, clock: clock, unit: unit, parts: parts)
        for tally in tallies {
            cube.outside += tally.outside
            cube.timeless += tally.timeless
            cube.outOfPeriods += tally.outOfPeriods
        }
        return cube
    }

    /// `counting`'s two passes with units filed as `Filed` values.
    @_specialize(where Filed == UInt16, Clock == IncidentTimeZone)
    @_specialize(where Filed == UInt32, Clock == IncidentTimeZone)
    private static func fill<Filed: FixedWidthInteger & UnsignedInteger & Sendable, Clock: LocalClock>(
        _ cube: inout CountCube, _: Filed.Type, units: Int, categories: Int, cell: [Int32], category: [UInt16],
        categoryOf: [UInt16], time: [Int64], clock: Clock, unit: PeriodUnit, parts: Int
    ) -> [(outside: Int, timeless: Int, outOfPeriods: Int)] {
        let n = cell.count
        let (first, slotOfIndex) = (cube.firstIndex, cube.slotOfIndex)
        let blockCount = cube.periods.count * categories
                // Pass 1: each part files its rows' units under their (period, category) block, in chunks of its own
        // bucket memory: a block's first row opens a chunk, a full chunk opens the next. So each row is read once
        // and its unit written once, to one of a few hundred open chunks, with no count-then-place second pass.
        // Chunks hold at least 64 units and at most 2,048, fewer when the rows per block are few, so a cube of many
        // blocks and few rows does not reserve a chunk of 2,048 per block.
        let buckets = Parallel.map(parts) { k -> Buckets<Filed> in
            let rows = Parallel.part(k, of: n, parts: parts)
            var chunk = 64
            while chunk < 2_048 && chunk * 2 * blockCount <= rows.count { chunk *= 2 }
            var out = Buckets<Filed>(capacity: (rows.count / chunk + blockCount + 1) * chunk, chunk: chunk, blocks: blockCount)
            cell.withUnsafeBufferPointer { cell in
                category.withUnsafeBufferPointer { category in
                    time.withUnsafeBufferPointer { time in
                        slotOfIndex.withUnsafeBufferPointer { slots in
                            categoryOf.withUnsafeBufferPointer { categoryOf in
                                out.fill(rows: rows) { row -> Int in
                                    if cell[row] < 0 { return Buckets<Filed>.outside }
                                    let t = time[row]
                                    if t == IncidentTable.missingTime { return Buckets<Filed>.timeless }
                                    let i = unit.index(localSeconds: clock.localSeconds(utc: t)) &- first
                                    guard UInt(bitPattern: i) < UInt(slots.count), slots[i] >= 0 else {
                                        return Buckets<Filed>.outOfPeriods
                                    }
                                    let code = Int(category[row])
                                    precondition(code < categoryOf.count, "a category code without a category")
                                    return Int(slots[i]) &* categories &+ Int(categoryOf[code])
                                } unit: { row in Filed(truncatingIfNeeded: cell[row]) }
                            }
                        }
                    }
                }
            }
            return out
        }
        // Each block's chunks, over all parts.
        var chunksOfBlock = [[(part: Int, range: Range<Int>)]](repeating: [], count: blockCount)
        for (k, part) in buckets.enumerated() {
            for (block, range) in part.chunks() { chunksOfBlock[block].append((k, range)) }
        }
        let blockChunks = chunksOfBlock
        // Pass 2: each block's slice of the cube zeroed and its units counted (the slice stays in cache), blocks split
        // between the parts.
        cube.counts = [UInt32](unsafeUninitializedCapacity: blockCount * units) { counts, initialised in
            FreshMemory.adviseHugePages(UnsafeMutableRawBufferPointer(counts))
            let shared = DisjointWrites(counts)
            let blockParts = max(1, min(parts, blockCount))
            _ = Parallel.map(blockParts) { k in
                for block in Parallel.part(k, of: blockCount, parts: blockParts) {
                    let slice = shared.base + block * units
                    slice.initialize(repeating: 0, count: units)
                    for (part, range) in blockChunks[block] {
                        buckets[part].units.withUnsafeBufferPointer { filed in
                            for g in range { slice[Int(filed[g])] &+= 1 }
                        }
                    }
                }
            }
            initialised = blockCount * units
        }
        return buckets.map { (outside: $0.outside, timeless: $0.timeless, outOfPeriods: $0.outOfPeriods) }
    }

    // MARK: - Finalize

    /// The count for one unit, category (nil: all categories) and period (0 when the period is not counted).
    public func count(unit: Int, category: Int?, period: Period) -> Int {
        guard let slot = slot(of: period) else { return 0 }
        return count(unit: unit, category: category, slot: slot)
    }

    public func count(unit: Int, category: Int?, slot: Int) -> Int {
        if let category { return Int(counts[offset(unit: unit, category: category, slot: slot)]) }
        var sum = 0
        for c in 0..<categoryCount { sum += Int(counts[offset(unit: unit, category: c, slot: slot)]) }
        return sum
    }

    /// The counts of one category (nil: all) and slot for every unit, in unit order.
    public func unitCounts(category: Int?, slot: Int) -> [Int] {
        var result = [Int](repeating: 0, count: unitCount)
        for c in category.map({ [$0] }) ?? Array(0..<categoryCount) {
            let base = offset(unit: 0, category: c, slot: slot)
            for u in 0..<unitCount { result[u] += Int(counts[base + u]) }
        }
        return result
    }

    /// The cube of coarser units: unit `u`'s counts go to `parentOf[u]` (negative: to no parent; those counts stay
    /// out of the result and are returned as the number of incidents left unparented).
    public func rolledUp(into parentCount: Int, parentOf: [Int32]) -> (cube: CountCube, unparented: Int) {
        precondition(parentOf.count == unitCount, "a parent entry per unit")
        var rolled = CountCube(units: parentCount, categories: categoryCount, periods: periods)
        rolled.outside = outside
        rolled.timeless = timeless
        rolled.outOfPeriods = outOfPeriods
        var unparented = 0
        for block in 0..<(periods.count * categoryCount) {
            for u in 0..<unitCount {
                let value = counts[block * unitCount + u]
                let parent = Int(parentOf[u])
                if parent >= 0 {
                    rolled.counts[block * parentCount + parent] += value
                } else {
                    unparented += Int(value)
                }
            }
        }
        return (rolled, unparented)
    }

    /// Every unit summed into one: the whole area.
    public func total() -> CountCube {
        var total = CountCube(units: 1, categories: categoryCount, periods: periods)
        total.outside = outside
        total.timeless = timeless
        total.outOfPeriods = outOfPeriods
        counts.withUnsafeBufferPointer { counts in
            for block in 0..<(periods.count * categoryCount) {
                // Each block's units are contiguous: a plain sum the compiler vectorises.
                var sum: UInt32 = 0
                for value in counts[(block * unitCount)..<((block + 1) * unitCount)] { sum &+= value }
                total.counts[block] = sum
            }
        }
        return total
    }

    /// Incidents counted in the cube (every unit, category and period).
    public var counted: Int { counts.reduce(0) { $0 + Int($1) } }
}

extension IncidentTimeZone: LocalClock {}

/// One thread's rows filed by block: units in chunks of `chunk` entries, each chunk holding one block's units.
struct Buckets<Filed: FixedWidthInteger & UnsignedInteger & Sendable>: Sendable {
    /// What `fill`'s classifier returns for rows not counted.
    static var outside: Int { -1 }
    static var timeless: Int { -2 }
    static var outOfPeriods: Int { -3 }

    private(set) var units: [Filed]
    let chunk: Int
    /// Per block, the next free entry and the end of its open chunk (equal: no room, open a chunk).
    private var next: [Int], end: [Int]
    /// The block of each chunk, in the order they were opened.
    private var chunkBlocks: [Int32] = []
    private(set) var outside = 0, timeless = 0, outOfPeriods = 0

    init(capacity: Int, chunk: Int, blocks: Int) {
        // Left uninitialised: each entry is written before it is read, and untouched pages are never faulted in.
        units = [Filed](unsafeUninitializedCapacity: capacity) { buffer, initialised in
            FreshMemory.adviseHugePages(UnsafeMutableRawBufferPointer(buffer))
            initialised = capacity
        }
        self.chunk = chunk
        next = [Int](repeating: 0, count: blocks)
        end = next
    }

    /// Files every row of `rows` whose `block(row)` is a block (≥ 0) with its `unit(row)`; counts the others.
    @inline(__always)
    mutating func fill(rows: Range<Int>, block: (Int) -> Int, unit: (Int) -> Filed) {
        var opened = 0
        var outside = 0, timeless = 0, outOfPeriods = 0
        let chunk = self.chunk
        next.withUnsafeMutableBufferPointer { next in
            end.withUnsafeMutableBufferPointer { end in
                units.withUnsafeMutableBufferPointer { units in
                    for row in rows {
                        let b = block(row)
                        if b < 0 {
                            if b == Self.outside { outside += 1 } else if b == Self.timeless { timeless += 1 } else {
                                outOfPeriods += 1
                            }
                            continue
                        }
                        var at = next[b]
                        if at == end[b] {
                            at = opened * chunk
                            end[b] = at + chunk
                            opened += 1
                            chunkBlocks.append(Int32(b))
                        }
                        units[at] = unit(row)
                        next[b] = at + 1
                    }
                }
            }
        }
        self.outside += outside
        self.timeless += timeless
        self.outOfPeriods += outOfPeriods
    }

    /// Every chunk as (block, the range of `units` it filled).
    func chunks() -> [(block: Int, range: Range<Int>)] {
        chunkBlocks.enumerated().map { c, block in
            let start = c * chunk
            // A block's last chunk is the one its next entry points into; earlier ones are full.
            let last = end[Int(block)] == start + chunk
            return (Int(block), start..<(last ? next[Int(block)] : start + chunk))
        }
    }
}
