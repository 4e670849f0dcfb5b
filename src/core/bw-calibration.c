/* bw-calibration.c — how well a calibration round's people agree
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The same definitions as the quality figures' agreement (bw-quality.c):
 * on each image of the round, the people's answers are grouped into
 * objects (units) by matching each person in turn, regardless of
 * category, against the units of every earlier one; a unit holds each
 * person's category, or "nothing". A round pools the units of all its
 * images; a category's α is the nominal α of the units in which someone
 * gave that category, so that both a missed object and a confusion with
 * another category count against it. Pairwise F1 matches every later
 * person against every earlier one on each image.
 */

#define G_LOG_DOMAIN "bw-quality"

#include "config.h"

#include <math.h>
#include <stdlib.h>

#include <glib/gi18n.h>

#include "bw-calibration.h"
#include "bw-project-quality.h"
#include "bw-quality-private.h"
#include "bw-stats.h"

/* The value of "no shape" in a unit; category ids are positive. */
#define NOTHING (-1.0)

/* Units of one category (or of all), pooled: values and unit ends. */
typedef struct
{
  GArray *values;   /* double */
  GArray *ends;     /* guint */
} Pool;

typedef struct
{
  BwCalibrationReport *report;
  BwMatcher           *matcher;
  Pool                 all;
  GHashTable          *pools;       /* gint64 category → Pool */
  GHashTable          *pair_counts; /* gint64 category → BwQualityCounts */
  GHashTable          *confusion;   /* unused; the counting wants one */
  GArray              *units;
  GArray              *annotated_out;
  GArray              *reference_out;
} Computation;

static void
pool_init (Pool *pool)
{
  pool->values = g_array_new (FALSE, FALSE, sizeof (double));
  pool->ends = g_array_new (FALSE, FALSE, sizeof (guint));
}

static void
pool_clear (Pool *pool)
{
  g_clear_pointer (&pool->values, g_array_unref);
  g_clear_pointer (&pool->ends, g_array_unref);
}

static void
pool_free (Pool *pool)
{
  pool_clear (pool);
  g_free (pool);
}

static void
pool_add (Pool         *pool,
          const double *values,
          guint         n)
{
  guint end;

  g_array_append_vals (pool->values, values, n);
  end = pool->values->len;
  g_array_append_val (pool->ends, end);
}

static double
pool_alpha (const Pool *pool)
{
  if (pool->ends->len == 0)
    return NAN;
  return bw_stats_krippendorff_alpha ((const double *) (gpointer) pool->values->data,
                                      (const guint *) (gpointer) pool->ends->data,
                                      pool->ends->len, BW_ALPHA_NOMINAL);
}

static void
calibration_image_free (BwCalibrationImage *image)
{
  g_free (image->path);
  g_free (image);
}

void
bw_calibration_report_free (BwCalibrationReport *report)
{
  if (report == NULL)
    return;

  g_free (report->round.name);
  g_clear_pointer (&report->people, g_array_unref);
  g_clear_pointer (&report->categories, g_array_unref);
  g_clear_pointer (&report->images, g_ptr_array_unref);
  g_clear_pointer (&report->category_names, g_hash_table_unref);
  g_clear_pointer (&report->person_names, g_hash_table_unref);
  g_free (report);
}

static void
score_pair (Computation          *c,
            const BwQualityImage *image,
            const BwQualityLayer *earlier,
            const BwQualityLayer *later)
{
  GHashTable *category_tables[] = { c->pair_counts };
  GHashTable *confusion_tables[] = { c->confusion };
  const BwMatchShape *a = &g_array_index (image->shapes, BwMatchShape, later->first);
  const BwMatchShape *r = &g_array_index (image->shapes, BwMatchShape, earlier->first);

  g_array_set_size (c->annotated_out, later->n_shapes);
  g_array_set_size (c->reference_out, earlier->n_shapes);
  bw_matcher_match (c->matcher, a, later->n_shapes, r, earlier->n_shapes,
                    (BwMatchOutcome *) (void *) c->annotated_out->data,
                    (BwMatchOutcome *) (void *) c->reference_out->data);
  _bw_quality_count_outcomes (a, later->n_shapes, (const BwMatchOutcome *) (void *) c->annotated_out->data,
                              r, earlier->n_shapes, (const BwMatchOutcome *) (void *) c->reference_out->data,
                              &c->report->pairs, category_tables, confusion_tables, 1);
}

static gboolean
score_image_cb (const BwQualityImage  *image,
                guint                  index,
                guint                  n_images,
                gpointer               user_data,
                GError               **error)
{
  Computation *c = user_data;
  g_autofree BwQualityLayer *work = g_new (BwQualityLayer, MAX (1, image->layers->len));
  g_autofree double *values = NULL;
  BwCalibrationImage *result;
  guint n_work = 0, n_units;

  for (guint l = 0; l < image->layers->len; l++)
    work[n_work++] = g_array_index (image->layers, BwQualityLayer, l);

  /* One answer per person: their latest layer. */
  qsort (work, n_work, sizeof (BwQualityLayer), _bw_quality_compare_layers_by_person);
  {
    guint kept = 0;

    for (guint w = 0; w < n_work; w++)
      {
        if (kept > 0 && work[kept - 1].person_id == work[w].person_id)
          work[kept - 1] = work[w];
        else
          work[kept++] = work[w];
      }
    n_work = kept;
  }

  result = g_new0 (BwCalibrationImage, 1);
  result->image_id = image->image_id;
  result->path = g_strdup (image->path);
  result->n_answers = n_work;
  result->alpha = NAN;
  g_ptr_array_add (c->report->images, result);

  if (n_work < 2)
    return TRUE;

  for (guint x = 0; x < n_work; x++)
    for (guint y = x + 1; y < n_work; y++)
      score_pair (c, image, &work[x], &work[y]);

  n_units = _bw_quality_build_units (c->matcher, image, work, n_work, c->units);
  result->units = n_units;
  c->report->units += n_units;
  if (n_units == 0)
    return TRUE;

  {
    Pool here;

    pool_init (&here);
    values = g_new (double, n_work);
    for (guint u = 0; u < n_units; u++)
      {
        g_autoptr(GHashTable) given = g_hash_table_new (g_int64_hash, g_int64_equal);
        g_autofree gint64 *categories = g_new (gint64, n_work);

        for (guint k = 0; k < n_work; k++)
          {
            int s = g_array_index (c->units, int, u * n_work + k);

            categories[k] = s < 0 ? 0 : g_array_index (image->shapes, BwMatchShape, work[k].first + s).category_id;
            values[k] = s < 0 ? NOTHING : (double) categories[k];
          }
        pool_add (&here, values, n_work);
        pool_add (&c->all, values, n_work);

        /* The unit counts once for each category someone gave it. */
        for (guint k = 0; k < n_work; k++)
          {
            Pool *pool;

            if (categories[k] == 0 || g_hash_table_contains (given, &categories[k]))
              continue;
            g_hash_table_add (given, &categories[k]);
            pool = g_hash_table_lookup (c->pools, &categories[k]);
            if (pool == NULL)
              {
                pool = g_new0 (Pool, 1);
                pool_init (pool);
                g_hash_table_insert (c->pools, g_memdup2 (&categories[k], sizeof (gint64)), pool);
              }
            pool_add (pool, values, n_work);
          }
      }
    result->alpha = pool_alpha (&here);
    pool_clear (&here);
  }

  return TRUE;
}

static int
compare_images (gconstpointer a,
                gconstpointer b)
{
  const BwCalibrationImage *x = *(BwCalibrationImage * const *) a;
  const BwCalibrationImage *y = *(BwCalibrationImage * const *) b;

  if (isnan (x->alpha) != isnan (y->alpha))
    return isnan (x->alpha) ? 1 : -1;
  if (!isnan (x->alpha) && x->alpha != y->alpha)
    return x->alpha < y->alpha ? -1 : 1;
  return x->image_id < y->image_id ? -1 : x->image_id > y->image_id;
}

static int
compare_categories (gconstpointer a,
                    gconstpointer b)
{
  const BwCalibrationCategory *x = a, *y = b;

  return x->category_id < y->category_id ? -1 : x->category_id > y->category_id;
}

static void
finish_report (Computation *c)
{
  BwCalibrationReport *report = c->report;
  g_autoptr(GHashTable) ids = g_hash_table_new (g_int64_hash, g_int64_equal);
  GHashTableIter iter;
  gpointer key;

  report->alpha = pool_alpha (&c->all);

  /* Every category with a unit or a pairwise count. */
  g_hash_table_iter_init (&iter, c->pools);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_hash_table_add (ids, key);
  g_hash_table_iter_init (&iter, c->pair_counts);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_hash_table_add (ids, key);

  g_hash_table_iter_init (&iter, ids);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      BwCalibrationCategory category = { *(gint64 *) key, NAN, 0, { 0, } };
      const Pool *pool = g_hash_table_lookup (c->pools, key);
      const BwQualityCounts *counts = g_hash_table_lookup (c->pair_counts, key);

      if (pool != NULL)
        {
          category.alpha = pool_alpha (pool);
          category.units = pool->ends->len;
        }
      if (counts != NULL)
        category.pairs = *counts;
      g_array_append_val (report->categories, category);
    }
  g_array_sort (report->categories, compare_categories);
  g_ptr_array_sort (report->images, compare_images);
}

/**
 * bw_calibration_compute:
 * @project: a project
 * @round_id: one of its calibration rounds
 * @iou_threshold: τ of the matching
 * @cancellable: (nullable): to stop
 * @error: return location for a #GError
 *
 * Measures the agreement of the round's people on its images, from the
 * answers handed in so far. Safe to call from a worker thread.
 *
 * Returns: (transfer full): the report, or %NULL on error
 */
BwCalibrationReport *
bw_calibration_compute (BwProject     *project,
                        gint64         round_id,
                        double         iou_threshold,
                        GCancellable  *cancellable,
                        GError       **error)
{
  g_autoptr(BwCalibrationReport) report = NULL;
  g_autoptr(BwCalibrationRound) round = NULL;
  Computation c = { 0, };
  gboolean ok;

  g_return_val_if_fail (BW_IS_PROJECT (project), NULL);
  g_return_val_if_fail (iou_threshold > 0.0 && iou_threshold <= 1.0, NULL);

  round = bw_project_get_calibration_round (project, round_id, error);
  if (round == NULL)
    return NULL;

  report = g_new0 (BwCalibrationReport, 1);
  report->round = *round;
  report->round.name = g_strdup (round->name);
  report->iou_threshold = iou_threshold;
  report->alpha = NAN;
  report->categories = g_array_new (FALSE, FALSE, sizeof (BwCalibrationCategory));
  report->images = g_ptr_array_new_with_free_func ((GDestroyNotify) calibration_image_free);
  report->category_names = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  report->person_names = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  report->people = bw_project_list_calibration_people (project, round_id, error);
  if (report->people == NULL)
    return NULL;

  c.report = report;
  c.matcher = bw_matcher_new (iou_threshold);
  pool_init (&c.all);
  c.pools = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, (GDestroyNotify) pool_free);
  c.pair_counts = _bw_quality_counts_table_new ();
  c.confusion = _bw_quality_confusion_table_new ();
  c.units = g_array_new (FALSE, FALSE, sizeof (int));
  c.annotated_out = g_array_new (FALSE, FALSE, sizeof (BwMatchOutcome));
  c.reference_out = g_array_new (FALSE, FALSE, sizeof (BwMatchOutcome));

  ok = bw_project_read_round_images (project, round_id, report->person_names, report->category_names,
                                     score_image_cb, &c, cancellable, error);
  if (ok)
    finish_report (&c);

  bw_matcher_free (c.matcher);
  pool_clear (&c.all);
  g_hash_table_unref (c.pools);
  g_hash_table_unref (c.pair_counts);
  g_hash_table_unref (c.confusion);
  g_array_unref (c.units);
  g_array_unref (c.annotated_out);
  g_array_unref (c.reference_out);

  return ok ? g_steal_pointer (&report) : NULL;
}

typedef struct
{
  gint64 round_id;
  double iou_threshold;
} ComputeData;

static void
compute_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  ComputeData *data = task_data;
  GError *error = NULL;
  BwCalibrationReport *report = NULL;
  g_autoptr(BwProject) project = bw_project_open_another (source_object, &error);

  if (project != NULL)
    report = bw_calibration_compute (project, data->round_id, data->iou_threshold, cancellable, &error);
  g_clear_object (&project);
  if (report == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, report, (GDestroyNotify) bw_calibration_report_free);
}

/**
 * bw_calibration_compute_async:
 *
 * bw_calibration_compute() in a worker thread.
 */
void
bw_calibration_compute_async (BwProject           *project,
                              gint64               round_id,
                              double               iou_threshold,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ComputeData *data;

  g_return_if_fail (BW_IS_PROJECT (project));

  data = g_new0 (ComputeData, 1);
  data->round_id = round_id;
  data->iou_threshold = iou_threshold;
  task = g_task_new (project, cancellable, callback, user_data);
  g_task_set_source_tag (task, bw_calibration_compute_async);
  g_task_set_task_data (task, data, g_free);
  g_task_run_in_thread (task, compute_thread);
}

BwCalibrationReport *
bw_calibration_compute_finish (BwProject     *project,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, project), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

const char *
bw_calibration_report_category_name (const BwCalibrationReport *report,
                                     gint64                     category_id)
{
  const char *name = g_hash_table_lookup (report->category_names, &category_id);

  return name != NULL ? name : "";
}

const char *
bw_calibration_report_person_name (const BwCalibrationReport *report,
                                   gint64                     person_id)
{
  const char *name = g_hash_table_lookup (report->person_names, &person_id);

  return name != NULL ? name : "";
}

static void
add_int (JsonBuilder *builder,
         const char  *name,
         gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

/* α, and pairwise TP, FP, FN and F1. */
static void
add_agreement (JsonBuilder           *builder,
               double                 alpha,
               guint64                units,
               const BwQualityCounts *pairs)
{
  BwRate f1;

  _bw_quality_json_add_number (builder, "alpha", alpha);
  add_int (builder, "units", units);
  bw_quality_counts_f1 (pairs, &f1);
  add_int (builder, "tp", pairs->tp);
  add_int (builder, "fp", pairs->fp);
  add_int (builder, "fn", pairs->fn);
  _bw_quality_json_add_number (builder, "pairwise_f1", f1.value);
}

/**
 * bw_calibration_report_to_json:
 *
 * Returns: (transfer full): the report as one JSON object, as
 *   `boxwood-cli calibration report --json` prints it
 */
JsonNode *
bw_calibration_report_to_json (const BwCalibrationReport *report)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  add_int (builder, "round", report->round.id);
  add_string (builder, "name", report->round.name);
  add_int (builder, "created_at", report->round.created_at / G_USEC_PER_SEC);
  _bw_quality_json_add_number (builder, "iou_threshold", report->iou_threshold);
  add_int (builder, "images_in_round", report->round.n_images);
  add_int (builder, "answers_expected", report->round.n_expected);
  add_int (builder, "answers_submitted", report->round.n_submitted);

  json_builder_set_member_name (builder, "people");
  json_builder_begin_array (builder);
  for (guint i = 0; i < report->people->len; i++)
    json_builder_add_string_value (builder,
                                   bw_calibration_report_person_name (report, g_array_index (report->people, gint64, i)));
  json_builder_end_array (builder);

  add_agreement (builder, report->alpha, report->units, &report->pairs);

  json_builder_set_member_name (builder, "categories");
  json_builder_begin_array (builder);
  for (guint i = 0; i < report->categories->len; i++)
    {
      const BwCalibrationCategory *category = &g_array_index (report->categories, BwCalibrationCategory, i);

      json_builder_begin_object (builder);
      add_string (builder, "category", bw_calibration_report_category_name (report, category->category_id));
      add_agreement (builder, category->alpha, category->units, &category->pairs);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "images");
  json_builder_begin_array (builder);
  for (guint i = 0; i < report->images->len; i++)
    {
      const BwCalibrationImage *image = report->images->pdata[i];

      json_builder_begin_object (builder);
      add_int (builder, "image_id", image->image_id);
      add_string (builder, "image", image->path);
      add_int (builder, "answers", image->n_answers);
      add_int (builder, "units", image->units);
      _bw_quality_json_add_number (builder, "alpha", image->alpha);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}
