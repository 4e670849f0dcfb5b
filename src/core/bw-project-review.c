/* bw-project-review.c — assignments, reviews, rejection reasons, work
 * time and random audits
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An assignment is one person's work on one image, as annotator or as
 * reviewer. The annotator's assignment moves
 *
 *   new → in progress → submitted → in review → accepted
 *                          ↑ recall      ↓ return
 *                          └──── returned → in progress (first edit)
 *
 * and the image's status (what the image list filters on) is derived
 * from the annotate assignments of the image, its gold mark and its
 * excluded mark. It is stored in images.status and brought up to date in
 * the same transaction as every change of an assignment, rather than
 * computed when the list is read: the list filter over 100,000 images
 * then stays one lookup in images_by_status.
 *
 * Every statement here is plain SQL that PostgreSQL runs as well
 * (INSERT … ON CONFLICT, RETURNING, correlated subqueries).
 */

#define G_LOG_DOMAIN "bw-project"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "bw-project-private.h"

#define MAX_REASON_NAME_CHARS 256

/* The most one increment of work time may add: more is a clock jump or a
 * caller's mistake, not work. */
#define MAX_WORK_TIME_INCREMENT (24 * 3600.0)

/* Boxed types */

BwAssignment *
bw_assignment_copy (const BwAssignment *assignment)
{
  return g_memdup2 (assignment, sizeof *assignment);
}

void
bw_assignment_free (BwAssignment *assignment)
{
  g_free (assignment);
}

BwReview *
bw_review_copy (const BwReview *review)
{
  BwReview *copy = g_memdup2 (review, sizeof *review);

  copy->comment = g_strdup (review->comment);
  return copy;
}

void
bw_review_free (BwReview *review)
{
  if (review == NULL)
    return;
  g_free (review->comment);
  g_free (review);
}

BwRejectionReason *
bw_rejection_reason_copy (const BwRejectionReason *reason)
{
  BwRejectionReason *copy = g_memdup2 (reason, sizeof *reason);

  copy->name = g_strdup (reason->name);
  return copy;
}

void
bw_rejection_reason_free (BwRejectionReason *reason)
{
  if (reason == NULL)
    return;
  g_free (reason->name);
  g_free (reason);
}

BwReviewQueueItem *
bw_review_queue_item_copy (const BwReviewQueueItem *item)
{
  BwReviewQueueItem *copy = g_memdup2 (item, sizeof *item);

  copy->image_path = g_strdup (item->image_path);
  copy->annotator = g_strdup (item->annotator);
  return copy;
}

void
bw_review_queue_item_free (BwReviewQueueItem *item)
{
  if (item == NULL)
    return;
  g_free (item->image_path);
  g_free (item->annotator);
  g_free (item);
}

void
bw_review_stats_free (BwReviewStats *stats)
{
  if (stats == NULL)
    return;
  g_free (stats->name);
  g_clear_pointer (&stats->reasons, g_array_unref);
  g_free (stats);
}

void
bw_audit_figures_free (BwAuditFigures *figures)
{
  if (figures == NULL)
    return;
  g_free (figures->name);
  g_free (figures);
}

void
bw_audit_sample_free (BwAuditSample *sample)
{
  if (sample == NULL)
    return;
  g_free (sample->image_path);
  g_free (sample->annotator);
  g_free (sample);
}

G_DEFINE_BOXED_TYPE (BwAssignment, bw_assignment, bw_assignment_copy, bw_assignment_free)
G_DEFINE_BOXED_TYPE (BwReview, bw_review, bw_review_copy, bw_review_free)
G_DEFINE_BOXED_TYPE (BwRejectionReason, bw_rejection_reason, bw_rejection_reason_copy, bw_rejection_reason_free)
G_DEFINE_BOXED_TYPE (BwReviewQueueItem, bw_review_queue_item, bw_review_queue_item_copy, bw_review_queue_item_free)

/* Small helpers */

static void
bind_optional_id (sqlite3_stmt *stmt,
                  int           column,
                  gint64        id)
{
  if (id > 0)
    sqlite3_bind_int64 (stmt, column, id);
  else
    sqlite3_bind_null (stmt, column);
}

static gboolean
step_returning_id (BwProject     *self,
                   sqlite3_stmt  *stmt,
                   gint64        *out_id,
                   GError       **error)
{
  int rc = sqlite3_step (stmt);

  *out_id = 0;
  if (rc == SQLITE_ROW)
    {
      *out_id = sqlite3_column_int64 (stmt, 0);
      rc = sqlite3_step (stmt);
    }
  return _bw_project_finish_rows (self, stmt, rc, error);
}

/* Steps @stmt, which gives one row whose first column is a truth value
 * (SELECT EXISTS …), into @out. */
static gboolean
step_truth (BwProject     *self,
            sqlite3_stmt  *stmt,
            gboolean      *out,
            GError       **error)
{
  int rc = sqlite3_step (stmt);

  *out = FALSE;
  if (rc == SQLITE_ROW)
    {
      *out = sqlite3_column_int (stmt, 0) != 0;
      rc = SQLITE_DONE;
    }
  return _bw_project_finish_rows (self, stmt, rc, error);
}

static BwAssignment *
assignment_from_row (sqlite3_stmt *stmt)
{
  BwAssignment *a = g_new0 (BwAssignment, 1);

  a->id = sqlite3_column_int64 (stmt, 0);
  a->image_id = sqlite3_column_int64 (stmt, 1);
  a->person_id = sqlite3_column_int64 (stmt, 2);
  a->task = sqlite3_column_int (stmt, 3);
  a->status = CLAMP (sqlite3_column_int (stmt, 4), 0, BW_ASSIGNMENT_N_STATUS - 1);
  a->layer_id = sqlite3_column_int64 (stmt, 5);
  a->submissions = sqlite3_column_int (stmt, 6);
  a->created_at = sqlite3_column_int64 (stmt, 7);
  a->started_at = sqlite3_column_int64 (stmt, 8);
  a->submitted_at = sqlite3_column_int64 (stmt, 9);
  a->finished_at = sqlite3_column_int64 (stmt, 10);
  return a;
}

#define ASSIGNMENT_COLUMNS \
  "id, image_id, person_id, task, status, layer_id, submissions," \
  " created_at, started_at, submitted_at, finished_at"

/* The image's status */

/* The rank of each assignment status in an image's status: the highest
 * rank among its annotators wins (accepted over returned over in
 * progress over in review over submitted over new; skipped counts as
 * nothing).
 *
 * "+a.task": the image's few assignments are found through the
 * (image_id, person_id, task) index. Without the plus, SQLite may pick
 * assignments_by_status for "task = 0" instead and read every annotate
 * assignment of the project on each edit and submission (a generator of
 * 100,000 submissions spent nearly all its time here). The unary plus
 * only keeps the term from choosing an index, in PostgreSQL as well. */
#define IMAGE_RANK_SQL \
  "SELECT max (CASE a.status WHEN 4 THEN 6 WHEN 5 THEN 5 WHEN 1 THEN 4" \
  "                          WHEN 3 THEN 3 WHEN 2 THEN 2 ELSE 0 END)" \
  " FROM assignments a WHERE a.image_id = i.id AND +a.task = 0"

static BwImageStatus
status_of_rank (int rank)
{
  switch (rank)
    {
    case 6:  return BW_IMAGE_STATUS_ACCEPTED;
    case 5:  return BW_IMAGE_STATUS_RETURNED;
    case 4:  return BW_IMAGE_STATUS_IN_PROGRESS;
    case 3:  return BW_IMAGE_STATUS_IN_REVIEW;
    case 2:  return BW_IMAGE_STATUS_SUBMITTED;
    default: return BW_IMAGE_STATUS_NEW;
    }
}

/**
 * _bw_project_refresh_image_status:
 *
 * Derives the image's status again from its assignments and marks (an
 * excluded image stays excluded; a gold image shows as gold) and stores
 * it when it changed.
 */
gboolean
_bw_project_refresh_image_status (BwProject  *self,
                                  gint64      image_id,
                                  GError    **error)
{
  sqlite3_stmt *stmt;
  BwImageStatus current, derived;
  gboolean is_gold;
  int rc, rank;

  stmt = _bw_project_prepare (self,
                              "SELECT i.status, i.is_gold, (" IMAGE_RANK_SQL ")"
                              " FROM images i WHERE i.id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, image_id);
  rc = sqlite3_step (stmt);
  current = sqlite3_column_int (stmt, 0);
  is_gold = sqlite3_column_int (stmt, 1) != 0;
  rank = sqlite3_column_int (stmt, 2);
  sqlite3_reset (stmt);
  if (!_bw_project_check_row (self, rc, BW_PROJECT_ITEM_IMAGE, image_id, error))
    return FALSE;

  if (current == BW_IMAGE_STATUS_EXCLUDED)
    return TRUE;
  derived = is_gold ? BW_IMAGE_STATUS_GOLD : status_of_rank (rank);
  if (derived == current)
    {
      /* A gold image shows each annotator their own work's status
       * (bw_project_get_image_status_for()), which has just changed. */
      if (is_gold)
        _bw_project_emit (self, BW_PROJECT_SIGNAL_IMAGE_CHANGED, image_id);
      return TRUE;
    }

  stmt = _bw_project_prepare (self, "UPDATE images SET status = ?2 WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, image_id);
  sqlite3_bind_int (stmt, 2, derived);
  if (!_bw_project_step_done (self, stmt, error))
    return FALSE;

  _bw_project_emit (self, BW_PROJECT_SIGNAL_IMAGE_CHANGED, image_id);
  return TRUE;
}

/* Assignments */

static gboolean
find_assignment (BwProject     *self,
                 gint64         image_id,
                 gint64         person_id,
                 BwTask         task,
                 BwAssignment **out,
                 GError       **error)
{
  sqlite3_stmt *stmt;
  int rc;

  *out = NULL;
  stmt = _bw_project_prepare (self,
                              "SELECT " ASSIGNMENT_COLUMNS " FROM assignments"
                              " WHERE image_id = ?1 AND person_id = ?2 AND task = ?3", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, image_id);
  sqlite3_bind_int64 (stmt, 2, person_id);
  sqlite3_bind_int (stmt, 3, task);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *out = assignment_from_row (stmt);
      rc = SQLITE_DONE;
    }
  return _bw_project_finish_rows (self, stmt, rc, error);
}

/* Creates or updates the assignment of @person_id on @image_id. The
 * times: started when first in progress or in review, submitted on every
 * submission, finished when accepted or returned (cleared otherwise). */
static gboolean
write_assignment (BwProject           *self,
                  gint64               image_id,
                  gint64               person_id,
                  BwTask               task,
                  BwAssignmentStatus   status,
                  gint64               layer_id,
                  int                  submissions,
                  GError             **error)
{
  sqlite3_stmt *stmt;
  gint64 now = _bw_project_now ();
  gboolean started = status != BW_ASSIGNMENT_NEW && status != BW_ASSIGNMENT_SKIPPED;
  gboolean submitted = status == BW_ASSIGNMENT_SUBMITTED;
  gboolean finished = status == BW_ASSIGNMENT_ACCEPTED || status == BW_ASSIGNMENT_RETURNED;

  stmt = _bw_project_prepare (self,
                              "INSERT INTO assignments (image_id, person_id, task, status, layer_id,"
                              " submissions, created_at, started_at, submitted_at, finished_at)"
                              " VALUES (?1, ?2, ?3, ?4, ?5, COALESCE (?6, 0), ?7, ?8, ?9, ?10)"
                              " ON CONFLICT (image_id, person_id, task) DO UPDATE SET"
                              "  status = excluded.status,"
                              "  layer_id = COALESCE (excluded.layer_id, assignments.layer_id),"
                              "  submissions = COALESCE (?6, assignments.submissions),"
                              "  started_at = COALESCE (assignments.started_at, excluded.started_at),"
                              "  submitted_at = COALESCE (excluded.submitted_at, assignments.submitted_at),"
                              "  finished_at = excluded.finished_at", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_clear_bindings (stmt);
  sqlite3_bind_int64 (stmt, 1, image_id);
  sqlite3_bind_int64 (stmt, 2, person_id);
  sqlite3_bind_int (stmt, 3, task);
  sqlite3_bind_int (stmt, 4, status);
  bind_optional_id (stmt, 5, layer_id);
  if (submissions >= 0)
    sqlite3_bind_int (stmt, 6, submissions);
  sqlite3_bind_int64 (stmt, 7, now);
  if (started)
    sqlite3_bind_int64 (stmt, 8, now);
  if (submitted)
    sqlite3_bind_int64 (stmt, 9, now);
  if (finished)
    sqlite3_bind_int64 (stmt, 10, now);
  return _bw_project_step_done (self, stmt, error);
}

/**
 * _bw_project_note_edit:
 *
 * Called by every edit of a layer's annotations: the first edit of a
 * work layer starts its annotator's assignment, and the first edit of a
 * returned one puts it back in progress; the image's status follows.
 * Most edits change nothing here, and this costs them one statement.
 */
gboolean
_bw_project_note_edit (BwProject  *self,
                       gint64      layer_id,
                       GError    **error)
{
  sqlite3_stmt *stmt;
  gint64 now = _bw_project_now ();
  gint64 image_id;

  stmt = _bw_project_prepare (self,
                              "INSERT INTO assignments (image_id, person_id, task, status, layer_id,"
                              " created_at, started_at)"
                              " SELECT image_id, person_id, 0, 1, id, ?2, ?2 FROM layers"
                              " WHERE id = ?1 AND kind = 0 AND person_id IS NOT NULL"
                              " ON CONFLICT (image_id, person_id, task) DO UPDATE SET"
                              "  status = 1, layer_id = excluded.layer_id, finished_at = NULL,"
                              "  started_at = COALESCE (assignments.started_at, excluded.started_at)"
                              " WHERE assignments.status IN (0, 5, 6)"
                              " RETURNING image_id", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, layer_id);
  sqlite3_bind_int64 (stmt, 2, now);
  if (!step_returning_id (self, stmt, &image_id, error))
    return FALSE;
  if (image_id == 0)
    return TRUE;

  stmt = _bw_project_prepare (self, "UPDATE layers SET status = 0, updated_at = ?2"
                                    " WHERE id = ?1 AND status = 3", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, layer_id);
  sqlite3_bind_int64 (stmt, 2, now);
  if (!_bw_project_step_done (self, stmt, error))
    return FALSE;

  _bw_project_emit (self, BW_PROJECT_SIGNAL_LAYER_CHANGED, layer_id);
  return _bw_project_refresh_image_status (self, image_id, error);
}

static BwAssignmentStatus
assignment_status_for_layer (BwLayerStatus status)
{
  switch (status)
    {
    case BW_LAYER_STATUS_SUBMITTED: return BW_ASSIGNMENT_SUBMITTED;
    case BW_LAYER_STATUS_ACCEPTED:  return BW_ASSIGNMENT_ACCEPTED;
    case BW_LAYER_STATUS_REJECTED:  return BW_ASSIGNMENT_RETURNED;
    default:                        return BW_ASSIGNMENT_IN_PROGRESS;
    }
}

/**
 * _bw_project_sync_assignment:
 *
 * After a layer's status was set by hand: its annotator's assignment and
 * the image's status to match.
 */
gboolean
_bw_project_sync_assignment (BwProject      *self,
                             const BwLayer  *layer,
                             BwLayerStatus   status,
                             GError        **error)
{
  g_autoptr(BwAssignment) old = NULL;
  int submissions = -1;

  if (layer->kind != BW_LAYER_KIND_WORK || layer->person_id <= 0)
    return _bw_project_refresh_image_status (self, layer->image_id, error);

  if (!find_assignment (self, layer->image_id, layer->person_id, BW_TASK_ANNOTATE, &old, error))
    return FALSE;
  if (status != BW_LAYER_STATUS_IN_PROGRESS && (old == NULL || old->submissions == 0))
    submissions = 1;

  if (!write_assignment (self, layer->image_id, layer->person_id, BW_TASK_ANNOTATE,
                         assignment_status_for_layer (status), layer->id, submissions, error))
    return FALSE;

  _bw_project_emit (self, BW_PROJECT_SIGNAL_LAYER_CHANGED, layer->id);
  return _bw_project_refresh_image_status (self, layer->image_id, error);
}

/**
 * bw_project_get_assignment:
 *
 * Returns: (transfer full) (nullable): the assignment, or %NULL (without
 *   an error) when @person_id has none on the image for @task
 */
BwAssignment *
bw_project_get_assignment (BwProject  *self,
                           gint64      image_id,
                           gint64      person_id,
                           BwTask      task,
                           GError    **error)
{
  BW_PROJECT_LOCK (self);
  BwAssignment *assignment = NULL;

  g_return_val_if_fail (BW_IS_PROJECT (self), NULL);

  find_assignment (self, image_id, person_id, task, &assignment, error);
  return assignment;
}

/**
 * bw_project_list_assignments:
 *
 * Returns: (transfer full) (element-type BwAssignment): the assignments
 *   of an image, oldest first
 */
GPtrArray *
bw_project_list_assignments (BwProject  *self,
                             gint64      image_id,
                             GError    **error)
{
  BW_PROJECT_LOCK (self);
  g_autoptr(GPtrArray) list = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (BW_IS_PROJECT (self), NULL);

  stmt = _bw_project_prepare (self, "SELECT " ASSIGNMENT_COLUMNS " FROM assignments"
                                    " WHERE image_id = ?1 ORDER BY id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, image_id);

  list = g_ptr_array_new_with_free_func ((GDestroyNotify) bw_assignment_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, assignment_from_row (stmt));
  if (!_bw_project_finish_rows (self, stmt, rc, error))
    return NULL;
  return g_steal_pointer (&list);
}

/**
 * bw_project_skip_image:
 *
 * @person_id will not annotate this image (unclear, out of scope for
 * them); others still may. Work already submitted cannot be skipped.
 */
gboolean
bw_project_skip_image (BwProject  *self,
                       gint64      image_id,
                       gint64      person_id,
                       GError    **error)
{
  g_autoptr(BwAssignment) old = NULL;

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (person_id > 0, FALSE);

  if (!bw_project_begin (self, error))
    return FALSE;

  if (!find_assignment (self, image_id, person_id, BW_TASK_ANNOTATE, &old, error))
    goto failed;
  if (old != NULL && old->status != BW_ASSIGNMENT_NEW && old->status != BW_ASSIGNMENT_IN_PROGRESS &&
      old->status != BW_ASSIGNMENT_SKIPPED)
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                   _("The image %" PRId64 " of “%s” was already submitted; it cannot be skipped."),
                   image_id, self->display_name);
      goto failed;
    }

  if (!write_assignment (self, image_id, person_id, BW_TASK_ANNOTATE, BW_ASSIGNMENT_SKIPPED,
                         0, -1, error) ||
      !_bw_project_refresh_image_status (self, image_id, error))
    goto failed;

  return bw_project_commit (self, error);

failed:
  bw_project_rollback (self);
  return FALSE;
}

static gboolean
append_ids (BwProject     *self,
            sqlite3_stmt  *stmt,
            GArray        *ids,
            GError       **error)
{
  g_autoptr(GArray) part = _bw_project_collect_ids (self, stmt, error);

  if (part == NULL)
    return FALSE;
  g_array_append_vals (ids, part->data, part->len);
  return TRUE;
}

/**
 * bw_project_list_work_queue:
 * @person_id: the annotator
 *
 * What @person_id should annotate, in order: the images of their
 * calibration rounds not handed in yet (oldest round first), then their
 * returned images (longest returned first), then their images in
 * progress, then new
 * images nobody has started, in import order, with gold images mixed in
 * at the honeypot rate (bw_project_get_honeypot_rate()). Excluded images
 * are not in it, nor gold images but for those honeypots.
 *
 * Returns: (transfer full) (element-type gint64): image ids
 */
GArray *
bw_project_list_work_queue (BwProject  *self,
                            gint64      person_id,
                            GError    **error)
{
  BW_PROJECT_LOCK (self);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) fresh = g_array_new (FALSE, FALSE, sizeof (gint64));
  /* A gold image the person has started is one of their honeypots. */
  g_autoptr(GArray) all = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  /* A calibration round's images come first, in the round's order
   * (bw-project-calibration.c), and are nobody else's fresh work. */
  static const char *queries[] = {
    "SELECT a.image_id FROM calibration_people p"
    " JOIN calibration_images c ON c.round_id = p.round_id"
    " JOIN assignments a ON a.image_id = c.image_id AND a.person_id = p.person_id AND a.task = 0"
    " JOIN images i ON i.id = c.image_id"
    " WHERE p.person_id = ?1 AND a.status IN (0, 1) AND i.status <> 5"
    " ORDER BY c.round_id, c.position",
    "SELECT a.image_id FROM assignments a JOIN images i ON i.id = a.image_id"
    " WHERE a.person_id = ?1 AND a.task = 0 AND a.status = 5 AND i.status <> 5"
    " ORDER BY a.finished_at, a.image_id",
    "SELECT a.image_id FROM assignments a JOIN images i ON i.id = a.image_id"
    " WHERE a.person_id = ?1 AND a.task = 0 AND a.status IN (0, 1) AND i.status <> 5"
    " ORDER BY a.image_id",
    "SELECT i.id FROM images i WHERE i.status = 0 AND NOT EXISTS"
    " (SELECT 1 FROM assignments a WHERE a.image_id = i.id AND a.person_id = ?1 AND a.task = 0)"
    " AND NOT EXISTS (SELECT 1 FROM calibration_images c WHERE c.image_id = i.id)"
    " ORDER BY i.id",
  };

  g_return_val_if_fail (BW_IS_PROJECT (self), NULL);

  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      sqlite3_stmt *stmt = _bw_project_prepare (self, queries[i], error);

      if (stmt == NULL)
        return NULL;
      sqlite3_bind_int64 (stmt, 1, person_id);
      if (!append_ids (self, stmt, i + 1 < G_N_ELEMENTS (queries) ? all : fresh, error))
        return NULL;
    }
  /* A round's image is also an assignment not finished: once is enough. */
  for (guint i = 0; i < all->len; i++)
    {
      gint64 *id = &g_array_index (all, gint64, i);

      if (g_hash_table_contains (seen, id))
        continue;
      g_hash_table_add (seen, id);
      g_array_append_val (ids, *id);
    }

  if (!_bw_project_mix_honeypots (self, person_id, fresh, error))
    return NULL;
  g_array_append_vals (ids, fresh->data, fresh->len);
  return g_steal_pointer (&ids);
}

/* Random audits */

/**
 * bw_audit_draw:
 *
 * The point in [0, 1) that decides whether a submission is sampled: it
 * is sampled when the point is below the audit rate. A pure function of
 * its arguments (SHA-256 of the three numbers, little-endian, its first
 * 53 bits), so an audit is reproducible from the seed and the ids, and a
 * higher rate samples a superset of what a lower one did.
 */
double
bw_audit_draw (guint64 seed,
               gint64  layer_id,
               int     submission)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint64 le_seed = GUINT64_TO_LE (seed);
  guint64 le_layer = GUINT64_TO_LE ((guint64) layer_id);
  guint32 le_submission = GUINT32_TO_LE ((guint32) submission);
  guint8 digest[32];
  gsize len = sizeof digest;
  guint64 bits = 0;

  g_checksum_update (checksum, (const guchar *) &le_seed, sizeof le_seed);
  g_checksum_update (checksum, (const guchar *) &le_layer, sizeof le_layer);
  g_checksum_update (checksum, (const guchar *) &le_submission, sizeof le_submission);
  g_checksum_get_digest (checksum, digest, &len);

  for (int i = 0; i < 8; i++)
    bits = (bits << 8) | digest[i];
  return (double) (bits >> 11) / (double) (G_GUINT64_CONSTANT (1) << 53);
}

/**
 * bw_project_get_audit_settings:
 *
 * Without a rate set (@settings->enabled %FALSE), every submission goes
 * to the review queue.
 */
gboolean
bw_project_get_audit_settings (BwProject        *self,
                               BwAuditSettings  *settings,
                               GError          **error)
{
  g_autofree char *rate = NULL;
  g_autofree char *seed = NULL;
  g_autofree char *policy = NULL;

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (settings != NULL, FALSE);

  memset (settings, 0, sizeof *settings);
  rate = bw_project_get_setting (self, "audit.rate");
  seed = bw_project_get_setting (self, "audit.seed");
  policy = bw_project_get_setting (self, "audit.policy");

  if (rate == NULL)
    return TRUE;

  settings->enabled = TRUE;
  settings->rate = CLAMP (g_ascii_strtod (rate, NULL), 0.0, 1.0);
  settings->seed = seed ? g_ascii_strtoull (seed, NULL, 10) : 0;
  settings->policy = g_strcmp0 (policy, "hold") == 0 ? BW_AUDIT_POLICY_HOLD : BW_AUDIT_POLICY_ACCEPT;
  return TRUE;
}

gboolean
bw_project_set_audit_settings (BwProject              *self,
                               const BwAuditSettings  *settings,
                               GError                **error)
{
  char rate[G_ASCII_DTOSTR_BUF_SIZE];
  g_autofree char *seed = NULL;

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (settings != NULL, FALSE);

  if (settings->enabled && !(settings->rate >= 0.0 && settings->rate <= 1.0))
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                   _("An audit rate is a share between 0 and 1 (0.1 samples 10 %% of submissions)."));
      return FALSE;
    }

  if (!bw_project_begin (self, error))
    return FALSE;

  if (!settings->enabled)
    {
      if (!bw_project_set_setting (self, "audit.rate", NULL, error) ||
          !bw_project_set_setting (self, "audit.seed", NULL, error) ||
          !bw_project_set_setting (self, "audit.policy", NULL, error))
        goto failed;
      return bw_project_commit (self, error);
    }

  g_ascii_dtostr (rate, sizeof rate, settings->rate);
  seed = g_strdup_printf ("%" G_GUINT64_FORMAT, settings->seed);
  if (!bw_project_set_setting (self, "audit.rate", rate, error) ||
      !bw_project_set_setting (self, "audit.seed", seed, error) ||
      !bw_project_set_setting (self, "audit.policy",
                               settings->policy == BW_AUDIT_POLICY_HOLD ? "hold" : "accept", error))
    goto failed;
  return bw_project_commit (self, error);

failed:
  bw_project_rollback (self);
  return FALSE;
}

/* Whether this submission of the layer is reviewed. A layer once sampled,
 * or once returned, is reviewed on every later submission: recalling and
 * resubmitting cannot dodge an audit, and a fix is always checked. */
static gboolean
draw_audit (BwProject              *self,
            const BwAuditSettings  *audit,
            gint64                  layer_id,
            int                     submission,
            gboolean               *out_sampled,
            GError                **error)
{
  sqlite3_stmt *stmt;
  double draw = bw_audit_draw (audit->seed, layer_id, submission);
  gboolean before = FALSE;

  stmt = _bw_project_prepare (self,
                              "SELECT EXISTS (SELECT 1 FROM audit_samples WHERE layer_id = ?1 AND sampled = 1)"
                              " OR EXISTS (SELECT 1 FROM reviews WHERE layer_id = ?1"
                              "            AND annotation_id IS NULL AND verdict = 1)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, layer_id);
  if (!step_truth (self, stmt, &before, error))
    return FALSE;

  *out_sampled = before || draw < audit->rate;

  stmt = _bw_project_prepare (self,
                              "INSERT INTO audit_samples (layer_id, submission, rate, seed, draw, sampled, created_at)"
                              " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
                              " ON CONFLICT (layer_id, submission) DO NOTHING", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, layer_id);
  sqlite3_bind_int (stmt, 2, submission);
  sqlite3_bind_double (stmt, 3, audit->rate);
  /* Stored as the same 64 bits, read back with a cast. */
  sqlite3_bind_int64 (stmt, 4, (gint64) audit->seed);
  sqlite3_bind_double (stmt, 5, draw);
  sqlite3_bind_int (stmt, 6, *out_sampled ? 1 : 0);
  sqlite3_bind_int64 (stmt, 7, _bw_project_now ());
  return _bw_project_step_done (self, stmt, error);
}

static gboolean
image_has_accepted_layer (BwProject  *self,
                          gint64      image_id,
                          gint64      except_layer,
                          gboolean   *out,
                          GError    **error)
{
  sqlite3_stmt *stmt;

  stmt = _bw_project_prepare (self,
                              "SELECT EXISTS (SELECT 1 FROM layers WHERE image_id = ?1 AND status = 2 AND id <> ?2)",
                              error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, image_id);
  sqlite3_bind_int64 (stmt, 2, except_layer);
  return step_truth (self, stmt, out, error);
}

/* Submitting */

/**
 * bw_project_submit_layer:
 *
 * An annotator hands in their answer, in one transaction: their
 * assignment counts one more submission and becomes submitted, and so do
 * the layer and (derived) the image. With a random audit set up, the
 * submission is drawn (see bw_audit_draw()): a sampled one goes to the
 * review queue; one that is not is accepted at once or held as
 * submitted, as the audit policy says. Submitting what is already
 * submitted changes nothing; work in review or accepted cannot be
 * submitted.
 */
gboolean
bw_project_submit_layer (BwProject  *self,
                         gint64      layer_id,
                         GError    **error)
{
  g_autoptr(BwLayer) layer = NULL;
  g_autoptr(BwAssignment) old = NULL;
  BwAuditSettings audit;
  BwAssignmentStatus status = BW_ASSIGNMENT_SUBMITTED;
  gboolean sampled = TRUE;
  int submission;

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);

  if (!bw_project_begin (self, error))
    return FALSE;

  if (!(layer = bw_project_get_layer (self, layer_id, error)))
    goto failed;

  if (layer->kind != BW_LAYER_KIND_WORK || layer->person_id <= 0)
    {
      /* No annotator to track: a gold layer, or work nobody signed. */
      if (!_bw_project_write_layer_status (self, layer_id, BW_LAYER_STATUS_SUBMITTED, error) ||
          (layer->kind == BW_LAYER_KIND_WORK &&
           !bw_project_set_image_status (self, layer->image_id, BW_IMAGE_STATUS_SUBMITTED, error)))
        goto failed;
      return bw_project_commit (self, error);
    }

  if (!find_assignment (self, layer->image_id, layer->person_id, BW_TASK_ANNOTATE, &old, error))
    goto failed;

  if (old != NULL && old->status == BW_ASSIGNMENT_SUBMITTED && layer->status == BW_LAYER_STATUS_SUBMITTED)
    return bw_project_commit (self, error);
  if (old != NULL && (old->status == BW_ASSIGNMENT_IN_REVIEW || old->status == BW_ASSIGNMENT_ACCEPTED))
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                   old->status == BW_ASSIGNMENT_IN_REVIEW
                   ? _("The image %" PRId64 " of “%s” is being reviewed; it cannot be submitted again until it is returned.")
                   : _("The image %" PRId64 " of “%s” was accepted; it cannot be submitted again."),
                   layer->image_id, self->display_name);
      goto failed;
    }
  if (!_bw_project_check_no_open_question (self, layer->image_id, layer->person_id, error))
    goto failed;

  submission = (old != NULL ? old->submissions : 0) + 1;

  if (!bw_project_get_audit_settings (self, &audit, error))
    goto failed;
  if (audit.enabled && !draw_audit (self, &audit, layer_id, submission, &sampled, error))
    goto failed;

  if (!sampled && audit.policy == BW_AUDIT_POLICY_ACCEPT)
    {
      gboolean taken;

      /* With several annotators on one image, the first accepted answer
       * stays the image's; the others are held. */
      if (!image_has_accepted_layer (self, layer->image_id, layer_id, &taken, error))
        goto failed;
      if (!taken)
        status = BW_ASSIGNMENT_ACCEPTED;
    }

  if (!_bw_project_write_layer_status (self, layer_id,
                                       status == BW_ASSIGNMENT_ACCEPTED ? BW_LAYER_STATUS_ACCEPTED
                                                                        : BW_LAYER_STATUS_SUBMITTED,
                                       error) ||
      !write_assignment (self, layer->image_id, layer->person_id, BW_TASK_ANNOTATE, status,
                         layer_id, submission, error) ||
      !_bw_project_refresh_image_status (self, layer->image_id, error))
    goto failed;

  _bw_project_emit (self, BW_PROJECT_SIGNAL_LAYER_CHANGED, layer_id);
  return bw_project_commit (self, error);

failed:
  bw_project_rollback (self);
  return FALSE;
}

/**
 * bw_project_recall_submission:
 *
 * The annotator takes back a submission that no reviewer has started
 * on: it is in progress again. (Its audit draw stays recorded; a sampled
 * layer is reviewed on its next submission too.)
 */
gboolean
bw_project_recall_submission (BwProject  *self,
                              gint64      layer_id,
                              GError    **error)
{
  g_autoptr(BwLayer) layer = NULL;
  g_autoptr(BwAssignment) old = NULL;

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);

  if (!bw_project_begin (self, error))
    return FALSE;

  if (!(layer = bw_project_get_layer (self, layer_id, error)))
    goto failed;
  if (layer->person_id > 0 &&
      !find_assignment (self, layer->image_id, layer->person_id, BW_TASK_ANNOTATE, &old, error))
    goto failed;

  if (layer->kind != BW_LAYER_KIND_WORK || old == NULL || old->status != BW_ASSIGNMENT_SUBMITTED ||
      layer->status != BW_LAYER_STATUS_SUBMITTED)
    {
      if (old != NULL && old->status == BW_ASSIGNMENT_IN_REVIEW)
        g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                     _("A reviewer has started on the image %" PRId64 " of “%s”; it can no longer be recalled."),
                     layer->image_id, self->display_name);
      else if (old != NULL && old->status == BW_ASSIGNMENT_ACCEPTED)
        g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                     _("The image %" PRId64 " of “%s” was accepted; it can no longer be recalled."),
                     layer->image_id, self->display_name);
      else
        g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                     _("The layer %" PRId64 " of “%s” is not submitted; there is nothing to recall."),
                     layer_id, self->display_name);
      goto failed;
    }

  if (!_bw_project_write_layer_status (self, layer_id, BW_LAYER_STATUS_IN_PROGRESS, error) ||
      !write_assignment (self, layer->image_id, layer->person_id, BW_TASK_ANNOTATE,
                         BW_ASSIGNMENT_IN_PROGRESS, layer_id, -1, error) ||
      !_bw_project_refresh_image_status (self, layer->image_id, error))
    goto failed;

  _bw_project_emit (self, BW_PROJECT_SIGNAL_LAYER_CHANGED, layer_id);
  return bw_project_commit (self, error);

failed:
  bw_project_rollback (self);
  return FALSE;
}

/* The review queue */

/**
 * bw_project_list_review_queue:
 * @annotator_id: only this annotator's work, or 0 for everyone's
 * @category_id: only layers with an annotation of this category, or 0
 *
 * The submitted layers waiting for a verdict (submitted, or in review),
 * oldest submission first: whose, when, how many shapes, and whether a
 * random audit sampled it. Submissions an audit did not sample follow
 * the audit policy and are not in the queue.
 *
 * Returns: (transfer full) (element-type BwReviewQueueItem): the queue
 */
GPtrArray *
bw_project_list_review_queue (BwProject  *self,
                              gint64      annotator_id,
                              gint64      category_id,
                              GError    **error)
{
  BW_PROJECT_LOCK (self);
  g_autoptr(GPtrArray) queue = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (BW_IS_PROJECT (self), NULL);

  stmt = _bw_project_prepare (self,
                              "SELECT a.layer_id, a.image_id, i.path, a.person_id, p.name, a.status,"
                              "  a.submitted_at, a.submissions,"
                              "  (SELECT count(*) FROM annotations n WHERE n.layer_id = a.layer_id),"
                              "  s.sampled"
                              " FROM assignments a"
                              " JOIN images i ON i.id = a.image_id"
                              " JOIN people p ON p.id = a.person_id"
                              " LEFT JOIN audit_samples s ON s.layer_id = a.layer_id AND s.submission = a.submissions"
                              " WHERE a.task = 0 AND a.status IN (2, 3) AND a.layer_id IS NOT NULL"
                              "  AND i.status <> 5"
                              "  AND (s.sampled IS NULL OR s.sampled = 1)"
                              "  AND (?1 = 0 OR a.person_id = ?1)"
                              "  AND (?2 = 0 OR EXISTS (SELECT 1 FROM annotations n"
                              "                         WHERE n.layer_id = a.layer_id AND n.category_id = ?2))"
                              " ORDER BY a.submitted_at, a.id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, annotator_id);
  sqlite3_bind_int64 (stmt, 2, category_id);

  queue = g_ptr_array_new_with_free_func ((GDestroyNotify) bw_review_queue_item_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      BwReviewQueueItem *item = g_new0 (BwReviewQueueItem, 1);

      item->layer_id = sqlite3_column_int64 (stmt, 0);
      item->image_id = sqlite3_column_int64 (stmt, 1);
      item->image_path = _bw_column_dup_text (stmt, 2);
      item->annotator_id = sqlite3_column_int64 (stmt, 3);
      item->annotator = _bw_column_dup_text (stmt, 4);
      item->status = sqlite3_column_int (stmt, 5);
      item->submitted_at = sqlite3_column_int64 (stmt, 6);
      item->submission = sqlite3_column_int (stmt, 7);
      item->n_annotations = (guint) sqlite3_column_int64 (stmt, 8);
      item->audited = sqlite3_column_int (stmt, 9) != 0;
      g_ptr_array_add (queue, item);
    }
  if (!_bw_project_finish_rows (self, stmt, rc, error))
    return NULL;
  return g_steal_pointer (&queue);
}

/* Reviewing */

static gboolean
check_reason (BwProject  *self,
              gint64      reason_id,
              GError    **error)
{
  sqlite3_stmt *stmt;
  int rc;

  if (reason_id == 0)
    return TRUE;

  stmt = _bw_project_prepare (self, "SELECT id FROM rejection_reasons WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, reason_id);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  return _bw_project_check_row (self, rc, BW_PROJECT_ITEM_REJECTION_REASON, reason_id, error);
}

/* Inside a transaction: the layer must be open for review (submitted work,
 * or a gold layer, which a second expert may review at any time). The
 * first verdict starts the review: the annotator's assignment is in
 * review, and so is the reviewer's. */
static BwLayer *
open_for_review (BwProject  *self,
                 gint64      layer_id,
                 gint64      reviewer_id,
                 int        *out_submission,
                 GError    **error)
{
  g_autoptr(BwLayer) layer = NULL;
  g_autoptr(BwAssignment) work = NULL;

  *out_submission = 0;

  if (!(layer = bw_project_get_layer (self, layer_id, error)))
    return NULL;

  if (layer->kind == BW_LAYER_KIND_GOLD)
    return g_steal_pointer (&layer);

  if (layer->kind != BW_LAYER_KIND_WORK || layer->status != BW_LAYER_STATUS_SUBMITTED)
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                   layer->kind == BW_LAYER_KIND_MODEL
                   ? _("The layer %" PRId64 " of “%s” holds a model’s predictions; they are not reviewed.")
                   : _("The layer %" PRId64 " of “%s” is not submitted; it can be reviewed once its annotator submits it."),
                   layer_id, self->display_name);
      return NULL;
    }

  if (layer->person_id <= 0)
    return g_steal_pointer (&layer);

  if (!find_assignment (self, layer->image_id, layer->person_id, BW_TASK_ANNOTATE, &work, error))
    return NULL;
  *out_submission = work != NULL ? work->submissions : 0;

  if (work == NULL || work->status == BW_ASSIGNMENT_SUBMITTED)
    {
      if (!write_assignment (self, layer->image_id, layer->person_id, BW_TASK_ANNOTATE,
                             BW_ASSIGNMENT_IN_REVIEW, layer_id, work == NULL ? 1 : -1, error) ||
          !_bw_project_refresh_image_status (self, layer->image_id, error))
        return NULL;
      if (work == NULL)
        *out_submission = 1;
    }

  if (reviewer_id > 0 &&
      !write_assignment (self, layer->image_id, reviewer_id, BW_TASK_REVIEW,
                         BW_ASSIGNMENT_IN_REVIEW, layer_id, -1, error))
    return NULL;

  return g_steal_pointer (&layer);
}

static gboolean
insert_review (BwProject   *self,
               gint64       layer_id,
               gint64       annotation_id,
               int          version,
               gint64       reviewer_id,
               BwVerdict    verdict,
               gint64       reason_id,
               const char  *comment,
               gboolean     has_point,
               double       x,
               double       y,
               int          submission,
               gint64      *out_id,
               GError     **error)
{
  sqlite3_stmt *stmt;

  if (comment != NULL && !g_utf8_validate (comment, -1, NULL))
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                   _("The comment is not valid text; retype it."));
      return FALSE;
    }
  if (!check_reason (self, reason_id, error))
    return FALSE;

  stmt = _bw_project_prepare (self,
                              "INSERT INTO reviews (layer_id, annotation_id, annotation_version, reviewer_id,"
                              " verdict, reason_id, comment, x, y, submission, created_at)"
                              " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) RETURNING id", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_clear_bindings (stmt);
  sqlite3_bind_int64 (stmt, 1, layer_id);
  if (annotation_id > 0)
    {
      sqlite3_bind_int64 (stmt, 2, annotation_id);
      sqlite3_bind_int (stmt, 3, version);
    }
  bind_optional_id (stmt, 4, reviewer_id);
  sqlite3_bind_int (stmt, 5, verdict);
  bind_optional_id (stmt, 6, reason_id);
  sqlite3_bind_text (stmt, 7, comment ? comment : "", -1, SQLITE_TRANSIENT);
  if (has_point)
    {
      sqlite3_bind_double (stmt, 8, x);
      sqlite3_bind_double (stmt, 9, y);
    }
  sqlite3_bind_int (stmt, 10, submission);
  sqlite3_bind_int64 (stmt, 11, _bw_project_now ());
  return step_returning_id (self, stmt, out_id, error);
}

/* The annotation-level verdicts share their opening and closing. */
static gboolean
finish_review (BwProject  *self,
               gint64      layer_id,
               gint64      review_id,
               gint64     *out_review_id,
               GError    **error)
{
  if (!bw_project_commit (self, error))
    return FALSE;
  if (out_review_id != NULL)
    *out_review_id = review_id;
  _bw_project_emit (self, BW_PROJECT_SIGNAL_LAYER_CHANGED, layer_id);
  return TRUE;
}

/**
 * bw_project_start_review:
 *
 * A reviewer opens a submitted layer: it leaves the annotator's reach (no
 * recall) and shows as in review. Any verdict does this too.
 */
gboolean
bw_project_start_review (BwProject  *self,
                         gint64      layer_id,
                         gint64      reviewer_id,
                         GError    **error)
{
  g_autoptr(BwLayer) layer = NULL;
  int submission;

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);

  if (!bw_project_begin (self, error))
    return FALSE;
  if (!(layer = open_for_review (self, layer_id, reviewer_id, &submission, error)))
    {
      bw_project_rollback (self);
      return FALSE;
    }
  return finish_review (self, layer_id, 0, NULL, error);
}

/**
 * bw_project_review_annotation:
 * @verdict: %BW_VERDICT_ACCEPT or %BW_VERDICT_REJECT
 * @reason_id: a rejection reason, or 0
 * @comment: (nullable): the reviewer's comment
 * @out_review_id: (out) (optional): the review, for undoing it with
 *   bw_project_withdraw_review()
 *
 * Judges the current version of an annotation of a submitted layer.
 */
gboolean
bw_project_review_annotation (BwProject   *self,
                              gint64       annotation_id,
                              gint64       reviewer_id,
                              BwVerdict    verdict,
                              gint64       reason_id,
                              const char  *comment,
                              gint64      *out_review_id,
                              GError     **error)
{
  g_autoptr(BwAnnotation) annotation = NULL;
  g_autoptr(BwLayer) layer = NULL;
  gint64 review_id;
  int submission;

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (verdict == BW_VERDICT_ACCEPT || verdict == BW_VERDICT_REJECT, FALSE);

  if (!bw_project_begin (self, error))
    return FALSE;

  if (!(annotation = bw_project_get_annotation (self, annotation_id, error)) ||
      !(layer = open_for_review (self, annotation->layer_id, reviewer_id, &submission, error)) ||
      !insert_review (self, annotation->layer_id, annotation_id, annotation->version, reviewer_id,
                      verdict, reason_id, comment, FALSE, 0, 0, submission, &review_id, error))
    {
      bw_project_rollback (self);
      return FALSE;
    }

  return finish_review (self, annotation->layer_id, review_id, out_review_id, error);
}

/**
 * bw_project_fix_annotation:
 * @shape: (nullable): the corrected shape, or %NULL to keep it
 * @category_id: the corrected category, or 0 to keep it
 *
 * The reviewer corrects an annotation themselves: a review "fixed" names
 * the version they judged, and the correction is a new version made by
 * the reviewer (its author_id), the annotator's kept.
 */
gboolean
bw_project_fix_annotation (BwProject      *self,
                           gint64          annotation_id,
                           gint64          reviewer_id,
                           const BwShape  *shape,
                           gint64          category_id,
                           gint64          reason_id,
                           const char     *comment,
                           gint64         *out_review_id,
                           GError        **error)
{
  g_autoptr(BwAnnotation) annotation = NULL;
  g_autoptr(BwLayer) layer = NULL;
  gint64 review_id;
  int submission;

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (reviewer_id > 0, FALSE);

  if (!bw_project_begin (self, error))
    return FALSE;

  if (!(annotation = bw_project_get_annotation (self, annotation_id, error)) ||
      !(layer = open_for_review (self, annotation->layer_id, reviewer_id, &submission, error)) ||
      !insert_review (self, annotation->layer_id, annotation_id, annotation->version, reviewer_id,
                      BW_VERDICT_FIXED, reason_id, comment, FALSE, 0, 0, submission, &review_id, error) ||
      !_bw_project_change_annotation (self, annotation_id, shape, category_id, reviewer_id, error))
    {
      bw_project_rollback (self);
      return FALSE;
    }

  return finish_review (self, annotation->layer_id, review_id, out_review_id, error);
}

/**
 * bw_project_add_pinned_comment:
 * @x: a point of the image, in image pixels
 * @y: a point of the image, in image pixels
 *
 * A comment pinned to a point of the image ("missed object here").
 */
gboolean
bw_project_add_pinned_comment (BwProject   *self,
                               gint64       layer_id,
                               gint64       reviewer_id,
                               double       x,
                               double       y,
                               gint64       reason_id,
                               const char  *comment,
                               gint64      *out_review_id,
                               GError     **error)
{
  g_autoptr(BwLayer) layer = NULL;
  gint64 review_id;
  int submission;

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);

  if (!isfinite (x) || !isfinite (y))
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                   _("A comment must be pinned to a point of the image."));
      return FALSE;
    }

  if (!bw_project_begin (self, error))
    return FALSE;

  if (!(layer = open_for_review (self, layer_id, reviewer_id, &submission, error)) ||
      !insert_review (self, layer_id, 0, 0, reviewer_id, BW_VERDICT_COMMENT, reason_id, comment,
                      TRUE, x, y, submission, &review_id, error))
    {
      bw_project_rollback (self);
      return FALSE;
    }

  return finish_review (self, layer_id, review_id, out_review_id, error);
}

/* The layer verdict: the annotator's assignment and the reviewer's end
 * as @status, the layer and the image follow. */
static gboolean
close_review (BwProject           *self,
              const BwLayer       *layer,
              gint64               reviewer_id,
              BwAssignmentStatus   status,
              GError             **error)
{
  BwLayerStatus layer_status = status == BW_ASSIGNMENT_ACCEPTED ? BW_LAYER_STATUS_ACCEPTED
                                                                : BW_LAYER_STATUS_REJECTED;

  if (!_bw_project_write_layer_status (self, layer->id, layer_status, error))
    return FALSE;
  if (layer->kind == BW_LAYER_KIND_WORK && layer->person_id > 0 &&
      !write_assignment (self, layer->image_id, layer->person_id, BW_TASK_ANNOTATE, status,
                         layer->id, -1, error))
    return FALSE;
  if (reviewer_id > 0 &&
      !write_assignment (self, layer->image_id, reviewer_id, BW_TASK_REVIEW, status, layer->id, -1, error))
    return FALSE;
  return _bw_project_refresh_image_status (self, layer->image_id, error);
}

/**
 * bw_project_accept_layer:
 * @comment: (nullable): a comment on the whole layer
 *
 * Makes the layer the image's accepted answer. Its annotations without a
 * verdict on their current version are accepted with it (reviews implied
 * by this one, withdrawn with it); a reviewer's own fixes are not judged.
 */
gboolean
bw_project_accept_layer (BwProject   *self,
                         gint64       layer_id,
                         gint64       reviewer_id,
                         const char  *comment,
                         gint64      *out_review_id,
                         GError     **error)
{
  g_autoptr(BwLayer) layer = NULL;
  sqlite3_stmt *stmt;
  gint64 review_id;
  int submission;

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);

  if (!bw_project_begin (self, error))
    return FALSE;

  if (!(layer = open_for_review (self, layer_id, reviewer_id, &submission, error)) ||
      !insert_review (self, layer_id, 0, 0, reviewer_id, BW_VERDICT_ACCEPT, 0, comment,
                      FALSE, 0, 0, submission, &review_id, error))
    goto failed;

  stmt = _bw_project_prepare (self,
                              "INSERT INTO reviews (layer_id, annotation_id, annotation_version, reviewer_id,"
                              " verdict, comment, submission, implied_by, created_at)"
                              " SELECT a.layer_id, a.id, a.version, ?2, 0, '', ?3, ?4, ?5"
                              " FROM annotations a WHERE a.layer_id = ?1 AND a.author_id IS NULL"
                              "  AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.annotation_id = a.id"
                              "                  AND r.annotation_version = a.version AND r.verdict IN (0, 1, 2))"
                              " ORDER BY a.id", error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_int64 (stmt, 1, layer_id);
  bind_optional_id (stmt, 2, reviewer_id);
  sqlite3_bind_int (stmt, 3, submission);
  sqlite3_bind_int64 (stmt, 4, review_id);
  sqlite3_bind_int64 (stmt, 5, _bw_project_now ());
  if (!_bw_project_step_done (self, stmt, error) ||
      !close_review (self, layer, reviewer_id, BW_ASSIGNMENT_ACCEPTED, error))
    goto failed;

  return finish_review (self, layer_id, review_id, out_review_id, error);

failed:
  bw_project_rollback (self);
  return FALSE;
}

/**
 * bw_project_return_layer:
 * @reason_id: a rejection reason for the whole layer, or 0
 * @comment: (nullable): what the annotator should do
 *
 * Sends the layer back to its annotator with its rejected annotations
 * and pinned comments; it shows as returned until they edit it.
 */
gboolean
bw_project_return_layer (BwProject   *self,
                         gint64       layer_id,
                         gint64       reviewer_id,
                         gint64       reason_id,
                         const char  *comment,
                         gint64      *out_review_id,
                         GError     **error)
{
  g_autoptr(BwLayer) layer = NULL;
  gint64 review_id;
  int submission;

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);

  if (!bw_project_begin (self, error))
    return FALSE;

  if (!(layer = open_for_review (self, layer_id, reviewer_id, &submission, error)) ||
      !insert_review (self, layer_id, 0, 0, reviewer_id, BW_VERDICT_REJECT, reason_id, comment,
                      FALSE, 0, 0, submission, &review_id, error) ||
      !close_review (self, layer, reviewer_id, BW_ASSIGNMENT_RETURNED, error))
    {
      bw_project_rollback (self);
      return FALSE;
    }

  return finish_review (self, layer_id, review_id, out_review_id, error);
}

#define REVIEW_COLUMNS \
  "id, layer_id, annotation_id, annotation_version, reviewer_id, verdict, reason_id, comment," \
  " x, y, submission, implied_by, created_at"

static BwReview *
review_from_row (sqlite3_stmt *stmt)
{
  BwReview *review = g_new0 (BwReview, 1);

  review->id = sqlite3_column_int64 (stmt, 0);
  review->layer_id = sqlite3_column_int64 (stmt, 1);
  review->annotation_id = sqlite3_column_int64 (stmt, 2);
  review->annotation_version = sqlite3_column_int (stmt, 3);
  review->reviewer_id = sqlite3_column_int64 (stmt, 4);
  review->verdict = sqlite3_column_int (stmt, 5);
  review->reason_id = sqlite3_column_int64 (stmt, 6);
  review->comment = _bw_column_dup_text (stmt, 7);
  review->has_point = sqlite3_column_type (stmt, 8) != SQLITE_NULL;
  review->x = sqlite3_column_double (stmt, 8);
  review->y = sqlite3_column_double (stmt, 9);
  review->submission = sqlite3_column_int (stmt, 10);
  review->implied_by = sqlite3_column_int64 (stmt, 11);
  review->created_at = sqlite3_column_int64 (stmt, 12);
  if (review->comment == NULL)
    review->comment = g_strdup ("");
  return review;
}

/**
 * bw_project_withdraw_review:
 *
 * Undoes a review. A fix is undone by making the version it replaced
 * current again (as a new version). A layer verdict is undone only while
 * its annotator has not started on the layer again: the layer is back in
 * review, and the annotations it accepted are undecided again.
 */
gboolean
bw_project_withdraw_review (BwProject  *self,
                            gint64      review_id,
                            GError    **error)
{
  g_autoptr(BwReview) review = NULL;
  g_autoptr(BwLayer) layer = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);

  if (!bw_project_begin (self, error))
    return FALSE;

  stmt = _bw_project_prepare (self, "SELECT " REVIEW_COLUMNS " FROM reviews WHERE id = ?1", error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_int64 (stmt, 1, review_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    review = review_from_row (stmt);
  sqlite3_reset (stmt);
  if (!_bw_project_check_row (self, rc, BW_PROJECT_ITEM_REVIEW, review_id, error))
    goto failed;
  if (!(layer = bw_project_get_layer (self, review->layer_id, error)))
    goto failed;

  if (review->annotation_id == 0 && review->verdict != BW_VERDICT_COMMENT)
    {
      BwLayerStatus expected = review->verdict == BW_VERDICT_ACCEPT ? BW_LAYER_STATUS_ACCEPTED
                                                                    : BW_LAYER_STATUS_REJECTED;

      if (layer->status != expected)
        {
          g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                       _("The verdict on the image %" PRId64 " of “%s” can no longer be undone: its annotator has worked on it since."),
                       layer->image_id, self->display_name);
          goto failed;
        }
      if (!_bw_project_write_layer_status (self, layer->id, BW_LAYER_STATUS_SUBMITTED, error) ||
          (layer->kind == BW_LAYER_KIND_WORK && layer->person_id > 0 &&
           !write_assignment (self, layer->image_id, layer->person_id, BW_TASK_ANNOTATE,
                              BW_ASSIGNMENT_IN_REVIEW, layer->id, -1, error)) ||
          (review->reviewer_id > 0 &&
           !write_assignment (self, layer->image_id, review->reviewer_id, BW_TASK_REVIEW,
                              BW_ASSIGNMENT_IN_REVIEW, layer->id, -1, error)) ||
          !_bw_project_refresh_image_status (self, layer->image_id, error))
        goto failed;
    }
  else if (review->verdict == BW_VERDICT_FIXED)
    {
      g_autoptr(BwAnnotation) judged = NULL;

      if (!(judged = bw_project_get_annotation_version (self, review->annotation_id,
                                                        review->annotation_version, error)) ||
          !_bw_project_change_annotation (self, review->annotation_id, judged->shape,
                                          judged->category_id, 0, error))
        goto failed;
      /* Back to the annotator's authorship when the judged version was. */
      stmt = _bw_project_prepare (self, "UPDATE annotations SET author_id = ?2 WHERE id = ?1", error);
      if (stmt == NULL)
        goto failed;
      sqlite3_bind_int64 (stmt, 1, review->annotation_id);
      bind_optional_id (stmt, 2, judged->author_id);
      if (!_bw_project_step_done (self, stmt, error))
        goto failed;
    }

  stmt = _bw_project_prepare (self, "DELETE FROM reviews WHERE id = ?1", error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_int64 (stmt, 1, review_id);
  if (!_bw_project_step_done (self, stmt, error))
    goto failed;

  return finish_review (self, layer->id, 0, NULL, error);

failed:
  bw_project_rollback (self);
  return FALSE;
}

/**
 * bw_project_list_reviews_for_layer:
 *
 * Every review of a layer over all its submissions, oldest first: the
 * verdicts on its annotations (each naming the version it judged), its
 * pinned comments and its layer verdicts.
 *
 * Returns: (transfer full) (element-type BwReview): the reviews
 */
GPtrArray *
bw_project_list_reviews_for_layer (BwProject  *self,
                                   gint64      layer_id,
                                   GError    **error)
{
  BW_PROJECT_LOCK (self);
  g_autoptr(GPtrArray) reviews = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (BW_IS_PROJECT (self), NULL);

  stmt = _bw_project_prepare (self, "SELECT " REVIEW_COLUMNS " FROM reviews WHERE layer_id = ?1 ORDER BY id",
                              error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, layer_id);

  reviews = g_ptr_array_new_with_free_func ((GDestroyNotify) bw_review_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (reviews, review_from_row (stmt));
  if (!_bw_project_finish_rows (self, stmt, rc, error))
    return NULL;
  return g_steal_pointer (&reviews);
}

/* Work time */

/**
 * bw_project_add_work_time:
 * @seconds: active seconds to add (at most a day at once)
 */
gboolean
bw_project_add_work_time (BwProject  *self,
                          gint64      image_id,
                          gint64      person_id,
                          BwTask      task,
                          double      seconds,
                          GError    **error)
{
  BW_PROJECT_LOCK (self);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (person_id > 0, FALSE);

  if (!(seconds >= 0.0 && seconds <= MAX_WORK_TIME_INCREMENT))
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                   _("%g s of work time cannot be added at once; add up to a day at a time."), seconds);
      return FALSE;
    }

  stmt = _bw_project_prepare (self,
                              "INSERT INTO work_time (image_id, person_id, task, seconds, updated_at)"
                              " VALUES (?1, ?2, ?3, ?4, ?5)"
                              " ON CONFLICT (image_id, person_id, task) DO UPDATE SET"
                              "  seconds = work_time.seconds + excluded.seconds,"
                              "  updated_at = excluded.updated_at", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, image_id);
  sqlite3_bind_int64 (stmt, 2, person_id);
  sqlite3_bind_int (stmt, 3, task);
  sqlite3_bind_double (stmt, 4, seconds);
  sqlite3_bind_int64 (stmt, 5, _bw_project_now ());
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if ((rc & 0xff) == SQLITE_CONSTRAINT)
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_NOT_FOUND,
                   _("The image %" PRId64 " or the person %" PRId64 " is not in the project “%s”."),
                   image_id, person_id, self->display_name);
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
 * bw_project_get_work_time:
 *
 * Returns: the active seconds @person_id spent on the image for @task
 */
double
bw_project_get_work_time (BwProject  *self,
                          gint64      image_id,
                          gint64      person_id,
                          BwTask      task)
{
  BW_PROJECT_LOCK (self);
  sqlite3_stmt *stmt;
  double seconds = 0;

  g_return_val_if_fail (BW_IS_PROJECT (self), 0);

  stmt = _bw_project_prepare (self, "SELECT seconds FROM work_time"
                                    " WHERE image_id = ?1 AND person_id = ?2 AND task = ?3", NULL);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, image_id);
  sqlite3_bind_int64 (stmt, 2, person_id);
  sqlite3_bind_int (stmt, 3, task);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    seconds = sqlite3_column_double (stmt, 0);
  sqlite3_reset (stmt);
  return seconds;
}

/* Statistics */

static BwReviewStats *
stats_for (GHashTable  *by_person,
           GPtrArray   *list,
           gint64       person_id)
{
  BwReviewStats *stats = g_hash_table_lookup (by_person, &person_id);

  if (stats == NULL)
    {
      stats = g_new0 (BwReviewStats, 1);
      stats->person_id = person_id;
      stats->reasons = g_array_new (FALSE, FALSE, sizeof (BwReasonCount));
      g_ptr_array_add (list, stats);
      g_hash_table_insert (by_person, &stats->person_id, stats);
    }
  return stats;
}

static int
compare_stats_by_name (gconstpointer a,
                       gconstpointer b)
{
  const BwReviewStats *x = *(BwReviewStats * const *) a;
  const BwReviewStats *y = *(BwReviewStats * const *) b;

  return g_utf8_collate (x->name ? x->name : "", y->name ? y->name : "");
}

/**
 * bw_project_list_review_stats:
 *
 * Per person who annotated or reviewed: submissions, layers accepted,
 * returns, first-pass acceptance (of the layers that got a layer
 * verdict, those whose first one was accept; work an audit let through
 * unreviewed is not counted), the rejection reasons given on their work
 * (annotation rejections, fixes, returns and pinned comments), most used
 * first, and their active time.
 *
 * Returns: (transfer full) (element-type BwReviewStats): by name
 */
GPtrArray *
bw_project_list_review_stats (BwProject  *self,
                              GError    **error)
{
  BW_PROJECT_LOCK (self);
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) bw_review_stats_free);
  g_autoptr(GHashTable) by_person = g_hash_table_new (g_int64_hash, g_int64_equal);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (BW_IS_PROJECT (self), NULL);

  /* Everyone with an assignment or work time, with their counts. */
  stmt = _bw_project_prepare (self,
                              "SELECT p.id, p.name,"
                              "  (SELECT COALESCE (sum (a.submissions), 0) FROM assignments a"
                              "   WHERE a.person_id = p.id AND a.task = 0),"
                              "  (SELECT count(*) FROM assignments a"
                              "   WHERE a.person_id = p.id AND a.task = 0 AND a.status = 4)"
                              " FROM people p"
                              " WHERE EXISTS (SELECT 1 FROM assignments a WHERE a.person_id = p.id)"
                              "  OR EXISTS (SELECT 1 FROM work_time w WHERE w.person_id = p.id)", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      BwReviewStats *stats = stats_for (by_person, list, sqlite3_column_int64 (stmt, 0));

      stats->name = _bw_column_dup_text (stmt, 1);
      stats->submissions = sqlite3_column_int64 (stmt, 2);
      stats->accepted = sqlite3_column_int64 (stmt, 3);
    }
  if (!_bw_project_finish_rows (self, stmt, rc, error))
    return NULL;

  stmt = _bw_project_prepare (self,
                              "SELECT l.person_id, sum (CASE WHEN r.verdict = 1 THEN 1 ELSE 0 END),"
                              "  count (DISTINCT r.layer_id)"
                              " FROM reviews r JOIN layers l ON l.id = r.layer_id"
                              " WHERE r.annotation_id IS NULL AND r.verdict IN (0, 1) AND l.person_id IS NOT NULL"
                              " GROUP BY l.person_id", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      BwReviewStats *stats = g_hash_table_lookup (by_person, &(gint64) { sqlite3_column_int64 (stmt, 0) });

      if (stats == NULL)
        continue;
      stats->returned = sqlite3_column_int64 (stmt, 1);
      stats->first_reviewed = sqlite3_column_int64 (stmt, 2);
    }
  if (!_bw_project_finish_rows (self, stmt, rc, error))
    return NULL;

  stmt = _bw_project_prepare (self,
                              "SELECT l.person_id, count(*)"
                              " FROM reviews r JOIN layers l ON l.id = r.layer_id"
                              " WHERE r.annotation_id IS NULL AND r.verdict = 0 AND l.person_id IS NOT NULL"
                              "  AND r.id = (SELECT min (f.id) FROM reviews f WHERE f.layer_id = r.layer_id"
                              "              AND f.annotation_id IS NULL AND f.verdict IN (0, 1))"
                              " GROUP BY l.person_id", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      BwReviewStats *stats = g_hash_table_lookup (by_person, &(gint64) { sqlite3_column_int64 (stmt, 0) });

      if (stats != NULL)
        stats->first_pass_accepted = sqlite3_column_int64 (stmt, 1);
    }
  if (!_bw_project_finish_rows (self, stmt, rc, error))
    return NULL;

  stmt = _bw_project_prepare (self,
                              "SELECT l.person_id, r.reason_id, count(*) AS n"
                              " FROM reviews r JOIN layers l ON l.id = r.layer_id"
                              " WHERE r.reason_id IS NOT NULL AND l.person_id IS NOT NULL"
                              " GROUP BY l.person_id, r.reason_id"
                              " ORDER BY l.person_id, n DESC, r.reason_id", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      BwReviewStats *stats = g_hash_table_lookup (by_person, &(gint64) { sqlite3_column_int64 (stmt, 0) });
      BwReasonCount count = { sqlite3_column_int64 (stmt, 1), sqlite3_column_int64 (stmt, 2) };

      if (stats != NULL)
        g_array_append_val (stats->reasons, count);
    }
  if (!_bw_project_finish_rows (self, stmt, rc, error))
    return NULL;

  stmt = _bw_project_prepare (self,
                              "SELECT person_id, task, sum (seconds) FROM work_time"
                              " GROUP BY person_id, task", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      BwReviewStats *stats = g_hash_table_lookup (by_person, &(gint64) { sqlite3_column_int64 (stmt, 0) });

      if (stats == NULL)
        continue;
      if (sqlite3_column_int (stmt, 1) == BW_TASK_REVIEW)
        stats->review_seconds = sqlite3_column_double (stmt, 2);
      else
        stats->annotate_seconds = sqlite3_column_double (stmt, 2);
    }
  if (!_bw_project_finish_rows (self, stmt, rc, error))
    return NULL;

  g_ptr_array_sort (list, compare_stats_by_name);
  return g_steal_pointer (&list);
}

/**
 * bw_project_list_audit_figures:
 *
 * The random audit's sample per annotator, by name, then everyone's
 * (person_id 0, name %NULL) last: submissions drawn and sampled, sampled
 * submissions with a layer verdict, and the annotations judged in the
 * sampled submissions, with those rejected or fixed by the reviewer
 * (each annotation's last verdict in its submission counts).
 *
 * Returns: (transfer full) (element-type BwAuditFigures): the figures
 */
GPtrArray *
bw_project_list_audit_figures (BwProject  *self,
                               GError    **error)
{
  BW_PROJECT_LOCK (self);
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) bw_audit_figures_free);
  g_autoptr(GHashTable) by_person = g_hash_table_new (g_int64_hash, g_int64_equal);
  BwAuditFigures *all;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (BW_IS_PROJECT (self), NULL);

  stmt = _bw_project_prepare (self,
                              "SELECT l.person_id, p.name, count(*), sum (s.sampled),"
                              "  sum (CASE WHEN s.sampled = 1 AND EXISTS (SELECT 1 FROM reviews r"
                              "       WHERE r.layer_id = s.layer_id AND r.submission = s.submission"
                              "       AND r.annotation_id IS NULL AND r.verdict IN (0, 1)) THEN 1 ELSE 0 END)"
                              " FROM audit_samples s JOIN layers l ON l.id = s.layer_id"
                              " JOIN people p ON p.id = l.person_id"
                              " GROUP BY l.person_id, p.name ORDER BY p.name", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      BwAuditFigures *f = g_new0 (BwAuditFigures, 1);

      f->person_id = sqlite3_column_int64 (stmt, 0);
      f->name = _bw_column_dup_text (stmt, 1);
      f->drawn = sqlite3_column_int64 (stmt, 2);
      f->sampled = sqlite3_column_int64 (stmt, 3);
      f->reviewed = sqlite3_column_int64 (stmt, 4);
      g_ptr_array_add (list, f);
      g_hash_table_insert (by_person, &f->person_id, f);
    }
  if (!_bw_project_finish_rows (self, stmt, rc, error))
    return NULL;

  stmt = _bw_project_prepare (self,
                              "SELECT l.person_id, count(*), sum (CASE WHEN r.verdict IN (1, 2) THEN 1 ELSE 0 END)"
                              " FROM audit_samples s"
                              " JOIN reviews r ON r.layer_id = s.layer_id AND r.submission = s.submission"
                              " JOIN layers l ON l.id = s.layer_id"
                              " WHERE s.sampled = 1 AND r.annotation_id IS NOT NULL AND r.verdict IN (0, 1, 2)"
                              "  AND r.id = (SELECT max (o.id) FROM reviews o WHERE o.layer_id = r.layer_id"
                              "              AND o.submission = r.submission AND o.annotation_id = r.annotation_id"
                              "              AND o.verdict IN (0, 1, 2))"
                              " GROUP BY l.person_id", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      BwAuditFigures *f = g_hash_table_lookup (by_person, &(gint64) { sqlite3_column_int64 (stmt, 0) });

      if (f == NULL)
        continue;
      f->judged = sqlite3_column_int64 (stmt, 1);
      f->rejected = sqlite3_column_int64 (stmt, 2);
    }
  if (!_bw_project_finish_rows (self, stmt, rc, error))
    return NULL;

  all = g_new0 (BwAuditFigures, 1);
  for (guint i = 0; i < list->len; i++)
    {
      const BwAuditFigures *f = list->pdata[i];

      all->drawn += f->drawn;
      all->sampled += f->sampled;
      all->reviewed += f->reviewed;
      all->judged += f->judged;
      all->rejected += f->rejected;
    }
  g_ptr_array_add (list, all);

  return g_steal_pointer (&list);
}

/**
 * bw_project_list_audit_samples:
 * @sampled_only: only the submissions the audit sampled
 *
 * The submissions drawn for a random audit, in the order they were
 * drawn: whose, which hand-in, the rate and the draw that decided, and
 * whether a reviewer has given the submission a layer verdict.
 *
 * Returns: (transfer full) (element-type BwAuditSample): the samples
 */
GPtrArray *
bw_project_list_audit_samples (BwProject  *self,
                               gboolean    sampled_only,
                               GError    **error)
{
  BW_PROJECT_LOCK (self);
  g_autoptr(GPtrArray) list = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (BW_IS_PROJECT (self), NULL);

  stmt = _bw_project_prepare (self,
                              "SELECT s.layer_id, l.image_id, i.path, l.person_id, p.name, s.submission,"
                              "  s.rate, s.draw, s.sampled,"
                              "  EXISTS (SELECT 1 FROM reviews r WHERE r.layer_id = s.layer_id"
                              "          AND r.submission = s.submission AND r.annotation_id IS NULL"
                              "          AND r.verdict IN (0, 1)),"
                              "  s.created_at"
                              " FROM audit_samples s JOIN layers l ON l.id = s.layer_id"
                              " JOIN images i ON i.id = l.image_id"
                              " LEFT JOIN people p ON p.id = l.person_id"
                              " WHERE ?1 = 0 OR s.sampled = 1"
                              " ORDER BY s.created_at, s.layer_id, s.submission", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int (stmt, 1, sampled_only ? 1 : 0);

  list = g_ptr_array_new_with_free_func ((GDestroyNotify) bw_audit_sample_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      BwAuditSample *sample = g_new0 (BwAuditSample, 1);

      sample->layer_id = sqlite3_column_int64 (stmt, 0);
      sample->image_id = sqlite3_column_int64 (stmt, 1);
      sample->image_path = _bw_column_dup_text (stmt, 2);
      sample->annotator_id = sqlite3_column_int64 (stmt, 3);
      sample->annotator = _bw_column_dup_text (stmt, 4);
      sample->submission = sqlite3_column_int (stmt, 5);
      sample->rate = sqlite3_column_double (stmt, 6);
      sample->draw = sqlite3_column_double (stmt, 7);
      sample->sampled = sqlite3_column_int (stmt, 8) != 0;
      sample->reviewed = sqlite3_column_int (stmt, 9) != 0;
      sample->drawn_at = sqlite3_column_int64 (stmt, 10);
      g_ptr_array_add (list, sample);
    }
  if (!_bw_project_finish_rows (self, stmt, rc, error))
    return NULL;
  return g_steal_pointer (&list);
}

/* Rejection reasons */

static BwRejectionReason *
reason_from_row (sqlite3_stmt *stmt)
{
  BwRejectionReason *reason = g_new0 (BwRejectionReason, 1);

  reason->id = sqlite3_column_int64 (stmt, 0);
  reason->name = _bw_column_dup_text (stmt, 1);
  reason->hotkey = sqlite3_column_int (stmt, 2);
  reason->position = sqlite3_column_int (stmt, 3);
  reason->hidden = sqlite3_column_int (stmt, 4) != 0;
  return reason;
}

/**
 * bw_project_list_rejection_reasons:
 * @include_hidden: also the reasons deleted while reviews used them
 *
 * Returns: (transfer full) (element-type BwRejectionReason): in order
 */
GPtrArray *
bw_project_list_rejection_reasons (BwProject  *self,
                                   gboolean    include_hidden,
                                   GError    **error)
{
  BW_PROJECT_LOCK (self);
  g_autoptr(GPtrArray) reasons = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (BW_IS_PROJECT (self), NULL);

  stmt = _bw_project_prepare (self,
                              "SELECT id, name, COALESCE (hotkey, 0), position, hidden FROM rejection_reasons"
                              " WHERE ?1 = 1 OR hidden = 0 ORDER BY hidden, position, id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int (stmt, 1, include_hidden ? 1 : 0);

  reasons = g_ptr_array_new_with_free_func ((GDestroyNotify) bw_rejection_reason_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (reasons, reason_from_row (stmt));
  if (!_bw_project_finish_rows (self, stmt, rc, error))
    return NULL;
  return g_steal_pointer (&reasons);
}

BwRejectionReason *
bw_project_get_rejection_reason (BwProject  *self,
                                 gint64      reason_id,
                                 GError    **error)
{
  BW_PROJECT_LOCK (self);
  BwRejectionReason *reason = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (BW_IS_PROJECT (self), NULL);

  stmt = _bw_project_prepare (self,
                              "SELECT id, name, COALESCE (hotkey, 0), position, hidden FROM rejection_reasons"
                              " WHERE id = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, reason_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    reason = reason_from_row (stmt);
  sqlite3_reset (stmt);
  _bw_project_check_row (self, rc, BW_PROJECT_ITEM_REJECTION_REASON, reason_id, error);
  return reason;
}

static char *
check_reason_name (const char  *name,
                   GError     **error)
{
  g_autofree char *trimmed = NULL;

  if (name == NULL || !g_utf8_validate (name, -1, NULL))
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                   _("A rejection reason needs a name in valid text."));
      return NULL;
    }
  trimmed = g_strstrip (g_strdup (name));
  if (*trimmed == '\0' || g_utf8_strlen (trimmed, -1) > MAX_REASON_NAME_CHARS)
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                   _("A rejection reason needs a name of 1 to %d characters."), MAX_REASON_NAME_CHARS);
      return NULL;
    }
  return g_steal_pointer (&trimmed);
}

/* The reason (other than @except_id) that has @name or @hotkey, or 0. */
static gint64
find_reason (BwProject  *self,
             const char *name,
             int         hotkey,
             gint64      except_id,
             gboolean   *out_hidden)
{
  sqlite3_stmt *stmt;
  gint64 id = 0;

  stmt = _bw_project_prepare (self,
                              "SELECT id, hidden FROM rejection_reasons WHERE id <> ?3"
                              " AND (name = ?1 OR hotkey = ?2) ORDER BY hidden LIMIT 1", NULL);
  if (stmt == NULL)
    return 0;
  sqlite3_clear_bindings (stmt);
  if (name != NULL)
    sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  if (hotkey > 0)
    sqlite3_bind_int (stmt, 2, hotkey);
  sqlite3_bind_int64 (stmt, 3, except_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      id = sqlite3_column_int64 (stmt, 0);
      if (out_hidden != NULL)
        *out_hidden = sqlite3_column_int (stmt, 1) != 0;
    }
  sqlite3_reset (stmt);
  return id;
}

static gboolean
check_reason_hotkey (BwProject  *self,
                     int         hotkey,
                     gint64      except_id,
                     GError    **error)
{
  if (hotkey == 0)
    return TRUE;
  if (hotkey < 1 || hotkey > 9)
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                   _("A rejection reason’s key is a digit from 1 to 9."));
      return FALSE;
    }
  if (find_reason (self, NULL, hotkey, except_id, NULL) != 0)
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_DUPLICATE,
                   _("The key %d already picks another rejection reason; choose another key or clear that one first."),
                   hotkey);
      return FALSE;
    }
  return TRUE;
}

/**
 * bw_project_add_rejection_reason:
 * @hotkey: 1–9, or 0 for none
 *
 * Adds a reason at the end of the list. A hidden reason of the same name
 * (deleted while in use) comes back instead.
 */
gboolean
bw_project_add_rejection_reason (BwProject   *self,
                                 const char  *name,
                                 int          hotkey,
                                 gint64      *out_id,
                                 GError     **error)
{
  BW_PROJECT_LOCK (self);
  g_autofree char *trimmed = NULL;
  sqlite3_stmt *stmt;
  gboolean hidden = FALSE;
  gint64 existing, id;

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);

  if (!(trimmed = check_reason_name (name, error)) ||
      !check_reason_hotkey (self, hotkey, 0, error))
    return FALSE;

  existing = find_reason (self, trimmed, 0, 0, &hidden);
  if (existing != 0 && !hidden)
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_DUPLICATE,
                   _("There is already a rejection reason “%s”."), trimmed);
      return FALSE;
    }

  if (existing != 0)
    stmt = _bw_project_prepare (self,
                                "UPDATE rejection_reasons SET hidden = 0, hotkey = ?2, name = ?3,"
                                " position = (SELECT COALESCE (max (position), -1) + 1 FROM rejection_reasons)"
                                " WHERE id = ?1 RETURNING id", error);
  else
    stmt = _bw_project_prepare (self,
                                "INSERT INTO rejection_reasons (name, hotkey, position)"
                                " VALUES (?3, ?2, (SELECT COALESCE (max (position), -1) + 1 FROM rejection_reasons))"
                                " RETURNING id", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_clear_bindings (stmt);
  if (existing != 0)
    sqlite3_bind_int64 (stmt, 1, existing);
  if (hotkey > 0)
    sqlite3_bind_int (stmt, 2, hotkey);
  sqlite3_bind_text (stmt, 3, trimmed, -1, SQLITE_TRANSIENT);
  if (!step_returning_id (self, stmt, &id, error))
    return FALSE;

  if (out_id != NULL)
    *out_id = id;
  return TRUE;
}

/**
 * bw_project_check_rejection_reason_name:
 * @reason_id: the reason being renamed, or 0 for a new one
 * @name: the proposed name
 *
 * Checks a name as the taxonomy dialog does while it is typed: not
 * empty, not too long, and no other reason (a hidden one included) has
 * it, without regard to case.
 *
 * Returns: %TRUE when @reason_id may be called @name
 */
gboolean
bw_project_check_rejection_reason_name (BwProject   *self,
                                        gint64       reason_id,
                                        const char  *name,
                                        GError     **error)
{
  BW_PROJECT_LOCK (self);
  g_autofree char *trimmed = NULL;
  gboolean hidden = FALSE;

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);

  if (!(trimmed = check_reason_name (name, error)))
    return FALSE;
  if (find_reason (self, trimmed, 0, reason_id, &hidden) != 0)
    {
      if (hidden)
        g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_DUPLICATE,
                     _("There is a hidden rejection reason “%s”; restore it, or choose another name."),
                     trimmed);
      else
        g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_DUPLICATE,
                     _("There is already a rejection reason “%s”."), trimmed);
      return FALSE;
    }
  return TRUE;
}

gboolean
bw_project_rename_rejection_reason (BwProject   *self,
                                    gint64       reason_id,
                                    const char  *name,
                                    GError     **error)
{
  BW_PROJECT_LOCK (self);
  g_autofree char *trimmed = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);

  if (!bw_project_check_rejection_reason_name (self, reason_id, name, error))
    return FALSE;
  trimmed = g_strstrip (g_strdup (name));

  stmt = _bw_project_prepare (self, "UPDATE rejection_reasons SET name = ?2 WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, reason_id);
  sqlite3_bind_text (stmt, 2, trimmed, -1, SQLITE_TRANSIENT);
  return _bw_project_step_done (self, stmt, error) &&
         _bw_project_check_changed (self, BW_PROJECT_ITEM_REJECTION_REASON, reason_id, error);
}

/**
 * bw_project_set_rejection_reason_hotkey:
 * @hotkey: 1–9, or 0 for none
 */
gboolean
bw_project_set_rejection_reason_hotkey (BwProject  *self,
                                        gint64      reason_id,
                                        int         hotkey,
                                        GError    **error)
{
  BW_PROJECT_LOCK (self);
  sqlite3_stmt *stmt;

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);

  if (!check_reason_hotkey (self, hotkey, reason_id, error))
    return FALSE;

  stmt = _bw_project_prepare (self, "UPDATE rejection_reasons SET hotkey = ?2 WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_clear_bindings (stmt);
  sqlite3_bind_int64 (stmt, 1, reason_id);
  if (hotkey > 0)
    sqlite3_bind_int (stmt, 2, hotkey);
  return _bw_project_step_done (self, stmt, error) &&
         _bw_project_check_changed (self, BW_PROJECT_ITEM_REJECTION_REASON, reason_id, error);
}

/**
 * bw_project_set_rejection_reason_order:
 * @ids: (array length=n_ids): reasons in their new order
 *
 * The reasons in @ids take positions 0, 1, …; any left out follow in
 * their old order.
 */
gboolean
bw_project_set_rejection_reason_order (BwProject     *self,
                                       const gint64  *ids,
                                       guint          n_ids,
                                       GError       **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (ids != NULL || n_ids == 0, FALSE);

  if (!bw_project_begin (self, error))
    return FALSE;

  /* Those left out go after, keeping their order. */
  stmt = _bw_project_prepare (self, "UPDATE rejection_reasons SET position = position + ?1", error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_int64 (stmt, 1, (gint64) n_ids);
  if (!_bw_project_step_done (self, stmt, error))
    goto failed;

  for (guint i = 0; i < n_ids; i++)
    {
      stmt = _bw_project_prepare (self, "UPDATE rejection_reasons SET position = ?2 WHERE id = ?1", error);
      if (stmt == NULL)
        goto failed;
      sqlite3_bind_int64 (stmt, 1, ids[i]);
      sqlite3_bind_int (stmt, 2, (int) i);
      if (!_bw_project_step_done (self, stmt, error) ||
          !_bw_project_check_changed (self, BW_PROJECT_ITEM_REJECTION_REASON, ids[i], error))
        goto failed;
    }

  return bw_project_commit (self, error);

failed:
  bw_project_rollback (self);
  return FALSE;
}

/**
 * bw_project_delete_rejection_reason:
 * @out_hidden: (out) (optional): whether it was hidden rather than deleted
 *
 * Deletes a reason that no review uses. One that reviews use is hidden
 * instead (it leaves the list and frees its key) so that the reviews and
 * the statistics keep their meaning; adding a reason of that name brings
 * it back.
 */
gboolean
bw_project_delete_rejection_reason (BwProject  *self,
                                    gint64      reason_id,
                                    gboolean   *out_hidden,
                                    GError    **error)
{
  BW_PROJECT_LOCK (self);
  sqlite3_stmt *stmt;
  gboolean used;

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);

  stmt = _bw_project_prepare (self, "SELECT EXISTS (SELECT 1 FROM reviews WHERE reason_id = ?1)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, reason_id);
  if (!step_truth (self, stmt, &used, error))
    return FALSE;

  if (used)
    stmt = _bw_project_prepare (self, "UPDATE rejection_reasons SET hidden = 1, hotkey = NULL WHERE id = ?1", error);
  else
    stmt = _bw_project_prepare (self, "DELETE FROM rejection_reasons WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, reason_id);
  if (!_bw_project_step_done (self, stmt, error) ||
      !_bw_project_check_changed (self, BW_PROJECT_ITEM_REJECTION_REASON, reason_id, error))
    return FALSE;

  if (out_hidden != NULL)
    *out_hidden = used;
  return TRUE;
}
