/* bw-window-exam.c — the project window of an annotator a required exam
 * holds back
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A banner says why their work queue is closed and what to do: start the
 * exam, go on with it, read the last attempt's result, or ask the lead
 * when no attempt is left. The exam's images are ordinary images of the
 * list; while an attempt is open, showing one of them shows the person's
 * answer in the attempt (the controller asks the store,
 * bw_project_find_exam_attempt_for_image()), and submitting hands it in.
 */

#define G_LOG_DOMAIN "bw-window"

#include "config.h"

#include <glib/gi18n.h>

#include "bw-annotation-tools.h"
#include "bw-exam-result-dialog.h"
#include "bw-project-exams.h"
#include "bw-window-private.h"

/**
 * bw_window_refresh_exam:
 *
 * Reads again whether an exam holds the person back, and shows the
 * banner that says so (or hides it).
 */
void
bw_window_refresh_exam (BwWindow *self)
{
  g_autoptr(BwExamGate) gate = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gboolean can_start = FALSE;

  g_return_if_fail (BW_IS_WINDOW (self));

  if (self->project != NULL && self->person_id > 0 &&
      !bw_project_get_exam_gate (self->project, self->person_id, &gate, &error))
    g_warning ("Cannot read the exams of %s: %s", bw_project_get_display_name (self->project), error->message);

  self->exam_attempt_id = gate != NULL ? gate->attempt_id : 0;
  self->exam_last_attempt_id = gate != NULL ? gate->last_attempt_id : 0;
  if (gate == NULL)
    {
      gtk_revealer_set_reveal_child (self->exam_revealer, FALSE);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.start-exam", FALSE);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.exam-result", FALSE);
      return;
    }

  if (gate->attempt_id > 0)
    {
      text = g_strdup_printf (_("Exam “%s”: %u of %u images handed in. Draw your answer on each and submit it "
                                "(Ctrl+Enter); your work queue opens when you pass."),
                              gate->exam, gate->n_submitted, gate->n_images);
      gtk_button_set_label (GTK_BUTTON (self->exam_start_button), _("_Next Exam Image"));
      can_start = gate->next_image_id > 0;
    }
  else if (!bw_exam_gate_can_attempt (gate))
    {
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "You did not pass the exam “%s” and its %d attempt is used; ask your "
                                           "lead for another attempt. Your work queue stays closed until you pass.",
                                           "You did not pass the exam “%s” and all its %d attempts are used; ask "
                                           "your lead for another attempt. Your work queue stays closed until you pass.",
                                           gate->max_attempts),
                              gate->exam, gate->max_attempts);
    }
  else if (gate->last_attempt_id > 0)
    {
      text = gate->max_attempts > 0
             ? g_strdup_printf (_("You did not pass the exam “%s” (%d of %d attempts used). Read the hints of your "
                                  "result, then take it again; your work queue opens when you pass."),
                                gate->exam, gate->attempts_used, gate->max_attempts)
             : g_strdup_printf (_("You did not pass the exam “%s”. Read the hints of your result, then take it "
                                  "again; your work queue opens when you pass."),
                                gate->exam);
      gtk_button_set_label (GTK_BUTTON (self->exam_start_button), _("_Take the Exam Again"));
      can_start = TRUE;
    }
  else
    {
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "Your work queue opens once you pass the exam “%s”: %u image to "
                                           "annotate, scored against expert answers.",
                                           "Your work queue opens once you pass the exam “%s”: %u images to "
                                           "annotate, scored against expert answers.",
                                           gate->n_images),
                              gate->exam, gate->n_images);
      gtk_button_set_label (GTK_BUTTON (self->exam_start_button), _("Start _Exam"));
      can_start = TRUE;
    }

  gtk_label_set_label (self->exam_label, text);
  gtk_widget_set_visible (self->exam_start_button, can_start);
  gtk_widget_set_visible (self->exam_result_button, gate->last_attempt_id > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.start-exam", can_start);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.exam-result", gate->last_attempt_id > 0);
  gtk_revealer_set_reveal_child (self->exam_revealer, TRUE);
}

/**
 * bw_window_show_exam_result:
 * @attempt_id: a finished exam attempt
 *
 * Shows its result over the window.
 */
void
bw_window_show_exam_result (BwWindow *self,
                            gint64    attempt_id)
{
  g_autoptr(GError) error = NULL;
  BwExamResultDialog *dialog;

  g_return_if_fail (BW_IS_WINDOW (self));

  if (self->project == NULL || attempt_id <= 0)
    return;
  if (!(dialog = bw_exam_result_dialog_new (self->project, attempt_id, &error)))
    {
      _bw_window_show_error (self, _("Cannot show the exam result"), error);
      return;
    }
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (self));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
start_exam_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  BwWindow *self = BW_WINDOW (widget);
  g_autoptr(BwExamGate) gate = NULL;
  g_autoptr(GError) error = NULL;
  gint64 attempt_id = 0, next;

  if (self->project == NULL || self->person_id <= 0)
    return;
  if (!bw_project_get_exam_gate (self->project, self->person_id, &gate, &error) ||
      (gate != NULL &&
       !bw_project_start_exam_attempt (self->project, gate->exam_id, self->person_id, &attempt_id, &error)))
    {
      _bw_window_show_error (self, _("Cannot start the exam"), error);
      bw_window_refresh_exam (self);
      return;
    }
  if (gate == NULL)
    return;

  next = bw_project_get_next_exam_image (self->project, attempt_id, self->current_image_id, &error);
  bw_window_refresh_exam (self);
  if (next > 0)
    bw_window_select_image (self, next);
  /* The image may be shown already: its answer in the attempt, then. */
  bw_annotation_tools_reload (self);
}

static void
exam_result_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  BwWindow *self = BW_WINDOW (widget);

  bw_window_show_exam_result (self, self->exam_last_attempt_id);
}

void
_bw_window_exam_class_init (BwWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_install_action (widget_class, "win.start-exam", NULL, start_exam_action);
  gtk_widget_class_install_action (widget_class, "win.exam-result", NULL, exam_result_action);
}
