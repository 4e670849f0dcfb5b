/* bw-locale.c — which translations the programs speak
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "boxwood"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "bw-locale.h"

/**
 * bw_locale_init:
 * @uninstalled_exe: (nullable): where this program is in the build
 *   folder, or %NULL
 *
 * Sets the locale from the environment and binds the message catalogue.
 * The catalogues are looked for in $BOXWOOD_LOCALEDIR when it is set
 * (the tests use it), else in the build folder's po/ when the program
 * runs from there as @uninstalled_exe (the README's demo command does:
 * the translations then show before anything is installed), else in the
 * installed LOCALEDIR.
 */
void
bw_locale_init (const char *uninstalled_exe)
{
  const char *localedir = g_getenv ("BOXWOOD_LOCALEDIR");
  g_autofree char *build_localedir = NULL;

  setlocale (LC_ALL, "");

  if (localedir == NULL && uninstalled_exe != NULL)
    {
      g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);

      if (exe != NULL && g_str_equal (exe, uninstalled_exe))
        {
          g_autofree char *dir = g_path_get_dirname (uninstalled_exe);

          /* src/boxwood and src/cli/boxwood-cli: po/ is beside src/. */
          while (dir != NULL && !g_str_equal (dir, "/") && !g_str_has_suffix (dir, "/src"))
            {
              char *parent = g_path_get_dirname (dir);

              g_free (dir);
              dir = parent;
            }
          if (dir != NULL && g_str_has_suffix (dir, "/src"))
            {
              g_autofree char *root = g_path_get_dirname (dir);

              build_localedir = g_build_filename (root, "po", NULL);
              if (g_file_test (build_localedir, G_FILE_TEST_IS_DIR))
                localedir = build_localedir;
            }
        }
    }

  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}
