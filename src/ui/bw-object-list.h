/* bw-object-list.h — the list of the shapes on the image shown
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "bw-annotation-controller.h"
#include "bw-object-list-model.h"

G_BEGIN_DECLS

#define BW_TYPE_OBJECT_LIST (bw_object_list_get_type ())

G_DECLARE_FINAL_TYPE (BwObjectList, bw_object_list, BW, OBJECT_LIST, GtkBox)

GtkWidget         *bw_object_list_new       (BwAnnotationController *controller);
BwObjectListModel *bw_object_list_get_model (BwObjectList           *self);
GtkListView       *bw_object_list_get_view  (BwObjectList           *self);

G_END_DECLS
