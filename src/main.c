/* main.c — the Boxwood application
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "boxwood"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "bw-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(BwApplication) app = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = bw_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
