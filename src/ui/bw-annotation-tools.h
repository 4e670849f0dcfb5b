/* bw-annotation-tools.h — the annotation tools in the main window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "bw-annotation-controller.h"
#include "bw-window.h"

G_BEGIN_DECLS

BwAnnotationController *bw_annotation_tools_install (BwWindow *window);
BwAnnotationController *bw_annotation_tools_get     (BwWindow *window);
void                    bw_annotation_tools_reload  (BwWindow *window);

G_END_DECLS
