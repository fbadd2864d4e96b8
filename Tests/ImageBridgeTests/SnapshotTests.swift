import Foundation
import GeoCore
import ImageBridge
import Render
import TestSupport
import Testing

/// Golden images under `Tests/ImageBridgeTests/Snapshots/`, compared with a per-channel tolerance.
/// Set `HEATGRID_RECORD_SNAPSHOTS=1` to write them anew (the test then fails once, so a recording is never
/// mistaken for a pass); review the PNGs before committing them.
enum Snapshot {
    static let folder = Fixtures.repositoryRoot + "/Tests/ImageBridgeTests/Snapshots"
    static var recording: Bool { ProcessInfo.processInfo.environment["HEATGRID_RECORD_SNAPSHOTS"] == "1" }

    /// Why `image` does not match `golden` within `tolerance` per channel, or nil when it does.
    static func difference(_ image: RGBAImage, _ golden: DecodedPNG, tolerance: Int) -> String? {
        guard image.width == golden.width, image.height == golden.height else {
            return "size \(image.width)×\(image.height) differs from the golden \(golden.width)×\(golden.height)"
        }
        var worst = 0, worstIndex = 0, differing = 0
        for i in 0..<image.pixels.count {
            let d = abs(Int(image.pixels[i]) - Int(golden.rgba[i]))
            if d > tolerance { differing += 1 }
            if d > worst { worst = d; worstIndex = i }
        }
        guard differing > 0 else { return nil }
        let pixel = worstIndex / 4
        return "\(differing) channel values differ by more than \(tolerance); worst \(worst) at pixel "
            + "(\(pixel % image.width), \(pixel / image.width)): \(image[pixel % image.width, pixel / image.width]) vs golden "
            + "\(golden.pixel(x: pixel % image.width, y: pixel / image.width))"
    }

    /// Compares `image` with the golden `name`.png, recording it instead when asked.
    static func check(_ image: RGBAImage, named name: String, tolerance: Int = 6,
                      sourceLocation: SourceLocation = #_sourceLocation) throws {
        let path = folder + "/" + name + ".png"
        if recording {
            try writePNG(rgba: image.pixels, width: image.width, height: image.height, to: path)
            Issue.record("recorded \(path); run again without HEATGRID_RECORD_SNAPSHOTS", sourceLocation: sourceLocation)
            return
        }
        guard FileManager.default.fileExists(atPath: path) else {
            Issue.record("no golden image \(path); record it with HEATGRID_RECORD_SNAPSHOTS=1", sourceLocation: sourceLocation)
            return
        }
        if let difference = difference(image, try PNGDecoder.decode(path: path), tolerance: tolerance) {
            Issue.record("\(name): \(difference)", sourceLocation: sourceLocation)
        }
    }
}

struct SnapshotTests {
    /// "嘉兴" in black with a white halo over a heat-map orange, 64 × 32.
    static func label() -> RGBAImage {
        var image = RGBAImage(width: 64, height: 32, fill: RGBA(253, 141, 60))
        image.draw("嘉兴", at: Point(x: 32, y: 22), alignment: .center,
                   style: TextStyle(pixelSize: 18, color: .black, halo: .white, haloRadius: 2), renderer: testText)
        return image
    }

    /// A small horizontal legend: the ramp, ticks at round values, a Chinese caption.
    static func legend(_ colorMap: ColorMap) -> RGBAImage {
        let legend = ColorRampLegend(colorMap: colorMap, scale: .linear, top: 1250, caption: "每平方公里事件数",
                                     orientation: .horizontal, barLength: 100, barThickness: 8,
                                     labelStyle: TextStyle(pixelSize: 10), captionStyle: TextStyle(pixelSize: 11),
                                     panel: Panel(padding: 4))
        let size = legend.size(text: testText)
        var image = RGBAImage(width: size.width, height: size.height, fill: .white)
        legend.draw(on: &image, at: PixelPoint(x: 0, y: 0), text: testText)
        return image
    }

    /// Title, scale bar and north arrow in one small frame.
    static func furniture() -> RGBAImage {
        var image = RGBAImage(width: 160, height: 96, fill: RGBA(230, 227, 218))
        image.place(TitleBlock(title: "南湖区", subtitle: "12,345 起", titleStyle: TextStyle(pixelSize: 14),
                               subtitleStyle: TextStyle(pixelSize: 10), panel: Panel(padding: 3)),
                    in: .topLeft, margin: 4, text: testText)
        image.place(ScaleBar(pixelSize: 25, maximumPixels: 80, kilometreUnit: "公里",
                             labelStyle: TextStyle(pixelSize: 10), barHeight: 4, panel: Panel(padding: 3)),
                    in: .bottomLeft, margin: 4, text: testText)
        image.place(NorthArrow(letter: "北", arrowHeight: 24, letterStyle: TextStyle(pixelSize: 12)),
                    in: .topRight, margin: 4, text: testText)
        return image
    }

    @Test func labelMatchesItsGoldenImage() throws { try Snapshot.check(Self.label(), named: "label-jiaxing") }

    @Test func legendMatchesItsGoldenImage() throws { try Snapshot.check(Self.legend(.viridis), named: "legend-viridis") }

    @Test func furnitureMatchesItsGoldenImage() throws { try Snapshot.check(Self.furniture(), named: "furniture") }

    @Test func comparisonRejectsAWrongColourMap() throws {
        try #require(!Snapshot.recording)
        let golden = try PNGDecoder.decode(path: Snapshot.folder + "/legend-viridis.png")
        #expect(Snapshot.difference(Self.legend(.viridis), golden, tolerance: 6) == nil)
        let wrong = try #require(Snapshot.difference(Self.legend(.inferno), golden, tolerance: 6))
        #expect(wrong.contains("differ by more than 6"), "\(wrong)")
    }

    @Test func comparisonRejectsOneWrongPixelButToleratesSmallNoise() throws {
        try #require(!Snapshot.recording)
        let golden = try PNGDecoder.decode(path: Snapshot.folder + "/label-jiaxing.png")
        var noisy = Self.label()
        noisy.blend(x: 3, y: 3, RGBA(253 - 5, 141 + 5, 60, 255))  // within tolerance
        #expect(Snapshot.difference(noisy, golden, tolerance: 6) == nil)
        var wrong = Self.label()
        wrong.blend(x: 3, y: 3, RGBA(200, 141, 60))  // one pixel, one channel off by 53
        let message = try #require(Snapshot.difference(wrong, golden, tolerance: 6))
        #expect(message.hasPrefix("1 channel values differ") && message.contains("(3, 3)"), "\(message)")
        var cropped = RGBAImage(width: 63, height: 32)
        cropped.blend(x: 0, y: 0, .black)
        #expect(Snapshot.difference(cropped, golden, tolerance: 6)?.contains("size 63×32") == true)
    }
}
