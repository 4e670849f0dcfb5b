/* bw-application.c — the Boxwood GTK application
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bw-application"

#include "config.h"

#include <glib/gi18n.h>

#include "bw-application.h"
#include "bw-preferences-window.h"
#include "bw-server-address.h"
#include "bw-window.h"

#define MAX_RECENT 10

struct _BwApplication
{
  AdwApplication  parent_instance;

  GSettings      *settings;
  char           *user_override;        /* --user */
  char           *user_name;
  GtkWidget      *name_dialog;
  GPtrArray      *team_addresses;       /* BwServerAddress*, from the command line */
};

G_DEFINE_FINAL_TYPE (BwApplication, bw_application, ADW_TYPE_APPLICATION)

static const GOptionEntry option_entries[] = {
  { "user", 'u', 0, G_OPTION_ARG_STRING, NULL,
    N_("Record the work under this name (and do not ask for one)"), N_("NAME") },
  { NULL }
};

BwApplication *
bw_application_new (void)
{
  return g_object_new (BW_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE,
                       "resource-base-path", RESOURCE_PREFIX,
                       NULL);
}

GSettings *
bw_application_get_settings (BwApplication *self)
{
  g_return_val_if_fail (BW_IS_APPLICATION (self), NULL);

  return self->settings;
}

const char *
bw_application_get_user_name (BwApplication *self)
{
  g_return_val_if_fail (BW_IS_APPLICATION (self), NULL);

  return self->user_name;
}

static void
add_recent (BwApplication *self,
            const char    *path)
{
  g_auto(GStrv) recent = NULL;
  g_autoptr(GStrvBuilder) builder = NULL;
  g_auto(GStrv) result = NULL;
  guint n = 1;

  recent = g_settings_get_strv (self->settings, "recent-projects");
  builder = g_strv_builder_new ();
  g_strv_builder_add (builder, path);
  for (guint i = 0; recent[i] != NULL && n < MAX_RECENT; i++)
    if (g_strcmp0 (recent[i], path) != 0)
      {
        g_strv_builder_add (builder, recent[i]);
        n++;
      }
  result = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "recent-projects", (const char * const *) result);
}

void
bw_application_add_recent (BwApplication *self,
                           GFile         *file)
{
  g_autofree char *path = NULL;

  g_return_if_fail (BW_IS_APPLICATION (self));

  path = g_file_get_path (file);
  if (path != NULL)
    add_recent (self, path);
}

void
bw_application_add_recent_url (BwApplication *self,
                               const char    *url)
{
  g_autoptr(BwServerAddress) address = NULL;
  g_autofree char *clean = NULL;

  g_return_if_fail (BW_IS_APPLICATION (self));

  /* Parsed again, so that what is kept can never hold a password. */
  address = bw_server_address_parse (url, NULL);
  if (address == NULL)
    return;
  clean = bw_server_address_to_url (address);
  add_recent (self, clean);
}

static void
update_user_name (BwApplication *self)
{
  g_autofree char *name = NULL;

  if (self->user_override != NULL)
    name = g_strdup (self->user_override);
  else
    name = g_strstrip (g_settings_get_string (self->settings, "user-name"));

  g_clear_pointer (&self->user_name, g_free);
  if (name != NULL && name[0] != '\0')
    self->user_name = g_steal_pointer (&name);

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l; l = l->next)
    if (BW_IS_WINDOW (l->data))
      bw_window_set_user_name (l->data, self->user_name);
}

static void
name_response_cb (BwApplication  *self,
                  const char     *response,
                  AdwMessageDialog *dialog)
{
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "entry");
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (entry)));

  if (g_strcmp0 (response, "ok") == 0 && name[0] != '\0')
    g_settings_set_string (self->settings, "user-name", name);

  self->name_dialog = NULL;
}

static void
name_changed_cb (GtkEditable      *entry,
                 AdwMessageDialog *dialog)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (entry)));

  adw_message_dialog_set_response_enabled (dialog, "ok", name[0] != '\0');
}

/* The first time, ask whose work this is: annotations, reviews and
 * metrics are attributed to that name. */
static void
ask_user_name (BwApplication *self,
               GtkWindow     *parent)
{
  GtkWidget *dialog;
  GtkWidget *entry;
  const char *real_name = g_get_real_name ();

  if (self->user_name != NULL || self->name_dialog != NULL)
    return;

  dialog = adw_message_dialog_new (parent, _("What Is Your Name?"),
                                   _("Your annotations and reviews are recorded under this name. You can change it in Preferences."));
  entry = gtk_entry_new ();
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  if (real_name != NULL && g_strcmp0 (real_name, "Unknown") != 0)
    gtk_editable_set_text (GTK_EDITABLE (entry), real_name);
  else
    gtk_editable_set_text (GTK_EDITABLE (entry), g_get_user_name ());
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Later"),
                                    "ok", _("_Continue"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "ok",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "ok");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "entry", entry);
  g_signal_connect_object (entry, "changed", G_CALLBACK (name_changed_cb), dialog, 0);
  g_signal_connect_object (dialog, "response", G_CALLBACK (name_response_cb), self, G_CONNECT_SWAPPED);

  self->name_dialog = dialog;
  gtk_window_present (GTK_WINDOW (dialog));
}

static BwWindow *
new_window (BwApplication *self)
{
  BwWindow *window = bw_window_new (self);

  bw_window_set_user_name (window, self->user_name);
  return window;
}

/* The team projects named on the command line, each in a window. */
static gboolean
open_team_addresses (BwApplication *self)
{
  g_autoptr(GPtrArray) addresses = g_steal_pointer (&self->team_addresses);

  if (addresses == NULL || addresses->len == 0)
    return FALSE;

  for (guint i = 0; i < addresses->len; i++)
    {
      GtkWindow *active = gtk_application_get_active_window (GTK_APPLICATION (self));
      BwWindow *window;

      if (BW_IS_WINDOW (active) && bw_window_get_project (BW_WINDOW (active)) == NULL)
        window = BW_WINDOW (active);
      else
        window = new_window (self);
      gtk_window_present (GTK_WINDOW (window));
      bw_window_open_team (window, addresses->pdata[i], TRUE);
    }
  return TRUE;
}

static void
bw_application_activate (GApplication *app)
{
  BwApplication *self = BW_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  /* A team project's login is its own name: nothing to ask. */
  if (open_team_addresses (self))
    return;

  if (window == NULL)
    window = GTK_WINDOW (new_window (self));

  gtk_window_present (window);
  ask_user_name (self, window);
}

static void
bw_application_open (GApplication  *app,
                     GFile        **files,
                     int            n_files,
                     const char    *hint)
{
  BwApplication *self = BW_APPLICATION (app);
  GtkWindow *last = NULL;

  for (int i = 0; i < n_files; i++)
    {
      BwWindow *window = NULL;
      GtkWindow *active = gtk_application_get_active_window (GTK_APPLICATION (app));

      /* Reuse a window that has no project yet. */
      if (BW_IS_WINDOW (active) && bw_window_get_project (BW_WINDOW (active)) == NULL)
        window = BW_WINDOW (active);
      else
        window = new_window (self);

      /* Open first, so the window is laid out once, with the project. */
      bw_window_open_project (window, files[i]);
      gtk_window_present (GTK_WINDOW (window));
      last = GTK_WINDOW (window);
    }

  if (last != NULL)
    ask_user_name (self, last);
  open_team_addresses (self);
}

/* Team projects are named by URL, which is no file: they are taken out
 * of the arguments before GApplication turns the rest into files. A URL
 * with a password in it is refused here, before anything reads it. */
static gboolean
bw_application_local_command_line (GApplication   *app,
                                   char         ***arguments,
                                   int            *exit_status)
{
  BwApplication *self = BW_APPLICATION (app);
  char **argv = *arguments;
  guint kept = 0;

  for (guint i = 0; argv[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      BwServerAddress *address;

      if (i == 0 || !bw_server_address_is_url (argv[i]))
        {
          argv[kept++] = argv[i];
          continue;
        }

      address = bw_server_address_parse (argv[i], &error);
      if (address == NULL)
        {
          g_printerr ("boxwood: %s\n", error->message);
          *exit_status = 2;
          return TRUE;
        }
      if (self->team_addresses == NULL)
        self->team_addresses = g_ptr_array_new_with_free_func ((GDestroyNotify) bw_server_address_free);
      g_ptr_array_add (self->team_addresses, address);
      g_free (argv[i]);
    }
  argv[kept] = NULL;

  return G_APPLICATION_CLASS (bw_application_parent_class)->local_command_line (app, arguments, exit_status);
}

static int
bw_application_handle_local_options (GApplication *app,
                                     GVariantDict *options)
{
  BwApplication *self = BW_APPLICATION (app);
  const char *user = NULL;

  if (g_variant_dict_lookup (options, "user", "&s", &user))
    {
      g_autofree char *name = g_strstrip (g_strdup (user));

      if (name[0] == '\0')
        {
          g_printerr ("%s\n", _("--user needs a name"));
          return 1;
        }
      g_free (self->user_override);
      self->user_override = g_steal_pointer (&name);
    }

  return -1;
}

/* Preferences, with the page of the active window's project when it has
 * one, showing @page ("project") or the first. */
static void
show_preferences (BwApplication *self,
                  const char    *page)
{
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  BwPreferencesWindow *prefs = bw_preferences_window_new (self->settings);
  BwProject *project = BW_IS_WINDOW (parent) ? bw_window_get_project (BW_WINDOW (parent)) : NULL;

  if (self->user_override != NULL)
    bw_preferences_window_set_user_override (prefs, self->user_override);
  if (project != NULL)
    {
      bw_preferences_window_set_project (prefs, project);
      if (page != NULL)
        adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (prefs), page);
    }

  gtk_window_set_transient_for (GTK_WINDOW (prefs), parent);
  gtk_window_present (GTK_WINDOW (prefs));
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *param,
                    gpointer       user_data)
{
  show_preferences (user_data, NULL);
}

static void
project_settings_action (GSimpleAction *action,
                         GVariant      *param,
                         gpointer       user_data)
{
  show_preferences (user_data, "project");
}

static void
about_action (GSimpleAction *action,
              GVariant      *param,
              gpointer       user_data)
{
  BwApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  const char *developers[] = { _("The Boxwood developers"), NULL };

  adw_show_about_window (parent,
                         "application-name", _("Boxwood"),
                         "application-icon", APP_ID,
                         "version", PACKAGE_VERSION,
                         "comments", _("Annotate images with boxes and polygons, review the work, measure its quality and export training data"),
                         "developers", developers,
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "copyright", "© 2026 The Boxwood developers",
                         NULL);
}

static void
quit_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       user_data)
{
  BwApplication *self = user_data;
  GList *windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));

  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);
  g_list_free (windows);
}

static const GActionEntry app_actions[] = {
  { "preferences", preferences_action },
  { "project-settings", project_settings_action },
  { "about", about_action },
  { "quit", quit_action },
};

static void
bw_application_startup (GApplication *app)
{
  BwApplication *self = BW_APPLICATION (app);
  static const struct {
    const char *action;
    const char *accels[4];
  } accels[] = {
    { "app.preferences", { "<Control>comma", NULL } },
    { "app.quit", { "<Control>q", NULL } },
    { "win.new-project", { "<Control>n", NULL } },
    { "win.open-project", { "<Control>o", NULL } },
    { "win.import-images", { "<Control>i", NULL } },
    { "win.import-folder", { "<Shift><Control>i", NULL } },
    { "win.close", { "<Control>w", NULL } },
    { "win.next-image", { "Page_Down", "<Alt>Right", NULL } },
    { "win.previous-image", { "Page_Up", "<Alt>Left", NULL } },
    { "win.first-image", { "<Control>Home", NULL } },
    { "win.last-image", { "<Control>End", NULL } },
    { "win.toggle-sidebar", { "F9", NULL } },
    { "win.search", { "<Control>f", NULL } },
    { "win.edit-taxonomy", { "<Control>t", NULL } },
    { "win.quality", { "<Control><Shift>q", NULL } },
    { "win.toggle-mode", { "<Control><Shift>r", NULL } },
    { "win.gold", { "<Control>g", NULL } },
    { "win.calibration", { "<Control><Shift>k", NULL } },
    { "win.questions", { "<Shift><Control>u", NULL } },
  };

  G_APPLICATION_CLASS (bw_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions,
                                   G_N_ELEMENTS (app_actions), app);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (app),
                                           accels[i].action, accels[i].accels);

  self->settings = g_settings_new (APP_ID);
  g_signal_connect_object (self->settings, "changed::user-name",
                           G_CALLBACK (update_user_name), self, G_CONNECT_SWAPPED);
  update_user_name (self);
}

static void
bw_application_dispose (GObject *object)
{
  BwApplication *self = BW_APPLICATION (object);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (bw_application_parent_class)->dispose (object);
}

static void
bw_application_finalize (GObject *object)
{
  BwApplication *self = BW_APPLICATION (object);

  g_free (self->user_override);
  g_free (self->user_name);
  g_clear_pointer (&self->team_addresses, g_ptr_array_unref);

  G_OBJECT_CLASS (bw_application_parent_class)->finalize (object);
}

static void
bw_application_class_init (BwApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = bw_application_dispose;
  object_class->finalize = bw_application_finalize;

  app_class->startup = bw_application_startup;
  app_class->activate = bw_application_activate;
  app_class->open = bw_application_open;
  app_class->handle_local_options = bw_application_handle_local_options;
  app_class->local_command_line = bw_application_local_command_line;
}

static void
bw_application_init (BwApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_application_set_option_context_parameter_string (G_APPLICATION (self),
                                                     _("[PROJECT.boxwood | postgresql://USER@HOST[:PORT]/DATABASE]"));
}
