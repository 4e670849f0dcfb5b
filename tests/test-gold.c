/* test-gold.c — gold images: the seeded sample, promoting an accepted
 * answer, reviewing gold answers, and honeypots in the work queue
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "bw-layer-session.h"
#include "bw-project.h"
#include "bw-quality.h"

typedef struct
{
  char      *dir;
  BwProject *project;
  gint64     category;
  gint64     lead;
  gint64     ann;
  gint64     ben;
  gint64     rosa;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;

  f->dir = g_dir_make_tmp ("bw-test-gold-XXXXXX", NULL);
  g_assert_nonnull (f->dir);
  file = g_file_new_build_filename (f->dir, "p.boxwood", NULL);
  f->project = bw_project_create (file, &error);
  g_assert_no_error (error);
  g_assert_true (bw_project_add_category (f->project, "car", NULL, "#ff0000", &f->category, &error));
  g_assert_true (bw_project_ensure_person (f->project, "Lena", BW_ROLE_LEAD, &f->lead, &error));
  g_assert_true (bw_project_ensure_person (f->project, "Ann", BW_ROLE_ANNOTATOR, &f->ann, &error));
  g_assert_true (bw_project_ensure_person (f->project, "Ben", BW_ROLE_ANNOTATOR, &f->ben, &error));
  g_assert_true (bw_project_ensure_person (f->project, "Rosa", BW_ROLE_REVIEWER, &f->rosa, &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  g_assert_finalize_object (f->project);
  dir = g_dir_open (f->dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (f->dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
}

static gint64
add_image (Fixture *f,
           guint    n)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_strdup_printf ("images/%05u.jpg", n);
  BwImage image = { 0 };
  gint64 id;

  image.path = path;
  image.width = 640;
  image.height = 480;
  image.content_hash = path;
  g_assert_true (bw_project_add_image (f->project, &image, &id, &error));
  g_assert_no_error (error);
  return id;
}

static gint64
add_box (Fixture *f,
         gint64   layer,
         double   x)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwShape) box = bw_shape_new_box (x, 10, x + 40, 50);
  gint64 id;

  g_assert_true (bw_project_add_annotation (f->project, layer, f->category, box,
                                            BW_SOURCE_DRAWN, 1.0, &id, &error));
  g_assert_no_error (error);
  return id;
}

static gint64
gold_layer (Fixture *f,
            gint64   image)
{
  g_autoptr(GError) error = NULL;
  gint64 id;

  g_assert_true (bw_project_ensure_layer (f->project, image, f->lead, BW_LAYER_KIND_GOLD, &id, &error));
  g_assert_no_error (error);
  return id;
}

/* The draw, computed here from its definition: SHA-256 of the domain, the
 * seed and the id as little-endian 64-bit numbers; the first 53 bits. */
static double
reference_draw (guint64 domain,
                guint64 a,
                guint64 b)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 bytes[24], digest[32];
  gsize len = sizeof digest;
  guint64 values[3] = { domain, a, b }, top = 0;

  for (guint v = 0; v < 3; v++)
    for (guint i = 0; i < 8; i++)
      bytes[v * 8 + i] = (values[v] >> (8 * i)) & 0xff;
  g_checksum_update (checksum, bytes, sizeof bytes);
  g_checksum_get_digest (checksum, digest, &len);
  for (guint i = 0; i < 7; i++)
    top = (top << 8) | digest[i];
  /* 56 bits read, 53 kept */
  return ldexp ((double) (top >> 3), -53);
}

static gboolean
contains (GArray *ids,
          gint64  id)
{
  for (guint i = 0; i < ids->len; i++)
    if (g_array_index (ids, gint64, i) == id)
      return TRUE;
  return FALSE;
}

static void
test_sample (void)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) a = NULL;
  g_autoptr(GArray) again = NULL;
  g_autoptr(GArray) other = NULL;
  g_autoptr(GArray) larger = NULL;
  g_autoptr(GArray) all = NULL;
  double threshold = 0;
  guint below = 0;

  for (gint64 i = 1; i <= 1000; i++)
    g_array_append_val (ids, i);

  g_assert_cmpfloat (bw_gold_draw (42, 17), ==, reference_draw (1, 42, 17));
  g_assert_cmpfloat (bw_honeypot_draw (3, 17), ==, reference_draw (2, 3, 17));

  g_assert_cmpuint (bw_gold_sample_size (1000, 12.5), ==, 125);
  g_assert_cmpuint (bw_gold_sample_size (3, 50), ==, 2);
  g_assert_cmpuint (bw_gold_sample_size (3, 10), ==, 0);
  g_assert_cmpuint (bw_gold_sample_size (7, 100), ==, 7);
  g_assert_cmpuint (bw_gold_sample_size (7, 0), ==, 0);

  a = bw_gold_sample ((const gint64 *) (gpointer) ids->data, ids->len, 42, 100);
  again = bw_gold_sample ((const gint64 *) (gpointer) ids->data, ids->len, 42, 100);
  other = bw_gold_sample ((const gint64 *) (gpointer) ids->data, ids->len, 43, 100);
  larger = bw_gold_sample ((const gint64 *) (gpointer) ids->data, ids->len, 42, 150);
  all = bw_gold_sample ((const gint64 *) (gpointer) ids->data, ids->len, 42, 5000);

  g_assert_cmpuint (a->len, ==, 100);
  g_assert_cmpuint (larger->len, ==, 150);
  g_assert_cmpuint (all->len, ==, 1000);
  /* Reproducible from the seed; another seed, another sample. */
  g_assert_cmpmem (a->data, a->len * sizeof (gint64), again->data, again->len * sizeof (gint64));
  g_assert_false (memcmp (a->data, other->data, a->len * sizeof (gint64)) == 0);

  /* In id order, each id once; a larger sample holds the smaller one. */
  for (guint i = 1; i < a->len; i++)
    g_assert_cmpint (g_array_index (a, gint64, i - 1), <, g_array_index (a, gint64, i));
  for (guint i = 0; i < a->len; i++)
    g_assert_true (contains (larger, g_array_index (a, gint64, i)));

  /* The sample is the 100 lowest draws: every id in it draws below every
   * id outside it. */
  for (guint i = 0; i < a->len; i++)
    threshold = MAX (threshold, reference_draw (1, 42, g_array_index (a, gint64, i)));
  for (gint64 id = 1; id <= 1000; id++)
    if (reference_draw (1, 42, id) <= threshold)
      {
        below++;
        g_assert_true (contains (a, id));
      }
  g_assert_cmpuint (below, ==, 100);
}

static void
test_mark_many (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) gold = NULL;
  gint64 ids[3] = { add_image (f, 1), add_image (f, 2), add_image (f, 3) };
  gint64 missing[2] = { ids[0], 999 };

  g_assert_true (bw_project_set_images_gold (f->project, ids, 2, TRUE, &error));
  g_assert_no_error (error);
  gold = bw_project_list_image_ids (f->project, BW_IMAGE_STATUS_GOLD, NULL, &error);
  g_assert_cmpuint (gold->len, ==, 2);
  g_clear_pointer (&gold, g_array_unref);

  /* All or nothing: an unknown image leaves the first one gold. */
  g_assert_false (bw_project_set_images_gold (f->project, missing, 2, FALSE, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_NOT_FOUND);
  g_clear_error (&error);
  gold = bw_project_list_image_ids (f->project, BW_IMAGE_STATUS_GOLD, NULL, &error);
  g_assert_cmpuint (gold->len, ==, 2);

  /* Roles */
  g_assert_cmpint (bw_project_get_person_role (f->project, f->ann), ==, BW_ROLE_ANNOTATOR);
  g_assert_true (bw_project_set_person_role (f->project, f->ann, BW_ROLE_LEAD, &error));
  g_assert_cmpint (bw_project_get_person_role (f->project, f->ann), ==, BW_ROLE_LEAD);
}

static void
test_promote (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) work = NULL;
  g_autoptr(GPtrArray) gold = NULL;
  g_autoptr(BwAnnotation) old_version = NULL;
  g_autoptr(BwImage) image = NULL;
  g_autoptr(BwShape) poly = NULL;
  static const BwPoint points[] = { { 100, 100 }, { 180, 110 }, { 150, 190 } };
  gint64 img = add_image (f, 1);
  gint64 layer, gold_id, promoted, old, draft;

  /* Ann's answer: a box and a triangle, accepted by Rosa. */
  g_assert_true (bw_project_ensure_layer (f->project, img, f->ann, BW_LAYER_KIND_WORK, &layer, &error));
  add_box (f, layer, 10);
  poly = bw_shape_new_polygon (points, 3);
  g_assert_true (bw_project_add_annotation (f->project, layer, f->category, poly,
                                            BW_SOURCE_DRAWN, 1.0, NULL, &error));
  /* A gold layer with an earlier answer. */
  gold_id = gold_layer (f, img);
  old = add_box (f, gold_id, 300);

  /* Not accepted yet: refused, nothing changed. */
  g_assert_true (bw_project_submit_layer (f->project, layer, &error));
  g_assert_false (bw_project_promote_layer_to_gold (f->project, layer, f->lead, NULL, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID);
  g_clear_error (&error);
  gold = bw_project_list_annotations (f->project, gold_id, &error);
  g_assert_cmpuint (gold->len, ==, 1);
  g_clear_pointer (&gold, g_ptr_array_unref);

  g_assert_true (bw_project_accept_layer (f->project, layer, f->rosa, NULL, NULL, &error));
  g_assert_true (bw_project_promote_layer_to_gold (f->project, layer, f->lead, &promoted, &error));
  g_assert_no_error (error);
  g_assert_cmpint (promoted, ==, gold_id);

  work = bw_project_list_annotations (f->project, layer, &error);
  gold = bw_project_list_annotations (f->project, gold_id, &error);
  g_assert_cmpuint (work->len, ==, 2);
  g_assert_cmpuint (gold->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      const BwAnnotation *w = work->pdata[i], *g = gold->pdata[i];

      g_assert_cmpint (g->layer_id, ==, gold_id);
      g_assert_cmpint (g->category_id, ==, w->category_id);
      g_assert_true (bw_shape_equal (g->shape, w->shape));
      g_assert_cmpint (g->id, !=, w->id);
    }
  /* The replaced answer is kept in the history; the image is gold. */
  old_version = bw_project_get_annotation_version (f->project, old, 1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (old_version);
  image = bw_project_get_image (f->project, img, &error);
  g_assert_true (image->is_gold);
  g_assert_cmpint (image->status, ==, BW_IMAGE_STATUS_GOLD);

  /* Work in progress is not an answer. */
  g_assert_true (bw_project_ensure_layer (f->project, img, f->ben, BW_LAYER_KIND_WORK, &draft, &error));
  g_assert_false (bw_project_promote_layer_to_gold (f->project, draft, f->lead, NULL, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID);
}

static const BwGoldAnswer *
find_answer (GPtrArray *answers,
             gint64     image)
{
  for (guint i = 0; i < answers->len; i++)
    if (((BwGoldAnswer *) answers->pdata[i])->image_id == image)
      return answers->pdata[i];
  return NULL;
}

static void
test_review (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) answers = NULL;
  g_autoptr(GPtrArray) reviews = NULL;
  g_autoptr(BwShape) moved = bw_shape_new_box (12, 10, 52, 50);
  gint64 answered = add_image (f, 1), unanswered = add_image (f, 2), plain = add_image (f, 3);
  gint64 ids[2] = { answered, unanswered };
  const BwGoldAnswer *a;
  gint64 layer, box, review;

  (void) plain;
  g_assert_true (bw_project_set_images_gold (f->project, ids, 2, TRUE, &error));
  layer = gold_layer (f, answered);
  box = add_box (f, layer, 10);
  add_box (f, layer, 100);

  answers = bw_project_list_gold_answers (f->project, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (answers->len, ==, 2);
  a = find_answer (answers, unanswered);
  g_assert_cmpint (a->layer_id, ==, 0);
  g_assert_false (a->accepted);
  a = find_answer (answers, answered);
  g_assert_cmpint (a->layer_id, ==, layer);
  g_assert_cmpuint (a->n_annotations, ==, 2);
  g_assert_cmpstr (a->author, ==, "Lena");
  g_assert_false (a->accepted);
  g_assert_cmpint (a->reviewed_at, ==, 0);
  g_clear_pointer (&answers, g_ptr_array_unref);

  /* No answer, nothing to review. */
  g_assert_false (bw_project_review_gold_answer (f->project, unanswered, f->rosa, NULL, NULL, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID);
  g_clear_error (&error);

  /* Lena drew it: she cannot accept it herself. */
  g_assert_false (bw_project_review_gold_answer (f->project, answered, f->lead, NULL, NULL, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID);
  g_clear_error (&error);

  /* Rosa accepts it: who and when are recorded, as a layer verdict. */
  g_usleep (2000);
  g_assert_true (bw_project_review_gold_answer (f->project, answered, f->rosa, "fine", &review, &error));
  g_assert_no_error (error);
  answers = bw_project_list_gold_answers (f->project, &error);
  a = find_answer (answers, answered);
  g_assert_true (a->accepted);
  g_assert_cmpint (a->reviewer_id, ==, f->rosa);
  g_assert_cmpstr (a->reviewer, ==, "Rosa");
  g_assert_cmpint (a->reviewed_at, >=, a->changed_at);
  g_clear_pointer (&answers, g_ptr_array_unref);
  reviews = bw_project_list_reviews_for_layer (f->project, layer, &error);
  g_assert_cmpuint (reviews->len, ==, 1);
  g_assert_cmpint (((BwReview *) reviews->pdata[0])->id, ==, review);
  g_assert_cmpint (((BwReview *) reviews->pdata[0])->verdict, ==, BW_VERDICT_ACCEPT);
  g_assert_cmpint (((BwReview *) reviews->pdata[0])->reviewer_id, ==, f->rosa);

  /* A correction makes it unreviewed until accepted again; so does a
   * deleted shape. */
  g_usleep (2000);
  g_assert_true (bw_project_update_annotation_shape (f->project, box, moved, &error));
  answers = bw_project_list_gold_answers (f->project, &error);
  g_assert_false (find_answer (answers, answered)->accepted);
  g_clear_pointer (&answers, g_ptr_array_unref);
  g_usleep (2000);
  g_assert_true (bw_project_review_gold_answer (f->project, answered, f->ann, NULL, NULL, &error));
  answers = bw_project_list_gold_answers (f->project, &error);
  a = find_answer (answers, answered);
  g_assert_true (a->accepted);
  g_assert_cmpstr (a->reviewer, ==, "Ann");
  g_clear_pointer (&answers, g_ptr_array_unref);
  g_usleep (2000);
  g_assert_true (bw_project_delete_annotation (f->project, box, &error));
  answers = bw_project_list_gold_answers (f->project, &error);
  a = find_answer (answers, answered);
  g_assert_false (a->accepted);
  g_assert_cmpuint (a->n_annotations, ==, 1);
}

/* The lead draws the answer in the gold layer; an annotator's session of
 * the same image shows their own work only. */
static void
test_gold_session (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwLayerSession) gold = NULL;
  g_autoptr(BwLayerSession) work = NULL;
  g_autoptr(BwShape) box = bw_shape_new_box (10, 10, 50, 50);
  g_autoptr(BwLayer) layer = NULL;
  gint64 img = add_image (f, 1), id;

  g_assert_true (bw_project_set_image_gold (f->project, img, TRUE, &error));
  gold = bw_layer_session_new_for_gold (f->project, img, f->lead, &error);
  g_assert_no_error (error);
  g_assert_true (bw_layer_session_is_gold (gold));
  g_assert_cmpint (bw_layer_session_get_layer_id (gold), ==, 0);
  g_assert_true (bw_layer_session_add (gold, f->category, box, &id, &error));
  g_assert_no_error (error);
  layer = bw_project_get_layer (f->project, bw_layer_session_get_layer_id (gold), &error);
  g_assert_cmpint (layer->kind, ==, BW_LAYER_KIND_GOLD);
  g_assert_cmpint (layer->person_id, ==, f->lead);
  g_assert_cmpint (bw_project_get_gold_layer (f->project, img, NULL), ==, layer->id);
  /* Drawing the answer starts nobody's work: the image stays gold, and
   * the lead has no assignment on it. */
  g_assert_null (bw_project_get_assignment (f->project, img, f->lead, BW_TASK_ANNOTATE, &error));
  g_assert_no_error (error);

  g_assert_false (bw_layer_session_submit (gold, &error));
  g_assert_error (error, BW_LAYER_SESSION_ERROR, BW_LAYER_SESSION_ERROR_GOLD);
  g_clear_error (&error);
  g_assert_false (bw_layer_session_mark_no_objects (gold, &error));
  g_assert_error (error, BW_LAYER_SESSION_ERROR, BW_LAYER_SESSION_ERROR_GOLD);
  g_clear_error (&error);

  /* Ann sees an empty image, and her shapes go to her own layer. */
  work = bw_layer_session_new (f->project, img, f->ann, &error);
  g_assert_no_error (error);
  g_assert_false (bw_layer_session_is_gold (work));
  g_assert_cmpuint (bw_annotation_set_get_size (bw_layer_session_get_annotations (work)), ==, 0);
  g_assert_true (bw_layer_session_add (work, f->category, box, NULL, &error));
  g_assert_cmpint (bw_layer_session_get_layer_id (work), !=, layer->id);
  g_assert_cmpuint (bw_annotation_set_get_size (bw_layer_session_get_annotations (gold)), ==, 1);

  /* A second session of the gold answer opens the same layer. */
  g_clear_object (&gold);
  gold = bw_layer_session_new_for_gold (f->project, img, f->rosa, &error);
  g_assert_cmpint (bw_layer_session_get_layer_id (gold), ==, layer->id);
  g_assert_cmpuint (bw_annotation_set_get_size (bw_layer_session_get_annotations (gold)), ==, 1);
}

/* The images of @queue that are gold. */
static guint
count_gold (Fixture *f,
            GArray  *queue,
            guint    n)
{
  guint gold = 0;

  for (guint i = 0; i < MIN (n, queue->len); i++)
    {
      g_autoptr(BwImage) image = bw_project_get_image (f->project, g_array_index (queue, gint64, i), NULL);

      gold += image->is_gold;
    }
  return gold;
}

static void
test_honeypots (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) gold_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) queue = NULL;
  g_autoptr(GArray) again = NULL;
  g_autoptr(GArray) bens = NULL;
  const double rate = 0.08;
  gint64 unanswered = 0;
  guint worked = 0, worked_gold = 0;

  /* 1,000 images of which 150 gold; one gold image has no answer yet. */
  g_assert_true (bw_project_begin (f->project, &error));
  for (guint i = 0; i < 1000; i++)
    {
      gint64 id = add_image (f, i);

      if (i % 20 == 3 || i % 20 == 11 || i % 20 == 17)
        {
          g_array_append_val (gold_ids, id);
          if (gold_ids->len == 1)
            unanswered = id;
          else
            add_box (f, gold_layer (f, id), 10);
        }
    }
  g_assert_true (bw_project_set_images_gold (f->project, (const gint64 *) (gpointer) gold_ids->data,
                                             gold_ids->len, TRUE, &error));
  g_assert_true (bw_project_commit (f->project, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (gold_ids->len, ==, 150);

  /* No rate: no gold image in anyone's queue. */
  queue = bw_project_list_work_queue (f->project, f->ann, &error);
  g_assert_cmpuint (queue->len, ==, 850);
  g_assert_cmpuint (count_gold (f, queue, queue->len), ==, 0);
  g_clear_pointer (&queue, g_array_unref);

  g_assert_true (bw_project_set_honeypot_rate (f->project, rate, &error));
  g_assert_cmpfloat (bw_project_get_honeypot_rate (f->project), ==, rate);
  g_assert_false (bw_project_set_honeypot_rate (f->project, 1.0, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID);
  g_clear_error (&error);

  /* With a rate: in every stretch from the start, the gold images are
   * the rate's share to within one image, and never the unanswered one. */
  queue = bw_project_list_work_queue (f->project, f->ann, &error);
  g_assert_no_error (error);
  g_assert_false (contains (queue, unanswered));
  {
    guint gold = 0;

    for (guint n = 1; n <= queue->len; n++)
      {
        g_autoptr(BwImage) image = bw_project_get_image (f->project, g_array_index (queue, gint64, n - 1), NULL);

        gold += image->is_gold;
        g_assert_cmpfloat (fabs (gold - rate * n), <=, 1.0);
      }
    g_assert_cmpfloat (fabs ((double) gold / queue->len - rate), <=, 0.01);
    g_assert_cmpuint (queue->len, ==, 850 + gold);
  }

  /* The same for the same person; Ben has his own. */
  again = bw_project_list_work_queue (f->project, f->ann, &error);
  g_assert_cmpmem (queue->data, queue->len * sizeof (gint64), again->data, again->len * sizeof (gint64));
  bens = bw_project_list_work_queue (f->project, f->ben, &error);
  g_assert_false (queue->len == bens->len &&
                  memcmp (queue->data, bens->data, queue->len * sizeof (gint64)) == 0);

  /* Ann works down her queue: each image her ordinary work layer,
   * submitted; the share of gold in what she did stays at the rate. (One
   * transaction round it all keeps the test off the disk's sync.) */
  g_assert_true (bw_project_begin (f->project, &error));
  for (guint step = 0; step < 400; step++)
    {
      g_autoptr(GArray) now = bw_project_list_work_queue (f->project, f->ann, &error);
      g_autoptr(BwImage) image = NULL;
      gint64 image_id = g_array_index (now, gint64, 0), layer;

      g_assert_true (bw_project_ensure_layer (f->project, image_id, f->ann, BW_LAYER_KIND_WORK, &layer, &error));
      add_box (f, layer, 12);
      g_assert_true (bw_project_submit_layer (f->project, layer, &error));
      g_assert_no_error (error);

      image = bw_project_get_image (f->project, image_id, NULL);
      worked++;
      worked_gold += image->is_gold;
      g_assert_cmpfloat (fabs (worked_gold - rate * worked), <=, 1.0);
      /* A gold image stays gold to the lead, whatever its work; to Ann
       * it shows as her work does, as any other image. */
      if (image->is_gold)
        {
          g_assert_cmpint (image->status, ==, BW_IMAGE_STATUS_GOLD);
          g_assert_cmpint (bw_project_get_image_status_for (f->project, image, f->lead), ==,
                           BW_IMAGE_STATUS_GOLD);
          g_assert_cmpint (bw_project_get_image_status_for (f->project, image, f->ann), ==,
                           BW_IMAGE_STATUS_SUBMITTED);
          g_assert_cmpint (bw_project_get_image_status_for (f->project, image, f->ben), ==,
                           BW_IMAGE_STATUS_NEW);
        }
    }
  g_assert_true (bw_project_commit (f->project, &error));
  g_assert_cmpfloat (fabs ((double) worked_gold / worked - rate), <=, 0.01);

  /* "Submit and next" follows her queue, honeypots and all. */
  {
    g_autoptr(GArray) now = bw_project_list_work_queue (f->project, f->ann, &error);
    g_autoptr(BwLayerSession) session = bw_layer_session_new (f->project, g_array_index (now, gint64, 0),
                                                              f->ann, &error);

    g_assert_cmpint (bw_layer_session_find_next_image (session), ==, g_array_index (now, gint64, 1));
  }
  g_assert_cmpuint (worked_gold, >, 0);

  /* Her honeypots are scored against gold: her box, 2 px beside each gold
   * box (IoU 38/42), matches it on every gold image she did. */
  {
    g_autoptr(BwQualityReport) report = bw_quality_compute (f->project, NULL, NULL, NULL, NULL, &error);
    const BwQualityAnnotator *ann;

    g_assert_no_error (error);
    g_assert_cmpuint (report->gold_images, ==, worked_gold);
    g_assert_cmpuint (report->annotators->len, ==, 1);
    ann = report->annotators->pdata[0];
    g_assert_cmpstr (ann->name, ==, "Ann");
    g_assert_cmpuint (ann->images, ==, worked_gold);
    g_assert_cmpuint (ann->counts.tp, ==, worked_gold);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/gold/sample", test_sample);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/core/gold/mark-many", test_mark_many);
  ADD ("/core/gold/promote", test_promote);
  ADD ("/core/gold/review", test_review);
  ADD ("/core/gold/session", test_gold_session);
  ADD ("/core/gold/honeypots", test_honeypots);
#undef ADD

  return g_test_run ();
}
