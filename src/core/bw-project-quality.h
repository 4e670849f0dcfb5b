/* bw-project-quality.h — what the quality figures read from a project
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "bw-matching.h"
#include "bw-project.h"

G_BEGIN_DECLS

/**
 * BwQualityLayer:
 * @layer_id: the layer
 * @person_id: its person (0 for a gold layer without one)
 * @kind: %BW_LAYER_KIND_GOLD or %BW_LAYER_KIND_WORK (and
 *   %BW_LAYER_KIND_MODEL from bw_project_read_model_images())
 * @first: the index of its first shape in the image's @shapes
 * @n_shapes: how many shapes it has (0 for an empty answer)
 */
typedef struct
{
  gint64      layer_id;
  gint64      person_id;
  BwLayerKind kind;
  guint       first;
  guint       n_shapes;
} BwQualityLayer;

/**
 * BwQualityImage:
 * @image_id: the image
 * @path: its path as stored
 * @is_gold: whether it is a gold image
 * @layers: (element-type BwQualityLayer): its layers that count, in id
 *   order: the gold layer, and every person's submitted (or reviewed)
 *   work layer
 * @shapes: (element-type BwMatchShape): the shapes of all those layers
 *
 * One image as the quality figures see it. Work in progress does not
 * count: a layer counts once its person has submitted it.
 */
typedef struct
{
  gint64      image_id;
  const char *path;
  gboolean    is_gold;
  GArray     *layers;
  GArray     *shapes;
} BwQualityImage;

/* Called for each image; return FALSE with @error set to stop. */
typedef gboolean (*BwQualityImageFunc) (const BwQualityImage *image,
                                        guint                 index,
                                        guint                 n_images,
                                        gpointer              user_data,
                                        GError              **error);

gboolean bw_project_read_quality_images (BwProject          *self,
                                         GHashTable         *people,
                                         GHashTable         *categories,
                                         BwQualityImageFunc  func,
                                         gpointer            user_data,
                                         GCancellable       *cancellable,
                                         GError            **error);

GPtrArray *bw_project_list_models          (BwProject          *self,
                                           GError            **error);
gboolean   bw_project_read_model_images   (BwProject          *self,
                                           gint64              model_id,
                                           GHashTable         *people,
                                           GHashTable         *categories,
                                           guint              *out_unanswered,
                                           BwQualityImageFunc  func,
                                           gpointer            user_data,
                                           GCancellable       *cancellable,
                                           GError            **error);
gboolean   bw_project_read_round_images   (BwProject          *self,
                                           gint64              round_id,
                                           GHashTable         *people,
                                           GHashTable         *categories,
                                           BwQualityImageFunc  func,
                                           gpointer            user_data,
                                           GCancellable       *cancellable,
                                           GError            **error);

G_END_DECLS
