/* test-review.c — the review workflow of the store: migration from
 * schema 1, annotation versions, assignments, reviews, rejection reasons,
 * work time and random audits
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "bw-coco-export.h"
#include "bw-project.h"

typedef struct
{
  char  *dir;
  GFile *file;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->dir = g_dir_make_tmp ("bw-test-review-XXXXXX", NULL);
  g_assert_nonnull (f->dir);
  f->file = g_file_new_build_filename (f->dir, "p.boxwood", NULL);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          if (g_file_test (child, G_FILE_TEST_IS_DIR))
            remove_tree (child);
          else
            g_unlink (child);
        }
    }
  g_rmdir (path);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  remove_tree (f->dir);
  g_free (f->dir);
  g_object_unref (f->file);
}

static BwImage
fake_image (const char *path)
{
  BwImage image = { 0 };

  image.path = (char *) path;
  image.width = 640;
  image.height = 480;
  image.content_hash = (char *) path;
  return image;
}

static BwImageStatus
image_status (BwProject *project,
              gint64     image_id)
{
  g_autoptr(BwImage) image = bw_project_get_image (project, image_id, NULL);

  g_assert_nonnull (image);
  return image->status;
}

static BwLayerStatus
layer_status (BwProject *project,
              gint64     layer_id)
{
  g_autoptr(BwLayer) layer = bw_project_get_layer (project, layer_id, NULL);

  g_assert_nonnull (layer);
  return layer->status;
}

static BwAssignmentStatus
assignment_status (BwProject *project,
                   gint64     image_id,
                   gint64     person_id,
                   BwTask     task)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwAssignment) a = bw_project_get_assignment (project, image_id, person_id, task, &error);

  g_assert_no_error (error);
  g_assert_nonnull (a);
  return a->status;
}

static gint64
find_reason (BwProject  *project,
             const char *name)
{
  g_autoptr(GPtrArray) reasons = bw_project_list_rejection_reasons (project, TRUE, NULL);

  for (guint i = 0; i < reasons->len; i++)
    {
      BwRejectionReason *r = reasons->pdata[i];

      if (g_strcmp0 (r->name, name) == 0)
        return r->id;
    }
  return 0;
}

/* The migration from schema 1 */

static BwProject *
open_v1_copy (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *fixture = g_test_build_filename (G_TEST_DIST, "data", "project-v1.boxwood", NULL);
  g_autoptr(GFile) source = g_file_new_for_path (fixture);
  BwProject *project;

  g_assert_true (g_file_copy (source, f->file, G_FILE_COPY_NONE, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  project = bw_project_open (f->file, &error);
  g_assert_no_error (error);
  g_assert_nonnull (project);
  return project;
}

static const BwReview *
review_with_id (GPtrArray *reviews,
                gint64     id)
{
  for (guint i = 0; i < reviews->len; i++)
    if (((BwReview *) reviews->pdata[i])->id == id)
      return reviews->pdata[i];
  return NULL;
}

static void
test_migrate_from_v1 (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(BwProject) project = open_v1_copy (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) reviews1 = NULL;
  g_autoptr(GPtrArray) reviews2 = NULL;
  g_autoptr(GPtrArray) reasons = NULL;
  g_autoptr(GPtrArray) queue = NULL;
  g_autoptr(GPtrArray) model = NULL;
  g_autoptr(BwLayer) gold = NULL;
  g_autoptr(BwLayer) model_layer = NULL;
  g_autofree char *note = NULL;
  BwProjectCounts counts;
  const BwReview *r;
  static const BwImageStatus expected[24] = {
    BW_IMAGE_STATUS_ACCEPTED, BW_IMAGE_STATUS_RETURNED,
    BW_IMAGE_STATUS_SUBMITTED, BW_IMAGE_STATUS_SUBMITTED,
    BW_IMAGE_STATUS_IN_PROGRESS, BW_IMAGE_STATUS_IN_PROGRESS,
    BW_IMAGE_STATUS_IN_PROGRESS, BW_IMAGE_STATUS_IN_PROGRESS,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    BW_IMAGE_STATUS_EXCLUDED, BW_IMAGE_STATUS_GOLD,
  };

  /* Every row is still there. */
  g_assert_true (bw_project_get_counts (project, &counts, &error));
  g_assert_cmpint (counts.images, ==, 24);
  g_assert_cmpint (counts.categories, ==, 5);
  g_assert_cmpint (counts.annotations, ==, 25);
  g_assert_cmpint (counts.people, ==, 4);
  g_assert_cmpint (counts.layers, ==, 10);
  note = bw_project_get_setting (project, "fixture-note");
  g_assert_cmpstr (note, ==, "made by Boxwood 0.1.0, schema 1");

  for (gint64 id = 1; id <= 24; id++)
    g_assert_cmpint (image_status (project, id), ==, expected[id - 1]);
  g_assert_cmpint (counts.images_by_status[BW_IMAGE_STATUS_GOLD], ==, 1);
  g_assert_cmpint (counts.images_by_status[BW_IMAGE_STATUS_NEW], ==, 14);

  /* Layers keep their status; each annotator layer became an assignment
   * of its person (Alex 1, Sam 2); the reviewer (Rosa 3) has hers. */
  g_assert_cmpint (layer_status (project, 1), ==, BW_LAYER_STATUS_ACCEPTED);
  g_assert_cmpint (layer_status (project, 2), ==, BW_LAYER_STATUS_REJECTED);
  g_assert_cmpint (assignment_status (project, 1, 1, BW_TASK_ANNOTATE), ==, BW_ASSIGNMENT_ACCEPTED);
  g_assert_cmpint (assignment_status (project, 2, 2, BW_TASK_ANNOTATE), ==, BW_ASSIGNMENT_RETURNED);
  g_assert_cmpint (assignment_status (project, 3, 1, BW_TASK_ANNOTATE), ==, BW_ASSIGNMENT_SUBMITTED);
  g_assert_cmpint (assignment_status (project, 4, 2, BW_TASK_ANNOTATE), ==, BW_ASSIGNMENT_SUBMITTED);
  for (gint64 image = 5; image <= 8; image++)
    g_assert_cmpint (assignment_status (project, image, image % 2 ? 1 : 2, BW_TASK_ANNOTATE),
                     ==, BW_ASSIGNMENT_IN_PROGRESS);
  g_assert_cmpint (assignment_status (project, 1, 3, BW_TASK_REVIEW), ==, BW_ASSIGNMENT_ACCEPTED);
  g_assert_cmpint (assignment_status (project, 2, 3, BW_TASK_REVIEW), ==, BW_ASSIGNMENT_RETURNED);
  {
    g_autoptr(BwAssignment) a = bw_project_get_assignment (project, 3, 1, BW_TASK_ANNOTATE, NULL);

    g_assert_cmpint (a->submissions, ==, 1);
    g_assert_cmpint (a->layer_id, ==, 3);
    g_assert_cmpint (a->submitted_at, >, 0);
    g_assert_cmpint (a->finished_at, ==, 0);
  }

  /* Gold and model layers stay, without assignments. */
  gold = bw_project_get_layer (project, 9, &error);
  g_assert_cmpint (gold->kind, ==, BW_LAYER_KIND_GOLD);
  g_assert_cmpint (gold->image_id, ==, 24);
  model_layer = bw_project_get_layer (project, 10, &error);
  g_assert_cmpint (model_layer->kind, ==, BW_LAYER_KIND_MODEL);
  model = bw_project_list_annotations (project, 10, &error);
  g_assert_cmpuint (model->len, ==, 1);
  g_assert_cmpfloat (((BwAnnotation *) model->pdata[0])->score, ==, 0.87);
  g_assert_cmpint (((BwAnnotation *) model->pdata[0])->source, ==, BW_SOURCE_PREDICTION);
  g_assert_null (bw_project_get_assignment (project, 24, 3, BW_TASK_ANNOTATE, &error));
  g_assert_no_error (error);

  /* The default reasons, with keys 1–8. */
  reasons = bw_project_list_rejection_reasons (project, FALSE, &error);
  g_assert_cmpuint (reasons->len, ==, 8);
  g_assert_cmpstr (((BwRejectionReason *) reasons->pdata[0])->name, ==, "Missed object");
  g_assert_cmpint (((BwRejectionReason *) reasons->pdata[0])->hotkey, ==, 1);
  g_assert_cmpstr (((BwRejectionReason *) reasons->pdata[7])->name, ==, "Other");
  g_assert_cmpint (((BwRejectionReason *) reasons->pdata[7])->hotkey, ==, 8);

  /* Old reviews: decisions became verdicts, the enum reasons the named
   * ones, annotations are judged at version 1. */
  reviews1 = bw_project_list_reviews_for_layer (project, 1, &error);
  g_assert_cmpuint (reviews1->len, ==, 1);
  r = review_with_id (reviews1, 1);
  g_assert_cmpint (r->verdict, ==, BW_VERDICT_ACCEPT);
  g_assert_cmpint (r->annotation_id, ==, 0);
  g_assert_cmpint (r->reviewer_id, ==, 3);
  g_assert_cmpint (r->reason_id, ==, 0);

  reviews2 = bw_project_list_reviews_for_layer (project, 2, &error);
  g_assert_cmpuint (reviews2->len, ==, 2);
  r = review_with_id (reviews2, 2);
  g_assert_cmpint (r->verdict, ==, BW_VERDICT_REJECT);
  g_assert_cmpint (r->annotation_id, ==, 4);
  g_assert_cmpint (r->annotation_version, ==, 1);
  g_assert_cmpint (r->reason_id, ==, find_reason (project, "Box too loose"));
  g_assert_cmpstr (r->comment, ==, "box is loose on the left");
  r = review_with_id (reviews2, 3);
  g_assert_cmpint (r->verdict, ==, BW_VERDICT_REJECT);
  g_assert_cmpint (r->annotation_id, ==, 0);
  g_assert_cmpint (r->reason_id, ==, find_reason (project, "Missed object"));
  g_assert_cmpstr (r->comment, ==, "a dog is missing");

  {
    g_autoptr(BwAnnotation) judged = bw_project_get_annotation_version (project, 4, 1, &error);

    g_assert_no_error (error);
    g_assert_cmpint (judged->layer_id, ==, 2);
  }

  /* The two submitted layers wait for review, oldest first. */
  queue = bw_project_list_review_queue (project, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (queue->len, ==, 2);
  g_assert_cmpint (((BwReviewQueueItem *) queue->pdata[0])->layer_id, ==, 3);
  g_assert_cmpint (((BwReviewQueueItem *) queue->pdata[1])->layer_id, ==, 4);
  g_assert_cmpstr (((BwReviewQueueItem *) queue->pdata[0])->annotator, ==, "Alex Moreau");
  g_assert_cmpuint (((BwReviewQueueItem *) queue->pdata[0])->n_annotations, ==, 2);
  g_assert_false (((BwReviewQueueItem *) queue->pdata[0])->audited);
}

/* What the rest of the store does works on a migrated file. */
static void
test_migrated_file_works (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(BwProject) project = open_v1_copy (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) own = NULL;
  g_autoptr(GArray) work = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(BwShape) box = bw_shape_new_box (10, 10, 60, 40);
  g_autoptr(GFile) out = g_file_new_build_filename (f->dir, "out.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  BwCocoExportOptions options = { .status = BW_EXPORT_STATUS_ACCEPTED };
  BwExportResult result = { 0 };
  BwImage img = fake_image ("images/new.jpg");
  gint64 image_id, ann, restored_id, rosa = 3, sam = 2;
  g_autoptr(BwAnnotation) deleted = NULL;

  /* Sam's queue: his returned image first, then his in progress (6, 8),
   * then the new images. */
  work = bw_project_list_work_queue (project, sam, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (work->len, ==, 3 + 14);
  g_assert_cmpint (g_array_index (work, gint64, 0), ==, 2);
  g_assert_cmpint (g_array_index (work, gint64, 1), ==, 6);
  g_assert_cmpint (g_array_index (work, gint64, 2), ==, 8);
  g_assert_cmpint (g_array_index (work, gint64, 3), ==, 9);

  /* New annotations never take an old id; the returned layer is worked
   * on again. */
  g_assert_true (bw_project_add_image (project, &img, &image_id, &error));
  g_assert_cmpint (image_id, ==, 25);
  g_assert_true (bw_project_add_annotation (project, 2, 1, box, BW_SOURCE_DRAWN, 1.0, &ann, &error));
  g_assert_no_error (error);
  g_assert_cmpint (ann, ==, 26);
  g_assert_cmpint (image_status (project, 2), ==, BW_IMAGE_STATUS_IN_PROGRESS);
  g_assert_cmpint (layer_status (project, 2), ==, BW_LAYER_STATUS_IN_PROGRESS);

  deleted = bw_project_get_annotation (project, 5, &error);
  g_assert_true (bw_project_delete_annotation (project, 5, &error));
  g_assert_true (bw_project_restore_annotation (project, deleted, &error));
  g_assert_no_error (error);
  restored_id = deleted->id;
  g_clear_pointer (&deleted, bw_annotation_free);
  deleted = bw_project_get_annotation (project, restored_id, &error);
  g_assert_cmpint (deleted->version, ==, 2);

  g_assert_true (bw_project_submit_layer (project, 2, &error));
  g_assert_no_error (error);
  g_assert_cmpint (image_status (project, 2), ==, BW_IMAGE_STATUS_SUBMITTED);
  {
    g_autoptr(BwAssignment) a = bw_project_get_assignment (project, 2, sam, BW_TASK_ANNOTATE, NULL);

    g_assert_cmpint (a->submissions, ==, 2);
  }
  g_assert_true (bw_project_accept_layer (project, 2, rosa, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (image_status (project, 2), ==, BW_IMAGE_STATUS_ACCEPTED);

  /* The taxonomy: merging categories carries the migrated annotations. */
  g_assert_true (bw_project_merge_category (project, 4, 1, &error));
  g_assert_no_error (error);
  own = bw_project_list_annotations (project, 2, &error);
  for (guint i = 0; i < own->len; i++)
    g_assert_cmpint (((BwAnnotation *) own->pdata[i])->category_id, !=, 4);

  ids = bw_project_list_image_ids (project, BW_IMAGE_STATUS_ACCEPTED, NULL, &error);
  g_assert_cmpuint (ids->len, ==, 2);

  /* An export of the accepted answers: images 1 and 2; the gold image's
   * gold answer only in an export of the gold answers. */
  g_assert_true (bw_coco_export (project, out, &options, NULL, NULL, &result, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.images, ==, 2);
  bw_export_result_clear (&result);
  options.status = BW_EXPORT_STATUS_GOLD;
  g_assert_true (bw_coco_export (project, out, &options, NULL, NULL, &result, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.images, ==, 1);
  bw_export_result_clear (&result);
  {
    g_autofree char *path = g_file_get_path (out);

    g_assert_true (json_parser_load_from_file (parser, path, &error));
    g_assert_no_error (error);
  }
}

/* Annotation versions */

static void
test_versions (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(BwProject) project = bw_project_create (f->file, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(BwShape) a = bw_shape_new_box (10, 10, 50, 40);
  g_autoptr(BwShape) b = bw_shape_new_box (12, 10, 52, 44);
  g_autoptr(BwAnnotation) now = NULL;
  g_autoptr(BwAnnotation) v1 = NULL;
  g_autoptr(BwAnnotation) v2 = NULL;
  g_autoptr(BwAnnotation) last = NULL;
  BwImage img = fake_image ("a.jpg");
  gint64 image_id, ana, layer, car, dog, id, id2, id3;

  g_assert_true (bw_project_add_image (project, &img, &image_id, NULL));
  g_assert_true (bw_project_ensure_person (project, "Ana", BW_ROLE_ANNOTATOR, &ana, NULL));
  g_assert_true (bw_project_ensure_layer (project, image_id, ana, BW_LAYER_KIND_WORK, &layer, NULL));
  g_assert_true (bw_project_add_category (project, "car", NULL, NULL, &car, NULL));
  g_assert_true (bw_project_add_category (project, "dog", NULL, NULL, &dog, NULL));
  g_assert_true (bw_project_add_annotation (project, layer, car, a, BW_SOURCE_DRAWN, 1.0, &id, &error));

  now = bw_project_get_annotation (project, id, &error);
  g_assert_cmpint (now->version, ==, 1);
  g_assert_cmpint (now->author_id, ==, 0);
  g_clear_pointer (&now, bw_annotation_free);

  /* Each change is a version; the old ones stay readable. */
  g_assert_true (bw_project_update_annotation_shape (project, id, b, &error));
  g_assert_true (bw_project_set_annotation_category (project, id, dog, &error));
  now = bw_project_get_annotation (project, id, &error);
  g_assert_cmpint (now->version, ==, 3);
  g_assert_true (bw_shape_equal (now->shape, b));
  g_assert_cmpint (now->category_id, ==, dog);

  v1 = bw_project_get_annotation_version (project, id, 1, &error);
  g_assert_no_error (error);
  g_assert_true (bw_shape_equal (v1->shape, a));
  g_assert_cmpint (v1->category_id, ==, car);
  v2 = bw_project_get_annotation_version (project, id, 2, &error);
  g_assert_true (bw_shape_equal (v2->shape, b));
  g_assert_cmpint (v2->category_id, ==, car);
  g_assert_null (bw_project_get_annotation_version (project, id, 4, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Deleting keeps the last version; undoing it is the next version. */
  g_assert_true (bw_project_delete_annotation (project, id, &error));
  last = bw_project_get_annotation_version (project, id, 3, &error);
  g_assert_no_error (error);
  g_assert_true (bw_shape_equal (last->shape, b));
  g_assert_true (bw_project_restore_annotation (project, now, &error));
  g_clear_pointer (&now, bw_annotation_free);
  now = bw_project_get_annotation (project, id, &error);
  g_assert_cmpint (now->version, ==, 4);

  /* The newest annotation deleted: its id is not given to the next one. */
  g_assert_true (bw_project_add_annotation (project, layer, car, a, BW_SOURCE_DRAWN, 1.0, &id2, &error));
  g_assert_true (bw_project_delete_annotation (project, id2, &error));
  g_assert_true (bw_project_add_annotation (project, layer, car, a, BW_SOURCE_DRAWN, 1.0, &id3, &error));
  g_assert_cmpint (id3, >, id2);

  /* A change of something that is not there changes nothing. */
  g_assert_false (bw_project_update_annotation_shape (project, 9999, a, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_NOT_FOUND);
}

/* The workflow */

typedef struct
{
  BwProject *project;
  gint64     image_id;
  gint64     ana;
  gint64     rosa;
  gint64     layer;
  gint64     car;
  gint64     dog;
  gint64     shapes[3];
} Work;

static void
work_set_up (Fixture *f,
             Work    *w)
{
  g_autoptr(GError) error = NULL;
  BwImage img = fake_image ("a.jpg");

  w->project = bw_project_create (f->file, &error);
  g_assert_no_error (error);
  g_assert_true (bw_project_add_image (w->project, &img, &w->image_id, NULL));
  g_assert_true (bw_project_ensure_person (w->project, "Ana", BW_ROLE_ANNOTATOR, &w->ana, NULL));
  g_assert_true (bw_project_ensure_person (w->project, "Rosa", BW_ROLE_REVIEWER, &w->rosa, NULL));
  g_assert_true (bw_project_add_category (w->project, "car", NULL, NULL, &w->car, NULL));
  g_assert_true (bw_project_add_category (w->project, "dog", NULL, NULL, &w->dog, NULL));
  g_assert_true (bw_project_ensure_layer (w->project, w->image_id, w->ana, BW_LAYER_KIND_WORK, &w->layer, NULL));
  g_assert_cmpint (image_status (w->project, w->image_id), ==, BW_IMAGE_STATUS_NEW);

  for (int i = 0; i < 3; i++)
    {
      g_autoptr(BwShape) box = bw_shape_new_box (10 + 100 * i, 10, 60 + 100 * i, 50);

      g_assert_true (bw_project_add_annotation (w->project, w->layer, i == 2 ? w->dog : w->car, box,
                                                BW_SOURCE_DRAWN, 1.0, &w->shapes[i], &error));
      g_assert_no_error (error);
    }
}

static void
test_workflow (Fixture       *f,
               gconstpointer  data)
{
  Work w = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) queue = NULL;
  g_autoptr(GPtrArray) reviews = NULL;
  g_autoptr(GArray) work = NULL;
  g_autoptr(BwShape) fixed = bw_shape_new_box (210, 12, 262, 50);
  g_autoptr(BwAnnotation) after_fix = NULL;
  gint64 loose = 0, missed = 0, reject_id, pin_id, fix_id, accept_id;
  guint implied = 0;

  work_set_up (f, &w);
  loose = find_reason (w.project, "Box too loose");
  missed = find_reason (w.project, "Missed object");

  /* The first shape started the work. */
  g_assert_cmpint (image_status (w.project, w.image_id), ==, BW_IMAGE_STATUS_IN_PROGRESS);
  g_assert_cmpint (assignment_status (w.project, w.image_id, w.ana, BW_TASK_ANNOTATE), ==, BW_ASSIGNMENT_IN_PROGRESS);

  /* Nothing to review before a submission. */
  g_assert_false (bw_project_review_annotation (w.project, w.shapes[0], w.rosa, BW_VERDICT_ACCEPT, 0, NULL, NULL, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID);
  g_clear_error (&error);

  /* Submit, recall, submit again. */
  g_assert_true (bw_project_submit_layer (w.project, w.layer, &error));
  g_assert_cmpint (image_status (w.project, w.image_id), ==, BW_IMAGE_STATUS_SUBMITTED);
  g_assert_true (bw_project_submit_layer (w.project, w.layer, &error));   /* twice: no change */
  g_assert_true (bw_project_recall_submission (w.project, w.layer, &error));
  g_assert_no_error (error);
  g_assert_cmpint (image_status (w.project, w.image_id), ==, BW_IMAGE_STATUS_IN_PROGRESS);
  g_assert_false (bw_project_recall_submission (w.project, w.layer, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (bw_project_submit_layer (w.project, w.layer, &error));
  {
    g_autoptr(BwAssignment) a = bw_project_get_assignment (w.project, w.image_id, w.ana, BW_TASK_ANNOTATE, NULL);

    g_assert_cmpint (a->submissions, ==, 2);
    g_assert_cmpint (a->status, ==, BW_ASSIGNMENT_SUBMITTED);
  }

  /* In the queue, filtered by annotator and category. */
  queue = bw_project_list_review_queue (w.project, 0, 0, &error);
  g_assert_cmpuint (queue->len, ==, 1);
  g_assert_cmpuint (((BwReviewQueueItem *) queue->pdata[0])->n_annotations, ==, 3);
  g_assert_cmpint (((BwReviewQueueItem *) queue->pdata[0])->submission, ==, 2);
  g_clear_pointer (&queue, g_ptr_array_unref);
  queue = bw_project_list_review_queue (w.project, w.rosa, 0, &error);
  g_assert_cmpuint (queue->len, ==, 0);
  g_clear_pointer (&queue, g_ptr_array_unref);
  queue = bw_project_list_review_queue (w.project, w.ana, w.dog, &error);
  g_assert_cmpuint (queue->len, ==, 1);
  g_clear_pointer (&queue, g_ptr_array_unref);

  /* The reviewer starts: no more recall. */
  g_assert_true (bw_project_start_review (w.project, w.layer, w.rosa, &error));
  g_assert_cmpint (image_status (w.project, w.image_id), ==, BW_IMAGE_STATUS_IN_REVIEW);
  g_assert_false (bw_project_recall_submission (w.project, w.layer, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (bw_project_submit_layer (w.project, w.layer, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID);
  g_clear_error (&error);

  /* One box rejected with a reason, a missed object pinned; returned. */
  g_assert_true (bw_project_review_annotation (w.project, w.shapes[1], w.rosa, BW_VERDICT_REJECT, loose,
                                               "too wide", &reject_id, &error));
  g_assert_true (bw_project_review_annotation (w.project, w.shapes[0], w.rosa, BW_VERDICT_ACCEPT, 0,
                                               NULL, NULL, &error));
  g_assert_true (bw_project_add_pinned_comment (w.project, w.layer, w.rosa, 400, 300, missed,
                                                "a bicycle here", &pin_id, &error));
  g_assert_false (bw_project_review_annotation (w.project, w.shapes[0], w.rosa, BW_VERDICT_REJECT, 999,
                                                NULL, NULL, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_true (bw_project_return_layer (w.project, w.layer, w.rosa, 0, "see the comments", NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (image_status (w.project, w.image_id), ==, BW_IMAGE_STATUS_RETURNED);
  g_assert_cmpint (layer_status (w.project, w.layer), ==, BW_LAYER_STATUS_REJECTED);
  g_assert_cmpint (assignment_status (w.project, w.image_id, w.rosa, BW_TASK_REVIEW), ==, BW_ASSIGNMENT_RETURNED);

  reviews = bw_project_list_reviews_for_layer (w.project, w.layer, &error);
  g_assert_cmpuint (reviews->len, ==, 4);
  {
    const BwReview *r = review_with_id (reviews, reject_id);
    const BwReview *pin = review_with_id (reviews, pin_id);

    g_assert_cmpint (r->annotation_id, ==, w.shapes[1]);
    g_assert_cmpint (r->annotation_version, ==, 1);
    g_assert_cmpint (r->reason_id, ==, loose);
    g_assert_cmpstr (r->comment, ==, "too wide");
    g_assert_cmpint (r->submission, ==, 2);
    g_assert_true (pin->has_point);
    g_assert_cmpfloat (pin->x, ==, 400);
    g_assert_cmpfloat (pin->y, ==, 300);
    g_assert_cmpint (pin->verdict, ==, BW_VERDICT_COMMENT);
  }
  g_clear_pointer (&reviews, g_ptr_array_unref);

  /* Returned work comes first in the annotator's queue. */
  {
    BwImage other = fake_image ("b.jpg");
    gint64 other_id;

    g_assert_true (bw_project_add_image (w.project, &other, &other_id, NULL));
    work = bw_project_list_work_queue (w.project, w.ana, &error);
    g_assert_cmpuint (work->len, ==, 2);
    g_assert_cmpint (g_array_index (work, gint64, 0), ==, w.image_id);
    g_assert_cmpint (g_array_index (work, gint64, 1), ==, other_id);
  }

  /* The annotator fixes the box: in progress, then resubmitted. The
   * rejection still names the version it judged. */
  {
    g_autoptr(BwShape) tighter = bw_shape_new_box (110, 10, 150, 50);

    g_assert_true (bw_project_update_annotation_shape (w.project, w.shapes[1], tighter, &error));
    g_assert_cmpint (image_status (w.project, w.image_id), ==, BW_IMAGE_STATUS_IN_PROGRESS);
    g_assert_cmpint (layer_status (w.project, w.layer), ==, BW_LAYER_STATUS_IN_PROGRESS);
  }
  g_assert_true (bw_project_submit_layer (w.project, w.layer, &error));

  /* The reviewer fixes the dog box themselves and accepts the layer: the
   * annotations without a verdict are accepted with it. */
  g_assert_true (bw_project_fix_annotation (w.project, w.shapes[2], w.rosa, fixed, 0, loose, NULL,
                                            &fix_id, &error));
  g_assert_no_error (error);
  after_fix = bw_project_get_annotation (w.project, w.shapes[2], &error);
  g_assert_cmpint (after_fix->author_id, ==, w.rosa);
  g_assert_cmpint (after_fix->version, ==, 2);
  g_assert_true (bw_shape_equal (after_fix->shape, fixed));
  g_assert_cmpint (layer_status (w.project, w.layer), ==, BW_LAYER_STATUS_SUBMITTED);

  g_assert_true (bw_project_accept_layer (w.project, w.layer, w.rosa, NULL, &accept_id, &error));
  g_assert_cmpint (image_status (w.project, w.image_id), ==, BW_IMAGE_STATUS_ACCEPTED);
  g_assert_cmpint (layer_status (w.project, w.layer), ==, BW_LAYER_STATUS_ACCEPTED);
  reviews = bw_project_list_reviews_for_layer (w.project, w.layer, &error);
  for (guint i = 0; i < reviews->len; i++)
    {
      const BwReview *r = reviews->pdata[i];

      if (r->implied_by == accept_id)
        {
          /* The fixed-up first box (version 2); the first box keeps its
           * explicit accept of version 1; the reviewer's fix is not judged. */
          g_assert_cmpint (r->annotation_id, ==, w.shapes[1]);
          g_assert_cmpint (r->annotation_version, ==, 2);
          implied++;
        }
    }
  g_assert_cmpuint (implied, ==, 1);
  g_clear_pointer (&reviews, g_ptr_array_unref);

  /* Undo the accept: back in review, the implied accept gone; redo. */
  g_assert_true (bw_project_withdraw_review (w.project, accept_id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (image_status (w.project, w.image_id), ==, BW_IMAGE_STATUS_IN_REVIEW);
  reviews = bw_project_list_reviews_for_layer (w.project, w.layer, &error);
  for (guint i = 0; i < reviews->len; i++)
    g_assert_cmpint (((BwReview *) reviews->pdata[i])->implied_by, ==, 0);
  g_clear_pointer (&reviews, g_ptr_array_unref);

  /* Undo the fix: the annotator's box is back, as a new version. */
  g_assert_true (bw_project_withdraw_review (w.project, fix_id, &error));
  g_clear_pointer (&after_fix, bw_annotation_free);
  after_fix = bw_project_get_annotation (w.project, w.shapes[2], &error);
  g_assert_cmpint (after_fix->author_id, ==, 0);
  g_assert_cmpint (after_fix->version, ==, 3);
  g_assert_false (bw_shape_equal (after_fix->shape, fixed));

  g_assert_true (bw_project_accept_layer (w.project, w.layer, w.rosa, "fine", NULL, &error));
  g_assert_cmpint (image_status (w.project, w.image_id), ==, BW_IMAGE_STATUS_ACCEPTED);

  /* Accepted work is out of the queue and cannot be resubmitted. */
  queue = bw_project_list_review_queue (w.project, 0, 0, &error);
  g_assert_cmpuint (queue->len, ==, 0);
  g_assert_false (bw_project_submit_layer (w.project, w.layer, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID);
  g_clear_error (&error);

  /* The figures. */
  {
    g_autoptr(GPtrArray) stats = NULL;
    const BwReviewStats *ana = NULL;

    g_assert_true (bw_project_add_work_time (w.project, w.image_id, w.ana, BW_TASK_ANNOTATE, 30.5, &error));
    g_assert_true (bw_project_add_work_time (w.project, w.image_id, w.ana, BW_TASK_ANNOTATE, 12, &error));
    g_assert_true (bw_project_add_work_time (w.project, w.image_id, w.rosa, BW_TASK_REVIEW, 20, &error));
    g_assert_false (bw_project_add_work_time (w.project, w.image_id, w.ana, BW_TASK_ANNOTATE, NAN, &error));
    g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID);
    g_clear_error (&error);
    g_assert_cmpfloat (bw_project_get_work_time (w.project, w.image_id, w.ana, BW_TASK_ANNOTATE), ==, 42.5);

    stats = bw_project_list_review_stats (w.project, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (stats->len, ==, 2);
    ana = stats->pdata[0];
    g_assert_cmpstr (ana->name, ==, "Ana");
    g_assert_cmpint (ana->submissions, ==, 3);
    g_assert_cmpint (ana->accepted, ==, 1);
    g_assert_cmpint (ana->returned, ==, 1);
    g_assert_cmpint (ana->first_reviewed, ==, 1);
    g_assert_cmpint (ana->first_pass_accepted, ==, 0);
    g_assert_cmpfloat (ana->annotate_seconds, ==, 42.5);
    /* Box too loose once (the rejection; the fix was withdrawn), missed
     * once (the pin): equal counts in the reasons' order. */
    g_assert_cmpuint (ana->reasons->len, ==, 2);
    g_assert_cmpint (g_array_index (ana->reasons, BwReasonCount, 0).reason_id, ==, missed);
    g_assert_cmpint (g_array_index (ana->reasons, BwReasonCount, 0).count, ==, 1);
    g_assert_cmpint (g_array_index (ana->reasons, BwReasonCount, 1).reason_id, ==, loose);
    g_assert_cmpint (g_array_index (ana->reasons, BwReasonCount, 1).count, ==, 1);
    g_assert_cmpfloat (((BwReviewStats *) stats->pdata[1])->review_seconds, ==, 20);
  }

  g_clear_object (&w.project);
}

static void
test_gold_and_excluded (Fixture       *f,
                        gconstpointer  data)
{
  Work w = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) gold = NULL;

  work_set_up (f, &w);

  g_assert_true (bw_project_set_image_gold (w.project, w.image_id, TRUE, &error));
  g_assert_cmpint (image_status (w.project, w.image_id), ==, BW_IMAGE_STATUS_GOLD);
  gold = bw_project_list_image_ids (w.project, BW_IMAGE_STATUS_GOLD, NULL, &error);
  g_assert_cmpuint (gold->len, ==, 1);
  g_assert_true (bw_project_set_image_gold (w.project, w.image_id, FALSE, &error));
  g_assert_cmpint (image_status (w.project, w.image_id), ==, BW_IMAGE_STATUS_IN_PROGRESS);

  /* Excluded stays excluded whatever the work does. */
  g_assert_true (bw_project_set_image_status (w.project, w.image_id, BW_IMAGE_STATUS_EXCLUDED, &error));
  g_assert_true (bw_project_submit_layer (w.project, w.layer, &error));
  g_assert_cmpint (image_status (w.project, w.image_id), ==, BW_IMAGE_STATUS_EXCLUDED);
  {
    g_autoptr(GPtrArray) queue = bw_project_list_review_queue (w.project, 0, 0, &error);

    g_assert_cmpuint (queue->len, ==, 0);
  }

  g_assert_true (bw_project_skip_image (w.project, w.image_id, w.rosa, &error));
  g_assert_false (bw_project_skip_image (w.project, w.image_id, w.ana, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID);

  g_clear_object (&w.project);
}

/* Rejection reasons */

static void
test_reasons (Fixture       *f,
              gconstpointer  data)
{
  Work w = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) reasons = NULL;
  g_autoptr(BwRejectionReason) got = NULL;
  gint64 occluded, other, tight, extra, again;
  gboolean hidden = TRUE;
  gint64 order[3];

  work_set_up (f, &w);
  other = find_reason (w.project, "Other");
  tight = find_reason (w.project, "Box too tight");
  extra = find_reason (w.project, "Extra object");

  g_assert_true (bw_project_add_rejection_reason (w.project, "  Occluded part ", 9, &occluded, &error));
  g_assert_no_error (error);
  got = bw_project_get_rejection_reason (w.project, occluded, &error);
  g_assert_cmpstr (got->name, ==, "Occluded part");
  g_assert_cmpint (got->hotkey, ==, 9);
  g_assert_cmpint (got->position, ==, 8);

  /* Refused: a taken name or key, a key out of 1–9, an empty name. */
  g_assert_false (bw_project_add_rejection_reason (w.project, "other", 0, NULL, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_DUPLICATE);
  g_clear_error (&error);
  g_assert_false (bw_project_add_rejection_reason (w.project, "Blurry", 9, NULL, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_DUPLICATE);
  g_clear_error (&error);
  g_assert_false (bw_project_set_rejection_reason_hotkey (w.project, other, 10, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (bw_project_rename_rejection_reason (w.project, other, " ", &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (bw_project_rename_rejection_reason (w.project, other, "Box too tight", &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_DUPLICATE);
  g_clear_error (&error);

  g_assert_true (bw_project_rename_rejection_reason (w.project, other, "Something else", &error));
  g_assert_true (bw_project_set_rejection_reason_hotkey (w.project, other, 0, &error));
  g_assert_true (bw_project_set_rejection_reason_hotkey (w.project, occluded, 8, &error));
  g_assert_no_error (error);

  /* Reordering: those named first, the rest after in their order. */
  order[0] = occluded;
  order[1] = tight;
  order[2] = other;
  g_assert_true (bw_project_set_rejection_reason_order (w.project, order, 3, &error));
  reasons = bw_project_list_rejection_reasons (w.project, FALSE, &error);
  g_assert_cmpuint (reasons->len, ==, 9);
  g_assert_cmpint (((BwRejectionReason *) reasons->pdata[0])->id, ==, occluded);
  g_assert_cmpint (((BwRejectionReason *) reasons->pdata[1])->id, ==, tight);
  g_assert_cmpint (((BwRejectionReason *) reasons->pdata[2])->id, ==, other);
  g_assert_cmpstr (((BwRejectionReason *) reasons->pdata[3])->name, ==, "Missed object");
  g_clear_pointer (&reasons, g_ptr_array_unref);

  /* Unused: deleted. Used: hidden, its key freed, its reviews intact. */
  g_assert_true (bw_project_delete_rejection_reason (w.project, occluded, &hidden, &error));
  g_assert_false (hidden);
  g_assert_null (bw_project_get_rejection_reason (w.project, occluded, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (bw_project_submit_layer (w.project, w.layer, &error));
  g_assert_true (bw_project_review_annotation (w.project, w.shapes[0], w.rosa, BW_VERDICT_REJECT, extra,
                                               NULL, NULL, &error));
  g_assert_true (bw_project_delete_rejection_reason (w.project, extra, &hidden, &error));
  g_assert_true (hidden);
  reasons = bw_project_list_rejection_reasons (w.project, FALSE, &error);
  g_assert_cmpuint (reasons->len, ==, 7);
  g_clear_pointer (&reasons, g_ptr_array_unref);
  reasons = bw_project_list_rejection_reasons (w.project, TRUE, &error);
  g_assert_cmpuint (reasons->len, ==, 8);
  g_assert_true (((BwRejectionReason *) reasons->pdata[7])->hidden);
  g_assert_cmpint (((BwRejectionReason *) reasons->pdata[7])->hotkey, ==, 0);
  g_assert_true (bw_project_add_rejection_reason (w.project, "Blurry", 2, NULL, &error));

  /* The check the editor runs as a name is typed: a hidden name is taken
   * too, and says so; a reason may keep its own name in another case. */
  g_assert_false (bw_project_check_rejection_reason_name (w.project, other, "EXTRA OBJECT", &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_DUPLICATE);
  g_assert_nonnull (strstr (error->message, "hidden"));
  g_clear_error (&error);
  g_assert_false (bw_project_check_rejection_reason_name (w.project, other, "blurry", &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_DUPLICATE);
  g_clear_error (&error);
  g_assert_false (bw_project_check_rejection_reason_name (w.project, 0, "  ", &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (bw_project_check_rejection_reason_name (w.project, other, "SOMETHING ELSE", &error));
  g_assert_true (bw_project_check_rejection_reason_name (w.project, 0, "Truncated", &error));
  g_assert_no_error (error);

  /* Adding its name again brings it back, same id. */
  g_assert_true (bw_project_add_rejection_reason (w.project, "extra object", 0, &again, &error));
  g_assert_cmpint (again, ==, extra);

  g_clear_object (&w.project);
}

/* Random audits */

static void
test_audit_draw (void)
{
  guint sampled = 0, differ = 0;
  const guint n = 10000;

  /* Reproducible, different for another seed, and the share sampled at
   * 10 % is within a point of it. */
  for (guint i = 1; i <= n; i++)
    {
      double d = bw_audit_draw (42, i, 1);

      g_assert_cmpfloat (d, >=, 0.0);
      g_assert_cmpfloat (d, <, 1.0);
      g_assert_cmpfloat (d, ==, bw_audit_draw (42, i, 1));
      if (d < 0.10)
        sampled++;
      if ((d < 0.10) != (bw_audit_draw (43, i, 1) < 0.10))
        differ++;
    }
  g_test_message ("sampled %u of %u at 10 %%", sampled, n);
  g_assert_cmpfloat (fabs (sampled / (double) n - 0.10), <=, 0.01);
  g_assert_cmpuint (differ, >, 0);
  g_assert_cmpfloat (bw_audit_draw (42, 1, 1), !=, bw_audit_draw (42, 1, 2));
}

static GArray *
run_audit (Fixture       *f,
           const char    *name,
           BwAuditPolicy  policy,
           guint          n_images)
{
  g_autoptr(GFile) file = g_file_new_build_filename (f->dir, name, NULL);
  g_autoptr(BwProject) project = bw_project_create (file, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(BwShape) box = bw_shape_new_box (1, 1, 20, 20);
  GArray *sampled = g_array_new (FALSE, FALSE, sizeof (gint64));
  BwAuditSettings audit = { TRUE, 0.2, 7, policy };
  BwAuditSettings back;
  gint64 ana, car;
  guint in_queue = 0;

  g_assert_true (bw_project_set_audit_settings (project, &audit, &error));
  g_assert_true (bw_project_get_audit_settings (project, &back, &error));
  g_assert_true (back.enabled);
  g_assert_cmpfloat (back.rate, ==, 0.2);
  g_assert_cmpuint (back.seed, ==, 7);
  g_assert_cmpint (back.policy, ==, policy);

  g_assert_true (bw_project_ensure_person (project, "Ana", BW_ROLE_ANNOTATOR, &ana, NULL));
  g_assert_true (bw_project_add_category (project, "car", NULL, NULL, &car, NULL));
  g_assert_true (bw_project_begin (project, &error));
  for (guint i = 0; i < n_images; i++)
    {
      g_autofree char *path = g_strdup_printf ("%u.jpg", i);
      BwImage img = fake_image (path);
      gint64 image_id, layer;
      g_autoptr(BwLayer) after = NULL;
      gboolean expect;

      g_assert_true (bw_project_add_image (project, &img, &image_id, NULL));
      g_assert_true (bw_project_ensure_layer (project, image_id, ana, BW_LAYER_KIND_WORK, &layer, NULL));
      g_assert_true (bw_project_add_annotation (project, layer, car, box, BW_SOURCE_DRAWN, 1.0, NULL, NULL));
      g_assert_true (bw_project_submit_layer (project, layer, &error));
      g_assert_no_error (error);

      expect = bw_audit_draw (7, layer, 1) < 0.2;
      after = bw_project_get_layer (project, layer, NULL);
      if (expect)
        g_array_append_val (sampled, layer);
      if (expect || policy == BW_AUDIT_POLICY_HOLD)
        g_assert_cmpint (after->status, ==, BW_LAYER_STATUS_SUBMITTED);
      else
        g_assert_cmpint (after->status, ==, BW_LAYER_STATUS_ACCEPTED);
    }
  g_assert_true (bw_project_commit (project, &error));

  /* The queue holds exactly the sampled submissions, marked audited. */
  {
    g_autoptr(GPtrArray) queue = bw_project_list_review_queue (project, 0, 0, &error);

    for (guint i = 0; i < queue->len; i++)
      {
        BwReviewQueueItem *item = queue->pdata[i];

        g_assert_true (item->audited);
        g_assert_cmpint (item->layer_id, ==, g_array_index (sampled, gint64, i));
        in_queue++;
      }
    g_assert_cmpuint (in_queue, ==, sampled->len);
  }

  return sampled;
}

static void
test_audit_sample (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GArray) a = run_audit (f, "a.boxwood", BW_AUDIT_POLICY_ACCEPT, 200);
  g_autoptr(GArray) b = run_audit (f, "b.boxwood", BW_AUDIT_POLICY_HOLD, 200);

  /* The same seed and ids: the same sample, whatever the policy. */
  g_assert_cmpuint (a->len, >, 0);
  g_assert_cmpuint (a->len, ==, b->len);
  g_assert_cmpmem (a->data, a->len * sizeof (gint64), b->data, b->len * sizeof (gint64));
}

/* A sampled layer stays sampled: recalling and resubmitting cannot dodge
 * the audit; the report counts the verdicts of the sample. */
static void
test_audit_report (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(BwProject) project = bw_project_create (f->file, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) figures = NULL;
  g_autoptr(BwShape) box = bw_shape_new_box (1, 1, 20, 20);
  BwAuditSettings audit = { TRUE, 0.5, 1, BW_AUDIT_POLICY_ACCEPT };
  gint64 ana, rosa, car, layer = 0, image_id;
  gint64 shapes[4];
  guint i;

  g_assert_true (bw_project_set_audit_settings (project, &audit, &error));
  g_assert_true (bw_project_ensure_person (project, "Ana", BW_ROLE_ANNOTATOR, &ana, NULL));
  g_assert_true (bw_project_ensure_person (project, "Rosa", BW_ROLE_REVIEWER, &rosa, NULL));
  g_assert_true (bw_project_add_category (project, "car", NULL, NULL, &car, NULL));

  /* The first image whose layer is sampled on its first submission and
   * not on its second. */
  for (i = 0; ; i++)
    {
      g_autofree char *path = g_strdup_printf ("%u.jpg", i);
      BwImage img = fake_image (path);

      g_assert_true (bw_project_add_image (project, &img, &image_id, NULL));
      g_assert_true (bw_project_ensure_layer (project, image_id, ana, BW_LAYER_KIND_WORK, &layer, NULL));
      if (bw_audit_draw (1, layer, 1) < 0.5 && bw_audit_draw (1, layer, 2) >= 0.5)
        break;
    }
  for (i = 0; i < G_N_ELEMENTS (shapes); i++)
    g_assert_true (bw_project_add_annotation (project, layer, car, box, BW_SOURCE_DRAWN, 1.0, &shapes[i], NULL));

  g_assert_true (bw_project_submit_layer (project, layer, &error));
  g_assert_cmpint (layer_status (project, layer), ==, BW_LAYER_STATUS_SUBMITTED);
  g_assert_true (bw_project_recall_submission (project, layer, &error));
  g_assert_true (bw_project_submit_layer (project, layer, &error));
  g_assert_cmpint (layer_status (project, layer), ==, BW_LAYER_STATUS_SUBMITTED);

  g_assert_true (bw_project_review_annotation (project, shapes[0], rosa, BW_VERDICT_REJECT, 1, NULL, NULL, &error));
  /* A change of mind: the last verdict counts. */
  g_assert_true (bw_project_review_annotation (project, shapes[1], rosa, BW_VERDICT_REJECT, 1, NULL, NULL, &error));
  g_assert_true (bw_project_review_annotation (project, shapes[1], rosa, BW_VERDICT_ACCEPT, 0, NULL, NULL, &error));
  g_assert_true (bw_project_accept_layer (project, layer, rosa, NULL, NULL, &error));

  figures = bw_project_list_audit_figures (project, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (figures->len, ==, 2);
  {
    const BwAuditFigures *ana_f = figures->pdata[0];
    const BwAuditFigures *all = figures->pdata[1];

    g_assert_cmpstr (ana_f->name, ==, "Ana");
    g_assert_cmpint (ana_f->drawn, ==, 2);
    g_assert_cmpint (ana_f->sampled, ==, 2);
    g_assert_cmpint (ana_f->reviewed, ==, 1);
    g_assert_cmpint (ana_f->judged, ==, 4);
    g_assert_cmpint (ana_f->rejected, ==, 1);
    g_assert_cmpint (all->person_id, ==, 0);
    g_assert_cmpint (all->judged, ==, 4);
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/core/review/migrate-from-v1", test_migrate_from_v1);
  ADD ("/core/review/migrated-file-works", test_migrated_file_works);
  ADD ("/core/review/versions", test_versions);
  ADD ("/core/review/workflow", test_workflow);
  ADD ("/core/review/gold-and-excluded", test_gold_and_excluded);
  ADD ("/core/review/rejection-reasons", test_reasons);
  g_test_add_func ("/core/review/audit-draw", test_audit_draw);
  ADD ("/core/review/audit-sample", test_audit_sample);
  ADD ("/core/review/audit-report", test_audit_report);

  return g_test_run ();
}
