/* test-taxonomy.c — editing, exporting and importing the taxonomy
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "bw-json.h"
#include "bw-project.h"
#include "bw-taxonomy-io.h"

typedef struct
{
  char      *dir;
  BwProject *project;
  gint64     layer_id;
} Fixture;

static BwProject *
create_project (const char *dir,
                const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  BwProject *project;

  project = bw_project_create (file, &error);
  g_assert_no_error (error);
  g_assert_nonnull (project);
  return project;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  BwImage image = { 0 };
  gint64 image_id = 0, person_id = 0;

  fixture->dir = g_dir_make_tmp ("bw-test-taxonomy-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->project = create_project (fixture->dir, "test.boxwood");

  image.path = (char *) "a.jpg";
  image.width = 640;
  image.height = 480;
  image.content_hash = (char *) "0000";
  g_assert_true (bw_project_add_image (fixture->project, &image, &image_id, &error));
  g_assert_no_error (error);
  g_assert_true (bw_project_ensure_person (fixture->project, "ann", BW_ROLE_ANNOTATOR, &person_id, &error));
  g_assert_true (bw_project_ensure_layer (fixture->project, image_id, person_id,
                                          BW_LAYER_KIND_WORK, &fixture->layer_id, &error));
  g_assert_no_error (error);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    {
      g_remove (path);
      return;
    }
  while ((name = g_dir_read_name (dir)))
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      remove_tree (child);
    }
  g_rmdir (path);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_assert_finalize_object (fixture->project);
  remove_tree (fixture->dir);
  g_free (fixture->dir);
}

static gint64
add (BwProject  *project,
     const char *name)
{
  g_autoptr(GError) error = NULL;
  gint64 id = 0;

  g_assert_true (bw_project_add_category (project, name, NULL, NULL, &id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static void
annotate (Fixture *fixture,
          gint64   category_id,
          guint    n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BwShape) shape = bw_shape_new_box (i, i, i + 10, i + 10);
      g_autoptr(GError) error = NULL;

      g_assert_true (bw_project_add_annotation (fixture->project, fixture->layer_id, category_id,
                                                shape, BW_SOURCE_DRAWN, 1.0, NULL, &error));
      g_assert_no_error (error);
    }
}

static gint64
count (Fixture *fixture,
       gint64   category_id)
{
  return bw_project_count_category_annotations (fixture->project, category_id);
}

/* The whole taxonomy as text, to see that a failed operation changed
 * nothing and that a round trip kept everything. */
static char *
snapshot (BwProject *project)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = bw_taxonomy_to_json_node (project, TRUE, &error);

  g_assert_no_error (error);
  return json_to_string (root, TRUE);
}

static char *
names (BwProject *project)
{
  g_autoptr(GPtrArray) categories = bw_project_list_categories (project, NULL);
  g_autoptr(GString) str = g_string_new (NULL);

  for (guint i = 0; i < categories->len; i++)
    {
      const BwCategory *category = g_ptr_array_index (categories, i);

      g_string_append_printf (str, "%s%s", i ? "," : "", category->name);
    }
  return g_string_free (g_steal_pointer (&str), FALSE);
}

#define assert_names(project, expected) G_STMT_START { \
    g_autofree char *_names = names (project); \
    g_assert_cmpstr (_names, ==, expected); \
  } G_STMT_END

static gboolean
has_category (BwProject *project,
              gint64     id)
{
  g_autoptr(BwCategory) category = bw_project_get_category (project, id, NULL);

  return category != NULL;
}

static void
test_ids_never_reused (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 a = add (fixture->project, "a");
  gint64 b = add (fixture->project, "b");
  gint64 c = add (fixture->project, "c");
  gint64 d;

  g_assert_cmpint (b, >, a);
  g_assert_cmpint (c, >, b);

  g_assert_true (bw_project_delete_category (fixture->project, c, 0, &error));
  g_assert_no_error (error);
  g_assert_true (bw_project_delete_category (fixture->project, b, 0, &error));
  d = add (fixture->project, "d");
  g_assert_cmpint (d, >, c);

  /* Even a category that asks for a used id does not get it. */
  {
    BwCategory wanted = { .id = b, .name = (char *) "e" };
    gint64 e = 0;

    g_assert_true (bw_project_add_category_full (fixture->project, &wanted, &e, &error));
    g_assert_no_error (error);
    g_assert_cmpint (e, >, d);
  }

  /* Nor after the project is opened again. */
  {
    g_autoptr(GFile) file = g_object_ref (bw_project_get_file (fixture->project));

    g_assert_finalize_object (fixture->project);
    fixture->project = bw_project_open (file, &error);
    g_assert_no_error (error);
    g_assert_cmpint (add (fixture->project, "f"), >, d + 1);
  }

  g_assert_true (has_category (fixture->project, a));
}

static void
test_default_colors_distinct (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(GPtrArray) categories = NULL;
  g_autoptr(GHashTable) colors = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < 8; i++)
    {
      g_autofree char *name = g_strdup_printf ("c%u", i);

      add (fixture->project, name);
    }

  categories = bw_project_list_categories (fixture->project, NULL);
  for (guint i = 0; i < categories->len; i++)
    {
      const BwCategory *category = g_ptr_array_index (categories, i);

      g_assert_true (bw_category_color_is_valid (category->color));
      g_assert_true (g_hash_table_add (colors, category->color));
    }
}

static void
test_unique_names (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 dog = add (fixture->project, "Dog");
  gint64 cat = add (fixture->project, "Ärger");
  BwCategory category = { 0 };

  g_assert_false (bw_project_add_category (fixture->project, "dog", NULL, NULL, NULL, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_DUPLICATE);
  g_clear_error (&error);

  category.name = (char *) "  DOG ";
  g_assert_false (bw_project_add_category_full (fixture->project, &category, NULL, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_DUPLICATE);
  g_clear_error (&error);

  /* Beyond ASCII too, which SQLite's NOCASE does not fold. */
  category.name = (char *) "ärger";
  g_assert_false (bw_project_add_category_full (fixture->project, &category, NULL, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_DUPLICATE);
  g_clear_error (&error);

  g_assert_false (bw_project_check_category_name (fixture->project, cat, "DOG", &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_DUPLICATE);
  g_assert_nonnull (strstr (error->message, "Dog"));
  g_clear_error (&error);

  /* A category may keep its own name in another case. */
  g_assert_true (bw_project_check_category_name (fixture->project, dog, "DOG", &error));
  g_assert_no_error (error);

  g_assert_false (bw_project_check_category_name (fixture->project, 0, "   ", &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (bw_project_check_category_name (fixture->project, 0, "a\tb", &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID);
  g_clear_error (&error);

  {
    g_autofree char *longname = g_strnfill (BW_CATEGORY_MAX_NAME_CHARS + 1, 'x');

    g_assert_false (bw_project_check_category_name (fixture->project, 0, longname, &error));
    g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID);
    g_clear_error (&error);
  }

  /* A rename into a taken name is refused by the store itself. */
  {
    g_autoptr(BwCategory) renamed = bw_project_get_category (fixture->project, cat, NULL);

    g_free (renamed->name);
    renamed->name = g_strdup ("DOG");
    g_assert_false (bw_project_update_category (fixture->project, renamed, &error));
    g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_DUPLICATE);
    g_clear_error (&error);
  }

  assert_names (fixture->project, "Dog,Ärger");
}

static void
test_add_many (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) bw_category_free);
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  BwCategory *category;

  add (fixture->project, "first");
  before = snapshot (fixture->project);

  /* A name given twice in one batch (or taken already) refuses all of it. */
  for (guint i = 0; i < 3; i++)
    {
      category = g_new0 (BwCategory, 1);
      category->name = g_strdup (i == 2 ? "A0" : (i == 1 ? "a1" : "a0"));
      g_ptr_array_add (batch, category);
    }
  g_assert_false (bw_project_add_categories (fixture->project, batch, &ids, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_DUPLICATE);
  g_clear_error (&error);
  g_assert_null (ids);
  after = snapshot (fixture->project);
  g_assert_cmpstr (before, ==, after);

  g_ptr_array_set_size (batch, 0);
  for (guint i = 0; i < 2000; i++)
    {
      category = g_new0 (BwCategory, 1);
      category->name = g_strdup_printf ("c%u", i);
      category->hotkey = i == 5 ? g_strdup ("Q") : NULL;
      g_ptr_array_add (batch, category);
    }
  g_assert_true (bw_project_add_categories (fixture->project, batch, &ids, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (ids->len, ==, 2000);

  listed = bw_project_list_categories (fixture->project, &error);
  g_assert_cmpuint (listed->len, ==, 2001);
  for (guint i = 0; i < 2000; i++)
    {
      const BwCategory *got = g_ptr_array_index (listed, i + 1);

      g_assert_cmpint (got->id, ==, g_array_index (ids, gint64, i));
      g_assert_cmpint (got->position, ==, i + 1);
      if (i > 0)
        g_assert_cmpint (got->id, >, g_array_index (ids, gint64, i - 1));
    }
  g_assert_cmpstr (((BwCategory *) g_ptr_array_index (listed, 6))->hotkey, ==, "q");
  /* The palette's colours are used before any repeats. */
  for (guint i = 0; i < 15; i++)
    g_assert_cmpstr (((BwCategory *) g_ptr_array_index (listed, i))->color, !=,
                     ((BwCategory *) g_ptr_array_index (listed, i + 1))->color);
}

static void
test_update_many (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) bw_category_free);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gint64 a = add (fixture->project, "a");
  gint64 b = add (fixture->project, "b");
  BwCategory *ca, *cb;

  add (fixture->project, "c");
  ca = bw_project_get_category (fixture->project, a, NULL);
  cb = bw_project_get_category (fixture->project, b, NULL);
  g_ptr_array_add (batch, ca);
  g_ptr_array_add (batch, cb);

  /* Exchanging names and hotkeys in one batch is fine. */
  g_free (ca->name), ca->name = g_strdup ("b");
  g_free (cb->name), cb->name = g_strdup ("a");
  g_free (ca->hotkey), ca->hotkey = g_strdup ("Y");
  g_assert_true (bw_project_update_categories (fixture->project, batch, &error));
  g_assert_no_error (error);
  assert_names (fixture->project, "b,a,c");
  g_free (ca->hotkey), ca->hotkey = NULL;
  g_free (cb->hotkey), cb->hotkey = g_strdup ("y");
  g_assert_true (bw_project_update_categories (fixture->project, batch, &error));
  g_assert_no_error (error);
  {
    g_autoptr(BwCategory) got = bw_project_get_category (fixture->project, b, NULL);

    g_assert_cmpstr (got->hotkey, ==, "y");
  }

  /* A clash with a category outside the batch refuses the whole batch. */
  before = snapshot (fixture->project);
  g_free (ca->color), ca->color = g_strdup ("#010203");
  g_free (cb->name), cb->name = g_strdup ("C");
  g_assert_false (bw_project_update_categories (fixture->project, batch, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_DUPLICATE);
  g_clear_error (&error);
  g_free (cb->name), cb->name = g_strdup ("a");
  g_free (cb->hotkey), cb->hotkey = g_strdup ("p");
  g_assert_false (bw_project_update_categories (fixture->project, batch, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID);
  g_clear_error (&error);
  after = snapshot (fixture->project);
  g_assert_cmpstr (before, ==, after);
}

static void
set_hotkey (BwProject  *project,
            gint64      id,
            const char *hotkey,
            GError    **error)
{
  g_autoptr(BwCategory) category = bw_project_get_category (project, id, NULL);

  g_free (category->hotkey);
  category->hotkey = g_strdup (hotkey);
  bw_project_update_category (project, category, error);
}

static void
test_hotkeys (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) categories = NULL;
  g_autoptr(BwCategory) got = NULL;
  gint64 a = add (fixture->project, "a");
  gint64 b = add (fixture->project, "b");
  gint64 c = add (fixture->project, "c");
  g_autofree char *label = NULL;

  set_hotkey (fixture->project, a, "X", &error);
  g_assert_no_error (error);
  got = bw_project_get_category (fixture->project, a, NULL);
  g_assert_cmpstr (got->hotkey, ==, "x");

  /* Taken by another category, whatever the case. */
  set_hotkey (fixture->project, b, "x", &error);
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_DUPLICATE);
  g_clear_error (&error);
  g_assert_false (bw_project_check_category_hotkey (fixture->project, b, "X", &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_DUPLICATE);
  g_assert_nonnull (strstr (error->message, "“a”"));
  g_clear_error (&error);

  /* Tool keys and things that are not one key. */
  for (guint i = 0; i < 9; i++)
    {
      const char *bad[] = { "v", "B", "p", "0", "10", "ctrl+x", "é", "h", "L" };

      set_hotkey (fixture->project, b, bad[i], &error);
      g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID);
      g_clear_error (&error);
    }

  /* Setting it again on its own category is fine; empty means none. */
  g_assert_true (bw_project_check_category_hotkey (fixture->project, a, "x", &error));
  set_hotkey (fixture->project, b, "", &error);
  g_assert_no_error (error);

  /* The rule of bw-project.h: digit N picks the N-th category unless a
   * category claims N explicitly. */
  categories = bw_project_list_categories (fixture->project, NULL);
  g_assert_cmpint (bw_category_list_lookup_key (categories, '1')->id, ==, a);
  g_assert_cmpint (bw_category_list_lookup_key (categories, '2')->id, ==, b);
  g_assert_cmpint (bw_category_list_lookup_key (categories, 'X')->id, ==, a);
  g_assert_null (bw_category_list_lookup_key (categories, '4'));
  g_assert_null (bw_category_list_lookup_key (categories, 'q'));
  label = bw_category_list_dup_key_label (categories, 0);
  g_assert_cmpstr (label, ==, "X");
  g_clear_pointer (&label, g_free);
  g_clear_pointer (&categories, g_ptr_array_unref);

  set_hotkey (fixture->project, c, "2", &error);
  g_assert_no_error (error);
  categories = bw_project_list_categories (fixture->project, NULL);
  g_assert_cmpint (bw_category_list_lookup_key (categories, '2')->id, ==, c);
  label = bw_category_list_dup_key_label (categories, 1);
  g_assert_null (label);
  label = bw_category_list_dup_key_label (categories, 2);
  g_assert_cmpstr (label, ==, "2");
}

static void
test_delete_move (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 a = add (fixture->project, "a");
  gint64 b = add (fixture->project, "b");
  gint64 c = add (fixture->project, "c");

  annotate (fixture, a, 3);
  annotate (fixture, b, 2);
  annotate (fixture, c, 1);

  g_assert_true (bw_project_delete_category (fixture->project, a, b, &error));
  g_assert_no_error (error);
  g_assert_null (bw_project_get_category (fixture->project, a, NULL));
  g_assert_cmpint (count (fixture, a), ==, 0);
  g_assert_cmpint (count (fixture, b), ==, 5);
  g_assert_cmpint (count (fixture, c), ==, 1);
  assert_names (fixture->project, "b,c");

  /* The order survives a delete when it is not the order of the ids. */
  {
    gint64 d = add (fixture->project, "d");
    gint64 e = add (fixture->project, "e");

    g_assert_true (bw_project_move_category (fixture->project, e, 1, &error));
    assert_names (fixture->project, "b,e,c,d");
    g_assert_true (bw_project_delete_category (fixture->project, b, 0, &error));
    g_assert_no_error (error);
    assert_names (fixture->project, "e,c,d");
    g_assert_true (bw_project_delete_category (fixture->project, c, 0, &error));
    assert_names (fixture->project, "e,d");
    g_assert_true (bw_project_move_category (fixture->project, d, 0, &error));
    assert_names (fixture->project, "d,e");
    b = add (fixture->project, "b2");
    c = add (fixture->project, "c2");
    g_assert_true (bw_project_delete_category (fixture->project, d, 0, &error));
    assert_names (fixture->project, "e,b2,c2");
  }

  /* Positions stay 0, 1, … */
  {
    g_autoptr(GPtrArray) categories = bw_project_list_categories (fixture->project, NULL);

    for (guint i = 0; i < categories->len; i++)
      g_assert_cmpint (((BwCategory *) g_ptr_array_index (categories, i))->position, ==, i);
  }
}

static void
test_delete_cascade (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) left = NULL;
  gint64 a = add (fixture->project, "a");
  gint64 b = add (fixture->project, "b");

  annotate (fixture, a, 4);
  annotate (fixture, b, 2);

  g_assert_true (bw_project_delete_category (fixture->project, a, 0, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count (fixture, a), ==, 0);
  g_assert_cmpint (count (fixture, b), ==, 2);
  left = bw_project_list_annotations (fixture->project, fixture->layer_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (left->len, ==, 2);

  g_assert_false (bw_project_delete_category (fixture->project, a, 0, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_NOT_FOUND);
}

static void
test_merge (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GArray) ids = NULL;
  gint64 a = add (fixture->project, "a");
  gint64 b = add (fixture->project, "b");

  annotate (fixture, a, 3);
  annotate (fixture, b, 1);
  ids = bw_project_list_category_annotation_ids (fixture->project, a, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ids->len, ==, 3);

  /* Refused merges change nothing: into itself, into a missing target. */
  before = snapshot (fixture->project);
  g_assert_false (bw_project_merge_category (fixture->project, a, a, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (bw_project_merge_category (fixture->project, a, 999, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_NOT_FOUND);
  g_clear_error (&error);
  after = snapshot (fixture->project);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpint (count (fixture, a), ==, 3);

  g_assert_true (bw_project_merge_category (fixture->project, a, b, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count (fixture, b), ==, 4);
  {
    g_autoptr(GHashTable) counts = bw_project_count_annotations_by_category (fixture->project, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (g_hash_table_size (counts), ==, 1);
    g_assert_cmpint (*(gint64 *) g_hash_table_lookup (counts, &b), ==, 4);
    g_assert_null (g_hash_table_lookup (counts, &a));
  }
  g_assert_null (bw_project_get_category (fixture->project, a, NULL));

  /* Inside an outer transaction that is rolled back, a merge leaves no trace. */
  {
    gint64 c = add (fixture->project, "c");

    annotate (fixture, c, 2);
    g_clear_pointer (&before, g_free);
    before = snapshot (fixture->project);
    g_assert_true (bw_project_begin (fixture->project, &error));
    g_assert_true (bw_project_merge_category (fixture->project, c, b, &error));
    g_assert_no_error (error);
    bw_project_rollback (fixture->project);
    g_clear_pointer (&after, g_free);
    after = snapshot (fixture->project);
    g_assert_cmpstr (before, ==, after);
    g_assert_cmpint (count (fixture, c), ==, 2);
  }
}

static void
test_reorder (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 a = add (fixture->project, "a");
  gint64 b = add (fixture->project, "b");
  gint64 c = add (fixture->project, "c");

  g_assert_true (bw_project_move_category (fixture->project, c, 0, &error));
  g_assert_no_error (error);
  assert_names (fixture->project, "c,a,b");
  g_assert_true (bw_project_move_category (fixture->project, c, 99, &error));
  assert_names (fixture->project, "a,b,c");
  g_assert_true (bw_project_move_category (fixture->project, a, 1, &error));
  assert_names (fixture->project, "b,a,c");

  {
    const gint64 order[] = { c, b, a };
    const gint64 missing[] = { c, b };
    const gint64 twice[] = { c, b, b };
    const gint64 unknown[] = { c, b, 77 };

    g_assert_true (bw_project_set_category_order (fixture->project, order, 3, &error));
    g_assert_no_error (error);
    assert_names (fixture->project, "c,b,a");

    g_assert_false (bw_project_set_category_order (fixture->project, missing, 2, &error));
    g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID);
    g_clear_error (&error);
    g_assert_false (bw_project_set_category_order (fixture->project, twice, 3, &error));
    g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID);
    g_clear_error (&error);
    g_assert_false (bw_project_set_category_order (fixture->project, unknown, 3, &error));
    g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_NOT_FOUND);
    g_clear_error (&error);
    assert_names (fixture->project, "c,b,a");
  }
}

static void
test_restore (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) saved = NULL;
  g_autoptr(GArray) moved = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gint64 a = add (fixture->project, "a");
  gint64 b = add (fixture->project, "b");
  gint64 c = add (fixture->project, "c");

  set_hotkey (fixture->project, a, "k", &error);
  annotate (fixture, a, 2);
  before = snapshot (fixture->project);
  saved = bw_project_list_categories (fixture->project, NULL);

  /* Undo of a merge: the category comes back with its id, and its
   * annotations go back to it. */
  moved = bw_project_list_category_annotation_ids (fixture->project, a, &error);
  g_assert_true (bw_project_merge_category (fixture->project, a, c, &error));
  g_assert_true (bw_project_move_category (fixture->project, c, 0, &error));
  set_hotkey (fixture->project, b, "k", &error);  /* a's hotkey, now free */
  g_assert_no_error (error);

  g_assert_true (bw_project_begin (fixture->project, &error));
  g_assert_true (bw_project_restore_categories (fixture->project, saved, &error));
  g_assert_no_error (error);
  g_assert_true (bw_project_set_annotations_category (fixture->project,
                                                     (const gint64 *) (gpointer) moved->data,
                                                     moved->len, a, &error));
  g_assert_no_error (error);
  g_assert_true (bw_project_commit (fixture->project, &error));

  after = snapshot (fixture->project);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpint (count (fixture, a), ==, 2);
  g_assert_cmpint (count (fixture, c), ==, 0);

  /* Undo of a delete that took the annotations along: they come back,
   * with their ids. */
  {
    g_autoptr(GPtrArray) kept = bw_project_list_categories (fixture->project, NULL);
    g_autoptr(GArray) ids = bw_project_list_category_annotation_ids (fixture->project, a, &error);
    g_autoptr(GPtrArray) gone = g_ptr_array_new_with_free_func ((GDestroyNotify) bw_annotation_free);
    g_autoptr(GArray) back = NULL;

    for (guint i = 0; i < ids->len; i++)
      g_ptr_array_add (gone, bw_project_get_annotation (fixture->project, g_array_index (ids, gint64, i), &error));
    g_assert_no_error (error);
    g_assert_true (bw_project_delete_category (fixture->project, a, 0, &error));
    g_assert_cmpint (count (fixture, a), ==, 0);

    g_assert_true (bw_project_begin (fixture->project, &error));
    g_assert_true (bw_project_restore_categories (fixture->project, kept, &error));
    g_assert_no_error (error);
    for (guint i = 0; i < gone->len; i++)
      {
        g_assert_true (bw_project_restore_annotation (fixture->project, g_ptr_array_index (gone, i), &error));
        g_assert_no_error (error);
      }
    g_assert_true (bw_project_commit (fixture->project, &error));
    g_clear_pointer (&after, g_free);
    after = snapshot (fixture->project);
    g_assert_cmpstr (before, ==, after);
    back = bw_project_list_category_annotation_ids (fixture->project, a, &error);
    g_assert_cmpint (back->len, ==, ids->len);
    g_assert_cmpint (g_array_index (back, gint64, 0), ==, g_array_index (ids, gint64, 0));
  }

  /* A category added since, with annotations, cannot be undone away. */
  {
    gint64 d = add (fixture->project, "d");

    annotate (fixture, d, 1);
    g_assert_false (bw_project_restore_categories (fixture->project, saved, &error));
    g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID);
    g_assert_true (has_category (fixture->project, d));
  }
}

static char *
write_file (Fixture    *fixture,
            const char *name,
            const char *contents,
            gssize      length)
{
  g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, length, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&path);
}

static BwTaxonomyImportReport *
import_path (BwProject   *project,
             const char  *path,
             GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);

  return bw_taxonomy_import (project, file, error);
}

static void
test_roundtrip (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwProject) other = NULL;
  g_autoptr(BwTaxonomyImportReport) report = NULL;
  g_autoptr(GFile) out = NULL;
  g_autofree char *path = g_build_filename (fixture->dir, "taxonomy.json", NULL);
  g_autofree char *ours = NULL;
  g_autofree char *theirs = NULL;
  BwCategory full = {
    .name = (char *) "Straßenbahn",
    .supercategory = (char *) "vehicle",
    .color = (char *) "#A0B1C2",
    .hotkey = (char *) "T",
    .guideline = (char *) "Rail vehicles in streets.\n\nNot trains: those run on their own track.",
  };
  gint64 car, gone, tram;

  car = add (fixture->project, "car");
  gone = add (fixture->project, "gone");
  tram = 0;
  g_assert_true (bw_project_add_category_full (fixture->project, &full, &tram, &error));
  g_assert_no_error (error);
  add (fixture->project, "person");
  g_assert_true (bw_project_delete_category (fixture->project, gone, 0, &error));
  g_assert_true (bw_project_move_category (fixture->project, tram, 0, &error));
  set_hotkey (fixture->project, car, "1", &error);
  g_assert_no_error (error);

  out = g_file_new_for_path (path);
  g_assert_true (bw_taxonomy_export (fixture->project, out, &error));
  g_assert_no_error (error);

  other = create_project (fixture->dir, "other.boxwood");
  report = import_path (other, path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (report->added->len, ==, 3);
  g_assert_cmpint (report->updated->len, ==, 0);
  g_assert_cmpint (report->clashes->len, ==, 0);

  /* Same names, ids (with the gap), colours, hotkeys, guidelines, order. */
  ours = snapshot (fixture->project);
  theirs = snapshot (other);
  g_assert_cmpstr (ours, ==, theirs);
  g_assert_cmpint (bw_project_find_category_by_name (other, "Straßenbahn"), ==, tram);

  /* A second import changes nothing. */
  g_clear_pointer (&report, bw_taxonomy_import_report_free);
  report = import_path (other, path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (report->added->len, ==, 0);
  g_assert_cmpint (report->updated->len, ==, 0);
  g_assert_cmpint (report->unchanged, ==, 3);
  g_clear_pointer (&theirs, g_free);
  theirs = snapshot (other);
  g_assert_cmpstr (ours, ==, theirs);

  /* No temporary file is left next to the export. */
  {
    g_autoptr(GDir) dir = g_dir_open (fixture->dir, 0, NULL);
    const char *name;

    while ((name = g_dir_read_name (dir)))
      g_assert_false (g_str_has_prefix (name, ".goutputstream"));
  }

  g_assert_finalize_object (g_steal_pointer (&other));
}

static void
test_import_merge (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwTaxonomyImportReport) report = NULL;
  g_autoptr(BwCategory) dog = NULL;
  g_autoptr(BwCategory) bird = NULL;
  g_autofree char *path = NULL;
  gint64 dog_id, cat_id, bird_id;
  BwCategory cat = { .name = (char *) "cat", .supercategory = (char *) "", .hotkey = (char *) "c" };

  dog_id = add (fixture->project, "Dog");
  set_hotkey (fixture->project, dog_id, "d", &error);
  g_assert_true (bw_project_add_category_full (fixture->project, &cat, &cat_id, &error));
  g_assert_no_error (error);
  {
    g_autoptr(BwCategory) c = bw_project_get_category (fixture->project, dog_id, NULL);

    g_free (c->supercategory);
    c->supercategory = g_strdup ("pet");
    g_assert_true (bw_project_update_category (fixture->project, c, &error));
  }

  path = write_file (fixture, "merge.json",
                     "{\"categories\": ["
                     " {\"id\": 1, \"name\": \"dog\", \"supercategory\": \"animal\", \"color\": \"#112233\"},"
                     " {\"id\": 2, \"name\": \"CAT\", \"supercategory\": \"animal\", \"hotkey\": \"d\"},"
                     " {\"id\": 9, \"name\": \"bird\", \"supercategory\": \"animal\", \"hotkey\": \"v\"}"
                     "]}", -1);
  report = import_path (fixture->project, path, &error);
  g_assert_no_error (error);

  g_assert_cmpint (report->added->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (report->added, 0), ==, "bird");
  /* dog: colour; cat: supercategory (it had none). */
  g_assert_cmpint (report->updated->len, ==, 2);
  /* dog's supercategory, cat's hotkey (d is dog's), bird's hotkey (a tool key). */
  g_assert_cmpint (report->clashes->len, ==, 3);

  dog = bw_project_get_category (fixture->project, dog_id, NULL);
  g_assert_cmpstr (dog->supercategory, ==, "pet");
  g_assert_cmpstr (dog->color, ==, "#112233");
  g_assert_cmpstr (dog->hotkey, ==, "d");
  {
    g_autoptr(BwCategory) c = bw_project_get_category (fixture->project, cat_id, NULL);

    g_assert_cmpstr (c->supercategory, ==, "animal");
    g_assert_cmpstr (c->hotkey, ==, "c");
    g_assert_cmpstr (c->name, ==, "cat");
  }
  bird_id = bw_project_find_category_by_name (fixture->project, "bird");
  /* 9 was never used here, so the file's id is kept. */
  g_assert_cmpint (bird_id, ==, 9);
  bird = bw_project_get_category (fixture->project, bird_id, NULL);
  g_assert_null (bird->hotkey);
  assert_names (fixture->project, "Dog,cat,bird");
}

static void
test_import_coco_instances (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwTaxonomyImportReport) report = NULL;
  g_autofree char *path = NULL;

  add (fixture->project, "x");
  path = write_file (fixture, "instances.json",
                     "{\"info\": {\"year\": 2024}, \"licenses\": [],"
                     " \"images\": [{\"id\": 1, \"file_name\": \"a.jpg\", \"width\": 4, \"height\": 4}],"
                     " \"annotations\": [{\"id\": 1, \"image_id\": 1, \"category_id\": 3,"
                     "   \"bbox\": [0, 0, 1, 1], \"area\": 1, \"iscrowd\": 0,"
                     "   \"segmentation\": [[0, 0, 1, 0, 1, 1]]}],"
                     " \"categories\": [{\"id\": 3, \"name\": \"person\", \"supercategory\": \"person\","
                     "   \"keypoints\": [\"nose\"], \"skeleton\": [[1, 1]]},"
                     "   {\"id\": 1, \"name\": \"bicycle\", \"supercategory\": \"vehicle\"}]}", -1);
  report = import_path (fixture->project, path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (report->added->len, ==, 2);
  assert_names (fixture->project, "x,person,bicycle");
  /* 1 was used (by "x"), so bicycle gets the next new id; 3 was never
   * used, so person keeps it. */
  g_assert_cmpint (bw_project_find_category_by_name (fixture->project, "bicycle"), ==, 2);
  g_assert_cmpint (bw_project_find_category_by_name (fixture->project, "person"), ==, 3);
}

typedef struct
{
  const char *name;
  const char *contents;         /* NULL: made by the test */
  const char *message_part;     /* what the message must say, besides the file */
} Hostile;

static void
test_import_hostile (Fixture       *fixture,
                     gconstpointer  data)
{
  static const Hostile cases[] = {
    { "not-json.json", "categories: dog", "not valid JSON" },
    { "truncated.json", "{\"categories\": [{\"id\": 1, \"name\": \"do", "not valid JSON" },
    { "empty.json", "", "empty" },
    { "number.json", "42", "categories" },
    { "no-categories.json", "{\"images\": []}", "categories" },
    { "categories-object.json", "{\"categories\": {\"name\": \"dog\"}}", "categories" },
    { "entry-string.json", "[\"dog\"]", "category 1" },
    { "name-number.json", "[{\"name\": 5}]", "name" },
    { "name-missing.json", "[{\"id\": 3}]", "name" },
    { "name-empty.json", "[{\"name\": \"a\"}, {\"name\": \"   \"}]", "category 2" },
    { "id-string.json", "[{\"id\": \"x\", \"name\": \"a\"}]", "id" },
    { "id-negative.json", "[{\"id\": -4, \"name\": \"a\"}]", "id" },
    { "id-fraction.json", "[{\"id\": 1.5, \"name\": \"a\"}]", "id" },
    { "duplicate-names.json", "[{\"name\": \"Dog\"}, {\"name\": \"cat\"}, {\"name\": \"dOG\"}]", "category 3" },
    { "duplicate-ids.json", "[{\"id\": 1, \"name\": \"a\"}, {\"id\": 1, \"name\": \"b\"}]", "id" },
    { "duplicate-hotkeys.json", "[{\"name\": \"a\", \"hotkey\": \"q\"}, {\"name\": \"b\", \"hotkey\": \"Q\"}]", "hotkey" },
    { "color-bad.json", "[{\"name\": \"a\", \"color\": \"#12345g\"}]", "color" },
    { "color-number.json", "[{\"name\": \"a\", \"color\": 255}]", "color" },
    { "color-name.json", "[{\"name\": \"a\", \"color\": \"red\"}]", "color" },
    { "hotkey-long.json", "[{\"name\": \"a\", \"hotkey\": \"ctrl+x\"}]", "hotkey" },
    { "hotkey-zero.json", "[{\"name\": \"a\", \"hotkey\": \"0\"}]", "hotkey" },
    { "supercategory-array.json", "[{\"name\": \"a\", \"supercategory\": [\"b\"]}]", "supercategory" },
    { "guideline-object.json", "[{\"name\": \"a\", \"guideline\": {}}]", "guideline" },
    { "many.json", NULL, "10000" },
    { "deep.json", NULL, "deeper" },
    { "huge-name.json", NULL, "name" },
    { "huge-guideline.json", NULL, "guideline" },
    { "late-error.json", NULL, "category 500" },
  };
  g_autofree char *before = NULL;

  add (fixture->project, "keep");
  before = snapshot (fixture->project);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const Hostile *h = &cases[i];
      g_autoptr(GError) error = NULL;
      g_autoptr(BwTaxonomyImportReport) report = NULL;
      g_autoptr(GString) made = NULL;
      g_autofree char *path = NULL;
      g_autofree char *after = NULL;

      if (h->contents != NULL)
        path = write_file (fixture, h->name, h->contents, -1);
      else
        {
          made = g_string_new (NULL);
          if (strcmp (h->name, "many.json") == 0)
            {
              g_string_append (made, "{\"categories\": [");
              for (guint n = 0; n < 100000; n++)
                g_string_append_printf (made, "%s{\"id\": %u, \"name\": \"c%u\"}", n ? "," : "", n + 1, n);
              g_string_append (made, "]}");
            }
          else if (strcmp (h->name, "deep.json") == 0)
            {
              g_string_append (made, "{\"categories\": [{\"name\": \"a\", \"x\": ");
              for (guint n = 0; n < 100000; n++)
                g_string_append_c (made, '[');
              for (guint n = 0; n < 100000; n++)
                g_string_append_c (made, ']');
              g_string_append (made, "}]}");
            }
          else if (strcmp (h->name, "huge-name.json") == 0)
            {
              g_string_append (made, "[{\"name\": \"");
              for (guint n = 0; n < 4 << 20; n++)
                g_string_append_c (made, 'n');
              g_string_append (made, "\"}]");
            }
          else if (strcmp (h->name, "huge-guideline.json") == 0)
            {
              g_string_append (made, "[{\"name\": \"g\", \"guideline\": \"");
              for (guint n = 0; n < 4 << 20; n++)
                g_string_append_c (made, 'g');
              g_string_append (made, "\"}]");
            }
          else if (strcmp (h->name, "late-error.json") == 0)
            {
              g_string_append (made, "[");
              for (guint n = 0; n < 499; n++)
                g_string_append_printf (made, "{\"name\": \"good%u\"},", n);
              g_string_append (made, "{\"name\": \"bad\", \"color\": \"blue\"}]");
            }
          else
            g_assert_not_reached ();
          path = write_file (fixture, h->name, made->str, made->len);
        }

      report = import_path (fixture->project, path, &error);
      if (error == NULL)
        g_error ("%s was accepted", h->name);
      g_assert_null (report);
      g_test_message ("%s: %s", h->name, error->message);
      if (strstr (error->message, h->name) == NULL)
        g_error ("the message for %s does not name the file: %s", h->name, error->message);
      if (strstr (error->message, h->message_part) == NULL)
        g_error ("the message for %s does not say “%s”: %s", h->name, h->message_part, error->message);

      after = snapshot (fixture->project);
      g_assert_cmpstr (before, ==, after);
    }

  /* A file that is not there. */
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *path = g_build_filename (fixture->dir, "missing.json", NULL);

    g_assert_null (import_path (fixture->project, path, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
    g_assert_nonnull (strstr (error->message, "missing.json"));
  }
}

/* An instances file bigger than what is parsed whole: only its
 * categories are read, and the rest is still checked for its shape. */
static void
test_import_big_instances (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GString) big = g_string_new ("{\"info\": {\"description\": \"a \\\" ] } [ { tricky string\"},"
                                         " \"annotations\": [");
  g_autoptr(GError) error = NULL;
  g_autoptr(BwTaxonomyImportReport) report = NULL;
  g_autofree char *path = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  const char *tail = "], \"categories\": [{\"id\": 4, \"name\": \"zebra\", \"supercategory\": \"animal\"},"
                     " {\"id\": 9, \"name\": \"giraffe\"}], \"images\": []}\n";
  gsize head_length;

  for (guint i = 0; big->len < (34u << 20); i++)
    g_string_append_printf (big, "%s{\"id\": %u, \"image_id\": 1, \"category_id\": 4, \"bbox\": [1, 2, 3, 4],"
                            " \"segmentation\": [[1, 2, 3, 4, 5, 6]], \"note\": \"x]}\\\\\"}",
                            i ? ", " : "", i);
  head_length = big->len;
  g_string_append (big, tail);

  path = write_file (fixture, "big-instances.json", big->str, big->len);
  report = import_path (fixture->project, path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report->added->len, ==, 2);
  assert_names (fixture->project, "zebra,giraffe");
  g_assert_cmpint (bw_project_find_category_by_name (fixture->project, "giraffe"), ==, 9);
  before = snapshot (fixture->project);

  /* Cut short in the middle of the annotations: refused. */
  g_clear_pointer (&path, g_free);
  path = write_file (fixture, "big-truncated.json", big->str, head_length - 7);
  g_assert_null (import_path (fixture->project, path, &error));
  g_assert_error (error, BW_JSON_ERROR, BW_JSON_ERROR_SYNTAX);
  g_assert_nonnull (strstr (error->message, "big-truncated.json"));
  g_clear_error (&error);

  /* "categories" that is not an array. */
  g_string_truncate (big, head_length);
  g_string_append (big, "], \"categories\": {\"name\": \"x\"}}");
  g_clear_pointer (&path, g_free);
  path = write_file (fixture, "big-object.json", big->str, big->len);
  g_assert_null (import_path (fixture->project, path, &error));
  g_assert_nonnull (strstr (error->message, "must be an array"));
  g_clear_error (&error);

  /* No categories at all, or something after the end. */
  g_string_truncate (big, head_length);
  g_string_append (big, "]} []");
  g_clear_pointer (&path, g_free);
  path = write_file (fixture, "big-trailing.json", big->str, big->len);
  g_assert_null (import_path (fixture->project, path, &error));
  g_assert_error (error, BW_JSON_ERROR, BW_JSON_ERROR_SYNTAX);
  g_clear_error (&error);

  /* A big bare array is no taxonomy. */
  big->str[0] = '[';
  g_clear_pointer (&path, g_free);
  path = write_file (fixture, "big-array.json", big->str, big->len);
  g_assert_null (import_path (fixture->project, path, &error));
  g_assert_error (error, BW_JSON_ERROR, BW_JSON_ERROR_TOO_BIG);
  g_assert_nonnull (strstr (error->message, "big-array.json"));
  g_clear_error (&error);

  after = snapshot (fixture->project);
  g_assert_cmpstr (before, ==, after);
}

static void
test_export_unwritable (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (fixture->dir, "no-such-folder", "t.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);

  add (fixture->project, "a");
  g_assert_false (bw_taxonomy_export (fixture->project, file, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "t.json"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/core/taxonomy/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("ids-never-reused", test_ids_never_reused);
  ADD ("default-colors-distinct", test_default_colors_distinct);
  ADD ("unique-names", test_unique_names);
  ADD ("add-many", test_add_many);
  ADD ("update-many", test_update_many);
  ADD ("hotkeys", test_hotkeys);
  ADD ("delete-move", test_delete_move);
  ADD ("delete-cascade", test_delete_cascade);
  ADD ("merge", test_merge);
  ADD ("reorder", test_reorder);
  ADD ("restore", test_restore);
  ADD ("export-import-roundtrip", test_roundtrip);
  ADD ("import-merge", test_import_merge);
  ADD ("import-coco-instances", test_import_coco_instances);
  ADD ("import-hostile", test_import_hostile);
  ADD ("import-big-instances", test_import_big_instances);
  ADD ("export-unwritable", test_export_unwritable);

#undef ADD

  return g_test_run ();
}
