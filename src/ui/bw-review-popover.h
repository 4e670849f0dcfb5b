/* bw-review-popover.h — asks a reviewer for a reason and a comment
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "bw-project.h"

G_BEGIN_DECLS

#define BW_TYPE_REVIEW_POPOVER (bw_review_popover_get_type ())

G_DECLARE_FINAL_TYPE (BwReviewPopover, bw_review_popover, BW, REVIEW_POPOVER, GtkPopover)

/* Signals:
 *   "confirmed" (gint64 reason_id, const char *comment)  Enter, or the
 *                                   button; the popover then closes
 */

GtkWidget *bw_review_popover_new          (void);
void       bw_review_popover_setup        (BwReviewPopover *self,
                                           const char      *title,
                                           const char      *confirm_label,
                                           gboolean         require_reason,
                                           GPtrArray       *reasons);
gboolean   bw_review_popover_pick_key     (BwReviewPopover *self,
                                           int              hotkey);
gint64     bw_review_popover_get_reason   (BwReviewPopover *self);
void       bw_review_popover_set_comment  (BwReviewPopover *self,
                                           const char      *comment);
gboolean   bw_review_popover_confirm      (BwReviewPopover *self);

G_END_DECLS
