/* bw-matching.c — one annotator's shapes against a reference's, on one image
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * DESIGN.md, "Quality metrics", is the definition; in order:
 *
 *  1. true positives: per category, the one-to-one pairing of annotated
 *     with reference shapes, among pairs with IoU ≥ τ, of largest total
 *     IoU (an optimal assignment);
 *  2. wrong category: the same over what is left, for pairs of different
 *     categories;
 *  3. duplicates: a left-over annotated shape with IoU ≥ τ with a reference
 *     shape that step 1 matched (the one of highest IoU; the first on a
 *     tie);
 *  4. poor localisation: an optimal assignment over what is left, of pairs
 *     of the same category with 0.1 ≤ IoU < τ;
 *  5. the annotated shapes still left are extra, the reference shapes
 *     missed.
 *
 * An optimal assignment splits over the connected components of the graph
 * of allowed pairs, so each step solves one small assignment per cluster
 * of overlapping shapes instead of one per category: an image with
 * thousands of shapes costs what its clusters cost.
 *
 * IoU of two boxes is computed directly; as soon as a polygon is involved,
 * through GEOS with bw_shape_to_geos(), as the importers do (a box becomes
 * a rectangle). A polygon's parts are united,
 * as COCO does with the parts of a segmentation; a self-intersecting part
 * is first made valid. Each matcher has its own GEOS context, so each
 * thread should have its own matcher.
 */

#define G_LOG_DOMAIN "bw-matching"

#include "config.h"

#include <math.h>
#include <string.h>

#include "bw-geometry-geos.h"
#include "bw-matching.h"

struct _BwMatcher
{
  double               iou_threshold;
  GEOSContextHandle_t  geos;
};

typedef struct
{
  guint  a;
  guint  b;
  double iou;
} Edge;

/* What one call sees of its two lists. */
typedef struct
{
  BwMatcher          *matcher;
  const BwMatchShape *a;
  guint               n_a;
  const BwMatchShape *b;
  guint               n_b;
  GEOSGeometry      **geom_a;
  GEOSGeometry      **geom_b;
  double             *area_a;
  double             *area_b;
  GArray             *edges;    /* every pair with IoU > 0 */
} Pairing;

static const char *kind_names[BW_MATCH_N_KINDS] = {
  "true_positive", "missed", "extra", "wrong_category", "poor_localisation", "duplicate",
};

const char *
bw_match_kind_to_string (BwMatchKind kind)
{
  g_return_val_if_fail (kind < BW_MATCH_N_KINDS, NULL);
  return kind_names[kind];
}

static void
geos_message_cb (const char *message,
                 void       *user_data)
{
  /* GEOS reports a failed operation here and returns NULL; the caller
   * treats that as no overlap. */
  g_debug ("GEOS: %s", message);
}

/**
 * bw_matcher_new:
 * @iou_threshold: τ, in (0, 1]: pairs with a lower IoU are not matched
 *
 * Returns: (transfer full): a matcher, for one thread at a time
 */
BwMatcher *
bw_matcher_new (double iou_threshold)
{
  BwMatcher *self;

  g_return_val_if_fail (iou_threshold > 0.0 && iou_threshold <= 1.0, NULL);

  self = g_new0 (BwMatcher, 1);
  self->iou_threshold = iou_threshold;
  self->geos = GEOS_init_r ();
  GEOSContext_setErrorMessageHandler_r (self->geos, geos_message_cb, NULL);
  GEOSContext_setNoticeMessageHandler_r (self->geos, geos_message_cb, NULL);

  return self;
}

void
bw_matcher_free (BwMatcher *self)
{
  if (self == NULL)
    return;

  GEOS_finish_r (self->geos);
  g_free (self);
}

double
bw_matcher_get_iou_threshold (BwMatcher *self)
{
  g_return_val_if_fail (self != NULL, 0.0);
  return self->iou_threshold;
}

/* Geometry */

static double
geos_area (GEOSContextHandle_t  geos,
           const GEOSGeometry  *geom)
{
  double area = 0.0;

  if (geom == NULL || GEOSArea_r (geos, geom, &area) != 1)
    return 0.0;
  return area;
}

static double
box_area (const BwRect *r)
{
  return (r->x1 - r->x0) * (r->y1 - r->y0);
}

/* The IoU of two shapes, given their geometries and areas when one of
 * them is a polygon. */
static double
iou_of (BwMatcher     *self,
        const BwShape *a,
        const BwShape *b,
        GEOSGeometry **geom_a,
        GEOSGeometry **geom_b,
        double        *area_a,
        double        *area_b)
{
  GEOSGeometry *inter;
  double inter_area, union_area;

  if (a->bbox.x0 >= b->bbox.x1 || b->bbox.x0 >= a->bbox.x1 ||
      a->bbox.y0 >= b->bbox.y1 || b->bbox.y0 >= a->bbox.y1)
    return 0.0;

  if (a->kind == BW_SHAPE_BOX && b->kind == BW_SHAPE_BOX)
    {
      BwRect i = {
        MAX (a->bbox.x0, b->bbox.x0), MAX (a->bbox.y0, b->bbox.y0),
        MIN (a->bbox.x1, b->bbox.x1), MIN (a->bbox.y1, b->bbox.y1),
      };

      inter_area = box_area (&i);
      union_area = box_area (&a->bbox) + box_area (&b->bbox) - inter_area;
      return union_area > 0.0 ? inter_area / union_area : 0.0;
    }

  if (*geom_a == NULL)
    {
      *geom_a = bw_shape_to_geos (self->geos, a);
      *area_a = a->kind == BW_SHAPE_BOX ? box_area (&a->bbox) : geos_area (self->geos, *geom_a);
    }
  if (*geom_b == NULL)
    {
      *geom_b = bw_shape_to_geos (self->geos, b);
      *area_b = b->kind == BW_SHAPE_BOX ? box_area (&b->bbox) : geos_area (self->geos, *geom_b);
    }
  if (*geom_a == NULL || *geom_b == NULL)
    return 0.0;

  inter = GEOSIntersection_r (self->geos, *geom_a, *geom_b);
  inter_area = geos_area (self->geos, inter);
  if (inter != NULL)
    GEOSGeom_destroy_r (self->geos, inter);

  union_area = *area_a + *area_b - inter_area;
  if (union_area <= 0.0 || inter_area <= 0.0)
    return 0.0;
  return MIN (1.0, inter_area / union_area);
}

/**
 * bw_matcher_shape_area:
 *
 * Returns: the area of @shape as the IoU sees it: a box's w × h, a
 *   polygon's through GEOS (its parts united)
 */
double
bw_matcher_shape_area (BwMatcher     *self,
                       const BwShape *shape)
{
  GEOSGeometry *geom;
  double area;

  g_return_val_if_fail (self != NULL, 0.0);
  g_return_val_if_fail (shape != NULL, 0.0);

  if (shape->kind == BW_SHAPE_BOX)
    return box_area (&shape->bbox);
  geom = bw_shape_to_geos (self->geos, shape);
  area = geos_area (self->geos, geom);
  if (geom != NULL)
    GEOSGeom_destroy_r (self->geos, geom);
  return area;
}

/**
 * bw_matcher_shape_iou:
 * @self: a matcher
 * @a: a shape
 * @b: another shape
 *
 * Returns: the intersection over union of @a and @b, 0 when either has no
 *   area
 */
double
bw_matcher_shape_iou (BwMatcher     *self,
                      const BwShape *a,
                      const BwShape *b)
{
  GEOSGeometry *geom_a = NULL, *geom_b = NULL;
  double area_a = 0.0, area_b = 0.0;
  double iou;

  g_return_val_if_fail (self != NULL, 0.0);
  g_return_val_if_fail (a != NULL && b != NULL, 0.0);

  iou = iou_of (self, a, b, &geom_a, &geom_b, &area_a, &area_b);
  if (geom_a != NULL)
    GEOSGeom_destroy_r (self->geos, geom_a);
  if (geom_b != NULL)
    GEOSGeom_destroy_r (self->geos, geom_b);
  return iou;
}

static void
pairing_init (Pairing            *p,
              BwMatcher          *matcher,
              const BwMatchShape *a,
              guint               n_a,
              const BwMatchShape *b,
              guint               n_b)
{
  p->matcher = matcher;
  p->a = a;
  p->n_a = n_a;
  p->b = b;
  p->n_b = n_b;
  p->geom_a = g_new0 (GEOSGeometry *, n_a);
  p->geom_b = g_new0 (GEOSGeometry *, n_b);
  p->area_a = g_new0 (double, n_a);
  p->area_b = g_new0 (double, n_b);
  p->edges = g_array_new (FALSE, FALSE, sizeof (Edge));

  for (guint i = 0; i < n_a; i++)
    for (guint j = 0; j < n_b; j++)
      {
        Edge e = { i, j, 0.0 };

        e.iou = iou_of (matcher, a[i].shape, b[j].shape,
                        &p->geom_a[i], &p->geom_b[j], &p->area_a[i], &p->area_b[j]);
        if (e.iou > 0.0)
          g_array_append_val (p->edges, e);
      }
}

static void
pairing_clear (Pairing *p)
{
  for (guint i = 0; i < p->n_a; i++)
    if (p->geom_a[i] != NULL)
      GEOSGeom_destroy_r (p->matcher->geos, p->geom_a[i]);
  for (guint j = 0; j < p->n_b; j++)
    if (p->geom_b[j] != NULL)
      GEOSGeom_destroy_r (p->matcher->geos, p->geom_b[j]);
  g_free (p->geom_a);
  g_free (p->geom_b);
  g_free (p->area_a);
  g_free (p->area_b);
  g_array_unref (p->edges);
}

/* The optimal assignment */

/**
 * bw_hungarian_maximise:
 * @weight: @n_rows × @n_cols weights, row by row; 0 for a pair that may
 *   not be assigned
 * @n_rows: number of rows
 * @n_cols: number of columns
 * @row_to_col: (out): for each row, its column, or -1
 *
 * Finds the one-to-one assignment of rows to columns of largest total
 * weight: the Hungarian algorithm, in its O(n²m) form with potentials and
 * shortest augmenting paths (Kuhn 1955, Munkres 1957; the formulation of
 * Jonker and Volgenant). Written here because neither GLib nor GEOS has
 * one. Pairs of weight 0 in the result are reported as -1.
 */
void
bw_hungarian_maximise (const double *weight,
                       guint         n_rows,
                       guint         n_cols,
                       int          *row_to_col)
{
  gboolean transposed = n_rows > n_cols;
  guint n = transposed ? n_cols : n_rows;  /* rows of the cost matrix, n ≤ m */
  guint m = transposed ? n_rows : n_cols;
  g_autofree double *u = NULL;
  g_autofree double *v = NULL;
  g_autofree double *minv = NULL;
  g_autofree guint *p = NULL;
  g_autofree guint *way = NULL;
  g_autofree gboolean *used = NULL;

  g_return_if_fail (row_to_col != NULL);

  for (guint r = 0; r < n_rows; r++)
    row_to_col[r] = -1;
  if (n == 0)
    return;

  /* 1-based, with row and column 0 as the virtual start of each path. */
  u = g_new0 (double, n + 1);
  v = g_new0 (double, m + 1);
  minv = g_new (double, m + 1);
  p = g_new0 (guint, m + 1);
  way = g_new0 (guint, m + 1);
  used = g_new (gboolean, m + 1);

#define COST(i, j) (-(transposed ? weight[(gsize) ((j) - 1) * n_cols + ((i) - 1)] \
                                 : weight[(gsize) ((i) - 1) * n_cols + ((j) - 1)]))

  for (guint i = 1; i <= n; i++)
    {
      guint j0 = 0;

      p[0] = i;
      for (guint j = 0; j <= m; j++)
        {
          minv[j] = INFINITY;
          used[j] = FALSE;
        }

      do
        {
          guint i0 = p[j0], j1 = 0;
          double delta = INFINITY;

          used[j0] = TRUE;
          for (guint j = 1; j <= m; j++)
            {
              double cur;

              if (used[j])
                continue;
              cur = COST (i0, j) - u[i0] - v[j];
              if (cur < minv[j])
                {
                  minv[j] = cur;
                  way[j] = j0;
                }
              if (minv[j] < delta)
                {
                  delta = minv[j];
                  j1 = j;
                }
            }

          g_assert (j1 != 0);
          for (guint j = 0; j <= m; j++)
            {
              if (used[j])
                {
                  u[p[j]] += delta;
                  v[j] -= delta;
                }
              else
                minv[j] -= delta;
            }
          j0 = j1;
        }
      while (p[j0] != 0);

      do
        {
          guint j1 = way[j0];

          p[j0] = p[j1];
          j0 = j1;
        }
      while (j0 != 0);
    }

#undef COST

  for (guint j = 1; j <= m; j++)
    {
      guint r, c;

      if (p[j] == 0)
        continue;
      r = transposed ? j - 1 : p[j] - 1;
      c = transposed ? p[j] - 1 : j - 1;
      if (weight[(gsize) r * n_cols + c] > 0.0)
        row_to_col[r] = c;
    }
}

static guint
find_root (guint *parent,
           guint  x)
{
  while (parent[x] != x)
    {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
  return x;
}

static int
compare_by_root (gconstpointer x,
                 gconstpointer y,
                 gpointer      user_data)
{
  const guint *root_of = user_data;
  guint ex = *(const guint *) x, ey = *(const guint *) y;

  if (root_of[ex] != root_of[ey])
    return root_of[ex] < root_of[ey] ? -1 : 1;
  return ex < ey ? -1 : ex > ey;
}

/* Assigns, optimally, among the edges given: splits them into connected
 * components and solves each. a_to_b / b_to_a receive the pairs. */
static void
assign_edges (const Edge *edges,
              guint       n_edges,
              guint       n_a,
              guint       n_b,
              int        *a_to_b,
              int        *b_to_a,
              double     *a_iou)
{
  g_autofree guint *parent = NULL;
  g_autofree guint *order = NULL;
  g_autofree guint *root_of = NULL;
  g_autofree int *local = NULL;
  guint start;

  if (n_edges == 0)
    return;

  if (n_edges == 1)
    {
      a_to_b[edges[0].a] = edges[0].b;
      b_to_a[edges[0].b] = edges[0].a;
      a_iou[edges[0].a] = edges[0].iou;
      return;
    }

  parent = g_new (guint, n_a + n_b);
  for (guint i = 0; i < n_a + n_b; i++)
    parent[i] = i;
  for (guint e = 0; e < n_edges; e++)
    {
      guint x = find_root (parent, edges[e].a);
      guint y = find_root (parent, n_a + edges[e].b);

      if (x != y)
        parent[MAX (x, y)] = MIN (x, y);
    }

  /* Edges grouped by component, in their order within a component. */
  root_of = g_new (guint, n_edges);
  order = g_new (guint, n_edges);
  for (guint e = 0; e < n_edges; e++)
    {
      root_of[e] = find_root (parent, edges[e].a);
      order[e] = e;
    }
  g_qsort_with_data (order, n_edges, sizeof (guint), compare_by_root, root_of);
  local = g_new (int, n_a + n_b);

  start = 0;
  while (start < n_edges)
    {
      guint root = root_of[order[start]];
      guint end = start, n_rows = 0, n_cols = 0;
      g_autofree guint *rows = NULL;
      g_autofree guint *cols = NULL;
      g_autofree double *w = NULL;
      g_autofree int *row_to_col = NULL;

      while (end < n_edges && root_of[order[end]] == root)
        end++;

      rows = g_new (guint, end - start);
      cols = g_new (guint, end - start);
      for (guint k = start; k < end; k++)
        {
          const Edge *e = &edges[order[k]];

          local[e->a] = -1;
          local[n_a + e->b] = -1;
        }
      for (guint k = start; k < end; k++)
        {
          const Edge *e = &edges[order[k]];

          if (local[e->a] < 0)
            {
              local[e->a] = n_rows;
              rows[n_rows++] = e->a;
            }
          if (local[n_a + e->b] < 0)
            {
              local[n_a + e->b] = n_cols;
              cols[n_cols++] = e->b;
            }
        }

      w = g_new0 (double, (gsize) n_rows * n_cols);
      for (guint k = start; k < end; k++)
        {
          const Edge *e = &edges[order[k]];

          w[(gsize) local[e->a] * n_cols + local[n_a + e->b]] = e->iou;
        }

      row_to_col = g_new (int, n_rows);
      bw_hungarian_maximise (w, n_rows, n_cols, row_to_col);
      for (guint r = 0; r < n_rows; r++)
        {
          int c = row_to_col[r];

          if (c < 0)
            continue;
          a_to_b[rows[r]] = cols[c];
          b_to_a[cols[c]] = rows[r];
          a_iou[rows[r]] = w[(gsize) r * n_cols + c];
        }

      start = end;
    }
}

typedef enum
{
  CATEGORY_SAME,
  CATEGORY_DIFFERENT,
  CATEGORY_ANY,
} CategoryRule;

/* One step: an optimal assignment among the pairs whose shapes are both
 * free, whose categories follow @rule and whose IoU is in [lo, hi). */
static void
assign_step (Pairing        *p,
             CategoryRule    rule,
             double          lo,
             double          hi,
             const gboolean *a_free,
             const gboolean *b_free,
             int            *a_to_b,
             int            *b_to_a,
             double         *a_iou)
{
  g_autoptr(GArray) eligible = g_array_new (FALSE, FALSE, sizeof (Edge));

  for (guint k = 0; k < p->edges->len; k++)
    {
      const Edge *e = &g_array_index (p->edges, Edge, k);
      gboolean same = p->a[e->a].category_id == p->b[e->b].category_id;

      if (!a_free[e->a] || !b_free[e->b])
        continue;
      if ((rule == CATEGORY_SAME && !same) || (rule == CATEGORY_DIFFERENT && same))
        continue;
      if (e->iou < lo || e->iou >= hi)
        continue;
      g_array_append_val (eligible, *e);
    }

  assign_edges ((const Edge *) (void *) eligible->data, eligible->len, p->n_a, p->n_b,
                a_to_b, b_to_a, a_iou);
}

/* Marks what a step paired and takes it out of what is free. */
static void
record_pairs (Pairing        *p,
              BwMatchKind     kind,
              const int      *a_to_b,
              const double   *a_iou,
              gboolean       *a_free,
              gboolean       *b_free,
              BwMatchOutcome *a_out,
              BwMatchOutcome *b_out)
{
  for (guint i = 0; i < p->n_a; i++)
    {
      int j = a_to_b[i];

      if (j < 0 || !a_free[i])
        continue;
      a_out[i] = (BwMatchOutcome) { kind, j, a_iou[i] };
      b_out[j] = (BwMatchOutcome) { kind, (int) i, a_iou[i] };
      a_free[i] = FALSE;
      b_free[j] = FALSE;
    }
}

/**
 * bw_matcher_match:
 * @self: a matcher
 * @annotated: (array length=n_annotated): the shapes judged
 * @n_annotated: their number
 * @reference: (array length=n_reference): the reference (gold) shapes
 * @n_reference: their number
 * @annotated_out: (array length=n_annotated): what each annotated shape is
 * @reference_out: (array length=n_reference): what each reference shape is
 *
 * Matches the shapes of one image, all categories at once, as the comment
 * at the top of this file says. A true positive or a wrong-category or
 * poor-localisation pair names its partner in both lists; a duplicate
 * names the reference shape it repeats.
 */
void
bw_matcher_match (BwMatcher          *self,
                  const BwMatchShape *annotated,
                  guint               n_annotated,
                  const BwMatchShape *reference,
                  guint               n_reference,
                  BwMatchOutcome     *annotated_out,
                  BwMatchOutcome     *reference_out)
{
  Pairing p;
  g_autofree gboolean *a_free = NULL;
  g_autofree gboolean *b_free = NULL;
  g_autofree int *a_to_b = NULL;
  g_autofree int *b_to_a = NULL;
  g_autofree double *a_iou = NULL;
  double tau;

  g_return_if_fail (self != NULL);
  g_return_if_fail (n_annotated == 0 || (annotated != NULL && annotated_out != NULL));
  g_return_if_fail (n_reference == 0 || (reference != NULL && reference_out != NULL));

  tau = self->iou_threshold;
  for (guint i = 0; i < n_annotated; i++)
    annotated_out[i] = (BwMatchOutcome) { BW_MATCH_EXTRA, -1, 0.0 };
  for (guint j = 0; j < n_reference; j++)
    reference_out[j] = (BwMatchOutcome) { BW_MATCH_MISSED, -1, 0.0 };
  if (n_annotated == 0 || n_reference == 0)
    return;

  pairing_init (&p, self, annotated, n_annotated, reference, n_reference);
  a_free = g_new (gboolean, n_annotated);
  b_free = g_new (gboolean, n_reference);
  a_to_b = g_new (int, n_annotated);
  b_to_a = g_new (int, n_reference);
  a_iou = g_new0 (double, n_annotated);
  for (guint i = 0; i < n_annotated; i++)
    a_free[i] = TRUE;
  for (guint j = 0; j < n_reference; j++)
    b_free[j] = TRUE;

#define RESET_PAIRS() G_STMT_START { \
    for (guint i_ = 0; i_ < n_annotated; i_++) a_to_b[i_] = -1; \
    for (guint j_ = 0; j_ < n_reference; j_++) b_to_a[j_] = -1; \
  } G_STMT_END

  /* 1. True positives. */
  RESET_PAIRS ();
  assign_step (&p, CATEGORY_SAME, tau, INFINITY, a_free, b_free, a_to_b, b_to_a, a_iou);
  record_pairs (&p, BW_MATCH_TRUE_POSITIVE, a_to_b, a_iou, a_free, b_free,
                annotated_out, reference_out);

  /* 2. Wrong category. */
  RESET_PAIRS ();
  assign_step (&p, CATEGORY_DIFFERENT, tau, INFINITY, a_free, b_free, a_to_b, b_to_a, a_iou);
  record_pairs (&p, BW_MATCH_WRONG_CATEGORY, a_to_b, a_iou, a_free, b_free,
                annotated_out, reference_out);

  /* 3. Duplicates of a true positive's reference shape. */
  for (guint k = 0; k < p.edges->len; k++)
    {
      const Edge *e = &g_array_index (p.edges, Edge, k);
      BwMatchOutcome *out = &annotated_out[e->a];

      if (!a_free[e->a] || e->iou < tau ||
          reference_out[e->b].kind != BW_MATCH_TRUE_POSITIVE)
        continue;
      /* Edges come in order of reference index for each annotated shape:
       * a strictly higher IoU wins, so the first wins a tie. */
      if (out->kind != BW_MATCH_DUPLICATE || e->iou > out->iou)
        *out = (BwMatchOutcome) { BW_MATCH_DUPLICATE, e->b, e->iou };
    }
  for (guint i = 0; i < n_annotated; i++)
    if (annotated_out[i].kind == BW_MATCH_DUPLICATE)
      a_free[i] = FALSE;

  /* 4. Poor localisation. */
  RESET_PAIRS ();
  assign_step (&p, CATEGORY_SAME, BW_MATCHING_POOR_LOCALISATION_MIN_IOU, tau,
               a_free, b_free, a_to_b, b_to_a, a_iou);
  record_pairs (&p, BW_MATCH_POOR_LOCALISATION, a_to_b, a_iou, a_free, b_free,
                annotated_out, reference_out);

#undef RESET_PAIRS

  /* 5. What is left stays extra or missed, as initialised. */
  pairing_clear (&p);
}

/**
 * bw_matcher_pair:
 * @self: a matcher
 * @a: (array length=n_a): shapes
 * @n_a: their number
 * @a_free: (array length=n_a) (nullable): which of @a may be paired; all
 *   when %NULL
 * @b: (array length=n_b): other shapes
 * @n_b: their number
 * @b_free: (array length=n_b) (nullable): which of @b may be paired
 * @a_to_b: (out) (array length=n_a): for each of @a, the one of @b it is
 *   paired with, or -1
 * @a_iou: (out) (array length=n_a) (nullable): the IoU of each pair
 *
 * The optimal assignment of largest total IoU among pairs of any category
 * with IoU ≥ τ: how the shapes of several annotators are grouped into
 * objects before their agreement is measured.
 */
void
bw_matcher_pair (BwMatcher          *self,
                 const BwMatchShape *a,
                 guint               n_a,
                 const gboolean     *a_free,
                 const BwMatchShape *b,
                 guint               n_b,
                 const gboolean     *b_free,
                 int                *a_to_b,
                 double             *a_iou)
{
  Pairing p;
  g_autofree gboolean *all_a = NULL;
  g_autofree gboolean *all_b = NULL;
  g_autofree int *b_to_a = NULL;
  g_autofree double *iou = NULL;

  g_return_if_fail (self != NULL);
  g_return_if_fail (n_a == 0 || a_to_b != NULL);

  for (guint i = 0; i < n_a; i++)
    {
      a_to_b[i] = -1;
      if (a_iou != NULL)
        a_iou[i] = 0.0;
    }
  if (n_a == 0 || n_b == 0)
    return;

  if (a_free == NULL)
    {
      all_a = g_new (gboolean, n_a);
      for (guint i = 0; i < n_a; i++)
        all_a[i] = TRUE;
      a_free = all_a;
    }
  if (b_free == NULL)
    {
      all_b = g_new (gboolean, n_b);
      for (guint j = 0; j < n_b; j++)
        all_b[j] = TRUE;
      b_free = all_b;
    }

  pairing_init (&p, self, a, n_a, b, n_b);
  b_to_a = g_new (int, n_b);
  for (guint j = 0; j < n_b; j++)
    b_to_a[j] = -1;
  iou = g_new0 (double, n_a);
  assign_step (&p, CATEGORY_ANY, self->iou_threshold, INFINITY, a_free, b_free,
               a_to_b, b_to_a, iou);
  if (a_iou != NULL)
    memcpy (a_iou, iou, n_a * sizeof (double));
  pairing_clear (&p);
}
