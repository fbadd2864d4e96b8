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

    @inline(__always)
    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a
        for b in bytes {
            h = (h ^ UInt64(b)) &* 0x100_0000_01b3
        }
        return Int(truncatingIfNeeded: h ^ (h >> 29))
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
