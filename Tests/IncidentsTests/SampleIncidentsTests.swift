import GeoCore
import Testing
@testable import Incidents

@Suite("Sample incident generator")
struct SampleIncidentsTests {
    static let jiaxing = BoundingBox(minX: 120.3, minY: 30.2, maxX: 121.3, maxY: 31.0)

    @Test func sameSeedSameTableDifferentSeedDifferentTable() {
        let a = SampleIncidents.generate(count: 5000, seed: 1, extent: Self.jiaxing)
        let b = SampleIncidents.generate(count: 5000, seed: 1, extent: Self.jiaxing)
        let c = SampleIncidents.generate(count: 5000, seed: 2, extent: Self.jiaxing)
        #expect(a == b)
        #expect(a.longitude != c.longitude)
        #expect(a.time != c.time)
    }

    @Test func valuesArePinnedAcrossPlatforms() {
        // Portable math: these exact values must come out on every platform and compiler.
        var random = Xoshiro256StarStar(seed: 0)
        #expect(random.next() == 0x99EC_5F36_CB75_F2B4)
        #expect(random.next() == 0xBF6E_1F78_4956_452A)
        #expect(abs(PortableMath.log(0.5) - (-0.6931471805599453)) < 1e-16)
        #expect(abs(PortableMath.log(10) - 2.302585092994046) < 1e-15)
        let (c, s) = PortableMath.cosSin(turns: 1.0 / 12)
        #expect(abs(c - 0.8660254037844387) < 1e-15 && abs(s - 0.5) < 1e-15)
        #expect(abs(PortableMath.cos(degrees: 60) - 0.5) < 1e-15)
        #expect(abs(PortableMath.cosSin(turns: 0.625).sin - (-0.7071067811865476)) < 1e-15)
    }

    @Test func generatedTableIsPinned() {
        // Bit patterns recorded from a release build on Linux x86-64; a debug build or another platform must match.
        let t = SampleIncidents.generate(count: 3, seed: 1, extent: Self.jiaxing)
        #expect(t.longitude.map(\.bitPattern) == [0x405E_4932_FFA1_88D5, 0x405E_22B4_B8A9_87A0, 0x405E_184B_BAED_E90E])
        #expect(t.latitude.map(\.bitPattern) == [0x403E_5550_5799_5877, 0x403E_356A_1C01_5F54, 0x403E_425E_F883_E4E8])
        #expect(t.time == [1_782_402_491, 1_788_088_874, 1_768_119_456])
        #expect(t.category == [2, 1, 2])
    }

    @Test func idsAreOneToCount() {
        let t = SampleIncidents.generate(count: 12, seed: 3, extent: Self.jiaxing)
        #expect(CSVFixtures.ids(t) == (1...12).map(String.init))
    }

    @Test func distributionIsSane() {
        let n = 40_000
        let (t, background) = SampleIncidents.generateWithBackgroundFlags(
            count: n, seed: 2026, extent: Self.jiaxing, hotSpotCount: 60, backgroundShare: 0.25,
            accept: { $0.x < 121.0 })
        let share = Double(background.filter { $0 }.count) / Double(n)
        #expect(abs(share - 0.25) < 0.02)
        #expect(t.categoryNames == ["theft", "fraud", "dispute", "fire", "traffic", "service"])
        var counts = [Int](repeating: 0, count: 6)
        for c in t.category { counts[Int(c)] += 1 }
        for (k, category) in SampleIncidents.categories.enumerated() {
            #expect(abs(Double(counts[k]) / Double(n) - category.probability) < 0.02, "\(category.name)")
        }
        let times = t.time ?? []
        let end = SampleIncidents.startTime + 52 * 7 * 86_400
        #expect(times.allSatisfy { $0 >= SampleIncidents.startTime && $0 < end })
        // Hour of day ~ Normal(20, 5) wrapped: evenings dominate mornings.
        let hours = times.map { ($0 - SampleIncidents.startTime) % 86_400 / 3600 }
        #expect(hours.filter { $0 >= 18 && $0 < 23 }.count > 3 * hours.filter { $0 >= 6 && $0 < 11 }.count)
        // Hot-spot points lie near accepted centres (x < 121), within 5 sigma of 900 m.
        let maxSpread = 5 * 900 / (111_320 * 0.86)
        for i in 0..<n where !background[i] {
            #expect(t.longitude[i] < 121.0 + maxSpread)
        }
        // Background points cover the extent grown by 5 km.
        let grown = Self.jiaxing.expanded(by: 0.06)
        #expect((0..<n).allSatisfy { !background[$0] || grown.contains(t.point(at: $0)) })
        #expect((0..<n).contains { background[$0] && t.longitude[$0] < Self.jiaxing.minX })
    }

    @Test func refusingAcceptStillTerminates() {
        let t = SampleIncidents.generate(count: 10, seed: 9, extent: Self.jiaxing, hotSpotCount: 2,
                                         accept: { _ in false })
        #expect(t.count == 10)
    }
}
