/* bw-annotation-menus.h — the canvas's context menu
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "bw-annotation-controller.h"

G_BEGIN_DECLS

void        bw_annotation_menus_install   (BwAnnotationController *controller,
                                           BwCanvas               *canvas);
GtkWidget  *bw_annotation_menus_get_popover (BwCanvas             *canvas);
gboolean    bw_annotation_menus_popup_at  (BwCanvas               *canvas,
                                           double                  x,
                                           double                  y);

G_END_DECLS
