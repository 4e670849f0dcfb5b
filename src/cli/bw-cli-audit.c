/* bw-cli-audit.c — boxwood-cli audit PROJECT [--rate R --seed S --policy P | --off]
 *                                           [--report [--margin M]] [--json]
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

#define DEFAULT_MARGIN 0.05

/* "0.1" or "10%": a share from 0 to 1, or -1 when @text is neither. */
static double
parse_rate (const char *text)
{
  g_autofree char *copy = g_strstrip (g_strdup (text));
  gsize len = strlen (copy);
  gboolean percent = len > 0 && copy[len - 1] == '%';
  char *end = NULL;
  double value;

  if (percent)
    copy[len - 1] = '\0';
  value = g_ascii_strtod (copy, &end);
  if (end == copy || *g_strstrip (end) != '\0' || !isfinite (value))
    return -1;
  if (percent)
    value /= 100.0;
  return value >= 0.0 && value <= 1.0 ? value : -1;
}

static const char *
policy_to_string (BwAuditPolicy policy)
{
  return policy == BW_AUDIT_POLICY_HOLD ? "hold" : "accept";
}

static void
print_settings (const BwAuditSettings *audit)
{
  if (!audit->enabled)
    {
      g_print ("%s\n", _("Random audits are off: every submission goes to the review queue."));
      return;
    }

  g_print (_("Random audit: %.4g %% of submissions are sampled for review (seed %" PRIu64 ").\n"),
           audit->rate * 100.0, audit->seed);
  g_print ("%s\n", audit->policy == BW_AUDIT_POLICY_HOLD
                   ? _("Submissions not sampled are held as submitted, out of the review queue.")
                   : _("Submissions not sampled are accepted when they are submitted."));
}

static void
add_settings_json (JsonBuilder           *builder,
                   BwProject             *project,
                   const BwAuditSettings *audit)
{
  json_builder_set_member_name (builder, "project");
  json_builder_add_string_value (builder, g_file_peek_path (bw_project_get_file (project)));
  json_builder_set_member_name (builder, "enabled");
  json_builder_add_boolean_value (builder, audit->enabled);
  json_builder_set_member_name (builder, "rate");
  if (audit->enabled)
    json_builder_add_double_value (builder, audit->rate);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "seed");
  if (audit->enabled)
    {
      /* As a string: JSON readers lose integers above 2⁵³. */
      g_autofree char *seed = g_strdup_printf ("%" PRIu64, audit->seed);

      json_builder_add_string_value (builder, seed);
    }
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "policy");
  if (audit->enabled)
    json_builder_add_string_value (builder, policy_to_string (audit->policy));
  else
    json_builder_add_null_value (builder);
}

/* Submissions waiting for review that no audit drew: handed in before
 * audits were set up, they are reviewed in full. */
static gboolean
count_undrawn (BwProject  *project,
               guint      *out_count,
               GError    **error)
{
  g_autoptr(GPtrArray) queue = bw_project_list_review_queue (project, 0, 0, error);

  *out_count = 0;
  if (queue == NULL)
    return FALSE;
  for (guint i = 0; i < queue->len; i++)
    if (!((BwReviewQueueItem *) queue->pdata[i])->audited)
      (*out_count)++;
  return TRUE;
}

/* What was drawn and sampled so far. */
static int
show_sample (BwProject             *project,
             const BwAuditSettings *audit,
             gboolean               json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) drawn = NULL;
  g_autoptr(GString) line = g_string_new (NULL);
  guint sampled = 0, undrawn = 0;

  if (!(drawn = bw_project_list_audit_samples (project, FALSE, &error)) ||
      !count_undrawn (project, &undrawn, &error))
    {
      bw_cli_error ("%s", error->message);
      return 1;
    }
  for (guint i = 0; i < drawn->len; i++)
    if (((BwAuditSample *) drawn->pdata[i])->sampled)
      sampled++;

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      add_settings_json (builder, project, audit);
      json_builder_set_member_name (builder, "drawn");
      json_builder_add_int_value (builder, drawn->len);
      json_builder_set_member_name (builder, "sampled");
      json_builder_add_int_value (builder, sampled);
      json_builder_set_member_name (builder, "waiting_undrawn");
      json_builder_add_int_value (builder, undrawn);
      json_builder_set_member_name (builder, "samples");
      json_builder_begin_array (builder);
      for (guint i = 0; i < drawn->len; i++)
        {
          const BwAuditSample *s = drawn->pdata[i];

          if (!s->sampled)
            continue;
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "image_id");
          json_builder_add_int_value (builder, s->image_id);
          json_builder_set_member_name (builder, "image");
          json_builder_add_string_value (builder, s->image_path);
          json_builder_set_member_name (builder, "layer_id");
          json_builder_add_int_value (builder, s->layer_id);
          json_builder_set_member_name (builder, "annotator");
          json_builder_add_string_value (builder, s->annotator);
          json_builder_set_member_name (builder, "submission");
          json_builder_add_int_value (builder, s->submission);
          json_builder_set_member_name (builder, "rate");
          json_builder_add_double_value (builder, s->rate);
          json_builder_set_member_name (builder, "draw");
          json_builder_add_double_value (builder, s->draw);
          json_builder_set_member_name (builder, "reviewed");
          json_builder_add_boolean_value (builder, s->reviewed);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      bw_cli_print_json (builder);
      return 0;
    }

  print_settings (audit);
  if (drawn->len == 0)
    g_print ("%s\n", _("No submission has been drawn for an audit yet."));
  else
    {
      g_print (g_dngettext (GETTEXT_PACKAGE,
                            "%u of %u submission drawn so far was sampled (%.1f %%)",
                            "%u of %u submissions drawn so far were sampled (%.1f %%)",
                            drawn->len),
               sampled, drawn->len, 100.0 * sampled / drawn->len);
      g_print ("%s\n", sampled > 0 ? ":" : ".");
    }

  if (sampled > 0)
    {
      bw_cli_append_cell (line, _("Annotator"), 16, FALSE);
      bw_cli_append_cell (line, _("Submission"), 10, TRUE);
      bw_cli_append_cell (line, _("Draw"), 6, FALSE);
      bw_cli_append_cell (line, _("Reviewed"), 8, FALSE);
      g_string_append (line, _("Image"));
      g_print ("%s\n", line->str);
    }
  for (guint i = 0; i < drawn->len; i++)
    {
      const BwAuditSample *s = drawn->pdata[i];
      g_autofree char *submission = NULL;
      g_autofree char *draw = NULL;

      if (!s->sampled)
        continue;
      submission = g_strdup_printf ("%d", s->submission);
      draw = g_strdup_printf ("%.4f", s->draw);
      g_string_truncate (line, 0);
      bw_cli_append_cell (line, s->annotator ? s->annotator : "", 16, FALSE);
      bw_cli_append_cell (line, submission, 10, TRUE);
      bw_cli_append_cell (line, draw, 6, FALSE);
      bw_cli_append_cell (line, s->reviewed ? _("yes") : _("not yet"), 8, FALSE);
      g_string_append (line, s->image_path);
      g_print ("%s\n", line->str);
    }

  if (audit->enabled && undrawn > 0)
    g_print (g_dngettext (GETTEXT_PACKAGE,
                          "%u submission handed in before audits were set up waits in the review queue; "
                          "it is reviewed in full.\n",
                          "%u submissions handed in before audits were set up wait in the review queue; "
                          "they are reviewed in full.\n", undrawn),
             undrawn);
  return 0;
}

/* The report */

typedef struct
{
  BwRate  rate;                 /* rejected of judged */
  guint64 needed;               /* judged annotations needed for ± margin */
} Estimate;

/* The sample size is worked out at the point of the interval nearest
 * 1/2, where the most annotations are needed: the rate is known only
 * that well, and an estimate from the point value alone would promise
 * too much on a small sample (at 0 of 5 rejected, 35 instead of 381). */
static void
estimate (const BwAuditFigures *f,
          double                margin,
          Estimate             *e)
{
  double p;

  bw_rate_init (&e->rate, (guint64) f->rejected, (guint64) f->judged);
  p = CLAMP (0.5, e->rate.lo, e->rate.hi);
  e->needed = bw_stats_wilson_sample_size (p, margin, BW_STATS_Z_95);
}

static void
figures_to_json (JsonBuilder          *builder,
                 const BwAuditFigures *f,
                 double                margin)
{
  Estimate e;

  estimate (f, margin, &e);
  json_builder_begin_object (builder);
  if (f->person_id > 0)
    {
      json_builder_set_member_name (builder, "annotator");
      json_builder_add_string_value (builder, f->name);
    }
  json_builder_set_member_name (builder, "submissions_drawn");
  json_builder_add_int_value (builder, f->drawn);
  json_builder_set_member_name (builder, "submissions_sampled");
  json_builder_add_int_value (builder, f->sampled);
  json_builder_set_member_name (builder, "submissions_reviewed");
  json_builder_add_int_value (builder, f->reviewed);
  json_builder_set_member_name (builder, "annotations_judged");
  json_builder_add_int_value (builder, f->judged);
  json_builder_set_member_name (builder, "annotations_rejected");
  json_builder_add_int_value (builder, f->rejected);
  json_builder_set_member_name (builder, "rejection_rate");
  if (e.rate.n > 0)
    json_builder_add_double_value (builder, e.rate.value);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "rejection_rate_interval");
  json_builder_begin_array (builder);
  json_builder_add_double_value (builder, e.rate.lo);
  json_builder_add_double_value (builder, e.rate.hi);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "needed");
  json_builder_add_int_value (builder, (gint64) e.needed);
  json_builder_set_member_name (builder, "enough");
  json_builder_add_boolean_value (builder, e.rate.n >= e.needed);
  json_builder_end_object (builder);
}

static void
print_figures_row (GString              *line,
                   const char           *name,
                   const BwAuditFigures *f,
                   double                margin)
{
  g_autofree char *sampled = g_strdup_printf ("%" PRId64, f->sampled);
  g_autofree char *reviewed = g_strdup_printf ("%" PRId64, f->reviewed);
  g_autofree char *judged = g_strdup_printf ("%" PRId64, f->judged);
  g_autofree char *rejected = g_strdup_printf ("%" PRId64, f->rejected);
  g_autofree char *rate = NULL;
  g_autofree char *verdict = NULL;
  Estimate e;

  estimate (f, margin, &e);
  if (e.rate.n > 0)
    rate = g_strdup_printf ("%.3f [%.3f, %.3f]", e.rate.value, e.rate.lo, e.rate.hi);
  else
    rate = g_strdup ("–");

  if (e.rate.n == 0)
    verdict = g_strdup_printf (_("%" PRIu64 " needed; nothing judged yet"), e.needed);
  else if (e.rate.n < e.needed)
    verdict = g_strdup_printf (_("%" PRIu64 " needed; n too small"), e.needed);
  else
    verdict = g_strdup_printf (_("%" PRIu64 " needed; enough"), e.needed);

  g_string_truncate (line, 0);
  bw_cli_append_cell (line, name, 16, FALSE);
  bw_cli_append_cell (line, sampled, 7, TRUE);
  bw_cli_append_cell (line, reviewed, 8, TRUE);
  bw_cli_append_cell (line, judged, 7, TRUE);
  bw_cli_append_cell (line, rejected, 8, TRUE);
  bw_cli_append_cell (line, rate, 22, FALSE);
  g_string_append (line, verdict);
  g_print ("%s\n", line->str);
}

static int
show_report (BwProject             *project,
             const BwAuditSettings *audit,
             double                 margin,
             gboolean               json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) figures = NULL;
  g_autoptr(GString) line = g_string_new (NULL);
  const BwAuditFigures *all;

  if (!(figures = bw_project_list_audit_figures (project, &error)))
    {
      bw_cli_error ("%s", error->message);
      return 1;
    }
  /* Everyone's figures come last. */
  all = figures->pdata[figures->len - 1];

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      add_settings_json (builder, project, audit);
      json_builder_set_member_name (builder, "margin");
      json_builder_add_double_value (builder, margin);
      json_builder_set_member_name (builder, "annotators");
      json_builder_begin_array (builder);
      for (guint i = 0; i + 1 < figures->len; i++)
        figures_to_json (builder, figures->pdata[i], margin);
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "overall");
      figures_to_json (builder, all, margin);
      json_builder_end_object (builder);
      bw_cli_print_json (builder);
      return 0;
    }

  print_settings (audit);
  g_print (_("Rejection rate per annotation in the audited sample (rejected or fixed by the\n"
             "reviewer, of the annotations judged), with its 95 %% Wilson interval, and the\n"
             "annotations to judge for an interval of ± %.4g points.\n\n"),
           margin * 100.0);

  bw_cli_append_cell (line, _("Annotator"), 16, FALSE);
  bw_cli_append_cell (line, _("Sampled"), 7, TRUE);
  bw_cli_append_cell (line, _("Reviewed"), 8, TRUE);
  bw_cli_append_cell (line, _("Judged"), 7, TRUE);
  bw_cli_append_cell (line, _("Rejected"), 8, TRUE);
  bw_cli_append_cell (line, _("Rate [95 %]"), 22, FALSE);
  g_string_append (line, _("Sample size"));
  g_print ("%s\n", line->str);

  for (guint i = 0; i + 1 < figures->len; i++)
    {
      const BwAuditFigures *f = figures->pdata[i];

      print_figures_row (line, f->name ? f->name : "", f, margin);
    }
  print_figures_row (line, _("Everyone"), all, margin);

  if (all->sampled == 0)
    g_print ("\n%s\n", _("No submission was sampled yet: there is nothing to report."));
  return 0;
}

int
bw_cli_audit (int    argc,
              char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BwProject) project = NULL;
  g_autofree char *rate_text = NULL;
  g_autofree char *seed_text = NULL;
  g_autofree char *policy_text = NULL;
  gboolean off = FALSE, report = FALSE, json = FALSE;
  double margin = DEFAULT_MARGIN;
  gboolean changing;
  BwAuditSettings audit;
  const GOptionEntry entries[] = {
    { "rate", 0, 0, G_OPTION_ARG_STRING, &rate_text,
      N_("Sample this share of submissions for review: 0.1 or 10% (turns audits on)"), N_("R") },
    { "seed", 0, 0, G_OPTION_ARG_STRING, &seed_text,
      N_("The seed that, with the ids of each submission, decides what is sampled: "
         "a whole number from 0 (kept when not given; a random one when there is none)"), N_("S") },
    { "policy", 0, 0, G_OPTION_ARG_STRING, &policy_text,
      N_("What happens to submissions not sampled: accepted on submit (the default), "
         "or held as submitted"), N_("accept|hold") },
    { "off", 0, 0, G_OPTION_ARG_NONE, &off,
      N_("Turn random audits off: every submission is reviewed"), NULL },
    { "report", 0, 0, G_OPTION_ARG_NONE, &report,
      N_("Report the result: per annotator and overall, the rejection rate of the "
         "audited annotations with its 95 % Wilson interval, and the sample size "
         "needed for --margin"), NULL },
    { "margin", 0, 0, G_OPTION_ARG_DOUBLE, &margin,
      N_("With --report, the half-width wanted of the interval (default 0.05, ± 5 points)"), N_("M") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      N_("Print one JSON object"), NULL },
    { NULL }
  };

  context = g_option_context_new (_("PROJECT.boxwood"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
    _("Random audits: review only a share of the submissions, drawn at random.\n"
      "\n"
      "With --rate, --seed, --policy or --off, sets the audit up (a lead’s\n"
      "decision, stored in the project), then shows what was sampled; without\n"
      "them, only shows it. Whether a submission is sampled is decided when it is\n"
      "submitted, from a hash of the seed, its layer and its hand-in number: the\n"
      "same seed always samples the same submissions, annotators cannot tell,\n"
      "and the draw is recorded. Sampled submissions go to the review queue;\n"
      "the rest are accepted or held, as the policy says. Work once sampled or\n"
      "returned is reviewed again on every later submission.\n"
      "\n"
      "With --report, shows the audit’s result instead of the sample."));
  g_option_context_set_description (context,
    _("The rejection rate counts annotations; the annotations of one submission\n"
      "are not independent (one annotator, one image), so on few submissions\n"
      "the interval is narrower than the truth. “n too small” means fewer\n"
      "annotations were judged than the margin needs; the size needed is worked\n"
      "out where the interval is least sure.\n"
      "\n"
      "Exit status: 0 on success, 1 when the project cannot be read or written\n"
      "(the reason is printed on standard error), 2 on a usage error."));

  if (!bw_cli_parse_options (context, &argc, &argv))
    return 2;
  if (argc != 2)
    {
      bw_cli_error (_("audit takes one argument, the project file; see “boxwood-cli audit --help”"));
      return 2;
    }

  changing = rate_text != NULL || seed_text != NULL || policy_text != NULL || off;
  if (off && (rate_text != NULL || seed_text != NULL || policy_text != NULL))
    {
      bw_cli_error (_("--off cannot be used with --rate, --seed or --policy"));
      return 2;
    }
  if (!(margin > 0.0 && margin <= 0.5))
    {
      bw_cli_error (_("--margin must be above 0 and at most 0.5, such as 0.05"));
      return 2;
    }
  if (rate_text != NULL && parse_rate (rate_text) < 0)
    {
      bw_cli_error (_("--rate must be a share from 0 to 1, such as 0.1, or a percentage such as 10%%"));
      return 2;
    }
  if (seed_text != NULL && !g_ascii_string_to_unsigned (seed_text, 10, 0, G_MAXUINT64, NULL, NULL))
    {
      bw_cli_error (_("--seed must be a whole number from 0 to %" PRIu64), (guint64) G_MAXUINT64);
      return 2;
    }
  if (policy_text != NULL && strcmp (policy_text, "accept") != 0 && strcmp (policy_text, "hold") != 0)
    {
      bw_cli_error (_("--policy takes accept or hold, not “%s”"), policy_text);
      return 2;
    }

  project = changing ? bw_cli_open_project (argv[1]) : bw_cli_open_project_to_read (argv[1]);
  if (project == NULL)
    return 1;
  if (!bw_project_get_audit_settings (project, &audit, &error))
    {
      bw_cli_error ("%s", error->message);
      return 1;
    }

  if (changing)
    {
      if (!audit.enabled && !off && rate_text == NULL)
        {
          bw_cli_error (_("Random audits are off in “%s”: turn them on with --rate"),
                        bw_project_get_display_name (project));
          return 2;
        }

      if (off)
        audit.enabled = FALSE;
      else
        {
          if (!audit.enabled)
            {
              /* A seed nobody chose, shown below so that it can be. */
              audit.seed = ((guint64) g_random_int () << 32) | g_random_int ();
              audit.policy = BW_AUDIT_POLICY_ACCEPT;
            }
          audit.enabled = TRUE;
          if (rate_text != NULL)
            audit.rate = parse_rate (rate_text);
          if (seed_text != NULL)
            audit.seed = g_ascii_strtoull (seed_text, NULL, 10);
          if (policy_text != NULL)
            audit.policy = strcmp (policy_text, "hold") == 0 ? BW_AUDIT_POLICY_HOLD
                                                              : BW_AUDIT_POLICY_ACCEPT;
        }

      if (!bw_project_set_audit_settings (project, &audit, &error))
        {
          bw_cli_error ("%s", error->message);
          return 1;
        }
    }

  if (report)
    return show_report (project, &audit, margin, json);
  return show_sample (project, &audit, json);
}
