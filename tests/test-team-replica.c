/* test-team-replica.c — the desktop app's working copy of a team project,
 * against a real PostgreSQL 15 server that the test starts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * As tests/pg_cluster.py: initdb in a temporary folder, the server on a
 * Unix socket in that folder only, password authentication; run as the
 * user "nobody" when the test runs as root. The server is stopped in the
 * middle of one test and started again on the same data.
 *
 * The tests run in order on one server (starting one takes seconds):
 * each leaves the project as the next expects it.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <pwd.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bw-project.h"
#include "bw-team-private.h"
#include "bw-team-replica.h"

#define PG_BIN "/usr/lib/postgresql/15/bin"
#define ADMIN "boxwood_admin"
#define LOCAL_ID_BASE (G_GINT64_CONSTANT (1) << 48)

static struct
{
  char    *dir;           /* the cluster's folder: data, socket, log */
  char    *admin_password;
  GPid     server;
  gboolean as_nobody;
  char    *work;          /* the test's own files: the demo, the caches */
  char    *cache;
  BwTeam  *admin;
} pg;

typedef struct
{
  const char *name;
  const char *role;
  const char *password;
} Person;

/* What test_edits_reach_server() handed in, for test_review(). */
static struct
{
  gint64 layer_id;
  gint64 polygon_local;
  gint64 polygon_server;
  gint64 old_shape;
} handed_in;

static const Person alex = { "Alex Moreau", "annotator", "alex-secret-1" };
static const Person sam = { "Sam Okafor", "annotator", "sam-secret-22" };
static const Person rey = { "Rey Tanaka", "reviewer", "rey-secret-333" };
static const Person lee = { "Lee Park", "lead", "lee-secret-4444" };

/* The cluster */

static GPtrArray *
server_command (void)
{
  GPtrArray *argv = g_ptr_array_new_with_free_func (g_free);

  if (pg.as_nobody)
    {
      struct passwd *nobody = getpwnam ("nobody");

      g_assert_nonnull (nobody);
      g_ptr_array_add (argv, g_strdup ("setpriv"));
      g_ptr_array_add (argv, g_strdup_printf ("--reuid=%u", (guint) nobody->pw_uid));
      g_ptr_array_add (argv, g_strdup_printf ("--regid=%u", (guint) nobody->pw_gid));
      g_ptr_array_add (argv, g_strdup ("--clear-groups"));
      g_ptr_array_add (argv, g_strdup ("--"));
    }
  return argv;
}

static char *
admin_url (const char *database)
{
  g_autofree char *host = g_uri_escape_string (pg.dir, NULL, FALSE);

  return g_strdup_printf ("postgresql://" ADMIN ":%s@/%s?host=%s", pg.admin_password, database,
                          host);
}

/* A person's URL, without the password. */
static char *
url_for (const Person *person)
{
  g_autofree char *host = g_uri_escape_string (pg.dir, NULL, FALSE);
  g_autofree char *user = g_uri_escape_string (person->name, NULL, FALSE);

  return g_strdup_printf ("postgresql://%s@/boxwood?host=%s", user, host);
}

static void
start_server (void)
{
  g_autoptr(GPtrArray) argv = server_command ();
  g_autofree char *data = g_build_filename (pg.dir, "data", NULL);
  g_autofree char *log = g_build_filename (pg.dir, "server.log", NULL);
  g_autofree char *url = admin_url ("postgres");
  g_autoptr(GError) error = NULL;
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  int log_fd;

  g_ptr_array_add (argv, g_strdup (PG_BIN "/postgres"));
  g_ptr_array_add (argv, g_strdup ("-D"));
  g_ptr_array_add (argv, g_strdup (data));
  g_ptr_array_add (argv, g_strdup ("-c"));
  g_ptr_array_add (argv, g_strdup ("listen_addresses="));
  g_ptr_array_add (argv, g_strdup ("-k"));
  g_ptr_array_add (argv, g_strdup (pg.dir));
  g_ptr_array_add (argv, g_strdup ("-c"));
  g_ptr_array_add (argv, g_strdup ("fsync=off"));
  g_ptr_array_add (argv, g_strdup ("-c"));
  g_ptr_array_add (argv, g_strdup ("log_min_messages=warning"));
  g_ptr_array_add (argv, NULL);

  log_fd = open (log, O_WRONLY | O_CREAT | O_APPEND, 0644);
  g_assert_cmpint (log_fd, >=, 0);
  g_assert_true (g_spawn_async_with_fds (NULL, (char **) argv->pdata, NULL,
                                         G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_SEARCH_PATH,
                                         NULL, NULL, &pg.server, -1, log_fd, log_fd, &error));
  g_assert_no_error (error);
  close (log_fd);

  for (;;)
    {
      g_autoptr(BwTeam) probe = bw_team_connect (url, NULL);

      if (probe != NULL)
        break;
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (50 * 1000);
    }
}

static void
stop_server (void)
{
  int status;

  if (pg.server == 0)
    return;
  /* SIGINT: a fast shutdown, every client cut off. */
  kill (pg.server, SIGINT);
  waitpid (pg.server, &status, 0);
  g_spawn_close_pid (pg.server);
  pg.server = 0;
}

/* Runs SQL as the owner and gives the first column of the first row as
 * a number (-1 when there is none). */
static gint64
admin_int (const char *format,
           ...) G_GNUC_PRINTF (1, 2);

static gint64
admin_int (const char *format,
           ...)
{
  g_autofree char *sql = NULL;
  PGresult *result;
  gint64 value = -1;
  va_list args;

  va_start (args, format);
  sql = g_strdup_vprintf (format, args);
  va_end (args);

  /* The connection may have been cut by a restart: once more. */
  for (int attempt = 0; attempt < 2; attempt++)
    {
      result = PQexec (_bw_team_get_conn (pg.admin), sql);
      if (PQresultStatus (result) == PGRES_TUPLES_OK || PQresultStatus (result) == PGRES_COMMAND_OK)
        break;
      PQclear (result);
      result = NULL;
      g_clear_object (&pg.admin);
      {
        g_autofree char *url = admin_url ("boxwood");
        g_autoptr(GError) error = NULL;

        pg.admin = bw_team_connect (url, &error);
        g_assert_no_error (error);
      }
    }
  g_assert_nonnull (result);
  if (PQresultStatus (result) == PGRES_TUPLES_OK && PQntuples (result) > 0 && !PQgetisnull (result, 0, 0))
    value = g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
  PQclear (result);
  return value;
}

static void
make_project (const char *path)
{
  const char *make_demo = g_getenv ("BW_MAKE_DEMO");
  g_autofree char *demo_dir = g_build_filename (pg.work, "demo", NULL);
  const char *argv[] = { make_demo, demo_dir, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(BwProject) project = NULL;
  g_autoptr(BwShape) box = bw_shape_new_box (10, 10, 200, 150);
  g_autoptr(GArray) ids = NULL;
  gint64 gold_image, gold_layer = 0, lead = 0;
  int status = 0;

  g_assert_nonnull (make_demo);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                               NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, &error));

  project = bw_project_open (file, &error);
  g_assert_no_error (error);
  /* The last scene is a gold image with an expert's answer. */
  ids = bw_project_list_image_ids (project, -1, NULL, &error);
  g_assert_no_error (error);
  gold_image = g_array_index (ids, gint64, ids->len - 1);
  g_assert_true (bw_project_set_images_gold (project, &gold_image, 1, TRUE, &error));
  g_assert_true (bw_project_ensure_person (project, lee.name, BW_ROLE_LEAD, &lead, &error));
  g_assert_true (bw_project_ensure_layer (project, gold_image, lead, BW_LAYER_KIND_GOLD,
                                          &gold_layer, &error));
  g_assert_true (bw_project_add_annotation (project, gold_layer, 1, box, BW_SOURCE_DRAWN, 1.0,
                                            NULL, &error));
  g_assert_no_error (error);
}

static void
setup_cluster (void)
{
  g_autoptr(GPtrArray) argv = server_command ();
  g_autofree char *data = NULL;
  g_autofree char *pwfile = NULL;
  g_autofree char *url = NULL;
  g_autofree char *project_path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BwTeam) postgres = NULL;
  g_autoptr(PGresult) created = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(BwProject) project = NULL;
  const Person *people[] = { &alex, &sam, &rey, &lee };
  int status = 0;

  pg.dir = g_strdup ("/tmp/bwrp-XXXXXX");
  g_assert_nonnull (g_mkdtemp (pg.dir));
  pg.work = g_dir_make_tmp ("bw-replica-XXXXXX", &error);
  g_assert_no_error (error);
  pg.cache = g_build_filename (pg.work, "cache", NULL);
  pg.admin_password = g_uuid_string_random ();
  if (pg.as_nobody)
    {
      struct passwd *nobody = getpwnam ("nobody");

      g_assert_cmpint (chown (pg.dir, nobody->pw_uid, nobody->pw_gid), ==, 0);
    }

  data = g_build_filename (pg.dir, "data", NULL);
  pwfile = g_build_filename (pg.dir, "pw", NULL);
  g_assert_true (g_file_set_contents (pwfile, pg.admin_password, -1, &error));
  if (pg.as_nobody)
    {
      struct passwd *nobody = getpwnam ("nobody");

      g_assert_cmpint (chown (pwfile, nobody->pw_uid, nobody->pw_gid), ==, 0);
    }
  g_ptr_array_add (argv, g_strdup (PG_BIN "/initdb"));
  g_ptr_array_add (argv, g_strdup ("-D"));
  g_ptr_array_add (argv, g_strdup (data));
  g_ptr_array_add (argv, g_strdup ("-U"));
  g_ptr_array_add (argv, g_strdup (ADMIN));
  g_ptr_array_add (argv, g_strdup ("--pwfile"));
  g_ptr_array_add (argv, g_strdup (pwfile));
  g_ptr_array_add (argv, g_strdup ("--auth=scram-sha-256"));
  g_ptr_array_add (argv, g_strdup ("--encoding=UTF8"));
  g_ptr_array_add (argv, g_strdup ("--locale=C.UTF-8"));
  g_ptr_array_add (argv, g_strdup ("--no-sync"));
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (pg.dir, (char **) argv->pdata, NULL,
                               G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                               NULL, NULL, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, &error));
  g_unlink (pwfile);

  start_server ();
  url = admin_url ("postgres");
  postgres = bw_team_connect (url, &error);
  g_assert_no_error (error);
  created = PQexec (_bw_team_get_conn (postgres), "CREATE DATABASE boxwood");
  g_assert_cmpint (PQresultStatus (created), ==, PGRES_COMMAND_OK);

  g_clear_pointer (&url, g_free);
  url = admin_url ("boxwood");
  pg.admin = bw_team_connect (url, &error);
  g_assert_no_error (error);
  g_assert_true (bw_team_server_init (pg.admin, &error));
  g_assert_no_error (error);

  project_path = g_build_filename (pg.work, "demo", "demo.boxwood", NULL);
  make_project (project_path);
  file = g_file_new_for_path (project_path);
  project = bw_project_open (file, &error);
  g_assert_no_error (error);
  g_assert_true (bw_team_push (pg.admin, project, &error));
  g_assert_no_error (error);
  /* The demo's submitted work is judged already: the review queue holds
   * only what the tests hand in. */
  g_assert_cmpint (admin_int ("WITH done AS (UPDATE assignments SET status = 4 WHERE task = 0"
                              " AND status = 2 RETURNING 1) SELECT count (*) FROM done"), >, 0);
  for (guint i = 0; i < G_N_ELEMENTS (people); i++)
    {
      BwRole role = g_str_equal (people[i]->role, "annotator") ? BW_ROLE_ANNOTATOR
                    : g_str_equal (people[i]->role, "reviewer") ? BW_ROLE_REVIEWER : BW_ROLE_LEAD;

      g_assert_true (bw_team_add_user (pg.admin, people[i]->name, role, people[i]->password, &error));
      g_assert_no_error (error);
    }
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
teardown_cluster (void)
{
  g_clear_object (&pg.admin);
  stop_server ();
  remove_tree (pg.dir);
  remove_tree (pg.work);
}

/* Replicas */

static BwTeamReplica *
open_as (const Person *person)
{
  g_autofree char *url = url_for (person);
  g_autoptr(GFile) cache = g_file_new_for_path (pg.cache);
  g_autoptr(GError) error = NULL;
  BwTeamReplica *replica = bw_team_replica_open (url, person->password, cache, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (replica);
  return replica;
}

/* Runs the main context until @check says yes; fails after @seconds. */
static void
wait_until (gboolean   (*check) (gpointer),
            gpointer     data,
            double       seconds,
            const char  *what)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);

  while (!check (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Waited %.0f s in vain for %s", seconds, what);
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (5 * 1000);
    }
}

static gint64 copy_int (BwTeamReplica *replica, const char *format, ...) G_GNUC_PRINTF (2, 3);

/* Connected, and the queue in the copy empty (an edit queues in the
 * transaction that makes it, so this cannot pass before it is sent). */
static gboolean
nothing_pending (gpointer data)
{
  BwTeamReplica *replica = data;

  return bw_team_replica_get_connected (replica) && bw_team_replica_get_pending (replica) == 0 &&
         copy_int (replica, "SELECT count (*) FROM team_outbox") == 0;
}

static gboolean
is_offline (gpointer data)
{
  return !bw_team_replica_get_connected (BW_TEAM_REPLICA (data));
}

/* The copy read with SQLite itself, not through the store. */
static gint64
copy_int (BwTeamReplica *replica,
          const char    *format,
          ...)
{
  g_autofree char *path = g_file_get_path (bw_project_get_file (bw_team_replica_get_project (replica)));
  g_autofree char *sql = NULL;
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;
  va_list args;

  va_start (args, format);
  sql = g_strdup_vprintf (format, args);
  va_end (args);
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

static gint64
layer_of (BwTeamReplica *replica,
          gint64         image_id)
{
  gint64 me = bw_team_replica_get_person_id (replica);

  g_assert_cmpint (me, >, 0);
  return copy_int (replica, "SELECT id FROM layers WHERE image_id = %" G_GINT64_FORMAT
                   " AND person_id = %" G_GINT64_FORMAT " AND kind = 0", image_id, me);
}

/* The tests */

static void
test_open_by_role (void)
{
  g_autoptr(BwTeamReplica) annotator = NULL;
  g_autoptr(BwTeamReplica) lead = NULL;
  g_autofree char *url = url_for (&alex);
  g_autoptr(GFile) cache = g_file_new_for_path (pg.cache);
  g_autoptr(GError) error = NULL;
  g_autoptr(BwTeamReplica) refused = NULL;
  gint64 me;

  /* No password, or a wrong one: the app asks for one. */
  g_unsetenv ("PGPASSWORD");
  refused = bw_team_replica_open (url, "not-the-password", cache, NULL, &error);
  g_assert_error (error, BW_TEAM_ERROR, BW_TEAM_ERROR_AUTH);
  g_assert_null (refused);
  g_clear_error (&error);
  refused = bw_team_replica_open (url, NULL, cache, NULL, &error);
  g_assert_error (error, BW_TEAM_ERROR, BW_TEAM_ERROR_AUTH);
  g_assert_null (refused);
  g_clear_error (&error);

  annotator = open_as (&alex);
  g_assert_cmpint (bw_team_replica_get_role (annotator), ==, BW_ROLE_ANNOTATOR);
  g_assert_cmpstr (bw_team_replica_get_user (annotator), ==, alex.name);
  g_assert_null (strstr (bw_team_replica_get_url (annotator), alex.password));
  me = bw_team_replica_get_person_id (annotator);
  g_assert_cmpint (me, >, 0);

  lead = open_as (&lee);
  g_assert_cmpint (bw_team_replica_get_role (lead), ==, BW_ROLE_LEAD);

  /* The lead's copy has the gold answer and Sam's work… */
  g_assert_cmpint (copy_int (lead, "SELECT count (*) FROM layers WHERE kind = 1"), ==, 1);
  g_assert_cmpint (copy_int (lead, "SELECT count (*) FROM annotations a JOIN layers l"
                                   " ON l.id = a.layer_id WHERE l.kind = 1"), ==, 1);
  g_assert_cmpint (copy_int (lead, "SELECT count (*) FROM layers l JOIN people p ON p.id = l.person_id"
                                   " WHERE p.name = 'Sam Okafor'"), >, 0);
  g_assert_cmpint (copy_int (lead, "SELECT count (*) FROM images WHERE is_gold <> 0"), ==, 1);

  /* …the annotator's has neither, nor a gold mark: only their own work. */
  g_assert_cmpint (copy_int (annotator, "SELECT count (*) FROM layers WHERE kind = 1"), ==, 0);
  g_assert_cmpint (copy_int (annotator, "SELECT count (*) FROM layers WHERE kind = 0"
                                        " AND person_id IS NOT %" G_GINT64_FORMAT, me), ==, 0);
  g_assert_cmpint (copy_int (annotator, "SELECT count (*) FROM annotations a JOIN layers l"
                                        " ON l.id = a.layer_id WHERE l.person_id IS NOT %"
                                        G_GINT64_FORMAT, me), ==, 0);
  g_assert_cmpint (copy_int (annotator, "SELECT count (*) FROM images WHERE is_gold <> 0"), ==, 0);
  g_assert_cmpint (copy_int (annotator, "SELECT count (*) FROM layers WHERE person_id = %"
                                        G_GINT64_FORMAT, me), >, 0);
  /* The same as the server gives this role (its own rows). */
  g_assert_cmpint (copy_int (annotator, "SELECT count (*) FROM annotations"), ==,
                   admin_int ("SELECT count (*) FROM annotations a JOIN layers l ON l.id = a.layer_id"
                              " JOIN people p ON p.id = l.person_id WHERE p.login = 'Alex Moreau'"));

  wait_until (nothing_pending, annotator, 30, "the annotator's replica to connect");
  bw_team_replica_close (annotator, 1000);
  bw_team_replica_close (lead, 1000);
  g_assert_finalize_object (g_steal_pointer (&annotator));
  g_assert_finalize_object (g_steal_pointer (&lead));

  /* Opened again: brought up to date, not pulled again (same file). */
  annotator = open_as (&alex);
  g_assert_cmpint (copy_int (annotator, "SELECT count (*) FROM team_state WHERE key = 'key'"), ==, 1);
  bw_team_replica_close (annotator, 1000);
  g_assert_finalize_object (g_steal_pointer (&annotator));
}

typedef struct
{
  gint64 changed_at;
  guint  count;
} RemoteLog;

static void
remote_changed_cb (BwTeamReplica *replica,
                   RemoteLog     *log)
{
  log->changed_at = g_get_monotonic_time ();
  log->count++;
}

typedef struct
{
  BwTeamReplica *replica;
  gint64         layer_id;
  RemoteLog     *log;
} SeenCheck;

static gboolean
reviewer_sees_submission (gpointer data)
{
  SeenCheck *check = data;

  return check->log->count > 0 &&
         copy_int (check->replica, "SELECT status FROM assignments WHERE layer_id = %" G_GINT64_FORMAT
                   " AND task = 0", check->layer_id) == BW_ASSIGNMENT_SUBMITTED;
}

static void
test_edits_reach_server (void)
{
  g_autoptr(BwTeamReplica) annotator = open_as (&alex);
  g_autoptr(BwTeamReplica) reviewer = open_as (&rey);
  BwProject *project = bw_team_replica_get_project (annotator);
  g_autoptr(GError) error = NULL;
  g_autoptr(BwShape) box = bw_shape_new_box (20.5, 30.25, 120, 90);
  const BwPoint outer[] = { { 300, 300 }, { 400, 310 }, { 350, 420 } };
  const BwPoint inner[] = { { 500, 500 }, { 560, 500 }, { 560, 580 }, { 500, 570 } };
  g_autoptr(BwShape) polygon = bw_shape_new_polygon (outer, G_N_ELEMENTS (outer));
  RemoteLog log = { 0, 0 };
  SeenCheck check;
  gint64 image_id = 0, layer_id, server_layer_count, box_id = 0, polygon_id = 0, server_polygon;
  gint64 submitted_at, old_shape;
  gboolean found = FALSE;
  g_autofree char *image_path = NULL;
  g_autoptr(BwImage) image = NULL;

  bw_shape_add_part (polygon, inner, G_N_ELEMENTS (inner));
  wait_until (nothing_pending, annotator, 30, "the annotator's replica to connect");
  wait_until (nothing_pending, reviewer, 30, "the reviewer's replica to connect");

  g_assert_true (bw_team_replica_claim_next (annotator, &image_id, &found, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (found);
  layer_id = layer_of (annotator, image_id);
  g_assert_cmpint (layer_id, >, 0);
  /* The image is in the cache, where the canvas looks for it. */
  image = bw_project_get_image (project, image_id, &error);
  g_assert_no_error (error);
  image_path = bw_project_resolve_image_path (project, image->path);
  g_assert_true (g_file_test (image_path, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpint (admin_int ("SELECT length (bytes) FROM image_data WHERE image_id = %"
                              G_GINT64_FORMAT, image_id), ==, image->byte_size);

  server_layer_count = admin_int ("SELECT count (*) FROM annotations WHERE layer_id = %"
                                  G_GINT64_FORMAT, layer_id);
  g_assert_true (bw_project_add_annotation (project, layer_id, 1, box, BW_SOURCE_DRAWN, 1.0,
                                            &box_id, &error));
  g_assert_true (bw_project_add_annotation (project, layer_id, 2, polygon, BW_SOURCE_DRAWN, 1.0,
                                            &polygon_id, &error));
  g_assert_no_error (error);
  /* New shapes are numbered where no server id reaches. */
  g_assert_cmpint (box_id, >, LOCAL_ID_BASE);
  wait_until (nothing_pending, annotator, 30, "the box and the polygon to be sent");

  g_assert_cmpint (admin_int ("SELECT count (*) FROM annotations WHERE layer_id = %" G_GINT64_FORMAT,
                              layer_id), ==, server_layer_count + 2);
  server_polygon = admin_int ("SELECT id FROM annotations WHERE layer_id = %" G_GINT64_FORMAT
                              " AND kind = 1 AND client_key IS NOT NULL", layer_id);
  g_assert_cmpint (server_polygon, >, 0);
  g_assert_cmpint (server_polygon, <, LOCAL_ID_BASE);
  g_assert_cmpint (admin_int ("SELECT category_id FROM annotations WHERE id = %" G_GINT64_FORMAT,
                              server_polygon), ==, 2);
  /* The polygon's parts, byte for byte, and the box's corners. */
  g_assert_cmpint (admin_int ("SELECT length (parts) FROM annotations WHERE id = %" G_GINT64_FORMAT,
                              server_polygon), ==,
                   copy_int (annotator, "SELECT length (parts) FROM annotations WHERE id = %"
                             G_GINT64_FORMAT, polygon_id));
  g_assert_cmpint (admin_int ("SELECT count (*) FROM annotations WHERE layer_id = %" G_GINT64_FORMAT
                              " AND kind = 0 AND x0 = 20.5 AND y0 = 30.25 AND x1 = 120 AND y1 = 90"
                              " AND client_key IS NOT NULL", layer_id), ==, 1);

  /* A change and a deletion, and a change of a shape that was on the
   * server before. */
  g_assert_true (bw_project_set_annotation_category (project, polygon_id, 3, &error));
  old_shape = copy_int (annotator, "SELECT min (id) FROM annotations WHERE layer_id = %" G_GINT64_FORMAT,
                        layer_id);
  g_assert_cmpint (old_shape, <, LOCAL_ID_BASE);
  g_assert_true (bw_project_set_annotation_category (project, old_shape, 4, &error));
  g_assert_true (bw_project_delete_annotation (project, box_id, &error));
  g_assert_no_error (error);
  wait_until (nothing_pending, annotator, 30, "the change and the deletion to be sent");
  g_assert_cmpint (admin_int ("SELECT count (*) FROM annotations WHERE layer_id = %" G_GINT64_FORMAT,
                              layer_id), ==, server_layer_count + 1);
  g_assert_cmpint (admin_int ("SELECT category_id FROM annotations WHERE id = %" G_GINT64_FORMAT,
                              server_polygon), ==, 3);
  g_assert_cmpint (admin_int ("SELECT count (*) FROM annotation_versions WHERE annotation_id = %"
                              G_GINT64_FORMAT, server_polygon), >=, 1);
  g_assert_cmpint (admin_int ("SELECT category_id FROM annotations WHERE id = %" G_GINT64_FORMAT,
                              old_shape), ==, 4);
  g_assert_cmpint (admin_int ("SELECT count (*) FROM annotations WHERE client_key IS NOT NULL"
                              " AND layer_id = %" G_GINT64_FORMAT, layer_id), ==, 1);
  /* The copy did not take its own shapes in twice. */
  g_assert_cmpint (copy_int (annotator, "SELECT count (*) FROM annotations WHERE layer_id = %"
                             G_GINT64_FORMAT, layer_id), ==, server_layer_count + 1);

  /* Submitted here; the reviewer's replica hears of it. */
  g_signal_connect (reviewer, "remote-changed", G_CALLBACK (remote_changed_cb), &log);
  submitted_at = g_get_monotonic_time ();
  g_assert_true (bw_project_submit_layer (project, layer_id, &error));
  g_assert_no_error (error);
  check = (SeenCheck) { reviewer, layer_id, &log };
  wait_until (reviewer_sees_submission, &check, 10, "the reviewer's copy to show the submission");
  g_test_message ("submission seen by the reviewer's replica after %.0f ms",
                  (log.changed_at - submitted_at) / 1000.0);
  g_assert_cmpint (admin_int ("SELECT status FROM assignments WHERE layer_id = %" G_GINT64_FORMAT
                              " AND task = 0", layer_id), ==, BW_ASSIGNMENT_SUBMITTED);
  /* The reviewer's copy has the shapes as the server has them. */
  g_assert_cmpint (copy_int (reviewer, "SELECT count (*) FROM annotations WHERE layer_id = %"
                             G_GINT64_FORMAT, layer_id), ==, server_layer_count + 1);
  g_assert_cmpint (copy_int (reviewer, "SELECT category_id FROM annotations WHERE id = %"
                             G_GINT64_FORMAT, server_polygon), ==, 3);
  g_assert_cmpint (copy_int (reviewer, "SELECT length (parts) FROM annotations WHERE id = %"
                             G_GINT64_FORMAT, server_polygon), ==,
                   copy_int (annotator, "SELECT length (parts) FROM annotations WHERE id = %"
                             G_GINT64_FORMAT, polygon_id));

  handed_in.layer_id = layer_id;
  handed_in.polygon_local = polygon_id;
  handed_in.polygon_server = server_polygon;
  handed_in.old_shape = old_shape;

  bw_team_replica_close (annotator, 2000);
  bw_team_replica_close (reviewer, 2000);
  g_assert_cmpuint (bw_team_replica_get_pending (annotator), ==, 0);
  g_assert_finalize_object (g_steal_pointer (&annotator));
  g_assert_finalize_object (g_steal_pointer (&reviewer));
}

typedef struct
{
  BwTeamReplica *replica;
  gint64         layer_id;
} ReturnedCheck;

static gboolean
annotator_sees_return (gpointer data)
{
  ReturnedCheck *check = data;

  return copy_int (check->replica, "SELECT status FROM assignments WHERE layer_id = %" G_GINT64_FORMAT
                   " AND task = 0", check->layer_id) == BW_ASSIGNMENT_RETURNED;
}

static void
test_review (void)
{
  g_autoptr(BwTeamReplica) reviewer = open_as (&rey);
  g_autoptr(BwTeamReplica) annotator = open_as (&alex);
  BwProject *project = bw_team_replica_get_project (reviewer);
  g_autoptr(GError) error = NULL;
  g_autoptr(BwShape) fixed = bw_shape_new_box (40, 40, 80, 90);
  ReturnedCheck check;
  gint64 image_id = 0, rey_id, layer_id = handed_in.layer_id;
  gboolean found = FALSE;

  wait_until (nothing_pending, reviewer, 30, "the reviewer's replica to connect");
  wait_until (nothing_pending, annotator, 30, "the annotator's replica to connect");
  g_assert_true (bw_team_replica_claim_review (reviewer, &image_id, &found, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (found);
  g_assert_cmpint (copy_int (reviewer, "SELECT image_id FROM layers WHERE id = %" G_GINT64_FORMAT,
                             layer_id), ==, image_id);
  rey_id = bw_team_replica_get_person_id (reviewer);

  /* A verdict on a shape, a fix, and the layer sent back. */
  g_assert_true (bw_project_review_annotation (project, handed_in.polygon_server, rey_id,
                                               BW_VERDICT_REJECT, 3, "wrong category", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (bw_project_fix_annotation (project, handed_in.old_shape, rey_id, fixed, 1, 4,
                                            "tighter", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (bw_project_return_layer (project, layer_id, rey_id, 1, "see the marks", NULL,
                                          &error));
  g_assert_no_error (error);
  wait_until (nothing_pending, reviewer, 30, "the verdicts to be sent");

  g_assert_cmpint (admin_int ("SELECT status FROM assignments WHERE layer_id = %" G_GINT64_FORMAT
                              " AND task = 0", layer_id), ==, BW_ASSIGNMENT_RETURNED);
  g_assert_cmpint (admin_int ("SELECT count (*) FROM reviews WHERE layer_id = %" G_GINT64_FORMAT
                              " AND annotation_id = %" G_GINT64_FORMAT " AND verdict = 1"
                              " AND reason_id = 3 AND comment = 'wrong category'",
                              layer_id, handed_in.polygon_server), ==, 1);
  g_assert_cmpint (admin_int ("SELECT count (*) FROM reviews WHERE layer_id = %" G_GINT64_FORMAT
                              " AND annotation_id IS NULL AND verdict = 1 AND reason_id = 1"
                              " AND comment = 'see the marks'", layer_id), ==, 1);
  g_assert_cmpint (admin_int ("SELECT count (*) FROM reviews WHERE layer_id = %" G_GINT64_FORMAT
                              " AND annotation_id = %" G_GINT64_FORMAT " AND verdict = 2",
                              layer_id, handed_in.old_shape), ==, 1);
  /* The fix is the reviewer's version of the shape. */
  g_assert_cmpint (admin_int ("SELECT count (*) FROM annotations a JOIN people p ON p.id = a.author_id"
                              " WHERE a.id = %" G_GINT64_FORMAT " AND p.login = 'Rey Tanaka'"
                              " AND a.x0 = 40 AND a.y1 = 90", handed_in.old_shape), ==, 1);
  /* Each verdict once in the reviewer's copy, too. */
  wait_until (nothing_pending, reviewer, 30, "the reviewer's copy to settle");
  g_assert_cmpint (copy_int (reviewer, "SELECT count (*) FROM reviews WHERE layer_id = %" G_GINT64_FORMAT
                             " AND implied_by IS NULL", layer_id), ==,
                   admin_int ("SELECT count (*) FROM reviews WHERE layer_id = %" G_GINT64_FORMAT,
                              layer_id));

  /* The annotator's copy shows the work returned, with the rejection on
   * their own polygon (under its id in their copy) and the fix. */
  check = (ReturnedCheck) { annotator, layer_id };
  wait_until (annotator_sees_return, &check, 10, "the annotator's copy to show the return");
  g_assert_cmpint (copy_int (annotator, "SELECT count (*) FROM reviews WHERE annotation_id = %"
                             G_GINT64_FORMAT " AND verdict = 1 AND reason_id = 3",
                             handed_in.polygon_local), ==, 1);
  g_assert_cmpint (copy_int (annotator, "SELECT x0 FROM annotations WHERE id = %" G_GINT64_FORMAT,
                             handed_in.old_shape), ==, 40);

  bw_team_replica_close (reviewer, 2000);
  bw_team_replica_close (annotator, 2000);
  g_assert_finalize_object (g_steal_pointer (&reviewer));
  g_assert_finalize_object (g_steal_pointer (&annotator));
}

static gboolean
is_online (gpointer data)
{
  return bw_team_replica_get_connected (BW_TEAM_REPLICA (data));
}

typedef struct
{
  BwTeamReplica *replica;
  guint          pending;
} PendingCheck;

static gboolean
has_pending (gpointer data)
{
  PendingCheck *check = data;

  return bw_team_replica_get_pending (check->replica) == check->pending;
}

static void
test_offline (void)
{
  g_autoptr(BwTeamReplica) annotator = open_as (&alex);
  BwProject *project = bw_team_replica_get_project (annotator);
  g_autoptr(GError) error = NULL;
  g_autoptr(BwShape) first = bw_shape_new_box (1, 2, 30, 40);
  g_autoptr(BwShape) second = bw_shape_new_box (50, 60, 70, 80);
  g_autoptr(BwShape) third = bw_shape_new_box (90, 91, 130, 140);
  gint64 image_id = 0, layer_id, before;
  gboolean found = FALSE;
  PendingCheck check;

  wait_until (nothing_pending, annotator, 30, "the replica to connect");
  g_assert_true (bw_team_replica_claim_next (annotator, &image_id, &found, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (found);
  layer_id = layer_of (annotator, image_id);
  before = admin_int ("SELECT count (*) FROM annotations WHERE layer_id = %" G_GINT64_FORMAT, layer_id);

  /* One edit acknowledged before the server goes. */
  g_assert_true (bw_project_add_annotation (project, layer_id, 1, first, BW_SOURCE_DRAWN, 1.0,
                                            NULL, &error));
  wait_until (nothing_pending, annotator, 30, "the first box to be sent");

  stop_server ();
  wait_until (is_offline, annotator, 30, "the replica to notice the server is gone");
  g_assert_nonnull (bw_team_replica_get_last_error (annotator));
  g_test_message ("offline: %s", bw_team_replica_get_last_error (annotator));

  g_assert_true (bw_project_add_annotation (project, layer_id, 1, second, BW_SOURCE_DRAWN, 1.0,
                                            NULL, &error));
  g_assert_true (bw_project_add_annotation (project, layer_id, 1, third, BW_SOURCE_DRAWN, 1.0,
                                            NULL, &error));
  g_assert_no_error (error);
  check = (PendingCheck) { annotator, 2 };
  wait_until (has_pending, &check, 10, "two edits to be pending");

  /* Closed and opened again while the server is down: still queued. */
  bw_team_replica_close (annotator, 300);
  g_assert_cmpuint (bw_team_replica_get_pending (annotator), ==, 2);
  g_assert_finalize_object (g_steal_pointer (&annotator));
  annotator = open_as (&alex);
  project = bw_team_replica_get_project (annotator);
  g_assert_false (bw_team_replica_get_connected (annotator));
  g_assert_cmpuint (bw_team_replica_get_pending (annotator), ==, 2);
  g_assert_cmpint (copy_int (annotator, "SELECT count (*) FROM annotations WHERE layer_id = %"
                             G_GINT64_FORMAT, layer_id), ==, before + 3);
  /* Claiming needs the server. */
  g_assert_false (bw_team_replica_claim_next (annotator, &image_id, &found, NULL, &error));
  g_assert_error (error, BW_TEAM_ERROR, BW_TEAM_ERROR_CONNECT);
  g_clear_error (&error);

  start_server ();
  wait_until (is_online, annotator, 30, "the replica to connect again");
  wait_until (nothing_pending, annotator, 30, "the queued edits to be sent");
  g_assert_null (bw_team_replica_get_last_error (annotator));
  g_assert_cmpint (admin_int ("SELECT count (*) FROM annotations WHERE layer_id = %" G_GINT64_FORMAT,
                              layer_id), ==, before + 3);
  g_assert_cmpint (admin_int ("SELECT count (*) FROM annotations WHERE layer_id = %" G_GINT64_FORMAT
                              " AND x0 IN (1, 50, 90)", layer_id), ==, 3);
  g_assert_cmpint (copy_int (annotator, "SELECT count (*) FROM annotations WHERE layer_id = %"
                             G_GINT64_FORMAT, layer_id), ==, before + 3);

  g_assert_true (bw_project_submit_layer (project, layer_id, &error));
  g_assert_no_error (error);
  bw_team_replica_close (annotator, 5000);
  g_assert_cmpuint (bw_team_replica_get_pending (annotator), ==, 0);
  g_assert_finalize_object (g_steal_pointer (&annotator));
}

static void
test_claims_differ (void)
{
  g_autoptr(BwTeamReplica) first = open_as (&alex);
  g_autoptr(BwTeamReplica) second = open_as (&sam);
  g_autoptr(GError) error = NULL;

  wait_until (nothing_pending, first, 30, "the first replica to connect");
  wait_until (nothing_pending, second, 30, "the second replica to connect");
  for (int round = 0; round < 3; round++)
    {
      gint64 a = 0, b = 0;
      gboolean found_a = FALSE, found_b = FALSE;

      g_assert_true (bw_team_replica_claim_next (first, &a, &found_a, NULL, &error));
      g_assert_true (bw_team_replica_claim_next (second, &b, &found_b, NULL, &error));
      g_assert_no_error (error);
      g_assert_true (found_a && found_b);
      g_assert_cmpint (a, !=, b);
      g_assert_cmpint (admin_int ("SELECT count (*) FROM (SELECT image_id FROM assignments"
                                  " WHERE task = 0 AND status = 1 AND lease_expires_at > now ()"
                                  " GROUP BY image_id HAVING count (*) > 1) AS twice"), ==, 0);
      g_assert_true (bw_project_submit_layer (bw_team_replica_get_project (first),
                                              layer_of (first, a), &error));
      g_assert_true (bw_project_submit_layer (bw_team_replica_get_project (second),
                                              layer_of (second, b), &error));
      g_assert_no_error (error);
      wait_until (nothing_pending, first, 30, "the first submission to be sent");
      wait_until (nothing_pending, second, 30, "the second submission to be sent");
      g_assert_cmpint (admin_int ("SELECT status FROM assignments WHERE task = 0 AND layer_id = %"
                                  G_GINT64_FORMAT, layer_of (first, a)), ==, BW_ASSIGNMENT_SUBMITTED);
    }
  bw_team_replica_close (first, 2000);
  bw_team_replica_close (second, 2000);
  g_assert_finalize_object (g_steal_pointer (&first));
  g_assert_finalize_object (g_steal_pointer (&second));
}

static void
refused_cb (BwTeamReplica *replica,
            const char    *message,
            char         **seen)
{
  g_free (*seen);
  *seen = g_strdup (message);
}

static gboolean
was_refused (gpointer data)
{
  return *(char **) data != NULL;
}

static void
test_refused (void)
{
  g_autoptr(BwTeamReplica) annotator = open_as (&alex);
  BwProject *project = bw_team_replica_get_project (annotator);
  g_autoptr(GError) error = NULL;
  g_autoptr(BwShape) box = bw_shape_new_box (5, 5, 25, 25);
  g_autofree char *message = NULL;
  gint64 image_id = 0, layer_id, before;
  gboolean found = FALSE;
  guint refused = 0;

  g_signal_connect (annotator, "change-refused", G_CALLBACK (refused_cb), &message);
  wait_until (nothing_pending, annotator, 30, "the replica to connect");
  g_assert_true (bw_team_replica_claim_next (annotator, &image_id, &found, NULL, &error));
  g_assert_no_error (error);
  layer_id = layer_of (annotator, image_id);
  before = admin_int ("SELECT count (*) FROM annotations WHERE layer_id = %" G_GINT64_FORMAT, layer_id);

  /* The annotator went for coffee: the lease lapsed. */
  g_assert_cmpint (admin_int ("UPDATE assignments SET lease_expires_at = now () - interval '1 s'"
                              " WHERE layer_id = %" G_GINT64_FORMAT " AND task = 0 RETURNING 1",
                              layer_id), ==, 1);
  g_assert_true (bw_project_add_annotation (project, layer_id, 1, box, BW_SOURCE_DRAWN, 1.0,
                                            NULL, &error));
  g_assert_no_error (error);
  wait_until (was_refused, &message, 30, "the refusal to be told");
  g_test_message ("refused: %s", message);
  wait_until (nothing_pending, annotator, 30, "the refused edit to leave the queue");
  g_assert_true (bw_team_replica_count_refused (annotator, &refused));
  g_assert_cmpuint (refused, ==, 1);
  g_assert_cmpint (admin_int ("SELECT count (*) FROM annotations WHERE layer_id = %" G_GINT64_FORMAT,
                              layer_id), ==, before);

  bw_team_replica_close (annotator, 1000);
  g_assert_finalize_object (g_steal_pointer (&annotator));
}

typedef struct
{
  BwTeamReplica *replica;
  RemoteLog     *log;
} ColorCheck;

static gboolean
copy_has_new_color (gpointer data)
{
  ColorCheck *check = data;

  return check->log->count > 0 &&
         copy_int (check->replica, "SELECT count (*) FROM categories WHERE id = 1"
                   " AND color = '#123456'") == 1;
}

static void
test_taxonomy_live (void)
{
  g_autoptr(BwTeamReplica) annotator = open_as (&sam);
  RemoteLog log = { 0, 0 };
  ColorCheck check = { annotator, &log };
  gint64 changed_at;

  wait_until (nothing_pending, annotator, 30, "the replica to connect");
  g_signal_connect (annotator, "remote-changed", G_CALLBACK (remote_changed_cb), &log);
  changed_at = g_get_monotonic_time ();
  g_assert_cmpint (admin_int ("WITH c AS (UPDATE categories SET color = '#123456' WHERE id = 1"
                              " RETURNING 1) SELECT count (*) FROM c"), ==, 1);
  wait_until (copy_has_new_color, &check, 10, "the taxonomy change to reach the copy");
  g_test_message ("taxonomy change seen after %.0f ms", (log.changed_at - changed_at) / 1000.0);

  bw_team_replica_close (annotator, 1000);
  g_assert_finalize_object (g_steal_pointer (&annotator));
}

/* The lead's part of the project (taxonomy, settings, images being
 * excluded or made gold) is not sent from a copy: the copy refuses such
 * a change, with a message that says why, and nothing reaches the
 * server; what comes from the server still goes in, and the copy opens
 * again (its guards are dropped for the opening and put back). */
static void
test_lead_part_refused (void)
{
  g_autoptr(BwTeamReplica) lead = open_as (&lee);
  BwProject *copy = bw_team_replica_get_project (lead);
  g_autoptr(GError) error = NULL;
  gint64 categories = admin_int ("SELECT count (*) FROM categories");
  gint64 image = admin_int ("SELECT min (id) FROM images");
  gint64 status = admin_int ("SELECT status FROM images WHERE id = %" G_GINT64_FORMAT, image);

  wait_until (nothing_pending, lead, 30, "the replica to connect");
  g_assert_true (bw_project_is_team_copy (copy));
  g_assert_cmpint (copy_int (lead, "SELECT count (*) FROM categories"), ==, categories);

  g_assert_false (bw_project_add_category (copy, "not sent", NULL, NULL, NULL, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_READ_ONLY);
  g_assert_nonnull (strstr (error->message, "team server"));
  g_clear_error (&error);
  g_assert_false (bw_project_set_setting (copy, "honeypot.rate", "0.5", &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_READ_ONLY);
  g_clear_error (&error);
  g_assert_false (bw_project_set_image_status (copy, image, BW_IMAGE_STATUS_EXCLUDED, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_READ_ONLY);
  g_clear_error (&error);

  g_assert_cmpint (copy_int (lead, "SELECT count (*) FROM categories"), ==, categories);
  g_assert_cmpint (copy_int (lead, "SELECT count (*) FROM categories WHERE name = 'not sent'"), ==, 0);
  g_assert_cmpint (bw_team_replica_get_pending (lead), ==, 0);
  g_assert_cmpint (admin_int ("SELECT count (*) FROM categories"), ==, categories);
  g_assert_cmpint (admin_int ("SELECT status FROM images WHERE id = %" G_GINT64_FORMAT, image),
                   ==, status);

  bw_team_replica_close (lead, 1000);
  g_assert_finalize_object (g_steal_pointer (&lead));

  /* Opened again: the guards are back, and the server's changes to the
   * guarded tables still come in. */
  lead = open_as (&lee);
  copy = bw_team_replica_get_project (lead);
  wait_until (nothing_pending, lead, 30, "the replica to connect again");
  g_assert_false (bw_project_add_category (copy, "not sent", NULL, NULL, NULL, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_READ_ONLY);
  g_clear_error (&error);
  bw_team_replica_close (lead, 1000);
  g_assert_finalize_object (g_steal_pointer (&lead));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  if (!g_file_test (PG_BIN "/postgres", G_FILE_TEST_IS_EXECUTABLE))
    {
      g_printerr ("%s is missing: install the package postgresql\n", PG_BIN "/postgres");
      return 1;
    }

  g_test_add_func ("/team/replica/open-by-role", test_open_by_role);
  g_test_add_func ("/team/replica/edits-reach-server", test_edits_reach_server);
  g_test_add_func ("/team/replica/review", test_review);
  g_test_add_func ("/team/replica/offline", test_offline);
  g_test_add_func ("/team/replica/claims-differ", test_claims_differ);
  g_test_add_func ("/team/replica/refused", test_refused);
  g_test_add_func ("/team/replica/taxonomy-live", test_taxonomy_live);
  g_test_add_func ("/team/replica/lead-part-refused", test_lead_part_refused);

  pg.as_nobody = geteuid () == 0;
  setup_cluster ();
  status = g_test_run ();
  teardown_cluster ();
  return status;
}
