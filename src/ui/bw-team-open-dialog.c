/* bw-team-open-dialog.c — open a team project on a PostgreSQL server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Asks for the server (host, port, database), the user and the password,
 * and opens the project's working copy off the UI thread
 * (bw_team_replica_open_async()) with a spinner and a way to cancel.
 * When the server refuses (a wrong password, a server that does not
 * answer), the dialog stays open with the server's own words. A password
 * to remember goes to the keyring (bw-keyring.c) once the server took
 * it, never into a file or the settings.
 */

#define G_LOG_DOMAIN "bw-team-open-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "bw-keyring.h"
#include "bw-team-open-dialog.h"

struct _BwTeamOpenDialog
{
  AdwWindow             parent_instance;

  GFile                *cache_dir;
  GCancellable         *cancellable;       /* while connecting */
  BwServerAddress      *connecting;        /* the address being tried */
  char                 *keyring_password;  /* found in the keyring, not shown */
  gboolean              password_typed;    /* the attempt uses the typed one */
  gboolean              looking_up;        /* in the keyring: the fields stay editable */

  GtkWidget            *cancel_button;
  GtkWidget            *connect_button;
  GtkSpinner           *spinner;
  GtkRevealer          *message_revealer;
  GtkLabel             *message_label;
  GtkWidget            *server_group;
  GtkWidget            *login_group;
  AdwEntryRow          *host_row;
  AdwEntryRow          *port_row;
  AdwEntryRow          *database_row;
  AdwEntryRow          *user_row;
  AdwEntryRow          *password_row;
  GtkSwitch            *remember_switch;
};

G_DEFINE_FINAL_TYPE (BwTeamOpenDialog, bw_team_open_dialog, ADW_TYPE_WINDOW)

enum {
  OPENED,
  N_SIGNALS
};

static guint signals [N_SIGNALS];

/* Above the fields: what to do next, or (@failed) why it did not work. */
static void
show_message_full (BwTeamOpenDialog *self,
                   const char       *message,
                   gboolean          failed)
{
  if (message != NULL)
    gtk_label_set_label (self->message_label, message);
  if (failed)
    gtk_widget_add_css_class (GTK_WIDGET (self->message_label), "failed");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->message_label), "failed");
  gtk_revealer_set_reveal_child (self->message_revealer, message != NULL);
}

static void
show_message (BwTeamOpenDialog *self,
              const char       *message)
{
  show_message_full (self, message, FALSE);
}

static void
set_busy (BwTeamOpenDialog *self,
          gboolean          busy)
{
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy || self->looking_up);
  gtk_spinner_set_spinning (self->spinner, busy || self->looking_up);
  gtk_widget_set_sensitive (self->server_group, !busy);
  gtk_widget_set_sensitive (self->login_group, !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "team-open.connect", !busy);
  gtk_button_set_label (GTK_BUTTON (self->connect_button), busy ? _("Connecting…") : _("C_onnect"));
}

static void
clear_keyring_password (BwTeamOpenDialog *self)
{
  g_clear_pointer (&self->keyring_password, bw_keyring_password_free);
}

/* The address the fields describe, or NULL with what is missing. */
static BwServerAddress *
read_fields (BwTeamOpenDialog  *self,
             char             **problem)
{
  const char *host = gtk_editable_get_text (GTK_EDITABLE (self->host_row));
  const char *port = gtk_editable_get_text (GTK_EDITABLE (self->port_row));
  g_autofree char *database = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->database_row))));
  g_autofree char *user = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->user_row))));
  guint64 port_number = BW_SERVER_DEFAULT_PORT;
  g_autofree char *port_text = g_strstrip (g_strdup (port));

  if (port_text[0] != '\0' && !g_ascii_string_to_unsigned (port_text, 10, 1, 65535, &port_number, NULL))
    {
      *problem = g_strdup_printf (_("The port “%s” is not a number from 1 to 65535."), port_text);
      return NULL;
    }
  if (database[0] == '\0')
    {
      *problem = g_strdup (_("Enter the name of the project’s database."));
      return NULL;
    }
  if (user[0] == '\0')
    {
      *problem = g_strdup (_("Enter your user name on the server."));
      return NULL;
    }

  return bw_server_address_new (host, (guint) port_number, database, user);
}

static void
stored_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(BwTeamOpenDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));

  if (!bw_keyring_store_finish (result, &error) && parent != NULL)
    {
      GtkWidget *dialog = adw_message_dialog_new (parent, _("Password Not Remembered"), error->message);

      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
    }
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
forgotten_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(BwTeamOpenDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  /* Nothing was remembered, or there is no keyring: nothing to say. */
  bw_keyring_clear_finish (result, &error);
  if (error != NULL)
    g_debug ("Could not forget the password: %s", error->message);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
opened_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(BwTeamOpenDialog) self = user_data;
  g_autoptr(BwTeamReplica) replica = NULL;
  g_autoptr(GError) error = NULL;
  gboolean cancelled;

  replica = bw_team_replica_open_finish (result, &error);
  cancelled = self->cancellable == NULL || g_cancellable_is_cancelled (self->cancellable);
  g_clear_object (&self->cancellable);

  /* Closed or cancelled while it connected: what it opened is not
   * wanted (its queue stays in the working copy). */
  if (cancelled || !gtk_widget_get_visible (GTK_WIDGET (self)))
    {
      if (replica != NULL)
        bw_team_replica_close (replica, 0);
      set_busy (self, FALSE);
      if (gtk_widget_get_visible (GTK_WIDGET (self)))
        show_message (self, _("Cancelled. Change what you need and connect again."));
      return;
    }

  set_busy (self, FALSE);
  if (replica == NULL)
    {
      g_autofree char *text = NULL;

      if (g_error_matches (error, BW_TEAM_ERROR, BW_TEAM_ERROR_AUTH) && !self->password_typed &&
          self->keyring_password != NULL)
        text = g_strdup_printf (_("The password in your keyring was refused: type it again. The server said: %s"),
                                error->message);
      else
        text = g_strdup (error->message);
      clear_keyring_password (self);
      show_message_full (self, text, TRUE);
      gtk_window_present (GTK_WINDOW (self));
      if (g_error_matches (error, BW_TEAM_ERROR, BW_TEAM_ERROR_AUTH))
        {
          gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
          gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
        }
      return;
    }

  g_signal_emit (self, signals[OPENED], 0, replica);

  /* The server took the password: remember it (or forget an old one)
   * as asked. Until the keyring answers, the dialog is only hidden. */
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
  if (self->password_typed)
    {
      const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));

      if (gtk_switch_get_active (self->remember_switch) && password[0] != '\0')
        {
          bw_keyring_store_async (self->connecting, password, NULL, stored_cb, g_object_ref (self));
          return;
        }
      if (!gtk_switch_get_active (self->remember_switch))
        {
          bw_keyring_clear_async (self->connecting, NULL, forgotten_cb, g_object_ref (self));
          return;
        }
    }
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
start_connect (BwTeamOpenDialog *self,
               const char       *password)
{
  g_autofree char *url = bw_server_address_to_url (self->connecting);

  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  set_busy (self, TRUE);
  show_message (self, NULL);
  bw_team_replica_open_async (url, password, self->cache_dir, self->cancellable,
                              opened_cb, g_object_ref (self));
}

static void
connect_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  BwTeamOpenDialog *self = BW_TEAM_OPEN_DIALOG (widget);
  g_autofree char *problem = NULL;
  g_autoptr(BwServerAddress) address = NULL;
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));

  /* A password typed while the keyring was asked: that one. */
  if (self->looking_up)
    {
      g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
      self->looking_up = FALSE;
    }
  if (self->cancellable != NULL)
    return;

  address = read_fields (self, &problem);
  if (address == NULL)
    {
      show_message_full (self, problem, TRUE);
      return;
    }

  bw_server_address_free (self->connecting);
  self->connecting = g_steal_pointer (&address);
  /* A password typed wins over the keyring's. */
  self->password_typed = password[0] != '\0' || self->keyring_password == NULL;
  start_connect (self, self->password_typed ? (password[0] != '\0' ? password : NULL)
                                            : self->keyring_password);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  BwTeamOpenDialog *self = BW_TEAM_OPEN_DIALOG (widget);

  if (self->cancellable != NULL && !self->looking_up)
    g_cancellable_cancel (self->cancellable);
  else
    gtk_window_close (GTK_WINDOW (self));
}

/* Alt+R, the row's mnemonic, whichever field has the focus. */
static void
toggle_remember_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  BwTeamOpenDialog *self = BW_TEAM_OPEN_DIALOG (widget);

  if (gtk_widget_is_sensitive (GTK_WIDGET (self->remember_switch)))
    gtk_switch_set_active (self->remember_switch, !gtk_switch_get_active (self->remember_switch));
}

static void
looked_up_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(BwTeamOpenDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  char *password = bw_keyring_lookup_finish (result, &error);

  /* Cancelled: the user connected with a password of their own, or
   * closed the dialog. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || !self->looking_up)
    {
      bw_keyring_password_free (password);
      return;
    }
  self->looking_up = FALSE;
  g_clear_object (&self->cancellable);
  set_busy (self, FALSE);

  if (password == NULL)
    {
      g_autofree char *described = bw_server_address_describe (self->connecting);
      g_autofree char *text = NULL;

      if (error != NULL)
        text = g_strdup (error->message);
      else
        text = g_strdup_printf (_("Enter the password of %s."), described);
      show_message_full (self, text, error != NULL);
      gtk_window_present (GTK_WINDOW (self));
      gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
      return;
    }

  clear_keyring_password (self);
  self->keyring_password = password;
  self->password_typed = FALSE;
  gtk_switch_set_active (self->remember_switch, TRUE);
  start_connect (self, self->keyring_password);
}

/**
 * bw_team_open_dialog_connect_with_keyring:
 *
 * Looks for the fields' server and user in the keyring; with a password
 * found, connects at once (the dialog shows the spinner); without one,
 * asks for it.
 */
void
bw_team_open_dialog_connect_with_keyring (BwTeamOpenDialog *self)
{
  g_autofree char *problem = NULL;
  g_autoptr(BwServerAddress) address = NULL;

  g_return_if_fail (BW_IS_TEAM_OPEN_DIALOG (self));

  address = read_fields (self, &problem);
  if (address == NULL)
    {
      show_message (self, problem);
      gtk_window_present (GTK_WINDOW (self));
      return;
    }
  bw_server_address_free (self->connecting);
  self->connecting = g_steal_pointer (&address);

  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->looking_up = TRUE;
  set_busy (self, FALSE);
  bw_keyring_lookup_async (self->connecting, self->cancellable, looked_up_cb, g_object_ref (self));
  gtk_window_present (GTK_WINDOW (self));
}

static gboolean
bw_team_open_dialog_close_request (GtkWindow *window)
{
  BwTeamOpenDialog *self = BW_TEAM_OPEN_DIALOG (window);

  /* The attempt ends in its callback, which closes what it opened. */
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);

  return GTK_WINDOW_CLASS (bw_team_open_dialog_parent_class)->close_request (window);
}

static void
bw_team_open_dialog_dispose (GObject *object)
{
  BwTeamOpenDialog *self = BW_TEAM_OPEN_DIALOG (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->cache_dir);
  gtk_widget_dispose_template (GTK_WIDGET (self), BW_TYPE_TEAM_OPEN_DIALOG);

  G_OBJECT_CLASS (bw_team_open_dialog_parent_class)->dispose (object);
}

static void
bw_team_open_dialog_finalize (GObject *object)
{
  BwTeamOpenDialog *self = BW_TEAM_OPEN_DIALOG (object);

  clear_keyring_password (self);
  bw_server_address_free (self->connecting);

  G_OBJECT_CLASS (bw_team_open_dialog_parent_class)->finalize (object);
}

static void
bw_team_open_dialog_class_init (BwTeamOpenDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = bw_team_open_dialog_dispose;
  object_class->finalize = bw_team_open_dialog_finalize;
  window_class->close_request = bw_team_open_dialog_close_request;

  signals[OPENED] =
    g_signal_new ("opened", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, BW_TYPE_TEAM_REPLICA);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/bw-team-open-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, BwTeamOpenDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, BwTeamOpenDialog, connect_button);
  gtk_widget_class_bind_template_child (widget_class, BwTeamOpenDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, BwTeamOpenDialog, message_revealer);
  gtk_widget_class_bind_template_child (widget_class, BwTeamOpenDialog, message_label);
  gtk_widget_class_bind_template_child (widget_class, BwTeamOpenDialog, server_group);
  gtk_widget_class_bind_template_child (widget_class, BwTeamOpenDialog, login_group);
  gtk_widget_class_bind_template_child (widget_class, BwTeamOpenDialog, host_row);
  gtk_widget_class_bind_template_child (widget_class, BwTeamOpenDialog, port_row);
  gtk_widget_class_bind_template_child (widget_class, BwTeamOpenDialog, database_row);
  gtk_widget_class_bind_template_child (widget_class, BwTeamOpenDialog, user_row);
  gtk_widget_class_bind_template_child (widget_class, BwTeamOpenDialog, password_row);
  gtk_widget_class_bind_template_child (widget_class, BwTeamOpenDialog, remember_switch);

  gtk_widget_class_install_action (widget_class, "team-open.connect", NULL, connect_action);
  gtk_widget_class_install_action (widget_class, "team-open.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "team-open.toggle-remember", NULL, toggle_remember_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "team-open.cancel", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_ALT_MASK, "team-open.toggle-remember", NULL);
}

static void
bw_team_open_dialog_init (BwTeamOpenDialog *self)
{
  AdwEntryRow *rows[] = { self->host_row, self->port_row, self->database_row, self->user_row, self->password_row };

  gtk_widget_init_template (GTK_WIDGET (self));

  /* Enter in any field connects. */
  rows[0] = self->host_row;
  rows[1] = self->port_row;
  rows[2] = self->database_row;
  rows[3] = self->user_row;
  rows[4] = self->password_row;
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    adw_entry_row_set_activates_default (rows[i], TRUE);
  gtk_window_set_default_widget (GTK_WINDOW (self), self->connect_button);
}

BwTeamOpenDialog *
bw_team_open_dialog_new (GtkWindow             *parent,
                         const BwServerAddress *address)
{
  BwTeamOpenDialog *self = g_object_new (BW_TYPE_TEAM_OPEN_DIALOG, "transient-for", parent, NULL);

  if (address != NULL)
    {
      g_autofree char *port = g_strdup_printf ("%u", address->port);

      gtk_editable_set_text (GTK_EDITABLE (self->host_row), address->host);
      gtk_editable_set_text (GTK_EDITABLE (self->port_row), port);
      gtk_editable_set_text (GTK_EDITABLE (self->database_row), address->database);
      gtk_editable_set_text (GTK_EDITABLE (self->user_row), address->user);
    }
  gtk_widget_grab_focus (GTK_WIDGET (address != NULL && address->user[0] != '\0' ? self->password_row
                                                                                 : self->host_row));

  return self;
}

void
bw_team_open_dialog_set_cache_dir (BwTeamOpenDialog *self,
                                   GFile            *cache_dir)
{
  g_return_if_fail (BW_IS_TEAM_OPEN_DIALOG (self));

  g_set_object (&self->cache_dir, cache_dir);
}
