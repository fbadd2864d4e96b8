import CPNG

/// A fresh simplified-API control structure for 8-bit RGBA; `opaque` starts NULL as libpng requires.
func makeRGBAImage(width: UInt32 = 0, height: UInt32 = 0, flags: UInt32 = 0) -> png_image {
    var image = png_image()
    image.version = heatgrid_png_image_version
    image.width = width
    image.height = height
    image.format = heatgrid_png_format_rgba
    image.flags = flags
    return image
}

/// The NUL-terminated text in `png_image.message` (a fixed 64-byte field imported as a tuple).
func message(of image: png_image) -> String {
    var field = image.message
    return withUnsafeBytes(of: &field) { raw in
        let bytes = raw.prefix { $0 != 0 }
        return String(decoding: bytes, as: UTF8.self)
    }
}
