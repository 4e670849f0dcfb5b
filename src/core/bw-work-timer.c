/* bw-work-timer.c — active time on an image, counted for the store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A person is working on the image in front of them while their window
 * has the focus and their last input (a key, the pointer) is at most
 * BW_WORK_TIMER_IDLE_LIMIT_US old. The timer is told of both, and of the
 * image, person and task being timed (the subject); it counts that time
 * in memory and adds it to the store's work time when asked to flush
 * (the app does so every half minute and when the subject changes), so
 * that a crash loses at most that much and the store is not written on
 * every key.
 *
 * The counting: whenever something happens (or the time is read), the
 * stretch since the last event is added as far as it was active: up to
 * the moment the last input went stale, and only while focused. The
 * state is constant between events, so this is exact.
 *
 * The clock is injectable, so the counting is tested without waiting.
 */

#define G_LOG_DOMAIN "bw-work-timer"

#include "config.h"

#include "bw-work-timer.h"

struct _BwWorkTimer
{
  GObject      parent_instance;

  BwProject   *project;
  BwClockFunc  clock;
  gpointer     clock_data;

  gint64       image_id;
  gint64       person_id;
  BwTask       task;

  gboolean     focused;
  gboolean     has_input;
  gint64       last_input;      /* µs, on the clock */
  gint64       mark;            /* counted up to here */
  gint64       pending_us;      /* counted, not yet in the store */
  double       stored;          /* the subject's seconds in the store */
};

G_DEFINE_FINAL_TYPE (BwWorkTimer, bw_work_timer, G_TYPE_OBJECT)

static gint64
default_clock (gpointer user_data)
{
  return g_get_monotonic_time ();
}

static gint64
now (BwWorkTimer *self)
{
  return self->clock (self->clock_data);
}

static gboolean
has_subject (BwWorkTimer *self)
{
  return self->image_id > 0 && self->person_id > 0;
}

/* Adds the active part of [mark, now] and moves the mark to now. */
static void
account (BwWorkTimer *self)
{
  gint64 t = now (self);

  if (self->focused && self->has_input && has_subject (self))
    {
      gint64 until = MIN (t, self->last_input + BW_WORK_TIMER_IDLE_LIMIT_US);

      if (until > self->mark)
        self->pending_us += until - self->mark;
    }
  self->mark = MAX (self->mark, t);
}

/**
 * bw_work_timer_new:
 *
 * Returns: (transfer full): a timer with no subject, not focused
 */
BwWorkTimer *
bw_work_timer_new (BwProject *project)
{
  BwWorkTimer *self;

  g_return_val_if_fail (BW_IS_PROJECT (project), NULL);

  self = g_object_new (BW_TYPE_WORK_TIMER, NULL);
  self->project = g_object_ref (project);
  self->mark = now (self);
  return self;
}

/**
 * bw_work_timer_set_clock:
 * @clock: (nullable): the clock, or %NULL for g_get_monotonic_time()
 *
 * For tests; set before anything is counted.
 */
void
bw_work_timer_set_clock (BwWorkTimer *self,
                         BwClockFunc  clock,
                         gpointer     user_data)
{
  g_return_if_fail (BW_IS_WORK_TIMER (self));

  self->clock = clock != NULL ? clock : default_clock;
  self->clock_data = user_data;
  self->mark = now (self);
  self->has_input = FALSE;
}

/**
 * bw_work_timer_flush:
 *
 * Adds what was counted since the last flush to the subject's work time
 * in the store. Nothing is written when nothing was counted, or when the
 * project is read-only (nobody's time can be recorded there).
 *
 * Returns: %FALSE with @error set when the store refused; the time stays
 *   counted, for the next flush
 */
gboolean
bw_work_timer_flush (BwWorkTimer  *self,
                     GError      **error)
{
  double seconds;

  g_return_val_if_fail (BW_IS_WORK_TIMER (self), FALSE);

  account (self);
  if (self->pending_us <= 0 || !has_subject (self) || bw_project_is_read_only (self->project))
    return TRUE;

  seconds = (double) self->pending_us / G_USEC_PER_SEC;
  if (!bw_project_add_work_time (self->project, self->image_id, self->person_id, self->task,
                                 seconds, error))
    return FALSE;

  self->stored += seconds;
  self->pending_us = 0;
  return TRUE;
}

/**
 * bw_work_timer_set_subject:
 * @image_id: the image on screen, or 0 for none
 * @person_id: who is working, or 0 when unknown (nothing is counted)
 *
 * Flushes the time of the old subject and starts on the new one, whose
 * time so far is read from the store. The input so far still counts: a
 * person who moves to the next image is not idle.
 *
 * Returns: %FALSE when the old subject's time could not be written; the
 *   new subject is taken all the same, and the old time is dropped
 */
gboolean
bw_work_timer_set_subject (BwWorkTimer  *self,
                           gint64        image_id,
                           gint64        person_id,
                           BwTask        task,
                           GError      **error)
{
  gboolean ok;

  g_return_val_if_fail (BW_IS_WORK_TIMER (self), FALSE);

  if (image_id == self->image_id && person_id == self->person_id && task == self->task)
    return TRUE;

  ok = bw_work_timer_flush (self, error);

  self->image_id = image_id;
  self->person_id = person_id;
  self->task = task;
  self->pending_us = 0;
  self->stored = has_subject (self) ? bw_project_get_work_time (self->project, image_id, person_id, task)
                                    : 0.0;
  return ok;
}

/**
 * bw_work_timer_set_focused:
 *
 * Whether the window showing the subject has the focus.
 */
void
bw_work_timer_set_focused (BwWorkTimer *self,
                           gboolean     focused)
{
  g_return_if_fail (BW_IS_WORK_TIMER (self));

  account (self);
  self->focused = !!focused;
}

/**
 * bw_work_timer_input:
 *
 * The person pressed a key or moved the pointer, just now.
 */
void
bw_work_timer_input (BwWorkTimer *self)
{
  g_return_if_fail (BW_IS_WORK_TIMER (self));

  account (self);
  self->has_input = TRUE;
  self->last_input = self->mark;
}

/**
 * bw_work_timer_get_seconds:
 *
 * Returns: the subject's active seconds: those in the store and those
 *   counted since
 */
double
bw_work_timer_get_seconds (BwWorkTimer *self)
{
  g_return_val_if_fail (BW_IS_WORK_TIMER (self), 0.0);

  account (self);
  return self->stored + (double) self->pending_us / G_USEC_PER_SEC;
}

/**
 * bw_work_timer_get_pending:
 *
 * Returns: the seconds counted and not yet flushed
 */
double
bw_work_timer_get_pending (BwWorkTimer *self)
{
  g_return_val_if_fail (BW_IS_WORK_TIMER (self), 0.0);

  account (self);
  return (double) self->pending_us / G_USEC_PER_SEC;
}

static void
bw_work_timer_dispose (GObject *object)
{
  BwWorkTimer *self = BW_WORK_TIMER (object);

  g_clear_object (&self->project);

  G_OBJECT_CLASS (bw_work_timer_parent_class)->dispose (object);
}

static void
bw_work_timer_class_init (BwWorkTimerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = bw_work_timer_dispose;
}

static void
bw_work_timer_init (BwWorkTimer *self)
{
  self->clock = default_clock;
  self->task = BW_TASK_ANNOTATE;
}
