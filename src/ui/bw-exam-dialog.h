/* bw-exam-dialog.h — the lead's exams: those defined, and a new one
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "bw-project.h"

G_BEGIN_DECLS

#define BW_TYPE_EXAM_DIALOG (bw_exam_dialog_get_type ())

G_DECLARE_FINAL_TYPE (BwExamDialog, bw_exam_dialog, BW, EXAM_DIALOG, AdwWindow)

/* Signals:
 *   "exam-created" (gint64 exam_id)
 */

BwExamDialog *bw_exam_dialog_new          (BwProject    *project,
                                           gint64        person_id);

/* For tests: fills the form as a user would, and presses Create. */
void          bw_exam_dialog_set_name     (BwExamDialog *self,
                                           const char   *name);
void          bw_exam_dialog_set_image    (BwExamDialog *self,
                                           gint64        image_id,
                                           gboolean      chosen);
void          bw_exam_dialog_set_thresholds (BwExamDialog *self,
                                           double        min_f1_percent,
                                           double        min_accuracy_percent,
                                           int           max_attempts);
guint         bw_exam_dialog_get_n_exams  (BwExamDialog *self);
void          bw_exam_dialog_edit         (BwExamDialog *self,
                                           gint64        exam_id);
gint64        bw_exam_dialog_get_editing_id (BwExamDialog *self);
void          bw_exam_dialog_offer_require_again (BwExamDialog *self,
                                           gint64        version);

G_END_DECLS
