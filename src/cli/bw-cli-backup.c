/* bw-cli-backup.c — boxwood-cli backup PROJECT.boxwood OUT.boxwood [--force]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "boxwood-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "bw-cli.h"
#include "bw-project.h"

int
bw_cli_backup (int    argc,
               char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) destination = NULL;
  g_autoptr(BwProject) project = NULL;
  g_autofree char *path = NULL;
  gboolean force = FALSE;
  const GOptionEntry entries[] = {
    { "force", 'f', 0, G_OPTION_ARG_NONE, &force,
      N_("Replace OUT.boxwood if it exists"), NULL },
    { NULL }
  };

  context = g_option_context_new (_("PROJECT.boxwood OUT.boxwood"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
    _("Write a copy of a project, safe to take while it is open.\n"
      "\n"
      "While a project is open, part of its committed work may be in the\n"
      "NAME.boxwood-wal file beside it, so copying the .boxwood file alone\n"
      "can miss it. This command reads the project through SQLite and writes\n"
      "everything committed into one file, OUT.boxwood, that can be copied\n"
      "on its own. The copy is written to a temporary file and renamed, so\n"
      "OUT.boxwood is never half written."));
  g_option_context_set_description (context,
    _("Exit status: 0 when the copy was written, 1 when it could not be (the\n"
      "reason is printed on standard error; an existing OUT.boxwood is left\n"
      "as it was), 2 on a usage error. An existing OUT.boxwood is only\n"
      "replaced with --force."));

  if (!bw_cli_parse_options (context, &argc, &argv))
    return 2;

  if (argc != 3)
    {
      bw_cli_error (_("backup takes two arguments, the project and the copy to write; "
                      "see “boxwood-cli backup --help”"));
      return 2;
    }

  project = bw_cli_open_project_to_read (argv[1]);
  if (project == NULL)
    return 1;

  destination = g_file_new_for_commandline_arg (argv[2]);
  if (!bw_project_backup (project, destination, force, &error))
    {
      if (g_error_matches (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_EXISTS) && !force &&
          g_file_query_exists (destination, NULL))
        bw_cli_error (_("%s Use --force to replace it."), error->message);
      else
        bw_cli_error ("%s", error->message);
      return 1;
    }

  path = g_file_get_path (destination);
  g_print (_("Wrote a copy of %s to %s\n"), bw_project_get_display_name (project), path);
  return 0;
}
