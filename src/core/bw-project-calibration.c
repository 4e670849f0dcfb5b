/* bw-project-calibration.c — calibration rounds in the store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A round (schema 11) is a set of images and a set of people: each person
 * annotates each image in their own work layer, through an annotate
 * assignment made when the round starts, so that their work queue hands
 * them the round's images before their ordinary work
 * (bw_project_list_work_queue()). The images are drawn from those nobody
 * has started, so every answer is independent; they stay out of the
 * queue of anyone not in the round. Their answers are ordinary work: they
 * can be reviewed, and one accepted as the image's answer.
 */

#define G_LOG_DOMAIN "bw-project"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>

#include "bw-calibration.h"
#include "bw-project-private.h"

/* A shape of a round's answer (bw_project_list_calibration_shapes()). */
static void
calibration_shape_free (BwCalibrationShape *shape)
{
  bw_shape_free (shape->shape);
  g_free (shape);
}

void
bw_calibration_round_free (BwCalibrationRound *round)
{
  if (round == NULL)
    return;
  g_free (round->name);
  g_free (round);
}

/* Images a round may take: not excluded, not gold, not in a round, and
 * nobody has started them (no layer, no assignment). */
#define ELIGIBLE_SQL \
  "SELECT i.id FROM images i WHERE i.status = 0 AND i.is_gold = 0" \
  " AND NOT EXISTS (SELECT 1 FROM calibration_images c WHERE c.image_id = i.id)" \
  " AND NOT EXISTS (SELECT 1 FROM layers l WHERE l.image_id = i.id AND l.kind <> 2)" \
  " AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.image_id = i.id)" \
  " ORDER BY i.id"

/**
 * bw_project_start_calibration_round:
 * @self: a project
 * @name: (nullable): what to call it; %NULL or empty for "Round N"
 * @lead_id: who starts it, or 0
 * @n_images: how many images
 * @seed: the seed of the draw: the same seed and the same project draw
 *   the same images (bw_gold_sample())
 * @people: (array length=n_people) (nullable): who answers it; %NULL for
 *   every annotator of the project but @lead_id
 * @n_people: the length of @people
 * @out_round_id: (out) (optional): the new round
 * @error: return location for a #GError
 *
 * Starts a round in one transaction: draws @n_images of the images nobody
 * has started and gives each of @people an annotate assignment for each.
 *
 * Returns: %TRUE on success
 */
gboolean
bw_project_start_calibration_round (BwProject     *self,
                                    const char    *name,
                                    gint64         lead_id,
                                    guint          n_images,
                                    guint64        seed,
                                    const gint64  *people,
                                    guint          n_people,
                                    gint64        *out_round_id,
                                    GError       **error)
{
  g_autoptr(GArray) eligible = NULL;
  g_autoptr(GArray) chosen = NULL;
  g_autoptr(GArray) everyone = NULL;
  g_autofree char *default_name = NULL;
  g_autofree char *trimmed = g_strstrip (g_strdup (name != NULL ? name : ""));
  sqlite3_stmt *stmt;
  gint64 round_id, now = _bw_project_now ();

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);

  if (n_images == 0)
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                   _("A calibration round needs at least one image."));
      return FALSE;
    }

  if (!bw_project_begin (self, error))
    return FALSE;

  if (people == NULL)
    {
      /* Not the lead who starts it, whose role may be the default. */
      stmt = _bw_project_prepare (self, "SELECT id FROM people WHERE role = 0 AND id <> ?1 ORDER BY id", error);
      if (stmt == NULL)
        goto failed;
      sqlite3_bind_int64 (stmt, 1, lead_id);
      if ((everyone = _bw_project_collect_ids (self, stmt, error)) == NULL)
        goto failed;
      people = (const gint64 *) (gpointer) everyone->data;
      n_people = everyone->len;
    }
  if (n_people < 2)
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                   _("A calibration round of “%s” needs two or more annotators to compare; "
                     "the project has %u. Add annotators first."),
                   bw_project_get_display_name (self), n_people);
      goto failed;
    }

  stmt = _bw_project_prepare (self, ELIGIBLE_SQL, error);
  if (stmt == NULL || (eligible = _bw_project_collect_ids (self, stmt, error)) == NULL)
    goto failed;
  if (eligible->len < n_images)
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                   _("Only %u images of “%s” are new to everyone (not started, not gold, not in "
                     "another round); a round of %u cannot be drawn. Choose fewer images or import more."),
                   eligible->len, bw_project_get_display_name (self), n_images);
      goto failed;
    }
  chosen = bw_gold_sample ((const gint64 *) (gpointer) eligible->data, eligible->len, seed, n_images);

  name = trimmed;
  if (*name == '\0')
    {
      gint64 count = 0;

      stmt = _bw_project_prepare (self, "SELECT count (*) FROM calibration_rounds", error);
      if (stmt == NULL)
        goto failed;
      if (sqlite3_step (stmt) == SQLITE_ROW)
        count = sqlite3_column_int64 (stmt, 0);
      sqlite3_reset (stmt);
      default_name = g_strdup_printf (_("Round %" PRId64), count + 1);
      name = default_name;
    }

  stmt = _bw_project_prepare (self,
                              "INSERT INTO calibration_rounds (name, started_by, seed, created_at)"
                              " VALUES (?1, ?2, ?3, ?4)", error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  if (lead_id > 0)
    sqlite3_bind_int64 (stmt, 2, lead_id);
  else
    sqlite3_bind_null (stmt, 2);
  sqlite3_bind_int64 (stmt, 3, (gint64) seed);
  sqlite3_bind_int64 (stmt, 4, now);
  if (!_bw_project_step_done (self, stmt, error))
    goto failed;
  round_id = sqlite3_last_insert_rowid (self->db);

  for (guint p = 0; p < n_people; p++)
    {
      stmt = _bw_project_prepare (self,
                                  "INSERT INTO calibration_people (round_id, person_id)"
                                  " SELECT ?1, id FROM people WHERE id = ?2", error);
      if (stmt == NULL)
        goto failed;
      sqlite3_bind_int64 (stmt, 1, round_id);
      sqlite3_bind_int64 (stmt, 2, people[p]);
      if (!_bw_project_step_done (self, stmt, error))
        goto failed;
      if (sqlite3_changes (self->db) == 0)
        {
          g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_NOT_FOUND,
                       _("Person %" PRId64 " is not in the project “%s”."),
                       people[p], bw_project_get_display_name (self));
          goto failed;
        }
    }

  for (guint i = 0; i < chosen->len; i++)
    {
      gint64 image_id = g_array_index (chosen, gint64, i);

      stmt = _bw_project_prepare (self,
                                  "INSERT INTO calibration_images (round_id, image_id, position)"
                                  " VALUES (?1, ?2, ?3)", error);
      if (stmt == NULL)
        goto failed;
      sqlite3_bind_int64 (stmt, 1, round_id);
      sqlite3_bind_int64 (stmt, 2, image_id);
      sqlite3_bind_int (stmt, 3, (int) i);
      if (!_bw_project_step_done (self, stmt, error))
        goto failed;

      stmt = _bw_project_prepare (self,
                                  "INSERT INTO assignments (image_id, person_id, task, status, created_at)"
                                  " SELECT ?1, person_id, 0, 0, ?3 FROM calibration_people WHERE round_id = ?2"
                                  " ON CONFLICT (image_id, person_id, task) DO NOTHING", error);
      if (stmt == NULL)
        goto failed;
      sqlite3_bind_int64 (stmt, 1, image_id);
      sqlite3_bind_int64 (stmt, 2, round_id);
      sqlite3_bind_int64 (stmt, 3, now);
      if (!_bw_project_step_done (self, stmt, error) ||
          !_bw_project_refresh_image_status (self, image_id, error))
        goto failed;
    }

  if (!bw_project_commit (self, error))
    return FALSE;
  if (out_round_id != NULL)
    *out_round_id = round_id;
  return TRUE;

failed:
  bw_project_rollback (self);
  return FALSE;
}

#define ROUND_SQL \
  "SELECT r.id, r.name, coalesce (r.started_by, 0), r.created_at," \
  "  (SELECT count (*) FROM calibration_images c WHERE c.round_id = r.id)," \
  "  (SELECT count (*) FROM calibration_people p WHERE p.round_id = r.id)," \
  "  (SELECT count (*) FROM calibration_images c JOIN calibration_people p ON p.round_id = c.round_id" \
  "    JOIN layers l ON l.image_id = c.image_id AND l.person_id = p.person_id AND l.kind = 0" \
  "    WHERE c.round_id = r.id AND l.status <> 0)" \
  " FROM calibration_rounds r"

static BwCalibrationRound *
round_from_row (sqlite3_stmt *stmt)
{
  BwCalibrationRound *round = g_new0 (BwCalibrationRound, 1);

  round->id = sqlite3_column_int64 (stmt, 0);
  round->name = _bw_column_dup_text (stmt, 1);
  round->started_by = sqlite3_column_int64 (stmt, 2);
  round->created_at = sqlite3_column_int64 (stmt, 3);
  round->n_images = sqlite3_column_int (stmt, 4);
  round->n_people = sqlite3_column_int (stmt, 5);
  round->n_expected = round->n_images * round->n_people;
  round->n_submitted = sqlite3_column_int (stmt, 6);
  return round;
}

/**
 * bw_project_list_calibration_rounds:
 *
 * Returns: (transfer full) (element-type BwCalibrationRound): every
 *   round, the oldest first; %NULL on error
 */
GPtrArray *
bw_project_list_calibration_rounds (BwProject  *self,
                                    GError    **error)
{
  BW_PROJECT_LOCK (self);
  g_autoptr(GPtrArray) rounds = g_ptr_array_new_with_free_func ((GDestroyNotify) bw_calibration_round_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (BW_IS_PROJECT (self), NULL);

  stmt = _bw_project_prepare (self, ROUND_SQL " ORDER BY r.created_at, r.id", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (rounds, round_from_row (stmt));
  if (!_bw_project_finish_rows (self, stmt, rc, error))
    return NULL;
  return g_steal_pointer (&rounds);
}

/**
 * bw_project_get_calibration_round:
 *
 * Returns: (transfer full): the round, or %NULL with
 *   %BW_PROJECT_ERROR_NOT_FOUND
 */
BwCalibrationRound *
bw_project_get_calibration_round (BwProject  *self,
                                  gint64      round_id,
                                  GError    **error)
{
  BW_PROJECT_LOCK (self);
  BwCalibrationRound *round = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (BW_IS_PROJECT (self), NULL);

  stmt = _bw_project_prepare (self, ROUND_SQL " WHERE r.id = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, round_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    round = round_from_row (stmt);
  sqlite3_reset (stmt);
  if (round == NULL)
    {
      if (rc == SQLITE_DONE)
        g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_NOT_FOUND,
                     _("The project “%s” has no calibration round %" PRId64 "; "
                       "“boxwood-cli calibration list” lists them."),
                     bw_project_get_display_name (self), round_id);
      else
        _bw_project_set_error (self, rc, error);
    }
  return round;
}

/**
 * bw_project_list_calibration_people:
 *
 * Returns: (transfer full) (element-type gint64): the people of the
 *   round, by id; %NULL on error
 */
GArray *
bw_project_list_calibration_people (BwProject  *self,
                                    gint64      round_id,
                                    GError    **error)
{
  BW_PROJECT_LOCK (self);
  sqlite3_stmt *stmt;

  g_return_val_if_fail (BW_IS_PROJECT (self), NULL);

  stmt = _bw_project_prepare (self,
                              "SELECT person_id FROM calibration_people WHERE round_id = ?1"
                              " ORDER BY person_id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, round_id);
  return _bw_project_collect_ids (self, stmt, error);
}

/**
 * bw_project_list_calibration_shapes:
 * @round_id: a round
 * @image_id: one of its images
 *
 * The shapes of every answer handed in to the round on @image_id, for
 * the disagreement view: one person's answer is their latest submitted
 * work layer.
 *
 * Returns: (transfer full) (element-type BwCalibrationShape): by person,
 *   then in drawing order; %NULL on error
 */
GPtrArray *
bw_project_list_calibration_shapes (BwProject  *self,
                                    gint64      round_id,
                                    gint64      image_id,
                                    GError    **error)
{
  BW_PROJECT_LOCK (self);
  g_autoptr(GPtrArray) shapes = g_ptr_array_new_with_free_func ((GDestroyNotify) calibration_shape_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (BW_IS_PROJECT (self), NULL);

  stmt = _bw_project_prepare (self,
                              "SELECT p.person_id, a.id, a.category_id, a.kind, a.x0, a.y0, a.x1, a.y1, a.parts"
                              " FROM calibration_people p"
                              " JOIN layers l ON l.id = (SELECT max (l2.id) FROM layers l2"
                              "   WHERE l2.image_id = ?2 AND l2.person_id = p.person_id"
                              "   AND l2.kind = 0 AND l2.status <> 0)"
                              " JOIN annotations a ON a.layer_id = l.id"
                              " WHERE p.round_id = ?1"
                              "  AND EXISTS (SELECT 1 FROM calibration_images c"
                              "              WHERE c.round_id = ?1 AND c.image_id = ?2)"
                              " ORDER BY p.person_id, a.z, a.id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, round_id);
  sqlite3_bind_int64 (stmt, 2, image_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      BwRect bbox = {
        sqlite3_column_double (stmt, 4), sqlite3_column_double (stmt, 5),
        sqlite3_column_double (stmt, 6), sqlite3_column_double (stmt, 7),
      };
      g_autoptr(GError) local_error = NULL;
      BwShape *geometry = bw_shape_deserialize (sqlite3_column_int (stmt, 3), &bbox,
                                                sqlite3_column_blob (stmt, 8),
                                                sqlite3_column_bytes (stmt, 8), &local_error);
      BwCalibrationShape *shape;

      /* A damaged row is left out of the view, as the canvas does. */
      if (geometry == NULL)
        {
          g_debug ("annotation %" PRId64 ": %s", (gint64) sqlite3_column_int64 (stmt, 1),
                   local_error->message);
          continue;
        }
      shape = g_new0 (BwCalibrationShape, 1);
      shape->person_id = sqlite3_column_int64 (stmt, 0);
      shape->category_id = sqlite3_column_int64 (stmt, 2);
      shape->shape = geometry;
      g_ptr_array_add (shapes, shape);
    }
  if (!_bw_project_finish_rows (self, stmt, rc, error))
    return NULL;
  return g_steal_pointer (&shapes);
}
