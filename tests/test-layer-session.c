/* test-layer-session.c — one image's work, its commands and its history
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The session is what the app, the command line and the tests change an
 * image through; every check here is made on what the project file holds,
 * read through a second connection where it matters that it was written.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "bw-layer-session.h"

typedef struct
{
  char      *dir;
  GFile     *file;
  BwProject *project;
  gint64     person_id;
  gint64     images[2];
  gint64     cat_a;
  gint64     cat_b;
  guint      n_reopened;
  guint      n_status;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("bw-test-session-XXXXXX", &error);
  g_assert_no_error (error);
  f->file = g_file_new_build_filename (f->dir, "p.boxwood", NULL);
  f->project = bw_project_create (f->file, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *path = g_strdup_printf ("img%u.jpg", i);
      g_autofree char *hash = g_strdup_printf ("%02u", i);
      BwImage image = { 0 };

      image.path = path;
      image.width = 640;
      image.height = 480;
      image.content_hash = hash;
      bw_project_add_image (f->project, &image, &f->images[i], &error);
      g_assert_no_error (error);
    }
  bw_project_ensure_person (f->project, "tester", BW_ROLE_ANNOTATOR, &f->person_id, &error);
  g_assert_no_error (error);
  bw_project_add_category (f->project, "car", "", "#ff0000", &f->cat_a, &error);
  g_assert_no_error (error);
  bw_project_add_category (f->project, "bus", "", "#00ff00", &f->cat_b, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *path = g_file_get_path (f->file);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  g_assert_finalize_object (f->project);
  g_unlink (path);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (f->dir);
  g_object_unref (f->file);
  g_free (f->dir);
}

static void
reopened_cb (BwLayerSession *session,
             Fixture        *f)
{
  f->n_reopened++;
}

static void
status_changed_cb (BwLayerSession *session,
                   Fixture        *f)
{
  f->n_status++;
}

static BwLayerSession *
open_session (Fixture *f,
              gint64   image_id)
{
  g_autoptr(GError) error = NULL;
  BwLayerSession *session = bw_layer_session_new (f->project, image_id, f->person_id, &error);

  g_assert_no_error (error);
  g_assert_nonnull (session);
  g_signal_connect (session, "reopened", G_CALLBACK (reopened_cb), f);
  g_signal_connect (session, "status-changed", G_CALLBACK (status_changed_cb), f);

  return session;
}

/* The person's shapes on @image_id, as another connection to the file
 * reads them: what was written, not what a cache holds. */
static GPtrArray *
stored (Fixture *f,
        gint64   image_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwProject) other = bw_project_open (f->file, &error);
  g_autoptr(GPtrArray) layers = NULL;

  g_assert_no_error (error);
  layers = bw_project_list_layers (other, image_id, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < layers->len; i++)
    {
      const BwLayer *layer = layers->pdata[i];

      if (layer->person_id == f->person_id && layer->kind == BW_LAYER_KIND_WORK)
        {
          GPtrArray *list = bw_project_list_annotations (other, layer->id, &error);

          g_assert_no_error (error);
          return list;
        }
    }

  return g_ptr_array_new_with_free_func ((GDestroyNotify) bw_annotation_free);
}

/* The person's work layer of the first image. */
static gint64
find_work_layer (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) layers = bw_project_list_layers (f->project, f->images[0], &error);

  g_assert_no_error (error);
  for (guint i = 0; i < layers->len; i++)
    {
      const BwLayer *layer = layers->pdata[i];

      if (layer->person_id == f->person_id && layer->kind == BW_LAYER_KIND_WORK)
        return layer->id;
    }
  g_assert_not_reached ();
  return 0;
}

static guint
count_stored (Fixture *f,
              gint64   image_id)
{
  g_autoptr(GPtrArray) list = stored (f, image_id);

  return list->len;
}

static void
assert_box (const BwAnnotation *a,
            double              x0,
            double              y0,
            double              x1,
            double              y1)
{
  g_assert_nonnull (a);
  g_assert_cmpfloat_with_epsilon (a->shape->bbox.x0, x0, 1e-9);
  g_assert_cmpfloat_with_epsilon (a->shape->bbox.y0, y0, 1e-9);
  g_assert_cmpfloat_with_epsilon (a->shape->bbox.x1, x1, 1e-9);
  g_assert_cmpfloat_with_epsilon (a->shape->bbox.y1, y1, 1e-9);
}

static gint64
add_box (BwLayerSession *session,
         gint64          category_id,
         double          x0,
         double          y0,
         double          x1,
         double          y1)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwShape) shape = bw_shape_new_box (x0, y0, x1, y1);
  gint64 id = 0;

  g_assert_true (bw_layer_session_add (session, category_id, shape, &id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);

  return id;
}

static void
iterate (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* Each command is one step, written at once; undo and redo walk them. */
static void
test_commands (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwLayerSession) session = open_session (f, f->images[0]);
  g_autoptr(BwShape) moved = bw_shape_new_box (20, 20, 70, 80);
  g_autoptr(GPtrArray) list = NULL;
  BwAnnotationSet *set = bw_layer_session_get_annotations (session);
  gint64 a, b;
  guint n = 0;

  /* Looking leaves no trace. */
  g_assert_cmpint (bw_layer_session_get_layer_id (session), ==, 0);
  g_assert_false (bw_layer_session_can_undo (session));

  a = add_box (session, f->cat_a, 10, 10, 60, 60);
  b = add_box (session, f->cat_a, 100, 100, 150, 150);
  g_assert_cmpint (bw_layer_session_get_layer_id (session), >, 0);
  g_assert_cmpuint (count_stored (f, f->images[0]), ==, 2);
  g_assert_cmpuint (bw_annotation_set_get_size (set), ==, 2);

  g_assert_true (bw_layer_session_change_shape (session, "Move", a, moved, &error));
  g_assert_no_error (error);
  g_assert_true (bw_layer_session_relabel (session, (gint64[]) { a, b }, 2, f->cat_b, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpstr (bw_layer_session_get_undo_label (session), ==, "Change Category");
  /* Nothing to change is no step. */
  g_assert_true (bw_layer_session_relabel (session, &a, 1, f->cat_b, &n, &error));
  g_assert_cmpuint (n, ==, 0);
  g_assert_cmpstr (bw_layer_session_get_undo_label (session), ==, "Change Category");

  list = stored (f, f->images[0]);
  assert_box (list->pdata[0], 20, 20, 70, 80);
  g_assert_cmpint (((BwAnnotation *) list->pdata[0])->category_id, ==, f->cat_b);
  g_assert_cmpint (((BwAnnotation *) list->pdata[1])->category_id, ==, f->cat_b);
  g_clear_pointer (&list, g_ptr_array_unref);

  g_assert_true (bw_layer_session_delete (session, &b, 1, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_stored (f, f->images[0]), ==, 1);
  g_assert_null (bw_annotation_set_lookup (set, b));

  /* A shape that is not on the layer is refused by name. */
  g_assert_false (bw_layer_session_change_shape (session, "Move", b, moved, &error));
  g_assert_error (error, BW_LAYER_SESSION_ERROR, BW_LAYER_SESSION_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Back through delete, relabel (both shapes in one step), move. */
  g_assert_true (bw_layer_session_undo (session, &error));
  g_assert_cmpuint (count_stored (f, f->images[0]), ==, 2);
  g_assert_true (bw_layer_session_undo (session, &error));
  list = stored (f, f->images[0]);
  g_assert_cmpint (((BwAnnotation *) list->pdata[0])->category_id, ==, f->cat_a);
  g_assert_cmpint (((BwAnnotation *) list->pdata[1])->category_id, ==, f->cat_a);
  g_clear_pointer (&list, g_ptr_array_unref);
  g_assert_true (bw_layer_session_undo (session, &error));
  list = stored (f, f->images[0]);
  assert_box (list->pdata[0], 10, 10, 60, 60);
  assert_box (bw_annotation_set_lookup (set, a), 10, 10, 60, 60);
  g_clear_pointer (&list, g_ptr_array_unref);

  g_assert_true (bw_layer_session_redo (session, &error));
  g_assert_no_error (error);
  list = stored (f, f->images[0]);
  assert_box (list->pdata[0], 20, 20, 70, 80);

  g_assert_finalize_object (g_steal_pointer (&session));
}

/* Undo belongs to the image: the history of one image never changes
 * another, and a new session of an image starts with nothing to undo. */
static void
test_undo_per_image (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwLayerSession) first = open_session (f, f->images[0]);
  g_autoptr(BwLayerSession) second = NULL;
  g_autoptr(BwImage) image = NULL;

  add_box (first, f->cat_a, 10, 10, 60, 60);
  g_assert_true (bw_layer_session_submit (first, &error));
  g_assert_no_error (error);
  g_assert_finalize_object (g_steal_pointer (&first));

  /* The next image, just opened: nothing to undo, and the first image's
   * box cannot be reached from here. */
  second = open_session (f, f->images[1]);
  g_assert_false (bw_layer_session_can_undo (second));
  g_assert_true (bw_layer_session_undo (second, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_stored (f, f->images[0]), ==, 1);

  add_box (second, f->cat_b, 5, 5, 50, 50);
  g_assert_true (bw_layer_session_undo (second, &error));
  g_assert_false (bw_layer_session_can_undo (second));
  g_assert_cmpuint (count_stored (f, f->images[1]), ==, 0);
  g_assert_cmpuint (count_stored (f, f->images[0]), ==, 1);
  image = bw_project_get_image (f->project, f->images[0], &error);
  g_assert_cmpint (image->status, ==, BW_IMAGE_STATUS_SUBMITTED);

  g_assert_finalize_object (g_steal_pointer (&second));
}

/* A merge of categories rewrites the history: redo and undo put the shape
 * in the category it now belongs to, and nothing is lost. */
static void
test_merge_keeps_history (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwLayerSession) session = open_session (f, f->images[0]);
  g_autoptr(GPtrArray) list = NULL;
  gint64 kept, undone;

  kept = add_box (session, f->cat_a, 10, 10, 60, 60);
  undone = add_box (session, f->cat_a, 100, 100, 160, 160);
  g_assert_true (bw_layer_session_undo (session, &error));
  g_assert_cmpuint (count_stored (f, f->images[0]), ==, 1);

  g_assert_true (bw_project_merge_category (f->project, f->cat_a, f->cat_b, &error));
  g_assert_no_error (error);
  iterate ();

  /* The undone box comes back, in the category that took "car". */
  g_assert_true (bw_layer_session_can_redo (session));
  g_assert_true (bw_layer_session_redo (session, &error));
  g_assert_no_error (error);
  list = stored (f, f->images[0]);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpint (((BwAnnotation *) list->pdata[0])->id, ==, kept);
  g_assert_cmpint (((BwAnnotation *) list->pdata[1])->id, ==, undone);
  g_assert_cmpint (((BwAnnotation *) list->pdata[0])->category_id, ==, f->cat_b);
  g_assert_cmpint (((BwAnnotation *) list->pdata[1])->category_id, ==, f->cat_b);
  g_assert_cmpint (bw_annotation_set_lookup (bw_layer_session_get_annotations (session), undone)->category_id,
                   ==, f->cat_b);

  /* Undo all the way and redo all the way: every step works. */
  g_assert_true (bw_layer_session_undo (session, &error));
  g_assert_true (bw_layer_session_undo (session, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_stored (f, f->images[0]), ==, 0);
  g_assert_true (bw_layer_session_redo (session, &error));
  g_assert_true (bw_layer_session_redo (session, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_stored (f, f->images[0]), ==, 2);

  g_assert_finalize_object (g_steal_pointer (&session));
}

/* A category deleted with its shapes: what could no longer be undone or
 * redone is disabled beforehand, never failing after the fact. */
static void
test_delete_category_disables (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwLayerSession) session = open_session (f, f->images[0]);
  gint64 gone;

  add_box (session, f->cat_b, 200, 200, 260, 260);
  gone = add_box (session, f->cat_a, 10, 10, 60, 60);
  add_box (session, f->cat_a, 100, 100, 160, 160);
  g_assert_true (bw_layer_session_undo (session, &error));
  g_assert_true (bw_layer_session_can_redo (session));

  g_assert_true (bw_project_delete_category (f->project, f->cat_a, 0, &error));
  g_assert_no_error (error);
  iterate ();

  /* The redo would bring back a shape of a category that is gone; the
   * undo would delete a shape already deleted: both are disabled. */
  g_assert_false (bw_layer_session_can_redo (session));
  g_assert_false (bw_layer_session_can_undo (session));
  g_assert_null (bw_annotation_set_lookup (bw_layer_session_get_annotations (session), gone));
  g_assert_cmpuint (bw_annotation_set_get_size (bw_layer_session_get_annotations (session)), ==, 1);

  /* The session goes on working. */
  add_box (session, f->cat_b, 300, 300, 360, 360);
  g_assert_true (bw_layer_session_undo (session, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_stored (f, f->images[0]), ==, 1);

  g_assert_finalize_object (g_steal_pointer (&session));
}

/* A run of nudges is one step and one write, made when it stops. */
static void
test_nudges_coalesce (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwLayerSession) session = open_session (f, f->images[0]);
  g_autoptr(GPtrArray) list = NULL;
  BwAnnotationSet *set = bw_layer_session_get_annotations (session);
  gint64 a, b;

  a = add_box (session, f->cat_a, 10, 10, 60, 60);
  b = add_box (session, f->cat_a, 100, 100, 160, 160);

  for (guint i = 0; i < 5; i++)
    g_assert_true (bw_layer_session_nudge (session, (gint64[]) { a, b }, 2, 1, 0, &error));
  g_assert_true (bw_layer_session_nudge (session, (gint64[]) { a, b }, 2, 0, -10, &error));
  g_assert_no_error (error);

  /* Shown at once, stopped by the image's top edge, not written yet. */
  assert_box (bw_annotation_set_lookup (set, a), 15, 0, 65, 50);
  assert_box (bw_annotation_set_lookup (set, b), 105, 90, 165, 150);
  g_assert_true (bw_layer_session_has_pending (session));
  g_assert_true (bw_layer_session_can_undo (session));
  list = stored (f, f->images[0]);
  assert_box (list->pdata[0], 10, 10, 60, 60);
  g_clear_pointer (&list, g_ptr_array_unref);

  /* Any other command writes the run first, as its own step. */
  g_assert_true (bw_layer_session_relabel (session, &b, 1, f->cat_b, NULL, &error));
  g_assert_false (bw_layer_session_has_pending (session));
  list = stored (f, f->images[0]);
  assert_box (list->pdata[0], 15, 0, 65, 50);
  g_clear_pointer (&list, g_ptr_array_unref);

  /* Undo: the relabel, then the whole run at once. */
  g_assert_true (bw_layer_session_undo (session, &error));
  g_assert_cmpstr (bw_layer_session_get_undo_label (session), ==, "Move");
  g_assert_true (bw_layer_session_undo (session, &error));
  list = stored (f, f->images[0]);
  assert_box (list->pdata[0], 10, 10, 60, 60);
  assert_box (list->pdata[1], 100, 100, 160, 160);
  g_clear_pointer (&list, g_ptr_array_unref);
  g_assert_cmpstr (bw_layer_session_get_undo_label (session), ==, "Draw Box");

  /* Another selection starts another run. */
  g_assert_true (bw_layer_session_nudge (session, &a, 1, 0, 1, &error));
  g_assert_true (bw_layer_session_nudge (session, &b, 1, 0, 1, &error));
  g_assert_true (bw_layer_session_undo (session, &error));
  g_assert_true (bw_layer_session_undo (session, &error));
  g_assert_cmpstr (bw_layer_session_get_undo_label (session), ==, "Draw Box");

  /* A run not yet written when the session closes is written then. */
  g_assert_true (bw_layer_session_nudge (session, &a, 1, 3, 3, &error));
  g_assert_finalize_object (g_steal_pointer (&session));
  list = stored (f, f->images[0]);
  assert_box (list->pdata[0], 13, 13, 63, 63);
}

/* After a pause the run is written by itself. */
static void
test_nudge_written_after_pause (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwLayerSession) session = open_session (f, f->images[0]);
  g_autoptr(GPtrArray) list = NULL;
  gint64 a = add_box (session, f->cat_a, 10, 10, 60, 60);

  g_assert_true (bw_layer_session_nudge (session, &a, 1, 2, 0, &error));
  while (bw_layer_session_has_pending (session))
    g_main_context_iteration (NULL, TRUE);
  list = stored (f, f->images[0]);
  assert_box (list->pdata[0], 12, 10, 62, 60);

  g_assert_finalize_object (g_steal_pointer (&session));
}

/* Editing submitted work puts it back in progress, in the edit's own
 * step: undoing the edit hands it back as submitted. */
static void
test_edit_after_submit (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwLayerSession) session = open_session (f, f->images[0]);
  g_autoptr(BwImage) image = NULL;
  g_autoptr(BwLayer) layer = NULL;

  add_box (session, f->cat_a, 10, 10, 60, 60);
  g_assert_true (bw_layer_session_submit (session, &error));
  g_assert_cmpint (bw_layer_session_get_status (session), ==, BW_LAYER_STATUS_SUBMITTED);
  g_assert_cmpuint (f->n_reopened, ==, 0);

  add_box (session, f->cat_a, 100, 100, 160, 160);
  g_assert_cmpuint (f->n_reopened, ==, 1);
  g_assert_cmpint (bw_layer_session_get_status (session), ==, BW_LAYER_STATUS_IN_PROGRESS);
  image = bw_project_get_image (f->project, f->images[0], &error);
  layer = bw_project_get_layer (f->project, bw_layer_session_get_layer_id (session), &error);
  g_assert_cmpint (image->status, ==, BW_IMAGE_STATUS_IN_PROGRESS);
  g_assert_cmpint (layer->status, ==, BW_LAYER_STATUS_IN_PROGRESS);
  g_clear_pointer (&image, bw_image_free);
  g_clear_pointer (&layer, bw_layer_free);

  g_assert_true (bw_layer_session_undo (session, &error));
  g_assert_cmpint (bw_layer_session_get_status (session), ==, BW_LAYER_STATUS_SUBMITTED);
  image = bw_project_get_image (f->project, f->images[0], &error);
  g_assert_cmpint (image->status, ==, BW_IMAGE_STATUS_SUBMITTED);
  g_clear_pointer (&image, bw_image_free);

  g_assert_true (bw_layer_session_redo (session, &error));
  g_assert_cmpint (bw_layer_session_get_status (session), ==, BW_LAYER_STATUS_IN_PROGRESS);
  image = bw_project_get_image (f->project, f->images[0], &error);
  g_assert_cmpint (image->status, ==, BW_IMAGE_STATUS_IN_PROGRESS);

  g_assert_finalize_object (g_steal_pointer (&session));
}

/* An annotator starts from a copy of the model's predictions. */
static void
test_starts_from_model (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwShape) shape = bw_shape_new_box (1, 2, 30, 40);
  g_autoptr(BwLayerSession) session = NULL;
  gint64 model_layer;

  g_assert_true (bw_project_ensure_layer (f->project, f->images[1], 0, BW_LAYER_KIND_MODEL, &model_layer, &error));
  g_assert_true (bw_project_add_annotation (f->project, model_layer, f->cat_a, shape,
                                            BW_SOURCE_PREDICTION, 0.9, NULL, &error));
  g_assert_no_error (error);

  session = open_session (f, f->images[1]);
  g_assert_cmpint (bw_layer_session_get_layer_id (session), >, 0);
  g_assert_cmpint (bw_layer_session_get_layer_id (session), !=, model_layer);
  g_assert_cmpuint (bw_annotation_set_get_size (bw_layer_session_get_annotations (session)), ==, 1);
  g_assert_cmpuint (count_stored (f, f->images[1]), ==, 1);
  g_assert_false (bw_layer_session_can_undo (session));

  g_assert_finalize_object (g_steal_pointer (&session));
}


/* Submitting nothing asks first; "no objects" is an answer of its own,
 * recorded on the layer, and taken back by drawing a shape. */
static void
test_submit_rules (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwLayerSession) session = open_session (f, f->images[0]);
  g_autoptr(BwImage) image = NULL;
  g_autoptr(BwLayer) layer = NULL;
  gint64 id;

  g_assert_false (bw_layer_session_submit (session, &error));
  g_assert_error (error, BW_LAYER_SESSION_ERROR, BW_LAYER_SESSION_ERROR_EMPTY);
  g_clear_error (&error);
  image = bw_project_get_image (f->project, f->images[0], &error);
  g_assert_cmpint (image->status, ==, BW_IMAGE_STATUS_NEW);
  g_clear_pointer (&image, bw_image_free);

  g_assert_true (bw_layer_session_mark_no_objects (session, &error));
  g_assert_no_error (error);
  g_assert_true (bw_layer_session_get_no_objects (session));
  g_assert_cmpint (bw_layer_session_get_status (session), ==, BW_LAYER_STATUS_SUBMITTED);
  layer = bw_project_get_layer (f->project, bw_layer_session_get_layer_id (session), &error);
  g_assert_true (layer->no_objects);
  g_assert_cmpint (layer->status, ==, BW_LAYER_STATUS_SUBMITTED);
  g_clear_pointer (&layer, bw_layer_free);
  image = bw_project_get_image (f->project, f->images[0], &error);
  g_assert_cmpint (image->status, ==, BW_IMAGE_STATUS_SUBMITTED);
  g_clear_pointer (&image, bw_image_free);

  /* A shape drawn after all: in progress again, no longer "no objects";
   * undone, the answer is back as it was. */
  id = add_box (session, f->cat_a, 10, 10, 60, 60);
  g_assert_false (bw_layer_session_get_no_objects (session));
  g_assert_cmpuint (f->n_reopened, ==, 1);
  layer = bw_project_get_layer (f->project, bw_layer_session_get_layer_id (session), &error);
  g_assert_false (layer->no_objects);
  g_assert_cmpint (layer->status, ==, BW_LAYER_STATUS_IN_PROGRESS);
  g_clear_pointer (&layer, bw_layer_free);

  /* With shapes, "no objects" is refused and Submit works. */
  g_assert_false (bw_layer_session_mark_no_objects (session, &error));
  g_assert_error (error, BW_LAYER_SESSION_ERROR, BW_LAYER_SESSION_ERROR_NOT_EMPTY);
  g_clear_error (&error);

  g_assert_true (bw_layer_session_undo (session, &error));
  g_assert_no_error (error);
  g_assert_true (bw_layer_session_get_no_objects (session));
  layer = bw_project_get_layer (f->project, bw_layer_session_get_layer_id (session), &error);
  g_assert_true (layer->no_objects);
  g_assert_cmpint (layer->status, ==, BW_LAYER_STATUS_SUBMITTED);
  g_clear_pointer (&layer, bw_layer_free);

  g_assert_true (bw_layer_session_redo (session, &error));
  g_assert_true (bw_layer_session_submit (session, &error));
  g_assert_no_error (error);
  g_assert_nonnull (bw_annotation_set_lookup (bw_layer_session_get_annotations (session), id));

  g_assert_finalize_object (g_steal_pointer (&session));
}

/* A submission can be taken back until someone reviews it. */
static void
test_recall (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwLayerSession) session = open_session (f, f->images[0]);
  g_autoptr(BwImage) image = NULL;
  g_autoptr(BwLayerSession) again = NULL;

  g_assert_false (bw_layer_session_can_recall (session));
  g_assert_false (bw_layer_session_recall (session, &error));
  g_assert_error (error, BW_LAYER_SESSION_ERROR, BW_LAYER_SESSION_ERROR_NOT_SUBMITTED);
  g_clear_error (&error);

  add_box (session, f->cat_a, 10, 10, 60, 60);
  g_assert_true (bw_layer_session_submit (session, &error));
  g_assert_true (bw_layer_session_can_recall (session));
  g_assert_true (bw_layer_session_recall (session, &error));
  g_assert_no_error (error);
  g_assert_cmpint (bw_layer_session_get_status (session), ==, BW_LAYER_STATUS_IN_PROGRESS);
  image = bw_project_get_image (f->project, f->images[0], &error);
  g_assert_cmpint (image->status, ==, BW_IMAGE_STATUS_IN_PROGRESS);
  g_clear_pointer (&image, bw_image_free);
  g_assert_cmpuint (count_stored (f, f->images[0]), ==, 1);

  /* Reviewed (accepted): no recall, with the reason. */
  g_assert_true (bw_layer_session_submit (session, &error));
  g_assert_true (bw_project_set_layer_status (f->project, bw_layer_session_get_layer_id (session),
                                              BW_LAYER_STATUS_ACCEPTED, &error));
  g_assert_no_error (error);
  again = open_session (f, f->images[0]);
  g_assert_false (bw_layer_session_can_recall (again));
  g_assert_false (bw_layer_session_recall (again, &error));
  g_assert_error (error, BW_LAYER_SESSION_ERROR, BW_LAYER_SESSION_ERROR_REVIEWED);
  g_clear_error (&error);

  g_assert_finalize_object (g_steal_pointer (&again));
  g_assert_finalize_object (g_steal_pointer (&session));
}

/* A project of schema 1 opens with every layer answered as before (not
 * "no objects"); its submitted work can be recalled unless reviewed. */
static void
test_v1_project (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *source = g_test_build_filename (G_TEST_DIST, "data", "project-v1.boxwood", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *path = g_build_filename (f->dir, "old.boxwood", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(BwProject) old = NULL;
  g_autoptr(BwLayerSession) submitted = NULL;
  g_autoptr(BwLayerSession) accepted = NULL;
  g_autoptr(GPtrArray) layers = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (source, &contents, &length, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (path, contents, length, &error));
  old = bw_project_open (file, &error);
  g_assert_no_error (error);

  layers = bw_project_list_layers (old, 3, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (layers->len, ==, 1);
  g_assert_false (((BwLayer *) layers->pdata[0])->no_objects);

  /* Alex's submitted image 3: recalled. Image 1, accepted and reviewed:
   * refused. */
  submitted = bw_layer_session_new (old, 3, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (bw_layer_session_get_status (submitted), ==, BW_LAYER_STATUS_SUBMITTED);
  g_assert_true (bw_layer_session_recall (submitted, &error));
  g_assert_no_error (error);
  accepted = bw_layer_session_new (old, 1, 1, &error);
  g_assert_no_error (error);
  g_assert_false (bw_layer_session_recall (accepted, &error));
  g_assert_error (error, BW_LAYER_SESSION_ERROR, BW_LAYER_SESSION_ERROR_REVIEWED);

  g_clear_object (&submitted);
  g_clear_object (&accepted);
  g_assert_finalize_object (g_steal_pointer (&old));
  g_unlink (path);
  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);

    g_unlink (wal);
    g_unlink (shm);
  }
}

/* Another program merges a category or deletes a shape: this process
 * hears nothing, so the session checks again before it writes. A merge is
 * followed (the shapes in the file show where the category went); a step
 * whose shape is gone is dropped with a message, writing nothing. */
static void
test_changed_by_another_program (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwLayerSession) session = open_session (f, f->images[0]);
  g_autoptr(BwProject) other = bw_project_open (f->file, &error);
  g_autoptr(GPtrArray) list = NULL;
  gint64 kept, undone;

  g_assert_no_error (error);
  kept = add_box (session, f->cat_a, 10, 10, 60, 60);
  undone = add_box (session, f->cat_a, 100, 100, 160, 160);
  g_assert_true (bw_layer_session_undo (session, &error));

  g_assert_true (bw_project_merge_category (other, f->cat_a, f->cat_b, &error));
  g_assert_no_error (error);
  g_assert_true (bw_layer_session_redo (session, &error));
  g_assert_no_error (error);
  list = stored (f, f->images[0]);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpint (((BwAnnotation *) list->pdata[1])->id, ==, undone);
  g_assert_cmpint (((BwAnnotation *) list->pdata[1])->category_id, ==, f->cat_b);
  g_clear_pointer (&list, g_ptr_array_unref);

  /* The redone box deleted elsewhere: its undo would fail; it is refused
   * before anything is written, with the steps recorded under it. */
  g_assert_true (bw_project_delete_annotation (other, undone, &error));
  g_assert_false (bw_layer_session_undo (session, &error));
  g_assert_error (error, BW_LAYER_SESSION_ERROR, BW_LAYER_SESSION_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (bw_layer_session_can_undo (session));
  list = stored (f, f->images[0]);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpint (((BwAnnotation *) list->pdata[0])->id, ==, kept);

  g_assert_finalize_object (g_steal_pointer (&session));
}

static gboolean
queue_has_layer (Fixture *f,
                 gint64   layer_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) queue = bw_project_list_review_queue (f->project, 0, 0, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < queue->len; i++)
    if (((BwReviewQueueItem *) queue->pdata[i])->layer_id == layer_id)
      return TRUE;
  return FALSE;
}

static BwAssignmentStatus
assignment_status (Fixture *f,
                   gint64   image_id,
                   int     *out_submissions)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwAssignment) assignment = bw_project_get_assignment (f->project, image_id, f->person_id,
                                                                  BW_TASK_ANNOTATE, &error);

  g_assert_no_error (error);
  g_assert_nonnull (assignment);
  if (out_submissions != NULL)
    *out_submissions = assignment->submissions;
  return assignment->status;
}

/* Work a reviewer returned comes first in its annotator's queue (and
 * only in theirs); fixed and submitted, it goes back to review, audit or
 * not; the fixed submission can be recalled until a reviewer opens it,
 * although the first one was reviewed. */
static void
test_returned_work (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwLayerSession) first = NULL;
  g_autoptr(BwLayerSession) returned = NULL;
  g_autoptr(BwLayerSession) other = NULL;
  g_autoptr(GPtrArray) reviews = NULL;
  g_autoptr(BwShape) fixed = bw_shape_new_box (12, 12, 40, 40);
  BwAuditSettings audit = { .enabled = TRUE, .rate = 0.0, .seed = 7, .policy = BW_AUDIT_POLICY_ACCEPT };
  gint64 images[4] = { f->images[0], f->images[1], 0, 0 };
  gint64 reviewer = 0, bob = 0, box, layer, reason = 0;
  int submissions = 0;

  for (guint i = 2; i < 4; i++)
    {
      g_autofree char *path = g_strdup_printf ("img%u.jpg", i);
      g_autofree char *hash = g_strdup_printf ("%02u", i);
      BwImage image = { .path = path, .width = 640, .height = 480, .content_hash = hash };

      g_assert_true (bw_project_add_image (f->project, &image, &images[i], &error));
    }
  g_assert_true (bw_project_ensure_person (f->project, "rev", BW_ROLE_REVIEWER, &reviewer, &error));
  g_assert_true (bw_project_ensure_person (f->project, "bob", BW_ROLE_ANNOTATOR, &bob, &error));
  g_assert_no_error (error);
  {
    g_autoptr(GPtrArray) reasons = bw_project_list_rejection_reasons (f->project, FALSE, &error);

    for (guint i = 0; i < reasons->len; i++)
      if (g_strcmp0 (((BwRejectionReason *) reasons->pdata[i])->name, "Box too loose") == 0)
        reason = ((BwRejectionReason *) reasons->pdata[i])->id;
    g_assert_cmpint (reason, >, 0);
  }

  /* The last image is drawn, submitted, and returned with a rejected box
   * and a pinned comment. */
  returned = open_session (f, images[3]);
  box = add_box (returned, f->cat_a, 10, 10, 60, 60);
  add_box (returned, f->cat_b, 100, 100, 160, 160);
  g_assert_true (bw_layer_session_submit (returned, &error));
  layer = bw_layer_session_get_layer_id (returned);
  g_assert_true (bw_project_review_annotation (f->project, box, reviewer, BW_VERDICT_REJECT, reason,
                                               "too much background", NULL, &error));
  g_assert_true (bw_project_add_pinned_comment (f->project, layer, reviewer, 300, 200, 0,
                                                "missed a car here", NULL, &error));
  g_assert_true (bw_project_return_layer (f->project, layer, reviewer, 0, NULL, NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&returned);

  /* Next after the first image: the returned one, not the second. */
  first = open_session (f, images[0]);
  g_assert_cmpint (bw_layer_session_find_next_image (first), ==, images[3]);
  /* Bob has nothing returned: his next is the next new image. */
  other = bw_layer_session_new (f->project, images[0], bob, &error);
  g_assert_no_error (error);
  g_assert_cmpint (bw_layer_session_find_next_image (other), ==, images[1]);
  g_clear_object (&other);

  /* Opened, it shows as returned, with the verdicts to fix. */
  returned = open_session (f, images[3]);
  g_assert_cmpint (bw_layer_session_get_status (returned), ==, BW_LAYER_STATUS_REJECTED);
  g_assert_cmpint (assignment_status (f, images[3], NULL), ==, BW_ASSIGNMENT_RETURNED);
  g_assert_false (bw_layer_session_can_recall (returned));
  /* From the returned image itself, the next is the next in order. */
  g_assert_cmpint (bw_layer_session_find_next_image (returned), ==, images[0]);
  reviews = bw_project_list_reviews_for_layer (f->project, layer, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (reviews->len, ==, 3);

  /* Fixing it puts it in progress; the returned image is no longer first. */
  g_assert_true (bw_layer_session_change_shape (returned, "Resize", box, fixed, &error));
  g_assert_no_error (error);
  g_assert_cmpint (bw_layer_session_get_status (returned), ==, BW_LAYER_STATUS_IN_PROGRESS);
  g_assert_cmpint (assignment_status (f, images[3], NULL), ==, BW_ASSIGNMENT_IN_PROGRESS);
  g_assert_cmpint (bw_layer_session_find_next_image (first), ==, images[1]);

  /* Submitted again under an audit that samples nothing and accepts the
   * rest: a fixed submission is reviewed all the same. */
  g_assert_true (bw_project_set_audit_settings (f->project, &audit, &error));
  g_assert_true (bw_layer_session_submit (returned, &error));
  g_assert_no_error (error);
  g_assert_cmpint (bw_layer_session_get_status (returned), ==, BW_LAYER_STATUS_SUBMITTED);
  g_assert_cmpint (assignment_status (f, images[3], &submissions), ==, BW_ASSIGNMENT_SUBMITTED);
  g_assert_cmpint (submissions, ==, 2);
  g_assert_true (queue_has_layer (f, layer));

  /* The reviews of the first submission do not stop a recall of this one. */
  g_assert_true (bw_layer_session_can_recall (returned));
  g_assert_true (bw_layer_session_recall (returned, &error));
  g_assert_no_error (error);
  g_assert_cmpint (assignment_status (f, images[3], NULL), ==, BW_ASSIGNMENT_IN_PROGRESS);
  g_assert_false (queue_has_layer (f, layer));
  g_assert_true (bw_layer_session_submit (returned, &error));
  g_assert_true (queue_has_layer (f, layer));

  /* A reviewer opens it: no more recall. */
  g_assert_true (bw_project_start_review (f->project, layer, reviewer, &error));
  g_assert_no_error (error);
  g_assert_false (bw_layer_session_can_recall (returned));
  g_assert_false (bw_layer_session_recall (returned, &error));
  g_assert_error (error, BW_LAYER_SESSION_ERROR, BW_LAYER_SESSION_ERROR_REVIEWED);
  g_clear_error (&error);
  g_assert_cmpint (assignment_status (f, images[3], NULL), ==, BW_ASSIGNMENT_IN_REVIEW);

  g_assert_finalize_object (g_steal_pointer (&first));
  g_assert_finalize_object (g_steal_pointer (&returned));
}

static void
count_cb (gpointer  instance,
          guint    *count)
{
  (*count)++;
}

/* Another program changes the shown image's layer: the session reads it
 * again when asked after the project noticed, and only when the layer
 * differs from what it shows. */
static void
test_refresh (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwLayerSession) session = open_session (f, f->images[0]);
  g_autoptr(BwProject) other = bw_project_open (f->file, &error);
  g_autoptr(BwShape) shape = bw_shape_new_box (5, 5, 50, 50);
  gint64 mine, theirs;
  gboolean reloaded = TRUE;
  guint n_reloaded = 0;
  BwAnnotationSet *set = bw_layer_session_get_annotations (session);

  g_assert_no_error (error);
  g_signal_connect (session, "reloaded", G_CALLBACK (count_cb), &n_reloaded);

  /* Nothing to do while the project holds what is shown, own edits
   * (and their undo) included. */
  mine = add_box (session, f->cat_a, 10, 10, 60, 60);
  g_assert_true (bw_layer_session_refresh (session, &reloaded, &error));
  g_assert_no_error (error);
  g_assert_false (reloaded);

  /* A shape added by a second window of the same person. */
  g_assert_true (bw_project_add_annotation (other, bw_layer_session_get_layer_id (session), f->cat_b,
                                            shape, BW_SOURCE_DRAWN, 1.0, &theirs, &error));
  g_assert_true (bw_project_poll_external_change (f->project));
  g_assert_true (bw_layer_session_refresh (session, &reloaded, &error));
  g_assert_true (reloaded);
  g_assert_cmpuint (n_reloaded, ==, 1);
  g_assert_cmpuint (bw_annotation_set_get_size (set), ==, 2);
  g_assert_nonnull (bw_annotation_set_lookup (set, theirs));
  g_assert_true (bw_layer_session_refresh (session, &reloaded, &error));
  g_assert_false (reloaded);

  /* Changed there (a new version), then deleted there: each shows, and
   * the undo of the add of a shape deleted elsewhere is dropped. */
  {
    g_autoptr(BwShape) moved = bw_shape_new_box (20, 20, 70, 70);

    g_assert_true (bw_project_update_annotation_shape (other, mine, moved, &error));
    g_assert_no_error (error);
  }
  g_assert_true (bw_layer_session_refresh (session, &reloaded, &error));
  g_assert_true (reloaded);
  assert_box (bw_annotation_set_lookup (set, mine), 20, 20, 70, 70);
  g_assert_true (bw_layer_session_can_undo (session));
  g_assert_true (bw_project_delete_annotation (other, mine, &error));
  g_assert_true (bw_layer_session_refresh (session, &reloaded, &error));
  g_assert_true (reloaded);
  g_assert_null (bw_annotation_set_lookup (set, mine));
  g_assert_false (bw_layer_session_can_undo (session));

  /* Submitted from the other window: the status follows. */
  f->n_status = 0;
  g_assert_true (bw_project_submit_layer (other, bw_layer_session_get_layer_id (session), &error));
  g_assert_no_error (error);
  g_assert_true (bw_layer_session_refresh (session, &reloaded, &error));
  g_assert_true (reloaded);
  g_assert_cmpint (bw_layer_session_get_status (session), ==, BW_LAYER_STATUS_SUBMITTED);
  g_assert_cmpuint (f->n_status, ==, 1);

  g_signal_handlers_disconnect_by_data (session, &n_reloaded);
  g_assert_finalize_object (g_steal_pointer (&session));
}

/* After a submit, the next image is the one below in the list: after
 * this one in the list's order, wrapping round, the rest of the queue. */
static void
test_next_in_list_order (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwLayerSession) session = NULL;
  /* Added in this order: img0.jpg and img1.jpg (the fixture), then these. */
  static const char *names[] = { "photo-10.jpg", "photo-2.jpg", "Photo-1.jpg" };
  gint64 ids[3];

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *hash = g_strdup_printf ("n%u", i);
      BwImage image = { .path = (char *) names[i], .width = 640, .height = 480, .content_hash = hash };

      g_assert_true (bw_project_add_image (f->project, &image, &ids[i], &error));
      g_assert_no_error (error);
    }

  /* By name: img0, img1, Photo-1, photo-2, photo-10. */
  session = open_session (f, ids[2]);
  g_assert_cmpint (bw_layer_session_find_next_image_sorted (session, BW_IMAGE_SORT_NAME), ==, ids[1]);
  /* In the order added, which is the order of the ids too. */
  g_assert_cmpint (bw_layer_session_find_next_image_sorted (session, BW_IMAGE_SORT_ADDED), ==, f->images[0]);
  g_assert_cmpint (bw_layer_session_find_next_image (session), ==, f->images[0]);
  g_assert_finalize_object (g_steal_pointer (&session));

  session = open_session (f, ids[1]);
  g_assert_cmpint (bw_layer_session_find_next_image_sorted (session, BW_IMAGE_SORT_NAME), ==, ids[0]);
  g_assert_cmpint (bw_layer_session_find_next_image_sorted (session, BW_IMAGE_SORT_ADDED), ==, ids[2]);
  g_assert_finalize_object (g_steal_pointer (&session));

  /* From the last, round to the top; a submitted image is skipped. */
  g_assert_true (bw_project_set_image_status (f->project, f->images[0], BW_IMAGE_STATUS_SUBMITTED, &error));
  session = open_session (f, ids[0]);
  g_assert_cmpint (bw_layer_session_find_next_image_sorted (session, BW_IMAGE_SORT_NAME), ==, f->images[1]);
  /* By status, new images first: the submitted img0 is not in the queue. */
  g_assert_cmpint (bw_layer_session_find_next_image_sorted (session, BW_IMAGE_SORT_STATUS), ==, f->images[1]);
  g_assert_finalize_object (g_steal_pointer (&session));
}

/* A row whose stored shape is damaged (written so by another program, or
 * by a bad disk) does not keep the image from opening: the session
 * leaves that row out, keeps the others editable, and names it. */
static void
test_damaged_row_skipped (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwLayerSession) session = open_session (f, f->images[0]);
  g_autofree char *path = g_file_get_path (f->file);
  g_autofree char *sql = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(GPtrArray) list = NULL;
  BwPoint points[] = { { 10, 10 }, { 50, 10 }, { 30, 40 } };
  g_autoptr(BwShape) triangle = bw_shape_new_polygon (points, G_N_ELEMENTS (points));
  GPtrArray *damaged;
  sqlite3 *db = NULL;
  gint64 kept, broken = 0;

  kept = add_box (session, f->cat_a, 1, 2, 30, 40);
  g_assert_true (bw_layer_session_add (session, f->cat_b, triangle, &broken, &error));
  g_assert_no_error (error);
  g_assert_finalize_object (g_steal_pointer (&session));

  /* Three bytes where a part count and points belong. */
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  sql = g_strdup_printf ("UPDATE annotations SET parts = x'010203' WHERE id = %" G_GINT64_FORMAT, broken);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  /* The plain list still refuses the layer: an export names the row. */
  list = bw_project_list_annotations (f->project, find_work_layer (f), &error);
  g_assert_null (list);
  g_assert_error (error, BW_GEOMETRY_ERROR, BW_GEOMETRY_ERROR_INVALID);
  g_clear_error (&error);

  session = open_session (f, f->images[0]);
  g_assert_cmpuint (bw_annotation_set_get_size (bw_layer_session_get_annotations (session)), ==, 1);
  g_assert_nonnull (bw_annotation_set_lookup (bw_layer_session_get_annotations (session), kept));
  damaged = bw_layer_session_get_damaged (session);
  g_assert_nonnull (damaged);
  g_assert_cmpuint (damaged->len, ==, 1);
  expected = g_strdup_printf ("Annotation %" G_GINT64_FORMAT " in ", broken);
  g_assert_true (g_str_has_prefix (damaged->pdata[0], expected));
  g_assert_nonnull (strstr (damaged->pdata[0], "damaged"));

  /* The rest is worked on as usual, and the damaged row is left as it is. */
  add_box (session, f->cat_a, 100, 100, 150, 150);
  g_assert_cmpuint (bw_annotation_set_get_size (bw_layer_session_get_annotations (session)), ==, 2);
  g_assert_finalize_object (g_steal_pointer (&session));
  {
    g_autoptr(GPtrArray) all = NULL;
    g_autoptr(GPtrArray) skipped = NULL;

    all = bw_project_list_annotations_full (f->project, find_work_layer (f),
                                            &skipped, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (all->len, ==, 2);
    g_assert_cmpuint (skipped->len, ==, 1);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/core/layer-session/commands", test_commands);
  ADD ("/core/layer-session/undo-per-image", test_undo_per_image);
  ADD ("/core/layer-session/merge-keeps-history", test_merge_keeps_history);
  ADD ("/core/layer-session/delete-category-disables", test_delete_category_disables);
  ADD ("/core/layer-session/nudges-coalesce", test_nudges_coalesce);
  ADD ("/core/layer-session/nudge-written-after-pause", test_nudge_written_after_pause);
  ADD ("/core/layer-session/edit-after-submit", test_edit_after_submit);
  ADD ("/core/layer-session/starts-from-model", test_starts_from_model);
  ADD ("/core/layer-session/submit-rules", test_submit_rules);
  ADD ("/core/layer-session/recall", test_recall);
  ADD ("/core/layer-session/returned-work", test_returned_work);
  ADD ("/core/layer-session/v1-project", test_v1_project);
  ADD ("/core/layer-session/changed-by-another-program", test_changed_by_another_program);
  ADD ("/core/layer-session/refresh", test_refresh);
  ADD ("/core/layer-session/next-in-list-order", test_next_in_list_order);
  ADD ("/core/layer-session/damaged-row-skipped", test_damaged_row_skipped);

  return g_test_run ();
}
