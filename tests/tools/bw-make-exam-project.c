/* bw-make-exam-project.c — a project of exam attempts, for the exam tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   bw-make-exam-project CASES.json PROJECT.boxwood
 *
 * CASES.json (written by tests/test-exam-reference.py):
 *   { "categories": [NAME…],
 *     "images": [ { "width": W, "height": H, "gold": [SHAPE…] } ],
 *     "exam": { "name": N, "min_f1": F, "min_accuracy": A, "iou": T,
 *               "max_attempts": M,
 *               "thresholds": [ { "category": NAME, "min_f1": F, "min_accuracy": A } ] },
 *     "attempts": [ { "person": NAME, "answers": [[SHAPE…] per image] } ] }
 *   SHAPE: { "category": NAME, "box": [x0, y0, x1, y1] }
 *       or { "category": NAME, "polygon": [[x, y, x, y, …], …] }  (parts)
 *
 * Every image is a gold image with the given answer; the exam is all of
 * them, required of everyone. Each attempt is started, answered image by
 * image and handed in through the store, as the app does; an attempt the
 * store refuses (the limit, or a pass before) prints "refused INDEX" on
 * standard output. The scores are computed by the store; the test reads
 * them with boxwood-cli exam results.
 */

#include "config.h"

#include <json-glib/json-glib.h>
#include <stdio.h>

#include "bw-project-exams.h"
#include "bw-project.h"

static BwShape *
shape_from_json (JsonObject *object)
{
  JsonArray *parts;
  BwShape *shape = NULL;

  if (json_object_has_member (object, "box"))
    {
      JsonArray *box = json_object_get_array_member (object, "box");

      return bw_shape_new_box (json_array_get_double_element (box, 0),
                               json_array_get_double_element (box, 1),
                               json_array_get_double_element (box, 2),
                               json_array_get_double_element (box, 3));
    }

  parts = json_object_get_array_member (object, "polygon");
  for (guint p = 0; p < json_array_get_length (parts); p++)
    {
      JsonArray *flat = json_array_get_array_element (parts, p);
      guint n = json_array_get_length (flat) / 2;
      g_autofree BwPoint *points = g_new (BwPoint, n);

      for (guint k = 0; k < n; k++)
        {
          points[k].x = json_array_get_double_element (flat, 2 * k);
          points[k].y = json_array_get_double_element (flat, 2 * k + 1);
        }
      if (shape == NULL)
        shape = bw_shape_new_polygon (points, n);
      else
        bw_shape_add_part (shape, points, n);
    }
  return shape;
}

static gboolean
add_shapes (BwProject   *project,
            gint64       layer_id,
            JsonArray   *shapes,
            GHashTable  *categories,
            GError     **error)
{
  for (guint s = 0; s < json_array_get_length (shapes); s++)
    {
      JsonObject *object = json_array_get_object_element (shapes, s);
      g_autoptr(BwShape) shape = shape_from_json (object);
      gint64 category = GPOINTER_TO_SIZE (g_hash_table_lookup (categories,
                                                               json_object_get_string_member (object, "category")));

      if (!bw_project_add_annotation (project, layer_id, category, shape, BW_SOURCE_DRAWN, 1.0, NULL, error))
        return FALSE;
    }
  return TRUE;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(BwProject) project = NULL;
  g_autoptr(GHashTable) categories = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) people = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(BwExam) exam = NULL;
  g_autoptr(GArray) images = g_array_new (FALSE, FALSE, sizeof (gint64));
  JsonObject *root, *spec;
  JsonArray *array;
  gint64 lead, exam_id;

  if (argc != 3)
    {
      g_printerr ("usage: %s CASES.json PROJECT.boxwood\n", argv[0]);
      return 2;
    }

  if (!json_parser_load_from_file (parser, argv[1], &error))
    goto fail;
  root = json_node_get_object (json_parser_get_root (parser));

  file = g_file_new_for_commandline_arg (argv[2]);
  project = bw_project_create (file, &error);
  if (project == NULL || !bw_project_begin (project, &error) ||
      !bw_project_ensure_person (project, "Lead", BW_ROLE_LEAD, &lead, &error))
    goto fail;

  array = json_object_get_array_member (root, "categories");
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      const char *name = json_array_get_string_element (array, i);
      gint64 id;

      if (!bw_project_add_category (project, name, "", "#3366cc", &id, &error))
        goto fail;
      g_hash_table_insert (categories, (gpointer) name, GSIZE_TO_POINTER (id));
    }

  array = json_object_get_array_member (root, "images");
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *case_object = json_array_get_object_element (array, i);
      g_autofree char *path = g_strdup_printf ("exam-%u.png", i);
      g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, path, -1);
      BwImage image = { 0, };
      gint64 image_id, layer_id;

      image.path = path;
      image.width = json_object_get_int_member (case_object, "width");
      image.height = json_object_get_int_member (case_object, "height");
      image.content_hash = hash;
      image.orientation = 1;
      if (!bw_project_add_image (project, &image, &image_id, &error) ||
          !bw_project_set_image_gold (project, image_id, TRUE, &error) ||
          !bw_project_ensure_layer (project, image_id, lead, BW_LAYER_KIND_GOLD, &layer_id, &error) ||
          !add_shapes (project, layer_id, json_object_get_array_member (case_object, "gold"), categories, &error))
        goto fail;
      g_array_append_val (images, image_id);
    }

  spec = json_object_get_object_member (root, "exam");
  exam = bw_exam_new (json_object_get_string_member (spec, "name"));
  g_array_append_vals (exam->image_ids, images->data, images->len);
  exam->min_f1 = json_object_get_double_member (spec, "min_f1");
  exam->min_accuracy = json_object_get_double_member (spec, "min_accuracy");
  exam->iou_threshold = json_object_get_double_member (spec, "iou");
  exam->max_attempts = (int) json_object_get_int_member (spec, "max_attempts");
  exam->required = BW_EXAM_REQUIRED_OF_ALL;
  array = json_object_get_array_member (spec, "thresholds");
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *t = json_array_get_object_element (array, i);
      BwExamThreshold threshold = {
        GPOINTER_TO_SIZE (g_hash_table_lookup (categories, json_object_get_string_member (t, "category"))),
        json_object_get_double_member (t, "min_f1"),
        json_object_get_double_member (t, "min_accuracy"),
      };

      g_array_append_val (exam->thresholds, threshold);
    }
  if (!bw_project_add_exam (project, exam, lead, &exam_id, &error) ||
      !bw_project_commit (project, &error))
    goto fail;

  array = json_object_get_array_member (root, "attempts");
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *attempt = json_array_get_object_element (array, i);
      const char *name = json_object_get_string_member (attempt, "person");
      JsonArray *answers = json_object_get_array_member (attempt, "answers");
      g_autoptr(GError) refused = NULL;
      gint64 person = GPOINTER_TO_SIZE (g_hash_table_lookup (people, name));
      gint64 attempt_id;

      if (person == 0)
        {
          if (!bw_project_ensure_person (project, name, BW_ROLE_ANNOTATOR, &person, &error))
            goto fail;
          g_hash_table_insert (people, (gpointer) name, GSIZE_TO_POINTER (person));
        }

      if (!bw_project_start_exam_attempt (project, exam_id, person, &attempt_id, &refused))
        {
          printf ("refused %u\n", i);
          continue;
        }
      for (guint k = 0; k < images->len; k++)
        {
          gint64 image_id = g_array_index (images, gint64, k);
          gint64 layer_id;

          if (!bw_project_begin (project, &error) ||
              !bw_project_ensure_exam_layer (project, attempt_id, image_id, &layer_id, &error) ||
              !add_shapes (project, layer_id, json_array_get_array_element (answers, k), categories, &error) ||
              !bw_project_submit_exam_image (project, attempt_id, image_id, NULL, &error) ||
              !bw_project_commit (project, &error))
            goto fail;
        }
    }

  return 0;

fail:
  g_printerr ("%s: %s\n", argv[0], error->message);
  return 1;
}
