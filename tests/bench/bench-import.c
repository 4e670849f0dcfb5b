/* bench-import.c — import throughput
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Writes 2,000 generated images (640 × 480; nine JPEGs to one PNG) to a
 * temporary folder, imports them into a fresh project several times and
 * prints the median images per second, then removes everything. Each run
 * does the whole job: walk, read, SHA-256, header, 1/8 decode to validate,
 * difference hash, store in batches. It never fails on a time.
 */

#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <sys/resource.h>
#include <turbojpeg.h>

#include "bw-importer.h"
#include "bw-project.h"
#include "bw-test-images.h"

#define N_IMAGES 2000
#define RUNS     5

/* User and system CPU seconds of the whole process so far: on a shared
 * machine a steadier figure than the wall clock. */
static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
         usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *images = NULL;
  double rates[RUNS];
  double cpu_per_image[RUNS];
  gint64 bytes = 0;
  gint64 start;

  setlocale (LC_ALL, "");

  dir = g_dir_make_tmp ("bw-bench-import-XXXXXX", &error);
  g_assert_no_error (error);
  images = g_build_filename (dir, "images", NULL);
  g_assert_cmpint (g_mkdir (images, 0700), ==, 0);

  start = g_get_monotonic_time ();
  for (guint i = 0; i < N_IMAGES; i++)
    {
      g_autofree char *name = NULL;
      g_autofree char *path = NULL;
      GStatBuf st;

      if (i % 10 == 9)
        {
          name = g_strdup_printf ("img-%05u.png", i);
          path = g_build_filename (images, name, NULL);
          bw_test_write_png (path, 640, 480, i, &error);
        }
      else
        {
          name = g_strdup_printf ("img-%05u.jpg", i);
          path = g_build_filename (images, name, NULL);
          bw_test_write_jpeg (path, 640, 480, 85, TJSAMP_420, i, &error);
        }
      g_assert_no_error (error);
      g_assert_cmpint (g_stat (path, &st), ==, 0);
      bytes += st.st_size;
    }

  g_print ("# %d images (640 × 480, 90%% JPEG, 10%% PNG), %.1f MB, written in %.1f s; "
           "%u worker threads; median of %d runs, a fresh project each\n",
           N_IMAGES, bytes / 1e6, (g_get_monotonic_time () - start) / 1e6,
           MIN (g_get_num_processors (), 8), RUNS);

  for (guint run = 0; run < RUNS; run++)
    {
      g_autofree char *name = g_strdup_printf ("run-%u.boxwood", run);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autoptr(GFile) file = g_file_new_for_path (path);
      g_autoptr(BwProject) project = NULL;
      g_autoptr(BwImporter) importer = NULL;
      g_autoptr(BwImportReport) report = NULL;
      const char *paths[] = { images, NULL };
      double seconds;
      double cpu;

      project = bw_project_create (file, &error);
      g_assert_no_error (error);
      importer = bw_importer_new (project);

      start = g_get_monotonic_time ();
      cpu = cpu_seconds ();
      report = bw_importer_run (importer, paths, NULL, &error);
      seconds = (g_get_monotonic_time () - start) / 1e6;
      cpu = cpu_seconds () - cpu;
      g_assert_no_error (error);
      g_assert_cmpuint (report->added, ==, N_IMAGES);

      rates[run] = N_IMAGES / seconds;
      cpu_per_image[run] = cpu * 1e3 / N_IMAGES;
      g_print ("run %u: %.2f s, %.0f images/s, %.3f ms of CPU an image\n",
               run + 1, seconds, rates[run], cpu_per_image[run]);
    }

  qsort (rates, RUNS, sizeof rates[0], compare_doubles);
  qsort (cpu_per_image, RUNS, sizeof cpu_per_image[0], compare_doubles);
  g_print ("import throughput (median): %.0f images/second\n", rates[RUNS / 2]);
  g_print ("import CPU time (median): %.3f ms an image\n", cpu_per_image[RUNS / 2]);

  bw_test_remove_tree (dir);
  return 0;
}
