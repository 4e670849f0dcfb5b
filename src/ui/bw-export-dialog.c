/* bw-export-dialog.c — export to COCO or YOLO
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The options of bw_coco_export() and bw_yolo_export(), a destination
 * chooser, and the export itself in a worker thread with a progress bar
 * and Cancel. The dialog stays open afterwards and says what was written
 * in a toast, so a second export (another split, another format) is one
 * click away.
 */

#define G_LOG_DOMAIN "bw-export-dialog"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "bw-coco-export.h"
#include "bw-dialog-util.h"
#include "bw-export-dialog.h"
#include "bw-yolo-export.h"

struct _BwExportDialog
{
  AdwWindow          parent_instance;

  BwProject         *project;
  GFile             *coco_destination;
  GFile             *yolo_destination;
  GCancellable      *cancellable;
  GPtrArray         *category_checks;   /* GtkCheckButton, with "category-id" data */
  GtkFileChooserNative *chooser;

  AdwToastOverlay   *toast_overlay;
  AdwPreferencesPage *page;
  AdwComboRow       *format_row;
  AdwActionRow      *destination_row;
  GtkSwitch         *only_accepted_switch;
  GtkSwitch         *copy_switch;
  AdwActionRow      *segmentation_row;
  GtkSwitch         *segmentation_switch;
  AdwExpanderRow    *split_row;
  GtkSpinButton     *train_spin;
  GtkSpinButton     *val_spin;
  GtkSpinButton     *test_spin;
  GtkSpinButton     *seed_spin;
  AdwPreferencesGroup *categories_group;
  GtkRevealer       *progress_revealer;
  GtkProgressBar    *progress_bar;
};

G_DEFINE_FINAL_TYPE (BwExportDialog, bw_export_dialog, ADW_TYPE_WINDOW)

enum {
  SIGNAL_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static BwExportFormat
get_format (BwExportDialog *self)
{
  return adw_combo_row_get_selected (self->format_row) == BW_EXPORT_FORMAT_YOLO
         ? BW_EXPORT_FORMAT_YOLO : BW_EXPORT_FORMAT_COCO;
}

/**
 * bw_export_dialog_get_destination:
 *
 * Returns: (transfer none): the file (COCO) or folder (YOLO) to write
 */
GFile *
bw_export_dialog_get_destination (BwExportDialog *self)
{
  g_return_val_if_fail (BW_IS_EXPORT_DIALOG (self), NULL);

  return get_format (self) == BW_EXPORT_FORMAT_YOLO ? self->yolo_destination : self->coco_destination;
}

static void
update_destination_row (BwExportDialog *self)
{
  GFile *destination = bw_export_dialog_get_destination (self);
  g_autofree char *name = destination ? g_file_get_parse_name (destination) : NULL;

  adw_action_row_set_subtitle (self->destination_row, name ? name : "");
}

void
bw_export_dialog_set_destination (BwExportDialog *self,
                                  GFile          *destination)
{
  g_return_if_fail (BW_IS_EXPORT_DIALOG (self));
  g_return_if_fail (G_IS_FILE (destination));

  if (get_format (self) == BW_EXPORT_FORMAT_YOLO)
    g_set_object (&self->yolo_destination, destination);
  else
    g_set_object (&self->coco_destination, destination);
  update_destination_row (self);
}

void
bw_export_dialog_set_format (BwExportDialog *self,
                             BwExportFormat  format)
{
  g_return_if_fail (BW_IS_EXPORT_DIALOG (self));

  adw_combo_row_set_selected (self->format_row, format);
}

static void
format_changed_cb (BwExportDialog *self)
{
  gboolean yolo = get_format (self) == BW_EXPORT_FORMAT_YOLO;

  gtk_widget_set_visible (GTK_WIDGET (self->segmentation_row), yolo);
  gtk_widget_set_visible (GTK_WIDGET (self->split_row), !yolo);
  update_destination_row (self);
}

static void
destination_chosen_cb (GtkWindow *window,
                       GFile     *file)
{
  bw_export_dialog_set_destination (BW_EXPORT_DIALOG (window), file);
}

static void
choose_destination_cb (BwExportDialog *self)
{
  gboolean yolo = get_format (self) == BW_EXPORT_FORMAT_YOLO;
  GFile *current = bw_export_dialog_get_destination (self);
  GtkFileChooser *chooser;

  chooser = bw_dialog_file_chooser_new (GTK_WINDOW (self), &self->chooser,
                                        yolo ? _("Export YOLO Dataset To") : _("Export COCO File As"),
                                        yolo ? GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER
                                             : GTK_FILE_CHOOSER_ACTION_SAVE,
                                        destination_chosen_cb);
  if (current != NULL && !yolo)
    {
      g_autoptr(GFile) parent = g_file_get_parent (current);
      g_autofree char *base = g_file_get_basename (current);

      if (parent != NULL)
        gtk_file_chooser_set_current_folder (chooser, parent, NULL);
      gtk_file_chooser_set_current_name (chooser, base);
    }
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
set_running (BwExportDialog *self,
             gboolean        running)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->page), !running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "export.start", !running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "export.cancel", running);
  gtk_revealer_set_reveal_child (self->progress_revealer, running);
  if (running)
    {
      gtk_progress_bar_set_fraction (self->progress_bar, 0);
      gtk_progress_bar_set_text (self->progress_bar, _("Exporting…"));
    }
}

static void
progress_cb (guint64  done,
             guint64  total,
             gpointer user_data)
{
  BwExportDialog *self = user_data;
  g_autofree char *text = NULL;

  if (total == 0)
    return;
  gtk_progress_bar_set_fraction (self->progress_bar, (double) done / total);
  text = g_strdup_printf (_("Exporting… %u%%"), (guint) (done * 100 / total));
  gtk_progress_bar_set_text (self->progress_bar, text);
}

static void
export_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(BwExportDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  BwExportResult counts;
  gboolean ok;

  if (g_task_get_source_tag (G_TASK (result)) == bw_yolo_export_async)
    ok = bw_yolo_export_finish (BW_PROJECT (object), result, &counts, &error);
  else
    ok = bw_coco_export_finish (BW_PROJECT (object), result, &counts, &error);

  g_clear_object (&self->cancellable);
  set_running (self, FALSE);

  if (ok)
    {
      g_autofree char *name = g_file_get_basename (counts.files[0]);
      g_autofree char *title = NULL;

      if (counts.n_files > 1)
        title = g_strdup_printf (_("Exported %" G_GUINT64_FORMAT " images and %" G_GUINT64_FORMAT
                                   " annotations to %u files"),
                                 counts.images, counts.annotations, counts.n_files);
      else
        title = g_strdup_printf (_("Exported %" G_GUINT64_FORMAT " images and %" G_GUINT64_FORMAT
                                   " annotations to %s"),
                                 counts.images, counts.annotations, name);
      bw_dialog_add_toast (self->toast_overlay, title);
      bw_export_result_clear (&counts);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    bw_dialog_add_toast (self->toast_overlay, _("Export cancelled: nothing was written"));
  else
    bw_dialog_show_error (GTK_WINDOW (self), _("Export Failed"), error->message);

  g_signal_emit (self, signals[SIGNAL_FINISHED], 0, ok);
}

static void
start_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  BwExportDialog *self = BW_EXPORT_DIALOG (widget);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  GFile *destination = bw_export_dialog_get_destination (self);

  if (self->cancellable != NULL || destination == NULL)
    return;

  for (guint i = 0; i < self->category_checks->len; i++)
    {
      GtkCheckButton *check = g_ptr_array_index (self->category_checks, i);

      if (gtk_check_button_get_active (check))
        {
          gint64 id = *(gint64 *) g_object_get_data (G_OBJECT (check), "category-id");

          g_array_append_val (ids, id);
        }
    }
  if (ids->len == 0 && self->category_checks->len > 0)
    {
      bw_dialog_add_toast (self->toast_overlay, _("Choose at least one category"));
      return;
    }

  self->cancellable = g_cancellable_new ();
  set_running (self, TRUE);

  if (get_format (self) == BW_EXPORT_FORMAT_YOLO)
    {
      BwYoloExportOptions options = { 0, };

      options.only_accepted = gtk_switch_get_active (self->only_accepted_switch);
      options.category_ids = (const gint64 *) (gpointer) ids->data;
      options.n_category_ids = ids->len;
      options.segmentation = gtk_switch_get_active (self->segmentation_switch);
      options.copy_images = gtk_switch_get_active (self->copy_switch);
      bw_yolo_export_async (self->project, destination, &options, progress_cb, self, NULL,
                            self->cancellable, export_done_cb, g_object_ref (self));
    }
  else
    {
      BwCocoExportOptions options = { 0, };
      g_autoptr(GFile) parent = g_file_get_parent (destination);
      g_autoptr(GFile) images = parent ? g_file_get_child (parent, "images") : NULL;

      options.only_accepted = gtk_switch_get_active (self->only_accepted_switch);
      options.category_ids = (const gint64 *) (gpointer) ids->data;
      options.n_category_ids = ids->len;
      if (gtk_switch_get_active (self->copy_switch) && images != NULL)
        {
          g_file_make_directory_with_parents (images, NULL, NULL);
          options.copy_images_to = images;
        }
      if (adw_expander_row_get_enable_expansion (self->split_row))
        {
          options.split[BW_SPLIT_TRAIN] = gtk_spin_button_get_value (self->train_spin);
          options.split[BW_SPLIT_VAL] = gtk_spin_button_get_value (self->val_spin);
          options.split[BW_SPLIT_TEST] = gtk_spin_button_get_value (self->test_spin);
          options.seed = (guint32) gtk_spin_button_get_value (self->seed_spin);
          if (options.split[0] + options.split[1] + options.split[2] <= 0)
            {
              g_clear_object (&self->cancellable);
              set_running (self, FALSE);
              bw_dialog_add_toast (self->toast_overlay, _("Give at least one split a share of the images"));
              return;
            }
        }
      bw_coco_export_async (self->project, destination, &options, progress_cb, self, NULL,
                            self->cancellable, export_done_cb, g_object_ref (self));
    }
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  BwExportDialog *self = BW_EXPORT_DIALOG (widget);

  if (self->cancellable != NULL)
    {
      g_cancellable_cancel (self->cancellable);
      gtk_progress_bar_set_text (self->progress_bar, _("Cancelling…"));
    }
}

static void
populate_categories (BwExportDialog *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) categories = bw_project_list_categories (self->project, &error);

  if (categories == NULL)
    {
      g_warning ("Cannot list the categories: %s", error->message);
      return;
    }

  if (categories->len == 0)
    adw_preferences_group_set_description (self->categories_group,
                                           _("The project has no categories yet: the export will hold images only."));

  for (guint i = 0; i < categories->len; i++)
    {
      BwCategory *category = g_ptr_array_index (categories, i);
      AdwActionRow *row = ADW_ACTION_ROW (adw_action_row_new ());
      GtkWidget *check = gtk_check_button_new ();
      g_autofree char *subtitle = g_strdup_printf (_("id %" G_GINT64_FORMAT), category->id);

      gtk_check_button_set_active (GTK_CHECK_BUTTON (check), TRUE);
      gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
      g_object_set_data_full (G_OBJECT (check), "category-id",
                              g_memdup2 (&category->id, sizeof category->id), g_free);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), category->name);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (row, subtitle);
      adw_action_row_add_prefix (row, check);
      adw_action_row_set_activatable_widget (row, check);
      adw_preferences_group_add (self->categories_group, GTK_WIDGET (row));
      g_ptr_array_add (self->category_checks, check);
    }
}

static void
bw_export_dialog_dispose (GObject *object)
{
  BwExportDialog *self = (BwExportDialog *)object;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->chooser);

  gtk_widget_dispose_template (GTK_WIDGET (self), BW_TYPE_EXPORT_DIALOG);

  G_OBJECT_CLASS (bw_export_dialog_parent_class)->dispose (object);
}

static void
bw_export_dialog_finalize (GObject *object)
{
  BwExportDialog *self = (BwExportDialog *)object;

  g_clear_object (&self->project);
  g_clear_object (&self->coco_destination);
  g_clear_object (&self->yolo_destination);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->category_checks, g_ptr_array_unref);

  G_OBJECT_CLASS (bw_export_dialog_parent_class)->finalize (object);
}

static void
bw_export_dialog_class_init (BwExportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bw_export_dialog_dispose;
  object_class->finalize = bw_export_dialog_finalize;

  /**
   * BwExportDialog::finished:
   * @ok: whether everything was written
   *
   * An export ended: written, failed or cancelled.
   */
  signals[SIGNAL_FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/bw-export-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, BwExportDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, BwExportDialog, page);
  gtk_widget_class_bind_template_child (widget_class, BwExportDialog, format_row);
  gtk_widget_class_bind_template_child (widget_class, BwExportDialog, destination_row);
  gtk_widget_class_bind_template_child (widget_class, BwExportDialog, only_accepted_switch);
  gtk_widget_class_bind_template_child (widget_class, BwExportDialog, copy_switch);
  gtk_widget_class_bind_template_child (widget_class, BwExportDialog, segmentation_row);
  gtk_widget_class_bind_template_child (widget_class, BwExportDialog, segmentation_switch);
  gtk_widget_class_bind_template_child (widget_class, BwExportDialog, split_row);
  gtk_widget_class_bind_template_child (widget_class, BwExportDialog, train_spin);
  gtk_widget_class_bind_template_child (widget_class, BwExportDialog, val_spin);
  gtk_widget_class_bind_template_child (widget_class, BwExportDialog, test_spin);
  gtk_widget_class_bind_template_child (widget_class, BwExportDialog, seed_spin);
  gtk_widget_class_bind_template_child (widget_class, BwExportDialog, categories_group);
  gtk_widget_class_bind_template_child (widget_class, BwExportDialog, progress_revealer);
  gtk_widget_class_bind_template_child (widget_class, BwExportDialog, progress_bar);
  gtk_widget_class_bind_template_callback (widget_class, format_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, choose_destination_cb);

  gtk_widget_class_install_action (widget_class, "export.start", NULL, start_action);
  gtk_widget_class_install_action (widget_class, "export.cancel", NULL, cancel_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
bw_export_dialog_init (BwExportDialog *self)
{
  self->category_checks = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "export.cancel", FALSE);
}

/**
 * bw_export_dialog_new:
 * @project: the project to export
 *
 * Returns: (transfer full): a new export dialog; the destination starts
 *   next to the project file
 */
BwExportDialog *
bw_export_dialog_new (BwProject *project)
{
  BwExportDialog *self;
  GFile *file;
  g_autoptr(GFile) parent = NULL;
  g_autofree char *base = NULL;
  g_autofree char *stem = NULL;
  g_autofree char *coco_name = NULL;
  g_autofree char *yolo_name = NULL;
  char *dot;

  g_return_val_if_fail (BW_IS_PROJECT (project), NULL);

  self = g_object_new (BW_TYPE_EXPORT_DIALOG, NULL);
  self->project = g_object_ref (project);

  file = bw_project_get_file (project);
  parent = g_file_get_parent (file);
  base = g_file_get_basename (file);
  stem = g_strdup (base);
  if ((dot = strrchr (stem, '.')) != NULL && dot != stem)
    *dot = '\0';
  coco_name = g_strdup_printf ("%s-coco.json", stem);
  yolo_name = g_strdup_printf ("%s-yolo", stem);
  self->coco_destination = g_file_get_child (parent, coco_name);
  self->yolo_destination = g_file_get_child (parent, yolo_name);

  populate_categories (self);
  format_changed_cb (self);
  return self;
}
