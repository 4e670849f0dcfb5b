/* bw-annotation-set.h — the annotations of one layer, in memory, indexed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "bw-project.h"
#include "bw-spatial-index.h"

G_BEGIN_DECLS

typedef struct _BwAnnotationSet BwAnnotationSet;

/* @position, @removed, @added as in GListModel::items-changed, over the
 * drawing order (bw_annotation_set_get_nth()). */
typedef void (*BwAnnotationSetChangedFunc) (BwAnnotationSet *set,
                                            guint            position,
                                            guint            removed,
                                            guint            added,
                                            gpointer         user_data);

BwAnnotationSet    *bw_annotation_set_new           (double                 width,
                                                     double                 height);
void                bw_annotation_set_free          (BwAnnotationSet       *self);
void                bw_annotation_set_reset         (BwAnnotationSet       *self,
                                                     double                 width,
                                                     double                 height);
guint               bw_annotation_set_get_size      (const BwAnnotationSet *self);
guint64             bw_annotation_set_get_stamp     (const BwAnnotationSet *self);
void                bw_annotation_set_get_image_size (const BwAnnotationSet *self,
                                                     double                *width,
                                                     double                *height);
const BwAnnotation *bw_annotation_set_get_nth       (const BwAnnotationSet *self,
                                                     guint                  index);
const BwAnnotation *bw_annotation_set_lookup        (const BwAnnotationSet *self,
                                                     gint64                 id);
void                bw_annotation_set_put           (BwAnnotationSet       *self,
                                                     const BwAnnotation    *annotation);
void                bw_annotation_set_take          (BwAnnotationSet       *self,
                                                     BwAnnotation          *annotation);
gboolean            bw_annotation_set_remove        (BwAnnotationSet       *self,
                                                     gint64                 id);
guint               bw_annotation_set_find          (const BwAnnotationSet *self,
                                                     gint64                 id);
void                bw_annotation_set_set_changed_func (BwAnnotationSet    *self,
                                                     BwAnnotationSetChangedFunc func,
                                                     gpointer               user_data);
void                bw_annotation_set_remove_changed_func (BwAnnotationSet *self,
                                                      gpointer         user_data);
void                bw_annotation_set_set_hidden    (BwAnnotationSet       *self,
                                                     gint64                 id,
                                                     gboolean               hidden);
gboolean            bw_annotation_set_get_hidden    (const BwAnnotationSet *self,
                                                     gint64                 id);
guint               bw_annotation_set_get_n_hidden  (const BwAnnotationSet *self);
BwSpatialIndex     *bw_annotation_set_get_index     (BwAnnotationSet       *self);
void                bw_annotation_set_query_rect    (BwAnnotationSet       *self,
                                                     const BwRect          *rect,
                                                     GPtrArray             *out);
gint64              bw_annotation_set_hit_test      (BwAnnotationSet       *self,
                                                     double                 x,
                                                     double                 y,
                                                     double                 tolerance,
                                                     GHashTable            *hidden_categories);

gboolean            bw_shape_near_outline           (const BwShape         *shape,
                                                     double                 x,
                                                     double                 y,
                                                     double                 tolerance);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BwAnnotationSet, bw_annotation_set_free)

G_END_DECLS
