/* bw-taxonomy-dialog.h — the taxonomy editor
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "bw-project.h"

G_BEGIN_DECLS

#define BW_TYPE_TAXONOMY_DIALOG (bw_taxonomy_dialog_get_type ())

G_DECLARE_FINAL_TYPE (BwTaxonomyDialog, bw_taxonomy_dialog, BW, TAXONOMY_DIALOG, AdwWindow)

/* Every change is saved at once; "taxonomy.undo" (Ctrl+Z) takes back the
 * dialog's own changes, one at a time. Actions (all in the "taxonomy"
 * group): add, delete, merge, move-up, move-down, undo, import, export.
 * A guideline changed here offers to recalibrate the team: signals
 * "start-calibration-round" and "require-exam-again" (gint64: the new
 * guideline version). */

BwTaxonomyDialog *bw_taxonomy_dialog_new             (BwProject        *project);
BwProject        *bw_taxonomy_dialog_get_project     (BwTaxonomyDialog *self);
gint64            bw_taxonomy_dialog_get_selected_id (BwTaxonomyDialog *self);
void              bw_taxonomy_dialog_select          (BwTaxonomyDialog *self,
                                                      gint64            category_id);
guint             bw_taxonomy_dialog_get_undo_depth  (BwTaxonomyDialog *self);
/* "categories", or "reasons": the project's rejection reasons. */
void              bw_taxonomy_dialog_show_page       (BwTaxonomyDialog *self,
                                                      const char       *page);
/* What the import and export buttons do once a file is chosen. */
gboolean          bw_taxonomy_dialog_import_file     (BwTaxonomyDialog *self,
                                                      GFile            *file,
                                                      GError          **error);
gboolean          bw_taxonomy_dialog_export_file     (BwTaxonomyDialog *self,
                                                      GFile            *file,
                                                      GError          **error);

G_END_DECLS
