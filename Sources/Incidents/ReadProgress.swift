import Synchronization

/// How far a read of an incident file has got, for a progress bar: the reader updates it every few megabytes
/// from whichever threads parse, and anyone may poll `fraction` at any time.
public final class ReadProgress: Sendable {
    private let done = Atomic<Int>(0)
    private let total = Atomic<Int>(0)

    public init() {}

    /// The share of the data rows' bytes parsed so far (0…1), or nil before a read has started.
    public var fraction: Double? {
        let total = total.load(ordering: .relaxed)
        guard total > 0 else { return nil }
        return min(1, Double(done.load(ordering: .relaxed)) / Double(total))
    }

    /// A read of `bytes` bytes of data rows begins.
    func begin(bytes: Int) {
        done.store(0, ordering: .relaxed)
        total.store(max(1, bytes), ordering: .relaxed)
    }

    func advance(by bytes: Int) { done.add(bytes, ordering: .relaxed) }

    /// The read is complete.
    func finish() { done.store(total.load(ordering: .relaxed), ordering: .relaxed) }
}
