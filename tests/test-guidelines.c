/* test-guidelines.c — the guidelines' version: what moves it, what each
 * annotation records of it, and what the export says
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "bw-coco-export.h"
#include "bw-project.h"

typedef struct
{
  char      *dir;
  GFile     *file;
  BwProject *project;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("bw-test-guidelines-XXXXXX", NULL);
  g_assert_nonnull (f->dir);
  f->file = g_file_new_build_filename (f->dir, "p.boxwood", NULL);
  if (data == NULL)
    {
      f->project = bw_project_create (f->file, &error);
      g_assert_no_error (error);
    }
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (f->project != NULL)
    g_assert_finalize_object (f->project);
  dir = g_dir_open (f->dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (f->dir, name, NULL);

      g_unlink (child);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
  g_object_unref (f->file);
}

static gint64
version (BwProject *project)
{
  g_autoptr(GError) error = NULL;
  gint64 v = bw_project_get_guideline_version (project, &error);

  g_assert_no_error (error);
  return v;
}

static void
set_guideline (BwProject  *project,
               gint64      category_id,
               const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwCategory) category = bw_project_get_category (project, category_id, &error);

  g_assert_no_error (error);
  g_free (category->guideline);
  category->guideline = g_strdup (text);
  g_assert_true (bw_project_update_category (project, category, &error));
  g_assert_no_error (error);
}

static void
test_version (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) changes = NULL;
  g_autofree char *document = NULL;
  g_autoptr(BwCategory) category = NULL;
  gint64 car, van;
  BwGuidelineChange *change;

  /* A new project: version 1, an empty document. */
  g_assert_cmpint (version (f->project), ==, 1);
  document = bw_project_get_guidelines_document (f->project, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (document, ==, "");
  g_clear_pointer (&document, g_free);

  /* A category without a guideline is no change of the guidelines. */
  g_assert_true (bw_project_add_category (f->project, "car", "", "#ff0000", &car, &error));
  g_assert_true (bw_project_add_category (f->project, "van", "", "#00ff00", &van, &error));
  g_assert_no_error (error);
  g_assert_cmpint (version (f->project), ==, 1);

  /* The document: one step for a change, none for the same text again. */
  g_assert_true (bw_project_set_guidelines_document (f->project, "# Rules\n\nBox what you see.\n", &error));
  g_assert_no_error (error);
  g_assert_cmpint (version (f->project), ==, 2);
  g_assert_true (bw_project_set_guidelines_document (f->project, "# Rules\n\nBox what you see.\n", &error));
  g_assert_cmpint (version (f->project), ==, 2);
  document = bw_project_get_guidelines_document (f->project, &error);
  g_assert_cmpstr (document, ==, "# Rules\n\nBox what you see.\n");

  /* A category's guideline: one step; its colour or name: none. */
  set_guideline (f->project, van, "A van has no boot lid.");
  g_assert_cmpint (version (f->project), ==, 3);
  category = bw_project_get_category (f->project, car, &error);
  g_free (category->color);
  category->color = g_strdup ("#0000ff");
  g_assert_true (bw_project_update_category (f->project, category, &error));
  g_assert_no_error (error);
  g_assert_cmpint (version (f->project), ==, 3);

  /* Not valid UTF-8: refused, nothing changed. */
  g_assert_false (bw_project_set_guidelines_document (f->project, "caf\xe9", &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (version (f->project), ==, 3);

  /* Deleting a category that had a guideline is a step too. */
  g_assert_true (bw_project_delete_category (f->project, van, 0, &error));
  g_assert_no_error (error);
  g_assert_cmpint (version (f->project), ==, 4);

  /* What changed after version 1: the document, van, van again. */
  changes = bw_project_list_guideline_changes (f->project, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (changes->len, ==, 3);
  change = changes->pdata[0];
  g_assert_cmpint (change->version, ==, 2);
  g_assert_cmpint (change->category_id, ==, 0);
  g_assert_null (change->category_name);
  g_assert_cmpint (change->changed_at, >, 0);
  change = changes->pdata[1];
  g_assert_cmpint (change->version, ==, 3);
  g_assert_cmpint (change->category_id, ==, van);
  g_assert_cmpstr (change->category_name, ==, "van");
  change = changes->pdata[2];
  g_assert_cmpint (change->version, ==, 4);
  g_assert_cmpstr (change->category_name, ==, "van");
  g_clear_pointer (&changes, g_ptr_array_unref);
  changes = bw_project_list_guideline_changes (f->project, 4, &error);
  g_assert_cmpuint (changes->len, ==, 0);

  /* Another connection (another program) sees the same. */
  {
    g_autoptr(BwProject) other = bw_project_open (f->file, &error);

    g_assert_no_error (error);
    g_assert_cmpint (version (other), ==, 4);
  }
}

/* The boxwood_review object of each annotation of an export, by id. */
static GHashTable *
export_reviews (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) out = g_file_new_build_filename (f->dir, "out.json", NULL);
  g_autofree char *path = g_file_get_path (out);
  g_autoptr(JsonParser) parser = json_parser_new ();
  BwCocoExportOptions options = { .status = BW_EXPORT_STATUS_ALL, .with_review = TRUE };
  BwExportResult result = { 0 };
  GHashTable *reviews = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                               (GDestroyNotify) json_node_unref);
  JsonArray *annotations;

  g_assert_true (bw_coco_export (f->project, out, &options, NULL, NULL, &result, NULL, &error));
  g_assert_no_error (error);
  bw_export_result_clear (&result);

  g_assert_true (json_parser_load_from_file (parser, path, &error));
  g_assert_no_error (error);
  annotations = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                              "annotations");
  for (guint i = 0; i < json_array_get_length (annotations); i++)
    {
      JsonObject *a = json_array_get_object_element (annotations, i);
      gint64 id = json_object_get_int_member (a, "id");

      g_assert_true (json_object_has_member (a, "boxwood_review"));
      g_hash_table_insert (reviews, g_memdup2 (&id, sizeof id),
                           json_node_copy (json_object_get_member (a, "boxwood_review")));
    }
  return reviews;
}

static gint64
exported_version (GHashTable *reviews,
                  gint64      id)
{
  JsonNode *node = g_hash_table_lookup (reviews, &id);
  JsonNode *member;

  g_assert_nonnull (node);
  member = json_object_get_member (json_node_get_object (node), "guideline_version");
  g_assert_nonnull (member);
  if (JSON_NODE_HOLDS_NULL (member))
    return 0;
  g_assert_cmpint (json_node_get_value_type (member), ==, G_TYPE_INT64);
  return json_node_get_int (member);
}

static gint64
recorded_version (BwProject *project,
                  gint64     annotation_id,
                  int        annotation_version)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwAnnotation) a = NULL;

  if (annotation_version == 0)
    a = bw_project_get_annotation (project, annotation_id, &error);
  else
    a = bw_project_get_annotation_version (project, annotation_id, annotation_version, &error);
  g_assert_no_error (error);
  return a->guideline_version;
}

static void
test_annotations_record_version (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwShape) box = bw_shape_new_box (10, 10, 60, 40);
  g_autoptr(BwShape) moved = bw_shape_new_box (12, 10, 64, 44);
  g_autoptr(GHashTable) reviews = NULL;
  BwImage image = { .path = (char *) "a.jpg", .width = 640, .height = 480,
                    .content_hash = (char *) "a" };
  gint64 ann, image_id, layer_id, car, first, second, relabelled;
  gint64 v1, v2, v3;

  g_assert_true (bw_project_ensure_person (f->project, "Ann", BW_ROLE_ANNOTATOR, &ann, &error));
  g_assert_true (bw_project_add_image (f->project, &image, &image_id, &error));
  g_assert_true (bw_project_add_category (f->project, "car", "", "#ff0000", &car, &error));
  g_assert_true (bw_project_ensure_layer (f->project, image_id, ann, BW_LAYER_KIND_WORK, &layer_id, &error));
  g_assert_no_error (error);

  /* One annotation under the first guidelines, one under the second. */
  v1 = version (f->project);
  g_assert_true (bw_project_add_annotation (f->project, layer_id, car, box, BW_SOURCE_DRAWN, 1.0, &first, &error));
  g_assert_no_error (error);
  set_guideline (f->project, car, "A car seen through glass counts.");
  v2 = version (f->project);
  g_assert_cmpint (v2, ==, v1 + 1);
  g_assert_true (bw_project_add_annotation (f->project, layer_id, car, box, BW_SOURCE_DRAWN, 1.0, &second, &error));
  g_assert_true (bw_project_add_annotation (f->project, layer_id, car, box, BW_SOURCE_DRAWN, 1.0, &relabelled, &error));
  g_assert_no_error (error);

  g_assert_cmpint (recorded_version (f->project, first, 0), ==, v1);
  g_assert_cmpint (recorded_version (f->project, second, 0), ==, v2);
  reviews = export_reviews (f);
  g_assert_cmpint (exported_version (reviews, first), ==, v1);
  g_assert_cmpint (exported_version (reviews, second), ==, v2);
  g_clear_pointer (&reviews, g_hash_table_unref);

  /* The document changes; then the first annotation is moved and the
   * third relabelled: their new versions record the guidelines now in
   * force, the versions they replace keep theirs. */
  g_assert_true (bw_project_set_guidelines_document (f->project, "Boxes are tight.", &error));
  g_assert_no_error (error);
  v3 = version (f->project);
  g_assert_cmpint (v3, ==, v2 + 1);
  g_assert_true (bw_project_update_annotation_shape (f->project, first, moved, &error));
  g_assert_true (bw_project_set_annotation_category (f->project, relabelled, car, &error));
  g_assert_no_error (error);

  g_assert_cmpint (recorded_version (f->project, first, 0), ==, v3);
  g_assert_cmpint (recorded_version (f->project, first, 1), ==, v1);
  g_assert_cmpint (recorded_version (f->project, first, 2), ==, v3);
  g_assert_cmpint (recorded_version (f->project, relabelled, 1), ==, v2);
  g_assert_cmpint (recorded_version (f->project, relabelled, 2), ==, v3);
  g_assert_cmpint (recorded_version (f->project, second, 0), ==, v2);

  reviews = export_reviews (f);
  g_assert_cmpuint (g_hash_table_size (reviews), ==, 3);
  g_assert_cmpint (exported_version (reviews, first), ==, v3);
  g_assert_cmpint (exported_version (reviews, second), ==, v2);
  g_assert_cmpint (exported_version (reviews, relabelled), ==, v3);
  g_clear_pointer (&reviews, g_hash_table_unref);

  /* Deleted and put back (undo): made under the guidelines it had. */
  {
    g_autoptr(BwAnnotation) kept = bw_project_get_annotation (f->project, second, &error);

    g_assert_true (bw_project_delete_annotation (f->project, second, &error));
    g_assert_true (bw_project_restore_annotation (f->project, kept, &error));
    g_assert_no_error (error);
    g_assert_cmpint (recorded_version (f->project, second, 0), ==, v2);
  }
}

/* A schema-1 file: its annotations were made before versions were
 * counted (0, null in the export); the guidelines start at 1. */
static void
test_migrate_from_v1 (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *fixture = g_test_build_filename (G_TEST_DIST, "data", "project-v1.boxwood", NULL);
  g_autoptr(GFile) source = g_file_new_for_path (fixture);
  g_autoptr(GPtrArray) categories = NULL;
  g_autoptr(GHashTable) reviews = NULL;
  GHashTableIter iter;
  gpointer key;
  guint n = 0;

  g_assert_true (g_file_copy (source, f->file, G_FILE_COPY_NONE, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  f->project = bw_project_open (f->file, &error);
  g_assert_no_error (error);

  g_assert_cmpint (version (f->project), ==, 1);
  reviews = export_reviews (f);
  g_hash_table_iter_init (&iter, reviews);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      g_assert_cmpint (exported_version (reviews, *(gint64 *) key), ==, 0);
      n++;
    }
  g_assert_cmpuint (n, >, 0);

  /* A guideline changed after the migration moves the version on. */
  categories = bw_project_list_categories (f->project, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (categories->len, >, 0);
  set_guideline (f->project, ((BwCategory *) categories->pdata[0])->id, "New rule.");
  g_assert_cmpint (version (f->project), ==, 2);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/core/guidelines/version", Fixture, NULL,
              fixture_set_up, test_version, fixture_tear_down);
  g_test_add ("/core/guidelines/annotations-record-version", Fixture, NULL,
              fixture_set_up, test_annotations_record_version, fixture_tear_down);
  g_test_add ("/core/guidelines/migrate-from-v1", Fixture, "v1",
              fixture_set_up, test_migrate_from_v1, fixture_tear_down);

  return g_test_run ();
}
