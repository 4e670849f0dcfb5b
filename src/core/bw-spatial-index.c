/* bw-spatial-index.c — a uniform grid over rectangles, for hit testing and culling
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Annotations on one image are spread fairly evenly and their number is
 * known when an image is loaded, so a fixed grid over the image beats a
 * tree: insertion and removal touch only the cells a rectangle covers, and
 * a point query looks at one cell. Rectangles that would cover many cells
 * (a polygon around half the image) go to a short "large" list that every
 * query scans, so they do not fill the whole grid.
 */

#define G_LOG_DOMAIN "bw-spatial-index"

#include "config.h"

#include <math.h>

#include "bw-spatial-index.h"

/* About this many cells along the longer side of the image. */
#define GRID_CELLS       64
#define MIN_CELL_SIZE    8.0
#define MAX_ITEM_CELLS   64

typedef struct
{
  gint64  id;
  BwRect  rect;
  guint   stamp;
  guint   alive : 1;
  guint   large : 1;
} Item;

struct _BwSpatialIndex
{
  double      cell_size;
  int         cols;
  int         rows;
  GArray    **cells;        /* cols × rows arrays of guint slots, created lazily */
  GArray     *items;        /* Item, indexed by slot */
  GArray     *free_slots;   /* guint */
  GArray     *large;        /* guint slots */
  GHashTable *by_id;        /* gint64* → slot + 1 */
  guint       stamp;
  guint       size;
};

BwSpatialIndex *
bw_spatial_index_new (double width,
                      double height)
{
  BwSpatialIndex *self = g_new0 (BwSpatialIndex, 1);
  double extent = MAX (MAX (width, height), 1.0);

  self->cell_size = MAX (extent / GRID_CELLS, MIN_CELL_SIZE);
  self->cols = MAX (1, (int) ceil (MAX (width, 1.0) / self->cell_size));
  self->rows = MAX (1, (int) ceil (MAX (height, 1.0) / self->cell_size));
  self->cells = g_new0 (GArray *, (gsize) self->cols * self->rows);
  self->items = g_array_new (FALSE, FALSE, sizeof (Item));
  self->free_slots = g_array_new (FALSE, FALSE, sizeof (guint));
  self->large = g_array_new (FALSE, FALSE, sizeof (guint));
  self->by_id = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

  return self;
}

void
bw_spatial_index_free (BwSpatialIndex *self)
{
  if (self == NULL)
    return;

  for (gsize i = 0; i < (gsize) self->cols * self->rows; i++)
    if (self->cells[i] != NULL)
      g_array_unref (self->cells[i]);
  g_free (self->cells);
  g_array_unref (self->items);
  g_array_unref (self->free_slots);
  g_array_unref (self->large);
  g_hash_table_unref (self->by_id);
  g_free (self);
}

void
bw_spatial_index_clear (BwSpatialIndex *self)
{
  g_return_if_fail (self != NULL);

  for (gsize i = 0; i < (gsize) self->cols * self->rows; i++)
    if (self->cells[i] != NULL)
      g_array_set_size (self->cells[i], 0);
  g_array_set_size (self->items, 0);
  g_array_set_size (self->free_slots, 0);
  g_array_set_size (self->large, 0);
  g_hash_table_remove_all (self->by_id);
  self->size = 0;
}

guint
bw_spatial_index_get_size (const BwSpatialIndex *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->size;
}

/* The cells a rectangle covers; anything outside the image goes to the
 * border cells, so shapes that stick out are still found. */
static void
cell_range (const BwSpatialIndex *self,
            const BwRect         *rect,
            int                  *c0,
            int                  *r0,
            int                  *c1,
            int                  *r1)
{
  double x0 = rect->x0 / self->cell_size;
  double y0 = rect->y0 / self->cell_size;
  double x1 = rect->x1 / self->cell_size;
  double y1 = rect->y1 / self->cell_size;

  /* NaN compares false everywhere: treat it as the first cell. */
  *c0 = isfinite (x0) ? (int) CLAMP (floor (x0), 0, self->cols - 1) : 0;
  *r0 = isfinite (y0) ? (int) CLAMP (floor (y0), 0, self->rows - 1) : 0;
  *c1 = isfinite (x1) ? (int) CLAMP (floor (x1), 0, self->cols - 1) : self->cols - 1;
  *r1 = isfinite (y1) ? (int) CLAMP (floor (y1), 0, self->rows - 1) : self->rows - 1;
  if (*c1 < *c0)
    *c1 = *c0;
  if (*r1 < *r0)
    *r1 = *r0;
}

static void
remove_slot_from (GArray *array,
                  guint   slot)
{
  for (guint i = 0; i < array->len; i++)
    if (g_array_index (array, guint, i) == slot)
      {
        g_array_remove_index_fast (array, i);
        return;
      }
}

static void
unlink_slot (BwSpatialIndex *self,
             guint           slot)
{
  Item *item = &g_array_index (self->items, Item, slot);
  int c0, r0, c1, r1;

  if (item->large)
    {
      remove_slot_from (self->large, slot);
      return;
    }

  cell_range (self, &item->rect, &c0, &r0, &c1, &r1);
  for (int r = r0; r <= r1; r++)
    for (int c = c0; c <= c1; c++)
      {
        GArray *cell = self->cells[r * self->cols + c];

        if (cell != NULL)
          remove_slot_from (cell, slot);
      }
}

static void
link_slot (BwSpatialIndex *self,
           guint           slot)
{
  Item *item = &g_array_index (self->items, Item, slot);
  int c0, r0, c1, r1;

  cell_range (self, &item->rect, &c0, &r0, &c1, &r1);

  item->large = (gint64) (c1 - c0 + 1) * (r1 - r0 + 1) > MAX_ITEM_CELLS;
  if (item->large)
    {
      g_array_append_val (self->large, slot);
      return;
    }

  for (int r = r0; r <= r1; r++)
    for (int c = c0; c <= c1; c++)
      {
        GArray **cell = &self->cells[r * self->cols + c];

        if (*cell == NULL)
          *cell = g_array_sized_new (FALSE, FALSE, sizeof (guint), 8);
        g_array_append_val (*cell, slot);
      }
}

/**
 * bw_spatial_index_insert:
 * @id: the key; inserting an @id that is already there moves it
 * @rect: its bounding rectangle
 */
void
bw_spatial_index_insert (BwSpatialIndex *self,
                         gint64          id,
                         const BwRect   *rect)
{
  gpointer value;
  guint slot;
  Item *item;

  g_return_if_fail (self != NULL);
  g_return_if_fail (rect != NULL);

  if (g_hash_table_lookup_extended (self->by_id, &id, NULL, &value))
    {
      slot = GPOINTER_TO_UINT (value) - 1;
      unlink_slot (self, slot);
    }
  else
    {
      if (self->free_slots->len > 0)
        {
          slot = g_array_index (self->free_slots, guint, self->free_slots->len - 1);
          g_array_set_size (self->free_slots, self->free_slots->len - 1);
        }
      else
        {
          slot = self->items->len;
          g_array_set_size (self->items, slot + 1);
        }
      g_hash_table_insert (self->by_id, g_memdup2 (&id, sizeof id), GUINT_TO_POINTER (slot + 1));
      self->size++;
    }

  item = &g_array_index (self->items, Item, slot);
  item->id = id;
  item->rect = *rect;
  item->alive = TRUE;
  item->stamp = 0;
  link_slot (self, slot);
}

gboolean
bw_spatial_index_remove (BwSpatialIndex *self,
                         gint64          id)
{
  gpointer value;
  guint slot;

  g_return_val_if_fail (self != NULL, FALSE);

  if (!g_hash_table_lookup_extended (self->by_id, &id, NULL, &value))
    return FALSE;

  slot = GPOINTER_TO_UINT (value) - 1;
  unlink_slot (self, slot);
  g_array_index (self->items, Item, slot).alive = FALSE;
  g_array_append_val (self->free_slots, slot);
  g_hash_table_remove (self->by_id, &id);
  self->size--;

  return TRUE;
}

gboolean
bw_spatial_index_lookup (const BwSpatialIndex *self,
                         gint64                id,
                         BwRect               *rect)
{
  gpointer value;

  g_return_val_if_fail (self != NULL, FALSE);

  if (!g_hash_table_lookup_extended (self->by_id, &id, NULL, &value))
    return FALSE;

  if (rect != NULL)
    *rect = g_array_index (self->items, Item, GPOINTER_TO_UINT (value) - 1).rect;

  return TRUE;
}

static guint
next_stamp (BwSpatialIndex *self)
{
  /* A stamp marks the items already reported by one query, so an item
   * spread over several cells is reported once. On wrap-around, clear
   * them all so an old mark cannot hide an item. */
  if (++self->stamp == 0)
    {
      for (guint i = 0; i < self->items->len; i++)
        g_array_index (self->items, Item, i).stamp = 0;
      self->stamp = 1;
    }

  return self->stamp;
}

static inline gboolean
rects_touch (const BwRect *a,
             const BwRect *b)
{
  return a->x0 <= b->x1 && b->x0 <= a->x1 && a->y0 <= b->y1 && b->y0 <= a->y1;
}

static inline void
report (BwSpatialIndex *self,
        guint           slot,
        guint           stamp,
        const BwRect   *rect,
        GArray         *ids)
{
  Item *item = &g_array_index (self->items, Item, slot);

  if (item->stamp == stamp)
    return;
  item->stamp = stamp;
  if (rects_touch (&item->rect, rect))
    g_array_append_val (ids, item->id);
}

/**
 * bw_spatial_index_query_rect:
 * @ids: (element-type gint64): the ids of the rectangles that touch @rect
 *   are appended, each once, in no particular order
 */
void
bw_spatial_index_query_rect (BwSpatialIndex *self,
                             const BwRect   *rect,
                             GArray         *ids)
{
  guint stamp;
  int c0, r0, c1, r1;

  g_return_if_fail (self != NULL);
  g_return_if_fail (rect != NULL);
  g_return_if_fail (ids != NULL);

  if (self->size == 0)
    return;

  stamp = next_stamp (self);
  cell_range (self, rect, &c0, &r0, &c1, &r1);

  for (int r = r0; r <= r1; r++)
    for (int c = c0; c <= c1; c++)
      {
        GArray *cell = self->cells[r * self->cols + c];

        if (cell == NULL)
          continue;
        for (guint i = 0; i < cell->len; i++)
          report (self, g_array_index (cell, guint, i), stamp, rect, ids);
      }

  for (guint i = 0; i < self->large->len; i++)
    report (self, g_array_index (self->large, guint, i), stamp, rect, ids);
}

void
bw_spatial_index_query_point (BwSpatialIndex *self,
                              double          x,
                              double          y,
                              double          tolerance,
                              GArray         *ids)
{
  BwRect rect = { x - tolerance, y - tolerance, x + tolerance, y + tolerance };

  bw_spatial_index_query_rect (self, &rect, ids);
}
