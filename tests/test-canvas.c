/* test-canvas.c — BwCanvas: loading, the view, headless rendering, bad files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-canvas"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <math.h>
#include <gtk/gtk.h>

#include "bw-canvas.h"
#include "bw-image-decoder.h"
#include "bw-test-images.h"

static char *tmpdir;

typedef struct { guint8 r, g, b; } Rgb;

static const Rgb RED = { 255, 0, 0 };
static const Rgb GREEN = { 0, 255, 0 };
static const Rgb BLUE = { 0, 0, 255 };
static const Rgb YELLOW = { 255, 255, 0 };

/* A PNG (exact colours) of four flat quadrants: red, green / blue, yellow. */
static char *
write_quadrants (const char *name,
                 int         width,
                 int         height)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (tmpdir, name, NULL);
  guint8 *data = gdk_pixbuf_get_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        const Rgb *c = y < height / 2 ? (x < width / 2 ? &RED : &GREEN)
                                      : (x < width / 2 ? &BLUE : &YELLOW);
        guint8 *p = data + y * stride + x * 3;

        p[0] = c->r;
        p[1] = c->g;
        p[2] = c->b;
      }

  gdk_pixbuf_save (pixbuf, path, "png", &error, NULL);
  g_assert_no_error (error);

  return path;
}

/* A black and white checkerboard of @cells × @cells one-pixel cells. */
static char *
write_checkerboard (const char *name,
                    int         cells)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, cells, cells);
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (tmpdir, name, NULL);

  for (int y = 0; y < cells; y++)
    for (int x = 0; x < cells; x++)
      {
        guint8 *p = gdk_pixbuf_get_pixels (pixbuf) + y * gdk_pixbuf_get_rowstride (pixbuf) + x * 3;
        p[0] = p[1] = p[2] = ((x + y) & 1) ? 255 : 0;
      }

  gdk_pixbuf_save (pixbuf, path, "png", &error, NULL);
  g_assert_no_error (error);

  return path;
}

static void
count_cb (guint *counter)
{
  (*counter)++;
}

static BwCanvas *
canvas_new (void)
{
  BwCanvas *canvas = BW_CANVAS (bw_canvas_new ());

  g_object_ref_sink (canvas);
  return canvas;
}

static void
load_sync (BwCanvas   *canvas,
           const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;

  g_assert_true (bw_canvas_load_file_sync (canvas, file, 0, 0, 0, &error));
  g_assert_no_error (error);
}

/* Renders @canvas headless at @width × @height. */
static cairo_surface_t *
render (BwCanvas *canvas,
        int       width,
        int       height)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cairo_t *cr = cairo_create (surface);

  bw_canvas_render (canvas, cr, width, height);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  return surface;
}

static Rgb
pixel_at (cairo_surface_t *surface,
          int              x,
          int              y)
{
  const guint8 *data = cairo_image_surface_get_data (surface);
  const guint8 *p = data + y * cairo_image_surface_get_stride (surface) + x * 4;
  Rgb rgb = { p[2], p[1], p[0] };

  return rgb;
}

#define assert_pixel(surface, x, y, expected) G_STMT_START {                    \
  Rgb _p = pixel_at (surface, x, y);                                            \
  if (ABS (_p.r - (expected).r) > 2 || ABS (_p.g - (expected).g) > 2 ||         \
      ABS (_p.b - (expected).b) > 2)                                            \
    g_error ("pixel (%d, %d) is %d,%d,%d, expected %d,%d,%d", (int) (x), (int) (y), \
             _p.r, _p.g, _p.b, (expected).r, (expected).g, (expected).b);       \
} G_STMT_END

static void
test_load_and_fit (void)
{
  g_autofree char *path = write_quadrants ("fit.png", 400, 300);
  BwCanvas *canvas = canvas_new ();
  cairo_surface_t *surface;
  double scale, ox, oy;
  int w, h;

  g_assert_cmpint (bw_canvas_get_state (canvas), ==, BW_CANVAS_STATE_EMPTY);
  load_sync (canvas, path);
  g_assert_cmpint (bw_canvas_get_state (canvas), ==, BW_CANVAS_STATE_READY);
  bw_canvas_get_image_size (canvas, &w, &h);
  g_assert_cmpint (w, ==, 400);
  g_assert_cmpint (h, ==, 300);

  /* 1000 × 600: the height limits, the image is centred sideways. */
  surface = render (canvas, 1000, 600);
  bw_canvas_get_view (canvas, &scale, &ox, &oy);
  g_assert_cmpfloat_with_epsilon (scale, 2.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (ox, 100.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (oy, 0.0, 1e-9);
  g_assert_true (bw_canvas_get_fit (canvas));

  assert_pixel (surface, 150, 100, RED);
  assert_pixel (surface, 850, 100, GREEN);
  assert_pixel (surface, 150, 500, BLUE);
  assert_pixel (surface, 850, 500, YELLOW);
  /* Left and right of the image: the background, not the image. */
  {
    Rgb bg = pixel_at (surface, 50, 300);
    Rgb bg2 = pixel_at (surface, 950, 300);

    g_assert_true (bg.r == bg2.r && bg.g == bg2.g && bg.b == bg2.b);
    g_assert_true (bg.r < 100 && bg.g < 100 && bg.b < 100);
  }
  /* The quadrant edges sit where the view says. */
  assert_pixel (surface, 100 + 2 * 199, 200, RED);
  assert_pixel (surface, 100 + 2 * 201, 200, GREEN);
  cairo_surface_destroy (surface);

  g_assert_finalize_object (canvas);
}

static void
test_zoom_at_point (void)
{
  g_autofree char *path = write_quadrants ("zoom.png", 400, 300);
  BwCanvas *canvas = canvas_new ();
  cairo_surface_t *surface;
  double ix0, iy0, ix1, iy1, wx, wy;
  guint view_changed = 0;

  load_sync (canvas, path);
  g_signal_connect_swapped (canvas, "view-changed", G_CALLBACK (count_cb), &view_changed);
  bw_canvas_set_viewport_size (canvas, 800, 600);
  bw_canvas_zoom_to_fit (canvas);
  g_assert_cmpfloat_with_epsilon (bw_canvas_get_zoom (canvas), 2.0, 1e-9);

  /* The image point under (330, 250) stays under it. */
  bw_canvas_widget_to_image (canvas, 330, 250, &ix0, &iy0);
  view_changed = 0;
  bw_canvas_zoom_at (canvas, 5.0, 330, 250);
  g_assert_cmpuint (view_changed, >, 0);
  g_assert_false (bw_canvas_get_fit (canvas));
  g_assert_cmpfloat_with_epsilon (bw_canvas_get_zoom (canvas), 5.0, 1e-9);
  bw_canvas_widget_to_image (canvas, 330, 250, &ix1, &iy1);
  g_assert_cmpfloat_with_epsilon (ix0, ix1, 1e-6);
  g_assert_cmpfloat_with_epsilon (iy0, iy1, 1e-6);
  bw_canvas_image_to_widget (canvas, ix0, iy0, &wx, &wy);
  g_assert_cmpfloat_with_epsilon (wx, 330, 1e-6);
  g_assert_cmpfloat_with_epsilon (wy, 250, 1e-6);

  /* On screen: (165, 125) is red and 35 image pixels right of it is the
   * red/green edge, now 5 × 35 = 175 screen pixels right of the pointer. */
  surface = render (canvas, 800, 600);
  assert_pixel (surface, 330, 250, RED);
  assert_pixel (surface, 330 + 173, 250, RED);
  assert_pixel (surface, 330 + 177, 250, GREEN);
  cairo_surface_destroy (surface);

  /* Zoom has bounds. */
  bw_canvas_zoom_at (canvas, 1e6, 400, 300);
  g_assert_cmpfloat (bw_canvas_get_zoom (canvas), <=, 32.0);
  bw_canvas_zoom_at (canvas, 1e-6, 400, 300);
  g_assert_cmpfloat (bw_canvas_get_zoom (canvas), >, 0.0);
  g_assert_cmpfloat (bw_canvas_get_zoom (canvas), <, 2.0);

  g_assert_finalize_object (canvas);
}

static void
test_pan (void)
{
  g_autofree char *path = write_quadrants ("pan.png", 400, 300);
  BwCanvas *canvas = canvas_new ();
  double s, ox0, oy0, ox1, oy1;

  load_sync (canvas, path);
  bw_canvas_set_viewport_size (canvas, 800, 600);
  bw_canvas_zoom_at (canvas, 4.0, 400, 300);  /* 1600 × 1200 on 800 × 600 */
  bw_canvas_get_view (canvas, &s, &ox0, &oy0);

  bw_canvas_pan (canvas, -50, 30);
  bw_canvas_get_view (canvas, &s, &ox1, &oy1);
  g_assert_cmpfloat_with_epsilon (ox1, ox0 - 50, 1e-9);
  g_assert_cmpfloat_with_epsilon (oy1, oy0 + 30, 1e-9);

  /* The view stops at the image's edges. */
  bw_canvas_pan (canvas, 10000, 10000);
  bw_canvas_get_view (canvas, &s, &ox1, &oy1);
  g_assert_cmpfloat_with_epsilon (ox1, 0, 1e-9);
  g_assert_cmpfloat_with_epsilon (oy1, 0, 1e-9);
  bw_canvas_pan (canvas, -10000, -10000);
  bw_canvas_get_view (canvas, &s, &ox1, &oy1);
  g_assert_cmpfloat_with_epsilon (ox1, 800 - 1600, 1e-9);
  g_assert_cmpfloat_with_epsilon (oy1, 600 - 1200, 1e-9);

  /* The keys go through the canvas's actions. */
  bw_canvas_pan (canvas, 500, 300);
  bw_canvas_get_view (canvas, &s, &ox0, &oy0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (canvas), "canvas.pan", "(ii)", 1, 0));
  bw_canvas_get_view (canvas, &s, &ox1, &oy1);
  g_assert_cmpfloat (ox1, <, ox0);
  g_assert_cmpfloat_with_epsilon (oy1, oy0, 1e-9);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (canvas), "canvas.zoom-fit", NULL));
  g_assert_true (bw_canvas_get_fit (canvas));
  g_assert_cmpfloat_with_epsilon (bw_canvas_get_zoom (canvas), 2.0, 1e-9);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (canvas), "canvas.zoom-100", NULL));
  g_assert_cmpfloat_with_epsilon (bw_canvas_get_zoom (canvas), 1.0, 1e-9);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (canvas), "canvas.zoom-in", NULL));
  g_assert_cmpfloat (bw_canvas_get_zoom (canvas), >, 1.0);

  g_assert_finalize_object (canvas);
}

static void
test_resize_keeps_view (void)
{
  g_autofree char *path = write_quadrants ("resize.png", 400, 300);
  BwCanvas *canvas = canvas_new ();
  cairo_surface_t *surface;
  double cx0, cy0, cx1, cy1;

  load_sync (canvas, path);
  surface = render (canvas, 800, 600);
  cairo_surface_destroy (surface);
  bw_canvas_zoom_at (canvas, 6.0, 200, 150);
  bw_canvas_widget_to_image (canvas, 400, 300, &cx0, &cy0);

  /* A wider, shorter view: same zoom, same image point in the middle. */
  surface = render (canvas, 1000, 500);
  g_assert_cmpfloat_with_epsilon (bw_canvas_get_zoom (canvas), 6.0, 1e-9);
  bw_canvas_widget_to_image (canvas, 500, 250, &cx1, &cy1);
  g_assert_cmpfloat_with_epsilon (cx0, cx1, 1e-6);
  g_assert_cmpfloat_with_epsilon (cy0, cy1, 1e-6);
  cairo_surface_destroy (surface);

  /* A fitted view fits again. */
  bw_canvas_zoom_to_fit (canvas);
  surface = render (canvas, 400, 600);
  g_assert_cmpfloat_with_epsilon (bw_canvas_get_zoom (canvas), 1.0, 1e-9);
  assert_pixel (surface, 100, 220, RED);
  cairo_surface_destroy (surface);

  g_assert_finalize_object (canvas);
}

/* Above 100% pixels are squares: no blend between a black and a white
 * image pixel anywhere inside them. */
static void
test_crisp_zoom (void)
{
  g_autofree char *path = write_checkerboard ("checker.png", 8);
  BwCanvas *canvas = canvas_new ();
  cairo_surface_t *surface;
  guint grey = 0;

  load_sync (canvas, path);
  bw_canvas_set_viewport_size (canvas, 400, 400);
  bw_canvas_zoom_to_fit (canvas);
  /* 50 screen pixels per image pixel */
  g_assert_cmpfloat_with_epsilon (bw_canvas_get_zoom (canvas), 50.0, 1e-9);
  surface = render (canvas, 400, 400);

  for (int x = 0; x < 400; x++)
    {
      Rgb p = pixel_at (surface, x, 25);

      if (p.r > 8 && p.r < 247)
        grey++;
    }
  /* A smoothing filter blends about 50 columns on this row. */
  g_assert_cmpuint (grey, <=, 8);
  assert_pixel (surface, 25, 25, ((Rgb) { 0, 0, 0 }));
  assert_pixel (surface, 75, 25, ((Rgb) { 255, 255, 255 }));
  cairo_surface_destroy (surface);

  g_assert_finalize_object (canvas);
}

/* 4000 × 3000, each quadrant a one-pixel checkerboard of black and one
 * colour: red, green / blue, white. Averaged, each quadrant is that colour
 * at half intensity; any sampling that skips pixels (a level made by
 * taking every other pixel, or a full-size texture shrunk tenfold by a
 * linear filter) shows pure colour or black instead. */
static char *
write_fine_quadrants (const char *name)
{
  const int width = 4000, height = 3000;
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (tmpdir, name, NULL);
  guint8 *data = gdk_pixbuf_get_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  static const Rgb WHITE = { 255, 255, 255 };

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        const Rgb *c = y < height / 2 ? (x < width / 2 ? &RED : &GREEN)
                                      : (x < width / 2 ? &BLUE : &WHITE);
        gboolean on = ((x + y) & 1) != 0;
        guint8 *p = data + (gsize) y * stride + (gsize) x * 3;

        p[0] = on ? c->r : 0;
        p[1] = on ? c->g : 0;
        p[2] = on ? c->b : 0;
      }

  gdk_pixbuf_save (pixbuf, path, "png", &error, "compression", "1", NULL);
  g_assert_no_error (error);

  return path;
}

static void
collect_texture_nodes (GskRenderNode *node,
                       GPtrArray     *out)
{
  switch ((int) gsk_render_node_get_node_type (node))
    {
    case GSK_TEXTURE_NODE:
      g_ptr_array_add (out, node);
      break;
    case GSK_CONTAINER_NODE:
      for (guint i = 0; i < gsk_container_node_get_n_children (node); i++)
        collect_texture_nodes (gsk_container_node_get_child (node, i), out);
      break;
    case GSK_CLIP_NODE:
      collect_texture_nodes (gsk_clip_node_get_child (node), out);
      break;
    case GSK_TRANSFORM_NODE:
      /* the canvas draws its tiles untransformed; none expected */
      g_assert_not_reached ();
      break;
    default:
      break;
    }
}

/* A large image is drawn from a smaller level when zoomed out: the
 * textures the widget hands to GTK hold at most two texels per screen
 * pixel, and their texels are the average of the image's pixels under
 * them, so the view shows the quadrants at half intensity. */
static void
test_pyramid (void)
{
  g_autofree char *path = write_fine_quadrants ("large.png");
  BwCanvas *canvas = canvas_new ();
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GPtrArray) textures = g_ptr_array_new ();
  cairo_surface_t *surface;
  const Rgb half_red = { 128, 0, 0 }, half_green = { 0, 128, 0 };
  const Rgb half_blue = { 0, 0, 128 }, half_white = { 128, 128, 128 };

  load_sync (canvas, path);
  surface = render (canvas, 400, 300);
  g_assert_cmpfloat_with_epsilon (bw_canvas_get_zoom (canvas), 0.1, 1e-9);
  assert_pixel (surface, 100, 75, half_red);
  assert_pixel (surface, 300, 75, half_green);
  assert_pixel (surface, 100, 225, half_blue);
  assert_pixel (surface, 300, 225, half_white);
  cairo_surface_destroy (surface);

  /* The path GTK draws through, at the same size */
  gtk_widget_size_allocate (GTK_WIDGET (canvas), &(GtkAllocation) { 0, 0, 400, 300 }, -1);
  GTK_WIDGET_GET_CLASS (canvas)->snapshot (GTK_WIDGET (canvas), snapshot);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  collect_texture_nodes (node, textures);
  g_assert_cmpuint (textures->len, >, 0);

  for (guint i = 0; i < textures->len; i++)
    {
      GskRenderNode *tile = g_ptr_array_index (textures, i);
      GdkTexture *texture = gsk_texture_node_get_texture (tile);
      int tw = gdk_texture_get_width (texture);
      int th = gdk_texture_get_height (texture);
      g_autofree guint8 *texels = g_malloc ((gsize) tw * th * 4);
      graphene_rect_t bounds;

      gsk_render_node_get_bounds (tile, &bounds);
      g_assert_cmpfloat (tw, <=, 2 * bounds.size.width + 1);
      g_assert_cmpfloat (th, <=, 2 * bounds.size.height + 1);

      /* Away from the quadrant edges, every texel is the average. */
      gdk_texture_download (texture, texels, (gsize) tw * 4);
      for (int y = 0; y < th; y++)
        for (int x = 0; x < tw; x++)
          {
            /* widget position of this texel, and the image pixel there */
            double wx = bounds.origin.x + (x + 0.5) * bounds.size.width / tw;
            double wy = bounds.origin.y + (y + 0.5) * bounds.size.height / th;
            double ix, iy;
            const guint8 *p = texels + ((gsize) y * tw + x) * 4;  /* B, G, R, A */
            Rgb expected;

            bw_canvas_widget_to_image (canvas, wx, wy, &ix, &iy);
            if (fabs (ix - 2000) < 40 || fabs (iy - 1500) < 40)
              continue;
            expected = iy < 1500 ? (ix < 2000 ? half_red : half_green)
                                 : (ix < 2000 ? half_blue : half_white);
            if (ABS (p[2] - expected.r) > 2 || ABS (p[1] - expected.g) > 2 ||
                ABS (p[0] - expected.b) > 2)
              g_error ("texel (%d, %d) of a %d × %d tile is %d,%d,%d, expected %d,%d,%d",
                       x, y, tw, th, p[2], p[1], p[0], expected.r, expected.g, expected.b);
          }
    }

  g_assert_finalize_object (canvas);
}

static void
overlay_cb (BwCanvas *canvas,
            cairo_t  *cr,
            int       width,
            int       height,
            gpointer  user_data)
{
  double x, y;
  guint *calls = user_data;

  /* A white square over image pixels (10, 10) – (20, 20). */
  bw_canvas_image_to_widget (canvas, 10, 10, &x, &y);
  cairo_rectangle (cr, x, y, 10 * bw_canvas_get_zoom (canvas), 10 * bw_canvas_get_zoom (canvas));
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_fill (cr);
  (*calls)++;
}

static void
count_destroy (gpointer data)
{
  guint *calls = data;

  *calls += 1000;
}

static void
test_overlay (void)
{
  g_autofree char *path = write_quadrants ("overlay.png", 400, 300);
  BwCanvas *canvas = canvas_new ();
  cairo_surface_t *surface;
  guint calls = 0;

  load_sync (canvas, path);
  bw_canvas_set_overlay_func (canvas, overlay_cb, &calls, count_destroy);
  surface = render (canvas, 800, 600);
  g_assert_cmpuint (calls, ==, 1);
  assert_pixel (surface, 30, 30, ((Rgb) { 255, 255, 255 }));
  assert_pixel (surface, 10, 10, RED);
  cairo_surface_destroy (surface);

  g_assert_finalize_object (canvas);
  /* The destroy notify ran when the canvas went away. */
  g_assert_cmpuint (calls, ==, 1001);
}

static void
test_error_missing (void)
{
  g_autofree char *good = write_quadrants ("good.png", 40, 30);
  g_autofree char *missing = g_build_filename (tmpdir, "gone.jpg", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (missing);
  g_autoptr(GError) error = NULL;
  BwCanvas *canvas = canvas_new ();

  g_assert_false (bw_canvas_load_file_sync (canvas, file, 42, 40, 30, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "gone.jpg"));
  g_assert_cmpint (bw_canvas_get_state (canvas), ==, BW_CANVAS_STATE_ERROR);
  g_assert_nonnull (bw_canvas_get_error (canvas));
  g_assert_cmpint (bw_canvas_get_image_id (canvas), ==, 42);

  /* Rendering the error state draws no stale image and does not crash. */
  cairo_surface_destroy (render (canvas, 100, 100));

  /* The next image shows normally. */
  load_sync (canvas, good);
  g_assert_cmpint (bw_canvas_get_state (canvas), ==, BW_CANVAS_STATE_READY);
  g_assert_null (bw_canvas_get_error (canvas));

  g_assert_finalize_object (canvas);
}

static void
test_error_truncated (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "cut.jpg", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  BwCanvas *canvas = canvas_new ();

  g_assert_true (bw_test_write_truncated_jpeg (path, 640, 480, 0.5, &error));
  g_assert_no_error (error);

  g_assert_false (bw_canvas_load_file_sync (canvas, file, 7, 640, 480, &error));
  g_assert_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "cut.jpg"));
  g_assert_cmpint (bw_canvas_get_state (canvas), ==, BW_CANVAS_STATE_ERROR);

  g_assert_finalize_object (canvas);
}

static void
test_error_replaced (void)
{
  g_autofree char *path = write_quadrants ("replaced.png", 64, 48);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  BwCanvas *canvas = canvas_new ();

  /* Imported as 640 × 480; the file there now is another image. */
  g_assert_false (bw_canvas_load_file_sync (canvas, file, 9, 640, 480, &error));
  g_assert_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "replaced.png"));
  g_assert_cmpint (bw_canvas_get_state (canvas), ==, BW_CANVAS_STATE_ERROR);

  g_assert_finalize_object (canvas);
}

/* The annotation tools attach their own gestures to the canvas; while the
 * error page is up they must not take its buttons' clicks. */
static void
test_error_tools_off (void)
{
  g_autofree char *good = write_quadrants ("tools.png", 40, 30);
  g_autofree char *missing = g_build_filename (tmpdir, "tools-gone.png", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (missing);
  g_autoptr(GError) error = NULL;
  BwCanvas *canvas = canvas_new ();
  GtkGesture *tool = gtk_gesture_drag_new ();
  GtkEventController *keys = gtk_event_controller_key_new ();

  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  gtk_widget_add_controller (GTK_WIDGET (canvas), GTK_EVENT_CONTROLLER (tool));
  gtk_widget_add_controller (GTK_WIDGET (canvas), keys);
  load_sync (canvas, good);
  g_assert_cmpint (gtk_event_controller_get_propagation_phase (GTK_EVENT_CONTROLLER (tool)), ==, GTK_PHASE_BUBBLE);

  g_assert_false (bw_canvas_load_file_sync (canvas, file, 3, 0, 0, &error));
  g_assert_cmpint (gtk_event_controller_get_propagation_phase (GTK_EVENT_CONTROLLER (tool)), ==, GTK_PHASE_NONE);
  g_assert_cmpint (gtk_event_controller_get_propagation_phase (keys), ==, GTK_PHASE_NONE);

  /* Back on when an image shows again, each in its own phase. */
  load_sync (canvas, good);
  g_assert_cmpint (gtk_event_controller_get_propagation_phase (GTK_EVENT_CONTROLLER (tool)), ==, GTK_PHASE_BUBBLE);
  g_assert_cmpint (gtk_event_controller_get_propagation_phase (keys), ==, GTK_PHASE_CAPTURE);

  g_assert_finalize_object (canvas);
}

static void
state_changed_cb (BwCanvas   *canvas,
                  GParamSpec *pspec,
                  GArray     *states)
{
  int state = bw_canvas_get_state (canvas);

  g_array_append_val (states, state);
}

static void
wait_for_state (BwCanvas      *canvas,
                BwCanvasState  state)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (bw_canvas_get_state (canvas) != state)
    {
      g_main_context_iteration (NULL, TRUE);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    }
}

/* Async: a big JPEG shows a scaled decode first, then full resolution. */
static void
test_async_preview (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "big.jpg", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) states = g_array_new (FALSE, FALSE, sizeof (int));
  BwCanvas *canvas = canvas_new ();
  guint loaded = 0;
  int w, h;

  g_assert_true (bw_test_write_jpeg (path, 3200, 2400, 90, 2 /* TJSAMP_420 */, 1, &error));
  g_assert_no_error (error);

  bw_canvas_set_viewport_size (canvas, 400, 300);
  g_signal_connect (canvas, "notify::state", G_CALLBACK (state_changed_cb), states);
  g_signal_connect_swapped (canvas, "image-loaded", G_CALLBACK (count_cb), &loaded);
  bw_canvas_load_file (canvas, file, 5, 3200, 2400);
  g_assert_cmpint (bw_canvas_get_state (canvas), ==, BW_CANVAS_STATE_LOADING);
  wait_for_state (canvas, BW_CANVAS_STATE_READY);

  g_assert_cmpuint (loaded, ==, 1);
  g_assert_cmpint (g_array_index (states, int, 0), ==, BW_CANVAS_STATE_LOADING);
  g_assert_cmpint (g_array_index (states, int, 1), ==, BW_CANVAS_STATE_PREVIEW);
  g_assert_cmpint (g_array_index (states, int, states->len - 1), ==, BW_CANVAS_STATE_READY);
  bw_canvas_get_image_size (canvas, &w, &h);
  g_assert_cmpint (w, ==, 3200);
  g_assert_cmpint (h, ==, 2400);
  g_assert_cmpint (bw_canvas_get_image_id (canvas), ==, 5);

  g_signal_handlers_disconnect_by_data (canvas, states);
  g_signal_handlers_disconnect_by_data (canvas, &loaded);
  g_assert_finalize_object (canvas);
}

/* A preloaded image shows at once. */
static void
test_preload (void)
{
  g_autofree char *a = write_quadrants ("pre-a.png", 300, 200);
  g_autofree char *b = write_quadrants ("pre-b.png", 200, 300);
  g_autoptr(GFile) fa = g_file_new_for_path (a);
  g_autoptr(GFile) fb = g_file_new_for_path (b);
  BwCanvas *canvas = canvas_new ();
  gint64 deadline;

  bw_canvas_load_file (canvas, fa, 1, 300, 200);
  wait_for_state (canvas, BW_CANVAS_STATE_READY);

  bw_canvas_preload_file (canvas, fb);
  /* Let the decode finish in the background. */
  deadline = g_get_monotonic_time () + G_USEC_PER_SEC / 2;
  while (g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);

  bw_canvas_load_file (canvas, fb, 2, 200, 300);
  g_assert_cmpint (bw_canvas_get_state (canvas), ==, BW_CANVAS_STATE_READY);
  g_assert_cmpint (bw_canvas_get_image_id (canvas), ==, 2);

  /* Going back is instant too. */
  bw_canvas_load_file (canvas, fa, 1, 300, 200);
  g_assert_cmpint (bw_canvas_get_state (canvas), ==, BW_CANVAS_STATE_READY);

  g_assert_finalize_object (canvas);
}

/* A load replaced by another before it finished never shows. */
static void
test_load_superseded (void)
{
  g_autofree char *a = write_quadrants ("sup-a.png", 2000, 1500);
  g_autofree char *b = write_quadrants ("sup-b.png", 30, 20);
  g_autoptr(GFile) fa = g_file_new_for_path (a);
  g_autoptr(GFile) fb = g_file_new_for_path (b);
  BwCanvas *canvas = canvas_new ();
  gint64 deadline;
  int w, h;

  bw_canvas_load_file (canvas, fa, 1, 0, 0);
  bw_canvas_load_file (canvas, fb, 2, 0, 0);
  wait_for_state (canvas, BW_CANVAS_STATE_READY);

  deadline = g_get_monotonic_time () + G_USEC_PER_SEC;
  while (g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);

  bw_canvas_get_image_size (canvas, &w, &h);
  g_assert_cmpint (w, ==, 30);
  g_assert_cmpint (h, ==, 20);
  g_assert_cmpint (bw_canvas_get_image_id (canvas), ==, 2);

  g_assert_finalize_object (canvas);
}

/* A PNG of one flat colour. */
static char *
write_flat (const char *name,
            int         width,
            int         height,
            const Rgb  *colour)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (tmpdir, name, NULL);

  gdk_pixbuf_fill (pixbuf, ((guint32) colour->r << 24) | ((guint32) colour->g << 16) |
                           ((guint32) colour->b << 8) | 0xff);
  gdk_pixbuf_save (pixbuf, path, "png", &error, NULL);
  g_assert_no_error (error);

  return path;
}

#define N_SWITCH_FILES 5
#define N_SWITCHES     50

static const Rgb switch_colours[N_SWITCH_FILES] = {
  { 200, 30, 30 }, { 30, 200, 30 }, { 30, 30, 200 }, { 200, 200, 30 }, { 30, 200, 200 },
};

typedef struct
{
  guint n_files;
  guint shown;
  guint stale;
} SwitchWatch;

/* Whenever an image comes on screen, it must be the one asked for last:
 * image n is file (n - 1) % n_files, in its colour. */
static void
switch_image_loaded_cb (BwCanvas    *canvas,
                        SwitchWatch *watch)
{
  gint64 id = bw_canvas_get_image_id (canvas);
  const Rgb *expected = &switch_colours[(id - 1) % watch->n_files];
  cairo_surface_t *surface = render (canvas, 40, 30);
  Rgb seen = pixel_at (surface, 20, 15);

  cairo_surface_destroy (surface);
  watch->shown++;
  if (ABS (seen.r - expected->r) > 2 || ABS (seen.g - expected->g) > 2 ||
      ABS (seen.b - expected->b) > 2)
    watch->stale++;
}

/* Page Down held: images asked for one after another, faster than any of
 * them decodes. One full decode at a time, only the last image's is
 * finished for the screen, and no image but the last asked for is ever
 * shown. */
static void
test_quick_switches (void)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);
  BwCanvas *canvas = canvas_new ();
  BwImageLoader *loader = bw_canvas_get_loader (canvas);
  BwImageLoaderStats before, after;
  SwitchWatch watch = { N_SWITCH_FILES, 0, 0 };
  cairo_surface_t *surface;

  /* Large enough that a decode takes far longer than the switches. */
  for (guint i = 0; i < N_SWITCH_FILES; i++)
    {
      g_autofree char *name = g_strdup_printf ("switch-%u.png", i);
      g_autofree char *path = write_flat (name, 3000, 2000, &switch_colours[i]);

      g_ptr_array_add (files, g_file_new_for_path (path));
    }

  bw_canvas_set_viewport_size (canvas, 40, 30);
  g_signal_connect (canvas, "image-loaded", G_CALLBACK (switch_image_loaded_cb), &watch);

  /* A burst the main loop does not see into: nothing comes back between
   * the requests. */
  bw_image_loader_get_stats (loader, &before);
  for (guint n = 1; n <= N_SWITCHES; n++)
    bw_canvas_load_file (canvas, files->pdata[(n - 1) % N_SWITCH_FILES], n, 3000, 2000);
  wait_for_state (canvas, BW_CANVAS_STATE_READY);
  bw_image_loader_get_stats (loader, &after);

  g_test_message ("burst: %u full decodes started, %u finished, %u dropped",
                  after.full_decodes_started - before.full_decodes_started,
                  after.full_decodes_finished - before.full_decodes_finished,
                  after.results_dropped - before.results_dropped);
  /* The first request's decode may have begun before the others came;
   * the decoder cannot be stopped, so it runs out and is dropped. Then
   * the last image's, and nothing for the 48 in between. */
  g_assert_cmpuint (after.full_decodes_started - before.full_decodes_started, <=, 2);
  g_assert_cmpuint (after.full_decodes_finished - before.full_decodes_finished, ==, 1);
  g_assert_cmpuint (after.max_in_flight, ==, 1);
  g_assert_cmpuint (watch.shown, ==, 1);
  g_assert_cmpuint (watch.stale, ==, 0);
  g_assert_cmpint (bw_canvas_get_image_id (canvas), ==, N_SWITCHES);

  /* Held keys repeat: requests with the main loop running between them,
   * so decodes end while newer requests wait. Whatever ends, nothing
   * shown is ever stale, and still only one decode runs at a time. The
   * files but the last, which the cache holds now. */
  watch.shown = 0;
  watch.n_files = N_SWITCH_FILES - 1;
  bw_image_loader_set_cache_budget (loader, 0);
  for (guint n = N_SWITCHES + 1; n <= 2 * N_SWITCHES; n++)
    {
      gint64 until = g_get_monotonic_time () + 100000;

      bw_canvas_load_file (canvas, files->pdata[(n - 1) % watch.n_files], n, 3000, 2000);
      while (g_get_monotonic_time () < until)
        g_main_context_iteration (NULL, FALSE);
    }
  wait_for_state (canvas, BW_CANVAS_STATE_READY);
  bw_image_loader_get_stats (loader, &after);

  g_test_message ("paced: %u images shown, %u decodes started in all, %u dropped in all",
                  watch.shown, after.full_decodes_started, after.results_dropped);
  g_assert_cmpuint (watch.stale, ==, 0);
  g_assert_cmpuint (watch.shown, >=, 1);
  g_assert_cmpuint (after.max_in_flight, ==, 1);
  g_assert_cmpint (bw_canvas_get_image_id (canvas), ==, 2 * N_SWITCHES);
  surface = render (canvas, 40, 30);
  assert_pixel (surface, 20, 15, switch_colours[(2 * N_SWITCHES - 1) % watch.n_files]);
  cairo_surface_destroy (surface);

  /* The budget bounds what the cache keeps: only the image on screen. */
  g_assert_cmpuint (bw_image_loader_get_cache_memory (loader), <=,
                    3000 * 2000 * 4 * 4 / 3 + 4096);

  g_signal_handlers_disconnect_by_data (canvas, &watch);
  g_assert_finalize_object (canvas);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

  gtk_test_init (&argc, &argv, NULL);

  tmpdir = g_dir_make_tmp ("test-canvas-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/ui/canvas/load-and-fit", test_load_and_fit);
  g_test_add_func ("/ui/canvas/zoom-at-point", test_zoom_at_point);
  g_test_add_func ("/ui/canvas/pan", test_pan);
  g_test_add_func ("/ui/canvas/resize-keeps-view", test_resize_keeps_view);
  g_test_add_func ("/ui/canvas/crisp-zoom", test_crisp_zoom);
  g_test_add_func ("/ui/canvas/pyramid", test_pyramid);
  g_test_add_func ("/ui/canvas/overlay", test_overlay);
  g_test_add_func ("/ui/canvas/error/missing", test_error_missing);
  g_test_add_func ("/ui/canvas/error/truncated", test_error_truncated);
  g_test_add_func ("/ui/canvas/error/replaced", test_error_replaced);
  g_test_add_func ("/ui/canvas/error/tools-off", test_error_tools_off);
  g_test_add_func ("/ui/canvas/async-preview", test_async_preview);
  g_test_add_func ("/ui/canvas/preload", test_preload);
  g_test_add_func ("/ui/canvas/load-superseded", test_load_superseded);
  g_test_add_func ("/ui/canvas/quick-switches", test_quick_switches);

  ret = g_test_run ();

  {
    g_autoptr(GFile) dir = g_file_new_for_path (tmpdir);
    g_autoptr(GFileEnumerator) e = g_file_enumerate_children (dir, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                                              0, NULL, NULL);
    GFileInfo *info;

    while (e && (info = g_file_enumerator_next_file (e, NULL, NULL)))
      {
        g_autofree char *p = g_build_filename (tmpdir, g_file_info_get_name (info), NULL);
        g_unlink (p);
        g_object_unref (info);
      }
    g_rmdir (tmpdir);
  }
  g_free (tmpdir);

  return ret;
}
