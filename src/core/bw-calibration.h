/* bw-calibration.h — calibration rounds: the same images for everyone
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
 * BwCalibrationRound:
 * @id: the round
 * @name: what the lead called it
 * @started_by: the lead, 0 when unknown
 * @created_at: when it started (µs since the epoch)
 * @n_images: its images
 * @n_people: the people who answer it
 * @n_expected: answers expected (images × people)
 * @n_submitted: answers handed in
 */
typedef struct
{
  gint64   id;
  char    *name;
  gint64   started_by;
  gint64   created_at;
  guint    n_images;
  guint    n_people;
  guint    n_expected;
  guint    n_submitted;
} BwCalibrationRound;

/**
 * BwCalibrationCategory:
 * @category_id: a category
 * @alpha: Krippendorff's α of the objects (units, matched across people
 *   regardless of category, as for the quality figures) that someone gave
 *   this category, pooled over the round's images; NAN without any
 * @units: how many such objects
 * @pairs: every pair of people on every image, the later person's shapes
 *   matched against the earlier's (a false positive counts in the
 *   later's category, a false negative in the earlier's): pairwise F1
 */
typedef struct
{
  gint64          category_id;
  double          alpha;
  guint64         units;
  BwQualityCounts pairs;
} BwCalibrationCategory;

/**
 * BwCalibrationImage:
 * @image_id: an image of the round
 * @path: its path as stored
 * @n_answers: people who handed in their answer
 * @alpha: their agreement on it (α after matching), NAN with fewer than
 *   two answers or no shape
 * @units: the objects on it
 */
typedef struct
{
  gint64   image_id;
  char    *path;
  guint    n_answers;
  double   alpha;
  guint64  units;
} BwCalibrationImage;

/**
 * BwCalibrationReport:
 * @round: the round
 * @iou_threshold: τ
 * @people: (element-type gint64): the round's people, by id: the order of
 *   their colours in the overlay
 * @alpha: α of all the round's objects, pooled; NAN without any
 * @units: objects in all
 * @pairs: pairwise counts over all categories
 * @categories: (element-type BwCalibrationCategory): by category id
 * @images: (element-type BwCalibrationImage): the round's images that
 *   someone handed in an answer to, the lowest α first (those without
 *   one last)
 */
typedef struct
{
  BwCalibrationRound  round;
  double              iou_threshold;
  GArray             *people;
  double              alpha;
  guint64             units;
  BwQualityCounts     pairs;
  GArray             *categories;
  GPtrArray          *images;
  GHashTable         *category_names;
  GHashTable         *person_names;
} BwCalibrationReport;

/**
 * BwCalibrationShape:
 * @person_id: whose answer it is
 * @category_id: its category
 * @shape: in image pixels
 */
typedef struct
{
  gint64   person_id;
  gint64   category_id;
  BwShape *shape;
} BwCalibrationShape;

void                 bw_calibration_round_free   (BwCalibrationRound  *round);
void                 bw_calibration_report_free  (BwCalibrationReport *report);

gboolean             bw_project_start_calibration_round (BwProject     *self,
                                                 const char         *name,
                                                 gint64              lead_id,
                                                 guint               n_images,
                                                 guint64             seed,
                                                 const gint64       *people,
                                                 guint               n_people,
                                                 gint64             *out_round_id,
                                                 GError            **error);
GPtrArray           *bw_project_list_calibration_rounds (BwProject  *self,
                                                 GError            **error);
BwCalibrationRound  *bw_project_get_calibration_round (BwProject    *self,
                                                 gint64              round_id,
                                                 GError            **error);
GArray              *bw_project_list_calibration_people (BwProject  *self,
                                                 gint64              round_id,
                                                 GError            **error);
GPtrArray           *bw_project_list_calibration_shapes (BwProject  *self,
                                                 gint64              round_id,
                                                 gint64              image_id,
                                                 GError            **error);

BwCalibrationReport *bw_calibration_compute      (BwProject           *project,
                                                  gint64               round_id,
                                                  double               iou_threshold,
                                                  GCancellable        *cancellable,
                                                  GError             **error);
void                 bw_calibration_compute_async (BwProject          *project,
                                                  gint64               round_id,
                                                  double               iou_threshold,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
BwCalibrationReport *bw_calibration_compute_finish (BwProject         *project,
                                                  GAsyncResult        *result,
                                                  GError             **error);
const char          *bw_calibration_report_category_name (const BwCalibrationReport *report,
                                                  gint64               category_id);
const char          *bw_calibration_report_person_name (const BwCalibrationReport *report,
                                                  gint64               person_id);
JsonNode            *bw_calibration_report_to_json (const BwCalibrationReport *report);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BwCalibrationRound, bw_calibration_round_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BwCalibrationReport, bw_calibration_report_free)

G_END_DECLS
