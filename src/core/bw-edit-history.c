/* bw-edit-history.c — undo and redo of saved annotation edits
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every edit is written to the project at once, so undo is not a matter of
 * throwing away unsaved work: it is another saved edit that puts the
 * annotations back as they were. A step records, for each annotation it
 * touched, the state before and after (NULL when it did not exist); undo
 * writes the "before" states in one transaction, redo the "after" states.
 * A deleted annotation comes back with its own id, so later steps that
 * refer to it still apply.
 *
 * The "annotation-changed" signal tells the views what the file now holds,
 * once the transaction is committed: a step that fails half way leaves
 * neither the file nor the views changed.
 */

#define G_LOG_DOMAIN "bw-edit-history"

#include "config.h"

#include <glib/gi18n.h>

#include "bw-edit-history.h"

typedef struct
{
  gint64        id;
  BwAnnotation *before;   /* NULL: did not exist */
  BwAnnotation *after;    /* NULL: deleted */
} Change;

/* Something a step did besides changing annotations (a layer's status,
 * a reviewer's verdict): the command that made it says how to make it
 * again and take it back. */
typedef struct
{
  BwEditActionFunc apply;
  gpointer         data;
  GDestroyNotify   destroy;
} Action;

typedef struct
{
  char   *label;
  GArray *changes;        /* Change, in the order they were made */
  GArray *actions;        /* Action, in the order they were made */
} Step;

struct _BwEditHistory
{
  GObject    parent_instance;

  BwProject *project;
  GPtrArray *undo;        /* Step*, last is the most recent */
  GPtrArray *redo;        /* Step*, last is the next to redo */
  Step      *current;     /* the step being recorded */
  gboolean   implicit;    /* current was opened by a single edit */
  gboolean   replaying;   /* inside an undo or a redo */
};

enum {
  PROP_0,
  PROP_PROJECT,
  PROP_CAN_UNDO,
  PROP_CAN_REDO,
  N_PROPS
};

enum {
  ANNOTATION_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (BwEditHistory, bw_edit_history, G_TYPE_OBJECT)

static void
change_clear (gpointer data)
{
  Change *change = data;

  g_clear_pointer (&change->before, bw_annotation_free);
  g_clear_pointer (&change->after, bw_annotation_free);
}

static void
action_clear (gpointer data)
{
  Action *action = data;

  if (action->destroy != NULL)
    g_clear_pointer (&action->data, action->destroy);
}

static Step *
step_new (const char *label)
{
  Step *step = g_new0 (Step, 1);

  step->label = g_strdup (label);
  step->changes = g_array_new (FALSE, TRUE, sizeof (Change));
  g_array_set_clear_func (step->changes, change_clear);
  step->actions = g_array_new (FALSE, TRUE, sizeof (Action));
  g_array_set_clear_func (step->actions, action_clear);

  return step;
}

static void
step_free (gpointer data)
{
  Step *step = data;

  g_free (step->label);
  g_array_unref (step->changes);
  g_array_unref (step->actions);
  g_free (step);
}

static gboolean
step_is_empty (const Step *step)
{
  return step->changes->len == 0 && step->actions->len == 0;
}

static void
bw_edit_history_dispose (GObject *object)
{
  BwEditHistory *self = BW_EDIT_HISTORY (object);

  if (self->current != NULL)
    bw_edit_history_cancel (self);
  g_clear_object (&self->project);

  G_OBJECT_CLASS (bw_edit_history_parent_class)->dispose (object);
}

static void
bw_edit_history_finalize (GObject *object)
{
  BwEditHistory *self = BW_EDIT_HISTORY (object);

  g_ptr_array_unref (self->undo);
  g_ptr_array_unref (self->redo);

  G_OBJECT_CLASS (bw_edit_history_parent_class)->finalize (object);
}

static void
bw_edit_history_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  BwEditHistory *self = BW_EDIT_HISTORY (object);

  switch (prop_id)
    {
    case PROP_PROJECT:
      g_value_set_object (value, self->project);
      break;

    case PROP_CAN_UNDO:
      g_value_set_boolean (value, bw_edit_history_can_undo (self));
      break;

    case PROP_CAN_REDO:
      g_value_set_boolean (value, bw_edit_history_can_redo (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bw_edit_history_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  BwEditHistory *self = BW_EDIT_HISTORY (object);

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
bw_edit_history_class_init (BwEditHistoryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = bw_edit_history_dispose;
  object_class->finalize = bw_edit_history_finalize;
  object_class->get_property = bw_edit_history_get_property;
  object_class->set_property = bw_edit_history_set_property;

  properties[PROP_PROJECT] =
    g_param_spec_object ("project", NULL, NULL,
                         BW_TYPE_PROJECT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_UNDO] =
    g_param_spec_boolean ("can-undo", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_REDO] =
    g_param_spec_boolean ("can-redo", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * BwEditHistory::annotation-changed:
   * @id: the annotation
   * @layer_id: its layer
   * @annotation: (nullable): what the project now holds, %NULL if deleted
   *
   * Emitted after a step, an undo or a redo is committed, once per
   * annotation it changed.
   */
  signals[ANNOTATION_CHANGED] =
    g_signal_new ("annotation-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                  G_TYPE_INT64, G_TYPE_INT64,
                  BW_TYPE_ANNOTATION | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
bw_edit_history_init (BwEditHistory *self)
{
  self->undo = g_ptr_array_new_with_free_func (step_free);
  self->redo = g_ptr_array_new_with_free_func (step_free);
}

BwEditHistory *
bw_edit_history_new (BwProject *project)
{
  g_return_val_if_fail (BW_IS_PROJECT (project), NULL);

  return g_object_new (BW_TYPE_EDIT_HISTORY, "project", project, NULL);
}

BwProject *
bw_edit_history_get_project (BwEditHistory *self)
{
  g_return_val_if_fail (BW_IS_EDIT_HISTORY (self), NULL);

  return self->project;
}

static void
notify_can (BwEditHistory *self,
            gboolean       could_undo,
            gboolean       could_redo)
{
  if (could_undo != bw_edit_history_can_undo (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_UNDO]);
  if (could_redo != bw_edit_history_can_redo (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_REDO]);
}

static void
emit_states (BwEditHistory *self,
             Step          *step,
             gboolean       after)
{
  for (guint i = 0; i < step->changes->len; i++)
    {
      const Change *change = &g_array_index (step->changes, Change, i);
      const BwAnnotation *state = after ? change->after : change->before;
      const BwAnnotation *any = change->after != NULL ? change->after : change->before;

      /* Added and deleted within the step: nothing to tell. */
      if (any == NULL)
        continue;

      g_signal_emit (self, signals[ANNOTATION_CHANGED], 0,
                     change->id, any->layer_id, state);
    }
}

/**
 * bw_edit_history_begin:
 * @label: what the step does, for "Undo …" (translated)
 *
 * Opens a step: every edit until bw_edit_history_end() is saved in one
 * transaction and undone as one.
 */
gboolean
bw_edit_history_begin (BwEditHistory  *self,
                       const char     *label,
                       GError        **error)
{
  g_return_val_if_fail (BW_IS_EDIT_HISTORY (self), FALSE);
  g_return_val_if_fail (self->current == NULL, FALSE);

  if (!bw_project_begin (self->project, error))
    return FALSE;

  self->current = step_new (label);
  self->implicit = FALSE;

  return TRUE;
}

/* With G_MESSAGES_DEBUG=bw-edit-history, a line once each step is in the
 * project file: which annotations it left there (+id) and which it took
 * away (-id). tests/test-kill9.py checks, after killing the app, that
 * every one of them is so in the file. */
static void
log_saved (const Step *step,
           gboolean    forward)
{
  g_autoptr(GString) ids = NULL;

  if (!g_log_writer_default_would_drop (G_LOG_LEVEL_DEBUG, G_LOG_DOMAIN))
    {
      ids = g_string_new (NULL);
      for (guint i = 0; i < step->changes->len; i++)
        {
          const Change *change = &g_array_index (step->changes, Change, i);
          const BwAnnotation *now = forward ? change->after : change->before;

          g_string_append_printf (ids, " %c%" G_GINT64_FORMAT, now != NULL ? '+' : '-', change->id);
        }
      g_debug ("saved: %s:%s", step->label, ids->str);
    }
}

gboolean
bw_edit_history_end (BwEditHistory  *self,
                     GError        **error)
{
  gboolean could_undo, could_redo;
  Step *step;

  g_return_val_if_fail (BW_IS_EDIT_HISTORY (self), FALSE);
  g_return_val_if_fail (self->current != NULL, FALSE);

  if (!bw_project_commit (self->project, error))
    {
      /* The commit rolled the transaction back. */
      g_clear_pointer (&self->current, step_free);
      return FALSE;
    }

  step = g_steal_pointer (&self->current);
  log_saved (step, TRUE);
  if (step_is_empty (step))
    {
      step_free (step);
      return TRUE;
    }

  could_undo = bw_edit_history_can_undo (self);
  could_redo = bw_edit_history_can_redo (self);
  g_ptr_array_add (self->undo, step);
  g_ptr_array_set_size (self->redo, 0);

  emit_states (self, step, TRUE);
  notify_can (self, could_undo, could_redo);

  return TRUE;
}

/* Drops the step being recorded and rolls its writes back. */
void
bw_edit_history_cancel (BwEditHistory *self)
{
  g_return_if_fail (BW_IS_EDIT_HISTORY (self));
  g_return_if_fail (self->current != NULL);

  bw_project_rollback (self->project);
  g_clear_pointer (&self->current, step_free);
}

static gboolean
open_implicit (BwEditHistory  *self,
               const char     *label,
               GError        **error)
{
  if (self->current != NULL)
    return TRUE;

  if (!bw_edit_history_begin (self, label, error))
    return FALSE;
  self->implicit = TRUE;

  return TRUE;
}

static gboolean
close_implicit (BwEditHistory  *self,
                gboolean        ok,
                GError        **error)
{
  if (!self->implicit)
    return ok;

  self->implicit = FALSE;
  if (!ok)
    {
      bw_edit_history_cancel (self);
      return FALSE;
    }

  return bw_edit_history_end (self, error);
}

/* Records that @id went from @before to what the project holds now. */
static gboolean
record (BwEditHistory       *self,
        gint64               id,
        const BwAnnotation  *before,
        gboolean             deleted,
        GError             **error)
{
  g_autoptr(BwAnnotation) after = NULL;
  Change *change = NULL;

  if (!deleted && !(after = bw_project_get_annotation (self->project, id, error)))
    return FALSE;

  /* Several edits of one annotation in a step make one change: the
   * first "before" and the last "after". */
  for (guint i = 0; i < self->current->changes->len; i++)
    if (g_array_index (self->current->changes, Change, i).id == id)
      change = &g_array_index (self->current->changes, Change, i);

  if (change == NULL)
    {
      Change fresh = { id, before ? bw_annotation_copy (before) : NULL, NULL };

      g_array_append_val (self->current->changes, fresh);
      change = &g_array_index (self->current->changes, Change, self->current->changes->len - 1);
    }

  g_clear_pointer (&change->after, bw_annotation_free);
  change->after = g_steal_pointer (&after);

  return TRUE;
}

gboolean
bw_edit_history_add (BwEditHistory  *self,
                     gint64          layer_id,
                     gint64          category_id,
                     const BwShape  *shape,
                     gint64         *out_id,
                     GError        **error)
{
  gint64 id = 0;
  gboolean ok;

  g_return_val_if_fail (BW_IS_EDIT_HISTORY (self), FALSE);
  g_return_val_if_fail (shape != NULL, FALSE);

  if (!open_implicit (self, _("Add Shape"), error))
    return FALSE;

  ok = bw_project_add_annotation (self->project, layer_id, category_id, shape,
                                  BW_SOURCE_DRAWN, 1.0, &id, error) &&
       record (self, id, NULL, FALSE, error);

  if (!close_implicit (self, ok, error))
    return FALSE;

  if (out_id != NULL)
    *out_id = id;

  return TRUE;
}

gboolean
bw_edit_history_update_shape (BwEditHistory  *self,
                              gint64          annotation_id,
                              const BwShape  *shape,
                              GError        **error)
{
  g_autoptr(BwAnnotation) before = NULL;
  gboolean ok;

  g_return_val_if_fail (BW_IS_EDIT_HISTORY (self), FALSE);
  g_return_val_if_fail (shape != NULL, FALSE);

  if (!open_implicit (self, _("Change Shape"), error))
    return FALSE;

  ok = (before = bw_project_get_annotation (self->project, annotation_id, error)) != NULL &&
       bw_project_update_annotation_shape (self->project, annotation_id, shape, error) &&
       record (self, annotation_id, before, FALSE, error);

  return close_implicit (self, ok, error);
}

gboolean
bw_edit_history_set_category (BwEditHistory  *self,
                              gint64          annotation_id,
                              gint64          category_id,
                              GError        **error)
{
  g_autoptr(BwAnnotation) before = NULL;
  gboolean ok;

  g_return_val_if_fail (BW_IS_EDIT_HISTORY (self), FALSE);

  if (!open_implicit (self, _("Change Category"), error))
    return FALSE;

  ok = (before = bw_project_get_annotation (self->project, annotation_id, error)) != NULL &&
       bw_project_set_annotation_category (self->project, annotation_id, category_id, error) &&
       record (self, annotation_id, before, FALSE, error);

  return close_implicit (self, ok, error);
}

/* The drawing order, for "bring to front" and "send to back". */
gboolean
bw_edit_history_set_z (BwEditHistory  *self,
                       gint64          annotation_id,
                       gint64          z,
                       GError        **error)
{
  g_autoptr(BwAnnotation) before = NULL;
  gboolean ok;

  g_return_val_if_fail (BW_IS_EDIT_HISTORY (self), FALSE);

  if (!open_implicit (self, _("Change Drawing Order"), error))
    return FALSE;

  ok = (before = bw_project_get_annotation (self->project, annotation_id, error)) != NULL &&
       bw_project_set_annotation_z (self->project, annotation_id, z, error) &&
       record (self, annotation_id, before, FALSE, error);

  return close_implicit (self, ok, error);
}

gboolean
bw_edit_history_delete (BwEditHistory  *self,
                        gint64          annotation_id,
                        GError        **error)
{
  g_autoptr(BwAnnotation) before = NULL;
  gboolean ok;

  g_return_val_if_fail (BW_IS_EDIT_HISTORY (self), FALSE);

  if (!open_implicit (self, _("Delete Shape"), error))
    return FALSE;

  ok = (before = bw_project_get_annotation (self->project, annotation_id, error)) != NULL &&
       bw_project_delete_annotation (self->project, annotation_id, error) &&
       record (self, annotation_id, before, TRUE, error);

  return close_implicit (self, ok, error);
}

/* Makes the project hold @target for @id, from @current. */
static gboolean
apply_state (BwEditHistory       *self,
             gint64               id,
             const BwAnnotation  *current,
             const BwAnnotation  *target,
             GError             **error)
{
  if (target == NULL)
    return current == NULL || bw_project_delete_annotation (self->project, id, error);

  if (current == NULL)
    return bw_project_restore_annotation (self->project, target, error);

  if (!bw_shape_equal (current->shape, target->shape) &&
      !bw_project_update_annotation_shape (self->project, id, target->shape, error))
    return FALSE;

  if (current->category_id != target->category_id &&
      !bw_project_set_annotation_category (self->project, id, target->category_id, error))
    return FALSE;

  if (current->z != target->z &&
      !bw_project_set_annotation_z (self->project, id, target->z, error))
    return FALSE;

  return TRUE;
}

static gboolean replay_steps (BwEditHistory  *self,
                              Step           *step,
                              gboolean        forward,
                              GError        **error);

static gboolean
replay (BwEditHistory  *self,
        Step           *step,
        gboolean        forward,
        GError        **error)
{
  gboolean ok;

  self->replaying = TRUE;
  ok = replay_steps (self, step, forward, error);
  self->replaying = FALSE;

  return ok;
}

static gboolean
replay_steps (BwEditHistory  *self,
              Step           *step,
              gboolean        forward,
              GError        **error)
{
  if (!bw_project_begin (self->project, error))
    return FALSE;

  /* What a step did besides its shapes was done first (a submitted layer
   * went back to work before its first edit): redone first, undone last. */
  for (guint k = 0; forward && k < step->actions->len; k++)
    {
      const Action *action = &g_array_index (step->actions, Action, k);

      if (!action->apply (self->project, action->data, TRUE, error))
        {
          bw_project_rollback (self->project);
          return FALSE;
        }
    }

  for (guint k = 0; k < step->changes->len; k++)
    {
      /* Undo walks the changes backwards, redo forwards. */
      guint i = forward ? k : step->changes->len - 1 - k;
      const Change *change = &g_array_index (step->changes, Change, i);

      if (!apply_state (self, change->id,
                        forward ? change->before : change->after,
                        forward ? change->after : change->before,
                        error))
        {
          bw_project_rollback (self->project);
          return FALSE;
        }
    }

  for (guint k = step->actions->len; !forward && k > 0; k--)
    {
      const Action *action = &g_array_index (step->actions, Action, k - 1);

      if (!action->apply (self->project, action->data, FALSE, error))
        {
          bw_project_rollback (self->project);
          return FALSE;
        }
    }

  if (!bw_project_commit (self->project, error))
    return FALSE;
  log_saved (step, forward);

  /* What the file holds now may differ from the recorded state in its
   * modification time; read it back so the views match the file. */
  for (guint i = 0; i < step->changes->len; i++)
    {
      Change *change = &g_array_index (step->changes, Change, i);
      BwAnnotation **state = forward ? &change->after : &change->before;

      if (*state != NULL)
        {
          BwAnnotation *fresh = bw_project_get_annotation (self->project, change->id, NULL);

          if (fresh != NULL)
            {
              bw_annotation_free (*state);
              *state = fresh;
            }
        }
    }

  emit_states (self, step, forward);

  return TRUE;
}

gboolean
bw_edit_history_undo (BwEditHistory  *self,
                      GError        **error)
{
  gboolean could_undo, could_redo;
  Step *step;

  g_return_val_if_fail (BW_IS_EDIT_HISTORY (self), FALSE);
  g_return_val_if_fail (self->current == NULL, FALSE);

  if (self->undo->len == 0)
    return TRUE;

  step = g_ptr_array_index (self->undo, self->undo->len - 1);
  if (!replay (self, step, FALSE, error))
    return FALSE;

  could_undo = bw_edit_history_can_undo (self);
  could_redo = bw_edit_history_can_redo (self);
  g_ptr_array_add (self->redo, g_ptr_array_steal_index (self->undo, self->undo->len - 1));
  notify_can (self, could_undo, could_redo);

  return TRUE;
}

gboolean
bw_edit_history_redo (BwEditHistory  *self,
                      GError        **error)
{
  gboolean could_undo, could_redo;
  Step *step;

  g_return_val_if_fail (BW_IS_EDIT_HISTORY (self), FALSE);
  g_return_val_if_fail (self->current == NULL, FALSE);

  if (self->redo->len == 0)
    return TRUE;

  step = g_ptr_array_index (self->redo, self->redo->len - 1);
  if (!replay (self, step, TRUE, error))
    return FALSE;

  could_undo = bw_edit_history_can_undo (self);
  could_redo = bw_edit_history_can_redo (self);
  g_ptr_array_add (self->undo, g_ptr_array_steal_index (self->redo, self->redo->len - 1));
  notify_can (self, could_undo, could_redo);

  return TRUE;
}

gboolean
bw_edit_history_can_undo (BwEditHistory *self)
{
  g_return_val_if_fail (BW_IS_EDIT_HISTORY (self), FALSE);

  return self->undo->len > 0;
}

gboolean
bw_edit_history_can_redo (BwEditHistory *self)
{
  g_return_val_if_fail (BW_IS_EDIT_HISTORY (self), FALSE);

  return self->redo->len > 0;
}

const char *
bw_edit_history_get_undo_label (BwEditHistory *self)
{
  g_return_val_if_fail (BW_IS_EDIT_HISTORY (self), NULL);

  if (self->undo->len == 0)
    return NULL;

  return ((Step *) g_ptr_array_index (self->undo, self->undo->len - 1))->label;
}

const char *
bw_edit_history_get_redo_label (BwEditHistory *self)
{
  g_return_val_if_fail (BW_IS_EDIT_HISTORY (self), NULL);

  if (self->redo->len == 0)
    return NULL;

  return ((Step *) g_ptr_array_index (self->redo, self->redo->len - 1))->label;
}

/**
 * bw_edit_history_is_writing:
 *
 * Returns: whether the history is writing to the project right now (a
 *   step is open, or an undo or redo is being saved), so that a view can
 *   tell its own edits, which "annotation-changed" reports, from changes
 *   made by others.
 */
gboolean
bw_edit_history_is_writing (BwEditHistory *self)
{
  g_return_val_if_fail (BW_IS_EDIT_HISTORY (self), FALSE);

  return self->current != NULL || self->replaying;
}

void
bw_edit_history_clear (BwEditHistory *self)
{
  gboolean could_undo, could_redo;

  g_return_if_fail (BW_IS_EDIT_HISTORY (self));

  could_undo = bw_edit_history_can_undo (self);
  could_redo = bw_edit_history_can_redo (self);
  g_ptr_array_set_size (self->undo, 0);
  g_ptr_array_set_size (self->redo, 0);
  notify_can (self, could_undo, could_redo);
}

/**
 * bw_edit_history_add_action:
 * @apply: makes the action again (@forward) or takes it back, inside the
 *   transaction of an undo or a redo
 * @data: (transfer full): what @apply needs
 * @destroy: (nullable): frees @data when the step is dropped
 *
 * Records, in the step that is open, something besides annotations that
 * the caller has just written (a layer's status, a reviewer's verdict),
 * so that the step is undone and redone with it.
 */
void
bw_edit_history_add_action (BwEditHistory    *self,
                            BwEditActionFunc  apply,
                            gpointer          data,
                            GDestroyNotify    destroy)
{
  Action action = { apply, data, destroy };

  g_return_if_fail (BW_IS_EDIT_HISTORY (self));
  g_return_if_fail (apply != NULL);
  g_return_if_fail (self->current != NULL);

  g_array_append_val (self->current->actions, action);
}

static void
replace_in (BwAnnotation *state,
            gint64        old_id,
            gint64        new_id)
{
  if (state != NULL && state->category_id == old_id)
    state->category_id = new_id;
}

/**
 * bw_edit_history_replace_category:
 * @old_id: a category that was merged into another, or deleted with its
 *   annotations moved
 * @new_id: the category its annotations went to
 *
 * Rewrites every recorded state in @old_id to @new_id, so that undo and
 * redo put shapes back in the category they now belong to instead of
 * failing on a category that is gone.
 */
void
bw_edit_history_replace_category (BwEditHistory *self,
                                  gint64         old_id,
                                  gint64         new_id)
{
  GPtrArray *stacks[2];

  g_return_if_fail (BW_IS_EDIT_HISTORY (self));
  g_return_if_fail (new_id > 0);

  stacks[0] = self->undo;
  stacks[1] = self->redo;
  for (guint s = 0; s < G_N_ELEMENTS (stacks); s++)
    for (guint i = 0; i < stacks[s]->len; i++)
      {
        Step *step = g_ptr_array_index (stacks[s], i);

        for (guint c = 0; c < step->changes->len; c++)
          {
            Change *change = &g_array_index (step->changes, Change, c);

            replace_in (change->before, old_id, new_id);
            replace_in (change->after, old_id, new_id);
          }
      }
}

static gboolean
state_category_exists (GHashTable         *categories,
                       const BwAnnotation *state)
{
  return state == NULL || g_hash_table_contains (categories, &state->category_id);
}

/* Walks one stack from its top (the next step to undo or redo), keeping
 * in @exists whether each annotation exists at that point; returns how
 * many steps, from the top, can be replayed. */
static guint
count_replayable (BwEditHistory *self,
                  GPtrArray     *stack,
                  gboolean       forward,
                  GHashTable    *categories)
{
  g_autoptr(GHashTable) exists = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  guint n = 0;

  for (guint i = stack->len; i > 0; i--, n++)
    {
      Step *step = g_ptr_array_index (stack, i - 1);

      for (guint c = 0; c < step->changes->len; c++)
        {
          const Change *change = &g_array_index (step->changes, Change, c);
          const BwAnnotation *now = forward ? change->before : change->after;
          const BwAnnotation *then = forward ? change->after : change->before;
          gpointer value;
          gboolean present;

          if (g_hash_table_lookup_extended (exists, &change->id, NULL, &value))
            {
              present = GPOINTER_TO_INT (value);
            }
          else
            {
              g_autoptr(BwAnnotation) stored = bw_project_get_annotation (self->project, change->id, NULL);

              present = stored != NULL;
            }

          if (present != (now != NULL) ||
              !state_category_exists (categories, change->before) ||
              !state_category_exists (categories, change->after))
            return n;

          g_hash_table_insert (exists, g_memdup2 (&change->id, sizeof change->id),
                               GINT_TO_POINTER (then != NULL));
        }
    }

  return n;
}

/* A category merged by another program (no category-merged reached us):
 * a shape the history last saw in a category that is gone, and that the
 * file now holds in another, says where that category went. */
static void
infer_merges (BwEditHistory *self,
              GHashTable    *categories)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GHashTable) merged = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  GHashTableIter iter;
  gpointer key, value;

  /* The newest step that touched a shape says what the file should hold. */
  for (guint i = self->undo->len; i > 0; i--)
    {
      Step *step = g_ptr_array_index (self->undo, i - 1);

      for (guint c = 0; c < step->changes->len; c++)
        {
          const Change *change = &g_array_index (step->changes, Change, c);
          g_autoptr(BwAnnotation) stored = NULL;

          if (!g_hash_table_add (seen, g_memdup2 (&change->id, sizeof change->id)) ||
              change->after == NULL ||
              g_hash_table_contains (categories, &change->after->category_id) ||
              g_hash_table_contains (merged, &change->after->category_id))
            continue;

          stored = bw_project_get_annotation (self->project, change->id, NULL);
          if (stored != NULL && g_hash_table_contains (categories, &stored->category_id))
            g_hash_table_insert (merged, g_memdup2 (&change->after->category_id, sizeof (gint64)),
                                 g_memdup2 (&stored->category_id, sizeof (gint64)));
        }
    }

  g_hash_table_iter_init (&iter, merged);
  while (g_hash_table_iter_next (&iter, &key, &value))
    bw_edit_history_replace_category (self, *(gint64 *) key, *(gint64 *) value);
}

/**
 * bw_edit_history_revalidate:
 *
 * Something else changed the project (a category deleted with its
 * annotations, shapes removed by another program): drops the steps that
 * could no longer be undone or redone, with every step beyond them, so
 * that can-undo and can-redo say beforehand what will work. A category
 * merged by another program is followed as bw_edit_history_replace_category()
 * would, where the shapes in the file show where it went.
 *
 * Returns: whether any step was dropped
 */
gboolean
bw_edit_history_revalidate (BwEditHistory *self)
{
  g_autoptr(GHashTable) categories = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GPtrArray) list = NULL;
  gboolean could_undo, could_redo;
  guint keep_undo, keep_redo;

  g_return_val_if_fail (BW_IS_EDIT_HISTORY (self), FALSE);
  g_return_val_if_fail (self->current == NULL, FALSE);

  if (self->undo->len == 0 && self->redo->len == 0)
    return FALSE;

  list = bw_project_list_categories (self->project, NULL);
  /* The project cannot be read now: keep everything, undo will say why. */
  if (list == NULL)
    return FALSE;
  for (guint i = 0; i < list->len; i++)
    g_hash_table_add (categories, g_memdup2 (&((BwCategory *) list->pdata[i])->id, sizeof (gint64)));

  infer_merges (self, categories);
  keep_undo = count_replayable (self, self->undo, FALSE, categories);
  keep_redo = count_replayable (self, self->redo, TRUE, categories);
  if (keep_undo == self->undo->len && keep_redo == self->redo->len)
    return FALSE;

  could_undo = bw_edit_history_can_undo (self);
  could_redo = bw_edit_history_can_redo (self);
  g_ptr_array_remove_range (self->undo, 0, self->undo->len - keep_undo);
  g_ptr_array_remove_range (self->redo, 0, self->redo->len - keep_redo);
  notify_can (self, could_undo, could_redo);

  return TRUE;
}
