/* bw-questions-window.h — the lead's queue of questions on ambiguous cases
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "bw-project.h"

G_BEGIN_DECLS

#define BW_TYPE_QUESTIONS_WINDOW (bw_questions_window_get_type ())

G_DECLARE_FINAL_TYPE (BwQuestionsWindow, bw_questions_window, BW, QUESTIONS_WINDOW, AdwWindow)

/* Signals:
 *   "open-question" (gint64 question_id)  show its image at its shape in
 *                                         the project window
 */

BwQuestionsWindow *bw_questions_window_new         (BwProject         *project,
                                                    gint64             person_id);
void               bw_questions_window_reload      (BwQuestionsWindow *self);
/* For tests: how many questions are listed. */
guint              bw_questions_window_get_n_rows  (BwQuestionsWindow *self);

G_END_DECLS
