import GeoCore

// Text on maps. Render has no C: the glyphs come from a `GlyphSource`, which ImageBridge's FreeType `FontFace`
// implements. Render lays the glyphs out, measures, and composites them (with an optional halo) onto an image.

/// One rasterised glyph: an 8-bit coverage bitmap placed relative to the pen on the baseline.
public struct Glyph: Sendable, Equatable {
    /// Bitmap size in pixels (0 × 0 for a space).
    public let width: Int
    public let height: Int
    /// `width * height` coverage values (0 = no ink, 255 = full ink), row-major, top row first.
    public let coverage: [UInt8]
    /// Pixels from the pen position to the bitmap's left column.
    public let left: Int
    /// Pixels from the baseline up to the bitmap's top row.
    public let top: Int
    /// How far the pen moves after this glyph, in pixels.
    public let advance: Double

    public init(width: Int, height: Int, coverage: [UInt8], left: Int, top: Int, advance: Double) {
        precondition(width >= 0 && height >= 0 && coverage.count == width * height, "glyph bitmap size mismatch")
        self.width = width
        self.height = height
        self.coverage = coverage
        self.left = left
        self.top = top
        self.advance = advance
    }
}

/// Vertical metrics of a font at one pixel size, in pixels.
public struct FontMetrics: Sendable, Equatable {
    /// Height above the baseline of the tallest glyphs.
    public let ascent: Double
    /// Depth below the baseline of the deepest glyphs (positive).
    public let descent: Double
    /// Baseline-to-baseline distance for consecutive lines.
    public let lineHeight: Double

    public init(ascent: Double, descent: Double, lineHeight: Double) {
        self.ascent = ascent
        self.descent = descent
        self.lineHeight = lineHeight
    }
}

/// Where glyph bitmaps come from: a font at a pixel size. Implementations cache; Render calls them per character.
public protocol GlyphSource: Sendable {
    func metrics(pixelSize: Int) -> FontMetrics
    /// The glyph for `scalar`; a font without it returns its "missing glyph" (often a box).
    func glyph(for scalar: Unicode.Scalar, pixelSize: Int) -> Glyph
    /// The pen adjustment between two neighbouring characters, in pixels (0 where the font has no kerning).
    func kerning(between left: Unicode.Scalar, and right: Unicode.Scalar, pixelSize: Int) -> Double
}

/// A size and colours for drawing text.
public struct TextStyle: Sendable, Equatable {
    /// The font's pixel size (the em square), roughly the height of a CJK character.
    public var pixelSize: Int
    public var color: RGBA
    /// An outline in a contrasting colour around every glyph, so labels stay legible over a heat map.
    public var halo: RGBA?
    /// Halo width in pixels.
    public var haloRadius: Double

    public init(pixelSize: Int, color: RGBA = .black, halo: RGBA? = nil, haloRadius: Double = 2) {
        precondition(pixelSize > 0, "text pixel size must be positive")
        self.pixelSize = pixelSize
        self.color = color
        self.halo = halo
        self.haloRadius = haloRadius
    }
}

/// Horizontal alignment of text against its anchor x.
public enum TextAlignment: Sendable {
    case left, center, right
}

/// The size of a line of text, in pixels.
public struct TextExtent: Sendable, Equatable {
    /// Sum of advances (and kerning): how far the pen travels.
    public let width: Double
    /// The font's ascent and descent at this size, so lines of different content line up.
    public let ascent: Double
    public let descent: Double
    public var height: Double { ascent + descent }
}

/// An axis-aligned rectangle of whole pixels.
public struct PixelRect: Sendable, Equatable, Hashable {
    public var x: Int, y: Int, width: Int, height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    public var maxX: Int { x + width }
    public var maxY: Int { y + height }

    /// True when the two rectangles share at least one pixel.
    public func intersects(_ other: PixelRect) -> Bool {
        x < other.maxX && other.x < maxX && y < other.maxY && other.y < maxY
    }

    /// This rectangle grown by `margin` pixels on every side.
    public func expanded(by margin: Int) -> PixelRect {
        PixelRect(x: x - margin, y: y - margin, width: width + 2 * margin, height: height + 2 * margin)
    }

    /// True when `other` lies wholly inside this rectangle.
    public func contains(_ other: PixelRect) -> Bool {
        other.x >= x && other.y >= y && other.maxX <= maxX && other.maxY <= maxY
    }
}

/// A line of text composed into one coverage mask, ready to draw anywhere.
public struct TextBitmap: Sendable {
    public let width: Int
    public let height: Int
    /// `width * height` coverage values, row-major, top row first.
    public let coverage: [UInt8]
    /// The pen's start (x) and the baseline (y) inside the bitmap.
    public let originX: Int
    public let baselineY: Int
    public let extent: TextExtent
}

/// Lays out and draws single lines of text with glyphs from a `GlyphSource`.
public struct TextRenderer: Sendable {
    public let font: any GlyphSource

    public init(font: any GlyphSource) { self.font = font }

    /// Width, ascent and descent of `text` at `pixelSize`.
    public func measure(_ text: String, pixelSize: Int) -> TextExtent {
        let metrics = font.metrics(pixelSize: pixelSize)
        var pen = 0.0
        var previous: Unicode.Scalar?
        for scalar in text.unicodeScalars where !Self.isControl(scalar) {
            if let previous { pen += font.kerning(between: previous, and: scalar, pixelSize: pixelSize) }
            pen += font.glyph(for: scalar, pixelSize: pixelSize).advance
            previous = scalar
        }
        return TextExtent(width: pen, ascent: metrics.ascent, descent: metrics.descent)
    }

    /// The coverage of `text` as one bitmap, glyphs placed at whole pixels along the pen path.
    public func bitmap(_ text: String, pixelSize: Int) -> TextBitmap {
        let metrics = font.metrics(pixelSize: pixelSize)
        var placed: [(glyph: Glyph, x: Int, y: Int)] = []  // bitmap top-left relative to (pen start, baseline)
        var pen = 0.0
        var previous: Unicode.Scalar?
        var minX = 0, minY = -Int(metrics.ascent.rounded(.up)), maxY = Int(metrics.descent.rounded(.up))
        var maxX = 0
        for scalar in text.unicodeScalars where !Self.isControl(scalar) {
            if let previous { pen += font.kerning(between: previous, and: scalar, pixelSize: pixelSize) }
            let glyph = font.glyph(for: scalar, pixelSize: pixelSize)
            let x = Int(pen.rounded()) + glyph.left, y = -glyph.top
            if glyph.width > 0 && glyph.height > 0 {
                placed.append((glyph, x, y))
                minX = min(minX, x); maxX = max(maxX, x + glyph.width)
                minY = min(minY, y); maxY = max(maxY, y + glyph.height)
            }
            pen += glyph.advance
            previous = scalar
        }
        maxX = max(maxX, Int(pen.rounded(.up)))
        let width = max(1, maxX - minX), height = max(1, maxY - minY)
        var coverage = [UInt8](repeating: 0, count: width * height)
        for (glyph, x, y) in placed {
            for row in 0..<glyph.height {
                let target = (y - minY + row) * width + (x - minX)
                for col in 0..<glyph.width {
                    let c = glyph.coverage[row * glyph.width + col]
                    // Overlapping glyphs (rare: tight kerning) keep the darker ink.
                    if c > coverage[target + col] { coverage[target + col] = c }
                }
            }
        }
        return TextBitmap(width: width, height: height, coverage: coverage, originX: -minX, baselineY: -minY,
                          extent: TextExtent(width: pen, ascent: metrics.ascent, descent: metrics.descent))
    }

    /// Line breaks and other control characters are not drawn: labels are single lines.
    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .control
    }
}

extension RGBAImage {
    /// Draws `text` with its baseline at `baseline.y`; `baseline.x` is the left end, centre or right end of the
    /// line according to `alignment`. Returns the box the text's extent (ascent to descent, halo included) covers.
    @discardableResult
    public mutating func draw(_ text: String, at baseline: Point, alignment: TextAlignment = .left,
                              style: TextStyle, renderer: TextRenderer) -> PixelRect {
        let bitmap = renderer.bitmap(text, pixelSize: style.pixelSize)
        return draw(bitmap, at: baseline, alignment: alignment, style: style)
    }

    /// Draws a text bitmap laid out earlier (see `draw(_:at:alignment:style:renderer:)`).
    @discardableResult
    public mutating func draw(_ bitmap: TextBitmap, at baseline: Point, alignment: TextAlignment = .left,
                              style: TextStyle) -> PixelRect {
        let shift: Double
        switch alignment {
        case .left: shift = 0
        case .center: shift = bitmap.extent.width / 2
        case .right: shift = bitmap.extent.width
        }
        let penX = Int((baseline.x - shift).rounded()), baseY = Int(baseline.y.rounded())
        let left = penX - bitmap.originX, top = baseY - bitmap.baselineY
        if let halo = style.halo, style.haloRadius > 0 {
            let (mask, grow) = Self.dilate(bitmap, radius: style.haloRadius)
            composite(coverage: mask, width: bitmap.width + 2 * grow, height: bitmap.height + 2 * grow,
                      left: left - grow, top: top - grow, color: halo)
        }
        composite(coverage: bitmap.coverage, width: bitmap.width, height: bitmap.height, left: left, top: top,
                  color: style.color)
        let pad = style.halo == nil ? 0 : Int(style.haloRadius.rounded(.up))
        return PixelRect(x: penX - pad, y: baseY - Int(bitmap.extent.ascent.rounded(.up)) - pad,
                         width: Int(bitmap.extent.width.rounded(.up)) + 2 * pad,
                         height: Int(bitmap.extent.height.rounded(.up)) + 2 * pad)
    }

    /// Blends `color` through an 8-bit coverage mask whose top-left pixel lands at (left, top).
    public mutating func composite(coverage: [UInt8], width: Int, height: Int, left: Int, top: Int, color: RGBA) {
        precondition(coverage.count == width * height, "coverage mask size mismatch")
        let rowLow = max(0, -top), rowHigh = min(height, self.height - top)
        let colLow = max(0, -left), colHigh = min(width, self.width - left)
        guard rowLow < rowHigh, colLow < colHigh else { return }
        for row in rowLow..<rowHigh {
            for col in colLow..<colHigh {
                let c = coverage[row * width + col]
                guard c > 0 else { continue }
                let a = UInt8((UInt32(color.a) * UInt32(c) + 127) / 255)
                blend(x: left + col, y: top + row, RGBA(color.r, color.g, color.b, a))
            }
        }
    }

    /// The halo mask: every pixel takes the strongest ink within `radius`, fading to nothing over the next pixel
    /// so the outline is anti-aliased. Returns the mask, grown by `grow` pixels on every side.
    static func dilate(_ bitmap: TextBitmap, radius: Double) -> (mask: [UInt8], grow: Int) {
        // Offsets of radius + 1 or more get no weight.
        let grow = max(1, Int((radius + 1).rounded(.up)) - 1)
        let w = bitmap.width + 2 * grow, h = bitmap.height + 2 * grow
        var offsets: [(dx: Int, dy: Int, weight: UInt32)] = []
        for dy in -grow...grow {
            for dx in -grow...grow {
                let d = Double(dx * dx + dy * dy).squareRoot()
                let weight = min(1, max(0, radius + 1 - d))
                if weight > 0 { offsets.append((dx, dy, UInt32((weight * 255).rounded()))) }
            }
        }
        var mask = [UInt8](repeating: 0, count: w * h)
        let source = bitmap.coverage, sw = bitmap.width
        for y in 0..<bitmap.height {
            for x in 0..<sw {
                let c = UInt32(source[y * sw + x])
                guard c > 0 else { continue }
                for (dx, dy, weight) in offsets {
                    let index = (y + grow + dy) * w + (x + grow + dx)
                    let v = UInt8((c * weight + 127) / 255)
                    if v > mask[index] { mask[index] = v }
                }
            }
        }
        return (mask, grow)
    }
}
