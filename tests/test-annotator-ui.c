/* test-annotator-ui.c — what an annotator sees in the main window: the
 * tool palette, Submit, who is signed in
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-annotator-ui"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "bw-annotation-menus.h"
#include "bw-annotation-tools.h"
#include "bw-application.h"
#include "bw-canvas.h"
#include "bw-importer.h"
#include "bw-object-list.h"
#include "bw-preferences-window.h"
#include "bw-test-images.h"
#include "bw-window.h"

static char *tmpdir;
static BwApplication *app;

static char *
make_path (const char *name)
{
  return g_build_filename (tmpdir, name, NULL);
}

/* A project holding @n JPEGs and two categories. */
static char *
make_project (const char *name,
              guint       n)
{
  g_autofree char *path = make_path (name);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(BwProject) project = NULL;
  g_autoptr(BwImporter) importer = NULL;
  g_autoptr(BwImportReport) report = NULL;
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *image_name = g_strdup_printf ("%s-img-%u.jpg", name, i);
      char *image = make_path (image_name);

      g_assert_true (bw_test_write_jpeg (image, 320, 240, 90, 2, i + 1, &error));
      g_assert_no_error (error);
      g_ptr_array_add (paths, image);
    }
  g_ptr_array_add (paths, NULL);

  project = bw_project_create (file, &error);
  g_assert_no_error (error);
  importer = bw_importer_new (project);
  report = bw_importer_run (importer, (const char * const *) paths->pdata, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report->added, ==, n);
  g_assert_true (bw_project_add_category (project, "car", NULL, "#e01b24", NULL, &error));
  g_assert_true (bw_project_add_category (project, "person", NULL, "#3584e4", NULL, &error));
  g_assert_no_error (error);

  return g_steal_pointer (&path);
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

static GtkWidget *find_widget (GtkWidget  *root,
                               GType       type,
                               gboolean  (*match) (GtkWidget *, gconstpointer),
                               gconstpointer data);

static void
iterate_pending (void)
{
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

/* A person's layer on the first image of @path with two boxes and a
 * polygon; returns their ids in @ids. */
static void
add_shapes (const char *path,
            const char *person,
            gint64      ids[3])
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(BwProject) project = bw_project_open (file, NULL);
  g_autoptr(GArray) images = bw_project_list_image_ids (project, -1, NULL, NULL);
  g_autoptr(GPtrArray) categories = bw_project_list_categories (project, NULL);
  g_autoptr(BwShape) box1 = bw_shape_new_box (10, 10, 60, 50);
  g_autoptr(BwShape) box2 = bw_shape_new_box (100, 100, 200, 180);
  BwPoint triangle[] = { { 220, 20 }, { 300, 20 }, { 260, 90 }, { 230, 80 } };
  g_autoptr(BwShape) polygon = bw_shape_new_polygon (triangle, G_N_ELEMENTS (triangle));
  g_autoptr(GError) error = NULL;
  gint64 person_id, layer_id;
  gint64 car = ((BwCategory *) categories->pdata[0])->id;
  gint64 walker = ((BwCategory *) categories->pdata[1])->id;

  g_assert_true (bw_project_ensure_person (project, person, BW_ROLE_ANNOTATOR, &person_id, &error));
  g_assert_true (bw_project_ensure_layer (project, g_array_index (images, gint64, 0), person_id,
                                          BW_LAYER_KIND_WORK, &layer_id, &error));
  g_assert_true (bw_project_add_annotation (project, layer_id, car, box1, BW_SOURCE_DRAWN, 1, &ids[0], &error));
  g_assert_true (bw_project_add_annotation (project, layer_id, walker, box2, BW_SOURCE_DRAWN, 1, &ids[1], &error));
  g_assert_true (bw_project_add_annotation (project, layer_id, car, polygon, BW_SOURCE_DRAWN, 1, &ids[2], &error));
  g_assert_no_error (error);
}

static BwObjectList *
object_list (BwWindow *window)
{
  GtkWidget *list = find_widget (GTK_WIDGET (window), BW_TYPE_OBJECT_LIST, NULL, NULL);

  g_assert_nonnull (list);
  return BW_OBJECT_LIST (list);
}

typedef struct
{
  GListModel *model;
  guint       n;
} CountWait;

static gboolean
has_n_items (gpointer data)
{
  CountWait *wait = data;

  return g_list_model_get_n_items (wait->model) == wait->n;
}

static void
wait_for_n_items (BwObjectListModel *model,
                  guint              n)
{
  CountWait wait = { G_LIST_MODEL (model), n };

  iterate_until (has_n_items, &wait);
}

static void
record_range_cb (GtkSelectionModel *model,
                 guint              position,
                 guint              n_items,
                 GArray            *ranges)
{
  guint range[2] = { position, n_items };

  g_array_append_vals (ranges, range, 2);
}

static gboolean
has_tooltip (GtkWidget     *widget,
             gconstpointer  data)
{
  return g_strcmp0 (gtk_widget_get_tooltip_text (widget), data) == 0;
}

static gboolean
row_button_shown (gpointer data)
{
  iterate_pending ();
  return find_widget (data, GTK_TYPE_BUTTON, has_tooltip, "Delete this shape") != NULL;
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

static void
close_window (BwWindow *window)
{
  gpointer weak = window;

  g_object_add_weak_pointer (G_OBJECT (window), &weak);
  gtk_window_destroy (GTK_WINDOW (window));
  iterate_until (is_null, &weak);
}

static GtkWidget *
template_child (BwWindow   *window,
                const char *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (window), BW_TYPE_WINDOW, name);

  g_assert_nonnull (child);
  return GTK_WIDGET (child);
}

/* The first descendant of @root of @type for which @match is true. */
static GtkWidget *
find_widget (GtkWidget  *root,
             GType       type,
             gboolean  (*match) (GtkWidget *, gconstpointer),
             gconstpointer data)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type) && (match == NULL || match (root, data)))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, type, match, data);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static gboolean
has_tool_target (GtkWidget     *widget,
                 gconstpointer  data)
{
  GVariant *target = gtk_actionable_get_action_target_value (GTK_ACTIONABLE (widget));

  return g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), "annotate.tool") == 0 &&
         target != NULL && g_str_equal (g_variant_get_string (target, NULL), data);
}

static GtkToggleButton *
tool_button (BwWindow   *window,
             const char *tool)
{
  GtkWidget *button = find_widget (template_child (window, "header_bar"), GTK_TYPE_TOGGLE_BUTTON,
                                   has_tool_target, tool);

  g_assert_nonnull (button);
  return GTK_TOGGLE_BUTTON (button);
}

static BwWindow *
open_window (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  BwWindow *window = bw_window_new (app);

  bw_window_set_user_name (window, "Ana Souza");
  bw_window_open_project (window, file);
  gtk_window_present (GTK_WINDOW (window));
  iterate_until (canvas_ready, window);

  return window;
}

/* The tools are buttons with their keys on them; the active one is shown
 * pressed whether it was chosen by key, by button or by the controller. */
static void
test_palette (void)
{
  g_autofree char *path = make_project ("palette.boxwood", 2);
  BwWindow *window = open_window (path);
  BwAnnotationController *controller = bw_annotation_tools_get (window);
  GtkToggleButton *select = tool_button (window, "select");
  GtkToggleButton *box = tool_button (window, "box");
  GtkToggleButton *polygon = tool_button (window, "polygon");
  GtkWidget *submit = template_child (window, "submit_button");

  g_assert_true (gtk_widget_get_visible (template_child (window, "tool_box")));
  g_assert_true (gtk_toggle_button_get_active (select));
  g_assert_false (gtk_toggle_button_get_active (box));

  /* The keys are written on the buttons and in their tooltips. */
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (GTK_WIDGET (box)), "(B)"));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (GTK_WIDGET (polygon)), "(P)"));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (GTK_WIDGET (select)), "(V)"));

  /* The controller (as the B key does) → the button. */
  bw_annotation_controller_set_tool (controller, BW_TOOL_BOX);
  g_assert_true (gtk_toggle_button_get_active (box));
  g_assert_false (gtk_toggle_button_get_active (select));

  /* The button → the controller. */
  g_signal_emit_by_name (polygon, "clicked");
  g_assert_cmpint (bw_annotation_controller_get_tool (controller), ==, BW_TOOL_POLYGON);
  g_assert_true (gtk_toggle_button_get_active (polygon));
  g_assert_false (gtk_toggle_button_get_active (box));

  /* Clicking the active tool keeps it. */
  g_signal_emit_by_name (polygon, "clicked");
  g_assert_cmpint (bw_annotation_controller_get_tool (controller), ==, BW_TOOL_POLYGON);
  g_assert_true (gtk_toggle_button_get_active (polygon));

  /* Submit: the suggested action, its key in the tooltip, and it submits. */
  g_assert_true (gtk_widget_has_css_class (submit, "suggested-action"));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (submit), "Ctrl+Enter"));
  g_assert_true (gtk_widget_is_sensitive (submit));
  {
    gint64 image_id = bw_window_get_current_image_id (window);
    g_autoptr(BwImage) image = NULL;

    AdwMessageDialog *dialog = NULL;
    GList *toplevels;

    /* The image has no shapes: Submit asks before submitting nothing, and
     * "no objects" is the answer that submits it. */
    g_signal_emit_by_name (submit, "clicked");
    image = bw_project_get_image (bw_window_get_project (window), image_id, NULL);
    g_assert_cmpint (image->status, ==, BW_IMAGE_STATUS_NEW);
    g_clear_pointer (&image, bw_image_free);
    toplevels = gtk_window_list_toplevels ();
    for (GList *l = toplevels; l != NULL; l = l->next)
      if (ADW_IS_MESSAGE_DIALOG (l->data))
        dialog = l->data;
    g_list_free (toplevels);
    g_assert_nonnull (dialog);
    adw_message_dialog_response (dialog, "no-objects");
    gtk_window_destroy (GTK_WINDOW (dialog));
    image = bw_project_get_image (bw_window_get_project (window), image_id, NULL);
    g_assert_cmpint (image->status, ==, BW_IMAGE_STATUS_SUBMITTED);
  }

  close_window (window);
}

/* The name work is recorded under is in the window and in Preferences. */
static void
test_signed_in_name (void)
{
  g_autofree char *path = make_project ("name.boxwood", 1);
  BwWindow *window = open_window (path);
  GtkLabel *label = GTK_LABEL (template_child (window, "user_label"));
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  BwPreferencesWindow *prefs;
  GtkWidget *row;

  g_assert_cmpstr (gtk_label_get_label (label), ==, "Ana Souza");
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (template_child (window, "user_button")),
                            "Ana Souza"));
  bw_window_set_user_name (window, "Bo Lind");
  g_assert_cmpstr (gtk_label_get_label (label), ==, "Bo Lind");
  bw_window_set_user_name (window, NULL);
  g_assert_cmpstr (gtk_label_get_label (label), !=, "Bo Lind");

  /* Started with --user and no stored name: Preferences shows the name
   * in use, not an empty row. */
  g_settings_set_string (settings, "user-name", "");
  prefs = bw_preferences_window_new (settings);
  bw_preferences_window_set_user_override (prefs, "Bo Lind");
  row = find_widget (GTK_WIDGET (prefs), ADW_TYPE_ENTRY_ROW, NULL, NULL);
  g_assert_nonnull (row);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "Bo Lind");
  gtk_window_destroy (GTK_WINDOW (prefs));

  close_window (window);
}

/* The list shows the shapes of the image; its selection is the canvas's,
 * both ways, announced only for the rows that changed; rows hide and
 * delete their shape; a shape drawn appears in it. */
static void
test_object_list (void)
{
  g_autofree char *path = make_project ("objects.boxwood", 2);
  gint64 ids[3];
  BwWindow *window;
  BwAnnotationController *controller;
  BwObjectListModel *model;
  GtkListView *view;
  g_autoptr(GArray) ranges = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(BwObjectItem) item = NULL;
  GArray *selection;
  GtkWidget *button;

  add_shapes (path, "Ana Souza", ids);
  window = open_window (path);
  controller = bw_annotation_tools_get (window);
  model = bw_object_list_get_model (object_list (window));
  view = bw_object_list_get_view (object_list (window));
  wait_for_n_items (model, 3);

  /* Drawing order, with what each row shows. */
  item = g_list_model_get_item (G_LIST_MODEL (model), 0);
  g_assert_cmpint (bw_object_item_get_id (item), ==, ids[0]);
  g_assert_cmpint (bw_object_item_get_kind (item), ==, BW_SHAPE_BOX);
  g_clear_object (&item);
  item = g_list_model_get_item (G_LIST_MODEL (model), 2);
  g_assert_cmpint (bw_object_item_get_id (item), ==, ids[2]);
  g_assert_cmpint (bw_object_item_get_kind (item), ==, BW_SHAPE_POLYGON);
  g_assert_cmpuint (bw_object_item_get_n_points (item), ==, 4);
  g_clear_object (&item);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (model), 3));

  /* Canvas → list, announced for the changed rows only. */
  g_signal_connect (model, "selection-changed", G_CALLBACK (record_range_cb), ranges);
  bw_annotation_controller_select (controller, &ids[1], 1);
  g_assert_false (gtk_selection_model_is_selected (GTK_SELECTION_MODEL (model), 0));
  g_assert_true (gtk_selection_model_is_selected (GTK_SELECTION_MODEL (model), 1));
  g_assert_false (gtk_selection_model_is_selected (GTK_SELECTION_MODEL (model), 2));
  g_assert_cmpuint (ranges->len, ==, 2);
  g_assert_cmpuint (g_array_index (ranges, guint, 0), ==, 1);
  g_assert_cmpuint (g_array_index (ranges, guint, 1), ==, 1);
  g_array_set_size (ranges, 0);
  bw_annotation_controller_select (controller, &ids[2], 1);
  g_assert_cmpuint (ranges->len, ==, 4);
  g_assert_cmpuint (g_array_index (ranges, guint, 0) + g_array_index (ranges, guint, 2), ==, 3);
  g_signal_handlers_disconnect_by_data (model, ranges);

  /* List → canvas: a click on a row is a select_item of the view. */
  gtk_selection_model_select_item (GTK_SELECTION_MODEL (model), 0, TRUE);
  selection = bw_annotation_controller_get_selection (controller);
  g_assert_cmpuint (selection->len, ==, 1);
  g_assert_cmpint (g_array_index (selection, gint64, 0), ==, ids[0]);
  gtk_selection_model_select_item (GTK_SELECTION_MODEL (model), 2, FALSE);
  g_assert_cmpuint (selection->len, ==, 2);
  gtk_selection_model_unselect_all (GTK_SELECTION_MODEL (model));
  g_assert_cmpuint (selection->len, ==, 0);

  /* The rows are widgets only once shown. */
  iterate_until (row_button_shown, view);

  /* The first row's eye hides its shape: it is no longer hit. */
  g_assert_cmpint (bw_annotation_set_hit_test (bw_annotation_controller_get_annotations (controller),
                                               30, 30, 1, NULL), ==, ids[0]);
  button = find_widget (GTK_WIDGET (view), GTK_TYPE_TOGGLE_BUTTON, has_tooltip, "Hide this shape");
  g_assert_nonnull (button);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (button), TRUE);
  g_assert_true (bw_annotation_set_get_hidden (bw_annotation_controller_get_annotations (controller), ids[0]));
  g_assert_cmpint (bw_annotation_set_hit_test (bw_annotation_controller_get_annotations (controller),
                                               30, 30, 1, NULL), ==, 0);
  item = g_list_model_get_item (G_LIST_MODEL (model), 0);
  g_assert_true (bw_object_item_get_hidden (item));
  g_clear_object (&item);

  /* The first row's delete button removes the shape from the project. */
  iterate_until (row_button_shown, view);
  button = find_widget (GTK_WIDGET (view), GTK_TYPE_BUTTON, has_tooltip, "Delete this shape");
  g_signal_emit_by_name (button, "clicked");
  wait_for_n_items (model, 2);
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(BwAnnotation) gone = bw_project_get_annotation (bw_window_get_project (window), ids[0], &error);

    g_assert_null (gone);
    g_assert_nonnull (error);
  }

  /* A box drawn on the canvas is added at the end. */
  bw_annotation_controller_set_tool (controller, BW_TOOL_BOX);
  bw_annotation_controller_press (controller, 20, 150, 1, 0);
  bw_annotation_controller_motion (controller, 80, 220, 0);
  bw_annotation_controller_release (controller, 80, 220, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 3);
  item = g_list_model_get_item (G_LIST_MODEL (model), 2);
  g_assert_cmpint (bw_object_item_get_id (item), >, ids[2]);
  g_clear_object (&item);

  /* Another image: the list follows. */
  g_action_group_activate_action (G_ACTION_GROUP (window), "next-image", NULL);
  iterate_until (canvas_ready, window);
  wait_for_n_items (model, 0);

  close_window (window);
}

/* Does @model (or a submenu or section of it) hold an item for @action
 * (with @target when not NULL)? */
static gboolean
menu_has (GMenuModel *model,
          const char *action,
          GVariant   *target)
{
  for (int i = 0; i < g_menu_model_get_n_items (model); i++)
    {
      g_autofree char *name = NULL;
      g_autoptr(GVariant) item_target = NULL;
      g_autoptr(GMenuLinkIter) links = NULL;
      GMenuModel *link;
      const char *link_name;

      if (g_menu_model_get_item_attribute (model, i, G_MENU_ATTRIBUTE_ACTION, "s", &name) &&
          g_str_equal (name, action))
        {
          item_target = g_menu_model_get_item_attribute_value (model, i, G_MENU_ATTRIBUTE_TARGET, NULL);
          if (target == NULL || (item_target != NULL && g_variant_equal (target, item_target)))
            return TRUE;
        }

      links = g_menu_model_iterate_item_links (model, i);
      while (g_menu_link_iter_get_next (links, &link_name, &link))
        {
          gboolean found = menu_has (link, action, target);

          g_object_unref (link);
          if (found)
            return TRUE;
        }
    }

  return FALSE;
}

static gint64
stored_category (BwWindow *window,
                 gint64    id)
{
  g_autoptr(BwAnnotation) a = bw_project_get_annotation (bw_window_get_project (window), id, NULL);

  g_assert_nonnull (a);
  return a->category_id;
}

static gint64
stored_z (BwWindow *window,
          gint64    id)
{
  g_autoptr(BwAnnotation) a = bw_project_get_annotation (bw_window_get_project (window), id, NULL);

  g_assert_nonnull (a);
  return a->z;
}

/* The canvas's menu offers each category and the edits of the selection;
 * its actions change the project; the object list follows the order. */
static void
test_canvas_menu (void)
{
  g_autofree char *path = make_project ("menu.boxwood", 1);
  gint64 ids[3];
  BwWindow *window;
  BwAnnotationController *controller;
  BwCanvas *canvas;
  GtkWidget *popover;
  GMenuModel *model;
  BwObjectListModel *list;
  g_autoptr(GPtrArray) categories = NULL;
  g_autoptr(BwObjectItem) item = NULL;
  gint64 walker;

  add_shapes (path, "Ana Souza", ids);
  window = open_window (path);
  controller = bw_annotation_tools_get (window);
  canvas = bw_window_get_canvas (window);
  list = bw_object_list_get_model (object_list (window));
  wait_for_n_items (list, 3);
  categories = g_ptr_array_ref (bw_annotation_controller_get_categories (controller));
  walker = ((BwCategory *) categories->pdata[1])->id;

  popover = bw_annotation_menus_get_popover (canvas);
  g_assert_true (GTK_IS_POPOVER_MENU (popover));
  model = gtk_popover_menu_get_menu_model (GTK_POPOVER_MENU (popover));
  for (guint i = 0; i < categories->len; i++)
    {
      g_autoptr(GVariant) target = g_variant_ref_sink (g_variant_new_int64 (((BwCategory *) categories->pdata[i])->id));

      g_assert_true (menu_has (model, "annotate.relabel", target));
    }
  g_assert_true (menu_has (model, "annotate.copy", NULL));
  g_assert_true (menu_has (model, "annotate.delete", NULL));
  g_assert_true (menu_has (model, "annotate.bring-to-front", NULL));
  g_assert_true (menu_has (model, "annotate.send-to-back", NULL));

  /* Nothing selected: nothing to do. */
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (bw_annotation_controller_get_action_group (controller)),
                                                     "bring-to-front"));
  g_assert_true (bw_annotation_menus_popup_at (canvas, 40, 40));
  gtk_popover_popdown (GTK_POPOVER (popover));

  /* The first box: another category, then to the front. */
  bw_annotation_controller_select (controller, &ids[0], 1);
  gtk_widget_activate_action (GTK_WIDGET (canvas), "annotate.relabel", "x", walker);
  g_assert_cmpint (stored_category (window, ids[0]), ==, walker);
  g_assert_cmpint (stored_category (window, ids[2]), !=, walker);

  gtk_widget_activate_action (GTK_WIDGET (canvas), "annotate.bring-to-front", NULL);
  g_assert_cmpint (stored_z (window, ids[0]), >, stored_z (window, ids[1]));
  g_assert_cmpint (stored_z (window, ids[0]), >, stored_z (window, ids[2]));
  g_assert_cmpuint (bw_object_list_model_find (list, ids[0]), ==, 2);
  item = g_list_model_get_item (G_LIST_MODEL (list), 2);
  g_assert_cmpint (bw_object_item_get_id (item), ==, ids[0]);
  g_assert_cmpint (bw_object_item_get_category_id (item), ==, walker);
  g_clear_object (&item);
  /* Still selected, in the list too. */
  g_assert_true (gtk_selection_model_is_selected (GTK_SELECTION_MODEL (list), 2));

  /* The polygon to the back. */
  bw_annotation_controller_select (controller, &ids[2], 1);
  gtk_widget_activate_action (GTK_WIDGET (canvas), "annotate.send-to-back", NULL);
  g_assert_cmpint (stored_z (window, ids[2]), <, stored_z (window, ids[1]));
  g_assert_cmpuint (bw_object_list_model_find (list, ids[2]), ==, 0);

  /* Undo puts the order back. */
  gtk_widget_activate_action (GTK_WIDGET (canvas), "annotate.undo", NULL);
  g_assert_cmpuint (bw_object_list_model_find (list, ids[2]), ==, 1);

  /* Delete from the menu. */
  bw_annotation_controller_select (controller, &ids[1], 1);
  gtk_widget_activate_action (GTK_WIDGET (canvas), "annotate.delete", NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 2);
  {
    g_autoptr(BwAnnotation) gone = bw_project_get_annotation (bw_window_get_project (window), ids[1], NULL);

    g_assert_null (gone);
  }

  close_window (window);
}

/* The image list's menu: exclude any image, and include it again where
 * its work stands. */
static void
test_image_menu (void)
{
  g_autofree char *path = make_project ("images.boxwood", 3);
  gint64 ids[3];
  BwWindow *window;
  BwProject *project;
  g_autoptr(GArray) images = NULL;
  gint64 first, second;
  BwImage *image;

  add_shapes (path, "Ana Souza", ids);
  window = open_window (path);
  project = bw_window_get_project (window);
  images = bw_project_list_image_ids (project, -1, NULL, NULL);
  first = g_array_index (images, gint64, 0);
  second = g_array_index (images, gint64, 1);

  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (window), "open-image-folder"));

  /* An image with work, submitted: excluded, then back to submitted. */
  gtk_widget_activate_action (GTK_WIDGET (window), "annotate.submit", NULL);
  image = bw_project_get_image (project, first, NULL);
  g_assert_cmpint (image->status, ==, BW_IMAGE_STATUS_SUBMITTED);
  g_clear_pointer (&image, bw_image_free);

  g_action_group_activate_action (G_ACTION_GROUP (window), "exclude-image", g_variant_new_int64 (first));
  image = bw_project_get_image (project, first, NULL);
  g_assert_cmpint (image->status, ==, BW_IMAGE_STATUS_EXCLUDED);
  g_clear_pointer (&image, bw_image_free);

  g_action_group_activate_action (G_ACTION_GROUP (window), "include-image", g_variant_new_int64 (first));
  image = bw_project_get_image (project, first, NULL);
  g_assert_cmpint (image->status, ==, BW_IMAGE_STATUS_SUBMITTED);
  g_clear_pointer (&image, bw_image_free);

  /* An image nobody touched: back to new. */
  g_action_group_activate_action (G_ACTION_GROUP (window), "exclude-image", g_variant_new_int64 (second));
  image = bw_project_get_image (project, second, NULL);
  g_assert_cmpint (image->status, ==, BW_IMAGE_STATUS_EXCLUDED);
  g_clear_pointer (&image, bw_image_free);
  g_action_group_activate_action (G_ACTION_GROUP (window), "include-image", g_variant_new_int64 (second));
  image = bw_project_get_image (project, second, NULL);
  g_assert_cmpint (image->status, ==, BW_IMAGE_STATUS_NEW);
  g_clear_pointer (&image, bw_image_free);

  close_window (window);
}

/* What a reviewer decided on the first image of @path (Ana's layer,
 * shapes @ids): the first box rejected as too loose with a comment, the
 * second accepted, a comment pinned, the image returned. */
static void
return_with_verdicts (const char   *path,
                      const gint64  ids[3])
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(BwProject) project = bw_project_open (file, NULL);
  g_autoptr(BwAnnotation) box = bw_project_get_annotation (project, ids[0], NULL);
  g_autoptr(GPtrArray) reasons = bw_project_list_rejection_reasons (project, FALSE, NULL);
  g_autoptr(GError) error = NULL;
  gint64 reviewer = 0, loose = 0;

  for (guint i = 0; i < reasons->len; i++)
    if (g_strcmp0 (((BwRejectionReason *) reasons->pdata[i])->name, "Box too loose") == 0)
      loose = ((BwRejectionReason *) reasons->pdata[i])->id;
  g_assert_cmpint (loose, >, 0);

  g_assert_true (bw_project_ensure_person (project, "Rita Reviewer", BW_ROLE_REVIEWER, &reviewer, &error));
  g_assert_true (bw_project_submit_layer (project, box->layer_id, &error));
  g_assert_true (bw_project_review_annotation (project, ids[0], reviewer, BW_VERDICT_REJECT, loose,
                                               "too much sky above it", NULL, &error));
  g_assert_true (bw_project_review_annotation (project, ids[1], reviewer, BW_VERDICT_ACCEPT, 0, NULL, NULL,
                                               &error));
  g_assert_true (bw_project_add_pinned_comment (project, box->layer_id, reviewer, 280, 200, 0,
                                                "a car is missing here", NULL, &error));
  g_assert_true (bw_project_return_layer (project, box->layer_id, reviewer, 0, NULL, NULL, &error));
  g_assert_no_error (error);
}

static gboolean
has_label (GtkWidget     *widget,
           gconstpointer  data)
{
  return gtk_widget_get_mapped (widget) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), data) == 0;
}

typedef struct
{
  GtkWidget  *root;
  const char *text;
  gboolean    shown;
} LabelWait;

static gboolean
label_shown (gpointer data)
{
  LabelWait *wait = data;

  iterate_pending ();
  return (find_widget (wait->root, GTK_TYPE_LABEL, has_label, wait->text) != NULL) == wait->shown;
}

static void
wait_for_label (GtkWidget  *root,
                const char *text,
                gboolean    shown)
{
  LabelWait wait = { root, text, shown };

  iterate_until (label_shown, &wait);
}

/* A returned image shows each shape's verdict in the object list, the
 * reviewer's comment with it; a fixed shape loses its mark; submitted
 * again, the image goes back to review. */
static void
test_returned_image (void)
{
  g_autofree char *path = make_project ("returned.boxwood", 2);
  gint64 ids[3];
  BwWindow *window;
  BwAnnotationController *controller;
  BwObjectListModel *model;
  GtkWidget *view;
  GtkWidget *rejected;
  g_autoptr(BwShape) tighter = bw_shape_new_box (12, 12, 58, 48);
  g_autoptr(GError) error = NULL;
  g_autoptr(BwAssignment) assignment = NULL;
  gint64 image_id;

  add_shapes (path, "Ana Souza", ids);
  return_with_verdicts (path, ids);

  window = open_window (path);
  controller = bw_annotation_tools_get (window);
  model = bw_object_list_get_model (object_list (window));
  view = GTK_WIDGET (bw_object_list_get_view (object_list (window)));
  wait_for_n_items (model, 3);
  image_id = bw_window_get_current_image_id (window);

  wait_for_label (view, "Rejected · Box too loose", TRUE);
  wait_for_label (view, "Accepted", TRUE);
  rejected = find_widget (view, GTK_TYPE_LABEL, has_label, "Rejected · Box too loose");
  g_assert_true (gtk_widget_has_css_class (rejected, "error"));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (rejected), ==, "The reviewer’s comment: too much sky above it");
  g_assert_cmpuint (bw_layer_session_get_reviews (bw_annotation_controller_get_session (controller))->len, ==, 3);

  /* Fixed, the box is undecided again: its mark goes. */
  g_assert_true (bw_layer_session_change_shape (bw_annotation_controller_get_session (controller), "Resize",
                                                ids[0], tighter, &error));
  g_assert_no_error (error);
  wait_for_label (view, "Rejected · Box too loose", FALSE);
  wait_for_label (view, "Accepted", TRUE);

  /* Submitted again: back in the review queue, a second submission. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (bw_window_get_canvas (window)), "annotate.submit", NULL));
  assignment = bw_project_get_assignment (bw_window_get_project (window), image_id,
                                          bw_window_get_person_id (window), BW_TASK_ANNOTATE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (assignment->status, ==, BW_ASSIGNMENT_SUBMITTED);
  g_assert_cmpint (assignment->submissions, ==, 2);
  {
    g_autoptr(GPtrArray) queue = bw_project_list_review_queue (bw_window_get_project (window), 0, 0, &error);

    g_assert_cmpuint (queue->len, ==, 1);
    g_assert_cmpint (((BwReviewQueueItem *) queue->pdata[0])->image_id, ==, image_id);
  }

  close_window (window);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  tmpdir = g_dir_make_tmp ("test-annotator-ui-XXXXXX", &error);
  g_assert_no_error (error);

  app = bw_application_new ();
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);

  g_test_add_func ("/ui/annotator/palette", test_palette);
  g_test_add_func ("/ui/annotator/signed-in-name", test_signed_in_name);
  g_test_add_func ("/ui/annotator/object-list", test_object_list);
  g_test_add_func ("/ui/annotator/canvas-menu", test_canvas_menu);
  g_test_add_func ("/ui/annotator/image-menu", test_image_menu);
  g_test_add_func ("/ui/annotator/returned-image", test_returned_image);

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
