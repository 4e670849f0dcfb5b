/* bench-coco.c — COCO export and import of a large project
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Generates a project of 100,000 images and 1,000,000 annotations (half
 * boxes, half 20-vertex polygons; image rows only, no image files), then
 * measures, each in a freshly executed child so the generator's memory
 * does not count: the COCO export (time and peak RSS) and the import of the same
 * file into a project holding the same images. Python's json.dump and
 * json.load of the same file are measured in the same run for comparison.
 * Prints figures; never fails on a time.
 *
 *   BW_BENCH_COCO_IMAGES=10000 BW_BENCH_COCO_RUNS=3 bench-coco
 */

#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <string.h>
#include <unistd.h>

#include "bw-coco-export.h"
#include "bw-coco-import.h"
#include "bw-project.h"
#include "bw-project-export.h"

#define ANNOTATIONS_PER_IMAGE 10
#define N_CATEGORIES 10

static guint n_images = 100000;

static void
add_images (BwProject *project,
            gboolean   with_annotations)
{
  g_autoptr(GError) error = NULL;
  gint64 categories[N_CATEGORIES];
  GRand *rand = g_rand_new_with_seed (42);

  g_assert_true (bw_project_begin (project, &error));
  g_assert_no_error (error);

  for (guint c = 0; c < N_CATEGORIES; c++)
    {
      g_autofree char *name = g_strdup_printf ("class-%u", c);

      g_assert_true (bw_project_add_category (project, name, c < 5 ? "animal" : "vehicle",
                                              "#3584e4", &categories[c], &error));
    }

  for (guint i = 0; i < n_images; i++)
    {
      g_autofree char *path = g_strdup_printf ("images/%03u/%06u.jpg", i / 1000, i);
      g_autofree char *hash = g_strdup_printf ("%064x", i + 1);
      BwImage image = { 0, };
      gint64 image_id, layer_id;

      image.path = path;
      image.width = 1920;
      image.height = 1080;
      image.byte_size = 500000;
      image.content_hash = hash;
      image.orientation = 1;
      g_assert_true (bw_project_add_image (project, &image, &image_id, &error));

      if (!with_annotations)
        continue;

      /* The importers' bulk path: one index probe per layer. */
      g_assert_true (_bw_project_import_layer (project, image_id, 0, BW_LAYER_KIND_WORK,
                                               &layer_id, NULL, &error));

      for (guint k = 0; k < ANNOTATIONS_PER_IMAGE; k++)
        {
          /* Coordinates with one or two decimals, as drawn and imported
           * data usually have. */
          double x = g_rand_int_range (rand, 0, 17000) / 10.0;
          double y = g_rand_int_range (rand, 0, 9000) / 10.0;
          double w = g_rand_int_range (rand, 100, 2000) / 10.0;
          double h = g_rand_int_range (rand, 100, 1700) / 10.0;
          g_autoptr(BwShape) shape = NULL;

          if (k % 2 == 0)
            shape = bw_shape_new_box (x, y, x + w, y + h);
          else
            {
              BwPoint points[20];

              for (guint v = 0; v < 20; v++)
                {
                  double a = 2 * G_PI * v / 20;

                  points[v].x = round ((x + w / 2 + w / 2 * cos (a)) * 100) / 100;
                  points[v].y = round ((y + h / 2 + h / 2 * sin (a)) * 100) / 100;
                }
              shape = bw_shape_new_polygon (points, 20);
            }

          g_assert_true (_bw_project_import_annotation (project, layer_id,
                                                        categories[(i + k) % N_CATEGORIES], shape,
                                                        BW_SOURCE_DRAWN, 1.0, &error));
        }
    }

  g_assert_true (bw_project_commit (project, &error));
  g_assert_no_error (error);
  g_rand_free (rand);
}

typedef struct
{
  double seconds;
  double cpu_seconds;           /* user + system: what a loaded machine does not inflate */
  long   max_rss_kb;
  gboolean ok;
} ChildRun;

/* Runs "bench-coco --child WHAT PROJECT JSON DIR" as a fresh program and
 * reads the figures it prints about itself. Not fork() alone, nor the
 * ru_maxrss that wait4() reports: a forked child starts with the parent's
 * pages (the generator's 100,000 images), and the kernel carries the peak
 * of the process image an exec replaces into ru_maxrss. VmHWM of the
 * exec'd program is the peak of its own address space only. */
static ChildRun
run_in_child (const char *what,
              const char *project_path,
              const char *json_path,
              const char *images_dir)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  const char *argv[] = { self, "--child", what, project_path, json_path, images_dir, NULL };
  ChildRun run = { 0, };
  gint64 start = g_get_monotonic_time ();
  int status = 0;

  g_assert_nonnull (self);
  fflush (stdout);
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                     &out, NULL, &status, &error))
    g_error ("could not run %s: %s", self, error->message);
  run.seconds = (g_get_monotonic_time () - start) / 1e6;
  run.ok = g_spawn_check_wait_status (status, NULL) &&
           sscanf (out, "cpu %lf hwm %ld", &run.cpu_seconds, &run.max_rss_kb) == 2;
  return run;
}

/* In the child: its own CPU time and VmHWM, for run_in_child(). */
static void
print_own_usage (void)
{
  g_autofree char *status = NULL;
  struct rusage usage;
  const char *hwm;
  long kb = -1;

  g_assert_cmpint (getrusage (RUSAGE_SELF, &usage), ==, 0);
  if (g_file_get_contents ("/proc/self/status", &status, NULL, NULL) &&
      (hwm = strstr (status, "VmHWM:")) != NULL)
    kb = strtol (hwm + strlen ("VmHWM:"), NULL, 10);
  printf ("cpu %.3f hwm %ld\n",
          usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
          usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6,
          kb);
}

typedef struct
{
  char *project_path;
  char *json_path;
  char *images_dir;
} Job;

static gboolean
export_job (gpointer data)
{
  Job *job = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (job->project_path);
  g_autoptr(GFile) out = g_file_new_for_path (job->json_path);
  g_autoptr(BwProject) project = bw_project_open (file, &error);
  /* The generated work is in progress, as imported work is: take it all. */
  BwCocoExportOptions options = { .status = BW_EXPORT_STATUS_ALL };
  BwExportResult result;

  if (project == NULL || !bw_coco_export (project, out, &options, NULL, NULL, &result, NULL, &error))
    {
      g_printerr ("export failed: %s\n", error->message);
      return FALSE;
    }
  bw_export_result_clear (&result);
  return TRUE;
}

static gboolean
import_job (gpointer data)
{
  Job *job = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (job->project_path);
  g_autoptr(GFile) in = g_file_new_for_path (job->json_path);
  g_autoptr(GFile) images = g_file_new_for_path (job->images_dir);
  g_autoptr(BwProject) project = bw_project_open (file, &error);
  BwCocoImportOptions options = { .images_folder = images };
  BwAnnotationImportResult result;

  if (project == NULL || !bw_coco_import (project, in, &options, &result, NULL, &error))
    {
      g_printerr ("import failed: %s\n", error->message);
      return FALSE;
    }
  if (result.annotations != (guint64) n_images * ANNOTATIONS_PER_IMAGE)
    {
      g_printerr ("import read %" G_GUINT64_FORMAT " annotations\n", result.annotations);
      return FALSE;
    }
  return TRUE;
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
print_runs (const char *what,
            double     *seconds,
            double     *cpu_seconds,
            long        max_rss_kb,
            guint       runs)
{
  GString *list = g_string_new (NULL);

  for (guint i = 0; i < runs; i++)
    g_string_append_printf (list, "%s%.2f", i ? ", " : "", seconds[i]);
  printf ("%-28s median %6.2f s over %u run%s (%s), CPU %.2f s, peak RSS %ld MB\n",
          what, median (seconds, runs), runs, runs == 1 ? "" : "s", list->str,
          median (cpu_seconds, runs), max_rss_kb / 1024);
  g_string_free (list, TRUE);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bw-bench-coco-XXXXXX", &error);
  g_autofree char *source_path = g_build_filename (dir, "source.boxwood", NULL);
  g_autofree char *target_path = g_build_filename (dir, "target.boxwood", NULL);
  g_autofree char *json_path = g_build_filename (dir, "instances.json", NULL);
  g_autofree char *helper = NULL;
  g_autofree char *python_out = NULL;
  g_autofree char *python_err = NULL;
  g_autoptr(GFile) source_file = g_file_new_for_path (source_path);
  g_autoptr(GFile) target_file = g_file_new_for_path (target_path);
  const char *env_images = g_getenv ("BW_BENCH_COCO_IMAGES");
  const char *env_runs = g_getenv ("BW_BENCH_COCO_RUNS");
  guint runs = 3;
  double export_s[16], import_s[16], export_cpu[16], import_cpu[16];
  long export_rss = 0, import_rss = 0;
  Job job = { 0, };
  GStatBuf st;
  gint64 start;
  int python_status = 0;

  if (argc == 6 && strcmp (argv[1], "--child") == 0)
    {
      Job child = { argv[3], argv[4], argv[5] };
      const char *images = g_getenv ("BW_BENCH_COCO_IMAGES");
      gboolean ok;

      if (images != NULL && atoi (images) > 0)
        n_images = (guint) atoi (images);
      if (strcmp (argv[2], "export") == 0)
        ok = export_job (&child);
      else
        ok = import_job (&child);
      if (!ok)
        return 1;
      print_own_usage ();
      return 0;
    }

  g_test_init (&argc, &argv, NULL);
  g_assert_no_error (error);

  if (env_images != NULL && atoi (env_images) > 0)
    n_images = (guint) atoi (env_images);
  if (env_runs != NULL && atoi (env_runs) > 0)
    runs = MIN ((guint) atoi (env_runs), G_N_ELEMENTS (export_s));

  printf ("# %u images, %u annotations (half boxes, half 20-vertex polygons)\n",
          n_images, n_images * ANNOTATIONS_PER_IMAGE);
  {
    double load[3];

    if (getloadavg (load, 3) == 3)
      printf ("# load average %.2f on %d CPUs\n", load[0], (int) sysconf (_SC_NPROCESSORS_ONLN));
  }

  start = g_get_monotonic_time ();
  {
    g_autoptr(BwProject) project = bw_project_create (source_file, &error);

    g_assert_no_error (error);
    add_images (project, TRUE);
  }
  printf ("%-28s %6.2f s (one transaction)\n", "generate project",
          (g_get_monotonic_time () - start) / 1e6);

  {
    g_autoptr(BwProject) project = bw_project_create (target_file, &error);

    g_assert_no_error (error);
    add_images (project, FALSE);
  }

  job.project_path = source_path;
  job.json_path = json_path;
  job.images_dir = dir;
  for (guint i = 0; i < runs; i++)
    {
      ChildRun run = run_in_child ("export", job.project_path, job.json_path, job.images_dir);

      g_assert_true (run.ok);
      export_s[i] = run.seconds;
      export_cpu[i] = run.cpu_seconds;
      export_rss = MAX (export_rss, run.max_rss_kb);
    }
  g_assert_cmpint (g_stat (json_path, &st), ==, 0);
  printf ("# instances.json: %.1f MB\n", st.st_size / 1e6);
  print_runs ("boxwood COCO export", export_s, export_cpu, export_rss, runs);

  /* Import into a copy of the target each time, so every run starts from
   * the same project. */
  for (guint i = 0; i < runs; i++)
    {
      g_autofree char *copy_path = g_strdup_printf ("%s/target-%u.boxwood", dir, i);
      g_autoptr(GFile) copy = g_file_new_for_path (copy_path);
      ChildRun run;

      g_assert_true (g_file_copy (target_file, copy, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &error));
      job.project_path = copy_path;
      run = run_in_child ("import", job.project_path, job.json_path, job.images_dir);
      g_assert_true (run.ok);
      import_s[i] = run.seconds;
      import_cpu[i] = run.cpu_seconds;
      import_rss = MAX (import_rss, run.max_rss_kb);
      g_unlink (copy_path);
    }
  print_runs ("boxwood COCO import", import_s, import_cpu, import_rss, runs);

  /* Python's standard json module on the same file, same run. */
  helper = g_test_build_filename (G_TEST_DIST, "bench", "bench-coco-python.py", NULL);
  {
    g_autofree char *runs_text = g_strdup_printf ("%u", runs);
    const char *python_argv[] = { "python3", helper, json_path, runs_text, NULL };

    if (g_spawn_sync (NULL, (char **) python_argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                      &python_out, &python_err, &python_status, &error) &&
        g_spawn_check_wait_status (python_status, NULL))
      fputs (python_out, stdout);
    else
      printf ("# python3 baseline failed: %s%s\n", error ? error->message : "",
              python_err ? python_err : "");
    g_clear_error (&error);
  }

  printf ("# targets: export < 5 s and < 256 MB, import < 15 s (wall; CPU shown too, as the\n"
          "# machine may be shared). The import reads the file through a 1 MB buffer.\n");

  g_unlink (json_path);
  g_unlink (source_path);
  g_unlink (target_path);
  {
    g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
    const char *name;

    while (d && (name = g_dir_read_name (d)))
      {
        g_autofree char *path = g_build_filename (dir, name, NULL);

        g_unlink (path);
      }
  }
  g_rmdir (dir);
  return 0;
}
