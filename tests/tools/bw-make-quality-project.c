/* bw-make-quality-project.c — a project from quality test cases
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   bw-make-quality-project CASES.json PROJECT.boxwood
 *
 * CASES.json (written by tests/quality_reference.py):
 *   { "categories": [NAME…], "people": [NAME…],
 *     "images": [ { "width": W, "height": H,
 *                   "gold": [SHAPE…] or null,
 *                   "work": { PERSON: [SHAPE…] },
 *                   "in_progress": { PERSON: [SHAPE…] },
 *                   "accepted": PERSON (optional),
 *                   "model": [SHAPE…] (optional),
 *                   "round": R (optional) } ],
 *     "rounds": [ { "name": NAME, "people": [PERSON…] } ] (optional) }
 *   SHAPE: { "category": NAME, "box": [x0, y0, x1, y1] }
 *       or { "category": NAME, "polygon": [[x, y, x, y, …], …] }  (parts)
 *
 * Image i is stored as "case-i.png" (no file: the figures never open it).
 * A gold image gets a gold layer; "work" layers are submitted,
 * "in_progress" ones are left in progress. "accepted" names the person
 * whose work a lead ("Lead") accepted; "model" shapes are the predictions
 * of the model "detector" (score 0.9), in a model layer. The images of
 * calibration round R (index into "rounds") must follow each other, and
 * come before every image of no round; the round takes exactly them. Only the store
 * is used here:
 * the figures are computed by boxwood-cli quality.
 */

#include "config.h"

#include <json-glib/json-glib.h>

#include "bw-calibration.h"
#include "bw-project.h"

static BwShape *
shape_from_json (JsonObject *object)
{
  if (json_object_has_member (object, "box"))
    {
      JsonArray *box = json_object_get_array_member (object, "box");

      return bw_shape_new_box (json_array_get_double_element (box, 0),
                               json_array_get_double_element (box, 1),
                               json_array_get_double_element (box, 2),
                               json_array_get_double_element (box, 3));
    }
  else
    {
      JsonArray *parts = json_object_get_array_member (object, "polygon");
      BwShape *shape = NULL;

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
}

static gboolean
add_layer (BwProject    *project,
           gint64        image_id,
           gint64        person_id,
           BwLayerKind   kind,
           JsonArray    *shapes,
           GHashTable   *categories,
           gboolean      submit,
           gint64       *out_layer_id,
           GError      **error)
{
  gint64 layer_id;
  gboolean model = kind == BW_LAYER_KIND_MODEL;

  if (!bw_project_ensure_layer (project, image_id, person_id, kind, &layer_id, error))
    return FALSE;
  if (out_layer_id != NULL)
    *out_layer_id = layer_id;

  for (guint s = 0; s < json_array_get_length (shapes); s++)
    {
      JsonObject *object = json_array_get_object_element (shapes, s);
      g_autoptr(BwShape) shape = shape_from_json (object);
      gint64 category = GPOINTER_TO_SIZE (g_hash_table_lookup (categories,
                                                               json_object_get_string_member (object, "category")));

      if (!bw_project_add_annotation (project, layer_id, category, shape,
                                      model ? BW_SOURCE_PREDICTION : BW_SOURCE_IMPORTED,
                                      model ? 0.9 : 1.0, NULL, error))
        return FALSE;
    }

  return !submit || bw_project_submit_layer (project, layer_id, error);
}

/* Starts the round @round describes ("name", "people") over the images
 * nobody has started: the @n_images just added. */
static gboolean
start_round (BwProject   *project,
             JsonObject  *round,
             GHashTable  *people,
             guint        n_images,
             GError     **error)
{
  JsonArray *names = json_object_get_array_member (round, "people");
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint p = 0; p < json_array_get_length (names); p++)
    {
      gint64 id = GPOINTER_TO_SIZE (g_hash_table_lookup (people, json_array_get_string_element (names, p)));

      g_array_append_val (ids, id);
    }
  return bw_project_start_calibration_round (project, json_object_get_string_member (round, "name"), 0,
                                             n_images, 1, (const gint64 *) (gpointer) ids->data, ids->len,
                                             NULL, error);
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
  JsonObject *root;
  JsonArray *array;
  gint64 lead_id, model_id;
  g_autofree gint64 *image_ids = NULL;
  gint64 open_round = -1;
  guint round_images = 0;

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
  if (project == NULL || !bw_project_begin (project, &error))
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

  array = json_object_get_array_member (root, "people");
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      const char *name = json_array_get_string_element (array, i);
      gint64 id;

      if (!bw_project_ensure_person (project, name, BW_ROLE_ANNOTATOR, &id, &error))
        goto fail;
      g_hash_table_insert (people, (gpointer) name, GSIZE_TO_POINTER (id));
    }

  if (!bw_project_ensure_person (project, "Lead", BW_ROLE_LEAD, &lead_id, &error) ||
      !bw_project_ensure_person (project, "detector", BW_ROLE_MODEL, &model_id, &error))
    goto fail;

  /* The images first; a calibration round starts once its images are
   * in (and before anyone's work), so that it draws exactly them. */
  array = json_object_get_array_member (root, "images");
  image_ids = g_new0 (gint64, json_array_get_length (array) + 1);
  for (guint i = 0; i <= json_array_get_length (array); i++)
    {
      JsonObject *case_object = i < json_array_get_length (array) ? json_array_get_object_element (array, i) : NULL;
      gint64 round = case_object != NULL && json_object_has_member (case_object, "round")
                     ? json_object_get_int_member (case_object, "round") : -1;
      g_autofree char *path = g_strdup_printf ("case-%u.png", i);
      g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, path, -1);
      BwImage image = { 0, };

      if (round != open_round)
        {
          if (open_round >= 0 &&
              !start_round (project, json_array_get_object_element (json_object_get_array_member (root, "rounds"),
                                                                     open_round),
                            people, round_images, &error))
            goto fail;
          open_round = round;
          round_images = 0;
        }
      if (case_object == NULL)
        break;
      if (round >= 0)
        round_images++;

      image.path = path;
      image.width = json_object_get_int_member (case_object, "width");
      image.height = json_object_get_int_member (case_object, "height");
      image.content_hash = hash;
      image.orientation = 1;
      if (!bw_project_add_image (project, &image, &image_ids[i], &error))
        goto fail;
    }

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *case_object = json_array_get_object_element (array, i);
      gint64 image_id = image_ids[i];
      const char *groups[] = { "work", "in_progress" };

      if (!json_object_get_null_member (case_object, "gold"))
        {
          if (!bw_project_set_image_gold (project, image_id, TRUE, &error) ||
              !add_layer (project, image_id, 0, BW_LAYER_KIND_GOLD,
                          json_object_get_array_member (case_object, "gold"),
                          categories, FALSE, NULL, &error))
            goto fail;
        }

      if (json_object_has_member (case_object, "model") &&
          !add_layer (project, image_id, model_id, BW_LAYER_KIND_MODEL,
                      json_object_get_array_member (case_object, "model"),
                      categories, FALSE, NULL, &error))
        goto fail;

      for (guint g = 0; g < G_N_ELEMENTS (groups); g++)
        {
          JsonObject *work = json_object_get_object_member (case_object, groups[g]);
          g_autoptr(GList) names = work != NULL ? json_object_get_members (work) : NULL;

          for (GList *l = names; l != NULL; l = l->next)
            {
              gint64 person = GPOINTER_TO_SIZE (g_hash_table_lookup (people, l->data));
              gint64 layer_id;

              if (!add_layer (project, image_id, person, BW_LAYER_KIND_WORK,
                              json_object_get_array_member (work, l->data),
                              categories, g == 0, &layer_id, &error))
                goto fail;
              if (g == 0 && json_object_has_member (case_object, "accepted") &&
                  g_strcmp0 (json_object_get_string_member (case_object, "accepted"), l->data) == 0 &&
                  !bw_project_accept_layer (project, layer_id, lead_id, NULL, NULL, &error))
                goto fail;
            }
        }
    }

  if (!bw_project_commit (project, &error))
    goto fail;
  return 0;

fail:
  g_printerr ("%s: %s\n", argv[0], error->message);
  return 1;
}
