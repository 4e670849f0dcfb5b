/* test-taxonomy-dialog.c — the taxonomy dialog, driven like a user would
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs under an X server (CI: xvfb-run). Keys are real key presses sent
 * with xdotool; the colour is chosen through the colour button's own
 * signal (its chooser is another window), and the drag is a real pointer
 * drag. After each step the project file is read through a second
 * connection, so what is checked is what was saved.
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "bw-taxonomy-dialog.h"

typedef struct
{
  char             *dir;
  GFile            *file;
  BwProject        *project;
  BwTaxonomyDialog *dialog;
  gint64            layer_id;
} Fixture;

static gboolean
iterate_until (gboolean (*done) (gpointer),
               gpointer   data,
               guint      timeout_ms)
{
  gint64 end = g_get_monotonic_time () + timeout_ms * 1000;

  while (!done (data))
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
  return TRUE;
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

static void
xdotool (const char *first,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  int status = 0;
  va_list args;

  g_ptr_array_add (argv, (char *) "xdotool");
  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                NULL, NULL, NULL, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("xdotool %s failed: %s", first, err);
}

/* Keys go to the focused X window: make sure it is the dialog, then
 * give GTK the time to handle them. */
static gboolean
dialog_is_active (gpointer data)
{
  return gtk_window_is_active (GTK_WINDOW (data));
}

static void
keys (Fixture    *fixture,
      const char *first,
      ...)
{
  va_list args;

  /* Without a window manager nothing gives the focus back when another
   * window (a confirmation) goes away: give it to the dialog each time. */
  xdotool ("search", "--name", "^Taxonomy$", "windowfocus", NULL);
  g_assert_true (iterate_until (dialog_is_active, fixture->dialog, 3000));

  va_start (args, first);
  for (const char *key = first; key != NULL; key = va_arg (args, const char *))
    {
      xdotool ("key", "--clearmodifiers", key, NULL);
      settle (60);
    }
  va_end (args);
  settle (150);
}

typedef struct
{
  GtkWindow  *window;
  const char *text;
} Typed;

/* Whether the focused field (an entry or a text view) ends with the
 * typed text: under load, X delivers keys later than any fixed wait. */
static gboolean
typed_text_arrived (gpointer data)
{
  Typed *typed = data;
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (typed->window));
  g_autofree char *text = NULL;

  if (GTK_IS_TEXT_VIEW (focus))
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (focus));
      GtkTextIter start, end;

      gtk_text_buffer_get_bounds (buffer, &start, &end);
      text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
    }
  else if (GTK_IS_EDITABLE (focus))
    text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (focus)));
  else
    return TRUE;   /* nothing to watch: the fixed wait below must do */

  return g_str_has_suffix (text, typed->text);
}

static void
type (Fixture    *fixture,
      const char *text)
{
  Typed typed = { GTK_WINDOW (fixture->dialog), text };

  xdotool ("type", "--delay", "20", text, NULL);
  g_assert_true (iterate_until (typed_text_arrived, &typed, 5000));
  settle (200);
}

/* What the project file holds now, through a second connection. */
static GPtrArray *
saved_categories (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwProject) reader = bw_project_open (fixture->file, &error);
  GPtrArray *categories;

  g_assert_no_error (error);
  categories = bw_project_list_categories (reader, &error);
  g_assert_no_error (error);
  return categories;
}

static char *
saved_names (Fixture *fixture)
{
  g_autoptr(GPtrArray) categories = saved_categories (fixture);
  g_autoptr(GString) str = g_string_new (NULL);

  for (guint i = 0; i < categories->len; i++)
    g_string_append_printf (str, "%s%s", i ? "," : "",
                            ((BwCategory *) g_ptr_array_index (categories, i))->name);
  return g_string_free (g_steal_pointer (&str), FALSE);
}

static BwCategory *
saved_category (Fixture    *fixture,
                const char *name)
{
  g_autoptr(GPtrArray) categories = saved_categories (fixture);

  for (guint i = 0; i < categories->len; i++)
    {
      BwCategory *category = g_ptr_array_index (categories, i);

      if (g_strcmp0 (category->name, name) == 0)
        return bw_category_copy (category);
    }
  return NULL;
}

static gint64
saved_count (Fixture    *fixture,
             const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwProject) reader = bw_project_open (fixture->file, &error);
  gint64 id;

  g_assert_no_error (error);
  id = bw_project_find_category_by_name (reader, name);
  g_assert_cmpint (id, >, 0);
  return bw_project_count_category_annotations (reader, id);
}

/* Input is asynchronous: give the dialog up to three seconds to save. */
static void
assert_names (Fixture    *fixture,
              const char *expected)
{
  gint64 end = g_get_monotonic_time () + 3 * G_USEC_PER_SEC;
  g_autofree char *names = saved_names (fixture);

  while (g_strcmp0 (names, expected) != 0 && g_get_monotonic_time () < end)
    {
      settle (50);
      g_free (names);
      names = saved_names (fixture);
    }
  g_assert_cmpstr (names, ==, expected);
}

typedef gboolean (*WidgetMatch) (GtkWidget *widget, gconstpointer data);

static GtkWidget *
find_widget (GtkWidget     *root,
             WidgetMatch    match,
             gconstpointer  data)
{
  if (match (root, data))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, match, data);

      if (found)
        return found;
    }
  return NULL;
}

static gboolean
is_type (GtkWidget     *widget,
         gconstpointer  data)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, (GType) GPOINTER_TO_SIZE (data));
}

static gboolean
is_visible_error_label (GtkWidget     *widget,
                        gconstpointer  data)
{
  return GTK_IS_LABEL (widget) && gtk_widget_has_css_class (widget, "error") &&
         gtk_widget_is_visible (widget) &&
         strstr (gtk_label_get_label (GTK_LABEL (widget)), data) != NULL;
}

/* The row of the category list that shows @name. */
static GtkWidget *
list_row (Fixture    *fixture,
          const char *name)
{
  GtkWidget *list = find_widget (GTK_WIDGET (fixture->dialog), is_type,
                                 GSIZE_TO_POINTER (GTK_TYPE_LIST_BOX));

  g_assert_nonnull (list);
  for (GtkWidget *row = gtk_widget_get_first_child (list); row; row = gtk_widget_get_next_sibling (row))
    {
      GtkWidget *label = gtk_widget_get_first_child (gtk_widget_get_first_child (row));

      /* swatch, then the box of name and supercategory */
      label = gtk_widget_get_first_child (gtk_widget_get_next_sibling (label));
      if (GTK_IS_LABEL (label) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (label)), name) == 0)
        return row;
    }
  return NULL;
}

static gboolean
is_button_labelled (GtkWidget     *widget,
                    gconstpointer  data)
{
  return GTK_IS_BUTTON (widget) && gtk_widget_get_mapped (widget) &&
         g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), data) == 0;
}

static gboolean
has_message_dialog (gpointer data)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        {
          *(AdwMessageDialog **) data = ADW_MESSAGE_DIALOG (window);
          return TRUE;
        }
    }
  return FALSE;
}

static AdwMessageDialog *
wait_message_dialog (void)
{
  AdwMessageDialog *dialog = NULL;

  g_assert_true (iterate_until (has_message_dialog, &dialog, 3000));
  return dialog;
}

static void
choose_in_dialog (AdwMessageDialog *dialog,
                  const char       *target)
{
  GtkDropDown *drop_down = GTK_DROP_DOWN (find_widget (GTK_WIDGET (dialog), is_type,
                                                       GSIZE_TO_POINTER (GTK_TYPE_DROP_DOWN)));
  GListModel *model = gtk_drop_down_get_model (drop_down);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GtkStringObject) item = g_list_model_get_item (model, i);

      if (g_strcmp0 (gtk_string_object_get_string (item), target) == 0)
        {
          gtk_drop_down_set_selected (drop_down, i);
          return;
        }
    }
  g_error ("“%s” is not offered", target);
}

static void
annotate (Fixture *fixture,
          gint64   category_id,
          guint    n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BwShape) shape = bw_shape_new_box (i, i, i + 5, i + 5);
      g_autoptr(GError) error = NULL;

      g_assert_true (bw_project_add_annotation (fixture->project, fixture->layer_id, category_id,
                                                shape, BW_SOURCE_DRAWN, 1.0, NULL, &error));
      g_assert_no_error (error);
    }
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  BwImage image = { .path = (char *) "a.jpg", .width = 64, .height = 64, .content_hash = (char *) "0" };
  gint64 image_id = 0, person_id = 0, car = 0, bus = 0, tree = 0;

  fixture->dir = g_dir_make_tmp ("bw-test-taxonomy-dialog-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (fixture->dir, "t.boxwood", NULL);
  fixture->file = g_file_new_for_path (path);
  fixture->project = bw_project_create (fixture->file, &error);
  g_assert_no_error (error);

  g_assert_true (bw_project_add_image (fixture->project, &image, &image_id, &error));
  g_assert_true (bw_project_ensure_person (fixture->project, "ann", BW_ROLE_ANNOTATOR, &person_id, &error));
  g_assert_true (bw_project_ensure_layer (fixture->project, image_id, person_id, BW_LAYER_KIND_WORK,
                                          &fixture->layer_id, &error));
  g_assert_true (bw_project_add_category (fixture->project, "car", "vehicle", NULL, &car, &error));
  g_assert_true (bw_project_add_category (fixture->project, "bus", "vehicle", NULL, &bus, &error));
  g_assert_true (bw_project_add_category (fixture->project, "tree", NULL, NULL, &tree, &error));
  g_assert_no_error (error);
  annotate (fixture, car, 2);
  annotate (fixture, bus, 3);
  annotate (fixture, tree, 1);

  fixture->dialog = bw_taxonomy_dialog_new (fixture->project);
  g_object_ref_sink (fixture->dialog);
  gtk_window_present (GTK_WINDOW (fixture->dialog));
  xdotool ("search", "--sync", "--name", "^Taxonomy$", NULL);
  settle (300);
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
  BwTaxonomyDialog *dialog = g_steal_pointer (&fixture->dialog);

  if (gtk_widget_get_visible (GTK_WIDGET (dialog)))
    gtk_window_destroy (GTK_WINDOW (dialog));
  settle (100);
  g_assert_finalize_object (dialog);
  g_assert_finalize_object (fixture->project);
  g_object_unref (fixture->file);
  remove_tree (fixture->dir);
  g_free (fixture->dir);
}

static void
test_edit_with_keys (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(BwCategory) zebra = NULL;
  g_autoptr(BwCategory) bus = NULL;

  /* The keyboard starts on the list. */
  g_assert_true (GTK_IS_LIST_BOX_ROW (gtk_root_get_focus (GTK_ROOT (fixture->dialog))));

  /* Add, and name it: the new name is selected, typing replaces it;
   * nothing is saved until Enter, which goes back to the list. */
  keys (fixture, "ctrl+n", NULL);
  assert_names (fixture, "car,bus,tree,New category");
  type (fixture, "Zebra");
  assert_names (fixture, "car,bus,tree,New category");
  keys (fixture, "Return", NULL);
  assert_names (fixture, "car,bus,tree,Zebra");
  g_assert_true (GTK_IS_LIST_BOX_ROW (gtk_root_get_focus (GTK_ROOT (fixture->dialog))));
  g_assert_cmpuint (bw_taxonomy_dialog_get_undo_depth (fixture->dialog), ==, 2);

  /* A taken name is shown as a problem and not saved, not even by Enter,
   * which leaves the keyboard in the field. */
  keys (fixture, "alt+n", "ctrl+a", NULL);
  type (fixture, "CAR");
  g_assert_nonnull (find_widget (GTK_WIDGET (fixture->dialog), is_visible_error_label, "“car”"));
  keys (fixture, "Return", NULL);
  assert_names (fixture, "car,bus,tree,Zebra");
  g_assert_false (GTK_IS_LIST_BOX_ROW (gtk_root_get_focus (GTK_ROOT (fixture->dialog))));
  keys (fixture, "ctrl+a", NULL);
  type (fixture, "Zebra");
  g_assert_null (find_widget (GTK_WIDGET (fixture->dialog), is_visible_error_label, ""));
  assert_names (fixture, "car,bus,tree,Zebra");

  /* Hotkeys: a tool key is refused, a free letter is saved when the
   * keyboard leaves the field. */
  keys (fixture, "alt+h", NULL);
  type (fixture, "v");
  g_assert_nonnull (find_widget (GTK_WIDGET (fixture->dialog), is_visible_error_label, "canvas"));
  zebra = saved_category (fixture, "Zebra");
  g_assert_null (zebra->hotkey);
  keys (fixture, "BackSpace", NULL);
  type (fixture, "z");
  g_clear_pointer (&zebra, bw_category_free);
  zebra = saved_category (fixture, "Zebra");
  g_assert_null (zebra->hotkey);
  keys (fixture, "Tab", NULL);
  g_clear_pointer (&zebra, bw_category_free);
  zebra = saved_category (fixture, "Zebra");
  g_assert_cmpstr (zebra->hotkey, ==, "z");

  /* Supercategory and a guideline of two paragraphs: the guideline is
   * saved when the keyboard leaves it, not after a pause. */
  keys (fixture, "alt+s", NULL);
  type (fixture, "animal");
  keys (fixture, "alt+g", NULL);
  type (fixture, "Striped horses.");
  keys (fixture, "Return", "Return", NULL);
  type (fixture, "Not okapis.");
  settle (700);
  g_clear_pointer (&zebra, bw_category_free);
  zebra = saved_category (fixture, "Zebra");
  g_assert_cmpstr (zebra->supercategory, ==, "animal");
  g_assert_cmpstr (zebra->guideline ? zebra->guideline : "", ==, "");
  keys (fixture, "alt+n", NULL);
  g_clear_pointer (&zebra, bw_category_free);
  zebra = saved_category (fixture, "Zebra");
  g_assert_cmpstr (zebra->guideline, ==, "Striped horses.\n\nNot okapis.");
  g_assert_cmpuint (bw_taxonomy_dialog_get_undo_depth (fixture->dialog), ==, 5);

  /* Back to the list (Enter in a field), and move up twice. */
  keys (fixture, "alt+n", "Return", NULL);
  g_assert_true (GTK_IS_LIST_BOX_ROW (gtk_root_get_focus (GTK_ROOT (fixture->dialog))));
  keys (fixture, "alt+Up", "alt+Up", NULL);
  assert_names (fixture, "car,Zebra,bus,tree");

  /* Undo goes back one change at a time, and is saved too. */
  keys (fixture, "ctrl+z", NULL);
  assert_names (fixture, "car,bus,Zebra,tree");

  /* Delete a category with annotations: choose, with the count shown. */
  keys (fixture, "Up", NULL);
  g_assert_cmpint (bw_taxonomy_dialog_get_selected_id (fixture->dialog), ==,
                   bw_project_find_category_by_name (fixture->project, "bus"));
  assert_names (fixture, "car,bus,Zebra,tree");
  keys (fixture, "Delete", NULL);
  {
    AdwMessageDialog *dialog = wait_message_dialog ();
    GtkWidget *button;

    g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "3 annotations"));

    /* Moving is the default; take the other road, with its button. */
    g_assert_cmpstr (adw_message_dialog_get_default_response (dialog), ==, "move");
    button = find_widget (GTK_WIDGET (dialog), is_button_labelled, "_Delete Annotations Too");
    g_assert_nonnull (button);
    gtk_widget_activate (button);
    settle (200);
  }
  assert_names (fixture, "car,Zebra,tree");
  g_assert_null (saved_category (fixture, "bus"));

  /* …and undo brings it back with its id and its annotations. */
  keys (fixture, "ctrl+z", NULL);
  assert_names (fixture, "car,bus,Zebra,tree");
  g_assert_cmpint (saved_count (fixture, "bus"), ==, 3);
  bus = saved_category (fixture, "bus");
  g_assert_cmpint (bus->id, ==, 2);

  /* Merge bus into car, with real keys in the confirmation. */
  bw_taxonomy_dialog_select (fixture->dialog, bus->id);
  keys (fixture, "ctrl+m", NULL);
  {
    AdwMessageDialog *dialog = wait_message_dialog ();

    g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "3 annotations"));
    choose_in_dialog (dialog, "car");
    xdotool ("key", "Tab", NULL);
    settle (100);
    xdotool ("key", "Tab", NULL);
    settle (100);
    xdotool ("key", "Return", NULL);
    settle (400);
  }
  assert_names (fixture, "car,Zebra,tree");
  g_assert_cmpint (saved_count (fixture, "car"), ==, 5);

  /* Escape closes the dialog; while toasts are shown (here "Undone: …"),
   * it dismisses them first, one per press, as everywhere in libadwaita. */
  for (guint i = 0; i < 4 && gtk_widget_get_visible (GTK_WIDGET (fixture->dialog)); i++)
    {
      keys (fixture, "Escape", NULL);
      settle (300);
    }
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (fixture->dialog)));
}

static GtkWidget *
name_field (Fixture *fixture)
{
  /* The first entry row of the editor is the name. */
  GtkWidget *row = find_widget (GTK_WIDGET (fixture->dialog), is_type, GSIZE_TO_POINTER (ADW_TYPE_ENTRY_ROW));

  g_assert_nonnull (row);
  return row;
}

static char *
guideline_text (Fixture *fixture)
{
  GtkWidget *view = find_widget (GTK_WIDGET (fixture->dialog), is_type, GSIZE_TO_POINTER (GTK_TYPE_TEXT_VIEW));
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

/* Typing "Car" over "bus" used to save "C", then "Ca", then fail on the
 * duplicate "car" and keep "Ca"; Escape then closed the dialog with "Ca"
 * saved. A field is now checked as typed, saved on Enter or when the
 * keyboard leaves it, and put back by Escape, one undo step each. */
static void
test_rename_commits_once (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(BwCategory) bus = saved_category (fixture, "bus");
  g_autoptr(BwCategory) saved = NULL;
  g_autofree char *guideline = NULL;

  bw_taxonomy_dialog_select (fixture->dialog, bus->id);
  keys (fixture, "alt+n", "ctrl+a", NULL);
  type (fixture, "Car");
  g_assert_nonnull (find_widget (GTK_WIDGET (fixture->dialog), is_visible_error_label, "“car”"));
  assert_names (fixture, "car,bus,tree");
  g_assert_cmpuint (bw_taxonomy_dialog_get_undo_depth (fixture->dialog), ==, 0);

  /* Escape puts the saved name back and keeps the dialog open. */
  keys (fixture, "Escape", NULL);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (fixture->dialog)));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (name_field (fixture))), ==, "bus");
  g_assert_null (find_widget (GTK_WIDGET (fixture->dialog), is_visible_error_label, ""));
  assert_names (fixture, "car,bus,tree");
  g_assert_cmpuint (bw_taxonomy_dialog_get_undo_depth (fixture->dialog), ==, 0);

  /* A valid name typed key by key is one change, saved by Enter. */
  keys (fixture, "ctrl+a", NULL);
  type (fixture, "Coach");
  assert_names (fixture, "car,bus,tree");
  keys (fixture, "Return", NULL);
  assert_names (fixture, "car,Coach,tree");
  g_assert_cmpuint (bw_taxonomy_dialog_get_undo_depth (fixture->dialog), ==, 1);

  /* The supercategory: Escape puts it back, leaving the field saves it. */
  keys (fixture, "alt+s", "ctrl+a", NULL);
  type (fixture, "road");
  keys (fixture, "Escape", NULL);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (fixture->dialog)));
  saved = saved_category (fixture, "Coach");
  g_assert_cmpstr (saved->supercategory, ==, "vehicle");
  g_clear_pointer (&saved, bw_category_free);
  keys (fixture, "ctrl+a", NULL);
  type (fixture, "road");
  keys (fixture, "Tab", NULL);
  saved = saved_category (fixture, "Coach");
  g_assert_cmpstr (saved->supercategory, ==, "road");
  g_clear_pointer (&saved, bw_category_free);
  g_assert_cmpuint (bw_taxonomy_dialog_get_undo_depth (fixture->dialog), ==, 2);

  /* The guideline alike. */
  keys (fixture, "alt+g", NULL);
  type (fixture, "Big.");
  keys (fixture, "Escape", NULL);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (fixture->dialog)));
  guideline = guideline_text (fixture);
  g_assert_cmpstr (guideline, ==, "");
  type (fixture, "Long.");
  keys (fixture, "alt+n", NULL);
  saved = saved_category (fixture, "Coach");
  g_assert_cmpstr (saved->guideline, ==, "Long.");
  g_clear_pointer (&saved, bw_category_free);
  g_assert_cmpuint (bw_taxonomy_dialog_get_undo_depth (fixture->dialog), ==, 3);

  /* Undo takes back one committed change at a time. */
  keys (fixture, "Return", NULL);
  g_assert_true (GTK_IS_LIST_BOX_ROW (gtk_root_get_focus (GTK_ROOT (fixture->dialog))));
  keys (fixture, "ctrl+z", NULL);
  saved = saved_category (fixture, "Coach");
  g_assert_cmpstr (saved->guideline ? saved->guideline : "", ==, "");
  g_assert_cmpstr (saved->supercategory, ==, "road");
  g_clear_pointer (&saved, bw_category_free);
  keys (fixture, "ctrl+z", NULL);
  saved = saved_category (fixture, "Coach");
  g_assert_cmpstr (saved->supercategory, ==, "vehicle");
  g_clear_pointer (&saved, bw_category_free);
  keys (fixture, "ctrl+z", NULL);
  assert_names (fixture, "car,bus,tree");
  g_assert_cmpuint (bw_taxonomy_dialog_get_undo_depth (fixture->dialog), ==, 0);

  /* With nothing being edited, Escape closes. */
  for (guint i = 0; i < 6 && gtk_widget_get_visible (GTK_WIDGET (fixture->dialog)); i++)
    {
      keys (fixture, "Escape", NULL);
      settle (300);
    }
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (fixture->dialog)));
  assert_names (fixture, "car,bus,tree");
}

static void
test_recolour_and_drag (Fixture       *fixture,
                        gconstpointer  data)
{
  GtkWidget *button;
  GtkWidget *tree_row;
  GtkWidget *car_row;
  g_autoptr(BwCategory) car = NULL;
  graphene_point_t from, to;
  double sx = 0, sy = 0;
  GdkRGBA rgba = { 0.2, 0.4, 0.6, 1 };
  char x[16], y[16];

  /* The colour button is a GtkColorButton (GTK 4.8) or a
   * GtkColorDialogButton (4.10): set it as its chooser would. */
#if GTK_CHECK_VERSION (4, 10, 0)
  button = find_widget (GTK_WIDGET (fixture->dialog), is_type, GSIZE_TO_POINTER (GTK_TYPE_COLOR_DIALOG_BUTTON));
  gtk_color_dialog_button_set_rgba (GTK_COLOR_DIALOG_BUTTON (button), &rgba);
#else
  button = find_widget (GTK_WIDGET (fixture->dialog), is_type, GSIZE_TO_POINTER (GTK_TYPE_COLOR_BUTTON));
  g_assert_nonnull (button);
  gtk_color_chooser_set_rgba (GTK_COLOR_CHOOSER (button), &rgba);
  g_signal_emit_by_name (button, "color-set");
#endif
  settle (100);
  car = saved_category (fixture, "car");
  g_assert_cmpstr (car->color, ==, "#336699");

  /* Drag "tree" onto the top half of "car" with the pointer. The window
   * has no frame under a bare X server: its origin is the surface's. */
  tree_row = list_row (fixture, "tree");
  car_row = list_row (fixture, "car");
  g_assert_nonnull (tree_row);
  g_assert_nonnull (car_row);
  g_assert_true (gtk_widget_compute_point (tree_row, GTK_WIDGET (fixture->dialog),
                                           &GRAPHENE_POINT_INIT (40, 10), &from));
  g_assert_true (gtk_widget_compute_point (car_row, GTK_WIDGET (fixture->dialog),
                                           &GRAPHENE_POINT_INIT (40, 4), &to));

  gtk_native_get_surface_transform (GTK_NATIVE (fixture->dialog), &sx, &sy);
  from.x += sx, from.y += sy, to.x += sx, to.y += sy;

  xdotool ("search", "--name", "^Taxonomy$", "windowfocus", NULL);
  g_snprintf (x, sizeof x, "%d", (int) from.x);
  g_snprintf (y, sizeof y, "%d", (int) from.y);
  xdotool ("search", "--name", "^Taxonomy$", "mousemove", "--window", "%1", x, y, NULL);
  settle (100);
  xdotool ("mousedown", "1", NULL);
  settle (100);
  for (int step = 1; step <= 8; step++)
    {
      g_snprintf (y, sizeof y, "%d", (int) (from.y + (to.y - from.y) * step / 8));
      xdotool ("search", "--name", "^Taxonomy$", "mousemove", "--window", "%1", x, y, NULL);
      settle (40);
    }
  settle (200);
  xdotool ("mouseup", "1", NULL);
  settle (400);
  assert_names (fixture, "tree,car,bus");

  /* Clicking Undo in the header bar puts it back. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->dialog), "taxonomy.undo", NULL);
  settle (100);
  assert_names (fixture, "car,bus,tree");
  g_assert_cmpuint (bw_taxonomy_dialog_get_undo_depth (fixture->dialog), ==, 1);
}

/* The toast shown now: a dismissed one fades out without taking the
 * pointer any more. */
static gboolean
is_shown_toast (GtkWidget     *widget,
                gconstpointer  data)
{
  return g_strcmp0 (G_OBJECT_TYPE_NAME (widget), "AdwToastWidget") == 0 &&
         gtk_widget_get_can_target (widget);
}

static gboolean
is_close_button (GtkWidget     *widget,
                 gconstpointer  data)
{
  return GTK_IS_BUTTON (widget) && gtk_widget_has_css_class (widget, "circular");
}

static gboolean
is_label_saying (GtkWidget     *widget,
                 gconstpointer  data)
{
  return GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), data) == 0;
}

static gboolean
toast_says (gpointer data)
{
  Fixture *fixture = data;
  GtkWidget *shown = find_widget (GTK_WIDGET (fixture->dialog), is_shown_toast, NULL);

  return shown != NULL && find_widget (shown, is_label_saying, "Undone: Move") != NULL;
}

static void
dismiss_shown_toast (Fixture *fixture)
{
  GtkWidget *shown = find_widget (GTK_WIDGET (fixture->dialog), is_shown_toast, NULL);

  if (shown != NULL)
    g_signal_emit_by_name (find_widget (shown, is_close_button, NULL), "clicked");
}

/* A result that comes while a dismissed toast fades out is shown after
 * it, and survives the user closing toasts quickly (libadwaita 1.2 used
 * freed memory when a toast replacing a fading one was closed early). */
static void
test_toast_after_dismissed (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(BwCategory) car = saved_category (fixture, "car");
  GtkWidget *dialog = GTK_WIDGET (fixture->dialog);

  bw_taxonomy_dialog_select (fixture->dialog, car->id);
  gtk_widget_activate_action (dialog, "taxonomy.move-down", NULL);
  gtk_widget_activate_action (dialog, "taxonomy.move-down", NULL);
  assert_names (fixture, "bus,tree,car");

  gtk_widget_activate_action (dialog, "taxonomy.undo", NULL);
  g_assert_true (iterate_until (toast_says, fixture, 5000));
  settle (400);

  /* Close it, undo again at once, and close whatever toast shows. */
  dismiss_shown_toast (fixture);
  gtk_widget_activate_action (dialog, "taxonomy.undo", NULL);
  settle (50);
  dismiss_shown_toast (fixture);
  assert_names (fixture, "car,bus,tree");

  /* The second result shows once the first toast has gone. */
  g_assert_true (iterate_until (toast_says, fixture, 5000));
  settle (700);
  g_assert_true (gtk_widget_get_visible (dialog));
}

static void
test_import_export (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (fixture->dir, "in.json", NULL);
  g_autoptr(GFile) in = g_file_new_for_path (path);
  g_autofree char *out_path = g_build_filename (fixture->dir, "out.json", NULL);
  g_autoptr(GFile) out = g_file_new_for_path (out_path);
  g_autofree char *bad_path = g_build_filename (fixture->dir, "bad.json", NULL);
  g_autoptr(GFile) bad = g_file_new_for_path (bad_path);

  g_assert_true (g_file_set_contents (path, "[{\"name\": \"Tree\", \"supercategory\": \"plant\"},"
                                            " {\"name\": \"sign\", \"hotkey\": \"s\"}]", -1, NULL));
  g_assert_true (bw_taxonomy_dialog_import_file (fixture->dialog, in, &error));
  g_assert_no_error (error);
  assert_names (fixture, "car,bus,tree,sign");

  /* A broken file changes nothing, and says what is wrong with which file. */
  g_assert_true (g_file_set_contents (bad_path, "[{\"name\": \"a\"}, {\"name\": 3}]", -1, NULL));
  g_assert_false (bw_taxonomy_dialog_import_file (fixture->dialog, bad, &error));
  g_assert_nonnull (strstr (error->message, "bad.json"));
  g_clear_error (&error);
  assert_names (fixture, "car,bus,tree,sign");

  /* Undo takes the whole import back. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->dialog), "taxonomy.undo", NULL);
  settle (100);
  assert_names (fixture, "car,bus,tree");

  g_assert_true (bw_taxonomy_dialog_export_file (fixture->dialog, out, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_query_exists (out, NULL));
}

/* The rejection reasons, on their own page: what each step saved, read
 * through a second connection as "name:key" in their order. */
static char *
saved_reasons (Fixture  *fixture,
               gboolean  hidden)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwProject) reader = bw_project_open (fixture->file, &error);
  g_autoptr(GPtrArray) reasons = NULL;
  g_autoptr(GString) str = g_string_new (NULL);

  g_assert_no_error (error);
  reasons = bw_project_list_rejection_reasons (reader, TRUE, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < reasons->len; i++)
    {
      const BwRejectionReason *reason = reasons->pdata[i];

      if (reason->hidden == hidden)
        g_string_append_printf (str, "%s%s:%d", str->len ? "," : "", reason->name, reason->hotkey);
    }
  return g_string_free (g_steal_pointer (&str), FALSE);
}

static void
assert_reasons (Fixture    *fixture,
                gboolean    hidden,
                const char *expected)
{
  gint64 end = g_get_monotonic_time () + 3 * G_USEC_PER_SEC;
  g_autofree char *reasons = saved_reasons (fixture, hidden);

  while (g_strcmp0 (reasons, expected) != 0 && g_get_monotonic_time () < end)
    {
      settle (50);
      g_free (reasons);
      reasons = saved_reasons (fixture, hidden);
    }
  g_assert_cmpstr (reasons, ==, expected);
}

static gboolean
is_entry_row_with_text (GtkWidget     *widget,
                        gconstpointer  data)
{
  return ADW_IS_ENTRY_ROW (widget) && gtk_widget_get_mapped (widget) &&
         g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (widget)), data) == 0;
}

static gboolean
is_button_with_tooltip (GtkWidget     *widget,
                        gconstpointer  data)
{
  const char *tooltip = gtk_widget_get_tooltip_text (widget);

  return GTK_IS_BUTTON (widget) && gtk_widget_get_mapped (widget) &&
         tooltip != NULL && g_str_has_prefix (tooltip, data);
}

typedef struct
{
  Fixture    *fixture;
  const char *name;
  GtkWidget  *row;
} RowSearch;

static gboolean
find_reason_row (gpointer data)
{
  RowSearch *search = data;

  search->row = find_widget (GTK_WIDGET (search->fixture->dialog), is_entry_row_with_text,
                             search->name);
  return search->row != NULL;
}

/* The row of reason @name, once it shows (a page switched to by a key
 * press can take a while to map on a loaded machine). */
static GtkWidget *
reason_row (Fixture    *fixture,
            const char *name)
{
  RowSearch search = { fixture, name, NULL };

  g_assert_true (iterate_until (find_reason_row, &search, 5000));
  return search.row;
}

/* Alt+R shows the reasons page. On a loaded machine the first press has
 * been seen to leave the page as it was and a second to switch it (the
 * header's switcher has a wide and a narrow form, each with the
 * mnemonic): press again, up to three times, until the page shows. */
static GtkWidget *
show_reasons_page (Fixture *fixture)
{
  RowSearch search = { fixture, "Box too loose", NULL };

  for (guint i = 0; i < 3; i++)
    {
      keys (fixture, "alt+r", NULL);
      if (iterate_until (find_reason_row, &search, 3000))
        return search.row;
    }
  g_assert_not_reached ();
}

static void
click (GtkWidget *button)
{
  g_signal_emit_by_name (button, "clicked");
  settle (100);
}

static void
test_rejection_reasons (Fixture       *fixture,
                        gconstpointer  data)
{
  static const char *defaults =
    "Missed object:1,Extra object:2,Wrong category:3,Box too loose:4,Box too tight:5,"
    "Polygon inaccurate:6,Guideline not followed:7,Other:8";
  g_autoptr(GPtrArray) annotations = NULL;
  g_autoptr(GPtrArray) reasons = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *row;
  gint64 reviewer = 0, wrong = 0;

  /* A review uses "Wrong category": deleting it only hides it. */
  g_assert_true (bw_project_ensure_person (fixture->project, "rev", BW_ROLE_REVIEWER, &reviewer, &error));
  g_assert_true (bw_project_submit_layer (fixture->project, fixture->layer_id, &error));
  annotations = bw_project_list_annotations (fixture->project, fixture->layer_id, &error);
  g_assert_no_error (error);
  reasons = bw_project_list_rejection_reasons (fixture->project, FALSE, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < reasons->len; i++)
    if (g_strcmp0 (((BwRejectionReason *) reasons->pdata[i])->name, "Wrong category") == 0)
      wrong = ((BwRejectionReason *) reasons->pdata[i])->id;
  g_assert_cmpint (wrong, >, 0);
  g_assert_true (bw_project_review_annotation (fixture->project,
                                               ((BwAnnotation *) annotations->pdata[0])->id, reviewer,
                                               BW_VERDICT_REJECT, wrong, NULL, NULL, &error));
  g_assert_no_error (error);
  assert_reasons (fixture, FALSE, defaults);

  /* The page is a key away. */
  row = show_reasons_page (fixture);

  /* A rename is checked as typed and saved only on Enter; Escape puts
   * the saved name back and keeps the dialog open. */
  gtk_widget_grab_focus (row);
  keys (fixture, "ctrl+a", NULL);
  type (fixture, "OTHER");
  g_assert_nonnull (find_widget (GTK_WIDGET (fixture->dialog), is_visible_error_label, "“OTHER”"));
  assert_reasons (fixture, FALSE, defaults);
  keys (fixture, "Escape", NULL);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (fixture->dialog)));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "Box too loose");
  g_assert_null (find_widget (GTK_WIDGET (fixture->dialog), is_visible_error_label, ""));
  keys (fixture, "ctrl+a", NULL);
  type (fixture, "Loose box");
  assert_reasons (fixture, FALSE, defaults);
  keys (fixture, "Return", NULL);
  assert_reasons (fixture, FALSE,
                  "Missed object:1,Extra object:2,Wrong category:3,Loose box:4,Box too tight:5,"
                  "Polygon inaccurate:6,Guideline not followed:7,Other:8");

  /* Leaving the field saves it too. */
  row = reason_row (fixture, "Box too tight");
  gtk_widget_grab_focus (row);
  keys (fixture, "ctrl+a", NULL);
  type (fixture, "Tight box");
  keys (fixture, "Tab", NULL);
  assert_reasons (fixture, FALSE,
                  "Missed object:1,Extra object:2,Wrong category:3,Loose box:4,Tight box:5,"
                  "Polygon inaccurate:6,Guideline not followed:7,Other:8");

  /* A key another reason has moves over, with both in one change. */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (find_widget (reason_row (fixture, "Other"), is_type,
                                                          GSIZE_TO_POINTER (GTK_TYPE_DROP_DOWN))), 1);
  assert_reasons (fixture, FALSE,
                  "Missed object:0,Extra object:2,Wrong category:3,Loose box:4,Tight box:5,"
                  "Polygon inaccurate:6,Guideline not followed:7,Other:1");

  /* Alt+Up moves the reason being edited, and the keyboard stays on it. */
  gtk_widget_grab_focus (reason_row (fixture, "Other"));
  keys (fixture, "alt+Up", "alt+Up", NULL);
  assert_reasons (fixture, FALSE,
                  "Missed object:0,Extra object:2,Wrong category:3,Loose box:4,Tight box:5,"
                  "Other:1,Polygon inaccurate:6,Guideline not followed:7");
  click (find_widget (reason_row (fixture, "Missed object"), is_button_with_tooltip, "Move Down"));
  assert_reasons (fixture, FALSE,
                  "Extra object:2,Missed object:0,Wrong category:3,Loose box:4,Tight box:5,"
                  "Other:1,Polygon inaccurate:6,Guideline not followed:7");

  /* Add takes the first free key and puts the keyboard on its name. */
  keys (fixture, "alt+a", NULL);
  assert_reasons (fixture, FALSE,
                  "Extra object:2,Missed object:0,Wrong category:3,Loose box:4,Tight box:5,"
                  "Other:1,Polygon inaccurate:6,Guideline not followed:7,New reason:8");
  type (fixture, "Blurry");
  keys (fixture, "Return", NULL);
  assert_reasons (fixture, FALSE,
                  "Extra object:2,Missed object:0,Wrong category:3,Loose box:4,Tight box:5,"
                  "Other:1,Polygon inaccurate:6,Guideline not followed:7,Blurry:8");

  /* A reason no review uses is deleted; one in use is hidden, and can be
   * restored. */
  click (find_widget (reason_row (fixture, "Tight box"), is_button_with_tooltip, "Delete"));
  click (find_widget (reason_row (fixture, "Wrong category"), is_button_with_tooltip, "Delete"));
  assert_reasons (fixture, FALSE,
                  "Extra object:2,Missed object:0,Loose box:4,"
                  "Other:1,Polygon inaccurate:6,Guideline not followed:7,Blurry:8");
  assert_reasons (fixture, TRUE, "Wrong category:0");
  g_assert_nonnull (find_widget (GTK_WIDGET (fixture->dialog), is_button_labelled, "Res_tore"));
  click (find_widget (GTK_WIDGET (fixture->dialog), is_button_labelled, "Res_tore"));
  assert_reasons (fixture, FALSE,
                  "Extra object:2,Missed object:0,Loose box:4,"
                  "Other:1,Polygon inaccurate:6,Guideline not followed:7,Blurry:8,Wrong category:3");
  assert_reasons (fixture, TRUE, "");

  /* The categories were not touched, and their page comes back. */
  assert_names (fixture, "car,bus,tree");
  keys (fixture, "alt+c", NULL);
  g_assert_nonnull (list_row (fixture, "bus"));
  g_assert_true (gtk_widget_get_mapped (list_row (fixture, "bus")));
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

#define ADD(path, func) \
  g_test_add ("/ui/taxonomy-dialog/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("edit-with-keys", test_edit_with_keys);
  ADD ("rename-commits-once", test_rename_commits_once);
  ADD ("recolour-and-drag", test_recolour_and_drag);
  ADD ("import-export", test_import_export);
  ADD ("toast-after-dismissed", test_toast_after_dismissed);
  ADD ("rejection-reasons", test_rejection_reasons);

#undef ADD

  return g_test_run ();
}
