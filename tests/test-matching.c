/* test-matching.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

#include "bw-matching.h"

/* The best total of an assignment by trying every one: rows choose
 * distinct columns or nothing. */
static double
brute_force_best (const double *w,
                  guint         n_rows,
                  guint         n_cols,
                  guint         row,
                  guint32       used)
{
  double best;

  if (row == n_rows)
    return 0.0;

  best = brute_force_best (w, n_rows, n_cols, row + 1, used);
  for (guint c = 0; c < n_cols; c++)
    {
      if ((used & (1u << c)) || w[row * n_cols + c] <= 0.0)
        continue;
      best = MAX (best, w[row * n_cols + c] +
                        brute_force_best (w, n_rows, n_cols, row + 1, used | (1u << c)));
    }
  return best;
}

static void
test_hungarian_against_brute_force (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261129);

  for (guint round = 0; round < 3000; round++)
    {
      guint n_rows = g_rand_int_range (rand, 0, 7);
      guint n_cols = g_rand_int_range (rand, 0, 7);
      double w[49];
      int row_to_col[7];
      guint32 used = 0;
      double total = 0.0;

      for (guint k = 0; k < n_rows * n_cols; k++)
        {
          /* Many forbidden pairs, some ties. */
          double r = g_rand_double (rand);

          w[k] = r < 0.4 ? 0.0 : r < 0.55 ? 0.75 : g_rand_double_range (rand, 0.5, 1.0);
        }

      bw_hungarian_maximise (w, n_rows, n_cols, row_to_col);
      for (guint r = 0; r < n_rows; r++)
        {
          int c = row_to_col[r];

          if (c < 0)
            continue;
          g_assert_cmpint (c, <, (int) n_cols);
          g_assert_false (used & (1u << c));
          g_assert_cmpfloat (w[r * n_cols + c], >, 0.0);
          used |= 1u << c;
          total += w[r * n_cols + c];
        }

      g_assert_cmpfloat_with_epsilon (total, brute_force_best (w, n_rows, n_cols, 0, 0), 1e-12);
    }
}

static BwShape *
square (double x,
        double y,
        double size)
{
  return bw_shape_new_box (x, y, x + size, y + size);
}

static void
test_iou (void)
{
  g_autoptr(BwMatcher) matcher = bw_matcher_new (0.5);
  g_autoptr(BwShape) box = bw_shape_new_box (0, 0, 2, 2);
  g_autoptr(BwShape) touching = bw_shape_new_box (2, 0, 4, 2);
  g_autoptr(BwShape) half = bw_shape_new_box (1, 0, 3, 2);
  const BwPoint lower_left[] = { {0, 0}, {2, 2}, {0, 2} };
  const BwPoint left_part[] = { {0, 0}, {1, 0}, {1, 2}, {0, 2} };
  const BwPoint right_part[] = { {1, 0}, {2, 0}, {2, 2}, {1, 2} };
  const BwPoint far_part[] = { {10, 10}, {12, 10}, {12, 12}, {10, 12} };
  const BwPoint inner[] = { {0.5, 0.5}, {1.5, 0.5}, {1.5, 1.5}, {0.5, 1.5} };
  const BwPoint bowtie[] = { {0, 0}, {2, 2}, {2, 0}, {0, 2} };
  g_autoptr(BwShape) triangle = bw_shape_new_polygon (lower_left, 3);
  g_autoptr(BwShape) two_halves = bw_shape_new_polygon (left_part, 4);
  g_autoptr(BwShape) split = bw_shape_new_polygon (left_part, 4);
  g_autoptr(BwShape) nested = bw_shape_new_polygon (left_part, 4);
  g_autoptr(BwShape) bow = bw_shape_new_polygon (bowtie, 4);

  g_assert_cmpfloat (bw_matcher_shape_iou (matcher, box, box), ==, 1.0);
  g_assert_cmpfloat (bw_matcher_shape_iou (matcher, box, touching), ==, 0.0);
  g_assert_cmpfloat_with_epsilon (bw_matcher_shape_iou (matcher, box, half), 2.0 / 6.0, 1e-15);

  /* Box against polygon: the triangle is half the box. */
  g_assert_cmpfloat_with_epsilon (bw_matcher_shape_iou (matcher, box, triangle), 0.5, 1e-15);
  g_assert_cmpfloat_with_epsilon (bw_matcher_shape_iou (matcher, triangle, box), 0.5, 1e-15);

  /* Two parts that make up the box are the box. */
  bw_shape_add_part (two_halves, right_part, 4);
  g_assert_cmpfloat_with_epsilon (bw_matcher_shape_iou (matcher, two_halves, box), 1.0, 1e-15);

  /* A far part adds area and nothing to the overlap: 2 / (6 + 4 − 2). */
  bw_shape_add_part (split, far_part, 4);
  g_assert_cmpfloat_with_epsilon (bw_matcher_shape_iou (matcher, split, box), 2.0 / 8.0, 1e-15);

  /* A part inside another is united with it, as COCO rasterises parts. */
  bw_shape_add_part (nested, inner, 4);
  g_assert_cmpfloat_with_epsilon (bw_shape_area (box), 4.0, 1e-15);
  g_assert_cmpfloat_with_epsilon (bw_matcher_shape_iou (matcher, nested, box),
                                  (2.0 + 0.5) / 4.0, 1e-15);

  /* A self-intersecting part is made valid: two triangles of area 1. */
  g_assert_cmpfloat_with_epsilon (bw_matcher_shape_iou (matcher, bow, box), 2.0 / 4.0, 1e-15);
}

static void
test_error_kinds (void)
{
  g_autoptr(BwMatcher) matcher = bw_matcher_new (0.5);
  g_autoptr(GPtrArray) shapes = g_ptr_array_new_with_free_func ((GDestroyNotify) bw_shape_free);
  BwMatchShape ref[5], ann[6];
  BwMatchOutcome ref_out[5], ann_out[6];

  /* Reference: five objects of categories 1 and 2, far apart. */
  g_ptr_array_add (shapes, square (0, 0, 10));     /* r0, cat 1: matched */
  g_ptr_array_add (shapes, square (100, 0, 10));   /* r1, cat 1: labelled as 2 */
  g_ptr_array_add (shapes, square (200, 0, 10));   /* r2, cat 2: loosely drawn */
  g_ptr_array_add (shapes, square (300, 0, 10));   /* r3, cat 2: missed */
  g_ptr_array_add (shapes, square (400, 0, 10));   /* r4, cat 1: tight, then a poor copy */
  ref[0] = (BwMatchShape) { 1, shapes->pdata[0] };
  ref[1] = (BwMatchShape) { 1, shapes->pdata[1] };
  ref[2] = (BwMatchShape) { 2, shapes->pdata[2] };
  ref[3] = (BwMatchShape) { 2, shapes->pdata[3] };
  ref[4] = (BwMatchShape) { 1, shapes->pdata[4] };

  g_ptr_array_add (shapes, square (1, 0, 10));     /* a0: TP of r0, IoU 90/110 */
  g_ptr_array_add (shapes, square (100, 1, 10));   /* a1: wrong category on r1 */
  g_ptr_array_add (shapes, square (205, 0, 10));   /* a2: IoU 50/150, poor on r2 */
  g_ptr_array_add (shapes, square (0, 1, 10));     /* a3: duplicate of r0 */
  g_ptr_array_add (shapes, square (500, 0, 10));   /* a4: extra */
  g_ptr_array_add (shapes, square (400, 0, 10));   /* a5: TP of r4, IoU 1 */
  ann[0] = (BwMatchShape) { 1, shapes->pdata[5] };
  ann[1] = (BwMatchShape) { 2, shapes->pdata[6] };
  ann[2] = (BwMatchShape) { 2, shapes->pdata[7] };
  ann[3] = (BwMatchShape) { 1, shapes->pdata[8] };
  ann[4] = (BwMatchShape) { 1, shapes->pdata[9] };
  ann[5] = (BwMatchShape) { 1, shapes->pdata[10] };

  bw_matcher_match (matcher, ann, 6, ref, 5, ann_out, ref_out);

  g_assert_cmpint (ann_out[0].kind, ==, BW_MATCH_TRUE_POSITIVE);
  g_assert_cmpint (ann_out[0].partner, ==, 0);
  g_assert_cmpfloat_with_epsilon (ann_out[0].iou, 90.0 / 110.0, 1e-15);
  g_assert_cmpint (ann_out[1].kind, ==, BW_MATCH_WRONG_CATEGORY);
  g_assert_cmpint (ann_out[1].partner, ==, 1);
  g_assert_cmpint (ann_out[2].kind, ==, BW_MATCH_POOR_LOCALISATION);
  g_assert_cmpint (ann_out[2].partner, ==, 2);
  g_assert_cmpfloat_with_epsilon (ann_out[2].iou, 50.0 / 150.0, 1e-15);
  g_assert_cmpint (ann_out[3].kind, ==, BW_MATCH_DUPLICATE);
  g_assert_cmpint (ann_out[3].partner, ==, 0);
  g_assert_cmpint (ann_out[4].kind, ==, BW_MATCH_EXTRA);
  g_assert_cmpint (ann_out[4].partner, ==, -1);
  g_assert_cmpint (ann_out[5].kind, ==, BW_MATCH_TRUE_POSITIVE);

  g_assert_cmpint (ref_out[0].kind, ==, BW_MATCH_TRUE_POSITIVE);
  g_assert_cmpint (ref_out[0].partner, ==, 0);
  g_assert_cmpint (ref_out[1].kind, ==, BW_MATCH_WRONG_CATEGORY);
  g_assert_cmpint (ref_out[2].kind, ==, BW_MATCH_POOR_LOCALISATION);
  g_assert_cmpint (ref_out[3].kind, ==, BW_MATCH_MISSED);
  g_assert_cmpint (ref_out[4].kind, ==, BW_MATCH_TRUE_POSITIVE);
  g_assert_cmpint (ref_out[4].partner, ==, 5);
}

/* The assignment maximises total IoU, where a greedy one by best pair
 * would not: a0 fits r0 best, but giving r0 to a1 matches both. */
static void
test_optimal_not_greedy (void)
{
  g_autoptr(BwMatcher) matcher = bw_matcher_new (0.5);
  g_autoptr(BwShape) r0 = bw_shape_new_box (0, 0, 10, 10);
  g_autoptr(BwShape) r1 = bw_shape_new_box (4, 0, 14, 10);
  g_autoptr(BwShape) a0 = bw_shape_new_box (1, 0, 11, 10);   /* 9/11 with r0, 7/13 with r1 */
  g_autoptr(BwShape) a1 = bw_shape_new_box (-3, 0, 7, 10);   /* 7/13 with r0, 3/17 with r1 */
  BwMatchShape ref[] = { { 1, r0 }, { 1, r1 } };
  BwMatchShape ann[] = { { 1, a0 }, { 1, a1 } };
  BwMatchOutcome ref_out[2], ann_out[2];

  g_assert_cmpfloat (bw_matcher_shape_iou (matcher, a0, r0), >, bw_matcher_shape_iou (matcher, a0, r1));
  g_assert_cmpfloat (bw_matcher_shape_iou (matcher, a0, r0), >, bw_matcher_shape_iou (matcher, a1, r0));

  bw_matcher_match (matcher, ann, 2, ref, 2, ann_out, ref_out);
  g_assert_cmpint (ann_out[0].kind, ==, BW_MATCH_TRUE_POSITIVE);
  g_assert_cmpint (ann_out[0].partner, ==, 1);
  g_assert_cmpint (ann_out[1].kind, ==, BW_MATCH_TRUE_POSITIVE);
  g_assert_cmpint (ann_out[1].partner, ==, 0);
}

static void
test_empty_sides (void)
{
  g_autoptr(BwMatcher) matcher = bw_matcher_new (0.5);
  g_autoptr(BwShape) box = bw_shape_new_box (0, 0, 10, 10);
  BwMatchShape one[] = { { 1, box } };
  BwMatchOutcome out[1];

  bw_matcher_match (matcher, one, 1, NULL, 0, out, NULL);
  g_assert_cmpint (out[0].kind, ==, BW_MATCH_EXTRA);
  bw_matcher_match (matcher, NULL, 0, one, 1, NULL, out);
  g_assert_cmpint (out[0].kind, ==, BW_MATCH_MISSED);
  bw_matcher_match (matcher, NULL, 0, NULL, 0, NULL, NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/matching/hungarian-brute-force", test_hungarian_against_brute_force);
  g_test_add_func ("/core/matching/iou", test_iou);
  g_test_add_func ("/core/matching/error-kinds", test_error_kinds);
  g_test_add_func ("/core/matching/optimal-not-greedy", test_optimal_not_greedy);
  g_test_add_func ("/core/matching/empty-sides", test_empty_sides);

  return g_test_run ();
}
