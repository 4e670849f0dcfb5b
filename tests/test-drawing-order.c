/* test-drawing-order.c — the stored drawing order of annotations: the
 * schema step that adds it, bring to front and send to back, undo, and
 * the in-memory set and hit test that follow it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-drawing-order"

#include "config.h"

#include <glib/gstdio.h>

#include "bw-layer-session.h"

typedef struct
{
  char      *dir;
  GFile     *file;
  BwProject *project;
  gint64     person_id;
  gint64     image_id;
  gint64     category_id;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  BwImage image = { 0 };

  f->dir = g_dir_make_tmp ("bw-test-order-XXXXXX", &error);
  g_assert_no_error (error);
  f->file = g_file_new_build_filename (f->dir, "p.boxwood", NULL);
  f->project = bw_project_create (f->file, &error);
  g_assert_no_error (error);

  image.path = (char *) "img.jpg";
  image.width = 640;
  image.height = 480;
  image.content_hash = (char *) "00";
  bw_project_add_image (f->project, &image, &f->image_id, &error);
  g_assert_no_error (error);
  bw_project_ensure_person (f->project, "tester", BW_ROLE_ANNOTATOR, &f->person_id, &error);
  g_assert_no_error (error);
  bw_project_add_category (f->project, "car", "", "#ff0000", &f->category_id, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GDir) dir = g_dir_open (f->dir, 0, NULL);
  const char *name;

  g_assert_finalize_object (f->project);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (f->dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (f->dir);
  g_object_unref (f->file);
  g_free (f->dir);
}

/* The ids of the layer in the order the project lists them. */
static GArray *
stored_order (BwProject *project,
              gint64     layer_id)
{
  g_autoptr(GPtrArray) annotations = bw_project_list_annotations (project, layer_id, NULL);
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_assert_nonnull (annotations);
  for (guint i = 0; i < annotations->len; i++)
    g_array_append_val (ids, ((BwAnnotation *) annotations->pdata[i])->id);
  return ids;
}

static void
assert_order (BwLayerSession *session,
              const gint64   *expected,
              guint           n)
{
  BwAnnotationSet *set = bw_layer_session_get_annotations (session);
  g_autoptr(GArray) stored = stored_order (bw_layer_session_get_project (session),
                                           bw_layer_session_get_layer_id (session));

  g_assert_cmpuint (bw_annotation_set_get_size (set), ==, n);
  g_assert_cmpuint (stored->len, ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpint (bw_annotation_set_get_nth (set, i)->id, ==, expected[i]);
      g_assert_cmpint (g_array_index (stored, gint64, i), ==, expected[i]);
      g_assert_cmpuint (bw_annotation_set_find (set, expected[i]), ==, i);
    }
}

/* Three boxes on one spot: the one on top is hit, and it is the one the
 * user brought to the front; undo and redo put the order back and forth;
 * the order is in the file, so another session sees it. */
static void
test_restack (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwLayerSession) session = NULL;
  g_autoptr(BwLayerSession) again = NULL;
  g_autoptr(BwShape) box = bw_shape_new_box (10, 10, 50, 50);
  gint64 a, b, c, d;

  session = bw_layer_session_new (f->project, f->image_id, f->person_id, &error);
  g_assert_no_error (error);
  g_assert_true (bw_layer_session_add (session, f->category_id, box, &a, &error));
  g_assert_true (bw_layer_session_add (session, f->category_id, box, &b, &error));
  g_assert_true (bw_layer_session_add (session, f->category_id, box, &c, &error));
  g_assert_no_error (error);

  /* Drawn in the order made; the last made is on top. */
  assert_order (session, (gint64[]) { a, b, c }, 3);
  g_assert_cmpint (bw_annotation_set_hit_test (bw_layer_session_get_annotations (session), 30, 30, 1, NULL), ==, c);

  /* a to the front. */
  g_assert_true (bw_layer_session_restack (session, &a, 1, TRUE, &error));
  g_assert_no_error (error);
  assert_order (session, (gint64[]) { b, c, a }, 3);
  g_assert_cmpint (bw_annotation_set_hit_test (bw_layer_session_get_annotations (session), 30, 30, 1, NULL), ==, a);
  g_assert_cmpstr (bw_layer_session_get_undo_label (session), ==, "Bring to Front");

  /* Already there: nothing to do, no step. */
  g_assert_true (bw_layer_session_restack (session, &a, 1, TRUE, &error));
  g_assert_cmpstr (bw_layer_session_get_undo_label (session), ==, "Bring to Front");

  /* c and a to the back, keeping c under a. */
  g_assert_true (bw_layer_session_restack (session, (gint64[]) { a, c }, 2, FALSE, &error));
  g_assert_no_error (error);
  assert_order (session, (gint64[]) { c, a, b }, 3);
  g_assert_cmpint (bw_annotation_set_hit_test (bw_layer_session_get_annotations (session), 30, 30, 1, NULL), ==, b);

  /* Undo twice: the order made; redo once. */
  g_assert_true (bw_layer_session_undo (session, &error));
  assert_order (session, (gint64[]) { b, c, a }, 3);
  g_assert_true (bw_layer_session_undo (session, &error));
  assert_order (session, (gint64[]) { a, b, c }, 3);
  g_assert_true (bw_layer_session_redo (session, &error));
  assert_order (session, (gint64[]) { b, c, a }, 3);
  g_assert_no_error (error);

  /* A shape drawn now goes on top of the one brought to the front. */
  g_assert_true (bw_layer_session_add (session, f->category_id, box, &d, &error));
  assert_order (session, (gint64[]) { b, c, a, d }, 4);

  /* Deleted and brought back by undo, it keeps its place. */
  g_assert_true (bw_layer_session_delete (session, &a, 1, &error));
  assert_order (session, (gint64[]) { b, c, d }, 3);
  g_assert_true (bw_layer_session_undo (session, &error));
  assert_order (session, (gint64[]) { b, c, a, d }, 4);
  g_assert_no_error (error);

  /* From the file, in another session. */
  again = bw_layer_session_new (f->project, f->image_id, f->person_id, &error);
  g_assert_no_error (error);
  assert_order (again, (gint64[]) { b, c, a, d }, 4);
}

static void
copy_file (const char *from,
           const char *to)
{
  g_autofree char *contents = NULL;
  gsize length;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_get_contents (from, &contents, &length, &error));
  g_assert_true (g_file_set_contents (to, contents, length, &error));
  g_assert_no_error (error);
}

/* A schema-1 file: every annotation gets order 0, so it is drawn as
 * before (by id), and the list comes back in id order. */
static void
test_migrate (void)
{
  g_autofree char *dir = g_dir_make_tmp ("bw-test-order-v1-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "v1.boxwood", NULL);
  g_autofree char *source = g_test_build_filename (G_TEST_DIST, "data", "project-v1.boxwood", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(BwProject) project = NULL;
  g_autoptr(GArray) images = NULL;
  guint n_checked = 0;

  copy_file (source, path);
  project = bw_project_open (file, &error);
  g_assert_no_error (error);

  images = bw_project_list_image_ids (project, -1, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < images->len; i++)
    {
      g_autoptr(GPtrArray) layers = bw_project_list_layers (project, g_array_index (images, gint64, i), &error);

      g_assert_no_error (error);
      for (guint l = 0; l < layers->len; l++)
        {
          g_autoptr(GPtrArray) annotations =
            bw_project_list_annotations (project, ((BwLayer *) layers->pdata[l])->id, &error);

          g_assert_no_error (error);
          for (guint k = 0; k < annotations->len; k++)
            {
              const BwAnnotation *an = annotations->pdata[k];

              g_assert_cmpint (an->z, ==, 0);
              if (k > 0)
                g_assert_cmpint (((BwAnnotation *) annotations->pdata[k - 1])->id, <, an->id);
              n_checked++;
            }
        }
    }
  g_assert_cmpuint (n_checked, >, 0);

  g_clear_object (&project);
  {
    g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
    const char *name;

    while (d != NULL && (name = g_dir_read_name (d)) != NULL)
      {
        g_autofree char *p = g_build_filename (dir, name, NULL);
        g_unlink (p);
      }
    g_rmdir (dir);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/core/drawing-order/restack", Fixture, NULL, fixture_set_up, test_restack, fixture_tear_down);
  g_test_add_func ("/core/drawing-order/migrate-from-v1", test_migrate);

  return g_test_run ();
}
