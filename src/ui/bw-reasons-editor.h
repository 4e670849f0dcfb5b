/* bw-reasons-editor.h — the project's rejection reasons, edited
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "bw-project.h"

G_BEGIN_DECLS

#define BW_TYPE_REASONS_EDITOR (bw_reasons_editor_get_type ())

G_DECLARE_FINAL_TYPE (BwReasonsEditor, bw_reasons_editor, BW, REASONS_EDITOR, AdwBin)

/* Signals:
 *   "message" (const char *text)  a result to show the user (a toast)
 * Actions (group "reasons"): add. */

BwReasonsEditor *bw_reasons_editor_new        (BwProject       *project);
void             bw_reasons_editor_set_project (BwReasonsEditor *self,
                                                BwProject       *project);
void             bw_reasons_editor_reload      (BwReasonsEditor *self);
gboolean         bw_reasons_editor_commit      (BwReasonsEditor *self);
gboolean         bw_reasons_editor_revert      (BwReasonsEditor *self);

G_END_DECLS
