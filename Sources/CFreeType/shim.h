#ifndef HEATGRID_CFREETYPE_SHIM_H
#define HEATGRID_CFREETYPE_SHIM_H
#include <ft2build.h>
#include FT_FREETYPE_H

// Load flags and face flags are macros built from shifts and function-like macros, which Swift cannot
// import; re-export the ones we use as constants.

// Render an 8-bit grey coverage bitmap while loading, with FreeType's light hinting (vertical only), which
// keeps CJK strokes crisp at small sizes without distorting advances.
static const FT_Int32 heatgrid_ft_load_render_light = FT_LOAD_RENDER | FT_LOAD_TARGET_LIGHT;
// Load outline metrics without rendering (for advances when measuring).
static const FT_Int32 heatgrid_ft_load_default = FT_LOAD_DEFAULT;
static const FT_Long heatgrid_ft_face_flag_kerning = FT_FACE_FLAG_KERNING;
static const unsigned char heatgrid_ft_pixel_mode_gray = FT_PIXEL_MODE_GRAY;
#endif
