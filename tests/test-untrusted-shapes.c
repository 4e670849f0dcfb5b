/* test-untrusted-shapes.c — shapes from other programs: limits, clipping,
 * refusals, and exports that meet a damaged stored row
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <sqlite3.h>
#include <string.h>

#include "bw-coco-export.h"
#include "bw-coco-import.h"
#include "bw-geometry.h"
#include "bw-geometry-geos.h"
#include "bw-labelme-import.h"
#include "bw-test-images.h"
#include "bw-yolo-export.h"

/* bw_shape_fit_to_image() */

static BwShape *
polygon (const double *xy,
         guint         n_numbers)
{
  g_autofree BwPoint *points = g_new (BwPoint, n_numbers / 2);

  for (guint i = 0; i < n_numbers / 2; i++)
    {
      points[i].x = xy[2 * i];
      points[i].y = xy[2 * i + 1];
    }
  return bw_shape_new_polygon (points, n_numbers / 2);
}

static void
assert_refused (BwShape *shape,
                int      code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwShape) before = bw_shape_copy (shape);

  g_assert_false (bw_shape_fit_to_image (shape, 100, 90, NULL, &error));
  g_assert_error (error, BW_GEOMETRY_ERROR, code);
  g_assert_true (bw_shape_equal (shape, before));
  bw_shape_free (shape);
}

/* The area of a shape's parts by the shoelace formula, written out here
 * rather than taken from GEOS or bw_shape_area(). */
static double
shoelace_area (const BwShape *shape)
{
  double total = 0.0;

  for (guint p = 0; p < shape->n_parts; p++)
    {
      guint start = p == 0 ? 0 : shape->part_ends[p - 1];
      guint end = shape->part_ends[p];
      double sum = 0.0;

      for (guint i = start; i < end; i++)
        {
          const BwPoint *a = &shape->points[i];
          const BwPoint *b = &shape->points[i + 1 < end ? i + 1 : start];

          sum += a->x * b->y - b->x * a->y;
        }
      total += fabs (sum) / 2.0;
    }
  return total;
}

static void
test_fit_to_image (void)
{
  g_autoptr(GError) error = NULL;
  gboolean changed = TRUE;

  /* Found by probing: clamping made these into other shapes. A polygon
   * at ±1e300 became a triangle over half the image. */
  {
    const double far[] = { -1e300, -1e300, 1e300, -1e300, 1e300, 1e300 };

    assert_refused (polygon (far, G_N_ELEMENTS (far)), BW_GEOMETRY_ERROR_OUTSIDE);
  }
  /* A box of which 10 × 10 of 1010 × 1010 is inside became [0, 0, 10, 10]. */
  assert_refused (bw_shape_new_box (-1000, -1000, 10, 10), BW_GEOMETRY_ERROR_OUTSIDE);
  assert_refused (bw_shape_new_box (-1e308, -1e308, 1e308, 1e308), BW_GEOMETRY_ERROR_OUTSIDE);
  /* Points on one line: no area. */
  {
    const double line[] = { 10, 10, 20, 20, 30, 30, 40, 40 };

    assert_refused (polygon (line, G_N_ELEMENTS (line)), BW_GEOMETRY_ERROR_DEGENERATE);
  }
  /* On a line but for the rounding of a pointer's position (as drawn). */
  {
    const double sliver[] = { 50.00001525878906, 250.5, 150.0, 260.4999694824219, 250.0, 270.4999694824219 };

    assert_refused (polygon (sliver, G_N_ELEMENTS (sliver)), BW_GEOMETRY_ERROR_DEGENERATE);
  }
  assert_refused (bw_shape_new_box (10, 10, 10.5, 40), BW_GEOMETRY_ERROR_DEGENERATE);
  /* A NaN does not show in the bounding box. */
  {
    const double nan_point[] = { 10, 10, 50, 10, NAN, 50, 10, 50 };

    assert_refused (polygon (nan_point, G_N_ELEMENTS (nan_point)), BW_GEOMETRY_ERROR_NOT_FINITE);
  }
  /* One point over the limit. */
  {
    g_autofree BwPoint *points = g_new (BwPoint, BW_SHAPE_MAX_POINTS + 1);

    for (guint i = 0; i <= BW_SHAPE_MAX_POINTS; i++)
      {
        double t = 2 * G_PI * i / (BW_SHAPE_MAX_POINTS + 1);

        points[i].x = 50 + 40 * cos (t);
        points[i].y = 45 + 40 * sin (t);
      }
    assert_refused (bw_shape_new_polygon (points, BW_SHAPE_MAX_POINTS + 1), BW_GEOMETRY_ERROR_TOO_BIG);
  }

  /* Valid and inside: kept exactly, point order and all. */
  {
    const double inside[] = { 10.25, 10, 60, 12.5, 55, 70, 12, 65 };
    g_autoptr(BwShape) shape = polygon (inside, G_N_ELEMENTS (inside));
    g_autoptr(BwShape) before = bw_shape_copy (shape);

    g_assert_true (bw_shape_fit_to_image (shape, 100, 90, &changed, &error));
    g_assert_no_error (error);
    g_assert_false (changed);
    g_assert_true (bw_shape_equal (shape, before));
  }

  /* Across the left edge, mostly inside: cut at x = 0. */
  {
    const double across[] = { -10, 10, 50, 10, 50, 70, -10, 70 };
    g_autoptr(BwShape) shape = polygon (across, G_N_ELEMENTS (across));

    g_assert_true (bw_shape_fit_to_image (shape, 100, 90, &changed, &error));
    g_assert_no_error (error);
    g_assert_true (changed);
    g_assert_cmpuint (shape->n_parts, ==, 1);
    g_assert_cmpfloat (shape->bbox.x0, ==, 0);
    g_assert_cmpfloat (shape->bbox.x1, ==, 50);
    g_assert_cmpfloat (shape->bbox.y0, ==, 10);
    g_assert_cmpfloat (shape->bbox.y1, ==, 70);
    g_assert_cmpfloat_with_epsilon (shoelace_area (shape), 50.0 * 60.0, 1e-9);
  }

  /* A box across the bottom-right corner, mostly inside: cut. */
  {
    g_autoptr(BwShape) shape = bw_shape_new_box (20, 30, 110, 95);

    g_assert_true (bw_shape_fit_to_image (shape, 100, 90, &changed, &error));
    g_assert_true (changed);
    g_assert_cmpfloat (shape->bbox.x0, ==, 20);
    g_assert_cmpfloat (shape->bbox.y0, ==, 30);
    g_assert_cmpfloat (shape->bbox.x1, ==, 100);
    g_assert_cmpfloat (shape->bbox.y1, ==, 90);
  }

  /* A bow tie: the outline crosses itself at (30, 30). It becomes the two
   * triangles it encloses, 2 × (60 × 30 / 2). */
  {
    const double bow_tie[] = { 0, 0, 60, 60, 60, 0, 0, 60 };
    g_autoptr(BwShape) shape = polygon (bow_tie, G_N_ELEMENTS (bow_tie));

    g_assert_true (bw_shape_fit_to_image (shape, 100, 90, &changed, &error));
    g_assert_no_error (error);
    g_assert_true (changed);
    g_assert_cmpuint (shape->n_parts, ==, 2);
    g_assert_true (bw_shape_validate (shape, NULL));
    g_assert_cmpfloat_with_epsilon (shoelace_area (shape), 1800.0, 1e-9);
  }
}

/* The GEOS geometry of a shape, for code that measures with GEOS. */
static void
test_to_geos (void)
{
  GEOSContextHandle_t geos = bw_geometry_geos_context ();
  const double square[] = { 10, 10, 30, 10, 30, 30, 10, 30 };
  const double overlapping[] = { 20, 20, 40, 20, 40, 40, 20, 40 };
  g_autoptr(BwShape) shape = polygon (square, G_N_ELEMENTS (square));
  g_autoptr(BwShape) box = bw_shape_new_box (1, 2, 4, 6);
  g_autoptr(BwShape) back = NULL;
  GEOSGeometry *g;
  double area = 0;

  /* Parts are united: two 20 × 20 squares overlapping by 10 × 10. */
  bw_shape_add_part (shape, (const BwPoint *) (gconstpointer) overlapping, 4);
  g = bw_shape_to_geos (geos, shape);
  g_assert_nonnull (g);
  g_assert_cmpint (GEOSArea_r (geos, g, &area), ==, 1);
  g_assert_cmpfloat_with_epsilon (area, 400 + 400 - 100, 1e-9);
  back = bw_shape_new_from_geos (geos, g);
  g_assert_nonnull (back);
  g_assert_cmpuint (back->n_parts, ==, 1);
  g_assert_cmpfloat_with_epsilon (shoelace_area (back), 700, 1e-9);
  GEOSGeom_destroy_r (geos, g);

  g = bw_shape_to_geos (geos, box);
  g_assert_cmpint (GEOSArea_r (geos, g, &area), ==, 1);
  g_assert_cmpfloat (area, ==, 12);
  GEOSGeom_destroy_r (geos, g);
}

/* Each thread has its own GEOS context. */
static gpointer
context_in_thread (gpointer data)
{
  return bw_geometry_geos_context ();
}

static void
test_context_per_thread (void)
{
  GThread *thread = g_thread_new ("geos", context_in_thread, NULL);
  gpointer other = g_thread_join (thread);

  g_assert_nonnull (other);
  g_assert_true (other != (gpointer) bw_geometry_geos_context ());
  g_assert_true (bw_geometry_geos_context () == bw_geometry_geos_context ());
}

/* Imports */

typedef struct
{
  char      *dir;
  BwProject *project;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *images = NULL;
  g_autofree char *image = NULL;
  g_autoptr(GFile) file = NULL;

  f->dir = g_dir_make_tmp ("bw-test-shapes-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "p.boxwood", NULL);
  file = g_file_new_for_path (path);
  f->project = bw_project_create (file, &error);
  g_assert_no_error (error);

  images = g_build_filename (f->dir, "img", NULL);
  g_assert_cmpint (g_mkdir (images, 0755), ==, 0);
  image = g_build_filename (images, "a.png", NULL);
  g_assert_true (bw_test_write_png (image, 100, 90, 0, &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_assert_finalize_object (f->project);
  bw_test_remove_tree (f->dir);
  g_free (f->dir);
}

static char *
write_file (Fixture    *f,
            const char *name,
            const char *text,
            gssize      length)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (f->dir, name, NULL);

  g_assert_true (g_file_set_contents (path, text, length, &error));
  g_assert_no_error (error);
  return path;
}

/* The shapes of the one image's layers, sorted, as text. */
static GPtrArray *
stored_shapes (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = bw_project_list_image_ids (f->project, -1, NULL, &error);
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) bw_shape_free);

  g_assert_no_error (error);
  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(GPtrArray) layers = bw_project_list_layers (f->project, g_array_index (ids, gint64, i), &error);

      g_assert_no_error (error);
      for (guint j = 0; j < layers->len; j++)
        {
          BwLayer *layer = g_ptr_array_index (layers, j);
          g_autoptr(GPtrArray) anns = bw_project_list_annotations (f->project, layer->id, &error);

          g_assert_no_error (error);
          for (guint k = 0; k < anns->len; k++)
            g_ptr_array_add (out, bw_shape_copy (((BwAnnotation *) g_ptr_array_index (anns, k))->shape));
        }
    }
  return out;
}

#define IMAGES "\"images\": [{\"id\": 1, \"file_name\": \"img/a.png\", \"width\": 100, \"height\": 90}]"
#define CATEGORIES "\"categories\": [{\"id\": 1, \"name\": \"thing\"}]"

static void
test_coco_import_refuses (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) text = g_string_new ("{" IMAGES ", " CATEGORIES ", \"annotations\": [");
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFile) folder = g_file_new_for_path (f->dir);
  g_autoptr(GPtrArray) shapes = NULL;
  BwCocoImportOptions options = { .images_folder = folder };
  BwAnnotationImportResult result;
  guint id = 0;

#define ANN(geometry) g_string_append_printf (text, "%s{\"id\": %u, \"image_id\": 1, \"category_id\": 1, " geometry "}", id ? ", " : "", id + 1), id++

  ANN ("\"segmentation\": [[-1e300, -1e300, 1e300, -1e300, 1e300, 1e300]]");    /* outside */
  ANN ("\"bbox\": [-1000, -1000, 1010, 1010]");                                   /* outside */
  ANN ("\"segmentation\": [[10, 10, 20, 20, 30, 30]]");                           /* no area */
  ANN ("\"segmentation\": [[1, 2, 1, 2, 1, 2]]");                                 /* no area */
  ANN ("\"segmentation\": [[0, 0, 60, 60, 60, 0, 0, 60]]");                       /* bow tie: fitted */
  ANN ("\"bbox\": [20, 30, 90, 65]");                                             /* cut */
  ANN ("\"segmentation\": [[10, 10, 50, 10, 50, 50]]");                           /* kept */
  /* 2^20 + 1 points: it imported, and then every export failed. */
  g_string_append_printf (text, ", {\"id\": %u, \"image_id\": 1, \"category_id\": 1, \"segmentation\": [[", ++id);
  for (guint i = 0; i <= BW_SHAPE_MAX_POINTS; i++)
    g_string_append_printf (text, "%s%u, %u", i ? ", " : "", 10 + i % 50, 10 + (i / 50) % 50);
  g_string_append (text, "]]}]}");
#undef ANN

  path = write_file (f, "in.json", text->str, text->len);
  file = g_file_new_for_path (path);
  g_assert_true (bw_coco_import (f->project, file, &options, &result, NULL, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (result.annotations, ==, 3);
  g_assert_cmpuint (result.refused_outside, ==, 2);
  g_assert_cmpuint (result.refused_degenerate, ==, 2);
  g_assert_cmpuint (result.refused_too_big, ==, 1);
  g_assert_cmpuint (result.fitted, ==, 2);
  {
    g_autofree char *line = bw_annotation_import_result_describe (&result);

    g_assert_nonnull (strstr (line, "2 refused as mostly outside the image"));
    g_assert_nonnull (strstr (line, "2 refused as having no area"));
    g_assert_nonnull (strstr (line, "1 refused for more than 1048576 points"));
    g_assert_nonnull (strstr (line, "2 cut to the image or made valid"));
  }

  shapes = stored_shapes (f);
  g_assert_cmpuint (shapes->len, ==, 3);
  for (guint i = 0; i < shapes->len; i++)
    {
      BwShape *shape = g_ptr_array_index (shapes, i);

      g_assert_true (bw_shape_validate (shape, NULL));
      g_assert_cmpfloat (shape->bbox.x0, >=, 0);
      g_assert_cmpfloat (shape->bbox.y0, >=, 0);
      g_assert_cmpfloat (shape->bbox.x1, <=, 100);
      g_assert_cmpfloat (shape->bbox.y1, <=, 90);
    }

  /* What was imported exports. */
  {
    g_autofree char *out_path = g_build_filename (f->dir, "out.json", NULL);
    g_autoptr(GFile) out = g_file_new_for_path (out_path);
    BwCocoExportOptions export_options = { .status = BW_EXPORT_STATUS_ALL };
    BwExportResult export_result = { 0 };

    g_assert_true (bw_coco_export (f->project, out, &export_options, NULL, NULL, &export_result, NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (export_result.annotations, ==, 3);
    bw_export_result_clear (&export_result);
  }
}

static void
test_predictions_refused (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) folder = g_file_new_for_path (f->dir);
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;
  g_autofree char *predictions = NULL;
  BwCocoImportOptions options = { .images_folder = folder };
  BwAnnotationImportResult result;

  path = write_file (f, "in.json", "{" IMAGES ", " CATEGORIES ", \"annotations\": []}", -1);
  file = g_file_new_for_path (path);
  g_assert_true (bw_coco_import (f->project, file, &options, &result, NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&file);

  predictions = write_file (f, "predictions.json",
                            "[{\"image_id\": 1, \"category_id\": 1, \"score\": 0.9, \"bbox\": [-1000, -1000, 1010, 1010]},"
                            " {\"image_id\": 1, \"category_id\": 1, \"score\": 0.9, \"segmentation\": [[5, 5, 5, 5, 5, 5]]},"
                            " {\"image_id\": 1, \"category_id\": 1, \"score\": 0.8, \"bbox\": [10, 10, 20, 20]}]", -1);
  file = g_file_new_for_path (predictions);
  options.predictions = TRUE;
  g_assert_true (bw_coco_import (f->project, file, &options, &result, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.annotations, ==, 1);
  g_assert_cmpuint (result.refused_outside, ==, 1);
  g_assert_cmpuint (result.refused_degenerate, ==, 1);
}

static void
test_labelme_refused (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GPtrArray) shapes = NULL;
  BwAnnotationImportResult result;

  /* A rectangle at ±1e308 became a box over the whole image. */
  path = write_file (f, "a.json",
                     "{\"imagePath\": \"img/a.png\", \"imageWidth\": 100, \"imageHeight\": 90, \"shapes\": ["
                     " {\"label\": \"x\", \"shape_type\": \"rectangle\", \"points\": [[-1e308, -1e308], [1e308, 1e308]]},"
                     " {\"label\": \"x\", \"shape_type\": \"polygon\", \"points\": [[0, 0], [60, 60], [60, 0], [0, 60]]},"
                     " {\"label\": \"x\", \"shape_type\": \"polygon\", \"points\": [[1, 1], [2, 2], [3, 3]]},"
                     " {\"label\": \"x\", \"shape_type\": \"rectangle\", \"points\": [[-5, 10], [40, 50]]}"
                     "]}", -1);
  file = g_file_new_for_path (path);
  g_assert_true (bw_labelme_import (f->project, &file, 1, &result, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.annotations, ==, 2);
  g_assert_cmpuint (result.refused_outside, ==, 1);
  g_assert_cmpuint (result.refused_degenerate, ==, 1);
  g_assert_cmpuint (result.fitted, ==, 2);

  shapes = stored_shapes (f);
  g_assert_cmpuint (shapes->len, ==, 2);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/geometry/fit-to-image", test_fit_to_image);
  g_test_add_func ("/core/geometry/to-geos", test_to_geos);
  g_test_add_func ("/core/geometry/geos-context-per-thread", test_context_per_thread);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/core/import/coco-refuses-and-counts-shapes", test_coco_import_refuses);
  ADD ("/core/import/predictions-refuse-and-count-shapes", test_predictions_refused);
  ADD ("/core/import/labelme-refuses-and-counts-shapes", test_labelme_refused);

  return g_test_run ();
}
