/* bw-review-queue.h — the submitted work waiting for a reviewer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "bw-project.h"

G_BEGIN_DECLS

#define BW_TYPE_REVIEW_QUEUE (bw_review_queue_get_type ())

G_DECLARE_FINAL_TYPE (BwReviewQueue, bw_review_queue, BW, REVIEW_QUEUE, GtkBox)

/* Signals:
 *   "item-selected" (gint64 layer_id, gint64 image_id)  a row was chosen
 */

GtkWidget                *bw_review_queue_new          (void);
void                      bw_review_queue_set_project  (BwReviewQueue *self,
                                                        BwProject     *project);
void                      bw_review_queue_refresh      (BwReviewQueue *self);
guint                     bw_review_queue_get_n_items  (BwReviewQueue *self);
const BwReviewQueueItem  *bw_review_queue_get_item     (BwReviewQueue *self,
                                                        guint          position);
gboolean                  bw_review_queue_select       (BwReviewQueue *self,
                                                        guint          position);
gint64                    bw_review_queue_get_selected_layer (BwReviewQueue *self);
void                      bw_review_queue_set_filter   (BwReviewQueue *self,
                                                        gint64         annotator_id,
                                                        gint64         category_id);
GtkListView              *bw_review_queue_get_view     (BwReviewQueue *self);

G_END_DECLS
