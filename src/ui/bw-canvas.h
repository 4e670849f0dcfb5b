/* bw-canvas.h — the image viewer widget
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "bw-image-loader.h"
#include "bw-project.h"

G_BEGIN_DECLS

#define BW_TYPE_CANVAS (bw_canvas_get_type ())

G_DECLARE_FINAL_TYPE (BwCanvas, bw_canvas, BW, CANVAS, GtkWidget)

/* Signals:
 *   "view-changed"  ()  zoom or pan changed
 *   "image-loaded"  ()  a new image is on screen (its size is known; the
 *                       full resolution may still be coming, see "state")
 *   "locate"        ()  the user asked to locate a missing image
 *   "exclude"       ()  the user asked to exclude a broken image
 * Properties: "state" (BwCanvasState, read-only), "zoom" (double, read-only).
 */

/* What the canvas shows. */
typedef enum
{
  BW_CANVAS_STATE_EMPTY,        /* no image */
  BW_CANVAS_STATE_LOADING,      /* decoding, nothing to show yet */
  BW_CANVAS_STATE_PREVIEW,      /* a scaled decode is shown, full resolution is coming */
  BW_CANVAS_STATE_READY,        /* full resolution */
  BW_CANVAS_STATE_ERROR,        /* the file is missing, unreadable or changed */
} BwCanvasState;

/**
 * BwCanvasOverlayFunc:
 * @canvas: the canvas
 * @cr: a cairo context in widget coordinates, the image already drawn
 * @width: width of the area being drawn
 * @height: height of the area being drawn
 * @user_data: data given to bw_canvas_set_overlay_func()
 *
 * Draws on top of the image (annotations). Called from snapshot and from
 * bw_canvas_render().
 */
typedef void (*BwCanvasOverlayFunc) (BwCanvas *canvas,
                                     cairo_t  *cr,
                                     int       width,
                                     int       height,
                                     gpointer  user_data);

GtkWidget    *bw_canvas_new                (void);

void          bw_canvas_set_overlay_func   (BwCanvas            *self,
                                            BwCanvasOverlayFunc  func,
                                            gpointer             user_data,
                                            GDestroyNotify       destroy);
/* Redraw (e.g. after the overlay changed). */
void          bw_canvas_queue_redraw       (BwCanvas            *self);

/* widget = image * scale + offset */
void          bw_canvas_get_view           (BwCanvas            *self,
                                            double              *scale,
                                            double              *offset_x,
                                            double              *offset_y);
void          bw_canvas_widget_to_image    (BwCanvas            *self,
                                            double               wx,
                                            double               wy,
                                            double              *ix,
                                            double              *iy);
void          bw_canvas_image_to_widget    (BwCanvas            *self,
                                            double               ix,
                                            double               iy,
                                            double              *wx,
                                            double              *wy);
void          bw_canvas_get_image_size     (BwCanvas            *self,
                                            int                 *width,
                                            int                 *height);
gint64        bw_canvas_get_image_id       (BwCanvas            *self);
BwCanvasState bw_canvas_get_state          (BwCanvas            *self);
const GError *bw_canvas_get_error          (BwCanvas            *self);

/* Headless: draws the current view (image and overlay) into @cr at
 * @width × @height. Needs no window; a canvas that was never shown uses
 * that size as its viewport. */
void          bw_canvas_render             (BwCanvas            *self,
                                            cairo_t             *cr,
                                            int                  width,
                                            int                  height);

/* Loading. @image_id is what bw_canvas_get_image_id() returns (0 for an
 * image outside a project). The expected size, when known (> 0), is
 * checked against the file: a file replaced since import is an error. */
void          bw_canvas_load_file          (BwCanvas            *self,
                                            GFile               *file,
                                            gint64               image_id,
                                            int                  expected_width,
                                            int                  expected_height);
gboolean      bw_canvas_load_file_sync     (BwCanvas            *self,
                                            GFile               *file,
                                            gint64               image_id,
                                            int                  expected_width,
                                            int                  expected_height,
                                            GError             **error);
/* Decode @file ahead, so that a later bw_canvas_load_file() of it is
 * instant. */
void          bw_canvas_preload_file       (BwCanvas            *self,
                                            GFile               *file);
/* The same for an image of @project: the file is checked against what was
 * recorded at import (size in pixels and bytes). */
void          bw_canvas_load_image         (BwCanvas            *self,
                                            BwProject           *project,
                                            const BwImage       *image);
void          bw_canvas_preload_image      (BwCanvas            *self,
                                            BwProject           *project,
                                            const BwImage       *image);
/* Largest image decoded, in pixels (default BW_IMAGE_DEFAULT_MAX_PIXELS). */
void          bw_canvas_set_max_pixels     (BwCanvas            *self,
                                            guint64              max_pixels);
void          bw_canvas_clear              (BwCanvas            *self);
/* The loader that decodes for this canvas (its cache and figures). */
BwImageLoader *bw_canvas_get_loader        (BwCanvas            *self);
/* Shows @error in the canvas, with Locate… and Exclude buttons when
 * @image_id is not 0 (they emit the "locate" and "exclude" signals). */
void          bw_canvas_set_error          (BwCanvas            *self,
                                            gint64               image_id,
                                            const GError        *error);

/* The view. */
double        bw_canvas_get_zoom           (BwCanvas            *self);
gboolean      bw_canvas_get_fit            (BwCanvas            *self);
void          bw_canvas_zoom_to_fit        (BwCanvas            *self);
void          bw_canvas_set_zoom           (BwCanvas            *self,
                                            double               zoom);
/* Zoom to @zoom keeping the image point under widget point (wx, wy) fixed. */
void          bw_canvas_zoom_at            (BwCanvas            *self,
                                            double               zoom,
                                            double               wx,
                                            double               wy);
void          bw_canvas_set_view           (BwCanvas            *self,
                                            double               scale,
                                            double               offset_x,
                                            double               offset_y);
void          bw_canvas_zoom_to_rect       (BwCanvas            *self,
                                            double               x0,
                                            double               y0,
                                            double               x1,
                                            double               y1);
void          bw_canvas_pan                (BwCanvas            *self,
                                            double               dx,
                                            double               dy);
/* Viewport used when the widget has no allocation (headless use). */
void          bw_canvas_set_viewport_size  (BwCanvas            *self,
                                            int                  width,
                                            int                  height);

G_END_DECLS
