/* test-calibration.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The agreement figures are checked against an independent
 * implementation by test-calibration-reference.py; here, what the store
 * promises: which images a round draws and who gets them first, the
 * answers the disagreement view shows, and a round's progress.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <math.h>

#include "bw-calibration.h"

typedef struct
{
  char      *dir;
  BwProject *project;
  gint64     category;
  gint64     ana;
  gint64     bo;
  gint64     cy;
  gint64     lead;
  gint64     images[8];
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;

  f->dir = g_dir_make_tmp ("bw-test-calibration-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "c.boxwood", NULL);
  file = g_file_new_for_path (path);
  f->project = bw_project_create (file, &error);
  g_assert_no_error (error);
  g_assert_true (bw_project_add_category (f->project, "car", "", "#3366cc", &f->category, &error));
  g_assert_true (bw_project_ensure_person (f->project, "Ana", BW_ROLE_ANNOTATOR, &f->ana, &error));
  g_assert_true (bw_project_ensure_person (f->project, "Bo", BW_ROLE_ANNOTATOR, &f->bo, &error));
  g_assert_true (bw_project_ensure_person (f->project, "Lee", BW_ROLE_LEAD, &f->lead, &error));
  for (guint i = 0; i < G_N_ELEMENTS (f->images); i++)
    {
      g_autofree char *name = g_strdup_printf ("img-%u.png", i);
      g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, name, -1);
      BwImage image = { .path = name, .width = 100, .height = 100, .content_hash = hash, .orientation = 1 };

      g_assert_true (bw_project_add_image (f->project, &image, &f->images[i], &error));
    }
  g_assert_no_error (error);
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

static gint64
answer (Fixture *f,
        gint64   image,
        gint64   person,
        guint    n_boxes,
        gboolean submit)
{
  g_autoptr(GError) error = NULL;
  gint64 layer;

  g_assert_true (bw_project_ensure_layer (f->project, image, person, BW_LAYER_KIND_WORK, &layer, &error));
  for (guint k = 0; k < n_boxes; k++)
    {
      g_autoptr(BwShape) box = bw_shape_new_box (k * 20, 0, k * 20 + 10, 10);

      g_assert_true (bw_project_add_annotation (f->project, layer, f->category, box,
                                                BW_SOURCE_DRAWN, 1.0, NULL, &error));
    }
  if (submit)
    g_assert_true (bw_project_submit_layer (f->project, layer, &error));
  g_assert_no_error (error);
  return layer;
}

static gboolean
holds (GArray *ids,
       gint64  id)
{
  for (guint i = 0; i < ids->len; i++)
    if (g_array_index (ids, gint64, i) == id)
      return TRUE;
  return FALSE;
}

static void
test_start_and_queue (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rounds = NULL;
  g_autoptr(GArray) queue = NULL;
  g_autoptr(GArray) people = NULL;
  BwCalibrationRound *round;
  gint64 round_id, cy;
  guint in_round = 0;

  /* Started, gold and excluded images are not drawn. */
  answer (f, f->images[0], f->ana, 1, FALSE);
  g_assert_true (bw_project_set_image_gold (f->project, f->images[1], TRUE, &error));
  g_assert_true (bw_project_set_image_status (f->project, f->images[2], BW_IMAGE_STATUS_EXCLUDED, &error));

  g_assert_false (bw_project_start_calibration_round (f->project, NULL, f->lead, 6, 7, NULL, 0, NULL, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (bw_project_start_calibration_round (f->project, NULL, f->lead, 2, 7, &f->ana, 1, NULL, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID);
  g_clear_error (&error);

  /* Every annotator but the one who starts it: Bo alone is too few. */
  g_assert_false (bw_project_start_calibration_round (f->project, NULL, f->ana, 2, 7, NULL, 0, NULL, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID);
  g_clear_error (&error);

  /* Every annotator: Ana and Bo, not the lead. */
  g_assert_true (bw_project_start_calibration_round (f->project, "  ", f->lead, 3, 7, NULL, 0, &round_id, &error));
  g_assert_no_error (error);
  rounds = bw_project_list_calibration_rounds (f->project, &error);
  g_assert_cmpuint (rounds->len, ==, 1);
  round = rounds->pdata[0];
  g_assert_cmpint (round->id, ==, round_id);
  g_assert_cmpstr (round->name, ==, "Round 1");
  g_assert_cmpint (round->started_by, ==, f->lead);
  g_assert_cmpuint (round->n_images, ==, 3);
  g_assert_cmpuint (round->n_people, ==, 2);
  g_assert_cmpuint (round->n_expected, ==, 6);
  g_assert_cmpuint (round->n_submitted, ==, 0);
  people = bw_project_list_calibration_people (f->project, round_id, &error);
  g_assert_cmpuint (people->len, ==, 2);

  /* The round comes first in Ana's queue, then her started image, then
   * the rest; nothing of it is fresh work for someone outside it. */
  queue = bw_project_list_work_queue (f->project, f->ana, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 3; i++)
    {
      gint64 id = g_array_index (queue, gint64, i);

      g_assert_true (id != f->images[0] && id != f->images[1] && id != f->images[2]);
    }
  g_assert_cmpint (g_array_index (queue, gint64, 3), ==, f->images[0]);
  g_assert_cmpuint (queue->len, ==, 3 + 1 + 2);
  g_assert_true (bw_project_ensure_person (f->project, "Cy", BW_ROLE_ANNOTATOR, &cy, &error));
  g_clear_pointer (&queue, g_array_unref);
  queue = bw_project_list_work_queue (f->project, cy, &error);
  g_assert_cmpuint (queue->len, ==, 2);
  for (guint i = 3; i < G_N_ELEMENTS (f->images); i++)
    in_round += holds (queue, f->images[i]) ? 0 : 1;
  g_assert_cmpuint (in_round, ==, 3);

  /* A second round draws from what is left. */
  g_assert_false (bw_project_start_calibration_round (f->project, "Too many", f->lead, 3, 1,
                                                      NULL, 0, NULL, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID);
  g_clear_error (&error);
  g_clear_pointer (&rounds, g_ptr_array_unref);
  rounds = bw_project_list_calibration_rounds (f->project, &error);
  g_assert_cmpuint (rounds->len, ==, 1);
}

static void
test_answers (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwCalibrationRound) round = NULL;
  g_autoptr(GPtrArray) shapes = NULL;
  g_autoptr(GArray) queue = NULL;
  g_autoptr(BwCalibrationReport) report = NULL;
  gint64 people[] = { 0, 0 };
  gint64 round_id, first;

  people[0] = f->ana;
  people[1] = f->bo;
  g_assert_true (bw_project_start_calibration_round (f->project, "Bikes", f->lead, 2, 3, people, 2,
                                                     &round_id, &error));
  g_assert_no_error (error);
  queue = bw_project_list_work_queue (f->project, f->bo, &error);
  first = g_array_index (queue, gint64, 0);

  /* Ana hands in two boxes, Bo one, then starts on another: only what
   * was handed in shows. */
  answer (f, first, f->ana, 2, TRUE);
  answer (f, first, f->bo, 1, TRUE);
  answer (f, g_array_index (queue, gint64, 1), f->bo, 3, FALSE);

  round = bw_project_get_calibration_round (f->project, round_id, &error);
  g_assert_cmpuint (round->n_submitted, ==, 2);
  shapes = bw_project_list_calibration_shapes (f->project, round_id, first, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (shapes->len, ==, 3);
  g_assert_cmpint (((BwCalibrationShape *) shapes->pdata[0])->person_id, ==, f->ana);
  g_assert_cmpint (((BwCalibrationShape *) shapes->pdata[2])->person_id, ==, f->bo);
  g_clear_pointer (&shapes, g_ptr_array_unref);
  shapes = bw_project_list_calibration_shapes (f->project, round_id, f->images[7] == first ? f->images[6] : f->images[7],
                                               &error);
  g_assert_cmpuint (shapes->len, ==, 0);

  /* Handed in, the image leaves Bo's queue's head. */
  g_clear_pointer (&queue, g_array_unref);
  queue = bw_project_list_work_queue (f->project, f->bo, &error);
  g_assert_false (holds (queue, first));

  /* One object both drew, one only Ana: α of (car, car), (car, nothing). */
  report = bw_calibration_compute (f->project, round_id, 0.5, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report->units, ==, 2);
  g_assert_cmpuint (report->pairs.tp, ==, 1);
  g_assert_cmpuint (report->pairs.fn, ==, 1);
  /* The image nobody handed in yet is not listed. */
  g_assert_cmpuint (report->images->len, ==, 1);
  g_assert_cmpint (((BwCalibrationImage *) report->images->pdata[0])->image_id, ==, first);
  g_assert_cmpuint (((BwCalibrationImage *) report->images->pdata[0])->n_answers, ==, 2);
  /* Four values, car ×3 and nothing ×1, one unit disagreeing:
   * α = 1 − (n − 1) D_o / D_e = 1 − 3 · 2 / (2 · 3 · 1) = 0. */
  g_assert_cmpfloat_with_epsilon (report->alpha, 0.0, 1e-12);
  g_assert_cmpuint (report->categories->len, ==, 1);
  g_assert_cmpfloat_with_epsilon (g_array_index (report->categories, BwCalibrationCategory, 0).alpha, 0.0, 1e-12);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/core/calibration/start-and-queue", Fixture, NULL,
              fixture_set_up, test_start_and_queue, fixture_tear_down);
  g_test_add ("/core/calibration/answers", Fixture, NULL,
              fixture_set_up, test_answers, fixture_tear_down);

  return g_test_run ();
}
