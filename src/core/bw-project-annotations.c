/* bw-project-annotations.c — layers and annotations
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bw-project"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>

#include "bw-project-private.h"

#define LAYER_COLUMNS "id, image_id, person_id, kind, status, created_at, updated_at, no_objects"
#define ANNOTATION_COLUMNS \
  "id, layer_id, category_id, kind, x0, y0, x1, y1, parts, source, score, created_at, updated_at, z," \
  " version, author_id, guideline_version"

/* Layers */

static BwLayer *
layer_from_row (sqlite3_stmt *stmt)
{
  BwLayer *layer = g_new0 (BwLayer, 1);

  layer->id = sqlite3_column_int64 (stmt, 0);
  layer->image_id = sqlite3_column_int64 (stmt, 1);
  layer->person_id = sqlite3_column_int64 (stmt, 2);
  layer->kind = sqlite3_column_int (stmt, 3);
  layer->status = sqlite3_column_int (stmt, 4);
  layer->created_at = sqlite3_column_int64 (stmt, 5);
  layer->updated_at = sqlite3_column_int64 (stmt, 6);
  layer->no_objects = sqlite3_column_int (stmt, 7) != 0;
  return layer;
}

static void
bind_person (sqlite3_stmt *stmt,
             int           column,
             gint64        person_id)
{
  if (person_id > 0)
    sqlite3_bind_int64 (stmt, column, person_id);
  else
    sqlite3_bind_null (stmt, column);
}

/**
 * bw_project_ensure_layer:
 * @person_id: the person whose answer it is, or 0
 * @kind: a work, gold or model layer
 *
 * Finds the layer of @person_id of this kind on an image, creating it when
 * there is none yet.
 */
gboolean
bw_project_ensure_layer (BwProject    *self,
                         gint64        image_id,
                         gint64        person_id,
                         BwLayerKind   kind,
                         gint64       *out_id,
                         GError      **error)
{
  BW_PROJECT_LOCK (self);
  sqlite3_stmt *stmt;
  gint64 now;
  int rc;

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);

  stmt = _bw_project_prepare (self,
                              "SELECT id FROM layers WHERE image_id = ?1 AND person_id IS ?2"
                              " AND kind = ?3 ORDER BY id DESC LIMIT 1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, image_id);
  bind_person (stmt, 2, person_id);
  sqlite3_bind_int (stmt, 3, kind);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      if (out_id != NULL)
        *out_id = sqlite3_column_int64 (stmt, 0);
      sqlite3_reset (stmt);
      return TRUE;
    }
  if (!_bw_project_finish_rows (self, stmt, rc, error))
    return FALSE;

  stmt = _bw_project_prepare (self,
                              "INSERT INTO layers (image_id, person_id, kind, status, created_at, updated_at)"
                              " VALUES (?1, ?2, ?3, 0, ?4, ?4)", error);
  if (stmt == NULL)
    return FALSE;
  now = _bw_project_now ();
  sqlite3_bind_int64 (stmt, 1, image_id);
  bind_person (stmt, 2, person_id);
  sqlite3_bind_int (stmt, 3, kind);
  sqlite3_bind_int64 (stmt, 4, now);

  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if ((rc & 0xff) == SQLITE_CONSTRAINT)
    {
      _bw_project_set_not_found (self, BW_PROJECT_ITEM_IMAGE, image_id, error);
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    {
      _bw_project_set_error (self, rc, error);
      return FALSE;
    }

  if (out_id != NULL)
    *out_id = sqlite3_last_insert_rowid (self->db);
  return TRUE;
}

/**
 * bw_project_list_layers:
 *
 * Returns: (transfer full) (element-type BwLayer): the layers of an image,
 *   oldest first
 */
GPtrArray *
bw_project_list_layers (BwProject  *self,
                        gint64      image_id,
                        GError    **error)
{
  BW_PROJECT_LOCK (self);
  g_autoptr(GPtrArray) layers = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (BW_IS_PROJECT (self), NULL);

  stmt = _bw_project_prepare (self, "SELECT " LAYER_COLUMNS " FROM layers WHERE image_id = ?1 ORDER BY id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, image_id);

  layers = g_ptr_array_new_with_free_func ((GDestroyNotify)bw_layer_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (layers, layer_from_row (stmt));
  if (!_bw_project_finish_rows (self, stmt, rc, error))
    return NULL;
  return g_steal_pointer (&layers);
}

BwLayer *
bw_project_get_layer (BwProject  *self,
                      gint64      layer_id,
                      GError    **error)
{
  BW_PROJECT_LOCK (self);
  sqlite3_stmt *stmt;
  BwLayer *layer = NULL;
  int rc;

  g_return_val_if_fail (BW_IS_PROJECT (self), NULL);

  stmt = _bw_project_prepare (self, "SELECT " LAYER_COLUMNS " FROM layers WHERE id = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, layer_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    layer = layer_from_row (stmt);
  sqlite3_reset (stmt);

  _bw_project_check_row (self, rc, BW_PROJECT_ITEM_LAYER, layer_id, error);

  return layer;
}

static gboolean
write_layer_status (BwProject      *self,
                    gint64          layer_id,
                    BwLayerStatus   status,
                    GError        **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = _bw_project_prepare (self, "UPDATE layers SET status = ?2, updated_at = ?3 WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, layer_id);
  sqlite3_bind_int (stmt, 2, status);
  sqlite3_bind_int64 (stmt, 3, _bw_project_now ());
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);

  if (rc == SQLITE_CONSTRAINT_UNIQUE)
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                   _("The image already has an accepted answer; return it first."));
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    {
      _bw_project_set_error (self, rc, error);
      return FALSE;
    }
  return _bw_project_check_changed (self, BW_PROJECT_ITEM_LAYER, layer_id, error);
}

/**
 * bw_project_set_layer_status:
 *
 * Sets a layer's status by hand, with its annotator's assignment and the
 * image's status to match. The review workflow has functions that say
 * what happens (bw_project_submit_layer(), bw_project_accept_layer(),
 * bw_project_return_layer()…); this one is for tools and imports.
 */
gboolean
bw_project_set_layer_status (BwProject      *self,
                             gint64          layer_id,
                             BwLayerStatus   status,
                             GError        **error)
{
  g_autoptr(BwLayer) layer = NULL;

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);

  if (!bw_project_begin (self, error))
    return FALSE;

  if (!(layer = bw_project_get_layer (self, layer_id, error)) ||
      !write_layer_status (self, layer_id, status, error) ||
      !_bw_project_sync_assignment (self, layer, status, error))
    {
      bw_project_rollback (self);
      return FALSE;
    }

  return bw_project_commit (self, error);
}

/**
 * bw_project_set_layer_no_objects:
 * @no_objects: whether the layer's answer is "this image has nothing to
 *   annotate"
 *
 * Marks a layer as answered with no objects, or clears the mark.
 */
gboolean
bw_project_set_layer_no_objects (BwProject  *self,
                                 gint64      layer_id,
                                 gboolean    no_objects,
                                 GError    **error)
{
  BW_PROJECT_LOCK (self);
  sqlite3_stmt *stmt;

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);

  stmt = _bw_project_prepare (self, "UPDATE layers SET no_objects = ?2, updated_at = ?3 WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, layer_id);
  sqlite3_bind_int (stmt, 2, no_objects ? 1 : 0);
  sqlite3_bind_int64 (stmt, 3, _bw_project_now ());
  if (!_bw_project_step_done (self, stmt, error))
    return FALSE;

  return _bw_project_check_changed (self, BW_PROJECT_ITEM_LAYER, layer_id, error);
}

/**
 * bw_project_count_layer_reviews:
 *
 * Returns: how many verdicts were given on a layer or its shapes, or -1
 *   with @error set
 */
gint64
bw_project_count_layer_reviews (BwProject  *self,
                                gint64      layer_id,
                                GError    **error)
{
  BW_PROJECT_LOCK (self);
  sqlite3_stmt *stmt;
  gint64 count = 0;
  int rc;

  g_return_val_if_fail (BW_IS_PROJECT (self), -1);

  stmt = _bw_project_prepare (self, "SELECT count (*) FROM reviews WHERE layer_id = ?1", error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, layer_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    count = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    {
      _bw_project_set_error (self, rc, error);
      return -1;
    }

  return count;
}

/* For the workflow: the status alone, inside its transaction. */
gboolean
_bw_project_write_layer_status (BwProject      *self,
                                gint64          layer_id,
                                BwLayerStatus   status,
                                GError        **error)
{
  return write_layer_status (self, layer_id, status, error);
}

/* Annotations */

static BwAnnotation *
annotation_from_row (BwProject     *self,
                     sqlite3_stmt  *stmt,
                     GError       **error)
{
  g_autoptr(BwAnnotation) annotation = g_new0 (BwAnnotation, 1);
  BwRect bbox;

  annotation->id = sqlite3_column_int64 (stmt, 0);
  annotation->layer_id = sqlite3_column_int64 (stmt, 1);
  annotation->category_id = sqlite3_column_int64 (stmt, 2);
  bbox.x0 = sqlite3_column_double (stmt, 4);
  bbox.y0 = sqlite3_column_double (stmt, 5);
  bbox.x1 = sqlite3_column_double (stmt, 6);
  bbox.y1 = sqlite3_column_double (stmt, 7);
  annotation->shape = bw_shape_deserialize (sqlite3_column_int (stmt, 3), &bbox,
                                            sqlite3_column_blob (stmt, 8),
                                            sqlite3_column_bytes (stmt, 8),
                                            error);
  if (annotation->shape == NULL)
    {
      g_prefix_error (error, _("Annotation %" PRId64 " in “%s”: "),
                      annotation->id, self->display_name);
      return NULL;
    }
  annotation->source = sqlite3_column_int (stmt, 9);
  annotation->score = sqlite3_column_double (stmt, 10);
  annotation->created_at = sqlite3_column_int64 (stmt, 11);
  annotation->updated_at = sqlite3_column_int64 (stmt, 12);
  annotation->z = sqlite3_column_int64 (stmt, 13);
  annotation->version = sqlite3_column_int (stmt, 14);
  annotation->author_id = sqlite3_column_int64 (stmt, 15);
  annotation->guideline_version = sqlite3_column_int64 (stmt, 16);

  return g_steal_pointer (&annotation);
}

static void
bind_shape (sqlite3_stmt  *stmt,
            int            first,
            const BwShape *shape)
{
  g_autoptr(GBytes) parts = bw_shape_serialize_parts (shape);

  sqlite3_bind_int (stmt, first, shape->kind);
  sqlite3_bind_double (stmt, first + 1, shape->bbox.x0);
  sqlite3_bind_double (stmt, first + 2, shape->bbox.y0);
  sqlite3_bind_double (stmt, first + 3, shape->bbox.x1);
  sqlite3_bind_double (stmt, first + 4, shape->bbox.y1);
  if (parts != NULL)
    sqlite3_bind_blob (stmt, first + 5, g_bytes_get_data (parts, NULL),
                       g_bytes_get_size (parts), SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, first + 5);
  sqlite3_bind_double (stmt, first + 6, bw_shape_area (shape));
}

static gboolean
finish_annotation_write (BwProject     *self,
                         sqlite3_stmt  *stmt,
                         GError       **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                   _("The annotation refers to a category or layer that is not in the project “%s”."),
                   self->display_name);
      return FALSE;
    }
  if (rc == SQLITE_CONSTRAINT_PRIMARYKEY)
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_DUPLICATE,
                   _("The annotation is already in the project “%s”."), self->display_name);
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
 * bw_project_add_annotation:
 * @shape: a valid shape (see bw_shape_validate())
 * @score: the model's score for a prediction, else 1.0
 *
 * Saves a new annotation at once.
 */
gboolean
bw_project_add_annotation (BwProject      *self,
                           gint64          layer_id,
                           gint64          category_id,
                           const BwShape  *shape,
                           BwSource        source,
                           double          score,
                           gint64         *out_id,
                           GError        **error)
{
  BW_PROJECT_LOCK (self);
  sqlite3_stmt *stmt;
  gint64 now;

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (shape != NULL, FALSE);

  if (!bw_shape_validate (shape, error))
    return FALSE;

  stmt = _bw_project_prepare (self,
                              "INSERT INTO annotations (layer_id, category_id, kind, x0, y0, x1, y1,"
                              " parts, area, source, score, created_at, updated_at, z, guideline_version)"
                              " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12,"
                              /* On top of the layer: a shape brought to the front stays
                               * under the ones drawn after it. */
                              "  (SELECT coalesce (max (z), 0) FROM annotations WHERE layer_id = ?1),"
                              "  " BW_PROJECT_SQL_GUIDELINE_VERSION ")", error);
  if (stmt == NULL)
    return FALSE;

  now = _bw_project_now ();
  sqlite3_bind_int64 (stmt, 1, layer_id);
  sqlite3_bind_int64 (stmt, 2, category_id);
  bind_shape (stmt, 3, shape);
  sqlite3_bind_int (stmt, 10, source);
  sqlite3_bind_double (stmt, 11, score);
  sqlite3_bind_int64 (stmt, 12, now);

  if (!finish_annotation_write (self, stmt, error))
    return FALSE;

  if (out_id != NULL)
    *out_id = sqlite3_last_insert_rowid (self->db);

  return _bw_project_note_edit (self, layer_id, error);
}

/**
 * bw_project_restore_annotation:
 *
 * Puts back an annotation that was deleted, with its id and times; this
 * is what undoing a deletion does.
 */
gboolean
bw_project_restore_annotation (BwProject           *self,
                               const BwAnnotation  *annotation,
                               GError             **error)
{
  BW_PROJECT_LOCK (self);
  sqlite3_stmt *stmt;

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (annotation != NULL && annotation->shape != NULL, FALSE);

  if (!bw_shape_validate (annotation->shape, error))
    return FALSE;

  /* It comes back as a new version, after the one its deletion kept. */
  stmt = _bw_project_prepare (self,
                              "INSERT INTO annotations (id, layer_id, category_id, kind, x0, y0, x1, y1,"
                              " parts, area, source, score, created_at, updated_at, z, version, author_id,"
                              " guideline_version)"
                              " VALUES (?13, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?14, ?15,"
                              "  COALESCE ((SELECT max (version) FROM annotation_versions"
                              "             WHERE annotation_id = ?13), 0) + 1, ?16,"
                              /* The shape that comes back was made under the
                               * guidelines it records. */
                              "  COALESCE (NULLIF (?17, 0), " BW_PROJECT_SQL_GUIDELINE_VERSION "))", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, annotation->layer_id);
  sqlite3_bind_int64 (stmt, 2, annotation->category_id);
  bind_shape (stmt, 3, annotation->shape);
  sqlite3_bind_int (stmt, 10, annotation->source);
  sqlite3_bind_double (stmt, 11, annotation->score);
  sqlite3_bind_int64 (stmt, 12, annotation->created_at ? annotation->created_at : _bw_project_now ());
  sqlite3_bind_int64 (stmt, 13, annotation->id);
  sqlite3_bind_int64 (stmt, 14, _bw_project_now ());
  sqlite3_bind_int64 (stmt, 15, annotation->z);
  if (annotation->author_id > 0)
    sqlite3_bind_int64 (stmt, 16, annotation->author_id);
  else
    sqlite3_bind_null (stmt, 16);
  sqlite3_bind_int64 (stmt, 17, annotation->guideline_version);

  return finish_annotation_write (self, stmt, error);
}

/* Keeps the current version of an annotation in annotation_versions,
 * before it is changed or deleted. */
static gboolean
keep_version (BwProject  *self,
              gint64      annotation_id,
              gint64      now,
              gboolean    deleted,
              GError    **error)
{
  sqlite3_stmt *stmt;

  stmt = _bw_project_prepare (self,
                              "INSERT INTO annotation_versions (annotation_id, version, layer_id,"
                              " category_id, kind, x0, y0, x1, y1, parts, area, source, score,"
                              " author_id, created_at, superseded_at, deleted, guideline_version)"
                              " SELECT id, version, layer_id, category_id, kind, x0, y0, x1, y1,"
                              "  parts, area, source, score, author_id, updated_at, ?2, ?3,"
                              "  guideline_version"
                              " FROM annotations WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, annotation_id);
  sqlite3_bind_int64 (stmt, 2, now);
  sqlite3_bind_int (stmt, 3, deleted ? 1 : 0);
  if (!_bw_project_step_done (self, stmt, error))
    return FALSE;

  if (sqlite3_changes (self->db) == 0)
    {
      _bw_project_set_not_found (self, BW_PROJECT_ITEM_ANNOTATION, annotation_id, error);
      return FALSE;
    }
  return TRUE;
}

static gboolean
change_annotation (BwProject      *self,
                   gint64          annotation_id,
                   const BwShape  *shape,
                   gint64          category_id,
                   gint64          author_id,
                   GError        **error)
{
  sqlite3_stmt *stmt;
  gint64 now = _bw_project_now ();
  gint64 layer_id = 0;
  int rc;

  if (!keep_version (self, annotation_id, now, FALSE, error))
    return FALSE;

  if (shape != NULL)
    stmt = _bw_project_prepare (self,
                                "UPDATE annotations SET kind = ?3, x0 = ?4, y0 = ?5, x1 = ?6, y1 = ?7,"
                                " parts = ?8, area = ?9, updated_at = ?2, version = version + 1,"
                                " author_id = ?10, category_id = COALESCE (?11, category_id),"
                                " guideline_version = " BW_PROJECT_SQL_GUIDELINE_VERSION
                                " WHERE id = ?1 RETURNING layer_id", error);
  else
    stmt = _bw_project_prepare (self,
                                "UPDATE annotations SET updated_at = ?2, version = version + 1,"
                                " author_id = ?10, category_id = COALESCE (?11, category_id),"
                                " guideline_version = " BW_PROJECT_SQL_GUIDELINE_VERSION
                                " WHERE id = ?1 RETURNING layer_id", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_clear_bindings (stmt);
  sqlite3_bind_int64 (stmt, 1, annotation_id);
  sqlite3_bind_int64 (stmt, 2, now);
  if (shape != NULL)
    bind_shape (stmt, 3, shape);
  if (author_id > 0)
    sqlite3_bind_int64 (stmt, 10, author_id);
  if (category_id > 0)
    sqlite3_bind_int64 (stmt, 11, category_id);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      layer_id = sqlite3_column_int64 (stmt, 0);
      rc = sqlite3_step (stmt);
    }
  sqlite3_reset (stmt);
  if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                   _("The annotation refers to a category or layer that is not in the project “%s”."),
                   self->display_name);
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    {
      _bw_project_set_error (self, rc, error);
      return FALSE;
    }

  /* A reviewer's fix does not reopen the annotator's work. */
  return author_id > 0 || _bw_project_note_edit (self, layer_id, error);
}

/**
 * _bw_project_change_annotation:
 * @shape: (nullable): the new shape, or %NULL to keep it
 * @category_id: the new category, or 0 to keep it
 * @author_id: who makes the change when not the layer's owner, or 0
 *
 * Makes a new version of an annotation, keeping the one it replaces.
 */
gboolean
_bw_project_change_annotation (BwProject      *self,
                               gint64          annotation_id,
                               const BwShape  *shape,
                               gint64          category_id,
                               gint64          author_id,
                               GError        **error)
{
  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);

  if (shape != NULL && !bw_shape_validate (shape, error))
    return FALSE;

  if (!bw_project_begin (self, error))
    return FALSE;
  if (!change_annotation (self, annotation_id, shape, category_id, author_id, error))
    {
      bw_project_rollback (self);
      return FALSE;
    }
  return bw_project_commit (self, error);
}

/**
 * bw_project_update_annotation_shape:
 *
 * Gives an annotation a new shape: a new version, the old one kept for
 * the reviews that judged it.
 */
gboolean
bw_project_update_annotation_shape (BwProject      *self,
                                    gint64          annotation_id,
                                    const BwShape  *shape,
                                    GError        **error)
{
  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (shape != NULL, FALSE);

  return _bw_project_change_annotation (self, annotation_id, shape, 0, 0, error);
}

/**
 * bw_project_set_annotation_category:
 *
 * Relabels an annotation: a new version, the old one kept.
 */
gboolean
bw_project_set_annotation_category (BwProject  *self,
                                    gint64      annotation_id,
                                    gint64      category_id,
                                    GError    **error)
{
  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);

  if (category_id <= 0)
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                   _("The annotation refers to a category or layer that is not in the project “%s”."),
                   self->display_name);
      return FALSE;
    }

  return _bw_project_change_annotation (self, annotation_id, NULL, category_id, 0, error);
}

/**
 * bw_project_set_annotation_z:
 * @z: the drawing order in its layer: higher is drawn over lower
 */
gboolean
bw_project_set_annotation_z (BwProject  *self,
                             gint64      annotation_id,
                             gint64      z,
                             GError    **error)
{
  BW_PROJECT_LOCK (self);
  sqlite3_stmt *stmt;

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);

  stmt = _bw_project_prepare (self, "UPDATE annotations SET z = ?3, updated_at = ?2 WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, annotation_id);
  sqlite3_bind_int64 (stmt, 2, _bw_project_now ());
  sqlite3_bind_int64 (stmt, 3, z);

  return finish_annotation_write (self, stmt, error) &&
         _bw_project_check_changed (self, BW_PROJECT_ITEM_ANNOTATION, annotation_id, error);
}

/**
 * bw_project_delete_annotation:
 *
 * Deletes an annotation; its last version is kept, marked deleted, for
 * the reviews that judged it.
 */
gboolean
bw_project_delete_annotation (BwProject  *self,
                              gint64      annotation_id,
                              GError    **error)
{
  sqlite3_stmt *stmt;
  gint64 layer_id = 0;
  int rc;

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);

  if (!bw_project_begin (self, error))
    return FALSE;

  if (!keep_version (self, annotation_id, _bw_project_now (), TRUE, error))
    goto failed;

  stmt = _bw_project_prepare (self, "DELETE FROM annotations WHERE id = ?1 RETURNING layer_id", error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_int64 (stmt, 1, annotation_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      layer_id = sqlite3_column_int64 (stmt, 0);
      rc = sqlite3_step (stmt);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _bw_project_set_error (self, rc, error);
      goto failed;
    }

  if (!_bw_project_note_edit (self, layer_id, error))
    goto failed;

  return bw_project_commit (self, error);

failed:
  bw_project_rollback (self);
  return FALSE;
}

BwAnnotation *
bw_project_get_annotation (BwProject  *self,
                           gint64      annotation_id,
                           GError    **error)
{
  BW_PROJECT_LOCK (self);
  BwAnnotation *annotation = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (BW_IS_PROJECT (self), NULL);

  stmt = _bw_project_prepare (self, "SELECT " ANNOTATION_COLUMNS " FROM annotations WHERE id = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, annotation_id);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    annotation = annotation_from_row (self, stmt, error);
  sqlite3_reset (stmt);

  _bw_project_check_row (self, rc, BW_PROJECT_ITEM_ANNOTATION, annotation_id, error);

  return annotation;
}

/**
 * bw_project_list_annotations:
 *
 * Returns: (transfer full) (element-type BwAnnotation): the annotations of
 *   a layer in drawing order: by z, then oldest first
 */
GPtrArray *
bw_project_list_annotations (BwProject  *self,
                             gint64      layer_id,
                             GError    **error)
{
  g_return_val_if_fail (BW_IS_PROJECT (self), NULL);

  return bw_project_list_annotations_full (self, layer_id, NULL, error);
}

/**
 * bw_project_list_annotations_full:
 * @out_damaged: (out) (optional) (transfer full) (element-type utf8):
 *   when not %NULL, a row whose stored shape cannot be read is left out
 *   of the result instead of failing the whole list, and a message
 *   naming it is put here; an empty array when every row was read
 *
 * bw_project_list_annotations(), for a viewer that should show what it
 * can of a layer with a damaged row.
 *
 * Returns: (transfer full) (element-type BwAnnotation): the annotations of
 *   a layer in drawing order
 */
GPtrArray *
bw_project_list_annotations_full (BwProject   *self,
                                  gint64       layer_id,
                                  GPtrArray  **out_damaged,
                                  GError     **error)
{
  BW_PROJECT_LOCK (self);
  g_autoptr(GPtrArray) annotations = NULL;
  g_autoptr(GPtrArray) damaged = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (BW_IS_PROJECT (self), NULL);

  if (out_damaged != NULL)
    damaged = g_ptr_array_new_with_free_func (g_free);

  stmt = _bw_project_prepare (self, "SELECT " ANNOTATION_COLUMNS " FROM annotations"
                                    " WHERE layer_id = ?1 ORDER BY z, id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, layer_id);

  annotations = g_ptr_array_new_with_free_func ((GDestroyNotify)bw_annotation_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(GError) local_error = NULL;
      BwAnnotation *annotation = annotation_from_row (self, stmt, &local_error);

      /* Every error of the shape's reader (bw_shape_deserialize()) is
       * about that row; anything else is about the project. */
      if (annotation == NULL && damaged != NULL && local_error->domain == BW_GEOMETRY_ERROR)
        {
          g_ptr_array_add (damaged, g_strdup (local_error->message));
          continue;
        }
      if (annotation == NULL)
        {
          sqlite3_reset (stmt);
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      g_ptr_array_add (annotations, annotation);
    }
  if (!_bw_project_finish_rows (self, stmt, rc, error))
    return NULL;
  if (out_damaged != NULL)
    *out_damaged = g_steal_pointer (&damaged);
  return g_steal_pointer (&annotations);
}

/**
 * bw_project_list_annotation_stamps:
 *
 * What tells apart one state of a layer's annotations from another
 * without reading their shapes: each annotation's id, version (every
 * change makes a new one) and drawing order.
 *
 * Returns: (transfer full) (element-type BwAnnotationStamp): the stamps,
 *   in no particular order
 */
GArray *
bw_project_list_annotation_stamps (BwProject  *self,
                                   gint64      layer_id,
                                   GError    **error)
{
  BW_PROJECT_LOCK (self);
  g_autoptr(GArray) stamps = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (BW_IS_PROJECT (self), NULL);

  stmt = _bw_project_prepare (self, "SELECT id, version, z FROM annotations WHERE layer_id = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, layer_id);

  stamps = g_array_new (FALSE, FALSE, sizeof (BwAnnotationStamp));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      BwAnnotationStamp stamp = {
        .id = sqlite3_column_int64 (stmt, 0),
        .version = sqlite3_column_int (stmt, 1),
        .z = sqlite3_column_int64 (stmt, 2),
      };

      g_array_append_val (stamps, stamp);
    }
  if (!_bw_project_finish_rows (self, stmt, rc, error))
    return NULL;
  return g_steal_pointer (&stamps);
}

/**
 * bw_project_get_annotation_version:
 * @version: a version number, as a review names it
 *
 * Returns: (transfer full): the annotation as it was at @version: its
 *   current row or a kept one (a deleted annotation's last version too)
 */
BwAnnotation *
bw_project_get_annotation_version (BwProject  *self,
                                   gint64      annotation_id,
                                   int         version,
                                   GError    **error)
{
  BW_PROJECT_LOCK (self);
  BwAnnotation *annotation = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (BW_IS_PROJECT (self), NULL);

  stmt = _bw_project_prepare (self,
                              "SELECT " ANNOTATION_COLUMNS " FROM annotations WHERE id = ?1 AND version = ?2"
                              " UNION ALL"
                              " SELECT annotation_id, layer_id, category_id, kind, x0, y0, x1, y1, parts,"
                              "  source, score, created_at, created_at, 0, version, author_id,"
                              "  guideline_version"
                              " FROM annotation_versions WHERE annotation_id = ?1 AND version = ?2", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, annotation_id);
  sqlite3_bind_int (stmt, 2, version);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    annotation = annotation_from_row (self, stmt, error);
  sqlite3_reset (stmt);

  _bw_project_check_row (self, rc, BW_PROJECT_ITEM_ANNOTATION, annotation_id, error);

  return annotation;
}

/* The newest model layer of an image, when @person_id has no work layer
 * there yet; else 0. */
static gboolean
find_model_layer_to_copy (BwProject  *self,
                          gint64      image_id,
                          gint64      person_id,
                          gint64     *out_model_layer,
                          GError    **error)
{
  sqlite3_stmt *stmt;
  int rc;

  *out_model_layer = 0;

  stmt = _bw_project_prepare (self,
                              "SELECT (SELECT id FROM layers WHERE image_id = ?1 AND kind = 2"
                              "        ORDER BY id DESC LIMIT 1),"
                              "       (SELECT id FROM layers WHERE image_id = ?1 AND kind = 0"
                              "        AND person_id = ?2 LIMIT 1)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, image_id);
  sqlite3_bind_int64 (stmt, 2, person_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW && sqlite3_column_int64 (stmt, 1) == 0)
    *out_model_layer = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  if (rc != SQLITE_ROW)
    {
      _bw_project_set_error (self, rc, error);
      return FALSE;
    }
  return TRUE;
}

/**
 * bw_project_start_layer_from_model:
 * @person_id: the annotator
 * @out_layer_id: (out): the new work layer, or 0 when there was nothing
 *   to start from
 *
 * Pre-annotations are there for annotators to correct: when @person_id
 * has no work layer on the image yet and a model layer exists, the
 * annotator's layer starts as a copy of the newest model layer (scores
 * and the prediction source kept), in one transaction. The model layer
 * itself is never edited, so what the model said stays measurable.
 */
gboolean
bw_project_start_layer_from_model (BwProject  *self,
                                   gint64      image_id,
                                   gint64      person_id,
                                   gint64     *out_layer_id,
                                   GError    **error)
{
  BW_PROJECT_LOCK (self);
  sqlite3_stmt *stmt;
  gint64 model_layer = 0, layer_id = 0, now;

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (person_id > 0, FALSE);

  if (out_layer_id != NULL)
    *out_layer_id = 0;

  /* Opening an image must not write, nor wait for the write lock, when
   * there is nothing to copy: look first, then look again inside the
   * transaction, where the answer cannot change under us. */
  if (!find_model_layer_to_copy (self, image_id, person_id, &model_layer, error))
    return FALSE;
  if (model_layer == 0)
    return TRUE;

  if (!bw_project_begin (self, error))
    return FALSE;

  if (!find_model_layer_to_copy (self, image_id, person_id, &model_layer, error))
    goto failed;
  if (model_layer == 0)
    return bw_project_commit (self, error);

  if (!bw_project_ensure_layer (self, image_id, person_id, BW_LAYER_KIND_WORK, &layer_id, error))
    goto failed;

  stmt = _bw_project_prepare (self,
                              "INSERT INTO annotations (layer_id, category_id, kind, x0, y0, x1, y1,"
                              " parts, area, source, score, created_at, updated_at, z, guideline_version)"
                              " SELECT ?2, category_id, kind, x0, y0, x1, y1, parts, area, source, score, ?3, ?3, z,"
                              "  " BW_PROJECT_SQL_GUIDELINE_VERSION
                              " FROM annotations WHERE layer_id = ?1 ORDER BY id", error);
  if (stmt == NULL)
    goto failed;
  now = _bw_project_now ();
  sqlite3_bind_int64 (stmt, 1, model_layer);
  sqlite3_bind_int64 (stmt, 2, layer_id);
  sqlite3_bind_int64 (stmt, 3, now);
  if (!_bw_project_step_done (self, stmt, error) ||
      (sqlite3_changes (self->db) > 0 && !_bw_project_note_edit (self, layer_id, error)))
    goto failed;

  if (!bw_project_commit (self, error))
    return FALSE;

  if (out_layer_id != NULL)
    *out_layer_id = layer_id;
  return TRUE;

failed:
  bw_project_rollback (self);
  return FALSE;
}
