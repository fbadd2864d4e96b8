import CPNG

/// An image decoded to 8-bit RGBA: row-major, top row first, straight alpha.
public struct DecodedPNG: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// `width * height * 4` bytes.
    public let rgba: [UInt8]

    public init(width: Int, height: Int, rgba: [UInt8]) {
        self.width = width
        self.height = height
        self.rgba = rgba
    }

    /// The four bytes of the pixel in column `x`, row `y` (row 0 at the top); both must be in range.
    public func pixel(x: Int, y: Int) -> [UInt8] {
        let start = (y * width + x) * 4
        return Array(rgba[start..<start + 4])
    }
}

/// Decodes PNG files of any colour type and bit depth to 8-bit RGBA through libpng's simplified API
/// (`png_image_begin_read_*` + `png_image_finish_read`), for tests and golden-image comparisons.
public enum PNGDecoder {
    /// The largest image decoded by default (256 Mpixel, 1 GiB of RGBA), so that a corrupt or hostile
    /// header cannot make the decoder try to allocate terabytes.
    public static let defaultPixelLimit = 1 << 28

    /// Decodes PNG file bytes held in memory.
    public static func decode(bytes: [UInt8], pixelLimit: Int = defaultPixelLimit) throws -> DecodedPNG {
        try bytes.withUnsafeBytes { raw in
            var image = makeRGBAImage()
            defer { png_image_free(&image) }
            // Nonzero on success; 0 on failure with image.message set (and libpng's state already freed).
            guard png_image_begin_read_from_memory(&image, raw.baseAddress, raw.count) != 0 else {
                throw PNGError(path: nil, message: message(of: image))
            }
            return try finish(&image, path: nil, pixelLimit: pixelLimit)
        }
    }

    /// Decodes the PNG file at `path`.
    public static func decode(path: String, pixelLimit: Int = defaultPixelLimit) throws -> DecodedPNG {
        var image = makeRGBAImage()
        defer { png_image_free(&image) }
        // Nonzero on success; 0 on failure (missing file, not a PNG) with image.message set.
        guard png_image_begin_read_from_file(&image, path) != 0 else {
            throw PNGError(path: path, message: message(of: image))
        }
        return try finish(&image, path: path, pixelLimit: pixelLimit)
    }

    /// Reads the pixels of an image whose header `png_image_begin_read_*` has filled in.
    private static func finish(_ image: inout png_image, path: String?, pixelLimit: Int) throws -> DecodedPNG {
        let width = Int(image.width), height = Int(image.height)
        guard width > 0, height > 0, width * height <= pixelLimit else {
            throw PNGError(path: path, message: "image size \(width)×\(height) exceeds the limit of \(pixelLimit) pixels")
        }
        image.format = heatgrid_png_format_rgba  // convert whatever the file holds to 8-bit RGBA
        var failure: String?
        let rgba = [UInt8](unsafeUninitializedCapacity: width * height * 4) { buffer, initializedCount in
            // Nonzero on success; 0 on failure (e.g. truncated data) with image.message set.
            if png_image_finish_read(&image, nil, buffer.baseAddress, Int32(width * 4), nil) != 0 {
                initializedCount = width * height * 4
            } else {
                initializedCount = 0
                failure = message(of: image)
            }
        }
        if let failure { throw PNGError(path: path, message: failure) }
        return DecodedPNG(width: width, height: height, rgba: rgba)
    }
}
