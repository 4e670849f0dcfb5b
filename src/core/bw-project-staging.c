/* bw-project-staging.c — large imports, written in chunks, shown at once
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A COCO file can hold a million annotations. Written in one transaction
 * it holds the project's write lock for as long as the file takes to read
 * (seconds), and every other writer — the window's edits, another
 * program — waits that long. So an import writes its annotations into
 * import_staging, under its own import id, in transactions of a few
 * thousand rows; nothing there is seen by any reader of annotations. The
 * last step, in one transaction, creates what the import adds besides
 * (categories, images, layers), copies the staged rows into annotations
 * and marks the import done: the import appears whole, or, when it
 * fails, is cancelled or its process dies, not at all. The staged rows
 * are removed afterwards, in chunks, as those of a failed import are.
 *
 * A process that dies leaves its staged rows behind. Each import's row in
 * imports names its process (id and host); when a project is opened for
 * writing, the rows of imports whose process is gone from this host are
 * removed. An import of another host (a project on a shared drive) is
 * left alone: it may still be running.
 */

#define G_LOG_DOMAIN "bw-project"

#include "config.h"

#include <glib/gi18n.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <sys/types.h>
#include <unistd.h>

#include "bw-project-export.h"
#include "bw-project-private.h"

/* Rows removed per transaction when a staged import is thrown away. */
#define DISCARD_CHUNK 20000

/* imports.pid of an import whose rows were made annotations: what is
 * left of it is only to be removed, by any process on any host. */
#define DONE_PID 0

/**
 * _bw_project_stage_begin:
 * @out_import_id: (out): the new import's id
 *
 * Registers an import of this process, in a transaction of its own.
 */
gboolean
_bw_project_stage_begin (BwProject  *self,
                         gint64     *out_import_id,
                         GError    **error)
{
  BW_PROJECT_LOCK (self);
  sqlite3_stmt *stmt;

  g_return_val_if_fail (self->tx_depth == 0, FALSE);

  if (!bw_project_begin (self, error))
    return FALSE;

  stmt = _bw_project_prepare (self,
                              "INSERT INTO imports (pid, host, started_at) VALUES (?1, ?2, ?3)",
                              error);
  if (stmt == NULL)
    {
      bw_project_rollback (self);
      return FALSE;
    }
  sqlite3_bind_int64 (stmt, 1, (gint64) getpid ());
  sqlite3_bind_text (stmt, 2, g_get_host_name (), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, _bw_project_now ());
  if (!_bw_project_step_done (self, stmt, error))
    {
      bw_project_rollback (self);
      return FALSE;
    }
  *out_import_id = sqlite3_last_insert_rowid (self->db);

  /* a failed commit has rolled back */
  return bw_project_commit (self, error);
}

/* How long an import leaves the project free after each chunk: long
 * enough for a writer polling for it (busy_cb() in bw-project.c tries
 * every millisecond) to get in, short against a chunk's tens of
 * milliseconds. */
#define STAGE_PAUSE_US 4000

/**
 * _bw_project_stage_pause:
 *
 * Called by an import between its chunks, outside any transaction: the
 * window's edits, or another program, waiting for the project take their
 * turn now rather than after the whole import.
 */
void
_bw_project_stage_pause (BwProject *self)
{
  g_return_if_fail (self->tx_depth == 0);

  g_usleep (STAGE_PAUSE_US);
}

/**
 * _bw_project_stage_annotation:
 * @target: the caller's name for the layer the annotation goes to, turned
 *   into a layer id by _bw_project_stage_set_layer() at the end
 * @category: a category id, or a negative placeholder turned into one by
 *   _bw_project_stage_set_category() at the end
 *
 * Stages one annotation, inside the caller's transaction.
 */
gboolean
_bw_project_stage_annotation (BwProject      *self,
                              gint64          import_id,
                              gint64          target,
                              gint64          category,
                              const BwShape  *shape,
                              BwSource        source,
                              double          score,
                              GError        **error)
{
  BW_PROJECT_LOCK (self);
  g_autoptr(GBytes) parts = NULL;
  sqlite3_stmt *stmt;

  stmt = _bw_project_prepare (self,
                              "INSERT INTO import_staging (import_id, target, category, kind,"
                              " x0, y0, x1, y1, parts, area, source, score)"
                              " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)", error);
  if (stmt == NULL)
    return FALSE;

  parts = shape->kind == BW_SHAPE_POLYGON ? bw_shape_serialize_parts (shape) : NULL;
  sqlite3_bind_int64 (stmt, 1, import_id);
  sqlite3_bind_int64 (stmt, 2, target);
  sqlite3_bind_int64 (stmt, 3, category);
  sqlite3_bind_int (stmt, 4, shape->kind);
  sqlite3_bind_double (stmt, 5, shape->bbox.x0);
  sqlite3_bind_double (stmt, 6, shape->bbox.y0);
  sqlite3_bind_double (stmt, 7, shape->bbox.x1);
  sqlite3_bind_double (stmt, 8, shape->bbox.y1);
  if (parts != NULL)
    sqlite3_bind_blob (stmt, 9, g_bytes_get_data (parts, NULL), g_bytes_get_size (parts), SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, 9);
  sqlite3_bind_double (stmt, 10, bw_shape_area (shape));
  sqlite3_bind_int (stmt, 11, source);
  sqlite3_bind_double (stmt, 12, score);

  if (!_bw_project_step_done (self, stmt, error))
    return FALSE;
  sqlite3_clear_bindings (stmt);
  return TRUE;
}

/* The maps of the last step live in temporary tables of this connection. */
static gboolean
ensure_maps (BwProject  *self,
             GError    **error)
{
  return _bw_project_exec (self,
                           "CREATE TEMP TABLE IF NOT EXISTS stage_layers"
                           " (target INTEGER PRIMARY KEY, layer_id INTEGER NOT NULL);"
                           "CREATE TEMP TABLE IF NOT EXISTS stage_categories"
                           " (placeholder INTEGER PRIMARY KEY, category_id INTEGER NOT NULL);",
                           error);
}

static gboolean
set_map (BwProject   *self,
         const char  *sql,
         gint64       key,
         gint64       value,
         GError     **error)
{
  sqlite3_stmt *stmt;

  if (!ensure_maps (self, error))
    return FALSE;
  stmt = _bw_project_prepare (self, sql, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, key);
  sqlite3_bind_int64 (stmt, 2, value);
  return _bw_project_step_done (self, stmt, error);
}

/* In the last step's transaction: the layer of staged @target. */
gboolean
_bw_project_stage_set_layer (BwProject  *self,
                             gint64      target,
                             gint64      layer_id,
                             GError    **error)
{
  BW_PROJECT_LOCK (self);

  return set_map (self, "INSERT OR REPLACE INTO temp.stage_layers (target, layer_id) VALUES (?1, ?2)",
                  target, layer_id, error);
}

/* In the last step's transaction: the category of a negative placeholder. */
gboolean
_bw_project_stage_set_category (BwProject  *self,
                                gint64      placeholder,
                                gint64      category_id,
                                GError    **error)
{
  BW_PROJECT_LOCK (self);

  g_return_val_if_fail (placeholder < 0, FALSE);

  return set_map (self,
                  "INSERT OR REPLACE INTO temp.stage_categories (placeholder, category_id) VALUES (?1, ?2)",
                  placeholder, category_id, error);
}

/**
 * _bw_project_stage_finish:
 *
 * The last step, inside the caller's transaction (which also made the
 * layers and categories the maps name): the staged annotations become
 * annotations, in the order they were staged, and the import is marked
 * done. A staged row whose target has no layer is an error. After the
 * commit, the caller removes the staged rows with
 * _bw_project_stage_discard().
 */
gboolean
_bw_project_stage_finish (BwProject  *self,
                          gint64      import_id,
                          guint64    *out_n_rows,
                          GError    **error)
{
  BW_PROJECT_LOCK (self);
  sqlite3_stmt *stmt;
  gint64 staged = 0;

  g_return_val_if_fail (self->tx_depth > 0, FALSE);

  if (!ensure_maps (self, error))
    return FALSE;

  stmt = _bw_project_prepare (self, "SELECT count(*) FROM import_staging WHERE import_id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, import_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    staged = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  stmt = _bw_project_prepare (self,
                              "INSERT INTO annotations (layer_id, category_id, kind, x0, y0, x1, y1,"
                              " parts, area, source, score, created_at, updated_at, guideline_version)"
                              " SELECT l.layer_id,"
                              "  CASE WHEN s.category > 0 THEN s.category ELSE c.category_id END,"
                              "  s.kind, s.x0, s.y0, s.x1, s.y1, s.parts, s.area, s.source, s.score, ?2, ?2,"
                              "  " BW_PROJECT_SQL_GUIDELINE_VERSION
                              " FROM import_staging s"
                              " JOIN temp.stage_layers l ON l.target = s.target"
                              " LEFT JOIN temp.stage_categories c ON c.placeholder = s.category"
                              " WHERE s.import_id = ?1 ORDER BY s.rowid", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, import_id);
  sqlite3_bind_int64 (stmt, 2, _bw_project_now ());
  if (!_bw_project_step_done (self, stmt, error))
    return FALSE;

  if (sqlite3_changes64 (self->db) != staged)
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                   _("The import into “%s” lost track of where %" PRId64 " of its annotations go; nothing was imported."),
                   self->display_name, staged - (gint64) sqlite3_changes64 (self->db));
      return FALSE;
    }

  /* The staged rows are not removed here: that took as long again as
   * the copy, with the lock held. The import is marked done (no process
   * owns it any more) and its rows are removed after the commit, a chunk
   * a transaction (_bw_project_stage_discard()), or, when this process
   * dies first, by the next open. Nobody reads them meanwhile. */
  stmt = _bw_project_prepare (self, "UPDATE imports SET pid = " G_STRINGIFY (DONE_PID)
                                    " WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, import_id);
  if (!_bw_project_step_done (self, stmt, error))
    return FALSE;

  if (!_bw_project_exec (self, "DELETE FROM temp.stage_layers; DELETE FROM temp.stage_categories;", error))
    return FALSE;

  if (out_n_rows != NULL)
    *out_n_rows = (guint64) staged;
  return TRUE;
}

/* Removes the staged rows of @import_id, a chunk a transaction, so that
 * throwing away a large import does not hold the project either. */
static gboolean
discard (BwProject  *self,
         gint64      import_id,
         GError    **error)
{
  while (TRUE)
    {
      sqlite3_stmt *stmt;
      gint64 removed;

      if (!bw_project_begin (self, error))
        return FALSE;
      stmt = _bw_project_prepare (self,
                                  "DELETE FROM import_staging WHERE rowid IN"
                                  " (SELECT rowid FROM import_staging WHERE import_id = ?1 LIMIT ?2)",
                                  error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_int64 (stmt, 1, import_id);
      sqlite3_bind_int64 (stmt, 2, DISCARD_CHUNK);
      if (!_bw_project_step_done (self, stmt, error))
        goto fail;
      removed = sqlite3_changes64 (self->db);

      if (removed == 0)
        {
          stmt = _bw_project_prepare (self, "DELETE FROM imports WHERE id = ?1", error);
          if (stmt == NULL)
            goto fail;
          sqlite3_bind_int64 (stmt, 1, import_id);
          if (!_bw_project_step_done (self, stmt, error))
            goto fail;
        }
      if (!bw_project_commit (self, error))
        return FALSE;
      if (removed == 0)
        return TRUE;
      _bw_project_stage_pause (self);
      continue;

    fail:
      bw_project_rollback (self);
      return FALSE;
    }
}

/**
 * _bw_project_stage_discard:
 *
 * Throws away what @import_id staged, a chunk a transaction, outside any
 * transaction: after it failed, or after its last step made the rows
 * annotations. Failing to (a full disk) only leaves rows nobody sees,
 * which the next open tries again to remove once this process is gone.
 */
void
_bw_project_stage_discard (BwProject *self,
                           gint64     import_id)
{
  BW_PROJECT_LOCK (self);
  g_autoptr(GError) error = NULL;

  g_return_if_fail (self->tx_depth == 0);

  if (!discard (self, import_id, &error))
    g_warning ("Could not remove the staged rows of a stopped import from “%s”: %s",
               self->display_name, error->message);
}

/* Whether process @pid of this host still runs. */
static gboolean
process_is_alive (gint64 pid)
{
  if (pid <= 0 || pid > G_MAXINT)
    return FALSE;
  if (pid == (gint64) getpid ())
    return TRUE;
  return kill ((pid_t) pid, 0) == 0 || errno == EPERM;
}

/**
 * _bw_project_stage_discard_abandoned:
 *
 * When a project is opened for writing: removes what imports left staged
 * when their process died (kill -9, a crash, a power cut), before or after
 * their last step.
 */
void
_bw_project_stage_discard_abandoned (BwProject *self)
{
  BW_PROJECT_LOCK (self);
  g_autoptr(GArray) dead = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt;
  int rc;

  stmt = _bw_project_prepare (self, "SELECT id, pid, host FROM imports", NULL);
  if (stmt == NULL)
    return;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      gint64 pid = sqlite3_column_int64 (stmt, 1);
      const char *host = (const char *) sqlite3_column_text (stmt, 2);

      if (pid == DONE_PID ||
          (g_strcmp0 (host, g_get_host_name ()) == 0 && !process_is_alive (pid)))
        g_array_append_val (dead, id);
    }
  sqlite3_reset (stmt);

  /* A file that is not as Boxwood writes it (damaged, or made by someone
   * else) may refuse: it is only rows nobody sees, tried again next time. */
  for (guint i = 0; i < dead->len; i++)
    {
      g_autoptr(GError) error = NULL;

      if (!discard (self, g_array_index (dead, gint64, i), &error))
        g_debug ("Could not remove what a killed import left in “%s”: %s",
                 self->display_name, error->message);
    }
}

/**
 * _bw_project_find_person_id:
 *
 * Returns: the id of the person named @name (as
 *   bw_project_ensure_person() names them), or 0 when there is none
 */
gint64
_bw_project_find_person_id (BwProject  *self,
                            const char *name)
{
  BW_PROJECT_LOCK (self);
  g_autofree char *trimmed = g_strstrip (g_strdup (name));
  sqlite3_stmt *stmt;
  gint64 id = 0;

  stmt = _bw_project_prepare (self, "SELECT id FROM people WHERE name = ?1", NULL);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, trimmed, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return id;
}
