import GeoCore

// Charts for briefings: a Lorenz curve of incident concentration and a bar chart of values per period. Both lay
// everything out first (`layout(size:text:)`: the plot rectangle and every line of text with the box it covers),
// then paint it (`render(size:text:)`) on a white image the caller encodes as PNG. Text sizes follow the image
// size, so a 2400 × 1600 chart reads like a 1200 × 800 one. Titles and axis labels come from the caller, in
// Chinese or English; Render only needs a `GlyphSource` that has the characters (ImageBridge's `FontFace`).

/// One line of text placed on a chart.
public struct ChartLabel: Sendable, Equatable {
    public var text: String
    /// The pen position on the baseline, at the left end, centre or right end per `alignment`.
    public var baseline: Point
    public var alignment: TextAlignment
    public var style: TextStyle
    /// The box the text's extent covers (ascent to descent, advance width).
    public var box: PixelRect
}

/// Colours and proportions shared by the charts.
public struct ChartStyle: Sendable, Equatable {
    public var background: RGBA
    public var title: RGBA
    public var subtitle: RGBA
    /// Axis titles, tick labels and legend text.
    public var label: RGBA
    public var axis: RGBA
    public var gridline: RGBA
    /// Text sizes scale with this: 1 gives 16-pixel labels on a 1200 × 800 image.
    public var textScale: Double

    public init(background: RGBA = .white, title: RGBA = RGBA(25, 25, 30), subtitle: RGBA = RGBA(95, 95, 100),
                label: RGBA = RGBA(60, 60, 66), axis: RGBA = RGBA(90, 90, 96), gridline: RGBA = RGBA(226, 228, 232),
                textScale: Double = 1) {
        self.background = background
        self.title = title
        self.subtitle = subtitle
        self.label = label
        self.axis = axis
        self.gridline = gridline
        self.textScale = textScale
    }

    /// The base text size in pixels for an image of `size`: 16 at 1200 × 800, at least 10.
    func unit(for size: PixelSize) -> Int {
        let reference = Double(min(size.width, size.height * 3 / 2)) / 75
        return max(10, Int((reference * textScale).rounded()))
    }
}

/// Fixed pieces of chart layout, in units of the base text size.
private struct ChartMetrics {
    let unit: Int
    let margin: Int
    let titleStyle: TextStyle
    let subtitleStyle: TextStyle
    let axisTitleStyle: TextStyle
    let tickStyle: TextStyle
    let legendStyle: TextStyle
    let tickLength: Int
    let gap: Int

    init(size: PixelSize, style: ChartStyle) {
        let unit = style.unit(for: size)
        self.unit = unit
        margin = max(8, unit * 3 / 2)
        titleStyle = TextStyle(pixelSize: unit * 8 / 5, color: style.title)
        subtitleStyle = TextStyle(pixelSize: max(9, unit), color: style.subtitle)
        axisTitleStyle = TextStyle(pixelSize: max(9, unit), color: style.label)
        tickStyle = TextStyle(pixelSize: max(9, unit * 15 / 16), color: style.label)
        legendStyle = TextStyle(pixelSize: max(9, unit * 15 / 16), color: style.label)
        tickLength = max(4, unit / 3)
        gap = max(4, unit / 2)
    }
}

/// Lays out single lines of text: measures them, shrinks them to fit a width, records where they go.
private struct LabelSetter {
    let text: TextRenderer
    var labels: [ChartLabel] = []

    init(text: TextRenderer) { self.text = text }

    /// `string` and `style` made to fit `maxWidth`: the size reduced by up to 30 % (not below 8 pixels), then,
    /// if that is not enough, the text cut short with "…".
    func fit(_ string: String, style: TextStyle, maxWidth: Double) -> (String, TextStyle) {
        var style = style
        let smallest = max(8, min(style.pixelSize, Int((Double(style.pixelSize) * 0.7).rounded(.up))))
        while style.pixelSize > smallest && text.measure(string, pixelSize: style.pixelSize).width > maxWidth {
            style.pixelSize -= 1
        }
        guard text.measure(string, pixelSize: style.pixelSize).width > maxWidth else { return (string, style) }
        var characters = Array(string)
        while !characters.isEmpty && text.measure(String(characters) + "…", pixelSize: style.pixelSize).width > maxWidth {
            characters.removeLast()
        }
        return (String(characters) + "…", style)
    }

    func extent(_ string: String, _ style: TextStyle) -> TextExtent { text.measure(string, pixelSize: style.pixelSize) }

    /// Places a line with its baseline at `y`; returns its box.
    @discardableResult
    mutating func place(_ string: String, x: Double, baseline y: Double, alignment: TextAlignment = .left,
                        style: TextStyle) -> PixelRect {
        let extent = extent(string, style)
        let left: Double
        switch alignment {
        case .left: left = x
        case .center: left = x - extent.width / 2
        case .right: left = x - extent.width
        }
        let box = PixelRect(x: Int(left.rounded()), y: Int(y.rounded()) - Int(extent.ascent.rounded(.up)),
                            width: Int(extent.width.rounded(.up)), height: Int(extent.height.rounded(.up)))
        labels.append(ChartLabel(text: string, baseline: Point(x: x.rounded(), y: y.rounded()), alignment: alignment,
                                 style: style, box: box))
        return box
    }

    /// Places a line whose box has its top at `top`; returns its box.
    @discardableResult
    mutating func place(_ string: String, x: Double, top: Double, alignment: TextAlignment = .left,
                        style: TextStyle) -> PixelRect {
        place(string, x: x, baseline: top + extent(string, style).ascent.rounded(.up), alignment: alignment, style: style)
    }
}

extension RGBAImage {
    fileprivate mutating func draw(_ label: ChartLabel, text: TextRenderer) {
        draw(label.text, at: label.baseline, alignment: label.alignment, style: label.style, renderer: text)
    }

    /// Strokes `points` as dashes `dash` pixels long with `gap` pixels between them, measured along the line.
    mutating func strokeDashed(_ points: [Point], lineWidth: Double, dash: Double, gap: Double, color: RGBA) {
        guard points.count >= 2, dash > 0, gap >= 0 else { return }
        var current: [Point] = [points[0]]
        var drawing = true
        var left = dash  // length left in the current dash or gap
        for (a, b) in zip(points, points.dropFirst()) {
            let length = ((b.x - a.x) * (b.x - a.x) + (b.y - a.y) * (b.y - a.y)).squareRoot()
            var done = 0.0
            while length - done > left {
                done += left
                let t = done / length
                let p = Point(x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t)
                if drawing {
                    current.append(p)
                    stroke(current, lineWidth: lineWidth, color: color)
                    current = []
                } else {
                    current = [p]
                }
                drawing.toggle()
                left = drawing ? dash : gap
            }
            left -= length - done
            if drawing { current.append(b) }
        }
        if drawing && current.count >= 2 { stroke(current, lineWidth: lineWidth, color: color) }
    }
}

/// Drops points closer than `tolerance` pixels to the last point kept (the last point is always kept), so a
/// curve of a million places costs what its pixels do.
private func thinned(_ points: [Point], tolerance: Double = 0.5) -> [Point] {
    guard points.count > 2 else { return points }
    var kept = [points[0]]
    for p in points.dropFirst().dropLast() {
        let q = kept[kept.count - 1]
        if abs(p.x - q.x) >= tolerance || abs(p.y - q.y) >= tolerance { kept.append(p) }
    }
    kept.append(points[points.count - 1])
    return kept
}

// MARK: - Lorenz curve

/// A Lorenz curve of incident concentration: the share of incidents (vertical) held by the share of places with
/// the fewest incidents (horizontal), both 0–100 %, against the diagonal of perfect equality and, when there are
/// fewer incidents than places, Bernasco & Steenbeek's line of maximal equality. The area between the diagonal
/// and the curve is shaded; notes (the Gini coefficients, as the caller words them) and a legend go beside the
/// plot, or inside its empty upper-left corner when the image is too narrow.
public struct LorenzChart: Sendable {
    /// The curve: x the cumulative share of places, y the cumulative share of incidents, both 0...1, from (0, 0)
    /// to (1, 1) with places sorted ascending by count (as Stats' `Concentration.lorenz` gives it).
    public var curve: [Point]
    /// N/n, incidents over places, when it is below 1: the line of maximal equality is then drawn, flat to
    /// 1 − N/n and straight up to (1, 1). `nil` (or 1 and above) draws none.
    public var maximalEqualityShare: Double?
    public var title: String
    public var subtitle: String?
    /// Under the horizontal axis, e.g. "cumulative share of cells (fewest incidents first)" / "网格累计占比".
    public var placesAxisTitle: String
    /// Above the vertical axis, e.g. "cumulative share of incidents" / "事件累计占比".
    public var incidentsAxisTitle: String
    /// Lines of text in the notes box, e.g. ["Gini 0.66", "generalized Gini G′ 0.58"].
    public var notes: [String]
    /// Legend text for the curve, the diagonal and the line of maximal equality.
    public var curveLabel: String
    public var equalityLabel: String
    public var maximalEqualityLabel: String
    public var curveColor: RGBA
    public var equalityColor: RGBA
    public var maximalEqualityColor: RGBA
    /// Shade the area between the diagonal and the curve (the Gini is twice its area).
    public var shadesGiniArea: Bool
    public var style: ChartStyle

    public init(curve: [Point], maximalEqualityShare: Double? = nil, title: String, subtitle: String? = nil,
                placesAxisTitle: String, incidentsAxisTitle: String, notes: [String] = [],
                curveLabel: String = "Lorenz curve", equalityLabel: String = "Perfect equality",
                maximalEqualityLabel: String = "Maximal equality (one incident per place)",
                curveColor: RGBA = RGBA(hex: 0x1F5FA8), equalityColor: RGBA = RGBA(hex: 0x8C9096),
                maximalEqualityColor: RGBA = RGBA(hex: 0xD9730D), shadesGiniArea: Bool = true,
                style: ChartStyle = ChartStyle()) {
        self.curve = curve
        self.maximalEqualityShare = maximalEqualityShare
        self.title = title
        self.subtitle = subtitle
        self.placesAxisTitle = placesAxisTitle
        self.incidentsAxisTitle = incidentsAxisTitle
        self.notes = notes
        self.curveLabel = curveLabel
        self.equalityLabel = equalityLabel
        self.maximalEqualityLabel = maximalEqualityLabel
        self.curveColor = curveColor
        self.equalityColor = equalityColor
        self.maximalEqualityColor = maximalEqualityColor
        self.shadesGiniArea = shadesGiniArea
        self.style = style
    }

    /// Where everything goes on an image of `size`.
    public struct Layout: Sendable {
        public let size: PixelSize
        /// The square plot: share 0 at its left and bottom edges, 1 at its right and top edges.
        public let plot: PixelRect
        /// The box holding the notes and the legend.
        public let key: PixelRect
        /// Whether `key` lies inside the plot (its upper-left corner) rather than beside it.
        public let keyInsidePlot: Bool
        /// Every line of text, titles, ticks, notes and legend.
        public let labels: [ChartLabel]
        /// The legend's line samples, one per legend entry: (from, to) in pixels.
        let legendSamples: [(Point, Point)]

        /// The pixel position of shares (`places`, `incidents`), continuous coordinates.
        public func pixel(places: Double, incidents: Double) -> Point {
            Point(x: Double(plot.x) + places * Double(plot.width), y: Double(plot.maxY) - incidents * Double(plot.height))
        }
    }

    var drawsMaximalEquality: Bool { (maximalEqualityShare ?? 1) < 1 && (maximalEqualityShare ?? 0) > 0 }

    private var legendEntries: [String] {
        [curveLabel, equalityLabel] + (drawsMaximalEquality ? [maximalEqualityLabel] : [])
    }

    public func layout(size: PixelSize = PixelSize(width: 1200, height: 800), text: TextRenderer) -> Layout {
        let m = ChartMetrics(size: size, style: style)
        var setter = LabelSetter(text: text)
        let innerWidth = Double(size.width - 2 * m.margin)
        let ticks = stride(from: 0, through: 100, by: 20).map { $0 }
        let tickLabels = ticks.map { "\($0)%" }
        let tickWidth = tickLabels.map { setter.extent($0, m.tickStyle).width }.max() ?? 0
        let tickHeight = setter.extent("0", m.tickStyle).height
        let yAxisWidth = Int(tickWidth.rounded(.up)) + m.tickLength + m.gap

        // Header: title, subtitle, then the vertical axis title just above the plot.
        let (title, titleStyle) = setter.fit(self.title, style: m.titleStyle, maxWidth: innerWidth)
        let subtitle = (self.subtitle ?? "").isEmpty ? nil
            : setter.fit(self.subtitle ?? "", style: m.subtitleStyle, maxWidth: innerWidth)
        var top = Double(m.margin)
        let titleExtent = setter.extent(title, titleStyle)
        top += titleExtent.height.rounded(.up)
        if let subtitle { top += Double(m.gap / 2) + setter.extent(subtitle.0, subtitle.1).height.rounded(.up) }
        top += Double(m.unit)
        let (yTitle, yTitleStyle) = setter.fit(incidentsAxisTitle, style: m.axisTitleStyle, maxWidth: innerWidth)
        let yTitleHeight = setter.extent(yTitle, yTitleStyle).height.rounded(.up)
        let plotTop = Int(top + yTitleHeight) + m.gap + Int((tickHeight / 2).rounded(.up))
        // Footer: tick labels, the horizontal axis title.
        let (xTitle, xTitleStyle) = setter.fit(placesAxisTitle, style: m.axisTitleStyle, maxWidth: innerWidth)
        let footer = m.tickLength + m.gap + Int(tickHeight.rounded(.up)) + m.gap
            + Int(setter.extent(xTitle, xTitleStyle).height.rounded(.up)) + m.margin
        let availableHeight = size.height - plotTop - footer

        // The key: notes, then the legend entries with their line samples.
        let notesStyle = TextStyle(pixelSize: max(10, m.unit * 9 / 8), color: style.title)
        let sampleLength = m.unit * 2, sampleGap = m.gap
        let keyPadding = m.unit * 3 / 4
        let noteWidths = notes.map { setter.extent($0, notesStyle).width }
        let entryWidths = legendEntries.map { Double(sampleLength + sampleGap) + setter.extent($0, m.legendStyle).width }
        let keyContentWidth = Int(((noteWidths + entryWidths).max() ?? 0).rounded(.up))
        let noteLine = Int((setter.extent("0", notesStyle).height * 1.3).rounded())
        let entryLine = Int((setter.extent("0", m.legendStyle).height * 1.45).rounded())
        let notesHeight = notes.count * noteLine
        let keyContentHeight = notesHeight + (notes.isEmpty ? 0 : m.gap) + legendEntries.count * entryLine
        let keySize = PixelSize(width: keyContentWidth + 2 * keyPadding, height: keyContentHeight + 2 * keyPadding)

        // The plot is square; the key goes beside it when that leaves the plot at least 85 % of the height.
        let sideGap = m.unit * 2
        let besideWidth = Int(innerWidth) - yAxisWidth - sideGap - keySize.width
        let keyBeside = besideWidth >= Int(Double(availableHeight) * 0.85) && besideWidth > 0
        let side = max(20, min(availableHeight, keyBeside ? besideWidth : Int(innerWidth) - yAxisWidth))
        let groupWidth = yAxisWidth + side + (keyBeside ? sideGap + keySize.width : 0)
        let left = m.margin + max(0, (Int(innerWidth) - groupWidth) / 2)
        let plot = PixelRect(x: left + yAxisWidth, y: plotTop, width: side, height: side)

        // Now the text, top to bottom.
        // Header lines start where the y-axis labels do, moved left when they would run off the image.
        func headerLeft(_ string: String, _ style: TextStyle) -> Double {
            max(Double(m.margin), min(Double(left), Double(size.width - m.margin) - setter.extent(string, style).width))
        }
        var y = Double(m.margin)
        setter.place(title, x: headerLeft(title, titleStyle), top: y, style: titleStyle)
        y += titleExtent.height.rounded(.up)
        if let subtitle {
            setter.place(subtitle.0, x: headerLeft(subtitle.0, subtitle.1), top: y + Double(m.gap / 2), style: subtitle.1)
        }
        setter.place(yTitle, x: headerLeft(yTitle, yTitleStyle), top: top, style: yTitleStyle)
        for (value, label) in zip(ticks, tickLabels) {
            let share = Double(value) / 100
            let row = Double(plot.maxY) - share * Double(plot.height)
            let extent = setter.extent(label, m.tickStyle)
            setter.place(label, x: Double(plot.x - m.tickLength - m.gap), baseline: row - extent.height / 2 + extent.ascent,
                         alignment: .right, style: m.tickStyle)
            let column = Double(plot.x) + share * Double(plot.width)
            setter.place(label, x: column, top: Double(plot.maxY + m.tickLength + m.gap), alignment: .center,
                         style: m.tickStyle)
        }
        let xTitleTop = Double(plot.maxY + m.tickLength + m.gap) + tickHeight.rounded(.up) + Double(m.gap)
        // Centred under the plot, moved in if it would run off the image.
        let xTitleWidth = setter.extent(xTitle, xTitleStyle).width
        let xTitleCentre = min(max(Double(plot.x) + Double(plot.width) / 2, Double(m.margin) + xTitleWidth / 2),
                               Double(size.width - m.margin) - xTitleWidth / 2)
        setter.place(xTitle, x: xTitleCentre, top: xTitleTop, alignment: .center, style: xTitleStyle)

        let key = keyBeside
            ? PixelRect(x: plot.maxX + sideGap, y: plot.y, width: keySize.width, height: keySize.height)
            : PixelRect(x: plot.x + m.unit, y: plot.y + m.unit, width: keySize.width, height: keySize.height)
        var lineTop = Double(key.y + keyPadding)
        let contentLeft = Double(key.x + keyPadding)
        for note in notes {
            let extent = setter.extent(note, notesStyle)
            setter.place(note, x: contentLeft, baseline: lineTop + (Double(noteLine) - extent.height) / 2 + extent.ascent,
                         style: notesStyle)
            lineTop += Double(noteLine)
        }
        if !notes.isEmpty { lineTop += Double(m.gap) }
        var samples: [(Point, Point)] = []
        for entry in legendEntries {
            let extent = setter.extent(entry, m.legendStyle)
            let middle = lineTop + Double(entryLine) / 2
            samples.append((Point(x: contentLeft, y: middle), Point(x: contentLeft + Double(sampleLength), y: middle)))
            setter.place(entry, x: contentLeft + Double(sampleLength + sampleGap),
                         baseline: middle - extent.height / 2 + extent.ascent, style: m.legendStyle)
            lineTop += Double(entryLine)
        }
        return Layout(size: size, plot: plot, key: key, keyInsidePlot: !keyBeside, labels: setter.labels,
                      legendSamples: samples)
    }

    /// The chart on a new image of `size`.
    public func render(size: PixelSize = PixelSize(width: 1200, height: 800), text: TextRenderer) -> RGBAImage {
        let layout = layout(size: size, text: text)
        let m = ChartMetrics(size: size, style: style)
        var image = RGBAImage(width: size.width, height: size.height, fill: style.background)
        let plot = layout.plot
        let curveWidth = max(2, Double(m.unit) / 5.5), guideWidth = max(1.5, Double(m.unit) / 9)
        let dash = Double(m.unit) * 0.55, dashGap = Double(m.unit) * 0.35

        // Gridlines every 20 %, ticks outside the plot. Share 0 is the axes' column left of the plot and row
        // below it; share 1 the plot's last column and first row.
        for step in 0...5 {
            let share = Double(step) / 5
            let column = plot.x - 1 + Int((share * Double(plot.width)).rounded())
            let row = plot.maxY - Int((share * Double(plot.height)).rounded())
            if step > 0 {
                image.fill(PixelRect(x: column, y: plot.y, width: 1, height: plot.height), color: style.gridline)
                image.fill(PixelRect(x: plot.x, y: row, width: plot.width, height: 1), color: style.gridline)
            }
            image.fill(PixelRect(x: column, y: plot.maxY + 1, width: 1, height: m.tickLength), color: style.axis)
            image.fill(PixelRect(x: plot.x - 1 - m.tickLength, y: row, width: m.tickLength, height: 1), color: style.axis)
        }

        let points = thinned(curve.map { layout.pixel(places: min(1, max(0, $0.x)), incidents: min(1, max(0, $0.y))) })
        if shadesGiniArea && points.count >= 2 {
            // The curve, closed back to its start along the diagonal.
            let shade = RGBA(curveColor.r, curveColor.g, curveColor.b, 38)
            image.fill(rings: [points + [layout.pixel(places: 1, incidents: 1), layout.pixel(places: 0, incidents: 0)]],
                       color: shade)
        }
        image.strokeDashed([layout.pixel(places: 0, incidents: 0), layout.pixel(places: 1, incidents: 1)],
                           lineWidth: guideWidth, dash: dash, gap: dashGap, color: equalityColor)
        if drawsMaximalEquality, let share = maximalEqualityShare {
            image.strokeDashed([layout.pixel(places: 0, incidents: 0), layout.pixel(places: 1 - share, incidents: 0),
                                layout.pixel(places: 1, incidents: 1)],
                               lineWidth: guideWidth, dash: dash, gap: dashGap, color: maximalEqualityColor)
        }
        // Axes over the gridlines and guides, under the curve.
        image.fill(PixelRect(x: plot.x - 1, y: plot.y, width: 1, height: plot.height + 1), color: style.axis)
        image.fill(PixelRect(x: plot.x - 1, y: plot.maxY, width: plot.width + 1, height: 1), color: style.axis)
        if points.count >= 2 { image.stroke(points, lineWidth: curveWidth, color: curveColor) }

        if layout.keyInsidePlot {
            image.draw(Panel(fill: RGBA(255, 255, 255, 235), border: style.gridline, padding: 0), in: layout.key)
        }
        let legendStyles: [(RGBA, Bool)] = [(curveColor, false), (equalityColor, true), (maximalEqualityColor, true)]
        for ((from, to), (color, dashed)) in zip(layout.legendSamples, legendStyles) {
            if dashed {
                image.strokeDashed([from, to], lineWidth: guideWidth, dash: dash, gap: dashGap, color: color)
            } else {
                image.stroke([from, to], lineWidth: curveWidth, color: color)
            }
        }
        for label in layout.labels { image.draw(label, text: text) }
        return image
    }
}

// MARK: - Bars per period

/// A bar chart of values per period ("2026-W14", "2026-04"), one bar per period for each series, side by side
/// (this period against the last, or the same weeks a year before), on a value axis of round steps with light
/// gridlines. Period labels that would collide are thinned out, always keeping the latest period's; values are
/// written above the bars when they fit.
public struct BarChart: Sendable {
    public struct Series: Sendable, Equatable {
        /// The legend text, e.g. "本周" / "this year"; the legend is drawn when there are two or more series.
        public var name: String
        /// One value per period, parallel to `BarChart.periods`.
        public var values: [Double]
        /// `nil` takes the next colour of `BarChart.palette`.
        public var color: RGBA?

        public init(name: String, values: [Double], color: RGBA? = nil) {
            self.name = name
            self.values = values
            self.color = color
        }
    }

    /// Colours for series without their own: a strong blue, a warm orange, a green, a muted red.
    public static let palette = [RGBA(hex: 0x1F5FA8), RGBA(hex: 0xE8833A), RGBA(hex: 0x3A9B5C), RGBA(hex: 0xC0504D)]

    /// The labels under the bars, one per period.
    public var periods: [String]
    public var series: [Series]
    public var title: String
    public var subtitle: String?
    /// Above the value axis, e.g. "incidents" / "事件数（起）".
    public var valueAxisTitle: String
    /// Under the period labels, e.g. "week"; `nil` or empty for none.
    public var periodAxisTitle: String?
    /// Write each bar's value above it (when every value fits over its bar).
    public var showsValues: Bool
    /// Decimals in the value labels and tick labels at most.
    public var maximumDecimals: Int
    public var style: ChartStyle

    public init(periods: [String], series: [Series], title: String, subtitle: String? = nil, valueAxisTitle: String,
                periodAxisTitle: String? = nil, showsValues: Bool = true, maximumDecimals: Int = 1,
                style: ChartStyle = ChartStyle()) {
        precondition(series.allSatisfy { $0.values.count == periods.count }, "one value per period in every series")
        self.periods = periods
        self.series = series
        self.title = title
        self.subtitle = subtitle
        self.valueAxisTitle = valueAxisTitle
        self.periodAxisTitle = periodAxisTitle
        self.showsValues = showsValues
        self.maximumDecimals = maximumDecimals
        self.style = style
    }

    /// One drawn bar.
    public struct Bar: Sendable, Equatable {
        public let period: Int
        public let series: Int
        public let value: Double
        /// Whole pixels; zero height for a zero value.
        public let rect: PixelRect
    }

    /// Where everything goes on an image of `size`.
    public struct Layout: Sendable {
        public let size: PixelSize
        public let plot: PixelRect
        /// The value axis runs from `axisRange.lowerBound` at the plot's bottom to `axisRange.upperBound` at its top.
        public let axisRange: ClosedRange<Double>
        public let ticks: [Double]
        /// The row of pixels just below the bars standing on zero (bars fill the rows above it).
        public let zeroRow: Int
        public let bars: [Bar]
        /// Indices of the periods whose labels are drawn.
        public let labelledPeriods: [Int]
        public let labels: [ChartLabel]
        /// Legend swatches, one per series when there are two or more.
        public let swatches: [PixelRect]

        /// The pixel row (continuous) of `value` on the value axis.
        public func row(of value: Double) -> Double {
            let span = axisRange.upperBound - axisRange.lowerBound
            return Double(plot.maxY) - (value - axisRange.lowerBound) / span * Double(plot.height)
        }
    }

    func color(ofSeries index: Int) -> RGBA { series[index].color ?? Self.palette[index % Self.palette.count] }

    /// The value axis: round steps from NiceNumbers covering 0 and every value, with room for a value label
    /// above the tallest bar.
    static func axis(low: Double, high: Double, headroom: Double) -> (range: ClosedRange<Double>, step: Double) {
        var low = min(0, low), high = max(0, high)
        if high - low <= 0 { high = 1 }
        var step = NiceNumbers.step(span: high - low, count: 5)
        low = (low / step).rounded(.down) * step
        var top = (high / step).rounded(.up) * step
        // The tallest bar's value label needs `headroom` (a share of the axis) above it.
        if high > 0 && (top - high) / (top - low) < headroom { top += step }
        // Keep 3 to 7 intervals.
        if (top - low) / step > 7.5 { step *= 2; top = (top / step).rounded(.up) * step; low = (low / step).rounded(.down) * step }
        return (low...top, step)
    }

    public func layout(size: PixelSize = PixelSize(width: 1200, height: 800), text: TextRenderer) -> Layout {
        let m = ChartMetrics(size: size, style: style)
        var setter = LabelSetter(text: text)
        let innerWidth = Double(size.width - 2 * m.margin)
        let values = series.flatMap(\.values).filter(\.isFinite)
        let valueStyle = TextStyle(pixelSize: max(10, m.unit * 13 / 16), color: style.label)

        // Header.
        var top = Double(m.margin)
        let (title, titleStyle) = setter.fit(self.title, style: m.titleStyle, maxWidth: innerWidth)
        setter.place(title, x: Double(m.margin), top: top, style: titleStyle)
        top += setter.extent(title, titleStyle).height.rounded(.up)
        if let fullSubtitle = self.subtitle, !fullSubtitle.isEmpty {
            let (subtitle, subtitleStyle) = setter.fit(fullSubtitle, style: m.subtitleStyle, maxWidth: innerWidth)
            top += Double(m.gap / 2)
            setter.place(subtitle, x: Double(m.margin), top: top, style: subtitleStyle)
            top += setter.extent(subtitle, subtitleStyle).height.rounded(.up)
        }
        top += Double(m.unit)

        // Legend, right-aligned on the line of the value axis title; the axis title gets what is left.
        var swatches: [PixelRect] = []
        let legendHeight = setter.extent("0", m.legendStyle).height.rounded(.up)
        let swatchSide = max(8, m.unit * 3 / 4)
        var legendWidth = 0.0
        if series.count >= 2 {
            // At most 60 % of the width: longer names get a smaller size.
            let names = series.map(\.name)
            func width(_ style: TextStyle) -> Double {
                names.map { Double(swatchSide + m.gap) + setter.extent($0, style).width }.reduce(0, +)
                    + Double(m.unit * (names.count - 1))
            }
            var legendStyle = m.legendStyle
            while legendStyle.pixelSize > 8 && width(legendStyle) > innerWidth * 0.6 { legendStyle.pixelSize -= 1 }
            legendWidth = width(legendStyle)
            var x = Double(size.width - m.margin) - legendWidth
            for name in names {
                let swatch = PixelRect(x: Int(x.rounded()), y: Int(top + (legendHeight - Double(swatchSide)) / 2),
                                       width: swatchSide, height: swatchSide)
                swatches.append(swatch)
                let extent = setter.extent(name, legendStyle)
                setter.place(name, x: Double(swatch.maxX + m.gap),
                             baseline: top + (legendHeight - extent.height) / 2 + extent.ascent, style: legendStyle)
                x = Double(swatch.maxX + m.gap) + extent.width + Double(m.unit)
            }
        }
        let (yTitle, yTitleStyle) = setter.fit(valueAxisTitle, style: m.axisTitleStyle,
                                               maxWidth: innerWidth - legendWidth - Double(m.unit))
        setter.place(yTitle, x: Double(m.margin), top: top, style: yTitleStyle)
        top += max(legendHeight, setter.extent(yTitle, yTitleStyle).height.rounded(.up)) + Double(m.gap)

        // Footer: period labels and the optional axis title.
        let periodStyle = m.tickStyle
        let periodHeight = setter.extent("0", periodStyle).height.rounded(.up)
        let hasPeriodTitle = !(periodAxisTitle ?? "").isEmpty
        let (periodTitle, periodTitleStyle) = setter.fit(periodAxisTitle ?? "", style: m.axisTitleStyle, maxWidth: innerWidth)
        let footer = Double(m.tickLength + m.gap) + periodHeight
            + (hasPeriodTitle ? Double(m.gap) + setter.extent(periodTitle, periodTitleStyle).height.rounded(.up) : 0)
            + Double(m.margin)
        let tickHalf = (setter.extent("0", m.tickStyle).height / 2).rounded(.up)
        let plotTop = Int(top + tickHalf)
        let plotHeight = max(10, size.height - plotTop - Int(footer.rounded(.up)))

        // The value axis, then the width of its labels.
        let valueLabelShare = showsValues ? (setter.extent("0", valueStyle).height + Double(m.gap)) / Double(plotHeight) : 0
        let (range, step) = Self.axis(low: values.min() ?? 0, high: values.max() ?? 0, headroom: valueLabelShare)
        let decimals = min(maximumDecimals, NiceNumbers.decimals(forStep: step))
        var ticks: [Double] = []
        var k = (range.lowerBound / step).rounded()
        while k * step <= range.upperBound + step * 1e-9 {
            let v = k * step
            ticks.append(v == 0 ? 0 : v)
            k += 1
        }
        let tickLabels = ticks.map { NiceNumbers.format($0, maximumDecimals: decimals) }
        let tickWidth = tickLabels.map { setter.extent($0, m.tickStyle).width }.max() ?? 0
        let plotLeft = m.margin + Int(tickWidth.rounded(.up)) + m.tickLength + m.gap
        let plot = PixelRect(x: plotLeft, y: plotTop, width: max(10, size.width - m.margin - plotLeft), height: plotHeight)
        let span = range.upperBound - range.lowerBound
        func row(_ v: Double) -> Double { Double(plot.maxY) - (v - range.lowerBound) / span * Double(plot.height) }
        let zeroRow = Int(row(0).rounded())
        for (value, label) in zip(ticks, tickLabels) {
            let extent = setter.extent(label, m.tickStyle)
            setter.place(label, x: Double(plot.x - m.tickLength - m.gap),
                         baseline: row(value).rounded() - extent.height / 2 + extent.ascent, alignment: .right,
                         style: m.tickStyle)
        }

        // Bars: each period a slot; the group of bars takes 70 % of it (60 % for one series).
        let count = max(1, periods.count)
        let slot = Double(plot.width) / Double(count)
        let groupShare = series.count >= 2 ? 0.72 : 0.6
        let seriesCount = max(1, series.count)
        let barGap = series.count >= 2 && slot * groupShare / Double(seriesCount) > 12 ? 2.0 : 0
        var bars: [Bar] = []
        for period in periods.indices {
            let groupLeft = Double(plot.x) + slot * Double(period) + slot * (1 - groupShare) / 2
            let barWidth = slot * groupShare / Double(seriesCount)
            // Every bar equally wide in whole pixels.
            let pixelWidth = max(1, Int((barWidth - barGap).rounded()))
            for (s, serie) in series.enumerated() {
                let value = serie.values[period].isFinite ? serie.values[period] : 0
                let x0 = Int((groupLeft + barWidth * Double(s) + barGap / 2).rounded())
                let x1 = x0 + pixelWidth
                let end = Int(row(value).rounded())
                let rect = value >= 0 ? PixelRect(x: x0, y: end, width: x1 - x0, height: zeroRow - end)
                    : PixelRect(x: x0, y: zeroRow + 1, width: x1 - x0, height: max(0, end - zeroRow - 1))
                bars.append(Bar(period: period, series: s, value: value, rect: rect))
            }
        }
        // Values above (or below, for negatives) the bars, if every one fits over its bar.
        if showsValues {
            let texts = bars.map { NiceNumbers.format($0.value, maximumDecimals: maximumDecimals) }
            let fits = zip(bars, texts).allSatisfy { bar, text -> Bool in
                // No wider than the bar plus a little, with clear space to the next bar's value.
                let width = setter.extent(text, valueStyle).width
                return width <= Double(bar.rect.width + m.gap) && width <= slot / Double(seriesCount) - Double(m.unit) / 2
            }
            if fits {
                for (bar, label) in zip(bars, texts) {
                    let centre = Double(bar.rect.x) + Double(bar.rect.width) / 2
                    if bar.value >= 0 {
                        setter.place(label, x: centre, baseline: Double(bar.rect.y - m.gap / 2)
                                        - setter.extent(label, valueStyle).descent.rounded(.up),
                                     alignment: .center, style: valueStyle)
                    } else {
                        setter.place(label, x: centre, top: Double(bar.rect.maxY + m.gap / 2), alignment: .center,
                                     style: valueStyle)
                    }
                }
            }
        }

        // Period labels: every `every`-th, counted back from the latest, so none collide.
        let widths = periods.map { setter.extent($0, periodStyle).width }
        let widest = widths.max() ?? 0
        let every = max(1, Int(((widest + Double(m.gap)) / slot).rounded(.up)))
        let labelTop = Double(plot.maxY + m.tickLength + m.gap)
        // Placed from the latest back, so the latest keeps its label when the image edge pushes it inwards.
        var placedLabels: [Int] = []
        var nextLeft = Double.infinity
        var periodLabels: [(String, Double)] = []
        for period in periods.indices.reversed() where (periods.count - 1 - period) % every == 0 {
            let centre = Double(plot.x) + slot * (Double(period) + 0.5)
            let half = widths[period] / 2
            // Kept inside the image at both ends.
            let x = min(max(centre, Double(m.margin) + half), Double(size.width - m.margin) - half)
            guard x + half + Double(m.gap) <= nextLeft else { continue }
            periodLabels.append((periods[period], x))
            nextLeft = x - half
            placedLabels.append(period)
        }
        placedLabels.reverse()
        for (label, x) in periodLabels.reversed() {
            setter.place(label, x: x, top: labelTop, alignment: .center, style: periodStyle)
        }
        if hasPeriodTitle {
            let half = setter.extent(periodTitle, periodTitleStyle).width / 2
            let centre = min(max(Double(plot.x) + Double(plot.width) / 2, Double(m.margin) + half),
                             Double(size.width - m.margin) - half)
            setter.place(periodTitle, x: centre, top: labelTop + periodHeight + Double(m.gap), alignment: .center,
                         style: periodTitleStyle)
        }
        return Layout(size: size, plot: plot, axisRange: range, ticks: ticks, zeroRow: zeroRow, bars: bars,
                      labelledPeriods: placedLabels, labels: setter.labels, swatches: swatches)
    }

    /// The chart on a new image of `size`.
    public func render(size: PixelSize = PixelSize(width: 1200, height: 800), text: TextRenderer) -> RGBAImage {
        let layout = layout(size: size, text: text)
        let m = ChartMetrics(size: size, style: style)
        var image = RGBAImage(width: size.width, height: size.height, fill: style.background)
        let plot = layout.plot
        for tick in layout.ticks {
            let row = Int(layout.row(of: tick).rounded())
            if tick != 0 {
                image.fill(PixelRect(x: plot.x, y: row, width: plot.width, height: 1), color: style.gridline)
            }
            image.fill(PixelRect(x: plot.x - 1 - m.tickLength, y: row, width: m.tickLength, height: 1), color: style.axis)
        }
        for bar in layout.bars { image.fill(bar.rect, color: color(ofSeries: bar.series)) }
        // The zero line over the bars' feet, and the value axis.
        image.fill(PixelRect(x: plot.x - 1, y: layout.zeroRow, width: plot.width + 1, height: 1), color: style.axis)
        image.fill(PixelRect(x: plot.x - 1, y: plot.y, width: 1, height: plot.height + 1), color: style.axis)
        let slot = Double(plot.width) / Double(max(1, periods.count))
        for period in layout.labelledPeriods {
            let column = Int((Double(plot.x) + slot * (Double(period) + 0.5)).rounded(.down))
            image.fill(PixelRect(x: column, y: plot.maxY + 1, width: 1, height: m.tickLength), color: style.axis)
        }
        for (index, swatch) in layout.swatches.enumerated() { image.fill(swatch, color: color(ofSeries: index)) }
        for label in layout.labels { image.draw(label, text: text) }
        return image
    }
}
