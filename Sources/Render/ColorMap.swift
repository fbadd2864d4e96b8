import Foundation

/// A colour ramp from low (t = 0) to high (t = 1).
public enum ColorMap: String, Sendable, CaseIterable {
    /// Perceptually uniform ramps from matplotlib (opaque).
    case viridis, inferno, magma
    /// The classic heat-map ramp: transparent at 0 through yellow and orange to deep red, so the base map
    /// shows through where density is low.
    case heat
    /// A diverging ramp for Gi* z-scores, blue (cold spots) through white to red (hot spots): ColorBrewer's
    /// 7-class RdBu reversed. Its stops sit at t = k/6, so 7 classes get exactly ColorBrewer's colours
    /// (#2166ac #67a9cf #d1e5f0 #f7f7f7 #fddbc7 #ef8a62 #b2182b, for the −3…+3 bins); between stops it
    /// interpolates linearly.
    case blueWhiteRed = "blue_white_red"

    /// The colour at `t`, clamped to 0...1.
    public func color(at t: Double) -> RGBA {
        let t = t.isNaN ? 0 : min(1, max(0, t))
        switch self {
        case .viridis: return Self.lookup(ColorMapTables.viridis, t)
        case .inferno: return Self.lookup(ColorMapTables.inferno, t)
        case .magma: return Self.lookup(ColorMapTables.magma, t)
        case .heat: return Self.interpolate(Self.heatStops, t)
        case .blueWhiteRed: return Self.interpolate(Self.blueWhiteRedStops, t)
        }
    }

    /// One colour per class, lowest class first, evenly spaced over the ramp from its low end to its high end.
    /// The heat ramp is transparent at its low end, so there the classes start one step up and every class shows.
    public func classColors(count: Int) -> [RGBA] {
        precondition(count >= 1, "at least one class")
        guard count > 1 else { return [color(at: 1)] }
        return (0..<count).map { k in
            self == .heat ? color(at: Double(k + 1) / Double(count)) : color(at: Double(k) / Double(count - 1))
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

    private static let blueWhiteRedStops: [(t: Double, color: RGBA)] =
        [0x2166AC, 0x67A9CF, 0xD1E5F0, 0xF7F7F7, 0xFDDBC7, 0xEF8A62, 0xB2182B].enumerated().map {
            (Double($0.offset) / 6, RGBA(hex: UInt32($0.element)))
        }

    private static func interpolate(_ stops: [(t: Double, color: RGBA)], _ t: Double) -> RGBA {
        guard let upper = stops.firstIndex(where: { $0.t >= t }), upper > 0 else { return stops[0].color }
        let (t0, c0) = stops[upper - 1], (t1, c1) = stops[upper]
        let f = (t - t0) / (t1 - t0)
        func mix(_ a: UInt8, _ b: UInt8) -> UInt8 { UInt8((Double(a) + (Double(b) - Double(a)) * f).rounded()) }
        return RGBA(mix(c0.r, c1.r), mix(c0.g, c1.g), mix(c0.b, c1.b), mix(c0.a, c1.a))
    }
}
