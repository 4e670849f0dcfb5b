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

#include "bw-annotation-tools.h"
#include "bw-application.h"
#include "bw-canvas.h"
#include "bw-importer.h"
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

    g_signal_emit_by_name (submit, "clicked");
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
