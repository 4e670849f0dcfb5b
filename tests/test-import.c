/* test-import.c — importing files and folders into a project
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <turbojpeg.h>

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bw-image-decoder.h"
#include "bw-importer.h"
#include "bw-project.h"
#include "bw-test-images.h"

typedef struct
{
  char      *dir;       /* holds the project and the image folders */
  char      *images;    /* dir/imgs */
  BwProject *project;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;

  f->dir = g_dir_make_tmp ("bw-test-import-XXXXXX", &error);
  g_assert_no_error (error);
  f->images = g_build_filename (f->dir, "imgs", NULL);
  g_assert_cmpint (g_mkdir (f->images, 0700), ==, 0);

  path = g_build_filename (f->dir, "p.boxwood", NULL);
  file = g_file_new_for_path (path);
  f->project = bw_project_create (file, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_assert_finalize_object (f->project);
  bw_test_remove_tree (f->dir);
  g_free (f->images);
  g_free (f->dir);
}

static char *
image_path (Fixture    *f,
            const char *name)
{
  return g_build_filename (f->images, name, NULL);
}

static void
write_jpeg (Fixture    *f,
            const char *name,
            int         width,
            int         height,
            guint       variant)
{
  g_autofree char *path = image_path (f, name);
  g_autoptr(GError) error = NULL;

  bw_test_write_jpeg (path, width, height, 85, TJSAMP_420, variant, &error);
  g_assert_no_error (error);
}

static void
write_png (Fixture    *f,
           const char *name,
           int         width,
           int         height,
           guint       variant)
{
  g_autofree char *path = image_path (f, name);
  g_autoptr(GError) error = NULL;

  bw_test_write_png (path, width, height, variant, &error);
  g_assert_no_error (error);
}

static BwImportReport *
import_paths (Fixture            *f,
              const char * const *paths,
              double              max_megapixels)
{
  g_autoptr(BwImporter) importer = bw_importer_new (f->project);
  g_autoptr(GError) error = NULL;
  BwImportReport *report;

  if (max_megapixels > 0)
    bw_importer_set_max_megapixels (importer, max_megapixels);

  report = bw_importer_run (importer, paths, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (report);
  return report;
}

static BwImportReport *
import_folder (Fixture *f)
{
  const char *paths[] = { f->images, NULL };

  return import_paths (f, paths, 0);
}

static gint64
count_images (Fixture *f)
{
  BwProjectCounts counts;
  g_autoptr(GError) error = NULL;

  g_assert_true (bw_project_get_counts (f->project, &counts, &error));
  g_assert_no_error (error);
  return counts.images;
}

static BwImage *
find_image (Fixture    *f,
            const char *stored_path)
{
  gint64 id = bw_project_find_image_by_path (f->project, stored_path);
  g_autoptr(GError) error = NULL;
  BwImage *image;

  g_assert_cmpint (id, >, 0);
  image = bw_project_get_image (f->project, id, &error);
  g_assert_no_error (error);
  return image;
}

/* The problem reported for a file whose name ends with @suffix */
static const BwImportProblem *
find_problem (const BwImportReport *report,
              const char           *suffix)
{
  for (guint i = 0; i < report->problems->len; i++)
    {
      const BwImportProblem *problem = g_ptr_array_index (report->problems, i);

      if (g_str_has_suffix (problem->path, suffix))
        return problem;
    }
  return NULL;
}

static void
assert_problem (const BwImportReport *report,
                const char           *suffix,
                BwImportProblemKind   kind,
                const char           *reason_part)
{
  const BwImportProblem *problem = find_problem (report, suffix);

  if (problem == NULL)
    g_error ("no problem reported for %s", suffix);
  g_assert_cmpint (problem->kind, ==, kind);
  /* the reason names the file */
  g_assert_nonnull (strstr (problem->reason, suffix));
  if (reason_part != NULL && strstr (problem->reason, reason_part) == NULL)
    g_error ("“%s” does not say “%s”", problem->reason, reason_part);
}

static void
test_good (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(BwImportReport) report = NULL;
  g_autoptr(BwImage) jpeg = NULL;
  g_autoptr(BwImage) png = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *jpeg_path = image_path (f, "a.jpg");
  g_autofree char *text_path = image_path (f, "notes.txt");
  g_autoptr(GError) error = NULL;
  gsize size;

  write_jpeg (f, "a.jpg", 641, 479, 1);
  write_jpeg (f, "b.JPEG", 320, 200, 2);
  write_png (f, "c.png", 300, 100, 3);
  bw_test_write_not_an_image (text_path, &error);
  g_assert_no_error (error);

  report = import_folder (f);
  g_assert_cmpuint (report->added, ==, 3);
  g_assert_cmpuint (report->duplicates, ==, 0);
  g_assert_cmpuint (report->failed, ==, 0);
  g_assert_cmpuint (report->skipped, ==, 1);   /* notes.txt, silently */
  g_assert_cmpuint (report->problems->len, ==, 0);
  g_assert_false (report->cancelled);
  g_assert_cmpint (count_images (f), ==, 3);

  jpeg = find_image (f, "imgs/a.jpg");
  g_assert_cmpint (jpeg->width, ==, 641);
  g_assert_cmpint (jpeg->height, ==, 479);
  g_assert_cmpint (jpeg->orientation, ==, 1);
  g_assert_cmpint (jpeg->status, ==, BW_IMAGE_STATUS_NEW);
  g_assert_cmpuint (jpeg->phash, !=, 0);

  g_file_get_contents (jpeg_path, &contents, &size, &error);
  g_assert_no_error (error);
  hash = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (guchar *) contents, size);
  g_assert_cmpstr (jpeg->content_hash, ==, hash);
  g_assert_cmpint (jpeg->byte_size, ==, (gint64) size);

  png = find_image (f, "imgs/c.png");
  g_assert_cmpint (png->width, ==, 300);
  g_assert_cmpint (png->height, ==, 100);
  g_assert_cmpuint (png->phash, !=, 0);
}

static void
test_corrupt (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GBytes) jpeg = bw_test_jpeg_new (400, 300, 90, TJSAMP_420, 4);
  g_autoptr(BwImportReport) report = NULL;
  g_autofree char *path = image_path (f, "broken.jpg");
  g_autofree guint8 *bytes = NULL;
  g_autoptr(GError) error = NULL;
  gsize size;

  bytes = g_bytes_unref_to_data (g_steal_pointer (&jpeg), &size);
  memset (bytes + size / 3, 0xFF, 16);
  memset (bytes + size / 3 + 16, 0x00, size / 3);
  g_file_set_contents (path, (char *) bytes, (gssize) size, &error);
  g_assert_no_error (error);
  write_jpeg (f, "fine.jpg", 100, 80, 5);

  report = import_folder (f);
  g_assert_cmpuint (report->added, ==, 1);
  g_assert_cmpuint (report->failed, ==, 1);
  assert_problem (report, "broken.jpg", BW_IMPORT_PROBLEM_FAILED, "damaged");
  g_assert_cmpint (count_images (f), ==, 1);
}

static void
test_truncated (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(BwImportReport) report = NULL;
  g_autofree char *jpeg = image_path (f, "cut.jpg");
  g_autoptr(GError) error = NULL;

  bw_test_write_truncated_jpeg (jpeg, 640, 480, 0.7, &error);
  g_assert_no_error (error);
  write_png (f, "fine.png", 50, 40, 6);

  report = import_folder (f);
  g_assert_cmpuint (report->added, ==, 1);
  g_assert_cmpuint (report->failed, ==, 1);
  assert_problem (report, "cut.jpg", BW_IMPORT_PROBLEM_FAILED, "Premature end");
  g_assert_cmpint (bw_project_find_image_by_path (f->project, "imgs/cut.jpg"), ==, 0);
}

static void
test_duplicate_within (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(BwImportReport) report = NULL;

  write_jpeg (f, "a.jpg", 200, 150, 7);
  write_jpeg (f, "b-copy.jpg", 200, 150, 7);  /* same bytes */
  write_jpeg (f, "c.jpg", 200, 150, 8);

  report = import_folder (f);
  g_assert_cmpuint (report->added, ==, 2);
  g_assert_cmpuint (report->duplicates, ==, 1);
  /* the first in name order is kept, the copy names it */
  assert_problem (report, "b-copy.jpg", BW_IMPORT_PROBLEM_DUPLICATE, "a.jpg");
  g_assert_cmpint (bw_project_find_image_by_path (f->project, "imgs/a.jpg"), >, 0);
  g_assert_cmpint (bw_project_find_image_by_path (f->project, "imgs/b-copy.jpg"), ==, 0);
}

static void
test_reimport (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(BwImportReport) first = NULL;
  g_autoptr(BwImportReport) second = NULL;
  g_autoptr(BwImportReport) third = NULL;
  g_autofree char *elsewhere = g_build_filename (f->dir, "elsewhere", NULL);
  g_autofree char *moved = g_build_filename (elsewhere, "same-as-a.jpg", NULL);
  g_autoptr(GError) error = NULL;
  const char *paths[] = { elsewhere, NULL };

  write_jpeg (f, "a.jpg", 200, 150, 9);
  write_png (f, "b.png", 64, 64, 10);

  first = import_folder (f);
  g_assert_cmpuint (first->added, ==, 2);

  second = import_folder (f);
  g_assert_cmpuint (second->added, ==, 0);
  g_assert_cmpuint (second->duplicates, ==, 2);
  g_assert_cmpuint (second->failed, ==, 0);
  assert_problem (second, "a.jpg", BW_IMPORT_PROBLEM_DUPLICATE, "already in the project");
  g_assert_cmpint (count_images (f), ==, 2);

  /* the same content under another name is a duplicate too */
  g_assert_cmpint (g_mkdir (elsewhere, 0700), ==, 0);
  bw_test_write_jpeg (moved, 200, 150, 85, TJSAMP_420, 9, &error);
  g_assert_no_error (error);
  third = import_paths (f, paths, 0);
  g_assert_cmpuint (third->added, ==, 0);
  assert_problem (third, "same-as-a.jpg", BW_IMPORT_PROBLEM_DUPLICATE, "imgs/a.jpg");
  g_assert_cmpint (count_images (f), ==, 2);
}

static void
test_huge_header (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(BwImportReport) report = NULL;
  g_autoptr(BwImportReport) strict = NULL;
  g_autoptr(BwImportReport) lenient = NULL;
  g_autofree char *huge = image_path (f, "huge.jpg");
  g_autoptr(GError) error = NULL;
  g_autoptr(BwImporter) importer = NULL;
  const char *paths[] = { f->images, NULL };

  bw_test_write_huge_header_jpeg (huge, 60000, 60000, &error);
  g_assert_no_error (error);
  write_jpeg (f, "normal.jpg", 640, 480, 11);

  report = import_folder (f);
  g_assert_cmpuint (report->added, ==, 1);
  g_assert_cmpuint (report->failed, ==, 1);
  assert_problem (report, "huge.jpg", BW_IMPORT_PROBLEM_FAILED, "60000 × 60000");

  /* The limit comes from the project setting… */
  g_assert_true (bw_project_set_setting (f->project, BW_IMPORT_SETTING_MAX_MEGAPIXELS, "0.2", &error));
  g_assert_no_error (error);
  importer = bw_importer_new (f->project);
  g_assert_cmpfloat (bw_importer_get_max_megapixels (importer), ==, 0.2);
  write_jpeg (f, "medium.jpg", 640, 480, 12);   /* 0.31 megapixels */
  strict = import_folder (f);
  g_assert_cmpuint (strict->added, ==, 0);
  assert_problem (strict, "medium.jpg", BW_IMPORT_PROBLEM_FAILED, "limit of 0.2 megapixels");

  /* a setting that is not a number is ignored */
  {
    g_autoptr(BwImporter) other = bw_importer_new (f->project);

    g_assert_true (bw_project_set_setting (f->project, BW_IMPORT_SETTING_MAX_MEGAPIXELS, "lots", &error));
    g_assert_no_error (error);
    g_assert_cmpfloat (bw_importer_get_max_megapixels (other), ==, 250.0);
    g_assert_true (bw_project_set_setting (f->project, BW_IMPORT_SETTING_MAX_MEGAPIXELS, "0.2", &error));
    g_assert_no_error (error);
  }

  /* …unless the caller overrides it */
  lenient = import_paths (f, paths, 1.0);
  g_assert_cmpuint (lenient->added, ==, 1);
  g_assert_nonnull (find_problem (lenient, "huge.jpg"));
  g_assert_cmpint (bw_project_find_image_by_path (f->project, "imgs/medium.jpg"), >, 0);
}

static void
test_unsupported (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(BwImportReport) report = NULL;
  g_autoptr(BwImportReport) named = NULL;
  g_autofree char *fake = image_path (f, "shopping.jpg");
  g_autofree char *svg = image_path (f, "drawing.png");
  g_autofree char *text = g_build_filename (f->dir, "named.txt", NULL);
  g_autoptr(GError) error = NULL;
  const char *paths[] = { text, NULL };

  bw_test_write_not_an_image (fake, &error);
  g_assert_no_error (error);
  g_file_set_contents (svg, "<svg xmlns=\"http://www.w3.org/2000/svg\"/>", -1, &error);
  g_assert_no_error (error);
  write_jpeg (f, "real.jpg", 80, 60, 13);

  report = import_folder (f);
  g_assert_cmpuint (report->added, ==, 1);
  g_assert_cmpuint (report->failed, ==, 2);
  assert_problem (report, "shopping.jpg", BW_IMPORT_PROBLEM_FAILED, "not an image");
  assert_problem (report, "drawing.png", BW_IMPORT_PROBLEM_FAILED, "not an image");

  /* A file named on its own is tried, whatever its extension. */
  bw_test_write_not_an_image (text, &error);
  g_assert_no_error (error);
  named = import_paths (f, paths, 0);
  g_assert_cmpuint (named->failed, ==, 1);
  g_assert_cmpuint (named->skipped, ==, 0);
  assert_problem (named, "named.txt", BW_IMPORT_PROBLEM_FAILED, "not an image");
}

static void
test_unreadable (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(BwImportReport) report = NULL;
  g_autofree char *loop_a = g_build_filename (f->dir, "loop-a", NULL);
  g_autofree char *loop_b = g_build_filename (f->dir, "loop-b", NULL);
  g_autofree char *dangling = g_build_filename (f->dir, "gone", NULL);
  g_autofree char *missing = g_build_filename (f->dir, "no-such-folder", NULL);
  g_autofree char *fifo = image_path (f, "pipe.jpg");
  g_autofree char *locked = image_path (f, "locked");
  g_autofree char *locked_image = g_build_filename (locked, "inside.jpg", NULL);
  g_autofree char *back = image_path (f, "back-to-top");
  g_autoptr(GError) error = NULL;
  const char *paths[] = { loop_a, dangling, missing, f->images, NULL };

  /* What even root cannot read: a symlink loop, a link to nothing, a
   * path that does not exist, a FIFO where an image should be. */
  g_assert_cmpint (symlink (loop_b, loop_a), ==, 0);
  g_assert_cmpint (symlink (loop_a, loop_b), ==, 0);
  g_assert_cmpint (symlink ("/nonexistent/boxwood/folder", dangling), ==, 0);
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  /* A link back up the tree must not make the walk go round forever. */
  g_assert_cmpint (symlink (f->images, back), ==, 0);
  write_jpeg (f, "ok.jpg", 120, 90, 14);

  /* A folder without permissions: only unreadable when not root. */
  g_assert_cmpint (g_mkdir (locked, 0700), ==, 0);
  bw_test_write_jpeg (locked_image, 50, 50, 80, TJSAMP_420, 15, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (locked, 0), ==, 0);

  report = import_paths (f, paths, 0);

  g_assert_cmpint (g_chmod (locked, 0700), ==, 0);

  assert_problem (report, "loop-a", BW_IMPORT_PROBLEM_FAILED, "Too many levels of symbolic links");
  assert_problem (report, "gone", BW_IMPORT_PROBLEM_FAILED, "No such file");
  assert_problem (report, "no-such-folder", BW_IMPORT_PROBLEM_FAILED, "No such file");
  assert_problem (report, "pipe.jpg", BW_IMPORT_PROBLEM_FAILED, "not a regular file");
  g_assert_cmpint (bw_project_find_image_by_path (f->project, "imgs/ok.jpg"), >, 0);

  if (getuid () != 0)
    {
      assert_problem (report, "locked", BW_IMPORT_PROBLEM_FAILED, "Permission denied");
      g_assert_cmpuint (report->added, ==, 1);
      g_assert_cmpuint (report->failed, ==, 5);
    }
  else
    {
      /* root reads it regardless of the mode, and so imports it */
      g_assert_cmpint (bw_project_find_image_by_path (f->project, "imgs/locked/inside.jpg"), >, 0);
      g_assert_cmpuint (report->added, ==, 2);
      g_assert_cmpuint (report->failed, ==, 4);
    }
  g_assert_cmpint (count_images (f), ==, report->added);
}

static void
test_relative_paths (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(BwImportReport) report = NULL;
  g_autofree char *sub = image_path (f, "sub");
  g_autofree char *outside_dir = NULL;
  g_autofree char *outside = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *outside_name = NULL;
  g_autofree char *resolved = NULL;
  g_autofree char *deep = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BwImage) image = NULL;
  const char *paths[2] = { NULL, NULL };

  outside_dir = g_dir_make_tmp ("bw-test-import-outside-XXXXXX", &error);
  g_assert_no_error (error);
  outside = g_build_filename (outside_dir, "far.jpg", NULL);
  bw_test_write_jpeg (outside, 90, 70, 85, TJSAMP_420, 16, &error);
  g_assert_no_error (error);

  g_assert_cmpint (g_mkdir (sub, 0700), ==, 0);
  deep = g_build_filename (sub, "deep.png", NULL);
  bw_test_write_png (deep, 30, 20, 17, &error);
  g_assert_no_error (error);

  paths[0] = f->images;
  report = import_paths (f, paths, 0);
  g_assert_cmpuint (report->added, ==, 1);
  g_assert_cmpint (bw_project_find_image_by_path (f->project, "imgs/sub/deep.png"), >, 0);
  g_clear_pointer (&report, bw_import_report_free);

  /* A file beside the project's folder is stored as ../… */
  paths[0] = outside;
  report = import_paths (f, paths, 0);
  g_assert_cmpuint (report->added, ==, 1);
  outside_name = g_path_get_basename (outside_dir);
  expected = g_build_filename ("..", outside_name, "far.jpg", NULL);
  image = find_image (f, expected);
  resolved = bw_project_resolve_image_path (f->project, image->path);
  g_assert_cmpstr (resolved, ==, outside);

  bw_test_remove_tree (outside_dir);
}

typedef struct
{
  GCancellable *cancellable;
  guint         cancel_at;
  guint         calls;
  guint         last_done;
  guint         total;
  GThread      *thread;
} ProgressLog;

static void
progress_cb (guint    done,
             guint    total,
             gpointer user_data)
{
  ProgressLog *log = user_data;

  g_assert_true (g_thread_self () == log->thread);
  g_assert_cmpuint (done, >=, log->last_done);
  g_assert_cmpuint (done, <=, total);
  log->calls++;
  log->last_done = done;
  log->total = total;

  if (log->cancellable != NULL && done >= log->cancel_at)
    g_cancellable_cancel (log->cancellable);
}

static void
write_many (Fixture *f,
            guint    n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("many-%04u.jpg", i);

      write_jpeg (f, name, 48, 32, 1000 + i);
    }
}

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(BwImporter) importer = bw_importer_new (f->project);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(BwImportReport) report = NULL;
  g_autoptr(BwImportReport) rest = NULL;
  g_autoptr(GError) error = NULL;
  ProgressLog log = { cancellable, 300, 0, 0, 0, g_thread_self () };
  const char *paths[] = { f->images, NULL };

  write_many (f, 400);

  bw_importer_set_progress_func (importer, progress_cb, &log, NULL);
  report = bw_importer_run (importer, paths, cancellable, &error);
  g_assert_no_error (error);

  /* What was checked before the cancel is kept (more than one batch),
   * the rest is not touched, and the report says so. */
  g_assert_true (report->cancelled);
  g_assert_cmpuint (report->added, >=, 300);
  g_assert_cmpuint (report->added, <, 400);
  g_assert_cmpuint (log.total, ==, 400);
  g_assert_cmpint (count_images (f), ==, report->added);

  /* Importing again completes the job without duplicating anything. */
  bw_importer_set_progress_func (importer, NULL, NULL, NULL);
  rest = bw_importer_run (importer, paths, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (rest->cancelled);
  g_assert_cmpuint (rest->added, ==, 400 - report->added);
  g_assert_cmpuint (rest->duplicates, ==, report->added);
  g_assert_cmpint (count_images (f), ==, 400);
}

typedef struct
{
  GMainLoop      *loop;
  BwImportReport *report;
  GError         *error;
} AsyncResult;

static void
async_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  AsyncResult *async = user_data;

  async->report = bw_importer_run_finish (BW_IMPORTER (object), result, &async->error);
  g_main_loop_quit (async->loop);
}

static void
test_async (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(BwImporter) importer = bw_importer_new (f->project);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  AsyncResult async = { loop, NULL, NULL };
  ProgressLog log = { NULL, 0, 0, 0, 0, g_thread_self () };
  const char *paths[] = { f->images, NULL };
  g_autofree char *rotated = image_path (f, "rotated.jpg");
  g_autoptr(GError) error = NULL;
  g_autoptr(BwImage) image = NULL;

  write_many (f, 40);
  bw_test_write_exif_jpeg (rotated, 60, 40, 6, &error);
  g_assert_no_error (error);

  /* progress comes on this thread's main context, not a worker's */
  bw_importer_set_progress_func (importer, progress_cb, &log, NULL);
  bw_importer_run_async (importer, paths, NULL, async_done_cb, &async);
  g_main_loop_run (loop);

  g_assert_no_error (async.error);
  g_assert_nonnull (async.report);
  g_assert_cmpuint (async.report->added, ==, 41);
  g_assert_cmpuint (log.total, ==, 41);
  g_assert_cmpuint (log.calls, >, 0);

  /* a rotated image goes in as stored, with a note */
  assert_problem (async.report, "rotated.jpg", BW_IMPORT_PROBLEM_NOTE, "EXIF orientation 6");
  image = find_image (f, "imgs/rotated.jpg");
  g_assert_cmpint (image->orientation, ==, 6);
  g_assert_cmpint (image->width, ==, 60);
  g_assert_cmpint (image->height, ==, 40);

  bw_import_report_free (async.report);

  /* The task's thread lets go of the importer (and so of the project)
   * a moment after the result arrives: wait for it, without leaking. */
  {
    BwImporter *weak = importer;
    gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

    g_object_add_weak_pointer (G_OBJECT (weak), (gpointer *) &weak);
    g_clear_object (&importer);
    while (weak != NULL && g_get_monotonic_time () < deadline)
      {
        g_main_context_iteration (NULL, FALSE);
        g_usleep (1000);
      }
    g_assert_null (weak);
  }
}

/* Locate… used to accept any file for a missing image. */
static void
test_relocate_checks (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(BwImportReport) report = NULL;
  g_autoptr(BwImage) image = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *original = image_path (f, "a.jpg");
  g_autofree char *stored = NULL;
  g_autofree char *moved = g_build_filename (f->dir, "moved-a.jpg", NULL);
  g_autofree char *other_size = image_path (f, "wide.jpg");
  g_autofree char *other_bytes = image_path (f, "other.jpg");
  g_autofree char *same_size = g_build_filename (f->dir, "touched.jpg", NULL);
  g_autofree char *contents = NULL;
  gsize length;
  gint64 id;

  write_jpeg (f, "a.jpg", 64, 48, 1);
  report = import_folder (f);
  stored = bw_project_make_image_path (f->project, original);
  id = bw_project_find_image_by_path (f->project, stored);
  g_assert_cmpint (id, >, 0);

  write_jpeg (f, "wide.jpg", 80, 48, 1);
  write_jpeg (f, "other.jpg", 64, 48, 2);
  g_assert_true (g_file_get_contents (original, &contents, &length, NULL));
  /* The same bytes but one, deep in the compressed data. */
  g_assert_true (g_file_set_contents (moved, contents, length, NULL));
  contents[length - 40] ^= 0x5a;
  g_assert_true (g_file_set_contents (same_size, contents, length, NULL));

  g_assert_false (bw_project_relocate_image (f->project, id, other_size, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "“wide.jpg”"));
  g_assert_nonnull (strstr (error->message, "80 × 48"));
  g_assert_nonnull (strstr (error->message, "64 × 48"));
  g_clear_error (&error);

  g_assert_false (bw_project_relocate_image (f->project, id, other_bytes, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "“other.jpg”"));
  g_assert_nonnull (strstr (error->message, "bytes"));
  g_clear_error (&error);

  g_assert_false (bw_project_relocate_image (f->project, id, same_size, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "“touched.jpg”"));
  g_assert_nonnull (strstr (error->message, "SHA-256"));
  g_clear_error (&error);

  /* Nothing was changed by the refusals; the moved original is taken. */
  image = bw_project_get_image (f->project, id, &error);
  g_assert_cmpstr (image->path, ==, stored);
  g_clear_pointer (&image, bw_image_free);
  g_assert_true (bw_project_relocate_image (f->project, id, moved, &error));
  g_assert_no_error (error);
  image = bw_project_get_image (f->project, id, &error);
  g_assert_cmpstr (image->path, !=, stored);
  g_assert_true (g_str_has_suffix (image->path, "moved-a.jpg"));
}

/* Eight small files that inflate to 9 MB each, under a decode budget
 * that holds one of them: the workers take turns (never more than the
 * budget at once) and every file is imported; under a budget smaller than
 * one of them, each is refused with a message that says why. A file of
 * 2 GiB of zeros named .jpg is refused after its first bytes. */
static void
test_memory_budget (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(BwImportReport) report = NULL;
  g_autoptr(BwImportReport) refused = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *zeros = image_path (f, "zeros.jpg");
  g_autofree char *other = g_build_filename (f->dir, "other", NULL);
  const char *paths[] = { other, NULL };

  for (guint i = 0; i < 8; i++)
    {
      g_autofree char *name = g_strdup_printf ("bomb-%u.png", i);
      g_autofree char *path = image_path (f, name);

      bw_test_write_png_bomb (path, 1500 + (int) i, 1500, &error);
      g_assert_no_error (error);
    }
  bw_test_write_sparse_file (zeros, NULL, 0, BW_IMAGE_MAX_FILE_SIZE, &error);
  g_assert_no_error (error);

  bw_image_set_memory_budget (12 * 1024 * 1024);
  bw_image_reset_memory_peak ();
  bw_test_peak_rss_since_last ();
  report = import_folder (f);
  g_assert_cmpuint (report->added, ==, 8);
  g_assert_cmpuint (report->failed, ==, 1);
  assert_problem (report, "zeros.jpg", BW_IMPORT_PROBLEM_FAILED, "not an image");
  g_assert_cmpuint (bw_image_get_memory_peak (), <=, 12 * 1024 * 1024);
  g_assert_cmpuint (bw_image_get_memory_peak (), >=, 1500 * 1500 * 4);
  g_assert_cmpuint (bw_image_get_memory_in_use (), ==, 0);
  {
    gint64 peak = bw_test_peak_rss_since_last ();

    /* not 2 GiB of zeros, nor eight decodes at once */
    if (peak >= 0)
      g_assert_cmpint (peak, <, 256 * 1024 * 1024);
  }

  g_assert_cmpint (g_mkdir (other, 0700), ==, 0);
  {
    g_autofree char *path = g_build_filename (other, "bomb.png", NULL);

    bw_test_write_png_bomb (path, 1600, 1600, &error);
    g_assert_no_error (error);
  }
  bw_image_set_memory_budget (4 * 1024 * 1024);
  refused = import_paths (f, paths, 0);
  g_assert_cmpuint (refused->added, ==, 0);
  g_assert_cmpuint (refused->failed, ==, 1);
  assert_problem (refused, "bomb.png", BW_IMPORT_PROBLEM_FAILED, "memory");

  bw_image_set_memory_budget (0);
}

/* A file whose name is not UTF-8 (Latin-1 "café.png") is refused at
 * import, named with its bad byte escaped, rather than stored under a name
 * that an export would write with U+FFFD: a path that is not the file's. */
static void
test_non_utf8_name (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *bad = image_path (f, "caf\xe9.png");
  g_autoptr(BwImportReport) report = NULL;
  g_autoptr(BwImportReport) named = NULL;
  g_autoptr(GError) error = NULL;
  const char *paths[] = { bad, NULL };
  const BwImportProblem *problem;

  write_png (f, "good.png", 40, 30, 1);
  bw_test_write_png (bad, 40, 30, 2, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_test (bad, G_FILE_TEST_IS_REGULAR));

  report = import_folder (f);
  g_assert_cmpuint (report->added, ==, 1);
  g_assert_cmpuint (report->failed, ==, 1);
  assert_problem (report, "caf\\xE9.png", BW_IMPORT_PROBLEM_FAILED, "UTF-8");
  problem = find_problem (report, "caf\\xE9.png");
  g_assert_true (g_utf8_validate (problem->reason, -1, NULL));
  g_assert_true (g_utf8_validate (problem->path, -1, NULL));
  g_assert_cmpint (count_images (f), ==, 1);

  /* named on its own, the same */
  named = import_paths (f, paths, 0);
  g_assert_cmpuint (named->added, ==, 0);
  g_assert_cmpuint (named->failed, ==, 1);
  g_assert_cmpint (count_images (f), ==, 1);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/core/import/good", test_good);
  ADD ("/core/import/corrupt", test_corrupt);
  ADD ("/core/import/truncated", test_truncated);
  ADD ("/core/import/duplicate-within-import", test_duplicate_within);
  ADD ("/core/import/duplicate-on-reimport", test_reimport);
  ADD ("/core/import/huge-header", test_huge_header);
  ADD ("/core/import/unsupported", test_unsupported);
  ADD ("/core/import/unreadable", test_unreadable);
  ADD ("/core/import/relative-paths", test_relative_paths);
  ADD ("/core/import/cancel", test_cancel);
  ADD ("/core/import/async", test_async);
  ADD ("/core/import/relocate-checks-the-file", test_relocate_checks);
  ADD ("/core/import/memory-budget", test_memory_budget);
  ADD ("/core/import/non-utf8-name", test_non_utf8_name);

#undef ADD

  return g_test_run ();
}
