/* bw-cli-questions.c — boxwood-cli questions list | answer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "boxwood-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <json-glib/json-glib.h>
#include <stdlib.h>
#include <string.h>

#include "bw-cli.h"

static const char exit_status_text[] =
  N_("Exit status: 0 on success, 1 when the project cannot be read or written\n"
     "(the reason is printed on standard error), 2 on a usage error.");

/* questions list */

static void
questions_to_json (BwProject *project,
                   GPtrArray *questions)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "project");
  json_builder_add_string_value (builder, g_file_peek_path (bw_project_get_file (project)));
  json_builder_set_member_name (builder, "questions");
  json_builder_begin_array (builder);
  for (guint i = 0; i < questions->len; i++)
    {
      const BwQuestion *q = questions->pdata[i];
      g_autofree char *asked = bw_cli_format_iso_time (q->asked_at);
      g_autofree char *answered = bw_cli_format_iso_time (q->answered_at);
      g_autoptr(BwCategory) category = NULL;

      if (q->category_id > 0)
        category = bw_project_get_category (project, q->category_id, NULL);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_int_value (builder, q->id);
      json_builder_set_member_name (builder, "image_id");
      json_builder_add_int_value (builder, q->image_id);
      json_builder_set_member_name (builder, "image");
      json_builder_add_string_value (builder, q->image_path);
      bw_cli_json_add_id_or_null (builder, "annotation_id", q->annotation_id);
      bw_cli_json_add_id_or_null (builder, "annotation_version", q->annotation_version);
      bw_cli_json_add_string_or_null (builder, "category", category != NULL ? category->name : NULL);
      json_builder_set_member_name (builder, "x");
      json_builder_add_double_value (builder, q->x);
      json_builder_set_member_name (builder, "y");
      json_builder_add_double_value (builder, q->y);
      bw_cli_json_add_string_or_null (builder, "asker", q->asker);
      json_builder_set_member_name (builder, "question");
      json_builder_add_string_value (builder, q->text);
      bw_cli_json_add_string_or_null (builder, "asked_at", asked);
      bw_cli_json_add_string_or_null (builder, "answer", q->answer);
      bw_cli_json_add_string_or_null (builder, "answerer", q->answerer);
      bw_cli_json_add_string_or_null (builder, "answered_at", answered);
      bw_cli_json_add_id_or_null (builder, "example_id", q->example_id);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  bw_cli_print_json (builder);
}

static void
print_questions (BwProject *project,
                 GPtrArray *questions,
                 gboolean   open_only)
{
  g_autoptr(GString) line = g_string_new (NULL);

  if (questions->len == 0)
    {
      g_print ("%s\n", open_only ? _("No question waits for an answer.")
                                 : _("Nobody has asked a question yet."));
      return;
    }

  bw_cli_append_cell (line, _("ID"), 5, TRUE);
  bw_cli_append_cell (line, _("Asked"), 16, FALSE);
  bw_cli_append_cell (line, _("Asker"), 14, FALSE);
  bw_cli_append_cell (line, _("Shape"), 16, FALSE);
  g_string_append (line, _("Image"));
  g_print ("%s\n", line->str);

  for (guint i = 0; i < questions->len; i++)
    {
      const BwQuestion *q = questions->pdata[i];
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, q->id);
      g_autofree char *when = bw_cli_format_local_time (q->asked_at);
      g_autofree char *shape = NULL;

      if (q->annotation_id > 0)
        {
          g_autoptr(BwCategory) category = bw_project_get_category (project, q->category_id, NULL);

          /* TRANSLATORS: a shape: its category and annotation number */
          shape = g_strdup_printf (_("%s #%" PRId64), category != NULL ? category->name : "?",
                                   q->annotation_id);
        }
      else
        shape = g_strdup (_("whole image"));

      g_string_truncate (line, 0);
      bw_cli_append_cell (line, id, 5, TRUE);
      bw_cli_append_cell (line, when, 16, FALSE);
      bw_cli_append_cell (line, q->asker ? q->asker : "–", 14, FALSE);
      bw_cli_append_cell (line, shape, 16, FALSE);
      g_string_append (line, q->image_path);
      g_print ("%s\n", line->str);
      /* TRANSLATORS: the question asked, indented under its row */
      g_print (_("       Q: %s\n"), q->text);
      if (q->answer != NULL)
        {
          /* TRANSLATORS: the answer, indented under its question, and who gave it */
          g_print (_("       A: %s (%s)\n"), q->answer, q->answerer ? q->answerer : "–");
          if (q->example_id > 0)
            g_print (_("       Promoted to guideline example %" PRId64 "\n"), q->example_id);
        }
    }
}

static int
questions_list (int    argc,
                char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BwProject) project = NULL;
  g_autoptr(GPtrArray) questions = NULL;
  gboolean json = FALSE, open_only = FALSE;
  const GOptionEntry entries[] = {
    { "open", 0, 0, G_OPTION_ARG_NONE, &open_only,
      N_("Only the questions not answered yet"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      N_("Print one JSON object with the questions"), NULL },
    { NULL }
  };

  g_set_prgname ("boxwood-cli questions list");
  context = g_option_context_new (_("PROJECT.boxwood"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
    _("List the questions annotators asked about ambiguous cases (key ? on the\n"
      "canvas), oldest first: the image, the shape asked about (or the whole\n"
      "image), who asked and when, the question, and the answer when there is one."));
  g_option_context_set_description (context, _(exit_status_text));

  if (!bw_cli_parse_options (context, &argc, &argv))
    return 2;
  if (argc != 2)
    {
      bw_cli_error (_("questions list takes one argument, the project file; "
                      "see “boxwood-cli questions list --help”"));
      return 2;
    }

  project = bw_cli_open_project_to_read (argv[1]);
  if (project == NULL)
    return 1;

  questions = bw_project_list_questions (project, open_only, 0, &error);
  if (questions == NULL)
    {
      bw_cli_error ("%s", error->message);
      return 1;
    }

  if (json)
    questions_to_json (project, questions);
  else
    print_questions (project, questions, open_only);
  return 0;
}

/* questions answer */

static int
questions_answer (int    argc,
                  char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BwProject) project = NULL;
  g_autoptr(BwQuestion) question = NULL;
  g_autofree char *as = NULL;
  gboolean promote = FALSE, negative = FALSE;
  gint64 question_id, person_id = 0, example_id = 0;
  char *end = NULL;
  const GOptionEntry entries[] = {
    { "promote", 0, 0, G_OPTION_ARG_NONE, &promote,
      N_("Also make the shape asked about an example of its category, with the answer as its note, for everyone"), NULL },
    { "negative", 0, 0, G_OPTION_ARG_NONE, &negative,
      N_("With --promote, a negative example: the shape does not count as its category"), NULL },
    { "as", 0, 0, G_OPTION_ARG_STRING, &as,
      N_("Answer as NAME (default: your user name)"), N_("NAME") },
    { NULL }
  };

  g_set_prgname ("boxwood-cli questions answer");
  context = g_option_context_new (_("PROJECT.boxwood ID TEXT"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
    _("Answer question ID (see “boxwood-cli questions list”) with TEXT; an answered\n"
      "question is answered again with the new text. The asker sees the answer\n"
      "at the shape on the canvas."));
  g_option_context_set_description (context, _(exit_status_text));

  if (!bw_cli_parse_options (context, &argc, &argv))
    return 2;
  if (argc != 4)
    {
      bw_cli_error (_("questions answer takes three arguments, the project file, the question "
                      "number and the answer; see “boxwood-cli questions answer --help”"));
      return 2;
    }
  question_id = g_ascii_strtoll (argv[2], &end, 10);
  if (end == argv[2] || *end != '\0' || question_id <= 0)
    {
      bw_cli_error (_("“%s” is not a question number; see “boxwood-cli questions list”"), argv[2]);
      return 2;
    }
  if (negative && !promote)
    {
      bw_cli_error (_("--negative goes with --promote"));
      return 2;
    }

  project = bw_cli_open_project (argv[1]);
  if (project == NULL)
    return 1;

  if (!bw_project_ensure_person (project, as != NULL ? as : g_get_user_name (),
                                 BW_ROLE_LEAD, &person_id, &error) ||
      !(question = bw_project_get_question (project, question_id, &error)) ||
      !bw_project_answer_question (project, question_id, person_id, argv[3], &error))
    {
      bw_cli_error ("%s", error->message);
      return 1;
    }
  if (promote &&
      !bw_project_promote_question (project, question_id, person_id, !negative, &example_id, &error))
    {
      bw_cli_error (_("The answer is saved, but it is not an example: %s"), error->message);
      return 1;
    }

  g_print (_("Question %" PRId64 " on %s is answered.\n"), question_id, question->image_path);
  if (example_id > 0)
    g_print (_("Its shape is now guideline example %" PRId64 ".\n"), example_id);
  return 0;
}

int
bw_cli_questions (int    argc,
                  char **argv)
{
  if (argc >= 2 && strcmp (argv[1], "list") == 0)
    return questions_list (argc - 1, argv + 1);
  if (argc >= 2 && strcmp (argv[1], "answer") == 0)
    return questions_answer (argc - 1, argv + 1);

  if (argc >= 2 && (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0))
    {
      g_print ("%s\n\n%s\n  %-6s %s\n  %-6s %s\n\n%s\n",
               _("Usage: boxwood-cli questions list|answer [OPTION…] PROJECT.boxwood …"),
               _("Commands:"),
               "list", _("The questions on ambiguous cases, with their answers"),
               "answer", _("Answer a question, and make its shape a guideline example"),
               _("Run “boxwood-cli questions list --help” or “boxwood-cli questions answer --help” "
                 "for their options."));
      return 0;
    }

  if (argc < 2)
    bw_cli_error (_("questions needs list or answer; see “boxwood-cli questions --help”"));
  else
    bw_cli_error (_("“%s” is not a questions command: use list or answer"), argv[1]);
  return 2;
}
