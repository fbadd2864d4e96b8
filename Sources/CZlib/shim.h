#ifndef HEATGRID_CZLIB_SHIM_H
#define HEATGRID_CZLIB_SHIM_H
#include <zlib.h>
// deflateInit2 is a macro Swift cannot call, and adler32_combine may be one (large-file builds): wrap both.

// A raw deflate stream (no zlib header or trailer, which the caller writes) with a 32 KiB window.
static inline int heatgrid_deflate_init_raw(z_streamp stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
}

// The Adler-32 of two concatenated pieces from each piece's checksum and the second piece's length.
static inline uLong heatgrid_adler32_combine(uLong first, uLong second, long long secondLength) {
    return adler32_combine(first, second, (z_off_t)secondLength);
}
#endif
