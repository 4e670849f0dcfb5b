/* test-server-address.c — team server addresses as the app keeps them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>

#include "bw-server-address.h"
#include "bw-team.h"

static void
test_parse_host (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwServerAddress) address = NULL;
  g_autofree char *url = NULL;
  g_autofree char *described = NULL;

  address = bw_server_address_parse ("postgresql://ana@db.example.org:5433/labels", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (address->host, ==, "db.example.org");
  g_assert_cmpuint (address->port, ==, 5433);
  g_assert_cmpstr (address->database, ==, "labels");
  g_assert_cmpstr (address->user, ==, "ana");

  url = bw_server_address_to_url (address);
  g_assert_cmpstr (url, ==, "postgresql://ana@db.example.org:5433/labels");
  described = bw_server_address_describe (address);
  g_assert_cmpstr (described, ==, "ana@db.example.org:5433/labels");
}

static void
test_parse_default_port (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwServerAddress) address = NULL;
  g_autofree char *url = NULL;

  address = bw_server_address_parse ("postgres://bo%20b@server/team%2Done", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (address->port, ==, BW_SERVER_DEFAULT_PORT);
  g_assert_cmpstr (address->user, ==, "bo b");
  g_assert_cmpstr (address->database, ==, "team-one");
  url = bw_server_address_to_url (address);
  g_assert_cmpstr (url, ==, "postgresql://bo%20b@server/team-one");
}

/* The tests' servers listen on a socket in a folder: ?host=FOLDER. */
static void
test_parse_socket (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwServerAddress) address = NULL;
  g_autoptr(BwServerAddress) again = NULL;
  g_autofree char *url = NULL;

  address = bw_server_address_parse ("postgresql://rev@/boxwood?host=%2Ftmp%2Fbwpg-x1&port=5499", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (address->host, ==, "/tmp/bwpg-x1");
  g_assert_cmpuint (address->port, ==, 5499);
  url = bw_server_address_to_url (address);
  g_assert_cmpstr (url, ==, "postgresql://rev@/boxwood?host=%2Ftmp%2Fbwpg-x1&port=5499");

  again = bw_server_address_parse (url, &error);
  g_assert_no_error (error);
  g_assert_true (bw_server_address_equal (address, again));
}

/* A URL that holds a password is refused, whichever way it holds it. */
static void
test_refuse_password (void)
{
  const char *urls[] = {
    "postgresql://ana:s3cret@db.example.org/labels",
    "postgresql://ana@db.example.org/labels?password=s3cret",
  };

  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(BwServerAddress) address = bw_server_address_parse (urls[i], &error);

      g_assert_null (address);
      g_assert_error (error, BW_TEAM_ERROR, BW_TEAM_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, "password"));
      /* The message never repeats the password. */
      g_assert_null (strstr (error->message, "s3cret"));
    }
}

static void
test_refuse_other (void)
{
  const char *urls[] = {
    "postgresql://ana@db.example.org",          /* no database */
    "postgresql://ana@db.example.org:99999/x",  /* port out of range */
    "postgresql://ana@a,b/x",                   /* several hosts */
    "http://db.example.org/x",                  /* not ours */
    "postgresql://ana@db.example.org/x?nonsense=1",
  };

  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(BwServerAddress) address = bw_server_address_parse (urls[i], &error);

      g_assert_null (address);
      g_assert_error (error, BW_TEAM_ERROR, BW_TEAM_ERROR_INVALID);
    }
  g_assert_true (bw_server_address_is_url ("PostgreSQL://x/y"));
  g_assert_false (bw_server_address_is_url ("/home/ana/p.boxwood"));
}

static void
test_new_and_equal (void)
{
  g_autoptr(BwServerAddress) a = bw_server_address_new (" db ", 0, "labels", "ana");
  g_autoptr(BwServerAddress) b = bw_server_address_copy (a);
  g_autoptr(BwServerAddress) c = bw_server_address_new ("db", 5433, "labels", "ana");
  g_autofree char *url = NULL;

  g_assert_cmpstr (a->host, ==, "db");
  g_assert_cmpuint (a->port, ==, BW_SERVER_DEFAULT_PORT);
  g_assert_true (bw_server_address_equal (a, b));
  g_assert_false (bw_server_address_equal (a, c));

  {
    g_autoptr(BwServerAddress) v6 = bw_server_address_new ("::1", 6000, "labels", "");
    g_autoptr(BwServerAddress) back = NULL;
    g_autoptr(GError) error = NULL;

    url = bw_server_address_to_url (v6);
    g_assert_cmpstr (url, ==, "postgresql://[::1]:6000/labels");
    back = bw_server_address_parse (url, &error);
    g_assert_no_error (error);
    g_assert_true (bw_server_address_equal (v6, back));
  }
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/server-address/parse-host", test_parse_host);
  g_test_add_func ("/core/server-address/parse-default-port", test_parse_default_port);
  g_test_add_func ("/core/server-address/parse-socket", test_parse_socket);
  g_test_add_func ("/core/server-address/refuse-password", test_refuse_password);
  g_test_add_func ("/core/server-address/refuse-other", test_refuse_other);
  g_test_add_func ("/core/server-address/new-and-equal", test_new_and_equal);

  return g_test_run ();
}
