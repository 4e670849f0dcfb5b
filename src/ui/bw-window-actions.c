/* bw-window-actions.c — what the main window can do
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bw-window"

#include "config.h"

#include <glib/gi18n.h>

#include <inttypes.h>
#include <string.h>

#include "bw-calibration-window.h"
#include "bw-exam-dialog.h"
#include "bw-gold-window.h"
#include "bw-quality-window.h"
#include "bw-taxonomy-dialog.h"
#include "bw-export-dialog.h"
#include "bw-import-dialog.h"
#include "bw-window-private.h"

static GtkFileFilter *
project_filter_new (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Boxwood Projects"));
  gtk_file_filter_add_pattern (filter, "*.boxwood");
  gtk_file_filter_add_mime_type (filter, "application/x-boxwood-project");

  return filter;
}

static void
new_project_response_cb (GtkNativeDialog *dialog,
                         int              response,
                         gpointer         user_data)
{
  g_autoptr(BwWindow) self = user_data;
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);

  if (file != NULL)
    {
      g_autofree char *path = g_file_get_path (file);
      g_autoptr(BwProject) project = NULL;
      g_autoptr(GError) error = NULL;

      if (!g_str_has_suffix (path, ".boxwood"))
        {
          g_autofree char *with_suffix = g_strconcat (path, ".boxwood", NULL);

          g_object_unref (file);
          file = g_file_new_for_path (with_suffix);
        }

      project = bw_project_create (file, &error);
      /* Whoever makes the project sets it up: a lead, whom no exam holds back. */
      if (project != NULL && self->user_name != NULL &&
          !bw_project_record_creator (project, self->user_name, NULL, &error))
        g_clear_object (&project);
      if (project == NULL)
        _bw_window_show_error (self, _("Cannot Create the Project"), error);
      else
        bw_window_set_project (self, project, NULL);
    }
}

static void
new_project_action (GSimpleAction *action,
                    GVariant      *param,
                    gpointer       user_data)
{
  BwWindow *self = user_data;
  GtkFileChooserNative *dialog;
  g_autoptr(GtkFileFilter) filter = project_filter_new ();

  dialog = gtk_file_chooser_native_new (_("New Project"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_SAVE,
                                        _("_Create"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), _("Untitled.boxwood"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (new_project_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
open_in_window (BwWindow *self,
                GFile    *file)
{
  GApplication *app = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));

  /* One project per window: a window that has one hands the file to the
   * application, which opens another window. */
  if (self->project == NULL)
    bw_window_open_project (self, file);
  else
    g_application_open (app, &file, 1, "");
}

static void
open_project_response_cb (GtkNativeDialog *dialog,
                          int              response,
                          gpointer         user_data)
{
  g_autoptr(BwWindow) self = user_data;
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);

  if (file != NULL)
    open_in_window (self, file);
}

static void
open_project_action (GSimpleAction *action,
                     GVariant      *param,
                     gpointer       user_data)
{
  BwWindow *self = user_data;
  GtkFileChooserNative *dialog;
  g_autoptr(GtkFileFilter) filter = project_filter_new ();

  dialog = gtk_file_chooser_native_new (_("Open Project"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_OPEN,
                                        _("_Open"), _("_Cancel"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (open_project_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
open_recent_action (GSimpleAction *action,
                    GVariant      *param,
                    gpointer       user_data)
{
  BwWindow *self = user_data;
  const char *recent = g_variant_get_string (param, NULL);
  g_autoptr(GFile) file = NULL;

  /* A team project: its password from the keyring, or the dialog. */
  if (bw_server_address_is_url (recent))
    {
      g_autoptr(BwServerAddress) address = bw_server_address_parse (recent, NULL);

      if (address != NULL)
        bw_window_open_team (self, address, TRUE);
      return;
    }

  file = g_file_new_for_path (recent);
  open_in_window (self, file);
}

static void
import_images_response_cb (GtkNativeDialog *dialog,
                           int              response,
                           gpointer         user_data)
{
  g_autoptr(BwWindow) self = user_data;
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (dialog));

      for (guint i = 0; i < g_list_model_get_n_items (files); i++)
        {
          g_autoptr(GFile) file = g_list_model_get_item (files, i);
          char *path = g_file_get_path (file);

          if (path != NULL)
            g_ptr_array_add (paths, path);
        }
    }

  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);

  if (paths->len > 0)
    {
      g_ptr_array_add (paths, NULL);
      bw_window_import_paths (self, (const char * const *) paths->pdata);
    }
}

static void
import_images_action (GSimpleAction *action,
                      GVariant      *param,
                      gpointer       user_data)
{
  BwWindow *self = user_data;
  GtkFileChooserNative *dialog;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  dialog = gtk_file_chooser_native_new (_("Import Images"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_OPEN,
                                        _("_Import"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("Images"));
  gtk_file_filter_add_mime_type (filter, "image/jpeg");
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_filter_add_mime_type (filter, "image/webp");
  gtk_file_filter_add_mime_type (filter, "image/tiff");
  gtk_file_filter_add_mime_type (filter, "image/bmp");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (dialog), TRUE);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (import_images_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* Folders are imported with everything below them, as a drop of a folder
 * is (bw_window_import_paths()). */
static void
import_folder_action (GSimpleAction *action,
                      GVariant      *param,
                      gpointer       user_data)
{
  BwWindow *self = user_data;
  GtkFileChooserNative *dialog;

  /* GtkFileDialog's select_folder() is GTK 4.10; the native chooser does
   * the same on 4.8. */
  dialog = gtk_file_chooser_native_new (_("Import a Folder of Images"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                        _("_Import"), _("_Cancel"));
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (dialog), TRUE);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (import_images_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
cancel_import_action (GSimpleAction *action,
                      GVariant      *param,
                      gpointer       user_data)
{
  BwWindow *self = user_data;

  if (self->import_cancellable != NULL)
    g_cancellable_cancel (self->import_cancellable);
}

static void
import_details_action (GSimpleAction *action,
                       GVariant      *param,
                       gpointer       user_data)
{
  BwWindow *self = user_data;
  const char *details = g_object_get_data (G_OBJECT (self), "import-details");
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Files Not Imported"), details);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
save_copy_done_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(BwWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  GFile *destination = g_object_get_data (G_OBJECT (self), "bw-last-copy");

  if (!bw_project_backup_finish (BW_PROJECT (object), result, &error))
    {
      _bw_window_show_error (self, _("Cannot Save a Copy"), error);
      return;
    }

  if (self->toast_overlay != NULL && destination != NULL)
    {
      g_autofree char *name = g_file_get_basename (destination);
      g_autofree char *display = g_filename_display_name (name);
      g_autofree char *title = g_strdup_printf (_("Saved a copy as “%s”"), display);
      AdwToast *toast = adw_toast_new (title);

      adw_toast_set_timeout (toast, 8);
      bw_toast_overlay_add (self->toast_overlay, toast);
    }
}

static void
save_copy_response_cb (GtkNativeDialog *dialog,
                       int              response,
                       gpointer         user_data)
{
  g_autoptr(BwWindow) self = user_data;
  g_autoptr(GFile) file = NULL;
  gboolean confirmed = TRUE;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);

  if (file == NULL || self->project == NULL)
    return;

  {
    g_autofree char *path = g_file_get_path (file);

    /* The chooser asked before replacing the name it was given, not one
     * with the suffix added here: that one is never replaced. */
    if (path != NULL && !g_str_has_suffix (path, ".boxwood"))
      {
        g_autofree char *with_suffix = g_strconcat (path, ".boxwood", NULL);

        g_object_unref (file);
        file = g_file_new_for_path (with_suffix);
        confirmed = FALSE;
      }
  }

  /* For the toast that says where the copy went. */
  g_object_set_data_full (G_OBJECT (self), "bw-last-copy", g_object_ref (file), g_object_unref);
  /* The copy is read through a connection of its own, on a thread. */
  bw_project_backup_async (self->project, file, confirmed, NULL,
                           save_copy_done_cb, g_object_ref (self));
}

static void
save_copy_action (GSimpleAction *action,
                  GVariant      *param,
                  gpointer       user_data)
{
  BwWindow *self = user_data;
  GtkFileChooserNative *dialog;
  g_autoptr(GtkFileFilter) filter = project_filter_new ();
  g_autofree char *base = NULL;
  g_autofree char *stem = NULL;
  g_autofree char *name = NULL;
  g_autoptr(GFile) folder = NULL;

  if (self->project == NULL)
    return;

  base = g_file_get_basename (bw_project_get_file (self->project));
  stem = g_str_has_suffix (base, ".boxwood") ? g_strndup (base, strlen (base) - strlen (".boxwood"))
                                             : g_strdup (base);
  /* TRANSLATORS: the name offered for a copy of the project NAME.boxwood */
  name = g_strdup_printf (_("%s (copy).boxwood"), stem);
  folder = g_file_get_parent (bw_project_get_file (self->project));

  dialog = gtk_file_chooser_native_new (_("Save a Copy"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_SAVE,
                                        _("_Save"), _("_Cancel"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  if (folder != NULL)
    gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (dialog), folder, NULL);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (save_copy_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
close_action (GSimpleAction *action,
              GVariant      *param,
              gpointer       user_data)
{
  gtk_window_close (GTK_WINDOW (user_data));
}

static void
next_image_action (GSimpleAction *action,
                   GVariant      *param,
                   gpointer       user_data)
{
  _bw_window_move (user_data, 1);
}

static void
previous_image_action (GSimpleAction *action,
                       GVariant      *param,
                       gpointer       user_data)
{
  _bw_window_move (user_data, -1);
}

static void
first_image_action (GSimpleAction *action,
                    GVariant      *param,
                    gpointer       user_data)
{
  _bw_window_move (user_data, -G_MAXINT / 2);
}

static void
last_image_action (GSimpleAction *action,
                   GVariant      *param,
                   gpointer       user_data)
{
  _bw_window_move (user_data, G_MAXINT / 2);
}

static void
toggle_sidebar_change_state (GSimpleAction *action,
                             GVariant      *value,
                             gpointer       user_data)
{
  BwWindow *self = user_data;

  gtk_widget_set_visible (self->side_panel, g_variant_get_boolean (value));
  g_simple_action_set_state (action, value);
}

/* The project's dialogs sit above the window. */
static void
present_dialog (BwWindow  *self,
                GtkWidget *dialog)
{
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (self));
  gtk_window_present (GTK_WINDOW (dialog));
}

static BwCalibrationWindow *open_calibration_window (BwWindow *self);

/* Starting rounds and requiring exams is a lead's work: whoever does it
 * is a lead from then on (as in the Gold Standard window). */
static gboolean
become_lead (BwWindow  *self,
             GError   **error)
{
  if (self->person_id <= 0 ||
      bw_project_get_person_role (self->project, self->person_id) != BW_ROLE_ANNOTATOR)
    return TRUE;
  return bw_project_set_person_role (self->project, self->person_id, BW_ROLE_LEAD, error);
}

/* The lead changed the guidelines in the taxonomy dialog and takes up its
 * offer: a calibration round on the new version, its name filled in. */
static void
taxonomy_start_round_cb (BwWindow         *self,
                         gint64            version,
                         BwTaxonomyDialog *dialog)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  BwCalibrationWindow *calibration;

  if (self->project == NULL)
    return;
  if (!become_lead (self, &error))
    {
      _bw_window_show_error (self, _("Cannot Start a Calibration Round"), error);
      return;
    }
  gtk_window_close (GTK_WINDOW (dialog));
  calibration = open_calibration_window (self);
  name = g_strdup_printf (_("Guideline version %" PRId64), version);
  bw_calibration_window_offer_round (calibration, name);
}

/* …or an exam passed again: the Exams dialog, to choose which. */
static void
taxonomy_require_exam_cb (BwWindow         *self,
                          gint64            version,
                          BwTaxonomyDialog *dialog)
{
  g_autoptr(GError) error = NULL;
  BwExamDialog *exams;

  if (self->project == NULL)
    return;
  if (!become_lead (self, &error))
    {
      _bw_window_show_error (self, _("Cannot Require the Exam Again"), error);
      return;
    }
  gtk_window_close (GTK_WINDOW (dialog));
  exams = bw_exam_dialog_new (self->project, self->person_id);
  present_dialog (self, GTK_WIDGET (exams));
  bw_exam_dialog_offer_require_again (exams, version);
}

/**
 * _bw_window_present_taxonomy_dialog:
 * @page: (nullable): the page to show, or %NULL for the first
 *
 * Returns: (transfer none): the taxonomy dialog, shown above the window
 */
BwTaxonomyDialog *
_bw_window_present_taxonomy_dialog (BwWindow   *self,
                                    const char *page)
{
  BwTaxonomyDialog *dialog = bw_taxonomy_dialog_new (self->project);

  if (page != NULL)
    bw_taxonomy_dialog_show_page (dialog, page);
  g_signal_connect_object (dialog, "start-calibration-round", G_CALLBACK (taxonomy_start_round_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (dialog, "require-exam-again", G_CALLBACK (taxonomy_require_exam_cb),
                           self, G_CONNECT_SWAPPED);
  present_dialog (self, GTK_WIDGET (dialog));
  return dialog;
}

static void
edit_taxonomy_action (GSimpleAction *action,
                      GVariant      *param,
                      gpointer       user_data)
{
  BwWindow *self = user_data;

  if (self->project != NULL)
    _bw_window_present_taxonomy_dialog (self, NULL);
}

static void
quality_action (GSimpleAction *action,
                GVariant      *param,
                gpointer       user_data)
{
  BwWindow *self = user_data;

  BwQualityWindow *quality;

  if (self->project == NULL)
    return;
  quality = bw_quality_window_new (self->project);
  g_signal_connect_object (quality, "open-image", G_CALLBACK (bw_window_select_image),
                           self, G_CONNECT_SWAPPED);
  present_dialog (self, GTK_WIDGET (quality));
}

static void
gold_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       user_data)
{
  BwWindow *self = user_data;
  BwGoldWindow *gold;

  if (self->project == NULL)
    return;
  /* One Gold Standard window per project window: Ctrl+G brings it back
   * after drawing an answer. */
  if (self->gold_window != NULL)
    {
      gtk_window_present (GTK_WINDOW (self->gold_window));
      return;
    }
  gold = bw_gold_window_new (self->project, self->person_id);
  self->gold_window = GTK_WIDGET (gold);
  g_object_add_weak_pointer (G_OBJECT (gold), (gpointer *) &self->gold_window);
  g_signal_connect_object (gold, "open-image", G_CALLBACK (bw_window_select_image),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gold, "edit-answer", G_CALLBACK (bw_window_edit_gold_answer),
                           self, G_CONNECT_SWAPPED);
  present_dialog (self, GTK_WIDGET (gold));
}

static BwCalibrationWindow *
open_calibration_window (BwWindow *self)
{
  BwCalibrationWindow *calibration = bw_calibration_window_new (self->project, self->person_id);

  g_signal_connect_object (calibration, "open-image", G_CALLBACK (bw_window_select_image),
                           self, G_CONNECT_SWAPPED);
  present_dialog (self, GTK_WIDGET (calibration));
  return calibration;
}

static void
calibration_action (GSimpleAction *action,
                    GVariant      *param,
                    gpointer       user_data)
{
  BwWindow *self = user_data;

  if (self->project != NULL)
    open_calibration_window (self);
}

static void
finish_gold_answer_action (GSimpleAction *action,
                           GVariant      *param,
                           gpointer       user_data)
{
  bw_window_edit_gold_answer (user_data, 0);
}

static void
export_action (GSimpleAction *action,
               GVariant      *param,
               gpointer       user_data)
{
  BwWindow *self = user_data;

  if (self->project != NULL)
    present_dialog (self, GTK_WIDGET (bw_export_dialog_new (self->project)));
}

static void
import_annotations_action (GSimpleAction *action,
                           GVariant      *param,
                           gpointer       user_data)
{
  BwWindow *self = user_data;

  if (self->project != NULL)
    present_dialog (self, GTK_WIDGET (bw_import_dialog_new (self->project)));
}

static void
search_action (GSimpleAction *action,
               GVariant      *param,
               gpointer       user_data)
{
  BwWindow *self = user_data;

  if (self->project == NULL)
    return;

  gtk_widget_set_visible (self->side_panel, TRUE);
  g_action_group_change_action_state (G_ACTION_GROUP (self), "toggle-sidebar",
                                      g_variant_new_boolean (TRUE));
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
canvas_forward_action (GSimpleAction *action,
                       GVariant      *param,
                       gpointer       user_data)
{
  BwWindow *self = user_data;
  g_autofree char *name = g_strdup_printf ("canvas.%s", g_action_get_name (G_ACTION (action)));

  gtk_widget_activate_action (GTK_WIDGET (self->canvas), name, NULL);
}

/* The image list's order is remembered: the action follows the
 * "image-sort" setting and sets it. */
static void
image_sort_change_state (GSimpleAction *action,
                         GVariant      *state,
                         gpointer       user_data)
{
  BwWindow *self = user_data;
  const char *nick = g_variant_get_string (state, NULL);
  g_autofree char *now = g_settings_get_string (self->settings, "image-sort");
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettingsSchemaKey) key = NULL;

  g_object_get (self->settings, "settings-schema", &schema, NULL);
  key = g_settings_schema_get_key (schema, "image-sort");
  if (!g_settings_schema_key_range_check (key, state))
    return;
  if (g_strcmp0 (now, nick) != 0)
    g_settings_set_string (self->settings, "image-sort", nick);
  g_simple_action_set_state (action, state);
}

static void
image_sort_setting_cb (BwWindow *self)
{
  g_autofree char *nick = g_settings_get_string (self->settings, "image-sort");
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "image-sort");

  g_simple_action_set_state (G_SIMPLE_ACTION (action), g_variant_new_string (nick));
}

static const GActionEntry win_actions[] = {
  { "image-sort", NULL, "s", "'name'", image_sort_change_state },
  { "new-project", new_project_action },
  { "open-project", open_project_action },
  { "open-recent", open_recent_action, "s" },
  { "import-images", import_images_action },
  { "import-folder", import_folder_action },
  { "cancel-import", cancel_import_action },
  { "import-details", import_details_action },
  { "save-copy", save_copy_action },
  { "close", close_action },
  { "next-image", next_image_action },
  { "previous-image", previous_image_action },
  { "first-image", first_image_action },
  { "last-image", last_image_action },
  { "toggle-sidebar", NULL, NULL, "true", toggle_sidebar_change_state },
  { "search", search_action },
  { "edit-taxonomy", edit_taxonomy_action },
  { "quality", quality_action },
  { "gold", gold_action },
  { "calibration", calibration_action },
  { "finish-gold-answer", finish_gold_answer_action },
  { "export", export_action },
  { "import-annotations", import_annotations_action },
  { "zoom-in", canvas_forward_action },
  { "zoom-out", canvas_forward_action },
  { "zoom-fit", canvas_forward_action },
  { "zoom-100", canvas_forward_action },
};

static void
set_enabled (BwWindow   *self,
             const char *name,
             gboolean    enabled)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), name);

  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
}

void
_bw_window_update_actions (BwWindow *self)
{
  gboolean has_project = self->project != NULL;
  guint n = 0, position = GTK_INVALID_LIST_POSITION;
  gboolean has_image = self->current_image != NULL;
  gboolean writable, lead_part;

  if (self->selection != NULL && gtk_single_selection_get_model (self->selection) != NULL)
    {
      n = g_list_model_get_n_items (G_LIST_MODEL (self->selection));
      position = gtk_single_selection_get_selected (self->selection);
    }

  writable = has_project && !bw_project_is_read_only (self->project);
  /* On a team project, images, gold and calibration rounds are the
   * lead's to change on the server (boxwood-cli): the working copy does
   * not send them, and refuses them. */
  lead_part = writable && self->replica == NULL;
  set_enabled (self, "import-images", lead_part && self->import_cancellable == NULL);
  set_enabled (self, "import-folder", lead_part && self->import_cancellable == NULL);
  set_enabled (self, "cancel-import", self->import_cancellable != NULL);
  set_enabled (self, "search", has_project);
  set_enabled (self, "edit-taxonomy", has_project);
  set_enabled (self, "quality", has_project);
  set_enabled (self, "gold", has_project && self->replica == NULL);
  set_enabled (self, "calibration", has_project && self->replica == NULL);
  set_enabled (self, "finish-gold-answer", self->gold_image_id > 0);
  set_enabled (self, "export", has_project);
  set_enabled (self, "save-copy", has_project);
  set_enabled (self, "import-annotations", lead_part);
  set_enabled (self, "toggle-sidebar", has_project);
  /* In review mode the queue says what comes next, not the image list. */
  if (self->review_mode)
    n = 0;
  set_enabled (self, "next-image", n > 0 && (position == GTK_INVALID_LIST_POSITION || position + 1 < n));
  set_enabled (self, "previous-image", n > 0 && (position == GTK_INVALID_LIST_POSITION || position > 0));
  set_enabled (self, "first-image", n > 0);
  set_enabled (self, "last-image", n > 0);
  _bw_window_review_update_actions (self);
  set_enabled (self, "zoom-in", has_image);
  set_enabled (self, "zoom-out", has_image);
  set_enabled (self, "zoom-fit", has_image);
  set_enabled (self, "zoom-100", has_image);

  gtk_widget_set_visible (self->nav_box, has_project && !self->review_mode);
  gtk_widget_set_visible (GTK_WIDGET (self->zoom_button), has_image);
  gtk_widget_set_visible (GTK_WIDGET (self->sidebar_button), has_project);
}

void
_bw_window_update_recent (BwWindow *self)
{
  g_auto(GStrv) recent = g_settings_get_strv (self->settings, "recent-projects");

  g_menu_remove_all (self->recent_section);
  for (guint i = 0; recent[i] != NULL; i++)
    {
      g_autoptr(GMenuItem) item = NULL;
      g_autofree char *name = NULL;
      g_autofree char *label = NULL;
      g_auto(GStrv) parts = NULL;

      if (bw_server_address_is_url (recent[i]))
        {
          g_autoptr(BwServerAddress) address = bw_server_address_parse (recent[i], NULL);

          if (address == NULL)
            continue;
          name = bw_server_address_describe (address);
        }
      else if (!g_file_test (recent[i], G_FILE_TEST_IS_REGULAR))
        continue;
      else
        name = g_filename_display_basename (recent[i]);
      /* Double the underscores: they would read as mnemonics. */
      parts = g_strsplit (name, "_", -1);
      label = g_strjoinv ("__", parts);
      item = g_menu_item_new (label, NULL);
      g_menu_item_set_action_and_target (item, "win.open-recent", "s", recent[i]);
      g_menu_append_item (self->recent_section, item);
    }

  if (g_menu_model_get_n_items (G_MENU_MODEL (self->recent_section)) == 0)
    {
      g_autoptr(GMenuItem) item = g_menu_item_new (_("No Recent Projects"), "win.no-recent");
      g_menu_append_item (self->recent_section, item);
    }
}

void
_bw_window_class_actions_init (BwWindowClass *klass)
{
}

void
_bw_window_actions_init (BwWindow *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self), win_actions,
                                   G_N_ELEMENTS (win_actions), self);
  g_signal_connect_object (self->settings, "changed::image-sort",
                           G_CALLBACK (image_sort_setting_cb), self, G_CONNECT_SWAPPED);
  image_sort_setting_cb (self);
  _bw_window_update_actions (self);
}
