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
    /// place would miss the cache on almost every row. So the rows' places in the cube are first grouped by their
    /// (period, category) block with a counting sort — each thread tallies its rows' blocks, then writes the places
    /// to the blocks' ranges, a few hundred sequential streams — and then each block's places are counted into its
    /// slice of the cube (`units` × 4 bytes, which stays in cache), blocks split between the threads. The partial cubes of `merge`
    /// are for counts made apart (chunks of a file, separate runs).
    // Specialised for the zone every command passes: a protocol call per incident costs a third of the count.
    @_specialize(exported: true, where Clock == IncidentTimeZone)
    ///
    /// `categoryOf`, when given, maps the codes of `category` to the cube's categories (codes as a reader interned
    /// them, categories as a category file orders them; every code maps into `0..<categories`), so callers need not
    /// rewrite a column of ten million codes first. Without it the codes are the categories.
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
        // Each incident's place in the cube, (block × units + unit) with block = slot × categories + category, fits
        // in 32 bits for any cube that fits in memory; UInt32.max marks incidents not counted.
        precondition(blockCount * units < Int(UInt32.max), "a cube of fewer than 2³² counts")
        // Pass 1: each row's place in the cube, and per part how many rows each block holds. The arrays of the
        // passes are written once, each part its own rows: left uninitialised, so their pages are first touched (and
        // cleared by the kernel) by the parts in parallel, not by one memset.
        var tallies: [(perBlock: [Int], outside: Int, timeless: Int, outOfPeriods: Int)] = []
        let places = [UInt32](unsafeUninitializedCapacity: n) { places, initialised in
            FreshMemory.adviseHugePages(UnsafeMutableRawBufferPointer(places))
            let shared = DisjointWrites(places)
            tallies = Parallel.map(parts) { k -> (perBlock: [Int], outside: Int, timeless: Int, outOfPeriods: Int) in
                var perBlock = [Int](repeating: 0, count: blockCount)
                var outside = 0, timeless = 0, outOfPeriods = 0
                cell.withUnsafeBufferPointer { cell in
                    category.withUnsafeBufferPointer { category in
                        time.withUnsafeBufferPointer { time in
                            slotOfIndex.withUnsafeBufferPointer { slots in
                              categoryOf.withUnsafeBufferPointer { categoryOf in
                                for row in Parallel.part(k, of: n, parts: parts) {
                                    var place = UInt32.max
                                    defer { shared[row] = place }
                                    if cell[row] < 0 {
                                        outside += 1
                                        continue
                                    }
                                    let t = time[row]
                                    if t == IncidentTable.missingTime {
                                        timeless += 1
                                        continue
                                    }
                                    let i = unit.index(localSeconds: clock.localSeconds(utc: t)) &- first
                                    guard UInt(bitPattern: i) < UInt(slots.count), slots[i] >= 0 else {
                                        outOfPeriods += 1
                                        continue
                                    }
                                    let code = Int(category[row])
                                    precondition(code < categoryOf.count, "a category code without a category")
                                    let block = Int(slots[i]) &* categories &+ Int(categoryOf[code])
                                    place = UInt32(truncatingIfNeeded: block &* units &+ Int(cell[row]))
                                    perBlock[block] += 1
                                }
                              }
                            }
                        }
                    }
                }
                return (perBlock, outside, timeless, outOfPeriods)
            }
            initialised = n
        }
        // Where each part writes each block's places: blocks in order, parts in order within a block.
        var starts = [[Int]](repeating: [Int](repeating: 0, count: blockCount), count: parts)
        var blockStart = [Int](repeating: 0, count: blockCount + 1)
        var position = 0
        for block in 0..<blockCount {
            blockStart[block] = position
            for k in 0..<parts {
                starts[k][block] = position
                position += tallies[k].perBlock[block]
            }
        }
        blockStart[blockCount] = position
        let (partStarts, blockStarts) = (starts, blockStart)
        // A place's block is place / units: one multiply-high instead of a division per row (Lemire, Kaser & Kurz
        // 2019: ⌊a/d⌋ = ⌊(⌈2⁶⁴/d⌉ · a) / 2⁶⁴⌋ exactly for every 32-bit a and d).
        // (d = 1 would need 2⁶⁴: there the place is the block.)
        let reciprocal = units > 1 ? UInt64.max / UInt64(units) &+ 1 : 0
        // Pass 2: the places grouped by block (a counting sort; every slot written once).
        let grouped = [UInt32](unsafeUninitializedCapacity: position) { grouped, initialised in
            FreshMemory.adviseHugePages(UnsafeMutableRawBufferPointer(grouped))
            let shared = DisjointWrites(grouped)
            _ = Parallel.map(parts) { k in
                var cursor = partStarts[k]
                places.withUnsafeBufferPointer { places in
                    for row in Parallel.part(k, of: n, parts: parts) where places[row] != UInt32.max {
                        let block = units > 1 ? Int(reciprocal.multipliedFullWidth(by: UInt64(places[row])).high)
                            : Int(places[row])
                        shared[cursor[block]] = places[row]
                        cursor[block] += 1
                    }
                }
            }
            initialised = position
        }
        // Pass 3: each block's slice of the cube zeroed and its places counted, blocks split between parts.
        cube.counts = [UInt32](unsafeUninitializedCapacity: blockCount * units) { counts, initialised in
            FreshMemory.adviseHugePages(UnsafeMutableRawBufferPointer(counts))
            let shared = DisjointWrites(counts)
            let blockParts = max(1, min(parts, blockCount))
            _ = Parallel.map(blockParts) { k in
                grouped.withUnsafeBufferPointer { grouped in
                    for block in Parallel.part(k, of: blockCount, parts: blockParts) {
                        (shared.base + block * units).initialize(repeating: 0, count: units)
                        for g in blockStarts[block]..<blockStarts[block + 1] { shared[Int(grouped[g])] &+= 1 }
                    }
                }
            }
            initialised = blockCount * units
        }
        for tally in tallies {
            cube.outside += tally.outside
            cube.timeless += tally.timeless
            cube.outOfPeriods += tally.outOfPeriods
        }
        return cube
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
