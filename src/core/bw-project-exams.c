/* bw-project-exams.c — certification exams on gold images
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The lead defines an exam: gold images, pass thresholds (F1 and
 * accuracy over all categories, and per category), a limit on attempts
 * and who must pass it. An annotator who must and has not is held at
 * the gate (bw_project_get_exam_gate()): their work queue stays closed
 * (bw_project_check_queue_open()) and the exam's images come instead.
 *
 * An attempt's answers are exam layers (layers.kind = 3), one per image,
 * which no other figure reads and which have no assignment, so they
 * change no image's status. Handing in the last image scores the
 * attempt with the quality figures' matching (bw_matcher_match(),
 * counted by a BwQualityTally as bw_quality_compute() counts an
 * annotator against gold), in the same transaction; the scores are kept
 * as computed. A passed attempt writes a certificate.
 *
 * Who is held back. A required exam binds an annotator who has no
 * certificate of it that still counts, when it is required of every
 * annotator; or of new ones and they had no work (no annotate
 * assignment) before the exam was defined; or it is renewed on guideline
 * changes and the guidelines changed since it was defined. A renewed
 * exam's certificate counts only under the guideline version it was
 * passed under, and only attempts under the version in force count
 * against the limit. The lead may also require an exam again after one
 * guideline change (bw_project_require_exam_again()): from then on every
 * annotator needs a certificate of that version or a later one, with
 * their attempts counted afresh. The person who defined the exam is
 * never held back by it.
 *
 * Every statement is plain SQL that PostgreSQL runs as well.
 */

#define G_LOG_DOMAIN "bw-project"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "bw-matching.h"
#include "bw-project-exams.h"
#include "bw-project-private.h"

#define MAX_EXAM_NAME_CHARS 256

/* Boxed values */

void
bw_exam_free (BwExam *exam)
{
  if (exam == NULL)
    return;
  g_free (exam->name);
  g_clear_pointer (&exam->image_ids, g_array_unref);
  g_clear_pointer (&exam->thresholds, g_array_unref);
  g_free (exam);
}

/**
 * bw_exam_new:
 * @name: (nullable): its name
 *
 * Returns: (transfer full): an exam without images, with no thresholds,
 *   no limit on attempts, required of new annotators, matched at the
 *   default IoU threshold
 */
BwExam *
bw_exam_new (const char *name)
{
  BwExam *exam = g_new0 (BwExam, 1);

  exam->name = g_strdup (name);
  exam->image_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  exam->thresholds = g_array_new (FALSE, FALSE, sizeof (BwExamThreshold));
  exam->required = BW_EXAM_REQUIRED_OF_NEW;
  exam->iou_threshold = BW_MATCHING_DEFAULT_IOU_THRESHOLD;
  return exam;
}

void
bw_exam_attempt_free (BwExamAttempt *attempt)
{
  if (attempt == NULL)
    return;
  g_free (attempt->exam);
  g_free (attempt->person);
  g_clear_pointer (&attempt->scores, g_array_unref);
  g_clear_pointer (&attempt->hints, g_array_unref);
  g_free (attempt);
}

void
bw_certificate_free (BwCertificate *certificate)
{
  if (certificate == NULL)
    return;
  g_free (certificate->person);
  g_free (certificate->exam);
  g_free (certificate);
}

void
bw_exam_gate_free (BwExamGate *gate)
{
  if (gate == NULL)
    return;
  g_free (gate->exam);
  g_free (gate);
}

static const char *requirement_names[] = { "no", "new", "all" };

const char *
bw_exam_requirement_to_string (BwExamRequirement requirement)
{
  g_return_val_if_fail ((guint) requirement < G_N_ELEMENTS (requirement_names), "no");
  return requirement_names[requirement];
}

gboolean
bw_exam_requirement_from_string (const char        *text,
                                 BwExamRequirement *requirement)
{
  for (guint i = 0; i < G_N_ELEMENTS (requirement_names); i++)
    if (g_strcmp0 (text, requirement_names[i]) == 0)
      {
        *requirement = i;
        return TRUE;
      }
  return FALSE;
}

/**
 * bw_exam_rate_value:
 *
 * Returns: @numerator / @denominator, or 1 when @denominator is 0: an
 *   exam image with nothing on it, answered with nothing, is answered
 *   right
 */
double
bw_exam_rate_value (guint64 numerator,
                    guint64 denominator)
{
  return denominator > 0 ? (double) numerator / (double) denominator : 1.0;
}

static double
score_f1 (const BwQualityCounts *c)
{
  return bw_exam_rate_value (2 * c->tp, 2 * c->tp + c->fp + c->fn);
}

static double
score_accuracy (const BwQualityCounts *c)
{
  return bw_exam_rate_value (c->tp, c->tp + c->fp + c->fn);
}

/* Returns: whether the person at @gate may start (or go on with) an attempt */
gboolean
bw_exam_gate_can_attempt (const BwExamGate *gate)
{
  g_return_val_if_fail (gate != NULL, FALSE);

  return gate->attempt_id > 0 || gate->max_attempts <= 0 || gate->attempts_used < gate->max_attempts;
}

static const char *
name_of (GHashTable *names,
         gint64      category_id)
{
  const char *name = names != NULL ? g_hash_table_lookup (names, &category_id) : NULL;

  return name != NULL ? name : "?";
}

/**
 * bw_exam_hint_to_string:
 * @category_names: (element-type gint64 utf8): category id → name
 *
 * Returns: (transfer full): the hint as a sentence for the annotator
 */
char *
bw_exam_hint_to_string (const BwExamHint *hint,
                        GHashTable       *category_names)
{
  const char *name = name_of (category_names, hint->category_id);
  guint n = (guint) MIN (hint->count, G_MAXUINT);

  switch (hint->kind)
    {
    case BW_EXAM_HINT_MISSED:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "Missed %u object of “%s”: look again for every one in the image",
                                           "Missed %u objects of “%s”: look again for every one in the image", n),
                              n, name);
    case BW_EXAM_HINT_EXTRA:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%u shape of “%s” where there is no such object",
                                           "%u shapes of “%s” where there is no such object", n),
                              n, name);
    case BW_EXAM_HINT_WRONG_CATEGORY:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "Wrong category: “%s” for “%s”, %u time; read both guidelines",
                                           "Wrong category: “%s” for “%s”, %u times; read both guidelines", n),
                              name_of (category_names, hint->other_id), name, n);
    case BW_EXAM_HINT_LOOSE:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%u shape of “%s” too loose: fit it to the object’s edges",
                                           "%u shapes of “%s” too loose: fit them to the objects’ edges", n),
                              n, name);
    case BW_EXAM_HINT_TIGHT:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%u shape of “%s” too tight: include the whole object",
                                           "%u shapes of “%s” too tight: include the whole objects", n),
                              n, name);
    case BW_EXAM_HINT_DUPLICATE:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%u object of “%s” drawn twice",
                                           "%u objects of “%s” drawn twice", n),
                              n, name);
    default:
      g_return_val_if_reached (NULL);
    }
}

/* Small helpers */

static gboolean
step_int64 (BwProject     *self,
            sqlite3_stmt  *stmt,
            gint64        *out,
            GError       **error)
{
  int rc = sqlite3_step (stmt);

  *out = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
  if (rc == SQLITE_ROW)
    rc = SQLITE_DONE;
  return _bw_project_finish_rows (self, stmt, rc, error);
}

static gboolean
query_int64 (BwProject   *self,
             const char  *sql,
             gint64       a,
             gint64       b,
             gint64      *out,
             GError     **error)
{
  sqlite3_stmt *stmt = _bw_project_prepare (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, a);
  sqlite3_bind_int64 (stmt, 2, b);
  return step_int64 (self, stmt, out, error);
}

/* The guideline version in force (bw_project_get_guideline_version()),
 * or -1 when it cannot be read: a certificate then records none. */
static gint64
current_guideline_version (BwProject *self)
{
  g_autoptr(GError) error = NULL;
  gint64 version = bw_project_get_guideline_version (self, &error);

  if (version <= 0)
    {
      g_debug ("No guideline version in %s: %s", self->display_name, error != NULL ? error->message : "?");
      return -1;
    }
  return version;
}

static gint64
version_or_zero (gint64 version)
{
  return MAX (version, 0);
}

/* Defining exams */

static gboolean
check_fraction (BwProject   *self,
                double       value,
                GError     **error)
{
  if (value >= 0 && value <= 1)
    return TRUE;
  g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
               _("An exam threshold of %g is not possible; give a share from 0 to 1."), value);
  return FALSE;
}

static gboolean
check_exam (BwProject     *self,
            const BwExam  *exam,
            GError       **error)
{
  g_autofree char *name = g_strstrip (g_strdup (exam->name != NULL ? exam->name : ""));

  if (name[0] == '\0' || g_utf8_strlen (name, -1) > MAX_EXAM_NAME_CHARS)
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                   _("An exam needs a name of 1 to %d characters."), MAX_EXAM_NAME_CHARS);
      return FALSE;
    }
  if (exam->image_ids == NULL || exam->image_ids->len == 0)
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                   _("The exam “%s” has no images; choose gold images with answers for it."), name);
      return FALSE;
    }
  if (!check_fraction (self, exam->min_f1, error) ||
      !check_fraction (self, exam->min_accuracy, error))
    return FALSE;
  for (guint i = 0; exam->thresholds != NULL && i < exam->thresholds->len; i++)
    {
      const BwExamThreshold *t = &g_array_index (exam->thresholds, BwExamThreshold, i);

      if (!check_fraction (self, t->min_f1, error) ||
          !check_fraction (self, t->min_accuracy, error))
        return FALSE;
    }
  if (exam->max_attempts < 0)
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                   _("The exam “%s” cannot allow %d attempts; give 0 for no limit, or more."),
                   name, exam->max_attempts);
      return FALSE;
    }
  if (!(exam->iou_threshold > 0 && exam->iou_threshold <= 1))
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                   _("An IoU threshold of %g is not possible; give one above 0 and at most 1."),
                   exam->iou_threshold);
      return FALSE;
    }
  if ((guint) exam->required > BW_EXAM_REQUIRED_OF_ALL)
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                   _("The exam “%s” has an unknown requirement; it is required of nobody, of new annotators or of all."),
                   name);
      return FALSE;
    }
  return TRUE;
}

/* Writes @exam's images and thresholds as those of @exam_id, in the
 * caller's transaction, in place of any it had. */
static gboolean
write_exam_parts (BwProject     *self,
                  gint64         exam_id,
                  const BwExam  *exam,
                  GError       **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  sqlite3_stmt *stmt;

  for (guint k = 0; k < 2; k++)
    {
      stmt = _bw_project_prepare (self, k == 0 ? "DELETE FROM exam_images WHERE exam_id = ?1"
                                               : "DELETE FROM exam_thresholds WHERE exam_id = ?1", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, exam_id);
      if (!_bw_project_step_done (self, stmt, error))
        return FALSE;
    }
  for (guint i = 0; i < exam->image_ids->len; i++)
    {
      gint64 image_id = g_array_index (exam->image_ids, gint64, i);
      gint64 answered = 0;

      if (!query_int64 (self,
                        "SELECT count(*) FROM images i WHERE i.id = ?1 AND i.is_gold <> 0 AND i.status <> 5"
                        " AND EXISTS (SELECT 1 FROM layers l WHERE l.image_id = i.id AND l.kind = 1)"
                        " AND ?2 = ?2",
                        image_id, 0, &answered, error))
        return FALSE;
      if (answered == 0)
        {
          g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                       _("The image %" PRId64 " of “%s” is not a gold image with an answer; an exam is made of those only."),
                       image_id, self->display_name);
          return FALSE;
        }
      if (g_hash_table_contains (seen, &g_array_index (exam->image_ids, gint64, i)))
        continue;
      g_hash_table_add (seen, &g_array_index (exam->image_ids, gint64, i));

      stmt = _bw_project_prepare (self,
                                  "INSERT INTO exam_images (exam_id, image_id, position) VALUES (?1, ?2, ?3)",
                                  error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, exam_id);
      sqlite3_bind_int64 (stmt, 2, image_id);
      sqlite3_bind_int (stmt, 3, (int) i);
      if (!_bw_project_step_done (self, stmt, error))
        return FALSE;
    }

  for (guint i = 0; exam->thresholds != NULL && i < exam->thresholds->len; i++)
    {
      const BwExamThreshold *t = &g_array_index (exam->thresholds, BwExamThreshold, i);
      g_autoptr(BwCategory) category = bw_project_get_category (self, t->category_id, error);

      if (category == NULL)
        return FALSE;
      stmt = _bw_project_prepare (self,
                                  "INSERT INTO exam_thresholds (exam_id, category_id, min_f1, min_accuracy)"
                                  " VALUES (?1, ?2, ?3, ?4)"
                                  " ON CONFLICT (exam_id, category_id) DO UPDATE SET"
                                  "  min_f1 = excluded.min_f1, min_accuracy = excluded.min_accuracy",
                                  error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, exam_id);
      sqlite3_bind_int64 (stmt, 2, t->category_id);
      sqlite3_bind_double (stmt, 3, t->min_f1);
      sqlite3_bind_double (stmt, 4, t->min_accuracy);
      if (!_bw_project_step_done (self, stmt, error))
        return FALSE;
    }

  return TRUE;
}

/**
 * bw_project_add_exam:
 * @exam: what to define (its id is ignored)
 * @person_id: the lead who defines it, or 0
 * @out_id: (out) (optional): the new exam
 *
 * Defines an exam, in one transaction. Its images must be gold images
 * with a gold answer, each once; its thresholds' categories must exist.
 */
gboolean
bw_project_add_exam (BwProject     *self,
                     const BwExam  *exam,
                     gint64         person_id,
                     gint64        *out_id,
                     GError       **error)
{
  g_autofree char *name = NULL;
  sqlite3_stmt *stmt;
  gint64 exam_id;
  int rc;

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (exam != NULL, FALSE);

  if (!check_exam (self, exam, error))
    return FALSE;
  name = g_strstrip (g_strdup (exam->name));

  if (!bw_project_begin (self, error))
    return FALSE;

  stmt = _bw_project_prepare (self,
                              "INSERT INTO exams (name, min_f1, min_accuracy, max_attempts, required, renew,"
                              " iou_threshold, guideline_version, created_by, created_at)"
                              " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)", error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_double (stmt, 2, exam->min_f1);
  sqlite3_bind_double (stmt, 3, exam->min_accuracy);
  sqlite3_bind_int (stmt, 4, exam->max_attempts);
  sqlite3_bind_int (stmt, 5, exam->required);
  sqlite3_bind_int (stmt, 6, exam->renew ? 1 : 0);
  sqlite3_bind_double (stmt, 7, exam->iou_threshold);
  sqlite3_bind_int64 (stmt, 8, version_or_zero (current_guideline_version (self)));
  if (person_id > 0)
    sqlite3_bind_int64 (stmt, 9, person_id);
  else
    sqlite3_bind_null (stmt, 9);
  sqlite3_bind_int64 (stmt, 10, _bw_project_now ());
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if ((rc & 0xff) == SQLITE_CONSTRAINT)
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_DUPLICATE,
                   _("The project “%s” already has an exam named “%s”; choose another name."),
                   self->display_name, name);
      goto failed;
    }
  if (rc != SQLITE_DONE)
    {
      _bw_project_set_error (self, rc, error);
      goto failed;
    }
  exam_id = sqlite3_last_insert_rowid (self->db);

  if (!write_exam_parts (self, exam_id, exam, error))
    goto failed;

  if (!bw_project_commit (self, error))
    return FALSE;
  if (out_id != NULL)
    *out_id = exam_id;
  return TRUE;

failed:
  bw_project_rollback (self);
  return FALSE;
}

static void
set_exam_not_found (BwProject  *self,
                    gint64      exam_id,
                    GError    **error)
{
  g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_NOT_FOUND,
               _("The exam %" PRId64 " is not in the project “%s”; “boxwood-cli exam list” lists them."),
               exam_id, self->display_name);
}

/* Keeps the thresholds of the exam's finished attempts (of @attempt_id
 * alone when not 0) that have none kept yet, as they are now. */
static gboolean
keep_attempt_thresholds (BwProject  *self,
                         gint64      exam_id,
                         gint64      attempt_id,
                         GError    **error)
{
  static const char *sql[] = {
    "INSERT INTO exam_attempt_thresholds (attempt_id, category_id, min_f1, min_accuracy)"
    " SELECT t.id, x.category_id, x.min_f1, x.min_accuracy"
    " FROM exam_attempts t JOIN exam_thresholds x ON x.exam_id = t.exam_id"
    " WHERE t.exam_id = ?1 AND (?2 = 0 OR t.id = ?2) AND t.finished_at IS NOT NULL"
    "  AND NOT EXISTS (SELECT 1 FROM exam_attempt_thresholds k WHERE k.attempt_id = t.id AND k.category_id = 0)",
    "INSERT INTO exam_attempt_thresholds (attempt_id, category_id, min_f1, min_accuracy)"
    " SELECT t.id, 0, e.min_f1, e.min_accuracy"
    " FROM exam_attempts t JOIN exams e ON e.id = t.exam_id"
    " WHERE t.exam_id = ?1 AND (?2 = 0 OR t.id = ?2) AND t.finished_at IS NOT NULL"
    "  AND NOT EXISTS (SELECT 1 FROM exam_attempt_thresholds k WHERE k.attempt_id = t.id AND k.category_id = 0)",
  };

  for (guint i = 0; i < G_N_ELEMENTS (sql); i++)
    {
      sqlite3_stmt *stmt = _bw_project_prepare (self, sql[i], error);

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, exam_id);
      sqlite3_bind_int64 (stmt, 2, attempt_id);
      if (!_bw_project_step_done (self, stmt, error))
        return FALSE;
    }
  return TRUE;
}

/**
 * bw_project_update_exam:
 * @exam: the exam as it is to be, by its id
 *
 * Changes an exam's name, images, thresholds, limit on attempts and who
 * must pass it, in one transaction, with the checks of
 * bw_project_add_exam(). Its attempts, their scores and its
 * certificates stay as they were: a finished attempt was scored on the
 * images and against the thresholds of its day; an open one goes on
 * with the images the exam has now.
 */
gboolean
bw_project_update_exam (BwProject     *self,
                        const BwExam  *exam,
                        GError       **error)
{
  g_autofree char *name = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (exam != NULL, FALSE);

  if (!check_exam (self, exam, error))
    return FALSE;
  name = g_strstrip (g_strdup (exam->name));

  if (!bw_project_begin (self, error))
    return FALSE;

  if (!keep_attempt_thresholds (self, exam->id, 0, error))
    goto failed;
  stmt = _bw_project_prepare (self,
                              "UPDATE exams SET name = ?2, min_f1 = ?3, min_accuracy = ?4, max_attempts = ?5,"
                              " required = ?6, renew = ?7, iou_threshold = ?8 WHERE id = ?1", error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_int64 (stmt, 1, exam->id);
  sqlite3_bind_text (stmt, 2, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_double (stmt, 3, exam->min_f1);
  sqlite3_bind_double (stmt, 4, exam->min_accuracy);
  sqlite3_bind_int (stmt, 5, exam->max_attempts);
  sqlite3_bind_int (stmt, 6, exam->required);
  sqlite3_bind_int (stmt, 7, exam->renew ? 1 : 0);
  sqlite3_bind_double (stmt, 8, exam->iou_threshold);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if ((rc & 0xff) == SQLITE_CONSTRAINT)
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_DUPLICATE,
                   _("The project “%s” already has an exam named “%s”; choose another name."),
                   self->display_name, name);
      goto failed;
    }
  if (rc != SQLITE_DONE)
    {
      _bw_project_set_error (self, rc, error);
      goto failed;
    }
  if (sqlite3_changes (self->db) == 0)
    {
      set_exam_not_found (self, exam->id, error);
      goto failed;
    }
  if (!write_exam_parts (self, exam->id, exam, error))
    goto failed;

  return bw_project_commit (self, error);

failed:
  bw_project_rollback (self);
  return FALSE;
}

#define EXAM_COLUMNS \
  "id, name, min_f1, min_accuracy, max_attempts, required, renew, iou_threshold," \
  " guideline_version, created_at, renewed_version"

static BwExam *
exam_from_row (sqlite3_stmt *stmt)
{
  BwExam *exam = bw_exam_new (NULL);

  exam->id = sqlite3_column_int64 (stmt, 0);
  exam->name = _bw_column_dup_text (stmt, 1);
  exam->min_f1 = sqlite3_column_double (stmt, 2);
  exam->min_accuracy = sqlite3_column_double (stmt, 3);
  exam->max_attempts = sqlite3_column_int (stmt, 4);
  exam->required = CLAMP (sqlite3_column_int (stmt, 5), 0, BW_EXAM_REQUIRED_OF_ALL);
  exam->renew = sqlite3_column_int (stmt, 6) != 0;
  exam->iou_threshold = sqlite3_column_double (stmt, 7);
  exam->guideline_version = sqlite3_column_int64 (stmt, 8);
  exam->created_at = sqlite3_column_int64 (stmt, 9);
  exam->renewed_version = sqlite3_column_int64 (stmt, 10);
  return exam;
}

static gboolean
read_exam_parts (BwProject  *self,
                 BwExam     *exam,
                 GError    **error)
{
  g_autoptr(GArray) ids = NULL;
  sqlite3_stmt *stmt;
  int rc;

  stmt = _bw_project_prepare (self,
                              "SELECT image_id FROM exam_images WHERE exam_id = ?1 ORDER BY position, image_id",
                              error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, exam->id);
  if (!(ids = _bw_project_collect_ids (self, stmt, error)))
    return FALSE;
  g_array_append_vals (exam->image_ids, ids->data, ids->len);

  stmt = _bw_project_prepare (self,
                              "SELECT category_id, min_f1, min_accuracy FROM exam_thresholds"
                              " WHERE exam_id = ?1 ORDER BY category_id", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, exam->id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      BwExamThreshold t = {
        sqlite3_column_int64 (stmt, 0),
        sqlite3_column_double (stmt, 1),
        sqlite3_column_double (stmt, 2),
      };

      g_array_append_val (exam->thresholds, t);
    }
  return _bw_project_finish_rows (self, stmt, rc, error);
}

/**
 * bw_project_list_exams:
 *
 * Returns: (transfer full) (element-type BwExam): every exam, oldest first
 */
GPtrArray *
bw_project_list_exams (BwProject  *self,
                       GError    **error)
{
  BW_PROJECT_LOCK (self);
  g_autoptr(GPtrArray) exams = g_ptr_array_new_with_free_func ((GDestroyNotify) bw_exam_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (BW_IS_PROJECT (self), NULL);

  stmt = _bw_project_prepare (self, "SELECT " EXAM_COLUMNS " FROM exams ORDER BY id", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (exams, exam_from_row (stmt));
  if (!_bw_project_finish_rows (self, stmt, rc, error))
    return NULL;

  for (guint i = 0; i < exams->len; i++)
    if (!read_exam_parts (self, exams->pdata[i], error))
      return NULL;
  return g_steal_pointer (&exams);
}

/**
 * bw_project_get_exam:
 *
 * Returns: (transfer full): the exam, or %NULL with @error set
 */
BwExam *
bw_project_get_exam (BwProject  *self,
                     gint64      exam_id,
                     GError    **error)
{
  BW_PROJECT_LOCK (self);
  g_autoptr(BwExam) exam = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (BW_IS_PROJECT (self), NULL);

  stmt = _bw_project_prepare (self, "SELECT " EXAM_COLUMNS " FROM exams WHERE id = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, exam_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      exam = exam_from_row (stmt);
      rc = SQLITE_DONE;
    }
  if (!_bw_project_finish_rows (self, stmt, rc, error))
    return NULL;
  if (exam == NULL)
    {
      set_exam_not_found (self, exam_id, error);
      return NULL;
    }
  if (!read_exam_parts (self, exam, error))
    return NULL;
  return g_steal_pointer (&exam);
}

/**
 * bw_project_find_exam:
 * @name_or_id: an exam's name (without regard to case) or its id
 *
 * Returns: the exam's id, or 0 when there is none
 */
gint64
bw_project_find_exam (BwProject  *self,
                      const char *name_or_id)
{
  BW_PROJECT_LOCK (self);
  sqlite3_stmt *stmt;
  gint64 id = 0;
  char *end = NULL;
  gint64 number;

  g_return_val_if_fail (BW_IS_PROJECT (self), 0);
  g_return_val_if_fail (name_or_id != NULL, 0);

  stmt = _bw_project_prepare (self, "SELECT id FROM exams WHERE name = ?1", NULL);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, name_or_id, -1, SQLITE_TRANSIENT);
  if (!step_int64 (self, stmt, &id, NULL))
    return 0;
  if (id > 0)
    return id;

  number = g_ascii_strtoll (name_or_id, &end, 10);
  if (end == name_or_id || *end != '\0' || number <= 0)
    return 0;
  if (!query_int64 (self, "SELECT id FROM exams WHERE id = ?1 AND ?2 = ?2", number, 0, &id, NULL))
    return 0;
  return id;
}

static gboolean
update_exam (BwProject   *self,
             gint64       exam_id,
             const char  *sql,
             gint64       a,
             gint64       b,
             GError     **error)
{
  BW_PROJECT_LOCK (self);
  sqlite3_stmt *stmt;

  if (!bw_project_check_writable (self, error))
    return FALSE;
  stmt = _bw_project_prepare (self, sql, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, exam_id);
  sqlite3_bind_int64 (stmt, 2, a);
  sqlite3_bind_int64 (stmt, 3, b);
  if (!_bw_project_step_done (self, stmt, error))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    {
      set_exam_not_found (self, exam_id, error);
      return FALSE;
    }
  return TRUE;
}

/**
 * bw_project_set_exam_required:
 *
 * Changes who must pass the exam, and whether a guideline change asks
 * everyone to pass it again.
 */
gboolean
bw_project_set_exam_required (BwProject          *self,
                              gint64              exam_id,
                              BwExamRequirement   required,
                              gboolean            renew,
                              GError            **error)
{
  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);
  g_return_val_if_fail ((guint) required <= BW_EXAM_REQUIRED_OF_ALL, FALSE);

  return update_exam (self, exam_id, "UPDATE exams SET required = ?2, renew = ?3 WHERE id = ?1",
                      required, renew ? 1 : 0, error);
}

/**
 * bw_project_set_exam_max_attempts:
 * @max_attempts: 0 for no limit
 *
 * Raising the limit is how the lead gives someone another attempt.
 */
gboolean
bw_project_set_exam_max_attempts (BwProject  *self,
                                  gint64      exam_id,
                                  int         max_attempts,
                                  GError    **error)
{
  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);

  if (max_attempts < 0)
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                   _("An exam cannot allow %d attempts; give 0 for no limit, or more."), max_attempts);
      return FALSE;
    }
  return update_exam (self, exam_id, "UPDATE exams SET max_attempts = ?2 WHERE id = ?1 AND ?3 = ?3",
                      max_attempts, 0, error);
}

/**
 * bw_project_require_exam_again:
 * @out_version: (out) (optional): the guideline version a certificate
 *   must now be of
 *
 * After a guideline change, the lead asks every annotator to pass the
 * exam again before their queue opens: the exam becomes required of all,
 * only a certificate passed under the guideline version in force (or a
 * later one) counts, and the attempts made before count no more against
 * the limit. Earlier attempts and certificates are kept as they are.
 */
gboolean
bw_project_require_exam_again (BwProject  *self,
                               gint64      exam_id,
                               gint64     *out_version,
                               GError    **error)
{
  gint64 version;

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);

  version = version_or_zero (current_guideline_version (self));
  if (!update_exam (self, exam_id, "UPDATE exams SET required = ?2, renewed_version = ?3 WHERE id = ?1",
                    BW_EXAM_REQUIRED_OF_ALL, version, error))
    return FALSE;
  if (out_version != NULL)
    *out_version = version;
  return TRUE;
}

/* The gate */

/* A certificate that still counts: the exam is not renewed on guideline
 * changes, or it was passed under the version in force (?3); and not
 * before the version it was last required again from. */
#define CURRENT_CERTIFICATE_SQL(exam, person) \
  "EXISTS (SELECT 1 FROM certificates c WHERE c.exam_id = " exam " AND c.person_id = " person \
  " AND (e.renew = 0 OR coalesce (c.guideline_version, 0) >= ?3)" \
  " AND coalesce (c.guideline_version, 0) >= e.renewed_version)"

/* Attempts that count against the limit. */
#define COUNTED_ATTEMPTS_SQL \
  "(SELECT count(*) FROM exam_attempts t WHERE t.exam_id = e.id AND t.person_id = ?1" \
  " AND (e.renew = 0 OR t.guideline_version >= ?3) AND t.guideline_version >= e.renewed_version)"

static gboolean
fill_progress (BwProject  *self,
               gint64      attempt_id,
               guint      *n_images,
               guint      *n_submitted,
               GError    **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = _bw_project_prepare (self,
                              "SELECT count(*),"
                              "  sum (CASE WHEN l.status = 1 THEN 1 ELSE 0 END)"
                              " FROM exam_attempts t JOIN exam_images x ON x.exam_id = t.exam_id"
                              " LEFT JOIN exam_answers a ON a.attempt_id = t.id AND a.image_id = x.image_id"
                              " LEFT JOIN layers l ON l.id = a.layer_id"
                              " WHERE t.id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, attempt_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *n_images = (guint) sqlite3_column_int64 (stmt, 0);
      *n_submitted = (guint) sqlite3_column_int64 (stmt, 1);
      rc = SQLITE_DONE;
    }
  return _bw_project_finish_rows (self, stmt, rc, error);
}

/**
 * bw_project_get_exam_gate:
 * @person_id: a person
 * @out_gate: (out) (transfer full) (nullable): why their queue is closed,
 *   or %NULL when it is open
 *
 * Finds the first required exam (by id) that @person_id must pass and
 * has not (see the top of this file). Leads, reviewers, people nobody
 * named and whoever defined the exam are never held back.
 */
gboolean
bw_project_get_exam_gate (BwProject    *self,
                          gint64        person_id,
                          BwExamGate  **out_gate,
                          GError      **error)
{
  BW_PROJECT_LOCK (self);
  g_autoptr(BwExamGate) gate = NULL;
  sqlite3_stmt *stmt;
  gint64 version;
  int rc;

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (out_gate != NULL, FALSE);

  *out_gate = NULL;
  if (person_id <= 0 || bw_project_get_person_role (self, person_id) != BW_ROLE_ANNOTATOR ||
      person_id == bw_project_get_creator (self))
    return TRUE;

  version = version_or_zero (current_guideline_version (self));
  stmt = _bw_project_prepare (self,
                              "SELECT e.id, e.name, e.max_attempts, " COUNTED_ATTEMPTS_SQL ","
                              "  coalesce ((SELECT max (t.id) FROM exam_attempts t WHERE t.exam_id = e.id"
                              "             AND t.person_id = ?1 AND t.finished_at IS NULL), 0),"
                              "  coalesce ((SELECT max (t.id) FROM exam_attempts t WHERE t.exam_id = e.id"
                              "             AND t.person_id = ?1 AND t.finished_at IS NOT NULL), 0)"
                              " FROM exams e"
                              " WHERE e.required > 0"
                              "  AND coalesce (e.created_by, 0) <> ?1"
                              "  AND NOT " CURRENT_CERTIFICATE_SQL ("e.id", "?1")
                              "  AND (e.required = 2"
                              "       OR (e.renew <> 0 AND ?3 > e.guideline_version)"
                              "       OR NOT EXISTS (SELECT 1 FROM assignments a WHERE a.person_id = ?1"
                              "                      AND a.task = 0 AND a.created_at < e.created_at))"
                              " ORDER BY e.id LIMIT 1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, person_id);
  sqlite3_bind_int64 (stmt, 3, version);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      gate = g_new0 (BwExamGate, 1);
      gate->exam_id = sqlite3_column_int64 (stmt, 0);
      gate->exam = _bw_column_dup_text (stmt, 1);
      gate->max_attempts = sqlite3_column_int (stmt, 2);
      gate->attempts_used = sqlite3_column_int (stmt, 3);
      gate->attempt_id = sqlite3_column_int64 (stmt, 4);
      gate->last_attempt_id = sqlite3_column_int64 (stmt, 5);
      rc = SQLITE_DONE;
    }
  if (!_bw_project_finish_rows (self, stmt, rc, error))
    return FALSE;
  if (gate == NULL)
    return TRUE;

  if (gate->attempt_id > 0)
    {
      if (!fill_progress (self, gate->attempt_id, &gate->n_images, &gate->n_submitted, error))
        return FALSE;
      gate->next_image_id = bw_project_get_next_exam_image (self, gate->attempt_id, 0, error);
      if (gate->next_image_id < 0)
        return FALSE;
    }
  if (gate->n_images == 0)
    {
      gint64 n = 0;

      if (!query_int64 (self, "SELECT count(*) FROM exam_images WHERE exam_id = ?1 AND ?2 = ?2",
                        gate->exam_id, 0, &n, error))
        return FALSE;
      gate->n_images = (guint) n;
    }

  *out_gate = g_steal_pointer (&gate);
  return TRUE;
}

/**
 * bw_project_check_queue_open:
 *
 * Returns: %TRUE when @person_id's work queue is open; %FALSE with
 *   @error set when a required exam holds them back (or on error)
 */
gboolean
bw_project_check_queue_open (BwProject  *self,
                             gint64      person_id,
                             GError    **error)
{
  g_autoptr(BwExamGate) gate = NULL;

  if (!bw_project_get_exam_gate (self, person_id, &gate, error))
    return FALSE;
  if (gate == NULL)
    return TRUE;

  g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
               _("Your work queue opens once you pass the exam “%s”; take the exam first: its images come before your own work."),
               gate->exam);
  return FALSE;
}

/* Attempts */

typedef struct
{
  gint64   id;
  gint64   exam_id;
  gint64   person_id;
  double   iou_threshold;
  gboolean finished;
} AttemptRow;

static gboolean
read_attempt_row (BwProject   *self,
                  gint64       attempt_id,
                  AttemptRow  *row,
                  GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = _bw_project_prepare (self,
                              "SELECT id, exam_id, person_id, iou_threshold, finished_at IS NOT NULL"
                              " FROM exam_attempts WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, attempt_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      row->id = sqlite3_column_int64 (stmt, 0);
      row->exam_id = sqlite3_column_int64 (stmt, 1);
      row->person_id = sqlite3_column_int64 (stmt, 2);
      row->iou_threshold = sqlite3_column_double (stmt, 3);
      row->finished = sqlite3_column_int (stmt, 4) != 0;
      rc = SQLITE_DONE;
    }
  else if (rc == SQLITE_DONE)
    {
      sqlite3_reset (stmt);
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_NOT_FOUND,
                   _("The exam attempt %" PRId64 " is not in the project “%s”."),
                   attempt_id, self->display_name);
      return FALSE;
    }
  return _bw_project_finish_rows (self, stmt, rc, error);
}

/**
 * bw_project_start_exam_attempt:
 * @out_attempt_id: (out) (optional): the attempt
 *
 * Opens @person_id's next attempt at the exam, or finds the one open.
 * Refused once the attempts allowed are used (the lead raises the
 * limit: bw_project_set_exam_max_attempts()), and when the person holds
 * a certificate of the exam that still counts.
 */
gboolean
bw_project_start_exam_attempt (BwProject  *self,
                               gint64      exam_id,
                               gint64      person_id,
                               gint64     *out_attempt_id,
                               GError    **error)
{
  g_autoptr(BwExam) exam = NULL;
  sqlite3_stmt *stmt;
  gint64 version, open_id = 0, used = 0, passed = 0, number = 0;
  int rc;

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (person_id > 0, FALSE);

  if (!bw_project_begin (self, error))
    return FALSE;

  if (!(exam = bw_project_get_exam (self, exam_id, error)))
    goto failed;
  version = version_or_zero (current_guideline_version (self));

  if (!query_int64 (self,
                    "SELECT coalesce (max (id), 0) FROM exam_attempts WHERE exam_id = ?1 AND person_id = ?2"
                    " AND finished_at IS NULL", exam_id, person_id, &open_id, error))
    goto failed;
  if (open_id > 0)
    {
      if (out_attempt_id != NULL)
        *out_attempt_id = open_id;
      return bw_project_commit (self, error);
    }

  stmt = _bw_project_prepare (self,
                              "SELECT " COUNTED_ATTEMPTS_SQL ", " CURRENT_CERTIFICATE_SQL ("e.id", "?1") ","
                              "  (SELECT coalesce (max (t.number), 0) FROM exam_attempts t"
                              "   WHERE t.exam_id = e.id AND t.person_id = ?1)"
                              " FROM exams e WHERE e.id = ?2", error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_int64 (stmt, 1, person_id);
  sqlite3_bind_int64 (stmt, 2, exam_id);
  sqlite3_bind_int64 (stmt, 3, version);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      used = sqlite3_column_int64 (stmt, 0);
      passed = sqlite3_column_int64 (stmt, 1);
      number = sqlite3_column_int64 (stmt, 2);
      rc = SQLITE_DONE;
    }
  if (!_bw_project_finish_rows (self, stmt, rc, error))
    goto failed;

  if (passed)
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                   _("You have passed the exam “%s” already; there is no need to take it again."),
                   exam->name);
      goto failed;
    }
  if (exam->max_attempts > 0 && used >= exam->max_attempts)
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                   g_dngettext (GETTEXT_PACKAGE,
                                "You have used the %d attempt the exam “%s” allows; ask your lead for another attempt.",
                                "You have used all %d attempts the exam “%s” allows; ask your lead for another attempt.",
                                exam->max_attempts),
                   exam->max_attempts, exam->name);
      goto failed;
    }

  stmt = _bw_project_prepare (self,
                              "INSERT INTO exam_attempts (exam_id, person_id, number, iou_threshold,"
                              " guideline_version, started_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)", error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_int64 (stmt, 1, exam_id);
  sqlite3_bind_int64 (stmt, 2, person_id);
  sqlite3_bind_int64 (stmt, 3, number + 1);
  sqlite3_bind_double (stmt, 4, exam->iou_threshold);
  sqlite3_bind_int64 (stmt, 5, version);
  sqlite3_bind_int64 (stmt, 6, _bw_project_now ());
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if ((rc & 0xff) == SQLITE_CONSTRAINT)
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_NOT_FOUND,
                   _("Nobody with the id %" PRId64 " is in the project “%s”."), person_id, self->display_name);
      goto failed;
    }
  if (rc != SQLITE_DONE)
    {
      _bw_project_set_error (self, rc, error);
      goto failed;
    }
  if (out_attempt_id != NULL)
    *out_attempt_id = sqlite3_last_insert_rowid (self->db);
  return bw_project_commit (self, error);

failed:
  bw_project_rollback (self);
  return FALSE;
}

/**
 * bw_project_check_exam_open:
 *
 * Returns: %TRUE when the attempt is open; %FALSE with @error set when
 *   it is over (its answers no longer change) or not found
 */
gboolean
bw_project_check_exam_open (BwProject  *self,
                            gint64      attempt_id,
                            GError    **error)
{
  BW_PROJECT_LOCK (self);
  AttemptRow row;

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);

  if (!read_attempt_row (self, attempt_id, &row, error))
    return FALSE;
  if (!row.finished)
    return TRUE;
  g_set_error_literal (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                       _("This exam attempt is over and was scored; its answers can no longer change."));
  return FALSE;
}

/**
 * bw_project_get_exam_answer_layer:
 *
 * Returns: the layer holding the attempt's answer to @image_id, 0 when
 *   none yet, -1 on error
 */
gint64
bw_project_get_exam_answer_layer (BwProject  *self,
                                  gint64      attempt_id,
                                  gint64      image_id,
                                  GError    **error)
{
  BW_PROJECT_LOCK (self);
  gint64 layer_id = 0;

  g_return_val_if_fail (BW_IS_PROJECT (self), -1);

  if (!query_int64 (self, "SELECT layer_id FROM exam_answers WHERE attempt_id = ?1 AND image_id = ?2",
                    attempt_id, image_id, &layer_id, error))
    return -1;
  return layer_id;
}

static gboolean
check_image_in_attempt (BwProject  *self,
                        gint64      attempt_id,
                        gint64      image_id,
                        GError    **error)
{
  gint64 n = 0;

  if (!query_int64 (self,
                    "SELECT count(*) FROM exam_attempts t JOIN exam_images x ON x.exam_id = t.exam_id"
                    " WHERE t.id = ?1 AND x.image_id = ?2", attempt_id, image_id, &n, error))
    return FALSE;
  if (n > 0)
    return TRUE;
  g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
               _("The image %" PRId64 " is not one of this exam’s images."), image_id);
  return FALSE;
}

/**
 * bw_project_ensure_exam_layer:
 * @out_layer_id: (out): the attempt's layer on @image_id
 *
 * Finds or makes the exam layer that holds the attempt's answer to
 * @image_id. Refused when the attempt is over or the image is not one of
 * the exam's.
 */
gboolean
bw_project_ensure_exam_layer (BwProject  *self,
                              gint64      attempt_id,
                              gint64      image_id,
                              gint64     *out_layer_id,
                              GError    **error)
{
  AttemptRow row;
  sqlite3_stmt *stmt;
  gint64 layer_id;

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (out_layer_id != NULL, FALSE);

  if (!bw_project_begin (self, error))
    return FALSE;

  if (!read_attempt_row (self, attempt_id, &row, error) ||
      !bw_project_check_exam_open (self, attempt_id, error) ||
      !check_image_in_attempt (self, attempt_id, image_id, error))
    goto failed;
  layer_id = bw_project_get_exam_answer_layer (self, attempt_id, image_id, error);
  if (layer_id < 0)
    goto failed;

  if (layer_id == 0)
    {
      gint64 now = _bw_project_now ();

      stmt = _bw_project_prepare (self,
                                  "INSERT INTO layers (image_id, person_id, kind, status, created_at, updated_at)"
                                  " VALUES (?1, ?2, 3, 0, ?3, ?3)", error);
      if (stmt == NULL)
        goto failed;
      sqlite3_bind_int64 (stmt, 1, image_id);
      sqlite3_bind_int64 (stmt, 2, row.person_id);
      sqlite3_bind_int64 (stmt, 3, now);
      if (!_bw_project_step_done (self, stmt, error))
        goto failed;
      layer_id = sqlite3_last_insert_rowid (self->db);

      stmt = _bw_project_prepare (self,
                                  "INSERT INTO exam_answers (attempt_id, image_id, layer_id) VALUES (?1, ?2, ?3)",
                                  error);
      if (stmt == NULL)
        goto failed;
      sqlite3_bind_int64 (stmt, 1, attempt_id);
      sqlite3_bind_int64 (stmt, 2, image_id);
      sqlite3_bind_int64 (stmt, 3, layer_id);
      if (!_bw_project_step_done (self, stmt, error))
        goto failed;
    }

  if (!bw_project_commit (self, error))
    return FALSE;
  *out_layer_id = layer_id;
  return TRUE;

failed:
  bw_project_rollback (self);
  return FALSE;
}

/**
 * bw_project_find_exam_attempt_for_image:
 *
 * Returns: @person_id's open exam attempt that has @image_id among its
 *   images, or 0 when none: an image shown to them then shows their
 *   answer in the attempt
 */
gint64
bw_project_find_exam_attempt_for_image (BwProject *self,
                                        gint64     person_id,
                                        gint64     image_id)
{
  BW_PROJECT_LOCK (self);
  gint64 attempt_id = 0;

  g_return_val_if_fail (BW_IS_PROJECT (self), 0);

  if (person_id <= 0 || image_id <= 0)
    return 0;
  if (!query_int64 (self,
                    "SELECT coalesce (max (t.id), 0) FROM exam_attempts t"
                    " JOIN exam_images x ON x.exam_id = t.exam_id"
                    " WHERE t.person_id = ?1 AND x.image_id = ?2 AND t.finished_at IS NULL",
                    person_id, image_id, &attempt_id, NULL))
    return 0;
  return attempt_id;
}

/**
 * bw_project_get_next_exam_image:
 * @after_image_id: the image shown, or 0
 *
 * Returns: the attempt's first image not handed in after @after_image_id
 *   in the exam's order (wrapping round, @after_image_id itself last), 0
 *   when every image is handed in, -1 on error
 */
gint64
bw_project_get_next_exam_image (BwProject  *self,
                                gint64      attempt_id,
                                gint64      after_image_id,
                                GError    **error)
{
  BW_PROJECT_LOCK (self);
  g_autoptr(GArray) ids = NULL;
  sqlite3_stmt *stmt;
  guint here = 0;

  g_return_val_if_fail (BW_IS_PROJECT (self), -1);

  stmt = _bw_project_prepare (self,
                              "SELECT x.image_id FROM exam_attempts t JOIN exam_images x ON x.exam_id = t.exam_id"
                              " LEFT JOIN exam_answers a ON a.attempt_id = t.id AND a.image_id = x.image_id"
                              " LEFT JOIN layers l ON l.id = a.layer_id"
                              " WHERE t.id = ?1 AND t.finished_at IS NULL AND coalesce (l.status, 0) <> 1"
                              " ORDER BY x.position, x.image_id", error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, attempt_id);
  if (!(ids = _bw_project_collect_ids (self, stmt, error)))
    return -1;
  if (ids->len == 0)
    return 0;

  /* Where @after_image_id is in the exam's order. */
  if (after_image_id > 0)
    {
      g_autoptr(GArray) all = NULL;

      stmt = _bw_project_prepare (self,
                                  "SELECT x.image_id FROM exam_attempts t JOIN exam_images x ON x.exam_id = t.exam_id"
                                  " WHERE t.id = ?1 ORDER BY x.position, x.image_id", error);
      if (stmt == NULL)
        return -1;
      sqlite3_bind_int64 (stmt, 1, attempt_id);
      if (!(all = _bw_project_collect_ids (self, stmt, error)))
        return -1;
      for (guint i = 0; i < all->len; i++)
        if (g_array_index (all, gint64, i) == after_image_id)
          here = i + 1;
      for (guint k = 0; k < all->len; k++)
        {
          gint64 id = g_array_index (all, gint64, (here + k) % all->len);

          for (guint j = 0; j < ids->len; j++)
            if (g_array_index (ids, gint64, j) == id && (id != after_image_id || ids->len == 1))
              return id;
        }
    }
  return g_array_index (ids, gint64, 0);
}

/* Scoring */

typedef struct
{
  guint64 loose;
  guint64 tight;
} Fit;

static Fit *
fit_for (GHashTable *fits,
         gint64      category_id)
{
  Fit *fit = g_hash_table_lookup (fits, &category_id);

  if (fit == NULL)
    {
      fit = g_new0 (Fit, 1);
      g_hash_table_insert (fits, g_memdup2 (&category_id, sizeof category_id), fit);
    }
  return fit;
}

static GArray *
match_shapes_of (GPtrArray *annotations)
{
  GArray *shapes = g_array_sized_new (FALSE, FALSE, sizeof (BwMatchShape), annotations->len);

  for (guint i = 0; i < annotations->len; i++)
    {
      const BwAnnotation *a = annotations->pdata[i];
      BwMatchShape s = { a->category_id, a->shape };

      g_array_append_val (shapes, s);
    }
  return shapes;
}

static gboolean
write_score (BwProject              *self,
             gint64                  attempt_id,
             gint64                  category_id,
             const BwQualityCounts  *c,
             const Fit              *fit,
             GError                **error)
{
  sqlite3_stmt *stmt;

  stmt = _bw_project_prepare (self,
                              "INSERT INTO exam_scores (attempt_id, category_id, tp, fp, fn, iou_sum, missed, extra,"
                              " wrong_category, poor_localisation, duplicate, loose, tight)"
                              " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, attempt_id);
  sqlite3_bind_int64 (stmt, 2, category_id);
  sqlite3_bind_int64 (stmt, 3, (gint64) c->tp);
  sqlite3_bind_int64 (stmt, 4, (gint64) c->fp);
  sqlite3_bind_int64 (stmt, 5, (gint64) c->fn);
  sqlite3_bind_double (stmt, 6, c->iou_sum);
  sqlite3_bind_int64 (stmt, 7, (gint64) c->errors[BW_MATCH_MISSED]);
  sqlite3_bind_int64 (stmt, 8, (gint64) c->errors[BW_MATCH_EXTRA]);
  sqlite3_bind_int64 (stmt, 9, (gint64) c->errors[BW_MATCH_WRONG_CATEGORY]);
  sqlite3_bind_int64 (stmt, 10, (gint64) c->errors[BW_MATCH_POOR_LOCALISATION]);
  sqlite3_bind_int64 (stmt, 11, (gint64) c->errors[BW_MATCH_DUPLICATE]);
  sqlite3_bind_int64 (stmt, 12, fit != NULL ? (gint64) fit->loose : 0);
  sqlite3_bind_int64 (stmt, 13, fit != NULL ? (gint64) fit->tight : 0);
  return _bw_project_step_done (self, stmt, error);
}

static gboolean
passes (const BwQualityCounts *c,
        double                 min_f1,
        double                 min_accuracy)
{
  return score_f1 (c) >= min_f1 && score_accuracy (c) >= min_accuracy;
}

/* Scores a finished attempt, inside the caller's transaction. */
static gboolean
score_attempt (BwProject   *self,
               const AttemptRow *row,
               gboolean    *out_passed,
               GError     **error)
{
  g_autoptr(BwExam) exam = NULL;
  g_autoptr(BwQualityTally) tally = bw_quality_tally_new ();
  g_autoptr(BwMatcher) matcher = bw_matcher_new (row->iou_threshold);
  g_autoptr(GHashTable) fits = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  g_autoptr(GArray) categories = NULL;
  g_autoptr(GArray) confusion = NULL;
  const BwQualityCounts *total;
  gboolean passed;
  Fit all_fit = { 0, 0 };
  sqlite3_stmt *stmt;

  if (!(exam = bw_project_get_exam (self, row->exam_id, error)))
    return FALSE;

  for (guint i = 0; i < exam->image_ids->len; i++)
    {
      gint64 image_id = g_array_index (exam->image_ids, gint64, i);
      g_autoptr(GPtrArray) gold = NULL;
      g_autoptr(GPtrArray) answer = NULL;
      g_autoptr(GArray) reference = NULL;
      g_autoptr(GArray) annotated = NULL;
      g_autofree BwMatchOutcome *a_out = NULL;
      g_autofree BwMatchOutcome *r_out = NULL;
      gint64 gold_layer, answer_layer;

      /* A gold answer removed since the exam was defined counts as an
       * image with nothing on it. */
      gold_layer = bw_project_get_gold_layer (self, image_id, error);
      answer_layer = bw_project_get_exam_answer_layer (self, row->id, image_id, error);
      if (gold_layer < 0 || answer_layer < 0)
        return FALSE;
      gold = gold_layer > 0 ? bw_project_list_annotations (self, gold_layer, error)
                            : g_ptr_array_new_with_free_func ((GDestroyNotify) bw_annotation_free);
      if (gold == NULL)
        return FALSE;
      answer = answer_layer > 0 ? bw_project_list_annotations (self, answer_layer, error)
                                : g_ptr_array_new_with_free_func ((GDestroyNotify) bw_annotation_free);
      if (answer == NULL)
        return FALSE;

      reference = match_shapes_of (gold);
      annotated = match_shapes_of (answer);
      a_out = g_new0 (BwMatchOutcome, MAX (annotated->len, 1));
      r_out = g_new0 (BwMatchOutcome, MAX (reference->len, 1));
      bw_matcher_match (matcher, (const BwMatchShape *) (void *) annotated->data, annotated->len,
                        (const BwMatchShape *) (void *) reference->data, reference->len, a_out, r_out);
      bw_quality_tally_add (tally, (const BwMatchShape *) (void *) annotated->data, annotated->len, a_out,
                            (const BwMatchShape *) (void *) reference->data, reference->len, r_out);

      /* How the shapes that found their object fit it: larger or smaller
       * than the gold shape, when their IoU is below BW_EXAM_FIT_IOU. */
      for (guint k = 0; k < annotated->len; k++)
        {
          const BwMatchOutcome *o = &a_out[k];
          const BwMatchShape *mine, *theirs;
          Fit *fit;

          if ((o->kind != BW_MATCH_TRUE_POSITIVE && o->kind != BW_MATCH_POOR_LOCALISATION) ||
              o->iou >= BW_EXAM_FIT_IOU)
            continue;
          mine = &g_array_index (annotated, BwMatchShape, k);
          theirs = &g_array_index (reference, BwMatchShape, o->partner);
          fit = fit_for (fits, theirs->category_id);
          if (bw_matcher_shape_area (matcher, mine->shape) > bw_matcher_shape_area (matcher, theirs->shape))
            {
              fit->loose++;
              all_fit.loose++;
            }
          else
            {
              fit->tight++;
              all_fit.tight++;
            }
        }
    }

  total = bw_quality_tally_get_counts (tally);
  categories = bw_quality_tally_dup_categories (tally);
  confusion = bw_quality_tally_dup_confusion (tally);

  passed = passes (total, exam->min_f1, exam->min_accuracy);
  if (!write_score (self, row->id, 0, total, &all_fit, error))
    return FALSE;
  for (guint i = 0; i < categories->len; i++)
    {
      const BwQualityCategory *c = &g_array_index (categories, BwQualityCategory, i);

      if (!write_score (self, row->id, c->category_id, &c->counts,
                        g_hash_table_lookup (fits, &c->category_id), error))
        return FALSE;
    }
  for (guint i = 0; i < exam->thresholds->len; i++)
    {
      const BwExamThreshold *t = &g_array_index (exam->thresholds, BwExamThreshold, i);
      BwQualityCounts none = { 0, };
      const BwQualityCounts *c = &none;

      for (guint k = 0; k < categories->len; k++)
        if (g_array_index (categories, BwQualityCategory, k).category_id == t->category_id)
          c = &g_array_index (categories, BwQualityCategory, k).counts;
      passed = passed && passes (c, t->min_f1, t->min_accuracy);
    }

  for (guint i = 0; i < confusion->len; i++)
    {
      const BwQualityConfusion *cell = &g_array_index (confusion, BwQualityConfusion, i);

      if (cell->reference_id == 0 || cell->annotated_id == 0 || cell->reference_id == cell->annotated_id)
        continue;
      stmt = _bw_project_prepare (self,
                                  "INSERT INTO exam_confusions (attempt_id, reference_id, annotated_id, count)"
                                  " VALUES (?1, ?2, ?3, ?4)", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, row->id);
      sqlite3_bind_int64 (stmt, 2, cell->reference_id);
      sqlite3_bind_int64 (stmt, 3, cell->annotated_id);
      sqlite3_bind_int64 (stmt, 4, (gint64) cell->count);
      if (!_bw_project_step_done (self, stmt, error))
        return FALSE;
    }

  stmt = _bw_project_prepare (self, "UPDATE exam_attempts SET finished_at = ?2, passed = ?3 WHERE id = ?1",
                              error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, row->id);
  sqlite3_bind_int64 (stmt, 2, _bw_project_now ());
  sqlite3_bind_int (stmt, 3, passed ? 1 : 0);
  if (!_bw_project_step_done (self, stmt, error))
    return FALSE;
  if (!keep_attempt_thresholds (self, row->exam_id, row->id, error))
    return FALSE;

  if (passed)
    {
      gint64 version = current_guideline_version (self);

      stmt = _bw_project_prepare (self,
                                  "INSERT INTO certificates (person_id, exam_id, attempt_id, f1, accuracy,"
                                  " guideline_version, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, row->person_id);
      sqlite3_bind_int64 (stmt, 2, row->exam_id);
      sqlite3_bind_int64 (stmt, 3, row->id);
      sqlite3_bind_double (stmt, 4, score_f1 (total));
      sqlite3_bind_double (stmt, 5, score_accuracy (total));
      if (version >= 0)
        sqlite3_bind_int64 (stmt, 6, version);
      else
        sqlite3_bind_null (stmt, 6);
      sqlite3_bind_int64 (stmt, 7, _bw_project_now ());
      if (!_bw_project_step_done (self, stmt, error))
        return FALSE;
    }

  *out_passed = passed;
  return TRUE;
}

/**
 * bw_project_submit_exam_image:
 * @out_finished: (out) (optional): whether that was the attempt's last
 *   image, and the attempt is now scored
 *
 * Hands in the attempt's answer to @image_id (an image answered with
 * nothing is handed in as such). When every image of the exam is handed
 * in, the attempt is scored in the same transaction, and a pass writes a
 * certificate.
 */
gboolean
bw_project_submit_exam_image (BwProject  *self,
                              gint64      attempt_id,
                              gint64      image_id,
                              gboolean   *out_finished,
                              GError    **error)
{
  AttemptRow row;
  sqlite3_stmt *stmt;
  gint64 layer_id = 0;
  gint64 next;
  gboolean finished = FALSE, passed = FALSE;

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);

  if (!bw_project_begin (self, error))
    return FALSE;

  if (!read_attempt_row (self, attempt_id, &row, error) ||
      !bw_project_ensure_exam_layer (self, attempt_id, image_id, &layer_id, error))
    goto failed;

  stmt = _bw_project_prepare (self, "UPDATE layers SET status = 1, updated_at = ?2 WHERE id = ?1", error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_int64 (stmt, 1, layer_id);
  sqlite3_bind_int64 (stmt, 2, _bw_project_now ());
  if (!_bw_project_step_done (self, stmt, error))
    goto failed;

  next = bw_project_get_next_exam_image (self, attempt_id, 0, error);
  if (next < 0)
    goto failed;
  if (next == 0)
    {
      if (!score_attempt (self, &row, &passed, error))
        goto failed;
      finished = TRUE;
    }

  if (!bw_project_commit (self, error))
    return FALSE;
  if (out_finished != NULL)
    *out_finished = finished;
  _bw_project_emit (self, BW_PROJECT_SIGNAL_LAYER_CHANGED, layer_id);
  return TRUE;

failed:
  bw_project_rollback (self);
  return FALSE;
}

/* Reading attempts */

static int
compare_hints (gconstpointer a,
               gconstpointer b)
{
  const BwExamHint *x = a, *y = b;

  if (x->count != y->count)
    return x->count > y->count ? -1 : 1;
  if (x->kind != y->kind)
    return x->kind < y->kind ? -1 : 1;
  if (x->category_id != y->category_id)
    return x->category_id < y->category_id ? -1 : 1;
  return x->other_id < y->other_id ? -1 : x->other_id > y->other_id;
}

static void
add_hint (GArray         *hints,
          BwExamHintKind  kind,
          gint64          category_id,
          gint64          other_id,
          guint64         count)
{
  BwExamHint hint = { kind, category_id, other_id, count };

  if (count > 0)
    g_array_append_val (hints, hint);
}

/* Returns: (transfer full) (nullable): an exam holding only the
 * thresholds @attempt_id was scored against, or %NULL when none were
 * kept (those of its exam, as they are, hold then) */
static BwExam *
read_kept_thresholds (BwProject  *self,
                      gint64      attempt_id,
                      GError    **error)
{
  g_autoptr(BwExam) kept = bw_exam_new (NULL);
  gboolean found = FALSE;
  sqlite3_stmt *stmt;
  int rc;

  stmt = _bw_project_prepare (self,
                              "SELECT category_id, min_f1, min_accuracy FROM exam_attempt_thresholds"
                              " WHERE attempt_id = ?1 ORDER BY category_id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, attempt_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      BwExamThreshold t = {
        sqlite3_column_int64 (stmt, 0),
        sqlite3_column_double (stmt, 1),
        sqlite3_column_double (stmt, 2),
      };

      found = TRUE;
      if (t.category_id == 0)
        {
          kept->min_f1 = t.min_f1;
          kept->min_accuracy = t.min_accuracy;
        }
      else
        g_array_append_val (kept->thresholds, t);
    }
  if (!_bw_project_finish_rows (self, stmt, rc, error))
    return NULL;
  return found ? g_steal_pointer (&kept) : NULL;
}

static gboolean
read_scores (BwProject      *self,
             BwExamAttempt  *attempt,
             const BwExam   *exam,
             GError        **error)
{
  g_autoptr(BwExam) kept = NULL;
  g_autoptr(GError) local_error = NULL;
  sqlite3_stmt *stmt;
  int rc;

  attempt->scores = g_array_new (FALSE, FALSE, sizeof (BwExamScore));
  attempt->hints = g_array_new (FALSE, FALSE, sizeof (BwExamHint));

  stmt = _bw_project_prepare (self,
                              "SELECT category_id, tp, fp, fn, iou_sum, missed, extra, wrong_category,"
                              " poor_localisation, duplicate, loose, tight"
                              " FROM exam_scores WHERE attempt_id = ?1 ORDER BY category_id", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, attempt->id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      BwExamScore s = { 0, };

      s.category_id = sqlite3_column_int64 (stmt, 0);
      s.counts.tp = (guint64) sqlite3_column_int64 (stmt, 1);
      s.counts.fp = (guint64) sqlite3_column_int64 (stmt, 2);
      s.counts.fn = (guint64) sqlite3_column_int64 (stmt, 3);
      s.counts.iou_sum = sqlite3_column_double (stmt, 4);
      s.counts.errors[BW_MATCH_MISSED] = (guint64) sqlite3_column_int64 (stmt, 5);
      s.counts.errors[BW_MATCH_EXTRA] = (guint64) sqlite3_column_int64 (stmt, 6);
      s.counts.errors[BW_MATCH_WRONG_CATEGORY] = (guint64) sqlite3_column_int64 (stmt, 7);
      s.counts.errors[BW_MATCH_POOR_LOCALISATION] = (guint64) sqlite3_column_int64 (stmt, 8);
      s.counts.errors[BW_MATCH_DUPLICATE] = (guint64) sqlite3_column_int64 (stmt, 9);
      s.loose = (guint64) sqlite3_column_int64 (stmt, 10);
      s.tight = (guint64) sqlite3_column_int64 (stmt, 11);
      s.min_f1 = -1;
      s.min_accuracy = -1;
      g_array_append_val (attempt->scores, s);
    }
  if (!_bw_project_finish_rows (self, stmt, rc, error))
    return FALSE;
  if (attempt->finished_at == 0)
    return TRUE;

  kept = read_kept_thresholds (self, attempt->id, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (kept != NULL)
    exam = kept;

  /* A category with a threshold and no shape at all still shows. */
  for (guint i = 0; exam != NULL && i < exam->thresholds->len; i++)
    {
      const BwExamThreshold *t = &g_array_index (exam->thresholds, BwExamThreshold, i);
      gboolean found = FALSE;

      for (guint k = 0; k < attempt->scores->len; k++)
        found = found || g_array_index (attempt->scores, BwExamScore, k).category_id == t->category_id;
      if (!found)
        {
          BwExamScore s = { .category_id = t->category_id, .min_f1 = -1, .min_accuracy = -1 };
          guint at = 0;

          while (at < attempt->scores->len &&
                 g_array_index (attempt->scores, BwExamScore, at).category_id < t->category_id)
            at++;
          g_array_insert_val (attempt->scores, at, s);
        }
    }

  for (guint k = 0; k < attempt->scores->len; k++)
    {
      BwExamScore *s = &g_array_index (attempt->scores, BwExamScore, k);

      if (s->category_id == 0 && exam != NULL)
        {
          s->min_f1 = exam->min_f1;
          s->min_accuracy = exam->min_accuracy;
        }
      for (guint i = 0; exam != NULL && i < exam->thresholds->len; i++)
        {
          const BwExamThreshold *t = &g_array_index (exam->thresholds, BwExamThreshold, i);

          if (t->category_id == s->category_id)
            {
              s->min_f1 = t->min_f1;
              s->min_accuracy = t->min_accuracy;
            }
        }
      s->passed = passes (&s->counts, MAX (s->min_f1, 0), MAX (s->min_accuracy, 0));

      if (s->category_id == 0)
        continue;
      add_hint (attempt->hints, BW_EXAM_HINT_MISSED, s->category_id, 0, s->counts.errors[BW_MATCH_MISSED]);
      add_hint (attempt->hints, BW_EXAM_HINT_EXTRA, s->category_id, 0, s->counts.errors[BW_MATCH_EXTRA]);
      add_hint (attempt->hints, BW_EXAM_HINT_LOOSE, s->category_id, 0, s->loose);
      add_hint (attempt->hints, BW_EXAM_HINT_TIGHT, s->category_id, 0, s->tight);
      add_hint (attempt->hints, BW_EXAM_HINT_DUPLICATE, s->category_id, 0, s->counts.errors[BW_MATCH_DUPLICATE]);
    }

  stmt = _bw_project_prepare (self,
                              "SELECT reference_id, annotated_id, count FROM exam_confusions WHERE attempt_id = ?1",
                              error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, attempt->id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    add_hint (attempt->hints, BW_EXAM_HINT_WRONG_CATEGORY, sqlite3_column_int64 (stmt, 0),
              sqlite3_column_int64 (stmt, 1), (guint64) sqlite3_column_int64 (stmt, 2));
  if (!_bw_project_finish_rows (self, stmt, rc, error))
    return FALSE;

  g_array_sort (attempt->hints, compare_hints);
  return TRUE;
}

/**
 * bw_project_get_exam_attempt:
 *
 * Returns: (transfer full): the attempt, with its scores and hints once
 *   it is finished, or %NULL with @error set
 */
BwExamAttempt *
bw_project_get_exam_attempt (BwProject  *self,
                             gint64      attempt_id,
                             GError    **error)
{
  BW_PROJECT_LOCK (self);
  g_autoptr(BwExamAttempt) attempt = NULL;
  g_autoptr(BwExam) exam = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (BW_IS_PROJECT (self), NULL);

  stmt = _bw_project_prepare (self,
                              "SELECT t.id, t.exam_id, e.name, t.person_id, p.name, t.number, t.iou_threshold,"
                              "  t.guideline_version, t.started_at, coalesce (t.finished_at, 0), t.passed"
                              " FROM exam_attempts t JOIN exams e ON e.id = t.exam_id"
                              " JOIN people p ON p.id = t.person_id WHERE t.id = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, attempt_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      attempt = g_new0 (BwExamAttempt, 1);
      attempt->id = sqlite3_column_int64 (stmt, 0);
      attempt->exam_id = sqlite3_column_int64 (stmt, 1);
      attempt->exam = _bw_column_dup_text (stmt, 2);
      attempt->person_id = sqlite3_column_int64 (stmt, 3);
      attempt->person = _bw_column_dup_text (stmt, 4);
      attempt->number = sqlite3_column_int (stmt, 5);
      attempt->iou_threshold = sqlite3_column_double (stmt, 6);
      attempt->guideline_version = sqlite3_column_int64 (stmt, 7);
      attempt->started_at = sqlite3_column_int64 (stmt, 8);
      attempt->finished_at = sqlite3_column_int64 (stmt, 9);
      attempt->passed = sqlite3_column_int (stmt, 10) != 0;
      rc = SQLITE_DONE;
    }
  if (!_bw_project_finish_rows (self, stmt, rc, error))
    return NULL;
  if (attempt == NULL)
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_NOT_FOUND,
                   _("The exam attempt %" PRId64 " is not in the project “%s”."),
                   attempt_id, self->display_name);
      return NULL;
    }

  if (!fill_progress (self, attempt->id, &attempt->n_images, &attempt->n_submitted, error) ||
      !(exam = bw_project_get_exam (self, attempt->exam_id, error)) ||
      !read_scores (self, attempt, exam, error))
    return NULL;
  return g_steal_pointer (&attempt);
}

/**
 * bw_project_list_exam_attempts:
 * @exam_id: an exam, or 0 for all
 * @person_id: a person, or 0 for everyone
 *
 * Returns: (transfer full) (element-type BwExamAttempt): the attempts,
 *   oldest first
 */
GPtrArray *
bw_project_list_exam_attempts (BwProject  *self,
                               gint64      exam_id,
                               gint64      person_id,
                               GError    **error)
{
  BW_PROJECT_LOCK (self);
  g_autoptr(GPtrArray) attempts = g_ptr_array_new_with_free_func ((GDestroyNotify) bw_exam_attempt_free);
  g_autoptr(GArray) ids = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (BW_IS_PROJECT (self), NULL);

  stmt = _bw_project_prepare (self,
                              "SELECT id FROM exam_attempts WHERE (?1 = 0 OR exam_id = ?1)"
                              " AND (?2 = 0 OR person_id = ?2) ORDER BY id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, exam_id);
  sqlite3_bind_int64 (stmt, 2, person_id);
  if (!(ids = _bw_project_collect_ids (self, stmt, error)))
    return NULL;
  for (guint i = 0; i < ids->len; i++)
    {
      BwExamAttempt *attempt = bw_project_get_exam_attempt (self, g_array_index (ids, gint64, i), error);

      if (attempt == NULL)
        return NULL;
      g_ptr_array_add (attempts, attempt);
    }
  return g_steal_pointer (&attempts);
}

/**
 * bw_project_list_certificates:
 * @person_id: a person, or 0 for everyone
 *
 * Returns: (transfer full) (element-type BwCertificate): the
 *   certificates, by person's name then date
 */
GPtrArray *
bw_project_list_certificates (BwProject  *self,
                              gint64      person_id,
                              GError    **error)
{
  BW_PROJECT_LOCK (self);
  g_autoptr(GPtrArray) certificates = g_ptr_array_new_with_free_func ((GDestroyNotify) bw_certificate_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (BW_IS_PROJECT (self), NULL);

  stmt = _bw_project_prepare (self,
                              "SELECT c.id, c.person_id, p.name, c.exam_id, e.name, c.attempt_id, c.f1,"
                              "  c.accuracy, coalesce (c.guideline_version, -1), c.created_at,"
                              "  ((e.renew = 0 OR coalesce (c.guideline_version, 0) >= ?2)"
                              "   AND coalesce (c.guideline_version, 0) >= e.renewed_version)"
                              " FROM certificates c JOIN people p ON p.id = c.person_id"
                              " JOIN exams e ON e.id = c.exam_id"
                              " WHERE (?1 = 0 OR c.person_id = ?1)"
                              " ORDER BY p.name, c.created_at, c.id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, person_id);
  sqlite3_bind_int64 (stmt, 2, version_or_zero (current_guideline_version (self)));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      BwCertificate *c = g_new0 (BwCertificate, 1);

      c->id = sqlite3_column_int64 (stmt, 0);
      c->person_id = sqlite3_column_int64 (stmt, 1);
      c->person = _bw_column_dup_text (stmt, 2);
      c->exam_id = sqlite3_column_int64 (stmt, 3);
      c->exam = _bw_column_dup_text (stmt, 4);
      c->attempt_id = sqlite3_column_int64 (stmt, 5);
      c->f1 = sqlite3_column_double (stmt, 6);
      c->accuracy = sqlite3_column_double (stmt, 7);
      c->guideline_version = sqlite3_column_int64 (stmt, 8);
      c->created_at = sqlite3_column_int64 (stmt, 9);
      c->current = sqlite3_column_int (stmt, 10) != 0;
      g_ptr_array_add (certificates, c);
    }
  if (!_bw_project_finish_rows (self, stmt, rc, error))
    return NULL;
  return g_steal_pointer (&certificates);
}
