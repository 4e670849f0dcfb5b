/* bw-annotation-renderer.h — draws annotations with Cairo
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <cairo.h>
#include <glib.h>

#include "bw-annotation-set.h"

G_BEGIN_DECLS

/* widget = image × scale + offset */
typedef struct
{
  double scale;
  double offset_x;
  double offset_y;
} BwRenderView;

typedef enum
{
  BW_SHAPE_STYLE_NORMAL   = 0,
  BW_SHAPE_STYLE_SELECTED = 1 << 0,
  BW_SHAPE_STYLE_HOVER    = 1 << 1,
  BW_SHAPE_STYLE_HANDLES  = 1 << 2,
} BwShapeStyle;

/* On-screen size of a handle, in widget pixels. */
#define BW_HANDLE_SIZE 8.0

typedef struct _BwAnnotationRenderer BwAnnotationRenderer;

BwAnnotationRenderer *bw_annotation_renderer_new            (void);
void                  bw_annotation_renderer_free           (BwAnnotationRenderer *self);

void                  bw_annotation_renderer_set_categories (BwAnnotationRenderer *self,
                                                             GPtrArray            *categories);
void                  bw_annotation_renderer_get_category_rgb (BwAnnotationRenderer *self,
                                                             gint64                category_id,
                                                             double               *rgb);
void                  bw_annotation_renderer_set_category_hidden (BwAnnotationRenderer *self,
                                                             gint64                category_id,
                                                             gboolean              hidden);
gboolean              bw_annotation_renderer_get_category_hidden (BwAnnotationRenderer *self,
                                                             gint64                category_id);
GHashTable           *bw_annotation_renderer_get_hidden_categories (BwAnnotationRenderer *self);
void                  bw_annotation_renderer_set_show_labels (BwAnnotationRenderer *self,
                                                             gboolean              show_labels);
gboolean              bw_annotation_renderer_get_show_labels (BwAnnotationRenderer *self);
void                  bw_annotation_renderer_set_excluded   (BwAnnotationRenderer *self,
                                                             const gint64         *ids,
                                                             guint                 n_ids);
void                  bw_annotation_renderer_set_selected   (BwAnnotationRenderer *self,
                                                             const gint64         *ids,
                                                             guint                 n_ids);
void                  bw_annotation_renderer_set_scale_factor (BwAnnotationRenderer *self,
                                                             double                scale_factor);
void                  bw_annotation_renderer_invalidate     (BwAnnotationRenderer *self);
guint                 bw_annotation_renderer_get_n_cache_draws (BwAnnotationRenderer *self);

/* Review marks, drawn by bw_annotation_renderer_draw_set() over the
 * shapes they judge: accepted (a green check), rejected (a red outline,
 * a cross and the reason), fixed by the reviewer (a blue check), and
 * pinned comments (markers; the active one shows its text). */
void                  bw_annotation_renderer_set_reviews    (BwAnnotationRenderer *self,
                                                             GPtrArray            *reviews,
                                                             GPtrArray            *reasons);
void                  bw_annotation_renderer_set_active_pin (BwAnnotationRenderer *self,
                                                             gint64                review_id);
gint64                bw_annotation_renderer_find_pin       (BwAnnotationRenderer *self,
                                                             const BwRenderView   *view,
                                                             double                x,
                                                             double                y);

void                  bw_annotation_renderer_set_questions  (BwAnnotationRenderer *self,
                                                             GPtrArray            *questions);
guint                 bw_annotation_renderer_get_n_questions (BwAnnotationRenderer *self);

void                  bw_annotation_renderer_draw_set       (BwAnnotationRenderer *self,
                                                             cairo_t              *cr,
                                                             int                   width,
                                                             int                   height,
                                                             const BwRenderView   *view,
                                                             BwAnnotationSet      *set);
void                  bw_annotation_renderer_draw_shape     (BwAnnotationRenderer *self,
                                                             cairo_t              *cr,
                                                             const BwRenderView   *view,
                                                             const BwShape        *shape,
                                                             gint64                category_id,
                                                             BwShapeStyle          style);
void                  bw_annotation_renderer_draw_polyline  (BwAnnotationRenderer *self,
                                                             cairo_t              *cr,
                                                             const BwRenderView   *view,
                                                             const BwPoint        *points,
                                                             guint                 n_points,
                                                             const BwPoint        *pointer,
                                                             gint64                category_id);
void                  bw_annotation_renderer_draw_active_vertex (BwAnnotationRenderer *self,
                                                             cairo_t              *cr,
                                                             const BwRenderView   *view,
                                                             const BwPoint        *point);
void                  bw_annotation_renderer_draw_caption     (BwAnnotationRenderer *self,
                                                             cairo_t              *cr,
                                                             int                   width,
                                                             const char           *text);
void                  bw_annotation_renderer_draw_rubber_band (BwAnnotationRenderer *self,
                                                             cairo_t              *cr,
                                                             const BwRenderView   *view,
                                                             const BwRect         *rect);
void                  bw_annotation_renderer_draw_crosshair (BwAnnotationRenderer *self,
                                                             cairo_t              *cr,
                                                             int                   width,
                                                             int                   height,
                                                             const BwRenderView   *view,
                                                             double                x,
                                                             double                y);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BwAnnotationRenderer, bw_annotation_renderer_free)

G_END_DECLS
