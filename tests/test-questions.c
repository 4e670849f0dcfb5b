/* test-questions.c — questions on ambiguous cases and guideline examples:
 * the store, the hold on submission, the counts, and boxwood-cli
 * questions list|answer end to end
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "bw-project.h"

typedef struct
{
  char      *dir;
  char      *path;
  GFile     *file;
  BwProject *project;
  gint64     ann, bob, lena;
  gint64     car, van;
  gint64     image1, image2;
  gint64     layer1, layer2;
  gint64     shape1, shape2;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwShape) box = bw_shape_new_box (10, 20, 60, 80);
  g_autoptr(BwShape) box2 = bw_shape_new_box (100, 100, 140, 130);
  BwImage image = { .width = 640, .height = 480 };

  f->dir = g_dir_make_tmp ("bw-test-questions-XXXXXX", NULL);
  g_assert_nonnull (f->dir);
  f->path = g_build_filename (f->dir, "p.boxwood", NULL);
  f->file = g_file_new_for_path (f->path);
  f->project = bw_project_create (f->file, &error);
  g_assert_no_error (error);

  g_assert_true (bw_project_ensure_person (f->project, "Ann", BW_ROLE_ANNOTATOR, &f->ann, &error));
  g_assert_true (bw_project_ensure_person (f->project, "Bob", BW_ROLE_ANNOTATOR, &f->bob, &error));
  g_assert_true (bw_project_ensure_person (f->project, "Lena", BW_ROLE_LEAD, &f->lena, &error));
  g_assert_true (bw_project_add_category (f->project, "car", "", "#ff0000", &f->car, &error));
  g_assert_true (bw_project_add_category (f->project, "van", "", "#00ff00", &f->van, &error));
  image.path = (char *) "a.jpg";
  image.content_hash = (char *) "a";
  g_assert_true (bw_project_add_image (f->project, &image, &f->image1, &error));
  image.path = (char *) "b.jpg";
  image.content_hash = (char *) "b";
  g_assert_true (bw_project_add_image (f->project, &image, &f->image2, &error));
  g_assert_true (bw_project_ensure_layer (f->project, f->image1, f->ann, BW_LAYER_KIND_WORK, &f->layer1, &error));
  g_assert_true (bw_project_ensure_layer (f->project, f->image2, f->bob, BW_LAYER_KIND_WORK, &f->layer2, &error));
  g_assert_true (bw_project_add_annotation (f->project, f->layer1, f->car, box, BW_SOURCE_DRAWN, 1.0, &f->shape1, &error));
  g_assert_true (bw_project_add_annotation (f->project, f->layer2, f->van, box2, BW_SOURCE_DRAWN, 1.0, &f->shape2, &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (f->project != NULL)
    g_assert_finalize_object (f->project);
  dir = g_dir_open (f->dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (f->dir, name, NULL);

      g_unlink (child);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->path);
  g_object_unref (f->file);
}

static void
count_signal_cb (BwProject *project,
                 gint64     image_id,
                 gint64    *last)
{
  *last = image_id;
}

static gint64
guideline_version (BwProject *project)
{
  g_autoptr(GError) error = NULL;
  gint64 v = bw_project_get_guideline_version (project, &error);

  g_assert_no_error (error);
  return v;
}

static void
test_ask_answer_promote (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) open = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) examples = NULL;
  g_autoptr(BwQuestion) q = NULL;
  g_autoptr(BwShape) moved = bw_shape_new_box (0, 0, 30, 30);
  gint64 q_shape, q_image, example, signalled = 0, v;
  const BwGuidelineExample *e;

  g_signal_connect (f->project, "questions-changed", G_CALLBACK (count_signal_cb), &signalled);

  /* Ann asks about her shape, then about the whole of image 2. */
  g_assert_true (bw_project_ask_question (f->project, f->image1, f->layer1, f->shape1, f->ann,
                                          "  Is a car on a trailer a car?  ", &q_shape, &error));
  g_assert_no_error (error);
  g_assert_cmpint (signalled, ==, f->image1);
  g_assert_true (bw_project_ask_question (f->project, f->image2, 0, 0, f->ann,
                                          "Is this image in scope?", &q_image, &error));
  g_assert_no_error (error);

  /* Refused: empty text, a shape of another image, an unknown image. */
  g_assert_false (bw_project_ask_question (f->project, f->image1, 0, 0, f->ann, "   ", NULL, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (bw_project_ask_question (f->project, f->image1, 0, f->shape2, f->ann, "?", NULL, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (bw_project_ask_question (f->project, 999, 0, 0, f->ann, "?", NULL, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_NOT_FOUND);
  g_clear_error (&error);

  q = bw_project_get_question (f->project, q_shape, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (q->text, ==, "Is a car on a trailer a car?");
  g_assert_cmpint (q->image_id, ==, f->image1);
  g_assert_cmpstr (q->image_path, ==, "a.jpg");
  g_assert_cmpint (q->annotation_id, ==, f->shape1);
  g_assert_cmpint (q->annotation_version, ==, 1);
  g_assert_cmpint (q->category_id, ==, f->car);
  g_assert_cmpfloat (q->x, ==, 10);
  g_assert_cmpfloat (q->y, ==, 20);
  g_assert_cmpstr (q->asker, ==, "Ann");
  g_assert_cmpint (q->asked_at, >, 0);
  g_assert_null (q->answer);
  g_clear_pointer (&q, bw_question_free);
  q = bw_project_get_question (f->project, q_image, &error);
  g_assert_cmpint (q->annotation_id, ==, 0);
  g_assert_cmpfloat (q->x, ==, 320);
  g_assert_cmpfloat (q->y, ==, 240);
  g_clear_pointer (&q, bw_question_free);

  /* Ann moves the shape after asking: the question names version 1. */
  g_assert_true (bw_project_update_annotation_shape (f->project, f->shape1, moved, &error));
  g_assert_no_error (error);

  /* Not answered yet: it cannot be promoted. */
  g_assert_false (bw_project_promote_question (f->project, q_shape, f->lena, TRUE, NULL, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID);
  g_clear_error (&error);

  open = bw_project_list_questions (f->project, TRUE, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (open->len, ==, 2);
  g_clear_pointer (&open, g_ptr_array_unref);

  /* Lena answers the shape's question and promotes it. */
  signalled = 0;
  g_assert_true (bw_project_answer_question (f->project, q_shape, f->lena,
                                             "Yes: box the car, not the trailer.", &error));
  g_assert_no_error (error);
  g_assert_cmpint (signalled, ==, f->image1);
  v = guideline_version (f->project);
  g_assert_true (bw_project_promote_question (f->project, q_shape, f->lena, TRUE, &example, &error));
  g_assert_no_error (error);
  g_assert_cmpint (guideline_version (f->project), ==, v + 1);
  g_assert_false (bw_project_promote_question (f->project, q_shape, f->lena, TRUE, NULL, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_DUPLICATE);
  g_clear_error (&error);
  /* An image's question has no shape to promote. */
  g_assert_true (bw_project_answer_question (f->project, q_image, f->lena, "Yes.", &error));
  g_assert_false (bw_project_promote_question (f->project, q_image, f->lena, TRUE, NULL, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID);
  g_clear_error (&error);

  q = bw_project_get_question (f->project, q_shape, &error);
  g_assert_cmpstr (q->answer, ==, "Yes: box the car, not the trailer.");
  g_assert_cmpstr (q->answerer, ==, "Lena");
  g_assert_cmpint (q->answered_at, >=, q->asked_at);
  g_assert_cmpint (q->example_id, ==, example);

  /* The example is the shape as it was asked about, not as moved. */
  examples = bw_project_list_examples (f->project, f->car, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (examples->len, ==, 1);
  e = examples->pdata[0];
  g_assert_cmpint (e->id, ==, example);
  g_assert_true (e->positive);
  g_assert_cmpint (e->image_id, ==, f->image1);
  g_assert_cmpstr (e->image_path, ==, "a.jpg");
  g_assert_cmpint (e->annotation_id, ==, f->shape1);
  g_assert_cmpint (e->annotation_version, ==, 1);
  g_assert_cmpfloat (e->shape->bbox.x0, ==, 10);
  g_assert_cmpfloat (e->shape->bbox.y1, ==, 80);
  g_assert_cmpstr (e->note, ==, "Yes: box the car, not the trailer.");
  g_assert_cmpint (e->question_id, ==, q_shape);
  g_assert_cmpint (e->person_id, ==, f->lena);
  g_clear_pointer (&examples, g_ptr_array_unref);
  examples = bw_project_list_examples (f->project, f->van, &error);
  g_assert_cmpuint (examples->len, ==, 0);
  g_clear_pointer (&examples, g_ptr_array_unref);

  open = bw_project_list_questions (f->project, TRUE, 0, &error);
  g_assert_cmpuint (open->len, ==, 0);
  all = bw_project_list_questions (f->project, FALSE, f->image2, &error);
  g_assert_cmpuint (all->len, ==, 1);
  g_assert_cmpint (((BwQuestion *) all->pdata[0])->id, ==, q_image);

  /* Unknown question: a clear error. */
  g_assert_false (bw_project_answer_question (f->project, 4242, f->lena, "x", &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Withdrawn: gone, its example stays. */
  g_assert_true (bw_project_delete_question (f->project, q_shape, &error));
  g_assert_no_error (error);
  examples = bw_project_list_examples (f->project, 0, &error);
  g_assert_cmpuint (examples->len, ==, 1);
}

static void
test_examples (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) examples = NULL;
  g_autoptr(GPtrArray) changes = NULL;
  gint64 positive, negative, v0;

  v0 = guideline_version (f->project);
  g_assert_true (bw_project_add_example (f->project, f->shape2, FALSE, f->lena,
                                         "A reflection in a window is not a van.", &negative, &error));
  g_assert_no_error (error);
  g_assert_true (bw_project_add_example (f->project, f->shape1, TRUE, f->lena, NULL, &positive, &error));
  g_assert_no_error (error);
  g_assert_cmpint (guideline_version (f->project), ==, v0 + 2);
  g_assert_cmpint (bw_project_find_example (f->project, f->shape1), ==, positive);

  /* Pinned twice: refused. */
  g_assert_false (bw_project_add_example (f->project, f->shape1, FALSE, f->lena, NULL, NULL, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_DUPLICATE);
  g_clear_error (&error);
  g_assert_false (bw_project_add_example (f->project, 4242, TRUE, f->lena, NULL, NULL, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* By category order: car (positive), then van. */
  examples = bw_project_list_examples (f->project, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (examples->len, ==, 2);
  g_assert_cmpint (((BwGuidelineExample *) examples->pdata[0])->id, ==, positive);
  g_assert_cmpstr (((BwGuidelineExample *) examples->pdata[0])->note, ==, "");
  g_assert_cmpint (((BwGuidelineExample *) examples->pdata[1])->id, ==, negative);
  g_assert_false (((BwGuidelineExample *) examples->pdata[1])->positive);

  /* The banner's list: van's example added, car's added, car's removed. */
  g_assert_true (bw_project_delete_example (f->project, positive, &error));
  g_assert_no_error (error);
  g_assert_cmpint (bw_project_find_example (f->project, f->shape1), ==, 0);
  g_assert_false (bw_project_delete_example (f->project, positive, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_NOT_FOUND);
  g_clear_error (&error);
  changes = bw_project_list_guideline_changes (f->project, v0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (changes->len, ==, 3);
  g_assert_cmpint (((BwGuidelineChange *) changes->pdata[0])->category_id, ==, f->van);
  g_assert_cmpint (((BwGuidelineChange *) changes->pdata[0])->what, ==, BW_GUIDELINE_CHANGE_EXAMPLE_ADDED);
  g_assert_cmpstr (((BwGuidelineChange *) changes->pdata[1])->category_name, ==, "car");
  g_assert_cmpint (((BwGuidelineChange *) changes->pdata[2])->what, ==, BW_GUIDELINE_CHANGE_EXAMPLE_REMOVED);

  /* A deleted annotation leaves its example as it was. */
  g_assert_true (bw_project_delete_annotation (f->project, f->shape2, &error));
  g_assert_no_error (error);
  g_clear_pointer (&examples, g_ptr_array_unref);
  examples = bw_project_list_examples (f->project, f->van, &error);
  g_assert_cmpuint (examples->len, ==, 1);
  g_assert_cmpfloat (((BwGuidelineExample *) examples->pdata[0])->shape->bbox.x1, ==, 140);
}

static void
test_hold_submission (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 q, q_bob;

  g_assert_false (bw_project_get_questions_hold_submission (f->project));
  g_assert_true (bw_project_ask_question (f->project, f->image1, f->layer1, f->shape1, f->ann,
                                          "Which category?", &q, &error));
  /* Bob's question on Ann's image does not hold Ann's work. */
  g_assert_true (bw_project_ask_question (f->project, f->image1, 0, 0, f->bob, "In scope?", &q_bob, &error));
  g_assert_no_error (error);

  /* Not held: Bob's work goes through with his question open. */
  g_assert_true (bw_project_ask_question (f->project, f->image2, f->layer2, f->shape2, f->bob,
                                          "Van or car?", NULL, &error));
  g_assert_true (bw_project_submit_layer (f->project, f->layer2, &error));
  g_assert_no_error (error);

  g_assert_true (bw_project_set_questions_hold_submission (f->project, TRUE, &error));
  g_assert_true (bw_project_get_questions_hold_submission (f->project));
  g_assert_false (bw_project_submit_layer (f->project, f->layer1, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "not answered"));
  g_clear_error (&error);
  {
    g_autoptr(BwLayer) layer = bw_project_get_layer (f->project, f->layer1, NULL);

    g_assert_cmpint (layer->status, ==, BW_LAYER_STATUS_IN_PROGRESS);
  }

  /* Answered: it goes through. */
  g_assert_true (bw_project_answer_question (f->project, q, f->lena, "Car.", &error));
  g_assert_true (bw_project_submit_layer (f->project, f->layer1, &error));
  g_assert_no_error (error);
}

static gint64
count_of (GPtrArray *counts,
          gint64     id,
          gboolean   open)
{
  for (guint i = 0; i < counts->len; i++)
    {
      const BwQuestionCount *c = counts->pdata[i];

      if (c->id == id)
        return open ? c->open : c->asked;
    }
  return 0;
}

static void
test_counts (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) by_person = NULL;
  g_autoptr(GPtrArray) by_category = NULL;
  gint64 q;

  g_assert_true (bw_project_ask_question (f->project, f->image1, f->layer1, f->shape1, f->ann, "1", &q, &error));
  g_assert_true (bw_project_ask_question (f->project, f->image1, f->layer1, f->shape1, f->ann, "2", NULL, &error));
  g_assert_true (bw_project_ask_question (f->project, f->image1, 0, 0, f->ann, "3", NULL, &error));
  g_assert_true (bw_project_ask_question (f->project, f->image2, f->layer2, f->shape2, f->bob, "4", NULL, &error));
  g_assert_true (bw_project_answer_question (f->project, q, f->lena, "a", &error));
  g_assert_no_error (error);

  g_assert_true (bw_project_count_questions (f->project, &by_person, &by_category, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (by_person->len, ==, 2);
  g_assert_cmpint (((BwQuestionCount *) by_person->pdata[0])->id, ==, f->ann);
  g_assert_cmpstr (((BwQuestionCount *) by_person->pdata[0])->name, ==, "Ann");
  g_assert_cmpint (count_of (by_person, f->ann, FALSE), ==, 3);
  g_assert_cmpint (count_of (by_person, f->ann, TRUE), ==, 2);
  g_assert_cmpint (count_of (by_person, f->bob, FALSE), ==, 1);
  g_assert_cmpint (count_of (by_person, f->lena, FALSE), ==, 0);

  g_assert_cmpuint (by_category->len, ==, 3);
  g_assert_cmpint (count_of (by_category, f->car, FALSE), ==, 2);
  g_assert_cmpint (count_of (by_category, f->car, TRUE), ==, 1);
  g_assert_cmpint (count_of (by_category, f->van, FALSE), ==, 1);
  g_assert_cmpint (count_of (by_category, 0, FALSE), ==, 1);
}

/* boxwood-cli questions list|answer */

static int
run_cli (Fixture     *f,
         char       **out,
         const char  *first,
         ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  const char *cli = g_getenv ("BOXWOOD_CLI");
  const char *arg;
  int status = -1;
  va_list ap;

  g_assert_nonnull (cli);
  g_ptr_array_add (args, (char *) cli);
  va_start (ap, first);
  for (arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  g_assert_true (g_spawn_sync (NULL, (char **) args->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               out, &err, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_test_message ("%s", err);
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

static JsonArray *
listed (Fixture    *f,
        JsonParser *parser,
        gboolean    open_only)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;

  g_assert_cmpint (run_cli (f, &out, "questions", "list", f->path, "--json",
                            open_only ? "--open" : NULL, NULL), ==, 0);
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  g_assert_no_error (error);
  return json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "questions");
}

static void
test_cli (Fixture       *f,
          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) examples = NULL;
  g_autofree char *out = NULL;
  g_autofree char *id = NULL;
  JsonArray *questions;
  JsonObject *q;
  gint64 q_shape, q_image;

  g_assert_true (bw_project_ask_question (f->project, f->image1, f->layer1, f->shape1, f->ann,
                                          "Trailer?", &q_shape, &error));
  g_assert_true (bw_project_ask_question (f->project, f->image2, 0, 0, f->bob, "Scope?", &q_image, &error));
  g_assert_no_error (error);
  g_assert_finalize_object (g_steal_pointer (&f->project));

  questions = listed (f, parser, TRUE);
  g_assert_cmpuint (json_array_get_length (questions), ==, 2);
  q = json_array_get_object_element (questions, 0);
  g_assert_cmpint (json_object_get_int_member (q, "id"), ==, q_shape);
  g_assert_cmpstr (json_object_get_string_member (q, "image"), ==, "a.jpg");
  g_assert_cmpstr (json_object_get_string_member (q, "category"), ==, "car");
  g_assert_cmpint (json_object_get_int_member (q, "annotation_id"), ==, f->shape1);
  g_assert_cmpint (json_object_get_int_member (q, "annotation_version"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (q, "asker"), ==, "Ann");
  g_assert_cmpstr (json_object_get_string_member (q, "question"), ==, "Trailer?");
  g_assert_true (json_object_get_null_member (q, "answer"));
  q = json_array_get_object_element (questions, 1);
  g_assert_true (json_object_get_null_member (q, "annotation_id"));
  g_assert_true (json_object_get_null_member (q, "category"));

  /* The table says the same. */
  g_assert_cmpint (run_cli (f, &out, "questions", "list", f->path, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Q: Trailer?"));
  g_assert_nonnull (strstr (out, "whole image"));
  g_clear_pointer (&out, g_free);

  /* Answer and promote the shape's question as Lena. */
  id = g_strdup_printf ("%" G_GINT64_FORMAT, q_shape);
  g_assert_cmpint (run_cli (f, &out, "questions", "answer", f->path, id, "Box the car only.",
                            "--promote", "--as", "Lena", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "guideline example"));
  g_clear_pointer (&out, g_free);

  questions = listed (f, parser, TRUE);
  g_assert_cmpuint (json_array_get_length (questions), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (questions, 0), "id"), ==, q_image);
  questions = listed (f, parser, FALSE);
  q = json_array_get_object_element (questions, 0);
  g_assert_cmpstr (json_object_get_string_member (q, "answer"), ==, "Box the car only.");
  g_assert_cmpstr (json_object_get_string_member (q, "answerer"), ==, "Lena");
  g_assert_cmpint (json_object_get_int_member (q, "example_id"), >, 0);

  /* A whole image cannot be promoted: the answer stays, exit status 1. */
  g_clear_pointer (&id, g_free);
  id = g_strdup_printf ("%" G_GINT64_FORMAT, q_image);
  g_assert_cmpint (run_cli (f, &out, "questions", "answer", f->path, id, "Yes", "--promote",
                            "--as", "Lena", NULL), ==, 1);
  g_clear_pointer (&out, g_free);
  g_assert_cmpuint (json_array_get_length (listed (f, parser, TRUE)), ==, 0);

  /* Usage errors. */
  g_assert_cmpint (run_cli (f, &out, "questions", "answer", f->path, "x", "y", NULL), ==, 2);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_cli (f, &out, "questions", "answer", f->path, "999", "y", NULL), ==, 1);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_cli (f, &out, "questions", "frobnicate", NULL), ==, 2);
  g_clear_pointer (&out, g_free);

  f->project = bw_project_open (f->file, &error);
  g_assert_no_error (error);
  examples = bw_project_list_examples (f->project, f->car, &error);
  g_assert_cmpuint (examples->len, ==, 1);
  g_assert_cmpstr (((BwGuidelineExample *) examples->pdata[0])->note, ==, "Box the car only.");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/core/questions/ask-answer-promote", Fixture, NULL,
              fixture_set_up, test_ask_answer_promote, fixture_tear_down);
  g_test_add ("/core/questions/examples", Fixture, NULL,
              fixture_set_up, test_examples, fixture_tear_down);
  g_test_add ("/core/questions/hold-submission", Fixture, NULL,
              fixture_set_up, test_hold_submission, fixture_tear_down);
  g_test_add ("/core/questions/counts", Fixture, NULL,
              fixture_set_up, test_counts, fixture_tear_down);
  g_test_add ("/cli/questions/list-answer", Fixture, NULL,
              fixture_set_up, test_cli, fixture_tear_down);

  return g_test_run ();
}
