/* test-review-ui.c — review mode in the main window: the mode switch, the
 * queue, the review keys and popovers, and what they leave in the file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window is driven as a user would (its actions, the controller's
 * keys and pointer input, the popovers' own keys); every verdict is then
 * read back from the project file through a second connection.
 */

#define G_LOG_DOMAIN "test-review-ui"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <math.h>

#include "bw-annotation-tools.h"
#include "bw-application.h"
#include "bw-canvas.h"
#include "bw-importer.h"
#include "bw-review-popover.h"
#include "bw-review-queue.h"
#include "bw-test-images.h"
#include "bw-window.h"

static char *tmpdir;
static BwApplication *app;

typedef struct
{
  char   *path;
  gint64  images[2];
  gint64  ann_layer;
  gint64  bob_layer;
  gint64  ann_shapes[3];
  gint64  bob;
} Scene;

static char *
make_path (const char *name)
{
  return g_build_filename (tmpdir, name, NULL);
}

static gint64
submit_shapes (BwProject     *project,
               gint64         image_id,
               const char    *person,
               gint64         category_id,
               const BwRect  *boxes,
               guint          n,
               gint64        *ids,
               gint64        *out_person)
{
  g_autoptr(GError) error = NULL;
  gint64 person_id, layer_id;

  g_assert_true (bw_project_ensure_person (project, person, BW_ROLE_ANNOTATOR, &person_id, &error));
  g_assert_true (bw_project_ensure_layer (project, image_id, person_id, BW_LAYER_KIND_WORK, &layer_id, &error));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BwShape) box = bw_shape_new_box (boxes[i].x0, boxes[i].y0, boxes[i].x1, boxes[i].y1);

      g_assert_true (bw_project_add_annotation (project, layer_id, category_id, box, BW_SOURCE_DRAWN, 1,
                                                ids != NULL ? &ids[i] : NULL, &error));
    }
  g_assert_true (bw_project_submit_layer (project, layer_id, &error));
  g_assert_no_error (error);
  if (out_person != NULL)
    *out_person = person_id;

  return layer_id;
}

/* Two images: ann submitted three boxes on the first, then bob two on
 * the second. */
static void
make_scene (Scene *scene)
{
  static const BwRect ann_boxes[] = { { 20, 20, 80, 70 }, { 120, 40, 200, 120 }, { 220, 150, 300, 220 } };
  static const BwRect bob_boxes[] = { { 30, 30, 90, 90 }, { 150, 100, 250, 200 } };
  g_autoptr(GFile) file = NULL;
  g_autoptr(BwProject) project = NULL;
  g_autoptr(BwImporter) importer = NULL;
  g_autoptr(BwImportReport) report = NULL;
  g_autoptr(GArray) images = NULL;
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  gint64 car;

  if (scene->path == NULL)
    scene->path = make_path ("review.boxwood");
  file = g_file_new_for_path (scene->path);
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *image_name = g_strdup_printf ("review-img-%u.jpg", i);
      char *image = make_path (image_name);

      g_assert_true (bw_test_write_jpeg (image, 320, 240, 90, 2, i + 1, &error));
      g_ptr_array_add (paths, image);
    }
  g_ptr_array_add (paths, NULL);

  project = bw_project_create (file, &error);
  g_assert_no_error (error);
  importer = bw_importer_new (project);
  report = bw_importer_run (importer, (const char * const *) paths->pdata, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (bw_project_add_category (project, "car", NULL, "#e01b24", &car, &error));
  images = bw_project_list_image_ids (project, -1, NULL, NULL);
  scene->images[0] = g_array_index (images, gint64, 0);
  scene->images[1] = g_array_index (images, gint64, 1);

  scene->ann_layer = submit_shapes (project, scene->images[0], "ann", car, ann_boxes, 3, scene->ann_shapes, NULL);
  /* Later, so ann's is the oldest in the queue. */
  g_usleep (2000);
  scene->bob_layer = submit_shapes (project, scene->images[1], "bob", car, bob_boxes, 2, NULL, &scene->bob);
}

static void
iterate_until (gboolean (*done) (gpointer),
               gpointer  data)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (!done (data))
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    }
}

static void
iterate_pending (void)
{
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

static gboolean
canvas_ready (gpointer data)
{
  return bw_canvas_get_state (bw_window_get_canvas (data)) == BW_CANVAS_STATE_READY;
}

static gboolean
is_null (gpointer data)
{
  return *(gpointer *) data == NULL;
}

static GtkWidget *
template_child (BwWindow   *window,
                const char *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (window), BW_TYPE_WINDOW, name);

  g_assert_nonnull (child);
  return GTK_WIDGET (child);
}

/* The review popovers hang on the canvas: the first (reject) and the
 * second (pin). */
static BwReviewPopover *
popover (BwWindow *window,
         guint     nth)
{
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (bw_window_get_canvas (window)));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    if (BW_IS_REVIEW_POPOVER (child) && n++ == nth)
      return BW_REVIEW_POPOVER (child);

  g_assert_not_reached ();
}

/* The project as another program reads it. */
static BwProject *
reader (const Scene *scene)
{
  g_autoptr(GFile) file = g_file_new_for_path (scene->path);
  g_autoptr(GError) error = NULL;
  BwProject *project = bw_project_open (file, &error);

  g_assert_no_error (error);
  return project;
}

/* The newest review of @annotation_id's current version in the file, as
 * (verdict, reason name); -1 when none. */
static int
stored_verdict (const Scene  *scene,
                gint64        layer_id,
                gint64        annotation_id,
                char        **reason,
                char        **comment)
{
  g_autoptr(BwProject) project = reader (scene);
  g_autoptr(GPtrArray) reviews = bw_project_list_reviews_for_layer (project, layer_id, NULL);
  g_autoptr(BwAnnotation) a = bw_project_get_annotation (project, annotation_id, NULL);
  const BwReview *found = NULL;

  for (guint i = 0; i < reviews->len; i++)
    {
      const BwReview *r = reviews->pdata[i];

      if (r->annotation_id == annotation_id &&
          (r->verdict == BW_VERDICT_FIXED ? r->annotation_version + 1 : r->annotation_version) == a->version)
        found = r;
    }
  if (found != NULL && reason != NULL)
    {
      g_autoptr(BwRejectionReason) rr = found->reason_id > 0
                                        ? bw_project_get_rejection_reason (project, found->reason_id, NULL)
                                        : NULL;

      *reason = rr != NULL ? g_strdup (rr->name) : NULL;
    }
  if (found != NULL && comment != NULL)
    *comment = g_strdup (found->comment);

  return found != NULL ? (int) found->verdict : -1;
}

static guint
count_pins (const Scene *scene,
            gint64       layer_id,
            double       x,
            double       y,
            const char  *comment)
{
  g_autoptr(BwProject) project = reader (scene);
  g_autoptr(GPtrArray) reviews = bw_project_list_reviews_for_layer (project, layer_id, NULL);
  guint n = 0;

  for (guint i = 0; i < reviews->len; i++)
    {
      const BwReview *r = reviews->pdata[i];

      n += r->verdict == BW_VERDICT_COMMENT && r->has_point &&
           fabs (r->x - x) < 0.5 && fabs (r->y - y) < 0.5 && g_strcmp0 (r->comment, comment) == 0;
    }

  return n;
}

static BwLayerStatus
stored_status (const Scene *scene,
               gint64       layer_id)
{
  g_autoptr(BwProject) project = reader (scene);
  g_autoptr(BwLayer) layer = bw_project_get_layer (project, layer_id, NULL);

  return layer->status;
}

static void
press_key (BwAnnotationController *controller,
           guint                   keyval,
           GdkModifierType         state)
{
  g_assert_true (bw_annotation_controller_key_press (controller, keyval, state));
  iterate_pending ();
}

static void
set_mode (BwWindow   *window,
          const char *mode)
{
  g_action_group_change_action_state (G_ACTION_GROUP (window), "mode", g_variant_new_string (mode));
  iterate_pending ();
}

static void
test_review_round (void)
{
  Scene scene = { 0 };
  g_autoptr(GFile) file = NULL;
  BwWindow *window;
  BwAnnotationController *controller;
  BwReviewQueue *queue;
  BwCanvas *canvas;
  g_autofree char *reason = NULL;
  g_autofree char *comment = NULL;
  gpointer weak;
  double fit_zoom, zoom, cx, cy;

  make_scene (&scene);
  file = g_file_new_for_path (scene.path);
  window = bw_window_new (app);
  bw_window_set_user_name (window, "Rita");
  bw_window_open_project (window, file);
  gtk_window_present (GTK_WINDOW (window));
  iterate_until (canvas_ready, window);
  controller = bw_annotation_tools_get (window);
  queue = BW_REVIEW_QUEUE (bw_window_get_review_queue (window));
  canvas = bw_window_get_canvas (window);

  /* Annotate mode: the drawing tools, no verdict buttons. */
  g_assert_true (gtk_widget_get_visible (template_child (window, "mode_box")));
  g_assert_true (gtk_widget_get_visible (template_child (window, "tool_box")));
  g_assert_false (gtk_widget_get_visible (template_child (window, "review_box")));
  g_assert_false (bw_annotation_controller_is_review (controller));

  /* Review mode: the queue, oldest first, and ann's layer open. */
  set_mode (window, "review");
  g_assert_true (bw_window_get_review_mode (window));
  g_assert_false (gtk_widget_get_visible (template_child (window, "tool_box")));
  g_assert_false (gtk_widget_get_visible (template_child (window, "submit_button")));
  g_assert_true (gtk_widget_get_visible (template_child (window, "review_box")));
  g_assert_true (gtk_widget_get_visible (template_child (window, "accept_image_button")));
  g_assert_true (gtk_widget_get_visible (template_child (window, "return_image_button")));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (template_child (window, "list_stack"))), ==,
                   "review");
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (template_child (window, "return_image_button")),
                            "Shift+Ctrl+Enter"));
  g_assert_cmpuint (bw_review_queue_get_n_items (queue), ==, 2);
  g_assert_cmpint (bw_review_queue_get_item (queue, 0)->layer_id, ==, scene.ann_layer);
  g_assert_cmpstr (bw_review_queue_get_item (queue, 0)->annotator, ==, "ann");
  g_assert_cmpuint (bw_review_queue_get_item (queue, 0)->n_annotations, ==, 3);
  iterate_until (canvas_ready, window);
  g_assert_true (bw_annotation_controller_is_review (controller));
  g_assert_cmpint (bw_annotation_controller_get_layer_id (controller), ==, scene.ann_layer);
  g_assert_cmpint (bw_window_get_current_image_id (window), ==, scene.images[0]);
  {
    g_autoptr(BwProject) project = reader (&scene);
    g_autoptr(BwAssignment) work = bw_project_get_assignment (project, scene.images[0],
                                                              bw_layer_session_get_person_id (bw_annotation_controller_get_session (controller)),
                                                              BW_TASK_ANNOTATE, NULL);

    g_assert_cmpint (work->status, ==, BW_ASSIGNMENT_IN_REVIEW);
  }

  /* The annotator filter. */
  bw_review_queue_set_filter (queue, scene.bob, 0);
  g_assert_cmpuint (bw_review_queue_get_n_items (queue), ==, 1);
  g_assert_cmpint (bw_review_queue_get_item (queue, 0)->layer_id, ==, scene.bob_layer);
  bw_review_queue_set_filter (queue, 0, 0);
  g_assert_cmpuint (bw_review_queue_get_n_items (queue), ==, 2);
  /* The layer shown stays selected through the filters. */
  g_assert_cmpint (bw_review_queue_get_selected_layer (queue), ==, scene.ann_layer);

  /* No drawing tools for a reviewer. */
  bw_annotation_controller_set_tool (controller, BW_TOOL_BOX);
  g_assert_cmpint (bw_annotation_controller_get_tool (controller), ==, BW_TOOL_SELECT);

  /* Tab: the first shape, zoomed to and centred. */
  bw_canvas_zoom_to_fit (canvas);
  fit_zoom = bw_canvas_get_zoom (canvas);
  press_key (controller, GDK_KEY_Tab, 0);
  g_assert_cmpuint (bw_annotation_controller_get_selection (controller)->len, ==, 1);
  g_assert_cmpint (g_array_index (bw_annotation_controller_get_selection (controller), gint64, 0), ==,
                   scene.ann_shapes[0]);
  zoom = bw_canvas_get_zoom (canvas);
  g_assert_cmpfloat (zoom, >, fit_zoom);
  /* In view, whole (at the image's corner it cannot be centred: the
   * view stops at the image's edges). */
  bw_canvas_image_to_widget (canvas, 20, 20, &cx, &cy);
  g_assert_cmpfloat (cx, >=, 0);
  g_assert_cmpfloat (cy, >=, 0);
  bw_canvas_image_to_widget (canvas, 80, 70, &cx, &cy);
  g_assert_cmpfloat (cx, <=, gtk_widget_get_width (GTK_WIDGET (canvas)));
  g_assert_cmpfloat (cy, <=, gtk_widget_get_height (GTK_WIDGET (canvas)));
  /* One in the middle is centred. */
  press_key (controller, GDK_KEY_Tab, 0);
  bw_canvas_image_to_widget (canvas, 160, 80, &cx, &cy);
  g_assert_cmpfloat (fabs (cx - gtk_widget_get_width (GTK_WIDGET (canvas)) / 2.0), <, 2);
  g_assert_cmpfloat (fabs (cy - gtk_widget_get_height (GTK_WIDGET (canvas)) / 2.0), <, 2);
  press_key (controller, GDK_KEY_ISO_Left_Tab, GDK_SHIFT_MASK);
  g_assert_cmpint (g_array_index (bw_annotation_controller_get_selection (controller), gint64, 0), ==,
                   scene.ann_shapes[0]);

  /* A accepts it. */
  press_key (controller, GDK_KEY_a, 0);
  g_assert_cmpint (stored_verdict (&scene, scene.ann_layer, scene.ann_shapes[0], NULL, NULL), ==,
                   BW_VERDICT_ACCEPT);

  /* Tab, R, 4 ("Box too loose"), a comment, Enter. */
  press_key (controller, GDK_KEY_Tab, 0);
  press_key (controller, GDK_KEY_r, 0);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (popover (window, 0))));
  g_assert_true (bw_review_popover_pick_key (popover (window, 0), 4));
  bw_review_popover_set_comment (popover (window, 0), "  half of it is road ");
  g_assert_true (bw_review_popover_confirm (popover (window, 0)));
  iterate_pending ();
  g_assert_cmpint (stored_verdict (&scene, scene.ann_layer, scene.ann_shapes[1], &reason, &comment), ==,
                   BW_VERDICT_REJECT);
  g_assert_cmpstr (reason, ==, "Box too loose");
  g_assert_cmpstr (comment, ==, "half of it is road");

  /* A rejection needs a reason: Enter alone leaves the popover open. */
  press_key (controller, GDK_KEY_r, 0);
  g_assert_false (bw_review_popover_confirm (popover (window, 0)));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (popover (window, 0))));
  gtk_popover_popdown (GTK_POPOVER (popover (window, 0)));

  /* E, then a drag of the third box's corner: a fix, the reviewer's. */
  press_key (controller, GDK_KEY_Tab, 0);
  press_key (controller, GDK_KEY_e, 0);
  g_assert_cmpint (bw_annotation_controller_get_fixing (controller), ==, scene.ann_shapes[2]);
  bw_annotation_controller_press (controller, 300, 220, 1, 0);
  bw_annotation_controller_motion (controller, 290, 210, 0);
  bw_annotation_controller_release (controller, 290, 210, 0);
  iterate_pending ();
  {
    g_autoptr(BwProject) project = reader (&scene);
    g_autoptr(BwAnnotation) a = bw_project_get_annotation (project, scene.ann_shapes[2], NULL);
    g_autoptr(BwAnnotation) original = bw_project_get_annotation_version (project, scene.ann_shapes[2], 1, NULL);

    g_assert_cmpfloat (a->shape->bbox.x1, ==, 290);
    g_assert_cmpfloat (a->shape->bbox.y1, ==, 210);
    g_assert_cmpint (a->author_id, ==, bw_window_get_person_id (window));
    g_assert_cmpfloat (original->shape->bbox.x1, ==, 300);
  }
  g_assert_cmpint (stored_verdict (&scene, scene.ann_layer, scene.ann_shapes[2], NULL, NULL), ==,
                   BW_VERDICT_FIXED);

  /* Without E, a drag does not move a reviewer's selection. */
  press_key (controller, GDK_KEY_Escape, 0);
  bw_annotation_controller_select (controller, &scene.ann_shapes[0], 1);
  bw_annotation_controller_press (controller, 50, 45, 1, 0);
  bw_annotation_controller_motion (controller, 70, 65, 0);
  bw_annotation_controller_release (controller, 70, 65, 0);
  iterate_pending ();
  g_assert_cmpint (stored_verdict (&scene, scene.ann_layer, scene.ann_shapes[0], NULL, NULL), ==,
                   BW_VERDICT_ACCEPT);

  /* Ctrl+Z takes the fix back: the annotator's box, undecided. */
  gtk_widget_activate_action (GTK_WIDGET (canvas), "annotate.undo", NULL);
  iterate_pending ();
  {
    g_autoptr(BwProject) project = reader (&scene);
    g_autoptr(BwAnnotation) a = bw_project_get_annotation (project, scene.ann_shapes[2], NULL);

    g_assert_cmpfloat (a->shape->bbox.x1, ==, 300);
    g_assert_cmpint (a->author_id, ==, 0);
  }
  g_assert_cmpint (stored_verdict (&scene, scene.ann_layer, scene.ann_shapes[2], NULL, NULL), ==, -1);

  /* C, a click: the comment popover; its text is pinned there. */
  press_key (controller, GDK_KEY_c, 0);
  g_assert_cmpint (bw_annotation_controller_get_tool (controller), ==, BW_TOOL_PIN);
  bw_annotation_controller_press (controller, 150, 200, 1, 0);
  bw_annotation_controller_release (controller, 150, 200, 0);
  iterate_pending ();
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (popover (window, 1))));
  bw_review_popover_set_comment (popover (window, 1), "a car here");
  g_assert_true (bw_review_popover_confirm (popover (window, 1)));
  iterate_pending ();
  g_assert_cmpuint (count_pins (&scene, scene.ann_layer, 150, 200, "a car here"), ==, 1);
  g_assert_cmpint (bw_annotation_controller_get_tool (controller), ==, BW_TOOL_SELECT);
  gtk_widget_activate_action (GTK_WIDGET (canvas), "annotate.undo", NULL);
  iterate_pending ();
  g_assert_cmpuint (count_pins (&scene, scene.ann_layer, 150, 200, "a car here"), ==, 0);
  gtk_widget_activate_action (GTK_WIDGET (canvas), "annotate.redo", NULL);
  iterate_pending ();
  g_assert_cmpuint (count_pins (&scene, scene.ann_layer, 150, 200, "a car here"), ==, 1);

  /* Shift+A: the undecided third box; the rejected one stays rejected. */
  press_key (controller, GDK_KEY_A, GDK_SHIFT_MASK);
  g_assert_cmpint (stored_verdict (&scene, scene.ann_layer, scene.ann_shapes[2], NULL, NULL), ==,
                   BW_VERDICT_ACCEPT);
  g_assert_cmpint (stored_verdict (&scene, scene.ann_layer, scene.ann_shapes[1], NULL, NULL), ==,
                   BW_VERDICT_REJECT);

  /* Return (Shift+Ctrl+Enter's action): back to ann; bob's is next. */
  gtk_widget_activate_action (GTK_WIDGET (canvas), "annotate.return-image", NULL);
  iterate_pending ();
  g_assert_cmpint (stored_status (&scene, scene.ann_layer), ==, BW_LAYER_STATUS_REJECTED);
  g_assert_cmpuint (bw_review_queue_get_n_items (queue), ==, 1);
  iterate_until (canvas_ready, window);
  g_assert_cmpint (bw_annotation_controller_get_layer_id (controller), ==, scene.bob_layer);
  g_assert_cmpint (bw_window_get_current_image_id (window), ==, scene.images[1]);

  /* Ctrl+Enter accepts bob's image; nothing is left. */
  gtk_widget_activate_action (GTK_WIDGET (canvas), "annotate.submit", NULL);
  iterate_pending ();
  g_assert_cmpint (stored_status (&scene, scene.bob_layer), ==, BW_LAYER_STATUS_ACCEPTED);
  g_assert_cmpuint (bw_review_queue_get_n_items (queue), ==, 0);

  /* Back to annotating: one's own layer, the tools. */
  set_mode (window, "annotate");
  g_assert_false (bw_annotation_controller_is_review (controller));
  g_assert_true (gtk_widget_get_visible (template_child (window, "tool_box")));
  g_assert_false (gtk_widget_get_visible (template_child (window, "review_box")));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (template_child (window, "list_stack"))), !=,
                   "review");

  weak = window;
  g_object_add_weak_pointer (G_OBJECT (window), &weak);
  gtk_window_destroy (GTK_WINDOW (window));
  iterate_until (is_null, &weak);
  g_free (scene.path);
}

/* The most opaque pixel of the shapes the controller draws within
 * 2 px of image point (@x, @y), on nothing: 0 where no shape is drawn. */
static guint
drawn_alpha (BwAnnotationController *controller,
             BwCanvas               *canvas,
             double                  x,
             double                  y)
{
  int width = gtk_widget_get_width (GTK_WIDGET (canvas));
  int height = gtk_widget_get_height (GTK_WIDGET (canvas));
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cairo_t *cr = cairo_create (surface);
  const guint8 *data;
  int stride, cx, cy;
  double wx, wy;
  guint alpha = 0;
  double scale, ox, oy;

  /* The whole image in view, drawn with the canvas's view of it. */
  bw_canvas_zoom_to_fit (canvas);
  bw_canvas_get_view (canvas, &scale, &ox, &oy);
  bw_annotation_controller_set_view (controller, scale, ox, oy);
  bw_annotation_renderer_invalidate (bw_annotation_controller_get_renderer (controller));
  bw_annotation_controller_draw (controller, cr, width, height);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  bw_canvas_image_to_widget (canvas, x, y, &wx, &wy);
  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  for (cy = (int) wy - 2; cy <= (int) wy + 2; cy++)
    for (cx = (int) wx - 2; cx <= (int) wx + 2; cx++)
      if (cx >= 0 && cy >= 0 && cx < width && cy < height)
        alpha = MAX (alpha, data[cy * stride + cx * 4 + (G_BYTE_ORDER == G_LITTLE_ENDIAN ? 3 : 0)]);
  cairo_surface_destroy (surface);

  return alpha;
}

/* M shows the model's predictions of the image under review in place of
 * the annotator's work, and back; nothing can be judged meanwhile, and
 * any other key goes back first. */
static void
test_compare_with_model (void)
{
  static const BwRect ann_model[] = { { 230, 20, 310, 60 } };
  Scene scene = { .path = make_path ("model.boxwood") };
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  GActionGroup *actions;
  g_autoptr(GVariant) state = NULL;
  BwWindow *window;
  BwAnnotationController *controller;
  BwCanvas *canvas;
  gpointer weak;

  make_scene (&scene);
  {
    g_autoptr(BwProject) project = reader (&scene);
    g_autoptr(BwShape) box = bw_shape_new_box (ann_model[0].x0, ann_model[0].y0, ann_model[0].x1, ann_model[0].y1);
    gint64 model_id, model_layer;

    g_assert_true (bw_project_ensure_person (project, "detector", BW_ROLE_MODEL, &model_id, &error));
    g_assert_true (bw_project_ensure_layer (project, scene.images[0], model_id, BW_LAYER_KIND_MODEL,
                                            &model_layer, &error));
    g_assert_true (bw_project_add_annotation (project, model_layer, 1, box, BW_SOURCE_PREDICTION, 0.9,
                                              NULL, &error));
    g_assert_no_error (error);
  }

  file = g_file_new_for_path (scene.path);
  window = bw_window_new (app);
  bw_window_set_user_name (window, "Rita");
  bw_window_open_project (window, file);
  gtk_window_present (GTK_WINDOW (window));
  iterate_until (canvas_ready, window);
  controller = bw_annotation_tools_get (window);
  canvas = bw_window_get_canvas (window);
  actions = bw_annotation_controller_get_action_group (controller);

  set_mode (window, "review");
  iterate_until (canvas_ready, window);
  g_assert_cmpint (bw_annotation_controller_get_layer_id (controller), ==, scene.ann_layer);
  g_assert_true (g_action_group_get_action_enabled (actions, "show-model"));

  /* The annotator's first box is drawn, the model's box is not. */
  g_assert_cmpuint (drawn_alpha (controller, canvas, 50, 45), >, 0);
  g_assert_cmpuint (drawn_alpha (controller, canvas, 270, 40), ==, 0);

  /* A shape selected, then M: the model's box, not the annotator's;
   * nothing selected, so no verdict can be given. */
  press_key (controller, GDK_KEY_Tab, 0);
  g_assert_cmpuint (bw_annotation_controller_get_selection (controller)->len, ==, 1);
  press_key (controller, GDK_KEY_m, 0);
  g_assert_true (bw_annotation_controller_get_show_model (controller));
  state = g_action_group_get_action_state (actions, "show-model");
  g_assert_true (g_variant_get_boolean (state));
  g_clear_pointer (&state, g_variant_unref);
  g_assert_cmpuint (bw_annotation_controller_get_selection (controller)->len, ==, 0);
  g_assert_false (g_action_group_get_action_enabled (actions, "review-accept"));
  g_assert_cmpuint (drawn_alpha (controller, canvas, 270, 40), >, 0);
  g_assert_cmpuint (drawn_alpha (controller, canvas, 50, 45), ==, 0);

  /* M again: the annotator's work. */
  press_key (controller, GDK_KEY_m, 0);
  g_assert_false (bw_annotation_controller_get_show_model (controller));
  g_assert_cmpuint (drawn_alpha (controller, canvas, 50, 45), >, 0);
  g_assert_cmpuint (drawn_alpha (controller, canvas, 270, 40), ==, 0);

  /* Tab while the model shows goes back and steps, so a verdict after
   * it judges a shape on screen; the toggle button does the same as M. */
  g_action_group_change_action_state (actions, "show-model", g_variant_new_boolean (TRUE));
  iterate_pending ();
  g_assert_true (bw_annotation_controller_get_show_model (controller));
  press_key (controller, GDK_KEY_Tab, 0);
  g_assert_false (bw_annotation_controller_get_show_model (controller));
  g_assert_cmpuint (bw_annotation_controller_get_selection (controller)->len, ==, 1);
  press_key (controller, GDK_KEY_a, 0);
  g_assert_cmpint (stored_verdict (&scene, scene.ann_layer,
                                   g_array_index (bw_annotation_controller_get_selection (controller), gint64, 0),
                                   NULL, NULL), ==, BW_VERDICT_ACCEPT);

  /* The next image has no predictions: M says so and changes nothing. */
  press_key (controller, GDK_KEY_m, 0);
  g_assert_true (bw_annotation_controller_load_review (controller, scene.bob_layer, 320, 240, &error));
  g_assert_no_error (error);
  g_assert_false (bw_annotation_controller_get_show_model (controller));
  press_key (controller, GDK_KEY_m, 0);
  g_assert_false (bw_annotation_controller_get_show_model (controller));

  weak = window;
  g_object_add_weak_pointer (G_OBJECT (window), &weak);
  gtk_window_destroy (GTK_WINDOW (window));
  iterate_until (is_null, &weak);
  g_free (scene.path);
}

/* Without a name, there is nobody to record verdicts as: review mode
 * says so and stays off. */
static void
test_needs_a_name (void)
{
  g_autofree char *path = make_path ("nameless.boxwood");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(BwProject) project = NULL;
  BwWindow *window;
  gpointer weak;

  project = bw_project_create (file, NULL);
  g_assert_nonnull (project);
  g_clear_object (&project);

  window = bw_window_new (app);
  bw_window_set_user_name (window, NULL);
  bw_window_open_project (window, file);
  gtk_window_present (GTK_WINDOW (window));
  iterate_pending ();

  set_mode (window, "review");
  g_assert_false (bw_window_get_review_mode (window));
  g_assert_true (gtk_widget_get_visible (template_child (window, "tool_box")));

  weak = window;
  g_object_add_weak_pointer (G_OBJECT (window), &weak);
  gtk_window_destroy (GTK_WINDOW (window));
  iterate_until (is_null, &weak);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  tmpdir = g_dir_make_tmp ("test-review-ui-XXXXXX", &error);
  g_assert_no_error (error);

  app = bw_application_new ();
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);

  g_test_add_func ("/ui/review/round", test_review_round);
  g_test_add_func ("/ui/review/compare-with-model", test_compare_with_model);
  g_test_add_func ("/ui/review/needs-a-name", test_needs_a_name);

  ret = g_test_run ();

  g_object_unref (app);
  {
    g_autoptr(GDir) dir = g_dir_open (tmpdir, 0, NULL);
    const char *name;

    while (dir && (name = g_dir_read_name (dir)))
      {
        g_autofree char *p = make_path (name);
        g_unlink (p);
      }
    g_rmdir (tmpdir);
  }
  g_free (tmpdir);

  return ret;
}
