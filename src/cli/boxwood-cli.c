/* boxwood-cli.c — Boxwood without a display
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "boxwood-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "bw-cli.h"
#include "bw-locale.h"

typedef struct
{
  const char *name;
  int       (*run) (int argc, char **argv);
  const char *summary;
} Command;

static const Command commands[] = {
  { "audit",  bw_cli_audit,  N_("Set up random audits, show what they sampled, report their result") },
  { "backup", bw_cli_backup, N_("Write a copy of a project, safe while it is open") },
  { "calibration", bw_cli_calibration, N_("Start calibration rounds, compare them, report their agreement") },
  { "create", bw_cli_create, N_("Create an empty project") },
  { "exam",   bw_cli_exam,   N_("Define certification exams; their attempts, scores and certificates") },
  { "export", bw_cli_export, N_("Export annotations as COCO or YOLO") },
  { "import", bw_cli_import, N_("Import images (files or folders) into a project") },
  { "info",   bw_cli_info,   N_("Show what a project holds") },
  { "pipeline", bw_cli_pipeline, N_("Show how work flows: stages, throughput, backlog, stuck work") },
  { "pull",   bw_cli_pull,   N_("Write a local snapshot of a team project") },
  { "push",   bw_cli_push,   N_("Move a local project to a team server") },
  { "quality", bw_cli_quality, N_("Score annotators against gold and each other") },
  { "questions", bw_cli_questions, N_("List the questions on ambiguous cases; answer them") },
  { "review", bw_cli_review, N_("List the review queue; review figures per person") },
  { "server", bw_cli_server, N_("Set up a team project on a PostgreSQL server") },
  { "taxonomy", bw_cli_taxonomy, N_("List, export, import and edit the categories") },
  { "user",   bw_cli_user,   N_("Add a person to a team project") },
};

void
bw_cli_error (const char *format,
              ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_printerr ("boxwood-cli: %s\n", message);
}

/* Something the user should know, after which the command went on. */
void
bw_cli_warning (const char *format,
                ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_printerr (_("boxwood-cli: warning: %s\n"), message);
}

/* @text padded with spaces to @width characters (not bytes: names are
 * UTF-8), or as it is when longer. */
void
bw_cli_append_cell (GString    *line,
                    const char *text,
                    guint       width,
                    gboolean    right)
{
  glong len = g_utf8_strlen (text, -1);
  guint pad = len < (glong) width ? width - (guint) len : 0;

  if (right)
    for (guint i = 0; i < pad; i++)
      g_string_append_c (line, ' ');
  g_string_append (line, text);
  if (!right)
    for (guint i = 0; i < pad; i++)
      g_string_append_c (line, ' ');
  g_string_append (line, "  ");
}

char *
bw_cli_format_iso_time (gint64 usec)
{
  g_autoptr(GDateTime) time = NULL;

  if (usec <= 0)
    return NULL;
  time = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  return time ? g_date_time_format_iso8601 (time) : NULL;
}

char *
bw_cli_format_local_time (gint64 usec)
{
  g_autoptr(GDateTime) time = NULL;

  if (usec <= 0)
    return g_strdup ("–");
  time = g_date_time_new_from_unix_local (usec / G_USEC_PER_SEC);
  return time ? g_date_time_format (time, "%Y-%m-%d %H:%M") : g_strdup ("–");
}

char *
bw_cli_format_number (double value)
{
  return isnan (value) ? g_strdup ("–") : g_strdup_printf ("%.3f", value);
}

void
bw_cli_json_add_string_or_null (JsonBuilder *builder,
                                const char  *name,
                                const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

void
bw_cli_json_add_id_or_null (JsonBuilder *builder,
                            const char  *name,
                            gint64       value)
{
  json_builder_set_member_name (builder, name);
  if (value > 0)
    json_builder_add_int_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

void
bw_cli_print_json_node (JsonNode *root)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);
  g_print ("%s\n", text);
}

void
bw_cli_print_json (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);

  bw_cli_print_json_node (root);
}

gboolean
bw_cli_parse_options (GOptionContext   *context,
                      int              *argc,
                      char           ***argv)
{
  g_autoptr(GError) error = NULL;

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      bw_cli_error ("%s", error->message);
      return FALSE;
    }
  return TRUE;
}

BwProject *
bw_cli_open_project (const char *path)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  BwProject *project;

  if (bw_cli_is_team_url (path))
    {
      bw_cli_error (_("%s changes project files only, not a team project on a server: run it "
                      "on the project before “boxwood-cli push”"),
                    g_get_prgname ());
      return NULL;
    }

  file = g_file_new_for_commandline_arg (path);
  project = bw_project_open (file, &error);

  if (project == NULL)
    bw_cli_error ("%s", error->message);
  return project;
}

BwProject *
bw_cli_open_project_to_change (const char         *path,
                               BwTeamChanges       changes,
                               const char * const *categories)
{
  if (bw_cli_is_team_url (path))
    return bw_cli_open_team_edit (path, changes, categories);
  return bw_cli_open_project (path);
}

BwProject *
bw_cli_open_project_to_read (const char *path)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  BwProject *project;

  if (bw_cli_is_team_url (path))
    return bw_cli_open_team_snapshot (path);

  file = g_file_new_for_commandline_arg (path);
  project = bw_project_open_read_only (file, &error);

  /* A project of an older version is read once migrated, which needs
   * writing: when the file can be written, that is what happens. */
  if (project == NULL && g_error_matches (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_READ_ONLY))
    {
      g_autoptr(GError) write_error = NULL;

      project = bw_project_open (file, &write_error);
      if (project != NULL)
        return project;
    }

  if (project == NULL)
    bw_cli_error ("%s", error->message);
  return project;
}

static gboolean
interrupt_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_CONTINUE;
}

/* The signal sources of bw_cli_catch_interrupts(), until the loop ends. */
static guint sigint_id;
static guint sigterm_id;

void
bw_cli_catch_interrupts (GCancellable *cancellable)
{
  g_return_if_fail (sigint_id == 0);

  sigint_id = g_unix_signal_add (SIGINT, interrupt_cb, cancellable);
  sigterm_id = g_unix_signal_add (SIGTERM, interrupt_cb, cancellable);
}

void
bw_cli_run_cancellable (GMainLoop    *loop,
                        GCancellable *cancellable)
{
  if (sigint_id == 0)
    bw_cli_catch_interrupts (cancellable);

  g_main_loop_run (loop);
  g_clear_handle_id (&sigint_id, g_source_remove);
  g_clear_handle_id (&sigterm_id, g_source_remove);
}

gboolean
bw_cli_progress_due (gint64   *last_update,
                     gboolean  finished)
{
  gint64 now = g_get_monotonic_time ();

  if (!finished && now - *last_update < G_USEC_PER_SEC / 10)
    return FALSE;
  *last_update = now;
  fprintf (stderr, "\r\033[K");
  return TRUE;
}

static void
print_usage (FILE *stream)
{
  fprintf (stream, "%s\n\n", _("Usage: boxwood-cli COMMAND [OPTION…] ARGUMENT…"));
  fprintf (stream, "%s\n", _("Commands:"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (stream, "  %-10s %s\n", commands[i].name, _(commands[i].summary));
  fprintf (stream, "\n%s\n", _("Run “boxwood-cli COMMAND --help” for the options of a command."));
}

int
main (int    argc,
      char **argv)
{
#ifdef BW_BUILD_ROOT
  bw_locale_init (BW_BUILD_ROOT "/src/cli/boxwood-cli");
#else
  bw_locale_init (NULL);
#endif

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

  if (strcmp (argv[1], "--version") == 0)
    {
      printf ("boxwood-cli %s\n", PACKAGE_VERSION);
      return 0;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      if (strcmp (argv[1], commands[i].name) == 0)
        {
          g_autofree char *prgname = g_strdup_printf ("boxwood-cli %s", commands[i].name);

          /* GOptionContext prints the program name in --help, so the
           * command reads "boxwood-cli import [OPTION…]". */
          g_set_prgname (prgname);
          /* A change to a team project is sent once the command is over. */
          return bw_cli_finish_team_edit (commands[i].run (argc - 1, argv + 1));
        }
    }

  bw_cli_error (_("“%s” is not a command; run “boxwood-cli --help” for the list"), argv[1]);
  return 2;
}
