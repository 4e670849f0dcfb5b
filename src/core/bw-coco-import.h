/* bw-coco-import.h — COCO instances and results import
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "bw-import-util.h"
#include "bw-project.h"

G_BEGIN_DECLS

/**
 * BwCocoImportOptions:
 * @images_folder: (nullable): where `file_name`s are looked up (required
 *   for an instances file); nothing outside it is read
 * @predictions: the file is a COCO results file: a list of
 *   `{image_id, category_id, bbox | segmentation, score}` where `image_id`
 *   is the project's image id (as in Boxwood's COCO export) and
 *   `category_id` a project category id. They become pre-annotations in a
 *   model layer of each image.
 * @min_score: predictions with a lower score are skipped
 * @model_name: (nullable): the person the model layers belong to;
 *   "model" when %NULL
 * @gold: instances go into each image's gold layer, and the images
 *   become gold images: an expert's answers to score others against
 * @person_name: (nullable): instances go into this person's work layer of
 *   each image (the person is created when missing), handed in as
 *   submitted work: a vendor's delivery or a model's output to score
 *
 * With @gold or @person_name, every image of the file found in the
 * project gets the layer, even with no annotation: "nothing here" is an
 * answer too.
 */
typedef struct
{
  GFile      *images_folder;
  gboolean    predictions;
  double      min_score;
  const char *model_name;
  gboolean    gold;
  const char *person_name;
} BwCocoImportOptions;

gboolean bw_coco_import (BwProject                 *project,
                         GFile                     *file,
                         const BwCocoImportOptions *options,
                         BwAnnotationImportResult  *result,
                         GCancellable              *cancellable,
                         GError                   **error);

G_END_DECLS
