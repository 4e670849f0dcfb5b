/* bw-cli-import.c — boxwood-cli import PROJECT.boxwood PATH...
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "boxwood-cli"

#include "config.h"

#include <glib/gi18n.h>

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bw-cli.h"
#include "bw-importer.h"
#include "bw-project.h"

typedef struct
{
  GMainLoop      *loop;
  BwImportReport *report;
  GError         *error;
  gboolean        show_progress;
  gint64          last_progress;
} ImportRun;

static void
progress_cb (guint    done,
             guint    total,
             gpointer user_data)
{
  ImportRun *run = user_data;

  if (!run->show_progress || !bw_cli_progress_due (&run->last_progress, done >= total))
    return;
  fprintf (stderr, _("Importing… %u of %u files"), done, total);
  fflush (stderr);
}

static void
import_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  ImportRun *run = user_data;

  run->report = bw_importer_run_finish (BW_IMPORTER (object), result, &run->error);
  g_main_loop_quit (run->loop);
}

static void
print_problems (const BwImportReport *report)
{
  for (guint i = 0; i < report->problems->len; i++)
    {
      const BwImportProblem *problem = g_ptr_array_index (report->problems, i);
      const char *label;

      switch (problem->kind)
        {
        case BW_IMPORT_PROBLEM_FAILED:
          label = _("refused");
          break;
        case BW_IMPORT_PROBLEM_DUPLICATE:
          label = _("duplicate");
          break;
        case BW_IMPORT_PROBLEM_NOTE:
        default:
          label = _("note");
          break;
        }

      g_print ("%s: %s\n", label, problem->reason);
    }
}

static void
print_report (const BwImportReport *report)
{
  print_problems (report);

  if (report->cancelled)
    g_print (ngettext ("Import cancelled: the %u image added before was kept.\n",
                       "Import cancelled: the %u images added before were kept.\n",
                       report->added),
             report->added);

  g_print (ngettext ("Added %u image", "Added %u images", report->added), report->added);
  g_print (ngettext (", %u duplicate skipped", ", %u duplicates skipped", report->duplicates),
           report->duplicates);
  g_print (ngettext (", %u file refused.\n", ", %u files refused.\n", report->failed),
           report->failed);
}

int
bw_cli_import (int    argc,
               char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(BwProject) project = NULL;
  g_autoptr(BwImporter) importer = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GCancellable) cancellable = NULL;
  g_autofree char *description = NULL;
  ImportRun run = { 0, };
  double max_megapixels = 0;
  int status;
  const GOptionEntry entries[] = {
    { "max-megapixels", 0, 0, G_OPTION_ARG_DOUBLE, &max_megapixels,
      N_("Refuse images larger than N megapixels (default: the project's "
         "import.max-megapixels setting, else 250)"), N_("N") },
    { NULL }
  };

  /* Interchange formats (COCO, labelme) are imported by their own
   * commands, dispatched here on the first argument:
   *   boxwood-cli import coco …, boxwood-cli import labelme … */
  if (argc >= 2 && strcmp (argv[1], "coco") == 0)
    return bw_cli_import_coco (argc - 1, argv + 1);
  if (argc >= 2 && strcmp (argv[1], "labelme") == 0)
    return bw_cli_import_labelme (argc - 1, argv + 1);

  context = g_option_context_new (_("PROJECT.boxwood|URL PATH…"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
    _("Import image files and folders (recursively) into a project.\n"
      "\n"
      "JPEG, PNG, TIFF, BMP, GIF and WebP are read. Inside folders, files\n"
      "without an image extension and hidden files are skipped silently; a\n"
      "file named on the command line is always tried. A file whose content\n"
      "is already in the project (or earlier in the same import) is skipped\n"
      "as a duplicate, so running the same import twice changes nothing.\n"
      "Images keep their stored pixels; an EXIF orientation is recorded and\n"
      "noted, not applied."));
  description = g_strconcat (
    _("Output: on a terminal, progress on standard error; then one line per\n"
      "refused or duplicate file, naming it and the reason, and a summary\n"
      "line, on standard output.\n"
      "\n"
      "Exit status: 0 when the import ran, even if some files were refused\n"
      "or were duplicates (they are listed); 1 when the project cannot be\n"
      "opened or written (one line on standard error; images added before\n"
      "stay in the project); 2 on a usage error; 130 when interrupted\n"
      "(Ctrl+C), after keeping what was imported until then.\n"
      "\n"
      "Annotations from other tools: “boxwood-cli import coco --help” and\n"
      "“boxwood-cli import labelme --help”."),
    "\n\n",
    _("A team project: given its URL (postgresql://…), the images go to the\n"
      "server with their bytes, as the connecting user, whose role the server\n"
      "checks (a lead may). Each is named there by its path from the parent of\n"
      "the folder given (“shoot-7/IMG_0001.jpg”); duplicates are found among the\n"
      "server’s images. All or nothing: an import that fails, or is refused,\n"
      "leaves the server as it was; one interrupted keeps what it imported."),
    NULL);
  g_option_context_set_description (context, description);

  if (!bw_cli_parse_options (context, &argc, &argv))
    return 2;

  if (argc < 3)
    {
      bw_cli_error (_("import needs a project file and at least one file or folder; "
                      "see “boxwood-cli import --help”"));
      return 2;
    }

  if (max_megapixels < 0 || isnan (max_megapixels))
    {
      bw_cli_error (_("--max-megapixels must be a positive number"));
      return 2;
    }

  project = bw_cli_open_project_to_change (argv[1], BW_TEAM_CHANGES_IMAGES, NULL);
  if (project == NULL)
    return 1;
  bw_cli_set_team_image_roots ((const char * const *) argv + 2);

  importer = bw_importer_new (project);
  if (max_megapixels > 0)
    bw_importer_set_max_megapixels (importer, max_megapixels);

  loop = g_main_loop_new (NULL, FALSE);
  cancellable = g_cancellable_new ();
  run.loop = loop;
  run.show_progress = isatty (STDERR_FILENO);

  bw_importer_set_progress_func (importer, progress_cb, &run, NULL);

  bw_cli_catch_interrupts (cancellable);
  bw_importer_run_async (importer, (const char * const *) argv + 2, cancellable,
                         import_done_cb, &run);
  bw_cli_run_cancellable (loop, cancellable);
  /* The import's task may outlive this function by a moment, holding the
   * project open: put the committed work in the project file now. */
  bw_project_checkpoint (project);

  if (run.show_progress)
    fprintf (stderr, "\r\033[K");

  if (run.report == NULL)
    {
      const BwImportReport *stopped = bw_importer_get_stopped_report (importer);

      /* The files refused before the stop still need the user's attention. */
      if (stopped != NULL)
        print_problems (stopped);
      bw_cli_error ("%s", run.error->message);
      g_clear_error (&run.error);
      return 1;
    }

  print_report (run.report);
  status = run.report->cancelled ? 130 : 0;
  bw_import_report_free (run.report);
  return status;
}
