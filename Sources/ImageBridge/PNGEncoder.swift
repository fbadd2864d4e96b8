import AtomicOutput
import CPNG

/// Encodes 8-bit RGBA pixels as PNG.
///
/// Pixels are row-major, top row first, four bytes per pixel (red, green, blue, straight alpha)
/// and are written as an sRGB image. The same pixels always give the same bytes, whatever the thread count.
public enum PNGEncoder {
    /// How hard the encoder works.
    public enum Compression: Sendable {
        /// libpng's simplified API (`png_image_write_to_memory`) with its defaults: smallest files, one thread.
        case standard
        /// Rows filtered with Up and deflated at zlib's fastest level in independent pieces of about 256 KiB,
        /// on up to `threads` threads (`PiecewisePNGWriter`): several times faster than `.standard`, for about
        /// 1.5x its bytes on a heat map.
        case fast
    }

    /// The PNG file bytes for a `width` × `height` image; `.fast` encodes on up to `threads` threads.
    /// Throws `PNGError` if a dimension is not positive or `rgba.count != width * height * 4`.
    public static func encode(rgba: UnsafeBufferPointer<UInt8>, width: Int, height: Int,
                              compression: Compression = .standard, threads: Int = 1) throws -> [UInt8] {
        let (width32, height32) = try checkedDimensions(width: width, height: height, byteCount: rgba.count, path: nil)
        guard let pixels = rgba.baseAddress else {
            throw PNGError(path: nil, message: "no pixel buffer")  // unreachable: count > 0 was checked
        }
        if compression == .fast {
            return try PiecewisePNGWriter.encode(pixels: pixels, width: width, height: height, threads: threads)
        }
        // libpng catches its own longjmp inside the simplified API, so no setjmp ever crosses into Swift.
        var image = makeRGBAImage(width: width32, height: height32)
        defer { png_image_free(&image) }  // no-op unless libpng left state behind
        // One pass into a buffer libpng promises is large enough, instead of a sizing pass that compresses twice.
        let capacity = Int(heatgrid_png_rgba_encoded_size_max(width32, height32))
        var failure: String?
        let encoded = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initializedCount in
            var written = png_alloc_size_t(capacity)
            // Nonzero on success, with `written` set to the byte count; 0 on failure with image.message set.
            let ok = png_image_write_to_memory(&image, buffer.baseAddress, &written, 0, pixels, Int32(width * 4), nil)
            if ok != 0 && written <= capacity {
                initializedCount = Int(written)
            } else {
                initializedCount = 0
                failure = ok != 0 ? "libpng needed \(written) bytes, more than its own bound \(capacity)" : message(of: image)
            }
        }
        if let failure { throw PNGError(path: nil, message: failure) }
        return encoded
    }

    /// The PNG file bytes for a `width` × `height` image held in `rgba`.
    public static func encode(rgba: [UInt8], width: Int, height: Int,
                              compression: Compression = .standard, threads: Int = 1) throws -> [UInt8] {
        try rgba.withUnsafeBufferPointer {
            try encode(rgba: $0, width: width, height: height, compression: compression, threads: threads)
        }
    }

    /// Validates the image shape before any C call: positive dimensions that libpng's 32-bit fields and
    /// row stride can hold, and a buffer of exactly `width * height * 4` bytes.
    static func checkedDimensions(width: Int, height: Int, byteCount: Int, path: String?) throws -> (UInt32, UInt32) {
        guard width > 0, height > 0 else {
            throw PNGError(path: path, message: "image size \(width)×\(height) is empty; both sides must be positive")
        }
        guard width <= Int(Int32.max) / 4, let height32 = UInt32(exactly: height) else {
            throw PNGError(path: path, message: "image size \(width)×\(height) is too large for PNG")
        }
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, pixels <= Int.max / 4, pixels * 4 == byteCount else {
            throw PNGError(path: path, message: "pixel buffer has \(byteCount) bytes; a \(width)×\(height) RGBA image needs "
                + (overflow || pixels > Int.max / 4 ? "more than memory can hold" : "\(pixels * 4)"))
        }
        return (UInt32(width), height32)
    }
}

/// Encodes `rgba` (see `PNGEncoder`) and writes it to `path` atomically: under a temporary name, then renamed,
/// so no reader ever sees a half-written map. Missing parent folders are created.
/// Throws `PNGError` naming `path` for bad pixels or any file system failure; nothing is left at `path` then.
public func writePNG(rgba: [UInt8], width: Int, height: Int, to path: String,
                     compression: PNGEncoder.Compression = .standard, threads: Int = 1) throws {
    let encoded: [UInt8]
    do {
        encoded = try PNGEncoder.encode(rgba: rgba, width: width, height: height, compression: compression,
                                        threads: threads)
    } catch let error as PNGError {
        throw PNGError(path: path, message: error.message)
    }
    do {
        try writeAtomically(encoded, to: path)
    } catch let error as OutputError {
        throw PNGError(path: path, message: error.reason)
    }
}
