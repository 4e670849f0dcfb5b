/* test-gold-window.c — the Gold Standard window: gold images and their
 * answers, a second expert's acceptance, promoting an accepted answer, a
 * seeded sample and the honeypot rate
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "bw-gold-window.h"

#define N_IMAGES 40

typedef struct
{
  char      *dir;
  char      *path;
  BwProject *project;
  gint64     car, bus;
  gint64     lena, ann, rosa;
  gint64     img[N_IMAGES];
} Fixture;

static void
add_box (BwProject *project,
         gint64     layer_id,
         gint64     category_id,
         double     x)
{
  g_autoptr(BwShape) shape = bw_shape_new_box (x, 10, x + 50, 60);
  g_autoptr(GError) error = NULL;

  g_assert_true (bw_project_add_annotation (project, layer_id, category_id, shape,
                                            BW_SOURCE_DRAWN, 1.0, NULL, &error));
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  gint64 layer;

  f->dir = g_dir_make_tmp ("bw-gold-window-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "g.boxwood", NULL);
  file = g_file_new_for_path (f->path);
  f->project = bw_project_create (file, &error);
  g_assert_no_error (error);

  g_assert_true (bw_project_add_category (f->project, "car", NULL, "#e01b24", &f->car, &error));
  g_assert_true (bw_project_add_category (f->project, "bus", NULL, "#3584e4", &f->bus, &error));
  g_assert_true (bw_project_ensure_person (f->project, "Lena", BW_ROLE_LEAD, &f->lena, &error));
  g_assert_true (bw_project_ensure_person (f->project, "Ann", BW_ROLE_ANNOTATOR, &f->ann, &error));
  /* Rosa is an annotator until she works in the window. */
  g_assert_true (bw_project_ensure_person (f->project, "Rosa", BW_ROLE_ANNOTATOR, &f->rosa, &error));

  for (guint i = 0; i < N_IMAGES; i++)
    {
      g_autofree char *name = g_strdup_printf ("street-%02u.jpg", i);
      BwImage image = { .path = name, .width = 640, .height = 480, .content_hash = name, .orientation = 1 };

      g_assert_true (bw_project_add_image (f->project, &image, &f->img[i], &error));
    }

  /* Image 0: gold, Lena's answer of two cars and a bus. Image 1: gold,
   * no answer yet. Image 2: Ann's answer, accepted. */
  g_assert_true (bw_project_set_images_gold (f->project, f->img, 2, TRUE, &error));
  g_assert_true (bw_project_ensure_layer (f->project, f->img[0], f->lena, BW_LAYER_KIND_GOLD, &layer, &error));
  add_box (f->project, layer, f->car, 10);
  add_box (f->project, layer, f->car, 100);
  add_box (f->project, layer, f->bus, 200);
  g_assert_true (bw_project_ensure_layer (f->project, f->img[2], f->ann, BW_LAYER_KIND_WORK, &layer, &error));
  add_box (f->project, layer, f->car, 20);
  add_box (f->project, layer, f->car, 120);
  g_assert_true (bw_project_submit_layer (f->project, layer, &error));
  g_assert_true (bw_project_accept_layer (f->project, layer, f->lena, NULL, NULL, &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *wal = g_strconcat (f->path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (f->path, "-shm", NULL);

  g_assert_finalize_object (f->project);
  g_unlink (f->path);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

static void
spin (void)
{
  for (guint i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
}

static BwGoldWindow *
open_window (Fixture *f,
             gint64   person)
{
  BwGoldWindow *window = bw_gold_window_new (f->project, person);

  gtk_window_present (GTK_WINDOW (window));
  spin ();
  return window;
}

static void
close_window (BwGoldWindow *window)
{
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  gpointer weak = window;

  g_object_add_weak_pointer (G_OBJECT (window), &weak);
  gtk_window_destroy (GTK_WINDOW (window));
  /* Freed once GTK has let go of it (the last rows go in an idle). */
  while (weak != NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
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
edit_answer_cb (BwGoldWindow *window,
                gint64        image_id,
                gint64       *out)
{
  *out = image_id;
}

static void
test_answers (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) answers = NULL;
  BwGoldWindow *window = open_window (f, f->rosa);
  GListModel *rows = bw_gold_window_get_rows (window);
  gint64 edited = 0;

  /* With gold images, the list starts with them. */
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 2);
  g_assert_cmpint (bw_gold_window_get_row_image (window, 0), ==, f->img[0]);
  g_assert_cmpint (bw_gold_window_get_row_image (window, 1), ==, f->img[1]);

  bw_gold_window_select_image (window, f->img[0]);
  spin ();
  g_assert_cmpstr (bw_gold_window_get_answer_text (window), ==, "Answer by Lena: 2 car, 1 bus");
  g_assert_cmpstr (bw_gold_window_get_review_text (window), ==,
                   "Not reviewed: a second expert should accept or correct it.");

  /* Rosa, a second expert, accepts it: recorded with her name. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "gold.accept", NULL));
  spin ();
  g_assert_true (g_str_has_prefix (bw_gold_window_get_review_text (window), "Accepted by Rosa on "));
  answers = bw_project_list_gold_answers (f->project, &error);
  g_assert_true (find_answer (answers, f->img[0])->accepted);
  g_assert_cmpint (find_answer (answers, f->img[0])->reviewer_id, ==, f->rosa);

  /* Edit Answer asks the project window to open the gold layer, and
   * makes Rosa a lead. */
  g_signal_connect (window, "edit-answer", G_CALLBACK (edit_answer_cb), &edited);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "gold.edit-answer", NULL));
  g_assert_cmpint (edited, ==, f->img[0]);
  g_assert_cmpint (bw_project_get_person_role (f->project, f->rosa), ==, BW_ROLE_LEAD);

  /* The unanswered one says what to do; it cannot be accepted. */
  bw_gold_window_select_image (window, f->img[1]);
  spin ();
  g_assert_cmpstr (bw_gold_window_get_answer_text (window), ==, "No answer yet: draw it with Edit Answer.");
  g_assert_cmpstr (bw_gold_window_get_review_text (window), ==, "");
  gtk_widget_activate_action (GTK_WIDGET (window), "gold.accept", NULL);
  spin ();
  g_clear_pointer (&answers, g_ptr_array_unref);
  answers = bw_project_list_gold_answers (f->project, &error);
  g_assert_cmpint (find_answer (answers, f->img[1])->reviewed_at, ==, 0);

  /* Every image, when asked. */
  bw_gold_window_set_gold_only (window, FALSE);
  spin ();
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, N_IMAGES);

  close_window (window);
}

static void
test_promote (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwImage) image = NULL;
  g_autoptr(GPtrArray) shapes = NULL;
  BwGoldWindow *window = open_window (f, f->lena);
  gint64 gold;

  bw_gold_window_set_gold_only (window, FALSE);
  spin ();
  bw_gold_window_select_image (window, f->img[2]);
  spin ();
  g_assert_cmpint (bw_gold_window_get_selected (window), ==, f->img[2]);
  g_assert_cmpstr (bw_gold_window_get_answer_text (window), ==,
                   "Not a gold image. Tick it in the list to make it one.");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "gold.promote", NULL));
  spin ();
  image = bw_project_get_image (f->project, f->img[2], &error);
  g_assert_true (image->is_gold);
  gold = bw_project_get_gold_layer (f->project, f->img[2], &error);
  g_assert_cmpint (gold, >, 0);
  shapes = bw_project_list_annotations (f->project, gold, &error);
  g_assert_cmpuint (shapes->len, ==, 2);
  /* The row stays selected and shows the new answer, Lena's now. */
  g_assert_cmpint (bw_gold_window_get_selected (window), ==, f->img[2]);
  g_assert_cmpstr (bw_gold_window_get_answer_text (window), ==, "Answer by Lena: 2 car");

  close_window (window);
}

static void
test_sample_and_rate (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) sample = NULL;
  g_autoptr(GArray) gold = NULL;
  g_autofree char *seed = NULL;
  BwGoldWindow *window = open_window (f, f->lena);
  guint expected;

  /* 25 % of the 40 images with seed 1234: the core's sample of 10. */
  bw_gold_window_set_sample (window, 25, TRUE, 1234);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "gold.draw-sample", NULL));
  spin ();
  sample = bw_gold_sample (f->img, N_IMAGES, 1234, 10);
  g_assert_cmpuint (sample->len, ==, 10);
  expected = 10;
  for (guint i = 0; i < sample->len; i++)
    {
      g_autoptr(BwImage) image = bw_project_get_image (f->project, g_array_index (sample, gint64, i), NULL);

      g_assert_true (image->is_gold);
    }
  for (guint i = 0; i < 2; i++)
    {
      gboolean in_sample = FALSE;

      for (guint j = 0; j < sample->len; j++)
        in_sample |= g_array_index (sample, gint64, j) == f->img[i];
      expected += !in_sample;
    }
  gold = bw_project_list_image_ids (f->project, BW_IMAGE_STATUS_GOLD, NULL, &error);
  g_assert_cmpuint (gold->len, ==, expected);
  /* The list shows the gold images; the seed is kept for next time. */
  g_assert_cmpuint (g_list_model_get_n_items (bw_gold_window_get_rows (window)), ==, expected);
  seed = bw_project_get_setting (f->project, "gold.seed");
  g_assert_cmpstr (seed, ==, "1234");

  bw_gold_window_set_honeypot_percent (window, 12.5);
  g_assert_cmpfloat (bw_project_get_honeypot_rate (f->project), ==, 0.125);
  close_window (window);

  /* A new window shows the seed and the rate as they were set. */
  window = open_window (f, f->lena);
  g_assert_cmpfloat (bw_project_get_honeypot_rate (f->project), ==, 0.125);
  close_window (window);
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

#define ADD(path, func) \
  g_test_add ("/ui/gold-window/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("answers", test_answers);
  ADD ("promote", test_promote);
  ADD ("sample-and-rate", test_sample_and_rate);

#undef ADD

  return g_test_run ();
}
