/* bw-window-work-time.c — the active time on the image shown
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window feeds a BwWorkTimer (the counting lives in the core, where
 * it is tested on a clock of its own) with what only GTK knows: whether
 * the window has the focus, and each key, click, scroll or pointer move.
 * The timer is written to the project every half minute and whenever the
 * image, the person or the project changes; the status bar shows the
 * time on the image, once a second.
 */

#define G_LOG_DOMAIN "bw-window"

#include "config.h"

#include <glib/gi18n.h>

#include "bw-window-private.h"
#include "bw-work-timer.h"

#define FLUSH_EVERY_SECONDS 30

static void
flush (BwWindow *self)
{
  g_autoptr(GError) error = NULL;

  /* Kept counted when the project is busy: the next flush writes it. */
  if (self->work_timer != NULL && !bw_work_timer_flush (self->work_timer, &error))
    g_warning ("Could not record the work time on %s: %s",
               bw_project_get_display_name (self->project), error->message);
}

/* "3:12", or "1:02:03" from an hour on. */
static char *
format_duration (double seconds)
{
  guint64 s = seconds > 0 ? (guint64) seconds : 0;

  if (s >= 3600)
    return g_strdup_printf ("%u:%02u:%02u", (guint) (s / 3600), (guint) (s / 60 % 60), (guint) (s % 60));
  return g_strdup_printf ("%u:%02u", (guint) (s / 60), (guint) (s % 60));
}

static void
update_label (BwWindow *self)
{
  g_autofree char *duration = NULL;
  g_autofree char *text = NULL;

  if (self->work_timer == NULL || self->current_image_id <= 0 || self->person_id <= 0)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->status_time), FALSE);
      return;
    }

  duration = format_duration (bw_work_timer_get_seconds (self->work_timer));
  text = g_strdup_printf (_("Time on this image %s"), duration);
  if (g_strcmp0 (gtk_label_get_label (self->status_time), text) != 0)
    gtk_label_set_label (self->status_time, text);
  gtk_widget_set_visible (GTK_WIDGET (self->status_time), TRUE);
}

static gboolean
tick_cb (gpointer user_data)
{
  BwWindow *self = user_data;

  if (++self->work_ticks >= FLUSH_EVERY_SECONDS)
    {
      self->work_ticks = 0;
      flush (self);
    }
  update_label (self);
  return G_SOURCE_CONTINUE;
}

static void
subject_changed_cb (BwWindow *self)
{
  g_autoptr(GError) error = NULL;

  if (self->work_timer == NULL)
    return;
  /* In review mode the time is the reviewer's, on the image they judge. */
  if (!bw_work_timer_set_subject (self->work_timer, self->current_image_id, self->person_id,
                                  self->review_mode ? BW_TASK_REVIEW : BW_TASK_ANNOTATE, &error))
    g_warning ("Could not record the work time on %s: %s",
               bw_project_get_display_name (self->project), error->message);
  update_label (self);
}

/* The mode changed: the same image may now be reviewed rather than
 * annotated, or the other way round. */
void
_bw_window_work_time_mode_changed (BwWindow *self)
{
  subject_changed_cb (self);
}

static void
focus_changed_cb (BwWindow *self)
{
  if (self->work_timer != NULL)
    bw_work_timer_set_focused (self->work_timer, gtk_window_is_active (GTK_WINDOW (self)));
}

static void
project_changed_cb (BwWindow *self)
{
  flush (self);
  g_clear_object (&self->work_timer);
  g_clear_handle_id (&self->work_tick, g_source_remove);

  if (self->project != NULL)
    {
      self->work_timer = bw_work_timer_new (self->project);
      bw_work_timer_set_focused (self->work_timer, gtk_window_is_active (GTK_WINDOW (self)));
      subject_changed_cb (self);
      self->work_ticks = 0;
      self->work_tick = g_timeout_add_seconds (1, tick_cb, self);
    }
  update_label (self);
}

static gboolean
input_cb (GtkEventControllerLegacy *controller,
          GdkEvent                 *event,
          BwWindow                 *self)
{
  switch (gdk_event_get_event_type (event))
    {
    case GDK_KEY_PRESS:
    case GDK_BUTTON_PRESS:
    case GDK_MOTION_NOTIFY:
    case GDK_SCROLL:
    case GDK_TOUCH_BEGIN:
    case GDK_TOUCH_UPDATE:
    case GDK_TOUCHPAD_SWIPE:
    case GDK_TOUCHPAD_PINCH:
      if (self->work_timer != NULL)
        bw_work_timer_input (self->work_timer);
      break;

    default:
      break;
    }
  return GDK_EVENT_PROPAGATE;
}

void
_bw_window_work_time_init (BwWindow *self)
{
  GtkEventController *input = gtk_event_controller_legacy_new ();

  /* Seen before any widget takes the event. */
  gtk_event_controller_set_propagation_phase (input, GTK_PHASE_CAPTURE);
  g_signal_connect_object (input, "event", G_CALLBACK (input_cb), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self), input);

  g_signal_connect_object (self, "notify::is-active", G_CALLBACK (focus_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self, "project-changed", G_CALLBACK (project_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self, "current-image-changed", G_CALLBACK (subject_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self, "notify::person-id", G_CALLBACK (subject_changed_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->status_time),
                               _("Your active time on this image: counted while this window has the focus and you used the keyboard or the mouse in the last minute"));
  update_label (self);
}

/* Called on close and dispose: nothing counted is lost. */
void
_bw_window_work_time_flush (BwWindow *self)
{
  flush (self);
}

void
_bw_window_work_time_dispose (BwWindow *self)
{
  flush (self);
  g_clear_handle_id (&self->work_tick, g_source_remove);
  g_clear_object (&self->work_timer);
}

/* For tests. */
BwWorkTimer *
_bw_window_get_work_timer (BwWindow *self)
{
  return self->work_timer;
}
