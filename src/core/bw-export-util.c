/* bw-export-util.c — what the exporters share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bw-export"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <inttypes.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bw-export-util.h"
#include "bw-text.h"

/**
 * bw_export_append_json_string:
 *
 * Appends @str as a JSON string literal. Text that is not UTF-8 (a file
 * name in another encoding) is made valid first, so the output is always
 * JSON.
 */
void
bw_export_append_json_string (GString    *text,
                              const char *str)
{
  g_autofree char *valid = NULL;

  if (!g_utf8_validate (str, -1, NULL))
    str = valid = g_utf8_make_valid (str, -1);

  g_string_append_c (text, '"');
  for (const unsigned char *p = (const unsigned char *) str; *p; p++)
    {
      switch (*p)
        {
        case '"':
          g_string_append (text, "\\\"");
          break;
        case '\\':
          g_string_append (text, "\\\\");
          break;
        case '\n':
          g_string_append (text, "\\n");
          break;
        case '\r':
          g_string_append (text, "\\r");
          break;
        case '\t':
          g_string_append (text, "\\t");
          break;
        default:
          if (*p < 0x20)
            g_string_append_printf (text, "\\u%04x", *p);
          else
            g_string_append_c (text, (char) *p);
          break;
        }
    }
  g_string_append_c (text, '"');
}

/* Writes the digits of @v ending just before @end; returns where they
 * start. */
static char *
format_unsigned (char    *end,
                 guint64  v)
{
  do
    {
      *--end = (char) ('0' + v % 10);
      v /= 10;
    }
  while (v != 0);
  return end;
}

/**
 * bw_export_append_int:
 *
 * Appends @value in decimal; printf's machinery is most of the cost of an
 * id otherwise.
 */
void
bw_export_append_int (GString *text,
                      gint64   value)
{
  char buf[24];
  char *end = buf + sizeof buf;
  char *start = format_unsigned (end, value < 0 ? -(guint64) value : (guint64) value);

  if (value < 0)
    *--start = '-';
  g_string_append_len (text, start, end - start);
}

/**
 * bw_export_append_number:
 *
 * Appends @value rounded to 6 decimals (a millionth of a pixel, far below
 * what any annotation means), without trailing zeros: 12, 12.5, 0.333333.
 * Coordinates usually have a few decimals and are then written exactly;
 * widths and areas computed from them (123.4 - 100.1 =
 * 23.300000000000011) come out as people wrote them. The digits are made
 * from an integer: printf's %g costs most of an export's time otherwise.
 */
void
bw_export_append_number (GString *text,
                         double   value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (value))
    {
      /* Never stored (shapes are validated); JSON has no NaN. */
      g_string_append_c (text, '0');
      return;
    }

  /* |value| × 10^6 < 2^53: the rounding is exact integer arithmetic. */
  if (fabs (value) < 9.0e9)
    {
      gint64 m = (gint64) nearbyint (value * 1e6);
      guint64 a = m < 0 ? (guint64) -m : (guint64) m;
      guint64 frac = a % 1000000;
      char digits[32];
      char *end = digits + sizeof digits;
      char *start;

      if (frac != 0)
        {
          int n = 6;

          /* Drop the trailing zeros of the fraction. */
          while (frac % 10 == 0)
            {
              frac /= 10;
              n--;
            }
          for (int i = 0; i < n; i++)
            {
              *--end = (char) ('0' + frac % 10);
              frac /= 10;
            }
          *--end = '.';
        }
      start = format_unsigned (end, a / 1000000);
      if (m < 0)
        *--start = '-';
      g_string_append_len (text, start, (digits + sizeof digits) - start);
      return;
    }

  g_ascii_formatd (buf, sizeof buf, "%.17g", value);
  g_string_append (text, buf);
}

int
bw_export_compare_category_ids (gconstpointer a,
                                gconstpointer b)
{
  const BwCategory *ca = *(BwCategory * const *) a;
  const BwCategory *cb = *(BwCategory * const *) b;

  return (ca->id > cb->id) - (ca->id < cb->id);
}

/* Temporary files and folders of an export are named
 * ".NAME.boxwood-XXXXXXXX.tmp" and hold an exclusive flock() while they
 * are written. One left by an export that was killed holds no lock: the
 * next export to the same folder removes it. */
#define TEMPORARY_MARK "boxwood-"

static gboolean
is_temporary_name (const char *name)
{
  gsize len = strlen (name);
  const char *mark;

  /* ".X" + ".boxwood-" + 8 hex digits + ".tmp" */
  if (name[0] != '.' || len < 2 + strlen ("." TEMPORARY_MARK) + 8 + 4 || !g_str_has_suffix (name, ".tmp"))
    return FALSE;
  mark = name + len - 4 - 8 - strlen (TEMPORARY_MARK);
  if (mark[-1] != '.' || strncmp (mark, TEMPORARY_MARK, strlen (TEMPORARY_MARK)) != 0)
    return FALSE;
  for (guint i = 0; i < 8; i++)
    if (!g_ascii_isxdigit (mark[strlen (TEMPORARY_MARK) + i]))
      return FALSE;
  return TRUE;
}

static void
close_lock_fd (gpointer data)
{
  close (GPOINTER_TO_INT (data) - 1);
}

/* Takes the lock that tells a live temporary from a stale one; it is
 * released when @tmp is finalized (or the process dies). */
static void
lock_temporary (GFile *tmp)
{
  int fd = g_open (g_file_peek_path (tmp), O_RDONLY | O_CLOEXEC | O_NOFOLLOW, 0);

  if (fd < 0)
    return;
  if (flock (fd, LOCK_EX | LOCK_NB) != 0)
    {
      close (fd);
      return;
    }
  g_object_set_data_full (G_OBJECT (tmp), "bw-export-lock", GINT_TO_POINTER (fd + 1), close_lock_fd);
}

/**
 * bw_export_make_temporary_name:
 * @base: the name of what the temporary becomes
 *
 * Returns: (transfer full): a hidden name that
 *   bw_export_remove_stale_temporaries() recognizes
 */
char *
bw_export_make_temporary_name (const char *base)
{
  return g_strdup_printf (".%s." TEMPORARY_MARK "%08x.tmp", base, g_random_int ());
}

/**
 * bw_export_lock_temporary:
 * @tmp: a temporary file or folder just made, named by
 *   bw_export_make_temporary_name()
 *
 * Marks @tmp as in use for as long as @tmp (the #GFile) lives.
 */
void
bw_export_lock_temporary (GFile *tmp)
{
  lock_temporary (tmp);
}

/**
 * bw_export_remove_stale_temporaries:
 * @folder: where an export is about to write
 *
 * Removes the temporary files and folders that exports killed before
 * they finished left in @folder (a `kill -9`, a power cut): ours by their
 * name, and unlocked. One being written by a running export is locked and
 * stays. Anything else, even hidden and ending in .tmp, is not touched.
 */
void
bw_export_remove_stale_temporaries (GFile *folder)
{
  g_autoptr(GDir) dir = NULL;
  const char *path = g_file_peek_path (folder);
  const char *name;

  if (path == NULL || !(dir = g_dir_open (path, 0, NULL)))
    return;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = NULL;
      struct stat st;
      int fd;

      if (!is_temporary_name (name))
        continue;

      child = g_build_filename (path, name, NULL);
      fd = g_open (child, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0);
      if (fd < 0)
        continue;

      /* Between its creation and its lock a temporary is unlocked for a
       * moment: one changed in the last minute is left alone. */
      if (fstat (fd, &st) == 0 && st.st_mtime < time (NULL) - 60 &&
          (S_ISREG (st.st_mode) || S_ISDIR (st.st_mode)) &&
          flock (fd, LOCK_EX | LOCK_NB) == 0)
        {
          g_autoptr(GFile) stale = g_file_new_for_path (child);

          g_debug ("Removing %s, left by an export that did not finish", child);
          if (S_ISDIR (st.st_mode))
            bw_export_remove_tree (stale, NULL);
          else
            g_unlink (child);
        }
      close (fd);
    }
}

/**
 * bw_export_create_temporary:
 * @file: the destination
 * @out_tmp: (out): the temporary file, a hidden sibling of @file
 *
 * Creates a new temporary file in @file's folder (so the final rename is
 * atomic) and returns a buffered stream on it. Stale temporaries of
 * earlier exports in that folder are removed first.
 */
GOutputStream *
bw_export_create_temporary (GFile         *file,
                            GFile        **out_tmp,
                            GCancellable  *cancellable,
                            GError       **error)
{
  g_autoptr(GFile) parent = g_file_get_parent (file);
  g_autofree char *base = g_file_get_basename (file);
  g_autoptr(GError) local_error = NULL;

  bw_export_remove_stale_temporaries (parent);

  for (guint attempt = 0; attempt < 100; attempt++)
    {
      g_autofree char *name = bw_export_make_temporary_name (base);
      g_autoptr(GFile) tmp = g_file_get_child (parent, name);
      g_autoptr(GFileOutputStream) stream = NULL;

      g_clear_error (&local_error);
      stream = g_file_create (tmp, G_FILE_CREATE_NONE, cancellable, &local_error);
      if (stream != NULL)
        {
          lock_temporary (tmp);
          *out_tmp = g_steal_pointer (&tmp);
          return g_buffered_output_stream_new_sized (G_OUTPUT_STREAM (stream), 1 << 20);
        }
      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS))
        break;
    }

  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_propagate_error (error, g_steal_pointer (&local_error));
  else
    g_set_error (error, local_error->domain, local_error->code,
                 _("Cannot write “%s”: %s"), g_file_peek_path (file), local_error->message);
  return NULL;
}

/**
 * bw_export_close_temporary:
 *
 * Flushes and closes @stream and makes its file durable, so that renaming
 * it over @file can never leave an empty file after a crash.
 */
gboolean
bw_export_close_temporary (GOutputStream  *stream,
                           GFile          *tmp,
                           GFile          *file,
                           GCancellable   *cancellable,
                           GError        **error)
{
  g_autoptr(GError) local_error = NULL;
  const char *path = g_file_peek_path (tmp);
  int fd;

  if (!g_output_stream_close (stream, cancellable, &local_error))
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, local_error->domain, local_error->code,
                     _("Cannot write “%s”: %s"), g_file_peek_path (file), local_error->message);
      return FALSE;
    }

  fd = path ? g_open (path, O_RDONLY | O_CLOEXEC, 0) : -1;
  if (fd < 0 || fsync (fd) != 0)
    {
      int saved = errno;

      if (fd >= 0)
        close (fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Cannot write “%s”: %s"), g_file_peek_path (file), g_strerror (saved));
      return FALSE;
    }
  close (fd);
  return TRUE;
}

gboolean
bw_export_commit_temporary (GFile   *tmp,
                            GFile   *file,
                            GError **error)
{
  if (g_rename (g_file_peek_path (tmp), g_file_peek_path (file)) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Cannot write “%s”: %s"), g_file_peek_path (file), g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

/**
 * bw_export_image_file_name:
 * @root: a canonical absolute folder
 * @relative_only: whether an image outside @root gets a relative name too
 *
 * Returns: (transfer full): the image's path relative to @root. An image
 *   outside @root gets its absolute path, or with @relative_only
 *   "external/ID-BASENAME", which is where bw_export_copy_image() puts it.
 */
char *
bw_export_image_file_name (BwProject           *project,
                           const BwExportImage *image,
                           const char          *root,
                           gboolean             relative_only)
{
  g_autofree char *absolute = bw_project_resolve_image_path (project, image->path);
  gsize root_len = strlen (root);

  /* root is canonical, so is absolute: a plain prefix test is enough,
   * and the remainder holds no "." or ".." component. */
  if (strncmp (absolute, root, root_len) == 0)
    {
      const char *rest = NULL;

      if (root_len == 1)
        rest = absolute + 1;
      else if (absolute[root_len] == G_DIR_SEPARATOR)
        rest = absolute + root_len + 1;

      if (rest != NULL && *rest != '\0')
        return g_strdup (rest);
    }

  if (relative_only)
    {
      g_autofree char *base = g_path_get_basename (absolute);

      return g_strdup_printf ("external/%" G_GINT64_FORMAT "-%s", image->image_id, base);
    }

  return g_steal_pointer (&absolute);
}

/**
 * bw_export_copy_image:
 * @folder: where to copy; the image lands at its relative file name
 *
 * Copies the image file to a temporary name and renames it, so a failure
 * leaves no partial image.
 */
gboolean
bw_export_copy_image (BwProject            *project,
                      const BwExportImage  *image,
                      const char           *root,
                      GFile                *folder,
                      GCancellable         *cancellable,
                      GError              **error)
{
  g_autofree char *absolute = bw_project_resolve_image_path (project, image->path);
  g_autofree char *name = bw_export_image_file_name (project, image, root, TRUE);
  g_autoptr(GFile) source = g_file_new_for_path (absolute);
  g_autoptr(GFile) target = g_file_resolve_relative_path (folder, name);
  g_autoptr(GFile) parent = g_file_get_parent (target);
  g_autoptr(GFile) tmp = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *tmp_name = NULL;
  g_autofree char *base = NULL;

  /* name is relative and holds no "..": target stays inside folder. */
  g_assert (g_file_has_prefix (target, folder));

  if (g_file_equal (source, target))
    return TRUE;

  if (g_mkdir_with_parents (g_file_peek_path (parent), 0777) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Cannot create the folder “%s”: %s"),
                   g_file_peek_path (parent), g_strerror (saved));
      return FALSE;
    }

  base = g_file_get_basename (target);
  tmp_name = g_strdup_printf (".%s.%08x.tmp", base, g_random_int ());
  tmp = g_file_get_child (parent, tmp_name);

  if (!g_file_copy (source, tmp, G_FILE_COPY_OVERWRITE, cancellable, NULL, NULL, &local_error))
    {
      g_file_delete (tmp, NULL, NULL);
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, local_error->domain, local_error->code,
                     _("Cannot copy the image “%s”: %s"), absolute, local_error->message);
      return FALSE;
    }

  if (!bw_export_commit_temporary (tmp, target, error))
    {
      g_file_delete (tmp, NULL, NULL);
      return FALSE;
    }

  return TRUE;
}

/* Async: an export in a worker thread, progress in the caller's context */

typedef struct
{
  GFile            *destination;
  BwExportFunc      func;
  gpointer          options;
  GDestroyNotify    options_free;
  BwExportProgress  progress;
  gpointer          progress_data;
  GDestroyNotify    progress_destroy;
  GMainContext     *context;
  BwExportResult    result;
} ExportData;

static void
export_data_free (ExportData *data)
{
  g_clear_object (&data->destination);
  if (data->options_free != NULL)
    data->options_free (data->options);
  if (data->progress_destroy != NULL)
    data->progress_destroy (data->progress_data);
  g_clear_pointer (&data->context, g_main_context_unref);
  bw_export_result_clear (&data->result);
  g_free (data);
}

typedef struct
{
  GTask   *task;
  guint64  done;
  guint64  total;
} ProgressCall;

static gboolean
progress_in_main_cb (gpointer user_data)
{
  ProgressCall *call = user_data;
  ExportData *data = g_task_get_task_data (call->task);

  if (!g_cancellable_is_cancelled (g_task_get_cancellable (call->task)))
    data->progress (call->done, call->total, data->progress_data);
  g_object_unref (call->task);
  g_free (call);
  return G_SOURCE_REMOVE;
}

static void
progress_in_thread_cb (guint64  done,
                       guint64  total,
                       gpointer user_data)
{
  GTask *task = user_data;
  ExportData *data = g_task_get_task_data (task);
  ProgressCall *call = g_new0 (ProgressCall, 1);

  call->task = g_object_ref (task);
  call->done = done;
  call->total = total;
  g_main_context_invoke (data->context, progress_in_main_cb, call);
}

static void
export_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ExportData *data = task_data;
  GError *error = NULL;
  /* A connection of the worker's own: the window's stays free. */
  g_autoptr(BwProject) project = bw_project_open_another (source_object, &error);
  gboolean ok;

  ok = project != NULL &&
       data->func (project, data->destination, data->options,
                   data->progress ? progress_in_thread_cb : NULL, task,
                   &data->result, cancellable, &error);
  /* Closed before the caller hears that the export is over. */
  g_clear_object (&project);
  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
bw_export_run_async (BwProject           *project,
                     GFile               *destination,
                     BwExportFunc         func,
                     gpointer             options,
                     GDestroyNotify       options_free,
                     BwExportProgress     progress,
                     gpointer             progress_data,
                     GDestroyNotify       progress_destroy,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data,
                     gpointer             source_tag)
{
  g_autoptr(GTask) task = NULL;
  ExportData *data = g_new0 (ExportData, 1);

  data->destination = g_object_ref (destination);
  data->func = func;
  data->options = options;
  data->options_free = options_free;
  data->progress = progress;
  data->progress_data = progress_data;
  data->progress_destroy = progress_destroy;
  data->context = g_main_context_ref_thread_default ();

  task = g_task_new (project, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  /* A cancel that comes after the files were renamed into place must not
   * report "nothing was written": the result says what happened. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, data, (GDestroyNotify) export_data_free);
  g_task_run_in_thread (task, export_thread);
}

gboolean
bw_export_run_finish (BwProject       *project,
                      GAsyncResult    *result,
                      BwExportResult  *out_result,
                      GError         **error)
{
  ExportData *data;

  g_return_val_if_fail (g_task_is_valid (result, project), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;

  data = g_task_get_task_data (G_TASK (result));
  if (out_result != NULL)
    {
      *out_result = data->result;
      memset (&data->result, 0, sizeof data->result);
    }
  return TRUE;
}

/**
 * bw_export_remove_tree:
 *
 * Deletes @folder and everything in it (a staging folder of ours; symbolic
 * links are removed, not followed).
 */
gboolean
bw_export_remove_tree (GFile   *folder,
                       GError **error)
{
  g_autoptr(GFileEnumerator) children = NULL;

  children = g_file_enumerate_children (folder, G_FILE_ATTRIBUTE_STANDARD_NAME ","
                                        G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  while (children != NULL)
    {
      GFileInfo *info;
      GFile *child;

      if (!g_file_enumerator_iterate (children, &info, &child, NULL, error))
        return FALSE;
      if (info == NULL)
        break;
      if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
        {
          if (!bw_export_remove_tree (child, error))
            return FALSE;
        }
      else if (!g_file_delete (child, NULL, error))
        return FALSE;
    }

  return g_file_delete (folder, NULL, error);
}

/**
 * bw_export_note_damaged:
 * @file_name: the image's file name as the export writes it
 * @error: what is wrong with the annotation's stored geometry
 *
 * Counts an annotation an export leaves out, and names it for the first
 * %BW_EXPORT_MAX_DAMAGED_LISTED.
 */
void
bw_export_note_damaged (BwExportResult *result,
                        const char     *file_name,
                        gint64          annotation_id,
                        const GError   *error)
{
  g_autofree char *shown = bw_text_for_message (file_name, -1, 0);

  result->skipped_damaged++;
  if (result->damaged == NULL)
    result->damaged = g_ptr_array_new_with_free_func (g_free);
  if (result->damaged->len < BW_EXPORT_MAX_DAMAGED_LISTED)
    g_ptr_array_add (result->damaged,
                     g_strdup_printf (_("%s: annotation %" PRId64 " was left out: %s"),
                                      shown, annotation_id, error->message));
}
