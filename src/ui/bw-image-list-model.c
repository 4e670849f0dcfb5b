/* bw-image-list-model.c — a project's images as a GListModel
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The model holds only the ids (8 bytes per image); an item object is made
 * when the list view asks for a row, and its row is read from the store
 * when it is first shown. A project of 100,000 images therefore costs less
 * than a megabyte until the user scrolls, and a bounded cache of items
 * after that.
 */

#define G_LOG_DOMAIN "bw-image-list"

#include "config.h"

#include <glib/gi18n.h>

#include "bw-image-list-model.h"

#define MAX_CACHED_ITEMS 2048

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

  ids = bw_project_list_image_ids (self->project, self->status, self->search, &error);
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

static void
image_changed_cb (BwImageListModel *self,
                  gint64            image_id)
{
  BwImageItem *item;

  /* A filtered list may gain or lose this image. */
  if (self->status >= 0 || self->search != NULL)
    {
      bw_image_list_model_refresh (self);
      return;
    }

  item = g_hash_table_lookup (self->items, &image_id);
  if (item != NULL)
    bw_image_item_invalidate (item);
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
  g_return_val_if_fail (BW_IS_IMAGE_LIST_MODEL (self), G_MAXUINT);

  /* Ids are listed in ascending order. */
  if (self->ids->len > 0)
    {
      guint lo = 0, hi = self->ids->len;

      while (lo < hi)
        {
          guint mid = lo + (hi - lo) / 2;
          gint64 id = g_array_index (self->ids, gint64, mid);

          if (id == image_id)
            return mid;
          if (id < image_id)
            lo = mid + 1;
          else
            hi = mid;
        }
    }

  return G_MAXUINT;
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

BwImageListModel *
bw_image_list_model_new (BwProject *project)
{
  BwImageListModel *self;

  g_return_val_if_fail (BW_IS_PROJECT (project), NULL);

  self = g_object_new (BW_TYPE_IMAGE_LIST_MODEL, NULL);
  self->project = g_object_ref (project);
  g_signal_connect_object (project, "images-changed",
                           G_CALLBACK (images_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (project, "image-changed",
                           G_CALLBACK (image_changed_cb), self, G_CONNECT_SWAPPED);
  bw_image_list_model_refresh (self);

  return self;
}
