/* bw-cli-quality.c — boxwood-cli quality PROJECT [--iou T] [--by …] [--json|--csv]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "boxwood-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bw-cli.h"
#include "bw-quality.h"

typedef struct
{
  GMainLoop       *loop;
  GCancellable    *cancellable;
  BwQualityReport *report;
  GError          *error;
  gboolean         show_progress;
  gint64           last_progress;
} QualityRun;

/* From the worker thread; stderr is line-buffered enough for one line. */
static void
progress_cb (double   fraction,
             gpointer user_data)
{
  QualityRun *run = user_data;

  if (!run->show_progress || !bw_cli_progress_due (&run->last_progress, fraction >= 1.0))
    return;
  fprintf (stderr, _("Computing quality figures… %u%%"), (guint) (fraction * 100));
  fflush (stderr);
}

static void
compute_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  QualityRun *run = user_data;

  run->report = bw_quality_compute_finish (BW_PROJECT (object), result, &run->error);
  g_main_loop_quit (run->loop);
}

/* "0.82 [0.75, 0.88]", or "–" without a denominator. */
static char *
format_rate (const BwRate *rate)
{
  if (isnan (rate->value))
    return g_strdup ("–");
  return g_strdup_printf ("%.3f [%.3f, %.3f]", rate->value, rate->lo, rate->hi);
}

static void
print_counts_row (const char            *name,
                  guint64                images,
                  const BwQualityCounts *counts)
{
  BwRate precision, recall, f1, accuracy;
  g_autofree char *p = NULL, *r = NULL, *f = NULL, *a = NULL, *iou = NULL;

  bw_quality_counts_precision (counts, &precision);
  bw_quality_counts_recall (counts, &recall);
  bw_quality_counts_f1 (counts, &f1);
  bw_quality_counts_accuracy (counts, &accuracy);
  p = format_rate (&precision);
  r = format_rate (&recall);
  f = format_rate (&f1);
  a = format_rate (&accuracy);
  iou = bw_cli_format_number (bw_quality_counts_mean_iou (counts));

  g_print ("%-20s %6" G_GUINT64_FORMAT " %6" G_GUINT64_FORMAT " %6" G_GUINT64_FORMAT
           " %6" G_GUINT64_FORMAT "  %-22s %-22s %-22s %-22s %s\n",
           name, images, counts->tp, counts->fp, counts->fn, p, r, f, a, iou);
}

static void
print_header (const char *first)
{
  g_print ("%-20s %6s %6s %6s %6s  %-22s %-22s %-22s %-22s %s\n",
           first, _("Images"), "TP", "FP", "FN", _("Precision [95 %]"), _("Recall"),
           "F1", _("Accuracy"), _("Mean IoU"));
}

static void
print_report (const BwQualityReport *report,
              BwQualityBy            by)
{
  g_print (_("IoU threshold %.2f; %" PRIu64 " gold images scored.\n\n"),
           report->iou_threshold, report->gold_images);

  switch (by)
    {
    case BW_QUALITY_BY_CATEGORY:
      print_header (_("Category"));
      for (guint i = 0; i < report->categories->len; i++)
        {
          const BwQualityCategory *category = &g_array_index (report->categories, BwQualityCategory, i);

          print_counts_row (bw_quality_report_category_name (report, category->category_id),
                            0, &category->counts);
        }
      break;

    case BW_QUALITY_BY_IMAGE:
      print_header (_("Image / annotator"));
      for (guint i = 0; report->images != NULL && i < report->images->len; i++)
        {
          const BwQualityImageResult *image = report->images->pdata[i];
          g_autofree char *alpha = bw_cli_format_number (image->alpha);

          g_print (_("%s (α %s)\n"), image->path, alpha);
          for (guint s = 0; s < image->scores->len; s++)
            {
              const BwQualityImageScore *score = &g_array_index (image->scores, BwQualityImageScore, s);
              g_autofree char *name = g_strconcat ("  ", bw_quality_report_person_name (report, score->person_id), NULL);

              print_counts_row (name, 1, &score->counts);
            }
        }
      break;

    case BW_QUALITY_BY_ANNOTATOR:
    default:
      print_header (_("Annotator"));
      for (guint i = 0; i < report->annotators->len; i++)
        {
          const BwQualityAnnotator *annotator = report->annotators->pdata[i];

          print_counts_row (annotator->name, annotator->images, &annotator->counts);
        }
      break;
    }

  if (report->agreement_images > 0)
    {
      g_autofree char *alpha = bw_cli_format_number (bw_quality_report_mean_alpha (report));

      g_print (_("\nAgreement: %" PRIu64 " images answered by two or more people; "
                 "mean Krippendorff’s α %s; %u below %.2f.\n"),
               report->agreement_images, alpha, report->flagged->len, report->alpha_threshold);
      for (guint i = 0; i < report->pairs->len; i++)
        {
          const BwQualityPair *pair = &g_array_index (report->pairs, BwQualityPair, i);
          BwRate f1;
          g_autofree char *f = NULL, *iou = NULL;

          bw_quality_counts_f1 (&pair->counts, &f1);
          f = format_rate (&f1);
          iou = bw_cli_format_number (bw_quality_counts_mean_iou (&pair->counts));
          g_print (_("  %s – %s: %" PRIu64 " images, F1 %s, mean IoU %s\n"),
                   bw_quality_report_person_name (report, pair->person_a),
                   bw_quality_report_person_name (report, pair->person_b),
                   pair->images, f, iou);
        }
    }
}

int
bw_cli_quality (int    argc,
                char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(BwProject) project = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GCancellable) cancellable = NULL;
  g_autoptr(BwQualityReport) report = NULL;
  g_autofree char *by_text = NULL;
  BwQualityOptions options;
  BwQualityBy by = BW_QUALITY_BY_ANNOTATOR;
  QualityRun run = { 0, };
  double iou = BW_MATCHING_DEFAULT_IOU_THRESHOLD;
  double alpha = BW_QUALITY_DEFAULT_ALPHA_THRESHOLD;
  gboolean json = FALSE, csv = FALSE;
  const GOptionEntry entries[] = {
    { "iou", 0, 0, G_OPTION_ARG_DOUBLE, &iou,
      N_("Pairs with a lower IoU do not match (default 0.5)"), N_("T") },
    { "alpha", 0, 0, G_OPTION_ARG_DOUBLE, &alpha,
      N_("Flag images whose Krippendorff’s α is below A (default 0.6)"), N_("A") },
    { "by", 0, 0, G_OPTION_ARG_STRING, &by_text,
      N_("One row per annotator (the default), category or image"), N_("annotator|category|image") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      N_("Print one JSON object with every figure"), NULL },
    { "csv", 0, 0, G_OPTION_ARG_NONE, &csv,
      N_("Print CSV, one row per annotator, category or image"), NULL },
    { NULL }
  };

  if (argc >= 2 && g_strcmp0 (argv[1], "model") == 0)
    return bw_cli_quality_model (argc - 1, argv + 1);

  context = g_option_context_new (_("PROJECT.boxwood"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
    _("Score each annotator’s submitted work on gold images against the gold\n"
      "answer (precision, recall, F1, accuracy with 95 % Wilson intervals, mean\n"
      "IoU, errors by kind, confusion of categories), and measure agreement on\n"
      "images two or more people answered (pairwise F1 and mean IoU,\n"
      "Krippendorff’s α after matching)."));
  g_option_context_set_description (context,
    _("Exit status: 0 on success, 1 when the project cannot be read (the reason\n"
      "is printed on standard error), 2 on a usage error, 130 when interrupted."));

  if (!bw_cli_parse_options (context, &argc, &argv))
    return 2;

  if (argc != 2)
    {
      bw_cli_error (_("quality takes one argument, the project file; see “boxwood-cli quality --help”"));
      return 2;
    }
  if (!(iou > 0.0 && iou <= 1.0))
    {
      bw_cli_error (_("--iou must be above 0 and at most 1, such as 0.5"));
      return 2;
    }
  if (!(alpha >= -1.0 && alpha <= 1.0))
    {
      bw_cli_error (_("--alpha must be between -1 and 1, such as 0.6"));
      return 2;
    }
  if (json && csv)
    {
      bw_cli_error (_("--json and --csv cannot be used together; choose one"));
      return 2;
    }
  if (by_text != NULL)
    {
      if (strcmp (by_text, "annotator") == 0)
        by = BW_QUALITY_BY_ANNOTATOR;
      else if (strcmp (by_text, "category") == 0)
        by = BW_QUALITY_BY_CATEGORY;
      else if (strcmp (by_text, "image") == 0)
        by = BW_QUALITY_BY_IMAGE;
      else
        {
          bw_cli_error (_("--by takes annotator, category or image, not “%s”"), by_text);
          return 2;
        }
    }

  /* A team project is scored on a snapshot of it. */
  project = bw_cli_is_team_url (argv[1]) ? bw_cli_open_project_to_read (argv[1])
                                         : bw_cli_open_project (argv[1]);
  if (project == NULL)
    return 1;

  bw_quality_options_init (&options);
  options.iou_threshold = iou;
  options.alpha_threshold = alpha;
  options.keep_images = by == BW_QUALITY_BY_IMAGE;

  loop = g_main_loop_new (NULL, FALSE);
  cancellable = g_cancellable_new ();
  run.loop = loop;
  run.cancellable = cancellable;
  run.show_progress = isatty (STDERR_FILENO);
  bw_cli_catch_interrupts (cancellable);
  bw_quality_compute_async (project, &options, progress_cb, &run, cancellable,
                            compute_done_cb, &run);
  bw_cli_run_cancellable (loop, cancellable);
  if (run.show_progress)
    fprintf (stderr, "\r\033[K");

  report = g_steal_pointer (&run.report);
  if (report == NULL)
    {
      int status = g_error_matches (run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ? 130 : 1;

      bw_cli_error ("%s", status == 130 ? _("quality interrupted") : run.error->message);
      g_clear_error (&run.error);
      return status;
    }

  if (json)
    {
      g_autoptr(JsonGenerator) generator = json_generator_new ();
      g_autoptr(JsonNode) root = bw_quality_report_to_json (report, by);
      g_autofree char *text = NULL;

      json_generator_set_root (generator, root);
      json_generator_set_pretty (generator, TRUE);
      text = json_generator_to_data (generator, NULL);
      g_print ("%s\n", text);
    }
  else if (csv)
    {
      g_autofree char *text = bw_quality_report_to_csv (report, by);

      g_print ("%s", text);
    }
  else
    print_report (report, by);

  return 0;
}
