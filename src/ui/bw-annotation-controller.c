/* bw-annotation-controller.c — the annotation tools
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The tools are a state machine fed with pointer positions in image
 * coordinates and key presses (press/motion/release/key_press below), so
 * they can be driven headless by tests; the GTK event controllers at the
 * end of the file only translate widget events into those calls.
 *
 * Every finished gesture becomes a command of the image's BwLayerSession
 * (the document: its layer, its history, the rules of editing and
 * submitting), which writes to the project and tells us what changed; the
 * in-memory set that is drawn and hit-tested is the session's, so it
 * always matches the file. The controller keeps only what a view keeps:
 * the tool, the selection, the shape being drawn, the clipboard. While a
 * shape is dragged, a copy of it "floats": it is drawn from the copy and
 * left out of the renderer's cached layer, and saved when the button is
 * released.
 */

#define G_LOG_DOMAIN "bw-annotation-controller"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "bw-annotation-controller-private.h"
#include "bw-project-exams.h"

/* In widget pixels. */
#define HIT_TOLERANCE     4.0
#define HANDLE_TOLERANCE  (BW_HANDLE_SIZE / 2 + 2)
#define CLOSE_TOLERANCE   (BW_HANDLE_SIZE / 2 + 3)
#define PASTE_OFFSET      10.0
/* Larger selections are highlighted by the renderer in one pass. */
#define MANY_SELECTED     64

enum {
  PROP_0,
  PROP_TOOL,
  PROP_CATEGORY_ID,
  PROP_CAN_UNDO,
  PROP_CAN_REDO,
  N_PROPS
};

enum {
  REDRAW,
  ERROR,
  SUBMITTED,
  SELECTION_CHANGED,
  CATEGORIES_CHANGED,
  CONFIRM_NO_OBJECTS,
  REOPENED,
  RELABELLED,
  RECALLED,
  REJECT_REQUESTED,
  PIN_REQUESTED,
  LAYER_REVIEWED,
  QUESTION_REQUESTED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (BwAnnotationController, bw_annotation_controller, G_TYPE_OBJECT)

static void
queue_redraw (BwAnnotationController *self)
{
  g_signal_emit (self, signals[REDRAW], 0);
}

static void
report (BwAnnotationController *self,
        const GError           *error)
{
  g_debug ("%s", error->message);
  g_signal_emit (self, signals[ERROR], 0, error);
}

static void
report_message (BwAnnotationController *self,
                const char             *message)
{
  g_autoptr(GError) error = g_error_new_literal (BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID, message);

  report (self, error);
}

void
_bw_annotation_controller_queue_redraw (BwAnnotationController *self)
{
  queue_redraw (self);
}

static inline gboolean
review_mode (BwAnnotationController *self)
{
  return self->session != NULL && bw_layer_session_is_review (self->session);
}

void
_bw_annotation_controller_report (BwAnnotationController *self,
                                  const GError           *error)
{
  report (self, error);
}

void
_bw_annotation_controller_emit_review (BwAnnotationController *self,
                                       BwReviewRequest         request,
                                       double                  x,
                                       double                  y,
                                       gboolean                accepted)
{
  /* The reasons may have been edited since (the taxonomy dialog). */
  if (request != BW_REVIEW_REQUEST_REVIEWED)
    _bw_annotation_controller_reload_reasons (self);

  switch (request)
    {
    case BW_REVIEW_REQUEST_REJECT:
      g_signal_emit (self, signals[REJECT_REQUESTED], 0);
      break;
    case BW_REVIEW_REQUEST_PIN:
      g_signal_emit (self, signals[PIN_REQUESTED], 0, x, y);
      break;
    case BW_REVIEW_REQUEST_REVIEWED:
      g_signal_emit (self, signals[LAYER_REVIEWED], 0, self->image_id, accepted);
      break;
    default:
      g_assert_not_reached ();
    }
}

/**
 * bw_annotation_controller_request_question:
 *
 * Flags the single selected shape, or the image when none is, as
 * ambiguous: emits "question-requested". Does nothing without an image.
 */
void
bw_annotation_controller_request_question (BwAnnotationController *self)
{
  const BwAnnotation *single;

  g_return_if_fail (BW_IS_ANNOTATION_CONTROLLER (self));

  if (self->project == NULL || self->image_id <= 0)
    return;
  single = _bw_annotation_controller_single_selected (self);
  g_signal_emit (self, signals[QUESTION_REQUESTED], 0, single != NULL ? single->id : (gint64) 0);
}

/**
 * bw_annotation_controller_set_questions:
 * @questions: (nullable) (element-type BwQuestion): the questions to mark
 *   on the image shown
 */
void
bw_annotation_controller_set_questions (BwAnnotationController *self,
                                        GPtrArray              *questions)
{
  g_return_if_fail (BW_IS_ANNOTATION_CONTROLLER (self));

  bw_annotation_renderer_set_questions (self->renderer, questions);
  _bw_annotation_controller_queue_redraw (self);
}

/**
 * bw_annotation_controller_pin_example:
 * @positive: a positive example of its category, or a negative one
 *
 * Pins the single selected shape as an example of its category, for
 * everyone who reads the guidelines.
 */
gboolean
bw_annotation_controller_pin_example (BwAnnotationController  *self,
                                      gboolean                 positive,
                                      GError                 **error)
{
  const BwAnnotation *single;

  g_return_val_if_fail (BW_IS_ANNOTATION_CONTROLLER (self), FALSE);

  single = _bw_annotation_controller_single_selected (self);
  if (self->project == NULL || single == NULL)
    return TRUE;
  return bw_project_add_example (self->project, single->id, positive, self->person_id, NULL, NULL, error);
}

/* Unpins the example the single selected shape is, if it is one. */
gboolean
bw_annotation_controller_unpin_example (BwAnnotationController  *self,
                                        GError                 **error)
{
  const BwAnnotation *single;
  gint64 example;

  g_return_val_if_fail (BW_IS_ANNOTATION_CONTROLLER (self), FALSE);

  single = _bw_annotation_controller_single_selected (self);
  if (self->project == NULL || single == NULL ||
      (example = bw_project_find_example (self->project, single->id)) == 0)
    return TRUE;
  return bw_project_delete_example (self->project, example, error);
}

/* ------------------------------------------------------------------ */
/* Selection                                                            */

static const BwAnnotation *single_selected (BwAnnotationController *self);

static gboolean
is_selected (BwAnnotationController *self,
             gint64                  id)
{
  for (guint i = 0; i < self->selection->len; i++)
    if (g_array_index (self->selection, gint64, i) == id)
      return TRUE;
  return FALSE;
}

static void
selection_changed (BwAnnotationController *self)
{
  const BwAnnotation *single = single_selected (self);

  /* A fix is of the shape E was pressed on, while it stays selected. */
  if (self->fixing_id != 0 && (single == NULL || single->id != self->fixing_id))
    self->fixing_id = 0;
  self->active_vertex = -1;
  _bw_annotation_controller_update_actions (self);
  g_signal_emit (self, signals[SELECTION_CHANGED], 0);
  queue_redraw (self);
}

void
bw_annotation_controller_select (BwAnnotationController *self,
                                 const gint64           *ids,
                                 guint                   n_ids)
{
  g_return_if_fail (BW_IS_ANNOTATION_CONTROLLER (self));

  g_array_set_size (self->selection, 0);
  for (guint i = 0; i < n_ids; i++)
    if (bw_annotation_set_lookup (self->set, ids[i]) != NULL && !is_selected (self, ids[i]))
      g_array_append_val (self->selection, ids[i]);
  self->by_hand = TRUE;

  selection_changed (self);
}

/* Selects what was just drawn or pasted: handles to adjust it, but a
 * category key does not relabel it. */
static void
select_made (BwAnnotationController *self,
             const gint64           *ids,
             guint                   n_ids)
{
  bw_annotation_controller_select (self, ids, n_ids);
  self->by_hand = FALSE;
}

static void
toggle_selected (BwAnnotationController *self,
                 gint64                  id)
{
  for (guint i = 0; i < self->selection->len; i++)
    if (g_array_index (self->selection, gint64, i) == id)
      {
        g_array_remove_index (self->selection, i);
        self->by_hand = TRUE;
        selection_changed (self);
        return;
      }

  g_array_append_val (self->selection, id);
  self->by_hand = TRUE;
  selection_changed (self);
}

static void
clear_selection (BwAnnotationController *self)
{
  if (self->selection->len == 0)
    return;
  g_array_set_size (self->selection, 0);
  selection_changed (self);
}

GArray *
bw_annotation_controller_get_selection (BwAnnotationController *self)
{
  g_return_val_if_fail (BW_IS_ANNOTATION_CONTROLLER (self), NULL);

  return self->selection;
}

static const BwAnnotation *
single_selected (BwAnnotationController *self)
{
  if (self->selection->len != 1)
    return NULL;

  return bw_annotation_set_lookup (self->set, g_array_index (self->selection, gint64, 0));
}

const BwAnnotation *
_bw_annotation_controller_single_selected (BwAnnotationController *self)
{
  return single_selected (self);
}

static void close_session (BwAnnotationController *self);
static gboolean step_selection (BwAnnotationController *self,
                                gboolean                forward);

/* ------------------------------------------------------------------ */
/* The session tells us what the project now holds                     */

static void
session_annotation_changed_cb (BwAnnotationController *self,
                               gint64                  id,
                               const BwAnnotation     *annotation,
                               BwLayerSession         *session)
{
  if (annotation == NULL)
    {
      for (guint i = 0; i < self->selection->len; i++)
        if (g_array_index (self->selection, gint64, i) == id)
          {
            g_array_remove_index (self->selection, i);
            selection_changed (self);
            break;
          }
      if (self->hover_id == id)
        self->hover_id = 0;
    }

  queue_redraw (self);
}

/* The layer was read again: keep what was selected, where it still
 * exists. */
static void
session_reloaded_cb (BwAnnotationController *self,
                     BwLayerSession         *session)
{
  g_autoptr(GArray) selection = g_array_copy (self->selection);
  gboolean by_hand = self->by_hand;

  if (self->hover_id != 0 && bw_annotation_set_lookup (self->set, self->hover_id) == NULL)
    self->hover_id = 0;
  bw_annotation_controller_select (self, (const gint64 *) (gpointer) selection->data, selection->len);
  self->by_hand = by_hand;
}

static void
session_notify_cb (BwAnnotationController *self,
                   GParamSpec             *pspec,
                   BwLayerSession         *session)
{
  if (g_strcmp0 (pspec->name, "can-undo") == 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_UNDO]);
  else if (g_strcmp0 (pspec->name, "can-redo") == 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_REDO]);
  _bw_annotation_controller_update_actions (self);
}

static void
session_status_changed_cb (BwAnnotationController *self,
                           BwLayerSession         *session)
{
  _bw_annotation_controller_update_actions (self);
}

static void
session_reopened_cb (BwAnnotationController *self,
                     BwLayerSession         *session)
{
  g_signal_emit (self, signals[REOPENED], 0, self->image_id);
}

/* The image opens without the rows that could not be read; the user is
 * told which, once, when the image is opened. */
static void
report_damaged (BwAnnotationController *self)
{
  GPtrArray *damaged = bw_layer_session_get_damaged (self->session);
  g_autofree char *message = NULL;

  if (damaged == NULL || damaged->len == 0)
    return;

  message = g_strdup_printf (_("%s. It is left out; restore a copy of the project to get it "
                               "back (%u damaged on this image)."),
                             (const char *) damaged->pdata[0], damaged->len);
  report_message (self, message);
}

static void
session_error_cb (BwAnnotationController *self,
                  const GError           *error,
                  BwLayerSession         *session)
{
  report (self, error);
}

/* ------------------------------------------------------------------ */
/* Changes made by other programs                                      */

/* A drag or a polygon being drawn works on shapes as they were when it
 * started; reading the layer under it would take the shape away from
 * the user's hand. */
static gboolean
editing (BwAnnotationController *self)
{
  return self->drag != DRAG_NONE || self->polygon->len > 0;
}

static gboolean refresh_retry_cb (gpointer user_data);

static void
refresh_session (BwAnnotationController *self)
{
  g_autoptr(GError) error = NULL;

  if (self->session == NULL)
    return;

  if (editing (self))
    {
      if (self->refresh_id == 0)
        self->refresh_id = g_timeout_add (250, refresh_retry_cb, self);
      return;
    }

  if (!bw_layer_session_refresh (self->session, NULL, &error))
    report (self, error);
}

static gboolean
refresh_retry_cb (gpointer user_data)
{
  BwAnnotationController *self = user_data;

  self->refresh_id = 0;
  refresh_session (self);
  return G_SOURCE_REMOVE;
}

/* Another window, boxwood-cli or someone else's program committed: when
 * it touched annotations or layers, the image shown is read again if it
 * differs from what is on screen. */
static void
project_changed_externally_cb (BwAnnotationController *self,
                               const BwProjectChanges *changes,
                               BwProject              *project)
{
  if (changes->work_changed)
    refresh_session (self);
}

/* ------------------------------------------------------------------ */
/* Project, image, categories                                          */

void
bw_annotation_controller_reload_categories (BwAnnotationController *self)
{
  g_autoptr(GError) error = NULL;
  gboolean found = FALSE;

  g_return_if_fail (BW_IS_ANNOTATION_CONTROLLER (self));

  g_clear_pointer (&self->categories, g_ptr_array_unref);
  if (self->project != NULL)
    self->categories = bw_project_list_categories (self->project, &error);
  if (self->categories == NULL)
    {
      if (error != NULL)
        report (self, error);
      self->categories = g_ptr_array_new_with_free_func ((GDestroyNotify) bw_category_free);
    }

  bw_annotation_renderer_set_categories (self->renderer, self->categories);
  _bw_annotation_controller_reload_reasons (self);

  for (guint i = 0; i < self->categories->len; i++)
    found |= ((BwCategory *) self->categories->pdata[i])->id == self->category_id;
  if (!found)
    bw_annotation_controller_set_category (self, self->categories->len > 0
                                                 ? ((BwCategory *) self->categories->pdata[0])->id
                                                 : 0);
  g_signal_emit (self, signals[CATEGORIES_CHANGED], 0);
  queue_redraw (self);
}

GPtrArray *
bw_annotation_controller_get_categories (BwAnnotationController *self)
{
  g_return_val_if_fail (BW_IS_ANNOTATION_CONTROLLER (self), NULL);

  return self->categories;
}

static void
reset_image_state (BwAnnotationController *self)
{
  bw_annotation_controller_cancel_drag (self);
  g_array_set_size (self->polygon, 0);
  self->part_target = 0;
  self->hover_id = 0;
  g_array_set_size (self->selection, 0);
  self->active_vertex = -1;
}

/**
 * bw_annotation_controller_set_project:
 * @person_id: whose layer new shapes go to
 */
void
bw_annotation_controller_set_project (BwAnnotationController *self,
                                      BwProject              *project,
                                      gint64                  person_id)
{
  g_return_if_fail (BW_IS_ANNOTATION_CONTROLLER (self));
  g_return_if_fail (project == NULL || BW_IS_PROJECT (project));

  self->person_id = person_id;
  if (project == self->project)
    return;

  reset_image_state (self);
  close_session (self);
  if (self->project != NULL)
    g_signal_handlers_disconnect_by_data (self->project, self);
  g_set_object (&self->project, project);

  self->image_id = 0;

  if (project != NULL)
    {
      g_signal_connect_object (project, "categories-changed",
                               G_CALLBACK (bw_annotation_controller_reload_categories),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (project, "changed-externally",
                               G_CALLBACK (project_changed_externally_cb),
                               self, G_CONNECT_SWAPPED);
    }

  bw_annotation_controller_reload_categories (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_UNDO]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_REDO]);
  selection_changed (self);
}

BwProject *
bw_annotation_controller_get_project (BwAnnotationController *self)
{
  g_return_val_if_fail (BW_IS_ANNOTATION_CONTROLLER (self), NULL);

  return self->project;
}

/* Returns: (transfer none) (nullable): the history of the image shown */
BwEditHistory *
bw_annotation_controller_get_history (BwAnnotationController *self)
{
  g_return_val_if_fail (BW_IS_ANNOTATION_CONTROLLER (self), NULL);

  return self->session != NULL ? bw_layer_session_get_history (self->session) : NULL;
}

/* Returns: (transfer none) (nullable): the work on the image shown */
BwLayerSession *
bw_annotation_controller_get_session (BwAnnotationController *self)
{
  g_return_val_if_fail (BW_IS_ANNOTATION_CONTROLLER (self), NULL);

  return self->session;
}

/**
 * bw_annotation_controller_flush:
 *
 * Writes what is shown but not written yet (the end of a run of arrow-key
 * nudges); the window calls it before it closes.
 *
 * Returns: %FALSE when it could not be written (reported by "error")
 */
gboolean
bw_annotation_controller_flush (BwAnnotationController *self)
{
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (BW_IS_ANNOTATION_CONTROLLER (self), FALSE);

  if (self->session == NULL || bw_layer_session_flush (self->session, &error))
    return TRUE;

  report (self, error);
  return FALSE;
}

/* Lets go of the image shown: its unwritten nudges are written, and its
 * history goes with it. Returns the session, for the caller to drop. */
static BwLayerSession *
detach_session (BwAnnotationController *self)
{
  BwLayerSession *session = g_steal_pointer (&self->session);
  g_autoptr(GError) error = NULL;

  self->set = self->empty_set;
  bw_annotation_set_reset (self->empty_set, 0, 0);
  if (session == NULL)
    return NULL;

  if (!bw_layer_session_flush (session, &error))
    report (self, error);
  g_signal_handlers_disconnect_by_data (session, self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_UNDO]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_REDO]);

  return session;
}

/**
 * bw_annotation_controller_remove_set_listener:
 * @user_data: what a listener of the shown set registered with
 *
 * A listener of the annotation sets (the object list) follows the
 * controller from set to set; when it goes away it must leave none of
 * them pointing at it, the spare empty set included, which outlives it.
 */
void
bw_annotation_controller_remove_set_listener (BwAnnotationController *self,
                                              gpointer                user_data)
{
  g_return_if_fail (BW_IS_ANNOTATION_CONTROLLER (self));

  if (self->empty_set != NULL)
    bw_annotation_set_remove_changed_func (self->empty_set, user_data);
  if (self->set != NULL)
    bw_annotation_set_remove_changed_func (self->set, user_data);
}

static void
close_session (BwAnnotationController *self)
{
  BwLayerSession *session = detach_session (self);

  g_clear_object (&session);
}

static gboolean
load (BwAnnotationController  *self,
      gint64                   image_id,
      gint64                   layer_id,
      int                      width,
      int                      height,
      GError                 **error)
{
  g_autoptr(BwLayerSession) session = NULL;
  g_autoptr(BwLayerSession) previous = NULL;

  reset_image_state (self);
  self->fixing_id = 0;
  _bw_annotation_controller_forget_model (self);
  /* The previous image's session is dropped only once the new one is
   * made, so the two sets never share an address: a view that follows
   * the set by pointer sees the change. */
  previous = detach_session (self);
  self->image_id = image_id;
  self->image_width = width;
  self->image_height = height;
  self->paste_count = 0;
  bw_annotation_set_reset (self->empty_set, width, height);

  if (self->project != NULL && (image_id > 0 || layer_id > 0))
    {
      if (layer_id > 0)
        session = bw_layer_session_new_for_review (self->project, layer_id, self->person_id, error);
      else if (self->gold)
        session = bw_layer_session_new_for_gold (self->project, image_id, self->person_id, error);
      else
        {
          /* An image of the person's open exam attempt shows their answer in it. */
          gint64 attempt = bw_project_find_exam_attempt_for_image (self->project, self->person_id, image_id);

          session = attempt > 0 ? bw_layer_session_new_for_exam (self->project, attempt, image_id, error)
                                : bw_layer_session_new (self->project, image_id, self->person_id, error);
        }
      if (session == NULL)
        {
          self->image_id = 0;
          _bw_annotation_controller_update_reviews (self);
          _bw_annotation_controller_update_actions (self);
          selection_changed (self);
          return FALSE;
        }
      self->image_id = bw_layer_session_get_image_id (session);
      _bw_annotation_controller_take_session (self, g_steal_pointer (&session));
    }
  else
    {
      _bw_annotation_controller_update_reviews (self);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_UNDO]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_REDO]);
  _bw_annotation_controller_update_actions (self);
  selection_changed (self);

  return TRUE;
}

/**
 * bw_annotation_controller_load_image:
 * @image_id: the image now shown, or 0 for none
 *
 * Shows the user's own layer of @image_id, in a session of its own: undo
 * and redo from now on change this image only.
 */
gboolean
bw_annotation_controller_load_image (BwAnnotationController  *self,
                                     gint64                   image_id,
                                     int                      width,
                                     int                      height,
                                     GError                 **error)
{
  g_return_val_if_fail (BW_IS_ANNOTATION_CONTROLLER (self), FALSE);

  return load (self, image_id, 0, width, height, error);
}

/**
 * bw_annotation_controller_load_review:
 * @layer_id: the annotator's layer to judge
 *
 * Shows another person's layer for the user to judge (a session of
 * bw_layer_session_new_for_review()): the drawing tools are not offered,
 * edits are the reviewer's fixes, and the review keys work.
 */
gboolean
bw_annotation_controller_load_review (BwAnnotationController  *self,
                                      gint64                   layer_id,
                                      int                      width,
                                      int                      height,
                                      GError                 **error)
{
  g_return_val_if_fail (BW_IS_ANNOTATION_CONTROLLER (self), FALSE);
  g_return_val_if_fail (layer_id > 0, FALSE);

  if (self->person_id <= 0)
    {
      g_set_error_literal (error, BW_LAYER_SESSION_ERROR, BW_LAYER_SESSION_ERROR_NO_PERSON,
                           _("Boxwood does not know who is reviewing; set your name in Preferences"));
      load (self, 0, 0, width, height, NULL);
      return FALSE;
    }

  return load (self, 0, layer_id, width, height, error);
}

/* Makes @session (transfer full) the one shown. */
void
_bw_annotation_controller_take_session (BwAnnotationController *self,
                                        BwLayerSession         *session)
{
  g_assert (self->session == NULL);

  self->session = session;
  self->set = bw_layer_session_get_annotations (self->session);
  g_signal_connect_object (self->session, "annotation-changed",
                           G_CALLBACK (session_annotation_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "reloaded",
                           G_CALLBACK (session_reloaded_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify",
                           G_CALLBACK (session_notify_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "status-changed",
                           G_CALLBACK (session_status_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "reopened",
                           G_CALLBACK (session_reopened_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "error",
                           G_CALLBACK (session_error_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "reviews-changed",
                           G_CALLBACK (_bw_annotation_controller_update_reviews), self,
                           G_CONNECT_SWAPPED);

  if (bw_layer_session_is_review (session) ? (self->tool == BW_TOOL_BOX || self->tool == BW_TOOL_POLYGON)
                                            : self->tool == BW_TOOL_PIN)
    bw_annotation_controller_set_tool (self, BW_TOOL_SELECT);
  _bw_annotation_controller_update_reviews (self);
  report_damaged (self);
}

/**
 * bw_annotation_controller_set_gold_answer:
 * @gold: whether images load their gold answer
 *
 * From the next bw_annotation_controller_load_image() on, the image's
 * gold layer is the layer edited (bw_layer_session_new_for_gold()), or
 * again the person's own work.
 */
void
bw_annotation_controller_set_gold_answer (BwAnnotationController *self,
                                          gboolean                gold)
{
  g_return_if_fail (BW_IS_ANNOTATION_CONTROLLER (self));

  self->gold = gold;
}

gint64
bw_annotation_controller_get_image_id (BwAnnotationController *self)
{
  g_return_val_if_fail (BW_IS_ANNOTATION_CONTROLLER (self), 0);

  return self->image_id;
}

gint64
bw_annotation_controller_get_layer_id (BwAnnotationController *self)
{
  g_return_val_if_fail (BW_IS_ANNOTATION_CONTROLLER (self), 0);

  return self->session != NULL ? bw_layer_session_get_layer_id (self->session) : 0;
}

BwAnnotationSet *
bw_annotation_controller_get_annotations (BwAnnotationController *self)
{
  g_return_val_if_fail (BW_IS_ANNOTATION_CONTROLLER (self), NULL);

  return self->set;
}

BwAnnotationRenderer *
bw_annotation_controller_get_renderer (BwAnnotationController *self)
{
  g_return_val_if_fail (BW_IS_ANNOTATION_CONTROLLER (self), NULL);

  return self->renderer;
}

/* The image shown, for a command. */
static BwLayerSession *
require_session (BwAnnotationController  *self,
                 GError                 **error)
{
  if (self->session == NULL)
    g_set_error_literal (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                         _("Open a project and an image first"));
  return self->session;
}

static gint64
category_for_new_shapes (BwAnnotationController  *self,
                         GError                 **error)
{
  if (self->category_id > 0)
    return self->category_id;

  g_set_error_literal (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                       _("Add a category in the side panel before drawing"));
  return 0;
}

/* ------------------------------------------------------------------ */
/* Tool, category, view                                                */

void
bw_annotation_controller_set_view (BwAnnotationController *self,
                                   double                  scale,
                                   double                  offset_x,
                                   double                  offset_y)
{
  g_return_if_fail (BW_IS_ANNOTATION_CONTROLLER (self));
  g_return_if_fail (scale > 0);

  self->view.scale = scale;
  self->view.offset_x = offset_x;
  self->view.offset_y = offset_y;
}

/* A distance on screen, in image pixels. */
static double
screen_to_image (BwAnnotationController *self,
                 double                  pixels)
{
  return pixels / self->view.scale;
}

void
bw_annotation_controller_set_tool (BwAnnotationController *self,
                                   BwTool                  tool)
{
  g_return_if_fail (BW_IS_ANNOTATION_CONTROLLER (self));

  /* A reviewer draws no shapes of their own on the annotator's layer;
   * an annotator pins no comments. */
  if ((review_mode (self) && (tool == BW_TOOL_BOX || tool == BW_TOOL_POLYGON)) ||
      (!review_mode (self) && tool == BW_TOOL_PIN))
    {
      _bw_annotation_controller_update_actions (self);
      return;
    }

  if (self->tool == tool)
    return;

  bw_annotation_controller_cancel_drag (self);
  if (tool != BW_TOOL_POLYGON)
    {
      g_array_set_size (self->polygon, 0);
      self->part_target = 0;
    }
  self->tool = tool;
  self->hover_id = 0;
  _bw_annotation_controller_update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOOL]);
  queue_redraw (self);
}

BwTool
bw_annotation_controller_get_tool (BwAnnotationController *self)
{
  g_return_val_if_fail (BW_IS_ANNOTATION_CONTROLLER (self), BW_TOOL_SELECT);

  return self->tool;
}

void
bw_annotation_controller_set_category (BwAnnotationController *self,
                                       gint64                  category_id)
{
  g_return_if_fail (BW_IS_ANNOTATION_CONTROLLER (self));

  if (self->category_id == category_id)
    return;

  self->category_id = category_id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CATEGORY_ID]);
  queue_redraw (self);
}

gint64
bw_annotation_controller_get_category (BwAnnotationController *self)
{
  g_return_val_if_fail (BW_IS_ANNOTATION_CONTROLLER (self), 0);

  return self->category_id;
}

void
bw_annotation_controller_set_category_hidden (BwAnnotationController *self,
                                              gint64                  category_id,
                                              gboolean                hidden)
{
  g_return_if_fail (BW_IS_ANNOTATION_CONTROLLER (self));

  bw_annotation_renderer_set_category_hidden (self->renderer, category_id, hidden);

  /* What cannot be seen cannot stay selected. */
  if (hidden)
    {
      gboolean changed = FALSE;

      for (guint i = self->selection->len; i > 0; i--)
        {
          const BwAnnotation *a = bw_annotation_set_lookup (self->set, g_array_index (self->selection, gint64, i - 1));

          if (a != NULL && a->category_id == category_id)
            {
              g_array_remove_index (self->selection, i - 1);
              changed = TRUE;
            }
        }
      if (changed)
        selection_changed (self);
    }

  queue_redraw (self);
}

gboolean
bw_annotation_controller_get_category_hidden (BwAnnotationController *self,
                                              gint64                  category_id)
{
  g_return_val_if_fail (BW_IS_ANNOTATION_CONTROLLER (self), FALSE);

  return bw_annotation_renderer_get_category_hidden (self->renderer, category_id);
}

/* One shape out of the way for now (the object list's eye): not drawn,
 * not hit; it stays in the project. */
void
bw_annotation_controller_set_annotation_hidden (BwAnnotationController *self,
                                                gint64                  annotation_id,
                                                gboolean                hidden)
{
  g_return_if_fail (BW_IS_ANNOTATION_CONTROLLER (self));

  bw_annotation_set_set_hidden (self->set, annotation_id, hidden);
  queue_redraw (self);
}

gboolean
bw_annotation_controller_is_drawing (BwAnnotationController *self)
{
  g_return_val_if_fail (BW_IS_ANNOTATION_CONTROLLER (self), FALSE);

  return self->polygon->len > 0 || self->drag == DRAG_BOX;
}

/* ------------------------------------------------------------------ */
/* Geometry helpers                                                    */

static BwPoint
clamp_point (BwAnnotationController *self,
             double                  x,
             double                  y)
{
  BwPoint p = { CLAMP (x, 0.0, self->image_width), CLAMP (y, 0.0, self->image_height) };

  return p;
}

static void
box_handle_position (const BwRect *b,
                     int           handle,
                     double       *x,
                     double       *y)
{
  static const double fx[8] = { 0, 0.5, 1, 1, 1, 0.5, 0, 0 };
  static const double fy[8] = { 0, 0, 0, 0.5, 1, 1, 1, 0.5 };

  *x = b->x0 + fx[handle] * (b->x1 - b->x0);
  *y = b->y0 + fy[handle] * (b->y1 - b->y0);
}

static int
find_box_handle (BwAnnotationController *self,
                 const BwShape          *shape,
                 double                  x,
                 double                  y)
{
  double tol = screen_to_image (self, HANDLE_TOLERANCE);

  for (int h = 0; h < 8; h++)
    {
      double hx, hy;

      box_handle_position (&shape->bbox, h, &hx, &hy);
      if (fabs (x - hx) <= tol && fabs (y - hy) <= tol)
        return h;
    }

  return -1;
}

static int
find_vertex (BwAnnotationController *self,
             const BwShape          *shape,
             double                  x,
             double                  y,
             double                  tolerance)
{
  double best = tolerance;
  int found = -1;

  for (guint i = 0; i < shape->n_points; i++)
    {
      double d = hypot (x - shape->points[i].x, y - shape->points[i].y);

      if (d <= best)
        {
          best = d;
          found = i;
        }
    }

  return found;
}

/* The edge of @shape near (x, y): returns the index the new point takes. */
static int
find_edge (BwAnnotationController *self,
           const BwShape          *shape,
           double                  x,
           double                  y,
           BwPoint                *on_edge)
{
  double best = screen_to_image (self, HIT_TOLERANCE);
  int found = -1;

  for (guint p = 0; p < shape->n_parts; p++)
    {
      guint start = bw_shape_part_start (shape, p);
      guint size = bw_shape_part_size (shape, p);

      for (guint i = 0; i < size; i++)
        {
          const BwPoint *a = &shape->points[start + i];
          const BwPoint *b = &shape->points[start + (i + 1) % size];
          double t;
          double d = bw_geometry_distance_to_segment (x, y, a, b, &t);

          if (d <= best)
            {
              best = d;
              found = start + i + 1;
              on_edge->x = a->x + t * (b->x - a->x);
              on_edge->y = a->y + t * (b->y - a->y);
            }
        }
    }

  return found;
}

/* ------------------------------------------------------------------ */
/* Dragging                                                            */

static void
begin_floating (BwAnnotationController *self)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_ptr_array_set_size (self->originals, 0);
  g_ptr_array_set_size (self->floating, 0);

  for (guint i = 0; i < self->selection->len; i++)
    {
      const BwAnnotation *a = bw_annotation_set_lookup (self->set, g_array_index (self->selection, gint64, i));

      if (a == NULL)
        continue;
      g_ptr_array_add (self->originals, bw_annotation_copy (a));
      g_ptr_array_add (self->floating, bw_annotation_copy (a));
      g_array_append_val (ids, a->id);
    }

  bw_annotation_renderer_set_excluded (self->renderer, (const gint64 *) (gpointer) ids->data, ids->len);
}

static void
end_floating (BwAnnotationController *self)
{
  g_ptr_array_set_size (self->originals, 0);
  g_ptr_array_set_size (self->floating, 0);
  bw_annotation_renderer_set_excluded (self->renderer, NULL, 0);
}

void
bw_annotation_controller_cancel_drag (BwAnnotationController *self)
{
  g_return_if_fail (BW_IS_ANNOTATION_CONTROLLER (self));

  if (self->drag == DRAG_NONE)
    return;

  self->drag = DRAG_NONE;
  end_floating (self);
  queue_redraw (self);
}

static void
update_move (BwAnnotationController *self)
{
  double dx = self->drag_now.x - self->drag_start.x;
  double dy = self->drag_now.y - self->drag_start.y;
  double x0 = G_MAXDOUBLE, y0 = G_MAXDOUBLE, x1 = -G_MAXDOUBLE, y1 = -G_MAXDOUBLE;

  /* The selection moves as a whole and stops at the image's edges. */
  for (guint i = 0; i < self->originals->len; i++)
    {
      const BwRect *b = &((BwAnnotation *) self->originals->pdata[i])->shape->bbox;

      x0 = MIN (x0, b->x0);
      y0 = MIN (y0, b->y0);
      x1 = MAX (x1, b->x1);
      y1 = MAX (y1, b->y1);
    }
  dx = CLAMP (dx, -x0, MAX (self->image_width - x1, -x0));
  dy = CLAMP (dy, -y0, MAX (self->image_height - y1, -y0));

  for (guint i = 0; i < self->floating->len; i++)
    {
      BwAnnotation *f = self->floating->pdata[i];
      const BwAnnotation *o = self->originals->pdata[i];

      bw_shape_free (f->shape);
      f->shape = bw_shape_copy (o->shape);
      bw_shape_translate (f->shape, dx, dy);
    }
}

static void
update_resize (BwAnnotationController *self)
{
  BwAnnotation *f = self->floating->pdata[0];
  const BwRect *o = &((BwAnnotation *) self->originals->pdata[0])->shape->bbox;
  BwPoint p = clamp_point (self, self->drag_now.x, self->drag_now.y);
  double x0 = o->x0, y0 = o->y0, x1 = o->x1, y1 = o->y1;
  int h = self->drag_handle;

  if (h == 0 || h == 6 || h == 7)
    x0 = p.x;
  if (h == 2 || h == 3 || h == 4)
    x1 = p.x;
  if (h == 0 || h == 1 || h == 2)
    y0 = p.y;
  if (h == 4 || h == 5 || h == 6)
    y1 = p.y;

  bw_shape_free (f->shape);
  f->shape = bw_shape_new_box (x0, y0, x1, y1);
}

static void
update_vertex (BwAnnotationController *self)
{
  BwAnnotation *f = self->floating->pdata[0];
  BwPoint p = clamp_point (self, self->drag_now.x, self->drag_now.y);

  f->shape->points[self->drag_handle] = p;
  bw_shape_update_bbox (f->shape);
}

/* Saves the floating shapes that changed, as one step. */
static gboolean
commit_floating (BwAnnotationController *self,
                 const char             *label)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) shapes = g_ptr_array_new ();

  for (guint i = 0; i < self->floating->len; i++)
    {
      const BwAnnotation *f = self->floating->pdata[i];

      if (bw_shape_equal (f->shape, ((BwAnnotation *) self->originals->pdata[i])->shape))
        continue;
      g_array_append_val (ids, f->id);
      g_ptr_array_add (shapes, f->shape);
    }
  if (ids->len == 0)
    return TRUE;

  if (require_session (self, &error) == NULL ||
      !bw_layer_session_change_shapes (self->session, label, (const gint64 *) (gpointer) ids->data,
                                       (BwShape * const *) shapes->pdata, ids->len, &error))
    {
      report (self, error);
      return FALSE;
    }

  return TRUE;
}

/* Saves a new geometry for one annotation as one step. */
static gboolean
save_shape (BwAnnotationController *self,
            const char             *label,
            gint64                  id,
            const BwShape          *shape)
{
  g_autoptr(GError) error = NULL;

  if (require_session (self, &error) == NULL ||
      !bw_layer_session_change_shape (self->session, label, id, shape, &error))
    {
      report (self, error);
      return FALSE;
    }

  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Polygon drawing                                                     */

static void
cancel_polygon (BwAnnotationController *self)
{
  g_array_set_size (self->polygon, 0);
  self->part_target = 0;
  queue_redraw (self);
}

/**
 * bw_annotation_controller_close_polygon:
 *
 * Finishes the polygon being drawn: saves it (or the new part) if it has
 * at least 3 distinct vertices; otherwise keeps drawing.
 *
 * Returns: whether a shape was saved
 */
gboolean
bw_annotation_controller_close_polygon (BwAnnotationController *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) points = g_array_new (FALSE, FALSE, sizeof (BwPoint));
  g_autoptr(BwShape) shape = NULL;
  gint64 category_id, id = 0;

  g_return_val_if_fail (BW_IS_ANNOTATION_CONTROLLER (self), FALSE);

  /* A double-click or a click on the first vertex leaves repeated points. */
  for (guint i = 0; i < self->polygon->len; i++)
    {
      BwPoint p = g_array_index (self->polygon, BwPoint, i);

      if (points->len > 0)
        {
          const BwPoint *last = &g_array_index (points, BwPoint, points->len - 1);

          if (last->x == p.x && last->y == p.y)
            continue;
        }
      g_array_append_val (points, p);
    }
  while (points->len > 1 &&
         g_array_index (points, BwPoint, 0).x == g_array_index (points, BwPoint, points->len - 1).x &&
         g_array_index (points, BwPoint, 0).y == g_array_index (points, BwPoint, points->len - 1).y)
    g_array_set_size (points, points->len - 1);

  if (bw_geometry_count_distinct ((const BwPoint *) (gpointer) points->data, points->len) < 3)
    {
      report_message (self, _("A polygon needs at least 3 distinct points"));
      return FALSE;
    }

  if (self->part_target > 0)
    {
      const BwAnnotation *target = bw_annotation_set_lookup (self->set, self->part_target);

      if (target == NULL)
        {
          cancel_polygon (self);
          return FALSE;
        }
      shape = bw_shape_copy (target->shape);
      bw_shape_add_part (shape, (const BwPoint *) (gpointer) points->data, points->len);
      id = target->id;
      if (!save_shape (self, _("Add Part"), id, shape))
        return FALSE;
    }
  else
    {
      shape = bw_shape_new_polygon ((const BwPoint *) (gpointer) points->data, points->len);
      /* An outline that crosses itself becomes the areas it encloses, as
       * an imported one does; one with no area is refused. */
      if (!bw_shape_fit_to_image (shape, self->image_width, self->image_height, NULL, &error))
        {
          report (self, error);
          return FALSE;
        }
      if (!(category_id = category_for_new_shapes (self, &error)) ||
          require_session (self, &error) == NULL ||
          !bw_layer_session_add (self->session, category_id, shape, &id, &error))
        {
          report (self, error);
          return FALSE;
        }
    }

  cancel_polygon (self);
  select_made (self, &id, 1);

  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Input                                                               */

static void
press_select (BwAnnotationController *self,
              double                  x,
              double                  y,
              GdkModifierType         state)
{
  const BwAnnotation *single = single_selected (self);
  gboolean extend = (state & (GDK_SHIFT_MASK | GDK_CONTROL_MASK)) != 0;
  gint64 hit;

  /* A reviewer moves or reshapes a shape only to fix it (E). */
  gboolean editable = !review_mode (self) || (single != NULL && single->id == self->fixing_id);

  /* Handles and vertices of the one selected shape come first. */
  if (single != NULL && !extend && editable)
    {
      if (single->shape->kind == BW_SHAPE_BOX)
        {
          int handle = find_box_handle (self, single->shape, x, y);

          if (handle >= 0)
            {
              begin_floating (self);
              self->drag = DRAG_RESIZE;
              self->drag_handle = handle;
              return;
            }
        }
      else
        {
          int vertex = find_vertex (self, single->shape, x, y, screen_to_image (self, HANDLE_TOLERANCE));
          BwPoint on_edge;
          int edge;

          if (vertex >= 0 && (state & GDK_ALT_MASK))
            {
              self->active_vertex = vertex;
              bw_annotation_controller_delete_selection (self);
              return;
            }

          if (vertex >= 0)
            {
              begin_floating (self);
              self->drag = DRAG_VERTEX;
              self->drag_handle = vertex;
              self->drag_inserted = FALSE;
              self->active_vertex = vertex;
              queue_redraw (self);
              return;
            }

          /* A press on an edge inserts a vertex there and drags it. */
          edge = find_edge (self, single->shape, x, y, &on_edge);
          if (edge >= 0)
            {
              BwAnnotation *f;

              begin_floating (self);
              f = self->floating->pdata[0];
              bw_shape_insert_point (f->shape, edge, &on_edge);
              self->drag = DRAG_VERTEX;
              self->drag_handle = edge;
              self->drag_inserted = TRUE;
              self->active_vertex = edge;
              queue_redraw (self);
              return;
            }
        }
    }

  hit = bw_annotation_set_hit_test (self->set, x, y, screen_to_image (self, HIT_TOLERANCE),
                                    bw_annotation_renderer_get_hidden_categories (self->renderer));

  if (hit > 0)
    {
      if (extend)
        {
          toggle_selected (self, hit);
          return;
        }
      if (!is_selected (self, hit))
        bw_annotation_controller_select (self, &hit, 1);
      if (review_mode (self) && self->fixing_id != hit)
        return;
      begin_floating (self);
      self->drag = DRAG_MOVE;
      self->drag_hit = hit;
      return;
    }

  if (!extend)
    clear_selection (self);
  self->drag = DRAG_RUBBER_BAND;
}

void
bw_annotation_controller_press (BwAnnotationController *self,
                                double                  x,
                                double                  y,
                                int                     n_press,
                                GdkModifierType         state)
{
  g_return_if_fail (BW_IS_ANNOTATION_CONTROLLER (self));

  if (self->image_id <= 0 && self->project != NULL)
    return;

  /* A click on the model's predictions goes back to the annotator's
   * work, which is what a verdict would judge. */
  if (self->show_model)
    {
      bw_annotation_controller_set_show_model (self, FALSE);
      return;
    }

  bw_annotation_controller_cancel_drag (self);
  self->has_pointer = TRUE;
  self->pointer.x = x;
  self->pointer.y = y;
  self->drag_start.x = x;
  self->drag_start.y = y;
  self->drag_now = self->drag_start;

  switch (self->tool)
    {
    case BW_TOOL_BOX:
      self->drag_start = clamp_point (self, x, y);
      self->drag_now = self->drag_start;
      self->drag = DRAG_BOX;
      break;

    case BW_TOOL_POLYGON:
      {
        BwPoint p = clamp_point (self, x, y);

        /* The second press of a double-click closes; its first press
         * already placed the last vertex. */
        if (n_press >= 2 && self->polygon->len > 0)
          {
            bw_annotation_controller_close_polygon (self);
            break;
          }

        if (self->polygon->len >= 3)
          {
            const BwPoint *first = &g_array_index (self->polygon, BwPoint, 0);

            if (hypot (p.x - first->x, p.y - first->y) <= screen_to_image (self, CLOSE_TOLERANCE))
              {
                bw_annotation_controller_close_polygon (self);
                break;
              }
          }

        g_array_append_val (self->polygon, p);
        queue_redraw (self);
      }
      break;

    case BW_TOOL_SELECT:
      press_select (self, x, y, state);
      break;

    case BW_TOOL_PIN:
      {
        BwPoint p = clamp_point (self, x, y);

        _bw_annotation_controller_emit_review (self, BW_REVIEW_REQUEST_PIN, p.x, p.y, FALSE);
      }
      break;

    default:
      g_assert_not_reached ();
    }
}

void
bw_annotation_controller_motion (BwAnnotationController *self,
                                 double                  x,
                                 double                  y,
                                 GdkModifierType         state)
{
  g_return_if_fail (BW_IS_ANNOTATION_CONTROLLER (self));

  self->has_pointer = TRUE;
  self->pointer.x = x;
  self->pointer.y = y;
  self->drag_now.x = x;
  self->drag_now.y = y;

  if (self->drag == DRAG_NONE)
    _bw_annotation_controller_hover_pin (self, x, y);

  switch (self->drag)
    {
    case DRAG_NONE:
      if (self->tool == BW_TOOL_SELECT)
        {
          gint64 hover = bw_annotation_set_hit_test (self->set, x, y, screen_to_image (self, HIT_TOLERANCE),
                                                     bw_annotation_renderer_get_hidden_categories (self->renderer));

          if (hover == self->hover_id)
            return;
          self->hover_id = hover;
        }
      break;

    case DRAG_BOX:
      self->drag_now = clamp_point (self, x, y);
      break;

    case DRAG_RUBBER_BAND:
      break;

    case DRAG_MOVE:
      update_move (self);
      break;

    case DRAG_RESIZE:
      update_resize (self);
      break;

    case DRAG_VERTEX:
      update_vertex (self);
      break;

    default:
      g_assert_not_reached ();
    }

  queue_redraw (self);
}

static void
finish_box (BwAnnotationController *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwShape) shape = bw_shape_new_box (self->drag_start.x, self->drag_start.y,
                                               self->drag_now.x, self->drag_now.y);
  gint64 category_id, id;

  /* A click, or a box under a pixel, makes nothing. */
  if (!bw_shape_validate (shape, NULL))
    return;

  if (!(category_id = category_for_new_shapes (self, &error)) ||
      require_session (self, &error) == NULL ||
      !bw_layer_session_add (self->session, category_id, shape, &id, &error))
    {
      report (self, error);
      return;
    }

  select_made (self, &id, 1);
}

static void
finish_rubber_band (BwAnnotationController *self,
                    GdkModifierType         state)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new ();
  GHashTable *hidden = bw_annotation_renderer_get_hidden_categories (self->renderer);
  BwRect rect = {
    MIN (self->drag_start.x, self->drag_now.x), MIN (self->drag_start.y, self->drag_now.y),
    MAX (self->drag_start.x, self->drag_now.x), MAX (self->drag_start.y, self->drag_now.y),
  };

  if ((state & (GDK_SHIFT_MASK | GDK_CONTROL_MASK)) == 0)
    g_array_set_size (self->selection, 0);

  /* Shapes wholly inside the band are selected. */
  bw_annotation_set_query_rect (self->set, &rect, found);
  for (guint i = 0; i < found->len; i++)
    {
      const BwAnnotation *a = found->pdata[i];
      const BwRect *b = &a->shape->bbox;

      if (b->x0 >= rect.x0 && b->y0 >= rect.y0 && b->x1 <= rect.x1 && b->y1 <= rect.y1 &&
          !g_hash_table_contains (hidden, &a->category_id) &&
          !is_selected (self, a->id))
        g_array_append_val (self->selection, a->id);
    }

  self->by_hand = TRUE;
  selection_changed (self);
}

void
bw_annotation_controller_release (BwAnnotationController *self,
                                  double                  x,
                                  double                  y,
                                  GdkModifierType         state)
{
  DragMode drag;

  g_return_if_fail (BW_IS_ANNOTATION_CONTROLLER (self));

  if (self->drag != DRAG_NONE)
    bw_annotation_controller_motion (self, x, y, state);

  drag = self->drag;
  self->drag = DRAG_NONE;

  switch (drag)
    {
    case DRAG_NONE:
      break;

    case DRAG_BOX:
      finish_box (self);
      break;

    case DRAG_RUBBER_BAND:
      finish_rubber_band (self, state);
      break;

    case DRAG_MOVE:
      /* A click without a move on one shape of a selection selects it
       * alone, as in any editor. */
      if (self->drag_now.x == self->drag_start.x && self->drag_now.y == self->drag_start.y &&
          self->selection->len > 1 && (state & (GDK_SHIFT_MASK | GDK_CONTROL_MASK)) == 0)
        {
          end_floating (self);
          bw_annotation_controller_select (self, &self->drag_hit, 1);
          break;
        }
      commit_floating (self, _("Move"));
      break;

    case DRAG_RESIZE:
      {
        BwAnnotation *f = self->floating->pdata[0];

        if (bw_shape_validate (f->shape, NULL))
          commit_floating (self, _("Resize"));
        else
          report_message (self, _("A box must be at least 1 × 1 pixel"));
      }
      break;

    case DRAG_VERTEX:
      commit_floating (self, self->drag_inserted ? _("Add Vertex") : _("Move Vertex"));
      break;

    default:
      g_assert_not_reached ();
    }

  end_floating (self);
  queue_redraw (self);
}

void
bw_annotation_controller_leave (BwAnnotationController *self)
{
  g_return_if_fail (BW_IS_ANNOTATION_CONTROLLER (self));

  self->has_pointer = FALSE;
  if (self->hover_id != 0)
    self->hover_id = 0;
  queue_redraw (self);
}

static gboolean
delete_active_vertex (BwAnnotationController *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwShape) shape = NULL;
  const BwAnnotation *a = single_selected (self);
  guint part;

  if (a == NULL || a->shape->kind != BW_SHAPE_POLYGON ||
      self->active_vertex < 0 || (guint) self->active_vertex >= a->shape->n_points)
    return FALSE;

  part = bw_shape_part_of_point (a->shape, self->active_vertex);
  shape = bw_shape_copy (a->shape);
  if (bw_shape_part_size (shape, part) > 3)
    bw_shape_remove_point (shape, self->active_vertex);
  else if (shape->n_parts > 1)
    bw_shape_remove_part (shape, part);
  else
    {
      report_message (self, _("A polygon needs at least 3 points; delete the polygon instead"));
      return TRUE;
    }

  if (save_shape (self, _("Delete Vertex"), a->id, shape))
    self->active_vertex = -1;
  queue_redraw (self);

  return TRUE;
}

gboolean
bw_annotation_controller_key_press (BwAnnotationController *self,
                                    guint                   keyval,
                                    GdkModifierType         state)
{
  GdkModifierType mods = state & (GDK_SHIFT_MASK | GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SUPER_MASK);
  double step = (mods & GDK_SHIFT_MASK) ? 10.0 : 1.0;

  g_return_val_if_fail (BW_IS_ANNOTATION_CONTROLLER (self), FALSE);

  /* Shortcuts with Ctrl (undo, submit, …) are actions, not ours. */
  if (mods & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SUPER_MASK))
    return FALSE;

  if (review_mode (self) && _bw_annotation_controller_review_key (self, keyval, mods))
    return TRUE;

  switch (keyval)
    {
    case GDK_KEY_Escape:
      if (self->polygon->len > 0)
        cancel_polygon (self);
      else if (self->drag != DRAG_NONE)
        bw_annotation_controller_cancel_drag (self);
      else if (self->selection->len > 0)
        clear_selection (self);
      else
        return FALSE;
      return TRUE;

    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_ISO_Enter:
      if (self->polygon->len == 0)
        return FALSE;
      bw_annotation_controller_close_polygon (self);
      return TRUE;

    case GDK_KEY_BackSpace:
      if (self->polygon->len > 0)
        {
          g_array_set_size (self->polygon, self->polygon->len - 1);
          if (self->polygon->len == 0)
            self->part_target = 0;
          queue_redraw (self);
          return TRUE;
        }
      G_GNUC_FALLTHROUGH;

    case GDK_KEY_Delete:
    case GDK_KEY_KP_Delete:
      if (self->drag != DRAG_NONE || self->selection->len == 0)
        return FALSE;
      bw_annotation_controller_delete_selection (self);
      return TRUE;

    case GDK_KEY_Tab:
    case GDK_KEY_KP_Tab:
    case GDK_KEY_ISO_Left_Tab:
      if (self->tool != BW_TOOL_SELECT || self->drag != DRAG_NONE)
        return FALSE;
      return step_selection (self, keyval != GDK_KEY_ISO_Left_Tab && !(mods & GDK_SHIFT_MASK));

    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      /* Without a selection the arrows move the view (the canvas). */
      if (self->tool != BW_TOOL_SELECT || self->selection->len == 0 || self->drag != DRAG_NONE)
        return FALSE;
      if (keyval == GDK_KEY_Left || keyval == GDK_KEY_KP_Left)
        bw_annotation_controller_nudge (self, -step, 0);
      else if (keyval == GDK_KEY_Right || keyval == GDK_KEY_KP_Right)
        bw_annotation_controller_nudge (self, step, 0);
      else if (keyval == GDK_KEY_Up || keyval == GDK_KEY_KP_Up)
        bw_annotation_controller_nudge (self, 0, -step);
      else
        bw_annotation_controller_nudge (self, 0, step);
      return TRUE;

    default:
      {
        /* A category's hotkey (a letter or a digit; digits 1–9 also pick
         * the first nine), by the taxonomy's own rule. */
        const BwCategory *category =
          bw_category_list_lookup_key (self->categories, gdk_keyval_to_unicode (keyval));

        if (category == NULL)
          return FALSE;
        bw_annotation_controller_pick_category (self, category->id);
        return TRUE;
      }
    }
}

/**
 * bw_annotation_controller_get_cursor:
 *
 * Returns: (nullable): the name of the pointer cursor that says what a
 *   press would do where the pointer is, or %NULL for the default
 */
const char *
bw_annotation_controller_get_cursor (BwAnnotationController *self)
{
  static const char * const handle_cursors[8] = {
    "nw-resize", "n-resize", "ne-resize", "e-resize",
    "se-resize", "s-resize", "sw-resize", "w-resize",
  };
  const BwAnnotation *single;

  g_return_val_if_fail (BW_IS_ANNOTATION_CONTROLLER (self), NULL);

  if (self->tool != BW_TOOL_SELECT)
    return "crosshair";

  switch (self->drag)
    {
    case DRAG_MOVE:
    case DRAG_VERTEX:
      return "move";

    case DRAG_RESIZE:
      return handle_cursors[self->drag_handle];

    case DRAG_NONE:
    case DRAG_BOX:
    case DRAG_RUBBER_BAND:
    default:
      break;
    }

  single = single_selected (self);
  if (single != NULL && self->has_pointer && self->drag == DRAG_NONE)
    {
      BwPoint on_edge;

      if (single->shape->kind == BW_SHAPE_BOX)
        {
          int handle = find_box_handle (self, single->shape, self->pointer.x, self->pointer.y);

          if (handle >= 0)
            return handle_cursors[handle];
        }
      else if (find_vertex (self, single->shape, self->pointer.x, self->pointer.y,
                            screen_to_image (self, HANDLE_TOLERANCE)) >= 0)
        {
          return "pointer";
        }
      else if (find_edge (self, single->shape, self->pointer.x, self->pointer.y, &on_edge) >= 0)
        {
          return "copy";
        }
    }

  return self->hover_id != 0 ? "move" : NULL;
}

/* ------------------------------------------------------------------ */
/* Commands                                                            */

gboolean
bw_annotation_controller_undo (BwAnnotationController *self)
{
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (BW_IS_ANNOTATION_CONTROLLER (self), FALSE);

  /* Undo while drawing drops the drawing first, as in any editor. */
  if (self->polygon->len > 0 || self->drag != DRAG_NONE)
    {
      bw_annotation_controller_cancel_drag (self);
      cancel_polygon (self);
      return TRUE;
    }

  /* Only the image shown is ever changed: its session has its history. */
  if (self->session == NULL || !bw_layer_session_can_undo (self->session))
    return FALSE;

  if (!bw_layer_session_undo (self->session, &error))
    {
      report (self, error);
      return FALSE;
    }

  return TRUE;
}

gboolean
bw_annotation_controller_redo (BwAnnotationController *self)
{
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (BW_IS_ANNOTATION_CONTROLLER (self), FALSE);

  if (self->drag != DRAG_NONE || self->session == NULL ||
      !bw_layer_session_can_redo (self->session))
    return FALSE;

  if (!bw_layer_session_redo (self->session, &error))
    {
      report (self, error);
      return FALSE;
    }

  return TRUE;
}

gboolean
bw_annotation_controller_delete_selection (BwAnnotationController *self)
{
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (BW_IS_ANNOTATION_CONTROLLER (self), FALSE);

  if (self->selection->len == 0 || self->session == NULL)
    return FALSE;

  if (delete_active_vertex (self))
    return TRUE;

  if (!bw_layer_session_delete (self->session, (const gint64 *) (gpointer) self->selection->data,
                                self->selection->len, &error))
    {
      report (self, error);
      return FALSE;
    }

  clear_selection (self);

  return TRUE;
}

/**
 * bw_annotation_controller_restack_selection:
 * @to_front: bring the selection over every other shape, or send it under
 *
 * One undo step; the drawing order is saved in the project.
 */
gboolean
bw_annotation_controller_restack_selection (BwAnnotationController *self,
                                            gboolean                to_front)
{
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (BW_IS_ANNOTATION_CONTROLLER (self), FALSE);

  if (self->selection->len == 0 || self->session == NULL)
    return FALSE;

  if (!bw_layer_session_restack (self->session, (const gint64 *) (gpointer) self->selection->data,
                                 self->selection->len, to_front, &error))
    {
      report (self, error);
      return FALSE;
    }

  return TRUE;
}

/**
 * bw_annotation_controller_nudge:
 *
 * Moves the selection by a small step. A run of nudges of one selection
 * is one undo step and one write, made when the nudging stops.
 */
gboolean
bw_annotation_controller_nudge (BwAnnotationController *self,
                                double                  dx,
                                double                  dy)
{
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (BW_IS_ANNOTATION_CONTROLLER (self), FALSE);

  if (self->selection->len == 0 || self->drag != DRAG_NONE || self->session == NULL)
    return FALSE;

  if (!bw_layer_session_nudge (self->session, (const gint64 *) (gpointer) self->selection->data,
                               self->selection->len, dx, dy, &error))
    {
      report (self, error);
      return FALSE;
    }

  return TRUE;
}

void
bw_annotation_controller_select_all (BwAnnotationController *self)
{
  GHashTable *hidden = bw_annotation_renderer_get_hidden_categories (self->renderer);

  g_return_if_fail (BW_IS_ANNOTATION_CONTROLLER (self));

  g_array_set_size (self->selection, 0);
  for (guint i = 0; i < bw_annotation_set_get_size (self->set); i++)
    {
      const BwAnnotation *a = bw_annotation_set_get_nth (self->set, i);

      if (!g_hash_table_contains (hidden, &a->category_id))
        g_array_append_val (self->selection, a->id);
    }
  self->by_hand = TRUE;
  selection_changed (self);
}

/* Returns: how many shapes were copied */
guint
bw_annotation_controller_copy (BwAnnotationController *self)
{
  g_return_val_if_fail (BW_IS_ANNOTATION_CONTROLLER (self), 0);

  if (self->selection->len == 0)
    return 0;

  g_ptr_array_set_size (self->clipboard, 0);
  for (guint i = 0; i < self->selection->len; i++)
    {
      const BwAnnotation *a = bw_annotation_set_lookup (self->set, g_array_index (self->selection, gint64, i));

      if (a != NULL)
        g_ptr_array_add (self->clipboard, bw_annotation_copy (a));
    }
  self->clipboard_image = self->image_id;
  self->paste_count = 0;

  return self->clipboard->len;
}

/**
 * bw_annotation_controller_paste:
 *
 * Adds the copied shapes to the image shown, as one step: at the same
 * place on another image (the usual case: the next frame of a sequence),
 * a little offset on the image they came from so they do not hide the
 * originals. Shapes are cut to the image (bw_shape_fit_to_image()); any
 * mostly outside it, or left without area, are left out.
 */
gboolean
bw_annotation_controller_paste (BwAnnotationController *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = NULL;
  double offset = 0.0;

  g_return_val_if_fail (BW_IS_ANNOTATION_CONTROLLER (self), FALSE);

  if (self->clipboard->len == 0)
    return FALSE;

  if (self->clipboard_image == self->image_id)
    offset = PASTE_OFFSET * (self->paste_count + 1);

  if (require_session (self, &error) == NULL ||
      !bw_layer_session_add_many (self->session, _("Paste"), self->clipboard, offset, &ids, &error))
    {
      report (self, error);
      return FALSE;
    }
  if (offset > 0)
    self->paste_count++;

  select_made (self, (const gint64 *) (gpointer) ids->data, ids->len);

  return ids->len > 0;
}

/**
 * bw_annotation_controller_set_selection_category:
 *
 * Relabels the selected shapes (one undo step; "relabelled" tells how
 * many) and makes @category_id the category for the next shapes: the
 * explicit "Change Category" command.
 */
gboolean
bw_annotation_controller_set_selection_category (BwAnnotationController *self,
                                                 gint64                  category_id)
{
  g_autoptr(GError) error = NULL;
  guint n = 0;

  g_return_val_if_fail (BW_IS_ANNOTATION_CONTROLLER (self), FALSE);

  bw_annotation_controller_set_category (self, category_id);

  if (self->selection->len == 0 || self->session == NULL)
    return TRUE;

  if (!bw_layer_session_relabel (self->session, (const gint64 *) (gpointer) self->selection->data,
                                 self->selection->len, category_id, &n, &error))
    {
      report (self, error);
      return FALSE;
    }
  if (n > 0)
    g_signal_emit (self, signals[RELABELLED], 0, n, category_id);

  return TRUE;
}

/**
 * bw_annotation_controller_pick_category:
 *
 * A category key or a click in the category list: @category_id becomes
 * the category for the next shape. Shapes the user selected by hand are
 * relabelled too; a shape that is selected only because it was just
 * drawn (or pasted) is not, so picking the next shape's category never
 * changes the last one.
 */
gboolean
bw_annotation_controller_pick_category (BwAnnotationController *self,
                                        gint64                  category_id)
{
  g_return_val_if_fail (BW_IS_ANNOTATION_CONTROLLER (self), FALSE);

  if (!self->by_hand || self->polygon->len > 0 || self->drag != DRAG_NONE)
    {
      bw_annotation_controller_set_category (self, category_id);
      return TRUE;
    }

  return bw_annotation_controller_set_selection_category (self, category_id);
}

/* Tab and Shift+Tab: the next or previous visible shape, in drawing
 * order, selected by hand. */
static gboolean
step_selection (BwAnnotationController *self,
                gboolean                forward)
{
  GHashTable *hidden = bw_annotation_renderer_get_hidden_categories (self->renderer);
  guint n = bw_annotation_set_get_size (self->set);
  gint64 current = self->selection->len > 0
                   ? g_array_index (self->selection, gint64, self->selection->len - 1) : 0;
  guint start = forward ? n - 1 : 0;

  if (n == 0)
    return FALSE;

  for (guint i = 0; current != 0 && i < n; i++)
    if (bw_annotation_set_get_nth (self->set, i)->id == current)
      {
        start = i;
        break;
      }

  for (guint k = 1; k <= n; k++)
    {
      guint i = forward ? (start + k) % n : (start + n - k) % n;
      const BwAnnotation *a = bw_annotation_set_get_nth (self->set, i);

      if (!g_hash_table_contains (hidden, &a->category_id))
        {
          bw_annotation_controller_select (self, &a->id, 1);
          /* A reviewer looks at each shape in turn, close up. */
          if (review_mode (self))
            _bw_annotation_controller_reveal (self, a->id);
          return TRUE;
        }
    }

  return FALSE;
}

/**
 * bw_annotation_controller_start_add_part:
 *
 * Starts drawing another part of the selected polygon (an object split in
 * two by something in front of it); closing it saves the polygon with the
 * new part, as one annotation.
 */
gboolean
bw_annotation_controller_start_add_part (BwAnnotationController *self)
{
  const BwAnnotation *a;

  g_return_val_if_fail (BW_IS_ANNOTATION_CONTROLLER (self), FALSE);

  a = single_selected (self);
  if (a == NULL || a->shape->kind != BW_SHAPE_POLYGON)
    {
      report_message (self, _("Select one polygon to add a part to it"));
      return FALSE;
    }

  bw_annotation_controller_set_tool (self, BW_TOOL_POLYGON);
  g_array_set_size (self->polygon, 0);
  self->part_target = a->id;

  return TRUE;
}

/* The next image to work on after this one: see
 * bw_layer_session_find_next_image(). */
gint64
bw_annotation_controller_find_next_in_queue (BwAnnotationController *self)
{
  g_return_val_if_fail (BW_IS_ANNOTATION_CONTROLLER (self), 0);

  return self->session != NULL ? bw_layer_session_find_next_image (self->session) : 0;
}

/**
 * bw_annotation_controller_submit:
 *
 * Submits the user's layer of the image shown (an image with no shape is
 * submitted too: it says there is nothing to annotate) and emits
 * "submitted".
 */
gboolean
bw_annotation_controller_submit (BwAnnotationController *self)
{
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (BW_IS_ANNOTATION_CONTROLLER (self), FALSE);

  /* Ctrl+Enter of a reviewer accepts the image. */
  if (review_mode (self))
    return bw_annotation_controller_accept_layer (self);

  if (self->polygon->len > 0)
    {
      report_message (self, _("Finish or cancel the polygon being drawn first"));
      return FALSE;
    }

  if (require_session (self, &error) == NULL ||
      !bw_layer_session_submit (self->session, &error))
    {
      /* Not an error: the window asks whether there is nothing here. */
      if (g_error_matches (error, BW_LAYER_SESSION_ERROR, BW_LAYER_SESSION_ERROR_EMPTY))
        g_signal_emit (self, signals[CONFIRM_NO_OBJECTS], 0, self->image_id);
      else
        report (self, error);
      return FALSE;
    }

  g_signal_emit (self, signals[SUBMITTED], 0, self->image_id);

  return TRUE;
}

/**
 * bw_annotation_controller_mark_no_objects:
 *
 * Submits the image shown as having no objects (the answer to
 * "confirm-no-objects") and emits "submitted".
 */
gboolean
bw_annotation_controller_mark_no_objects (BwAnnotationController *self)
{
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (BW_IS_ANNOTATION_CONTROLLER (self), FALSE);

  if (self->polygon->len > 0)
    {
      report_message (self, _("Finish or cancel the polygon being drawn first"));
      return FALSE;
    }

  if (require_session (self, &error) == NULL ||
      !bw_layer_session_mark_no_objects (self->session, &error))
    {
      report (self, error);
      return FALSE;
    }

  g_signal_emit (self, signals[SUBMITTED], 0, self->image_id);

  return TRUE;
}

/**
 * bw_annotation_controller_recall:
 *
 * Takes back the submission of the image shown, until someone reviews
 * it; emits "recalled".
 */
gboolean
bw_annotation_controller_recall (BwAnnotationController *self)
{
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (BW_IS_ANNOTATION_CONTROLLER (self), FALSE);

  if (require_session (self, &error) == NULL ||
      !bw_layer_session_recall (self->session, &error))
    {
      report (self, error);
      return FALSE;
    }

  g_signal_emit (self, signals[RECALLED], 0, self->image_id);

  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Drawing                                                             */

void
bw_annotation_controller_draw (BwAnnotationController *self,
                               cairo_t                *cr,
                               int                     width,
                               int                     height)
{
  gint64 category_id;
  gboolean many;

  g_return_if_fail (BW_IS_ANNOTATION_CONTROLLER (self));

  if (self->show_model && self->model_set != NULL)
    {
      bw_annotation_renderer_set_selected (self->renderer, NULL, 0);
      bw_annotation_renderer_draw_set (self->renderer, cr, width, height, &self->view, self->model_set);
      bw_annotation_renderer_draw_caption (self->renderer, cr, width,
                                           _("The model’s predictions — M shows the annotator’s work"));
      return;
    }

  category_id = self->category_id;
  many = self->selection->len > MANY_SELECTED && self->floating->len == 0;

  bw_annotation_renderer_set_selected (self->renderer,
                                       many ? (const gint64 *) (gpointer) self->selection->data : NULL,
                                       many ? self->selection->len : 0);
  bw_annotation_renderer_draw_set (self->renderer, cr, width, height, &self->view, self->set);

  if (self->floating->len > 0)
    {
      for (guint i = 0; i < self->floating->len; i++)
        {
          const BwAnnotation *f = self->floating->pdata[i];

          bw_annotation_renderer_draw_shape (self->renderer, cr, &self->view, f->shape, f->category_id,
                                             BW_SHAPE_STYLE_SELECTED |
                                             (self->floating->len == 1 ? BW_SHAPE_STYLE_HANDLES : 0));
        }
    }
  else
    {
      if (self->hover_id != 0 && !is_selected (self, self->hover_id))
        {
          const BwAnnotation *a = bw_annotation_set_lookup (self->set, self->hover_id);

          if (a != NULL)
            bw_annotation_renderer_draw_shape (self->renderer, cr, &self->view, a->shape, a->category_id,
                                               BW_SHAPE_STYLE_HOVER);
        }

      for (guint i = 0; !many && i < self->selection->len; i++)
        {
          const BwAnnotation *a = bw_annotation_set_lookup (self->set, g_array_index (self->selection, gint64, i));

          if (a != NULL)
            bw_annotation_renderer_draw_shape (self->renderer, cr, &self->view, a->shape, a->category_id,
                                               BW_SHAPE_STYLE_SELECTED |
                                               (self->selection->len == 1 && self->tool == BW_TOOL_SELECT &&
                                                (!review_mode (self) || a->id == self->fixing_id)
                                                ? BW_SHAPE_STYLE_HANDLES : 0));
        }
      if (self->active_vertex >= 0 && self->tool == BW_TOOL_SELECT)
        {
          const BwAnnotation *a = single_selected (self);

          if (a != NULL && (guint) self->active_vertex < a->shape->n_points)
            bw_annotation_renderer_draw_active_vertex (self->renderer, cr, &self->view,
                                                       &a->shape->points[self->active_vertex]);
        }
    }

  if (self->drag == DRAG_BOX)
    {
      g_autoptr(BwShape) preview = bw_shape_new_box (self->drag_start.x, self->drag_start.y,
                                                     self->drag_now.x, self->drag_now.y);

      bw_annotation_renderer_draw_shape (self->renderer, cr, &self->view, preview, category_id,
                                         BW_SHAPE_STYLE_SELECTED);
    }
  else if (self->drag == DRAG_RUBBER_BAND)
    {
      BwRect rect = {
        MIN (self->drag_start.x, self->drag_now.x), MIN (self->drag_start.y, self->drag_now.y),
        MAX (self->drag_start.x, self->drag_now.x), MAX (self->drag_start.y, self->drag_now.y),
      };

      bw_annotation_renderer_draw_rubber_band (self->renderer, cr, &self->view, &rect);
    }

  if (self->polygon->len > 0)
    {
      BwPoint pointer = clamp_point (self, self->pointer.x, self->pointer.y);

      if (self->part_target > 0)
        {
          const BwAnnotation *target = bw_annotation_set_lookup (self->set, self->part_target);

          if (target != NULL)
            category_id = target->category_id;
        }
      bw_annotation_renderer_draw_polyline (self->renderer, cr, &self->view,
                                            (const BwPoint *) (gpointer) self->polygon->data,
                                            self->polygon->len,
                                            self->has_pointer ? &pointer : NULL, category_id);
    }

  if (self->has_pointer && self->drag == DRAG_NONE && self->tool != BW_TOOL_SELECT &&
      self->pointer.x >= 0 && self->pointer.y >= 0 &&
      self->pointer.x <= self->image_width && self->pointer.y <= self->image_height)
    bw_annotation_renderer_draw_crosshair (self->renderer, cr, width, height, &self->view,
                                           self->pointer.x, self->pointer.y);
}

/* ------------------------------------------------------------------ */
/* GObject                                                             */

static void
bw_annotation_controller_dispose (GObject *object)
{
  BwAnnotationController *self = BW_ANNOTATION_CONTROLLER (object);

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  close_session (self);
  g_clear_object (&self->project);
  g_clear_object (&self->actions);
  g_clear_weak_pointer (&self->canvas);

  G_OBJECT_CLASS (bw_annotation_controller_parent_class)->dispose (object);
}

static void
bw_annotation_controller_finalize (GObject *object)
{
  BwAnnotationController *self = BW_ANNOTATION_CONTROLLER (object);

  g_clear_pointer (&self->categories, g_ptr_array_unref);
  g_clear_pointer (&self->reasons, g_ptr_array_unref);
  g_ptr_array_unref (self->originals);
  g_ptr_array_unref (self->floating);
  g_ptr_array_unref (self->clipboard);
  g_array_unref (self->polygon);
  g_array_unref (self->selection);
  g_clear_pointer (&self->model_set, bw_annotation_set_free);
  bw_annotation_set_free (self->empty_set);
  bw_annotation_renderer_free (self->renderer);

  G_OBJECT_CLASS (bw_annotation_controller_parent_class)->finalize (object);
}

static void
bw_annotation_controller_get_property (GObject    *object,
                                       guint       prop_id,
                                       GValue     *value,
                                       GParamSpec *pspec)
{
  BwAnnotationController *self = BW_ANNOTATION_CONTROLLER (object);

  switch (prop_id)
    {
    case PROP_TOOL:
      g_value_set_int (value, self->tool);
      break;

    case PROP_CATEGORY_ID:
      g_value_set_int64 (value, self->category_id);
      break;

    case PROP_CAN_UNDO:
      g_value_set_boolean (value, self->session != NULL && bw_layer_session_can_undo (self->session));
      break;

    case PROP_CAN_REDO:
      g_value_set_boolean (value, self->session != NULL && bw_layer_session_can_redo (self->session));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bw_annotation_controller_set_property (GObject      *object,
                                       guint         prop_id,
                                       const GValue *value,
                                       GParamSpec   *pspec)
{
  BwAnnotationController *self = BW_ANNOTATION_CONTROLLER (object);

  switch (prop_id)
    {
    case PROP_TOOL:
      bw_annotation_controller_set_tool (self, g_value_get_int (value));
      break;

    case PROP_CATEGORY_ID:
      bw_annotation_controller_set_category (self, g_value_get_int64 (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bw_annotation_controller_class_init (BwAnnotationControllerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = bw_annotation_controller_dispose;
  object_class->finalize = bw_annotation_controller_finalize;
  object_class->get_property = bw_annotation_controller_get_property;
  object_class->set_property = bw_annotation_controller_set_property;

  properties[PROP_TOOL] =
    g_param_spec_int ("tool", NULL, NULL, BW_TOOL_SELECT, BW_TOOL_PIN, BW_TOOL_SELECT,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CATEGORY_ID] =
    g_param_spec_int64 ("category-id", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_UNDO] =
    g_param_spec_boolean ("can-undo", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_REDO] =
    g_param_spec_boolean ("can-redo", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[REDRAW] =
    g_signal_new ("redraw", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[ERROR] =
    g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[SUBMITTED] =
    g_signal_new ("submitted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
  signals[SELECTION_CHANGED] =
    g_signal_new ("selection-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[CATEGORIES_CHANGED] =
    g_signal_new ("categories-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[CONFIRM_NO_OBJECTS] =
    g_signal_new ("confirm-no-objects", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
  signals[REOPENED] =
    g_signal_new ("reopened", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
  signals[RELABELLED] =
    g_signal_new ("relabelled", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_INT64);
  signals[RECALLED] =
    g_signal_new ("recalled", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
  signals[REJECT_REQUESTED] =
    g_signal_new ("reject-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[PIN_REQUESTED] =
    g_signal_new ("pin-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_DOUBLE, G_TYPE_DOUBLE);
  signals[LAYER_REVIEWED] =
    g_signal_new ("layer-reviewed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_BOOLEAN);
  /**
   * BwAnnotationController::question-requested:
   * @annotation_id: the selected shape, or 0 for the whole image
   *
   * ? was pressed: the window asks for the question's text and saves it
   * with bw_project_ask_question().
   */
  signals[QUESTION_REQUESTED] =
    g_signal_new ("question-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
}

static void
bw_annotation_controller_init (BwAnnotationController *self)
{
  self->empty_set = bw_annotation_set_new (0, 0);
  self->set = self->empty_set;
  self->renderer = bw_annotation_renderer_new ();
  self->view.scale = 1.0;
  self->tool = BW_TOOL_SELECT;
  self->selection = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->polygon = g_array_new (FALSE, FALSE, sizeof (BwPoint));
  self->originals = g_ptr_array_new_with_free_func ((GDestroyNotify) bw_annotation_free);
  self->floating = g_ptr_array_new_with_free_func ((GDestroyNotify) bw_annotation_free);
  self->clipboard = g_ptr_array_new_with_free_func ((GDestroyNotify) bw_annotation_free);
  self->categories = g_ptr_array_new_with_free_func ((GDestroyNotify) bw_category_free);
  self->reasons = g_ptr_array_new_with_free_func ((GDestroyNotify) bw_rejection_reason_free);
  self->active_vertex = -1;
}

BwAnnotationController *
bw_annotation_controller_new (void)
{
  return g_object_new (BW_TYPE_ANNOTATION_CONTROLLER, NULL);
}
