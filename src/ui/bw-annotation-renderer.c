/* bw-annotation-renderer.c — draws annotations with Cairo
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Drawing is plain Cairo so that it runs the same in the canvas, in tests
 * and in benchmarks, with no window. What keeps 10,000 shapes fluid:
 *  - only the shapes whose bounding box meets the view are visited (the
 *    annotation set's spatial index);
 *  - with few shapes in view, consecutive shapes of one category (in
 *    drawing order: z, then id) are batched, so each run is one
 *    anti-aliased Cairo fill and one stroke of one path;
 *  - with many shapes in view (the zoomed-out case), anti-aliased
 *    rasterisation of thousands of overlapping translucent shapes costs
 *    Cairo ten times the frame budget, most of it blending the same pixels
 *    over and over. There the shapes are instead scan-converted by hand into
 *    a byte per pixel holding the palette entry of the topmost fill or
 *    outline (spans are memset), and the bytes are turned into colours in
 *    one pass over the frame. Overlapping fills then show the top one
 *    rather than darkening, which also reads better;
 *  - the shapes that do not change are kept in an image surface: while one
 *    shape is dragged (it is "excluded"), a frame paints that surface and
 *    draws the one moving shape on top.
 */

#define G_LOG_DOMAIN "bw-annotation-renderer"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <string.h>

#include "bw-annotation-renderer.h"

#define FILL_ALPHA          0.22
#define SELECTED_FILL_ALPHA 0.35
#define LINE_WIDTH          1.5
#define SELECTED_LINE_WIDTH 2.5
#define LABEL_MIN_WIDTH     32.0
#define MAX_LABELS          400
/* Above this many shapes in view, draw them through the byte raster. */
#define RASTER_THRESHOLD    200
/* Palette entries 1..126 are fills, the same | 0x80 their outlines, and
 * 0xff the outline of a selected shape. */
#define PALETTE_SIZE        127
#define SELECTED_OUTLINE    0xff

typedef struct
{
  double  rgb[3];
  char   *name;
  guint   order;
} CategoryStyle;

typedef struct
{
  gint64     category_id;
  guint      order;
  GPtrArray *items;     /* BwAnnotation* (transfer none) */
} Bucket;

typedef struct
{
  int    x0, y0, x1, y1;
  guint8 outline;
} RasterBox;

typedef struct
{
  guint  start;         /* into Raster.outline_points */
  guint  size;
  guint8 outline;
} RasterRing;

typedef struct
{
  int    y0;            /* first row whose centre the edge crosses */
  int    y1;            /* one past the last */
  double x;             /* crossing at the centre of the current row */
  double dxdy;
} RasterEdge;

typedef struct
{
  guint8 *pixels;       /* one palette index per device pixel */
  int     width;
  int     height;
  GArray *points;       /* BwPoint, device coordinates of the rings */
  GArray *crossings;    /* double scratch */
  GArray *edges;        /* RasterEdge scratch */
  GArray *boxes;        /* RasterBox */
  GArray *rings;        /* RasterRing */
} Raster;

struct _BwAnnotationRenderer
{
  GHashTable      *categories;  /* gint64* → CategoryStyle* */
  GHashTable      *hidden;      /* gint64* set */
  GHashTable      *excluded;    /* gint64* set */
  GHashTable      *selected;    /* gint64* set */
  gboolean         show_labels;
  double           scale_factor; /* device pixels per widget pixel, 0: the target's */
  guint            version;

  /* Reused between frames to avoid allocating per frame. */
  GPtrArray       *visible;
  GArray          *buckets;     /* Bucket */
  GHashTable      *bucket_of;   /* gint64 category id → its palette entry (raster) */
  Raster           raster;

  /* The cached drawing of the shapes that are not excluded. */
  cairo_surface_t *cache;
  const BwAnnotationSet *cache_set;
  guint64          cache_stamp;
  guint            cache_version;
  BwRenderView     cache_view;
  int              cache_width;
  int              cache_height;
  guint            n_cache_draws;

  /* Review marks: not cached, drawn over the shapes every frame. */
  GPtrArray       *reviews;     /* BwReview: verdicts on shapes */
  GPtrArray       *pins;        /* BwReview: pinned comments */
  GHashTable      *reasons;     /* gint64* → char* reason name */
  gint64           active_pin;
  GPtrArray       *questions;   /* BwQuestion: the asker's questions */
};

static void
category_style_free (gpointer data)
{
  CategoryStyle *style = data;

  g_free (style->name);
  g_free (style);
}

static gint64 *
dup_id (gint64 id)
{
  return g_memdup2 (&id, sizeof id);
}

BwAnnotationRenderer *
bw_annotation_renderer_new (void)
{
  BwAnnotationRenderer *self = g_new0 (BwAnnotationRenderer, 1);

  self->categories = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, category_style_free);
  self->hidden = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->excluded = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->selected = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->visible = g_ptr_array_new ();
  self->buckets = g_array_new (FALSE, TRUE, sizeof (Bucket));
  self->bucket_of = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->show_labels = FALSE;
  self->raster.points = g_array_new (FALSE, FALSE, sizeof (BwPoint));
  self->raster.crossings = g_array_new (FALSE, FALSE, sizeof (double));
  self->raster.edges = g_array_new (FALSE, FALSE, sizeof (RasterEdge));
  self->raster.boxes = g_array_new (FALSE, FALSE, sizeof (RasterBox));
  self->raster.rings = g_array_new (FALSE, FALSE, sizeof (RasterRing));
  self->reviews = g_ptr_array_new_with_free_func ((GDestroyNotify) bw_review_free);
  self->pins = g_ptr_array_new_with_free_func ((GDestroyNotify) bw_review_free);
  self->reasons = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  self->questions = g_ptr_array_new_with_free_func ((GDestroyNotify) bw_question_free);

  return self;
}

void
bw_annotation_renderer_free (BwAnnotationRenderer *self)
{
  if (self == NULL)
    return;

  for (guint i = 0; i < self->buckets->len; i++)
    g_ptr_array_unref (g_array_index (self->buckets, Bucket, i).items);
  g_array_unref (self->buckets);
  g_hash_table_unref (self->bucket_of);
  g_ptr_array_unref (self->visible);
  g_hash_table_unref (self->categories);
  g_hash_table_unref (self->hidden);
  g_hash_table_unref (self->excluded);
  g_hash_table_unref (self->selected);
  g_clear_pointer (&self->cache, cairo_surface_destroy);
  g_free (self->raster.pixels);
  g_array_unref (self->raster.points);
  g_array_unref (self->raster.crossings);
  g_array_unref (self->raster.edges);
  g_array_unref (self->raster.boxes);
  g_array_unref (self->raster.rings);
  g_ptr_array_unref (self->reviews);
  g_ptr_array_unref (self->pins);
  g_hash_table_unref (self->reasons);
  g_ptr_array_unref (self->questions);
  g_free (self);
}

/**
 * bw_annotation_renderer_set_scale_factor:
 * @scale_factor: device pixels per widget pixel, or 0 to take it from the
 *   target surface
 *
 * GTK hands overlays a recording surface that does not know the
 * monitor's scale; the canvas tells it here, so the cached layer is made
 * at full resolution on HiDPI screens.
 */
void
bw_annotation_renderer_set_scale_factor (BwAnnotationRenderer *self,
                                         double                scale_factor)
{
  g_return_if_fail (self != NULL);

  if (self->scale_factor == scale_factor)
    return;

  self->scale_factor = scale_factor;
  g_clear_pointer (&self->cache, cairo_surface_destroy);
  self->version++;
}

void
bw_annotation_renderer_invalidate (BwAnnotationRenderer *self)
{
  g_return_if_fail (self != NULL);

  self->version++;
}

static gboolean
parse_color (const char *str,
             double     *rgb)
{
  if (str == NULL || str[0] != '#' || strlen (str) != 7)
    return FALSE;

  for (guint i = 0; i < 3; i++)
    {
      int hi = g_ascii_xdigit_value (str[1 + 2 * i]);
      int lo = g_ascii_xdigit_value (str[2 + 2 * i]);

      if (hi < 0 || lo < 0)
        return FALSE;
      rgb[i] = (hi * 16 + lo) / 255.0;
    }

  return TRUE;
}

/**
 * bw_annotation_renderer_set_categories:
 * @categories: (element-type BwCategory): the taxonomy, in its order
 */
void
bw_annotation_renderer_set_categories (BwAnnotationRenderer *self,
                                       GPtrArray            *categories)
{
  g_return_if_fail (self != NULL);

  g_hash_table_remove_all (self->categories);

  for (guint i = 0; categories != NULL && i < categories->len; i++)
    {
      const BwCategory *category = g_ptr_array_index (categories, i);
      CategoryStyle *style = g_new0 (CategoryStyle, 1);

      if (!parse_color (category->color, style->rgb))
        style->rgb[0] = style->rgb[1] = style->rgb[2] = 0.6;
      style->name = g_strdup (category->name);
      style->order = i;
      g_hash_table_insert (self->categories, dup_id (category->id), style);
    }

  self->version++;
}

void
bw_annotation_renderer_get_category_rgb (BwAnnotationRenderer *self,
                                         gint64                category_id,
                                         double               *rgb)
{
  CategoryStyle *style = g_hash_table_lookup (self->categories, &category_id);

  if (style != NULL)
    {
      rgb[0] = style->rgb[0];
      rgb[1] = style->rgb[1];
      rgb[2] = style->rgb[2];
    }
  else
    {
      rgb[0] = rgb[1] = rgb[2] = 0.6;
    }
}

void
bw_annotation_renderer_set_category_hidden (BwAnnotationRenderer *self,
                                            gint64                category_id,
                                            gboolean              hidden)
{
  g_return_if_fail (self != NULL);

  if (hidden == g_hash_table_contains (self->hidden, &category_id))
    return;

  if (hidden)
    g_hash_table_add (self->hidden, dup_id (category_id));
  else
    g_hash_table_remove (self->hidden, &category_id);

  self->version++;
}

gboolean
bw_annotation_renderer_get_category_hidden (BwAnnotationRenderer *self,
                                            gint64                category_id)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return g_hash_table_contains (self->hidden, &category_id);
}

/* Returns: (transfer none): the set of hidden category ids (gint64*) */
GHashTable *
bw_annotation_renderer_get_hidden_categories (BwAnnotationRenderer *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->hidden;
}

void
bw_annotation_renderer_set_show_labels (BwAnnotationRenderer *self,
                                        gboolean              show_labels)
{
  g_return_if_fail (self != NULL);

  if (self->show_labels == !!show_labels)
    return;

  self->show_labels = !!show_labels;
  self->version++;
}

gboolean
bw_annotation_renderer_get_show_labels (BwAnnotationRenderer *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->show_labels;
}

/**
 * bw_annotation_renderer_set_excluded:
 *
 * The annotations with these ids are left out of bw_annotation_renderer_draw_set()
 * because the caller draws them itself (they are being dragged). The other
 * shapes are then drawn once into a cache and reused for every frame.
 */
static gboolean
replace_id_set (GHashTable   *set,
                const gint64 *ids,
                guint         n_ids)
{
  gboolean same = n_ids == g_hash_table_size (set);

  for (guint i = 0; same && i < n_ids; i++)
    same = g_hash_table_contains (set, &ids[i]);
  if (same)
    return FALSE;

  g_hash_table_remove_all (set);
  for (guint i = 0; i < n_ids; i++)
    g_hash_table_add (set, dup_id (ids[i]));

  return TRUE;
}

void
bw_annotation_renderer_set_excluded (BwAnnotationRenderer *self,
                                     const gint64         *ids,
                                     guint                 n_ids)
{
  g_return_if_fail (self != NULL);

  if (replace_id_set (self->excluded, ids, n_ids))
    self->version++;
}

/**
 * bw_annotation_renderer_set_selected:
 *
 * Draws these annotations with a white outline, in the same pass as the
 * others: for large selections (Ctrl+A on 10,000 shapes), where
 * highlighting each one on its own would cost a frame many times over.
 */
void
bw_annotation_renderer_set_selected (BwAnnotationRenderer *self,
                                     const gint64         *ids,
                                     guint                 n_ids)
{
  g_return_if_fail (self != NULL);

  if (replace_id_set (self->selected, ids, n_ids))
    self->version++;
}

static inline double
to_wx (const BwRenderView *view,
       double              x)
{
  return x * view->scale + view->offset_x;
}

static inline double
to_wy (const BwRenderView *view,
       double              y)
{
  return y * view->scale + view->offset_y;
}

static void
append_shape_path (cairo_t            *cr,
                   const BwRenderView *view,
                   const BwShape      *shape)
{
  if (shape->kind == BW_SHAPE_BOX)
    {
      double x0 = to_wx (view, shape->bbox.x0);
      double y0 = to_wy (view, shape->bbox.y0);
      double x1 = to_wx (view, shape->bbox.x1);
      double y1 = to_wy (view, shape->bbox.y1);

      cairo_rectangle (cr, x0, y0, x1 - x0, y1 - y0);
      return;
    }

  for (guint p = 0; p < shape->n_parts; p++)
    {
      guint start = bw_shape_part_start (shape, p);
      guint size = bw_shape_part_size (shape, p);
      double lx, ly;

      if (size == 0)
        continue;

      lx = to_wx (view, shape->points[start].x);
      ly = to_wy (view, shape->points[start].y);
      cairo_move_to (cr, lx, ly);

      for (guint i = 1; i < size; i++)
        {
          double x = to_wx (view, shape->points[start + i].x);
          double y = to_wy (view, shape->points[start + i].y);

          /* Points less than a pixel apart on screen add nothing visible. */
          if (fabs (x - lx) < 0.75 && fabs (y - ly) < 0.75 && i + 1 < size)
            continue;
          cairo_line_to (cr, x, y);
          lx = x;
          ly = y;
        }
      cairo_close_path (cr);
    }
}

/* The next run of shapes of one category, in drawing order. */
static Bucket *
get_bucket (BwAnnotationRenderer *self,
            gint64                category_id,
            guint                *n_used)
{
  CategoryStyle *style;
  Bucket *bucket;

  if (*n_used > 0)
    {
      bucket = &g_array_index (self->buckets, Bucket, *n_used - 1);
      if (bucket->category_id == category_id)
        return bucket;
    }

  /* Buckets and their arrays are kept from frame to frame, emptied. */
  if (*n_used == self->buckets->len)
    {
      Bucket fresh = { 0, 0, g_ptr_array_new () };

      g_array_append_val (self->buckets, fresh);
    }

  style = g_hash_table_lookup (self->categories, &category_id);
  bucket = &g_array_index (self->buckets, Bucket, *n_used);
  bucket->category_id = category_id;
  bucket->order = style != NULL ? style->order : G_MAXUINT;
  g_ptr_array_set_size (bucket->items, 0);
  (*n_used)++;

  return bucket;
}

static void
draw_labels (BwAnnotationRenderer *self,
             cairo_t              *cr,
             const BwRenderView   *view)
{
  g_autoptr(PangoLayout) layout = pango_cairo_create_layout (cr);
  g_autoptr(PangoFontDescription) font = pango_font_description_from_string ("Sans 9");
  guint n_labels = 0;

  pango_layout_set_font_description (layout, font);

  for (guint i = 0; i < self->visible->len && n_labels < MAX_LABELS; i++)
    {
      const BwAnnotation *a = g_ptr_array_index (self->visible, i);
      const BwRect *b = &a->shape->bbox;
      CategoryStyle *style;
      int tw, th;

      if ((b->x1 - b->x0) * view->scale < LABEL_MIN_WIDTH ||
          g_hash_table_contains (self->hidden, &a->category_id) ||
          g_hash_table_contains (self->excluded, &a->id))
        continue;

      style = g_hash_table_lookup (self->categories, &a->category_id);
      pango_layout_set_text (layout, style != NULL ? style->name : _("Unknown category"), -1);
      pango_layout_get_pixel_size (layout, &tw, &th);

      cairo_rectangle (cr, to_wx (view, b->x0), to_wy (view, b->y0) - th - 2, tw + 6, th + 2);
      if (style != NULL)
        cairo_set_source_rgba (cr, style->rgb[0], style->rgb[1], style->rgb[2], 0.85);
      else
        cairo_set_source_rgba (cr, 0.6, 0.6, 0.6, 0.85);
      cairo_fill (cr);

      cairo_move_to (cr, to_wx (view, b->x0) + 3, to_wy (view, b->y0) - th - 1);
      cairo_set_source_rgb (cr, 0, 0, 0);
      pango_cairo_show_layout (cr, layout);
      n_labels++;
    }
}

/* Gathers the visible, shown, not excluded annotations into buckets: runs
 * of shapes of one category, in drawing order (by z, then by id), so each
 * run is one path and "bring to front" shows. Returns how many shapes. */
static guint
collect_buckets (BwAnnotationRenderer *self,
                 int                   width,
                 int                   height,
                 const BwRenderView   *view,
                 BwAnnotationSet      *set)
{
  double margin = (LINE_WIDTH + 1.0) / view->scale;
  BwRect visible = {
    (0 - view->offset_x) / view->scale - margin,
    (0 - view->offset_y) / view->scale - margin,
    (width - view->offset_x) / view->scale + margin,
    (height - view->offset_y) / view->scale + margin,
  };
  gboolean any_excluded = g_hash_table_size (self->excluded) > 0;
  gboolean any_hidden = g_hash_table_size (self->hidden) > 0;
  guint n_buckets = 0;
  guint n_shapes = 0;

  for (guint b = 0; b < self->buckets->len; b++)
    g_ptr_array_set_size (g_array_index (self->buckets, Bucket, b).items, 0);

  g_ptr_array_set_size (self->visible, 0);
  bw_annotation_set_query_rect (set, &visible, self->visible);

  /* Shapes the user hid one by one (the object list) are not drawn,
   * labels included. */
  if (bw_annotation_set_get_n_hidden (set) > 0)
    {
      guint kept = 0;

      for (guint i = 0; i < self->visible->len; i++)
        if (!bw_annotation_set_get_hidden (set, ((const BwAnnotation *) self->visible->pdata[i])->id))
          self->visible->pdata[kept++] = self->visible->pdata[i];
      g_ptr_array_set_size (self->visible, kept);
    }

  for (guint i = 0; i < self->visible->len; i++)
    {
      const BwAnnotation *a = g_ptr_array_index (self->visible, i);

      if (any_excluded && g_hash_table_contains (self->excluded, &a->id))
        continue;
      if (any_hidden && g_hash_table_contains (self->hidden, &a->category_id))
        continue;
      g_ptr_array_add (get_bucket (self, a->category_id, &n_buckets)->items, (gpointer) a);
      n_shapes++;
    }

  /* Buckets past the runs of this frame are empty. */
  for (guint b = n_buckets; b < self->buckets->len; b++)
    g_ptr_array_set_size (g_array_index (self->buckets, Bucket, b).items, 0);

  return n_shapes;
}

static void
render_with_cairo (BwAnnotationRenderer *self,
                   cairo_t              *cr,
                   const BwRenderView   *view)
{
  cairo_save (cr);
  cairo_set_fill_rule (cr, CAIRO_FILL_RULE_WINDING);
  cairo_set_line_width (cr, LINE_WIDTH);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_MITER);

  for (guint b = 0; b < self->buckets->len; b++)
    {
      Bucket *bucket = &g_array_index (self->buckets, Bucket, b);
      double rgb[3];

      if (bucket->items->len == 0)
        continue;

      bw_annotation_renderer_get_category_rgb (self, bucket->category_id, rgb);

      cairo_new_path (cr);
      for (guint i = 0; i < bucket->items->len; i++)
        append_shape_path (cr, view, ((const BwAnnotation *) g_ptr_array_index (bucket->items, i))->shape);

      cairo_set_source_rgba (cr, rgb[0], rgb[1], rgb[2], FILL_ALPHA);
      cairo_fill_preserve (cr);
      cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
      cairo_stroke (cr);
    }

  if (g_hash_table_size (self->selected) > 0)
    {
      cairo_new_path (cr);
      for (guint b = 0; b < self->buckets->len; b++)
        {
          Bucket *bucket = &g_array_index (self->buckets, Bucket, b);

          for (guint i = 0; i < bucket->items->len; i++)
            {
              const BwAnnotation *a = g_ptr_array_index (bucket->items, i);

              if (g_hash_table_contains (self->selected, &a->id))
                append_shape_path (cr, view, a->shape);
            }
        }
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_stroke (cr);
    }

  cairo_restore (cr);
}

/* The byte raster. A pixel is covered when its centre is inside the shape,
 * as in any scan converter without anti-aliasing. */

static inline int
pixel_edge (double x,
            int    limit)
{
  /* First pixel whose centre is at or right of x, clamped before the
   * conversion so that far off-screen values cannot overflow. This is
   * ceil() without the libm call, which showed in profiles. */
  double v = CLAMP (x, -2.0, limit + 2.0) - 0.5;
  int i = (int) v;

  return i + (v > i);
}

static inline void
raster_span (Raster *r,
             int     y,
             int     x0,
             int     x1,
             guint8  value)
{
  if (y < 0 || y >= r->height)
    return;
  x0 = MAX (x0, 0);
  x1 = MIN (x1, r->width);
  if (x1 > x0)
    memset (r->pixels + (gsize) y * r->width + x0, value, x1 - x0);
}

/* A scanline fill with an active edge list: each edge is visited only on
 * the rows it crosses. */
static void
raster_polygon_fill (Raster        *r,
                     const BwPoint *points,
                     guint          n_points,
                     guint8         value)
{
  RasterEdge *edges;
  double *xs;
  guint n_edges = 0, next = 0, n_active = 0;

  g_array_set_size (r->edges, n_points);
  g_array_set_size (r->crossings, n_points);
  edges = (RasterEdge *) (gpointer) r->edges->data;
  xs = (double *) (gpointer) r->crossings->data;

  for (guint i = 0, j = n_points - 1; i < n_points; j = i++)
    {
      const BwPoint *a = &points[j], *b = &points[i];
      RasterEdge *e = &edges[n_edges];

      if (a->y == b->y)
        continue;
      if (a->y > b->y)
        {
          const BwPoint *t = a;
          a = b;
          b = t;
        }

      e->y0 = MAX (pixel_edge (a->y, r->height), 0);
      e->y1 = MIN (pixel_edge (b->y, r->height), r->height);
      if (e->y0 >= e->y1)
        continue;
      e->dxdy = (b->x - a->x) / (b->y - a->y);
      e->x = a->x + (e->y0 + 0.5 - a->y) * e->dxdy;
      n_edges++;
    }

  if (n_edges < 2)
    return;

  /* Insertion sort by first row: a few dozen edges, inline, beats qsort()
   * and its calls through a pointer, which showed in profiles. */
  for (guint i = 1; i < n_edges; i++)
    {
      RasterEdge e = edges[i];
      guint k = i;

      while (k > 0 && edges[k - 1].y0 > e.y0)
        {
          edges[k] = edges[k - 1];
          k--;
        }
      edges[k] = e;
    }

  /* edges[0..n_active) are active; edges[next..n_edges) wait their row. */
  for (int y = edges[0].y0; y < r->height && (n_active > 0 || next < n_edges); y++)
    {
      guint n = 0;

      while (next < n_edges && edges[next].y0 <= y)
        edges[n_active++] = edges[next++];

      for (guint k = 0; k < n_active;)
        {
          if (edges[k].y1 <= y)
            {
              edges[k] = edges[--n_active];
              continue;
            }
          k++;
        }

      for (guint k = 0; k < n_active; k++)
        {
          double x = edges[k].x;
          guint m = n++;

          /* Insertion sort: a row crosses a handful of edges. */
          while (m > 0 && xs[m - 1] > x)
            {
              xs[m] = xs[m - 1];
              m--;
            }
          xs[m] = x;
          edges[k].x += edges[k].dxdy;
        }

      /* Even-odd, like bw_geometry_point_in_polygon(). */
      for (guint k = 0; k + 1 < n; k += 2)
        raster_span (r, y, pixel_edge (xs[k], r->width), pixel_edge (xs[k + 1], r->width), value);
    }
}

/* Liang–Barsky: clips the segment to the raster so a zoomed-in edge
 * thousands of pixels long costs only its visible part. */
static gboolean
clip_segment (const Raster *r,
              double       *x0,
              double       *y0,
              double       *x1,
              double       *y1)
{
  double t0 = 0.0, t1 = 1.0;
  double dx = *x1 - *x0, dy = *y1 - *y0;
  double p[4] = { -dx, dx, -dy, dy };
  double q[4] = { *x0, r->width - 0.001 - *x0, *y0, r->height - 0.001 - *y0 };

  for (guint i = 0; i < 4; i++)
    {
      if (p[i] == 0.0)
        {
          if (q[i] < 0.0)
            return FALSE;
          continue;
        }
      else
        {
          double t = q[i] / p[i];

          if (p[i] < 0.0)
            t0 = MAX (t0, t);
          else
            t1 = MIN (t1, t);
        }
    }

  if (t0 > t1)
    return FALSE;

  *x1 = *x0 + t1 * dx;
  *y1 = *y0 + t1 * dy;
  *x0 = *x0 + t0 * dx;
  *y0 = *y0 + t0 * dy;

  return TRUE;
}

static void
raster_line (Raster *r,
             double  x0,
             double  y0,
             double  x1,
             double  y1,
             guint8  value)
{
  double dx, dy;
  int steps;

  /* Most edges are wholly in view: no clipping to do. */
  if (!(x0 >= 0 && x1 >= 0 && y0 >= 0 && y1 >= 0 &&
        x0 < r->width && x1 < r->width && y0 < r->height && y1 < r->height) &&
      !clip_segment (r, &x0, &y0, &x1, &y1))
    return;

  dx = x1 - x0;
  dy = y1 - y0;
  steps = (int) MAX (fabs (dx), fabs (dy)) + 1;
  dx /= steps;
  dy /= steps;

  for (int i = 0; i <= steps; i++)
    {
      int px = (int) (x0 + i * dx);
      int py = (int) (y0 + i * dy);

      if (px >= 0 && px < r->width && py >= 0 && py < r->height)
        r->pixels[(gsize) py * r->width + px] = value;
    }
}

/* Fills @shape and remembers its outline for the second pass: reading
 * each annotation once matters, as following the pointers to 11,000
 * shapes costs more in cache misses than scan-converting them. */
static void
raster_fill_shape (Raster             *r,
                   const BwRenderView *view,
                   double              sx,
                   double              sy,
                   const BwShape      *shape,
                   guint8              fill,
                   guint8              outline)
{
  if (shape->kind == BW_SHAPE_BOX)
    {
      RasterBox box;

      box.x0 = pixel_edge (to_wx (view, shape->bbox.x0) * sx, r->width);
      box.x1 = pixel_edge (to_wx (view, shape->bbox.x1) * sx, r->width);
      box.y0 = pixel_edge (to_wy (view, shape->bbox.y0) * sy, r->height);
      box.y1 = pixel_edge (to_wy (view, shape->bbox.y1) * sy, r->height);
      box.outline = outline;

      /* Even a box smaller than a pixel on screen stays visible. */
      if (box.x1 <= box.x0)
        box.x1 = box.x0 + 1;
      if (box.y1 <= box.y0)
        box.y1 = box.y0 + 1;

      for (int y = MAX (box.y0, 0); y < MIN (box.y1, r->height); y++)
        raster_span (r, y, box.x0, box.x1, fill);
      g_array_append_val (r->boxes, box);
      return;
    }

  for (guint p = 0; p < shape->n_parts; p++)
    {
      guint start = bw_shape_part_start (shape, p);
      RasterRing ring = { r->points->len, bw_shape_part_size (shape, p), outline };
      BwPoint *pts;

      if (ring.size < 2)
        continue;

      g_array_set_size (r->points, ring.start + ring.size);
      pts = &g_array_index (r->points, BwPoint, ring.start);
      for (guint i = 0; i < ring.size; i++)
        {
          pts[i].x = to_wx (view, shape->points[start + i].x) * sx;
          pts[i].y = to_wy (view, shape->points[start + i].y) * sy;
        }

      raster_polygon_fill (r, pts, ring.size, fill);
      g_array_append_val (r->rings, ring);
    }
}

static void
raster_outlines (Raster *r)
{
  for (guint i = 0; i < r->boxes->len; i++)
    {
      const RasterBox *b = &g_array_index (r->boxes, RasterBox, i);

      raster_span (r, b->y0, b->x0, b->x1, b->outline);
      raster_span (r, b->y1 - 1, b->x0, b->x1, b->outline);
      if (b->x0 >= 0 && b->x0 < r->width)
        for (int y = MAX (b->y0 + 1, 0); y < MIN (b->y1 - 1, r->height); y++)
          r->pixels[(gsize) y * r->width + b->x0] = b->outline;
      if (b->x1 - 1 >= 0 && b->x1 - 1 < r->width)
        for (int y = MAX (b->y0 + 1, 0); y < MIN (b->y1 - 1, r->height); y++)
          r->pixels[(gsize) y * r->width + b->x1 - 1] = b->outline;
    }

  for (guint i = 0; i < r->rings->len; i++)
    {
      const RasterRing *ring = &g_array_index (r->rings, RasterRing, i);
      const BwPoint *pts = &g_array_index (r->points, BwPoint, ring->start);

      for (guint k = 0, j = ring->size - 1; k < ring->size; j = k++)
        raster_line (r, pts[j].x, pts[j].y, pts[k].x, pts[k].y, ring->outline);
    }
}

static inline guint32
premultiply (const double *rgb,
             double        alpha)
{
  guint a = (guint) (alpha * 255 + 0.5);

  return (a << 24) |
         ((guint) (rgb[0] * a + 0.5) << 16) |
         ((guint) (rgb[1] * a + 0.5) << 8) |
         (guint) (rgb[2] * a + 0.5);
}

static void
render_with_raster (BwAnnotationRenderer *self,
                    cairo_surface_t      *surface,
                    const BwRenderView   *view)
{
  Raster *r = &self->raster;
  guint32 palette[256] = { 0 };
  int width = cairo_image_surface_get_width (surface);
  int height = cairo_image_surface_get_height (surface);
  int stride = cairo_image_surface_get_stride (surface);
  double sx, sy;
  guint8 *data;
  guint slot = 0;
  gboolean any_selected = g_hash_table_size (self->selected) > 0;

  cairo_surface_get_device_scale (surface, &sx, &sy);

  if (r->width != width || r->height != height)
    {
      g_free (r->pixels);
      r->pixels = g_malloc ((gsize) width * height);
      r->width = width;
      r->height = height;
    }
  memset (r->pixels, 0, (gsize) width * height);

  palette[SELECTED_OUTLINE] = 0xffffffff;
  g_array_set_size (r->boxes, 0);
  g_array_set_size (r->rings, 0);
  g_array_set_size (r->points, 0);

  /* One palette entry per category (bucket_of maps it), however many
   * runs it has. */
  g_hash_table_remove_all (self->bucket_of);
  for (guint b = 0; b < self->buckets->len; b++)
    {
      Bucket *bucket = &g_array_index (self->buckets, Bucket, b);
      gpointer known;

      if (bucket->items->len == 0)
        continue;

      known = g_hash_table_lookup (self->bucket_of, &bucket->category_id);
      if (known != NULL)
        slot = GPOINTER_TO_UINT (known);
      else
        {
          double rgb[3];

          /* More categories in view than palette entries share the last. */
          slot = MIN (g_hash_table_size (self->bucket_of) + 1, PALETTE_SIZE - 1);
          bw_annotation_renderer_get_category_rgb (self, bucket->category_id, rgb);
          palette[slot] = premultiply (rgb, FILL_ALPHA);
          palette[slot | 0x80] = premultiply (rgb, 1.0);
          g_hash_table_insert (self->bucket_of, dup_id (bucket->category_id), GUINT_TO_POINTER (slot));
        }

      for (guint i = 0; i < bucket->items->len; i++)
        {
          const BwAnnotation *a = g_ptr_array_index (bucket->items, i);

          raster_fill_shape (r, view, sx, sy, a->shape, slot,
                             any_selected && g_hash_table_contains (self->selected, &a->id)
                             ? SELECTED_OUTLINE : slot | 0x80);
        }
    }

  /* Every outline over all fills, so no fill hides an edge. */
  raster_outlines (r);

  cairo_surface_flush (surface);
  data = cairo_image_surface_get_data (surface);
  for (int y = 0; y < height; y++)
    {
      const guint8 *src = r->pixels + (gsize) y * width;
      guint32 *dst = (guint32 *) (gpointer) (data + (gsize) y * stride);

      int x = 0;

      /* Most of a frame is empty or one fill: skip zero runs 8 at a time. */
      for (; x + 8 <= width; x += 8)
        {
          guint64 word;

          memcpy (&word, src + x, sizeof word);
          if (word == 0)
            memset (dst + x, 0, 8 * sizeof (guint32));
          else
            for (int k = 0; k < 8; k++)
              dst[x + k] = palette[src[x + k]];
        }
      for (; x < width; x++)
        dst[x] = palette[src[x]];
    }
  cairo_surface_mark_dirty (surface);
}

/* ------------------------------------------------------------------ */
/* Review marks                                                        */

#define MARK_RADIUS      7.0
#define MARK_MIN_SIZE    10.0   /* smaller shapes on screen get no mark */
#define PIN_HEAD_RADIUS  7.0
#define PIN_STEM         14.0
#define MAX_REVIEW_TEXTS 200
#define TAG_MAX_WIDTH    320    /* a longer comment wraps */

static const double ACCEPT_RGB[3] = { 0.18, 0.76, 0.49 };   /* #2ec27e */
static const double REJECT_RGB[3] = { 0.88, 0.11, 0.14 };   /* #e01b24 */
static const double FIXED_RGB[3]  = { 0.21, 0.52, 0.89 };   /* #3584e4 */
static const double PIN_RGB[3]    = { 0.90, 0.38, 0.00 };   /* #e66100 */
static const double ASKED_RGB[3]  = { 0.57, 0.25, 0.67 };   /* #9141ac */
static const double ANSWER_RGB[3] = { 0.15, 0.64, 0.41 };   /* #26a269 */

#define MAX_QUESTION_TEXT_CHARS 80

/**
 * bw_annotation_renderer_set_questions:
 * @questions: (nullable) (element-type BwQuestion): the questions to
 *   mark on the image, each at its point: open ones with a "?", answered
 *   ones with their answer. Copied.
 */
void
bw_annotation_renderer_set_questions (BwAnnotationRenderer *self,
                                      GPtrArray            *questions)
{
  g_return_if_fail (self != NULL);

  g_ptr_array_set_size (self->questions, 0);
  for (guint i = 0; questions != NULL && i < questions->len; i++)
    {
      const BwQuestion *q = questions->pdata[i];
      BwQuestion *copy = g_new0 (BwQuestion, 1);

      *copy = *q;
      copy->image_path = g_strdup (q->image_path);
      copy->asker = g_strdup (q->asker);
      copy->text = g_strdup (q->text);
      copy->answer = g_strdup (q->answer);
      copy->answerer = g_strdup (q->answerer);
      g_ptr_array_add (self->questions, copy);
    }
}

guint
bw_annotation_renderer_get_n_questions (BwAnnotationRenderer *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->questions->len;
}

/**
 * bw_annotation_renderer_set_reviews:
 * @reviews: (nullable) (element-type BwReview): what to show: verdicts on
 *   shapes (by annotation id) and pinned comments (those with a point);
 *   layer verdicts are ignored. Copied.
 * @reasons: (nullable) (element-type BwRejectionReason): the project's
 *   rejection reasons, for the names shown by rejected shapes and pins
 *
 * Sets the review marks that bw_annotation_renderer_draw_set() draws;
 * %NULL or an empty array for none. bw_layer_session_get_reviews() gives
 * what a session shows.
 */
void
bw_annotation_renderer_set_reviews (BwAnnotationRenderer *self,
                                    GPtrArray            *reviews,
                                    GPtrArray            *reasons)
{
  g_return_if_fail (self != NULL);

  g_ptr_array_set_size (self->reviews, 0);
  g_ptr_array_set_size (self->pins, 0);
  g_hash_table_remove_all (self->reasons);

  for (guint i = 0; reviews != NULL && i < reviews->len; i++)
    {
      const BwReview *r = reviews->pdata[i];

      if (r->verdict == BW_VERDICT_COMMENT && r->has_point)
        g_ptr_array_add (self->pins, bw_review_copy (r));
      else if (r->annotation_id > 0)
        g_ptr_array_add (self->reviews, bw_review_copy (r));
    }
  for (guint i = 0; reasons != NULL && i < reasons->len; i++)
    {
      const BwRejectionReason *reason = reasons->pdata[i];

      g_hash_table_insert (self->reasons, dup_id (reason->id), g_strdup (reason->name));
    }
}

/**
 * bw_annotation_renderer_set_active_pin:
 * @review_id: the pinned comment under the pointer or selected, or 0
 *
 * The active pin is drawn larger, with its reason and comment.
 */
void
bw_annotation_renderer_set_active_pin (BwAnnotationRenderer *self,
                                       gint64                review_id)
{
  g_return_if_fail (self != NULL);

  self->active_pin = review_id;
}

/**
 * bw_annotation_renderer_find_pin:
 * @x: a point of the widget
 * @y: a point of the widget
 *
 * Returns: the pinned comment whose marker is at (@x, @y), the topmost
 *   (last drawn) when several are, or 0
 */
gint64
bw_annotation_renderer_find_pin (BwAnnotationRenderer *self,
                                 const BwRenderView   *view,
                                 double                x,
                                 double                y)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (view != NULL, 0);

  for (guint i = self->pins->len; i > 0; i--)
    {
      const BwReview *pin = self->pins->pdata[i - 1];
      double px = to_wx (view, pin->x), py = to_wy (view, pin->y);
      double hx = px, hy = py - PIN_STEM;

      if (hypot (x - hx, y - hy) <= PIN_HEAD_RADIUS + 3 ||
          (fabs (x - px) <= 3 && y <= py + 2 && y >= hy))
        return pin->id;
    }

  return 0;
}

/* "Reason: comment", "Reason", "comment" or NULL. */
static char *
review_text (BwAnnotationRenderer *self,
             const BwReview       *r)
{
  const char *reason = r->reason_id > 0 ? g_hash_table_lookup (self->reasons, &r->reason_id) : NULL;
  gboolean has_comment = r->comment != NULL && r->comment[0] != '\0';

  if (reason != NULL && has_comment)
    /* TRANSLATORS: a rejection reason and the reviewer's comment */
    return g_strdup_printf (_("%s: %s"), reason, r->comment);
  if (reason != NULL)
    return g_strdup (reason);
  if (has_comment)
    return g_strdup (r->comment);
  return NULL;
}

/* A text in a rounded box of @rgb, its top left at (x, y). */
static void
draw_tag (cairo_t      *cr,
          PangoLayout  *layout,
          const char   *text,
          const double *rgb,
          double        x,
          double        y)
{
  int tw, th;

  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, &tw, &th);

  cairo_new_path (cr);
  cairo_rectangle (cr, round (x), round (y), tw + 8, th + 4);
  cairo_set_source_rgba (cr, rgb[0] * 0.8, rgb[1] * 0.8, rgb[2] * 0.8, 0.92);
  cairo_fill (cr);
  cairo_move_to (cr, round (x) + 4, round (y) + 2);
  cairo_set_source_rgb (cr, 1, 1, 1);
  pango_cairo_show_layout (cr, layout);
}

/* The same, kept inside a view @width wide: a long text wraps, and a tag
 * that would run past the right edge ends at @left_x instead (the other
 * side of what it labels) or, without room there, at the edge. */
static void
draw_tag_fit (cairo_t      *cr,
              PangoLayout  *layout,
              const char   *text,
              const double *rgb,
              double        x,
              double        y,
              double        left_x,
              int           width)
{
  int tw, th;

  pango_layout_set_width (layout, MAX (80, MIN (TAG_MAX_WIDTH, width - 24)) * PANGO_SCALE);
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, &tw, &th);
  if (x + tw + 8 > width - 4)
    x = left_x - tw - 8 >= 4 ? left_x - tw - 8 : width - 4 - tw - 8;
  draw_tag (cr, layout, text, rgb, MAX (x, 4), y);
  pango_layout_set_width (layout, -1);
}

/* A round badge with a check (or a cross) at (cx, cy). */
static void
draw_badge (cairo_t      *cr,
            const double *rgb,
            gboolean      cross,
            double        cx,
            double        cy)
{
  double r = MARK_RADIUS;

  cairo_new_path (cr);
  cairo_arc (cr, cx, cy, r, 0, 2 * G_PI);
  cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
  cairo_fill_preserve (cr);
  cairo_set_source_rgba (cr, 0, 0, 0, 0.5);
  cairo_set_line_width (cr, 1.0);
  cairo_stroke (cr);

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_set_line_width (cr, 2.0);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  if (cross)
    {
      cairo_move_to (cr, cx - r * 0.4, cy - r * 0.4);
      cairo_line_to (cr, cx + r * 0.4, cy + r * 0.4);
      cairo_move_to (cr, cx + r * 0.4, cy - r * 0.4);
      cairo_line_to (cr, cx - r * 0.4, cy + r * 0.4);
    }
  else
    {
      cairo_move_to (cr, cx - r * 0.45, cy + r * 0.05);
      cairo_line_to (cr, cx - r * 0.1, cy + r * 0.4);
      cairo_line_to (cr, cx + r * 0.5, cy - r * 0.35);
    }
  cairo_stroke (cr);
}

static void
draw_pin (BwAnnotationRenderer *self,
          cairo_t              *cr,
          PangoLayout          *layout,
          const BwRenderView   *view,
          int                   width,
          const BwReview       *pin)
{
  gboolean active = pin->id == self->active_pin;
  double px = round (to_wx (view, pin->x)) + 0.5, py = round (to_wy (view, pin->y));
  double r = active ? PIN_HEAD_RADIUS + 2 : PIN_HEAD_RADIUS;
  double hy = py - PIN_STEM;

  cairo_new_path (cr);
  cairo_move_to (cr, px, py);
  cairo_line_to (cr, px, hy);
  cairo_set_source_rgba (cr, 0, 0, 0, 0.7);
  cairo_set_line_width (cr, 2.0);
  cairo_stroke (cr);

  cairo_arc (cr, px, hy, r, 0, 2 * G_PI);
  cairo_set_source_rgb (cr, PIN_RGB[0], PIN_RGB[1], PIN_RGB[2]);
  cairo_fill_preserve (cr);
  cairo_set_source_rgba (cr, 0, 0, 0, 0.7);
  cairo_set_line_width (cr, 1.0);
  cairo_stroke (cr);
  cairo_arc (cr, px, hy, r * 0.35, 0, 2 * G_PI);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_fill (cr);

  if (active)
    {
      g_autofree char *text = review_text (self, pin);

      if (text != NULL)
        draw_tag_fit (cr, layout, text, PIN_RGB, px + r + 4, hy - r, px - r - 4, width);
    }
}

/* At most MAX_QUESTION_TEXT_CHARS characters of @text, on one line. */
static char *
short_text (const char *text)
{
  g_autofree char *line = g_strdelimit (g_strdup (text), "\n\r\t", ' ');
  g_autofree char *start = NULL;

  if (g_utf8_strlen (line, -1) <= MAX_QUESTION_TEXT_CHARS)
    return g_steal_pointer (&line);
  start = g_utf8_substring (line, 0, MAX_QUESTION_TEXT_CHARS - 1);
  return g_strconcat (start, "…", NULL);
}

/* A question's marker: a round badge with "?" (open) or "!" (answered)
 * at its point, and the answer, or the question while open, beside it. */
static void
draw_question (cairo_t            *cr,
               PangoLayout        *layout,
               const BwRenderView *view,
               const BwQuestion   *q)
{
  const double *rgb = q->answer != NULL ? ANSWER_RGB : ASKED_RGB;
  double cx = round (to_wx (view, q->x)), cy = round (to_wy (view, q->y));
  double r = MARK_RADIUS + 2;
  g_autofree char *text = NULL;
  int tw, th;

  cairo_new_path (cr);
  cairo_arc (cr, cx, cy, r, 0, 2 * G_PI);
  cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
  cairo_fill_preserve (cr);
  cairo_set_source_rgba (cr, 0, 0, 0, 0.6);
  cairo_set_line_width (cr, 1.0);
  cairo_stroke (cr);

  pango_layout_set_text (layout, q->answer != NULL ? "!" : "?", -1);
  pango_layout_get_pixel_size (layout, &tw, &th);
  cairo_move_to (cr, cx - tw / 2.0, cy - th / 2.0);
  cairo_set_source_rgb (cr, 1, 1, 1);
  pango_cairo_show_layout (cr, layout);

  text = short_text (q->answer != NULL ? q->answer : q->text);
  draw_tag (cr, layout, text, rgb, cx + r + 3, cy - th / 2.0 - 2);
}

/* The marks of the reviews over the visible shapes of @set. */
static void
draw_reviews (BwAnnotationRenderer *self,
              cairo_t              *cr,
              int                   width,
              int                   height,
              const BwRenderView   *view,
              BwAnnotationSet      *set)
{
  g_autoptr(PangoLayout) layout = NULL;
  g_autoptr(PangoFontDescription) font = NULL;
  gboolean any_hidden = g_hash_table_size (self->hidden) > 0;
  gboolean any_excluded = g_hash_table_size (self->excluded) > 0;
  gboolean any_hidden_shapes = bw_annotation_set_get_n_hidden (set) > 0;
  guint n_texts = 0;

  if (self->reviews->len == 0 && self->pins->len == 0 && self->questions->len == 0)
    return;

  layout = pango_cairo_create_layout (cr);
  font = pango_font_description_from_string ("Sans 9");
  pango_layout_set_font_description (layout, font);

  cairo_save (cr);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_MITER);

  for (guint i = 0; i < self->reviews->len; i++)
    {
      const BwReview *r = self->reviews->pdata[i];
      const BwAnnotation *a = bw_annotation_set_lookup (set, r->annotation_id);
      const double *rgb;
      double x0, y0, x1, y1;

      if (a == NULL ||
          (any_hidden && g_hash_table_contains (self->hidden, &a->category_id)) ||
          (any_excluded && g_hash_table_contains (self->excluded, &a->id)) ||
          (any_hidden_shapes && bw_annotation_set_get_hidden (set, a->id)))
        continue;

      x0 = to_wx (view, a->shape->bbox.x0);
      y0 = to_wy (view, a->shape->bbox.y0);
      x1 = to_wx (view, a->shape->bbox.x1);
      y1 = to_wy (view, a->shape->bbox.y1);
      if (x1 < -MARK_RADIUS || y1 < -MARK_RADIUS - 20 ||
          x0 > width + MARK_RADIUS || y0 > height + MARK_RADIUS)
        continue;
      if (MAX (x1 - x0, y1 - y0) < MARK_MIN_SIZE)
        continue;

      switch (r->verdict)
        {
        case BW_VERDICT_ACCEPT:
          rgb = ACCEPT_RGB;
          break;
        case BW_VERDICT_REJECT:
          rgb = REJECT_RGB;
          break;
        case BW_VERDICT_FIXED:
          rgb = FIXED_RGB;
          break;
        case BW_VERDICT_COMMENT:
        default:
          continue;
        }

      /* A rejected shape is outlined in red, dashed, over its colour. */
      if (r->verdict == BW_VERDICT_REJECT)
        {
          static const double dashes[] = { 6.0, 3.0 };

          cairo_new_path (cr);
          append_shape_path (cr, view, a->shape);
          cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
          cairo_set_line_width (cr, 2.5);
          cairo_set_dash (cr, dashes, G_N_ELEMENTS (dashes), 0);
          cairo_stroke (cr);
          cairo_set_dash (cr, NULL, 0, 0);
        }

      draw_badge (cr, rgb, r->verdict == BW_VERDICT_REJECT, x1, y0);

      if (r->verdict == BW_VERDICT_REJECT && n_texts < MAX_REVIEW_TEXTS)
        {
          g_autofree char *text = review_text (self, r);

          if (text != NULL)
            {
              draw_tag_fit (cr, layout, text, REJECT_RGB, x0, y1 + 2, x1, width);
              n_texts++;
            }
        }
    }

  for (guint i = 0; i < self->pins->len; i++)
    {
      const BwReview *pin = self->pins->pdata[i];
      double px = to_wx (view, pin->x), py = to_wy (view, pin->y);

      if (px < -PIN_HEAD_RADIUS || px > width + PIN_HEAD_RADIUS ||
          py < -PIN_HEAD_RADIUS || py > height + PIN_STEM + PIN_HEAD_RADIUS)
        continue;
      if (pin->id != self->active_pin)
        draw_pin (self, cr, layout, view, width, pin);
    }
  /* The active one over the rest, its text readable. */
  for (guint i = 0; i < self->pins->len; i++)
    if (((const BwReview *) self->pins->pdata[i])->id == self->active_pin)
      draw_pin (self, cr, layout, view, width, self->pins->pdata[i]);

  for (guint i = 0; i < self->questions->len; i++)
    {
      const BwQuestion *q = self->questions->pdata[i];
      double qx = to_wx (view, q->x), qy = to_wy (view, q->y);

      if (qx < -MARK_RADIUS * 2 || qx > width + MARK_RADIUS * 2 ||
          qy < -MARK_RADIUS * 2 || qy > height + MARK_RADIUS * 2)
        continue;
      draw_question (cr, layout, view, q);
    }

  cairo_restore (cr);
}

static gboolean
cache_is_valid (BwAnnotationRenderer *self,
                int                   width,
                int                   height,
                const BwRenderView   *view,
                BwAnnotationSet      *set)
{
  return self->cache != NULL &&
         self->cache_set == set &&
         self->cache_stamp == bw_annotation_set_get_stamp (set) &&
         self->cache_version == self->version &&
         self->cache_width == width &&
         self->cache_height == height &&
         self->cache_view.scale == view->scale &&
         self->cache_view.offset_x == view->offset_x &&
         self->cache_view.offset_y == view->offset_y;
}

/**
 * bw_annotation_renderer_draw_set:
 * @cr: in widget coordinates
 *
 * Draws every visible annotation of @set but the excluded ones and those
 * of hidden categories.
 */
void
bw_annotation_renderer_draw_set (BwAnnotationRenderer *self,
                                 cairo_t              *cr,
                                 int                   width,
                                 int                   height,
                                 const BwRenderView   *view,
                                 BwAnnotationSet      *set)
{
  double sx = 1.0, sy = 1.0;
  guint n_shapes;
  cairo_t *ccr;

  g_return_if_fail (self != NULL);
  g_return_if_fail (cr != NULL);
  g_return_if_fail (view != NULL && view->scale > 0);

  if (set == NULL || width <= 0 || height <= 0)
    return;

  if (!cache_is_valid (self, width, height, view, set))
    {
      n_shapes = collect_buckets (self, width, height, view, set);

      /* A few shapes and no drag: anti-aliased, straight to the target. */
      if (n_shapes <= RASTER_THRESHOLD && g_hash_table_size (self->excluded) == 0)
        {
          g_clear_pointer (&self->cache, cairo_surface_destroy);
          render_with_cairo (self, cr, view);
          if (self->show_labels)
            draw_labels (self, cr, view);
          draw_reviews (self, cr, width, height, view, set);
          return;
        }

      if (self->scale_factor > 0)
        sx = sy = self->scale_factor;
      else
        cairo_surface_get_device_scale (cairo_get_target (cr), &sx, &sy);
      if (self->cache == NULL ||
          self->cache_width != width || self->cache_height != height)
        {
          g_clear_pointer (&self->cache, cairo_surface_destroy);
          self->cache = cairo_image_surface_create (CAIRO_FORMAT_ARGB32,
                                                    (int) ceil (width * sx),
                                                    (int) ceil (height * sy));
          cairo_surface_set_device_scale (self->cache, sx, sy);
        }

      if (n_shapes > RASTER_THRESHOLD)
        {
          render_with_raster (self, self->cache, view);
          ccr = cairo_create (self->cache);
        }
      else
        {
          ccr = cairo_create (self->cache);
          cairo_set_operator (ccr, CAIRO_OPERATOR_CLEAR);
          cairo_paint (ccr);
          cairo_set_operator (ccr, CAIRO_OPERATOR_OVER);
          render_with_cairo (self, ccr, view);
        }
      if (self->show_labels)
        draw_labels (self, ccr, view);
      cairo_destroy (ccr);

      self->n_cache_draws++;
      self->cache_set = set;
      self->cache_stamp = bw_annotation_set_get_stamp (set);
      self->cache_version = self->version;
      self->cache_width = width;
      self->cache_height = height;
      self->cache_view = *view;
    }

  cairo_save (cr);
  cairo_set_source_surface (cr, self->cache, 0, 0);
  cairo_paint (cr);
  cairo_restore (cr);

  draw_reviews (self, cr, width, height, view, set);
}

/**
 * bw_annotation_renderer_get_n_cache_draws:
 *
 * How many times the cached layer of shapes has been drawn since @self
 * was made. A frame that reuses the cache does not add to it, which is
 * how tests and benchmarks tell a reused frame from a redrawn one.
 *
 * Returns: the count
 */
guint
bw_annotation_renderer_get_n_cache_draws (BwAnnotationRenderer *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_cache_draws;
}

static void
draw_handle (cairo_t *cr,
             double   x,
             double   y,
             double   size)
{
  cairo_rectangle (cr, round (x) - size / 2, round (y) - size / 2, size, size);
}

void
bw_annotation_renderer_draw_shape (BwAnnotationRenderer *self,
                                   cairo_t              *cr,
                                   const BwRenderView   *view,
                                   const BwShape        *shape,
                                   gint64                category_id,
                                   BwShapeStyle          style)
{
  gboolean strong = (style & (BW_SHAPE_STYLE_SELECTED | BW_SHAPE_STYLE_HOVER)) != 0;
  double rgb[3];

  g_return_if_fail (self != NULL);
  g_return_if_fail (shape != NULL);

  bw_annotation_renderer_get_category_rgb (self, category_id, rgb);

  cairo_save (cr);
  cairo_set_fill_rule (cr, CAIRO_FILL_RULE_WINDING);
  cairo_new_path (cr);
  append_shape_path (cr, view, shape);
  cairo_set_source_rgba (cr, rgb[0], rgb[1], rgb[2],
                         (style & BW_SHAPE_STYLE_SELECTED) ? SELECTED_FILL_ALPHA : FILL_ALPHA);
  cairo_fill_preserve (cr);

  if (style & BW_SHAPE_STYLE_SELECTED)
    {
      /* A dark halo under the outline keeps it visible on any image. */
      cairo_set_source_rgba (cr, 0, 0, 0, 0.6);
      cairo_set_line_width (cr, SELECTED_LINE_WIDTH + 2);
      cairo_stroke_preserve (cr);
    }
  cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
  cairo_set_line_width (cr, strong ? SELECTED_LINE_WIDTH : LINE_WIDTH);
  cairo_stroke (cr);

  if (style & BW_SHAPE_STYLE_HANDLES)
    {
      if (shape->kind == BW_SHAPE_BOX)
        {
          double x0 = to_wx (view, shape->bbox.x0), x1 = to_wx (view, shape->bbox.x1);
          double y0 = to_wy (view, shape->bbox.y0), y1 = to_wy (view, shape->bbox.y1);
          double xm = (x0 + x1) / 2, ym = (y0 + y1) / 2;

          draw_handle (cr, x0, y0, BW_HANDLE_SIZE);
          draw_handle (cr, xm, y0, BW_HANDLE_SIZE);
          draw_handle (cr, x1, y0, BW_HANDLE_SIZE);
          draw_handle (cr, x1, ym, BW_HANDLE_SIZE);
          draw_handle (cr, x1, y1, BW_HANDLE_SIZE);
          draw_handle (cr, xm, y1, BW_HANDLE_SIZE);
          draw_handle (cr, x0, y1, BW_HANDLE_SIZE);
          draw_handle (cr, x0, ym, BW_HANDLE_SIZE);
        }
      else
        {
          for (guint i = 0; i < shape->n_points; i++)
            draw_handle (cr, to_wx (view, shape->points[i].x), to_wy (view, shape->points[i].y),
                         BW_HANDLE_SIZE - 2);
        }

      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_fill_preserve (cr);
      cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
      cairo_set_line_width (cr, 1.0);
      cairo_stroke (cr);
    }

  cairo_restore (cr);
}

/* A polygon being drawn: its vertices so far and a rubber line to the
 * pointer; the first vertex is larger, as clicking it closes the polygon. */
void
bw_annotation_renderer_draw_polyline (BwAnnotationRenderer *self,
                                      cairo_t              *cr,
                                      const BwRenderView   *view,
                                      const BwPoint        *points,
                                      guint                 n_points,
                                      const BwPoint        *pointer,
                                      gint64                category_id)
{
  double rgb[3];

  g_return_if_fail (self != NULL);

  if (n_points == 0)
    return;

  bw_annotation_renderer_get_category_rgb (self, category_id, rgb);

  cairo_save (cr);
  cairo_new_path (cr);
  cairo_move_to (cr, to_wx (view, points[0].x), to_wy (view, points[0].y));
  for (guint i = 1; i < n_points; i++)
    cairo_line_to (cr, to_wx (view, points[i].x), to_wy (view, points[i].y));
  if (pointer != NULL)
    cairo_line_to (cr, to_wx (view, pointer->x), to_wy (view, pointer->y));

  cairo_set_source_rgba (cr, 0, 0, 0, 0.6);
  cairo_set_line_width (cr, LINE_WIDTH + 2);
  cairo_stroke_preserve (cr);
  cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
  cairo_set_line_width (cr, LINE_WIDTH);
  cairo_stroke (cr);

  draw_handle (cr, to_wx (view, points[0].x), to_wy (view, points[0].y), BW_HANDLE_SIZE + 2);
  for (guint i = 1; i < n_points; i++)
    draw_handle (cr, to_wx (view, points[i].x), to_wy (view, points[i].y), BW_HANDLE_SIZE - 2);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_fill_preserve (cr);
  cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
  cairo_set_line_width (cr, 1.0);
  cairo_stroke (cr);
  cairo_restore (cr);
}

/* The vertex that Delete would remove: a larger handle in the accent blue. */
void
bw_annotation_renderer_draw_active_vertex (BwAnnotationRenderer *self,
                                           cairo_t              *cr,
                                           const BwRenderView   *view,
                                           const BwPoint        *point)
{
  cairo_save (cr);
  draw_handle (cr, to_wx (view, point->x), to_wy (view, point->y), BW_HANDLE_SIZE + 2);
  cairo_set_source_rgb (cr, 0.21, 0.52, 0.89);
  cairo_fill_preserve (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_set_line_width (cr, 1.5);
  cairo_stroke (cr);
  cairo_restore (cr);
}

/**
 * bw_annotation_renderer_draw_caption:
 * @width: of the widget
 * @text: what the canvas shows now, when it is not the usual
 *
 * A caption at the top of the canvas, centred, over everything: "the
 * model's predictions" while a reviewer compares them.
 */
void
bw_annotation_renderer_draw_caption (BwAnnotationRenderer *self,
                                     cairo_t              *cr,
                                     int                   width,
                                     const char           *text)
{
  static const double rgb[3] = { 0.24, 0.24, 0.28 };
  g_autoptr(PangoLayout) layout = NULL;
  g_autoptr(PangoFontDescription) font = pango_font_description_from_string ("Sans 10");
  int tw, th;

  g_return_if_fail (self != NULL);
  g_return_if_fail (text != NULL);

  cairo_save (cr);
  layout = pango_cairo_create_layout (cr);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, &tw, &th);
  draw_tag (cr, layout, text, rgb, MAX (4, (width - tw - 8) / 2), 8);
  cairo_restore (cr);
}

void
bw_annotation_renderer_draw_rubber_band (BwAnnotationRenderer *self,
                                         cairo_t              *cr,
                                         const BwRenderView   *view,
                                         const BwRect         *rect)
{
  double x0 = to_wx (view, rect->x0), y0 = to_wy (view, rect->y0);
  double x1 = to_wx (view, rect->x1), y1 = to_wy (view, rect->y1);
  static const double dashes[] = { 4.0, 4.0 };

  cairo_save (cr);
  cairo_rectangle (cr, round (x0) + 0.5, round (y0) + 0.5, round (x1 - x0), round (y1 - y0));
  cairo_set_source_rgba (cr, 0.21, 0.52, 0.89, 0.15);
  cairo_fill_preserve (cr);
  cairo_set_line_width (cr, 1.0);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_stroke_preserve (cr);
  cairo_set_dash (cr, dashes, G_N_ELEMENTS (dashes), 0);
  cairo_set_source_rgb (cr, 0.21, 0.52, 0.89);
  cairo_stroke (cr);
  cairo_restore (cr);
}

void
bw_annotation_renderer_draw_crosshair (BwAnnotationRenderer *self,
                                       cairo_t              *cr,
                                       int                   width,
                                       int                   height,
                                       const BwRenderView   *view,
                                       double                x,
                                       double                y)
{
  double wx = round (to_wx (view, x)) + 0.5;
  double wy = round (to_wy (view, y)) + 0.5;
  static const double dashes[] = { 6.0, 4.0 };

  cairo_save (cr);
  cairo_set_line_width (cr, 1.0);
  cairo_move_to (cr, wx, 0);
  cairo_line_to (cr, wx, height);
  cairo_move_to (cr, 0, wy);
  cairo_line_to (cr, width, wy);
  cairo_set_source_rgba (cr, 0, 0, 0, 0.7);
  cairo_stroke_preserve (cr);
  cairo_set_dash (cr, dashes, G_N_ELEMENTS (dashes), 0);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_stroke (cr);
  cairo_restore (cr);
}
