/* bw-project-settings-page.c — a project's own settings, in Preferences
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What belongs to the project file rather than to the person (GSettings):
 * its random audit — whether there is one, its rate, its seed and what
 * happens to a submission it does not draw — and whether an open
 * question holds its image back from submission. Each change is written
 * at once (the switch, the rate once the spin button has its value, the
 * policy); the seed is text, written when applied (Enter or the check
 * button), checked as it is typed.
 */

#define G_LOG_DOMAIN "bw-project-settings"

#include "config.h"

#include <glib/gi18n.h>

#include "bw-project-settings-page.h"

struct _BwProjectSettingsPage
{
  AdwPreferencesPage  parent_instance;

  BwProject          *project;
  guint               loading;

  AdwPreferencesGroup *audit_group;
  GtkSwitch          *audit_switch;
  AdwActionRow       *rate_row;
  GtkSpinButton      *rate_spin;
  AdwEntryRow        *seed_row;
  GtkWidget          *new_seed_button;
  AdwComboRow        *policy_row;
  GtkLabel           *problem_label;
  GtkSwitch          *hold_switch;
};

G_DEFINE_FINAL_TYPE (BwProjectSettingsPage, bw_project_settings_page, ADW_TYPE_PREFERENCES_PAGE)

enum {
  MESSAGE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
show_problem (BwProjectSettingsPage *self,
              const char            *problem)
{
  gtk_label_set_label (self->problem_label, problem ? problem : "");
  gtk_widget_set_visible (GTK_WIDGET (self->problem_label), problem != NULL);
  if (problem != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->seed_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->seed_row), "error");
}

static gboolean
parse_seed (const char  *text,
            guint64     *out_seed,
            GError     **error)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text));

  if (!g_ascii_string_to_unsigned (stripped, 10, 0, G_MAXUINT64, out_seed, NULL))
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                   _("The seed is a whole number from 0 to %s: the same seed draws the same submissions."),
                   "18446744073709551615");
      return FALSE;
    }
  return TRUE;
}

static void
update_sensitivity (BwProjectSettingsPage *self)
{
  gboolean on = gtk_switch_get_active (self->audit_switch);

  gtk_widget_set_sensitive (GTK_WIDGET (self->rate_row), on);
  gtk_widget_set_sensitive (GTK_WIDGET (self->seed_row), on);
  gtk_widget_set_sensitive (GTK_WIDGET (self->policy_row), on);
}

static void
load (BwProjectSettingsPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *seed = NULL;
  BwAuditSettings audit;

  if (!bw_project_get_audit_settings (self->project, &audit, &error))
    {
      show_problem (self, error->message);
      return;
    }

  self->loading++;
  gtk_switch_set_active (self->hold_switch, bw_project_get_questions_hold_submission (self->project));
  gtk_switch_set_active (self->audit_switch, audit.enabled);
  /* Without an audit the file keeps no rate: the page keeps what it
   * shows, so switching it off and on again loses nothing. */
  if (audit.enabled)
    {
      seed = g_strdup_printf ("%" G_GUINT64_FORMAT, audit.seed);
      gtk_spin_button_set_value (self->rate_spin, audit.rate * 100.0);
      gtk_editable_set_text (GTK_EDITABLE (self->seed_row), seed);
      adw_combo_row_set_selected (self->policy_row, audit.policy == BW_AUDIT_POLICY_HOLD ? 1 : 0);
    }
  show_problem (self, NULL);
  update_sensitivity (self);
  self->loading--;
}

static guint64
random_seed (void)
{
  return ((guint64) g_random_int () << 32) | g_random_int ();
}

/* Writes what the page shows. The seed is the one typed when it is
 * valid, else the one saved. */
static void
save (BwProjectSettingsPage *self)
{
  g_autoptr(GError) error = NULL;
  BwAuditSettings audit = { 0 }, saved = { 0 };
  guint64 seed;

  if (self->loading)
    return;

  bw_project_get_audit_settings (self->project, &saved, NULL);
  audit.enabled = gtk_switch_get_active (self->audit_switch);
  audit.rate = gtk_spin_button_get_value (self->rate_spin) / 100.0;
  audit.seed = parse_seed (gtk_editable_get_text (GTK_EDITABLE (self->seed_row)), &seed, NULL) ? seed
             : saved.enabled ? saved.seed : random_seed ();
  audit.policy = adw_combo_row_get_selected (self->policy_row) == 1 ? BW_AUDIT_POLICY_HOLD
                                                                     : BW_AUDIT_POLICY_ACCEPT;

  if (!bw_project_set_audit_settings (self->project, &audit, &error))
    {
      g_signal_emit (self, signals[MESSAGE], 0, error->message);
      load (self);
      return;
    }
  load (self);
}

static void
hold_changed_cb (BwProjectSettingsPage *self)
{
  g_autoptr(GError) error = NULL;

  if (self->loading)
    return;
  if (!bw_project_set_questions_hold_submission (self->project, gtk_switch_get_active (self->hold_switch), &error))
    {
      g_signal_emit (self, signals[MESSAGE], 0, error->message);
      load (self);
    }
}

static void
switch_changed_cb (BwProjectSettingsPage *self)
{
  update_sensitivity (self);
  save (self);
}

static void
seed_changed_cb (BwProjectSettingsPage *self)
{
  g_autoptr(GError) error = NULL;
  guint64 seed;

  if (self->loading)
    return;
  show_problem (self, parse_seed (gtk_editable_get_text (GTK_EDITABLE (self->seed_row)), &seed, &error)
                      ? NULL : error->message);
}

static void
seed_applied_cb (BwProjectSettingsPage *self)
{
  g_autoptr(GError) error = NULL;
  guint64 seed;

  if (!parse_seed (gtk_editable_get_text (GTK_EDITABLE (self->seed_row)), &seed, &error))
    {
      show_problem (self, error->message);
      return;
    }
  save (self);
}

static void
new_seed_cb (BwProjectSettingsPage *self)
{
  g_autofree char *text = g_strdup_printf ("%" G_GUINT64_FORMAT, random_seed ());

  self->loading++;
  gtk_editable_set_text (GTK_EDITABLE (self->seed_row), text);
  self->loading--;
  save (self);
}

BwProjectSettingsPage *
bw_project_settings_page_new (BwProject *project)
{
  BwProjectSettingsPage *self;

  g_return_val_if_fail (BW_IS_PROJECT (project), NULL);

  self = g_object_new (BW_TYPE_PROJECT_SETTINGS_PAGE, NULL);
  self->project = g_object_ref (project);
  load (self);

  if (bw_project_is_read_only (project))
    {
      g_autofree char *description = g_strdup_printf (_("“%s” is open read-only: its settings can be read here but not changed."),
                                                      bw_project_get_display_name (project));

      adw_preferences_group_set_description (self->audit_group, description);
      gtk_widget_set_sensitive (GTK_WIDGET (self->audit_switch), FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->rate_row), FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->seed_row), FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->policy_row), FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->hold_switch), FALSE);
    }
  else
    {
      g_signal_connect_object (self->hold_switch, "notify::active", G_CALLBACK (hold_changed_cb),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->audit_switch, "notify::active", G_CALLBACK (switch_changed_cb),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->rate_spin, "value-changed", G_CALLBACK (save), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->seed_row, "changed", G_CALLBACK (seed_changed_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->seed_row, "apply", G_CALLBACK (seed_applied_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->seed_row, "entry-activated", G_CALLBACK (seed_applied_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (self->new_seed_button, "clicked", G_CALLBACK (new_seed_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (self->policy_row, "notify::selected", G_CALLBACK (save), self, G_CONNECT_SWAPPED);
    }

  return self;
}

static void
bw_project_settings_page_dispose (GObject *object)
{
  BwProjectSettingsPage *self = BW_PROJECT_SETTINGS_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), BW_TYPE_PROJECT_SETTINGS_PAGE);
  g_clear_object (&self->project);

  G_OBJECT_CLASS (bw_project_settings_page_parent_class)->dispose (object);
}

static void
bw_project_settings_page_class_init (BwProjectSettingsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bw_project_settings_page_dispose;

  signals[MESSAGE] =
    g_signal_new ("message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/bw-project-settings-page.ui");
  gtk_widget_class_bind_template_child (widget_class, BwProjectSettingsPage, audit_group);
  gtk_widget_class_bind_template_child (widget_class, BwProjectSettingsPage, audit_switch);
  gtk_widget_class_bind_template_child (widget_class, BwProjectSettingsPage, rate_row);
  gtk_widget_class_bind_template_child (widget_class, BwProjectSettingsPage, rate_spin);
  gtk_widget_class_bind_template_child (widget_class, BwProjectSettingsPage, seed_row);
  gtk_widget_class_bind_template_child (widget_class, BwProjectSettingsPage, new_seed_button);
  gtk_widget_class_bind_template_child (widget_class, BwProjectSettingsPage, policy_row);
  gtk_widget_class_bind_template_child (widget_class, BwProjectSettingsPage, problem_label);
  gtk_widget_class_bind_template_child (widget_class, BwProjectSettingsPage, hold_switch);
}

static void
bw_project_settings_page_init (BwProjectSettingsPage *self)
{
  g_autoptr(GtkStringList) policies = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));

  /* In the order of BwAuditPolicy. */
  gtk_string_list_append (policies, _("Accept"));
  gtk_string_list_append (policies, _("Hold"));
  adw_combo_row_set_model (self->policy_row, G_LIST_MODEL (policies));
  /* What a new audit starts from: one submission in ten. */
  gtk_spin_button_set_value (self->rate_spin, 10.0);
  gtk_editable_set_enable_undo (GTK_EDITABLE (self->seed_row), FALSE);
}
