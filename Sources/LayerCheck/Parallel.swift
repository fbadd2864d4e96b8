import Dispatch
import GEOSBridge

/// A buffer that workers write to at disjoint indices.
struct DisjointSlots<T>: @unchecked Sendable {
    let base: UnsafeMutablePointer<T>
}

/// `body` over `0..<count` in up to `threads` contiguous chunks, each with its own GEOS context (contexts are
/// not thread-safe), results concatenated in index order. The first error thrown by any chunk is rethrown.
func chunkedMap<T: Sendable>(_ count: Int, threads: Int,
                             _ body: @Sendable (GEOSContext, Range<Int>) throws -> [T]) throws -> [T] {
    guard count > 0 else { return [] }
    let chunks = max(1, min(threads, count))
    var results = [Result<[T], Error>](repeating: .success([]), count: chunks)
    results.withUnsafeMutableBufferPointer { buffer in
        let slots = DisjointSlots(base: buffer.baseAddress!)
        DispatchQueue.concurrentPerform(iterations: chunks) { k in
            let range = (count * k / chunks)..<(count * (k + 1) / chunks)
            slots.base[k] = Result { try body(GEOSContext(), range) }
        }
    }
    return try results.flatMap { try $0.get() }
}
