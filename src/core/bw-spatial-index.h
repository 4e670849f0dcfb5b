/* bw-spatial-index.h — a uniform grid over rectangles, for hit testing and culling
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "bw-geometry.h"

G_BEGIN_DECLS

typedef struct _BwSpatialIndex BwSpatialIndex;

BwSpatialIndex *bw_spatial_index_new         (double                width,
                                              double                height);
void            bw_spatial_index_free        (BwSpatialIndex       *self);
void            bw_spatial_index_clear       (BwSpatialIndex       *self);
guint           bw_spatial_index_get_size    (const BwSpatialIndex *self);
void            bw_spatial_index_insert      (BwSpatialIndex       *self,
                                              gint64                id,
                                              const BwRect         *rect);
gboolean        bw_spatial_index_remove      (BwSpatialIndex       *self,
                                              gint64                id);
gboolean        bw_spatial_index_lookup      (const BwSpatialIndex *self,
                                              gint64                id,
                                              BwRect               *rect);
void            bw_spatial_index_query_rect  (BwSpatialIndex       *self,
                                              const BwRect         *rect,
                                              GArray               *ids);
void            bw_spatial_index_query_point (BwSpatialIndex       *self,
                                              double                x,
                                              double                y,
                                              double                tolerance,
                                              GArray               *ids);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BwSpatialIndex, bw_spatial_index_free)

G_END_DECLS
