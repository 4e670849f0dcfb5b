/* bw-project-taxonomy.c — the categories of a project
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bw-project"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "bw-project-private.h"

#define CATEGORY_COLUMNS "id, name, supercategory, color, hotkey, guideline, position"

/* Distinct, readable on photographs, and told apart by most colour-blind
 * people in the first eight (after Okabe & Ito, then Tableau). */
static const char *palette[] = {
  "#e69f00", "#56b4e9", "#009e73", "#f0e442", "#0072b2", "#d55e00",
  "#cc79a7", "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
  "#edc948", "#b07aa1", "#ff9da7", "#9c755f",
};

static BwCategory *
category_from_row (sqlite3_stmt *stmt)
{
  BwCategory *category = g_new0 (BwCategory, 1);

  category->id = sqlite3_column_int64 (stmt, 0);
  category->name = _bw_column_dup_text (stmt, 1);
  category->supercategory = _bw_column_dup_text (stmt, 2);
  category->color = _bw_column_dup_text (stmt, 3);
  category->hotkey = _bw_column_dup_text (stmt, 4);
  category->guideline = _bw_column_dup_text (stmt, 5);
  category->position = sqlite3_column_int (stmt, 6);
  return category;
}

static gboolean
is_color (const char *color)
{
  if (color == NULL || strlen (color) != 7 || color[0] != '#')
    return FALSE;
  for (guint i = 1; i < 7; i++)
    if (!g_ascii_isxdigit (color[i]))
      return FALSE;
  return TRUE;
}

static gboolean
check_name (const char  *name,
            GError     **error)
{
  if (name == NULL || !g_utf8_validate (name, -1, NULL) || *name == '\0')
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                   _("A category needs a name."));
      return FALSE;
    }
  return TRUE;
}

static gboolean
finish_category_write (BwProject     *self,
                       sqlite3_stmt  *stmt,
                       const char    *name,
                       GError       **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc == SQLITE_CONSTRAINT_UNIQUE)
    {
      /* The message says which of the unique columns clashed. */
      if (strstr (sqlite3_errmsg (self->db), "hotkey") != NULL)
        g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_DUPLICATE,
                     _("Another category already uses that hotkey."));
      else
        g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_DUPLICATE,
                     _("A category named “%s” already exists."), name);
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    {
      _bw_project_set_error (self, rc, error);
      return FALSE;
    }
  return TRUE;
}

/**
 * bw_project_add_category:
 * @name: unique, ignoring case
 * @supercategory: (nullable): the COCO supercategory
 * @color: (nullable): "#rrggbb", or %NULL for the next colour of a
 *   palette of distinct ones
 *
 * Adds a category at the end of the taxonomy. Its id is never reused,
 * even after it is deleted: it is the COCO category id.
 */
gboolean
bw_project_add_category (BwProject   *self,
                         const char  *name,
                         const char  *supercategory,
                         const char  *color,
                         gint64      *out_id,
                         GError     **error)
{
  BW_PROJECT_LOCK (self);
  g_autofree char *trimmed = NULL;
  sqlite3_stmt *stmt;
  gint64 n_categories = 0;
  int rc;

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);

  trimmed = name ? g_strstrip (g_strdup (name)) : NULL;
  if (!check_name (trimmed, error))
    return FALSE;

  if (color != NULL && !is_color (color))
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                   _("“%s” is not a colour; use the form #rrggbb."), color);
      return FALSE;
    }

  stmt = _bw_project_prepare (self, "SELECT count(*) FROM categories", error);
  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    n_categories = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  stmt = _bw_project_prepare (self,
                              "INSERT INTO categories (name, supercategory, color, guideline, position)"
                              " VALUES (?1, ?2, ?3, '', (SELECT coalesce(max(position), -1) + 1 FROM categories))",
                              error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, trimmed, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, supercategory ? supercategory : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, color ? color : palette[n_categories % G_N_ELEMENTS (palette)],
                     -1, SQLITE_TRANSIENT);

  if (!finish_category_write (self, stmt, trimmed, error))
    return FALSE;

  if (out_id != NULL)
    *out_id = sqlite3_last_insert_rowid (self->db);

  _bw_project_emit_changed (self, BW_PROJECT_SIGNAL_CATEGORIES_CHANGED);
  return TRUE;
}

/**
 * bw_project_list_categories:
 *
 * Returns: (transfer full) (element-type BwCategory): the taxonomy in its
 *   order
 */
GPtrArray *
bw_project_list_categories (BwProject  *self,
                            GError    **error)
{
  BW_PROJECT_LOCK (self);
  g_autoptr(GPtrArray) categories = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (BW_IS_PROJECT (self), NULL);

  stmt = _bw_project_prepare (self, "SELECT " CATEGORY_COLUMNS " FROM categories ORDER BY position, id", error);
  if (stmt == NULL)
    return NULL;

  categories = g_ptr_array_new_with_free_func ((GDestroyNotify)bw_category_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (categories, category_from_row (stmt));
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      _bw_project_set_error (self, rc, error);
      return NULL;
    }
  return g_steal_pointer (&categories);
}

BwCategory *
bw_project_get_category (BwProject  *self,
                         gint64      category_id,
                         GError    **error)
{
  BW_PROJECT_LOCK (self);
  BwCategory *category = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (BW_IS_PROJECT (self), NULL);

  stmt = _bw_project_prepare (self, "SELECT " CATEGORY_COLUMNS " FROM categories WHERE id = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, category_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    category = category_from_row (stmt);
  sqlite3_reset (stmt);

  if (rc == SQLITE_DONE)
    g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_NOT_FOUND,
                 _("The category %" G_GINT64_FORMAT " is not in the project “%s”."),
                 category_id, self->display_name);
  else if (rc != SQLITE_ROW)
    _bw_project_set_error (self, rc, error);

  return category;
}

/**
 * bw_project_find_category_by_name:
 *
 * Returns: the id of the category of that name (ignoring case), or 0
 */
gint64
bw_project_find_category_by_name (BwProject  *self,
                                  const char *name)
{
  BW_PROJECT_LOCK (self);
  g_autofree char *trimmed = NULL;
  sqlite3_stmt *stmt;
  gint64 id = 0;

  g_return_val_if_fail (BW_IS_PROJECT (self), 0);
  g_return_val_if_fail (name != NULL, 0);

  trimmed = g_strstrip (g_strdup (name));
  stmt = _bw_project_prepare (self, "SELECT id FROM categories WHERE name = ?1", NULL);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, trimmed, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  return id;
}

/**
 * bw_project_update_category:
 * @category: the new values; its id says which category
 *
 * Saves a category's name, supercategory, colour, hotkey (%NULL or empty
 * for none), guideline and position.
 */
gboolean
bw_project_update_category (BwProject         *self,
                            const BwCategory  *category,
                            GError           **error)
{
  BW_PROJECT_LOCK (self);
  g_autofree char *trimmed = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (category != NULL, FALSE);

  trimmed = category->name ? g_strstrip (g_strdup (category->name)) : NULL;
  if (!check_name (trimmed, error))
    return FALSE;

  if (!is_color (category->color))
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                   _("“%s” is not a colour; use the form #rrggbb."),
                   category->color ? category->color : "");
      return FALSE;
    }

  stmt = _bw_project_prepare (self,
                              "UPDATE categories SET name = ?2, supercategory = ?3, color = ?4,"
                              " hotkey = ?5, guideline = ?6, position = ?7 WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, category->id);
  sqlite3_bind_text (stmt, 2, trimmed, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, category->supercategory ? category->supercategory : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, category->color, -1, SQLITE_TRANSIENT);
  if (category->hotkey != NULL && *category->hotkey != '\0')
    sqlite3_bind_text (stmt, 5, category->hotkey, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, 5);
  sqlite3_bind_text (stmt, 6, category->guideline ? category->guideline : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 7, category->position);

  if (!finish_category_write (self, stmt, trimmed, error))
    return FALSE;

  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_NOT_FOUND,
                   _("The category %" G_GINT64_FORMAT " is not in the project “%s”."),
                   category->id, self->display_name);
      return FALSE;
    }

  _bw_project_emit_changed (self, BW_PROJECT_SIGNAL_CATEGORIES_CHANGED);
  return TRUE;
}

gint64
bw_project_count_category_annotations (BwProject *self,
                                       gint64     category_id)
{
  BW_PROJECT_LOCK (self);
  sqlite3_stmt *stmt;
  gint64 count = 0;

  g_return_val_if_fail (BW_IS_PROJECT (self), 0);

  stmt = _bw_project_prepare (self, "SELECT count(*) FROM annotations WHERE category_id = ?1", NULL);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, category_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    count = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  return count;
}
