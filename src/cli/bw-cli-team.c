/* bw-cli-team.c — boxwood-cli server init, user add, push, pull, and info URL
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "boxwood-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "bw-cli.h"
#include "bw-export-util.h"
#include "bw-team.h"
#include "bw-team-edit.h"

gboolean
bw_cli_is_team_url (const char *argument)
{
  return g_str_has_prefix (argument, "postgresql://") || g_str_has_prefix (argument, "postgres://");
}

static BwTeam *
connect_or_say (const char *url)
{
  g_autoptr(GError) error = NULL;
  BwTeam *team = bw_team_connect (url, &error);

  if (team == NULL)
    bw_cli_error ("%s", error->message);
  return team;
}

/* The temporary folder of bw_cli_open_team_snapshot(), removed at exit. */
static char *snapshot_dir;

static void
remove_snapshot (void)
{
  if (snapshot_dir != NULL)
    {
      g_autoptr(GFile) dir = g_file_new_for_path (snapshot_dir);

      bw_export_remove_tree (dir, NULL);
    }
  g_clear_pointer (&snapshot_dir, g_free);
}

/* A command that only reads, given a URL, reads a snapshot of the team
 * project pulled into a temporary folder (removed when the program
 * ends): the same code then computes the same figures as for a file. */
BwProject *
bw_cli_open_team_snapshot (const char *url)
{
  g_autoptr(BwTeam) team = connect_or_say (url);
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *name = NULL;
  BwProject *project;

  if (team == NULL)
    return NULL;
  g_return_val_if_fail (snapshot_dir == NULL, NULL);
  snapshot_dir = g_dir_make_tmp ("boxwood-snapshot-XXXXXX", &error);
  if (snapshot_dir == NULL)
    {
      bw_cli_error (_("Could not make a temporary folder for a snapshot of %s: %s"),
                    bw_team_get_server_name (team), error->message);
      return NULL;
    }
  atexit (remove_snapshot);

  name = g_strconcat (bw_team_get_database (team), ".boxwood", NULL);
  file = g_file_new_build_filename (snapshot_dir, name, NULL);
  if (!bw_team_pull (team, file, &error))
    {
      bw_cli_error ("%s", error->message);
      return NULL;
    }
  project = bw_project_open_read_only (file, &error);
  if (project == NULL)
    bw_cli_error ("%s", error->message);
  return project;
}

/* The change a command makes to a team project, sent when it is over. */
static BwTeamEdit *team_edit;

/* A command that changes a project, given a URL, changes a copy of
 * what it needs of the team project, with the server's tables it may
 * write locked; bw_cli_finish_team_edit() sends the change and commits
 * it when the command succeeded. The server's roles decide: a role that
 * may not make the change is refused before anything is read. */
BwProject *
bw_cli_open_team_edit (const char         *url,
                       BwTeamChanges       changes,
                       const char * const *categories)
{
  g_autoptr(BwTeam) team = connect_or_say (url);
  g_autoptr(GError) error = NULL;

  if (team == NULL)
    return NULL;
  g_return_val_if_fail (team_edit == NULL, NULL);
  team_edit = bw_team_edit_begin (team, changes, categories, &error);
  if (team_edit == NULL)
    {
      bw_cli_error ("%s", error->message);
      return NULL;
    }
  return g_object_ref (bw_team_edit_get_project (team_edit));
}

void
bw_cli_set_team_image_roots (const char * const *paths)
{
  if (team_edit != NULL)
    bw_team_edit_set_image_roots (team_edit, paths);
}

int
bw_cli_finish_team_edit (int status)
{
  g_autoptr(GError) error = NULL;

  if (team_edit == NULL)
    return status;
  /* 130: an import interrupted keeps what it imported, as in a file. */
  if ((status == 0 || status == 130) && !bw_team_edit_commit (team_edit, &error))
    {
      bw_cli_error (_("%s (Nothing was changed on the team server.)"), error->message);
      status = 1;
    }
  g_clear_object (&team_edit);
  return status;
}

static GOptionContext *
make_context (const char         *parameters,
              const GOptionEntry *entries,
              const char         *summary,
              const char         *description)
{
  GOptionContext *context = g_option_context_new (parameters);

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, summary);
  g_option_context_set_description (context, description);
  return context;
}

static int
server_init (int    argc,
             char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BwTeam) team = NULL;

  context = make_context (_("URL"), NULL,
    _("Create a team project in an empty PostgreSQL database: the tables, the roles\n"
      "boxwood_annotator, boxwood_reviewer and boxwood_lead, and the row-level\n"
      "security policies that decide what each role reads and writes.\n"
      "\n"
      "URL is a postgresql:// URL or a libpq connection string. Connect as the\n"
      "role that is to own the project (it needs the right to create roles);\n"
      "the password comes from the URL, PGPASSWORD or ~/.pgpass."),
    _("Exit status: 0 when the project was created, 1 when it could not be (the\n"
      "reason is printed on standard error; the database is left as it was),\n"
      "2 on a usage error."));
  if (!bw_cli_parse_options (context, &argc, &argv))
    return 2;
  if (argc != 2)
    {
      bw_cli_error (_("server init takes one argument, the server’s URL; "
                      "see “boxwood-cli server init --help”"));
      return 2;
    }

  team = connect_or_say (argv[1]);
  if (team == NULL)
    return 1;
  if (!bw_team_server_init (team, &error))
    {
      bw_cli_error ("%s", error->message);
      return 1;
    }
  g_print (_("Created a team project in %s\n"), bw_team_get_server_name (team));
  return 0;
}

/* Reads one line without showing it, from the terminal. */
static char *
read_hidden (const char *prompt)
{
  struct termios saved, quiet;
  char buffer[1024];
  gboolean restore = FALSE;
  FILE *tty = fopen ("/dev/tty", "r+");
  char *line = NULL;

  if (tty == NULL)
    return NULL;
  /* Echo goes off before the prompt shows, so that nothing typed after
   * the prompt is shown or thrown away. */
  if (tcgetattr (fileno (tty), &saved) == 0)
    {
      quiet = saved;
      quiet.c_lflag &= ~(tcflag_t) ECHO;
      restore = tcsetattr (fileno (tty), TCSAFLUSH, &quiet) == 0;
    }
  fputs (prompt, tty);
  fflush (tty);
  if (fgets (buffer, sizeof buffer, tty) != NULL)
    {
      buffer[strcspn (buffer, "\r\n")] = '\0';
      line = g_strdup (buffer);
    }
  if (restore)
    tcsetattr (fileno (tty), TCSANOW, &saved);
  fputs ("\n", tty);
  fclose (tty);
  explicit_bzero (buffer, sizeof buffer);
  return line;
}

static char *
read_password_stdin (void)
{
  char buffer[1024];

  if (fgets (buffer, sizeof buffer, stdin) == NULL)
    return NULL;
  buffer[strcspn (buffer, "\r\n")] = '\0';
  return g_strdup (buffer);
}

static void
free_password (char *password)
{
  if (password != NULL)
    explicit_bzero (password, strlen (password));
  g_free (password);
}

static int
user_add (int    argc,
          char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BwTeam) team = NULL;
  g_autofree char *role_name = NULL;
  gboolean password_stdin = FALSE;
  char *password = NULL;
  BwRole role;
  int status = 1;
  const GOptionEntry entries[] = {
    { "role", 0, 0, G_OPTION_ARG_STRING, &role_name,
      N_("What the person does: annotator, reviewer or lead"), N_("ROLE") },
    { "password-stdin", 0, 0, G_OPTION_ARG_NONE, &password_stdin,
      N_("Read the password from the first line of standard input instead of the terminal"),
      NULL },
    { NULL }
  };

  context = make_context (_("URL NAME"), entries,
    _("Add a person to a team project: a PostgreSQL login role NAME with a password,\n"
      "a member of boxwood_annotator, boxwood_reviewer or boxwood_lead. For a login\n"
      "that exists, set its password and role instead.\n"
      "\n"
      "The password is asked on the terminal without showing it (or read from\n"
      "standard input with --password-stdin); it is never an argument, so it stays\n"
      "out of the shell’s history. Only its SCRAM hash is sent to the server."),
    _("Exit status: 0 when the person was added, 1 when they could not be (the\n"
      "reason is printed on standard error), 2 on a usage error."));
  if (!bw_cli_parse_options (context, &argc, &argv))
    return 2;
  if (argc != 3)
    {
      bw_cli_error (_("user add takes two arguments, the server’s URL and the person’s name; "
                      "see “boxwood-cli user add --help”"));
      return 2;
    }
  if (role_name == NULL)
    role = BW_ROLE_ANNOTATOR;
  else if (strcmp (role_name, "annotator") == 0)
    role = BW_ROLE_ANNOTATOR;
  else if (strcmp (role_name, "reviewer") == 0)
    role = BW_ROLE_REVIEWER;
  else if (strcmp (role_name, "lead") == 0)
    role = BW_ROLE_LEAD;
  else
    {
      bw_cli_error (_("“%s” is not a role: use annotator, reviewer or lead"), role_name);
      return 2;
    }

  if (password_stdin)
    password = read_password_stdin ();
  else
    {
      g_autofree char *prompt = g_strdup_printf (_("Password for %s: "), argv[2]);
      char *again = NULL;

      password = read_hidden (prompt);
      if (password == NULL)
        {
          bw_cli_error (_("There is no terminal to ask for the password on; "
                          "use --password-stdin"));
          return 2;
        }
      again = read_hidden (_("The same password again: "));
      if (again == NULL || strcmp (again, password) != 0)
        {
          bw_cli_error (_("The two passwords differ; nothing was changed"));
          free_password (again);
          free_password (password);
          return 1;
        }
      free_password (again);
    }
  if (password == NULL)
    {
      bw_cli_error (_("No password on standard input; nothing was changed"));
      return 1;
    }

  team = connect_or_say (argv[1]);
  if (team != NULL && bw_team_add_user (team, argv[2], role, password, &error))
    {
      g_print (_("%s can now log in to %s as %s\n"), argv[2], bw_team_get_server_name (team),
               bw_role_to_string (role));
      status = 0;
    }
  else if (error != NULL)
    bw_cli_error ("%s", error->message);

  free_password (password);
  return status;
}

int
bw_cli_server (int    argc,
               char **argv)
{
  if (argc >= 2 && strcmp (argv[1], "init") == 0)
    {
      g_set_prgname ("boxwood-cli server init");
      return server_init (argc - 1, argv + 1);
    }
  bw_cli_error (_("server takes a subcommand: “boxwood-cli server init URL”"));
  return 2;
}

int
bw_cli_user (int    argc,
             char **argv)
{
  if (argc >= 2 && strcmp (argv[1], "add") == 0)
    {
      g_set_prgname ("boxwood-cli user add");
      return user_add (argc - 1, argv + 1);
    }
  bw_cli_error (_("user takes a subcommand: “boxwood-cli user add URL NAME --role ROLE”"));
  return 2;
}

int
bw_cli_push (int    argc,
             char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BwTeam) team = NULL;
  g_autoptr(BwProject) project = NULL;

  context = make_context (_("PROJECT.boxwood URL"), NULL,
    _("Move a local project to a team server that holds none yet: the images with\n"
      "their bytes, the taxonomy, the people, layers, annotations with their\n"
      "versions, assignments, reviews and work time. People already on the server\n"
      "(added with “user add”) are matched by name. The project file is not changed."),
    _("Exit status: 0 when the project was pushed, 1 when it could not be (the\n"
      "reason is printed on standard error; the server is left as it was), 2 on a\n"
      "usage error."));
  if (!bw_cli_parse_options (context, &argc, &argv))
    return 2;
  if (argc != 3)
    {
      bw_cli_error (_("push takes two arguments, the project and the server’s URL; "
                      "see “boxwood-cli push --help”"));
      return 2;
    }

  project = bw_cli_open_project_to_read (argv[1]);
  if (project == NULL)
    return 1;
  team = connect_or_say (argv[2]);
  if (team == NULL)
    return 1;
  if (!bw_team_push (team, project, &error))
    {
      bw_cli_error ("%s", error->message);
      return 1;
    }
  g_print (_("Pushed %s to %s\n"), bw_project_get_display_name (project),
           bw_team_get_server_name (team));
  return 0;
}

int
bw_cli_pull (int    argc,
             char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BwTeam) team = NULL;
  g_autoptr(GFile) destination = NULL;
  g_autofree char *path = NULL;

  context = make_context (_("URL OUT.boxwood"), NULL,
    _("Write a local snapshot of a team project: OUT.boxwood, which the app opens,\n"
      "and its images in the folder OUT-images beside it. Connect as the lead or\n"
      "the owner: the snapshot holds what the connected role may read."),
    _("Exit status: 0 when the snapshot was written, 1 when it could not be (the\n"
      "reason is printed on standard error; nothing is left behind), 2 on a usage\n"
      "error. An existing OUT.boxwood is never replaced."));
  if (!bw_cli_parse_options (context, &argc, &argv))
    return 2;
  if (argc != 3)
    {
      bw_cli_error (_("pull takes two arguments, the server’s URL and the file to write; "
                      "see “boxwood-cli pull --help”"));
      return 2;
    }

  team = connect_or_say (argv[1]);
  if (team == NULL)
    return 1;
  destination = g_file_new_for_commandline_arg (argv[2]);
  if (!bw_team_pull (team, destination, &error))
    {
      bw_cli_error ("%s", error->message);
      return 1;
    }
  path = g_file_get_path (destination);
  g_print (_("Wrote a snapshot of %s to %s\n"), bw_team_get_server_name (team), path);
  return 0;
}

/* boxwood-cli info URL [--json] */
int
bw_cli_info_team (const char *url,
                  gboolean    json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwTeam) team = connect_or_say (url);
  BwTeamInfo info;

  if (team == NULL)
    return 1;
  if (!bw_team_get_info (team, &info, &error))
    {
      bw_cli_error ("%s", error->message);
      return 1;
    }

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "server");
      json_builder_add_string_value (builder, bw_team_get_server_name (team));
      json_builder_set_member_name (builder, "user");
      json_builder_add_string_value (builder, bw_team_get_user (team));
      json_builder_set_member_name (builder, "role");
      json_builder_add_string_value (builder, info.is_admin ? "owner"
                                                            : bw_role_to_string (info.role));
      json_builder_set_member_name (builder, "tls");
      json_builder_add_boolean_value (builder, bw_team_uses_tls (team));
      json_builder_set_member_name (builder, "images");
      json_builder_add_int_value (builder, info.images);
      if (info.images_by_status[0] >= 0)
        {
          json_builder_set_member_name (builder, "images_by_status");
          json_builder_begin_object (builder);
          for (int s = 0; s < BW_IMAGE_N_STATUS; s++)
            {
              json_builder_set_member_name (builder, bw_image_status_to_string (s));
              json_builder_add_int_value (builder, info.images_by_status[s]);
            }
          json_builder_end_object (builder);
        }
      json_builder_set_member_name (builder, "categories");
      json_builder_add_int_value (builder, info.categories);
      json_builder_set_member_name (builder, "annotations");
      json_builder_add_int_value (builder, info.annotations);
      json_builder_set_member_name (builder, "people");
      json_builder_add_int_value (builder, info.people);
      json_builder_set_member_name (builder, "layers");
      json_builder_add_int_value (builder, info.layers);
      json_builder_set_member_name (builder, "assignments_by_status");
      json_builder_begin_object (builder);
      for (int s = 0; s < BW_ASSIGNMENT_N_STATUS; s++)
        {
          json_builder_set_member_name (builder, bw_assignment_status_to_string (s));
          json_builder_add_int_value (builder, info.assignments_by_status[s]);
        }
      json_builder_end_object (builder);
      json_builder_end_object (builder);
      bw_cli_print_json (builder);
      return 0;
    }

  g_print ("%s\n", bw_team_get_server_name (team));
  g_print (_("Connected as: %s (%s)%s\n"), bw_team_get_user (team),
           info.is_admin ? _("owner") : bw_role_to_string (info.role),
           bw_team_uses_tls (team) ? _(", over TLS") : "");
  g_print (_("Images:       %" PRId64 "\n"), info.images);
  if (info.images_by_status[0] >= 0)
    for (int s = 0; s < BW_IMAGE_N_STATUS; s++)
      g_print ("  %-12s %" PRId64 "\n", bw_image_status_to_label (s), info.images_by_status[s]);
  g_print (_("Categories:   %" PRId64 "\n"), info.categories);
  g_print (_("Annotations:  %" PRId64 "\n"), info.annotations);
  g_print (_("People:       %" PRId64 "\n"), info.people);
  g_print (_("Layers:       %" PRId64 "\n"), info.layers);
  return 0;
}
