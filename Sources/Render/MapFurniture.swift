import GeoCore

/// A map's title with an optional subtitle line below it ("嘉兴市 盗窃 热力图" /
/// "2026-01-05 – 2026-03-29 · 12,345 起").
public struct TitleBlock: MapElement {
    public var title: String
    public var subtitle: String?
    public var titleStyle: TextStyle
    public var subtitleStyle: TextStyle
    public var alignment: TextAlignment
    public var panel: Panel?

    public init(title: String, subtitle: String? = nil,
                titleStyle: TextStyle = TextStyle(pixelSize: 26, color: RGBA(20, 20, 20)),
                subtitleStyle: TextStyle = TextStyle(pixelSize: 15, color: RGBA(70, 70, 70)),
                alignment: TextAlignment = .left, panel: Panel? = Panel()) {
        self.title = title
        self.subtitle = subtitle
        self.titleStyle = titleStyle
        self.subtitleStyle = subtitleStyle
        self.alignment = alignment
        self.panel = panel
    }

    static let lineGap = 4

    public func size(text: TextRenderer) -> PixelSize {
        let pad = panel?.padding ?? 0
        let lines = self.lines(text: text)
        let width = lines.map(\.extent.width).max() ?? 0
        let height = lines.map { $0.extent.height.rounded(.up) }.reduce(0, +) + Double(Self.lineGap * (lines.count - 1))
        return PixelSize(width: Int(width.rounded(.up)) + 2 * pad, height: Int(height) + 2 * pad)
    }

    public func draw(on image: inout RGBAImage, at topLeft: PixelPoint, text: TextRenderer) {
        let size = size(text: text)
        if let panel { image.draw(panel, in: PixelRect(x: topLeft.x, y: topLeft.y, width: size.width, height: size.height)) }
        let pad = panel?.padding ?? 0
        let inner = Double(size.width - 2 * pad)
        let x: Double
        switch alignment {
        case .left: x = Double(topLeft.x + pad)
        case .center: x = Double(topLeft.x + pad) + inner / 2
        case .right: x = Double(topLeft.x + pad) + inner
        }
        var y = Double(topLeft.y + pad)
        for line in lines(text: text) {
            image.draw(line.text, at: Point(x: x, y: y + line.extent.ascent.rounded()), alignment: alignment,
                       style: line.style, renderer: text)
            y += line.extent.height.rounded(.up) + Double(Self.lineGap)
        }
    }

    private func lines(text: TextRenderer) -> [(text: String, style: TextStyle, extent: TextExtent)] {
        var lines = [(title, titleStyle, text.measure(title, pixelSize: titleStyle.pixelSize))]
        if let subtitle, !subtitle.isEmpty {
            lines.append((subtitle, subtitleStyle, text.measure(subtitle, pixelSize: subtitleStyle.pixelSize)))
        }
        return lines
    }
}

/// A scale bar of a round length on the ground (1, 2 or 5 × 10^k metres), alternating dark and light segments,
/// labelled at both ends ("0", "2 km").
public struct ScaleBar: MapElement {
    /// Metres per pixel of the map.
    public let pixelSize: Double
    /// The bar's length on the ground.
    public let metres: Double
    /// Unit names: "m" and "km" by default; "米" and "公里" for Chinese maps.
    public var metreUnit: String
    public var kilometreUnit: String
    public var labelStyle: TextStyle
    public var barHeight: Int
    public var panel: Panel?

    /// The longest round length that fits in `maximumPixels` pixels of a map with `pixelSize` metres per pixel.
    public init(pixelSize: Double, maximumPixels: Int = 200, metreUnit: String = "m", kilometreUnit: String = "km",
                labelStyle: TextStyle = TextStyle(pixelSize: 13, color: RGBA(30, 30, 30)), barHeight: Int = 6,
                panel: Panel? = Panel()) {
        precondition(pixelSize > 0 && pixelSize.isFinite, "pixel size must be positive")
        self.pixelSize = pixelSize
        metres = NiceNumbers.roundDown125(Double(max(1, maximumPixels)) * pixelSize)
        self.metreUnit = metreUnit
        self.kilometreUnit = kilometreUnit
        self.labelStyle = labelStyle
        self.barHeight = max(2, barHeight)
        self.panel = panel
    }

    /// A scale bar for `canvas`, at most `maximumFraction` of its width long.
    public init(canvas: MapCanvas, maximumFraction: Double = 0.25, metreUnit: String = "m", kilometreUnit: String = "km") {
        self.init(pixelSize: canvas.pixelSize, maximumPixels: max(1, Int(Double(canvas.width) * maximumFraction)),
                  metreUnit: metreUnit, kilometreUnit: kilometreUnit)
    }

    /// The bar's length in pixels: `metres / pixelSize`, rounded to whole pixels.
    public var pixelLength: Int { max(1, Int((metres / pixelSize).rounded())) }

    /// The end label: metres below 1 km, kilometres from 1 km up ("500 m", "1 km", "2.5 km").
    public var label: String {
        metres < 1000 ? NiceNumbers.format(metres, maximumDecimals: 3) + " " + metreUnit
            : NiceNumbers.format(metres / 1000, maximumDecimals: 3) + " " + kilometreUnit
    }

    /// 5 segments for 5 × 10^k, otherwise 4, so segment ends fall on round numbers too.
    var segments: Int {
        let leading = metres / pow10(metres)
        return abs(leading - 5) < 1e-9 ? 5 : 4
    }

    private func pow10(_ value: Double) -> Double {
        var p = 1.0
        while p * 10 <= value * (1 + 1e-12) { p *= 10 }
        while p > value * (1 + 1e-12) { p /= 10 }
        return p
    }

    static let labelGap = 3

    /// The bar rectangle relative to the element's top-left corner.
    public func barRect(text: TextRenderer) -> PixelRect {
        let pad = panel?.padding ?? 0
        let zero = text.measure("0", pixelSize: labelStyle.pixelSize)
        let labelHeight = Int(zero.height.rounded(.up))
        return PixelRect(x: pad + Int((zero.width / 2).rounded(.up)), y: pad + labelHeight + Self.labelGap,
                         width: pixelLength, height: barHeight)
    }

    public func size(text: TextRenderer) -> PixelSize {
        let pad = panel?.padding ?? 0
        let bar = barRect(text: text)
        let endHalf = Int((text.measure(label, pixelSize: labelStyle.pixelSize).width / 2).rounded(.up))
        return PixelSize(width: bar.maxX + endHalf + pad, height: bar.maxY + pad)
    }

    public func draw(on image: inout RGBAImage, at topLeft: PixelPoint, text: TextRenderer) {
        let size = size(text: text)
        if let panel { image.draw(panel, in: PixelRect(x: topLeft.x, y: topLeft.y, width: size.width, height: size.height)) }
        let local = barRect(text: text)
        let bar = PixelRect(x: topLeft.x + local.x, y: topLeft.y + local.y, width: local.width, height: local.height)
        let dark = labelStyle.color, light = RGBA.white
        let n = segments
        for s in 0..<n {
            let x0 = bar.x + Int((Double(s) * Double(bar.width) / Double(n)).rounded())
            let x1 = bar.x + Int((Double(s + 1) * Double(bar.width) / Double(n)).rounded())
            image.fill(PixelRect(x: x0, y: bar.y, width: x1 - x0, height: bar.height), color: s % 2 == 0 ? dark : light)
        }
        image.frame(bar, color: dark)
        let baseline = Double(bar.y - Self.labelGap) - text.measure("0", pixelSize: labelStyle.pixelSize).descent
        image.draw("0", at: Point(x: Double(bar.x), y: baseline.rounded()), alignment: .center, style: labelStyle,
                   renderer: text)
        image.draw(label, at: Point(x: Double(bar.maxX), y: baseline.rounded()), alignment: .center, style: labelStyle,
                   renderer: text)
    }
}

/// A north arrow: a split arrowhead (dark left half, light right half) under a letter ("N" or "北").
public struct NorthArrow: MapElement {
    public var letter: String
    /// Arrow height in pixels (the letter comes on top).
    public var arrowHeight: Int
    public var color: RGBA
    public var letterStyle: TextStyle
    public var panel: Panel?

    public init(letter: String = "N", arrowHeight: Int = 36, color: RGBA = RGBA(30, 30, 30),
                letterStyle: TextStyle = TextStyle(pixelSize: 15, color: RGBA(30, 30, 30)), panel: Panel? = nil) {
        self.letter = letter
        self.arrowHeight = max(8, arrowHeight)
        self.color = color
        self.letterStyle = letterStyle
        self.panel = panel
    }

    public func size(text: TextRenderer) -> PixelSize {
        let pad = panel?.padding ?? 0
        let extent = text.measure(letter, pixelSize: letterStyle.pixelSize)
        let width = max(Int(extent.width.rounded(.up)), arrowWidth)
        return PixelSize(width: width + 2 * pad, height: Int(extent.height.rounded(.up)) + 2 + arrowHeight + 2 * pad)
    }

    var arrowWidth: Int { max(6, arrowHeight * 5 / 9) }

    public func draw(on image: inout RGBAImage, at topLeft: PixelPoint, text: TextRenderer) {
        let size = size(text: text)
        if let panel { image.draw(panel, in: PixelRect(x: topLeft.x, y: topLeft.y, width: size.width, height: size.height)) }
        let pad = panel?.padding ?? 0
        let extent = text.measure(letter, pixelSize: letterStyle.pixelSize)
        let cx = Double(topLeft.x) + Double(size.width) / 2
        // A light halo keeps the letter readable when the arrow sits over the map without a panel.
        var style = letterStyle
        if panel == nil && style.halo == nil { style.halo = RGBA(255, 255, 255, 220); style.haloRadius = 1.5 }
        image.draw(letter, at: Point(x: cx, y: Double(topLeft.y + pad) + extent.ascent.rounded()), alignment: .center,
                   style: style, renderer: text)
        let tipY = Double(topLeft.y + pad) + extent.height.rounded(.up) + 2
        let baseY = tipY + Double(arrowHeight)
        let notchY = baseY - Double(arrowHeight) * 0.28
        let half = Double(arrowWidth) / 2
        let tip = Point(x: cx, y: tipY), notch = Point(x: cx, y: notchY)
        let left = Point(x: cx - half, y: baseY), right = Point(x: cx + half, y: baseY)
        image.fill(rings: [[tip, right, notch]], color: .white)
        image.fill(rings: [[tip, notch, left]], color: color)
        image.stroke([tip, right, notch, left, tip], lineWidth: 1.2, color: color)
    }
}
