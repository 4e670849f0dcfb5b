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

/* Channels of a thumbnail's pixel, premultiplied alpha undone. */
static void
pixel_at (GdkTexture *texture,
          int         x,
          int         y,
          guint8     *rgb)
{
  int width = gdk_texture_get_width (texture);
  int height = gdk_texture_get_height (texture);
  g_autofree guint8 *data = g_malloc ((gsize) width * height * 4);
  const guint8 *p;

  /* gdk_texture_download(): cairo's ARGB32, in native byte order. */
  gdk_texture_download (texture, data, (gsize) width * 4);
  p = data + ((gsize) y * width + x) * 4;
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
  rgb[0] = p[2];
  rgb[1] = p[1];
  rgb[2] = p[0];
#else
  rgb[0] = p[1];
  rgb[1] = p[2];
  rgb[2] = p[3];
#endif
}

/* A guideline example's thumbnail: the region around its shape (a
 * quarter of its size on each side), the shape drawn over it in its
 * category's colour. */
static void
test_example (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "example.png", NULL);
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 400, 300);
  g_autoptr(BwShape) shape = bw_shape_new_box (150, 100, 250, 200);
  BwThumbnailer *thumbnailer = bw_thumbnailer_new (64, 16);
  BwCategory category = { 7, (char *) "car", NULL, (char *) "#0000ff", NULL, NULL, 0 };
  Result r = { 0 }, again = { 0 };
  GError *error = NULL;
  guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  guint8 rgb[3];
  double k = 64.0 / 150;        /* the region is 150 × 150 image pixels */
  int edge;

  /* Grey, with a yellow block where the shape is. */
  for (int y = 0; y < 300; y++)
    for (int x = 0; x < 400; x++)
      {
        guint8 *p = pixels + y * stride + x * 3;
        gboolean inside = x >= 150 && x < 250 && y >= 100 && y < 200;

        p[0] = inside ? 250 : 128;
        p[1] = inside ? 220 : 128;
        p[2] = inside ? 20 : 128;
      }
  g_assert_true (gdk_pixbuf_save (pixbuf, path, "png", &error, NULL));
  g_assert_no_error (error);

  bw_thumbnailer_load_example_async (thumbnailer, path, shape, &category, NULL, loaded_cb, &r);
  g_assert_false (r.done);
  wait_for (&r);
  g_assert_no_error (r.error);
  g_assert_cmpint (gdk_texture_get_width (r.texture), ==, 64);
  g_assert_cmpint (gdk_texture_get_height (r.texture), ==, 64);

  /* The block in the middle, the grey around it, the shape's outline
   * (blue) on the block's edge. */
  pixel_at (r.texture, 32, 32, rgb);
  g_assert_cmpint (rgb[0], >, 180);
  g_assert_cmpint (rgb[2], <, 120);
  pixel_at (r.texture, 2, 2, rgb);
  g_assert_cmpint (ABS (rgb[0] - 128), <, 12);
  g_assert_cmpint (ABS (rgb[2] - 128), <, 12);
  edge = (int) ((150 - 125) * k);
  {
    gboolean outlined = FALSE;

    for (int x = edge - 2; x <= edge + 2; x++)
      {
        pixel_at (r.texture, x, 32, rgb);
        outlined = outlined || (rgb[2] > 150 && rgb[0] < 120);
      }
    g_assert_true (outlined);
  }

  /* Cached by image, shape and colour. */
  bw_thumbnailer_load_example_async (thumbnailer, path, shape, &category, NULL, loaded_cb, &again);
  wait_for (&again);
  g_assert_true (again.texture == r.texture);
  g_assert_null (bw_thumbnailer_lookup (thumbnailer, path));

  g_object_unref (r.texture);
  g_object_unref (again.texture);
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
  g_test_add_func ("/ui/thumbnailer/example", test_example);

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
