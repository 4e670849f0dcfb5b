/* bw-import-dialog.c — import annotations: COCO, COCO predictions, labelme
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Chooses a file (or a labelme folder), the image folder a COCO file's
 * names are relative to, and for predictions a minimum score; runs
 * bw_coco_import() or bw_labelme_import() in a worker thread and says
 * what was imported and skipped in a toast.
 */

#define G_LOG_DOMAIN "bw-import-dialog"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>

#include "bw-coco-import.h"
#include "bw-dialog-util.h"
#include "bw-import-dialog.h"
#include "bw-labelme-import.h"

struct _BwImportDialog
{
  AdwWindow             parent_instance;

  BwProject            *project;
  GFile                *source;
  GFile                *images;
  GCancellable         *cancellable;
  GtkFileChooserNative *chooser;
  guint                 pulse_source;

  AdwToastOverlay      *toast_overlay;
  AdwPreferencesPage   *page;
  AdwComboRow          *format_row;
  AdwActionRow         *source_row;
  GtkWidget            *choose_folder_button;
  AdwActionRow         *images_row;
  AdwActionRow         *score_row;
  GtkSpinButton        *score_spin;
  GtkLabel             *result_label;
  GtkRevealer          *progress_revealer;
  GtkProgressBar       *progress_bar;
};

G_DEFINE_FINAL_TYPE (BwImportDialog, bw_import_dialog, ADW_TYPE_WINDOW)

enum {
  SIGNAL_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  BwImportFormat           format;
  GFile                   *source;
  GFile                   *images;
  double                   min_score;
  BwAnnotationImportResult result;
} ImportJob;

static void
import_job_free (ImportJob *job)
{
  g_clear_object (&job->source);
  g_clear_object (&job->images);
  g_free (job);
}

static BwImportFormat
get_format (BwImportDialog *self)
{
  return (BwImportFormat) adw_combo_row_get_selected (self->format_row);
}

static void
set_row_file (AdwActionRow *row,
              GFile        *file,
              const char   *empty)
{
  g_autofree char *name = file ? g_file_get_parse_name (file) : NULL;

  adw_action_row_set_subtitle (row, name ? name : empty);
}

static void
update_rows (BwImportDialog *self)
{
  BwImportFormat format = get_format (self);

  gtk_widget_set_visible (GTK_WIDGET (self->images_row), format == BW_IMPORT_FORMAT_COCO);
  gtk_widget_set_visible (GTK_WIDGET (self->score_row), format == BW_IMPORT_FORMAT_COCO_PREDICTIONS);
  gtk_widget_set_visible (self->choose_folder_button, format == BW_IMPORT_FORMAT_LABELME);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->source_row),
                                 format == BW_IMPORT_FORMAT_LABELME ? _("File or Folder") : _("File"));
  set_row_file (self->source_row, self->source, _("None chosen"));
  set_row_file (self->images_row, self->images, _("The file's folder"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "import.start",
                                 self->source != NULL && self->cancellable == NULL);
}

static void
format_changed_cb (BwImportDialog *self)
{
  update_rows (self);
}

void
bw_import_dialog_set_format (BwImportDialog *self,
                             BwImportFormat  format)
{
  g_return_if_fail (BW_IS_IMPORT_DIALOG (self));

  adw_combo_row_set_selected (self->format_row, format);
}

void
bw_import_dialog_set_source (BwImportDialog *self,
                             GFile          *source)
{
  g_return_if_fail (BW_IS_IMPORT_DIALOG (self));

  g_set_object (&self->source, source);
  update_rows (self);
}

void
bw_import_dialog_set_images (BwImportDialog *self,
                             GFile          *folder)
{
  g_return_if_fail (BW_IS_IMPORT_DIALOG (self));

  g_set_object (&self->images, folder);
  update_rows (self);
}

static void
source_chosen_cb (GtkWindow *window,
                  GFile     *file)
{
  bw_import_dialog_set_source (BW_IMPORT_DIALOG (window), file);
}

static void
images_chosen_cb (GtkWindow *window,
                  GFile     *file)
{
  bw_import_dialog_set_images (BW_IMPORT_DIALOG (window), file);
}

static void
choose (BwImportDialog       *self,
        const char           *title,
        GtkFileChooserAction  action,
        gboolean              json_only,
        BwDialogFileFunc      func)
{
  GtkFileChooser *chooser;

  chooser = bw_dialog_file_chooser_new (GTK_WINDOW (self), &self->chooser, title, action, func);
  if (json_only)
    {
      g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

      gtk_file_filter_set_name (filter, _("JSON files"));
      gtk_file_filter_add_pattern (filter, "*.json");
      gtk_file_filter_add_mime_type (filter, "application/json");
      gtk_file_chooser_add_filter (chooser, filter);
    }
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
choose_source_cb (BwImportDialog *self)
{
  choose (self, _("Import Annotations From"), GTK_FILE_CHOOSER_ACTION_OPEN, TRUE,
          source_chosen_cb);
}

static void
choose_source_folder_cb (BwImportDialog *self)
{
  choose (self, _("Import labelme Files From"), GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, FALSE,
          source_chosen_cb);
}

static void
choose_images_cb (BwImportDialog *self)
{
  choose (self, _("Images Are In"), GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, FALSE,
          images_chosen_cb);
}

static void
import_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ImportJob *job = task_data;
  GError *error = NULL;
  gboolean ok;
  /* A connection of the worker's own, so the window never waits on the
   * import's transactions; the window hears of what it changed all the
   * same. */
  g_autoptr(BwProject) project = bw_project_open_another (source_object, &error);

  if (project == NULL)
    ok = FALSE;
  else if (job->format == BW_IMPORT_FORMAT_LABELME)
    ok = bw_labelme_import (project, &job->source, 1, &job->result, cancellable, &error);
  else
    {
      BwCocoImportOptions options = { 0, };

      options.images_folder = job->images;
      options.predictions = job->format == BW_IMPORT_FORMAT_COCO_PREDICTIONS;
      options.min_score = job->min_score;
      ok = bw_coco_import (project, job->source, &options, &job->result, cancellable, &error);
    }
  /* Closed before the dialog hears that the import is over. */
  g_clear_object (&project);

  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static gboolean
pulse_cb (gpointer user_data)
{
  BwImportDialog *self = user_data;

  gtk_progress_bar_pulse (self->progress_bar);
  return G_SOURCE_CONTINUE;
}

static void
set_running (BwImportDialog *self,
             gboolean        running)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->page), !running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "import.cancel", running);
  gtk_revealer_set_reveal_child (self->progress_revealer, running);
  g_clear_handle_id (&self->pulse_source, g_source_remove);
  if (running)
    self->pulse_source = g_timeout_add (100, pulse_cb, self);
  update_rows (self);
}

static void
import_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(BwImportDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  ImportJob *job = g_task_get_task_data (G_TASK (result));
  gboolean ok = g_task_propagate_boolean (G_TASK (result), &error);

  g_clear_object (&self->cancellable);
  set_running (self, FALSE);

  if (ok)
    {
      g_autofree char *line = bw_annotation_import_result_describe (&job->result);
      g_autofree char *title = NULL;

      /* The toast says the gist; the label keeps every count. */
      title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Imported %" PRIu64 " annotation",
                                            "Imported %" PRIu64 " annotations",
                                            job->result.annotations),
                               job->result.annotations);
      bw_dialog_add_toast (self->toast_overlay, title);
      gtk_label_set_text (self->result_label, line);
      gtk_widget_set_visible (GTK_WIDGET (self->result_label), TRUE);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    bw_toast_overlay_add (self->toast_overlay,
                          adw_toast_new (_("Import cancelled: the project is unchanged")));
  else
    bw_dialog_show_error (GTK_WINDOW (self), _("Nothing Was Imported"), error->message);

  g_signal_emit (self, signals[SIGNAL_FINISHED], 0, ok);
}

static void
start_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  BwImportDialog *self = BW_IMPORT_DIALOG (widget);
  g_autoptr(GTask) task = NULL;
  ImportJob *job;

  if (self->source == NULL || self->cancellable != NULL)
    return;

  job = g_new0 (ImportJob, 1);
  job->format = get_format (self);
  job->source = g_object_ref (self->source);
  job->images = self->images ? g_object_ref (self->images) : g_file_get_parent (self->source);
  job->min_score = gtk_spin_button_get_value (self->score_spin);

  self->cancellable = g_cancellable_new ();
  set_running (self, TRUE);

  task = g_task_new (self->project, self->cancellable, import_done_cb, g_object_ref (self));
  g_task_set_source_tag (task, start_action);
  g_task_set_task_data (task, job, (GDestroyNotify) import_job_free);
  g_task_run_in_thread (task, import_thread);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  BwImportDialog *self = BW_IMPORT_DIALOG (widget);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}

static void
bw_import_dialog_dispose (GObject *object)
{
  BwImportDialog *self = (BwImportDialog *)object;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->pulse_source, g_source_remove);
  g_clear_object (&self->chooser);

  gtk_widget_dispose_template (GTK_WIDGET (self), BW_TYPE_IMPORT_DIALOG);

  G_OBJECT_CLASS (bw_import_dialog_parent_class)->dispose (object);
}

static void
bw_import_dialog_finalize (GObject *object)
{
  BwImportDialog *self = (BwImportDialog *)object;

  g_clear_object (&self->project);
  g_clear_object (&self->source);
  g_clear_object (&self->images);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (bw_import_dialog_parent_class)->finalize (object);
}

static void
bw_import_dialog_class_init (BwImportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bw_import_dialog_dispose;
  object_class->finalize = bw_import_dialog_finalize;

  /**
   * BwImportDialog::finished:
   * @ok: whether the file was imported
   */
  signals[SIGNAL_FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/bw-import-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, BwImportDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, BwImportDialog, page);
  gtk_widget_class_bind_template_child (widget_class, BwImportDialog, format_row);
  gtk_widget_class_bind_template_child (widget_class, BwImportDialog, source_row);
  gtk_widget_class_bind_template_child (widget_class, BwImportDialog, choose_folder_button);
  gtk_widget_class_bind_template_child (widget_class, BwImportDialog, images_row);
  gtk_widget_class_bind_template_child (widget_class, BwImportDialog, score_row);
  gtk_widget_class_bind_template_child (widget_class, BwImportDialog, score_spin);
  gtk_widget_class_bind_template_child (widget_class, BwImportDialog, result_label);
  gtk_widget_class_bind_template_child (widget_class, BwImportDialog, progress_revealer);
  gtk_widget_class_bind_template_child (widget_class, BwImportDialog, progress_bar);
  gtk_widget_class_bind_template_callback (widget_class, format_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, choose_source_cb);
  gtk_widget_class_bind_template_callback (widget_class, choose_source_folder_cb);
  gtk_widget_class_bind_template_callback (widget_class, choose_images_cb);

  gtk_widget_class_install_action (widget_class, "import.start", NULL, start_action);
  gtk_widget_class_install_action (widget_class, "import.cancel", NULL, cancel_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
bw_import_dialog_init (BwImportDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "import.cancel", FALSE);
  update_rows (self);
}

/**
 * bw_import_dialog_new:
 * @project: the project to import into
 *
 * Returns: (transfer full): a new import dialog
 */
BwImportDialog *
bw_import_dialog_new (BwProject *project)
{
  BwImportDialog *self;

  g_return_val_if_fail (BW_IS_PROJECT (project), NULL);

  self = g_object_new (BW_TYPE_IMPORT_DIALOG, NULL);
  self->project = g_object_ref (project);
  return self;
}
