/* bw-cli-review.c — boxwood-cli review list | stats
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

#include "bw-cli.h"
#include "bw-stats.h"

static const char exit_status_text[] =
  N_("Exit status: 0 on success, 1 when the project cannot be read (the reason\n"
     "is printed on standard error), 2 on a usage error.");

/* "2 h 05 min", "7 min 30 s", "12 s"; "–" for none. */
static char *
format_duration (double seconds)
{
  guint64 s;

  if (!(seconds > 0))
    return g_strdup ("–");
  s = (guint64) llround (seconds);
  if (s >= 3600)
    return g_strdup_printf (_("%" PRIu64 " h %02u min"), s / 3600, (guint) (s % 3600 / 60));
  if (s >= 60)
    return g_strdup_printf (_("%u min %02u s"), (guint) (s / 60), (guint) (s % 60));
  return g_strdup_printf (_("%u s"), (guint) s);
}

/* review list */

static void
queue_to_json (BwProject *project,
               GPtrArray *queue)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "project");
  json_builder_add_string_value (builder, g_file_peek_path (bw_project_get_file (project)));
  json_builder_set_member_name (builder, "queue");
  json_builder_begin_array (builder);
  for (guint i = 0; i < queue->len; i++)
    {
      const BwReviewQueueItem *item = queue->pdata[i];
      g_autofree char *submitted = bw_cli_format_iso_time (item->submitted_at);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "image_id");
      json_builder_add_int_value (builder, item->image_id);
      json_builder_set_member_name (builder, "image");
      json_builder_add_string_value (builder, item->image_path);
      json_builder_set_member_name (builder, "layer_id");
      json_builder_add_int_value (builder, item->layer_id);
      json_builder_set_member_name (builder, "annotator");
      json_builder_add_string_value (builder, item->annotator);
      json_builder_set_member_name (builder, "status");
      json_builder_add_string_value (builder, bw_assignment_status_to_string (item->status));
      json_builder_set_member_name (builder, "submission");
      json_builder_add_int_value (builder, item->submission);
      json_builder_set_member_name (builder, "submitted_at");
      if (submitted != NULL)
        json_builder_add_string_value (builder, submitted);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "shapes");
      json_builder_add_int_value (builder, item->n_annotations);
      json_builder_set_member_name (builder, "audited");
      json_builder_add_boolean_value (builder, item->audited);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  bw_cli_print_json (builder);
}

static void
print_queue (GPtrArray *queue)
{
  g_autoptr(GString) line = g_string_new (NULL);

  if (queue->len == 0)
    {
      g_print ("%s\n", _("No submitted work waits for review."));
      return;
    }

  g_print (g_dngettext (GETTEXT_PACKAGE,
                        "%u submission waits for review, oldest first:\n",
                        "%u submissions wait for review, oldest first:\n", queue->len),
           queue->len);
  bw_cli_append_cell (line, _("Submitted"), 16, FALSE);
  bw_cli_append_cell (line, _("Annotator"), 16, FALSE);
  bw_cli_append_cell (line, _("Shapes"), 6, TRUE);
  bw_cli_append_cell (line, _("Audit"), 5, FALSE);
  bw_cli_append_cell (line, _("Status"), 10, FALSE);
  g_string_append (line, _("Image"));
  g_print ("%s\n", line->str);

  for (guint i = 0; i < queue->len; i++)
    {
      const BwReviewQueueItem *item = queue->pdata[i];
      g_autofree char *when = bw_cli_format_local_time (item->submitted_at);
      g_autofree char *shapes = g_strdup_printf ("%u", item->n_annotations);

      g_string_truncate (line, 0);
      bw_cli_append_cell (line, when, 16, FALSE);
      bw_cli_append_cell (line, item->annotator ? item->annotator : "", 16, FALSE);
      bw_cli_append_cell (line, shapes, 6, TRUE);
      bw_cli_append_cell (line, item->audited ? _("yes") : "–", 5, FALSE);
      bw_cli_append_cell (line, item->status == BW_ASSIGNMENT_IN_REVIEW ? _("in review") : _("submitted"),
                          10, FALSE);
      g_string_append (line, item->image_path);
      g_print ("%s\n", line->str);
    }
}

static int
review_list (int    argc,
             char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BwProject) project = NULL;
  g_autoptr(GPtrArray) queue = NULL;
  g_autofree char *annotator = NULL;
  g_autofree char *category = NULL;
  gint64 annotator_id = 0, category_id = 0;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "annotator", 0, 0, G_OPTION_ARG_STRING, &annotator,
      N_("Only NAME’s work"), N_("NAME") },
    { "category", 0, 0, G_OPTION_ARG_STRING, &category,
      N_("Only work with an annotation of this category"), N_("NAME") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      N_("Print one JSON object with the queue"), NULL },
    { NULL }
  };

  g_set_prgname ("boxwood-cli review list");
  context = g_option_context_new (_("PROJECT.boxwood"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
    _("List the review queue: the submitted work waiting for a verdict, oldest\n"
      "submission first, with its annotator, when it was submitted, how many\n"
      "shapes it has, whether a random audit sampled it, and its image.\n"
      "Submissions a random audit did not sample follow the audit policy and\n"
      "are not in the queue (see “boxwood-cli audit”)."));
  g_option_context_set_description (context, _(exit_status_text));

  if (!bw_cli_parse_options (context, &argc, &argv))
    return 2;
  if (argc != 2)
    {
      bw_cli_error (_("review list takes one argument, the project file; "
                      "see “boxwood-cli review list --help”"));
      return 2;
    }

  project = bw_cli_open_project_to_read (argv[1]);
  if (project == NULL)
    return 1;

  if (annotator != NULL && (annotator_id = bw_project_find_person (project, annotator)) <= 0)
    {
      bw_cli_error (_("--annotator: nobody called “%s” is in the project “%s”"),
                    annotator, bw_project_get_display_name (project));
      return 2;
    }
  if (category != NULL && (category_id = bw_project_find_category_by_name (project, category)) <= 0)
    {
      bw_cli_error (_("--category: “%s” is not a category of the project “%s”"),
                    category, bw_project_get_display_name (project));
      return 2;
    }

  queue = bw_project_list_review_queue (project, annotator_id, category_id, &error);
  if (queue == NULL)
    {
      bw_cli_error ("%s", error->message);
      return 1;
    }

  if (json)
    queue_to_json (project, queue);
  else
    print_queue (queue);
  return 0;
}

/* review stats */

static const char *
reason_name (GHashTable *reasons,
             gint64      reason_id)
{
  const BwRejectionReason *reason = g_hash_table_lookup (reasons, &reason_id);

  return reason != NULL ? reason->name : _("(deleted reason)");
}

static void
add_rate (JsonBuilder  *builder,
          const char   *name,
          const BwRate *rate)
{
  g_autofree char *interval = g_strconcat (name, "_interval", NULL);

  json_builder_set_member_name (builder, name);
  if (rate->n > 0)
    json_builder_add_double_value (builder, rate->value);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, interval);
  json_builder_begin_array (builder);
  json_builder_add_double_value (builder, rate->lo);
  json_builder_add_double_value (builder, rate->hi);
  json_builder_end_array (builder);
}

static void
stats_to_json (BwProject  *project,
               GPtrArray  *stats,
               GHashTable *reasons)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "project");
  json_builder_add_string_value (builder, g_file_peek_path (bw_project_get_file (project)));
  json_builder_set_member_name (builder, "people");
  json_builder_begin_array (builder);
  for (guint i = 0; i < stats->len; i++)
    {
      const BwReviewStats *s = stats->pdata[i];
      BwRate first_pass;

      bw_rate_init (&first_pass, (guint64) s->first_pass_accepted, (guint64) s->first_reviewed);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, s->name);
      json_builder_set_member_name (builder, "submitted");
      json_builder_add_int_value (builder, s->submissions);
      json_builder_set_member_name (builder, "accepted");
      json_builder_add_int_value (builder, s->accepted);
      json_builder_set_member_name (builder, "returned");
      json_builder_add_int_value (builder, s->returned);
      json_builder_set_member_name (builder, "first_reviewed");
      json_builder_add_int_value (builder, s->first_reviewed);
      json_builder_set_member_name (builder, "first_pass_accepted");
      json_builder_add_int_value (builder, s->first_pass_accepted);
      add_rate (builder, "first_pass_acceptance", &first_pass);
      json_builder_set_member_name (builder, "rejection_reasons");
      json_builder_begin_array (builder);
      for (guint r = 0; r < s->reasons->len; r++)
        {
          const BwReasonCount *count = &g_array_index (s->reasons, BwReasonCount, r);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "reason");
          json_builder_add_string_value (builder, reason_name (reasons, count->reason_id));
          json_builder_set_member_name (builder, "count");
          json_builder_add_int_value (builder, count->count);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "annotate_seconds");
      json_builder_add_double_value (builder, s->annotate_seconds);
      json_builder_set_member_name (builder, "review_seconds");
      json_builder_add_double_value (builder, s->review_seconds);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  bw_cli_print_json (builder);
}

static void
print_stats (GPtrArray  *stats,
             GHashTable *reasons)
{
  g_autoptr(GString) line = g_string_new (NULL);

  if (stats->len == 0)
    {
      g_print ("%s\n", _("Nobody has submitted or reviewed work in this project yet."));
      return;
    }

  bw_cli_append_cell (line, _("Person"), 16, FALSE);
  bw_cli_append_cell (line, _("Submitted"), 9, TRUE);
  bw_cli_append_cell (line, _("Accepted"), 8, TRUE);
  bw_cli_append_cell (line, _("Returned"), 8, TRUE);
  bw_cli_append_cell (line, _("First-pass acceptance [95 %]"), 30, FALSE);
  bw_cli_append_cell (line, _("Annotating"), 12, TRUE);
  g_string_append (line, _("Reviewing"));
  g_print ("%s\n", line->str);

  for (guint i = 0; i < stats->len; i++)
    {
      const BwReviewStats *s = stats->pdata[i];
      g_autofree char *submitted = g_strdup_printf ("%" PRId64, s->submissions);
      g_autofree char *accepted = g_strdup_printf ("%" PRId64, s->accepted);
      g_autofree char *returned = g_strdup_printf ("%" PRId64, s->returned);
      g_autofree char *first_pass = NULL;
      g_autofree char *annotating = format_duration (s->annotate_seconds);
      g_autofree char *reviewing = format_duration (s->review_seconds);
      BwRate rate;

      bw_rate_init (&rate, (guint64) s->first_pass_accepted, (guint64) s->first_reviewed);
      if (rate.n > 0)
        first_pass = g_strdup_printf ("%" PRIu64 "/%" PRIu64 " %.3f [%.3f, %.3f]",
                                      rate.successes, rate.n, rate.value, rate.lo, rate.hi);
      else
        first_pass = g_strdup ("–");

      g_string_truncate (line, 0);
      bw_cli_append_cell (line, s->name ? s->name : "", 16, FALSE);
      bw_cli_append_cell (line, submitted, 9, TRUE);
      bw_cli_append_cell (line, accepted, 8, TRUE);
      bw_cli_append_cell (line, returned, 8, TRUE);
      bw_cli_append_cell (line, first_pass, 30, FALSE);
      bw_cli_append_cell (line, annotating, 12, TRUE);
      g_string_append (line, reviewing);
      g_print ("%s\n", line->str);

      if (s->reasons->len > 0)
        {
          g_string_truncate (line, 0);
          for (guint r = 0; r < s->reasons->len; r++)
            {
              const BwReasonCount *count = &g_array_index (s->reasons, BwReasonCount, r);

              g_string_append_printf (line, "%s%s %" PRId64, r > 0 ? ", " : "",
                                      reason_name (reasons, count->reason_id), count->count);
            }
          g_print (_("  Rejection reasons: %s\n"), line->str);
        }
    }
}

static int
review_stats (int    argc,
              char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BwProject) project = NULL;
  g_autoptr(GPtrArray) stats = NULL;
  g_autoptr(GPtrArray) reason_list = NULL;
  g_autoptr(GHashTable) reasons = g_hash_table_new (g_int64_hash, g_int64_equal);
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      N_("Print one JSON object with every figure"), NULL },
    { NULL }
  };

  g_set_prgname ("boxwood-cli review stats");
  context = g_option_context_new (_("PROJECT.boxwood"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
    _("Show, per person who annotated or reviewed: submissions (every hand-in,\n"
      "resubmissions included), work accepted, times work was returned, the\n"
      "first-pass acceptance rate (of the work that got a verdict, the share\n"
      "accepted at its first review, with a 95 % Wilson interval; work a random\n"
      "audit let through unreviewed is not counted), the rejection reasons given\n"
      "on their work by count, and their active time annotating and reviewing."));
  g_option_context_set_description (context, _(exit_status_text));

  if (!bw_cli_parse_options (context, &argc, &argv))
    return 2;
  if (argc != 2)
    {
      bw_cli_error (_("review stats takes one argument, the project file; "
                      "see “boxwood-cli review stats --help”"));
      return 2;
    }

  project = bw_cli_open_project_to_read (argv[1]);
  if (project == NULL)
    return 1;

  if (!(stats = bw_project_list_review_stats (project, &error)) ||
      !(reason_list = bw_project_list_rejection_reasons (project, TRUE, &error)))
    {
      bw_cli_error ("%s", error->message);
      return 1;
    }
  for (guint i = 0; i < reason_list->len; i++)
    {
      BwRejectionReason *reason = reason_list->pdata[i];

      g_hash_table_insert (reasons, &reason->id, reason);
    }

  if (json)
    stats_to_json (project, stats, reasons);
  else
    print_stats (stats, reasons);
  return 0;
}

int
bw_cli_review (int    argc,
               char **argv)
{
  if (argc >= 2 && strcmp (argv[1], "list") == 0)
    return review_list (argc - 1, argv + 1);
  if (argc >= 2 && strcmp (argv[1], "stats") == 0)
    return review_stats (argc - 1, argv + 1);

  if (argc >= 2 && (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0))
    {
      g_print ("%s\n\n%s\n  %-6s %s\n  %-6s %s\n\n%s\n",
               _("Usage: boxwood-cli review list|stats [OPTION…] PROJECT.boxwood"),
               _("Commands:"),
               "list", _("The review queue: submitted work waiting for a verdict"),
               "stats", _("Per person: submitted, accepted, returned, first-pass acceptance, "
                          "rejection reasons, active time"),
               _("Run “boxwood-cli review list --help” or “boxwood-cli review stats --help” "
                 "for their options."));
      return 0;
    }

  if (argc < 2)
    bw_cli_error (_("review needs list or stats; see “boxwood-cli review --help”"));
  else
    bw_cli_error (_("“%s” is not a review command: use list or stats"), argv[1]);
  return 2;
}
