/* bw-cli-export.c — boxwood-cli export coco | yolo
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "boxwood-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bw-cli.h"
#include "bw-coco-export.h"
#include "bw-project.h"
#include "bw-yolo-export.h"

typedef struct
{
  GMainLoop      *loop;
  GCancellable   *cancellable;
  BwProject      *project;
  gboolean        yolo;
  gboolean        ok;
  BwExportResult  result;
  GError         *error;
  gboolean        show_progress;
  gint64          last_progress;
  BwExportStatus  status;
} ExportRun;

static const char exit_status_text[] =
  N_("Exit status: 0 when every file was written; 1 when not, with one line on\n"
     "standard error naming the file and the problem (no partial file is left:\n"
     "files are written under a temporary name and renamed when complete), and\n"
     "when a file would be replaced without --force; 2 on a usage error; 130\n"
     "when interrupted (Ctrl+C), leaving nothing.");

#define STATUS_OPTION_TEXT \
  N_("Which work to export: accepted, submitted (submitted and accepted, the " \
     "default), all (also work in progress), or gold (the gold answers instead " \
     "of the work)")

/* --status and its older spelling --only-accepted: the status, or FALSE
 * after a usage error. */
static gboolean
parse_status (const char     *text,
              gboolean        only_accepted,
              BwExportStatus *status)
{
  *status = BW_EXPORT_STATUS_SUBMITTED;
  if (text != NULL && !bw_export_status_from_string (text, status))
    {
      bw_cli_error (_("--status: “%s” is not a status: use accepted, submitted, all or gold"), text);
      return FALSE;
    }
  if (only_accepted)
    {
      if (text != NULL && *status != BW_EXPORT_STATUS_ACCEPTED)
        {
          bw_cli_error (_("--only-accepted is --status accepted: give one of them"));
          return FALSE;
        }
      *status = BW_EXPORT_STATUS_ACCEPTED;
    }
  return TRUE;
}

/* Without --force, an export never replaces a file: FALSE (after one line
 * naming it) when it would. */
static gboolean
check_replace (GPtrArray *existing,
               gboolean   force)
{
  g_autoptr(GString) names = g_string_new (NULL);

  if (force || existing->len == 0)
    return TRUE;

  for (guint i = 0; i < existing->len; i++)
    g_string_append_printf (names, "%s“%s”", i ? ", " : "",
                            g_file_peek_path (g_ptr_array_index (existing, i)));
  bw_cli_error (g_dngettext (GETTEXT_PACKAGE,
                             "%s exists already: add --force to replace it, or choose another name",
                             "%s exist already: add --force to replace them, or choose another name",
                             existing->len),
                names->str);
  return FALSE;
}

static void
progress_cb (guint64  done,
             guint64  total,
             gpointer user_data)
{
  ExportRun *run = user_data;

  if (!run->show_progress || !bw_cli_progress_due (&run->last_progress, done >= total))
    return;
  fprintf (stderr, _("Exporting… %u%%"), (guint) (total ? done * 100 / total : 0));
  fflush (stderr);
}

static void
export_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  ExportRun *run = user_data;

  if (run->yolo)
    run->ok = bw_yolo_export_finish (BW_PROJECT (object), result, &run->result, &run->error);
  else
    run->ok = bw_coco_export_finish (BW_PROJECT (object), result, &run->result, &run->error);
  g_main_loop_quit (run->loop);
}

/* "person,car" → category ids, or NULL after a usage error naming the
 * unknown one. */
static GArray *
parse_categories (BwProject  *project,
                  const char *text)
{
  g_auto(GStrv) names = g_strsplit (text, ",", -1);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = 0; names[i] != NULL; i++)
    {
      const char *name = g_strstrip (names[i]);
      gint64 id;

      if (*name == '\0')
        continue;
      id = bw_project_find_category_by_name (project, name);
      if (id <= 0)
        {
          g_autofree char *message =
            g_strdup_printf (_("“%s” is not a category of the project “%s”"),
                             name, bw_project_get_display_name (project));

          bw_cli_error ("--categories: %s", message);
          return NULL;
        }
      g_array_append_val (ids, id);
    }
  return g_steal_pointer (&ids);
}

static int
run_export (ExportRun *run)
{
  int status = 0;

  bw_cli_run_cancellable (run->loop, run->cancellable);

  if (run->show_progress)
    fprintf (stderr, "\r\033[K");

  if (!run->ok)
    {
      if (g_error_matches (run->error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          bw_cli_error (_("export interrupted: nothing was written"));
          status = 130;
        }
      else
        {
          bw_cli_error ("%s", run->error->message);
          status = 1;
        }
      g_clear_error (&run->error);
      return status;
    }

  for (guint i = 0; i < run->result.n_files; i++)
    g_print (_("Wrote %s\n"), g_file_peek_path (run->result.files[i]));
  g_print (_("%" PRIu64 " images, %" PRIu64 " annotations"),
           run->result.images, run->result.annotations);
  if (run->result.n_files > 1)
    {
      g_print (" (");
      for (guint s = 0, first = TRUE; s < BW_N_SPLITS; s++)
        if (run->result.split_images[s] > 0)
          {
            g_print ("%s%s: %" G_GUINT64_FORMAT, first ? "" : ", ",
                     bw_split_to_string (s), run->result.split_images[s]);
            first = FALSE;
          }
      g_print (_(" images)"));
    }
  if (run->result.copied_images > 0)
    g_print (_(", %" PRIu64 " image files copied"), run->result.copied_images);
  g_print (".\n");
  if (run->result.outside_root > 0)
    g_print (_("note: %" PRIu64 " images are outside the project's folder; "
               "their file_name is an absolute path\n"), run->result.outside_root);
  if (run->result.left_out > 0 && run->status == BW_EXPORT_STATUS_ACCEPTED)
    g_print (_("note: %" PRIu64 " images whose work is not accepted yet were left out; "
               "--status submitted or --status all exports them too\n"), run->result.left_out);
  else if (run->result.left_out > 0)
    g_print (_("note: %" PRIu64 " images whose work is not submitted yet were left out; "
               "--status all exports them too\n"), run->result.left_out);

  /* The export is complete but for rows no export could write; it
   * succeeds, so that one damaged row does not block every export, and
   * says loudly what it left out. */
  if (run->result.skipped_damaged > 0)
    {
      for (guint i = 0; run->result.damaged != NULL && i < run->result.damaged->len; i++)
        bw_cli_warning ("%s", (const char *) g_ptr_array_index (run->result.damaged, i));
      bw_cli_warning (_("%" PRIu64 " annotations with damaged geometry were left out of the export; "
                        "open their images in Boxwood to redraw them"),
                      run->result.skipped_damaged);
    }

  bw_export_result_clear (&run->result);
  return 0;
}

static int
export_coco (int    argc,
             char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BwProject) project = NULL;
  g_autoptr(GFile) out = NULL;
  g_autoptr(GFile) copy = NULL;
  g_autoptr(GArray) category_ids = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *split = NULL;
  g_autofree char *copy_dir = NULL;
  g_autofree char *categories = NULL;
  g_autofree char *status = NULL;
  g_autoptr(GPtrArray) existing = NULL;
  gboolean only_accepted = FALSE, force = FALSE, with_review = FALSE, hard_examples = FALSE;
  g_autofree char *model = NULL;
  g_autoptr(BwModelReport) report = NULL;
  g_autoptr(GArray) hard = NULL;
  double max_f1 = NAN, iou = BW_MATCHING_DEFAULT_IOU_THRESHOLD;
  gint64 seed = -1;
  BwCocoExportOptions options = { 0, };
  ExportRun run = { 0, };
  const GOptionEntry entries[] = {
    { "status", 0, 0, G_OPTION_ARG_STRING, &status, STATUS_OPTION_TEXT, N_("STATUS") },
    { "only-accepted", 0, 0, G_OPTION_ARG_NONE, &only_accepted,
      N_("The same as --status accepted"), NULL },
    { "force", 0, 0, G_OPTION_ARG_NONE, &force,
      N_("Replace the output files if they exist"), NULL },
    { "split", 0, 0, G_OPTION_ARG_STRING, &split,
      N_("Split the images at random, by ratio, one file per split: OUT_train.json…"),
      N_("train=R,val=R[,test=R]") },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed,
      N_("The seed of the split (default 0): the same seed gives the same split"), N_("N") },
    { "copy-images", 0, 0, G_OPTION_ARG_FILENAME, &copy_dir,
      N_("Copy the image files into DIR; file_name is then relative to DIR"), N_("DIR") },
    { "categories", 0, 0, G_OPTION_ARG_STRING, &categories,
      N_("Export only these categories (names, separated by commas)"), N_("NAMES") },
    { "with-review", 0, 0, G_OPTION_ARG_NONE, &with_review,
      N_("Give each annotation a “boxwood_review” object (COCO readers ignore it): its "
         "annotator, and the verdict that stands on it (accepted, rejected, fixed or null) "
         "with its reason, comment and reviewer, and the version of the guidelines it was "
         "made under"), NULL },
    { "hard-examples", 0, 0, G_OPTION_ARG_NONE, &hard_examples,
      N_("Export the hard examples of a model, for retraining: the reference answers "
         "(gold, else accepted work) of the images whose F1 against the model’s "
         "predictions is below --max-f1 (see “boxwood-cli quality model”)"), NULL },
    { "max-f1", 0, 0, G_OPTION_ARG_DOUBLE, &max_f1,
      N_("With --hard-examples, the F1 below which an image is a hard example"), N_("F") },
    { "model", 0, 0, G_OPTION_ARG_STRING, &model,
      N_("With --hard-examples, the model (needed when the project holds several)"), N_("NAME") },
    { "iou", 0, 0, G_OPTION_ARG_DOUBLE, &iou,
      N_("With --hard-examples, pairs with a lower IoU do not match (default 0.5)"), N_("T") },
    { NULL }
  };

  g_set_prgname ("boxwood-cli export coco");
  context = g_option_context_new (_("PROJECT.boxwood OUT.json"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
    _("Export the project as COCO instances JSON, as pycocotools reads it.\n"
      "\n"
      "Each image's final answer is exported: its gold layer if it is a gold\n"
      "image, else its accepted layer, else (by default) its most recent submitted\n"
      "work; work in progress only with --status all. Excluded images and images\n"
      "nobody has worked on are left out. Category ids are the\n"
      "project's (never 0); bbox is [x, y, w, h]; area is the polygon's area (w × h\n"
      "for a box); segmentation lists each polygon part ([] for a box); file_name\n"
      "is relative to the project's folder."));
  g_option_context_set_description (context, _(exit_status_text));

  if (!bw_cli_parse_options (context, &argc, &argv))
    return 2;
  if (argc != 3)
    {
      bw_cli_error (_("export coco needs a project file and an output file; "
                      "see “boxwood-cli export coco --help”"));
      return 2;
    }
  if (split != NULL && !bw_split_parse (split, options.split, &error))
    {
      bw_cli_error ("--split: %s", error->message);
      return 2;
    }
  if (seed != -1 && split == NULL)
    {
      bw_cli_error (_("--seed goes with --split"));
      return 2;
    }
  if (seed < -1 || seed > G_MAXUINT32)
    {
      bw_cli_error (_("--seed must be from 0 to %u"), G_MAXUINT32);
      return 2;
    }
  if (!parse_status (status, only_accepted, &options.status))
    return 2;
  if (hard_examples)
    {
      if (isnan (max_f1))
        {
          bw_cli_error (_("--hard-examples needs --max-f1 F, the F1 below which an image is a hard example"));
          return 2;
        }
      if (!(max_f1 >= 0.0 && max_f1 <= 1.0))
        {
          bw_cli_error (_("--max-f1 must be from 0 to 1, such as 0.5"));
          return 2;
        }
      if (!(iou > 0.0 && iou <= 1.0))
        {
          bw_cli_error (_("--iou must be above 0 and at most 1, such as 0.5"));
          return 2;
        }
      if (status != NULL || only_accepted)
        {
          bw_cli_error (_("--hard-examples exports the reference answers (gold, else accepted work); "
                          "leave out --status"));
          return 2;
        }
      options.status = BW_EXPORT_STATUS_REFERENCE;
    }
  else if (!isnan (max_f1) || model != NULL)
    {
      bw_cli_error (_("--max-f1 and --model go with --hard-examples"));
      return 2;
    }

  project = bw_cli_open_project_to_read (argv[1]);
  if (project == NULL)
    return 1;

  if (categories != NULL)
    {
      category_ids = parse_categories (project, categories);
      if (category_ids == NULL)
        return 2;
      options.category_ids = (const gint64 *) (gpointer) category_ids->data;
      options.n_category_ids = category_ids->len;
    }

  if (hard_examples)
    {
      int failed = 0;
      static const gint64 none = 0;

      report = bw_cli_compute_model_report (project, model, iou, &failed);
      if (report == NULL)
        return failed;
      hard = bw_model_report_hard_examples (report, max_f1);
      /* Not NULL even when empty: NULL would mean every image. */
      options.image_ids = hard->len > 0 ? (const gint64 *) (gpointer) hard->data : &none;
      options.n_image_ids = hard->len;
      g_print (g_dngettext (GETTEXT_PACKAGE,
                            "%u image of %" PRIu64 " scored has an F1 below %g against the model “%s”.\n",
                            "%u images of %" PRIu64 " scored have an F1 below %g against the model “%s”.\n",
                            hard->len),
               hard->len, report->images_scored, max_f1, report->model);
    }

  out = g_file_new_for_commandline_arg (argv[2]);
  existing = bw_coco_export_find_existing (out, &options);
  if (!check_replace (existing, force))
    return 1;
  if (copy_dir != NULL)
    {
      copy = g_file_new_for_commandline_arg (copy_dir);
      if (g_mkdir_with_parents (g_file_peek_path (copy), 0777) != 0)
        {
          bw_cli_error (_("Cannot create the folder “%s”: %s"), copy_dir, g_strerror (errno));
          return 1;
        }
    }

  options.copy_images_to = copy;
  options.seed = seed < 0 ? 0 : (guint32) seed;
  options.with_review = with_review;

  run.loop = loop;
  run.cancellable = cancellable;
  run.status = options.status;
  run.show_progress = isatty (STDERR_FILENO);
  bw_cli_catch_interrupts (cancellable);
  bw_coco_export_async (project, out, &options, progress_cb, &run, NULL, cancellable,
                        export_done_cb, &run);
  return run_export (&run);
}

static int
export_yolo (int    argc,
             char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(BwProject) project = NULL;
  g_autoptr(GFile) out = NULL;
  g_autoptr(GArray) category_ids = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *categories = NULL;
  g_autofree char *status = NULL;
  g_autoptr(GPtrArray) existing = NULL;
  gboolean only_accepted = FALSE, segmentation = FALSE, copy_images = FALSE, force = FALSE;
  BwYoloExportOptions options = { 0, };
  ExportRun run = { 0, };
  const GOptionEntry entries[] = {
    { "segmentation", 0, 0, G_OPTION_ARG_NONE, &segmentation,
      N_("Write polygons as segmentation lines (class x1 y1 x2 y2 …), not as boxes"), NULL },
    { "status", 0, 0, G_OPTION_ARG_STRING, &status, STATUS_OPTION_TEXT, N_("STATUS") },
    { "only-accepted", 0, 0, G_OPTION_ARG_NONE, &only_accepted,
      N_("The same as --status accepted"), NULL },
    { "force", 0, 0, G_OPTION_ARG_NONE, &force,
      N_("Replace data.yaml and labels/ if OUTDIR has them"), NULL },
    { "copy-images", 0, 0, G_OPTION_ARG_NONE, &copy_images,
      N_("Also copy the image files into OUTDIR/images"), NULL },
    { "categories", 0, 0, G_OPTION_ARG_STRING, &categories,
      N_("Export only these categories (names, separated by commas)"), N_("NAMES") },
    { NULL }
  };

  g_set_prgname ("boxwood-cli export yolo");
  context = g_option_context_new (_("PROJECT.boxwood OUTDIR"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
    _("Export the project as a YOLO dataset: OUTDIR/labels/PATH.txt for each image\n"
      "(its path relative to the project's folder, extension replaced), with one\n"
      "line “class cx cy w h” per annotation, normalised to 0–1, and\n"
      "OUTDIR/data.yaml with the class names. Class i is the i-th exported\n"
      "category in order of its project id, so reordering the taxonomy never\n"
      "renumbers classes. The images exported are the same as for COCO."));
  g_option_context_set_description (context, _(exit_status_text));

  if (!bw_cli_parse_options (context, &argc, &argv))
    return 2;
  if (argc != 3)
    {
      bw_cli_error (_("export yolo needs a project file and an output folder; "
                      "see “boxwood-cli export yolo --help”"));
      return 2;
    }
  if (!parse_status (status, only_accepted, &options.status))
    return 2;

  project = bw_cli_open_project_to_read (argv[1]);
  if (project == NULL)
    return 1;

  if (categories != NULL)
    {
      category_ids = parse_categories (project, categories);
      if (category_ids == NULL)
        return 2;
      options.category_ids = (const gint64 *) (gpointer) category_ids->data;
      options.n_category_ids = category_ids->len;
    }

  out = g_file_new_for_commandline_arg (argv[2]);
  existing = bw_yolo_export_find_existing (out);
  if (!check_replace (existing, force))
    return 1;
  options.segmentation = segmentation;
  options.copy_images = copy_images;

  run.loop = loop;
  run.cancellable = cancellable;
  run.status = options.status;
  run.yolo = TRUE;
  run.show_progress = isatty (STDERR_FILENO);
  bw_cli_catch_interrupts (cancellable);
  bw_yolo_export_async (project, out, &options, progress_cb, &run, NULL, cancellable,
                        export_done_cb, &run);
  return run_export (&run);
}

int
bw_cli_export (int    argc,
               char **argv)
{
  if (argc >= 2 && strcmp (argv[1], "coco") == 0)
    return export_coco (argc - 1, argv + 1);
  if (argc >= 2 && strcmp (argv[1], "yolo") == 0)
    return export_yolo (argc - 1, argv + 1);

  if (argc >= 2 && (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0))
    {
      g_print ("%s\n\n%s\n  %-6s %s\n  %-6s %s\n\n%s\n",
               _("Usage: boxwood-cli export FORMAT [OPTION…] PROJECT.boxwood OUT"),
               _("Formats:"),
               "coco", _("COCO instances JSON (optionally split into train/val/test)"),
               "yolo", _("A YOLO dataset folder: labels/*.txt and data.yaml"),
               _("Run “boxwood-cli export FORMAT --help” for the options of a format."));
      return 0;
    }

  if (argc < 2)
    bw_cli_error (_("export needs a format, coco or yolo; see “boxwood-cli export --help”"));
  else
    bw_cli_error (_("“%s” is not an export format: use coco or yolo"), argv[1]);
  return 2;
}
