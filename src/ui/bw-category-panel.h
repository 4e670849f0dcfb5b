/* bw-category-panel.h — the category list beside the canvas
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "bw-annotation-controller.h"

G_BEGIN_DECLS

#define BW_TYPE_CATEGORY_PANEL (bw_category_panel_get_type ())

G_DECLARE_FINAL_TYPE (BwCategoryPanel, bw_category_panel, BW, CATEGORY_PANEL, GtkBox)

GtkWidget *bw_category_panel_new (BwAnnotationController *controller);
void       bw_category_panel_reload_examples (BwCategoryPanel *self);

char      *bw_example_describe_shape (const BwGuidelineExample *example);

G_END_DECLS
