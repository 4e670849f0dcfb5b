/* test-layer-session-review.c — a reviewer's commands on one image, their
 * undo and redo, and the verdicts the annotator then sees
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What each command wrote is read back through a second connection to
 * the file, so the checks are on the project, not on the session's cache.
 */

#include "config.h"

#include <glib/gstdio.h>

#include "bw-layer-session.h"

typedef struct
{
  char      *dir;
  GFile     *file;
  BwProject *project;
  gint64     annotator;
  gint64     reviewer;
  gint64     image;
  gint64     cat_a;
  gint64     cat_b;
  gint64     reason;           /* the first rejection reason */
  guint      n_reviews_changed;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) reasons = NULL;
  BwImage image = { 0 };

  f->dir = g_dir_make_tmp ("bw-test-session-review-XXXXXX", &error);
  g_assert_no_error (error);
  f->file = g_file_new_build_filename (f->dir, "p.boxwood", NULL);
  f->project = bw_project_create (f->file, &error);
  g_assert_no_error (error);

  image.path = (char *) "img.jpg";
  image.width = 640;
  image.height = 480;
  image.content_hash = (char *) "00";
  bw_project_add_image (f->project, &image, &f->image, &error);
  g_assert_no_error (error);
  bw_project_ensure_person (f->project, "ann", BW_ROLE_ANNOTATOR, &f->annotator, &error);
  g_assert_no_error (error);
  bw_project_ensure_person (f->project, "rev", BW_ROLE_REVIEWER, &f->reviewer, &error);
  g_assert_no_error (error);
  bw_project_add_category (f->project, "car", "", "#ff0000", &f->cat_a, &error);
  g_assert_no_error (error);
  bw_project_add_category (f->project, "bus", "", "#00ff00", &f->cat_b, &error);
  g_assert_no_error (error);

  reasons = bw_project_list_rejection_reasons (f->project, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (reasons->len, >, 1);
  f->reason = ((BwRejectionReason *) reasons->pdata[0])->id;
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *path = g_file_get_path (f->file);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  g_assert_finalize_object (f->project);
  g_unlink (path);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (f->dir);
  g_object_unref (f->file);
  g_free (f->dir);
}

static void
reviews_changed_cb (BwLayerSession *session,
                    Fixture        *f)
{
  f->n_reviews_changed++;
}

static gint64
add_box (BwLayerSession *session,
         gint64          category_id,
         double          x0,
         double          y0,
         double          x1,
         double          y1)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwShape) shape = bw_shape_new_box (x0, y0, x1, y1);
  gint64 id = 0;

  g_assert_true (bw_layer_session_add (session, category_id, shape, &id, &error));
  g_assert_no_error (error);

  return id;
}

/* The annotator draws three boxes and submits; returns their layer. */
static gint64
annotate_and_submit (Fixture *f,
                     gint64   ids[3])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwLayerSession) session = bw_layer_session_new (f->project, f->image, f->annotator, &error);
  gint64 layer_id;

  g_assert_no_error (error);
  ids[0] = add_box (session, f->cat_a, 10, 10, 60, 60);
  ids[1] = add_box (session, f->cat_a, 100, 100, 150, 150);
  ids[2] = add_box (session, f->cat_b, 200, 200, 260, 260);
  g_assert_true (bw_layer_session_submit (session, &error));
  g_assert_no_error (error);
  layer_id = bw_layer_session_get_layer_id (session);
  g_assert_finalize_object (g_steal_pointer (&session));

  return layer_id;
}

static BwLayerSession *
open_review (Fixture *f,
             gint64   layer_id)
{
  g_autoptr(GError) error = NULL;
  BwLayerSession *session = bw_layer_session_new_for_review (f->project, layer_id, f->reviewer, &error);

  g_assert_no_error (error);
  g_assert_nonnull (session);
  g_assert_true (bw_layer_session_is_review (session));
  g_signal_connect (session, "reviews-changed", G_CALLBACK (reviews_changed_cb), f);

  return session;
}

/* The reviews of the layer as the file holds them, through another
 * connection. */
static GPtrArray *
stored_reviews (Fixture *f,
                gint64   layer_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwProject) other = bw_project_open (f->file, &error);
  GPtrArray *reviews;

  g_assert_no_error (error);
  reviews = bw_project_list_reviews_for_layer (other, layer_id, &error);
  g_assert_no_error (error);

  return reviews;
}

/* The verdict the file holds on the current version of @annotation_id:
 * -1 when none. Computed from the rows, apart from the session's code. */
static int
stored_verdict (Fixture *f,
                gint64   layer_id,
                gint64   annotation_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwProject) other = bw_project_open (f->file, &error);
  g_autoptr(GPtrArray) reviews = bw_project_list_reviews_for_layer (other, layer_id, &error);
  g_autoptr(BwAnnotation) a = bw_project_get_annotation (other, annotation_id, &error);
  int verdict = -1;

  g_assert_no_error (error);
  for (guint i = 0; i < reviews->len; i++)
    {
      const BwReview *r = reviews->pdata[i];

      if (r->annotation_id != annotation_id)
        continue;
      if ((r->verdict != BW_VERDICT_FIXED && r->annotation_version == a->version) ||
          (r->verdict == BW_VERDICT_FIXED && r->annotation_version == a->version - 1))
        verdict = r->verdict;
    }

  return verdict;
}

static guint
count_stored_reviews (Fixture *f,
                      gint64   layer_id)
{
  g_autoptr(GPtrArray) reviews = stored_reviews (f, layer_id);

  return reviews->len;
}

static BwLayerStatus
stored_status (Fixture *f,
               gint64   layer_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwProject) other = bw_project_open (f->file, &error);
  g_autoptr(BwLayer) layer = bw_project_get_layer (other, layer_id, &error);

  g_assert_no_error (error);
  return layer->status;
}

static int
session_verdict (BwLayerSession *session,
                 gint64          id)
{
  const BwReview *r = bw_layer_session_get_verdict (session, id);

  return r != NULL ? (int) r->verdict : -1;
}

/* Accept and reject, each one step: undo withdraws the review from the
 * file, redo gives it again. */
static void
test_accept_reject_undo (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwLayerSession) session = NULL;
  g_autoptr(GPtrArray) reviews = NULL;
  gint64 ids[3], layer_id;
  const BwReview *r;

  layer_id = annotate_and_submit (f, ids);
  session = open_review (f, layer_id);

  /* Opening a submitted layer starts its review: no recall now. */
  {
    g_autoptr(BwAssignment) work = bw_project_get_assignment (f->project, f->image, f->annotator,
                                                              BW_TASK_ANNOTATE, &error);
    g_assert_no_error (error);
    g_assert_cmpint (work->status, ==, BW_ASSIGNMENT_IN_REVIEW);
  }
  g_assert_cmpuint (bw_layer_session_count_undecided (session), ==, 3);
  g_assert_cmpuint (bw_layer_session_get_reviews (session)->len, ==, 0);

  g_assert_true (bw_layer_session_accept (session, &ids[0], 1, &error));
  g_assert_no_error (error);
  g_assert_true (bw_layer_session_reject (session, &ids[1], 1, f->reason, "too loose", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (bw_layer_session_get_undo_label (session), ==, "Reject Shape");
  g_assert_cmpuint (f->n_reviews_changed, >=, 2);

  g_assert_cmpint (session_verdict (session, ids[0]), ==, BW_VERDICT_ACCEPT);
  g_assert_cmpint (session_verdict (session, ids[1]), ==, BW_VERDICT_REJECT);
  g_assert_cmpint (session_verdict (session, ids[2]), ==, -1);
  r = bw_layer_session_get_verdict (session, ids[1]);
  g_assert_cmpint (r->reason_id, ==, f->reason);
  g_assert_cmpstr (r->comment, ==, "too loose");
  g_assert_cmpint (r->reviewer_id, ==, f->reviewer);
  g_assert_cmpint (stored_verdict (f, layer_id, ids[0]), ==, BW_VERDICT_ACCEPT);
  g_assert_cmpint (stored_verdict (f, layer_id, ids[1]), ==, BW_VERDICT_REJECT);
  g_assert_cmpuint (bw_layer_session_count_undecided (session), ==, 1);
  g_assert_cmpuint (bw_layer_session_get_reviews (session)->len, ==, 2);

  /* Accepting what is accepted is no step. */
  g_assert_true (bw_layer_session_accept (session, &ids[0], 1, &error));
  g_assert_cmpstr (bw_layer_session_get_undo_label (session), ==, "Reject Shape");

  /* Undo withdraws the rejection from the file; redo gives it again. */
  g_assert_true (bw_layer_session_undo (session, &error));
  g_assert_no_error (error);
  g_assert_cmpint (session_verdict (session, ids[1]), ==, -1);
  g_assert_cmpint (stored_verdict (f, layer_id, ids[1]), ==, -1);
  reviews = stored_reviews (f, layer_id);
  g_assert_cmpuint (reviews->len, ==, 1);
  g_clear_pointer (&reviews, g_ptr_array_unref);

  g_assert_true (bw_layer_session_undo (session, &error));
  g_assert_cmpint (session_verdict (session, ids[0]), ==, -1);
  reviews = stored_reviews (f, layer_id);
  g_assert_cmpuint (reviews->len, ==, 0);
  g_clear_pointer (&reviews, g_ptr_array_unref);
  g_assert_false (bw_layer_session_can_undo (session));

  g_assert_true (bw_layer_session_redo (session, &error));
  g_assert_true (bw_layer_session_redo (session, &error));
  g_assert_no_error (error);
  g_assert_cmpint (session_verdict (session, ids[0]), ==, BW_VERDICT_ACCEPT);
  g_assert_cmpint (session_verdict (session, ids[1]), ==, BW_VERDICT_REJECT);
  g_assert_cmpint (stored_verdict (f, layer_id, ids[1]), ==, BW_VERDICT_REJECT);
  r = bw_layer_session_get_verdict (session, ids[1]);
  g_assert_cmpint (r->reason_id, ==, f->reason);
  g_assert_cmpstr (r->comment, ==, "too loose");

  /* Shift+A: the one undecided shape, as one step. */
  {
    guint n = 0;

    g_assert_true (bw_layer_session_accept_undecided (session, &n, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (n, ==, 1);
    g_assert_cmpint (stored_verdict (f, layer_id, ids[2]), ==, BW_VERDICT_ACCEPT);
    g_assert_cmpint (stored_verdict (f, layer_id, ids[1]), ==, BW_VERDICT_REJECT);
    g_assert_cmpuint (bw_layer_session_count_undecided (session), ==, 0);
    g_assert_true (bw_layer_session_undo (session, &error));
    g_assert_cmpint (stored_verdict (f, layer_id, ids[2]), ==, -1);
    g_assert_cmpuint (bw_layer_session_count_undecided (session), ==, 1);
  }

  g_assert_finalize_object (g_steal_pointer (&session));
}

/* A fix is the reviewer's version; the annotator's is kept, and undo
 * makes it current again. The session's own edits are fixes in review. */
static void
test_fix (Fixture       *f,
          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwLayerSession) session = NULL;
  g_autoptr(BwShape) tighter = bw_shape_new_box (12, 14, 58, 55);
  g_autoptr(BwShape) moved = bw_shape_new_box (110, 100, 160, 150);
  g_autoptr(BwAnnotation) stored = NULL;
  g_autoptr(BwAnnotation) original = NULL;
  BwAnnotationSet *set;
  gint64 ids[3], layer_id, id = 0;
  guint n = 0;

  layer_id = annotate_and_submit (f, ids);
  session = open_review (f, layer_id);
  set = bw_layer_session_get_annotations (session);

  g_assert_true (bw_layer_session_fix (session, ids[0], tighter, 0, &error));
  g_assert_no_error (error);
  g_assert_cmpint (session_verdict (session, ids[0]), ==, BW_VERDICT_FIXED);
  g_assert_true (bw_shape_equal (bw_annotation_set_lookup (set, ids[0])->shape, tighter));

  stored = bw_project_get_annotation (f->project, ids[0], &error);
  g_assert_no_error (error);
  g_assert_true (bw_shape_equal (stored->shape, tighter));
  g_assert_cmpint (stored->author_id, ==, f->reviewer);
  g_assert_cmpint (stored->version, ==, 2);
  original = bw_project_get_annotation_version (f->project, ids[0], 1, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (original->shape->bbox.x0, ==, 10);
  g_assert_cmpint (stored_verdict (f, layer_id, ids[0]), ==, BW_VERDICT_FIXED);
  g_clear_pointer (&stored, bw_annotation_free);

  /* Undo: the annotator's geometry is current again, and theirs. */
  g_assert_true (bw_layer_session_undo (session, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (bw_annotation_set_lookup (set, ids[0])->shape->bbox.x0, ==, 10);
  g_assert_cmpint (session_verdict (session, ids[0]), ==, -1);
  stored = bw_project_get_annotation (f->project, ids[0], &error);
  g_assert_cmpfloat (stored->shape->bbox.x0, ==, 10);
  g_assert_cmpint (stored->author_id, ==, 0);
  g_clear_pointer (&stored, bw_annotation_free);

  g_assert_true (bw_layer_session_redo (session, &error));
  g_assert_no_error (error);
  g_assert_true (bw_shape_equal (bw_annotation_set_lookup (set, ids[0])->shape, tighter));
  g_assert_cmpint (session_verdict (session, ids[0]), ==, BW_VERDICT_FIXED);
  g_assert_cmpint (stored_verdict (f, layer_id, ids[0]), ==, BW_VERDICT_FIXED);

  /* A move with the select tool, and a relabel, are fixes. */
  g_assert_true (bw_layer_session_change_shape (session, "Move", ids[1], moved, &error));
  g_assert_no_error (error);
  g_assert_cmpint (session_verdict (session, ids[1]), ==, BW_VERDICT_FIXED);
  g_assert_true (bw_layer_session_relabel (session, &ids[2], 1, f->cat_a, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpint (session_verdict (session, ids[2]), ==, BW_VERDICT_FIXED);
  stored = bw_project_get_annotation (f->project, ids[2], &error);
  g_assert_cmpint (stored->category_id, ==, f->cat_a);
  g_assert_cmpint (stored->author_id, ==, f->reviewer);
  g_assert_cmpuint (count_stored_reviews (f, layer_id), ==, 3);

  /* The annotator's commands are refused, and write nothing. */
  {
    g_autoptr(BwShape) box = bw_shape_new_box (300, 300, 320, 320);

    g_assert_false (bw_layer_session_add (session, f->cat_a, box, &id, &error));
    g_assert_error (error, BW_LAYER_SESSION_ERROR, BW_LAYER_SESSION_ERROR_REVIEWING);
    g_clear_error (&error);
    g_assert_false (bw_layer_session_delete (session, &ids[0], 1, &error));
    g_assert_error (error, BW_LAYER_SESSION_ERROR, BW_LAYER_SESSION_ERROR_REVIEWING);
    g_clear_error (&error);
    g_assert_false (bw_layer_session_submit (session, &error));
    g_assert_error (error, BW_LAYER_SESSION_ERROR, BW_LAYER_SESSION_ERROR_REVIEWING);
    g_clear_error (&error);
    g_assert_cmpuint (bw_annotation_set_get_size (set), ==, 3);
  }

  g_assert_finalize_object (g_steal_pointer (&session));
}

/* Pinned comments and the layer verdicts; then what the annotator sees
 * of a returned image, and the second round. */
static void
test_return_and_accept (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwLayerSession) session = NULL;
  g_autoptr(BwLayerSession) mine = NULL;
  g_autoptr(BwShape) fixed = bw_shape_new_box (102, 102, 148, 148);
  gint64 ids[3], layer_id, pin = 0;
  GPtrArray *shown;
  guint n_pins = 0;

  layer_id = annotate_and_submit (f, ids);
  session = open_review (f, layer_id);

  g_assert_true (bw_layer_session_pin_comment (session, 400, 300, f->reason, "missed car here", &pin, &error));
  g_assert_no_error (error);
  g_assert_cmpint (pin, >, 0);
  shown = bw_layer_session_get_reviews (session);
  g_assert_cmpuint (shown->len, ==, 1);
  g_assert_true (((BwReview *) shown->pdata[0])->has_point);
  g_assert_cmpfloat (((BwReview *) shown->pdata[0])->x, ==, 400);
  g_assert_true (bw_layer_session_undo (session, &error));
  g_assert_cmpuint (bw_layer_session_get_reviews (session)->len, ==, 0);
  g_assert_cmpuint (count_stored_reviews (f, layer_id), ==, 0);
  g_assert_true (bw_layer_session_redo (session, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (bw_layer_session_get_reviews (session)->len, ==, 1);

  g_assert_true (bw_layer_session_reject (session, &ids[1], 1, f->reason, NULL, &error));
  g_assert_true (bw_layer_session_accept (session, (gint64[]) { ids[0], ids[2] }, 2, &error));
  g_assert_no_error (error);

  /* Return: undone while the annotator has not started again. */
  g_assert_true (bw_layer_session_return_layer (session, 0, "see the marks", &error));
  g_assert_no_error (error);
  g_assert_cmpint (stored_status (f, layer_id), ==, BW_LAYER_STATUS_REJECTED);
  g_assert_cmpint (bw_layer_session_get_status (session), ==, BW_LAYER_STATUS_REJECTED);
  g_assert_true (bw_layer_session_undo (session, &error));
  g_assert_no_error (error);
  g_assert_cmpint (stored_status (f, layer_id), ==, BW_LAYER_STATUS_SUBMITTED);
  g_assert_true (bw_layer_session_redo (session, &error));
  g_assert_cmpint (stored_status (f, layer_id), ==, BW_LAYER_STATUS_REJECTED);
  g_assert_finalize_object (g_steal_pointer (&session));

  /* The annotator sees the rejected shape, its reason and the pin. */
  mine = bw_layer_session_new (f->project, f->image, f->annotator, &error);
  g_assert_no_error (error);
  g_assert_false (bw_layer_session_is_review (mine));
  g_assert_cmpint (session_verdict (mine, ids[1]), ==, BW_VERDICT_REJECT);
  g_assert_cmpint (bw_layer_session_get_verdict (mine, ids[1])->reason_id, ==, f->reason);
  g_assert_cmpint (session_verdict (mine, ids[0]), ==, BW_VERDICT_ACCEPT);
  shown = bw_layer_session_get_reviews (mine);
  for (guint i = 0; i < shown->len; i++)
    n_pins += ((BwReview *) shown->pdata[i])->has_point;
  g_assert_cmpuint (n_pins, ==, 1);
  g_assert_false (bw_layer_session_accept (mine, &ids[0], 1, &error));
  g_assert_error (error, BW_LAYER_SESSION_ERROR, BW_LAYER_SESSION_ERROR_NOT_REVIEWING);
  g_clear_error (&error);

  /* Their fix is a new version without a verdict; resubmitted, the
   * pins of the last round are not shown on the new one. */
  g_signal_connect (mine, "reviews-changed", G_CALLBACK (reviews_changed_cb), f);
  f->n_reviews_changed = 0;
  g_assert_true (bw_layer_session_change_shape (mine, "Resize", ids[1], fixed, &error));
  g_assert_no_error (error);
  g_assert_cmpint (session_verdict (mine, ids[1]), ==, -1);
  g_assert_cmpuint (f->n_reviews_changed, ==, 1);
  g_assert_true (bw_layer_session_submit (mine, &error));
  g_assert_no_error (error);
  g_assert_finalize_object (g_steal_pointer (&mine));

  session = open_review (f, layer_id);
  g_assert_cmpint (bw_layer_session_get_submission (session), ==, 2);
  g_assert_cmpuint (bw_layer_session_count_undecided (session), ==, 1);
  shown = bw_layer_session_get_reviews (session);
  for (guint i = 0; i < shown->len; i++)
    g_assert_false (((BwReview *) shown->pdata[i])->has_point);

  /* Ctrl+Enter: the layer is the accepted answer, the fixed box with it. */
  g_assert_true (bw_layer_session_accept_layer (session, &error));
  g_assert_no_error (error);
  g_assert_cmpint (stored_status (f, layer_id), ==, BW_LAYER_STATUS_ACCEPTED);
  g_assert_cmpint (stored_verdict (f, layer_id, ids[1]), ==, BW_VERDICT_ACCEPT);
  g_assert_cmpint (session_verdict (session, ids[1]), ==, BW_VERDICT_ACCEPT);
  g_assert_true (bw_layer_session_undo (session, &error));
  g_assert_no_error (error);
  g_assert_cmpint (stored_status (f, layer_id), ==, BW_LAYER_STATUS_SUBMITTED);
  g_assert_cmpint (stored_verdict (f, layer_id, ids[1]), ==, -1);
  g_assert_cmpint (session_verdict (session, ids[1]), ==, -1);
  g_assert_true (bw_layer_session_redo (session, &error));
  g_assert_cmpint (stored_status (f, layer_id), ==, BW_LAYER_STATUS_ACCEPTED);
  {
    g_autoptr(BwAssignment) work = bw_project_get_assignment (f->project, f->image, f->annotator,
                                                              BW_TASK_ANNOTATE, &error);
    g_assert_no_error (error);
    g_assert_cmpint (work->status, ==, BW_ASSIGNMENT_ACCEPTED);
  }

  g_assert_finalize_object (g_steal_pointer (&session));
}

/* A project on read-only media: the layer can be looked at, in review,
 * and every verdict is refused with the reason, writing nothing. */
static void
test_read_only (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwProject) read_only = NULL;
  g_autoptr(BwLayerSession) session = NULL;
  gint64 ids[3], layer_id;

  layer_id = annotate_and_submit (f, ids);
  read_only = bw_project_open_read_only (f->file, &error);
  g_assert_no_error (error);

  session = bw_layer_session_new_for_review (read_only, layer_id, f->reviewer, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (bw_annotation_set_get_size (bw_layer_session_get_annotations (session)), ==, 3);
  g_assert_false (bw_layer_session_accept (session, &ids[0], 1, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_READ_ONLY);
  g_clear_error (&error);
  g_assert_false (bw_layer_session_can_undo (session));
  g_assert_cmpuint (count_stored_reviews (f, layer_id), ==, 0);
  g_assert_cmpint (stored_status (f, layer_id), ==, BW_LAYER_STATUS_SUBMITTED);

  g_assert_finalize_object (g_steal_pointer (&session));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/core/layer-session/review/accept-reject-undo", test_accept_reject_undo);
  ADD ("/core/layer-session/review/fix", test_fix);
  ADD ("/core/layer-session/review/return-and-accept", test_return_and_accept);
  ADD ("/core/layer-session/review/read-only", test_read_only);

  return g_test_run ();
}
