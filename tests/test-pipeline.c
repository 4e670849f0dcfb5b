/* test-pipeline.c — the pipeline figures: images per stage, throughput
 * and backlog per day, stuck work; and boxwood-cli pipeline
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>
#include <sys/wait.h>

#include "bw-pipeline.h"
#include "bw-project.h"

typedef struct
{
  char      *dir;
  char      *path;
  BwProject *project;
  gint64     before;            /* the clock around the set-up's writes */
  gint64     after;
  gint64     images[7];         /* 1-based */
} Fixture;

static gint64
add_image (BwProject  *project,
           const char *name)
{
  g_autoptr(GError) error = NULL;
  BwImage image = { 0 };
  gint64 id = 0;

  image.path = (char *) name;
  image.width = 640;
  image.height = 480;
  image.content_hash = (char *) name;
  g_assert_true (bw_project_add_image (project, &image, &id, &error));
  g_assert_no_error (error);
  return id;
}

/* A layer of @person with one box on @image. */
static gint64
start_work (BwProject *project,
            gint64     image_id,
            gint64     person_id,
            gint64     category_id)
{
  g_autoptr(GError) error = NULL;
  BwShape box = { .kind = BW_SHAPE_BOX, .bbox = { 10, 10, 50, 40 } };
  gint64 layer_id = 0;

  g_assert_true (bw_project_ensure_layer (project, image_id, person_id, BW_LAYER_KIND_WORK,
                                          &layer_id, &error));
  g_assert_true (bw_project_add_annotation (project, layer_id, category_id, &box,
                                            BW_SOURCE_DRAWN, 1.0, NULL, &error));
  g_assert_no_error (error);
  return layer_id;
}

/* Six images: 1 accepted, 2 returned, 3 in progress, 4 submitted,
 * 5 gold, 6 new. */
static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  gint64 ann = 0, rev = 0, category = 0, layer;

  f->dir = g_dir_make_tmp ("bw-test-pipeline-XXXXXX", NULL);
  g_assert_nonnull (f->dir);
  f->path = g_build_filename (f->dir, "p.boxwood", NULL);
  file = g_file_new_for_path (f->path);

  f->before = g_get_real_time ();
  f->project = bw_project_create (file, &error);
  g_assert_no_error (error);
  g_assert_true (bw_project_ensure_person (f->project, "ana", BW_ROLE_ANNOTATOR, &ann, &error));
  g_assert_true (bw_project_ensure_person (f->project, "rosa", BW_ROLE_REVIEWER, &rev, &error));
  g_assert_true (bw_project_add_category (f->project, "dog", NULL, NULL, &category, &error));
  g_assert_no_error (error);

  for (guint i = 1; i <= 6; i++)
    {
      g_autofree char *name = g_strdup_printf ("photo-%u.jpg", i);

      f->images[i] = add_image (f->project, name);
    }

  layer = start_work (f->project, f->images[1], ann, category);
  g_assert_true (bw_project_submit_layer (f->project, layer, &error));
  g_assert_true (bw_project_accept_layer (f->project, layer, rev, NULL, NULL, &error));

  layer = start_work (f->project, f->images[2], ann, category);
  g_assert_true (bw_project_submit_layer (f->project, layer, &error));
  g_assert_true (bw_project_return_layer (f->project, layer, rev, 0, "look again", NULL, &error));

  start_work (f->project, f->images[3], ann, category);

  layer = start_work (f->project, f->images[4], ann, category);
  g_assert_true (bw_project_submit_layer (f->project, layer, &error));

  g_assert_true (bw_project_set_image_gold (f->project, f->images[5], TRUE, &error));
  g_assert_no_error (error);
  f->after = g_get_real_time ();
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->project);
  for (const char *const *suffix = (const char *const[]) { "", "-wal", "-shm", NULL }; *suffix; suffix++)
    {
      g_autofree char *p = g_strconcat (f->path, *suffix, NULL);

      g_unlink (p);
    }
  g_rmdir (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

/* The index, among @pipeline's days, of the day @time fell on. */
static int
day_of (const BwPipeline *pipeline,
        gint64            time)
{
  int found = -1;

  for (guint k = 0; k < pipeline->days->len; k++)
    if (g_array_index (pipeline->days, BwPipelineDay, k).start <= time)
      found = k;
  return found;
}

static void
test_stages (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwPipeline) pipeline = bw_pipeline_compute (f->project, g_get_real_time (), 3,
                                                        BW_PIPELINE_DEFAULT_STUCK_AFTER, &error);

  g_assert_no_error (error);
  g_assert_nonnull (pipeline);
  g_assert_cmpint (pipeline->images_by_status[BW_IMAGE_STATUS_NEW], ==, 1);
  g_assert_cmpint (pipeline->images_by_status[BW_IMAGE_STATUS_IN_PROGRESS], ==, 1);
  g_assert_cmpint (pipeline->images_by_status[BW_IMAGE_STATUS_SUBMITTED], ==, 1);
  g_assert_cmpint (pipeline->images_by_status[BW_IMAGE_STATUS_ACCEPTED], ==, 1);
  g_assert_cmpint (pipeline->images_by_status[BW_IMAGE_STATUS_RETURNED], ==, 1);
  g_assert_cmpint (pipeline->images_by_status[BW_IMAGE_STATUS_GOLD], ==, 1);

  /* Nothing has waited two days yet. */
  g_assert_cmpint (pipeline->n_stuck, ==, 0);
  g_assert_cmpuint (pipeline->stuck->len, ==, 0);
}

/* Seen three days later: the day's events sit on that day, the backlog
 * carries over, and the pace is one acceptance over the whole days. */
static void
test_days (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 later = f->after + 3 * G_TIME_SPAN_DAY;
  g_autoptr(BwPipeline) pipeline = bw_pipeline_compute (f->project, later, 6,
                                                        10 * G_TIME_SPAN_DAY, &error);
  int day;

  g_assert_no_error (error);
  g_assert_cmpuint (pipeline->days->len, ==, 6);

  day = day_of (pipeline, f->before);
  /* The set-up may straddle midnight; then the figures split, and this
   * test cannot tell them apart. */
  if (day != day_of (pipeline, f->after))
    {
      g_test_incomplete ("the set-up straddled midnight");
      return;
    }
  g_assert_cmpint (day, ==, 2);

  for (guint k = 0; k < pipeline->days->len; k++)
    {
      const BwPipelineDay *d = &g_array_index (pipeline->days, BwPipelineDay, k);

      if (k > 0)
        {
          const BwPipelineDay *previous = &g_array_index (pipeline->days, BwPipelineDay, k - 1);
          g_autoptr(GDateTime) a = g_date_time_new_from_unix_local (previous->start / G_USEC_PER_SEC);
          g_autoptr(GDateTime) b = g_date_time_new_from_unix_local (d->start / G_USEC_PER_SEC);

          /* Local midnights, one calendar day apart. */
          g_assert_cmpint (g_date_time_get_hour (b), ==, 0);
          g_assert_cmpint (g_date_time_difference (b, a), >=, 23 * G_TIME_SPAN_HOUR);
          g_assert_cmpint (g_date_time_difference (b, a), <=, 25 * G_TIME_SPAN_HOUR);
        }

      if ((int) k == day)
        {
          g_assert_cmpint (d->added, ==, 6);
          /* 1, 2 and 4 were submitted; each keeps its submission time. */
          g_assert_cmpint (d->submitted, ==, 3);
          g_assert_cmpint (d->accepted, ==, 1);
          g_assert_cmpint (d->returned, ==, 1);
        }
      else
        {
          g_assert_cmpint (d->added, ==, 0);
          g_assert_cmpint (d->submitted, ==, 0);
          g_assert_cmpint (d->accepted, ==, 0);
          g_assert_cmpint (d->returned, ==, 0);
        }
      /* Five images are work (the gold one is not); one is accepted. */
      g_assert_cmpint (d->backlog, ==, (int) k < day ? 0 : 4);
    }

  g_assert_cmpint (bw_pipeline_backlog (pipeline), ==, 4);
  /* One acceptance over the five whole days before today. */
  g_assert_cmpfloat_with_epsilon (bw_pipeline_accepted_per_day (pipeline), 1.0 / 5, 1e-12);
  g_assert_cmpfloat_with_epsilon (bw_pipeline_days_to_clear (pipeline), 20.0, 1e-9);
}

static void
test_stuck (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 later = f->after + 3 * G_TIME_SPAN_DAY;
  g_autoptr(BwPipeline) stuck = bw_pipeline_compute (f->project, later, 1,
                                                     2 * G_TIME_SPAN_DAY, &error);
  g_autoptr(BwPipeline) patient = NULL;
  gboolean seen[7] = { FALSE, };

  g_assert_no_error (error);
  /* In progress (3), returned (2) and waiting for review (4); not the
   * accepted, gold or new ones. */
  g_assert_cmpint (stuck->n_stuck, ==, 3);
  g_assert_cmpuint (stuck->stuck->len, ==, 3);
  for (guint i = 0; i < stuck->stuck->len; i++)
    {
      const BwPipelineStuck *s = stuck->stuck->pdata[i];

      g_assert_cmpstr (s->person, ==, "ana");
      g_assert_cmpint (s->since, >=, f->before);
      g_assert_cmpint (s->since, <=, f->after);
      if (i > 0)
        g_assert_cmpint (((BwPipelineStuck *) stuck->stuck->pdata[i - 1])->since, <=, s->since);

      if (s->image_id == f->images[2])
        g_assert_cmpint (s->stage, ==, BW_ASSIGNMENT_RETURNED);
      else if (s->image_id == f->images[3])
        g_assert_cmpint (s->stage, ==, BW_ASSIGNMENT_IN_PROGRESS);
      else if (s->image_id == f->images[4])
        g_assert_cmpint (s->stage, ==, BW_ASSIGNMENT_SUBMITTED);
      else
        g_assert_not_reached ();
      g_assert_false (seen[s->image_id == f->images[2] ? 2 : s->image_id == f->images[3] ? 3 : 4]);
      seen[s->image_id == f->images[2] ? 2 : s->image_id == f->images[3] ? 3 : 4] = TRUE;
    }

  patient = bw_pipeline_compute (f->project, later, 1, 4 * G_TIME_SPAN_DAY, &error);
  g_assert_no_error (error);
  g_assert_cmpint (patient->n_stuck, ==, 0);
}

/* A read-only project: the figures need no write lock. */
static void
test_read_only (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (f->path);
  g_autoptr(BwProject) reader = bw_project_open_read_only (file, &error);
  g_autoptr(BwPipeline) pipeline = NULL;

  g_assert_no_error (error);
  pipeline = bw_pipeline_compute (reader, g_get_real_time (), 2, 0, &error);
  g_assert_no_error (error);
  g_assert_nonnull (pipeline);
  /* With no patience at all, every piece of open work is stuck. */
  g_assert_cmpint (pipeline->n_stuck, ==, 3);
}

static void
test_cli_json (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  const char *argv[] = { g_getenv ("BOXWOOD_CLI"), "pipeline", f->path, "--days", "4",
                         "--stuck-after", "0", "--json", NULL };
  JsonObject *root, *stages;
  JsonArray *days, *stuck;
  int status = -1;

  g_assert_nonnull (argv[0]);
  g_clear_object (&f->project);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               &out, &err, &status, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (err, ==, "");
  g_assert_true (g_spawn_check_wait_status (status, NULL));

  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  stages = json_object_get_object_member (root, "stages");
  g_assert_cmpint (json_object_get_int_member (stages, "new"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (stages, "gold"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (root, "backlog"), ==, 4);

  days = json_object_get_array_member (root, "days");
  g_assert_cmpuint (json_array_get_length (days), ==, 4);
  {
    JsonObject *today = json_array_get_object_element (days, 3);
    g_autoptr(GDateTime) now = g_date_time_new_now_local ();
    g_autofree char *date = g_date_time_format (now, "%Y-%m-%d");

    if (g_strcmp0 (json_object_get_string_member (today, "date"), date) == 0)
      {
        g_assert_cmpint (json_object_get_int_member (today, "added"), ==, 6);
        g_assert_cmpint (json_object_get_int_member (today, "accepted"), ==, 1);
        g_assert_cmpint (json_object_get_int_member (today, "returned"), ==, 1);
      }
  }

  g_assert_cmpint (json_object_get_int_member (root, "stuck_total"), ==, 3);
  stuck = json_object_get_array_member (root, "stuck");
  g_assert_cmpuint (json_array_get_length (stuck), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      JsonObject *s = json_array_get_object_element (stuck, i);
      const char *stage = json_object_get_string_member (s, "stage");

      g_assert_cmpstr (json_object_get_string_member (s, "person"), ==, "ana");
      g_assert_true (g_str_equal (stage, "in_progress") || g_str_equal (stage, "submitted") ||
                     g_str_equal (stage, "returned"));
      g_assert_true (g_str_has_prefix (json_object_get_string_member (s, "image"), "photo-"));
    }
}

static void
test_cli_usage (void)
{
  const char *argv[] = { g_getenv ("BOXWOOD_CLI"), "pipeline", "x.boxwood", "--days", "0", NULL };
  g_autofree char *err = NULL;
  int status = -1;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               NULL, &err, &status, NULL));
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 2);
  g_assert_nonnull (strstr (err, "--days"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/pipeline/stages", Fixture, NULL, fixture_set_up, test_stages, fixture_tear_down);
  g_test_add ("/pipeline/days", Fixture, NULL, fixture_set_up, test_days, fixture_tear_down);
  g_test_add ("/pipeline/stuck", Fixture, NULL, fixture_set_up, test_stuck, fixture_tear_down);
  g_test_add ("/pipeline/read-only", Fixture, NULL, fixture_set_up, test_read_only, fixture_tear_down);
  g_test_add ("/pipeline/cli-json", Fixture, NULL, fixture_set_up, test_cli_json, fixture_tear_down);
  g_test_add_func ("/pipeline/cli-usage", test_cli_usage);
  return g_test_run ();
}
