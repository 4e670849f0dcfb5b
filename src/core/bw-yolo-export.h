/* bw-yolo-export.h — YOLO (Ultralytics) dataset export
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "bw-coco-export.h"

G_BEGIN_DECLS

/**
 * BwYoloExportOptions:
 * @status: as for COCO
 * @category_ids: (nullable): the categories to export; %NULL for all
 * @n_category_ids: the length of @category_ids
 * @image_root: (nullable): label paths mirror image paths relative to this
 *   folder; %NULL for the project's folder
 * @segmentation: write polygons as segmentation lines (one per part)
 *   rather than as their bounding boxes
 * @copy_images: also copy the images to `images/` in the folder, which is
 *   where YOLO trainers look for the images of `labels/`
 */
typedef struct
{
  BwExportStatus status;
  const gint64 *category_ids;
  guint         n_category_ids;
  GFile        *image_root;
  gboolean      segmentation;
  gboolean      copy_images;
} BwYoloExportOptions;

gboolean bw_yolo_export        (BwProject                 *project,
                                GFile                     *folder,
                                const BwYoloExportOptions *options,
                                BwExportProgress           progress,
                                gpointer                   progress_data,
                                BwExportResult            *result,
                                GCancellable              *cancellable,
                                GError                   **error);
void     bw_yolo_export_async  (BwProject                 *project,
                                GFile                     *folder,
                                const BwYoloExportOptions *options,
                                BwExportProgress           progress,
                                gpointer                   progress_data,
                                GDestroyNotify             progress_destroy,
                                GCancellable              *cancellable,
                                GAsyncReadyCallback        callback,
                                gpointer                   user_data);
gboolean bw_yolo_export_finish (BwProject                 *project,
                                GAsyncResult              *result,
                                BwExportResult            *out_result,
                                GError                   **error);
GPtrArray *bw_yolo_export_find_existing (GFile            *folder);

G_END_DECLS
