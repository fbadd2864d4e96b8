import GeoCore

/// A width and height in whole pixels.
public struct PixelSize: Sendable, Equatable, Hashable {
    public var width: Int, height: Int

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }
}

/// Something drawn on a map in pixel space (title, legend, scale bar, north arrow): it knows its size, so it can
/// be placed in a corner, and draws itself with its top-left corner at a given pixel.
public protocol MapElement: Sendable {
    func size(text: TextRenderer) -> PixelSize
    func draw(on image: inout RGBAImage, at topLeft: PixelPoint, text: TextRenderer)
}

/// A whole-pixel position: column `x` from the left, row `y` from the top.
public struct PixelPoint: Sendable, Equatable, Hashable {
    public var x: Int, y: Int

    public init(x: Int, y: Int) {
        self.x = x
        self.y = y
    }
}

/// Where on the image a map element goes.
public enum MapCorner: Sendable, CaseIterable {
    case topLeft, topCenter, topRight, bottomLeft, bottomCenter, bottomRight
}

/// A box behind a map element so it reads over the map: a fill, an optional border and inner padding.
public struct Panel: Sendable, Equatable {
    public var fill: RGBA
    public var border: RGBA?
    public var padding: Int

    public init(fill: RGBA = RGBA(255, 255, 255, 225), border: RGBA? = RGBA(120, 120, 120), padding: Int = 8) {
        self.fill = fill
        self.border = border
        self.padding = padding
    }
}

extension RGBAImage {
    /// Draws `element` in `corner`, `margin` pixels from the image's edges, and returns the box it occupies.
    @discardableResult
    public mutating func place(_ element: some MapElement, in corner: MapCorner, margin: Int = 16,
                               text: TextRenderer) -> PixelRect {
        let size = element.size(text: text)
        let x: Int, y: Int
        switch corner {
        case .topLeft, .bottomLeft: x = margin
        case .topCenter, .bottomCenter: x = (width - size.width) / 2
        case .topRight, .bottomRight: x = width - margin - size.width
        }
        switch corner {
        case .topLeft, .topCenter, .topRight: y = margin
        case .bottomLeft, .bottomCenter, .bottomRight: y = height - margin - size.height
        }
        element.draw(on: &self, at: PixelPoint(x: x, y: y), text: text)
        return PixelRect(x: x, y: y, width: size.width, height: size.height)
    }

    /// Fills a rectangle with `color` (blended), clipped to the image.
    public mutating func fill(_ rect: PixelRect, color: RGBA) {
        let x0 = max(0, rect.x), x1 = min(width, rect.maxX), y0 = max(0, rect.y), y1 = min(height, rect.maxY)
        guard x0 < x1, y0 < y1 else { return }
        for y in y0..<y1 {
            for x in x0..<x1 { blend(x: x, y: y, color) }
        }
    }

    /// A one-pixel outline just inside `rect`.
    public mutating func frame(_ rect: PixelRect, color: RGBA) {
        guard rect.width > 0, rect.height > 0 else { return }
        fill(PixelRect(x: rect.x, y: rect.y, width: rect.width, height: 1), color: color)
        if rect.height > 1 { fill(PixelRect(x: rect.x, y: rect.maxY - 1, width: rect.width, height: 1), color: color) }
        if rect.height > 2 {
            fill(PixelRect(x: rect.x, y: rect.y + 1, width: 1, height: rect.height - 2), color: color)
            if rect.width > 1 { fill(PixelRect(x: rect.maxX - 1, y: rect.y + 1, width: 1, height: rect.height - 2), color: color) }
        }
    }

    /// Draws a panel filling `rect`.
    mutating func draw(_ panel: Panel, in rect: PixelRect) {
        fill(rect, color: panel.fill)
        if let border = panel.border { frame(rect, color: border) }
    }
}

/// The baseline offset that centres a line of text of extent `extent` vertically in a box `height` tall.
func centredBaseline(_ extent: TextExtent, inHeight height: Double) -> Double {
    (height - extent.height) / 2 + extent.ascent
}
