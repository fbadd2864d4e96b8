#ifndef HEATGRID_CPNG_SHIM_H
#define HEATGRID_CPNG_SHIM_H
#include <png.h>
// PNG_FORMAT_* are macros Swift cannot import; re-export the ones we use as constants.
static const png_uint_32 heatgrid_png_format_rgba = PNG_FORMAT_RGBA;
static const png_uint_32 heatgrid_png_format_gray = PNG_FORMAT_GRAY;
static const png_uint_32 heatgrid_png_image_version = PNG_IMAGE_VERSION;
#endif
