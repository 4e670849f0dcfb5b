/* bw-cli-model.c — boxwood-cli quality model PROJECT [--model NAME] [--max-f1 F] [--json]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "boxwood-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <json-glib/json-glib.h>
#include <math.h>

#include "bw-cli.h"
#include "bw-model-report.h"

/* How many rows of each list the text report prints. */
#define SHOWN_ROWS 20

typedef struct
{
  GMainLoop     *loop;
  BwModelReport *report;
  GError        *error;
} ModelRun;

static void
compute_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  ModelRun *run = user_data;

  run->report = bw_model_report_compute_finish (BW_PROJECT (object), result, &run->error);
  g_main_loop_quit (run->loop);
}

/**
 * bw_cli_compute_model_report:
 * @project: an open project
 * @model: (nullable): the model's name, %NULL for the only one
 * @iou: τ
 *
 * Computes the model's report, Ctrl+C cancelling it; after a failure,
 * says why on stderr and sets @out_status to the exit status.
 */
BwModelReport *
bw_cli_compute_model_report (BwProject  *project,
                             const char *model,
                             double      iou,
                             int        *out_status)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  BwModelReportOptions options;
  ModelRun run = { loop, NULL, NULL };

  bw_model_report_options_init (&options);
  options.iou_threshold = iou;
  options.model = model;

  bw_cli_catch_interrupts (cancellable);
  bw_model_report_compute_async (project, &options, cancellable, compute_done_cb, &run);
  bw_cli_run_cancellable (loop, cancellable);

  if (run.report == NULL)
    {
      *out_status = g_error_matches (run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ? 130 : 1;
      bw_cli_error ("%s", *out_status == 130 ? _("quality model interrupted") : run.error->message);
      g_clear_error (&run.error);
    }
  return run.report;
}

static void
print_report (const BwModelReport *report,
              double               max_f1)
{
  BwRate f1;
  g_autofree char *f = NULL;
  guint shown;

  bw_quality_counts_f1 (&report->counts, &f1);
  f = bw_cli_format_number (f1.value);
  g_print (_("Model “%s” against the reference answers (gold, else accepted work), IoU threshold %.2f.\n"),
           report->model, report->iou_threshold);
  g_print (_("%" PRIu64 " images scored (%" PRIu64 " gold), %" PRIu64 " with predictions; "
             "TP %" PRIu64 ", FP %" PRIu64 ", FN %" PRIu64 ", F1 %s.\n"),
           report->images_scored, report->gold_images, report->predicted_images,
           report->counts.tp, report->counts.fp, report->counts.fn, f);
  if (report->unanswered_images > 0)
    g_print (_("note: %" PRIu64 " images with predictions have no accepted or gold answer yet "
               "and were not scored\n"), report->unanswered_images);

  g_print ("\n%-20s %6s %6s %6s  %s\n", _("Category"), "TP", "FP", "FN", "F1");
  for (guint i = 0; i < report->categories->len; i++)
    {
      const BwQualityCategory *category = &g_array_index (report->categories, BwQualityCategory, i);
      g_autofree char *cf = NULL;

      bw_quality_counts_f1 (&category->counts, &f1);
      cf = bw_cli_format_number (f1.value);
      g_print ("%-20s %6" PRIu64 " %6" PRIu64 " %6" PRIu64 "  %s\n",
               bw_model_report_category_name (report, category->category_id),
               category->counts.tp, category->counts.fp, category->counts.fn, cf);
    }

  g_print (_("\nImages with the lowest F1:\n"));
  shown = 0;
  for (guint i = 0; i < report->images->len && shown < SHOWN_ROWS; i++)
    {
      const BwModelImage *image = report->images->pdata[i];
      g_autofree char *imf = NULL;

      if (isnan (image->f1))
        break;
      imf = bw_cli_format_number (image->f1);
      g_print (_("  %s  F1 %s (TP %" PRIu64 ", FP %" PRIu64 ", FN %" PRIu64 ")\n"),
               image->path, imf, image->counts.tp, image->counts.fp, image->counts.fn);
      shown++;
    }

  if (report->disagreements->len > 0)
    {
      g_print (_("\nWhose accepted work the model disagrees with most (a hint, not a verdict):\n"));
      for (guint i = 0; i < report->disagreements->len && i < SHOWN_ROWS; i++)
        {
          const BwModelDisagreement *d = &g_array_index (report->disagreements, BwModelDisagreement, i);
          g_autofree char *rate = bw_cli_format_number (d->rate.value);

          g_print (_("  %s, %s: disagreement %s [%.3f, %.3f] (TP %" PRIu64 ", FP %" PRIu64 ", FN %" PRIu64 ")\n"),
                   bw_model_report_person_name (report, d->person_id),
                   bw_model_report_category_name (report, d->category_id),
                   rate, d->rate.lo, d->rate.hi, d->counts.tp, d->counts.fp, d->counts.fn);
        }
    }

  if (!isnan (max_f1))
    {
      g_autoptr(GArray) hard = bw_model_report_hard_examples (report, max_f1);

      g_print (_("\n%u hard examples (F1 below %g): export them with "
                 "“boxwood-cli export coco PROJECT OUT.json --hard-examples --max-f1 %g”.\n"),
               hard->len, max_f1, max_f1);
    }
}

int
bw_cli_quality_model (int    argc,
                      char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(BwProject) project = NULL;
  g_autoptr(BwModelReport) report = NULL;
  g_autofree char *model = NULL;
  double iou = BW_MATCHING_DEFAULT_IOU_THRESHOLD;
  double max_f1 = NAN;
  gboolean json = FALSE;
  int status = 0;
  const GOptionEntry entries[] = {
    { "model", 0, 0, G_OPTION_ARG_STRING, &model,
      N_("The model to score, by the name its predictions were imported under "
         "(needed when the project holds several)"), N_("NAME") },
    { "iou", 0, 0, G_OPTION_ARG_DOUBLE, &iou,
      N_("Pairs with a lower IoU do not match (default 0.5)"), N_("T") },
    { "max-f1", 0, 0, G_OPTION_ARG_DOUBLE, &max_f1,
      N_("Also list the hard examples: the images whose F1 is below F"), N_("F") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      N_("Print one JSON object with every figure"), NULL },
    { NULL }
  };

  g_set_prgname ("boxwood-cli quality model");
  context = g_option_context_new (_("PROJECT.boxwood"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
    _("Score a model’s imported predictions against the reference answers: the\n"
      "gold answer of a gold image, else the accepted work. Per category the\n"
      "false positives and negatives; the images with the lowest F1 (an image’s\n"
      "F1 is 2·TP / (2·TP + FP + FN) over all its categories; an image with\n"
      "neither answers nor predictions has none); and whose accepted work the\n"
      "model disagrees with most, per category — a hint of a systematic\n"
      "labelling error, not a verdict."));
  g_option_context_set_description (context,
    _("Exit status: 0 on success, 1 when the project cannot be read or holds no\n"
      "such model (the reason is printed on standard error), 2 on a usage error,\n"
      "130 when interrupted."));

  if (!bw_cli_parse_options (context, &argc, &argv))
    return 2;
  if (argc != 2)
    {
      bw_cli_error (_("quality model takes one argument, the project file; "
                      "see “boxwood-cli quality model --help”"));
      return 2;
    }
  if (!(iou > 0.0 && iou <= 1.0))
    {
      bw_cli_error (_("--iou must be above 0 and at most 1, such as 0.5"));
      return 2;
    }
  if (!isnan (max_f1) && !(max_f1 >= 0.0 && max_f1 <= 1.0))
    {
      bw_cli_error (_("--max-f1 must be from 0 to 1, such as 0.5"));
      return 2;
    }

  project = bw_cli_open_project_to_read (argv[1]);
  if (project == NULL)
    return 1;

  report = bw_cli_compute_model_report (project, model, iou, &status);
  if (report == NULL)
    return status;

  if (json)
    {
      g_autoptr(JsonGenerator) generator = json_generator_new ();
      g_autoptr(JsonNode) root = bw_model_report_to_json (report, max_f1);
      g_autofree char *text = NULL;

      json_generator_set_root (generator, root);
      json_generator_set_pretty (generator, TRUE);
      text = json_generator_to_data (generator, NULL);
      g_print ("%s\n", text);
    }
  else
    print_report (report, max_f1);

  return 0;
}
