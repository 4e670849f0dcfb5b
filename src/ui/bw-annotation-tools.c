/* bw-annotation-tools.c — the annotation tools in the main window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Wires a BwAnnotationController to the window: its canvas, the project
 * and image it shows, who is working, the category panel in the side
 * panel, the "annotate" actions, and moving on after a submit.
 */

#define G_LOG_DOMAIN "bw-annotation-tools"

#include "config.h"

#include <glib/gi18n.h>

#include "bw-annotation-menus.h"
#include "bw-annotation-tools.h"
#include "bw-category-panel.h"
#include "bw-object-list.h"
#include "bw-project-exams.h"

#define DATA_KEY "bw-annotation-controller"
#define SETTINGS_KEY "bw-annotation-settings"

/* Label visibility outlives the window: the "show-labels" setting and the
 * annotate.show-labels action (L) follow each other. */
static void
show_labels_state_cb (GActionGroup *group,
                      const char   *name,
                      GVariant     *state,
                      GSettings    *settings)
{
  if (g_settings_get_boolean (settings, "show-labels") != g_variant_get_boolean (state))
    g_settings_set_boolean (settings, "show-labels", g_variant_get_boolean (state));
}

static void
show_labels_setting_cb (GSettings    *settings,
                        const char   *key,
                        GActionGroup *group)
{
  gboolean on = g_settings_get_boolean (settings, "show-labels");
  g_autoptr(GVariant) state = g_action_group_get_action_state (group, "show-labels");

  if (state == NULL || g_variant_get_boolean (state) != on)
    g_action_group_change_action_state (group, "show-labels", g_variant_new_boolean (on));
}

static void
load_current_image (BwWindow               *window,
                    BwAnnotationController *controller)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwImage) image = NULL;
  BwProject *project = bw_window_get_project (window);
  gint64 image_id = bw_window_get_current_image_id (window);
  gint64 review_layer_id = bw_window_get_review_layer_id (window);

  if (project != NULL && image_id > 0 &&
      !(image = bw_project_get_image (project, image_id, &error)))
    {
      g_signal_emit_by_name (controller, "error", error);
      g_clear_error (&error);
      image_id = 0;
    }

  /* Review mode: the annotator's layer, judged by this person. */
  if (review_layer_id > 0 && image_id > 0)
    {
      if (!bw_annotation_controller_load_review (controller, review_layer_id,
                                                 image != NULL ? image->width : 0,
                                                 image != NULL ? image->height : 0,
                                                 &error))
        g_signal_emit_by_name (controller, "error", error);
      return;
    }

  bw_annotation_controller_set_gold_answer (controller,
                                            image_id > 0 && bw_window_get_gold_image_id (window) == image_id);
  if (!bw_annotation_controller_load_image (controller, image_id,
                                            image != NULL ? image->width : 0,
                                            image != NULL ? image->height : 0,
                                            &error))
    g_signal_emit_by_name (controller, "error", error);
}

/**
 * bw_annotation_tools_reload:
 *
 * Shows the window's current image again in the controller: the user's
 * own layer, or in review mode the layer under review.
 */
void
bw_annotation_tools_reload (BwWindow *window)
{
  BwAnnotationController *controller = bw_annotation_tools_get (window);

  if (controller != NULL)
    load_current_image (window, controller);
}

static void
project_changed_cb (BwWindow               *window,
                    BwAnnotationController *controller)
{
  bw_annotation_controller_set_project (controller, bw_window_get_project (window),
                                        bw_window_get_person_id (window));
  load_current_image (window, controller);
}

static void
person_changed_cb (BwWindow               *window,
                   GParamSpec             *pspec,
                   BwAnnotationController *controller)
{
  /* Another person: their own layer of the image. */
  bw_annotation_controller_set_project (controller, bw_window_get_project (window),
                                        bw_window_get_person_id (window));
  load_current_image (window, controller);
}

/* The lead starts or stops editing the gold answer of the image shown. */
static void
gold_image_changed_cb (BwWindow               *window,
                       GParamSpec             *pspec,
                       BwAnnotationController *controller)
{
  load_current_image (window, controller);
}

static void
current_image_changed_cb (BwWindow               *window,
                          gint64                  image_id,
                          BwAnnotationController *controller)
{
  if (image_id != bw_annotation_controller_get_image_id (controller) ||
      bw_window_get_review_layer_id (window) != (bw_annotation_controller_is_review (controller)
                                                 ? bw_annotation_controller_get_layer_id (controller) : 0))
    load_current_image (window, controller);
}

static void
error_cb (BwWindow               *window,
          const GError           *error,
          BwAnnotationController *controller)
{
  AdwToast *toast;

  if (error == NULL)
    return;

  toast = adw_toast_new (error->message);
  adw_toast_set_timeout (toast, 4);
  bw_window_add_toast (window, toast);
}

static void
submitted_cb (BwWindow               *window,
              gint64                  image_id,
              BwAnnotationController *controller)
{
  BwLayerSession *session = bw_annotation_controller_get_session (controller);
  gint64 attempt_id = session != NULL ? bw_layer_session_get_exam_attempt_id (session) : 0;
  AdwToast *toast;
  gint64 next;

  /* An exam image handed in: the next one, or the attempt's result and,
   * after a pass, the person's own queue. */
  if (attempt_id > 0)
    {
      g_autoptr(BwExamAttempt) attempt = bw_project_get_exam_attempt (bw_layer_session_get_project (session),
                                                                      attempt_id, NULL);

      bw_window_refresh_exam (window);
      if (attempt != NULL && attempt->finished_at > 0)
        {
          gint64 first = 0;

          if (attempt->passed)
            {
              g_autoptr(GArray) queue = bw_project_list_work_queue (bw_layer_session_get_project (session),
                                                                    attempt->person_id, NULL);

              if (queue != NULL && queue->len > 0)
                first = g_array_index (queue, gint64, 0);
            }
          /* The attempt's answers are closed: the image shows the
           * person's own work again, or their queue opens. */
          if (first > 0)
            bw_window_select_image (window, first);
          else
            load_current_image (window, controller);
          bw_window_show_exam_result (window, attempt_id);
          return;
        }
      next = bw_layer_session_find_next_image (session);
      if (next > 0)
        bw_window_select_image (window, next);
      toast = adw_toast_new (_("Exam image handed in"));
      adw_toast_set_timeout (toast, 2);
      bw_window_add_toast (window, toast);
      return;
    }

  /* On a team project the next image is claimed on the server, so that
   * nobody else is handed it. */
  if (bw_window_team_claim_next (window))
    return;

  /* The next image of the queue is the one below in the list. */
  next = session != NULL ? bw_layer_session_find_next_image_sorted (session, bw_window_get_image_sort (window)) : 0;

  if (next > 0)
    {
      toast = adw_toast_new (_("Image submitted"));
      bw_window_select_image (window, next);
    }
  else
    {
      toast = adw_toast_new (_("Image submitted; no image is left in your queue"));
    }
  adw_toast_set_timeout (toast, 2);
  bw_window_add_toast (window, toast);
}

/* What is shown but not written yet (the end of a run of nudges) is
 * written before the window goes. */
static gboolean
close_request_cb (BwWindow               *window,
                  BwAnnotationController *controller)
{
  bw_annotation_controller_flush (controller);

  return FALSE;
}

static void
confirm_response_cb (AdwMessageDialog       *dialog,
                     const char             *response,
                     BwAnnotationController *controller)
{
  gint64 image_id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (dialog), "image-id"));

  /* Only for the image it asked about: the window may have moved on. */
  if (g_strcmp0 (response, "no-objects") == 0 &&
      bw_annotation_controller_get_image_id (controller) == image_id)
    bw_annotation_controller_mark_no_objects (controller);
}

/* Submit of an image without shapes: a slip of Ctrl+Enter, or an image
 * with nothing to annotate? The user says which. */
static void
confirm_no_objects_cb (BwWindow               *window,
                       gint64                  image_id,
                       BwAnnotationController *controller)
{
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (window),
                                                       _("Submit an Image Without Shapes?"),
                                                       _("Nothing is drawn on this image. If it really shows nothing to "
                                                         "annotate, mark it as having no objects; otherwise cancel and "
                                                         "draw the shapes.")));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "no-objects", _("_Mark as Having No Objects"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "no-objects", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data (G_OBJECT (dialog), "image-id", GSIZE_TO_POINTER (image_id));
  gtk_window_set_destroy_with_parent (GTK_WINDOW (dialog), TRUE);
  g_signal_connect_object (dialog, "response", G_CALLBACK (confirm_response_cb), controller, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
show_toast (BwWindow   *window,
            const char *title,
            gboolean    with_undo)
{
  AdwToast *toast = adw_toast_new (title);

  adw_toast_set_timeout (toast, with_undo ? 5 : 3);
  if (with_undo)
    {
      adw_toast_set_button_label (toast, _("_Undo"));
      adw_toast_set_action_name (toast, "annotate.undo");
    }
  bw_window_add_toast (window, toast);
}

static void
reopened_cb (BwWindow               *window,
             gint64                  image_id,
             BwAnnotationController *controller)
{
  show_toast (window, _("Image back in progress; submit it again when it is done"), TRUE);
}

static void
recalled_cb (BwWindow               *window,
             gint64                  image_id,
             BwAnnotationController *controller)
{
  show_toast (window, _("Submission recalled; the image is in progress again"), FALSE);
}

static void
relabelled_cb (BwWindow               *window,
               guint                   n,
               gint64                  category_id,
               BwAnnotationController *controller)
{
  GPtrArray *categories = bw_annotation_controller_get_categories (controller);
  g_autofree char *title = NULL;
  const char *name = "";

  for (guint i = 0; i < categories->len; i++)
    if (((BwCategory *) categories->pdata[i])->id == category_id)
      name = ((BwCategory *) categories->pdata[i])->name;

  title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Relabelled %u shape as “%s”",
                                        "Relabelled %u shapes as “%s”", n),
                           n, name);
  show_toast (window, title, TRUE);
}

static void
application_changed_cb (BwWindow   *window,
                        GParamSpec *pspec,
                        gpointer    user_data)
{
  GtkApplication *application = gtk_window_get_application (GTK_WINDOW (window));

  if (application != NULL)
    bw_annotation_controller_set_accels (application);
}

/**
 * bw_annotation_tools_install:
 *
 * Returns: (transfer none): the controller, which lives as long as @window
 */
BwAnnotationController *
bw_annotation_tools_install (BwWindow *window)
{
  BwAnnotationController *controller = bw_annotation_controller_new ();
  GtkBox *slot = bw_window_get_category_panel_slot (window);

  g_object_set_data_full (G_OBJECT (window), DATA_KEY, controller, g_object_unref);

  bw_annotation_controller_attach (controller, bw_window_get_canvas (window));
  bw_annotation_menus_install (controller, bw_window_get_canvas (window));
  gtk_widget_insert_action_group (GTK_WIDGET (window), "annotate",
                                  bw_annotation_controller_get_action_group (controller));
  {
    GSettings *settings = g_settings_new (APP_ID);
    GActionGroup *group = bw_annotation_controller_get_action_group (controller);

    g_object_set_data_full (G_OBJECT (window), SETTINGS_KEY, settings, g_object_unref);
    g_signal_connect_object (settings, "changed::show-labels",
                             G_CALLBACK (show_labels_setting_cb), group, 0);
    g_signal_connect_object (group, "action-state-changed::show-labels",
                             G_CALLBACK (show_labels_state_cb), settings, 0);
    show_labels_setting_cb (settings, "show-labels", group);
  }
  /* The tool keys also work while the image list has the focus (an entry
   * with the focus keeps its letters: it handles them first). */
  bw_annotation_controller_add_shortcuts (controller, GTK_WIDGET (window));
  /* From the window's init, before it has its application. */
  g_signal_connect (window, "notify::application", G_CALLBACK (application_changed_cb), NULL);
  application_changed_cb (window, NULL, NULL);

  if (slot != NULL)
    {
      GtkWidget *panel = bw_category_panel_new (controller);

      /* An example of the category opens its image at the shape. */
      g_signal_connect_object (panel, "open-example", G_CALLBACK (bw_window_show_image_region), window,
                               G_CONNECT_SWAPPED);
      gtk_box_append (slot, panel);
    }
  slot = bw_window_get_object_list_slot (window);
  if (slot != NULL)
    {
      GtkWidget *list = bw_object_list_new (controller);

      gtk_widget_set_vexpand (list, TRUE);
      gtk_box_append (slot, list);
    }

  /* The image's own submission commands, next to Submit's Ctrl+Enter. */
  if (bw_window_get_project_menu (window) != NULL)
    {
      g_autoptr(GMenu) section = g_menu_new ();

      g_menu_append (section, _("Mark as Having _No Objects"), "annotate.mark-no-objects");
      g_menu_append (section, _("_Recall Submission"), "annotate.recall");
      g_menu_append_section (bw_window_get_project_menu (window), NULL, G_MENU_MODEL (section));
    }

  g_signal_connect_object (window, "project-changed", G_CALLBACK (project_changed_cb),
                           controller, 0);
  g_signal_connect_object (window, "notify::person-id", G_CALLBACK (person_changed_cb),
                           controller, 0);
  g_signal_connect_object (window, "notify::gold-image-id", G_CALLBACK (gold_image_changed_cb),
                           controller, 0);
  g_signal_connect_object (window, "current-image-changed", G_CALLBACK (current_image_changed_cb),
                           controller, 0);
  g_signal_connect_object (window, "close-request", G_CALLBACK (close_request_cb),
                           controller, 0);
  g_signal_connect_object (controller, "error", G_CALLBACK (error_cb), window, G_CONNECT_SWAPPED);
  g_signal_connect_object (controller, "confirm-no-objects", G_CALLBACK (confirm_no_objects_cb),
                           window, G_CONNECT_SWAPPED);
  g_signal_connect_object (controller, "reopened", G_CALLBACK (reopened_cb), window, G_CONNECT_SWAPPED);
  g_signal_connect_object (controller, "recalled", G_CALLBACK (recalled_cb), window, G_CONNECT_SWAPPED);
  g_signal_connect_object (controller, "relabelled", G_CALLBACK (relabelled_cb), window, G_CONNECT_SWAPPED);
  g_signal_connect_object (controller, "submitted", G_CALLBACK (submitted_cb), window, G_CONNECT_SWAPPED);

  project_changed_cb (window, controller);

  return controller;
}

/* Returns: (transfer none) (nullable): the controller of @window */
BwAnnotationController *
bw_annotation_tools_get (BwWindow *window)
{
  return g_object_get_data (G_OBJECT (window), DATA_KEY);
}
