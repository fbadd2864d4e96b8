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
