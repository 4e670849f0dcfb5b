/* bw-cli-create.c — boxwood-cli create PROJECT.boxwood
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "boxwood-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "bw-cli.h"
#include "bw-project.h"

int
bw_cli_create (int    argc,
               char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(BwProject) project = NULL;
  g_autofree char *path = NULL;
  g_autofree char *as = NULL;
  const GOptionEntry entries[] = {
    { "as", 0, 0, G_OPTION_ARG_STRING, &as,
      N_("Record NAME as the project’s maker, a lead whom no exam holds back"), N_("NAME") },
    { NULL }
  };

  context = g_option_context_new (_("PROJECT.boxwood"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, _("Create an empty project file."));
  g_option_context_set_description (context,
    _("The file must not exist yet. Images are added with “boxwood-cli import”.\n"
      "\n"
      "Exit status: 0 when the project was created, 1 when it could not be\n"
      "(the reason is printed on standard error), 2 on a usage error."));

  if (!bw_cli_parse_options (context, &argc, &argv))
    return 2;

  if (argc != 2)
    {
      bw_cli_error (_("create takes one argument, the project file; see “boxwood-cli create --help”"));
      return 2;
    }

  file = g_file_new_for_commandline_arg (argv[1]);
  project = bw_project_create (file, &error);
  if (project != NULL && as != NULL && !bw_project_record_creator (project, as, NULL, &error))
    {
      g_autofree char *made = g_file_get_path (file);

      /* Nothing half-made: the file is new and holds nothing else. */
      g_clear_object (&project);
      g_unlink (made);
    }
  if (project == NULL)
    {
      bw_cli_error ("%s", error->message);
      return 1;
    }

  path = g_file_get_path (file);
  g_print (_("Created %s\n"), path);
  return 0;
}
