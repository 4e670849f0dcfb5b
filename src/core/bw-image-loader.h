/* bw-image-loader.h — decoding images for a viewer: one at a time, cached
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "bw-image-decoder.h"

G_BEGIN_DECLS

/**
 * BwImagePyramid:
 *
 * A decoded image: its full size and the levels there are, largest first,
 * each half the size of the one before. A preview has one scaled level and
 * is not complete. Immutable, reference counted, safe to share between
 * threads.
 */
typedef struct _BwImagePyramid BwImagePyramid;

#define BW_TYPE_IMAGE_PYRAMID (bw_image_pyramid_get_type ())

GType           bw_image_pyramid_get_type      (void) G_GNUC_CONST;
BwImagePyramid *bw_image_pyramid_ref           (BwImagePyramid       *self);
void            bw_image_pyramid_unref         (BwImagePyramid       *self);
const char     *bw_image_pyramid_get_path      (const BwImagePyramid *self);
int             bw_image_pyramid_get_width     (const BwImagePyramid *self);
int             bw_image_pyramid_get_height    (const BwImagePyramid *self);
gboolean        bw_image_pyramid_is_complete   (const BwImagePyramid *self);
guint           bw_image_pyramid_get_n_levels  (const BwImagePyramid *self);
const BwPixels *bw_image_pyramid_get_level     (const BwImagePyramid *self,
                                                guint                 index);
guint           bw_image_pyramid_choose_level  (const BwImagePyramid *self,
                                                double                scale);
gsize           bw_image_pyramid_get_memory    (const BwImagePyramid *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BwImagePyramid, bw_image_pyramid_unref)

/**
 * BwImageLoaderStats:
 * @full_decodes_started: full-resolution decodes begun
 * @full_decodes_finished: of those, how many were finished for an image
 *   still wanted, and kept (cached, and shown when asked for)
 * @results_dropped: of those, how many were for an image no longer wanted
 *   by the time they were over, and were thrown away unseen (the decoder
 *   cannot be stopped once it runs, only before)
 * @max_in_flight: the most full decodes that ran at one time
 */
typedef struct
{
  guint full_decodes_started;
  guint full_decodes_finished;
  guint results_dropped;
  guint max_in_flight;
} BwImageLoaderStats;

#define BW_TYPE_IMAGE_LOADER (bw_image_loader_get_type ())

G_DECLARE_FINAL_TYPE (BwImageLoader, bw_image_loader, BW, IMAGE_LOADER, GObject)

/* Signals, on the main context the loader was made in:
 *   "preview" (BwImagePyramid *preview)  a scaled decode of the wanted image
 *   "loaded"  (BwImagePyramid *image)    the wanted image, full resolution
 *   "failed"  (const char *path, GError *error)  the wanted image cannot be shown
 * Only the image last asked for with bw_image_loader_request() is ever
 * reported; nothing comes for one asked for before it.
 */

BwImageLoader  *bw_image_loader_new              (void);
void            bw_image_loader_set_max_pixels   (BwImageLoader  *self,
                                                  guint64         max_pixels);
guint64         bw_image_loader_get_max_pixels   (BwImageLoader  *self);
void            bw_image_loader_set_cache_budget (BwImageLoader  *self,
                                                  guint64         bytes);
guint64         bw_image_loader_get_cache_budget (BwImageLoader  *self);
guint64         bw_image_loader_get_cache_memory (BwImageLoader  *self);

BwImagePyramid *bw_image_loader_lookup           (BwImageLoader  *self,
                                                  const char     *path,
                                                  int             expected_width,
                                                  int             expected_height);
void            bw_image_loader_request          (BwImageLoader  *self,
                                                  const char     *path,
                                                  int             expected_width,
                                                  int             expected_height,
                                                  gint64          expected_size,
                                                  double          preview_scale);
void            bw_image_loader_preload          (BwImageLoader  *self,
                                                  const char     *path,
                                                  int             expected_width,
                                                  int             expected_height,
                                                  gint64          expected_size);
gboolean        bw_image_loader_is_pending       (BwImageLoader  *self,
                                                  const char     *path);
void            bw_image_loader_cancel           (BwImageLoader  *self);
BwImagePyramid *bw_image_loader_load_sync        (BwImageLoader  *self,
                                                  const char     *path,
                                                  int             expected_width,
                                                  int             expected_height,
                                                  gint64          expected_size,
                                                  GError        **error);
void            bw_image_loader_get_stats        (BwImageLoader      *self,
                                                  BwImageLoaderStats *stats);

G_END_DECLS
