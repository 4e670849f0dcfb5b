/* bw-exam-result-dialog.c — an exam attempt's result, as its annotator sees it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Per category, the F1 and accuracy of the attempt and what was needed,
 * then the hints (bw_exam_hint_to_string()). Nothing of the gold answers
 * is read here beyond the scores the store kept: no shape, no place.
 */

#define G_LOG_DOMAIN "bw-exam-result-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "bw-exam-result-dialog.h"
#include "bw-project-exams.h"

struct _BwExamResultDialog
{
  AdwWindow   parent_instance;

  GtkLabel   *heading_label;
  GtkLabel   *summary_label;
  GtkGrid    *score_grid;
  GtkLabel   *hints_title;
  GtkBox     *hints_box;
  GtkLabel   *note_label;
  GtkWidget  *content_box;
};

G_DEFINE_FINAL_TYPE (BwExamResultDialog, bw_exam_result_dialog, ADW_TYPE_WINDOW)

static void
bw_exam_result_dialog_class_init (BwExamResultDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/boxwood/Boxwood/bw-exam-result-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, BwExamResultDialog, heading_label);
  gtk_widget_class_bind_template_child (widget_class, BwExamResultDialog, summary_label);
  gtk_widget_class_bind_template_child (widget_class, BwExamResultDialog, score_grid);
  gtk_widget_class_bind_template_child (widget_class, BwExamResultDialog, hints_title);
  gtk_widget_class_bind_template_child (widget_class, BwExamResultDialog, hints_box);
  gtk_widget_class_bind_template_child (widget_class, BwExamResultDialog, note_label);
  gtk_widget_class_bind_template_child (widget_class, BwExamResultDialog, content_box);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
bw_exam_result_dialog_init (BwExamResultDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

static GtkWidget *
cell (const char *text,
      gboolean    heading,
      float       xalign)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), xalign);
  if (heading)
    gtk_widget_add_css_class (label, "heading");
  else
    gtk_widget_add_css_class (label, "numeric");
  return label;
}

static char *
format_share (double value)
{
  return g_strdup_printf ("%.2f", value);
}

/* "F1 0.80, accuracy 0.60" of what a score had to reach, or "–". */
static char *
format_needed (const BwExamScore *s)
{
  if (s->min_f1 <= 0 && s->min_accuracy <= 0)
    return g_strdup ("–");
  if (s->min_accuracy <= 0)
    return g_strdup_printf (_("F1 %.2f"), s->min_f1);
  if (s->min_f1 <= 0)
    return g_strdup_printf (_("accuracy %.2f"), s->min_accuracy);
  return g_strdup_printf (_("F1 %.2f, accuracy %.2f"), s->min_f1, s->min_accuracy);
}

static void
add_score_row (BwExamResultDialog *self,
               int                 row,
               const char         *name,
               const BwExamScore  *s)
{
  const BwQualityCounts *c = &s->counts;
  g_autofree char *f1 = format_share (bw_exam_rate_value (2 * c->tp, 2 * c->tp + c->fp + c->fn));
  g_autofree char *accuracy = format_share (bw_exam_rate_value (c->tp, c->tp + c->fp + c->fn));
  g_autofree char *needed = format_needed (s);
  const char *verdict = s->min_f1 < 0 && s->min_accuracy < 0 ? "" : s->passed ? _("Reached") : _("Not reached");
  GtkWidget *verdict_cell = cell (verdict, FALSE, 0);

  gtk_grid_attach (self->score_grid, cell (name, s->category_id == 0, 0), 0, row, 1, 1);
  gtk_grid_attach (self->score_grid, cell (f1, FALSE, 1), 1, row, 1, 1);
  gtk_grid_attach (self->score_grid, cell (accuracy, FALSE, 1), 2, row, 1, 1);
  gtk_grid_attach (self->score_grid, cell (needed, FALSE, 0), 3, row, 1, 1);
  if (*verdict != '\0')
    gtk_widget_add_css_class (verdict_cell, s->passed ? "success" : "error");
  gtk_grid_attach (self->score_grid, verdict_cell, 4, row, 1, 1);
}

/**
 * bw_exam_result_dialog_new:
 * @attempt_id: a finished attempt
 *
 * Returns: (transfer floating): the dialog, or %NULL with @error set
 */
BwExamResultDialog *
bw_exam_result_dialog_new (BwProject  *project,
                           gint64      attempt_id,
                           GError    **error)
{
  g_autoptr(BwExamAttempt) attempt = NULL;
  g_autoptr(BwExam) exam = NULL;
  g_autoptr(GPtrArray) categories = NULL;
  g_autoptr(GHashTable) names = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GString) summary = g_string_new (NULL);
  g_autofree char *heading = NULL;
  BwExamResultDialog *self;
  int row = 1;

  g_return_val_if_fail (BW_IS_PROJECT (project), NULL);

  if (!(attempt = bw_project_get_exam_attempt (project, attempt_id, error)) ||
      !(exam = bw_project_get_exam (project, attempt->exam_id, error)) ||
      !(categories = bw_project_list_categories (project, error)))
    return NULL;
  for (guint i = 0; i < categories->len; i++)
    {
      BwCategory *c = categories->pdata[i];

      g_hash_table_insert (names, &c->id, c->name);
    }

  self = g_object_new (BW_TYPE_EXAM_RESULT_DIALOG, NULL);

  heading = g_strdup_printf (attempt->passed ? _("You passed the exam “%s”") : _("You did not pass the exam “%s”"),
                             attempt->exam);
  gtk_label_set_label (self->heading_label, heading);

  if (exam->max_attempts > 0)
    g_string_append_printf (summary, _("Attempt %d of %d."), attempt->number, exam->max_attempts);
  else
    g_string_append_printf (summary, _("Attempt %d."), attempt->number);
  g_string_append_c (summary, ' ');
  if (attempt->passed)
    g_string_append (summary, _("Your work queue is open: Next Image hands out your work."));
  else if (exam->max_attempts > 0 && attempt->number >= exam->max_attempts)
    g_string_append (summary, _("No attempt is left: ask your lead for another attempt."));
  else
    g_string_append (summary, _("Look at the hints below, then start the next attempt from the banner of the project window."));
  gtk_label_set_label (self->summary_label, summary->str);

  gtk_grid_attach (self->score_grid, cell (_("Category"), TRUE, 0), 0, 0, 1, 1);
  gtk_grid_attach (self->score_grid, cell (_("F1"), TRUE, 1), 1, 0, 1, 1);
  gtk_grid_attach (self->score_grid, cell (_("Accuracy"), TRUE, 1), 2, 0, 1, 1);
  gtk_grid_attach (self->score_grid, cell (_("Needed"), TRUE, 0), 3, 0, 1, 1);
  gtk_grid_attach (self->score_grid, cell ("", TRUE, 0), 4, 0, 1, 1);
  for (guint i = 0; i < attempt->scores->len; i++)
    {
      const BwExamScore *s = &g_array_index (attempt->scores, BwExamScore, i);
      const char *name = s->category_id == 0 ? _("All categories") : g_hash_table_lookup (names, &s->category_id);

      add_score_row (self, row++, name != NULL ? name : "?", s);
    }

  for (guint i = 0; i < attempt->hints->len; i++)
    {
      g_autofree char *text = bw_exam_hint_to_string (&g_array_index (attempt->hints, BwExamHint, i), names);
      g_autofree char *line = g_strdup_printf ("• %s", text);
      GtkWidget *label = gtk_label_new (line);

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_box_append (self->hints_box, label);
    }
  if (attempt->hints->len == 0)
    gtk_label_set_label (self->hints_title, _("Nothing to look at again: every object found, named and fitted."));

  return self;
}

static void
append_labels (GtkWidget *widget,
               GString   *text)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_visible (widget))
    {
      const char *label = gtk_label_get_label (GTK_LABEL (widget));

      if (label != NULL && *label != '\0')
        g_string_append_printf (text, "%s\n", label);
      return;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    append_labels (child, text);
}

/* Returns: (transfer full): every text the dialog shows, a line each */
char *
bw_exam_result_dialog_dup_text (BwExamResultDialog *self)
{
  GString *text = g_string_new (NULL);

  g_return_val_if_fail (BW_IS_EXAM_RESULT_DIALOG (self), NULL);

  append_labels (self->content_box, text);
  return g_string_free (text, FALSE);
}
