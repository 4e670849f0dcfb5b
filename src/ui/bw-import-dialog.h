/* bw-import-dialog.h — import annotations: COCO, COCO predictions, labelme
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "bw-project.h"

G_BEGIN_DECLS

typedef enum
{
  BW_IMPORT_FORMAT_COCO,
  BW_IMPORT_FORMAT_COCO_PREDICTIONS,
  BW_IMPORT_FORMAT_LABELME,
} BwImportFormat;

#define BW_TYPE_IMPORT_DIALOG (bw_import_dialog_get_type ())

G_DECLARE_FINAL_TYPE (BwImportDialog, bw_import_dialog, BW, IMPORT_DIALOG, AdwWindow)

BwImportDialog *bw_import_dialog_new           (BwProject      *project);
void            bw_import_dialog_set_format    (BwImportDialog *self,
                                                BwImportFormat  format);
void            bw_import_dialog_set_source    (BwImportDialog *self,
                                                GFile          *source);
void            bw_import_dialog_set_images    (BwImportDialog *self,
                                                GFile          *folder);

G_END_DECLS
