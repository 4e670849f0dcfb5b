/* test-project-settings.c — the project's page in Preferences: audits
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each change is made through the page's widgets, as a click or typing
 * would, and checked in the project file through a second connection.
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "bw-preferences-window.h"
#include "bw-project-settings-page.h"

typedef struct
{
  char                *dir;
  GFile               *file;
  BwProject           *project;
  GSettings           *settings;
  BwPreferencesWindow *prefs;
  BwProjectSettingsPage *page;
} Fixture;

static void
settle (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
}

static GtkWidget *
find_type (GtkWidget *root,
           GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_type (child, type);

      if (found)
        return found;
    }
  return NULL;
}

static gpointer
child (Fixture    *f,
       const char *name)
{
  return gtk_widget_get_template_child (GTK_WIDGET (f->page), BW_TYPE_PROJECT_SETTINGS_PAGE, name);
}

/* What the file holds now. */
static BwAuditSettings
saved (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwProject) reader = bw_project_open (f->file, &error);
  BwAuditSettings audit;

  g_assert_no_error (error);
  g_assert_true (bw_project_get_audit_settings (reader, &audit, &error));
  return audit;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("bw-test-project-settings-XXXXXX", &error);
  g_assert_no_error (error);
  f->file = g_file_new_build_filename (f->dir, "p.boxwood", NULL);
  f->project = bw_project_create (f->file, &error);
  g_assert_no_error (error);

  f->settings = g_settings_new (APP_ID);
  f->prefs = bw_preferences_window_new (f->settings);
  g_object_ref_sink (f->prefs);
  bw_preferences_window_set_project (f->prefs, f->project);
  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (f->prefs), "project");
  gtk_window_present (GTK_WINDOW (f->prefs));
  settle (200);

  f->page = BW_PROJECT_SETTINGS_PAGE (find_type (GTK_WIDGET (f->prefs), BW_TYPE_PROJECT_SETTINGS_PAGE));
  g_assert_nonnull (f->page);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (f->page)));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *path = g_file_get_path (f->file);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  BwPreferencesWindow *prefs = g_steal_pointer (&f->prefs);

  gtk_window_destroy (GTK_WINDOW (prefs));
  settle (50);
  g_assert_finalize_object (prefs);
  g_assert_finalize_object (f->project);
  g_object_unref (f->settings);
  g_unlink (path);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (f->dir);
  g_object_unref (f->file);
  g_free (f->dir);
}

static void
test_audit (Fixture       *f,
            gconstpointer  data)
{
  GtkSwitch *on = child (f, "audit_switch");
  GtkSpinButton *rate = child (f, "rate_spin");
  GtkEditable *seed = child (f, "seed_row");
  AdwComboRow *policy = child (f, "policy_row");
  GtkLabel *problem = child (f, "problem_label");
  BwAuditSettings audit;

  /* No audit yet: everything goes to review; the rows wait for the switch. */
  audit = saved (f);
  g_assert_false (audit.enabled);
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (rate)) &&
                  gtk_widget_is_sensitive (GTK_WIDGET (rate)));

  /* On: 10 % by default, a seed drawn and shown, accepted on submit. */
  gtk_switch_set_active (on, TRUE);
  audit = saved (f);
  g_assert_true (audit.enabled);
  g_assert_cmpfloat_with_epsilon (audit.rate, 0.10, 1e-9);
  g_assert_cmpint (audit.policy, ==, BW_AUDIT_POLICY_ACCEPT);
  {
    g_autofree char *shown = g_strdup_printf ("%" G_GUINT64_FORMAT, audit.seed);

    g_assert_cmpstr (gtk_editable_get_text (seed), ==, shown);
  }
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (rate)));

  /* The rate, once the spin button has it. */
  gtk_spin_button_set_value (rate, 2.5);
  audit = saved (f);
  g_assert_cmpfloat_with_epsilon (audit.rate, 0.025, 1e-9);

  /* The seed is saved when applied, not as it is typed; a bad one is
   * shown and not saved. */
  {
    guint64 before = saved (f).seed;

    gtk_editable_set_text (seed, "12a");
    g_assert_true (gtk_widget_get_visible (GTK_WIDGET (problem)));
    g_signal_emit_by_name (seed, "apply");
    g_assert_cmpuint (saved (f).seed, ==, before);
    gtk_editable_set_text (seed, "20261129");
    g_assert_false (gtk_widget_get_visible (GTK_WIDGET (problem)));
    g_assert_cmpuint (saved (f).seed, ==, before);
    g_signal_emit_by_name (seed, "apply");
    g_assert_cmpuint (saved (f).seed, ==, 20261129);
    gtk_editable_set_text (seed, "18446744073709551615");
    g_signal_emit_by_name (seed, "entry-activated");
    g_assert_cmpuint (saved (f).seed, ==, G_MAXUINT64);
  }

  /* The policy. */
  adw_combo_row_set_selected (policy, 1);
  audit = saved (f);
  g_assert_cmpint (audit.policy, ==, BW_AUDIT_POLICY_HOLD);
  g_assert_cmpfloat_with_epsilon (audit.rate, 0.025, 1e-9);
  g_assert_cmpuint (audit.seed, ==, G_MAXUINT64);

  /* Off again: no audit, every submission reviewed. */
  gtk_switch_set_active (on, FALSE);
  g_assert_false (saved (f).enabled);
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (rate)));

  /* What the file holds is what a new page shows. */
  gtk_switch_set_active (on, TRUE);
  {
    g_autoptr(BwProjectSettingsPage) again = g_object_ref_sink (bw_project_settings_page_new (f->project));

    g_assert_true (gtk_switch_get_active (GTK_SWITCH (gtk_widget_get_template_child (GTK_WIDGET (again),
                                                                                     BW_TYPE_PROJECT_SETTINGS_PAGE,
                                                                                     "audit_switch"))));
    g_assert_cmpfloat_with_epsilon (gtk_spin_button_get_value (GTK_SPIN_BUTTON (gtk_widget_get_template_child (GTK_WIDGET (again), BW_TYPE_PROJECT_SETTINGS_PAGE, "rate_spin"))),
                                    2.5, 1e-9);
  }
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/ui/project-settings/audit", Fixture, NULL, fixture_set_up, test_audit, fixture_tear_down);

  return g_test_run ();
}
