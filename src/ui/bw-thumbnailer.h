/* bw-thumbnailer.h — small previews for the image list, made off the UI thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "bw-project.h"

G_BEGIN_DECLS

/* A guideline example's thumbnail, where examples are listed. */
#define BW_EXAMPLE_THUMBNAIL_SIZE 64

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
void           bw_thumbnailer_load_example_async (BwThumbnailer *self,
                                            const char     *path,
                                            const BwShape  *shape,
                                            const BwCategory *category,
                                            GCancellable   *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer        user_data);
GtkWidget     *bw_thumbnailer_new_example_picture (BwThumbnailer *self,
                                            BwProject      *project,
                                            const BwGuidelineExample *example,
                                            GCancellable   *cancellable);
GdkTexture    *bw_thumbnailer_load_finish  (BwThumbnailer  *self,
                                            GAsyncResult   *result,
                                            GError        **error);
void           bw_thumbnailer_set_max_pixels (BwThumbnailer *self,
                                            guint64         max_pixels);

G_END_DECLS
