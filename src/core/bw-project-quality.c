/* bw-project-quality.c — what the quality figures read from a project
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reads through a connection of its own, in one read transaction, so the
 * figures come from one snapshot and can be computed off the UI thread
 * while the window keeps using the project's connection. The figures
 * depend only on layers and annotations (not on the review workflow's
 * statuses): a gold image's gold layer, and every person's work layer
 * once submitted.
 */

#define G_LOG_DOMAIN "bw-project"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>

#include "bw-project-private.h"
#include "bw-project-quality.h"

/* The layers that count: gold answers, and work that was handed in
 * (submitted, accepted or returned; not in progress). */
#define SCORED_LAYERS_SQL \
  "WITH scored AS (" \
  "  SELECT l.id, l.image_id, l.person_id, l.kind FROM layers l" \
  "  WHERE l.kind = 1 OR (l.kind = 0 AND l.person_id IS NOT NULL AND l.status <> 0))," \
  " chosen AS (" \
  "  SELECT s.image_id AS image_id FROM scored s JOIN images i ON i.id = s.image_id" \
  "  WHERE i.status <> 5" \
  "  GROUP BY s.image_id" \
  "  HAVING (max (i.is_gold) <> 0 AND max (s.kind = 1) AND max (s.kind = 0))" \
  "      OR count (DISTINCT CASE WHEN s.kind = 0 THEN s.person_id END) >= 2)"

/* Images worth reading: gold images with a gold answer and some work, and
 * images that two or more people answered. */
#define COUNT_SQL SCORED_LAYERS_SQL " SELECT count (*) FROM chosen"

#define ROWS_SQL SCORED_LAYERS_SQL \
  " SELECT s.image_id, i.path, i.is_gold, s.id, coalesce (s.person_id, 0), s.kind," \
  "   a.id, a.category_id, a.kind, a.x0, a.y0, a.x1, a.y1, a.parts" \
  " FROM chosen c JOIN images i ON i.id = c.image_id" \
  " JOIN scored s ON s.image_id = c.image_id" \
  " LEFT JOIN annotations a ON a.layer_id = s.id" \
  " ORDER BY s.image_id, s.id, a.id"

static void
set_reader_error (BwProject  *self,
                  sqlite3    *db,
                  int         rc,
                  GError    **error)
{
  g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_FAILED,
               _("Cannot read the project “%s”: %s"),
               bw_project_get_display_name (self),
               db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
}

static gboolean
read_names (BwProject   *self,
            sqlite3     *db,
            const char  *sql,
            GHashTable  *names,
            GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (names == NULL)
    return TRUE;

  rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      set_reader_error (self, db, rc, error);
      return FALSE;
    }

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 *id = g_new (gint64, 1);

      *id = sqlite3_column_int64 (stmt, 0);
      g_hash_table_replace (names, id, _bw_column_dup_text (stmt, 1));
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    {
      set_reader_error (self, db, rc, error);
      return FALSE;
    }
  return TRUE;
}

static void
clear_image (BwQualityImage *image,
             GPtrArray      *owned)
{
  g_array_set_size (image->layers, 0);
  g_array_set_size (image->shapes, 0);
  g_ptr_array_set_size (owned, 0);
}

/* Steps @stmt, whose rows are (image id, path, is gold, layer id, person
 * id, layer kind, annotation id, category id, shape kind, x0, y0, x1, y1,
 * parts) in image then layer order, and hands @func each image. */
static gboolean
read_image_rows (BwProject           *self,
                 sqlite3             *db,
                 sqlite3_stmt        *stmt,
                 guint                n_images,
                 BwQualityImageFunc   func,
                 gpointer             user_data,
                 GCancellable        *cancellable,
                 GError             **error)
{
  g_autoptr(GPtrArray) owned = g_ptr_array_new_with_free_func ((GDestroyNotify) bw_shape_free);
  g_autoptr(GArray) layers = g_array_new (FALSE, FALSE, sizeof (BwQualityLayer));
  g_autoptr(GArray) shapes = g_array_new (FALSE, FALSE, sizeof (BwMatchShape));
  g_autofree char *path = NULL;
  BwQualityImage image = { 0, };
  guint index = 0;
  gint64 layer_id = 0;
  int rc;

  image.layers = layers;
  image.shapes = shapes;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 image_id = sqlite3_column_int64 (stmt, 0);
      gint64 row_layer = sqlite3_column_int64 (stmt, 3);

      if (image_id != image.image_id)
        {
          if (image.image_id != 0)
            {
              if (!func (&image, index++, n_images, user_data, error))
                return FALSE;
              if (g_cancellable_set_error_if_cancelled (cancellable, error))
                return FALSE;
            }
          clear_image (&image, owned);
          g_free (path);
          path = _bw_column_dup_text (stmt, 1);
          image.image_id = image_id;
          image.path = path;
          image.is_gold = sqlite3_column_int (stmt, 2) != 0;
          layer_id = 0;
        }

      if (row_layer != layer_id)
        {
          BwQualityLayer layer = {
            .layer_id = row_layer,
            .person_id = sqlite3_column_int64 (stmt, 4),
            .kind = sqlite3_column_int (stmt, 5),
            .first = image.shapes->len,
            .n_shapes = 0,
          };

          g_array_append_val (image.layers, layer);
          layer_id = row_layer;
        }

      if (sqlite3_column_type (stmt, 6) != SQLITE_NULL)
        {
          BwQualityLayer *layer = &g_array_index (image.layers, BwQualityLayer, image.layers->len - 1);
          BwRect bbox = {
            sqlite3_column_double (stmt, 9), sqlite3_column_double (stmt, 10),
            sqlite3_column_double (stmt, 11), sqlite3_column_double (stmt, 12),
          };
          BwMatchShape shape = { sqlite3_column_int64 (stmt, 7), NULL };
          BwShape *geometry;

          geometry = bw_shape_deserialize (sqlite3_column_int (stmt, 8), &bbox,
                                           sqlite3_column_blob (stmt, 13),
                                           sqlite3_column_bytes (stmt, 13), error);
          if (geometry == NULL)
            {
              g_prefix_error (error, _("Annotation %" PRId64 " in “%s”: "),
                              (gint64) sqlite3_column_int64 (stmt, 6), bw_project_get_display_name (self));
              return FALSE;
            }
          g_ptr_array_add (owned, geometry);
          shape.shape = geometry;
          g_array_append_val (image.shapes, shape);
          layer->n_shapes++;
        }
    }

  if (rc != SQLITE_DONE)
    {
      set_reader_error (self, db, rc, error);
      return FALSE;
    }

  return image.image_id == 0 || func (&image, index, n_images, user_data, error);
}

/* The number in the first column of the first row of @sql, with ?1 bound
 * to @param when not 0. */
static gboolean
count_rows (BwProject   *self,
            sqlite3     *db,
            const char  *sql,
            gint64       param,
            guint       *out_count,
            GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      if (param != 0)
        sqlite3_bind_int64 (stmt, 1, param);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        *out_count = sqlite3_column_int (stmt, 0);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW)
    {
      set_reader_error (self, db, rc, error);
      return FALSE;
    }
  return TRUE;
}

/* Reads, on a connection of its own and from one snapshot, the names
 * of people and categories (into @people and @categories when not NULL),
 * the number of images @count_sql counts (and, with @extra_count_sql, a
 * second count into @out_extra), then hands @func each image of
 * @rows_sql (see read_image_rows()). ?1 of each statement is @param when
 * not 0. */
static gboolean
read_images (BwProject          *self,
             const char         *count_sql,
             const char         *extra_count_sql,
             const char         *rows_sql,
             gint64              param,
             GHashTable         *people,
             GHashTable         *categories,
             guint              *out_extra,
             BwQualityImageFunc  func,
             gpointer            user_data,
             GCancellable       *cancellable,
             GError            **error)
{
  sqlite3 *db;
  sqlite3_stmt *stmt = NULL;
  gboolean ok = FALSE;
  guint n_images = 0, extra = 0;
  int rc;

  db = _bw_project_open_reader (self, error);
  if (db == NULL)
    return FALSE;

  rc = sqlite3_exec (db, "BEGIN", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      set_reader_error (self, db, rc, error);
      goto out;
    }

  if (!read_names (self, db, "SELECT id, name FROM people", people, error) ||
      !read_names (self, db, "SELECT id, name FROM categories", categories, error) ||
      !count_rows (self, db, count_sql, param, &n_images, error) ||
      (extra_count_sql != NULL &&
       !count_rows (self, db, extra_count_sql, param, &extra, error)))
    goto out;
  if (out_extra != NULL)
    *out_extra = extra;

  rc = sqlite3_prepare_v2 (db, rows_sql, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      set_reader_error (self, db, rc, error);
      goto out;
    }
  if (param != 0)
    sqlite3_bind_int64 (stmt, 1, param);

  ok = read_image_rows (self, db, stmt, n_images, func, user_data, cancellable, error);

out:
  g_clear_pointer (&stmt, sqlite3_finalize);
  sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
  sqlite3_close_v2 (db);
  return ok;
}

/**
 * bw_project_read_quality_images:
 * @self: a project
 * @people: (nullable): filled with person id (a #gint64 key, allocated
 *   with g_new) → name; make it with g_hash_table_new_full (g_int64_hash,
 *   g_int64_equal, g_free, g_free)
 * @categories: (nullable): the same, for category id → name
 * @func: called for each image that has something to score: a gold image
 *   with a gold answer and someone's work, or an image that two or more
 *   people answered; in image id order
 * @user_data: for @func
 * @cancellable: (nullable): to stop between images
 * @error: return location for a #GError
 *
 * Reads what the quality figures need, from a snapshot of the project.
 * Callable from any thread: it uses a connection of its own.
 *
 * Returns: %TRUE when every image was read; %FALSE when @func stopped,
 *   the read failed, or @cancellable was cancelled
 */
gboolean
bw_project_read_quality_images (BwProject          *self,
                                GHashTable         *people,
                                GHashTable         *categories,
                                BwQualityImageFunc  func,
                                gpointer            user_data,
                                GCancellable       *cancellable,
                                GError            **error)
{
  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  return read_images (self, COUNT_SQL, NULL, ROWS_SQL, 0, people, categories, NULL,
                      func, user_data, cancellable, error);
}

/* The model's errors (bw-model-report.c). An image's reference answer is
 * its gold layer when it is a gold image with one, else its accepted work
 * layer: the same rule as the export of hard examples
 * (BW_EXPORT_STATUS_REFERENCE in bw-project-export.c). ?1 is the model. */
#define MODEL_ANSWERED_SQL \
  "WITH answered AS (" \
  "  SELECT i.id AS image_id, i.path AS path, i.is_gold AS is_gold," \
  "    COALESCE (" \
  "      (SELECT l.id FROM layers l WHERE i.is_gold AND l.image_id = i.id AND l.kind = 1" \
  "        ORDER BY l.updated_at DESC, l.id DESC LIMIT 1)," \
  "      (SELECT l.id FROM layers l WHERE l.image_id = i.id AND l.status = 2 AND l.kind = 0" \
  "        ORDER BY l.id DESC LIMIT 1)) AS reference_id," \
  "    (SELECT l.id FROM layers l WHERE l.image_id = i.id AND l.kind = 2 AND l.person_id = ?1" \
  "      ORDER BY l.id DESC LIMIT 1) AS model_id" \
  "  FROM images i WHERE i.status <> 5)"

#define MODEL_COUNT_SQL MODEL_ANSWERED_SQL \
  " SELECT count (*) FROM answered WHERE reference_id IS NOT NULL"

#define MODEL_UNANSWERED_SQL MODEL_ANSWERED_SQL \
  " SELECT count (*) FROM answered WHERE reference_id IS NULL AND model_id IS NOT NULL"

#define MODEL_ROWS_SQL MODEL_ANSWERED_SQL \
  " SELECT r.image_id, r.path, r.is_gold, x.id, coalesce (x.person_id, 0), x.kind," \
  "   a.id, a.category_id, a.kind, a.x0, a.y0, a.x1, a.y1, a.parts" \
  " FROM answered r JOIN layers x ON x.id IN (r.reference_id, r.model_id)" \
  " LEFT JOIN annotations a ON a.layer_id = x.id" \
  " WHERE r.reference_id IS NOT NULL" \
  " ORDER BY r.image_id, x.kind = 2, x.id, a.id"

/**
 * bw_project_list_models:
 * @self: a project
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type utf8): the names of the people
 *   who own model layers (imported predictions), by name; %NULL on error
 */
GPtrArray *
bw_project_list_models (BwProject  *self,
                        GError    **error)
{
  BW_PROJECT_LOCK (self);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (BW_IS_PROJECT (self), NULL);

  stmt = _bw_project_prepare (self,
                              "SELECT p.name FROM people p WHERE EXISTS"
                              " (SELECT 1 FROM layers l WHERE l.person_id = p.id AND l.kind = 2)"
                              " ORDER BY p.name, p.id", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (names, _bw_column_dup_text (stmt, 0));
  if (!_bw_project_finish_rows (self, stmt, rc, error))
    return NULL;
  return g_steal_pointer (&names);
}

/**
 * bw_project_read_model_images:
 * @self: a project
 * @model_id: the person who owns the model layers
 * @people: (nullable): as for bw_project_read_quality_images()
 * @categories: (nullable): the same, for categories
 * @out_unanswered: (out) (optional): images with the model's predictions
 *   but no reference answer, which are not read
 * @func: called for each image with a reference answer (not excluded), in
 *   image id order; its @layers are the reference layer (gold, or accepted
 *   work) and, when the model predicted anything there, the model's layer
 *   (%BW_LAYER_KIND_MODEL)
 * @user_data: for @func
 * @cancellable: (nullable): to stop between images
 * @error: return location for a #GError
 *
 * Reads what the model's error report needs, from a snapshot of the
 * project, through a connection of its own.
 *
 * Returns: %TRUE when every image was read
 */
gboolean
bw_project_read_model_images (BwProject          *self,
                              gint64              model_id,
                              GHashTable         *people,
                              GHashTable         *categories,
                              guint              *out_unanswered,
                              BwQualityImageFunc  func,
                              gpointer            user_data,
                              GCancellable       *cancellable,
                              GError            **error)
{
  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (model_id > 0, FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  return read_images (self, MODEL_COUNT_SQL, MODEL_UNANSWERED_SQL, MODEL_ROWS_SQL, model_id,
                      people, categories, out_unanswered, func, user_data, cancellable, error);
}

/* A calibration round's images (bw-calibration.c), in the round's order,
 * with each of its people's handed-in work layers. */
#define ROUND_COUNT_SQL "SELECT count (*) FROM calibration_images WHERE round_id = ?1"

#define ROUND_ROWS_SQL \
  "SELECT i.id, i.path, i.is_gold, l.id, coalesce (l.person_id, 0), l.kind," \
  "  a.id, a.category_id, a.kind, a.x0, a.y0, a.x1, a.y1, a.parts" \
  " FROM calibration_images c JOIN images i ON i.id = c.image_id" \
  " JOIN calibration_people p ON p.round_id = c.round_id" \
  " JOIN layers l ON l.image_id = c.image_id AND l.person_id = p.person_id" \
  "  AND l.kind = 0 AND l.status <> 0" \
  " LEFT JOIN annotations a ON a.layer_id = l.id" \
  " WHERE c.round_id = ?1" \
  " ORDER BY c.position, l.id, a.id"

/**
 * bw_project_read_round_images:
 * @self: a project
 * @round_id: a calibration round
 * @people: (nullable): as for bw_project_read_quality_images()
 * @categories: (nullable): the same, for categories
 * @func: called for each image of the round that someone of the round
 *   has handed in an answer to, in the round's order; its @layers are
 *   those answers (work layers, in id order)
 * @user_data: for @func
 * @cancellable: (nullable): to stop between images
 * @error: return location for a #GError
 *
 * Returns: %TRUE when every image was read
 */
gboolean
bw_project_read_round_images (BwProject          *self,
                              gint64              round_id,
                              GHashTable         *people,
                              GHashTable         *categories,
                              BwQualityImageFunc  func,
                              gpointer            user_data,
                              GCancellable       *cancellable,
                              GError            **error)
{
  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (round_id > 0, FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  return read_images (self, ROUND_COUNT_SQL, NULL, ROUND_ROWS_SQL, round_id, people, categories,
                      NULL, func, user_data, cancellable, error);
}
