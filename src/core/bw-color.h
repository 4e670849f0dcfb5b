/* bw-color.h — category colours that stay apart
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _BwColorPicker BwColorPicker;

gboolean       bw_color_parse          (const char    *color,
                                        double         rgb[3]);
void           bw_color_to_lab         (const double   rgb[3],
                                        double         lab[3]);
double         bw_color_distance       (const char    *a,
                                        const char    *b);

BwColorPicker *bw_color_picker_new     (void);
void           bw_color_picker_free    (BwColorPicker *picker);
void           bw_color_picker_add     (BwColorPicker *picker,
                                        const char    *color);
char          *bw_color_picker_next    (BwColorPicker *picker);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BwColorPicker, bw_color_picker_free)

G_END_DECLS
