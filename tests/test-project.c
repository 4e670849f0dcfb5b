/* test-project.c — the project store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bw-project-private.h"

typedef struct
{
  char  *dir;
  GFile *file;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->dir = g_dir_make_tmp ("bw-test-project-XXXXXX", NULL);
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

          if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
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
fake_image (const char *path,
            const char *hash)
{
  BwImage image = { 0 };

  image.path = (char *)path;
  image.width = 640;
  image.height = 480;
  image.byte_size = 1234;
  image.content_hash = (char *)hash;
  return image;
}

static void
raw_exec (const char *path,
          const char *sql)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

static void
test_create_reopen (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwProject) project = NULL;
  BwProjectCounts counts;
  BwImage image = fake_image ("a.jpg", "aa");
  gint64 image_id = 0, category_id = 0;

  project = bw_project_create (f->file, &error);
  g_assert_no_error (error);
  g_assert_true (bw_project_add_image (project, &image, &image_id, &error));
  g_assert_no_error (error);
  g_assert_true (bw_project_add_category (project, "car", "vehicle", NULL, &category_id, &error));
  g_assert_cmpint (category_id, ==, 1);
  g_assert_finalize_object (g_steal_pointer (&project));

  /* Creating over an existing file is refused and leaves it alone. */
  g_assert_null (bw_project_create (f->file, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_EXISTS);
  g_clear_error (&error);

  project = bw_project_open (f->file, &error);
  g_assert_no_error (error);
  g_assert_true (bw_project_get_counts (project, &counts, &error));
  g_assert_cmpint (counts.images, ==, 1);
  g_assert_cmpint (counts.images_by_status[BW_IMAGE_STATUS_NEW], ==, 1);
  g_assert_cmpint (counts.categories, ==, 1);
  g_assert_cmpint (counts.annotations, ==, 0);
  g_assert_cmpint (bw_project_find_image_by_hash (project, "aa"), ==, image_id);
  g_assert_cmpint (bw_project_find_image_by_hash (project, "zz"), ==, 0);
}

static void
test_application_id (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(BwProject) project = bw_project_create (f->file, NULL);
  g_autofree char *path = g_file_get_path (f->file);
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_nonnull (project);
  g_clear_object (&project);

  /* The marks are in the header, where file(1) and others look. */
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_cmpuint (length, >=, 100);
  g_assert_cmpmem (contents, 16, "SQLite format 3\0", 16);
  g_assert_cmpuint (GUINT32_FROM_BE (*(guint32 *) (gpointer) (contents + 68)), ==, BW_PROJECT_APPLICATION_ID);
  g_assert_cmpuint (GUINT32_FROM_BE (*(guint32 *) (gpointer) (contents + 60)), ==, BW_PROJECT_SCHEMA_VERSION);
}

static void
test_refuse_foreign (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *path = g_file_get_path (f->file);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;

  /* Text. */
  g_assert_true (g_file_set_contents (path, "just some text, long enough to be read as a header........................................................", -1, NULL));
  g_assert_null (bw_project_open (f->file, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_NOT_A_PROJECT);
  g_assert_nonnull (strstr (error->message, "p.boxwood"));
  g_clear_error (&error);

  /* An empty file. */
  g_assert_true (g_file_set_contents (path, "", 0, NULL));
  g_assert_null (bw_project_open (f->file, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_NOT_A_PROJECT);
  g_clear_error (&error);
  g_unlink (path);

  /* Another program's SQLite database is left exactly as it was. */
  raw_exec (path, "CREATE TABLE t (x); INSERT INTO t VALUES (1);");
  g_assert_true (g_file_get_contents (path, &before, NULL, NULL));
  g_assert_null (bw_project_open (f->file, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_NOT_A_PROJECT);
  g_clear_error (&error);
  g_assert_true (g_file_get_contents (path, &after, NULL, NULL));
  g_assert_cmpstr (before, ==, after);

  /* A missing file. */
  g_unlink (path);
  g_assert_null (bw_project_open (f->file, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_NOT_FOUND);
}

static void
test_refuse_newer (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *path = g_file_get_path (f->file);
  g_autoptr(GError) error = NULL;
  g_autoptr(BwProject) project = bw_project_create (f->file, NULL);
  BwImage image = fake_image ("a.jpg", "aa");

  g_assert_true (bw_project_add_image (project, &image, NULL, NULL));
  g_clear_object (&project);

  raw_exec (path, "PRAGMA user_version = 99");

  g_assert_null (bw_project_open (f->file, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_TOO_NEW);
  g_assert_nonnull (strstr (error->message, "newer version"));
  g_clear_error (&error);

  /* Nothing was touched: set the version back and the data is there. */
  raw_exec (path, "PRAGMA user_version = " G_STRINGIFY (BW_PROJECT_SCHEMA_VERSION));
  project = bw_project_open (f->file, &error);
  g_assert_no_error (error);
  g_assert_cmpint (bw_project_find_image_by_hash (project, "aa"), >, 0);
}

static void
test_refuse_impossible_version (Fixture       *f,
                                gconstpointer  data)
{
  g_autofree char *path = g_file_get_path (f->file);
  g_autoptr(GError) error = NULL;
  g_autoptr(BwProject) project = bw_project_create (f->file, NULL);
  BwImage image = fake_image ("a.jpg", "aa");
  const char *versions[] = { "-1", "-2147483648", "0" };

  g_assert_true (bw_project_add_image (project, &image, NULL, NULL));
  g_clear_object (&project);

  /* A version below 0, or 0 on a file that has tables, cannot have been
   * written by Boxwood; migrating from it would index the migrations
   * outside their array. */
  for (guint i = 0; i < G_N_ELEMENTS (versions); i++)
    {
      g_autofree char *sql = g_strdup_printf ("PRAGMA user_version = %s", versions[i]);
      g_autofree char *before = NULL;
      g_autofree char *after = NULL;

      raw_exec (path, sql);
      g_assert_true (g_file_get_contents (path, &before, NULL, NULL));
      g_assert_null (bw_project_open (f->file, &error));
      g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_NOT_A_PROJECT);
      g_assert_nonnull (strstr (error->message, "p.boxwood"));
      g_clear_error (&error);
      g_assert_true (g_file_get_contents (path, &after, NULL, NULL));
      g_assert_cmpstr (before, ==, after);
    }

  raw_exec (path, "PRAGMA user_version = " G_STRINGIFY (BW_PROJECT_SCHEMA_VERSION));
  project = bw_project_open (f->file, &error);
  g_assert_no_error (error);
  g_assert_cmpint (bw_project_find_image_by_hash (project, "aa"), >, 0);
}

static void
test_refuse_not_a_file (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *path = g_file_get_path (f->file);
  g_autoptr(GError) error = NULL;

  /* A folder or a FIFO with a project's name exists: saying it does not
   * would send the user looking for the wrong problem. */
  g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
  g_assert_null (bw_project_open (f->file, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_NOT_A_PROJECT);
  g_assert_nonnull (strstr (error->message, "p.boxwood"));
  g_assert_nonnull (strstr (error->message, "not a file"));
  g_clear_error (&error);
  g_rmdir (path);

  g_assert_cmpint (mkfifo (path, 0600), ==, 0);
  g_assert_null (bw_project_open (f->file, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_NOT_A_PROJECT);
  g_assert_nonnull (strstr (error->message, "not a file"));
  g_clear_error (&error);
  g_unlink (path);

  g_assert_null (bw_project_open (f->file, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_NOT_FOUND);
}

static void
test_migrate_from_v0 (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *path = g_file_get_path (f->file);
  g_autoptr(GError) error = NULL;
  g_autoptr(BwProject) project = NULL;
  gint64 id = 0;

  /* A file marked as ours at schema 0 (as written by the first step of
   * project creation) is brought up to date when opened. */
  raw_exec (path, "PRAGMA application_id = " G_STRINGIFY (BW_PROJECT_APPLICATION_ID) ";"
                  "CREATE TABLE placeholder (x);");
  raw_exec (path, "DROP TABLE placeholder");

  project = bw_project_open (f->file, &error);
  g_assert_no_error (error);
  g_assert_true (bw_project_add_category (project, "person", NULL, NULL, &id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (id, ==, 1);
}

static gint64
raw_int (const char *path,
         const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

/* A copy of tests/data/project-v1.boxwood in the fixture's folder. */
static char *
copy_v1_project (Fixture *f)
{
  g_autofree char *source = g_test_build_filename (G_TEST_DIST, "data", "project-v1.boxwood", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;
  char *path = g_file_get_path (f->file);

  g_file_get_contents (source, &contents, &length, &error);
  g_assert_no_error (error);
  g_file_set_contents (path, contents, length, &error);
  g_assert_no_error (error);
  return path;
}

/* Every index of the file, with its columns, and every trigger, one per
 * line: "index annotations_by_layer on annotations (layer_id, category_id)". */
static char *
raw_schema_outline (const char *path)
{
  g_autoptr(GString) outline = g_string_new (NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "SELECT s.type, s.name, s.tbl_name,"
                                       "  (SELECT group_concat (name, ', ') FROM"
                                       "    (SELECT name FROM pragma_index_info (s.name) ORDER BY seqno))"
                                       " FROM sqlite_schema s"
                                       " WHERE s.type IN ('index', 'trigger') AND s.name NOT LIKE 'sqlite_%'"
                                       " ORDER BY s.type, s.name",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (outline, "%s %s on %s (%s)\n",
                            (const char *) sqlite3_column_text (stmt, 0),
                            (const char *) sqlite3_column_text (stmt, 1),
                            (const char *) sqlite3_column_text (stmt, 2),
                            sqlite3_column_text (stmt, 3) != NULL
                            ? (const char *) sqlite3_column_text (stmt, 3) : "");
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return g_string_free (g_steal_pointer (&outline), FALSE);
}

/* A file migrated from schema 1 ends with the same indexes, on the same
 * columns, and the same triggers as a file made new: a step that forgets
 * to drop or rebuild one would leave old files slower or wrong. */
static void
test_migrated_schema_matches_new (Fixture       *f,
                                  gconstpointer  data)
{
  g_autofree char *path = copy_v1_project (f);
  g_autofree char *fresh_path = g_build_filename (f->dir, "fresh.boxwood", NULL);
  g_autoptr(GFile) fresh_file = g_file_new_for_path (fresh_path);
  g_autoptr(GError) error = NULL;
  g_autoptr(BwProject) project = NULL;
  g_autofree char *migrated = NULL;
  g_autofree char *made_new = NULL;

  project = bw_project_open (f->file, &error);
  g_assert_no_error (error);
  g_clear_object (&project);
  project = bw_project_create (fresh_file, &error);
  g_assert_no_error (error);
  g_clear_object (&project);

  migrated = raw_schema_outline (path);
  made_new = raw_schema_outline (fresh_path);
  g_assert_nonnull (strstr (made_new, "index annotations_by_layer on annotations (layer_id, category_id)\n"));
  g_assert_cmpstr (migrated, ==, made_new);
}

/* Schema 1 had no unique content hash, and two imports at once could add
 * the same content twice. Migrating keeps every row and its work; the
 * later copies are marked, and excluded unless work on them started. */
static void
test_migrate_v1_duplicates (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *path = copy_v1_project (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(BwProject) project = NULL;
  g_autoptr(BwImage) first = NULL;
  g_autoptr(BwImage) copy = NULL;
  g_autoptr(BwImage) worked = NULL;
  g_autoptr(GPtrArray) layers = NULL;
  BwImage again = fake_image ("elsewhere/scene-01.jpg", NULL);
  gint64 annotations, layers_before;

  g_assert_cmpint (raw_int (path, "PRAGMA user_version"), ==, 1);
  /* Two copies of scene-01 (accepted), one of scene-05 (in progress), as
   * a race would have left them; the copy of scene-05 has a layer. */
  raw_exec (path,
            "INSERT INTO images (id, path, width, height, byte_size, content_hash, status, added_at)"
            " SELECT 101, 'race/scene-01.jpg', width, height, byte_size, content_hash, 0, added_at"
            " FROM images WHERE id = 1;"
            "INSERT INTO images (id, path, width, height, byte_size, content_hash, status, added_at)"
            " SELECT 102, 'race2/scene-01.jpg', width, height, byte_size, content_hash, 0, added_at"
            " FROM images WHERE id = 1;"
            "INSERT INTO images (id, path, width, height, byte_size, content_hash, status, added_at)"
            " SELECT 103, 'race/scene-05.jpg', width, height, byte_size, content_hash, 1, added_at"
            " FROM images WHERE id = 5;"
            "INSERT INTO layers (image_id, person_id, kind, status, created_at, updated_at)"
            " SELECT 103, person_id, kind, status, created_at, updated_at FROM layers"
            " WHERE image_id = 5 LIMIT 1;");
  annotations = raw_int (path, "SELECT count (*) FROM annotations");
  layers_before = raw_int (path, "SELECT count (*) FROM layers");

  project = bw_project_open (f->file, &error);
  g_assert_no_error (error);
  g_clear_object (&project);

  g_assert_cmpint (raw_int (path, "PRAGMA user_version"), ==, BW_PROJECT_SCHEMA_VERSION);
  g_assert_cmpint (raw_int (path, "SELECT count (*) FROM images"), ==, 27);
  g_assert_cmpint (raw_int (path, "SELECT count (*) FROM annotations"), ==, annotations);
  g_assert_cmpint (raw_int (path, "SELECT count (*) FROM layers"), ==, layers_before);
  g_assert_cmpint (raw_int (path, "SELECT count (*) FROM images WHERE duplicate_of IS NOT NULL"), ==, 3);
  g_assert_cmpint (raw_int (path, "SELECT duplicate_of FROM images WHERE id = 102"), ==, 1);
  g_assert_cmpint (raw_int (path, "SELECT duplicate_of FROM images WHERE id = 103"), ==, 5);
  g_assert_cmpint (raw_int (path, "SELECT count (*) FROM pragma_integrity_check"
                                 " WHERE integrity_check != 'ok'"), ==, 0);

  project = bw_project_open (f->file, &error);
  g_assert_no_error (error);
  first = bw_project_get_image (project, 1, &error);
  copy = bw_project_get_image (project, 101, &error);
  worked = bw_project_get_image (project, 103, &error);
  g_assert_no_error (error);
  g_assert_cmpint (first->status, ==, BW_IMAGE_STATUS_ACCEPTED);
  g_assert_cmpint (copy->status, ==, BW_IMAGE_STATUS_EXCLUDED);
  g_assert_cmpint (worked->status, ==, BW_IMAGE_STATUS_IN_PROGRESS);
  layers = bw_project_list_layers (project, 103, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (layers->len, ==, 1);

  /* The original is the one found, and the content cannot come in again. */
  g_assert_cmpint (bw_project_find_image_by_hash (project, first->content_hash), ==, 1);
  again.content_hash = first->content_hash;
  g_assert_false (bw_project_add_image (project, &again, NULL, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_DUPLICATE);
  g_assert_nonnull (strstr (error->message, "“images/scene-01.jpg”"));
}

static goffset
file_size (const char *path)
{
  GStatBuf st;

  if (g_stat (path, &st) != 0)
    return -1;
  return st.st_size;
}

/* What someone who copies only the .boxwood file gets: the images in the
 * copy, read without any -wal file. */
static gint64
images_in_copy_of_file_alone (Fixture *f)
{
  g_autofree char *path = g_file_get_path (f->file);
  g_autofree char *copy = g_build_filename (f->dir, "copied-alone.boxwood", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;
  gint64 n;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  g_file_set_contents (copy, contents, length, &error);
  g_assert_no_error (error);
  n = raw_int (copy, "SELECT count (*) FROM images");
  g_unlink (copy);
  return n;
}

static void
add_fake_images (BwProject *project,
                 guint      n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("img-%04u.jpg", i);
      g_autofree char *hash = g_strdup_printf ("%064u", i);
      BwImage image = fake_image (name, hash);
      g_autoptr(GError) error = NULL;

      g_assert_true (bw_project_add_image (project, &image, NULL, &error));
      g_assert_no_error (error);
    }
}

/* A process that commits and is then killed (or cannot write any more)
 * leaves its work in the -wal file. Opening the project for writing
 * folds it back into the .boxwood file. */
static void
test_wal_folded_on_open (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *path = g_file_get_path (f->file);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autoptr(BwProject) project = bw_project_create (f->file, NULL);
  g_autoptr(GError) error = NULL;
  int status = 0;
  pid_t pid;

  g_assert_nonnull (project);
  g_clear_object (&project);

  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      BwProject *doomed = bw_project_open (f->file, NULL);

      if (doomed == NULL)
        _exit (1);
      add_fake_images (doomed, 40);
      /* Gone without closing, as after kill -9. */
      _exit (0);
    }
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);

  /* The scenario: the work is in the WAL only. */
  g_assert_cmpint (file_size (wal), >, 0);
  g_assert_cmpint (images_in_copy_of_file_alone (f), ==, 0);

  project = bw_project_open (f->file, &error);
  g_assert_no_error (error);
  /* Still open, and the file alone has everything. */
  g_assert_cmpint (file_size (wal), ==, 0);
  g_assert_cmpint (images_in_copy_of_file_alone (f), ==, 40);
}

/* SQLite folds the WAL back when the last connection closes; when
 * another one stays open (another window, another program reading), the
 * project folds it back itself when it closes. */
static void
test_wal_folded_on_close (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *path = g_file_get_path (f->file);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autoptr(BwProject) project = bw_project_create (f->file, NULL);
  sqlite3 *other = NULL;

  g_assert_nonnull (project);
  g_assert_cmpint (sqlite3_open (path, &other), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (other, "SELECT count (*) FROM images", NULL, NULL, NULL), ==, SQLITE_OK);

  add_fake_images (project, 30);
  g_assert_cmpint (file_size (wal), >, 0);
  g_assert_finalize_object (g_steal_pointer (&project));

  g_assert_cmpint (file_size (wal), ==, 0);
  g_assert_cmpint (images_in_copy_of_file_alone (f), ==, 30);
  sqlite3_close (other);
}

/* A backup is one file with everything committed, taken while the
 * project is open and its work is in the WAL; it never replaces a file
 * unless told to, and a refused backup leaves the destination alone. */
static void
test_backup (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *out = g_build_filename (f->dir, "copy.boxwood", NULL);
  g_autoptr(GFile) out_file = g_file_new_for_path (out);
  g_autoptr(BwProject) project = bw_project_create (f->file, NULL);
  g_autoptr(BwProject) reopened = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autofree char *contents = NULL;
  BwProjectCounts counts;
  const char *name;

  g_assert_nonnull (project);
  add_fake_images (project, 25);

  g_assert_true (bw_project_backup (project, out_file, FALSE, &error));
  g_assert_no_error (error);
  /* One file: no -wal or -shm beside it, no temporary file left. */
  dir = g_dir_open (f->dir, 0, NULL);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_assert_true (g_str_has_prefix (name, "p.boxwood") || g_str_equal (name, "copy.boxwood"));
  g_assert_cmpint (raw_int (out, "SELECT count (*) FROM images"), ==, 25);
  g_assert_cmpint (raw_int (out, "PRAGMA application_id"), ==, BW_PROJECT_APPLICATION_ID);
  g_assert_cmpint (raw_int (out, "SELECT count (*) FROM pragma_integrity_check"
                                 " WHERE integrity_check != 'ok'"), ==, 0);

  /* Not replaced without asking… */
  g_assert_true (g_file_set_contents (out, "precious", -1, NULL));
  g_assert_false (bw_project_backup (project, out_file, FALSE, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_EXISTS);
  g_assert_nonnull (strstr (error->message, "copy.boxwood"));
  g_clear_error (&error);
  g_assert_true (g_file_get_contents (out, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "precious");

  /* …nor onto the project itself… */
  g_assert_false (bw_project_backup (project, f->file, TRUE, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_EXISTS);
  g_clear_error (&error);

  /* …and replaced when asked, with a project that opens. */
  g_assert_true (bw_project_backup (project, out_file, TRUE, &error));
  g_assert_no_error (error);
  reopened = bw_project_open (out_file, &error);
  g_assert_no_error (error);
  g_assert_true (bw_project_get_counts (reopened, &counts, &error));
  g_assert_cmpint (counts.images, ==, 25);
}

/* Opened read-only, a project is read like any other and refuses every
 * change, saying why, without touching the file. (The CLI test
 * /cli/read-only-media runs the same on a read-only mount.) */
static void
test_read_only (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *path = g_file_get_path (f->file);
  g_autoptr(BwProject) project = bw_project_create (f->file, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  BwImage image = fake_image ("new.jpg", "new");
  BwProjectCounts counts;
  gsize before_length, after_length;
  gint64 id = 0;

  add_fake_images (project, 3);
  g_assert_finalize_object (g_steal_pointer (&project));
  g_assert_true (g_file_get_contents (path, &before, &before_length, NULL));

  project = bw_project_open_read_only (f->file, &error);
  g_assert_no_error (error);
  g_assert_true (bw_project_is_read_only (project));
  g_assert_true (bw_project_get_counts (project, &counts, &error));
  g_assert_cmpint (counts.images, ==, 3);

  g_assert_false (bw_project_begin (project, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_READ_ONLY);
  g_assert_nonnull (strstr (error->message, "read-only"));
  g_clear_error (&error);
  g_assert_false (bw_project_add_image (project, &image, NULL, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_READ_ONLY);
  g_assert_nonnull (strstr (error->message, "“p.boxwood” is open read-only"));
  g_clear_error (&error);
  g_assert_false (bw_project_add_category (project, "car", NULL, NULL, NULL, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_READ_ONLY);
  g_clear_error (&error);
  /* Who is annotating is looked up, not added. */
  g_assert_true (bw_project_ensure_person (project, "Ada", BW_ROLE_ANNOTATOR, &id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (id, ==, 0);
  g_assert_finalize_object (g_steal_pointer (&project));

  g_assert_true (g_file_get_contents (path, &after, &after_length, NULL));
  g_assert_cmpmem (before, before_length, after, after_length);

  /* A project that must be migrated first cannot be read so. */
  raw_exec (path, "PRAGMA user_version = 1");
  g_assert_null (bw_project_open_read_only (f->file, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_READ_ONLY);
  g_assert_nonnull (strstr (error->message, "older version"));
}

static void
test_busy (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwProject) a = bw_project_create (f->file, NULL);
  g_autoptr(BwProject) b = NULL;
  BwProjectCounts counts;
  gint64 t0;

  g_assert_nonnull (a);
  b = bw_project_open (f->file, &error);
  g_assert_no_error (error);
  bw_project_set_busy_timeout (b, 200);

  g_assert_true (bw_project_begin (a, &error));
  g_assert_true (bw_project_add_category (a, "car", NULL, NULL, NULL, &error));

  t0 = g_get_monotonic_time ();
  g_assert_false (bw_project_add_category (b, "bus", NULL, NULL, NULL, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_BUSY);
  g_assert_nonnull (strstr (error->message, "busy"));
  g_clear_error (&error);
  /* It waited before giving up. */
  g_assert_cmpint (g_get_monotonic_time () - t0, >=, 150 * 1000);

  /* Readers still see the last committed state. */
  g_assert_true (bw_project_get_counts (b, &counts, &error));
  g_assert_cmpint (counts.categories, ==, 0);

  g_assert_true (bw_project_commit (a, &error));
  g_assert_true (bw_project_add_category (b, "bus", NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (bw_project_get_counts (a, &counts, &error));
  g_assert_cmpint (counts.categories, ==, 2);
}

/* A statement whose text the caller built at run time and freed is
 * found again by its text (under AddressSanitizer, a kept pointer to the
 * freed text would be a use after free). */
static void
test_statement_text_copied (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(BwProject) project = bw_project_create (f->file, NULL);
  sqlite3_stmt *first = NULL, *again = NULL;

  g_assert_false (bw_project_is_team_copy (project));

  for (int round = 0; round < 2; round++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT %d + ?1", 40);
      BW_PROJECT_LOCK (project);
      sqlite3_stmt *stmt = _bw_project_prepare (project, sql, NULL);

      g_assert_nonnull (stmt);
      sqlite3_bind_int (stmt, 1, 2);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 42);
      sqlite3_reset (stmt);
      if (round == 0)
        first = stmt;
      else
        again = stmt;
    }
  /* Prepared once, kept for the same text. */
  g_assert_true (first == again);
}

static void
test_transactions (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwProject) project = bw_project_create (f->file, NULL);
  BwProjectCounts counts;

  g_assert_true (bw_project_begin (project, &error));
  g_assert_true (bw_project_add_category (project, "a", NULL, NULL, NULL, NULL));
  g_assert_true (bw_project_begin (project, &error));
  g_assert_true (bw_project_add_category (project, "b", NULL, NULL, NULL, NULL));
  bw_project_rollback (project);
  g_assert_true (bw_project_commit (project, &error));

  g_assert_true (bw_project_get_counts (project, &counts, &error));
  g_assert_cmpint (counts.categories, ==, 1);
  g_assert_cmpint (bw_project_find_category_by_name (project, "A"), ==, 1);
  g_assert_cmpint (bw_project_find_category_by_name (project, "b"), ==, 0);
}

static void
test_disk_full (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwProject) project = bw_project_create (f->file, NULL);
  BwProjectCounts counts;
  gint64 added = 0;
  gboolean ok = TRUE;

  /* SQLite reports a database that cannot grow as a full disk. */
  g_assert_true (_bw_project_exec (project, "PRAGMA max_page_count = 40", NULL));

  for (guint i = 0; i < 100000 && ok; i++)
    {
      g_autofree char *path = g_strdup_printf ("images/some/long/folder/name/img-%06u.jpg", i);
      g_autofree char *hash = g_strdup_printf ("%064u", i);
      BwImage image = fake_image (path, hash);

      ok = bw_project_add_image (project, &image, NULL, &error);
      if (ok)
        added++;
    }

  g_assert_false (ok);
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_DISK_FULL);
  g_assert_cmpint (added, >, 10);

  /* Everything saved before is still there. */
  g_clear_object (&project);
  project = bw_project_open (f->file, NULL);
  g_assert_true (bw_project_get_counts (project, &counts, NULL));
  g_assert_cmpint (counts.images, ==, added);
}

static void
test_image_paths (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(BwProject) project = bw_project_create (f->file, NULL);
  g_autofree char *inside = g_build_filename (f->dir, "photos", "x.jpg", NULL);
  g_autofree char *sibling = g_build_filename (f->dir, "..", "elsewhere", "y.jpg", NULL);
  g_autofree char *rel_inside = bw_project_make_image_path (project, inside);
  g_autofree char *rel_sibling = bw_project_make_image_path (project, sibling);
  g_autofree char *abs = bw_project_make_image_path (project, "/usr/share/z.png");
  g_autofree char *back = bw_project_resolve_image_path (project, rel_inside);
  g_autofree char *canon = g_canonicalize_filename (inside, NULL);

  g_assert_cmpstr (rel_inside, ==, "photos/x.jpg");
  g_assert_cmpstr (rel_sibling, ==, "../elsewhere/y.jpg");
  /* Nothing in common but the root: another drive, stored absolute. */
  g_assert_cmpstr (abs, ==, "/usr/share/z.png");
  g_assert_cmpstr (back, ==, canon);
}

static void
test_images (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(BwProject) project = bw_project_create (f->file, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(BwImage) got = NULL;
  BwImage a = fake_image ("dogs/rex.jpg", "h1");
  BwImage b = fake_image ("cats/tom.png", "h2");
  BwImage dup = fake_image ("dogs/rex.jpg", "h3");
  gint64 id_a, id_b;

  a.phash = G_GUINT64_CONSTANT (0xfedcba9876543210);
  a.orientation = 6;
  g_assert_true (bw_project_add_image (project, &a, &id_a, &error));
  g_assert_true (bw_project_add_image (project, &b, &id_b, &error));
  g_assert_false (bw_project_add_image (project, &dup, NULL, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_DUPLICATE);
  g_clear_error (&error);

  /* Same content under another name: refused, naming the image. */
  {
    BwImage copy = fake_image ("dogs/rex-copy.jpg", "h1");

    g_assert_false (bw_project_add_image (project, &copy, NULL, &error));
    g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_DUPLICATE);
    g_assert_nonnull (strstr (error->message, "duplicate of “dogs/rex.jpg”"));
    g_clear_error (&error);
  }

  got = bw_project_get_image (project, id_a, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (got->path, ==, "dogs/rex.jpg");
  g_assert_cmpint (got->width, ==, 640);
  g_assert_cmpuint (got->phash, ==, a.phash);
  g_assert_cmpint (got->orientation, ==, 6);
  g_assert_cmpint (got->status, ==, BW_IMAGE_STATUS_NEW);

  g_assert_true (bw_project_set_image_status (project, id_b, BW_IMAGE_STATUS_EXCLUDED, &error));
  ids = bw_project_list_image_ids (project, BW_IMAGE_STATUS_EXCLUDED, NULL, &error);
  g_assert_cmpuint (ids->len, ==, 1);
  g_assert_cmpint (g_array_index (ids, gint64, 0), ==, id_b);
  g_clear_pointer (&ids, g_array_unref);

  ids = bw_project_list_image_ids (project, -1, "REX", &error);
  g_assert_cmpuint (ids->len, ==, 1);
  g_assert_cmpint (g_array_index (ids, gint64, 0), ==, id_a);
  g_clear_pointer (&ids, g_array_unref);

  ids = bw_project_list_image_ids (project, -1, NULL, &error);
  g_assert_cmpuint (ids->len, ==, 2);

  g_assert_null (bw_project_get_image (project, 9999, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (bw_project_set_image_status (project, 9999, BW_IMAGE_STATUS_NEW, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_NOT_FOUND);
}

static void
assert_order (BwProject   *project,
              int          status,
              const char  *search,
              BwImageSort  sort,
              GHashTable  *names,
              const char  *expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = bw_project_list_image_ids_sorted (project, status, search, sort, &error);
  g_autoptr(GString) got = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < ids->len; i++)
    {
      gint64 id = g_array_index (ids, gint64, i);

      g_string_append_printf (got, "%s%s", i > 0 ? " " : "",
                              (const char *) g_hash_table_lookup (names, &id));

      /* The comparison places an image where the listing does. */
      for (guint k = 0; k < ids->len; k++)
        {
          int cmp = bw_project_compare_images (project, sort, id, g_array_index (ids, gint64, k));

          g_assert_cmpint (cmp < 0 ? -1 : cmp > 0, ==, i < k ? -1 : i > k);
        }
      g_assert_true (bw_project_image_matches (project, id, status, search));
    }
  g_assert_cmpstr (got->str, ==, expected);
}

static void
test_image_order (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(BwProject) project = bw_project_create (f->file, NULL);
  g_autoptr(GHashTable) names = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GError) error = NULL;
  /* Path, when it was added, status: imported in neither order. */
  static const struct { const char *path; gint64 added_at; BwImageStatus status; } images[] = {
    { "photo-10.jpg",      5, BW_IMAGE_STATUS_NEW },
    { "photo-2.jpg",       1, BW_IMAGE_STATUS_SUBMITTED },
    { "Photo-1.jpg",       3, BW_IMAGE_STATUS_IN_PROGRESS },
    { "photo-9.png",       4, BW_IMAGE_STATUS_EXCLUDED },
    { "album/photo-3.jpg", 2, BW_IMAGE_STATUS_RETURNED },
    { "PHOTO-2.jpg",       6, BW_IMAGE_STATUS_ACCEPTED },
    { "photo-100.jpg",     7, BW_IMAGE_STATUS_IN_REVIEW },
  };

  for (guint i = 0; i < G_N_ELEMENTS (images); i++)
    {
      g_autofree char *hash = g_strdup_printf ("h%u", i);
      BwImage image = fake_image (images[i].path, hash);
      gint64 id;

      image.added_at = images[i].added_at;
      g_assert_true (bw_project_add_image (project, &image, &id, &error));
      g_assert_no_error (error);
      g_assert_true (bw_project_set_image_status (project, id, images[i].status, &error));
      g_hash_table_insert (names, g_memdup2 (&id, sizeof id), (gpointer) images[i].path);
    }

  /* Digits by value, case ignored (equal names in import order). */
  assert_order (project, -1, NULL, BW_IMAGE_SORT_NAME, names,
                "album/photo-3.jpg Photo-1.jpg photo-2.jpg PHOTO-2.jpg photo-9.png photo-10.jpg photo-100.jpg");
  assert_order (project, -1, NULL, BW_IMAGE_SORT_ADDED, names,
                "photo-2.jpg album/photo-3.jpg Photo-1.jpg photo-9.png photo-10.jpg PHOTO-2.jpg photo-100.jpg");
  /* Along the pipeline: what is left to do first. */
  assert_order (project, -1, NULL, BW_IMAGE_SORT_STATUS, names,
                "photo-10.jpg Photo-1.jpg album/photo-3.jpg photo-2.jpg photo-100.jpg PHOTO-2.jpg photo-9.png");

  /* The filters still apply, in the order asked for. */
  assert_order (project, -1, "PHOTO-1", BW_IMAGE_SORT_NAME, names,
                "Photo-1.jpg photo-10.jpg photo-100.jpg");
  assert_order (project, -1, "photo-1", BW_IMAGE_SORT_STATUS, names,
                "photo-10.jpg Photo-1.jpg photo-100.jpg");
  assert_order (project, BW_IMAGE_STATUS_NEW, NULL, BW_IMAGE_SORT_ADDED, names, "photo-10.jpg");

  /* A status change moves the image in the status order only. */
  {
    GHashTableIter iter;
    gpointer key, value;
    gint64 id10 = 0;

    g_hash_table_iter_init (&iter, names);
    while (g_hash_table_iter_next (&iter, &key, &value))
      if (g_str_equal (value, "photo-10.jpg"))
        id10 = *(gint64 *) key;
    g_assert_true (bw_project_set_image_status (project, id10, BW_IMAGE_STATUS_SUBMITTED, &error));
    g_assert_false (bw_project_image_matches (project, id10, BW_IMAGE_STATUS_NEW, NULL));
    g_assert_false (bw_project_image_matches (project, id10, -1, "photo-2"));
  }
  assert_order (project, -1, NULL, BW_IMAGE_SORT_STATUS, names,
                "Photo-1.jpg album/photo-3.jpg photo-2.jpg photo-10.jpg photo-100.jpg PHOTO-2.jpg photo-9.png");
  assert_order (project, -1, NULL, BW_IMAGE_SORT_NAME, names,
                "album/photo-3.jpg Photo-1.jpg photo-2.jpg PHOTO-2.jpg photo-9.png photo-10.jpg photo-100.jpg");
}

static void
test_annotations (Fixture       *f,
                  gconstpointer  data)
{
  const BwPoint tri[] = { {10, 10}, {50, 10}, {10, 40} };
  const BwPoint sq[] = { {100, 100}, {110, 100}, {110, 110}, {100, 110} };
  g_autoptr(BwProject) project = bw_project_create (f->file, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(BwShape) box = bw_shape_new_box (1, 2, 31, 22);
  g_autoptr(BwShape) poly = bw_shape_new_polygon (tri, 3);
  g_autoptr(BwShape) tiny = bw_shape_new_box (1, 1, 1.5, 9);
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(BwAnnotation) deleted = NULL;
  g_autoptr(BwImage) image = NULL;
  BwImage img = fake_image ("a.jpg", "h");
  gint64 image_id, person, layer, layer_again, car, dog, id_box, id_poly;

  bw_shape_add_part (poly, sq, 4);

  g_assert_true (bw_project_add_image (project, &img, &image_id, &error));
  g_assert_true (bw_project_ensure_person (project, "Ana", BW_ROLE_ANNOTATOR, &person, &error));
  g_assert_true (bw_project_ensure_layer (project, image_id, person, BW_LAYER_KIND_WORK, &layer, &error));
  g_assert_true (bw_project_ensure_layer (project, image_id, person, BW_LAYER_KIND_WORK, &layer_again, &error));
  g_assert_cmpint (layer, ==, layer_again);
  g_assert_true (bw_project_add_category (project, "car", NULL, NULL, &car, &error));
  g_assert_true (bw_project_add_category (project, "dog", NULL, NULL, &dog, &error));

  g_assert_true (bw_project_add_annotation (project, layer, car, box, BW_SOURCE_DRAWN, 1.0, &id_box, &error));
  g_assert_true (bw_project_add_annotation (project, layer, dog, poly, BW_SOURCE_DRAWN, 1.0, &id_poly, &error));
  g_assert_no_error (error);

  /* Too small, or pointing nowhere: refused, nothing saved. */
  g_assert_false (bw_project_add_annotation (project, layer, car, tiny, BW_SOURCE_DRAWN, 1.0, NULL, &error));
  g_assert_error (error, BW_GEOMETRY_ERROR, BW_GEOMETRY_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (bw_project_add_annotation (project, layer, 777, box, BW_SOURCE_DRAWN, 1.0, NULL, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID);
  g_clear_error (&error);

  /* The first shape starts the image's work. */
  image = bw_project_get_image (project, image_id, NULL);
  g_assert_cmpint (image->status, ==, BW_IMAGE_STATUS_IN_PROGRESS);

  list = bw_project_list_annotations (project, layer, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  {
    BwAnnotation *a = g_ptr_array_index (list, 0);
    BwAnnotation *p = g_ptr_array_index (list, 1);

    g_assert_cmpint (a->id, ==, id_box);
    g_assert_true (bw_shape_equal (a->shape, box));
    g_assert_cmpint (p->category_id, ==, dog);
    g_assert_true (bw_shape_equal (p->shape, poly));
    g_assert_cmpuint (p->shape->n_parts, ==, 2);
  }
  g_clear_pointer (&list, g_ptr_array_unref);

  bw_shape_translate (box, 5, 5);
  g_assert_true (bw_project_update_annotation_shape (project, id_box, box, &error));
  g_assert_true (bw_project_set_annotation_category (project, id_box, dog, &error));
  g_assert_cmpint (bw_project_count_category_annotations (project, dog), ==, 2);
  g_assert_cmpint (bw_project_count_category_annotations (project, car), ==, 0);

  deleted = bw_project_get_annotation (project, id_box, &error);
  g_assert_true (bw_shape_equal (deleted->shape, box));
  g_assert_true (bw_project_delete_annotation (project, id_box, &error));
  g_assert_false (bw_project_delete_annotation (project, id_box, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Undo of a deletion puts it back with the same id. */
  g_assert_true (bw_project_restore_annotation (project, deleted, &error));
  g_assert_no_error (error);
  g_clear_pointer (&deleted, bw_annotation_free);
  deleted = bw_project_get_annotation (project, id_box, &error);
  g_assert_cmpint (deleted->category_id, ==, dog);
  g_assert_true (bw_shape_equal (deleted->shape, box));

  g_assert_true (bw_project_submit_layer (project, layer, &error));
  g_clear_pointer (&image, bw_image_free);
  image = bw_project_get_image (project, image_id, NULL);
  g_assert_cmpint (image->status, ==, BW_IMAGE_STATUS_SUBMITTED);
}

static void
test_one_accepted_layer (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(BwProject) project = bw_project_create (f->file, NULL);
  g_autoptr(GError) error = NULL;
  BwImage img = fake_image ("a.jpg", "h");
  gint64 image_id, ana, bo, l1, l2;

  g_assert_true (bw_project_add_image (project, &img, &image_id, NULL));
  g_assert_true (bw_project_ensure_person (project, "Ana", BW_ROLE_ANNOTATOR, &ana, NULL));
  g_assert_true (bw_project_ensure_person (project, "  Bo ", BW_ROLE_ANNOTATOR, &bo, NULL));
  g_assert_cmpint (ana, !=, bo);
  g_assert_true (bw_project_ensure_layer (project, image_id, ana, BW_LAYER_KIND_WORK, &l1, NULL));
  g_assert_true (bw_project_ensure_layer (project, image_id, bo, BW_LAYER_KIND_WORK, &l2, NULL));
  g_assert_cmpint (l1, !=, l2);

  g_assert_true (bw_project_set_layer_status (project, l1, BW_LAYER_STATUS_ACCEPTED, &error));
  g_assert_false (bw_project_set_layer_status (project, l2, BW_LAYER_STATUS_ACCEPTED, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID);
}

static void
test_start_from_model (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(BwProject) project = bw_project_create (f->file, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) own = NULL;
  g_autoptr(GPtrArray) model_after = NULL;
  g_autoptr(BwShape) box = bw_shape_new_box (10, 10, 50, 40);
  g_autoptr(BwImage) image = NULL;
  BwImage img = fake_image ("a.jpg", "h");
  BwImage bare = fake_image ("b.jpg", "h2");
  gint64 image_id, bare_id, model, ana, car, model_layer, layer = -1, again = -1, none = -1;

  g_assert_true (bw_project_add_image (project, &img, &image_id, NULL));
  g_assert_true (bw_project_add_image (project, &bare, &bare_id, NULL));
  g_assert_true (bw_project_add_category (project, "car", NULL, NULL, &car, NULL));
  g_assert_true (bw_project_ensure_person (project, "detector-v2", BW_ROLE_MODEL, &model, NULL));
  g_assert_true (bw_project_ensure_person (project, "Ana", BW_ROLE_ANNOTATOR, &ana, NULL));
  g_assert_true (bw_project_ensure_layer (project, image_id, model, BW_LAYER_KIND_MODEL, &model_layer, NULL));
  g_assert_true (bw_project_add_annotation (project, model_layer, car, box, BW_SOURCE_PREDICTION, 0.87, NULL, NULL));

  /* A model layer does not start the work. */
  image = bw_project_get_image (project, image_id, NULL);
  g_assert_cmpint (image->status, ==, BW_IMAGE_STATUS_NEW);
  g_clear_pointer (&image, bw_image_free);

  g_assert_true (bw_project_start_layer_from_model (project, image_id, ana, &layer, &error));
  g_assert_no_error (error);
  g_assert_cmpint (layer, >, 0);
  g_assert_cmpint (layer, !=, model_layer);

  own = bw_project_list_annotations (project, layer, &error);
  g_assert_cmpuint (own->len, ==, 1);
  {
    BwAnnotation *a = own->pdata[0];

    g_assert_true (bw_shape_equal (a->shape, box));
    g_assert_cmpint (a->source, ==, BW_SOURCE_PREDICTION);
    g_assert_cmpfloat (a->score, ==, 0.87);
    g_assert_cmpint (a->category_id, ==, car);
  }

  /* The copy is the annotator's: editing it leaves the model's answer. */
  g_assert_true (bw_project_delete_annotation (project, ((BwAnnotation *)own->pdata[0])->id, &error));
  model_after = bw_project_list_annotations (project, model_layer, &error);
  g_assert_cmpuint (model_after->len, ==, 1);

  image = bw_project_get_image (project, image_id, NULL);
  g_assert_cmpint (image->status, ==, BW_IMAGE_STATUS_IN_PROGRESS);

  /* Once the annotator has a layer, nothing is copied again… */
  g_assert_true (bw_project_start_layer_from_model (project, image_id, ana, &again, &error));
  g_assert_cmpint (again, ==, 0);
  /* …and an image without predictions gets no layer from looking. */
  g_assert_true (bw_project_start_layer_from_model (project, bare_id, ana, &none, &error));
  g_assert_cmpint (none, ==, 0);
  g_clear_pointer (&own, g_ptr_array_unref);
  own = bw_project_list_layers (project, bare_id, &error);
  g_assert_cmpuint (own->len, ==, 0);

  /* Looking writes nothing, so it works while another program writes. */
  {
    g_autoptr(BwProject) other = bw_project_open (f->file, &error);

    g_assert_no_error (error);
    bw_project_set_busy_timeout (project, 100);
    g_assert_true (bw_project_begin (other, &error));
    g_assert_true (bw_project_start_layer_from_model (project, bare_id, ana, &none, &error));
    g_assert_no_error (error);
    g_assert_cmpint (none, ==, 0);
    g_assert_true (bw_project_commit (other, &error));
  }
}

static void
count_cb (BwProject *project,
          guint     *count)
{
  (*count)++;
}

/* Views hear of added images once per transaction, and not at all when
 * it is rolled back. */
static void
test_images_changed (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(BwProject) project = bw_project_create (f->file, NULL);
  BwImage a = fake_image ("a.jpg", "ha");
  BwImage b = fake_image ("b.jpg", "hb");
  BwImage c = fake_image ("c.jpg", "hc");
  guint changed = 0;

  g_signal_connect (project, "images-changed", G_CALLBACK (count_cb), &changed);

  g_assert_true (bw_project_add_image (project, &a, NULL, NULL));
  g_assert_cmpuint (changed, ==, 1);

  g_assert_true (bw_project_begin (project, NULL));
  g_assert_true (bw_project_add_image (project, &b, NULL, NULL));
  g_assert_true (bw_project_add_image (project, &c, NULL, NULL));
  g_assert_cmpuint (changed, ==, 1);
  g_assert_true (bw_project_commit (project, NULL));
  g_assert_cmpuint (changed, ==, 2);

  g_assert_true (bw_project_begin (project, NULL));
  g_assert_true (bw_project_add_image (project, &(BwImage) { .path = (char *) "d.jpg", .width = 4, .height = 4, .content_hash = (char *) "hd" }, NULL, NULL));
  bw_project_rollback (project);
  g_assert_true (bw_project_begin (project, NULL));
  g_assert_true (bw_project_commit (project, NULL));
  g_assert_cmpuint (changed, ==, 2);
}

static void
changes_cb (BwProject              *project,
            const BwProjectChanges *changes,
            BwProjectChanges      **out)
{
  g_clear_pointer (out, bw_project_changes_free);
  *out = bw_project_changes_copy (changes);
}

static void
assert_changed_images (const BwProjectChanges *changes,
                       const gint64           *expected,
                       guint                   n_expected)
{
  g_assert_nonnull (changes);
  g_assert_false (changes->images_removed);
  g_assert_cmpuint (changes->image_ids->len, ==, n_expected);
  for (guint i = 0; i < n_expected; i++)
    g_assert_cmpint (g_array_index (changes->image_ids, gint64, i), ==, expected[i]);
}

static gboolean
set_true_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Two connections to one file, as two windows or a window and
 * boxwood-cli: each sees what the other committed, and only that. */
static void
test_external_changes (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(BwProject) mine = bw_project_create (f->file, NULL);
  g_autoptr(BwProject) other = bw_project_open (f->file, NULL);
  g_autoptr(BwProjectChanges) changes = NULL;
  g_autoptr(GError) error = NULL;
  BwImage a = fake_image ("a.jpg", "ha");
  BwImage b = fake_image ("b.jpg", "hb");
  BwImage c = fake_image ("c.jpg", "hc");
  gint64 id_a, id_b, id_c, person, layer, category;
  guint categories = 0;

  g_assert_nonnull (other);
  g_signal_connect (mine, "changed-externally", G_CALLBACK (changes_cb), &changes);
  g_signal_connect (mine, "categories-changed", G_CALLBACK (count_cb), &categories);

  g_assert_false (bw_project_poll_external_change (mine));

  /* Its own changes are not external. */
  g_assert_true (bw_project_add_image (mine, &a, &id_a, &error));
  g_assert_false (bw_project_poll_external_change (mine));
  g_assert_null (changes);

  /* Images the other adds, in one transaction or not, and a status the
   * other sets, are named; the image this one added since is named too
   * (it is not new to it, but the list finds it in place). */
  g_assert_true (bw_project_begin (other, &error));
  g_assert_true (bw_project_add_image (other, &b, &id_b, &error));
  g_assert_true (bw_project_add_image (other, &c, &id_c, &error));
  g_assert_true (bw_project_commit (other, &error));
  g_assert_true (bw_project_poll_external_change (mine));
  assert_changed_images (changes, (gint64[]) { id_a, id_b, id_c }, 3);
  g_assert_false (changes->categories_changed);
  g_assert_false (changes->work_changed);
  g_assert_false (bw_project_poll_external_change (mine));

  g_assert_true (bw_project_set_image_status (other, id_b, BW_IMAGE_STATUS_SUBMITTED, &error));
  g_assert_true (bw_project_poll_external_change (mine));
  assert_changed_images (changes, (gint64[]) { id_b }, 1);
  g_assert_cmpuint (categories, ==, 0);

  /* And the other way round, once the other caught up. */
  g_assert_true (bw_project_poll_external_change (other));
  g_assert_true (bw_project_set_image_gold (mine, id_c, TRUE, &error));
  {
    g_autoptr(BwProjectChanges) theirs = NULL;

    g_signal_connect (other, "changed-externally", G_CALLBACK (changes_cb), &theirs);
    g_assert_true (bw_project_poll_external_change (other));
    assert_changed_images (theirs, (gint64[]) { id_c }, 1);
    g_signal_handlers_disconnect_by_data (other, &theirs);
  }

  /* A taxonomy change: "categories-changed" too. */
  g_assert_true (bw_project_add_category (other, "car", "", "#ff0000", &category, &error));
  g_assert_true (bw_project_poll_external_change (mine));
  g_assert_true (changes->categories_changed);
  /* (with the gold mark this one set since it last looked) */
  assert_changed_images (changes, (gint64[]) { id_c }, 1);
  g_assert_cmpuint (categories, ==, 1);

  /* Annotations: a commit, nothing named (views compare what they show). */
  g_assert_true (bw_project_ensure_person (other, "ann", BW_ROLE_ANNOTATOR, &person, &error));
  g_assert_true (bw_project_ensure_layer (other, id_a, person, BW_LAYER_KIND_WORK, &layer, &error));
  {
    g_autoptr(BwShape) box = bw_shape_new_box (1, 1, 20, 20);

    g_clear_pointer (&changes, bw_project_changes_free);
    g_assert_true (bw_project_add_annotation (other, layer, category, box, BW_SOURCE_DRAWN, 1.0, NULL, &error));
  }
  g_assert_true (bw_project_poll_external_change (mine));
  g_assert_nonnull (changes);
  g_assert_false (changes->categories_changed);
  g_assert_true (changes->work_changed);
  g_assert_cmpuint (categories, ==, 1);

  /* Watched from the main loop: noticed at the next tick. */
  bw_project_watch_external_changes (mine, 50);
  g_clear_pointer (&changes, bw_project_changes_free);
  g_assert_true (bw_project_set_image_status (other, id_a, BW_IMAGE_STATUS_EXCLUDED, &error));
  {
    gboolean timed_out = FALSE;
    guint timeout = g_timeout_add_seconds (10, set_true_cb, &timed_out);

    while (changes == NULL && !timed_out)
      g_main_context_iteration (NULL, TRUE);
    g_assert_false (timed_out);
    g_source_remove (timeout);
  }
  assert_changed_images (changes, (gint64[]) { id_a }, 1);

  /* Closed while watched: the watch goes with it. */
  g_signal_handlers_disconnect_by_data (mine, &changes);
  g_signal_handlers_disconnect_by_data (mine, &categories);
  g_assert_finalize_object (g_steal_pointer (&mine));
  g_assert_true (bw_project_add_image (other, &(BwImage) { .path = (char *) "d.jpg", .width = 4, .height = 4, .content_hash = (char *) "hd" }, NULL, &error));
  g_main_context_iteration (NULL, FALSE);
}

static void
test_categories (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(BwProject) project = bw_project_create (f->file, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(BwCategory) cat = NULL;
  gint64 car, bus;
  guint changed = 0;

  g_signal_connect (project, "categories-changed", G_CALLBACK (count_cb), &changed);

  g_assert_true (bw_project_add_category (project, " car ", "vehicle", NULL, &car, &error));
  g_assert_true (bw_project_add_category (project, "bus", "vehicle", "#123456", &bus, &error));
  g_assert_false (bw_project_add_category (project, "CAR", NULL, NULL, NULL, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_DUPLICATE);
  g_clear_error (&error);
  g_assert_false (bw_project_add_category (project, "   ", NULL, NULL, NULL, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (bw_project_add_category (project, "van", NULL, "red", NULL, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID);
  g_clear_error (&error);

  list = bw_project_list_categories (project, &error);
  g_assert_cmpuint (list->len, ==, 2);
  cat = bw_category_copy (g_ptr_array_index (list, 0));
  g_assert_cmpstr (cat->name, ==, "car");
  g_assert_cmpstr (cat->supercategory, ==, "vehicle");
  g_assert_true (cat->color[0] == '#');
  g_assert_cmpstr (cat->color, !=, ((BwCategory *)g_ptr_array_index (list, 1))->color);

  g_free (cat->hotkey);
  cat->hotkey = g_strdup ("c");
  g_free (cat->guideline);
  cat->guideline = g_strdup ("Whole vehicle, including mirrors.");
  g_assert_true (bw_project_update_category (project, cat, &error));
  g_assert_no_error (error);
  /* Two additions and one update; refused changes say nothing. */
  g_assert_cmpuint (changed, ==, 3);

  g_clear_pointer (&cat, bw_category_free);
  cat = bw_project_get_category (project, bus, &error);
  g_free (cat->hotkey);
  cat->hotkey = g_strdup ("c");
  g_assert_false (bw_project_update_category (project, cat, &error));
  g_assert_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_DUPLICATE);
  g_assert_nonnull (strstr (error->message, "hotkey"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/core/store/create-reopen", test_create_reopen);
  ADD ("/core/store/application-id", test_application_id);
  ADD ("/core/store/refuse-foreign", test_refuse_foreign);
  ADD ("/core/store/refuse-newer", test_refuse_newer);
  ADD ("/core/store/refuse-impossible-version", test_refuse_impossible_version);
  ADD ("/core/store/refuse-not-a-file", test_refuse_not_a_file);
  ADD ("/core/store/migrate-from-v0", test_migrate_from_v0);
  ADD ("/core/store/migrate-v1-duplicates", test_migrate_v1_duplicates);
  ADD ("/core/store/migrated-schema-matches-new", test_migrated_schema_matches_new);
  ADD ("/core/store/wal-folded-on-open", test_wal_folded_on_open);
  ADD ("/core/store/wal-folded-on-close", test_wal_folded_on_close);
  ADD ("/core/store/backup", test_backup);
  ADD ("/core/store/read-only", test_read_only);
  ADD ("/core/store/busy", test_busy);
  ADD ("/core/store/statement-text-copied", test_statement_text_copied);
  ADD ("/core/store/transactions", test_transactions);
  ADD ("/core/store/disk-full", test_disk_full);
  ADD ("/core/store/image-paths", test_image_paths);
  ADD ("/core/store/images", test_images);
  ADD ("/core/store/image-order", test_image_order);
  ADD ("/core/store/annotations", test_annotations);
  ADD ("/core/store/one-accepted-layer", test_one_accepted_layer);
  ADD ("/core/store/start-from-model", test_start_from_model);
  ADD ("/core/store/categories", test_categories);
  ADD ("/core/store/images-changed", test_images_changed);
  ADD ("/core/store/external-changes", test_external_changes);

  return g_test_run ();
}
