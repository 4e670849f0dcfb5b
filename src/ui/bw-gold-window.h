/* bw-gold-window.h — the gold standard: gold images, their answers, honeypots
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "bw-project.h"

G_BEGIN_DECLS

#define BW_TYPE_GOLD_WINDOW (bw_gold_window_get_type ())

G_DECLARE_FINAL_TYPE (BwGoldWindow, bw_gold_window, BW, GOLD_WINDOW, AdwWindow)

/* Signals:
 *   "open-image"  (gint64 image_id)  show the image in the project window
 *   "edit-answer" (gint64 image_id)  edit its gold answer there
 */

BwGoldWindow *bw_gold_window_new             (BwProject    *project,
                                              gint64        person_id);

/* What the window shows, for tests: the images listed (after the search
 * and the "gold only" filter), in order, and the image selected. */
GListModel   *bw_gold_window_get_rows        (BwGoldWindow *self);
gint64        bw_gold_window_get_row_image   (BwGoldWindow *self,
                                              guint         position);
void          bw_gold_window_select_image    (BwGoldWindow *self,
                                              gint64        image_id);
gint64        bw_gold_window_get_selected    (BwGoldWindow *self);
const char   *bw_gold_window_get_answer_text (BwGoldWindow *self);
const char   *bw_gold_window_get_review_text (BwGoldWindow *self);
/* Sets the sample's and the honeypots' fields as a user would type them. */
void          bw_gold_window_set_sample      (BwGoldWindow *self,
                                              double        size,
                                              gboolean      percent,
                                              guint64       seed);
void          bw_gold_window_set_honeypot_percent (BwGoldWindow *self,
                                              double        percent);
void          bw_gold_window_set_gold_only   (BwGoldWindow *self,
                                              gboolean      gold_only);

G_END_DECLS
