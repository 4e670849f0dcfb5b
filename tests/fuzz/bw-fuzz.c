/* bw-fuzz.c — what the libFuzzer harnesses share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <gdk-pixbuf/gdk-pixbuf.h>

#include "bw-fuzz.h"

static char *scratch_dir;
static char *images_dir;
static char *project_path;
static GBytes *template_project;

static GLogWriterOutput
quiet_writer (GLogLevelFlags   level,
              const GLogField *fields,
              gsize            n_fields,
              gpointer         user_data)
{
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL))
    {
      g_log_writer_standard_streams (level, fields, n_fields, user_data);
      /* SIGABRT, which libFuzzer catches and saves the input for */
      abort ();
    }
  return G_LOG_WRITER_HANDLED;
}

static void
remove_project_files (void)
{
  g_autofree char *wal = g_strconcat (project_path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (project_path, "-shm", NULL);
  g_autofree char *journal = g_strconcat (project_path, "-journal", NULL);

  g_unlink (project_path);
  g_unlink (wal);
  g_unlink (shm);
  g_unlink (journal);
}

static void
write_png (const char *path,
           int         width,
           int         height,
           guint8      shade)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  g_autoptr(GError) error = NULL;

  gdk_pixbuf_fill (pixbuf, ((guint32) shade << 24) | 0x4080ffu);
  if (!gdk_pixbuf_save (pixbuf, path, "png", &error, NULL))
    g_error ("%s: %s", path, error->message);
}

static void
write_jpeg (const char *path,
            int         width,
            int         height)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  g_autoptr(GError) error = NULL;

  gdk_pixbuf_fill (pixbuf, 0x80402000u);
  if (!gdk_pixbuf_save (pixbuf, path, "jpeg", &error, NULL))
    g_error ("%s: %s", path, error->message);
}

static void
add_image (BwProject  *project,
           const char *absolute,
           int         width,
           int         height,
           guint       n)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *stored = bw_project_make_image_path (project, absolute);
  g_autofree char *hash = g_strdup_printf ("%064x", n + 1);
  BwImage image = {
    .path = stored,
    .width = width,
    .height = height,
    .byte_size = 100,
    .content_hash = hash,
    .orientation = 1,
    .status = BW_IMAGE_STATUS_NEW,
  };

  if (!bw_project_add_image (project, &image, NULL, &error))
    g_error ("%s", error->message);
}

static void
remove_scratch (void)
{
  const char *names[] = { "images/sub/c.png", "images/sub", "images/a.png", "images/b.jpg",
                          "images/a.json", "images", "input.json", "taxonomy.json",
                          "open.boxwood", "open.boxwood-wal", "open.boxwood-shm", NULL };

  remove_project_files ();
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *path = g_build_filename (scratch_dir, names[i], NULL);

      g_remove (path);
    }
  g_rmdir (scratch_dir);
}

/* Writes @data to @path in place: no temporary file, rename or fsync(),
 * which a run of the fuzzer needs no more than a scratch file does. */
static void
write_scratch_file (const char   *path,
                    const guint8 *data,
                    gsize         size)
{
  g_autoptr(GError) error = NULL;

  if (!g_file_set_contents_full (path, (const char *) data, (gssize) size,
                                 G_FILE_SET_CONTENTS_NONE, 0600, &error))
    g_error ("%s", error->message);
}

void
bw_fuzz_init (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(BwProject) project = NULL;
  g_autofree char *a = NULL, *b = NULL, *c = NULL, *sub = NULL;
  g_autofree char *contents = NULL;
  gsize length;

  if (scratch_dir != NULL)
    return;

  g_log_set_writer_func (quiet_writer, NULL, NULL);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);

  /* Every run copies and opens a project: on tmpfs its fsync()s are free. */
  if (g_getenv ("BW_FUZZ_TMPDIR") == NULL && g_file_test ("/dev/shm", G_FILE_TEST_IS_DIR) &&
      g_access ("/dev/shm", W_OK) == 0)
    g_setenv ("TMPDIR", "/dev/shm", TRUE);
  scratch_dir = g_dir_make_tmp ("bw-fuzz-XXXXXX", &error);
  g_assert_no_error (error);
  images_dir = g_build_filename (scratch_dir, "images", NULL);
  sub = g_build_filename (images_dir, "sub", NULL);
  g_mkdir_with_parents (sub, 0700);

  a = g_build_filename (images_dir, "a.png", NULL);
  b = g_build_filename (images_dir, "b.jpg", NULL);
  c = g_build_filename (sub, "c.png", NULL);
  write_png (a, 40, 30, 10);
  write_jpeg (b, 64, 48);
  write_png (c, 20, 10, 200);

  project_path = g_build_filename (scratch_dir, "fuzz.boxwood", NULL);
  file = g_file_new_for_path (project_path);
  project = bw_project_create (file, &error);
  g_assert_no_error (error);
  g_assert_true (bw_project_add_category (project, "cat", "animal", "#ff0000", NULL, &error));
  g_assert_true (bw_project_add_category (project, "dog", "animal", "#00ff00", NULL, &error));
  add_image (project, a, 40, 30, 0);
  add_image (project, b, 64, 48, 1);
  add_image (project, c, 20, 10, 2);
  g_clear_object (&project);

  if (!g_file_get_contents (project_path, &contents, &length, &error))
    g_error ("%s", error->message);
  template_project = g_bytes_new_take (g_steal_pointer (&contents), length);
  atexit (remove_scratch);
}

const char *
bw_fuzz_get_dir (void)
{
  return scratch_dir;
}

const char *
bw_fuzz_get_images_dir (void)
{
  return images_dir;
}

GFile *
bw_fuzz_write_input (const char   *name,
                     const guint8 *data,
                     gsize         size)
{
  g_autofree char *path = g_build_filename (scratch_dir, name, NULL);

  write_scratch_file (path, data, size);
  return g_file_new_for_path (path);
}

BwProject *
bw_fuzz_open_project (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (project_path);
  BwProject *project;

  remove_project_files ();
  write_scratch_file (project_path, g_bytes_get_data (template_project, NULL),
                      g_bytes_get_size (template_project));

  project = bw_project_open (file, &error);
  if (project == NULL)
    g_error ("%s", error->message);
  return project;
}
