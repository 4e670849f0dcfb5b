/* bw-taxonomy-dialog.c — the taxonomy editor
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A list of the categories on the left, the selected one's fields on the
 * right. A text field is checked as it is typed but saved only when it is
 * committed (Enter, or the focus leaving it); Escape puts back what is
 * saved. Every other change goes to the project at once. The dialog keeps its
 * own undo stack of whole-taxonomy snapshots (plus the annotations a merge
 * or a delete moved or removed), which bw_project_restore_categories()
 * puts back in one transaction.
 */

#define G_LOG_DOMAIN "bw-taxonomy-dialog"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <string.h>

#include "bw-category-panel.h"
#include "bw-dialog-util.h"
#include "bw-project-exams.h"
#include "bw-reasons-editor.h"
#include "bw-taxonomy-dialog.h"
#include "bw-taxonomy-io.h"
#include "bw-thumbnailer.h"

#define MAX_UNDO_STEPS 50

typedef struct
{
  char      *label;             /* what is undone, for the toast */
  GPtrArray *categories;        /* the taxonomy before the change */
  gint64     category_id;       /* the category to select after undo */
  GArray    *moved;             /* annotation ids moved away from category_id */
  GPtrArray *deleted;           /* annotations deleted with category_id */
} UndoStep;

typedef struct
{
  gint64          id;
  char           *color;
  GtkDrawingArea *swatch;
  GtkLabel       *name;
  GtkLabel       *supercategory;
  GtkLabel       *key;
  GtkLabel       *count;
} RowData;

struct _BwTaxonomyDialog
{
  AdwWindow         parent_instance;

  BwProject        *project;
  GPtrArray        *categories;     /* BwCategory, in order */
  GPtrArray        *rows;           /* GtkListBoxRow, parallel to categories */
  GPtrArray        *undo;           /* UndoStep, last on top */
  gint64            selected_id;
  guint             loading;
  gboolean          in_reload;
  gboolean          reload_again;
  gboolean          committing;
  AdwToast         *toast;          /* shown now, owned by the overlay */
  char             *name_problem;
  char             *hotkey_problem;
  GtkWidget        *color_button;

  AdwToastOverlay  *toast_overlay;
  AdwViewStack     *view_stack;
  BwReasonsEditor  *reasons_editor;
  GtkWidget        *add_button;
  GtkWidget        *undo_button;
  GtkWidget        *import_button;
  GtkWidget        *export_button;
  GtkStack         *stack;
  GtkListBox       *list_box;
  AdwEntryRow      *name_row;
  AdwEntryRow      *supercategory_row;
  AdwActionRow     *color_row;
  AdwEntryRow      *hotkey_row;
  AdwActionRow     *count_row;
  GtkLabel         *problem_label;
  GtkLabel         *hotkey_hint;
  GtkTextView      *guideline_view;
  GtkWidget        *empty_add_button;
  GtkListBox       *examples_list;
  GtkTextView      *document_view;
  GtkLabel         *version_label;
  char             *document_saved;   /* the document as last loaded or saved */
  GtkRevealer      *offer_revealer;
  GtkLabel         *offer_label;
  gint64            offer_version;    /* the guideline version offered for, 0 when none */
  BwThumbnailer    *thumbnailer;      /* the examples' */
  gboolean          disposed;
  GCancellable     *examples_cancellable;
};

G_DEFINE_FINAL_TYPE (BwTaxonomyDialog, bw_taxonomy_dialog, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_PROJECT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  START_CALIBRATION_ROUND,
  REQUIRE_EXAM_AGAIN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void reload (BwTaxonomyDialog *self);
static void load_document (BwTaxonomyDialog *self);
static void load_examples (BwTaxonomyDialog *self);
static gboolean showing_reasons (BwTaxonomyDialog *self);
static void load_editor (BwTaxonomyDialog *self);
static void update_actions (BwTaxonomyDialog *self);

static void
undo_step_free (UndoStep *step)
{
  g_free (step->label);
  g_clear_pointer (&step->categories, g_ptr_array_unref);
  g_clear_pointer (&step->moved, g_array_unref);
  g_clear_pointer (&step->deleted, g_ptr_array_unref);
  g_free (step);
}

static void
row_data_free (RowData *data)
{
  g_free (data->color);
  g_free (data);
}

static void
toast_dismissed_cb (BwTaxonomyDialog *self,
                    AdwToast         *t)
{
  if (self->toast == t)
    self->toast = NULL;
}

/* One toast at a time, retitled while it shows: the newest result is the
 * one that matters (undo after undo). bw_toast_overlay_add() shows a new
 * one only after a dismissed one has faded out. */
static void
toast (BwTaxonomyDialog *self,
       const char       *message)
{
  AdwToast *t;

  if (self->toast != NULL)
    {
      adw_toast_set_title (self->toast, message);
      return;
    }

  t = adw_toast_new (message);
  adw_toast_set_timeout (t, 4);
  g_signal_connect_object (t, "dismissed", G_CALLBACK (toast_dismissed_cb), self, G_CONNECT_SWAPPED);
  self->toast = t;
  bw_toast_overlay_add (self->toast_overlay, t);
}

static const BwCategory *
find_category (BwTaxonomyDialog *self,
               gint64            id,
               guint            *out_index)
{
  for (guint i = 0; self->categories && i < self->categories->len; i++)
    {
      const BwCategory *category = g_ptr_array_index (self->categories, i);

      if (category->id == id)
        {
          if (out_index)
            *out_index = i;
          return category;
        }
    }
  return NULL;
}

/* Undo */

/* Records the taxonomy before a change, as one step. Returns the step. */
static UndoStep *
push_step (BwTaxonomyDialog *self,
           const char       *label,
           gint64            category_id)
{
  g_autoptr(GError) error = NULL;
  UndoStep *step;

  step = g_new0 (UndoStep, 1);
  step->label = g_strdup (label);
  step->category_id = category_id;
  step->categories = bw_project_list_categories (self->project, &error);
  if (step->categories == NULL)
    {
      g_warning ("Cannot record the taxonomy for undo: %s", error->message);
      undo_step_free (step);
      return NULL;
    }

  if (self->undo->len >= MAX_UNDO_STEPS)
    g_ptr_array_remove_index (self->undo, 0);
  g_ptr_array_add (self->undo, step);
  update_actions (self);
  return step;
}

/* The change a step was pushed for failed: forget the step. */
static void
drop_step (BwTaxonomyDialog *self,
           UndoStep         *step)
{
  if (step != NULL && self->undo->len > 0 &&
      g_ptr_array_index (self->undo, self->undo->len - 1) == step)
    g_ptr_array_remove_index (self->undo, self->undo->len - 1);
  update_actions (self);
}

static void commit_fields (BwTaxonomyDialog *self);

static void
undo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  BwTaxonomyDialog *self = BW_TAXONOMY_DIALOG (widget);
  g_autoptr(GError) error = NULL;
  UndoStep *step;
  gboolean ok;

  commit_fields (self);

  if (self->undo->len == 0)
    return;

  step = g_ptr_array_steal_index (self->undo, self->undo->len - 1);

  ok = bw_project_begin (self->project, &error);
  if (ok)
    {
      ok = bw_project_restore_categories (self->project, step->categories, &error);
      if (ok && step->moved != NULL && step->moved->len > 0)
        ok = bw_project_set_annotations_category (self->project,
                                                  (const gint64 *) (gpointer) step->moved->data,
                                                  step->moved->len, step->category_id, &error);
      for (guint i = 0; ok && step->deleted != NULL && i < step->deleted->len; i++)
        ok = bw_project_restore_annotation (self->project, g_ptr_array_index (step->deleted, i), &error);

      if (ok)
        ok = bw_project_commit (self->project, &error);
      else
        bw_project_rollback (self->project);
    }

  if (ok)
    {
      g_autofree char *message = g_strdup_printf (_("Undone: %s"), step->label);

      toast (self, message);
    }
  else
    {
      g_autofree char *message = g_strdup_printf (_("Could not undo: %s"), error->message);

      toast (self, message);
    }

  reload (self);
  if (step->category_id != 0 && find_category (self, step->category_id, NULL))
    bw_taxonomy_dialog_select (self, step->category_id);
  load_editor (self);
  undo_step_free (step);
  update_actions (self);
}

/* The list */

static void
draw_swatch (GtkDrawingArea *area,
             cairo_t        *cr,
             int             width,
             int             height,
             gpointer        user_data)
{
  RowData *data = user_data;
  GdkRGBA rgba;

  if (!gdk_rgba_parse (&rgba, data->color ? data->color : "#000000"))
    return;

  cairo_arc (cr, width / 2.0, height / 2.0, MIN (width, height) / 2.0 - 1, 0, 2 * G_PI);
  gdk_cairo_set_source_rgba (cr, &rgba);
  cairo_fill_preserve (cr);
  cairo_set_source_rgba (cr, 0, 0, 0, 0.25);
  cairo_set_line_width (cr, 1);
  cairo_stroke (cr);
}

static void
set_label_if_changed (GtkLabel   *label,
                      const char *text)
{
  if (g_strcmp0 (gtk_label_get_label (label), text) != 0)
    gtk_label_set_label (label, text);
}

/* Shows the category at @index in @row. Rows are reused for whatever
 * category is at their place, so a reorder refills labels rather than
 * rebuilding the list; only what changed is touched. */
static void
fill_row (BwTaxonomyDialog *self,
          GtkListBoxRow    *row,
          guint             index,
          GHashTable       *counts)
{
  RowData *data = g_object_get_data (G_OBJECT (row), "bw-row-data");
  const BwCategory *category = g_ptr_array_index (self->categories, index);
  g_autofree char *key = bw_category_list_dup_key_label (self->categories, index);
  char count[32];
  gint64 *found = counts ? g_hash_table_lookup (counts, &category->id) : NULL;
  gint64 n = found ? *found : 0;
  const char *supercategory = category->supercategory ? category->supercategory : "";
  gboolean changed = data->id != category->id;

  data->id = category->id;
  if (g_strcmp0 (data->color, category->color) != 0)
    {
      g_free (data->color);
      data->color = g_strdup (category->color);
      gtk_widget_queue_draw (GTK_WIDGET (data->swatch));
    }

  changed |= g_strcmp0 (gtk_label_get_label (data->name), category->name) != 0;
  set_label_if_changed (data->name, category->name);
  set_label_if_changed (data->supercategory, supercategory);
  gtk_widget_set_visible (GTK_WIDGET (data->supercategory), supercategory[0] != '\0');
  set_label_if_changed (data->key, key ? key : "");
  gtk_widget_set_visible (GTK_WIDGET (data->key), key != NULL);

  g_snprintf (count, sizeof count, "%" G_GINT64_FORMAT, n);
  if (g_strcmp0 (gtk_label_get_label (data->count), count) != 0)
    {
      changed = TRUE;
      gtk_label_set_label (data->count, count);
      gtk_widget_set_tooltip_text (GTK_WIDGET (data->count),
                                   g_dngettext (GETTEXT_PACKAGE, "Annotation", "Annotations", n));
    }

  if (changed)
    {
      g_autofree char *accessible = g_strdup_printf ("%s, %s", category->name, count);

      gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
    }
}

static GdkContentProvider *
drag_prepare_cb (GtkDragSource *source,
                 double         x,
                 double         y,
                 GtkListBoxRow *row)
{
  RowData *data = g_object_get_data (G_OBJECT (row), "bw-row-data");

  return gdk_content_provider_new_typed (G_TYPE_INT64, data->id);
}

static void
drag_begin_cb (GtkDragSource *source,
               GdkDrag       *drag,
               GtkListBoxRow *row)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (GTK_WIDGET (row));

  gtk_drag_source_set_icon (source, paintable, 20, 20);
}

static void move_to_index (BwTaxonomyDialog *self,
                           gint64            id,
                           guint             index);

static gboolean
drop_cb (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         GtkListBoxRow *row)
{
  BwTaxonomyDialog *self = BW_TAXONOMY_DIALOG (gtk_widget_get_root (GTK_WIDGET (row)));
  RowData *data = g_object_get_data (G_OBJECT (row), "bw-row-data");
  gint64 dragged = g_value_get_int64 (value);
  guint from, to;

  if (!find_category (self, dragged, &from) || !find_category (self, data->id, &to) || from == to)
    return FALSE;

  /* Dropped on the lower half of a row: after it. */
  if (y > gtk_widget_get_height (GTK_WIDGET (row)) / 2.0 && to < from)
    to++;
  else if (y <= gtk_widget_get_height (GTK_WIDGET (row)) / 2.0 && to > from)
    to--;

  move_to_index (self, dragged, to);
  return TRUE;
}

static GtkListBoxRow *
create_row (BwTaxonomyDialog *self)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 10);
  GtkWidget *labels = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  RowData *data = g_new0 (RowData, 1);
  GtkDragSource *source;
  GtkDropTarget *target;

  data->swatch = GTK_DRAWING_AREA (gtk_drawing_area_new ());
  gtk_drawing_area_set_content_width (data->swatch, 16);
  gtk_drawing_area_set_content_height (data->swatch, 16);
  gtk_widget_set_valign (GTK_WIDGET (data->swatch), GTK_ALIGN_CENTER);
  gtk_drawing_area_set_draw_func (data->swatch, draw_swatch, data, NULL);

  data->name = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (data->name, 0);
  gtk_label_set_ellipsize (data->name, PANGO_ELLIPSIZE_END);
  data->supercategory = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (data->supercategory, 0);
  gtk_label_set_ellipsize (data->supercategory, PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (GTK_WIDGET (data->supercategory), "dim-label");
  gtk_widget_add_css_class (GTK_WIDGET (data->supercategory), "caption");
  gtk_box_append (GTK_BOX (labels), GTK_WIDGET (data->name));
  gtk_box_append (GTK_BOX (labels), GTK_WIDGET (data->supercategory));
  gtk_widget_set_hexpand (labels, TRUE);
  gtk_widget_set_valign (labels, GTK_ALIGN_CENTER);

  data->key = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (data->key), "monospace");
  gtk_widget_add_css_class (GTK_WIDGET (data->key), "dim-label");
  gtk_widget_set_tooltip_text (GTK_WIDGET (data->key), _("Hotkey"));

  data->count = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (data->count), "numeric");
  gtk_widget_add_css_class (GTK_WIDGET (data->count), "dim-label");
  gtk_label_set_width_chars (data->count, 4);
  gtk_label_set_xalign (data->count, 1);

  gtk_box_append (GTK_BOX (box), GTK_WIDGET (data->swatch));
  gtk_box_append (GTK_BOX (box), labels);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (data->key));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (data->count));
  gtk_widget_set_margin_top (box, 4);
  gtk_widget_set_margin_bottom (box, 4);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);

  g_object_set_data_full (G_OBJECT (row), "bw-row-data", data, (GDestroyNotify) row_data_free);

  source = gtk_drag_source_new ();
  gtk_drag_source_set_actions (source, GDK_ACTION_MOVE);
  g_signal_connect (source, "prepare", G_CALLBACK (drag_prepare_cb), row);
  g_signal_connect (source, "drag-begin", G_CALLBACK (drag_begin_cb), row);
  gtk_widget_add_controller (row, GTK_EVENT_CONTROLLER (source));

  target = gtk_drop_target_new (G_TYPE_INT64, GDK_ACTION_MOVE);
  g_signal_connect (target, "drop", G_CALLBACK (drop_cb), row);
  gtk_widget_add_controller (row, GTK_EVENT_CONTROLLER (target));

  return GTK_LIST_BOX_ROW (row);
}

static GtkListBoxRow *
row_for_id (BwTaxonomyDialog *self,
            gint64            id)
{
  guint index;

  if (!find_category (self, id, &index) || index >= self->rows->len)
    return NULL;
  return g_ptr_array_index (self->rows, index);
}

/* Reads the taxonomy again. Rows are updated in place when the order is
 * unchanged (typing a name rewrites one label, and keeps the focus);
 * otherwise the list is rebuilt and the selection kept. */
static void row_selected_cb (BwTaxonomyDialog *self,
                             GtkListBoxRow    *row);

/* Reads the taxonomy again and shows it, keeping the selection on the
 * same category (or the one in its place when it went away) and the
 * keyboard on the list when it was there. */
static void reload_once (BwTaxonomyDialog *self);

static void
reload (BwTaxonomyDialog *self)
{
  /* Showing a selection may save a pending guideline, which changes the
   * taxonomy again: do that once the list is consistent. */
  if (self->in_reload)
    {
      self->reload_again = TRUE;
      return;
    }

  self->in_reload = TRUE;
  do
    {
      self->reload_again = FALSE;
      reload_once (self);
    }
  while (self->reload_again);
  self->in_reload = FALSE;
}

static void
reload_once (BwTaxonomyDialog *self)
{
  g_autoptr(GPtrArray) categories = NULL;
  g_autoptr(GHashTable) counts = NULL;
  g_autoptr(GError) error = NULL;
  gboolean list_had_focus;
  GtkWidget *focus;
  GtkListBoxRow *row;
  guint old_index;

  categories = bw_project_list_categories (self->project, &error);
  if (categories == NULL ||
      !(counts = bw_project_count_annotations_by_category (self->project, &error)))
    {
      toast (self, error->message);
      return;
    }

  if (!find_category (self, self->selected_id, &old_index))
    old_index = 0;

  g_clear_pointer (&self->categories, g_ptr_array_unref);
  self->categories = g_steal_pointer (&categories);

  focus = gtk_root_get_focus (GTK_ROOT (self));
  list_had_focus = focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (self->list_box));

  self->loading++;
  while (self->rows->len > self->categories->len)
    {
      gtk_list_box_remove (self->list_box, g_ptr_array_index (self->rows, self->rows->len - 1));
      g_ptr_array_remove_index (self->rows, self->rows->len - 1);
    }
  for (guint i = 0; i < self->categories->len; i++)
    {
      if (i == self->rows->len)
        {
          row = create_row (self);
          gtk_list_box_append (self->list_box, GTK_WIDGET (row));
          g_ptr_array_add (self->rows, row);
        }
      fill_row (self, g_ptr_array_index (self->rows, i), i, counts);
    }
  self->loading--;

  gtk_stack_set_visible_child_name (self->stack, self->categories->len > 0 ? "editor" : "empty");

  if (self->categories->len == 0)
    {
      self->selected_id = 0;
      load_editor (self);
      update_actions (self);
      return;
    }

  row = row_for_id (self, self->selected_id);
  if (row == NULL)
    row = g_ptr_array_index (self->rows, MIN (old_index, self->rows->len - 1));
  if (gtk_list_box_get_selected_row (self->list_box) != row)
    gtk_list_box_select_row (self->list_box, row);
  /* The row may have been selected already, showing another category. */
  row_selected_cb (self, row);
  if (list_had_focus && gtk_root_get_focus (GTK_ROOT (self)) != GTK_WIDGET (row))
    gtk_widget_grab_focus (GTK_WIDGET (row));

  update_actions (self);
}

static void
categories_changed_cb (BwTaxonomyDialog *self)
{
  reload (self);
  load_examples (self);
  load_document (self);
}

/* The project-wide guidelines: saved as a whole when committed (the
 * button, Ctrl+S, leaving the page, closing), never per keystroke, so
 * that one edit is one new guideline version. */

static char *
document_text (BwTaxonomyDialog *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->document_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
update_version_label (BwTaxonomyDialog *self)
{
  g_autoptr(GError) error = NULL;
  gint64 version = bw_project_get_guideline_version (self->project, &error);
  g_autofree char *text = g_strdup_printf (_("Guideline version %" PRId64), version);

  gtk_label_set_label (self->version_label, version > 0 ? text : error->message);
}

/* After the lead changed the guidelines here: offer to recalibrate the
 * team on them, with a calibration round or an exam passed again. */
static void
offer_recalibration (BwTaxonomyDialog *self)
{
  g_autofree char *text = NULL;
  g_autoptr(GPtrArray) exams = NULL;
  gint64 version = bw_project_get_guideline_version (self->project, NULL);

  if (version <= 0)
    return;
  exams = bw_project_list_exams (self->project, NULL);
  self->offer_version = version;
  text = g_strdup_printf (_("The guidelines are now version %" PRId64 ". Recalibrate the annotators on them?"),
                          version);
  gtk_label_set_label (self->offer_label, text);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "taxonomy.offer-exam", exams != NULL && exams->len > 0);
  gtk_revealer_set_reveal_child (self->offer_revealer, TRUE);
}

static void
offer_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  BwTaxonomyDialog *self = BW_TAXONOMY_DIALOG (widget);
  gint64 version = self->offer_version;

  gtk_revealer_set_reveal_child (self->offer_revealer, FALSE);
  if (g_str_equal (action_name, "taxonomy.offer-calibration"))
    g_signal_emit (self, signals[START_CALIBRATION_ROUND], 0, version);
  else if (g_str_equal (action_name, "taxonomy.offer-exam"))
    g_signal_emit (self, signals[REQUIRE_EXAM_AGAIN], 0, version);
}

/* Shows the stored document, unless the one shown has unsaved edits. */
static void
load_document (BwTaxonomyDialog *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *shown = document_text (self);
  g_autofree char *stored = NULL;

  update_version_label (self);
  if (self->document_saved != NULL && g_strcmp0 (shown, self->document_saved) != 0)
    return;
  if (!(stored = bw_project_get_guidelines_document (self->project, &error)))
    {
      toast (self, error->message);
      return;
    }
  if (g_strcmp0 (stored, shown) != 0)
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->document_view), stored, -1);
  g_free (self->document_saved);
  self->document_saved = g_steal_pointer (&stored);
}

static void
commit_document (BwTaxonomyDialog *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = document_text (self);

  if (self->project == NULL || g_strcmp0 (text, self->document_saved) == 0)
    return;
  if (!bw_project_set_guidelines_document (self->project, text, &error))
    {
      toast (self, error->message);
      return;
    }
  g_free (self->document_saved);
  self->document_saved = g_steal_pointer (&text);
  update_version_label (self);
  {
    g_autofree char *message = g_strdup_printf (_("Guidelines saved as version %" PRId64 "."),
                                                bw_project_get_guideline_version (self->project, NULL));

    toast (self, message);
  }
  offer_recalibration (self);
}

static void
save_guidelines_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  commit_document (BW_TAXONOMY_DIALOG (widget));
}

/* The examples of the selected category, each with its image and shape
 * and an Unpin button. */
static void
unpin_clicked_cb (GtkButton        *button,
                  BwTaxonomyDialog *self)
{
  gint64 *id = g_object_get_data (G_OBJECT (button), "example-id");
  g_autoptr(GError) error = NULL;

  if (id != NULL && !bw_project_delete_example (self->project, *id, &error))
    toast (self, error->message);
}

static void
load_examples (BwTaxonomyDialog *self)
{
  g_autoptr(GPtrArray) examples = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *child;

  while ((child = GTK_WIDGET (gtk_list_box_get_row_at_index (self->examples_list, 0))) != NULL)
    gtk_list_box_remove (self->examples_list, child);
  g_cancellable_cancel (self->examples_cancellable);
  g_clear_object (&self->examples_cancellable);
  self->examples_cancellable = g_cancellable_new ();
  if (self->selected_id <= 0)
    return;
  if (!(examples = bw_project_list_examples (self->project, self->selected_id, &error)))
    {
      toast (self, error->message);
      return;
    }
  for (guint i = 0; i < examples->len; i++)
    {
      const BwGuidelineExample *e = examples->pdata[i];
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *icon = gtk_image_new_from_icon_name (e->positive ? "emblem-ok-symbolic"
                                                                  : "action-unavailable-symbolic");
      GtkWidget *button = gtk_button_new_with_mnemonic (_("_Unpin"));
      g_autofree char *where = bw_example_describe_shape (e);
      g_autofree char *subtitle = e->note[0] != '\0' ? g_strdup_printf ("%s\n%s", e->note, where)
                                                     : g_strdup (where);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     e->positive ? _("Counts as this category") : _("Does not count"));
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_widget_add_css_class (icon, e->positive ? "success" : "error");
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
      if (self->thumbnailer == NULL)
        self->thumbnailer = bw_thumbnailer_new (BW_EXAMPLE_THUMBNAIL_SIZE, 64);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row),
                                 bw_thumbnailer_new_example_picture (self->thumbnailer, self->project, e,
                                                                     self->examples_cancellable));
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      g_object_set_data_full (G_OBJECT (button), "example-id", g_memdup2 (&e->id, sizeof e->id), g_free);
      g_signal_connect_object (button, "clicked", G_CALLBACK (unpin_clicked_cb), self, 0);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      gtk_list_box_append (self->examples_list, row);
    }
}

/* The editor */

static void
show_problems (BwTaxonomyDialog *self)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (self->name_problem)
    g_string_append (text, self->name_problem);
  if (self->hotkey_problem)
    g_string_append_printf (text, "%s%s", text->len ? "\n" : "", self->hotkey_problem);

  gtk_label_set_label (self->problem_label, text->str);
  gtk_widget_set_visible (GTK_WIDGET (self->problem_label), text->len > 0);

  if (self->name_problem)
    gtk_widget_add_css_class (GTK_WIDGET (self->name_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->name_row), "error");
  if (self->hotkey_problem)
    gtk_widget_add_css_class (GTK_WIDGET (self->hotkey_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->hotkey_row), "error");

  gtk_accessible_update_property (GTK_ACCESSIBLE (self->name_row),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  self->name_problem ? self->name_problem : "", -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->hotkey_row),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  self->hotkey_problem ? self->hotkey_problem : "", -1);
}

static void
update_hint (BwTaxonomyDialog *self)
{
  g_autofree char *key = NULL;
  g_autofree char *text = NULL;
  guint index;
  const BwCategory *category = find_category (self, self->selected_id, &index);
  const char *rule = _("One key: a digit from 1 to 9 or a letter, but not V, B, P, H or L (the canvas uses them). "
                       "Without a hotkey, each of the first nine categories is picked with its place in the list.");

  if (category != NULL)
    key = bw_category_list_dup_key_label (self->categories, index);

  if (key != NULL)
    text = g_strdup_printf (_("%s Annotators pick this category with %s."), rule, key);
  else
    text = g_strdup_printf (_("%s This category has no key now."), rule);
  gtk_label_set_label (self->hotkey_hint, text);
}

static void
set_color_button (BwTaxonomyDialog *self,
                  const char       *color)
{
  GdkRGBA rgba = { 0, 0, 0, 1 };

  gdk_rgba_parse (&rgba, color ? color : "#000000");
#if GTK_CHECK_VERSION (4, 10, 0)
  gtk_color_dialog_button_set_rgba (GTK_COLOR_DIALOG_BUTTON (self->color_button), &rgba);
#else
  gtk_color_chooser_set_rgba (GTK_COLOR_CHOOSER (self->color_button), &rgba);
#endif
}

static void
load_editor (BwTaxonomyDialog *self)
{
  const BwCategory *category = find_category (self, self->selected_id, NULL);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->guideline_view);
  gint64 n;

  load_examples (self);
  self->loading++;

  g_clear_pointer (&self->name_problem, g_free);
  g_clear_pointer (&self->hotkey_problem, g_free);
  show_problems (self);

  if (category == NULL)
    {
      gtk_editable_set_text (GTK_EDITABLE (self->name_row), "");
      gtk_editable_set_text (GTK_EDITABLE (self->supercategory_row), "");
      gtk_editable_set_text (GTK_EDITABLE (self->hotkey_row), "");
      gtk_text_buffer_set_text (buffer, "", -1);
      self->loading--;
      return;
    }

  gtk_editable_set_text (GTK_EDITABLE (self->name_row), category->name);
  gtk_editable_set_text (GTK_EDITABLE (self->supercategory_row),
                         category->supercategory ? category->supercategory : "");
  gtk_editable_set_text (GTK_EDITABLE (self->hotkey_row), category->hotkey ? category->hotkey : "");
  gtk_text_buffer_set_text (buffer, category->guideline ? category->guideline : "", -1);
  set_color_button (self, category->color);

  n = bw_project_count_category_annotations (self->project, category->id);
  if (n == 0)
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->count_row), _("No annotations"));
  else
    {
      g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, n);
      g_autofree char *title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s annotation",
                                                             "%s annotations", n), number);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->count_row), title);
    }

  update_hint (self);
  self->loading--;
}

/* The fields of a category. */
typedef enum
{
  FIELD_NAME,
  FIELD_SUPERCATEGORY,
  FIELD_COLOR,
  FIELD_HOTKEY,
  FIELD_GUIDELINE,
} Field;

static char **
category_slot (BwCategory *category,
               Field       field)
{
  switch (field)
    {
    case FIELD_NAME:          return &category->name;
    case FIELD_SUPERCATEGORY: return &category->supercategory;
    case FIELD_COLOR:         return &category->color;
    case FIELD_HOTKEY:        return &category->hotkey;
    case FIELD_GUIDELINE:     return &category->guideline;
    default:                  g_assert_not_reached ();
    }
}

/* Saves one field of a category, as one undo step. */
static gboolean
save_field (BwTaxonomyDialog *self,
            gint64            id,
            Field             field,
            const char       *value)
{
  static const char *labels[] = { N_("Rename"), N_("Supercategory"), N_("Colour"), N_("Hotkey"), N_("Guideline") };
  g_autoptr(BwCategory) category = NULL;
  g_autoptr(GError) error = NULL;
  char **slot;
  UndoStep *step;

  if (!(category = bw_project_get_category (self->project, id, &error)))
    {
      toast (self, error->message);
      return FALSE;
    }

  slot = category_slot (category, field);
  if (g_strcmp0 (*slot ? *slot : "", value ? value : "") == 0)
    return TRUE;

  g_free (*slot);
  *slot = g_strdup (value);

  step = push_step (self, _(labels[field]), id);
  if (!bw_project_update_category (self->project, category, &error))
    {
      drop_step (self, step);
      toast (self, error->message);
      return FALSE;
    }
  if (field == FIELD_GUIDELINE)
    offer_recalibration (self);

  return TRUE;
}

/* The text of a field as typed, and as it would be saved (stripped; the
 * guideline as it is). */
static char *
field_text (BwTaxonomyDialog *self,
            Field             field)
{
  GtkTextBuffer *buffer;
  GtkTextIter start, end;

  switch (field)
    {
    case FIELD_NAME:
      return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
    case FIELD_SUPERCATEGORY:
      return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->supercategory_row))));
    case FIELD_HOTKEY:
      return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->hotkey_row))));
    case FIELD_GUIDELINE:
      buffer = gtk_text_view_get_buffer (self->guideline_view);
      gtk_text_buffer_get_bounds (buffer, &start, &end);
      return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
    case FIELD_COLOR:
    default:
      g_assert_not_reached ();
    }
}

/* Whether @field shows something other than what is saved. */
static gboolean
field_is_edited (BwTaxonomyDialog *self,
                 Field             field)
{
  BwCategory *category = (BwCategory *) find_category (self, self->selected_id, NULL);
  g_autofree char *text = NULL;
  const char *saved;

  if (category == NULL)
    return FALSE;

  text = field_text (self, field);
  saved = *category_slot (category, field);
  return g_strcmp0 (text, saved ? saved : "") != 0;
}

/* Saves what @field shows, when it differs from what is saved and has no
 * problem. Returns FALSE when it has one (shown by the field). */
static gboolean
commit_field (BwTaxonomyDialog *self,
              Field             field)
{
  g_autofree char *text = NULL;
  g_autofree char *hotkey = NULL;
  gboolean ok;

  if (self->loading || self->selected_id == 0 || !field_is_edited (self, field))
    return TRUE;
  if ((field == FIELD_NAME && self->name_problem != NULL) ||
      (field == FIELD_HOTKEY && self->hotkey_problem != NULL))
    return FALSE;

  text = field_text (self, field);
  if (field == FIELD_HOTKEY && !bw_category_normalize_hotkey (text, &hotkey, NULL))
    return FALSE;

  ok = save_field (self, self->selected_id, field, field == FIELD_HOTKEY ? hotkey : text);
  if (ok && field == FIELD_HOTKEY)
    {
      /* "Z" is saved as "z": show what is saved. */
      self->loading++;
      gtk_editable_set_text (GTK_EDITABLE (self->hotkey_row), hotkey ? hotkey : "");
      self->loading--;
      update_hint (self);
    }
  return ok;
}

/* Saves every edited field of the selected category: before anything
 * else changes the taxonomy or the selection. */
static void
commit_fields (BwTaxonomyDialog *self)
{
  static const Field fields[] = { FIELD_NAME, FIELD_SUPERCATEGORY, FIELD_HOTKEY, FIELD_GUIDELINE };

  /* Saving reloads the list, which may come back here. */
  if (self->committing)
    return;

  self->committing = TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    commit_field (self, fields[i]);
  self->committing = FALSE;
}

/* Puts back what is saved in every edited field. Returns whether there
 * was anything to put back. */
static gboolean
revert_fields (BwTaxonomyDialog *self)
{
  if (!field_is_edited (self, FIELD_NAME) && !field_is_edited (self, FIELD_SUPERCATEGORY) &&
      !field_is_edited (self, FIELD_HOTKEY) && !field_is_edited (self, FIELD_GUIDELINE))
    return FALSE;

  load_editor (self);
  return TRUE;
}

static void
name_changed_cb (BwTaxonomyDialog *self)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  if (self->loading || self->selected_id == 0)
    return;

  text = field_text (self, FIELD_NAME);
  g_clear_pointer (&self->name_problem, g_free);
  if (!bw_project_check_category_name (self->project, self->selected_id, text, &error))
    self->name_problem = g_strdup (error->message);
  show_problems (self);
}

static void
hotkey_changed_cb (BwTaxonomyDialog *self)
{
  g_autofree char *text = NULL;
  g_autofree char *normal = NULL;
  g_autoptr(GError) error = NULL;

  if (self->loading || self->selected_id == 0)
    return;

  text = field_text (self, FIELD_HOTKEY);
  g_clear_pointer (&self->hotkey_problem, g_free);
  if (!bw_project_check_category_hotkey (self->project, self->selected_id, text, &error) ||
      !bw_category_normalize_hotkey (text, &normal, &error))
    self->hotkey_problem = g_strdup (error->message);
  show_problems (self);
}

static void
color_changed_cb (BwTaxonomyDialog *self)
{
  const GdkRGBA *rgba;
  g_autofree char *color = NULL;
#if !GTK_CHECK_VERSION (4, 10, 0)
  GdkRGBA chosen;
#endif

  if (self->loading || self->selected_id == 0)
    return;

#if GTK_CHECK_VERSION (4, 10, 0)
  rgba = gtk_color_dialog_button_get_rgba (GTK_COLOR_DIALOG_BUTTON (self->color_button));
#else
  gtk_color_chooser_get_rgba (GTK_COLOR_CHOOSER (self->color_button), &chosen);
  rgba = &chosen;
#endif

  color = g_strdup_printf ("#%02x%02x%02x",
                           (guint) CLAMP (rgba->red * 255 + 0.5, 0, 255),
                           (guint) CLAMP (rgba->green * 255 + 0.5, 0, 255),
                           (guint) CLAMP (rgba->blue * 255 + 0.5, 0, 255));
  save_field (self, self->selected_id, FIELD_COLOR, color);
}

/* The focus left a field: that commits it. */
static void
field_left_cb (GtkEventControllerFocus *controller,
               BwTaxonomyDialog        *self)
{
  Field field = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (controller), "bw-field"));

  /* A field losing the focus as the dialog goes was saved on closing. */
  if (self->disposed)
    return;
  if (!self->committing)
    {
      self->committing = TRUE;
      commit_field (self, field);
      self->committing = FALSE;
    }
}

static void
watch_field (BwTaxonomyDialog *self,
             GtkWidget        *widget,
             Field             field)
{
  GtkEventController *focus = gtk_event_controller_focus_new ();

  g_object_set_data (G_OBJECT (focus), "bw-field", GUINT_TO_POINTER (field));
  g_signal_connect_object (focus, "leave", G_CALLBACK (field_left_cb), self, 0);
  gtk_widget_add_controller (widget, focus);
}

static void
row_selected_cb (BwTaxonomyDialog *self,
                 GtkListBoxRow    *row)
{
  RowData *data;

  if (row == NULL)
    return;

  data = g_object_get_data (G_OBJECT (row), "bw-row-data");
  if (data->id == self->selected_id)
    return;

  /* A click on another row may come before the field hears the focus
   * leave: what was typed belongs to the category it was typed for. */
  commit_fields (self);
  self->selected_id = data->id;
  load_editor (self);
  update_actions (self);
}

static void
row_activated_cb (BwTaxonomyDialog *self,
                  GtkListBoxRow    *row)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
}

/* Enter in a field commits it and goes back to the list; a field with a
 * problem keeps the keyboard. */
static void
entry_activated_cb (BwTaxonomyDialog *self,
                    AdwEntryRow      *entry)
{
  Field field = entry == self->name_row ? FIELD_NAME
              : entry == self->hotkey_row ? FIELD_HOTKEY
              : FIELD_SUPERCATEGORY;
  GtkListBoxRow *row;

  if (!commit_field (self, field))
    return;

  if ((row = row_for_id (self, self->selected_id)))
    gtk_widget_grab_focus (GTK_WIDGET (row));
}

/* Operations */

static void
move_to_index (BwTaxonomyDialog *self,
               gint64            id,
               guint             index)
{
  g_autoptr(GError) error = NULL;
  UndoStep *step;

  commit_fields (self);
  step = push_step (self, _("Move"), id);
  if (!bw_project_move_category (self->project, id, index, &error))
    {
      drop_step (self, step);
      toast (self, error->message);
      return;
    }
  bw_taxonomy_dialog_select (self, id);
  update_hint (self);
}

static void
move_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  BwTaxonomyDialog *self = BW_TAXONOMY_DIALOG (widget);
  gboolean up = g_str_equal (action_name, "taxonomy.move-up");
  guint index;
  GtkListBoxRow *row;

  if (!find_category (self, self->selected_id, &index))
    return;
  if (up ? index == 0 : index + 1 >= self->categories->len)
    return;

  move_to_index (self, self->selected_id, up ? index - 1 : index + 1);
  if ((row = row_for_id (self, self->selected_id)))
    gtk_widget_grab_focus (GTK_WIDGET (row));
}

static void
add_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  BwTaxonomyDialog *self = BW_TAXONOMY_DIALOG (widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  BwCategory category = { 0 };
  UndoStep *step;
  gint64 id = 0;

  commit_fields (self);

  name = g_strdup (_("New category"));
  for (guint n = 2; !bw_project_check_category_name (self->project, 0, name, NULL); n++)
    {
      g_free (name);
      name = g_strdup_printf (_("New category %u"), n);
    }

  category.name = name;
  step = push_step (self, _("Add"), 0);
  if (!bw_project_add_category_full (self->project, &category, &id, &error))
    {
      drop_step (self, step);
      toast (self, error->message);
      return;
    }

  bw_taxonomy_dialog_select (self, id);
  gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
  gtk_editable_select_region (GTK_EDITABLE (self->name_row), 0, -1);
}

static gboolean
delete_category (BwTaxonomyDialog *self,
                 gint64            id,
                 gint64            move_to,
                 gboolean          merge)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = NULL;
  UndoStep *step;
  guint index = 0;

  commit_fields (self);

  find_category (self, id, &index);
  if (!(ids = bw_project_list_category_annotation_ids (self->project, id, &error)))
    {
      toast (self, error->message);
      return FALSE;
    }

  step = push_step (self, merge ? _("Merge") : _("Delete"), id);
  if (step != NULL && move_to != 0)
    step->moved = g_array_ref (ids);
  else if (step != NULL && ids->len > 0)
    {
      step->deleted = g_ptr_array_new_with_free_func ((GDestroyNotify) bw_annotation_free);
      for (guint i = 0; i < ids->len; i++)
        {
          BwAnnotation *annotation = bw_project_get_annotation (self->project,
                                                                g_array_index (ids, gint64, i), &error);

          if (annotation == NULL)
            {
              drop_step (self, step);
              toast (self, error->message);
              return FALSE;
            }
          g_ptr_array_add (step->deleted, annotation);
        }
    }

  if (!bw_project_delete_category (self->project, id, move_to, &error))
    {
      drop_step (self, step);
      toast (self, error->message);
      return FALSE;
    }

  /* Select the category that took the annotations, or the neighbour. */
  if (move_to != 0)
    bw_taxonomy_dialog_select (self, move_to);
  else if (self->categories->len > 0)
    bw_taxonomy_dialog_select (self, ((BwCategory *) g_ptr_array_index (self->categories,
                                                                       MIN (index, self->categories->len - 1)))->id);
  return TRUE;
}

typedef struct
{
  BwTaxonomyDialog *self;
  gint64            id;
  GArray           *targets;    /* ids offered in the drop-down */
  GtkDropDown      *drop_down;
} ChoiceData;

static void
choice_data_free (ChoiceData *data)
{
  g_object_unref (data->self);
  g_array_unref (data->targets);
  g_free (data);
}

static void
choice_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    ChoiceData       *data)
{
  gint64 target = 0;
  guint chosen = gtk_drop_down_get_selected (data->drop_down);

  if (data->self->project == NULL)
    return;

  if (chosen != GTK_INVALID_LIST_POSITION && chosen < data->targets->len)
    target = g_array_index (data->targets, gint64, chosen);

  if (g_str_equal (response, "merge") || g_str_equal (response, "move"))
    {
      if (target != 0)
        delete_category (data->self, data->id, target, g_str_equal (response, "merge"));
    }
  else if (g_str_equal (response, "delete"))
    delete_category (data->self, data->id, 0, FALSE);
}

/* Asks where the annotations of the selected category go: for a merge
 * (@merge) or for a delete. */
static void
ask_target (BwTaxonomyDialog *self,
            gboolean          merge)
{
  const BwCategory *category;
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  g_autofree char *number = NULL;
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  ChoiceData *data;
  GtkWidget *dialog;
  GtkWidget *box;
  GtkWidget *label;
  gint64 n;

  if (!(category = find_category (self, self->selected_id, NULL)))
    return;

  n = bw_project_count_category_annotations (self->project, category->id);
  number = g_strdup_printf ("%" G_GINT64_FORMAT, n);

  data = g_new0 (ChoiceData, 1);
  data->self = g_object_ref (self);
  data->id = category->id;
  data->targets = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint i = 0; i < self->categories->len; i++)
    {
      const BwCategory *other = g_ptr_array_index (self->categories, i);

      if (other->id == category->id)
        continue;
      gtk_string_list_append (names, other->name);
      g_array_append_val (data->targets, other->id);
    }

  if (merge)
    {
      heading = g_strdup_printf (_("Merge “%s” Into Another Category?"), category->name);
      if (n == 0)
        body = g_strdup_printf (_("“%s” has no annotations: merging deletes it."), category->name);
      else
        body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "Its %s annotation moves to the category chosen below, and “%s” is deleted.",
                                             "Its %s annotations move to the category chosen below, and “%s” is deleted.",
                                             n),
                                number, category->name);
    }
  else
    {
      heading = g_strdup_printf (_("Delete “%s”?"), category->name);
      body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "“%s” has %s annotation. Move it to the category chosen below, or delete it too.",
                                           "“%s” has %s annotations. Move them to the category chosen below, or delete them too.",
                                           n),
                              category->name, number);
    }

  dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, body);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  label = gtk_label_new_with_mnemonic (merge ? _("_Merge into") : _("_Move annotations to"));
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  /* Typing in the list's search entry finds a category by name. */
  data->drop_down = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (g_object_ref (names)),
                                                      gtk_property_expression_new (GTK_TYPE_STRING_OBJECT,
                                                                                   NULL, "string")));
  gtk_drop_down_set_enable_search (data->drop_down, TRUE);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), GTK_WIDGET (data->drop_down));
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (data->drop_down));
  gtk_widget_set_visible (box, data->targets->len > 0);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"));
  if (merge)
    {
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "merge", _("_Merge"));
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "merge",
                                                  ADW_RESPONSE_SUGGESTED);
      adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "merge");
      adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "merge",
                                               data->targets->len > 0);
    }
  else
    {
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "move", _("_Move and Delete"));
      adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "move",
                                               data->targets->len > 0);
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "delete", _("_Delete Annotations Too"));
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete",
                                                  ADW_RESPONSE_DESTRUCTIVE);
      adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog),
                                               data->targets->len > 0 ? "move" : "cancel");
    }
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");

  g_signal_connect_data (dialog, "response", G_CALLBACK (choice_response_cb), data,
                         (GClosureNotify) (void (*) (void)) choice_data_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  BwTaxonomyDialog *self = BW_TAXONOMY_DIALOG (widget);

  if (self->selected_id == 0)
    return;

  /* Without annotations nothing is lost, and undo brings it back. */
  if (bw_project_count_category_annotations (self->project, self->selected_id) == 0)
    delete_category (self, self->selected_id, 0, FALSE);
  else
    ask_target (self, FALSE);
}

static void
merge_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  BwTaxonomyDialog *self = BW_TAXONOMY_DIALOG (widget);

  if (self->selected_id != 0 && self->categories->len > 1)
    ask_target (self, TRUE);
}

/* Import and export */

static void
show_import_report (BwTaxonomyDialog       *self,
                    BwTaxonomyImportReport *report)
{
  g_autofree char *summary = NULL;

  summary = g_strdup_printf (_("%u added, %u updated, %u unchanged, %u clashes"),
                             report->added->len, report->updated->len,
                             report->unchanged, report->clashes->len);

  if (report->clashes->len == 0)
    {
      toast (self, summary);
      return;
    }

  {
    g_autoptr(GString) body = g_string_new (summary);
    GtkWidget *dialog;

    g_string_append (body, "\n");
    for (guint i = 0; i < report->clashes->len; i++)
      g_string_append_printf (body, "\n• %s", (const char *) g_ptr_array_index (report->clashes, i));

    dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Imported, With Clashes"), body->str);
    adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
    gtk_window_present (GTK_WINDOW (dialog));
  }
}

gboolean
bw_taxonomy_dialog_import_file (BwTaxonomyDialog  *self,
                                GFile             *file,
                                GError           **error)
{
  g_autoptr(BwTaxonomyImportReport) report = NULL;
  UndoStep *step;

  g_return_val_if_fail (BW_IS_TAXONOMY_DIALOG (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  commit_fields (self);
  step = push_step (self, _("Import"), self->selected_id);

  if (!(report = bw_taxonomy_import (self->project, file, error)))
    {
      drop_step (self, step);
      return FALSE;
    }

  if (report->added->len == 0 && report->updated->len == 0)
    drop_step (self, step);

  reload (self);
  load_editor (self);
  show_import_report (self, report);
  return TRUE;
}

gboolean
bw_taxonomy_dialog_export_file (BwTaxonomyDialog  *self,
                                GFile             *file,
                                GError           **error)
{
  g_autofree char *name = NULL;
  g_autofree char *message = NULL;

  g_return_val_if_fail (BW_IS_TAXONOMY_DIALOG (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  commit_fields (self);
  if (!bw_taxonomy_export (self->project, file, error))
    return FALSE;

  name = g_file_get_basename (file);
  message = g_strdup_printf (_("Taxonomy saved as “%s”"), name);
  toast (self, message);
  return TRUE;
}

static GListModel *
json_filters (void)
{
  GListStore *filters = g_list_store_new (GTK_TYPE_FILE_FILTER);
  g_autoptr(GtkFileFilter) json = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

  gtk_file_filter_set_name (json, _("JSON Files"));
  gtk_file_filter_add_pattern (json, "*.json");
  gtk_file_filter_add_mime_type (json, "application/json");
  gtk_file_filter_set_name (all, _("All Files"));
  gtk_file_filter_add_pattern (all, "*");
  g_list_store_append (filters, json);
  g_list_store_append (filters, all);
  return G_LIST_MODEL (filters);
}

static void
file_chosen (BwTaxonomyDialog *self,
             GFile            *file,
             gboolean          import)
{
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (file == NULL || self->project == NULL)
    return;

  ok = import ? bw_taxonomy_dialog_import_file (self, file, &error)
              : bw_taxonomy_dialog_export_file (self, file, &error);
  if (!ok)
    {
      GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self),
                                                  import ? _("Could Not Import the Taxonomy")
                                                         : _("Could Not Export the Taxonomy"),
                                                  error->message);

      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
    }
}

#if GTK_CHECK_VERSION (4, 10, 0)
static void
open_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(BwTaxonomyDialog) self = user_data;
  g_autoptr(GFile) file = gtk_file_dialog_open_finish (GTK_FILE_DIALOG (source), result, NULL);

  file_chosen (self, file, TRUE);
}

static void
save_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(BwTaxonomyDialog) self = user_data;
  g_autoptr(GFile) file = gtk_file_dialog_save_finish (GTK_FILE_DIALOG (source), result, NULL);

  file_chosen (self, file, FALSE);
}
#else
static void
native_response_cb (GtkNativeDialog  *native,
                    int               response,
                    gpointer          user_data)
{
  g_autoptr(BwTaxonomyDialog) self = user_data;

  if (response == GTK_RESPONSE_ACCEPT && self->project != NULL)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));

      file_chosen (self, file,
                   gtk_file_chooser_get_action (GTK_FILE_CHOOSER (native)) == GTK_FILE_CHOOSER_ACTION_OPEN);
    }
  gtk_native_dialog_destroy (native);
  g_object_unref (native);
}
#endif

static void
choose_file (BwTaxonomyDialog *self,
             gboolean          import)
{
  g_autoptr(GListModel) filters = json_filters ();
  g_autofree char *suggested = g_strdup_printf ("%s-taxonomy.json",
                                                bw_project_get_display_name (self->project));
  char *dot = strstr (suggested, ".boxwood-");

  /* "birds.boxwood" → "birds-taxonomy.json" */
  if (dot != NULL)
    memmove (dot, dot + strlen (".boxwood"), strlen (dot + strlen (".boxwood")) + 1);

#if GTK_CHECK_VERSION (4, 10, 0)
  {
    g_autoptr(GtkFileDialog) dialog = gtk_file_dialog_new ();

    gtk_file_dialog_set_filters (dialog, filters);
    gtk_file_dialog_set_modal (dialog, TRUE);
    if (import)
      {
        gtk_file_dialog_set_title (dialog, _("Import a Taxonomy"));
        gtk_file_dialog_open (dialog, GTK_WINDOW (self), NULL, open_done_cb, g_object_ref (self));
      }
    else
      {
        gtk_file_dialog_set_title (dialog, _("Export the Taxonomy"));
        gtk_file_dialog_set_initial_name (dialog, suggested);
        gtk_file_dialog_save (dialog, GTK_WINDOW (self), NULL, save_done_cb, g_object_ref (self));
      }
  }
#else
  {
    GtkFileChooserNative *native;

    native = gtk_file_chooser_native_new (import ? _("Import a Taxonomy") : _("Export the Taxonomy"),
                                          GTK_WINDOW (self),
                                          import ? GTK_FILE_CHOOSER_ACTION_OPEN : GTK_FILE_CHOOSER_ACTION_SAVE,
                                          import ? _("_Import") : _("_Export"), _("_Cancel"));
    for (guint i = 0; i < g_list_model_get_n_items (filters); i++)
      {
        g_autoptr(GtkFileFilter) filter = g_list_model_get_item (filters, i);

        gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);
      }
    if (!import)
      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), suggested);
    gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
    g_signal_connect (native, "response", G_CALLBACK (native_response_cb), g_object_ref (self));
    gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
  }
#endif
}

static void
import_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  choose_file (BW_TAXONOMY_DIALOG (widget), TRUE);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  choose_file (BW_TAXONOMY_DIALOG (widget), FALSE);
}

static void
update_actions (BwTaxonomyDialog *self)
{
  guint index = 0;
  gboolean selected = find_category (self, self->selected_id, &index) != NULL;
  guint n = self->categories ? self->categories->len : 0;
  GtkWidget *widget = GTK_WIDGET (self);

  gboolean categories = !showing_reasons (self);

  /* The category actions (and their keys) act on the categories page only. */
  selected = selected && categories;
  gtk_widget_action_set_enabled (widget, "taxonomy.add", categories);
  gtk_widget_action_set_enabled (widget, "taxonomy.delete", selected);
  gtk_widget_action_set_enabled (widget, "taxonomy.merge", selected && n > 1);
  gtk_widget_action_set_enabled (widget, "taxonomy.move-up", selected && index > 0);
  gtk_widget_action_set_enabled (widget, "taxonomy.move-down", selected && index + 1 < n);
  gtk_widget_action_set_enabled (widget, "taxonomy.undo", categories && self->undo->len > 0);
  gtk_widget_action_set_enabled (widget, "taxonomy.import", categories);
  gtk_widget_action_set_enabled (widget, "taxonomy.export", categories && n > 0);
}

/* Leaving a page is leaving its fields: what was typed there is saved. */
static void
page_changed_cb (BwTaxonomyDialog *self)
{
  const char *page = adw_view_stack_get_visible_child_name (self->view_stack);
  gboolean reasons = g_strcmp0 (page, "categories") != 0;

  if (g_strcmp0 (page, "categories") != 0)
    commit_fields (self);
  if (g_strcmp0 (page, "reasons") != 0)
    bw_reasons_editor_commit (self->reasons_editor);
  if (g_strcmp0 (page, "guidelines") != 0)
    commit_document (self);

  gtk_widget_set_visible (self->add_button, !reasons);
  gtk_widget_set_visible (self->undo_button, !reasons);
  gtk_widget_set_visible (self->import_button, !reasons);
  gtk_widget_set_visible (self->export_button, !reasons);
  update_actions (self);
}

static void
reasons_message_cb (BwTaxonomyDialog *self,
                    const char       *text)
{
  toast (self, text);
}

/* Escape first puts back a field being edited; then it closes. */
static void
close_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  BwTaxonomyDialog *self = BW_TAXONOMY_DIALOG (widget);

  if (showing_reasons (self) ? bw_reasons_editor_revert (self->reasons_editor)
                             : revert_fields (self))
    return;
  gtk_window_close (GTK_WINDOW (widget));
}

/* Closing otherwise (the window's button) is leaving the field. */
static gboolean
close_request_cb (BwTaxonomyDialog *self)
{
  commit_fields (self);
  bw_reasons_editor_commit (self->reasons_editor);
  commit_document (self);
  return FALSE;
}

static gboolean
showing_reasons (BwTaxonomyDialog *self)
{
  return g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack), "reasons") == 0;
}

/* Public */

/**
 * bw_taxonomy_dialog_show_page:
 * @page: "categories" or "reasons"
 */
void
bw_taxonomy_dialog_show_page (BwTaxonomyDialog *self,
                              const char       *page)
{
  g_return_if_fail (BW_IS_TAXONOMY_DIALOG (self));

  adw_view_stack_set_visible_child_name (self->view_stack, page);
}

BwTaxonomyDialog *
bw_taxonomy_dialog_new (BwProject *project)
{
  g_return_val_if_fail (BW_IS_PROJECT (project), NULL);

  return g_object_new (BW_TYPE_TAXONOMY_DIALOG, "project", project, NULL);
}

BwProject *
bw_taxonomy_dialog_get_project (BwTaxonomyDialog *self)
{
  g_return_val_if_fail (BW_IS_TAXONOMY_DIALOG (self), NULL);

  return self->project;
}

gint64
bw_taxonomy_dialog_get_selected_id (BwTaxonomyDialog *self)
{
  g_return_val_if_fail (BW_IS_TAXONOMY_DIALOG (self), 0);

  return self->selected_id;
}

void
bw_taxonomy_dialog_select (BwTaxonomyDialog *self,
                           gint64            category_id)
{
  GtkListBoxRow *row;

  g_return_if_fail (BW_IS_TAXONOMY_DIALOG (self));

  if ((row = row_for_id (self, category_id)))
    {
      GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

      gtk_list_box_select_row (self->list_box, row);
      /* Keyboard users stay on the category they act on. */
      if (focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (self->list_box)))
        gtk_widget_grab_focus (GTK_WIDGET (row));
    }
}

guint
bw_taxonomy_dialog_get_undo_depth (BwTaxonomyDialog *self)
{
  g_return_val_if_fail (BW_IS_TAXONOMY_DIALOG (self), 0);

  return self->undo->len;
}

/* GObject */

static void
bw_taxonomy_dialog_constructed (GObject *object)
{
  BwTaxonomyDialog *self = BW_TAXONOMY_DIALOG (object);

  G_OBJECT_CLASS (bw_taxonomy_dialog_parent_class)->constructed (object);

  g_assert (self->project != NULL);
  g_signal_connect_object (self->project, "categories-changed",
                           G_CALLBACK (categories_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->project, "annotations-changed",
                           G_CALLBACK (categories_changed_cb), self, G_CONNECT_SWAPPED);
  reload (self);
  load_document (self);
  load_examples (self);
  bw_reasons_editor_set_project (self->reasons_editor, self->project);
  g_signal_connect_object (self->reasons_editor, "message",
                           G_CALLBACK (reasons_message_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->view_stack, "notify::visible-child-name",
                           G_CALLBACK (page_changed_cb), self, G_CONNECT_SWAPPED);

  /* The keyboard starts on the list. */
  if (self->rows->len > 0)
    gtk_widget_grab_focus (GTK_WIDGET (row_for_id (self, self->selected_id)));
  else
    gtk_widget_grab_focus (self->empty_add_button);
}

static void
bw_taxonomy_dialog_dispose (GObject *object)
{
  BwTaxonomyDialog *self = BW_TAXONOMY_DIALOG (object);

  /* A closed dialog may outlive its widgets for a moment (a confirmation
   * holds it): it must not hear the project any more. */
  if (self->project != NULL)
    g_signal_handlers_disconnect_by_data (self->project, self);
  self->disposed = TRUE;
  g_cancellable_cancel (self->examples_cancellable);
  g_clear_object (&self->examples_cancellable);
  g_clear_object (&self->thumbnailer);
  gtk_widget_dispose_template (GTK_WIDGET (self), BW_TYPE_TAXONOMY_DIALOG);
  g_clear_object (&self->project);

  G_OBJECT_CLASS (bw_taxonomy_dialog_parent_class)->dispose (object);
}

static void
bw_taxonomy_dialog_finalize (GObject *object)
{
  BwTaxonomyDialog *self = BW_TAXONOMY_DIALOG (object);

  g_clear_pointer (&self->categories, g_ptr_array_unref);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->undo, g_ptr_array_unref);
  g_free (self->name_problem);
  g_free (self->hotkey_problem);
  g_free (self->document_saved);

  G_OBJECT_CLASS (bw_taxonomy_dialog_parent_class)->finalize (object);
}

static void
bw_taxonomy_dialog_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  BwTaxonomyDialog *self = BW_TAXONOMY_DIALOG (object);

  switch (prop_id)
    {
    case PROP_PROJECT:
      g_value_set_object (value, self->project);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bw_taxonomy_dialog_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  BwTaxonomyDialog *self = BW_TAXONOMY_DIALOG (object);

  switch (prop_id)
    {
    case PROP_PROJECT:
      self->project = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bw_taxonomy_dialog_class_init (BwTaxonomyDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = bw_taxonomy_dialog_constructed;
  object_class->dispose = bw_taxonomy_dialog_dispose;
  object_class->finalize = bw_taxonomy_dialog_finalize;
  object_class->get_property = bw_taxonomy_dialog_get_property;
  object_class->set_property = bw_taxonomy_dialog_set_property;

  properties[PROP_PROJECT] =
    g_param_spec_object ("project", NULL, NULL, BW_TYPE_PROJECT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (BW_TYPE_REASONS_EDITOR);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/bw-taxonomy-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, BwTaxonomyDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, BwTaxonomyDialog, view_stack);
  gtk_widget_class_bind_template_child (widget_class, BwTaxonomyDialog, reasons_editor);
  gtk_widget_class_bind_template_child (widget_class, BwTaxonomyDialog, add_button);
  gtk_widget_class_bind_template_child (widget_class, BwTaxonomyDialog, undo_button);
  gtk_widget_class_bind_template_child (widget_class, BwTaxonomyDialog, import_button);
  gtk_widget_class_bind_template_child (widget_class, BwTaxonomyDialog, export_button);
  gtk_widget_class_bind_template_child (widget_class, BwTaxonomyDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, BwTaxonomyDialog, list_box);
  gtk_widget_class_bind_template_child (widget_class, BwTaxonomyDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, BwTaxonomyDialog, supercategory_row);
  gtk_widget_class_bind_template_child (widget_class, BwTaxonomyDialog, color_row);
  gtk_widget_class_bind_template_child (widget_class, BwTaxonomyDialog, hotkey_row);
  gtk_widget_class_bind_template_child (widget_class, BwTaxonomyDialog, count_row);
  gtk_widget_class_bind_template_child (widget_class, BwTaxonomyDialog, problem_label);
  gtk_widget_class_bind_template_child (widget_class, BwTaxonomyDialog, hotkey_hint);
  gtk_widget_class_bind_template_child (widget_class, BwTaxonomyDialog, guideline_view);
  gtk_widget_class_bind_template_child (widget_class, BwTaxonomyDialog, examples_list);
  gtk_widget_class_bind_template_child (widget_class, BwTaxonomyDialog, document_view);
  gtk_widget_class_bind_template_child (widget_class, BwTaxonomyDialog, version_label);
  gtk_widget_class_bind_template_child (widget_class, BwTaxonomyDialog, offer_revealer);
  gtk_widget_class_bind_template_child (widget_class, BwTaxonomyDialog, offer_label);
  gtk_widget_class_bind_template_child (widget_class, BwTaxonomyDialog, empty_add_button);

  gtk_widget_class_install_action (widget_class, "taxonomy.add", NULL, add_action);
  gtk_widget_class_install_action (widget_class, "taxonomy.delete", NULL, delete_action);
  gtk_widget_class_install_action (widget_class, "taxonomy.merge", NULL, merge_action);
  gtk_widget_class_install_action (widget_class, "taxonomy.move-up", NULL, move_action);
  gtk_widget_class_install_action (widget_class, "taxonomy.move-down", NULL, move_action);
  gtk_widget_class_install_action (widget_class, "taxonomy.undo", NULL, undo_action);
  gtk_widget_class_install_action (widget_class, "taxonomy.import", NULL, import_action);
  gtk_widget_class_install_action (widget_class, "taxonomy.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "taxonomy.close", NULL, close_action);
  gtk_widget_class_install_action (widget_class, "taxonomy.save-guidelines", NULL, save_guidelines_action);
  gtk_widget_class_install_action (widget_class, "taxonomy.offer-calibration", NULL, offer_action);
  gtk_widget_class_install_action (widget_class, "taxonomy.offer-exam", NULL, offer_action);
  gtk_widget_class_install_action (widget_class, "taxonomy.offer-dismiss", NULL, offer_action);

  /* The lead took up the offer after a guideline change (the version). */
  signals[START_CALIBRATION_ROUND] =
    g_signal_new ("start-calibration-round", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
  signals[REQUIRE_EXAM_AGAIN] =
    g_signal_new ("require-exam-again", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "taxonomy.save-guidelines", NULL);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "taxonomy.add", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK, "taxonomy.undo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_m, GDK_CONTROL_MASK, "taxonomy.merge", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Up, GDK_ALT_MASK, "taxonomy.move-up", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Down, GDK_ALT_MASK, "taxonomy.move-down", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_i, GDK_CONTROL_MASK, "taxonomy.import", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "taxonomy.export", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "taxonomy.close", NULL);
}

static void
bw_taxonomy_dialog_init (BwTaxonomyDialog *self)
{
  GtkEventController *keys;
  GtkShortcut *shortcut;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->rows = g_ptr_array_new ();
  self->undo = g_ptr_array_new_with_free_func ((GDestroyNotify) undo_step_free);

#if GTK_CHECK_VERSION (4, 10, 0)
  self->color_button = gtk_color_dialog_button_new (gtk_color_dialog_new ());
  g_signal_connect_object (self->color_button, "notify::rgba",
                           G_CALLBACK (color_changed_cb), self, G_CONNECT_SWAPPED);
#else
  self->color_button = gtk_color_button_new ();
  gtk_color_chooser_set_use_alpha (GTK_COLOR_CHOOSER (self->color_button), FALSE);
  gtk_color_button_set_modal (GTK_COLOR_BUTTON (self->color_button), TRUE);
  g_signal_connect_object (self->color_button, "color-set",
                           G_CALLBACK (color_changed_cb), self, G_CONNECT_SWAPPED);
#endif
  gtk_widget_set_valign (self->color_button, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->color_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Colour"), -1);
  adw_action_row_add_suffix (self->color_row, self->color_button);
  adw_action_row_set_activatable_widget (self->color_row, self->color_button);

  /* The dialog's undo is the only undo: typing undone inside a field would
   * be saved again as a new change. */
  gtk_editable_set_enable_undo (GTK_EDITABLE (self->name_row), FALSE);
  gtk_editable_set_enable_undo (GTK_EDITABLE (self->supercategory_row), FALSE);
  gtk_editable_set_enable_undo (GTK_EDITABLE (self->hotkey_row), FALSE);
  gtk_text_buffer_set_enable_undo (gtk_text_view_get_buffer (self->guideline_view), FALSE);

  g_signal_connect_object (self->name_row, "changed", G_CALLBACK (name_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->hotkey_row, "changed", G_CALLBACK (hotkey_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->name_row, "entry-activated", G_CALLBACK (entry_activated_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->supercategory_row, "entry-activated", G_CALLBACK (entry_activated_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->hotkey_row, "entry-activated", G_CALLBACK (entry_activated_cb), self, G_CONNECT_SWAPPED);
  watch_field (self, GTK_WIDGET (self->name_row), FIELD_NAME);
  watch_field (self, GTK_WIDGET (self->supercategory_row), FIELD_SUPERCATEGORY);
  watch_field (self, GTK_WIDGET (self->hotkey_row), FIELD_HOTKEY);
  watch_field (self, GTK_WIDGET (self->guideline_view), FIELD_GUIDELINE);
  g_signal_connect_object (self->list_box, "row-selected", G_CALLBACK (row_selected_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->list_box, "row-activated", G_CALLBACK (row_activated_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect (self, "close-request", G_CALLBACK (close_request_cb), NULL);

  /* Delete deletes a category only from the list: in a field it deletes text. */
  keys = gtk_shortcut_controller_new ();
  shortcut = gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Delete, 0),
                               gtk_named_action_new ("taxonomy.delete"));
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (keys), shortcut);
  gtk_widget_add_controller (GTK_WIDGET (self->list_box), keys);

  update_actions (self);
}
