/* test-spatial-index.c — the grid index and the in-memory annotation set
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "bw-annotation-set.h"
#include "bw-spatial-index.h"

static gboolean
ids_contain (GArray *ids,
             gint64  id)
{
  for (guint i = 0; i < ids->len; i++)
    if (g_array_index (ids, gint64, i) == id)
      return TRUE;
  return FALSE;
}

static void
test_query_matches_brute_force (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  g_autoptr(BwSpatialIndex) index = bw_spatial_index_new (2000, 1000);
  BwRect rects[500];

  for (guint i = 0; i < G_N_ELEMENTS (rects); i++)
    {
      double x = g_rand_double_range (rand, -100, 2000);
      double y = g_rand_double_range (rand, -100, 1000);
      /* Some very large rectangles, to go through the "large" list. */
      double w = i % 50 == 0 ? 1500 : g_rand_double_range (rand, 1, 120);
      double h = i % 50 == 0 ? 900 : g_rand_double_range (rand, 1, 120);

      rects[i] = (BwRect) { x, y, x + w, y + h };
      bw_spatial_index_insert (index, i + 1, &rects[i]);
    }
  g_assert_cmpuint (bw_spatial_index_get_size (index), ==, G_N_ELEMENTS (rects));

  for (guint q = 0; q < 200; q++)
    {
      g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
      double x = g_rand_double_range (rand, -200, 2100);
      double y = g_rand_double_range (rand, -200, 1100);
      BwRect query = { x, y, x + g_rand_double_range (rand, 0, 300), y + g_rand_double_range (rand, 0, 300) };
      guint expected = 0;

      bw_spatial_index_query_rect (index, &query, ids);
      for (guint i = 0; i < G_N_ELEMENTS (rects); i++)
        {
          gboolean touches = bw_rect_intersects (&rects[i], &query);

          expected += touches;
          g_assert_cmpint (ids_contain (ids, i + 1), ==, touches);
        }
      /* Each one once, though it may span several cells. */
      g_assert_cmpuint (ids->len, ==, expected);
    }
}

static void
test_move_and_remove (void)
{
  g_autoptr(BwSpatialIndex) index = bw_spatial_index_new (1000, 1000);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  BwRect a = { 10, 10, 20, 20 };
  BwRect b = { 900, 900, 950, 950 };
  BwRect got;

  bw_spatial_index_insert (index, 42, &a);
  bw_spatial_index_query_point (index, 15, 15, 0, ids);
  g_assert_cmpuint (ids->len, ==, 1);

  /* Inserting the same id again moves it. */
  bw_spatial_index_insert (index, 42, &b);
  g_assert_cmpuint (bw_spatial_index_get_size (index), ==, 1);
  g_array_set_size (ids, 0);
  bw_spatial_index_query_point (index, 15, 15, 0, ids);
  g_assert_cmpuint (ids->len, ==, 0);
  bw_spatial_index_query_point (index, 920, 920, 0, ids);
  g_assert_cmpuint (ids->len, ==, 1);
  g_assert_true (bw_spatial_index_lookup (index, 42, &got));
  g_assert_cmpfloat (got.x0, ==, 900);

  /* Tolerance reaches a shape just beside the point. */
  g_array_set_size (ids, 0);
  bw_spatial_index_query_point (index, 896, 920, 5, ids);
  g_assert_cmpuint (ids->len, ==, 1);

  g_assert_true (bw_spatial_index_remove (index, 42));
  g_assert_false (bw_spatial_index_remove (index, 42));
  g_assert_false (bw_spatial_index_lookup (index, 42, NULL));
  g_array_set_size (ids, 0);
  bw_spatial_index_query_point (index, 920, 920, 0, ids);
  g_assert_cmpuint (ids->len, ==, 0);
  g_assert_cmpuint (bw_spatial_index_get_size (index), ==, 0);

  /* A slot freed by a removal is reused without mixing ids. */
  bw_spatial_index_insert (index, 7, &a);
  bw_spatial_index_insert (index, 8, &b);
  g_array_set_size (ids, 0);
  bw_spatial_index_query_point (index, 15, 15, 0, ids);
  g_assert_cmpuint (ids->len, ==, 1);
  g_assert_cmpint (g_array_index (ids, gint64, 0), ==, 7);
}

static BwAnnotation *
make_annotation (gint64   id,
                 gint64   category_id,
                 BwShape *shape)
{
  BwAnnotation *a = g_new0 (BwAnnotation, 1);

  a->id = id;
  a->layer_id = 1;
  a->category_id = category_id;
  a->shape = shape;
  a->score = 1.0;

  return a;
}

static void
test_set_hit_test (void)
{
  g_autoptr(BwAnnotationSet) set = bw_annotation_set_new (1000, 800);
  g_autoptr(GHashTable) hidden = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GPtrArray) found = g_ptr_array_new ();
  const BwPoint triangle[] = { { 500, 100 }, { 700, 500 }, { 300, 500 } };
  gint64 hidden_category = 2;
  guint64 stamp;

  bw_annotation_set_take (set, make_annotation (3, 1, bw_shape_new_box (100, 100, 400, 400)));
  bw_annotation_set_take (set, make_annotation (1, 1, bw_shape_new_box (150, 150, 200, 200)));
  bw_annotation_set_take (set, make_annotation (2, 2, bw_shape_new_polygon (triangle, 3)));

  /* Kept in id order whatever the insertion order. */
  g_assert_cmpuint (bw_annotation_set_get_size (set), ==, 3);
  g_assert_cmpint (bw_annotation_set_get_nth (set, 0)->id, ==, 1);
  g_assert_cmpint (bw_annotation_set_get_nth (set, 2)->id, ==, 3);

  /* The smaller shape inside the larger one wins. */
  g_assert_cmpint (bw_annotation_set_hit_test (set, 160, 160, 2, NULL), ==, 1);
  g_assert_cmpint (bw_annotation_set_hit_test (set, 300, 300, 2, NULL), ==, 3);
  /* Inside the polygon's bounding box but outside the polygon: the box. */
  g_assert_cmpint (bw_annotation_set_hit_test (set, 350, 150, 2, NULL), ==, 3);
  /* Inside the triangle. */
  g_assert_cmpint (bw_annotation_set_hit_test (set, 500, 300, 2, NULL), ==, 2);
  /* Near an edge, outside: within tolerance. */
  g_assert_cmpint (bw_annotation_set_hit_test (set, 500, 503, 4, NULL), ==, 2);
  g_assert_cmpint (bw_annotation_set_hit_test (set, 500, 510, 4, NULL), ==, 0);
  g_assert_cmpint (bw_annotation_set_hit_test (set, 900, 700, 4, NULL), ==, 0);

  /* Hidden categories are not hit. */
  g_hash_table_add (hidden, &hidden_category);
  g_assert_cmpint (bw_annotation_set_hit_test (set, 500, 300, 2, hidden), ==, 0);

  /* Replacing moves it in the index; the stamp says the set changed. */
  stamp = bw_annotation_set_get_stamp (set);
  bw_annotation_set_take (set, make_annotation (1, 1, bw_shape_new_box (600, 600, 650, 650)));
  g_assert_cmpuint (bw_annotation_set_get_stamp (set), !=, stamp);
  g_assert_cmpuint (bw_annotation_set_get_size (set), ==, 3);
  g_assert_cmpint (bw_annotation_set_hit_test (set, 160, 160, 2, NULL), ==, 3);
  g_assert_cmpint (bw_annotation_set_hit_test (set, 620, 620, 2, NULL), ==, 1);

  /* A query of part of the image comes back in drawing order. */
  bw_annotation_set_query_rect (set, &(BwRect) { 0, 0, 800, 700 }, found);
  g_assert_cmpuint (found->len, ==, 3);
  g_assert_cmpint (((BwAnnotation *) found->pdata[0])->id, ==, 1);
  g_assert_cmpint (((BwAnnotation *) found->pdata[1])->id, ==, 2);
  g_assert_cmpint (((BwAnnotation *) found->pdata[2])->id, ==, 3);

  g_assert_true (bw_annotation_set_remove (set, 3));
  g_assert_false (bw_annotation_set_remove (set, 3));
  g_assert_null (bw_annotation_set_lookup (set, 3));
  g_assert_cmpint (bw_annotation_set_hit_test (set, 300, 300, 2, NULL), ==, 0);
}

static void
test_near_outline (void)
{
  g_autoptr(BwShape) box = bw_shape_new_box (10, 10, 50, 30);

  g_assert_true (bw_shape_near_outline (box, 10, 20, 0.5));
  g_assert_true (bw_shape_near_outline (box, 52, 20, 3));
  g_assert_false (bw_shape_near_outline (box, 30, 20, 3));
  g_assert_false (bw_shape_near_outline (box, 60, 20, 3));
  g_assert_true (bw_shape_near_outline (box, 30, 28, 3));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/spatial-index/query-matches-brute-force", test_query_matches_brute_force);
  g_test_add_func ("/core/spatial-index/move-and-remove", test_move_and_remove);
  g_test_add_func ("/core/annotation-set/hit-test", test_set_hit_test);
  g_test_add_func ("/core/annotation-set/near-outline", test_near_outline);

  return g_test_run ();
}
