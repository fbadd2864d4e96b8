import Glibc

/// Maps category texts to small indices in first-seen order, hashing bytes without building `String`s.
struct CategoryInterner {
    private(set) var names: [[UInt8]] = []
    private var slots: [Int32]  // index into `names`, -1 for empty; open addressing, linear probing
    private var mask: Int

    init() {
        slots = [Int32](repeating: -1, count: 64)
        mask = 63
    }

    /// The largest number of distinct categories (indices are `UInt16`).
    static let capacity = Int(UInt16.max) + 1

    /// A multiplicative hash over 8-byte words (category names are short: one or two multiplications).
    /// Only slots depend on it: indices follow first-seen order whatever the hash.
    @inline(__always)
    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        let k: UInt64 = 0x9E37_79B9_7F4A_7C15
        let n = bytes.count
        var h = UInt64(truncatingIfNeeded: n) &* k
        guard let p = bytes.baseAddress else { return Int(truncatingIfNeeded: h ^ (h >> 32)) }
        var i = 0
        while i + 8 <= n {
            h = (h ^ UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)) &* k
            i += 8
        }
        if i < n {
            // The last bytes in at most two loads (overlapping what was hashed: the hash need only be a
            // function of the bytes).
            let raw = UnsafeRawPointer(p)
            let tail: UInt64
            if n >= 8 {
                tail = raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
            } else if n >= 4 {
                tail = UInt64(raw.loadUnaligned(as: UInt32.self))
                    | UInt64(raw.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)) << 32
            } else {
                tail = UInt64(p[0]) | UInt64(p[n / 2]) << 8 | UInt64(p[n - 1]) << 16
            }
            h = (h ^ tail) &* k
        }
        return Int(truncatingIfNeeded: h ^ (h >> 32))
    }

    /// The index of `bytes`, adding it if new; nil when the table already holds `capacity` names.
    @inline(__always)
    mutating func index(of bytes: UnsafeBufferPointer<UInt8>) -> UInt16? {
        var slot = CategoryInterner.hash(bytes) & mask
        while true {
            let entry = slots[slot]
            if entry < 0 { break }
            let same = names[Int(entry)].withUnsafeBufferPointer { name in
                name.count == bytes.count && (name.count == 0 || memcmp(name.baseAddress!, bytes.baseAddress!, name.count) == 0)
            }
            if same { return UInt16(entry) }
            slot = (slot + 1) & mask
        }
        guard names.count < CategoryInterner.capacity else { return nil }
        let index = names.count
        names.append(Array(bytes))
        slots[slot] = Int32(index)
        if names.count * 2 > slots.count { grow() }
        return UInt16(index)
    }

    private mutating func grow() {
        slots = [Int32](repeating: -1, count: slots.count * 2)
        mask = slots.count - 1
        for (index, name) in names.enumerated() {
            var slot = name.withUnsafeBufferPointer { CategoryInterner.hash($0) } & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(index)
        }
    }
}
