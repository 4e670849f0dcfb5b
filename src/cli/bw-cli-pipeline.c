/* bw-cli-pipeline.c — boxwood-cli pipeline PROJECT [--days N] [--stuck-after H] [--json]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "boxwood-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <math.h>

#include "bw-cli.h"
#include "bw-pipeline.h"

static void
print_pipeline (const BwPipeline *pipeline)
{
  double pace = bw_pipeline_accepted_per_day (pipeline);
  double days_to_clear = bw_pipeline_days_to_clear (pipeline);

  g_print ("%s\n", _("Images by stage:"));
  for (guint s = 0; s < BW_IMAGE_N_STATUS; s++)
    g_print ("  %-14s %8" PRId64 "\n", bw_image_status_to_label (s), pipeline->images_by_status[s]);

  g_print ("\n%-10s %8s %9s %8s %8s %8s\n", _("Day"), _("Added"), _("Submitted"),
           _("Accepted"), _("Returned"), _("Backlog"));
  for (guint k = 0; k < pipeline->days->len; k++)
    {
      const BwPipelineDay *day = &g_array_index (pipeline->days, BwPipelineDay, k);
      g_autofree char *date = bw_pipeline_format_date (day->start);

      g_print ("%-10s %8" PRId64 " %9" PRId64 " %8" PRId64 " %8" PRId64 " %8" PRId64 "\n",
               date, day->added, day->submitted, day->accepted, day->returned, day->backlog);
    }

  g_print ("\n");
  g_print (_("Backlog: %" PRId64 " images; %.1f accepted per day"),
           bw_pipeline_backlog (pipeline), pace);
  if (bw_pipeline_backlog (pipeline) == 0)
    g_print (_("; nothing is waiting.\n"));
  else if (isnan (days_to_clear))
    g_print (_("; nothing accepted lately, so no estimate of when it clears.\n"));
  else
    g_print (_("; about %.1f days to clear at that pace.\n"), days_to_clear);

  if (pipeline->n_stuck == 0)
    {
      g_print (_("No work has waited in one stage longer than %.0f hours.\n"),
               (double) pipeline->stuck_after / G_TIME_SPAN_HOUR);
      return;
    }

  g_print (g_dngettext (GETTEXT_PACKAGE,
                        "\n%" PRId64 " piece of work has waited in one stage longer than %.0f hours:\n",
                        "\n%" PRId64 " pieces of work have waited in one stage longer than %.0f hours:\n",
                        pipeline->n_stuck),
           pipeline->n_stuck, (double) pipeline->stuck_after / G_TIME_SPAN_HOUR);
  for (guint i = 0; i < pipeline->stuck->len; i++)
    {
      const BwPipelineStuck *stuck = pipeline->stuck->pdata[i];

      g_autofree char *wait = bw_pipeline_format_wait (pipeline->now - stuck->since);

      g_print (_("  %s — %s — %s for %s\n"), stuck->path, stuck->person,
               bw_pipeline_stage_to_label (stuck->stage), wait);
    }
  if ((gint64) pipeline->stuck->len < pipeline->n_stuck)
    g_print (_("  … and %" PRId64 " more.\n"), pipeline->n_stuck - (gint64) pipeline->stuck->len);
}

int
bw_cli_pipeline (int    argc,
                 char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(BwProject) project = NULL;
  g_autoptr(BwPipeline) pipeline = NULL;
  g_autoptr(GError) error = NULL;
  int days = BW_PIPELINE_DEFAULT_DAYS;
  double stuck_hours = (double) BW_PIPELINE_DEFAULT_STUCK_AFTER / G_TIME_SPAN_HOUR;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "days", 0, 0, G_OPTION_ARG_INT, &days,
      N_("Show the last N days, today included (default 14)"), N_("N") },
    { "stuck-after", 0, 0, G_OPTION_ARG_DOUBLE, &stuck_hours,
      N_("Call work stuck after H hours in one stage (default 48)"), N_("H") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      N_("Print one JSON object with every figure"), NULL },
    { NULL }
  };

  context = g_option_context_new (_("PROJECT.boxwood"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
    _("Show how work flows through a project: the images in each stage, what\n"
      "was added, submitted, accepted and returned each day, the backlog at the\n"
      "end of each day and when it clears at the recent pace, and the work that\n"
      "has waited in one stage too long (who holds it, and since when)."));
  g_option_context_set_description (context,
    _("Exit status: 0 on success, 1 when the project cannot be read (the reason\n"
      "is printed on standard error), 2 on a usage error."));

  if (!bw_cli_parse_options (context, &argc, &argv))
    return 2;

  if (argc != 2)
    {
      bw_cli_error (_("pipeline takes one argument, the project file; see “boxwood-cli pipeline --help”"));
      return 2;
    }
  if (days < 1 || days > BW_PIPELINE_MAX_DAYS)
    {
      bw_cli_error (_("--days must be between 1 and %d"), BW_PIPELINE_MAX_DAYS);
      return 2;
    }
  if (!(stuck_hours >= 0.0 && stuck_hours <= 24.0 * 365 * 10))
    {
      bw_cli_error (_("--stuck-after must be a number of hours, such as 48"));
      return 2;
    }

  project = bw_cli_open_project_to_read (argv[1]);
  if (project == NULL)
    return 1;

  pipeline = bw_pipeline_compute (project, g_get_real_time (), (guint) days,
                                  (gint64) (stuck_hours * G_TIME_SPAN_HOUR), &error);
  if (pipeline == NULL)
    {
      bw_cli_error ("%s", error->message);
      return 1;
    }

  if (json)
    {
      g_autoptr(JsonGenerator) generator = json_generator_new ();
      g_autoptr(JsonNode) root = bw_pipeline_to_json (pipeline);
      g_autofree char *text = NULL;

      json_generator_set_root (generator, root);
      json_generator_set_pretty (generator, TRUE);
      text = json_generator_to_data (generator, NULL);
      g_print ("%s\n", text);
    }
  else
    print_pipeline (pipeline);

  return 0;
}
