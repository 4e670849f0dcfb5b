/* bench-canvas.c — drawing and hit testing 11,000 annotations
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The scene of the annotation tools' speed target: a 4000 × 3000 image
 * fitted into 1920 × 1080, 10,000 boxes and 1,000 polygons of 50 vertices
 * placed by a fixed seed. Draws through the same renderer as the canvas,
 * headless, and prints the median of several runs:
 *
 *   full-redraw-ms   the image and every shape, nothing cached
 *   drag-frame-ms    one frame while one polygon vertex is dragged
 *   hit-test-us      one hit test at a random point
 */

#define G_LOG_DOMAIN "bench-canvas"

#include "config.h"

#include <math.h>

#include "bw-annotation-renderer.h"
#include "bw-annotation-set.h"

#define IMAGE_WIDTH   4000
#define IMAGE_HEIGHT  3000
#define VIEW_WIDTH    1920
#define VIEW_HEIGHT   1080
#define N_BOXES       10000
#define N_POLYGONS    1000
#define N_VERTICES    50
#define N_CATEGORIES  12
#define N_RUNS        15
#define N_HITS        2000

static const char *colors[N_CATEGORIES] = {
  "#e01b24", "#2ec27e", "#3584e4", "#f6d32d", "#9141ac", "#ff7800",
  "#1a5fb4", "#26a269", "#c64600", "#813d9c", "#e5a50a", "#63452c",
};

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double da = *(const double *) a, db = *(const double *) b;

  return (da > db) - (da < db);
}

static double
median (double *values,
        guint   n)
{
  qsort (values, n, sizeof (double), compare_double);
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

static BwAnnotationSet *
make_scene (GRand     *rand,
            GPtrArray *categories)
{
  BwAnnotationSet *set = bw_annotation_set_new (IMAGE_WIDTH, IMAGE_HEIGHT);
  gint64 id = 1;

  for (guint i = 0; i < N_CATEGORIES; i++)
    {
      BwCategory *c = g_new0 (BwCategory, 1);

      c->id = i + 1;
      c->name = g_strdup_printf ("category %u", i + 1);
      c->supercategory = g_strdup ("");
      c->color = g_strdup (colors[i]);
      c->guideline = g_strdup ("");
      c->position = i;
      g_ptr_array_add (categories, c);
    }

  for (guint i = 0; i < N_BOXES; i++)
    {
      BwAnnotation *a = g_new0 (BwAnnotation, 1);
      double w = g_rand_double_range (rand, 8, 160);
      double h = g_rand_double_range (rand, 8, 160);
      double x = g_rand_double_range (rand, 0, IMAGE_WIDTH - w);
      double y = g_rand_double_range (rand, 0, IMAGE_HEIGHT - h);

      a->id = id++;
      a->layer_id = 1;
      a->category_id = g_rand_int_range (rand, 1, N_CATEGORIES + 1);
      a->shape = bw_shape_new_box (x, y, x + w, y + h);
      a->score = 1.0;
      bw_annotation_set_take (set, a);
    }

  for (guint i = 0; i < N_POLYGONS; i++)
    {
      BwAnnotation *a = g_new0 (BwAnnotation, 1);
      BwPoint points[N_VERTICES];
      double r = g_rand_double_range (rand, 20, 150);
      double cx = g_rand_double_range (rand, r, IMAGE_WIDTH - r);
      double cy = g_rand_double_range (rand, r, IMAGE_HEIGHT - r);

      for (guint k = 0; k < N_VERTICES; k++)
        {
          double angle = 2 * G_PI * k / N_VERTICES;
          double rr = r * g_rand_double_range (rand, 0.6, 1.0);

          points[k].x = cx + rr * cos (angle);
          points[k].y = cy + rr * sin (angle);
        }

      a->id = id++;
      a->layer_id = 1;
      a->category_id = g_rand_int_range (rand, 1, N_CATEGORIES + 1);
      a->shape = bw_shape_new_polygon (points, N_VERTICES);
      a->score = 1.0;
      bw_annotation_set_take (set, a);
    }

  return set;
}

/* Stands for the canvas's image: the fitted level of a 4000 × 3000 photo,
 * drawn under the shapes in every frame. */
static cairo_surface_t *
make_background (void)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, VIEW_WIDTH, VIEW_HEIGHT);
  cairo_t *cr = cairo_create (surface);
  cairo_pattern_t *gradient = cairo_pattern_create_linear (0, 0, VIEW_WIDTH, VIEW_HEIGHT);

  cairo_pattern_add_color_stop_rgb (gradient, 0, 0.2, 0.3, 0.25);
  cairo_pattern_add_color_stop_rgb (gradient, 1, 0.6, 0.55, 0.4);
  cairo_set_source (cr, gradient);
  cairo_paint (cr);
  cairo_pattern_destroy (gradient);
  cairo_destroy (cr);

  return surface;
}

static void
draw_background (cairo_t         *cr,
                 cairo_surface_t *background)
{
  cairo_set_source_rgb (cr, 0.14, 0.14, 0.14);
  cairo_paint (cr);
  cairo_set_source_surface (cr, background, 0, 0);
  cairo_paint (cr);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261128);
  g_autoptr(GPtrArray) categories = g_ptr_array_new_with_free_func ((GDestroyNotify) bw_category_free);
  g_autoptr(BwAnnotationSet) set = NULL;
  g_autoptr(BwAnnotationRenderer) renderer = bw_annotation_renderer_new ();
  cairo_surface_t *target = cairo_image_surface_create (CAIRO_FORMAT_RGB24, VIEW_WIDTH, VIEW_HEIGHT);
  cairo_surface_t *background = make_background ();
  double scale = MIN ((double) VIEW_WIDTH / IMAGE_WIDTH, (double) VIEW_HEIGHT / IMAGE_HEIGHT);
  BwRenderView view = {
    scale,
    (VIEW_WIDTH - IMAGE_WIDTH * scale) / 2,
    (VIEW_HEIGHT - IMAGE_HEIGHT * scale) / 2,
  };
  double times[N_RUNS];
  const BwAnnotation *dragged;
  g_autoptr(BwShape) moving = NULL;
  cairo_t *cr;
  guint hits = 0;

  set = make_scene (rand, categories);
  bw_annotation_renderer_set_categories (renderer, categories);
  cr = cairo_create (target);

  /* A baseline from the same run, to read the figures on a busy machine:
   * drawing the image alone, which every frame does. */
  for (guint run = 0; run < N_RUNS; run++)
    {
      gint64 start = g_get_monotonic_time ();

      draw_background (cr, background);
      cairo_surface_flush (target);
      times[run] = (g_get_monotonic_time () - start) / 1000.0;
    }
  g_printerr ("(baseline: the image alone takes %.2f ms a frame)\n", median (times, N_RUNS));

  /* Full redraw: a new view each time, so nothing can be reused. */
  for (guint run = 0; run < N_RUNS; run++)
    {
      gint64 start = g_get_monotonic_time ();

      bw_annotation_renderer_invalidate (renderer);
      draw_background (cr, background);
      bw_annotation_renderer_draw_set (renderer, cr, VIEW_WIDTH, VIEW_HEIGHT, &view, set);
      cairo_surface_flush (target);
      times[run] = (g_get_monotonic_time () - start) / 1000.0;
    }
  g_print ("full-redraw-ms: %.2f\n", median (times, N_RUNS));

  /* Drag one vertex of the last polygon: the other shapes come from the
   * cache made by the first frame of the drag, as in the canvas. */
  dragged = bw_annotation_set_get_nth (set, bw_annotation_set_get_size (set) - 1);
  moving = bw_shape_copy (dragged->shape);
  bw_annotation_renderer_set_excluded (renderer, &dragged->id, 1);
  draw_background (cr, background);
  bw_annotation_renderer_draw_set (renderer, cr, VIEW_WIDTH, VIEW_HEIGHT, &view, set);

  for (guint run = 0; run < N_RUNS; run++)
    {
      gint64 start = g_get_monotonic_time ();

      moving->points[0].x += 1.0;
      moving->points[0].y += 0.5;
      bw_shape_update_bbox (moving);
      draw_background (cr, background);
      bw_annotation_renderer_draw_set (renderer, cr, VIEW_WIDTH, VIEW_HEIGHT, &view, set);
      bw_annotation_renderer_draw_shape (renderer, cr, &view, moving, dragged->category_id,
                                         BW_SHAPE_STYLE_SELECTED | BW_SHAPE_STYLE_HANDLES);
      cairo_surface_flush (target);
      times[run] = (g_get_monotonic_time () - start) / 1000.0;
    }
  g_print ("drag-frame-ms: %.2f\n", median (times, N_RUNS));

  /* To look at what was measured. */
  if (g_getenv ("BENCH_CANVAS_PNG") != NULL)
    cairo_surface_write_to_png (target, g_getenv ("BENCH_CANVAS_PNG"));
  bw_annotation_renderer_set_excluded (renderer, NULL, 0);

  /* Hit tests at random points, with the tolerance of the canvas at this
   * zoom (a few screen pixels). */
  for (guint run = 0; run < N_RUNS; run++)
    {
      gint64 start = g_get_monotonic_time ();

      for (guint i = 0; i < N_HITS; i++)
        {
          double x = g_rand_double_range (rand, 0, IMAGE_WIDTH);
          double y = g_rand_double_range (rand, 0, IMAGE_HEIGHT);

          hits += bw_annotation_set_hit_test (set, x, y, 4.0 / scale, NULL) != 0;
        }
      times[run] = (double) (g_get_monotonic_time () - start) / N_HITS;
    }
  g_print ("hit-test-us: %.2f\n", median (times, N_RUNS));
  g_printerr ("(%u of %u random points hit a shape)\n", hits, N_RUNS * N_HITS);

  cairo_destroy (cr);
  cairo_surface_destroy (target);
  cairo_surface_destroy (background);

  return 0;
}
