import CFreeType
import Foundation
import GeoCore
import ImageBridge
import Render
import TestSupport
import Testing

/// The CJK font the tests draw with (fonts-wqy-microhei in CI), opened once.
let testFont: FontFace = {
    do { return try FontFace.cjk() } catch { fatalError("\(error)") }
}()
let testText = TextRenderer(font: testFont)

/// Rasterises one character straight through FreeType, independently of FontFace, with the same load flags:
/// the reference a drawn label must match. Returns the coverage rows and the bitmap's left/top bearings.
func freeTypeBitmap(path: String, character: UInt32, pixelSize: UInt32) throws
    -> (width: Int, height: Int, coverage: [UInt8], left: Int, top: Int) {
    var library: FT_Library?
    try #require(FT_Init_FreeType(&library) == 0)
    defer { FT_Done_FreeType(library) }
    var face: FT_Face?
    try #require(FT_New_Face(library, path, 0, &face) == 0)
    defer { FT_Done_Face(face) }
    try #require(FT_Set_Pixel_Sizes(face, 0, pixelSize) == 0)
    try #require(FT_Load_Char(face, FT_ULong(character), heatgrid_ft_load_render_light) == 0)
    let slot = try #require(face?.pointee.glyph)
    let bitmap = slot.pointee.bitmap
    let width = Int(bitmap.width), height = Int(bitmap.rows)
    let buffer = try #require(bitmap.buffer)
    try #require(bitmap.pitch > 0 && bitmap.num_grays == 256)
    var coverage: [UInt8] = []
    for row in 0..<height {
        for col in 0..<width { coverage.append(buffer[row * Int(bitmap.pitch) + col]) }
    }
    return (width, height, coverage, Int(slot.pointee.bitmap_left), Int(slot.pointee.bitmap_top))
}

struct FontFaceTests {
    @Test func jiaHasARealGlyphNotTheMissingBox() {
        #expect(testFont.glyphIndex(for: "嘉") != 0)
        let jia = testFont.glyph(for: "嘉", pixelSize: 32)
        let notdef = testFont.glyph(index: 0, pixelSize: 32)
        #expect(jia != notdef)
        // 嘉 has many strokes: a good share of its box is inked.
        let ink = jia.coverage.filter { $0 > 128 }.count
        #expect(ink > jia.width * jia.height / 5, "\(ink) inked pixels in \(jia.width)×\(jia.height)")
    }

    @Test func aMissingCharacterIsReportedAndWouldDrawTheBox() {
        let missing: Unicode.Scalar = "\u{10FFFD}"  // private use, in no font
        #expect(testFont.glyphIndex(for: missing) == 0)
        #expect(testFont.missingCharacters(in: "嘉兴\u{10FFFD}市") == [missing])
        #expect(testFont.missingCharacters(in: "嘉兴市 南湖区 Nanhu 12,345 km²").isEmpty)
        // So the "not the missing box" check above would catch a tofu glyph.
        #expect(testFont.glyph(for: missing, pixelSize: 32) == testFont.glyph(index: 0, pixelSize: 32))
    }

    @Test(arguments: [16, 32])
    func drawnChineseLabelMatchesFreeTypesOwnGlyph(pixelSize: Int) throws {
        let reference = try freeTypeBitmap(path: testFont.path, character: 0x5609, pixelSize: UInt32(pixelSize))
        var image = RGBAImage(width: 64, height: 64, fill: .white)
        let box = image.draw("嘉", at: Point(x: 10, y: 50), style: TextStyle(pixelSize: pixelSize, color: .black),
                             renderer: testText)
        // Black over white leaves 255 − coverage in every channel; compare pixel by pixel.
        let left = 10 + reference.left, top = 50 - reference.top
        var inked = 0
        for y in 0..<image.height {
            for x in 0..<image.width {
                let inside = x >= left && x < left + reference.width && y >= top && y < top + reference.height
                let expected = inside ? 255 - Int(reference.coverage[(y - top) * reference.width + (x - left)]) : 255
                let pixel = image[x, y]
                #expect(Int(pixel.r) == expected && pixel.g == pixel.r && pixel.b == pixel.r, "pixel \(x), \(y)")
                if pixel.r < 128 {
                    inked += 1
                    #expect(box.contains(PixelRect(x: x, y: y, width: 1, height: 1)), "ink at \(x), \(y) outside \(box)")
                }
            }
        }
        #expect(inked > pixelSize * pixelSize / 6)
    }

    @Test(arguments: [12, 16, 24, 32])
    func cjkAdvanceIsAboutThePixelSize(pixelSize: Int) {
        for character in ["嘉", "兴", "南", "湖", "区"] {
            let advance = testFont.glyph(for: character.unicodeScalars.first!, pixelSize: pixelSize).advance
            #expect(abs(advance - Double(pixelSize)) <= 1, "\(character) at \(pixelSize) px advances \(advance)")
        }
        let metrics = testFont.metrics(pixelSize: pixelSize)
        #expect(metrics.ascent > Double(pixelSize) * 0.6 && metrics.descent > 0)
        #expect(metrics.lineHeight >= metrics.ascent + metrics.descent - 1)
    }

    @Test func widthGrowsWithTheText() {
        let widths = ["嘉", "嘉兴", "嘉兴市", "嘉兴市 南湖区"].map { testText.measure($0, pixelSize: 16).width }
        #expect(widths == widths.sorted() && Set(widths).count == widths.count, "\(widths)")
        #expect(abs(widths[2] - 48) <= 3)
        #expect(testText.measure("12,345", pixelSize: 16).width < testText.measure("嘉兴市南湖区", pixelSize: 16).width)
        #expect(testText.measure("嘉兴", pixelSize: 32).width > testText.measure("嘉兴", pixelSize: 16).width * 1.8)
    }

    @Test func glyphsAreTheSameFromManyThreads() async {
        let reference = "嘉兴市 南湖区 0123456789".unicodeScalars.map { testFont.glyph(for: $0, pixelSize: 20) }
        let results = await withTaskGroup(of: [Glyph].self) { group in
            for size in [20, 21, 20, 22] {
                group.addTask {
                    let text = TextRenderer(font: testFont)
                    _ = text.bitmap("海盐县 平湖市", pixelSize: size)
                    return "嘉兴市 南湖区 0123456789".unicodeScalars.map { testFont.glyph(for: $0, pixelSize: 20) }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        for result in results { #expect(result == reference) }
    }

    @Test func noFontFoundGivesOneClearError() throws {
        let error = try #require(throws: FontError.self) {
            try FontFace.cjk(environment: [:], searchPaths: ["/nonexistent/wqy-microhei.ttc", "/nonexistent/noto.ttc"])
        }
        #expect(error.path == nil)
        #expect(error.message.contains("/nonexistent/wqy-microhei.ttc, /nonexistent/noto.ttc"), "\(error)")
        #expect(error.message.contains("fonts-wqy-microhei"))
        #expect(error.message.contains(FontFace.fontEnvironmentVariable))
    }

    @Test func overridesComeBeforeTheSearch() throws {
        let folder = Fixtures.temporaryFolder("font")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let notAFont = folder + "/labels.ttf"
        try Data("not a font".utf8).write(to: URL(fileURLWithPath: notAFont))
        // A path given explicitly or through the environment is used, and its failure names it.
        let explicit = try #require(throws: FontError.self) { try FontFace.cjk(path: notAFont) }
        #expect(explicit.path == notAFont && explicit.message.contains("not a font"), "\(explicit)")
        let fromEnvironment = try #require(throws: FontError.self) {
            try FontFace.cjk(environment: [FontFace.fontEnvironmentVariable: folder + "/missing.ttc"])
        }
        #expect(fromEnvironment.path == folder + "/missing.ttc")
        let found = try FontFace.cjk(environment: [FontFace.fontEnvironmentVariable: testFont.path],
                                     searchPaths: ["/nonexistent.ttc"])
        #expect(found.path == testFont.path && !found.familyName.isEmpty)
    }
}
