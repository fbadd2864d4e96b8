import Glibc

/// Maps category texts to small indices in first-seen order, hashing bytes without building `String`s.
struct CategoryInterner {
    private(set) var names: [[UInt8]] = []
    /// `names[i]`'s key: equal keys mean equal names for names of at most 16 bytes.
    private var keys: [Key] = []
    private var slots: [Int32]  // index into `names`, -1 for empty; open addressing, linear probing
    private var mask: Int

    init() {
        slots = [Int32](repeating: -1, count: 64)
        mask = 63
    }

    /// The largest number of distinct categories (indices are `UInt16`).
    static let capacity = Int(UInt16.max) + 1

    /// A name's length and its first and last bytes in at most two overlapping loads: for names of at most 16
    /// bytes the loads cover every byte, so comparing keys compares the names without `memcmp`.
    struct Key: Equatable {
        var count: Int
        var first: UInt64
        var last: UInt64

        @inline(__always)
        init(_ bytes: UnsafeBufferPointer<UInt8>) {
            let n = bytes.count
            count = n
            guard let p = bytes.baseAddress, n > 0 else {
                first = 0
                last = 0
                return
            }
            let raw = UnsafeRawPointer(p)
            if n >= 8 {
                first = raw.loadUnaligned(as: UInt64.self)
                last = raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
            } else if n >= 4 {
                first = UInt64(raw.loadUnaligned(as: UInt32.self))
                    | UInt64(raw.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)) << 32
                last = 0
            } else {
                first = UInt64(p[0]) | UInt64(p[n / 2]) << 8 | UInt64(p[n - 1]) << 16
                last = 0
            }
        }

        /// A multiplicative hash of the key. Only slots depend on it: indices follow first-seen order whatever
        /// the hash.
        @inline(__always)
        var hash: Int {
            let k: UInt64 = 0x9E37_79B9_7F4A_7C15
            var h = UInt64(truncatingIfNeeded: count) &* k
            h = (h ^ first) &* k
            h = (h ^ last) &* k
            return Int(truncatingIfNeeded: h ^ (h >> 32))
        }
    }

    /// The index of `bytes`, adding it if new; nil when the table already holds `capacity` names.
    @inline(__always)
    mutating func index(of bytes: UnsafeBufferPointer<UInt8>) -> UInt16? {
        let key = Key(bytes)
        var slot = key.hash & mask
        while true {
            let entry = slots[slot]
            if entry < 0 { break }
            if keys[Int(entry)] == key {
                if key.count <= 16 { return UInt16(entry) }
                let same = names[Int(entry)].withUnsafeBufferPointer { name in
                    memcmp(name.baseAddress!, bytes.baseAddress!, name.count) == 0
                }
                if same { return UInt16(entry) }
            }
            slot = (slot + 1) & mask
        }
        guard names.count < CategoryInterner.capacity else { return nil }
        let index = names.count
        names.append(Array(bytes))
        keys.append(key)
        slots[slot] = Int32(index)
        if names.count * 2 > slots.count { grow() }
        return UInt16(index)
    }

    private mutating func grow() {
        slots = [Int32](repeating: -1, count: slots.count * 2)
        mask = slots.count - 1
        for (index, key) in keys.enumerated() {
            var slot = key.hash & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(index)
        }
    }
}
