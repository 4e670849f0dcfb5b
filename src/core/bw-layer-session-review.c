/* bw-layer-session-review.c — a reviewer's commands on one image, and the
 * verdicts any session shows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A reviewer's session is of the annotator's layer. Their verdicts (accept,
 * reject, fix, a pinned comment, the layer's accept or return) are steps of
 * the same edit history as every edit of the image: each verdict is written
 * by the store (bw-project-review.c) inside the step's transaction, and
 * recorded as an action of the step that undo takes back with
 * bw_project_withdraw_review() and redo gives again (as a new review).
 *
 * Every session, the annotator's too, reads the reviews of its layer: the
 * verdict of a shape is the newest review of its current version (a fix
 * is the review of the version it replaced, and the fix is the version
 * after it), so an edit of a judged shape leaves it undecided again, and
 * the pinned comments shown are those on the current submission.
 */

#define G_LOG_DOMAIN "bw-layer-session"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>

#include "bw-layer-session-private.h"

typedef enum
{
  ACTION_VERDICT,
  ACTION_FIX,
  ACTION_PIN,
  ACTION_ACCEPT_LAYER,
  ACTION_RETURN_LAYER,
} ActionKind;

/* One verdict of a step: how to give it again, and which review to
 * withdraw to take it back. */
typedef struct
{
  GWeakRef    session;
  ActionKind  kind;
  gint64      target;           /* the annotation, or the layer */
  gint64      reviewer_id;
  BwVerdict   verdict;
  gint64      reason_id;
  char       *comment;
  BwShape    *shape;            /* a fix's geometry, or NULL to keep it */
  gint64      category_id;      /* a fix's category, or 0 to keep it */
  double      x;
  double      y;
  gint64      review_id;        /* 0 while withdrawn */
} ReviewAction;

static void
review_action_free (gpointer data)
{
  ReviewAction *action = data;

  if (action == NULL)
    return;
  g_weak_ref_clear (&action->session);
  g_free (action->comment);
  g_clear_pointer (&action->shape, bw_shape_free);
  g_free (action);
}

static ReviewAction *
review_action_new (BwLayerSession *self,
                   ActionKind      kind,
                   gint64          target)
{
  ReviewAction *action = g_new0 (ReviewAction, 1);

  g_weak_ref_init (&action->session, self);
  action->kind = kind;
  action->target = target;
  action->reviewer_id = self->reviewer_id;

  return action;
}

static gboolean
review_action_give (ReviewAction  *action,
                    BwProject     *project,
                    GError       **error)
{
  switch (action->kind)
    {
    case ACTION_VERDICT:
      return bw_project_review_annotation (project, action->target, action->reviewer_id,
                                           action->verdict, action->reason_id, action->comment,
                                           &action->review_id, error);
    case ACTION_FIX:
      return bw_project_fix_annotation (project, action->target, action->reviewer_id,
                                        action->shape, action->category_id, action->reason_id,
                                        action->comment, &action->review_id, error);
    case ACTION_PIN:
      return bw_project_add_pinned_comment (project, action->target, action->reviewer_id,
                                            action->x, action->y, action->reason_id,
                                            action->comment, &action->review_id, error);
    case ACTION_ACCEPT_LAYER:
      return bw_project_accept_layer (project, action->target, action->reviewer_id,
                                      action->comment, &action->review_id, error);
    case ACTION_RETURN_LAYER:
      return bw_project_return_layer (project, action->target, action->reviewer_id,
                                      action->reason_id, action->comment, &action->review_id, error);
    default:
      g_assert_not_reached ();
    }
}

static void
note_action (BwLayerSession     *self,
             const ReviewAction *action)
{
  self->reviews_stale = TRUE;
  if (action->kind == ACTION_FIX)
    g_array_append_val (self->touched, action->target);
}

/* BwEditActionFunc: inside the transaction of an undo or a redo. */
static gboolean
review_action_apply (BwProject  *project,
                     gpointer    data,
                     gboolean    forward,
                     GError    **error)
{
  ReviewAction *action = data;
  g_autoptr(BwLayerSession) session = g_weak_ref_get (&action->session);

  if (forward)
    {
      if (!review_action_give (action, project, error))
        return FALSE;
    }
  else
    {
      if (action->review_id > 0 && !bw_project_withdraw_review (project, action->review_id, error))
        return FALSE;
      action->review_id = 0;
    }

  if (session != NULL)
    note_action (session, action);

  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Verdicts                                                            */

void
_bw_layer_session_init_reviews (BwLayerSession *self)
{
  self->reviews = g_ptr_array_new_with_free_func ((GDestroyNotify) bw_review_free);
  self->by_annotation = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                               (GDestroyNotify) g_ptr_array_unref);
  self->verdicts = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->shown = g_ptr_array_new ();
  self->touched = g_array_new (FALSE, FALSE, sizeof (gint64));
}

void
_bw_layer_session_clear_reviews (BwLayerSession *self)
{
  g_clear_pointer (&self->shown, g_ptr_array_unref);
  g_clear_pointer (&self->verdicts, g_hash_table_unref);
  g_clear_pointer (&self->by_annotation, g_hash_table_unref);
  g_clear_pointer (&self->reviews, g_ptr_array_unref);
  g_clear_pointer (&self->touched, g_array_unref);
}

/* The newest review of the annotation's current version, or NULL. */
static const BwReview *
find_verdict (BwLayerSession *self,
              gint64          annotation_id)
{
  GPtrArray *list = g_hash_table_lookup (self->by_annotation, &annotation_id);
  const BwAnnotation *a;

  if (list == NULL || !(a = bw_annotation_set_lookup (self->set, annotation_id)))
    return NULL;

  for (guint i = list->len; i > 0; i--)
    {
      const BwReview *r = list->pdata[i - 1];

      switch (r->verdict)
        {
        case BW_VERDICT_ACCEPT:
        case BW_VERDICT_REJECT:
          if (r->annotation_version == a->version)
            return r;
          break;

        case BW_VERDICT_FIXED:
          if (a->author_id > 0 && r->annotation_version + 1 == a->version)
            return r;
          break;

        case BW_VERDICT_COMMENT:
        default:
          break;
        }
    }

  return NULL;
}

static gboolean
set_verdict (BwLayerSession *self,
             gint64          annotation_id)
{
  const BwReview *now = find_verdict (self, annotation_id);
  const BwReview *before = g_hash_table_lookup (self->verdicts, &annotation_id);

  if (now == before)
    return FALSE;
  if (now != NULL)
    g_hash_table_insert (self->verdicts, g_memdup2 (&annotation_id, sizeof annotation_id), (gpointer) now);
  else
    g_hash_table_remove (self->verdicts, &annotation_id);
  self->shown_dirty = TRUE;

  return TRUE;
}

/* After an edit of one shape: its new version is undecided. */
void
_bw_layer_session_update_verdict (BwLayerSession *self,
                                  gint64          annotation_id)
{
  if (!g_hash_table_contains (self->by_annotation, &annotation_id) &&
      !g_hash_table_contains (self->verdicts, &annotation_id))
    return;

  if (set_verdict (self, annotation_id))
    _bw_layer_session_emit_reviews_changed (self);
}

/* Reads the layer's reviews again. */
gboolean
_bw_layer_session_load_reviews (BwLayerSession  *self,
                                GError         **error)
{
  g_autoptr(GPtrArray) reviews = NULL;
  GHashTableIter iter;
  gpointer key;
  int submission = 0;
  gboolean had_any = self->reviews->len > 0;

  if (self->layer_id > 0)
    {
      g_autoptr(BwAssignment) work = NULL;

      if (!(reviews = bw_project_list_reviews_for_layer (self->project, self->layer_id, error)))
        return FALSE;
      if (self->person_id > 0)
        {
          g_autoptr(GError) local_error = NULL;

          work = bw_project_get_assignment (self->project, self->image_id, self->person_id,
                                            BW_TASK_ANNOTATE, &local_error);
          if (local_error != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
        }
      if (work != NULL)
        submission = work->submissions;
      else
        for (guint i = 0; i < reviews->len; i++)
          submission = MAX (submission, ((const BwReview *) reviews->pdata[i])->submission);
    }

  self->submission = submission;
  g_hash_table_remove_all (self->verdicts);
  g_hash_table_remove_all (self->by_annotation);
  g_ptr_array_set_size (self->shown, 0);
  g_ptr_array_set_size (self->reviews, 0);
  self->shown_dirty = TRUE;

  for (guint i = 0; reviews != NULL && i < reviews->len; i++)
    {
      BwReview *r = g_steal_pointer (&reviews->pdata[i]);

      g_ptr_array_add (self->reviews, r);
      if (r->annotation_id > 0)
        {
          GPtrArray *list = g_hash_table_lookup (self->by_annotation, &r->annotation_id);

          if (list == NULL)
            {
              list = g_ptr_array_new ();
              g_hash_table_insert (self->by_annotation, g_memdup2 (&r->annotation_id, sizeof (gint64)), list);
            }
          g_ptr_array_add (list, r);
        }
    }

  g_hash_table_iter_init (&iter, self->by_annotation);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    set_verdict (self, *(gint64 *) key);

  if (had_any || self->reviews->len > 0)
    _bw_layer_session_emit_reviews_changed (self);

  return TRUE;
}

/* What a review step or its undo changed: the shapes a fix touched are
 * read again, then the reviews, then the layer's status. */
static void
refresh_after_review (BwLayerSession *self)
{
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < self->touched->len; i++)
    {
      gint64 id = g_array_index (self->touched, gint64, i);
      g_autoptr(BwAnnotation) a = bw_project_get_annotation (self->project, id, NULL);

      if (a != NULL && a->layer_id == self->layer_id)
        {
          bw_annotation_set_put (self->set, a);
          _bw_layer_session_emit_annotation_changed (self, id, a);
        }
    }
  g_array_set_size (self->touched, 0);
  self->reviews_stale = FALSE;

  if (!_bw_layer_session_load_reviews (self, &error))
    g_warning ("Could not read the reviews of layer %" G_GINT64_FORMAT ": %s",
               self->layer_id, error->message);
  _bw_layer_session_refresh_status (self);
}

void
_bw_layer_session_after_replay (BwLayerSession *self)
{
  if (self->reviews_stale || self->touched->len > 0)
    refresh_after_review (self);
}

gboolean
_bw_layer_session_check_not_reviewing (BwLayerSession  *self,
                                       GError         **error)
{
  if (self->reviewer_id <= 0)
    return TRUE;

  g_set_error_literal (error, BW_LAYER_SESSION_ERROR, BW_LAYER_SESSION_ERROR_REVIEWING,
                       _("A reviewer judges and fixes the annotator’s shapes but does not draw, delete or restack them; switch to Annotate mode for your own work"));
  return FALSE;
}

static gboolean
check_reviewing (BwLayerSession  *self,
                 GError         **error)
{
  if (self->reviewer_id > 0)
    return bw_project_check_writable (self->project, error);

  g_set_error_literal (error, BW_LAYER_SESSION_ERROR, BW_LAYER_SESSION_ERROR_NOT_REVIEWING,
                       _("Verdicts are given in review mode; open the image from the review queue"));
  return FALSE;
}

/**
 * bw_layer_session_is_review:
 *
 * Returns: whether the session is a reviewer's (bw_layer_session_new_for_review())
 */
gboolean
bw_layer_session_is_review (BwLayerSession *self)
{
  g_return_val_if_fail (BW_IS_LAYER_SESSION (self), FALSE);

  return self->reviewer_id > 0;
}

gint64
bw_layer_session_get_reviewer_id (BwLayerSession *self)
{
  g_return_val_if_fail (BW_IS_LAYER_SESSION (self), 0);

  return self->reviewer_id;
}

/**
 * bw_layer_session_get_verdict:
 *
 * Returns: (transfer none) (nullable): the verdict on the current version
 *   of the shape (accept, reject, or fixed by the reviewer), or %NULL
 *   while it is undecided
 */
const BwReview *
bw_layer_session_get_verdict (BwLayerSession *self,
                              gint64          annotation_id)
{
  g_return_val_if_fail (BW_IS_LAYER_SESSION (self), NULL);

  return g_hash_table_lookup (self->verdicts, &annotation_id);
}

/**
 * bw_layer_session_get_reviews:
 *
 * What a view shows of the reviews: the verdict on each shape's current
 * version and the comments pinned on the current submission.
 *
 * Returns: (transfer none) (element-type BwReview): the reviews, valid
 *   until the next "reviews-changed"
 */
GPtrArray *
bw_layer_session_get_reviews (BwLayerSession *self)
{
  g_return_val_if_fail (BW_IS_LAYER_SESSION (self), NULL);

  if (self->shown_dirty)
    {
      GHashTableIter iter;
      gpointer value;

      g_ptr_array_set_size (self->shown, 0);
      g_hash_table_iter_init (&iter, self->verdicts);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        g_ptr_array_add (self->shown, value);
      for (guint i = 0; i < self->reviews->len; i++)
        {
          BwReview *r = self->reviews->pdata[i];

          if (r->verdict == BW_VERDICT_COMMENT && r->has_point && r->submission == self->submission)
            g_ptr_array_add (self->shown, r);
        }
      self->shown_dirty = FALSE;
    }

  return self->shown;
}

/**
 * bw_layer_session_count_undecided:
 *
 * Returns: how many shapes of the layer have no verdict on their current
 *   version
 */
guint
bw_layer_session_count_undecided (BwLayerSession *self)
{
  g_return_val_if_fail (BW_IS_LAYER_SESSION (self), 0);

  return bw_annotation_set_get_size (self->set) - g_hash_table_size (self->verdicts);
}

/* Returns: how many times the layer's annotator has submitted it */
int
bw_layer_session_get_submission (BwLayerSession *self)
{
  g_return_val_if_fail (BW_IS_LAYER_SESSION (self), 0);

  return self->submission;
}

/* ------------------------------------------------------------------ */
/* Commands                                                            */

/* Gives @actions (ReviewAction*, consumed) as one step of the history. */
static gboolean
run_step (BwLayerSession  *self,
          const char      *label,
          GPtrArray       *actions,
          GError         **error)
{
  g_autoptr(GPtrArray) todo = actions;
  gboolean ok = TRUE;

  g_ptr_array_set_free_func (todo, review_action_free);

  if (todo->len == 0)
    return TRUE;

  if (!bw_edit_history_begin (self->history, label, error))
    return FALSE;

  for (guint i = 0; ok && i < todo->len; i++)
    {
      ReviewAction *action = todo->pdata[i];

      ok = review_action_give (action, self->project, error);
      if (ok)
        note_action (self, action);
      if (ok)
        bw_edit_history_add_action (self->history, review_action_apply,
                                    g_steal_pointer (&todo->pdata[i]), review_action_free);
    }

  if (!ok)
    {
      bw_edit_history_cancel (self->history);
      g_array_set_size (self->touched, 0);
      return FALSE;
    }

  /* The actions belong to the history now. */
  g_ptr_array_set_size (todo, 0);
  if (!bw_edit_history_end (self->history, error))
    {
      refresh_after_review (self);
      return FALSE;
    }

  refresh_after_review (self);

  return TRUE;
}

static gboolean
lookup_shapes (BwLayerSession  *self,
               const gint64    *ids,
               guint            n_ids,
               GError         **error)
{
  for (guint i = 0; i < n_ids; i++)
    if (bw_annotation_set_lookup (self->set, ids[i]) == NULL)
      {
        g_set_error (error, BW_LAYER_SESSION_ERROR, BW_LAYER_SESSION_ERROR_NOT_FOUND,
                     _("The shape %" PRId64 " is not on this image any more; it was probably deleted elsewhere"),
                     ids[i]);
        return FALSE;
      }

  return TRUE;
}

static gboolean
judge (BwLayerSession  *self,
       const char      *label,
       const gint64    *ids,
       guint            n_ids,
       BwVerdict        verdict,
       gint64           reason_id,
       const char      *comment,
       GError         **error)
{
  GPtrArray *actions;

  if (!check_reviewing (self, error) || !lookup_shapes (self, ids, n_ids, error))
    return FALSE;

  actions = g_ptr_array_new ();
  for (guint i = 0; i < n_ids; i++)
    {
      const BwReview *now = g_hash_table_lookup (self->verdicts, &ids[i]);
      ReviewAction *action;

      /* Accepting what is accepted adds nothing. */
      if (verdict == BW_VERDICT_ACCEPT && now != NULL && now->verdict == BW_VERDICT_ACCEPT)
        continue;

      action = review_action_new (self, ACTION_VERDICT, ids[i]);
      action->verdict = verdict;
      action->reason_id = reason_id;
      action->comment = g_strdup (comment);
      g_ptr_array_add (actions, action);
    }

  return run_step (self, label, actions, error);
}

/**
 * bw_layer_session_accept:
 *
 * Accepts the current version of shapes, as one step. Shapes accepted
 * already are left as they are.
 */
gboolean
bw_layer_session_accept (BwLayerSession  *self,
                         const gint64    *ids,
                         guint            n_ids,
                         GError         **error)
{
  g_return_val_if_fail (BW_IS_LAYER_SESSION (self), FALSE);

  return judge (self, n_ids == 1 ? _("Accept Shape") : _("Accept Shapes"),
                ids, n_ids, BW_VERDICT_ACCEPT, 0, NULL, error);
}

/**
 * bw_layer_session_reject:
 * @reason_id: a rejection reason, or 0
 * @comment: (nullable): what is wrong
 *
 * Rejects the current version of shapes, as one step.
 */
gboolean
bw_layer_session_reject (BwLayerSession  *self,
                         const gint64    *ids,
                         guint            n_ids,
                         gint64           reason_id,
                         const char      *comment,
                         GError         **error)
{
  g_return_val_if_fail (BW_IS_LAYER_SESSION (self), FALSE);

  return judge (self, n_ids == 1 ? _("Reject Shape") : _("Reject Shapes"),
                ids, n_ids, BW_VERDICT_REJECT, reason_id, comment, error);
}

gboolean
_bw_layer_session_fix (BwLayerSession  *self,
                       const char      *label,
                       const gint64    *ids,
                       BwShape * const *shapes,
                       guint            n_ids,
                       gint64           category_id,
                       GError         **error)
{
  GPtrArray *actions;

  if (!check_reviewing (self, error) || !lookup_shapes (self, ids, n_ids, error))
    return FALSE;

  actions = g_ptr_array_new ();
  for (guint i = 0; i < n_ids; i++)
    {
      const BwAnnotation *a = bw_annotation_set_lookup (self->set, ids[i]);
      const BwShape *shape = shapes != NULL ? shapes[i] : NULL;
      ReviewAction *action;

      if (shape != NULL && bw_shape_equal (shape, a->shape))
        shape = NULL;
      if (shape == NULL && (category_id <= 0 || category_id == a->category_id))
        continue;

      action = review_action_new (self, ACTION_FIX, ids[i]);
      action->shape = shape != NULL ? bw_shape_copy (shape) : NULL;
      action->category_id = category_id != a->category_id ? category_id : 0;
      g_ptr_array_add (actions, action);
    }

  return run_step (self, label, actions, error);
}

/**
 * bw_layer_session_fix:
 * @shape: (nullable): the corrected geometry, or %NULL to keep it
 * @category_id: the corrected category, or 0 to keep it
 *
 * The reviewer corrects a shape, as one step: the correction is a new
 * version made by the reviewer, and the review "fixed" names the version
 * it replaced, which the project keeps. The session's own edits
 * (bw_layer_session_change_shapes(), bw_layer_session_relabel()) are fixes
 * too in a reviewer's session.
 */
gboolean
bw_layer_session_fix (BwLayerSession  *self,
                      gint64           id,
                      const BwShape   *shape,
                      gint64           category_id,
                      GError         **error)
{
  BwShape *shapes[1] = { (BwShape *) shape };

  g_return_val_if_fail (BW_IS_LAYER_SESSION (self), FALSE);

  return _bw_layer_session_fix (self, _("Fix Shape"), &id, shape != NULL ? shapes : NULL, 1,
                                category_id, error);
}

/**
 * bw_layer_session_accept_undecided:
 * @out_n_accepted: (out) (optional): how many shapes were accepted
 *
 * Accepts every shape without a verdict, as one step.
 */
gboolean
bw_layer_session_accept_undecided (BwLayerSession  *self,
                                   guint           *out_n_accepted,
                                   GError         **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  guint size;

  g_return_val_if_fail (BW_IS_LAYER_SESSION (self), FALSE);

  if (out_n_accepted != NULL)
    *out_n_accepted = 0;

  size = bw_annotation_set_get_size (self->set);
  for (guint i = 0; i < size; i++)
    {
      const BwAnnotation *a = bw_annotation_set_get_nth (self->set, i);

      if (!g_hash_table_contains (self->verdicts, &a->id))
        g_array_append_val (ids, a->id);
    }

  if (!check_reviewing (self, error) ||
      !judge (self, _("Accept Undecided Shapes"), (const gint64 *) (gpointer) ids->data, ids->len,
              BW_VERDICT_ACCEPT, 0, NULL, error))
    return FALSE;

  if (out_n_accepted != NULL)
    *out_n_accepted = ids->len;

  return TRUE;
}

/**
 * bw_layer_session_pin_comment:
 * @x: a point of the image, in image pixels
 * @y: a point of the image, in image pixels
 * @reason_id: a rejection reason, or 0
 * @comment: (nullable): the comment
 * @out_review_id: (out) (optional): the pinned comment
 *
 * Pins a comment to a point of the image ("missed object here"), as one
 * step.
 */
gboolean
bw_layer_session_pin_comment (BwLayerSession  *self,
                              double           x,
                              double           y,
                              gint64           reason_id,
                              const char      *comment,
                              gint64          *out_review_id,
                              GError         **error)
{
  GPtrArray *actions;
  ReviewAction *action;

  g_return_val_if_fail (BW_IS_LAYER_SESSION (self), FALSE);

  if (!check_reviewing (self, error))
    return FALSE;

  action = review_action_new (self, ACTION_PIN, self->layer_id);
  action->x = CLAMP (x, 0, self->width);
  action->y = CLAMP (y, 0, self->height);
  action->reason_id = reason_id;
  action->comment = g_strdup (comment);
  actions = g_ptr_array_new ();
  g_ptr_array_add (actions, action);

  if (!run_step (self, _("Pin Comment"), actions, error))
    return FALSE;

  /* The action is the history's now; it is the last review made. */
  if (out_review_id != NULL)
    {
      *out_review_id = 0;
      for (guint i = self->reviews->len; i > 0; i--)
        {
          const BwReview *r = self->reviews->pdata[i - 1];

          if (r->verdict == BW_VERDICT_COMMENT && r->has_point)
            {
              *out_review_id = r->id;
              break;
            }
        }
    }

  return TRUE;
}

/**
 * bw_layer_session_accept_layer:
 *
 * Makes the layer the image's accepted answer, as one step; its shapes
 * without a verdict are accepted with it.
 */
gboolean
bw_layer_session_accept_layer (BwLayerSession  *self,
                               GError         **error)
{
  GPtrArray *actions;

  g_return_val_if_fail (BW_IS_LAYER_SESSION (self), FALSE);

  if (!check_reviewing (self, error))
    return FALSE;

  actions = g_ptr_array_new ();
  g_ptr_array_add (actions, review_action_new (self, ACTION_ACCEPT_LAYER, self->layer_id));

  return run_step (self, _("Accept Image"), actions, error);
}

/**
 * bw_layer_session_return_layer:
 * @reason_id: a rejection reason for the whole image, or 0
 * @comment: (nullable): what the annotator should do
 *
 * Sends the layer back to its annotator with its rejected shapes and
 * pinned comments, as one step (undone while they have not started on
 * it again).
 */
gboolean
bw_layer_session_return_layer (BwLayerSession  *self,
                               gint64           reason_id,
                               const char      *comment,
                               GError         **error)
{
  GPtrArray *actions;
  ReviewAction *action;

  g_return_val_if_fail (BW_IS_LAYER_SESSION (self), FALSE);

  if (!check_reviewing (self, error))
    return FALSE;

  action = review_action_new (self, ACTION_RETURN_LAYER, self->layer_id);
  action->reason_id = reason_id;
  action->comment = g_strdup (comment);
  actions = g_ptr_array_new ();
  g_ptr_array_add (actions, action);

  return run_step (self, _("Return Image"), actions, error);
}
