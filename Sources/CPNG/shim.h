#ifndef HEATGRID_CPNG_SHIM_H
#define HEATGRID_CPNG_SHIM_H
#include <png.h>
// PNG_FORMAT_* are macros Swift cannot import; re-export the ones we use as constants.
static const png_uint_32 heatgrid_png_format_rgba = PNG_FORMAT_RGBA;
static const png_uint_32 heatgrid_png_format_gray = PNG_FORMAT_GRAY;
static const png_uint_32 heatgrid_png_image_version = PNG_IMAGE_VERSION;

// An upper bound on the encoded size of an 8-bit RGBA image (PNG_IMAGE_PNG_SIZE_MAX is a macro), so
// png_image_write_to_memory can write in one pass. The caller keeps width * height * 4 within memory.
static inline png_alloc_size_t heatgrid_png_rgba_encoded_size_max(png_uint_32 width, png_uint_32 height) {
    png_image image = {0};
    image.version = PNG_IMAGE_VERSION;
    image.width = width;
    image.height = height;
    image.format = PNG_FORMAT_RGBA;
    return PNG_IMAGE_PNG_SIZE_MAX(image);
}
#endif
