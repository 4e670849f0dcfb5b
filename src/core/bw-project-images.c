/* bw-project-images.c — the images of a project
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bw-project"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#include "bw-image-decoder.h"
#include "bw-project-private.h"

#define IMAGE_COLUMNS \
  "id, path, width, height, byte_size, content_hash, phash, orientation, status, is_gold, added_at"

/**
 * bw_project_make_image_path:
 * @absolute_path: an image file
 *
 * The path to store for an image: relative to the project's folder, so a
 * folder holding the project and its images can be moved as a whole; or
 * absolute when the two share nothing but the root (another drive).
 *
 * Returns: (transfer full): the path to store
 */
char *
bw_project_make_image_path (BwProject  *self,
                            const char *absolute_path)
{
  g_autofree char *image = NULL;
  g_auto(GStrv) from = NULL;
  g_auto(GStrv) to = NULL;
  GString *rel;
  guint common = 0;

  g_return_val_if_fail (BW_IS_PROJECT (self), NULL);
  g_return_val_if_fail (absolute_path != NULL, NULL);

  image = g_canonicalize_filename (absolute_path, self->dir);
  from = g_strsplit (self->dir + 1, G_DIR_SEPARATOR_S, -1);
  to = g_strsplit (image + 1, G_DIR_SEPARATOR_S, -1);

  while (from[common] != NULL && to[common] != NULL && to[common + 1] != NULL &&
         strcmp (from[common], to[common]) == 0)
    common++;

  if (common == 0 && strcmp (self->dir, "/") != 0)
    return g_steal_pointer (&image);

  rel = g_string_new (NULL);
  for (guint i = common; from[i] != NULL; i++)
    if (*from[i] != '\0')
      g_string_append (rel, ".." G_DIR_SEPARATOR_S);
  for (guint i = common; to[i] != NULL; i++)
    {
      g_string_append (rel, to[i]);
      if (to[i + 1] != NULL)
        g_string_append_c (rel, G_DIR_SEPARATOR);
    }

  return g_string_free (rel, FALSE);
}

/**
 * bw_project_resolve_image_path:
 * @stored_path: a path as stored in the project
 *
 * Returns: (transfer full): the absolute path of the image file
 */
char *
bw_project_resolve_image_path (BwProject  *self,
                               const char *stored_path)
{
  g_return_val_if_fail (BW_IS_PROJECT (self), NULL);
  g_return_val_if_fail (stored_path != NULL, NULL);

  return g_canonicalize_filename (stored_path, self->dir);
}

static char *
find_path (BwProject  *self,
           const char *sql,
           const char *key)
{
  sqlite3_stmt *stmt = _bw_project_prepare (self, sql, NULL);
  char *path = NULL;

  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    path = _bw_column_dup_text (stmt, 0);
  sqlite3_reset (stmt);
  return path;
}

/**
 * bw_project_add_image:
 *
 * Adds an image, unless its content or its path is in the project already:
 * then nothing is added and the error is %BW_PROJECT_ERROR_DUPLICATE,
 * naming the image that is. The check is the insert itself, so it holds
 * against other connections and processes writing at the same time.
 */
gboolean
bw_project_add_image (BwProject      *self,
                      const BwImage  *image,
                      gint64         *out_id,
                      GError        **error)
{
  BW_PROJECT_LOCK (self);
  const char *content_hash;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (image != NULL && image->path != NULL, FALSE);

  content_hash = image->content_hash ? image->content_hash : "";

  if (image->width <= 0 || image->height <= 0)
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                   _("The image “%s” has no size."), image->path);
      return FALSE;
    }

  stmt = _bw_project_prepare (self,
                              "INSERT INTO images (path, width, height, byte_size, content_hash,"
                              " phash, orientation, status, is_gold, added_at, name_key)"
                              " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
                              " ON CONFLICT DO NOTHING", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, image->path, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 2, image->width);
  sqlite3_bind_int (stmt, 3, image->height);
  sqlite3_bind_int64 (stmt, 4, image->byte_size);
  sqlite3_bind_text (stmt, 5, content_hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 6, (gint64)image->phash);
  sqlite3_bind_int (stmt, 7, image->orientation > 0 ? image->orientation : 1);
  sqlite3_bind_int (stmt, 8, image->status);
  sqlite3_bind_int (stmt, 9, image->is_gold ? 1 : 0);
  sqlite3_bind_int64 (stmt, 10, image->added_at ? image->added_at : _bw_project_now ());
  _bw_project_bind_name_key (stmt, 11, image->path);

  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      _bw_project_set_error (self, rc, error);
      return FALSE;
    }

  /* Nothing inserted: the content or the path is taken. The insert did
   * the check, so whoever else added the row (another import, another
   * process) it is there to be named now. */
  if (sqlite3_changes (self->db) == 0)
    {
      g_autofree char *first = find_path (self, "SELECT path FROM images"
                                                " WHERE content_hash = ?1 AND duplicate_of IS NULL",
                                          content_hash);

      if (first != NULL)
        g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_DUPLICATE,
                     _("“%s” is a duplicate of “%s”, which is already in the project."),
                     image->path, first);
      else
        g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_DUPLICATE,
                     _("The image “%s” is already in the project."), image->path);
      return FALSE;
    }

  if (out_id != NULL)
    *out_id = sqlite3_last_insert_rowid (self->db);

  if (self->tx_depth > 0)
    self->images_added = TRUE;
  else
    _bw_project_emit_changed (self, BW_PROJECT_SIGNAL_IMAGES_CHANGED);
  return TRUE;
}

static gint64
find_image (BwProject  *self,
            const char *sql,
            const char *key)
{
  sqlite3_stmt *stmt;
  gint64 id = 0;

  stmt = _bw_project_prepare (self, sql, NULL);
  if (stmt == NULL)
    return 0;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  return id;
}

/**
 * bw_project_find_image_by_hash:
 *
 * Returns: the id of an image with this content hash, or 0
 */
gint64
bw_project_find_image_by_hash (BwProject  *self,
                               const char *content_hash)
{
  BW_PROJECT_LOCK (self);

  g_return_val_if_fail (BW_IS_PROJECT (self), 0);
  g_return_val_if_fail (content_hash != NULL, 0);

  /* The image itself rather than a copy kept from before schema 2. */
  return find_image (self, "SELECT id FROM images WHERE content_hash = ?1"
                           " ORDER BY duplicate_of IS NOT NULL, id LIMIT 1", content_hash);
}

gint64
bw_project_find_image_by_path (BwProject  *self,
                               const char *stored_path)
{
  BW_PROJECT_LOCK (self);

  g_return_val_if_fail (BW_IS_PROJECT (self), 0);
  g_return_val_if_fail (stored_path != NULL, 0);

  return find_image (self, "SELECT id FROM images WHERE path = ?1", stored_path);
}

BwImage *
bw_project_get_image (BwProject  *self,
                      gint64      image_id,
                      GError    **error)
{
  BW_PROJECT_LOCK (self);
  sqlite3_stmt *stmt;
  BwImage *image = NULL;
  int rc;

  g_return_val_if_fail (BW_IS_PROJECT (self), NULL);

  stmt = _bw_project_prepare (self, "SELECT " IMAGE_COLUMNS " FROM images WHERE id = ?1", error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, image_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      image = g_new0 (BwImage, 1);
      image->id = sqlite3_column_int64 (stmt, 0);
      image->path = _bw_column_dup_text (stmt, 1);
      image->width = sqlite3_column_int (stmt, 2);
      image->height = sqlite3_column_int (stmt, 3);
      image->byte_size = sqlite3_column_int64 (stmt, 4);
      image->content_hash = _bw_column_dup_text (stmt, 5);
      image->phash = (guint64)sqlite3_column_int64 (stmt, 6);
      image->orientation = sqlite3_column_int (stmt, 7);
      image->status = CLAMP (sqlite3_column_int (stmt, 8), 0, BW_IMAGE_N_STATUS - 1);
      image->is_gold = sqlite3_column_int (stmt, 9) != 0;
      image->added_at = sqlite3_column_int64 (stmt, 10);
    }
  sqlite3_reset (stmt);

  _bw_project_check_row (self, rc, BW_PROJECT_ITEM_IMAGE, image_id, error);

  return image;
}

/* The image list's filter, one definition for listing and for testing
 * one image: ?1 a status or -1 for all, ?2 text the path contains
 * (ignoring ASCII case) or NULL. */
#define IMAGE_FILTER \
  "(?1 < 0 OR status = ?1) AND (?2 IS NULL OR instr (lower (path), lower (?2)) > 0)"

/**
 * bw_project_list_image_ids:
 * @status: a #BwImageStatus, or -1 for every image
 * @name_contains: (nullable): keep only images whose path contains this
 *   text, ignoring ASCII case
 *
 * Returns: (transfer full) (element-type gint64): image ids in import order
 */
GArray *
bw_project_list_image_ids (BwProject   *self,
                           int          status,
                           const char  *name_contains,
                           GError     **error)
{
  BW_PROJECT_LOCK (self);
  sqlite3_stmt *stmt;

  g_return_val_if_fail (BW_IS_PROJECT (self), NULL);

  if (name_contains != NULL && *name_contains == '\0')
    name_contains = NULL;

  stmt = _bw_project_prepare (self, "SELECT id FROM images WHERE " IMAGE_FILTER " ORDER BY id", error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int (stmt, 1, status);
  if (name_contains != NULL)
    sqlite3_bind_text (stmt, 2, name_contains, -1, SQLITE_TRANSIENT);

  return _bw_project_collect_ids (self, stmt, error);
}

/* The orders of the image list, each an index of schema 6 (so that
 * listing 100,000 images in order is a walk along an index, not a sort):
 * the columns an order compares, in the order it compares them. The
 * status rank puts the pipeline in order, the work still to be done
 * first: new, in progress, returned, submitted, in review, accepted, gold,
 * excluded. The same text is in the index (bw-project.c), which SQLite
 * uses only for an identical expression. */
#define ORDER_BY_NAME   "name_key, id"
#define ORDER_BY_ADDED  "added_at, id"
#define ORDER_BY_STATUS BW_PROJECT_STATUS_RANK ", name_key, id"

static locale_t
key_locale (void)
{
  static gsize once = 0;

  if (g_once_init_enter (&once))
    {
      locale_t locale = newlocale (LC_ALL_MASK, "C.UTF-8", (locale_t) 0);

      g_once_init_leave (&once, locale != (locale_t) 0 ? (gsize) locale : 1);
    }
  return once == 1 ? (locale_t) 0 : (locale_t) once;
}

/**
 * bw_image_name_sort_key:
 * @path: an image's path as stored
 *
 * The key that orders paths naturally ("photo-2" before "photo-10", by
 * g_utf8_collate_key_for_filename()) without regard to case (the key of
 * the case fold). It is stored with the image (images.name_key), so it
 * is made in one locale for everyone, C.UTF-8 (letters in the order of
 * their code points): two people sharing a project see one order.
 *
 * Returns: (transfer full): a key to compare with strcmp()
 */
char *
bw_image_name_sort_key (const char *path)
{
  g_autofree char *valid = NULL;
  g_autofree char *folded = NULL;
  locale_t locale = key_locale ();
  locale_t old = (locale_t) 0;
  char *key;

  g_return_val_if_fail (path != NULL, NULL);

  /* Paths are checked at import, but a file from elsewhere may hold any
   * bytes. */
  if (!g_utf8_validate (path, -1, NULL))
    path = valid = g_utf8_make_valid (path, -1);
  folded = g_utf8_casefold (path, -1);

  if (locale != (locale_t) 0)
    old = uselocale (locale);
  key = g_utf8_collate_key_for_filename (folded, -1);
  if (locale != (locale_t) 0)
    uselocale (old);

  return key;
}

/* Binds the key of @path as parameter @index of @stmt. */
void
_bw_project_bind_name_key (sqlite3_stmt *stmt,
                           int           index,
                           const char   *path)
{
  char *key = bw_image_name_sort_key (path);

  sqlite3_bind_blob (stmt, index, key, strlen (key), g_free);
}

/**
 * _bw_project_fill_name_keys:
 *
 * Gives a sort key to every image that has none: those of a project made
 * before schema 6. The lock is held, no transaction is open.
 */
gboolean
_bw_project_fill_name_keys (BwProject  *self,
                            GError    **error)
{
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt;
  int rc;

  stmt = _bw_project_prepare (self, "SELECT id, path FROM images WHERE name_key IS NULL", error);
  if (stmt == NULL)
    return FALSE;
  ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (ids, id);
      g_ptr_array_add (paths, _bw_column_dup_text (stmt, 1));
    }
  if (!_bw_project_finish_rows (self, stmt, rc, error))
    return FALSE;
  if (ids->len == 0)
    return TRUE;

  if (!bw_project_begin (self, error))
    return FALSE;
  for (guint i = 0; i < ids->len; i++)
    {
      stmt = _bw_project_prepare (self, "UPDATE images SET name_key = ?2 WHERE id = ?1", error);
      if (stmt == NULL)
        goto failed;
      sqlite3_bind_int64 (stmt, 1, g_array_index (ids, gint64, i));
      _bw_project_bind_name_key (stmt, 2, paths->pdata[i] ? paths->pdata[i] : "");
      if (!_bw_project_step_done (self, stmt, error))
        goto failed;
    }
  return bw_project_commit (self, error);

failed:
  bw_project_rollback (self);
  return FALSE;
}

/**
 * bw_project_list_image_ids_sorted:
 * @status: a #BwImageStatus, or -1 for every image
 * @name_contains: (nullable): keep only images whose path contains this
 *   text, ignoring ASCII case
 * @sort: the order
 *
 * The images of the image list, in its order: by path, natural and
 * without regard to case (bw_image_name_sort_key()); by the time they
 * were added, oldest first; or by status along the pipeline (new, in
 * progress, returned, submitted, in review, accepted, gold, excluded),
 * then by path. Images that are equal in the order come in import order.
 *
 * Returns: (transfer full) (element-type gint64): image ids
 */
GArray *
bw_project_list_image_ids_sorted (BwProject    *self,
                                  int           status,
                                  const char   *name_contains,
                                  BwImageSort   sort,
                                  GError      **error)
{
  BW_PROJECT_LOCK (self);
  sqlite3_stmt *stmt = NULL;

  g_return_val_if_fail (BW_IS_PROJECT (self), NULL);

  if (name_contains != NULL && *name_contains == '\0')
    name_contains = NULL;

  /* Whole literals, for the statement cache. */
  switch (sort)
    {
    case BW_IMAGE_SORT_ADDED:
      stmt = _bw_project_prepare (self, "SELECT id FROM images WHERE " IMAGE_FILTER
                                        " ORDER BY " ORDER_BY_ADDED, error);
      break;

    case BW_IMAGE_SORT_STATUS:
      stmt = _bw_project_prepare (self, "SELECT id FROM images WHERE " IMAGE_FILTER
                                        " ORDER BY " ORDER_BY_STATUS, error);
      break;

    case BW_IMAGE_SORT_NAME:
    default:
      stmt = _bw_project_prepare (self, "SELECT id FROM images WHERE " IMAGE_FILTER
                                        " ORDER BY " ORDER_BY_NAME, error);
      break;
    }
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int (stmt, 1, status);
  if (name_contains != NULL)
    sqlite3_bind_text (stmt, 2, name_contains, -1, SQLITE_TRANSIENT);

  return _bw_project_collect_ids (self, stmt, error);
}

/**
 * bw_project_compare_images:
 * @sort: the order
 *
 * Compares two images in the order of bw_project_list_image_ids_sorted(),
 * for a list that places a changed image without sorting again. An image
 * that is not in the project comes after every other.
 *
 * Returns: less than, equal to or greater than 0 as @image_a comes
 *   before, is, or comes after @image_b
 */
int
bw_project_compare_images (BwProject   *self,
                           BwImageSort  sort,
                           gint64       image_a,
                           gint64       image_b)
{
  BW_PROJECT_LOCK (self);
  sqlite3_stmt *stmt = NULL;
  int cmp;

  g_return_val_if_fail (BW_IS_PROJECT (self), 0);

  if (image_a == image_b)
    return 0;

#define COMPARE(columns) \
  "SELECT EXISTS (SELECT 1 FROM images WHERE id = ?1)," \
  "       EXISTS (SELECT 1 FROM images WHERE id = ?2)," \
  "       CASE WHEN (SELECT " columns " FROM images WHERE id = ?1)" \
  "               < (SELECT " columns " FROM images WHERE id = ?2) THEN -1 ELSE 1 END"

  switch (sort)
    {
    case BW_IMAGE_SORT_ADDED:
      stmt = _bw_project_prepare (self, COMPARE (ORDER_BY_ADDED), NULL);
      break;
    case BW_IMAGE_SORT_STATUS:
      stmt = _bw_project_prepare (self, COMPARE (ORDER_BY_STATUS), NULL);
      break;
    case BW_IMAGE_SORT_NAME:
    default:
      stmt = _bw_project_prepare (self, COMPARE (ORDER_BY_NAME), NULL);
      break;
    }
#undef COMPARE

  cmp = (image_a > image_b) - (image_a < image_b);
  if (stmt == NULL)
    return cmp;

  sqlite3_bind_int64 (stmt, 1, image_a);
  sqlite3_bind_int64 (stmt, 2, image_b);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gboolean has_a = sqlite3_column_int (stmt, 0);
      gboolean has_b = sqlite3_column_int (stmt, 1);

      if (has_a && has_b)
        cmp = sqlite3_column_int (stmt, 2);
      else if (has_a || has_b)
        cmp = has_a ? -1 : 1;
    }
  sqlite3_reset (stmt);

  return cmp;
}

/**
 * bw_project_image_matches:
 * @status: a #BwImageStatus, or -1 for every image
 * @name_contains: (nullable): as for bw_project_list_image_ids()
 *
 * Returns: whether bw_project_list_image_ids() with this filter lists
 *   @image_id
 */
gboolean
bw_project_image_matches (BwProject   *self,
                          gint64       image_id,
                          int          status,
                          const char  *name_contains)
{
  BW_PROJECT_LOCK (self);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);

  if (name_contains != NULL && *name_contains == '\0')
    name_contains = NULL;

  stmt = _bw_project_prepare (self, "SELECT 1 FROM images WHERE id = ?3 AND " IMAGE_FILTER, NULL);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int (stmt, 1, status);
  if (name_contains != NULL)
    sqlite3_bind_text (stmt, 2, name_contains, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, image_id);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);

  return rc == SQLITE_ROW;
}

static gboolean
update_image (BwProject   *self,
              const char  *sql,
              gint64       image_id,
              sqlite3_stmt **out_stmt,
              GError     **error)
{
  sqlite3_stmt *stmt = _bw_project_prepare (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, image_id);
  *out_stmt = stmt;
  return TRUE;
}

static gboolean
finish_image_update (BwProject     *self,
                     sqlite3_stmt  *stmt,
                     gint64         image_id,
                     GError       **error)
{
  if (!_bw_project_step_done (self, stmt, error))
    return FALSE;

  if (!_bw_project_check_changed (self, BW_PROJECT_ITEM_IMAGE, image_id, error))
    return FALSE;

  _bw_project_emit (self, BW_PROJECT_SIGNAL_IMAGE_CHANGED, image_id);
  return TRUE;
}

/**
 * bw_project_set_image_status:
 *
 * Sets the status the image list shows by hand: excluding an image (it
 * stays excluded whatever its assignments do), or taking it back. Other
 * statuses follow from the workflow (bw_project_submit_layer() and the
 * review functions), which overwrites one set here at its next change.
 */
gboolean
bw_project_set_image_status (BwProject      *self,
                             gint64          image_id,
                             BwImageStatus   status,
                             GError        **error)
{
  BW_PROJECT_LOCK (self);
  sqlite3_stmt *stmt;

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (status < BW_IMAGE_N_STATUS, FALSE);

  if (!update_image (self, "UPDATE images SET status = ?2 WHERE id = ?1", image_id, &stmt, error))
    return FALSE;
  sqlite3_bind_int (stmt, 2, status);
  return finish_image_update (self, stmt, image_id, error);
}

gboolean
bw_project_set_image_gold (BwProject  *self,
                           gint64      image_id,
                           gboolean    is_gold,
                           GError    **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);

  if (!bw_project_begin (self, error))
    return FALSE;
  if (!update_image (self, "UPDATE images SET is_gold = ?2 WHERE id = ?1", image_id, &stmt, error))
    goto failed;
  sqlite3_bind_int (stmt, 2, is_gold ? 1 : 0);
  /* A gold image shows as gold; unmarked, as its assignments say. */
  if (!finish_image_update (self, stmt, image_id, error) ||
      !_bw_project_refresh_image_status (self, image_id, error))
    goto failed;
  return bw_project_commit (self, error);

failed:
  bw_project_rollback (self);
  return FALSE;
}

/**
 * bw_project_check_image_file:
 * @absolute_path: a file that should be the image's
 *
 * Checks that @absolute_path holds the very image the project recorded:
 * its pixel size, its byte size and its content hash (what the record
 * has of them).
 *
 * Returns: %TRUE when it does; else %FALSE with an error naming the file
 *   and what differs
 */
gboolean
bw_project_check_image_file (BwProject   *self,
                             gint64       image_id,
                             const char  *absolute_path,
                             GError     **error)
{
  g_autoptr(BwImage) image = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *name = NULL;
  g_autofree char *hash = NULL;
  BwImageInfo info = { 0, };
  const guint8 *data;
  gsize size;

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (absolute_path != NULL, FALSE);

  if (!(image = bw_project_get_image (self, image_id, error)))
    return FALSE;

  name = g_filename_display_basename (absolute_path);
  if (!(bytes = bw_image_read_file (absolute_path, name, error)))
    return FALSE;
  data = g_bytes_get_data (bytes, &size);
  if (!bw_image_probe_data (data, size, name, &info, error))
    return FALSE;

  if (image->width > 0 && image->height > 0 &&
      (info.width != image->width || info.height != image->height))
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                   _("“%s” is %d × %d pixels, but the project’s image is %d × %d: "
                     "it is another picture. Choose the file that was imported, or import this one as a new image."),
                   name, info.width, info.height, image->width, image->height);
      return FALSE;
    }
  if (image->byte_size > 0 && (gint64) size != image->byte_size)
    {
      g_autofree char *have = g_strdup_printf ("%" G_GSIZE_FORMAT, size);
      g_autofree char *want = g_strdup_printf ("%" G_GINT64_FORMAT, image->byte_size);

      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                   _("“%s” has %s bytes, but the project’s image had %s: "
                     "it was changed or saved again. Choose the file that was imported, or import this one as a new image."),
                   name, have, want);
      return FALSE;
    }
  hash = g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, size);
  if (image->content_hash != NULL && image->content_hash[0] != '\0' &&
      g_ascii_strcasecmp (hash, image->content_hash) != 0)
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                   _("“%s” has the size of the project’s image but other content (its SHA-256 differs). "
                     "Choose the file that was imported, or import this one as a new image."),
                   name);
      return FALSE;
    }
  return TRUE;
}

static gboolean relocate_image_locked (BwProject   *self,
                                       gint64       image_id,
                                       const char  *absolute_path,
                                       GError     **error);

/**
 * bw_project_relocate_image:
 * @absolute_path: where the image file is now
 *
 * Points an image at a file that was moved or renamed, once
 * bw_project_check_image_file() has found it is the same image.
 */
gboolean
bw_project_relocate_image (BwProject   *self,
                           gint64       image_id,
                           const char  *absolute_path,
                           GError     **error)
{
  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (absolute_path != NULL, FALSE);

  if (!bw_project_check_image_file (self, image_id, absolute_path, error))
    return FALSE;
  return relocate_image_locked (self, image_id, absolute_path, error);
}

static gboolean
relocate_image_locked (BwProject   *self,
                       gint64       image_id,
                       const char  *absolute_path,
                       GError     **error)
{
  BW_PROJECT_LOCK (self);
  g_autofree char *stored = NULL;
  sqlite3_stmt *stmt;
  gint64 other;

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (absolute_path != NULL, FALSE);

  stored = bw_project_make_image_path (self, absolute_path);

  other = find_image (self, "SELECT id FROM images WHERE path = ?1", stored);
  if (other != 0 && other != image_id)
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_DUPLICATE,
                   _("Another image of the project already uses “%s”."), stored);
      return FALSE;
    }

  if (!update_image (self, "UPDATE images SET path = ?2, name_key = ?3 WHERE id = ?1", image_id, &stmt, error))
    return FALSE;
  sqlite3_bind_text (stmt, 2, stored, -1, SQLITE_TRANSIENT);
  _bw_project_bind_name_key (stmt, 3, stored);
  return finish_image_update (self, stmt, image_id, error);
}
