/* test-annotation-tools.c — the tool state machines, driven headless
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Events are synthesised in image coordinates, as the canvas's GTK
 * controllers would send them, and every check is made on what the
 * project file holds.
 */

#include "config.h"

#include <glib/gstdio.h>

#include "bw-annotation-controller.h"

typedef struct
{
  char                   *dir;
  GFile                  *file;
  BwProject              *project;
  BwAnnotationController *tools;
  gint64                  person_id;
  gint64                  images[2];
  gint64                  cat_a;
  gint64                  cat_b;
  guint                   n_errors;
  gint64                  submitted;
  gint64                  confirm;
  guint                   relabelled;
} Fixture;

static void
error_cb (BwAnnotationController *tools,
          const GError           *error,
          Fixture                *f)
{
  f->n_errors++;
}

static void
submitted_cb (BwAnnotationController *tools,
              gint64                  image_id,
              Fixture                *f)
{
  f->submitted = image_id;
}

static void
confirm_cb (BwAnnotationController *tools,
            gint64                  image_id,
            Fixture                *f)
{
  f->confirm = image_id;
}

static void
relabelled_cb (BwAnnotationController *tools,
               guint                   n,
               gint64                  category_id,
               Fixture                *f)
{
  f->relabelled += n;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("bw-test-tools-XXXXXX", &error);
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

  f->tools = bw_annotation_controller_new ();
  g_signal_connect (f->tools, "error", G_CALLBACK (error_cb), f);
  g_signal_connect (f->tools, "submitted", G_CALLBACK (submitted_cb), f);
  g_signal_connect (f->tools, "confirm-no-objects", G_CALLBACK (confirm_cb), f);
  g_signal_connect (f->tools, "relabelled", G_CALLBACK (relabelled_cb), f);
  bw_annotation_controller_set_project (f->tools, f->project, f->person_id);
  /* 200% zoom: the tolerances of handles and of closing are screen
   * pixels, so half as many image pixels. */
  bw_annotation_controller_set_view (f->tools, 2.0, 30, 40);
  bw_annotation_controller_load_image (f->tools, f->images[0], 640, 480, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *path = g_file_get_path (f->file);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  g_assert_finalize_object (f->tools);
  g_assert_finalize_object (f->project);
  g_unlink (path);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (f->dir);
  g_object_unref (f->file);
  g_free (f->dir);
}

/* The user's annotations of @image_id, as the file holds them. */
static GPtrArray *
stored (Fixture *f,
        gint64   image_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) layers = bw_project_list_layers (f->project, image_id, &error);
  GPtrArray *list;

  g_assert_no_error (error);
  for (guint i = 0; i < layers->len; i++)
    {
      const BwLayer *layer = layers->pdata[i];

      if (layer->person_id == f->person_id && layer->kind == BW_LAYER_KIND_WORK)
        {
          list = bw_project_list_annotations (f->project, layer->id, &error);
          g_assert_no_error (error);
          return list;
        }
    }

  return g_ptr_array_new_with_free_func ((GDestroyNotify) bw_annotation_free);
}

static guint
count_stored (Fixture *f)
{
  g_autoptr(GPtrArray) list = stored (f, f->images[0]);

  return list->len;
}

static BwAnnotation *
only_stored (Fixture *f)
{
  g_autoptr(GPtrArray) list = stored (f, f->images[0]);

  g_assert_cmpuint (list->len, ==, 1);
  return bw_annotation_copy (list->pdata[0]);
}

static void
drag (Fixture *f,
      double   x0,
      double   y0,
      double   x1,
      double   y1)
{
  bw_annotation_controller_press (f->tools, x0, y0, 1, 0);
  bw_annotation_controller_motion (f->tools, (x0 + x1) / 2, (y0 + y1) / 2, 0);
  bw_annotation_controller_motion (f->tools, x1, y1, 0);
  bw_annotation_controller_release (f->tools, x1, y1, 0);
}

static void
click (Fixture *f,
       double   x,
       double   y,
       int      n_press)
{
  bw_annotation_controller_press (f->tools, x, y, n_press, 0);
  bw_annotation_controller_release (f->tools, x, y, 0);
}

static void
assert_rect (const BwRect *r,
             double        x0,
             double        y0,
             double        x1,
             double        y1)
{
  g_assert_cmpfloat_with_epsilon (r->x0, x0, 1e-9);
  g_assert_cmpfloat_with_epsilon (r->y0, y0, 1e-9);
  g_assert_cmpfloat_with_epsilon (r->x1, x1, 1e-9);
  g_assert_cmpfloat_with_epsilon (r->y1, y1, 1e-9);
}

static void
test_box (Fixture       *f,
          gconstpointer  data)
{
  g_autoptr(BwAnnotation) a = NULL;
  g_autoptr(BwImage) image = NULL;
  GArray *selection;

  bw_annotation_controller_set_tool (f->tools, BW_TOOL_BOX);
  bw_annotation_controller_set_category (f->tools, f->cat_b);

  /* Dragged from bottom-right to top-left: still the same box. */
  drag (f, 200.5, 120.25, 100, 50);
  a = only_stored (f);
  g_assert_cmpint (a->shape->kind, ==, BW_SHAPE_BOX);
  assert_rect (&a->shape->bbox, 100, 50, 200.5, 120.25);
  g_assert_cmpint (a->category_id, ==, f->cat_b);
  g_assert_cmpint (a->source, ==, BW_SOURCE_DRAWN);
  g_assert_cmpint (a->layer_id, ==, bw_annotation_controller_get_layer_id (f->tools));

  /* The new box is selected and in the set that is drawn. */
  selection = bw_annotation_controller_get_selection (f->tools);
  g_assert_cmpuint (selection->len, ==, 1);
  g_assert_cmpint (g_array_index (selection, gint64, 0), ==, a->id);
  g_assert_nonnull (bw_annotation_set_lookup (bw_annotation_controller_get_annotations (f->tools), a->id));

  /* Drawing started the image. */
  image = bw_project_get_image (f->project, f->images[0], NULL);
  g_assert_cmpint (image->status, ==, BW_IMAGE_STATUS_IN_PROGRESS);
}

static void
test_box_min_size_and_clamp (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GPtrArray) list = NULL;

  bw_annotation_controller_set_tool (f->tools, BW_TOOL_BOX);

  /* A click, a sliver and a box under a pixel make nothing. */
  click (f, 50, 50, 1);
  drag (f, 10, 10, 10.5, 80);
  drag (f, 10, 10, 10.9, 10.9);
  g_assert_cmpuint (count_stored (f), ==, 0);
  g_assert_cmpuint (f->n_errors, ==, 0);

  /* Exactly 1 × 1 is enough. */
  drag (f, 20, 20, 21, 21);
  g_assert_cmpuint (count_stored (f), ==, 1);

  /* Beyond the image: clamped to it. */
  drag (f, 600, 400, 700, 520);
  drag (f, -50, -20, 30, 40);
  /* Entirely outside: nothing left after clamping. */
  drag (f, 700, 100, 800, 200);

  list = stored (f, f->images[0]);
  g_assert_cmpuint (list->len, ==, 3);
  assert_rect (&((BwAnnotation *) list->pdata[1])->shape->bbox, 600, 400, 640, 480);
  assert_rect (&((BwAnnotation *) list->pdata[2])->shape->bbox, 0, 0, 30, 40);
}

static void
assert_polygon (const BwAnnotation *a,
                const BwPoint      *points,
                guint               n_points)
{
  g_assert_cmpint (a->shape->kind, ==, BW_SHAPE_POLYGON);
  g_assert_cmpuint (a->shape->n_parts, ==, 1);
  g_assert_cmpuint (a->shape->n_points, ==, n_points);
  for (guint i = 0; i < n_points; i++)
    {
      g_assert_cmpfloat_with_epsilon (a->shape->points[i].x, points[i].x, 1e-9);
      g_assert_cmpfloat_with_epsilon (a->shape->points[i].y, points[i].y, 1e-9);
    }
}

static void
test_polygon_close (Fixture       *f,
                    gconstpointer  data)
{
  const BwPoint tri[] = { { 100, 100 }, { 200, 100.5 }, { 150, 180 } };
  const BwPoint quad[] = { { 300, 100 }, { 400, 100 }, { 400, 200 }, { 300, 200 } };
  g_autoptr(GPtrArray) list = NULL;

  bw_annotation_controller_set_tool (f->tools, BW_TOOL_POLYGON);

  /* Enter closes. */
  for (guint i = 0; i < 3; i++)
    click (f, tri[i].x, tri[i].y, 1);
  g_assert_true (bw_annotation_controller_is_drawing (f->tools));
  g_assert_cmpuint (count_stored (f), ==, 0);
  g_assert_true (bw_annotation_controller_key_press (f->tools, GDK_KEY_Return, 0));
  g_assert_false (bw_annotation_controller_is_drawing (f->tools));
  g_assert_cmpuint (count_stored (f), ==, 1);

  /* A click on the first vertex closes (within a few screen pixels: at
   * 200%, 2 image pixels away is 4 screen pixels). */
  for (guint i = 0; i < 4; i++)
    click (f, quad[i].x, quad[i].y, 1);
  click (f, quad[0].x + 2, quad[0].y - 1, 1);
  g_assert_false (bw_annotation_controller_is_drawing (f->tools));

  /* A double-click closes, without a doubled last vertex. */
  click (f, tri[0].x, tri[0].y + 250, 1);
  click (f, tri[1].x, tri[1].y + 250, 1);
  click (f, tri[2].x, tri[2].y + 250, 1);
  click (f, tri[2].x, tri[2].y + 250, 2);
  g_assert_false (bw_annotation_controller_is_drawing (f->tools));

  list = stored (f, f->images[0]);
  g_assert_cmpuint (list->len, ==, 3);
  assert_polygon (list->pdata[0], tri, 3);
  assert_polygon (list->pdata[1], quad, 4);
  g_assert_cmpuint (((BwAnnotation *) list->pdata[2])->shape->n_points, ==, 3);
  g_assert_cmpfloat (((BwAnnotation *) list->pdata[2])->shape->points[2].y, ==, tri[2].y + 250);
  g_assert_cmpuint (f->n_errors, ==, 0);
}

static void
test_polygon_edit_keys (Fixture       *f,
                        gconstpointer  data)
{
  const BwPoint expected[] = { { 10, 10 }, { 90, 10 }, { 640, 480 } };
  g_autoptr(BwAnnotation) a = NULL;

  bw_annotation_controller_set_tool (f->tools, BW_TOOL_POLYGON);

  /* Escape cancels. */
  click (f, 10, 10, 1);
  click (f, 90, 10, 1);
  g_assert_true (bw_annotation_controller_key_press (f->tools, GDK_KEY_Escape, 0));
  g_assert_false (bw_annotation_controller_is_drawing (f->tools));
  g_assert_cmpuint (count_stored (f), ==, 0);

  /* Fewer than 3 distinct vertices: Enter makes nothing and keeps the
   * drawing, with a message. */
  click (f, 10, 10, 1);
  click (f, 90, 10, 1);
  click (f, 90, 10, 1);
  bw_annotation_controller_key_press (f->tools, GDK_KEY_Return, 0);
  g_assert_cmpuint (count_stored (f), ==, 0);
  g_assert_cmpuint (f->n_errors, ==, 1);
  g_assert_true (bw_annotation_controller_is_drawing (f->tools));

  /* Backspace takes back the last vertices; a point outside the image is
   * clamped to its corner. */
  g_assert_true (bw_annotation_controller_key_press (f->tools, GDK_KEY_BackSpace, 0));
  click (f, 700, 500, 1);
  click (f, 300, 300, 1);
  g_assert_true (bw_annotation_controller_key_press (f->tools, GDK_KEY_BackSpace, 0));
  bw_annotation_controller_key_press (f->tools, GDK_KEY_KP_Enter, 0);

  a = only_stored (f);
  assert_polygon (a, expected, 3);
}

static void
test_undo_redo (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(BwAnnotation) a = NULL;
  BwAnnotationSet *set = bw_annotation_controller_get_annotations (f->tools);

  bw_annotation_controller_set_tool (f->tools, BW_TOOL_BOX);
  drag (f, 10, 10, 60, 60);
  drag (f, 100, 10, 160, 60);
  g_assert_cmpuint (count_stored (f), ==, 2);

  g_assert_true (bw_annotation_controller_undo (f->tools));
  g_assert_cmpuint (count_stored (f), ==, 1);
  g_assert_cmpuint (bw_annotation_set_get_size (set), ==, 1);
  /* The undone shape was selected: it is not any more. */
  g_assert_cmpuint (bw_annotation_controller_get_selection (f->tools)->len, ==, 0);

  g_assert_true (bw_annotation_controller_undo (f->tools));
  g_assert_cmpuint (count_stored (f), ==, 0);
  g_assert_cmpuint (bw_annotation_set_get_size (set), ==, 0);

  g_assert_true (bw_annotation_controller_redo (f->tools));
  a = only_stored (f);
  assert_rect (&a->shape->bbox, 10, 10, 60, 60);
  g_assert_nonnull (bw_annotation_set_lookup (set, a->id));

  /* Undo while a polygon is being drawn drops the polygon only. */
  bw_annotation_controller_set_tool (f->tools, BW_TOOL_POLYGON);
  click (f, 300, 300, 1);
  bw_annotation_controller_undo (f->tools);
  g_assert_false (bw_annotation_controller_is_drawing (f->tools));
  g_assert_cmpuint (count_stored (f), ==, 1);
}

static void
test_select_move_resize (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(BwAnnotation) a = NULL;
  g_autoptr(BwAnnotation) b = NULL;
  g_autoptr(BwAnnotation) c = NULL;
  g_autoptr(BwAnnotation) d = NULL;

  bw_annotation_controller_set_tool (f->tools, BW_TOOL_BOX);
  drag (f, 100, 100, 200, 150);
  bw_annotation_controller_set_tool (f->tools, BW_TOOL_SELECT);
  bw_annotation_controller_select (f->tools, NULL, 0);

  /* Drag from inside moves it. */
  drag (f, 150, 120, 170, 110);
  a = only_stored (f);
  assert_rect (&a->shape->bbox, 120, 90, 220, 140);
  g_assert_cmpuint (bw_annotation_controller_get_selection (f->tools)->len, ==, 1);

  /* A move stops at the image's edge. */
  drag (f, 150, 120, -500, 120);
  b = only_stored (f);
  assert_rect (&b->shape->bbox, 0, 90, 100, 140);

  /* Arrow keys: 1 px, 10 px with Shift; the run is shown at once and
   * written once, when the nudging stops. */
  g_assert_true (bw_annotation_controller_key_press (f->tools, GDK_KEY_Right, 0));
  g_assert_true (bw_annotation_controller_key_press (f->tools, GDK_KEY_Down, GDK_SHIFT_MASK));
  assert_rect (&bw_annotation_set_get_nth (bw_annotation_controller_get_annotations (f->tools), 0)->shape->bbox,
               1, 100, 101, 150);
  c = only_stored (f);
  assert_rect (&c->shape->bbox, 0, 90, 100, 140);
  g_assert_true (bw_annotation_controller_flush (f->tools));
  g_clear_pointer (&c, bw_annotation_free);
  c = only_stored (f);
  assert_rect (&c->shape->bbox, 1, 100, 101, 150);

  /* The bottom-right handle resizes; the top-middle one only moves y0. */
  drag (f, 101, 150, 131, 170);
  drag (f, 66, 100, 66, 80);
  d = only_stored (f);
  assert_rect (&d->shape->bbox, 1, 80, 131, 170);

  /* Undo walks back through each of those five edits (the two nudges
   * are one). */
  for (guint i = 0; i < 5; i++)
    bw_annotation_controller_undo (f->tools);
  g_clear_pointer (&a, bw_annotation_free);
  a = only_stored (f);
  assert_rect (&a->shape->bbox, 100, 100, 200, 150);

  /* The cursor says what a press would do. */
  bw_annotation_controller_motion (f->tools, 200, 150, 0);
  g_assert_cmpstr (bw_annotation_controller_get_cursor (f->tools), ==, "se-resize");
  bw_annotation_controller_motion (f->tools, 150, 100, 0);
  g_assert_cmpstr (bw_annotation_controller_get_cursor (f->tools), ==, "n-resize");
  bw_annotation_controller_motion (f->tools, 150, 120, 0);
  g_assert_cmpstr (bw_annotation_controller_get_cursor (f->tools), ==, "move");
  bw_annotation_controller_motion (f->tools, 500, 400, 0);
  g_assert_null (bw_annotation_controller_get_cursor (f->tools));

  /* Escape clears the selection; then arrows belong to the view. */
  g_assert_true (bw_annotation_controller_key_press (f->tools, GDK_KEY_Escape, 0));
  g_assert_false (bw_annotation_controller_key_press (f->tools, GDK_KEY_Right, 0));
}

static void
test_select_many (Fixture       *f,
                  gconstpointer  data)
{
  GArray *selection = bw_annotation_controller_get_selection (f->tools);
  g_autoptr(GPtrArray) list = NULL;

  bw_annotation_controller_set_tool (f->tools, BW_TOOL_BOX);
  drag (f, 10, 10, 50, 50);
  drag (f, 100, 10, 150, 50);
  drag (f, 300, 300, 350, 350);
  bw_annotation_controller_set_tool (f->tools, BW_TOOL_SELECT);

  /* A rubber band selects what lies wholly inside it. */
  drag (f, 5, 5, 200, 60);
  g_assert_cmpuint (selection->len, ==, 2);

  /* Shift+click adds, and removes. */
  bw_annotation_controller_press (f->tools, 320, 320, 1, GDK_SHIFT_MASK);
  bw_annotation_controller_release (f->tools, 320, 320, GDK_SHIFT_MASK);
  g_assert_cmpuint (selection->len, ==, 3);
  bw_annotation_controller_press (f->tools, 20, 20, 1, GDK_SHIFT_MASK);
  bw_annotation_controller_release (f->tools, 20, 20, GDK_SHIFT_MASK);
  g_assert_cmpuint (selection->len, ==, 2);

  /* A plain click on one of them selects it alone; a drag would have
   * moved both. */
  click (f, 120, 20, 1);
  g_assert_cmpuint (selection->len, ==, 1);
  bw_annotation_controller_press (f->tools, 320, 320, 1, GDK_SHIFT_MASK);
  bw_annotation_controller_release (f->tools, 320, 320, GDK_SHIFT_MASK);
  g_assert_cmpuint (selection->len, ==, 2);

  /* Relabel the selection, then delete it, each as one step. */
  bw_annotation_controller_set_selection_category (f->tools, f->cat_b);
  list = stored (f, f->images[0]);
  g_assert_cmpint (((BwAnnotation *) list->pdata[0])->category_id, ==, f->cat_a);
  g_assert_cmpint (((BwAnnotation *) list->pdata[1])->category_id, ==, f->cat_b);
  g_assert_cmpint (((BwAnnotation *) list->pdata[2])->category_id, ==, f->cat_b);
  g_clear_pointer (&list, g_ptr_array_unref);

  g_assert_true (bw_annotation_controller_key_press (f->tools, GDK_KEY_Delete, 0));
  g_assert_cmpuint (count_stored (f), ==, 1);
  g_assert_cmpuint (selection->len, ==, 0);
  bw_annotation_controller_undo (f->tools);
  g_assert_cmpuint (count_stored (f), ==, 3);
  bw_annotation_controller_undo (f->tools);
  list = stored (f, f->images[0]);
  for (guint i = 0; i < list->len; i++)
    g_assert_cmpint (((BwAnnotation *) list->pdata[i])->category_id, ==, f->cat_a);

  /* A hidden category cannot be picked. */
  bw_annotation_controller_set_category_hidden (f->tools, f->cat_a, TRUE);
  click (f, 20, 20, 1);
  g_assert_cmpuint (selection->len, ==, 0);
  bw_annotation_controller_set_category_hidden (f->tools, f->cat_a, FALSE);
  click (f, 20, 20, 1);
  g_assert_cmpuint (selection->len, ==, 1);
}

static void
test_vertices (Fixture       *f,
               gconstpointer  data)
{
  const BwPoint square[] = { { 100, 100 }, { 200, 100 }, { 200, 200 }, { 100, 200 } };
  g_autoptr(BwAnnotation) a = NULL;
  g_autoptr(BwAnnotation) b = NULL;
  g_autoptr(BwAnnotation) c = NULL;

  bw_annotation_controller_set_tool (f->tools, BW_TOOL_POLYGON);
  for (guint i = 0; i < 4; i++)
    click (f, square[i].x, square[i].y, 1);
  bw_annotation_controller_key_press (f->tools, GDK_KEY_Return, 0);
  bw_annotation_controller_set_tool (f->tools, BW_TOOL_SELECT);

  /* Drag the third vertex. */
  drag (f, 200, 200, 230, 260);
  a = only_stored (f);
  g_assert_cmpuint (a->shape->n_points, ==, 4);
  g_assert_cmpfloat (a->shape->points[2].x, ==, 230);
  g_assert_cmpfloat (a->shape->points[2].y, ==, 260);

  /* A press on an edge inserts a vertex there. */
  drag (f, 150, 100, 150, 80);
  b = only_stored (f);
  g_assert_cmpuint (b->shape->n_points, ==, 5);
  g_assert_cmpfloat (b->shape->points[1].x, ==, 150);
  g_assert_cmpfloat (b->shape->points[1].y, ==, 80);

  /* A pressed vertex is deleted by Delete; the polygon stays. */
  click (f, 150, 80, 1);
  g_assert_true (bw_annotation_controller_key_press (f->tools, GDK_KEY_Delete, 0));
  c = only_stored (f);
  g_assert_cmpuint (c->shape->n_points, ==, 4);
  g_assert_cmpfloat (c->shape->points[1].x, ==, 200);

  /* Undo brings the inserted vertex back. */
  bw_annotation_controller_undo (f->tools);
  g_clear_pointer (&a, bw_annotation_free);
  a = only_stored (f);
  g_assert_cmpuint (a->shape->n_points, ==, 5);
}

static void
test_add_part (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(BwAnnotation) a = NULL;
  gint64 id;

  bw_annotation_controller_set_tool (f->tools, BW_TOOL_POLYGON);
  click (f, 10, 10, 1);
  click (f, 60, 10, 1);
  click (f, 30, 50, 1);
  bw_annotation_controller_key_press (f->tools, GDK_KEY_Return, 0);
  id = g_array_index (bw_annotation_controller_get_selection (f->tools), gint64, 0);

  g_assert_true (bw_annotation_controller_start_add_part (f->tools));
  click (f, 110, 10, 1);
  click (f, 160, 10, 1);
  click (f, 130, 50, 1);
  bw_annotation_controller_key_press (f->tools, GDK_KEY_Return, 0);

  /* One annotation, two parts. */
  a = only_stored (f);
  g_assert_cmpint (a->id, ==, id);
  g_assert_cmpuint (a->shape->n_parts, ==, 2);
  g_assert_cmpuint (a->shape->n_points, ==, 6);
  assert_rect (&a->shape->bbox, 10, 10, 160, 50);

  /* A box cannot get a part. */
  bw_annotation_controller_set_tool (f->tools, BW_TOOL_BOX);
  drag (f, 300, 300, 350, 350);
  g_assert_false (bw_annotation_controller_start_add_part (f->tools));
}

static void
test_copy_paste_next_image (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) first = NULL;
  g_autoptr(GPtrArray) second = NULL;
  g_autoptr(GPtrArray) again = NULL;

  bw_annotation_controller_set_tool (f->tools, BW_TOOL_BOX);
  drag (f, 10, 10, 60, 60);
  bw_annotation_controller_set_category (f->tools, f->cat_b);
  drag (f, 100, 100, 160, 170);
  bw_annotation_controller_select_all (f->tools);
  g_assert_cmpuint (bw_annotation_controller_copy (f->tools), ==, 2);

  /* On the same image, pasted a little aside. */
  g_assert_true (bw_annotation_controller_paste (f->tools));
  first = stored (f, f->images[0]);
  g_assert_cmpuint (first->len, ==, 4);
  assert_rect (&((BwAnnotation *) first->pdata[2])->shape->bbox, 20, 20, 70, 70);

  /* On the next image, at the same place, with the same categories. */
  bw_annotation_controller_load_image (f->tools, f->images[1], 640, 480, &error);
  g_assert_no_error (error);
  g_assert_true (bw_annotation_controller_paste (f->tools));
  second = stored (f, f->images[1]);
  g_assert_cmpuint (second->len, ==, 2);
  assert_rect (&((BwAnnotation *) second->pdata[0])->shape->bbox, 10, 10, 60, 60);
  assert_rect (&((BwAnnotation *) second->pdata[1])->shape->bbox, 100, 100, 160, 170);
  g_assert_cmpint (((BwAnnotation *) second->pdata[0])->category_id, ==, f->cat_a);
  g_assert_cmpint (((BwAnnotation *) second->pdata[1])->category_id, ==, f->cat_b);
  g_assert_cmpuint (bw_annotation_controller_get_selection (f->tools)->len, ==, 2);

  /* One undo removes the whole paste. */
  bw_annotation_controller_undo (f->tools);
  again = stored (f, f->images[1]);
  g_assert_cmpuint (again->len, ==, 0);

  /* Back on the first image, its history is its own: there is nothing to
   * redo there, and the second image is left as it is. */
  bw_annotation_controller_load_image (f->tools, f->images[0], 640, 480, &error);
  g_assert_no_error (error);
  g_assert_false (bw_annotation_controller_redo (f->tools));
  g_assert_false (bw_annotation_controller_undo (f->tools));
  g_clear_pointer (&again, g_ptr_array_unref);
  again = stored (f, f->images[1]);
  g_assert_cmpuint (again->len, ==, 0);
  g_clear_pointer (&first, g_ptr_array_unref);
  first = stored (f, f->images[0]);
  g_assert_cmpuint (first->len, ==, 4);
}

static void
test_submit (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(BwImage) image = NULL;
  g_autoptr(BwLayer) layer = NULL;

  bw_annotation_controller_set_tool (f->tools, BW_TOOL_BOX);
  drag (f, 10, 10, 60, 60);
  g_assert_true (bw_annotation_controller_submit (f->tools));
  g_assert_cmpint (f->submitted, ==, f->images[0]);

  image = bw_project_get_image (f->project, f->images[0], NULL);
  g_assert_cmpint (image->status, ==, BW_IMAGE_STATUS_SUBMITTED);
  layer = bw_project_get_layer (f->project, bw_annotation_controller_get_layer_id (f->tools), NULL);
  g_assert_cmpint (layer->status, ==, BW_LAYER_STATUS_SUBMITTED);
  g_assert_cmpint (layer->person_id, ==, f->person_id);

  /* Rejected by a reviewer, it is back in the queue; the first edit puts
   * the image and the layer in progress again. */
  g_assert_true (bw_project_set_layer_status (f->project, layer->id, BW_LAYER_STATUS_REJECTED, NULL));
  g_assert_true (bw_project_set_image_status (f->project, f->images[0], BW_IMAGE_STATUS_REJECTED, NULL));
  bw_annotation_controller_load_image (f->tools, f->images[0], 640, 480, NULL);
  g_assert_cmpint (bw_annotation_controller_find_next_in_queue (f->tools), ==, f->images[1]);
  drag (f, 100, 100, 160, 160);
  g_clear_pointer (&image, bw_image_free);
  g_clear_pointer (&layer, bw_layer_free);
  image = bw_project_get_image (f->project, f->images[0], NULL);
  layer = bw_project_get_layer (f->project, bw_annotation_controller_get_layer_id (f->tools), NULL);
  g_assert_cmpint (image->status, ==, BW_IMAGE_STATUS_IN_PROGRESS);
  g_assert_cmpint (layer->status, ==, BW_LAYER_STATUS_IN_PROGRESS);
  g_assert_true (bw_annotation_controller_submit (f->tools));

  /* The queue goes on with the other image, then has nothing left. An
   * image without shapes is not submitted by Submit: the window is asked
   * to confirm, and "no objects" is the answer that submits it. */
  g_assert_cmpint (bw_annotation_controller_find_next_in_queue (f->tools), ==, f->images[1]);
  bw_annotation_controller_load_image (f->tools, f->images[1], 640, 480, NULL);
  f->submitted = 0;
  g_assert_false (bw_annotation_controller_submit (f->tools));
  g_assert_cmpint (f->confirm, ==, f->images[1]);
  g_assert_cmpint (f->submitted, ==, 0);
  g_clear_pointer (&image, bw_image_free);
  image = bw_project_get_image (f->project, f->images[1], NULL);
  g_assert_cmpint (image->status, ==, BW_IMAGE_STATUS_NEW);
  g_assert_true (bw_annotation_controller_mark_no_objects (f->tools));
  g_assert_cmpint (f->submitted, ==, f->images[1]);
  g_assert_true (bw_layer_session_get_no_objects (bw_annotation_controller_get_session (f->tools)));
  g_assert_cmpint (bw_annotation_controller_find_next_in_queue (f->tools), ==, 0);

  /* Recalled until someone reviews it. */
  g_assert_true (bw_annotation_controller_recall (f->tools));
  g_assert_cmpint (bw_annotation_controller_find_next_in_queue (f->tools), ==, 0);
  g_clear_pointer (&image, bw_image_free);
  image = bw_project_get_image (f->project, f->images[1], NULL);
  g_assert_cmpint (image->status, ==, BW_IMAGE_STATUS_IN_PROGRESS);
}

static void
test_busy_file (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwProject) other = bw_project_open (f->file, &error);
  BwAnnotationSet *set = bw_annotation_controller_get_annotations (f->tools);

  g_assert_no_error (error);
  bw_annotation_controller_set_tool (f->tools, BW_TOOL_BOX);
  drag (f, 10, 10, 60, 60);
  g_assert_cmpuint (count_stored (f), ==, 1);

  /* Another program holds the file: the edit is refused with a message,
   * and neither the file nor the view pretend it happened. */
  bw_project_set_busy_timeout (f->project, 50);
  g_assert_true (bw_project_begin (other, &error));
  g_assert_no_error (error);
  drag (f, 100, 100, 160, 160);
  g_assert_cmpuint (f->n_errors, ==, 1);
  g_assert_cmpuint (bw_annotation_set_get_size (set), ==, 1);
  g_assert_true (bw_annotation_controller_undo (f->tools) == FALSE);
  g_assert_cmpuint (f->n_errors, ==, 2);
  g_assert_cmpuint (bw_annotation_set_get_size (set), ==, 1);
  bw_project_rollback (other);

  /* Free again: the same gestures work. */
  drag (f, 100, 100, 160, 160);
  g_assert_cmpuint (count_stored (f), ==, 2);
  g_assert_true (bw_annotation_controller_undo (f->tools));
  g_assert_cmpuint (count_stored (f), ==, 1);
  g_assert_cmpuint (bw_annotation_set_get_size (set), ==, 1);
}

static void
test_external_change (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  BwAnnotationSet *set = bw_annotation_controller_get_annotations (f->tools);
  GArray *selection = bw_annotation_controller_get_selection (f->tools);
  gint64 first, second;

  bw_annotation_controller_set_tool (f->tools, BW_TOOL_BOX);
  drag (f, 10, 10, 60, 60);
  first = g_array_index (selection, gint64, 0);
  bw_annotation_controller_set_category (f->tools, f->cat_b);
  drag (f, 100, 100, 160, 160);
  second = g_array_index (selection, gint64, 0);
  g_assert_cmpint (bw_annotation_set_lookup (set, second)->category_id, ==, f->cat_b);

  /* Our own edits are not read back from the file. */
  g_assert_false (g_main_context_iteration (NULL, FALSE));

  /* Something else changes the layer shown (here the taxonomy editor
   * merges "bus" into "car"): the view reads it again, keeping the
   * selection. */
  g_assert_true (bw_project_merge_category (f->project, f->cat_b, f->cat_a, &error));
  g_assert_no_error (error);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (bw_annotation_set_get_size (set), ==, 2);
  g_assert_cmpint (bw_annotation_set_lookup (set, first)->category_id, ==, f->cat_a);
  g_assert_cmpint (bw_annotation_set_lookup (set, second)->category_id, ==, f->cat_a);
  g_assert_cmpuint (selection->len, ==, 1);
  g_assert_cmpint (g_array_index (selection, gint64, 0), ==, second);
  /* The merged category is gone from the list; new shapes use another. */
  g_assert_cmpuint (bw_annotation_controller_get_categories (f->tools)->len, ==, 1);
  g_assert_cmpint (bw_annotation_controller_get_category (f->tools), ==, f->cat_a);
}

static gboolean
set_true_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Another program (a second window, boxwood-cli) changes the layer shown
 * while the user drags one of its shapes: the drag goes on with the shape
 * in hand, and the layer is read again once it is dropped, with the move
 * and the other program's change both there. */
static void
test_changed_elsewhere_during_drag (Fixture       *f,
                                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwProject) other = bw_project_open (f->file, &error);
  g_autoptr(BwShape) theirs_shape = bw_shape_new_box (300, 300, 350, 350);
  BwAnnotationSet *set = bw_annotation_controller_get_annotations (f->tools);
  GArray *selection = bw_annotation_controller_get_selection (f->tools);
  g_autoptr(BwAnnotation) moved = NULL;
  gboolean timed_out = FALSE;
  guint timeout;
  gint64 mine, theirs;

  g_assert_no_error (error);
  bw_annotation_controller_set_tool (f->tools, BW_TOOL_BOX);
  drag (f, 100, 100, 200, 150);
  mine = g_array_index (selection, gint64, 0);

  /* The user takes the box and moves it, not letting go. */
  bw_annotation_controller_set_tool (f->tools, BW_TOOL_SELECT);
  bw_annotation_controller_press (f->tools, 150, 120, 1, 0);
  bw_annotation_controller_motion (f->tools, 160, 120, 0);

  /* Meanwhile a second window of the same person adds a shape. */
  g_assert_true (bw_project_add_annotation (other, bw_annotation_controller_get_layer_id (f->tools),
                                            f->cat_b, theirs_shape, BW_SOURCE_DRAWN, 1.0, &theirs, &error));
  g_assert_no_error (error);
  g_assert_true (bw_project_poll_external_change (f->project));

  /* Nothing is read under the drag, for a while. */
  timeout = g_timeout_add (600, set_true_cb, &timed_out);
  while (!timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (bw_annotation_set_lookup (set, theirs));
  g_assert_cmpuint (bw_annotation_set_get_size (set), ==, 1);
  g_assert_cmpuint (selection->len, ==, 1);
  g_assert_cmpint (g_array_index (selection, gint64, 0), ==, mine);

  /* Dropped: the move is saved, then the layer read again. */
  bw_annotation_controller_motion (f->tools, 170, 130, 0);
  bw_annotation_controller_release (f->tools, 170, 130, 0);
  timed_out = FALSE;
  timeout = g_timeout_add_seconds (10, set_true_cb, &timed_out);
  while (bw_annotation_set_lookup (set, theirs) == NULL && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (timeout);

  g_assert_cmpuint (bw_annotation_set_get_size (set), ==, 2);
  assert_rect (&bw_annotation_set_lookup (set, mine)->shape->bbox, 120, 110, 220, 160);
  moved = bw_project_get_annotation (f->project, mine, &error);
  g_assert_no_error (error);
  assert_rect (&moved->shape->bbox, 120, 110, 220, 160);
  /* The box the user held stays selected. */
  g_assert_cmpuint (selection->len, ==, 1);
  g_assert_cmpint (g_array_index (selection, gint64, 0), ==, mine);
  g_assert_cmpuint (f->n_errors, ==, 0);
}

static void
test_category_keys (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwCategory) car = NULL;
  g_autoptr(BwAnnotation) a = NULL;
  g_autoptr(BwAnnotation) b = NULL;

  bw_annotation_controller_set_tool (f->tools, BW_TOOL_BOX);
  drag (f, 10, 10, 60, 60);

  /* 2 is the second category by default. The box just drawn is selected
   * (to adjust it), but the key picks the next shape's category only. */
  g_assert_true (bw_annotation_controller_key_press (f->tools, GDK_KEY_2, 0));
  a = only_stored (f);
  g_assert_cmpint (a->category_id, ==, f->cat_a);
  g_assert_cmpint (bw_annotation_controller_get_category (f->tools), ==, f->cat_b);
  g_assert_cmpuint (f->relabelled, ==, 0);
  drag (f, 100, 100, 150, 150);
  g_clear_pointer (&a, bw_annotation_free);
  {
    g_autoptr(GPtrArray) both = stored (f, f->images[0]);

    g_assert_cmpint (((BwAnnotation *) both->pdata[0])->category_id, ==, f->cat_a);
    g_assert_cmpint (((BwAnnotation *) both->pdata[1])->category_id, ==, f->cat_b);
  }
  g_assert_true (bw_annotation_controller_undo (f->tools));

  /* Selected by hand (a click with the select tool), it is relabelled,
   * as one undo step. */
  bw_annotation_controller_set_tool (f->tools, BW_TOOL_SELECT);
  click (f, 30, 30, 1);
  g_assert_true (bw_annotation_controller_key_press (f->tools, GDK_KEY_2, 0));
  a = only_stored (f);
  g_assert_cmpint (a->category_id, ==, f->cat_b);
  g_assert_cmpuint (f->relabelled, ==, 1);
  g_assert_cmpstr (bw_edit_history_get_undo_label (bw_annotation_controller_get_history (f->tools)),
                   ==, "Change Category");

  /* A hotkey set in the taxonomy works at once, with or without Shift. */
  car = bw_project_get_category (f->project, f->cat_a, &error);
  g_assert_no_error (error);
  g_free (car->hotkey);
  car->hotkey = g_strdup ("c");
  g_assert_true (bw_project_update_category (f->project, car, &error));
  g_assert_no_error (error);
  g_assert_true (bw_annotation_controller_key_press (f->tools, GDK_KEY_C, GDK_SHIFT_MASK));
  b = only_stored (f);
  g_assert_cmpint (b->category_id, ==, f->cat_a);

  /* Tool keys and keys nobody has are left to the shortcuts. */
  g_assert_false (bw_annotation_controller_key_press (f->tools, GDK_KEY_b, 0));
  g_assert_false (bw_annotation_controller_key_press (f->tools, GDK_KEY_7, 0));
  g_assert_false (bw_annotation_controller_key_press (f->tools, GDK_KEY_z, GDK_CONTROL_MASK));

  /* While a polygon is drawn, a category key only picks its category. */
  bw_annotation_controller_set_tool (f->tools, BW_TOOL_POLYGON);
  click (f, 100, 100, 1);
  g_assert_true (bw_annotation_controller_key_press (f->tools, GDK_KEY_2, 0));
  g_assert_cmpint (bw_annotation_controller_get_category (f->tools), ==, f->cat_b);
  g_clear_pointer (&b, bw_annotation_free);
  b = only_stored (f);
  g_assert_cmpint (b->category_id, ==, f->cat_a);
  g_assert_true (bw_annotation_controller_is_drawing (f->tools));
}

/* Predictions imported into a model layer are the annotator's starting
 * point: opening the image shows them in the annotator's own layer, where
 * they can be corrected and undone like any shape. */
static void
test_starts_from_predictions (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwShape) box = bw_shape_new_box (100, 100, 200, 150);
  g_autoptr(GPtrArray) mine = NULL;
  BwAnnotationSet *set;
  gint64 model, model_layer;

  bw_project_ensure_person (f->project, "detector", BW_ROLE_MODEL, &model, &error);
  bw_project_ensure_layer (f->project, f->images[1], model, BW_LAYER_KIND_MODEL, &model_layer, &error);
  bw_project_add_annotation (f->project, model_layer, f->cat_b, box, BW_SOURCE_PREDICTION, 0.9, NULL, &error);
  g_assert_no_error (error);

  bw_annotation_controller_load_image (f->tools, f->images[1], 640, 480, &error);
  g_assert_no_error (error);
  set = bw_annotation_controller_get_annotations (f->tools);
  g_assert_cmpuint (bw_annotation_set_get_size (set), ==, 1);
  g_assert_cmpint (bw_annotation_controller_get_layer_id (f->tools), !=, model_layer);

  mine = stored (f, f->images[1]);
  g_assert_cmpuint (mine->len, ==, 1);
  g_assert_true (bw_shape_equal (((BwAnnotation *)mine->pdata[0])->shape, box));
  g_assert_cmpint (((BwAnnotation *)mine->pdata[0])->category_id, ==, f->cat_b);
  g_assert_cmpuint (f->n_errors, ==, 0);
}

static void
test_draw (Fixture       *f,
           gconstpointer  data)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 200, 150);
  cairo_t *cr = cairo_create (surface);
  guint32 *pixels;
  int stride;

  bw_annotation_controller_set_view (f->tools, 1.0, 0, 0);
  bw_annotation_controller_set_tool (f->tools, BW_TOOL_BOX);
  drag (f, 20, 20, 80, 60);
  bw_annotation_controller_select (f->tools, NULL, 0);

  bw_annotation_controller_draw (f->tools, cr, 200, 150);
  cairo_surface_flush (surface);
  pixels = (guint32 *) (gpointer) cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface) / 4;

  /* Red (the category's colour) on the outline, a faint fill inside,
   * nothing outside. */
  g_assert_cmpuint ((pixels[40 * stride + 20] >> 16) & 0xff, >, 0x80);
  g_assert_cmpuint (pixels[40 * stride + 50] >> 24, >, 0);
  g_assert_cmpuint (pixels[40 * stride + 50] >> 24, <, 0x80);
  g_assert_cmpuint (pixels[100 * stride + 150], ==, 0);

  /* A hidden category is not drawn. */
  bw_annotation_controller_set_category_hidden (f->tools, f->cat_a, TRUE);
  cairo_set_operator (cr, CAIRO_OPERATOR_CLEAR);
  cairo_paint (cr);
  cairo_set_operator (cr, CAIRO_OPERATOR_OVER);
  bw_annotation_controller_draw (f->tools, cr, 200, 150);
  cairo_surface_flush (surface);
  g_assert_cmpuint (pixels[40 * stride + 20], ==, 0);

  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/ui/annotation-tools/box", test_box);
  ADD ("/ui/annotation-tools/box-min-size-and-clamp", test_box_min_size_and_clamp);
  ADD ("/ui/annotation-tools/polygon-close", test_polygon_close);
  ADD ("/ui/annotation-tools/polygon-edit-keys", test_polygon_edit_keys);
  ADD ("/ui/annotation-tools/undo-redo", test_undo_redo);
  ADD ("/ui/annotation-tools/select-move-resize", test_select_move_resize);
  ADD ("/ui/annotation-tools/select-many", test_select_many);
  ADD ("/ui/annotation-tools/vertices", test_vertices);
  ADD ("/ui/annotation-tools/add-part", test_add_part);
  ADD ("/ui/annotation-tools/copy-paste-next-image", test_copy_paste_next_image);
  ADD ("/ui/annotation-tools/submit", test_submit);
  ADD ("/ui/annotation-tools/busy-file", test_busy_file);
  ADD ("/ui/annotation-tools/external-change", test_external_change);
  ADD ("/ui/annotation-tools/changed-elsewhere-during-drag", test_changed_elsewhere_during_drag);
  ADD ("/ui/annotation-tools/category-keys", test_category_keys);
  ADD ("/ui/annotation-tools/draw", test_draw);
  ADD ("/ui/annotation-tools/starts-from-predictions", test_starts_from_predictions);

  return g_test_run ();
}
