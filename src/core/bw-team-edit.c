/* bw-team-edit.c — a change to a team project made by the code that
 * changes a project file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bw-team"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <inttypes.h>
#include <string.h>

#include "bw-export-util.h"
#include "bw-project-private.h"
#include "bw-team-edit.h"
#include "bw-team-private.h"

struct _BwTeamEdit
{
  GObject    parent_instance;

  BwTeam    *team;
  BwProject *project;
  char      *dir;            /* the temporary folder of the project file */
  GPtrArray *image_roots;    /* what new images are named after */
  gboolean   in_transaction; /* on the server */
};

G_DEFINE_FINAL_TYPE (BwTeamEdit, bw_team_edit, G_TYPE_OBJECT)

static void
rollback (BwTeamEdit *self)
{
  if (self->in_transaction)
    {
      PGresult *result = PQexec (_bw_team_get_conn (self->team), "ROLLBACK");

      PQclear (result);
      self->in_transaction = FALSE;
    }
}

static void
bw_team_edit_finalize (GObject *object)
{
  BwTeamEdit *self = BW_TEAM_EDIT (object);

  rollback (self);
  g_clear_object (&self->project);
  if (self->dir != NULL)
    {
      g_autoptr(GFile) dir = g_file_new_for_path (self->dir);

      bw_export_remove_tree (dir, NULL);
    }
  g_free (self->dir);
  g_clear_object (&self->team);
  g_clear_pointer (&self->image_roots, g_ptr_array_unref);

  G_OBJECT_CLASS (bw_team_edit_parent_class)->finalize (object);
}

static void
bw_team_edit_class_init (BwTeamEditClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = bw_team_edit_finalize;
}

static void
bw_team_edit_init (BwTeamEdit *self)
{
  self->image_roots = g_ptr_array_new_with_free_func (g_free);
}

static gboolean
exec (BwTeamEdit  *self,
      const char  *sql,
      GError     **error)
{
  g_autoptr(PGresult) result = _bw_team_run_params (self->team, sql, 0, NULL, error);

  return result != NULL;
}

/* The columns that name a row of a table, its primary key: the id, or
 * for a table without one the columns it is ordered by. */
static const char *
table_key (const BwTeamTable *table)
{
  return table->has_id ? "id" : table->order;
}

/* The project file's record of what changed: one row per row of a table
 * inserted, updated or deleted, named by its key (up to three columns,
 * 0 for those a table's key does not have). */
static gboolean
install_log (BwProject  *project,
             GError    **error)
{
  g_autoptr(GString) sql = g_string_new ("CREATE TABLE team_edit_log ("
                                         "  tbl TEXT NOT NULL, k1 NOT NULL, k2 NOT NULL,"
                                         "  k3 NOT NULL, inserted INTEGER NOT NULL,"
                                         "  UNIQUE (tbl, k1, k2, k3));");
  BW_PROJECT_LOCK (project);

  for (guint t = 0; t < _bw_team_n_tables; t++)
    {
      const BwTeamTable *table = &_bw_team_tables[t];
      g_auto(GStrv) keys = g_strsplit (table_key (table), ", ", -1);
      g_autofree char *old_keys = NULL;
      g_autofree char *new_keys = NULL;
      GString *o = g_string_new (NULL);
      GString *n = g_string_new (NULL);

      for (guint k = 0; k < 3; k++)
        {
          if (keys[0] != NULL && k < g_strv_length (keys))
            {
              g_string_append_printf (o, ", OLD.%s", keys[k]);
              g_string_append_printf (n, ", NEW.%s", keys[k]);
            }
          else
            {
              g_string_append (o, ", 0");
              g_string_append (n, ", 0");
            }
        }
      old_keys = g_string_free (o, FALSE);
      new_keys = g_string_free (n, FALSE);

      g_string_append_printf (sql,
                              "CREATE TRIGGER team_edit_%s_insert AFTER INSERT ON %s BEGIN"
                              " INSERT OR IGNORE INTO team_edit_log VALUES ('%s'%s, 1); END;"
                              "CREATE TRIGGER team_edit_%s_update AFTER UPDATE OF %s ON %s BEGIN"
                              " INSERT OR IGNORE INTO team_edit_log VALUES ('%s'%s, 0);"
                              " INSERT OR IGNORE INTO team_edit_log VALUES ('%s'%s, 0); END;"
                              "CREATE TRIGGER team_edit_%s_delete AFTER DELETE ON %s BEGIN"
                              " INSERT OR IGNORE INTO team_edit_log VALUES ('%s'%s, 0); END;",
                              table->name, table->name, table->name, new_keys,
                              table->name, table->columns, table->name,
                              table->name, old_keys, table->name, new_keys,
                              table->name, table->name, table->name, old_keys);
    }
  return _bw_project_exec (project, sql->str, error);
}

/* Ids the server gave once are not given again here: its sequences'
 * values become the file's for the tables that never reuse an id. */
static gboolean
copy_sequences (BwTeamEdit         *self,
                BwProject          *project,
                const char * const *tables,
                GError            **error)
{
  BW_PROJECT_LOCK (project);

  for (guint i = 0; tables[i] != NULL; i++)
    {
      const char *params[1] = { tables[i] };
      g_autoptr(PGresult) result = NULL;
      sqlite3_stmt *stmt = NULL;
      gboolean ok;

      result = _bw_team_run_params (self->team,
                                    "SELECT pg_sequence_last_value (pg_get_serial_sequence"
                                    " ('public.' || $1, 'id')::regclass)", 1, params, error);
      if (result == NULL)
        return FALSE;
      if (PQntuples (result) != 1 || PQgetisnull (result, 0, 0))
        continue;
      if (sqlite3_prepare_v2 (project->db,
                              "INSERT INTO sqlite_sequence (name, seq) SELECT ?1, 0"
                              " WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = ?1)"
                              "   AND EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table'"
                              "               AND name = ?1 AND sql LIKE '%AUTOINCREMENT%')",
                              -1, &stmt, NULL) != SQLITE_OK)
        {
          _bw_project_set_error (project, sqlite3_errcode (project->db), error);
          return FALSE;
        }
      sqlite3_bind_text (stmt, 1, tables[i], -1, SQLITE_STATIC);
      ok = sqlite3_step (stmt) == SQLITE_DONE;
      sqlite3_finalize (stmt);
      if (ok && sqlite3_prepare_v2 (project->db,
                                    "UPDATE sqlite_sequence SET seq = max (seq, ?2) WHERE name = ?1",
                                    -1, &stmt, NULL) == SQLITE_OK)
        {
          sqlite3_bind_text (stmt, 1, tables[i], -1, SQLITE_STATIC);
          sqlite3_bind_int64 (stmt, 2, g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10));
          ok = sqlite3_step (stmt) == SQLITE_DONE;
          sqlite3_finalize (stmt);
        }
      else
        ok = FALSE;
      if (!ok)
        {
          _bw_project_set_error (project, sqlite3_errcode (project->db), error);
          return FALSE;
        }
    }
  return TRUE;
}

/**
 * bw_team_edit_begin:
 * @team: a connection to a team server, used by nothing else until the
 *   edit is committed or dropped
 * @changes: what the change may write
 * @categories: (nullable) (array zero-terminated=1): with
 *   %BW_TEAM_CHANGES_ANNOTATIONS, the categories (names or ids) whose
 *   annotations the change moves or deletes, so that only those are
 *   read; %NULL to read every annotation
 *
 * Opens a transaction on the server, locks the tables @changes names in
 * EXCLUSIVE mode (readers go on, writers wait until the edit ends) — the
 * images in SHARE UPDATE EXCLUSIVE mode, so that only another import
 * waits while claims go on — and
 * copies the people, the taxonomy and what @changes needs of the rest
 * into a project file in a temporary folder: the images' records without
 * their bytes, and for %BW_TEAM_CHANGES_ANNOTATIONS the annotations with
 * their layers. A role that may not write those tables is refused by the
 * server at the lock.
 *
 * Returns: (transfer full): the edit, or %NULL with @error set and the
 *   server left as it was
 */
/* The ids of the categories named (by name or id, as the command line
 * names them) as "1, 4", or "0" for none. Names are matched with
 * PostgreSQL's lower(), which folds at least what the file's NOCASE
 * does: a superset is harmless, as it only reads more. */
static char *
category_ids (BwTeamEdit         *self,
              const char * const *categories,
              GError            **error)
{
  g_autoptr(GString) ids = g_string_new (NULL);

  for (guint i = 0; categories[i] != NULL; i++)
    {
      g_autofree char *name = g_strstrip (g_strdup (categories[i]));
      const char *params[1] = { name };
      g_autoptr(PGresult) result = NULL;

      result = _bw_team_run_params (self->team, "SELECT id FROM categories"
                                                " WHERE lower (name) = lower ($1) OR id::text = $1",
                                    1, params, error);
      if (result == NULL)
        return NULL;
      for (int row = 0; row < PQntuples (result); row++)
        g_string_append_printf (ids, "%s%" PRId64, ids->len > 0 ? ", " : "",
                                g_ascii_strtoll (PQgetvalue (result, row, 0), NULL, 10));
    }
  if (ids->len == 0)
    g_string_append (ids, "0");
  return g_string_free (g_steal_pointer (&ids), FALSE);
}

BwTeamEdit *
bw_team_edit_begin (BwTeam             *team,
                    BwTeamChanges       changes,
                    const char * const *categories,
                    GError            **error)
{
  static const char * const id_tables[] = { "categories", "rejection_reasons", "annotations", NULL };
  g_autoptr(BwTeamEdit) self = NULL;
  g_autoptr(GPtrArray) locks = g_ptr_array_new ();
  g_autoptr(GPtrArray) import_locks = g_ptr_array_new ();
  g_autoptr(GPtrArray) reads = g_ptr_array_new ();
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(BwProject) scratch = NULL;
  g_autoptr(GHashTable) where = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_autofree char *lock_list = NULL;
  g_autofree char *lock_sql = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (BW_IS_TEAM (team), NULL);
  g_return_val_if_fail (changes != 0, NULL);

  self = g_object_new (BW_TYPE_TEAM_EDIT, NULL);
  self->team = g_object_ref (team);

  /* The taxonomy is read by every change (categories are named by the
   * user; the tables below refer to them). */
  g_ptr_array_add (reads, (gpointer) "settings");
  g_ptr_array_add (reads, (gpointer) "categories");
  g_ptr_array_add (reads, (gpointer) "guidelines");
  g_ptr_array_add (reads, (gpointer) "guideline_changes");
  g_ptr_array_add (reads, (gpointer) "rejection_reasons");
  if (changes & BW_TEAM_CHANGES_TAXONOMY)
    {
      g_ptr_array_add (locks, (gpointer) "categories");
      g_ptr_array_add (locks, (gpointer) "guidelines");
      g_ptr_array_add (locks, (gpointer) "guideline_changes");
      g_ptr_array_add (locks, (gpointer) "rejection_reasons");
      g_ptr_array_add (locks, (gpointer) "settings");
    }
  if (changes & (BW_TEAM_CHANGES_IMAGES | BW_TEAM_CHANGES_ANNOTATIONS))
    g_ptr_array_add (reads, (gpointer) "images");
  if (changes & BW_TEAM_CHANGES_IMAGES)
    {
      g_ptr_array_add (import_locks, (gpointer) "images");
      g_ptr_array_add (import_locks, (gpointer) "image_data");
    }
  if (changes & BW_TEAM_CHANGES_ANNOTATIONS)
    {
      g_ptr_array_add (reads, (gpointer) "layers");
      g_ptr_array_add (reads, (gpointer) "annotations");
      g_ptr_array_add (locks, (gpointer) "annotations");
    }
  g_ptr_array_add (locks, NULL);
  g_ptr_array_add (import_locks, NULL);
  g_ptr_array_add (reads, NULL);

  self->dir = g_dir_make_tmp ("boxwood-edit-XXXXXX", &local_error);
  if (self->dir == NULL)
    {
      g_set_error (error, BW_TEAM_ERROR, BW_TEAM_ERROR_IO,
                   _("Could not make a temporary folder to change %s in: %s"),
                   bw_team_get_server_name (team), local_error->message);
      return NULL;
    }

  /* The lock comes before the first query, so the transaction's view
   * (taken at that query) holds everything committed before it and
   * nothing any writer of those tables does later. */
  if (!exec (self, "BEGIN ISOLATION LEVEL REPEATABLE READ", error))
    return NULL;
  self->in_transaction = TRUE;
  if (locks->len > 1)
    {
      lock_list = g_strjoinv (", ", (char **) locks->pdata);
      lock_sql = g_strdup_printf ("LOCK TABLE %s IN EXCLUSIVE MODE", lock_list);
      if (!exec (self, lock_sql, error))
        return NULL;
    }
  /* New images only: two imports wait for each other (each reads the
   * other's content hashes and names), but claims, which change an
   * image's status, go on. Others' rows are never overwritten: a new
   * row is inserted, not upserted. */
  if (import_locks->len > 1)
    {
      g_clear_pointer (&lock_list, g_free);
      g_clear_pointer (&lock_sql, g_free);
      lock_list = g_strjoinv (", ", (char **) import_locks->pdata);
      lock_sql = g_strdup_printf ("LOCK TABLE %s IN SHARE UPDATE EXCLUSIVE MODE", lock_list);
      if (!exec (self, lock_sql, error))
        return NULL;
    }

  /* Of the annotations, those of the categories named, with their
   * layers and images (which the file's foreign keys want). */
  if ((changes & BW_TEAM_CHANGES_ANNOTATIONS) && categories != NULL)
    {
      g_autofree char *ids = category_ids (self, categories, error);

      if (ids == NULL)
        return NULL;
      g_hash_table_insert (where, (gpointer) "annotations", g_strdup_printf ("category_id IN (%s)", ids));
      g_hash_table_insert (where, (gpointer) "layers",
                           g_strdup_printf ("id IN (SELECT layer_id FROM annotations"
                                            " WHERE category_id IN (%s))", ids));
      g_hash_table_insert (where, (gpointer) "images",
                           g_strdup_printf ("id IN (SELECT l.image_id FROM layers l"
                                            " JOIN annotations a ON a.layer_id = l.id"
                                            " WHERE a.category_id IN (%s))", ids));
    }

  name = g_strconcat (bw_team_get_database (team), ".boxwood", NULL);
  file = g_file_new_build_filename (self->dir, name, NULL);
  scratch = bw_project_create (file, &local_error);
  if (scratch == NULL)
    {
      g_set_error (error, BW_TEAM_ERROR, BW_TEAM_ERROR_IO,
                   _("Could not make a temporary copy of %s: %s"),
                   bw_team_get_server_name (team), local_error->message);
      return NULL;
    }
  if (!_bw_team_pull_into (team, scratch, NULL, NULL, (const char * const *) reads->pdata, where,
                           error) ||
      !copy_sequences (self, scratch, id_tables, error))
    return NULL;
  g_clear_object (&scratch);

  /* Opened once more, as a snapshot is: what the file keeps beside the
   * rows is filled in before the log starts. */
  self->project = bw_project_open (file, &local_error);
  if (self->project == NULL)
    {
      g_set_error (error, BW_TEAM_ERROR, BW_TEAM_ERROR_IO,
                   _("Could not make a temporary copy of %s: %s"),
                   bw_team_get_server_name (team), local_error->message);
      return NULL;
    }
  if (!install_log (self->project, error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * bw_team_edit_get_project:
 *
 * Returns: (transfer none): the project to change: a copy of what the
 *   edit read, whose changes bw_team_edit_commit() sends
 */
BwProject *
bw_team_edit_get_project (BwTeamEdit *self)
{
  g_return_val_if_fail (BW_IS_TEAM_EDIT (self), NULL);
  return self->project;
}

/**
 * bw_team_edit_set_image_roots:
 * @paths: the files and folders images are imported from
 *
 * On the server, an image added from inside one of @paths is named by
 * its path from that folder's parent ("shoot-7/IMG_0001.jpg"), any
 * other by its file name; a name taken is made unique with the image's
 * id.
 */
void
bw_team_edit_set_image_roots (BwTeamEdit         *self,
                              const char * const *paths)
{
  g_autofree char *cwd = g_get_current_dir ();

  g_return_if_fail (BW_IS_TEAM_EDIT (self));

  for (guint i = 0; paths != NULL && paths[i] != NULL; i++)
    g_ptr_array_add (self->image_roots, g_canonicalize_filename (paths[i], cwd));
}

static char *
server_image_name (BwTeamEdit *self,
                   const char *file)
{
  for (guint i = 0; i < self->image_roots->len; i++)
    {
      const char *root = g_ptr_array_index (self->image_roots, i);
      g_autofree char *base = g_path_get_basename (root);
      gsize length = strlen (root);

      if (strcmp (root, "/") == 0)
        return g_strdup (file + 1);
      if (strcmp (file, root) == 0)
        return g_steal_pointer (&base);
      if (strncmp (file, root, length) == 0 && file[length] == G_DIR_SEPARATOR)
        return g_strconcat (base, "/", file + length + 1, NULL);
    }
  return g_path_get_basename (file);
}

/* A name for a new image that no other image on the server has. */
static char *
unique_image_name (BwTeamEdit *self,
                   GHashTable *taken,
                   gint64      id,
                   const char *stored_path)
{
  g_autofree char *file = bw_project_resolve_image_path (self->project, stored_path);
  g_autofree char *name = server_image_name (self, file);
  g_autofree char *dir = g_path_get_dirname (name);
  g_autofree char *base = g_path_get_basename (name);

  for (guint n = 1; g_hash_table_contains (taken, name); n++)
    {
      g_autofree char *unique = n == 1 ? g_strdup_printf ("%" PRId64 "-%s", id, base)
                                       : g_strdup_printf ("%" PRId64 "-%u-%s", id, n, base);

      g_free (name);
      name = strcmp (dir, ".") == 0 ? g_steal_pointer (&unique)
                                    : g_strconcat (dir, "/", unique, NULL);
    }
  g_hash_table_add (taken, g_strdup (name));
  return g_steal_pointer (&name);
}

static GHashTable *
read_taken_paths (BwTeamEdit  *self,
                  GError     **error)
{
  GHashTable *taken = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sqlite3 *db = self->project->db;
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db, "SELECT path FROM images WHERE id NOT IN"
                              " (SELECT k1 FROM team_edit_log WHERE tbl = 'images' AND inserted)",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      _bw_project_set_error (self->project, sqlite3_errcode (db), error);
      g_hash_table_unref (taken);
      return NULL;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_hash_table_add (taken, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      _bw_project_set_error (self->project, rc, error);
      g_hash_table_unref (taken);
      return NULL;
    }
  return taken;
}

static gboolean
send_image_bytes (BwTeamEdit  *self,
                  const char  *id_text,
                  const char  *stored_path,
                  GError     **error)
{
  g_autofree char *path = bw_project_resolve_image_path (self->project, stored_path);
  g_autofree char *contents = NULL;
  g_autoptr(GError) read_error = NULL;
  g_autoptr(PGresult) result = NULL;
  gsize length = 0;
  const char *values[2];
  int lengths[2] = { 0, 0 };
  const int formats[2] = { 0, 1 };

  if (!g_file_get_contents (path, &contents, &length, &read_error))
    {
      g_set_error (error, BW_TEAM_ERROR, BW_TEAM_ERROR_IO,
                   _("Could not read the image %s to send it to %s: %s. Nothing was changed "
                     "on the server; import again when the file can be read."),
                   path, bw_team_get_server_name (self->team), read_error->message);
      return FALSE;
    }
  if (length > (gsize) G_MAXINT)
    {
      g_set_error (error, BW_TEAM_ERROR, BW_TEAM_ERROR_IO,
                   _("The image %s is too large to store on the team server."), path);
      return FALSE;
    }
  values[0] = id_text;
  values[1] = contents;
  lengths[1] = (int) length;
  result = PQexecParams (_bw_team_get_conn (self->team),
                         "INSERT INTO image_data (image_id, bytes) VALUES ($1, $2)",
                         2, NULL, values, lengths, formats, 0);
  return _bw_team_result_ok (self->team, result, error);
}

/* "a = ?1 AND b = ?2" or "a = $1 AND b = $2" */
static char *
key_condition (const char *key,
               char        mark)
{
  g_auto(GStrv) keys = g_strsplit (key, ", ", -1);
  GString *text = g_string_new (NULL);

  for (guint k = 0; keys[k] != NULL; k++)
    g_string_append_printf (text, "%s%s = %c%u", k > 0 ? " AND " : "", keys[k], mark, k + 1);
  return g_string_free (text, FALSE);
}

static char *
upsert_sql (const BwTeamTable *table)
{
  g_auto(GStrv) columns = g_strsplit (table->columns, ",", -1);
  g_auto(GStrv) keys = g_strsplit (table_key (table), ", ", -1);
  GString *sql = g_string_new (NULL);
  gboolean first = TRUE;

  g_string_append_printf (sql, "INSERT INTO %s (%s) VALUES (", table->name, table->columns);
  for (guint c = 0; columns[c] != NULL; c++)
    g_string_append_printf (sql, "%s$%u", c > 0 ? ", " : "", c + 1);
  g_string_append_printf (sql, ") ON CONFLICT (%s) DO ", table_key (table));
  for (guint c = 0; columns[c] != NULL; c++)
    {
      const char *name = g_strstrip (columns[c]);

      if (g_strv_contains ((const char * const *) keys, name))
        continue;
      g_string_append_printf (sql, "%s%s = excluded.%s", first ? "UPDATE SET " : ", ", name, name);
      first = FALSE;
    }
  if (first)
    g_string_append (sql, "NOTHING");
  return g_string_free (sql, FALSE);
}

/* Writes the logged rows of @table that the file holds (inserted or
 * updated) to the server, or with @deleted those it no longer holds. */
static gboolean
send_table (BwTeamEdit        *self,
            const BwTeamTable *table,
            gboolean           deleted,
            GHashTable       **taken,
            guint             *n_rows,
            GError           **error)
{
  BwProject *project = self->project;
  sqlite3 *db = project->db;
  const char *key = table_key (table);
  guint n_keys;
  g_autofree char *where = key_condition (key, '?');
  g_autofree char *select = g_strdup_printf ("SELECT %s FROM %s WHERE %s", table->columns,
                                             table->name, where);
  g_autofree char *pg_where = key_condition (key, '$');
  g_autofree char *delete = g_strdup_printf ("DELETE FROM %s WHERE %s", table->name, pg_where);
  g_autofree char *upsert = upsert_sql (table);
  g_autofree char *insert = NULL;
  gboolean images = strcmp (table->name, "images") == 0;
  guint n = strlen (table->types);
  sqlite3_stmt *log = NULL;
  sqlite3_stmt *row = NULL;
  gboolean ok = TRUE;
  int rc;

  {
    g_auto(GStrv) keys = g_strsplit (key, ", ", -1);

    n_keys = g_strv_length (keys);
  }

  if (sqlite3_prepare_v2 (db, "SELECT k1, k2, k3, inserted FROM team_edit_log WHERE tbl = ?1"
                              " ORDER BY rowid", -1, &log, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (db, select, -1, &row, NULL) != SQLITE_OK)
    {
      _bw_project_set_error (project, sqlite3_errcode (db), error);
      sqlite3_finalize (log);
      return FALSE;
    }
  sqlite3_bind_text (log, 1, table->name, -1, SQLITE_STATIC);

  while (ok && (rc = sqlite3_step (log)) == SQLITE_ROW)
    {
      gboolean present;

      sqlite3_reset (row);
      for (guint k = 0; k < n_keys; k++)
        sqlite3_bind_value (row, (int) k + 1, sqlite3_column_value (log, (int) k));
      rc = sqlite3_step (row);
      if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        {
          _bw_project_set_error (project, rc, error);
          ok = FALSE;
          break;
        }
      present = rc == SQLITE_ROW;

      if (deleted && !present)
        {
          const char *values[3] = { NULL, NULL, NULL };
          g_autoptr(PGresult) result = NULL;

          for (guint k = 0; k < n_keys; k++)
            values[k] = (const char *) sqlite3_column_text (log, (int) k);
          result = _bw_team_run_params (self->team, delete, (int) n_keys, values, error);
          ok = result != NULL;
          if (ok)
            (*n_rows)++;
        }
      else if (!deleted && present)
        {
          g_autoptr(GPtrArray) owned = g_ptr_array_new_with_free_func (g_free);
          gboolean new_image = images && sqlite3_column_int (log, 3) != 0;
          const char *values[32];
          int lengths[32];
          int formats[32];
          g_autoptr(PGresult) result = NULL;

          g_assert (n <= G_N_ELEMENTS (values));
          for (guint c = 0; c < n; c++)
            {
              _bw_team_column_param (row, c, table->types[c], &values[c], &lengths[c], &formats[c],
                                     owned);
              /* A new image's path, unique on the server. */
              if (new_image && c == 1 && values[c] != NULL)
                {
                  char *name;

                  if (*taken == NULL && (*taken = read_taken_paths (self, error)) == NULL)
                    {
                      ok = FALSE;
                      break;
                    }
                  name = unique_image_name (self, *taken, sqlite3_column_int64 (row, 0), values[c]);
                  values[c] = name;
                  g_ptr_array_add (owned, name);
                }
            }
          if (!ok)
            break;
          /* A row made here is new on the server too: were its id taken
           * meanwhile, the insert fails rather than overwrite that row. */
          if (table->has_id && sqlite3_column_int (log, 3) != 0 && insert == NULL)
            {
              g_autofree char *marks = NULL;
              GString *text = g_string_new (NULL);

              for (guint c = 0; c < n; c++)
                g_string_append_printf (text, "%s$%u", c > 0 ? ", " : "", c + 1);
              marks = g_string_free (text, FALSE);
              insert = g_strdup_printf ("INSERT INTO %s (%s) VALUES (%s)", table->name,
                                        table->columns, marks);
            }
          result = PQexecParams (_bw_team_get_conn (self->team),
                                 table->has_id && sqlite3_column_int (log, 3) != 0 ? insert : upsert,
                                 (int) n, NULL, values, lengths, formats, 0);
          ok = _bw_team_result_ok (self->team, result, error);
          if (ok)
            (*n_rows)++;
          if (ok && new_image)
            ok = send_image_bytes (self, values[0], (const char *) sqlite3_column_text (row, 1),
                                   error);
        }
    }
  if (ok && rc != SQLITE_DONE)
    {
      _bw_project_set_error (project, rc, error);
      ok = FALSE;
    }
  sqlite3_finalize (row);
  sqlite3_finalize (log);
  return ok;
}

static gboolean
table_touched (BwTeamEdit        *self,
               const BwTeamTable *table)
{
  sqlite3_stmt *stmt = NULL;
  gboolean touched = FALSE;

  if (sqlite3_prepare_v2 (self->project->db, "SELECT 1 FROM team_edit_log WHERE tbl = ?1 LIMIT 1",
                          -1, &stmt, NULL) != SQLITE_OK)
    return TRUE;
  sqlite3_bind_text (stmt, 1, table->name, -1, SQLITE_STATIC);
  touched = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_finalize (stmt);
  return touched;
}

/**
 * bw_team_edit_commit:
 *
 * Sends what changed in the edit's project to the server — each row
 * inserted or updated as it is now (by its key), each row deleted, the
 * bytes of each new image — moves the server's id sequences past the
 * ids used, announces the change (NOTIFY) and commits. On failure the
 * server is left as it was. Either way the edit is over.
 *
 * Rows written are stamped as changed by the server's triggers, so the
 * app's working copies read them at their next look.
 */
gboolean
bw_team_edit_commit (BwTeamEdit  *self,
                     GError     **error)
{
  g_autoptr(GHashTable) taken = NULL;
  g_autoptr(GPtrArray) touched = g_ptr_array_new ();
  g_autoptr(PGresult) notified = NULL;
  g_autofree char *names = NULL;
  guint n_rows = 0;
  gboolean ok = TRUE;

  g_return_val_if_fail (BW_IS_TEAM_EDIT (self), FALSE);
  g_return_val_if_fail (self->in_transaction, FALSE);

  {
    BW_PROJECT_LOCK (self->project);

    for (guint t = 0; t < _bw_team_n_tables; t++)
      if (table_touched (self, &_bw_team_tables[t]))
        g_ptr_array_add (touched, (gpointer) &_bw_team_tables[t]);

    /* Rows that others refer to first, then those that refer to them;
     * deletions the other way round. */
    for (guint i = 0; ok && i < touched->len; i++)
      ok = send_table (self, g_ptr_array_index (touched, i), FALSE, &taken, &n_rows, error);
    for (guint i = touched->len; ok && i > 0; i--)
      ok = send_table (self, g_ptr_array_index (touched, i - 1), TRUE, &taken, &n_rows, error);
  }

  for (guint i = 0; ok && i < touched->len; i++)
    {
      const BwTeamTable *table = g_ptr_array_index (touched, i);
      g_autofree char *sql = NULL;

      if (!table->has_id)
        continue;
      sql = g_strdup_printf ("SELECT setval (pg_get_serial_sequence ('public.%s', 'id'),"
                             " greatest ((SELECT max (id) FROM %s), coalesce (pg_sequence_last_value"
                             " (pg_get_serial_sequence ('public.%s', 'id')::regclass), 1)))",
                             table->name, table->name, table->name);
      ok = exec (self, sql, error);
    }

  if (ok && touched->len > 0)
    {
      g_autoptr(GString) list = g_string_new (NULL);
      const char *params[1];

      for (guint i = 0; i < touched->len; i++)
        g_string_append_printf (list, "%s%s", i > 0 ? "," : "",
                                ((const BwTeamTable *) g_ptr_array_index (touched, i))->name);
      names = g_string_free (g_steal_pointer (&list), FALSE);
      params[0] = names;
      notified = _bw_team_run_params (self->team,
                                      "SELECT pg_notify ('boxwood', json_build_object ('event',"
                                      " 'changed', 'tables', string_to_array ($1, ','))::text)",
                                      1, params, error);
      ok = notified != NULL;
    }

  if (ok)
    ok = exec (self, "COMMIT", error);
  if (ok)
    {
      self->in_transaction = FALSE;
      g_debug ("Sent %u rows to %s", n_rows, bw_team_get_server_name (self->team));
    }
  else
    rollback (self);
  return ok;
}
