/* bw-reasons-editor.c — the project's rejection reasons, edited
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A page of the taxonomy dialog: one row per reason, its name typed in
 * place, its key (1–9) chosen from a list, moved up or down, deleted. As
 * in the category editor, a name is checked as it is typed and saved only
 * when it is committed (Enter, or the focus leaving it); Escape puts back
 * what is saved. Everything else is saved at once. A reason that reviews
 * use is hidden rather than deleted (the store decides); hidden ones are
 * listed below, to be restored.
 */

#define G_LOG_DOMAIN "bw-reasons-editor"

#include "config.h"

#include <glib/gi18n.h>

#include "bw-reasons-editor.h"

#define N_KEYS 9

typedef enum
{
  PART_NONE,
  PART_ENTRY,
  PART_KEY,
  PART_UP,
  PART_DOWN,
  PART_DELETE,
  PART_RESTORE,
} Part;

typedef struct
{
  gint64       id;
  gboolean     hidden;
  GtkWidget   *row;             /* AdwEntryRow, or AdwActionRow when hidden */
  GtkDropDown *key;
  GtkWidget   *up;
  GtkWidget   *down;
  GtkWidget   *remove;
  GtkWidget   *restore;
} Row;

struct _BwReasonsEditor
{
  AdwBin               parent_instance;

  BwProject           *project;
  GPtrArray           *reasons;   /* BwRejectionReason: shown ones, then hidden ones */
  GPtrArray           *rows;      /* Row, parallel to reasons */
  gint64               problem_id;
  char                *problem;
  guint                loading;
  gboolean             committing;

  AdwPreferencesGroup *group;
  AdwPreferencesGroup *hidden_group;
  GtkLabel            *problem_label;
};

G_DEFINE_FINAL_TYPE (BwReasonsEditor, bw_reasons_editor, ADW_TYPE_BIN)

enum {
  MESSAGE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
say (BwReasonsEditor *self,
     const char      *text)
{
  g_signal_emit (self, signals[MESSAGE], 0, text);
}

static Row *
find_row (BwReasonsEditor *self,
          gint64           id,
          guint           *out_index)
{
  for (guint i = 0; self->rows != NULL && i < self->rows->len; i++)
    {
      Row *row = self->rows->pdata[i];

      if (row->id == id)
        {
          if (out_index != NULL)
            *out_index = i;
          return row;
        }
    }
  return NULL;
}

static const BwRejectionReason *
find_reason (BwReasonsEditor *self,
             gint64           id)
{
  guint index;

  if (!find_row (self, id, &index))
    return NULL;
  return self->reasons->pdata[index];
}

static gint64
widget_reason_id (GtkWidget *widget)
{
  gint64 *id = g_object_get_data (G_OBJECT (widget), "bw-reason-id");

  return id != NULL ? *id : 0;
}

static void
tag_widget (GtkWidget *widget,
            gint64     id,
            Part       part)
{
  g_object_set_data_full (G_OBJECT (widget), "bw-reason-id", g_memdup2 (&id, sizeof id), g_free);
  g_object_set_data (G_OBJECT (widget), "bw-reason-part", GUINT_TO_POINTER (part));
}

/* The problem of the name being typed */

static void
show_problem (BwReasonsEditor *self)
{
  gtk_label_set_label (self->problem_label, self->problem ? self->problem : "");
  gtk_widget_set_visible (GTK_WIDGET (self->problem_label), self->problem != NULL);

  for (guint i = 0; i < self->rows->len; i++)
    {
      Row *row = self->rows->pdata[i];

      if (row->hidden)
        continue;
      if (self->problem != NULL && row->id == self->problem_id)
        gtk_widget_add_css_class (row->row, "error");
      else
        gtk_widget_remove_css_class (row->row, "error");
      gtk_accessible_update_property (GTK_ACCESSIBLE (row->row),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                      self->problem != NULL && row->id == self->problem_id
                                      ? self->problem : "", -1);
    }
}

static void
set_problem (BwReasonsEditor *self,
             gint64           id,
             const char      *problem)
{
  if (problem == NULL && id != self->problem_id)
    return;
  g_clear_pointer (&self->problem, g_free);
  self->problem = g_strdup (problem);
  self->problem_id = problem != NULL ? id : 0;
  show_problem (self);
}

static char *
typed_name (Row *row)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row->row))));
}

static gboolean
name_is_edited (BwReasonsEditor *self,
                Row             *row)
{
  const BwRejectionReason *reason = find_reason (self, row->id);
  g_autofree char *text = NULL;

  if (row->hidden || reason == NULL)
    return FALSE;
  text = typed_name (row);
  return g_strcmp0 (text, reason->name) != 0;
}

/* Saving */

/* Saves the name typed in @row when it differs from what is saved.
 * Returns FALSE when it has a problem (shown under the list). */
static gboolean
commit_row (BwReasonsEditor *self,
            Row             *row)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (self->loading || row->hidden || !name_is_edited (self, row))
    return TRUE;

  text = typed_name (row);
  if (!bw_project_rename_rejection_reason (self->project, row->id, text, &error))
    {
      set_problem (self, row->id, error->message);
      return FALSE;
    }

  set_problem (self, row->id, NULL);
  bw_reasons_editor_reload (self);
  return TRUE;
}

/**
 * bw_reasons_editor_commit:
 *
 * Saves every name typed and not yet saved: before anything else changes
 * the reasons, and when the dialog closes.
 *
 * Returns: %FALSE when a name has a problem and was not saved
 */
gboolean
bw_reasons_editor_commit (BwReasonsEditor *self)
{
  gboolean ok = TRUE;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_return_val_if_fail (BW_IS_REASONS_EDITOR (self), FALSE);

  if (self->committing || self->project == NULL)
    return TRUE;

  /* Saving reloads, which may replace the rows: go by id. */
  for (guint i = 0; i < self->rows->len; i++)
    g_array_append_val (ids, ((Row *) self->rows->pdata[i])->id);

  self->committing = TRUE;
  for (guint i = 0; i < ids->len; i++)
    {
      Row *row = find_row (self, g_array_index (ids, gint64, i), NULL);

      if (row != NULL && !commit_row (self, row))
        ok = FALSE;
    }
  self->committing = FALSE;
  return ok;
}

/**
 * bw_reasons_editor_revert:
 *
 * Puts back the saved name in every row being edited.
 *
 * Returns: whether there was anything to put back
 */
gboolean
bw_reasons_editor_revert (BwReasonsEditor *self)
{
  gboolean any = FALSE;

  g_return_val_if_fail (BW_IS_REASONS_EDITOR (self), FALSE);

  self->loading++;
  for (guint i = 0; i < self->rows->len; i++)
    {
      Row *row = self->rows->pdata[i];

      if (name_is_edited (self, row))
        {
          gtk_editable_set_text (GTK_EDITABLE (row->row), find_reason (self, row->id)->name);
          any = TRUE;
        }
    }
  self->loading--;
  if (self->problem != NULL)
    any = TRUE;
  set_problem (self, self->problem_id, NULL);
  return any;
}

static void
name_changed_cb (BwReasonsEditor *self,
                 GtkEditable     *editable)
{
  g_autoptr(GError) error = NULL;
  gint64 id = widget_reason_id (GTK_WIDGET (editable));

  if (self->loading)
    return;

  if (!bw_project_check_rejection_reason_name (self->project, id,
                                               gtk_editable_get_text (editable), &error))
    set_problem (self, id, error->message);
  else
    set_problem (self, id, NULL);
}

static void
name_activated_cb (BwReasonsEditor *self,
                   AdwEntryRow     *entry)
{
  Row *row = find_row (self, widget_reason_id (GTK_WIDGET (entry)), NULL);

  if (row != NULL)
    commit_row (self, row);
}

static void
name_left_cb (GtkEventControllerFocus *controller,
              BwReasonsEditor         *self)
{
  GtkWidget *widget = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller));
  Row *row = find_row (self, widget_reason_id (widget), NULL);

  if (row != NULL && !self->committing)
    {
      self->committing = TRUE;
      commit_row (self, row);
      self->committing = FALSE;
    }
}

/* The lowest key no shown reason has, or 0. */
static int
free_key (BwReasonsEditor *self)
{
  gboolean used[N_KEYS + 1] = { FALSE };

  for (guint i = 0; i < self->reasons->len; i++)
    {
      const BwRejectionReason *reason = self->reasons->pdata[i];

      if (reason->hotkey >= 1 && reason->hotkey <= N_KEYS)
        used[reason->hotkey] = TRUE;
    }
  for (int k = 1; k <= N_KEYS; k++)
    if (!used[k])
      return k;
  return 0;
}

/* A key another reason has moves to this one: the list of nine keys is
 * short, and asking to clear the other first would only slow people
 * down. Both changes are one transaction. */
static void
key_selected_cb (BwReasonsEditor *self,
                 GParamSpec      *pspec,
                 GtkDropDown     *drop_down)
{
  g_autoptr(GError) error = NULL;
  gint64 id = widget_reason_id (GTK_WIDGET (drop_down));
  guint selected = gtk_drop_down_get_selected (drop_down);
  int key = selected == GTK_INVALID_LIST_POSITION ? 0 : (int) selected;
  const BwRejectionReason *reason, *other = NULL;
  g_autofree char *other_name = NULL;
  g_autofree char *name = NULL;

  if (self->loading || !(reason = find_reason (self, id)) || reason->hotkey == key)
    return;
  name = g_strdup (reason->name);

  for (guint i = 0; key > 0 && i < self->reasons->len; i++)
    {
      const BwRejectionReason *r = self->reasons->pdata[i];

      if (r->id != id && r->hotkey == key)
        other = r;
    }
  if (other != NULL)
    other_name = g_strdup (other->name);

  if (!bw_project_begin (self->project, &error))
    goto failed;
  if ((other != NULL && !bw_project_set_rejection_reason_hotkey (self->project, other->id, 0, &error)) ||
      !bw_project_set_rejection_reason_hotkey (self->project, id, key, &error))
    {
      bw_project_rollback (self->project);
      goto failed;
    }
  if (!bw_project_commit (self->project, &error))
    goto failed;

  bw_reasons_editor_reload (self);
  if (other_name != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("The key %d now picks “%s”; “%s” has no key."),
                                               key, name, other_name);

      say (self, text);
    }
  return;

failed:
  say (self, error->message);
  bw_reasons_editor_reload (self);
}

static void
move_reason (BwReasonsEditor *self,
             gint64           id,
             int              delta)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  Row *row;
  guint index, n_shown = 0;
  Part part = delta < 0 ? PART_UP : PART_DOWN;

  bw_reasons_editor_commit (self);
  if (!(row = find_row (self, id, &index)) || row->hidden)
    return;

  for (guint i = 0; i < self->rows->len; i++)
    {
      Row *r = self->rows->pdata[i];

      if (!r->hidden)
        {
          g_array_append_val (ids, r->id);
          n_shown++;
        }
    }
  if ((delta < 0 && index == 0) || (delta > 0 && index + 1 >= n_shown))
    return;

  g_array_index (ids, gint64, index) = g_array_index (ids, gint64, index + delta);
  g_array_index (ids, gint64, index + delta) = id;
  if (!bw_project_set_rejection_reason_order (self->project, (const gint64 *) (gpointer) ids->data,
                                              ids->len, &error))
    {
      say (self, error->message);
      return;
    }
  bw_reasons_editor_reload (self);

  /* The keyboard stays on the reason it moves, on the same button while
   * it can go on. */
  if ((row = find_row (self, id, &index)))
    {
      GtkWidget *focus = part == PART_UP ? row->up : row->down;

      if (!gtk_widget_get_sensitive (focus))
        focus = row->row;
      gtk_widget_grab_focus (focus);
    }
}

static void
move_clicked_cb (BwReasonsEditor *self,
                 GtkButton       *button)
{
  Part part = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "bw-reason-part"));

  move_reason (self, widget_reason_id (GTK_WIDGET (button)), part == PART_UP ? -1 : 1);
}

static gboolean
move_shortcut_cb (GtkWidget *widget,
                  GVariant  *args,
                  gpointer   user_data)
{
  BwReasonsEditor *self = BW_REASONS_EDITOR (gtk_widget_get_ancestor (widget, BW_TYPE_REASONS_EDITOR));

  move_reason (self, widget_reason_id (widget), GPOINTER_TO_INT (user_data));
  return TRUE;
}

static void
delete_clicked_cb (BwReasonsEditor *self,
                   GtkButton       *button)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *text = NULL;
  gint64 id = widget_reason_id (GTK_WIDGET (button));
  const BwRejectionReason *reason;
  gboolean hidden = FALSE;
  guint index = 0;
  Row *row;

  bw_reasons_editor_commit (self);
  if (!(reason = find_reason (self, id)))
    return;
  name = g_strdup (reason->name);
  find_row (self, id, &index);

  if (!bw_project_delete_rejection_reason (self->project, id, &hidden, &error))
    {
      say (self, error->message);
      return;
    }
  if (self->problem_id == id)
    set_problem (self, id, NULL);

  text = hidden ? g_strdup_printf (_("Reviews use “%s”, so it is hidden rather than deleted; restore it from the list below."), name)
                : g_strdup_printf (_("“%s” deleted"), name);
  bw_reasons_editor_reload (self);
  say (self, text);

  /* The keyboard goes to the neighbour, or to Add when none is left. */
  row = index < self->rows->len ? self->rows->pdata[index] : NULL;
  if (row == NULL || row->hidden)
    row = index > 0 && index - 1 < self->rows->len ? self->rows->pdata[index - 1] : NULL;
  if (row != NULL && !row->hidden)
    gtk_widget_grab_focus (row->remove);
}

static void
restore_clicked_cb (BwReasonsEditor *self,
                    GtkButton       *button)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  const BwRejectionReason *reason;
  gint64 id = widget_reason_id (GTK_WIDGET (button));
  gint64 restored = 0;
  Row *row;

  bw_reasons_editor_commit (self);
  if (!(reason = find_reason (self, id)))
    return;

  /* Adding a reason by the name of a hidden one brings that one back. */
  if (!bw_project_add_rejection_reason (self->project, reason->name, free_key (self), &restored, &error))
    {
      say (self, error->message);
      return;
    }
  text = g_strdup_printf (_("“%s” restored"), reason->name);
  bw_reasons_editor_reload (self);
  say (self, text);
  if ((row = find_row (self, restored, NULL)))
    gtk_widget_grab_focus (row->row);
}

static void
add_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  BwReasonsEditor *self = BW_REASONS_EDITOR (widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_strdup (_("New reason"));
  gint64 id = 0;
  Row *row;

  if (self->project == NULL)
    return;
  bw_reasons_editor_commit (self);

  for (guint n = 2; !bw_project_check_rejection_reason_name (self->project, 0, name, NULL); n++)
    {
      g_free (name);
      name = g_strdup_printf (_("New reason %u"), n);
    }

  if (!bw_project_add_rejection_reason (self->project, name, free_key (self), &id, &error))
    {
      say (self, error->message);
      return;
    }
  bw_reasons_editor_reload (self);

  if ((row = find_row (self, id, NULL)))
    {
      gtk_widget_grab_focus (row->row);
      gtk_editable_select_region (GTK_EDITABLE (row->row), 0, -1);
    }
}

/* The rows */

static void
row_free (Row *row)
{
  g_free (row);
}

static GtkWidget *
flat_button (const char *icon,
             const char *tooltip)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_widget_add_css_class (button, "flat");
  return button;
}

static GtkDropDown *
key_drop_down (void)
{
  const char *keys[N_KEYS + 2] = { _("No key"), "1", "2", "3", "4", "5", "6", "7", "8", "9", NULL };
  GtkDropDown *drop_down = GTK_DROP_DOWN (gtk_drop_down_new_from_strings (keys));

  gtk_widget_set_valign (GTK_WIDGET (drop_down), GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (GTK_WIDGET (drop_down), _("The key that picks this reason while reviewing"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (drop_down),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Key"), -1);
  return drop_down;
}

static Row *
create_row (BwReasonsEditor         *self,
            const BwRejectionReason *reason)
{
  Row *row = g_new0 (Row, 1);

  row->id = reason->id;
  row->hidden = reason->hidden;

  if (reason->hidden)
    {
      row->row = adw_action_row_new ();
      row->restore = gtk_button_new_with_mnemonic (_("Res_tore"));
      gtk_widget_set_valign (row->restore, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (row->restore, _("Offer this reason to reviewers again"));
      tag_widget (row->restore, reason->id, PART_RESTORE);
      g_signal_connect_object (row->restore, "clicked", G_CALLBACK (restore_clicked_cb), self, G_CONNECT_SWAPPED);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row->row), row->restore);
      tag_widget (row->row, reason->id, PART_NONE);
      adw_preferences_group_add (self->hidden_group, row->row);
      return row;
    }

  row->row = adw_entry_row_new ();
  gtk_editable_set_enable_undo (GTK_EDITABLE (row->row), FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row->row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Name of the rejection reason"), -1);
  tag_widget (row->row, reason->id, PART_ENTRY);
  g_signal_connect_object (row->row, "changed", G_CALLBACK (name_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (row->row, "entry-activated", G_CALLBACK (name_activated_cb), self, G_CONNECT_SWAPPED);
  {
    /* On the text itself: the keyboard going to the row's own buttons
     * leaves the name too. */
    GtkEditable *text = gtk_editable_get_delegate (GTK_EDITABLE (row->row));
    GtkEventController *focus = gtk_event_controller_focus_new ();

    tag_widget (GTK_WIDGET (text), reason->id, PART_ENTRY);
    g_signal_connect_object (focus, "leave", G_CALLBACK (name_left_cb), self, 0);
    gtk_widget_add_controller (GTK_WIDGET (text), focus);
  }

  row->key = key_drop_down ();
  tag_widget (GTK_WIDGET (row->key), reason->id, PART_KEY);
  row->up = flat_button ("go-up-symbolic", _("Move Up (Alt+Up)"));
  tag_widget (row->up, reason->id, PART_UP);
  row->down = flat_button ("go-down-symbolic", _("Move Down (Alt+Down)"));
  tag_widget (row->down, reason->id, PART_DOWN);
  row->remove = flat_button ("user-trash-symbolic", _("Delete this reason (hidden instead while reviews use it)"));
  tag_widget (row->remove, reason->id, PART_DELETE);

  adw_entry_row_add_suffix (ADW_ENTRY_ROW (row->row), GTK_WIDGET (row->key));
  adw_entry_row_add_suffix (ADW_ENTRY_ROW (row->row), row->up);
  adw_entry_row_add_suffix (ADW_ENTRY_ROW (row->row), row->down);
  adw_entry_row_add_suffix (ADW_ENTRY_ROW (row->row), row->remove);

  g_signal_connect_object (row->key, "notify::selected", G_CALLBACK (key_selected_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (row->up, "clicked", G_CALLBACK (move_clicked_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (row->down, "clicked", G_CALLBACK (move_clicked_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (row->remove, "clicked", G_CALLBACK (delete_clicked_cb), self, G_CONNECT_SWAPPED);

  {
    GtkEventController *keys = gtk_shortcut_controller_new ();

    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (keys),
                                          gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Up, GDK_ALT_MASK),
                                                            gtk_callback_action_new (move_shortcut_cb,
                                                                                     GINT_TO_POINTER (-1), NULL)));
    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (keys),
                                          gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Down, GDK_ALT_MASK),
                                                            gtk_callback_action_new (move_shortcut_cb,
                                                                                     GINT_TO_POINTER (1), NULL)));
    gtk_widget_add_controller (row->row, keys);
  }

  adw_preferences_group_add (self->group, row->row);
  return row;
}

static void
fill_row (BwReasonsEditor         *self,
          Row                     *row,
          const BwRejectionReason *reason,
          gboolean                 first,
          gboolean                 last)
{
  g_autofree char *title = NULL;

  if (row->hidden)
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row->row), reason->name);
      return;
    }

  /* A name the user is still fixing stays as they typed it. */
  if (!(self->problem != NULL && self->problem_id == row->id) &&
      g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (row->row)), reason->name) != 0)
    gtk_editable_set_text (GTK_EDITABLE (row->row), reason->name);
  if (gtk_drop_down_get_selected (row->key) != (guint) CLAMP (reason->hotkey, 0, N_KEYS))
    gtk_drop_down_set_selected (row->key, CLAMP (reason->hotkey, 0, N_KEYS));

  gtk_widget_set_sensitive (row->up, !first);
  gtk_widget_set_sensitive (row->down, !last);
}

static gboolean
same_structure (GPtrArray *a,
                GPtrArray *b)
{
  if (a == NULL || a->len != b->len)
    return FALSE;
  for (guint i = 0; i < a->len; i++)
    {
      const BwRejectionReason *x = a->pdata[i], *y = b->pdata[i];

      if (x->id != y->id || x->hidden != y->hidden)
        return FALSE;
    }
  return TRUE;
}

/**
 * bw_reasons_editor_reload:
 *
 * Reads the reasons again. Rows are updated in place while the list keeps
 * its order (the keyboard stays where it is); otherwise they are made
 * again, and the keyboard goes back to the same part of the same reason.
 */
void
bw_reasons_editor_reload (BwReasonsEditor *self)
{
  g_autoptr(GPtrArray) reasons = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *focus;
  gint64 focus_id = 0;
  Part focus_part = PART_NONE;
  guint n_shown = 0, n_hidden = 0;

  g_return_if_fail (BW_IS_REASONS_EDITOR (self));

  if (self->project == NULL)
    return;
  if (!(reasons = bw_project_list_rejection_reasons (self->project, TRUE, &error)))
    {
      say (self, error->message);
      return;
    }

  self->loading++;

  if (!same_structure (self->reasons, reasons))
    {
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

      focus = root != NULL ? gtk_root_get_focus (root) : NULL;
      for (GtkWidget *w = focus; w != NULL && w != GTK_WIDGET (self); w = gtk_widget_get_parent (w))
        if ((focus_id = widget_reason_id (w)) != 0)
          {
            focus_part = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (w), "bw-reason-part"));
            break;
          }

      for (guint i = 0; i < self->rows->len; i++)
        {
          Row *row = self->rows->pdata[i];

          adw_preferences_group_remove (row->hidden ? self->hidden_group : self->group, row->row);
        }
      g_ptr_array_set_size (self->rows, 0);
      for (guint i = 0; i < reasons->len; i++)
        g_ptr_array_add (self->rows, create_row (self, reasons->pdata[i]));
    }

  g_clear_pointer (&self->reasons, g_ptr_array_unref);
  self->reasons = g_steal_pointer (&reasons);

  for (guint i = 0; i < self->reasons->len; i++)
    {
      const BwRejectionReason *reason = self->reasons->pdata[i];

      if (reason->hidden)
        n_hidden++;
      else
        n_shown++;
    }
  for (guint i = 0; i < self->rows->len; i++)
    fill_row (self, self->rows->pdata[i], self->reasons->pdata[i], i == 0, i + 1 == n_shown);
  gtk_widget_set_visible (GTK_WIDGET (self->hidden_group), n_hidden > 0);
  show_problem (self);

  self->loading--;

  if (focus_id != 0)
    {
      Row *row = find_row (self, focus_id, NULL);
      GtkWidget *target = NULL;

      if (row != NULL)
        switch (focus_part)
          {
          case PART_KEY:     target = GTK_WIDGET (row->key); break;
          case PART_UP:      target = row->up; break;
          case PART_DOWN:    target = row->down; break;
          case PART_DELETE:  target = row->remove; break;
          case PART_RESTORE: target = row->restore; break;
          case PART_ENTRY:
          case PART_NONE:
          default:           target = row->row; break;
          }
      if (target == NULL || !gtk_widget_get_sensitive (target))
        target = row != NULL ? row->row : NULL;
      if (target != NULL)
        gtk_widget_grab_focus (target);
    }
}

/* Public */

BwReasonsEditor *
bw_reasons_editor_new (BwProject *project)
{
  BwReasonsEditor *self = g_object_new (BW_TYPE_REASONS_EDITOR, NULL);

  bw_reasons_editor_set_project (self, project);
  return self;
}

void
bw_reasons_editor_set_project (BwReasonsEditor *self,
                               BwProject       *project)
{
  g_return_if_fail (BW_IS_REASONS_EDITOR (self));
  g_return_if_fail (project == NULL || BW_IS_PROJECT (project));

  if (!g_set_object (&self->project, project))
    return;
  g_clear_pointer (&self->reasons, g_ptr_array_unref);
  bw_reasons_editor_reload (self);
}

/* GObject */

static void
bw_reasons_editor_dispose (GObject *object)
{
  BwReasonsEditor *self = BW_REASONS_EDITOR (object);

  /* Rows going away lose the focus: nothing is saved any more. */
  self->loading++;
  gtk_widget_dispose_template (GTK_WIDGET (self), BW_TYPE_REASONS_EDITOR);
  g_clear_object (&self->project);

  G_OBJECT_CLASS (bw_reasons_editor_parent_class)->dispose (object);
}

static void
bw_reasons_editor_finalize (GObject *object)
{
  BwReasonsEditor *self = BW_REASONS_EDITOR (object);

  g_clear_pointer (&self->reasons, g_ptr_array_unref);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_free (self->problem);

  G_OBJECT_CLASS (bw_reasons_editor_parent_class)->finalize (object);
}

static void
bw_reasons_editor_class_init (BwReasonsEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bw_reasons_editor_dispose;
  object_class->finalize = bw_reasons_editor_finalize;

  signals[MESSAGE] =
    g_signal_new ("message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/bw-reasons-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, BwReasonsEditor, group);
  gtk_widget_class_bind_template_child (widget_class, BwReasonsEditor, hidden_group);
  gtk_widget_class_bind_template_child (widget_class, BwReasonsEditor, problem_label);

  gtk_widget_class_install_action (widget_class, "reasons.add", NULL, add_action);
}

static void
bw_reasons_editor_init (BwReasonsEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) row_free);
}
