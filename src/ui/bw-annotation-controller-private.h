/* bw-annotation-controller-private.h — shared by the tools and their GTK glue
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "bw-annotation-controller.h"

G_BEGIN_DECLS

typedef enum
{
  DRAG_NONE,
  DRAG_BOX,             /* drawing a box */
  DRAG_RUBBER_BAND,     /* selecting by area */
  DRAG_MOVE,            /* moving the selection */
  DRAG_RESIZE,          /* a box handle */
  DRAG_VERTEX,          /* a polygon vertex */
} DragMode;

struct _BwAnnotationController
{
  GObject               parent_instance;

  BwProject            *project;
  gint64                person_id;
  GPtrArray            *categories;   /* BwCategory*, taxonomy order */

  /* The image shown: its work, history and commands live in the session;
   * the controller keeps the tool, the selection and the input. */
  BwLayerSession       *session;      /* NULL when no image is shown */
  gint64                image_id;
  double                image_width;
  double                image_height;
  BwAnnotationSet      *set;          /* the session's, or empty */
  BwAnnotationSet      *empty_set;
  BwAnnotationRenderer *renderer;
  BwRenderView          view;

  BwTool                tool;
  gint64                category_id;

  GArray               *selection;    /* gint64, in selection order */
  gboolean              by_hand;      /* the user chose the selection (click,
                                       * Shift+click, band, Tab, the list),
                                       * rather than it being what was just
                                       * drawn or pasted */
  gint64                hover_id;
  int                   active_vertex; /* of the single selected polygon, or -1 */

  /* Pointer */
  gboolean              has_pointer;
  BwPoint               pointer;

  /* Dragging */
  DragMode              drag;
  BwPoint               drag_start;
  BwPoint               drag_now;
  int                   drag_handle;  /* box handle 0..7 (clockwise from top-left) or vertex */
  gboolean              drag_inserted; /* the vertex was inserted by this drag */
  gint64                drag_hit;     /* the shape a move started on */
  GPtrArray            *originals;    /* BwAnnotation*, as before the drag */
  GPtrArray            *floating;     /* BwAnnotation*, as dragged */

  /* Another program changed the project during an edit: the layer is
   * compared with the project once the edit is over. */
  guint                 refresh_id;

  /* Polygon being drawn */
  GArray               *polygon;      /* BwPoint */
  gint64                part_target;  /* adding a part to this polygon, or 0 */

  /* Copy and paste */
  GPtrArray            *clipboard;    /* BwAnnotation* */
  gint64                clipboard_image;
  guint                 paste_count;

  /* GTK glue */
  BwCanvas             *canvas;       /* weak */
  GSimpleActionGroup   *actions;
  const char           *cursor_name;  /* static string, as last set */
  gint64                last_press_time;
  BwPoint               last_press_widget;
  int                   n_press;
};

/* bw-annotation-controller.c */
void                _bw_annotation_controller_queue_redraw     (BwAnnotationController *self);
const BwAnnotation *_bw_annotation_controller_single_selected  (BwAnnotationController *self);

/* bw-annotation-controller-gtk.c */
void                _bw_annotation_controller_update_actions   (BwAnnotationController *self);

G_END_DECLS
