/* bw-object-list-model.c — the shapes of the image shown, as a list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A GListModel and GtkSelectionModel straight over the controller's
 * annotation set, so a list view of 10,000 shapes costs only its visible
 * rows:
 *  - an item is made when a row asks for it, a snapshot of one shape;
 *  - the set reports each change with its positions, passed on as one
 *    items-changed; loading an image (a reset, then one insertion per
 *    shape) is announced once, when the main loop is next idle, as
 *    "everything removed" then "everything added";
 *  - each image has a set of its own: when the controller shows another
 *    one, that is a reset too;
 *  - the selection is the controller's: selecting a row selects the
 *    shape on the canvas, and a change on the canvas is announced only
 *    for the rows whose state changed, found by binary search.
 */

#define G_LOG_DOMAIN "bw-object-list"

#include "config.h"

#include "bw-object-list-model.h"

/* Above this many rows changing state, announce the whole range once. */
#define MAX_SELECTION_SIGNALS 64

struct _BwObjectItem
{
  GObject     parent_instance;

  gint64      id;
  gint64      category_id;
  BwShapeKind kind;
  guint       n_points;
  guint       n_parts;
  gboolean    hidden;
};

G_DEFINE_FINAL_TYPE (BwObjectItem, bw_object_item, G_TYPE_OBJECT)

static void
bw_object_item_class_init (BwObjectItemClass *klass)
{
}

static void
bw_object_item_init (BwObjectItem *self)
{
}

gint64
bw_object_item_get_id (BwObjectItem *self)
{
  g_return_val_if_fail (BW_IS_OBJECT_ITEM (self), 0);
  return self->id;
}

gint64
bw_object_item_get_category_id (BwObjectItem *self)
{
  g_return_val_if_fail (BW_IS_OBJECT_ITEM (self), 0);
  return self->category_id;
}

BwShapeKind
bw_object_item_get_kind (BwObjectItem *self)
{
  g_return_val_if_fail (BW_IS_OBJECT_ITEM (self), BW_SHAPE_BOX);
  return self->kind;
}

guint
bw_object_item_get_n_points (BwObjectItem *self)
{
  g_return_val_if_fail (BW_IS_OBJECT_ITEM (self), 0);
  return self->n_points;
}

guint
bw_object_item_get_n_parts (BwObjectItem *self)
{
  g_return_val_if_fail (BW_IS_OBJECT_ITEM (self), 0);
  return self->n_parts;
}

gboolean
bw_object_item_get_hidden (BwObjectItem *self)
{
  g_return_val_if_fail (BW_IS_OBJECT_ITEM (self), FALSE);
  return self->hidden;
}

struct _BwObjectListModel
{
  GObject                 parent_instance;

  BwAnnotationController *controller;
  BwAnnotationSet        *set;        /* the controller's, as last seen */
  guint                   n_items;    /* as announced */
  guint                   resync_id;  /* a reset is being announced */
  GHashTable             *selected;   /* gint64* set, as announced */
};

static void bw_object_list_model_list_init      (GListModelInterface         *iface);
static void bw_object_list_model_selection_init (GtkSelectionModelInterface  *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (BwObjectListModel, bw_object_list_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, bw_object_list_model_list_init)
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_SELECTION_MODEL, bw_object_list_model_selection_init))

/* The controller swaps sets when it shows another image; until this
 * model has followed (announcing a reset), the old one may be gone. */
static gboolean
set_is_current (BwObjectListModel *self)
{
  return self->set == bw_annotation_controller_get_annotations (self->controller);
}

/* ------------------------------------------------------------------ */
/* GListModel                                                          */

static GType
get_item_type (GListModel *list)
{
  return BW_TYPE_OBJECT_ITEM;
}

static guint
get_n_items (GListModel *list)
{
  return BW_OBJECT_LIST_MODEL (list)->n_items;
}

static gpointer
get_item (GListModel *list,
          guint       position)
{
  BwObjectListModel *self = BW_OBJECT_LIST_MODEL (list);
  const BwAnnotation *a;
  BwObjectItem *item;

  if (position >= self->n_items || !set_is_current (self))
    return NULL;

  a = bw_annotation_set_get_nth (self->set, position);
  item = g_object_new (BW_TYPE_OBJECT_ITEM, NULL);
  item->id = a->id;
  item->category_id = a->category_id;
  item->kind = a->shape->kind;
  item->n_points = a->shape->n_points;
  item->n_parts = a->shape->n_parts;
  item->hidden = bw_annotation_set_get_hidden (self->set, a->id);

  return item;
}

static void
bw_object_list_model_list_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

/* ------------------------------------------------------------------ */
/* GtkSelectionModel: the controller's selection                      */

static gint64
id_at (BwObjectListModel *self,
       guint              position)
{
  return bw_annotation_set_get_nth (self->set, position)->id;
}

static gboolean
is_selected (GtkSelectionModel *model,
             guint              position)
{
  BwObjectListModel *self = BW_OBJECT_LIST_MODEL (model);
  gint64 id;

  if (position >= self->n_items || g_hash_table_size (self->selected) == 0 ||
      !set_is_current (self))
    return FALSE;

  id = id_at (self, position);
  return g_hash_table_contains (self->selected, &id);
}

/* Makes the controller select what @selected says for the rows in @mask,
 * keeping the rest as it is. */
static gboolean
set_selection (GtkSelectionModel *model,
               GtkBitset         *selected,
               GtkBitset         *mask)
{
  BwObjectListModel *self = BW_OBJECT_LIST_MODEL (model);
  GArray *current = bw_annotation_controller_get_selection (self->controller);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GHashTable) dropped = g_hash_table_new (g_int64_hash, g_int64_equal);
  GtkBitsetIter iter;
  guint position;

  if (!set_is_current (self))
    return FALSE;

  /* Rows in the mask but not selected are dropped... */
  for (gboolean ok = gtk_bitset_iter_init_first (&iter, mask, &position);
       ok && position < self->n_items;
       ok = gtk_bitset_iter_next (&iter, &position))
    if (!gtk_bitset_contains (selected, position))
      {
        gint64 *id = &((BwAnnotation *) bw_annotation_set_get_nth (self->set, position))->id;

        g_hash_table_add (dropped, id);
      }

  for (guint i = 0; i < current->len; i++)
    if (!g_hash_table_contains (dropped, &g_array_index (current, gint64, i)))
      g_array_append_val (ids, g_array_index (current, gint64, i));

  /* ... and those in both are added (the controller ignores repeats). */
  for (gboolean ok = gtk_bitset_iter_init_first (&iter, mask, &position);
       ok && position < self->n_items;
       ok = gtk_bitset_iter_next (&iter, &position))
    if (gtk_bitset_contains (selected, position))
      {
        gint64 id = id_at (self, position);

        g_array_append_val (ids, id);
      }

  bw_annotation_controller_select (self->controller, (const gint64 *) (gpointer) ids->data, ids->len);

  return TRUE;
}

static gboolean
select_item (GtkSelectionModel *model,
             guint              position,
             gboolean           unselect_rest)
{
  BwObjectListModel *self = BW_OBJECT_LIST_MODEL (model);
  GArray *current = bw_annotation_controller_get_selection (self->controller);
  g_autoptr(GArray) ids = NULL;
  gint64 id;

  if (position >= self->n_items || !set_is_current (self))
    return FALSE;

  id = id_at (self, position);
  ids = unselect_rest ? g_array_new (FALSE, FALSE, sizeof (gint64)) : g_array_copy (current);
  g_array_append_val (ids, id);
  bw_annotation_controller_select (self->controller, (const gint64 *) (gpointer) ids->data, ids->len);

  return TRUE;
}

static gboolean
unselect_item (GtkSelectionModel *model,
               guint              position)
{
  BwObjectListModel *self = BW_OBJECT_LIST_MODEL (model);
  g_autoptr(GArray) ids = NULL;
  gint64 id;

  if (position >= self->n_items || !set_is_current (self))
    return FALSE;

  id = id_at (self, position);
  ids = g_array_copy (bw_annotation_controller_get_selection (self->controller));
  for (guint i = 0; i < ids->len; i++)
    if (g_array_index (ids, gint64, i) == id)
      g_array_remove_index (ids, i--);
  bw_annotation_controller_select (self->controller, (const gint64 *) (gpointer) ids->data, ids->len);

  return TRUE;
}

static gboolean
select_range (GtkSelectionModel *model,
              guint              position,
              guint              n_items,
              gboolean           unselect_rest)
{
  BwObjectListModel *self = BW_OBJECT_LIST_MODEL (model);
  g_autoptr(GArray) ids = NULL;

  if (!set_is_current (self))
    return FALSE;

  ids = unselect_rest ? g_array_new (FALSE, FALSE, sizeof (gint64))
                      : g_array_copy (bw_annotation_controller_get_selection (self->controller));
  for (guint i = position; i < position + n_items && i < self->n_items; i++)
    {
      gint64 id = id_at (self, i);

      g_array_append_val (ids, id);
    }
  bw_annotation_controller_select (self->controller, (const gint64 *) (gpointer) ids->data, ids->len);

  return TRUE;
}

static gboolean
unselect_all (GtkSelectionModel *model)
{
  BwObjectListModel *self = BW_OBJECT_LIST_MODEL (model);

  bw_annotation_controller_select (self->controller, NULL, 0);

  return TRUE;
}

static gboolean
select_all (GtkSelectionModel *model)
{
  BwObjectListModel *self = BW_OBJECT_LIST_MODEL (model);

  bw_annotation_controller_select_all (self->controller);

  return TRUE;
}

static void
bw_object_list_model_selection_init (GtkSelectionModelInterface *iface)
{
  iface->is_selected = is_selected;
  iface->set_selection = set_selection;
  iface->select_item = select_item;
  iface->unselect_item = unselect_item;
  iface->select_range = select_range;
  iface->select_all = select_all;
  iface->unselect_all = unselect_all;
}

/* ------------------------------------------------------------------ */
/* Following the controller                                            */

static void
announce_selection (BwObjectListModel *self,
                    GArray            *changed)
{
  if (self->resync_id != 0 || changed->len == 0 || self->n_items == 0)
    return;

  if (changed->len > MAX_SELECTION_SIGNALS)
    {
      gtk_selection_model_selection_changed (GTK_SELECTION_MODEL (self), 0, self->n_items);
      return;
    }

  for (guint i = 0; i < changed->len; i++)
    {
      guint position = bw_annotation_set_find (self->set, g_array_index (changed, gint64, i));

      if (position < self->n_items)
        gtk_selection_model_selection_changed (GTK_SELECTION_MODEL (self), position, 1);
    }
}

static gboolean resync_cb (gpointer user_data);
static void     set_changed_cb (BwAnnotationSet *set,
                                guint            position,
                                guint            removed,
                                guint            added,
                                gpointer         user_data);

/* Another image, another set: announced as a reset. The set left behind
 * may be gone already, so it is not touched. */
static void
follow_set (BwObjectListModel *self)
{
  BwAnnotationSet *set = bw_annotation_controller_get_annotations (self->controller);
  guint removed = self->n_items;

  if (set == self->set)
    return;

  self->set = set;
  bw_annotation_set_set_changed_func (set, set_changed_cb, self);
  self->n_items = 0;
  if (removed > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, 0);
  if (self->resync_id == 0)
    self->resync_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE, resync_cb, self, NULL);
}

static void
selection_changed_cb (BwObjectListModel *self)
{
  GArray *selection = bw_annotation_controller_get_selection (self->controller);
  g_autoptr(GHashTable) now = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GArray) changed = g_array_new (FALSE, FALSE, sizeof (gint64));
  GHashTableIter iter;
  gint64 *id;

  /* The controller says so after it loads an image. */
  follow_set (self);

  for (guint i = 0; i < selection->len; i++)
    {
      gint64 sid = g_array_index (selection, gint64, i);

      if (g_hash_table_add (now, g_memdup2 (&sid, sizeof sid)) &&
          !g_hash_table_contains (self->selected, &sid))
        g_array_append_val (changed, sid);
    }

  g_hash_table_iter_init (&iter, self->selected);
  while (g_hash_table_iter_next (&iter, (gpointer *) &id, NULL))
    if (!g_hash_table_contains (now, id))
      g_array_append_val (changed, *id);

  g_hash_table_unref (self->selected);
  self->selected = g_steal_pointer (&now);

  announce_selection (self, changed);
}

static gboolean
resync_cb (gpointer user_data)
{
  BwObjectListModel *self = user_data;
  guint added;

  self->resync_id = 0;
  follow_set (self);
  g_clear_handle_id (&self->resync_id, g_source_remove);
  added = bw_annotation_set_get_size (self->set);
  self->n_items = added;
  if (added > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, added);

  return G_SOURCE_REMOVE;
}

static void
set_changed_cb (BwAnnotationSet *set,
                guint            position,
                guint            removed,
                guint            added,
                gpointer         user_data)
{
  BwObjectListModel *self = user_data;

  /* A set this model has left (the controller's spare empty one). */
  if (set != self->set)
    return;
  follow_set (self);

  /* The rest of a load: announced all at once. */
  if (self->resync_id != 0)
    return;

  /* A reset: the set is filled again right after, one shape at a time. */
  if (position == 0 && removed == self->n_items && added == 0 &&
      bw_annotation_set_get_size (self->set) == 0)
    {
      self->n_items = 0;
      if (removed > 0)
        g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, 0);
      self->resync_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE, resync_cb, self, NULL);
      return;
    }

  g_assert (self->n_items + added - removed == bw_annotation_set_get_size (self->set));
  self->n_items = self->n_items + added - removed;
  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
}

static void
categories_changed_cb (BwObjectListModel *self)
{
  /* Names and colours: the rows shown are bound again. */
  if (self->resync_id == 0 && self->n_items > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, self->n_items, self->n_items);
}

/* ------------------------------------------------------------------ */
/* GObject                                                             */

static void
bw_object_list_model_dispose (GObject *object)
{
  BwObjectListModel *self = BW_OBJECT_LIST_MODEL (object);

  g_clear_handle_id (&self->resync_id, g_source_remove);
  self->set = NULL;
  if (self->controller != NULL)
    {
      bw_annotation_controller_remove_set_listener (self->controller, self);
      g_signal_handlers_disconnect_by_data (self->controller, self);
    }
  g_clear_object (&self->controller);

  G_OBJECT_CLASS (bw_object_list_model_parent_class)->dispose (object);
}

static void
bw_object_list_model_finalize (GObject *object)
{
  BwObjectListModel *self = BW_OBJECT_LIST_MODEL (object);

  g_hash_table_unref (self->selected);

  G_OBJECT_CLASS (bw_object_list_model_parent_class)->finalize (object);
}

static void
bw_object_list_model_class_init (BwObjectListModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = bw_object_list_model_dispose;
  object_class->finalize = bw_object_list_model_finalize;
}

static void
bw_object_list_model_init (BwObjectListModel *self)
{
  self->selected = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
}

/**
 * bw_object_list_model_new:
 *
 * Returns: (transfer full): a list of the shapes @controller shows
 */
BwObjectListModel *
bw_object_list_model_new (BwAnnotationController *controller)
{
  BwObjectListModel *self;

  g_return_val_if_fail (BW_IS_ANNOTATION_CONTROLLER (controller), NULL);

  self = g_object_new (BW_TYPE_OBJECT_LIST_MODEL, NULL);
  self->controller = g_object_ref (controller);
  self->set = bw_annotation_controller_get_annotations (controller);
  self->n_items = bw_annotation_set_get_size (self->set);
  bw_annotation_set_set_changed_func (self->set, set_changed_cb, self);
  g_signal_connect_object (controller, "selection-changed",
                           G_CALLBACK (selection_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (controller, "categories-changed",
                           G_CALLBACK (categories_changed_cb), self, G_CONNECT_SWAPPED);
  selection_changed_cb (self);

  return self;
}

/**
 * bw_object_list_model_rebind:
 *
 * Something shown of every row changed (a reviewer's verdicts): the rows
 * in view are bound again.
 */
void
bw_object_list_model_rebind (BwObjectListModel *self)
{
  g_return_if_fail (BW_IS_OBJECT_LIST_MODEL (self));

  categories_changed_cb (self);
}

/* Returns: the row of @annotation_id, or G_MAXUINT */
guint
bw_object_list_model_find (BwObjectListModel *self,
                           gint64             annotation_id)
{
  guint position;

  g_return_val_if_fail (BW_IS_OBJECT_LIST_MODEL (self), G_MAXUINT);

  if (!set_is_current (self))
    return G_MAXUINT;

  position = bw_annotation_set_find (self->set, annotation_id);
  return position < self->n_items ? position : G_MAXUINT;
}
