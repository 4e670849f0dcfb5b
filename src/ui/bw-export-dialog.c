/* bw-export-dialog.c — export to COCO or YOLO
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The options of bw_coco_export() and bw_yolo_export(), a destination
 * chooser, and the export itself in a worker thread with a progress bar
 * and Cancel. Replacing files asks first, unless the file chooser just
 * asked about that very file. The dialog stays open afterwards and says what was written
 * in a toast, so a second export (another split, another format) is one
 * click away.
 */

#define G_LOG_DOMAIN "bw-export-dialog"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
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
  GFile             *confirmed;         /* the chooser asked about replacing it */
  AdwMessageDialog  *replace_dialog;
  GCancellable      *cancellable;
  GPtrArray         *category_checks;   /* GtkCheckButton, with "category-id" data */
  GtkFileChooserNative *chooser;

  AdwToastOverlay   *toast_overlay;
  AdwPreferencesPage *page;
  AdwComboRow       *format_row;
  AdwActionRow      *destination_row;
  AdwComboRow       *status_row;
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

/**
 * bw_export_dialog_get_status:
 *
 * Returns: which work the export takes, by status
 */
BwExportStatus
bw_export_dialog_get_status (BwExportDialog *self)
{
  guint selected;

  g_return_val_if_fail (BW_IS_EXPORT_DIALOG (self), BW_EXPORT_STATUS_SUBMITTED);

  selected = adw_combo_row_get_selected (self->status_row);
  return selected < BW_EXPORT_N_STATUS ? (BwExportStatus) selected : BW_EXPORT_STATUS_SUBMITTED;
}

void
bw_export_dialog_set_status (BwExportDialog *self,
                             BwExportStatus  status)
{
  g_return_if_fail (BW_IS_EXPORT_DIALOG (self));
  g_return_if_fail (status <= BW_EXPORT_STATUS_GOLD);

  /* The rows are in the order of BwExportStatus, up to the gold answers. */
  adw_combo_row_set_selected (self->status_row, status);
}

static void
status_changed_cb (BwExportDialog *self)
{
  /* The rows offered, in the order of BwExportStatus; the reference
   * answers of chosen images (hard examples) are the command line's. */
  static const char *subtitles[] = {
    N_("Work in progress is left out"),
    N_("Submitted work and work in progress are left out"),
    N_("Unfinished work goes into the dataset too"),
    N_("Gold images, with the experts’ answers"),
  };
  BwExportStatus status = bw_export_dialog_get_status (self);

  if (status < G_N_ELEMENTS (subtitles))
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self->status_row), _(subtitles[status]));
}

static void
destination_chosen_cb (GtkWindow *window,
                       GFile     *file)
{
  BwExportDialog *self = BW_EXPORT_DIALOG (window);

  bw_export_dialog_set_destination (self, file);
  /* GTK's save chooser has asked about replacing the file already. */
  if (get_format (self) == BW_EXPORT_FORMAT_COCO)
    g_set_object (&self->confirmed, file);
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
        title = g_strdup_printf (_("Exported %" PRIu64 " images and %" PRIu64
                                   " annotations to %u files"),
                                 counts.images, counts.annotations, counts.n_files);
      else
        title = g_strdup_printf (_("Exported %" PRIu64 " images and %" PRIu64
                                   " annotations to %s"),
                                 counts.images, counts.annotations, name);
      if (counts.left_out > 0)
        {
          /* Say what the status left out, so an empty export is not a puzzle. */
          g_autofree char *with_note = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                                     "%s; %" PRIu64 " image with unfinished work left out",
                                                                     "%s; %" PRIu64 " images with unfinished work left out",
                                                                     counts.left_out),
                                                        title, counts.left_out);

          g_free (title);
          title = g_steal_pointer (&with_note);
        }
      bw_dialog_add_toast (self->toast_overlay, title);
      bw_export_result_clear (&counts);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    bw_dialog_add_toast (self->toast_overlay, _("Export cancelled: nothing was written"));
  else
    bw_dialog_show_error (GTK_WINDOW (self), _("Export Failed"), error->message);

  g_signal_emit (self, signals[SIGNAL_FINISHED], 0, ok);
}

static gboolean
get_split (BwExportDialog *self,
           double          split[BW_N_SPLITS])
{
  memset (split, 0, sizeof (double) * BW_N_SPLITS);
  if (get_format (self) != BW_EXPORT_FORMAT_COCO || !adw_expander_row_get_enable_expansion (self->split_row))
    return FALSE;
  split[BW_SPLIT_TRAIN] = gtk_spin_button_get_value (self->train_spin);
  split[BW_SPLIT_VAL] = gtk_spin_button_get_value (self->val_spin);
  split[BW_SPLIT_TEST] = gtk_spin_button_get_value (self->test_spin);
  return TRUE;
}

static void
run_export (BwExportDialog *self)
{
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

      options.status = bw_export_dialog_get_status (self);
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

      options.status = bw_export_dialog_get_status (self);
      options.category_ids = (const gint64 *) (gpointer) ids->data;
      options.n_category_ids = ids->len;
      if (gtk_switch_get_active (self->copy_switch) && images != NULL)
        {
          g_file_make_directory_with_parents (images, NULL, NULL);
          options.copy_images_to = images;
        }
      if (get_split (self, options.split))
        {
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
replace_response_cb (BwExportDialog   *self,
                     const char       *response,
                     AdwMessageDialog *dialog)
{
  self->replace_dialog = NULL;
  if (g_str_equal (response, "replace"))
    run_export (self);
}

/* Export asks before it replaces files; run_export() does the work. */
static void
start_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  BwExportDialog *self = BW_EXPORT_DIALOG (widget);
  GFile *destination = bw_export_dialog_get_destination (self);
  g_autoptr(GPtrArray) existing = NULL;
  g_autoptr(GString) names = g_string_new (NULL);
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  g_autofree char *where = NULL;
  BwCocoExportOptions coco = { 0, };
  GtkWidget *dialog;

  if (self->cancellable != NULL || destination == NULL || self->replace_dialog != NULL)
    return;

  if (get_format (self) == BW_EXPORT_FORMAT_YOLO)
    existing = bw_yolo_export_find_existing (destination);
  else
    {
      get_split (self, coco.split);
      existing = bw_coco_export_find_existing (destination, &coco);
    }

  if (existing->len == 0 ||
      (existing->len == 1 && self->confirmed != NULL &&
       g_file_equal (g_ptr_array_index (existing, 0), self->confirmed)))
    {
      run_export (self);
      return;
    }

  for (guint i = 0; i < existing->len; i++)
    {
      g_autofree char *name = g_file_get_basename (g_ptr_array_index (existing, i));

      g_string_append_printf (names, "%s“%s”", i ? ", " : "", name);
    }
  {
    g_autoptr(GFile) parent = g_file_get_parent (g_ptr_array_index (existing, 0));

    where = parent ? g_file_get_parse_name (parent) : g_strdup ("");
  }
  heading = g_strdup (g_dngettext (GETTEXT_PACKAGE, "Replace the Existing File?",
                                   "Replace the Existing Files?", existing->len));
  body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "%s exists already in “%s”. Exporting replaces it; "
                                       "choose another destination to keep it.",
                                       "%s exist already in “%s”. Exporting replaces them; "
                                       "choose another destination to keep them.",
                                       existing->len),
                          names->str, where);

  dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "replace", _("_Replace"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "replace",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (replace_response_cb), self, G_CONNECT_SWAPPED);
  self->replace_dialog = ADW_MESSAGE_DIALOG (dialog);
  gtk_window_present (GTK_WINDOW (dialog));
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
      g_autofree char *subtitle = g_strdup_printf (_("id %" PRId64), category->id);

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
  g_clear_object (&self->confirmed);
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
  gtk_widget_class_bind_template_child (widget_class, BwExportDialog, status_row);
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
  gtk_widget_class_bind_template_callback (widget_class, status_changed_cb);

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
  status_changed_cb (self);
  return self;
}
