/* test-cli-taxonomy.c — boxwood-cli taxonomy, end to end
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs the real program (BOXWOOD_CLI, set by tests/meson.build) on
 * projects made here, and checks exit codes, output and the project file.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <json-glib/json-glib.h>
#include <sys/wait.h>

#include "bw-project.h"

typedef struct
{
  char *dir;
  char *project;                /* path of a project with an image and a layer */
  char *other;                  /* path of an empty project */
  gint64 layer_id;
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
run_cli (Run        *run,
         const char *first,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *cli = g_getenv ("BOXWOOD_CLI");
  const char *arg;
  va_list args;
  int wait_status = 0;

  g_assert_nonnull (cli);
  g_ptr_array_add (argv, (char *) cli);
  va_start (args, first);
  for (arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                &run->out, &run->err, &wait_status, &error);
  g_assert_no_error (error);
  run->status = WIFEXITED (wait_status) ? WEXITSTATUS (wait_status) : -1;
  g_test_message ("exit %d\nstdout: %s\nstderr: %s", run->status, run->out, run->err);
}

/* One line, starting with the program's name. */
static void
assert_one_error_line (const Run  *run,
                       const char *part)
{
  g_assert_true (g_str_has_prefix (run->err, "boxwood-cli: "));
  g_assert_nonnull (strchr (run->err, '\n'));
  g_assert_cmpstr (strchr (run->err, '\n') + 1, ==, "");
  if (part != NULL && strstr (run->err, part) == NULL)
    g_error ("“%s” not in: %s", part, run->err);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFile) other_file = NULL;
  g_autoptr(BwProject) project = NULL;
  g_autoptr(BwProject) other = NULL;
  BwImage image = { .path = (char *) "a.jpg", .width = 10, .height = 10, .content_hash = (char *) "00" };
  gint64 image_id = 0, person_id = 0;

  fixture->dir = g_dir_make_tmp ("bw-test-cli-taxonomy-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->project = g_build_filename (fixture->dir, "p.boxwood", NULL);
  fixture->other = g_build_filename (fixture->dir, "other.boxwood", NULL);

  file = g_file_new_for_path (fixture->project);
  project = bw_project_create (file, &error);
  g_assert_no_error (error);
  g_assert_true (bw_project_add_image (project, &image, &image_id, &error));
  g_assert_true (bw_project_ensure_person (project, "ann", BW_ROLE_ANNOTATOR, &person_id, &error));
  g_assert_true (bw_project_ensure_layer (project, image_id, person_id, BW_LAYER_KIND_WORK,
                                          &fixture->layer_id, &error));
  g_assert_no_error (error);

  other_file = g_file_new_for_path (fixture->other);
  other = bw_project_create (other_file, &error);
  g_assert_no_error (error);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    {
      g_remove (path);
      return;
    }
  while ((name = g_dir_read_name (dir)))
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      remove_tree (child);
    }
  g_rmdir (path);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->project);
  g_free (fixture->other);
}

static BwProject *
open_project (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  BwProject *project = bw_project_open (file, &error);

  g_assert_no_error (error);
  return project;
}

static void
annotate (Fixture    *fixture,
          const char *category,
          guint       n)
{
  g_autoptr(BwProject) project = open_project (fixture->project);
  gint64 id = bw_project_find_category_by_name (project, category);

  g_assert_cmpint (id, >, 0);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BwShape) shape = bw_shape_new_box (0, 0, 5, 5);
      g_autoptr(GError) error = NULL;

      g_assert_true (bw_project_add_annotation (project, fixture->layer_id, id, shape,
                                                BW_SOURCE_DRAWN, 1.0, NULL, &error));
      g_assert_no_error (error);
    }
}

static JsonArray *
list_json (const char *project,
           JsonNode  **out_root)
{
  g_auto(Run) run = { 0 };
  g_autoptr(GError) error = NULL;
  JsonNode *root;

  run_cli (&run, "taxonomy", "list", project, "--json", NULL);
  g_assert_cmpint (run.status, ==, 0);
  root = json_from_string (run.out, &error);
  g_assert_no_error (error);
  *out_root = root;
  return json_object_get_array_member (json_node_get_object (root), "categories");
}

static void
test_add_list (Fixture       *fixture,
               gconstpointer  data)
{
  g_auto(Run) run = { 0 };
  g_autoptr(JsonNode) root = NULL;
  JsonArray *categories;
  JsonObject *car;

  run_cli (&run, "taxonomy", "add", fixture->project, "car",
           "--supercategory", "vehicle", "--color", "#102030", "--hotkey", "C",
           "--guideline", "Whole car.\n\nMirrors too.", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, "1\n");
  run_clear (&run);

  run_cli (&run, "taxonomy", "add", fixture->project, "person", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, "2\n");
  run_clear (&run);

  run_cli (&run, "taxonomy", "list", fixture->project, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "car (vehicle)"));
  g_assert_nonnull (strstr (run.out, "#102030"));
  /* person has no hotkey: the second digit picks it. */
  g_assert_true (g_regex_match_simple ("^\\s+2\\s+2\\s+#[0-9a-f]{6}\\s+0\\s+person$", run.out,
                                          G_REGEX_MULTILINE, 0));
  run_clear (&run);

  categories = list_json (fixture->project, &root);
  g_assert_cmpint (json_array_get_length (categories), ==, 2);
  car = json_array_get_object_element (categories, 0);
  g_assert_cmpint (json_object_get_int_member (car, "id"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (car, "name"), ==, "car");
  g_assert_cmpstr (json_object_get_string_member (car, "supercategory"), ==, "vehicle");
  g_assert_cmpstr (json_object_get_string_member (car, "color"), ==, "#102030");
  g_assert_cmpstr (json_object_get_string_member (car, "hotkey"), ==, "c");
  g_assert_cmpstr (json_object_get_string_member (car, "guideline"), ==, "Whole car.\n\nMirrors too.");
  g_assert_cmpint (json_object_get_int_member (car, "annotations"), ==, 0);

  /* Refusals: one line, exit 1, nothing added. */
  run_cli (&run, "taxonomy", "add", fixture->project, "CAR", NULL);
  g_assert_cmpint (run.status, ==, 1);
  assert_one_error_line (&run, "car");
  run_clear (&run);
  run_cli (&run, "taxonomy", "add", fixture->project, "bus", "--hotkey", "v", NULL);
  g_assert_cmpint (run.status, ==, 1);
  assert_one_error_line (&run, "canvas");
  run_clear (&run);
  run_cli (&run, "taxonomy", "add", fixture->project, "bus", "--color", "blue", NULL);
  g_assert_cmpint (run.status, ==, 1);
  assert_one_error_line (&run, "blue");
  run_clear (&run);

  g_clear_pointer (&root, json_node_unref);
  categories = list_json (fixture->project, &root);
  g_assert_cmpint (json_array_get_length (categories), ==, 2);
}

static void
test_export_import (Fixture       *fixture,
                    gconstpointer  data)
{
  g_auto(Run) run = { 0 };
  g_autofree char *out = g_build_filename (fixture->dir, "taxonomy.json", NULL);
  g_autoptr(JsonNode) ours = NULL;
  g_autoptr(JsonNode) theirs = NULL;
  g_autofree char *ours_text = NULL;
  g_autofree char *theirs_text = NULL;

  run_cli (&run, "taxonomy", "add", fixture->project, "car", "-s", "vehicle", "-k", "c", NULL);
  run_clear (&run);
  run_cli (&run, "taxonomy", "add", fixture->project, "gone", NULL);
  run_clear (&run);
  run_cli (&run, "taxonomy", "add", fixture->project, "tree", "-g", "Trunk and crown.", NULL);
  run_clear (&run);
  run_cli (&run, "taxonomy", "delete", fixture->project, "gone", NULL);
  g_assert_cmpint (run.status, ==, 0);
  run_clear (&run);

  run_cli (&run, "taxonomy", "export", fixture->project, out, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_true (g_file_test (out, G_FILE_TEST_IS_REGULAR));
  run_clear (&run);

  run_cli (&run, "taxonomy", "import", fixture->other, out, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "added: car"));
  g_assert_nonnull (strstr (run.out, "2 added, 0 updated, 0 unchanged, 0 clashes"));
  run_clear (&run);

  list_json (fixture->project, &ours);
  list_json (fixture->other, &theirs);
  ours_text = json_to_string (ours, TRUE);
  theirs_text = json_to_string (theirs, TRUE);
  g_assert_cmpstr (ours_text, ==, theirs_text);
  /* The ids survive, gap included. */
  g_assert_nonnull (strstr (theirs_text, "\"id\" : 3"));

  run_cli (&run, "taxonomy", "import", fixture->other, out, "--quiet", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, "0 added, 0 updated, 2 unchanged, 0 clashes\n");
}

static void
test_import_hostile (Fixture       *fixture,
                     gconstpointer  data)
{
  const char *files[][2] = {
    { "deep.json", NULL },
    { "dupes.json", "[{\"name\": \"a\"}, {\"name\": \"A\"}]" },
    { "types.json", "{\"categories\": [{\"name\": [\"a\"]}]}" },
    { "truncated.json", "{\"categories\": [{\"name\": \"a\"}" },
    /* Refused by import coco, so refused here: json-glib alone took each. */
    { "nul.json", "{\"categories\": [{\"name\": \"a\\u0000b\"}]}" },
    { "member-twice.json", "{\"categories\": [{\"name\": \"a\", \"name\": \"b\"}]}" },
    { "comment.json", "{\"categories\": [/* a */ {\"name\": \"a\"}]}" },
    { "line-comment.json", "// taxonomy\n{\"categories\": [{\"name\": \"a\"}]}" },
    { "version.json", "{\"boxwood_taxonomy\": 999, \"categories\": [{\"name\": \"a\"}]}" },
    { "version-zero.json", "{\"boxwood_taxonomy\": 0, \"categories\": [{\"name\": \"a\"}]}" },
    /* Over 32 MB only "categories" is parsed; the rest is still checked. */
    { "big-version.json", NULL },
    { "big-member-twice.json", NULL },
    { "big-nul.json", NULL },
  };
  g_autoptr(JsonNode) before = NULL;
  g_autofree char *before_text = NULL;

  {
    g_auto(Run) run = { 0 };

    run_cli (&run, "taxonomy", "add", fixture->project, "keep", NULL);
  }
  list_json (fixture->project, &before);
  before_text = json_to_string (before, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (fixture->dir, files[i][0], NULL);
      g_autoptr(JsonNode) after = NULL;
      g_autofree char *after_text = NULL;
      g_auto(Run) run = { 0 };

      if (files[i][1] != NULL)
        g_assert_true (g_file_set_contents (path, files[i][1], -1, NULL));
      else if (g_str_has_prefix (files[i][0], "big-"))
        {
          g_autoptr(GString) big = g_string_new ("{\"categories\": [{\"name\": \"z\"}], \"images\": [");

          for (guint n = 0; big->len < (34 << 20); n++)
            g_string_append_printf (big, "%s{\"id\": %u, \"file_name\": \"images/%08u.jpg\"}", n ? ", " : "", n, n);
          g_string_append (big, "]");
          if (strcmp (files[i][0], "big-version.json") == 0)
            g_string_append (big, ", \"boxwood_taxonomy\": 999");
          else if (strcmp (files[i][0], "big-member-twice.json") == 0)
            g_string_append (big, ", \"images\": []");
          else
            g_string_append (big, ", \"info\": {\"x\": \"a\\u0000\"}");
          g_string_append (big, "}");
          g_assert_true (g_file_set_contents (path, big->str, big->len, NULL));
        }
      else
        {
          g_autoptr(GString) deep = g_string_new ("[{\"name\": \"x\", \"y\": ");

          for (guint n = 0; n < 50000; n++)
            g_string_append_c (deep, '{');
          g_assert_true (g_file_set_contents (path, deep->str, deep->len, NULL));
        }

      run_cli (&run, "taxonomy", "import", fixture->project, path, NULL);
      g_assert_cmpint (run.status, ==, 1);
      assert_one_error_line (&run, files[i][0]);
      g_assert_cmpstr (run.out, ==, "");

      list_json (fixture->project, &after);
      after_text = json_to_string (after, FALSE);
      g_assert_cmpstr (before_text, ==, after_text);
    }
}

static void
test_merge_delete (Fixture       *fixture,
                   gconstpointer  data)
{
  g_auto(Run) run = { 0 };
  g_autoptr(BwProject) project = NULL;

  run_cli (&run, "taxonomy", "add", fixture->project, "car", NULL);
  run_clear (&run);
  run_cli (&run, "taxonomy", "add", fixture->project, "auto", NULL);
  run_clear (&run);
  run_cli (&run, "taxonomy", "add", fixture->project, "truck", NULL);
  run_clear (&run);
  annotate (fixture, "car", 2);
  annotate (fixture, "auto", 3);
  annotate (fixture, "truck", 1);

  run_cli (&run, "taxonomy", "merge", fixture->project, "auto", "car", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, "3 annotations moved\n");
  run_clear (&run);

  /* Deleting a category with annotations needs a choice. */
  run_cli (&run, "taxonomy", "delete", fixture->project, "truck", NULL);
  g_assert_cmpint (run.status, ==, 1);
  assert_one_error_line (&run, "1 annotation");
  run_clear (&run);
  run_cli (&run, "taxonomy", "delete", fixture->project, "truck", "--move-to", "car",
           "--delete-annotations", NULL);
  g_assert_cmpint (run.status, ==, 2);
  run_clear (&run);
  run_cli (&run, "taxonomy", "delete", fixture->project, "truck", "--move-to", "nope", NULL);
  g_assert_cmpint (run.status, ==, 1);
  assert_one_error_line (&run, "nope");
  run_clear (&run);

  project = open_project (fixture->project);
  g_assert_cmpint (bw_project_count_category_annotations (project, bw_project_find_category_by_name (project, "car")), ==, 5);
  g_assert_cmpint (bw_project_find_category_by_name (project, "auto"), ==, 0);
  g_assert_cmpint (bw_project_count_category_annotations (project, bw_project_find_category_by_name (project, "truck")), ==, 1);
  g_clear_object (&project);

  run_cli (&run, "taxonomy", "delete", fixture->project, "truck", "--delete-annotations", NULL);
  g_assert_cmpint (run.status, ==, 0);
  run_clear (&run);

  project = open_project (fixture->project);
  g_assert_cmpint (bw_project_find_category_by_name (project, "truck"), ==, 0);
  g_assert_cmpint (bw_project_count_category_annotations (project, bw_project_find_category_by_name (project, "car")), ==, 5);
}

static void
test_usage (Fixture       *fixture,
            gconstpointer  data)
{
  const char *subcommands[] = { "list", "export", "import", "add", "merge", "delete" };

  for (guint i = 0; i < G_N_ELEMENTS (subcommands); i++)
    {
      g_auto(Run) help = { 0 };
      g_auto(Run) bare = { 0 };

      run_cli (&help, "taxonomy", subcommands[i], "--help", NULL);
      g_assert_cmpint (help.status, ==, 0);
      g_assert_nonnull (strstr (help.out, "boxwood-cli taxonomy"));
      g_assert_nonnull (strstr (help.out, "PROJECT.boxwood"));

      run_cli (&bare, "taxonomy", subcommands[i], NULL);
      g_assert_cmpint (bare.status, ==, 2);
      assert_one_error_line (&bare, "--help");
    }

  {
    g_auto(Run) run = { 0 };

    run_cli (&run, "taxonomy", "--help", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_nonnull (strstr (run.out, "import"));
    run_clear (&run);

    run_cli (&run, "taxonomy", "frobnicate", NULL);
    g_assert_cmpint (run.status, ==, 2);
    assert_one_error_line (&run, "frobnicate");
    run_clear (&run);

    run_cli (&run, "taxonomy", "list", fixture->project, "--bogus", NULL);
    g_assert_cmpint (run.status, ==, 2);
    run_clear (&run);

    run_cli (&run, "taxonomy", "list", "/nonexistent/x.boxwood", NULL);
    g_assert_cmpint (run.status, ==, 1);
    assert_one_error_line (&run, "x.boxwood");
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/cli/taxonomy/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("add-list", test_add_list);
  ADD ("export-import", test_export_import);
  ADD ("import-hostile", test_import_hostile);
  ADD ("merge-delete", test_merge_delete);
  ADD ("usage", test_usage);

#undef ADD

  return g_test_run ();
}
