/* bw-preferences-window.c — Preferences
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bw-preferences"

#include "config.h"

#include <glib/gi18n.h>

#include "bw-preferences-window.h"
#include "bw-project-settings-page.h"

struct _BwPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GSettings            *settings;

  AdwPreferencesGroup  *user_group;
  AdwEntryRow          *user_name_row;
  GtkSpinButton        *max_megapixels_spin;
  GtkSwitch            *show_labels_switch;
  GtkScale             *fill_opacity_scale;
};

G_DEFINE_FINAL_TYPE (BwPreferencesWindow, bw_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* The name is written when the row is applied (Enter or the check
 * button), not on each key: every value becomes a person in the project. */
static void
user_name_apply_cb (BwPreferencesWindow *self)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->user_name_row))));

  if (name[0] != '\0')
    g_settings_set_string (self->settings, "user-name", name);
}

static void
bw_preferences_window_dispose (GObject *object)
{
  BwPreferencesWindow *self = BW_PREFERENCES_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), BW_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (bw_preferences_window_parent_class)->dispose (object);
}

static void
bw_preferences_window_class_init (BwPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bw_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/bw-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, BwPreferencesWindow, user_group);
  gtk_widget_class_bind_template_child (widget_class, BwPreferencesWindow, user_name_row);
  gtk_widget_class_bind_template_child (widget_class, BwPreferencesWindow, max_megapixels_spin);
  gtk_widget_class_bind_template_child (widget_class, BwPreferencesWindow, show_labels_switch);
  gtk_widget_class_bind_template_child (widget_class, BwPreferencesWindow, fill_opacity_scale);
  gtk_widget_class_bind_template_callback (widget_class, user_name_apply_cb);
}

static void
bw_preferences_window_init (BwPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

BwPreferencesWindow *
bw_preferences_window_new (GSettings *settings)
{
  BwPreferencesWindow *self;
  g_autofree char *name = NULL;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (BW_TYPE_PREFERENCES_WINDOW, NULL);
  self->settings = g_object_ref (settings);

  name = g_settings_get_string (settings, "user-name");
  gtk_editable_set_text (GTK_EDITABLE (self->user_name_row), name);

  g_settings_bind (settings, "max-megapixels",
                   gtk_spin_button_get_adjustment (self->max_megapixels_spin), "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "show-labels", self->show_labels_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "fill-opacity",
                   gtk_range_get_adjustment (GTK_RANGE (self->fill_opacity_scale)), "value",
                   G_SETTINGS_BIND_DEFAULT);

  return self;
}

/**
 * bw_preferences_window_set_user_override:
 * @name: the name given with --user
 *
 * Shows the name this run records work under; the stored name only
 * applies when Boxwood starts without --user, so it cannot be edited here.
 */
void
bw_preferences_window_set_user_override (BwPreferencesWindow *self,
                                         const char          *name)
{
  g_autofree char *description = NULL;

  g_return_if_fail (BW_IS_PREFERENCES_WINDOW (self));
  g_return_if_fail (name != NULL);

  gtk_editable_set_text (GTK_EDITABLE (self->user_name_row), name);
  gtk_widget_set_sensitive (GTK_WIDGET (self->user_name_row), FALSE);
  description = g_strdup_printf (_("Boxwood was started with --user “%s”: annotations and reviews are recorded under that name. Start it without --user to use and edit your own name."),
                                 name);
  adw_preferences_group_set_description (self->user_group, description);
}

static void
project_message_cb (BwPreferencesWindow *self,
                    const char          *text)
{
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (text));
}

/**
 * bw_preferences_window_set_project:
 * @project: the project of the window Preferences was opened from
 *
 * Adds the page of what is set in the project file rather than for the
 * person: its random audit. Its name is "project".
 */
void
bw_preferences_window_set_project (BwPreferencesWindow *self,
                                   BwProject           *project)
{
  BwProjectSettingsPage *page;

  g_return_if_fail (BW_IS_PREFERENCES_WINDOW (self));
  g_return_if_fail (BW_IS_PROJECT (project));

  page = bw_project_settings_page_new (project);
  g_signal_connect_object (page, "message", G_CALLBACK (project_message_cb), self, G_CONNECT_SWAPPED);
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self), ADW_PREFERENCES_PAGE (page));
}
