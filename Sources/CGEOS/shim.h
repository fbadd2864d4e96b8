#ifndef HEATGRID_CGEOS_SHIM_H
#define HEATGRID_CGEOS_SHIM_H
// Only the reentrant (thread-safe, context-handle) API is visible to Swift.
#define GEOS_USE_ONLY_R_API
#include <geos_c.h>
#endif
