/* test-toasts.c — toasts shown one at a time (bw_toast_overlay_add)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs with MALLOC_PERTURB_ set (tests/meson.build), so that a toast
 * record libadwaita 1.2 used after freeing it crashes every time.
 */

#include "config.h"

#include <adwaita.h>

#include "bw-dialog-util.h"

typedef struct
{
  GtkWindow       *window;
  AdwToastOverlay *overlay;
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

/* The toast widgets that show now: a dismissed one fades out without
 * taking the pointer any more. */
static void
collect_shown (GtkWidget *widget,
               GPtrArray *shown)
{
  if (g_strcmp0 (G_OBJECT_TYPE_NAME (widget), "AdwToastWidget") == 0 &&
      gtk_widget_get_can_target (widget))
    g_ptr_array_add (shown, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_shown (child, shown);
}

static gboolean
says (GtkWidget  *widget,
      const char *text)
{
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), text) == 0)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (says (child, text))
      return TRUE;
  return FALSE;
}

/* The title of the one toast shown, "" for none; fails on two at once. */
static const char *
shown_title (Fixture *fixture)
{
  static const char *titles[] = { "first", "second", "third", "fourth", "fifth", NULL };
  g_autoptr(GPtrArray) shown = g_ptr_array_new ();

  collect_shown (GTK_WIDGET (fixture->window), shown);
  g_assert_cmpuint (shown->len, <=, 1);
  if (shown->len == 0)
    return "";
  for (guint i = 0; titles[i] != NULL; i++)
    if (says (shown->pdata[0], titles[i]))
      return titles[i];
  return "?";
}

/* Iterates the main loop until @title shows, for at most 3 s. */
static gboolean
wait_for_title (Fixture    *fixture,
                const char *title)
{
  gint64 end = g_get_monotonic_time () + 3 * G_USEC_PER_SEC;

  while (g_strcmp0 (shown_title (fixture), title) != 0)
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
  return TRUE;
}

static AdwToast *
new_toast (const char *title)
{
  AdwToast *toast = adw_toast_new (title);

  adw_toast_set_timeout (toast, 0);
  return toast;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->window = GTK_WINDOW (gtk_window_new ());
  fixture->overlay = ADW_TOAST_OVERLAY (adw_toast_overlay_new ());
  adw_toast_overlay_set_child (fixture->overlay, gtk_label_new ("content"));
  gtk_window_set_child (fixture->window, GTK_WIDGET (fixture->overlay));
  gtk_window_set_default_size (fixture->window, 400, 300);
  gtk_window_present (fixture->window);
  settle (200);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gtk_window_destroy (fixture->window);
  settle (100);
}

/* A toast that comes while another shows replaces it: never two at
 * once, and the newer one shows once the older has gone. */
static void
test_newer_replaces (Fixture       *fixture,
                     gconstpointer  data)
{
  bw_toast_overlay_add (fixture->overlay, new_toast ("first"));
  g_assert_true (wait_for_title (fixture, "first"));

  bw_toast_overlay_add (fixture->overlay, new_toast ("second"));
  g_assert_true (wait_for_title (fixture, "second"));
  settle (600);
  g_assert_cmpstr (shown_title (fixture), ==, "second");
}

/* Of toasts that come while one fades out, the newest shows. */
static void
test_newest_wins (Fixture       *fixture,
                  gconstpointer  data)
{
  bw_toast_overlay_add (fixture->overlay, new_toast ("first"));
  g_assert_true (wait_for_title (fixture, "first"));

  bw_toast_overlay_add (fixture->overlay, new_toast ("second"));
  bw_toast_overlay_add (fixture->overlay, new_toast ("third"));
  bw_toast_overlay_add (fixture->overlay, new_toast ("fourth"));
  g_assert_true (wait_for_title (fixture, "fourth"));
  settle (600);
  g_assert_cmpstr (shown_title (fixture), ==, "fourth");
}

/* A toast closed early while the next waits for it to fade: the case
 * libadwaita 1.2 crashed on when it showed the next at once. Then
 * closing and adding quickly, again and again. */
static void
test_dismiss_early (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(AdwToast) first = new_toast ("first");
  g_autoptr(AdwToast) second = new_toast ("second");

  bw_toast_overlay_add (fixture->overlay, g_object_ref (first));
  g_assert_true (wait_for_title (fixture, "first"));
  settle (400);

  /* The second comes while the first fades and is closed at once. */
  adw_toast_dismiss (first);
  bw_toast_overlay_add (fixture->overlay, g_object_ref (second));
  settle (50);
  adw_toast_dismiss (second);
  settle (700);

  for (guint i = 0; i < 20; i++)
    {
      AdwToast *toast = new_toast (i % 2 ? "third" : "fourth");

      g_object_ref (toast);
      bw_toast_overlay_add (fixture->overlay, toast);
      settle (g_random_int_range (0, 40));
      adw_toast_dismiss (toast);
      g_object_unref (toast);
      settle (g_random_int_range (0, 40));
    }
  bw_toast_overlay_add (fixture->overlay, new_toast ("fifth"));
  g_assert_true (wait_for_title (fixture, "fifth"));
  settle (700);
  g_assert_cmpstr (shown_title (fixture), ==, "fifth");
}

/* A window closed while a toast waits: the waiting one is never shown
 * on an overlay that has gone. */
static void
test_close_while_waiting (void)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  AdwToastOverlay *overlay = ADW_TOAST_OVERLAY (adw_toast_overlay_new ());
  Fixture fixture = { window, overlay };

  gtk_window_set_child (window, GTK_WIDGET (overlay));
  gtk_window_present (window);
  settle (100);
  bw_toast_overlay_add (overlay, new_toast ("first"));
  g_assert_true (wait_for_title (&fixture, "first"));
  bw_toast_overlay_add (overlay, new_toast ("second"));
  gtk_window_destroy (window);
  settle (800);
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/ui/toasts/newer-replaces", Fixture, NULL, fixture_set_up, test_newer_replaces,
              fixture_tear_down);
  g_test_add ("/ui/toasts/newest-wins", Fixture, NULL, fixture_set_up, test_newest_wins,
              fixture_tear_down);
  g_test_add ("/ui/toasts/dismiss-early", Fixture, NULL, fixture_set_up, test_dismiss_early,
              fixture_tear_down);
  g_test_add_func ("/ui/toasts/close-while-waiting", test_close_while_waiting);

  return g_test_run ();
}
