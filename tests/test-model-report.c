/* test-model-report.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The figures are checked against an independent implementation by
 * test-model-reference.py; here, what a caller of the core relies on:
 * which answer an image is scored against, which model, the F1 of the
 * edge cases and the bound of the hard examples, and the export of the
 * reference answers of chosen images.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>

#include "bw-coco-export.h"
#include "bw-model-report.h"

typedef struct
{
  char      *dir;
  BwProject *project;
  gint64     category;
  gint64     ana;
  gint64     lead;
  gint64     model;
} Fixture;

static gint64
add_image (Fixture  *f,
           guint     index,
           gboolean  gold)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_strdup_printf ("img-%u.png", index);
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, path, -1);
  BwImage image = { .path = path, .width = 200, .height = 100, .content_hash = hash, .orientation = 1 };
  gint64 id;

  g_assert_true (bw_project_add_image (f->project, &image, &id, &error));
  g_assert_no_error (error);
  if (gold)
    g_assert_true (bw_project_set_image_gold (f->project, id, TRUE, &error));
  return id;
}

/* @n_boxes boxes 10 wide, side by side, from @first (so that layers can
 * share some boxes and not others). */
static gint64
add_layer (Fixture     *f,
           gint64       image,
           gint64       person,
           BwLayerKind  kind,
           guint        first,
           guint        n_boxes)
{
  g_autoptr(GError) error = NULL;
  gint64 layer;

  g_assert_true (bw_project_ensure_layer (f->project, image, person, kind, &layer, &error));
  for (guint k = first; k < first + n_boxes; k++)
    {
      g_autoptr(BwShape) box = bw_shape_new_box (k * 20, 0, k * 20 + 10, 10);

      g_assert_true (bw_project_add_annotation (f->project, layer, f->category, box,
                                                kind == BW_LAYER_KIND_MODEL ? BW_SOURCE_PREDICTION : BW_SOURCE_DRAWN,
                                                0.9, NULL, &error));
    }
  g_assert_no_error (error);
  return layer;
}

static gint64
add_accepted (Fixture *f,
              gint64   image,
              guint    first,
              guint    n_boxes)
{
  g_autoptr(GError) error = NULL;
  gint64 layer = add_layer (f, image, f->ana, BW_LAYER_KIND_WORK, first, n_boxes);

  g_assert_true (bw_project_submit_layer (f->project, layer, &error));
  g_assert_true (bw_project_accept_layer (f->project, layer, f->lead, NULL, NULL, &error));
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

  f->dir = g_dir_make_tmp ("bw-test-model-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "m.boxwood", NULL);
  file = g_file_new_for_path (path);
  f->project = bw_project_create (file, &error);
  g_assert_no_error (error);
  g_assert_true (bw_project_add_category (f->project, "car", "", "#3366cc", &f->category, &error));
  g_assert_true (bw_project_ensure_person (f->project, "Ana", BW_ROLE_ANNOTATOR, &f->ana, &error));
  g_assert_true (bw_project_ensure_person (f->project, "Lee", BW_ROLE_LEAD, &f->lead, &error));
  g_assert_true (bw_project_ensure_person (f->project, "yolo", BW_ROLE_MODEL, &f->model, &error));
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

static const BwModelImage *
find_image (const BwModelReport *report,
            gint64               image_id)
{
  for (guint i = 0; i < report->images->len; i++)
    {
      const BwModelImage *image = report->images->pdata[i];

      if (image->image_id == image_id)
        return image;
    }
  return NULL;
}

static void
test_reference_and_f1 (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwModelReport) report = NULL;
  g_autoptr(GArray) hard = NULL;
  gint64 gold = add_image (f, 0, TRUE);
  gint64 half = add_image (f, 1, FALSE);
  gint64 empty = add_image (f, 2, FALSE);
  gint64 only_predicted = add_image (f, 3, FALSE);
  gint64 only_answered = add_image (f, 4, FALSE);
  gint64 submitted = add_image (f, 5, FALSE);
  gint64 excluded = add_image (f, 6, FALSE);
  gint64 gold_layer;
  const BwModelImage *image;

  /* A gold image is scored against its gold answer, not the accepted
   * work: two boxes of gold, four of accepted work, the model's two
   * match the gold ones exactly. */
  gold_layer = add_layer (f, gold, f->lead, BW_LAYER_KIND_GOLD, 0, 2);
  add_accepted (f, gold, 0, 4);
  add_layer (f, gold, f->model, BW_LAYER_KIND_MODEL, 0, 2);
  /* F1 exactly 0.5: answer boxes 0, 1; predictions 1, 2. */
  add_accepted (f, half, 0, 2);
  add_layer (f, half, f->model, BW_LAYER_KIND_MODEL, 1, 2);
  /* Neither answers nor predictions. */
  add_accepted (f, empty, 0, 0);
  add_layer (f, empty, f->model, BW_LAYER_KIND_MODEL, 0, 0);
  add_accepted (f, only_predicted, 0, 0);
  add_layer (f, only_predicted, f->model, BW_LAYER_KIND_MODEL, 0, 3);
  add_accepted (f, only_answered, 0, 2);
  /* Not accepted yet: not scored, counted as unanswered. */
  g_assert_true (bw_project_submit_layer (f->project, add_layer (f, submitted, f->ana, BW_LAYER_KIND_WORK, 0, 1), &error));
  add_layer (f, submitted, f->model, BW_LAYER_KIND_MODEL, 0, 1);
  add_accepted (f, excluded, 0, 1);
  g_assert_true (bw_project_set_image_status (f->project, excluded, BW_IMAGE_STATUS_EXCLUDED, &error));
  g_assert_no_error (error);

  report = bw_model_report_compute (f->project, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (report->model, ==, "yolo");
  g_assert_cmpuint (report->images_scored, ==, 5);
  g_assert_cmpuint (report->gold_images, ==, 1);
  g_assert_cmpuint (report->predicted_images, ==, 3);
  g_assert_cmpuint (report->unanswered_images, ==, 1);
  g_assert_null (find_image (report, excluded));
  g_assert_null (find_image (report, submitted));

  image = find_image (report, gold);
  g_assert_true (image->gold);
  g_assert_cmpint (image->reference_layer_id, ==, gold_layer);
  g_assert_cmpuint (image->counts.tp, ==, 2);
  g_assert_cmpfloat (image->f1, ==, 1.0);
  image = find_image (report, half);
  g_assert_false (image->gold);
  g_assert_cmpint (image->annotator_id, ==, f->ana);
  g_assert_cmpfloat (image->f1, ==, 0.5);
  g_assert_true (isnan (find_image (report, empty)->f1));
  g_assert_cmpfloat (find_image (report, only_predicted)->f1, ==, 0.0);
  g_assert_cmpuint (find_image (report, only_predicted)->counts.fp, ==, 3);
  g_assert_cmpfloat (find_image (report, only_answered)->f1, ==, 0.0);
  g_assert_cmpuint (find_image (report, only_answered)->counts.fn, ==, 2);

  /* Lowest F1 first, the image without one last. */
  g_assert_cmpfloat (((BwModelImage *) report->images->pdata[0])->f1, ==, 0.0);
  g_assert_cmpint (((BwModelImage *) report->images->pdata[4])->image_id, ==, empty);

  /* At the bound is not below it; no F1 is never a hard example. */
  hard = bw_model_report_hard_examples (report, 0.5);
  g_assert_cmpuint (hard->len, ==, 2);
  g_assert_cmpint (g_array_index (hard, gint64, 0), ==, only_predicted);
  g_assert_cmpint (g_array_index (hard, gint64, 1), ==, only_answered);
  g_clear_pointer (&hard, g_array_unref);
  hard = bw_model_report_hard_examples (report, 1.0);
  g_assert_cmpuint (hard->len, ==, 3);
  g_clear_pointer (&hard, g_array_unref);
  hard = bw_model_report_hard_examples (report, 1.5);
  g_assert_cmpuint (hard->len, ==, 4);

  /* Ana's accepted work: 6 of her shapes are references, 3 matched. */
  g_assert_cmpuint (report->disagreements->len, ==, 1);
  g_assert_cmpuint (g_array_index (report->disagreements, BwModelDisagreement, 0).counts.tp, ==, 1);
  g_assert_cmpuint (g_array_index (report->disagreements, BwModelDisagreement, 0).counts.fp, ==, 4);
  g_assert_cmpuint (g_array_index (report->disagreements, BwModelDisagreement, 0).counts.fn, ==, 3);
}

static void
test_which_model (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwModelReport) report = NULL;
  BwModelReportOptions options;
  gint64 image = add_image (f, 0, FALSE);
  gint64 other;

  report = bw_model_report_compute (f->project, NULL, NULL, &error);
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_NOT_FOUND);
  g_assert_null (report);
  g_clear_error (&error);

  add_accepted (f, image, 0, 1);
  add_layer (f, image, f->model, BW_LAYER_KIND_MODEL, 0, 1);
  g_assert_true (bw_project_ensure_person (f->project, "rcnn", BW_ROLE_MODEL, &other, &error));
  add_layer (f, image, other, BW_LAYER_KIND_MODEL, 3, 1);

  report = bw_model_report_compute (f->project, NULL, NULL, &error);
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "rcnn, yolo"));
  g_clear_error (&error);

  bw_model_report_options_init (&options);
  options.model = "nobody";
  report = bw_model_report_compute (f->project, &options, NULL, &error);
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_NOT_FOUND);
  g_clear_error (&error);

  options.model = "RCNN";
  report = bw_model_report_compute (f->project, &options, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (report->model, ==, "rcnn");
  g_assert_cmpfloat (find_image (report, image)->f1, ==, 0.0);
  g_clear_pointer (&report, bw_model_report_free);

  options.model = "yolo";
  report = bw_model_report_compute (f->project, &options, NULL, &error);
  g_assert_cmpfloat (find_image (report, image)->f1, ==, 1.0);
}

static JsonObject *
export_reference (Fixture       *f,
                  const gint64  *ids,
                  guint          n_ids,
                  JsonParser    *parser)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->dir, "out.json", NULL);
  g_autoptr(GFile) out = g_file_new_for_path (path);
  BwCocoExportOptions options = { .status = BW_EXPORT_STATUS_REFERENCE, .image_ids = ids, .n_image_ids = n_ids };
  BwExportResult result;

  g_assert_true (bw_coco_export (f->project, out, &options, NULL, NULL, &result, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.left_out, ==, 0);
  bw_export_result_clear (&result);
  g_assert_true (json_parser_load_from_file (parser, path, &error));
  return json_node_get_object (json_parser_get_root (parser));
}

static void
test_export_reference (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  gint64 gold = add_image (f, 0, TRUE);
  gint64 accepted = add_image (f, 1, FALSE);
  gint64 submitted = add_image (f, 2, FALSE);
  gint64 ids[3];
  static const gint64 none = 0;
  JsonObject *coco;
  g_autoptr(GError) error = NULL;

  add_layer (f, gold, f->lead, BW_LAYER_KIND_GOLD, 0, 2);
  add_accepted (f, gold, 0, 5);
  add_accepted (f, accepted, 0, 3);
  g_assert_true (bw_project_submit_layer (f->project, add_layer (f, submitted, f->ana, BW_LAYER_KIND_WORK, 0, 1), &error));

  /* All three chosen: the submitted work is not a reference answer; the
   * gold image exports its gold answer, not the accepted work. */
  ids[0] = gold;
  ids[1] = accepted;
  ids[2] = submitted;
  coco = export_reference (f, ids, 3, parser);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (coco, "images")), ==, 2);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (coco, "annotations")), ==, 2 + 3);

  coco = export_reference (f, &accepted, 1, parser);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (coco, "images")), ==, 1);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (coco, "annotations")), ==, 3);

  /* An empty choice is no image, not every image. */
  coco = export_reference (f, &none, 0, parser);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (coco, "images")), ==, 0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (coco, "categories")), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/core/model-report/reference-and-f1", Fixture, NULL,
              fixture_set_up, test_reference_and_f1, fixture_tear_down);
  g_test_add ("/core/model-report/which-model", Fixture, NULL,
              fixture_set_up, test_which_model, fixture_tear_down);
  g_test_add ("/core/model-report/export-reference", Fixture, NULL,
              fixture_set_up, test_export_reference, fixture_tear_down);

  return g_test_run ();
}
