/* bw-project-guidelines.c — the project's guidelines and their version
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The guidelines are the project-wide document (Markdown, in the one row
 * of the guidelines table) and each category's guideline text. Their
 * version goes up by one for each change of either; triggers of schema 8
 * count it and name what changed in guideline_changes, so that every
 * writer is counted alike. Every annotation records the version in force
 * when it was made (annotations.guideline_version).
 *
 * Every statement is plain SQL that PostgreSQL runs as well.
 */

#define G_LOG_DOMAIN "bw-project"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <string.h>

#include "bw-project-private.h"

void
bw_guideline_change_free (BwGuidelineChange *change)
{
  if (change == NULL)
    return;

  g_free (change->category_name);
  g_free (change);
}

/**
 * bw_project_get_guideline_version:
 *
 * Returns: the version of the guidelines in force, 1 for a project whose
 *   guidelines never changed; 0 with @error set when it cannot be read
 */
gint64
bw_project_get_guideline_version (BwProject  *self,
                                  GError    **error)
{
  BW_PROJECT_LOCK (self);
  sqlite3_stmt *stmt;
  gint64 version = 0;
  int rc;

  g_return_val_if_fail (BW_IS_PROJECT (self), 0);

  stmt = _bw_project_prepare (self, "SELECT version FROM guidelines WHERE id = 1", error);
  if (stmt == NULL)
    return 0;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    version = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    {
      _bw_project_set_error (self, rc == SQLITE_DONE ? SQLITE_CORRUPT : rc, error);
      return 0;
    }
  return version;
}

/**
 * bw_project_get_guidelines_document:
 *
 * Returns: (transfer full): the project-wide guidelines, Markdown text
 *   ("" when there are none), or %NULL with @error set
 */
char *
bw_project_get_guidelines_document (BwProject  *self,
                                    GError    **error)
{
  BW_PROJECT_LOCK (self);
  sqlite3_stmt *stmt;
  char *document = NULL;
  int rc;

  g_return_val_if_fail (BW_IS_PROJECT (self), NULL);

  stmt = _bw_project_prepare (self, "SELECT document FROM guidelines WHERE id = 1", error);
  if (stmt == NULL)
    return NULL;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    document = _bw_column_dup_text (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    {
      _bw_project_set_error (self, rc == SQLITE_DONE ? SQLITE_CORRUPT : rc, error);
      return NULL;
    }
  return document != NULL ? document : g_strdup ("");
}

/**
 * bw_project_set_guidelines_document:
 * @document: Markdown text, valid UTF-8
 *
 * Replaces the project-wide guidelines as a whole. The guideline version
 * goes up by one when the text differs from what was there; the same text
 * again changes nothing.
 */
gboolean
bw_project_set_guidelines_document (BwProject   *self,
                                    const char  *document,
                                    GError     **error)
{
  BW_PROJECT_LOCK (self);
  sqlite3_stmt *stmt;

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (document != NULL, FALSE);

  if (!g_utf8_validate (document, -1, NULL))
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                   _("The guidelines for “%s” are not valid UTF-8 text; save them as UTF-8 and try again."),
                   self->display_name);
      return FALSE;
    }

  stmt = _bw_project_prepare (self,
                              "UPDATE guidelines SET document = ?1"
                              " WHERE id = 1 AND document IS NOT ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, document, -1, SQLITE_TRANSIENT);
  if (!_bw_project_step_done (self, stmt, error))
    return FALSE;

  if (sqlite3_changes (self->db) > 0)
    _bw_project_emit_changed (self, BW_PROJECT_SIGNAL_CATEGORIES_CHANGED);
  return TRUE;
}

/**
 * bw_project_list_guideline_changes:
 * @since_version: list the changes after this version
 *
 * Returns: (transfer full) (element-type BwGuidelineChange): the changes
 *   that made the versions after @since_version, oldest first, or %NULL
 *   with @error set
 */
GPtrArray *
bw_project_list_guideline_changes (BwProject  *self,
                                   gint64      since_version,
                                   GError    **error)
{
  BW_PROJECT_LOCK (self);
  g_autoptr(GPtrArray) changes = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (BW_IS_PROJECT (self), NULL);

  /* The category's current name when it still exists: a rename after the
   * change should not leave the banner naming the old one. */
  stmt = _bw_project_prepare (self,
                              "SELECT g.version, coalesce (g.category_id, 0),"
                              "  coalesce (c.name, g.category_name), g.changed_at, g.what"
                              " FROM guideline_changes g"
                              " LEFT JOIN categories c ON c.id = g.category_id"
                              " WHERE g.version > ?1 ORDER BY g.version", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, since_version);

  changes = g_ptr_array_new_with_free_func ((GDestroyNotify) bw_guideline_change_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      BwGuidelineChange *change = g_new0 (BwGuidelineChange, 1);

      change->version = sqlite3_column_int64 (stmt, 0);
      change->category_id = sqlite3_column_int64 (stmt, 1);
      change->category_name = _bw_column_dup_text (stmt, 2);
      change->changed_at = sqlite3_column_int64 (stmt, 3);
      change->what = sqlite3_column_int (stmt, 4);
      g_ptr_array_add (changes, change);
    }
  if (!_bw_project_finish_rows (self, stmt, rc, error))
    return NULL;

  return g_steal_pointer (&changes);
}
