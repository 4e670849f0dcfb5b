/* bw-geometry-geos.h — shapes as GEOS geometries
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * For core code that measures or changes shapes with GEOS (clipping to the
 * image, areas, IoU). GEOS handles are not thread-safe: each thread uses
 * its own context, bw_geometry_geos_context(), and geometries made with
 * one context are used only with it.
 */

#pragma once

#define GEOS_USE_ONLY_R_API
#include <geos_c.h>

#include "bw-geometry.h"

G_BEGIN_DECLS

GEOSContextHandle_t  bw_geometry_geos_context (void);

GEOSGeometry        *bw_shape_to_geos         (GEOSContextHandle_t  geos,
                                               const BwShape       *shape);
BwShape             *bw_shape_new_from_geos   (GEOSContextHandle_t  geos,
                                               const GEOSGeometry  *geometry);

G_END_DECLS
