/* bw-image-list-model.c — a project's images as a GListModel
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The model holds only the ids (8 bytes per image); an item object is made
 * when the list view asks for a row, and its row is read from the store
 * when it is first shown. A project of 100,000 images therefore costs less
 * than a megabyte until the user scrolls, and a bounded cache of items
 * after that.
 *
 * The store sorts (bw_project_list_image_ids_sorted()). When a few images
 * change (a status, an import by another program) each is taken out and
 * put back where the order wants it, found by bisection with
 * bw_project_compare_images(), rather than listing every image again.
 */

#define G_LOG_DOMAIN "bw-image-list"

#include "config.h"

#include <glib/gi18n.h>

#include "bw-image-list-model.h"

#define MAX_CACHED_ITEMS 2048
/* More changed images than this are cheaper to list again. */
#define MAX_PLACED_CHANGES 256

struct _BwImageItem
{
  GObject    parent_instance;

  BwProject *project;           /* weak: the model owns the project */
  gint64     id;
  BwImage   *image;
  char      *name;
  gboolean   missing;
};

G_DEFINE_FINAL_TYPE (BwImageItem, bw_image_item, G_TYPE_OBJECT)

enum {
  ITEM_PROP_0,
  ITEM_PROP_IMAGE,
  ITEM_N_PROPS
};

static GParamSpec *item_properties [ITEM_N_PROPS];

static void
bw_image_item_finalize (GObject *object)
{
  BwImageItem *self = BW_IMAGE_ITEM (object);

  g_clear_weak_pointer (&self->project);
  g_clear_pointer (&self->image, bw_image_free);
  g_free (self->name);

  G_OBJECT_CLASS (bw_image_item_parent_class)->finalize (object);
}

static void
bw_image_item_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  BwImageItem *self = BW_IMAGE_ITEM (object);

  switch (prop_id)
    {
    case ITEM_PROP_IMAGE:
      g_value_set_boxed (value, bw_image_item_get_image (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bw_image_item_class_init (BwImageItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = bw_image_item_finalize;
  object_class->get_property = bw_image_item_get_property;

  item_properties[ITEM_PROP_IMAGE] =
    g_param_spec_boxed ("image", NULL, NULL, BW_TYPE_IMAGE,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, ITEM_N_PROPS, item_properties);
}

static void
bw_image_item_init (BwImageItem *self)
{
}

static BwImageItem *
bw_image_item_new (BwProject *project,
                   gint64     id)
{
  BwImageItem *self = g_object_new (BW_TYPE_IMAGE_ITEM, NULL);

  g_set_weak_pointer (&self->project, project);
  self->id = id;

  return self;
}

/* Forget the row, so that it is read again (its status changed). */
static void
bw_image_item_invalidate (BwImageItem *self)
{
  if (self->image == NULL && !self->missing)
    return;

  g_clear_pointer (&self->image, bw_image_free);
  self->missing = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), item_properties[ITEM_PROP_IMAGE]);
}

gint64
bw_image_item_get_id (BwImageItem *self)
{
  g_return_val_if_fail (BW_IS_IMAGE_ITEM (self), 0);

  return self->id;
}

const BwImage *
bw_image_item_get_image (BwImageItem *self)
{
  g_return_val_if_fail (BW_IS_IMAGE_ITEM (self), NULL);

  if (self->image == NULL && !self->missing && self->project != NULL)
    {
      g_autoptr(GError) error = NULL;

      self->image = bw_project_get_image (self->project, self->id, &error);
      if (self->image == NULL)
        {
          self->missing = TRUE;
          g_debug ("Image %" G_GINT64_FORMAT ": %s", self->id, error ? error->message : "gone");
        }
      else
        {
          g_free (self->name);
          self->name = g_path_get_basename (self->image->path);
        }
    }

  return self->image;
}

const char *
bw_image_item_get_name (BwImageItem *self)
{
  g_return_val_if_fail (BW_IS_IMAGE_ITEM (self), NULL);

  bw_image_item_get_image (self);
  return self->name != NULL ? self->name : "";
}

/* ------------------------------------------------------------------ */

struct _BwImageListModel
{
  GObject     parent_instance;

  BwProject  *project;
  GArray     *ids;              /* gint64 */
  GHashTable *items;            /* id → BwImageItem, a bounded cache */
  int         status;
  char       *search;
  BwImageSort sort;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (BwImageListModel, bw_image_list_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static GType
bw_image_list_model_get_item_type (GListModel *model)
{
  return BW_TYPE_IMAGE_ITEM;
}

static guint
bw_image_list_model_get_n_items (GListModel *model)
{
  return BW_IMAGE_LIST_MODEL (model)->ids->len;
}

static void
trim_cache (BwImageListModel *self)
{
  GHashTableIter iter;
  gpointer value;

  /* Drop the items nobody but us holds (rows scrolled away). */
  g_hash_table_iter_init (&iter, self->items);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (G_OBJECT (value)->ref_count == 1)
      g_hash_table_iter_remove (&iter);
}

static gpointer
bw_image_list_model_get_item (GListModel *model,
                              guint       position)
{
  BwImageListModel *self = BW_IMAGE_LIST_MODEL (model);
  BwImageItem *item;
  gint64 id;

  if (position >= self->ids->len)
    return NULL;

  id = g_array_index (self->ids, gint64, position);
  item = g_hash_table_lookup (self->items, &id);
  if (item == NULL)
    {
      if (g_hash_table_size (self->items) >= MAX_CACHED_ITEMS)
        trim_cache (self);

      item = bw_image_item_new (self->project, id);
      g_hash_table_insert (self->items, g_memdup2 (&id, sizeof id), item);
    }

  return g_object_ref (item);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = bw_image_list_model_get_item_type;
  iface->get_n_items = bw_image_list_model_get_n_items;
  iface->get_item = bw_image_list_model_get_item;
}

void
bw_image_list_model_refresh (BwImageListModel *self)
{
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GError) error = NULL;
  GHashTableIter iter;
  gpointer value;
  guint old_len;

  g_return_if_fail (BW_IS_IMAGE_LIST_MODEL (self));

  ids = bw_project_list_image_ids_sorted (self->project, self->status, self->search,
                                          self->sort, &error);
  if (ids == NULL)
    {
      g_warning ("Cannot list the images of %s: %s",
                 bw_project_get_display_name (self->project), error->message);
      ids = g_array_new (FALSE, FALSE, sizeof (gint64));
    }

  g_hash_table_iter_init (&iter, self->items);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    bw_image_item_invalidate (value);

  old_len = self->ids->len;
  g_array_unref (self->ids);
  self->ids = g_steal_pointer (&ids);

  if (old_len > 0 || self->ids->len > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old_len, self->ids->len);
}

static void
images_changed_cb (BwImageListModel *self)
{
  bw_image_list_model_refresh (self);
}

static gboolean
id_is_in (GHashTable *set,
          gint64      id)
{
  return g_hash_table_contains (set, &id);
}

/* Where @image_id goes among the ids now listed: after every image
 * that comes before it. */
static guint
bisect (BwImageListModel *self,
        gint64            image_id)
{
  guint lo = 0, hi = self->ids->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (bw_project_compare_images (self->project, self->sort,
                                     g_array_index (self->ids, gint64, mid), image_id) < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

/* Whether the image at @position, changed, is still where the order
 * wants it: its neighbours are unchanged and on either side of it. */
static gboolean
stays_in_place (BwImageListModel *self,
                GHashTable       *changed,
                guint             position)
{
  gint64 id = g_array_index (self->ids, gint64, position);

  if (position > 0)
    {
      gint64 before = g_array_index (self->ids, gint64, position - 1);

      if (id_is_in (changed, before) ||
          bw_project_compare_images (self->project, self->sort, before, id) >= 0)
        return FALSE;
    }
  if (position + 1 < self->ids->len)
    {
      gint64 after = g_array_index (self->ids, gint64, position + 1);

      if (id_is_in (changed, after) ||
          bw_project_compare_images (self->project, self->sort, id, after) >= 0)
        return FALSE;
    }
  return TRUE;
}

/**
 * bw_image_list_model_update_images:
 * @ids: images that were added or changed (status, path, gold mark)
 *
 * Shows what changed in these images: each is read again, and added,
 * moved or removed as the filter and the order now want it, with the
 * rest of the list left as it is.
 */
void
bw_image_list_model_update_images (BwImageListModel *self,
                                   const gint64     *ids,
                                   guint             n_ids)
{
  g_autoptr(GHashTable) changed = NULL;
  g_autoptr(GArray) to_place = NULL;

  g_return_if_fail (BW_IS_IMAGE_LIST_MODEL (self));

  if (n_ids == 0)
    return;
  if (n_ids > MAX_PLACED_CHANGES)
    {
      bw_image_list_model_refresh (self);
      return;
    }

  changed = g_hash_table_new (g_int64_hash, g_int64_equal);
  for (guint i = 0; i < n_ids; i++)
    {
      BwImageItem *item = g_hash_table_lookup (self->items, &ids[i]);

      g_hash_table_add (changed, (gpointer) &ids[i]);
      if (item != NULL)
        bw_image_item_invalidate (item);
    }

  /* Take out what leaves the list or moves in it; keep the rest. */
  to_place = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint i = self->ids->len; i-- > 0;)
    {
      gint64 id = g_array_index (self->ids, gint64, i);

      if (!id_is_in (changed, id))
        continue;
      g_hash_table_remove (changed, &id);

      if (bw_project_image_matches (self->project, id, self->status, self->search))
        {
          /* Its neighbours may be changed too; they are judged once
           * every moving image is out. */
          g_array_append_val (to_place, id);
        }
      else
        {
          g_array_remove_index (self->ids, i);
          g_list_model_items_changed (G_LIST_MODEL (self), i, 1, 0);
        }
    }

  /* Images that were not listed: new ones, or ones that now match. */
  for (guint i = 0; i < n_ids; i++)
    if (id_is_in (changed, ids[i]) &&
        bw_project_image_matches (self->project, ids[i], self->status, self->search))
      g_array_append_val (to_place, ids[i]);

  /* Changed images still listed stay when they are in order among the
   * unchanged; the others go out, then every one goes back in its place. */
  {
    g_autoptr(GHashTable) moving = g_hash_table_new (g_int64_hash, g_int64_equal);

    for (guint i = 0; i < to_place->len; i++)
      g_hash_table_add (moving, &g_array_index (to_place, gint64, i));

    for (guint i = self->ids->len; i-- > 0;)
      {
        gint64 id = g_array_index (self->ids, gint64, i);

        if (!id_is_in (moving, id) || stays_in_place (self, moving, i))
          continue;
        g_array_remove_index (self->ids, i);
        g_list_model_items_changed (G_LIST_MODEL (self), i, 1, 0);
      }

    for (guint i = 0; i < to_place->len; i++)
      {
        gint64 id = g_array_index (to_place, gint64, i);
        guint position;

        if (bw_image_list_model_find (self, id) != G_MAXUINT)
          continue;

        position = bisect (self, id);
        g_array_insert_val (self->ids, position, id);
        g_list_model_items_changed (G_LIST_MODEL (self), position, 0, 1);
      }
  }
}

static void
image_changed_cb (BwImageListModel *self,
                  gint64            image_id)
{
  bw_image_list_model_update_images (self, &image_id, 1);
}

/* Another program added images or changed them: only those rows. */
static void
changed_externally_cb (BwImageListModel       *self,
                       const BwProjectChanges *changes)
{
  if (changes->images_removed)
    bw_image_list_model_refresh (self);
  else if (changes->image_ids->len > 0)
    bw_image_list_model_update_images (self, (const gint64 *) (gpointer) changes->image_ids->data,
                                       changes->image_ids->len);
}

void
bw_image_list_model_set_filter (BwImageListModel *self,
                                int               status,
                                const char       *search)
{
  g_return_if_fail (BW_IS_IMAGE_LIST_MODEL (self));

  if (search != NULL && search[0] == '\0')
    search = NULL;

  if (self->status == status && g_strcmp0 (self->search, search) == 0)
    return;

  self->status = status;
  g_free (self->search);
  self->search = g_strdup (search);
  bw_image_list_model_refresh (self);
}

guint
bw_image_list_model_find (BwImageListModel *self,
                          gint64            image_id)
{
  const gint64 *ids;

  g_return_val_if_fail (BW_IS_IMAGE_LIST_MODEL (self), G_MAXUINT);

  /* In the list's order, not the ids': a scan, some 30 µs for 100,000. */
  ids = (const gint64 *) (gpointer) self->ids->data;
  for (guint i = 0; i < self->ids->len; i++)
    if (ids[i] == image_id)
      return i;

  return G_MAXUINT;
}

/**
 * bw_image_list_model_find_place:
 *
 * Returns: the position at which @image_id would be listed: the first
 *   image that comes after it in the order, or the length of the list
 */
guint
bw_image_list_model_find_place (BwImageListModel *self,
                                gint64            image_id)
{
  g_return_val_if_fail (BW_IS_IMAGE_LIST_MODEL (self), 0);

  return bisect (self, image_id);
}

void
bw_image_list_model_set_sort (BwImageListModel *self,
                              BwImageSort       sort)
{
  g_return_if_fail (BW_IS_IMAGE_LIST_MODEL (self));

  if (self->sort == sort)
    return;

  self->sort = sort;
  bw_image_list_model_refresh (self);
}

BwImageSort
bw_image_list_model_get_sort (BwImageListModel *self)
{
  g_return_val_if_fail (BW_IS_IMAGE_LIST_MODEL (self), BW_IMAGE_SORT_NAME);

  return self->sort;
}

gint64
bw_image_list_model_get_id (BwImageListModel *self,
                            guint             position)
{
  g_return_val_if_fail (BW_IS_IMAGE_LIST_MODEL (self), 0);

  if (position >= self->ids->len)
    return 0;

  return g_array_index (self->ids, gint64, position);
}

BwProject *
bw_image_list_model_get_project (BwImageListModel *self)
{
  g_return_val_if_fail (BW_IS_IMAGE_LIST_MODEL (self), NULL);

  return self->project;
}

static void
bw_image_list_model_dispose (GObject *object)
{
  BwImageListModel *self = BW_IMAGE_LIST_MODEL (object);

  g_clear_pointer (&self->items, g_hash_table_unref);
  g_clear_object (&self->project);

  G_OBJECT_CLASS (bw_image_list_model_parent_class)->dispose (object);
}

static void
bw_image_list_model_finalize (GObject *object)
{
  BwImageListModel *self = BW_IMAGE_LIST_MODEL (object);

  g_clear_pointer (&self->ids, g_array_unref);
  g_free (self->search);

  G_OBJECT_CLASS (bw_image_list_model_parent_class)->finalize (object);
}

static void
bw_image_list_model_class_init (BwImageListModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = bw_image_list_model_dispose;
  object_class->finalize = bw_image_list_model_finalize;
}

static void
bw_image_list_model_init (BwImageListModel *self)
{
  self->ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->items = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  self->status = -1;
}

/**
 * bw_image_list_model_new:
 * @sort: the order to list the images in
 */
BwImageListModel *
bw_image_list_model_new (BwProject   *project,
                         BwImageSort  sort)
{
  BwImageListModel *self;

  g_return_val_if_fail (BW_IS_PROJECT (project), NULL);

  self = g_object_new (BW_TYPE_IMAGE_LIST_MODEL, NULL);
  self->project = g_object_ref (project);
  self->sort = sort;
  g_signal_connect_object (project, "images-changed",
                           G_CALLBACK (images_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (project, "image-changed",
                           G_CALLBACK (image_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (project, "changed-externally",
                           G_CALLBACK (changed_externally_cb), self, G_CONNECT_SWAPPED);
  bw_image_list_model_refresh (self);

  return self;
}
