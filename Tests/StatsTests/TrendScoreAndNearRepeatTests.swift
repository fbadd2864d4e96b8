import Testing
@testable import Stats

@Suite("Mann–Kendall trend")
struct MannKendallTests {
    // Expected S, Var(S), z, p and τ from pymannkendall 1.4.3 `original_test` (an independent implementation).
    @Test(arguments: [
        ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10] as [Double], 45, 125.0, 3.9354796403996297, 8.303070332638107e-05, 1.0),
        ([5, 3, 4, 4, 6, 2, 7, 7, 8, 9, 9, 10], 47, 209.66666666666666, 3.176823863061303, 0.0014889743702912739,
         0.7121212121212122),
        ([10, 9, 8, 6, 7, 5, 4, 4, 2, 1], -42, 124.0, -3.6819086915488857, 0.00023149432556013316,
         -0.9333333333333333),
        ([1.2, -0.4, 2.5, 2.5, 3.1, 0.9, 4.4, 3.3], 15, 64.33333333333333, 1.745460433339104, 0.080904754011913,
         0.5357142857142857),
        ([3, 3, 3, 3], 0, 0.0, 0.0, 1.0, 0.0),
    ])
    func againstPymannkendall(series: [Double], s: Int, variance: Double, z: Double, p: Double, tau: Double) {
        let test = MannKendall(series)
        #expect(test.s == s)
        #expect(abs(test.variance - variance) < 1e-9)
        #expect(abs(test.z - z) < 1e-12)
        #expect(abs(test.p - p) < 1e-12)
        #expect(abs(test.tau - tau) < 1e-12)
    }

    /// The worked example of "A Mann-Kendall Example ("By Hand")", College of the Holy Cross
    /// (mathcs.holycross.edu/~little/Montserrat/MannKendallByHand.txt): 14 values, one pair of equal values (12.9);
    /// 72 later values larger, 18 smaller, 1 equal, so S = 54; V = (14)(13)(33)/18 − (2)(1)(9)/18 = 332.666…;
    /// Z = (S − 1)/√V = 2.9058 "approximately", one-sided p about .0018.
    @Test func publishedWorkedExample() {
        let test = MannKendall([12.9, 14.8, 13.2, 15.7, 13.8, 15.6, 12.9, 11.0, 17.3, 15.9, 19.0, 18.3, 20.1, 21.7])
        #expect(test.s == 54)
        #expect(abs(test.variance - (14.0 * 13 * 33 / 18 - 2.0 * 1 * 9 / 18)) < 1e-12)
        #expect(abs(test.z - 2.9058) < 5e-5)
        #expect(abs(Normal.upperTail(test.z) - 0.0018) < 5e-5)
        #expect(abs(test.p - 2 * Normal.upperTail(test.z)) < 1e-15)
    }
}

@Suite("Emerging hot spot patterns")
struct EmergingHotSpotTests {
    /// A series of z-scores with significance: `H` hot (z 3), `C` cold (z −3), `.` not significant (z 0.5).
    func series(_ pattern: String, trend: Double = 0) -> (z: [Double], significant: [Bool]) {
        let z = pattern.enumerated().map { k, c -> Double in
            let base: Double = c == "H" ? 3 : c == "C" ? -3 : 0.5
            return base + trend * Double(k)
        }
        return (z, pattern.map { $0 != "." })
    }

    @Test(arguments: [
        ("..........H", 0.0, EmergingCategory.newHot),
        ("........HHH", 0, .consecutiveHot),
        ("HHHHHHHHHHH", 0.3, .intensifyingHot),
        ("HHHHHHHHHHH", 0, .persistentHot),
        ("HHHHHHHHHHH", -0.1, .diminishingHot),
        ("..H...H...H", 0, .sporadicHot),
        ("..C...H...H", 0, .oscillatingHot),
        ("HHHHHHHHHH.", 0, .historicalHot),
        ("..........C", 0, .newCold),
        ("........CCC", 0, .consecutiveCold),
        ("CCCCCCCCCCC", -0.3, .intensifyingCold),
        ("CCCCCCCCCCC", 0, .persistentCold),
        ("CCCCCCCCCCC", 0.1, .diminishingCold),
        ("..C...C...C", 0, .sporadicCold),
        ("..H...C...C", 0, .oscillatingCold),
        ("CCCCCCCCCC.", 0, .historicalCold),
        ("...........", 0, .noPattern),
        ("..H...H....", 0, .noPattern),
        ("...H.....HH", 0, .sporadicHot),  // a final run, but a hot step before it: not consecutive
    ])
    func constructedSeriesLandInTheirPattern(pattern: String, trend: Double, expected: EmergingCategory) {
        let (z, significant) = series(pattern, trend: trend)
        #expect(EmergingHotSpots.classify(z: z, significant: significant) == expected, "\(pattern) \(trend)")
    }

    @Test func spaceTimeGiStarOfAUniformCubeIsZeroAndAPlantedBinStandsOut() {
        let line = SpatialWeights(neighbours: [[1], [0, 2], [1]])
        #expect(EmergingHotSpots.spaceTimeGiStar(values: [[1, 1, 1], [1, 1, 1]], weights: line) == [[0, 0, 0], [0, 0, 0]])
        let z = EmergingHotSpots.spaceTimeGiStar(values: [[0, 0, 0], [0, 9, 0]], weights: line, timeWindow: 1)
        // Hand check for bin (1, t=1): N = 6, X̄ = 1.5, S = √(81/6 − 2.25) = √11.25; its neighbourhood is the 3
        // locations at t = 0 and t = 1 (W = 6, Σx = 9), so Gi* = (9 − 1.5·6) / … = 0; at t = 1 alone the middle
        // location's own neighbourhood at (0, t=1) has W = 4 (locations 0, 1 at t 0 and 1): Σx = 9.
        let s = (81.0 / 6 - 2.25).squareRoot()
        #expect(abs(z[1][1] - 0) < 1e-12)
        let expected = (9 - 1.5 * 4) / (s * ((6 * 4 - 16) / 5.0).squareRoot())
        #expect(abs(z[1][0] - expected) < 1e-12)
    }
}

@Suite("Map scoring: hit rate, PAI, PEI, RRI")
struct MapScoreTests {
    /// Chainey et al.'s reading of PAI: 20 % of the crimes in 2 % of the area gives PAI 10. Here 100 cells of equal
    /// area, 2 flagged, holding 20 of the next period's 100 incidents; the best two cells hold 50, so PAI* = 25
    /// and PEI = 10 / 25 = 0.4 (Hunt 2016's efficiency). The flagged cells held 40 of 200 incidents in the map's own
    /// period: RRI = (20/40) / (100/200) = 1.
    @Test func aWorkedExample() {
        var next = [Int](repeating: 0, count: 100), current = next
        next[0] = 10; next[1] = 10  // flagged
        next[2] = 25; next[3] = 25  // the best cells
        for k in 4..<10 { next[k] = 5 }  // the rest of the 100
        current[0] = 20; current[1] = 20; current[5] = 160
        let flagged = (0..<100).map { $0 < 2 }
        let score = MapScore(flagged: flagged, next: next, current: current, area: [Double](repeating: 1, count: 100))
        #expect(score.hitRate == 0.2)
        #expect(abs(score.pai! - 10) < 1e-12)
        #expect(abs(score.pei! - 0.4) < 1e-12)
        #expect(abs(score.rri! - 1) < 1e-12)
    }

    @Test func undefinedMeasuresAreNil() {
        let score = MapScore(flagged: [false, false], next: [0, 0], current: [0, 0], area: [1, 1])
        #expect(score.hitRate == nil && score.pai == nil && score.pei == nil && score.rri == nil)
    }

    @Test func hitRateCurve() {
        let curve = MapScore.hitRateCurve(rank: [0.1, 5, 3], next: [2, 6, 2], area: [1, 1, 2])
        #expect(curve.map(\.area) == [0, 0.25, 0.75, 1])
        #expect(curve.map(\.hitRate) == [0, 0.6, 0.8, 1])
    }
}

@Suite("Near repeat (Knox)")
struct NearRepeatTests {
    /// Four incidents checked by hand: A (0, 0, day 0), B (100, 0, day 3), C (0, 150, day 20), D (5000, 0, day 1).
    /// Pairs within 200 m: A–B (100 m, 3 days), A–C (150 m, 20 days), B–C (180.3 m, 17 days); D is far from all.
    @Test func observedPairsByHand() {
        let test = NearRepeat(x: [0, 100, 0, 5000], y: [0, 0, 150, 0], days: [0, 3, 20, 1],
                              distanceBands: [100, 200], timeBands: [7, 14, 21], sameLocation: true,
                              permutations: 99, seed: 7, threads: 2)
        // Rows: same location, (0, 100], (100, 200]; columns [0, 7], (7, 14], (14, 21].
        #expect(test.observed == [[0, 0, 0], [1, 0, 0], [0, 0, 2]])
        #expect(test.distanceLabels == ["0", "0–100", "100–200"])
        #expect(test.timeLabels == ["0–7", "7–14", "14–21"])
        // Manhattan: B–C is 250 m, beyond the last band.
        let manhattan = NearRepeat(x: [0, 100, 0, 5000], y: [0, 0, 150, 0], days: [0, 3, 20, 1],
                                   distanceBands: [100, 200], timeBands: [7, 14, 21], metric: .manhattan,
                                   permutations: 9, seed: 7)
        #expect(manhattan.observed == [[0, 0, 0], [1, 0, 0], [0, 0, 1]])
    }

    @Test func pValuesAreStableForASeedAndThreads() {
        // A seeded spread of incidents with a planted near-repeat burst.
        var x: [Double] = [], y: [Double] = [], days: [Double] = []
        var state: UInt64 = 42
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        for _ in 0..<400 {
            x.append(next() * 5000); y.append(next() * 5000); days.append(next() * 365)
        }
        for k in 0..<20 {
            x.append(2500 + Double(k) * 10); y.append(2500); days.append(100 + Double(k) * 0.5)
        }
        let one = NearRepeat(x: x, y: y, days: days, distanceBands: [100, 200, 400], timeBands: [7, 14, 30],
                             permutations: 199, seed: 3, threads: 1)
        let two = NearRepeat(x: x, y: y, days: days, distanceBands: [100, 200, 400], timeBands: [7, 14, 30],
                             permutations: 199, seed: 3, threads: 2)
        #expect(one.p == two.p && one.meanSimulated == two.meanSimulated)
        // The burst: close in space and time far more than chance.
        #expect(one.knoxRatio[1][0] > 3 && one.p[1][0] <= 0.01)
    }
}
