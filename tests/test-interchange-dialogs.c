/* test-interchange-dialogs.c — the export and import-annotations dialogs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs under Xvfb. The dialogs are driven through their actions, as the
 * buttons do, and checked on what lands on disk and in the project.
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "bw-coco-export.h"
#include "bw-export-dialog.h"
#include "bw-import-dialog.h"
#include "bw-json.h"
#include "bw-test-images.h"

typedef struct
{
  char      *dir;
  BwProject *project;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  gint64 cat, image, layer;

  f->dir = g_dir_make_tmp ("bw-dialogs-XXXXXX", &error);
  path = g_build_filename (f->dir, "p.boxwood", NULL);
  file = g_file_new_for_path (path);
  f->project = bw_project_create (file, &error);
  g_assert_no_error (error);
  g_assert_true (bw_project_add_category (f->project, "cat", "", "#ff0000", &cat, &error));

  for (guint i = 0; i < 6; i++)
    {
      g_autofree char *name = g_strdup_printf ("img%u.png", i);
      g_autofree char *absolute = g_build_filename (f->dir, name, NULL);
      g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, name, -1);
      g_autoptr(BwShape) box = bw_shape_new_box (1, 2, 11 + i, 12);
      BwPoint tri[] = { { 1, 1 }, { 20, 1 }, { 10, 15.5 } };
      g_autoptr(BwShape) poly = bw_shape_new_polygon (tri, 3);
      BwImage row = { 0, };

      g_assert_true (bw_test_write_png (absolute, 32, 24, i, &error));
      row.path = name;
      row.width = 32;
      row.height = 24;
      row.content_hash = hash;
      row.orientation = 1;
      g_assert_true (bw_project_add_image (f->project, &row, &image, &error));
      g_assert_true (bw_project_ensure_layer (f->project, image, 0, BW_LAYER_KIND_WORK, &layer, &error));
      g_assert_true (bw_project_add_annotation (f->project, layer, cat, box, BW_SOURCE_DRAWN, 1, NULL, &error));
      g_assert_true (bw_project_add_annotation (f->project, layer, cat, poly, BW_SOURCE_DRAWN, 1, NULL, &error));
      /* The last two images are still in progress. */
      if (i < 4)
        g_assert_true (bw_project_submit_layer (f->project, layer, &error));
      g_assert_no_error (error);
    }
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_assert_finalize_object (f->project);
  bw_test_remove_tree (f->dir);
  g_free (f->dir);
}

typedef struct
{
  gboolean done;
  gboolean ok;
} Finished;

static void
finished_cb (GtkWidget *dialog,
             gboolean   ok,
             Finished  *finished)
{
  finished->done = TRUE;
  finished->ok = ok;
}

static gboolean
run_action (GtkWidget  *dialog,
            const char *start,
            const char *then)
{
  Finished finished = { FALSE, FALSE };
  gulong id = g_signal_connect (dialog, "finished", G_CALLBACK (finished_cb), &finished);

  g_assert_true (gtk_widget_activate_action (dialog, start, NULL));
  if (then != NULL)
    g_assert_true (gtk_widget_activate_action (dialog, then, NULL));
  while (!finished.done)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (dialog, id);
  return finished.ok;
}

static void
close_and_check_freed (GtkWidget *dialog)
{
  /* Let pending progress and toast sources run before closing. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_finalize_object (dialog);
}

/* The dialog's "Work to Export" row, found by its title as a person would. */
static GtkWidget *
find_status_row (GtkWidget *widget)
{
  if (ADW_IS_COMBO_ROW (widget) &&
      g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), "_Work to Export") == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_status_row (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static guint
count_images (const char *path)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_file (parser, path, &error));
  g_assert_no_error (error);
  return json_array_get_length (json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                                              "images"));
}

static gboolean
find_message_dialog (gpointer data)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        {
          *(AdwMessageDialog **) data = ADW_MESSAGE_DIALOG (window);
          return TRUE;
        }
    }
  return FALSE;
}

static AdwMessageDialog *
wait_message_dialog (void)
{
  AdwMessageDialog *dialog = NULL;
  gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (!find_message_dialog (&dialog))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  return dialog;
}

static void
coco_check (const char *path)
{
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "coco_check.py", NULL);
  const char *argv[] = { "python3", script, path, NULL };
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                               NULL, NULL, NULL, &err, &status, &error));
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("coco_check.py: %s", err);
}

static void
test_export_coco (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *out = g_build_filename (f->dir, "out.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (out);
  GtkWidget *dialog = GTK_WIDGET (bw_export_dialog_new (f->project));
  g_autofree char *suggested = NULL;

  g_object_ref_sink (dialog);
  gtk_window_present (GTK_WINDOW (dialog));

  /* The destination starts next to the project. */
  suggested = g_file_get_basename (bw_export_dialog_get_destination (BW_EXPORT_DIALOG (dialog)));
  g_assert_cmpstr (suggested, ==, "p-coco.json");

  /* By default, submitted and accepted work: not the two drafts. */
  g_assert_cmpint (bw_export_dialog_get_status (BW_EXPORT_DIALOG (dialog)), ==, BW_EXPORT_STATUS_SUBMITTED);
  bw_export_dialog_set_destination (BW_EXPORT_DIALOG (dialog), file);
  g_assert_true (run_action (dialog, "export.start", NULL));
  g_assert_true (g_file_test (out, G_FILE_TEST_IS_REGULAR));
  coco_check (out);
  g_assert_cmpuint (count_images (out), ==, 4);

  /* YOLO: a folder of labels and data.yaml. */
  {
    g_autofree char *yolo = g_build_filename (f->dir, "yolo", NULL);
    g_autofree char *yaml = g_build_filename (yolo, "data.yaml", NULL);
    g_autofree char *label = g_build_filename (yolo, "labels", "img3.txt", NULL);
    g_autoptr(GFile) folder = g_file_new_for_path (yolo);
    g_autofree char *contents = NULL;

    bw_export_dialog_set_format (BW_EXPORT_DIALOG (dialog), BW_EXPORT_FORMAT_YOLO);
    bw_export_dialog_set_destination (BW_EXPORT_DIALOG (dialog), folder);
    g_assert_true (run_action (dialog, "export.start", NULL));
    g_assert_true (g_file_test (yaml, G_FILE_TEST_IS_REGULAR));
    g_assert_true (g_file_get_contents (label, &contents, NULL, NULL));
    g_assert_true (g_str_has_prefix (contents, "0 "));
  }

  /* The gold answers are a choice of their own: the gold image alone,
   * with its expert answer — a layer of one shape, not the annotator's two. */
  {
    g_autofree char *gold_out = g_build_filename (f->dir, "gold.json", NULL);
    g_autoptr(GFile) gold_file = g_file_new_for_path (gold_out);
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) layers = NULL;
    g_autoptr(GPtrArray) gold_shapes = NULL;
    g_autoptr(JsonParser) parser = json_parser_new ();
    JsonObject *root;
    gint64 image = 1, gold_layer = 0, expert = 0;
    BwLayer *work;

    layers = bw_project_list_layers (f->project, image, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (layers->len, ==, 1);
    work = g_ptr_array_index (layers, 0);
    g_assert_true (bw_project_ensure_person (f->project, "Expert", BW_ROLE_LEAD, &expert, &error));
    g_assert_true (bw_project_accept_layer (f->project, work->id, expert, NULL, NULL, &error));
    g_assert_no_error (error);
    g_assert_true (bw_project_promote_layer_to_gold (f->project, work->id, expert, &gold_layer, &error));
    g_assert_no_error (error);
    gold_shapes = bw_project_list_annotations (f->project, gold_layer, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (gold_shapes->len, ==, 2);
    g_assert_true (bw_project_delete_annotation (f->project,
                                                 ((BwAnnotation *) g_ptr_array_index (gold_shapes, 0))->id,
                                                 &error));
    g_assert_no_error (error);

    bw_export_dialog_set_format (BW_EXPORT_DIALOG (dialog), BW_EXPORT_FORMAT_COCO);
    adw_combo_row_set_selected (ADW_COMBO_ROW (find_status_row (dialog)), 3);
    g_assert_cmpint (bw_export_dialog_get_status (BW_EXPORT_DIALOG (dialog)), ==, BW_EXPORT_STATUS_GOLD);
    bw_export_dialog_set_destination (BW_EXPORT_DIALOG (dialog), gold_file);
    g_assert_true (run_action (dialog, "export.start", NULL));
    coco_check (gold_out);
    g_assert_true (json_parser_load_from_file (parser, gold_out, &error));
    root = json_node_get_object (json_parser_get_root (parser));
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "images")), ==, 1);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "annotations")), ==, 1);
  }

  close_and_check_freed (dialog);
}

/* An empty export used to replace an earlier file without asking. */
static void
test_export_replace_asks (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *out = g_build_filename (f->dir, "earlier.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (out);
  GtkWidget *dialog = GTK_WIDGET (bw_export_dialog_new (f->project));
  g_autofree char *contents = NULL;
  AdwMessageDialog *question;
  Finished done = { FALSE, FALSE };
  gulong id;

  g_assert_true (g_file_set_contents (out, "the work of last week", -1, NULL));
  g_object_ref_sink (dialog);
  gtk_window_present (GTK_WINDOW (dialog));
  bw_export_dialog_set_destination (BW_EXPORT_DIALOG (dialog), file);
  bw_export_dialog_set_status (BW_EXPORT_DIALOG (dialog), BW_EXPORT_STATUS_ALL);
  id = g_signal_connect (dialog, "finished", G_CALLBACK (finished_cb), &done);

  /* Export asks, naming the file; Cancel keeps it as it was. */
  g_assert_true (gtk_widget_activate_action (dialog, "export.start", NULL));
  question = wait_message_dialog ();
  g_assert_nonnull (strstr (adw_message_dialog_get_body (question), "“earlier.json”"));
  g_assert_cmpstr (adw_message_dialog_get_default_response (question), ==, "cancel");
  adw_message_dialog_response (question, "cancel");
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_false (done.done);
  g_assert_true (g_file_get_contents (out, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "the work of last week");

  /* Replace writes it, with the work chosen: all six images. */
  g_assert_true (gtk_widget_activate_action (dialog, "export.start", NULL));
  question = wait_message_dialog ();
  adw_message_dialog_response (question, "replace");
  while (!done.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (done.ok);
  g_assert_cmpuint (count_images (out), ==, 6);
  g_signal_handler_disconnect (dialog, id);

  close_and_check_freed (dialog);
}

static void
test_export_cancel (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *out = g_build_filename (f->dir, "cancelled.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (out);
  GtkWidget *dialog = GTK_WIDGET (bw_export_dialog_new (f->project));
  g_autoptr(GDir) d = NULL;
  const char *name;

  g_object_ref_sink (dialog);
  gtk_window_present (GTK_WINDOW (dialog));
  bw_export_dialog_set_destination (BW_EXPORT_DIALOG (dialog), file);

  /* Cancel straight after Export, as a hasty click would. The export
   * may have finished by then (a small project, a fast disk): either way
   * the dialog's answer must match what is on disk, and no temporary
   * file is left. */
  if (!run_action (dialog, "export.start", "export.cancel"))
    g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  else
    coco_check (out);
  d = g_dir_open (f->dir, 0, NULL);
  while ((name = g_dir_read_name (d)) != NULL)
    g_assert_false (g_str_has_suffix (name, ".tmp"));
  g_unlink (out);

  /* And the dialog can export again. */
  g_assert_true (run_action (dialog, "export.start", NULL));
  g_assert_true (g_file_test (out, G_FILE_TEST_IS_REGULAR));

  close_and_check_freed (dialog);
}

static void
test_import_coco (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = g_build_filename (f->dir, "out.json", NULL);
  g_autofree char *other_path = g_build_filename (f->dir, "other.boxwood", NULL);
  g_autoptr(GFile) out_file = g_file_new_for_path (out);
  g_autoptr(GFile) other_file = g_file_new_for_path (other_path);
  g_autoptr(BwProject) other = NULL;
  BwProjectCounts counts;
  BwCocoExportOptions all = { .status = BW_EXPORT_STATUS_ALL };
  GtkWidget *dialog;

  g_assert_true (bw_coco_export (f->project, out_file, &all, NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  other = bw_project_create (other_file, &error);
  g_assert_no_error (error);
  dialog = GTK_WIDGET (bw_import_dialog_new (other));
  g_object_ref_sink (dialog);
  gtk_window_present (GTK_WINDOW (dialog));

  bw_import_dialog_set_source (BW_IMPORT_DIALOG (dialog), out_file);
  g_assert_true (run_action (dialog, "import.start", NULL));
  g_assert_true (bw_project_get_counts (other, &counts, &error));
  g_assert_cmpint (counts.images, ==, 6);
  g_assert_cmpint (counts.annotations, ==, 12);

  close_and_check_freed (dialog);
}

static gint64
raw_count (const char *project,
           const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n = -1;

  g_assert_cmpint (sqlite3_open_v2 (project, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 10000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  g_assert_cmpint (n, >=, 0);
  return n;
}

#define LM_IMAGES    12
#define LM_PER_IMAGE 4000

static gboolean
count_tick_cb (gpointer data)
{
  (*(guint *) data)++;
  return G_SOURCE_CONTINUE;
}

/* A labelme import from the dialog runs on a connection of its own and
 * in chunks: while it runs, the window's thread keeps turning and its
 * edits are saved at once, between two chunks, not after the import; the
 * import still appears whole, with the edit beside it. */
static void
test_import_labelme_leaves_project_free (Fixture       *f,
                                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *folder = g_build_filename (f->dir, "lm", NULL);
  g_autofree char *project = g_build_filename (f->dir, "p.boxwood", NULL);
  g_autoptr(GFile) folder_file = g_file_new_for_path (folder);
  Finished finished = { FALSE, FALSE };
  BwProjectCounts before, counts;
  GtkWidget *dialog;
  gulong handler;
  guint ticks = 0, ticks_at_edit = 0, tick_source;
  gboolean edited = FALSE;
  gint64 deadline;

  g_assert_cmpint (g_mkdir_with_parents (folder, 0755), ==, 0);
  for (guint i = 0; i < LM_IMAGES; i++)
    {
      g_autofree char *png = g_strdup_printf ("%s/lm-%02u.png", folder, i);
      g_autofree char *json_path = g_strdup_printf ("%s/lm-%02u.json", folder, i);
      g_autoptr(GString) json = g_string_new (NULL);

      g_assert_true (bw_test_write_png (png, 1000, 1000, (int) i, &error));
      g_assert_no_error (error);
      g_string_append_printf (json, "{\"imagePath\": \"lm-%02u.png\", \"shapes\": [", i);
      for (guint k = 0; k < LM_PER_IMAGE; k++)
        g_string_append_printf (json, "%s{\"label\": \"cat\", \"shape_type\": \"rectangle\", "
                                "\"points\": [[%u, %u], [%u, %u]]}", k ? ", " : "",
                                k % 990, (k / 990) * 6, k % 990 + 5, (k / 990) * 6 + 5);
      g_string_append (json, "]}");
      g_assert_true (g_file_set_contents (json_path, json->str, json->len, &error));
      g_assert_no_error (error);
    }
  g_assert_true (bw_project_get_counts (f->project, &before, &error));

  dialog = GTK_WIDGET (bw_import_dialog_new (f->project));
  g_object_ref_sink (dialog);
  gtk_window_present (GTK_WINDOW (dialog));
  bw_import_dialog_set_format (BW_IMPORT_DIALOG (dialog), BW_IMPORT_FORMAT_LABELME);
  bw_import_dialog_set_source (BW_IMPORT_DIALOG (dialog), folder_file);

  handler = g_signal_connect (dialog, "finished", G_CALLBACK (finished_cb), &finished);
  tick_source = g_timeout_add (5, count_tick_cb, &ticks);
  g_assert_true (gtk_widget_activate_action (dialog, "import.start", NULL));

  deadline = g_get_monotonic_time () + 300 * G_USEC_PER_SEC;
  while (!finished.done)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);

      /* Once the import has committed its first chunks: an edit from the
       * window's own connection, on the window's thread. */
      if (!edited && raw_count (project, "SELECT count(*) FROM import_staging") >= 10000)
        {
          g_autoptr(BwShape) box = bw_shape_new_box (2, 2, 9, 9);
          gint64 image = 1, layer;

          g_assert_true (bw_project_ensure_layer (f->project, image, 0, BW_LAYER_KIND_WORK, &layer, &error));
          g_assert_true (bw_project_add_annotation (f->project, layer, 1, box, BW_SOURCE_DRAWN, 1, NULL, &error));
          g_assert_no_error (error);
          edited = TRUE;
          ticks_at_edit = ticks;

          /* Saved before the import was over: it is still staging. */
          g_assert_false (finished.done);
          g_assert_true (bw_project_get_counts (f->project, &counts, &error));
          g_assert_cmpint (counts.annotations, ==, before.annotations + 1);
          g_assert_cmpint (counts.images, ==, before.images);
          g_assert_cmpint (raw_count (project, "SELECT count(*) FROM import_staging"), <,
                           LM_IMAGES * LM_PER_IMAGE);
        }
      g_usleep (1000);
    }
  g_signal_handler_disconnect (dialog, handler);
  g_source_remove (tick_source);

  g_assert_true (finished.ok);
  g_assert_true (edited);
  /* The window's main loop kept turning while the import ran on. */
  g_test_message ("the main loop ran %u timeouts of 5 ms during the import, %u after the edit",
                  ticks, ticks - ticks_at_edit);
  g_assert_cmpuint (ticks - ticks_at_edit, >, 0);

  g_assert_true (bw_project_get_counts (f->project, &counts, &error));
  g_assert_cmpint (counts.annotations, ==, before.annotations + 1 + LM_IMAGES * LM_PER_IMAGE);
  g_assert_cmpint (counts.images, ==, before.images + LM_IMAGES);
  g_assert_cmpint (raw_count (project, "SELECT count(*) FROM import_staging"), ==, 0);

  close_and_check_freed (dialog);
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/ui/export-dialog/coco-and-yolo", Fixture, NULL, fixture_set_up, test_export_coco, fixture_tear_down);
  g_test_add ("/ui/export-dialog/replace-asks", Fixture, NULL, fixture_set_up, test_export_replace_asks, fixture_tear_down);
  g_test_add ("/ui/export-dialog/cancel-leaves-nothing", Fixture, NULL, fixture_set_up, test_export_cancel, fixture_tear_down);
  g_test_add ("/ui/import-dialog/coco", Fixture, NULL, fixture_set_up, test_import_coco, fixture_tear_down);
  g_test_add ("/ui/import-dialog/labelme-leaves-project-free", Fixture, NULL, fixture_set_up,
              test_import_labelme_leaves_project_free, fixture_tear_down);

  return g_test_run ();
}
