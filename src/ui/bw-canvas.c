/* bw-canvas.c — the image viewer widget
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pixels come from a BwImageLoader (bw-image-loader.c): decoded off the UI
 * thread, one full decode at a time, a scaled preview first for a large
 * JPEG, then the full resolution with its pyramid of levels, each half
 * the size of the one before, so that a zoomed-out view samples a level
 * at most twice its on-screen size. The canvas only draws what the
 * loader delivers for the image it asked for last, and turns input into
 * zoom and pan.
 *
 * Drawing: each level is cut into tiles wrapped as GdkTextures without a
 * copy (a GBytes slice of the level's buffer), and only the tiles in view
 * are appended to the snapshot. Above 100% the pixels must stay crisp; GTK
 * before 4.10 has no nearest-neighbour texture node, so that case paints
 * the visible part through cairo with CAIRO_FILTER_NEAREST (the visible
 * part of the image is then smaller than the widget, so this is cheap).
 * bw_canvas_render() uses the same cairo path and needs no window.
 */

#define G_LOG_DOMAIN "bw-canvas"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <math.h>
#include <adwaita.h>

#include "bw-image-loader.h"
#include "bw-canvas.h"

#define TILE_SIZE       1024
#define MAX_SCALE       32.0
#define ZOOM_STEP       1.25
#define KEY_PAN_STEP    64.0

/* The image on screen: the loader's pixels, and what GTK and cairo draw
 * them through, made lazily. */
typedef struct
{
  BwImagePyramid  *pyramid;
  GHashTable      *tiles;       /* gint64 key → GdkTexture */
  GPtrArray       *surfaces;    /* cairo_surface_t* or NULL, per level */
} CanvasImage;

struct _BwCanvas
{
  GtkWidget            parent_instance;

  BwImageLoader       *loader;
  CanvasImage         *image;           /* on screen, or NULL */
  char                *path;            /* asked for, or NULL */
  gint64               image_id;
  int                  image_width;
  int                  image_height;
  BwCanvasState        state;
  GError              *error;

  /* The view: widget = image * scale + offset */
  double               scale;
  double               offset_x;
  double               offset_y;
  gboolean             fit;
  int                  view_width;
  int                  view_height;
  int                  fallback_width;
  int                  fallback_height;

  /* Input */
  gboolean             space_down;
  double               drag_offset_x;
  double               drag_offset_y;
  double               zoom_gesture_scale;
  double               pointer_x;
  double               pointer_y;
  gboolean             pointer_inside;

  BwCanvasOverlayFunc  overlay_func;
  gpointer             overlay_data;
  GDestroyNotify       overlay_destroy;

  GtkWidget           *error_page;
  GtkWidget           *locate_button;
  GtkWidget           *exclude_button;
};

G_DEFINE_FINAL_TYPE (BwCanvas, bw_canvas, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STATE,
  PROP_ZOOM,
  N_PROPS
};

enum {
  VIEW_CHANGED,
  IMAGE_LOADED,
  LOCATE,
  EXCLUDE,
  N_SIGNALS
};

static GParamSpec *properties [N_PROPS];
static guint signals [N_SIGNALS];

/* ------------------------------------------------------------------ */
/* The image on screen                                                 */

static CanvasImage *
canvas_image_new (BwImagePyramid *pyramid)
{
  CanvasImage *self = g_new0 (CanvasImage, 1);

  self->pyramid = bw_image_pyramid_ref (pyramid);

  return self;
}

static void
canvas_image_free (CanvasImage *self)
{
  g_clear_pointer (&self->tiles, g_hash_table_unref);
  g_clear_pointer (&self->surfaces, g_ptr_array_unref);
  bw_image_pyramid_unref (self->pyramid);
  g_free (self);
}

static GdkTexture *
canvas_image_get_tile (CanvasImage *self,
                       guint        level_index,
                       int          tx,
                       int          ty)
{
  const BwPixels *level = bw_image_pyramid_get_level (self->pyramid, level_index);
  gint64 key = ((gint64) level_index << 48) | ((gint64) ty << 24) | tx;
  GdkTexture *texture;
  g_autoptr(GBytes) bytes = NULL;
  int x0 = tx * TILE_SIZE;
  int y0 = ty * TILE_SIZE;
  int w = MIN (TILE_SIZE, level->width - x0);
  int h = MIN (TILE_SIZE, level->height - y0);
  gsize offset;

  if (self->tiles == NULL)
    self->tiles = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);

  texture = g_hash_table_lookup (self->tiles, &key);
  if (texture != NULL)
    return texture;

  /* A slice of the level's buffer: no copy. */
  offset = (gsize) y0 * level->stride + (gsize) x0 * 4;
  bytes = g_bytes_new_from_bytes (level->bytes, offset,
                                  (gsize) (h - 1) * level->stride + (gsize) w * 4);
  texture = gdk_memory_texture_new (w, h, GDK_MEMORY_B8G8R8A8_PREMULTIPLIED,
                                    bytes, level->stride);
  g_hash_table_insert (self->tiles, g_memdup2 (&key, sizeof key), texture);

  return texture;
}

static cairo_surface_t *
canvas_image_get_surface (CanvasImage *self,
                          guint        level_index)
{
  const BwPixels *level = bw_image_pyramid_get_level (self->pyramid, level_index);
  cairo_surface_t *surface;

  if (self->surfaces == NULL)
    self->surfaces = g_ptr_array_new_with_free_func ((GDestroyNotify) cairo_surface_destroy);
  while (self->surfaces->len <= level_index)
    g_ptr_array_add (self->surfaces, NULL);

  surface = g_ptr_array_index (self->surfaces, level_index);
  if (surface != NULL)
    return surface;

  /* Same memory layout as BwPixels (see bw-image-decoder.h): no copy.
   * The surface keeps a reference on the bytes. */
  surface = cairo_image_surface_create_for_data ((guint8 *) bw_pixels_get_data (level),
                                                 CAIRO_FORMAT_ARGB32,
                                                 level->width, level->height,
                                                 (int) level->stride);
  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (surface);
      return NULL;
    }
  cairo_surface_set_user_data (surface, (const cairo_user_data_key_t *) &canvas_image_get_surface,
                               g_bytes_ref (level->bytes), (cairo_destroy_func_t) g_bytes_unref);
  g_ptr_array_index (self->surfaces, level_index) = surface;

  return surface;
}

/* ------------------------------------------------------------------ */
/* The view                                                            */

static void
get_view_size (BwCanvas *self,
               int      *width,
               int      *height)
{
  int w = gtk_widget_get_width (GTK_WIDGET (self));
  int h = gtk_widget_get_height (GTK_WIDGET (self));

  if (w <= 0 || h <= 0)
    {
      w = self->fallback_width;
      h = self->fallback_height;
    }

  *width = w;
  *height = h;
}

static double
get_fit_scale (BwCanvas *self,
               int       width,
               int       height)
{
  if (self->image_width <= 0 || self->image_height <= 0 || width <= 0 || height <= 0)
    return 1.0;

  return MIN ((double) width / self->image_width, (double) height / self->image_height);
}

static double
get_min_scale (BwCanvas *self)
{
  int w, h;

  get_view_size (self, &w, &h);
  return MIN (get_fit_scale (self, w, h), 1.0) * 0.5;
}

/* Center the image along an axis where it is smaller than the view, and
 * otherwise keep the view inside the image. */
static void
clamp_offsets (BwCanvas *self)
{
  double iw = self->image_width * self->scale;
  double ih = self->image_height * self->scale;

  if (iw <= self->view_width)
    self->offset_x = (self->view_width - iw) / 2.0;
  else
    self->offset_x = CLAMP (self->offset_x, self->view_width - iw, 0.0);

  if (ih <= self->view_height)
    self->offset_y = (self->view_height - ih) / 2.0;
  else
    self->offset_y = CLAMP (self->offset_y, self->view_height - ih, 0.0);
}

static void
apply_fit (BwCanvas *self)
{
  self->scale = get_fit_scale (self, self->view_width, self->view_height);
  self->offset_x = 0;
  self->offset_y = 0;
  clamp_offsets (self);
}

static void
view_changed (BwCanvas *self,
              double    old_scale)
{
  if (old_scale != self->scale)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
  g_signal_emit (self, signals[VIEW_CHANGED], 0);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Lay the view out for a viewport of @width × @height: a fitted view
 * fits again; otherwise the image point at the center stays there. */
static gboolean
update_layout (BwCanvas *self,
               int       width,
               int       height)
{
  double cx, cy;

  if (width == self->view_width && height == self->view_height)
    return FALSE;

  cx = (self->view_width / 2.0 - self->offset_x) / self->scale;
  cy = (self->view_height / 2.0 - self->offset_y) / self->scale;
  self->view_width = width;
  self->view_height = height;

  if (self->fit)
    {
      apply_fit (self);
    }
  else
    {
      self->offset_x = width / 2.0 - cx * self->scale;
      self->offset_y = height / 2.0 - cy * self->scale;
      clamp_offsets (self);
    }

  return TRUE;
}

static void
ensure_layout (BwCanvas *self)
{
  int w, h;

  get_view_size (self, &w, &h);
  update_layout (self, w, h);
}

void
bw_canvas_zoom_at (BwCanvas *self,
                   double    zoom,
                   double    wx,
                   double    wy)
{
  double old_scale;
  double ix, iy;

  g_return_if_fail (BW_IS_CANVAS (self));

  if (self->image_width <= 0)
    return;

  ensure_layout (self);
  old_scale = self->scale;
  zoom = CLAMP (zoom, get_min_scale (self), MAX_SCALE);

  ix = (wx - self->offset_x) / self->scale;
  iy = (wy - self->offset_y) / self->scale;
  self->scale = zoom;
  self->offset_x = wx - ix * zoom;
  self->offset_y = wy - iy * zoom;
  self->fit = FALSE;
  clamp_offsets (self);

  view_changed (self, old_scale);
}

void
bw_canvas_set_zoom (BwCanvas *self,
                    double    zoom)
{
  g_return_if_fail (BW_IS_CANVAS (self));

  ensure_layout (self);
  bw_canvas_zoom_at (self, zoom, self->view_width / 2.0, self->view_height / 2.0);
}

void
bw_canvas_zoom_to_fit (BwCanvas *self)
{
  double old_scale;

  g_return_if_fail (BW_IS_CANVAS (self));

  ensure_layout (self);
  old_scale = self->scale;
  self->fit = TRUE;
  apply_fit (self);
  view_changed (self, old_scale);
}

/**
 * bw_canvas_set_view:
 * @scale: widget pixels per image pixel
 *
 * Shows the image at @scale with its origin at (@offset_x, @offset_y)
 * in the widget, as bw_canvas_get_view() gives them, within the zoom
 * limits and the image's edges: another canvas of the same size then
 * shows what this one shows.
 */
void
bw_canvas_set_view (BwCanvas *self,
                    double    scale,
                    double    offset_x,
                    double    offset_y)
{
  double old_scale;

  g_return_if_fail (BW_IS_CANVAS (self));
  g_return_if_fail (scale > 0);

  if (self->image_width <= 0)
    return;

  ensure_layout (self);
  old_scale = self->scale;
  self->scale = CLAMP (scale, get_min_scale (self), MAX_SCALE);
  self->offset_x = offset_x;
  self->offset_y = offset_y;
  self->fit = FALSE;
  clamp_offsets (self);

  view_changed (self, old_scale);
}

/**
 * bw_canvas_zoom_to_rect:
 *
 * Centres the view on a rectangle of the image, zoomed so that it fills
 * about half of the view (the context around it stays in sight), within
 * the canvas's zoom limits.
 */
void
bw_canvas_zoom_to_rect (BwCanvas *self,
                        double    x0,
                        double    y0,
                        double    x1,
                        double    y1)
{
  double old_scale, w, h, zoom;

  g_return_if_fail (BW_IS_CANVAS (self));

  if (self->image_width <= 0)
    return;

  ensure_layout (self);
  old_scale = self->scale;
  w = MAX (x1 - x0, 1.0);
  h = MAX (y1 - y0, 1.0);
  zoom = MIN (self->view_width / (2.0 * w), self->view_height / (2.0 * h));
  zoom = CLAMP (zoom, get_min_scale (self), MAX_SCALE);

  self->scale = zoom;
  self->offset_x = self->view_width / 2.0 - (x0 + x1) / 2.0 * zoom;
  self->offset_y = self->view_height / 2.0 - (y0 + y1) / 2.0 * zoom;
  self->fit = FALSE;
  clamp_offsets (self);

  view_changed (self, old_scale);
}

void
bw_canvas_pan (BwCanvas *self,
               double    dx,
               double    dy)
{
  double ox, oy;

  g_return_if_fail (BW_IS_CANVAS (self));

  if (self->image_width <= 0)
    return;

  ensure_layout (self);
  ox = self->offset_x;
  oy = self->offset_y;
  self->offset_x += dx;
  self->offset_y += dy;
  clamp_offsets (self);

  if (ox != self->offset_x || oy != self->offset_y)
    {
      self->fit = FALSE;
      view_changed (self, self->scale);
    }
}

static void
zoom_by (BwCanvas *self,
         double    factor)
{
  double x, y;

  ensure_layout (self);
  if (self->pointer_inside)
    {
      x = self->pointer_x;
      y = self->pointer_y;
    }
  else
    {
      x = self->view_width / 2.0;
      y = self->view_height / 2.0;
    }

  bw_canvas_zoom_at (self, self->scale * factor, x, y);
}

/* ------------------------------------------------------------------ */
/* Drawing                                                             */

static void
get_image_rect (BwCanvas        *self,
                int              width,
                int              height,
                graphene_rect_t *rect)
{
  double x0 = MAX (0.0, self->offset_x);
  double y0 = MAX (0.0, self->offset_y);
  double x1 = MIN ((double) width, self->offset_x + self->image_width * self->scale);
  double y1 = MIN ((double) height, self->offset_y + self->image_height * self->scale);

  graphene_rect_init (rect, x0, y0, MAX (0.0, x1 - x0), MAX (0.0, y1 - y0));
}

static void
draw_image_cairo (BwCanvas *self,
                  cairo_t  *cr,
                  int       width,
                  int       height)
{
  CanvasImage *image = self->image;
  graphene_rect_t rect;
  cairo_surface_t *surface;
  const BwPixels *level;
  guint index;
  int full_width, full_height;

  if (image == NULL)
    return;

  get_image_rect (self, width, height, &rect);
  if (rect.size.width <= 0 || rect.size.height <= 0)
    return;

  index = bw_image_pyramid_choose_level (image->pyramid, self->scale);
  level = bw_image_pyramid_get_level (image->pyramid, index);
  surface = canvas_image_get_surface (image, index);
  if (surface == NULL)
    return;
  full_width = bw_image_pyramid_get_width (image->pyramid);
  full_height = bw_image_pyramid_get_height (image->pyramid);

  cairo_save (cr);
  cairo_rectangle (cr, rect.origin.x, rect.origin.y, rect.size.width, rect.size.height);
  cairo_clip (cr);
  cairo_translate (cr, self->offset_x, self->offset_y);
  cairo_scale (cr,
               self->scale * full_width / level->width,
               self->scale * full_height / level->height);
  cairo_set_source_surface (cr, surface, 0, 0);
  cairo_pattern_set_extend (cairo_get_source (cr), CAIRO_EXTEND_PAD);
  cairo_pattern_set_filter (cairo_get_source (cr),
                            self->scale > 1.0 ? CAIRO_FILTER_NEAREST : CAIRO_FILTER_GOOD);
  cairo_paint (cr);
  cairo_restore (cr);
}

static void
snapshot_image_tiles (BwCanvas    *self,
                      GtkSnapshot *snapshot,
                      int          width,
                      int          height)
{
  CanvasImage *image = self->image;
  guint index = bw_image_pyramid_choose_level (image->pyramid, self->scale);
  const BwPixels *level = bw_image_pyramid_get_level (image->pyramid, index);
  /* widget = level * (sx, sy) + offset */
  double sx = self->scale * bw_image_pyramid_get_width (image->pyramid) / level->width;
  double sy = self->scale * bw_image_pyramid_get_height (image->pyramid) / level->height;
  double lx0 = CLAMP ((0 - self->offset_x) / sx, 0, level->width);
  double ly0 = CLAMP ((0 - self->offset_y) / sy, 0, level->height);
  double lx1 = CLAMP ((width - self->offset_x) / sx, 0, level->width);
  double ly1 = CLAMP ((height - self->offset_y) / sy, 0, level->height);
  int tx0 = (int) (lx0 / TILE_SIZE);
  int ty0 = (int) (ly0 / TILE_SIZE);
  int tx1 = (int) ceil (lx1 / TILE_SIZE);
  int ty1 = (int) ceil (ly1 / TILE_SIZE);

  for (int ty = ty0; ty < ty1; ty++)
    for (int tx = tx0; tx < tx1; tx++)
      {
        GdkTexture *texture = canvas_image_get_tile (image, index, tx, ty);
        int lx = tx * TILE_SIZE;
        int ly = ty * TILE_SIZE;
        int lw = gdk_texture_get_width (texture);
        int lh = gdk_texture_get_height (texture);
        /* Round the edges, not the sizes, so that tiles meet exactly. */
        double x0 = round (self->offset_x + lx * sx);
        double y0 = round (self->offset_y + ly * sy);
        double x1 = round (self->offset_x + (lx + lw) * sx);
        double y1 = round (self->offset_y + (ly + lh) * sy);
        graphene_rect_t rect = GRAPHENE_RECT_INIT (x0, y0, x1 - x0, y1 - y0);

#if GTK_CHECK_VERSION (4, 10, 0)
        gtk_snapshot_append_scaled_texture (snapshot, texture,
                                            self->scale > 1.0 ? GSK_SCALING_FILTER_NEAREST
                                                              : GSK_SCALING_FILTER_LINEAR,
                                            &rect);
#else
        gtk_snapshot_append_texture (snapshot, texture, &rect);
#endif
      }
}

static const GdkRGBA background = { 0.16, 0.16, 0.17, 1.0 };

static void
bw_canvas_snapshot (GtkWidget   *widget,
                    GtkSnapshot *snapshot)
{
  BwCanvas *self = BW_CANVAS (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  update_layout (self, width, height);

  gtk_snapshot_append_color (snapshot, &background,
                             &GRAPHENE_RECT_INIT (0, 0, width, height));

  if (self->image != NULL && self->state != BW_CANVAS_STATE_ERROR)
    {
      gboolean use_cairo = FALSE;

#if !GTK_CHECK_VERSION (4, 10, 0)
      /* No nearest-neighbour texture filter before GTK 4.10. */
      use_cairo = self->scale > 1.0;
#endif

      if (use_cairo)
        {
          graphene_rect_t rect;

          get_image_rect (self, width, height, &rect);
          if (rect.size.width > 0 && rect.size.height > 0)
            {
              cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &rect);

              draw_image_cairo (self, cr, width, height);
              cairo_destroy (cr);
            }
        }
      else
        {
          snapshot_image_tiles (self, snapshot, width, height);
        }

      if (self->overlay_func != NULL)
        {
          cairo_t *cr = gtk_snapshot_append_cairo (snapshot,
                                                   &GRAPHENE_RECT_INIT (0, 0, width, height));

          self->overlay_func (self, cr, width, height, self->overlay_data);
          cairo_destroy (cr);
        }
    }

  if (gtk_widget_get_visible (self->error_page))
    gtk_widget_snapshot_child (widget, self->error_page, snapshot);
}

void
bw_canvas_render (BwCanvas *self,
                  cairo_t  *cr,
                  int       width,
                  int       height)
{
  g_return_if_fail (BW_IS_CANVAS (self));
  g_return_if_fail (cr != NULL);

  if (gtk_widget_get_width (GTK_WIDGET (self)) <= 0)
    {
      self->fallback_width = width;
      self->fallback_height = height;
    }
  update_layout (self, width, height);

  cairo_save (cr);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_clip (cr);
  gdk_cairo_set_source_rgba (cr, &background);
  cairo_paint (cr);

  if (self->image != NULL && self->state != BW_CANVAS_STATE_ERROR)
    {
      draw_image_cairo (self, cr, width, height);

      if (self->overlay_func != NULL)
        {
          cairo_save (cr);
          self->overlay_func (self, cr, width, height, self->overlay_data);
          cairo_restore (cr);
        }
    }
  cairo_restore (cr);
}

/* ------------------------------------------------------------------ */
/* States                                                              */

/* While the error page is up, the controllers others attached to the
 * canvas (the annotation tools) are switched off: there is no image to
 * work on, and a tool claiming a press would take it from the page's
 * buttons. */
static void
update_foreign_controllers (BwCanvas *self)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (self));
  gboolean off = self->state == BW_CANVAS_STATE_ERROR;

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);
      gpointer saved = g_object_get_data (G_OBJECT (controller), "bw-canvas-phase");

      if (g_object_get_data (G_OBJECT (controller), "bw-canvas-own") != NULL)
        continue;

      if (off && saved == NULL)
        {
          GtkPropagationPhase phase = gtk_event_controller_get_propagation_phase (controller);

          g_object_set_data (G_OBJECT (controller), "bw-canvas-phase", GINT_TO_POINTER (phase + 1));
          gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_NONE);
        }
      else if (!off && saved != NULL)
        {
          gtk_event_controller_set_propagation_phase (controller, GPOINTER_TO_INT (saved) - 1);
          g_object_set_data (G_OBJECT (controller), "bw-canvas-phase", NULL);
        }
    }
}

static void
set_state (BwCanvas      *self,
           BwCanvasState  state)
{
  if (self->state == state)
    return;

  self->state = state;
  gtk_widget_set_visible (self->error_page, state == BW_CANVAS_STATE_ERROR);
  update_foreign_controllers (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
bw_canvas_show_pyramid (BwCanvas       *self,
                        BwImagePyramid *pyramid)
{
  const char *path = bw_image_pyramid_get_path (pyramid);
  gboolean first = (self->image == NULL ||
                    g_strcmp0 (bw_image_pyramid_get_path (self->image->pyramid), path) != 0 ||
                    self->state == BW_CANVAS_STATE_LOADING);
  double old_scale = self->scale;

  if (self->image == NULL || self->image->pyramid != pyramid)
    {
      g_clear_pointer (&self->image, canvas_image_free);
      self->image = canvas_image_new (pyramid);
    }
  g_clear_error (&self->error);
  self->image_width = bw_image_pyramid_get_width (pyramid);
  self->image_height = bw_image_pyramid_get_height (pyramid);

  if (first)
    {
      ensure_layout (self);
      self->fit = TRUE;
      apply_fit (self);
    }

  set_state (self, bw_image_pyramid_is_complete (pyramid) ? BW_CANVAS_STATE_READY
                                                         : BW_CANVAS_STATE_PREVIEW);

  if (first)
    {
      g_signal_emit (self, signals[IMAGE_LOADED], 0);
      view_changed (self, old_scale);
    }
  else
    {
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

void
bw_canvas_set_error (BwCanvas     *self,
                     gint64        image_id,
                     const GError *error)
{
  g_return_if_fail (BW_IS_CANVAS (self));
  g_return_if_fail (error != NULL);

  g_clear_pointer (&self->image, canvas_image_free);
  g_clear_error (&self->error);
  self->error = g_error_copy (error);
  self->image_id = image_id;

  adw_status_page_set_description (ADW_STATUS_PAGE (self->error_page), error->message);
  adw_status_page_set_title (ADW_STATUS_PAGE (self->error_page),
                             g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND)
                               ? _("Image Not Found") : _("Cannot Show This Image"));
  gtk_widget_set_visible (self->locate_button, image_id > 0);
  gtk_widget_set_visible (self->exclude_button, image_id > 0);

  set_state (self, BW_CANVAS_STATE_ERROR);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* The loader only reports the image asked for last; the path is checked
 * again all the same, so that no other image can pass for this one (the
 * overlay would draw this image's annotations over it). */
static void
loader_preview_cb (BwCanvas       *self,
                   BwImagePyramid *preview,
                   BwImageLoader  *loader)
{
  if (self->state == BW_CANVAS_STATE_LOADING &&
      g_strcmp0 (self->path, bw_image_pyramid_get_path (preview)) == 0)
    bw_canvas_show_pyramid (self, preview);
}

static void
loader_loaded_cb (BwCanvas       *self,
                  BwImagePyramid *pyramid,
                  BwImageLoader  *loader)
{
  if ((self->state == BW_CANVAS_STATE_LOADING || self->state == BW_CANVAS_STATE_PREVIEW) &&
      g_strcmp0 (self->path, bw_image_pyramid_get_path (pyramid)) == 0)
    bw_canvas_show_pyramid (self, pyramid);
}

static void
loader_failed_cb (BwCanvas      *self,
                  const char    *path,
                  const GError  *error,
                  BwImageLoader *loader)
{
  if ((self->state == BW_CANVAS_STATE_LOADING || self->state == BW_CANVAS_STATE_PREVIEW) &&
      g_strcmp0 (self->path, path) == 0 &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    bw_canvas_set_error (self, self->image_id, error);
}

static void
load_path (BwCanvas   *self,
           const char *path,
           gint64      image_id,
           int         expected_width,
           int         expected_height,
           gint64      expected_size)
{
  g_autoptr(BwImagePyramid) cached = NULL;
  double preview_scale;
  int w, h;

  g_free (self->path);
  self->path = g_strdup (path);
  self->image_id = image_id;
  g_clear_error (&self->error);

  cached = bw_image_loader_lookup (self->loader, path, expected_width, expected_height);
  if (cached != NULL)
    {
      /* Whatever was being decoded for the image before is not wanted. */
      bw_image_loader_cancel (self->loader);
      /* Force a fresh fit even when the same path is shown again. */
      set_state (self, BW_CANVAS_STATE_LOADING);
      bw_canvas_show_pyramid (self, cached);
      return;
    }

  /* Never let the previous image pass for the new one: show nothing
   * until the new pixels come. */
  g_clear_pointer (&self->image, canvas_image_free);
  self->image_width = expected_width > 0 ? expected_width : 0;
  self->image_height = expected_height > 0 ? expected_height : 0;
  set_state (self, BW_CANVAS_STATE_LOADING);
  gtk_widget_queue_draw (GTK_WIDGET (self));

  get_view_size (self, &w, &h);
  if (expected_width > 0 && expected_height > 0)
    preview_scale = MIN ((double) w / expected_width, (double) h / expected_height);
  else
    preview_scale = 0.25;

  bw_image_loader_request (self->loader, path, expected_width, expected_height, expected_size,
                           preview_scale);
}

void
bw_canvas_load_file (BwCanvas *self,
                     GFile    *file,
                     gint64    image_id,
                     int       expected_width,
                     int       expected_height)
{
  g_autofree char *path = NULL;

  g_return_if_fail (BW_IS_CANVAS (self));
  g_return_if_fail (G_IS_FILE (file));

  path = g_file_get_path (file);
  load_path (self, path, image_id, expected_width, expected_height, 0);
}

gboolean
bw_canvas_load_file_sync (BwCanvas  *self,
                          GFile     *file,
                          gint64     image_id,
                          int        expected_width,
                          int        expected_height,
                          GError   **error)
{
  g_autofree char *path = NULL;
  g_autoptr(BwImagePyramid) pyramid = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (BW_IS_CANVAS (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  path = g_file_get_path (file);
  g_free (self->path);
  self->path = g_strdup (path);
  self->image_id = image_id;

  pyramid = bw_image_loader_load_sync (self->loader, path, expected_width, expected_height, 0,
                                       &local_error);
  if (pyramid == NULL)
    {
      bw_canvas_set_error (self, image_id, local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  set_state (self, BW_CANVAS_STATE_LOADING);
  bw_canvas_show_pyramid (self, pyramid);

  return TRUE;
}

void
bw_canvas_preload_file (BwCanvas *self,
                        GFile    *file)
{
  g_autofree char *path = NULL;

  g_return_if_fail (BW_IS_CANVAS (self));
  g_return_if_fail (G_IS_FILE (file));

  path = g_file_get_path (file);
  bw_image_loader_preload (self->loader, path, 0, 0, 0);
}

void
bw_canvas_load_image (BwCanvas      *self,
                      BwProject     *project,
                      const BwImage *image)
{
  g_autofree char *path = NULL;

  g_return_if_fail (BW_IS_CANVAS (self));
  g_return_if_fail (BW_IS_PROJECT (project));
  g_return_if_fail (image != NULL);

  path = bw_project_resolve_image_path (project, image->path);
  load_path (self, path, image->id, image->width, image->height, image->byte_size);
}

void
bw_canvas_preload_image (BwCanvas      *self,
                         BwProject     *project,
                         const BwImage *image)
{
  g_autofree char *path = NULL;

  g_return_if_fail (BW_IS_CANVAS (self));
  g_return_if_fail (BW_IS_PROJECT (project));
  g_return_if_fail (image != NULL);

  path = bw_project_resolve_image_path (project, image->path);
  bw_image_loader_preload (self->loader, path, image->width, image->height, image->byte_size);
}

void
bw_canvas_clear (BwCanvas *self)
{
  g_return_if_fail (BW_IS_CANVAS (self));

  bw_image_loader_cancel (self->loader);
  g_clear_pointer (&self->image, canvas_image_free);
  g_clear_pointer (&self->path, g_free);
  g_clear_error (&self->error);
  self->image_id = 0;
  self->image_width = 0;
  self->image_height = 0;
  set_state (self, BW_CANVAS_STATE_EMPTY);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * bw_canvas_get_loader:
 *
 * Returns: (transfer none): the loader that decodes the canvas's images
 */
BwImageLoader *
bw_canvas_get_loader (BwCanvas *self)
{
  g_return_val_if_fail (BW_IS_CANVAS (self), NULL);

  return self->loader;
}

/* ------------------------------------------------------------------ */
/* Input                                                               */

static void
click_pressed_cb (BwCanvas        *self,
                  int              n_press,
                  double           x,
                  double           y,
                  GtkGestureClick *gesture)
{
  /* Take the keyboard focus, but leave the click to the tools, and a
   * click on the error page's buttons to them. */
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
  if (gtk_widget_pick (GTK_WIDGET (self), x, y, GTK_PICK_DEFAULT) == GTK_WIDGET (self))
    gtk_widget_grab_focus (GTK_WIDGET (self));
}

static void
pan_drag_begin_cb (BwCanvas       *self,
                   double          x,
                   double          y,
                   GtkGestureDrag *gesture)
{
  guint button = gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture));

  if (button == GDK_BUTTON_PRIMARY && !self->space_down)
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }

  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  gtk_widget_grab_focus (GTK_WIDGET (self));
  self->drag_offset_x = self->offset_x;
  self->drag_offset_y = self->offset_y;
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "grabbing");
}

static void
pan_drag_update_cb (BwCanvas       *self,
                    double          dx,
                    double          dy,
                    GtkGestureDrag *gesture)
{
  bw_canvas_pan (self,
                 self->drag_offset_x + dx - self->offset_x,
                 self->drag_offset_y + dy - self->offset_y);
}

static void
pan_drag_end_cb (BwCanvas       *self,
                 double          dx,
                 double          dy,
                 GtkGestureDrag *gesture)
{
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), self->space_down ? "grab" : NULL);
}

static gboolean
key_pressed_cb (BwCanvas              *self,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                GtkEventControllerKey *controller)
{
  if (keyval == GDK_KEY_space && (state & GDK_MODIFIER_MASK) == 0)
    {
      if (!self->space_down)
        {
          self->space_down = TRUE;
          gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "grab");
        }
      return TRUE;
    }

  return FALSE;
}

static void
key_released_cb (BwCanvas              *self,
                 guint                  keyval,
                 guint                  keycode,
                 GdkModifierType        state,
                 GtkEventControllerKey *controller)
{
  if (keyval == GDK_KEY_space)
    {
      self->space_down = FALSE;
      gtk_widget_set_cursor_from_name (GTK_WIDGET (self), NULL);
    }
}

static void
focus_leave_cb (BwCanvas *self)
{
  if (self->space_down)
    {
      self->space_down = FALSE;
      gtk_widget_set_cursor_from_name (GTK_WIDGET (self), NULL);
    }
}

static gboolean
scroll_cb (BwCanvas                 *self,
           double                    dx,
           double                    dy,
           GtkEventControllerScroll *controller)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));
  GdkScrollUnit unit = gtk_event_controller_scroll_get_unit (controller);

  if ((state & GDK_CONTROL_MASK) != 0 ||
      (unit == GDK_SCROLL_UNIT_WHEEL && (state & GDK_SHIFT_MASK) == 0))
    {
      /* A mouse wheel zooms; so does Ctrl with any device. */
      double steps = unit == GDK_SCROLL_UNIT_WHEEL ? dy : dy / 20.0;

      if (steps != 0)
        zoom_by (self, pow (ZOOM_STEP, -steps));
      return TRUE;
    }

  if (unit == GDK_SCROLL_UNIT_WHEEL)
    {
      /* Shift+wheel pans sideways. */
      bw_canvas_pan (self, -(dx + dy) * KEY_PAN_STEP, 0);
      return TRUE;
    }

  bw_canvas_pan (self, -dx, -dy);
  return TRUE;
}

static void
motion_cb (BwCanvas *self,
           double    x,
           double    y)
{
  self->pointer_x = x;
  self->pointer_y = y;
  self->pointer_inside = TRUE;
}

static void
leave_cb (BwCanvas *self)
{
  self->pointer_inside = FALSE;
}

static void
zoom_begin_cb (BwCanvas         *self,
               GdkEventSequence *sequence,
               GtkGestureZoom   *gesture)
{
  self->zoom_gesture_scale = self->scale;
}

static void
zoom_scale_changed_cb (BwCanvas       *self,
                       double          scale,
                       GtkGestureZoom *gesture)
{
  double x, y;

  if (!gtk_gesture_get_bounding_box_center (GTK_GESTURE (gesture), &x, &y))
    {
      x = self->view_width / 2.0;
      y = self->view_height / 2.0;
    }
  bw_canvas_zoom_at (self, self->zoom_gesture_scale * scale, x, y);
}

static void
zoom_in_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  zoom_by (BW_CANVAS (widget), ZOOM_STEP);
}

static void
zoom_out_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  zoom_by (BW_CANVAS (widget), 1.0 / ZOOM_STEP);
}

static void
zoom_fit_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  bw_canvas_zoom_to_fit (BW_CANVAS (widget));
}

static void
zoom_100_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  BwCanvas *self = BW_CANVAS (widget);

  ensure_layout (self);
  if (self->pointer_inside)
    bw_canvas_zoom_at (self, 1.0, self->pointer_x, self->pointer_y);
  else
    bw_canvas_set_zoom (self, 1.0);
}

static void
pan_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *param)
{
  int dx, dy;

  g_variant_get (param, "(ii)", &dx, &dy);
  /* Keys move the view, so the image goes the other way. */
  bw_canvas_pan (BW_CANVAS (widget), -dx * KEY_PAN_STEP, -dy * KEY_PAN_STEP);
}

static void
locate_clicked_cb (BwCanvas *self)
{
  g_signal_emit (self, signals[LOCATE], 0);
}

static void
exclude_clicked_cb (BwCanvas *self)
{
  g_signal_emit (self, signals[EXCLUDE], 0);
}

/* ------------------------------------------------------------------ */
/* GtkWidget                                                           */

static void
bw_canvas_measure (GtkWidget      *widget,
                   GtkOrientation  orientation,
                   int             for_size,
                   int            *minimum,
                   int            *natural,
                   int            *minimum_baseline,
                   int            *natural_baseline)
{
  BwCanvas *self = BW_CANVAS (widget);
  int child_min = 0, child_nat = 0;

  if (gtk_widget_get_visible (self->error_page))
    gtk_widget_measure (self->error_page, orientation, for_size,
                        &child_min, &child_nat, NULL, NULL);

  *minimum = MAX (64, child_min);
  *natural = MAX (400, child_nat);
}

static void
bw_canvas_size_allocate (GtkWidget *widget,
                         int        width,
                         int        height,
                         int        baseline)
{
  BwCanvas *self = BW_CANVAS (widget);

  if (gtk_widget_get_visible (self->error_page))
    gtk_widget_allocate (self->error_page, width, height, baseline, NULL);

  if (update_layout (self, width, height))
    g_signal_emit (self, signals[VIEW_CHANGED], 0);
}

static void
bw_canvas_dispose (GObject *object)
{
  BwCanvas *self = BW_CANVAS (object);

  if (self->loader != NULL)
    {
      bw_image_loader_cancel (self->loader);
      g_signal_handlers_disconnect_by_data (self->loader, self);
      g_clear_object (&self->loader);
    }

  g_clear_pointer (&self->error_page, gtk_widget_unparent);

  if (self->overlay_destroy != NULL)
    self->overlay_destroy (self->overlay_data);
  self->overlay_func = NULL;
  self->overlay_data = NULL;
  self->overlay_destroy = NULL;

  g_clear_pointer (&self->image, canvas_image_free);

  G_OBJECT_CLASS (bw_canvas_parent_class)->dispose (object);
}

static void
bw_canvas_finalize (GObject *object)
{
  BwCanvas *self = BW_CANVAS (object);

  g_clear_error (&self->error);
  g_free (self->path);

  G_OBJECT_CLASS (bw_canvas_parent_class)->finalize (object);
}

static void
bw_canvas_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  BwCanvas *self = BW_CANVAS (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;

    case PROP_ZOOM:
      g_value_set_double (value, self->scale);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bw_canvas_class_init (BwCanvasClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bw_canvas_dispose;
  object_class->finalize = bw_canvas_finalize;
  object_class->get_property = bw_canvas_get_property;

  widget_class->snapshot = bw_canvas_snapshot;
  widget_class->measure = bw_canvas_measure;
  widget_class->size_allocate = bw_canvas_size_allocate;

  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL,
                      BW_CANVAS_STATE_EMPTY, BW_CANVAS_STATE_ERROR, BW_CANVAS_STATE_EMPTY,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ZOOM] =
    g_param_spec_double ("zoom", NULL, NULL,
                         0, G_MAXDOUBLE, 1.0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[VIEW_CHANGED] =
    g_signal_new ("view-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[IMAGE_LOADED] =
    g_signal_new ("image-loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[LOCATE] =
    g_signal_new ("locate", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[EXCLUDE] =
    g_signal_new ("exclude", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_install_action (widget_class, "canvas.zoom-in", NULL, zoom_in_action);
  gtk_widget_class_install_action (widget_class, "canvas.zoom-out", NULL, zoom_out_action);
  gtk_widget_class_install_action (widget_class, "canvas.zoom-fit", NULL, zoom_fit_action);
  gtk_widget_class_install_action (widget_class, "canvas.zoom-100", NULL, zoom_100_action);
  gtk_widget_class_install_action (widget_class, "canvas.pan", "(ii)", pan_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, 0, "canvas.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, 0, "canvas.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Add, 0, "canvas.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, GDK_CONTROL_MASK, "canvas.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, GDK_CONTROL_MASK, "canvas.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, 0, "canvas.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Subtract, 0, "canvas.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, GDK_CONTROL_MASK, "canvas.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, GDK_CONTROL_MASK, "canvas.zoom-fit", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_0, GDK_CONTROL_MASK, "canvas.zoom-fit", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1, GDK_CONTROL_MASK, "canvas.zoom-100", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_1, GDK_CONTROL_MASK, "canvas.zoom-100", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, 0, "canvas.pan", "(ii)", -1, 0);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, 0, "canvas.pan", "(ii)", 1, 0);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Up, 0, "canvas.pan", "(ii)", 0, -1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Down, 0, "canvas.pan", "(ii)", 0, 1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_SHIFT_MASK, "canvas.pan", "(ii)", -8, 0);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, GDK_SHIFT_MASK, "canvas.pan", "(ii)", 8, 0);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Up, GDK_SHIFT_MASK, "canvas.pan", "(ii)", 0, -8);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Down, GDK_SHIFT_MASK, "canvas.pan", "(ii)", 0, 8);

  gtk_widget_class_set_css_name (widget_class, "bwcanvas");
}

static void
add_own_controller (BwCanvas           *self,
                    GtkEventController *controller)
{
  g_object_set_data (G_OBJECT (controller), "bw-canvas-own", GINT_TO_POINTER (TRUE));
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}

static void
bw_canvas_init (BwCanvas *self)
{
  GtkEventController *controller;
  GtkGesture *gesture;
  GtkWidget *box;

  self->loader = bw_image_loader_new ();
  g_signal_connect_object (self->loader, "preview", G_CALLBACK (loader_preview_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->loader, "loaded", G_CALLBACK (loader_loaded_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->loader, "failed", G_CALLBACK (loader_failed_cb), self, G_CONNECT_SWAPPED);
  self->fit = TRUE;
  self->scale = 1.0;
  self->fallback_width = 800;
  self->fallback_height = 600;

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_focus_on_click (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);

  /* The error state: a message and what to do about it. */
  self->error_page = adw_status_page_new ();
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (self->error_page), "image-missing-symbolic");
  gtk_widget_add_css_class (self->error_page, "bw-canvas-error");
  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_set_halign (box, GTK_ALIGN_CENTER);
  self->locate_button = gtk_button_new_with_mnemonic (_("_Locate…"));
  gtk_widget_add_css_class (self->locate_button, "pill");
  gtk_widget_add_css_class (self->locate_button, "suggested-action");
  gtk_widget_set_tooltip_text (self->locate_button, _("Choose where this image is now"));
  g_signal_connect_object (self->locate_button, "clicked",
                           G_CALLBACK (locate_clicked_cb), self, G_CONNECT_SWAPPED);
  self->exclude_button = gtk_button_new_with_mnemonic (_("_Exclude"));
  gtk_widget_add_css_class (self->exclude_button, "pill");
  gtk_widget_set_tooltip_text (self->exclude_button, _("Mark this image as excluded from the work"));
  g_signal_connect_object (self->exclude_button, "clicked",
                           G_CALLBACK (exclude_clicked_cb), self, G_CONNECT_SWAPPED);
  gtk_box_append (GTK_BOX (box), self->locate_button);
  gtk_box_append (GTK_BOX (box), self->exclude_button);
  adw_status_page_set_child (ADW_STATUS_PAGE (self->error_page), box);
  gtk_widget_set_visible (self->error_page, FALSE);
  gtk_widget_set_parent (self->error_page, GTK_WIDGET (self));

  gesture = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), 0);
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (gesture), GTK_PHASE_CAPTURE);
  g_signal_connect_object (gesture, "pressed", G_CALLBACK (click_pressed_cb), self, G_CONNECT_SWAPPED);
  add_own_controller (self, GTK_EVENT_CONTROLLER (gesture));

  /* Middle-drag pans. */
  gesture = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), GDK_BUTTON_MIDDLE);
  g_signal_connect_object (gesture, "drag-begin", G_CALLBACK (pan_drag_begin_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gesture, "drag-update", G_CALLBACK (pan_drag_update_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gesture, "drag-end", G_CALLBACK (pan_drag_end_cb), self, G_CONNECT_SWAPPED);
  add_own_controller (self, GTK_EVENT_CONTROLLER (gesture));

  /* Space + primary drag pans; without Space the primary button belongs
   * to the annotation tools, so this gesture steps aside. */
  gesture = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), GDK_BUTTON_PRIMARY);
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (gesture), GTK_PHASE_CAPTURE);
  g_signal_connect_object (gesture, "drag-begin", G_CALLBACK (pan_drag_begin_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gesture, "drag-update", G_CALLBACK (pan_drag_update_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gesture, "drag-end", G_CALLBACK (pan_drag_end_cb), self, G_CONNECT_SWAPPED);
  add_own_controller (self, GTK_EVENT_CONTROLLER (gesture));

  gesture = gtk_gesture_zoom_new ();
  g_signal_connect_object (gesture, "begin", G_CALLBACK (zoom_begin_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gesture, "scale-changed", G_CALLBACK (zoom_scale_changed_cb), self, G_CONNECT_SWAPPED);
  add_own_controller (self, GTK_EVENT_CONTROLLER (gesture));

  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  g_signal_connect_object (controller, "scroll", G_CALLBACK (scroll_cb), self, G_CONNECT_SWAPPED);
  add_own_controller (self, controller);

  controller = gtk_event_controller_motion_new ();
  g_signal_connect_object (controller, "enter", G_CALLBACK (motion_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (controller, "motion", G_CALLBACK (motion_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (controller, "leave", G_CALLBACK (leave_cb), self, G_CONNECT_SWAPPED);
  add_own_controller (self, controller);

  controller = gtk_event_controller_key_new ();
  g_signal_connect_object (controller, "key-pressed", G_CALLBACK (key_pressed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (controller, "key-released", G_CALLBACK (key_released_cb), self, G_CONNECT_SWAPPED);
  add_own_controller (self, controller);

  controller = gtk_event_controller_focus_new ();
  g_signal_connect_object (controller, "leave", G_CALLBACK (focus_leave_cb), self, G_CONNECT_SWAPPED);
  add_own_controller (self, controller);
}

/* ------------------------------------------------------------------ */
/* Public accessors                                                    */

GtkWidget *
bw_canvas_new (void)
{
  return g_object_new (BW_TYPE_CANVAS, NULL);
}

void
bw_canvas_set_overlay_func (BwCanvas            *self,
                            BwCanvasOverlayFunc  func,
                            gpointer             user_data,
                            GDestroyNotify       destroy)
{
  g_return_if_fail (BW_IS_CANVAS (self));

  if (self->overlay_destroy != NULL)
    self->overlay_destroy (self->overlay_data);

  self->overlay_func = func;
  self->overlay_data = user_data;
  self->overlay_destroy = destroy;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
bw_canvas_queue_redraw (BwCanvas *self)
{
  g_return_if_fail (BW_IS_CANVAS (self));

  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
bw_canvas_get_view (BwCanvas *self,
                    double   *scale,
                    double   *offset_x,
                    double   *offset_y)
{
  g_return_if_fail (BW_IS_CANVAS (self));

  ensure_layout (self);
  if (scale != NULL)
    *scale = self->scale;
  if (offset_x != NULL)
    *offset_x = self->offset_x;
  if (offset_y != NULL)
    *offset_y = self->offset_y;
}

void
bw_canvas_widget_to_image (BwCanvas *self,
                           double    wx,
                           double    wy,
                           double   *ix,
                           double   *iy)
{
  g_return_if_fail (BW_IS_CANVAS (self));

  ensure_layout (self);
  if (ix != NULL)
    *ix = (wx - self->offset_x) / self->scale;
  if (iy != NULL)
    *iy = (wy - self->offset_y) / self->scale;
}

void
bw_canvas_image_to_widget (BwCanvas *self,
                           double    ix,
                           double    iy,
                           double   *wx,
                           double   *wy)
{
  g_return_if_fail (BW_IS_CANVAS (self));

  ensure_layout (self);
  if (wx != NULL)
    *wx = ix * self->scale + self->offset_x;
  if (wy != NULL)
    *wy = iy * self->scale + self->offset_y;
}

void
bw_canvas_get_image_size (BwCanvas *self,
                          int      *width,
                          int      *height)
{
  g_return_if_fail (BW_IS_CANVAS (self));

  if (width != NULL)
    *width = self->image_width;
  if (height != NULL)
    *height = self->image_height;
}

gint64
bw_canvas_get_image_id (BwCanvas *self)
{
  g_return_val_if_fail (BW_IS_CANVAS (self), 0);

  return self->image_id;
}

BwCanvasState
bw_canvas_get_state (BwCanvas *self)
{
  g_return_val_if_fail (BW_IS_CANVAS (self), BW_CANVAS_STATE_EMPTY);

  return self->state;
}

const GError *
bw_canvas_get_error (BwCanvas *self)
{
  g_return_val_if_fail (BW_IS_CANVAS (self), NULL);

  return self->error;
}

double
bw_canvas_get_zoom (BwCanvas *self)
{
  g_return_val_if_fail (BW_IS_CANVAS (self), 1.0);

  return self->scale;
}

gboolean
bw_canvas_get_fit (BwCanvas *self)
{
  g_return_val_if_fail (BW_IS_CANVAS (self), FALSE);

  return self->fit;
}

void
bw_canvas_set_viewport_size (BwCanvas *self,
                             int       width,
                             int       height)
{
  g_return_if_fail (BW_IS_CANVAS (self));
  g_return_if_fail (width > 0 && height > 0);

  self->fallback_width = width;
  self->fallback_height = height;
  if (gtk_widget_get_width (GTK_WIDGET (self)) <= 0)
    update_layout (self, width, height);
}

void
bw_canvas_set_max_pixels (BwCanvas *self,
                          guint64   max_pixels)
{
  g_return_if_fail (BW_IS_CANVAS (self));

  bw_image_loader_set_max_pixels (self->loader, max_pixels);
}
