/* bw-layer-session.c — one image's work: its layers, their history, commands
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A session is the document of one image being worked on, in the sense
 * of a text editor's document: it owns the person's work layer (made on
 * the first edit, or from a copy of the model's predictions when there
 * are some), the shapes of that layer in memory (the set the canvas draws
 * and hit-tests), and the edit history of this image alone. The app's
 * controller, the command line and the tests change an image only through
 * its commands, so the rules live here once: every command is one step of
 * the history and one transaction; an edit of submitted or returned work
 * puts it back in progress, in the same step; undo and redo never touch
 * another image, because another image has another session.
 *
 * Runs of arrow-key nudges of one selection are one step and one write:
 * the shapes move in memory at once and are written when the nudging
 * stops (a short pause, any other command, or the session being closed).
 */

#define G_LOG_DOMAIN "bw-layer-session"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>

#include "bw-layer-session-private.h"
#include "bw-project-exams.h"

/* How long after the last nudge the run is written. */
#define NUDGE_WRITE_DELAY_MS 600


enum {
  PROP_0,
  PROP_CAN_UNDO,
  PROP_CAN_REDO,
  N_PROPS
};

enum {
  ANNOTATION_CHANGED,
  RELOADED,
  STATUS_CHANGED,
  REOPENED,
  ERROR,
  REVIEWS_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_QUARK (bw-layer-session-error-quark, bw_layer_session_error)

G_DEFINE_FINAL_TYPE (BwLayerSession, bw_layer_session, G_TYPE_OBJECT)

static void
notify_can (BwLayerSession *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_UNDO]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_REDO]);
}

/* ------------------------------------------------------------------ */
/* Reading the layer                                                    */

static gint64
find_own_layer (BwLayerSession  *self,
                BwLayerStatus   *status,
                gboolean        *no_objects,
                GError         **error)
{
  g_autoptr(GPtrArray) layers = NULL;

  /* A reviewer's session is of the layer they judge. */
  if (self->reviewer_id > 0)
    {
      g_autoptr(BwLayer) layer = bw_project_get_layer (self->project, self->layer_id, error);

      if (layer == NULL)
        return -1;
      *status = layer->status;
      *no_objects = layer->no_objects;
      return layer->id;
    }

  /* An exam answer is the attempt's. */
  if (self->exam_attempt_id > 0)
    {
      gint64 exam_layer = bw_project_get_exam_answer_layer (self->project, self->exam_attempt_id,
                                                            self->image_id, error);
      g_autoptr(BwLayer) layer = NULL;

      *status = BW_LAYER_STATUS_IN_PROGRESS;
      *no_objects = FALSE;
      if (exam_layer <= 0)
        return exam_layer;
      if (!(layer = bw_project_get_layer (self->project, exam_layer, error)))
        return -1;
      *status = layer->status;
      *no_objects = layer->no_objects;
      return exam_layer;
    }

  /* The gold answer is the image's, whoever drew it. */
  if (self->gold)
    {
      gint64 gold_id = bw_project_get_gold_layer (self->project, self->image_id, error);

      *status = BW_LAYER_STATUS_IN_PROGRESS;
      *no_objects = FALSE;
      return gold_id;
    }

  if (!(layers = bw_project_list_layers (self->project, self->image_id, error)))
    return -1;

  for (guint i = 0; i < layers->len; i++)
    {
      const BwLayer *layer = layers->pdata[i];

      if (layer->kind == BW_LAYER_KIND_WORK && layer->person_id == self->person_id && self->person_id > 0)
        {
          *status = layer->status;
          *no_objects = layer->no_objects;
          return layer->id;
        }
    }

  *status = BW_LAYER_STATUS_IN_PROGRESS;
  *no_objects = FALSE;
  return 0;
}

/* Reads the person's layer and its shapes into the set. */
static gboolean
load (BwLayerSession  *self,
      GError         **error)
{
  g_autoptr(GPtrArray) annotations = NULL;
  BwLayerStatus status = BW_LAYER_STATUS_IN_PROGRESS;
  gboolean no_objects = FALSE;
  gint64 layer_id;

  layer_id = find_own_layer (self, &status, &no_objects, error);
  if (layer_id < 0)
    return FALSE;

  /* A row whose stored shape is damaged is left out, not a reason to
   * show none of the image's work: the session says which it skipped. */
  g_clear_pointer (&self->damaged, g_ptr_array_unref);
  if (layer_id > 0 &&
      !(annotations = bw_project_list_annotations_full (self->project, layer_id, &self->damaged, error)))
    return FALSE;

  self->layer_id = layer_id;
  self->status = status;
  self->no_objects = no_objects;
  bw_annotation_set_reset (self->set, self->width, self->height);
  for (guint i = 0; annotations != NULL && i < annotations->len; i++)
    bw_annotation_set_take (self->set, g_steal_pointer (&annotations->pdata[i]));

  return _bw_layer_session_load_reviews (self, error);
}

static gboolean
reload (BwLayerSession  *self,
        GError         **error)
{
  BwLayerStatus old_status = self->status;
  gboolean old_no_objects = self->no_objects;

  g_clear_handle_id (&self->reload_id, g_source_remove);

  if (!bw_layer_session_flush (self, error) || !load (self, error))
    return FALSE;
  if (bw_edit_history_revalidate (self->history))
    notify_can (self);

  g_signal_emit (self, signals[RELOADED], 0);
  if (old_status != self->status || old_no_objects != self->no_objects)
    g_signal_emit (self, signals[STATUS_CHANGED], 0);

  return TRUE;
}

static gboolean
reload_cb (gpointer user_data)
{
  BwLayerSession *self = user_data;
  g_autoptr(GError) error = NULL;

  self->reload_id = 0;

  if (!reload (self, &error))
    g_signal_emit (self, signals[ERROR], 0, error);

  return G_SOURCE_REMOVE;
}

/* Whether the project holds something else than the session shows: a
 * layer made, submitted or recalled elsewhere, shapes added, deleted,
 * changed (a new version) or restacked. */
static gboolean
differs_from_project (BwLayerSession  *self,
                      gboolean        *differs,
                      GError         **error)
{
  g_autoptr(GArray) stamps = NULL;
  BwLayerStatus status;
  gboolean no_objects;
  gint64 layer_id;

  layer_id = find_own_layer (self, &status, &no_objects, error);
  if (layer_id < 0)
    return FALSE;

  *differs = TRUE;
  if (layer_id != self->layer_id || status != self->status || no_objects != self->no_objects)
    return TRUE;
  if (layer_id == 0)
    {
      *differs = FALSE;
      return TRUE;
    }

  if (!(stamps = bw_project_list_annotation_stamps (self->project, layer_id, error)))
    return FALSE;
  if (stamps->len != bw_annotation_set_get_size (self->set))
    return TRUE;
  for (guint i = 0; i < stamps->len; i++)
    {
      const BwAnnotationStamp *stamp = &g_array_index (stamps, BwAnnotationStamp, i);
      const BwAnnotation *shown = bw_annotation_set_lookup (self->set, stamp->id);

      if (shown == NULL || shown->version != stamp->version || shown->z != stamp->z)
        return TRUE;
    }

  *differs = FALSE;
  return TRUE;
}

/**
 * bw_layer_session_refresh:
 * @out_reloaded: (out) (optional): whether the layer was read again
 *
 * After another program changed the project
 * (#BwProject::changed-externally): reads the layer again when what the
 * project holds differs from what the session shows, and drops the
 * steps of the history that could no longer be replayed (shapes deleted
 * elsewhere: bw_edit_history_revalidate()). Costs one query of
 * the layer's stamps when nothing differs. A view calls it when the user
 * is not in the middle of an edit (a drag), which reading the layer
 * would undo.
 *
 * Returns: %FALSE when the project could not be read
 */
gboolean
bw_layer_session_refresh (BwLayerSession  *self,
                          gboolean        *out_reloaded,
                          GError         **error)
{
  gboolean differs = FALSE;

  g_return_val_if_fail (BW_IS_LAYER_SESSION (self), FALSE);

  if (out_reloaded != NULL)
    *out_reloaded = FALSE;

  if (!differs_from_project (self, &differs, error))
    return FALSE;
  if (!differs)
    return TRUE;

  if (out_reloaded != NULL)
    *out_reloaded = TRUE;
  return reload (self, error);
}

/* Annotations changed in the project: our own edits are already in the
 * set (the history told us); anything else (a merge of categories, an
 * import of predictions) is read again, once, when the main loop is
 * idle. */
static void
project_annotations_changed_cb (BwLayerSession *self,
                                BwProject      *project)
{
  if (bw_edit_history_is_writing (self->history) || self->reload_id != 0)
    return;

  self->reload_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, reload_cb, self, NULL);
}

/* A category merged into another: the history's shapes in it now belong
 * to the other, so undo and redo put them there. */
static void
project_category_merged_cb (BwLayerSession *self,
                            gint64          source_id,
                            gint64          target_id,
                            BwProject      *project)
{
  bw_edit_history_replace_category (self->history, source_id, target_id);

  for (guint i = 0; self->nudge_originals != NULL && i < self->nudge_originals->len; i++)
    {
      BwAnnotation *a = self->nudge_originals->pdata[i];

      if (a->category_id == source_id)
        a->category_id = target_id;
    }
}

static void
project_categories_changed_cb (BwLayerSession *self,
                               BwProject      *project)
{
  /* A category deleted with its shapes: the steps that would bring them
   * back, or change them, are dropped before anyone tries. */
  if (!bw_edit_history_is_writing (self->history) && bw_edit_history_revalidate (self->history))
    notify_can (self);
}

static void
history_annotation_changed_cb (BwLayerSession     *self,
                               gint64              id,
                               gint64              layer_id,
                               const BwAnnotation *annotation,
                               BwEditHistory      *history)
{
  if (layer_id != self->layer_id)
    return;

  if (annotation != NULL)
    bw_annotation_set_put (self->set, annotation);
  else
    bw_annotation_set_remove (self->set, id);

  g_signal_emit (self, signals[ANNOTATION_CHANGED], 0, id, annotation);
  /* A new version has no verdict yet. */
  _bw_layer_session_update_verdict (self, id);
}

void
_bw_layer_session_emit_annotation_changed (BwLayerSession     *self,
                                           gint64              id,
                                           const BwAnnotation *annotation)
{
  g_signal_emit (self, signals[ANNOTATION_CHANGED], 0, id, annotation);
}

void
_bw_layer_session_emit_reviews_changed (BwLayerSession *self)
{
  g_signal_emit (self, signals[REVIEWS_CHANGED], 0);
}

static void
history_notify_cb (BwLayerSession *self,
                   GParamSpec     *pspec,
                   BwEditHistory  *history)
{
  if (g_strcmp0 (pspec->name, "can-undo") == 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_UNDO]);
  else if (g_strcmp0 (pspec->name, "can-redo") == 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_REDO]);
}

static void connect_signals (BwLayerSession *self);

/**
 * bw_layer_session_new:
 * @image_id: the image
 * @person_id: whose work layer is edited, or 0 to only look
 *
 * Opens the work of @person_id on @image_id. When the person has no layer
 * yet and the image has model predictions, the layer starts as a copy of
 * them; otherwise it is made by the first edit, so that looking at an
 * image leaves no trace.
 *
 * Returns: (transfer full): the session, or %NULL with @error set
 */
static BwLayerSession *
session_new (BwProject  *project,
             gint64      image_id,
             gint64      person_id,
             gboolean    gold,
             gint64      exam_attempt_id,
             GError    **error)
{
  g_autoptr(BwLayerSession) self = NULL;
  g_autoptr(BwImage) image = NULL;
  BwLayerStatus status;
  gboolean no_objects;
  gint64 layer_id;

  g_return_val_if_fail (BW_IS_PROJECT (project), NULL);
  g_return_val_if_fail (image_id > 0, NULL);

  if (!(image = bw_project_get_image (project, image_id, error)))
    return NULL;

  self = g_object_new (BW_TYPE_LAYER_SESSION, NULL);
  self->project = g_object_ref (project);
  self->image_id = image_id;
  self->person_id = person_id;
  self->gold = gold;
  self->exam_attempt_id = exam_attempt_id;
  self->width = image->width;
  self->height = image->height;
  self->set = bw_annotation_set_new (self->width, self->height);
  self->history = bw_edit_history_new (project);

  layer_id = find_own_layer (self, &status, &no_objects, error);
  if (layer_id < 0)
    return NULL;
  /* Model predictions become the annotator's starting point. */
  if (layer_id == 0 && person_id > 0 && !gold && exam_attempt_id == 0 &&
      !bw_project_start_layer_from_model (project, image_id, person_id, &layer_id, error))
    return NULL;
  if (!load (self, error))
    return NULL;

  connect_signals (self);

  return g_steal_pointer (&self);
}

static void
connect_signals (BwLayerSession *self)
{
  BwProject *project = self->project;

  g_signal_connect_object (self->history, "annotation-changed",
                           G_CALLBACK (history_annotation_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->history, "notify",
                           G_CALLBACK (history_notify_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (project, "annotations-changed",
                           G_CALLBACK (project_annotations_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (project, "category-merged",
                           G_CALLBACK (project_category_merged_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (project, "categories-changed",
                           G_CALLBACK (project_categories_changed_cb), self, G_CONNECT_SWAPPED);
}

/**
 * bw_layer_session_new_for_review:
 * @layer_id: the annotator's layer to judge
 * @reviewer_id: the reviewer
 *
 * Opens another person's layer for @reviewer_id to judge. A submitted
 * layer is in review from then on (its annotator can no longer recall
 * it). The session's edits are the reviewer's fixes
 * (bw_layer_session_fix()); drawing and deleting shapes are the
 * annotator's and are refused with %BW_LAYER_SESSION_ERROR_REVIEWING.
 *
 * Returns: (transfer full): the session, or %NULL with @error set
 */
BwLayerSession *
bw_layer_session_new_for_review (BwProject  *project,
                                 gint64      layer_id,
                                 gint64      reviewer_id,
                                 GError    **error)
{
  g_autoptr(BwLayerSession) self = NULL;
  g_autoptr(BwImage) image = NULL;
  g_autoptr(BwLayer) layer = NULL;

  g_return_val_if_fail (BW_IS_PROJECT (project), NULL);
  g_return_val_if_fail (layer_id > 0, NULL);
  g_return_val_if_fail (reviewer_id > 0, NULL);

  if (!(layer = bw_project_get_layer (project, layer_id, error)) ||
      !(image = bw_project_get_image (project, layer->image_id, error)))
    return NULL;
  /* On read-only media the layer can still be looked at; each verdict
   * then says why it cannot be given. */
  if (layer->kind == BW_LAYER_KIND_WORK && layer->status == BW_LAYER_STATUS_SUBMITTED &&
      !bw_project_is_read_only (project) &&
      !bw_project_start_review (project, layer_id, reviewer_id, error))
    return NULL;

  self = g_object_new (BW_TYPE_LAYER_SESSION, NULL);
  self->project = g_object_ref (project);
  self->image_id = layer->image_id;
  self->person_id = layer->person_id;
  self->reviewer_id = reviewer_id;
  self->layer_id = layer_id;
  self->width = image->width;
  self->height = image->height;
  self->set = bw_annotation_set_new (self->width, self->height);
  self->history = bw_edit_history_new (project);

  if (!load (self, error))
    return NULL;

  connect_signals (self);

  return g_steal_pointer (&self);
}

BwLayerSession *
bw_layer_session_new (BwProject  *project,
                      gint64      image_id,
                      gint64      person_id,
                      GError    **error)
{
  return session_new (project, image_id, person_id, FALSE, 0, error);
}

/**
 * bw_layer_session_new_for_gold:
 * @image_id: a gold image
 * @person_id: who edits its answer; the gold layer is theirs when new
 *
 * Opens the gold answer of @image_id (its gold layer, whoever drew it)
 * for editing, with the same commands as a person's work. A gold answer
 * is not submitted: a second expert reviews it
 * (bw_project_review_gold_answer()).
 *
 * Returns: (transfer full): the session, or %NULL with @error set
 */
BwLayerSession *
bw_layer_session_new_for_gold (BwProject  *project,
                               gint64      image_id,
                               gint64      person_id,
                               GError    **error)
{
  return session_new (project, image_id, person_id, TRUE, 0, error);
}

/**
 * bw_layer_session_new_for_exam:
 * @attempt_id: an exam attempt
 * @image_id: one of its exam's images
 *
 * Opens the attempt's answer to @image_id (an exam layer, made on the
 * first edit), for the person taking the exam, with the same commands as
 * their work. Submitting hands the image in
 * (bw_project_submit_exam_image()); the last one scores the attempt,
 * after which its answers no longer change. Model predictions are not
 * copied in: an exam answer is the person's own.
 *
 * Returns: (transfer full): the session, or %NULL with @error set
 */
BwLayerSession *
bw_layer_session_new_for_exam (BwProject  *project,
                               gint64      attempt_id,
                               gint64      image_id,
                               GError    **error)
{
  g_autoptr(BwExamAttempt) attempt = NULL;

  g_return_val_if_fail (BW_IS_PROJECT (project), NULL);
  g_return_val_if_fail (attempt_id > 0, NULL);

  if (!(attempt = bw_project_get_exam_attempt (project, attempt_id, error)))
    return NULL;
  return session_new (project, image_id, attempt->person_id, FALSE, attempt_id, error);
}

/* Returns: the exam attempt whose answer the session edits, or 0 */
gint64
bw_layer_session_get_exam_attempt_id (BwLayerSession *self)
{
  g_return_val_if_fail (BW_IS_LAYER_SESSION (self), 0);

  return self->exam_attempt_id;
}

/* Returns: whether the session edits the image's gold answer */
gboolean
bw_layer_session_is_gold (BwLayerSession *self)
{
  g_return_val_if_fail (BW_IS_LAYER_SESSION (self), FALSE);

  return self->gold;
}

BwProject *
bw_layer_session_get_project (BwLayerSession *self)
{
  g_return_val_if_fail (BW_IS_LAYER_SESSION (self), NULL);

  return self->project;
}

gint64
bw_layer_session_get_image_id (BwLayerSession *self)
{
  g_return_val_if_fail (BW_IS_LAYER_SESSION (self), 0);

  return self->image_id;
}

gint64
bw_layer_session_get_person_id (BwLayerSession *self)
{
  g_return_val_if_fail (BW_IS_LAYER_SESSION (self), 0);

  return self->person_id;
}

/* Returns: the person's work layer, or 0 while they have not edited */
gint64
bw_layer_session_get_layer_id (BwLayerSession *self)
{
  g_return_val_if_fail (BW_IS_LAYER_SESSION (self), 0);

  return self->layer_id;
}

void
bw_layer_session_get_image_size (BwLayerSession *self,
                                 double         *width,
                                 double         *height)
{
  g_return_if_fail (BW_IS_LAYER_SESSION (self));

  if (width != NULL)
    *width = self->width;
  if (height != NULL)
    *height = self->height;
}

/* Returns: (transfer none): the layer's shapes, as the project holds them
 *   (and as a run of nudges not yet written has moved them) */
BwAnnotationSet *
bw_layer_session_get_annotations (BwLayerSession *self)
{
  g_return_val_if_fail (BW_IS_LAYER_SESSION (self), NULL);

  return self->set;
}

BwLayerStatus
bw_layer_session_get_status (BwLayerSession *self)
{
  g_return_val_if_fail (BW_IS_LAYER_SESSION (self), BW_LAYER_STATUS_IN_PROGRESS);

  return self->status;
}

gboolean
bw_layer_session_get_no_objects (BwLayerSession *self)
{
  g_return_val_if_fail (BW_IS_LAYER_SESSION (self), FALSE);

  return self->no_objects;
}

/**
 * bw_layer_session_get_damaged:
 *
 * Returns: (transfer none) (element-type utf8) (nullable): messages naming
 *   the stored annotations of the layer that could not be read when it
 *   was last read, and are left out of the set; %NULL or empty when none
 */
GPtrArray *
bw_layer_session_get_damaged (BwLayerSession *self)
{
  g_return_val_if_fail (BW_IS_LAYER_SESSION (self), NULL);

  return self->damaged;
}

/* Returns: (transfer none): the history of this image's steps */
BwEditHistory *
bw_layer_session_get_history (BwLayerSession *self)
{
  g_return_val_if_fail (BW_IS_LAYER_SESSION (self), NULL);

  return self->history;
}

/* ------------------------------------------------------------------ */
/* Steps                                                               */

/* The layer new shapes go to, made on the first edit; the image is then
 * in progress. */
static gboolean
ensure_layer (BwLayerSession  *self,
              GError         **error)
{
  if (self->exam_attempt_id > 0)
    {
      if (!bw_project_check_exam_open (self->project, self->exam_attempt_id, error))
        return FALSE;
      if (self->layer_id > 0)
        return TRUE;
      if (!bw_project_ensure_exam_layer (self->project, self->exam_attempt_id, self->image_id,
                                         &self->layer_id, error))
        return FALSE;
      self->status = BW_LAYER_STATUS_IN_PROGRESS;
      return TRUE;
    }

  if (self->layer_id > 0)
    return TRUE;

  /* Said first: on a read-only project nobody can be recorded either. */
  if (!bw_project_check_writable (self->project, error))
    return FALSE;

  if (self->person_id <= 0)
    {
      g_set_error_literal (error, BW_LAYER_SESSION_ERROR, BW_LAYER_SESSION_ERROR_NO_PERSON,
                           _("Boxwood does not know who is annotating; set your name in Preferences"));
      return FALSE;
    }

  /* New work waits while a required exam holds the person back. */
  if (!self->gold && !bw_project_check_queue_open (self->project, self->person_id, error))
    return FALSE;

  if (!bw_project_ensure_layer (self->project, self->image_id, self->person_id,
                                self->gold ? BW_LAYER_KIND_GOLD : BW_LAYER_KIND_WORK,
                                &self->layer_id, error))
    return FALSE;
  self->status = BW_LAYER_STATUS_IN_PROGRESS;

  return TRUE;
}

typedef struct
{
  gint64        layer_id;
  gint64        image_id;
  BwLayerStatus layer_before;
  BwImageStatus image_before;
  gboolean      image_too;      /* the image was submitted or returned too */
  gboolean      no_objects_before;
} Reopen;

static gboolean
set_statuses (BwProject      *project,
              const Reopen   *reopen,
              gboolean        forward,
              GError        **error)
{
  return bw_project_set_layer_status (project, reopen->layer_id,
                                      forward ? BW_LAYER_STATUS_IN_PROGRESS : reopen->layer_before,
                                      error) &&
         (!reopen->no_objects_before ||
          bw_project_set_layer_no_objects (project, reopen->layer_id, !forward, error)) &&
         (!reopen->image_too ||
          bw_project_set_image_status (project, reopen->image_id,
                                       forward ? BW_IMAGE_STATUS_IN_PROGRESS : reopen->image_before,
                                       error));
}

static gboolean
reopen_apply (BwProject  *project,
              gpointer    data,
              gboolean    forward,
              GError    **error)
{
  return set_statuses (project, data, forward, error);
}

/* The first edit of submitted or returned work sends it back to work, in
 * the edit's own step: undoing the edit hands it back as it was. A shape
 * drawn on an image answered "no objects" takes that answer back too. */
static gboolean
reopen_in_step (BwLayerSession  *self,
                gboolean        *reopened,
                GError         **error)
{
  g_autoptr(BwImage) image = NULL;
  Reopen *reopen;

  *reopened = FALSE;
  if (self->status != BW_LAYER_STATUS_SUBMITTED && self->status != BW_LAYER_STATUS_REJECTED &&
      !self->no_objects)
    return TRUE;

  if (!(image = bw_project_get_image (self->project, self->image_id, error)))
    return FALSE;

  reopen = g_new0 (Reopen, 1);
  reopen->layer_id = self->layer_id;
  reopen->image_id = self->image_id;
  reopen->layer_before = self->status;
  reopen->image_before = image->status;
  reopen->image_too = image->status == BW_IMAGE_STATUS_SUBMITTED ||
                      image->status == BW_IMAGE_STATUS_REJECTED;
  reopen->no_objects_before = self->no_objects;
  if (!set_statuses (self->project, reopen, TRUE, error))
    {
      g_free (reopen);
      return FALSE;
    }

  bw_edit_history_add_action (self->history, reopen_apply, reopen, g_free);
  *reopened = reopen->layer_before == BW_LAYER_STATUS_SUBMITTED ||
              reopen->layer_before == BW_LAYER_STATUS_REJECTED;

  return TRUE;
}

static gboolean flush_nudge (BwLayerSession *self, GError **error);

/* Opens a step for an edit of the layer. */
static gboolean
begin_edit (BwLayerSession  *self,
            const char      *label,
            gboolean        *reopened,
            GError         **error)
{
  *reopened = FALSE;

  if (!_bw_layer_session_check_not_reviewing (self, error) ||
      !flush_nudge (self, error) ||
      !ensure_layer (self, error) ||
      !bw_edit_history_begin (self->history, label, error))
    return FALSE;

  if (!reopen_in_step (self, reopened, error))
    {
      bw_edit_history_cancel (self->history);
      return FALSE;
    }

  return TRUE;
}

static void
refresh_status (BwLayerSession *self,
                gboolean        reopened)
{
  g_autoptr(BwLayer) layer = NULL;
  BwLayerStatus status;

  if (self->layer_id <= 0)
    return;

  layer = bw_project_get_layer (self->project, self->layer_id, NULL);
  status = layer != NULL ? layer->status : self->status;
  if (status == self->status && (layer == NULL || layer->no_objects == self->no_objects) && !reopened)
    return;

  self->status = status;
  if (layer != NULL)
    self->no_objects = layer->no_objects;
  g_signal_emit (self, signals[STATUS_CHANGED], 0);
  if (reopened)
    g_signal_emit (self, signals[REOPENED], 0);
}

void
_bw_layer_session_refresh_status (BwLayerSession *self)
{
  refresh_status (self, FALSE);
}

/* Closes the step: saved when @ok, else rolled back. */
static gboolean
end_edit (BwLayerSession  *self,
          gboolean         ok,
          gboolean         reopened,
          GError         **error)
{
  if (!ok)
    {
      bw_edit_history_cancel (self->history);
      return FALSE;
    }
  if (!bw_edit_history_end (self->history, error))
    return FALSE;

  refresh_status (self, reopened);

  return TRUE;
}

static const BwAnnotation *
lookup_own (BwLayerSession  *self,
            gint64           id,
            GError         **error)
{
  const BwAnnotation *a = bw_annotation_set_lookup (self->set, id);

  if (a == NULL)
    g_set_error (error, BW_LAYER_SESSION_ERROR, BW_LAYER_SESSION_ERROR_NOT_FOUND,
                 _("The shape %" PRId64 " is not on this image any more; it was probably deleted elsewhere"),
                 id);
  return a;
}

/* ------------------------------------------------------------------ */
/* Commands                                                            */

/**
 * bw_layer_session_add:
 * @category_id: the new shape's category
 * @shape: its geometry, in image pixels
 * @out_id: (out) (optional): the new annotation
 *
 * Adds a drawn shape, as one step.
 */
gboolean
bw_layer_session_add (BwLayerSession  *self,
                      gint64           category_id,
                      const BwShape   *shape,
                      gint64          *out_id,
                      GError         **error)
{
  gboolean reopened;
  gint64 id = 0;

  g_return_val_if_fail (BW_IS_LAYER_SESSION (self), FALSE);
  g_return_val_if_fail (shape != NULL, FALSE);

  if (!begin_edit (self, shape->kind == BW_SHAPE_BOX ? _("Draw Box") : _("Draw Polygon"), &reopened, error))
    return FALSE;
  if (!end_edit (self,
                 bw_edit_history_add (self->history, self->layer_id, category_id, shape, &id, error),
                 reopened, error))
    return FALSE;

  if (out_id != NULL)
    *out_id = id;

  return TRUE;
}

/**
 * bw_layer_session_add_many:
 * @label: the step's name ("Paste")
 * @annotations: (element-type BwAnnotation): shapes with their categories
 * @offset: how far right and down to move them, in image pixels
 * @out_ids: (out) (optional) (transfer full): the new annotations
 *
 * Adds copies of @annotations as one step, moved by @offset and clamped
 * to the image; a copy that ends up smaller than a pixel is left out.
 */
gboolean
bw_layer_session_add_many (BwLayerSession  *self,
                           const char      *label,
                           GPtrArray       *annotations,
                           double           offset,
                           GArray         **out_ids,
                           GError         **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  gboolean reopened, ok = TRUE;

  g_return_val_if_fail (BW_IS_LAYER_SESSION (self), FALSE);
  g_return_val_if_fail (annotations != NULL, FALSE);

  if (!begin_edit (self, label, &reopened, error))
    return FALSE;

  for (guint i = 0; ok && i < annotations->len; i++)
    {
      const BwAnnotation *a = annotations->pdata[i];
      g_autoptr(BwShape) shape = bw_shape_copy (a->shape);
      gint64 id;

      bw_shape_translate (shape, offset, offset);
      /* Cut to the image, not clamped point by point (which would make
       * another shape); one mostly outside is left out. */
      if (!bw_shape_fit_to_image (shape, self->width, self->height, NULL, NULL))
        continue;

      ok = bw_edit_history_add (self->history, self->layer_id, a->category_id, shape, &id, error);
      if (ok)
        g_array_append_val (ids, id);
    }

  if (!end_edit (self, ok, reopened, error))
    return FALSE;

  if (out_ids != NULL)
    *out_ids = g_steal_pointer (&ids);

  return TRUE;
}

/**
 * bw_layer_session_change_shapes:
 * @label: the step's name ("Move", "Resize")
 * @ids: (array length=n_ids): the annotations
 * @shapes: (array length=n_ids): their new geometry
 *
 * Saves new geometry for several shapes as one step; shapes that did not
 * change are left alone, and nothing at all is a step of nothing.
 */
gboolean
bw_layer_session_change_shapes (BwLayerSession  *self,
                                const char      *label,
                                const gint64    *ids,
                                BwShape * const *shapes,
                                guint            n_ids,
                                GError         **error)
{
  gboolean reopened, ok = TRUE, any = FALSE;

  g_return_val_if_fail (BW_IS_LAYER_SESSION (self), FALSE);
  g_return_val_if_fail (n_ids == 0 || (ids != NULL && shapes != NULL), FALSE);

  if (!flush_nudge (self, error))
    return FALSE;

  /* A reviewer's edit is a fix: theirs, the annotator's version kept. */
  if (self->reviewer_id > 0)
    return _bw_layer_session_fix (self, label, ids, shapes, n_ids, 0, error);

  for (guint i = 0; i < n_ids; i++)
    {
      const BwAnnotation *a = lookup_own (self, ids[i], error);

      if (a == NULL)
        return FALSE;
      any |= !bw_shape_equal (a->shape, shapes[i]);
    }
  if (!any)
    return TRUE;

  if (!begin_edit (self, label, &reopened, error))
    return FALSE;
  for (guint i = 0; ok && i < n_ids; i++)
    {
      const BwAnnotation *a = bw_annotation_set_lookup (self->set, ids[i]);

      if (a != NULL && !bw_shape_equal (a->shape, shapes[i]))
        ok = bw_edit_history_update_shape (self->history, ids[i], shapes[i], error);
    }

  return end_edit (self, ok, reopened, error);
}

gboolean
bw_layer_session_change_shape (BwLayerSession  *self,
                               const char      *label,
                               gint64           id,
                               const BwShape   *shape,
                               GError         **error)
{
  BwShape *shapes[1] = { (BwShape *) shape };

  return bw_layer_session_change_shapes (self, label, &id, shapes, 1, error);
}

/**
 * bw_layer_session_delete:
 *
 * Deletes shapes, as one step.
 */
gboolean
bw_layer_session_delete (BwLayerSession  *self,
                         const gint64    *ids,
                         guint            n_ids,
                         GError         **error)
{
  g_autoptr(GArray) copy = NULL;
  gboolean reopened, ok = TRUE;

  g_return_val_if_fail (BW_IS_LAYER_SESSION (self), FALSE);

  if (n_ids == 0)
    return TRUE;

  /* @ids may be the caller's selection, which the deletes shrink. */
  copy = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n_ids);
  g_array_append_vals (copy, ids, n_ids);

  if (!begin_edit (self, n_ids == 1 ? _("Delete Shape") : _("Delete Shapes"), &reopened, error))
    return FALSE;
  for (guint i = 0; ok && i < copy->len; i++)
    ok = bw_edit_history_delete (self->history, g_array_index (copy, gint64, i), error);

  return end_edit (self, ok, reopened, error);
}

/**
 * bw_layer_session_relabel:
 * @category_id: the new category
 * @out_n_changed: (out) (optional): how many shapes changed category
 *
 * Moves shapes to another category, as one step.
 */
gboolean
bw_layer_session_relabel (BwLayerSession  *self,
                          const gint64    *ids,
                          guint            n_ids,
                          gint64           category_id,
                          guint           *out_n_changed,
                          GError         **error)
{
  g_autoptr(GArray) todo = g_array_new (FALSE, FALSE, sizeof (gint64));
  gboolean reopened, ok = TRUE;

  g_return_val_if_fail (BW_IS_LAYER_SESSION (self), FALSE);

  if (out_n_changed != NULL)
    *out_n_changed = 0;

  if (!flush_nudge (self, error))
    return FALSE;

  if (self->reviewer_id > 0)
    {
      g_autoptr(GArray) todo_ids = g_array_new (FALSE, FALSE, sizeof (gint64));

      for (guint i = 0; i < n_ids; i++)
        {
          const BwAnnotation *a = bw_annotation_set_lookup (self->set, ids[i]);

          if (a != NULL && a->category_id != category_id)
            g_array_append_val (todo_ids, ids[i]);
        }
      if (todo_ids->len > 0 &&
          !_bw_layer_session_fix (self, _("Change Category"), (const gint64 *) (gpointer) todo_ids->data, NULL,
                                  todo_ids->len, category_id, error))
        return FALSE;
      if (out_n_changed != NULL)
        *out_n_changed = todo_ids->len;
      return TRUE;
    }

  for (guint i = 0; i < n_ids; i++)
    {
      const BwAnnotation *a = bw_annotation_set_lookup (self->set, ids[i]);

      if (a != NULL && a->category_id != category_id)
        g_array_append_val (todo, ids[i]);
    }
  if (todo->len == 0)
    return TRUE;

  if (!begin_edit (self, _("Change Category"), &reopened, error))
    return FALSE;
  for (guint i = 0; ok && i < todo->len; i++)
    ok = bw_edit_history_set_category (self->history, g_array_index (todo, gint64, i), category_id, error);
  if (!end_edit (self, ok, reopened, error))
    return FALSE;

  if (out_n_changed != NULL)
    *out_n_changed = todo->len;

  return TRUE;
}

static int
compare_uint (gconstpointer a,
              gconstpointer b)
{
  guint ua = *(const guint *) a, ub = *(const guint *) b;

  return (ua > ub) - (ua < ub);
}

/**
 * bw_layer_session_restack:
 * @to_front: over every other shape of the layer, or else under them all
 *
 * Brings shapes to the front or sends them to the back, keeping their
 * order among themselves, as one step. Shapes already there are left.
 */
gboolean
bw_layer_session_restack (BwLayerSession  *self,
                          const gint64    *ids,
                          guint            n_ids,
                          gboolean         to_front,
                          GError         **error)
{
  g_autoptr(GPtrArray) moving = g_ptr_array_new ();
  gboolean reopened, ok = TRUE;
  guint size, n_in_place = 0;
  gint64 z;

  g_return_val_if_fail (BW_IS_LAYER_SESSION (self), FALSE);

  if (!flush_nudge (self, error))
    return FALSE;

  for (guint i = 0; i < n_ids; i++)
    {
      const BwAnnotation *a = lookup_own (self, ids[i], error);

      if (a == NULL)
        return FALSE;
      if (!g_ptr_array_find (moving, a, NULL))
        g_ptr_array_add (moving, (gpointer) a);
    }

  /* Nothing to do when they are the top (or bottom) shapes already. */
  size = bw_annotation_set_get_size (self->set);
  for (guint i = 0; i < moving->len; i++)
    {
      guint pos = bw_annotation_set_find (self->set, ((const BwAnnotation *) moving->pdata[i])->id);

      n_in_place += to_front ? pos >= size - moving->len : pos < moving->len;
    }
  if (moving->len == 0 || n_in_place == moving->len)
    return TRUE;

  /* In their present drawing order, to keep it among them. */
  {
    g_autoptr(GArray) order = g_array_new (FALSE, FALSE, sizeof (guint));
    g_autoptr(GArray) todo = g_array_new (FALSE, FALSE, sizeof (gint64));

    for (guint i = 0; i < moving->len; i++)
      {
        guint pos = bw_annotation_set_find (self->set, ((const BwAnnotation *) moving->pdata[i])->id);

        g_array_append_val (order, pos);
      }
    g_array_sort (order, compare_uint);
    for (guint i = 0; i < order->len; i++)
      g_array_append_val (todo, bw_annotation_set_get_nth (self->set, g_array_index (order, guint, i))->id);

    z = to_front ? bw_annotation_set_get_nth (self->set, size - 1)->z + 1
                 : bw_annotation_set_get_nth (self->set, 0)->z - (gint64) todo->len;

    if (!begin_edit (self, to_front ? _("Bring to Front") : _("Send to Back"), &reopened, error))
      return FALSE;
    for (guint i = 0; ok && i < todo->len; i++)
      ok = bw_edit_history_set_z (self->history, g_array_index (todo, gint64, i), z + i, error);
  }

  return end_edit (self, ok, reopened, error);
}

/* ------------------------------------------------------------------ */
/* Nudges                                                              */

static void
cancel_nudge (BwLayerSession *self)
{
  g_clear_handle_id (&self->nudge_id, g_source_remove);
  g_clear_pointer (&self->nudge_originals, g_ptr_array_unref);
  self->nudge_dx = self->nudge_dy = 0;
}

/* Writes the run of nudges as one step; on failure the shapes go back to
 * where the file has them. */
static gboolean
flush_nudge (BwLayerSession  *self,
             GError         **error)
{
  g_autoptr(GPtrArray) originals = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GPtrArray) shapes = NULL;
  gboolean reopened, ok = TRUE;

  if (self->nudge_originals == NULL)
    return TRUE;

  originals = g_steal_pointer (&self->nudge_originals);
  cancel_nudge (self);

  ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  shapes = g_ptr_array_new ();
  for (guint i = 0; i < originals->len; i++)
    {
      const BwAnnotation *o = originals->pdata[i];
      const BwAnnotation *now = bw_annotation_set_lookup (self->set, o->id);

      if (now != NULL && !bw_shape_equal (now->shape, o->shape))
        {
          g_array_append_val (ids, o->id);
          g_ptr_array_add (shapes, now->shape);
        }
    }
  if (ids->len == 0)
    return TRUE;

  if (begin_edit (self, _("Move"), &reopened, error))
    {
      for (guint i = 0; ok && i < ids->len; i++)
        ok = bw_edit_history_update_shape (self->history, g_array_index (ids, gint64, i),
                                           shapes->pdata[i], error);
      if (end_edit (self, ok, reopened, error))
        return TRUE;
    }

  for (guint i = 0; i < originals->len; i++)
    {
      const BwAnnotation *o = originals->pdata[i];

      if (bw_annotation_set_lookup (self->set, o->id) == NULL)
        continue;
      bw_annotation_set_put (self->set, o);
      g_signal_emit (self, signals[ANNOTATION_CHANGED], 0, o->id, o);
    }
  notify_can (self);

  return FALSE;
}

static gboolean
nudge_timeout_cb (gpointer user_data)
{
  BwLayerSession *self = user_data;
  g_autoptr(GError) error = NULL;

  self->nudge_id = 0;
  if (!bw_layer_session_flush (self, &error))
    g_signal_emit (self, signals[ERROR], 0, error);

  return G_SOURCE_REMOVE;
}

static gboolean
same_run (BwLayerSession *self,
          const gint64   *ids,
          guint           n_ids)
{
  if (self->nudge_originals == NULL || self->nudge_originals->len != n_ids)
    return FALSE;

  for (guint i = 0; i < n_ids; i++)
    if (((BwAnnotation *) self->nudge_originals->pdata[i])->id != ids[i])
      return FALSE;

  return TRUE;
}

/**
 * bw_layer_session_nudge:
 * @ids: (array length=n_ids): the shapes to move
 * @dx: how far right, in image pixels
 * @dy: how far down
 *
 * Moves shapes by a small step (an arrow key), as a whole, stopping at
 * the image's edges. Consecutive nudges of the same shapes are one step of
 * the history and one write, made when the nudging stops: after a short
 * pause, at the next command, or by bw_layer_session_flush(). Until then
 * the set holds the moved shapes and can-undo is true.
 */
gboolean
bw_layer_session_nudge (BwLayerSession  *self,
                        const gint64    *ids,
                        guint            n_ids,
                        double           dx,
                        double           dy,
                        GError         **error)
{
  double x0 = G_MAXDOUBLE, y0 = G_MAXDOUBLE, x1 = -G_MAXDOUBLE, y1 = -G_MAXDOUBLE;
  gboolean was_pending;

  g_return_val_if_fail (BW_IS_LAYER_SESSION (self), FALSE);

  if (n_ids == 0)
    return TRUE;
  if (!_bw_layer_session_check_not_reviewing (self, error))
    return FALSE;

  was_pending = self->nudge_originals != NULL;
  if (!same_run (self, ids, n_ids))
    {
      g_autoptr(GPtrArray) originals = g_ptr_array_new_with_free_func ((GDestroyNotify) bw_annotation_free);

      if (!flush_nudge (self, error))
        return FALSE;
      for (guint i = 0; i < n_ids; i++)
        {
          const BwAnnotation *a = lookup_own (self, ids[i], error);

          if (a == NULL)
            return FALSE;
          g_ptr_array_add (originals, bw_annotation_copy (a));
        }
      self->nudge_originals = g_steal_pointer (&originals);
      self->nudge_dx = self->nudge_dy = 0;
    }

  /* The shapes move as a whole and stop at the image's edges. */
  for (guint i = 0; i < self->nudge_originals->len; i++)
    {
      const BwRect *b = &((BwAnnotation *) self->nudge_originals->pdata[i])->shape->bbox;

      x0 = MIN (x0, b->x0);
      y0 = MIN (y0, b->y0);
      x1 = MAX (x1, b->x1);
      y1 = MAX (y1, b->y1);
    }
  self->nudge_dx = CLAMP (self->nudge_dx + dx, -x0, MAX (self->width - x1, -x0));
  self->nudge_dy = CLAMP (self->nudge_dy + dy, -y0, MAX (self->height - y1, -y0));

  for (guint i = 0; i < self->nudge_originals->len; i++)
    {
      const BwAnnotation *o = self->nudge_originals->pdata[i];
      g_autoptr(BwAnnotation) moved = bw_annotation_copy (o);

      bw_shape_translate (moved->shape, self->nudge_dx, self->nudge_dy);
      bw_annotation_set_put (self->set, moved);
      g_signal_emit (self, signals[ANNOTATION_CHANGED], 0, moved->id, moved);
    }

  g_clear_handle_id (&self->nudge_id, g_source_remove);
  self->nudge_id = g_timeout_add (NUDGE_WRITE_DELAY_MS, nudge_timeout_cb, self);
  if (!was_pending)
    notify_can (self);

  return TRUE;
}

/**
 * bw_layer_session_flush:
 *
 * Writes what is not written yet (a run of nudges). Called before the
 * image changes, before the window closes, and by every command.
 */
gboolean
bw_layer_session_flush (BwLayerSession  *self,
                        GError         **error)
{
  gboolean was_pending;
  gboolean ok;

  g_return_val_if_fail (BW_IS_LAYER_SESSION (self), FALSE);

  was_pending = self->nudge_originals != NULL;
  ok = flush_nudge (self, error);
  if (was_pending && ok)
    notify_can (self);

  return ok;
}

/* Returns: whether some change is shown but not written yet */
gboolean
bw_layer_session_has_pending (BwLayerSession *self)
{
  g_return_val_if_fail (BW_IS_LAYER_SESSION (self), FALSE);

  return self->nudge_originals != NULL;
}

/* ------------------------------------------------------------------ */
/* Undo                                                                */

gboolean
bw_layer_session_can_undo (BwLayerSession *self)
{
  g_return_val_if_fail (BW_IS_LAYER_SESSION (self), FALSE);

  return self->nudge_originals != NULL || bw_edit_history_can_undo (self->history);
}

gboolean
bw_layer_session_can_redo (BwLayerSession *self)
{
  g_return_val_if_fail (BW_IS_LAYER_SESSION (self), FALSE);

  return self->nudge_originals == NULL && bw_edit_history_can_redo (self->history);
}

const char *
bw_layer_session_get_undo_label (BwLayerSession *self)
{
  g_return_val_if_fail (BW_IS_LAYER_SESSION (self), NULL);

  if (self->nudge_originals != NULL)
    return _("Move");
  return bw_edit_history_get_undo_label (self->history);
}

const char *
bw_layer_session_get_redo_label (BwLayerSession *self)
{
  g_return_val_if_fail (BW_IS_LAYER_SESSION (self), NULL);

  return bw_layer_session_can_redo (self) ? bw_edit_history_get_redo_label (self->history) : NULL;
}

/* Another program may have changed the file since the history last
 * looked (this process hears only its own changes): the history is
 * checked again before it writes, and a step that no longer applies is
 * dropped, unwritten, with a message, rather than failing half way. */
static gboolean
check_replayable (BwLayerSession  *self,
                  gboolean         undo,
                  GError         **error)
{
  gboolean could = undo ? bw_edit_history_can_undo (self->history)
                        : bw_edit_history_can_redo (self->history);

  if (!could || !bw_edit_history_revalidate (self->history))
    return TRUE;

  notify_can (self);
  if ((undo ? bw_edit_history_can_undo (self->history) : bw_edit_history_can_redo (self->history)))
    return TRUE;

  g_set_error_literal (error, BW_LAYER_SESSION_ERROR, BW_LAYER_SESSION_ERROR_NOT_FOUND,
                       undo ? _("Nothing was undone: the shapes of that step were changed by another program")
                            : _("Nothing was redone: the shapes of that step were changed by another program"));
  return FALSE;
}

/**
 * bw_layer_session_undo:
 *
 * Takes back the last step on this image (a run of nudges not yet
 * written is written first, then taken back as one step).
 */
gboolean
bw_layer_session_undo (BwLayerSession  *self,
                       GError         **error)
{
  g_return_val_if_fail (BW_IS_LAYER_SESSION (self), FALSE);

  if (!bw_layer_session_flush (self, error) || !check_replayable (self, TRUE, error) ||
      !bw_edit_history_undo (self->history, error))
    {
      _bw_layer_session_after_replay (self);
      return FALSE;
    }

  refresh_status (self, FALSE);
  _bw_layer_session_after_replay (self);

  return TRUE;
}

gboolean
bw_layer_session_redo (BwLayerSession  *self,
                       GError         **error)
{
  g_return_val_if_fail (BW_IS_LAYER_SESSION (self), FALSE);

  if (!bw_layer_session_flush (self, error) || !check_replayable (self, FALSE, error) ||
      !bw_edit_history_redo (self->history, error))
    {
      _bw_layer_session_after_replay (self);
      return FALSE;
    }

  refresh_status (self, FALSE);
  _bw_layer_session_after_replay (self);

  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Submit                                                              */

/**
 * bw_layer_session_submit:
 *
 * Hands in the person's layer: the layer and the image become submitted.
 * A layer without shapes is refused with %BW_LAYER_SESSION_ERROR_EMPTY
 * unless it was answered "no objects" (bw_layer_session_mark_no_objects()):
 * an empty image is an answer, not a slip of the key, only when said so.
 */
gboolean
bw_layer_session_submit (BwLayerSession  *self,
                         GError         **error)
{
  g_return_val_if_fail (BW_IS_LAYER_SESSION (self), FALSE);

  if (self->gold)
    {
      g_set_error_literal (error, BW_LAYER_SESSION_ERROR, BW_LAYER_SESSION_ERROR_GOLD,
                           _("A gold answer is not submitted; a second expert accepts it in the Gold Standard window"));
      return FALSE;
    }

  if (!_bw_layer_session_check_not_reviewing (self, error) ||
      !bw_layer_session_flush (self, error))
    return FALSE;

  if (bw_annotation_set_get_size (self->set) == 0 && !self->no_objects)
    {
      g_set_error_literal (error, BW_LAYER_SESSION_ERROR, BW_LAYER_SESSION_ERROR_EMPTY,
                           _("This image has no shapes; draw them, or mark it as having no objects"));
      return FALSE;
    }

  if (self->exam_attempt_id > 0)
    {
      if (!ensure_layer (self, error) ||
          !bw_project_submit_exam_image (self->project, self->exam_attempt_id, self->image_id, NULL, error))
        return FALSE;
      refresh_status (self, FALSE);
      return TRUE;
    }

  if (!ensure_layer (self, error) ||
      !bw_project_check_queue_open (self->project, self->person_id, error) ||
      !bw_project_submit_layer (self->project, self->layer_id, error))
    return FALSE;

  refresh_status (self, FALSE);

  return TRUE;
}

/**
 * bw_layer_session_mark_no_objects:
 *
 * Submits the image as having nothing to annotate, a valid answer that
 * the project records as such. Refused while the layer has shapes.
 */
gboolean
bw_layer_session_mark_no_objects (BwLayerSession  *self,
                                  GError         **error)
{
  g_return_val_if_fail (BW_IS_LAYER_SESSION (self), FALSE);

  if (self->gold)
    {
      g_set_error_literal (error, BW_LAYER_SESSION_ERROR, BW_LAYER_SESSION_ERROR_GOLD,
                           _("A gold answer is not submitted; a second expert accepts it in the Gold Standard window"));
      return FALSE;
    }

  if (!_bw_layer_session_check_not_reviewing (self, error) ||
      !bw_layer_session_flush (self, error))
    return FALSE;

  if (bw_annotation_set_get_size (self->set) > 0)
    {
      g_set_error_literal (error, BW_LAYER_SESSION_ERROR, BW_LAYER_SESSION_ERROR_NOT_EMPTY,
                           _("This image has shapes; delete them before marking it as having no objects"));
      return FALSE;
    }

  if (!ensure_layer (self, error) ||
      !bw_project_begin (self->project, error))
    return FALSE;
  if (!bw_project_set_layer_no_objects (self->project, self->layer_id, TRUE, error) ||
      !(self->exam_attempt_id > 0
        ? bw_project_submit_exam_image (self->project, self->exam_attempt_id, self->image_id, NULL, error)
        : (bw_project_check_queue_open (self->project, self->person_id, error) &&
           bw_project_submit_layer (self->project, self->layer_id, error))))
    {
      bw_project_rollback (self->project);
      return FALSE;
    }
  if (!bw_project_commit (self->project, error))
    return FALSE;

  refresh_status (self, FALSE);

  return TRUE;
}

/**
 * bw_layer_session_can_recall:
 *
 * Returns: whether the person's submission can be taken back: it is
 *   submitted and no reviewer has started on it
 */
gboolean
bw_layer_session_can_recall (BwLayerSession *self)
{
  g_autoptr(BwAssignment) assignment = NULL;

  g_return_val_if_fail (BW_IS_LAYER_SESSION (self), FALSE);

  if (self->layer_id <= 0 || self->status != BW_LAYER_STATUS_SUBMITTED || self->reviewer_id > 0)
    return FALSE;
  assignment = bw_project_get_assignment (self->project, self->image_id, self->person_id,
                                          BW_TASK_ANNOTATE, NULL);
  return assignment != NULL && assignment->status == BW_ASSIGNMENT_SUBMITTED &&
         assignment->layer_id == self->layer_id;
}

/**
 * bw_layer_session_recall:
 *
 * Takes a submission back through the store's workflow
 * (bw_project_recall_submission()): the layer, its assignment and the
 * image are in progress again. Refused once a reviewer has started on it
 * or given a verdict.
 */
gboolean
bw_layer_session_recall (BwLayerSession  *self,
                         GError         **error)
{
  g_autoptr(BwLayer) layer = NULL;
  g_autoptr(BwAssignment) assignment = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (BW_IS_LAYER_SESSION (self), FALSE);

  if (!_bw_layer_session_check_not_reviewing (self, error) ||
      !bw_layer_session_flush (self, error))
    return FALSE;

  if (self->layer_id <= 0 ||
      !(layer = bw_project_get_layer (self->project, self->layer_id, error)))
    {
      if (error == NULL || *error == NULL)
        g_set_error_literal (error, BW_LAYER_SESSION_ERROR, BW_LAYER_SESSION_ERROR_NOT_SUBMITTED,
                             _("This image was not submitted, so there is nothing to recall"));
      return FALSE;
    }
  if (layer->status == BW_LAYER_STATUS_ACCEPTED || layer->status == BW_LAYER_STATUS_REJECTED)
    {
      g_set_error_literal (error, BW_LAYER_SESSION_ERROR, BW_LAYER_SESSION_ERROR_REVIEWED,
                           _("This submission was already reviewed and can no longer be recalled"));
      return FALSE;
    }
  if (layer->status != BW_LAYER_STATUS_SUBMITTED)
    {
      g_set_error_literal (error, BW_LAYER_SESSION_ERROR, BW_LAYER_SESSION_ERROR_NOT_SUBMITTED,
                           _("This image was not submitted, so there is nothing to recall"));
      return FALSE;
    }

  /* A reviewer who opened this submission, or judged any of it, has it
   * now. (The verdicts on an earlier submission, which was returned and
   * fixed, do not count.) */
  assignment = bw_project_get_assignment (self->project, self->image_id, self->person_id,
                                          BW_TASK_ANNOTATE, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (assignment != NULL && assignment->status != BW_ASSIGNMENT_SUBMITTED)
    {
      g_set_error_literal (error, BW_LAYER_SESSION_ERROR, BW_LAYER_SESSION_ERROR_REVIEWED,
                           _("This submission was already reviewed and can no longer be recalled"));
      return FALSE;
    }

  if (!bw_project_recall_submission (self->project, self->layer_id, error))
    return FALSE;

  refresh_status (self, FALSE);

  return TRUE;
}

/* Where an image comes in an order: its id, or its place in @rank
 * (id → 1 + position) when there is one. */
static gint64
place_of (GHashTable *rank,
          gint64      id)
{
  return rank != NULL ? GPOINTER_TO_SIZE (g_hash_table_lookup (rank, &id)) : id;
}

/* The first image after this one (wrapping round) among @ids, in the
 * order of @rank, or of the ids. */
static gint64
next_after (BwLayerSession *self,
            GArray         *ids,
            guint           from,
            GHashTable     *rank)
{
  gint64 after = 0, first = 0;
  gint64 here = place_of (rank, self->image_id);

  for (guint i = from; ids != NULL && i < ids->len; i++)
    {
      gint64 id = g_array_index (ids, gint64, i);
      gint64 place = place_of (rank, id);

      if (id == self->image_id)
        continue;
      if (place > here && (after == 0 || place < place_of (rank, after)))
        after = id;
      if (first == 0 || place < place_of (rank, first))
        first = id;
    }

  return after != 0 ? after : first;
}

static gint64 find_next (BwLayerSession *self,
                         GHashTable     *rank);

/**
 * bw_layer_session_find_next_image:
 *
 * What the person should work on next. Work a reviewer returned to them
 * comes first, longest returned first; then the first image after this
 * one (wrapping round) of the rest of their queue
 * (bw_project_list_work_queue(): their images in progress, new images
 * nobody has started). With honeypots, the queue in its own order, which
 * places them. Without a person: the first image after this one that is
 * new, in progress or returned. In an exam, and for a person a required
 * exam holds back, the next image of the exam attempt not handed in
 * (0 when they have no attempt open).
 *
 * Returns: the image, or 0 when there is none
 */
gint64
bw_layer_session_find_next_image (BwLayerSession *self)
{
  g_return_val_if_fail (BW_IS_LAYER_SESSION (self), 0);

  return find_next (self, NULL);
}

/**
 * bw_layer_session_find_next_image_sorted:
 * @sort: the order of the image list
 *
 * As bw_layer_session_find_next_image(), with "after this one" in the
 * order the image list shows (bw_project_list_image_ids_sorted()), so
 * that the next image is the one below in the list.
 *
 * Returns: the image, or 0 when there is none
 */
gint64
bw_layer_session_find_next_image_sorted (BwLayerSession *self,
                                         BwImageSort     sort)
{
  g_autoptr(GArray) order = NULL;
  g_autoptr(GHashTable) rank = NULL;

  g_return_val_if_fail (BW_IS_LAYER_SESSION (self), 0);

  /* A walk along the order's index, some 50 ms for 100,000 images. */
  if (!(order = bw_project_list_image_ids_sorted (self->project, -1, NULL, sort, NULL)))
    return find_next (self, NULL);
  rank = g_hash_table_new (g_int64_hash, g_int64_equal);
  for (guint i = 0; i < order->len; i++)
    g_hash_table_insert (rank, &g_array_index (order, gint64, i), GSIZE_TO_POINTER (i + 1));

  return find_next (self, rank);
}

static gint64
find_next (BwLayerSession *self,
           GHashTable     *rank)
{
  static const BwImageStatus statuses[] = {
    BW_IMAGE_STATUS_NEW, BW_IMAGE_STATUS_IN_PROGRESS, BW_IMAGE_STATUS_RETURNED,
  };
  g_autoptr(GArray) ids = NULL;
  guint n_returned = 0;

  /* In an exam, its images; a person a required exam holds back gets
   * those of their open attempt instead of their queue. */
  if (self->exam_attempt_id > 0)
    return MAX (bw_project_get_next_exam_image (self->project, self->exam_attempt_id, self->image_id, NULL), 0);
  if (self->person_id > 0)
    {
      g_autoptr(BwExamGate) gate = NULL;

      if (!bw_project_get_exam_gate (self->project, self->person_id, &gate, NULL))
        return 0;
      if (gate != NULL)
        return gate->next_image_id;
    }

  if (self->person_id > 0)
    {
      if (!(ids = bw_project_list_work_queue (self->project, self->person_id, NULL)))
        return 0;

      /* With honeypots, the queue's own order, which mixes them in (and
       * starts with the returned work too). */
      if (bw_project_get_honeypot_rate (self->project) > 0)
        {
          for (guint i = 0; i < ids->len; i++)
            if (g_array_index (ids, gint64, i) != self->image_id)
              return g_array_index (ids, gint64, i);
          return 0;
        }

      /* The queue starts with the returned images. */
      for (; n_returned < ids->len; n_returned++)
        {
          gint64 id = g_array_index (ids, gint64, n_returned);
          g_autoptr(BwAssignment) assignment = bw_project_get_assignment (self->project, id, self->person_id,
                                                                          BW_TASK_ANNOTATE, NULL);

          if (assignment == NULL || assignment->status != BW_ASSIGNMENT_RETURNED)
            break;
        }
      for (guint i = 0; i < n_returned; i++)
        if (g_array_index (ids, gint64, i) != self->image_id)
          return g_array_index (ids, gint64, i);

      return next_after (self, ids, n_returned, rank);
    }

  ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint s = 0; s < G_N_ELEMENTS (statuses); s++)
    {
      g_autoptr(GArray) part = bw_project_list_image_ids (self->project, statuses[s], NULL, NULL);

      if (part != NULL)
        g_array_append_vals (ids, part->data, part->len);
    }
  return next_after (self, ids, 0, rank);
}

/* ------------------------------------------------------------------ */
/* GObject                                                             */

static void
bw_layer_session_dispose (GObject *object)
{
  BwLayerSession *self = BW_LAYER_SESSION (object);

  /* Nothing shown is left unwritten. */
  if (self->nudge_originals != NULL)
    {
      g_autoptr(GError) error = NULL;

      if (!flush_nudge (self, &error))
        g_warning ("Could not save the last move on image %" G_GINT64_FORMAT ": %s",
                   self->image_id, error->message);
    }
  cancel_nudge (self);
  g_clear_handle_id (&self->reload_id, g_source_remove);
  if (self->history != NULL)
    g_signal_handlers_disconnect_by_data (self->history, self);
  g_clear_object (&self->history);
  g_clear_object (&self->project);

  G_OBJECT_CLASS (bw_layer_session_parent_class)->dispose (object);
}

static void
bw_layer_session_finalize (GObject *object)
{
  BwLayerSession *self = BW_LAYER_SESSION (object);

  _bw_layer_session_clear_reviews (self);
  g_clear_pointer (&self->set, bw_annotation_set_free);
  g_clear_pointer (&self->damaged, g_ptr_array_unref);

  G_OBJECT_CLASS (bw_layer_session_parent_class)->finalize (object);
}

static void
bw_layer_session_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  BwLayerSession *self = BW_LAYER_SESSION (object);

  switch (prop_id)
    {
    case PROP_CAN_UNDO:
      g_value_set_boolean (value, bw_layer_session_can_undo (self));
      break;

    case PROP_CAN_REDO:
      g_value_set_boolean (value, bw_layer_session_can_redo (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bw_layer_session_class_init (BwLayerSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = bw_layer_session_dispose;
  object_class->finalize = bw_layer_session_finalize;
  object_class->get_property = bw_layer_session_get_property;

  properties[PROP_CAN_UNDO] =
    g_param_spec_boolean ("can-undo", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_REDO] =
    g_param_spec_boolean ("can-redo", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[ANNOTATION_CHANGED] =
    g_signal_new ("annotation-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                  G_TYPE_INT64, BW_TYPE_ANNOTATION | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[RELOADED] =
    g_signal_new ("reloaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[STATUS_CHANGED] =
    g_signal_new ("status-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[REOPENED] =
    g_signal_new ("reopened", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[ERROR] =
    g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[REVIEWS_CHANGED] =
    g_signal_new ("reviews-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
bw_layer_session_init (BwLayerSession *self)
{
  self->status = BW_LAYER_STATUS_IN_PROGRESS;
  _bw_layer_session_init_reviews (self);
}
