/* bw-geometry.c — shapes in image pixel coordinates
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bw-geometry"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "bw-geometry.h"
#include "bw-geometry-geos.h"

G_DEFINE_QUARK (bw-geometry-error-quark, bw_geometry_error)
G_DEFINE_BOXED_TYPE (BwShape, bw_shape, bw_shape_copy, bw_shape_free)

BwShape *
bw_shape_new_box (double x0,
                  double y0,
                  double x1,
                  double y1)
{
  BwShape *shape = g_new0 (BwShape, 1);

  shape->kind = BW_SHAPE_BOX;
  shape->bbox.x0 = MIN (x0, x1);
  shape->bbox.y0 = MIN (y0, y1);
  shape->bbox.x1 = MAX (x0, x1);
  shape->bbox.y1 = MAX (y0, y1);

  return shape;
}

BwShape *
bw_shape_new_polygon (const BwPoint *points,
                      guint          n_points)
{
  BwShape *shape = g_new0 (BwShape, 1);

  shape->kind = BW_SHAPE_POLYGON;
  bw_shape_add_part (shape, points, n_points);

  return shape;
}

void
bw_shape_add_part (BwShape       *shape,
                   const BwPoint *points,
                   guint          n_points)
{
  g_return_if_fail (shape != NULL);
  g_return_if_fail (shape->kind == BW_SHAPE_POLYGON);
  g_return_if_fail (points != NULL || n_points == 0);

  shape->points = g_renew (BwPoint, shape->points, shape->n_points + n_points);
  if (n_points > 0)
    memcpy (shape->points + shape->n_points, points, n_points * sizeof (BwPoint));
  shape->n_points += n_points;

  shape->part_ends = g_renew (guint, shape->part_ends, shape->n_parts + 1);
  shape->part_ends[shape->n_parts++] = shape->n_points;

  bw_shape_update_bbox (shape);
}

void
bw_shape_remove_part (BwShape *shape,
                      guint    part)
{
  guint start, size;

  g_return_if_fail (shape != NULL);
  g_return_if_fail (part < shape->n_parts);

  start = bw_shape_part_start (shape, part);
  size = bw_shape_part_size (shape, part);

  memmove (shape->points + start,
           shape->points + start + size,
           (shape->n_points - start - size) * sizeof (BwPoint));
  shape->n_points -= size;

  for (guint i = part; i + 1 < shape->n_parts; i++)
    shape->part_ends[i] = shape->part_ends[i + 1] - size;
  shape->n_parts--;

  bw_shape_update_bbox (shape);
}

void
bw_shape_insert_point (BwShape       *shape,
                       guint          index,
                       const BwPoint *point)
{
  guint part;

  g_return_if_fail (shape != NULL);
  g_return_if_fail (shape->kind == BW_SHAPE_POLYGON);
  g_return_if_fail (shape->n_parts > 0);
  g_return_if_fail (index <= shape->n_points);

  /* A point inserted at the end of a part belongs to that part. */
  part = index == 0 ? 0 : bw_shape_part_of_point (shape, index - 1);

  shape->points = g_renew (BwPoint, shape->points, shape->n_points + 1);
  memmove (shape->points + index + 1,
           shape->points + index,
           (shape->n_points - index) * sizeof (BwPoint));
  shape->points[index] = *point;
  shape->n_points++;

  for (guint i = part; i < shape->n_parts; i++)
    shape->part_ends[i]++;

  bw_shape_update_bbox (shape);
}

void
bw_shape_remove_point (BwShape *shape,
                       guint    index)
{
  guint part;

  g_return_if_fail (shape != NULL);
  g_return_if_fail (index < shape->n_points);

  part = bw_shape_part_of_point (shape, index);

  memmove (shape->points + index,
           shape->points + index + 1,
           (shape->n_points - index - 1) * sizeof (BwPoint));
  shape->n_points--;

  for (guint i = part; i < shape->n_parts; i++)
    shape->part_ends[i]--;

  bw_shape_update_bbox (shape);
}

BwShape *
bw_shape_copy (const BwShape *shape)
{
  BwShape *copy;

  g_return_val_if_fail (shape != NULL, NULL);

  copy = g_new0 (BwShape, 1);
  copy->kind = shape->kind;
  copy->bbox = shape->bbox;
  copy->n_parts = shape->n_parts;
  copy->n_points = shape->n_points;
  copy->part_ends = g_memdup2 (shape->part_ends, shape->n_parts * sizeof (guint));
  copy->points = g_memdup2 (shape->points, shape->n_points * sizeof (BwPoint));

  return copy;
}

void
bw_shape_free (BwShape *shape)
{
  if (shape == NULL)
    return;

  g_free (shape->part_ends);
  g_free (shape->points);
  g_free (shape);
}

gboolean
bw_shape_equal (const BwShape *a,
                const BwShape *b)
{
  if (a == b)
    return TRUE;
  if (a == NULL || b == NULL)
    return FALSE;
  if (a->kind != b->kind || a->n_parts != b->n_parts || a->n_points != b->n_points)
    return FALSE;
  if (a->kind == BW_SHAPE_BOX)
    return memcmp (&a->bbox, &b->bbox, sizeof (BwRect)) == 0;

  return memcmp (a->part_ends, b->part_ends, a->n_parts * sizeof (guint)) == 0 &&
         memcmp (a->points, b->points, a->n_points * sizeof (BwPoint)) == 0;
}

guint
bw_shape_part_start (const BwShape *shape,
                     guint          part)
{
  g_return_val_if_fail (part < shape->n_parts, 0);

  return part == 0 ? 0 : shape->part_ends[part - 1];
}

guint
bw_shape_part_size (const BwShape *shape,
                    guint          part)
{
  g_return_val_if_fail (part < shape->n_parts, 0);

  return shape->part_ends[part] - bw_shape_part_start (shape, part);
}

guint
bw_shape_part_of_point (const BwShape *shape,
                        guint          index)
{
  for (guint i = 0; i < shape->n_parts; i++)
    if (index < shape->part_ends[i])
      return i;

  return shape->n_parts > 0 ? shape->n_parts - 1 : 0;
}

void
bw_shape_update_bbox (BwShape *shape)
{
  g_return_if_fail (shape != NULL);

  if (shape->kind == BW_SHAPE_BOX)
    return;

  if (shape->n_points == 0)
    {
      memset (&shape->bbox, 0, sizeof shape->bbox);
      return;
    }

  shape->bbox.x0 = shape->bbox.x1 = shape->points[0].x;
  shape->bbox.y0 = shape->bbox.y1 = shape->points[0].y;

  for (guint i = 1; i < shape->n_points; i++)
    {
      const BwPoint *p = &shape->points[i];

      shape->bbox.x0 = MIN (shape->bbox.x0, p->x);
      shape->bbox.y0 = MIN (shape->bbox.y0, p->y);
      shape->bbox.x1 = MAX (shape->bbox.x1, p->x);
      shape->bbox.y1 = MAX (shape->bbox.y1, p->y);
    }
}

/**
 * bw_shape_area:
 *
 * Returns: the area of a box (w × h) or the sum of the areas of the parts
 *   of a polygon (the parts of one object do not overlap).
 */
double
bw_shape_area (const BwShape *shape)
{
  double area = 0.0;

  g_return_val_if_fail (shape != NULL, 0.0);

  if (shape->kind == BW_SHAPE_BOX)
    return bw_rect_area (&shape->bbox);

  for (guint i = 0; i < shape->n_parts; i++)
    area += bw_geometry_polygon_area (shape->points + bw_shape_part_start (shape, i),
                                      bw_shape_part_size (shape, i));

  return area;
}

gboolean
bw_shape_contains (const BwShape *shape,
                   double         x,
                   double         y)
{
  g_return_val_if_fail (shape != NULL, FALSE);

  if (x < shape->bbox.x0 || x > shape->bbox.x1 ||
      y < shape->bbox.y0 || y > shape->bbox.y1)
    return FALSE;

  if (shape->kind == BW_SHAPE_BOX)
    return TRUE;

  for (guint i = 0; i < shape->n_parts; i++)
    if (bw_geometry_point_in_polygon (shape->points + bw_shape_part_start (shape, i),
                                      bw_shape_part_size (shape, i), x, y))
      return TRUE;

  return FALSE;
}

void
bw_shape_translate (BwShape *shape,
                    double   dx,
                    double   dy)
{
  g_return_if_fail (shape != NULL);

  for (guint i = 0; i < shape->n_points; i++)
    {
      shape->points[i].x += dx;
      shape->points[i].y += dy;
    }

  shape->bbox.x0 += dx;
  shape->bbox.x1 += dx;
  shape->bbox.y0 += dy;
  shape->bbox.y1 += dy;
}

void
bw_shape_clamp (BwShape *shape,
                double   width,
                double   height)
{
  g_return_if_fail (shape != NULL);

  if (shape->kind == BW_SHAPE_BOX)
    {
      shape->bbox.x0 = CLAMP (shape->bbox.x0, 0.0, width);
      shape->bbox.x1 = CLAMP (shape->bbox.x1, 0.0, width);
      shape->bbox.y0 = CLAMP (shape->bbox.y0, 0.0, height);
      shape->bbox.y1 = CLAMP (shape->bbox.y1, 0.0, height);
      return;
    }

  for (guint i = 0; i < shape->n_points; i++)
    {
      shape->points[i].x = CLAMP (shape->points[i].x, 0.0, width);
      shape->points[i].y = CLAMP (shape->points[i].y, 0.0, height);
    }

  bw_shape_update_bbox (shape);
}

/**
 * bw_shape_check_limits:
 *
 * Checks what every stored shape must meet before anything else is done
 * with it: at most %BW_SHAPE_MAX_POINTS points and %BW_SHAPE_MAX_PARTS
 * parts, and every coordinate finite (a NaN among the points does not
 * show in the bounding box: MIN and MAX skip it).
 */
gboolean
bw_shape_check_limits (const BwShape  *shape,
                       GError        **error)
{
  g_return_val_if_fail (shape != NULL, FALSE);

  if (shape->n_points > BW_SHAPE_MAX_POINTS || shape->n_parts > BW_SHAPE_MAX_PARTS)
    {
      g_set_error (error, BW_GEOMETRY_ERROR, BW_GEOMETRY_ERROR_TOO_BIG,
                   _("The shape has %u points in %u parts; a shape may have at most %u points and %u parts"),
                   shape->n_points, shape->n_parts, BW_SHAPE_MAX_POINTS, BW_SHAPE_MAX_PARTS);
      return FALSE;
    }

  if (!isfinite (shape->bbox.x0) || !isfinite (shape->bbox.y0) ||
      !isfinite (shape->bbox.x1) || !isfinite (shape->bbox.y1))
    goto not_finite;
  for (guint i = 0; i < shape->n_points; i++)
    if (!isfinite (shape->points[i].x) || !isfinite (shape->points[i].y))
      goto not_finite;

  return TRUE;

not_finite:
  g_set_error (error, BW_GEOMETRY_ERROR, BW_GEOMETRY_ERROR_NOT_FINITE,
               _("The shape has a coordinate that is not a finite number"));
  return FALSE;
}

static gboolean check_shape (const BwShape  *shape,
                             GError        **error);

/**
 * bw_shape_validate:
 *
 * The limits of bw_shape_check_limits(); a box must be at least 1 × 1
 * pixel; each part of a polygon must have at least 3 distinct points.
 */
gboolean
bw_shape_validate (const BwShape  *shape,
                   GError        **error)
{
  GError *local_error = NULL;

  g_return_val_if_fail (shape != NULL, FALSE);

  /* One code for every reason, as callers have always seen it; the
   * reasons are told apart by bw_shape_fit_to_image(). */
  if (!check_shape (shape, &local_error))
    {
      local_error->code = BW_GEOMETRY_ERROR_INVALID;
      g_propagate_error (error, local_error);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_shape (const BwShape  *shape,
             GError        **error)
{
  if (!bw_shape_check_limits (shape, error))
    return FALSE;

  if (shape->kind == BW_SHAPE_BOX)
    {
      if (shape->bbox.x1 - shape->bbox.x0 < 1.0 || shape->bbox.y1 - shape->bbox.y0 < 1.0)
        {
          g_set_error (error, BW_GEOMETRY_ERROR, BW_GEOMETRY_ERROR_DEGENERATE,
                       _("A box must be at least 1 × 1 pixel"));
          return FALSE;
        }
      return TRUE;
    }

  if (shape->n_parts == 0)
    {
      g_set_error (error, BW_GEOMETRY_ERROR, BW_GEOMETRY_ERROR_DEGENERATE,
                   _("A polygon must have at least one part"));
      return FALSE;
    }

  for (guint i = 0; i < shape->n_parts; i++)
    {
      if (bw_geometry_count_distinct (shape->points + bw_shape_part_start (shape, i),
                                      bw_shape_part_size (shape, i)) < 3)
        {
          g_set_error (error, BW_GEOMETRY_ERROR, BW_GEOMETRY_ERROR_DEGENERATE,
                       _("A polygon needs at least 3 distinct points"));
          return FALSE;
        }
    }

  return TRUE;
}

/* GEOS */

static void
geos_message_cb (const char *message,
                 void       *user_data)
{
  /* A failed operation returns NULL or 0 as well; callers handle that. */
  g_debug ("GEOS: %s", message);
}

static void
geos_context_free (gpointer context)
{
  GEOS_finish_r (context);
}

static GPrivate geos_context_key = G_PRIVATE_INIT (geos_context_free);

/**
 * bw_geometry_geos_context:
 *
 * Returns: (transfer none): the calling thread's GEOS context, made on
 *   first use and finished when the thread ends
 */
GEOSContextHandle_t
bw_geometry_geos_context (void)
{
  GEOSContextHandle_t context = g_private_get (&geos_context_key);

  if (context == NULL)
    {
      context = GEOS_init_r ();
      GEOSContext_setErrorMessageHandler_r (context, geos_message_cb, NULL);
      GEOSContext_setNoticeMessageHandler_r (context, geos_message_cb, NULL);
      g_private_set (&geos_context_key, context);
    }
  return context;
}

static GEOSGeometry *
ring_to_geos (GEOSContextHandle_t  geos,
              const BwPoint       *points,
              guint                n_points)
{
  GEOSCoordSequence *seq = GEOSCoordSeq_create_r (geos, n_points + 1, 2);
  GEOSGeometry *ring;

  if (seq == NULL)
    return NULL;
  for (guint i = 0; i <= n_points; i++)
    GEOSCoordSeq_setXY_r (geos, seq, i, points[i % n_points].x, points[i % n_points].y);

  if ((ring = GEOSGeom_createLinearRing_r (geos, seq)) == NULL)
    return NULL;
  return GEOSGeom_createPolygon_r (geos, ring, NULL, 0);
}

/* A polygon's parts, each made valid (a self-intersecting outline becomes
 * the areas it encloses), united as COCO unites the parts of one
 * segmentation. *out_valid says whether every part was valid as it is. */
static GEOSGeometry *
shape_to_geos (GEOSContextHandle_t  geos,
               const BwShape       *shape,
               gboolean            *out_valid)
{
  g_autofree GEOSGeometry **parts = NULL;
  GEOSGeometry *collection, *united;
  guint n = 0;

  *out_valid = TRUE;

  if (shape->kind == BW_SHAPE_BOX)
    {
      /* The ring Shapely's box() makes, so both compute the same
       * intersections to the last bit. */
      const BwRect *r = &shape->bbox;
      const BwPoint ring[] = {
        { r->x1, r->y0 }, { r->x1, r->y1 }, { r->x0, r->y1 }, { r->x0, r->y0 },
      };

      return ring_to_geos (geos, ring, G_N_ELEMENTS (ring));
    }

  parts = g_new0 (GEOSGeometry *, MAX (1, shape->n_parts));
  for (guint i = 0; i < shape->n_parts; i++)
    {
      guint size = bw_shape_part_size (shape, i);
      GEOSGeometry *part;

      if (size < 3)
        {
          *out_valid = FALSE;
          continue;
        }
      part = ring_to_geos (geos, shape->points + bw_shape_part_start (shape, i), size);
      if (part != NULL && GEOSisValid_r (geos, part) != 1)
        {
          GEOSGeometry *valid = GEOSMakeValid_r (geos, part);

          GEOSGeom_destroy_r (geos, part);
          part = valid;
          *out_valid = FALSE;
        }
      if (part != NULL)
        parts[n++] = part;
    }

  if (n == 0)
    return NULL;
  if (n == 1)
    return parts[0];

  collection = GEOSGeom_createCollection_r (geos, GEOS_GEOMETRYCOLLECTION, parts, n);
  if (collection == NULL)
    {
      for (guint i = 0; i < n; i++)
        GEOSGeom_destroy_r (geos, parts[i]);
      return NULL;
    }
  united = GEOSUnaryUnion_r (geos, collection);
  GEOSGeom_destroy_r (geos, collection);
  return united;
}

/**
 * bw_shape_to_geos:
 * @geos: the calling thread's context (bw_geometry_geos_context())
 * @shape: a box or a polygon
 *
 * A box becomes its rectangle. A polygon becomes the union of its parts,
 * each made valid first (GEOSMakeValid), so a self-intersecting outline
 * counts for the areas it encloses; the result is valid, fit for areas
 * and intersections.
 *
 * Returns: (transfer full) (nullable): the geometry, to be destroyed with
 *   GEOSGeom_destroy_r(), or %NULL when the shape has no part GEOS can
 *   make
 */
GEOSGeometry *
bw_shape_to_geos (GEOSContextHandle_t  geos,
                  const BwShape       *shape)
{
  gboolean valid;

  g_return_val_if_fail (geos != NULL, NULL);
  g_return_val_if_fail (shape != NULL, NULL);

  return shape_to_geos (geos, shape, &valid);
}

static void
collect_polygons (GEOSContextHandle_t  geos,
                  const GEOSGeometry  *geometry,
                  BwShape             *shape)
{
  int type = GEOSGeomTypeId_r (geos, geometry);

  if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION)
    {
      int n = GEOSGetNumGeometries_r (geos, geometry);

      for (int i = 0; i < n; i++)
        collect_polygons (geos, GEOSGetGeometryN_r (geos, geometry, i), shape);
      return;
    }

  if (type == GEOS_POLYGON)
    {
      const GEOSGeometry *ring = GEOSGetExteriorRing_r (geos, geometry);
      const GEOSCoordSequence *seq = ring ? GEOSGeom_getCoordSeq_r (geos, ring) : NULL;
      g_autofree BwPoint *points = NULL;
      unsigned int size = 0;

      if (seq == NULL || !GEOSCoordSeq_getSize_r (geos, seq, &size) || size < 4)
        return;

      /* The ring repeats its first point at the end; a part does not. */
      size--;
      points = g_new (BwPoint, size);
      for (unsigned int i = 0; i < size; i++)
        GEOSCoordSeq_getXY_r (geos, seq, i, &points[i].x, &points[i].y);

      if (bw_geometry_count_distinct (points, size) >= 3 &&
          bw_geometry_polygon_area (points, size) > 0.0)
        bw_shape_add_part (shape, points, size);
    }

  /* Lines and points (where a shape touches an edge) have no area. */
}

/**
 * bw_shape_new_from_geos:
 * @geos: the calling thread's context
 * @geometry: a polygon, a multipolygon or a collection holding some
 *
 * The outer ring of each polygon becomes one part (a shape has no holes,
 * nor has a COCO polygon); lines and points are left out.
 *
 * Returns: (transfer full) (nullable): a polygon shape, or %NULL when
 *   @geometry holds no polygon with an area
 */
BwShape *
bw_shape_new_from_geos (GEOSContextHandle_t  geos,
                        const GEOSGeometry  *geometry)
{
  g_autoptr(BwShape) shape = NULL;

  g_return_val_if_fail (geos != NULL, NULL);
  g_return_val_if_fail (geometry != NULL, NULL);

  shape = g_new0 (BwShape, 1);
  shape->kind = BW_SHAPE_POLYGON;
  collect_polygons (geos, geometry, shape);
  if (shape->n_parts == 0)
    return NULL;
  return g_steal_pointer (&shape);
}

static void
shape_take (BwShape *shape,
            BwShape *from)
{
  BwShape old = *shape;

  *shape = *from;
  *from = old;
  bw_shape_free (from);
}

/**
 * bw_shape_fit_to_image:
 * @shape: a shape, changed in place when it crosses an edge of the image
 *   or is a self-intersecting polygon
 * @width: the image's width in pixels
 * @height: the image's height in pixels
 * @out_changed: (out) (optional): whether @shape was changed
 * @error: return location for a #GError, with a %BW_GEOMETRY_ERROR code
 *   saying why the shape is refused
 *
 * Makes a shape from another program fit to be stored, or says why it
 * cannot: clamping each point to the image instead would invent shapes
 * (a polygon at ±1e300 becomes a triangle over half the image). A box is
 * cut to the image. A polygon is made valid (GEOSMakeValid) and
 * intersected with the image (GEOSIntersection), keeping its point order
 * when it is valid and inside already. Refused: a shape over the limits or
 * with a coordinate that is not finite, one without area (a box under
 * 1 × 1 pixel, a polygon under %BW_SHAPE_MIN_AREA: points on a line), and
 * one with less than
 * %BW_SHAPE_MIN_FRACTION_INSIDE of its area inside the image.
 *
 * Returns: %TRUE when @shape can be stored as it is now
 */
gboolean
bw_shape_fit_to_image (BwShape   *shape,
                       double     width,
                       double     height,
                       gboolean  *out_changed,
                       GError   **error)
{
  GEOSContextHandle_t geos;
  GEOSGeometry *geometry = NULL, *image = NULL, *inside = NULL;
  g_autoptr(BwShape) fitted = NULL;
  gboolean in_image, valid, ok = FALSE;
  double area = 0.0, inside_area = 0.0;

  g_return_val_if_fail (shape != NULL, FALSE);

  if (out_changed != NULL)
    *out_changed = FALSE;

  if (!check_shape (shape, error))
    return FALSE;

  in_image = shape->bbox.x0 >= 0.0 && shape->bbox.y0 >= 0.0 &&
             shape->bbox.x1 <= width && shape->bbox.y1 <= height;

  if (shape->kind == BW_SHAPE_BOX)
    {
      BwRect cut = {
        MAX (shape->bbox.x0, 0.0), MAX (shape->bbox.y0, 0.0),
        MIN (shape->bbox.x1, width), MIN (shape->bbox.y1, height),
      };

      if (in_image)
        return TRUE;
      if (bw_rect_area (&cut) < BW_SHAPE_MIN_FRACTION_INSIDE * bw_rect_area (&shape->bbox))
        goto outside;
      if (cut.x1 - cut.x0 < 1.0 || cut.y1 - cut.y0 < 1.0)
        goto degenerate;
      shape->bbox = cut;
      if (out_changed != NULL)
        *out_changed = TRUE;
      return TRUE;
    }

  geos = bw_geometry_geos_context ();
  geometry = shape_to_geos (geos, shape, &valid);
  if (geometry == NULL || GEOSArea_r (geos, geometry, &area) != 1 || !(area >= BW_SHAPE_MIN_AREA))
    goto degenerate;

  if (in_image && valid)
    {
      ok = TRUE;
      goto out;
    }

  if (in_image)
    inside = GEOSGeom_clone_r (geos, geometry);
  else
    {
      image = GEOSGeom_createRectangle_r (geos, 0.0, 0.0, width, height);
      inside = image ? GEOSIntersection_r (geos, geometry, image) : NULL;
    }
  if (inside == NULL || GEOSArea_r (geos, inside, &inside_area) != 1)
    goto degenerate;
  if (inside_area < BW_SHAPE_MIN_FRACTION_INSIDE * area)
    goto outside;
  if (inside_area < BW_SHAPE_MIN_AREA)
    goto degenerate;

  fitted = bw_shape_new_from_geos (geos, inside);
  if (fitted == NULL)
    goto degenerate;
  if (!bw_shape_check_limits (fitted, error))
    goto out;

  shape_take (shape, g_steal_pointer (&fitted));
  if (out_changed != NULL)
    *out_changed = TRUE;
  ok = TRUE;
  goto out;

degenerate:
  g_set_error (error, BW_GEOMETRY_ERROR, BW_GEOMETRY_ERROR_DEGENERATE,
               _("The shape has no area: its points are on one line, or it has less than a pixel inside the image"));
  goto out;

outside:
  g_set_error (error, BW_GEOMETRY_ERROR, BW_GEOMETRY_ERROR_OUTSIDE,
               _("Less than half of the shape is inside the %g × %g image"), width, height);

out:
  if (geometry != NULL)
    GEOSGeom_destroy_r (geos, geometry);
  if (image != NULL)
    GEOSGeom_destroy_r (geos, image);
  if (inside != NULL)
    GEOSGeom_destroy_r (geos, inside);
  return ok;
}

static inline void
put_u32 (GByteArray *buf,
         guint32     value)
{
  value = GUINT32_TO_LE (value);
  g_byte_array_append (buf, (const guint8 *)&value, sizeof value);
}

static inline void
put_double (GByteArray *buf,
            double      value)
{
  guint64 bits;

  memcpy (&bits, &value, sizeof bits);
  bits = GUINT64_TO_LE (bits);
  g_byte_array_append (buf, (const guint8 *)&bits, sizeof bits);
}

static inline guint32
get_u32 (const guint8 *data)
{
  guint32 value;

  memcpy (&value, data, sizeof value);
  return GUINT32_FROM_LE (value);
}

static inline double
get_double (const guint8 *data)
{
  guint64 bits;
  double value;

  memcpy (&bits, data, sizeof bits);
  bits = GUINT64_FROM_LE (bits);
  memcpy (&value, &bits, sizeof value);
  return value;
}

/**
 * bw_shape_serialize_parts:
 *
 * The stored form of a polygon: a little-endian u32 part count, then for
 * each part a u32 point count followed by that many (x, y) float64 pairs.
 * A box has no parts blob; its geometry is its bounding box.
 *
 * Returns: (nullable): the blob, or %NULL for a box
 */
GBytes *
bw_shape_serialize_parts (const BwShape *shape)
{
  GByteArray *buf;

  g_return_val_if_fail (shape != NULL, NULL);

  if (shape->kind == BW_SHAPE_BOX)
    return NULL;

  buf = g_byte_array_sized_new (4 + 4 * shape->n_parts + 16 * shape->n_points);
  put_u32 (buf, shape->n_parts);
  for (guint i = 0; i < shape->n_parts; i++)
    {
      guint start = bw_shape_part_start (shape, i);
      guint size = bw_shape_part_size (shape, i);

      put_u32 (buf, size);
      for (guint j = start; j < start + size; j++)
        {
          put_double (buf, shape->points[j].x);
          put_double (buf, shape->points[j].y);
        }
    }

  return g_byte_array_free_to_bytes (buf);
}

BwShape *
bw_shape_deserialize (BwShapeKind    kind,
                      const BwRect  *bbox,
                      const guint8  *data,
                      gsize          size,
                      GError       **error)
{
  g_autoptr(BwShape) shape = NULL;
  guint32 n_parts;
  gsize offset = 4;

  if (kind == BW_SHAPE_BOX)
    {
      shape = bw_shape_new_box (bbox->x0, bbox->y0, bbox->x1, bbox->y1);
      goto check;
    }

  if (kind != BW_SHAPE_POLYGON || data == NULL || size < 4)
    goto corrupt;

  n_parts = get_u32 (data);
  if (n_parts == 0 || n_parts > BW_SHAPE_MAX_PARTS)
    goto corrupt;

  shape = g_new0 (BwShape, 1);
  shape->kind = BW_SHAPE_POLYGON;
  shape->part_ends = g_new (guint, n_parts);

  for (guint32 i = 0; i < n_parts; i++)
    {
      guint32 n;

      if (size - offset < 4)
        goto corrupt;
      n = get_u32 (data + offset);
      offset += 4;

      if (n > BW_SHAPE_MAX_POINTS - shape->n_points || (size - offset) / 16 < n)
        goto corrupt;

      shape->points = g_renew (BwPoint, shape->points, shape->n_points + n);
      for (guint32 j = 0; j < n; j++)
        {
          shape->points[shape->n_points + j].x = get_double (data + offset);
          shape->points[shape->n_points + j].y = get_double (data + offset + 8);
          offset += 16;
        }
      shape->n_points += n;
      shape->part_ends[i] = shape->n_points;
      shape->n_parts = i + 1;
    }

  if (offset != size)
    goto corrupt;

  bw_shape_update_bbox (shape);

check:
  /* What another program wrote into the file is read as carefully as an
   * imported file: every reader of the shape may assume these hold. */
  if (!bw_shape_check_limits (shape, error))
    {
      g_prefix_error (error, _("The stored shape is damaged: "));
      return NULL;
    }
  return g_steal_pointer (&shape);

corrupt:
  g_set_error (error, BW_GEOMETRY_ERROR, BW_GEOMETRY_ERROR_INVALID,
               _("The stored polygon is damaged"));
  return NULL;
}

/* Shoelace formula; the absolute value, whatever the winding. */
double
bw_geometry_polygon_area (const BwPoint *points,
                          guint          n_points)
{
  double sum = 0.0;

  if (n_points < 3)
    return 0.0;

  for (guint i = 0, j = n_points - 1; i < n_points; j = i++)
    sum += (points[j].x * points[i].y) - (points[i].x * points[j].y);

  return fabs (sum) / 2.0;
}

/* Even-odd rule, so self-intersecting outlines still behave sensibly. */
gboolean
bw_geometry_point_in_polygon (const BwPoint *points,
                              guint          n_points,
                              double         x,
                              double         y)
{
  gboolean inside = FALSE;

  if (n_points < 3)
    return FALSE;

  for (guint i = 0, j = n_points - 1; i < n_points; j = i++)
    {
      const BwPoint *a = &points[i];
      const BwPoint *b = &points[j];

      if (((a->y > y) != (b->y > y)) &&
          (x < (b->x - a->x) * (y - a->y) / (b->y - a->y) + a->x))
        inside = !inside;
    }

  return inside;
}

double
bw_geometry_distance_to_segment (double         x,
                                 double         y,
                                 const BwPoint *a,
                                 const BwPoint *b,
                                 double        *t)
{
  double dx = b->x - a->x;
  double dy = b->y - a->y;
  double len2 = dx * dx + dy * dy;
  double u = 0.0;

  if (len2 > 0.0)
    u = CLAMP (((x - a->x) * dx + (y - a->y) * dy) / len2, 0.0, 1.0);

  if (t != NULL)
    *t = u;

  return hypot (x - (a->x + u * dx), y - (a->y + u * dy));
}

guint
bw_geometry_count_distinct (const BwPoint *points,
                            guint          n_points)
{
  guint distinct = 0;

  /* Small n in practice and we stop at 3, so quadratic is fine. */
  for (guint i = 0; i < n_points && distinct < 3; i++)
    {
      gboolean seen = FALSE;

      for (guint j = 0; j < i && !seen; j++)
        seen = points[j].x == points[i].x && points[j].y == points[i].y;

      if (!seen)
        distinct++;
    }

  return distinct;
}

double
bw_rect_area (const BwRect *rect)
{
  return MAX (0.0, rect->x1 - rect->x0) * MAX (0.0, rect->y1 - rect->y0);
}

gboolean
bw_rect_intersects (const BwRect *a,
                    const BwRect *b)
{
  return a->x0 <= b->x1 && b->x0 <= a->x1 && a->y0 <= b->y1 && b->y0 <= a->y1;
}

double
bw_rect_iou (const BwRect *a,
             const BwRect *b)
{
  BwRect inter = {
    MAX (a->x0, b->x0), MAX (a->y0, b->y0),
    MIN (a->x1, b->x1), MIN (a->y1, b->y1),
  };
  double i = bw_rect_area (&inter);
  double u = bw_rect_area (a) + bw_rect_area (b) - i;

  return u > 0.0 ? i / u : 0.0;
}
