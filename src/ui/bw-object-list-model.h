/* bw-object-list-model.h — the shapes of the image shown, as a list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "bw-annotation-controller.h"

G_BEGIN_DECLS

#define BW_TYPE_OBJECT_ITEM (bw_object_item_get_type ())

G_DECLARE_FINAL_TYPE (BwObjectItem, bw_object_item, BW, OBJECT_ITEM, GObject)

gint64       bw_object_item_get_id          (BwObjectItem *self);
gint64       bw_object_item_get_category_id (BwObjectItem *self);
BwShapeKind  bw_object_item_get_kind        (BwObjectItem *self);
guint        bw_object_item_get_n_points    (BwObjectItem *self);
guint        bw_object_item_get_n_parts     (BwObjectItem *self);
gboolean     bw_object_item_get_hidden      (BwObjectItem *self);

#define BW_TYPE_OBJECT_LIST_MODEL (bw_object_list_model_get_type ())

G_DECLARE_FINAL_TYPE (BwObjectListModel, bw_object_list_model, BW, OBJECT_LIST_MODEL, GObject)

BwObjectListModel *bw_object_list_model_new      (BwAnnotationController *controller);
guint              bw_object_list_model_find     (BwObjectListModel      *self,
                                                  gint64                  annotation_id);
void               bw_object_list_model_rebind   (BwObjectListModel      *self);

G_END_DECLS
