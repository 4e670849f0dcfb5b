/* bw-window-team.c — the main window on a team project
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A team project is edited through its working copy (BwTeamReplica): the
 * window shows the copy's BwProject like any other, and this file adds
 * what differs — the title names the login, the server and the role; a
 * banner says when the connection is lost and how many changes wait to
 * be sent; the next image after a submission is claimed on the server;
 * the review queue follows what others submit; closing sends what is
 * pending, and says what could not be.
 */

#define G_LOG_DOMAIN "bw-window"

#include "config.h"

#include <glib/gi18n.h>

#include "bw-team-open-dialog.h"
#include "bw-window-private.h"

/* How long closing waits for pending changes to reach the server. */
#define CLOSE_TIMEOUT_MS 3000
/* How long a submission may stay uncounted by the worker. */
#define CLAIM_SETTLE_MS 1500

static void claim_next (BwWindow *self,
                        gboolean  after_submit,
                        gboolean  wait);

static const char *
role_label (BwRole role)
{
  switch (role)
    {
    case BW_ROLE_REVIEWER:
      return _("Reviewer");
    case BW_ROLE_LEAD:
      return _("Lead");
    case BW_ROLE_ANNOTATOR:
    case BW_ROLE_MODEL:
    default:
      return _("Annotator");
    }
}

/* ------------------------------------------------------------------ */
/* The connection banner                                               */

static void
set_banner (BwWindow   *self,
            const char *text)
{
#if ADW_CHECK_VERSION (1, 3, 0)
  adw_banner_set_title (ADW_BANNER (self->team_banner), text != NULL ? text : "");
  adw_banner_set_revealed (ADW_BANNER (self->team_banner), text != NULL);
#else
  if (text != NULL)
    gtk_label_set_text (self->team_banner_label, text);
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->team_banner), text != NULL);
#endif
}

static GtkWidget *
make_banner (BwWindow *self)
{
#if ADW_CHECK_VERSION (1, 3, 0)
  return adw_banner_new ("");
#else
  /* libadwaita 1.2 has no AdwBanner: the bar the guideline banner uses. */
  GtkWidget *revealer = gtk_revealer_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *icon = gtk_image_new_from_icon_name ("network-offline-symbolic");

  gtk_revealer_set_transition_type (GTK_REVEALER (revealer), GTK_REVEALER_TRANSITION_TYPE_SLIDE_DOWN);
  gtk_widget_add_css_class (box, "guidelines-banner");
  gtk_widget_add_css_class (box, "team-banner");
  self->team_banner_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->team_banner_label, 0);
  gtk_label_set_wrap (self->team_banner_label, TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (self->team_banner_label), TRUE);
  gtk_box_append (GTK_BOX (box), icon);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->team_banner_label));
  gtk_revealer_set_child (GTK_REVEALER (revealer), box);
  return revealer;
#endif
}

static void
update_banner (BwWindow *self)
{
  g_autofree char *text = NULL;
  g_autofree char *server = NULL;
  gboolean connected;
  guint pending;

  if (self->replica == NULL)
    {
      set_banner (self, NULL);
      self->team_lost = FALSE;
      return;
    }

  connected = bw_team_replica_get_connected (self->replica);
  pending = bw_team_replica_get_pending (self->replica);
  server = bw_server_address_describe (self->team_address);

  if (!connected)
    {
      self->team_lost = TRUE;
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "Connection to %s lost: %u change not sent yet; retrying…",
                                           "Connection to %s lost: %u changes not sent yet; retrying…",
                                           pending),
                              server, pending);
    }
  else if (self->team_lost && pending > 0)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "Connected to %s again: sending %u change…",
                                         "Connected to %s again: sending %u changes…",
                                         pending),
                            server, pending);
  else if (self->team_lost)
    {
      AdwToast *toast = adw_toast_new (_("All changes sent"));

      self->team_lost = FALSE;
      adw_toast_set_timeout (toast, 3);
      adw_toast_overlay_add_toast (self->toast_overlay, toast);
    }

  set_banner (self, text);
  gtk_widget_set_tooltip_text (self->team_banner,
                               !connected ? bw_team_replica_get_last_error (self->replica) : NULL);

  if (self->claim_waiting && pending > 0)
    self->claim_saw_pending = TRUE;
  else if (self->claim_waiting && (self->claim_saw_pending || !connected))
    claim_next (self, TRUE, FALSE);

  /* Closing waits for this: the last change reached the server. */
  if (self->team_close_dialog != NULL && pending == 0)
    {
      gtk_window_destroy (GTK_WINDOW (g_steal_pointer (&self->team_close_dialog)));
      gtk_window_close (GTK_WINDOW (self));
    }
}

/* ------------------------------------------------------------------ */
/* Claiming the next image                                              */

static void
claim_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  BwTeamReplica *replica = task_data;
  g_autoptr(GError) error = NULL;
  gint64 image_id = 0;
  gboolean found = FALSE;

  if (!bw_team_replica_claim_next (replica, &image_id, &found, cancellable, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_int (task, found ? image_id : 0);
}

static void
claimed_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  BwWindow *self = BW_WINDOW (source);
  gboolean after_submit = GPOINTER_TO_INT (user_data);
  g_autoptr(GError) error = NULL;
  gssize image_id = g_task_propagate_int (G_TASK (result), &error);
  AdwToast *toast;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->claim_cancellable);

  if (error != NULL)
    {
      toast = adw_toast_new (error->message);
      adw_toast_set_timeout (toast, 6);
    }
  else if (image_id > 0 && self->project != NULL)
    {
      /* The claim wrote the image into the copy: see it before showing. */
      bw_project_poll_external_change (self->project);
      bw_window_select_image (self, image_id);
      toast = adw_toast_new (after_submit ? _("Image submitted; the next one is yours")
                                          : _("The next image of the team’s queue is yours"));
      adw_toast_set_timeout (toast, 2);
    }
  else
    {
      toast = adw_toast_new (after_submit ? _("Image submitted; no image is left in the team’s queue for you")
                                          : _("No image is left in the team’s queue for you"));
      adw_toast_set_timeout (toast, 4);
    }
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static gboolean
claim_wait_over_cb (gpointer data)
{
  BwWindow *self = data;

  self->claim_timer = 0;
  if (self->claim_waiting && bw_team_replica_get_pending (self->replica) == 0)
    claim_next (self, TRUE, FALSE);
  return G_SOURCE_REMOVE;
}

/* @after_submit: say that the image was submitted; @wait: for the
 * submission to reach the server first */
static void
claim_next (BwWindow *self,
            gboolean  after_submit,
            gboolean  wait)
{
  g_autoptr(GTask) task = NULL;

  if (self->claim_cancellable != NULL)
    return;

  /* Until the server has the submission, it hands the annotator back the
   * image they hold. The submission is queued in the copy and counted as
   * pending once the worker saw it: claim when pending went up and came
   * back to 0, or when it stayed at 0 a while (sent at once). */
  if (wait && bw_team_replica_get_connected (self->replica))
    {
      self->claim_waiting = TRUE;
      self->claim_saw_pending = bw_team_replica_get_pending (self->replica) > 0;
      g_clear_handle_id (&self->claim_timer, g_source_remove);
      self->claim_timer = g_timeout_add (CLAIM_SETTLE_MS, claim_wait_over_cb, self);
      return;
    }
  self->claim_waiting = FALSE;
  g_clear_handle_id (&self->claim_timer, g_source_remove);

  self->claim_cancellable = g_cancellable_new ();
  task = g_task_new (self, self->claim_cancellable, claimed_cb, GINT_TO_POINTER (after_submit));
  g_task_set_source_tag (task, bw_window_team_claim_next);
  g_task_set_task_data (task, g_object_ref (self->replica), g_object_unref);
  g_task_run_in_thread (task, claim_thread);
}

/**
 * bw_window_team_claim_next:
 *
 * Claims the next image of the user's queue on the team server, off the
 * UI thread, and shows it.
 *
 * Returns: %FALSE when the window's project is not a team one
 */
gboolean
bw_window_team_claim_next (BwWindow *self)
{
  g_return_val_if_fail (BW_IS_WINDOW (self), FALSE);

  if (self->replica == NULL)
    return FALSE;
  claim_next (self, TRUE, TRUE);
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Images not in the cache yet                                          */

static void
fetch_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  g_autoptr(GError) error = NULL;
  gint64 image_id = GPOINTER_TO_SIZE (task_data);
  BwTeamReplica *replica = g_object_get_data (G_OBJECT (task), "replica");

  if (!bw_team_replica_ensure_image (replica, image_id, cancellable, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
fetched_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  BwWindow *self = BW_WINDOW (source);
  gint64 image_id = GPOINTER_TO_SIZE (g_task_get_task_data (G_TASK (result)));
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->fetch_cancellable);
  if (self->current_image_id != image_id)
    return;
  if (error != NULL)
    {
      AdwToast *toast = adw_toast_new (error->message);

      adw_toast_set_timeout (toast, 6);
      adw_toast_overlay_add_toast (self->toast_overlay, toast);
    }
  /* Shown now, or the canvas says what is missing. */
  self->fetch_image_id = image_id;
  _bw_window_reload_current (self);
  self->fetch_image_id = 0;
}

/**
 * _bw_window_team_fetch_image:
 *
 * On a team project, an image whose bytes are not in the cache yet (work
 * that arrived from the server a moment ago) is fetched off the UI
 * thread, and shown once it is there.
 *
 * Returns: %TRUE when a fetch started (the caller shows nothing yet)
 */
gboolean
_bw_window_team_fetch_image (BwWindow      *self,
                             const BwImage *image)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *path = NULL;

  if (self->replica == NULL || image == NULL)
    return FALSE;
  if (self->fetch_cancellable != NULL)
    g_cancellable_cancel (self->fetch_cancellable);
  g_clear_object (&self->fetch_cancellable);
  /* Just fetched (or it failed): load it, or show why not. */
  if (self->fetch_image_id == image->id)
    return FALSE;
  path = bw_project_resolve_image_path (self->project, image->path);
  if (path == NULL || g_file_test (path, G_FILE_TEST_EXISTS))
    return FALSE;

  self->fetch_cancellable = g_cancellable_new ();
  task = g_task_new (self, self->fetch_cancellable, fetched_cb, NULL);
  g_task_set_source_tag (task, _bw_window_team_fetch_image);
  g_task_set_task_data (task, GSIZE_TO_POINTER ((gsize) image->id), NULL);
  g_object_set_data_full (G_OBJECT (task), "replica", g_object_ref (self->replica), g_object_unref);
  g_task_run_in_thread (task, fetch_thread);
  return TRUE;
}

typedef struct
{
  BwThumbnailer       *thumbnailer;
  char                *path;
  GAsyncReadyCallback  callback;
  gpointer             user_data;
} ThumbnailFetch;

static void
thumbnail_fetch_free (gpointer data)
{
  ThumbnailFetch *fetch = data;

  g_object_unref (fetch->thumbnailer);
  g_free (fetch->path);
  g_free (fetch);
}

static void
thumbnail_fetched_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  ThumbnailFetch *fetch = g_task_get_task_data (G_TASK (result));
  GCancellable *cancellable = g_task_get_cancellable (G_TASK (result));

  /* Fetched or not, the thumbnailer has the last word: a thumbnail, or
   * why there is none (shown on the row). */
  bw_thumbnailer_load_async (fetch->thumbnailer, fetch->path, cancellable, fetch->callback,
                             fetch->user_data);
}

static void
thumbnail_fetch_thread (GTask        *task,
                        gpointer      source_object,
                        gpointer      task_data,
                        GCancellable *cancellable)
{
  BwTeamReplica *replica = g_object_get_data (G_OBJECT (task), "replica");
  gint64 image_id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (task), "image-id"));
  g_autoptr(GError) error = NULL;

  if (!bw_team_replica_ensure_image (replica, image_id, cancellable, &error))
    g_debug ("%s", error->message);
  g_task_return_boolean (task, TRUE);
}

/**
 * _bw_window_team_load_thumbnail:
 * @path: where the image's file is, in the working copy's image cache
 * @callback: as for bw_thumbnailer_load_async()
 *
 * On a team project, the thumbnail of an image whose bytes are not in
 * the cache yet: they are fetched off the UI thread (and kept in the
 * cache, within its size limit), then the thumbnailer makes it.
 *
 * Returns: %FALSE when there is nothing to fetch (not a team project,
 *   or the file is there): the caller loads the thumbnail itself
 */
gboolean
_bw_window_team_load_thumbnail (BwWindow            *self,
                                gint64               image_id,
                                const char          *path,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ThumbnailFetch *fetch;

  if (self->replica == NULL || path == NULL || g_file_test (path, G_FILE_TEST_EXISTS))
    return FALSE;

  fetch = g_new0 (ThumbnailFetch, 1);
  fetch->thumbnailer = g_object_ref (self->thumbnailer);
  fetch->path = g_strdup (path);
  fetch->callback = callback;
  fetch->user_data = user_data;
  task = g_task_new (NULL, cancellable, thumbnail_fetched_cb, NULL);
  g_task_set_source_tag (task, _bw_window_team_load_thumbnail);
  g_task_set_task_data (task, fetch, thumbnail_fetch_free);
  g_object_set_data_full (G_OBJECT (task), "replica", g_object_ref (self->replica), g_object_unref);
  g_object_set_data (G_OBJECT (task), "image-id", GSIZE_TO_POINTER ((gsize) image_id));
  g_task_run_in_thread (task, thumbnail_fetch_thread);
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Opening and closing                                                 */

/* "ana@db.example.org/labels · Annotator · 24 images" */
char *
_bw_window_team_subtitle (BwWindow   *self,
                          const char *subtitle)
{
  if (self->replica == NULL)
    return g_strdup (subtitle);
  if (subtitle == NULL)
    return g_strdup (role_label (bw_team_replica_get_role (self->replica)));
  /* TRANSLATORS: the window's subtitle on a team project: a role, then
   * the number of images: "Annotator · 24 images" */
  return g_strdup_printf (_("%s · %s"), role_label (bw_team_replica_get_role (self->replica)), subtitle);
}

static void
update_title (BwWindow *self)
{
  g_autofree char *title = bw_server_address_describe (self->team_address);

  adw_window_title_set_title (self->window_title, title);
  gtk_window_set_title (GTK_WINDOW (self), title);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->window_title), title);
}

static void
release_replica (BwWindow *self,
                 int       timeout_ms)
{
  if (self->replica == NULL)
    return;
  if (self->claim_cancellable != NULL)
    g_cancellable_cancel (self->claim_cancellable);
  g_clear_object (&self->claim_cancellable);
  if (self->fetch_cancellable != NULL)
    g_cancellable_cancel (self->fetch_cancellable);
  g_clear_object (&self->fetch_cancellable);
  self->claim_waiting = FALSE;
  g_clear_handle_id (&self->claim_timer, g_source_remove);
  g_signal_handlers_disconnect_by_data (self->replica, self);
  bw_team_replica_close (self->replica, timeout_ms);
  g_clear_object (&self->replica);
  g_clear_pointer (&self->team_address, bw_server_address_free);
  self->team_lost = FALSE;
  set_banner (self, NULL);
}

/**
 * bw_window_set_team_replica:
 * @replica: a working copy just opened
 *
 * Shows the team project of @replica in the window.
 */
gboolean
bw_window_set_team_replica (BwWindow       *self,
                            BwTeamReplica  *replica,
                            GError        **error)
{
  g_autoptr(BwServerAddress) address = NULL;
  BwApplication *app;

  g_return_val_if_fail (BW_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (BW_IS_TEAM_REPLICA (replica), FALSE);

  address = bw_server_address_parse (bw_team_replica_get_url (replica), error);
  if (address == NULL)
    return FALSE;

  release_replica (self, CLOSE_TIMEOUT_MS);
  /* The work is the login's: the name comes from the server (and stays,
   * whatever the settings say, while the replica is open). */
  bw_window_set_user_name (self, bw_team_replica_get_user (replica));
  self->replica = g_object_ref (replica);
  self->team_address = g_steal_pointer (&address);
  g_signal_connect_object (replica, "notify::connected", G_CALLBACK (update_banner), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (replica, "notify::pending", G_CALLBACK (update_banner), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (replica, "notify::last-error", G_CALLBACK (update_banner), self, G_CONNECT_SWAPPED);
  /* Someone else's changes: the replica takes them into the copy and
   * has the project announce them ("changed-externally"), which the
   * image list, the canvas, the review queue and the Quality window
   * follow, as they follow another program's changes to a file. */

  if (!bw_window_set_project (self, bw_team_replica_get_project (replica), error))
    return FALSE;

  update_title (self);
  update_banner (self);

  app = BW_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  if (app != NULL)
    {
      g_autofree char *url = bw_server_address_to_url (self->team_address);

      bw_application_add_recent_url (app, url);
    }

  switch (bw_team_replica_get_role (replica))
    {
    case BW_ROLE_ANNOTATOR:
      {
        /* An annotator goes on with the work they hold, or starts on the
         * next image of the team's queue. */
        g_autoptr(GArray) queue = self->person_id > 0
                                  ? bw_project_list_work_queue (self->project, self->person_id, NULL)
                                  : NULL;

        if (queue != NULL && queue->len > 0)
          bw_window_select_image (self, g_array_index (queue, gint64, 0));
        else
          claim_next (self, FALSE, FALSE);
      }
      break;

    case BW_ROLE_REVIEWER:
      /* A reviewer's work is the review queue. */
      if (self->person_id > 0)
        g_action_group_change_action_state (G_ACTION_GROUP (self), "mode", g_variant_new_string ("review"));
      break;

    case BW_ROLE_LEAD:
    case BW_ROLE_MODEL:
    default:
      break;
    }
  return TRUE;
}

BwTeamReplica *
bw_window_get_team_replica (BwWindow *self)
{
  g_return_val_if_fail (BW_IS_WINDOW (self), NULL);

  return self->replica;
}

static void
opened_cb (BwWindow      *self,
           BwTeamReplica *replica)
{
  g_autoptr(GError) error = NULL;
  BwWindow *window = self;

  /* One project per window. */
  if (self->project != NULL)
    {
      window = bw_window_new (BW_APPLICATION (gtk_window_get_application (GTK_WINDOW (self))));
      gtk_window_present (GTK_WINDOW (window));
    }
  if (!bw_window_set_team_replica (window, replica, &error))
    {
      bw_team_replica_close (replica, 0);
      _bw_window_show_error (window, _("Cannot Open the Team Project"), error);
    }
}

/**
 * bw_window_open_team:
 * @address: (nullable): the server, database and user, when known
 * @use_keyring: look for the password in the keyring first
 *
 * Opens the "Open Team Project" dialog over the window (filled in from
 * @address); with @use_keyring, a password found in the keyring is
 * tried at once, and the dialog asks only when there is none or the
 * server refuses it.
 */
void
bw_window_open_team (BwWindow              *self,
                     const BwServerAddress *address,
                     gboolean               use_keyring)
{
  BwTeamOpenDialog *dialog;
  const char *cache = g_getenv ("BOXWOOD_TEAM_CACHE_DIR");

  g_return_if_fail (BW_IS_WINDOW (self));

  dialog = bw_team_open_dialog_new (GTK_WINDOW (self), address);
  if (cache != NULL && cache[0] != '\0')
    {
      g_autoptr(GFile) dir = g_file_new_for_path (cache);

      bw_team_open_dialog_set_cache_dir (dialog, dir);
    }
  g_signal_connect_object (dialog, "opened", G_CALLBACK (opened_cb), self, G_CONNECT_SWAPPED);
  if (use_keyring && address != NULL)
    bw_team_open_dialog_connect_with_keyring (dialog);
  else
    gtk_window_present (GTK_WINDOW (dialog));
}

static void
open_team_project_action (GSimpleAction *action,
                          GVariant      *param,
                          gpointer       user_data)
{
  bw_window_open_team (user_data, NULL, FALSE);
}

static void
close_response_cb (BwWindow   *self,
                   const char *response)
{
  self->team_close_dialog = NULL;
  if (g_strcmp0 (response, "close") != 0)
    return;
  self->team_closing = TRUE;
  gtk_window_close (GTK_WINDOW (self));
}

/* Returns: TRUE to keep the window open (a dialog asks first) */
gboolean
_bw_window_team_close_request (BwWindow *self)
{
  g_autofree char *server = NULL;
  g_autofree char *body = NULL;
  guint pending;

  if (self->replica == NULL)
    return FALSE;

  pending = bw_team_replica_get_pending (self->replica);
  if (pending == 0 || self->team_closing || !gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      release_replica (self, CLOSE_TIMEOUT_MS);
      if (self->team_close_dialog != NULL)
        gtk_window_destroy (GTK_WINDOW (g_steal_pointer (&self->team_close_dialog)));
      return FALSE;
    }

  if (self->team_close_dialog != NULL)
    return TRUE;

  /* Changes not sent yet: say so, and close by itself once they are. */
  server = bw_server_address_describe (self->team_address);
  body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "%u change has not reached %s yet. It is kept on this computer and sent the next time you open the project; or wait here, and the window closes once it is sent.",
                                       "%u changes have not reached %s yet. They are kept on this computer and sent the next time you open the project; or wait here, and the window closes once they are sent.",
                                       pending),
                          pending, server);
  self->team_close_dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Changes Not Sent Yet"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (self->team_close_dialog),
                                    "wait", _("_Wait"),
                                    "close", _("_Close Anyway"),
                                    NULL);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (self->team_close_dialog), "wait");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (self->team_close_dialog), "wait");
  g_object_add_weak_pointer (G_OBJECT (self->team_close_dialog), (gpointer *) &self->team_close_dialog);
  g_signal_connect_object (self->team_close_dialog, "response", G_CALLBACK (close_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (self->team_close_dialog));
  return TRUE;
}

/* Another project, or none: a team project's replica goes with its own. */
void
_bw_window_team_project_changed (BwWindow *self)
{
  if (self->replica != NULL && self->project != bw_team_replica_get_project (self->replica))
    release_replica (self, CLOSE_TIMEOUT_MS);
  if (self->replica != NULL)
    update_title (self);
}

static const GActionEntry team_actions[] = {
  { .name = "open-team-project", .activate = open_team_project_action },
};

void
_bw_window_team_init (BwWindow *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self), team_actions, G_N_ELEMENTS (team_actions), self);
  self->team_banner = make_banner (self);
  gtk_box_prepend (self->guidelines_banner_slot, self->team_banner);
}

void
_bw_window_team_dispose (BwWindow *self)
{
  release_replica (self, CLOSE_TIMEOUT_MS);
}
