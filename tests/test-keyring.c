/* test-keyring.c — team server passwords in a real keyring
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs inside a D-Bus session of its own with GNOME Keyring's daemon
 * unlocked (tests/keyring-session.sh), never the user's own keyring.
 */

#include "config.h"

#include <locale.h>

#include "bw-keyring.h"

static void
test_store_lookup_clear (void)
{
  g_autoptr(BwServerAddress) address = bw_server_address_new ("db.example.org", 5433, "labels", "ana");
  g_autoptr(BwServerAddress) other_user = bw_server_address_new ("db.example.org", 5433, "labels", "bo");
  g_autoptr(BwServerAddress) other_port = bw_server_address_new ("db.example.org", 5432, "labels", "ana");
  g_autoptr(BwServerAddress) other_db = bw_server_address_new ("db.example.org", 5433, "labels2", "ana");
  g_autoptr(GError) error = NULL;
  char *password;

  password = bw_keyring_lookup (address, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (password);

  g_assert_true (bw_keyring_store (address, "first secret", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (bw_keyring_store (other_user, "bo's secret", NULL, &error));
  g_assert_no_error (error);

  password = bw_keyring_lookup (address, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (password, ==, "first secret");
  bw_keyring_password_free (password);

  /* Stored again: replaced, not added beside. */
  g_assert_true (bw_keyring_store (address, "second secret", NULL, &error));
  password = bw_keyring_lookup (address, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (password, ==, "second secret");
  bw_keyring_password_free (password);

  password = bw_keyring_lookup (other_user, NULL, &error);
  g_assert_cmpstr (password, ==, "bo's secret");
  bw_keyring_password_free (password);
  password = bw_keyring_lookup (other_port, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (password);
  password = bw_keyring_lookup (other_db, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (password);

  g_assert_true (bw_keyring_clear (address, NULL, &error));
  g_assert_no_error (error);
  password = bw_keyring_lookup (address, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (password);
  /* Nothing left to clear is no error. */
  g_assert_true (bw_keyring_clear (address, NULL, &error));
  g_assert_no_error (error);

  g_assert_true (bw_keyring_clear (other_user, NULL, &error));
}

typedef struct
{
  GMainLoop *loop;
  char      *password;
  gboolean   ok;
  GError    *error;
} AsyncData;

static void
stored_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  AsyncData *data = user_data;

  data->ok = bw_keyring_store_finish (result, &data->error);
  g_main_loop_quit (data->loop);
}

static void
looked_up_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  AsyncData *data = user_data;

  data->password = bw_keyring_lookup_finish (result, &data->error);
  g_main_loop_quit (data->loop);
}

static void
cleared_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  AsyncData *data = user_data;

  data->ok = bw_keyring_clear_finish (result, &data->error);
  g_main_loop_quit (data->loop);
}

/* What the app calls: the same, without blocking its main loop. */
static void
test_async (void)
{
  g_autoptr(BwServerAddress) address = bw_server_address_new ("/tmp/bwpg-sock", 5432, "boxwood", "rev");
  AsyncData data = { g_main_loop_new (NULL, FALSE), NULL, FALSE, NULL };

  bw_keyring_store_async (address, "p@ss wörd", NULL, stored_cb, &data);
  g_main_loop_run (data.loop);
  g_assert_no_error (data.error);
  g_assert_true (data.ok);

  bw_keyring_lookup_async (address, NULL, looked_up_cb, &data);
  g_main_loop_run (data.loop);
  g_assert_no_error (data.error);
  g_assert_cmpstr (data.password, ==, "p@ss wörd");
  g_clear_pointer (&data.password, bw_keyring_password_free);

  data.ok = FALSE;
  bw_keyring_clear_async (address, NULL, cleared_cb, &data);
  g_main_loop_run (data.loop);
  g_assert_no_error (data.error);
  g_assert_true (data.ok);

  bw_keyring_lookup_async (address, NULL, looked_up_cb, &data);
  g_main_loop_run (data.loop);
  g_assert_no_error (data.error);
  g_assert_null (data.password);

  g_main_loop_unref (data.loop);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/team/keyring/store-lookup-clear", test_store_lookup_clear);
  g_test_add_func ("/team/keyring/async", test_async);

  return g_test_run ();
}
