/* bw-export-dialog.h — export to COCO or YOLO
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "bw-coco-export.h"
#include "bw-project.h"

G_BEGIN_DECLS

typedef enum
{
  BW_EXPORT_FORMAT_COCO,
  BW_EXPORT_FORMAT_YOLO,
} BwExportFormat;

#define BW_TYPE_EXPORT_DIALOG (bw_export_dialog_get_type ())

G_DECLARE_FINAL_TYPE (BwExportDialog, bw_export_dialog, BW, EXPORT_DIALOG, AdwWindow)

BwExportDialog *bw_export_dialog_new             (BwProject      *project);
void            bw_export_dialog_set_format      (BwExportDialog *self,
                                                  BwExportFormat  format);
GFile          *bw_export_dialog_get_destination (BwExportDialog *self);
void            bw_export_dialog_set_destination (BwExportDialog *self,
                                                  GFile          *destination);
BwExportStatus  bw_export_dialog_get_status      (BwExportDialog *self);
void            bw_export_dialog_set_status      (BwExportDialog *self,
                                                  BwExportStatus  status);

G_END_DECLS
