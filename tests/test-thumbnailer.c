/* test-thumbnailer.c — thumbnails off the UI thread, cached, cancellable
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-thumbnailer"

#include "config.h"

#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "bw-test-images.h"
#include "bw-thumbnailer.h"

static char *tmpdir;

typedef struct
{
  GdkTexture *texture;
  GError     *error;
  gboolean    done;
} Result;

static void
loaded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Result *r = user_data;

  r->texture = bw_thumbnailer_load_finish (BW_THUMBNAILER (source), result, &r->error);
  r->done = TRUE;
}

static void
wait_for (Result *r)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (!r->done)
    {
      g_main_context_iteration (NULL, TRUE);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    }
}

static void
test_make_and_cache (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "photo.jpg", NULL);
  BwThumbnailer *thumbnailer = bw_thumbnailer_new (48, 16);
  Result r = { 0 };
  GError *error = NULL;

  g_assert_true (bw_test_write_jpeg (path, 1600, 800, 90, 2, 1, &error));
  g_assert_no_error (error);

  g_assert_null (bw_thumbnailer_lookup (thumbnailer, path));
  bw_thumbnailer_load_async (thumbnailer, path, NULL, loaded_cb, &r);
  /* Made on another thread: not there yet. */
  g_assert_false (r.done);
  wait_for (&r);
  g_assert_no_error (r.error);
  g_assert_nonnull (r.texture);
  /* Fits in 48 × 48 and keeps the 2:1 aspect. */
  g_assert_cmpint (gdk_texture_get_width (r.texture), ==, 48);
  g_assert_cmpint (gdk_texture_get_height (r.texture), ==, 24);
  g_assert_true (bw_thumbnailer_lookup (thumbnailer, path) == r.texture);
  g_object_unref (r.texture);

  g_assert_finalize_object (thumbnailer);
}

static void
test_cancel_and_errors (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "other.jpg", NULL);
  g_autofree char *missing = g_build_filename (tmpdir, "missing.jpg", NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  BwThumbnailer *thumbnailer = bw_thumbnailer_new (48, 16);
  Result cancelled = { 0 }, failed = { 0 };

  g_assert_true (bw_test_write_jpeg (path, 640, 480, 90, 2, 2, NULL));

  g_cancellable_cancel (cancellable);
  bw_thumbnailer_load_async (thumbnailer, path, cancellable, loaded_cb, &cancelled);
  wait_for (&cancelled);
  g_assert_error (cancelled.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (bw_thumbnailer_lookup (thumbnailer, path));

  bw_thumbnailer_load_async (thumbnailer, missing, NULL, loaded_cb, &failed);
  wait_for (&failed);
  g_assert_nonnull (failed.error);
  g_assert_nonnull (strstr (failed.error->message, "missing.jpg"));

  g_clear_error (&cancelled.error);
  g_clear_error (&failed.error);
  g_assert_finalize_object (thumbnailer);
}

/* The cache keeps the most recently used ones. */
static void
test_lru (void)
{
  BwThumbnailer *thumbnailer = bw_thumbnailer_new (16, 16);
  char *paths[20];

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autofree char *name = g_strdup_printf ("lru-%u.jpg", i);
      Result r = { 0 };

      paths[i] = g_build_filename (tmpdir, name, NULL);
      g_assert_true (bw_test_write_jpeg (paths[i], 32, 32, 90, 2, i, NULL));
      bw_thumbnailer_load_async (thumbnailer, paths[i], NULL, loaded_cb, &r);
      wait_for (&r);
      g_assert_no_error (r.error);
      g_object_unref (r.texture);

      /* Keep the first one in use. */
      g_assert_nonnull (bw_thumbnailer_lookup (thumbnailer, paths[0]));
    }

  g_assert_nonnull (bw_thumbnailer_lookup (thumbnailer, paths[0]));
  g_assert_null (bw_thumbnailer_lookup (thumbnailer, paths[1]));
  g_assert_nonnull (bw_thumbnailer_lookup (thumbnailer, paths[19]));

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_unlink (paths[i]);
      g_free (paths[i]);
    }
  g_assert_finalize_object (thumbnailer);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

  gtk_test_init (&argc, &argv, NULL);

  tmpdir = g_dir_make_tmp ("test-thumbnailer-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/ui/thumbnailer/make-and-cache", test_make_and_cache);
  g_test_add_func ("/ui/thumbnailer/cancel-and-errors", test_cancel_and_errors);
  g_test_add_func ("/ui/thumbnailer/lru", test_lru);

  ret = g_test_run ();

  {
    g_autoptr(GDir) dir = g_dir_open (tmpdir, 0, NULL);
    const char *name;

    while (dir && (name = g_dir_read_name (dir)))
      {
        g_autofree char *p = g_build_filename (tmpdir, name, NULL);
        g_unlink (p);
      }
    g_rmdir (tmpdir);
  }
  g_free (tmpdir);

  return ret;
}
