/* test-quality.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The figures themselves are checked against an independent
 * implementation by test-quality-reference.py; here, what a caller of the
 * core relies on: which layers count, the worker-thread form with its
 * progress and cancellation.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <math.h>

#include "bw-quality.h"

typedef struct
{
  char      *dir;
  BwProject *project;
  gint64     category;
  gint64     ana;
  gint64     bo;
} Fixture;

static gint64
add_image (Fixture  *f,
           guint     index,
           gboolean  gold)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_strdup_printf ("img-%u.png", index);
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, path, -1);
  BwImage image = { .path = path, .width = 100, .height = 100, .content_hash = hash, .orientation = 1 };
  gint64 id;

  g_assert_true (bw_project_add_image (f->project, &image, &id, &error));
  g_assert_no_error (error);
  if (gold)
    g_assert_true (bw_project_set_image_gold (f->project, id, TRUE, &error));
  return id;
}

static gint64
add_layer (Fixture     *f,
           gint64       image,
           gint64       person,
           BwLayerKind  kind,
           guint        n_boxes,
           double       shift,
           gboolean     submit)
{
  g_autoptr(GError) error = NULL;
  gint64 layer;

  g_assert_true (bw_project_ensure_layer (f->project, image, person, kind, &layer, &error));
  for (guint k = 0; k < n_boxes; k++)
    {
      g_autoptr(BwShape) box = bw_shape_new_box (k * 20 + shift, 0, k * 20 + 10 + shift, 10);

      g_assert_true (bw_project_add_annotation (f->project, layer, f->category, box,
                                                BW_SOURCE_DRAWN, 1.0, NULL, &error));
    }
  if (submit)
    g_assert_true (bw_project_submit_layer (f->project, layer, &error));
  g_assert_no_error (error);
  return layer;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;

  f->dir = g_dir_make_tmp ("bw-test-quality-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "q.boxwood", NULL);
  file = g_file_new_for_path (path);
  f->project = bw_project_create (file, &error);
  g_assert_no_error (error);
  g_assert_true (bw_project_add_category (f->project, "car", "", "#3366cc", &f->category, &error));
  g_assert_true (bw_project_ensure_person (f->project, "Ana", BW_ROLE_ANNOTATOR, &f->ana, &error));
  g_assert_true (bw_project_ensure_person (f->project, "Bo", BW_ROLE_ANNOTATOR, &f->bo, &error));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GDir) dir = g_dir_open (f->dir, 0, NULL);
  const char *name;

  g_assert_finalize_object (f->project);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (f->dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
}

/* Work in progress, model layers and images without a gold answer do not
 * count; an empty submitted answer does (every gold object missed). */
static void
test_what_counts (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwQualityReport) report = NULL;
  gint64 answered = add_image (f, 0, TRUE);
  gint64 unanswered = add_image (f, 1, TRUE);
  gint64 in_progress = add_image (f, 2, TRUE);
  gint64 plain = add_image (f, 3, FALSE);
  const BwQualityAnnotator *ana, *bo;

  add_layer (f, answered, 0, BW_LAYER_KIND_GOLD, 3, 0, FALSE);
  add_layer (f, answered, f->ana, BW_LAYER_KIND_WORK, 3, 1, TRUE);    /* IoU 9/11 each */
  add_layer (f, answered, f->bo, BW_LAYER_KIND_WORK, 0, 0, TRUE);     /* nothing */
  add_layer (f, unanswered, f->ana, BW_LAYER_KIND_WORK, 2, 0, TRUE);  /* no gold answer */
  add_layer (f, in_progress, 0, BW_LAYER_KIND_GOLD, 2, 0, FALSE);
  add_layer (f, in_progress, f->ana, BW_LAYER_KIND_WORK, 2, 0, FALSE);
  add_layer (f, plain, f->ana, BW_LAYER_KIND_WORK, 2, 0, TRUE);       /* one answer only */

  report = bw_quality_compute (f->project, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (report);

  g_assert_cmpuint (report->gold_images, ==, 1);
  g_assert_cmpuint (report->annotators->len, ==, 2);
  ana = report->annotators->pdata[0];
  bo = report->annotators->pdata[1];
  g_assert_cmpstr (ana->name, ==, "Ana");
  g_assert_cmpuint (ana->images, ==, 1);
  g_assert_cmpuint (ana->counts.tp, ==, 3);
  g_assert_cmpuint (ana->counts.fp, ==, 0);
  g_assert_cmpfloat_with_epsilon (bw_quality_counts_mean_iou (&ana->counts), 9.0 / 11.0, 1e-12);
  g_assert_cmpstr (bo->name, ==, "Bo");
  g_assert_cmpuint (bo->counts.tp, ==, 0);
  g_assert_cmpuint (bo->counts.fn, ==, 3);
  g_assert_cmpuint (bo->counts.errors[BW_MATCH_MISSED], ==, 3);

  /* Ana and Bo both answered image 0: they agree on nothing. */
  g_assert_cmpuint (report->agreement_images, ==, 1);
  g_assert_cmpuint (report->pairs->len, ==, 1);
  g_assert_cmpuint (g_array_index (report->pairs, BwQualityPair, 0).counts.fn, ==, 3);
  g_assert_cmpuint (report->flagged->len, ==, 1);
}

static void
progress_cb (double   fraction,
             gpointer user_data)
{
  GArray *fractions = user_data;

  /* From the worker thread; the test reads the array after the task. */
  g_array_append_val (fractions, fraction);
}

static void
compute_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static BwQualityReport *
compute_in_thread (Fixture       *f,
                   GCancellable  *cancellable,
                   GArray        *fractions,
                   GError       **error)
{
  GAsyncResult *result = NULL;
  gpointer task;
  BwQualityReport *report;

  bw_quality_compute_async (f->project, NULL, progress_cb, fractions, cancellable,
                            compute_done_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  report = bw_quality_compute_finish (f->project, result, error);

  /* The worker thread lets go of the task (and the project) a moment
   * after the result arrives: wait for that, so the fixture can check
   * that the project is freed. */
  task = result;
  g_object_add_weak_pointer (G_OBJECT (task), &task);
  g_object_unref (result);
  while (task != NULL)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  return report;
}

static void
test_async_progress_and_cancel (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) fractions = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(BwQualityReport) report = NULL;
  g_autoptr(BwQualityReport) cancelled = NULL;

  g_assert_true (bw_project_begin (f->project, &error));
  for (guint i = 0; i < 600; i++)
    {
      gint64 image = add_image (f, i, TRUE);

      add_layer (f, image, 0, BW_LAYER_KIND_GOLD, 2, 0, FALSE);
      add_layer (f, image, f->ana, BW_LAYER_KIND_WORK, 2, i % 2, TRUE);
    }
  g_assert_true (bw_project_commit (f->project, &error));

  report = compute_in_thread (f, NULL, fractions, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report->gold_images, ==, 600);
  g_assert_cmpuint (fractions->len, >=, 2);
  for (guint i = 1; i < fractions->len; i++)
    g_assert_cmpfloat (g_array_index (fractions, double, i), >, g_array_index (fractions, double, i - 1));
  g_assert_cmpfloat (g_array_index (fractions, double, fractions->len - 1), ==, 1.0);

  g_cancellable_cancel (cancellable);
  cancelled = compute_in_thread (f, cancellable, fractions, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (cancelled);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/core/quality/what-counts", Fixture, NULL,
              fixture_set_up, test_what_counts, fixture_tear_down);
  g_test_add ("/core/quality/async-progress-and-cancel", Fixture, NULL,
              fixture_set_up, test_async_progress_and_cancel, fixture_tear_down);

  return g_test_run ();
}
