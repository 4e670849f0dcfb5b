/* bw-cli-exam.c — boxwood-cli exam: create, list and change certification
 * exams; their attempts, scores, hints and certificates
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "boxwood-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bw-cli.h"
#include "bw-project-exams.h"
#include "bw-project.h"

typedef struct
{
  const char *name;
  int       (*run) (int argc, char **argv);
  const char *summary;
} Subcommand;

static int exam_create  (int argc, char **argv);
static int exam_list    (int argc, char **argv);
static int exam_results (int argc, char **argv);
static int exam_set     (int argc, char **argv);

static const Subcommand subcommands[] = {
  { "create",  exam_create,  N_("Define an exam of gold images with pass thresholds") },
  { "list",    exam_list,    N_("List the exams (--json for a script)") },
  { "results", exam_results, N_("Show attempts, scores, hints and certificates") },
  { "set",     exam_set,     N_("Change who must pass an exam, or its limit on attempts") },
};

static void
print_usage (FILE *stream)
{
  fprintf (stream, "%s\n\n", _("Usage: boxwood-cli exam SUBCOMMAND PROJECT.boxwood [OPTION…] ARGUMENT…"));
  fprintf (stream, "%s\n", _("Subcommands:"));
  for (guint i = 0; i < G_N_ELEMENTS (subcommands); i++)
    fprintf (stream, "  %-8s %s\n", subcommands[i].name, _(subcommands[i].summary));
  fprintf (stream, "\n%s\n", _("Run “boxwood-cli exam SUBCOMMAND --help” for the options of a subcommand."));
}

/* Parses the options; returns -1 to go on, else the exit status. */
static int
parse_options (GOptionContext  *context,
               int             *argc,
               char          ***argv,
               int              min_args,
               int              max_args)
{
  if (!bw_cli_parse_options (context, argc, argv))
    return 2;

  if (*argc - 1 < min_args || *argc - 1 > max_args)
    {
      bw_cli_error (_("expected %d arguments, got %d; run “%s --help”"),
                    min_args, *argc - 1, g_get_prgname ());
      return 2;
    }
  return -1;
}

/* "0.8" or "80%": a share from 0 to 1, or -1 when @text is neither. */
static double
parse_share (const char *text)
{
  g_autofree char *copy = g_strstrip (g_strdup (text));
  gsize len = strlen (copy);
  gboolean percent = len > 0 && copy[len - 1] == '%';
  char *end = NULL;
  double value;

  if (percent)
    copy[len - 1] = '\0';
  value = g_ascii_strtod (copy, &end);
  if (end == copy || *end != '\0' || !isfinite (value))
    return -1;
  if (percent)
    value /= 100.0;
  return value >= 0.0 && value <= 1.0 ? value : -1;
}

static gint64
find_exam (BwProject  *project,
           const char *name_or_id)
{
  gint64 id = bw_project_find_exam (project, name_or_id);

  if (id <= 0)
    bw_cli_error (_("the project “%s” has no exam “%s”; “boxwood-cli exam list” lists them"),
                  bw_project_get_display_name (project), name_or_id);
  return id;
}

static gint64
find_category (BwProject  *project,
               const char *name_or_id)
{
  gint64 id = bw_project_find_category_by_name (project, name_or_id);
  guint64 number;

  if (id > 0)
    return id;
  if (g_ascii_string_to_unsigned (name_or_id, 10, 1, G_MAXINT64, &number, NULL))
    {
      g_autoptr(BwCategory) category = bw_project_get_category (project, (gint64) number, NULL);

      if (category != NULL)
        return category->id;
    }
  bw_cli_error (_("the project “%s” has no category “%s”"),
                bw_project_get_display_name (project), name_or_id);
  return 0;
}

/* An image by its stored path, its path on disk, or its id. */
static gint64
find_image (BwProject  *project,
            const char *text)
{
  gint64 id = bw_project_find_image_by_path (project, text);
  guint64 number;

  if (id <= 0)
    {
      g_autofree char *absolute = g_canonicalize_filename (text, NULL);
      g_autofree char *stored = bw_project_make_image_path (project, absolute);

      id = bw_project_find_image_by_path (project, stored);
    }
  if (id <= 0 && g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &number, NULL))
    {
      g_autoptr(BwImage) image = bw_project_get_image (project, (gint64) number, NULL);

      if (image != NULL)
        id = image->id;
    }
  if (id <= 0)
    bw_cli_error (_("the project “%s” has no image “%s”"), bw_project_get_display_name (project), text);
  return id;
}

static GHashTable *
category_names (BwProject *project)
{
  GHashTable *names = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  g_autoptr(GPtrArray) categories = bw_project_list_categories (project, NULL);

  for (guint i = 0; categories != NULL && i < categories->len; i++)
    {
      const BwCategory *c = categories->pdata[i];

      g_hash_table_insert (names, g_memdup2 (&c->id, sizeof c->id), g_strdup (c->name));
    }
  return names;
}

static const char *
category_name (GHashTable *names,
               gint64      id)
{
  const char *name = g_hash_table_lookup (names, &id);

  return name != NULL ? name : "?";
}

/* create */

static int
exam_create (int    argc,
             char **argv)
{
  g_auto(GStrv) images = NULL;
  g_auto(GStrv) thresholds = NULL;
  gboolean all_gold = FALSE, renew = FALSE;
  char *min_f1 = NULL, *min_accuracy = NULL, *required = NULL, *iou = NULL, *by = NULL;
  int max_attempts = 0;
  const GOptionEntry entries[] = {
    { "image", 'i', 0, G_OPTION_ARG_STRING_ARRAY, &images,
      N_("A gold image of the exam, by path or id (repeat for more)"), N_("IMAGE") },
    { "all-gold", 0, 0, G_OPTION_ARG_NONE, &all_gold,
      N_("Every gold image that has an answer"), NULL },
    { "min-f1", 0, 0, G_OPTION_ARG_STRING, &min_f1,
      N_("The least F1 over all categories to pass (0–1 or a percentage; default 0)"), N_("F1") },
    { "min-accuracy", 0, 0, G_OPTION_ARG_STRING, &min_accuracy,
      N_("The least accuracy over all categories to pass (default 0)"), N_("SHARE") },
    { "category", 'c', 0, G_OPTION_ARG_STRING_ARRAY, &thresholds,
      N_("A category’s own thresholds, NAME:F1[:ACCURACY] (repeat for more)"), N_("THRESHOLD") },
    { "max-attempts", 0, 0, G_OPTION_ARG_INT, &max_attempts,
      N_("Attempts allowed to each person; 0 for no limit (the default)"), N_("N") },
    { "required", 0, 0, G_OPTION_ARG_STRING, &required,
      N_("Who must pass it before their queue opens: no, new (annotators new to the project, the default) or all"),
      N_("WHO") },
    { "renew", 0, 0, G_OPTION_ARG_NONE, &renew,
      N_("After each guideline change, everyone must pass it again"), NULL },
    { "iou", 0, 0, G_OPTION_ARG_STRING, &iou,
      N_("The IoU threshold of the matching (default 0.5)"), N_("T") },
    { "by", 0, 0, G_OPTION_ARG_STRING, &by,
      N_("The lead who defines it (recorded)"), N_("NAME") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("PROJECT.boxwood NAME"));
  g_autoptr(BwProject) project = NULL;
  g_autoptr(BwExam) exam = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id = 0, person = 0;
  int status;

  g_option_context_set_summary (context,
                                _("Define a certification exam: gold images with answers, and what passes.\n"
                                  "Prints the new exam’s id."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  status = parse_options (context, &argc, &argv, 2, 2);
  if (status >= 0)
    goto out;
  status = 2;

  exam = bw_exam_new (argv[2]);
  exam->max_attempts = max_attempts;
  exam->renew = renew;
  if ((min_f1 != NULL && (exam->min_f1 = parse_share (min_f1)) < 0) ||
      (min_accuracy != NULL && (exam->min_accuracy = parse_share (min_accuracy)) < 0) ||
      (iou != NULL && (exam->iou_threshold = parse_share (iou)) <= 0))
    {
      bw_cli_error (_("a threshold is a share from 0 to 1, or a percentage; run “%s --help”"), g_get_prgname ());
      goto out;
    }
  if (required != NULL && !bw_exam_requirement_from_string (required, &exam->required))
    {
      bw_cli_error (_("--required is no, new or all, not “%s”"), required);
      goto out;
    }
  if ((images == NULL || images[0] == NULL) && !all_gold)
    {
      bw_cli_error (_("name the exam’s images with --image, or take every gold image with --all-gold"));
      goto out;
    }

  status = 1;
  if (!(project = bw_cli_open_project (argv[1])))
    goto out;

  for (guint i = 0; images != NULL && images[i] != NULL; i++)
    {
      gint64 image = find_image (project, images[i]);

      if (image <= 0)
        goto out;
      g_array_append_val (exam->image_ids, image);
    }
  if (all_gold)
    {
      g_autoptr(GPtrArray) answers = bw_project_list_gold_answers (project, &error);

      if (answers == NULL)
        {
          bw_cli_error ("%s", error->message);
          goto out;
        }
      for (guint i = 0; i < answers->len; i++)
        {
          const BwGoldAnswer *answer = answers->pdata[i];

          if (answer->layer_id > 0)
            g_array_append_val (exam->image_ids, answer->image_id);
        }
    }

  for (guint i = 0; thresholds != NULL && thresholds[i] != NULL; i++)
    {
      g_auto(GStrv) parts = g_strsplit (thresholds[i], ":", 3);
      BwExamThreshold t = { 0, 0, 0 };

      if (g_strv_length (parts) < 2 || (t.min_f1 = parse_share (parts[1])) < 0 ||
          (parts[2] != NULL && (t.min_accuracy = parse_share (parts[2])) < 0))
        {
          bw_cli_error (_("“%s” is not NAME:F1[:ACCURACY], as in “bicycle:0.8:0.7”"), thresholds[i]);
          status = 2;
          goto out;
        }
      if (!(t.category_id = find_category (project, parts[0])))
        goto out;
      g_array_append_val (exam->thresholds, t);
    }

  if (by != NULL && !bw_project_ensure_person (project, by, BW_ROLE_LEAD, &person, &error))
    {
      bw_cli_error ("%s", error->message);
      goto out;
    }
  if (!bw_project_add_exam (project, exam, person, &id, &error))
    {
      bw_cli_error ("%s", error->message);
      goto out;
    }

  printf ("%" G_GINT64_FORMAT "\n", id);
  status = 0;

out:
  g_free (min_f1);
  g_free (min_accuracy);
  g_free (required);
  g_free (iou);
  g_free (by);
  return status;
}

/* set */

static int
exam_set (int    argc,
          char **argv)
{
  char *required = NULL;
  gboolean renew = FALSE, no_renew = FALSE, again = FALSE;
  int max_attempts = -1;
  const GOptionEntry entries[] = {
    { "required", 0, 0, G_OPTION_ARG_STRING, &required,
      N_("Who must pass it: no, new or all"), N_("WHO") },
    { "renew", 0, 0, G_OPTION_ARG_NONE, &renew,
      N_("After each guideline change, everyone must pass it again"), NULL },
    { "no-renew", 0, 0, G_OPTION_ARG_NONE, &no_renew,
      N_("A certificate holds across guideline changes"), NULL },
    { "max-attempts", 0, 0, G_OPTION_ARG_INT, &max_attempts,
      N_("Attempts allowed to each person, 0 for no limit; raise it to give someone another attempt"), N_("N") },
    { "again", 0, 0, G_OPTION_ARG_NONE, &again,
      N_("Every annotator passes it again under the guideline version in force (after a guideline change)"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("PROJECT.boxwood EXAM"));
  g_autoptr(BwProject) project = NULL;
  g_autoptr(BwExam) exam = NULL;
  g_autoptr(GError) error = NULL;
  BwExamRequirement requirement;
  gint64 id;
  int status;

  g_option_context_set_summary (context, _("Change who must pass an exam, or how many attempts it allows, or require it again."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  status = parse_options (context, &argc, &argv, 2, 2);
  if (status >= 0)
    goto out;
  status = 1;

  if (!(project = bw_cli_open_project (argv[1])) ||
      !(id = find_exam (project, argv[2])) ||
      !(exam = bw_project_get_exam (project, id, &error)))
    goto failed;

  requirement = exam->required;
  if (required != NULL && !bw_exam_requirement_from_string (required, &requirement))
    {
      bw_cli_error (_("--required is no, new or all, not “%s”"), required);
      status = 2;
      goto out;
    }
  if ((required != NULL || renew || no_renew) &&
      !bw_project_set_exam_required (project, id, requirement, renew || (exam->renew && !no_renew), &error))
    goto failed;
  if (max_attempts >= 0 && !bw_project_set_exam_max_attempts (project, id, max_attempts, &error))
    goto failed;
  if (again && !bw_project_require_exam_again (project, id, NULL, &error))
    goto failed;
  status = 0;
  goto out;

failed:
  if (error != NULL)
    bw_cli_error ("%s", error->message);
out:
  g_free (required);
  return status;
}

/* list */

static int
exam_list (int    argc,
           char **argv)
{
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("PROJECT.boxwood"));
  g_autoptr(BwProject) project = NULL;
  g_autoptr(GPtrArray) exams = NULL;
  g_autoptr(GPtrArray) attempts = NULL;
  g_autoptr(GHashTable) names = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_option_context_set_summary (context, _("List the certification exams of a project."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((status = parse_options (context, &argc, &argv, 1, 1)) >= 0)
    return status;

  if (!(project = bw_cli_open_project_to_read (argv[1])))
    return 1;
  if (!(exams = bw_project_list_exams (project, &error)) ||
      !(attempts = bw_project_list_exam_attempts (project, 0, 0, &error)))
    {
      bw_cli_error ("%s", error->message);
      return 1;
    }
  names = category_names (project);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "project");
      json_builder_add_string_value (builder, g_file_peek_path (bw_project_get_file (project)));
      json_builder_set_member_name (builder, "exams");
      json_builder_begin_array (builder);
      for (guint i = 0; i < exams->len; i++)
        {
          const BwExam *exam = exams->pdata[i];
          g_autofree char *created = bw_cli_format_iso_time (exam->created_at);
          guint n_attempts = 0, n_passed = 0;

          for (guint k = 0; k < attempts->len; k++)
            {
              const BwExamAttempt *a = attempts->pdata[k];

              if (a->exam_id == exam->id)
                {
                  n_attempts++;
                  n_passed += a->passed ? 1 : 0;
                }
            }

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "id");
          json_builder_add_int_value (builder, exam->id);
          json_builder_set_member_name (builder, "name");
          json_builder_add_string_value (builder, exam->name);
          json_builder_set_member_name (builder, "images");
          json_builder_begin_array (builder);
          for (guint k = 0; k < exam->image_ids->len; k++)
            json_builder_add_int_value (builder, g_array_index (exam->image_ids, gint64, k));
          json_builder_end_array (builder);
          json_builder_set_member_name (builder, "min_f1");
          json_builder_add_double_value (builder, exam->min_f1);
          json_builder_set_member_name (builder, "min_accuracy");
          json_builder_add_double_value (builder, exam->min_accuracy);
          json_builder_set_member_name (builder, "categories");
          json_builder_begin_array (builder);
          for (guint k = 0; k < exam->thresholds->len; k++)
            {
              const BwExamThreshold *t = &g_array_index (exam->thresholds, BwExamThreshold, k);

              json_builder_begin_object (builder);
              json_builder_set_member_name (builder, "category_id");
              json_builder_add_int_value (builder, t->category_id);
              json_builder_set_member_name (builder, "category");
              json_builder_add_string_value (builder, category_name (names, t->category_id));
              json_builder_set_member_name (builder, "min_f1");
              json_builder_add_double_value (builder, t->min_f1);
              json_builder_set_member_name (builder, "min_accuracy");
              json_builder_add_double_value (builder, t->min_accuracy);
              json_builder_end_object (builder);
            }
          json_builder_end_array (builder);
          json_builder_set_member_name (builder, "max_attempts");
          json_builder_add_int_value (builder, exam->max_attempts);
          json_builder_set_member_name (builder, "required");
          json_builder_add_string_value (builder, bw_exam_requirement_to_string (exam->required));
          json_builder_set_member_name (builder, "renew");
          json_builder_add_boolean_value (builder, exam->renew);
          json_builder_set_member_name (builder, "iou_threshold");
          json_builder_add_double_value (builder, exam->iou_threshold);
          json_builder_set_member_name (builder, "guideline_version");
          json_builder_add_int_value (builder, exam->guideline_version);
          json_builder_set_member_name (builder, "required_again_from");
          json_builder_add_int_value (builder, exam->renewed_version);
          json_builder_set_member_name (builder, "created_at");
          json_builder_add_string_value (builder, created);
          json_builder_set_member_name (builder, "attempts");
          json_builder_add_int_value (builder, n_attempts);
          json_builder_set_member_name (builder, "passed");
          json_builder_add_int_value (builder, n_passed);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      bw_cli_print_json (builder);
      return 0;
    }

  if (exams->len == 0)
    {
      g_print ("%s\n", _("No exams; “boxwood-cli exam create” defines one."));
      return 0;
    }
  for (guint i = 0; i < exams->len; i++)
    {
      const BwExam *exam = exams->pdata[i];
      const char *who = exam->required == BW_EXAM_REQUIRED_OF_ALL ? _("every annotator")
                        : exam->required == BW_EXAM_REQUIRED_OF_NEW ? _("new annotators")
                        : _("nobody");
      g_autoptr(GString) limits = g_string_new (NULL);

      for (guint k = 0; k < exam->thresholds->len; k++)
        {
          const BwExamThreshold *t = &g_array_index (exam->thresholds, BwExamThreshold, k);

          g_string_append_printf (limits, "; %s F1 ≥ %.2f, %s ≥ %.2f", category_name (names, t->category_id),
                                  t->min_f1, _("accuracy"), t->min_accuracy);
        }
      g_print (g_dngettext (GETTEXT_PACKAGE, "%" PRId64 "  %s: %u image; required of %s\n",
                            "%" PRId64 "  %s: %u images; required of %s\n", exam->image_ids->len),
               exam->id, exam->name, exam->image_ids->len, who);
      g_print (_("    to pass: F1 ≥ %.2f, accuracy ≥ %.2f%s\n"), exam->min_f1, exam->min_accuracy, limits->str);
      if (exam->max_attempts > 0)
        g_print (_("    attempts allowed: %d\n"), exam->max_attempts);
      if (exam->renew)
        g_print ("    %s\n", _("taken again after each guideline change"));
    }
  return 0;
}

/* results */

static void
add_score_json (JsonBuilder       *builder,
                const BwExamScore *s,
                GHashTable        *names)
{
  double mean_iou = bw_quality_counts_mean_iou (&s->counts);
  const BwQualityCounts *c = &s->counts;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "category_id");
  json_builder_add_int_value (builder, s->category_id);
  json_builder_set_member_name (builder, "category");
  if (s->category_id > 0)
    json_builder_add_string_value (builder, category_name (names, s->category_id));
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "tp");
  json_builder_add_int_value (builder, (gint64) c->tp);
  json_builder_set_member_name (builder, "fp");
  json_builder_add_int_value (builder, (gint64) c->fp);
  json_builder_set_member_name (builder, "fn");
  json_builder_add_int_value (builder, (gint64) c->fn);
  json_builder_set_member_name (builder, "f1");
  json_builder_add_double_value (builder, bw_exam_rate_value (2 * c->tp, 2 * c->tp + c->fp + c->fn));
  json_builder_set_member_name (builder, "accuracy");
  json_builder_add_double_value (builder, bw_exam_rate_value (c->tp, c->tp + c->fp + c->fn));
  json_builder_set_member_name (builder, "mean_iou");
  if (isnan (mean_iou))
    json_builder_add_null_value (builder);
  else
    json_builder_add_double_value (builder, mean_iou);
  for (guint k = 1; k < BW_MATCH_N_KINDS; k++)
    {
      json_builder_set_member_name (builder, bw_match_kind_to_string (k));
      json_builder_add_int_value (builder, (gint64) c->errors[k]);
    }
  json_builder_set_member_name (builder, "loose");
  json_builder_add_int_value (builder, (gint64) s->loose);
  json_builder_set_member_name (builder, "tight");
  json_builder_add_int_value (builder, (gint64) s->tight);
  json_builder_set_member_name (builder, "min_f1");
  if (s->min_f1 >= 0)
    json_builder_add_double_value (builder, s->min_f1);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "min_accuracy");
  if (s->min_accuracy >= 0)
    json_builder_add_double_value (builder, s->min_accuracy);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "passed");
  json_builder_add_boolean_value (builder, s->passed);
  json_builder_end_object (builder);
}

static const char *hint_kinds[] = { "missed", "extra", "wrong_category", "loose", "tight", "duplicate" };

static void
add_attempt_json (JsonBuilder         *builder,
                  const BwExamAttempt *a,
                  GHashTable          *names)
{
  g_autofree char *started = bw_cli_format_iso_time (a->started_at);
  g_autofree char *finished = bw_cli_format_iso_time (a->finished_at);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, a->id);
  json_builder_set_member_name (builder, "exam_id");
  json_builder_add_int_value (builder, a->exam_id);
  json_builder_set_member_name (builder, "exam");
  json_builder_add_string_value (builder, a->exam);
  json_builder_set_member_name (builder, "person_id");
  json_builder_add_int_value (builder, a->person_id);
  json_builder_set_member_name (builder, "person");
  json_builder_add_string_value (builder, a->person);
  json_builder_set_member_name (builder, "number");
  json_builder_add_int_value (builder, a->number);
  json_builder_set_member_name (builder, "started_at");
  json_builder_add_string_value (builder, started);
  json_builder_set_member_name (builder, "finished_at");
  json_builder_add_string_value (builder, finished);
  json_builder_set_member_name (builder, "images");
  json_builder_add_int_value (builder, a->n_images);
  json_builder_set_member_name (builder, "submitted");
  json_builder_add_int_value (builder, a->n_submitted);
  json_builder_set_member_name (builder, "iou_threshold");
  json_builder_add_double_value (builder, a->iou_threshold);
  json_builder_set_member_name (builder, "passed");
  if (a->finished_at > 0)
    json_builder_add_boolean_value (builder, a->passed);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "scores");
  json_builder_begin_array (builder);
  for (guint i = 0; a->scores != NULL && i < a->scores->len; i++)
    add_score_json (builder, &g_array_index (a->scores, BwExamScore, i), names);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "hints");
  json_builder_begin_array (builder);
  for (guint i = 0; a->hints != NULL && i < a->hints->len; i++)
    {
      const BwExamHint *h = &g_array_index (a->hints, BwExamHint, i);
      g_autofree char *text = bw_exam_hint_to_string (h, names);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "kind");
      json_builder_add_string_value (builder, hint_kinds[h->kind]);
      json_builder_set_member_name (builder, "category");
      json_builder_add_string_value (builder, category_name (names, h->category_id));
      json_builder_set_member_name (builder, "given");
      if (h->kind == BW_EXAM_HINT_WRONG_CATEGORY)
        json_builder_add_string_value (builder, category_name (names, h->other_id));
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "count");
      json_builder_add_int_value (builder, (gint64) h->count);
      json_builder_set_member_name (builder, "text");
      json_builder_add_string_value (builder, text);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}

static void
add_certificate_json (JsonBuilder         *builder,
                      const BwCertificate *c)
{
  g_autofree char *date = bw_cli_format_iso_time (c->created_at);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, c->id);
  json_builder_set_member_name (builder, "person_id");
  json_builder_add_int_value (builder, c->person_id);
  json_builder_set_member_name (builder, "person");
  json_builder_add_string_value (builder, c->person);
  json_builder_set_member_name (builder, "exam_id");
  json_builder_add_int_value (builder, c->exam_id);
  json_builder_set_member_name (builder, "exam");
  json_builder_add_string_value (builder, c->exam);
  json_builder_set_member_name (builder, "attempt_id");
  json_builder_add_int_value (builder, c->attempt_id);
  json_builder_set_member_name (builder, "f1");
  json_builder_add_double_value (builder, c->f1);
  json_builder_set_member_name (builder, "accuracy");
  json_builder_add_double_value (builder, c->accuracy);
  json_builder_set_member_name (builder, "date");
  json_builder_add_string_value (builder, date);
  json_builder_set_member_name (builder, "guideline_version");
  if (c->guideline_version >= 0)
    json_builder_add_int_value (builder, c->guideline_version);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "current");
  json_builder_add_boolean_value (builder, c->current);
  json_builder_end_object (builder);
}

static void
print_attempt (const BwExamAttempt *a,
               GHashTable          *names)
{
  g_autofree char *when = bw_cli_format_local_time (a->finished_at > 0 ? a->finished_at : a->started_at);

  if (a->finished_at == 0)
    {
      g_print (_("%s, attempt %d at “%s” (%s): open, %u of %u images handed in\n"),
               a->person, a->number, a->exam, when, a->n_submitted, a->n_images);
      return;
    }
  g_print (_("%s, attempt %d at “%s” (%s): %s\n"), a->person, a->number, a->exam, when,
           a->passed ? _("passed") : _("failed"));
  for (guint i = 0; i < a->scores->len; i++)
    {
      const BwExamScore *s = &g_array_index (a->scores, BwExamScore, i);
      const BwQualityCounts *c = &s->counts;
      g_autoptr(GString) line = g_string_new ("    ");

      bw_cli_append_cell (line, s->category_id > 0 ? category_name (names, s->category_id) : _("all"), 16, FALSE);
      g_string_append_printf (line, "F1 %.3f  %s %.3f  TP %" G_GUINT64_FORMAT "  FP %" G_GUINT64_FORMAT
                              "  FN %" G_GUINT64_FORMAT "%s",
                              bw_exam_rate_value (2 * c->tp, 2 * c->tp + c->fp + c->fn), _("accuracy"),
                              bw_exam_rate_value (c->tp, c->tp + c->fp + c->fn), c->tp, c->fp, c->fn,
                              s->min_f1 >= 0 && !s->passed ? "  ✗" : "");
      g_print ("%s\n", line->str);
    }
  for (guint i = 0; i < a->hints->len; i++)
    {
      g_autofree char *text = bw_exam_hint_to_string (&g_array_index (a->hints, BwExamHint, i), names);

      g_print ("    – %s\n", text);
    }
}

static int
exam_results (int    argc,
              char **argv)
{
  gboolean json = FALSE;
  char *person_name = NULL;
  const GOptionEntry entries[] = {
    { "person", 'p', 0, G_OPTION_ARG_STRING, &person_name, N_("Only this person’s attempts and certificates"),
      N_("NAME") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("PROJECT.boxwood [EXAM]"));
  g_autoptr(BwProject) project = NULL;
  g_autoptr(GPtrArray) attempts = NULL;
  g_autoptr(GPtrArray) certificates = NULL;
  g_autoptr(GHashTable) names = NULL;
  g_autoptr(GError) error = NULL;
  gint64 exam = 0, person = 0;
  int status;

  g_option_context_set_summary (context,
                                _("Show the attempts at the exams (or at EXAM): scores per category against the\n"
                                  "gold answers, the hints the annotator saw, and the certificates."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  status = parse_options (context, &argc, &argv, 1, 2);
  if (status >= 0)
    goto out;
  status = 1;

  if (!(project = bw_cli_open_project_to_read (argv[1])))
    goto out;
  if (argc > 2 && !(exam = find_exam (project, argv[2])))
    goto out;
  if (person_name != NULL && (person = bw_project_find_person (project, person_name)) <= 0)
    {
      bw_cli_error (_("nobody named “%s” is in the project “%s”"), person_name,
                    bw_project_get_display_name (project));
      goto out;
    }
  if (!(attempts = bw_project_list_exam_attempts (project, exam, person, &error)) ||
      !(certificates = bw_project_list_certificates (project, person, &error)))
    {
      bw_cli_error ("%s", error->message);
      goto out;
    }
  names = category_names (project);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "project");
      json_builder_add_string_value (builder, g_file_peek_path (bw_project_get_file (project)));
      json_builder_set_member_name (builder, "attempts");
      json_builder_begin_array (builder);
      for (guint i = 0; i < attempts->len; i++)
        add_attempt_json (builder, attempts->pdata[i], names);
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "certificates");
      json_builder_begin_array (builder);
      for (guint i = 0; i < certificates->len; i++)
        if (exam == 0 || ((BwCertificate *) certificates->pdata[i])->exam_id == exam)
          add_certificate_json (builder, certificates->pdata[i]);
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      bw_cli_print_json (builder);
      status = 0;
      goto out;
    }

  if (attempts->len == 0)
    g_print ("%s\n", _("No attempts yet."));
  for (guint i = 0; i < attempts->len; i++)
    print_attempt (attempts->pdata[i], names);
  if (certificates->len > 0)
    g_print ("\n%s\n", _("Certificates:"));
  for (guint i = 0; i < certificates->len; i++)
    {
      const BwCertificate *c = certificates->pdata[i];
      g_autofree char *date = bw_cli_format_local_time (c->created_at);
      g_autofree char *version = c->guideline_version >= 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, c->guideline_version)
                                                           : g_strdup ("–");

      if (exam != 0 && c->exam_id != exam)
        continue;
      g_print (_("    %s: “%s”, F1 %.3f, accuracy %.3f, %s, guidelines version %s%s\n"), c->person, c->exam,
               c->f1, c->accuracy, date, version, c->current ? "" : _(" (outdated)"));
    }
  status = 0;

out:
  g_free (person_name);
  return status;
}

int
bw_cli_exam (int    argc,
             char **argv)
{
  if (argc < 2)
    {
      print_usage (stderr);
      return 2;
    }

  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0 ||
      strcmp (argv[1], "help") == 0)
    {
      print_usage (stdout);
      return 0;
    }

  for (guint i = 0; i < G_N_ELEMENTS (subcommands); i++)
    {
      if (strcmp (argv[1], subcommands[i].name) == 0)
        {
          g_autofree char *prgname = g_strdup_printf ("boxwood-cli exam %s", subcommands[i].name);

          g_set_prgname (prgname);
          return subcommands[i].run (argc - 1, argv + 1);
        }
    }

  bw_cli_error (_("“%s” is not an exam subcommand; run “boxwood-cli exam --help” for the list"), argv[1]);
  return 2;
}
