/* test-quality-window.c — the Quality window shows the figures of
 * `boxwood-cli quality --json`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A project with two gold images answered by an expert and labelled by two
 * annotators (one with a miss, an extra shape and a wrong category) and a
 * third image labelled by both: the window computes its figures off the
 * UI thread, and every number it shows per annotator, per category and
 * per pair equals the one boxwood-cli prints for the same project.
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "bw-compare-view.h"
#include "bw-importer.h"
#include "bw-quality-window.h"
#include "bw-test-images.h"

typedef struct
{
  char      *dir;
  char      *path;
  BwProject *project;
} Fixture;

static gint64
add_image (BwProject  *project,
           const char *name)
{
  BwImage image = {
    .path = (char *) name,
    .width = 1000,
    .height = 800,
    .byte_size = 1234,
    .content_hash = (char *) name,
    .orientation = 1,
  };
  g_autoptr(GError) error = NULL;
  gint64 id = 0;

  g_assert_true (bw_project_add_image (project, &image, &id, &error));
  g_assert_no_error (error);
  return id;
}

static void
add_box (BwProject *project,
         gint64     layer_id,
         gint64     category_id,
         double     x,
         double     y,
         double     w,
         double     h)
{
  g_autoptr(BwShape) shape = bw_shape_new_box (x, y, x + w, y + h);
  g_autoptr(GError) error = NULL;

  g_assert_true (bw_project_add_annotation (project, layer_id, category_id, shape,
                                            BW_SOURCE_DRAWN, 1.0, NULL, &error));
  g_assert_no_error (error);
}

static gint64
add_layer (BwProject   *project,
           gint64       image_id,
           gint64       person_id,
           BwLayerKind  kind)
{
  g_autoptr(GError) error = NULL;
  gint64 id = 0;

  g_assert_true (bw_project_ensure_layer (project, image_id, person_id, kind, &id, &error));
  g_assert_no_error (error);
  return id;
}

static void
submit (BwProject *project,
        gint64     layer_id)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (bw_project_submit_layer (project, layer_id, &error));
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  gint64 car, dog, sign, expert, ana, ben, img[3], l;

  fixture->dir = g_dir_make_tmp ("bw-quality-window-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "q.boxwood", NULL);
  file = g_file_new_for_path (fixture->path);
  fixture->project = bw_project_create (file, &error);
  g_assert_no_error (error);

  g_assert_true (bw_project_add_category (fixture->project, "car", "vehicle", "#e01b24", &car, &error));
  g_assert_true (bw_project_add_category (fixture->project, "dog", "animal", "#33d17a", &dog, &error));
  g_assert_true (bw_project_add_category (fixture->project, "sign", "sign", "#9141ac", &sign, &error));
  g_assert_true (bw_project_ensure_person (fixture->project, "Gold Expert", BW_ROLE_LEAD, &expert, &error));
  g_assert_true (bw_project_ensure_person (fixture->project, "Ana", BW_ROLE_ANNOTATOR, &ana, &error));
  g_assert_true (bw_project_ensure_person (fixture->project, "Ben", BW_ROLE_ANNOTATOR, &ben, &error));
  g_assert_no_error (error);

  img[0] = add_image (fixture->project, "one.jpg");
  img[1] = add_image (fixture->project, "two.jpg");
  img[2] = add_image (fixture->project, "three.jpg");
  for (guint i = 0; i < 2; i++)
    {
      g_assert_true (bw_project_set_image_gold (fixture->project, img[i], TRUE, &error));
      g_assert_no_error (error);
    }

  /* The expert's answers. */
  l = add_layer (fixture->project, img[0], expert, BW_LAYER_KIND_GOLD);
  add_box (fixture->project, l, car, 100, 100, 200, 100);
  add_box (fixture->project, l, dog, 500, 400, 80, 60);
  add_box (fixture->project, l, sign, 800, 50, 40, 40);
  l = add_layer (fixture->project, img[1], expert, BW_LAYER_KIND_GOLD);
  add_box (fixture->project, l, car, 10, 10, 300, 200);
  add_box (fixture->project, l, car, 600, 500, 200, 150);

  /* Ana: close on every car, calls the dog a car, misses the sign. */
  l = add_layer (fixture->project, img[0], ana, BW_LAYER_KIND_WORK);
  add_box (fixture->project, l, car, 104, 98, 198, 104);
  add_box (fixture->project, l, car, 502, 402, 78, 58);
  submit (fixture->project, l);
  l = add_layer (fixture->project, img[1], ana, BW_LAYER_KIND_WORK);
  add_box (fixture->project, l, car, 12, 8, 296, 204);
  add_box (fixture->project, l, car, 610, 505, 190, 140);
  submit (fixture->project, l);
  l = add_layer (fixture->project, img[2], ana, BW_LAYER_KIND_WORK);
  add_box (fixture->project, l, dog, 300, 300, 100, 100);
  submit (fixture->project, l);

  /* Ben: all three right on one, a loose car and an extra sign on two. */
  l = add_layer (fixture->project, img[0], ben, BW_LAYER_KIND_WORK);
  add_box (fixture->project, l, car, 100, 100, 200, 100);
  add_box (fixture->project, l, dog, 500, 400, 80, 60);
  add_box (fixture->project, l, sign, 800, 50, 40, 40);
  submit (fixture->project, l);
  l = add_layer (fixture->project, img[1], ben, BW_LAYER_KIND_WORK);
  add_box (fixture->project, l, car, 10, 10, 300, 200);
  add_box (fixture->project, l, car, 600, 500, 400, 300);
  add_box (fixture->project, l, sign, 50, 700, 30, 30);
  submit (fixture->project, l);
  l = add_layer (fixture->project, img[2], ben, BW_LAYER_KIND_WORK);
  add_box (fixture->project, l, dog, 305, 295, 100, 110);
  submit (fixture->project, l);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GFile) dir = g_file_new_for_path (fixture->dir);
  g_autofree char *wal = g_strconcat (fixture->path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (fixture->path, "-shm", NULL);

  g_clear_object (&fixture->project);
  g_unlink (fixture->path);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (fixture->dir);
  g_free (fixture->path);
  g_free (fixture->dir);
}

static JsonObject *
run_cli_quality (const char *path)
{
  const char *cli = g_getenv ("BOXWOOD_CLI");
  const char *argv[] = { cli, "quality", path, "--json", NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  int status = 0;

  g_assert_nonnull (cli);
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                &out, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("boxwood-cli quality failed: %s", err);
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
wait_idle (BwQualityWindow *window)
{
  gint64 end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (bw_quality_window_get_busy (window) || bw_quality_window_get_report (window) == NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  /* Let the tables take the new rows. */
  for (guint i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE);
}

static BwQualityRow *
find_row (GListModel *rows,
          const char *name)
{
  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(BwQualityRow) row = g_list_model_get_item (rows, i);

      if (g_str_equal (bw_quality_row_get_text (row, BW_QUALITY_COLUMN_ANNOTATOR), name))
        return row;
    }
  g_error ("no row “%s” in the window", name);
  return NULL;
}

/* What the window shows for @figures (an object of the CLI's JSON): each
 * count as the same integer, each rate as the same percentage with its
 * interval, the mean IoU to three decimals. */
static void
assert_row_matches (BwQualityRow *row,
                    JsonObject   *figures)
{
  static const struct {
    BwQualityColumn column;
    const char     *member;
  } counts[] = {
    { BW_QUALITY_COLUMN_TP, "tp" },
    { BW_QUALITY_COLUMN_FP, "fp" },
    { BW_QUALITY_COLUMN_FN, "fn" },
  }, rates[] = {
    { BW_QUALITY_COLUMN_ACCURACY, "accuracy" },
    { BW_QUALITY_COLUMN_PRECISION, "precision" },
    { BW_QUALITY_COLUMN_RECALL, "recall" },
    { BW_QUALITY_COLUMN_F1, "f1" },
  }, errors[] = {
    { BW_QUALITY_COLUMN_MISSED, "missed" },
    { BW_QUALITY_COLUMN_EXTRA, "extra" },
    { BW_QUALITY_COLUMN_WRONG_CATEGORY, "wrong_category" },
    { BW_QUALITY_COLUMN_POOR_LOCALISATION, "poor_localisation" },
    { BW_QUALITY_COLUMN_DUPLICATE, "duplicate" },
  };
  JsonObject *error_counts = json_object_get_object_member (figures, "errors");

  for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
    {
      g_autofree char *expected = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                   json_object_get_int_member (figures, counts[i].member));

      g_assert_cmpstr (bw_quality_row_get_text (row, counts[i].column), ==, expected);
    }
  for (guint i = 0; i < G_N_ELEMENTS (errors); i++)
    {
      g_autofree char *expected = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                   json_object_get_int_member (error_counts, errors[i].member));

      g_assert_cmpstr (bw_quality_row_get_text (row, errors[i].column), ==, expected);
    }
  for (guint i = 0; i < G_N_ELEMENTS (rates); i++)
    {
      g_autofree char *interval_name = g_strconcat (rates[i].member, "_interval", NULL);
      JsonArray *interval = json_object_get_array_member (figures, interval_name);
      g_autofree char *expected = NULL;

      if (json_object_get_null_member (figures, rates[i].member))
        expected = g_strdup ("–");
      else
        expected = g_strdup_printf ("%.1f %% (%.1f–%.1f)",
                                    100.0 * json_object_get_double_member (figures, rates[i].member),
                                    100.0 * json_array_get_double_element (interval, 0),
                                    100.0 * json_array_get_double_element (interval, 1));
      g_assert_cmpstr (bw_quality_row_get_text (row, rates[i].column), ==, expected);
    }
  if (json_object_get_null_member (figures, "mean_iou"))
    g_assert_cmpstr (bw_quality_row_get_text (row, BW_QUALITY_COLUMN_MEAN_IOU), ==, "–");
  else
    {
      g_autofree char *expected = g_strdup_printf ("%.3f", json_object_get_double_member (figures, "mean_iou"));

      g_assert_cmpstr (bw_quality_row_get_text (row, BW_QUALITY_COLUMN_MEAN_IOU), ==, expected);
    }
}

static void
test_figures_equal_cli (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(JsonObject) cli = run_cli_quality (fixture->path);
  BwQualityWindow *window = bw_quality_window_new (fixture->project);
  JsonArray *annotators = json_object_get_array_member (cli, "annotators");
  JsonArray *categories = json_object_get_array_member (cli, "categories");
  GListModel *rows;

  gtk_window_present (GTK_WINDOW (window));
  wait_idle (window);

  rows = bw_quality_window_get_annotator_rows (window);
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, json_array_get_length (annotators));
  g_assert_cmpuint (json_array_get_length (annotators), ==, 2);
  for (guint i = 0; i < json_array_get_length (annotators); i++)
    {
      JsonObject *a = json_array_get_object_element (annotators, i);
      BwQualityRow *row = find_row (rows, json_object_get_string_member (a, "annotator"));
      g_autofree char *images = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (a, "images"));

      g_assert_cmpstr (bw_quality_row_get_text (row, BW_QUALITY_COLUMN_IMAGES), ==, images);
      assert_row_matches (row, a);
    }

  /* Ana called the dog a car and missed the sign: the figures say so. */
  g_assert_cmpstr (bw_quality_row_get_text (find_row (rows, "Ana"), BW_QUALITY_COLUMN_WRONG_CATEGORY), ==, "1");
  g_assert_cmpstr (bw_quality_row_get_text (find_row (rows, "Ana"), BW_QUALITY_COLUMN_MISSED), ==, "1");
  g_assert_cmpstr (bw_quality_row_get_text (find_row (rows, "Ben"), BW_QUALITY_COLUMN_EXTRA), ==, "1");

  rows = bw_quality_window_get_category_rows (window);
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, json_array_get_length (categories));
  for (guint i = 0; i < json_array_get_length (categories); i++)
    {
      JsonObject *c = json_array_get_object_element (categories, i);

      assert_row_matches (find_row (rows, json_object_get_string_member (c, "category")), c);
    }

  /* Ana and Ben both labelled all three images. */
  rows = bw_quality_window_get_pair_rows (window);
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 1);

  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
is_busy (BwQualityWindow *window)
{
  return bw_quality_window_get_busy (window);
}

static void
test_threshold_recomputes (Fixture       *fixture,
                           gconstpointer  data)
{
  BwQualityWindow *window = bw_quality_window_new (fixture->project);
  g_autoptr(BwQualityRow) ben = NULL;
  gint64 end;

  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  gtk_window_present (GTK_WINDOW (window));
  wait_idle (window);
  g_assert_cmpfloat (bw_quality_window_get_report (window)->iou_threshold, ==, 0.5);

  /* Ben's loose car (IoU 0.25 with the gold car) matches at τ = 0.2. */
  bw_quality_window_set_iou_threshold (window, 0.2);
  end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (!is_busy (window) && bw_quality_window_get_report (window)->iou_threshold != 0.2)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  wait_idle (window);
  g_assert_cmpfloat_with_epsilon (bw_quality_window_get_report (window)->iou_threshold, 0.2, 1e-9);
  ben = g_object_ref (find_row (bw_quality_window_get_annotator_rows (window), "Ben"));
  g_assert_cmpstr (bw_quality_row_get_text (ben, BW_QUALITY_COLUMN_POOR_LOCALISATION), ==, "0");
  g_assert_cmpstr (bw_quality_row_get_text (ben, BW_QUALITY_COLUMN_TP), ==, "5");

  gtk_window_destroy (GTK_WINDOW (window));
  end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (window != NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      g_main_context_iteration (NULL, FALSE);
    }
}

static GtkListBox *
find_list_box (GtkWidget *widget)
{
  if (GTK_IS_LIST_BOX (widget))
    return GTK_LIST_BOX (widget);
  /* The Model page's lists are not the Pipeline page's. */
  if (BW_IS_MODEL_PAGE (widget))
    return NULL;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkListBox *found = find_list_box (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
open_image_cb (BwQualityWindow *window,
               gint64           image_id,
               gint64          *out)
{
  *out = image_id;
}

/* The Pipeline page shows what boxwood-cli pipeline prints, and a stuck
 * image opens in the project window. */
static void
test_pipeline (Fixture       *fixture,
               gconstpointer  data)
{
  const char *argv[] = { g_getenv ("BOXWOOD_CLI"), "pipeline", fixture->path, "--stuck-after", "0",
                         "--json", NULL };
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  BwQualityWindow *window = bw_quality_window_new (fixture->project);
  const BwPipeline *pipeline;
  JsonObject *cli, *stages;
  GtkListBox *list;
  GtkListBoxRow *row;
  gint64 opened = 0;
  int status = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               &out, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  cli = json_node_get_object (json_parser_get_root (parser));
  stages = json_object_get_object_member (cli, "stages");

  gtk_window_present (GTK_WINDOW (window));
  wait_idle (window);
  pipeline = bw_quality_window_get_pipeline (window);
  g_assert_nonnull (pipeline);
  for (guint s = 0; s < BW_IMAGE_N_STATUS; s++)
    g_assert_cmpint (pipeline->images_by_status[s], ==,
                     json_object_get_int_member (stages, bw_image_status_to_string (s)));
  g_assert_cmpint (bw_pipeline_backlog (pipeline), ==, json_object_get_int_member (cli, "backlog"));
  /* Everything was just submitted: nothing has waited two days. */
  g_assert_cmpint (pipeline->n_stuck, ==, 0);

  bw_quality_window_set_stuck_after (window, 0);
  pipeline = bw_quality_window_get_pipeline (window);
  g_assert_cmpint (pipeline->n_stuck, ==, json_object_get_int_member (cli, "stuck_total"));
  g_assert_cmpint (pipeline->n_stuck, >, 0);

  list = find_list_box (GTK_WIDGET (window));
  g_assert_nonnull (list);
  row = gtk_list_box_get_row_at_index (list, 0);
  g_assert_nonnull (row);
  g_assert_null (gtk_list_box_get_row_at_index (list, pipeline->stuck->len));
  g_signal_connect (window, "open-image", G_CALLBACK (open_image_cb), &opened);
  g_signal_emit_by_name (row, "activate");
  g_assert_cmpint (opened, ==, ((BwPipelineStuck *) pipeline->stuck->pdata[0])->image_id);
  g_assert_cmpint (opened, !=, 0);

  gtk_window_destroy (GTK_WINDOW (window));
}

/* Activating an annotator's row lists the gold images behind their
 * figures, each with the counts `boxwood-cli quality --by image --json`
 * prints for it; a kind of error keeps the images where it happened; an
 * image opens in the project window. */
static void
test_images_behind_figures (Fixture       *fixture,
                            gconstpointer  data)
{
  const char *argv[] = { g_getenv ("BOXWOOD_CLI"), "quality", fixture->path, "--by", "image",
                         "--json", NULL };
  static const char *kinds[] = { NULL, "missed", "extra", "wrong_category", "poor_localisation", "duplicate" };
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(BwQualityRow) ana = NULL;
  BwQualityWindow *window = bw_quality_window_new (fixture->project);
  GtkColumnView *view;
  GtkListBox *list;
  GtkWindow *images;
  JsonArray *cli_images;
  guint position = G_MAXUINT, n_rows, n_expected = 0;
  gint64 opened = 0;
  int status = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               &out, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  cli_images = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "images");

  gtk_window_present (GTK_WINDOW (window));
  wait_idle (window);

  /* Ana's row, activated as a double click or Enter would. */
  ana = g_object_ref (find_row (bw_quality_window_get_annotator_rows (window), "Ana"));
  for (guint i = 0; i < g_list_model_get_n_items (bw_quality_window_get_annotator_rows (window)); i++)
    {
      g_autoptr(BwQualityRow) row = g_list_model_get_item (bw_quality_window_get_annotator_rows (window), i);

      if (row == ana)
        position = i;
    }
  g_assert_cmpuint (position, !=, G_MAXUINT);
  view = GTK_COLUMN_VIEW (gtk_widget_get_template_child (GTK_WIDGET (window), BW_TYPE_QUALITY_WINDOW,
                                                         "annotator_view"));
  g_signal_emit_by_name (view, "activate", position);
  list = bw_quality_window_get_images_list (window);
  g_assert_nonnull (list);
  images = GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (list)));
  g_assert_cmpstr (gtk_window_get_title (images), ==, "Images Scored for Ana");

  for (guint kind = 0; kind < G_N_ELEMENTS (kinds); kind++)
    {
      bw_quality_window_set_images_kind (window, kind);
      n_expected = 0;
      for (guint i = 0; i < json_array_get_length (cli_images); i++)
        {
          JsonObject *image = json_array_get_object_element (cli_images, i);
          JsonArray *annotators = json_object_get_array_member (image, "annotators");

          for (guint a = 0; a < json_array_get_length (annotators); a++)
            {
              JsonObject *score = json_array_get_object_element (annotators, a);
              JsonObject *errors = json_object_get_object_member (score, "errors");
              g_autofree char *name = g_path_get_basename (json_object_get_string_member (image, "image"));
              g_autofree char *subtitle = NULL;
              gint64 n_kind = kinds[kind] != NULL ? json_object_get_int_member (errors, kinds[kind]) : 1;
              gboolean found = FALSE;

              if (!g_str_equal (json_object_get_string_member (score, "annotator"), "Ana") || n_kind == 0)
                continue;
              n_expected++;
              subtitle = g_strdup_printf ("TP %" G_GINT64_FORMAT " · missed %" G_GINT64_FORMAT
                                          " · extra %" G_GINT64_FORMAT " · wrong category %" G_GINT64_FORMAT
                                          " · poor localisation %" G_GINT64_FORMAT " · duplicate %" G_GINT64_FORMAT,
                                          json_object_get_int_member (score, "tp"),
                                          json_object_get_int_member (errors, "missed"),
                                          json_object_get_int_member (errors, "extra"),
                                          json_object_get_int_member (errors, "wrong_category"),
                                          json_object_get_int_member (errors, "poor_localisation"),
                                          json_object_get_int_member (errors, "duplicate"));
              for (guint r = 0; gtk_list_box_get_row_at_index (list, r) != NULL; r++)
                {
                  AdwActionRow *row = ADW_ACTION_ROW (gtk_list_box_get_row_at_index (list, r));

                  if (g_str_equal (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), name))
                    {
                      g_assert_cmpstr (adw_action_row_get_subtitle (row), ==, subtitle);
                      found = TRUE;
                    }
                }
              g_assert_true (found);
            }
        }
      for (n_rows = 0; gtk_list_box_get_row_at_index (list, n_rows) != NULL; n_rows++)
        ;
      /* An empty list says so in one row that does not open anything. */
      if (n_expected == 0)
        g_assert_false (gtk_list_box_row_get_activatable (gtk_list_box_get_row_at_index (list, 0)));
      else
        g_assert_cmpuint (n_rows, ==, n_expected);
    }

  /* Ana missed the sign of one.jpg: the one image of "Missed". */
  bw_quality_window_set_images_kind (window, BW_MATCH_MISSED);
  g_assert_nonnull (gtk_list_box_get_row_at_index (list, 0));
  g_assert_null (gtk_list_box_get_row_at_index (list, 1));
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (gtk_list_box_get_row_at_index (list, 0))),
                   ==, "one.jpg");
  g_signal_connect (window, "open-image", G_CALLBACK (open_image_cb), &opened);
  g_signal_emit_by_name (gtk_list_box_get_row_at_index (list, 0), "activate");
  g_assert_cmpint (opened, ==, bw_project_find_image_by_path (fixture->project, "one.jpg"));

  /* By category: the sign, which Ana missed on one.jpg and nowhere
   * else, with the sign's figures alone. */
  {
    gint64 sign = bw_project_find_category_by_name (fixture->project, "sign");
    gint64 car = bw_project_find_category_by_name (fixture->project, "car");

    bw_quality_window_set_images_kind (window, 0);
    g_assert_true (bw_quality_window_set_images_category (window, sign));
    g_assert_nonnull (gtk_list_box_get_row_at_index (list, 0));
    g_assert_null (gtk_list_box_get_row_at_index (list, 1));
    g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (gtk_list_box_get_row_at_index (list, 0))),
                     ==, "one.jpg");
    g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (gtk_list_box_get_row_at_index (list, 0))), ==,
                     "TP 0 · missed 1 · extra 0 · wrong category 0 · poor localisation 0 · duplicate 0");
    /* Every car of Ana's on two.jpg matched: no car was missed. */
    g_assert_true (bw_quality_window_set_images_category (window, car));
    bw_quality_window_set_images_kind (window, BW_MATCH_MISSED);
    g_assert_false (gtk_list_box_row_get_activatable (gtk_list_box_get_row_at_index (list, 0)));
    bw_quality_window_set_images_kind (window, 0);
    g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (gtk_list_box_get_row_at_index (list, 0))), !=,
                     NULL);
  }

  gtk_window_destroy (GTK_WINDOW (window));
}

/* Ana's answer to one.jpg next to its gold answer: her two shapes, the
 * expert's three, under the annotator's name and "Gold answer". */
static void
test_compare_with_gold (Fixture       *fixture,
                        gconstpointer  data)
{
  BwQualityWindow *window = bw_quality_window_new (fixture->project);
  gint64 one = bw_project_find_image_by_path (fixture->project, "one.jpg");
  gint64 ana = 0;
  g_autoptr(GError) error = NULL;
  GtkWindow *compare;
  GtkWidget *view;
  GtkWidget *title;

  gtk_window_present (GTK_WINDOW (window));
  wait_idle (window);
  g_assert_true (bw_project_ensure_person (fixture->project, "Ana", BW_ROLE_ANNOTATOR, &ana, &error));

  compare = bw_quality_window_compare (window, one, ana);
  g_assert_nonnull (compare);
  g_assert_cmpstr (gtk_window_get_title (compare), ==, "one.jpg");
  view = gtk_widget_get_last_child (adw_window_get_content (ADW_WINDOW (compare)));
  g_assert_true (BW_IS_COMPARE_VIEW (view));
  g_assert_cmpuint (bw_compare_view_get_n_panes (BW_COMPARE_VIEW (view)), ==, 2);
  g_assert_cmpuint (bw_compare_view_get_n_shapes (BW_COMPARE_VIEW (view), 0), ==, 2);
  g_assert_cmpuint (bw_compare_view_get_n_shapes (BW_COMPARE_VIEW (view), 1), ==, 3);
  title = gtk_widget_get_first_child (gtk_widget_get_first_child (view));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (title)), ==, "Ana’s answer");
  title = gtk_widget_get_first_child (gtk_widget_get_last_child (view));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (title)), ==, "Gold answer");

  /* Another image reuses the window. */
  g_assert_true (bw_quality_window_compare (window, bw_project_find_image_by_path (fixture->project, "two.jpg"),
                                            ana) == compare);
  g_assert_cmpstr (gtk_window_get_title (compare), ==, "two.jpg");
  g_assert_cmpuint (bw_compare_view_get_n_shapes (BW_COMPARE_VIEW (view), 1), ==, 2);

  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
canvases_ready (BwCompareView *view)
{
  for (guint i = 0; i < bw_compare_view_get_n_panes (view); i++)
    if (bw_canvas_get_state (bw_compare_view_get_canvas (view, i)) != BW_CANVAS_STATE_READY)
      return FALSE;
  return TRUE;
}

/* Zooming or panning one pane shows the same part of the image in the
 * other. */
static void
test_compare_panes_follow (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autofree char *jpeg = g_build_filename (fixture->dir, "real.jpg", NULL);
  const char *paths[] = { jpeg, NULL };
  g_autoptr(BwImporter) importer = bw_importer_new (fixture->project);
  g_autoptr(BwImportReport) report = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *window = gtk_window_new ();
  GtkWidget *view = bw_compare_view_new (fixture->project);
  const gint64 layers[2] = { 0, 0 };
  const char *titles[2] = { "left", "right" };
  double s0, x0, y0, s1, x1, y1;
  gint64 end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  BwCanvas *left, *right;

  g_assert_true (bw_test_write_jpeg (jpeg, 640, 480, 90, 2, 3, &error));
  report = bw_importer_run (importer, paths, NULL, &error);
  g_assert_no_error (error);

  gtk_window_set_default_size (GTK_WINDOW (window), 900, 500);
  gtk_window_set_child (GTK_WINDOW (window), view);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (bw_compare_view_show (BW_COMPARE_VIEW (view),
                                       bw_project_find_image_by_path (fixture->project, "real.jpg"),
                                       layers, titles, 2, &error));
  g_assert_no_error (error);
  while (!canvases_ready (BW_COMPARE_VIEW (view)) ||
         gtk_widget_get_width (GTK_WIDGET (bw_compare_view_get_canvas (BW_COMPARE_VIEW (view), 1))) == 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  left = bw_compare_view_get_canvas (BW_COMPARE_VIEW (view), 0);
  right = bw_compare_view_get_canvas (BW_COMPARE_VIEW (view), 1);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (left)), ==, gtk_widget_get_width (GTK_WIDGET (right)));

  bw_canvas_zoom_at (left, 2.0, 100, 80);
  bw_canvas_pan (left, 3, 2);
  bw_canvas_get_view (left, &s0, &x0, &y0);
  bw_canvas_get_view (right, &s1, &x1, &y1);
  g_assert_cmpfloat (s0, ==, 2.0);
  g_assert_cmpfloat_with_epsilon (s1, s0, 1e-9);
  g_assert_cmpfloat_with_epsilon (x1, x0, 1e-9);
  g_assert_cmpfloat_with_epsilon (y1, y0, 1e-9);

  /* And back: the right one leads as well. */
  bw_canvas_zoom_to_fit (right);
  g_assert_true (bw_canvas_get_fit (left));

  gtk_window_destroy (GTK_WINDOW (window));
  g_unlink (jpeg);
}

/* The Model page shows what boxwood-cli quality model prints: a model's
 * errors against the gold answers (and accepted work), its images lowest
 * F1 first, and an image opens in the project window. */
static void
test_model_page (Fixture       *fixture,
                 gconstpointer  data)
{
  const char *argv[] = { g_getenv ("BOXWOOD_CLI"), "quality", "model", fixture->path, "--json", NULL };
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) categories = bw_project_list_categories (fixture->project, &error);
  BwQualityWindow *window;
  BwModelPage *page;
  const BwModelReport *report;
  JsonObject *cli;
  JsonArray *images;
  GtkListBoxRow *row;
  gint64 model, image, layer, opened = 0;
  int status = 0;
  guint n_rows = 0;

  /* The model finds the first gold image's car and sign, calls the dog a
   * sign, and sees nothing on the second. */
  g_assert_true (bw_project_ensure_person (fixture->project, "yolo", BW_ROLE_MODEL, &model, &error));
  image = bw_project_find_image_by_path (fixture->project, "one.jpg");
  layer = add_layer (fixture->project, image, model, BW_LAYER_KIND_MODEL);
  add_box (fixture->project, layer, ((BwCategory *) categories->pdata[0])->id, 100, 100, 200, 100);
  add_box (fixture->project, layer, ((BwCategory *) categories->pdata[2])->id, 500, 400, 80, 60);
  add_box (fixture->project, layer, ((BwCategory *) categories->pdata[2])->id, 800, 50, 40, 40);

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               &out, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  cli = json_node_get_object (json_parser_get_root (parser));

  window = bw_quality_window_new (fixture->project);
  page = bw_quality_window_get_model_page (window);
  gtk_window_present (GTK_WINDOW (window));
  wait_idle (window);
  while (bw_model_page_get_busy (page) || bw_model_page_get_report (page) == NULL)
    g_main_context_iteration (NULL, TRUE);
  report = bw_model_page_get_report (page);
  g_assert_cmpstr (report->model, ==, "yolo");
  g_assert_cmpint (report->images_scored, ==, json_object_get_int_member (cli, "images"));
  g_assert_cmpint (report->counts.tp, ==, json_object_get_int_member (cli, "tp"));
  g_assert_cmpint (report->counts.fp, ==, json_object_get_int_member (cli, "fp"));
  g_assert_cmpint (report->counts.fn, ==, json_object_get_int_member (cli, "fn"));
  g_assert_cmpint (report->counts.tp, ==, 2);

  /* One row per image with an F1, in the CLI's order. */
  images = json_object_get_array_member (cli, "images_by_f1");
  for (row = gtk_list_box_get_row_at_index (bw_model_page_get_images_list (page), 0); row != NULL;
       row = gtk_list_box_get_row_at_index (bw_model_page_get_images_list (page), ++n_rows))
    {
      JsonObject *expected = json_array_get_object_element (images, n_rows);

      g_assert_cmpint (*(gint64 *) g_object_get_data (G_OBJECT (row), "bw-image-id"), ==,
                       json_object_get_int_member (expected, "image_id"));
    }
  g_assert_cmpuint (n_rows, ==, json_array_get_length (images));
  g_assert_cmpuint (n_rows, ==, 2);

  row = gtk_list_box_get_row_at_index (bw_model_page_get_images_list (page), 0);
  g_signal_connect (window, "open-image", G_CALLBACK (open_image_cb), &opened);
  g_signal_emit_by_name (row, "activate");
  g_assert_cmpint (opened, ==, bw_project_find_image_by_path (fixture->project, "two.jpg"));

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

#define ADD(path, func) \
  g_test_add ("/ui/quality-window/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("figures-equal-cli", test_figures_equal_cli);
  ADD ("threshold-recomputes", test_threshold_recomputes);
  ADD ("pipeline", test_pipeline);
  ADD ("images-behind-figures", test_images_behind_figures);
  ADD ("compare-with-gold", test_compare_with_gold);
  ADD ("compare-panes-follow", test_compare_panes_follow);
  ADD ("model-page", test_model_page);

#undef ADD

  return g_test_run ();
}
