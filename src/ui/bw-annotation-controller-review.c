/* bw-annotation-controller-review.c — the reviewer's keys and commands
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * In a reviewer's session the controller keeps selecting and stepping
 * through shapes, and turns the review keys into the session's verdict
 * commands: A accepts the selection, R asks for a reason to reject it
 * ("reject-requested"), E lets the selected shape be fixed with the
 * usual handles, Shift+A accepts every undecided shape, C takes the
 * comment tool, whose click asks for a pinned comment ("pin-requested"),
 * M shows the model's predictions of the image in place of the
 * annotator's work and back, and Tab steps through the shapes, each
 * brought into view. The verdicts
 * of any session, the annotator's too, are handed to the renderer.
 */

#define G_LOG_DOMAIN "bw-annotation-controller"

#include "config.h"

#include <glib/gi18n.h>

#include "bw-annotation-controller-private.h"

void
_bw_annotation_controller_reload_reasons (BwAnnotationController *self)
{
  g_autoptr(GPtrArray) reasons = NULL;
  g_autoptr(GError) error = NULL;

  if (self->project != NULL &&
      !(reasons = bw_project_list_rejection_reasons (self->project, TRUE, &error)))
    g_debug ("No rejection reasons: %s", error->message);

  g_ptr_array_set_size (self->reasons, 0);
  for (guint i = 0; reasons != NULL && i < reasons->len; i++)
    g_ptr_array_add (self->reasons, g_steal_pointer (&reasons->pdata[i]));

  _bw_annotation_controller_update_reviews (self);
}

/* The session's verdicts and pins, to the renderer. */
void
_bw_annotation_controller_update_reviews (BwAnnotationController *self)
{
  bw_annotation_renderer_set_reviews (self->renderer,
                                      self->session != NULL ? bw_layer_session_get_reviews (self->session) : NULL,
                                      self->reasons);
  _bw_annotation_controller_queue_redraw (self);
}

/* The pinned comment under the pointer (image point @x, @y) shows its
 * text. */
void
_bw_annotation_controller_hover_pin (BwAnnotationController *self,
                                     double                  x,
                                     double                  y)
{
  gint64 pin = bw_annotation_renderer_find_pin (self->renderer, &self->view,
                                                x * self->view.scale + self->view.offset_x,
                                                y * self->view.scale + self->view.offset_y);

  if (pin == self->hover_pin)
    return;

  self->hover_pin = pin;
  bw_annotation_renderer_set_active_pin (self->renderer, pin);
  _bw_annotation_controller_queue_redraw (self);
}

gboolean
bw_annotation_controller_is_review (BwAnnotationController *self)
{
  g_return_val_if_fail (BW_IS_ANNOTATION_CONTROLLER (self), FALSE);

  return self->session != NULL && bw_layer_session_is_review (self->session);
}

/* Returns: (transfer none) (element-type BwRejectionReason): the
 *   project's rejection reasons, in their order, hidden ones included */
GPtrArray *
bw_annotation_controller_get_reasons (BwAnnotationController *self)
{
  g_return_val_if_fail (BW_IS_ANNOTATION_CONTROLLER (self), NULL);

  return self->reasons;
}

/* Returns: the shape being fixed (E), or 0 */
gint64
bw_annotation_controller_get_fixing (BwAnnotationController *self)
{
  g_return_val_if_fail (BW_IS_ANNOTATION_CONTROLLER (self), 0);

  return self->fixing_id;
}

static gboolean
require_review (BwAnnotationController *self)
{
  g_autoptr(GError) error = NULL;

  if (bw_annotation_controller_is_review (self))
    return TRUE;

  g_set_error_literal (&error, BW_LAYER_SESSION_ERROR, BW_LAYER_SESSION_ERROR_NOT_REVIEWING,
                       _("Verdicts are given in review mode; open the image from the review queue"));
  _bw_annotation_controller_report (self, error);
  return FALSE;
}

static gboolean
require_selection (BwAnnotationController *self)
{
  g_autoptr(GError) error = NULL;

  if (self->selection->len > 0)
    return TRUE;

  g_set_error_literal (&error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                       _("Select a shape first: click it, or step to it with Tab"));
  _bw_annotation_controller_report (self, error);
  return FALSE;
}

static gboolean
done (BwAnnotationController *self,
      gboolean                ok,
      GError                 *error)
{
  if (!ok)
    _bw_annotation_controller_report (self, error);
  _bw_annotation_controller_update_actions (self);
  _bw_annotation_controller_queue_redraw (self);

  return ok;
}

/**
 * bw_annotation_controller_accept_selection:
 *
 * Accepts the selected shapes (A).
 */
gboolean
bw_annotation_controller_accept_selection (BwAnnotationController *self)
{
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (BW_IS_ANNOTATION_CONTROLLER (self), FALSE);

  if (!require_review (self) || !require_selection (self))
    return FALSE;

  return done (self,
               bw_layer_session_accept (self->session, (const gint64 *) (gpointer) self->selection->data,
                                        self->selection->len, &error),
               error);
}

/**
 * bw_annotation_controller_reject_selection:
 * @reason_id: a rejection reason, or 0
 * @comment: (nullable): what is wrong
 *
 * Rejects the selected shapes (R, then the reason).
 */
gboolean
bw_annotation_controller_reject_selection (BwAnnotationController *self,
                                           gint64                  reason_id,
                                           const char             *comment)
{
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (BW_IS_ANNOTATION_CONTROLLER (self), FALSE);

  if (!require_review (self) || !require_selection (self))
    return FALSE;

  return done (self,
               bw_layer_session_reject (self->session, (const gint64 *) (gpointer) self->selection->data,
                                        self->selection->len, reason_id, comment, &error),
               error);
}

/**
 * bw_annotation_controller_fix_selection:
 *
 * Lets the reviewer reshape the one selected shape with the select
 * tool's handles (E); the change is saved as their fix.
 */
gboolean
bw_annotation_controller_fix_selection (BwAnnotationController *self)
{
  const BwAnnotation *single;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (BW_IS_ANNOTATION_CONTROLLER (self), FALSE);

  if (!require_review (self))
    return FALSE;

  single = _bw_annotation_controller_single_selected (self);
  if (single == NULL)
    {
      g_set_error_literal (&error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                           _("Select one shape to fix: click it, or step to it with Tab"));
      _bw_annotation_controller_report (self, error);
      return FALSE;
    }

  bw_annotation_controller_set_tool (self, BW_TOOL_SELECT);
  self->fixing_id = single->id;
  _bw_annotation_controller_update_actions (self);
  _bw_annotation_controller_queue_redraw (self);

  return TRUE;
}

/**
 * bw_annotation_controller_accept_undecided:
 *
 * Accepts every shape without a verdict (Shift+A).
 */
gboolean
bw_annotation_controller_accept_undecided (BwAnnotationController *self)
{
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (BW_IS_ANNOTATION_CONTROLLER (self), FALSE);

  if (!require_review (self))
    return FALSE;

  return done (self, bw_layer_session_accept_undecided (self->session, NULL, &error), error);
}

/**
 * bw_annotation_controller_pin_comment:
 * @x: a point of the image
 * @y: a point of the image
 *
 * Pins a comment to a point (the answer to "pin-requested"); the tool
 * is the select tool again.
 */
gboolean
bw_annotation_controller_pin_comment (BwAnnotationController *self,
                                      double                  x,
                                      double                  y,
                                      gint64                  reason_id,
                                      const char             *comment)
{
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (BW_IS_ANNOTATION_CONTROLLER (self), FALSE);

  if (!require_review (self))
    return FALSE;

  bw_annotation_controller_set_tool (self, BW_TOOL_SELECT);

  return done (self, bw_layer_session_pin_comment (self->session, x, y, reason_id, comment, NULL, &error),
               error);
}

/**
 * bw_annotation_controller_accept_layer:
 *
 * Accepts the image (Ctrl+Enter): the layer is its accepted answer,
 * with its undecided shapes; emits "layer-reviewed".
 */
gboolean
bw_annotation_controller_accept_layer (BwAnnotationController *self)
{
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (BW_IS_ANNOTATION_CONTROLLER (self), FALSE);

  if (!require_review (self))
    return FALSE;

  if (!done (self, bw_layer_session_accept_layer (self->session, &error), error))
    return FALSE;

  _bw_annotation_controller_emit_review (self, BW_REVIEW_REQUEST_REVIEWED, 0, 0, TRUE);

  return TRUE;
}

/**
 * bw_annotation_controller_return_layer:
 * @reason_id: a rejection reason for the image, or 0
 * @comment: (nullable): what the annotator should do
 *
 * Sends the image back to its annotator with its rejected shapes and
 * pinned comments; emits "layer-reviewed".
 */
gboolean
bw_annotation_controller_return_layer (BwAnnotationController *self,
                                       gint64                  reason_id,
                                       const char             *comment)
{
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (BW_IS_ANNOTATION_CONTROLLER (self), FALSE);

  if (!require_review (self))
    return FALSE;

  if (!done (self, bw_layer_session_return_layer (self->session, reason_id, comment, &error), error))
    return FALSE;

  _bw_annotation_controller_emit_review (self, BW_REVIEW_REQUEST_REVIEWED, 0, 0, FALSE);

  return TRUE;
}

void
_bw_annotation_controller_forget_model (BwAnnotationController *self)
{
  /* The renderer knows its cached frame by the set's address: a set
   * made later at the same address must not pass for this one. */
  if (self->model_set != NULL)
    bw_annotation_renderer_invalidate (self->renderer);
  g_clear_pointer (&self->model_set, bw_annotation_set_free);
  self->show_model = FALSE;
}

/* The newest model layer of the image under review, as a set of its own
 * (predictions are never edited, so it is read once per image). */
static BwAnnotationSet *
read_model_set (BwAnnotationController  *self,
                GError                 **error)
{
  g_autoptr(GPtrArray) layers = NULL;
  g_autoptr(GPtrArray) predictions = NULL;
  BwAnnotationSet *set;
  gint64 model_id = 0;

  if (!(layers = bw_project_list_layers (self->project, self->image_id, error)))
    return NULL;
  for (guint i = 0; i < layers->len; i++)
    {
      const BwLayer *layer = layers->pdata[i];

      if (layer->kind == BW_LAYER_KIND_MODEL && layer->id > model_id)
        model_id = layer->id;
    }
  if (model_id == 0)
    {
      g_set_error_literal (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_NOT_FOUND,
                           _("This image has no model predictions to compare with; import them with Import Annotations… as a model layer"));
      return NULL;
    }

  if (!(predictions = bw_project_list_annotations (self->project, model_id, error)))
    return NULL;
  set = bw_annotation_set_new (self->image_width, self->image_height);
  for (guint i = 0; i < predictions->len; i++)
    bw_annotation_set_take (set, bw_annotation_copy (predictions->pdata[i]));
  return set;
}

/**
 * bw_annotation_controller_set_show_model:
 * @show: whether the canvas shows the model's predictions
 *
 * A reviewer compares the annotator's work with the model's
 * pre-annotations of the image (M): while they show, nothing is
 * selected and no verdict can be given, so a verdict always judges the
 * shapes on screen.
 *
 * Returns: whether the canvas now shows what was asked for
 */
gboolean
bw_annotation_controller_set_show_model (BwAnnotationController *self,
                                         gboolean                show)
{
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (BW_IS_ANNOTATION_CONTROLLER (self), FALSE);

  show = !!show;
  if (show == self->show_model)
    return TRUE;
  if (show && !require_review (self))
    return FALSE;
  if (show && self->model_set == NULL && !(self->model_set = read_model_set (self, &error)))
    {
      _bw_annotation_controller_report (self, error);
      return FALSE;
    }

  self->show_model = show;
  if (show)
    {
      bw_annotation_controller_cancel_drag (self);
      self->fixing_id = 0;
      self->hover_id = 0;
      bw_annotation_controller_select (self, NULL, 0);
      bw_annotation_renderer_set_reviews (self->renderer, NULL, self->reasons);
    }
  else
    {
      _bw_annotation_controller_update_reviews (self);
    }
  _bw_annotation_controller_update_actions (self);
  _bw_annotation_controller_queue_redraw (self);
  return TRUE;
}

gboolean
bw_annotation_controller_get_show_model (BwAnnotationController *self)
{
  g_return_val_if_fail (BW_IS_ANNOTATION_CONTROLLER (self), FALSE);

  return self->show_model;
}

/* The review keys, before the tools' own; @mods has no Ctrl, Alt or
 * Super. Returns whether the key was taken. */
gboolean
_bw_annotation_controller_review_key (BwAnnotationController *self,
                                      guint                   keyval,
                                      GdkModifierType         mods)
{
  if (self->drag != DRAG_NONE)
    return FALSE;

  /* M, or Escape, goes back to the annotator's work; any other key goes
   * back first and then does what it does there. */
  if (self->show_model)
    {
      bw_annotation_controller_set_show_model (self, FALSE);
      if (gdk_keyval_to_lower (keyval) == GDK_KEY_m || keyval == GDK_KEY_Escape)
        return TRUE;
    }

  switch (gdk_keyval_to_lower (keyval))
    {
    case GDK_KEY_m:
      bw_annotation_controller_set_show_model (self, TRUE);
      return TRUE;

    case GDK_KEY_a:
      if (mods & GDK_SHIFT_MASK)
        bw_annotation_controller_accept_undecided (self);
      else
        bw_annotation_controller_accept_selection (self);
      return TRUE;

    case GDK_KEY_r:
      if (require_selection (self))
        _bw_annotation_controller_emit_review (self, BW_REVIEW_REQUEST_REJECT, 0, 0, FALSE);
      return TRUE;

    case GDK_KEY_e:
      bw_annotation_controller_fix_selection (self);
      return TRUE;

    case GDK_KEY_c:
      bw_annotation_controller_set_tool (self, self->tool == BW_TOOL_PIN ? BW_TOOL_SELECT : BW_TOOL_PIN);
      return TRUE;

    case GDK_KEY_Escape:
      if (self->tool == BW_TOOL_PIN)
        {
          bw_annotation_controller_set_tool (self, BW_TOOL_SELECT);
          return TRUE;
        }
      if (self->fixing_id != 0)
        {
          self->fixing_id = 0;
          _bw_annotation_controller_queue_redraw (self);
          return TRUE;
        }
      return FALSE;

    /* Tab steps with the select tool only; the comment tool gives way. */
    case GDK_KEY_Tab:
    case GDK_KEY_KP_Tab:
    case GDK_KEY_ISO_Left_Tab:
      if (self->tool == BW_TOOL_PIN)
        bw_annotation_controller_set_tool (self, BW_TOOL_SELECT);
      return FALSE;

    default:
      return FALSE;
    }
}
