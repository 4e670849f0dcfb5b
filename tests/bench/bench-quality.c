/* bench-quality.c — quality figures of a large project
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Generates a project of 100,000 images and about 1,000,000 annotations
 * (four in five boxes, one in five 8-vertex polygons; image rows only, no
 * files): 10 % gold images with a gold answer and one annotator's
 * submitted work (honeypots), 10 % images answered by two annotators
 * (overlap), the rest answered by one. Then measures bw_quality_compute()
 * on it, each run in a freshly executed child so that the generator's
 * memory does not count: wall time, CPU time and peak RSS (VmHWM).
 * Prints the medians; never fails on a time. Target: under 10 s.
 *
 *   BW_BENCH_QUALITY_IMAGES=10000 BW_BENCH_QUALITY_RUNS=5 bench-quality
 *
 * With BW_BENCH_QUALITY_KEEP=PATH the project is generated there (unless
 * it exists) and kept, for profiling: bench-quality --child PATH.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "bw-project.h"
#include "bw-project-export.h"
#include "bw-quality.h"

#define N_CATEGORIES 10
#define N_ANNOTATORS 8
#define WIDTH 1920
#define HEIGHT 1080

static guint n_images = 100000;

typedef struct
{
  gint64  category;
  BwShape *shape;
} Object;

static BwShape *
make_shape (GRand   *rand,
            gboolean polygon,
            double   cx,
            double   cy,
            double   w,
            double   h)
{
  BwPoint points[8];

  if (!polygon)
    return bw_shape_new_box (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2);

  for (guint v = 0; v < 8; v++)
    {
      double a = 2 * G_PI * v / 8;
      double r = g_rand_double_range (rand, 0.8, 1.0);

      points[v].x = round ((cx + r * w / 2 * cos (a)) * 10) / 10;
      points[v].y = round ((cy + r * h / 2 * sin (a)) * 10) / 10;
    }
  return bw_shape_new_polygon (points, 8);
}

/* An annotator's version of an object: a little off, now and then
 * relabelled, or an object of their own instead. */
static void
add_answer (BwProject     *project,
            GRand         *rand,
            gint64         layer_id,
            const Object  *truth,
            guint          n_truth,
            const gint64  *categories,
            guint64       *n_annotations)
{
  g_autoptr(GError) error = NULL;

  for (guint k = 0; k < n_truth; k++)
    {
      const BwRect *b = &truth[k].shape->bbox;
      double w = b->x1 - b->x0, h = b->y1 - b->y0;
      double cx = (b->x0 + b->x1) / 2 + g_rand_double_range (rand, -0.06, 0.06) * w;
      double cy = (b->y0 + b->y1) / 2 + g_rand_double_range (rand, -0.06, 0.06) * h;
      gint64 category = truth[k].category;
      g_autoptr(BwShape) shape = NULL;
      double r = g_rand_double (rand);

      if (r < 0.05)
        {
          /* Missed, and something else drawn instead. */
          cx = g_rand_double_range (rand, 100, WIDTH - 100);
          cy = g_rand_double_range (rand, 100, HEIGHT - 100);
        }
      else if (r < 0.10)
        category = categories[g_rand_int_range (rand, 0, N_CATEGORIES)];

      shape = make_shape (rand, truth[k].shape->kind == BW_SHAPE_POLYGON, cx, cy,
                          w * g_rand_double_range (rand, 0.92, 1.08),
                          h * g_rand_double_range (rand, 0.92, 1.08));
      g_assert_true (_bw_project_import_annotation (project, layer_id, category, shape,
                                                    BW_SOURCE_DRAWN, 1.0, &error));
      (*n_annotations)++;
    }
}

static guint64
generate (BwProject *project)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  gint64 categories[N_CATEGORIES];
  gint64 people[N_ANNOTATORS];
  guint64 n_annotations = 0;

  g_assert_true (bw_project_begin (project, &error));

  for (guint c = 0; c < N_CATEGORIES; c++)
    {
      g_autofree char *name = g_strdup_printf ("class-%u", c);

      g_assert_true (bw_project_add_category (project, name, "", "#3584e4", &categories[c], &error));
    }
  for (guint p = 0; p < N_ANNOTATORS; p++)
    {
      g_autofree char *name = g_strdup_printf ("annotator-%u", p);

      g_assert_true (bw_project_ensure_person (project, name, BW_ROLE_ANNOTATOR, &people[p], &error));
    }

  for (guint i = 0; i < n_images; i++)
    {
      g_autofree char *path = g_strdup_printf ("images/%03u/%06u.jpg", i / 1000, i);
      g_autofree char *hash = g_strdup_printf ("%064x", i + 1);
      gboolean gold = i % 10 == 0, overlap = i % 10 == 1;
      guint n_truth = 8 + (i % 3 == 0);
      Object truth[9];
      BwImage image = { 0, };
      gint64 image_id, layer_id;
      guint first = g_rand_int_range (rand, 0, N_ANNOTATORS);

      image.path = path;
      image.width = WIDTH;
      image.height = HEIGHT;
      image.content_hash = hash;
      image.orientation = 1;
      g_assert_true (bw_project_add_image (project, &image, &image_id, &error));

      for (guint k = 0; k < n_truth; k++)
        {
          double w = g_rand_double_range (rand, 20, 200), h = g_rand_double_range (rand, 20, 200);

          truth[k].category = categories[g_rand_int_range (rand, 0, N_CATEGORIES)];
          truth[k].shape = make_shape (rand, g_rand_double (rand) < 0.2,
                                       g_rand_double_range (rand, w, WIDTH - w),
                                       g_rand_double_range (rand, h, HEIGHT - h), w, h);
        }

      if (gold)
        {
          g_assert_true (bw_project_set_image_gold (project, image_id, TRUE, &error));
          g_assert_true (_bw_project_import_layer (project, image_id, 0, BW_LAYER_KIND_GOLD,
                                                   &layer_id, NULL, &error));
          for (guint k = 0; k < n_truth; k++)
            g_assert_true (_bw_project_import_annotation (project, layer_id, truth[k].category,
                                                          truth[k].shape, BW_SOURCE_DRAWN, 1.0,
                                                          &error));
          n_annotations += n_truth;
        }

      for (guint a = 0; a < (overlap ? 2u : 1u); a++)
        {
          g_assert_true (_bw_project_import_layer (project, image_id, people[(first + a) % N_ANNOTATORS],
                                                   BW_LAYER_KIND_WORK, &layer_id, NULL, &error));
          add_answer (project, rand, layer_id, truth, n_truth, categories, &n_annotations);
          g_assert_true (bw_project_set_layer_status (project, layer_id, BW_LAYER_STATUS_SUBMITTED,
                                                      &error));
        }

      for (guint k = 0; k < n_truth; k++)
        bw_shape_free (truth[k].shape);
    }

  g_assert_true (bw_project_commit (project, &error));
  g_assert_no_error (error);
  return n_annotations;
}

/* In the child: compute, then print its own figures. */
static int
child_main (const char *project_path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (project_path);
  g_autoptr(BwProject) project = bw_project_open (file, &error);
  g_autoptr(BwQualityReport) report = NULL;
  g_autofree char *status = NULL;
  struct rusage usage;
  const char *hwm;
  long kb = -1;
  gint64 start;
  double seconds;

  if (project == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  start = g_get_monotonic_time ();
  report = bw_quality_compute (project, NULL, NULL, NULL, NULL, &error);
  seconds = (g_get_monotonic_time () - start) / 1e6;
  if (report == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  g_assert_cmpint (getrusage (RUSAGE_SELF, &usage), ==, 0);
  if (g_file_get_contents ("/proc/self/status", &status, NULL, NULL) &&
      (hwm = strstr (status, "VmHWM:")) != NULL)
    kb = strtol (hwm + strlen ("VmHWM:"), NULL, 10);

  printf ("seconds %.3f cpu %.3f hwm %ld gold %" G_GUINT64_FORMAT " agreement %" G_GUINT64_FORMAT
          " annotators %u alpha %.4f\n",
          seconds,
          usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
          usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6,
          kb, report->gold_images, report->agreement_images, report->annotators->len,
          bw_quality_report_mean_alpha (report));
  if (report->annotators->len > 0)
    {
      const BwQualityAnnotator *first = report->annotators->pdata[0];
      BwRate accuracy;

      bw_quality_counts_accuracy (&first->counts, &accuracy);
      printf ("first %s tp %" G_GUINT64_FORMAT " fp %" G_GUINT64_FORMAT " fn %" G_GUINT64_FORMAT
              " accuracy %.4f [%.4f, %.4f] mean-iou %.4f\n",
              first->name, first->counts.tp, first->counts.fp, first->counts.fn,
              accuracy.value, accuracy.lo, accuracy.hi, bw_quality_counts_mean_iou (&first->counts));
    }
  return 0;
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

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *project_path = NULL;
  g_autofree char *self = NULL;
  g_autofree char *figures = NULL;
  const char *env_images = g_getenv ("BW_BENCH_QUALITY_IMAGES");
  const char *env_runs = g_getenv ("BW_BENCH_QUALITY_RUNS");
  const char *keep = g_getenv ("BW_BENCH_QUALITY_KEEP");
  double wall[16], inside[16], cpu[16], rss[16];
  guint runs = 5;
  guint64 n_annotations;
  gint64 start;

  if (argc == 3 && strcmp (argv[1], "--child") == 0)
    return child_main (argv[2]);

  if (env_images != NULL && atoi (env_images) > 0)
    n_images = (guint) atoi (env_images);
  if (env_runs != NULL && atoi (env_runs) > 0)
    runs = MIN ((guint) atoi (env_runs), G_N_ELEMENTS (wall));

  dir = g_dir_make_tmp ("bw-bench-quality-XXXXXX", &error);
  g_assert_no_error (error);
  project_path = keep != NULL ? g_strdup (keep) : g_build_filename (dir, "quality.boxwood", NULL);
  self = g_file_read_link ("/proc/self/exe", NULL);
  g_assert_nonnull (self);

  {
    double load[3];

    if (getloadavg (load, 3) == 3)
      printf ("# load average %.2f on %d CPUs\n", load[0], (int) sysconf (_SC_NPROCESSORS_ONLN));
  }

  start = g_get_monotonic_time ();
  if (keep == NULL || !g_file_test (keep, G_FILE_TEST_EXISTS))
    {
      g_autoptr(GFile) file = g_file_new_for_path (project_path);
      g_autoptr(BwProject) project = bw_project_create (file, &error);

      g_assert_no_error (error);
      n_annotations = generate (project);
    }
  else
    n_annotations = 0;
  printf ("# %u images, %" G_GUINT64_FORMAT " annotations (10 %% gold, 10 %% overlap); "
          "generated in %.1f s\n", n_images, n_annotations, (g_get_monotonic_time () - start) / 1e6);

  for (guint r = 0; r < runs; r++)
    {
      g_autofree char *out = NULL;
      const char *child_argv[] = { self, "--child", project_path, NULL };
      int status = 0;
      long kb = 0;

      start = g_get_monotonic_time ();
      if (!g_spawn_sync (NULL, (char **) child_argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                         &out, NULL, &status, &error))
        g_error ("could not run %s: %s", self, error->message);
      wall[r] = (g_get_monotonic_time () - start) / 1e6;
      if (!g_spawn_check_wait_status (status, NULL) ||
          sscanf (out, "seconds %lf cpu %lf hwm %ld", &inside[r], &cpu[r], &kb) != 3)
        g_error ("the child run failed: %s", out);
      rss[r] = kb / 1024.0;
      if (figures == NULL)
        figures = g_strdup (out);
    }

  {
    g_auto(GStrv) lines = g_strsplit (figures, "\n", -1);

    for (guint l = 0; lines[l] != NULL && *lines[l] != '\0'; l++)
      printf ("# %s\n", lines[l]);
  }
  printf ("quality-seconds (bw_quality_compute)  median %6.2f s over %u runs   (target < 10)\n",
          median (inside, runs), runs);
  printf ("process-seconds (open to exit)        median %6.2f s\n", median (wall, runs));
  printf ("cpu-seconds                           median %6.2f s\n", median (cpu, runs));
  printf ("peak-rss-mb (VmHWM)                   median %6.1f MB\n", median (rss, runs));

  if (keep == NULL)
    {
      g_autofree char *wal = g_strconcat (project_path, "-wal", NULL);
      g_autofree char *shm = g_strconcat (project_path, "-shm", NULL);

      g_unlink (project_path);
      g_unlink (wal);
      g_unlink (shm);
    }
  g_rmdir (dir);
  return 0;
}
