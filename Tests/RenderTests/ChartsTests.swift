import GeoCore
import Render
import Testing

// Charts drawn with `BlockFont` (CartographyTests.swift): every glyph a solid block, so text boxes are exact.

private func pixels(_ image: RGBAImage, where predicate: (RGBA) -> Bool) -> Int {
    var count = 0
    for y in 0..<image.height {
        for x in 0..<image.width where predicate(image[x, y]) { count += 1 }
    }
    return count
}

private func allInside(_ labels: [ChartLabel], _ size: PixelSize) -> Bool {
    labels.allSatisfy { PixelRect(x: 0, y: 0, width: size.width, height: size.height).contains($0.box) }
}

struct LorenzChartTests {
    /// L(p) = p², sampled at 201 points.
    let parabola = (0...200).map { Point(x: Double($0) / 200, y: Double($0 * $0) / 40_000) }

    func chart(maximalEqualityShare: Double? = nil) -> LorenzChart {
        LorenzChart(curve: parabola, maximalEqualityShare: maximalEqualityShare, title: "盗窃案件空间集中度",
                    subtitle: "2026-W14", placesAxisTitle: "网格累计占比", incidentsAxisTitle: "事件累计占比",
                    notes: ["基尼系数 0.33"], curveLabel: "洛伦兹曲线", equalityLabel: "完全均等线",
                    maximalEqualityLabel: "最大均等线")
    }

    @Test(arguments: [PixelSize(width: 1200, height: 800), PixelSize(width: 900, height: 600),
                      PixelSize(width: 640, height: 900)])
    func sizeBackgroundAndSquarePlot(size: PixelSize) {
        let chart = chart(maximalEqualityShare: 0.4)
        let image = chart.render(size: size, text: blocks)
        #expect(image.width == size.width && image.height == size.height)
        for (x, y) in [(0, 0), (size.width - 1, 0), (0, size.height - 1), (size.width - 1, size.height - 1)] {
            #expect(image[x, y] == .white)
        }
        let layout = chart.layout(size: size, text: blocks)
        #expect(layout.plot.width == layout.plot.height && layout.plot.width > size.height / 3)
        #expect(PixelRect(x: 0, y: 0, width: size.width, height: size.height).contains(layout.plot.expanded(by: 1)))
        #expect(allInside(layout.labels, size))
        #expect(PixelRect(x: 0, y: 0, width: size.width, height: size.height).contains(layout.key))
        // Landscape: the key beside the plot; portrait: inside its empty upper-left corner, above the diagonal.
        #expect(layout.keyInsidePlot == (size.width < size.height))
        if layout.keyInsidePlot {
            #expect(layout.plot.contains(layout.key))
            let corner = Point(x: Double(layout.key.maxX), y: Double(layout.key.maxY))
            let diagonalY = Double(layout.plot.maxY) - (corner.x - Double(layout.plot.x))
            #expect(corner.y < diagonalY)
        } else {
            #expect(!layout.key.intersects(layout.plot))
        }
    }

    @Test func curveEqualityLineAndShadeWhereExpected() {
        let chart = chart()
        let image = chart.render(text: blocks)
        let layout = chart.layout(text: blocks)
        // The 2.9-pixel curve covers the pixel holding each of its points fully.
        for p in [0.15, 0.3, 0.45, 0.55, 0.7, 0.85, 0.95] {
            let q = layout.pixel(places: p, incidents: p * p)
            #expect(image[Int(q.x), Int(q.y)] == chart.curveColor, "curve at p = \(p)")
        }
        // Above the diagonal is empty; between the diagonal and the curve is shaded; below the curve is empty.
        let above = layout.pixel(places: 0.3, incidents: 0.7), between = layout.pixel(places: 0.5, incidents: 0.37)
        let below = layout.pixel(places: 0.9, incidents: 0.3)
        #expect(image[Int(above.x), Int(above.y)] == .white)
        #expect(image[Int(below.x), Int(below.y)] == .white)
        let shade = image[Int(between.x), Int(between.y)]
        #expect(shade != .white && shade.b > shade.r && shade.r > 200)
        // The dashed diagonal: most short stretches of it hold a pixel of its colour.
        var hits = 0
        for i in 1..<40 {
            let p = Double(i) / 40
            let run = (0..<6).map { layout.pixel(places: p + Double($0) * 0.002, incidents: p + Double($0) * 0.002) }
            if run.contains(where: { image[Int($0.x), Int($0.y)] == chart.equalityColor }) { hits += 1 }
        }
        #expect(hits >= 25)
        // No maximal-equality line when it was not asked for.
        #expect(pixels(image) { $0 == chart.maximalEqualityColor } == 0)
    }

    @Test func maximalEqualityLineRisesFromOneMinusNOverN() {
        // N/n = 0.4: flat to 60 % of places, then straight to (1, 1).
        let chart = chart(maximalEqualityShare: 0.4)
        let image = chart.render(text: blocks)
        let layout = chart.layout(text: blocks)
        var hits = 0
        for i in 1..<30 {
            let t = Double(i) / 30
            let run = (0..<6).map { layout.pixel(places: 0.6 + 0.4 * (t + Double($0) * 0.003), incidents: t + Double($0) * 0.003) }
            if run.contains(where: { image[Int($0.x), Int($0.y)] == chart.maximalEqualityColor }) { hits += 1 }
        }
        #expect(hits >= 18)
        // Nothing of it left of 1 − N/n above the axis, e.g. at (0.4, 0.3).
        let off = layout.pixel(places: 0.4, incidents: 0.3)
        #expect(image[Int(off.x), Int(off.y)] != chart.maximalEqualityColor)
        // The legend has the third entry.
        #expect(layout.labels.contains { $0.text == "最大均等线" })
        #expect(!self.chart().layout(text: blocks).labels.contains { $0.text == "最大均等线" })
    }

    @Test func tickLabelsAtEveryTwentyPercent() {
        let layout = chart().layout(text: blocks)
        let ticks = ["0%", "20%", "40%", "60%", "80%", "100%"]
        let labels = layout.labels.filter { ticks.contains($0.text) }
        #expect(labels.count == 12)
        // The horizontal ones, centred on their shares.
        let horizontal = labels.filter { $0.alignment == .center }.sorted { $0.baseline.x < $1.baseline.x }
        #expect(horizontal.map(\.text) == ticks)
        for (i, label) in horizontal.enumerated() {
            #expect(abs(label.baseline.x - layout.pixel(places: Double(i) / 5, incidents: 0).x) <= 0.5)
        }
    }

    @Test func longTextsShrinkThenAreCutShortToStayInside() {
        let long = String(repeating: "网格事件集中度", count: 20)
        let chart = LorenzChart(curve: parabola, title: long, subtitle: long, placesAxisTitle: long,
                                incidentsAxisTitle: long, notes: ["基尼系数 0.33"])
        for size in [PixelSize(width: 1200, height: 800), PixelSize(width: 500, height: 400)] {
            let layout = chart.layout(size: size, text: blocks)
            #expect(allInside(layout.labels, size))
            let cut = layout.labels.filter { $0.text.hasPrefix("网格事件集中度") }
            #expect(cut.count == 4 && cut.allSatisfy { $0.text.hasSuffix("…") && $0.text.count < long.count })
        }
        // A title that fits after shrinking a little is shrunk, not cut.
        let fits = LorenzChart(curve: parabola, title: String(repeating: "集", count: 50), placesAxisTitle: "x",
                               incidentsAxisTitle: "y")
        let title = fits.layout(text: blocks).labels[0]
        #expect(title.text.count == 50 && title.style.pixelSize < 25 && title.box.maxX <= 1200)
    }

    @Test func aMillionPointCurveIsThinnedNotSkipped() {
        let n = 1_000_000
        var curve = [Point]()
        curve.reserveCapacity(n + 1)
        for i in 0...n { let p = Double(i) / Double(n); curve.append(Point(x: p, y: p * p * p)) }
        let chart = LorenzChart(curve: curve, title: "t", placesAxisTitle: "x", incidentsAxisTitle: "y")
        let image = chart.render(size: PixelSize(width: 600, height: 400), text: blocks)
        let layout = chart.layout(size: PixelSize(width: 600, height: 400), text: blocks)
        let q = layout.pixel(places: 0.8, incidents: 0.512)
        #expect(image[Int(q.x), Int(q.y)] == chart.curveColor)
    }
}

struct BarChartTests {
    let periods = ["2026-W11", "2026-W12", "2026-W13", "2026-W14"]

    @Test func barHeightsAreProportionalToValues() {
        let chart = BarChart(periods: periods, series: [.init(name: "事件", values: [10, 20, 40, 5])],
                             title: "每周事件数", valueAxisTitle: "起")
        let size = PixelSize(width: 1200, height: 800)
        let image = chart.render(size: size, text: blocks)
        let layout = chart.layout(size: size, text: blocks)
        #expect(image.width == 1200 && image.height == 800 && image[0, 0] == .white && image[1199, 799] == .white)
        #expect(layout.ticks == [0, 10, 20, 30, 40, 50])  // 40 needs room for its label: one more step
        #expect(layout.axisRange == 0...50)
        #expect(layout.zeroRow == layout.plot.maxY)
        let color = BarChart.palette[0]
        var measured: [Int] = []
        for bar in layout.bars {
            // Count the bar's colour up its middle column from the zero line.
            let column = bar.rect.x + bar.rect.width / 2
            var height = 0
            var y = layout.zeroRow - 1
            while y >= 0 && image[column, y] == color { height += 1; y -= 1 }
            measured.append(height)
            #expect(height == bar.rect.height)
            let expected = bar.value / 50 * Double(layout.plot.height)
            #expect(abs(Double(height) - expected) <= 1, "bar for \(bar.value)")
        }
        #expect(abs(Double(measured[2]) / Double(measured[0]) - 4) < 0.02)
        #expect(abs(Double(measured[1]) / Double(measured[3]) - 4) < 0.04)
        // Bars in period order, evenly spaced, of equal width.
        let xs = layout.bars.map(\.rect.x)
        #expect(xs == xs.sorted() && Set(layout.bars.map(\.rect.width)).count == 1)
        // Every period labelled, values written above their bars, everything inside the image.
        #expect(layout.labelledPeriods == [0, 1, 2, 3])
        for bar in layout.bars {
            let label = layout.labels.first { $0.text == NiceNumbers.format(bar.value) && $0.box.maxY <= bar.rect.y }
            #expect(label != nil)
        }
        #expect(allInside(layout.labels, size))
    }

    @Test func twoSeriesSideBySideWithALegend() {
        let chart = BarChart(periods: periods,
                             series: [.init(name: "上年同期", values: [30, 28, 35, 31], color: RGBA(169, 184, 204)),
                                      .init(name: "本年", values: [33, 25, 41, 44])],
                             title: "电信诈骗", valueAxisTitle: "案件数（起）")
        let image = chart.render(text: blocks)
        let layout = chart.layout(text: blocks)
        #expect(layout.bars.count == 8 && layout.swatches.count == 2)
        for period in 0..<4 {
            let pair = layout.bars.filter { $0.period == period }.sorted { $0.series < $1.series }
            #expect(pair[0].rect.maxX <= pair[1].rect.x)  // previous left of current
            #expect(image[pair[0].rect.x + 1, layout.zeroRow - 2] == RGBA(169, 184, 204))
            #expect(image[pair[1].rect.x + 1, layout.zeroRow - 2] == BarChart.palette[1])
        }
        #expect(image[layout.swatches[0].x + 2, layout.swatches[0].y + 2] == RGBA(169, 184, 204))
        #expect(image[layout.swatches[1].x + 2, layout.swatches[1].y + 2] == BarChart.palette[1])
        #expect(layout.labels.contains { $0.text == "上年同期" } && layout.labels.contains { $0.text == "本年" })
        // The legend is right of the axis title, inside the image.
        let axisTitle = layout.labels.first { $0.text == "案件数（起）" }!
        #expect(layout.swatches.allSatisfy { $0.x > axisTitle.box.maxX && $0.maxX <= 1200 })
        #expect(allInside(layout.labels, PixelSize(width: 1200, height: 800)))
    }

    @Test func crowdedPeriodLabelsAreThinnedKeepingTheLatest() {
        let weeks = (1...52).map { "2026-W" + ($0 < 10 ? "0" : "") + String($0) }
        let chart = BarChart(periods: weeks, series: [.init(name: "n", values: weeks.indices.map { Double($0 % 7) * 3 + 1 })],
                             title: "Weekly incidents", valueAxisTitle: "incidents", periodAxisTitle: "ISO week")
        for size in [PixelSize(width: 1200, height: 800), PixelSize(width: 700, height: 500)] {
            let layout = chart.layout(size: size, text: blocks)
            #expect(layout.labelledPeriods.last == 51)
            #expect(layout.labelledPeriods.count > 3 && layout.labelledPeriods.count < 52)
            let boxes = layout.labels.filter { $0.text.hasPrefix("2026-W") }.map(\.box)
            #expect(boxes.count == layout.labelledPeriods.count)
            for (a, b) in zip(boxes, boxes.dropFirst()) { #expect(a.maxX < b.x) }
            #expect(allInside(layout.labels, size))
            // Values over the bars only where every one fits: then they never collide.
            let values = layout.labels.filter { $0.alignment == .center && !$0.text.hasPrefix("2026-W") && $0.text != "ISO week" }
            if size.width == 700 {
                #expect(!layout.labels.contains { $0.text == "19" })
            } else {
                #expect(layout.labels.contains { $0.text == "19" })
                for (a, b) in zip(values, values.dropFirst()) { #expect(a.box.maxX < b.box.x) }
            }
        }
    }

    @Test func negativeValuesHangBelowZero() {
        let chart = BarChart(periods: ["A", "B", "C"], series: [.init(name: "change", values: [12, -8, 0])],
                             title: "Change on last week", valueAxisTitle: "incidents")
        let image = chart.render(size: PixelSize(width: 600, height: 400), text: blocks)
        let layout = chart.layout(size: PixelSize(width: 600, height: 400), text: blocks)
        #expect(layout.axisRange.lowerBound < 0 && layout.ticks.contains(0))
        let up = layout.bars[0], down = layout.bars[1], zero = layout.bars[2]
        #expect(up.rect.maxY == layout.zeroRow && down.rect.y == layout.zeroRow + 1 && zero.rect.height == 0)
        #expect(image[down.rect.x + 2, down.rect.maxY - 1] == BarChart.palette[0])
        #expect(image[down.rect.x + 2, layout.zeroRow - 2] == .white)
        #expect(abs(Double(up.rect.height) / Double(down.rect.height + 1) - 1.5) < 0.05)
    }

    @Test func allZeroAndEmptyChartsStillDraw() {
        let zeros = BarChart(periods: ["A", "B"], series: [.init(name: "n", values: [0, 0])], title: "t", valueAxisTitle: "v")
        let layout = zeros.layout(size: PixelSize(width: 400, height: 300), text: blocks)
        #expect(layout.axisRange.upperBound > 0 && layout.bars.allSatisfy { $0.rect.height == 0 })
        let empty = BarChart(periods: [], series: [], title: "t", valueAxisTitle: "v")
        let image = empty.render(size: PixelSize(width: 400, height: 300), text: blocks)
        #expect(image.width == 400 && image[0, 0] == .white)
    }
}
