/* bw-dialog-util.h — what the import and export dialogs do alike
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/**
 * BwDialogFileFunc:
 * @dialog: the dialog that asked
 * @file: the file or folder the user chose
 */
typedef void (*BwDialogFileFunc) (GtkWindow *dialog,
                                  GFile     *file);

GtkFileChooser *bw_dialog_file_chooser_new (GtkWindow             *dialog,
                                            GtkFileChooserNative **slot,
                                            const char            *title,
                                            GtkFileChooserAction   action,
                                            BwDialogFileFunc       func);
void            bw_dialog_add_toast        (AdwToastOverlay       *overlay,
                                            const char            *title);
void            bw_toast_overlay_add       (AdwToastOverlay       *overlay,
                                            AdwToast              *toast);
void            bw_dialog_show_error       (GtkWindow             *dialog,
                                            const char            *heading,
                                            const char            *message);

G_END_DECLS
