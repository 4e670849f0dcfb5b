/* bw-thumbnailer.h — small previews for the image list, made off the UI thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define BW_TYPE_THUMBNAILER (bw_thumbnailer_get_type ())

G_DECLARE_FINAL_TYPE (BwThumbnailer, bw_thumbnailer, BW, THUMBNAILER, GObject)

BwThumbnailer *bw_thumbnailer_new          (int             size,
                                            guint           max_cached);
/* A cached thumbnail (no reference), or NULL. */
GdkTexture    *bw_thumbnailer_lookup       (BwThumbnailer  *self,
                                            const char     *path);
void           bw_thumbnailer_load_async   (BwThumbnailer  *self,
                                            const char     *path,
                                            GCancellable   *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer        user_data);
GdkTexture    *bw_thumbnailer_load_finish  (BwThumbnailer  *self,
                                            GAsyncResult   *result,
                                            GError        **error);
void           bw_thumbnailer_set_max_pixels (BwThumbnailer *self,
                                            guint64         max_pixels);

G_END_DECLS
