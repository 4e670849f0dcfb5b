/* bench-taxonomy.c — taxonomy import, export and merge at the limits
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Imports a file of BW_TAXONOMY_MAX_CATEGORIES (10,000) categories into a
 * new project, imports it again (everything unchanged), once more with
 * every colour changed (10,000 updates), exports it, and
 * merges a category holding 100,000 annotations into another (one
 * transaction), printing the median of several runs of each. Never fails
 * on a time.
 *
 *   BW_BENCH_TAXONOMY_RUNS=5 bench-taxonomy
 */

#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>

#include "bw-project.h"
#include "bw-taxonomy-io.h"

#define N_MERGED_ANNOTATIONS 100000

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
median (GArray *times)
{
  g_array_sort (times, compare_doubles);
  return g_array_index (times, double, times->len / 2);
}

static BwProject *
new_project (const char *dir,
             guint       run,
             const char *what)
{
  g_autofree char *name = g_strdup_printf ("%s-%u.boxwood", what, run);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  BwProject *project = bw_project_create (file, &error);

  g_assert_no_error (error);
  return project;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bw-bench-taxonomy-XXXXXX", &error);
  g_autofree char *in_path = g_build_filename (dir, "in.json", NULL);
  g_autofree char *recoloured_path = g_build_filename (dir, "recoloured.json", NULL);
  g_autoptr(GFile) recoloured = g_file_new_for_path (recoloured_path);
  g_autoptr(GString) json2 = g_string_new ("{\"categories\": [");
  g_autoptr(GArray) update = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *out_path = g_build_filename (dir, "out.json", NULL);
  g_autoptr(GFile) in = g_file_new_for_path (in_path);
  g_autoptr(GFile) out = g_file_new_for_path (out_path);
  g_autoptr(GString) json = g_string_new ("{\"categories\": [");
  g_autoptr(GArray) first = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) again = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) export = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) merge = g_array_new (FALSE, FALSE, sizeof (double));
  const char *runs_env = g_getenv ("BW_BENCH_TAXONOMY_RUNS");
  guint runs = runs_env ? (guint) atoi (runs_env) : 5;

  g_assert_no_error (error);
  for (guint i = 0; i < BW_TAXONOMY_MAX_CATEGORIES; i++)
    g_string_append_printf (json, "%s{\"id\": %u, \"name\": \"category %u\", \"supercategory\": \"group %u\","
                            " \"guideline\": \"What category %u covers, and what it does not.\"}",
                            i ? "," : "", i + 1, i, i % 50, i);
  g_string_append (json, "]}");
  g_assert_true (g_file_set_contents (in_path, json->str, json->len, NULL));
  for (guint i = 0; i < BW_TAXONOMY_MAX_CATEGORIES; i++)
    g_string_append_printf (json2, "%s{\"name\": \"category %u\", \"color\": \"#%06x\"}",
                            i ? "," : "", i, (i * 2654435761u) & 0xffffff);
  g_string_append (json2, "]}");
  g_assert_true (g_file_set_contents (recoloured_path, json2->str, json2->len, NULL));

  for (guint run = 0; run < MAX (runs, 1); run++)
    {
      g_autoptr(BwProject) project = new_project (dir, run, "import");
      g_autoptr(BwTaxonomyImportReport) report = NULL;
      gint64 t0, t1, t2, t3, t4;
      double ms;

      t0 = g_get_monotonic_time ();
      report = bw_taxonomy_import (project, in, &error);
      t1 = g_get_monotonic_time ();
      g_assert_no_error (error);
      g_assert_cmpuint (report->added->len, ==, BW_TAXONOMY_MAX_CATEGORIES);
      g_clear_pointer (&report, bw_taxonomy_import_report_free);

      report = bw_taxonomy_import (project, in, &error);
      t2 = g_get_monotonic_time ();
      g_assert_no_error (error);
      g_assert_cmpuint (report->unchanged, ==, BW_TAXONOMY_MAX_CATEGORIES);

      g_assert_true (bw_taxonomy_export (project, out, &error));
      t3 = g_get_monotonic_time ();
      g_assert_no_error (error);
      g_clear_pointer (&report, bw_taxonomy_import_report_free);

      t4 = g_get_monotonic_time ();
      report = bw_taxonomy_import (project, recoloured, &error);
      ms = (double) (g_get_monotonic_time () - t4) / 1000.0;
      g_assert_no_error (error);
      g_assert_cmpuint (report->updated->len, >, BW_TAXONOMY_MAX_CATEGORIES - 10);
      g_array_append_val (update, ms);

      ms = (double) (t1 - t0) / 1000.0;
      g_array_append_val (first, ms);
      ms = (double) (t2 - t1) / 1000.0;
      g_array_append_val (again, ms);
      ms = (double) (t3 - t2) / 1000.0;
      g_array_append_val (export, ms);
    }

  for (guint run = 0; run < MAX (runs, 1); run++)
    {
      g_autoptr(BwProject) project = new_project (dir, run, "merge");
      BwImage image = { .path = (char *) "a.jpg", .width = 100, .height = 100, .content_hash = (char *) "0" };
      gint64 image_id, person_id, layer_id, a, b, t0;
      double ms;

      g_assert_true (bw_project_add_image (project, &image, &image_id, &error));
      g_assert_true (bw_project_ensure_person (project, "ann", BW_ROLE_ANNOTATOR, &person_id, &error));
      g_assert_true (bw_project_ensure_layer (project, image_id, person_id, BW_LAYER_KIND_WORK, &layer_id, &error));
      g_assert_true (bw_project_add_category (project, "a", NULL, NULL, &a, &error));
      g_assert_true (bw_project_add_category (project, "b", NULL, NULL, &b, &error));
      g_assert_true (bw_project_begin (project, &error));
      for (guint i = 0; i < N_MERGED_ANNOTATIONS; i++)
        {
          g_autoptr(BwShape) shape = bw_shape_new_box (i % 90, i % 80, i % 90 + 5, i % 80 + 5);

          g_assert_true (bw_project_add_annotation (project, layer_id, a, shape, BW_SOURCE_DRAWN,
                                                    1.0, NULL, &error));
        }
      g_assert_true (bw_project_commit (project, &error));
      g_assert_no_error (error);

      t0 = g_get_monotonic_time ();
      g_assert_true (bw_project_merge_category (project, a, b, &error));
      ms = (double) (g_get_monotonic_time () - t0) / 1000.0;
      g_array_append_val (merge, ms);
      g_assert_no_error (error);
      g_assert_cmpint (bw_project_count_category_annotations (project, b), ==, N_MERGED_ANNOTATIONS);
    }

  printf ("taxonomy of %d categories (%.1f MB file), median of %u runs:\n",
          BW_TAXONOMY_MAX_CATEGORIES, json->len / 1e6, MAX (runs, 1));
  printf ("  import into a new project          %8.1f ms\n", median (first));
  printf ("  import again (all unchanged)       %8.1f ms\n", median (again));
  printf ("  import again, every colour changed %8.1f ms\n", median (update));
  printf ("  export                             %8.1f ms\n", median (export));
  printf ("merge of a category with %d annotations (one transaction): %.1f ms\n",
          N_MERGED_ANNOTATIONS, median (merge));

  {
    g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
    const char *name;

    while (d && (name = g_dir_read_name (d)))
      {
        g_autofree char *path = g_build_filename (dir, name, NULL);

        g_remove (path);
      }
    g_rmdir (dir);
  }
  return 0;
}
