/* bw-importer.c — bring image files and folders into a project
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An import runs in three steps:
 *
 * 1. Collect: the paths given are walked (folders recursively, sorted by
 *    name, hidden entries skipped, each folder entered once so symlink
 *    loops end). A file named on its own is always tried; inside folders
 *    only files with an image extension are, the rest are skipped
 *    silently.
 * 2. Check, on a GThreadPool: probe the header and apply the pixel limit
 *    from the file's first bytes, read the file once, SHA-256 it
 *    (GChecksum), look the hash up in the project, then decode it at 1/8 — which for JPEG reads every scan, so
 *    truncation and damage show, at a fraction of a full decode — and
 *    compute the difference hash of that small image.
 * 3. Store, on the thread that called run: results are taken in the
 *    order of the files (so the first of two identical files is the one
 *    kept, whatever thread finished first) and inserted in batches, one
 *    transaction each. The store's lock is only held while a batch is
 *    written, never while decoding. The look-up of step 2 only saves
 *    work: the insert itself refuses content already in the project, so
 *    a file that another import (another process) added meanwhile is
 *    reported as a duplicate, never added twice.
 *
 * A cancelled import stops handing out files, stores what was already
 * checked, and says so in its report.
 */

#define G_LOG_DOMAIN "bw-importer"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include <errno.h>
#include <string.h>

#include "bw-image-decoder.h"
#include "bw-importer.h"

#define BATCH_SIZE         256
#define MAX_THREADS        8
#define JOBS_PER_THREAD    16
/* A terapixel: far beyond any image, and safe to turn into a pixel count */
#define MAX_MEGAPIXELS     1e6

#define QUERY_ATTRIBUTES \
  G_FILE_ATTRIBUTE_STANDARD_NAME "," \
  G_FILE_ATTRIBUTE_STANDARD_TYPE "," \
  G_FILE_ATTRIBUTE_STANDARD_IS_HIDDEN "," \
  G_FILE_ATTRIBUTE_UNIX_DEVICE "," \
  G_FILE_ATTRIBUTE_UNIX_INODE

struct _BwImporter
{
  GObject               parent_instance;

  BwProject            *project;
  double                max_megapixels;   /* 0: from the project setting */

  BwImportProgressFunc  progress_func;
  gpointer              progress_data;
  GDestroyNotify        progress_destroy;

  /* While an async import runs: where progress is delivered. */
  GMainContext         *progress_context;
  gint                  progress_pending;  /* atomic */
  /* What a run that stopped on an error had done before (refused files):
   * written by the run, read once it has returned. */
  BwImportReport       *stopped_report;
  guint                 progress_done;     /* atomic */
  guint                 progress_total;    /* atomic */
};

G_DEFINE_FINAL_TYPE (BwImporter, bw_importer, G_TYPE_OBJECT)

G_DEFINE_BOXED_TYPE (BwImportReport, bw_import_report,
                     bw_import_report_copy, bw_import_report_free)

typedef enum
{
  JOB_OK,
  JOB_FAILED,
  JOB_IN_PROJECT,   /* same content already in the project */
  JOB_CANCELLED,
} JobState;

typedef struct
{
  char        *path;      /* absolute, to read */
  char        *display;   /* as the user named it, for messages */
  gboolean     explicit;  /* named on its own, not found in a folder */

  /* Filled in by a worker */
  gboolean     finished;
  JobState     state;
  GError      *error;
  BwImageInfo  info;
  gint64       byte_size;
  char        *content_hash;
  guint64      phash;
  gint64       existing_id;
} ImportJob;

typedef struct
{
  BwImporter     *importer;
  BwProject      *project;    /* the connection the run reads and writes through */
  GCancellable   *cancellable;
  guint64         max_pixels;
  GAsyncQueue    *results;
  BwImportReport *report;
  GPtrArray      *jobs;       /* ImportJob */
  GHashTable     *visited;    /* "device:inode" of folders entered */
} RunContext;

static void
import_job_free (ImportJob *job)
{
  g_free (job->path);
  g_free (job->display);
  g_clear_error (&job->error);
  g_free (job->content_hash);
  g_free (job);
}

static BwImportProblem *
problem_new (BwImportProblemKind  kind,
             const char          *path,
             char                *reason)
{
  BwImportProblem *problem = g_new0 (BwImportProblem, 1);

  problem->kind = kind;
  problem->path = g_strdup (path);
  problem->reason = reason;
  return problem;
}

static void
problem_free (BwImportProblem *problem)
{
  g_free (problem->path);
  g_free (problem->reason);
  g_free (problem);
}

static BwImportReport *
report_new (void)
{
  BwImportReport *report = g_new0 (BwImportReport, 1);

  report->problems = g_ptr_array_new_with_free_func ((GDestroyNotify) problem_free);
  return report;
}

BwImportReport *
bw_import_report_copy (const BwImportReport *report)
{
  BwImportReport *copy;

  g_return_val_if_fail (report != NULL, NULL);

  copy = report_new ();
  copy->added = report->added;
  copy->duplicates = report->duplicates;
  copy->failed = report->failed;
  copy->skipped = report->skipped;
  copy->cancelled = report->cancelled;
  for (guint i = 0; i < report->problems->len; i++)
    {
      const BwImportProblem *problem = g_ptr_array_index (report->problems, i);

      g_ptr_array_add (copy->problems,
                       problem_new (problem->kind, problem->path, g_strdup (problem->reason)));
    }
  return copy;
}

void
bw_import_report_free (BwImportReport *report)
{
  if (report == NULL)
    return;
  g_clear_pointer (&report->problems, g_ptr_array_unref);
  g_free (report);
}

static void
report_problem (BwImportReport      *report,
                BwImportProblemKind  kind,
                const char          *path,
                char                *reason)
{
  if (kind == BW_IMPORT_PROBLEM_FAILED)
    report->failed++;
  else if (kind == BW_IMPORT_PROBLEM_DUPLICATE)
    report->duplicates++;

  g_ptr_array_add (report->problems, problem_new (kind, path, reason));
}

static void
bw_importer_finalize (GObject *object)
{
  BwImporter *self = (BwImporter *) object;

  if (self->progress_destroy != NULL)
    self->progress_destroy (self->progress_data);
  g_clear_pointer (&self->progress_context, g_main_context_unref);
  g_clear_pointer (&self->stopped_report, bw_import_report_free);

  G_OBJECT_CLASS (bw_importer_parent_class)->finalize (object);
}

static void
bw_importer_dispose (GObject *object)
{
  BwImporter *self = (BwImporter *) object;

  g_clear_object (&self->project);

  G_OBJECT_CLASS (bw_importer_parent_class)->dispose (object);
}

static void
bw_importer_class_init (BwImporterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = bw_importer_dispose;
  object_class->finalize = bw_importer_finalize;
}

static void
bw_importer_init (BwImporter *self)
{
}

/**
 * bw_importer_new:
 * @project: the project to import into
 *
 * Returns: (transfer full): a new importer
 */
BwImporter *
bw_importer_new (BwProject *project)
{
  BwImporter *self;

  g_return_val_if_fail (BW_IS_PROJECT (project), NULL);

  self = g_object_new (BW_TYPE_IMPORTER, NULL);
  self->project = g_object_ref (project);
  return self;
}

/**
 * bw_importer_get_project:
 *
 * Returns: (transfer none): the project
 */
BwProject *
bw_importer_get_project (BwImporter *self)
{
  g_return_val_if_fail (BW_IS_IMPORTER (self), NULL);
  return self->project;
}

/**
 * bw_importer_set_max_megapixels:
 * @megapixels: the largest image to import, in millions of pixels, or 0
 *   to use the project's `import.max-megapixels` setting (250 when unset)
 */
void
bw_importer_set_max_megapixels (BwImporter *self,
                                double      megapixels)
{
  g_return_if_fail (BW_IS_IMPORTER (self));
  g_return_if_fail (megapixels >= 0);

  self->max_megapixels = megapixels;
}

/* The limit of a run that reads through @project. */
static double
max_megapixels (BwImporter *self,
                BwProject  *project)
{
  g_autofree char *setting = NULL;

  if (self->max_megapixels > 0)
    return MIN (self->max_megapixels, MAX_MEGAPIXELS);

  setting = bw_project_get_setting (project, BW_IMPORT_SETTING_MAX_MEGAPIXELS);
  if (setting != NULL)
    {
      char *end = NULL;
      double value = g_ascii_strtod (setting, &end);

      if (end != setting && value > 0 && value <= MAX_MEGAPIXELS)
        return value;
      /* A project file is someone else's input: a bad value is ignored. */
      g_debug ("Ignoring the project setting %s=“%s”: not a number of megapixels",
               BW_IMPORT_SETTING_MAX_MEGAPIXELS, setting);
    }

  return (double) BW_IMAGE_DEFAULT_MAX_PIXELS / 1e6;
}

/**
 * bw_importer_get_max_megapixels:
 *
 * Returns: the limit an import uses now: the override, else the project's
 *   setting, else 250
 */
double
bw_importer_get_max_megapixels (BwImporter *self)
{
  g_return_val_if_fail (BW_IS_IMPORTER (self), 0);

  return max_megapixels (self, self->project);
}

/**
 * bw_importer_set_progress_func:
 * @func: (nullable): called with the files done and the files found
 *
 * During bw_importer_run() @func is called on the calling thread; during
 * bw_importer_run_async() on the thread-default main context of the
 * caller, no more often than that context runs.
 */
void
bw_importer_set_progress_func (BwImporter           *self,
                               BwImportProgressFunc  func,
                               gpointer              user_data,
                               GDestroyNotify        destroy)
{
  g_return_if_fail (BW_IS_IMPORTER (self));

  if (self->progress_destroy != NULL)
    self->progress_destroy (self->progress_data);

  self->progress_func = func;
  self->progress_data = user_data;
  self->progress_destroy = destroy;
}

static gboolean
deliver_progress_cb (gpointer data)
{
  BwImporter *self = data;

  g_atomic_int_set (&self->progress_pending, 0);
  if (self->progress_func != NULL)
    self->progress_func ((guint) g_atomic_int_get (&self->progress_done),
                         (guint) g_atomic_int_get (&self->progress_total),
                         self->progress_data);
  return G_SOURCE_REMOVE;
}

static void
report_progress (BwImporter *self,
                 guint       done,
                 guint       total)
{
  if (self->progress_func == NULL)
    return;

  if (self->progress_context == NULL)
    {
      self->progress_func (done, total, self->progress_data);
      return;
    }

  g_atomic_int_set (&self->progress_done, (gint) done);
  g_atomic_int_set (&self->progress_total, (gint) total);

  /* One pending delivery at a time: the UI sees the latest figures.
   * Not g_main_context_invoke(): it runs the callback right here when
   * this thread can acquire the context, e.g. before its loop runs. */
  if (g_atomic_int_compare_and_exchange (&self->progress_pending, 0, 1))
    {
      g_autoptr(GSource) source = g_idle_source_new ();

      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_callback (source, deliver_progress_cb, g_object_ref (self), g_object_unref);
      g_source_set_static_name (source, "[boxwood] import progress");
      g_source_attach (source, self->progress_context);
    }
}

static gboolean
has_image_extension (const char *name)
{
  static const char * const extensions[] = {
    ".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".webp",
    ".tif", ".tiff", ".bmp", ".gif",
  };
  const char *dot = strrchr (name, '.');

  if (dot == NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (extensions); i++)
    if (g_ascii_strcasecmp (dot, extensions[i]) == 0)
      return TRUE;

  return FALSE;
}

/* @text with every byte that is not part of valid UTF-8 written as \xNN,
 * so that a message can name the file exactly. */
static char *
escape_invalid_utf8 (const char *text)
{
  GString *out = g_string_new (NULL);
  const char *p = text;
  const char *end;

  while (!g_utf8_validate (p, -1, &end))
    {
      g_string_append_len (out, p, end - p);
      g_string_append_printf (out, "\\x%02X", (guchar) *end);
      p = end + 1;
    }
  g_string_append (out, p);
  return g_string_free (out, FALSE);
}

static void
add_job (RunContext *ctx,
         GFile      *file,
         const char *display,
         gboolean    explicit)
{
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *stored = bw_project_make_image_path (ctx->project, path);
  ImportJob *job;

  /* Paths are stored, shown and exported (COCO's file_name) as UTF-8; a
   * name that is not would come back as another name (U+FFFD for each bad
   * byte), one that points at no file. Refused, naming the exact bytes. */
  if (!g_utf8_validate (stored, -1, NULL))
    {
      g_autofree char *escaped = escape_invalid_utf8 (display);

      report_problem (ctx->report, BW_IMPORT_PROBLEM_FAILED, escaped,
                      g_strdup_printf (_("“%s” was not imported: its name is not valid UTF-8, "
                                         "and Boxwood keeps and exports file names as UTF-8; "
                                         "rename it (convmv can) and import it again"),
                                       escaped));
      return;
    }

  job = g_new0 (ImportJob, 1);
  job->path = g_steal_pointer (&path);
  job->display = g_strdup (display);
  job->explicit = explicit;
  g_ptr_array_add (ctx->jobs, job);
}

/* Why a path cannot be followed: a dangling link, a loop… */
static char *
describe_unreachable (GFile      *file,
                      const char *display)
{
  g_autofree char *path = g_file_get_path (file);
  GStatBuf st;
  int saved_errno = 0;

  if (path != NULL && g_stat (path, &st) != 0)
    saved_errno = errno;

  if (saved_errno != 0)
    return g_strdup_printf (_("Could not read “%s”: %s"), display, g_strerror (saved_errno));

  return g_strdup_printf (_("Could not read “%s”: it is not a regular file or a folder"), display);
}

static char *
folder_key (GFileInfo *info)
{
  return g_strdup_printf ("%u:%" G_GUINT64_FORMAT,
                          g_file_info_get_attribute_uint32 (info, G_FILE_ATTRIBUTE_UNIX_DEVICE),
                          g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_UNIX_INODE));
}

static int
compare_infos_by_name (gconstpointer a,
                       gconstpointer b)
{
  GFileInfo *ia = *(GFileInfo **) a;
  GFileInfo *ib = *(GFileInfo **) b;

  return strcmp (g_file_info_get_name (ia), g_file_info_get_name (ib));
}

static void collect_folder (RunContext *ctx,
                            GFile      *folder,
                            const char *display);

static void
collect_child (RunContext *ctx,
               GFile      *folder,
               const char *folder_display,
               GFileInfo  *info)
{
  const char *name = g_file_info_get_name (info);
  g_autoptr(GFile) child = g_file_get_child (folder, name);
  g_autofree char *display = g_build_filename (folder_display, name, NULL);
  GFileType type = g_file_info_get_file_type (info);

  if (g_file_info_get_is_hidden (info))
    return;

  switch (type)
    {
    case G_FILE_TYPE_DIRECTORY:
      {
        g_autofree char *key = folder_key (info);

        /* Entered before (a symlink loop, or two links to one folder) */
        if (!g_hash_table_add (ctx->visited, g_steal_pointer (&key)))
          return;
        collect_folder (ctx, child, display);
      }
      break;

    case G_FILE_TYPE_REGULAR:
      if (has_image_extension (name))
        add_job (ctx, child, display, FALSE);
      else
        ctx->report->skipped++;
      break;

    case G_FILE_TYPE_SYMBOLIC_LINK:   /* one that cannot be followed */
    case G_FILE_TYPE_SPECIAL:
    case G_FILE_TYPE_SHORTCUT:
    case G_FILE_TYPE_MOUNTABLE:
    case G_FILE_TYPE_UNKNOWN:
    default:
      if (has_image_extension (name))
        report_problem (ctx->report, BW_IMPORT_PROBLEM_FAILED, display,
                        describe_unreachable (child, display));
      else
        ctx->report->skipped++;
      break;
    }
}

static void
collect_folder (RunContext *ctx,
                GFile      *folder,
                const char *display)
{
  g_autoptr(GFileEnumerator) enumerator = NULL;
  g_autoptr(GPtrArray) infos = NULL;
  g_autoptr(GError) error = NULL;

  if (g_cancellable_is_cancelled (ctx->cancellable))
    return;

  enumerator = g_file_enumerate_children (folder, QUERY_ATTRIBUTES, G_FILE_QUERY_INFO_NONE,
                                          ctx->cancellable, &error);
  if (enumerator == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        report_problem (ctx->report, BW_IMPORT_PROBLEM_FAILED, display,
                        g_strdup_printf (_("Could not read the folder “%s”: %s"),
                                         display, error->message));
      return;
    }

  infos = g_ptr_array_new_with_free_func (g_object_unref);
  for (;;)
    {
      GFileInfo *info = g_file_enumerator_next_file (enumerator, ctx->cancellable, &error);

      if (info == NULL)
        break;
      g_ptr_array_add (infos, info);
    }

  if (error != NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* Import what could be listed, and say what could not. */
      report_problem (ctx->report, BW_IMPORT_PROBLEM_FAILED, display,
                      g_strdup_printf (_("Could not read the whole folder “%s”: %s"),
                                       display, error->message));
    }

  g_ptr_array_sort (infos, compare_infos_by_name);

  for (guint i = 0; i < infos->len; i++)
    collect_child (ctx, folder, display, g_ptr_array_index (infos, i));
}

static void
collect_path (RunContext *ctx,
              const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_commandline_arg (path);
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  info = g_file_query_info (file, QUERY_ATTRIBUTES, G_FILE_QUERY_INFO_NONE,
                            ctx->cancellable, &error);
  if (info == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        report_problem (ctx->report, BW_IMPORT_PROBLEM_FAILED, path,
                        g_strdup_printf (_("Could not read “%s”: %s"), path, error->message));
      return;
    }

  switch (g_file_info_get_file_type (info))
    {
    case G_FILE_TYPE_DIRECTORY:
      {
        g_autofree char *key = folder_key (info);

        if (g_hash_table_add (ctx->visited, g_steal_pointer (&key)))
          collect_folder (ctx, file, path);
      }
      break;

    case G_FILE_TYPE_REGULAR:
      /* Named on its own: tried whatever its name */
      add_job (ctx, file, path, TRUE);
      break;

    case G_FILE_TYPE_SYMBOLIC_LINK:
    case G_FILE_TYPE_SPECIAL:
    case G_FILE_TYPE_SHORTCUT:
    case G_FILE_TYPE_MOUNTABLE:
    case G_FILE_TYPE_UNKNOWN:
    default:
      report_problem (ctx->report, BW_IMPORT_PROBLEM_FAILED, path,
                      describe_unreachable (file, path));
      break;
    }
}

/* On a worker thread: everything about one file that needs no store
 * write. The pixels are only needed for validation and the hash, so the
 * decode is at 1/8 and freed at once. */
static void
check_file_cb (gpointer data,
               gpointer user_data)
{
  ImportJob *job = data;
  RunContext *ctx = user_data;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(BwPixels) pixels = NULL;
  BwImageInfo decoded;
  const guint8 *contents;
  gsize size;

  if (g_cancellable_is_cancelled (ctx->cancellable))
    {
      job->state = JOB_CANCELLED;
      goto out;
    }

  /* The header first: a file that is not an image, or an image over the
   * limit, costs one read of its first bytes, not of the whole file. */
  bytes = bw_image_read_file_full (job->path, job->display, ctx->max_pixels,
                                   &job->info, &job->error);
  if (bytes == NULL)
    {
      job->state = JOB_FAILED;
      goto out;
    }

  contents = g_bytes_get_data (bytes, &size);
  job->byte_size = (gint64) size;
  job->content_hash = g_compute_checksum_for_data (G_CHECKSUM_SHA256, contents, size);

  /* Already imported: no need to look at the pixels again. */
  job->existing_id = bw_project_find_image_by_hash (ctx->project, job->content_hash);
  if (job->existing_id > 0)
    {
      job->state = JOB_IN_PROJECT;
      goto out;
    }

  /* Decodes on all the workers share the decoder's memory budget: a
   * file that inflates to gigabytes waits for the others, or is refused
   * when it alone needs more than the budget. */
  pixels = bw_image_decode_data (contents, size, job->display, 8, ctx->max_pixels,
                                 &decoded, &job->error);
  if (pixels == NULL)
    {
      job->state = JOB_FAILED;
      goto out;
    }

  /* For the formats gdk-pixbuf reads, orientation is known after decoding. */
  if (job->info.format != BW_IMAGE_FORMAT_JPEG)
    job->info.orientation = decoded.orientation;

  job->phash = bw_pixels_dhash (pixels);
  job->state = JOB_OK;

out:
  g_async_queue_push (ctx->results, job);
}

static void
report_in_project (RunContext *ctx,
                   ImportJob  *job,
                   gint64      existing_id)
{
  g_autoptr(BwImage) existing = bw_project_get_image (ctx->project, existing_id, NULL);

  report_problem (ctx->report, BW_IMPORT_PROBLEM_DUPLICATE, job->display,
                  g_strdup_printf (_("“%s” is already in the project, as “%s”"),
                                   job->display,
                                   existing != NULL ? existing->path : "?"));
}

static void
report_path_taken (RunContext *ctx,
                   ImportJob  *job)
{
  report_problem (ctx->report, BW_IMPORT_PROBLEM_FAILED, job->display,
                  g_strdup_printf (_("“%s” is in the project already, but its content "
                                     "has changed since it was imported"),
                                   job->display));
}

/* The insert found the content or the path taken. */
static void
report_conflict (RunContext *ctx,
                 ImportJob  *job)
{
  gint64 existing_id = bw_project_find_image_by_hash (ctx->project, job->content_hash);

  if (existing_id > 0)
    report_in_project (ctx, job, existing_id);
  else
    report_path_taken (ctx, job);
}

static gboolean
store_batch (RunContext  *ctx,
             GPtrArray   *batch,
             GError     **error)
{
  BwProject *project = ctx->project;
  guint added = 0;

  if (batch->len == 0)
    return TRUE;

  if (!bw_project_begin (project, error))
    return FALSE;

  for (guint i = 0; i < batch->len; i++)
    {
      ImportJob *job = g_ptr_array_index (batch, i);
      g_autoptr(GError) local_error = NULL;
      g_autofree char *stored = bw_project_make_image_path (project, job->path);
      BwImage image = {
        .path = stored,
        .width = job->info.width,
        .height = job->info.height,
        .byte_size = job->byte_size,
        .content_hash = job->content_hash,
        .phash = job->phash,
        .orientation = job->info.orientation > 0 ? job->info.orientation : 1,
        .status = BW_IMAGE_STATUS_NEW,
      };

      if (bw_project_add_image (project, &image, NULL, &local_error))
        {
          added++;
          continue;
        }

      /* Another import, maybe in another process, added the same
       * content or path since the check: it is a duplicate all the same. */
      if (g_error_matches (local_error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_DUPLICATE))
        {
          report_conflict (ctx, job);
          continue;
        }

      if (g_error_matches (local_error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID))
        {
          report_problem (ctx->report, BW_IMPORT_PROBLEM_FAILED, job->display,
                          g_strdup_printf (_("Could not add “%s”: %s"),
                                           job->display, local_error->message));
          continue;
        }

      bw_project_rollback (project);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (!bw_project_commit (project, error))
    return FALSE;

  ctx->report->added += added;
  g_ptr_array_set_size (batch, 0);
  return TRUE;
}

/* On the calling thread, in file order. */
static void
take_result (RunContext *ctx,
             ImportJob  *job,
             GHashTable *seen,
             GPtrArray  *batch)
{
  BwProject *project = ctx->project;
  const char *first;

  switch (job->state)
    {
    case JOB_CANCELLED:
      return;

    case JOB_FAILED:
      report_problem (ctx->report, BW_IMPORT_PROBLEM_FAILED, job->display,
                      g_strdup (job->error->message));
      return;

    case JOB_IN_PROJECT:
    case JOB_OK:
    default:
      break;
    }

  /* Checked before the project lookup: an earlier batch of this import
   * may already hold the first copy, and the message should not depend
   * on which worker was faster. */
  first = g_hash_table_lookup (seen, job->content_hash);
  if (first != NULL)
    {
      report_problem (ctx->report, BW_IMPORT_PROBLEM_DUPLICATE, job->display,
                      g_strdup_printf (_("“%s” has the same content as “%s”, imported just before"),
                                       job->display, first));
      return;
    }

  if (job->state == JOB_IN_PROJECT)
    {
      report_in_project (ctx, job, job->existing_id);
      return;
    }

  {
    g_autofree char *stored = bw_project_make_image_path (project, job->path);

    /* The path is taken: by this content when another import added it
     * since the check, else by content that has changed. */
    if (bw_project_find_image_by_path (project, stored) > 0)
      {
        report_conflict (ctx, job);
        return;
      }
  }

  g_hash_table_insert (seen, job->content_hash, job->display);

  if (job->info.orientation > 1)
    report_problem (ctx->report, BW_IMPORT_PROBLEM_NOTE, job->display,
                    g_strdup_printf (_("“%s” has EXIF orientation %d: it is kept, shown and "
                                       "exported as stored (unrotated), which is how PIL "
                                       "and torchvision read it"),
                                     job->display, job->info.orientation));

  g_ptr_array_add (batch, job);
}

static BwImportReport *
import_run (BwImporter          *self,
            BwProject           *project,
            const char * const  *paths,
            GCancellable        *cancellable,
            GError             **error)
{
  g_autoptr(BwImportReport) report = report_new ();
  g_autoptr(GPtrArray) jobs = g_ptr_array_new_with_free_func ((GDestroyNotify) import_job_free);
  g_autoptr(GHashTable) visited = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) batch = g_ptr_array_new ();
  g_autoptr(GAsyncQueue) results = g_async_queue_new ();
  g_autoptr(GError) store_error = NULL;
  RunContext ctx = { 0, };
  GThreadPool *pool;
  guint n_threads;
  guint next_push = 0;
  guint next_take = 0;
  guint in_flight = 0;
  gboolean stop = FALSE;

  ctx.importer = self;
  ctx.project = project;
  ctx.cancellable = cancellable;
  ctx.max_pixels = (guint64) (max_megapixels (self, project) * 1e6);
  ctx.results = results;
  ctx.report = report;
  ctx.jobs = jobs;
  ctx.visited = visited;
  g_clear_pointer (&self->stopped_report, bw_import_report_free);

  for (guint i = 0; paths[i] != NULL; i++)
    collect_path (&ctx, paths[i]);

  if (g_cancellable_is_cancelled (cancellable))
    {
      report->cancelled = TRUE;
      return g_steal_pointer (&report);
    }

  report_progress (self, 0, jobs->len);

  n_threads = CLAMP (g_get_num_processors (), 1, MAX_THREADS);
  pool = g_thread_pool_new (check_file_cb, &ctx, (int) n_threads, FALSE, NULL);

  while (in_flight > 0 || (!stop && next_push < jobs->len))
    {
      ImportJob *job;

      /* Keep the workers busy, but hand out no more than a window of
       * files beyond the first one not yet stored, so a slow file does
       * not let the others run ahead (and a cancel stops soon). */
      while (!stop && next_push < jobs->len && next_push - next_take < n_threads * JOBS_PER_THREAD)
        {
          g_thread_pool_push (pool, g_ptr_array_index (jobs, next_push++), NULL);
          in_flight++;
        }

      job = g_async_queue_pop (results);
      job->finished = TRUE;
      in_flight--;

      while (next_take < next_push &&
             ((ImportJob *) g_ptr_array_index (jobs, next_take))->finished)
        {
          take_result (&ctx, g_ptr_array_index (jobs, next_take), seen, batch);
          next_take++;
          if (!stop)
            report_progress (self, next_take, jobs->len);
        }

      if (store_error == NULL && batch->len >= BATCH_SIZE &&
          !store_batch (&ctx, batch, &store_error))
        stop = TRUE;

      if (!stop && g_cancellable_is_cancelled (cancellable))
        {
          report->cancelled = TRUE;
          stop = TRUE;
        }
    }

  g_thread_pool_free (pool, FALSE, TRUE);

  /* What was checked before a cancel is kept. */
  if (store_error == NULL)
    store_batch (&ctx, batch, &store_error);

  if (store_error != NULL)
    {
      g_set_error (error, store_error->domain, store_error->code,
                   ngettext ("The import stopped after adding %u image: %s",
                             "The import stopped after adding %u images: %s",
                             report->added),
                   report->added, store_error->message);
      self->stopped_report = g_steal_pointer (&report);
      return NULL;
    }

  if (g_cancellable_is_cancelled (cancellable) && next_take < jobs->len)
    report->cancelled = TRUE;

  return g_steal_pointer (&report);
}

/**
 * bw_importer_run:
 * @paths: (array zero-terminated=1): files and folders
 * @cancellable: (nullable): a #GCancellable
 * @error: a #GError
 *
 * Imports @paths into the project. Files that cannot be imported do not
 * stop the import: they are listed in the report with the reason. A
 * cancelled import returns a report with @cancelled set, and everything
 * it added before is kept.
 *
 * Returns: (transfer full): the report, or %NULL with @error set when
 *   the project could not be written (what was added before stays, and
 *   bw_importer_get_stopped_report() lists the files refused until then)
 */
BwImportReport *
bw_importer_run (BwImporter          *self,
                 const char * const  *paths,
                 GCancellable        *cancellable,
                 GError             **error)
{
  g_return_val_if_fail (BW_IS_IMPORTER (self), NULL);
  g_return_val_if_fail (paths != NULL, NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);

  return import_run (self, self->project, paths, cancellable, error);
}

static void
run_thread_cb (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  BwImporter *self = source_object;
  const char * const *paths = task_data;
  GError *error = NULL;
  BwImportReport *report = NULL;
  /* A connection of the worker's own: the window never waits on the
   * import's batches, and hears of the images they add all the same. */
  g_autoptr(BwProject) project = bw_project_open_another (self->project, &error);

  if (project != NULL)
    report = import_run (self, project, paths, cancellable, &error);
  /* Closed before the caller hears that the import is over. */
  g_clear_object (&project);
  if (report == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, report, (GDestroyNotify) bw_import_report_free);
}

/**
 * bw_importer_run_async:
 * @paths: (array zero-terminated=1): files and folders
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the import is over
 * @user_data: for @callback
 *
 * Runs bw_importer_run() on a thread. Progress is delivered on the
 * thread-default main context of the caller. Cancelling still gives a
 * report (with @cancelled set), not an error.
 */
void
bw_importer_run_async (BwImporter          *self,
                       const char * const  *paths,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (BW_IS_IMPORTER (self));
  g_return_if_fail (paths != NULL);
  g_return_if_fail (self->progress_context == NULL);

  self->progress_context = g_main_context_ref_thread_default ();

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bw_importer_run_async);
  /* The report says what happened before the cancel. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, g_strdupv ((char **) paths), (GDestroyNotify) g_strfreev);
  g_task_run_in_thread (task, run_thread_cb);
}

/**
 * bw_importer_get_stopped_report:
 *
 * After a run that returned an error (the project busy or not writable),
 * what it had done before it stopped: the files refused so far, and the
 * images added. Valid until the next run; not to be called while one runs.
 *
 * Returns: (transfer none) (nullable): the report, or %NULL when the last
 *   run did not stop on an error
 */
const BwImportReport *
bw_importer_get_stopped_report (BwImporter *self)
{
  g_return_val_if_fail (BW_IS_IMPORTER (self), NULL);

  return self->stopped_report;
}

/**
 * bw_importer_run_finish:
 *
 * Returns: (transfer full): the report, or %NULL with @error set
 */
BwImportReport *
bw_importer_run_finish (BwImporter    *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (BW_IS_IMPORTER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  g_clear_pointer (&self->progress_context, g_main_context_unref);

  return g_task_propagate_pointer (G_TASK (result), error);
}
