/* bw-make-review-project.c — a project from a review scenario
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   bw-make-review-project SCENARIO.json PROJECT.boxwood IDS.json
 *
 * SCENARIO.json (written by tests/test-review-reference.py):
 *   { "audit": { "rate": R, "seed": "S", "policy": "accept"|"hold" },
 *     "categories": [NAME…], "reviewer": NAME,
 *     "images": [ { "annotator": NAME, "work_seconds": T,
 *                   "shapes": [ { "category": NAME, "box": [x0, y0, x1, y1] } … ],
 *                   "passes": [ PASS… ] } … ] }
 *   PASS: { "verdicts": [ null | { "verdict": "accept"|"reject"|"fix",
 *                                  "reason": NAME|null, "comment": TEXT } … ],
 *           "layer": "accept"|"return", "reason": NAME|null,
 *           "review_seconds": T,
 *           "edit": I|null, "resubmit": B }
 *                            (after a return followed by another pass, or
 *                            with resubmit true: the annotator moves shape
 *                            I, then submits again)
 *
 * Each image is stored as "img-i.jpg" (no file). Its shapes are drawn and
 * submitted as its annotator; then each pass is applied while the work is
 * in the review queue — which the audit decides, not this program: a pass
 * of work the audit let through is left out. IDS.json gives the layer and
 * annotation ids of each image, so that the reference can draw the
 * audit itself. Only the store is used here: the figures are computed by
 * boxwood-cli.
 */

#include "config.h"

#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

#include "bw-project.h"

static gint64
reason_id (BwProject  *project,
           JsonObject *object)
{
  g_autoptr(GPtrArray) reasons = NULL;
  const char *name;

  if (!json_object_has_member (object, "reason") || json_object_get_null_member (object, "reason"))
    return 0;
  name = json_object_get_string_member (object, "reason");
  reasons = bw_project_list_rejection_reasons (project, TRUE, NULL);
  for (guint i = 0; i < reasons->len; i++)
    if (g_strcmp0 (((BwRejectionReason *) reasons->pdata[i])->name, name) == 0)
      return ((BwRejectionReason *) reasons->pdata[i])->id;
  g_error ("no rejection reason “%s”", name);
}

static gboolean
in_queue (BwProject *project,
          gint64     annotator,
          gint64     layer)
{
  g_autoptr(GPtrArray) queue = bw_project_list_review_queue (project, annotator, 0, NULL);

  for (guint i = 0; i < queue->len; i++)
    if (((BwReviewQueueItem *) queue->pdata[i])->layer_id == layer)
      return TRUE;
  return FALSE;
}

static void
check (gboolean     ok,
       GError      *error,
       const char  *what)
{
  if (!ok)
    g_error ("%s: %s", what, error ? error->message : "failed");
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(BwProject) project = NULL;
  g_autoptr(JsonBuilder) ids = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) ids_root = NULL;
  g_autoptr(GHashTable) categories = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  JsonObject *root, *audit_json;
  JsonArray *images, *names;
  BwAuditSettings audit = { TRUE, 0, 0, BW_AUDIT_POLICY_ACCEPT };
  gint64 reviewer;

  if (argc != 4)
    {
      fprintf (stderr, "usage: bw-make-review-project SCENARIO.json PROJECT.boxwood IDS.json\n");
      return 2;
    }

  check (json_parser_load_from_file (parser, argv[1], &error), error, argv[1]);
  root = json_node_get_object (json_parser_get_root (parser));
  file = g_file_new_for_commandline_arg (argv[2]);
  project = bw_project_create (file, &error);
  check (project != NULL, error, argv[2]);

  audit_json = json_object_get_object_member (root, "audit");
  audit.rate = json_object_get_double_member (audit_json, "rate");
  audit.seed = g_ascii_strtoull (json_object_get_string_member (audit_json, "seed"), NULL, 10);
  audit.policy = g_strcmp0 (json_object_get_string_member (audit_json, "policy"), "hold") == 0
                 ? BW_AUDIT_POLICY_HOLD : BW_AUDIT_POLICY_ACCEPT;
  check (bw_project_set_audit_settings (project, &audit, &error), error, "audit");

  names = json_object_get_array_member (root, "categories");
  for (guint i = 0; i < json_array_get_length (names); i++)
    {
      const char *name = json_array_get_string_element (names, i);
      gint64 id;

      check (bw_project_add_category (project, name, NULL, NULL, &id, &error), error, name);
      g_hash_table_insert (categories, (gpointer) name, g_memdup2 (&id, sizeof id));
    }
  check (bw_project_ensure_person (project, json_object_get_string_member (root, "reviewer"),
                                   BW_ROLE_REVIEWER, &reviewer, &error), error, "reviewer");

  json_builder_begin_array (ids);
  check (bw_project_begin (project, &error), error, "begin");
  images = json_object_get_array_member (root, "images");
  for (guint i = 0; i < json_array_get_length (images); i++)
    {
      JsonObject *image = json_array_get_object_element (images, i);
      JsonArray *shapes = json_object_get_array_member (image, "shapes");
      JsonArray *passes = json_object_get_array_member (image, "passes");
      g_autofree char *path = g_strdup_printf ("img-%u.jpg", i);
      g_autofree gint64 *annotation_ids = g_new0 (gint64, MAX (json_array_get_length (shapes), 1));
      BwImage row = { 0 };
      gint64 image_id, annotator, layer;

      row.path = path;
      row.width = 1000;
      row.height = 800;
      row.content_hash = path;
      check (bw_project_add_image (project, &row, &image_id, &error), error, path);
      check (bw_project_ensure_person (project, json_object_get_string_member (image, "annotator"),
                                       BW_ROLE_ANNOTATOR, &annotator, &error), error, "annotator");
      check (bw_project_ensure_layer (project, image_id, annotator, BW_LAYER_KIND_WORK, &layer, &error),
             error, "layer");

      for (guint k = 0; k < json_array_get_length (shapes); k++)
        {
          JsonObject *shape = json_array_get_object_element (shapes, k);
          JsonArray *b = json_object_get_array_member (shape, "box");
          g_autoptr(BwShape) box = bw_shape_new_box (json_array_get_double_element (b, 0),
                                                     json_array_get_double_element (b, 1),
                                                     json_array_get_double_element (b, 2),
                                                     json_array_get_double_element (b, 3));
          gint64 *category = g_hash_table_lookup (categories, json_object_get_string_member (shape, "category"));

          check (bw_project_add_annotation (project, layer, *category, box, BW_SOURCE_DRAWN, 1.0,
                                            &annotation_ids[k], &error), error, "shape");
        }
      check (bw_project_add_work_time (project, image_id, annotator, BW_TASK_ANNOTATE,
                                       json_object_get_double_member (image, "work_seconds"), &error),
             error, "work time");
      check (bw_project_submit_layer (project, layer, &error), error, "submit");

      for (guint p = 0; p < json_array_get_length (passes); p++)
        {
          JsonObject *pass = json_array_get_object_element (passes, p);
          JsonArray *verdicts = json_object_get_array_member (pass, "verdicts");
          const char *comment;

          if (!in_queue (project, annotator, layer))
            break;

          for (guint k = 0; k < json_array_get_length (verdicts); k++)
            {
              JsonObject *v;
              const char *verdict;

              if (json_array_get_null_element (verdicts, k))
                continue;
              v = json_array_get_object_element (verdicts, k);
              verdict = json_object_get_string_member (v, "verdict");
              comment = json_object_get_string_member (v, "comment");
              if (strcmp (verdict, "fix") == 0)
                {
                  g_autoptr(BwAnnotation) a = bw_project_get_annotation (project, annotation_ids[k], &error);
                  g_autoptr(BwShape) fixed = NULL;

                  check (a != NULL, error, "annotation");
                  fixed = bw_shape_new_box (a->shape->bbox.x0 + 1, a->shape->bbox.y0 + 1,
                                            a->shape->bbox.x1 + 1, a->shape->bbox.y1 + 1);
                  check (bw_project_fix_annotation (project, annotation_ids[k], reviewer, fixed, 0,
                                                    reason_id (project, v), comment, NULL, &error),
                         error, "fix");
                }
              else
                check (bw_project_review_annotation (project, annotation_ids[k], reviewer,
                                                     strcmp (verdict, "reject") == 0 ? BW_VERDICT_REJECT
                                                                                     : BW_VERDICT_ACCEPT,
                                                     reason_id (project, v), comment, NULL, &error),
                       error, verdict);
            }

          check (bw_project_add_work_time (project, image_id, reviewer, BW_TASK_REVIEW,
                                           json_object_get_double_member (pass, "review_seconds"), &error),
                 error, "review time");

          if (strcmp (json_object_get_string_member (pass, "layer"), "accept") == 0)
            {
              check (bw_project_accept_layer (project, layer, reviewer, NULL, NULL, &error), error, "accept");
              break;
            }

          check (bw_project_return_layer (project, layer, reviewer, reason_id (project, pass),
                                          NULL, NULL, &error), error, "return");
          if (p + 1 < json_array_get_length (passes) || json_object_get_boolean_member (pass, "resubmit"))
            {
              if (!json_object_get_null_member (pass, "edit"))
                {
                  gint64 k = json_object_get_int_member (pass, "edit");
                  g_autoptr(BwAnnotation) a = bw_project_get_annotation (project, annotation_ids[k], &error);
                  g_autoptr(BwShape) moved = NULL;

                  check (a != NULL, error, "annotation");
                  moved = bw_shape_new_box (a->shape->bbox.x0, a->shape->bbox.y0,
                                            a->shape->bbox.x1 - 1, a->shape->bbox.y1 - 1);
                  check (bw_project_update_annotation_shape (project, annotation_ids[k], moved, &error),
                         error, "edit");
                }
              check (bw_project_submit_layer (project, layer, &error), error, "resubmit");
            }
        }

      json_builder_begin_object (ids);
      json_builder_set_member_name (ids, "image_id");
      json_builder_add_int_value (ids, image_id);
      json_builder_set_member_name (ids, "layer_id");
      json_builder_add_int_value (ids, layer);
      json_builder_set_member_name (ids, "annotations");
      json_builder_begin_array (ids);
      for (guint k = 0; k < json_array_get_length (shapes); k++)
        json_builder_add_int_value (ids, annotation_ids[k]);
      json_builder_end_array (ids);
      json_builder_end_object (ids);
    }
  check (bw_project_commit (project, &error), error, "commit");
  json_builder_end_array (ids);

  ids_root = json_builder_get_root (ids);
  json_generator_set_root (generator, ids_root);
  check (json_generator_to_file (generator, argv[3], &error), error, argv[3]);
  return 0;
}
