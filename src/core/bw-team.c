/* bw-team.c — a team project on a PostgreSQL server (libpq)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bw-team"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <poll.h>
#include <unistd.h>
#include <string.h>

#include "bw-core-resources.h"
#include "bw-export-util.h"
#include "bw-project-private.h"
#include "bw-team-private.h"

#define SCHEMA_RESOURCE "/org/boxwood/core/bw-team-schema.sql"
#define TEAM_SCHEMA_VERSION 2
#define NOTIFY_CHANNEL "boxwood"

/* SQLSTATEs raised by the server's functions (bw-team-schema.sql). */
#define SQLSTATE_LEASE        "BWL01"
#define SQLSTATE_NOT_FOUND    "BWN01"
#define SQLSTATE_PRIVILEGE    "42501"
#define SQLSTATE_UNDEFINED_TABLE    "42P01"
#define SQLSTATE_UNDEFINED_FUNCTION "42883"

struct _BwTeam
{
  GObject  parent_instance;

  PGconn  *conn;
  char    *server_name;   /* “database “x” on host” for messages */
  char    *user;
};

G_DEFINE_FINAL_TYPE (BwTeam, bw_team, G_TYPE_OBJECT)

G_DEFINE_QUARK (bw-team-error-quark, bw_team_error)

static void
bw_team_finalize (GObject *object)
{
  BwTeam *self = BW_TEAM (object);

  g_clear_pointer (&self->conn, PQfinish);
  g_free (self->server_name);
  g_free (self->user);

  G_OBJECT_CLASS (bw_team_parent_class)->finalize (object);
}

static void
bw_team_class_init (BwTeamClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = bw_team_finalize;
}

static void
bw_team_init (BwTeam *self)
{
}

/* The server's notices (a REVOKE of a role not granted, say) are not
 * for the user of a command. */
static void
notice_cb (void       *user_data,
           const char *message)
{
  g_debug ("%s", message);
}

/* libpq's messages end with a newline, and sometimes hold several lines. */
static char *
clean_message (const char *message)
{
  char *text = g_strdup (message != NULL && *message != '\0' ? message : _("unknown error"));

  return g_strstrip (text);
}

static char *
describe_server (PGconn *conn)
{
  const char *host = PQhost (conn);
  const char *db = PQdb (conn);

  if (host == NULL || *host == '\0')
    host = "localhost";
  /* TRANSLATORS: names a team server in messages: a database on a host
   * (or on the folder of a local Unix socket). */
  return g_strdup_printf (_("database “%s” on %s"), db != NULL ? db : "", host);
}

/* Sets @error from a failed result: the server's own words, after ours. */
static void
set_result_error (BwTeam         *self,
                  const PGresult *result,
                  GError        **error)
{
  const char *state = result != NULL ? PQresultErrorField (result, PG_DIAG_SQLSTATE) : NULL;
  g_autofree char *detail = clean_message (result != NULL ? PQresultErrorMessage (result)
                                                          : PQerrorMessage (self->conn));

  if (g_strcmp0 (state, SQLSTATE_LEASE) == 0)
    g_set_error (error, BW_TEAM_ERROR, BW_TEAM_ERROR_LEASE_LAPSED,
                 _("The claim on this image lapsed on %s, and another annotator may hold it "
                   "now. Claim the next image to go on."),
                 self->server_name);
  else if (g_strcmp0 (state, SQLSTATE_PRIVILEGE) == 0 ||
           (state != NULL && g_str_has_prefix (state, "42") &&
            strstr (detail, "row-level security") != NULL))
    g_set_error (error, BW_TEAM_ERROR, BW_TEAM_ERROR_PERMISSION,
                 _("The team server %s refused: the role “%s” may not do this (%s). "
                   "Ask the project’s lead for the right role."),
                 self->server_name, self->user, detail);
  else if (g_strcmp0 (state, SQLSTATE_UNDEFINED_TABLE) == 0 ||
           g_strcmp0 (state, SQLSTATE_UNDEFINED_FUNCTION) == 0)
    g_set_error (error, BW_TEAM_ERROR, BW_TEAM_ERROR_NOT_INITIALIZED,
                 _("%s holds no Boxwood project (%s). Create one with "
                   "“boxwood-cli server init URL”."),
                 self->server_name, detail);
  else if (PQstatus (self->conn) != CONNECTION_OK)
    g_set_error (error, BW_TEAM_ERROR, BW_TEAM_ERROR_CONNECT,
                 _("The connection to the team server %s was lost: %s. Check the network "
                   "and try again."),
                 self->server_name, detail);
  else
    g_set_error (error, BW_TEAM_ERROR, BW_TEAM_ERROR_FAILED,
                 _("The team server %s reported an error: %s"), self->server_name, detail);
}

static gboolean
result_ok (BwTeam   *self,
           PGresult *result,
           GError  **error)
{
  ExecStatusType status = result != NULL ? PQresultStatus (result) : PGRES_FATAL_ERROR;

  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_COPY_IN)
    return TRUE;
  set_result_error (self, result, error);
  return FALSE;
}

/* Runs SQL without parameters; the result, or NULL after setting @error. */
static PGresult *
run (BwTeam     *self,
     const char *sql,
     GError    **error)
{
  PGresult *result = PQexec (self->conn, sql);

  if (!result_ok (self, result, error))
    {
      PQclear (result);
      return NULL;
    }
  return result;
}

static gboolean
exec (BwTeam     *self,
      const char *sql,
      GError    **error)
{
  g_autoptr(PGresult) result = run (self, sql, error);

  return result != NULL;
}

/* Runs SQL with text parameters (NULL for SQL NULL). */
static PGresult *
run_params (BwTeam            *self,
            const char        *sql,
            int                n_params,
            const char *const *values,
            GError           **error)
{
  PGresult *result = PQexecParams (self->conn, sql, n_params, NULL, values, NULL, NULL, 0);

  if (!result_ok (self, result, error))
    {
      PQclear (result);
      return NULL;
    }
  return result;
}

static void
rollback (BwTeam *self)
{
  PGresult *result = PQexec (self->conn, "ROLLBACK");

  PQclear (result);
}

static gint64
value_int64 (const PGresult *result,
             int             row,
             int             column)
{
  if (PQgetisnull (result, row, column))
    return 0;
  return g_ascii_strtoll (PQgetvalue (result, row, column), NULL, 10);
}

PGconn *
_bw_team_get_conn (BwTeam *self)
{
  return self->conn;
}

gboolean
_bw_team_result_ok (BwTeam   *self,
                    PGresult *result,
                    GError  **error)
{
  return result_ok (self, result, error);
}

PGresult *
_bw_team_run_params (BwTeam            *self,
                     const char        *sql,
                     int                n_params,
                     const char *const *values,
                     GError           **error)
{
  return run_params (self, sql, n_params, values, error);
}

/**
 * bw_team_connect:
 * @url: a `postgresql://` URL or a libpq connection string
 *
 * Connects to a team server. TLS is used when the server offers it
 * (sslmode=prefer, unless @url says otherwise); a password comes from
 * @url, `PGPASSWORD` or `~/.pgpass`, as for every libpq program.
 *
 * Returns: (transfer full): the connection, or %NULL with @error set
 */
BwTeam *
bw_team_connect (const char *url,
                 GError    **error)
{
  return bw_team_connect_with_password (url, NULL, error);
}

/* Whether a failed connection wants a (right) password. libpq has no
 * code for it; its own and the server's words are in the message. */
static gboolean
needs_password (PGconn *conn)
{
  const char *message = PQerrorMessage (conn);

  return PQconnectionNeedsPassword (conn) ||
         (message != NULL && (strstr (message, "password authentication failed") != NULL ||
                              strstr (message, "no password supplied") != NULL));
}

/**
 * bw_team_connect_with_password:
 * @password: (nullable): the password, or %NULL for libpq's own sources
 *
 * As bw_team_connect(), with a password given apart from @url, so that
 * it never becomes part of a string that could be shown or logged. A
 * missing or wrong password fails with %BW_TEAM_ERROR_AUTH.
 */
BwTeam *
bw_team_connect_with_password (const char *url,
                               const char *password,
                               GError    **error)
{
  /* Later keywords win over earlier ones, so what @url says (it is
   * expanded in place of dbname) overrides these defaults; the password
   * given comes after it and wins over one in @url. */
  /* Over TCP, a server or network that went away silently is noticed
   * within about half a minute (keepalives, and a limit on how long sent
   * data may stay unacknowledged), rather than when the kernel gives up
   * after many minutes: the app's banner then says so, and closing a
   * window does not wait on a dead connection. */
  const char *keywords[] = { "sslmode", "connect_timeout", "fallback_application_name",
                             "keepalives", "keepalives_idle", "keepalives_interval",
                             "keepalives_count", "tcp_user_timeout",
                             "dbname", NULL, NULL };
  const char *values[] = { "prefer", "10", "boxwood", "1", "10", "5", "3", "30000",
                           url, NULL, NULL };
  g_autoptr(BwTeam) self = NULL;
  g_autoptr(PGresult) result = NULL;

  g_return_val_if_fail (url != NULL, NULL);

  if (password != NULL)
    {
      keywords[9] = "password";
      values[9] = password;
    }

  self = g_object_new (BW_TYPE_TEAM, NULL);
  self->conn = PQconnectdbParams (keywords, values, TRUE);
  if (self->conn == NULL)
    {
      g_set_error (error, BW_TEAM_ERROR, BW_TEAM_ERROR_CONNECT,
                   _("Could not connect to the team server: out of memory."));
      return NULL;
    }

  if (PQstatus (self->conn) != CONNECTION_OK)
    {
      g_autofree char *detail = clean_message (PQerrorMessage (self->conn));
      g_autofree char *name = NULL;

      /* A URL that does not parse leaves no host or database to name. */
      if (PQhost (self->conn) != NULL || PQdb (self->conn) != NULL)
        name = describe_server (self->conn);
      else
        name = g_strdup (_("(unreadable address)"));
      if (needs_password (self->conn))
        g_set_error (error, BW_TEAM_ERROR, BW_TEAM_ERROR_AUTH,
                     _("The team server %s wants the password of “%s”: %s. Enter the "
                       "password again."),
                     name, PQuser (self->conn) != NULL ? PQuser (self->conn) : "", detail);
      else
        g_set_error (error, BW_TEAM_ERROR, BW_TEAM_ERROR_CONNECT,
                     _("Could not connect to the team server %s: %s. Check the address, "
                       "the user name and the password, and that the server is running."),
                     name, detail);
      return NULL;
    }

  PQsetNoticeProcessor (self->conn, notice_cb, NULL);
  self->server_name = describe_server (self->conn);
  self->user = g_strdup (PQuser (self->conn));

  /* Times, numbers and text as this code reads them, whatever the
   * server's defaults. */
  result = run (self, "SET client_encoding = 'UTF8'; SET DateStyle = 'ISO';"
                      "SET extra_float_digits = 3; SET search_path = public", error);
  if (result == NULL)
    return NULL;

  return g_steal_pointer (&self);
}

const char *
bw_team_get_server_name (BwTeam *self)
{
  g_return_val_if_fail (BW_IS_TEAM (self), NULL);
  return self->server_name;
}

const char *
bw_team_get_user (BwTeam *self)
{
  g_return_val_if_fail (BW_IS_TEAM (self), NULL);
  return self->user;
}

const char *
bw_team_get_database (BwTeam *self)
{
  g_return_val_if_fail (BW_IS_TEAM (self), NULL);
  return PQdb (self->conn);
}

gboolean
bw_team_uses_tls (BwTeam *self)
{
  g_return_val_if_fail (BW_IS_TEAM (self), FALSE);
  return PQsslInUse (self->conn) != 0;
}

/**
 * bw_team_server_init:
 *
 * Creates the schema of a team project in the connected database: the
 * tables, the roles boxwood_annotator, boxwood_reviewer and boxwood_lead
 * (when the cluster has none yet), the row-level security policies and
 * the functions of the work queue. One transaction: on failure nothing
 * is left. The connected role becomes the owner of the tables, which the
 * policies do not bind; it needs the right to create roles.
 */
gboolean
bw_team_server_init (BwTeam  *self,
                     GError **error)
{
  g_autoptr(GBytes) schema = NULL;
  g_autoptr(PGresult) existing = NULL;
  g_autofree char *sql = NULL;

  g_return_val_if_fail (BW_IS_TEAM (self), FALSE);

  existing = run (self, "SELECT to_regclass ('public.boxwood_server') IS NOT NULL", error);
  if (existing == NULL)
    return FALSE;
  if (strcmp (PQgetvalue (existing, 0, 0), "t") == 0)
    {
      g_set_error (error, BW_TEAM_ERROR, BW_TEAM_ERROR_NOT_EMPTY,
                   _("%s already holds a Boxwood project. Use another database for another "
                     "project."),
                   self->server_name);
      return FALSE;
    }

  schema = g_resource_lookup_data (bw_core_get_resource (), SCHEMA_RESOURCE,
                                   G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  g_assert (schema != NULL);
  sql = g_strndup (g_bytes_get_data (schema, NULL), g_bytes_get_size (schema));

  if (!exec (self, "BEGIN", error))
    return FALSE;
  if (!exec (self, sql, error))
    {
      rollback (self);
      return FALSE;
    }
  return exec (self, "COMMIT", error);
}

static const char *
role_group (BwRole role)
{
  switch (role)
    {
    case BW_ROLE_ANNOTATOR:
      return "boxwood_annotator";
    case BW_ROLE_REVIEWER:
      return "boxwood_reviewer";
    case BW_ROLE_LEAD:
      return "boxwood_lead";
    case BW_ROLE_MODEL:
    default:
      return NULL;
    }
}

/**
 * bw_team_add_user:
 * @name: the person's name, which is also their login
 * @password: their password; only its SCRAM hash is sent to the server
 *
 * Creates a login role for a person with the group role of @role, and
 * the person in the project (or links the person of that name who is
 * there already, from a pushed project). For a login that exists, sets
 * its password and role instead.
 */
gboolean
bw_team_add_user (BwTeam      *self,
                  const char  *name,
                  BwRole       role,
                  const char  *password,
                  GError     **error)
{
  const char *group = role_group (role);
  g_autofree char *role_text = g_strdup_printf ("%d", (int) role);
  g_autofree char *now_text = g_strdup_printf ("%" G_GINT64_FORMAT, g_get_real_time ());
  const char *params[3] = { name, role_text, now_text };
  g_autoptr(PGresult) exists = NULL;
  g_autoptr(PGresult) person = NULL;
  g_autoptr(GString) sql = g_string_new (NULL);
  char *ident = NULL;
  char *hash = NULL;
  char *hash_literal = NULL;

  g_return_val_if_fail (BW_IS_TEAM (self), FALSE);
  g_return_val_if_fail (name != NULL && password != NULL, FALSE);

  if (group == NULL)
    {
      g_set_error (error, BW_TEAM_ERROR, BW_TEAM_ERROR_INVALID,
                   _("A team member is an annotator, a reviewer or a lead."));
      return FALSE;
    }
  if (*name == '\0' || g_ascii_isspace (*name) || strlen (name) > 63 || g_str_has_prefix (name, "pg_") ||
      g_str_has_prefix (name, "boxwood_"))
    {
      g_set_error (error, BW_TEAM_ERROR, BW_TEAM_ERROR_INVALID,
                   _("“%s” cannot be a login name on the team server: give a name of 1 to 63 "
                     "bytes that does not start with “pg_” or “boxwood_”."),
                   name);
      return FALSE;
    }
  if (strlen (password) < 8)
    {
      g_set_error (error, BW_TEAM_ERROR, BW_TEAM_ERROR_INVALID,
                   _("The password for “%s” is too short: use at least 8 characters."), name);
      return FALSE;
    }

  /* The server keeps only this hash; the password itself never travels
   * or lands in a log. */
  hash = PQencryptPasswordConn (self->conn, password, name, "scram-sha-256");
  if (hash == NULL)
    {
      set_result_error (self, NULL, error);
      return FALSE;
    }
  ident = PQescapeIdentifier (self->conn, name, strlen (name));
  hash_literal = PQescapeLiteral (self->conn, hash, strlen (hash));
  PQfreemem (hash);

  if (!exec (self, "BEGIN", error))
    goto out;

  exists = run_params (self, "SELECT 1 FROM pg_roles WHERE rolname = $1", 1, params, error);
  if (exists == NULL)
    goto fail;
  g_string_printf (sql, "%s ROLE %s LOGIN PASSWORD %s;"
                   "REVOKE boxwood_annotator, boxwood_reviewer, boxwood_lead FROM %s;"
                   "GRANT %s TO %s;",
                   PQntuples (exists) > 0 ? "ALTER" : "CREATE", ident, hash_literal,
                   ident, group, ident);
  if (!exec (self, sql->str, error))
    goto fail;

  person = run_params (self,
                       "INSERT INTO people (name, role, login, created_at)"
                       " VALUES ($1::text, $2, $1::text, $3)"
                       " ON CONFLICT ((lower (name)))"
                       " DO UPDATE SET role = excluded.role, login = excluded.login"
                       " RETURNING id",
                       3, params, error);
  if (person == NULL)
    goto fail;

  if (!exec (self, "COMMIT", error))
    goto out;

  PQfreemem (ident);
  PQfreemem (hash_literal);
  return TRUE;

fail:
  rollback (self);
out:
  PQfreemem (ident);
  PQfreemem (hash_literal);
  return FALSE;
}

gboolean
bw_team_get_info (BwTeam     *self,
                  BwTeamInfo *info,
                  GError    **error)
{
  g_autoptr(PGresult) counts = NULL;
  g_autoptr(PGresult) me = NULL;
  g_autoptr(PGresult) by_status = NULL;
  g_autoptr(PGresult) assignments = NULL;

  g_return_val_if_fail (BW_IS_TEAM (self), FALSE);
  g_return_val_if_fail (info != NULL, FALSE);

  memset (info, 0, sizeof *info);

  me = run (self,
            "SELECT bw_server_setting ('schema_version'),"
            "       bw_my_role (),"
            "       pg_has_role ((SELECT tableowner FROM pg_tables"
            "                     WHERE schemaname = 'public' AND tablename = 'images'), 'MEMBER')",
            error);
  if (me == NULL)
    return FALSE;
  info->schema_version = (int) value_int64 (me, 0, 0);
  info->role = PQgetisnull (me, 0, 1) ? BW_ROLE_LEAD : (BwRole) value_int64 (me, 0, 1);
  info->is_admin = strcmp (PQgetvalue (me, 0, 2), "t") == 0;

  /* What the policies let this role see. */
  counts = run (self,
                "SELECT (SELECT count (*) FROM images),"
                "       (SELECT count (*) FROM categories),"
                "       (SELECT count (*) FROM annotations),"
                "       (SELECT count (*) FROM layers),"
                "       (SELECT count (*) FROM people)",
                error);
  if (counts == NULL)
    return FALSE;
  info->images = value_int64 (counts, 0, 0);
  info->categories = value_int64 (counts, 0, 1);
  info->annotations = value_int64 (counts, 0, 2);
  info->layers = value_int64 (counts, 0, 3);
  info->people = value_int64 (counts, 0, 4);

  for (int s = 0; s < BW_IMAGE_N_STATUS; s++)
    info->images_by_status[s] = -1;
  if (info->is_admin || info->role != BW_ROLE_ANNOTATOR)
    {
      for (int s = 0; s < BW_IMAGE_N_STATUS; s++)
        info->images_by_status[s] = 0;
      by_status = run (self, "SELECT status, count (*) FROM images GROUP BY status", error);
      if (by_status == NULL)
        return FALSE;
      for (int row = 0; row < PQntuples (by_status); row++)
        {
          gint64 s = value_int64 (by_status, row, 0);

          if (s >= 0 && s < BW_IMAGE_N_STATUS)
            info->images_by_status[s] = value_int64 (by_status, row, 1);
        }
    }

  assignments = run (self, "SELECT status, count (*) FROM assignments WHERE task = 0"
                           " GROUP BY status", error);
  if (assignments == NULL)
    return FALSE;
  for (int row = 0; row < PQntuples (assignments); row++)
    {
      gint64 s = value_int64 (assignments, row, 0);

      if (s >= 0 && s < BW_ASSIGNMENT_N_STATUS)
        info->assignments_by_status[s] = value_int64 (assignments, row, 1);
    }
  return TRUE;
}

/**
 * bw_team_set_queue:
 * @overlap: how many annotators answer each image (1 or more)
 * @honeypot_rate: the share of claims that go to a gold image, 0 to 1
 * @lease_seconds: how long a claim holds an image without an edit
 *
 * Sets how bw_team_claim_next() hands out work. Needs the owner's rights.
 */
gboolean
bw_team_set_queue (BwTeam  *self,
                   int      overlap,
                   double   honeypot_rate,
                   int      lease_seconds,
                   GError **error)
{
  char rate[G_ASCII_DTOSTR_BUF_SIZE];
  g_autofree char *overlap_text = g_strdup_printf ("%d", overlap);
  g_autofree char *lease_text = g_strdup_printf ("%d", lease_seconds);
  const char *params[3] = { overlap_text, rate, lease_text };
  g_autoptr(PGresult) result = NULL;

  g_return_val_if_fail (BW_IS_TEAM (self), FALSE);

  if (overlap < 1 || overlap > 100 || !(honeypot_rate >= 0 && honeypot_rate <= 1) ||
      lease_seconds < 1)
    {
      g_set_error (error, BW_TEAM_ERROR, BW_TEAM_ERROR_INVALID,
                   _("The queue needs an overlap of 1 to 100 annotators, a honeypot rate "
                     "from 0 to 1 and a lease of at least one second."));
      return FALSE;
    }
  g_ascii_dtostr (rate, sizeof rate, honeypot_rate);
  result = run_params (self,
                       "UPDATE boxwood_server SET value = CASE key"
                       "  WHEN 'overlap' THEN $1 WHEN 'honeypot_rate' THEN $2"
                       "  WHEN 'lease_seconds' THEN $3 END"
                       " WHERE key IN ('overlap', 'honeypot_rate', 'lease_seconds')",
                       3, params, error);
  return result != NULL;
}

/* The work queue */

static gboolean
read_claim (PGresult    *result,
            BwTeamClaim *claim,
            gboolean    *found)
{
  memset (claim, 0, sizeof *claim);
  *found = PQntuples (result) > 0 && !PQgetisnull (result, 0, 0);
  if (*found)
    {
      claim->assignment_id = value_int64 (result, 0, 0);
      claim->image_id = value_int64 (result, 0, 1);
      claim->layer_id = value_int64 (result, 0, 2);
    }
  return TRUE;
}

/**
 * bw_team_claim_next:
 * @claim: (out): the image, its layer and assignment, when @found
 * @found: (out): %FALSE when there is nothing to do now
 *
 * Claims the next image for the connected annotator: their returned
 * work first, then a lease they still hold, then a new image — with the
 * queue's overlap and honeypot rate applied (bw_team_set_queue()). The
 * claim is a lease: each edit renews it, and when it lapses the image
 * goes back to the queue. Images are locked with `FOR UPDATE SKIP
 * LOCKED`, so annotators claiming at once never wait for each other.
 */
gboolean
bw_team_claim_next (BwTeam      *self,
                    BwTeamClaim *claim,
                    gboolean    *found,
                    GError     **error)
{
  g_autoptr(PGresult) result = NULL;

  g_return_val_if_fail (BW_IS_TEAM (self), FALSE);
  g_return_val_if_fail (claim != NULL && found != NULL, FALSE);

  result = run (self, "SELECT * FROM bw_claim_next ()", error);
  if (result == NULL)
    return FALSE;
  return read_claim (result, claim, found);
}

/**
 * bw_team_save_box:
 * @annotation_id: the box to change, or 0 for a new one
 * @out_annotation_id: (out) (optional): the box's id
 * @out_version: (out) (optional): its version after the change
 *
 * Saves one edit in one statement; when this returns %TRUE the server
 * has committed it. Fails with %BW_TEAM_ERROR_LEASE_LAPSED when the
 * connected annotator no longer holds the image.
 */
gboolean
bw_team_save_box (BwTeam       *self,
                  gint64        layer_id,
                  gint64        annotation_id,
                  gint64        category_id,
                  const BwRect *box,
                  gint64       *out_annotation_id,
                  int          *out_version,
                  GError      **error)
{
  char layer[24], annotation[24], category[24];
  char x0[G_ASCII_DTOSTR_BUF_SIZE], y0[G_ASCII_DTOSTR_BUF_SIZE];
  char x1[G_ASCII_DTOSTR_BUF_SIZE], y1[G_ASCII_DTOSTR_BUF_SIZE];
  const char *params[7] = { layer, annotation_id > 0 ? annotation : NULL, category, x0, y0, x1, y1 };
  g_autoptr(PGresult) result = NULL;

  g_return_val_if_fail (BW_IS_TEAM (self), FALSE);
  g_return_val_if_fail (box != NULL, FALSE);

  g_snprintf (layer, sizeof layer, "%" G_GINT64_FORMAT, layer_id);
  g_snprintf (annotation, sizeof annotation, "%" G_GINT64_FORMAT, annotation_id);
  g_snprintf (category, sizeof category, "%" G_GINT64_FORMAT, category_id);
  g_ascii_dtostr (x0, sizeof x0, box->x0);
  g_ascii_dtostr (y0, sizeof y0, box->y0);
  g_ascii_dtostr (x1, sizeof x1, box->x1);
  g_ascii_dtostr (y1, sizeof y1, box->y1);

  result = run_params (self, "SELECT * FROM bw_save_box ($1, $2, $3, $4, $5, $6, $7)",
                       7, params, error);
  if (result == NULL)
    return FALSE;
  if (PQntuples (result) != 1)
    {
      g_set_error (error, BW_TEAM_ERROR, BW_TEAM_ERROR_FAILED,
                   _("The team server %s did not save the box."), self->server_name);
      return FALSE;
    }
  if (out_annotation_id != NULL)
    *out_annotation_id = value_int64 (result, 0, 0);
  if (out_version != NULL)
    *out_version = (int) value_int64 (result, 0, 1);
  return TRUE;
}

static gboolean
call_with_id (BwTeam     *self,
              const char *sql,
              gint64      id,
              GError    **error)
{
  char text[24];
  const char *params[1] = { text };
  g_autoptr(PGresult) result = NULL;

  g_snprintf (text, sizeof text, "%" G_GINT64_FORMAT, id);
  result = run_params (self, sql, 1, params, error);
  return result != NULL;
}

/**
 * bw_team_submit:
 *
 * Hands in the work of an assignment the connected annotator holds; the
 * lease ends, reviewers are told (NOTIFY).
 */
gboolean
bw_team_submit (BwTeam  *self,
                gint64   assignment_id,
                GError **error)
{
  g_return_val_if_fail (BW_IS_TEAM (self), FALSE);
  return call_with_id (self, "SELECT bw_submit ($1)", assignment_id, error);
}

/**
 * bw_team_claim_review:
 * @claim: (out): the submitted work, when @found
 * @found: (out): %FALSE when nothing waits for review
 *
 * Takes the oldest submitted work that no other reviewer holds (`FOR
 * UPDATE SKIP LOCKED`) and marks it in review.
 */
gboolean
bw_team_claim_review (BwTeam      *self,
                      BwTeamClaim *claim,
                      gboolean    *found,
                      GError     **error)
{
  g_autoptr(PGresult) result = NULL;

  g_return_val_if_fail (BW_IS_TEAM (self), FALSE);
  g_return_val_if_fail (claim != NULL && found != NULL, FALSE);

  result = run (self, "SELECT * FROM bw_claim_review ()", error);
  if (result == NULL)
    return FALSE;
  return read_claim (result, claim, found);
}

/**
 * bw_team_review:
 * @assignment_id: the annotate assignment judged
 * @reason_id: a rejection reason when returning, or 0
 *
 * Accepts submitted work, or returns it to its annotator, who gets it
 * first on their next claim.
 */
gboolean
bw_team_review (BwTeam     *self,
                gint64      assignment_id,
                gboolean    accept,
                gint64      reason_id,
                const char *comment,
                GError    **error)
{
  char id[24], reason[24];
  const char *params[4] = { id, accept ? "true" : "false", reason_id > 0 ? reason : NULL,
                            comment != NULL ? comment : "" };
  g_autoptr(PGresult) result = NULL;

  g_return_val_if_fail (BW_IS_TEAM (self), FALSE);

  g_snprintf (id, sizeof id, "%" G_GINT64_FORMAT, assignment_id);
  g_snprintf (reason, sizeof reason, "%" G_GINT64_FORMAT, reason_id);
  result = run_params (self, "SELECT bw_review ($1, $2, $3, $4)", 4, params, error);
  return result != NULL;
}

/* Live updates */

gboolean
bw_team_listen (BwTeam  *self,
                GError **error)
{
  g_return_val_if_fail (BW_IS_TEAM (self), FALSE);
  return exec (self, "LISTEN " NOTIFY_CHANNEL, error);
}

static char *
next_notification (BwTeam *self)
{
  PGnotify *notify;
  char *payload;

  PQconsumeInput (self->conn);
  notify = PQnotifies (self->conn);
  if (notify == NULL)
    return NULL;
  payload = g_strdup (notify->extra);
  PQfreemem (notify);
  return payload;
}

/**
 * bw_team_wait_notification:
 * @timeout_ms: how long to wait; -1 for ever
 *
 * Waits for the next notification after bw_team_listen().
 *
 * Returns: (transfer full) (nullable): its JSON payload, or %NULL when
 *   none came in time (@error unset) or the connection failed (@error set)
 */
char *
bw_team_wait_notification (BwTeam  *self,
                           int      timeout_ms,
                           GError **error)
{
  gint64 deadline = timeout_ms < 0 ? -1 : g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  g_return_val_if_fail (BW_IS_TEAM (self), NULL);

  for (;;)
    {
      struct pollfd pfd = { .fd = PQsocket (self->conn), .events = POLLIN };
      char *payload = next_notification (self);
      int wait_ms = -1;

      if (payload != NULL)
        return payload;
      if (PQstatus (self->conn) != CONNECTION_OK || pfd.fd < 0)
        {
          set_result_error (self, NULL, error);
          return NULL;
        }
      if (deadline >= 0)
        {
          gint64 left = deadline - g_get_monotonic_time ();

          if (left <= 0)
            return NULL;
          wait_ms = (int) ((left + 999) / 1000);
        }
      if (poll (&pfd, 1, wait_ms) < 0 && errno != EINTR)
        {
          g_set_error (error, BW_TEAM_ERROR, BW_TEAM_ERROR_CONNECT,
                       _("Waiting for the team server %s failed: %s"),
                       self->server_name, g_strerror (errno));
          return NULL;
        }
    }
}

typedef struct
{
  GSource  source;
  BwTeam  *team;
  gpointer fd_tag;
} NotifySource;

static gboolean
notify_source_dispatch (GSource     *source,
                        GSourceFunc  callback,
                        gpointer     user_data)
{
  NotifySource *self = (NotifySource *) source;
  BwTeamNotifyFunc func = (BwTeamNotifyFunc) callback;
  char *payload;

  while ((payload = next_notification (self->team)) != NULL)
    {
      gboolean again = func != NULL ? func (self->team, payload, user_data) : G_SOURCE_REMOVE;

      g_free (payload);
      if (!again)
        return G_SOURCE_REMOVE;
    }
  return PQstatus (self->team->conn) == CONNECTION_OK ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static void
notify_source_finalize (GSource *source)
{
  NotifySource *self = (NotifySource *) source;

  g_clear_object (&self->team);
}

static GSourceFuncs notify_source_funcs = {
  .dispatch = notify_source_dispatch,
  .finalize = notify_source_finalize,
};

/**
 * bw_team_create_notify_source:
 *
 * A source on the connection's socket that calls its callback (a
 * #BwTeamNotifyFunc) with each notification that arrives, for a main
 * loop to watch after bw_team_listen(). The connection must not be used
 * from another thread meanwhile.
 *
 * Returns: (transfer full): the source
 */
GSource *
bw_team_create_notify_source (BwTeam *self)
{
  NotifySource *source;

  g_return_val_if_fail (BW_IS_TEAM (self), NULL);

  source = (NotifySource *) g_source_new (&notify_source_funcs, sizeof (NotifySource));
  source->team = g_object_ref (self);
  source->fd_tag = g_source_add_unix_fd ((GSource *) source, PQsocket (self->conn),
                                         G_IO_IN | G_IO_ERR | G_IO_HUP);
  g_source_set_static_name ((GSource *) source, "[boxwood] team notifications");
  return (GSource *) source;
}

/* Moving a project to and from the server
 *
 * Every table of the workflow is copied row by row with its ids, so that
 * the references between rows hold on the other side. The people are
 * the exception on the way up: a person already on the server (added
 * with bw_team_add_user() before the push) is the same person, matched
 * by name, and every column naming a person is mapped to their id. */

typedef BwTeamTable Table;

const Table _bw_team_tables[] = {
  { "settings", "key, value", "tt", "key", FALSE },
  { "categories", "id, name, supercategory, color, hotkey, guideline, position", "ittttti", "id", TRUE },
  { "rejection_reasons", "id, name, hotkey, position, hidden", "itiii", "id", TRUE },
  { "images", "id, path, width, height, byte_size, content_hash, phash, orientation, status,"
              " is_gold, added_at, duplicate_of", "itiiitiiiiii", "id", TRUE },
  { "layers", "id, image_id, person_id, kind, status, no_objects, created_at, updated_at",
              "iipiiiii", "id", TRUE },
  { "annotations", "id, layer_id, category_id, kind, x0, y0, x1, y1, parts, area, source, score,"
                   " z, version, author_id, created_at, updated_at, guideline_version",
                   "iiiirrrrbririipiii", "id", TRUE },
  { "annotation_versions", "annotation_id, version, layer_id, category_id, kind, x0, y0, x1, y1,"
                           " parts, area, source, score, author_id, created_at, superseded_at,"
                           " deleted, guideline_version", "iiiiirrrrbrirpiiii",
                           "annotation_id, version", FALSE },
  { "reviews", "id, layer_id, annotation_id, annotation_version, reviewer_id, verdict, reason_id,"
               " comment, x, y, submission, implied_by, created_at", "iiiipiitrriii", "id", TRUE },
  { "assignments", "id, image_id, person_id, task, status, layer_id, submissions, created_at,"
                   " started_at, submitted_at, finished_at", "iipiiiiiiii", "id", TRUE },
  { "work_time", "image_id, person_id, task, seconds, updated_at", "iipri",
                 "image_id, person_id, task", FALSE },
  { "audit_samples", "layer_id, submission, rate, seed, draw, sampled, created_at", "iiririi",
                     "layer_id, submission", FALSE },
  { "guideline_examples", "id, category_id, positive, image_id, annotation_id, annotation_version,"
                          " kind, x0, y0, x1, y1, parts, note, person_id, question_id, created_at",
                          "iiiiiiirrrrbtpii", "id", TRUE },
  { "questions", "id, image_id, layer_id, annotation_id, annotation_version, category_id, x, y,"
                 " asker_id, text, asked_at, answer, answerer_id, answered_at, example_id",
                 "iiiiiirrptitpii", "id", TRUE },
  { "exams", "id, name, min_f1, min_accuracy, max_attempts, required, renew, iou_threshold,"
             " guideline_version, created_by, created_at", "itrriiiripi", "id", TRUE },
  { "exam_images", "exam_id, image_id, position", "iii", "exam_id, image_id", FALSE },
  { "exam_thresholds", "exam_id, category_id, min_f1, min_accuracy", "iirr", "exam_id, category_id",
                       FALSE },
  { "exam_attempts", "id, exam_id, person_id, number, iou_threshold, guideline_version, started_at,"
                     " finished_at, passed", "iipiriiii", "id", TRUE },
  { "exam_answers", "attempt_id, image_id, layer_id", "iii", "attempt_id, image_id", FALSE },
  { "exam_scores", "attempt_id, category_id, tp, fp, fn, iou_sum, missed, extra, wrong_category,"
                   " poor_localisation, duplicate, loose, tight", "iiiiiriiiiiii",
                   "attempt_id, category_id", FALSE },
  { "exam_confusions", "attempt_id, reference_id, annotated_id, count", "iiii",
                       "attempt_id, reference_id, annotated_id", FALSE },
  { "certificates", "id, person_id, exam_id, attempt_id, f1, accuracy, guideline_version, created_at",
                    "ipiirrii", "id", TRUE },
  { "calibration_rounds", "id, name, started_by, seed, created_at", "itpii", "id", TRUE },
  { "calibration_images", "round_id, image_id, position", "iii", "round_id, image_id", FALSE },
  { "calibration_people", "round_id, person_id", "ip", "round_id, person_id", FALSE },
  /* Last: in a file, adding a category or an example counts a guideline
   * change of its own (triggers); what the server recorded wins. */
  { "guidelines", "id, document, version, changed_at", "itii", "id", FALSE },
  { "guideline_changes", "version, category_id, category_name, changed_at, what", "iitii", "version",
                         FALSE },
};
const guint _bw_team_n_tables = G_N_ELEMENTS (_bw_team_tables);
#define transfer_tables _bw_team_tables

static char *
placeholders (guint n,
              gboolean dollar)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append (text, ", ");
      if (dollar)
        g_string_append_printf (text, "$%u", i + 1);
      else
        g_string_append_c (text, '?');
    }
  return g_string_free (text, FALSE);
}

static gboolean
push_image_bytes (BwTeam     *self,
                  BwProject  *project,
                  const char *id_text,
                  const char *stored_path,
                  GError    **error)
{
  g_autofree char *path = bw_project_resolve_image_path (project, stored_path);
  g_autofree char *contents = NULL;
  g_autoptr(GError) read_error = NULL;
  g_autoptr(PGresult) result = NULL;
  gsize length = 0;
  const char *values[2];
  int lengths[2];
  const int formats[2] = { 0, 1 };

  if (!g_file_get_contents (path, &contents, &length, &read_error))
    {
      g_set_error (error, BW_TEAM_ERROR, BW_TEAM_ERROR_IO,
                   _("Could not read the image %s to push it: %s. Locate the image in the "
                     "project first, or remove it."),
                   path, read_error->message);
      return FALSE;
    }
  values[0] = id_text;
  values[1] = contents;
  lengths[0] = 0;
  lengths[1] = (int) MIN (length, (gsize) G_MAXINT);
  if (length > (gsize) G_MAXINT)
    {
      g_set_error (error, BW_TEAM_ERROR, BW_TEAM_ERROR_IO,
                   _("The image %s is too large to store on the team server."), path);
      return FALSE;
    }
  result = PQexecParams (self->conn, "INSERT INTO image_data (image_id, bytes) VALUES ($1, $2)",
                         2, NULL, values, lengths, formats, 0);
  return result_ok (self, result, error);
}

static gboolean
push_table (BwTeam      *self,
            BwProject   *project,
            const Table *table,
            GHashTable  *people,
            GError     **error)
{
  guint n = strlen (table->types);
  g_autofree char *select = g_strdup_printf ("SELECT %s FROM %s ORDER BY %s",
                                             table->columns, table->name, table->order);
  g_autofree char *marks = placeholders (n, TRUE);
  g_autofree char *insert = g_strdup_printf ("INSERT INTO %s (%s) VALUES (%s)",
                                             table->name, table->columns, marks);
  gboolean images = strcmp (table->name, "images") == 0;
  sqlite3_stmt *stmt = NULL;
  gboolean ok = TRUE;
  int rc;

  if (sqlite3_prepare_v2 (project->db, select, -1, &stmt, NULL) != SQLITE_OK)
    {
      _bw_project_set_error (project, sqlite3_errcode (project->db), error);
      return FALSE;
    }

  while (ok && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(GPtrArray) owned = g_ptr_array_new_with_free_func (g_free);
      const char *values[32];
      int lengths[32];
      int formats[32];
      g_autoptr(PGresult) result = NULL;

      g_assert (n <= G_N_ELEMENTS (values));
      for (guint c = 0; c < n; c++)
        {
          /* A person is the server's id of that name. */
          if (table->types[c] == 'p' && sqlite3_column_type (stmt, (int) c) != SQLITE_NULL)
            {
              gpointer mapped = g_hash_table_lookup (people,
                                                     GINT_TO_POINTER (sqlite3_column_int64 (stmt, (int) c)));
              char *text = mapped != NULL ? g_strdup_printf ("%" G_GINT64_FORMAT,
                                                             (gint64) GPOINTER_TO_SIZE (mapped))
                                          : NULL;

              values[c] = text;
              lengths[c] = formats[c] = 0;
              g_ptr_array_add (owned, text);
              continue;
            }
          _bw_team_column_param (stmt, c, table->types[c], &values[c], &lengths[c], &formats[c], owned);
        }

      result = PQexecParams (self->conn, insert, (int) n, NULL, values, lengths, formats, 0);
      ok = result_ok (self, result, error);
      if (ok && images)
        ok = push_image_bytes (self, project, values[0], values[1], error);
    }
  if (ok && rc != SQLITE_DONE)
    {
      _bw_project_set_error (project, rc, error);
      ok = FALSE;
    }
  sqlite3_finalize (stmt);
  return ok;
}

static gboolean
push_people (BwTeam     *self,
             BwProject  *project,
             GHashTable *people,
             GError    **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean ok = TRUE;
  int rc;

  if (sqlite3_prepare_v2 (project->db, "SELECT id, name, role, created_at FROM people ORDER BY id",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      _bw_project_set_error (project, sqlite3_errcode (project->db), error);
      return FALSE;
    }
  while (ok && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autofree char *role = g_strdup_printf ("%d", sqlite3_column_int (stmt, 2));
      g_autofree char *created = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                  (gint64) sqlite3_column_int64 (stmt, 3));
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT,
                                             (gint64) sqlite3_column_int64 (stmt, 0));
      const char *values[4] = { (const char *) sqlite3_column_text (stmt, 1), role, created, id };
      g_autoptr(PGresult) result = NULL;

      /* The person of that name on the server, or a new one under the
       * file's id when it is free (so a snapshot reads as the file). */
      result = run_params (self,
                           "WITH found AS (SELECT id FROM people WHERE lower (name) = lower ($1)),"
                           " added AS (INSERT INTO people (id, name, role, created_at)"
                           "   SELECT CASE WHEN EXISTS (SELECT 1 FROM people WHERE id = $4::bigint)"
                           "               THEN (SELECT coalesce (max (id), 0) + 1 FROM people)"
                           "               ELSE $4::bigint END, $1, $2, $3"
                           "   WHERE NOT EXISTS (SELECT 1 FROM found) RETURNING id)"
                           " SELECT id FROM found UNION ALL SELECT id FROM added",
                           4, values, error);
      ok = result != NULL;
      if (ok)
        g_hash_table_insert (people, GINT_TO_POINTER (sqlite3_column_int64 (stmt, 0)),
                             GSIZE_TO_POINTER ((gsize) value_int64 (result, 0, 0)));
    }
  if (ok && rc != SQLITE_DONE)
    {
      _bw_project_set_error (project, rc, error);
      ok = FALSE;
    }
  sqlite3_finalize (stmt);
  return ok;
}

/**
 * bw_team_push:
 * @project: a local project, open
 *
 * Copies @project to the connected server, which must hold no project
 * data yet (after bw_team_server_init(), with or without people added):
 * images with their bytes, taxonomy, people, layers, annotations and
 * their versions, reviews, assignments, work time and audit samples. One
 * transaction on each side: on failure the server is left as it was.
 */
gboolean
bw_team_push (BwTeam     *self,
              BwProject  *project,
              GError    **error)
{
  g_autoptr(GHashTable) people = g_hash_table_new (NULL, NULL);
  g_autoptr(PGresult) busy = NULL;
  gboolean ok = TRUE;

  g_return_val_if_fail (BW_IS_TEAM (self), FALSE);
  g_return_val_if_fail (BW_IS_PROJECT (project), FALSE);

  if (!exec (self, "BEGIN", error))
    return FALSE;
  busy = run (self, "LOCK TABLE images, categories, layers IN EXCLUSIVE MODE;"
                    "SELECT (SELECT count (*) FROM images) + (SELECT count (*) FROM categories)"
                    "       + (SELECT count (*) FROM layers)", error);
  if (busy == NULL)
    {
      rollback (self);
      return FALSE;
    }
  if (value_int64 (busy, 0, 0) > 0)
    {
      rollback (self);
      g_set_error (error, BW_TEAM_ERROR, BW_TEAM_ERROR_NOT_EMPTY,
                   _("%s already holds a project. Push into a database that “boxwood-cli "
                     "server init” has just set up."),
                   self->server_name);
      return FALSE;
    }

  {
    BW_PROJECT_LOCK (project);

    /* One snapshot of the file, whatever other programs write meanwhile. */
    if (sqlite3_exec (project->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
      {
        _bw_project_set_error (project, sqlite3_errcode (project->db), error);
        rollback (self);
        return FALSE;
      }
    ok = push_people (self, project, people, error);
    for (guint t = 0; ok && t < _bw_team_n_tables; t++)
      {
        /* The server's rejection reasons are the project's. */
        if (strcmp (transfer_tables[t].name, "rejection_reasons") == 0)
          ok = exec (self, "DELETE FROM rejection_reasons", error);
        if (ok)
          ok = push_table (self, project, &transfer_tables[t], people, error);
      }
    sqlite3_exec (project->db, "ROLLBACK", NULL, NULL, NULL);
  }

  for (guint t = 0; ok && t < _bw_team_n_tables; t++)
    {
      g_autofree char *sql = NULL;

      if (!transfer_tables[t].has_id)
        continue;
      sql = g_strdup_printf ("SELECT setval (pg_get_serial_sequence ('public.%s', 'id'),"
                             " greatest ((SELECT max (id) FROM %s), 1))",
                             transfer_tables[t].name, transfer_tables[t].name);
      ok = exec (self, sql, error);
    }
  if (ok)
    ok = exec (self, "SELECT setval (pg_get_serial_sequence ('public.people', 'id'),"
                     " greatest ((SELECT max (id) FROM people), 1))", error);
  /* Work in progress in the file becomes a lease of its annotator's,
   * which lapses like any other if they do not come back to it. */
  if (ok)
    ok = exec (self, "UPDATE assignments SET lease_expires_at = clock_timestamp ()"
                     "   + make_interval (secs => bw_server_setting ('lease_seconds')::double precision)"
                     " WHERE task = 0 AND status = 1;"
                     "INSERT INTO leases (assignment_id, image_id, person_id)"
                     " SELECT id, image_id, person_id FROM assignments WHERE task = 0 AND status = 1",
               error);

  if (!ok)
    {
      rollback (self);
      return FALSE;
    }
  return exec (self, "COMMIT", error);
}

/* Column @c of the row @stmt is on as a parameter of PQexecParams() of
 * @type (a letter of BwTeamTable's types: i and p integers, r real, b
 * bytes, t text): @value, its @length and @format. Texts made for it are
 * added to @owned, which must outlive the call. NULL for SQL NULL. */
void
_bw_team_column_param (sqlite3_stmt  *stmt,
                       guint          c,
                       char           type,
                       const char   **value,
                       int           *length,
                       int           *format,
                       GPtrArray     *owned)
{
  *value = NULL;
  *length = 0;
  *format = 0;
  if (sqlite3_column_type (stmt, (int) c) == SQLITE_NULL)
    return;
  switch (type)
    {
    case 'i':
    case 'p':
      {
        char *text = g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) sqlite3_column_int64 (stmt, (int) c));

        *value = text;
        g_ptr_array_add (owned, text);
      }
      break;
    case 'r':
      {
        char *text = g_malloc (G_ASCII_DTOSTR_BUF_SIZE);

        g_ascii_dtostr (text, G_ASCII_DTOSTR_BUF_SIZE, sqlite3_column_double (stmt, (int) c));
        *value = text;
        g_ptr_array_add (owned, text);
      }
      break;
    case 'b':
      *value = sqlite3_column_blob (stmt, (int) c);
      *length = sqlite3_column_bytes (stmt, (int) c);
      *format = 1;
      if (*value == NULL)
        *value = "";
      break;
    case 't':
    default:
      *value = (const char *) sqlite3_column_text (stmt, (int) c);
      break;
    }
}

/* Binds a bytea value as PostgreSQL's text output gives it (hex or
 * escape form) to @column as a blob, or NULL when it does not decode. */
void
_bw_team_bind_bytea (sqlite3_stmt *stmt,
                     int           column,
                     const char   *value)
{
  size_t length = 0;
  unsigned char *bytes = PQunescapeBytea ((const unsigned char *) value, &length);

  if (bytes == NULL)
    sqlite3_bind_null (stmt, column);
  else
    sqlite3_bind_blob (stmt, column, bytes, (int) length, SQLITE_TRANSIENT);
  PQfreemem (bytes);
}

/* Where pull writes an image: under the snapshot's image folder, at the
 * path the image had in its project when that path is relative and
 * stays inside, else under its id. Paths come from the server and are
 * not trusted to name a place. */
char *
_bw_team_image_name (gint64      id,
                 const char *stored_path)
{
  g_auto(GStrv) parts = g_strsplit_set (stored_path, "/\\", -1);
  g_autofree char *base = g_path_get_basename (stored_path);
  gboolean safe = !g_path_is_absolute (stored_path) && *stored_path != '\0';

  for (guint i = 0; safe && parts[i] != NULL; i++)
    if (*parts[i] == '\0' || strcmp (parts[i], ".") == 0 || strcmp (parts[i], "..") == 0)
      safe = FALSE;
  if (safe)
    return g_strjoinv ("/", parts);
  if (strcmp (base, "/") == 0 || strcmp (base, ".") == 0 || strcmp (base, "..") == 0)
    g_clear_pointer (&base, g_free);
  return g_strdup_printf ("by-id/%" G_GINT64_FORMAT "-%s", id, base != NULL ? base : "image");
}

static gboolean
pull_image_bytes (BwTeam     *self,
                  const char *id_text,
                  const char *file_path,
                  GError    **error)
{
  const char *values[1] = { id_text };
  g_autoptr(PGresult) result = NULL;
  g_autofree char *folder = g_path_get_dirname (file_path);
  g_autoptr(GError) write_error = NULL;

  result = PQexecParams (self->conn, "SELECT bytes FROM image_data WHERE image_id = $1",
                         1, NULL, values, NULL, NULL, 1);
  if (!result_ok (self, result, error))
    return FALSE;
  if (PQntuples (result) != 1)
    return TRUE;   /* an image pushed without bytes: its record comes all the same */
  if (g_mkdir_with_parents (folder, 0777) != 0 ||
      g_file_test (file_path, G_FILE_TEST_EXISTS) ||
      !g_file_set_contents (file_path, PQgetvalue (result, 0, 0), PQgetlength (result, 0, 0),
                            &write_error))
    {
      g_set_error (error, BW_TEAM_ERROR, BW_TEAM_ERROR_IO,
                   _("Could not write the image %s: %s. Choose another place for the snapshot."),
                   file_path, write_error != NULL ? write_error->message
                                                  : g_file_test (file_path, G_FILE_TEST_EXISTS)
                                                    ? g_strerror (EEXIST) : g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}

static gboolean
pull_table (BwTeam      *self,
            sqlite3     *db,
            const Table *table,
            const char  *where,
            const char  *images_dir,
            const char  *images_prefix,
            GError     **error)
{
  guint n = strlen (table->types);
  g_autofree char *select = g_strdup_printf ("SELECT %s FROM %s%s%s ORDER BY %s",
                                             table->columns, table->name,
                                             where != NULL ? " WHERE " : "",
                                             where != NULL ? where : "", table->order);
  g_autofree char *marks = placeholders (n, FALSE);
  g_autofree char *insert = g_strdup_printf ("INSERT OR REPLACE INTO %s (%s) VALUES (%s)",
                                             table->name, table->columns, marks);
  gboolean images = strcmp (table->name, "images") == 0;
  g_autoptr(PGresult) result = NULL;
  sqlite3_stmt *stmt = NULL;
  gboolean ok = TRUE;

  result = run (self, select, error);
  if (result == NULL)
    return FALSE;
  if (sqlite3_prepare_v2 (db, insert, -1, &stmt, NULL) != SQLITE_OK)
    {
      g_set_error (error, BW_TEAM_ERROR, BW_TEAM_ERROR_IO,
                   _("Could not write the snapshot: %s"), sqlite3_errmsg (db));
      return FALSE;
    }

  for (int row = 0; ok && row < PQntuples (result); row++)
    {
      g_autofree char *image_path = NULL;

      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      for (guint c = 0; c < n; c++)
        {
          const char *value = PQgetvalue (result, row, (int) c);
          int column = (int) c + 1;

          if (PQgetisnull (result, row, (int) c))
            {
              sqlite3_bind_null (stmt, column);
              continue;
            }
          switch (table->types[c])
            {
            case 'i':
            case 'p':
              sqlite3_bind_int64 (stmt, column, g_ascii_strtoll (value, NULL, 10));
              break;
            case 'r':
              sqlite3_bind_double (stmt, column, g_ascii_strtod (value, NULL));
              break;
            case 'b':
              _bw_team_bind_bytea (stmt, column, value);
              break;
            case 't':
            default:
              if (images && c == 1 && images_dir != NULL)
                {
                  g_autofree char *name = _bw_team_image_name (value_int64 (result, row, 0), value);

                  image_path = g_build_filename (images_dir, name, NULL);
                  sqlite3_bind_text (stmt, column, g_strconcat (images_prefix, "/", name, NULL),
                                     -1, g_free);
                }
              else
                sqlite3_bind_text (stmt, column, value, -1, SQLITE_TRANSIENT);
              break;
            }
        }
      if (sqlite3_step (stmt) != SQLITE_DONE)
        {
          g_set_error (error, BW_TEAM_ERROR, BW_TEAM_ERROR_IO,
                       _("Could not write the snapshot: %s"), sqlite3_errmsg (db));
          ok = FALSE;
        }
      if (ok && image_path != NULL)
        ok = pull_image_bytes (self, PQgetvalue (result, row, 0), image_path, error);
    }
  sqlite3_finalize (stmt);
  return ok;
}

/* Copies the server's rows into @project in one transaction of its own:
 * the people and the tables named in @only (all when %NULL), of a table
 * that @where names only the rows its condition (SQL) holds for. With an
 * @images_dir, the images' bytes are written there and their paths
 * made to name them; without one, the images keep the server's paths
 * and no bytes are read. */
gboolean
_bw_team_pull_into (BwTeam            *self,
                    BwProject         *project,
                    const char        *images_dir,
                    const char        *images_prefix,
                    const char *const *only,
                    GHashTable        *where,
                    GError           **error)
{
  g_autoptr(PGresult) people = NULL;
  sqlite3_stmt *stmt = NULL;
  gboolean ok = TRUE;
  BW_PROJECT_LOCK (project);

  if (sqlite3_exec (project->db, "BEGIN; DELETE FROM rejection_reasons;", NULL, NULL, NULL) != SQLITE_OK)
    {
      _bw_project_set_error (project, sqlite3_errcode (project->db), error);
      return FALSE;
    }

  people = run (self, "SELECT id, name, role, created_at FROM people ORDER BY id", error);
  ok = people != NULL;
  if (ok && sqlite3_prepare_v2 (project->db, "INSERT INTO people (id, name, role, created_at)"
                                " VALUES (?, ?, ?, ?)", -1, &stmt, NULL) != SQLITE_OK)
    {
      _bw_project_set_error (project, sqlite3_errcode (project->db), error);
      ok = FALSE;
    }
  for (int row = 0; ok && people != NULL && row < PQntuples (people); row++)
    {
      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, value_int64 (people, row, 0));
      sqlite3_bind_text (stmt, 2, PQgetvalue (people, row, 1), -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 3, value_int64 (people, row, 2));
      sqlite3_bind_int64 (stmt, 4, value_int64 (people, row, 3));
      if (sqlite3_step (stmt) != SQLITE_DONE)
        {
          _bw_project_set_error (project, sqlite3_errcode (project->db), error);
          ok = FALSE;
        }
    }
  g_clear_pointer (&stmt, sqlite3_finalize);

  for (guint t = 0; ok && t < _bw_team_n_tables; t++)
    {
      if (only != NULL && !g_strv_contains (only, transfer_tables[t].name))
        continue;
      /* The categories just written counted guideline changes of their
       * own in the new file (its triggers): the server's record wins. */
      if (strcmp (transfer_tables[t].name, "guideline_changes") == 0 &&
          sqlite3_exec (project->db, "DELETE FROM guideline_changes", NULL, NULL, NULL) != SQLITE_OK)
        {
          _bw_project_set_error (project, sqlite3_errcode (project->db), error);
          ok = FALSE;
          break;
        }
      ok = pull_table (self, project->db, &transfer_tables[t],
                       where != NULL ? g_hash_table_lookup (where, transfer_tables[t].name) : NULL,
                       images_dir, images_prefix, error);
    }

  if (ok && sqlite3_exec (project->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
    {
      _bw_project_set_error (project, sqlite3_errcode (project->db), error);
      ok = FALSE;
    }
  if (!ok)
    sqlite3_exec (project->db, "ROLLBACK", NULL, NULL, NULL);
  return ok;
}

/**
 * bw_team_pull:
 * @destination: the project file to write; it must not exist
 *
 * Writes a local snapshot of the team project: @destination, a project
 * the app opens, and the images' bytes in the folder “NAME-images”
 * beside it. Read in one snapshot of the server (REPEATABLE READ); the
 * file is written under a temporary name and renamed, and on failure
 * nothing is left.
 */
gboolean
bw_team_pull (BwTeam   *self,
              GFile    *destination,
              GError  **error)
{
  g_autofree char *path = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  g_autofree char *stem = NULL;
  g_autofree char *images_prefix = NULL;
  g_autofree char *images_dir = NULL;
  g_autofree char *temp_path = NULL;
  g_autoptr(GFile) temp_file = NULL;
  g_autoptr(BwProject) project = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean ok;

  g_return_val_if_fail (BW_IS_TEAM (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (destination), FALSE);

  path = g_file_get_path (destination);
  if (path == NULL)
    {
      g_set_error (error, BW_TEAM_ERROR, BW_TEAM_ERROR_IO,
                   _("A snapshot is written to a local file; choose a path on this computer."));
      return FALSE;
    }
  dir = g_path_get_dirname (path);
  base = g_path_get_basename (path);
  stem = g_str_has_suffix (base, ".boxwood") ? g_strndup (base, strlen (base) - 8) : g_strdup (base);
  images_prefix = g_strconcat (stem, "-images", NULL);
  images_dir = g_build_filename (dir, images_prefix, NULL);
  if (g_file_test (path, G_FILE_TEST_EXISTS) || g_file_test (images_dir, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, BW_TEAM_ERROR, BW_TEAM_ERROR_EXISTS,
                   _("%s or its image folder %s exists already; a snapshot never replaces "
                     "files. Choose another name."),
                   path, images_dir);
      return FALSE;
    }

  temp_path = g_strdup_printf ("%s/.%s.pull-%d", dir, base, (int) getpid ());
  temp_file = g_file_new_for_path (temp_path);
  project = bw_project_create (temp_file, &local_error);
  if (project == NULL)
    {
      g_set_error (error, BW_TEAM_ERROR, BW_TEAM_ERROR_IO,
                   _("Could not create the snapshot %s: %s"), path, local_error->message);
      return FALSE;
    }

  ok = exec (self, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", error);
  if (ok)
    {
      ok = _bw_team_pull_into (self, project, images_dir, images_prefix, NULL, NULL, error);
      rollback (self);
    }
  g_clear_object (&project);

  /* Opening it once fills in what the file keeps beside the rows (the
   * images' sort keys), as for any project made elsewhere. */
  if (ok)
    {
      project = bw_project_open (temp_file, &local_error);
      ok = project != NULL;
      if (!ok)
        g_set_error (error, BW_TEAM_ERROR, BW_TEAM_ERROR_IO,
                     _("The snapshot %s does not open: %s"), path, local_error->message);
      g_clear_object (&project);
    }

  if (ok && g_rename (temp_path, path) != 0)
    {
      int saved = errno;

      g_set_error (error, BW_TEAM_ERROR, BW_TEAM_ERROR_IO,
                   _("Could not write the snapshot %s: %s"), path, g_strerror (saved));
      ok = FALSE;
    }

  if (!ok)
    {
      const char *suffixes[] = { "", "-wal", "-shm", "-journal" };

      for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
        {
          g_autofree char *name = g_strconcat (temp_path, suffixes[i], NULL);

          g_unlink (name);
        }
      {
        g_autoptr(GFile) folder = g_file_new_for_path (images_dir);

        bw_export_remove_tree (folder, NULL);
      }
    }
  return ok;
}
