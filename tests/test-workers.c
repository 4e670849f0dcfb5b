/* test-workers.c — long work on worker threads keeps off the window's connection
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window's project (its connection) is held inside a transaction on
 * the main thread for the whole of each test, as a long edit or another
 * writer would. A worker that went through that connection would wait on
 * it until the transaction ends, here forever; a worker with a connection
 * of its own (bw_project_open_another()) reads the last committed state
 * beside it and finishes. What a worker changes reaches the window's
 * handlers all the same.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "bw-coco-export.h"
#include "bw-importer.h"
#include "bw-project.h"
#include "bw-quality.h"
#include "bw-test-images.h"

typedef struct
{
  char      *dir;
  BwProject *project;
  gint64     image_id;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  char path[] = "a.png", hash[] = "aa";
  BwImage image = { 0, };
  gint64 person, category, layer, annotation;
  g_autoptr(BwShape) box = bw_shape_new_box (10, 10, 50, 40);

  f->dir = g_dir_make_tmp ("bw-test-workers-XXXXXX", &error);
  g_assert_no_error (error);
  file = g_file_new_build_filename (f->dir, "p.boxwood", NULL);
  f->project = bw_project_create (file, &error);
  g_assert_no_error (error);

  image.path = path;
  image.width = 100;
  image.height = 80;
  image.content_hash = hash;
  g_assert_true (bw_project_add_image (f->project, &image, &f->image_id, &error));
  g_assert_true (bw_project_ensure_person (f->project, "ann", BW_ROLE_ANNOTATOR, &person, &error));
  g_assert_true (bw_project_add_category (f->project, "car", "", "#ff0000", &category, &error));
  g_assert_true (bw_project_ensure_layer (f->project, f->image_id, person, BW_LAYER_KIND_WORK, &layer, &error));
  g_assert_true (bw_project_add_annotation (f->project, layer, category, box, BW_SOURCE_DRAWN, 1.0, &annotation, &error));
  g_assert_true (bw_project_submit_layer (f->project, layer, &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_assert_finalize_object (f->project);
  bw_test_remove_tree (f->dir);
  g_free (f->dir);
}

static void
store_result_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* Runs the main loop until @result is set; a worker stuck on the window's
 * connection never sets it. */
static void
wait_for (GAsyncResult **result)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (*result == NULL)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
      if (g_get_monotonic_time () > deadline)
        g_error ("the worker did not finish while the window's connection was busy");
    }
}

static void
test_export (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) out = g_file_new_build_filename (f->dir, "out.json", NULL);
  g_autoptr(GAsyncResult) result = NULL;
  BwCocoExportOptions options = { 0, };
  BwExportResult counts = { 0, };
  g_autofree char *text = NULL;

  g_assert_true (bw_project_begin (f->project, &error));
  bw_coco_export_async (f->project, out, &options, NULL, NULL, NULL, NULL, store_result_cb, &result);
  wait_for (&result);
  g_assert_true (bw_coco_export_finish (f->project, result, &counts, &error));
  g_assert_no_error (error);
  bw_project_rollback (f->project);

  g_assert_cmpuint (counts.annotations, ==, 1);
  g_assert_true (g_file_load_contents (out, NULL, &text, NULL, NULL, &error));
  g_assert_nonnull (strstr (text, "\"car\""));
  bw_export_result_clear (&counts);
}

static void
test_quality (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  BwQualityReport *report;

  g_assert_true (bw_project_begin (f->project, &error));
  bw_quality_compute_async (f->project, NULL, NULL, NULL, NULL, store_result_cb, &result);
  wait_for (&result);
  report = bw_quality_compute_finish (f->project, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (report);
  bw_quality_report_free (report);
  bw_project_rollback (f->project);
}

static void
count_cb (guint *n)
{
  (*n)++;
}

/* The importer writes through its own connection, so it waits for the
 * window's transaction only as long as SQLite's busy timeout lets it, and
 * is done as soon as the window commits; the window's list still hears
 * of the new images. */
static void
test_importer (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(BwImporter) importer = bw_importer_new (f->project);
  g_autoptr(BwImportReport) report = NULL;
  g_autofree char *folder = g_build_filename (f->dir, "images", NULL);
  const char *paths[] = { folder, NULL };
  BwProjectCounts counts;
  guint images_changed = 0;
  gint64 category;

  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);
  for (guint i = 0; i < 6; i++)
    {
      g_autofree char *name = g_strdup_printf ("img-%u.png", i);
      g_autofree char *path = g_build_filename (folder, name, NULL);

      g_assert_true (bw_test_write_png (path, 64, 48, i + 1, &error));
    }
  g_signal_connect_swapped (f->project, "images-changed", G_CALLBACK (count_cb), &images_changed);

  /* The window writes while the import reads and checks its files. */
  g_assert_true (bw_project_begin (f->project, &error));
  bw_importer_run_async (importer, paths, NULL, store_result_cb, &result);
  g_assert_true (bw_project_add_category (f->project, "bus", "", "#00ff00", &category, &error));
  g_assert_true (bw_project_commit (f->project, &error));

  wait_for (&result);
  report = bw_importer_run_finish (importer, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report->added, ==, 6);

  /* Told in the window's main context, from the worker's connection. */
  while (images_changed == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (bw_project_get_counts (f->project, &counts, &error));
  g_assert_cmpint (counts.images, ==, 7);
  g_assert_cmpint (counts.categories, ==, 2);

  g_signal_handlers_disconnect_by_data (f->project, &images_changed);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/core/workers/export-beside-a-transaction", test_export);
  ADD ("/core/workers/quality-beside-a-transaction", test_quality);
  ADD ("/core/workers/importer-own-connection", test_importer);
#undef ADD

  return g_test_run ();
}
