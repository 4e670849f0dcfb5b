/* test-decoder.c — image headers, pixels, limits and damaged files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>
#include <turbojpeg.h>

#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bw-image-decoder.h"
#include "bw-test-images.h"

#if defined(__SANITIZE_ADDRESS__)
# define UNDER_ASAN 1
#elif defined(__has_feature)
# if __has_feature(address_sanitizer)
#  define UNDER_ASAN 1
# endif
#endif

typedef struct
{
  char *dir;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("bw-test-decoder-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  bw_test_remove_tree (f->dir);
  g_free (f->dir);
}

static char *
fixture_path (Fixture    *f,
              const char *name)
{
  return g_build_filename (f->dir, name, NULL);
}

static void
test_probe_jpeg (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *path = fixture_path (f, "a.jpg");
  g_autoptr(GError) error = NULL;
  BwImageInfo info;

  bw_test_write_jpeg (path, 641, 479, 90, TJSAMP_420, 1, &error);
  g_assert_no_error (error);

  g_assert_true (bw_image_probe (path, &info, &error));
  g_assert_no_error (error);
  g_assert_cmpint (info.format, ==, BW_IMAGE_FORMAT_JPEG);
  g_assert_cmpint (info.width, ==, 641);
  g_assert_cmpint (info.height, ==, 479);
  g_assert_cmpint (info.orientation, ==, 1);
}

static void
test_probe_png (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *path = fixture_path (f, "a.png");
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  BwImageInfo info;
  const guint8 *raw;
  gsize size;

  bw_test_write_png (path, 333, 111, 1, &error);
  g_assert_no_error (error);

  g_assert_true (bw_image_probe (path, &info, &error));
  g_assert_no_error (error);
  g_assert_cmpint (info.format, ==, BW_IMAGE_FORMAT_PNG);
  g_assert_cmpint (info.width, ==, 333);
  g_assert_cmpint (info.height, ==, 111);

  /* The same from memory */
  bytes = bw_image_read_file (path, NULL, &error);
  g_assert_no_error (error);
  raw = g_bytes_get_data (bytes, &size);
  g_assert_true (bw_image_probe_data (raw, size, path, &info, &error));
  g_assert_no_error (error);
  g_assert_cmpint (info.format, ==, BW_IMAGE_FORMAT_PNG);
  g_assert_cmpint (info.width, ==, 333);
  g_assert_cmpint (info.height, ==, 111);
}

static void
test_exif_orientation (Fixture       *f,
                       gconstpointer  data)
{
  for (int orientation = 1; orientation <= 8; orientation++)
    {
      g_autofree char *name = g_strdup_printf ("o%d.jpg", orientation);
      g_autofree char *path = fixture_path (f, name);
      g_autoptr(GError) error = NULL;
      g_autoptr(BwPixels) pixels = NULL;
      BwImageInfo info;

      bw_test_write_exif_jpeg (path, 40, 30, orientation, &error);
      g_assert_no_error (error);

      g_assert_true (bw_image_probe (path, &info, &error));
      g_assert_no_error (error);
      g_assert_cmpint (info.orientation, ==, orientation);
      g_assert_cmpint (info.width, ==, 40);
      g_assert_cmpint (info.height, ==, 30);

      /* Pixels stay as stored: a rotated image is not turned. */
      pixels = bw_image_decode (path, 1, 0, &info, &error);
      g_assert_no_error (error);
      g_assert_cmpint (pixels->width, ==, 40);
      g_assert_cmpint (pixels->height, ==, 30);
      g_assert_cmpint (info.orientation, ==, orientation);
    }
}

static void
test_scaled_sizes (Fixture       *f,
                   gconstpointer  data)
{
  static const int sizes[][2] = {
    { 640, 480 }, { 641, 479 }, { 1, 1 }, { 7, 9 }, { 17, 3 }, { 100, 1 },
  };
  static const guint denominators[] = { 1, 2, 4, 8 };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      int w = sizes[i][0];
      int h = sizes[i][1];
      g_autofree char *jpg = g_strdup_printf ("%s/s%u.jpg", f->dir, i);
      g_autofree char *png = g_strdup_printf ("%s/s%u.png", f->dir, i);
      g_autoptr(GError) error = NULL;

      bw_test_write_jpeg (jpg, w, h, 90, TJSAMP_420, i, &error);
      g_assert_no_error (error);
      bw_test_write_png (png, w, h, i, &error);
      g_assert_no_error (error);

      for (guint d = 0; d < G_N_ELEMENTS (denominators); d++)
        {
          const char *paths[] = { jpg, png };
          guint den = denominators[d];

          for (guint p = 0; p < G_N_ELEMENTS (paths); p++)
            {
              g_autoptr(BwPixels) pixels = NULL;
              BwImageInfo info;

              pixels = bw_image_decode (paths[p], den, 0, &info, &error);
              g_assert_no_error (error);
              g_assert_nonnull (pixels);
              /* the full size in info, the scaled size in pixels */
              g_assert_cmpint (info.width, ==, w);
              g_assert_cmpint (info.height, ==, h);
              g_assert_cmpint (pixels->width, ==, (w + den - 1) / den);
              g_assert_cmpint (pixels->height, ==, (h + den - 1) / den);
              g_assert_cmpuint (pixels->stride, ==, (gsize) pixels->width * 4);
              g_assert_cmpuint (g_bytes_get_size (pixels->bytes), ==,
                                pixels->stride * pixels->height);
            }
        }
    }

  {
    g_autofree char *jpg = fixture_path (f, "s0.jpg");
    g_autoptr(GError) error = NULL;
    g_autoptr(BwPixels) pixels = bw_image_decode (jpg, 3, 0, NULL, &error);

    g_assert_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_UNSUPPORTED);
    g_assert_null (pixels);
  }
}

static void
assert_pattern (const BwPixels *pixels,
                guint           variant,
                int             tolerance)
{
  const guint8 *data = bw_pixels_get_data (pixels);
  int worst = 0;

  for (int y = 0; y < pixels->height; y++)
    for (int x = 0; x < pixels->width; x++)
      {
        const guint8 *p = data + (gsize) y * pixels->stride + (gsize) x * 4;
        guint8 rgb[3];

        bw_test_pattern_rgb (x, y, pixels->width, pixels->height, variant, rgb);
        /* memory order B, G, R, A */
        worst = MAX (worst, ABS ((int) p[2] - rgb[0]));
        worst = MAX (worst, ABS ((int) p[1] - rgb[1]));
        worst = MAX (worst, ABS ((int) p[0] - rgb[2]));
        g_assert_cmpint (p[3], ==, 255);
      }

  g_assert_cmpint (worst, <=, tolerance);
}

static void
test_pixel_values (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *jpg = fixture_path (f, "p.jpg");
  g_autofree char *png = fixture_path (f, "p.png");
  g_autoptr(GError) error = NULL;
  g_autoptr(BwPixels) from_jpeg = NULL;
  g_autoptr(BwPixels) from_png = NULL;
  g_autoptr(BwPixels) copy = NULL;

  bw_test_write_jpeg (jpg, 96, 64, 100, TJSAMP_444, 4, &error);
  g_assert_no_error (error);
  bw_test_write_png (png, 96, 64, 4, &error);
  g_assert_no_error (error);

  from_jpeg = bw_image_decode (jpg, 1, 0, NULL, &error);
  g_assert_no_error (error);
  assert_pattern (from_jpeg, 4, 6);

  from_png = bw_image_decode (png, 1, 0, NULL, &error);
  g_assert_no_error (error);
  assert_pattern (from_png, 4, 0);  /* lossless */

  copy = bw_pixels_copy (from_png);
  g_assert_true (bw_pixels_get_data (copy) == bw_pixels_get_data (from_png));
}

static void
test_limit (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *jpg = fixture_path (f, "l.jpg");
  g_autofree char *png = fixture_path (f, "l.png");
  const char *paths[] = { jpg, png };
  g_autoptr(GError) error = NULL;

  bw_test_write_jpeg (jpg, 1000, 500, 80, TJSAMP_420, 0, &error);
  g_assert_no_error (error);
  bw_test_write_png (png, 1000, 500, 0, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(BwPixels) refused = NULL;
      g_autoptr(BwPixels) scaled_refused = NULL;
      g_autoptr(BwPixels) accepted = NULL;
      g_autoptr(GError) local_error = NULL;

      refused = bw_image_decode (paths[i], 1, 499999, NULL, &local_error);
      g_assert_error (local_error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_TOO_LARGE);
      g_assert_nonnull (strstr (local_error->message, paths[i]));
      g_assert_null (refused);
      g_clear_error (&local_error);

      /* the limit is on the image, not on the scaled result */
      scaled_refused = bw_image_decode (paths[i], 8, 499999, NULL, &local_error);
      g_assert_error (local_error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_TOO_LARGE);
      g_clear_error (&local_error);

      accepted = bw_image_decode (paths[i], 1, 500000, NULL, &local_error);
      g_assert_no_error (local_error);
      g_assert_cmpint (accepted->width, ==, 1000);
    }
}

static void
test_truncated (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *path = fixture_path (f, "t.jpg");
  g_autoptr(GError) error = NULL;
  g_autoptr(BwPixels) full = NULL;
  g_autoptr(BwPixels) scaled = NULL;
  BwImageInfo info;

  bw_test_write_truncated_jpeg (path, 400, 300, 0.6, &error);
  g_assert_no_error (error);

  /* The header is intact, so probing alone cannot tell… */
  g_assert_true (bw_image_probe (path, &info, &error));
  g_assert_no_error (error);
  g_assert_cmpint (info.width, ==, 400);

  /* …but every decode, scaled or not, refuses the missing data. */
  full = bw_image_decode (path, 1, 0, NULL, &error);
  g_assert_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "t.jpg"));
  g_assert_null (full);
  g_clear_error (&error);

  scaled = bw_image_decode (path, 8, 0, NULL, &error);
  g_assert_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_CORRUPT);
  g_assert_null (scaled);
}

/* Stray bytes between two segments, as some cameras write them: libjpeg
 * warns ("extraneous bytes before marker") and decodes every pixel, so
 * Boxwood must accept the file with the same pixels as the clean one. */
static void
test_extraneous_bytes (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GBytes) clean = bw_test_jpeg_new (320, 240, 90, TJSAMP_420, 3);
  g_autoptr(GByteArray) padded = g_byte_array_new ();
  g_autoptr(BwPixels) expected = NULL;
  g_autoptr(BwPixels) got = NULL;
  g_autoptr(GError) error = NULL;
  const guint8 *bytes;
  const guint8 junk[] = { 0x00, 0x17, 0x42 };
  gsize size, sos = 0;

  bytes = g_bytes_get_data (clean, &size);
  /* Before the start of scan (FF DA), where a marker is expected. */
  for (gsize i = 2; i + 1 < size && sos == 0; i++)
    if (bytes[i] == 0xff && bytes[i + 1] == 0xda)
      sos = i;
  g_assert_cmpuint (sos, >, 0);

  g_byte_array_append (padded, bytes, sos);
  g_byte_array_append (padded, junk, sizeof junk);
  g_byte_array_append (padded, bytes + sos, size - sos);

  expected = bw_image_decode_data (bytes, size, "clean.jpg", 1, 0, NULL, &error);
  g_assert_no_error (error);
  got = bw_image_decode_data (padded->data, padded->len, "padded.jpg", 1, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (got);
  g_assert_cmpint (got->width, ==, 320);
  g_assert_true (g_bytes_equal (got->bytes, expected->bytes));
}

static void
test_truncated_png (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *path = fixture_path (f, "t.png");
  g_autofree char *cut = fixture_path (f, "cut.png");
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BwPixels) pixels = NULL;
  gsize size;

  bw_test_write_png (path, 300, 200, 2, &error);
  g_assert_no_error (error);
  g_file_get_contents (path, &contents, &size, &error);
  g_assert_no_error (error);
  g_file_set_contents (cut, contents, (gssize) (size / 2), &error);
  g_assert_no_error (error);

  pixels = bw_image_decode (cut, 8, 0, NULL, &error);
  g_assert_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_CORRUPT);
  g_assert_null (pixels);
}

static void
decode_huge_header_child (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwPixels) pixels = NULL;
#ifndef UNDER_ASAN
  /* 512 MiB of data segment: a decoder that allocated for the claimed
   * 60000 × 60000 (14.4 GB of pixels) before refusing would fail here with
   * "not enough memory" instead of the limit. */
  struct rlimit limit = { 512u << 20, 512u << 20 };

  g_assert_cmpint (setrlimit (RLIMIT_DATA, &limit), ==, 0);
#endif

  pixels = bw_image_decode (path, 1, 0, NULL, &error);
  g_assert_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_TOO_LARGE);
  g_assert_null (pixels);
  g_assert_nonnull (strstr (error->message, "60000 × 60000"));
  g_assert_nonnull (strstr (error->message, "limit of 250 megapixels"));
  g_clear_error (&error);

  /* The limit is on the image, so a 1/8 decode (56 MB of pixels) of it
   * is refused as well. */
  pixels = bw_image_decode (path, 8, 0, NULL, &error);
  g_assert_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_TOO_LARGE);
}

static void
test_huge_header (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *path = fixture_path (f, "huge.jpg");
  g_autoptr(GError) error = NULL;
  BwImageInfo info;

  bw_test_write_huge_header_jpeg (path, 60000, 60000, &error);
  g_assert_no_error (error);

  g_assert_true (bw_image_probe (path, &info, &error));
  g_assert_no_error (error);
  g_assert_cmpint (info.width, ==, 60000);
  g_assert_cmpint (info.height, ==, 60000);
  g_assert_false (bw_image_check_size (&info, 0, path, &error));
  g_assert_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_TOO_LARGE);

  if (g_test_subprocess ())
    {
      decode_huge_header_child (path);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

static void
test_unsupported (Fixture       *f,
                  gconstpointer  data)
{
  /* text, an SVG (gdk-pixbuf could load it: it must never be asked)
   * and an ICO header, all under image names */
  static const struct {
    const char *name;
    const char *contents;
    gssize      size;
  } files[] = {
    { "list.jpg", "Eggs\nMilk\n", 10 },
    { "vector.png", "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>", -1 },
    { "icon.bmp", "\0\0\1\0\1\0\20\20\0\0\1\0\40\0", 14 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = fixture_path (f, files[i].name);
      g_autoptr(GError) error = NULL;
      g_autoptr(BwPixels) pixels = NULL;
      BwImageInfo info;

      g_file_set_contents (path, files[i].contents, files[i].size, &error);
      g_assert_no_error (error);

      g_assert_false (bw_image_probe (path, &info, &error));
      g_assert_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_UNSUPPORTED);
      g_assert_nonnull (strstr (error->message, files[i].name));
      g_clear_error (&error);

      pixels = bw_image_decode (path, 1, 0, NULL, &error);
      g_assert_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_UNSUPPORTED);
      g_assert_null (pixels);
    }

  {
    g_autofree char *path = fixture_path (f, "kit.jpg");
    g_autoptr(GError) error = NULL;
    BwImageInfo info;

    bw_test_write_not_an_image (path, &error);
    g_assert_no_error (error);
    g_assert_false (bw_image_probe (path, &info, &error));
    g_assert_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_UNSUPPORTED);
  }
}

static void
test_corrupt (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *path = fixture_path (f, "c.jpg");
  g_autofree char *empty = fixture_path (f, "empty.jpg");
  g_autoptr(GBytes) jpeg = bw_test_jpeg_new (200, 100, 90, TJSAMP_420, 3);
  g_autoptr(GError) error = NULL;
  g_autoptr(BwPixels) pixels = NULL;
  g_autofree guint8 *data_copy = NULL;
  gsize size;
  BwImageInfo info;

  /* Keep the headers, replace the middle of the entropy-coded data with
   * bytes that are not valid Huffman codes. */
  data_copy = g_bytes_unref_to_data (g_steal_pointer (&jpeg), &size);
  memset (data_copy + size / 2, 0xFF, 64);
  memset (data_copy + size / 2 + 64, 0x00, size / 2 - 66);
  g_file_set_contents (path, (char *) data_copy, (gssize) size, &error);
  g_assert_no_error (error);

  pixels = bw_image_decode (path, 1, 0, NULL, &error);
  g_assert_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_CORRUPT);
  g_assert_null (pixels);
  g_clear_error (&error);

  /* cut inside its tables, before the frame header: no size to report */
  for (gsize cut = 3; cut < 200; cut += 7)
    {
      BwImageInfo cut_info;

      g_assert_false (bw_image_probe_data (data_copy, cut, "cut.jpg", &cut_info, &error));
      g_assert_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_CORRUPT);
      g_clear_error (&error);
    }

  g_file_set_contents (empty, "", 0, &error);
  g_assert_no_error (error);
  g_assert_false (bw_image_probe (empty, &info, &error));
  g_assert_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_CORRUPT);
}

static void
test_not_a_file (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *fifo = fixture_path (f, "pipe.jpg");
  g_autofree char *missing = fixture_path (f, "missing.jpg");
  g_autoptr(GError) error = NULL;
  g_autoptr(BwPixels) pixels = NULL;
  BwImageInfo info;

  /* Reading a FIFO must fail at once, not wait for a writer. */
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  g_assert_false (bw_image_probe (fifo, &info, &error));
  g_assert_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_IO);
  g_clear_error (&error);
  pixels = bw_image_decode (fifo, 1, 0, NULL, &error);
  g_assert_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_IO);
  g_clear_error (&error);

  pixels = bw_image_decode (missing, 1, 0, NULL, &error);
  g_assert_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "missing.jpg"));
}

static guint
hamming (guint64 a,
         guint64 b)
{
  return (guint) __builtin_popcountll (a ^ b);
}

static void
test_dhash (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *jpg = fixture_path (f, "h.jpg");
  g_autofree char *png = fixture_path (f, "h.png");
  g_autofree char *mirrored = fixture_path (f, "m.jpg");
  g_autofree guint8 *rgb = bw_test_pattern_new (320, 240, 9);
  g_autoptr(GError) error = NULL;
  g_autoptr(BwPixels) a = NULL;
  g_autoptr(BwPixels) b = NULL;
  g_autoptr(BwPixels) c = NULL;
  g_autoptr(BwPixels) d = NULL;
  unsigned char *out = NULL;
  unsigned long out_size = 0;
  tjhandle handle;

  bw_test_write_jpeg (jpg, 320, 240, 75, TJSAMP_420, 9, &error);
  g_assert_no_error (error);
  bw_test_write_png (png, 320, 240, 9, &error);
  g_assert_no_error (error);

  /* the same picture mirrored left to right */
  for (int y = 0; y < 240; y++)
    for (int x = 0; x < 160; x++)
      for (int k = 0; k < 3; k++)
        {
          guint8 *l = rgb + ((gsize) y * 320 + x) * 3 + k;
          guint8 *r = rgb + ((gsize) y * 320 + 319 - x) * 3 + k;
          guint8 t = *l;

          *l = *r;
          *r = t;
        }
  handle = tjInitCompress ();
  g_assert_cmpint (tjCompress2 (handle, rgb, 320, 960, 240, TJPF_RGB, &out, &out_size,
                                TJSAMP_420, 75, 0), ==, 0);
  g_file_set_contents (mirrored, (char *) out, (gssize) out_size, &error);
  g_assert_no_error (error);
  tjFree (out);
  tjDestroy (handle);

  a = bw_image_decode (jpg, 1, 0, NULL, &error);
  g_assert_no_error (error);
  b = bw_image_decode (jpg, 8, 0, NULL, &error);
  g_assert_no_error (error);
  c = bw_image_decode (png, 8, 0, NULL, &error);
  g_assert_no_error (error);
  d = bw_image_decode (mirrored, 8, 0, NULL, &error);
  g_assert_no_error (error);

  /* size and compression barely move it… */
  g_assert_cmpuint (hamming (bw_pixels_dhash (a), bw_pixels_dhash (b)), <=, 4);
  g_assert_cmpuint (hamming (bw_pixels_dhash (b), bw_pixels_dhash (c)), <=, 4);
  /* …a different picture moves it a lot */
  g_assert_cmpuint (hamming (bw_pixels_dhash (b), bw_pixels_dhash (d)), >=, 32);
}

static void
test_other_formats (Fixture       *f,
                    gconstpointer  data)
{
  static const char *types[] = { "tiff", "bmp" };
  g_autofree guint8 *rgb = bw_test_pattern_new (150, 100, 21);
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new_from_data (rgb, GDK_COLORSPACE_RGB, FALSE, 8,
                                                          150, 100, 450, NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      g_autofree char *name = g_strdup_printf ("f.%s", types[i]);
      g_autofree char *cut_name = g_strdup_printf ("cut.%s", types[i]);
      g_autofree char *path = fixture_path (f, name);
      g_autofree char *cut = fixture_path (f, cut_name);
      g_autofree char *contents = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(BwPixels) pixels = NULL;
      g_autoptr(BwPixels) scaled = NULL;
      g_autoptr(BwPixels) broken = NULL;
      BwImageInfo info;
      gsize size;

      g_assert_true (gdk_pixbuf_save (pixbuf, path, types[i], &error, NULL));
      g_assert_no_error (error);

      g_assert_true (bw_image_probe (path, &info, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (bw_image_format_to_string (info.format), ==, types[i]);
      g_assert_cmpint (info.width, ==, 150);
      g_assert_cmpint (info.height, ==, 100);

      pixels = bw_image_decode (path, 1, 0, NULL, &error);
      g_assert_no_error (error);
      assert_pattern (pixels, 21, 0);

      scaled = bw_image_decode (path, 4, 0, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (scaled->width, ==, 38);
      g_assert_cmpint (scaled->height, ==, 25);

      /* cut in half: refused, not half an image */
      g_file_get_contents (path, &contents, &size, &error);
      g_assert_no_error (error);
      g_file_set_contents (cut, contents, (gssize) (size / 2), &error);
      g_assert_no_error (error);
      broken = bw_image_decode (cut, 1, 0, NULL, &error);
      g_assert_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_CORRUPT);
      g_assert_null (broken);
    }
}

static void
test_jpeg_colorspaces (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree guint8 *rgb = bw_test_pattern_new (120, 80, 22);
  g_autofree guint8 *cmyk = g_malloc (120 * 80 * 4);
  tjhandle handle = tjInitCompress ();
  unsigned char *gray = NULL, *print = NULL;
  unsigned long gray_size = 0, print_size = 0;
  g_autoptr(GError) error = NULL;
  g_autoptr(BwPixels) from_gray = NULL;
  g_autoptr(BwPixels) from_cmyk = NULL;
  BwImageInfo info;

  /* The pattern as CMYK with no black ink, written the way Photoshop
   * writes CMYK JPEGs: inverted (255 is no ink), marked by an Adobe
   * segment, which TurboJPEG writes for CMYK and which gdk-pixbuf and PIL
   * both read as inverted. Cyan ink is 255 − R, stored as R; and so on. */
  for (guint i = 0; i < 120 * 80; i++)
    {
      cmyk[i * 4 + 0] = rgb[i * 3 + 0];
      cmyk[i * 4 + 1] = rgb[i * 3 + 1];
      cmyk[i * 4 + 2] = rgb[i * 3 + 2];
      cmyk[i * 4 + 3] = 255;
    }

  g_assert_cmpint (tjCompress2 (handle, rgb, 120, 360, 80, TJPF_RGB, &gray, &gray_size,
                                TJSAMP_GRAY, 90, 0), ==, 0);
  g_assert_cmpint (tjCompress2 (handle, cmyk, 120, 480, 80, TJPF_CMYK, &print, &print_size,
                                TJSAMP_444, 100, 0), ==, 0);

  /* greyscale: every pixel has R = G = B */
  from_gray = bw_image_decode_data (gray, gray_size, "gray.jpg", 2, 0, &info, &error);
  g_assert_no_error (error);
  g_assert_cmpint (from_gray->width, ==, 60);
  g_assert_cmpint (from_gray->height, ==, 40);
  {
    const guint8 *p = bw_pixels_get_data (from_gray) + 10 * from_gray->stride + 30 * 4;

    g_assert_cmpint (p[0], ==, p[1]);
    g_assert_cmpint (p[1], ==, p[2]);
    g_assert_cmpint (p[3], ==, 255);
  }

  /* CMYK, which TurboJPEG cannot turn into RGB, still decodes */
  from_cmyk = bw_image_decode_data (print, print_size, "print.jpg", 4, 0, &info, &error);
  g_assert_no_error (error);
  g_assert_cmpint (info.format, ==, BW_IMAGE_FORMAT_JPEG);
  g_assert_cmpint (info.width, ==, 120);
  g_assert_cmpint (from_cmyk->width, ==, 30);
  g_assert_cmpint (from_cmyk->height, ==, 20);
  g_clear_pointer (&from_cmyk, bw_pixels_free);

  /* … to the colours of the pattern, not to black or to a negative */
  from_cmyk = bw_image_decode_data (print, print_size, "print.jpg", 1, 0, &info, &error);
  g_assert_no_error (error);
  g_assert_cmpint (from_cmyk->width, ==, 120);
  assert_pattern (from_cmyk, 22, 8);

  tjFree (gray);
  tjFree (print);
  tjDestroy (handle);
}

static void
test_progressive (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree guint8 *rgb = bw_test_pattern_new (333, 222, 23);
  tjhandle handle = tjInitCompress ();
  unsigned char *jpeg = NULL;
  unsigned long size = 0;

  g_assert_cmpint (tjCompress2 (handle, rgb, 333, 999, 222, TJPF_RGB, &jpeg, &size,
                                TJSAMP_420, 90, TJFLAG_PROGRESSIVE), ==, 0);

  for (guint d = 1; d <= 8; d *= 2)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(BwPixels) pixels = bw_image_decode_data (jpeg, size, "p.jpg", d, 0, NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpint (pixels->width, ==, (333 + d - 1) / d);
      g_assert_cmpint (pixels->height, ==, (222 + d - 1) / d);
    }

  /* a progressive file that stops after its first scans is refused too */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(BwPixels) pixels = bw_image_decode_data (jpeg, size * 2 / 3, "p.jpg", 8, 0, NULL, &error);

    g_assert_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_CORRUPT);
    g_assert_null (pixels);
  }

  tjFree (jpeg);
  tjDestroy (handle);
}

static gboolean
have_pixbuf_saver (const char *name)
{
  g_autoptr(GSList) formats = gdk_pixbuf_get_formats ();

  for (GSList *l = formats; l != NULL; l = l->next)
    {
      g_autofree char *format_name = gdk_pixbuf_format_get_name (l->data);

      if (g_strcmp0 (format_name, name) == 0 && gdk_pixbuf_format_is_writable (l->data))
        return TRUE;
    }
  return FALSE;
}

/* WebP is read through webp-pixbuf-loader. Where it is installed (the
 * README's package list has it), a WebP decodes to its picture and a
 * cut one is refused; where not, a WebP is refused saying why. */
static void
test_webp (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *path = fixture_path (f, "w.webp");
  g_autofree char *cut = fixture_path (f, "cut.webp");
  g_autoptr(GError) error = NULL;
  g_autoptr(BwPixels) pixels = NULL;

  if (have_pixbuf_saver ("webp"))
    {
      g_autofree guint8 *rgb = bw_test_pattern_new (90, 60, 24);
      g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new_from_data (rgb, GDK_COLORSPACE_RGB, FALSE, 8,
                                                              90, 60, 270, NULL, NULL);
      g_autoptr(BwPixels) broken = NULL;
      g_autofree char *contents = NULL;
      BwImageInfo info;
      gsize size;

      g_assert_true (gdk_pixbuf_save (pixbuf, path, "webp", &error, "quality", "100", NULL));
      g_assert_no_error (error);

      g_assert_true (bw_image_probe (path, &info, &error));
      g_assert_no_error (error);
      g_assert_cmpint (info.format, ==, BW_IMAGE_FORMAT_WEBP);
      g_assert_cmpint (info.width, ==, 90);

      /* lossy even at quality 100 (the loader has no lossless mode):
       * close to the pattern, and far from what garbage would give */
      pixels = bw_image_decode (path, 1, 0, NULL, &error);
      g_assert_no_error (error);
      assert_pattern (pixels, 24, 32);

      g_file_get_contents (path, &contents, &size, &error);
      g_assert_no_error (error);
      g_file_set_contents (cut, contents, (gssize) (size * 3 / 4), &error);
      g_assert_no_error (error);
      broken = bw_image_decode (cut, 1, 0, NULL, &error);
      g_assert_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_CORRUPT);
      g_assert_null (broken);
    }
  else
    {
      static const char header[] = "RIFF\x1a\0\0\0WEBPVP8L\x0d\0\0\0\x2f\0\0\0\0\0\0\0\0\0\0\0\0\0";

      g_file_set_contents (path, header, sizeof header - 1, &error);
      g_assert_no_error (error);
      pixels = bw_image_decode (path, 1, 0, NULL, &error);
      g_assert_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_UNSUPPORTED);
      g_assert_nonnull (strstr (error->message, "no decoder"));
    }
}

/* @segment (marker and all) inserted right after SOI of a small JPEG */
static GBytes *
jpeg_with_segment (const guint8 *segment,
                   gsize         segment_size)
{
  g_autoptr(GBytes) jpeg = bw_test_jpeg_new (64, 48, 90, TJSAMP_420, 25);
  GByteArray *out = g_byte_array_new ();
  gsize size;
  const guint8 *data = g_bytes_get_data (jpeg, &size);

  g_byte_array_append (out, data, 2);
  g_byte_array_append (out, segment, (guint) segment_size);
  g_byte_array_append (out, data + 2, (guint) (size - 2));
  return g_byte_array_free_to_bytes (out);
}

/* Metadata segments push the JPEG header past the first bytes that
 * probing reads: it must read on. */
static void
test_header_far_in (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *path = fixture_path (f, "icc.jpg");
  g_autoptr(GByteArray) segments = g_byte_array_new ();
  g_autoptr(GBytes) jpeg = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *padding = g_malloc0 (65533);
  BwImageInfo info;
  gsize size;
  const guint8 *bytes;

  /* five full APP2 segments: 320 KiB before the frame header */
  for (guint i = 0; i < 5; i++)
    {
      static const guint8 marker[] = { 0xFF, 0xE2, 0xFF, 0xFF };

      g_byte_array_append (segments, marker, sizeof marker);
      g_byte_array_append (segments, padding, 65533);
    }
  jpeg = jpeg_with_segment (segments->data, segments->len);
  bytes = g_bytes_get_data (jpeg, &size);
  g_file_set_contents (path, (const char *) bytes, (gssize) size, &error);
  g_assert_no_error (error);

  g_assert_true (bw_image_probe (path, &info, &error));
  g_assert_no_error (error);
  g_assert_cmpint (info.format, ==, BW_IMAGE_FORMAT_JPEG);
  g_assert_cmpint (info.width, ==, 64);
  g_assert_cmpint (info.height, ==, 48);
}

/* Exif segments that lie about their offsets and counts: no orientation,
 * no read outside the segment (ASan watches), and the image still decodes. */
static void
test_hostile_exif (Fixture       *f,
                   gconstpointer  data)
{
  static const guint8 lies[][30] = {
    /* IFD0 offset far beyond the segment */
    { 0xFF, 0xE1, 0x00, 28, 'E', 'x', 'i', 'f', 0, 0, 'M', 'M', 0, 42, 0x7F, 0xFF, 0xFF, 0xF0,
      0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6 },
    /* 65535 entries announced, one present and cut short */
    { 0xFF, 0xE1, 0x00, 28, 'E', 'x', 'i', 'f', 0, 0, 'I', 'I', 42, 0, 8, 0, 0, 0,
      0xFF, 0xFF, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0 },
    /* orientation 9, which does not exist */
    { 0xFF, 0xE1, 0x00, 28, 'E', 'x', 'i', 'f', 0, 0, 'M', 'M', 0, 42, 0, 0, 0, 8,
      0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 9 },
    /* neither II nor MM */
    { 0xFF, 0xE1, 0x00, 28, 'E', 'x', 'i', 'f', 0, 0, 'X', 'X', 0, 42, 0, 0, 0, 8,
      0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (lies); i++)
    {
      g_autoptr(GBytes) jpeg = jpeg_with_segment (lies[i], sizeof lies[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(BwPixels) pixels = NULL;
      BwImageInfo info;
      gsize size;
      const guint8 *bytes = g_bytes_get_data (jpeg, &size);

      /* the segment ends where it says it does: keep the data after it */
      g_assert_true (bw_image_probe_data (bytes, size, "lies.jpg", &info, &error));
      g_assert_no_error (error);
      g_assert_cmpint (info.orientation, ==, 1);

      pixels = bw_image_decode_data (bytes, size, "lies.jpg", 1, 0, &info, &error);
      g_assert_no_error (error);
      g_assert_cmpint (pixels->width, ==, 64);
    }
}

/* A JPEG with hundreds of scans, each a pass over the whole image, is
 * refused from its markers before any decoding; FF DA bytes inside a
 * comment are not scans; the limit falls as the image grows. */
static void
test_scan_limit (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GBytes) many = bw_test_jpeg_with_scans_new (512, 512, 500, 0);
  g_autoptr(GBytes) some = bw_test_jpeg_with_scans_new (64, 48, 30, 0);
  g_autoptr(GBytes) honest = bw_test_jpeg_with_scans_new (512, 512, 10, 20000);
  g_autoptr(GError) error = NULL;
  g_autoptr(BwPixels) pixels = NULL;
  g_autofree guint8 *patched = NULL;
  BwImageInfo info;
  gsize size;
  const guint8 *bytes;

  bytes = g_bytes_get_data (many, &size);
  g_assert_cmpuint (size, <, 64 * 1024);
  pixels = bw_image_decode_data (bytes, size, "scans.jpg", 8, 0, &info, &error);
  g_assert_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "scans.jpg"));
  g_assert_nonnull (strstr (error->message, "500 scans"));
  g_assert_null (pixels);
  g_clear_error (&error);

  /* 20,000 FF DA pairs in a comment, then the 10 scans of an ordinary
   * progressive JPEG: it decodes */
  bytes = g_bytes_get_data (honest, &size);
  pixels = bw_image_decode_data (bytes, size, "comment.jpg", 1, 0, &info, &error);
  g_assert_no_error (error);
  g_assert_cmpint (pixels->width, ==, 512);
  g_clear_pointer (&pixels, bw_pixels_free);

  /* 30 scans: under the limit of a small image (the repeated scans make
   * libjpeg warn, so it may still be refused as damaged, not as costly) */
  bytes = g_bytes_get_data (some, &size);
  pixels = bw_image_decode_data (bytes, size, "some.jpg", 1, 0, &info, &error);
  g_assert_false (g_error_matches (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_TOO_LARGE));
  g_clear_pointer (&pixels, bw_pixels_free);
  g_clear_error (&error);

  /* … and over it when the header claims 200 megapixels (refused before
   * any memory is allocated for them) */
  patched = g_memdup2 (bytes, size);
  for (gsize pos = 2; pos + 9 < size; pos++)
    if (patched[pos] == 0xFF && patched[pos + 1] == 0xC2)
      {
        patched[pos + 5] = 10000 >> 8;
        patched[pos + 6] = 10000 & 0xFF;
        patched[pos + 7] = 20000 >> 8;
        patched[pos + 8] = 20000 & 0xFF;
        break;
      }
  pixels = bw_image_decode_data (patched, size, "claims.jpg", 8, 0, &info, &error);
  g_assert_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "30 scans"));
  g_assert_null (pixels);
}

typedef struct
{
  const guint8 *data;
  gsize         size;
  guint         denominator;
  BwPixels     *pixels;
  GError       *error;
  gint          done;  /* atomic */
} DecodeJob;

static gpointer
decode_thread (gpointer user_data)
{
  DecodeJob *job = user_data;

  job->pixels = bw_image_decode_data (job->data, job->size, "waits.png", job->denominator,
                                      0, NULL, &job->error);
  g_atomic_int_set (&job->done, 1);
  return NULL;
}

/* Decodes reserve their memory from one budget before they allocate: one
 * that needs more than all of it is refused, and what an image holds
 * counts (a progressive JPEG keeps its coefficients, a PNG is decoded in
 * full before it is scaled); one that fits waits for the others. */
static void
test_memory_budget (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *png = fixture_path (f, "bomb.png");
  g_autofree char *small = fixture_path (f, "small.png");
  g_autoptr(GBytes) baseline = bw_test_jpeg_new (2000, 2000, 75, TJSAMP_420, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(BwPixels) pixels = NULL;
  g_autofree char *contents = NULL;
  unsigned char *progressive = NULL;
  unsigned long progressive_size = 0;
  gsize size;
  GStatBuf st;

  bw_test_write_png_bomb (png, 2000, 2000, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (png, &st), ==, 0);
  /* 32 MB of 16-bit pixels in a few kilobytes */
  g_assert_cmpint (st.st_size, <, 64 * 1024);

  {
    g_autofree guint8 *rgb = bw_test_pattern_new (2000, 2000, 1);
    tjhandle handle = tjInitCompress ();

    g_assert_cmpint (tjCompress2 (handle, rgb, 2000, 6000, 2000, TJPF_RGB, &progressive,
                                  &progressive_size, TJSAMP_420, 75, TJFLAG_PROGRESSIVE), ==, 0);
    tjDestroy (handle);
  }

  bw_image_set_memory_budget (8 * 1024 * 1024);
  g_assert_cmpuint (bw_image_get_memory_budget (), ==, 8 * 1024 * 1024);

  /* 16 MB of RGBA before it can be scaled down: refused */
  pixels = bw_image_decode (png, 8, 0, NULL, &error);
  g_assert_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "bomb.png"));
  g_assert_nonnull (strstr (error->message, "memory"));
  g_assert_null (pixels);
  g_clear_error (&error);

  /* a baseline JPEG of the same size decodes at 1/8 in a few rows… */
  pixels = bw_image_decode_data (g_bytes_get_data (baseline, NULL), g_bytes_get_size (baseline),
                                 "baseline.jpg", 8, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (pixels->width, ==, 250);
  g_clear_pointer (&pixels, bw_pixels_free);

  /* … a progressive one keeps 12 MB of coefficients whatever the scale */
  pixels = bw_image_decode_data (progressive, progressive_size, "progressive.jpg", 8, 0, NULL,
                                 &error);
  g_assert_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_TOO_LARGE);
  g_assert_null (pixels);
  g_clear_error (&error);
  g_assert_cmpuint (bw_image_get_memory_in_use (), ==, 0);

  /* With room for it, it decodes, and gives its memory back. */
  bw_image_set_memory_budget (64 * 1024 * 1024);
  bw_image_reset_memory_peak ();
  pixels = bw_image_decode (png, 8, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (pixels->width, ==, 250);
  g_clear_pointer (&pixels, bw_pixels_free);
  g_assert_cmpuint (bw_image_get_memory_in_use (), ==, 0);
  g_assert_cmpuint (bw_image_get_memory_peak (), >=, 16 * 1000 * 1000);

  /* Another decode holds most of the budget: this one waits for it. */
  bw_test_write_png_bomb (small, 500, 500, &error);
  g_assert_no_error (error);
  g_file_get_contents (small, &contents, &size, &error);
  g_assert_no_error (error);
  {
    DecodeJob job = { (const guint8 *) contents, size, 1, NULL, NULL, 0 };
    GThread *thread;
    gint64 deadline;

    g_assert_true (bw_image_reserve_memory (62 * 1024 * 1024, "other", &error));
    g_assert_no_error (error);
    thread = g_thread_new ("decode", decode_thread, &job);

    deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
    while (bw_image_get_memory_waiters () == 0 && g_get_monotonic_time () < deadline)
      g_usleep (1000);
    g_assert_cmpuint (bw_image_get_memory_waiters (), ==, 1);
    g_assert_false (g_atomic_int_get (&job.done));

    bw_image_release_memory (62 * 1024 * 1024);
    g_thread_join (thread);
    g_assert_no_error (job.error);
    g_assert_nonnull (job.pixels);
    g_assert_cmpint (job.pixels->width, ==, 500);
    bw_pixels_free (job.pixels);
  }
  g_assert_cmpuint (bw_image_get_memory_waiters (), ==, 0);
  g_assert_cmpuint (bw_image_get_memory_in_use (), ==, 0);

  bw_image_set_memory_budget (0);
  tjFree (progressive);
}

/* A file is not read whole before its header says it is an image of a
 * size the file could have: 2 GiB of zeros named .jpg, or a small JPEG
 * followed by 100 MB, are refused after their first bytes. The memory
 * this process touched says how much was read. */
static void
test_header_first (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *zeros = fixture_path (f, "zeros.jpg");
  g_autofree char *padded = fixture_path (f, "padded.jpg");
  g_autoptr(GBytes) jpeg = bw_test_jpeg_new (100, 100, 90, TJSAMP_420, 2);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(BwPixels) pixels = NULL;
  BwImageInfo info;
  gboolean measured;

  bw_test_write_sparse_file (zeros, NULL, 0, BW_IMAGE_MAX_FILE_SIZE, &error);
  g_assert_no_error (error);
  bw_test_write_sparse_file (padded, g_bytes_get_data (jpeg, NULL), g_bytes_get_size (jpeg),
                             100 * 1000 * 1000, &error);
  g_assert_no_error (error);

  measured = bw_test_peak_rss_since_last () >= 0;

  bytes = bw_image_read_file (zeros, "zeros.jpg", &error);
  g_assert_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "zeros.jpg"));
  g_assert_null (bytes);
  g_clear_error (&error);

  pixels = bw_image_decode (zeros, 8, 0, NULL, &error);
  g_assert_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_UNSUPPORTED);
  g_clear_error (&error);

  g_assert_false (bw_image_probe (zeros, &info, &error));
  g_assert_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_UNSUPPORTED);
  g_clear_error (&error);

  bytes = bw_image_read_file_full (padded, "padded.jpg", 0, &info, &error);
  g_assert_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "padded.jpg"));
  g_assert_nonnull (strstr (error->message, "100 × 100"));
  g_assert_null (bytes);
  g_clear_error (&error);

  pixels = bw_image_decode (padded, 1, 0, NULL, &error);
  g_assert_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_TOO_LARGE);
  g_clear_error (&error);

  if (measured)
    g_assert_cmpint (bw_test_peak_rss_since_last (), <, 32 * 1024 * 1024);

  /* The pixel limit is applied to the header before the file is read. */
  bw_test_write_jpeg (padded, 1000, 500, 80, TJSAMP_420, 0, &error);
  g_assert_no_error (error);
  bytes = bw_image_read_file_full (padded, "limit.jpg", 400000, &info, &error);
  g_assert_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_TOO_LARGE);
  g_assert_null (bytes);
  g_clear_error (&error);
  bytes = bw_image_read_file_full (padded, "limit.jpg", 500000, &info, &error);
  g_assert_no_error (error);
  g_assert_cmpint (info.width, ==, 1000);
  g_assert_cmpint (info.format, ==, BW_IMAGE_FORMAT_JPEG);
}

/* A TIFF whose header (first IFD) comes after its pixels, as libtiff
 * writes it, is probed from its first bytes and one read at the IFD. */
static void
test_tiff_ifd_at_end (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *path = fixture_path (f, "end.tif");
  g_autoptr(GError) error = NULL;
  g_autoptr(BwPixels) pixels = NULL;
  const int width = 700, height = 500;
  gsize strip = (gsize) width * height * 3;
  gsize ifd = 8 + strip;
  g_autofree guint8 *file = g_malloc0 (ifd + 2 + 12 * 9 + 4 + 6);
  guint8 *p = file + ifd;
  BwImageInfo info;
  static const guint16 tags[][3] = {
    /* tag, type, value: SHORT (3) or LONG (4) */
    { 256, 3, 700 }, { 257, 3, 500 }, { 258, 3, 8 }, { 259, 3, 1 }, { 262, 3, 2 },
    { 273, 4, 8 }, { 277, 3, 3 }, { 278, 3, 500 }, { 279, 4, 0 },
  };

  memcpy (file, "II*\0", 4);
  file[4] = ifd & 0xFF;
  file[5] = (ifd >> 8) & 0xFF;
  file[6] = (ifd >> 16) & 0xFF;
  file[7] = (ifd >> 24) & 0xFF;
  for (gsize i = 0; i < strip; i++)
    file[8 + i] = (guint8) (i % 3 == 0 ? 200 : 10);  /* red */

  p[0] = G_N_ELEMENTS (tags);
  p += 2;
  for (guint i = 0; i < G_N_ELEMENTS (tags); i++, p += 12)
    {
      guint32 value = tags[i][0] == 279 ? (guint32) strip : tags[i][2];

      p[0] = tags[i][0] & 0xFF;
      p[1] = tags[i][0] >> 8;
      p[2] = (guint8) tags[i][1];
      p[4] = 1;  /* count */
      p[8] = value & 0xFF;
      p[9] = (value >> 8) & 0xFF;
      p[10] = (value >> 16) & 0xFF;
      p[11] = (value >> 24) & 0xFF;
    }
  g_file_set_contents (path, (const char *) file, (gssize) (ifd + 2 + 12 * 9 + 4), &error);
  g_assert_no_error (error);

  g_assert_true (bw_image_probe (path, &info, &error));
  g_assert_no_error (error);
  g_assert_cmpint (info.format, ==, BW_IMAGE_FORMAT_TIFF);
  g_assert_cmpint (info.width, ==, width);
  g_assert_cmpint (info.height, ==, height);

  pixels = bw_image_decode (path, 1, 0, &info, &error);
  g_assert_no_error (error);
  g_assert_cmpint (pixels->width, ==, width);
  g_assert_cmpint (bw_pixels_get_data (pixels)[2], ==, 200);  /* B, G, R, A */
}

/* A BMP whose header claims to be 3 GB long: gdk-pixbuf's loader would
 * grow a buffer to that size before it reports anything (found by the
 * fuzzer: tests/fuzz/corpus/image-decoder/regression-bmp-header-size-3gb.bmp).
 * It is refused from its header, as damaged. */
static void
test_bmp_header_size (Fixture       *f,
                      gconstpointer  data)
{
  guint8 bmp[14 + 40 + 16 * 3] = { 'B', 'M', 0, };
  g_autoptr(GError) error = NULL;
  g_autoptr(BwPixels) pixels = NULL;
  BwImageInfo info;

  bmp[2] = sizeof bmp;
  bmp[10] = 14 + 40;           /* pixel data offset */
  bmp[14] = 0x00;              /* header size 0xB0000000 */
  bmp[17] = 0xB0;
  bmp[18] = 4;                 /* 4 × 4 */
  bmp[22] = 4;
  bmp[26] = 1;                 /* planes */
  bmp[28] = 24;                /* bits a pixel */

  g_assert_false (bw_image_probe_data (bmp, sizeof bmp, "long.bmp", &info, &error));
  g_assert_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "long.bmp"));
  g_assert_nonnull (strstr (error->message, "BMP header"));
  g_clear_error (&error);

  pixels = bw_image_decode_data (bmp, sizeof bmp, "long.bmp", 1, 0, &info, &error);
  g_assert_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_CORRUPT);
  g_assert_null (pixels);
  g_clear_error (&error);

  /* the same file with an honest header size decodes */
  bmp[14] = 40;
  bmp[17] = 0;
  pixels = bw_image_decode_data (bmp, sizeof bmp, "honest.bmp", 1, 0, &info, &error);
  g_assert_no_error (error);
  g_assert_cmpint (pixels->width, ==, 4);
  g_clear_pointer (&pixels, bw_pixels_free);

  /* A palette of 3.8 billion colours (the fuzzer's: gdk-pixbuf asked for
   * 2.4 GB), and one of 16 colours that does not fit before the pixels,
   * are refused before the loader sees them. */
  bmp[46] = 0x00;
  bmp[47] = bmp[48] = bmp[49] = 0xe3;
  g_assert_false (bw_image_probe_data (bmp, sizeof bmp, "palette.bmp", &info, &error));
  g_assert_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "palette.bmp"));
  g_clear_error (&error);
  g_assert_null (bw_image_decode_data (bmp, sizeof bmp, "palette.bmp", 1, 0, &info, &error));
  g_assert_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_CORRUPT);
  g_clear_error (&error);
  bmp[46] = 16;
  bmp[47] = bmp[48] = bmp[49] = 0;
  g_assert_false (bw_image_probe_data (bmp, sizeof bmp, "palette.bmp", &info, &error));
  g_assert_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_CORRUPT);
  g_clear_error (&error);

  /* no palette named: as before */
  bmp[46] = 0;
  pixels = bw_image_decode_data (bmp, sizeof bmp, "honest.bmp", 1, 0, &info, &error);
  g_assert_no_error (error);
  g_assert_cmpint (pixels->height, ==, 4);
}

/* Every input the fuzzer found a crash, a critical or a bomb with, kept
 * in its corpus as regression-*: each is refused (or decoded) without a
 * warning, which this test's G_DEBUG=fatal-warnings would turn into an
 * abort. */
static void
test_fuzz_regressions (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *dir = g_test_build_filename (G_TEST_DIST, "fuzz", "corpus", "image-decoder",
                                                NULL);
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  g_assert_nonnull (listing);
  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *contents = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(BwPixels) pixels = NULL;
      BwImageInfo info;
      gsize size;

      if (!g_str_has_prefix (name, "regression-"))
        continue;
      g_test_message ("%s", name);
      g_file_get_contents (path, &contents, &size, &error);
      g_assert_no_error (error);
      if (!bw_image_probe_data ((const guint8 *) contents, size, name, &info, &error))
        g_clear_error (&error);
      pixels = bw_image_decode_data ((const guint8 *) contents, size, name, 1, 0, &info, &error);
      g_assert_true ((pixels == NULL) != (error == NULL));
      g_clear_pointer (&pixels, bw_pixels_free);
      g_clear_error (&error);
      /* and under a small pixel limit, as the fuzzer decodes */
      pixels = bw_image_decode_data ((const guint8 *) contents, size, name, 8, 4000000, &info,
                                     &error);
      g_assert_true ((pixels == NULL) != (error == NULL));
      n++;
    }
  g_assert_cmpuint (n, >=, 3);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/core/decoder/probe-jpeg", test_probe_jpeg);
  ADD ("/core/decoder/probe-png", test_probe_png);
  ADD ("/core/decoder/exif-orientation", test_exif_orientation);
  ADD ("/core/decoder/scaled-sizes", test_scaled_sizes);
  ADD ("/core/decoder/pixel-values", test_pixel_values);
  ADD ("/core/decoder/limit", test_limit);
  ADD ("/core/decoder/truncated-jpeg", test_truncated);
  ADD ("/core/decoder/truncated-png", test_truncated_png);
  ADD ("/core/decoder/extraneous-bytes", test_extraneous_bytes);
  ADD ("/core/decoder/huge-header", test_huge_header);
  ADD ("/core/decoder/unsupported", test_unsupported);
  ADD ("/core/decoder/corrupt", test_corrupt);
  ADD ("/core/decoder/not-a-regular-file", test_not_a_file);
  ADD ("/core/decoder/dhash", test_dhash);
  ADD ("/core/decoder/tiff-and-bmp", test_other_formats);
  ADD ("/core/decoder/jpeg-colorspaces", test_jpeg_colorspaces);
  ADD ("/core/decoder/progressive-jpeg", test_progressive);
  ADD ("/core/decoder/webp", test_webp);
  ADD ("/core/decoder/header-far-in", test_header_far_in);
  ADD ("/core/decoder/hostile-exif", test_hostile_exif);
  ADD ("/core/decoder/scan-limit", test_scan_limit);
  ADD ("/core/decoder/memory-budget", test_memory_budget);
  ADD ("/core/decoder/header-first", test_header_first);
  ADD ("/core/decoder/tiff-ifd-at-end", test_tiff_ifd_at_end);
  ADD ("/core/decoder/bmp-header-size", test_bmp_header_size);
  ADD ("/core/decoder/fuzz-regressions", test_fuzz_regressions);

#undef ADD

  return g_test_run ();
}
