import Dispatch
import Foundation

/// How densities map to the ramp's 0...1.
public enum ShadingScale: String, Sendable, CaseIterable {
    /// t = v / top.
    case linear
    /// t = √(v / top): lifts the shoulders of hot spots so smaller ones stay visible.
    case sqrt
    /// t = ln(1 + v) / ln(1 + top).
    case log
    /// Histogram equalisation, like datashader's `eq_hist`: t is the share of the positive values at or below v
    /// (their empirical distribution function F), rescaled so the smallest positive value sits at 0 and the
    /// largest at 1: t = (F(v) − F(min)) / (1 − F(min)). Each colour then covers about as many pixels. `top` is
    /// not used. It depends on all the values, so it needs `Shading.fitted(to:)`.
    case eqHist = "eq_hist"

    /// The closed-form position of `value` for `top`, clamped to 0...1; 0 for values ≤ 0. `.eqHist` has no
    /// closed form (it needs the values' distribution, see `FittedShading`); here it gives the linear position.
    public func position(_ value: Double, top: Double) -> Double {
        guard value > 0, top > 0 else { return 0 }
        switch self {
        case .linear, .eqHist: return min(1, value / top)
        case .sqrt: return min(1, (value / top).squareRoot())
        case .log: return min(1, log1p(value) / log1p(top))
        }
    }
}

/// Turns values (a density surface, or one value per cell) into colours: a continuous scale over a colour
/// ramp, or classes with one colour each.
public struct Shading: Sendable {
    public var colorMap: ColorMap
    public var scale: ShadingScale
    /// The value shown at the top of the ramp; larger values saturate. Not used by `.eqHist` or classes.
    public var top: Double
    /// When set, values are shown by class (`ColorMap.classColors`) and `scale` and `top` are not used.
    public var classes: ClassBreaks?
    /// Zero and negative values are fully transparent, so the base map shows where nothing happened. A classed
    /// map whose values can be negative or zero on purpose (Gi* z-scores) turns this off.
    public var zeroIsTransparent: Bool

    /// A continuous scale; zero is transparent.
    public init(colorMap: ColorMap = .heat, scale: ShadingScale = .sqrt, top: Double) {
        self.colorMap = colorMap
        self.scale = scale
        self.top = top
        classes = nil
        zeroIsTransparent = true
    }

    /// Classes, one colour each from `colorMap`.
    public init(colorMap: ColorMap, classes: ClassBreaks, zeroIsTransparent: Bool = false) {
        self.colorMap = colorMap
        scale = .linear
        top = classes.upperBounds[classes.upperBounds.count - 1]
        self.classes = classes
        self.zeroIsTransparent = zeroIsTransparent
    }

    /// The shading ready to colour values; `.eqHist` learns the distribution of `values` here (other scales
    /// ignore them).
    public func fitted(to values: [Float]) -> FittedShading {
        FittedShading(shading: self, values: scale == .eqHist && classes == nil ? values : [])
    }

    /// One pixel per raster cell, over a transparent background.
    public func image(of raster: DensityRaster) -> RGBAImage {
        RGBAImage(width: raster.width, height: raster.height, pixels: rgba(of: raster))
    }

    /// The shaded raster as 8-bit straight-alpha RGBA bytes, top row first (what `PNGEncoder` takes), computed on
    /// up to `threads` threads; the bytes never depend on the thread count.
    public func rgba(of raster: DensityRaster, threads: Int = 1) -> [UInt8] {
        let fit = fitted(to: raster.values)
        // Pixels as little-endian 32-bit words: one store per pixel.
        @Sendable func pack(_ c: RGBA) -> UInt32 { (UInt32(c.r) | UInt32(c.g) << 8 | UInt32(c.b) << 16 | UInt32(c.a) << 24).littleEndian }
        let packed = colorMap.table().map(pack)
        let classColors = UnsafeSendable(classes.map { colorMap.classColors(count: $0.classCount).map(pack) } ?? [])
        let transparent = pack(.transparent)
        let closedForm = classes == nil && scale != .eqHist && zeroIsTransparent && top > 0
        let scale = scale, top = top
        // Linear and square-root scales by the entries' starting values (`RampEntries`); log keeps its libm call,
        // whose monotonicity is not guaranteed.
        let entries = closedForm && scale != .log ? RampEntries(scale: scale, top: top) : nil
        // Histogram equalisation by the entries' starting values too (its entry never decreases as v grows):
        // a bisection over 256 starts per pixel instead of over every value of the surface.
        let equalised = scale == .eqHist && classes == nil && fit.hasPositiveValues
            ? RampEntries { FittedShading.rampIndex(fit.position(of: Double($0)) ?? 0) } : nil
        let zeroIsTransparent = zeroIsTransparent
        let count = raster.values.count
        let chunks = max(1, min(threads, count / 65_536 + 1))
        // Every pixel is stored below (transparent ones as 0), so the 16 MB of a 2048² map need no zeroing first.
        return [UInt8](unsafeUninitializedCapacity: count * 4) { raw, initializedCount in
            raster.values.withUnsafeBufferPointer { values in
                let out = UnsafeSendable(UnsafeMutableRawBufferPointer(raw).bindMemory(to: UInt32.self))
                let input = UnsafeSendable(values)
                packed.withUnsafeBufferPointer { packedTable in
                    let table = UnsafeSendable(packedTable)
                    DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                        let range = count * chunk / chunks..<count * (chunk + 1) / chunks
                        if let entries {
                            // Guessed in Float, then moved to the entry whose value range holds v: the colour
                            // `ShadingScale.position` gives, without a division and square root in Double.
                            let invTop = Float(1 / top)
                            for i in range {
                                let v = input.value[i]
                                guard v > 0 else {
                                    out.value[i] = 0
                                    continue
                                }
                                let t = scale == .sqrt ? min(1, (v * invTop).squareRoot()) : min(1, v * invTop)
                                out.value[i] = table.value[entries.entry(of: v, guess: Int(t * 255 + 0.5))]
                            }
                        } else if closedForm {
                            // The same arithmetic as `ShadingScale.position`, inlined.
                            let logTop = log1p(top)
                            for i in range {
                                let v = Double(input.value[i])
                                guard v > 0 else {
                                    out.value[i] = 0
                                    continue
                                }
                                out.value[i] = table.value[FittedShading.rampIndex(min(1, log1p(v) / logTop))]
                            }
                        } else if let equalised {
                            for i in range {
                                let v = input.value[i]
                                if v > 0 {
                                    out.value[i] = table.value[equalised.entry(of: v)]
                                } else {
                                    // NaN is transparent; zero and below the ramp's foot unless transparent too.
                                    out.value[i] = v.isNaN || zeroIsTransparent ? transparent : table.value[0]
                                }
                            }
                        } else if let classes = fit.shading.classes {
                            // `FittedShading.color` for a classed map, without an optional per pixel.
                            let colors = classColors.value, bounds = classes.upperBounds, last = bounds.count - 1
                            for i in range {
                                let v = Double(input.value[i])
                                guard !v.isNaN, v > 0 || !zeroIsTransparent else {
                                    out.value[i] = transparent
                                    continue
                                }
                                var k = 0
                                while k < last && v > bounds[k] { k += 1 }
                                out.value[i] = colors[k]
                            }
                        } else {
                            for i in range {
                                out.value[i] = pack(fit.color(of: Double(input.value[i])))
                            }
                        }
                    }
                }
            }
            initializedCount = count * 4
        }
    }
}

/// A `Shading` fitted to the values it will colour (histogram equalisation needs them); maps any value to its
/// colour, for images and for legends.
public struct FittedShading: Sendable {
    public let shading: Shading
    /// The ramp as 256 colours; continuous scales pick entry round(255 · t).
    private let table: [RGBA]
    private let classColors: [RGBA]
    /// eq_hist: the positive values, sorted.
    private let sortedPositive: [Float]
    private let lowestShare: Double

    /// Whether the surface had a positive finite value (histogram equalisation has something to equalise).
    var hasPositiveValues: Bool { !sortedPositive.isEmpty }

    init(shading: Shading, values: [Float]) {
        self.shading = shading
        table = shading.colorMap.table()
        classColors = shading.classes.map { shading.colorMap.classColors(count: $0.classCount) } ?? []
        let positive = sortedPositiveFinite(values)
        sortedPositive = positive
        if let lowest = positive.first {
            lowestShare = Double(Self.countAtOrBelow(lowest, in: positive)) / Double(positive.count)
        } else {
            lowestShare = 0
        }
    }

    private static func countAtOrBelow(_ v: Float, in sorted: [Float]) -> Int {
        var low = 0, high = sorted.count
        while low < high {
            let mid = (low + high) / 2
            if sorted[mid] <= v { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// The position on the ramp (0...1) of `value` under a continuous scale; nil when the value is shown
    /// transparent (NaN, or zero or below when zero is transparent) or the shading is classed.
    public func position(of value: Double) -> Double? {
        guard !value.isNaN, shading.classes == nil, value > 0 || !shading.zeroIsTransparent else { return nil }
        guard shading.scale == .eqHist else { return shading.scale.position(value, top: shading.top) }
        guard !sortedPositive.isEmpty, value > 0 else { return 0 }
        let share = Double(Self.countAtOrBelow(Float(value), in: sortedPositive)) / Double(sortedPositive.count)
        guard lowestShare < 1 else { return 1 }
        return min(1, max(0, (share - lowestShare) / (1 - lowestShare)))
    }

    /// The class of `value` when classed; nil otherwise or when the value is shown transparent.
    public func classIndex(of value: Double) -> Int? {
        guard let classes = shading.classes, value > 0 || !shading.zeroIsTransparent else { return nil }
        return classes.classIndex(of: value)
    }

    /// The colour of `value`; transparent for NaN, and for zero and below when zero is transparent.
    public func color(of value: Double) -> RGBA {
        if shading.classes != nil {
            return classIndex(of: value).map { classColors[$0] } ?? .transparent
        }
        guard let t = position(of: value) else { return .transparent }
        return table[Self.rampIndex(t)]
    }

    /// The ramp entry for position t in 0...1: round(255 · t), halves up (without a libm call per pixel).
    @inline(__always)
    static func rampIndex(_ t: Double) -> Int { Int(t * 255 + 0.5) }
}

/// Where each of the 256 ramp entries starts for the linear or square-root scale: entry i shows the positive Float
/// values v with lowest[i] ≤ v < lowest[i + 1]. Their closed form (`ShadingScale.position` in Double, then
/// `FittedShading.rampIndex`) never decreases as v grows (IEEE division and square root are correctly rounded,
/// so monotone), so each start is found by bisection over the Float values with that closed form itself: the
/// entry read off these starts is the one the closed form gives, for every Float, by construction.
struct RampEntries: Sendable {
    /// lowest[0] = 0; lowest[i] the smallest Float whose entry is at least i.
    private let lowest: [Float]

    init(scale: ShadingScale, top: Double) {
        precondition(scale == .linear || scale == .sqrt, "monotone closed forms only")
        self.init { FittedShading.rampIndex(scale.position(Double($0), top: top)) }
    }

    /// The starts of any entry function that never decreases as v grows and puts +∞ at entry 255.
    init(entry: (Float) -> Int) {
        var starts = [Float](repeating: 0, count: 256)
        for i in 1...255 {
            // entry(below) < i ≤ entry(atOrAbove), as bit patterns of non-negative Floats (ordered like values);
            // +∞ is at the top of the ramp for every scale.
            var below: UInt32 = 0, atOrAbove = Float.infinity.bitPattern
            while atOrAbove - below > 1 {
                let middle = below + (atOrAbove - below) / 2
                if entry(Float(bitPattern: middle)) >= i { atOrAbove = middle } else { below = middle }
            }
            starts[i] = Float(bitPattern: atOrAbove)
        }
        lowest = starts
    }

    /// The entry of a positive value v, by bisection.
    @inline(__always)
    func entry(of v: Float) -> Int {
        lowest.withUnsafeBufferPointer { start in
            var low = 0, high = 255  // start[low] <= v throughout
            while low < high {
                let middle = (low + high + 1) / 2
                if v >= start[middle] { low = middle } else { high = middle - 1 }
            }
            return low
        }
    }

    /// The entry of a positive value v, starting the search from `guess` (any Int; the nearer, the faster).
    @inline(__always)
    func entry(of v: Float, guess: Int) -> Int {
        lowest.withUnsafeBufferPointer { start in
            var index = min(255, max(0, guess))
            while index < 255, v >= start[index + 1] { index += 1 }
            while index > 0, v < start[index] { index -= 1 }
            return index
        }
    }
}
