/* bw-project-taxonomy.c — the categories of a project
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bw-project"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <string.h>

#include "bw-color.h"
#include "bw-project-private.h"

#define CATEGORY_COLUMNS "id, name, supercategory, color, hotkey, guideline, position"


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
  BwCategory category = {
    .name = (char *) name,
    .supercategory = (char *) supercategory,
    .color = (char *) color,
  };

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);

  return bw_project_add_category_full (self, &category, out_id, error);
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
  if (!_bw_project_finish_rows (self, stmt, rc, error))
    return NULL;
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

  _bw_project_check_row (self, rc, BW_PROJECT_ITEM_CATEGORY, category_id, error);

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

/* Binds ?2 to ?7 of a statement that writes @category: its @name,
 * supercategory, @color, @hotkey, guideline and @position. */
static void
bind_category (sqlite3_stmt      *stmt,
               const BwCategory  *category,
               const char        *name,
               const char        *color,
               const char        *hotkey,
               gint64             position)
{
  sqlite3_bind_text (stmt, 2, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, category->supercategory ? category->supercategory : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, color, -1, SQLITE_TRANSIENT);
  if (hotkey != NULL)
    sqlite3_bind_text (stmt, 5, hotkey, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, 5);
  sqlite3_bind_text (stmt, 6, category->guideline ? category->guideline : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 7, position);
}

/* Writes a category whose fields were checked; @hotkey is normalised. */
static gboolean
write_category (BwProject         *self,
                const BwCategory  *category,
                const char        *name,
                const char        *hotkey,
                GError           **error)
{
  sqlite3_stmt *stmt;

  stmt = _bw_project_prepare (self,
                              "UPDATE categories SET name = ?2, supercategory = ?3, color = ?4,"
                              " hotkey = ?5, guideline = ?6, position = ?7 WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, category->id);
  bind_category (stmt, category, name, category->color, hotkey, category->position);

  if (!finish_category_write (self, stmt, name, error))
    return FALSE;

  return _bw_project_check_changed (self, BW_PROJECT_ITEM_CATEGORY, category->id, error);
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
  g_autofree char *hotkey = NULL;

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (category != NULL, FALSE);

  trimmed = category->name ? g_strstrip (g_strdup (category->name)) : NULL;
  if (!check_name (trimmed, error))
    return FALSE;

  /* Unique names beyond ASCII, hotkeys free and not tool keys. */
  if (!bw_project_check_category_name (self, category->id, trimmed, error) ||
      !bw_project_check_category_hotkey (self, category->id, category->hotkey, error) ||
      !bw_category_normalize_hotkey (category->hotkey, &hotkey, error))
    return FALSE;

  if (!is_color (category->color))
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                   _("“%s” is not a colour; use the form #rrggbb."),
                   category->color ? category->color : "");
      return FALSE;
    }

  if (!write_category (self, category, trimmed, hotkey, error))
    return FALSE;

  _bw_project_emit_changed (self, BW_PROJECT_SIGNAL_CATEGORIES_CHANGED);
  return TRUE;
}

/**
 * bw_project_update_categories:
 * @categories: (element-type BwCategory): new values of some categories,
 *   each as for bw_project_update_category()
 * @error: return location for a #GError
 *
 * Saves many categories in one transaction, all or none, reading the
 * taxonomy once (an import updating thousands). Names and hotkeys may be
 * exchanged between the categories of the batch.
 *
 * Returns: %TRUE on success
 */
gboolean
bw_project_update_categories (BwProject  *self,
                              GPtrArray  *categories,
                              GError    **error)
{
  BW_PROJECT_LOCK (self);
  g_autoptr(GPtrArray) existing = NULL;
  g_autoptr(GHashTable) final = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GHashTable) hotkey_of = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, g_free);
  g_autoptr(GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) hotkeys = g_hash_table_new (g_str_hash, g_str_equal);
  sqlite3_stmt *stmt;

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (categories != NULL, FALSE);

  if (categories->len == 0)
    return TRUE;
  if (!(existing = bw_project_list_categories (self, error)))
    return FALSE;

  for (guint i = 0; i < existing->len; i++)
    {
      BwCategory *category = g_ptr_array_index (existing, i);

      g_hash_table_insert (final, &category->id, category);
      g_hash_table_insert (hotkey_of, &category->id, g_strdup (category->hotkey));
    }

  for (guint i = 0; i < categories->len; i++)
    {
      BwCategory *category = g_ptr_array_index (categories, i);
      char *hotkey = NULL;

      if (!g_hash_table_contains (final, &category->id))
        {
          _bw_project_set_not_found (self, BW_PROJECT_ITEM_CATEGORY, category->id, error);
          return FALSE;
        }
      if (!bw_category_check_name (category->name, error) ||
          !bw_category_normalize_hotkey (category->hotkey, &hotkey, error))
        return FALSE;
      g_hash_table_insert (hotkey_of, &category->id, hotkey);
      if (hotkey != NULL && bw_category_hotkey_is_tool_key (hotkey))
        {
          g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                       _("“%s” is taken by the canvas (tools V, B and P; H hides a category, L shows labels); choose another."),
                       hotkey);
          return FALSE;
        }
      if (!is_color (category->color))
        {
          g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                       _("“%s” is not a colour; use the form #rrggbb."),
                       category->color ? category->color : "");
          return FALSE;
        }
      g_hash_table_insert (final, &category->id, category);
    }

  /* The taxonomy as it would be: names and hotkeys still unique? */
  for (guint i = 0; i < existing->len; i++)
    {
      gint64 id = ((BwCategory *) g_ptr_array_index (existing, i))->id;
      const BwCategory *category = g_hash_table_lookup (final, &id);
      const char *hotkey = g_hash_table_lookup (hotkey_of, &id);
      const BwCategory *other;
      char *key = bw_category_name_key (category->name);

      if ((other = g_hash_table_lookup (names, key)))
        {
          g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_DUPLICATE,
                       _("There is already a category “%s”."), other->name);
          g_free (key);
          return FALSE;
        }
      g_hash_table_insert (names, key, (gpointer) category);

      if (hotkey != NULL && (other = g_hash_table_lookup (hotkeys, hotkey)))
        {
          g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_DUPLICATE,
                       _("“%s” is already the hotkey of “%s”."), hotkey, other->name);
          return FALSE;
        }
      if (hotkey != NULL)
        g_hash_table_insert (hotkeys, (gpointer) hotkey, (gpointer) category);
    }

  if (!bw_project_begin (self, error))
    return FALSE;

  /* Free the names and hotkeys of the batch first, so an exchange between
   * two of its categories meets no uniqueness constraint half-way. */
  stmt = _bw_project_prepare (self, "UPDATE categories SET name = char (1) || id, hotkey = NULL WHERE id = ?1", error);
  if (stmt == NULL)
    goto fail;
  for (guint i = 0; i < categories->len; i++)
    {
      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, ((BwCategory *) g_ptr_array_index (categories, i))->id);
      if (!_bw_project_step_done (self, stmt, error))
        goto fail;
    }

  for (guint i = 0; i < categories->len; i++)
    {
      BwCategory *category = g_ptr_array_index (categories, i);
      g_autofree char *trimmed = g_strstrip (g_strdup (category->name));

      if (!write_category (self, category, trimmed, g_hash_table_lookup (hotkey_of, &category->id), error))
        goto fail;
    }

  /* A failed commit rolls back by itself. */
  if (!bw_project_commit (self, error))
    return FALSE;

  _bw_project_emit_changed (self, BW_PROJECT_SIGNAL_CATEGORIES_CHANGED);
  return TRUE;

fail:
  bw_project_rollback (self);
  return FALSE;
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

/* Editing the taxonomy: names, hotkeys, delete, merge, order, restore */

/**
 * bw_category_name_key:
 * @name: a category name
 *
 * Names are unique without regard to case, in any script: "Ärger" and
 * "ärger" are one name. SQLite's NOCASE folds only ASCII, so the store
 * compares these keys before it writes.
 *
 * Returns: (transfer full): the key to compare names by
 */
char *
bw_category_name_key (const char *name)
{
  g_autofree char *stripped = NULL;
  g_autofree char *normal = NULL;

  g_return_val_if_fail (name != NULL, NULL);

  stripped = g_strstrip (g_strdup (name));
  normal = g_utf8_normalize (stripped, -1, G_NORMALIZE_ALL);
  if (normal == NULL)
    return g_strdup (stripped);
  return g_utf8_casefold (normal, -1);
}

/**
 * bw_category_check_name:
 * @name: (nullable): a proposed category name
 * @error: return location for a #GError
 *
 * Checks the name on its own: not empty once trimmed, at most
 * %BW_CATEGORY_MAX_NAME_CHARS characters, no control characters.
 *
 * Returns: %TRUE when the name can be used
 */
gboolean
bw_category_check_name (const char  *name,
                        GError     **error)
{
  g_autofree char *stripped = NULL;

  if (name == NULL || !g_utf8_validate (name, -1, NULL))
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                   _("The name is not valid text."));
      return FALSE;
    }

  stripped = g_strstrip (g_strdup (name));
  if (stripped[0] == '\0')
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                   _("The name is empty."));
      return FALSE;
    }

  if (g_utf8_strlen (stripped, -1) > BW_CATEGORY_MAX_NAME_CHARS)
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                   _("The name is longer than %d characters."), BW_CATEGORY_MAX_NAME_CHARS);
      return FALSE;
    }

  for (const char *p = stripped; *p; p = g_utf8_next_char (p))
    {
      if (g_unichar_iscntrl (g_utf8_get_char (p)))
        {
          g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                       _("The name holds a control character such as a tab or a line break."));
          return FALSE;
        }
    }

  return TRUE;
}

/**
 * bw_category_color_is_valid:
 * @color: (nullable): a colour
 *
 * Returns: %TRUE when @color is written "#rrggbb" (either case)
 */
gboolean
bw_category_color_is_valid (const char *color)
{
  if (color == NULL || color[0] != '#' || strlen (color) != 7)
    return FALSE;
  for (guint i = 1; i < 7; i++)
    if (!g_ascii_isxdigit (color[i]))
      return FALSE;
  return TRUE;
}

/**
 * bw_category_hotkey_is_tool_key:
 * @hotkey: a normalised hotkey
 *
 * Returns: %TRUE when @hotkey is one of %BW_CATEGORY_TOOL_KEYS
 */
gboolean
bw_category_hotkey_is_tool_key (const char *hotkey)
{
  return hotkey != NULL && hotkey[0] != '\0' && hotkey[1] == '\0' &&
         strchr (BW_CATEGORY_TOOL_KEYS, g_ascii_tolower (hotkey[0])) != NULL;
}

/**
 * bw_category_normalize_hotkey:
 * @hotkey: (nullable): a hotkey as typed, such as "C" or " 3"
 * @out_hotkey: (out) (transfer full) (nullable): the hotkey as stored,
 *   %NULL for none
 * @error: return location for a #GError
 *
 * Checks the form of a hotkey: nothing (no hotkey), or one digit 1–9 or
 * one letter a–z, stored in lower case. Whether it is free is
 * bw_project_check_category_hotkey()'s business.
 *
 * Returns: %TRUE when @hotkey has the form of a hotkey
 */
gboolean
bw_category_normalize_hotkey (const char  *hotkey,
                              char       **out_hotkey,
                              GError     **error)
{
  g_autofree char *stripped = NULL;

  if (out_hotkey != NULL)
    *out_hotkey = NULL;

  if (hotkey == NULL)
    return TRUE;

  stripped = g_strstrip (g_strdup (hotkey));
  if (stripped[0] == '\0')
    return TRUE;

  if (stripped[1] != '\0' ||
      !((stripped[0] >= '1' && stripped[0] <= '9') || g_ascii_isalpha (stripped[0])))
    {
      g_autofree char *shown = g_utf8_make_valid (stripped, MIN (strlen (stripped), 16));

      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                   _("“%s” is not a hotkey: use one key, a digit from 1 to 9 or a letter."),
                   shown);
      return FALSE;
    }

  if (out_hotkey != NULL)
    *out_hotkey = g_ascii_strdown (stripped, -1);
  return TRUE;
}

/**
 * bw_category_list_lookup_key:
 * @categories: (element-type BwCategory): the taxonomy in its order, as
 *   bw_project_list_categories() gives it
 * @key: the character of the key pressed, without modifiers
 *
 * Which category a key picks, by the rule of bw-project.h: an explicit
 * hotkey first, then a digit N picks the N-th category.
 *
 * Returns: (transfer none) (nullable): the category, or %NULL
 */
const BwCategory *
bw_category_list_lookup_key (GPtrArray *categories,
                             gunichar   key)
{
  char hotkey[2] = { 0, 0 };

  g_return_val_if_fail (categories != NULL, NULL);

  key = g_unichar_tolower (key);
  if (!((key >= '1' && key <= '9') || (key >= 'a' && key <= 'z')))
    return NULL;
  hotkey[0] = (char) key;

  for (guint i = 0; i < categories->len; i++)
    {
      const BwCategory *category = g_ptr_array_index (categories, i);

      if (g_strcmp0 (category->hotkey, hotkey) == 0)
        return category;
    }

  if (key >= '1' && key <= '9' && key - '1' < categories->len)
    return g_ptr_array_index (categories, key - '1');

  return NULL;
}

/**
 * bw_category_list_dup_key_label:
 * @categories: (element-type BwCategory): the taxonomy in its order
 * @index: a position in @categories
 *
 * The key to show next to a category: its explicit hotkey, or else its
 * default digit when it is among the first nine and no category claims
 * that digit.
 *
 * Returns: (transfer full) (nullable): the key, or %NULL when none picks it
 */
char *
bw_category_list_dup_key_label (GPtrArray *categories,
                                guint      index)
{
  const BwCategory *category;
  char digit[2] = { 0, 0 };

  g_return_val_if_fail (categories != NULL, NULL);
  g_return_val_if_fail (index < categories->len, NULL);

  category = g_ptr_array_index (categories, index);
  if (category->hotkey != NULL && category->hotkey[0] != '\0')
    return g_ascii_strup (category->hotkey, -1);

  if (index >= 9)
    return NULL;

  digit[0] = (char) ('1' + index);
  if (bw_category_list_lookup_key (categories, digit[0]) != category)
    return NULL;
  return g_strdup (digit);
}

static GPtrArray *
list_categories_locked (BwProject  *self,
                        GError    **error)
{
  return bw_project_list_categories (self, error);
}

/**
 * bw_project_check_category_name:
 * @category_id: the category being renamed, or 0 for a new one
 * @name: the proposed name
 * @error: return location for a #GError
 *
 * Checks a name as the taxonomy dialog does while it is typed: its form
 * (bw_category_check_name()) and that no other category has it, without
 * regard to case.
 *
 * Returns: %TRUE when @category_id may be called @name
 */
gboolean
bw_project_check_category_name (BwProject   *self,
                                gint64       category_id,
                                const char  *name,
                                GError     **error)
{
  BW_PROJECT_LOCK (self);
  g_autoptr(GPtrArray) categories = NULL;
  g_autofree char *key = NULL;

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);

  if (!bw_category_check_name (name, error))
    return FALSE;

  if (!(categories = list_categories_locked (self, error)))
    return FALSE;

  key = bw_category_name_key (name);
  for (guint i = 0; i < categories->len; i++)
    {
      const BwCategory *other = g_ptr_array_index (categories, i);
      g_autofree char *other_key = NULL;

      if (other->id == category_id)
        continue;
      other_key = bw_category_name_key (other->name);
      if (strcmp (key, other_key) == 0)
        {
          g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_DUPLICATE,
                       _("There is already a category “%s”."), other->name);
          return FALSE;
        }
    }

  return TRUE;
}

/**
 * bw_project_check_category_hotkey:
 * @category_id: the category the hotkey is for, or 0 for a new one
 * @hotkey: (nullable): the proposed hotkey; %NULL or "" for none
 * @error: return location for a #GError
 *
 * Checks a hotkey: its form, that it is not a tool key, and that no
 * other category has it.
 *
 * Returns: %TRUE when @category_id may have @hotkey
 */
gboolean
bw_project_check_category_hotkey (BwProject   *self,
                                  gint64       category_id,
                                  const char  *hotkey,
                                  GError     **error)
{
  BW_PROJECT_LOCK (self);
  g_autoptr(GPtrArray) categories = NULL;
  g_autofree char *normal = NULL;

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);

  if (!bw_category_normalize_hotkey (hotkey, &normal, error))
    return FALSE;
  if (normal == NULL)
    return TRUE;

  if (bw_category_hotkey_is_tool_key (normal))
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                   _("“%s” is taken by the canvas (tools V, B and P; H hides a category, L shows labels); choose another."),
                   normal);
      return FALSE;
    }

  if (!(categories = list_categories_locked (self, error)))
    return FALSE;

  for (guint i = 0; i < categories->len; i++)
    {
      const BwCategory *other = g_ptr_array_index (categories, i);

      if (other->id != category_id && g_strcmp0 (other->hotkey, normal) == 0)
        {
          g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_DUPLICATE,
                       _("“%s” is already the hotkey of “%s”."), normal, other->name);
          return FALSE;
        }
    }

  return TRUE;
}

static gboolean
category_exists (BwProject  *self,
                 gint64      category_id,
                 GError    **error)
{
  sqlite3_stmt *stmt;
  gboolean found;

  stmt = _bw_project_prepare (self, "SELECT 1 FROM categories WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, category_id);
  found = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_reset (stmt);

  if (!found)
    g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_NOT_FOUND,
                 _("The project “%s” has no category %" PRId64 "."),
                 self->display_name, category_id);
  return found;
}

static gint64
largest_category_id_ever (BwProject *self)
{
  sqlite3_stmt *stmt;
  gint64 seq = 0;

  /* AUTOINCREMENT keeps the largest id ever given out here, deleted or not. */
  stmt = _bw_project_prepare (self,
                              "SELECT max (coalesce ((SELECT seq FROM sqlite_sequence WHERE name = 'categories'), 0),"
                              "            coalesce ((SELECT max (id) FROM categories), 0))", NULL);
  if (stmt == NULL)
    return G_MAXINT64;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    seq = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return seq;
}

/**
 * bw_project_add_categories:
 * @categories: (element-type BwCategory): the new categories, in order;
 *   each as for bw_project_add_category_full()
 * @out_ids: (out) (optional) (transfer full) (element-type gint64): the
 *   ids given, in the same order
 * @error: return location for a #GError
 *
 * Adds categories at the end of the taxonomy in one transaction: all of
 * them, or none when one is refused (a name or a hotkey taken, here or
 * earlier in @categories). The taxonomy is read once, so adding ten
 * thousand costs about as much as adding one ten thousand times less.
 *
 * Returns: %TRUE on success
 */
gboolean
bw_project_add_categories (BwProject  *self,
                           GPtrArray  *categories,
                           GArray    **out_ids,
                           GError    **error)
{
  BW_PROJECT_LOCK (self);
  g_autoptr(GPtrArray) existing = NULL;
  g_autoptr(GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) hotkeys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(BwColorPicker) colors = NULL;
  g_autoptr(GPtrArray) normal_hotkeys = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt;
  gint64 largest_id;
  gint64 position = 0;

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (categories != NULL, FALSE);

  if (!(existing = list_categories_locked (self, error)))
    return FALSE;

  for (guint i = 0; i < existing->len; i++)
    {
      const BwCategory *category = g_ptr_array_index (existing, i);

      g_hash_table_insert (names, bw_category_name_key (category->name), g_strdup (category->name));
      if (category->hotkey != NULL)
        g_hash_table_insert (hotkeys, g_strdup (category->hotkey), g_strdup (category->name));
      position = MAX (position, (gint64) category->position + 1);
    }

  /* Everything is checked before anything is written. */
  for (guint i = 0; i < categories->len; i++)
    {
      const BwCategory *category = g_ptr_array_index (categories, i);
      g_autofree char *key = NULL;
      char *hotkey = NULL;
      const char *holder;

      if (!bw_category_check_name (category->name, error))
        return FALSE;

      key = bw_category_name_key (category->name);
      if ((holder = g_hash_table_lookup (names, key)))
        {
          g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_DUPLICATE,
                       _("There is already a category “%s”."), holder);
          return FALSE;
        }
      g_hash_table_insert (names, g_steal_pointer (&key), g_strstrip (g_strdup (category->name)));

      if (category->color != NULL && !bw_category_color_is_valid (category->color))
        {
          g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                       _("“%s” is not a colour written #rrggbb."), category->color);
          return FALSE;
        }

      if (!bw_category_normalize_hotkey (category->hotkey, &hotkey, error))
        return FALSE;
      g_ptr_array_add (normal_hotkeys, hotkey);
      if (hotkey != NULL && bw_category_hotkey_is_tool_key (hotkey))
        {
          g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                       _("“%s” is taken by the canvas (tools V, B and P; H hides a category, L shows labels); choose another."),
                       hotkey);
          return FALSE;
        }
      if (hotkey != NULL && (holder = g_hash_table_lookup (hotkeys, hotkey)))
        {
          g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_DUPLICATE,
                       _("“%s” is already the hotkey of “%s”."), hotkey, holder);
          return FALSE;
        }
      if (hotkey != NULL)
        g_hash_table_insert (hotkeys, g_strdup (hotkey), g_strdup (category->name));
    }

  if (!bw_project_begin (self, error))
    return FALSE;

  largest_id = largest_category_id_ever (self);
  stmt = _bw_project_prepare (self,
                              "INSERT INTO categories (id, name, supercategory, color, hotkey, guideline, position)"
                              " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                              error);
  if (stmt == NULL)
    goto fail;

  for (guint i = 0; i < categories->len; i++)
    {
      const BwCategory *category = g_ptr_array_index (categories, i);
      const char *hotkey = g_ptr_array_index (normal_hotkeys, i);
      g_autofree char *name = g_strstrip (g_strdup (category->name));
      g_autofree char *color = NULL;
      gint64 id;

      if (category->color != NULL)
        color = g_ascii_strdown (category->color, -1);
      else
        {
          /* Far from every colour in use, and from those added before
           * it; the picker is made only when a colour is wanted. */
          if (colors == NULL)
            {
              colors = bw_color_picker_new ();
              for (guint c = 0; c < existing->len; c++)
                bw_color_picker_add (colors, ((BwCategory *) g_ptr_array_index (existing, c))->color);
              for (guint c = 0; c < i; c++)
                bw_color_picker_add (colors, ((BwCategory *) g_ptr_array_index (categories, c))->color);
            }
          color = bw_color_picker_next (colors);
        }
      if (colors != NULL && category->color != NULL)
        bw_color_picker_add (colors, color);

      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      if (category->id > largest_id)
        sqlite3_bind_int64 (stmt, 1, category->id);
      else
        sqlite3_bind_null (stmt, 1);
      bind_category (stmt, category, name, color, hotkey, position++);

      if (!finish_category_write (self, stmt, name, error))
        goto fail;

      id = sqlite3_last_insert_rowid (self->db);
      largest_id = MAX (largest_id, id);
      g_array_append_val (ids, id);
    }

  /* A failed commit rolls back by itself. */
  if (!bw_project_commit (self, error))
    return FALSE;

  if (out_ids != NULL)
    *out_ids = g_steal_pointer (&ids);
  if (categories->len > 0)
    _bw_project_emit_changed (self, BW_PROJECT_SIGNAL_CATEGORIES_CHANGED);
  return TRUE;

fail:
  bw_project_rollback (self);
  return FALSE;
}

/**
 * bw_project_add_category_full:
 * @category: the new category; @category->id is kept when this project
 *   never used it (so an imported taxonomy keeps its COCO ids), else a
 *   new id is given; a %NULL colour gets one far from every colour in
 *   use (bw_color_picker_next())
 * @out_id: (out) (optional): the id given
 * @error: return location for a #GError
 *
 * Adds a category at the end of the taxonomy, with all its fields.
 *
 * Returns: %TRUE on success
 */
gboolean
bw_project_add_category_full (BwProject         *self,
                              const BwCategory  *category,
                              gint64            *out_id,
                              GError           **error)
{
  g_autoptr(GPtrArray) one = g_ptr_array_new ();
  g_autoptr(GArray) ids = NULL;

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (category != NULL, FALSE);

  g_ptr_array_add (one, (gpointer) category);
  if (!bw_project_add_categories (self, one, &ids, error))
    return FALSE;

  if (out_id != NULL)
    *out_id = g_array_index (ids, gint64, 0);
  return TRUE;
}

/* Positions 0, 1, 2… in the current order, whatever gaps a delete left.
 * Done row by row from a list read first: an UPDATE whose subquery reads
 * the table it writes sees its own earlier rows and scrambles ties. */
static gboolean
renumber_positions (BwProject  *self,
                    GError    **error)
{
  g_autoptr(GArray) ids = NULL;
  sqlite3_stmt *stmt;

  stmt = _bw_project_prepare (self, "SELECT id FROM categories ORDER BY position, id", error);
  if (stmt == NULL)
    return FALSE;
  ids = _bw_project_collect_ids (self, stmt, error);
  if (ids == NULL)
    return FALSE;

  stmt = _bw_project_prepare (self, "UPDATE categories SET position = ?2 WHERE id = ?1 AND position != ?2", error);
  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < ids->len; i++)
    {
      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, g_array_index (ids, gint64, i));
      sqlite3_bind_int64 (stmt, 2, i);
      if (!_bw_project_step_done (self, stmt, error))
        return FALSE;
    }

  return TRUE;
}

/* Ends the transaction of a change of the taxonomy: rolled back when the
 * change failed (@done is FALSE), else committed and signalled. */
static gboolean
end_change (BwProject  *self,
            gboolean    done,
            GError    **error)
{
  if (!done)
    {
      bw_project_rollback (self);
      return FALSE;
    }
  /* A failed commit rolls back by itself. */
  if (!bw_project_commit (self, error))
    return FALSE;

  _bw_project_emit_changed (self, BW_PROJECT_SIGNAL_CATEGORIES_CHANGED);
  return TRUE;
}

static gboolean
delete_category_locked (BwProject  *self,
                        gint64      category_id,
                        gint64      move_to_id,
                        GError    **error)
{
  sqlite3_stmt *stmt;

  if (!category_exists (self, category_id, error))
    return FALSE;

  if (move_to_id != 0)
    {
      if (move_to_id == category_id)
        {
          g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                       _("A category cannot be merged into itself."));
          return FALSE;
        }
      if (!category_exists (self, move_to_id, error))
        return FALSE;

      stmt = _bw_project_prepare (self,
                                  "UPDATE annotations SET category_id = ?1, updated_at = ?3"
                                  " WHERE category_id = ?2", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, move_to_id);
      sqlite3_bind_int64 (stmt, 2, category_id);
      sqlite3_bind_int64 (stmt, 3, _bw_project_now ());
    }
  else
    {
      stmt = _bw_project_prepare (self, "DELETE FROM annotations WHERE category_id = ?1", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, category_id);
    }

  if (!_bw_project_step_done (self, stmt, error))
    return FALSE;

  stmt = _bw_project_prepare (self, "DELETE FROM categories WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, category_id);
  if (!_bw_project_step_done (self, stmt, error))
    return FALSE;

  return renumber_positions (self, error);
}

/**
 * bw_project_delete_category:
 * @category_id: the category to delete
 * @move_to_id: the category its annotations move to, or 0 to delete its
 *   annotations too
 * @error: return location for a #GError
 *
 * Deletes a category and moves or deletes its annotations, in one
 * transaction. Its id is never given to another category.
 *
 * Returns: %TRUE on success
 */
gboolean
bw_project_delete_category (BwProject  *self,
                            gint64      category_id,
                            gint64      move_to_id,
                            GError    **error)
{
  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);

  if (!bw_project_begin (self, error))
    return FALSE;

  if (!delete_category_locked (self, category_id, move_to_id, error))
    {
      bw_project_rollback (self);
      return FALSE;
    }
  /* A failed commit rolls back by itself. */
  if (!bw_project_commit (self, error))
    return FALSE;

  if (move_to_id != 0)
    _bw_project_emit2 (self, BW_PROJECT_SIGNAL_CATEGORY_MERGED, category_id, move_to_id);
  _bw_project_emit_changed (self, BW_PROJECT_SIGNAL_CATEGORIES_CHANGED);
  _bw_project_emit_changed (self, BW_PROJECT_SIGNAL_ANNOTATIONS_CHANGED);
  return TRUE;
}

/**
 * bw_project_merge_category:
 * @source_id: the category that goes away
 * @target_id: the category that receives its annotations
 * @error: return location for a #GError
 *
 * Moves every annotation of @source_id to @target_id and deletes
 * @source_id, in one transaction.
 *
 * Returns: %TRUE on success
 */
gboolean
bw_project_merge_category (BwProject  *self,
                           gint64      source_id,
                           gint64      target_id,
                           GError    **error)
{
  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (target_id > 0, FALSE);

  return bw_project_delete_category (self, source_id, target_id, error);
}

static gboolean
set_order_locked (BwProject     *self,
                  const gint64  *ids,
                  guint          n_ids,
                  GError       **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  sqlite3_stmt *stmt;
  gint64 count = 0;

  stmt = _bw_project_prepare (self, "SELECT count (*) FROM categories", error);
  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    count = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  for (guint i = 0; i < n_ids; i++)
    {
      if (!g_hash_table_add (seen, (gpointer) &ids[i]))
        {
          g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                       _("The category %" PRId64 " is listed twice in the new order."), ids[i]);
          return FALSE;
        }
      if (!category_exists (self, ids[i], error))
        return FALSE;
    }

  if (count != n_ids)
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                   _("The new order lists %u categories but the project has %" PRId64 "."),
                   n_ids, count);
      return FALSE;
    }

  stmt = _bw_project_prepare (self, "UPDATE categories SET position = ?2 WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < n_ids; i++)
    {
      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, ids[i]);
      sqlite3_bind_int64 (stmt, 2, i);
      if (!_bw_project_step_done (self, stmt, error))
        return FALSE;
    }

  return TRUE;
}

/**
 * bw_project_set_category_order:
 * @ids: (array length=n_ids): every category id, in the new order
 * @n_ids: the length of @ids
 * @error: return location for a #GError
 *
 * Returns: %TRUE on success
 */
gboolean
bw_project_set_category_order (BwProject     *self,
                               const gint64  *ids,
                               guint          n_ids,
                               GError       **error)
{
  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (ids != NULL || n_ids == 0, FALSE);

  if (!bw_project_begin (self, error))
    return FALSE;

  return end_change (self, set_order_locked (self, ids, n_ids, error), error);
}

/**
 * bw_project_move_category:
 * @category_id: a category
 * @new_index: its new place, from 0; past the end means last
 * @error: return location for a #GError
 *
 * Returns: %TRUE on success
 */
gboolean
bw_project_move_category (BwProject  *self,
                          gint64      category_id,
                          guint       new_index,
                          GError    **error)
{
  BW_PROJECT_LOCK (self);
  g_autoptr(GPtrArray) categories = NULL;
  g_autoptr(GArray) ids = NULL;
  gboolean found = FALSE;

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);

  if (!(categories = list_categories_locked (self, error)))
    return FALSE;

  ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), categories->len);
  for (guint i = 0; i < categories->len; i++)
    {
      const BwCategory *category = g_ptr_array_index (categories, i);

      if (category->id == category_id)
        found = TRUE;
      else
        g_array_append_val (ids, category->id);
    }

  if (!found)
    return category_exists (self, category_id, error);

  g_array_insert_val (ids, MIN (new_index, ids->len), category_id);
  return bw_project_set_category_order (self, (const gint64 *) (gpointer) ids->data, ids->len, error);
}

/**
 * bw_project_count_annotations_by_category:
 * @error: return location for a #GError
 *
 * Counts the annotations of every category in one query, for lists that
 * show a count on each row.
 *
 * Returns: (transfer full) (element-type gint64 gint64): category id →
 *   number of annotations (categories without any are absent); look up
 *   with a pointer to a gint64
 */
GHashTable *
bw_project_count_annotations_by_category (BwProject  *self,
                                          GError    **error)
{
  BW_PROJECT_LOCK (self);
  g_autoptr(GHashTable) counts = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (BW_IS_PROJECT (self), NULL);

  stmt = _bw_project_prepare (self, "SELECT category_id, count (*) FROM annotations GROUP BY category_id", error);
  if (stmt == NULL)
    return NULL;

  counts = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      gint64 n = sqlite3_column_int64 (stmt, 1);

      g_hash_table_insert (counts, g_memdup2 (&id, sizeof id), g_memdup2 (&n, sizeof n));
    }
  if (!_bw_project_finish_rows (self, stmt, rc, error))
    return NULL;
  return g_steal_pointer (&counts);
}

/**
 * bw_project_list_category_annotation_ids:
 * @category_id: a category
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type gint64): the ids of the
 *   annotations of @category_id, in id order
 */
GArray *
bw_project_list_category_annotation_ids (BwProject  *self,
                                         gint64      category_id,
                                         GError    **error)
{
  BW_PROJECT_LOCK (self);
  sqlite3_stmt *stmt;

  g_return_val_if_fail (BW_IS_PROJECT (self), NULL);

  stmt = _bw_project_prepare (self, "SELECT id FROM annotations WHERE category_id = ? ORDER BY id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, category_id);

  return _bw_project_collect_ids (self, stmt, error);
}

/**
 * bw_project_set_annotations_category:
 * @ids: (array length=n_ids): annotation ids
 * @n_ids: the length of @ids
 * @category_id: the category they get
 * @error: return location for a #GError
 *
 * Gives many annotations one category, in one transaction (the undo of a
 * merge).
 *
 * Returns: %TRUE on success
 */
gboolean
bw_project_set_annotations_category (BwProject     *self,
                                     const gint64  *ids,
                                     guint          n_ids,
                                     gint64         category_id,
                                     GError       **error)
{
  sqlite3_stmt *stmt;
  gint64 now = _bw_project_now ();

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (ids != NULL || n_ids == 0, FALSE);

  if (!bw_project_begin (self, error))
    return FALSE;

  if (!category_exists (self, category_id, error))
    goto fail;

  stmt = _bw_project_prepare (self,
                              "UPDATE annotations SET category_id = ?2, updated_at = ?3 WHERE id = ?1",
                              error);
  if (stmt == NULL)
    goto fail;

  for (guint i = 0; i < n_ids; i++)
    {
      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, ids[i]);
      sqlite3_bind_int64 (stmt, 2, category_id);
      sqlite3_bind_int64 (stmt, 3, now);
      if (!_bw_project_step_done (self, stmt, error))
        goto fail;
    }

  if (!bw_project_commit (self, error))
    return FALSE;

  _bw_project_emit_changed (self, BW_PROJECT_SIGNAL_ANNOTATIONS_CHANGED);
  return TRUE;

fail:
  bw_project_rollback (self);
  return FALSE;
}

static gboolean
restore_categories_locked (BwProject  *self,
                           GPtrArray  *categories,
                           GError    **error)
{
  g_autoptr(GPtrArray) current = NULL;
  g_autoptr(GHashTable) wanted = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GArray) order = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt;

  for (guint i = 0; i < categories->len; i++)
    {
      BwCategory *category = g_ptr_array_index (categories, i);

      if (category->id <= 0 || !g_hash_table_add (wanted, &category->id))
        {
          g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                       _("The taxonomy to restore lists the category %" PRId64 " twice."),
                       category->id);
          return FALSE;
        }
      g_array_append_val (order, category->id);
    }

  if (!(current = list_categories_locked (self, error)))
    return FALSE;

  for (guint i = 0; i < current->len; i++)
    {
      BwCategory *category = g_ptr_array_index (current, i);

      if (g_hash_table_contains (wanted, &category->id))
        continue;

      if (bw_project_count_category_annotations (self, category->id) > 0)
        {
          g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                       _("The category “%s” has annotations now, so the taxonomy cannot go back to a time before it."),
                       category->name);
          return FALSE;
        }

      stmt = _bw_project_prepare (self, "DELETE FROM categories WHERE id = ?1", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, category->id);
      if (!_bw_project_step_done (self, stmt, error))
        return FALSE;
    }

  /* Names and hotkeys may be swapped between categories: free them all
   * first so no step meets a uniqueness constraint half-way. */
  if (!_bw_project_exec (self,
                         "UPDATE categories SET name = char (1) || id, hotkey = NULL",
                         error))
    return FALSE;

  for (guint i = 0; i < categories->len; i++)
    {
      const BwCategory *category = g_ptr_array_index (categories, i);
      g_autofree char *hotkey = NULL;

      if (!bw_category_check_name (category->name, error) ||
          !bw_category_normalize_hotkey (category->hotkey, &hotkey, error))
        return FALSE;

      if (!bw_category_color_is_valid (category->color))
        {
          g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                       _("“%s” is not a colour written #rrggbb."), category->color);
          return FALSE;
        }

      stmt = _bw_project_prepare (self,
                                  "INSERT INTO categories (id, name, supercategory, color, hotkey, guideline, position)"
                                  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
                                  " ON CONFLICT (id) DO UPDATE SET name = excluded.name,"
                                  "   supercategory = excluded.supercategory, color = excluded.color,"
                                  "   hotkey = excluded.hotkey, guideline = excluded.guideline,"
                                  "   position = excluded.position",
                                  error);
      if (stmt == NULL)
        return FALSE;

      sqlite3_bind_int64 (stmt, 1, category->id);
      bind_category (stmt, category, category->name, category->color, hotkey, i);

      if (!_bw_project_step_done (self, stmt, error))
        return FALSE;
    }

  return TRUE;
}

/**
 * bw_project_restore_categories:
 * @categories: (element-type BwCategory): a whole taxonomy, in order, as
 *   bw_project_list_categories() gave it earlier
 * @error: return location for a #GError
 *
 * Makes the taxonomy exactly @categories again, in one transaction: the
 * undo of the taxonomy dialog. Categories that are not listed are
 * deleted (refused when they have annotations); listed ones are updated,
 * or put back under their own id when they were deleted.
 *
 * Returns: %TRUE on success
 */
gboolean
bw_project_restore_categories (BwProject  *self,
                               GPtrArray  *categories,
                               GError    **error)
{
  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (categories != NULL, FALSE);

  if (!bw_project_begin (self, error))
    return FALSE;

  return end_change (self, restore_categories_locked (self, categories, error), error);
}
