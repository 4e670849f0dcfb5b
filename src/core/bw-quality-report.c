/* bw-quality-report.c — a quality report as JSON and CSV
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The CLI prints these and the tests read them; the Quality window shows
 * the same report. A figure without a denominator (precision with nothing
 * annotated) is null in JSON and empty in CSV, never 0.
 */

#define G_LOG_DOMAIN "bw-quality"

#include "config.h"

#include <math.h>
#include <string.h>

#include "bw-quality.h"
#include "bw-quality-private.h"

static const char *error_names[] = {
  [BW_MATCH_MISSED] = "missed",
  [BW_MATCH_EXTRA] = "extra",
  [BW_MATCH_WRONG_CATEGORY] = "wrong_category",
  [BW_MATCH_POOR_LOCALISATION] = "poor_localisation",
  [BW_MATCH_DUPLICATE] = "duplicate",
};

static void
add_number (JsonBuilder *builder,
            const char  *name,
            double       value)
{
  json_builder_set_member_name (builder, name);
  if (isnan (value))
    json_builder_add_null_value (builder);
  else
    json_builder_add_double_value (builder, value);
}

static void
add_rate (JsonBuilder  *builder,
          const char   *name,
          const BwRate *rate)
{
  g_autofree char *interval = g_strconcat (name, "_interval", NULL);

  add_number (builder, name, rate->value);
  json_builder_set_member_name (builder, interval);
  json_builder_begin_array (builder);
  json_builder_add_double_value (builder, rate->lo);
  json_builder_add_double_value (builder, rate->hi);
  json_builder_end_array (builder);
}

static void
add_int (JsonBuilder *builder,
         const char  *name,
         gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

/* tp … mean_iou and errors, into the object being built. */
static void
add_counts (JsonBuilder           *builder,
            const BwQualityCounts *counts)
{
  _bw_quality_json_add_counts (builder, counts);
}

void
_bw_quality_json_add_number (JsonBuilder *builder,
                             const char  *name,
                             double       value)
{
  add_number (builder, name, value);
}

void
_bw_quality_json_add_counts (JsonBuilder           *builder,
                             const BwQualityCounts *counts)
{
  BwRate rate;

  add_int (builder, "tp", counts->tp);
  add_int (builder, "fp", counts->fp);
  add_int (builder, "fn", counts->fn);
  bw_quality_counts_precision (counts, &rate);
  add_rate (builder, "precision", &rate);
  bw_quality_counts_recall (counts, &rate);
  add_rate (builder, "recall", &rate);
  bw_quality_counts_f1 (counts, &rate);
  add_rate (builder, "f1", &rate);
  bw_quality_counts_accuracy (counts, &rate);
  add_rate (builder, "accuracy", &rate);
  add_number (builder, "mean_iou", bw_quality_counts_mean_iou (counts));

  json_builder_set_member_name (builder, "errors");
  json_builder_begin_object (builder);
  for (guint k = BW_MATCH_MISSED; k < BW_MATCH_N_KINDS; k++)
    add_int (builder, error_names[k], counts->errors[k]);
  json_builder_end_object (builder);
}

static void
add_category_name (JsonBuilder           *builder,
                   const char            *member,
                   const BwQualityReport *report,
                   gint64                 category_id)
{
  json_builder_set_member_name (builder, member);
  if (category_id == 0)
    json_builder_add_null_value (builder);
  else
    json_builder_add_string_value (builder, bw_quality_report_category_name (report, category_id));
}

static void
add_categories (JsonBuilder           *builder,
                const BwQualityReport *report,
                GArray                *categories)
{
  json_builder_set_member_name (builder, "categories");
  json_builder_begin_array (builder);
  for (guint i = 0; i < categories->len; i++)
    {
      const BwQualityCategory *category = &g_array_index (categories, BwQualityCategory, i);

      json_builder_begin_object (builder);
      add_category_name (builder, "category", report, category->category_id);
      add_int (builder, "category_id", category->category_id);
      add_counts (builder, &category->counts);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static void
add_confusion (JsonBuilder           *builder,
               const BwQualityReport *report,
               GArray                *confusion)
{
  json_builder_set_member_name (builder, "confusion");
  json_builder_begin_array (builder);
  for (guint i = 0; i < confusion->len; i++)
    {
      const BwQualityConfusion *cell = &g_array_index (confusion, BwQualityConfusion, i);

      json_builder_begin_object (builder);
      add_category_name (builder, "reference", report, cell->reference_id);
      add_category_name (builder, "annotated", report, cell->annotated_id);
      add_int (builder, "count", cell->count);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static void
add_image (JsonBuilder                *builder,
           const BwQualityReport      *report,
           const BwQualityImageResult *image)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "image");
  json_builder_add_string_value (builder, image->path);
  add_int (builder, "image_id", image->image_id);
  json_builder_set_member_name (builder, "gold");
  json_builder_add_boolean_value (builder, image->is_gold);
  add_int (builder, "annotator_count", image->n_annotators);
  add_number (builder, "alpha", image->alpha);
  json_builder_set_member_name (builder, "annotators");
  json_builder_begin_array (builder);
  for (guint s = 0; s < image->scores->len; s++)
    {
      const BwQualityImageScore *score = &g_array_index (image->scores, BwQualityImageScore, s);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "annotator");
      json_builder_add_string_value (builder, bw_quality_report_person_name (report, score->person_id));
      add_counts (builder, &score->counts);
      if (score->categories != NULL)
        add_categories (builder, report, score->categories);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}

/**
 * bw_quality_report_to_json:
 * @report: a report
 * @by: %BW_QUALITY_BY_IMAGE adds the per-image figures (when the report
 *   kept them); the rest is always there
 *
 * Returns: (transfer full): the report as a JSON object: `iou_threshold`,
 *   `gold_images`, `annotators` (each with `annotator`, `images`, `tp`,
 *   `fp`, `fn`, `precision`, `recall`, `f1`, `accuracy` and their
 *   `_interval`s, `mean_iou`, `errors`, `categories`, `confusion`),
 *   `categories` and `confusion` for all annotators, and `agreement`
 */
JsonNode *
bw_quality_report_to_json (const BwQualityReport *report,
                           BwQualityBy            by)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (report != NULL, NULL);

  json_builder_begin_object (builder);
  add_number (builder, "iou_threshold", report->iou_threshold);
  add_int (builder, "gold_images", report->gold_images);

  json_builder_set_member_name (builder, "annotators");
  json_builder_begin_array (builder);
  for (guint i = 0; i < report->annotators->len; i++)
    {
      const BwQualityAnnotator *annotator = report->annotators->pdata[i];

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "annotator");
      json_builder_add_string_value (builder, annotator->name);
      add_int (builder, "images", annotator->images);
      add_counts (builder, &annotator->counts);
      add_categories (builder, report, annotator->categories);
      add_confusion (builder, report, annotator->confusion);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  add_categories (builder, report, report->categories);
  add_confusion (builder, report, report->confusion);

  json_builder_set_member_name (builder, "agreement");
  json_builder_begin_object (builder);
  add_int (builder, "images", report->agreement_images);
  add_number (builder, "alpha_threshold", report->alpha_threshold);
  add_int (builder, "alpha_images", report->alpha_images);
  add_number (builder, "mean_alpha", bw_quality_report_mean_alpha (report));
  json_builder_set_member_name (builder, "pairs");
  json_builder_begin_array (builder);
  for (guint i = 0; i < report->pairs->len; i++)
    {
      const BwQualityPair *pair = &g_array_index (report->pairs, BwQualityPair, i);
      BwRate f1;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "annotators");
      json_builder_begin_array (builder);
      json_builder_add_string_value (builder, bw_quality_report_person_name (report, pair->person_a));
      json_builder_add_string_value (builder, bw_quality_report_person_name (report, pair->person_b));
      json_builder_end_array (builder);
      add_int (builder, "images", pair->images);
      add_int (builder, "tp", pair->counts.tp);
      add_int (builder, "fp", pair->counts.fp);
      add_int (builder, "fn", pair->counts.fn);
      bw_quality_counts_f1 (&pair->counts, &f1);
      add_rate (builder, "f1", &f1);
      add_number (builder, "mean_iou", bw_quality_counts_mean_iou (&pair->counts));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "flagged");
  json_builder_begin_array (builder);
  for (guint i = 0; i < report->flagged->len; i++)
    add_image (builder, report, report->flagged->pdata[i]);
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  if (by == BW_QUALITY_BY_IMAGE && report->images != NULL)
    {
      json_builder_set_member_name (builder, "images");
      json_builder_begin_array (builder);
      for (guint i = 0; i < report->images->len; i++)
        add_image (builder, report, report->images->pdata[i]);
      json_builder_end_array (builder);
    }

  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* CSV */

static void
csv_field (GString    *out,
           const char *text)
{
  if (out->len > 0 && out->str[out->len - 1] != '\n')
    g_string_append_c (out, ',');

  if (strpbrk (text, ",\"\r\n") == NULL)
    {
      g_string_append (out, text);
      return;
    }

  g_string_append_c (out, '"');
  for (const char *p = text; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

static void
csv_number (GString *out,
            double   value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  csv_field (out, isnan (value) ? "" : g_ascii_dtostr (buf, sizeof buf, value));
}

static void
csv_int (GString *out,
         guint64  value)
{
  char buf[32];

  g_snprintf (buf, sizeof buf, "%" G_GUINT64_FORMAT, value);
  csv_field (out, buf);
}

static const char *counts_header =
  "tp,fp,fn,precision,precision_lo,precision_hi,recall,recall_lo,recall_hi,"
  "f1,f1_lo,f1_hi,accuracy,accuracy_lo,accuracy_hi,mean_iou,"
  "missed,extra,wrong_category,poor_localisation,duplicate";

static void
csv_counts (GString               *out,
            const BwQualityCounts *counts)
{
  void (*rates[]) (const BwQualityCounts *, BwRate *) = {
    bw_quality_counts_precision, bw_quality_counts_recall,
    bw_quality_counts_f1, bw_quality_counts_accuracy,
  };

  csv_int (out, counts->tp);
  csv_int (out, counts->fp);
  csv_int (out, counts->fn);
  for (guint r = 0; r < G_N_ELEMENTS (rates); r++)
    {
      BwRate rate;

      rates[r] (counts, &rate);
      csv_number (out, rate.value);
      csv_number (out, rate.lo);
      csv_number (out, rate.hi);
    }
  csv_number (out, bw_quality_counts_mean_iou (counts));
  for (guint k = BW_MATCH_MISSED; k < BW_MATCH_N_KINDS; k++)
    csv_int (out, counts->errors[k]);
  g_string_append_c (out, '\n');
}

/**
 * bw_quality_report_to_csv:
 * @report: a report
 * @by: one row per annotator, per category (all annotators together), or
 *   per gold image and annotator
 *
 * Returns: (transfer full): CSV text with a header line
 */
char *
bw_quality_report_to_csv (const BwQualityReport *report,
                          BwQualityBy            by)
{
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (report != NULL, NULL);

  switch (by)
    {
    case BW_QUALITY_BY_CATEGORY:
      g_string_append_printf (out, "category,category_id,%s\n", counts_header);
      for (guint i = 0; i < report->categories->len; i++)
        {
          const BwQualityCategory *category = &g_array_index (report->categories, BwQualityCategory, i);

          csv_field (out, bw_quality_report_category_name (report, category->category_id));
          csv_int (out, category->category_id);
          csv_counts (out, &category->counts);
        }
      break;

    case BW_QUALITY_BY_IMAGE:
      g_string_append_printf (out, "image,image_id,annotator,alpha,%s\n", counts_header);
      for (guint i = 0; report->images != NULL && i < report->images->len; i++)
        {
          const BwQualityImageResult *image = report->images->pdata[i];

          for (guint s = 0; s < image->scores->len; s++)
            {
              const BwQualityImageScore *score = &g_array_index (image->scores, BwQualityImageScore, s);

              csv_field (out, image->path);
              csv_int (out, image->image_id);
              csv_field (out, bw_quality_report_person_name (report, score->person_id));
              csv_number (out, image->alpha);
              csv_counts (out, &score->counts);
            }
        }
      break;

    case BW_QUALITY_BY_ANNOTATOR:
    default:
      g_string_append_printf (out, "annotator,images,%s\n", counts_header);
      for (guint i = 0; i < report->annotators->len; i++)
        {
          const BwQualityAnnotator *annotator = report->annotators->pdata[i];

          csv_field (out, annotator->name);
          csv_int (out, annotator->images);
          csv_counts (out, &annotator->counts);
        }
      break;
    }

  return g_string_free (out, FALSE);
}
