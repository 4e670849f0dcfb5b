/* bw-project-gold.c — gold images, their answers and honeypots
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A gold image (images.is_gold) has an answer made by an expert: its gold
 * layer (layers.kind = 1), drawn by hand or promoted from an accepted
 * annotator's layer. A second expert reviews it: a layer verdict (a row
 * of reviews on the gold layer, without an annotation) says who accepted
 * it and when. The gold layer's status is not used for this, as an image
 * may have one accepted layer only, and that is its annotators' work.
 *
 * Honeypots: annotators get gold images in their work queue at the rate
 * the lead sets ("honeypot.rate"), each person their own gold images in
 * their own order (a hash of the person and the image), so nothing in the
 * queue tells a gold image from another. Their work on it is an ordinary
 * work layer, scored against the gold layer.
 *
 * Every statement is plain SQL that PostgreSQL runs as well.
 */

#define G_LOG_DOMAIN "bw-project"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "bw-project-private.h"

void
bw_gold_answer_free (BwGoldAnswer *answer)
{
  if (answer == NULL)
    return;

  g_free (answer->path);
  g_free (answer->author);
  g_free (answer->reviewer);
  g_free (answer);
}

/* A point in [0, 1) that is a pure function of the three numbers: the
 * first 53 bits of the SHA-256 of them, little-endian (as bw_audit_draw()
 * does), so a sample is the same on every machine. */
static double
draw3 (guint64 a,
       guint64 b,
       guint64 c)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint64 le[3] = { GUINT64_TO_LE (a), GUINT64_TO_LE (b), GUINT64_TO_LE (c) };
  guint8 digest[32];
  gsize len = sizeof digest;
  guint64 bits = 0;

  g_checksum_update (checksum, (const guchar *) le, sizeof le);
  g_checksum_get_digest (checksum, digest, &len);
  for (int i = 0; i < 8; i++)
    bits = (bits << 8) | digest[i];
  return (double) (bits >> 11) / (double) (G_GUINT64_CONSTANT (1) << 53);
}

/* The domains keep the gold sample and the honeypot order independent of
 * each other even for the same numbers. */
#define DRAW_GOLD_SAMPLE 1
#define DRAW_HONEYPOT    2

/**
 * bw_gold_draw:
 *
 * The point in [0, 1) that orders @image_id in the gold sample of @seed.
 */
double
bw_gold_draw (guint64 seed,
              gint64  image_id)
{
  return draw3 (DRAW_GOLD_SAMPLE, seed, (guint64) image_id);
}

/**
 * bw_honeypot_draw:
 *
 * The point in [0, 1) that orders gold image @image_id in the queue of
 * @person_id; @image_id 0 gives the person's phase (where in the queue
 * their first honeypot falls).
 */
double
bw_honeypot_draw (gint64 person_id,
                  gint64 image_id)
{
  return draw3 (DRAW_HONEYPOT, (guint64) person_id, (guint64) image_id);
}

typedef struct
{
  gint64 id;
  double draw;
} Drawn;

static int
compare_drawn (gconstpointer a,
               gconstpointer b)
{
  const Drawn *x = a, *y = b;

  if (x->draw != y->draw)
    return x->draw < y->draw ? -1 : 1;
  return x->id < y->id ? -1 : x->id > y->id;
}

static int
compare_ids (gconstpointer a,
             gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/**
 * bw_gold_sample_size:
 * @n_images: how many images there are to draw from
 * @percent: the share to draw, 0–100
 *
 * Returns: how many images @percent of @n_images is, rounded to the
 *   nearest (half up), at most @n_images
 */
guint
bw_gold_sample_size (guint  n_images,
                     double percent)
{
  double n;

  if (!(percent > 0))
    return 0;
  if (percent >= 100)
    return n_images;
  n = floor (n_images * percent / 100.0 + 0.5);
  return (guint) MIN (n, (double) n_images);
}

/**
 * bw_gold_sample:
 * @image_ids: (array length=n_ids): the images to draw from
 * @seed: the sample's seed
 * @n: how many to draw
 *
 * A seeded random sample: the @n images with the lowest bw_gold_draw()
 * for @seed. The same seed and images give the same sample, and a larger
 * @n a superset of a smaller one.
 *
 * Returns: (transfer full) (element-type gint64): MIN (@n, @n_ids)
 *   image ids, in id order
 */
GArray *
bw_gold_sample (const gint64 *image_ids,
                guint         n_ids,
                guint64       seed,
                guint         n)
{
  g_autoptr(GArray) drawn = g_array_sized_new (FALSE, FALSE, sizeof (Drawn), n_ids);
  GArray *sample;

  g_return_val_if_fail (image_ids != NULL || n_ids == 0, NULL);

  for (guint i = 0; i < n_ids; i++)
    {
      Drawn d = { image_ids[i], bw_gold_draw (seed, image_ids[i]) };

      g_array_append_val (drawn, d);
    }
  g_array_sort (drawn, compare_drawn);

  n = MIN (n, n_ids);
  sample = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n);
  for (guint i = 0; i < n; i++)
    g_array_append_val (sample, g_array_index (drawn, Drawn, i).id);
  g_array_sort (sample, compare_ids);
  return sample;
}

/**
 * bw_project_set_images_gold:
 * @ids: (array length=n_ids): images
 *
 * Marks (or unmarks) every image of @ids as gold, in one transaction.
 * Their gold layers are kept either way.
 */
gboolean
bw_project_set_images_gold (BwProject     *self,
                            const gint64  *ids,
                            guint          n_ids,
                            gboolean       is_gold,
                            GError       **error)
{
  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (ids != NULL || n_ids == 0, FALSE);

  if (!bw_project_begin (self, error))
    return FALSE;
  for (guint i = 0; i < n_ids; i++)
    if (!bw_project_set_image_gold (self, ids[i], is_gold, error))
      {
        bw_project_rollback (self);
        return FALSE;
      }
  return bw_project_commit (self, error);
}

/* The gold layer of an image: the most recently changed one, should an
 * import have made a second. */
#define GOLD_LAYER_SQL(image) \
  "(SELECT l.id FROM layers l WHERE l.image_id = " image " AND l.kind = 1" \
  " ORDER BY l.updated_at DESC, l.id DESC LIMIT 1)"

/**
 * bw_project_get_gold_layer:
 *
 * Returns: the gold layer of @image_id, 0 when it has none, -1 on error
 */
gint64
bw_project_get_gold_layer (BwProject  *self,
                           gint64      image_id,
                           GError    **error)
{
  BW_PROJECT_LOCK (self);
  sqlite3_stmt *stmt;
  gint64 layer_id = 0;
  int rc;

  g_return_val_if_fail (BW_IS_PROJECT (self), -1);

  stmt = _bw_project_prepare (self, "SELECT " GOLD_LAYER_SQL ("?1"), error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, image_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      layer_id = sqlite3_column_int64 (stmt, 0);
      rc = SQLITE_DONE;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _bw_project_set_error (self, rc, error);
      return -1;
    }
  return layer_id;
}

/**
 * bw_project_list_gold_answers:
 *
 * Every gold image with its answer and the answer's review, in import
 * order. An answer changed after its last acceptance is not accepted.
 *
 * Returns: (transfer full) (element-type BwGoldAnswer): the gold images
 */
GPtrArray *
bw_project_list_gold_answers (BwProject  *self,
                              GError    **error)
{
  BW_PROJECT_LOCK (self);
  g_autoptr(GPtrArray) answers = g_ptr_array_new_with_free_func ((GDestroyNotify) bw_gold_answer_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (BW_IS_PROJECT (self), NULL);

  stmt = _bw_project_prepare (self,
                              "SELECT g.id, g.path, g.layer_id, l.person_id, p.name,"
                              "  (SELECT count(*) FROM annotations a WHERE a.layer_id = g.layer_id),"
                              "  max (coalesce (l.created_at, 0),"
                              "       coalesce ((SELECT max (a.updated_at) FROM annotations a"
                              "                  WHERE a.layer_id = g.layer_id), 0),"
                              "       coalesce ((SELECT max (v.superseded_at) FROM annotation_versions v"
                              "                  WHERE v.layer_id = g.layer_id), 0)),"
                              "  r.reviewer_id, rp.name, coalesce (r.created_at, 0)"
                              " FROM (SELECT i.id AS id, i.path AS path, " GOLD_LAYER_SQL ("i.id") " AS layer_id"
                              "       FROM images i WHERE i.is_gold <> 0 AND i.status <> 5) g"
                              " LEFT JOIN layers l ON l.id = g.layer_id"
                              " LEFT JOIN people p ON p.id = l.person_id"
                              " LEFT JOIN reviews r ON r.id = (SELECT max (r2.id) FROM reviews r2"
                              "   WHERE r2.layer_id = g.layer_id AND r2.annotation_id IS NULL AND r2.verdict = 0)"
                              " LEFT JOIN people rp ON rp.id = r.reviewer_id"
                              " ORDER BY g.id", error);
  if (stmt == NULL)
    return NULL;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      BwGoldAnswer *answer = g_new0 (BwGoldAnswer, 1);

      answer->image_id = sqlite3_column_int64 (stmt, 0);
      answer->path = _bw_column_dup_text (stmt, 1);
      answer->layer_id = sqlite3_column_int64 (stmt, 2);
      answer->author_id = sqlite3_column_int64 (stmt, 3);
      answer->author = _bw_column_dup_text (stmt, 4);
      answer->n_annotations = (guint) sqlite3_column_int64 (stmt, 5);
      answer->changed_at = sqlite3_column_int64 (stmt, 6);
      answer->reviewer_id = sqlite3_column_int64 (stmt, 7);
      answer->reviewer = _bw_column_dup_text (stmt, 8);
      answer->reviewed_at = sqlite3_column_int64 (stmt, 9);
      answer->accepted = answer->layer_id > 0 && answer->reviewed_at > 0 &&
                         answer->reviewed_at >= answer->changed_at;
      g_ptr_array_add (answers, answer);
    }
  if (!_bw_project_finish_rows (self, stmt, rc, error))
    return NULL;

  return g_steal_pointer (&answers);
}

/**
 * bw_project_promote_layer_to_gold:
 * @layer_id: an accepted work layer
 * @person_id: who promotes it; the gold layer is theirs when it is new
 * @out_gold_layer_id: (out) (optional): the image's gold layer
 *
 * Makes an accepted annotator's answer the image's gold answer, in one
 * transaction: the gold layer's shapes are replaced by copies of the
 * layer's (their earlier versions kept in the history), and the image is
 * marked gold. The copy is unreviewed until a second expert accepts it.
 */
gboolean
bw_project_promote_layer_to_gold (BwProject  *self,
                                  gint64      layer_id,
                                  gint64      person_id,
                                  gint64     *out_gold_layer_id,
                                  GError    **error)
{
  g_autoptr(BwLayer) layer = NULL;
  g_autoptr(GPtrArray) old = NULL;
  g_autoptr(GPtrArray) shapes = NULL;
  gint64 gold_id = 0;

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);

  if (!bw_project_begin (self, error))
    return FALSE;

  if (!(layer = bw_project_get_layer (self, layer_id, error)))
    goto failed;
  if (layer->kind != BW_LAYER_KIND_WORK || layer->status != BW_LAYER_STATUS_ACCEPTED)
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                   _("The layer %" PRId64 " of “%s” is not an accepted annotator’s answer; only accepted work can become the gold answer."),
                   layer_id, self->display_name);
      goto failed;
    }

  gold_id = bw_project_get_gold_layer (self, layer->image_id, error);
  if (gold_id < 0)
    goto failed;
  if (gold_id == 0 &&
      !bw_project_ensure_layer (self, layer->image_id, person_id, BW_LAYER_KIND_GOLD, &gold_id, error))
    goto failed;

  if (!(old = bw_project_list_annotations (self, gold_id, error)) ||
      !(shapes = bw_project_list_annotations (self, layer_id, error)))
    goto failed;
  for (guint i = 0; i < old->len; i++)
    if (!bw_project_delete_annotation (self, ((BwAnnotation *) old->pdata[i])->id, error))
      goto failed;
  for (guint i = 0; i < shapes->len; i++)
    {
      const BwAnnotation *a = shapes->pdata[i];

      if (!bw_project_add_annotation (self, gold_id, a->category_id, a->shape, a->source,
                                      a->score, NULL, error))
        goto failed;
    }
  if (!bw_project_set_image_gold (self, layer->image_id, TRUE, error))
    goto failed;

  if (!bw_project_commit (self, error))
    return FALSE;
  if (out_gold_layer_id != NULL)
    *out_gold_layer_id = gold_id;
  _bw_project_emit_changed (self, BW_PROJECT_SIGNAL_ANNOTATIONS_CHANGED);
  _bw_project_emit (self, BW_PROJECT_SIGNAL_LAYER_CHANGED, gold_id);
  return TRUE;

failed:
  bw_project_rollback (self);
  return FALSE;
}

/**
 * bw_project_review_gold_answer:
 * @image_id: a gold image with an answer
 * @reviewer_id: the second expert
 * @comment: (nullable): their note
 * @out_review_id: (out) (optional): the review
 *
 * Records that @reviewer_id accepts the image's gold answer as it is now.
 * A correction is an edit of the gold layer followed by this. The one
 * whose gold layer it is cannot accept it: that is a second expert's.
 */
gboolean
bw_project_review_gold_answer (BwProject   *self,
                               gint64       image_id,
                               gint64       reviewer_id,
                               const char  *comment,
                               gint64      *out_review_id,
                               GError     **error)
{
  sqlite3_stmt *stmt;
  gint64 layer_id;

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);

  if (!bw_project_begin (self, error))
    return FALSE;

  layer_id = bw_project_get_gold_layer (self, image_id, error);
  if (layer_id < 0)
    goto failed;
  if (layer_id == 0)
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                   _("The image %" PRId64 " of “%s” has no gold answer to review; draw it or promote an accepted answer first."),
                   image_id, self->display_name);
      goto failed;
    }

  if (reviewer_id > 0)
    {
      g_autoptr(BwLayer) layer = bw_project_get_layer (self, layer_id, error);

      if (layer == NULL)
        goto failed;
      if (layer->person_id == reviewer_id)
        {
          g_autofree char *name = bw_project_get_person_name (self, reviewer_id);

          g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                       _("The gold answer of image %" PRId64 " is %s’s own; a second expert accepts it."),
                       image_id, name != NULL ? name : "?");
          goto failed;
        }
    }

  stmt = _bw_project_prepare (self,
                              "INSERT INTO reviews (layer_id, reviewer_id, verdict, comment, submission, created_at)"
                              " VALUES (?1, ?2, 0, ?3, 0, ?4)", error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_int64 (stmt, 1, layer_id);
  if (reviewer_id > 0)
    sqlite3_bind_int64 (stmt, 2, reviewer_id);
  else
    sqlite3_bind_null (stmt, 2);
  sqlite3_bind_text (stmt, 3, comment != NULL ? comment : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, _bw_project_now ());
  if (!_bw_project_step_done (self, stmt, error))
    goto failed;
  if (out_review_id != NULL)
    *out_review_id = sqlite3_last_insert_rowid (self->db);

  if (!bw_project_commit (self, error))
    return FALSE;
  _bw_project_emit (self, BW_PROJECT_SIGNAL_LAYER_CHANGED, layer_id);
  return TRUE;

failed:
  bw_project_rollback (self);
  return FALSE;
}

/* Honeypots */

/**
 * bw_project_get_honeypot_rate:
 *
 * Returns: the share of an annotator's queue that is gold images, 0–1
 *   (0 when not set)
 */
double
bw_project_get_honeypot_rate (BwProject *self)
{
  g_autofree char *text = NULL;
  double rate;

  g_return_val_if_fail (BW_IS_PROJECT (self), 0);

  text = bw_project_get_setting (self, "honeypot.rate");
  if (text == NULL)
    return 0;
  rate = g_ascii_strtod (text, NULL);
  return rate > 0 && rate < 1 ? rate : 0;
}

gboolean
bw_project_set_honeypot_rate (BwProject  *self,
                              double      rate,
                              GError    **error)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);

  if (!(rate >= 0 && rate < 1))
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                   _("A honeypot rate of %g %% is not possible; choose a share from 0 up to below 100 %%."),
                   rate * 100);
      return FALSE;
    }
  return bw_project_set_setting (self, "honeypot.rate",
                                 g_ascii_dtostr (buffer, sizeof buffer, rate), error);
}

static gboolean
count_query (BwProject   *self,
             const char  *sql,
             gint64       person_id,
             gint64      *out_count,
             GError     **error)
{
  sqlite3_stmt *stmt = _bw_project_prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, person_id);
  rc = sqlite3_step (stmt);
  *out_count = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    {
      _bw_project_set_error (self, rc, error);
      return FALSE;
    }
  return TRUE;
}

static int
compare_honeypots (gconstpointer a,
                   gconstpointer b)
{
  return compare_drawn (a, b);
}

/**
 * _bw_project_mix_honeypots:
 * @fresh: (inout): the new images of @person_id's queue, in order
 *
 * Mixes the gold images @person_id has not had into @fresh at the
 * honeypot rate. Positions count from the person's first image: after n
 * images of theirs, floor (rate × n + phase) were gold, so the share stays
 * within one image of the rate all along (an error diffusion, as a line is
 * drawn on a grid). The phase and the order of the gold images are the
 * person's own (bw_honeypot_draw()).
 */
gboolean
_bw_project_mix_honeypots (BwProject  *self,
                           gint64      person_id,
                           GArray     *fresh,
                           GError    **error)
{
  g_autoptr(GArray) gold = NULL;
  g_autoptr(GArray) drawn = NULL;
  g_autoptr(GArray) mixed = NULL;
  sqlite3_stmt *stmt;
  double rate = bw_project_get_honeypot_rate (self);
  double phase;
  gint64 taken, taken_gold;
  guint g = 0;

  if (rate <= 0 || person_id <= 0 || fresh->len == 0)
    return TRUE;

  stmt = _bw_project_prepare (self,
                              "SELECT i.id FROM images i WHERE i.is_gold <> 0 AND i.status <> 5"
                              " AND EXISTS (SELECT 1 FROM layers l WHERE l.image_id = i.id AND l.kind = 1)"
                              " AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.image_id = i.id"
                              "                 AND a.person_id = ?1 AND a.task = 0)"
                              /* An exam image they were scored on is no test of them. */
                              " AND NOT EXISTS (SELECT 1 FROM exam_answers x JOIN exam_attempts t"
                              "                 ON t.id = x.attempt_id"
                              "                 WHERE x.image_id = i.id AND t.person_id = ?1)"
                              " ORDER BY i.id", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, person_id);
  if (!(gold = _bw_project_collect_ids (self, stmt, error)))
    return FALSE;
  if (gold->len == 0)
    return TRUE;

  if (!count_query (self,
                    "SELECT count(*) FROM assignments a WHERE a.person_id = ?1 AND a.task = 0"
                    " AND a.status <> 6", person_id, &taken, error) ||
      !count_query (self,
                    "SELECT count(*) FROM assignments a JOIN images i ON i.id = a.image_id"
                    " WHERE a.person_id = ?1 AND a.task = 0 AND a.status <> 6 AND i.is_gold <> 0",
                    person_id, &taken_gold, error))
    return FALSE;

  drawn = g_array_sized_new (FALSE, FALSE, sizeof (Drawn), gold->len);
  for (guint i = 0; i < gold->len; i++)
    {
      Drawn d = { g_array_index (gold, gint64, i), 0 };

      d.draw = bw_honeypot_draw (person_id, d.id);
      g_array_append_val (drawn, d);
    }
  g_array_sort (drawn, compare_honeypots);

  phase = bw_honeypot_draw (person_id, 0);
  mixed = g_array_sized_new (FALSE, FALSE, sizeof (gint64), fresh->len + gold->len);
  for (guint f = 0; f < fresh->len; taken++)
    {
      if (g < drawn->len && (double) taken_gold < floor (rate * (double) (taken + 1) + phase))
        {
          g_array_append_val (mixed, g_array_index (drawn, Drawn, g).id);
          g++;
          taken_gold++;
        }
      else
        {
          g_array_append_val (mixed, g_array_index (fresh, gint64, f));
          f++;
        }
    }

  g_array_set_size (fresh, 0);
  g_array_append_vals (fresh, mixed->data, mixed->len);
  return TRUE;
}

/* People's roles */

/**
 * bw_project_get_person_role:
 *
 * Returns: @person_id's role; %BW_ROLE_ANNOTATOR when unknown
 */
BwRole
bw_project_get_person_role (BwProject *self,
                            gint64     person_id)
{
  BW_PROJECT_LOCK (self);
  sqlite3_stmt *stmt;
  BwRole role = BW_ROLE_ANNOTATOR;

  g_return_val_if_fail (BW_IS_PROJECT (self), BW_ROLE_ANNOTATOR);

  stmt = _bw_project_prepare (self, "SELECT role FROM people WHERE id = ?1", NULL);
  if (stmt == NULL)
    return role;
  sqlite3_bind_int64 (stmt, 1, person_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    role = sqlite3_column_int (stmt, 0);
  sqlite3_reset (stmt);
  return role;
}

gboolean
bw_project_set_person_role (BwProject  *self,
                            gint64      person_id,
                            BwRole      role,
                            GError    **error)
{
  BW_PROJECT_LOCK (self);
  sqlite3_stmt *stmt;

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);

  if (!bw_project_check_writable (self, error))
    return FALSE;
  stmt = _bw_project_prepare (self, "UPDATE people SET role = ?2 WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, person_id);
  sqlite3_bind_int (stmt, 2, role);
  return _bw_project_step_done (self, stmt, error);
}

/**
 * bw_project_get_image_status_for:
 * @image: an image as read
 * @person_id: who looks at it
 *
 * The status an image shows to @person_id. To an annotator, a gold image
 * is one more image of their queue: it shows the status of their own work
 * on it, so a honeypot looks like any other image. To everyone else it
 * shows its status.
 */
BwImageStatus
bw_project_get_image_status_for (BwProject     *self,
                                 const BwImage *image,
                                 gint64         person_id)
{
  g_autoptr(BwAssignment) assignment = NULL;

  g_return_val_if_fail (BW_IS_PROJECT (self), BW_IMAGE_STATUS_NEW);
  g_return_val_if_fail (image != NULL, BW_IMAGE_STATUS_NEW);

  if (image->status != BW_IMAGE_STATUS_GOLD || person_id <= 0 ||
      bw_project_get_person_role (self, person_id) != BW_ROLE_ANNOTATOR)
    return image->status;

  assignment = bw_project_get_assignment (self, image->id, person_id, BW_TASK_ANNOTATE, NULL);
  if (assignment == NULL)
    return BW_IMAGE_STATUS_NEW;
  switch (assignment->status)
    {
    case BW_ASSIGNMENT_IN_PROGRESS: return BW_IMAGE_STATUS_IN_PROGRESS;
    case BW_ASSIGNMENT_SUBMITTED:   return BW_IMAGE_STATUS_SUBMITTED;
    case BW_ASSIGNMENT_IN_REVIEW:   return BW_IMAGE_STATUS_IN_REVIEW;
    case BW_ASSIGNMENT_ACCEPTED:    return BW_IMAGE_STATUS_ACCEPTED;
    case BW_ASSIGNMENT_RETURNED:    return BW_IMAGE_STATUS_RETURNED;
    case BW_ASSIGNMENT_NEW:
    case BW_ASSIGNMENT_SKIPPED:
    default:                        return BW_IMAGE_STATUS_NEW;
    }
}
