/* test-cli.c — boxwood-cli create, import and info, end to end
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs the boxwood-cli built next to this test (BOXWOOD_CLI, set by
 * tests/meson.build) and checks exit statuses, what it prints and what
 * lands in the project.
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>
#include <turbojpeg.h>

#include <errno.h>
#include <fcntl.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bw-test-images.h"

typedef struct
{
  char *dir;
  char *project;
  char *images;
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
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("bw-test-cli-XXXXXX", &error);
  g_assert_no_error (error);
  f->project = g_build_filename (f->dir, "p.boxwood", NULL);
  f->images = g_build_filename (f->dir, "photos", NULL);
  g_assert_cmpint (g_mkdir (f->images, 0700), ==, 0);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  bw_test_remove_tree (f->dir);
  g_free (f->images);
  g_free (f->project);
  g_free (f->dir);
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

/* A failure is one line on stderr, "boxwood-cli: …" */
static void
assert_one_error_line (const Run  *run,
                       const char *part)
{
  g_assert_true (g_str_has_prefix (run->err, "boxwood-cli: "));
  g_assert_true (g_str_has_suffix (run->err, "\n"));
  g_assert_true (strchr (run->err, '\n') == run->err + strlen (run->err) - 1);
  if (part != NULL && strstr (run->err, part) == NULL)
    g_error ("“%s” does not mention “%s”", run->err, part);
}

static JsonObject *
info_json (Fixture *f)
{
  g_auto(Run) run = run_cli (f, "info", "p.boxwood", "--json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonNode *root;

  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.err, ==, "");
  json_parser_load_from_data (parser, run.out, -1, &error);
  g_assert_no_error (error);
  root = json_parser_get_root (parser);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
  return json_object_ref (json_node_get_object (root));
}

static gint64 count_sql_in (const char *path,
                            const char *sql);

static void
test_create (Fixture       *f,
             gconstpointer  data)
{
  g_auto(Run) created = run_cli (f, "create", "p.boxwood", NULL);
  g_auto(Run) again = { 0, };

  g_assert_cmpint (created.status, ==, 0);
  g_assert_cmpstr (created.err, ==, "");
  g_assert_true (g_file_test (f->project, G_FILE_TEST_IS_REGULAR));

  /* an existing file is never overwritten */
  again = run_cli (f, "create", "p.boxwood", NULL);
  g_assert_cmpint (again.status, ==, 1);
  g_assert_cmpstr (again.out, ==, "");
  assert_one_error_line (&again, "p.boxwood");

  /* --as records the maker, a lead (no exam holds them back) */
  {
    g_autofree char *made = g_build_filename (f->dir, "made.boxwood", NULL);
    g_auto(Run) as = run_cli (f, "create", "made.boxwood", "--as", "Lena", NULL);

    g_assert_cmpint (as.status, ==, 0);
    g_assert_cmpstr (as.err, ==, "");
    g_assert_cmpint (count_sql_in (made, "SELECT count(*) FROM people WHERE name = 'Lena' AND role = 2"), ==, 1);
    g_assert_cmpint (count_sql_in (made, "SELECT count(*) FROM settings s JOIN people p"
                                         " ON s.key = 'project.creator' AND s.value = p.id WHERE p.name = 'Lena'"), ==, 1);
  }
}

static void
test_help (Fixture       *f,
           gconstpointer  data)
{
  const char *commands[] = { "backup", "create", "import", "info" };

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_auto(Run) run = run_cli (f, commands[i], "--help", NULL);

      g_assert_cmpint (run.status, ==, 0);
      g_assert_nonnull (strstr (run.out, "Usage:"));
      g_assert_nonnull (strstr (run.out, commands[i]));
      g_assert_nonnull (strstr (run.out, "Exit status"));
    }
}

static void
test_usage_errors (Fixture       *f,
                   gconstpointer  data)
{
  g_auto(Run) no_paths = run_cli (f, "import", "p.boxwood", NULL);
  g_auto(Run) too_many = run_cli (f, "info", "a.boxwood", "b.boxwood", NULL);
  g_auto(Run) bad_number = run_cli (f, "import", "--max-megapixels", "lots", "p.boxwood", "photos", NULL);
  g_auto(Run) no_project = run_cli (f, "create", NULL);

  g_assert_cmpint (no_paths.status, ==, 2);
  assert_one_error_line (&no_paths, "import");
  g_assert_cmpint (too_many.status, ==, 2);
  assert_one_error_line (&too_many, NULL);
  g_assert_cmpint (bad_number.status, ==, 2);
  assert_one_error_line (&bad_number, "lots");
  g_assert_cmpint (no_project.status, ==, 2);
  assert_one_error_line (&no_project, NULL);
}

static void
test_cannot_open (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *text = g_build_filename (f->dir, "notes.boxwood", NULL);
  g_autofree char *missing_path = g_build_filename (f->dir, "missing.boxwood", NULL);
  g_autoptr(GError) error = NULL;
  g_auto(Run) missing = run_cli (f, "info", "missing.boxwood", NULL);
  g_auto(Run) missing_import = run_cli (f, "import", "missing.boxwood", "photos", NULL);
  g_auto(Run) foreign = { 0, };

  g_assert_cmpint (missing.status, ==, 1);
  assert_one_error_line (&missing, "missing.boxwood");
  g_assert_cmpint (missing_import.status, ==, 1);
  assert_one_error_line (&missing_import, "missing.boxwood");
  /* nothing is created by a failed open */
  g_assert_false (g_file_test (missing_path, G_FILE_TEST_EXISTS));

  g_file_set_contents (text, "just some text, not a project\n", -1, &error);
  g_assert_no_error (error);
  foreign = run_cli (f, "import", "notes.boxwood", "photos", NULL);
  g_assert_cmpint (foreign.status, ==, 1);
  assert_one_error_line (&foreign, "notes.boxwood");
}

static void
test_info_json_empty (Fixture       *f,
                      gconstpointer  data)
{
  g_auto(Run) created = run_cli (f, "create", "p.boxwood", NULL);
  g_autoptr(JsonObject) info = NULL;
  JsonObject *by_status;
  const char *statuses[] = {
    "new", "in_progress", "submitted", "accepted", "returned", "excluded", "in_review", "gold",
  };

  g_assert_cmpint (created.status, ==, 0);
  info = info_json (f);
  g_assert_cmpint (json_object_get_int_member (info, "images"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (info, "categories"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (info, "annotations"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (info, "people"), ==, 0);
  by_status = json_object_get_object_member (info, "images_by_status");
  g_assert_nonnull (by_status);
  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      g_assert_true (json_object_has_member (by_status, statuses[i]));
      g_assert_cmpint (json_object_get_int_member (by_status, statuses[i]), ==, 0);
    }
}

static void
write_scenario (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s/street-%u.jpg", f->images, i);

      bw_test_write_jpeg (name, 640, 480, 90, TJSAMP_420, i, &error);
      g_assert_no_error (error);
    }
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s/scan-%u.png", f->images, i);

      bw_test_write_png (name, 320, 240, 10 + i, &error);
      g_assert_no_error (error);
    }
  {
    g_autofree char *copy = g_build_filename (f->images, "zz-copy-of-street-1.jpg", NULL);
    g_autofree char *cut = g_build_filename (f->images, "cut-short.jpg", NULL);
    g_autofree char *huge = g_build_filename (f->images, "giant.jpg", NULL);
    g_autofree char *readme = g_build_filename (f->images, "README.txt", NULL);

    bw_test_write_jpeg (copy, 640, 480, 90, TJSAMP_420, 1, &error);
    g_assert_no_error (error);
    bw_test_write_truncated_jpeg (cut, 640, 480, 0.5, &error);
    g_assert_no_error (error);
    bw_test_write_huge_header_jpeg (huge, 60000, 60000, &error);
    g_assert_no_error (error);
    bw_test_write_not_an_image (readme, &error);
    g_assert_no_error (error);
  }
}

/* The line of @out that mentions @name */
static char *
line_about (const char *out,
            const char *name)
{
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], name) != NULL)
      return g_strdup (lines[i]);

  g_error ("no line about %s in:\n%s", name, out);
  return NULL;
}

static void
assert_line (const char *out,
             const char *name,
             const char *reason)
{
  g_autofree char *line = line_about (out, name);

  if (strstr (line, reason) == NULL)
    g_error ("“%s” does not say “%s”", line, reason);
}

static void
test_import_scenario (Fixture       *f,
                      gconstpointer  data)
{
  g_auto(Run) created = run_cli (f, "create", "p.boxwood", NULL);
  g_auto(Run) first = { 0, };
  g_auto(Run) second = { 0, };
  g_autoptr(JsonObject) before = NULL;
  g_autoptr(JsonObject) after = NULL;
  g_autoptr(JsonNode) before_node = NULL;
  g_autoptr(JsonNode) after_node = NULL;

  g_assert_cmpint (created.status, ==, 0);
  write_scenario (f);

  first = run_cli (f, "import", "p.boxwood", "photos", NULL);
  /* the import ran: exit 0 even though files were refused */
  g_assert_cmpint (first.status, ==, 0);
  /* not a terminal: no progress, nothing on stderr */
  g_assert_cmpstr (first.err, ==, "");

  assert_line (first.out, "zz-copy-of-street-1.jpg", "same content as “photos/street-1.jpg”");
  assert_line (first.out, "cut-short.jpg", "truncated");
  assert_line (first.out, "giant.jpg", "60000 × 60000");
  assert_line (first.out, "giant.jpg", "limit of 250 megapixels");
  g_assert_null (strstr (first.out, "README"));
  g_assert_null (strstr (first.out, "street-0.jpg"));
  g_assert_nonnull (strstr (first.out, "Added 5 images, 1 duplicate skipped, 2 files refused."));

  before = info_json (f);
  g_assert_cmpint (json_object_get_int_member (before, "images"), ==, 5);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (before, "images_by_status"), "new"), ==, 5);

  /* Running it again changes nothing. */
  second = run_cli (f, "import", "p.boxwood", "photos", NULL);
  g_assert_cmpint (second.status, ==, 0);
  g_assert_nonnull (strstr (second.out, "Added 0 images, 6 duplicates skipped, 2 files refused."));
  assert_line (second.out, "street-0.jpg", "already in the project");
  after = info_json (f);

  before_node = json_node_init_object (json_node_alloc (), before);
  after_node = json_node_init_object (json_node_alloc (), after);
  g_assert_true (json_node_equal (before_node, after_node));
}

/* An import that finds the project busy (another connection holds the
 * write lock) stops with the busy error, and still lists the files it had
 * refused by then, so they are not silently forgotten. */
static void
test_import_busy_lists_refused (Fixture       *f,
                                gconstpointer  data)
{
  g_auto(Run) created = run_cli (f, "create", "p.boxwood", NULL);
  g_auto(Run) run = { 0, };
  g_autoptr(JsonObject) info = NULL;
  sqlite3 *db = NULL;

  g_assert_cmpint (created.status, ==, 0);
  write_scenario (f);

  g_assert_cmpint (sqlite3_open_v2 (f->project, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);

  run = run_cli (f, "import", "p.boxwood", "photos", NULL);

  g_assert_cmpint (sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  g_assert_cmpint (run.status, ==, 1);
  assert_one_error_line (&run, "busy");
  assert_line (run.out, "cut-short.jpg", "truncated");
  assert_line (run.out, "giant.jpg", "limit of 250 megapixels");
  /* Nothing was added, so no summary claims otherwise. */
  g_assert_null (strstr (run.out, "Added"));

  info = info_json (f);
  g_assert_cmpint (json_object_get_int_member (info, "images"), ==, 0);
}

static void
test_import_max_megapixels (Fixture       *f,
                            gconstpointer  data)
{
  g_auto(Run) created = run_cli (f, "create", "p.boxwood", NULL);
  g_auto(Run) strict = { 0, };
  g_auto(Run) lenient = { 0, };
  g_autofree char *path = g_build_filename (f->images, "vga.jpg", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (created.status, ==, 0);
  bw_test_write_jpeg (path, 640, 480, 90, TJSAMP_420, 3, &error);
  g_assert_no_error (error);

  strict = run_cli (f, "import", "--max-megapixels", "0.25", "p.boxwood", "photos/vga.jpg", NULL);
  g_assert_cmpint (strict.status, ==, 0);
  assert_line (strict.out, "vga.jpg", "limit of 0.25 megapixels");
  g_assert_nonnull (strstr (strict.out, "Added 0 images"));

  lenient = run_cli (f, "import", "p.boxwood", "photos/vga.jpg", "--max-megapixels", "0.5", NULL);
  g_assert_cmpint (lenient.status, ==, 0);
  g_assert_nonnull (strstr (lenient.out, "Added 1 image,"));
}

/* On a terminal, import shows its progress on stderr (and wipes it
 * before the report); stdout still gets the report. */
static void
test_import_progress_on_terminal (Fixture       *f,
                                  gconstpointer  data)
{
  g_auto(Run) created = run_cli (f, "create", "p.boxwood", NULL);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) terminal = g_string_new (NULL);
  g_autofree char *out = NULL;
  const char *argv[] = { g_getenv ("BOXWOOD_CLI"), "import", "p.boxwood", "photos", NULL };
  int master = -1, slave = -1;

  g_assert_cmpint (created.status, ==, 0);
  for (guint i = 0; i < 30; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s/frame-%02u.jpg", f->images, i);

      bw_test_write_jpeg (name, 160, 120, 80, TJSAMP_420, 40 + i, &error);
      g_assert_no_error (error);
    }

  g_assert_cmpint (openpty (&master, &slave, NULL, NULL, NULL), ==, 0);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_cwd (launcher, f->dir);
  g_subprocess_launcher_take_stderr_fd (launcher, slave);
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  g_clear_object (&launcher);   /* closes our end of the terminal */

  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);

  g_assert_cmpint (fcntl (master, F_SETFL, O_NONBLOCK), ==, 0);
  for (;;)
    {
      char buffer[4096];
      gssize n = read (master, buffer, sizeof buffer);

      if (n <= 0)
        break;
      g_string_append_len (terminal, buffer, n);
    }
  close (master);

  g_assert_nonnull (strstr (terminal->str, "Importing… 30 of 30 files"));
  /* the progress line is wiped at the end */
  g_assert_true (g_str_has_suffix (terminal->str, "\r\033[K"));
  g_assert_nonnull (strstr (out, "Added 30 images, 0 duplicates skipped, 0 files refused."));
  g_assert_null (strstr (out, "Importing"));
}

/* Ctrl+C during an import: exit 130, what was imported stays, and the
 * report says so. The interrupt is sent as soon as the progress line
 * shows, i.e. once the files are counted and before most are checked. */
static void
test_import_interrupted (Fixture       *f,
                         gconstpointer  data)
{
  g_auto(Run) created = run_cli (f, "create", "p.boxwood", NULL);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) terminal = g_string_new (NULL);
  g_autoptr(JsonObject) info = NULL;
  g_autofree char *out = NULL;
  g_autofree char *kept = NULL;
  const char *argv[] = { g_getenv ("BOXWOOD_CLI"), "import", "p.boxwood", "photos", NULL };
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  gint64 images;
  int master = -1, slave = -1;
  const guint n_files = 1500;

  g_assert_cmpint (created.status, ==, 0);
  for (guint i = 0; i < n_files; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s/still-%04u.jpg", f->images, i);

      bw_test_write_jpeg (name, 64, 48, 80, TJSAMP_420, 100 + i, &error);
      g_assert_no_error (error);
    }

  g_assert_cmpint (openpty (&master, &slave, NULL, NULL, NULL), ==, 0);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_cwd (launcher, f->dir);
  g_subprocess_launcher_take_stderr_fd (launcher, slave);
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  g_clear_object (&launcher);

  while (strstr (terminal->str, "Importing") == NULL && g_get_monotonic_time () < deadline)
    {
      char buffer[256];
      gssize n = read (master, buffer, sizeof buffer);

      if (n <= 0)
        break;
      g_string_append_len (terminal, buffer, n);
    }
  g_assert_nonnull (strstr (terminal->str, "Importing"));
  g_subprocess_send_signal (process, SIGINT);

  /* What it still prints on the terminal (a line or two) fits in the
   * terminal's buffer, so it is not read here. */
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  close (master);

  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 130);
  kept = line_about (out, "Import cancelled");

  info = info_json (f);
  images = json_object_get_int_member (info, "images");
  g_assert_cmpint (images, <, n_files);
  g_test_message ("%" G_GINT64_FORMAT " of %u images imported before the interrupt", images, n_files);
  {
    g_autofree char *expected = g_strdup_printf (" %" G_GINT64_FORMAT " image", images);

    if (strstr (kept, expected) == NULL)
      g_error ("“%s” does not say that %" G_GINT64_FORMAT " images were kept", kept, images);
  }
}

/* Starts boxwood-cli with the NULL-terminated arguments, in the fixture's
 * folder, without waiting for it. */
static GSubprocess *
spawn_cli (Fixture    *f,
           const char *first,
           ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  GSubprocess *process;
  va_list args;

  g_ptr_array_add (argv, (gpointer) g_getenv ("BOXWOOD_CLI"));
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
  return process;
}

static Run
wait_cli (GSubprocess *process)
{
  g_autoptr(GError) error = NULL;
  Run run = { -1, NULL, NULL };

  g_subprocess_communicate_utf8 (process, NULL, NULL, &run.out, &run.err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  run.status = g_subprocess_get_exit_status (process);
  return run;
}

/* "Added A images, D duplicates skipped, R files refused." */
static void
parse_summary (const Run *run,
               guint     *added,
               guint     *duplicates,
               guint     *refused)
{
  g_autofree char *line = line_about (run->out, "Added ");
  g_autoptr(GRegex) regex = g_regex_new ("Added (\\d+) images?, (\\d+) duplicates? skipped, "
                                         "(\\d+) files? refused\\.", 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  guint *counts[] = { added, duplicates, refused };

  /* Each noun is singular or plural after its own count. */
  if (!g_regex_match (regex, line, 0, &match))
    g_error ("cannot read the summary “%s”", line);
  for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
    {
      g_autofree char *number = g_match_info_fetch (match, i + 1);

      *counts[i] = (guint) g_ascii_strtoull (number, NULL, 10);
    }
}

static gint64
count_sql_in (const char *path,
              const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

static gint64
count_sql (Fixture    *f,
           const char *sql)
{
  return count_sql_in (f->project, sql);
}

/* Two imports of the same content at once, each a real process. The
 * look-up each makes before storing finds nothing while the other has
 * not committed yet; only the insert can tell. The files are small, so
 * the two processes spend most of their time storing, side by side. */
#define N_RACE_FILES 600

static void
write_race_folder (Fixture    *f,
                   const char *name)
{
  g_autofree char *folder = g_build_filename (f->dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);
  for (guint i = 0; i < N_RACE_FILES; i++)
    {
      g_autofree char *path = g_strdup_printf ("%s/frame-%04u.jpg", folder, i);

      bw_test_write_jpeg (path, 16, 16, 80, TJSAMP_420, 1000 + i, &error);
      g_assert_no_error (error);
    }
}

static void
test_import_race_two_folders (Fixture       *f,
                              gconstpointer  data)
{
  g_auto(Run) created = run_cli (f, "create", "p.boxwood", NULL);
  g_autoptr(GSubprocess) one = NULL;
  g_autoptr(GSubprocess) two = NULL;
  g_auto(Run) run_one = { 0, };
  g_auto(Run) run_two = { 0, };
  guint added[2], duplicates[2], refused[2];

  g_assert_cmpint (created.status, ==, 0);
  write_race_folder (f, "camera-a");
  write_race_folder (f, "camera-b");

  one = spawn_cli (f, "import", "p.boxwood", "camera-a", NULL);
  two = spawn_cli (f, "import", "p.boxwood", "camera-b", NULL);
  run_one = wait_cli (one);
  run_two = wait_cli (two);

  g_assert_cmpint (run_one.status, ==, 0);
  g_assert_cmpint (run_two.status, ==, 0);
  parse_summary (&run_one, &added[0], &duplicates[0], &refused[0]);
  parse_summary (&run_two, &added[1], &duplicates[1], &refused[1]);
  g_test_message ("camera-a: %u added, %u duplicates; camera-b: %u added, %u duplicates",
                  added[0], duplicates[0], added[1], duplicates[1]);

  /* Each content once, whoever won it; the other copy a duplicate. */
  g_assert_cmpint (count_sql (f, "SELECT count (*) FROM images"), ==, N_RACE_FILES);
  g_assert_cmpint (count_sql (f, "SELECT count (DISTINCT content_hash) FROM images"), ==, N_RACE_FILES);
  g_assert_cmpuint (added[0] + added[1], ==, N_RACE_FILES);
  g_assert_cmpuint (duplicates[0] + duplicates[1], ==, N_RACE_FILES);
  g_assert_cmpuint (refused[0] + refused[1], ==, 0);
  g_assert_null (strstr (run_one.out, "refused:"));
  g_assert_null (strstr (run_two.out, "refused:"));
}

static void
test_import_race_same_folder (Fixture       *f,
                              gconstpointer  data)
{
  g_auto(Run) created = run_cli (f, "create", "p.boxwood", NULL);
  g_autoptr(GSubprocess) one = NULL;
  g_autoptr(GSubprocess) two = NULL;
  g_auto(Run) run_one = { 0, };
  g_auto(Run) run_two = { 0, };
  guint added[2], duplicates[2], refused[2];

  g_assert_cmpint (created.status, ==, 0);
  write_race_folder (f, "camera-a");

  one = spawn_cli (f, "import", "p.boxwood", "camera-a", NULL);
  two = spawn_cli (f, "import", "p.boxwood", "camera-a", NULL);
  run_one = wait_cli (one);
  run_two = wait_cli (two);

  g_assert_cmpint (run_one.status, ==, 0);
  g_assert_cmpint (run_two.status, ==, 0);
  parse_summary (&run_one, &added[0], &duplicates[0], &refused[0]);
  parse_summary (&run_two, &added[1], &duplicates[1], &refused[1]);
  g_test_message ("first: %u added, %u duplicates; second: %u added, %u duplicates",
                  added[0], duplicates[0], added[1], duplicates[1]);

  /* A good file is never "refused": the one who lost the race names the
   * image that is in the project. */
  g_assert_cmpuint (refused[0] + refused[1], ==, 0);
  g_assert_null (strstr (run_one.out, "refused:"));
  g_assert_null (strstr (run_two.out, "refused:"));
  g_assert_cmpuint (added[0] + added[1], ==, N_RACE_FILES);
  g_assert_cmpuint (duplicates[0] + duplicates[1], ==, N_RACE_FILES);
  g_assert_cmpint (count_sql (f, "SELECT count (*) FROM images"), ==, N_RACE_FILES);
  assert_line (duplicates[0] > 0 ? run_one.out : run_two.out,
               "frame-", "is already in the project, as “camera-a/frame-");
}

static void
test_backup (Fixture       *f,
             gconstpointer  data)
{
  g_auto(Run) created = run_cli (f, "create", "p.boxwood", NULL);
  g_auto(Run) imported = { 0, };
  g_auto(Run) backup = { 0, };
  g_auto(Run) again = { 0, };
  g_auto(Run) forced = { 0, };
  g_auto(Run) info = { 0, };
  g_autofree char *copy = g_build_filename (f->dir, "copy.boxwood", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (created.status, ==, 0);
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s/shot-%u.jpg", f->images, i);

      bw_test_write_jpeg (name, 32, 24, 80, TJSAMP_420, 200 + i, &error);
      g_assert_no_error (error);
    }
  imported = run_cli (f, "import", "p.boxwood", "photos", NULL);
  g_assert_cmpint (imported.status, ==, 0);

  backup = run_cli (f, "backup", "p.boxwood", "copy.boxwood", NULL);
  g_assert_cmpint (backup.status, ==, 0);
  g_assert_cmpstr (backup.err, ==, "");
  g_assert_nonnull (strstr (backup.out, "copy.boxwood"));
  g_assert_cmpint (count_sql_in (copy, "SELECT count (*) FROM images"), ==, 5);

  /* An existing file is only replaced with --force. */
  again = run_cli (f, "backup", "p.boxwood", "copy.boxwood", NULL);
  g_assert_cmpint (again.status, ==, 1);
  assert_one_error_line (&again, "--force");
  forced = run_cli (f, "backup", "--force", "p.boxwood", "copy.boxwood", NULL);
  g_assert_cmpint (forced.status, ==, 0);

  info = run_cli (f, "info", "copy.boxwood", NULL);
  g_assert_cmpint (info.status, ==, 0);
  g_assert_nonnull (strstr (info.out, "Images:       5"));
}

/* Runs boxwood-cli with the NULL-terminated arguments where @folder is a
 * read-only mount: a bind mount of it remounted read-only, in a mount
 * namespace of a user namespace of its own (unshare -rm), so no
 * privilege is needed and root is refused like anyone. */
static Run
run_cli_read_only (Fixture    *f,
                   const char *folder,
                   const char *first,
                   ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  Run run = { -1, NULL, NULL };
  va_list args;

  g_ptr_array_add (argv, (gpointer) "unshare");
  g_ptr_array_add (argv, (gpointer) "-rm");
  g_ptr_array_add (argv, (gpointer) "sh");
  g_ptr_array_add (argv, (gpointer) "-c");
  g_ptr_array_add (argv, (gpointer) "mount --bind \"$0\" \"$0\" && "
                                    "mount -o remount,bind,ro \"$0\" && exec \"$@\"");
  g_ptr_array_add (argv, (gpointer) folder);
  g_ptr_array_add (argv, (gpointer) g_getenv ("BOXWOOD_CLI"));
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

static gboolean
can_mount_read_only (Fixture *f)
{
  g_autofree char *probe = g_build_filename (f->dir, "probe", NULL);
  g_autofree char *inside = g_build_filename (probe, "x", NULL);
  g_autofree char *script = g_strdup_printf ("mount --bind '%s' '%s' && mount -o remount,bind,ro '%s' && "
                                             "! touch '%s' 2>/dev/null", probe, probe, probe, inside);
  const char *argv[] = { "unshare", "-rm", "sh", "-c", script, NULL };
  int status = -1;

  g_assert_cmpint (g_mkdir (probe, 0700), ==, 0);
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
                     G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, NULL))
    return FALSE;
  return g_spawn_check_wait_status (status, NULL);
}

/* A project on read-only media can be read: info, export and backup
 * work; a change is refused with a message that says why. */
static void
test_read_only_media (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *media = g_build_filename (f->dir, "media", NULL);
  g_auto(Run) created = { 0, };
  g_auto(Run) imported = { 0, };
  g_auto(Run) info = { 0, };
  g_auto(Run) exported = { 0, };
  g_auto(Run) backup = { 0, };
  g_auto(Run) refused = { 0, };
  g_autofree char *out_json = g_build_filename (f->dir, "out", "coco.json", NULL);
  g_autofree char *out_dir = g_build_filename (f->dir, "out", NULL);
  g_autofree char *copy = g_build_filename (f->dir, "out", "copy.boxwood", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (!can_mount_read_only (f))
    {
      g_test_skip ("unshare -rm cannot make a read-only bind mount here");
      return;
    }

  g_assert_cmpint (g_mkdir (media, 0700), ==, 0);
  created = run_cli (f, "create", "media/p.boxwood", NULL);
  g_assert_cmpint (created.status, ==, 0);
  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *path = g_strdup_printf ("%s/shot-%u.jpg", f->images, i);

      bw_test_write_jpeg (path, 32, 24, 80, TJSAMP_420, 300 + i, &error);
      g_assert_no_error (error);
    }
  imported = run_cli (f, "import", "media/p.boxwood", "photos", NULL);
  g_assert_cmpint (imported.status, ==, 0);
  g_assert_cmpint (g_mkdir (out_dir, 0700), ==, 0);
  /* The import folded its work into the project file. */
  dir = g_dir_open (media, 0, NULL);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_equal (name, "p.boxwood-wal"))
      {
        g_autofree char *wal = g_build_filename (media, name, NULL);
        GStatBuf st;

        g_assert_cmpint (g_stat (wal, &st), ==, 0);
        g_assert_cmpint (st.st_size, ==, 0);
      }

  info = run_cli_read_only (f, media, "info", "--json", "media/p.boxwood", NULL);
  g_assert_cmpstr (info.err, ==, "");
  g_assert_cmpint (info.status, ==, 0);
  g_assert_nonnull (strstr (info.out, "\"images\" : 4"));

  /* Written outside the read-only folder. */
  exported = run_cli_read_only (f, media, "export", "coco", "--status", "all",
                                "media/p.boxwood", out_json, NULL);
  g_assert_cmpstr (exported.err, ==, "");
  g_assert_cmpint (exported.status, ==, 0);
  g_assert_true (g_file_test (out_json, G_FILE_TEST_IS_REGULAR));

  backup = run_cli_read_only (f, media, "backup", "media/p.boxwood", copy, NULL);
  g_assert_cmpstr (backup.err, ==, "");
  g_assert_cmpint (backup.status, ==, 0);
  g_assert_cmpint (count_sql_in (copy, "SELECT count (*) FROM images"), ==, 4);

  refused = run_cli_read_only (f, media, "taxonomy", "add", "media/p.boxwood", "car", NULL);
  g_assert_cmpint (refused.status, ==, 1);
  assert_one_error_line (&refused, "p.boxwood");
  g_assert_nonnull (strstr (refused.err, "writable"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/cli/create", test_create);
  ADD ("/cli/help", test_help);
  ADD ("/cli/usage-errors", test_usage_errors);
  ADD ("/cli/cannot-open", test_cannot_open);
  ADD ("/cli/info-json-empty", test_info_json_empty);
  ADD ("/cli/import-scenario", test_import_scenario);
  ADD ("/cli/import-busy-lists-refused", test_import_busy_lists_refused);
  ADD ("/cli/import-max-megapixels", test_import_max_megapixels);
  ADD ("/cli/import-progress-on-terminal", test_import_progress_on_terminal);
  ADD ("/cli/import-interrupted", test_import_interrupted);
  ADD ("/cli/import-race-two-folders", test_import_race_two_folders);
  ADD ("/cli/import-race-same-folder", test_import_race_same_folder);
  ADD ("/cli/backup", test_backup);
  ADD ("/cli/read-only-media", test_read_only_media);

#undef ADD

  return g_test_run ();
}
