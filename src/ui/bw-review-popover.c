/* bw-review-popover.c — asks a reviewer for a reason and a comment
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Opened by R over the shape to reject, and by a click of the comment
 * tool where the comment is to be pinned: the project's rejection
 * reasons, each with its key 1–9, and an optional comment. For a
 * rejection, which needs a reason, the popover opens on the reasons: a
 * digit picks its reason and moves on to the comment; Enter (in the
 * comment or on a reason) confirms. A pinned comment opens on its text,
 * and a reason may be clicked.
 */

#define G_LOG_DOMAIN "bw-review-popover"

#include "config.h"

#include <glib/gi18n.h>

#include "bw-review-popover.h"

struct _BwReviewPopover
{
  GtkPopover   parent_instance;

  GArray      *reason_ids;     /* gint64, one per row */
  GArray      *hotkeys;        /* int, one per row */
  gboolean     require_reason;

  GtkLabel    *title_label;
  GtkLabel    *hint_label;
  GtkListBox  *reason_list;
  GtkEntry    *comment_entry;
  GtkButton   *cancel_button;
  GtkButton   *confirm_button;
};

G_DEFINE_FINAL_TYPE (BwReviewPopover, bw_review_popover, GTK_TYPE_POPOVER)

enum {
  CONFIRMED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
update_confirm (BwReviewPopover *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->confirm_button),
                            !self->require_reason || bw_review_popover_get_reason (self) > 0);
}

/**
 * bw_review_popover_setup:
 * @reasons: (element-type BwRejectionReason): the project's reasons;
 *   hidden ones are left out
 *
 * Fills the popover for one question, with no reason picked and an
 * empty comment.
 */
void
bw_review_popover_setup (BwReviewPopover *self,
                         const char      *title,
                         const char      *confirm_label,
                         gboolean         require_reason,
                         GPtrArray       *reasons)
{
  GtkWidget *child;

  g_return_if_fail (BW_IS_REVIEW_POPOVER (self));

  gtk_label_set_label (self->title_label, title);
  gtk_button_set_label (self->confirm_button, confirm_label);
  gtk_label_set_label (self->hint_label,
                       require_reason ? _("Press the key of a reason, or click it; then Enter")
                                      : _("Type the comment, then Enter; click a reason if one fits"));
  self->require_reason = require_reason;
  gtk_editable_set_text (GTK_EDITABLE (self->comment_entry), "");

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->reason_list))) != NULL)
    gtk_list_box_remove (self->reason_list, child);
  g_array_set_size (self->reason_ids, 0);
  g_array_set_size (self->hotkeys, 0);

  for (guint i = 0; reasons != NULL && i < reasons->len; i++)
    {
      const BwRejectionReason *reason = reasons->pdata[i];
      GtkWidget *box, *key, *name;
      g_autofree char *key_text = NULL;

      if (reason->hidden)
        continue;

      box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
      gtk_widget_set_margin_start (box, 6);
      gtk_widget_set_margin_end (box, 6);
      gtk_widget_set_margin_top (box, 4);
      gtk_widget_set_margin_bottom (box, 4);
      key_text = reason->hotkey > 0 ? g_strdup_printf ("%d", reason->hotkey) : g_strdup (" ");
      key = gtk_label_new (key_text);
      gtk_widget_add_css_class (key, "bw-keycap");
      name = gtk_label_new (reason->name);
      gtk_label_set_xalign (GTK_LABEL (name), 0);
      gtk_widget_set_hexpand (name, TRUE);
      gtk_box_append (GTK_BOX (box), key);
      gtk_box_append (GTK_BOX (box), name);
      gtk_list_box_append (self->reason_list, box);

      g_array_append_val (self->reason_ids, reason->id);
      g_array_append_val (self->hotkeys, reason->hotkey);
    }

  gtk_list_box_unselect_all (self->reason_list);
  update_confirm (self);
}

/**
 * bw_review_popover_pick_key:
 * @hotkey: 1–9
 *
 * Picks the reason with key @hotkey, as pressing it does, and moves the
 * focus to the comment.
 *
 * Returns: whether a reason has that key
 */
gboolean
bw_review_popover_pick_key (BwReviewPopover *self,
                            int              hotkey)
{
  g_return_val_if_fail (BW_IS_REVIEW_POPOVER (self), FALSE);

  for (guint i = 0; i < self->hotkeys->len; i++)
    if (g_array_index (self->hotkeys, int, i) == hotkey)
      {
        gtk_list_box_select_row (self->reason_list, gtk_list_box_get_row_at_index (self->reason_list, i));
        gtk_widget_grab_focus (GTK_WIDGET (self->comment_entry));
        return TRUE;
      }

  return FALSE;
}

/* Returns: the reason picked, or 0 */
gint64
bw_review_popover_get_reason (BwReviewPopover *self)
{
  GtkListBoxRow *row;

  g_return_val_if_fail (BW_IS_REVIEW_POPOVER (self), 0);

  row = gtk_list_box_get_selected_row (self->reason_list);
  if (row == NULL)
    return 0;
  return g_array_index (self->reason_ids, gint64, gtk_list_box_row_get_index (row));
}

void
bw_review_popover_set_comment (BwReviewPopover *self,
                               const char      *comment)
{
  g_return_if_fail (BW_IS_REVIEW_POPOVER (self));

  gtk_editable_set_text (GTK_EDITABLE (self->comment_entry), comment ? comment : "");
}

/**
 * bw_review_popover_confirm:
 *
 * Emits "confirmed" with the reason and comment and closes, as Enter
 * does; refused (with the popover left open) while a required reason is
 * missing.
 *
 * Returns: whether it was confirmed
 */
gboolean
bw_review_popover_confirm (BwReviewPopover *self)
{
  g_autofree char *comment = NULL;
  gint64 reason_id;

  g_return_val_if_fail (BW_IS_REVIEW_POPOVER (self), FALSE);

  reason_id = bw_review_popover_get_reason (self);
  if (self->require_reason && reason_id <= 0)
    {
      gtk_widget_error_bell (GTK_WIDGET (self));
      gtk_widget_grab_focus (GTK_WIDGET (self->reason_list));
      return FALSE;
    }

  comment = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->comment_entry))));
  gtk_popover_popdown (GTK_POPOVER (self));
  g_signal_emit (self, signals[CONFIRMED], 0, reason_id, comment);

  return TRUE;
}

static void
row_activated_cb (BwReviewPopover *self,
                  GtkListBoxRow   *row)
{
  bw_review_popover_confirm (self);
}

static void
row_selected_cb (BwReviewPopover *self)
{
  update_confirm (self);
}

static gboolean
key_pressed_cb (BwReviewPopover       *self,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                GtkEventControllerKey *controller)
{
  GtkWidget *focus = gtk_root_get_focus (gtk_widget_get_root (GTK_WIDGET (self)));
  gunichar c = gdk_keyval_to_unicode (keyval);

  /* In the comment the digits are the comment's. */
  if (focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (self->comment_entry)))
    return FALSE;
  if ((state & (GDK_CONTROL_MASK | GDK_ALT_MASK)) != 0 || c < '1' || c > '9')
    return FALSE;

  return bw_review_popover_pick_key (self, c - '0');
}

static void
shown_cb (BwReviewPopover *self)
{
  GtkListBoxRow *first = gtk_list_box_get_row_at_index (self->reason_list, 0);

  /* A rejection starts on the reasons, so their keys work at once; a
   * comment, on its text. */
  if (first != NULL && self->require_reason)
    gtk_widget_grab_focus (GTK_WIDGET (first));
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->comment_entry));
  /* Focus on a row picks it; nothing is picked before the user does. */
  gtk_list_box_unselect_all (self->reason_list);
  update_confirm (self);
}

GtkWidget *
bw_review_popover_new (void)
{
  return g_object_new (BW_TYPE_REVIEW_POPOVER, NULL);
}

static void
bw_review_popover_dispose (GObject *object)
{
  BwReviewPopover *self = BW_REVIEW_POPOVER (object);

  /* The list tells of its rows going while the buttons may be gone. */
  if (self->reason_list != NULL)
    g_signal_handlers_disconnect_by_data (self->reason_list, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), BW_TYPE_REVIEW_POPOVER);

  G_OBJECT_CLASS (bw_review_popover_parent_class)->dispose (object);
}

static void
bw_review_popover_finalize (GObject *object)
{
  BwReviewPopover *self = BW_REVIEW_POPOVER (object);

  g_array_unref (self->reason_ids);
  g_array_unref (self->hotkeys);

  G_OBJECT_CLASS (bw_review_popover_parent_class)->finalize (object);
}

static void
bw_review_popover_class_init (BwReviewPopoverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bw_review_popover_dispose;
  object_class->finalize = bw_review_popover_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/boxwood/Boxwood/bw-review-popover.ui");
  gtk_widget_class_bind_template_child (widget_class, BwReviewPopover, title_label);
  gtk_widget_class_bind_template_child (widget_class, BwReviewPopover, hint_label);
  gtk_widget_class_bind_template_child (widget_class, BwReviewPopover, reason_list);
  gtk_widget_class_bind_template_child (widget_class, BwReviewPopover, comment_entry);
  gtk_widget_class_bind_template_child (widget_class, BwReviewPopover, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, BwReviewPopover, confirm_button);

  signals[CONFIRMED] =
    g_signal_new ("confirmed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_STRING);
}

static void
bw_review_popover_init (BwReviewPopover *self)
{
  GtkEventController *controller;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->reason_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->hotkeys = g_array_new (FALSE, FALSE, sizeof (int));

  g_signal_connect_object (self->reason_list, "row-activated", G_CALLBACK (row_activated_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->reason_list, "selected-rows-changed", G_CALLBACK (row_selected_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->comment_entry, "activate", G_CALLBACK (bw_review_popover_confirm), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->confirm_button, "clicked", G_CALLBACK (bw_review_popover_confirm), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->cancel_button, "clicked", G_CALLBACK (gtk_popover_popdown), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect (self, "show", G_CALLBACK (shown_cb), NULL);

  controller = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect_object (controller, "key-pressed", G_CALLBACK (key_pressed_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}
