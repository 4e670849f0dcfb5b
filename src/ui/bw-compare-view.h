/* bw-compare-view.h — answers to one image, side by side
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "bw-canvas.h"
#include "bw-project.h"

G_BEGIN_DECLS

#define BW_TYPE_COMPARE_VIEW (bw_compare_view_get_type ())

G_DECLARE_FINAL_TYPE (BwCompareView, bw_compare_view, BW, COMPARE_VIEW, GtkBox)

GtkWidget *bw_compare_view_new        (BwProject      *project);
gboolean   bw_compare_view_show       (BwCompareView  *self,
                                       gint64          image_id,
                                       const gint64   *layer_ids,
                                       const char    **titles,
                                       guint           n_layers,
                                       GError        **error);
guint      bw_compare_view_get_n_panes (BwCompareView *self);
BwCanvas  *bw_compare_view_get_canvas (BwCompareView  *self,
                                       guint           pane);
guint      bw_compare_view_get_n_shapes (BwCompareView *self,
                                         guint          pane);

G_END_DECLS
