/* bw-project-export.c — streaming reads for the exporters
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bw-project"

#include "config.h"

#include <glib/gi18n.h>

#include "bw-project-export.h"
#include "bw-project-private.h"

struct _BwExportCursor
{
  BwProject    *project;
  sqlite3      *db;
  sqlite3_stmt *images;
  sqlite3_stmt *annotations;
  BwExportStatus status;
  gboolean      in_transaction;
  gboolean      with_reviews;
};

/* The final layer of each image (see bw-project-export.h): the one place
 * that says which work an export status takes. ?1 is 1 when submitted
 * work is taken, ?2 when work in progress (or returned) is taken too, ?3
 * when the gold answers are taken instead of the work: a gold layer is
 * the answer the annotators are scored against and leaves no other way;
 * ?4 when the reference answers are taken: the gold answer of a gold
 * image, else the accepted work (bw_project_read_model_images() chooses
 * the same layer). The
 * correlated subqueries use layers_by_image; the outer scan is in image id
 * order, so nothing is sorted in memory. */
#define FINAL_IMAGES_SQL \
  "SELECT image_id, path, width, height, layer_id FROM (" \
  "  SELECT i.id AS image_id, i.path AS path, i.width AS width, i.height AS height," \
  "    COALESCE (" \
  "      (SELECT l.id FROM layers l WHERE (?3 OR ?4) AND i.is_gold AND l.image_id = i.id AND l.kind = 1" \
  "        ORDER BY l.updated_at DESC, l.id DESC LIMIT 1)," \
  "      (SELECT l.id FROM layers l WHERE NOT ?3 AND l.image_id = i.id AND l.status = 2 AND l.kind = 0" \
  "        ORDER BY l.id DESC LIMIT 1)," \
  "      (SELECT l.id FROM layers l WHERE NOT ?3 AND NOT ?4 AND ?1 AND l.image_id = i.id AND l.kind = 0" \
  "        AND (?2 OR l.status = 1)" \
  "        ORDER BY l.updated_at DESC, l.id DESC LIMIT 1)) AS layer_id" \
  "  FROM images i WHERE i.status <> 5 ORDER BY i.id)" \
  " WHERE layer_id IS NOT NULL"

#define COUNT_FINAL_IMAGES_SQL "SELECT count(*) FROM (" FINAL_IMAGES_SQL ")"

static void
bind_status (sqlite3_stmt   *stmt,
             BwExportStatus  status)
{
  sqlite3_bind_int (stmt, 1, status != BW_EXPORT_STATUS_ACCEPTED);
  sqlite3_bind_int (stmt, 2, status == BW_EXPORT_STATUS_ALL);
  sqlite3_bind_int (stmt, 3, status == BW_EXPORT_STATUS_GOLD);
  sqlite3_bind_int (stmt, 4, status == BW_EXPORT_STATUS_REFERENCE);
}

#define LAYER_ANNOTATIONS_SQL \
  "SELECT id, category_id, kind, x0, y0, x1, y1, parts FROM annotations" \
  " WHERE layer_id = ?1 ORDER BY id"

/* The same with each annotation's standing review: its latest verdict
 * (accept, reject, fix), when that judged the current version or was a
 * fix (which made the current version); a verdict on a version the
 * annotator has changed since no longer stands. The subquery for the
 * latest review uses reviews_by_annotation. */
#define LAYER_ANNOTATIONS_REVIEWED_SQL \
  "SELECT a.id, a.category_id, a.kind, a.x0, a.y0, a.x1, a.y1, a.parts," \
  "  owner.name," \
  "  CASE WHEN r.verdict = 2 OR r.annotation_version = a.version THEN r.verdict END," \
  "  CASE WHEN r.verdict = 2 OR r.annotation_version = a.version THEN reason.name END," \
  "  CASE WHEN r.verdict = 2 OR r.annotation_version = a.version THEN r.comment END," \
  "  CASE WHEN r.verdict = 2 OR r.annotation_version = a.version THEN reviewer.name END," \
  "  a.guideline_version" \
  " FROM annotations a" \
  " JOIN layers l ON l.id = a.layer_id" \
  " LEFT JOIN people owner ON owner.id = l.person_id" \
  " LEFT JOIN reviews r ON r.id = (SELECT max (o.id) FROM reviews o" \
  "                                WHERE o.annotation_id = a.id AND o.verdict IN (0, 1, 2))" \
  " LEFT JOIN rejection_reasons reason ON reason.id = r.reason_id" \
  " LEFT JOIN people reviewer ON reviewer.id = r.reviewer_id" \
  " WHERE a.layer_id = ?1 ORDER BY a.id"

static void
set_reader_error (BwExportCursor  *cursor,
                  int              rc,
                  GError         **error)
{
  g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_FAILED,
               _("Cannot read the project “%s”: %s"),
               bw_project_get_display_name (cursor->project),
               cursor->db ? sqlite3_errmsg (cursor->db) : sqlite3_errstr (rc));
}

void
_bw_export_cursor_free (BwExportCursor *cursor)
{
  if (cursor == NULL)
    return;

  g_clear_pointer (&cursor->images, sqlite3_finalize);
  g_clear_pointer (&cursor->annotations, sqlite3_finalize);
  if (cursor->in_transaction)
    sqlite3_exec (cursor->db, "COMMIT", NULL, NULL, NULL);
  g_clear_pointer (&cursor->db, sqlite3_close_v2);
  g_clear_object (&cursor->project);
  g_free (cursor);
}

/**
 * _bw_export_cursor_new:
 * @status: which images, by the status of their work
 *
 * Opens a read-only snapshot of the project for an export.
 */
BwExportCursor *
_bw_export_cursor_new (BwProject       *project,
                       BwExportStatus   status,
                       GError         **error)
{
  g_autoptr(BwExportCursor) cursor = g_new0 (BwExportCursor, 1);
  int rc;

  g_return_val_if_fail (BW_IS_PROJECT (project), NULL);

  cursor->project = g_object_ref (project);
  cursor->status = status;
  cursor->db = _bw_project_open_reader (project, error);
  if (cursor->db == NULL)
    return NULL;

  rc = sqlite3_exec (cursor->db, "BEGIN", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      set_reader_error (cursor, rc, error);
      return NULL;
    }
  cursor->in_transaction = TRUE;

  rc = sqlite3_prepare_v2 (cursor->db, FINAL_IMAGES_SQL, -1, &cursor->images, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (cursor->db, LAYER_ANNOTATIONS_SQL, -1, &cursor->annotations, NULL);
  if (rc != SQLITE_OK)
    {
      set_reader_error (cursor, rc, error);
      return NULL;
    }

  bind_status (cursor->images, status);
  return g_steal_pointer (&cursor);
}

/**
 * _bw_export_cursor_count_left_out:
 * @exported: the images the cursor gives
 * @out_left_out: (out): images with work that the cursor's status leaves out
 *
 * Counts, in the same snapshot, the images an export of all work would
 * take and the cursor does not, so that an export can say what it left out.
 */
gboolean
_bw_export_cursor_count_left_out (BwExportCursor  *cursor,
                                  guint64          exported,
                                  guint64         *out_left_out,
                                  GError         **error)
{
  sqlite3_stmt *stmt = NULL;
  gint64 all = 0;
  int rc;

  *out_left_out = 0;
  /* The gold answers are a set of their own, not a part of the work. */
  if (cursor->status == BW_EXPORT_STATUS_ALL || cursor->status == BW_EXPORT_STATUS_GOLD ||
      cursor->status == BW_EXPORT_STATUS_REFERENCE)
    return TRUE;

  rc = sqlite3_prepare_v2 (cursor->db, COUNT_FINAL_IMAGES_SQL, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      bind_status (stmt, BW_EXPORT_STATUS_ALL);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        all = sqlite3_column_int64 (stmt, 0);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW)
    {
      set_reader_error (cursor, rc, error);
      return FALSE;
    }

  *out_left_out = (guint64) all > exported ? (guint64) all - exported : 0;
  return TRUE;
}

/**
 * _bw_export_cursor_read_reviews:
 *
 * Makes _bw_export_cursor_next_annotation() fill in the review fields of
 * each annotation: its layer's owner and its standing review.
 */
gboolean
_bw_export_cursor_read_reviews (BwExportCursor  *cursor,
                                GError         **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (cursor->db, LAYER_ANNOTATIONS_REVIEWED_SQL, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      set_reader_error (cursor, rc, error);
      return FALSE;
    }
  g_clear_pointer (&cursor->annotations, sqlite3_finalize);
  cursor->annotations = stmt;
  cursor->with_reviews = TRUE;
  return TRUE;
}

/**
 * _bw_export_cursor_rewind:
 *
 * Starts the images over from the first; the snapshot stays the same.
 */
gboolean
_bw_export_cursor_rewind (BwExportCursor  *cursor,
                          GError         **error)
{
  sqlite3_reset (cursor->images);
  sqlite3_reset (cursor->annotations);
  return TRUE;
}

/* TRUE on a row of @stmt; FALSE at its end (@error unset) or on a
 * failure (@error set). */
static gboolean
cursor_step (BwExportCursor  *cursor,
             sqlite3_stmt    *stmt,
             GError         **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW)
    return TRUE;
  if (rc != SQLITE_DONE)
    set_reader_error (cursor, rc, error);
  return FALSE;
}

/**
 * _bw_export_cursor_next_image:
 *
 * Returns: %TRUE with @image filled in, or %FALSE at the end (@error
 *   unset) or on a failure (@error set)
 */
gboolean
_bw_export_cursor_next_image (BwExportCursor  *cursor,
                              BwExportImage   *image,
                              GError         **error)
{
  if (!cursor_step (cursor, cursor->images, error))
    return FALSE;

  image->image_id = sqlite3_column_int64 (cursor->images, 0);
  image->path = (const char *) sqlite3_column_text (cursor->images, 1);
  image->width = sqlite3_column_int (cursor->images, 2);
  image->height = sqlite3_column_int (cursor->images, 3);
  image->layer_id = sqlite3_column_int64 (cursor->images, 4);
  if (image->path == NULL)
    image->path = "";
  return TRUE;
}

/**
 * _bw_export_cursor_select_layer:
 *
 * Makes _bw_export_cursor_next_annotation() read the annotations of
 * @layer_id, in id order.
 */
gboolean
_bw_export_cursor_select_layer (BwExportCursor  *cursor,
                                gint64           layer_id,
                                GError         **error)
{
  sqlite3_reset (cursor->annotations);
  sqlite3_bind_int64 (cursor->annotations, 1, layer_id);
  return TRUE;
}

gboolean
_bw_export_cursor_next_annotation (BwExportCursor      *cursor,
                                   BwExportAnnotation  *annotation,
                                   GError             **error)
{
  if (!cursor_step (cursor, cursor->annotations, error))
    return FALSE;

  annotation->id = sqlite3_column_int64 (cursor->annotations, 0);
  annotation->category_id = sqlite3_column_int64 (cursor->annotations, 1);
  annotation->kind = sqlite3_column_int (cursor->annotations, 2) == BW_SHAPE_POLYGON
                     ? BW_SHAPE_POLYGON : BW_SHAPE_BOX;
  annotation->bbox.x0 = sqlite3_column_double (cursor->annotations, 3);
  annotation->bbox.y0 = sqlite3_column_double (cursor->annotations, 4);
  annotation->bbox.x1 = sqlite3_column_double (cursor->annotations, 5);
  annotation->bbox.y1 = sqlite3_column_double (cursor->annotations, 6);
  annotation->parts = sqlite3_column_blob (cursor->annotations, 7);
  annotation->parts_size = (gsize) sqlite3_column_bytes (cursor->annotations, 7);

  if (!cursor->with_reviews)
    {
      annotation->annotator = annotation->reason = annotation->comment = annotation->reviewer = NULL;
      annotation->verdict = -1;
      annotation->guideline_version = 0;
      return TRUE;
    }

  annotation->annotator = (const char *) sqlite3_column_text (cursor->annotations, 8);
  annotation->verdict = sqlite3_column_type (cursor->annotations, 9) == SQLITE_NULL
                        ? -1 : sqlite3_column_int (cursor->annotations, 9);
  annotation->reason = (const char *) sqlite3_column_text (cursor->annotations, 10);
  annotation->comment = (const char *) sqlite3_column_text (cursor->annotations, 11);
  annotation->reviewer = (const char *) sqlite3_column_text (cursor->annotations, 12);
  annotation->guideline_version = sqlite3_column_int64 (cursor->annotations, 13);
  if (annotation->comment != NULL && *annotation->comment == '\0')
    annotation->comment = NULL;
  return TRUE;
}

/**
 * _bw_export_annotation_to_shape:
 *
 * Returns: (transfer full): the shape of @annotation, or %NULL when the
 *   stored geometry is damaged
 */
BwShape *
_bw_export_annotation_to_shape (const BwExportAnnotation  *annotation,
                                GError                   **error)
{
  /* A box too: its coordinates are checked as a polygon's are. */
  return bw_shape_deserialize (annotation->kind, &annotation->bbox,
                               annotation->parts, annotation->parts_size, error);
}

/* Import */

/* A person's work that a reviewer has started on, or accepted, is not
 * theirs to change any more: an import into it is refused, naming the
 * image and why. (Submitted work nobody has opened yet may still change,
 * as its annotator could recall it; returned work goes back to review.) */
static gboolean
check_open_to_import (BwProject  *project,
                      gint64      image_id,
                      gint64      person_id,
                      GError    **error)
{
  sqlite3_stmt *stmt;
  g_autofree char *path = NULL;
  g_autofree char *name = NULL;
  int rc, status = -1;

  stmt = _bw_project_prepare (project,
                              "SELECT a.status, i.path, p.name FROM assignments a"
                              " JOIN images i ON i.id = a.image_id JOIN people p ON p.id = a.person_id"
                              " WHERE a.image_id = ?1 AND a.person_id = ?2 AND a.task = 0", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, image_id);
  sqlite3_bind_int64 (stmt, 2, person_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      status = sqlite3_column_int (stmt, 0);
      path = _bw_column_dup_text (stmt, 1);
      name = _bw_column_dup_text (stmt, 2);
      rc = SQLITE_DONE;
    }
  if (!_bw_project_finish_rows (project, stmt, rc, error))
    return FALSE;

  if (status == BW_ASSIGNMENT_IN_REVIEW)
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                   _("The image “%s” is in review: %s’s work on it cannot be changed by an import "
                     "until the reviewer returns it. Leave the image out of the file, or import it "
                     "as someone else."), path, name);
      return FALSE;
    }
  if (status == BW_ASSIGNMENT_ACCEPTED)
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                   _("The image “%s” was accepted: %s’s work on it is the image’s answer and "
                     "cannot be changed by an import. Leave the image out of the file, or import "
                     "it as someone else."), path, name);
      return FALSE;
    }
  return TRUE;
}

/**
 * _bw_project_find_import_layer:
 * @out_layer_id: (out): the layer _bw_project_import_layer() would use,
 *   or 0 when it would make one
 *
 * The look-up of _bw_project_import_layer(), writing nothing.
 */
gboolean
_bw_project_find_import_layer (BwProject    *project,
                               gint64        image_id,
                               gint64        person_id,
                               BwLayerKind   kind,
                               gint64       *out_layer_id,
                               GError      **error)
{
  BW_PROJECT_LOCK (project);
  sqlite3_stmt *stmt;
  int rc;

  *out_layer_id = 0;
  stmt = _bw_project_prepare (project,
                              "SELECT id FROM layers INDEXED BY layers_by_image"
                              " WHERE image_id = ?1 AND person_id IS ?2 AND kind = ?3"
                              " ORDER BY id DESC LIMIT 1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, image_id);
  if (person_id > 0)
    sqlite3_bind_int64 (stmt, 2, person_id);
  else
    sqlite3_bind_null (stmt, 2);
  sqlite3_bind_int (stmt, 3, kind);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *out_layer_id = sqlite3_column_int64 (stmt, 0);
      sqlite3_reset (stmt);
      return TRUE;
    }
  return _bw_project_finish_rows (project, stmt, rc, error);
}

/**
 * _bw_project_import_layer:
 * @person_id: the person, or 0 for none
 * @out_created: (out) (optional): whether the layer is new
 *
 * Finds the newest layer of @person_id and @kind on an image, or creates
 * it. Unlike a lookup through the person index, this stays one index
 * probe per image when every layer has the same person (or none), which
 * is what an import of 100,000 images does. A new work layer starts the
 * image's work, as the first drawn shape does. A person's existing work
 * layer is refused when it is in review or accepted.
 */
gboolean
_bw_project_import_layer (BwProject    *project,
                          gint64        image_id,
                          gint64        person_id,
                          BwLayerKind   kind,
                          gint64       *out_layer_id,
                          gboolean     *out_created,
                          GError      **error)
{
  BW_PROJECT_LOCK (project);
  sqlite3_stmt *stmt;
  gint64 now;
  int rc;

  stmt = _bw_project_prepare (project,
                              "SELECT id FROM layers INDEXED BY layers_by_image"
                              " WHERE image_id = ?1 AND person_id IS ?2 AND kind = ?3"
                              " ORDER BY id DESC LIMIT 1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, image_id);
  if (person_id > 0)
    sqlite3_bind_int64 (stmt, 2, person_id);
  else
    sqlite3_bind_null (stmt, 2);
  sqlite3_bind_int (stmt, 3, kind);
  rc = sqlite3_step (stmt);
  if (out_created != NULL)
    *out_created = rc != SQLITE_ROW;
  if (rc == SQLITE_ROW)
    {
      *out_layer_id = sqlite3_column_int64 (stmt, 0);
      sqlite3_reset (stmt);
      return kind != BW_LAYER_KIND_WORK || person_id <= 0 ||
             check_open_to_import (project, image_id, person_id, error);
    }
  if (!_bw_project_finish_rows (project, stmt, rc, error))
    return FALSE;

  now = _bw_project_now ();
  stmt = _bw_project_prepare (project,
                              "INSERT INTO layers (image_id, person_id, kind, status, created_at, updated_at)"
                              " VALUES (?1, ?2, ?3, 0, ?4, ?4)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, image_id);
  if (person_id > 0)
    sqlite3_bind_int64 (stmt, 2, person_id);
  else
    sqlite3_bind_null (stmt, 2);
  sqlite3_bind_int (stmt, 3, kind);
  sqlite3_bind_int64 (stmt, 4, now);
  if (!_bw_project_step_done (project, stmt, error))
    return FALSE;
  *out_layer_id = sqlite3_last_insert_rowid (project->db);

  if (kind == BW_LAYER_KIND_WORK && person_id > 0)
    return _bw_project_note_edit (project, *out_layer_id, error);

  if (kind == BW_LAYER_KIND_WORK)
    {
      stmt = _bw_project_prepare (project, "UPDATE images SET status = 1 WHERE id = ?1 AND status = 0", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, image_id);
      if (!_bw_project_step_done (project, stmt, error))
        return FALSE;
    }

  return TRUE;
}

/**
 * _bw_project_import_annotation:
 * @shape: a valid shape (the caller validates it)
 *
 * Adds an imported annotation: the same row as bw_project_add_annotation()
 * writes, without its per-shape bookkeeping, which
 * _bw_project_import_layer() did once for the layer.
 */
gboolean
_bw_project_import_annotation (BwProject      *project,
                               gint64          layer_id,
                               gint64          category_id,
                               const BwShape  *shape,
                               BwSource        source,
                               double          score,
                               GError        **error)
{
  BW_PROJECT_LOCK (project);
  g_autoptr(GBytes) parts = NULL;
  sqlite3_stmt *stmt;
  gint64 now;
  int rc;

  stmt = _bw_project_prepare (project,
                              "INSERT INTO annotations (layer_id, category_id, kind, x0, y0, x1, y1,"
                              " parts, area, source, score, created_at, updated_at, guideline_version)"
                              " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12,"
                              "  " BW_PROJECT_SQL_GUIDELINE_VERSION ")", error);
  if (stmt == NULL)
    return FALSE;

  now = _bw_project_now ();
  parts = shape->kind == BW_SHAPE_POLYGON ? bw_shape_serialize_parts (shape) : NULL;
  sqlite3_bind_int64 (stmt, 1, layer_id);
  sqlite3_bind_int64 (stmt, 2, category_id);
  sqlite3_bind_int (stmt, 3, shape->kind);
  sqlite3_bind_double (stmt, 4, shape->bbox.x0);
  sqlite3_bind_double (stmt, 5, shape->bbox.y0);
  sqlite3_bind_double (stmt, 6, shape->bbox.x1);
  sqlite3_bind_double (stmt, 7, shape->bbox.y1);
  if (parts != NULL)
    sqlite3_bind_blob (stmt, 8, g_bytes_get_data (parts, NULL), g_bytes_get_size (parts), SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, 8);
  sqlite3_bind_double (stmt, 9, bw_shape_area (shape));
  sqlite3_bind_int (stmt, 10, source);
  sqlite3_bind_double (stmt, 11, score);
  sqlite3_bind_int64 (stmt, 12, now);

  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  if ((rc & 0xff) == SQLITE_CONSTRAINT)
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                   _("The annotation refers to a category or layer that is not in the project “%s”."),
                   bw_project_get_display_name (project));
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    {
      _bw_project_set_error (project, rc, error);
      return FALSE;
    }
  return TRUE;
}

/**
 * _bw_project_import_done:
 *
 * Tells the views that an import changed categories and annotations:
 * once, rather than once per row. (Added images are told of by the
 * commit itself.)
 */
void
_bw_project_import_done (BwProject *project)
{
  _bw_project_emit_changed (project, BW_PROJECT_SIGNAL_CATEGORIES_CHANGED);
  _bw_project_emit_changed (project, BW_PROJECT_SIGNAL_ANNOTATIONS_CHANGED);
}
