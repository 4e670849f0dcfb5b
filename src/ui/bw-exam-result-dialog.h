/* bw-exam-result-dialog.h — an exam attempt's result, as its annotator sees it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "bw-project.h"

G_BEGIN_DECLS

#define BW_TYPE_EXAM_RESULT_DIALOG (bw_exam_result_dialog_get_type ())

G_DECLARE_FINAL_TYPE (BwExamResultDialog, bw_exam_result_dialog, BW, EXAM_RESULT_DIALOG, AdwWindow)

BwExamResultDialog *bw_exam_result_dialog_new      (BwProject          *project,
                                                    gint64              attempt_id,
                                                    GError            **error);
/* Everything the dialog says, one line per label, for tests. */
char               *bw_exam_result_dialog_dup_text (BwExamResultDialog *self);

G_END_DECLS
