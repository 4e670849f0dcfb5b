/* bench-decode.c — full-resolution decode against plain TurboJPEG
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Generates a 6000 × 4000 JPEG (quality 90, 4:2:0) and prints, as medians
 * of several runs in this process:
 *   - a plain tjDecompress2() of the bytes already in memory into a
 *     freshly allocated buffer (what any program decoding that file does);
 *   - bw_image_decode() of the file, from "ask" to "pixels ready": open,
 *     read, header, limit checks, allocation and decode;
 *   - their ratio (the target is ≤ 1.3);
 *   - bw_image_decode() at 1/8.
 * It never fails on a time.
 */

#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <turbojpeg.h>

#include "bw-image-decoder.h"
#include "bw-test-images.h"

#define WIDTH  6000
#define HEIGHT 4000
#define RUNS   9

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
median (double *values,
        guint   n)
{
  qsort (values, n, sizeof *values, compare_doubles);
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2.0;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) jpeg = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  double plain[RUNS], ours[RUNS], scaled[RUNS];
  const guint8 *data;
  gsize size;
  double plain_ms, ours_ms, scaled_ms;

  setlocale (LC_ALL, "");

  dir = g_dir_make_tmp ("bw-bench-decode-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "big.jpg", NULL);

  jpeg = bw_test_jpeg_new (WIDTH, HEIGHT, 90, TJSAMP_420, 1);
  data = g_bytes_get_data (jpeg, &size);
  g_file_set_contents (path, (const char *) data, (gssize) size, &error);
  g_assert_no_error (error);

  g_print ("# %d × %d JPEG, quality 90, 4:2:0, %.1f MB; median of %d runs\n",
           WIDTH, HEIGHT, size / 1e6, RUNS);

  /* Interleave the runs, so a busy neighbour on the machine slows both. */
  for (guint run = 0; run < RUNS; run++)
    {
      g_autoptr(BwPixels) pixels = NULL;
      g_autoptr(BwPixels) small = NULL;
      tjhandle handle;
      guint8 *buffer;
      gint64 start;

      start = g_get_monotonic_time ();
      handle = tjInitDecompress ();
      buffer = g_malloc ((gsize) WIDTH * HEIGHT * 4);
      if (tjDecompress2 (handle, data, size, buffer, WIDTH, WIDTH * 4, HEIGHT,
                         TJPF_BGRA, 0) != 0)
        g_error ("tjDecompress2: %s", tjGetErrorStr2 (handle));
      plain[run] = (g_get_monotonic_time () - start) / 1000.0;
      tjDestroy (handle);
      g_free (buffer);

      start = g_get_monotonic_time ();
      pixels = bw_image_decode (path, 1, 0, NULL, &error);
      ours[run] = (g_get_monotonic_time () - start) / 1000.0;
      g_assert_no_error (error);
      g_assert_cmpint (pixels->width, ==, WIDTH);
      g_clear_pointer (&pixels, bw_pixels_free);

      start = g_get_monotonic_time ();
      small = bw_image_decode (path, 8, 0, NULL, &error);
      scaled[run] = (g_get_monotonic_time () - start) / 1000.0;
      g_assert_no_error (error);
      g_assert_cmpint (small->width, ==, WIDTH / 8);
    }

  plain_ms = median (plain, RUNS);
  ours_ms = median (ours, RUNS);
  scaled_ms = median (scaled, RUNS);

  g_print ("plain tjDecompress2 (bytes in memory):  %8.1f ms\n", plain_ms);
  g_print ("bw_image_decode, full (from the file):  %8.1f ms\n", ours_ms);
  g_print ("ratio (target ≤ 1.30):                  %8.2f\n", ours_ms / plain_ms);
  g_print ("bw_image_decode, 1/8 (from the file):   %8.1f ms\n", scaled_ms);

  g_unlink (path);
  g_rmdir (dir);
  return 0;
}
