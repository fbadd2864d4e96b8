import GeoCore

/// Which way a colour ramp bar runs.
public enum LegendOrientation: Sendable {
    /// Low values at the bottom, labels to the right.
    case vertical
    /// Low values at the left, labels below.
    case horizontal
}

/// A continuous legend: the colour map as a bar from 0 to `top`, ticks at round values placed where the shading
/// scale puts them, and a unit caption ("incidents per km²", "每平方公里事件数").
public struct ColorRampLegend: MapElement {
    public var colorMap: ColorMap
    public var scale: ShadingScale
    /// The value at the end of the ramp (the `Shading`'s top).
    public var top: Double
    /// Values to label; `nil` picks about five round ones from 0 to `top`.
    public var ticks: [Double]?
    public var caption: String
    public var orientation: LegendOrientation
    /// Bar length and thickness in pixels.
    public var barLength: Int
    public var barThickness: Int
    public var labelStyle: TextStyle
    public var captionStyle: TextStyle
    public var panel: Panel?
    /// Where a value sits on the ramp (0...1) when the scale has no closed form: histogram equalisation's
    /// positions depend on the data (`FittedShading.position(of:)`). `nil` uses `scale.position(_:top:)`.
    public var valuePosition: (@Sendable (Double) -> Double)?

    public init(colorMap: ColorMap, scale: ShadingScale, top: Double, ticks: [Double]? = nil, caption: String,
                orientation: LegendOrientation = .vertical, barLength: Int = 180, barThickness: Int = 14,
                labelStyle: TextStyle = TextStyle(pixelSize: 13, color: RGBA(40, 40, 40)),
                captionStyle: TextStyle = TextStyle(pixelSize: 14, color: RGBA(20, 20, 20)),
                panel: Panel? = Panel()) {
        self.colorMap = colorMap
        self.scale = scale
        self.top = top
        self.ticks = ticks
        self.caption = caption
        self.orientation = orientation
        self.barLength = max(2, barLength)
        self.barThickness = max(1, barThickness)
        self.labelStyle = labelStyle
        self.captionStyle = captionStyle
        self.panel = panel
    }

    /// A labelled value and how far along the bar it sits, in pixels from the bar's low end.
    public struct Tick: Sendable, Equatable {
        public let value: Double
        public let label: String
        public let offset: Double
    }

    /// Where everything goes, relative to the element's top-left corner.
    public struct Layout: Sendable {
        public let size: PixelSize
        /// The colour bar.
        public let bar: PixelRect
        /// The ticks drawn, low to high; ticks whose labels would collide with a lower one are left out.
        public let ticks: [Tick]
    }

    static let tickLength = 4, labelGap = 3, captionGap = 6

    public func layout(text: TextRenderer) -> Layout {
        let pad = panel?.padding ?? 0
        let values = (ticks ?? NiceNumbers.ticks(from: 0, to: top)).filter { $0 >= 0 && $0 <= top }.sorted()
        let decimals = ticks == nil ? NiceNumbers.decimals(forStep: NiceNumbers.step(span: top)) : 2
        let length = Double(barLength)
        let labelled = values.map { value in
            (value: value, label: NiceNumbers.format(value, maximumDecimals: decimals),
             offset: (valuePosition?(value) ?? scale.position(value, top: top)) * length)
        }
        let extents = labelled.map { text.measure($0.label, pixelSize: labelStyle.pixelSize) }
        let labelHeight = Int((extents.map(\.height).max() ?? 0).rounded(.up))
        // Keep a tick only if its label clears the previous kept label by 2 pixels along the bar.
        var kept: [Tick] = []
        var lastEnd = -Double.infinity
        for (tick, extent) in zip(labelled, extents) {
            let half = (orientation == .vertical ? extent.height : extent.width) / 2
            guard tick.offset - half >= lastEnd + 2 else { continue }
            kept.append(Tick(value: tick.value, label: tick.label, offset: tick.offset))
            lastEnd = tick.offset + half
        }
        let keptWidths = kept.map { text.measure($0.label, pixelSize: labelStyle.pixelSize).width }
        let captionExtent = text.measure(caption, pixelSize: captionStyle.pixelSize)
        let captionHeight = caption.isEmpty ? 0 : Int(captionExtent.height.rounded(.up)) + Self.captionGap
        let captionWidth = Int(captionExtent.width.rounded(.up))
        switch orientation {
        case .vertical:
            let overhang = (labelHeight + 1) / 2  // half a label above the top tick and below the bottom one
            let bar = PixelRect(x: pad, y: pad + captionHeight + overhang, width: barThickness, height: barLength)
            let labelsWidth = Int((keptWidths.max() ?? 0).rounded(.up))
            let width = max(bar.maxX + Self.tickLength + Self.labelGap + labelsWidth, pad + captionWidth) + pad
            return Layout(size: PixelSize(width: width, height: bar.maxY + overhang + pad), bar: bar, ticks: kept)
        case .horizontal:
            let firstHalf = Int(((keptWidths.first ?? 0) / 2 - (kept.first?.offset ?? 0)).rounded(.up))
            let lastHalf = Int(((keptWidths.last ?? 0) / 2 - (length - (kept.last?.offset ?? length))).rounded(.up))
            let bar = PixelRect(x: pad + max(0, firstHalf), y: pad + captionHeight, width: barLength, height: barThickness)
            let width = max(bar.maxX + max(0, lastHalf), pad + captionWidth) + pad
            let height = bar.maxY + Self.tickLength + Self.labelGap + labelHeight + pad
            return Layout(size: PixelSize(width: width, height: height), bar: bar, ticks: kept)
        }
    }

    public func size(text: TextRenderer) -> PixelSize { layout(text: text).size }

    public func draw(on image: inout RGBAImage, at topLeft: PixelPoint, text: TextRenderer) {
        let layout = layout(text: text)
        let ox = topLeft.x, oy = topLeft.y
        if let panel {
            image.draw(panel, in: PixelRect(x: ox, y: oy, width: layout.size.width, height: layout.size.height))
        }
        let pad = panel?.padding ?? 0
        if !caption.isEmpty {
            let ascent = text.measure(caption, pixelSize: captionStyle.pixelSize).ascent
            image.draw(caption, at: Point(x: Double(ox + pad), y: Double(oy + pad) + ascent.rounded()),
                       style: captionStyle, renderer: text)
        }
        let bar = PixelRect(x: ox + layout.bar.x, y: oy + layout.bar.y, width: layout.bar.width, height: layout.bar.height)
        // Each bar pixel shows the colour at its centre's position along the ramp.
        for i in 0..<barLength {
            let color = colorMap.color(at: (Double(i) + 0.5) / Double(barLength))
            switch orientation {
            case .vertical: image.fill(PixelRect(x: bar.x, y: bar.maxY - 1 - i, width: bar.width, height: 1), color: color)
            case .horizontal: image.fill(PixelRect(x: bar.x + i, y: bar.y, width: 1, height: bar.height), color: color)
            }
        }
        image.frame(bar.expanded(by: 1), color: labelStyle.color)
        for tick in layout.ticks {
            let extent = text.measure(tick.label, pixelSize: labelStyle.pixelSize)
            switch orientation {
            case .vertical:
                let y = min(bar.maxY - 1, Int((Double(bar.maxY) - tick.offset).rounded(.down)))
                image.fill(PixelRect(x: bar.maxX + 1, y: y, width: Self.tickLength, height: 1), color: labelStyle.color)
                let baseline = Double(y) + 0.5 - extent.height / 2 + extent.ascent
                image.draw(tick.label, at: Point(x: Double(bar.maxX + 1 + Self.tickLength + Self.labelGap), y: baseline.rounded()),
                           style: labelStyle, renderer: text)
            case .horizontal:
                let x = min(bar.maxX - 1, Int((Double(bar.x) + tick.offset).rounded(.down)))
                image.fill(PixelRect(x: x, y: bar.maxY + 1, width: 1, height: Self.tickLength), color: labelStyle.color)
                let baseline = Double(bar.maxY + 1 + Self.tickLength + Self.labelGap) + extent.ascent
                image.draw(tick.label, at: Point(x: Double(x) + 0.5, y: baseline.rounded()), alignment: .center,
                           style: labelStyle, renderer: text)
            }
        }
    }
}

/// A legend of classes: one colour box and label per class (quantile classes, natural breaks, Gi* bins).
public struct ClassedLegend: MapElement {
    public struct Entry: Sendable, Equatable {
        public var color: RGBA
        public var label: String

        public init(color: RGBA, label: String) {
            self.color = color
            self.label = label
        }
    }

    /// Drawn top to bottom in this order.
    public var entries: [Entry]
    public var caption: String
    public var swatch: PixelSize
    public var labelStyle: TextStyle
    public var captionStyle: TextStyle
    public var panel: Panel?

    public init(entries: [Entry], caption: String, swatch: PixelSize = PixelSize(width: 22, height: 14),
                labelStyle: TextStyle = TextStyle(pixelSize: 13, color: RGBA(40, 40, 40)),
                captionStyle: TextStyle = TextStyle(pixelSize: 14, color: RGBA(20, 20, 20)),
                panel: Panel? = Panel()) {
        self.entries = entries
        self.caption = caption
        self.swatch = swatch
        self.labelStyle = labelStyle
        self.captionStyle = captionStyle
        self.panel = panel
    }

    /// Labels for the classes between consecutive `breaks` ("0 – 12.5", "12.5 – 25", …): `breaks` holds the
    /// lower bound of the first class followed by every class's upper bound.
    ///
    /// With `wholeNumbers` (counts, and changes of counts) the bounds are rounded and each class after the first
    /// starts one above the previous bound, as upper bounds are inclusive: "−401 – −287", "−286 – −172"; a class
    /// holding a single number shows it alone.
    public static func rangeLabels(breaks: [Double], maximumDecimals: Int = 2, wholeNumbers: Bool = false) -> [String] {
        guard breaks.count >= 2 else { return [] }
        guard wholeNumbers else {
            return (1..<breaks.count).map {
                NiceNumbers.format(breaks[$0 - 1], maximumDecimals: maximumDecimals) + " – "
                    + NiceNumbers.format(breaks[$0], maximumDecimals: maximumDecimals)
            }
        }
        let whole = breaks.map { $0.rounded(.down) }
        return (1..<whole.count).map { k in
            let low = k == 1 ? breaks[0].rounded(.up) : whole[k - 1] + 1, high = whole[k]
            let text = { (v: Double) in NiceNumbers.format(v, maximumDecimals: 0) }
            return low >= high ? text(high) : text(low) + " – " + text(high)
        }
    }

    static let rowGap = 4, labelGap = 6, captionGap = 6

    /// The swatch rectangles, relative to the element's top-left corner, in entry order.
    public func swatches(text: TextRenderer) -> [PixelRect] {
        let pad = panel?.padding ?? 0
        let rowHeight = self.rowHeight(text: text)
        let top = pad + captionHeight(text: text)
        return entries.indices.map {
            PixelRect(x: pad, y: top + $0 * (rowHeight + Self.rowGap) + (rowHeight - swatch.height) / 2,
                      width: swatch.width, height: swatch.height)
        }
    }

    public func size(text: TextRenderer) -> PixelSize {
        let pad = panel?.padding ?? 0
        let labelWidth = entries.map { text.measure($0.label, pixelSize: labelStyle.pixelSize).width }.max() ?? 0
        let captionWidth = text.measure(caption, pixelSize: captionStyle.pixelSize).width
        let width = max(Double(swatch.width + Self.labelGap) + labelWidth, captionWidth).rounded(.up)
        let rows = entries.count * rowHeight(text: text) + max(0, entries.count - 1) * Self.rowGap
        return PixelSize(width: Int(width) + 2 * pad, height: captionHeight(text: text) + rows + 2 * pad)
    }

    public func draw(on image: inout RGBAImage, at topLeft: PixelPoint, text: TextRenderer) {
        let size = size(text: text)
        if let panel { image.draw(panel, in: PixelRect(x: topLeft.x, y: topLeft.y, width: size.width, height: size.height)) }
        let pad = panel?.padding ?? 0
        if !caption.isEmpty {
            let ascent = text.measure(caption, pixelSize: captionStyle.pixelSize).ascent
            image.draw(caption, at: Point(x: Double(topLeft.x + pad), y: Double(topLeft.y + pad) + ascent.rounded()),
                       style: captionStyle, renderer: text)
        }
        for (entry, box) in zip(entries, swatches(text: text)) {
            let rect = PixelRect(x: topLeft.x + box.x, y: topLeft.y + box.y, width: box.width, height: box.height)
            image.fill(rect, color: entry.color)
            image.frame(rect, color: RGBA(90, 90, 90))
            let extent = text.measure(entry.label, pixelSize: labelStyle.pixelSize)
            let baseline = Double(rect.y) + centredBaseline(extent, inHeight: Double(rect.height))
            image.draw(entry.label, at: Point(x: Double(rect.maxX + Self.labelGap), y: baseline.rounded()),
                       style: labelStyle, renderer: text)
        }
    }

    private func rowHeight(text: TextRenderer) -> Int {
        let labelHeight = text.measure("0", pixelSize: labelStyle.pixelSize).height
        return max(swatch.height, Int(labelHeight.rounded(.up)))
    }

    private func captionHeight(text: TextRenderer) -> Int {
        guard !caption.isEmpty else { return 0 }
        return Int(text.measure(caption, pixelSize: captionStyle.pixelSize).height.rounded(.up)) + Self.captionGap
    }
}
