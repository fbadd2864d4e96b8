import Testing
@testable import FreshMemory

struct FreshMemoryTests {
    @Test func wholePagesAreTheAlignedInterior() {
        let huge = FreshMemory.hugePageBytes
        // Aligned both ends: the block itself.
        #expect(FreshMemory.wholePages(start: 4 * huge, count: 3 * huge, pageSize: huge) == 4 * huge..<7 * huge)
        // Unaligned: rounded inwards at both ends.
        #expect(FreshMemory.wholePages(start: 4 * huge + 16, count: 3 * huge, pageSize: huge) == 5 * huge..<7 * huge)
        #expect(FreshMemory.wholePages(start: 4 * huge - 16, count: 2 * huge + 32, pageSize: huge) == 4 * huge..<6 * huge)
        // No whole page inside: empty (a block under a page, or one straddling a boundary).
        #expect(FreshMemory.wholePages(start: 4 * huge + 16, count: huge, pageSize: huge).isEmpty)
        #expect(FreshMemory.wholePages(start: 4 * huge - 16, count: 32, pageSize: huge).isEmpty)
        #expect(FreshMemory.wholePages(start: 4 * huge, count: 0, pageSize: huge).isEmpty)
        #expect(FreshMemory.wholePages(start: 8192 + 1, count: 3 * 4096, pageSize: 4096) == 12288..<20480)
    }

    /// Advice changes no byte: a block advised and mapped ahead holds what is written to it, and blocks too small or
    /// empty are accepted.
    @Test func adviceLeavesContentsAlone() {
        let count = 3 * FreshMemory.hugePageBytes + 12_345
        let block = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 8)
        defer { block.deallocate() }
        FreshMemory.adviseHugePages(block)
        FreshMemory.mapNow(UnsafeMutableRawBufferPointer(rebasing: block[100..<count - 100]))
        for i in 0..<count { block[i] = UInt8(truncatingIfNeeded: i &* 31) }
        #expect((0..<count).allSatisfy { block[$0] == UInt8(truncatingIfNeeded: $0 &* 31) })
        let small = UnsafeMutableRawBufferPointer.allocate(byteCount: 10, alignment: 1)
        defer { small.deallocate() }
        FreshMemory.adviseHugePages(small)
        FreshMemory.mapNow(small)
        FreshMemory.adviseHugePages(UnsafeMutableRawBufferPointer(start: nil, count: 0))
    }
}
