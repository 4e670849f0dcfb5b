/* main.c — the Boxwood application
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "boxwood"

#include "config.h"

#include <glib/gi18n.h>

#include "bw-application.h"
#include "bw-locale.h"

/* Started from the build folder (the README's first command does that),
 * the settings schema is not installed yet: use the one compiled next to
 * the program. An installed program never takes this path. */
static void
use_build_schema_when_uninstalled (void)
{
#ifdef BW_BUILD_ROOT
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *build_exe = g_build_filename (BW_BUILD_ROOT, "src", "boxwood", NULL);
  g_autofree char *schemas = g_build_filename (BW_BUILD_ROOT, "data", "gschemas.compiled", NULL);

  if (exe != NULL && g_str_equal (exe, build_exe) &&
      g_getenv ("GSETTINGS_SCHEMA_DIR") == NULL &&
      g_file_test (schemas, G_FILE_TEST_EXISTS))
    {
      g_autofree char *dir = g_path_get_dirname (schemas);

      g_setenv ("GSETTINGS_SCHEMA_DIR", dir, TRUE);
    }
#endif
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(BwApplication) app = NULL;

  use_build_schema_when_uninstalled ();
#ifdef BW_BUILD_ROOT
  bw_locale_init (BW_BUILD_ROOT "/src/boxwood");
#else
  bw_locale_init (NULL);
#endif

  app = bw_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
