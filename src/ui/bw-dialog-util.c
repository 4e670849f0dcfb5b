/* bw-dialog-util.c — what the import and export dialogs do alike
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A modal file chooser that hands the chosen file back to its dialog, the
 * toast that says what a job did, and the message dialog that says why it
 * failed.
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
  adw_toast_overlay_add_toast (overlay, toast);
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
