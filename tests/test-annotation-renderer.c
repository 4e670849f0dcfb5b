/* test-annotation-renderer.c — what the renderer puts on screen
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * With few shapes in view the renderer draws with Cairo; with many it
 * scan-converts them itself. Both must put the same things in the same
 * places: outlines in the category colour, a faint fill inside, nothing
 * outside, nothing for hidden categories or excluded shapes.
 */

#include "config.h"

#include "bw-annotation-renderer.h"

#define WIDTH  400
#define HEIGHT 300

typedef struct
{
  cairo_surface_t *surface;
  guint32         *pixels;
  int              stride;
} Frame;

static void
frame_draw (Frame                *frame,
            BwAnnotationRenderer *renderer,
            BwAnnotationSet      *set,
            const BwRenderView   *view)
{
  cairo_t *cr;

  g_clear_pointer (&frame->surface, cairo_surface_destroy);
  frame->surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, WIDTH, HEIGHT);
  cr = cairo_create (frame->surface);
  bw_annotation_renderer_draw_set (renderer, cr, WIDTH, HEIGHT, view, set);
  cairo_destroy (cr);
  cairo_surface_flush (frame->surface);
  frame->pixels = (guint32 *) (gpointer) cairo_image_surface_get_data (frame->surface);
  frame->stride = cairo_image_surface_get_stride (frame->surface) / 4;
}

static guint32
frame_at (Frame *frame,
          int    x,
          int    y)
{
  return frame->pixels[y * frame->stride + x];
}

static GPtrArray *
make_categories (void)
{
  GPtrArray *categories = g_ptr_array_new_with_free_func ((GDestroyNotify) bw_category_free);
  const char *colors[] = { "#ff0000", "#0000ff", "#00ff00" };

  for (guint i = 0; i < G_N_ELEMENTS (colors); i++)
    {
      BwCategory *c = g_new0 (BwCategory, 1);

      c->id = i + 1;
      c->name = g_strdup_printf ("c%u", i + 1);
      c->color = g_strdup (colors[i]);
      g_ptr_array_add (categories, c);
    }

  return categories;
}

static void
add (BwAnnotationSet *set,
     gint64           id,
     gint64           category_id,
     BwShape         *shape)
{
  BwAnnotation *a = g_new0 (BwAnnotation, 1);

  a->id = id;
  a->category_id = category_id;
  a->shape = shape;
  bw_annotation_set_take (set, a);
}

/* A red box (20, 20)–(100, 80) and a blue triangle, plus @n_filler tiny
 * green boxes in the bottom strip to push the count over the threshold
 * for the hand-made raster. */
static BwAnnotationSet *
make_scene (guint n_filler)
{
  BwAnnotationSet *set = bw_annotation_set_new (WIDTH, HEIGHT);
  const BwPoint triangle[] = { { 200, 20 }, { 300, 20 }, { 250, 120 } };
  gint64 id = 1;

  add (set, id++, 1, bw_shape_new_box (20, 20, 100, 80));
  add (set, id++, 2, bw_shape_new_polygon (triangle, 3));
  for (guint i = 0; i < n_filler; i++)
    {
      double x = (i % 100) * 4;
      double y = 260 + (i / 100) * 4;

      add (set, id++, 3, bw_shape_new_box (x, y, x + 2, y + 2));
    }

  return set;
}

static void
check_scene (gconstpointer data)
{
  guint n_filler = GPOINTER_TO_UINT (data);
  g_autoptr(BwAnnotationRenderer) renderer = bw_annotation_renderer_new ();
  g_autoptr(GPtrArray) categories = make_categories ();
  g_autoptr(BwAnnotationSet) set = make_scene (n_filler);
  BwRenderView view = { 1.0, 0, 0 };
  Frame frame = { 0 };
  gint64 excluded = 1;
  guint32 p;
  guint draws;

  bw_annotation_renderer_set_categories (renderer, categories);
  frame_draw (&frame, renderer, set, &view);

  /* Red outline on the box's left edge (premultiplied ARGB). */
  p = frame_at (&frame, 20, 50);
  g_assert_cmpuint (p >> 24, >, 0xb0);
  g_assert_cmpuint ((p >> 16) & 0xff, >, 0xb0);
  g_assert_cmpuint (p & 0xff, <, 0x30);
  /* A faint red fill inside. */
  p = frame_at (&frame, 60, 50);
  g_assert_cmpuint (p >> 24, >, 0x20);
  g_assert_cmpuint (p >> 24, <, 0x80);
  g_assert_cmpuint ((p >> 16) & 0xff, >, 0x20);
  g_assert_cmpuint (p & 0xff, ==, 0);
  /* Nothing outside. */
  g_assert_cmpuint (frame_at (&frame, 150, 150), ==, 0);
  g_assert_cmpuint (frame_at (&frame, 10, 10), ==, 0);
  /* Blue inside the triangle, not beside its slanted edge. */
  p = frame_at (&frame, 250, 50);
  g_assert_cmpuint (p & 0xff, >, 0x20);
  g_assert_cmpuint ((p >> 16) & 0xff, ==, 0);
  g_assert_cmpuint (frame_at (&frame, 215, 100), ==, 0);

  /* A hidden category is not drawn. */
  bw_annotation_renderer_set_category_hidden (renderer, 2, TRUE);
  frame_draw (&frame, renderer, set, &view);
  g_assert_cmpuint (frame_at (&frame, 250, 50), ==, 0);
  g_assert_cmpuint (frame_at (&frame, 20, 50) >> 24, >, 0xb0);
  bw_annotation_renderer_set_category_hidden (renderer, 2, FALSE);

  /* An excluded shape (being dragged) is left out, and the cached frame
   * made for the drag is reused until something changes. */
  bw_annotation_renderer_set_excluded (renderer, &excluded, 1);
  frame_draw (&frame, renderer, set, &view);
  draws = bw_annotation_renderer_get_n_cache_draws (renderer);
  g_assert_cmpuint (frame_at (&frame, 20, 50), ==, 0);
  g_assert_cmpuint (frame_at (&frame, 250, 50) & 0xff, >, 0x20);
  for (guint i = 0; i < 3; i++)
    {
      /* the next frames of the drag: the same picture, from the cache */
      frame_draw (&frame, renderer, set, &view);
      g_assert_cmpuint (frame_at (&frame, 20, 50), ==, 0);
      g_assert_cmpuint (frame_at (&frame, 250, 50) & 0xff, >, 0x20);
    }
  g_assert_cmpuint (bw_annotation_renderer_get_n_cache_draws (renderer), ==, draws);
  {
    /* a view that moved is drawn anew, and the triangle moves with it */
    BwRenderView moved = view;

    moved.offset_x += 10;
    frame_draw (&frame, renderer, set, &moved);
    g_assert_cmpuint (bw_annotation_renderer_get_n_cache_draws (renderer), ==, draws + 1);
    g_assert_cmpuint (frame_at (&frame, 260, 50) & 0xff, >, 0x20);
    frame_draw (&frame, renderer, set, &view);
    g_assert_cmpuint (bw_annotation_renderer_get_n_cache_draws (renderer), ==, draws + 2);
  }
  bw_annotation_renderer_set_excluded (renderer, NULL, 0);

  /* A large selection is outlined in white by the renderer itself. */
  bw_annotation_renderer_set_selected (renderer, &excluded, 1);
  frame_draw (&frame, renderer, set, &view);
  p = frame_at (&frame, 20, 50);
  g_assert_cmpuint ((p >> 16) & 0xff, >, 0xb0);
  g_assert_cmpuint ((p >> 8) & 0xff, >, 0xb0);
  g_assert_cmpuint (p & 0xff, >, 0xb0);
  bw_annotation_renderer_set_selected (renderer, NULL, 0);

  /* Zoomed in 2× and panned: the box's left edge is at widget x 40 + 5. */
  view = (BwRenderView) { 2.0, 5, -10 };
  frame_draw (&frame, renderer, set, &view);
  g_assert_cmpuint (frame_at (&frame, 45, 100) >> 24, >, 0xb0);
  g_assert_cmpuint (frame_at (&frame, 41, 100), ==, 0);
  g_assert_cmpuint (frame_at (&frame, 120, 100) >> 24, <, 0x80);
  g_assert_cmpuint (frame_at (&frame, 120, 100) >> 24, >, 0x20);

  cairo_surface_destroy (frame.surface);
}

static void
channels (guint32  pixel,
          guint   *red,
          guint   *blue)
{
  *red = (pixel >> 16) & 0xff;
  *blue = pixel & 0xff;
}

/* Overlapping fills of two categories: the shape higher in the drawing
 * order (z, then id) is painted last, so its colour leads where they
 * overlap, whatever the categories' order; with and without the raster. */
static void
check_drawing_order (gconstpointer data)
{
  guint n_filler = GPOINTER_TO_UINT (data);
  g_autoptr(GPtrArray) categories = make_categories ();
  g_autoptr(BwAnnotationRenderer) renderer = bw_annotation_renderer_new ();
  g_autoptr(BwAnnotationSet) set = make_scene (n_filler);
  BwRenderView view = { 1.0, 0, 0 };
  Frame frame = { 0 };
  BwAnnotation *blue;
  guint red_value, blue_value;

  bw_annotation_renderer_set_categories (renderer, categories);

  /* A blue box over the red one, made after it (a higher id). */
  add (set, 1000, 2, bw_shape_new_box (60, 40, 140, 120));
  frame_draw (&frame, renderer, set, &view);
  channels (frame_at (&frame, 80, 60), &red_value, &blue_value);
  g_assert_cmpuint (blue_value, >, red_value);

  /* Sent to the back: the red one leads. */
  blue = bw_annotation_copy (bw_annotation_set_lookup (set, 1000));
  blue->z = -1;
  bw_annotation_set_take (set, blue);
  g_assert_cmpuint (bw_annotation_set_find (set, 1000), ==, 0);
  frame_draw (&frame, renderer, set, &view);
  channels (frame_at (&frame, 80, 60), &red_value, &blue_value);
  g_assert_cmpuint (red_value, >, blue_value);

  /* Outside the overlap, each keeps its colour. */
  channels (frame_at (&frame, 130, 110), &red_value, &blue_value);
  g_assert_cmpuint (blue_value, >, red_value);

  g_clear_pointer (&frame.surface, cairo_surface_destroy);
}

static BwReview *
make_review (gint64    id,
             gint64    annotation_id,
             BwVerdict verdict,
             gint64    reason_id,
             const char *comment)
{
  BwReview *r = g_new0 (BwReview, 1);

  r->id = id;
  r->annotation_id = annotation_id;
  r->verdict = verdict;
  r->reason_id = reason_id;
  r->comment = g_strdup (comment);

  return r;
}

static gboolean
is_clear (guint32 pixel)
{
  return (pixel >> 24) == 0;
}

/* Which of red, green, blue leads in a pixel. */
static char
leading (guint32 pixel)
{
  guint r = (pixel >> 16) & 0xff, g = (pixel >> 8) & 0xff, b = pixel & 0xff;

  if (r > g + 40 && r > b + 40)
    return 'r';
  if (g > r + 40 && g > b + 20)
    return 'g';
  if (b > r + 40 && b > g + 20)
    return 'b';
  return '?';
}

/* Verdicts and pins show where they belong, with and without the raster
 * (the marks are drawn over either), and the active pin shows its text. */
static void
check_review_marks (gconstpointer data)
{
  guint n_filler = GPOINTER_TO_UINT (data);
  g_autoptr(GPtrArray) categories = make_categories ();
  g_autoptr(BwAnnotationRenderer) renderer = bw_annotation_renderer_new ();
  g_autoptr(BwAnnotationSet) set = make_scene (n_filler);
  g_autoptr(GPtrArray) reviews = g_ptr_array_new_with_free_func ((GDestroyNotify) bw_review_free);
  g_autoptr(GPtrArray) reasons = g_ptr_array_new_with_free_func ((GDestroyNotify) bw_rejection_reason_free);
  BwRejectionReason *reason = g_new0 (BwRejectionReason, 1);
  BwRenderView view = { 1.0, 0, 0 };
  BwReview *pin;
  Frame frame = { 0 };

  bw_annotation_renderer_set_categories (renderer, categories);
  /* A third box, (40, 150)–(140, 220), to reject. */
  add (set, 3000, 3, bw_shape_new_box (40, 150, 140, 220));

  /* Unjudged: nothing above the box's corner, nothing under the third. */
  frame_draw (&frame, renderer, set, &view);
  g_assert_true (is_clear (frame_at (&frame, 97, 16)));
  g_assert_true (is_clear (frame_at (&frame, 137, 146)));
  g_assert_true (is_clear (frame_at (&frame, 44, 228)));
  g_assert_true (is_clear (frame_at (&frame, 297, 233)));

  reason->id = 5;
  reason->name = g_strdup ("Box too loose");
  g_ptr_array_add (reasons, reason);
  g_ptr_array_add (reviews, make_review (1, 1, BW_VERDICT_ACCEPT, 0, ""));
  g_ptr_array_add (reviews, make_review (2, 3000, BW_VERDICT_REJECT, 5, "half the car"));
  pin = make_review (3, 0, BW_VERDICT_COMMENT, 5, "missed one");
  pin->has_point = TRUE;
  pin->x = 300;
  pin->y = 250;
  g_ptr_array_add (reviews, pin);
  bw_annotation_renderer_set_reviews (renderer, reviews, reasons);

  frame_draw (&frame, renderer, set, &view);
  /* A green badge on the accepted box's top right corner (100, 20). */
  g_assert_cmpint (leading (frame_at (&frame, 97, 16)), ==, 'g');
  /* A red one on the rejected box's (140, 150), and its reason under it. */
  g_assert_cmpint (leading (frame_at (&frame, 137, 146)), ==, 'r');
  g_assert_false (is_clear (frame_at (&frame, 44, 228)));
  g_assert_cmpint (leading (frame_at (&frame, 42, 223)), ==, 'r');
  /* Its outline is red where it was green. */
  g_assert_cmpint (leading (frame_at (&frame, 43, 150)), ==, 'r');
  /* The pin's head above its point, orange. */
  g_assert_cmpint (leading (frame_at (&frame, 297, 233)), ==, 'r');
  g_assert_cmpuint ((frame_at (&frame, 297, 233) >> 8) & 0xff, >, 40);
  g_assert_cmpint (bw_annotation_renderer_find_pin (renderer, &view, 300, 236), ==, 3);
  g_assert_cmpint (bw_annotation_renderer_find_pin (renderer, &view, 300, 249), ==, 3);
  g_assert_cmpint (bw_annotation_renderer_find_pin (renderer, &view, 50, 50), ==, 0);

  /* The pin's text only while it is active: "Box too loose: missed one"
   * does not fit right of the head in this view, so it is on its left. */
  g_assert_true (is_clear (frame_at (&frame, 250, 232)));
  bw_annotation_renderer_set_active_pin (renderer, 3);
  frame_draw (&frame, renderer, set, &view);
  g_assert_false (is_clear (frame_at (&frame, 250, 232)));
  g_assert_true (is_clear (frame_at (&frame, 330, 232)));

  /* Marks follow the view. */
  view.offset_x = 10;
  view.offset_y = 10;
  frame_draw (&frame, renderer, set, &view);
  g_assert_cmpint (leading (frame_at (&frame, 107, 26)), ==, 'g');
  g_assert_cmpint (bw_annotation_renderer_find_pin (renderer, &view, 310, 246), ==, 3);

  /* None again. */
  bw_annotation_renderer_set_reviews (renderer, NULL, NULL);
  frame_draw (&frame, renderer, set, &view);
  g_assert_true (is_clear (frame_at (&frame, 107, 26)));
  g_assert_cmpint (bw_annotation_renderer_find_pin (renderer, &view, 310, 246), ==, 0);

  g_clear_pointer (&frame.surface, cairo_surface_destroy);
}

/* A long comment pinned near the right edge of the view, and a rejected
 * shape there with a long reason, stay inside the view: drawn into a
 * frame wider than the view the renderer is told of, nothing lands past
 * its edge. */
static void
test_review_texts_stay_in_view (void)
{
  g_autoptr(GPtrArray) categories = make_categories ();
  g_autoptr(BwAnnotationRenderer) renderer = bw_annotation_renderer_new ();
  g_autoptr(BwAnnotationSet) set = bw_annotation_set_new (WIDTH, HEIGHT);
  g_autoptr(GPtrArray) reviews = g_ptr_array_new_with_free_func ((GDestroyNotify) bw_review_free);
  g_autoptr(GPtrArray) reasons = g_ptr_array_new_with_free_func ((GDestroyNotify) bw_rejection_reason_free);
  BwRejectionReason *reason = g_new0 (BwRejectionReason, 1);
  const int view_width = WIDTH - 100;
  BwRenderView view = { 1.0, 0, 0 };
  BwReview *pin;
  cairo_surface_t *surface;
  cairo_t *cr;
  const guint32 *pixels;
  int stride;
  guint right_of_view = 0, left_of_pin = 0;

  bw_annotation_renderer_set_categories (renderer, categories);
  add (set, 3000, 3, bw_shape_new_box (view_width - 60, 150, view_width - 10, 200));
  reason->id = 5;
  reason->name = g_strdup ("Guideline not followed");
  g_ptr_array_add (reasons, reason);
  g_ptr_array_add (reviews, make_review (2, 3000, BW_VERDICT_REJECT, 5,
                                         "the mirror belongs to the car, and so does the roof box on top"));
  pin = make_review (3, 0, BW_VERDICT_COMMENT, 0,
                     "a cyclist behind the bus is missing here, half hidden by the lamp post; "
                     "the guidelines count a person who is at least a third visible");
  pin->has_point = TRUE;
  pin->x = view_width - 20;
  pin->y = 100;
  g_ptr_array_add (reviews, pin);
  bw_annotation_renderer_set_reviews (renderer, reviews, reasons);
  bw_annotation_renderer_set_active_pin (renderer, 3);

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, WIDTH, HEIGHT);
  cr = cairo_create (surface);
  bw_annotation_renderer_draw_set (renderer, cr, view_width, HEIGHT, &view, set);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  pixels = (const guint32 *) (gpointer) cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface) / 4;

  for (int y = 0; y < HEIGHT; y++)
    for (int x = 0; x < WIDTH; x++)
      {
        if (x >= view_width && !is_clear (pixels[y * stride + x]))
          right_of_view++;
        /* The pin's text, to the left of its head now. */
        if (y > 60 && y < 100 && x < view_width - 60 && !is_clear (pixels[y * stride + x]))
          left_of_pin++;
      }
  g_assert_cmpuint (right_of_view, ==, 0);
  g_assert_cmpuint (left_of_pin, >, 100);

  cairo_surface_destroy (surface);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_data_func ("/ui/annotation-renderer/few-shapes", GUINT_TO_POINTER (0), check_scene);
  g_test_add_data_func ("/ui/annotation-renderer/many-shapes", GUINT_TO_POINTER (600), check_scene);
  g_test_add_data_func ("/ui/annotation-renderer/drawing-order/few-shapes", GUINT_TO_POINTER (0),
                        check_drawing_order);
  g_test_add_data_func ("/ui/annotation-renderer/drawing-order/many-shapes", GUINT_TO_POINTER (600),
                        check_drawing_order);

  g_test_add_data_func ("/ui/annotation-renderer/review-marks/few-shapes", GUINT_TO_POINTER (0),
                        check_review_marks);
  g_test_add_func ("/ui/annotation-renderer/review-texts-stay-in-view", test_review_texts_stay_in_view);
  g_test_add_data_func ("/ui/annotation-renderer/review-marks/many-shapes", GUINT_TO_POINTER (600),
                        check_review_marks);

  return g_test_run ();
}
