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
 * Then small files that cost a lot, each decoded at 1/8 (as the importer
 * does) by 8 threads at once, under a decode budget of 1 GiB
 * (BW_BENCH_BUDGET_MB): a PNG that inflates to 800 MB (400 MB of RGBA),
 * a progressive JPEG of 100 megapixels, a 4000 × 4000 JPEG with 500 scans
 * and 2 GiB of zeros named .jpg. For each: wall and CPU time, the peak
 * resident memory the decodes added, the peak the budget saw, and how
 * many decodes gave pixels.
 * It never fails on a time.
 */

#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
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

#define BOMB_THREADS 8

typedef struct
{
  const char *path;
  gint        ok;  /* atomic */
} BombRun;

static gpointer
bomb_thread (gpointer data)
{
  BombRun *run = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(BwPixels) pixels = bw_image_decode (run->path, 8, 0, NULL, &error);

  if (pixels != NULL)
    g_atomic_int_inc (&run->ok);
  return NULL;
}

static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
         usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

static void
run_bomb (const char *what,
          const char *path,
          guint       n_threads)
{
  BombRun run = { path, 0 };
  GThread *threads[BOMB_THREADS];
  GStatBuf st;
  gint64 start, peak;
  double cpu;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  bw_image_reset_memory_peak ();
  bw_test_peak_rss_since_last ();
  cpu = cpu_seconds ();
  start = g_get_monotonic_time ();
  for (guint i = 0; i < n_threads; i++)
    threads[i] = g_thread_new ("bomb", bomb_thread, &run);
  for (guint i = 0; i < n_threads; i++)
    g_thread_join (threads[i]);
  peak = bw_test_peak_rss_since_last ();

  g_print ("%-34s %7.1f MB file: %6.2f s, CPU %6.2f s, peak RSS +%5.0f MB, "
           "budget peak %5.0f MB, %d of %d decoded\n",
           what, st.st_size / 1e6, (g_get_monotonic_time () - start) / 1e6,
           cpu_seconds () - cpu, peak / 1e6, bw_image_get_memory_peak () / 1e6,
           g_atomic_int_get (&run.ok), n_threads);
}

static void
bench_bombs (const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *png = g_build_filename (dir, "bomb.png", NULL);
  g_autofree char *progressive = g_build_filename (dir, "progressive.jpg", NULL);
  g_autofree char *scans = g_build_filename (dir, "scans.jpg", NULL);
  g_autofree char *zeros = g_build_filename (dir, "zeros.jpg", NULL);
  const char *budget_mb = g_getenv ("BW_BENCH_BUDGET_MB");
  guint64 budget = (guint64) (budget_mb != NULL ? atoi (budget_mb) : 1024) * 1024 * 1024;

  bw_test_write_png_bomb (png, 10000, 10000, &error);
  g_assert_no_error (error);
  {
    g_autofree guint8 *grey = g_malloc ((gsize) 10000 * 10000 * 3);
    unsigned char *jpeg = NULL;
    unsigned long jpeg_size = 0;
    tjhandle handle = tjInitCompress ();

    memset (grey, 128, (gsize) 10000 * 10000 * 3);
    if (tjCompress2 (handle, grey, 10000, 30000, 10000, TJPF_RGB, &jpeg, &jpeg_size,
                     TJSAMP_420, 75, TJFLAG_PROGRESSIVE) != 0)
      g_error ("tjCompress2: %s", tjGetErrorStr2 (handle));
    g_file_set_contents (progressive, (const char *) jpeg, (gssize) jpeg_size, &error);
    g_assert_no_error (error);
    tjFree (jpeg);
    tjDestroy (handle);
  }
  {
    g_autoptr(GBytes) jpeg = bw_test_jpeg_with_scans_new (4000, 4000, 500, 0);

    g_file_set_contents (scans, g_bytes_get_data (jpeg, NULL), (gssize) g_bytes_get_size (jpeg),
                         &error);
    g_assert_no_error (error);
  }
  bw_test_write_sparse_file (zeros, NULL, 0, BW_IMAGE_MAX_FILE_SIZE, &error);
  g_assert_no_error (error);

  bw_image_set_memory_budget (budget);
  g_print ("# small files that cost a lot, %d decodes at 1/8 at once, budget %.0f MB\n",
           BOMB_THREADS, bw_image_get_memory_budget () / 1e6);
  run_bomb ("PNG, 10000 × 10000 × 16-bit RGBA", png, BOMB_THREADS);
  run_bomb ("progressive JPEG, 10000 × 10000", progressive, BOMB_THREADS);
  run_bomb ("JPEG with 500 scans, 4000 × 4000", scans, BOMB_THREADS);
  /* one at a time: the point is what is read, and eight would be 16 GiB */
  run_bomb ("2 GiB of zeros named .jpg", zeros, 1);
  bw_image_set_memory_budget (0);

  g_unlink (png);
  g_unlink (progressive);
  g_unlink (scans);
  g_unlink (zeros);
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

  if (g_getenv ("BW_BENCH_NO_BOMBS") == NULL)
    bench_bombs (dir);

  g_rmdir (dir);
  return 0;
}
