/* test-coco.c — COCO export and import
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every export is checked by tests/coco_check.py, a reader written apart
 * from the exporter.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <sqlite3.h>
#include <string.h>

#include "bw-coco-export.h"
#include "bw-coco-import.h"
#include "bw-export-util.h"
#include "bw-json.h"
#include "bw-labelme-import.h"
#include "bw-test-images.h"

typedef struct
{
  char      *dir;
  BwProject *project;
  gint64     cats[3];           /* person, car, dog */
  GArray    *images;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  const char *names[] = { "person", "car", "dog" };

  f->dir = g_dir_make_tmp ("bw-coco-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "p.boxwood", NULL);
  file = g_file_new_for_path (path);
  f->project = bw_project_create (file, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < 3; i++)
    g_assert_true (bw_project_add_category (f->project, names[i], i < 1 ? "human" : i < 2 ? "vehicle" : "animal",
                                            "#3584e4", &f->cats[i], &error));
  f->images = g_array_new (FALSE, FALSE, sizeof (gint64));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_assert_finalize_object (f->project);
  g_array_unref (f->images);
  bw_test_remove_tree (f->dir);
  g_free (f->dir);
}

/* An image row; with @real, a PNG file of that size too. */
static gint64
add_image (Fixture    *f,
           const char *name,
           int         width,
           int         height,
           gboolean    real)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *absolute = g_build_filename (f->dir, name, NULL);
  g_autofree char *stored = bw_project_make_image_path (f->project, absolute);
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, name, -1);
  BwImage image = { 0, };
  gint64 id;

  if (real)
    {
      g_autofree char *parent = g_path_get_dirname (absolute);

      g_assert_cmpint (g_mkdir_with_parents (parent, 0755), ==, 0);
      g_assert_true (bw_test_write_png (absolute, width, height, 0, &error));
      g_assert_no_error (error);
    }

  image.path = stored;
  image.width = width;
  image.height = height;
  image.content_hash = hash;
  image.orientation = 1;
  g_assert_true (bw_project_add_image (f->project, &image, &id, &error));
  g_assert_no_error (error);
  g_array_append_val (f->images, id);
  return id;
}

static gint64
add_layer (Fixture       *f,
           gint64         image_id,
           const char    *person,
           BwLayerKind    kind,
           BwLayerStatus  status)
{
  g_autoptr(GError) error = NULL;
  gint64 person_id = 0, layer_id;

  if (person != NULL)
    g_assert_true (bw_project_ensure_person (f->project, person, BW_ROLE_ANNOTATOR, &person_id, &error));
  g_assert_true (bw_project_ensure_layer (f->project, image_id, person_id, kind, &layer_id, &error));
  if (status != BW_LAYER_STATUS_IN_PROGRESS)
    g_assert_true (bw_project_set_layer_status (f->project, layer_id, status, &error));
  g_assert_no_error (error);
  return layer_id;
}

static void
add_box (Fixture *f,
         gint64   layer_id,
         gint64   category,
         double   x0,
         double   y0,
         double   x1,
         double   y1)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwShape) shape = bw_shape_new_box (x0, y0, x1, y1);

  g_assert_true (bw_project_add_annotation (f->project, layer_id, category, shape,
                                            BW_SOURCE_DRAWN, 1.0, NULL, &error));
  g_assert_no_error (error);
}

static void
add_polygon (Fixture       *f,
             gint64         layer_id,
             gint64         category,
             const BwPoint *points,
             guint          n,
             const BwPoint *second,
             guint          n_second)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwShape) shape = bw_shape_new_polygon (points, n);

  if (second != NULL)
    bw_shape_add_part (shape, second, n_second);
  g_assert_true (bw_project_add_annotation (f->project, layer_id, category, shape,
                                            BW_SOURCE_DRAWN, 1.0, NULL, &error));
  g_assert_no_error (error);
}

static const BwPoint triangle[] = { { 10, 10 }, { 50, 10 }, { 30, 40.5 } };
static const BwPoint square[] = { { 60, 60 }, { 80, 60 }, { 80, 80 }, { 60, 80 } };
static const BwPoint odd[] = { { 1.1, 2.2 }, { 33.3, 4.4 }, { 20.05, 30.7 }, { 5.5, 25.25 } };

/* A small project: 4 images with work; boxes, polygons, a two-part one. */
static void
populate (Fixture *f,
          gboolean real)
{
  gint64 a = add_image (f, "img/a.png", 100, 90, real);
  gint64 b = add_image (f, "img/sub/b.png", 120, 100, real);
  gint64 c = add_image (f, "c.png", 64, 64, real);
  gint64 d = add_image (f, "img/d.png", 90, 90, real);
  gint64 la = add_layer (f, a, "ann", BW_LAYER_KIND_WORK, BW_LAYER_STATUS_ACCEPTED);
  gint64 lb = add_layer (f, b, "ann", BW_LAYER_KIND_WORK, BW_LAYER_STATUS_SUBMITTED);
  gint64 lc = add_layer (f, c, "ann", BW_LAYER_KIND_WORK, BW_LAYER_STATUS_SUBMITTED);
  gint64 ld = add_layer (f, d, "ann", BW_LAYER_KIND_WORK, BW_LAYER_STATUS_ACCEPTED);

  add_box (f, la, f->cats[0], 1, 2, 31.5, 42.25);
  add_polygon (f, la, f->cats[1], triangle, 3, NULL, 0);
  add_polygon (f, la, f->cats[2], triangle, 3, square, 4);
  add_box (f, lb, f->cats[1], 0, 0, 120, 100);
  add_polygon (f, lb, f->cats[0], odd, 4, NULL, 0);
  add_box (f, lc, f->cats[2], 10.1, 20.2, 30.3, 40.4);
  add_box (f, ld, f->cats[0], 5, 5, 25, 25);
}

static char *
taxonomy_arg (Fixture *f)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT "=person,%" G_GINT64_FORMAT "=car,%" G_GINT64_FORMAT "=dog",
                          f->cats[0], f->cats[1], f->cats[2]);
}

/* Runs coco_check.py on @files; returns its JSON counts, or fails the test
 * with its complaints. */
static JsonObject *
coco_check (Fixture            *f,
            const char * const *files,
            const char         *images_root,
            JsonNode          **out_root)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  g_ptr_array_add (argv, g_strdup ("python3"));
  g_ptr_array_add (argv, g_test_build_filename (G_TEST_DIST, "coco_check.py", NULL));
  g_ptr_array_add (argv, g_strdup ("--taxonomy"));
  g_ptr_array_add (argv, taxonomy_arg (f));
  if (images_root != NULL)
    {
      g_ptr_array_add (argv, g_strdup ("--images-root"));
      g_ptr_array_add (argv, g_strdup (images_root));
    }
  for (guint i = 0; files[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (files[i]));
  g_ptr_array_add (argv, NULL);

  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               &out, &err, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("coco_check.py failed:\n%s", err);

  *out_root = bw_json_load_data (out, strlen (out), "coco_check", NULL, &error);
  g_assert_no_error (error);
  return json_node_get_object (*out_root);
}

static JsonNode *
load (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (path);
  JsonNode *root = bw_json_load_file (file, NULL, &error);

  g_assert_no_error (error);
  return root;
}

static gboolean
export (Fixture                   *f,
        const char                *path,
        const BwCocoExportOptions *options,
        BwExportResult            *result,
        GError                   **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);

  return bw_coco_export (f->project, file, options, NULL, NULL, result, NULL, error);
}

static void
test_export_rules (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = g_build_filename (f->dir, "out.json", NULL);
  g_autoptr(JsonNode) counts_root = NULL;
  g_autoptr(JsonNode) root = NULL;
  const char *files[] = { out, NULL };
  BwExportResult result;
  JsonObject *counts, *o;
  JsonArray *annotations, *images;

  populate (f, FALSE);
  g_assert_true (export (f, out, NULL, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.n_files, ==, 1);
  g_assert_cmpuint (result.images, ==, 4);
  g_assert_cmpuint (result.annotations, ==, 7);
  bw_export_result_clear (&result);

  counts = coco_check (f, files, NULL, &counts_root);
  g_assert_cmpint (json_object_get_int_member (counts, "images"), ==, 4);
  g_assert_cmpint (json_object_get_int_member (counts, "annotations"), ==, 7);
  g_assert_cmpint (json_object_get_int_member (counts, "boxes"), ==, 4);
  g_assert_cmpint (json_object_get_int_member (counts, "polygons"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (counts, "multipart"), ==, 1);

  /* What pycocotools users read: relative file names, exact numbers. */
  root = load (out);
  o = json_node_get_object (root);
  images = json_object_get_array_member (o, "images");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (images, 0), "file_name"),
                   ==, "img/a.png");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (images, 1), "file_name"),
                   ==, "img/sub/b.png");
  annotations = json_object_get_array_member (o, "annotations");
  {
    JsonObject *box = json_array_get_object_element (annotations, 0);
    JsonArray *bbox = json_object_get_array_member (box, "bbox");
    JsonObject *two = json_array_get_object_element (annotations, 2);

    g_assert_cmpfloat (json_array_get_double_element (bbox, 2), ==, 30.5);
    g_assert_cmpfloat (json_array_get_double_element (bbox, 3), ==, 40.25);
    g_assert_cmpfloat (json_object_get_double_member (box, "area"), ==, 30.5 * 40.25);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (box, "segmentation")), ==, 0);
    /* Two parts, one annotation: triangle (40 × 30.5 / 2) + square (20 × 20). */
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (two, "segmentation")), ==, 2);
    g_assert_cmpfloat_with_epsilon (json_object_get_double_member (two, "area"), 610.0 + 400.0, 1e-9);
  }
}

static void
test_export_final_layer (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = g_build_filename (f->dir, "out.json", NULL);
  const char *files[] = { out, NULL };
  BwCocoExportOptions options = { 0, };
  BwExportResult result;
  gint64 gold = add_image (f, "gold.png", 50, 50, FALSE);
  gint64 accepted = add_image (f, "accepted.png", 50, 50, FALSE);
  gint64 work = add_image (f, "work.png", 50, 50, FALSE);
  gint64 none = add_image (f, "none.png", 50, 50, FALSE);
  gint64 excluded = add_image (f, "excluded.png", 50, 50, FALSE);
  gint64 draft = add_image (f, "draft.png", 50, 50, FALSE);
  gint64 returned = add_image (f, "returned.png", 50, 50, FALSE);
  gint64 l;

  /* Gold image: its annotators' work is exported, never the gold answer
   * they are scored against. */
  g_assert_true (bw_project_set_image_gold (f->project, gold, TRUE, &error));
  l = add_layer (f, gold, "expert", BW_LAYER_KIND_GOLD, BW_LAYER_STATUS_IN_PROGRESS);
  add_box (f, l, f->cats[0], 1, 1, 11, 11);
  l = add_layer (f, gold, "ann", BW_LAYER_KIND_WORK, BW_LAYER_STATUS_ACCEPTED);
  add_box (f, l, f->cats[1], 1, 1, 21, 21);
  add_box (f, l, f->cats[1], 1, 1, 22, 22);

  /* Accepted layer beats a newer work layer. */
  l = add_layer (f, accepted, "ann", BW_LAYER_KIND_WORK, BW_LAYER_STATUS_ACCEPTED);
  add_box (f, l, f->cats[2], 2, 2, 12, 12);
  l = add_layer (f, accepted, "other", BW_LAYER_KIND_WORK, BW_LAYER_STATUS_IN_PROGRESS);
  add_box (f, l, f->cats[0], 2, 2, 13, 13);
  add_box (f, l, f->cats[0], 2, 2, 14, 14);
  add_box (f, l, f->cats[0], 2, 2, 15, 15);

  /* Only work: the newest layer. A model layer never counts. */
  l = add_layer (f, work, "ann", BW_LAYER_KIND_WORK, BW_LAYER_STATUS_SUBMITTED);
  add_box (f, l, f->cats[0], 3, 3, 13, 13);
  l = add_layer (f, work, "model", BW_LAYER_KIND_MODEL, BW_LAYER_STATUS_IN_PROGRESS);
  add_box (f, l, f->cats[0], 3, 3, 14, 14);

  /* Work in progress, and work sent back: not exported by default. */
  l = add_layer (f, draft, "ann", BW_LAYER_KIND_WORK, BW_LAYER_STATUS_IN_PROGRESS);
  add_box (f, l, f->cats[1], 4, 4, 14, 14);
  l = add_layer (f, returned, "ann", BW_LAYER_KIND_WORK, BW_LAYER_STATUS_REJECTED);
  add_box (f, l, f->cats[1], 4, 4, 15, 15);

  l = add_layer (f, excluded, "ann", BW_LAYER_KIND_WORK, BW_LAYER_STATUS_ACCEPTED);
  add_box (f, l, f->cats[0], 3, 3, 14, 14);
  g_assert_true (bw_project_set_image_status (f->project, excluded, BW_IMAGE_STATUS_EXCLUDED, &error));
  g_assert_no_error (error);
  (void) none;

  g_assert_true (export (f, out, NULL, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.images, ==, 3);
  /* gold (its accepted work): 2, accepted: 1, work (submitted layer;
   * model ignored): 1 */
  g_assert_cmpuint (result.annotations, ==, 4);
  g_assert_cmpuint (result.left_out, ==, 2);
  bw_export_result_clear (&result);
  {
    g_autoptr(JsonNode) root = load (out);
    JsonArray *anns = json_object_get_array_member (json_node_get_object (root), "annotations");

    g_assert_cmpuint (json_array_get_length (anns), ==, 4);
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (anns, 0), "category_id"),
                     ==, f->cats[1]);
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (anns, 1), "category_id"),
                     ==, f->cats[1]);
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (anns, 2), "category_id"),
                     ==, f->cats[2]);
  }
  {
    g_autoptr(JsonNode) counts_root = NULL;

    coco_check (f, files, NULL, &counts_root);
  }

  options.status = BW_EXPORT_STATUS_ACCEPTED;
  g_assert_true (export (f, out, &options, &result, &error));
  g_assert_cmpuint (result.images, ==, 2);
  g_assert_cmpuint (result.annotations, ==, 3);
  g_assert_cmpuint (result.left_out, ==, 3);
  bw_export_result_clear (&result);

  /* The gold answers, only when asked for: the gold image alone, with the
   * expert's box. */
  options.status = BW_EXPORT_STATUS_GOLD;
  g_assert_true (export (f, out, &options, &result, &error));
  g_assert_cmpuint (result.images, ==, 1);
  g_assert_cmpuint (result.annotations, ==, 1);
  g_assert_cmpuint (result.left_out, ==, 0);
  bw_export_result_clear (&result);
  {
    g_autoptr(JsonNode) root = load (out);
    JsonArray *anns = json_object_get_array_member (json_node_get_object (root), "annotations");
    JsonArray *bbox = json_object_get_array_member (json_array_get_object_element (anns, 0), "bbox");

    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (anns, 0), "category_id"),
                     ==, f->cats[0]);
    g_assert_cmpfloat (json_array_get_double_element (bbox, 2), ==, 10);
  }

  /* Everything, when asked: the draft and the returned work too, and
   * still the accepted layer rather than the newer draft beside it. */
  options.status = BW_EXPORT_STATUS_ALL;
  g_assert_true (export (f, out, &options, &result, &error));
  g_assert_cmpuint (result.images, ==, 5);
  g_assert_cmpuint (result.annotations, ==, 6);
  g_assert_cmpuint (result.left_out, ==, 0);
  bw_export_result_clear (&result);
}

static void
test_export_subset (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = g_build_filename (f->dir, "out.json", NULL);
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) counts_root = NULL;
  const char *files[] = { out, NULL };
  BwCocoExportOptions options = { 0, };
  BwExportResult result;
  JsonArray *categories;

  populate (f, FALSE);
  options.category_ids = &f->cats[1];
  options.n_category_ids = 2;       /* car and dog */
  g_assert_true (export (f, out, &options, &result, &error));
  g_assert_cmpuint (result.annotations, ==, 4);
  bw_export_result_clear (&result);

  coco_check (f, files, NULL, &counts_root);
  root = load (out);
  categories = json_object_get_array_member (json_node_get_object (root), "categories");
  g_assert_cmpuint (json_array_get_length (categories), ==, 2);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (categories, 0), "id"),
                   ==, f->cats[1]);
}

static GHashTable *
image_ids_of (const char *path)
{
  g_autoptr(JsonNode) root = load (path);
  JsonArray *images = json_object_get_array_member (json_node_get_object (root), "images");
  GHashTable *ids = g_hash_table_new (NULL, NULL);

  for (guint i = 0; i < json_array_get_length (images); i++)
    g_hash_table_add (ids, GINT_TO_POINTER (json_object_get_int_member (json_array_get_object_element (images, i), "id")));
  return ids;
}

static void
test_export_split (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = g_build_filename (f->dir, "ds.json", NULL);
  g_autofree char *train = g_build_filename (f->dir, "ds_train.json", NULL);
  g_autofree char *val = g_build_filename (f->dir, "ds_val.json", NULL);
  g_autofree char *test = g_build_filename (f->dir, "ds_test.json", NULL);
  g_autoptr(JsonNode) counts_root = NULL;
  const char *files[] = { train, val, NULL };
  BwCocoExportOptions options = { 0, };
  BwExportResult result;
  g_autoptr(GHashTable) first_train = NULL;
  g_autoptr(GHashTable) again_train = NULL;
  g_autoptr(GHashTable) other_train = NULL;
  JsonObject *counts;
  double ratios[BW_N_SPLITS];

  g_assert_true (bw_project_begin (f->project, &error));
  for (guint i = 0; i < 50; i++)
    {
      g_autofree char *name = g_strdup_printf ("s/%02u.png", i);
      gint64 id = add_image (f, name, 40, 40, FALSE);
      gint64 l = add_layer (f, id, "ann", BW_LAYER_KIND_WORK, BW_LAYER_STATUS_SUBMITTED);

      add_box (f, l, f->cats[i % 3], 1, 1, 2 + i % 30, 3 + i % 30);
    }
  g_assert_true (bw_project_commit (f->project, &error));

  g_assert_true (bw_split_parse ("train=0.8, val=0.2", ratios, &error));
  g_assert_no_error (error);
  memcpy (options.split, ratios, sizeof ratios);
  options.seed = 7;

  g_assert_true (export (f, out, &options, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.n_files, ==, 2);
  g_assert_cmpuint (result.split_images[BW_SPLIT_TRAIN], ==, 40);
  g_assert_cmpuint (result.split_images[BW_SPLIT_VAL], ==, 10);
  g_assert_cmpuint (result.annotations, ==, 50);
  bw_export_result_clear (&result);
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (test, G_FILE_TEST_EXISTS));

  counts = coco_check (f, files, NULL, &counts_root);
  g_assert_cmpint (json_object_get_int_member (counts, "images"), ==, 50);
  g_assert_cmpint (json_object_get_int_member (counts, "files"), ==, 2);

  /* The same seed gives the same split; another seed another one. */
  first_train = image_ids_of (train);
  g_assert_true (export (f, out, &options, NULL, &error));
  again_train = image_ids_of (train);
  g_assert_cmpuint (g_hash_table_size (first_train), ==, g_hash_table_size (again_train));
  {
    GHashTableIter iter;
    gpointer key;

    g_hash_table_iter_init (&iter, first_train);
    while (g_hash_table_iter_next (&iter, &key, NULL))
      g_assert_true (g_hash_table_contains (again_train, key));
  }
  options.seed = 8;
  g_assert_true (export (f, out, &options, NULL, &error));
  other_train = image_ids_of (train);
  {
    GHashTableIter iter;
    gpointer key;
    guint same = 0;

    g_hash_table_iter_init (&iter, first_train);
    while (g_hash_table_iter_next (&iter, &key, NULL))
      same += g_hash_table_contains (other_train, key);
    g_assert_cmpuint (same, <, 40);
  }

  g_assert_false (bw_split_parse ("train=0.8,train=0.2", ratios, &error));
  g_clear_error (&error);
  g_assert_false (bw_split_parse ("train=-1,val=2", ratios, &error));
  g_clear_error (&error);
  g_assert_false (bw_split_parse ("fold=1", ratios, &error));
  g_clear_error (&error);
  g_assert_false (bw_split_parse ("train=0", ratios, &error));
  g_clear_error (&error);
}

static guint
count_files (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (g_dir_read_name (d) != NULL)
    n++;
  return n;
}

typedef struct
{
  GCancellable *cancellable;
  guint         calls;
} CancelAt;

static void
cancel_midway_cb (guint64  done,
                  guint64  total,
                  gpointer user_data)
{
  CancelAt *at = user_data;

  if (++at->calls == 2)
    g_cancellable_cancel (at->cancellable);
}

static void
test_export_cancel (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *outdir = g_build_filename (f->dir, "out", NULL);
  g_autofree char *out = g_build_filename (outdir, "old.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (out);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *contents = NULL;
  CancelAt at = { cancellable, 0 };

  populate (f, FALSE);
  g_assert_cmpint (g_mkdir (outdir, 0755), ==, 0);
  g_assert_true (g_file_set_contents (out, "previous export", -1, &error));

  g_assert_false (bw_coco_export (f->project, file, NULL, cancel_midway_cb, &at, NULL,
                                  cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_cmpuint (at.calls, >=, 2);

  /* The previous file is untouched and no temporary file is left. */
  g_assert_true (g_file_get_contents (out, &contents, NULL, &error));
  g_assert_cmpstr (contents, ==, "previous export");
  g_assert_cmpuint (count_files (outdir), ==, 1);

  /* A destination in a missing folder fails before writing anything. */
  {
    g_autoptr(GFile) nowhere = g_file_new_build_filename (f->dir, "missing", "x.json", NULL);

    g_assert_false (bw_coco_export (f->project, nowhere, NULL, NULL, NULL, NULL, NULL, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
    g_assert_nonnull (strstr (error->message, "x.json"));
  }
}

static void
test_export_copy_images (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *copy = g_build_filename (f->dir, "dataset", "images", NULL);
  g_autofree char *out = g_build_filename (f->dir, "dataset", "instances.json", NULL);
  g_autoptr(GFile) copy_file = g_file_new_for_path (copy);
  g_autoptr(JsonNode) counts_root = NULL;
  const char *files[] = { out, NULL };
  BwCocoExportOptions options = { 0, };
  BwExportResult result;
  g_autofree char *copied = g_build_filename (copy, "img", "sub", "b.png", NULL);

  populate (f, TRUE);
  g_assert_cmpint (g_mkdir_with_parents (copy, 0755), ==, 0);
  options.copy_images_to = copy_file;
  g_assert_true (export (f, out, &options, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.copied_images, ==, 4);
  bw_export_result_clear (&result);

  g_assert_true (g_file_test (copied, G_FILE_TEST_IS_REGULAR));
  /* Every file_name exists under the copy folder. */
  coco_check (f, files, copy, &counts_root);
}

/* Import */

static gboolean
import_coco (Fixture                   *f,
             const char                *path,
             const char                *images,
             BwAnnotationImportResult  *result,
             GError                   **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) folder = g_file_new_for_path (images ? images : f->dir);
  BwCocoImportOptions options = { .images_folder = folder };

  return bw_coco_import (f->project, file, &options, result, NULL, error);
}

static int
compare_lines (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

/* A canonical text of every annotation of the final layers, by image
 * path: what a round trip must keep. */
static char *
describe_annotations (BwProject *project)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = bw_project_list_image_ids (project, -1, NULL, &error);
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  GString *s = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(BwImage) image = bw_project_get_image (project, g_array_index (ids, gint64, i), &error);
      g_autoptr(GPtrArray) layers = bw_project_list_layers (project, image->id, &error);

      for (guint j = 0; j < layers->len; j++)
        {
          BwLayer *layer = g_ptr_array_index (layers, j);
          g_autoptr(GPtrArray) anns = NULL;

          if (layer->kind == BW_LAYER_KIND_MODEL)
            continue;
          anns = bw_project_list_annotations (project, layer->id, &error);
          for (guint k = 0; k < anns->len; k++)
            {
              BwAnnotation *a = g_ptr_array_index (anns, k);
              g_autoptr(BwCategory) cat = bw_project_get_category (project, a->category_id, &error);
              GString *line = g_string_new (NULL);

              g_string_append_printf (line, "%s %s %s", image->path, cat->name,
                                      a->shape->kind == BW_SHAPE_BOX ? "box" : "polygon");
              if (a->shape->kind == BW_SHAPE_BOX)
                g_string_append_printf (line, " %.6f %.6f %.6f %.6f", a->shape->bbox.x0,
                                        a->shape->bbox.y0, a->shape->bbox.x1, a->shape->bbox.y1);
              for (guint p = 0; p < a->shape->n_parts; p++)
                {
                  g_string_append (line, " |");
                  for (guint q = bw_shape_part_start (a->shape, p); q < a->shape->part_ends[p]; q++)
                    g_string_append_printf (line, " %.6f,%.6f", a->shape->points[q].x, a->shape->points[q].y);
                }
              g_ptr_array_add (lines, g_string_free (line, FALSE));
            }
        }
    }

  g_ptr_array_sort (lines, compare_lines);
  for (guint i = 0; i < lines->len; i++)
    g_string_append_printf (s, "%s\n", (char *) g_ptr_array_index (lines, i));
  return g_string_free (s, FALSE);
}

static BwProject *
new_project (const char *dir,
             const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  BwProject *project = bw_project_create (file, &error);

  g_assert_no_error (error);
  return project;
}

static void
test_round_trip (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *first = g_build_filename (f->dir, "first.json", NULL);
  g_autofree char *second = g_build_filename (f->dir, "second.json", NULL);
  g_autoptr(GFile) first_file = g_file_new_for_path (first);
  g_autoptr(GFile) second_file = g_file_new_for_path (second);
  g_autoptr(GFile) folder = g_file_new_for_path (f->dir);
  g_autofree char *original = NULL;
  g_autofree char *once = NULL;
  g_autofree char *twice = NULL;
  BwCocoImportOptions options = { .images_folder = folder };
  /* Imported annotations are work in progress: take all of it. */
  BwCocoExportOptions all = { .status = BW_EXPORT_STATUS_ALL };
  BwAnnotationImportResult result;
  BwProject *p2, *p3;

  populate (f, TRUE);
  original = describe_annotations (f->project);
  g_assert_true (export (f, first, &all, NULL, &error));
  g_assert_no_error (error);

  /* A new project next to the images: import adds them from disk. */
  p2 = new_project (f->dir, "p2.boxwood");
  g_assert_true (bw_coco_import (p2, first_file, &options, &result, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.images_added, ==, 4);
  g_assert_cmpuint (result.annotations, ==, 7);
  g_assert_cmpuint (result.multipart, ==, 1);
  g_assert_cmpuint (result.categories_added, ==, 3);
  once = describe_annotations (p2);
  g_assert_cmpstr (once, ==, original);

  /* The same file again adds nothing. */
  g_assert_true (bw_coco_import (p2, first_file, &options, &result, NULL, &error));
  g_assert_cmpuint (result.annotations, ==, 0);
  g_assert_cmpuint (result.skipped_duplicates, ==, 7);
  g_assert_cmpuint (result.images_matched, ==, 4);
  {
    g_autofree char *again = describe_annotations (p2);

    g_assert_cmpstr (again, ==, original);
  }

  g_assert_true (bw_coco_export (p2, second_file, &all, NULL, NULL, NULL, NULL, &error));
  p3 = new_project (f->dir, "p3.boxwood");
  g_assert_true (bw_coco_import (p3, second_file, &options, &result, NULL, &error));
  g_assert_no_error (error);
  twice = describe_annotations (p3);
  g_assert_cmpstr (twice, ==, original);

  g_assert_finalize_object (p2);
  g_assert_finalize_object (p3);
}

static void
assert_counts (BwProject             *project,
               const BwProjectCounts *before)
{
  g_autoptr(GError) error = NULL;
  BwProjectCounts now;

  g_assert_true (bw_project_get_counts (project, &now, &error));
  g_assert_cmpint (now.images, ==, before->images);
  g_assert_cmpint (now.annotations, ==, before->annotations);
  g_assert_cmpint (now.categories, ==, before->categories);
  g_assert_cmpint (now.layers, ==, before->layers);
}

#define IMG "{\"id\": 1, \"file_name\": \"img/a.png\", \"width\": 100, \"height\": 90}"
#define CAT "{\"id\": 1, \"name\": \"newcat\"}"
#define ANN_OK "{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 2, 3, 4]}"
#define DOC(images, anns, cats) "{\"images\": [" images "], \"annotations\": [" anns "], \"categories\": [" cats "]}"

static void
test_import_hostile (Fixture       *f,
                     gconstpointer  data)
{
  static const struct { const char *name; const char *text; const char *expect; } cases[] = {
    { "wrong-type-bbox", DOC (IMG, "{\"id\": 2, \"image_id\": 1, \"category_id\": 1, \"bbox\": \"1,2,3,4\"}", CAT),
      "annotations[0] (id 2): “bbox” must be an array of 4 finite numbers" },
    { "short-bbox", DOC (IMG, "{\"id\": 2, \"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 2, 3]}", CAT),
      "“bbox” must be an array of 4 finite numbers" },
    { "string-id", DOC (IMG, "{\"id\": \"7\", \"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 2, 3, 4]}", CAT),
      "“id”: an integer was expected, not a string" },
    { "missing-image-id", DOC (IMG, "{\"id\": 2, \"category_id\": 1, \"bbox\": [1, 2, 3, 4]}", CAT),
      "“image_id” is missing" },
    { "unknown-image-id", DOC (IMG, ANN_OK ", {\"id\": 2, \"image_id\": 99, \"category_id\": 1, \"bbox\": [1, 2, 3, 4]}", CAT),
      "annotations[1] (id 2): “image_id” 99 is not in “images”" },
    { "unknown-category-id", DOC (IMG, "{\"id\": 2, \"image_id\": 1, \"category_id\": 5, \"bbox\": [1, 2, 3, 4]}", CAT),
      "“category_id” 5 is not in “categories”" },
    { "duplicate-annotation-id", DOC (IMG, ANN_OK ", " ANN_OK, CAT),
      "the annotation id 1 appears twice" },
    { "duplicate-image-id", DOC (IMG ", " IMG, ANN_OK, CAT),
      "the image id 1 appears twice" },
    { "nan", DOC (IMG, "{\"id\": 2, \"image_id\": 1, \"category_id\": 1, \"bbox\": [NaN, 2, 3, 4]}", CAT),
      "not valid JSON at line 1" },
    { "huge-number", DOC (IMG, "{\"id\": 2, \"image_id\": 1, \"category_id\": 1, \"bbox\": [1e999, 2, 3, 4]}", CAT),
      "“bbox” must be an array of 4 finite numbers" },
    { "huge-width", DOC ("{\"id\": 1, \"file_name\": \"img/a.png\", \"width\": 1e300, \"height\": 9}", ANN_OK, CAT),
      "images[0]: “width”: an integer was expected" },
    { "two-point-polygon", DOC (IMG, "{\"id\": 2, \"image_id\": 1, \"category_id\": 1, \"segmentation\": [[1, 2, 30, 40]]}", CAT),
      "“segmentation” part 1 has 4 numbers; a polygon needs x, y pairs for at least 3 points" },
    /* A degenerate polygon is refused and counted, not an error of the
     * file: test-untrusted-shapes. */
    { "dotdot", DOC ("{\"id\": 1, \"file_name\": \"../../etc/passwd\", \"width\": 10, \"height\": 10}", ANN_OK, CAT),
      "image 1: the file name “../../etc/passwd” leads outside the image folder" },
    { "absolute", DOC ("{\"id\": 1, \"file_name\": \"/etc/passwd\", \"width\": 10, \"height\": 10}", ANN_OK, CAT),
      "image 1: the file name “/etc/passwd” is an absolute path" },
    { "truncated", "{\"images\": [" IMG "], \"annotations\": [{\"id\": 1, \"image_id\": 1, \"categ",
      "not valid JSON: the file ends too soon" },
    { "deep", "{\"info\": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
      "nest deeper than 64 levels" },
    { "not-coco", "[1, 2, 3]", "this is a COCO results file" },
    { "no-images", "{\"annotations\": [], \"categories\": []}", "“images” is missing" },
    { "trailing", DOC (IMG, ANN_OK, CAT) " x", "nothing may follow the end of the document" },
    { "size-mismatch", DOC ("{\"id\": 1, \"file_name\": \"img/a.png\", \"width\": 10, \"height\": 10}", ANN_OK, CAT),
      "is 10 × 10 in the file but 100 × 90 in the project" },
    { "bad-escape", DOC ("{\"id\": 1, \"file_name\": \"img/\\q.png\", \"width\": 100, \"height\": 90}", ANN_OK, CAT),
      "“\\q” is not an escape" },
    { "control-char", DOC ("{\"id\": 1, \"file_name\": \"img/\001.png\", \"width\": 100, \"height\": 90}", ANN_OK, CAT),
      "control character" },
    /* The bad annotation comes after good ones: those must go too. */
    { "late-error", DOC (IMG, ANN_OK ", {\"id\": 2, \"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 2, 3]}", CAT),
      "annotations[1] (id 2): “bbox” must be an array of 4 finite numbers" },
  };
  g_autoptr(GError) error = NULL;
  BwProjectCounts before;

  populate (f, TRUE);
  g_assert_true (bw_project_get_counts (f->project, &before, &error));

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("%s/%s.json", f->dir, cases[i].name);

      g_test_message ("%s", cases[i].name);
      g_assert_true (g_file_set_contents (path, cases[i].text, -1, &error));
      g_assert_false (import_coco (f, path, NULL, NULL, &error));
      g_assert_nonnull (error);
      if (!g_str_has_prefix (error->message, path) || strstr (error->message, cases[i].expect) == NULL)
        g_error ("%s: got “%s”, expected “%s”", cases[i].name, error->message, cases[i].expect);
      g_clear_error (&error);
      assert_counts (f->project, &before);
    }

  /* A well-formed file with a new category does change things: the
   * checks above are not vacuous. */
  {
    g_autofree char *path = g_build_filename (f->dir, "good.json", NULL);
    BwAnnotationImportResult result;

    g_assert_true (g_file_set_contents (path, DOC (IMG, ANN_OK, CAT), -1, &error));
    g_assert_true (import_coco (f, path, NULL, &result, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (result.annotations, ==, 1);
    g_assert_cmpuint (result.categories_added, ==, 1);
  }
}

/* A box without width or height is one bad shape, not a bad file: it
 * is refused and counted, and the file's other annotations go in. */
static void
test_import_zero_width_box (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->dir, "zero.json", NULL);
  g_autofree char *summary = NULL;
  BwAnnotationImportResult result;
  gint64 image_id = add_image (f, "img/a.png", 100, 90, FALSE);

  g_assert_true (g_file_set_contents (path,
    DOC (IMG,
         ANN_OK ", "
         "{\"id\": 2, \"image_id\": 1, \"category_id\": 1, \"bbox\": [5, 5, 0, 10]}, "
         "{\"id\": 3, \"image_id\": 1, \"category_id\": 1, \"bbox\": [5, 5, 10, 0]}, "
         "{\"id\": 4, \"image_id\": 1, \"category_id\": 1, \"bbox\": [5, 5, -3, 10]}, "
         "{\"id\": 5, \"image_id\": 1, \"category_id\": 1, \"bbox\": [20, 30, 10, 5]}",
         CAT), -1, &error));

  g_assert_true (import_coco (f, path, NULL, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.annotations, ==, 2);
  g_assert_cmpuint (result.refused_degenerate, ==, 3);
  summary = bw_annotation_import_result_describe (&result);
  g_assert_nonnull (strstr (summary, "3 refused as having no area"));

  {
    g_autoptr(GPtrArray) layers = bw_project_list_layers (f->project, image_id, &error);
    g_autoptr(GPtrArray) anns = NULL;
    BwAnnotation *last;

    g_assert_no_error (error);
    g_assert_cmpuint (layers->len, ==, 1);
    anns = bw_project_list_annotations (f->project, ((BwLayer *) layers->pdata[0])->id, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (anns->len, ==, 2);
    last = anns->pdata[1];
    g_assert_cmpfloat (last->shape->bbox.x0, ==, 20);
    g_assert_cmpfloat (last->shape->bbox.y0, ==, 30);
    g_assert_cmpfloat (last->shape->bbox.x1, ==, 30);
    g_assert_cmpfloat (last->shape->bbox.y1, ==, 35);
  }
}

#define BIG_IMAGES        20
#define BIG_PER_IMAGE     4000
#define BIG_ANNOTATIONS   (BIG_IMAGES * BIG_PER_IMAGE)

/* A COCO file of BIG_ANNOTATIONS boxes over the fixture's images, with a
 * category the project does not have yet. */
static char *
write_big_coco (Fixture *f)
{
  g_autoptr(GString) json = g_string_new ("{\"images\": [");
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (f->dir, "big.json", NULL);
  guint64 id = 0;

  for (guint i = 0; i < BIG_IMAGES; i++)
    g_string_append_printf (json, "%s{\"id\": %u, \"file_name\": \"img/big-%u.png\", "
                            "\"width\": 1000, \"height\": 1000}", i ? ", " : "", i + 1, i);
  g_string_append (json, "], \"categories\": [{\"id\": 1, \"name\": \"car\"}, "
                         "{\"id\": 2, \"name\": \"tram\"}], \"annotations\": [");
  for (guint i = 0; i < BIG_IMAGES; i++)
    for (guint k = 0; k < BIG_PER_IMAGE; k++)
      g_string_append_printf (json, "%s{\"id\": %" G_GUINT64_FORMAT ", \"image_id\": %u, "
                              "\"category_id\": %u, \"bbox\": [%u, %u, 5, 5]}",
                              id ? ", " : "", id + 1, i + 1, 1 + (k & 1), k % 990, (k / 990) * 6),
      id++;
  g_string_append (json, "]}");
  g_assert_true (g_file_set_contents (path, json->str, json->len, &error));
  g_assert_no_error (error);
  return path;
}

static gint64
raw_count (const char *project,
           const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n = -1;

  g_assert_cmpint (sqlite3_open_v2 (project, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 10000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  g_assert_cmpint (n, >=, 0);
  return n;
}

static GSubprocess *
spawn_import (Fixture    *f,
              const char *project,
              const char *json)
{
  g_autoptr(GError) error = NULL;
  const char *cli = g_getenv ("BOXWOOD_CLI");
  GSubprocess *process;

  g_assert_nonnull (cli);
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                              &error, cli, "import", "coco", project, json, "--images", f->dir, NULL);
  g_assert_no_error (error);
  return process;
}

/* A large import is written in chunks, yet all or nothing: killed in the
 * middle (kill -9), it leaves nothing visible, and what it staged is gone
 * once the project is opened again; a reader beside a whole import sees
 * none of its annotations or all of them, never part. */
static void
test_import_chunked_all_or_nothing (Fixture       *f,
                                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autofree char *project = g_build_filename (f->dir, "p.boxwood", NULL);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  BwProjectCounts before, after;
  gint64 staged = 0, deadline;
  guint polls = 0;

  for (guint i = 0; i < BIG_IMAGES; i++)
    {
      g_autofree char *name = g_strdup_printf ("img/big-%u.png", i);

      add_image (f, name, 1000, 1000, FALSE);
    }
  json = write_big_coco (f);
  g_assert_true (bw_project_get_counts (f->project, &before, &error));

  /* Killed once a few chunks are staged, before the last step. */
  process = spawn_import (f, project, json);
  deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;
  while (staged < 3 * 5000)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_assert_cmpint (raw_count (project, "SELECT count(*) FROM annotations"), ==, before.annotations);
      staged = raw_count (project, "SELECT count(*) FROM import_staging");
      g_assert_cmpint (staged, <, BIG_ANNOTATIONS);
      g_usleep (2000);
    }
  g_subprocess_force_exit (process);
  g_assert_true (g_subprocess_wait (process, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_signaled (process));
  g_clear_object (&process);

  /* Nothing shows: no annotation, category, layer or person came. */
  g_assert_true (bw_project_get_counts (f->project, &after, &error));
  g_assert_cmpint (after.annotations, ==, before.annotations);
  g_assert_cmpint (after.categories, ==, before.categories);
  g_assert_cmpint (after.layers, ==, before.layers);
  g_assert_cmpint (raw_count (project, "SELECT count(*) FROM import_staging"), >, 0);

  /* Opening the project again removes what the dead import staged. */
  {
    g_autoptr(GFile) file = g_file_new_for_path (project);
    g_autoptr(BwProject) again = bw_project_open (file, &error);

    g_assert_no_error (error);
    g_assert_cmpint (raw_count (project, "SELECT count(*) FROM import_staging"), ==, 0);
    g_assert_cmpint (raw_count (project, "SELECT count(*) FROM imports"), ==, 0);
    g_assert_true (bw_project_get_counts (again, &after, &error));
    g_assert_cmpint (after.annotations, ==, before.annotations);
  }

  /* The whole import, watched by a reader the whole time. */
  process = spawn_import (f, project, json);
  while (TRUE)
    {
      gint64 n = raw_count (project, "SELECT count(*) FROM annotations");

      g_hash_table_add (seen, g_memdup2 (&n, sizeof n));
      polls++;
      if (n == before.annotations + BIG_ANNOTATIONS)
        break;
      g_assert_cmpint (n, ==, before.annotations);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline + 120 * G_USEC_PER_SEC);
      g_usleep (2000);
    }
  g_assert_true (g_subprocess_wait_check (process, NULL, &error));
  g_assert_no_error (error);
  g_test_message ("%u reads during the import saw %u different counts", polls,
                  g_hash_table_size (seen));
  g_assert_cmpuint (g_hash_table_size (seen), <=, 2);
  g_assert_cmpint (raw_count (project, "SELECT count(*) FROM import_staging"), ==, 0);
  g_assert_cmpint (raw_count (project, "SELECT count(*) FROM imports"), ==, 0);
  g_assert_cmpint (raw_count (project, "SELECT count(*) FROM categories WHERE name = 'tram'"), ==, 1);
  /* In the file's order, with their categories. */
  g_assert_cmpint (raw_count (project, "SELECT count(*) FROM annotations a JOIN categories c"
                                       " ON c.id = a.category_id WHERE c.name = 'tram'"),
                   ==, BIG_ANNOTATIONS / 2);
  g_assert_cmpint (raw_count (project, "SELECT count(*) FROM (SELECT a.id, lag (a.x0) OVER (ORDER BY a.id) AS px,"
                                       " a.x0 FROM annotations a) WHERE px IS NOT NULL AND x0 < px AND x0 <> 0"),
                   ==, 0);
}

#define LABELME_IMAGES    20
#define LABELME_PER_IMAGE 4000
#define LABELME_SHAPES    (LABELME_IMAGES * LABELME_PER_IMAGE)

/* LABELME_IMAGES labelme files in lm/, one per image lm/big-N.png, of
 * LABELME_PER_IMAGE rectangles each, half "car", half "tram" (a category
 * the project does not have). The first half of the images are in the
 * project; the rest only on disk, so the import adds them. */
static char *
write_big_labelme (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  char *folder = g_build_filename (f->dir, "lm", NULL);

  g_assert_cmpint (g_mkdir_with_parents (folder, 0755), ==, 0);
  for (guint i = 0; i < LABELME_IMAGES; i++)
    {
      g_autofree char *image = g_strdup_printf ("lm/big-%02u.png", i);
      g_autofree char *json_path = g_strdup_printf ("%s/big-%02u.json", folder, i);
      g_autoptr(GString) json = g_string_new (NULL);

      if (i < LABELME_IMAGES / 2)
        add_image (f, image, 1000, 1000, TRUE);
      else
        {
          g_autofree char *absolute = g_build_filename (f->dir, image, NULL);

          g_assert_true (bw_test_write_png (absolute, 1000, 1000, (int) i, &error));
          g_assert_no_error (error);
        }

      g_string_append_printf (json, "{\"imagePath\": \"big-%02u.png\", \"imageWidth\": 1000, "
                              "\"imageHeight\": 1000, \"shapes\": [", i);
      for (guint k = 0; k < LABELME_PER_IMAGE; k++)
        g_string_append_printf (json, "%s{\"label\": \"%s\", \"shape_type\": \"rectangle\", "
                                "\"points\": [[%u, %u], [%u, %u]]}", k ? ", " : "",
                                k & 1 ? "tram" : "car", k % 990, (k / 990) * 6,
                                k % 990 + 5, (k / 990) * 6 + 5);
      g_string_append (json, "]}");
      g_assert_true (g_file_set_contents (json_path, json->str, json->len, &error));
      g_assert_no_error (error);
    }
  return folder;
}

static GSubprocess *
spawn_labelme_import (const char *project,
                      const char *folder)
{
  g_autoptr(GError) error = NULL;
  const char *cli = g_getenv ("BOXWOOD_CLI");
  GSubprocess *process;

  g_assert_nonnull (cli);
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                              &error, cli, "import", "labelme", project, folder, NULL);
  g_assert_no_error (error);
  return process;
}

/* A labelme import is staged like a COCO one: killed in the middle, it
 * shows nothing, and what it staged neither shows in an export nor stops
 * the next import; a reader on another connection sees none of a whole
 * import (its annotations, images and category) or all of it. */
static void
test_labelme_chunked_all_or_nothing (Fixture       *f,
                                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *project = g_build_filename (f->dir, "p.boxwood", NULL);
  g_autofree char *out = g_build_filename (f->dir, "after-kill.json", NULL);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  BwCocoExportOptions all = { .status = BW_EXPORT_STATUS_ALL };
  BwExportResult exported;
  BwProjectCounts before, after;
  gint64 staged = 0, staged_left, deadline;
  guint polls = 0;

  folder = write_big_labelme (f);
  g_assert_true (bw_project_get_counts (f->project, &before, &error));
  g_assert_cmpint (before.images, ==, LABELME_IMAGES / 2);

  /* Killed once a few chunks are staged, before the last step. */
  process = spawn_labelme_import (project, folder);
  deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;
  while (staged < 3 * 5000)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_assert_cmpint (raw_count (project, "SELECT count(*) FROM annotations"), ==, before.annotations);
      g_assert_cmpint (raw_count (project, "SELECT count(*) FROM images"), ==, before.images);
      staged = raw_count (project, "SELECT count(*) FROM import_staging");
      g_assert_cmpint (staged, <, LABELME_SHAPES);
      g_usleep (2000);
    }
  g_subprocess_force_exit (process);
  g_assert_true (g_subprocess_wait (process, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_signaled (process));
  g_clear_object (&process);

  /* Nothing shows: no annotation, image, category or layer came. */
  g_assert_true (bw_project_get_counts (f->project, &after, &error));
  g_assert_cmpint (after.annotations, ==, before.annotations);
  g_assert_cmpint (after.images, ==, before.images);
  g_assert_cmpint (after.categories, ==, before.categories);
  g_assert_cmpint (after.layers, ==, before.layers);
  staged_left = raw_count (project, "SELECT count(*) FROM import_staging");
  g_assert_cmpint (staged_left, >, 0);

  /* What the dead import staged is still in the file (this connection
   * opened it before): an export does not see it. */
  g_assert_true (export (f, out, &all, &exported, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (exported.annotations, ==, (guint64) before.annotations);
  bw_export_result_clear (&exported);

  /* Nor do they stop an import beside them. */
  {
    g_autofree char *one = g_build_filename (f->dir, "one.json", NULL);
    g_autoptr(GFile) one_file = g_file_new_for_path (one);
    BwAnnotationImportResult result;

    g_assert_true (g_file_set_contents (one,
      "{\"imagePath\": \"lm/big-00.png\", \"shapes\": [{\"label\": \"dog\","
      " \"shape_type\": \"rectangle\", \"points\": [[1, 1], [9, 9]]}]}", -1, &error));
    g_assert_true (bw_labelme_import (f->project, &one_file, 1, &result, NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (result.annotations, ==, 1);
    g_assert_cmpint (raw_count (project, "SELECT count(*) FROM import_staging"), ==, staged_left);
    before.annotations++;
    before.layers++;
  }

  /* The next import, watched by a reader on a connection of its own the
   * whole time; opening the project for it removes the dead one's rows. */
  process = spawn_labelme_import (project, folder);
  while (TRUE)
    {
      /* One statement: one snapshot of the three. */
      gint64 state = raw_count (project, "SELECT (SELECT count(*) FROM annotations) * 1000000"
                                         " + (SELECT count(*) FROM images) * 10"
                                         " + (SELECT count(*) FROM categories WHERE name = 'tram')");
      gint64 n = state / 1000000, images = state / 10 % 100000, trams = state % 10;

      g_hash_table_add (seen, g_memdup2 (&state, sizeof state));
      polls++;
      if (n == before.annotations + LABELME_SHAPES)
        {
          g_assert_cmpint (images, ==, LABELME_IMAGES);
          g_assert_cmpint (trams, ==, 1);
          break;
        }
      g_assert_cmpint (n, ==, before.annotations);
      g_assert_cmpint (images, ==, before.images);
      g_assert_cmpint (trams, ==, 0);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline + 120 * G_USEC_PER_SEC);
      g_usleep (2000);
    }
  g_assert_true (g_subprocess_wait_check (process, NULL, &error));
  g_assert_no_error (error);
  g_test_message ("%u reads during the labelme import saw %u different states", polls,
                  g_hash_table_size (seen));
  g_assert_cmpuint (g_hash_table_size (seen), <=, 2);
  g_assert_cmpint (raw_count (project, "SELECT count(*) FROM import_staging"), ==, 0);
  g_assert_cmpint (raw_count (project, "SELECT count(*) FROM imports"), ==, 0);

  /* In the files' order, with their categories, one layer per image. */
  g_assert_cmpint (raw_count (project, "SELECT count(*) FROM annotations a JOIN categories c"
                                       " ON c.id = a.category_id WHERE c.name = 'tram'"),
                   ==, LABELME_SHAPES / 2);
  g_assert_cmpint (raw_count (project, "SELECT count(DISTINCT layer_id) FROM annotations"), ==, LABELME_IMAGES);
  g_assert_cmpint (raw_count (project, "SELECT count(*) FROM layers"), ==, LABELME_IMAGES);
  g_assert_cmpint (raw_count (project, "SELECT count(*) FROM (SELECT a.id, a.layer_id,"
                                       " lag (a.x0) OVER (PARTITION BY a.layer_id ORDER BY a.id) AS px,"
                                       " a.x0 FROM annotations a) WHERE px IS NOT NULL AND x0 < px AND x0 <> 0"),
                   ==, 0);

  /* The export sees the import whole, and nothing of the dead one. */
  g_assert_true (export (f, out, &all, &exported, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (exported.annotations, ==, (guint64) before.annotations + LABELME_SHAPES);
  g_assert_cmpuint (exported.images, ==, LABELME_IMAGES);
  bw_export_result_clear (&exported);

  /* A second import of the same files adds nothing. */
  g_clear_object (&process);
  process = spawn_labelme_import (project, folder);
  g_assert_true (g_subprocess_wait_check (process, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (raw_count (project, "SELECT count(*) FROM annotations"), ==,
                   before.annotations + LABELME_SHAPES);

  /* An import whose last step committed keeps its staged rows only until
   * it removes them; killed before it could, it leaves them marked done
   * (pid 0), and the next open removes them, whatever host wrote them. */
  {
    g_autoptr(GFile) file = g_file_new_for_path (project);
    g_autoptr(BwProject) again = NULL;
    sqlite3 *db = NULL;

    g_assert_cmpint (sqlite3_open_v2 (project, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
    sqlite3_busy_timeout (db, 10000);
    g_assert_cmpint (sqlite3_exec (db,
                                   "INSERT INTO imports (id, pid, host, started_at) VALUES (77, 0, 'elsewhere', 0);"
                                   "INSERT INTO import_staging (import_id, target, category, kind,"
                                   " x0, y0, x1, y1, area, source, score)"
                                   " VALUES (77, 1, 1, 0, 1, 1, 5, 5, 16, 1, 1);",
                                   NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close (db);
    again = bw_project_open (file, &error);
    g_assert_no_error (error);
    g_assert_cmpint (raw_count (project, "SELECT count(*) FROM import_staging"), ==, 0);
    g_assert_cmpint (raw_count (project, "SELECT count(*) FROM imports"), ==, 0);
    g_assert_cmpint (raw_count (project, "SELECT count(*) FROM annotations"), ==,
                     before.annotations + LABELME_SHAPES);
  }
}

static void
test_import_rle_and_order (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->dir, "rle.json", NULL);
  BwAnnotationImportResult result;

  add_image (f, "img/a.png", 100, 90, FALSE);

  /* Annotations before images and categories: read in two passes. One
   * RLE, one two-part polygon, one box a little outside the image. */
  g_assert_true (g_file_set_contents (path,
    "{\"info\": {\"x\": [1, {\"y\": null}]}, \"annotations\": ["
    "{\"id\": 1, \"image_id\": 7, \"category_id\": 3, \"iscrowd\": 1, \"bbox\": [0, 0, 5, 5],"
    " \"segmentation\": {\"counts\": [1, 2, 3], \"size\": [90, 100]}},"
    "{\"id\": 2, \"image_id\": 7, \"category_id\": 3, \"bbox\": [10, 10, 40, 30.5],"
    " \"segmentation\": [[10, 10, 50, 10, 30, 40.5], [60, 60, 80, 60, 80, 80, 60, 80]]},"
    "{\"id\": 3, \"image_id\": 7, \"category_id\": 3, \"bbox\": [90, 80, 10.5, 10.5], \"area\": 1}],"
    " \"images\": [{\"id\": 7, \"file_name\": \"img/a.png\", \"width\": 100, \"height\": 90}],"
    " \"categories\": [{\"id\": 3, \"name\": \"DOG\", \"supercategory\": null}]}", -1, &error));

  g_assert_true (import_coco (f, path, NULL, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.skipped_rle, ==, 1);
  g_assert_cmpuint (result.annotations, ==, 2);
  g_assert_cmpuint (result.polygons, ==, 1);
  g_assert_cmpuint (result.multipart, ==, 1);
  g_assert_cmpuint (result.boxes, ==, 1);
  /* "DOG" is the project's "dog" (names match without case). */
  g_assert_cmpuint (result.categories_added, ==, 0);
  {
    g_autoptr(GPtrArray) layers = bw_project_list_layers (f->project, g_array_index (f->images, gint64, 0), &error);
    BwLayer *layer = g_ptr_array_index (layers, 0);
    g_autoptr(GPtrArray) anns = bw_project_list_annotations (f->project, layer->id, &error);
    BwAnnotation *box = g_ptr_array_index (anns, 1);

    g_assert_cmpuint (anns->len, ==, 2);
    g_assert_cmpint (((BwAnnotation *) g_ptr_array_index (anns, 0))->category_id, ==, f->cats[2]);
    g_assert_cmpuint (((BwAnnotation *) g_ptr_array_index (anns, 0))->shape->n_parts, ==, 2);
    /* Clamped to the 100 × 90 image. */
    g_assert_cmpfloat (box->shape->bbox.x1, ==, 100);
    g_assert_cmpfloat (box->shape->bbox.y1, ==, 90);
    g_assert_cmpint (box->source, ==, BW_SOURCE_IMPORTED);
  }

  /* An image that is neither in the project nor on disk: counted. */
  g_assert_true (g_file_set_contents (path,
    DOC ("{\"id\": 1, \"file_name\": \"nowhere.png\", \"width\": 10, \"height\": 10}", ANN_OK, CAT),
    -1, &error));
  g_assert_true (import_coco (f, path, NULL, &result, &error));
  g_assert_cmpuint (result.images_missing, ==, 1);
  g_assert_cmpuint (result.skipped_missing_image, ==, 1);
  g_assert_cmpuint (result.annotations, ==, 0);
}

static void
test_import_predictions (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->dir, "results.json", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (path);
  BwCocoImportOptions options = { .predictions = TRUE, .min_score = 0.5 };
  BwAnnotationImportResult result;
  BwProjectCounts before;
  gint64 image = add_image (f, "img/a.png", 100, 90, FALSE);

  text = g_strdup_printf ("[{\"image_id\": %" G_GINT64_FORMAT ", \"category_id\": %" G_GINT64_FORMAT ","
                          " \"bbox\": [1, 2, 30, 40], \"score\": 0.9},"
                          " {\"image_id\": %" G_GINT64_FORMAT ", \"category_id\": %" G_GINT64_FORMAT ","
                          " \"bbox\": [5, 5, 30, 40], \"score\": 0.2},"
                          " {\"image_id\": %" G_GINT64_FORMAT ", \"category_id\": %" G_GINT64_FORMAT ","
                          " \"segmentation\": [[10, 10, 50, 10, 30, 40]], \"bbox\": [10, 10, 40, 30], \"score\": 0.75}]",
                          image, f->cats[0], image, f->cats[1], image, f->cats[2]);
  g_assert_true (g_file_set_contents (path, text, -1, &error));

  g_assert_true (bw_coco_import (f->project, file, &options, &result, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.annotations, ==, 2);
  g_assert_cmpuint (result.skipped_low_score, ==, 1);
  {
    g_autoptr(GPtrArray) layers = bw_project_list_layers (f->project, image, &error);
    BwLayer *layer = g_ptr_array_index (layers, 0);
    g_autoptr(GPtrArray) anns = bw_project_list_annotations (f->project, layer->id, &error);
    BwAnnotation *a = g_ptr_array_index (anns, 0);

    g_assert_cmpuint (layers->len, ==, 1);
    g_assert_cmpint (layer->kind, ==, BW_LAYER_KIND_MODEL);
    g_assert_cmpint (a->source, ==, BW_SOURCE_PREDICTION);
    g_assert_cmpfloat (a->score, ==, 0.9);
  }

  /* An unknown image id rolls the whole file back. */
  g_assert_true (bw_project_get_counts (f->project, &before, &error));
  g_free (text);
  text = g_strdup_printf ("[{\"image_id\": %" G_GINT64_FORMAT ", \"category_id\": %" G_GINT64_FORMAT ","
                          " \"bbox\": [1, 2, 30, 40], \"score\": 0.9},"
                          " {\"image_id\": 4242, \"category_id\": %" G_GINT64_FORMAT ","
                          " \"bbox\": [1, 2, 30, 40], \"score\": 0.9}]",
                          image, f->cats[0], f->cats[0]);
  g_assert_true (g_file_set_contents (path, text, -1, &error));
  g_assert_false (bw_coco_import (f->project, file, &options, &result, NULL, &error));
  g_assert_nonnull (strstr (error->message, "prediction 2: “image_id” 4242 is not an image of the project"));
  g_clear_error (&error);
  assert_counts (f->project, &before);

  /* Missing score. */
  g_assert_true (g_file_set_contents (path, "[{\"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 2, 3, 4]}]", -1, &error));
  g_assert_false (bw_coco_import (f->project, file, &options, &result, NULL, &error));
  g_assert_nonnull (strstr (error->message, "“score” is missing"));
  g_clear_error (&error);
  assert_counts (f->project, &before);
}

static void
test_export_numbers (void)
{
  static const struct { double value; const char *text; } cases[] = {
    { 0, "0" },
    { -0.0, "0" },
    { 12, "12" },
    { 12.5, "12.5" },
    { -0.25, "-0.25" },
    { 1.0 / 3.0, "0.333333" },
    { 123.4 - 100.1, "23.3" },          /* 23.300000000000011 */
    { 0.0000004, "0" },
    { 0.0000006, "0.000001" },
    { 1919.999999, "1919.999999" },
    { 8999999999.5, "8999999999.5" },
    { 1e12, "1000000000000" },
  };
  g_autoptr(GString) text = g_string_new (NULL);
  GRand *rand = g_rand_new_with_seed (3);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_string_truncate (text, 0);
      bw_export_append_number (text, cases[i].value);
      g_assert_cmpstr (text->str, ==, cases[i].text);
    }

  /* Any coordinate comes back within half a millionth of a pixel, and a
   * value with up to 6 decimals comes back exactly. */
  for (guint i = 0; i < 100000; i++)
    {
      double v = g_rand_double_range (rand, -20000, 20000);
      double exact = g_rand_int_range (rand, -2000000000, 2000000000) / 1e5;

      g_string_truncate (text, 0);
      bw_export_append_number (text, v);
      g_assert_cmpfloat_with_epsilon (g_ascii_strtod (text->str, NULL), v, 5.0001e-7);
      g_string_truncate (text, 0);
      bw_export_append_number (text, exact);
      g_assert_cmpfloat (g_ascii_strtod (text->str, NULL), ==, exact);
    }
  g_rand_free (rand);

  g_string_truncate (text, 0);
  bw_export_append_json_string (text, "a\"b\\c\n\001é");
  g_assert_cmpstr (text->str, ==, "\"a\\\"b\\\\c\\n\\u0001é\"");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/coco/export/numbers", test_export_numbers);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/core/coco/export/rules", test_export_rules);
  ADD ("/core/coco/export/final-layer", test_export_final_layer);
  ADD ("/core/coco/export/category-subset", test_export_subset);
  ADD ("/core/coco/export/split", test_export_split);
  ADD ("/core/coco/export/cancel-leaves-nothing", test_export_cancel);
  ADD ("/core/coco/export/copy-images", test_export_copy_images);
  ADD ("/core/coco/round-trip", test_round_trip);
  ADD ("/core/coco/import/hostile-changes-nothing", test_import_hostile);
  ADD ("/core/coco/import/rle-multipart-order", test_import_rle_and_order);
  ADD ("/core/coco/import/zero-width-box-refused", test_import_zero_width_box);
  ADD ("/core/coco/import/chunked-all-or-nothing", test_import_chunked_all_or_nothing);
  ADD ("/core/coco/import/predictions", test_import_predictions);
  ADD ("/core/labelme/import/chunked-all-or-nothing", test_labelme_chunked_all_or_nothing);
#undef ADD

  return g_test_run ();
}
