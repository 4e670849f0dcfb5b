/* bw-team-replica.c — the desktop app's working copy of a team project
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The copy is an ordinary project file in the cache folder, with five
 * tables of its own:
 *
 *   team_state     what the copy is of (url, user, role) and the server's
 *                  change mark it was last brought up to date with;
 *   team_outbox    one row per local change not yet acknowledged, in the
 *                  order made; triggers write it in the same transaction
 *                  as the change, so it survives a crash;
 *   team_applying  holds a row only inside a transaction that writes
 *                  what came from the server; the triggers skip those
 *                  changes (SQLite triggers of the main schema cannot
 *                  read a TEMP table, and no other connection ever sees
 *                  the row committed);
 *   team_ids       the server's id of each shape made here: a new shape
 *                  gets a local id far above any server id (the
 *                  AUTOINCREMENT sequence starts at LOCAL_ID_BASE), so
 *                  two people's new shapes never meet;
 *   team_refused   changes the server refused, kept with its reason.
 *
 * A worker thread owns a server connection (LISTEN) and a connection of
 * its own to the copy: it sends the outbox in order, dropping a row only
 * once the server acknowledged it, and on a notification reads what
 * changed on the server since its last look (see bw_stamp_change() in
 * bw-team-schema.sql).
 */

#define G_LOG_DOMAIN "bw-team-replica"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <glib-unix.h>
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>
#include <utime.h>

#include "bw-project-private.h"
#include "bw-team-private.h"
#include "bw-team-replica.h"

/* Shapes made in the copy are numbered from here; server ids stay below. */
#define LOCAL_ID_BASE (G_GINT64_CONSTANT (1) << 48)
#define IDLE_POLL_MS 100
#define BACKOFF_FIRST_MS 250
#define BACKOFF_MAX_MS 5000
#define DEFAULT_CACHE_LIMIT (G_GUINT64_CONSTANT (2) << 30)
/* What is announced comes at once; what is not (an edit of someone
 * else's shape, a lease that lapsed) at least this often. */
#define RESYNC_INTERVAL_US (30 * G_USEC_PER_SEC)

/* What an outbox row names. */
enum
{
  OUT_ANNOTATION = 1,
  OUT_ASSIGNMENT = 2,
  OUT_LAYER = 3,
  OUT_REVIEW = 4,
};

struct _BwTeamReplica
{
  GObject       parent_instance;

  char         *conn_url;      /* as given; may hold a password: never shown */
  char         *password;
  char         *url;           /* shown: without the password */
  char         *user;
  BwRole        role;
  char         *key;           /* names this copy's new shapes on the server */
  char         *dir;           /* the copy's folder */
  char         *images_dir;
  guint64       cache_limit;

  BwProject    *project;       /* the app's connection */
  BwProject    *local;         /* the worker's and the sync's */
  GMainContext *context;

  GMutex        control_lock;  /* claim_next and image fetches */
  BwTeam       *control;
  GMutex        sync_lock;     /* one sync at a time, snapshot to commit */

  GThread      *worker;
  int           wake[2];

  /* Shared with the worker, under state_lock */
  GMutex        state_lock;
  gboolean      stopping;
  gint64        stop_deadline;
  gboolean      w_connected;
  guint         w_pending;
  char         *w_last_error;
  guint         w_remote_changes;
  GPtrArray    *w_refused;     /* messages */
  gboolean      idle_queued;

  /* As shown, on the main context */
  gboolean      connected;
  guint         pending;
  char         *last_error;
};

G_DEFINE_FINAL_TYPE (BwTeamReplica, bw_team_replica, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_CONNECTED,
  PROP_PENDING,
  PROP_LAST_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  SIGNAL_REMOTE_CHANGED,
  SIGNAL_CHANGE_REFUSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *replica_schema =
  "CREATE TABLE IF NOT EXISTS team_state ("
  "  key   TEXT PRIMARY KEY,"
  "  value TEXT NOT NULL"
  ");"
  "CREATE TABLE IF NOT EXISTS team_outbox ("
  "  seq      INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  kind     INTEGER NOT NULL,"
  "  row_id   INTEGER NOT NULL,"
  "  layer_id INTEGER,"
  "  made_at  INTEGER NOT NULL"
  ");"
  "CREATE INDEX IF NOT EXISTS team_outbox_by_row ON team_outbox (kind, row_id);"
  "CREATE TABLE IF NOT EXISTS team_applying (one INTEGER);"
  "CREATE TABLE IF NOT EXISTS team_ids ("
  "  kind      INTEGER NOT NULL,"
  "  local_id  INTEGER NOT NULL,"
  "  server_id INTEGER NOT NULL,"
  "  PRIMARY KEY (kind, local_id),"
  "  UNIQUE (kind, server_id)"
  ");"
  "CREATE TABLE IF NOT EXISTS team_refused ("
  "  id         INTEGER PRIMARY KEY,"
  "  kind       INTEGER NOT NULL,"
  "  row_id     INTEGER NOT NULL,"
  "  layer_id   INTEGER,"
  "  message    TEXT NOT NULL,"
  "  refused_at INTEGER NOT NULL"
  ");"
  "CREATE TRIGGER IF NOT EXISTS team_out_annotation_insert AFTER INSERT ON annotations"
  " WHEN NOT EXISTS (SELECT 1 FROM team_applying) BEGIN"
  "  INSERT INTO team_outbox (kind, row_id, layer_id, made_at)"
  "   VALUES (1, NEW.id, NEW.layer_id, " BW_PROJECT_SQL_NOW ");"
  " END;"
  "CREATE TRIGGER IF NOT EXISTS team_out_annotation_update AFTER UPDATE ON annotations"
  " WHEN NOT EXISTS (SELECT 1 FROM team_applying) BEGIN"
  "  INSERT INTO team_outbox (kind, row_id, layer_id, made_at)"
  "   VALUES (1, NEW.id, NEW.layer_id, " BW_PROJECT_SQL_NOW ");"
  " END;"
  "CREATE TRIGGER IF NOT EXISTS team_out_annotation_delete AFTER DELETE ON annotations"
  " WHEN NOT EXISTS (SELECT 1 FROM team_applying) BEGIN"
  "  INSERT INTO team_outbox (kind, row_id, layer_id, made_at)"
  "   VALUES (1, OLD.id, OLD.layer_id, " BW_PROJECT_SQL_NOW ");"
  " END;"
  "CREATE TRIGGER IF NOT EXISTS team_out_assignment AFTER UPDATE OF status ON assignments"
  " WHEN NOT EXISTS (SELECT 1 FROM team_applying) BEGIN"
  "  INSERT INTO team_outbox (kind, row_id, layer_id, made_at)"
  "   VALUES (2, NEW.id, NEW.layer_id, " BW_PROJECT_SQL_NOW ");"
  " END;"
  /* A reviewer's verdicts; the ones a layer verdict implies for its
   * shapes are the server's to make. */
  "CREATE TRIGGER IF NOT EXISTS team_out_review AFTER INSERT ON reviews"
  " WHEN NEW.implied_by IS NULL AND NOT EXISTS (SELECT 1 FROM team_applying) BEGIN"
  "  INSERT INTO team_outbox (kind, row_id, layer_id, made_at)"
  "   VALUES (4, NEW.id, NEW.layer_id, " BW_PROJECT_SQL_NOW ");"
  " END;"
  "CREATE TRIGGER IF NOT EXISTS team_out_layer AFTER UPDATE OF no_objects ON layers"
  " WHEN NOT EXISTS (SELECT 1 FROM team_applying) BEGIN"
  "  INSERT INTO team_outbox (kind, row_id, layer_id, made_at)"
  "   VALUES (3, NEW.id, NEW.id, " BW_PROJECT_SQL_NOW ");"
  " END;";

/* What the copy takes from the server but never sends back: the lead's
 * part of the project (taxonomy, guidelines, images, gold, exams,
 * calibration, audits, questions, settings). A change of these made in
 * the app would stay in the copy, unseen by the team, so the copy's
 * database refuses it (outside a write of what came from the server)
 * and the app says why; see _bw_project_set_error(). */
static const char *const guarded_tables[] = {
  "settings", "categories", "guidelines", "guideline_changes", "guideline_examples",
  "rejection_reasons", "questions", "exams", "exam_images", "exam_thresholds",
  "exam_attempt_thresholds", "exam_attempts", "exam_answers", "exam_scores",
  "exam_confusions", "certificates", "calibration_rounds", "calibration_images",
  "calibration_people", "audit_samples", "imports", "import_staging",
};

#define GUARD_RAISE \
  " WHEN NOT EXISTS (SELECT 1 FROM team_applying) BEGIN" \
  "  SELECT RAISE (ABORT, '" BW_PROJECT_TEAM_COPY_REFUSAL "');" \
  " END;"

static char *
guard_sql (gboolean create)
{
  static const char *const operations[] = { "insert", "update", "delete" };
  GString *sql = g_string_new (NULL);

  for (guint t = 0; t < G_N_ELEMENTS (guarded_tables); t++)
    for (guint o = 0; o < G_N_ELEMENTS (operations); o++)
      {
        g_string_append_printf (sql, "DROP TRIGGER IF EXISTS team_guard_%s_%s;",
                                guarded_tables[t], operations[o]);
        if (create)
          g_string_append_printf (sql, "CREATE TRIGGER team_guard_%s_%s BEFORE %s ON %s"
                                  GUARD_RAISE, guarded_tables[t], operations[o],
                                  operations[o], guarded_tables[t]);
      }
  /* Images: adding or removing one, excluding or including it, making
   * it gold or not; what the workflow changes (its status as work is
   * submitted and reviewed) goes on. */
  g_string_append (sql, "DROP TRIGGER IF EXISTS team_guard_images_insert;"
                        "DROP TRIGGER IF EXISTS team_guard_images_delete;"
                        "DROP TRIGGER IF EXISTS team_guard_images_update;");
  if (create)
    g_string_append (sql, "CREATE TRIGGER team_guard_images_insert BEFORE INSERT ON images"
                          GUARD_RAISE
                          "CREATE TRIGGER team_guard_images_delete BEFORE DELETE ON images"
                          GUARD_RAISE
                          "CREATE TRIGGER team_guard_images_update BEFORE UPDATE OF path, status,"
                          " is_gold, duplicate_of ON images"
                          " WHEN (NEW.path IS NOT OLD.path OR NEW.is_gold IS NOT OLD.is_gold"
                          "       OR NEW.duplicate_of IS NOT OLD.duplicate_of"
                          "       OR (NEW.status = 5) <> (OLD.status = 5))"
                          "  AND NOT EXISTS (SELECT 1 FROM team_applying) BEGIN"
                          "  SELECT RAISE (ABORT, '" BW_PROJECT_TEAM_COPY_REFUSAL "');"
                          " END;");
  return g_string_free (sql, FALSE);
}

/* Small helpers on the copy */

static char *
state_get (BwProject  *project,
           const char *key)
{
  BW_PROJECT_LOCK (project);
  sqlite3_stmt *stmt = _bw_project_prepare (project, "SELECT value FROM team_state WHERE key = ?1",
                                            NULL);
  char *value = NULL;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = _bw_column_dup_text (stmt, 0);
  sqlite3_reset (stmt);
  return value;
}

static gboolean
state_set (BwProject  *project,
           const char *key,
           const char *value,
           GError    **error)
{
  BW_PROJECT_LOCK (project);
  sqlite3_stmt *stmt = _bw_project_prepare (project,
                                            "INSERT INTO team_state (key, value) VALUES (?1, ?2)"
                                            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                                            error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, value, -1, SQLITE_TRANSIENT);
  return _bw_project_step_done (project, stmt, error);
}

static gint64
query_int (BwProject  *project,
           const char *sql,
           gint64      a,
           gint64      b,
           gint64      fallback)
{
  BW_PROJECT_LOCK (project);
  sqlite3_stmt *stmt = _bw_project_prepare (project, sql, NULL);
  gint64 value = fallback;

  if (stmt == NULL)
    return fallback;
  if (sqlite3_bind_parameter_count (stmt) >= 1)
    sqlite3_bind_int64 (stmt, 1, a);
  if (sqlite3_bind_parameter_count (stmt) >= 2)
    sqlite3_bind_int64 (stmt, 2, b);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return value;
}

/* A transaction whose changes came from the server: the outbox
 * triggers let them be. */
static gboolean
apply_begin (BwProject *project,
             GError   **error)
{
  if (!bw_project_begin (project, error))
    return FALSE;
  if (!_bw_project_exec (project, "INSERT INTO team_applying (one) VALUES (1)", error))
    {
      bw_project_rollback (project);
      return FALSE;
    }
  return TRUE;
}

static gboolean
apply_commit (BwProject *project,
              GError   **error)
{
  if (!_bw_project_exec (project, "DELETE FROM team_applying", error))
    {
      bw_project_rollback (project);
      return FALSE;
    }
  return bw_project_commit (project, error);
}

/* Reading the server into the copy */

static const char *
param_int (char   *buffer,
           gsize   size,
           gint64  value)
{
  g_snprintf (buffer, size, "%" G_GINT64_FORMAT, value);
  return buffer;
}

static gint64
result_int64 (const PGresult *result,
          int             row,
          int             column)
{
  if (PQgetisnull (result, row, column))
    return 0;
  return g_ascii_strtoll (PQgetvalue (result, row, column), NULL, 10);
}

typedef struct
{
  BwTeamReplica *self;
  BwTeam        *team;
  BwProject     *project;
  const char    *mark;          /* the change mark of the last look, as text */
  GHashTable    *server_to_local;   /* annotation ids: server → local */
  GHashTable    *reviews_to_local;  /* review ids: server → local */
  gboolean       changed;
} Sync;

/* Which rows of a table to read: those written since the mark, and those
 * that became visible to us since (an assignment of ours changed: a
 * claim, a submission to review). */
static const char *
delta_condition (const char *table)
{
  if (strcmp (table, "images") == 0)
    return "change_xid >= $1::xid8 OR id IN (SELECT image_id FROM assignments"
           " WHERE change_xid >= $1::xid8)";
  if (strcmp (table, "layers") == 0)
    return "change_xid >= $1::xid8 OR image_id IN (SELECT image_id FROM assignments"
           " WHERE change_xid >= $1::xid8)";
  if (strcmp (table, "annotations") == 0 || strcmp (table, "annotation_versions") == 0 ||
      strcmp (table, "reviews") == 0)
    return "change_xid >= $1::xid8 OR layer_id IN (SELECT id FROM layers"
           " WHERE change_xid >= $1::xid8 OR image_id IN (SELECT image_id FROM assignments"
           " WHERE change_xid >= $1::xid8))";
  if (strcmp (table, "assignments") == 0 || strcmp (table, "categories") == 0 ||
      strcmp (table, "rejection_reasons") == 0)
    return "change_xid >= $1::xid8";
  return NULL;   /* small tables: read whole */
}

/* The key columns of a table in the copy, for its upsert. */
static const char *
table_key (const BwTeamTable *table)
{
  if (strcmp (table->name, "annotation_versions") == 0)
    return "annotation_id, version";
  if (strcmp (table->name, "work_time") == 0)
    return "image_id, person_id, task";
  if (strcmp (table->name, "audit_samples") == 0)
    return "layer_id, submission";
  if (strcmp (table->name, "settings") == 0)
    return "key";
  if (strcmp (table->name, "guideline_changes") == 0)
    return "version";
  return "id";
}

/* What an annotator's role may not read of an image (the gold mark, the
 * pipeline status) is replaced by what their own assignment says. */
#define ANNOTATOR_IMAGE_COLUMNS \
  "id, path, width, height, byte_size, content_hash, phash, orientation," \
  " coalesce ((SELECT CASE a.status WHEN 1 THEN 1 WHEN 2 THEN 2 WHEN 3 THEN 6 WHEN 4 THEN 3" \
  "            WHEN 5 THEN 4 ELSE 0 END FROM assignments a" \
  "            WHERE a.image_id = images.id AND a.task = 0 ORDER BY a.id DESC LIMIT 1), 0)," \
  " 0, added_at, NULL"

static char *
upsert_sql (const BwTeamTable *table)
{
  g_auto(GStrv) columns = g_strsplit (table->columns, ",", -1);
  g_autofree char *key = g_strdup (table_key (table));
  GString *sql = g_string_new (NULL);
  gboolean first = TRUE;

  g_string_append_printf (sql, "INSERT INTO %s (%s) VALUES (", table->name, table->columns);
  for (guint c = 0; columns[c] != NULL; c++)
    g_string_append_printf (sql, "%s?%u", c > 0 ? ", " : "", c + 1);
  g_string_append_printf (sql, ") ON CONFLICT (%s) DO ", key);

  for (guint c = 0; columns[c] != NULL; c++)
    {
      const char *name = g_strstrip (columns[c]);

      if (strstr (key, name) != NULL && (strcmp (name, "id") == 0 || strcmp (key, "id") != 0))
        continue;
      g_string_append_printf (sql, "%s%s = excluded.%s", first ? "UPDATE SET " : ", ", name, name);
      first = FALSE;
    }
  if (first)
    {
      g_string_append (sql, "NOTHING");
      return g_string_free (sql, FALSE);
    }
  /* Only what differs, so that a row read again changes nothing (and
   * counts as no change in the copy's change counters). */
  first = TRUE;
  for (guint c = 0; columns[c] != NULL; c++)
    {
      const char *name = columns[c];

      if (strcmp (name, "id") == 0)
        continue;
      g_string_append_printf (sql, "%s%s IS NOT excluded.%s", first ? " WHERE " : " OR ",
                              name, name);
      first = FALSE;
    }
  return g_string_free (sql, FALSE);
}

static gboolean
sync_table (Sync              *sync,
            const BwTeamTable *table,
            GError           **error)
{
  BwProject *project = sync->project;
  const char *condition = delta_condition (table->name);
  gboolean is_images = strcmp (table->name, "images") == 0;
  gboolean is_annotations = strcmp (table->name, "annotations") == 0;
  gboolean is_versions = strcmp (table->name, "annotation_versions") == 0;
  gboolean is_assignments = strcmp (table->name, "assignments") == 0;
  gboolean is_layers = strcmp (table->name, "layers") == 0;
  gboolean is_reviews = strcmp (table->name, "reviews") == 0;
  guint n = strlen (table->types);
  const char *values[1] = { sync->mark };
  g_autofree char *select = NULL;
  g_autofree char *upsert = upsert_sql (table);
  g_autoptr(PGresult) result = NULL;
  sqlite3_stmt *stmt;
  sqlite3_stmt *name_key = NULL;

  select = g_strdup_printf ("SELECT %s FROM %s%s%s ORDER BY %s",
                            is_images && sync->self->role == BW_ROLE_ANNOTATOR
                            ? ANNOTATOR_IMAGE_COLUMNS : table->columns,
                            table->name, condition != NULL ? " WHERE " : "",
                            condition != NULL ? condition : "", table->order);
  result = _bw_team_run_params (sync->team, select, condition != NULL ? 1 : 0, values, error);
  if (result == NULL)
    return FALSE;

  stmt = _bw_project_prepare (project, upsert, error);
  if (stmt == NULL)
    return FALSE;
  if (is_images)
    {
      name_key = _bw_project_prepare (project, "UPDATE images SET name_key = ?2"
                                               " WHERE id = ?1 AND name_key IS NULL", error);
      if (name_key == NULL)
        return FALSE;
    }

  for (int row = 0; row < PQntuples (result); row++)
    {
      g_autofree char *local_path = NULL;
      gint64 id = result_int64 (result, row, 0);

      /* What we changed here and have not sent yet stays ours until it
       * is acknowledged; the server's echo comes after. */
      if (is_annotations)
        {
          gpointer local = g_hash_table_lookup (sync->server_to_local, &id);

          if (local != NULL)
            id = *(gint64 *) local;
          if (query_int (project, "SELECT 1 FROM team_outbox WHERE kind = 1 AND row_id = ?1",
                         id, 0, 0))
            continue;
        }
      if (is_reviews)
        {
          gpointer local = g_hash_table_lookup (sync->reviews_to_local, &id);

          if (local != NULL)
            id = *(gint64 *) local;
          /* A verdict given here that the server has not acknowledged,
           * or one it knows under another id, holds this id in the copy:
           * the server's row of that id is not shown here. (Review ids
           * made here are SQLite's next rowid, which a later server id
           * can meet.) */
          else if (query_int (project, "SELECT 1 FROM team_ids WHERE kind = 4 AND local_id = ?1"
                                       " UNION ALL SELECT 1 FROM team_outbox WHERE kind = 4"
                                       " AND row_id = ?1", id, 0, 0))
            {
              g_debug ("Review %" G_GINT64_FORMAT " of the server meets one made here", id);
              continue;
            }
        }
      if (is_assignments &&
          query_int (project, "SELECT 1 FROM team_outbox WHERE kind = 2 AND row_id = ?1", id, 0, 0))
        continue;
      if (is_layers &&
          query_int (project, "SELECT 1 FROM team_outbox WHERE kind = 3 AND row_id = ?1", id, 0, 0))
        continue;

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
              {
                gint64 number = g_ascii_strtoll (value, NULL, 10);

                /* Shapes made here keep their local id. */
                if (is_reviews && c == 0)
                  number = id;
                else if ((is_annotations && c == 0) || (is_versions && c == 0) || (is_reviews && c == 2))
                  {
                    gpointer local = g_hash_table_lookup (sync->server_to_local, &number);

                    if (local != NULL)
                      number = *(gint64 *) local;
                  }
                sqlite3_bind_int64 (stmt, column, number);
              }
              break;
            case 'r':
              sqlite3_bind_double (stmt, column, g_ascii_strtod (value, NULL));
              break;
            case 'b':
              _bw_team_bind_bytea (stmt, column, value);
              break;
            case 't':
            default:
              if (is_images && c == 1)
                {
                  g_autofree char *name = _bw_team_image_name (id, value);

                  local_path = g_strconcat ("images/", name, NULL);
                  sqlite3_bind_text (stmt, column, local_path, -1, SQLITE_TRANSIENT);
                }
              else
                sqlite3_bind_text (stmt, column, value, -1, SQLITE_TRANSIENT);
              break;
            }
        }
      if (!_bw_project_step_done (project, stmt, error))
        return FALSE;
      if (sqlite3_changes (project->db) > 0)
        sync->changed = TRUE;
      if (name_key != NULL)
        {
          sqlite3_reset (name_key);
          sqlite3_bind_int64 (name_key, 1, id);
          _bw_project_bind_name_key (name_key, 2, local_path);
          if (!_bw_project_step_done (project, name_key, error))
            return FALSE;
        }
    }
  return TRUE;
}

static gboolean
sync_people (Sync    *sync,
             GError **error)
{
  g_autoptr(PGresult) result = NULL;
  sqlite3_stmt *stmt;

  result = _bw_team_run_params (sync->team, "SELECT id, name, role FROM people ORDER BY id",
                                0, NULL, error);
  if (result == NULL)
    return FALSE;
  stmt = _bw_project_prepare (sync->project,
                              "INSERT INTO people (id, name, role, created_at) VALUES (?1, ?2, ?3, 0)"
                              " ON CONFLICT (id) DO UPDATE SET name = excluded.name, role = excluded.role"
                              " WHERE name IS NOT excluded.name OR role IS NOT excluded.role", error);
  if (stmt == NULL)
    return FALSE;
  for (int row = 0; row < PQntuples (result); row++)
    {
      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, result_int64 (result, row, 0));
      sqlite3_bind_text (stmt, 2, PQgetvalue (result, row, 1), -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 3, result_int64 (result, row, 2));
      if (!_bw_project_step_done (sync->project, stmt, error))
        return FALSE;
      if (sqlite3_changes (sync->project->db) > 0)
        sync->changed = TRUE;
    }
  return TRUE;
}

static gboolean
sync_deletions (Sync    *sync,
                GError **error)
{
  const char *values[1] = { sync->mark };
  g_autoptr(PGresult) result = NULL;
  sqlite3_stmt *stmt;

  result = _bw_team_run_params (sync->team, "SELECT annotation_id FROM deletions"
                                            " WHERE change_xid >= $1::xid8", 1, values, error);
  if (result == NULL)
    return FALSE;
  stmt = _bw_project_prepare (sync->project, "DELETE FROM annotations WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  for (int row = 0; row < PQntuples (result); row++)
    {
      gint64 id = result_int64 (result, row, 0);
      gpointer local = g_hash_table_lookup (sync->server_to_local, &id);

      if (local != NULL)
        id = *(gint64 *) local;
      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, id);
      if (!_bw_project_step_done (sync->project, stmt, error))
        return FALSE;
      if (sqlite3_changes (sync->project->db) > 0)
        sync->changed = TRUE;
    }
  return TRUE;
}

static GHashTable *
load_id_map (BwProject *project,
             int        kind,
             GError   **error)
{
  GHashTable *map = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  sqlite3_stmt *stmt = _bw_project_prepare (project, "SELECT server_id, local_id FROM team_ids"
                                                     " WHERE kind = ?1", error);
  int rc;

  if (stmt == NULL)
    {
      g_hash_table_unref (map);
      return NULL;
    }
  sqlite3_bind_int (stmt, 1, kind);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_hash_table_insert (map, g_memdup2 (&(gint64) { sqlite3_column_int64 (stmt, 0) }, sizeof (gint64)),
                         g_memdup2 (&(gint64) { sqlite3_column_int64 (stmt, 1) }, sizeof (gint64)));
  if (!_bw_project_finish_rows (project, stmt, rc, error))
    {
      g_hash_table_unref (map);
      return NULL;
    }
  return map;
}

/* Brings the copy up to date with what @team may read, from the change
 * mark it was last brought up to date with (all of it the first time).
 * One snapshot of the server, one transaction in the copy. */
static gboolean
sync_copy (BwTeamReplica *self,
           BwTeam        *team,
           gboolean      *changed,
           GError       **error)
{
  static const char *order[] = { "settings", "categories", "guidelines", "guideline_changes",
                                 "rejection_reasons", "images", "layers", "annotations",
                                 "annotation_versions", "reviews", "assignments" };
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->sync_lock);
  BW_PROJECT_LOCK (self->local);
  g_autoptr(PGresult) snapshot = NULL;
  g_autoptr(PGresult) end = NULL;
  g_autofree char *mark = state_get (self->local, "change_mark");
  Sync sync = { self, team, self->local, mark != NULL ? mark : "0", NULL, NULL, FALSE };
  gboolean ok;

  snapshot = _bw_team_run_params (team, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;", 0,
                                  NULL, error);
  if (snapshot == NULL)
    return FALSE;
  g_clear_pointer (&snapshot, PQclear);
  snapshot = _bw_team_run_params (team, "SELECT pg_snapshot_xmin (pg_current_snapshot ())::text",
                                  0, NULL, error);
  ok = snapshot != NULL && apply_begin (self->local, error);
  if (ok)
    {
      sync.server_to_local = load_id_map (self->local, OUT_ANNOTATION, error);
      sync.reviews_to_local = load_id_map (self->local, OUT_REVIEW, error);
      ok = sync.server_to_local != NULL && sync.reviews_to_local != NULL &&
           sync_people (&sync, error);
      for (guint i = 0; ok && i < G_N_ELEMENTS (order); i++)
        for (guint t = 0; t < _bw_team_n_tables; t++)
          if (strcmp (_bw_team_tables[t].name, order[i]) == 0)
            ok = sync_table (&sync, &_bw_team_tables[t], error);
      if (ok)
        ok = sync_deletions (&sync, error);
      if (ok)
        ok = state_set (self->local, "change_mark", PQgetvalue (snapshot, 0, 0), error);
      if (ok)
        ok = apply_commit (self->local, error);
      else
        bw_project_rollback (self->local);
      g_clear_pointer (&sync.server_to_local, g_hash_table_unref);
      g_clear_pointer (&sync.reviews_to_local, g_hash_table_unref);
    }
  end = PQexec (_bw_team_get_conn (team), "ROLLBACK");
  if (ok && changed != NULL)
    *changed = sync.changed;
  return ok;
}

/* Image bytes */

static char *
image_file (BwTeamReplica *self,
            gint64         image_id)
{
  g_autoptr(BwImage) image = bw_project_get_image (self->local, image_id, NULL);

  if (image == NULL)
    return NULL;
  return bw_project_resolve_image_path (self->local, image->path);
}

typedef struct
{
  char   *path;
  gint64  mtime;
  goffset size;
} CachedFile;

static void
cached_file_free (gpointer data)
{
  CachedFile *file = data;

  g_free (file->path);
  g_free (file);
}

static void
list_cache (const char *dir,
            GPtrArray  *files)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *child = g_build_filename (dir, name, NULL);
      GStatBuf st;

      if (g_lstat (child, &st) != 0)
        continue;
      if (S_ISDIR (st.st_mode))
        list_cache (child, files);
      else if (S_ISREG (st.st_mode))
        {
          CachedFile *file = g_new0 (CachedFile, 1);

          file->path = g_steal_pointer (&child);
          file->mtime = st.st_mtime;
          file->size = st.st_size;
          g_ptr_array_add (files, file);
        }
    }
}

static int
compare_age (gconstpointer a,
             gconstpointer b)
{
  const CachedFile *fa = *(CachedFile **) a;
  const CachedFile *fb = *(CachedFile **) b;

  return (fa->mtime > fb->mtime) - (fa->mtime < fb->mtime);
}

/* Keeps the image cache under its limit, the least recently fetched
 * files going first; @keep is never removed. */
static void
trim_cache (BwTeamReplica *self,
            const char    *keep)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (cached_file_free);
  guint64 total = 0;

  list_cache (self->images_dir, files);
  for (guint i = 0; i < files->len; i++)
    total += ((CachedFile *) files->pdata[i])->size;
  if (total <= self->cache_limit)
    return;
  g_ptr_array_sort (files, compare_age);
  for (guint i = 0; i < files->len && total > self->cache_limit; i++)
    {
      CachedFile *file = files->pdata[i];

      if (g_strcmp0 (file->path, keep) == 0)
        continue;
      if (g_unlink (file->path) == 0)
        total -= file->size;
    }
}

static gboolean
fetch_image_with (BwTeamReplica *self,
                  BwTeam        *team,
                  gint64         image_id,
                  GError       **error)
{
  g_autofree char *path = image_file (self, image_id);
  g_autofree char *folder = NULL;
  char id_text[24];
  const char *values[1] = { param_int (id_text, sizeof id_text, image_id) };
  g_autoptr(PGresult) result = NULL;
  g_autoptr(GError) write_error = NULL;

  if (path == NULL)
    {
      g_set_error (error, BW_TEAM_ERROR, BW_TEAM_ERROR_FAILED,
                   _("The image %" PRId64 " is not in the working copy of %s."), image_id,
                   self->url);
      return FALSE;
    }
  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      /* Used again: the last to go when the cache is trimmed. */
      g_utime (path, NULL);
      return TRUE;
    }

  result = PQexecParams (_bw_team_get_conn (team), "SELECT bytes FROM image_data WHERE image_id = $1",
                         1, NULL, values, NULL, NULL, 1);
  if (!_bw_team_result_ok (team, result, error))
    return FALSE;
  if (PQntuples (result) != 1)
    {
      g_set_error (error, BW_TEAM_ERROR, BW_TEAM_ERROR_FAILED,
                   _("The team server %s holds no bytes of the image %" PRId64 ". Ask the lead "
                     "to push the project again."), self->url, image_id);
      return FALSE;
    }
  folder = g_path_get_dirname (path);
  if (g_mkdir_with_parents (folder, 0700) != 0 ||
      !g_file_set_contents (path, PQgetvalue (result, 0, 0), PQgetlength (result, 0, 0),
                            &write_error))
    {
      g_set_error (error, BW_TEAM_ERROR, BW_TEAM_ERROR_IO,
                   _("Could not write the image %s into the cache: %s. Free some disk space."),
                   path, write_error != NULL ? write_error->message : g_strerror (errno));
      return FALSE;
    }
  trim_cache (self, path);
  return TRUE;
}

/* Main-thread connection */

static BwTeam *
control_team (BwTeamReplica *self,
              GError       **error)
{
  if (self->control != NULL && PQstatus (_bw_team_get_conn (self->control)) != CONNECTION_OK)
    g_clear_object (&self->control);
  if (self->control == NULL)
    self->control = bw_team_connect_with_password (self->conn_url, self->password, error);
  return self->control;
}

/* What the worker tells the main context */

static void
weak_ref_free (gpointer data)
{
  g_weak_ref_clear (data);
  g_free (data);
}

static gboolean
publish_cb (gpointer user_data)
{
  g_autoptr(BwTeamReplica) self = g_weak_ref_get (user_data);
  gboolean connected;
  guint pending;
  guint remote;
  g_autofree char *last_error = NULL;
  g_autoptr(GPtrArray) refused = NULL;

  if (self == NULL)
    return G_SOURCE_REMOVE;
  g_mutex_lock (&self->state_lock);
  self->idle_queued = FALSE;
  connected = self->w_connected;
  pending = self->w_pending;
  last_error = g_strdup (self->w_last_error);
  remote = self->w_remote_changes;
  self->w_remote_changes = 0;
  refused = g_steal_pointer (&self->w_refused);
  self->w_refused = g_ptr_array_new_with_free_func (g_free);
  g_mutex_unlock (&self->state_lock);

  g_object_freeze_notify (G_OBJECT (self));
  if (connected != self->connected)
    {
      self->connected = connected;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTED]);
    }
  if (pending != self->pending)
    {
      self->pending = pending;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING]);
    }
  if (g_strcmp0 (last_error, self->last_error) != 0)
    {
      g_free (self->last_error);
      self->last_error = g_steal_pointer (&last_error);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);
    }
  g_object_thaw_notify (G_OBJECT (self));

  for (guint i = 0; i < refused->len; i++)
    g_signal_emit (self, signals[SIGNAL_CHANGE_REFUSED], 0, (const char *) refused->pdata[i]);
  if (remote > 0)
    {
      /* The project's own signals say what changed. */
      bw_project_poll_external_change (self->project);
      g_signal_emit (self, signals[SIGNAL_REMOTE_CHANGED], 0);
    }
  return G_SOURCE_REMOVE;
}

/* Called with state_lock held. */
static void
queue_publish_locked (BwTeamReplica *self)
{
  g_autoptr(GSource) source = NULL;
  GWeakRef *ref;

  if (self->idle_queued)
    return;
  self->idle_queued = TRUE;
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  /* The worker may be told to stop by the last unref: no strong ref. */
  ref = g_new0 (GWeakRef, 1);
  g_weak_ref_init (ref, self);
  g_source_set_callback (source, publish_cb, ref, weak_ref_free);
  g_source_set_static_name (source, "[boxwood] team replica state");
  g_source_attach (source, self->context);
}

static void
set_connection_state (BwTeamReplica *self,
                      gboolean       connected,
                      const char    *message)
{
  g_mutex_lock (&self->state_lock);
  if (self->w_connected != connected || g_strcmp0 (self->w_last_error, message) != 0)
    {
      self->w_connected = connected;
      g_free (self->w_last_error);
      self->w_last_error = g_strdup (message);
      queue_publish_locked (self);
    }
  g_mutex_unlock (&self->state_lock);
}

static guint
count_pending (BwTeamReplica *self)
{
  return (guint) query_int (self->local, "SELECT count (*) FROM team_outbox", 0, 0, 0);
}

static void
publish_pending (BwTeamReplica *self)
{
  guint pending = count_pending (self);

  g_mutex_lock (&self->state_lock);
  if (self->w_pending != pending)
    {
      self->w_pending = pending;
      queue_publish_locked (self);
    }
  g_mutex_unlock (&self->state_lock);
}

/* Sending the outbox */

typedef enum
{
  SEND_ACKNOWLEDGED,
  SEND_REFUSED,     /* the server said no: kept in team_refused, told */
  SEND_OFFLINE,     /* try again when connected */
} SendOutcome;

/* Whether a failed call is the connection's fault (or the server going
 * down) rather than the server's answer about this change. */
static gboolean
is_transient (BwTeam         *team,
              const PGresult *result)
{
  const char *state = result != NULL ? PQresultErrorField (result, PG_DIAG_SQLSTATE) : NULL;

  if (PQstatus (_bw_team_get_conn (team)) != CONNECTION_OK || state == NULL)
    return TRUE;
  return g_str_has_prefix (state, "08") || g_str_has_prefix (state, "57") ||
         g_str_has_prefix (state, "53") || g_str_has_prefix (state, "40");
}

static SendOutcome
call (BwTeam             *team,
      const char         *sql,
      int                 n,
      const char *const  *values,
      const int          *lengths,
      const int          *formats,
      PGresult          **out,
      GError            **error)
{
  PGresult *result = PQexecParams (_bw_team_get_conn (team), sql, n, NULL, values, lengths,
                                   formats, 0);
  gboolean transient;

  if (_bw_team_result_ok (team, result, error))
    {
      if (out != NULL)
        *out = result;
      else
        PQclear (result);
      return SEND_ACKNOWLEDGED;
    }
  transient = is_transient (team, result);
  PQclear (result);
  return transient ? SEND_OFFLINE : SEND_REFUSED;
}

static SendOutcome
send_annotation (BwTeamReplica *self,
                 BwTeam        *team,
                 gint64         local_id,
                 gint64         layer_id,
                 gint64        *server_id_out,
                 GError       **error)
{
  g_autofree char *client_key = g_strdup_printf ("%s/%" G_GINT64_FORMAT, self->key, local_id);
  /* A shape that came from the server has its id; one made here, the
   * id the server gave it when it took it. */
  gint64 server_id = query_int (self->local, "SELECT server_id FROM team_ids"
                                             " WHERE kind = 1 AND local_id = ?1", local_id, 0,
                                local_id < LOCAL_ID_BASE ? local_id : 0);
  gboolean exists = FALSE;
  char buffers[15][G_ASCII_DTOSTR_BUF_SIZE];
  const char *values[15] = { NULL };
  int lengths[15] = { 0 };
  int formats[15] = { 0 };
  g_autofree guint8 *parts = NULL;
  int parts_length = 0;
  PGresult *result = NULL;
  SendOutcome outcome;

  {
    BW_PROJECT_LOCK (self->local);
    sqlite3_stmt *stmt = _bw_project_prepare (self->local,
                                              "SELECT layer_id, category_id, kind, x0, y0, x1, y1, parts,"
                                              " area, source, score, z, version"
                                              " FROM annotations WHERE id = ?1", error);

    if (stmt == NULL)
      return SEND_OFFLINE;
    sqlite3_bind_int64 (stmt, 1, local_id);
    if (sqlite3_step (stmt) == SQLITE_ROW)
      {
        exists = TRUE;
        values[0] = param_int (buffers[0], sizeof buffers[0], sqlite3_column_int64 (stmt, 0));
        values[1] = server_id > 0 ? param_int (buffers[1], sizeof buffers[1], server_id) : NULL;
        values[2] = client_key;
        values[3] = param_int (buffers[3], sizeof buffers[3], sqlite3_column_int64 (stmt, 1));
        values[4] = param_int (buffers[4], sizeof buffers[4], sqlite3_column_int64 (stmt, 2));
        for (int c = 0; c < 4; c++)
          values[5 + c] = g_ascii_dtostr (buffers[5 + c], sizeof buffers[5 + c],
                                          sqlite3_column_double (stmt, 3 + c));
        if (sqlite3_column_type (stmt, 7) != SQLITE_NULL)
          {
            parts_length = sqlite3_column_bytes (stmt, 7);
            parts = g_memdup2 (sqlite3_column_blob (stmt, 7), (gsize) parts_length);
            values[9] = parts != NULL ? (const char *) parts : "";
            lengths[9] = parts_length;
            formats[9] = 1;
          }
        values[10] = g_ascii_dtostr (buffers[10], sizeof buffers[10], sqlite3_column_double (stmt, 8));
        values[11] = param_int (buffers[11], sizeof buffers[11], sqlite3_column_int64 (stmt, 9));
        values[12] = g_ascii_dtostr (buffers[12], sizeof buffers[12], sqlite3_column_double (stmt, 10));
        values[13] = param_int (buffers[13], sizeof buffers[13], sqlite3_column_int64 (stmt, 11));
        values[14] = param_int (buffers[14], sizeof buffers[14], sqlite3_column_int64 (stmt, 12));
      }
    sqlite3_reset (stmt);
  }

  if (exists)
    {
      outcome = call (team, "SELECT * FROM bw_save_shape ($1, $2, $3, $4, $5, $6, $7, $8, $9,"
                            " $10, $11, $12, $13, $14, $15)",
                      15, values, lengths, formats, &result, error);
      if (outcome == SEND_ACKNOWLEDGED)
        {
          *server_id_out = PQntuples (result) == 1 ? result_int64 (result, 0, 0) : 0;
          PQclear (result);
        }
      return outcome;
    }

  /* Deleted here. A shape the server never heard of may still be there
   * under our key, when the acknowledgement of its creation was lost. */
  *server_id_out = 0;
  {
    char layer_text[24], id_text[24];
    const char *params[2] = { param_int (layer_text, sizeof layer_text, layer_id), NULL };

    if (server_id <= 0)
      {
        const char *key_params[1] = { client_key };

        outcome = call (team, "SELECT id FROM annotations WHERE client_key = $1", 1, key_params,
                        NULL, NULL, &result, error);
        if (outcome != SEND_ACKNOWLEDGED)
          return outcome;
        server_id = PQntuples (result) == 1 ? result_int64 (result, 0, 0) : 0;
        PQclear (result);
        if (server_id <= 0)
          return SEND_ACKNOWLEDGED;
      }
    params[1] = param_int (id_text, sizeof id_text, server_id);
    return call (team, "SELECT bw_delete_shape ($1, $2)", 2, params, NULL, NULL, NULL, error);
  }
}

static SendOutcome
send_assignment (BwTeamReplica *self,
                 BwTeam        *team,
                 gint64         assignment_id,
                 GError       **error)
{
  gint64 task = query_int (self->local, "SELECT task FROM assignments WHERE id = ?1",
                           assignment_id, 0, -1);
  gint64 status = query_int (self->local, "SELECT status FROM assignments WHERE id = ?1",
                             assignment_id, 0, -1);
  char id_text[24];
  const char *params[1] = { param_int (id_text, sizeof id_text, assignment_id) };
  PGresult *result = NULL;
  gint64 server_status;
  SendOutcome outcome;

  if (task != BW_TASK_ANNOTATE)
    return SEND_ACKNOWLEDGED;   /* reviews travel as verdicts */

  outcome = call (team, "SELECT status FROM assignments WHERE id = $1", 1, params, NULL, NULL,
                  &result, error);
  if (outcome != SEND_ACKNOWLEDGED)
    return outcome;
  server_status = PQntuples (result) == 1 ? result_int64 (result, 0, 0) : -1;
  PQclear (result);

  if (status == BW_ASSIGNMENT_SUBMITTED && server_status == BW_ASSIGNMENT_IN_PROGRESS)
    return call (team, "SELECT bw_submit ($1)", 1, params, NULL, NULL, NULL, error);
  if (status == BW_ASSIGNMENT_IN_PROGRESS && server_status == BW_ASSIGNMENT_SUBMITTED)
    return call (team, "SELECT bw_recall ($1)", 1, params, NULL, NULL, NULL, error);
  if (status == BW_ASSIGNMENT_SUBMITTED && server_status != BW_ASSIGNMENT_SUBMITTED &&
      server_status != BW_ASSIGNMENT_IN_REVIEW && server_status != BW_ASSIGNMENT_ACCEPTED)
    {
      g_set_error (error, BW_TEAM_ERROR, BW_TEAM_ERROR_LEASE_LAPSED,
                   _("The team server %s no longer holds image work %" PRId64 " for you; "
                     "the submission was not taken. Claim the next image to go on."),
                   self->url, assignment_id);
      return SEND_REFUSED;
    }
  return SEND_ACKNOWLEDGED;
}

static SendOutcome
send_layer (BwTeamReplica *self,
            BwTeam        *team,
            gint64         layer_id,
            GError       **error)
{
  gint64 no_objects = query_int (self->local, "SELECT no_objects FROM layers WHERE id = ?1",
                                 layer_id, 0, -1);
  char id_text[24];
  const char *params[2] = { param_int (id_text, sizeof id_text, layer_id),
                            no_objects > 0 ? "true" : "false" };

  if (no_objects < 0)
    return SEND_ACKNOWLEDGED;
  return call (team, "SELECT bw_set_no_objects ($1, $2)", 2, params, NULL, NULL, NULL, error);
}

/* A verdict given here: on the whole layer (bw_review(), which ends the
 * review and hands the work back or accepts it), or on one shape. */
static SendOutcome
send_review (BwTeamReplica *self,
             BwTeam        *team,
             gint64         review_id,
             gint64        *server_id_out,
             GError       **error)
{
  g_autofree char *client_key = g_strdup_printf ("%s/review/%" G_GINT64_FORMAT, self->key, review_id);
  char buffers[8][G_ASCII_DTOSTR_BUF_SIZE];
  const char *values[9] = { NULL };
  gboolean found = FALSE, whole_layer = FALSE;
  gint64 layer_id = 0, annotation_id = 0, verdict = 0;
  PGresult *result = NULL;
  SendOutcome outcome;

  {
    BW_PROJECT_LOCK (self->local);
    sqlite3_stmt *stmt = _bw_project_prepare (self->local,
                                              "SELECT layer_id, annotation_id, annotation_version, verdict,"
                                              " reason_id, comment, x, y FROM reviews WHERE id = ?1", error);

    if (stmt == NULL)
      return SEND_OFFLINE;
    sqlite3_bind_int64 (stmt, 1, review_id);
    if (sqlite3_step (stmt) == SQLITE_ROW)
      {
        found = TRUE;
        layer_id = sqlite3_column_int64 (stmt, 0);
        whole_layer = sqlite3_column_type (stmt, 1) == SQLITE_NULL;
        annotation_id = sqlite3_column_int64 (stmt, 1);
        verdict = sqlite3_column_int64 (stmt, 3);
        values[0] = param_int (buffers[0], sizeof buffers[0], layer_id);
        values[2] = sqlite3_column_type (stmt, 2) != SQLITE_NULL
                    ? param_int (buffers[2], sizeof buffers[2], sqlite3_column_int64 (stmt, 2)) : NULL;
        values[3] = param_int (buffers[3], sizeof buffers[3], verdict);
        values[4] = sqlite3_column_type (stmt, 4) != SQLITE_NULL && sqlite3_column_int64 (stmt, 4) > 0
                    ? param_int (buffers[4], sizeof buffers[4], sqlite3_column_int64 (stmt, 4)) : NULL;
        values[5] = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
        values[6] = sqlite3_column_type (stmt, 6) != SQLITE_NULL
                    ? g_ascii_dtostr (buffers[6], sizeof buffers[6], sqlite3_column_double (stmt, 6)) : NULL;
        values[7] = sqlite3_column_type (stmt, 7) != SQLITE_NULL
                    ? g_ascii_dtostr (buffers[7], sizeof buffers[7], sqlite3_column_double (stmt, 7)) : NULL;
      }
    sqlite3_reset (stmt);
  }
  *server_id_out = 0;
  if (!found)
    return SEND_ACKNOWLEDGED;   /* withdrawn before it was sent */

  if (whole_layer)
    {
      gint64 assignment = query_int (self->local, "SELECT id FROM assignments WHERE layer_id = ?1"
                                                  " AND task = 0", layer_id, 0, 0);
      char id_text[24];
      const char *params[4] = { param_int (id_text, sizeof id_text, assignment),
                                verdict == BW_VERDICT_ACCEPT ? "true" : "false", values[4], values[5] };

      if (verdict != BW_VERDICT_ACCEPT && verdict != BW_VERDICT_REJECT)
        outcome = SEND_ACKNOWLEDGED;
      else
        {
          /* Already judged (the acknowledgement was lost): nothing to do. */
          const char *check[1] = { params[0] };

          outcome = call (team, "SELECT status FROM assignments WHERE id = $1", 1, check, NULL, NULL,
                          &result, error);
          if (outcome == SEND_ACKNOWLEDGED)
            {
              gint64 status = PQntuples (result) == 1 ? result_int64 (result, 0, 0) : -1;

              PQclear (result);
              if (status == BW_ASSIGNMENT_SUBMITTED || status == BW_ASSIGNMENT_IN_REVIEW)
                outcome = call (team, "SELECT bw_review ($1, $2, $3, $4)", 4, params, NULL, NULL,
                                NULL, error);
            }
          /* The server's row of this verdict, so that the copy keeps one. */
          if (outcome == SEND_ACKNOWLEDGED)
            {
              const char *layer[1] = { values[0] };

              outcome = call (team, "SELECT max (id) FROM reviews WHERE layer_id = $1"
                                    " AND annotation_id IS NULL AND reviewer_id = bw_me ()",
                              1, layer, NULL, NULL, &result, error);
              if (outcome == SEND_ACKNOWLEDGED)
                {
                  *server_id_out = PQntuples (result) == 1 ? result_int64 (result, 0, 0) : 0;
                  PQclear (result);
                }
            }
        }
      g_free ((char *) values[5]);
      return outcome;
    }

  {
    gint64 server_annotation = query_int (self->local, "SELECT server_id FROM team_ids"
                                                       " WHERE kind = 1 AND local_id = ?1",
                                          annotation_id, 0, annotation_id);

    values[1] = param_int (buffers[1], sizeof buffers[1], server_annotation);
  }
  values[8] = client_key;
  outcome = call (team, "SELECT bw_review_shape ($1, $2, $3, $4, $5, $6, $7, $8, $9)", 9, values,
                  NULL, NULL, &result, error);
  if (outcome == SEND_ACKNOWLEDGED)
    {
      *server_id_out = PQntuples (result) == 1 ? result_int64 (result, 0, 0) : 0;
      PQclear (result);
    }
  g_free ((char *) values[5]);
  return outcome;
}

/* Sends the oldest change of the outbox. Returns FALSE when there was
 * none or the connection failed. */
static gboolean
send_next (BwTeamReplica *self,
           BwTeam        *team,
           gboolean      *offline)
{
  g_autoptr(GError) error = NULL;
  gint64 seq = 0, kind = 0, row_id = 0, layer_id = 0, last_seq;
  gint64 server_id = 0;
  SendOutcome outcome;
  /* A sync of claim_next() in between would read the server before this
   * change and write it over the change after it left the outbox. */
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->sync_lock);

  *offline = FALSE;
  {
    BW_PROJECT_LOCK (self->local);
    sqlite3_stmt *stmt = _bw_project_prepare (self->local,
                                              "SELECT seq, kind, row_id, layer_id FROM team_outbox"
                                              " ORDER BY seq LIMIT 1", NULL);

    if (stmt == NULL)
      return FALSE;
    if (sqlite3_step (stmt) == SQLITE_ROW)
      {
        seq = sqlite3_column_int64 (stmt, 0);
        kind = sqlite3_column_int64 (stmt, 1);
        row_id = sqlite3_column_int64 (stmt, 2);
        layer_id = sqlite3_column_int64 (stmt, 3);
      }
    sqlite3_reset (stmt);
  }
  if (seq == 0)
    return FALSE;

  /* What is sent is the row as it is now: it covers every change of it
   * queued so far. */
  last_seq = query_int (self->local, "SELECT max (seq) FROM team_outbox WHERE kind = ?1 AND row_id = ?2",
                        kind, row_id, seq);

  switch (kind)
    {
    case OUT_ANNOTATION:
      outcome = send_annotation (self, team, row_id, layer_id, &server_id, &error);
      break;
    case OUT_ASSIGNMENT:
      outcome = send_assignment (self, team, row_id, &error);
      break;
    case OUT_LAYER:
      outcome = send_layer (self, team, row_id, &error);
      break;
    case OUT_REVIEW:
      outcome = send_review (self, team, row_id, &server_id, &error);
      break;
    default:
      outcome = SEND_ACKNOWLEDGED;
      break;
    }

  if (outcome == SEND_OFFLINE)
    {
      *offline = TRUE;
      return FALSE;
    }

  {
    BwProject *project = self->local;
    BW_PROJECT_LOCK (project);
    g_autoptr(GError) local_error = NULL;
    gboolean ok = apply_begin (project, &local_error);
    sqlite3_stmt *stmt;

    if (ok && outcome == SEND_ACKNOWLEDGED && (kind == OUT_ANNOTATION || kind == OUT_REVIEW) &&
        server_id > 0)
      {
        /* A shape deleted and put back (undo) is made anew on the server. */
        stmt = _bw_project_prepare (project, "INSERT OR REPLACE INTO team_ids (kind, local_id, server_id)"
                                             " VALUES (?3, ?1, ?2)", &local_error);
        ok = stmt != NULL;
        if (ok)
          {
            sqlite3_bind_int64 (stmt, 1, row_id);
            sqlite3_bind_int64 (stmt, 2, server_id);
            sqlite3_bind_int64 (stmt, 3, kind);
            ok = _bw_project_step_done (project, stmt, &local_error);
          }
      }
    if (ok && outcome == SEND_REFUSED)
      {
        stmt = _bw_project_prepare (project, "INSERT INTO team_refused (kind, row_id, layer_id, message,"
                                             " refused_at) VALUES (?1, ?2, ?3, ?4, ?5)", &local_error);
        ok = stmt != NULL;
        if (ok)
          {
            sqlite3_bind_int64 (stmt, 1, kind);
            sqlite3_bind_int64 (stmt, 2, row_id);
            sqlite3_bind_int64 (stmt, 3, layer_id);
            sqlite3_bind_text (stmt, 4, error->message, -1, SQLITE_TRANSIENT);
            sqlite3_bind_int64 (stmt, 5, g_get_real_time ());
            ok = _bw_project_step_done (project, stmt, &local_error);
          }
      }
    if (ok)
      {
        stmt = _bw_project_prepare (project, "DELETE FROM team_outbox WHERE kind = ?1 AND row_id = ?2"
                                             " AND seq <= ?3", &local_error);
        ok = stmt != NULL;
        if (ok)
          {
            sqlite3_bind_int64 (stmt, 1, kind);
            sqlite3_bind_int64 (stmt, 2, row_id);
            sqlite3_bind_int64 (stmt, 3, last_seq);
            ok = _bw_project_step_done (project, stmt, &local_error);
          }
      }
    if (ok)
      ok = apply_commit (project, &local_error);
    else
      bw_project_rollback (project);
    if (!ok)
      {
        /* Sent again later; the server takes it once. */
        g_warning ("Could not record in %s what the team server answered: %s",
                   bw_project_get_display_name (project), local_error->message);
        *offline = TRUE;
        return FALSE;
      }
  }

  if (outcome == SEND_REFUSED)
    {
      g_mutex_lock (&self->state_lock);
      g_ptr_array_add (self->w_refused, g_strdup (error->message));
      queue_publish_locked (self);
      g_mutex_unlock (&self->state_lock);
    }
  return TRUE;
}

/* The worker */

static void
wake_worker (BwTeamReplica *self)
{
  char byte = 1;

  if (self->wake[1] >= 0 && write (self->wake[1], &byte, 1) < 0 && errno != EAGAIN)
    g_debug ("Could not wake the team worker: %s", g_strerror (errno));
}

/* The images of the work we hold, so that the canvas finds them. */
static void
prefetch_images (BwTeamReplica *self,
                 BwTeam        *team)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  {
    BW_PROJECT_LOCK (self->local);
    sqlite3_stmt *stmt = _bw_project_prepare (self->local,
                                              "SELECT DISTINCT a.image_id FROM assignments a"
                                              " JOIN people p ON p.id = a.person_id"
                                              " WHERE (p.name = ?1 AND a.status IN (1, 5))"
                                              "    OR (?2 AND a.task = 0 AND a.status IN (2, 3))"
                                              " ORDER BY a.image_id DESC LIMIT 50", NULL);

    if (stmt == NULL)
      return;
    sqlite3_bind_text (stmt, 1, self->user, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int (stmt, 2, self->role != BW_ROLE_ANNOTATOR);
    while (sqlite3_step (stmt) == SQLITE_ROW)
      {
        gint64 id = sqlite3_column_int64 (stmt, 0);

        g_array_append_val (ids, id);
      }
    sqlite3_reset (stmt);
  }
  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(GError) error = NULL;

      if (!fetch_image_with (self, team, g_array_index (ids, gint64, i), &error))
        g_debug ("%s", error->message);
    }
}

static gpointer
worker_main (gpointer data)
{
  BwTeamReplica *self = data;
  g_autoptr(BwTeam) team = NULL;
  guint backoff_ms = BACKOFF_FIRST_MS;
  gint64 next_attempt = 0;
  gboolean need_sync = TRUE;
  gint64 last_sync = 0;

  for (;;)
    {
      struct pollfd fds[2] = { { .fd = self->wake[0], .events = POLLIN },
                               { .fd = -1, .events = POLLIN } };
      gboolean stopping;
      gint64 deadline;
      gint64 now = g_get_monotonic_time ();
      int timeout_ms = IDLE_POLL_MS;
      gboolean offline = FALSE;

      g_mutex_lock (&self->state_lock);
      stopping = self->stopping;
      deadline = self->stop_deadline;
      g_mutex_unlock (&self->state_lock);

      if (team == NULL && now >= next_attempt && !(stopping && now >= deadline))
        {
          g_autoptr(GError) error = NULL;

          team = bw_team_connect_with_password (self->conn_url, self->password, &error);
          if (team != NULL && !bw_team_listen (team, &error))
            g_clear_object (&team);
          if (team != NULL)
            {
              backoff_ms = BACKOFF_FIRST_MS;
              need_sync = TRUE;
              set_connection_state (self, TRUE, NULL);
            }
          else
            {
              set_connection_state (self, FALSE, error->message);
              next_attempt = g_get_monotonic_time () + (gint64) backoff_ms * 1000;
              backoff_ms = MIN (backoff_ms * 2, BACKOFF_MAX_MS);
            }
        }

      if (team != NULL && now - last_sync > RESYNC_INTERVAL_US)
        need_sync = TRUE;
      if (team != NULL)
        {
          /* Ours first, then theirs: an edit made here must not be
           * overwritten by an older state from the server. */
          while (send_next (self, team, &offline))
            ;
          if (!offline && need_sync && !stopping)
            {
              g_autoptr(GError) error = NULL;
              gboolean changed = FALSE;

              if (sync_copy (self, team, &changed, &error))
                {
                  g_debug ("Working copy brought up to date%s", changed ? ", with changes" : "");
                  need_sync = FALSE;
                  last_sync = g_get_monotonic_time ();
                  if (changed)
                    {
                      g_mutex_lock (&self->state_lock);
                      self->w_remote_changes++;
                      queue_publish_locked (self);
                      g_mutex_unlock (&self->state_lock);
                    }
                  prefetch_images (self, team);
                }
              else if (PQstatus (_bw_team_get_conn (team)) == CONNECTION_OK)
                {
                  g_warning ("Could not bring the working copy up to date: %s", error->message);
                  need_sync = FALSE;
                  last_sync = g_get_monotonic_time ();
                }
              else
                offline = TRUE;
            }
          if (offline || PQstatus (_bw_team_get_conn (team)) != CONNECTION_OK)
            {
              /* libpq's words, first line only: the rest is advice for psql users. */
              g_autofree char *detail = g_strstrip (g_strndup (PQerrorMessage (_bw_team_get_conn (team)),
                                                               strcspn (PQerrorMessage (_bw_team_get_conn (team)), "\n")));
              g_autofree char *message =
                g_strdup_printf (_("The connection to the team server %s was lost (%s). Your "
                                   "changes are kept and sent when it is back."),
                                 self->url, *detail != '\0' ? detail : _("no answer"));

              g_clear_object (&team);
              set_connection_state (self, FALSE, message);
              next_attempt = g_get_monotonic_time () + (gint64) backoff_ms * 1000;
              backoff_ms = MIN (backoff_ms * 2, BACKOFF_MAX_MS);
            }
        }

      publish_pending (self);

      now = g_get_monotonic_time ();
      if (stopping && (now >= deadline || (team != NULL && count_pending (self) == 0)))
        break;

      if (team != NULL)
        fds[1].fd = PQsocket (_bw_team_get_conn (team));
      else
        timeout_ms = (int) CLAMP ((next_attempt - now) / 1000, 0, IDLE_POLL_MS);
      if (stopping)
        timeout_ms = MIN (timeout_ms, 20);
      if (poll (fds, fds[1].fd >= 0 ? 2 : 1, timeout_ms) < 0 && errno != EINTR)
        g_usleep (IDLE_POLL_MS * 1000);
      if (fds[0].revents & POLLIN)
        {
          char buffer[64];

          while (read (self->wake[0], buffer, sizeof buffer) > 0)
            ;
        }
      /* A notification that came during a query was read with its
       * answer and waits in libpq, not on the socket: look every time. */
      if (team != NULL)
        {
          PGconn *conn = _bw_team_get_conn (team);
          PGnotify *notify;

          if (fds[1].revents & (POLLIN | POLLERR | POLLHUP))
            PQconsumeInput (conn);
          while ((notify = PQnotifies (conn)) != NULL)
            {
              g_debug ("Notified: %s", notify->extra);
              need_sync = TRUE;
              PQfreemem (notify);
            }
        }
    }

  if (team != NULL)
    set_connection_state (self, FALSE, NULL);
  return NULL;
}

/* Opening */

/* Where the copy of a project lives: one folder per server, port,
 * database and user, so that two people on one computer, or one person
 * on two projects, never share a copy. */
static char *
copy_key (const char  *url,
          char       **user_out,
          GError     **error)
{
  char *message = NULL;
  PQconninfoOption *options = PQconninfoParse (url, &message);
  g_autoptr(GString) what = g_string_new (NULL);
  const char *host = NULL, *port = NULL, *db = NULL, *user = NULL;

  if (options == NULL)
    {
      g_set_error (error, BW_TEAM_ERROR, BW_TEAM_ERROR_INVALID,
                   _("“%s” is not the address of a team server: %s"), "postgresql://…",
                   message != NULL ? message : "");
      PQfreemem (message);
      return NULL;
    }
  for (PQconninfoOption *o = options; o->keyword != NULL; o++)
    {
      if (o->val == NULL)
        continue;
      if (strcmp (o->keyword, "host") == 0)
        host = o->val;
      else if (strcmp (o->keyword, "port") == 0)
        port = o->val;
      else if (strcmp (o->keyword, "dbname") == 0)
        db = o->val;
      else if (strcmp (o->keyword, "user") == 0)
        user = o->val;
    }
  if (user == NULL)
    user = g_getenv ("PGUSER") != NULL ? g_getenv ("PGUSER") : g_get_user_name ();
  if (host == NULL)
    host = g_getenv ("PGHOST") != NULL ? g_getenv ("PGHOST") : "";
  if (port == NULL)
    port = g_getenv ("PGPORT") != NULL ? g_getenv ("PGPORT") : "5432";
  if (db == NULL)
    db = user;
  g_string_printf (what, "%s\n%s\n%s\n%s", host, port, db, user);
  *user_out = g_strdup (user);
  PQconninfoFree (options);
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, what->str, -1);
}

static char *
shown_url (BwTeam *team)
{
  PGconn *conn = _bw_team_get_conn (team);
  const char *host = PQhost (conn);
  g_autofree char *escaped_user = g_uri_escape_string (PQuser (conn), NULL, FALSE);
  g_autofree char *escaped_db = g_uri_escape_string (PQdb (conn), NULL, FALSE);

  if (host == NULL || *host == '\0' || *host == '/')
    {
      g_autofree char *escaped_host = g_uri_escape_string (host != NULL ? host : "", NULL, FALSE);

      return g_strdup_printf ("postgresql://%s@/%s?host=%s", escaped_user, escaped_db, escaped_host);
    }
  return g_strdup_printf ("postgresql://%s@%s:%s/%s", escaped_user, host, PQport (conn), escaped_db);
}

static gboolean
install_replica_schema (BwProject *project,
                        gboolean   guard,
                        GError   **error)
{
  BW_PROJECT_LOCK (project);
  g_autofree char *guards = guard_sql (guard);

  return _bw_project_exec (project, replica_schema, error) &&
         _bw_project_exec (project, guards, error);
}

/* Before the copy is opened, its guards go: a migration of the copy to
 * a newer schema (a newer Boxwood) writes tables they guard. They are
 * put back once it is open. */
static gboolean
remove_guards (const char  *path,
               GError     **error)
{
  g_autofree char *sql = guard_sql (FALSE);
  sqlite3 *db = NULL;
  char *message = NULL;
  int rc = sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL);

  if (rc == SQLITE_OK)
    {
      sqlite3_busy_timeout (db, 5000);
      rc = sqlite3_exec (db, sql, NULL, NULL, &message);
    }
  if (rc != SQLITE_OK)
    g_set_error (error, BW_TEAM_ERROR, BW_TEAM_ERROR_IO,
                 _("Could not open the working copy %s: %s"), path,
                 message != NULL ? message : sqlite3_errstr (rc));
  sqlite3_free (message);
  sqlite3_close (db);
  return rc == SQLITE_OK;
}

static BwTeamReplica *
replica_open (const char    *url,
              const char    *password,
              GFile         *cache_dir,
              GMainContext  *context,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autoptr(BwTeamReplica) self = NULL;
  g_autoptr(GError) connect_error = NULL;
  g_autofree char *key = NULL;
  g_autofree char *user = NULL;
  g_autofree char *base = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *role_text = NULL;

  key = copy_key (url, &user, error);
  if (key == NULL)
    return NULL;

  self = g_object_new (BW_TYPE_TEAM_REPLICA, NULL);
  self->conn_url = g_strdup (url);
  self->password = g_strdup (password);
  self->context = g_main_context_ref (context);
  self->user = g_steal_pointer (&user);

  if (cache_dir != NULL)
    base = g_file_get_path (cache_dir);
  else
    base = g_build_filename (g_get_user_cache_dir (), "boxwood", "team", NULL);
  self->dir = g_build_filename (base, key, NULL);
  self->images_dir = g_build_filename (self->dir, "images", NULL);
  path = g_build_filename (self->dir, "project.boxwood", NULL);
  if (g_mkdir_with_parents (self->dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, BW_TEAM_ERROR, BW_TEAM_ERROR_IO,
                   _("Could not make the folder %s for the working copy: %s. Check the "
                     "permissions of your cache folder."), self->dir, g_strerror (saved));
      return NULL;
    }

  self->control = bw_team_connect_with_password (url, password, &connect_error);
  if (self->control == NULL &&
      (!g_error_matches (connect_error, BW_TEAM_ERROR, BW_TEAM_ERROR_CONNECT) ||
       !g_file_test (path, G_FILE_TEST_EXISTS)))
    {
      /* Offline is fine with a copy to work on; a wrong password never. */
      g_propagate_error (error, g_steal_pointer (&connect_error));
      return NULL;
    }

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  /* What the role may read decides what is pulled. */
  if (self->control != NULL)
    {
      g_autoptr(PGresult) me = _bw_team_run_params (self->control,
                                                    "SELECT coalesce (bw_my_role (), 2)::text",
                                                    0, NULL, error);

      if (me == NULL)
        return NULL;
      role_text = g_strdup (PQgetvalue (me, 0, 0));
      self->role = (BwRole) g_ascii_strtoll (role_text, NULL, 10);
    }

  file = g_file_new_for_path (path);
  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      if (!remove_guards (path, error))
        return NULL;
      self->project = bw_project_open (file, error);
    }
  else
    {
      /* Written under a temporary name, so that a pull cut short leaves
       * nothing that looks like a copy. */
      g_autofree char *temp_path = g_build_filename (self->dir, "project.boxwood.part", NULL);
      g_autoptr(GFile) temp = g_file_new_for_path (temp_path);
      g_autoptr(BwProject) fresh = NULL;
      const char *suffixes[] = { "", "-wal", "-shm", "-journal" };

      for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
        {
          g_autofree char *name = g_strconcat (temp_path, suffixes[i], NULL);

          g_unlink (name);
        }
      fresh = bw_project_create (temp, error);
      if (fresh == NULL || !install_replica_schema (fresh, FALSE, error))
        return NULL;
      {
        BW_PROJECT_LOCK (fresh);
        g_autofree char *sql =
          g_strdup_printf ("DELETE FROM rejection_reasons; DELETE FROM guideline_changes;"
                           "DELETE FROM sqlite_sequence WHERE name = 'annotations';"
                           "INSERT INTO sqlite_sequence (name, seq) VALUES ('annotations', %"
                           G_GINT64_FORMAT ");", LOCAL_ID_BASE);

        if (!_bw_project_exec (fresh, sql, error))
          return NULL;
      }
      {
        g_autofree char *uuid = g_uuid_string_random ();

        if (!state_set (fresh, "key", uuid, error) ||
            !state_set (fresh, "user", self->user, error))
          return NULL;
      }
      self->local = g_object_ref (fresh);
      if (!sync_copy (self, self->control, NULL, error))
        return NULL;
      g_clear_object (&self->local);
      g_clear_object (&fresh);
      if (g_rename (temp_path, path) != 0)
        {
          int saved = errno;

          g_set_error (error, BW_TEAM_ERROR, BW_TEAM_ERROR_IO,
                       _("Could not write the working copy %s: %s"), path, g_strerror (saved));
          return NULL;
        }
      self->project = bw_project_open (file, error);
    }
  if (self->project == NULL || !install_replica_schema (self->project, TRUE, error))
    return NULL;
  self->project->team_copy = TRUE;
  self->local = bw_project_open_another (self->project, error);
  if (self->local == NULL)
    return NULL;

  if (self->control != NULL)
    {
      if (!state_set (self->local, "role", role_text, error))
        return NULL;
      self->url = shown_url (self->control);
      if (!state_set (self->local, "url", self->url, error))
        return NULL;
      /* An existing copy: brought up to date rather than pulled again. */
      if (!sync_copy (self, self->control, NULL, error))
        return NULL;
    }
  else
    self->url = state_get (self->local, "url");
  if (self->url == NULL)
    self->url = g_strdup ("postgresql://…");

  if (self->control == NULL)
    {
      role_text = state_get (self->local, "role");
      self->role = role_text != NULL ? (BwRole) g_ascii_strtoll (role_text, NULL, 10)
                                     : BW_ROLE_ANNOTATOR;
    }
  self->key = state_get (self->local, "key");
  if (self->key == NULL)
    self->key = g_uuid_string_random ();
  self->pending = count_pending (self);
  self->w_pending = self->pending;

  if (!g_unix_open_pipe (self->wake, FD_CLOEXEC, error) ||
      !g_unix_set_fd_nonblocking (self->wake[0], TRUE, error) ||
      !g_unix_set_fd_nonblocking (self->wake[1], TRUE, error))
    return NULL;
  self->worker = g_thread_new ("bw-team-replica", worker_main, self);
  return g_steal_pointer (&self);
}

/**
 * bw_team_replica_open:
 * @url: the team project's `postgresql://` URL, naming the user
 * @password: (nullable): their password, or %NULL for libpq's own sources
 * @cache_dir: (nullable): where working copies live
 *
 * Opens the working copy of a team project: pulled the first time,
 * brought up to date after. With a copy already there, a server that
 * cannot be reached is no error: the copy opens offline, and its worker
 * connects when it can.
 *
 * Returns: (transfer full): the replica, or %NULL with @error set
 */
BwTeamReplica *
bw_team_replica_open (const char    *url,
                      const char    *password,
                      GFile         *cache_dir,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_autoptr(GMainContext) context = g_main_context_ref_thread_default ();

  g_return_val_if_fail (url != NULL, NULL);

  return replica_open (url, password, cache_dir, context, cancellable, error);
}

typedef struct
{
  char         *url;
  char         *password;
  GFile        *cache_dir;
  GMainContext *context;
} OpenData;

static void
open_data_free (OpenData *data)
{
  g_free (data->url);
  if (data->password != NULL)
    memset (data->password, 0, strlen (data->password));
  g_free (data->password);
  g_clear_object (&data->cache_dir);
  g_main_context_unref (data->context);
  g_free (data);
}

static void
open_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  OpenData *data = task_data;
  GError *error = NULL;
  BwTeamReplica *self = replica_open (data->url, data->password, data->cache_dir, data->context,
                                      cancellable, &error);

  if (self == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, self, g_object_unref);
}

void
bw_team_replica_open_async (const char          *url,
                            const char          *password,
                            GFile               *cache_dir,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  OpenData *data = g_new0 (OpenData, 1);

  g_return_if_fail (url != NULL);

  data->url = g_strdup (url);
  data->password = g_strdup (password);
  data->cache_dir = cache_dir != NULL ? g_object_ref (cache_dir) : NULL;
  /* Notified where the caller is, not in the worker that opens. */
  data->context = g_main_context_ref_thread_default ();
  g_task_set_source_tag (task, bw_team_replica_open_async);
  g_task_set_task_data (task, data, (GDestroyNotify) open_data_free);
  g_task_run_in_thread (task, open_thread);
}

BwTeamReplica *
bw_team_replica_open_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

BwProject *
bw_team_replica_get_project (BwTeamReplica *self)
{
  g_return_val_if_fail (BW_IS_TEAM_REPLICA (self), NULL);
  return self->project;
}

const char *
bw_team_replica_get_url (BwTeamReplica *self)
{
  g_return_val_if_fail (BW_IS_TEAM_REPLICA (self), NULL);
  return self->url;
}

const char *
bw_team_replica_get_user (BwTeamReplica *self)
{
  g_return_val_if_fail (BW_IS_TEAM_REPLICA (self), NULL);
  return self->user;
}

BwRole
bw_team_replica_get_role (BwTeamReplica *self)
{
  g_return_val_if_fail (BW_IS_TEAM_REPLICA (self), BW_ROLE_ANNOTATOR);
  return self->role;
}

gboolean
bw_team_replica_get_connected (BwTeamReplica *self)
{
  g_return_val_if_fail (BW_IS_TEAM_REPLICA (self), FALSE);
  return self->connected;
}

guint
bw_team_replica_get_pending (BwTeamReplica *self)
{
  g_return_val_if_fail (BW_IS_TEAM_REPLICA (self), 0);
  return self->pending;
}

const char *
bw_team_replica_get_last_error (BwTeamReplica *self)
{
  g_return_val_if_fail (BW_IS_TEAM_REPLICA (self), NULL);
  return self->last_error;
}

/**
 * bw_team_replica_get_person_id:
 *
 * Returns: the id, in the working copy, of the person the replica is
 *   connected as, or 0 when the project has no such person (the owner)
 */
gint64
bw_team_replica_get_person_id (BwTeamReplica *self)
{
  g_return_val_if_fail (BW_IS_TEAM_REPLICA (self), 0);
  return bw_project_find_person (self->project, self->user);
}

/* Runs @func on the control connection, connecting again once when the
 * connection was lost since its last use (a server restarted). */
static gboolean
with_control (BwTeamReplica *self,
              gboolean     (*func) (BwTeamReplica *, BwTeam *, gpointer, GError **),
              gpointer       data,
              GError       **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->control_lock);

  for (int attempt = 0; attempt < 2; attempt++)
    {
      g_autoptr(GError) local_error = NULL;
      BwTeam *team = control_team (self, &local_error);

      if (team != NULL && func (self, team, data, &local_error))
        return TRUE;
      if (team != NULL && PQstatus (_bw_team_get_conn (team)) == CONNECTION_OK)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      g_clear_object (&self->control);
      if (attempt == 1)
        {
          g_set_error (error, BW_TEAM_ERROR, BW_TEAM_ERROR_CONNECT,
                       _("The team server %s cannot be reached (%s). Work on what you have; "
                         "new work can be claimed when it is back."),
                       self->url, local_error != NULL ? local_error->message : "");
          return FALSE;
        }
    }
  g_assert_not_reached ();
}

typedef struct
{
  gint64   image_id;
  gboolean found;
  gboolean review;
} ClaimData;

static gboolean
claim_with (BwTeamReplica *self,
            BwTeam        *team,
            gpointer       user_data,
            GError       **error)
{
  ClaimData *data = user_data;
  BwTeamClaim claim;

  if (!(data->review ? bw_team_claim_review (team, &claim, &data->found, error)
                     : bw_team_claim_next (team, &claim, &data->found, error)))
    return FALSE;
  if (!data->found)
    return TRUE;
  data->image_id = claim.image_id;
  /* Present in the copy, bytes and all, before the caller opens it. */
  return sync_copy (self, team, NULL, error) &&
         fetch_image_with (self, team, claim.image_id, error);
}

static gboolean
claim (BwTeamReplica *self,
       gboolean       review,
       gint64        *image_id,
       gboolean      *found,
       GCancellable  *cancellable,
       GError       **error)
{
  ClaimData data = { 0, FALSE, review };

  if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
      !with_control (self, claim_with, &data, error))
    return FALSE;
  if (image_id != NULL)
    *image_id = data.image_id;
  if (found != NULL)
    *found = data.found;
  wake_worker (self);
  return TRUE;
}

/**
 * bw_team_replica_claim_next:
 * @image_id: (out): the image claimed, when @found
 * @found: (out): %FALSE when the queue is empty
 *
 * Claims the next image of the user's queue on the server (a lease),
 * then brings it into the working copy with its bytes. Blocking.
 */
gboolean
bw_team_replica_claim_next (BwTeamReplica *self,
                            gint64        *image_id,
                            gboolean      *found,
                            GCancellable  *cancellable,
                            GError       **error)
{
  g_return_val_if_fail (BW_IS_TEAM_REPLICA (self), FALSE);

  return claim (self, FALSE, image_id, found, cancellable, error);
}

/**
 * bw_team_replica_claim_review:
 * @image_id: (out): the image of the work claimed, when @found
 * @found: (out): %FALSE when nothing waits for review
 *
 * As bw_team_replica_claim_next(), for a reviewer: the oldest submitted
 * work that no other reviewer holds.
 */
gboolean
bw_team_replica_claim_review (BwTeamReplica *self,
                              gint64        *image_id,
                              gboolean      *found,
                              GCancellable  *cancellable,
                              GError       **error)
{
  g_return_val_if_fail (BW_IS_TEAM_REPLICA (self), FALSE);

  return claim (self, TRUE, image_id, found, cancellable, error);
}

static gboolean
fetch_with (BwTeamReplica *self,
            BwTeam        *team,
            gpointer       user_data,
            GError       **error)
{
  return fetch_image_with (self, team, *(gint64 *) user_data, error);
}

/**
 * bw_team_replica_ensure_image:
 *
 * Makes the file of an image of the working copy present, fetching its
 * bytes from the server when the cache does not hold them (the path
 * bw_project_resolve_image_path() gives for it). Blocking.
 */
gboolean
bw_team_replica_ensure_image (BwTeamReplica *self,
                              gint64         image_id,
                              GCancellable  *cancellable,
                              GError       **error)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (BW_IS_TEAM_REPLICA (self), FALSE);

  path = image_file (self, image_id);
  if (path != NULL && g_file_test (path, G_FILE_TEST_EXISTS))
    return TRUE;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  return with_control (self, fetch_with, &image_id, error);
}

/**
 * bw_team_replica_set_cache_limit:
 * @bytes: the most the image cache may hold
 */
void
bw_team_replica_set_cache_limit (BwTeamReplica *self,
                                 guint64        bytes)
{
  g_return_if_fail (BW_IS_TEAM_REPLICA (self));
  self->cache_limit = bytes;
}

/**
 * bw_team_replica_count_refused:
 * @count: (out): how many changes made here the server refused so far
 */
gboolean
bw_team_replica_count_refused (BwTeamReplica *self,
                               guint         *count)
{
  g_return_val_if_fail (BW_IS_TEAM_REPLICA (self), FALSE);
  *count = (guint) query_int (self->local, "SELECT count (*) FROM team_refused", 0, 0, 0);
  return TRUE;
}

static void
stop_worker (BwTeamReplica *self,
             int            timeout_ms)
{
  if (self->worker == NULL)
    return;
  g_mutex_lock (&self->state_lock);
  self->stopping = TRUE;
  self->stop_deadline = g_get_monotonic_time () + (gint64) MAX (timeout_ms, 0) * 1000;
  g_mutex_unlock (&self->state_lock);
  wake_worker (self);
  g_thread_join (g_steal_pointer (&self->worker));
}

void
bw_team_replica_close (BwTeamReplica *self,
                       int            timeout_ms)
{
  g_return_if_fail (BW_IS_TEAM_REPLICA (self));

  stop_worker (self, timeout_ms);
  {
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->control_lock);

    g_clear_object (&self->control);
  }
  g_mutex_lock (&self->state_lock);
  self->w_connected = FALSE;
  self->w_pending = self->local != NULL ? count_pending (self) : 0;
  g_mutex_unlock (&self->state_lock);
  if (self->connected)
    {
      self->connected = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTED]);
    }
  if (self->local != NULL && self->w_pending != self->pending)
    {
      self->pending = self->w_pending;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING]);
    }
}

static void
bw_team_replica_dispose (GObject *object)
{
  BwTeamReplica *self = BW_TEAM_REPLICA (object);

  stop_worker (self, 0);
  g_clear_object (&self->control);
  g_clear_object (&self->local);
  g_clear_object (&self->project);

  G_OBJECT_CLASS (bw_team_replica_parent_class)->dispose (object);
}

static void
bw_team_replica_finalize (GObject *object)
{
  BwTeamReplica *self = BW_TEAM_REPLICA (object);

  for (int i = 0; i < 2; i++)
    if (self->wake[i] >= 0)
      close (self->wake[i]);
  if (self->password != NULL)
    memset (self->password, 0, strlen (self->password));
  g_free (self->password);
  if (self->conn_url != NULL)
    memset (self->conn_url, 0, strlen (self->conn_url));
  g_free (self->conn_url);
  g_free (self->url);
  g_free (self->user);
  g_free (self->key);
  g_free (self->dir);
  g_free (self->images_dir);
  g_free (self->w_last_error);
  g_free (self->last_error);
  g_clear_pointer (&self->w_refused, g_ptr_array_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_mutex_clear (&self->control_lock);
  g_mutex_clear (&self->sync_lock);
  g_mutex_clear (&self->state_lock);

  G_OBJECT_CLASS (bw_team_replica_parent_class)->finalize (object);
}

static void
bw_team_replica_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  BwTeamReplica *self = BW_TEAM_REPLICA (object);

  switch (prop_id)
    {
    case PROP_CONNECTED:
      g_value_set_boolean (value, self->connected);
      break;
    case PROP_PENDING:
      g_value_set_uint (value, self->pending);
      break;
    case PROP_LAST_ERROR:
      g_value_set_string (value, self->last_error);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bw_team_replica_class_init (BwTeamReplicaClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = bw_team_replica_dispose;
  object_class->finalize = bw_team_replica_finalize;
  object_class->get_property = bw_team_replica_get_property;

  properties[PROP_CONNECTED] =
    g_param_spec_boolean ("connected", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PENDING] =
    g_param_spec_uint ("pending", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAST_ERROR] =
    g_param_spec_string ("last-error", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * BwTeamReplica::remote-changed:
   *
   * The working copy took in changes made by someone else.
   */
  signals[SIGNAL_REMOTE_CHANGED] =
    g_signal_new ("remote-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * BwTeamReplica::change-refused:
   * @message: why, translated, to show as it is
   *
   * The server refused a change made here (a lease that lapsed, a role
   * that may not): it is no longer pending, and is kept in the working
   * copy's record of refused changes.
   */
  signals[SIGNAL_CHANGE_REFUSED] =
    g_signal_new ("change-refused", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
bw_team_replica_init (BwTeamReplica *self)
{
  g_mutex_init (&self->control_lock);
  g_mutex_init (&self->sync_lock);
  g_mutex_init (&self->state_lock);
  self->wake[0] = self->wake[1] = -1;
  self->cache_limit = DEFAULT_CACHE_LIMIT;
  self->w_refused = g_ptr_array_new_with_free_func (g_free);
}
