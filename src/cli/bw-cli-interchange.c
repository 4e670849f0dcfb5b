/* bw-cli-interchange.c — boxwood-cli import coco | labelme
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Dispatched from bw_cli_import() when its first argument is "coco" or
 * "labelme".
 */

#define G_LOG_DOMAIN "boxwood-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "bw-cli.h"
#include "bw-coco-import.h"
#include "bw-labelme-import.h"
#include "bw-project.h"

static const char exit_status_text[] =
  N_("Exit status: 0 when the file was imported (what was skipped is\n"
     "counted on standard output); 1 when it was not, with one line on\n"
     "standard error naming the file and the problem, and the project\n"
     "left exactly as it was (an import is one transaction); 2 on a\n"
     "usage error; 130 when interrupted (Ctrl+C), with nothing imported.");

static void
print_result (const BwAnnotationImportResult *result)
{
  g_autofree char *line = bw_annotation_import_result_describe (result);

  g_print ("%s.\n", line);
}

/* One import, run on a worker thread while the main loop waits for it and
 * for Ctrl+C, as `boxwood-cli import` does. */
typedef struct
{
  GMainLoop                *loop;
  BwProject                *project;
  GFile                    *coco_file;
  BwCocoImportOptions       coco_options;
  GPtrArray                *labelme_paths;
  BwAnnotationImportResult  result;
  gboolean                  ok;
  GError                   *error;
} InterchangeRun;

static void
import_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  InterchangeRun *run = task_data;

  if (run->labelme_paths != NULL)
    run->ok = bw_labelme_import (run->project, (GFile * const *) run->labelme_paths->pdata,
                                 run->labelme_paths->len, &run->result, cancellable, &run->error);
  else
    run->ok = bw_coco_import (run->project, run->coco_file, &run->coco_options, &run->result,
                              cancellable, &run->error);
  g_task_return_boolean (task, TRUE);
}

static void
import_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  InterchangeRun *run = user_data;

  g_main_loop_quit (run->loop);
}

static int
run_import (InterchangeRun *run)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, import_done_cb, run);

  run->loop = loop;
  g_task_set_task_data (task, run, NULL);
  bw_cli_catch_interrupts (cancellable);
  g_task_run_in_thread (task, import_thread);
  bw_cli_run_cancellable (loop, cancellable);

  if (!run->ok)
    {
      int status = 1;

      if (g_error_matches (run->error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          bw_cli_error (_("import interrupted: nothing was imported (an import is one transaction)"));
          status = 130;
        }
      else
        bw_cli_error ("%s", run->error->message);
      g_clear_error (&run->error);
      return status;
    }

  print_result (&run->result);
  return 0;
}

int
bw_cli_import_coco (int    argc,
                    char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFile) images = NULL;
  g_autoptr(BwProject) project = NULL;
  g_autofree char *images_dir = NULL;
  g_autofree char *min_score_text = NULL;
  g_autofree char *model = NULL;
  g_autofree char *as_person = NULL;
  gboolean predictions = FALSE;
  gboolean gold = FALSE;
  double min_score = 0;
  InterchangeRun run = { 0, };
  const GOptionEntry entries[] = {
    { "images", 0, 0, G_OPTION_ARG_FILENAME, &images_dir,
      N_("The folder the file names of the COCO file are relative to (required for "
         "an instances file); nothing outside it is read"), N_("DIR") },
    { "predictions", 0, 0, G_OPTION_ARG_NONE, &predictions,
      N_("The file is a COCO results file: model predictions with a score, whose "
         "image_id and category_id are the project's (as in its COCO export); they "
         "become pre-annotations in a model layer"), NULL },
    { "min-score", 0, 0, G_OPTION_ARG_STRING, &min_score_text,
      N_("With --predictions, skip predictions scoring less than S (default 0)"), N_("S") },
    { "model", 0, 0, G_OPTION_ARG_STRING, &model,
      N_("With --predictions, the name of the model layers' owner (default “model”)"), N_("NAME") },
    { "gold", 0, 0, G_OPTION_ARG_NONE, &gold,
      N_("Import the answers into the gold layers; the images become gold images, "
         "against which boxwood-cli quality scores everyone’s work"), NULL },
    { "as", 0, 0, G_OPTION_ARG_STRING, &as_person,
      N_("Import the answers into NAME’s layers as work NAME has submitted (a vendor’s "
         "delivery, a model’s output), to be scored against gold"), N_("NAME") },
    { NULL }
  };

  g_set_prgname ("boxwood-cli import coco");
  context = g_option_context_new (_("PROJECT.boxwood FILE.json"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
    _("Import a COCO instances file, or with --predictions a COCO results file.\n"
      "\n"
      "Instances: each image is looked up by its file_name under --images, in the\n"
      "project and else on disk (then it is added); images found in neither are\n"
      "counted and their annotations skipped. Categories are matched by name and\n"
      "created when missing. Boxes and polygons are imported (a polygon of several\n"
      "parts stays one annotation) into a work layer of each image; RLE masks are\n"
      "counted and skipped. Shapes crossing an image's edge are cut to it; shapes\n"
      "mostly outside it, without area, with a coordinate that is not finite or\n"
      "with more than 1,048,576 points are refused and counted."));
  g_option_context_set_description (context, _(exit_status_text));

  if (!bw_cli_parse_options (context, &argc, &argv))
    return 2;

  if (argc != 3)
    {
      bw_cli_error (_("import coco needs a project file and a COCO JSON file; "
                      "see “boxwood-cli import coco --help”"));
      return 2;
    }

  if (!predictions && images_dir == NULL)
    {
      bw_cli_error (_("import coco needs --images DIR, the folder its file names are relative to"));
      return 2;
    }

  if ((gold || as_person != NULL) && predictions)
    {
      bw_cli_error (_("--gold and --as import instances, not --predictions; choose one"));
      return 2;
    }
  if (gold && as_person != NULL)
    {
      bw_cli_error (_("--gold and --as cannot be used together: the answers are either gold or someone’s work"));
      return 2;
    }
  if (as_person != NULL && *g_strstrip (as_person) == '\0')
    {
      bw_cli_error (_("--as needs the name of the person whose work this is"));
      return 2;
    }

  if (min_score_text != NULL)
    {
      char *end = NULL;

      min_score = g_ascii_strtod (min_score_text, &end);
      if (!predictions || end == min_score_text || *end != '\0' || !isfinite (min_score))
        {
          bw_cli_error (predictions ? _("--min-score must be a number, such as 0.5")
                                    : _("--min-score goes with --predictions"));
          return 2;
        }
    }

  file = g_file_new_for_commandline_arg (argv[2]);
  if (images_dir != NULL)
    images = g_file_new_for_commandline_arg (images_dir);

  project = bw_cli_open_project (argv[1]);
  if (project == NULL)
    return 1;

  run.project = project;
  run.coco_file = file;
  run.coco_options.images_folder = images;
  run.coco_options.predictions = predictions;
  run.coco_options.model_name = model;
  run.coco_options.min_score = min_score;
  run.coco_options.gold = gold;
  run.coco_options.person_name = as_person;

  return run_import (&run);
}

int
bw_cli_import_labelme (int    argc,
                       char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(BwProject) project = NULL;
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_object_unref);
  InterchangeRun run = { 0, };
  const GOptionEntry entries[] = {
    { NULL }
  };

  g_set_prgname ("boxwood-cli import labelme");
  context = g_option_context_new (_("PROJECT.boxwood PATH…"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
    _("Import labelme JSON files, or folders of them (searched recursively).\n"
      "\n"
      "Each file's imagePath is relative to the file and must stay inside the\n"
      "folder given (or the file's own folder); the image is found in the project\n"
      "or added from disk. Rectangles become boxes and polygons polygons; shapes\n"
      "with the same label and group_id become one polygon of several parts.\n"
      "Other shape kinds (circle, line, point…) are counted and skipped."));
  g_option_context_set_description (context, _(exit_status_text));

  if (!bw_cli_parse_options (context, &argc, &argv))
    return 2;

  if (argc < 3)
    {
      bw_cli_error (_("import labelme needs a project file and at least one file or folder; "
                      "see “boxwood-cli import labelme --help”"));
      return 2;
    }

  for (int i = 2; i < argc; i++)
    g_ptr_array_add (paths, g_file_new_for_commandline_arg (argv[i]));

  project = bw_cli_open_project (argv[1]);
  if (project == NULL)
    return 1;

  run.project = project;
  run.labelme_paths = paths;
  return run_import (&run);
}
