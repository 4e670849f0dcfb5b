/* test-edit-history.c — undo and redo of saved edits, checked in the file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "bw-annotation-set.h"
#include "bw-edit-history.h"

typedef struct
{
  char            *dir;
  GFile           *file;
  BwProject       *project;
  BwEditHistory   *history;
  BwAnnotationSet *mirror;    /* kept up to date from the signal only */
  guint            n_signals;
  gint64           layer_id;
  gint64           cat_a;
  gint64           cat_b;
} Fixture;

static void
annotation_changed_cb (BwEditHistory      *history,
                       gint64              id,
                       gint64              layer_id,
                       const BwAnnotation *annotation,
                       Fixture            *f)
{
  f->n_signals++;
  g_assert_cmpint (layer_id, ==, f->layer_id);
  if (annotation != NULL)
    {
      g_assert_cmpint (annotation->id, ==, id);
      bw_annotation_set_put (f->mirror, annotation);
    }
  else
    {
      g_assert_true (bw_annotation_set_remove (f->mirror, id));
    }
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  BwImage image = { 0 };
  gint64 image_id, person_id;

  f->dir = g_dir_make_tmp ("bw-test-history-XXXXXX", &error);
  g_assert_no_error (error);
  f->file = g_file_new_build_filename (f->dir, "p.boxwood", NULL);
  f->project = bw_project_create (f->file, &error);
  g_assert_no_error (error);

  image.path = (char *) "a.jpg";
  image.width = 640;
  image.height = 480;
  image.content_hash = (char *) "00";
  bw_project_add_image (f->project, &image, &image_id, &error);
  g_assert_no_error (error);
  bw_project_ensure_person (f->project, "ann", BW_ROLE_ANNOTATOR, &person_id, &error);
  g_assert_no_error (error);
  bw_project_ensure_layer (f->project, image_id, person_id, BW_LAYER_KIND_WORK, &f->layer_id, &error);
  g_assert_no_error (error);
  bw_project_add_category (f->project, "car", "", "#ff0000", &f->cat_a, &error);
  g_assert_no_error (error);
  bw_project_add_category (f->project, "bus", "", "#00ff00", &f->cat_b, &error);
  g_assert_no_error (error);

  f->history = bw_edit_history_new (f->project);
  f->mirror = bw_annotation_set_new (640, 480);
  g_signal_connect (f->history, "annotation-changed", G_CALLBACK (annotation_changed_cb), f);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *path = g_file_get_path (f->file);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  g_assert_finalize_object (f->history);
  g_assert_finalize_object (f->project);
  bw_annotation_set_free (f->mirror);
  g_unlink (path);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (f->dir);
  g_object_unref (f->file);
  g_free (f->dir);
}

/* What the file holds, read back through a second connection, so nothing
 * cached in the first one can fool the test. */
static GPtrArray *
stored (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwProject) reader = bw_project_open (f->file, &error);
  GPtrArray *list;

  g_assert_no_error (error);
  list = bw_project_list_annotations (reader, f->layer_id, &error);
  g_assert_no_error (error);

  return list;
}

static const BwAnnotation *
find (GPtrArray *list,
      gint64     id)
{
  for (guint i = 0; i < list->len; i++)
    if (((BwAnnotation *) list->pdata[i])->id == id)
      return list->pdata[i];
  return NULL;
}

/* The mirror fed by the signal must hold exactly what the file holds. */
static void
assert_mirror_matches (Fixture *f)
{
  g_autoptr(GPtrArray) list = stored (f);

  g_assert_cmpuint (bw_annotation_set_get_size (f->mirror), ==, list->len);
  for (guint i = 0; i < list->len; i++)
    {
      const BwAnnotation *a = list->pdata[i];
      const BwAnnotation *m = bw_annotation_set_lookup (f->mirror, a->id);

      g_assert_nonnull (m);
      g_assert_cmpint (m->category_id, ==, a->category_id);
      g_assert_true (bw_shape_equal (m->shape, a->shape));
    }
}

static void
test_add_undo_redo (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwShape) box = bw_shape_new_box (10, 20, 110, 70);
  g_autoptr(GPtrArray) list = NULL;
  gint64 id = 0;

  g_assert_false (bw_edit_history_can_undo (f->history));
  g_assert_true (bw_edit_history_add (f->history, f->layer_id, f->cat_a, box, &id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  g_assert_true (bw_edit_history_can_undo (f->history));
  g_assert_false (bw_edit_history_can_redo (f->history));

  list = stored (f);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_true (bw_shape_equal (find (list, id)->shape, box));
  g_clear_pointer (&list, g_ptr_array_unref);
  assert_mirror_matches (f);

  g_assert_true (bw_edit_history_undo (f->history, &error));
  g_assert_no_error (error);
  list = stored (f);
  g_assert_cmpuint (list->len, ==, 0);
  g_clear_pointer (&list, g_ptr_array_unref);
  assert_mirror_matches (f);
  g_assert_false (bw_edit_history_can_undo (f->history));
  g_assert_true (bw_edit_history_can_redo (f->history));

  g_assert_true (bw_edit_history_redo (f->history, &error));
  g_assert_no_error (error);
  list = stored (f);
  g_assert_cmpuint (list->len, ==, 1);
  /* It comes back with its own id, category and geometry. */
  g_assert_nonnull (find (list, id));
  g_assert_cmpint (find (list, id)->category_id, ==, f->cat_a);
  g_assert_true (bw_shape_equal (find (list, id)->shape, box));
  assert_mirror_matches (f);
  g_assert_cmpuint (f->n_signals, ==, 3);
}

static void
test_move_recategorise (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const BwPoint pts[] = { { 10, 10 }, { 100, 10 }, { 50, 90 } };
  g_autoptr(BwShape) poly = bw_shape_new_polygon (pts, 3);
  g_autoptr(BwShape) moved = bw_shape_copy (poly);
  g_autoptr(GPtrArray) list = NULL;
  gint64 id;

  bw_edit_history_add (f->history, f->layer_id, f->cat_a, poly, &id, &error);
  g_assert_no_error (error);

  bw_shape_translate (moved, 5, -3);
  g_assert_true (bw_edit_history_update_shape (f->history, id, moved, &error));
  g_assert_no_error (error);
  g_assert_true (bw_edit_history_set_category (f->history, id, f->cat_b, &error));
  g_assert_no_error (error);

  list = stored (f);
  g_assert_true (bw_shape_equal (find (list, id)->shape, moved));
  g_assert_cmpint (find (list, id)->category_id, ==, f->cat_b);
  g_clear_pointer (&list, g_ptr_array_unref);

  /* Undo the category, then the move: one step each. */
  g_assert_cmpstr (bw_edit_history_get_undo_label (f->history), ==, "Change Category");
  bw_edit_history_undo (f->history, &error);
  g_assert_no_error (error);
  list = stored (f);
  g_assert_cmpint (find (list, id)->category_id, ==, f->cat_a);
  g_assert_true (bw_shape_equal (find (list, id)->shape, moved));
  g_clear_pointer (&list, g_ptr_array_unref);

  bw_edit_history_undo (f->history, &error);
  g_assert_no_error (error);
  list = stored (f);
  g_assert_true (bw_shape_equal (find (list, id)->shape, poly));
  g_clear_pointer (&list, g_ptr_array_unref);
  assert_mirror_matches (f);

  /* A new edit after an undo drops what could be redone. */
  g_assert_true (bw_edit_history_can_redo (f->history));
  bw_edit_history_delete (f->history, id, &error);
  g_assert_no_error (error);
  g_assert_false (bw_edit_history_can_redo (f->history));
  list = stored (f);
  g_assert_cmpuint (list->len, ==, 0);
  g_clear_pointer (&list, g_ptr_array_unref);

  bw_edit_history_undo (f->history, &error);
  g_assert_no_error (error);
  list = stored (f);
  g_assert_true (bw_shape_equal (find (list, id)->shape, poly));
  assert_mirror_matches (f);
}

static void
test_multi_step (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  gint64 ids[3];

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(BwShape) box = bw_shape_new_box (10 + 50 * i, 10, 40 + 50 * i, 40);

      bw_edit_history_add (f->history, f->layer_id, f->cat_a, box, &ids[i], &error);
      g_assert_no_error (error);
    }

  /* Move two and delete one, as one step (a selection being edited). */
  g_assert_true (bw_edit_history_begin (f->history, "Edit Selection", &error));
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(BwShape) box = bw_shape_copy (find (list = stored (f), ids[i])->shape);

      g_clear_pointer (&list, g_ptr_array_unref);
      bw_shape_translate (box, 0, 100);
      g_assert_true (bw_edit_history_update_shape (f->history, ids[i], box, &error));
      /* Moved twice within the step: still one change. */
      bw_shape_translate (box, 0, 100);
      g_assert_true (bw_edit_history_update_shape (f->history, ids[i], box, &error));
      g_assert_no_error (error);
    }
  g_assert_true (bw_edit_history_delete (f->history, ids[2], &error));
  g_assert_true (bw_edit_history_end (f->history, &error));
  g_assert_no_error (error);

  list = stored (f);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpfloat (find (list, ids[0])->shape->bbox.y0, ==, 210);
  g_clear_pointer (&list, g_ptr_array_unref);
  assert_mirror_matches (f);

  g_assert_true (bw_edit_history_undo (f->history, &error));
  g_assert_no_error (error);
  list = stored (f);
  g_assert_cmpuint (list->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpfloat (find (list, ids[i])->shape->bbox.y0, ==, 10);
  g_clear_pointer (&list, g_ptr_array_unref);
  assert_mirror_matches (f);

  g_assert_true (bw_edit_history_redo (f->history, &error));
  list = stored (f);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_null (find (list, ids[2]));
  g_assert_cmpfloat (find (list, ids[1])->shape->bbox.y0, ==, 210);
  assert_mirror_matches (f);
}

static void
test_cancel_and_errors (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwShape) box = bw_shape_new_box (10, 10, 50, 50);
  g_autoptr(BwShape) tiny = bw_shape_new_box (10, 10, 10.5, 50);
  g_autoptr(GPtrArray) list = NULL;
  gint64 id;

  /* A cancelled step leaves nothing in the file and tells no one. */
  bw_edit_history_begin (f->history, "Paste", &error);
  bw_edit_history_add (f->history, f->layer_id, f->cat_a, box, &id, &error);
  g_assert_no_error (error);
  bw_edit_history_cancel (f->history);
  list = stored (f);
  g_assert_cmpuint (list->len, ==, 0);
  g_clear_pointer (&list, g_ptr_array_unref);
  g_assert_cmpuint (f->n_signals, ==, 0);
  g_assert_false (bw_edit_history_can_undo (f->history));

  /* The store refuses a box under 1 × 1: no step is recorded. */
  g_assert_false (bw_edit_history_add (f->history, f->layer_id, f->cat_a, tiny, &id, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_false (bw_edit_history_can_undo (f->history));

  /* Editing an annotation that is gone fails cleanly. */
  g_assert_false (bw_edit_history_update_shape (f->history, 999, box, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_NOT_FOUND);
  g_assert_false (bw_edit_history_can_undo (f->history));
}

static void
test_no_depth_limit (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  guint n = 300;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BwShape) box = bw_shape_new_box (i, i, i + 10, i + 10);

      bw_edit_history_add (f->history, f->layer_id, f->cat_a, box, NULL, &error);
      g_assert_no_error (error);
    }

  for (guint i = 0; i < n; i++)
    {
      g_assert_true (bw_edit_history_can_undo (f->history));
      g_assert_true (bw_edit_history_undo (f->history, &error));
      g_assert_no_error (error);
    }
  g_assert_false (bw_edit_history_can_undo (f->history));
  list = stored (f);
  g_assert_cmpuint (list->len, ==, 0);
  g_clear_pointer (&list, g_ptr_array_unref);

  for (guint i = 0; i < n; i++)
    bw_edit_history_redo (f->history, &error);
  list = stored (f);
  g_assert_cmpuint (list->len, ==, n);
  assert_mirror_matches (f);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/core/edit-history/add-undo-redo", test_add_undo_redo);
  ADD ("/core/edit-history/move-recategorise", test_move_recategorise);
  ADD ("/core/edit-history/multi-step", test_multi_step);
  ADD ("/core/edit-history/cancel-and-errors", test_cancel_and_errors);
  ADD ("/core/edit-history/no-depth-limit", test_no_depth_limit);

  return g_test_run ();
}
