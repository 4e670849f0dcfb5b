/* test-cli-review.c — boxwood-cli review list|stats and audit, end to end
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each test builds its project through the store (as the app would),
 * closes it, runs the boxwood-cli built next to this test (BOXWOOD_CLI)
 * and checks what it prints against what was done. The figures
 * themselves are checked against an independent implementation by
 * test-review-reference.py.
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "bw-project.h"

typedef struct
{
  char  *dir;
  char  *path;
  GFile *file;
} Fixture;

typedef struct
{
  int   status;
  char *out;
  char *err;
} Run;

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    while ((name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *child = g_build_filename (path, name, NULL);

        if (g_file_test (child, G_FILE_TEST_IS_DIR))
          remove_tree (child);
        else
          g_unlink (child);
      }
  g_rmdir (path);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->dir = g_dir_make_tmp ("bw-test-cli-review-XXXXXX", NULL);
  g_assert_nonnull (f->dir);
  f->path = g_build_filename (f->dir, "p.boxwood", NULL);
  f->file = g_file_new_for_path (f->path);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->path);
  g_object_unref (f->file);
}

/* Runs boxwood-cli with the NULL-terminated arguments, in the fixture's
 * folder. */
static Run
run_cli (Fixture    *f,
         const char *first,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  const char *cli = g_getenv ("BOXWOOD_CLI");
  Run run = { -1, NULL, NULL };
  va_list args;

  g_assert_nonnull (cli);
  g_ptr_array_add (argv, (gpointer) cli);
  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_set_cwd (launcher, f->dir);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &run.out, &run.err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  run.status = g_subprocess_get_exit_status (process);
  return run;
}

/* A failure is one line on stderr, "boxwood-cli: …", mentioning @part. */
static void
assert_one_error_line (const Run  *run,
                       const char *part)
{
  g_assert_true (g_str_has_prefix (run->err, "boxwood-cli: "));
  g_assert_true (strchr (run->err, '\n') == run->err + strlen (run->err) - 1);
  if (part != NULL && strstr (run->err, part) == NULL)
    g_error ("“%s” does not mention “%s”", run->err, part);
}

static JsonNode *
parse_json (const Run *run)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  if (run->status != 0)
    g_error ("boxwood-cli failed (%d): %s", run->status, run->err);
  g_assert_cmpstr (run->err, ==, "");
  json_parser_load_from_data (parser, run->out, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static gint64
add_image (BwProject  *project,
           const char *path)
{
  BwImage image = { 0 };
  gint64 id;

  image.path = (char *) path;
  image.width = 640;
  image.height = 480;
  image.content_hash = (char *) path;
  g_assert_true (bw_project_add_image (project, &image, &id, NULL));
  return id;
}

/* A layer of @person on a new image @path with @n boxes of @category. */
static gint64
add_work (BwProject  *project,
          const char *path,
          gint64      person,
          gint64      category,
          guint       n,
          gint64     *shapes)
{
  g_autoptr(GError) error = NULL;
  gint64 image = add_image (project, path), layer;

  g_assert_true (bw_project_ensure_layer (project, image, person, BW_LAYER_KIND_WORK, &layer, &error));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BwShape) box = bw_shape_new_box (10 * i, 10, 10 * i + 8, 30);

      g_assert_true (bw_project_add_annotation (project, layer, category, box, BW_SOURCE_DRAWN, 1.0,
                                                shapes ? &shapes[i] : NULL, &error));
    }
  return layer;
}

static void
submit (BwProject *project,
        gint64     layer)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (bw_project_submit_layer (project, layer, &error));
  g_assert_no_error (error);
  /* The queue is ordered by the time of submission, in µs. */
  g_usleep (2000);
}

/* review list */

typedef struct
{
  gint64 ana, ben, rosa;
  gint64 car, dog;
  gint64 first, second, third, fourth, accepted, in_progress;
} Scene;

/* Ana submits three images and Ben one (with a dog); Rosa starts on one
 * and accepts another; one is still in progress. */
static void
make_scene (Fixture *f,
            Scene   *s)
{
  g_autoptr(BwProject) project = bw_project_create (f->file, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (bw_project_ensure_person (project, "Ana", BW_ROLE_ANNOTATOR, &s->ana, NULL));
  g_assert_true (bw_project_ensure_person (project, "Ben", BW_ROLE_ANNOTATOR, &s->ben, NULL));
  g_assert_true (bw_project_ensure_person (project, "Rosa", BW_ROLE_REVIEWER, &s->rosa, NULL));
  g_assert_true (bw_project_add_category (project, "car", NULL, NULL, &s->car, NULL));
  g_assert_true (bw_project_add_category (project, "dog", NULL, NULL, &s->dog, NULL));

  s->first = add_work (project, "a/1.jpg", s->ana, s->car, 3, NULL);
  s->second = add_work (project, "a/2.jpg", s->ben, s->car, 1, NULL);
  {
    g_autoptr(BwShape) box = bw_shape_new_box (100, 100, 150, 150);

    g_assert_true (bw_project_add_annotation (project, s->second, s->dog, box, BW_SOURCE_DRAWN, 1.0,
                                              NULL, &error));
  }
  s->third = add_work (project, "a/3.jpg", s->ana, s->car, 2, NULL);
  s->fourth = add_work (project, "a/4.jpg", s->ana, s->car, 5, NULL);
  s->accepted = add_work (project, "a/5.jpg", s->ana, s->car, 1, NULL);
  s->in_progress = add_work (project, "a/6.jpg", s->ben, s->car, 1, NULL);

  submit (project, s->first);
  submit (project, s->second);
  submit (project, s->third);
  submit (project, s->accepted);
  submit (project, s->fourth);
  g_assert_true (bw_project_start_review (project, s->third, s->rosa, &error));
  g_assert_true (bw_project_accept_layer (project, s->accepted, s->rosa, NULL, NULL, &error));
  g_assert_no_error (error);
}

static const char *
member_string (JsonObject *object,
               const char *name)
{
  return json_object_get_string_member (object, name);
}

static void
test_review_list (Fixture       *f,
                  gconstpointer  data)
{
  Scene s;
  g_autoptr(JsonNode) root = NULL;
  JsonArray *queue;
  const char *paths[] = { "a/1.jpg", "a/2.jpg", "a/3.jpg", "a/4.jpg" };
  const char *annotators[] = { "Ana", "Ben", "Ana", "Ana" };
  const gint64 shapes[] = { 3, 2, 2, 5 };
  gint64 layers[4];
  char *previous = NULL;

  make_scene (f, &s);
  layers[0] = s.first;
  layers[1] = s.second;
  layers[2] = s.third;
  layers[3] = s.fourth;

  /* Everything submitted and not decided, oldest first; the accepted one
   * and the one in progress are not in it. */
  {
    g_auto(Run) run = run_cli (f, "review", "list", "p.boxwood", "--json", NULL);

    root = parse_json (&run);
  }
  queue = json_object_get_array_member (json_node_get_object (root), "queue");
  g_assert_cmpuint (json_array_get_length (queue), ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      JsonObject *item = json_array_get_object_element (queue, i);
      const char *when = member_string (item, "submitted_at");

      g_assert_cmpstr (member_string (item, "image"), ==, paths[i]);
      g_assert_cmpstr (member_string (item, "annotator"), ==, annotators[i]);
      g_assert_cmpint (json_object_get_int_member (item, "layer_id"), ==, layers[i]);
      g_assert_cmpint (json_object_get_int_member (item, "shapes"), ==, shapes[i]);
      g_assert_cmpint (json_object_get_int_member (item, "submission"), ==, 1);
      g_assert_false (json_object_get_boolean_member (item, "audited"));
      g_assert_cmpstr (member_string (item, "status"), ==, i == 2 ? "in_review" : "submitted");
      g_assert_true (g_str_has_suffix (when, "Z"));
      if (previous != NULL)
        g_assert_cmpint (strcmp (previous, when), <=, 0);
      previous = (char *) when;
    }

  /* Filtered by annotator, by category, by both. */
  {
    g_auto(Run) run = run_cli (f, "review", "list", "p.boxwood", "--json", "--annotator", "Ana", NULL);
    g_autoptr(JsonNode) ana = parse_json (&run);
    JsonArray *items = json_object_get_array_member (json_node_get_object (ana), "queue");

    g_assert_cmpuint (json_array_get_length (items), ==, 3);
    for (guint i = 0; i < 3; i++)
      g_assert_cmpstr (member_string (json_array_get_object_element (items, i), "annotator"), ==, "Ana");
  }
  {
    g_auto(Run) run = run_cli (f, "review", "list", "p.boxwood", "--json", "--category", "dog", NULL);
    g_autoptr(JsonNode) dog = parse_json (&run);
    JsonArray *items = json_object_get_array_member (json_node_get_object (dog), "queue");

    g_assert_cmpuint (json_array_get_length (items), ==, 1);
    g_assert_cmpstr (member_string (json_array_get_object_element (items, 0), "image"), ==, "a/2.jpg");
  }
  {
    g_auto(Run) run = run_cli (f, "review", "list", "p.boxwood", "--json",
                               "--category", "dog", "--annotator", "Ana", NULL);
    g_autoptr(JsonNode) none = parse_json (&run);

    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (none), "queue")),
                      ==, 0);
  }

  /* As text: a line per submission, in the same order. */
  {
    g_auto(Run) run = run_cli (f, "review", "list", "p.boxwood", NULL);
    const char *at = run.out;

    g_assert_cmpint (run.status, ==, 0);
    g_assert_nonnull (strstr (run.out, "4 submissions wait for review"));
    for (guint i = 0; i < 4; i++)
      {
        at = strstr (at, paths[i]);
        g_assert_nonnull (at);
      }
    g_assert_null (strstr (run.out, "a/5.jpg"));
  }

  /* Unknown names are usage errors that say which. */
  {
    g_auto(Run) run = run_cli (f, "review", "list", "p.boxwood", "--annotator", "Zoe", NULL);

    g_assert_cmpint (run.status, ==, 2);
    assert_one_error_line (&run, "Zoe");
  }
  {
    g_auto(Run) run = run_cli (f, "review", "list", "p.boxwood", "--category", "cat", NULL);

    g_assert_cmpint (run.status, ==, 2);
    assert_one_error_line (&run, "cat");
  }
  {
    g_auto(Run) run = run_cli (f, "review", "frobnicate", "p.boxwood", NULL);

    g_assert_cmpint (run.status, ==, 2);
    assert_one_error_line (&run, "frobnicate");
  }
}

/* review stats */

static JsonObject *
person (JsonArray  *people,
        const char *name)
{
  for (guint i = 0; i < json_array_get_length (people); i++)
    {
      JsonObject *p = json_array_get_object_element (people, i);

      if (g_strcmp0 (member_string (p, "name"), name) == 0)
        return p;
    }
  g_error ("no figures for %s", name);
}

static gint64
reason_count (JsonObject *p,
              const char *reason)
{
  JsonArray *reasons = json_object_get_array_member (p, "rejection_reasons");

  for (guint i = 0; i < json_array_get_length (reasons); i++)
    {
      JsonObject *r = json_array_get_object_element (reasons, i);

      if (g_strcmp0 (member_string (r, "reason"), reason) == 0)
        return json_object_get_int_member (r, "count");
    }
  return 0;
}

static gint64
reason_named (BwProject  *project,
              const char *name)
{
  g_autoptr(GPtrArray) reasons = bw_project_list_rejection_reasons (project, TRUE, NULL);

  for (guint i = 0; i < reasons->len; i++)
    if (g_strcmp0 (((BwRejectionReason *) reasons->pdata[i])->name, name) == 0)
      return ((BwRejectionReason *) reasons->pdata[i])->id;
  g_error ("no reason %s", name);
}

static void
test_review_stats (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  gint64 ana, ben, rosa, car, first, second, third;
  gint64 shapes[3], bens[1];
  JsonArray *people;
  JsonObject *p;

  {
    g_autoptr(BwProject) project = bw_project_create (f->file, NULL);
    g_autoptr(BwShape) moved = bw_shape_new_box (1, 1, 9, 29);

    g_assert_true (bw_project_ensure_person (project, "Ana", BW_ROLE_ANNOTATOR, &ana, NULL));
    g_assert_true (bw_project_ensure_person (project, "Ben", BW_ROLE_ANNOTATOR, &ben, NULL));
    g_assert_true (bw_project_ensure_person (project, "Rosa", BW_ROLE_REVIEWER, &rosa, NULL));
    g_assert_true (bw_project_add_category (project, "car", NULL, NULL, &car, NULL));

    /* Ana's first image is returned once (a loose box, a missed object),
     * fixed, resubmitted and accepted; her second is accepted at once. */
    first = add_work (project, "1.jpg", ana, car, 3, shapes);
    submit (project, first);
    g_assert_true (bw_project_review_annotation (project, shapes[0], rosa, BW_VERDICT_REJECT,
                                                 reason_named (project, "Box too loose"), "loose",
                                                 NULL, &error));
    g_assert_true (bw_project_return_layer (project, first, rosa, reason_named (project, "Missed object"),
                                            "one more car", NULL, &error));
    g_assert_true (bw_project_update_annotation_shape (project, shapes[0], moved, &error));
    submit (project, first);
    g_assert_true (bw_project_accept_layer (project, first, rosa, NULL, NULL, &error));

    second = add_work (project, "2.jpg", ana, car, 1, NULL);
    submit (project, second);
    g_assert_true (bw_project_accept_layer (project, second, rosa, NULL, NULL, &error));

    /* Ben's box is fixed by the reviewer, then accepted. */
    third = add_work (project, "3.jpg", ben, car, 1, bens);
    submit (project, third);
    g_assert_true (bw_project_fix_annotation (project, bens[0], rosa, moved, 0,
                                              reason_named (project, "Wrong category"), NULL, NULL, &error));
    g_assert_true (bw_project_accept_layer (project, third, rosa, NULL, NULL, &error));

    g_assert_true (bw_project_add_work_time (project, 1, ana, BW_TASK_ANNOTATE, 90, &error));
    g_assert_true (bw_project_add_work_time (project, 2, ana, BW_TASK_ANNOTATE, 3600, &error));
    g_assert_true (bw_project_add_work_time (project, 1, rosa, BW_TASK_REVIEW, 45.5, &error));
    g_assert_no_error (error);
  }

  {
    g_auto(Run) run = run_cli (f, "review", "stats", "p.boxwood", "--json", NULL);

    root = parse_json (&run);
  }
  people = json_object_get_array_member (json_node_get_object (root), "people");
  g_assert_cmpuint (json_array_get_length (people), ==, 3);

  p = person (people, "Ana");
  g_assert_cmpint (json_object_get_int_member (p, "submitted"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (p, "accepted"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (p, "returned"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (p, "first_reviewed"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (p, "first_pass_accepted"), ==, 1);
  g_assert_cmpfloat (json_object_get_double_member (p, "first_pass_acceptance"), ==, 0.5);
  g_assert_cmpint (reason_count (p, "Box too loose"), ==, 1);
  g_assert_cmpint (reason_count (p, "Missed object"), ==, 1);
  g_assert_cmpint (reason_count (p, "Wrong category"), ==, 0);
  g_assert_cmpfloat (json_object_get_double_member (p, "annotate_seconds"), ==, 3690);

  p = person (people, "Ben");
  g_assert_cmpint (json_object_get_int_member (p, "submitted"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (p, "accepted"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (p, "returned"), ==, 0);
  g_assert_cmpfloat (json_object_get_double_member (p, "first_pass_acceptance"), ==, 1.0);
  g_assert_cmpint (reason_count (p, "Wrong category"), ==, 1);

  p = person (people, "Rosa");
  g_assert_cmpint (json_object_get_int_member (p, "submitted"), ==, 0);
  g_assert_true (json_object_get_null_member (p, "first_pass_acceptance"));
  g_assert_cmpfloat (json_object_get_double_member (p, "review_seconds"), ==, 45.5);

  /* As text: one line each, the reasons under Ana's, her hour of work. */
  {
    g_auto(Run) run = run_cli (f, "review", "stats", "p.boxwood", NULL);

    g_assert_cmpint (run.status, ==, 0);
    g_assert_nonnull (strstr (run.out, "Ana "));
    g_assert_nonnull (strstr (run.out, "1/2 0.500 ["));
    g_assert_nonnull (strstr (run.out, "Rejection reasons: "));
    g_assert_nonnull (strstr (run.out, "1 h 01 min"));
    g_assert_nonnull (strstr (run.out, "46 s"));
  }
}

/* audit */

/* @n_before layers submitted before audits are set up, then
 * `audit --rate … --seed @seed --policy hold`, then @n_after more
 * submitted. Returns the layers of those after, in order. */
static GArray *
make_audited (Fixture    *f,
              const char *name,
              const char *seed,
              guint       n_before,
              guint       n_after)
{
  g_autofree char *path = g_build_filename (f->dir, name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  GArray *after = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(JsonNode) root = NULL;
  JsonObject *o;
  gint64 ana, car;

  {
    g_autoptr(BwProject) project = bw_project_create (file, NULL);

    g_assert_true (bw_project_ensure_person (project, "Ana", BW_ROLE_ANNOTATOR, &ana, NULL));
    g_assert_true (bw_project_add_category (project, "car", NULL, NULL, &car, NULL));
    for (guint i = 0; i < n_before; i++)
      {
        g_autofree char *image = g_strdup_printf ("before/%u.jpg", i);

        g_assert_true (bw_project_submit_layer (project, add_work (project, image, ana, car, 1, NULL), &error));
      }
  }

  {
    g_auto(Run) run = run_cli (f, "audit", name, "--rate", "10%", "--seed", seed, "--policy", "hold",
                               "--json", NULL);

    root = parse_json (&run);
  }
  o = json_node_get_object (root);
  g_assert_true (json_object_get_boolean_member (o, "enabled"));
  g_assert_cmpfloat (json_object_get_double_member (o, "rate"), ==, 0.1);
  g_assert_cmpstr (member_string (o, "seed"), ==, seed);
  g_assert_cmpstr (member_string (o, "policy"), ==, "hold");
  g_assert_cmpint (json_object_get_int_member (o, "drawn"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (o, "waiting_undrawn"), ==, n_before);

  {
    g_autoptr(BwProject) project = bw_project_open (file, &error);
    BwAuditSettings audit;

    g_assert_no_error (error);
    g_assert_true (bw_project_get_audit_settings (project, &audit, &error));
    g_assert_true (audit.enabled);
    g_assert_cmpfloat (audit.rate, ==, 0.1);
    g_assert_cmpuint (audit.seed, ==, g_ascii_strtoull (seed, NULL, 10));
    g_assert_cmpint (audit.policy, ==, BW_AUDIT_POLICY_HOLD);

    g_assert_true (bw_project_begin (project, &error));
    for (guint i = 0; i < n_after; i++)
      {
        g_autofree char *image = g_strdup_printf ("after/%u.jpg", i);
        gint64 layer = add_work (project, image, ana, car, 1, NULL);

        g_assert_true (bw_project_submit_layer (project, layer, &error));
        g_array_append_val (after, layer);
      }
    g_assert_true (bw_project_commit (project, &error));
  }
  return after;
}

/* The sampled layers that `audit --json` prints, in order. */
static GArray *
printed_sample (Fixture    *f,
                const char *name,
                gint64     *out_drawn)
{
  g_auto(Run) run = run_cli (f, "audit", name, "--json", NULL);
  g_autoptr(JsonNode) root = parse_json (&run);
  JsonObject *o = json_node_get_object (root);
  JsonArray *samples = json_object_get_array_member (o, "samples");
  GArray *layers = g_array_new (FALSE, FALSE, sizeof (gint64));

  *out_drawn = json_object_get_int_member (o, "drawn");
  g_assert_cmpint (json_object_get_int_member (o, "sampled"), ==, json_array_get_length (samples));
  for (guint i = 0; i < json_array_get_length (samples); i++)
    {
      JsonObject *s = json_array_get_object_element (samples, i);
      gint64 layer = json_object_get_int_member (s, "layer_id");

      g_assert_cmpint (json_object_get_int_member (s, "submission"), ==, 1);
      g_assert_cmpfloat (json_object_get_double_member (s, "draw"), <, 0.1);
      g_assert_false (json_object_get_boolean_member (s, "reviewed"));
      g_array_append_val (layers, layer);
    }
  return layers;
}

static void
test_audit_sample (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GArray) after = make_audited (f, "a.boxwood", "42", 3, 300);
  /* made for the files they write */
  g_autoptr(GArray) G_GNUC_UNUSED again = make_audited (f, "b.boxwood", "42", 3, 300);
  g_autoptr(GArray) G_GNUC_UNUSED other = make_audited (f, "c.boxwood", "43", 3, 300);
  g_autoptr(GArray) a = NULL, b = NULL, c = NULL;
  g_autoptr(GArray) expected = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 drawn;

  /* What is printed is what the seed and the ids decide. */
  for (guint i = 0; i < after->len; i++)
    if (bw_audit_draw (42, g_array_index (after, gint64, i), 1) < 0.1)
      g_array_append_val (expected, g_array_index (after, gint64, i));
  a = printed_sample (f, "a.boxwood", &drawn);
  g_assert_cmpint (drawn, ==, 300);
  g_assert_cmpuint (a->len, >, 0);
  g_assert_cmpmem (a->data, a->len * sizeof (gint64), expected->data, expected->len * sizeof (gint64));

  /* The same seed, the same sample; another seed, another. */
  b = printed_sample (f, "b.boxwood", &drawn);
  g_assert_cmpmem (a->data, a->len * sizeof (gint64), b->data, b->len * sizeof (gint64));
  c = printed_sample (f, "c.boxwood", &drawn);
  g_assert_false (a->len == c->len && memcmp (a->data, c->data, a->len * sizeof (gint64)) == 0);

  /* The review queue holds the sample (marked) and the three submitted
   * before audits were set up; the rest are held, out of it. */
  {
    g_auto(Run) run = run_cli (f, "review", "list", "a.boxwood", "--json", NULL);
    g_autoptr(JsonNode) root = parse_json (&run);
    JsonArray *queue = json_object_get_array_member (json_node_get_object (root), "queue");
    guint audited = 0;

    g_assert_cmpuint (json_array_get_length (queue), ==, 3 + a->len);
    for (guint i = 0; i < json_array_get_length (queue); i++)
      {
        JsonObject *item = json_array_get_object_element (queue, i);

        if (json_object_get_boolean_member (item, "audited"))
          {
            g_assert_cmpint (json_object_get_int_member (item, "layer_id"), ==,
                             g_array_index (a, gint64, audited));
            audited++;
          }
        else
          g_assert_true (g_str_has_prefix (member_string (item, "image"), "before/"));
      }
    g_assert_cmpuint (audited, ==, a->len);
  }

  /* As text: the settings, the share, a line per sampled submission, the
   * three waiting from before. */
  {
    g_auto(Run) run = run_cli (f, "audit", "a.boxwood", NULL);
    g_autofree char *share = g_strdup_printf ("%u of 300 submissions drawn so far were sampled", a->len);

    g_assert_cmpint (run.status, ==, 0);
    g_assert_nonnull (strstr (run.out, "10 % of submissions are sampled for review (seed 42)"));
    g_assert_nonnull (strstr (run.out, "held as submitted"));
    g_assert_nonnull (strstr (run.out, share));
    g_assert_nonnull (strstr (run.out, "3 submissions handed in before audits were set up"));
  }
}

static void
test_audit_settings (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  BwAuditSettings audit;

  {
    g_autoptr(BwProject) G_GNUC_UNUSED project = bw_project_create (f->file, &error);

    g_assert_no_error (error);
  }

  /* Off: showing says so; a seed or a policy alone needs a rate first. */
  {
    g_auto(Run) run = run_cli (f, "audit", "p.boxwood", NULL);

    g_assert_cmpint (run.status, ==, 0);
    g_assert_nonnull (strstr (run.out, "Random audits are off"));
  }
  {
    g_auto(Run) run = run_cli (f, "audit", "p.boxwood", "--seed", "5", NULL);

    g_assert_cmpint (run.status, ==, 2);
    assert_one_error_line (&run, "--rate");
  }

  /* On without a seed: a random one, kept when only the policy changes. */
  {
    g_auto(Run) run = run_cli (f, "audit", "p.boxwood", "--rate", "0.25", NULL);

    g_assert_cmpint (run.status, ==, 0);
    g_assert_nonnull (strstr (run.out, "25 % of submissions"));
    g_assert_nonnull (strstr (run.out, "accepted when they are submitted"));
  }
  {
    g_autoptr(BwProject) project = bw_project_open (f->file, &error);
    guint64 seed;

    g_assert_true (bw_project_get_audit_settings (project, &audit, &error));
    g_assert_true (audit.enabled);
    g_assert_cmpfloat (audit.rate, ==, 0.25);
    g_assert_cmpint (audit.policy, ==, BW_AUDIT_POLICY_ACCEPT);
    seed = audit.seed;
    g_clear_object (&project);

    {
      g_auto(Run) run = run_cli (f, "audit", "p.boxwood", "--policy", "hold", NULL);

      g_assert_cmpint (run.status, ==, 0);
    }
    project = bw_project_open (f->file, &error);
    g_assert_true (bw_project_get_audit_settings (project, &audit, &error));
    g_assert_cmpuint (audit.seed, ==, seed);
    g_assert_cmpint (audit.policy, ==, BW_AUDIT_POLICY_HOLD);
    g_assert_cmpfloat (audit.rate, ==, 0.25);
  }

  /* Off again. */
  {
    g_auto(Run) run = run_cli (f, "audit", "p.boxwood", "--off", "--json", NULL);
    g_autoptr(JsonNode) root = parse_json (&run);

    g_assert_false (json_object_get_boolean_member (json_node_get_object (root), "enabled"));
  }
  {
    g_autoptr(BwProject) project = bw_project_open (f->file, &error);

    g_assert_true (bw_project_get_audit_settings (project, &audit, &error));
    g_assert_false (audit.enabled);
  }

  /* Usage errors change nothing and say what is wrong. */
  {
    const char *bad[][3] = {
      { "--rate", "1.5", "--rate" },
      { "--rate", "ten", "--rate" },
      { "--rate", "-1%", "--rate" },
      { "--seed", "-3", "--seed" },
      { "--policy", "maybe", "maybe" },
      { "--margin", "0", "--margin" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_auto(Run) run = run_cli (f, "audit", "p.boxwood", bad[i][0], bad[i][1], NULL);

        g_assert_cmpint (run.status, ==, 2);
        assert_one_error_line (&run, bad[i][2]);
      }
  }
  {
    g_auto(Run) run = run_cli (f, "audit", "p.boxwood", "--off", "--rate", "0.1", NULL);

    g_assert_cmpint (run.status, ==, 2);
    assert_one_error_line (&run, "--off");
  }
}

/* Every submission sampled; Ana's six boxes judged, one rejected; Ben's
 * work waits. The report says how many and that it is too few. */
static void
test_audit_report (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *o, *ana_f, *all;
  JsonArray *annotators;

  {
    g_autoptr(BwProject) project = bw_project_create (f->file, NULL);
    BwAuditSettings audit = { TRUE, 1.0, 9, BW_AUDIT_POLICY_ACCEPT };
    gint64 ana, ben, rosa, car, shapes[3], layer;

    g_assert_true (bw_project_set_audit_settings (project, &audit, &error));
    g_assert_true (bw_project_ensure_person (project, "Ana", BW_ROLE_ANNOTATOR, &ana, NULL));
    g_assert_true (bw_project_ensure_person (project, "Ben", BW_ROLE_ANNOTATOR, &ben, NULL));
    g_assert_true (bw_project_ensure_person (project, "Rosa", BW_ROLE_REVIEWER, &rosa, NULL));
    g_assert_true (bw_project_add_category (project, "car", NULL, NULL, &car, NULL));

    layer = add_work (project, "1.jpg", ana, car, 3, shapes);
    submit (project, layer);
    g_assert_true (bw_project_review_annotation (project, shapes[1], rosa, BW_VERDICT_REJECT, 0, NULL,
                                                 NULL, &error));
    g_assert_true (bw_project_accept_layer (project, layer, rosa, NULL, NULL, &error));
    layer = add_work (project, "2.jpg", ana, car, 3, NULL);
    submit (project, layer);
    g_assert_true (bw_project_accept_layer (project, layer, rosa, NULL, NULL, &error));
    submit (project, add_work (project, "3.jpg", ben, car, 2, NULL));
    g_assert_no_error (error);
  }

  {
    g_auto(Run) run = run_cli (f, "audit", "p.boxwood", "--report", "--margin", "0.1", "--json", NULL);

    root = parse_json (&run);
  }
  o = json_node_get_object (root);
  g_assert_cmpfloat (json_object_get_double_member (o, "margin"), ==, 0.1);
  annotators = json_object_get_array_member (o, "annotators");
  g_assert_cmpuint (json_array_get_length (annotators), ==, 2);
  ana_f = json_array_get_object_element (annotators, 0);
  g_assert_cmpstr (member_string (ana_f, "annotator"), ==, "Ana");
  g_assert_cmpint (json_object_get_int_member (ana_f, "submissions_sampled"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (ana_f, "submissions_reviewed"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (ana_f, "annotations_judged"), ==, 6);
  g_assert_cmpint (json_object_get_int_member (ana_f, "annotations_rejected"), ==, 1);
  g_assert_cmpfloat (json_object_get_double_member (ana_f, "rejection_rate"), ==, 1.0 / 6.0);
  g_assert_cmpint (json_object_get_int_member (ana_f, "needed"), >, 6);
  g_assert_false (json_object_get_boolean_member (ana_f, "enough"));
  g_assert_true (json_object_get_null_member (json_array_get_object_element (annotators, 1),
                                              "rejection_rate"));
  all = json_object_get_object_member (o, "overall");
  g_assert_false (json_object_has_member (all, "annotator"));
  g_assert_cmpint (json_object_get_int_member (all, "submissions_sampled"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (all, "annotations_judged"), ==, 6);

  {
    g_auto(Run) run = run_cli (f, "audit", "p.boxwood", "--report", NULL);

    g_assert_cmpint (run.status, ==, 0);
    g_assert_nonnull (strstr (run.out, "0.167 ["));
    g_assert_nonnull (strstr (run.out, "n too small"));
    g_assert_nonnull (strstr (run.out, "nothing judged yet"));
    g_assert_nonnull (strstr (run.out, "Everyone"));
  }
}

/* import coco --as into work that is in review or accepted */

static void
write_coco (Fixture    *f,
            const char *file_name)
{
  g_autofree char *path = g_build_filename (f->dir, "delivery.json", NULL);
  g_autofree char *text = g_strdup_printf (
    "{\"images\":[{\"id\":1,\"file_name\":\"%s\",\"width\":640,\"height\":480}],"
    "\"categories\":[{\"id\":1,\"name\":\"car\"}],"
    "\"annotations\":[{\"id\":1,\"image_id\":1,\"category_id\":1,"
    "\"bbox\":[200,200,50,40],\"area\":2000,\"iscrowd\":0,\"segmentation\":[]}]}",
    file_name);

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
}

static guint
count_shapes (Fixture *f,
              gint64   layer)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwProject) project = bw_project_open (f->file, &error);
  g_autoptr(GPtrArray) shapes = bw_project_list_annotations (project, layer, &error);

  g_assert_no_error (error);
  return shapes->len;
}

static void
test_import_as_in_review (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 ana, rosa, car, in_review, accepted, returned;

  {
    g_autoptr(BwProject) project = bw_project_create (f->file, NULL);

    g_assert_true (bw_project_ensure_person (project, "Ana", BW_ROLE_ANNOTATOR, &ana, NULL));
    g_assert_true (bw_project_ensure_person (project, "Rosa", BW_ROLE_REVIEWER, &rosa, NULL));
    g_assert_true (bw_project_add_category (project, "car", NULL, NULL, &car, NULL));
    in_review = add_work (project, "photos/a.jpg", ana, car, 1, NULL);
    accepted = add_work (project, "photos/b.jpg", ana, car, 1, NULL);
    returned = add_work (project, "photos/c.jpg", ana, car, 1, NULL);
    submit (project, in_review);
    submit (project, accepted);
    submit (project, returned);
    g_assert_true (bw_project_start_review (project, in_review, rosa, &error));
    g_assert_true (bw_project_accept_layer (project, accepted, rosa, NULL, NULL, &error));
    g_assert_true (bw_project_return_layer (project, returned, rosa, 0, "a car is missing", NULL, &error));
    add_image (project, "photos/d.jpg");
    g_assert_no_error (error);
  }

  /* The images are found in the project; their folder must exist. */
  {
    g_autofree char *photos = g_build_filename (f->dir, "photos", NULL);

    g_assert_cmpint (g_mkdir (photos, 0700), ==, 0);
  }

  /* Refused, naming the image and its state; nothing changes. */
  write_coco (f, "a.jpg");
  {
    g_auto(Run) run = run_cli (f, "import", "coco", "p.boxwood", "delivery.json",
                               "--images", "photos", "--as", "Ana", NULL);

    g_assert_cmpint (run.status, ==, 1);
    assert_one_error_line (&run, "“photos/a.jpg” is in review");
  }
  g_assert_cmpuint (count_shapes (f, in_review), ==, 1);

  write_coco (f, "b.jpg");
  {
    g_auto(Run) run = run_cli (f, "import", "coco", "p.boxwood", "delivery.json",
                               "--images", "photos", "--as", "Ana", NULL);

    g_assert_cmpint (run.status, ==, 1);
    assert_one_error_line (&run, "“photos/b.jpg” was accepted");
  }
  g_assert_cmpuint (count_shapes (f, accepted), ==, 1);

  /* Returned work takes the delivery and goes back to review; an image
   * Ana had not touched gets her submitted work. */
  write_coco (f, "c.jpg");
  {
    g_auto(Run) run = run_cli (f, "import", "coco", "p.boxwood", "delivery.json",
                               "--images", "photos", "--as", "Ana", NULL);

    if (run.status != 0)
      g_error ("import failed: %s", run.err);
  }
  g_assert_cmpuint (count_shapes (f, returned), ==, 2);
  write_coco (f, "d.jpg");
  {
    g_auto(Run) run = run_cli (f, "import", "coco", "p.boxwood", "delivery.json",
                               "--images", "photos", "--as", "Ana", NULL);

    if (run.status != 0)
      g_error ("import failed: %s", run.err);
  }
  {
    g_auto(Run) run = run_cli (f, "review", "list", "p.boxwood", "--json", NULL);
    g_autoptr(JsonNode) root = parse_json (&run);
    JsonArray *queue = json_object_get_array_member (json_node_get_object (root), "queue");
    JsonObject *again, *fresh;

    g_assert_cmpuint (json_array_get_length (queue), ==, 3);
    g_assert_cmpstr (member_string (json_array_get_object_element (queue, 0), "image"), ==, "photos/a.jpg");
    again = json_array_get_object_element (queue, 1);
    fresh = json_array_get_object_element (queue, 2);
    g_assert_cmpstr (member_string (again, "image"), ==, "photos/c.jpg");
    g_assert_cmpint (json_object_get_int_member (again, "submission"), ==, 2);
    g_assert_cmpint (json_object_get_int_member (again, "shapes"), ==, 2);
    g_assert_cmpstr (member_string (fresh, "image"), ==, "photos/d.jpg");
    g_assert_cmpstr (member_string (fresh, "annotator"), ==, "Ana");
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/cli/review/list", test_review_list);
  ADD ("/cli/review/stats", test_review_stats);
  ADD ("/cli/audit/settings", test_audit_settings);
  ADD ("/cli/audit/sample", test_audit_sample);
  ADD ("/cli/audit/report", test_audit_report);
  ADD ("/cli/import/coco-as-in-review", test_import_as_in_review);

  return g_test_run ();
}
