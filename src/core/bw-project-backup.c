/* bw-project-backup.c — a copy of a project that is safe to take while it is open
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A project is its .boxwood file plus, while it is open, the -wal file
 * beside it: copying the .boxwood file alone can miss committed work.
 * A backup reads the project through SQLite (the online backup API), as
 * of one committed state, into a temporary file in the destination's
 * folder, and renames that into place, so the destination is either the
 * old file or the whole copy, never half of one.
 */

#define G_LOG_DOMAIN "bw-project"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "bw-project-private.h"

/* Another program is writing to the destination, or it was not closed
 * cleanly: SQLite would apply its -wal file to the new file. (An empty
 * -wal and a -shm file are what readers leave: harmless.) */
static gboolean
destination_in_use (const char *path)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  GStatBuf st;

  return g_stat (wal, &st) == 0 && st.st_size > 0;
}

static gboolean
same_file (const char *a,
           const char *b)
{
  GStatBuf sa, sb;

  if (g_stat (a, &sa) != 0 || g_stat (b, &sb) != 0)
    return FALSE;
  return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static gboolean
copy_pages (BwProject   *self,
            const char  *temp_path,
            const char  *display,
            GError     **error)
{
  sqlite3 *source = NULL;
  sqlite3 *copy = NULL;
  sqlite3_backup *backup;
  int rc;

  source = _bw_project_open_reader (self, error);
  if (source == NULL)
    return FALSE;

  rc = sqlite3_open_v2 (temp_path, &copy, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_busy_timeout (copy, 0);
      backup = sqlite3_backup_init (copy, "main", source, "main");
      if (backup == NULL)
        rc = sqlite3_errcode (copy);
      else
        {
          /* All pages in one step: one read transaction, so the copy is
           * one committed state even while others write. */
          rc = sqlite3_backup_step (backup, -1);
          sqlite3_backup_finish (backup);
          if (rc == SQLITE_DONE)
            rc = sqlite3_errcode (copy);
        }
    }

  if (rc == SQLITE_OK)
    {
      /* The copy is a WAL file like any project: leave it folded and
       * closed, with no -wal beside it. */
      rc = sqlite3_wal_checkpoint_v2 (copy, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
    }

  if (rc != SQLITE_OK)
    {
      switch (rc & 0xff)
        {
        case SQLITE_FULL:
          g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_DISK_FULL,
                       _("Could not write the copy “%s”: the disk is full. Free some space and try again."),
                       display);
          break;

        case SQLITE_BUSY:
        case SQLITE_LOCKED:
          _bw_project_set_error (self, rc, error);
          break;

        default:
          g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_FAILED,
                       _("Could not write the copy “%s”: %s. Check that its folder is writable."),
                       display, sqlite3_errstr (rc));
          break;
        }
    }

  sqlite3_close_v2 (copy);
  sqlite3_close_v2 (source);
  return rc == SQLITE_OK;
}

/**
 * bw_project_backup:
 * @destination: the copy to write, a `.boxwood` file
 * @replace: whether an existing @destination may be replaced
 *
 * Writes a copy of the project as it is now, committed work only, safe to
 * take while the project is open here or in another program, and to copy
 * on as one file. Edits made meanwhile go on and are not in the copy.
 *
 * Returns: %FALSE with @error set when the copy could not be made; then
 *   @destination is as it was
 */
gboolean
bw_project_backup (BwProject  *self,
                   GFile      *destination,
                   gboolean    replace,
                   GError    **error)
{
  g_autofree char *path = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  g_autofree char *display = NULL;
  g_autofree char *temp_path = NULL;
  g_autofree char *temp_journal = NULL;
  int fd;

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (destination), FALSE);

  path = g_file_get_path (destination);
  base = g_file_get_basename (destination);
  display = g_filename_display_name (base);
  if (path == NULL)
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_FAILED,
                   _("Cannot write the copy “%s”: it is not on a local disk. Choose a local folder."),
                   display);
      return FALSE;
    }

  if (g_strcmp0 (path, self->path) == 0 || same_file (path, self->path))
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_EXISTS,
                   _("“%s” is the project itself; choose another name for the copy."),
                   display);
      return FALSE;
    }

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      if (!replace)
        {
          g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_EXISTS,
                       _("“%s” already exists; choose another name, or confirm that it may be replaced."),
                       display);
          return FALSE;
        }
      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
        {
          g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_EXISTS,
                       _("“%s” exists and is not a file; choose another name for the copy."),
                       display);
          return FALSE;
        }
    }

  if (destination_in_use (path))
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_BUSY,
                   _("“%s” is open in Boxwood or was not closed cleanly (its -wal file holds work); open and close it in Boxwood, or choose another name."),
                   display);
      return FALSE;
    }

  dir = g_path_get_dirname (path);
  temp_path = g_strdup_printf ("%s" G_DIR_SEPARATOR_S ".%s.XXXXXX", dir, base);
  fd = g_mkstemp_full (temp_path, O_RDWR, 0644);
  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_READ_ONLY,
                   _("Cannot write the copy “%s”: %s. Choose a folder you can write to."),
                   display, g_strerror (saved_errno));
      return FALSE;
    }
  close (fd);
  temp_journal = g_strconcat (temp_path, "-journal", NULL);

  if (!copy_pages (self, temp_path, display, error))
    goto failed;

  if (g_rename (temp_path, path) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_FAILED,
                   _("Could not put the copy in place as “%s”: %s"),
                   display, g_strerror (saved_errno));
      goto failed;
    }

  return TRUE;

failed:
  g_unlink (temp_path);
  g_unlink (temp_journal);
  return FALSE;
}

static void
backup_thread_cb (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  GFile *destination = task_data;
  gboolean replace = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (task), "bw-replace"));
  GError *error = NULL;

  if (bw_project_backup (source_object, destination, replace, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * bw_project_backup_async:
 *
 * Runs bw_project_backup() on a thread; it reads the project through a
 * connection of its own, so the project stays usable meanwhile.
 */
void
bw_project_backup_async (BwProject           *self,
                         GFile               *destination,
                         gboolean             replace,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (BW_IS_PROJECT (self));
  g_return_if_fail (G_IS_FILE (destination));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bw_project_backup_async);
  g_task_set_task_data (task, g_object_ref (destination), g_object_unref);
  g_object_set_data (G_OBJECT (task), "bw-replace", GINT_TO_POINTER (replace));
  g_task_run_in_thread (task, backup_thread_cb);
}

gboolean
bw_project_backup_finish (BwProject     *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
