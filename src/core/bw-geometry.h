/* bw-geometry.h — shapes in image pixel coordinates
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "bw-types.h"

G_BEGIN_DECLS

/* Coordinates are image pixels, floating point, with the origin at the
 * top-left corner of the top-left pixel: the pixel (0, 0) covers
 * [0, 1) × [0, 1). */

typedef struct
{
  double x;
  double y;
} BwPoint;

typedef struct
{
  double x0;
  double y0;
  double x1;
  double y1;
} BwRect;

/**
 * BwShape:
 * @kind: a box or a polygon
 * @bbox: the bounding box; for a box, the box itself
 * @n_parts: number of polygon parts (0 for a box). A polygon has several
 *   parts when one object is split by occlusion; it stays one annotation.
 * @part_ends: for each part, the index one past its last point in @points
 * @n_points: number of points in all parts
 * @points: the points of all parts, one part after the other
 */
typedef struct
{
  BwShapeKind kind;
  BwRect      bbox;
  guint       n_parts;
  guint      *part_ends;
  guint       n_points;
  BwPoint    *points;
} BwShape;

#define BW_TYPE_SHAPE (bw_shape_get_type ())

#define BW_GEOMETRY_ERROR (bw_geometry_error_quark ())

/* One set of limits for every shape Boxwood stores, whoever made it: the
 * store refuses to save more and the reader to read more, and importers
 * refuse the shape. More is the sign of a hostile file, not of an object
 * in an image. */
#define BW_SHAPE_MAX_POINTS  (1u << 20)   /* in all parts of one shape */
#define BW_SHAPE_MAX_PARTS   (1u << 16)

/* An imported shape is clipped to its image; one with less than this
 * fraction of its area inside is refused rather than made into another
 * shape along the image's edge. */
#define BW_SHAPE_MIN_FRACTION_INSIDE 0.5

/* A polygon of less area than a 1 × 1 box has none that can be seen:
 * points on a line, give or take the rounding of their coordinates. */
#define BW_SHAPE_MIN_AREA 1.0

/**
 * BwGeometryError:
 * @BW_GEOMETRY_ERROR_INVALID: not a shape (a stored shape is damaged)
 * @BW_GEOMETRY_ERROR_TOO_BIG: more points or parts than the limits
 * @BW_GEOMETRY_ERROR_NOT_FINITE: a coordinate is infinite or NaN
 * @BW_GEOMETRY_ERROR_DEGENERATE: no area: a box under 1 × 1 pixel, a part
 *   of fewer than 3 distinct points, a polygon of less than
 *   %BW_SHAPE_MIN_AREA (points on one line)
 * @BW_GEOMETRY_ERROR_OUTSIDE: mostly outside the image
 *
 * The codes are the reasons an import counts a refused shape by.
 */
typedef enum
{
  BW_GEOMETRY_ERROR_INVALID,
  BW_GEOMETRY_ERROR_TOO_BIG,
  BW_GEOMETRY_ERROR_NOT_FINITE,
  BW_GEOMETRY_ERROR_DEGENERATE,
  BW_GEOMETRY_ERROR_OUTSIDE,
} BwGeometryError;

GQuark          bw_geometry_error_quark          (void);
GType           bw_shape_get_type                (void) G_GNUC_CONST;

BwShape        *bw_shape_new_box                 (double          x0,
                                                  double          y0,
                                                  double          x1,
                                                  double          y1);
BwShape        *bw_shape_new_polygon             (const BwPoint  *points,
                                                  guint           n_points);
void            bw_shape_add_part                (BwShape        *shape,
                                                  const BwPoint  *points,
                                                  guint           n_points);
void            bw_shape_remove_part             (BwShape        *shape,
                                                  guint           part);
void            bw_shape_insert_point            (BwShape        *shape,
                                                  guint           index,
                                                  const BwPoint  *point);
void            bw_shape_remove_point            (BwShape        *shape,
                                                  guint           index);
BwShape        *bw_shape_copy                    (const BwShape  *shape);
void            bw_shape_free                    (BwShape        *shape);
gboolean        bw_shape_equal                   (const BwShape  *a,
                                                  const BwShape  *b);

guint           bw_shape_part_start              (const BwShape  *shape,
                                                  guint           part);
guint           bw_shape_part_size               (const BwShape  *shape,
                                                  guint           part);
guint           bw_shape_part_of_point           (const BwShape  *shape,
                                                  guint           index);

void            bw_shape_update_bbox             (BwShape        *shape);
double          bw_shape_area                    (const BwShape  *shape);
gboolean        bw_shape_contains                (const BwShape  *shape,
                                                  double          x,
                                                  double          y);
void            bw_shape_translate               (BwShape        *shape,
                                                  double          dx,
                                                  double          dy);
void            bw_shape_clamp                   (BwShape        *shape,
                                                  double          width,
                                                  double          height);
gboolean        bw_shape_check_limits            (const BwShape  *shape,
                                                  GError        **error);
gboolean        bw_shape_validate                (const BwShape  *shape,
                                                  GError        **error);
gboolean        bw_shape_fit_to_image            (BwShape        *shape,
                                                  double          width,
                                                  double          height,
                                                  gboolean       *out_changed,
                                                  GError        **error);

GBytes         *bw_shape_serialize_parts         (const BwShape  *shape);
BwShape        *bw_shape_deserialize             (BwShapeKind     kind,
                                                  const BwRect   *bbox,
                                                  const guint8   *data,
                                                  gsize           size,
                                                  GError        **error);

double          bw_geometry_polygon_area         (const BwPoint  *points,
                                                  guint           n_points);
gboolean        bw_geometry_point_in_polygon     (const BwPoint  *points,
                                                  guint           n_points,
                                                  double          x,
                                                  double          y);
double          bw_geometry_distance_to_segment  (double          x,
                                                  double          y,
                                                  const BwPoint  *a,
                                                  const BwPoint  *b,
                                                  double         *t);
guint           bw_geometry_count_distinct       (const BwPoint  *points,
                                                  guint           n_points);

double          bw_rect_area                     (const BwRect   *rect);
gboolean        bw_rect_intersects               (const BwRect   *a,
                                                  const BwRect   *b);
double          bw_rect_iou                      (const BwRect   *a,
                                                  const BwRect   *b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BwShape, bw_shape_free)

G_END_DECLS
