/* bw-calibration-window.h — calibration rounds, for the lead's meeting
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "bw-calibration.h"
#include "bw-project.h"

G_BEGIN_DECLS

#define BW_TYPE_CALIBRATION_WINDOW (bw_calibration_window_get_type ())

G_DECLARE_FINAL_TYPE (BwCalibrationWindow, bw_calibration_window, BW, CALIBRATION_WINDOW, AdwWindow)

/* The rounds compared (α per category per round), a round's agreement
 * per category and per image, and the disagreement view: an image of the
 * round with every person's shapes over it in a colour of their own,
 * with a legend. Reports are bw_calibration_compute()'s, computed off the
 * UI thread. Signals: "open-image" (gint64). Properties: "busy". */

BwCalibrationWindow *bw_calibration_window_new          (BwProject           *project,
                                                         gint64               lead_id);
void                 bw_calibration_window_offer_round  (BwCalibrationWindow *self,
                                                         const char          *name);
gboolean             bw_calibration_window_get_busy     (BwCalibrationWindow *self);
/* (element-type BwCalibrationReport): one per round, oldest first. */
GPtrArray           *bw_calibration_window_get_reports  (BwCalibrationWindow *self);
void                 bw_calibration_window_select_round (BwCalibrationWindow *self,
                                                         gint64               round_id);
void                 bw_calibration_window_show_image   (BwCalibrationWindow *self,
                                                         gint64               image_id);
gint64               bw_calibration_window_get_image    (BwCalibrationWindow *self);
guint                bw_calibration_window_get_n_shapes (BwCalibrationWindow *self);
gboolean             bw_calibration_window_start_round  (BwCalibrationWindow *self,
                                                         const char          *name,
                                                         guint                n_images,
                                                         GError             **error);
/* The colour of the @index-th person of a round, "#rrggbb". */
const char          *bw_calibration_person_color        (guint                index);

G_END_DECLS
