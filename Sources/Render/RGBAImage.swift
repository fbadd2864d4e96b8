/// A colour with straight (non-premultiplied) alpha, 8 bits per channel.
public struct RGBA: Hashable, Sendable {
    public var r: UInt8, g: UInt8, b: UInt8, a: UInt8

    public init(_ r: UInt8, _ g: UInt8, _ b: UInt8, _ a: UInt8 = 255) {
        self.r = r
        self.g = g
        self.b = b
        self.a = a
    }

    /// `0xRRGGBB` with the given alpha.
    public init(hex: UInt32, alpha: UInt8 = 255) {
        self.init(UInt8(hex >> 16 & 0xFF), UInt8(hex >> 8 & 0xFF), UInt8(hex & 0xFF), alpha)
    }

    public static let transparent = RGBA(0, 0, 0, 0)
    public static let white = RGBA(255, 255, 255)
    public static let black = RGBA(0, 0, 0)

    /// This colour with its alpha scaled by `coverage` (0...1), for anti-aliased edges.
    public func withCoverage(_ coverage: Double) -> RGBA {
        RGBA(r, g, b, UInt8((Double(a) * min(1, max(0, coverage))).rounded()))
    }
}

/// An 8-bit RGBA raster, row-major, top row first: the layout PNG encoders expect.
public struct RGBAImage: Sendable {
    public let width: Int
    public let height: Int
    /// `width * height * 4` bytes.
    public private(set) var pixels: [UInt8]

    public init(width: Int, height: Int, fill: RGBA = .transparent) {
        precondition(width > 0 && height > 0, "image size must be positive")
        self.width = width
        self.height = height
        pixels = [UInt8](repeating: 0, count: width * height * 4)
        if fill != .transparent {
            for i in stride(from: 0, to: pixels.count, by: 4) {
                pixels[i] = fill.r; pixels[i + 1] = fill.g; pixels[i + 2] = fill.b; pixels[i + 3] = fill.a
            }
        }
    }

    /// An image over existing straight-alpha RGBA bytes, top row first.
    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width > 0 && height > 0 && pixels.count == width * height * 4, "one RGBA quadruple per pixel")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    public subscript(x: Int, y: Int) -> RGBA {
        let i = (y * width + x) * 4
        return RGBA(pixels[i], pixels[i + 1], pixels[i + 2], pixels[i + 3])
    }

    /// Composites `color` over the pixel at (x, y) ("source over", straight alpha). Out-of-range pixels are ignored.
    public mutating func blend(x: Int, y: Int, _ color: RGBA) {
        guard x >= 0, y >= 0, x < width, y < height, color.a > 0 else { return }
        let i = (y * width + x) * 4
        pixels.withUnsafeMutableBufferPointer { p in
            Self.blend(color, into: p.baseAddress! + i)
        }
    }

    /// Source-over for one pixel; exact for opaque sources and for opaque destinations.
    static func blend(_ src: RGBA, into dst: UnsafeMutablePointer<UInt8>) {
        if src.a == 255 {
            dst[0] = src.r; dst[1] = src.g; dst[2] = src.b; dst[3] = 255
            return
        }
        let sa = Double(src.a) / 255, da = Double(dst[3]) / 255
        let outA = sa + da * (1 - sa)
        guard outA > 0 else { return }
        func mix(_ s: UInt8, _ d: UInt8) -> UInt8 {
            UInt8(((Double(s) * sa + Double(d) * da * (1 - sa)) / outA).rounded())
        }
        dst[0] = mix(src.r, dst[0]); dst[1] = mix(src.g, dst[1]); dst[2] = mix(src.b, dst[2])
        dst[3] = UInt8((outA * 255).rounded())
    }

    /// Composites another image of the same size over this one; with a `mask`, only where the mask is not
    /// fully transparent (to keep a density surface inside the mapped areas).
    public mutating func composite(_ overlay: RGBAImage, mask: RGBAImage? = nil) {
        precondition(overlay.width == width && overlay.height == height, "overlay size differs")
        precondition(mask.map { $0.width == width && $0.height == height } ?? true, "mask size differs")
        let maskPixels = mask?.pixels
        overlay.pixels.withUnsafeBufferPointer { src in
            pixels.withUnsafeMutableBufferPointer { dst in
                for i in stride(from: 0, to: src.count, by: 4) where src[i + 3] > 0 && (maskPixels?[i + 3] ?? 1) > 0 {
                    Self.blend(RGBA(src[i], src[i + 1], src[i + 2], src[i + 3]), into: dst.baseAddress! + i)
                }
            }
        }
    }
}
