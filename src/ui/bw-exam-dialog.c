/* bw-exam-dialog.c — the lead's exams: those defined, and a new one
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Opened from the Gold Standard window, or after a guideline change.
 * The exams defined are listed with what passes, who must pass and how
 * many did, each with Edit and Require Again; the form below defines a
 * new one from the gold images that have an answer
 * (bw_project_add_exam()), or changes the one being edited
 * (bw_project_update_exam(), which keeps its attempts as they were).
 */

#define G_LOG_DOMAIN "bw-exam-dialog"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>

#include "bw-exam-dialog.h"
#include "bw-dialog-util.h"
#include "bw-project-exams.h"

struct _BwExamDialog
{
  AdwWindow              parent_instance;

  BwProject             *project;
  gint64                 person_id;
  GPtrArray             *exam_rows;       /* GtkWidget*, in exams_group */
  GPtrArray             *image_rows;      /* GtkWidget*, in images_group */
  GPtrArray             *category_rows;   /* GtkWidget*, in categories_group */
  GHashTable            *image_checks;    /* gint64* image → GtkCheckButton */
  GHashTable            *category_spins;  /* gint64* category → GtkSpinButton, F1 */
  GHashTable            *category_accuracy_spins;  /* …accuracy */
  guint                  n_exams;
  gint64                 editing_id;      /* the exam in the form, 0 for a new one */
  gint64                 offer_version;   /* asked to require an exam again under it */

  AdwToastOverlay       *toast_overlay;
  GtkButton             *create_button;
  AdwPreferencesGroup   *form_group;
  GtkWidget             *cancel_edit_button;
  AdwPreferencesGroup   *exams_group;
  AdwPreferencesGroup   *images_group;
  AdwPreferencesGroup   *categories_group;
  AdwEntryRow           *name_row;
  GtkSpinButton         *f1_spin;
  GtkSpinButton         *accuracy_spin;
  GtkSpinButton         *attempts_spin;
  AdwComboRow           *required_row;
  GtkSwitch             *renew_switch;
};

G_DEFINE_FINAL_TYPE (BwExamDialog, bw_exam_dialog, ADW_TYPE_WINDOW)

enum {
  EXAM_CREATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
toast (BwExamDialog *self,
       const char   *text)
{
  AdwToast *t = adw_toast_new (text);

  adw_toast_set_timeout (t, 5);
  bw_toast_overlay_add (self->toast_overlay, t);
}

static void
clear_rows (AdwPreferencesGroup *group,
            GPtrArray           *rows)
{
  for (guint i = 0; i < rows->len; i++)
    adw_preferences_group_remove (group, rows->pdata[i]);
  g_ptr_array_set_size (rows, 0);
}

static void
add_row (AdwPreferencesGroup *group,
         GPtrArray           *rows,
         GtkWidget           *row)
{
  adw_preferences_group_add (group, row);
  g_ptr_array_add (rows, row);
}

static void
add_exam_button (BwExamDialog *self,
                 GtkWidget    *row,
                 gint64        exam_id,
                 const char   *label,
                 const char   *tooltip,
                 const char   *action)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "x", exam_id);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
}

static char *
describe_exam (const BwExam *exam,
               guint         n_attempts,
               guint         n_passed)
{
  const char *who = exam->required == BW_EXAM_REQUIRED_OF_ALL ? _("required of every annotator")
                    : exam->required == BW_EXAM_REQUIRED_OF_NEW ? _("required of new annotators")
                    : _("required of nobody");
  g_autofree char *images = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u image", "%u images",
                                                          exam->image_ids->len),
                                             exam->image_ids->len);
  g_autofree char *attempts = exam->max_attempts > 0
                              ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d attempt", "%d attempts",
                                                              exam->max_attempts),
                                                 exam->max_attempts)
                              : g_strdup (_("attempts without limit"));
  g_autofree char *results = g_strdup_printf (_("%u passed of %u attempts made"), n_passed, n_attempts);
  g_autofree char *text = g_strdup_printf (_("%s · F1 ≥ %.0f %%, accuracy ≥ %.0f %% · %s · %s · %s"), images,
                                           exam->min_f1 * 100, exam->min_accuracy * 100, who, attempts, results);

  if (exam->renewed_version > 0)
    {
      g_autofree char *again = g_strdup_printf (_("required again from guideline version %" PRId64),
                                                exam->renewed_version);

      return g_strconcat (text, " · ", again, NULL);
    }
  return g_steal_pointer (&text);
}

static void
load_exams (BwExamDialog *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) exams = bw_project_list_exams (self->project, &error);
  g_autoptr(GPtrArray) attempts = exams != NULL ? bw_project_list_exam_attempts (self->project, 0, 0, &error) : NULL;

  clear_rows (self->exams_group, self->exam_rows);
  self->n_exams = 0;
  if (exams == NULL || attempts == NULL)
    {
      toast (self, error->message);
      return;
    }
  for (guint i = 0; i < exams->len; i++)
    {
      const BwExam *exam = exams->pdata[i];
      g_autofree char *subtitle = NULL;
      GtkWidget *row = adw_action_row_new ();
      guint n = 0, passed = 0;

      for (guint k = 0; k < attempts->len; k++)
        {
          const BwExamAttempt *a = attempts->pdata[k];

          if (a->exam_id == exam->id && a->finished_at > 0)
            {
              n++;
              passed += a->passed ? 1 : 0;
            }
        }
      subtitle = describe_exam (exam, n, passed);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), exam->name);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      add_exam_button (self, row, exam->id, _("_Edit"),
                       _("Change this exam in the form below; its attempts are kept as they were"),
                       "exam.edit");
      add_exam_button (self, row, exam->id, _("Require _Again"),
                       _("Every annotator passes this exam again under the guidelines in force before their queue opens"),
                       "exam.require-again");
      add_row (self->exams_group, self->exam_rows, row);
      self->n_exams++;
    }
  if (exams->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No exams yet: define one below."));
      add_row (self->exams_group, self->exam_rows, row);
    }
}

static void
load_choices (BwExamDialog *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) answers = bw_project_list_gold_answers (self->project, &error);
  g_autoptr(GPtrArray) categories = answers != NULL ? bw_project_list_categories (self->project, &error) : NULL;
  guint n_answered = 0;

  clear_rows (self->images_group, self->image_rows);
  clear_rows (self->categories_group, self->category_rows);
  g_hash_table_remove_all (self->image_checks);
  g_hash_table_remove_all (self->category_spins);
  g_hash_table_remove_all (self->category_accuracy_spins);
  if (answers == NULL || categories == NULL)
    {
      toast (self, error->message);
      return;
    }

  for (guint i = 0; i < answers->len; i++)
    {
      const BwGoldAnswer *answer = answers->pdata[i];
      g_autofree char *name = g_path_get_basename (answer->path);
      g_autofree char *subtitle = NULL;
      GtkWidget *row, *check;

      if (answer->layer_id <= 0)
        continue;
      n_answered++;
      subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u shape in the answer", "%u shapes in the answer",
                                               answer->n_annotations),
                                  answer->n_annotations);
      row = adw_action_row_new ();
      check = gtk_check_button_new ();
      gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check), TRUE);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      add_row (self->images_group, self->image_rows, row);
      g_hash_table_insert (self->image_checks, g_memdup2 (&answer->image_id, sizeof (gint64)), check);
    }
  if (n_answered == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     _("No gold image has an answer yet: draw the answers first (Edit Answer)."));
      add_row (self->images_group, self->image_rows, row);
    }

  for (guint i = 0; i < categories->len; i++)
    {
      const BwCategory *category = categories->pdata[i];
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *spin = gtk_spin_button_new_with_range (0, 100, 5);
      GtkWidget *accuracy = gtk_spin_button_new_with_range (0, 100, 5);
      GtkWidget *label;

      label = gtk_label_new (_("F1"));
      gtk_widget_add_css_class (label, "dim-label");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
      gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (spin, _("The least F1 on this category’s shapes, in per cent"));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
      label = gtk_label_new (_("Accuracy"));
      gtk_widget_add_css_class (label, "dim-label");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
      gtk_widget_set_valign (accuracy, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (accuracy, _("The least accuracy on this category’s shapes, in per cent"));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), accuracy);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), category->name);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      add_row (self->categories_group, self->category_rows, row);
      g_hash_table_insert (self->category_spins, g_memdup2 (&category->id, sizeof (gint64)), spin);
      g_hash_table_insert (self->category_accuracy_spins, g_memdup2 (&category->id, sizeof (gint64)), accuracy);
    }
}

static int
compare_ids (gconstpointer a,
             gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static void reset_form (BwExamDialog *self);

static void
create_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  BwExamDialog *self = BW_EXAM_DIALOG (widget);
  g_autoptr(BwExam) exam = bw_exam_new (gtk_editable_get_text (GTK_EDITABLE (self->name_row)));
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  GHashTableIter iter;
  gpointer key, value;
  gint64 id = 0;

  g_hash_table_iter_init (&iter, self->image_checks);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (gtk_check_button_get_active (value))
      g_array_append_val (exam->image_ids, *(gint64 *) key);
  /* In the order of the list, which is the gold images' order. */
  g_array_sort (exam->image_ids, compare_ids);

  g_hash_table_iter_init (&iter, self->category_spins);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      GtkSpinButton *accuracy = g_hash_table_lookup (self->category_accuracy_spins, key);
      BwExamThreshold t = {
        *(gint64 *) key,
        gtk_spin_button_get_value (value) / 100.0,
        accuracy != NULL ? gtk_spin_button_get_value (accuracy) / 100.0 : 0,
      };

      if (t.min_f1 > 0 || t.min_accuracy > 0)
        g_array_append_val (exam->thresholds, t);
    }
  g_array_sort (exam->thresholds, compare_ids);

  exam->min_f1 = gtk_spin_button_get_value (self->f1_spin) / 100.0;
  exam->min_accuracy = gtk_spin_button_get_value (self->accuracy_spin) / 100.0;
  exam->max_attempts = gtk_spin_button_get_value_as_int (self->attempts_spin);
  exam->required = adw_combo_row_get_selected (self->required_row);
  exam->renew = gtk_switch_get_active (self->renew_switch);

  if (self->editing_id > 0)
    {
      exam->id = self->editing_id;
      if (!bw_project_update_exam (self->project, exam, &error))
        {
          toast (self, error->message);
          return;
        }
      message = g_strdup_printf (_("The exam “%s” is saved; its attempts are kept as they were"), exam->name);
      toast (self, message);
      reset_form (self);
      load_exams (self);
      return;
    }

  if (!bw_project_add_exam (self->project, exam, self->person_id, &id, &error))
    {
      toast (self, error->message);
      return;
    }

  message = g_strdup_printf (_("The exam “%s” is defined"), exam->name);
  toast (self, message);
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), "");
  load_exams (self);
  g_signal_emit (self, signals[EXAM_CREATED], 0, id);
}

/* The form back to a new exam, with the defaults of the template. */
static void
reset_form (BwExamDialog *self)
{
  GHashTableIter iter;
  gpointer value;

  self->editing_id = 0;
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), "");
  gtk_spin_button_set_value (self->f1_spin, 80);
  gtk_spin_button_set_value (self->accuracy_spin, 60);
  gtk_spin_button_set_value (self->attempts_spin, 2);
  adw_combo_row_set_selected (self->required_row, BW_EXAM_REQUIRED_OF_NEW);
  gtk_switch_set_active (self->renew_switch, FALSE);
  g_hash_table_iter_init (&iter, self->image_checks);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    gtk_check_button_set_active (value, TRUE);
  g_hash_table_iter_init (&iter, self->category_spins);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    gtk_spin_button_set_value (value, 0);
  g_hash_table_iter_init (&iter, self->category_accuracy_spins);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    gtk_spin_button_set_value (value, 0);
  adw_preferences_group_set_title (self->form_group, _("New Exam"));
  gtk_button_set_label (self->create_button, _("_Create Exam"));
  gtk_widget_set_visible (self->cancel_edit_button, FALSE);
}

/* Fills the form with an exam, to change it. */
static void
edit_exam (BwExamDialog *self,
           gint64        exam_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwExam) exam = bw_project_get_exam (self->project, exam_id, &error);
  g_autofree char *title = NULL;
  GHashTableIter iter;
  gpointer key, value;

  if (exam == NULL)
    {
      toast (self, error->message);
      return;
    }
  reset_form (self);
  self->editing_id = exam->id;
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), exam->name);
  gtk_spin_button_set_value (self->f1_spin, exam->min_f1 * 100);
  gtk_spin_button_set_value (self->accuracy_spin, exam->min_accuracy * 100);
  gtk_spin_button_set_value (self->attempts_spin, exam->max_attempts);
  adw_combo_row_set_selected (self->required_row, exam->required);
  gtk_switch_set_active (self->renew_switch, exam->renew);

  g_hash_table_iter_init (&iter, self->image_checks);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      gboolean chosen = FALSE;

      for (guint i = 0; i < exam->image_ids->len; i++)
        chosen = chosen || g_array_index (exam->image_ids, gint64, i) == *(gint64 *) key;
      gtk_check_button_set_active (value, chosen);
    }
  for (guint i = 0; i < exam->thresholds->len; i++)
    {
      const BwExamThreshold *t = &g_array_index (exam->thresholds, BwExamThreshold, i);
      GtkSpinButton *f1 = g_hash_table_lookup (self->category_spins, &t->category_id);
      GtkSpinButton *accuracy = g_hash_table_lookup (self->category_accuracy_spins, &t->category_id);

      if (f1 != NULL)
        gtk_spin_button_set_value (f1, t->min_f1 * 100);
      if (accuracy != NULL)
        gtk_spin_button_set_value (accuracy, t->min_accuracy * 100);
    }

  title = g_strdup_printf (_("Edit “%s”"), exam->name);
  adw_preferences_group_set_title (self->form_group, title);
  gtk_button_set_label (self->create_button, _("_Save Exam"));
  gtk_widget_set_visible (self->cancel_edit_button, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
}

static void
edit_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  edit_exam (BW_EXAM_DIALOG (widget), g_variant_get_int64 (param));
}

static void
cancel_edit_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  reset_form (BW_EXAM_DIALOG (widget));
}

static void
require_again_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  BwExamDialog *self = BW_EXAM_DIALOG (widget);
  g_autoptr(GError) error = NULL;
  g_autoptr(BwExam) exam = NULL;
  g_autofree char *message = NULL;
  gint64 version = 0;

  if (!bw_project_require_exam_again (self->project, g_variant_get_int64 (param), &version, &error) ||
      !(exam = bw_project_get_exam (self->project, g_variant_get_int64 (param), &error)))
    {
      toast (self, error->message);
      return;
    }
  message = g_strdup_printf (_("Every annotator passes “%s” again under guideline version %" PRId64 " before their queue opens"),
                             exam->name, version);
  toast (self, message);
  load_exams (self);
}

static void
bw_exam_dialog_dispose (GObject *object)
{
  BwExamDialog *self = BW_EXAM_DIALOG (object);

  g_clear_object (&self->project);
  g_clear_pointer (&self->exam_rows, g_ptr_array_unref);
  g_clear_pointer (&self->image_rows, g_ptr_array_unref);
  g_clear_pointer (&self->category_rows, g_ptr_array_unref);
  g_clear_pointer (&self->image_checks, g_hash_table_unref);
  g_clear_pointer (&self->category_spins, g_hash_table_unref);
  g_clear_pointer (&self->category_accuracy_spins, g_hash_table_unref);

  G_OBJECT_CLASS (bw_exam_dialog_parent_class)->dispose (object);
}

static void
bw_exam_dialog_class_init (BwExamDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bw_exam_dialog_dispose;

  signals[EXAM_CREATED] = g_signal_new ("exam-created", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/boxwood/Boxwood/bw-exam-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, BwExamDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, BwExamDialog, create_button);
  gtk_widget_class_bind_template_child (widget_class, BwExamDialog, form_group);
  gtk_widget_class_bind_template_child (widget_class, BwExamDialog, cancel_edit_button);
  gtk_widget_class_bind_template_child (widget_class, BwExamDialog, exams_group);
  gtk_widget_class_bind_template_child (widget_class, BwExamDialog, images_group);
  gtk_widget_class_bind_template_child (widget_class, BwExamDialog, categories_group);
  gtk_widget_class_bind_template_child (widget_class, BwExamDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, BwExamDialog, f1_spin);
  gtk_widget_class_bind_template_child (widget_class, BwExamDialog, accuracy_spin);
  gtk_widget_class_bind_template_child (widget_class, BwExamDialog, attempts_spin);
  gtk_widget_class_bind_template_child (widget_class, BwExamDialog, required_row);
  gtk_widget_class_bind_template_child (widget_class, BwExamDialog, renew_switch);

  gtk_widget_class_install_action (widget_class, "exam.create", NULL, create_action);
  gtk_widget_class_install_action (widget_class, "exam.edit", "x", edit_action);
  gtk_widget_class_install_action (widget_class, "exam.require-again", "x", require_again_action);
  gtk_widget_class_install_action (widget_class, "exam.cancel-edit", NULL, cancel_edit_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
bw_exam_dialog_init (BwExamDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->exam_rows = g_ptr_array_new ();
  self->image_rows = g_ptr_array_new ();
  self->category_rows = g_ptr_array_new ();
  self->image_checks = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->category_spins = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->category_accuracy_spins = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
}

/**
 * bw_exam_dialog_new:
 * @person_id: the lead who defines exams here
 *
 * Returns: (transfer floating): the dialog
 */
BwExamDialog *
bw_exam_dialog_new (BwProject *project,
                    gint64     person_id)
{
  BwExamDialog *self;

  g_return_val_if_fail (BW_IS_PROJECT (project), NULL);

  self = g_object_new (BW_TYPE_EXAM_DIALOG, NULL);
  self->project = g_object_ref (project);
  self->person_id = person_id;
  load_exams (self);
  load_choices (self);
  return self;
}

void
bw_exam_dialog_set_name (BwExamDialog *self,
                         const char   *name)
{
  g_return_if_fail (BW_IS_EXAM_DIALOG (self));

  gtk_editable_set_text (GTK_EDITABLE (self->name_row), name);
}

void
bw_exam_dialog_set_image (BwExamDialog *self,
                          gint64        image_id,
                          gboolean      chosen)
{
  GtkCheckButton *check;

  g_return_if_fail (BW_IS_EXAM_DIALOG (self));

  check = g_hash_table_lookup (self->image_checks, &image_id);
  if (check != NULL)
    gtk_check_button_set_active (check, chosen);
}

void
bw_exam_dialog_set_thresholds (BwExamDialog *self,
                               double        min_f1_percent,
                               double        min_accuracy_percent,
                               int           max_attempts)
{
  g_return_if_fail (BW_IS_EXAM_DIALOG (self));

  gtk_spin_button_set_value (self->f1_spin, min_f1_percent);
  gtk_spin_button_set_value (self->accuracy_spin, min_accuracy_percent);
  gtk_spin_button_set_value (self->attempts_spin, max_attempts);
}

/* Returns: how many exams the list shows */
guint
bw_exam_dialog_get_n_exams (BwExamDialog *self)
{
  g_return_val_if_fail (BW_IS_EXAM_DIALOG (self), 0);

  return self->n_exams;
}

/**
 * bw_exam_dialog_offer_require_again:
 * @version: the guideline version the lead just made
 *
 * Opened after a guideline change to require an exam again: says how,
 * and with a single exam, goes to its button.
 */
void
bw_exam_dialog_offer_require_again (BwExamDialog *self,
                                    gint64        version)
{
  g_autofree char *message = NULL;

  g_return_if_fail (BW_IS_EXAM_DIALOG (self));

  self->offer_version = version;
  message = g_strdup_printf (_("The guidelines are now version %" PRId64 ": press Require Again on the exam every annotator is to pass again."),
                             version);
  toast (self, message);
}

/* For tests: the exam in the form, 0 for a new one. */
gint64
bw_exam_dialog_get_editing_id (BwExamDialog *self)
{
  g_return_val_if_fail (BW_IS_EXAM_DIALOG (self), 0);

  return self->editing_id;
}

void
bw_exam_dialog_edit (BwExamDialog *self,
                     gint64        exam_id)
{
  g_return_if_fail (BW_IS_EXAM_DIALOG (self));

  edit_exam (self, exam_id);
}
