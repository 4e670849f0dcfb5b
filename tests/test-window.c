/* test-window.c — BwWindow: empty state, opening a project, moving through
 * images, importing, excluding a missing image
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-window"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "bw-application.h"
#include "bw-canvas.h"
#include "bw-image-list-model.h"
#include "bw-importer.h"
#include "bw-test-images.h"
#include "bw-annotation-tools.h"
#include "bw-window.h"

static char *tmpdir;
static BwApplication *app;

static char *
make_path (const char *name)
{
  return g_build_filename (tmpdir, name, NULL);
}

/* A project holding @n JPEGs called img-0.jpg … */
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

      g_assert_true (bw_test_write_jpeg (image, 320 + 10 * i, 240, 90, 2, i + 1, &error));
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

static gboolean
canvas_ready (gpointer data)
{
  return bw_canvas_get_state (bw_window_get_canvas (data)) == BW_CANVAS_STATE_READY;
}

static gboolean
canvas_error (gpointer data)
{
  return bw_canvas_get_state (bw_window_get_canvas (data)) == BW_CANVAS_STATE_ERROR;
}

static const char *
visible_page (BwWindow *window)
{
  GtkStack *stack = GTK_STACK (gtk_widget_get_template_child (GTK_WIDGET (window), BW_TYPE_WINDOW,
                                                              "main_stack"));

  return gtk_stack_get_visible_child_name (stack);
}

static guint
list_count (BwWindow *window)
{
  GtkListView *view = GTK_LIST_VIEW (gtk_widget_get_template_child (GTK_WIDGET (window), BW_TYPE_WINDOW,
                                                                    "image_list_view"));

  return g_list_model_get_n_items (G_LIST_MODEL (gtk_list_view_get_model (view)));
}

static void
count_cb (guint *counter)
{
  (*counter)++;
}

static gboolean
is_null (gpointer data)
{
  return *(gpointer *) data == NULL;
}

/* Closing the window frees it (and its project, list, canvas). */
static void
close_window (BwWindow *window)
{
  gpointer weak = window;

  g_object_add_weak_pointer (G_OBJECT (window), &weak);
  gtk_window_destroy (GTK_WINDOW (window));
  iterate_until (is_null, &weak);
}

static void
xdotool (const char *first,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  int status = 0;
  va_list args;

  g_ptr_array_add (argv, (char *) "xdotool");
  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, NULL,
                G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

static void
settle (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
}

static gboolean
window_active (gpointer data)
{
  return gtk_window_is_active (data);
}

static gboolean
window_inactive (gpointer data)
{
  return !gtk_window_is_active (data);
}

/* Real pointer moves over the screen, for @ms. */
static void
move_pointer (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  for (guint i = 0; g_get_monotonic_time () < end; i++)
    {
      g_autofree char *x = g_strdup_printf ("%u", 300 + (i % 2) * 40);

      xdotool ("mousemove", x, "300", NULL);
      settle (100);
    }
}

static double
stored_time (BwWindow *window,
             gint64    image_id)
{
  return bw_project_get_work_time (bw_window_get_project (window), image_id,
                                   bw_window_get_person_id (window), BW_TASK_ANNOTATE);
}

/* The active time on an image: counted while the window has the focus
 * and input comes, written when the image changes, shown in the status
 * bar; nothing while another window has the focus. */
static void
test_work_time (void)
{
  g_autofree char *path = make_project ("worktime.boxwood", 2);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GArray) ids = NULL;
  BwWindow *window = bw_window_new (app);
  GtkWidget *other;
  GtkLabel *label = GTK_LABEL (gtk_widget_get_template_child (GTK_WIDGET (window), BW_TYPE_WINDOW, "status_time"));
  gint64 start, moved_on, left;
  double first_time, second_time;

  bw_window_set_user_name (window, "tester");
  bw_window_open_project (window, file);
  gtk_window_present (GTK_WINDOW (window));
  iterate_until (canvas_ready, window);
  ids = bw_project_list_image_ids (bw_window_get_project (window), -1, NULL, NULL);

  xdotool ("search", "--sync", "--name", "^worktime", "windowfocus", NULL);
  iterate_until (window_active, window);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (label)));
  g_assert_true (g_str_has_prefix (gtk_label_get_label (GTK_LABEL (label)), "Time on this image 0:0"));

  /* Two and a half seconds of work on the first image. */
  start = g_get_monotonic_time ();
  move_pointer (2500);
  g_action_group_activate_action (G_ACTION_GROUP (window), "next-image", NULL);
  moved_on = g_get_monotonic_time ();
  g_assert_cmpint (bw_window_get_current_image_id (window), ==, g_array_index (ids, gint64, 1));
  first_time = stored_time (window, g_array_index (ids, gint64, 0));
  g_assert_cmpfloat (first_time, >=, 2.0);
  /* At most what passed since the focus came (a minute after the last
   * input would count, but the image changed before). */
  g_assert_cmpfloat (first_time, <=, (moved_on - start) / (double) G_USEC_PER_SEC + 1.0);

  /* Another window takes the focus: moving the pointer there counts
   * nothing here. */
  other = gtk_window_new ();
  gtk_window_set_title (GTK_WINDOW (other), "Elsewhere");
  gtk_window_present (GTK_WINDOW (other));
  xdotool ("search", "--sync", "--name", "^Elsewhere$", "windowfocus", NULL);
  iterate_until (window_inactive, window);
  left = g_get_monotonic_time ();
  move_pointer (2000);

  close_window (window);
  gtk_window_destroy (GTK_WINDOW (other));
  {
    g_autoptr(BwProject) check = bw_project_open (file, NULL);
    gint64 person = 0;

    g_assert_true (bw_project_ensure_person (check, "tester", BW_ROLE_ANNOTATOR, &person, NULL));
    second_time = bw_project_get_work_time (check, g_array_index (ids, gint64, 1), person, BW_TASK_ANNOTATE);
    g_assert_cmpfloat (second_time, <=, (left - moved_on) / (double) G_USEC_PER_SEC + 0.2);
    g_assert_cmpfloat_with_epsilon (bw_project_get_work_time (check, g_array_index (ids, gint64, 0), person,
                                                              BW_TASK_ANNOTATE), first_time, 1e-6);
  }
}

static gboolean
image_has_status (BwWindow      *window,
                  gint64         image_id,
                  BwImageStatus  status)
{
  g_autoptr(BwImage) image = bw_project_get_image (bw_window_get_project (window), image_id, NULL);

  return image != NULL && image->status == status;
}

typedef struct
{
  BwWindow *window;
  gint64    image_id;
  BwImageStatus status;
} StatusWait;

static gboolean
status_reached (gpointer data)
{
  StatusWait *wait = data;

  return image_has_status (wait->window, wait->image_id, wait->status);
}

/* The accelerator @accel is listed in the shortcuts window. */
static gboolean
help_overlay_lists (const char *accel)
{
  g_autoptr(GtkBuilder) builder = gtk_builder_new_from_resource ("/org/boxwood/Boxwood/gtk/help-overlay.ui");
  GSList *objects = gtk_builder_get_objects (builder);
  guint key = 0, listed_key;
  GdkModifierType mods = 0, listed_mods;
  gboolean found = FALSE;

  g_assert_true (gtk_accelerator_parse (accel, &key, &mods));
  for (GSList *l = objects; l != NULL && !found; l = l->next)
    {
      g_autofree char *listed = NULL;

      if (!GTK_IS_SHORTCUTS_SHORTCUT (l->data))
        continue;
      g_object_get (l->data, "accelerator", &listed, NULL);
      found = listed != NULL && gtk_accelerator_parse (listed, &listed_key, &listed_mods) &&
              listed_key == key && listed_mods == mods;
    }
  g_slist_free (objects);
  return found;
}

/* Submit's neighbours have keys, listed in the shortcuts window:
 * Ctrl+Alt+Enter submits an empty image as having no objects,
 * Ctrl+Alt+Z takes a submission back. */
static void
test_submit_keys (void)
{
  static const char *actions[] = { "annotate.submit", "annotate.mark-no-objects", "annotate.recall" };
  g_autofree char *path = make_project ("keys.boxwood", 2);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GPtrArray) layers = NULL;
  BwWindow *window = bw_window_new (app);
  StatusWait wait;

  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    {
      g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), actions[i]);

      g_assert_nonnull (accels);
      g_assert_nonnull (accels[0]);
      g_assert_true (help_overlay_lists (accels[0]));
    }

  bw_window_set_user_name (window, "tester");
  bw_window_open_project (window, file);
  gtk_window_present (GTK_WINDOW (window));
  iterate_until (canvas_ready, window);
  ids = bw_project_list_image_ids (bw_window_get_project (window), -1, NULL, NULL);
  xdotool ("search", "--sync", "--name", "^keys", "windowfocus", NULL);
  iterate_until (window_active, window);

  /* Nothing on the first image: answered "no objects", and on to the next. */
  xdotool ("key", "--clearmodifiers", "ctrl+alt+Return", NULL);
  wait = (StatusWait) { window, g_array_index (ids, gint64, 0), BW_IMAGE_STATUS_SUBMITTED };
  iterate_until (status_reached, &wait);
  layers = bw_project_list_layers (bw_window_get_project (window), wait.image_id, NULL);
  g_assert_cmpuint (layers->len, ==, 1);
  g_assert_true (((BwLayer *) layers->pdata[0])->no_objects);
  g_assert_cmpint (bw_window_get_current_image_id (window), ==, g_array_index (ids, gint64, 1));

  /* Back on it, the submission is recalled. */
  g_action_group_activate_action (G_ACTION_GROUP (window), "previous-image", NULL);
  iterate_until (canvas_ready, window);
  xdotool ("key", "--clearmodifiers", "ctrl+alt+z", NULL);
  wait.status = BW_IMAGE_STATUS_IN_PROGRESS;
  iterate_until (status_reached, &wait);

  close_window (window);
}

static void
test_empty_state (void)
{
  BwWindow *window = bw_window_new (app);

  gtk_window_present (GTK_WINDOW (window));
  g_assert_null (bw_window_get_project (window));
  g_assert_cmpstr (visible_page (window), ==, "empty");
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "new-project"));
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "open-project"));
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "next-image"));
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "import-images"));

  close_window (window);
}

static void
test_open_and_move (void)
{
  g_autofree char *path = make_project ("move.boxwood", 3);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(BwProject) check = NULL;
  g_autoptr(GArray) ids = NULL;
  BwWindow *window = bw_window_new (app);
  guint project_changed = 0, image_changed = 0;
  int w, h;

  g_signal_connect_swapped (window, "project-changed", G_CALLBACK (count_cb), &project_changed);
  g_signal_connect_swapped (window, "current-image-changed", G_CALLBACK (count_cb), &image_changed);
  bw_window_set_user_name (window, "tester");
  bw_window_open_project (window, file);
  gtk_window_present (GTK_WINDOW (window));

  g_assert_nonnull (bw_window_get_project (window));
  g_assert_cmpuint (project_changed, ==, 1);
  g_assert_cmpstr (visible_page (window), ==, "project");
  g_assert_cmpuint (list_count (window), ==, 3);
  g_assert_cmpint (bw_window_get_person_id (window), >, 0);

  ids = bw_project_list_image_ids (bw_window_get_project (window), -1, NULL, NULL);
  g_assert_cmpuint (ids->len, ==, 3);

  /* The first image is shown, fitted. */
  iterate_until (canvas_ready, window);
  g_assert_cmpint (bw_window_get_current_image_id (window), ==, g_array_index (ids, gint64, 0));
  g_assert_cmpint (bw_canvas_get_image_id (bw_window_get_canvas (window)), ==, g_array_index (ids, gint64, 0));
  bw_canvas_get_image_size (bw_window_get_canvas (window), &w, &h);
  g_assert_cmpint (w, ==, 320);
  g_assert_true (bw_canvas_get_fit (bw_window_get_canvas (window)));
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "previous-image"));

  /* Next, next, and no further. */
  g_action_group_activate_action (G_ACTION_GROUP (window), "next-image", NULL);
  g_assert_cmpint (bw_window_get_current_image_id (window), ==, g_array_index (ids, gint64, 1));
  iterate_until (canvas_ready, window);
  bw_canvas_get_image_size (bw_window_get_canvas (window), &w, &h);
  g_assert_cmpint (w, ==, 330);
  g_action_group_activate_action (G_ACTION_GROUP (window), "next-image", NULL);
  g_assert_cmpint (bw_window_get_current_image_id (window), ==, g_array_index (ids, gint64, 2));
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "next-image"));
  g_action_group_activate_action (G_ACTION_GROUP (window), "previous-image", NULL);
  g_assert_cmpint (bw_window_get_current_image_id (window), ==, g_array_index (ids, gint64, 1));
  g_assert_cmpuint (image_changed, ==, 4);

  /* The person is in the project file. */
  check = bw_project_open (file, NULL);
  g_assert_nonnull (check);
  {
    g_autofree char *name = bw_project_get_person_name (check, bw_window_get_person_id (window));
    g_assert_cmpstr (name, ==, "tester");
  }

  g_signal_handlers_disconnect_by_data (window, &project_changed);
  g_signal_handlers_disconnect_by_data (window, &image_changed);
  close_window (window);
}

static void
test_filter_and_search (void)
{
  g_autofree char *path = make_project ("filter.boxwood", 4);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GArray) ids = NULL;
  BwWindow *window = bw_window_new (app);
  GtkDropDown *status;
  GtkEditable *search;
  gint64 deadline;

  bw_window_open_project (window, file);
  gtk_window_present (GTK_WINDOW (window));
  ids = bw_project_list_image_ids (bw_window_get_project (window), -1, NULL, NULL);
  g_assert_true (bw_project_set_image_status (bw_window_get_project (window),
                                              g_array_index (ids, gint64, 2),
                                              BW_IMAGE_STATUS_SUBMITTED, NULL));

  status = GTK_DROP_DOWN (gtk_widget_get_template_child (GTK_WIDGET (window), BW_TYPE_WINDOW, "status_filter"));
  search = GTK_EDITABLE (gtk_widget_get_template_child (GTK_WIDGET (window), BW_TYPE_WINDOW, "search_entry"));

  /* Entry 0 is "All Images", then the statuses in order. */
  gtk_drop_down_set_selected (status, 1 + BW_IMAGE_STATUS_SUBMITTED);
  g_assert_cmpuint (list_count (window), ==, 1);
  gtk_drop_down_set_selected (status, 1 + BW_IMAGE_STATUS_NEW);
  g_assert_cmpuint (list_count (window), ==, 3);
  gtk_drop_down_set_selected (status, 0);
  g_assert_cmpuint (list_count (window), ==, 4);

  /* The search entry filters by file name (after its short delay). */
  gtk_editable_set_text (search, "filter.boxwood-img-3");
  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (list_count (window) != 1 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (list_count (window), ==, 1);

  /* Selecting an image the filter hides clears the filter. */
  bw_window_select_image (window, g_array_index (ids, gint64, 0));
  g_assert_cmpuint (list_count (window), ==, 4);
  g_assert_cmpint (bw_window_get_current_image_id (window), ==, g_array_index (ids, gint64, 0));

  close_window (window);
}

static gboolean
list_has_three (gpointer data)
{
  return list_count (data) == 3;
}

static gboolean
list_has_four (gpointer data)
{
  return list_count (data) == 4;
}

static gboolean
list_has_six (gpointer data)
{
  return list_count (data) == 6;
}

static gboolean
import_over (gpointer data)
{
  return g_action_group_get_action_enabled (G_ACTION_GROUP (data), "import-images");
}

static void
test_import (void)
{
  g_autofree char *path = make_project ("import.boxwood", 1);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *good = make_path ("import-new.jpg");
  g_autofree char *good2 = make_path ("import-new2.jpg");
  g_autofree char *bad = make_path ("import-bad.jpg");
  const char *paths[] = { good, good2, bad, NULL };
  BwWindow *window = bw_window_new (app);

  g_assert_true (bw_test_write_jpeg (good, 64, 48, 90, 2, 77, NULL));
  g_assert_true (bw_test_write_jpeg (good2, 64, 48, 90, 2, 78, NULL));
  g_assert_true (bw_test_write_truncated_jpeg (bad, 64, 48, 0.4, NULL));

  bw_window_open_project (window, file);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_cmpuint (list_count (window), ==, 1);

  bw_window_import_paths (window, paths);
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "import-images"));
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "cancel-import"));
  iterate_until (list_has_three, window);
  /* The list hears of the images when they are committed, a moment
   * before the import is over. */
  iterate_until (import_over, window);

  /* Files dropped on the window are imported the same way. */
  {
    g_autofree char *dropped = make_path ("import-dropped.jpg");
    g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (window));
    g_autoptr(GFile) dropped_file = NULL;
    GtkDropTarget *target = NULL;
    GSList *files;
    GValue value = G_VALUE_INIT;
    gboolean accepted = FALSE;

    g_assert_true (bw_test_write_jpeg (dropped, 64, 48, 90, 2, 79, NULL));
    dropped_file = g_file_new_for_path (dropped);

    for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
      {
        g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

        if (GTK_IS_DROP_TARGET (controller))
          target = GTK_DROP_TARGET (controller);
      }
    g_assert_nonnull (target);

    files = g_slist_append (NULL, dropped_file);
    g_value_init (&value, GDK_TYPE_FILE_LIST);
    g_value_take_boxed (&value, gdk_file_list_new_from_list (files));
    g_slist_free (files);
    g_signal_emit_by_name (target, "drop", &value, 10.0, 10.0, &accepted);
    g_value_unset (&value);
    g_assert_true (accepted);

    iterate_until (list_has_four, window);
    iterate_until (import_over, window);
  }

  /* A dropped folder is imported with its subfolders; what is not an
   * image is left alone. */
  {
    g_autofree char *folder = make_path ("import-folder");
    g_autofree char *sub = g_build_filename (folder, "deeper", NULL);
    g_autofree char *top = g_build_filename (folder, "top.jpg", NULL);
    g_autofree char *below = g_build_filename (sub, "below.jpg", NULL);
    g_autofree char *notes = g_build_filename (sub, "notes.txt", NULL);
    g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (window));
    g_autoptr(GFile) folder_file = g_file_new_for_path (folder);
    GtkDropTarget *target = NULL;
    GSList *files;
    GValue value = G_VALUE_INIT;
    gboolean accepted = FALSE;

    g_assert_cmpint (g_mkdir_with_parents (sub, 0700), ==, 0);
    g_assert_true (bw_test_write_jpeg (top, 64, 48, 90, 2, 80, NULL));
    g_assert_true (bw_test_write_jpeg (below, 64, 48, 90, 2, 81, NULL));
    g_assert_true (g_file_set_contents (notes, "not an image", -1, NULL));

    for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
      {
        g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

        if (GTK_IS_DROP_TARGET (controller))
          target = GTK_DROP_TARGET (controller);
      }
    g_assert_nonnull (target);

    files = g_slist_append (NULL, folder_file);
    g_value_init (&value, GDK_TYPE_FILE_LIST);
    g_value_take_boxed (&value, gdk_file_list_new_from_list (files));
    g_slist_free (files);
    g_signal_emit_by_name (target, "drop", &value, 10.0, 10.0, &accepted);
    g_value_unset (&value);
    g_assert_true (accepted);

    iterate_until (list_has_six, window);
    iterate_until (import_over, window);
    g_assert_cmpuint (list_count (window), ==, 6);
    g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "import-folder"));
  }

  close_window (window);
}

static gboolean
label_state (BwWindow *window)
{
  GActionGroup *group = bw_annotation_controller_get_action_group (bw_annotation_tools_get (window));
  g_autoptr(GVariant) state = g_action_group_get_action_state (group, "show-labels");

  return g_variant_get_boolean (state);
}

/* Labels are shown by default, and hiding them (L) is remembered by the
 * next window. */
static void
test_labels_remembered (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  BwWindow *window = bw_window_new (app);
  BwWindow *second;

  g_settings_reset (settings, "show-labels");
  g_assert_true (label_state (window));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (bw_window_get_canvas (window)),
                                             "annotate.show-labels", NULL));
  g_assert_false (label_state (window));
  g_assert_false (g_settings_get_boolean (settings, "show-labels"));
  close_window (window);

  second = bw_window_new (app);
  g_assert_false (label_state (second));
  g_settings_set_boolean (settings, "show-labels", TRUE);
  g_assert_true (label_state (second));
  close_window (second);
  g_settings_reset (settings, "show-labels");
}

static void
test_missing_image_excluded (void)
{
  g_autofree char *path = make_project ("missing.boxwood", 2);
  g_autofree char *first = make_path ("missing.boxwood-img-0.jpg");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GArray) ids = NULL;
  g_autoptr(BwImage) image = NULL;
  BwWindow *window = bw_window_new (app);

  g_assert_cmpint (g_unlink (first), ==, 0);

  bw_window_open_project (window, file);
  gtk_window_present (GTK_WINDOW (window));
  iterate_until (canvas_error, window);
  g_assert_error (bw_canvas_get_error (bw_window_get_canvas (window)), G_IO_ERROR, G_IO_ERROR_NOT_FOUND);

  /* The list goes on working: Exclude marks it and moves on. */
  ids = bw_project_list_image_ids (bw_window_get_project (window), -1, NULL, NULL);
  g_signal_emit_by_name (bw_window_get_canvas (window), "exclude");
  image = bw_project_get_image (bw_window_get_project (window), g_array_index (ids, gint64, 0), NULL);
  g_assert_cmpint (image->status, ==, BW_IMAGE_STATUS_EXCLUDED);
  g_assert_cmpint (bw_window_get_current_image_id (window), ==, g_array_index (ids, gint64, 1));
  iterate_until (canvas_ready, window);

  close_window (window);
}

/* The names of the listed images, in the list's order. */
static char *
listed_names (BwWindow *window)
{
  GtkListView *view = GTK_LIST_VIEW (gtk_widget_get_template_child (GTK_WIDGET (window), BW_TYPE_WINDOW,
                                                                    "image_list_view"));
  GListModel *model = G_LIST_MODEL (gtk_list_view_get_model (view));
  GString *names = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(BwImageItem) item = g_list_model_get_item (model, i);

      g_string_append_printf (names, "%s%s", i > 0 ? " " : "", bw_image_item_get_name (item));
    }
  return g_string_free (names, FALSE);
}

static guint
selected_position (BwWindow *window)
{
  GtkListView *view = GTK_LIST_VIEW (gtk_widget_get_template_child (GTK_WIDGET (window), BW_TYPE_WINDOW,
                                                                    "image_list_view"));

  return gtk_single_selection_get_selected (GTK_SINGLE_SELECTION (gtk_list_view_get_model (view)));
}

static void
assert_listed (BwWindow   *window,
               const char *expected)
{
  g_autofree char *names = listed_names (window);

  g_assert_cmpstr (names, ==, expected);
}

/* The list is in natural order of the names by default, and the order
 * chosen from its menu (the "image-sort" setting) is kept; the image on
 * screen stays selected when it moves. */
static void
test_sort (void)
{
  static const char *names[] = { "photo-10.jpg", "photo-2.jpg", "Photo-3.jpg", "photo-1.jpg" };
  g_autofree char *path = make_path ("sort.boxwood");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = NULL;
  BwProject *project;
  BwWindow *window;
  GtkMenuButton *button;
  GMenuModel *menu;

  g_settings_reset (settings, "image-sort");
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      char *image = make_path (names[i]);

      g_assert_true (bw_test_write_jpeg (image, 64, 48, 90, 2, i + 1, &error));
      g_assert_no_error (error);
      g_ptr_array_add (paths, image);
    }

  /* Added one at a time, in this order, so that "date added" differs
   * from both the natural and the plain order of the names. */
  {
    g_autoptr(BwProject) created = bw_project_create (file, &error);

    g_assert_no_error (error);
    for (guint i = 0; i < paths->len; i++)
      {
        g_autoptr(BwImporter) importer = bw_importer_new (created);
        g_autoptr(BwImportReport) report = NULL;
        const char *one[] = { paths->pdata[i], NULL };

        report = bw_importer_run (importer, one, NULL, &error);
        g_assert_no_error (error);
        g_assert_cmpuint (report->added, ==, 1);
        g_usleep (2000);
      }
    ids = bw_project_list_image_ids (created, -1, NULL, NULL);
    g_assert_cmpuint (ids->len, ==, 4);
  }

  window = bw_window_new (app);
  bw_window_set_user_name (window, "tester");
  bw_window_open_project (window, file);
  project = bw_window_get_project (window);
  gtk_window_present (GTK_WINDOW (window));

  /* Natural order of the names. */
  iterate_until (canvas_ready, window);
  assert_listed (window, "photo-1.jpg photo-2.jpg Photo-3.jpg photo-10.jpg");
  g_assert_cmpuint (selected_position (window), ==, 0);
  g_assert_cmpint (bw_window_get_current_image_id (window), ==, g_array_index (ids, gint64, 3));

  /* The menu offers the three orders, on the window's action. */
  button = GTK_MENU_BUTTON (gtk_widget_get_template_child (GTK_WIDGET (window), BW_TYPE_WINDOW,
                                                           "sort_button"));
  menu = gtk_menu_button_get_menu_model (button);
  g_assert_nonnull (menu);
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (window), "image-sort"));

  g_action_group_activate_action (G_ACTION_GROUP (window), "image-sort", g_variant_new_string ("added"));
  g_assert_cmpint (g_settings_get_enum (settings, "image-sort"), ==, BW_IMAGE_SORT_ADDED);
  assert_listed (window, "photo-10.jpg photo-2.jpg Photo-3.jpg photo-1.jpg");
  /* photo-1 is still the one shown, and selected where it now is. */
  g_assert_cmpuint (selected_position (window), ==, 3);

  /* By status: new first. Submitting photo-1 (the one on screen) moves
   * it after the others, and it stays selected. */
  g_assert_true (bw_project_set_image_status (project, g_array_index (ids, gint64, 1),
                                              BW_IMAGE_STATUS_IN_PROGRESS, NULL));
  g_action_group_activate_action (G_ACTION_GROUP (window), "image-sort", g_variant_new_string ("status"));
  assert_listed (window, "photo-1.jpg Photo-3.jpg photo-10.jpg photo-2.jpg");
  g_assert_true (bw_project_set_image_status (project, g_array_index (ids, gint64, 3),
                                              BW_IMAGE_STATUS_SUBMITTED, NULL));
  assert_listed (window, "Photo-3.jpg photo-10.jpg photo-2.jpg photo-1.jpg");
  g_assert_cmpuint (selected_position (window), ==, 3);
  g_assert_cmpint (bw_window_get_current_image_id (window), ==, g_array_index (ids, gint64, 3));

  /* Next from the last goes nowhere; previous goes to photo-2. */
  g_action_group_activate_action (G_ACTION_GROUP (window), "previous-image", NULL);
  g_assert_cmpint (bw_window_get_current_image_id (window), ==, g_array_index (ids, gint64, 1));

  /* A window opened later lists in the remembered order. */
  close_window (window);
  window = bw_window_new (app);
  bw_window_open_project (window, file);
  assert_listed (window, "Photo-3.jpg photo-10.jpg photo-2.jpg photo-1.jpg");
  close_window (window);

  g_settings_reset (settings, "image-sort");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

  gtk_test_init (&argc, &argv, NULL);

  tmpdir = g_dir_make_tmp ("test-window-XXXXXX", &error);
  g_assert_no_error (error);

  app = bw_application_new ();
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);

  g_test_add_func ("/ui/window/empty-state", test_empty_state);
  g_test_add_func ("/ui/window/open-and-move", test_open_and_move);
  g_test_add_func ("/ui/window/filter-and-search", test_filter_and_search);
  g_test_add_func ("/ui/window/import", test_import);
  g_test_add_func ("/ui/window/missing-image-excluded", test_missing_image_excluded);
  g_test_add_func ("/ui/window/labels-remembered", test_labels_remembered);
  g_test_add_func ("/ui/window/work-time", test_work_time);
  g_test_add_func ("/ui/window/submit-keys", test_submit_keys);
  g_test_add_func ("/ui/window/sort", test_sort);

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
