/* bw-annotation-set.c — the annotations of one layer, in memory, indexed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The canvas draws and hit-tests from this copy, not from the project
 * file: the file is written on every edit, and the edit is mirrored here
 * so that a frame never waits for SQL.
 */

#define G_LOG_DOMAIN "bw-annotation-set"

#include "config.h"

#include "bw-annotation-set.h"

struct _BwAnnotationSet
{
  double          width;
  double          height;
  GPtrArray      *items;    /* BwAnnotation*, in drawing order: by z, then by id (creation) */
  GHashTable     *by_id;    /* gint64* (the annotation's own id) → BwAnnotation* */
  BwSpatialIndex *index;
  guint64         stamp;
  GHashTable     *hidden;   /* gint64* set: shapes the user hid, not drawn nor hit */

  BwAnnotationSetChangedFunc changed_func;
  gpointer        changed_data;
};

static void
emit_changed (BwAnnotationSet *self,
              guint            position,
              guint            removed,
              guint            added)
{
  if (self->changed_func != NULL)
    self->changed_func (self, position, removed, added, self->changed_data);
}

BwAnnotationSet *
bw_annotation_set_new (double width,
                       double height)
{
  BwAnnotationSet *self = g_new0 (BwAnnotationSet, 1);

  self->width = width;
  self->height = height;
  self->items = g_ptr_array_new_with_free_func ((GDestroyNotify) bw_annotation_free);
  self->by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
  self->index = bw_spatial_index_new (width, height);
  self->hidden = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

  return self;
}

void
bw_annotation_set_free (BwAnnotationSet *self)
{
  if (self == NULL)
    return;

  g_hash_table_unref (self->by_id);
  g_hash_table_unref (self->hidden);
  g_ptr_array_unref (self->items);
  bw_spatial_index_free (self->index);
  g_free (self);
}

/* Empties the set for another image. */
void
bw_annotation_set_reset (BwAnnotationSet *self,
                         double           width,
                         double           height)
{
  guint old_len;

  g_return_if_fail (self != NULL);

  old_len = self->items->len;
  g_hash_table_remove_all (self->by_id);
  g_hash_table_remove_all (self->hidden);
  g_ptr_array_set_size (self->items, 0);
  bw_spatial_index_free (self->index);
  self->index = bw_spatial_index_new (width, height);
  self->width = width;
  self->height = height;
  self->stamp++;
  emit_changed (self, 0, old_len, 0);
}

guint
bw_annotation_set_get_size (const BwAnnotationSet *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->items->len;
}

/* Changes whenever the content changes, so drawings made from it can be
 * kept until then. */
guint64
bw_annotation_set_get_stamp (const BwAnnotationSet *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->stamp;
}

void
bw_annotation_set_get_image_size (const BwAnnotationSet *self,
                                  double                *width,
                                  double                *height)
{
  g_return_if_fail (self != NULL);

  if (width != NULL)
    *width = self->width;
  if (height != NULL)
    *height = self->height;
}

const BwAnnotation *
bw_annotation_set_get_nth (const BwAnnotationSet *self,
                           guint                  index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->items->len, NULL);

  return g_ptr_array_index (self->items, index);
}

const BwAnnotation *
bw_annotation_set_lookup (const BwAnnotationSet *self,
                          gint64                 id)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_hash_table_lookup (self->by_id, &id);
}

/* Drawing order: z first, then creation (id). */
static inline int
compare_order (gint64 az,
               gint64 aid,
               gint64 bz,
               gint64 bid)
{
  if (az != bz)
    return az < bz ? -1 : 1;
  return (aid > bid) - (aid < bid);
}

static guint
lower_bound (const BwAnnotationSet *self,
             gint64                 z,
             gint64                 id)
{
  guint lo = 0, hi = self->items->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      const BwAnnotation *a = g_ptr_array_index (self->items, mid);

      if (compare_order (a->z, a->id, z, id) < 0)
        lo = mid + 1;
      else
        hi = mid;
    }

  return lo;
}

/**
 * bw_annotation_set_take:
 * @annotation: (transfer full): added, or replacing the one with its id
 */
void
bw_annotation_set_take (BwAnnotationSet *self,
                        BwAnnotation    *annotation)
{
  const BwAnnotation *old;
  guint pos;

  g_return_if_fail (self != NULL);
  g_return_if_fail (annotation != NULL && annotation->shape != NULL);

  old = g_hash_table_lookup (self->by_id, &annotation->id);
  if (old != NULL && old->z == annotation->z)
    {
      /* In place: same id, same place in the order. */
      pos = lower_bound (self, old->z, old->id);
      g_hash_table_remove (self->by_id, &annotation->id);
      bw_annotation_free (g_ptr_array_index (self->items, pos));
      self->items->pdata[pos] = annotation;
      g_hash_table_insert (self->by_id, &annotation->id, annotation);
      bw_spatial_index_insert (self->index, annotation->id, &annotation->shape->bbox);
      self->stamp++;
      emit_changed (self, pos, 1, 1);
      return;
    }

  /* Moved in the drawing order: out of its old place first. */
  if (old != NULL)
    {
      pos = lower_bound (self, old->z, old->id);
      g_hash_table_remove (self->by_id, &annotation->id);
      g_ptr_array_remove_index (self->items, pos);
      emit_changed (self, pos, 1, 0);
    }

  pos = lower_bound (self, annotation->z, annotation->id);
  g_ptr_array_insert (self->items, pos, annotation);
  g_hash_table_insert (self->by_id, &annotation->id, annotation);
  bw_spatial_index_insert (self->index, annotation->id, &annotation->shape->bbox);
  self->stamp++;
  emit_changed (self, pos, 0, 1);
}

void
bw_annotation_set_put (BwAnnotationSet    *self,
                       const BwAnnotation *annotation)
{
  bw_annotation_set_take (self, bw_annotation_copy (annotation));
}

gboolean
bw_annotation_set_remove (BwAnnotationSet *self,
                          gint64           id)
{
  guint pos;

  g_return_val_if_fail (self != NULL, FALSE);

  pos = bw_annotation_set_find (self, id);
  if (pos == G_MAXUINT)
    return FALSE;

  g_hash_table_remove (self->by_id, &id);
  g_hash_table_remove (self->hidden, &id);
  bw_spatial_index_remove (self->index, id);
  g_ptr_array_remove_index (self->items, pos);
  self->stamp++;
  emit_changed (self, pos, 1, 0);

  return TRUE;
}

/**
 * bw_annotation_set_find:
 *
 * Returns: the position of annotation @id in the drawing order, or
 *   G_MAXUINT when the set does not hold it
 */
guint
bw_annotation_set_find (const BwAnnotationSet *self,
                        gint64                 id)
{
  const BwAnnotation *a;

  g_return_val_if_fail (self != NULL, G_MAXUINT);

  a = g_hash_table_lookup (self->by_id, &id);
  if (a == NULL)
    return G_MAXUINT;

  return lower_bound (self, a->z, a->id);
}

/**
 * bw_annotation_set_set_changed_func:
 * @func: (nullable): called after each change, with the positions it
 *   touched; a reset reports every annotation removed
 *
 * One listener: a list of the shapes mirrors the set through it.
 */
void
bw_annotation_set_set_changed_func (BwAnnotationSet            *self,
                                    BwAnnotationSetChangedFunc  func,
                                    gpointer                    user_data)
{
  g_return_if_fail (self != NULL);

  self->changed_func = func;
  self->changed_data = user_data;
}

/**
 * bw_annotation_set_remove_changed_func:
 * @user_data: the data a listener was set with
 *
 * Forgets the listener if it is the one set with @user_data: a listener
 * going away calls this on every set that may still point at it.
 */
void
bw_annotation_set_remove_changed_func (BwAnnotationSet *self,
                                       gpointer         user_data)
{
  g_return_if_fail (self != NULL);

  if (self->changed_data == user_data)
    {
      self->changed_func = NULL;
      self->changed_data = NULL;
    }
}

/**
 * bw_annotation_set_set_hidden:
 *
 * Hides one shape from drawing and hit testing (the user set it aside
 * for now); it stays in the set and in the project. Reset forgets it.
 */
void
bw_annotation_set_set_hidden (BwAnnotationSet *self,
                              gint64           id,
                              gboolean         hidden)
{
  guint pos;

  g_return_if_fail (self != NULL);

  pos = bw_annotation_set_find (self, id);
  if (pos == G_MAXUINT || hidden == g_hash_table_contains (self->hidden, &id))
    return;

  if (hidden)
    g_hash_table_add (self->hidden, g_memdup2 (&id, sizeof id));
  else
    g_hash_table_remove (self->hidden, &id);
  /* Drawings are made again; the list of shapes is the same. */
  self->stamp++;
}

gboolean
bw_annotation_set_get_hidden (const BwAnnotationSet *self,
                              gint64                 id)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return g_hash_table_contains (self->hidden, &id);
}

guint
bw_annotation_set_get_n_hidden (const BwAnnotationSet *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return g_hash_table_size (self->hidden);
}

BwSpatialIndex *
bw_annotation_set_get_index (BwAnnotationSet *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->index;
}

static int
compare_drawing_order (gconstpointer a,
                       gconstpointer b)
{
  const BwAnnotation *aa = *(const BwAnnotation * const *) a;
  const BwAnnotation *bb = *(const BwAnnotation * const *) b;

  return compare_order (aa->z, aa->id, bb->z, bb->id);
}

/**
 * bw_annotation_set_query_rect:
 * @out: (element-type BwAnnotation) (transfer none): the annotations whose
 *   bounding box touches @rect are appended in drawing order
 */
void
bw_annotation_set_query_rect (BwAnnotationSet *self,
                              const BwRect    *rect,
                              GPtrArray       *out)
{
  g_autoptr(GArray) ids = NULL;
  guint first = out->len;

  g_return_if_fail (self != NULL);

  /* Everything in view: skip the index and keep the order for free. */
  if (rect->x0 <= 0 && rect->y0 <= 0 && rect->x1 >= self->width && rect->y1 >= self->height)
    {
      for (guint i = 0; i < self->items->len; i++)
        {
          BwAnnotation *a = g_ptr_array_index (self->items, i);

          if (bw_rect_intersects (&a->shape->bbox, rect))
            g_ptr_array_add (out, a);
        }
      return;
    }

  ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  bw_spatial_index_query_rect (self->index, rect, ids);
  for (guint i = 0; i < ids->len; i++)
    g_ptr_array_add (out, g_hash_table_lookup (self->by_id, &g_array_index (ids, gint64, i)));

  if (out->len - first > 1)
    qsort (out->pdata + first, out->len - first, sizeof (gpointer), compare_drawing_order);
}

/**
 * bw_shape_near_outline:
 *
 * Returns: whether (@x, @y) is within @tolerance of an edge of @shape.
 */
gboolean
bw_shape_near_outline (const BwShape *shape,
                       double         x,
                       double         y,
                       double         tolerance)
{
  const BwRect *b = &shape->bbox;

  if (x < b->x0 - tolerance || x > b->x1 + tolerance ||
      y < b->y0 - tolerance || y > b->y1 + tolerance)
    return FALSE;

  if (shape->kind == BW_SHAPE_BOX)
    {
      gboolean in_x = x >= b->x0 - tolerance && x <= b->x1 + tolerance;
      gboolean in_y = y >= b->y0 - tolerance && y <= b->y1 + tolerance;

      return (in_y && (ABS (x - b->x0) <= tolerance || ABS (x - b->x1) <= tolerance)) ||
             (in_x && (ABS (y - b->y0) <= tolerance || ABS (y - b->y1) <= tolerance));
    }

  for (guint p = 0; p < shape->n_parts; p++)
    {
      guint start = bw_shape_part_start (shape, p);
      guint size = bw_shape_part_size (shape, p);

      for (guint i = 0; i < size; i++)
        {
          const BwPoint *a = &shape->points[start + i];
          const BwPoint *c = &shape->points[start + (i + 1) % size];

          if (bw_geometry_distance_to_segment (x, y, a, c, NULL) <= tolerance)
            return TRUE;
        }
    }

  return FALSE;
}

/**
 * bw_annotation_set_hit_test:
 * @tolerance: in image pixels, how far from an outline a point still hits it
 * @hidden_categories: (nullable): set of category ids (gint64*) to ignore
 *
 * Of the shapes that contain the point or pass near it, the smallest one
 * wins, so a small object drawn inside a large one can still be picked;
 * between equal areas, the one on top (drawn last).
 *
 * Returns: the id of the annotation hit, or 0
 */
gint64
bw_annotation_set_hit_test (BwAnnotationSet *self,
                            double           x,
                            double           y,
                            double           tolerance,
                            GHashTable      *hidden_categories)
{
  g_autoptr(GArray) ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), 32);
  const BwAnnotation *best = NULL;
  double best_area = G_MAXDOUBLE;

  g_return_val_if_fail (self != NULL, 0);

  bw_spatial_index_query_point (self->index, x, y, tolerance, ids);

  for (guint i = 0; i < ids->len; i++)
    {
      gint64 id = g_array_index (ids, gint64, i);
      const BwAnnotation *a = g_hash_table_lookup (self->by_id, &id);
      double area;

      if (hidden_categories != NULL &&
          g_hash_table_contains (hidden_categories, &a->category_id))
        continue;
      if (g_hash_table_contains (self->hidden, &id))
        continue;

      if (!bw_shape_contains (a->shape, x, y) &&
          !bw_shape_near_outline (a->shape, x, y, tolerance))
        continue;

      area = bw_rect_area (&a->shape->bbox);
      if (a->shape->kind == BW_SHAPE_POLYGON)
        area = bw_shape_area (a->shape);

      if (area < best_area ||
          (area == best_area && compare_order (a->z, a->id, best->z, best->id) > 0))
        {
          best = a;
          best_area = area;
        }
    }

  return best != NULL ? best->id : 0;
}
