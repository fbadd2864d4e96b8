import Dispatch
import Foundation

/// Work run on a thread of its own while the caller does something else; `wait()` gives its result (or error)
/// and how long it ran.
///
/// A plain thread rather than a Dispatch worker, so that both sides can still split their own work with
/// `concurrentPerform` over the pool.
final class BackgroundTask<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private let finished = DispatchSemaphore(value: 0)
    // Guarded by `lock`.
    private var outcome: Result<Value, any Error>?
    private var seconds = 0.0

    /// Starts `body` at once.
    init(_ body: @escaping @Sendable () throws -> Value) {
        let thread = Thread { [self] in
            let start = DispatchTime.now().uptimeNanoseconds
            let result = Result { try body() }
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            lock.withLock {
                outcome = result
                seconds = elapsed
            }
            finished.signal()
        }
        // The parsers and the index builder recurse little, but give them what the main thread has.
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Whether the work has ended (never waits).
    var isFinished: Bool { lock.withLock { outcome != nil } }

    /// Whether the work has ended with an error (never waits).
    var hasFailed: Bool {
        lock.withLock {
            if case .failure = outcome { return true }
            return false
        }
    }

    /// Waits until the work has ended; its result and how many seconds it ran.
    func wait() -> (result: Result<Value, any Error>, seconds: Double) {
        finished.wait()
        finished.signal()  // so that a later `wait()` returns at once too
        return lock.withLock { (outcome!, seconds) }
    }
}
