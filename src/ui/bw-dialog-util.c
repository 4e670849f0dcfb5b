/* bw-dialog-util.c — what the import and export dialogs do alike
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A modal file chooser that hands the chosen file back to its dialog, the
 * toast that says what a job did (and toasts shown safely one at a time),
 * and the message dialog that says why it failed.
 */

#define G_LOG_DOMAIN "bw-dialog-util"

#include "config.h"

#include <glib/gi18n.h>

#include "bw-dialog-util.h"

static void
chooser_response_cb (GtkWindow            *dialog,
                     int                   response,
                     GtkFileChooserNative *chooser)
{
  BwDialogFileFunc func = g_object_get_data (G_OBJECT (chooser), "bw-chosen-func");
  GtkFileChooserNative **slot = g_object_get_data (G_OBJECT (chooser), "bw-chooser-slot");

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL)
        func (dialog, file);
    }
  /* The slot holds the only reference: this lets the chooser go. */
  g_clear_object (slot);
}

/**
 * bw_dialog_file_chooser_new:
 * @dialog: the dialog the chooser is modal to
 * @slot: where @dialog keeps the chooser; it holds the only reference,
 *   which @dialog drops in its dispose, and is cleared after the response
 * @title: the chooser's title
 * @action: open a file, save one or select a folder
 * @func: called with the chosen file when the user accepts
 *
 * Makes a modal chooser with "Select" and "Cancel" buttons in @slot,
 * replacing any chooser already there. The caller may set a filter or a
 * current name, then shows it with gtk_native_dialog_show().
 *
 * Returns: (transfer none): the chooser, also in @slot
 */
GtkFileChooser *
bw_dialog_file_chooser_new (GtkWindow             *dialog,
                            GtkFileChooserNative **slot,
                            const char            *title,
                            GtkFileChooserAction   action,
                            BwDialogFileFunc       func)
{
  g_return_val_if_fail (GTK_IS_WINDOW (dialog), NULL);
  g_return_val_if_fail (slot != NULL, NULL);
  g_return_val_if_fail (func != NULL, NULL);

  g_clear_object (slot);
  *slot = gtk_file_chooser_native_new (title, dialog, action, _("_Select"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (*slot), TRUE);
  g_object_set_data (G_OBJECT (*slot), "bw-chosen-func", func);
  g_object_set_data (G_OBJECT (*slot), "bw-chooser-slot", slot);
  g_signal_connect_object (*slot, "response", G_CALLBACK (chooser_response_cb),
                           dialog, G_CONNECT_SWAPPED);
  return GTK_FILE_CHOOSER (*slot);
}

/* Toasts, one at a time per overlay.
 *
 * libadwaita 1.2 shows a toast that replaces a fading one with a longer
 * animation (500 ms) than the fade (300 ms); when that toast is dismissed
 * early (Escape, its close button), the overlay frees its record at the
 * end of the fade and then, at the end of the longer animation, uses the
 * freed record: a crash in adw_animation_skip(). Its own queue makes
 * exactly that happen whenever a toast comes while another shows; and a
 * toast dismissed in the first frame of its slide-in can end its fade
 * before its slide, with the same crash. So an overlay is never handed a
 * toast while one of ours shows or fades: a new toast dismisses the one
 * showing (the newest result is the one that matters) and is handed over
 * once the overlay has let go of the old one; and a toast is dismissed
 * only once it has slid in. */
typedef struct
{
  AdwToastOverlay *overlay;   /* owns this record */
  AdwToast        *showing;   /* handed over, not dismissed; a reference */
  gulong           dismissed_id;
  AdwToast        *leaving;   /* dismissed, still held by the overlay (weak) */
  guint            leaving_id;
  AdwToast        *waiting;   /* the next to show; a reference */
  gulong           waiting_dismissed_id;
  guint            idle_id;
  gint64           shown_at;  /* when @showing was handed over (monotonic µs) */
  guint            dismiss_id;
} ToastQueue;

/* Longer than libadwaita's slide-in (300 ms, 500 ms when replacing). */
#define TOAST_SLIDE_IN_MS 600
/* Longer than its fade (300 ms): a dismissed toast someone else still
 * holds a reference to is taken as gone after this. */
#define TOAST_FADE_OUT_MS 1000

static void show_waiting_toast (ToastQueue *queue);

static void
clear_waiting_toast (ToastQueue *queue)
{
  if (queue->waiting != NULL)
    g_clear_signal_handler (&queue->waiting_dismissed_id, queue->waiting);
  g_clear_object (&queue->waiting);
}

/* Dismissed by its caller before it showed: it never shows. */
static void
waiting_toast_dismissed_cb (AdwToast   *toast,
                            ToastQueue *queue)
{
  if (toast == queue->waiting)
    clear_waiting_toast (queue);
}

static void
toast_released_cb (gpointer  user_data,
                   GObject  *where_the_toast_was)
{
  ToastQueue *queue = user_data;

  queue->leaving = NULL;
  g_clear_handle_id (&queue->leaving_id, g_source_remove);
  show_waiting_toast (queue);
}

static gboolean
toast_faded_cb (gpointer user_data)
{
  ToastQueue *queue = user_data;

  queue->leaving_id = 0;
  if (queue->leaving != NULL)
    {
      g_object_weak_unref (G_OBJECT (queue->leaving), toast_released_cb, queue);
      queue->leaving = NULL;
    }
  show_waiting_toast (queue);
  return G_SOURCE_REMOVE;
}

static gboolean
dismiss_showing_toast_cb (gpointer user_data)
{
  ToastQueue *queue = user_data;

  queue->dismiss_id = 0;
  /* adw_toast_dismiss() would do nothing now: the toast counts as
   * dismissed since the emission that was stopped. */
  if (queue->showing != NULL)
    g_signal_emit_by_name (queue->showing, "dismissed");
  return G_SOURCE_REMOVE;
}

/* Connected before the overlay's own handler, so that a toast dismissed
 * while it still slides in (Escape at once, or a caller) stays until it
 * has slid in. */
static void
toast_dismissed_cb (AdwToast   *toast,
                    ToastQueue *queue)
{
  gint64 shown_ms;

  if (toast != queue->showing)
    return;
  shown_ms = (g_get_monotonic_time () - queue->shown_at) / 1000;
  if (shown_ms < TOAST_SLIDE_IN_MS)
    {
      g_signal_stop_emission_by_name (toast, "dismissed");
      if (queue->dismiss_id == 0)
        queue->dismiss_id = g_timeout_add ((guint) (TOAST_SLIDE_IN_MS - shown_ms),
                                           dismiss_showing_toast_cb, queue);
      return;
    }
  g_clear_signal_handler (&queue->dismissed_id, toast);
  g_clear_handle_id (&queue->dismiss_id, g_source_remove);
  /* The overlay keeps it while it fades out, and lets go of it then. */
  if (queue->leaving != NULL)
    g_object_weak_unref (G_OBJECT (queue->leaving), toast_released_cb, queue);
  g_clear_handle_id (&queue->leaving_id, g_source_remove);
  queue->leaving = toast;
  g_object_weak_ref (G_OBJECT (toast), toast_released_cb, queue);
  queue->leaving_id = g_timeout_add (TOAST_FADE_OUT_MS, toast_faded_cb, queue);
  queue->showing = NULL;
  g_object_unref (toast);
  show_waiting_toast (queue);
}

static gboolean
show_waiting_toast_cb (gpointer user_data)
{
  ToastQueue *queue = user_data;
  AdwToast *toast;

  queue->idle_id = 0;
  /* Nothing more for an overlay on its way out of its window. */
  if (queue->waiting == NULL || queue->showing != NULL || queue->leaving != NULL ||
      gtk_widget_get_root (GTK_WIDGET (queue->overlay)) == NULL)
    return G_SOURCE_REMOVE;

  g_clear_signal_handler (&queue->waiting_dismissed_id, queue->waiting);
  toast = g_steal_pointer (&queue->waiting);
  queue->showing = toast;
  queue->shown_at = g_get_monotonic_time ();
  queue->dismissed_id = g_signal_connect (toast, "dismissed",
                                          G_CALLBACK (toast_dismissed_cb), queue);
  adw_toast_overlay_add_toast (queue->overlay, g_object_ref (toast));
  return G_SOURCE_REMOVE;
}

/* Shows the waiting toast, from the main loop rather than from inside the
 * overlay's animation callbacks, once nothing of ours shows or fades. */
static void
show_waiting_toast (ToastQueue *queue)
{
  if (queue->waiting != NULL && queue->showing == NULL && queue->leaving == NULL &&
      queue->idle_id == 0)
    queue->idle_id = g_idle_add (show_waiting_toast_cb, queue);
}

static void
toast_queue_free (gpointer data)
{
  ToastQueue *queue = data;

  g_clear_handle_id (&queue->idle_id, g_source_remove);
  g_clear_handle_id (&queue->dismiss_id, g_source_remove);
  g_clear_handle_id (&queue->leaving_id, g_source_remove);
  if (queue->showing != NULL)
    {
      g_clear_signal_handler (&queue->dismissed_id, queue->showing);
      g_clear_object (&queue->showing);
    }
  if (queue->leaving != NULL)
    g_object_weak_unref (G_OBJECT (queue->leaving), toast_released_cb, queue);
  clear_waiting_toast (queue);
  g_free (queue);
}

/**
 * bw_toast_overlay_add:
 * @overlay: a toast overlay
 * @toast: (transfer full): the toast to show
 *
 * Shows @toast on @overlay in place of adw_toast_overlay_add_toast(),
 * which libadwaita 1.2 can crash in when toasts come one after another
 * (see above). A toast that comes while another shows dismisses it and
 * shows once it has faded out; of several that come meanwhile, the newest
 * is shown.
 */
void
bw_toast_overlay_add (AdwToastOverlay *overlay,
                      AdwToast        *toast)
{
  ToastQueue *queue;

  g_return_if_fail (ADW_IS_TOAST_OVERLAY (overlay));
  g_return_if_fail (ADW_IS_TOAST (toast));

  queue = g_object_get_data (G_OBJECT (overlay), "bw-toast-queue");
  if (queue == NULL)
    {
      queue = g_new0 (ToastQueue, 1);
      queue->overlay = overlay;
      g_object_set_data_full (G_OBJECT (overlay), "bw-toast-queue", queue, toast_queue_free);
    }

  clear_waiting_toast (queue);
  queue->waiting = toast;
  queue->waiting_dismissed_id = g_signal_connect (toast, "dismissed",
                                                  G_CALLBACK (waiting_toast_dismissed_cb),
                                                  queue);
  if (queue->showing == NULL)
    show_waiting_toast (queue);
  else
    adw_toast_dismiss (queue->showing);
}

/**
 * bw_dialog_add_toast:
 * @overlay: the dialog's toast overlay
 * @title: what happened
 *
 * Shows @title in a toast that stays 8 seconds: long enough to read a
 * count of what was written.
 */
void
bw_dialog_add_toast (AdwToastOverlay *overlay,
                     const char      *title)
{
  AdwToast *toast;

  g_return_if_fail (ADW_IS_TOAST_OVERLAY (overlay));

  toast = adw_toast_new (title);
  adw_toast_set_timeout (toast, 8);
  bw_toast_overlay_add (overlay, toast);
}

/**
 * bw_dialog_show_error:
 * @dialog: the dialog the message is about
 * @heading: what failed
 * @message: why, as the error said it
 *
 * Presents a message dialog over @dialog with a Close button.
 */
void
bw_dialog_show_error (GtkWindow  *dialog,
                      const char *heading,
                      const char *message)
{
  AdwMessageDialog *message_dialog;

  g_return_if_fail (GTK_IS_WINDOW (dialog));

  message_dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (dialog, heading, message));
  adw_message_dialog_add_response (message_dialog, "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (message_dialog));
}
