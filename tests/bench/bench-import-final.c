/* bench-import-final.c — how long a large import holds the project
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A COCO import writes its annotations in chunks and makes them visible
 * in one last step (bw-project-staging.c). While a step runs, it holds
 * the project's write lock and every other writer (the window's edits,
 * another program) waits. This measures that wait from outside, as such
 * a writer sees it: a second connection, on a thread of its own, takes
 * the write lock over and over (BEGIN IMMEDIATE, COMMIT) for the whole
 * import, trying every 0.2 ms while it waits, and keeps its longest
 * wait. That wait is the longest the import held the lock, which is its
 * last step. On a shared machine that wait also holds the time either
 * thread waited for a CPU, so the importer's own CPU time during it (its
 * thread's CPU clock) is printed beside it.
 *
 * For 10,000, 100,000 and 1,000,000 annotations (10 an image, half boxes,
 * half 12-vertex polygons; image rows only, no files), into a fresh copy
 * of a project that has the images; median of several runs. Prints
 * figures; never fails on a time.
 *
 *   BW_BENCH_FINAL_SIZES=10000,100000 BW_BENCH_FINAL_RUNS=5 bench-import-final
 */

#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bw-coco-import.h"
#include "bw-project.h"

#define ANNOTATIONS_PER_IMAGE 10
#define N_CATEGORIES 10

/* The second writer's polling interval. */
#define PROBE_POLL_US 200

typedef struct
{
  const char    *path;
  gint           stop;          /* atomic */
  clockid_t      importer_clock; /* the importing thread's CPU time */
  gint64         longest_us;    /* its longest wait for the lock */
  gint64         longest_cpu_us; /* the importer's CPU time during that wait */
  guint          writes;        /* transactions it made */
} Probe;

static gint64
clock_us (clockid_t clock)
{
  struct timespec ts;

  g_assert_cmpint (clock_gettime (clock, &ts), ==, 0);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static int
probe_busy_cb (void *data,
               int   count)
{
  g_usleep (PROBE_POLL_US);
  return 1;
}

static gpointer
probe_thread (gpointer data)
{
  Probe *probe = data;
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (probe->path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  sqlite3_busy_handler (db, probe_busy_cb, NULL);

  while (!g_atomic_int_get (&probe->stop))
    {
      gint64 start = g_get_monotonic_time ();
      gint64 cpu_start = clock_us (probe->importer_clock);
      gint64 waited, cpu;

      g_assert_cmpint (sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);
      waited = g_get_monotonic_time () - start;
      cpu = clock_us (probe->importer_clock) - cpu_start;
      g_assert_cmpint (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
      if (waited > probe->longest_us)
        {
          probe->longest_us = waited;
          probe->longest_cpu_us = cpu;
        }
      probe->writes++;
      g_usleep (PROBE_POLL_US);
    }

  sqlite3_close (db);
  return NULL;
}

/* A project with @n_images image rows and the categories, and a COCO file
 * of @n_annotations over them. */
static void
make_input (const char *project_path,
            const char *json_path,
            guint       n_annotations)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (project_path);
  g_autoptr(BwProject) project = bw_project_create (file, &error);
  guint n_images = n_annotations / ANNOTATIONS_PER_IMAGE;
  GRand *rand = g_rand_new_with_seed (42);
  FILE *out;
  guint64 id = 0;

  g_assert_no_error (error);
  g_assert_true (bw_project_begin (project, &error));
  for (guint i = 0; i < n_images; i++)
    {
      g_autofree char *path = g_strdup_printf ("images/%03u/%06u.jpg", i / 1000, i);
      g_autofree char *hash = g_strdup_printf ("%064x", i + 1);
      BwImage image = { 0, };

      image.path = path;
      image.width = 1920;
      image.height = 1080;
      image.byte_size = 500000;
      image.content_hash = hash;
      image.orientation = 1;
      g_assert_true (bw_project_add_image (project, &image, NULL, &error));
    }
  g_assert_true (bw_project_commit (project, &error));
  g_assert_no_error (error);

  out = fopen (json_path, "w");
  g_assert_nonnull (out);
  fputs ("{\"images\": [", out);
  for (guint i = 0; i < n_images; i++)
    fprintf (out, "%s{\"id\": %u, \"file_name\": \"images/%03u/%06u.jpg\", \"width\": 1920, \"height\": 1080}",
             i ? ", " : "", i + 1, i / 1000, i);
  fputs ("], \"categories\": [", out);
  for (guint c = 0; c < N_CATEGORIES; c++)
    fprintf (out, "%s{\"id\": %u, \"name\": \"class-%u\", \"supercategory\": \"thing\"}",
             c ? ", " : "", c + 1, c);
  fputs ("], \"annotations\": [", out);
  for (guint i = 0; i < n_images; i++)
    for (guint k = 0; k < ANNOTATIONS_PER_IMAGE; k++)
      {
        double x = g_rand_int_range (rand, 0, 17000) / 10.0;
        double y = g_rand_int_range (rand, 0, 9000) / 10.0;
        double w = g_rand_int_range (rand, 100, 2000) / 10.0;
        double h = g_rand_int_range (rand, 100, 1700) / 10.0;

        fprintf (out, "%s{\"id\": %" G_GUINT64_FORMAT ", \"image_id\": %u, \"category_id\": %u, "
                 "\"bbox\": [%.1f, %.1f, %.1f, %.1f]", id ? ", " : "", id + 1, i + 1,
                 1 + (i + k) % N_CATEGORIES, x, y, w, h);
        if (k % 2 == 1)
          {
            fputs (", \"segmentation\": [[", out);
            for (guint v = 0; v < 12; v++)
              {
                double a = 2 * G_PI * v / 12;

                fprintf (out, "%s%.2f, %.2f", v ? ", " : "", x + w / 2 + w / 2 * cos (a),
                         y + h / 2 + h / 2 * sin (a));
              }
            fputs ("]]", out);
          }
        fputs ("}", out);
        id++;
      }
  fputs ("]}", out);
  g_assert_cmpint (fclose (out), ==, 0);
  g_rand_free (rand);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
median (double *values,
        guint   n)
{
  qsort (values, n, sizeof (double), compare_doubles);
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

static void
bench_size (const char *dir,
            guint       n_annotations,
            guint       runs)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *source = g_strdup_printf ("%s/source-%u.boxwood", dir, n_annotations);
  g_autofree char *json = g_strdup_printf ("%s/instances-%u.json", dir, n_annotations);
  g_autoptr(GFile) source_file = g_file_new_for_path (source);
  g_autoptr(GFile) images = g_file_new_for_path (dir);
  g_autoptr(GString) holds = g_string_new (NULL);
  g_autoptr(GString) cpus = g_string_new (NULL);
  double hold_ms[16], cpu_ms[16], import_s[16], writes[16];

  make_input (source, json, n_annotations);

  for (guint r = 0; r < runs; r++)
    {
      g_autofree char *copy = g_strdup_printf ("%s/run-%u.boxwood", dir, r);
      g_autofree char *copy_wal = g_strconcat (copy, "-wal", NULL);
      g_autofree char *copy_shm = g_strconcat (copy, "-shm", NULL);
      g_autoptr(GFile) copy_file = g_file_new_for_path (copy);
      g_autoptr(GFile) json_file = g_file_new_for_path (json);
      BwCocoImportOptions options = { .images_folder = images };
      BwAnnotationImportResult result;
      Probe probe = { copy, 0, 0, 0, 0, 0 };
      GThread *thread;
      gint64 start;

      g_assert_true (g_file_copy (source_file, copy_file, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &error));
      {
        g_autoptr(BwProject) project = bw_project_open (copy_file, &error);

        g_assert_no_error (error);
        g_assert_cmpint (pthread_getcpuclockid (pthread_self (), &probe.importer_clock), ==, 0);
        thread = g_thread_new ("probe", probe_thread, &probe);
        start = g_get_monotonic_time ();
        g_assert_true (bw_coco_import (project, json_file, &options, &result, NULL, &error));
        g_assert_no_error (error);
        import_s[r] = (g_get_monotonic_time () - start) / 1e6;
        g_atomic_int_set (&probe.stop, 1);
        g_thread_join (thread);
        g_assert_cmpuint (result.annotations, ==, n_annotations);
      }
      hold_ms[r] = probe.longest_us / 1000.0;
      cpu_ms[r] = probe.longest_cpu_us / 1000.0;
      writes[r] = probe.writes;
      g_string_append_printf (holds, "%s%.1f", r ? ", " : "", hold_ms[r]);
      g_string_append_printf (cpus, "%s%.1f", r ? ", " : "", cpu_ms[r]);
      g_unlink (copy);
      g_unlink (copy_wal);
      g_unlink (copy_shm);
    }

  printf ("%9u annotations: the last step held the write lock: median %8.1f ms wall (%s),"
          " of which the importer's CPU median %8.1f ms (%s), over %u runs;"
          " whole import median %.2f s; the other writer got in %.0f times\n",
          n_annotations, median (hold_ms, runs), holds->str, median (cpu_ms, runs), cpus->str,
          runs, median (import_s, runs), median (writes, runs));
  fflush (stdout);
  g_unlink (source);
  g_unlink (json);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bw-bench-final-XXXXXX", &error);
  const char *env_sizes = g_getenv ("BW_BENCH_FINAL_SIZES");
  const char *env_runs = g_getenv ("BW_BENCH_FINAL_RUNS");
  g_auto(GStrv) sizes = g_strsplit (env_sizes ? env_sizes : "10000,100000,1000000", ",", 0);

  g_test_init (&argc, &argv, NULL);
  g_assert_no_error (error);

  {
    double load[3];

    if (getloadavg (load, 3) == 3)
      printf ("# load average %.2f on %d CPUs\n", load[0], (int) sysconf (_SC_NPROCESSORS_ONLN));
  }
  printf ("# a COCO import into a copy of a project holding its images; a second connection\n"
          "# takes the write lock over and over during it (polling every %d us)\n", PROBE_POLL_US);

  for (guint i = 0; sizes[i] != NULL; i++)
    {
      guint n = (guint) atoi (sizes[i]);
      guint runs = env_runs ? (guint) atoi (env_runs) : n >= 1000000 ? 3 : 5;

      if (n >= ANNOTATIONS_PER_IMAGE)
        bench_size (dir, n, CLAMP (runs, 1, 16));
    }

  g_rmdir (dir);
  return 0;
}
