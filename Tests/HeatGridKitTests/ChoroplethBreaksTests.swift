@testable import HeatGridKit
import Testing

/// The change map's classes: whole numbers, mirrored about zero.
struct ChoroplethBreaksTests {
    @Test(arguments: [381.0, 479, 8, 7])
    func wholeChangesFallInMirroredClasses(_ largest: Double) throws {
        let breaks = ChoroplethJob.symmetricBreaks([largest, -3, 0, 2])
        #expect(breaks.classCount == 7)
        #expect(breaks.upperBounds.last == largest)
        #expect(breaks.upperBounds.allSatisfy { $0 == $0.rounded() })
        for v in stride(from: -largest, through: largest, by: 1) {
            let up = try #require(breaks.classIndex(of: v)), down = try #require(breaks.classIndex(of: -v))
            #expect(up + down == 6, "\(v)")
        }
        #expect(breaks.classIndex(of: 0) == 3)
    }

    @Test func aLargestChangeTooSmallForSevenWholeClassesKeepsSevenths() {
        let breaks = ChoroplethJob.symmetricBreaks([3, -1])
        #expect(breaks.upperBounds == [-5, -3, -1, 1, 3, 5, 7].map { 3 * Double($0) / 7 })
    }
}
