import Foundation

/// A colour ramp from low (t = 0) to high (t = 1).
public enum ColorMap: String, Sendable, CaseIterable {
    /// Perceptually uniform ramps from matplotlib (opaque).
    case viridis, inferno, magma
    /// The classic heat-map ramp: transparent at 0 through yellow and orange to deep red, so the base map
    /// shows through where density is low.
    case heat

    /// The colour at `t`, clamped to 0...1.
    public func color(at t: Double) -> RGBA {
        let t = t.isNaN ? 0 : min(1, max(0, t))
        switch self {
        case .viridis: return Self.lookup(ColorMapTables.viridis, t)
        case .inferno: return Self.lookup(ColorMapTables.inferno, t)
        case .magma: return Self.lookup(ColorMapTables.magma, t)
        case .heat: return Self.interpolate(Self.heatStops, t)
        }
    }

    /// 256 entries, for shading many pixels without recomputing the ramp.
    public func table() -> [RGBA] { (0..<256).map { color(at: Double($0) / 255) } }

    private static func lookup(_ table: [UInt8], _ t: Double) -> RGBA {
        let i = Int((t * 255).rounded()) * 3
        return RGBA(table[i], table[i + 1], table[i + 2])
    }

    private static let heatStops: [(t: Double, color: RGBA)] = [
        (0.00, RGBA(255, 255, 178, 0)),
        (0.15, RGBA(254, 217, 118, 110)),
        (0.40, RGBA(253, 141, 60, 205)),
        (0.70, RGBA(240, 59, 32, 230)),
        (1.00, RGBA(160, 0, 38, 245)),
    ]

    private static func interpolate(_ stops: [(t: Double, color: RGBA)], _ t: Double) -> RGBA {
        guard let upper = stops.firstIndex(where: { $0.t >= t }), upper > 0 else { return stops[0].color }
        let (t0, c0) = stops[upper - 1], (t1, c1) = stops[upper]
        let f = (t - t0) / (t1 - t0)
        func mix(_ a: UInt8, _ b: UInt8) -> UInt8 { UInt8((Double(a) + (Double(b) - Double(a)) * f).rounded()) }
        return RGBA(mix(c0.r, c1.r), mix(c0.g, c1.g), mix(c0.b, c1.b), mix(c0.a, c1.a))
    }
}

/// How densities map to the ramp's 0...1.
public enum ShadingScale: String, Sendable, CaseIterable {
    /// t = v / top.
    case linear
    /// t = √(v / top): lifts the shoulders of hot spots so smaller ones stay visible.
    case sqrt
    /// t = ln(1 + v) / ln(1 + top).
    case log

    public func position(_ value: Double, top: Double) -> Double {
        guard value > 0, top > 0 else { return 0 }
        switch self {
        case .linear: return min(1, value / top)
        case .sqrt: return min(1, (value / top).squareRoot())
        case .log: return min(1, log1p(value) / log1p(top))
        }
    }
}
