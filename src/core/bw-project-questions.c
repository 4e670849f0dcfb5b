/* bw-project-questions.c — questions on ambiguous cases, and guideline
 * examples
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An annotator who cannot tell how a case should be labelled flags the
 * shape (its exact annotation version) or the whole image with a
 * question. The lead answers it; the answer shows to the asker at the
 * shape, and can be promoted to a guideline example: the shape, pinned
 * as a positive or negative example of its category, shown to everyone
 * with the category's guideline. An example copies the geometry of the
 * version it was taken from, so later edits of the annotation do not
 * change what the guideline shows.
 *
 * When the project says so (setting "questions.hold"), an open question
 * holds its image back: the asker's work on it cannot be submitted until
 * the question is answered (bw_project_submit_layer()).
 *
 * Every statement is plain SQL that PostgreSQL runs as well.
 */

#define G_LOG_DOMAIN "bw-project"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <string.h>

#include "bw-project-private.h"

/* Long enough for a paragraph, short enough for a marker and a list row. */
#define MAX_QUESTION_CHARS 2000

#define HOLD_SETTING "questions.hold"

void
bw_guideline_example_free (BwGuidelineExample *example)
{
  if (example == NULL)
    return;

  g_free (example->image_path);
  g_clear_pointer (&example->shape, bw_shape_free);
  g_free (example->note);
  g_free (example);
}

void
bw_question_free (BwQuestion *question)
{
  if (question == NULL)
    return;

  g_free (question->image_path);
  g_free (question->asker);
  g_free (question->text);
  g_free (question->answer);
  g_free (question->answerer);
  g_free (question);
}

void
bw_question_count_free (BwQuestionCount *count)
{
  if (count == NULL)
    return;

  g_free (count->name);
  g_free (count);
}

static void
bind_id_or_null (sqlite3_stmt *stmt,
                 int           column,
                 gint64        id)
{
  if (id > 0)
    sqlite3_bind_int64 (stmt, column, id);
  else
    sqlite3_bind_null (stmt, column);
}

/* A question's or an answer's text: not empty, valid UTF-8, not too
 * long. Returns it trimmed. */
static char *
check_text (const char  *text,
            gboolean     answer,
            GError     **error)
{
  g_autofree char *trimmed = NULL;

  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                   answer ? _("The answer is not valid UTF-8 text; type it again.")
                          : _("The question is not valid UTF-8 text; type it again."));
      return NULL;
    }
  trimmed = g_strstrip (g_strdup (text));
  if (trimmed[0] == '\0')
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                   answer ? _("The answer is empty; type what the annotator should do.")
                          : _("The question is empty; type what is unclear about this case."));
      return NULL;
    }
  if (g_utf8_strlen (trimmed, -1) > MAX_QUESTION_CHARS)
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                   _("The text is longer than %d characters; shorten it."), MAX_QUESTION_CHARS);
      return NULL;
    }
  return g_steal_pointer (&trimmed);
}

/* Examples */

#define EXAMPLE_COLUMNS \
  "e.id, e.category_id, e.positive, e.image_id, i.path, coalesce (e.annotation_id, 0)," \
  " coalesce (e.annotation_version, 0), e.kind, e.x0, e.y0, e.x1, e.y1, e.parts, e.note," \
  " coalesce (e.person_id, 0), coalesce (e.question_id, 0), e.created_at"

static BwGuidelineExample *
example_from_row (BwProject     *self,
                  sqlite3_stmt  *stmt,
                  GError       **error)
{
  g_autoptr(BwGuidelineExample) example = g_new0 (BwGuidelineExample, 1);
  BwRect bbox;

  example->id = sqlite3_column_int64 (stmt, 0);
  example->category_id = sqlite3_column_int64 (stmt, 1);
  example->positive = sqlite3_column_int (stmt, 2) != 0;
  example->image_id = sqlite3_column_int64 (stmt, 3);
  example->image_path = _bw_column_dup_text (stmt, 4);
  example->annotation_id = sqlite3_column_int64 (stmt, 5);
  example->annotation_version = sqlite3_column_int (stmt, 6);
  bbox.x0 = sqlite3_column_double (stmt, 8);
  bbox.y0 = sqlite3_column_double (stmt, 9);
  bbox.x1 = sqlite3_column_double (stmt, 10);
  bbox.y1 = sqlite3_column_double (stmt, 11);
  example->shape = bw_shape_deserialize (sqlite3_column_int (stmt, 7), &bbox,
                                         sqlite3_column_blob (stmt, 12),
                                         sqlite3_column_bytes (stmt, 12), error);
  if (example->shape == NULL)
    {
      g_prefix_error (error, _("Guideline example %" PRId64 " in “%s”: "),
                      example->id, self->display_name);
      return NULL;
    }
  example->note = _bw_column_dup_text (stmt, 13);
  if (example->note == NULL)
    example->note = g_strdup ("");
  example->person_id = sqlite3_column_int64 (stmt, 14);
  example->question_id = sqlite3_column_int64 (stmt, 15);
  example->created_at = sqlite3_column_int64 (stmt, 16);
  return g_steal_pointer (&example);
}

/* Copies the annotation's @version (its current row or a kept one; 0:
 * the current one) into a new example, inside the caller's transaction. */
static gboolean
insert_example (BwProject   *self,
                gint64       annotation_id,
                int          version,
                gboolean     positive,
                gint64       person_id,
                const char  *note,
                gint64       question_id,
                gint64      *out_id,
                GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = _bw_project_prepare (self,
                              "INSERT INTO guideline_examples (category_id, positive, image_id,"
                              " annotation_id, annotation_version, kind, x0, y0, x1, y1, parts,"
                              " note, person_id, question_id, created_at)"
                              " SELECT v.category_id, ?3, l.image_id, v.id, v.version, v.kind,"
                              "  v.x0, v.y0, v.x1, v.y1, v.parts, ?4, ?5, ?6, ?7"
                              " FROM (SELECT id, version, layer_id, category_id, kind, x0, y0, x1, y1, parts"
                              "       FROM annotations WHERE id = ?1 AND (?2 = 0 OR version = ?2)"
                              "       UNION ALL"
                              "       SELECT annotation_id, version, layer_id, category_id, kind,"
                              "        x0, y0, x1, y1, parts"
                              "       FROM annotation_versions WHERE annotation_id = ?1 AND version = ?2) v"
                              " JOIN layers l ON l.id = v.layer_id"
                              " JOIN categories c ON c.id = v.category_id"
                              " LIMIT 1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, annotation_id);
  sqlite3_bind_int (stmt, 2, version);
  sqlite3_bind_int (stmt, 3, positive ? 1 : 0);
  sqlite3_bind_text (stmt, 4, note != NULL ? note : "", -1, SQLITE_TRANSIENT);
  bind_id_or_null (stmt, 5, person_id);
  bind_id_or_null (stmt, 6, question_id);
  sqlite3_bind_int64 (stmt, 7, _bw_project_now ());

  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc == SQLITE_CONSTRAINT_UNIQUE)
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_DUPLICATE,
                   _("This shape is already an example of its category in “%s”; unpin it first to pin it the other way."),
                   self->display_name);
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    {
      _bw_project_set_error (self, rc, error);
      return FALSE;
    }
  if (sqlite3_changes (self->db) == 0)
    {
      _bw_project_set_not_found (self, BW_PROJECT_ITEM_ANNOTATION, annotation_id, error);
      return FALSE;
    }
  if (out_id != NULL)
    *out_id = sqlite3_last_insert_rowid (self->db);
  return TRUE;
}

/**
 * bw_project_add_example:
 * @annotation_id: the shape to pin, as it is now
 * @positive: %TRUE: "this counts as its category"; %FALSE: "this does not"
 * @person_id: who pins it, or 0
 * @note: (nullable): why, shown with the example
 *
 * Pins a shape as an example of its category. The guideline version goes
 * up by one.
 */
gboolean
bw_project_add_example (BwProject   *self,
                        gint64       annotation_id,
                        gboolean     positive,
                        gint64       person_id,
                        const char  *note,
                        gint64      *out_id,
                        GError     **error)
{
  BW_PROJECT_LOCK (self);

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);

  if (note != NULL && !g_utf8_validate (note, -1, NULL))
    note = NULL;
  if (!insert_example (self, annotation_id, 0, positive, person_id, note, 0, out_id, error))
    return FALSE;

  _bw_project_emit_changed (self, BW_PROJECT_SIGNAL_CATEGORIES_CHANGED);
  return TRUE;
}

/**
 * bw_project_delete_example:
 *
 * Unpins an example. The guideline version goes up by one.
 */
gboolean
bw_project_delete_example (BwProject  *self,
                           gint64      example_id,
                           GError    **error)
{
  BW_PROJECT_LOCK (self);
  sqlite3_stmt *stmt;

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);

  stmt = _bw_project_prepare (self, "DELETE FROM guideline_examples WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, example_id);
  if (!_bw_project_step_done (self, stmt, error))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_NOT_FOUND,
                   _("There is no guideline example %" PRId64 " in “%s”; it may have been unpinned already."),
                   example_id, self->display_name);
      return FALSE;
    }

  _bw_project_emit_changed (self, BW_PROJECT_SIGNAL_CATEGORIES_CHANGED);
  return TRUE;
}

/**
 * bw_project_find_example:
 *
 * Returns: the example pinned from the current version of @annotation_id,
 *   or 0 when it is not one
 */
gint64
bw_project_find_example (BwProject *self,
                         gint64     annotation_id)
{
  BW_PROJECT_LOCK (self);
  sqlite3_stmt *stmt;
  gint64 id = 0;

  g_return_val_if_fail (BW_IS_PROJECT (self), 0);

  stmt = _bw_project_prepare (self,
                              "SELECT e.id FROM guideline_examples e"
                              " JOIN annotations a ON a.id = e.annotation_id AND a.version = e.annotation_version"
                              " WHERE e.annotation_id = ?1 ORDER BY e.id DESC LIMIT 1", NULL);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, annotation_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return id;
}

/**
 * bw_project_list_examples:
 * @category_id: one category's examples, or 0 for all
 *
 * Returns: (transfer full) (element-type BwGuidelineExample): the
 *   examples by category order, positive ones first, oldest first; an
 *   example whose stored geometry is damaged is left out
 */
GPtrArray *
bw_project_list_examples (BwProject  *self,
                          gint64      category_id,
                          GError    **error)
{
  BW_PROJECT_LOCK (self);
  g_autoptr(GPtrArray) examples = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (BW_IS_PROJECT (self), NULL);

  stmt = _bw_project_prepare (self,
                              "SELECT " EXAMPLE_COLUMNS " FROM guideline_examples e"
                              " JOIN images i ON i.id = e.image_id"
                              " JOIN categories c ON c.id = e.category_id"
                              " WHERE ?1 = 0 OR e.category_id = ?1"
                              " ORDER BY c.position, c.id, e.positive DESC, e.id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, category_id);

  examples = g_ptr_array_new_with_free_func ((GDestroyNotify) bw_guideline_example_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(GError) local_error = NULL;
      BwGuidelineExample *example = example_from_row (self, stmt, &local_error);

      if (example != NULL)
        g_ptr_array_add (examples, example);
      else
        g_debug ("%s", local_error->message);
    }
  if (!_bw_project_finish_rows (self, stmt, rc, error))
    return NULL;

  return g_steal_pointer (&examples);
}

/* Questions */

#define QUESTION_COLUMNS \
  "q.id, q.image_id, i.path, coalesce (q.layer_id, 0), coalesce (q.annotation_id, 0)," \
  " coalesce (q.annotation_version, 0), coalesce (q.category_id, 0), q.x, q.y," \
  " coalesce (q.asker_id, 0), asker.name, q.text, q.asked_at, q.answer," \
  " coalesce (q.answerer_id, 0), answerer.name, coalesce (q.answered_at, 0)," \
  " coalesce (q.example_id, 0)"

#define QUESTION_FROM \
  " FROM questions q JOIN images i ON i.id = q.image_id" \
  " LEFT JOIN people asker ON asker.id = q.asker_id" \
  " LEFT JOIN people answerer ON answerer.id = q.answerer_id"

static BwQuestion *
question_from_row (sqlite3_stmt *stmt)
{
  BwQuestion *q = g_new0 (BwQuestion, 1);

  q->id = sqlite3_column_int64 (stmt, 0);
  q->image_id = sqlite3_column_int64 (stmt, 1);
  q->image_path = _bw_column_dup_text (stmt, 2);
  q->layer_id = sqlite3_column_int64 (stmt, 3);
  q->annotation_id = sqlite3_column_int64 (stmt, 4);
  q->annotation_version = sqlite3_column_int (stmt, 5);
  q->category_id = sqlite3_column_int64 (stmt, 6);
  q->x = sqlite3_column_double (stmt, 7);
  q->y = sqlite3_column_double (stmt, 8);
  q->asker_id = sqlite3_column_int64 (stmt, 9);
  q->asker = _bw_column_dup_text (stmt, 10);
  q->text = _bw_column_dup_text (stmt, 11);
  q->asked_at = sqlite3_column_int64 (stmt, 12);
  q->answer = _bw_column_dup_text (stmt, 13);
  q->answerer_id = sqlite3_column_int64 (stmt, 14);
  q->answerer = _bw_column_dup_text (stmt, 15);
  q->answered_at = sqlite3_column_int64 (stmt, 16);
  q->example_id = sqlite3_column_int64 (stmt, 17);
  return q;
}

/**
 * bw_project_ask_question:
 * @layer_id: the asker's layer on the image, or 0
 * @annotation_id: the shape asked about (its current version), or 0 for
 *   the whole image
 * @asker_id: who asks, or 0
 * @text: the question
 *
 * Flags a shape or an image as ambiguous. The marker of a shape's
 * question stands at the top-left corner of its bounding box; an image's
 * at the image's centre.
 */
gboolean
bw_project_ask_question (BwProject   *self,
                         gint64       image_id,
                         gint64       layer_id,
                         gint64       annotation_id,
                         gint64       asker_id,
                         const char  *text,
                         gint64      *out_id,
                         GError     **error)
{
  BW_PROJECT_LOCK (self);
  g_autofree char *question = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);

  if (!(question = check_text (text, FALSE, error)))
    return FALSE;

  if (annotation_id > 0)
    stmt = _bw_project_prepare (self,
                                "INSERT INTO questions (image_id, layer_id, annotation_id,"
                                " annotation_version, category_id, x, y, asker_id, text, asked_at)"
                                " SELECT l.image_id, a.layer_id, a.id, a.version, a.category_id,"
                                "  a.x0, a.y0, ?4, ?5, ?6"
                                " FROM annotations a JOIN layers l ON l.id = a.layer_id"
                                " WHERE a.id = ?3 AND l.image_id = ?1", error);
  else
    stmt = _bw_project_prepare (self,
                                "INSERT INTO questions (image_id, layer_id, x, y, asker_id, text, asked_at)"
                                " SELECT id, ?2, width / 2.0, height / 2.0, ?4, ?5, ?6"
                                " FROM images WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, image_id);
  bind_id_or_null (stmt, 2, layer_id);
  sqlite3_bind_int64 (stmt, 3, annotation_id);
  bind_id_or_null (stmt, 4, asker_id);
  sqlite3_bind_text (stmt, 5, question, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 6, _bw_project_now ());
  if (!_bw_project_step_done (self, stmt, error))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    {
      if (annotation_id > 0)
        _bw_project_set_not_found (self, BW_PROJECT_ITEM_ANNOTATION, annotation_id, error);
      else
        _bw_project_set_not_found (self, BW_PROJECT_ITEM_IMAGE, image_id, error);
      return FALSE;
    }
  if (out_id != NULL)
    *out_id = sqlite3_last_insert_rowid (self->db);

  _bw_project_emit (self, BW_PROJECT_SIGNAL_QUESTIONS_CHANGED, image_id);
  return TRUE;
}

static gboolean
set_question_not_found (BwProject  *self,
                        gint64      question_id,
                        GError    **error)
{
  g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_NOT_FOUND,
               _("There is no question %" PRId64 " in “%s”; list the questions to see their numbers."),
               question_id, self->display_name);
  return FALSE;
}

/**
 * bw_project_get_question:
 *
 * Returns: (transfer full): the question, or %NULL with @error set
 */
BwQuestion *
bw_project_get_question (BwProject  *self,
                         gint64      question_id,
                         GError    **error)
{
  BW_PROJECT_LOCK (self);
  BwQuestion *question = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (BW_IS_PROJECT (self), NULL);

  stmt = _bw_project_prepare (self, "SELECT " QUESTION_COLUMNS QUESTION_FROM " WHERE q.id = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, question_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    question = question_from_row (stmt);
  sqlite3_reset (stmt);
  if (rc == SQLITE_DONE)
    set_question_not_found (self, question_id, error);
  else if (rc != SQLITE_ROW)
    _bw_project_set_error (self, rc, error);
  return question;
}

/**
 * bw_project_answer_question:
 * @answerer_id: who answers, or 0
 *
 * Answers a question, or changes its answer.
 */
gboolean
bw_project_answer_question (BwProject   *self,
                            gint64       question_id,
                            gint64       answerer_id,
                            const char  *answer,
                            GError     **error)
{
  BW_PROJECT_LOCK (self);
  g_autofree char *text = NULL;
  sqlite3_stmt *stmt;
  gint64 image_id = 0;
  int rc;

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);

  if (!(text = check_text (answer, TRUE, error)))
    return FALSE;

  stmt = _bw_project_prepare (self,
                              "UPDATE questions SET answer = ?2, answerer_id = ?3, answered_at = ?4"
                              " WHERE id = ?1 RETURNING image_id", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, question_id);
  sqlite3_bind_text (stmt, 2, text, -1, SQLITE_TRANSIENT);
  bind_id_or_null (stmt, 3, answerer_id);
  sqlite3_bind_int64 (stmt, 4, _bw_project_now ());
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      image_id = sqlite3_column_int64 (stmt, 0);
      rc = sqlite3_step (stmt);
    }
  if (!_bw_project_finish_rows (self, stmt, rc, error))
    return FALSE;
  if (image_id == 0)
    return set_question_not_found (self, question_id, error);

  _bw_project_emit (self, BW_PROJECT_SIGNAL_QUESTIONS_CHANGED, image_id);
  return TRUE;
}

/**
 * bw_project_promote_question:
 * @person_id: who promotes it, or 0
 * @positive: whether the shape counts as its category
 *
 * Makes the shape of an answered question an example of its category,
 * with the answer as its note, for everyone. The shape is taken as it was
 * when asked about.
 */
gboolean
bw_project_promote_question (BwProject  *self,
                             gint64      question_id,
                             gint64      person_id,
                             gboolean    positive,
                             gint64     *out_example_id,
                             GError    **error)
{
  BW_PROJECT_LOCK (self);
  g_autoptr(BwQuestion) question = NULL;
  sqlite3_stmt *stmt;
  gint64 example_id = 0;

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);

  if (!(question = bw_project_get_question (self, question_id, error)))
    return FALSE;
  if (question->answer == NULL)
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                   _("Question %" PRId64 " is not answered yet; answer it before making it an example."),
                   question_id);
      return FALSE;
    }
  if (question->annotation_id == 0)
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                   _("Question %" PRId64 " is about a whole image, not a shape; only a shape can be an example."),
                   question_id);
      return FALSE;
    }
  if (question->example_id != 0)
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_DUPLICATE,
                   _("Question %" PRId64 " is already a guideline example."), question_id);
      return FALSE;
    }

  if (!bw_project_begin (self, error))
    return FALSE;
  if (!insert_example (self, question->annotation_id, question->annotation_version, positive,
                       person_id, question->answer, question_id, &example_id, error))
    goto failed;
  stmt = _bw_project_prepare (self, "UPDATE questions SET example_id = ?2 WHERE id = ?1", error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_int64 (stmt, 1, question_id);
  sqlite3_bind_int64 (stmt, 2, example_id);
  if (!_bw_project_step_done (self, stmt, error) || !bw_project_commit (self, error))
    goto failed;

  if (out_example_id != NULL)
    *out_example_id = example_id;
  _bw_project_emit_changed (self, BW_PROJECT_SIGNAL_CATEGORIES_CHANGED);
  _bw_project_emit (self, BW_PROJECT_SIGNAL_QUESTIONS_CHANGED, question->image_id);
  return TRUE;

failed:
  bw_project_rollback (self);
  return FALSE;
}

/**
 * bw_project_delete_question:
 *
 * Withdraws a question (its example, if any, stays).
 */
gboolean
bw_project_delete_question (BwProject  *self,
                            gint64      question_id,
                            GError    **error)
{
  BW_PROJECT_LOCK (self);
  sqlite3_stmt *stmt;
  gint64 image_id = 0;
  int rc;

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);

  stmt = _bw_project_prepare (self, "DELETE FROM questions WHERE id = ?1 RETURNING image_id", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, question_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      image_id = sqlite3_column_int64 (stmt, 0);
      rc = sqlite3_step (stmt);
    }
  if (!_bw_project_finish_rows (self, stmt, rc, error))
    return FALSE;
  if (image_id == 0)
    return set_question_not_found (self, question_id, error);

  _bw_project_emit (self, BW_PROJECT_SIGNAL_QUESTIONS_CHANGED, image_id);
  return TRUE;
}

/**
 * bw_project_list_questions:
 * @open_only: only the questions not answered yet
 * @image_id: one image's questions, or 0 for all
 *
 * Returns: (transfer full) (element-type BwQuestion): the questions,
 *   oldest first, or %NULL with @error set
 */
GPtrArray *
bw_project_list_questions (BwProject  *self,
                           gboolean    open_only,
                           gint64      image_id,
                           GError    **error)
{
  BW_PROJECT_LOCK (self);
  g_autoptr(GPtrArray) questions = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (BW_IS_PROJECT (self), NULL);

  stmt = _bw_project_prepare (self,
                              "SELECT " QUESTION_COLUMNS QUESTION_FROM
                              " WHERE (NOT ?1 OR q.answered_at IS NULL) AND (?2 = 0 OR q.image_id = ?2)"
                              " ORDER BY q.id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int (stmt, 1, open_only ? 1 : 0);
  sqlite3_bind_int64 (stmt, 2, image_id);

  questions = g_ptr_array_new_with_free_func ((GDestroyNotify) bw_question_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (questions, question_from_row (stmt));
  if (!_bw_project_finish_rows (self, stmt, rc, error))
    return NULL;

  return g_steal_pointer (&questions);
}

static GPtrArray *
collect_counts (BwProject     *self,
                sqlite3_stmt  *stmt,
                GError       **error)
{
  g_autoptr(GPtrArray) counts = g_ptr_array_new_with_free_func ((GDestroyNotify) bw_question_count_free);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      BwQuestionCount *count = g_new0 (BwQuestionCount, 1);

      count->id = sqlite3_column_int64 (stmt, 0);
      count->name = _bw_column_dup_text (stmt, 1);
      count->asked = sqlite3_column_int64 (stmt, 2);
      count->open = sqlite3_column_int64 (stmt, 3);
      g_ptr_array_add (counts, count);
    }
  if (!_bw_project_finish_rows (self, stmt, rc, error))
    return NULL;
  return g_steal_pointer (&counts);
}

/**
 * bw_project_count_questions:
 * @out_by_person: (out) (optional) (transfer full) (element-type BwQuestionCount):
 *   questions per asker (id 0: nobody known), most first
 * @out_by_category: (out) (optional) (transfer full) (element-type BwQuestionCount):
 *   questions per category of the shape asked about (id 0, name %NULL:
 *   about whole images), most first
 */
gboolean
bw_project_count_questions (BwProject   *self,
                            GPtrArray  **out_by_person,
                            GPtrArray  **out_by_category,
                            GError     **error)
{
  BW_PROJECT_LOCK (self);
  sqlite3_stmt *stmt;

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);

  if (out_by_person != NULL)
    {
      stmt = _bw_project_prepare (self,
                                  "SELECT coalesce (q.asker_id, 0), p.name, count (*),"
                                  "  sum (CASE WHEN q.answered_at IS NULL THEN 1 ELSE 0 END)"
                                  " FROM questions q LEFT JOIN people p ON p.id = q.asker_id"
                                  " GROUP BY coalesce (q.asker_id, 0), p.name"
                                  " ORDER BY count (*) DESC, p.name", error);
      if (stmt == NULL || !(*out_by_person = collect_counts (self, stmt, error)))
        return FALSE;
    }
  if (out_by_category != NULL)
    {
      stmt = _bw_project_prepare (self,
                                  "SELECT coalesce (q.category_id, 0), c.name, count (*),"
                                  "  sum (CASE WHEN q.answered_at IS NULL THEN 1 ELSE 0 END)"
                                  " FROM questions q LEFT JOIN categories c ON c.id = q.category_id"
                                  " GROUP BY coalesce (q.category_id, 0), c.name"
                                  " ORDER BY count (*) DESC, c.name", error);
      if (stmt == NULL || !(*out_by_category = collect_counts (self, stmt, error)))
        {
          if (out_by_person != NULL)
            g_clear_pointer (out_by_person, g_ptr_array_unref);
          return FALSE;
        }
    }
  return TRUE;
}

/**
 * bw_project_get_questions_hold_submission:
 *
 * Returns: whether an open question holds its image back from submission
 */
gboolean
bw_project_get_questions_hold_submission (BwProject *self)
{
  g_autofree char *value = NULL;

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);

  value = bw_project_get_setting (self, HOLD_SETTING);
  return g_strcmp0 (value, "1") == 0;
}

gboolean
bw_project_set_questions_hold_submission (BwProject  *self,
                                          gboolean    hold,
                                          GError    **error)
{
  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);

  return bw_project_set_setting (self, HOLD_SETTING, hold ? "1" : "0", error);
}

/* For bw_project_submit_layer(), inside its transaction: refuses when the
 * project holds images with open questions and @person_id has one on
 * @image_id. */
gboolean
_bw_project_check_no_open_question (BwProject  *self,
                                    gint64      image_id,
                                    gint64      person_id,
                                    GError    **error)
{
  sqlite3_stmt *stmt;
  gint64 open = 0;
  int rc;

  if (!bw_project_get_questions_hold_submission (self))
    return TRUE;

  stmt = _bw_project_prepare (self,
                              "SELECT count (*) FROM questions"
                              " WHERE image_id = ?1 AND asker_id IS ?2 AND answered_at IS NULL", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, image_id);
  bind_id_or_null (stmt, 2, person_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      open = sqlite3_column_int64 (stmt, 0);
      rc = sqlite3_step (stmt);
    }
  if (!_bw_project_finish_rows (self, stmt, rc, error))
    return FALSE;

  if (open > 0)
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                   g_dngettext (GETTEXT_PACKAGE,
                                "Image %" PRId64 " has %" PRId64 " question of yours that is not answered yet, and “%s” holds such images back: wait for the answer, or withdraw the question, then submit.",
                                "Image %" PRId64 " has %" PRId64 " questions of yours that are not answered yet, and “%s” holds such images back: wait for the answers, or withdraw the questions, then submit.",
                                open),
                   image_id, open, self->display_name);
      return FALSE;
    }
  return TRUE;
}
