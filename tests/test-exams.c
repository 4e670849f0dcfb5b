/* test-exams.c — certification exams: defining one, scoring an attempt,
 * hints, the limit on attempts, certificates and the gate before the
 * work queue
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "bw-layer-session.h"
#include "bw-project-exams.h"
#include "bw-project.h"
#include "bw-quality.h"

typedef struct
{
  char      *dir;
  BwProject *project;
  gint64     car;
  gint64     van;
  gint64     bicycle;
  gint64     lead;
  gint64     ann;
  gint64     gold[2];
  gint64     plain;             /* an image that is not gold */
} Fixture;

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

static void
add_box (Fixture *f,
         gint64   layer,
         gint64   category,
         double   x0,
         double   y0,
         double   x1,
         double   y1)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwShape) box = bw_shape_new_box (x0, y0, x1, y1);

  g_assert_true (bw_project_add_annotation (f->project, layer, category, box, BW_SOURCE_DRAWN, 1.0,
                                            NULL, &error));
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  gint64 layer;

  f->dir = g_dir_make_tmp ("bw-test-exams-XXXXXX", NULL);
  g_assert_nonnull (f->dir);
  file = g_file_new_build_filename (f->dir, "p.boxwood", NULL);
  f->project = bw_project_create (file, &error);
  g_assert_no_error (error);
  g_assert_true (bw_project_add_category (f->project, "car", NULL, "#ff0000", &f->car, &error));
  g_assert_true (bw_project_add_category (f->project, "van", NULL, "#00ff00", &f->van, &error));
  g_assert_true (bw_project_add_category (f->project, "bicycle", NULL, "#0000ff", &f->bicycle, &error));
  g_assert_true (bw_project_ensure_person (f->project, "Lena", BW_ROLE_LEAD, &f->lead, &error));
  g_assert_true (bw_project_ensure_person (f->project, "Ann", BW_ROLE_ANNOTATOR, &f->ann, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < 2; i++)
    f->gold[i] = add_image (f, i + 1);
  f->plain = add_image (f, 3);
  g_assert_true (bw_project_set_images_gold (f->project, f->gold, 2, TRUE, &error));
  g_assert_no_error (error);

  /* Image 1: a car and a van; image 2: two bicycles. */
  g_assert_true (bw_project_ensure_layer (f->project, f->gold[0], f->lead, BW_LAYER_KIND_GOLD, &layer, &error));
  add_box (f, layer, f->car, 0, 0, 100, 100);
  add_box (f, layer, f->van, 200, 0, 300, 100);
  g_assert_true (bw_project_ensure_layer (f->project, f->gold[1], f->lead, BW_LAYER_KIND_GOLD, &layer, &error));
  add_box (f, layer, f->bicycle, 0, 0, 100, 100);
  add_box (f, layer, f->bicycle, 200, 0, 300, 100);
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

/* An exam of both gold images: F1 ≥ 0.8 and accuracy ≥ 0.6 overall,
 * F1 ≥ 0.9 on bicycles, @max_attempts attempts. */
static gint64
define_exam (Fixture           *f,
             int                max_attempts,
             BwExamRequirement  required)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwExam) exam = bw_exam_new ("Vehicles");
  BwExamThreshold t = { f->bicycle, 0.9, 0 };
  gint64 id = 0;

  g_array_append_vals (exam->image_ids, f->gold, 2);
  g_array_append_val (exam->thresholds, t);
  exam->min_f1 = 0.8;
  exam->min_accuracy = 0.6;
  exam->max_attempts = max_attempts;
  exam->required = required;
  g_assert_true (bw_project_add_exam (f->project, exam, f->lead, &id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static gint64
answer_layer (Fixture *f,
              gint64   attempt,
              gint64   image)
{
  g_autoptr(GError) error = NULL;
  gint64 layer = 0;

  g_assert_true (bw_project_ensure_exam_layer (f->project, attempt, image, &layer, &error));
  g_assert_no_error (error);
  return layer;
}

/* A car right, a car for the van, one bicycle loose (IoU 0.69, larger),
 * the other missed, and an extra car. */
static void
answer_badly (Fixture *f,
              gint64   attempt)
{
  gint64 layer = answer_layer (f, attempt, f->gold[0]);

  add_box (f, layer, f->car, 0, 0, 100, 100);
  add_box (f, layer, f->car, 200, 0, 300, 100);
  layer = answer_layer (f, attempt, f->gold[1]);
  add_box (f, layer, f->bicycle, 0, 0, 120, 120);
  add_box (f, layer, f->car, 400, 300, 450, 350);
}

static void
answer_well (Fixture *f,
             gint64   attempt)
{
  gint64 layer = answer_layer (f, attempt, f->gold[0]);

  add_box (f, layer, f->car, 1, 0, 100, 100);
  add_box (f, layer, f->van, 200, 0, 300, 100);
  layer = answer_layer (f, attempt, f->gold[1]);
  add_box (f, layer, f->bicycle, 0, 0, 100, 100);
  add_box (f, layer, f->bicycle, 200, 0, 300, 99);
}

static gboolean
submit_all (Fixture *f,
            gint64   attempt)
{
  g_autoptr(GError) error = NULL;
  gboolean finished = TRUE;

  for (guint i = 0; i < 2; i++)
    {
      g_assert_true (bw_project_submit_exam_image (f->project, attempt, f->gold[i], &finished, &error));
      g_assert_no_error (error);
      g_assert_true (finished == (i == 1));
    }
  return finished;
}

static const BwExamScore *
score_of (const BwExamAttempt *attempt,
          gint64               category)
{
  for (guint i = 0; i < attempt->scores->len; i++)
    if (g_array_index (attempt->scores, BwExamScore, i).category_id == category)
      return &g_array_index (attempt->scores, BwExamScore, i);
  return NULL;
}

static void
assert_counts (const BwExamScore *s,
               guint64            tp,
               guint64            fp,
               guint64            fn)
{
  g_assert_nonnull (s);
  g_assert_cmpuint (s->counts.tp, ==, tp);
  g_assert_cmpuint (s->counts.fp, ==, fp);
  g_assert_cmpuint (s->counts.fn, ==, fn);
}

static void
test_define (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwExam) bad = bw_exam_new ("Bad");
  g_autoptr(GPtrArray) exams = NULL;
  g_autoptr(BwExam) read = NULL;
  gint64 id = define_exam (f, 2, BW_EXAM_REQUIRED_OF_NEW);

  exams = bw_project_list_exams (f->project, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (exams->len, ==, 1);
  read = bw_project_get_exam (f->project, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (read->name, ==, "Vehicles");
  g_assert_cmpuint (read->image_ids->len, ==, 2);
  g_assert_cmpint (g_array_index (read->image_ids, gint64, 0), ==, f->gold[0]);
  g_assert_cmpfloat (read->min_f1, ==, 0.8);
  g_assert_cmpfloat (read->min_accuracy, ==, 0.6);
  g_assert_cmpint (read->max_attempts, ==, 2);
  g_assert_cmpint (read->required, ==, BW_EXAM_REQUIRED_OF_NEW);
  g_assert_cmpfloat (read->iou_threshold, ==, 0.5);
  g_assert_cmpuint (read->thresholds->len, ==, 1);
  g_assert_cmpint (g_array_index (read->thresholds, BwExamThreshold, 0).category_id, ==, f->bicycle);
  g_assert_cmpint (bw_project_find_exam (f->project, "vehicles"), ==, id);
  g_assert_cmpint (bw_project_find_exam (f->project, "nope"), ==, 0);

  /* Not a gold image; no images; a threshold above 1; the same name. */
  g_array_append_val (bad->image_ids, f->plain);
  g_assert_false (bw_project_add_exam (f->project, bad, f->lead, NULL, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID);
  g_clear_error (&error);
  g_array_set_size (bad->image_ids, 0);
  g_assert_false (bw_project_add_exam (f->project, bad, f->lead, NULL, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID);
  g_clear_error (&error);
  g_array_append_val (bad->image_ids, f->gold[0]);
  bad->min_f1 = 1.5;
  g_assert_false (bw_project_add_exam (f->project, bad, f->lead, NULL, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID);
  g_clear_error (&error);
  bad->min_f1 = 0.5;
  g_free (bad->name);
  bad->name = g_strdup ("VEHICLES");
  g_assert_false (bw_project_add_exam (f->project, bad, f->lead, NULL, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_DUPLICATE);
  g_clear_error (&error);

  /* Nothing of a refused exam was kept. */
  g_clear_pointer (&exams, g_ptr_array_unref);
  exams = bw_project_list_exams (f->project, &error);
  g_assert_cmpuint (exams->len, ==, 1);
}

/* The figures of a failed attempt, worked out by hand from the boxes
 * (the Python reference of the quality figures checks the same
 * computation on random data: test-exam-reference.py). */
static void
test_scores_and_hints (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwExamAttempt) attempt = NULL;
  g_autoptr(GHashTable) names = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GPtrArray) certificates = NULL;
  gint64 exam = define_exam (f, 0, BW_EXAM_REQUIRED_OF_NEW);
  gint64 id = 0;
  const BwExamScore *s;
  const char *expected[] = {
    "Missed 1 object of “bicycle”: look again for every one in the image",
    "1 shape of “car” where there is no such object",
    "Wrong category: “car” for “van”, 1 time; read both guidelines",
    "1 shape of “bicycle” too loose: fit it to the object’s edges",
  };

  g_assert_true (bw_project_start_exam_attempt (f->project, exam, f->ann, &id, &error));
  g_assert_no_error (error);
  answer_badly (f, id);
  g_assert_true (submit_all (f, id));

  attempt = bw_project_get_exam_attempt (f->project, id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (attempt->number, ==, 1);
  g_assert_cmpstr (attempt->person, ==, "Ann");
  g_assert_cmpstr (attempt->exam, ==, "Vehicles");
  g_assert_cmpint (attempt->finished_at, >, 0);
  g_assert_cmpuint (attempt->n_submitted, ==, 2);
  g_assert_false (attempt->passed);

  /* All: TP 2 (car, bicycle), FP 2 (car for van, extra car), FN 2 (van,
   * missed bicycle): F1 = 4 / 8, accuracy 2 / 6. */
  s = score_of (attempt, 0);
  assert_counts (s, 2, 2, 2);
  g_assert_cmpfloat_with_epsilon (s->counts.iou_sum, 1.0 + 10000.0 / 14400.0, 1e-12);
  g_assert_false (s->passed);
  assert_counts (score_of (attempt, f->car), 1, 2, 0);
  assert_counts (score_of (attempt, f->van), 0, 0, 1);
  assert_counts (score_of (attempt, f->bicycle), 1, 0, 1);
  g_assert_cmpuint (score_of (attempt, f->bicycle)->loose, ==, 1);
  g_assert_cmpfloat (score_of (attempt, f->bicycle)->min_f1, ==, 0.9);
  g_assert_false (score_of (attempt, f->bicycle)->passed);
  g_assert_cmpfloat (score_of (attempt, f->car)->min_f1, ==, -1);

  g_hash_table_insert (names, &f->car, (gpointer) "car");
  g_hash_table_insert (names, &f->van, (gpointer) "van");
  g_hash_table_insert (names, &f->bicycle, (gpointer) "bicycle");
  g_assert_cmpuint (attempt->hints->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < attempt->hints->len; i++)
    {
      g_autofree char *text = bw_exam_hint_to_string (&g_array_index (attempt->hints, BwExamHint, i), names);

      g_assert_cmpstr (text, ==, expected[i]);
    }

  /* Failing writes no certificate. */
  certificates = bw_project_list_certificates (f->project, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (certificates->len, ==, 0);

  /* The answers are the exam's: no image changed its status, the
   * quality report sees no annotator, and the attempt is closed. */
  {
    g_autoptr(BwImage) image = bw_project_get_image (f->project, f->gold[0], &error);
    g_autoptr(BwQualityReport) report = bw_quality_compute (f->project, NULL, NULL, NULL, NULL, &error);
    gint64 layer = 0;

    g_assert_no_error (error);
    g_assert_cmpint (image->status, ==, BW_IMAGE_STATUS_GOLD);
    g_assert_cmpuint (report->annotators->len, ==, 0);
    g_assert_false (bw_project_ensure_exam_layer (f->project, id, f->gold[0], &layer, &error));
    g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID);
  }
}

static void
test_attempt_limit (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwExamGate) gate = NULL;
  gint64 exam = define_exam (f, 2, BW_EXAM_REQUIRED_OF_NEW);
  gint64 first = 0, again = 0, second = 0, third = 0;

  g_assert_true (bw_project_start_exam_attempt (f->project, exam, f->ann, &first, &error));
  /* Starting again while one is open gives the open one. */
  g_assert_true (bw_project_start_exam_attempt (f->project, exam, f->ann, &again, &error));
  g_assert_no_error (error);
  g_assert_cmpint (again, ==, first);
  answer_badly (f, first);
  submit_all (f, first);

  g_assert_true (bw_project_start_exam_attempt (f->project, exam, f->ann, &second, &error));
  g_assert_no_error (error);
  g_assert_cmpint (second, !=, first);
  /* A new attempt starts with no answers. */
  g_assert_cmpint (bw_project_get_exam_answer_layer (f->project, second, f->gold[0], NULL), ==, 0);
  answer_badly (f, second);
  submit_all (f, second);

  g_assert_false (bw_project_start_exam_attempt (f->project, exam, f->ann, &third, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "ask your lead"));
  g_clear_error (&error);

  g_assert_true (bw_project_get_exam_gate (f->project, f->ann, &gate, &error));
  g_assert_nonnull (gate);
  g_assert_cmpint (gate->attempts_used, ==, 2);
  g_assert_false (bw_exam_gate_can_attempt (gate));
  g_assert_cmpint (gate->last_attempt_id, ==, second);

  /* The lead allows one more. */
  g_assert_true (bw_project_set_exam_max_attempts (f->project, exam, 3, &error));
  g_assert_true (bw_project_start_exam_attempt (f->project, exam, f->ann, &third, &error));
  g_assert_no_error (error);
  {
    g_autoptr(BwExamAttempt) attempt = bw_project_get_exam_attempt (f->project, third, &error);

    g_assert_cmpint (attempt->number, ==, 3);
  }
}

static void
test_certificate (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) certificates = NULL;
  g_autoptr(BwExamAttempt) attempt = NULL;
  gint64 exam = define_exam (f, 0, BW_EXAM_REQUIRED_OF_NEW);
  gint64 before = g_get_real_time ();
  gint64 id = 0, more = 0;
  const BwCertificate *c;

  g_assert_true (bw_project_start_exam_attempt (f->project, exam, f->ann, &id, &error));
  answer_well (f, id);
  submit_all (f, id);
  attempt = bw_project_get_exam_attempt (f->project, id, &error);
  g_assert_no_error (error);
  g_assert_true (attempt->passed);
  g_assert_cmpuint (attempt->hints->len, ==, 0);

  certificates = bw_project_list_certificates (f->project, f->ann, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (certificates->len, ==, 1);
  c = certificates->pdata[0];
  g_assert_cmpint (c->person_id, ==, f->ann);
  g_assert_cmpstr (c->person, ==, "Ann");
  g_assert_cmpint (c->exam_id, ==, exam);
  g_assert_cmpstr (c->exam, ==, "Vehicles");
  g_assert_cmpint (c->attempt_id, ==, id);
  g_assert_cmpfloat (c->f1, ==, 1.0);
  g_assert_cmpfloat (c->accuracy, ==, 1.0);
  g_assert_cmpint (c->created_at, >=, before);
  g_assert_cmpint (c->created_at, <=, g_get_real_time ());
  g_assert_cmpint (c->guideline_version, ==, bw_project_get_guideline_version (f->project, NULL));
  g_assert_cmpint (c->guideline_version, >, 0);
  g_assert_true (c->current);

  /* Passed: nothing more to take. */
  g_assert_false (bw_project_start_exam_attempt (f->project, exam, f->ann, &more, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID);
}

static void
test_gate (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwExamGate) gate = NULL;
  g_autoptr(BwLayerSession) work = NULL;
  g_autoptr(BwShape) box = bw_shape_new_box (10, 10, 50, 50);
  gint64 old, newcomer, exam, attempt = 0, layer;

  /* Old has work from before the exam. */
  g_assert_true (bw_project_ensure_person (f->project, "Old", BW_ROLE_ANNOTATOR, &old, &error));
  g_assert_true (bw_project_ensure_layer (f->project, f->plain, old, BW_LAYER_KIND_WORK, &layer, &error));
  add_box (f, layer, f->car, 1, 1, 20, 20);
  g_usleep (2000);
  exam = define_exam (f, 0, BW_EXAM_REQUIRED_OF_NEW);
  g_assert_true (bw_project_ensure_person (f->project, "New", BW_ROLE_ANNOTATOR, &newcomer, &error));
  g_assert_no_error (error);

  g_assert_true (bw_project_get_exam_gate (f->project, old, &gate, &error));
  g_assert_null (gate);
  g_assert_true (bw_project_get_exam_gate (f->project, f->lead, &gate, &error));
  g_assert_null (gate);
  g_assert_true (bw_project_get_exam_gate (f->project, newcomer, &gate, &error));
  g_assert_no_error (error);
  g_assert_nonnull (gate);
  g_assert_cmpint (gate->exam_id, ==, exam);
  g_assert_cmpint (gate->attempt_id, ==, 0);
  g_assert_cmpuint (gate->n_images, ==, 2);
  g_clear_pointer (&gate, bw_exam_gate_free);

  /* Their queue is closed: new work is refused, saying why, and the next
   * image is none until they start the exam, then the exam's. */
  work = bw_layer_session_new (f->project, f->plain, newcomer, &error);
  g_assert_no_error (error);
  g_assert_false (bw_layer_session_add (work, f->car, box, NULL, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "Vehicles"));
  g_clear_error (&error);
  g_assert_cmpint (bw_layer_session_find_next_image (work), ==, 0);

  g_assert_true (bw_project_start_exam_attempt (f->project, exam, newcomer, &attempt, &error));
  g_assert_cmpint (bw_layer_session_find_next_image (work), ==, f->gold[0]);
  g_assert_cmpint (bw_project_find_exam_attempt_for_image (f->project, newcomer, f->gold[1]), ==, attempt);
  g_assert_cmpint (bw_project_find_exam_attempt_for_image (f->project, newcomer, f->plain), ==, 0);

  /* The exam through sessions, as the window takes it. */
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(BwLayerSession) session = bw_layer_session_new_for_exam (f->project, attempt, f->gold[i], &error);
      g_autoptr(BwShape) shape = NULL;

      g_assert_no_error (error);
      g_assert_cmpint (bw_layer_session_get_exam_attempt_id (session), ==, attempt);
      /* They never see the gold answer: their own layer starts empty. */
      g_assert_cmpuint (bw_annotation_set_get_size (bw_layer_session_get_annotations (session)), ==, 0);
      shape = bw_shape_new_box (0, 0, 100, 100);
      g_assert_true (bw_layer_session_add (session, i == 0 ? f->car : f->bicycle, shape, NULL, &error));
      g_clear_pointer (&shape, bw_shape_free);
      shape = bw_shape_new_box (200, 0, 300, 100);
      g_assert_true (bw_layer_session_add (session, i == 0 ? f->van : f->bicycle, shape, NULL, &error));
      g_assert_no_error (error);
      g_assert_true (bw_layer_session_submit (session, &error));
      g_assert_no_error (error);
      if (i == 0)
        g_assert_cmpint (bw_layer_session_find_next_image (session), ==, f->gold[1]);
      else
        {
          /* Over: the answers no longer change. */
          g_clear_pointer (&shape, bw_shape_free);
          shape = bw_shape_new_box (400, 400, 450, 450);
          g_assert_false (bw_layer_session_add (session, f->car, shape, NULL, &error));
          g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID);
          g_clear_error (&error);
        }
    }

  /* Passed: the queue opens. */
  g_assert_true (bw_project_get_exam_gate (f->project, newcomer, &gate, &error));
  g_assert_null (gate);
  g_assert_true (bw_layer_session_add (work, f->car, box, NULL, &error));
  g_assert_no_error (error);

  /* Required of everyone: Old is held back too. */
  g_assert_true (bw_project_set_exam_required (f->project, exam, BW_EXAM_REQUIRED_OF_ALL, FALSE, &error));
  g_assert_true (bw_project_get_exam_gate (f->project, old, &gate, &error));
  g_assert_nonnull (gate);
  g_clear_pointer (&gate, bw_exam_gate_free);
  g_assert_true (bw_project_get_exam_gate (f->project, newcomer, &gate, &error));
  g_assert_null (gate);
  /* Not required: nobody. */
  g_assert_true (bw_project_set_exam_required (f->project, exam, BW_EXAM_NOT_REQUIRED, FALSE, &error));
  g_assert_true (bw_project_get_exam_gate (f->project, old, &gate, &error));
  g_assert_null (gate);
  g_assert_no_error (error);
}

/* An exam renewed on guideline changes: a certificate holds under the
 * version it was passed under; a change closes everyone's queue again,
 * and only attempts under the new version count against the limit. */
static void
test_renew (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwExamGate) gate = NULL;
  g_autoptr(GPtrArray) certificates = NULL;
  gint64 exam = define_exam (f, 1, BW_EXAM_REQUIRED_OF_NEW);
  gint64 old = 0, first = 0, second = 0;

  g_assert_true (bw_project_set_exam_required (f->project, exam, BW_EXAM_REQUIRED_OF_NEW, TRUE, &error));
  g_assert_true (bw_project_start_exam_attempt (f->project, exam, f->ann, &first, &error));
  answer_well (f, first);
  submit_all (f, first);
  g_assert_true (bw_project_get_exam_gate (f->project, f->ann, &gate, &error));
  g_assert_null (gate);

  /* Old had work before the exam: not held back, until the guidelines change. */
  {
    gint64 layer;

    g_assert_true (bw_project_ensure_person (f->project, "Old", BW_ROLE_ANNOTATOR, &old, &error));
    g_assert_true (bw_project_set_exam_required (f->project, exam, BW_EXAM_REQUIRED_OF_NEW, FALSE, &error));
    g_assert_true (bw_project_get_exam_gate (f->project, old, &gate, &error));
    g_assert_nonnull (gate);          /* new: no work before the exam */
    g_clear_pointer (&gate, bw_exam_gate_free);
    g_assert_true (bw_project_set_exam_required (f->project, exam, BW_EXAM_REQUIRED_OF_NEW, TRUE, &error));
    g_assert_true (bw_project_ensure_layer (f->project, f->plain, old, BW_LAYER_KIND_WORK, &layer, &error));
    add_box (f, layer, f->car, 1, 1, 20, 20);
  }

  g_assert_true (bw_project_set_guidelines_document (f->project, "# Cars\nA van is not a car.", &error));
  g_assert_no_error (error);

  certificates = bw_project_list_certificates (f->project, f->ann, &error);
  g_assert_cmpuint (certificates->len, ==, 1);
  g_assert_false (((BwCertificate *) certificates->pdata[0])->current);
  g_assert_cmpint (((BwCertificate *) certificates->pdata[0])->guideline_version, <,
                   bw_project_get_guideline_version (f->project, NULL));

  /* Everyone again, the one allowed attempt counted afresh. */
  g_assert_true (bw_project_get_exam_gate (f->project, f->ann, &gate, &error));
  g_assert_nonnull (gate);
  g_assert_cmpint (gate->attempts_used, ==, 0);
  g_assert_true (bw_exam_gate_can_attempt (gate));
  g_clear_pointer (&gate, bw_exam_gate_free);
  g_assert_true (bw_project_get_exam_gate (f->project, old, &gate, &error));
  g_assert_nonnull (gate);
  g_clear_pointer (&gate, bw_exam_gate_free);

  g_assert_true (bw_project_start_exam_attempt (f->project, exam, f->ann, &second, &error));
  g_assert_no_error (error);
  answer_well (f, second);
  submit_all (f, second);
  g_assert_true (bw_project_get_exam_gate (f->project, f->ann, &gate, &error));
  g_assert_null (gate);
}

/* The lead edits an exam that has attempts: what it is now is what it
 * reads back, the attempts and their scores stay, and a change that
 * cannot be made changes nothing. */
static void
test_update (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwExam) exam = NULL;
  g_autoptr(BwExam) read = NULL;
  g_autoptr(BwExam) other = bw_exam_new ("Other");
  g_autoptr(BwExamAttempt) before = NULL;
  g_autoptr(BwExamAttempt) after = NULL;
  g_autoptr(GPtrArray) attempts = NULL;
  g_autoptr(BwExamGate) gate = NULL;
  BwExamThreshold car = { f->car, 0.7, 0.5 };
  gint64 id = define_exam (f, 1, BW_EXAM_REQUIRED_OF_NEW);
  gint64 attempt = 0, other_id = 0;

  g_assert_true (bw_project_start_exam_attempt (f->project, id, f->ann, &attempt, &error));
  answer_badly (f, attempt);
  submit_all (f, attempt);
  before = bw_project_get_exam_attempt (f->project, attempt, &error);
  g_assert_no_error (error);
  g_assert_false (before->passed);
  g_assert_true (bw_project_get_exam_gate (f->project, f->ann, &gate, &error));
  g_assert_false (bw_exam_gate_can_attempt (gate));
  g_clear_pointer (&gate, bw_exam_gate_free);

  exam = bw_project_get_exam (f->project, id, &error);
  g_assert_no_error (error);
  g_free (exam->name);
  exam->name = g_strdup ("  Cars and vans ");
  g_array_set_size (exam->image_ids, 0);
  g_array_append_val (exam->image_ids, f->gold[0]);
  g_array_set_size (exam->thresholds, 0);
  g_array_append_val (exam->thresholds, car);
  exam->min_f1 = 0.5;
  exam->min_accuracy = 0.25;
  exam->max_attempts = 3;
  exam->required = BW_EXAM_REQUIRED_OF_ALL;
  exam->renew = TRUE;
  g_assert_true (bw_project_update_exam (f->project, exam, &error));
  g_assert_no_error (error);

  read = bw_project_get_exam (f->project, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (read->name, ==, "Cars and vans");
  g_assert_cmpuint (read->image_ids->len, ==, 1);
  g_assert_cmpint (g_array_index (read->image_ids, gint64, 0), ==, f->gold[0]);
  g_assert_cmpuint (read->thresholds->len, ==, 1);
  g_assert_cmpint (g_array_index (read->thresholds, BwExamThreshold, 0).category_id, ==, f->car);
  g_assert_cmpfloat (g_array_index (read->thresholds, BwExamThreshold, 0).min_f1, ==, 0.7);
  g_assert_cmpfloat (g_array_index (read->thresholds, BwExamThreshold, 0).min_accuracy, ==, 0.5);
  g_assert_cmpfloat (read->min_f1, ==, 0.5);
  g_assert_cmpfloat (read->min_accuracy, ==, 0.25);
  g_assert_cmpint (read->max_attempts, ==, 3);
  g_assert_cmpint (read->required, ==, BW_EXAM_REQUIRED_OF_ALL);
  g_assert_true (read->renew);
  g_assert_cmpint (read->created_at, ==, exam->created_at);

  /* The attempt is kept as it was scored, and counts against the new
   * limit: two more. */
  attempts = bw_project_list_exam_attempts (f->project, id, f->ann, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (attempts->len, ==, 1);
  after = bw_project_get_exam_attempt (f->project, attempt, &error);
  g_assert_no_error (error);
  g_assert_false (after->passed);
  g_assert_cmpuint (after->scores->len, ==, before->scores->len);
  g_assert_cmpuint (after->hints->len, ==, before->hints->len);
  for (guint i = 0; i < before->scores->len; i++)
    {
      const BwExamScore *a = &g_array_index (after->scores, BwExamScore, i);
      const BwExamScore *b = &g_array_index (before->scores, BwExamScore, i);

      /* Scored against the thresholds of its day (F1 ≥ 0.8 overall, 0.9
       * on bicycles), not today's. */
      g_assert_cmpint (a->category_id, ==, b->category_id);
      g_assert_cmpuint (a->counts.tp, ==, b->counts.tp);
      g_assert_cmpuint (a->counts.fp, ==, b->counts.fp);
      g_assert_cmpuint (a->counts.fn, ==, b->counts.fn);
      g_assert_cmpfloat (a->min_f1, ==, b->min_f1);
      g_assert_cmpfloat (a->min_accuracy, ==, b->min_accuracy);
      g_assert_true (a->passed == b->passed);
      if (a->category_id == 0)
        g_assert_cmpfloat (a->min_f1, ==, 0.8);
      if (a->category_id == f->bicycle)
        g_assert_cmpfloat (a->min_f1, ==, 0.9);
      if (a->category_id == f->car)
        g_assert_cmpfloat (a->min_f1, ==, -1);
    }
  g_assert_true (bw_project_get_exam_gate (f->project, f->ann, &gate, &error));
  g_assert_nonnull (gate);
  g_assert_cmpint (gate->attempts_used, ==, 1);
  g_assert_cmpint (gate->max_attempts, ==, 3);
  g_assert_cmpuint (gate->n_images, ==, 1);
  g_assert_true (bw_exam_gate_can_attempt (gate));

  /* Refused, and nothing changed: a plain image, a threshold over 1, the
   * name of another exam, an exam not there. */
  g_array_append_val (exam->image_ids, f->plain);
  g_assert_false (bw_project_update_exam (f->project, exam, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID);
  g_clear_error (&error);
  g_array_set_size (exam->image_ids, 1);
  g_array_index (exam->thresholds, BwExamThreshold, 0).min_f1 = 1.5;
  g_assert_false (bw_project_update_exam (f->project, exam, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID);
  g_clear_error (&error);
  g_array_index (exam->thresholds, BwExamThreshold, 0).min_f1 = 0.7;
  g_array_append_val (other->image_ids, f->gold[1]);
  g_assert_true (bw_project_add_exam (f->project, other, f->lead, &other_id, &error));
  g_assert_no_error (error);
  g_free (exam->name);
  exam->name = g_strdup ("OTHER");
  g_assert_false (bw_project_update_exam (f->project, exam, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_DUPLICATE);
  g_clear_error (&error);
  exam->id = other_id + 100;
  g_free (exam->name);
  exam->name = g_strdup ("Nowhere");
  g_assert_false (bw_project_update_exam (f->project, exam, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_clear_pointer (&read, bw_exam_free);
  read = bw_project_get_exam (f->project, id, &error);
  g_assert_cmpstr (read->name, ==, "Cars and vans");
  g_assert_cmpuint (read->image_ids->len, ==, 1);
  g_assert_cmpfloat (g_array_index (read->thresholds, BwExamThreshold, 0).min_f1, ==, 0.7);
}

/* An exam that is not renewed on every guideline change, required again
 * by the lead after one: certificates of before count no more, the
 * attempts are counted afresh, the old ones are kept, and a pass under
 * the new version opens the queue again. */
static void
test_require_again (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwExamGate) gate = NULL;
  g_autoptr(GPtrArray) certificates = NULL;
  g_autoptr(GPtrArray) attempts = NULL;
  g_autoptr(BwExam) exam = NULL;
  gint64 id = define_exam (f, 1, BW_EXAM_REQUIRED_OF_NEW);
  gint64 first = 0, second = 0, version = 0, old = 0, layer;

  g_assert_true (bw_project_start_exam_attempt (f->project, id, f->ann, &first, &error));
  answer_well (f, first);
  submit_all (f, first);
  /* Old worked before the exam: not held back by it (required of new). */
  g_assert_true (bw_project_ensure_person (f->project, "Old", BW_ROLE_ANNOTATOR, &old, &error));
  g_assert_true (bw_project_ensure_layer (f->project, f->plain, old, BW_LAYER_KIND_WORK, &layer, &error));
  add_box (f, layer, f->car, 1, 1, 20, 20);
  g_assert_no_error (error);

  g_assert_true (bw_project_set_guidelines_document (f->project, "# Cars\nA van is not a car.", &error));
  g_assert_no_error (error);
  /* Not renewed on every change: the certificate still counts. */
  g_assert_true (bw_project_get_exam_gate (f->project, f->ann, &gate, &error));
  g_assert_null (gate);

  g_assert_true (bw_project_require_exam_again (f->project, id, &version, &error));
  g_assert_no_error (error);
  g_assert_cmpint (version, ==, bw_project_get_guideline_version (f->project, NULL));
  exam = bw_project_get_exam (f->project, id, &error);
  g_assert_cmpint (exam->renewed_version, ==, version);
  g_assert_cmpint (exam->required, ==, BW_EXAM_REQUIRED_OF_ALL);
  g_assert_false (exam->renew);

  certificates = bw_project_list_certificates (f->project, f->ann, &error);
  g_assert_cmpuint (certificates->len, ==, 1);
  g_assert_false (((BwCertificate *) certificates->pdata[0])->current);
  g_clear_pointer (&certificates, g_ptr_array_unref);

  /* Everyone, the lead who defined it aside; the one attempt allowed is
   * theirs again. */
  g_assert_true (bw_project_get_exam_gate (f->project, f->ann, &gate, &error));
  g_assert_nonnull (gate);
  g_assert_cmpint (gate->attempts_used, ==, 0);
  g_assert_true (bw_exam_gate_can_attempt (gate));
  g_clear_pointer (&gate, bw_exam_gate_free);
  g_assert_true (bw_project_get_exam_gate (f->project, old, &gate, &error));
  g_assert_nonnull (gate);
  g_clear_pointer (&gate, bw_exam_gate_free);
  g_assert_true (bw_project_get_exam_gate (f->project, f->lead, &gate, &error));
  g_assert_null (gate);

  g_assert_true (bw_project_start_exam_attempt (f->project, id, f->ann, &second, &error));
  g_assert_no_error (error);
  answer_well (f, second);
  submit_all (f, second);
  g_assert_true (bw_project_get_exam_gate (f->project, f->ann, &gate, &error));
  g_assert_null (gate);

  attempts = bw_project_list_exam_attempts (f->project, id, f->ann, &error);
  g_assert_cmpuint (attempts->len, ==, 2);
  certificates = bw_project_list_certificates (f->project, f->ann, &error);
  g_assert_cmpuint (certificates->len, ==, 2);
  g_assert_false (((BwCertificate *) certificates->pdata[0])->current);
  g_assert_true (((BwCertificate *) certificates->pdata[1])->current);
  g_assert_cmpint (((BwCertificate *) certificates->pdata[1])->guideline_version, ==, version);

  /* Another change, not required again: the new certificate holds. */
  g_assert_true (bw_project_set_guidelines_document (f->project, "# Cars\nA pickup is a car.", &error));
  g_assert_true (bw_project_get_exam_gate (f->project, f->ann, &gate, &error));
  g_assert_null (gate);
  g_assert_no_error (error);
}

/* Whoever made the project, and whoever defined an exam, are never held
 * back by it, even when their first visit recorded them as an annotator. */
static void
test_creator_not_gated (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwExamGate) gate = NULL;
  g_autoptr(BwExam) exam = bw_exam_new ("Bicycles");
  gint64 cleo = 0, again = 0, dana = 0, exam_id = 0;

  /* Cleo opened the project once before she was known as its maker. */
  g_assert_true (bw_project_ensure_person (f->project, "Cleo", BW_ROLE_ANNOTATOR, &cleo, &error));
  g_assert_cmpint (bw_project_get_creator (f->project), ==, 0);
  define_exam (f, 1, BW_EXAM_REQUIRED_OF_ALL);
  g_assert_true (bw_project_get_exam_gate (f->project, cleo, &gate, &error));
  g_assert_nonnull (gate);
  g_clear_pointer (&gate, bw_exam_gate_free);

  g_assert_true (bw_project_record_creator (f->project, " Cleo ", &again, &error));
  g_assert_no_error (error);
  g_assert_cmpint (again, ==, cleo);
  g_assert_cmpint (bw_project_get_creator (f->project), ==, cleo);
  g_assert_cmpint (bw_project_get_person_role (f->project, cleo), ==, BW_ROLE_LEAD);
  g_assert_true (bw_project_get_exam_gate (f->project, cleo, &gate, &error));
  g_assert_null (gate);
  g_assert_true (bw_project_check_queue_open (f->project, cleo, &error));
  /* Made an annotator again by hand, the creator is still not held back. */
  g_assert_true (bw_project_set_person_role (f->project, cleo, BW_ROLE_ANNOTATOR, &error));
  g_assert_true (bw_project_get_exam_gate (f->project, cleo, &gate, &error));
  g_assert_null (gate);
  g_assert_true (bw_project_get_exam_gate (f->project, f->ann, &gate, &error));
  g_assert_nonnull (gate);
  g_clear_pointer (&gate, bw_exam_gate_free);

  /* Dana, an annotator by record, defines an exam: it binds Ann, not her. */
  g_assert_true (bw_project_ensure_person (f->project, "Dana", BW_ROLE_ANNOTATOR, &dana, &error));
  g_array_append_val (exam->image_ids, f->gold[1]);
  exam->required = BW_EXAM_REQUIRED_OF_ALL;
  g_assert_true (bw_project_add_exam (f->project, exam, dana, &exam_id, &error));
  g_assert_no_error (error);
  g_assert_true (bw_project_set_exam_required (f->project, 1, BW_EXAM_NOT_REQUIRED, FALSE, &error));
  g_assert_true (bw_project_get_exam_gate (f->project, dana, &gate, &error));
  g_assert_null (gate);
  g_assert_true (bw_project_get_exam_gate (f->project, f->ann, &gate, &error));
  g_assert_nonnull (gate);
  g_assert_cmpint (gate->exam_id, ==, exam_id);
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/core/exams/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("define", test_define);
  ADD ("scores-and-hints", test_scores_and_hints);
  ADD ("attempt-limit", test_attempt_limit);
  ADD ("certificate", test_certificate);
  ADD ("gate", test_gate);
  ADD ("renew", test_renew);
  ADD ("update", test_update);
  ADD ("require-again", test_require_again);
  ADD ("creator-not-gated", test_creator_not_gated);

  return g_test_run ();
}
