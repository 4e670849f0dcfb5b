/* bw-model-page.h — the Quality window's page on a model's errors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "bw-model-report.h"
#include "bw-project.h"

G_BEGIN_DECLS

#define BW_TYPE_MODEL_PAGE (bw_model_page_get_type ())

G_DECLARE_FINAL_TYPE (BwModelPage, bw_model_page, BW, MODEL_PAGE, GtkWidget)

/* Shows bw_model_report_compute()'s report, the same as `boxwood-cli
 * quality model` prints, computed off the UI thread. Signals:
 * "open-image" (gint64), as the Quality window's. Properties: "busy". */

void                 bw_model_page_set_project        (BwModelPage *self,
                                                       BwProject   *project);
void                 bw_model_page_refresh            (BwModelPage *self,
                                                       double       iou_threshold);
gboolean             bw_model_page_get_busy           (BwModelPage *self);
const BwModelReport *bw_model_page_get_report         (BwModelPage *self);
void                 bw_model_page_set_max_f1         (BwModelPage *self,
                                                       double       max_f1);
/* The images with the lowest F1, and the hints: rows that emit
 * "open-image" when activated (the hints' do not). */
GtkListBox          *bw_model_page_get_images_list    (BwModelPage *self);
GtkListBox          *bw_model_page_get_hints_list     (BwModelPage *self);

G_END_DECLS
