/* test-geometry.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "bw-geometry.h"

static void
test_box_area_and_bbox (void)
{
  g_autoptr(BwShape) box = bw_shape_new_box (30, 40, 10, 20);

  g_assert_cmpfloat (box->bbox.x0, ==, 10);
  g_assert_cmpfloat (box->bbox.y0, ==, 20);
  g_assert_cmpfloat (box->bbox.x1, ==, 30);
  g_assert_cmpfloat (box->bbox.y1, ==, 40);
  g_assert_cmpfloat (bw_shape_area (box), ==, 400);
  g_assert_true (bw_shape_contains (box, 15, 25));
  g_assert_false (bw_shape_contains (box, 5, 25));
}

static void
test_polygon_area (void)
{
  /* An L shape: 2×2 square minus a 1×1 corner, both windings. */
  const BwPoint ccw[] = { {0, 0}, {2, 0}, {2, 1}, {1, 1}, {1, 2}, {0, 2} };
  BwPoint cw[G_N_ELEMENTS (ccw)];
  g_autoptr(BwShape) shape = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (ccw); i++)
    cw[i] = ccw[G_N_ELEMENTS (ccw) - 1 - i];

  g_assert_cmpfloat_with_epsilon (bw_geometry_polygon_area (ccw, G_N_ELEMENTS (ccw)), 3.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (bw_geometry_polygon_area (cw, G_N_ELEMENTS (cw)), 3.0, 1e-12);
  g_assert_cmpfloat (bw_geometry_polygon_area (ccw, 2), ==, 0.0);

  shape = bw_shape_new_polygon (ccw, G_N_ELEMENTS (ccw));
  g_assert_cmpfloat_with_epsilon (bw_shape_area (shape), 3.0, 1e-12);
  g_assert_cmpfloat (shape->bbox.x1, ==, 2);
  g_assert_cmpfloat (shape->bbox.y1, ==, 2);
}

static void
test_multi_part (void)
{
  const BwPoint a[] = { {0, 0}, {4, 0}, {4, 4}, {0, 4} };
  const BwPoint b[] = { {10, 10}, {12, 10}, {12, 13} };
  g_autoptr(BwShape) shape = bw_shape_new_polygon (a, 4);

  bw_shape_add_part (shape, b, 3);
  g_assert_cmpuint (shape->n_parts, ==, 2);
  g_assert_cmpuint (shape->n_points, ==, 7);
  g_assert_cmpuint (bw_shape_part_start (shape, 1), ==, 4);
  g_assert_cmpuint (bw_shape_part_size (shape, 1), ==, 3);
  g_assert_cmpfloat_with_epsilon (bw_shape_area (shape), 16.0 + 3.0, 1e-12);
  g_assert_cmpfloat (shape->bbox.x1, ==, 12);
  g_assert_true (bw_shape_contains (shape, 11.5, 11));
  g_assert_false (bw_shape_contains (shape, 7, 7));

  bw_shape_remove_part (shape, 0);
  g_assert_cmpuint (shape->n_parts, ==, 1);
  g_assert_cmpfloat (shape->bbox.x0, ==, 10);
}

static void
test_insert_remove_point (void)
{
  const BwPoint a[] = { {0, 0}, {4, 0}, {4, 4} };
  const BwPoint b[] = { {10, 10}, {12, 10}, {12, 13} };
  const BwPoint extra = { 2, -1 };
  g_autoptr(BwShape) shape = bw_shape_new_polygon (a, 3);

  bw_shape_add_part (shape, b, 3);
  bw_shape_insert_point (shape, 1, &extra);
  g_assert_cmpuint (bw_shape_part_size (shape, 0), ==, 4);
  g_assert_cmpuint (bw_shape_part_size (shape, 1), ==, 3);
  g_assert_cmpfloat (shape->points[1].y, ==, -1);
  g_assert_cmpfloat (shape->bbox.y0, ==, -1);

  bw_shape_remove_point (shape, 5);
  g_assert_cmpuint (bw_shape_part_size (shape, 1), ==, 2);
  g_assert_cmpuint (shape->n_points, ==, 6);
}

static void
test_point_in_polygon (void)
{
  const BwPoint tri[] = { {0, 0}, {10, 0}, {0, 10} };

  g_assert_true (bw_geometry_point_in_polygon (tri, 3, 1, 1));
  g_assert_true (bw_geometry_point_in_polygon (tri, 3, 4.9, 4.9));
  g_assert_false (bw_geometry_point_in_polygon (tri, 3, 5.1, 5.1));
  g_assert_false (bw_geometry_point_in_polygon (tri, 3, -1, 1));
  g_assert_false (bw_geometry_point_in_polygon (tri, 2, 1, 1));
}

static void
test_distance_to_segment (void)
{
  const BwPoint a = { 0, 0 }, b = { 10, 0 };
  double t;

  g_assert_cmpfloat_with_epsilon (bw_geometry_distance_to_segment (5, 3, &a, &b, &t), 3.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (t, 0.5, 1e-12);
  /* Beyond an end, the distance is to that end. */
  g_assert_cmpfloat_with_epsilon (bw_geometry_distance_to_segment (13, 4, &a, &b, &t), 5.0, 1e-12);
  g_assert_cmpfloat (t, ==, 1.0);
  /* A degenerate segment is a point. */
  g_assert_cmpfloat_with_epsilon (bw_geometry_distance_to_segment (3, 4, &a, &a, NULL), 5.0, 1e-12);
}

static void
test_clamp (void)
{
  const BwPoint pts[] = { {-5, 2}, {50, -3}, {20, 80} };
  g_autoptr(BwShape) box = bw_shape_new_box (-10, -10, 700, 30);
  g_autoptr(BwShape) poly = bw_shape_new_polygon (pts, 3);

  bw_shape_clamp (box, 640, 480);
  g_assert_cmpfloat (box->bbox.x0, ==, 0);
  g_assert_cmpfloat (box->bbox.y0, ==, 0);
  g_assert_cmpfloat (box->bbox.x1, ==, 640);
  g_assert_cmpfloat (box->bbox.y1, ==, 30);

  bw_shape_clamp (poly, 40, 60);
  g_assert_cmpfloat (poly->points[0].x, ==, 0);
  g_assert_cmpfloat (poly->points[1].x, ==, 40);
  g_assert_cmpfloat (poly->points[1].y, ==, 0);
  g_assert_cmpfloat (poly->points[2].y, ==, 60);
  g_assert_cmpfloat (poly->bbox.x1, ==, 40);
}

static void
test_validate (void)
{
  const BwPoint two_distinct[] = { {0, 0}, {5, 5}, {0, 0}, {5, 5} };
  const BwPoint good[] = { {0, 0}, {5, 5}, {0, 5} };
  g_autoptr(BwShape) tiny = bw_shape_new_box (0, 0, 0.5, 10);
  g_autoptr(BwShape) ok = bw_shape_new_box (0, 0, 1, 1);
  g_autoptr(BwShape) nan = bw_shape_new_box (0, 0, NAN, 1);
  g_autoptr(BwShape) degenerate = bw_shape_new_polygon (two_distinct, 4);
  g_autoptr(BwShape) poly = bw_shape_new_polygon (good, 3);
  g_autoptr(GError) error = NULL;

  g_assert_false (bw_shape_validate (tiny, &error));
  g_assert_error (error, BW_GEOMETRY_ERROR, BW_GEOMETRY_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (bw_shape_validate (ok, NULL));
  g_assert_false (bw_shape_validate (nan, NULL));
  g_assert_false (bw_shape_validate (degenerate, NULL));
  g_assert_true (bw_shape_validate (poly, NULL));

  /* A second part that is degenerate spoils the whole shape. */
  bw_shape_add_part (poly, two_distinct, 2);
  g_assert_false (bw_shape_validate (poly, NULL));
}

static void
test_serialize_round_trip (void)
{
  const BwPoint a[] = { {0.25, 0.5}, {4, 0}, {4, 4.125} };
  const BwPoint b[] = { {10, 10}, {12, 10}, {12, 13}, {10, 13} };
  g_autoptr(BwShape) shape = bw_shape_new_polygon (a, 3);
  g_autoptr(BwShape) copy = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  gsize size;
  const guint8 *data;

  bw_shape_add_part (shape, b, 4);
  bytes = bw_shape_serialize_parts (shape);
  data = g_bytes_get_data (bytes, &size);
  g_assert_cmpuint (size, ==, 4 + 2 * 4 + 7 * 16);

  copy = bw_shape_deserialize (BW_SHAPE_POLYGON, &shape->bbox, data, size, &error);
  g_assert_no_error (error);
  g_assert_true (bw_shape_equal (shape, copy));

  /* Every truncation and a trailing byte are refused, never read past. */
  for (gsize cut = 0; cut < size; cut++)
    {
      g_autoptr(BwShape) bad = bw_shape_deserialize (BW_SHAPE_POLYGON, &shape->bbox, data, cut, NULL);
      g_assert_null (bad);
    }
  {
    g_autofree guint8 *longer = g_malloc0 (size + 1);
    g_autoptr(BwShape) bad = NULL;

    memcpy (longer, data, size);
    bad = bw_shape_deserialize (BW_SHAPE_POLYGON, &shape->bbox, longer, size + 1, &error);
    g_assert_null (bad);
    g_assert_error (error, BW_GEOMETRY_ERROR, BW_GEOMETRY_ERROR_INVALID);
  }
}

static void
test_hostile_blob (void)
{
  /* A part count and point count that would overflow a naive size
   * computation must be refused without allocating. */
  const guint8 blob[] = { 1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0 };
  BwRect bbox = { 0 };

  g_assert_null (bw_shape_deserialize (BW_SHAPE_POLYGON, &bbox, blob, sizeof blob, NULL));
  g_assert_null (bw_shape_deserialize (42, &bbox, blob, sizeof blob, NULL));
}

static void
test_rect_iou (void)
{
  BwRect a = { 0, 0, 10, 10 };
  BwRect b = { 5, 0, 15, 10 };
  BwRect c = { 20, 20, 30, 30 };

  g_assert_cmpfloat_with_epsilon (bw_rect_iou (&a, &b), 50.0 / 150.0, 1e-12);
  g_assert_cmpfloat (bw_rect_iou (&a, &c), ==, 0.0);
  g_assert_cmpfloat (bw_rect_iou (&a, &a), ==, 1.0);
  g_assert_true (bw_rect_intersects (&a, &b));
  g_assert_false (bw_rect_intersects (&a, &c));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/geometry/box", test_box_area_and_bbox);
  g_test_add_func ("/core/geometry/polygon-area", test_polygon_area);
  g_test_add_func ("/core/geometry/multi-part", test_multi_part);
  g_test_add_func ("/core/geometry/insert-remove-point", test_insert_remove_point);
  g_test_add_func ("/core/geometry/point-in-polygon", test_point_in_polygon);
  g_test_add_func ("/core/geometry/distance-to-segment", test_distance_to_segment);
  g_test_add_func ("/core/geometry/clamp", test_clamp);
  g_test_add_func ("/core/geometry/validate", test_validate);
  g_test_add_func ("/core/geometry/serialize-round-trip", test_serialize_round_trip);
  g_test_add_func ("/core/geometry/hostile-blob", test_hostile_blob);
  g_test_add_func ("/core/geometry/rect-iou", test_rect_iou);

  return g_test_run ();
}
