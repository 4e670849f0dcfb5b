/* bw-quality.c — quality figures: annotators against gold, and against each other
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One pass over the images that have something to score
 * (bw_project_read_quality_images()):
 *
 *  - on a gold image, each annotator's work is matched against the gold
 *    answer (bw_matcher_match()) and the outcomes are counted per
 *    annotator, per category and in confusion matrices;
 *  - on an image two or more people answered, each pair is matched the
 *    same way (the lower person id as the reference) for pairwise F1 and
 *    mean IoU, and Krippendorff's α is computed after matching, following
 *    Tschirschwitz, Klemstein, Stein and Rodehorst, "A Dataset for
 *    Analysing Complex Document Layouts in the Digital Humanities and its
 *    Evaluation with Krippendorff's Alpha" (GCPR 2022): the shapes of all
 *    annotators are grouped into objects (units) by matching each
 *    annotator in turn, regardless of category, against the units of
 *    every earlier one; each unit holds one value per annotator, the
 *    category of their shape or "nothing" when they drew none; α is the
 *    nominal α of those units.
 */

#define G_LOG_DOMAIN "bw-quality"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "bw-project-quality.h"
#include "bw-quality.h"
#include "bw-quality-private.h"

/* The value of "no shape" in a unit; category ids are positive. */
#define ALPHA_NOTHING (-1.0)

typedef struct
{
  gint64 reference_id;
  gint64 annotated_id;
} ConfusionKey;

typedef struct
{
  BwQualityAnnotator *annotator;
  GHashTable         *categories;   /* gint64 → BwQualityCounts */
  GHashTable         *confusion;    /* ConfusionKey → guint64 */
} AnnotatorAcc;

typedef struct
{
  const BwQualityOptions *options;
  BwQualityReport        *report;
  BwMatcher              *matcher;
  GHashTable             *annotators;   /* gint64 person → AnnotatorAcc */
  GHashTable             *categories;   /* gint64 → BwQualityCounts */
  GHashTable             *confusion;    /* ConfusionKey → guint64 */
  GHashTable             *pairs;        /* ConfusionKey (a, b) → BwQualityPair */
  BwQualityProgressFunc   progress;
  gpointer                progress_data;
  GCancellable           *cancellable;
  /* Scratch, reused from image to image. */
  GArray                 *annotated_out;
  GArray                 *reference_out;
} Computation;

/* Rates */

void
bw_quality_options_init (BwQualityOptions *options)
{
  g_return_if_fail (options != NULL);

  options->iou_threshold = BW_MATCHING_DEFAULT_IOU_THRESHOLD;
  options->alpha_threshold = BW_QUALITY_DEFAULT_ALPHA_THRESHOLD;
  options->keep_images = FALSE;
}

/** bw_quality_counts_precision: TP / (TP + FP), with its interval. */
void
bw_quality_counts_precision (const BwQualityCounts *counts,
                             BwRate                *rate)
{
  bw_rate_init (rate, counts->tp, counts->tp + counts->fp);
}

/** bw_quality_counts_recall: TP / (TP + FN), with its interval. */
void
bw_quality_counts_recall (const BwQualityCounts *counts,
                          BwRate                *rate)
{
  bw_rate_init (rate, counts->tp, counts->tp + counts->fn);
}

/** bw_quality_counts_accuracy: TP / (TP + FP + FN), with its interval. */
void
bw_quality_counts_accuracy (const BwQualityCounts *counts,
                            BwRate                *rate)
{
  bw_rate_init (rate, counts->tp, counts->tp + counts->fp + counts->fn);
}

/**
 * bw_quality_counts_f1:
 * @counts: counts
 * @rate: (out): F1 = 2 TP / (2 TP + FP + FN)
 *
 * F1 is not a proportion of trials, so its interval is that of the
 * accuracy A = TP / (TP + FP + FN), carried through F1 = 2A / (1 + A),
 * which rises with A. @rate's successes and n are those of the accuracy.
 */
void
bw_quality_counts_f1 (const BwQualityCounts *counts,
                      BwRate                *rate)
{
  guint64 denom = 2 * counts->tp + counts->fp + counts->fn;

  bw_quality_counts_accuracy (counts, rate);
  rate->value = denom > 0 ? (double) (2 * counts->tp) / (double) denom : NAN;
  rate->lo = 2.0 * rate->lo / (1.0 + rate->lo);
  rate->hi = 2.0 * rate->hi / (1.0 + rate->hi);
}

/** bw_quality_counts_mean_iou: the mean IoU of the true positives, NAN without any. */
double
bw_quality_counts_mean_iou (const BwQualityCounts *counts)
{
  return counts->tp > 0 ? counts->iou_sum / (double) counts->tp : NAN;
}

/* Accumulators */

static guint
confusion_key_hash (gconstpointer key)
{
  const ConfusionKey *k = key;

  return g_int64_hash (&k->reference_id) * 31 + g_int64_hash (&k->annotated_id);
}

static gboolean
confusion_key_equal (gconstpointer a,
                     gconstpointer b)
{
  const ConfusionKey *x = a, *y = b;

  return x->reference_id == y->reference_id && x->annotated_id == y->annotated_id;
}

GHashTable *
_bw_quality_confusion_table_new (void)
{
  return g_hash_table_new_full (confusion_key_hash, confusion_key_equal, g_free, g_free);
}

static void
confusion_add (GHashTable *table,
               gint64      reference_id,
               gint64      annotated_id)
{
  ConfusionKey key = { reference_id, annotated_id };
  guint64 *count = g_hash_table_lookup (table, &key);

  if (count == NULL)
    {
      count = g_new0 (guint64, 1);
      g_hash_table_insert (table, g_memdup2 (&key, sizeof key), count);
    }
  (*count)++;
}

GHashTable *
_bw_quality_counts_table_new (void)
{
  return g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
}

BwQualityCounts *
_bw_quality_counts_for (GHashTable *table,
                        gint64      category_id)
{
  BwQualityCounts *counts = g_hash_table_lookup (table, &category_id);

  if (counts == NULL)
    {
      counts = g_new0 (BwQualityCounts, 1);
      g_hash_table_insert (table, g_memdup2 (&category_id, sizeof category_id), counts);
    }
  return counts;
}

void
_bw_quality_counts_add (BwQualityCounts       *into,
                        const BwQualityCounts *counts)
{
  into->tp += counts->tp;
  into->fp += counts->fp;
  into->fn += counts->fn;
  into->iou_sum += counts->iou_sum;
  for (guint k = 0; k < BW_MATCH_N_KINDS; k++)
    into->errors[k] += counts->errors[k];
}

static void
annotator_free (BwQualityAnnotator *annotator)
{
  g_free (annotator->name);
  g_clear_pointer (&annotator->categories, g_array_unref);
  g_clear_pointer (&annotator->confusion, g_array_unref);
  g_free (annotator);
}

static void
annotator_acc_free (AnnotatorAcc *acc)
{
  if (acc->annotator != NULL)
    annotator_free (acc->annotator);
  g_hash_table_unref (acc->categories);
  g_hash_table_unref (acc->confusion);
  g_free (acc);
}

static AnnotatorAcc *
annotator_for (Computation *c,
               gint64       person_id)
{
  AnnotatorAcc *acc = g_hash_table_lookup (c->annotators, &person_id);

  if (acc == NULL)
    {
      acc = g_new0 (AnnotatorAcc, 1);
      acc->annotator = g_new0 (BwQualityAnnotator, 1);
      acc->annotator->person_id = person_id;
      acc->categories = _bw_quality_counts_table_new ();
      acc->confusion = _bw_quality_confusion_table_new ();
      g_hash_table_insert (c->annotators, g_memdup2 (&person_id, sizeof person_id), acc);
    }
  return acc;
}

static void
image_score_clear (BwQualityImageScore *score)
{
  g_clear_pointer (&score->categories, g_array_unref);
}

static void
image_result_free (BwQualityImageResult *result)
{
  g_free (result->path);
  g_clear_pointer (&result->scores, g_array_unref);
  g_free (result);
}

static GArray *
image_scores_new (void)
{
  GArray *scores = g_array_new (FALSE, FALSE, sizeof (BwQualityImageScore));

  g_array_set_clear_func (scores, (GDestroyNotify) image_score_clear);
  return scores;
}

/* One image */

/* Counts the outcomes of one match into @counts (and per category and in
 * a confusion matrix, when given). */
void
_bw_quality_count_outcomes (const BwMatchShape   *annotated,
                            guint                 n_annotated,
                            const BwMatchOutcome *annotated_out,
                            const BwMatchShape   *reference,
                            guint                 n_reference,
                            const BwMatchOutcome *reference_out,
                            BwQualityCounts      *counts,
                            GHashTable          **category_tables,
                            GHashTable          **confusion_tables,
                            guint                 n_tables)
{
  for (guint i = 0; i < n_annotated; i++)
    {
      const BwMatchOutcome *o = &annotated_out[i];
      gint64 category = annotated[i].category_id;
      BwQualityCounts one = { 0, };

      if (o->kind == BW_MATCH_TRUE_POSITIVE)
        {
          one.tp = 1;
          one.iou_sum = o->iou;
        }
      else
        {
          one.fp = 1;
          if (o->kind == BW_MATCH_EXTRA || o->kind == BW_MATCH_DUPLICATE)
            one.errors[o->kind] = 1;
        }
      _bw_quality_counts_add (counts, &one);

      for (guint t = 0; t < n_tables; t++)
        {
          _bw_quality_counts_add (_bw_quality_counts_for (category_tables[t], category), &one);
          if (o->kind == BW_MATCH_TRUE_POSITIVE || o->kind == BW_MATCH_WRONG_CATEGORY)
            confusion_add (confusion_tables[t], reference[o->partner].category_id, category);
          else
            confusion_add (confusion_tables[t], 0, category);
        }
    }

  for (guint j = 0; j < n_reference; j++)
    {
      const BwMatchOutcome *o = &reference_out[j];
      gint64 category = reference[j].category_id;
      BwQualityCounts one = { 0, };

      if (o->kind == BW_MATCH_TRUE_POSITIVE)
        continue;

      one.fn = 1;
      one.errors[o->kind] = 1;
      _bw_quality_counts_add (counts, &one);

      for (guint t = 0; t < n_tables; t++)
        {
          _bw_quality_counts_add (_bw_quality_counts_for (category_tables[t], category), &one);
          if (o->kind != BW_MATCH_WRONG_CATEGORY)
            confusion_add (confusion_tables[t], category, 0);
        }
    }
}

static void
match_layers (Computation          *c,
              const BwQualityImage *image,
              const BwQualityLayer *annotated,
              const BwQualityLayer *reference)
{
  const BwMatchShape *a = &g_array_index (image->shapes, BwMatchShape, annotated->first);
  const BwMatchShape *r = &g_array_index (image->shapes, BwMatchShape, reference->first);

  g_array_set_size (c->annotated_out, annotated->n_shapes);
  g_array_set_size (c->reference_out, reference->n_shapes);
  bw_matcher_match (c->matcher, a, annotated->n_shapes, r, reference->n_shapes,
                    (BwMatchOutcome *) (void *) c->annotated_out->data,
                    (BwMatchOutcome *) (void *) c->reference_out->data);
}

static void
score_against_gold (Computation          *c,
                    const BwQualityImage *image,
                    const BwQualityLayer *gold,
                    const BwQualityLayer *work,
                    BwQualityImageResult *result)
{
  AnnotatorAcc *acc = annotator_for (c, work->person_id);
  /* The image's own per-category figures, kept only with the images. */
  g_autoptr(GHashTable) image_categories = result != NULL ? _bw_quality_counts_table_new () : NULL;
  g_autoptr(GHashTable) image_confusion = result != NULL ? _bw_quality_confusion_table_new () : NULL;
  GHashTable *category_tables[] = { acc->categories, c->categories, image_categories };
  GHashTable *confusion_tables[] = { acc->confusion, c->confusion, image_confusion };
  BwQualityImageScore score = { work->person_id, { 0, }, NULL };

  match_layers (c, image, work, gold);
  _bw_quality_count_outcomes (&g_array_index (image->shapes, BwMatchShape, work->first), work->n_shapes,
                              (const BwMatchOutcome *) (void *) c->annotated_out->data,
                              &g_array_index (image->shapes, BwMatchShape, gold->first), gold->n_shapes,
                              (const BwMatchOutcome *) (void *) c->reference_out->data,
                              &score.counts, category_tables, confusion_tables, result != NULL ? 3 : 2);

  _bw_quality_counts_add (&acc->annotator->counts, &score.counts);
  acc->annotator->images++;
  if (result != NULL)
    {
      score.categories = _bw_quality_categories_from_table (image_categories);
      g_array_append_val (result->scores, score);
    }
}

static void
score_pair (Computation          *c,
            const BwQualityImage *image,
            const BwQualityLayer *first,
            const BwQualityLayer *second)
{
  ConfusionKey key = { first->person_id, second->person_id };
  BwQualityPair *pair = g_hash_table_lookup (c->pairs, &key);

  if (pair == NULL)
    {
      pair = g_new0 (BwQualityPair, 1);
      pair->person_a = first->person_id;
      pair->person_b = second->person_id;
      g_hash_table_insert (c->pairs, g_memdup2 (&key, sizeof key), pair);
    }

  match_layers (c, image, second, first);
  _bw_quality_count_outcomes (&g_array_index (image->shapes, BwMatchShape, second->first), second->n_shapes,
                  (const BwMatchOutcome *) (void *) c->annotated_out->data,
                  &g_array_index (image->shapes, BwMatchShape, first->first), first->n_shapes,
                  (const BwMatchOutcome *) (void *) c->reference_out->data,
                  &pair->counts, NULL, NULL, 0);
  pair->images++;
}

/**
 * _bw_quality_build_units:
 * @matcher: the matcher (its τ)
 * @image: an image
 * @work: the annotators' layers of @image, in person id order
 * @n_work: how many
 * @units: (element-type int): filled with @n_work entries per unit:
 *   annotator k's shape index (within their layer) in the unit, or -1
 *
 * Groups the annotators' shapes into objects (see the top of this file).
 *
 * Returns: the number of units
 */
guint
_bw_quality_build_units (BwMatcher            *matcher,
                         const BwQualityImage *image,
                         const BwQualityLayer *work,
                         guint                 n_work,
                         GArray               *units)
{
  guint n_units = 0;

  g_array_set_size (units, 0);

  for (guint k = 0; k < n_work; k++)
    {
      const BwQualityLayer *layer = &work[k];
      const BwMatchShape *shapes = &g_array_index (image->shapes, BwMatchShape, layer->first);
      g_autofree gboolean *free_new = g_new (gboolean, MAX (1, layer->n_shapes));
      g_autofree int *to_earlier = g_new (int, MAX (1, layer->n_shapes));

      for (guint i = 0; i < layer->n_shapes; i++)
        free_new[i] = TRUE;

      /* Against each earlier annotator in turn: their shapes in units
       * that this annotator has not joined yet. */
      for (guint e = 0; e < k; e++)
        {
          const BwQualityLayer *earlier = &work[e];
          const BwMatchShape *earlier_shapes = &g_array_index (image->shapes, BwMatchShape, earlier->first);
          g_autofree gboolean *free_earlier = g_new0 (gboolean, MAX (1, earlier->n_shapes));
          g_autofree int *unit_of = g_new (int, MAX (1, earlier->n_shapes));
          gboolean any = FALSE;

          for (guint u = 0; u < n_units; u++)
            {
              int s = g_array_index (units, int, u * n_work + e);

              if (s >= 0 && g_array_index (units, int, u * n_work + k) < 0)
                {
                  free_earlier[s] = TRUE;
                  unit_of[s] = u;
                  any = TRUE;
                }
            }
          if (!any)
            continue;

          bw_matcher_pair (matcher, shapes, layer->n_shapes, free_new,
                           earlier_shapes, earlier->n_shapes, free_earlier, to_earlier, NULL);
          for (guint i = 0; i < layer->n_shapes; i++)
            {
              if (to_earlier[i] < 0)
                continue;
              g_array_index (units, int, unit_of[to_earlier[i]] * n_work + k) = i;
              free_new[i] = FALSE;
            }
        }

      /* What matched nobody starts a unit of its own. */
      for (guint i = 0; i < layer->n_shapes; i++)
        {
          if (!free_new[i])
            continue;
          g_array_set_size (units, (n_units + 1) * n_work);
          for (guint j = 0; j < n_work; j++)
            g_array_index (units, int, n_units * n_work + j) = -1;
          g_array_index (units, int, n_units * n_work + k) = i;
          n_units++;
        }
    }

  return n_units;
}

/* Krippendorff's α after matching (see the top of this file). @work holds
 * the annotators' layers in person id order. */
static double
image_alpha (Computation          *c,
             const BwQualityImage *image,
             const BwQualityLayer *work,
             guint                 n_work)
{
  g_autoptr(GArray) units = g_array_new (FALSE, FALSE, sizeof (int));
  g_autofree double *values = NULL;
  g_autofree guint *ends = NULL;
  guint n_units = _bw_quality_build_units (c->matcher, image, work, n_work, units);

  if (n_units == 0)
    return NAN;

  values = g_new (double, (gsize) n_units * n_work);
  ends = g_new (guint, n_units);
  for (guint u = 0; u < n_units; u++)
    {
      for (guint k = 0; k < n_work; k++)
        {
          int s = g_array_index (units, int, u * n_work + k);

          values[u * n_work + k] =
            s < 0 ? ALPHA_NOTHING
                  : (double) g_array_index (image->shapes, BwMatchShape, work[k].first + s).category_id;
        }
      ends[u] = (u + 1) * n_work;
    }

  return bw_stats_krippendorff_alpha (values, ends, n_units, BW_ALPHA_NOMINAL);
}

int
_bw_quality_compare_layers_by_person (gconstpointer a,
                                      gconstpointer b)
{
  const BwQualityLayer *x = a, *y = b;

  if (x->person_id != y->person_id)
    return x->person_id < y->person_id ? -1 : 1;
  return x->layer_id < y->layer_id ? -1 : x->layer_id > y->layer_id;
}

static gboolean
score_image_cb (const BwQualityImage  *image,
                guint                  index,
                guint                  n_images,
                gpointer               user_data,
                GError               **error)
{
  Computation *c = user_data;
  BwQualityReport *report = c->report;
  const BwQualityLayer *gold = NULL;
  g_autofree BwQualityLayer *work = NULL;
  BwQualityImageResult *result;
  guint n_work = 0;

  work = g_new (BwQualityLayer, MAX (1, image->layers->len));
  for (guint l = 0; l < image->layers->len; l++)
    {
      const BwQualityLayer *layer = &g_array_index (image->layers, BwQualityLayer, l);

      if (layer->kind == BW_LAYER_KIND_GOLD)
        {
          if (gold == NULL)
            gold = layer;
        }
      else
        work[n_work++] = *layer;
    }

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

  result = g_new0 (BwQualityImageResult, 1);
  result->image_id = image->image_id;
  result->path = g_strdup (image->path);
  result->is_gold = image->is_gold && gold != NULL;
  result->n_annotators = n_work;
  result->alpha = NAN;
  result->scores = image_scores_new ();

  if (result->is_gold && n_work > 0)
    {
      report->gold_images++;
      for (guint w = 0; w < n_work; w++)
        score_against_gold (c, image, gold, &work[w], result);
    }

  if (n_work >= 2)
    {
      report->agreement_images++;
      for (guint a = 0; a < n_work; a++)
        for (guint b = a + 1; b < n_work; b++)
          score_pair (c, image, &work[a], &work[b]);

      result->alpha = image_alpha (c, image, work, n_work);
      if (!isnan (result->alpha))
        {
          report->alpha_images++;
          report->alpha_sum += result->alpha;
        }
    }

  if (!isnan (result->alpha) && result->alpha < report->alpha_threshold)
    {
      BwQualityImageResult *flagged = g_new0 (BwQualityImageResult, 1);

      *flagged = *result;
      flagged->path = g_strdup (result->path);
      flagged->scores = image_scores_new ();
      for (guint i = 0; i < result->scores->len; i++)
        {
          BwQualityImageScore copy = g_array_index (result->scores, BwQualityImageScore, i);

          if (copy.categories != NULL)
            copy.categories = g_array_copy (copy.categories);
          g_array_append_val (flagged->scores, copy);
        }
      g_ptr_array_add (report->flagged, flagged);
    }

  if (report->images != NULL)
    g_ptr_array_add (report->images, result);
  else
    image_result_free (result);

  if (c->progress != NULL && (index % 256 == 0 || index + 1 == n_images))
    c->progress ((double) (index + 1) / MAX (1, n_images), c->progress_data);

  return TRUE;
}

/* From accumulators to the report */

static int
compare_categories (gconstpointer a,
                    gconstpointer b)
{
  const BwQualityCategory *x = a, *y = b;

  return x->category_id < y->category_id ? -1 : x->category_id > y->category_id;
}

GArray *
_bw_quality_categories_from_table (GHashTable *table)
{
  GArray *array = g_array_new (FALSE, FALSE, sizeof (BwQualityCategory));
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      BwQualityCategory category = { *(gint64 *) key, *(BwQualityCounts *) value };

      g_array_append_val (array, category);
    }
  g_array_sort (array, compare_categories);
  return array;
}

static int
compare_confusion (gconstpointer a,
                   gconstpointer b)
{
  const BwQualityConfusion *x = a, *y = b;

  if (x->reference_id != y->reference_id)
    return x->reference_id < y->reference_id ? -1 : 1;
  return x->annotated_id < y->annotated_id ? -1 : x->annotated_id > y->annotated_id;
}

GArray *
_bw_quality_confusion_from_table (GHashTable *table)
{
  GArray *array = g_array_new (FALSE, FALSE, sizeof (BwQualityConfusion));
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const ConfusionKey *k = key;
      BwQualityConfusion cell = { k->reference_id, k->annotated_id, *(guint64 *) value };

      g_array_append_val (array, cell);
    }
  g_array_sort (array, compare_confusion);
  return array;
}

static int
compare_annotators (gconstpointer a,
                    gconstpointer b)
{
  const BwQualityAnnotator *x = *(BwQualityAnnotator * const *) a;
  const BwQualityAnnotator *y = *(BwQualityAnnotator * const *) b;
  int by_name = g_utf8_collate (x->name, y->name);

  if (by_name != 0)
    return by_name;
  return x->person_id < y->person_id ? -1 : x->person_id > y->person_id;
}

static int
compare_pairs (gconstpointer a,
               gconstpointer b)
{
  const BwQualityPair *x = a, *y = b;

  if (x->person_a != y->person_a)
    return x->person_a < y->person_a ? -1 : 1;
  return x->person_b < y->person_b ? -1 : x->person_b > y->person_b;
}

static void
finish_report (Computation *c)
{
  BwQualityReport *report = c->report;
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, c->annotators);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      AnnotatorAcc *acc = value;
      BwQualityAnnotator *annotator = g_steal_pointer (&acc->annotator);
      const char *name = bw_quality_report_person_name (report, annotator->person_id);

      annotator->name = g_strdup (name);
      annotator->categories = _bw_quality_categories_from_table (acc->categories);
      annotator->confusion = _bw_quality_confusion_from_table (acc->confusion);
      g_ptr_array_add (report->annotators, annotator);
    }
  g_ptr_array_sort (report->annotators, compare_annotators);

  report->categories = _bw_quality_categories_from_table (c->categories);
  report->confusion = _bw_quality_confusion_from_table (c->confusion);

  g_hash_table_iter_init (&iter, c->pairs);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_array_append_val (report->pairs, *(BwQualityPair *) value);
  g_array_sort (report->pairs, compare_pairs);
}

/* A tally */

struct _BwQualityTally
{
  BwQualityCounts  counts;
  GHashTable      *categories;  /* gint64 → BwQualityCounts */
  GHashTable      *confusion;   /* ConfusionKey → guint64 */
};

/**
 * bw_quality_tally_new:
 *
 * Counts, across images, the outcomes of matching one person's shapes
 * against references (bw_matcher_match()) exactly as
 * bw_quality_compute() counts an annotator against gold: overall, per
 * category and in a confusion matrix.
 *
 * Returns: (transfer full): an empty tally
 */
BwQualityTally *
bw_quality_tally_new (void)
{
  BwQualityTally *self = g_new0 (BwQualityTally, 1);

  self->categories = _bw_quality_counts_table_new ();
  self->confusion = _bw_quality_confusion_table_new ();
  return self;
}

void
bw_quality_tally_free (BwQualityTally *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->categories);
  g_hash_table_unref (self->confusion);
  g_free (self);
}

/**
 * bw_quality_tally_add:
 * @annotated_out: what bw_matcher_match() said of each annotated shape
 * @reference_out: …and of each reference shape
 *
 * Adds one image's match.
 */
void
bw_quality_tally_add (BwQualityTally       *self,
                      const BwMatchShape   *annotated,
                      guint                 n_annotated,
                      const BwMatchOutcome *annotated_out,
                      const BwMatchShape   *reference,
                      guint                 n_reference,
                      const BwMatchOutcome *reference_out)
{
  g_return_if_fail (self != NULL);

  _bw_quality_count_outcomes (annotated, n_annotated, annotated_out, reference, n_reference, reference_out,
                              &self->counts, &self->categories, &self->confusion, 1);
}

/* Returns: (transfer none): the counts over all categories */
const BwQualityCounts *
bw_quality_tally_get_counts (BwQualityTally *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return &self->counts;
}

/* Returns: (transfer full) (element-type BwQualityCategory): per category, by id */
GArray *
bw_quality_tally_dup_categories (BwQualityTally *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return _bw_quality_categories_from_table (self->categories);
}

/* Returns: (transfer full) (element-type BwQualityConfusion): the confusion matrix */
GArray *
bw_quality_tally_dup_confusion (BwQualityTally *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return _bw_quality_confusion_from_table (self->confusion);
}

/**
 * bw_quality_compute:
 * @project: a project
 * @options: (nullable): thresholds, or %NULL for the defaults
 * @progress: (nullable): called now and then with the share done, from
 *   the calling thread
 * @progress_data: for @progress
 * @cancellable: (nullable): to stop
 * @error: return location for a #GError
 *
 * Computes every quality figure of @project (DESIGN.md, "Quality
 * metrics"). Safe to call from a worker thread: it reads through a
 * connection of its own and has its own GEOS context.
 *
 * Returns: (transfer full): the report, or %NULL on error or cancellation
 */
BwQualityReport *
bw_quality_compute (BwProject              *project,
                    const BwQualityOptions *options,
                    BwQualityProgressFunc   progress,
                    gpointer                progress_data,
                    GCancellable           *cancellable,
                    GError                **error)
{
  g_autoptr(BwQualityReport) report = NULL;
  BwQualityOptions defaults;
  Computation c = { 0, };
  gboolean ok;

  g_return_val_if_fail (BW_IS_PROJECT (project), NULL);

  if (options == NULL)
    {
      bw_quality_options_init (&defaults);
      options = &defaults;
    }
  g_return_val_if_fail (options->iou_threshold > 0.0 && options->iou_threshold <= 1.0, NULL);

  report = g_new0 (BwQualityReport, 1);
  report->iou_threshold = options->iou_threshold;
  report->alpha_threshold = options->alpha_threshold;
  report->annotators = g_ptr_array_new_with_free_func ((GDestroyNotify) annotator_free);
  report->pairs = g_array_new (FALSE, FALSE, sizeof (BwQualityPair));
  report->flagged = g_ptr_array_new_with_free_func ((GDestroyNotify) image_result_free);
  if (options->keep_images)
    report->images = g_ptr_array_new_with_free_func ((GDestroyNotify) image_result_free);
  report->category_names = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  report->person_names = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);

  c.options = options;
  c.report = report;
  c.matcher = bw_matcher_new (options->iou_threshold);
  c.annotators = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                        (GDestroyNotify) annotator_acc_free);
  c.categories = _bw_quality_counts_table_new ();
  c.confusion = _bw_quality_confusion_table_new ();
  c.pairs = g_hash_table_new_full (confusion_key_hash, confusion_key_equal, g_free, g_free);
  c.progress = progress;
  c.progress_data = progress_data;
  c.cancellable = cancellable;
  c.annotated_out = g_array_new (FALSE, FALSE, sizeof (BwMatchOutcome));
  c.reference_out = g_array_new (FALSE, FALSE, sizeof (BwMatchOutcome));

  ok = bw_project_read_quality_images (project, report->person_names, report->category_names,
                                       score_image_cb, &c, cancellable, error);
  if (ok)
    finish_report (&c);

  bw_matcher_free (c.matcher);
  g_hash_table_unref (c.annotators);
  g_hash_table_unref (c.categories);
  g_hash_table_unref (c.confusion);
  g_hash_table_unref (c.pairs);
  g_array_unref (c.annotated_out);
  g_array_unref (c.reference_out);

  return ok ? g_steal_pointer (&report) : NULL;
}

typedef struct
{
  BwQualityOptions      options;
  BwQualityProgressFunc progress;
  gpointer              progress_data;
} ComputeData;

static void
compute_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  ComputeData *data = task_data;
  GError *error = NULL;
  BwQualityReport *report = NULL;
  /* A connection of the worker's own: the window's stays free. */
  g_autoptr(BwProject) project = bw_project_open_another (source_object, &error);

  if (project != NULL)
    report = bw_quality_compute (project, &data->options, data->progress,
                                 data->progress_data, cancellable, &error);
  g_clear_object (&project);
  if (report == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, report, (GDestroyNotify) bw_quality_report_free);
}

/**
 * bw_quality_compute_async:
 * @project: a project
 * @options: (nullable): thresholds, copied
 * @progress: (nullable): called from the worker thread with the share
 *   done; hand it to the main context yourself (g_main_context_invoke())
 * @progress_data: for @progress; must outlive the task
 * @cancellable: (nullable): to stop
 * @callback: called in the thread-default main context when done
 * @user_data: for @callback
 *
 * bw_quality_compute() in a worker thread.
 */
void
bw_quality_compute_async (BwProject              *project,
                          const BwQualityOptions *options,
                          BwQualityProgressFunc   progress,
                          gpointer                progress_data,
                          GCancellable           *cancellable,
                          GAsyncReadyCallback     callback,
                          gpointer                user_data)
{
  g_autoptr(GTask) task = NULL;
  ComputeData *data;

  g_return_if_fail (BW_IS_PROJECT (project));

  data = g_new0 (ComputeData, 1);
  if (options != NULL)
    data->options = *options;
  else
    bw_quality_options_init (&data->options);
  data->progress = progress;
  data->progress_data = progress_data;

  task = g_task_new (project, cancellable, callback, user_data);
  g_task_set_source_tag (task, bw_quality_compute_async);
  g_task_set_task_data (task, data, g_free);
  g_task_run_in_thread (task, compute_thread);
}

BwQualityReport *
bw_quality_compute_finish (BwProject     *project,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, project), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
bw_quality_report_free (BwQualityReport *report)
{
  if (report == NULL)
    return;

  g_clear_pointer (&report->annotators, g_ptr_array_unref);
  g_clear_pointer (&report->categories, g_array_unref);
  g_clear_pointer (&report->confusion, g_array_unref);
  g_clear_pointer (&report->category_names, g_hash_table_unref);
  g_clear_pointer (&report->person_names, g_hash_table_unref);
  g_clear_pointer (&report->pairs, g_array_unref);
  g_clear_pointer (&report->flagged, g_ptr_array_unref);
  g_clear_pointer (&report->images, g_ptr_array_unref);
  g_free (report);
}

/** bw_quality_report_mean_alpha: the mean of the images' α, NAN without any. */
double
bw_quality_report_mean_alpha (const BwQualityReport *report)
{
  return report->alpha_images > 0 ? report->alpha_sum / (double) report->alpha_images : NAN;
}

const char *
bw_quality_report_category_name (const BwQualityReport *report,
                                 gint64                 category_id)
{
  const char *name = g_hash_table_lookup (report->category_names, &category_id);

  return name != NULL ? name : "";
}

const char *
bw_quality_report_person_name (const BwQualityReport *report,
                               gint64                 person_id)
{
  const char *name = g_hash_table_lookup (report->person_names, &person_id);

  return name != NULL ? name : "";
}
