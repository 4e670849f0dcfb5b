/* bw-model-report.c — where a model's predictions disagree with the answers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The model's layer of each image with a reference answer (its gold
 * answer, or its accepted work: bw_project_read_model_images()) is
 * matched against that answer exactly as an annotator is matched against
 * gold (bw_matcher_match(), DESIGN.md "Quality metrics"): the model's
 * shapes are the annotated side. An image where the model predicted
 * nothing counts its answer's shapes as missed; an image whose answer is
 * empty counts every prediction as extra; an image with neither has no
 * F1 and is never a hard example.
 */

#define G_LOG_DOMAIN "bw-quality"

#include "config.h"

#include <math.h>
#include <stdlib.h>

#include <glib/gi18n.h>

#include "bw-model-report.h"
#include "bw-project-quality.h"
#include "bw-quality-private.h"

typedef struct
{
  gint64          person_id;
  guint64         images;
  GHashTable     *categories;   /* gint64 → BwQualityCounts */
  GHashTable     *confusion;    /* unused, but counted alike */
} PersonAcc;

typedef struct
{
  BwModelReport *report;
  BwMatcher     *matcher;
  GHashTable    *categories;    /* gint64 → BwQualityCounts */
  GHashTable    *confusion;
  GHashTable    *people;        /* gint64 → PersonAcc */
  GArray        *predicted_out;
  GArray        *reference_out;
} Computation;

static void
person_acc_free (PersonAcc *acc)
{
  g_hash_table_unref (acc->categories);
  g_hash_table_unref (acc->confusion);
  g_free (acc);
}

static void
model_image_free (BwModelImage *image)
{
  g_free (image->path);
  g_free (image);
}

void
bw_model_report_options_init (BwModelReportOptions *options)
{
  g_return_if_fail (options != NULL);

  options->iou_threshold = BW_MATCHING_DEFAULT_IOU_THRESHOLD;
  options->model = NULL;
}

static gboolean
score_image_cb (const BwQualityImage  *image,
                guint                  index,
                guint                  n_images,
                gpointer               user_data,
                GError               **error)
{
  Computation *c = user_data;
  const BwQualityLayer *reference = NULL, *model = NULL;
  static const BwQualityLayer empty = { 0, };
  BwModelImage *result;
  GHashTable *category_tables[2];
  GHashTable *confusion_tables[2];
  guint n_tables = 1;
  PersonAcc *person = NULL;

  for (guint l = 0; l < image->layers->len; l++)
    {
      const BwQualityLayer *layer = &g_array_index (image->layers, BwQualityLayer, l);

      if (layer->kind == BW_LAYER_KIND_MODEL)
        model = layer;
      else
        reference = layer;
    }
  g_assert (reference != NULL);
  if (model == NULL)
    model = &empty;

  result = g_new0 (BwModelImage, 1);
  result->image_id = image->image_id;
  result->path = g_strdup (image->path);
  result->reference_layer_id = reference->layer_id;
  result->gold = reference->kind == BW_LAYER_KIND_GOLD;
  result->annotator_id = result->gold ? 0 : reference->person_id;
  result->n_reference = reference->n_shapes;
  result->n_predicted = model->n_shapes;

  category_tables[0] = c->categories;
  confusion_tables[0] = c->confusion;
  if (result->annotator_id > 0)
    {
      person = g_hash_table_lookup (c->people, &result->annotator_id);
      if (person == NULL)
        {
          person = g_new0 (PersonAcc, 1);
          person->person_id = result->annotator_id;
          person->categories = _bw_quality_counts_table_new ();
          person->confusion = _bw_quality_confusion_table_new ();
          g_hash_table_insert (c->people, g_memdup2 (&person->person_id, sizeof (gint64)), person);
        }
      person->images++;
      category_tables[n_tables] = person->categories;
      confusion_tables[n_tables++] = person->confusion;
    }

  g_array_set_size (c->predicted_out, model->n_shapes);
  g_array_set_size (c->reference_out, reference->n_shapes);
  bw_matcher_match (c->matcher,
                    &g_array_index (image->shapes, BwMatchShape, model->first), model->n_shapes,
                    &g_array_index (image->shapes, BwMatchShape, reference->first), reference->n_shapes,
                    (BwMatchOutcome *) (void *) c->predicted_out->data,
                    (BwMatchOutcome *) (void *) c->reference_out->data);
  _bw_quality_count_outcomes (&g_array_index (image->shapes, BwMatchShape, model->first), model->n_shapes,
                              (const BwMatchOutcome *) (void *) c->predicted_out->data,
                              &g_array_index (image->shapes, BwMatchShape, reference->first),
                              reference->n_shapes,
                              (const BwMatchOutcome *) (void *) c->reference_out->data,
                              &result->counts, category_tables, confusion_tables, n_tables);

  {
    guint64 denom = 2 * result->counts.tp + result->counts.fp + result->counts.fn;

    result->f1 = denom > 0 ? (double) (2 * result->counts.tp) / (double) denom : NAN;
  }

  c->report->images_scored++;
  if (result->gold)
    c->report->gold_images++;
  if (result->n_predicted > 0)
    c->report->predicted_images++;
  _bw_quality_counts_add (&c->report->counts, &result->counts);
  g_ptr_array_add (c->report->images, result);
  return TRUE;
}

static int
compare_ids (gconstpointer a,
             gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static int
compare_images (gconstpointer a,
                gconstpointer b)
{
  const BwModelImage *x = *(BwModelImage * const *) a;
  const BwModelImage *y = *(BwModelImage * const *) b;
  guint64 ex, ey;

  if (isnan (x->f1) != isnan (y->f1))
    return isnan (x->f1) ? 1 : -1;
  if (!isnan (x->f1) && x->f1 != y->f1)
    return x->f1 < y->f1 ? -1 : 1;
  ex = x->counts.fp + x->counts.fn;
  ey = y->counts.fp + y->counts.fn;
  if (ex != ey)
    return ex > ey ? -1 : 1;
  return x->image_id < y->image_id ? -1 : x->image_id > y->image_id;
}

static int
compare_disagreements (gconstpointer a,
                       gconstpointer b)
{
  const BwModelDisagreement *x = a, *y = b;

  if (x->rate.lo != y->rate.lo)
    return x->rate.lo > y->rate.lo ? -1 : 1;
  if (x->rate.n != y->rate.n)
    return x->rate.n > y->rate.n ? -1 : 1;
  if (x->person_id != y->person_id)
    return x->person_id < y->person_id ? -1 : 1;
  return x->category_id < y->category_id ? -1 : x->category_id > y->category_id;
}

static void
finish_report (Computation *c)
{
  BwModelReport *report = c->report;
  GHashTableIter iter;
  gpointer value;

  g_ptr_array_sort (report->images, compare_images);
  report->categories = _bw_quality_categories_from_table (c->categories);
  report->confusion = _bw_quality_confusion_from_table (c->confusion);

  g_hash_table_iter_init (&iter, c->people);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      PersonAcc *person = value;
      g_autoptr(GArray) categories = _bw_quality_categories_from_table (person->categories);

      for (guint i = 0; i < categories->len; i++)
        {
          const BwQualityCategory *category = &g_array_index (categories, BwQualityCategory, i);
          BwModelDisagreement d = { person->person_id, category->category_id, person->images,
                                    category->counts, { 0, } };

          bw_rate_init (&d.rate, d.counts.fp + d.counts.fn, d.counts.tp + d.counts.fp + d.counts.fn);
          g_array_append_val (report->disagreements, d);
        }
    }
  g_array_sort (report->disagreements, compare_disagreements);
}

/* The model the options name, or the project's only one. */
static gint64
find_model (BwProject                  *project,
            const BwModelReportOptions *options,
            GError                    **error)
{
  g_autoptr(GPtrArray) models = bw_project_list_models (project, error);
  g_autofree char *names = NULL;

  if (models == NULL)
    return 0;

  g_ptr_array_add (models, NULL);
  names = g_strjoinv (", ", (char **) models->pdata);
  g_ptr_array_set_size (models, models->len - 1);

  if (options->model != NULL)
    {
      for (guint i = 0; i < models->len; i++)
        if (g_utf8_collate (models->pdata[i], options->model) == 0 ||
            g_ascii_strcasecmp (models->pdata[i], options->model) == 0)
          return bw_project_find_person (project, models->pdata[i]);

      if (models->len == 0)
        g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_NOT_FOUND,
                     _("The project “%s” holds no model predictions: import a model’s results first "
                       "(a COCO results file, as predictions)."),
                     bw_project_get_display_name (project));
      else
        g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_NOT_FOUND,
                     _("“%s” is not a model of the project “%s”: name one of %s."),
                     options->model, bw_project_get_display_name (project), names);
      return 0;
    }

  if (models->len == 1)
    return bw_project_find_person (project, models->pdata[0]);

  if (models->len == 0)
    g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_NOT_FOUND,
                 _("The project “%s” holds no model predictions: import a model’s results first "
                   "(a COCO results file, as predictions)."),
                 bw_project_get_display_name (project));
  else
    g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                 _("The project “%s” holds the predictions of several models (%s): name the one to score."),
                 bw_project_get_display_name (project), names);
  return 0;
}

/**
 * bw_model_report_compute:
 * @project: a project
 * @options: (nullable): the model and τ, or %NULL for the defaults
 * @cancellable: (nullable): to stop
 * @error: return location for a #GError
 *
 * Scores a model's predictions against the reference answers. Safe to
 * call from a worker thread: it reads through a connection of its own.
 *
 * Returns: (transfer full): the report, or %NULL on error
 */
BwModelReport *
bw_model_report_compute (BwProject                  *project,
                         const BwModelReportOptions *options,
                         GCancellable               *cancellable,
                         GError                    **error)
{
  g_autoptr(BwModelReport) report = NULL;
  BwModelReportOptions defaults;
  Computation c = { 0, };
  guint unanswered = 0;
  gboolean ok;

  g_return_val_if_fail (BW_IS_PROJECT (project), NULL);

  if (options == NULL)
    {
      bw_model_report_options_init (&defaults);
      options = &defaults;
    }
  g_return_val_if_fail (options->iou_threshold > 0.0 && options->iou_threshold <= 1.0, NULL);

  report = g_new0 (BwModelReport, 1);
  report->iou_threshold = options->iou_threshold;
  report->images = g_ptr_array_new_with_free_func ((GDestroyNotify) model_image_free);
  report->disagreements = g_array_new (FALSE, FALSE, sizeof (BwModelDisagreement));
  report->category_names = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  report->person_names = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);

  report->model_id = find_model (project, options, error);
  if (report->model_id <= 0)
    return NULL;

  c.report = report;
  c.matcher = bw_matcher_new (options->iou_threshold);
  c.categories = _bw_quality_counts_table_new ();
  c.confusion = _bw_quality_confusion_table_new ();
  c.people = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, (GDestroyNotify) person_acc_free);
  c.predicted_out = g_array_new (FALSE, FALSE, sizeof (BwMatchOutcome));
  c.reference_out = g_array_new (FALSE, FALSE, sizeof (BwMatchOutcome));

  ok = bw_project_read_model_images (project, report->model_id, report->person_names,
                                     report->category_names, &unanswered,
                                     score_image_cb, &c, cancellable, error);
  if (ok)
    {
      report->unanswered_images = unanswered;
      report->model = g_strdup (bw_model_report_person_name (report, report->model_id));
      finish_report (&c);
    }

  bw_matcher_free (c.matcher);
  g_hash_table_unref (c.categories);
  g_hash_table_unref (c.confusion);
  g_hash_table_unref (c.people);
  g_array_unref (c.predicted_out);
  g_array_unref (c.reference_out);

  return ok ? g_steal_pointer (&report) : NULL;
}

typedef struct
{
  double  iou_threshold;
  char   *model;
} ComputeData;

static void
compute_data_free (ComputeData *data)
{
  g_free (data->model);
  g_free (data);
}

static void
compute_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  ComputeData *data = task_data;
  BwModelReportOptions options = { data->iou_threshold, data->model };
  GError *error = NULL;
  BwModelReport *report = NULL;
  /* A connection of the worker's own: the window's stays free. */
  g_autoptr(BwProject) project = bw_project_open_another (source_object, &error);

  if (project != NULL)
    report = bw_model_report_compute (project, &options, cancellable, &error);
  g_clear_object (&project);
  if (report == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, report, (GDestroyNotify) bw_model_report_free);
}

/**
 * bw_model_report_compute_async:
 *
 * bw_model_report_compute() in a worker thread.
 */
void
bw_model_report_compute_async (BwProject                  *project,
                               const BwModelReportOptions *options,
                               GCancellable               *cancellable,
                               GAsyncReadyCallback         callback,
                               gpointer                    user_data)
{
  g_autoptr(GTask) task = NULL;
  ComputeData *data;
  BwModelReportOptions defaults;

  g_return_if_fail (BW_IS_PROJECT (project));

  if (options == NULL)
    {
      bw_model_report_options_init (&defaults);
      options = &defaults;
    }
  data = g_new0 (ComputeData, 1);
  data->iou_threshold = options->iou_threshold;
  data->model = g_strdup (options->model);

  task = g_task_new (project, cancellable, callback, user_data);
  g_task_set_source_tag (task, bw_model_report_compute_async);
  g_task_set_task_data (task, data, (GDestroyNotify) compute_data_free);
  g_task_run_in_thread (task, compute_thread);
}

BwModelReport *
bw_model_report_compute_finish (BwProject     *project,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, project), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
bw_model_report_free (BwModelReport *report)
{
  if (report == NULL)
    return;

  g_free (report->model);
  g_clear_pointer (&report->categories, g_array_unref);
  g_clear_pointer (&report->confusion, g_array_unref);
  g_clear_pointer (&report->images, g_ptr_array_unref);
  g_clear_pointer (&report->disagreements, g_array_unref);
  g_clear_pointer (&report->category_names, g_hash_table_unref);
  g_clear_pointer (&report->person_names, g_hash_table_unref);
  g_free (report);
}

/**
 * bw_model_report_hard_examples:
 * @report: a report
 * @max_f1: the bound
 *
 * The hard examples: images whose F1 is below @max_f1 (strictly: an
 * image exactly at the bound is not one). An image with neither answers
 * nor predictions has no F1 and is never one.
 *
 * Returns: (transfer full) (element-type gint64): their image ids, in
 *   increasing order
 */
GArray *
bw_model_report_hard_examples (const BwModelReport *report,
                               double               max_f1)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_return_val_if_fail (report != NULL, ids);

  for (guint i = 0; i < report->images->len; i++)
    {
      const BwModelImage *image = report->images->pdata[i];

      if (!isnan (image->f1) && image->f1 < max_f1)
        g_array_append_val (ids, image->image_id);
    }
  g_array_sort (ids, compare_ids);
  return ids;
}

const char *
bw_model_report_category_name (const BwModelReport *report,
                               gint64               category_id)
{
  const char *name = g_hash_table_lookup (report->category_names, &category_id);

  return name != NULL ? name : "";
}

const char *
bw_model_report_person_name (const BwModelReport *report,
                             gint64               person_id)
{
  const char *name = g_hash_table_lookup (report->person_names, &person_id);

  return name != NULL ? name : "";
}

/* JSON */

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
  if (value == NULL)
    json_builder_add_null_value (builder);
  else
    json_builder_add_string_value (builder, value);
}

/**
 * bw_model_report_to_json:
 * @report: a report
 * @max_f1: the bound of the hard examples, or NAN to list none
 *
 * Returns: (transfer full): the report as one JSON object, as
 *   `boxwood-cli quality model --json` prints it
 */
JsonNode *
bw_model_report_to_json (const BwModelReport *report,
                         double               max_f1)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GArray) hard = NULL;

  json_builder_begin_object (builder);
  add_string (builder, "model", report->model);
  _bw_quality_json_add_number (builder, "iou_threshold", report->iou_threshold);
  add_int (builder, "images", report->images_scored);
  add_int (builder, "gold_images", report->gold_images);
  add_int (builder, "predicted_images", report->predicted_images);
  add_int (builder, "unanswered_images", report->unanswered_images);
  _bw_quality_json_add_counts (builder, &report->counts);

  json_builder_set_member_name (builder, "categories");
  json_builder_begin_array (builder);
  for (guint i = 0; i < report->categories->len; i++)
    {
      const BwQualityCategory *category = &g_array_index (report->categories, BwQualityCategory, i);

      json_builder_begin_object (builder);
      add_string (builder, "category", bw_model_report_category_name (report, category->category_id));
      add_int (builder, "category_id", category->category_id);
      _bw_quality_json_add_counts (builder, &category->counts);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "confusion");
  json_builder_begin_array (builder);
  for (guint i = 0; i < report->confusion->len; i++)
    {
      const BwQualityConfusion *cell = &g_array_index (report->confusion, BwQualityConfusion, i);

      json_builder_begin_object (builder);
      add_string (builder, "reference", cell->reference_id ? bw_model_report_category_name (report, cell->reference_id) : NULL);
      add_string (builder, "predicted", cell->annotated_id ? bw_model_report_category_name (report, cell->annotated_id) : NULL);
      add_int (builder, "count", cell->count);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "images_by_f1");
  json_builder_begin_array (builder);
  for (guint i = 0; i < report->images->len; i++)
    {
      const BwModelImage *image = report->images->pdata[i];

      json_builder_begin_object (builder);
      add_int (builder, "image_id", image->image_id);
      add_string (builder, "image", image->path);
      add_string (builder, "reference", image->gold ? "gold" : "accepted");
      add_string (builder, "annotator", image->annotator_id ? bw_model_report_person_name (report, image->annotator_id) : NULL);
      add_int (builder, "reference_shapes", image->n_reference);
      add_int (builder, "predicted_shapes", image->n_predicted);
      add_int (builder, "tp", image->counts.tp);
      add_int (builder, "fp", image->counts.fp);
      add_int (builder, "fn", image->counts.fn);
      _bw_quality_json_add_number (builder, "f1", image->f1);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "disagreement_by_annotator");
  json_builder_begin_array (builder);
  for (guint i = 0; i < report->disagreements->len; i++)
    {
      const BwModelDisagreement *d = &g_array_index (report->disagreements, BwModelDisagreement, i);

      json_builder_begin_object (builder);
      add_string (builder, "annotator", bw_model_report_person_name (report, d->person_id));
      add_string (builder, "category", bw_model_report_category_name (report, d->category_id));
      add_int (builder, "images", d->images);
      add_int (builder, "tp", d->counts.tp);
      add_int (builder, "fp", d->counts.fp);
      add_int (builder, "fn", d->counts.fn);
      _bw_quality_json_add_number (builder, "disagreement", d->rate.value);
      json_builder_set_member_name (builder, "disagreement_interval");
      json_builder_begin_array (builder);
      json_builder_add_double_value (builder, d->rate.lo);
      json_builder_add_double_value (builder, d->rate.hi);
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  if (!isnan (max_f1))
    {
      hard = bw_model_report_hard_examples (report, max_f1);
      _bw_quality_json_add_number (builder, "max_f1", max_f1);
      json_builder_set_member_name (builder, "hard_examples");
      json_builder_begin_array (builder);
      for (guint i = 0; i < hard->len; i++)
        json_builder_add_int_value (builder, g_array_index (hard, gint64, i));
      json_builder_end_array (builder);
    }

  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}
