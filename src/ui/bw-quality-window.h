/* bw-quality-window.h — quality figures of a project, for its lead
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "bw-model-page.h"
#include "bw-project.h"
#include "bw-pipeline.h"
#include "bw-quality.h"

G_BEGIN_DECLS

/* The columns of the Annotators page, in order. */
typedef enum
{
  BW_QUALITY_COLUMN_ANNOTATOR,
  BW_QUALITY_COLUMN_IMAGES,
  BW_QUALITY_COLUMN_ACCURACY,
  BW_QUALITY_COLUMN_PRECISION,
  BW_QUALITY_COLUMN_RECALL,
  BW_QUALITY_COLUMN_F1,
  BW_QUALITY_COLUMN_MEAN_IOU,
  BW_QUALITY_COLUMN_TP,
  BW_QUALITY_COLUMN_FP,
  BW_QUALITY_COLUMN_FN,
  BW_QUALITY_COLUMN_MISSED,
  BW_QUALITY_COLUMN_EXTRA,
  BW_QUALITY_COLUMN_WRONG_CATEGORY,
  BW_QUALITY_COLUMN_POOR_LOCALISATION,
  BW_QUALITY_COLUMN_DUPLICATE,
  BW_QUALITY_N_COLUMNS
} BwQualityColumn;

#define BW_TYPE_QUALITY_ROW (bw_quality_row_get_type ())

G_DECLARE_FINAL_TYPE (BwQualityRow, bw_quality_row, BW, QUALITY_ROW, GObject)

const char *bw_quality_row_get_text (BwQualityRow *self,
                                     guint         column);
gint64      bw_quality_row_get_id   (BwQualityRow *self);
double      bw_quality_row_get_key  (BwQualityRow *self,
                                     guint         column);

#define BW_TYPE_QUALITY_WINDOW (bw_quality_window_get_type ())

G_DECLARE_FINAL_TYPE (BwQualityWindow, bw_quality_window, BW, QUALITY_WINDOW, AdwWindow)

/* Computes the figures off the UI thread when shown, and again on
 * "quality.refresh" (F5) or a change of the IoU threshold.
 * Properties: "busy" (boolean): a computation is under way. */

BwQualityWindow       *bw_quality_window_new                (BwProject       *project);
gboolean               bw_quality_window_get_busy           (BwQualityWindow *self);
void                   bw_quality_window_set_iou_threshold  (BwQualityWindow *self,
                                                             double           threshold);
const BwQualityReport *bw_quality_window_get_report         (BwQualityWindow *self);
const BwPipeline      *bw_quality_window_get_pipeline       (BwQualityWindow *self);
GtkWindow             *bw_quality_window_compare            (BwQualityWindow *self,
                                                             gint64           image_id,
                                                             gint64           person_id);
/* The images behind an annotator's figures (also on activating their
 * row): a list whose rows emit "open-image". */
GtkWindow             *bw_quality_window_show_images        (BwQualityWindow *self,
                                                             gint64           person_id);
GtkListBox            *bw_quality_window_get_images_list    (BwQualityWindow *self);
gboolean               bw_quality_window_set_images_category (BwQualityWindow *self,
                                                              gint64           category_id);
void                   bw_quality_window_set_images_kind    (BwQualityWindow *self,
                                                             guint            kind);
void                   bw_quality_window_set_stuck_after    (BwQualityWindow *self,
                                                             double           hours);
BwModelPage           *bw_quality_window_get_model_page     (BwQualityWindow *self);
/* (element-type BwQualityRow): the rows of the Annotators, Categories
 * and Agreement pages, as shown (sorted as the user sorted them). */
GListModel            *bw_quality_window_get_annotator_rows (BwQualityWindow *self);
GListModel            *bw_quality_window_get_category_rows  (BwQualityWindow *self);
GListModel            *bw_quality_window_get_pair_rows      (BwQualityWindow *self);

G_END_DECLS
