/* bw-image-loader.c — decoding images for a viewer: one at a time, cached
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A viewer asks for the image it is about to show, and may name the one
 * it will probably show next. Decoding happens on a worker thread, and at
 * most one full-resolution decode runs for a loader at any time: a full
 * decode of a large image holds up to a gigabyte, and holding Page Down
 * must not start one per image passed over. Asking for another image
 * cancels the running decode (GCancellable); the decoder itself cannot be
 * stopped once it runs, so the cancelled one finishes, its pixels are
 * dropped, and only then does the decode of the image asked for last
 * start. Images asked for in between are never decoded at all.
 *
 * For a JPEG larger than the view a scaled decode (1/2, 1/4 or 1/8, the
 * smallest still sharp at fit-to-window) is made first, on a second
 * thread beside the full one: on two cores both are done about when the
 * full decode alone would be. It is not a full decode and is not counted
 * as one.
 *
 * With the full resolution comes a pyramid of levels, each half the size
 * of the one before, so that a zoomed-out view samples a level at most
 * twice its on-screen size. Finished pyramids are kept in a cache bounded
 * in bytes (the most recent one always stays).
 */

#define G_LOG_DOMAIN "bw-image-loader"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <errno.h>

#include "bw-image-loader.h"

#define MIN_LEVEL_SIZE        384
#define DEFAULT_CACHE_BUDGET  (G_GUINT64_CONSTANT (768) * 1024 * 1024)
#define CACHE_MAX_ENTRIES     8

/* ------------------------------------------------------------------ */
/* Pyramids                                                            */

struct _BwImagePyramid
{
  gatomicrefcount  ref_count;
  char            *path;
  int              width;
  int              height;
  GPtrArray       *levels;      /* BwPixels* */
  gboolean         complete;    /* levels[0] is the full resolution */
};

G_DEFINE_BOXED_TYPE (BwImagePyramid, bw_image_pyramid, bw_image_pyramid_ref, bw_image_pyramid_unref)

static BwImagePyramid *
bw_image_pyramid_new (const char *path,
                      int         width,
                      int         height)
{
  BwImagePyramid *self = g_new0 (BwImagePyramid, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->path = g_strdup (path);
  self->width = width;
  self->height = height;
  self->levels = g_ptr_array_new_with_free_func ((GDestroyNotify) bw_pixels_free);

  return self;
}

BwImagePyramid *
bw_image_pyramid_ref (BwImagePyramid *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
bw_image_pyramid_unref (BwImagePyramid *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_ptr_array_unref (self->levels);
  g_free (self->path);
  g_free (self);
}

const char *
bw_image_pyramid_get_path (const BwImagePyramid *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->path;
}

int
bw_image_pyramid_get_width (const BwImagePyramid *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->width;
}

int
bw_image_pyramid_get_height (const BwImagePyramid *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->height;
}

gboolean
bw_image_pyramid_is_complete (const BwImagePyramid *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->complete;
}

guint
bw_image_pyramid_get_n_levels (const BwImagePyramid *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->levels->len;
}

const BwPixels *
bw_image_pyramid_get_level (const BwImagePyramid *self,
                            guint                 index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->levels->len, NULL);

  return g_ptr_array_index (self->levels, index);
}

/**
 * bw_image_pyramid_choose_level:
 * @scale: screen pixels per image pixel
 *
 * Returns: the smallest level that still has at least one pixel per
 *   screen pixel at @scale, or the largest one
 */
guint
bw_image_pyramid_choose_level (const BwImagePyramid *self,
                               double                scale)
{
  g_return_val_if_fail (self != NULL, 0);

  for (guint i = self->levels->len; i > 0; i--)
    {
      BwPixels *level = g_ptr_array_index (self->levels, i - 1);
      double factor = (double) level->width / self->width;

      if (factor >= scale * 0.999)
        return i - 1;
    }

  return 0;
}

gsize
bw_image_pyramid_get_memory (const BwImagePyramid *self)
{
  gsize total = 0;

  g_return_val_if_fail (self != NULL, 0);

  for (guint i = 0; i < self->levels->len; i++)
    {
      BwPixels *level = g_ptr_array_index (self->levels, i);
      total += level->stride * level->height;
    }

  return total;
}

/* Average 2×2 blocks. Premultiplied alpha averages correctly as is. */
static BwPixels *
halve_pixels (const BwPixels *src)
{
  int width = MAX (1, src->width / 2);
  int height = MAX (1, src->height / 2);
  gsize stride = (gsize) width * 4;
  const guint8 *data = bw_pixels_get_data (src);
  guint8 *out = g_malloc (stride * height);
  BwPixels *dst;

  for (int y = 0; y < height; y++)
    {
      const guint8 *row0 = data + (gsize) MIN (2 * y, src->height - 1) * src->stride;
      const guint8 *row1 = data + (gsize) MIN (2 * y + 1, src->height - 1) * src->stride;
      guint8 *o = out + (gsize) y * stride;

      if (src->width >= 2)
        {
          for (int x = 0; x < width; x++)
            {
              const guint8 *p = row0 + 8 * x;
              const guint8 *q = row1 + 8 * x;

              o[0] = (p[0] + p[4] + q[0] + q[4] + 2) >> 2;
              o[1] = (p[1] + p[5] + q[1] + q[5] + 2) >> 2;
              o[2] = (p[2] + p[6] + q[2] + q[6] + 2) >> 2;
              o[3] = (p[3] + p[7] + q[3] + q[7] + 2) >> 2;
              o += 4;
            }
        }
      else
        {
          for (int c = 0; c < 4; c++)
            o[c] = (row0[c] + row1[c] + 1) >> 1;
        }
    }

  dst = g_new0 (BwPixels, 1);
  dst->width = width;
  dst->height = height;
  dst->stride = stride;
  dst->bytes = g_bytes_new_take (out, stride * height);

  return dst;
}

static void
build_levels (BwImagePyramid *self)
{
  BwPixels *last = g_ptr_array_index (self->levels, self->levels->len - 1);

  while (last->width > MIN_LEVEL_SIZE || last->height > MIN_LEVEL_SIZE)
    {
      if (last->width < 2 || last->height < 2)
        break;
      last = halve_pixels (last);
      g_ptr_array_add (self->levels, last);
    }
}

/* ------------------------------------------------------------------ */
/* Decoding (worker threads)                                           */

/* Counters shared by a loader and its jobs, which may outlive it. */
typedef struct
{
  gatomicrefcount ref_count;
  gint            started;
  gint            finished;
  gint            dropped;
  gint            in_flight;
  gint            max_in_flight;
} Counters;

static Counters *
counters_ref (Counters *counters)
{
  g_atomic_ref_count_inc (&counters->ref_count);
  return counters;
}

static void
counters_unref (Counters *counters)
{
  if (g_atomic_ref_count_dec (&counters->ref_count))
    g_free (counters);
}

typedef void (*PreviewFunc) (BwImagePyramid *preview,
                             gpointer        user_data);

typedef struct
{
  GBytes      *data;
  char        *name;
  char        *path;
  int          width;
  int          height;
  guint        denominator;
  guint64      max_pixels;
  PreviewFunc  func;
  gpointer     func_data;
} PreviewJob;

static gpointer
preview_thread_func (gpointer user_data)
{
  PreviewJob *job = user_data;
  g_autoptr(BwPixels) pixels = NULL;

  pixels = bw_image_decode_data (g_bytes_get_data (job->data, NULL), g_bytes_get_size (job->data),
                                 job->name, job->denominator, job->max_pixels, NULL, NULL);
  if (pixels != NULL)
    {
      g_autoptr(BwImagePyramid) preview = bw_image_pyramid_new (job->path, job->width, job->height);

      g_ptr_array_add (preview->levels, g_steal_pointer (&pixels));
      job->func (preview, job->func_data);
    }

  g_bytes_unref (job->data);
  g_free (job->name);
  g_free (job->path);
  g_free (job);

  return NULL;
}

static void
start_preview (GBytes            *data,
               const char        *name,
               const char        *path,
               const BwImageInfo *info,
               guint64            max_pixels,
               double             preview_scale,
               PreviewFunc        func,
               gpointer           func_data,
               GThread          **out_thread)
{
  guint denominator = 1;
  PreviewJob *job;

  for (guint d = 8; d >= 2; d /= 2)
    if (1.0 / d >= preview_scale)
      {
        denominator = d;
        break;
      }
  if (denominator == 1)
    return;

  job = g_new0 (PreviewJob, 1);
  job->data = g_bytes_ref (data);
  job->name = g_strdup (name);
  job->path = g_strdup (path);
  job->width = info->width;
  job->height = info->height;
  job->denominator = denominator;
  job->max_pixels = max_pixels;
  job->func = func;
  job->func_data = func_data;

  *out_thread = g_thread_try_new ("bw-preview", preview_thread_func, job, NULL);
  if (*out_thread == NULL)
    preview_thread_func (job);
}

/* The whole decode of one image: checks against what was recorded at
 * import, an optional preview, the full resolution and its levels. */
static BwImagePyramid *
decode_pyramid (const char    *path,
                int            expected_width,
                int            expected_height,
                gint64         expected_size,
                guint64        max_pixels,
                double         preview_scale,
                PreviewFunc    preview_func,
                gpointer       preview_data,
                Counters      *counters,
                gboolean      *out_started,
                GCancellable  *cancellable,
                GError       **error)
{
  g_autoptr(GBytes) data = NULL;
  g_autoptr(BwImagePyramid) pyramid = NULL;
  g_autofree char *name = g_filename_display_name (path);
  BwImageInfo info;
  BwPixels *full = NULL;
  GThread *preview_thread = NULL;
  GStatBuf st;
  int in_flight;

  if (g_stat (path, &st) != 0)
    {
      int saved_errno = errno;

      if (saved_errno == ENOENT || saved_errno == ENOTDIR)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                     _("“%s” is missing: it was moved or deleted after it was imported."),
                     name);
      else
        g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                     _("Cannot read “%s”: %s"), name, g_strerror (saved_errno));
      return NULL;
    }

  if (expected_size > 0 && (gint64) st.st_size != expected_size)
    {
      g_autofree char *now = g_format_size (st.st_size);
      g_autofree char *was = g_format_size (expected_size);

      g_set_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_CORRUPT,
                   _("“%s” has changed since it was imported: it is now %s, it was %s. It may be truncated or replaced by another file."),
                   name, now, was);
      return NULL;
    }

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  if (!(data = bw_image_read_file (path, name, error)))
    return NULL;

  if (!bw_image_probe_data (g_bytes_get_data (data, NULL), g_bytes_get_size (data),
                            name, &info, error))
    return NULL;

  if (expected_width > 0 && expected_height > 0 &&
      (info.width != expected_width || info.height != expected_height))
    {
      g_set_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_CORRUPT,
                   _("“%s” has changed since it was imported: it is now %d × %d pixels, it was %d × %d."),
                   name, info.width, info.height, expected_width, expected_height);
      return NULL;
    }

  /* The last moment a decode can still be stopped. */
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  if (preview_func != NULL && preview_scale > 0 && info.format == BW_IMAGE_FORMAT_JPEG)
    start_preview (data, name, path, &info, max_pixels, preview_scale,
                   preview_func, preview_data, &preview_thread);

  g_atomic_int_inc (&counters->started);
  *out_started = TRUE;
  in_flight = g_atomic_int_add (&counters->in_flight, 1) + 1;
  for (int max = g_atomic_int_get (&counters->max_in_flight);
       in_flight > max && !g_atomic_int_compare_and_exchange (&counters->max_in_flight, max, in_flight);
       max = g_atomic_int_get (&counters->max_in_flight))
    ;

  full = bw_image_decode_data (g_bytes_get_data (data, NULL), g_bytes_get_size (data),
                               name, 1, max_pixels, NULL, error);

  g_atomic_int_add (&counters->in_flight, -1);

  /* Never leave the preview behind: it must reach the viewer before the
   * full resolution does. */
  if (preview_thread != NULL)
    g_thread_join (preview_thread);

  if (full == NULL)
    return NULL;

  pyramid = bw_image_pyramid_new (path, full->width, full->height);
  g_ptr_array_add (pyramid->levels, full);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  build_levels (pyramid);
  pyramid->complete = TRUE;

  return g_steal_pointer (&pyramid);
}

/* ------------------------------------------------------------------ */
/* The loader                                                          */

/* An image asked for: to show, or to have ready. */
typedef struct
{
  char    *path;
  int      expected_width;
  int      expected_height;
  gint64   expected_size;
  double   preview_scale;
} Want;

static Want *
want_new (const char *path,
          int         expected_width,
          int         expected_height,
          gint64      expected_size,
          double      preview_scale)
{
  Want *want = g_new0 (Want, 1);

  want->path = g_strdup (path);
  want->expected_width = expected_width;
  want->expected_height = expected_height;
  want->expected_size = expected_size;
  want->preview_scale = preview_scale;

  return want;
}

static void
want_free (Want *want)
{
  g_free (want->path);
  g_free (want);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Want, want_free)

/* The decode running on a worker. */
typedef struct
{
  Want         *want;
  guint64       max_pixels;
  gboolean      for_show;      /* UI thread only: its result is wanted on screen */
  GCancellable *cancellable;
  GMainContext *context;
  Counters     *counters;
  gboolean      started_full;  /* set on the worker, read once it is done */
} Job;

static void
job_free (Job *job)
{
  want_free (job->want);
  g_object_unref (job->cancellable);
  g_main_context_unref (job->context);
  counters_unref (job->counters);
  g_free (job);
}

struct _BwImageLoader
{
  GObject       parent_instance;

  guint64       max_pixels;
  guint64       cache_budget;
  GQueue        cache;          /* BwImagePyramid*, most recent first */

  GTask        *running;        /* the one decode in flight, or NULL */
  Want         *wanted;         /* to show once decoded, or NULL */
  Want         *preload;        /* to decode when nothing else is, or NULL */
  Counters     *counters;
};

G_DEFINE_FINAL_TYPE (BwImageLoader, bw_image_loader, G_TYPE_OBJECT)

enum {
  PREVIEW,
  LOADED,
  FAILED,
  N_SIGNALS
};

static guint signals [N_SIGNALS];

static Job *
running_job (BwImageLoader *self)
{
  return self->running != NULL ? g_task_get_task_data (self->running) : NULL;
}

static gboolean
job_is_live (Job *job)
{
  return job != NULL && !g_cancellable_is_cancelled (job->cancellable);
}

static BwImagePyramid *
cache_find (BwImageLoader *self,
            const char    *path)
{
  for (GList *l = self->cache.head; l != NULL; l = l->next)
    {
      BwImagePyramid *pyramid = l->data;

      if (g_strcmp0 (pyramid->path, path) == 0)
        return pyramid;
    }

  return NULL;
}

static void
cache_trim (BwImageLoader *self)
{
  guint64 total = 0;
  GList *l = self->cache.head;

  /* The most recent one always stays: it is the one on screen. */
  for (guint n = 0; l != NULL; n++)
    {
      GList *next = l->next;

      total += bw_image_pyramid_get_memory (l->data);
      if (n > 0 && (n >= CACHE_MAX_ENTRIES || total > self->cache_budget))
        {
          bw_image_pyramid_unref (l->data);
          g_queue_delete_link (&self->cache, l);
        }
      l = next;
    }
}

static void
cache_insert (BwImageLoader  *self,
              BwImagePyramid *pyramid)
{
  for (GList *l = self->cache.head; l != NULL; l = l->next)
    if (l->data == pyramid || g_strcmp0 (((BwImagePyramid *) l->data)->path, pyramid->path) == 0)
      {
        bw_image_pyramid_unref (l->data);
        g_queue_delete_link (&self->cache, l);
        break;
      }

  g_queue_push_head (&self->cache, bw_image_pyramid_ref (pyramid));
  cache_trim (self);
}

typedef struct
{
  GTask          *task;
  BwImagePyramid *preview;
} PreviewDelivery;

static void
preview_delivery_free (PreviewDelivery *delivery)
{
  g_object_unref (delivery->task);
  bw_image_pyramid_unref (delivery->preview);
  g_free (delivery);
}

static gboolean
preview_idle_cb (gpointer user_data)
{
  PreviewDelivery *delivery = user_data;
  BwImageLoader *self = g_task_get_source_object (delivery->task);
  Job *job = g_task_get_task_data (delivery->task);

  if (self->running == delivery->task && job_is_live (job) && job->for_show &&
      self->wanted != NULL && g_strcmp0 (self->wanted->path, job->want->path) == 0)
    g_signal_emit (self, signals[PREVIEW], 0, delivery->preview);

  return G_SOURCE_REMOVE;
}

/* On the worker; the delivery keeps the task (and so the loader) alive
 * until the main context has it. */
static void
deliver_preview (BwImagePyramid *preview,
                 gpointer        user_data)
{
  GTask *task = user_data;
  Job *job = g_task_get_task_data (task);
  PreviewDelivery *delivery = g_new0 (PreviewDelivery, 1);

  delivery->task = g_object_ref (task);
  delivery->preview = bw_image_pyramid_ref (preview);
  g_main_context_invoke_full (job->context, G_PRIORITY_DEFAULT,
                              preview_idle_cb, delivery,
                              (GDestroyNotify) preview_delivery_free);
}

static void
decode_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Job *job = task_data;
  GError *error = NULL;
  BwImagePyramid *pyramid;

  pyramid = decode_pyramid (job->want->path,
                            job->want->expected_width, job->want->expected_height,
                            job->want->expected_size, job->max_pixels,
                            job->want->preview_scale,
                            job->want->preview_scale > 0 ? deliver_preview : NULL, task,
                            job->counters, &job->started_full, job->cancellable, &error);
  if (pyramid == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, pyramid, (GDestroyNotify) bw_image_pyramid_unref);
}

static void schedule (BwImageLoader *self);

static void
decode_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  BwImageLoader *self = BW_IMAGE_LOADER (source);
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(BwImagePyramid) pyramid = NULL;
  g_autoptr(GError) error = NULL;
  gboolean live = job_is_live (job);

  pyramid = g_task_propagate_pointer (G_TASK (result), &error);

  if (self->running == G_TASK (result))
    g_clear_object (&self->running);

  if (!live)
    {
      /* Stale: the image is no longer wanted, whatever became of its
       * decode. */
      if (job->started_full)
        g_atomic_int_inc (&self->counters->dropped);
    }
  else
    {
      if (pyramid != NULL)
        {
          g_atomic_int_inc (&self->counters->finished);
          cache_insert (self, pyramid);
        }

      if (job->for_show && self->wanted != NULL &&
          g_strcmp0 (self->wanted->path, job->want->path) == 0)
        {
          g_clear_pointer (&self->wanted, want_free);
          if (pyramid != NULL)
            g_signal_emit (self, signals[LOADED], 0, pyramid);
          else
            g_signal_emit (self, signals[FAILED], 0, job->want->path, error);
        }
    }

  schedule (self);
}

static void
start (BwImageLoader *self,
       const Want    *want,
       gboolean       for_show)
{
  g_autoptr(GTask) task = NULL;
  Job *job = g_new0 (Job, 1);

  g_assert (self->running == NULL);

  job->want = want_new (want->path, want->expected_width, want->expected_height,
                        want->expected_size, for_show ? want->preview_scale : 0);
  job->max_pixels = self->max_pixels;
  job->for_show = for_show;
  job->cancellable = g_cancellable_new ();
  job->context = g_main_context_ref_thread_default ();
  job->counters = counters_ref (self->counters);

  task = g_task_new (self, NULL, decode_done_cb, NULL);
  g_task_set_source_tag (task, start);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  self->running = g_object_ref (task);
  g_task_run_in_thread (task, decode_thread);
}

/* Starts the next decode when none runs: the image to show first, else
 * the one to have ready. */
static void
schedule (BwImageLoader *self)
{
  if (self->running != NULL)
    return;

  if (self->wanted != NULL)
    {
      start (self, self->wanted, TRUE);
      return;
    }

  if (self->preload != NULL)
    {
      g_autoptr(Want) preload = g_steal_pointer (&self->preload);

      if (cache_find (self, preload->path) == NULL)
        start (self, preload, FALSE);
    }
}

static void
bw_image_loader_dispose (GObject *object)
{
  BwImageLoader *self = BW_IMAGE_LOADER (object);

  /* A running task holds a reference on the loader, so this only comes
   * once it is done, or when someone runs dispose by hand. */
  if (self->running != NULL)
    g_cancellable_cancel (running_job (self)->cancellable);
  g_clear_object (&self->running);
  g_clear_pointer (&self->wanted, want_free);
  g_clear_pointer (&self->preload, want_free);
  g_queue_clear_full (&self->cache, (GDestroyNotify) bw_image_pyramid_unref);

  G_OBJECT_CLASS (bw_image_loader_parent_class)->dispose (object);
}

static void
bw_image_loader_finalize (GObject *object)
{
  BwImageLoader *self = BW_IMAGE_LOADER (object);

  counters_unref (self->counters);

  G_OBJECT_CLASS (bw_image_loader_parent_class)->finalize (object);
}

static void
bw_image_loader_class_init (BwImageLoaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = bw_image_loader_dispose;
  object_class->finalize = bw_image_loader_finalize;

  signals[PREVIEW] =
    g_signal_new ("preview", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, BW_TYPE_IMAGE_PYRAMID | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[LOADED] =
    g_signal_new ("loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, BW_TYPE_IMAGE_PYRAMID | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[FAILED] =
    g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_ERROR);
}

static void
bw_image_loader_init (BwImageLoader *self)
{
  self->max_pixels = BW_IMAGE_DEFAULT_MAX_PIXELS;
  self->cache_budget = DEFAULT_CACHE_BUDGET;
  self->counters = g_new0 (Counters, 1);
  g_atomic_ref_count_init (&self->counters->ref_count);
  g_queue_init (&self->cache);
}

/**
 * bw_image_loader_new:
 *
 * A loader delivers its results on the thread-default main context of
 * the thread that made it.
 *
 * Returns: (transfer full): a new loader
 */
BwImageLoader *
bw_image_loader_new (void)
{
  return g_object_new (BW_TYPE_IMAGE_LOADER, NULL);
}

/* Largest image decoded, in pixels; 0 for BW_IMAGE_DEFAULT_MAX_PIXELS. */
void
bw_image_loader_set_max_pixels (BwImageLoader *self,
                                guint64        max_pixels)
{
  g_return_if_fail (BW_IS_IMAGE_LOADER (self));

  self->max_pixels = max_pixels > 0 ? max_pixels : BW_IMAGE_DEFAULT_MAX_PIXELS;
}

guint64
bw_image_loader_get_max_pixels (BwImageLoader *self)
{
  g_return_val_if_fail (BW_IS_IMAGE_LOADER (self), 0);

  return self->max_pixels;
}

/**
 * bw_image_loader_set_cache_budget:
 * @bytes: how much decoded images the cache may keep, beyond the most
 *   recent one (which always stays)
 */
void
bw_image_loader_set_cache_budget (BwImageLoader *self,
                                  guint64        bytes)
{
  g_return_if_fail (BW_IS_IMAGE_LOADER (self));

  self->cache_budget = bytes;
  cache_trim (self);
}

guint64
bw_image_loader_get_cache_budget (BwImageLoader *self)
{
  g_return_val_if_fail (BW_IS_IMAGE_LOADER (self), 0);

  return self->cache_budget;
}

/* Bytes of pixels the cache holds now. */
guint64
bw_image_loader_get_cache_memory (BwImageLoader *self)
{
  guint64 total = 0;

  g_return_val_if_fail (BW_IS_IMAGE_LOADER (self), 0);

  for (GList *l = self->cache.head; l != NULL; l = l->next)
    total += bw_image_pyramid_get_memory (l->data);

  return total;
}

/**
 * bw_image_loader_lookup:
 * @expected_width: the size recorded for the image, or 0 when unknown;
 *   a cached image of another size is not it
 *
 * Returns: (transfer full) (nullable): @path decoded, from the cache, which
 *   then keeps it as the most recent
 */
BwImagePyramid *
bw_image_loader_lookup (BwImageLoader *self,
                        const char    *path,
                        int            expected_width,
                        int            expected_height)
{
  BwImagePyramid *pyramid;

  g_return_val_if_fail (BW_IS_IMAGE_LOADER (self), NULL);
  g_return_val_if_fail (path != NULL, NULL);

  pyramid = cache_find (self, path);
  if (pyramid == NULL ||
      (expected_width > 0 && (pyramid->width != expected_width || pyramid->height != expected_height)))
    return NULL;

  pyramid = bw_image_pyramid_ref (pyramid);
  cache_insert (self, pyramid);
  return pyramid;
}

/**
 * bw_image_loader_request:
 * @path: the image to show
 * @expected_width: its recorded size, or 0; checked against the file
 * @expected_height: its recorded height, or 0
 * @expected_size: its recorded size in bytes, or 0; checked against the file
 * @preview_scale: the scale it will be shown at when it fits the view,
 *   for a scaled preview of a JPEG; 0 for none
 *
 * Asks for @path to be decoded and reported ("preview", then "loaded" or
 * "failed"). Whatever was asked for before is no longer wanted: its
 * decode, when one runs, is cancelled and its result dropped, and @path
 * is decoded once it is over. Nothing is reported for an earlier request.
 */
void
bw_image_loader_request (BwImageLoader *self,
                         const char    *path,
                         int            expected_width,
                         int            expected_height,
                         gint64         expected_size,
                         double         preview_scale)
{
  Job *job;

  g_return_if_fail (BW_IS_IMAGE_LOADER (self));
  g_return_if_fail (path != NULL);

  g_clear_pointer (&self->wanted, want_free);
  self->wanted = want_new (path, expected_width, expected_height, expected_size, preview_scale);
  if (self->preload != NULL && g_strcmp0 (self->preload->path, path) == 0)
    g_clear_pointer (&self->preload, want_free);

  job = running_job (self);
  if (job_is_live (job) && g_strcmp0 (job->want->path, path) == 0 &&
      job->want->expected_width == expected_width && job->want->expected_height == expected_height)
    {
      /* Already being decoded (ahead of time, or asked for twice). */
      job->for_show = TRUE;
      return;
    }

  if (job != NULL)
    g_cancellable_cancel (job->cancellable);

  schedule (self);
}

/**
 * bw_image_loader_preload:
 *
 * Asks for @path to be decoded into the cache when nothing else is being
 * decoded, so that showing it later is instant. Replaces an earlier
 * preload; never delays the image asked for with
 * bw_image_loader_request().
 */
void
bw_image_loader_preload (BwImageLoader *self,
                         const char    *path,
                         int            expected_width,
                         int            expected_height,
                         gint64         expected_size)
{
  Job *job;

  g_return_if_fail (BW_IS_IMAGE_LOADER (self));
  g_return_if_fail (path != NULL);

  job = running_job (self);
  if (cache_find (self, path) != NULL ||
      (job_is_live (job) && g_strcmp0 (job->want->path, path) == 0) ||
      (self->wanted != NULL && g_strcmp0 (self->wanted->path, path) == 0))
    return;

  g_clear_pointer (&self->preload, want_free);
  self->preload = want_new (path, expected_width, expected_height, expected_size, 0);

  /* Another image being decoded ahead is no longer the one to have. */
  if (job != NULL && !job->for_show)
    g_cancellable_cancel (job->cancellable);

  schedule (self);
}

/* Whether @path is being decoded, or waits to be. */
gboolean
bw_image_loader_is_pending (BwImageLoader *self,
                            const char    *path)
{
  Job *job;

  g_return_val_if_fail (BW_IS_IMAGE_LOADER (self), FALSE);

  job = running_job (self);
  return (self->wanted != NULL && g_strcmp0 (self->wanted->path, path) == 0) ||
         (self->preload != NULL && g_strcmp0 (self->preload->path, path) == 0) ||
         (job_is_live (job) && g_strcmp0 (job->want->path, path) == 0);
}

/* Nothing is wanted any more: the running decode is cancelled. */
void
bw_image_loader_cancel (BwImageLoader *self)
{
  Job *job;

  g_return_if_fail (BW_IS_IMAGE_LOADER (self));

  g_clear_pointer (&self->wanted, want_free);
  g_clear_pointer (&self->preload, want_free);
  job = running_job (self);
  if (job != NULL)
    g_cancellable_cancel (job->cancellable);
}

/**
 * bw_image_loader_load_sync:
 *
 * Decodes @path on the calling thread (no preview), puts it in the cache
 * and returns it. What was asked for before is cancelled.
 *
 * Returns: (transfer full): the image, or %NULL with @error set
 */
BwImagePyramid *
bw_image_loader_load_sync (BwImageLoader  *self,
                           const char     *path,
                           int             expected_width,
                           int             expected_height,
                           gint64          expected_size,
                           GError        **error)
{
  BwImagePyramid *pyramid;
  gboolean started = FALSE;

  g_return_val_if_fail (BW_IS_IMAGE_LOADER (self), NULL);
  g_return_val_if_fail (path != NULL, NULL);

  bw_image_loader_cancel (self);

  pyramid = decode_pyramid (path, expected_width, expected_height, expected_size,
                            self->max_pixels, 0, NULL, NULL, self->counters, &started, NULL, error);
  if (pyramid != NULL)
    {
      g_atomic_int_inc (&self->counters->finished);
      cache_insert (self, pyramid);
    }

  return pyramid;
}

void
bw_image_loader_get_stats (BwImageLoader      *self,
                           BwImageLoaderStats *stats)
{
  g_return_if_fail (BW_IS_IMAGE_LOADER (self));
  g_return_if_fail (stats != NULL);

  stats->full_decodes_started = (guint) g_atomic_int_get (&self->counters->started);
  stats->full_decodes_finished = (guint) g_atomic_int_get (&self->counters->finished);
  stats->results_dropped = (guint) g_atomic_int_get (&self->counters->dropped);
  stats->max_in_flight = (guint) g_atomic_int_get (&self->counters->max_in_flight);
}
