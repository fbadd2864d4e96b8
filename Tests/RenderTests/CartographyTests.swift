import GeoCore
import Projection
import Render
import Testing

/// A font whose every glyph is a solid block: `advance` wide, `ascent` tall with one pixel of side bearing, so
/// layout can be checked to the pixel without FreeType. Spaces have no ink.
struct BlockFont: GlyphSource {
    func metrics(pixelSize: Int) -> FontMetrics {
        FontMetrics(ascent: Double(pixelSize) * 0.75, descent: Double(pixelSize) * 0.25, lineHeight: Double(pixelSize))
    }

    func glyph(for scalar: Unicode.Scalar, pixelSize: Int) -> Glyph {
        // Wide (CJK) characters advance a full em, others half an em.
        let advance = scalar.value >= 0x2E80 ? pixelSize : pixelSize / 2
        if scalar == " " { return Glyph(width: 0, height: 0, coverage: [], left: 0, top: 0, advance: Double(advance)) }
        let width = advance - 2, height = pixelSize * 3 / 4
        return Glyph(width: width, height: height, coverage: [UInt8](repeating: 255, count: width * height),
                     left: 1, top: height, advance: Double(advance))
    }

    func kerning(between left: Unicode.Scalar, and right: Unicode.Scalar, pixelSize: Int) -> Double { 0 }
}

let blocks = TextRenderer(font: BlockFont())

/// The bounding box of pixels whose colour differs from `background`, or nil if none do.
func inkBox(_ image: RGBAImage, background: RGBA) -> PixelRect? {
    var minX = Int.max, minY = Int.max, maxX = -1, maxY = -1
    for y in 0..<image.height {
        for x in 0..<image.width where image[x, y] != background {
            minX = min(minX, x); maxX = max(maxX, x); minY = min(minY, y); maxY = max(maxY, y)
        }
    }
    return maxX < 0 ? nil : PixelRect(x: minX, y: minY, width: maxX - minX + 1, height: maxY - minY + 1)
}

struct TextLayoutTests {
    @Test func widthIsTheSumOfAdvances() {
        #expect(blocks.measure("嘉兴", pixelSize: 16).width == 32)
        #expect(blocks.measure("嘉兴市", pixelSize: 16).width == 48)
        #expect(blocks.measure("ab 1", pixelSize: 16).width == 32)
        #expect(blocks.measure("", pixelSize: 16).width == 0)
        let extent = blocks.measure("x", pixelSize: 20)
        #expect(extent.ascent == 15 && extent.descent == 5 && extent.height == 20)
    }

    @Test(arguments: [(TextAlignment.left, 20), (.center, 4), (.right, -12)])
    func alignmentShiftsTheInk(alignment: TextAlignment, expectedLeft: Int) {
        var image = RGBAImage(width: 64, height: 32, fill: .white)
        let box = image.draw("嘉兴", at: Point(x: 20, y: 20), alignment: alignment,
                             style: TextStyle(pixelSize: 16, color: .black), renderer: blocks)
        // Pen at expectedLeft; each block starts one pixel right of its pen position and is 14 wide, 12 tall.
        let visibleLeft = max(0, expectedLeft + 1)
        #expect(image[visibleLeft, 15] == .black)
        #expect(image[expectedLeft + 30, 15] == .black)
        #expect(image[expectedLeft + 32, 15] == .white)
        #expect(image[expectedLeft + 16, 15] == .white)  // the gap between the two blocks
        #expect(image[max(0, expectedLeft + 5), 8] == .black && image[max(0, expectedLeft + 5), 7] == .white)
        #expect(box == PixelRect(x: expectedLeft, y: 8, width: 32, height: 16))
    }

    @Test func haloSurroundsTheTextInItsOwnColour() {
        var image = RGBAImage(width: 40, height: 30, fill: RGBA(0, 0, 255))
        let style = TextStyle(pixelSize: 16, color: .black, halo: .white, haloRadius: 2)
        image.draw("a", at: Point(x: 10, y: 20), style: style, renderer: blocks)
        // The block covers x 11...16, y 8...19; the halo reaches two pixels further.
        #expect(image[13, 14] == .black)
        #expect(image[9, 14] == .white && image[18, 14] == .white && image[13, 6] == .white && image[13, 21] == .white)
        #expect(image[8, 14] == RGBA(0, 0, 255) && image[19, 14] == RGBA(0, 0, 255))
        #expect(image[13, 24] == RGBA(0, 0, 255))
    }

    @Test func textIsClippedAtTheImageEdge() {
        var image = RGBAImage(width: 8, height: 8, fill: .white)
        image.draw("嘉兴市", at: Point(x: -10, y: 30), style: TextStyle(pixelSize: 32), renderer: blocks)
        #expect(image[0, 7] == .black)
    }
}

struct NiceNumbersTests {
    @Test func formatsLabelsSensibly() {
        #expect(NiceNumbers.format(0) == "0")
        #expect(NiceNumbers.format(12.5) == "12.5")
        #expect(NiceNumbers.format(1250) == "1,250")
        #expect(NiceNumbers.format(1_234_567.891) == "1,234,567.89")
        #expect(NiceNumbers.format(-3) == "−3")
        #expect(NiceNumbers.format(-0.0001) == "0")
        #expect(NiceNumbers.format(0.125, maximumDecimals: 1) == "0.1")
        #expect(NiceNumbers.format(999.999, maximumDecimals: 2) == "1,000")
    }

    @Test func ticksAreRoundMultiples() {
        #expect(NiceNumbers.ticks(from: 0, to: 62) == [0, 20, 40, 60])
        #expect(NiceNumbers.ticks(from: 0, to: 50) == [0, 10, 20, 30, 40, 50])
        #expect(NiceNumbers.ticks(from: 0, to: 12.5) == [0, 2.5, 5, 7.5, 10, 12.5])
        #expect(NiceNumbers.ticks(from: 0, to: 0.3) == [0, 0.1, 0.2, 0.3])
        #expect(NiceNumbers.decimals(forStep: 2.5) == 1)
        #expect(NiceNumbers.decimals(forStep: 0.25) == 2)
        #expect(NiceNumbers.decimals(forStep: 50) == 0)
    }

    @Test func scaleBarLengthsAreOneTwoOrFiveTimesAPowerOfTen() {
        #expect(NiceNumbers.roundDown125(7500) == 5000)
        #expect(NiceNumbers.roundDown125(2000) == 2000)
        #expect(NiceNumbers.roundDown125(1999) == 1000)
        #expect(NiceNumbers.roundDown125(0.37) == 0.2)
    }
}

struct ScaleBarTests {
    /// The dark pixels of the bar's bottom border row: its length on the image.
    func drawnLength(_ bar: ScaleBar) -> Int {
        var image = RGBAImage(width: 400, height: 60, fill: .white)
        bar.draw(on: &image, at: PixelPoint(x: 0, y: 0), text: blocks)
        let rect = bar.barRect(text: blocks)
        let row = rect.maxY - 1
        let dark = (0..<image.width).filter { image[$0, row] == bar.labelStyle.color }
        #expect(dark.first == rect.x && dark.last == rect.maxX - 1, "the dark run is one piece")
        return dark.count
    }

    @Test func lengthInPixelsIsMetresOverPixelSize() {
        let fine = ScaleBar(pixelSize: 10, maximumPixels: 200, panel: nil)
        #expect(fine.metres == 2000 && fine.pixelLength == 200 && fine.label == "2 km")
        let coarse = ScaleBar(pixelSize: 37.5, maximumPixels: 200, panel: nil)
        #expect(coarse.metres == 5000 && coarse.pixelLength == 133 && coarse.label == "5 km")
        #expect(drawnLength(fine) == 200)
        #expect(drawnLength(coarse) == 133)
    }

    @Test func canvasPixelSizeIsHonoured() {
        let projection = TransverseMercator.utm(containing: Point(x: 120.75, y: 30.75))
        for (width, metres, pixels) in [(1000, 5000.0, 250), (400, 5000.0, 100)] {
            let canvas = MapCanvas(extent: BoundingBox(minX: 0, minY: 0, maxX: 20_000, maxY: 10_000), width: width,
                                   projection: projection)
            let bar = ScaleBar(canvas: canvas, maximumFraction: 0.25)
            #expect(bar.metres == metres)
            #expect(bar.pixelLength == pixels)
            #expect(Double(bar.pixelLength) == bar.metres / canvas.pixelSize)
        }
    }

    @Test func shortBarsAreLabelledInMetresWithTheCallersUnit() {
        let bar = ScaleBar(pixelSize: 2.5, maximumPixels: 240, metreUnit: "米", kilometreUnit: "公里")
        #expect(bar.metres == 500 && bar.label == "500 米")
        #expect(ScaleBar(pixelSize: 12.5, maximumPixels: 200, kilometreUnit: "公里").label == "2 公里")
    }
}

struct LegendTests {
    let legend = ColorRampLegend(colorMap: .viridis, scale: .linear, top: 100, caption: "incidents per km²",
                                 orientation: .vertical, barLength: 200, barThickness: 12,
                                 labelStyle: TextStyle(pixelSize: 10), panel: nil)

    @Test func tickOffsetsAreProportionalToValues() throws {
        let layout = legend.layout(text: blocks)
        #expect(layout.ticks.map(\.value) == [0, 20, 40, 60, 80, 100])
        #expect(layout.ticks.map(\.label) == ["0", "20", "40", "60", "80", "100"])
        for tick in layout.ticks { #expect(abs(tick.offset - tick.value * 2) < 1e-9) }
        // A square-root scale moves the ticks where the shading puts those values.
        var sqrt = legend
        sqrt.scale = .sqrt
        let sqrtTicks = sqrt.layout(text: blocks).ticks
        let last = try #require(sqrtTicks.last)
        #expect(last.offset == 200)
        for tick in sqrtTicks { #expect(abs(tick.offset - (tick.value / 100).squareRoot() * 200) < 1e-9) }
    }

    @Test func histogramEqualisedTicksSitWhereTheShadingPutsTheirValues() throws {
        // Most values are small: eq_hist gives the low range most of the ramp.
        let values: [Float] = (1...100).map { $0 <= 80 ? Float($0) / 4 : Float($0) }
        let fitted = Shading(colorMap: .viridis, scale: .eqHist, top: 100).fitted(to: values)
        var equalised = legend
        equalised.scale = .eqHist
        equalised.valuePosition = { fitted.position(of: $0) ?? 0 }
        let ticks = equalised.layout(text: blocks).ticks
        #expect(!ticks.isEmpty)
        for tick in ticks {
            #expect(abs(tick.offset - (fitted.position(of: tick.value) ?? 0) * 200) < 1e-9)
        }
        let twenty = try #require(ticks.first { $0.value == 20 })
        #expect(twenty.offset > 0.7 * 200)  // 20 is above 80 % of the values, far above the linear 40 px
    }

    @Test func barColoursAreTheColourMapsAndTicksSitAtTheirValues() {
        var image = RGBAImage(width: 120, height: 260, fill: .white)
        let origin = PixelPoint(x: 5, y: 7)
        legend.draw(on: &image, at: origin, text: blocks)
        let layout = legend.layout(text: blocks)
        let bar = layout.bar
        let column = origin.x + bar.x + bar.width / 2
        for i in [0, 1, 50, 99, 150, 199] {
            let y = origin.y + bar.maxY - 1 - i
            #expect(image[column, y] == ColorMap.viridis.color(at: (Double(i) + 0.5) / 200), "bar pixel \(i)")
        }
        #expect(image[column, origin.y + bar.maxY - 1] == ColorMap.viridis.color(at: 0.0025))
        // Tick marks just right of the bar: the one for 60 at 120 pixels up.
        let tickX = origin.x + bar.maxX + 2
        #expect(image[tickX, origin.y + bar.maxY - 120] == legend.labelStyle.color)
        #expect(image[tickX, origin.y + bar.maxY - 121] == .white && image[tickX, origin.y + bar.maxY - 119] == .white)
        // A wrong ramp would not pass: inferno differs from viridis at the sampled pixel.
        #expect(image[column, origin.y + bar.maxY - 51] != ColorMap.inferno.color(at: 50.5 / 200))
    }

    @Test func crowdedTicksAreDropped() {
        var crowded = legend
        crowded.ticks = [0, 1, 2, 50, 100]
        crowded.labelStyle = TextStyle(pixelSize: 16)
        #expect(crowded.layout(text: blocks).ticks.map(\.value) == [0, 50, 100])
    }

    @Test func horizontalLegendRunsLowToHighLeftToRight() {
        var horizontal = legend
        horizontal.orientation = .horizontal
        var image = RGBAImage(width: 260, height: 80, fill: .white)
        horizontal.draw(on: &image, at: PixelPoint(x: 0, y: 0), text: blocks)
        let bar = horizontal.layout(text: blocks).bar
        #expect(image[bar.x, bar.y + 3] == ColorMap.viridis.color(at: 0.0025))
        #expect(image[bar.maxX - 1, bar.y + 3] == ColorMap.viridis.color(at: 0.9975))
        #expect(image[bar.x + 120, bar.maxY + 2] == horizontal.labelStyle.color)  // tick for 60
        #expect(image[bar.x + 119, bar.maxY + 2] == .white && image[bar.x + 121, bar.maxY + 2] == .white)
    }

    @Test func classedLegendShowsEachClassColour() {
        let entries = [ClassedLegend.Entry(color: RGBA(178, 24, 43), label: "热点 99%"),
                       ClassedLegend.Entry(color: .white, label: "不显著"),
                       ClassedLegend.Entry(color: RGBA(33, 102, 172), label: "冷点 99%")]
        let legend = ClassedLegend(entries: entries, caption: "Gi*", panel: Panel(fill: RGBA(200, 200, 200)))
        var image = RGBAImage(width: 200, height: 150, fill: .black)
        legend.draw(on: &image, at: PixelPoint(x: 3, y: 4), text: blocks)
        let boxes = legend.swatches(text: blocks)
        #expect(boxes.count == 3)
        for (entry, box) in zip(entries, boxes) {
            #expect(image[3 + box.x + box.width / 2, 4 + box.y + box.height / 2] == entry.color)
        }
        #expect(boxes[1].y > boxes[0].maxY && boxes[2].y > boxes[1].maxY)
        #expect(ClassedLegend.rangeLabels(breaks: [0, 12.5, 25, 1250]) == ["0 – 12.5", "12.5 – 25", "25 – 1,250"])
    }

    /// Counts: whole numbers, each class from one above the previous (inclusive) bound; a one-number class alone.
    @Test func wholeNumberRangeLabels() {
        let minus = NiceNumbers.format(-1, maximumDecimals: 0).dropLast()
        let labels = ClassedLegend.rangeLabels(breaks: [-381, -272, -163, -54, 53, 162, 271, 381], wholeNumbers: true)
        #expect(labels == ["\(minus)381 – \(minus)272", "\(minus)271 – \(minus)163", "\(minus)162 – \(minus)54",
                           "\(minus)53 – 53", "54 – 162", "163 – 271", "272 – 381"])
        #expect(ClassedLegend.rangeLabels(breaks: [0, 1, 2, 10.7, 1200], wholeNumbers: true) == ["0 – 1", "2", "3 – 10", "11 – 1,200"])
    }
}

struct LabelPlacementTests {
    /// A "C" open to the right with a 30-pixel back and 20-pixel arms: its centroid (about 39, 50) falls in the
    /// notch, outside the shape.
    let cShape: [Point] = [(0, 0), (100, 0), (100, 20), (30, 20), (30, 80), (100, 80), (100, 100), (0, 100)]
        .map { Point(x: $0.0, y: $0.1) }

    @Test func poleOfInaccessibilityLiesInsideWhereTheCentroidDoesNot() {
        let pole = LabelAnchor.poleOfInaccessibility([cShape], precision: 0.5)
        // The widest part is the C's back (x 0...30): the pole is 15 from the nearest edge there.
        #expect(pole.x > 13 && pole.x < 17)
        #expect(pole.y > 10 && pole.y < 90)
        var image = RGBAImage(width: 100, height: 100)
        image.fill(rings: [cShape], color: .black)
        #expect(image[Int(pole.x), Int(pole.y)] == .black)
        #expect(image[39, 50] == .transparent)  // the centroid lies outside
    }

    @Test func squareLabelGoesToTheCentre() {
        let square = [Point(x: 10, y: 10), Point(x: 50, y: 10), Point(x: 50, y: 50), Point(x: 10, y: 50)]
        let pole = LabelAnchor.poleOfInaccessibility([square], precision: 0.1)
        #expect(abs(pole.x - 30) < 0.5 && abs(pole.y - 30) < 0.5)
    }

    @Test func overlappingLabelsAreSkippedInOrder() {
        var image = RGBAImage(width: 200, height: 100, fill: .white)
        let style = TextStyle(pixelSize: 16, color: .black)
        let labels = [AreaLabel(text: "南湖区", polygons: [], anchor: Point(x: 60, y: 50)),
                      AreaLabel(text: "秀洲区", polygons: [], anchor: Point(x: 80, y: 55)),  // overlaps the first
                      AreaLabel(text: "平湖市", polygons: [], anchor: Point(x: 150, y: 50)),
                      AreaLabel(text: "海宁市", polygons: [], anchor: Point(x: 195, y: 50))]  // would leave the image
        let placed = image.drawLabels(labels, style: style, renderer: blocks)
        #expect(placed.map(\.text) == ["南湖区", "平湖市"])
        #expect(placed[0].box == PixelRect(x: 36, y: 42, width: 48, height: 16))
        let ink = inkBox(image, background: .white)
        #expect(ink == PixelRect(x: 37, y: 42, width: 46 + 90, height: 12))
    }

    @Test func labelWithoutAnchorUsesTheLargestPolygon() throws {
        var image = RGBAImage(width: 120, height: 120, fill: .white)
        let small = [[Point(x: 0, y: 0), Point(x: 10, y: 0), Point(x: 10, y: 10), Point(x: 0, y: 10)]]
        let placed = image.drawLabels([AreaLabel(text: "嘉", polygons: [small, [cShape]])],
                                      style: TextStyle(pixelSize: 8), renderer: blocks)
        let anchor = try #require(placed.first?.anchor)
        #expect(anchor.x > 13 && anchor.x < 17 && anchor.y > 10 && anchor.y < 90)
    }
}
