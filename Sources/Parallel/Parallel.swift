import Dispatch

/// Work split over threads without each caller writing its own unsafe box around `concurrentPerform`.
public enum Parallel {
    /// `body(k)` for `k` in `0..<count`, on up to `count` threads at once; the results in index order.
    /// Each call writes only its own slot, so `body` needs no locking of its own.
    public static func map<T: Sendable>(_ count: Int, _ body: @Sendable (Int) -> T) -> [T] {
        guard count > 1 else { return count == 1 ? [body(0)] : [] }
        let slots = Slots<T>(count: count)
        DispatchQueue.concurrentPerform(iterations: count) { k in slots.store(body(k), at: k) }
        return slots.values
    }

    /// `map` for a body that can throw: the first error in index order is rethrown once every call has ended.
    public static func map<T: Sendable>(_ count: Int, _ body: @Sendable (Int) throws -> T) throws -> [T] {
        try map(count) { k in Result { try body(k) } }.map { try $0.get() }
    }

    /// The contiguous part `k` of `count` items split into `parts` nearly equal parts.
    public static func part(_ k: Int, of count: Int, parts: Int) -> Range<Int> {
        (count * k / parts)..<(count * (k + 1) / parts)
    }

    /// One slot per call, each written once by its own thread.
    private final class Slots<T>: @unchecked Sendable {
        private let base: UnsafeMutablePointer<T?>
        private let count: Int

        init(count: Int) {
            self.count = count
            base = .allocate(capacity: count)
            base.initialize(repeating: nil, count: count)
        }

        deinit {
            base.deinitialize(count: count)
            base.deallocate()
        }

        func store(_ value: T, at k: Int) { base[k] = value }

        var values: [T] { (0..<count).map { base[$0]! } }
    }
}

/// Byte buffers, a few per lane, reused from round to round: writers that format parts of large files in parallel
/// fill them, write them in order, and fill them again, so no file is held whole in memory and the buffers' pages
/// are touched once.
public final class LaneBuffers: @unchecked Sendable {
    public let lanes: Int
    /// Buffers per lane (one per file being written).
    public let perLane: Int
    private let slots: UnsafeMutablePointer<[[UInt8]]>

    public init(lanes: Int, perLane: Int = 1, capacity: Int) {
        self.lanes = lanes
        self.perLane = perLane
        slots = .allocate(capacity: lanes)
        for k in 0..<lanes {
            var buffer: [UInt8] = []
            buffer.reserveCapacity(capacity)
            (slots + k).initialize(to: [[UInt8]](repeating: buffer, count: perLane).map { Array($0) })
        }
    }

    deinit {
        slots.deinitialize(count: lanes)
        slots.deallocate()
    }

    /// Empties the buffers of lanes `0..<count` (keeping their room) and lets `body(lane, &buffers)` fill each
    /// lane's `perLane` buffers, lanes in parallel — and runs `alongside` meanwhile as one more task (writing what
    /// another set of buffers holds, say, while this one is filled).
    public func fill(_ count: Int, alongside: (@Sendable () -> Void)? = nil,
                     _ body: @Sendable (Int, inout [[UInt8]]) -> Void) {
        precondition(count <= lanes, "at most one call per lane")
        _ = Parallel.map(count + (alongside == nil ? 0 : 1)) { lane in
            if lane == count, let alongside {
                alongside()
                return
            }
            // Moved out of the slot while filled, so each array is uniquely referenced and grows in place.
            var buffers: [[UInt8]] = []
            swap(&buffers, &self.slots[lane])
            for k in buffers.indices { buffers[k].removeAll(keepingCapacity: true) }
            body(lane, &buffers)
            swap(&buffers, &self.slots[lane])
        }
    }

    /// Buffer `k` of `lane` as the last `fill` left it.
    public subscript(lane: Int, k: Int) -> [UInt8] { slots[lane][k] }
}

/// A value handed to other threads that its owner guarantees is used by one thread at a time (a file being written
/// by one task while others format), for the few places where that is simpler than making the type Sendable.
public struct Exclusive<Value>: @unchecked Sendable {
    public let value: Value
    public init(_ value: Value) { self.value = value }
}

/// A buffer that workers write at disjoint indices: whoever makes one guarantees no index is written by two workers
/// (nor read while another writes it). The one sanctioned way to share mutable memory between `Parallel.map` bodies.
public struct DisjointWrites<Element>: @unchecked Sendable {
    public let base: UnsafeMutablePointer<Element>
    public let count: Int

    public init(_ buffer: UnsafeMutableBufferPointer<Element>) {
        base = buffer.baseAddress ?? UnsafeMutablePointer(bitPattern: MemoryLayout<Element>.alignment)!
        count = buffer.count
    }

    @inlinable
    public subscript(index: Int) -> Element {
        get { base[index] }
        nonmutating set { base[index] = newValue }
    }
}
