/* bench-review-queue.c — opening the review queue of a large project
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Generates a project of 100,000 images, each with one annotator's work
 * layer of 10 boxes (1,000,000 annotations; 8 annotators, 10 categories;
 * image rows only, no files), in one transaction through the store's
 * bulk writes. The first 90 % are submitted with audits off, so they all
 * wait for review; then a random audit at 10 % with the hold policy is
 * set up and the rest are submitted, so the queue also holds sampled
 * work and leaves held work out. Then it opens the review queue
 * (bw_project_list_review_queue()) of a freshly opened project: all of
 * it, one annotator's, one category's, and both, several times each,
 * and prints the first wall time and the median wall and CPU times of
 * each. Target: under 300 ms. Never fails on a time.
 *
 *   BW_BENCH_REVIEW_IMAGES=10000 BW_BENCH_REVIEW_RUNS=9 bench-review-queue
 *
 * With BW_BENCH_REVIEW_KEEP=PATH the project is generated there (unless
 * it exists) and kept, for trying query shapes against it.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bw-project.h"
#include "bw-project-export.h"

#define N_CATEGORIES 10
#define N_ANNOTATORS 8
#define SHAPES_PER_IMAGE 10

static guint n_images = 100000;
static guint n_runs = 7;

static void
generate (GFile *file)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwProject) project = bw_project_create (file, &error);
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  gint64 categories[N_CATEGORIES];
  gint64 people[N_ANNOTATORS];
  gint64 start = g_get_monotonic_time ();
  guint audited_from = n_images / 10 * 9;

  g_assert_no_error (error);
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
      BwImage image = { 0, };
      gint64 image_id, layer_id;

      if (i == audited_from)
        {
          BwAuditSettings audit = { TRUE, 0.10, 42, BW_AUDIT_POLICY_HOLD };

          g_assert_true (bw_project_set_audit_settings (project, &audit, &error));
        }

      image.path = path;
      image.width = 1920;
      image.height = 1080;
      image.content_hash = hash;
      image.orientation = 1;
      g_assert_true (bw_project_add_image (project, &image, &image_id, &error));
      g_assert_true (_bw_project_import_layer (project, image_id, people[g_rand_int_range (rand, 0, N_ANNOTATORS)],
                                               BW_LAYER_KIND_WORK, &layer_id, NULL, &error));
      for (guint k = 0; k < SHAPES_PER_IMAGE; k++)
        {
          double x = g_rand_double_range (rand, 0, 1700), y = g_rand_double_range (rand, 0, 900);
          g_autoptr(BwShape) box = bw_shape_new_box (x, y, x + g_rand_double_range (rand, 10, 200),
                                                     y + g_rand_double_range (rand, 10, 170));

          g_assert_true (_bw_project_import_annotation (project, layer_id,
                                                        categories[g_rand_int_range (rand, 0, N_CATEGORIES)],
                                                        box, BW_SOURCE_DRAWN, 1.0, &error));
        }
      g_assert_true (bw_project_submit_layer (project, layer_id, &error));
    }

  g_assert_true (bw_project_commit (project, &error));
  g_assert_no_error (error);
  g_print ("# generated %u images, %u annotations in %.1f s\n", n_images, n_images * SHAPES_PER_IMAGE,
           (g_get_monotonic_time () - start) / 1e6);
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* CPU time of this process, in ms: on a machine others share, it says
 * what the wall time cannot. */
static double
cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void
measure (BwProject  *project,
         const char *what,
         gint64      annotator,
         gint64      category)
{
  g_autofree double *wall = g_new (double, n_runs);
  g_autofree double *cpu = g_new (double, n_runs);
  double first;
  guint len = 0;

  for (guint r = 0; r < n_runs; r++)
    {
      g_autoptr(GError) error = NULL;
      gint64 start = g_get_monotonic_time ();
      double cpu_start = cpu_ms ();
      g_autoptr(GPtrArray) queue = bw_project_list_review_queue (project, annotator, category, &error);

      wall[r] = (g_get_monotonic_time () - start) / 1e3;
      cpu[r] = cpu_ms () - cpu_start;
      g_assert_no_error (error);
      len = queue->len;
    }
  first = wall[0];
  qsort (wall, n_runs, sizeof *wall, compare_doubles);
  qsort (cpu, n_runs, sizeof *cpu, compare_doubles);
  g_print ("%-28s %7u items   first %7.1f ms   median of %u: %7.1f ms wall, %7.1f ms CPU\n",
           what, len, first, n_runs, wall[n_runs / 2], cpu[n_runs / 2]);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(BwProject) project = NULL;
  g_autofree char *dir = NULL;
  const char *keep = g_getenv ("BW_BENCH_REVIEW_KEEP");

  if (g_getenv ("BW_BENCH_REVIEW_IMAGES"))
    n_images = MAX (10, (guint) atoi (g_getenv ("BW_BENCH_REVIEW_IMAGES")));
  if (g_getenv ("BW_BENCH_REVIEW_RUNS"))
    n_runs = MAX (1, (guint) atoi (g_getenv ("BW_BENCH_REVIEW_RUNS")));

  if (keep != NULL)
    file = g_file_new_for_path (keep);
  else
    {
      dir = g_dir_make_tmp ("bw-bench-review-XXXXXX", &error);
      g_assert_no_error (error);
      file = g_file_new_build_filename (dir, "review.boxwood", NULL);
    }
  if (!g_file_query_exists (file, NULL))
    generate (file);

  project = bw_project_open (file, &error);
  g_assert_no_error (error);

  g_print ("# review queue of %s (target: under 300 ms)\n", g_file_peek_path (file));
  measure (project, "everyone's", 0, 0);
  measure (project, "one annotator's", bw_project_find_person (project, "annotator-3"), 0);
  measure (project, "one category's", 0, bw_project_find_category_by_name (project, "class-7"));
  measure (project, "one annotator, one category", bw_project_find_person (project, "annotator-3"),
           bw_project_find_category_by_name (project, "class-7"));

  g_clear_object (&project);
  if (keep == NULL)
    {
      g_autofree char *path = g_file_get_path (file);
      g_autofree char *wal = g_strconcat (path, "-wal", NULL);
      g_autofree char *shm = g_strconcat (path, "-shm", NULL);

      g_unlink (path);
      g_unlink (wal);
      g_unlink (shm);
      g_rmdir (dir);
    }
  return 0;
}
