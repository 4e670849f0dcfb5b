/* bw-window-review.c — the main window's review mode
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The header bar's Annotate / Review switch is the stateful action
 * win.mode ('annotate' or 'review'; Shift+Ctrl+R toggles it with
 * win.toggle-mode). In review mode the side panel shows the review queue
 * instead of the image list, the drawing tools and Submit give way to
 * the verdict buttons, and choosing a queue item opens that image with
 * its annotator's layer, judged by the person signed in. The controller
 * asks for a reason (R) and for a pinned comment (a click of the comment
 * tool) through popovers on the canvas; once an image is accepted
 * (Ctrl+Enter) or returned, the next item of the queue opens.
 */

#define G_LOG_DOMAIN "bw-window"

#include "config.h"

#include <glib/gi18n.h>

#include "bw-annotation-tools.h"
#include "bw-review-popover.h"
#include "bw-review-queue.h"
#include "bw-window-private.h"

static void
show_toast (BwWindow   *self,
            const char *title)
{
  AdwToast *toast = adw_toast_new (title);

  adw_toast_set_timeout (toast, 3);
  bw_toast_overlay_add (self->toast_overlay, toast);
}

static void
update_widgets (BwWindow *self)
{
  gboolean has_project = self->project != NULL;
  gboolean review = self->review_mode && has_project;

  gtk_widget_set_visible (self->mode_box, has_project);
  gtk_widget_set_visible (self->tool_box, has_project && !review);
  gtk_widget_set_visible (self->submit_button, has_project && !review);
  gtk_widget_set_visible (self->nav_box, has_project && !review);
  gtk_widget_set_visible (self->review_box, review);
  gtk_widget_set_visible (self->accept_image_button, review);
  gtk_widget_set_visible (self->return_image_button, review);
  gtk_widget_set_visible (self->image_filter_box, !review);
  if (has_project)
    {
      guint n = g_list_model_get_n_items (G_LIST_MODEL (self->selection));

      gtk_stack_set_visible_child_name (self->list_stack, review ? "review" : n > 0 ? "list" : "empty");
    }
}

/* Opens the queue item of @layer_id (of @image_id) for review. */
static void
open_layer (BwWindow *self,
            gint64    layer_id,
            gint64    image_id)
{
  BwAnnotationController *controller = bw_annotation_tools_get (self);
  g_autoptr(BwImage) image = NULL;
  g_autoptr(GError) error = NULL;

  if (self->project == NULL)
    return;

  if (!(image = bw_project_get_image (self->project, image_id, &error)))
    {
      show_toast (self, error->message);
      return;
    }

  self->review_layer_id = layer_id;
  self->review_image_id = image_id;
  _bw_window_show_image (self, image);

  /* The same image as before (its own layer was shown): no change of
   * image tells the tools, so they are told here. */
  if (controller != NULL &&
      (!bw_annotation_controller_is_review (controller) ||
       bw_annotation_controller_get_layer_id (controller) != layer_id))
    bw_annotation_tools_reload (self);

  gtk_widget_grab_focus (GTK_WIDGET (self->canvas));
}

static void
item_selected_cb (BwWindow *self,
                  gint64    layer_id,
                  gint64    image_id)
{
  if (self->review_mode)
    open_layer (self, layer_id, image_id);
}

/* The oldest item of the queue, or nothing to show. */
static void
open_first (BwWindow *self)
{
  BwReviewQueue *queue = BW_REVIEW_QUEUE (self->review_queue);

  if (bw_review_queue_select (queue, 0))
    return;

  self->review_layer_id = 0;
  self->review_image_id = 0;
  _bw_window_show_image (self, NULL);
  bw_annotation_tools_reload (self);
}

static void
set_mode (BwWindow *self,
          gboolean  review)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "mode");
  gboolean was = self->review_mode;

  if (review && self->person_id <= 0)
    {
      show_toast (self, _("Set your name in Preferences before you review: verdicts are recorded with it"));
      review = FALSE;
    }

  self->review_mode = review;
  if (review != was)
    _bw_window_work_time_mode_changed (self);
  if (action != NULL)
    g_simple_action_set_state (G_SIMPLE_ACTION (action), g_variant_new_string (review ? "review" : "annotate"));
  update_widgets (self);
  _bw_window_update_actions (self);

  if (review == was)
    return;

  if (review)
    {
      bw_review_queue_refresh (BW_REVIEW_QUEUE (self->review_queue));
      open_first (self);
    }
  else
    {
      g_autoptr(BwImageItem) item = NULL;

      /* Back to one's own work, on the image the list had. */
      self->review_layer_id = 0;
      self->review_image_id = 0;
      item = gtk_single_selection_get_selected_item (self->selection);
      item = item != NULL ? g_object_ref (item) : NULL;
      _bw_window_show_image (self, item != NULL ? bw_image_item_get_image (item) : NULL);
      bw_annotation_tools_reload (self);
    }
}

static void
mode_change_state_cb (GSimpleAction *action,
                      GVariant      *state,
                      gpointer       user_data)
{
  set_mode (user_data, g_str_equal (g_variant_get_string (state, NULL), "review"));
}

static void
toggle_mode_cb (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  BwWindow *self = user_data;

  set_mode (self, !self->review_mode);
}

/* After an image was accepted or returned: the queue without it, and the
 * next one open. */
static void
layer_reviewed_cb (BwWindow               *self,
                   gint64                  image_id,
                   gboolean                accepted,
                   BwAnnotationController *controller)
{
  BwReviewQueue *queue = BW_REVIEW_QUEUE (self->review_queue);
  guint n;

  bw_review_queue_refresh (queue);
  n = bw_review_queue_get_n_items (queue);
  if (accepted)
    show_toast (self, n > 0 ? _("Image accepted") : _("Image accepted; nothing is left to review"));
  else
    show_toast (self, n > 0 ? _("Image returned to its annotator")
                            : _("Image returned to its annotator; nothing is left to review"));
  if (self->review_mode)
    open_first (self);
}

/* The selection's box, in the canvas's coordinates. */
static void
selection_rect (BwWindow               *self,
                BwAnnotationController *controller,
                GdkRectangle           *rect)
{
  GArray *selection = bw_annotation_controller_get_selection (controller);
  BwAnnotationSet *set = bw_annotation_controller_get_annotations (controller);
  double x0 = G_MAXDOUBLE, y0 = G_MAXDOUBLE, x1 = -G_MAXDOUBLE, y1 = -G_MAXDOUBLE;
  double wx0, wy0, wx1, wy1;

  for (guint i = 0; i < selection->len; i++)
    {
      const BwAnnotation *a = bw_annotation_set_lookup (set, g_array_index (selection, gint64, i));

      if (a == NULL)
        continue;
      x0 = MIN (x0, a->shape->bbox.x0);
      y0 = MIN (y0, a->shape->bbox.y0);
      x1 = MAX (x1, a->shape->bbox.x1);
      y1 = MAX (y1, a->shape->bbox.y1);
    }
  if (x0 > x1)
    {
      *rect = (GdkRectangle) { gtk_widget_get_width (GTK_WIDGET (self->canvas)) / 2,
                               gtk_widget_get_height (GTK_WIDGET (self->canvas)) / 2, 1, 1 };
      return;
    }

  bw_canvas_image_to_widget (self->canvas, x0, y0, &wx0, &wy0);
  bw_canvas_image_to_widget (self->canvas, x1, y1, &wx1, &wy1);
  wx0 = CLAMP (wx0, 0, gtk_widget_get_width (GTK_WIDGET (self->canvas)));
  wx1 = CLAMP (wx1, 0, gtk_widget_get_width (GTK_WIDGET (self->canvas)));
  wy0 = CLAMP (wy0, 0, gtk_widget_get_height (GTK_WIDGET (self->canvas)));
  wy1 = CLAMP (wy1, 0, gtk_widget_get_height (GTK_WIDGET (self->canvas)));
  *rect = (GdkRectangle) { (int) wx0, (int) wy0, MAX (1, (int) (wx1 - wx0)), MAX (1, (int) (wy1 - wy0)) };
}

static void
reject_requested_cb (BwWindow               *self,
                     BwAnnotationController *controller)
{
  GArray *selection = bw_annotation_controller_get_selection (controller);
  GdkRectangle rect;

  bw_review_popover_setup (BW_REVIEW_POPOVER (self->reject_popover),
                           selection->len == 1 ? _("Reject Shape") : _("Reject Shapes"),
                           _("_Reject"), TRUE, bw_annotation_controller_get_reasons (controller));
  selection_rect (self, controller, &rect);
  gtk_popover_set_pointing_to (GTK_POPOVER (self->reject_popover), &rect);
  gtk_popover_popup (GTK_POPOVER (self->reject_popover));
}

static void
reject_confirmed_cb (BwWindow        *self,
                     gint64           reason_id,
                     const char      *comment,
                     BwReviewPopover *popover)
{
  BwAnnotationController *controller = bw_annotation_tools_get (self);

  if (controller != NULL)
    bw_annotation_controller_reject_selection (controller, reason_id, comment);
  gtk_widget_grab_focus (GTK_WIDGET (self->canvas));
}

static void
pin_requested_cb (BwWindow               *self,
                  double                  x,
                  double                  y,
                  BwAnnotationController *controller)
{
  GdkRectangle rect;
  double wx, wy;

  self->pin_x = x;
  self->pin_y = y;
  bw_review_popover_setup (BW_REVIEW_POPOVER (self->pin_popover), _("Pin a Comment Here"),
                           _("_Pin"), FALSE, bw_annotation_controller_get_reasons (controller));
  bw_canvas_image_to_widget (self->canvas, x, y, &wx, &wy);
  rect = (GdkRectangle) { (int) wx, (int) wy, 1, 1 };
  gtk_popover_set_pointing_to (GTK_POPOVER (self->pin_popover), &rect);
  gtk_popover_popup (GTK_POPOVER (self->pin_popover));
}

static void
pin_confirmed_cb (BwWindow        *self,
                  gint64           reason_id,
                  const char      *comment,
                  BwReviewPopover *popover)
{
  BwAnnotationController *controller = bw_annotation_tools_get (self);

  if (controller != NULL)
    bw_annotation_controller_pin_comment (controller, self->pin_x, self->pin_y, reason_id, comment);
  gtk_widget_grab_focus (GTK_WIDGET (self->canvas));
}

static void
pin_closed_cb (BwWindow *self)
{
  BwAnnotationController *controller = bw_annotation_tools_get (self);

  /* Cancelled: the comment tool stays for another click. */
  if (controller != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (self->canvas));
}

static const GActionEntry review_actions[] = {
  { .name = "mode", .parameter_type = "s", .state = "'annotate'", .change_state = mode_change_state_cb },
  { .name = "toggle-mode", .activate = toggle_mode_cb },
};

void
_bw_window_review_update_actions (BwWindow *self)
{
  GAction *action;

  action = g_action_map_lookup_action (G_ACTION_MAP (self), "mode");
  if (action != NULL)
    g_simple_action_set_enabled (G_SIMPLE_ACTION (action), self->project != NULL);
  action = g_action_map_lookup_action (G_ACTION_MAP (self), "toggle-mode");
  if (action != NULL)
    g_simple_action_set_enabled (G_SIMPLE_ACTION (action), self->project != NULL);
}

/* Work submitted or judged by someone else (another program on the
 * file, a team mate through the server): the queue reads itself again,
 * keeping the item open; a reviewer who had nothing left gets the new
 * work. */
static void
changed_externally_cb (BwWindow               *self,
                       const BwProjectChanges *changes)
{
  if (!changes->work_changed && changes->image_ids->len == 0)
    return;
  bw_review_queue_refresh (BW_REVIEW_QUEUE (self->review_queue));
  if (self->review_mode && self->review_layer_id == 0)
    open_first (self);
}

/* Another project, or none: its queue; review mode stays on. */
void
_bw_window_review_project_changed (BwWindow *self)
{
  if (self->project != NULL)
    g_signal_connect_object (self->project, "changed-externally", G_CALLBACK (changed_externally_cb), self,
                             G_CONNECT_SWAPPED | G_CONNECT_AFTER);
  bw_review_queue_set_project (BW_REVIEW_QUEUE (self->review_queue), self->project);
  self->review_layer_id = 0;
  self->review_image_id = 0;
  if (self->review_mode && (self->project == NULL || self->person_id <= 0))
    set_mode (self, FALSE);
  update_widgets (self);
  if (self->review_mode && self->project != NULL)
    open_first (self);
}

static void
person_changed_cb (BwWindow *self)
{
  if (self->review_mode && self->person_id <= 0)
    set_mode (self, FALSE);
}

void
_bw_window_review_init (BwWindow *self)
{
  BwAnnotationController *controller = bw_annotation_tools_get (self);

  g_action_map_add_action_entries (G_ACTION_MAP (self), review_actions, G_N_ELEMENTS (review_actions), self);

  self->review_queue = bw_review_queue_new ();
  gtk_widget_set_vexpand (self->review_queue, TRUE);
  gtk_box_append (self->review_queue_slot, self->review_queue);
  g_signal_connect_object (self->review_queue, "item-selected", G_CALLBACK (item_selected_cb), self,
                           G_CONNECT_SWAPPED);

  self->reject_popover = bw_review_popover_new ();
  gtk_widget_set_parent (self->reject_popover, GTK_WIDGET (self->canvas));
  g_signal_connect_object (self->reject_popover, "confirmed", G_CALLBACK (reject_confirmed_cb), self,
                           G_CONNECT_SWAPPED);
  self->pin_popover = bw_review_popover_new ();
  gtk_widget_set_parent (self->pin_popover, GTK_WIDGET (self->canvas));
  g_signal_connect_object (self->pin_popover, "confirmed", G_CALLBACK (pin_confirmed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->pin_popover, "closed", G_CALLBACK (pin_closed_cb), self,
                           G_CONNECT_SWAPPED);

  if (controller != NULL)
    {
      g_signal_connect_object (controller, "reject-requested", G_CALLBACK (reject_requested_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (controller, "pin-requested", G_CALLBACK (pin_requested_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (controller, "layer-reviewed", G_CALLBACK (layer_reviewed_cb), self,
                               G_CONNECT_SWAPPED);
    }
  g_signal_connect (self, "notify::person-id", G_CALLBACK (person_changed_cb), NULL);

  update_widgets (self);
  _bw_window_review_update_actions (self);
}

void
_bw_window_review_dispose (BwWindow *self)
{
  g_clear_pointer (&self->reject_popover, gtk_widget_unparent);
  g_clear_pointer (&self->pin_popover, gtk_widget_unparent);
}

/* Returns: (transfer none): the review queue of the side panel (a BwReviewQueue) */
GtkWidget *
bw_window_get_review_queue (BwWindow *self)
{
  g_return_val_if_fail (BW_IS_WINDOW (self), NULL);

  return self->review_queue;
}
