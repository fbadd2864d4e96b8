import Foundation
import Render
import Testing
import TestSupport

/// Shading on 2×2 and 3×3 rasters against exact colours: matplotlib's table entries (index round(255·t)),
/// ColorBrewer's hex codes and the heat ramp interpolated by hand.
struct ShadingTests {
    static let inferno64 = RGBA(87, 16, 110), inferno77 = RGBA(108, 24, 110), inferno128 = RGBA(188, 55, 84)
    static let inferno255 = RGBA(252, 255, 164)

    func pixels(_ image: RGBAImage) -> [RGBA] {
        (0..<image.height).flatMap { y in (0..<image.width).map { x in image[x, y] } }
    }

    @Test func linearScale() {
        let raster = DensityRaster(width: 2, height: 2, values: [0, 25, 50, 400])
        let image = Shading(colorMap: .inferno, scale: .linear, top: 100).image(of: raster)
        // t = 0 (transparent: nothing there), 0.25 → entry 64, 0.5 → entry 128, 4 → saturates at 255.
        #expect(pixels(image) == [.transparent, Self.inferno64, Self.inferno128, Self.inferno255])
    }

    @Test func sqrtScale() {
        let raster = DensityRaster(width: 2, height: 2, values: [6.25, 25, 100, -3])
        let image = Shading(colorMap: .inferno, scale: .sqrt, top: 100).image(of: raster)
        // √0.0625 = 0.25 → 64, √0.25 = 0.5 → 128, 1 → 255; negative: transparent.
        #expect(pixels(image) == [Self.inferno64, Self.inferno128, Self.inferno255, .transparent])
    }

    @Test func logScale() {
        let raster = DensityRaster(width: 2, height: 2, values: [3, 99, 0, 1e6])
        let image = Shading(colorMap: .inferno, scale: .log, top: 99).image(of: raster)
        // ln 4 / ln 100 = 0.30103 → 255 · 0.30103 = 76.8 → entry 77.
        #expect(pixels(image) == [Self.inferno77, Self.inferno255, .transparent, Self.inferno255])
    }

    @Test func eqHistSpreadsRanksEvenlyWhateverTheMagnitudes() {
        // Positive values 1, 1, 2, 5, 10, 100, 1000: F = 2/7, 3/7, …, 1; t = (F − 2/7) / (5/7) = 0, 1/5, …, 1.
        let values: [Float] = [0, 1, 1, 2, 5, 10, 100, 1_000, 0]
        let raster = DensityRaster(width: 3, height: 3, values: values)
        let shading = Shading(colorMap: .viridis, scale: .eqHist, top: 1)
        let image = shading.image(of: raster)
        let expected = [RGBA.transparent, RGBA(68, 1, 84), RGBA(68, 1, 84), RGBA(65, 68, 135), RGBA(42, 120, 142),
                        RGBA(34, 168, 132), RGBA(122, 209, 81), RGBA(253, 231, 37), .transparent]
        #expect(pixels(image) == expected)
        // Scaling every value keeps the ranks, so the colours; `top` plays no part.
        let scaled = DensityRaster(width: 3, height: 3, values: values.map { $0 * 1_000 })
        #expect(pixels(Shading(colorMap: .viridis, scale: .eqHist, top: 5).image(of: scaled)) == expected)
        // A value between fitted ones takes the share at or below it: 50 → F = 5/7 → t = 3/5.
        let fit = shading.fitted(to: values)
        #expect(abs((fit.position(of: 50) ?? -1) - 0.6) < 1e-12)
        #expect(fit.position(of: 0) == nil)
        // A linear scale puts 1, 2 and 5 in the bottom two entries of the ramp.
        let linear = Shading(colorMap: .viridis, scale: .linear, top: 1_000).image(of: raster)
        #expect(linear[1, 0] == RGBA(68, 1, 84) && linear[1, 1] == RGBA(68, 2, 86))
    }

    @Test func rgbaBytesAreTheImageAndDoNotDependOnThreads() {
        let raster = DensityRaster(width: 300, height: 300, values: (0..<90_000).map { Float($0 % 977) / 10 })
        let shading = Shading(colorMap: .heat, scale: .sqrt, top: 80)
        let one = shading.rgba(of: raster, threads: 1), two = shading.rgba(of: raster, threads: 2)
        #expect(one == two)
        #expect(one == shading.image(of: raster).pixels)
    }

    /// The fast path of `rgba` (ramp entries found from their starting values) gives every pixel the colour of
    /// the closed form, `FittedShading.color(of:)`, at and on both sides of every entry's boundary, at extremes,
    /// and on a spread of values, for tops from tiny to huge.
    @Test(arguments: [ShadingScale.linear, .sqrt, .log])
    func rgbaMatchesTheClosedFormAtEveryEntryBoundary(scale: ShadingScale) {
        for top in [80.0, 1e-30, 3.5e5, 1e300] {
            var values: [Float] = [0, -1, .nan, .infinity, -.infinity, .greatestFiniteMagnitude,
                                   .leastNonzeroMagnitude, .leastNormalMagnitude, Float(top), Float(top).nextUp]
            for i in 1...255 {
                let t = (Double(i) - 0.5) / 255
                let boundary: Double
                switch scale {
                case .sqrt: boundary = top * t * t
                case .log: boundary = expm1(t * log1p(top))
                default: boundary = top * t
                }
                let v = Float(boundary)
                values += [v.nextDown.nextDown, v.nextDown, v, v.nextUp, v.nextUp.nextUp]
            }
            var seed: UInt64 = 12_345
            for _ in 0..<2_000 {
                seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                values.append(Float(top) * Float(seed >> 40) / Float(1 << 24) * 1.2)
            }
            let shading = Shading(colorMap: .heat, scale: scale, top: top)
            let fit = shading.fitted(to: values)
            let bytes = shading.rgba(of: DensityRaster(width: values.count, height: 1, values: values), threads: 2)
            var mismatches = 0
            for (k, v) in values.enumerated() {
                let c = fit.color(of: Double(v))
                if Array(bytes[4 * k..<4 * k + 4]) != [c.r, c.g, c.b, c.a] { mismatches += 1 }
            }
            #expect(mismatches == 0, "\(scale), top \(top): \(mismatches) of \(values.count) pixels differ")
        }
    }

    @Test func classedWithTheDivergingRampGivesColorBrewerColours() throws {
        // Gi* bins: ±2.58, ±1.96, ±1.65 (99 %, 95 %, 90 %) → 7 classes, RdBu reversed.
        let breaks = try ClassBreaks(upperBounds: [-2.58, -1.96, -1.65, 1.65, 1.96, 2.58, .greatestFiniteMagnitude])
        let raster = DensityRaster(width: 3, height: 3, values: [-3.1, -2.2, -1.7, 0, 1.7, 2.2, 3.1, .nan, -1.8])
        let image = Shading(colorMap: .blueWhiteRed, classes: breaks).image(of: raster)
        let expected = [RGBA(hex: 0x2166AC), RGBA(hex: 0x67A9CF), RGBA(hex: 0xD1E5F0), RGBA(hex: 0xF7F7F7),
                        RGBA(hex: 0xFDDBC7), RGBA(hex: 0xEF8A62), RGBA(hex: 0xB2182B), .transparent,
                        RGBA(hex: 0xD1E5F0)]
        #expect(pixels(image) == expected)
    }

    @Test func classedHeatRampStartsOneStepUpSoEveryClassShows() throws {
        let breaks = try ClassBreaks(upperBounds: [10, 20, 30])
        let raster = DensityRaster(width: 2, height: 2, values: [0, 5, 15, 99])
        let image = Shading(colorMap: .heat, classes: breaks, zeroIsTransparent: true).image(of: raster)
        // t = 1/3, 2/3, 1 on the heat ramp, interpolated between its stops by hand:
        // 1/3 between 0.15 (254,217,118,110) and 0.40 (253,141,60,205) at f = 0.7333 → (253,161,75,180);
        // 2/3 between 0.40 and 0.70 (240,59,32,230) at f = 0.8889 → (241,68,35,227).
        #expect(pixels(image) == [.transparent, RGBA(253, 161, 75, 180), RGBA(241, 68, 35, 227), RGBA(160, 0, 38, 245)])
        #expect(ColorMap.viridis.classColors(count: 2) == [RGBA(68, 1, 84), RGBA(253, 231, 37)])
    }

    @Test func divergingRampIsWhiteInTheMiddle() {
        #expect(ColorMap.blueWhiteRed.color(at: 0.5) == RGBA(hex: 0xF7F7F7))
        #expect(ColorMap.blueWhiteRed.color(at: 0) == RGBA(hex: 0x2166AC))
        #expect(ColorMap.blueWhiteRed.color(at: 1) == RGBA(hex: 0xB2182B))
        #expect(ColorMap(rawValue: "blue_white_red") == .blueWhiteRed)
        #expect(ShadingScale(rawValue: "eq_hist") == .eqHist)
    }

    @Test func classedShadingOfARasterMatchesEachPixelsColour() throws {
        var rng = SeededGenerator(seed: 44)
        let bounds = [2.0, 10, 50, 51, 400]
        var values = (0..<4_000).map { _ in Float.random(in: -5...500, using: &rng) }
        values += bounds.map(Float.init) + [0, -0.0, .nan, .infinity, .greatestFiniteMagnitude, 1e-30]
        values += [Float](repeating: 0, count: 64 - values.count % 64)
        let raster = DensityRaster(width: 64, height: values.count / 64, values: values)
        for zeroIsTransparent in [true, false] {
            let shading = Shading(colorMap: .viridis, classes: try ClassBreaks(upperBounds: bounds), zeroIsTransparent: zeroIsTransparent)
            let fit = shading.fitted(to: values)
            let rgba = shading.rgba(of: raster, threads: 3)
            for (i, v) in values.enumerated() {
                let c = fit.color(of: Double(v))
                #expect(Array(rgba[4 * i ..< 4 * i + 4]) == [c.r, c.g, c.b, c.a], "value \(v)")
            }
        }
    }

    @Test func equalisedShadingOfARasterMatchesEachPixelsColour() {
        var rng = SeededGenerator(seed: 45)
        var values = (0..<3_000).map { k -> Float in k % 5 == 0 ? 0 : Float(Int.random(in: 1...40, using: &rng)) * 0.5 }
        values += (0..<1_000).map { _ in Float.random(in: -1...1e4, using: &rng) }
        values += [.nan, .infinity, -0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude]
        values += [Float](repeating: 7, count: 64 - values.count % 64)
        let raster = DensityRaster(width: 64, height: values.count / 64, values: values)
        for zeroIsTransparent in [true, false] {
            var shading = Shading(colorMap: .magma, scale: .eqHist, top: 1)
            shading.zeroIsTransparent = zeroIsTransparent
            let fit = shading.fitted(to: values)
            let rgba = shading.rgba(of: raster, threads: 2)
            var wrong = 0
            for (i, v) in values.enumerated() {
                let c = fit.color(of: Double(v))
                if Array(rgba[4 * i ..< 4 * i + 4]) != [c.r, c.g, c.b, c.a] { wrong += 1 }
            }
            #expect(wrong == 0)
        }
    }
}
