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
  gboolean              gold;         /* the next image loads its gold answer */
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

  /* Review */
  gint64                fixing_id;    /* the shape a reviewer fixes (E), or 0 */
  GPtrArray            *reasons;      /* BwRejectionReason*, hidden ones too */
  gint64                hover_pin;    /* the pinned comment under the pointer */
  BwAnnotationSet      *model_set;    /* the model's predictions for the image
                                       * under review, once asked for (M) */
  gboolean              show_model;   /* shown instead of the annotator's work */
  gint64                last_press_time;
  BwPoint               last_press_widget;
  int                   n_press;
};

typedef enum
{
  BW_REVIEW_REQUEST_REJECT,     /* R: ask for the reason */
  BW_REVIEW_REQUEST_PIN,        /* a click with the comment tool */
  BW_REVIEW_REQUEST_REVIEWED,   /* the image was accepted or returned */
} BwReviewRequest;

/* bw-annotation-controller.c */
void                _bw_annotation_controller_queue_redraw     (BwAnnotationController *self);
void                _bw_annotation_controller_report           (BwAnnotationController *self,
                                                                const GError           *error);
void                _bw_annotation_controller_emit_review      (BwAnnotationController *self,
                                                                BwReviewRequest         request,
                                                                double                  x,
                                                                double                  y,
                                                                gboolean                accepted);
void                _bw_annotation_controller_take_session     (BwAnnotationController *self,
                                                                BwLayerSession         *session);

/* bw-annotation-controller-review.c */
void                _bw_annotation_controller_update_reviews   (BwAnnotationController *self);
void                _bw_annotation_controller_reload_reasons   (BwAnnotationController *self);
void                _bw_annotation_controller_hover_pin        (BwAnnotationController *self,
                                                                double                  x,
                                                                double                  y);
void                _bw_annotation_controller_forget_model     (BwAnnotationController *self);
gboolean            _bw_annotation_controller_review_key       (BwAnnotationController *self,
                                                                guint                   keyval,
                                                                GdkModifierType         mods);
const BwAnnotation *_bw_annotation_controller_single_selected  (BwAnnotationController *self);

/* bw-annotation-controller-gtk.c */
void                _bw_annotation_controller_update_actions   (BwAnnotationController *self);
void                _bw_annotation_controller_reveal           (BwAnnotationController *self,
                                                                gint64                  annotation_id);

G_END_DECLS
