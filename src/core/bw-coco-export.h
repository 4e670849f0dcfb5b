/* bw-coco-export.h — COCO instances export
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "bw-project.h"

G_BEGIN_DECLS

typedef enum
{
  BW_SPLIT_TRAIN,
  BW_SPLIT_VAL,
  BW_SPLIT_TEST,
} BwSplit;

#define BW_N_SPLITS 3

/**
 * BwExportProgress:
 * @done: units of work done
 * @total: units of work in all
 * @user_data: closure data
 *
 * Reports an export's progress. From bw_coco_export() it is called in the
 * exporting thread; from bw_coco_export_async() in the caller's main
 * context.
 */
typedef void (*BwExportProgress) (guint64  done,
                                  guint64  total,
                                  gpointer user_data);

/**
 * BwExportStatus:
 * @BW_EXPORT_STATUS_SUBMITTED: submitted and accepted work (the default)
 * @BW_EXPORT_STATUS_ACCEPTED: accepted work only
 * @BW_EXPORT_STATUS_ALL: all work, also what is still in progress
 * @BW_EXPORT_STATUS_GOLD: the gold answers of the gold images, and no work
 * @BW_EXPORT_STATUS_REFERENCE: the answers a model is scored against: the
 *   gold answer of a gold image, else the accepted work (the hard
 *   examples of bw-model-report.h)
 *
 * Which images an export takes, by the status of their work. A gold
 * layer is exported only when asked for with %BW_EXPORT_STATUS_GOLD:
 * otherwise a gold image is exported as any other, by its annotators'
 * work, and the answer they are scored against stays in the project.
 */
typedef enum
{
  BW_EXPORT_STATUS_SUBMITTED = 0,
  BW_EXPORT_STATUS_ACCEPTED  = 1,
  BW_EXPORT_STATUS_ALL       = 2,
  BW_EXPORT_STATUS_GOLD      = 3,
  BW_EXPORT_STATUS_REFERENCE = 4,
} BwExportStatus;

#define BW_EXPORT_N_STATUS 5

/**
 * BwCocoExportOptions:
 * @status: the images to export, by the status of their work
 * @category_ids: (nullable) (array length=n_category_ids): the categories to
 *   export; %NULL for all of them
 * @n_category_ids: the length of @category_ids
 * @image_root: (nullable): `file_name` is relative to this folder; %NULL for
 *   the project's folder. Images outside it get their absolute path.
 * @copy_images_to: (nullable): a folder to copy the image files into; then
 *   `file_name` is relative to that folder
 * @split: train, val and test ratios; all zero for one file with every image
 * @seed: the seed of the split's shuffle: the same seed and the same
 *   images give the same split
 * @with_review: give each annotation a `boxwood_review` object: its
 *   annotator, and the verdict that stands on it with its reason,
 *   comment and reviewer, and the version of the guidelines it was made
 *   under (COCO readers ignore members they do not know)
 * @image_ids: (nullable) (array length=n_image_ids): export only these
 *   images (those of them the status takes); %NULL for all, an empty
 *   array (not %NULL) for none
 * @n_image_ids: the length of @image_ids
 */
typedef struct
{
  BwExportStatus status;
  const gint64 *category_ids;
  guint         n_category_ids;
  GFile        *image_root;
  GFile        *copy_images_to;
  double        split[BW_N_SPLITS];
  guint32       seed;
  gboolean      with_review;
  const gint64 *image_ids;
  guint         n_image_ids;
} BwCocoExportOptions;

/**
 * BwExportResult:
 * @n_files: the number of files written (one per non-empty split)
 * @files: (array length=n_files): the files written
 * @images: images exported, in all files
 * @annotations: annotations exported, in all files
 * @split_images: images per split (all in @BW_SPLIT_TRAIN without a split)
 * @copied_images: image files copied
 * @outside_root: images outside the image root, written with an absolute path
 * @left_out: images with work that the status left out
 * @skipped_damaged: annotations left out because their stored geometry is
 *   damaged (written by another program, or by a version that checked
 *   less): the export goes on without them
 * @damaged: (nullable) (element-type utf8): one line for each of the first
 *   %BW_EXPORT_MAX_DAMAGED_LISTED of them, naming the image file, the
 *   annotation id and the problem
 */
typedef struct
{
  guint   n_files;
  GFile  *files[BW_N_SPLITS];
  guint64 images;
  guint64 annotations;
  guint64 split_images[BW_N_SPLITS];
  guint64 copied_images;
  guint64 outside_root;
  guint64 left_out;
  guint64 skipped_damaged;
  GPtrArray *damaged;
} BwExportResult;

#define BW_EXPORT_MAX_DAMAGED_LISTED 100

const char *bw_export_status_to_string   (BwExportStatus          status);
gboolean    bw_export_status_from_string (const char             *text,
                                          BwExportStatus         *status);
GPtrArray  *bw_coco_export_find_existing (GFile                     *destination,
                                          const BwCocoExportOptions *options);

const char *bw_split_to_string        (BwSplit                    split);
gboolean    bw_split_parse            (const char                *text,
                                       double                     ratios[BW_N_SPLITS],
                                       GError                   **error);
void        bw_export_result_clear    (BwExportResult            *result);

gboolean    bw_coco_export            (BwProject                 *project,
                                       GFile                     *destination,
                                       const BwCocoExportOptions *options,
                                       BwExportProgress           progress,
                                       gpointer                   progress_data,
                                       BwExportResult            *result,
                                       GCancellable              *cancellable,
                                       GError                   **error);
void        bw_coco_export_async      (BwProject                 *project,
                                       GFile                     *destination,
                                       const BwCocoExportOptions *options,
                                       BwExportProgress           progress,
                                       gpointer                   progress_data,
                                       GDestroyNotify             progress_destroy,
                                       GCancellable              *cancellable,
                                       GAsyncReadyCallback        callback,
                                       gpointer                   user_data);
gboolean    bw_coco_export_finish     (BwProject                 *project,
                                       GAsyncResult              *result,
                                       BwExportResult            *out_result,
                                       GError                   **error);

G_END_DECLS
