/* bw-model-report.h — where a model's predictions disagree with the answers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "bw-project.h"
#include "bw-quality.h"

G_BEGIN_DECLS

/**
 * BwModelReportOptions:
 * @iou_threshold: τ of the matching
 * @model: (nullable): the model's name (the owner of its layers, as
 *   `boxwood-cli import coco --predictions --model` named it); %NULL for
 *   the project's only model
 */
typedef struct
{
  double      iou_threshold;
  const char *model;
} BwModelReportOptions;

/**
 * BwModelImage:
 * @image_id: the image
 * @path: its path as stored
 * @reference_layer_id: the answer the model is scored against
 * @gold: whether that answer is the image's gold answer (else it is the
 *   accepted work of @annotator_id)
 * @annotator_id: whose accepted work the answer is, 0 for a gold answer
 * @n_reference: shapes in the answer
 * @n_predicted: shapes the model predicted
 * @counts: the predictions matched against the answer
 * @f1: 2 TP / (2 TP + FP + FN) over all categories; NAN when the image has
 *   neither answers nor predictions
 */
typedef struct
{
  gint64          image_id;
  char           *path;
  gint64          reference_layer_id;
  gboolean        gold;
  gint64          annotator_id;
  guint           n_reference;
  guint           n_predicted;
  BwQualityCounts counts;
  double          f1;
} BwModelImage;

/**
 * BwModelDisagreement:
 * @person_id: an annotator whose accepted work is a reference answer
 * @category_id: a category
 * @images: their accepted images the model was scored on
 * @counts: the model against their work, in @category_id (a prediction's
 *   false positive in its category, an answer's false negative in its)
 * @rate: the disagreement, (FP + FN) / (TP + FP + FN), with its interval
 *
 * A hint of a systematic labelling error, not a verdict: the model may be
 * the one that is wrong.
 */
typedef struct
{
  gint64          person_id;
  gint64          category_id;
  guint64         images;
  BwQualityCounts counts;
  BwRate          rate;
} BwModelDisagreement;

/**
 * BwModelReport:
 * @iou_threshold: τ
 * @model_id: the model's person id
 * @model: the model's name
 * @images_scored: images with a reference answer
 * @gold_images: …whose answer is a gold answer
 * @predicted_images: …on which the model predicted something
 * @unanswered_images: images with predictions but no reference answer
 *   (not accepted yet, not gold): not scored
 * @counts: all images together
 * @categories: (element-type BwQualityCategory): by category id
 * @confusion: (element-type BwQualityConfusion): reference × predicted
 * @images: (element-type BwModelImage): every image scored, lowest F1
 *   first (ties: more errors first, then by id); images without an F1
 *   come last
 * @disagreements: (element-type BwModelDisagreement): per annotator and
 *   category, the largest disagreement first (by the lower end of its
 *   interval, so that one shape does not outrank a hundred)
 */
typedef struct
{
  double      iou_threshold;
  gint64      model_id;
  char       *model;
  guint64     images_scored;
  guint64     gold_images;
  guint64     predicted_images;
  guint64     unanswered_images;
  BwQualityCounts counts;
  GArray     *categories;
  GArray     *confusion;
  GPtrArray  *images;
  GArray     *disagreements;
  GHashTable *category_names;
  GHashTable *person_names;
} BwModelReport;

void           bw_model_report_options_init   (BwModelReportOptions       *options);
BwModelReport *bw_model_report_compute        (BwProject                  *project,
                                               const BwModelReportOptions *options,
                                               GCancellable               *cancellable,
                                               GError                    **error);
void           bw_model_report_compute_async  (BwProject                  *project,
                                               const BwModelReportOptions *options,
                                               GCancellable               *cancellable,
                                               GAsyncReadyCallback         callback,
                                               gpointer                    user_data);
BwModelReport *bw_model_report_compute_finish (BwProject                  *project,
                                               GAsyncResult               *result,
                                               GError                    **error);
void           bw_model_report_free           (BwModelReport              *report);

GArray        *bw_model_report_hard_examples  (const BwModelReport        *report,
                                               double                      max_f1);
const char    *bw_model_report_category_name  (const BwModelReport        *report,
                                               gint64                      category_id);
const char    *bw_model_report_person_name    (const BwModelReport        *report,
                                               gint64                      person_id);
JsonNode      *bw_model_report_to_json        (const BwModelReport        *report,
                                               double                      max_f1);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BwModelReport, bw_model_report_free)

G_END_DECLS
