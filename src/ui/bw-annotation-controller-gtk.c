/* bw-annotation-controller-gtk.c — the annotation tools' GTK glue
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Turns the canvas's pointer and key events into the state machine's
 * press/motion/release/key_press (in image coordinates), draws it as the
 * canvas's overlay, and exposes its commands as the "annotate" actions
 * with their shortcuts.
 */

#define G_LOG_DOMAIN "bw-annotation-controller"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "bw-annotation-controller-private.h"

static void
sync_view (BwAnnotationController *self)
{
  double scale, ox, oy;

  if (self->canvas == NULL)
    return;

  bw_canvas_get_view (self->canvas, &scale, &ox, &oy);
  if (scale > 0)
    bw_annotation_controller_set_view (self, scale, ox, oy);
}

static void
update_cursor (BwAnnotationController *self)
{
  const char *name;

  if (self->canvas == NULL)
    return;

  name = bw_annotation_controller_get_cursor (self);

  /* Only on a change, so the canvas's own cursor (the hand of Space+drag)
   * is not overridden at every motion. */
  if (g_strcmp0 (name, self->cursor_name) == 0)
    return;
  self->cursor_name = name;
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self->canvas), name);
}

void
_bw_annotation_controller_update_actions (BwAnnotationController *self)
{
  const BwAnnotation *single;
  GAction *action;
  static const char * const tool_names[] = { "select", "box", "polygon", "pin" };
  gboolean review;

  if (self->actions == NULL)
    return;

  single = _bw_annotation_controller_single_selected (self);
  review = bw_annotation_controller_is_review (self);

#define ENABLE(name, value) \
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self->actions), name)), (value))

  ENABLE ("undo", self->session != NULL && bw_layer_session_can_undo (self->session));
  ENABLE ("redo", self->session != NULL && bw_layer_session_can_redo (self->session));
  ENABLE ("copy", self->selection->len > 0);
  ENABLE ("relabel", self->selection->len > 0);
  ENABLE ("delete", self->selection->len > 0 && !review);
  ENABLE ("paste", self->clipboard->len > 0 && self->image_id > 0 && !review);
  ENABLE ("bring-to-front", self->selection->len > 0 && !review);
  ENABLE ("send-to-back", self->selection->len > 0 && !review);
  ENABLE ("add-part", single != NULL && single->shape->kind == BW_SHAPE_POLYGON && !review);
  ENABLE ("submit", self->session != NULL);
  ENABLE ("mark-no-objects", self->session != NULL && bw_annotation_set_get_size (self->set) == 0 && !review);
  ENABLE ("recall", self->session != NULL && bw_layer_session_can_recall (self->session) && !review);
  ENABLE ("review-accept", review && self->selection->len > 0);
  ENABLE ("review-reject", review && self->selection->len > 0);
  ENABLE ("review-fix", review && single != NULL);
  ENABLE ("review-accept-undecided", review);
  ENABLE ("review-comment", review);
  ENABLE ("return-image", review);
  ENABLE ("show-model", review);
  /* Questions and examples are not sent from a team project's copy. */
  ENABLE ("ask-question", self->project != NULL && self->image_id > 0 &&
          !bw_project_is_team_copy (self->project));
  ENABLE ("pin-example", self->project != NULL && single != NULL &&
          !bw_project_is_team_copy (self->project));
  ENABLE ("unpin-example", self->project != NULL && single != NULL &&
          !bw_project_is_team_copy (self->project) &&
          bw_project_find_example (self->project, single->id) != 0);

#undef ENABLE

  action = g_action_map_lookup_action (G_ACTION_MAP (self->actions), "show-model");
  g_simple_action_set_state (G_SIMPLE_ACTION (action), g_variant_new_boolean (self->show_model));

  action = g_action_map_lookup_action (G_ACTION_MAP (self->actions), "tool");
  g_simple_action_set_state (G_SIMPLE_ACTION (action), g_variant_new_string (tool_names[self->tool]));
  update_cursor (self);
}

static void
tool_action_cb (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  BwAnnotationController *self = user_data;
  const char *name = g_variant_get_string (parameter, NULL);

  if (g_str_equal (name, "pin"))
    bw_annotation_controller_set_tool (self, BW_TOOL_PIN);
  else if (g_str_equal (name, "box"))
    bw_annotation_controller_set_tool (self, BW_TOOL_BOX);
  else if (g_str_equal (name, "polygon"))
    bw_annotation_controller_set_tool (self, BW_TOOL_POLYGON);
  else
    bw_annotation_controller_set_tool (self, BW_TOOL_SELECT);
}

static void
pick_category_action_cb (GSimpleAction *action,
                         GVariant      *parameter,
                         gpointer       user_data)
{
  /* The category for the next shapes; a selection made by hand is
   * relabelled too. */
  bw_annotation_controller_pick_category (user_data, g_variant_get_int64 (parameter));
}

static void
relabel_action_cb (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  /* The context menu's Category submenu: the selection, as the user
   * chose it, takes the category. */
  bw_annotation_controller_set_selection_category (user_data, g_variant_get_int64 (parameter));
}

static void
bring_to_front_action_cb (GSimpleAction *action,
                          GVariant      *parameter,
                          gpointer       user_data)
{
  bw_annotation_controller_restack_selection (user_data, TRUE);
}

static void
send_to_back_action_cb (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  bw_annotation_controller_restack_selection (user_data, FALSE);
}

static void
undo_action_cb (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  bw_annotation_controller_undo (user_data);
}

static void
redo_action_cb (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  bw_annotation_controller_redo (user_data);
}

static void
delete_action_cb (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  bw_annotation_controller_delete_selection (user_data);
}

static void
copy_action_cb (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  bw_annotation_controller_copy (user_data);
  _bw_annotation_controller_update_actions (user_data);
}

static void
paste_action_cb (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  bw_annotation_controller_paste (user_data);
}

static void
select_all_action_cb (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  bw_annotation_controller_set_tool (user_data, BW_TOOL_SELECT);
  bw_annotation_controller_select_all (user_data);
}

static void
add_part_action_cb (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  bw_annotation_controller_start_add_part (user_data);
}

static void
submit_action_cb (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  bw_annotation_controller_submit (user_data);
}

static void
mark_no_objects_action_cb (GSimpleAction *action,
                           GVariant      *parameter,
                           gpointer       user_data)
{
  bw_annotation_controller_mark_no_objects (user_data);
}

static void
recall_action_cb (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  bw_annotation_controller_recall (user_data);
}

static void
review_accept_action_cb (GSimpleAction *action,
                         GVariant      *parameter,
                         gpointer       user_data)
{
  bw_annotation_controller_accept_selection (user_data);
}

static void
review_reject_action_cb (GSimpleAction *action,
                         GVariant      *parameter,
                         gpointer       user_data)
{
  BwAnnotationController *self = user_data;

  if (self->selection->len > 0)
    _bw_annotation_controller_emit_review (self, BW_REVIEW_REQUEST_REJECT, 0, 0, FALSE);
}

static void
review_fix_action_cb (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  bw_annotation_controller_fix_selection (user_data);
}

static void
review_accept_undecided_action_cb (GSimpleAction *action,
                                   GVariant      *parameter,
                                   gpointer       user_data)
{
  bw_annotation_controller_accept_undecided (user_data);
}

static void
review_comment_action_cb (GSimpleAction *action,
                          GVariant      *parameter,
                          gpointer       user_data)
{
  BwAnnotationController *self = user_data;

  bw_annotation_controller_set_tool (self, self->tool == BW_TOOL_PIN ? BW_TOOL_SELECT : BW_TOOL_PIN);
}

static void
return_image_action_cb (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  bw_annotation_controller_return_layer (user_data, 0, NULL);
}

static void
show_labels_action_cb (GSimpleAction *action,
                       GVariant      *state,
                       gpointer       user_data)
{
  BwAnnotationController *self = user_data;

  bw_annotation_renderer_set_show_labels (self->renderer, g_variant_get_boolean (state));
  g_simple_action_set_state (action, state);
  _bw_annotation_controller_queue_redraw (self);
}

static void
show_model_action_cb (GSimpleAction *action,
                      GVariant      *state,
                      gpointer       user_data)
{
  /* The state follows what the canvas shows (update_actions). */
  bw_annotation_controller_set_show_model (user_data, g_variant_get_boolean (state));
}

static void
toggle_category_visible_action_cb (GSimpleAction *action,
                                   GVariant      *parameter,
                                   gpointer       user_data)
{
  BwAnnotationController *self = user_data;

  if (self->category_id > 0)
    bw_annotation_controller_set_category_hidden (self, self->category_id,
                                                  !bw_annotation_controller_get_category_hidden (self, self->category_id));
}

static void
show_all_action_cb (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  BwAnnotationController *self = user_data;

  for (guint i = 0; i < self->categories->len; i++)
    bw_annotation_controller_set_category_hidden (self, ((BwCategory *) self->categories->pdata[i])->id, FALSE);
}

static void
ask_question_action_cb (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  bw_annotation_controller_request_question (user_data);
}

static void
pin_example_action_cb (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  BwAnnotationController *self = user_data;
  g_autoptr(GError) error = NULL;

  if (!bw_annotation_controller_pin_example (self, g_variant_get_boolean (parameter), &error))
    _bw_annotation_controller_report (self, error);
  _bw_annotation_controller_update_actions (self);
}

static void
unpin_example_action_cb (GSimpleAction *action,
                         GVariant      *parameter,
                         gpointer       user_data)
{
  BwAnnotationController *self = user_data;
  g_autoptr(GError) error = NULL;

  if (!bw_annotation_controller_unpin_example (self, &error))
    _bw_annotation_controller_report (self, error);
  _bw_annotation_controller_update_actions (self);
}

static const GActionEntry action_entries[] = {
  { .name = "tool", .parameter_type = "s", .state = "'select'", .activate = tool_action_cb },
  { .name = "pick-category", .parameter_type = "x", .activate = pick_category_action_cb },
  { .name = "relabel", .parameter_type = "x", .activate = relabel_action_cb },
  { .name = "bring-to-front", .activate = bring_to_front_action_cb },
  { .name = "send-to-back", .activate = send_to_back_action_cb },
  { .name = "undo", .activate = undo_action_cb },
  { .name = "redo", .activate = redo_action_cb },
  { .name = "delete", .activate = delete_action_cb },
  { .name = "copy", .activate = copy_action_cb },
  { .name = "paste", .activate = paste_action_cb },
  { .name = "select-all", .activate = select_all_action_cb },
  { .name = "add-part", .activate = add_part_action_cb },
  { .name = "submit", .activate = submit_action_cb },
  { .name = "mark-no-objects", .activate = mark_no_objects_action_cb },
  { .name = "recall", .activate = recall_action_cb },
  { .name = "show-labels", .state = "false", .change_state = show_labels_action_cb },
  { .name = "toggle-category-visible", .activate = toggle_category_visible_action_cb },
  { .name = "show-all-categories", .activate = show_all_action_cb },
  { .name = "review-accept", .activate = review_accept_action_cb },
  { .name = "review-reject", .activate = review_reject_action_cb },
  { .name = "review-fix", .activate = review_fix_action_cb },
  { .name = "review-accept-undecided", .activate = review_accept_undecided_action_cb },
  { .name = "review-comment", .activate = review_comment_action_cb },
  { .name = "return-image", .activate = return_image_action_cb },
  { .name = "show-model", .state = "false", .change_state = show_model_action_cb },
  { .name = "ask-question", .activate = ask_question_action_cb },
  { .name = "pin-example", .parameter_type = "b", .activate = pin_example_action_cb },
  { .name = "unpin-example", .activate = unpin_example_action_cb },
};

/* Returns: (transfer none): the "annotate" actions */
GActionGroup *
bw_annotation_controller_get_action_group (BwAnnotationController *self)
{
  g_return_val_if_fail (BW_IS_ANNOTATION_CONTROLLER (self), NULL);

  if (self->actions == NULL)
    {
      self->actions = g_simple_action_group_new ();
      g_action_map_add_action_entries (G_ACTION_MAP (self->actions), action_entries,
                                       G_N_ELEMENTS (action_entries), self);
      _bw_annotation_controller_update_actions (self);
    }

  return G_ACTION_GROUP (self->actions);
}

/* The keys of the tools work while the canvas has the focus, so they never
 * take a letter typed into the image list's search entry. Category keys
 * (digits, and letters the taxonomy assigns) go through key_press. */
static const struct {
  const char *trigger;
  const char *action;
  const char *target;   /* GVariant text, or NULL */
} canvas_shortcuts[] = {
  { "v", "annotate.tool", "'select'" },
  { "b", "annotate.tool", "'box'" },
  { "p", "annotate.tool", "'polygon'" },
  { "<Shift>p", "annotate.add-part", NULL },
  { "<Control>z", "annotate.undo", NULL },
  { "<Control><Shift>z", "annotate.redo", NULL },
  { "<Control>y", "annotate.redo", NULL },
  { "<Control>c", "annotate.copy", NULL },
  { "<Control>v", "annotate.paste", NULL },
  { "<Control>a", "annotate.select-all", NULL },
  { "<Control><Shift>bracketright", "annotate.bring-to-front", NULL },
  { "<Control><Shift>bracketleft", "annotate.send-to-back", NULL },
  { "l", "annotate.show-labels", NULL },
  { "h", "annotate.toggle-category-visible", NULL },
  { "<Shift>h", "annotate.show-all-categories", NULL },
  /* Review mode; the keys do nothing in Annotate mode, where these
   * actions are off (a category may then use the letter). */
  { "a", "annotate.review-accept", NULL },
  { "<Shift>a", "annotate.review-accept-undecided", NULL },
  { "r", "annotate.review-reject", NULL },
  { "e", "annotate.review-fix", NULL },
  { "c", "annotate.review-comment", NULL },
  /* A question about the selected shape, or the image. */
  { "question", "annotate.ask-question", NULL },
  { "<Shift>question", "annotate.ask-question", NULL },
};

/* Ctrl+Enter takes no key from anyone, so it works wherever the focus is. */
void
bw_annotation_controller_set_accels (GtkApplication *application)
{
  static const char * const submit[] = { "<Control>Return", "<Control>KP_Enter", NULL };
  /* Submit's neighbours: the answer "nothing here", and taking a
   * submission back, an undo of the submit. A reviewer's Ctrl+Enter
   * accepts (the same action); Shift+Ctrl+Enter returns the image. */
  static const char * const no_objects[] = { "<Control><Alt>Return", "<Control><Alt>KP_Enter", NULL };
  static const char * const recall[] = { "<Control><Alt>z", NULL };
  static const char * const give_back[] = { "<Shift><Control>Return", "<Shift><Control>KP_Enter", NULL };

  gtk_application_set_accels_for_action (application, "annotate.submit", submit);
  gtk_application_set_accels_for_action (application, "annotate.mark-no-objects", no_objects);
  gtk_application_set_accels_for_action (application, "annotate.recall", recall);
  gtk_application_set_accels_for_action (application, "annotate.return-image", give_back);
}

/* Brings a shape into view, zoomed so that it fills a good part of it:
 * the reviewer's Tab. */
void
_bw_annotation_controller_reveal (BwAnnotationController *self,
                                  gint64                  annotation_id)
{
  const BwAnnotation *a = bw_annotation_set_lookup (self->set, annotation_id);

  if (self->canvas == NULL || a == NULL)
    return;

  bw_canvas_zoom_to_rect (self->canvas, a->shape->bbox.x0, a->shape->bbox.y0,
                          a->shape->bbox.x1, a->shape->bbox.y1);
}

static void
overlay_cb (BwCanvas *canvas,
            cairo_t  *cr,
            int       width,
            int       height,
            gpointer  user_data)
{
  BwAnnotationController *self = user_data;
  gint64 start = g_get_monotonic_time ();

  sync_view (self);
  bw_annotation_renderer_set_scale_factor (self->renderer,
                                           gtk_widget_get_scale_factor (GTK_WIDGET (canvas)));
  bw_annotation_controller_draw (self, cr, width, height);
  /* G_MESSAGES_DEBUG=bw-annotation-controller shows the cost per frame. */
  g_debug ("overlay: %u shapes, %.2f ms", bw_annotation_set_get_size (self->set),
           (g_get_monotonic_time () - start) / 1000.0);
}

static void
redraw_cb (BwAnnotationController *self)
{
  if (self->canvas != NULL)
    bw_canvas_queue_redraw (self->canvas);
}

static void
widget_to_image (BwAnnotationController *self,
                 double                  wx,
                 double                  wy,
                 double                 *ix,
                 double                 *iy)
{
  sync_view (self);
  bw_canvas_widget_to_image (self->canvas, wx, wy, ix, iy);
}

static void
drag_begin_cb (BwAnnotationController *self,
               double                  x,
               double                  y,
               GtkGestureDrag         *gesture)
{
  GtkEventController *controller = GTK_EVENT_CONTROLLER (gesture);
  GdkModifierType state = gtk_event_controller_get_current_event_state (controller);
  gint64 time = gtk_event_controller_get_current_event_time (controller);
  GtkSettings *settings = gtk_widget_get_settings (GTK_WIDGET (self->canvas));
  int double_click_time = 400, double_click_distance = 5;
  double ix, iy;

  /* Only over an image: not over the error page and its buttons. */
  if (self->canvas == NULL || bw_canvas_get_image_id (self->canvas) <= 0 ||
      (bw_canvas_get_state (self->canvas) != BW_CANVAS_STATE_READY &&
       bw_canvas_get_state (self->canvas) != BW_CANVAS_STATE_PREVIEW))
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }

  gtk_widget_grab_focus (GTK_WIDGET (self->canvas));

  /* A drag gesture sees every press, so it counts double-clicks itself,
   * with the desktop's settings. */
  g_object_get (settings,
                "gtk-double-click-time", &double_click_time,
                "gtk-double-click-distance", &double_click_distance,
                NULL);
  if (self->n_press > 0 &&
      time - self->last_press_time <= double_click_time &&
      fabs (x - self->last_press_widget.x) <= double_click_distance &&
      fabs (y - self->last_press_widget.y) <= double_click_distance)
    self->n_press++;
  else
    self->n_press = 1;
  self->last_press_time = time;
  self->last_press_widget.x = x;
  self->last_press_widget.y = y;

  widget_to_image (self, x, y, &ix, &iy);
  bw_annotation_controller_press (self, ix, iy, self->n_press, state);
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  update_cursor (self);
}

static void
drag_update_cb (BwAnnotationController *self,
                double                  offset_x,
                double                  offset_y,
                GtkGestureDrag         *gesture)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture));
  double sx, sy, ix, iy;

  gtk_gesture_drag_get_start_point (gesture, &sx, &sy);
  widget_to_image (self, sx + offset_x, sy + offset_y, &ix, &iy);
  bw_annotation_controller_motion (self, ix, iy, state);
}

static void
drag_end_cb (BwAnnotationController *self,
             double                  offset_x,
             double                  offset_y,
             GtkGestureDrag         *gesture)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture));
  double sx, sy, ix, iy;

  gtk_gesture_drag_get_start_point (gesture, &sx, &sy);
  widget_to_image (self, sx + offset_x, sy + offset_y, &ix, &iy);
  bw_annotation_controller_release (self, ix, iy, state);
  update_cursor (self);
}

static void
drag_cancel_cb (BwAnnotationController *self,
                GdkEventSequence       *sequence,
                GtkGesture             *gesture)
{
  bw_annotation_controller_cancel_drag (self);
}

static void
motion_cb (BwAnnotationController   *self,
           double                    x,
           double                    y,
           GtkEventControllerMotion *controller)
{
  double ix, iy;

  /* During a drag the gesture reports the motion. */
  if (self->drag != DRAG_NONE || self->canvas == NULL)
    return;

  widget_to_image (self, x, y, &ix, &iy);
  bw_annotation_controller_motion (self, ix, iy,
                                   gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller)));
  update_cursor (self);
}

static void
leave_cb (BwAnnotationController *self)
{
  bw_annotation_controller_leave (self);
}

static gboolean
key_pressed_cb (BwAnnotationController *self,
                guint                   keyval,
                guint                   keycode,
                GdkModifierType         state,
                GtkEventControllerKey  *controller)
{
  return bw_annotation_controller_key_press (self, keyval, state);
}

/**
 * bw_annotation_controller_add_shortcuts:
 * @widget: where the keys are taken: the canvas (bw_annotation_controller_attach()
 *   does it), and its window for the keys that reach it when another
 *   widget has the focus and does not want them
 *
 * The "annotate" actions must be reachable from @widget.
 */
void
bw_annotation_controller_add_shortcuts (BwAnnotationController *self,
                                        GtkWidget              *widget)
{
  GtkEventController *controller;

  g_return_if_fail (BW_IS_ANNOTATION_CONTROLLER (self));
  g_return_if_fail (GTK_IS_WIDGET (widget));

  controller = gtk_shortcut_controller_new ();
  for (guint i = 0; i < G_N_ELEMENTS (canvas_shortcuts); i++)
    {
      GtkShortcut *shortcut =
        gtk_shortcut_new (gtk_shortcut_trigger_parse_string (canvas_shortcuts[i].trigger),
                          gtk_named_action_new (canvas_shortcuts[i].action));

      if (canvas_shortcuts[i].target != NULL)
        gtk_shortcut_set_arguments (shortcut, g_variant_parse (NULL, canvas_shortcuts[i].target,
                                                               NULL, NULL, NULL));
      gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller), shortcut);
    }
  gtk_widget_add_controller (widget, controller);
}

/**
 * bw_annotation_controller_attach:
 *
 * Draws the annotations over @canvas and takes its primary-button input
 * and annotation keys. The canvas keeps the middle button, Space+drag, the
 * wheel and its view keys.
 */
void
bw_annotation_controller_attach (BwAnnotationController *self,
                                 BwCanvas               *canvas)
{
  GtkEventController *controller;
  GtkGesture *gesture;

  g_return_if_fail (BW_IS_ANNOTATION_CONTROLLER (self));
  g_return_if_fail (BW_IS_CANVAS (canvas));
  g_return_if_fail (self->canvas == NULL);

  g_set_weak_pointer (&self->canvas, canvas);

  bw_canvas_set_overlay_func (canvas, overlay_cb, g_object_ref (self), g_object_unref);
  g_signal_connect (self, "redraw", G_CALLBACK (redraw_cb), NULL);

  gesture = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), GDK_BUTTON_PRIMARY);
  g_signal_connect_object (gesture, "drag-begin", G_CALLBACK (drag_begin_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gesture, "drag-update", G_CALLBACK (drag_update_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gesture, "drag-end", G_CALLBACK (drag_end_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gesture, "cancel", G_CALLBACK (drag_cancel_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (canvas), GTK_EVENT_CONTROLLER (gesture));

  controller = gtk_event_controller_motion_new ();
  g_signal_connect_object (controller, "motion", G_CALLBACK (motion_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (controller, "leave", G_CALLBACK (leave_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (canvas), controller);

  /* Before the canvas's own keys: with a selection, the arrows move it
   * rather than the view. */
  controller = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect_object (controller, "key-pressed", G_CALLBACK (key_pressed_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (canvas), controller);

  bw_annotation_controller_add_shortcuts (self, GTK_WIDGET (canvas));

  gtk_widget_insert_action_group (GTK_WIDGET (canvas), "annotate",
                                  bw_annotation_controller_get_action_group (self));
  _bw_annotation_controller_update_actions (self);
}
