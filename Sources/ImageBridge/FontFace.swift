import CFreeType
import Foundation
import Render

/// A font could not be found or loaded.
public struct FontError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The font file concerned, or `nil` when no file was found at all.
    public let path: String?
    public let message: String

    public init(path: String?, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String {
        if let path { return "font \(path): \(message)" }
        return "font: \(message)"
    }
}

/// A font file opened through FreeType, rasterising anti-aliased 8-bit glyphs for Render's text drawing.
///
/// Glyphs are cached per character and pixel size, so drawing the same labels on hundreds of maps rasterises
/// each character once. One instance may be shared between threads: FreeType calls run under a lock.
public final class FontFace: GlyphSource, @unchecked Sendable {
    /// Where Debian's CJK font packages put their files, in order of preference:
    /// fonts-wqy-microhei, fonts-wqy-zenhei, fonts-noto-cjk (OpenType and TrueType collections), fonts-arphic.
    public static let debianCJKFontPaths = [
        "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
        "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
        "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/truetype/arphic/uming.ttc",
    ]
    /// The environment variable that names a font file to use instead of the Debian search.
    public static let fontEnvironmentVariable = "HEATGRID_FONT"

    /// The font file path.
    public let path: String
    /// The face inside a collection (`.ttc`), 0 for the first.
    public let faceIndex: Int
    /// The family name the file declares, e.g. "WenQuanYi Micro Hei".
    public let familyName: String

    private let lock = NSLock()
    private var library: FT_Library?
    private let face: FT_Face
    private var currentPixelSize = 0
    private var glyphs: [GlyphKey: Glyph] = [:]
    private var metricsBySize: [Int: FontMetrics] = [:]
    private let hasKerning: Bool

    private struct GlyphKey: Hashable {
        let index: UInt32
        let pixelSize: Int
    }

    /// Opens `path` (face `faceIndex` of a collection). Throws `FontError` naming the file when FreeType cannot.
    public init(path: String, faceIndex: Int = 0) throws {
        var library: FT_Library?
        // FreeType returns 0 (FT_Err_Ok) on success and an error code otherwise.
        var error = FT_Init_FreeType(&library)
        guard error == 0, let library else {
            throw FontError(path: path, message: "FreeType could not start (error \(error))")
        }
        guard FileManager.default.isReadableFile(atPath: path) else {
            FT_Done_FreeType(library)
            throw FontError(path: path, message: "no readable file at this path")
        }
        var face: FT_Face?
        error = FT_New_Face(library, path, FT_Long(faceIndex), &face)
        guard error == 0, let face else {
            FT_Done_FreeType(library)
            throw FontError(path: path, message: "FreeType cannot open face \(faceIndex) (error \(error)): not a font it reads")
        }
        guard face.pointee.face_flags & FT_Long(FT_FACE_FLAG_SCALABLE) != 0 else {
            FT_Done_Face(face)
            FT_Done_FreeType(library)
            throw FontError(path: path, message: "not a scalable (outline) font")
        }
        self.library = library
        self.face = face
        self.path = path
        self.faceIndex = faceIndex
        familyName = face.pointee.family_name.map { String(cString: $0) } ?? ""
        hasKerning = face.pointee.face_flags & heatgrid_ft_face_flag_kerning != 0
    }

    deinit {
        FT_Done_Face(face)
        if let library { FT_Done_FreeType(library) }
    }

    /// A CJK font for Chinese labels: `path` if given, else the file named by `HEATGRID_FONT`, else the first
    /// of `searchPaths` that exists. Throws one `FontError` listing where it looked when none is found.
    public static func cjk(path: String? = nil,
                           environment: [String: String] = ProcessInfo.processInfo.environment,
                           searchPaths: [String] = debianCJKFontPaths) throws -> FontFace {
        if let path { return try FontFace(path: path) }
        if let path = environment[fontEnvironmentVariable], !path.isEmpty { return try FontFace(path: path) }
        guard let found = searchPaths.first(where: { FileManager.default.isReadableFile(atPath: $0) }) else {
            throw FontError(path: nil, message: "no CJK font found for Chinese labels; looked in "
                + searchPaths.joined(separator: ", ")
                + ". Install one (apt-get install fonts-wqy-microhei) or name a font file with --font or \(fontEnvironmentVariable)")
        }
        return try FontFace(path: found)
    }

    /// The font's glyph index for `scalar`; 0 means the font lacks the character and would draw its
    /// "missing glyph" (.notdef, usually an empty box).
    public func glyphIndex(for scalar: Unicode.Scalar) -> UInt32 {
        locked { UInt32(FT_Get_Char_Index(face, FT_ULong(scalar.value))) }
    }

    /// The characters of `text` this font has no glyph for (so the caller can warn instead of drawing boxes).
    public func missingCharacters(in text: String) -> [Unicode.Scalar] {
        text.unicodeScalars.filter { $0.properties.generalCategory != .control && glyphIndex(for: $0) == 0 }
    }

    /// The glyph with font index `index` at `pixelSize` (index 0 is .notdef).
    public func glyph(index: UInt32, pixelSize: Int) -> Glyph {
        locked { renderLocked(index: index, pixelSize: pixelSize) }
    }

    // MARK: GlyphSource

    public func metrics(pixelSize: Int) -> FontMetrics {
        locked {
            if let cached = metricsBySize[pixelSize] { return cached }
            setSizeLocked(pixelSize)
            // 26.6 fixed point: 64 units per pixel. Descender is negative in FreeType.
            let m = face.pointee.size.pointee.metrics
            let metrics = FontMetrics(ascent: Double(m.ascender) / 64, descent: Double(-m.descender) / 64,
                                      lineHeight: Double(m.height) / 64)
            metricsBySize[pixelSize] = metrics
            return metrics
        }
    }

    public func glyph(for scalar: Unicode.Scalar, pixelSize: Int) -> Glyph {
        locked {
            let index = UInt32(FT_Get_Char_Index(face, FT_ULong(scalar.value)))
            return renderLocked(index: index, pixelSize: pixelSize)
        }
    }

    public func kerning(between left: Unicode.Scalar, and right: Unicode.Scalar, pixelSize: Int) -> Double {
        guard hasKerning else { return 0 }
        return locked {
            setSizeLocked(pixelSize)
            let a = FT_Get_Char_Index(face, FT_ULong(left.value)), b = FT_Get_Char_Index(face, FT_ULong(right.value))
            var delta = FT_Vector()
            // 0 on success; the delta is in 26.6 pixels with FT_KERNING_DEFAULT (grid-fitted).
            guard FT_Get_Kerning(face, a, b, FT_UInt(FT_KERNING_DEFAULT.rawValue), &delta) == 0 else { return 0 }
            return Double(delta.x) / 64
        }
    }

    // MARK: FreeType calls (under the lock)

    private func locked<T>(_ body: () -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body()
    }

    private func setSizeLocked(_ pixelSize: Int) {
        guard pixelSize != currentPixelSize else { return }
        // Scalable faces accept any size; an error would leave the previous size, which only affects spacing.
        _ = FT_Set_Pixel_Sizes(face, 0, FT_UInt(max(1, pixelSize)))
        currentPixelSize = pixelSize
    }

    private func renderLocked(index: UInt32, pixelSize: Int) -> Glyph {
        let key = GlyphKey(index: index, pixelSize: pixelSize)
        if let cached = glyphs[key] { return cached }
        setSizeLocked(pixelSize)
        let glyph: Glyph
        // 0 on success. A glyph FreeType cannot load or render is drawn as nothing (advance of half an em),
        // so one broken glyph never stops a map.
        if FT_Load_Glyph(face, FT_UInt(index), heatgrid_ft_load_render_light) == 0, let slot = face.pointee.glyph {
            glyph = Self.copy(slot)
        } else {
            glyph = Glyph(width: 0, height: 0, coverage: [], left: 0, top: 0, advance: Double(pixelSize) / 2)
        }
        glyphs[key] = glyph
        return glyph
    }

    /// Copies the slot's bitmap (rows may be padded: `pitch` bytes apart, negative for bottom-up) into a Glyph.
    private static func copy(_ slot: FT_GlyphSlot) -> Glyph {
        let bitmap = slot.pointee.bitmap
        let width = Int(bitmap.width), height = Int(bitmap.rows), pitch = Int(bitmap.pitch)
        let advance = Double(slot.pointee.advance.x) / 64
        guard width > 0, height > 0, let buffer = bitmap.buffer, bitmap.pixel_mode == heatgrid_ft_pixel_mode_gray else {
            return Glyph(width: 0, height: 0, coverage: [], left: 0, top: 0, advance: advance)
        }
        let grays = max(2, Int(bitmap.num_grays))
        var coverage = [UInt8](repeating: 0, count: width * height)
        for row in 0..<height {
            let source = pitch >= 0 ? buffer + row * pitch : buffer + (height - 1 - row) * -pitch
            for col in 0..<width {
                let v = Int(source[col])
                coverage[row * width + col] = grays == 256 ? UInt8(v) : UInt8(min(255, v * 255 / (grays - 1)))
            }
        }
        return Glyph(width: width, height: height, coverage: coverage, left: Int(slot.pointee.bitmap_left),
                     top: Int(slot.pointee.bitmap_top), advance: advance)
    }
}
