/* bw-thumbnailer.c — small previews for the image list, made off the UI thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A JPEG is decoded at 1/8 of its size by TurboJPEG (a few milliseconds
 * even for a large photo), then reduced to the thumbnail size with cairo.
 * Work runs on a small GThreadPool so scrolling a long list never waits
 * for it; a request whose row scrolled away is cancelled before it is
 * decoded. Results are kept in a least-recently-used cache.
 *
 * A guideline example's thumbnail is the region of its image around its
 * shape, with the shape drawn over it by the canvas's renderer
 * (bw_thumbnailer_load_example_async()).
 */

#define G_LOG_DOMAIN "bw-thumbnailer"

#include "config.h"

#include <glib/gi18n.h>

#include "bw-annotation-renderer.h"
#include "bw-image-decoder.h"
#include "bw-thumbnailer.h"

struct _BwThumbnailer
{
  GObject      parent_instance;

  int          size;
  guint        max_cached;
  guint64      max_pixels;
  GThreadPool *pool;
  GHashTable  *cache;           /* path → GList link in lru */
  GQueue       lru;             /* Entry*, most recent first */
};

typedef struct
{
  char       *path;
  GdkTexture *texture;
} Entry;

G_DEFINE_FINAL_TYPE (BwThumbnailer, bw_thumbnailer, G_TYPE_OBJECT)

static void
entry_free (Entry *entry)
{
  g_free (entry->path);
  g_clear_object (&entry->texture);
  g_free (entry);
}

static GdkTexture *
make_thumbnail (const char    *path,
                int            size,
                guint64        max_pixels,
                GError       **error)
{
  g_autoptr(BwPixels) pixels = NULL;
  g_autoptr(GBytes) bytes = NULL;
  cairo_surface_t *src, *dst;
  cairo_t *cr;
  BwImageInfo info;
  double scale;
  int width, height;
  guint denominator = 1;

  if (!bw_image_probe (path, &info, error))
    return NULL;

  /* The smallest scaled decode that still covers the thumbnail. */
  for (guint d = 8; d >= 2; d /= 2)
    if (info.width / d >= size || info.height / d >= size)
      {
        denominator = d;
        break;
      }

  pixels = bw_image_decode (path, denominator, max_pixels, NULL, error);
  if (pixels == NULL)
    return NULL;

  scale = MIN (1.0, MIN ((double) size / pixels->width, (double) size / pixels->height));
  width = MAX (1, (int) (pixels->width * scale + 0.5));
  height = MAX (1, (int) (pixels->height * scale + 0.5));

  src = cairo_image_surface_create_for_data ((guint8 *) bw_pixels_get_data (pixels),
                                             CAIRO_FORMAT_ARGB32,
                                             pixels->width, pixels->height,
                                             (int) pixels->stride);
  dst = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cr = cairo_create (dst);
  cairo_scale (cr, (double) width / pixels->width, (double) height / pixels->height);
  cairo_set_source_surface (cr, src, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_GOOD);
  cairo_paint (cr);
  cairo_destroy (cr);
  cairo_surface_destroy (src);
  cairo_surface_flush (dst);

  bytes = g_bytes_new (cairo_image_surface_get_data (dst),
                       (gsize) cairo_image_surface_get_stride (dst) * height);
  {
    GdkTexture *texture = gdk_memory_texture_new (width, height,
                                                  GDK_MEMORY_B8G8R8A8_PREMULTIPLIED,
                                                  bytes,
                                                  cairo_image_surface_get_stride (dst));
    cairo_surface_destroy (dst);
    return texture;
  }
}

/* Around an example's shape, this share of its size shows on each side
 * (at least MIN_MARGIN image pixels), so that the thumbnail says where
 * the object ends. */
#define MARGIN_SHARE 0.25
#define MIN_MARGIN   8.0

static GdkTexture *
texture_from_surface (cairo_surface_t *surface)
{
  int width = cairo_image_surface_get_width (surface);
  int height = cairo_image_surface_get_height (surface);
  int stride = cairo_image_surface_get_stride (surface);
  g_autoptr(GBytes) bytes = NULL;

  cairo_surface_flush (surface);
  bytes = g_bytes_new (cairo_image_surface_get_data (surface), (gsize) stride * height);
  return gdk_memory_texture_new (width, height, GDK_MEMORY_B8G8R8A8_PREMULTIPLIED, bytes, stride);
}

/* The region of the image at @path around @shape, at most @size pixels
 * wide and high, with the shape drawn in @category's colour. */
static GdkTexture *
make_example_thumbnail (const char        *path,
                        int                size,
                        guint64            max_pixels,
                        const BwShape     *shape,
                        const BwCategory  *category,
                        GError           **error)
{
  g_autoptr(BwPixels) pixels = NULL;
  g_autoptr(BwAnnotationRenderer) renderer = NULL;
  g_autoptr(GPtrArray) categories = NULL;
  const BwRect *b = &shape->bbox;
  cairo_surface_t *src, *dst;
  cairo_t *cr;
  BwImageInfo info;
  BwRenderView view;
  double mx, my, x0, y0, x1, y1, side, k, f;
  guint denominator = 1;
  int width, height;

  if (!bw_image_probe (path, &info, error))
    return NULL;

  mx = MAX (MIN_MARGIN, (b->x1 - b->x0) * MARGIN_SHARE);
  my = MAX (MIN_MARGIN, (b->y1 - b->y0) * MARGIN_SHARE);
  x0 = CLAMP (b->x0 - mx, 0, info.width);
  y0 = CLAMP (b->y0 - my, 0, info.height);
  x1 = CLAMP (b->x1 + mx, 0, info.width);
  y1 = CLAMP (b->y1 + my, 0, info.height);
  if (x1 - x0 < 1 || y1 - y0 < 1)
    {
      x0 = 0;
      y0 = 0;
      x1 = info.width;
      y1 = info.height;
    }
  side = MAX (x1 - x0, y1 - y0);

  /* The smallest scaled decode in which the region still covers the
   * thumbnail. */
  for (guint d = 8; d >= 2; d /= 2)
    if (side / d >= size)
      {
        denominator = d;
        break;
      }
  pixels = bw_image_decode (path, denominator, max_pixels, NULL, error);
  if (pixels == NULL)
    return NULL;

  f = (double) pixels->width / info.width;      /* image → decoded pixels */
  k = (double) size / side;                     /* image → thumbnail pixels */
  width = MAX (1, (int) ((x1 - x0) * k + 0.5));
  height = MAX (1, (int) ((y1 - y0) * k + 0.5));

  src = cairo_image_surface_create_for_data ((guint8 *) bw_pixels_get_data (pixels), CAIRO_FORMAT_ARGB32,
                                             pixels->width, pixels->height, (int) pixels->stride);
  dst = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cr = cairo_create (dst);
  cairo_save (cr);
  cairo_scale (cr, k / f, k / f);
  cairo_set_source_surface (cr, src, -x0 * f, -y0 * f);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_GOOD);
  cairo_paint (cr);
  cairo_restore (cr);
  cairo_surface_destroy (src);

  renderer = bw_annotation_renderer_new ();
  categories = g_ptr_array_new ();
  g_ptr_array_add (categories, (gpointer) category);
  bw_annotation_renderer_set_categories (renderer, categories);
  bw_annotation_renderer_set_show_labels (renderer, FALSE);
  view.scale = k;
  view.offset_x = -x0 * k;
  view.offset_y = -y0 * k;
  bw_annotation_renderer_draw_shape (renderer, cr, &view, shape, category->id, BW_SHAPE_STYLE_NORMAL);
  cairo_destroy (cr);

  {
    GdkTexture *texture = texture_from_surface (dst);

    cairo_surface_destroy (dst);
    return texture;
  }
}

typedef struct
{
  char       *path;
  char       *key;            /* in the cache */
  int         size;
  guint64     max_pixels;
  BwShape    *shape;          /* an example's, or NULL for the whole image */
  BwCategory *category;
} Job;

static void
job_free (Job *job)
{
  g_free (job->path);
  g_free (job->key);
  g_clear_pointer (&job->shape, bw_shape_free);
  g_clear_pointer (&job->category, bw_category_free);
  g_free (job);
}

static void
pool_func (gpointer data,
           gpointer user_data)
{
  g_autoptr(GTask) task = data;
  Job *job = g_task_get_task_data (task);
  GError *error = NULL;
  GdkTexture *texture;

  if (g_task_return_error_if_cancelled (task))
    return;

  if (job->shape != NULL)
    texture = make_example_thumbnail (job->path, job->size, job->max_pixels, job->shape, job->category, &error);
  else
    texture = make_thumbnail (job->path, job->size, job->max_pixels, &error);
  if (texture == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, texture, g_object_unref);
}

GdkTexture *
bw_thumbnailer_lookup (BwThumbnailer *self,
                       const char    *path)
{
  GList *link;

  g_return_val_if_fail (BW_IS_THUMBNAILER (self), NULL);

  link = g_hash_table_lookup (self->cache, path);
  if (link == NULL)
    return NULL;

  g_queue_unlink (&self->lru, link);
  g_queue_push_head_link (&self->lru, link);

  return ((Entry *) link->data)->texture;
}

static void
cache_insert (BwThumbnailer *self,
              const char    *path,
              GdkTexture    *texture)
{
  Entry *entry;

  if (g_hash_table_contains (self->cache, path))
    return;

  entry = g_new0 (Entry, 1);
  entry->path = g_strdup (path);
  entry->texture = g_object_ref (texture);
  g_queue_push_head (&self->lru, entry);
  g_hash_table_insert (self->cache, entry->path, self->lru.head);

  while (self->lru.length > self->max_cached)
    {
      Entry *old = g_queue_pop_tail (&self->lru);

      g_hash_table_remove (self->cache, old->path);
      entry_free (old);
    }
}

static void
load_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) outer = user_data;
  BwThumbnailer *self = g_task_get_source_object (outer);
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  GdkTexture *texture;

  texture = g_task_propagate_pointer (G_TASK (result), &error);
  if (texture == NULL)
    {
      g_task_return_error (outer, g_steal_pointer (&error));
      return;
    }

  cache_insert (self, job->key, texture);
  g_task_return_pointer (outer, texture, g_object_unref);
}

static void push_job (BwThumbnailer *self,
                      GTask         *outer,
                      GCancellable  *cancellable,
                      Job           *job);

void
bw_thumbnailer_load_async (BwThumbnailer       *self,
                           const char          *path,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) outer = NULL;
  GdkTexture *cached;
  Job *job;

  g_return_if_fail (BW_IS_THUMBNAILER (self));
  g_return_if_fail (path != NULL);

  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, bw_thumbnailer_load_async);

  cached = bw_thumbnailer_lookup (self, path);
  if (cached != NULL)
    {
      g_task_return_pointer (outer, g_object_ref (cached), g_object_unref);
      return;
    }

  job = g_new0 (Job, 1);
  job->path = g_strdup (path);
  job->key = g_strdup (path);
  job->size = self->size;
  job->max_pixels = self->max_pixels;
  push_job (self, g_steal_pointer (&outer), cancellable, job);
}

/* The inner task runs in the pool and completes on this thread; the
 * outer one is what the caller sees. */
static void
push_job (BwThumbnailer *self,
          GTask         *outer,
          GCancellable  *cancellable,
          Job           *job)
{
  GTask *inner = g_task_new (NULL, cancellable, load_done_cb, outer);

  g_task_set_task_data (inner, job, (GDestroyNotify) job_free);
  g_thread_pool_push (self->pool, inner, NULL);
}

/**
 * bw_thumbnailer_load_example_async:
 * @path: the example's image
 * @shape: the example's shape, in the image's pixels
 * @category: its category (the colour it is drawn in)
 *
 * Makes the thumbnail of a guideline example: the region of the image
 * around the shape, with the shape drawn over it; finish with
 * bw_thumbnailer_load_finish(). Cached by image, shape and colour.
 */
void
bw_thumbnailer_load_example_async (BwThumbnailer       *self,
                                   const char          *path,
                                   const BwShape       *shape,
                                   const BwCategory    *category,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) outer = NULL;
  g_autofree char *key = NULL;
  GdkTexture *cached;
  Job *job;

  g_return_if_fail (BW_IS_THUMBNAILER (self));
  g_return_if_fail (path != NULL && shape != NULL && category != NULL);

  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, bw_thumbnailer_load_async);

  /* An example's geometry never changes (it is a copy); its colour may. */
  key = g_strdup_printf ("%s\n%.3f,%.3f,%.3f,%.3f,%u,%u\n%s", path, shape->bbox.x0, shape->bbox.y0,
                         shape->bbox.x1, shape->bbox.y1, (guint) shape->kind, shape->n_points,
                         category->color != NULL ? category->color : "");
  cached = bw_thumbnailer_lookup (self, key);
  if (cached != NULL)
    {
      g_task_return_pointer (outer, g_object_ref (cached), g_object_unref);
      return;
    }

  job = g_new0 (Job, 1);
  job->path = g_strdup (path);
  job->key = g_steal_pointer (&key);
  job->size = self->size;
  job->max_pixels = self->max_pixels;
  job->shape = bw_shape_copy (shape);
  job->category = bw_category_copy (category);
  push_job (self, g_steal_pointer (&outer), cancellable, job);
}

GdkTexture *
bw_thumbnailer_load_finish (BwThumbnailer  *self,
                            GAsyncResult   *result,
                            GError        **error)
{
  g_return_val_if_fail (BW_IS_THUMBNAILER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
bw_thumbnailer_set_max_pixels (BwThumbnailer *self,
                               guint64        max_pixels)
{
  g_return_if_fail (BW_IS_THUMBNAILER (self));

  self->max_pixels = max_pixels;
}

static void
bw_thumbnailer_dispose (GObject *object)
{
  BwThumbnailer *self = BW_THUMBNAILER (object);

  if (self->pool != NULL)
    {
      /* Finish what is queued: each job holds a task whose callback
       * expects this object alive until it runs. */
      g_thread_pool_free (g_steal_pointer (&self->pool), FALSE, TRUE);
    }

  g_queue_clear_full (&self->lru, (GDestroyNotify) entry_free);
  g_clear_pointer (&self->cache, g_hash_table_unref);

  G_OBJECT_CLASS (bw_thumbnailer_parent_class)->dispose (object);
}

static void
bw_thumbnailer_class_init (BwThumbnailerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = bw_thumbnailer_dispose;
}

static void
bw_thumbnailer_init (BwThumbnailer *self)
{
  self->cache = g_hash_table_new (g_str_hash, g_str_equal);
  self->max_pixels = BW_IMAGE_DEFAULT_MAX_PIXELS;
  self->pool = g_thread_pool_new (pool_func, NULL, 2, FALSE, NULL);
}

BwThumbnailer *
bw_thumbnailer_new (int   size,
                    guint max_cached)
{
  BwThumbnailer *self = g_object_new (BW_TYPE_THUMBNAILER, NULL);

  self->size = MAX (16, size);
  self->max_cached = MAX (16, max_cached);

  return self;
}

static void
example_loaded_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GtkPicture) picture = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = bw_thumbnailer_load_finish (BW_THUMBNAILER (source), result, &error);

  if (texture != NULL)
    gtk_picture_set_paintable (picture, GDK_PAINTABLE (texture));
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    gtk_widget_set_tooltip_text (GTK_WIDGET (picture), error->message);
}

/**
 * bw_thumbnailer_new_example_picture:
 * @project: the example's project (its image path is resolved in it)
 * @example: a guideline example
 * @cancellable: (nullable): cancelled when the picture is no longer shown
 *
 * Returns: (transfer floating): a picture of the thumbnailer's size that
 *   shows the example's thumbnail once it is made, off the UI thread
 */
GtkWidget *
bw_thumbnailer_new_example_picture (BwThumbnailer            *self,
                                    BwProject                *project,
                                    const BwGuidelineExample *example,
                                    GCancellable             *cancellable)
{
  g_autoptr(BwCategory) category = NULL;
  g_autofree char *path = NULL;
  GtkWidget *picture;

  g_return_val_if_fail (BW_IS_THUMBNAILER (self), NULL);
  g_return_val_if_fail (BW_IS_PROJECT (project), NULL);
  g_return_val_if_fail (example != NULL, NULL);

  picture = gtk_picture_new ();
  gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
  gtk_widget_set_size_request (picture, self->size, self->size);
  gtk_widget_set_valign (picture, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (picture, "bw-example-thumbnail");

  category = bw_project_get_category (project, example->category_id, NULL);
  path = bw_project_resolve_image_path (project, example->image_path);
  if (category != NULL && path != NULL && example->shape != NULL)
    bw_thumbnailer_load_example_async (self, path, example->shape, category, cancellable,
                                       example_loaded_cb, g_object_ref (picture));
  return picture;
}
