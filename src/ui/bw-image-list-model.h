/* bw-image-list-model.h — a project's images as a GListModel
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "bw-project.h"

G_BEGIN_DECLS

#define BW_TYPE_IMAGE_ITEM (bw_image_item_get_type ())

G_DECLARE_FINAL_TYPE (BwImageItem, bw_image_item, BW, IMAGE_ITEM, GObject)

gint64          bw_image_item_get_id      (BwImageItem *self);
/* Fetched from the store the first time it is asked for; NULL when the
 * image is gone. */
const BwImage  *bw_image_item_get_image   (BwImageItem *self);
const char     *bw_image_item_get_name    (BwImageItem *self);

#define BW_TYPE_IMAGE_LIST_MODEL (bw_image_list_model_get_type ())

G_DECLARE_FINAL_TYPE (BwImageListModel, bw_image_list_model, BW, IMAGE_LIST_MODEL, GObject)

BwImageListModel *bw_image_list_model_new          (BwProject        *project,
                                                    BwImageSort       sort);
BwProject        *bw_image_list_model_get_project  (BwImageListModel *self);
/* -1 for every status */
void              bw_image_list_model_set_filter   (BwImageListModel *self,
                                                    int               status,
                                                    const char       *search);
void              bw_image_list_model_set_sort     (BwImageListModel *self,
                                                    BwImageSort       sort);
BwImageSort       bw_image_list_model_get_sort     (BwImageListModel *self);
void              bw_image_list_model_refresh      (BwImageListModel *self);
void              bw_image_list_model_update_images (BwImageListModel *self,
                                                    const gint64     *ids,
                                                    guint             n_ids);
/* Position of @image_id, or G_MAXUINT when it is not in the list. */
guint             bw_image_list_model_find         (BwImageListModel *self,
                                                    gint64            image_id);
guint             bw_image_list_model_find_place   (BwImageListModel *self,
                                                    gint64            image_id);
gint64            bw_image_list_model_get_id       (BwImageListModel *self,
                                                    guint             position);

G_END_DECLS
