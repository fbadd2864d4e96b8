import Stats
import TestSupport
import Testing

// Expected values were worked out by hand (shown in the comments) and checked independently with numpy:
//   G = Σ(2i−n−1)x_i/(nΣx) on the sorted counts, 1 − 2·trapz(Lorenz), and G′ = 1 − A/A* with A* integrated
//   numerically under max(0, (p − (1 − N/n))/(N/n)).

private func close(_ a: Double?, _ b: Double, _ tolerance: Double = 1e-12) -> Bool {
    guard let a else { return false }
    return abs(a - b) <= tolerance
}

/// The area under a polyline by the trapezoid rule.
private func area(_ curve: [LorenzPoint]) -> Double {
    zip(curve, curve.dropFirst()).reduce(0) { $0 + ($1.1.places - $1.0.places) * ($1.0.incidents + $1.1.incidents) / 2 }
}

struct GiniTests {
    @Test func workedExample() {
        // Sorted 0,0,0,1,1,2,6; n = 7, Σ = 10. Σ(2i − 8)x_i = 2·1 + 4·2 + 6·6 + 0·1 = 46, G = 46/70.
        let c = Concentration(counts: [6, 0, 1, 0, 2, 0, 1])
        #expect(c.places == 7 && c.total == 10 && c.placesWithIncidents == 4)
        #expect(close(c.gini, 46.0 / 70))  // 0.657142857…
        // N = 10 ≥ n = 7: the generalized Gini is the ordinary one.
        #expect(c.generalizedGini == c.gini)
    }

    @Test func equalCountsGiveZero() {
        #expect(Concentration(counts: [3, 3, 3, 3]).gini == 0)
        #expect(Concentration(counts: [1]).gini == 0)
        #expect(Concentration(counts: [2.5, 2.5]).gini == 0)
    }

    @Test(arguments: [2, 5, 10, 100])
    func everythingInOnePlaceGivesNMinusOneOverN(n: Int) {
        var counts = [Int](repeating: 0, count: n)
        counts[n / 2] = 7
        #expect(close(Concentration(counts: counts).gini, Double(n - 1) / Double(n)))
    }

    @Test func noIncidentsHaveNoGini() {
        for counts in [[Int](), [0], [0, 0, 0]] {
            let c = Concentration(counts: counts)
            #expect(c.gini == nil && c.generalizedGini == nil && c.lorenz.isEmpty && c.maximalEqualityCurve.isEmpty)
            #expect(c.topShares.allSatisfy { $0.share == nil && $0.incidents == 0 })
        }
    }

    @Test func giniIsOneMinusTwiceTheAreaUnderTheLorenzCurve() {
        var random = SeededGenerator(seed: 42)
        for _ in 0..<50 {
            let n = 1 + Int(random.next() % 60)
            let counts = (0..<n).map { _ in random.unit() < 0.6 ? 0 : Int(random.next() % 20) }
            let c = Concentration(counts: counts)
            guard let g = c.gini else { continue }
            #expect(abs(g - (1 - 2 * area(c.lorenz))) < 1e-12)
        }
    }

    @Test func weightedCountsMatchWholeCounts() {
        let whole = Concentration(counts: [6, 0, 1, 0, 2, 0, 1])
        let weighted = Concentration(counts: [6.0, 0, 1, 0, 2, 0, 1])
        #expect(whole.gini == weighted.gini && whole.lorenz == weighted.lorenz && whole.topShares == weighted.topShares)
    }
}

struct GeneralizedGiniTests {
    @Test func eachIncidentInItsOwnPlaceIsMaximallyEqual() {
        // 3 incidents in 10 places, one each: G = (5 + 7 + 9)/30 = 0.7 but G′ = 0.7·10/3 − 7/3 = 0.
        let c = Concentration(counts: [0, 1, 0, 0, 1, 0, 0, 1, 0, 0])
        #expect(close(c.gini, 0.7))
        #expect(close(c.generalizedGini, 0, 1e-12))
        // The Lorenz curve is the line of maximal equality itself.
        #expect(c.maximalEqualityCurve == [LorenzPoint(places: 0, incidents: 0), LorenzPoint(places: 0.7, incidents: 0),
                                           LorenzPoint(places: 1, incidents: 1)])
    }

    @Test func authorsExamples() {
        // The examples of Bernasco & Steenbeek's R package lorenzgini (gini(…, unbiased = FALSE)).
        // 5 + 2 + 1 = 8 crimes in 10 places: G = (5·1 + 7·2 + 9·5)/80 = 0.8, G′ = 0.8·10/8 − 2/8 = 0.75.
        let sparse = Concentration(counts: [5, 2, 1, 0, 0, 0, 0, 0, 0, 0])
        #expect(close(sparse.gini, 0.8) && close(sparse.generalizedGini, 0.75))
        // 10 + 8 + 2 = 20 crimes in 10 places: G = (5·2 + 7·8 + 9·10)/200 = 0.78 = G′.
        let dense = Concentration(counts: [10, 8, 2, 0, 0, 0, 0, 0, 0, 0])
        #expect(close(dense.gini, 0.78) && dense.generalizedGini == dense.gini)
        // All 10 crimes in one of 10 places: G = 0.9.
        #expect(close(Concentration(counts: [10, 0, 0, 0, 0, 0, 0, 0, 0, 0]).gini, 0.9))
        // The paper's illustration, 3 + 1 + 1 crimes in 10 places: G = (5 + 7 + 9·3)/50 = 0.78,
        // G′ = 0.78·2 − 1 = 0.56 (numpy's trapezoid areas agree: 1 − A/A* = 1 − 0.11/0.25).
        let figure = Concentration(counts: [3, 1, 1, 0, 0, 0, 0, 0, 0, 0])
        #expect(close(figure.gini, 0.78) && close(figure.generalizedGini, 0.56))
        // The package vignette's 10 places with 100 crimes (not sparse): G = G′ = 0.392.
        let vignette = Concentration(counts: [22, 18, 17, 12, 11, 8, 6, 3, 2, 1])
        #expect(close(vignette.gini, 0.392) && vignette.generalizedGini == vignette.gini)
    }

    @Test func allInOnePlaceWhenSparse() {
        // N = 4 incidents in one of n = 10 places: G = 9/10, G′ = 0.9·10/4 − 6/4 = 3/4 = (N − 1)/N.
        let c = Concentration(counts: [0, 0, 4, 0, 0, 0, 0, 0, 0, 0])
        #expect(close(c.gini, 0.9) && close(c.generalizedGini, 0.75))
    }

    @Test func closedFormMatchesTheAreaDefinition() {
        // G′ = 1 − A/A*, A under the Lorenz curve and A* under the line of maximal equality.
        var random = SeededGenerator(seed: 7)
        var sparseCases = 0
        for _ in 0..<100 {
            let n = 2 + Int(random.next() % 80)
            let counts = (0..<n).map { _ in random.unit() < 0.8 ? 0 : 1 + Int(random.next() % 4) }
            let c = Concentration(counts: counts)
            guard let generalized = c.generalizedGini else { continue }
            if c.total < Double(n) { sparseCases += 1 }
            let starArea = area(c.maximalEqualityCurve)
            #expect(abs(starArea - min(1, c.total / Double(n)) / 2) < 1e-12)
            #expect(abs(generalized - (1 - area(c.lorenz) / starArea)) < 1e-12)
            #expect(generalized >= -1e-12 && generalized <= c.gini! + 1e-12)
        }
        #expect(sparseCases > 50)
    }

    @Test func equalsTheOrdinaryGiniFromAsManyIncidentsAsPlaces() {
        // N = n exactly: 5 incidents in 5 places.
        let c = Concentration(counts: [0, 2, 1, 1, 1])
        #expect(c.total == 5 && c.generalizedGini == c.gini)
        #expect(c.maximalEqualityCurve == [LorenzPoint(places: 0, incidents: 0), LorenzPoint(places: 1, incidents: 1)])
    }
}

struct TopShareTests {
    @Test(arguments: [(0.1, 30, 3), (0.01, 250, 3), (0.01, 50, 1), (0.05, 20, 1), (0.07, 100, 7), (1.0, 7, 7),
                      (0.5, 7, 4), (0.01, 1, 1), (0.3, 10, 3), (0.01, 0, 0)])
    func placesInTheTopFraction(fraction: Double, places: Int, expected: Int) {
        #expect(Concentration.topPlaceCount(fraction: fraction, places: places) == expected)
    }

    @Test func sharesOfTheWorkedExample() {
        // Sorted descending 6, 2, 1, 1, 0, 0, 0 (Σ = 10). 1 %, 5 %, 10 % of 7 places: 1 place, 6/10.
        let c = Concentration(counts: [6, 0, 1, 0, 2, 0, 1], topFractions: [0.01, 0.05, 0.1, 0.3, 0.5])
        #expect(c.topShares.map(\.places) == [1, 1, 1, 3, 4])
        #expect(c.topShares.map(\.incidents) == [6, 6, 6, 9, 10])
        #expect(c.topShares.map(\.share) == [0.6, 0.6, 0.6, 0.9, 1])
        #expect(c.topShares.map(\.fraction) == [0.01, 0.05, 0.1, 0.3, 0.5])
        #expect(c.topShare(0.2) == TopShare(fraction: 0.2, places: 2, incidents: 8, share: 0.8))
    }

    @Test func tiesAtTheCutDoNotMatter() {
        // The top 2 of 5: two of the three 4s, whichever they are.
        let c = Concentration(counts: [4, 1, 4, 4, 0], topFractions: [0.4])
        #expect(c.topShares == [TopShare(fraction: 0.4, places: 2, incidents: 8, share: 8.0 / 13)])
    }

    @Test func onePlace() {
        let c = Concentration(counts: [4])
        #expect(c.topShares.allSatisfy { $0.places == 1 && $0.share == 1 })
        #expect(c.lorenz == [LorenzPoint(places: 0, incidents: 0), LorenzPoint(places: 1, incidents: 1)])
        #expect(c.gini == 0 && c.generalizedGini == 0)
        // One place with no incident: shares undefined.
        #expect(Concentration(counts: [0]).topShares.allSatisfy { $0.places == 1 && $0.share == nil })
    }

    @Test func placesHoldingAShareOfIncidents() {
        let c = Concentration(counts: [6, 0, 1, 0, 2, 0, 1])
        #expect(c.placeShare(holding: 0.5) == 1.0 / 7)  // 6 of 10 in one place
        #expect(c.placeShare(holding: 0.6) == 1.0 / 7)
        #expect(c.placeShare(holding: 0.9) == 3.0 / 7)  // 6 + 2 + 1
        #expect(c.placeShare(holding: 1) == 4.0 / 7)
        #expect(c.placeShare(holding: 0) == 0)
        #expect(Concentration(counts: [0, 0]).placeShare(holding: 0.5) == nil)
    }
}

struct LorenzTests {
    @Test func pointsOfTheWorkedExample() {
        // Cumulative sorted counts 0, 0, 0, 0, 1, 2, 4, 10 over Σ = 10, at i/7.
        let c = Concentration(counts: [6, 0, 1, 0, 2, 0, 1])
        let expected: [(Double, Double)] = [(0, 0), (1, 0), (2, 0), (3, 0), (4, 0.1), (5, 0.2), (6, 0.4), (7, 1)]
        #expect(c.lorenz.count == 8)
        for (point, (i, share)) in zip(c.lorenz, expected) {
            #expect(point.places == i / 7 && point.incidents == share)
        }
    }

    @Test func downsampledCurveKeepsBothEndsAndEvenSpacing() {
        var random = SeededGenerator(seed: 3)
        let counts = (0..<1000).map { _ in Int(random.next() % 9) }
        let c = Concentration(counts: counts, maximumLorenzPoints: 11)
        #expect(c.lorenz.count == 11)
        #expect(c.lorenz.first == LorenzPoint(places: 0, incidents: 0) && c.lorenz.last == LorenzPoint(places: 1, incidents: 1))
        #expect(c.lorenz.map(\.places) == (0...10).map { Double($0 * 100) / 1000 })
        // The kept points are points of the full curve.
        let full = c.lorenzCurve()
        #expect(full.count == 1001)
        #expect(c.lorenz.allSatisfy { full.contains($0) })
        // Monotone and below the diagonal.
        #expect(zip(full, full.dropFirst()).allSatisfy { $0.incidents <= $1.incidents })
        #expect(full.allSatisfy { $0.incidents <= $0.places + 1e-12 })
        // Fewer places than the limit: every point.
        #expect(Concentration(counts: [1, 2, 3], maximumLorenzPoints: 100).lorenz.count == 4)
        // The limit is never exceeded however the rounding falls.
        for k in 2...40 { #expect(c.lorenzCurve(maximumPoints: k).count <= k) }
    }
}
