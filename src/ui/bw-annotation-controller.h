/* bw-annotation-controller.h — the annotation tools
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "bw-annotation-renderer.h"
#include "bw-annotation-set.h"
#include "bw-canvas.h"
#include "bw-edit-history.h"
#include "bw-layer-session.h"
#include "bw-project.h"

G_BEGIN_DECLS

typedef enum
{
  BW_TOOL_SELECT,
  BW_TOOL_BOX,
  BW_TOOL_POLYGON,
  BW_TOOL_PIN,          /* review: a click pins a comment */
} BwTool;

#define BW_TYPE_ANNOTATION_CONTROLLER (bw_annotation_controller_get_type ())

G_DECLARE_FINAL_TYPE (BwAnnotationController, bw_annotation_controller, BW, ANNOTATION_CONTROLLER, GObject)

/* Signals:
 *   "redraw"     ()                   the overlay must be drawn again
 *   "error"      (GError *error)      an edit was refused or failed; tell the user
 *   "submitted"  (gint64 image_id)    the image was submitted (Ctrl+Enter)
 *   "selection-changed" ()
 *   "categories-changed" ()           the taxonomy was (re)loaded
 *   "confirm-no-objects" (gint64 image_id) submit of an image without
 *                                      shapes: ask, then mark_no_objects()
 *   "reopened"   (gint64 image_id)     an edit sent submitted work back to
 *                                      in progress
 *   "relabelled" (guint n, gint64 category_id) shapes changed category
 *   "recalled"   (gint64 image_id)     a submission was taken back
 *   "reject-requested" ()              R in review: ask for a reason, then
 *                                      bw_annotation_controller_reject_selection()
 *   "pin-requested" (double x, double y) a click of the comment tool: ask
 *                                      for the comment, then
 *                                      bw_annotation_controller_pin_comment()
 *   "layer-reviewed" (gint64 image_id, gboolean accepted) the image was
 *                                      accepted (Ctrl+Enter) or returned
 * Properties: "tool" (int, BwTool), "category-id" (gint64), "can-undo",
 * "can-redo" (from the history).
 */

BwAnnotationController *bw_annotation_controller_new          (void);

void                  bw_annotation_controller_set_project    (BwAnnotationController *self,
                                                               BwProject              *project,
                                                               gint64                  person_id);
BwProject            *bw_annotation_controller_get_project    (BwAnnotationController *self);
BwEditHistory        *bw_annotation_controller_get_history    (BwAnnotationController *self);
BwLayerSession       *bw_annotation_controller_get_session    (BwAnnotationController *self);
gboolean              bw_annotation_controller_flush          (BwAnnotationController *self);
void                  bw_annotation_controller_reload_categories (BwAnnotationController *self);
GPtrArray            *bw_annotation_controller_get_categories (BwAnnotationController *self);

gboolean              bw_annotation_controller_load_image     (BwAnnotationController *self,
                                                               gint64                  image_id,
                                                               int                     width,
                                                               int                     height,
                                                               GError                **error);
gint64                bw_annotation_controller_get_image_id   (BwAnnotationController *self);
gint64                bw_annotation_controller_get_layer_id   (BwAnnotationController *self);
void                  bw_annotation_controller_set_gold_answer (BwAnnotationController *self,
                                                               gboolean                gold);
BwAnnotationSet      *bw_annotation_controller_get_annotations (BwAnnotationController *self);
void                  bw_annotation_controller_remove_set_listener (BwAnnotationController *self,
                                                               gpointer                user_data);
BwAnnotationRenderer *bw_annotation_controller_get_renderer   (BwAnnotationController *self);

void                  bw_annotation_controller_set_view       (BwAnnotationController *self,
                                                               double                  scale,
                                                               double                  offset_x,
                                                               double                  offset_y);
void                  bw_annotation_controller_set_tool       (BwAnnotationController *self,
                                                               BwTool                  tool);
BwTool                bw_annotation_controller_get_tool       (BwAnnotationController *self);
void                  bw_annotation_controller_set_category   (BwAnnotationController *self,
                                                               gint64                  category_id);
gint64                bw_annotation_controller_get_category   (BwAnnotationController *self);
void                  bw_annotation_controller_set_category_hidden (BwAnnotationController *self,
                                                               gint64                  category_id,
                                                               gboolean                hidden);
gboolean              bw_annotation_controller_get_category_hidden (BwAnnotationController *self,
                                                               gint64                  category_id);
void                  bw_annotation_controller_set_annotation_hidden (BwAnnotationController *self,
                                                               gint64                  annotation_id,
                                                               gboolean                hidden);

GArray               *bw_annotation_controller_get_selection  (BwAnnotationController *self);
void                  bw_annotation_controller_request_question (BwAnnotationController *self);
void                  bw_annotation_controller_set_questions  (BwAnnotationController *self,
                                                               GPtrArray              *questions);
gboolean              bw_annotation_controller_pin_example    (BwAnnotationController *self,
                                                               gboolean                positive,
                                                               GError                **error);
gboolean              bw_annotation_controller_unpin_example  (BwAnnotationController *self,
                                                               GError                **error);
void                  bw_annotation_controller_select         (BwAnnotationController *self,
                                                               const gint64           *ids,
                                                               guint                   n_ids);
gboolean              bw_annotation_controller_is_drawing     (BwAnnotationController *self);
const char           *bw_annotation_controller_get_cursor     (BwAnnotationController *self);

/* Review: the annotator's layer of an image, judged by the person set
 * with bw_annotation_controller_set_project(). */
gboolean              bw_annotation_controller_load_review    (BwAnnotationController *self,
                                                               gint64                  layer_id,
                                                               int                     width,
                                                               int                     height,
                                                               GError                **error);
gboolean              bw_annotation_controller_is_review      (BwAnnotationController *self);
GPtrArray            *bw_annotation_controller_get_reasons    (BwAnnotationController *self);
gboolean              bw_annotation_controller_accept_selection (BwAnnotationController *self);
gboolean              bw_annotation_controller_reject_selection (BwAnnotationController *self,
                                                               gint64                  reason_id,
                                                               const char             *comment);
gboolean              bw_annotation_controller_fix_selection  (BwAnnotationController *self);
gboolean              bw_annotation_controller_accept_undecided (BwAnnotationController *self);
gboolean              bw_annotation_controller_set_show_model (BwAnnotationController *self,
                                                               gboolean                show);
gboolean              bw_annotation_controller_get_show_model (BwAnnotationController *self);
gboolean              bw_annotation_controller_pin_comment    (BwAnnotationController *self,
                                                               double                  x,
                                                               double                  y,
                                                               gint64                  reason_id,
                                                               const char             *comment);
gboolean              bw_annotation_controller_accept_layer   (BwAnnotationController *self);
gboolean              bw_annotation_controller_return_layer   (BwAnnotationController *self,
                                                               gint64                  reason_id,
                                                               const char             *comment);
gint64                bw_annotation_controller_get_fixing     (BwAnnotationController *self);

/* Input, in image coordinates; the GTK controllers made by
 * bw_annotation_controller_attach() feed these, and tests call them. */
void                  bw_annotation_controller_press          (BwAnnotationController *self,
                                                               double                  x,
                                                               double                  y,
                                                               int                     n_press,
                                                               GdkModifierType         state);
void                  bw_annotation_controller_motion         (BwAnnotationController *self,
                                                               double                  x,
                                                               double                  y,
                                                               GdkModifierType         state);
void                  bw_annotation_controller_release        (BwAnnotationController *self,
                                                               double                  x,
                                                               double                  y,
                                                               GdkModifierType         state);
void                  bw_annotation_controller_leave          (BwAnnotationController *self);
void                  bw_annotation_controller_cancel_drag    (BwAnnotationController *self);
gboolean              bw_annotation_controller_key_press      (BwAnnotationController *self,
                                                               guint                   keyval,
                                                               GdkModifierType         state);

/* Commands; each reports failure through the "error" signal too. */
gboolean              bw_annotation_controller_undo           (BwAnnotationController *self);
gboolean              bw_annotation_controller_redo           (BwAnnotationController *self);
gboolean              bw_annotation_controller_delete_selection (BwAnnotationController *self);
gboolean              bw_annotation_controller_restack_selection (BwAnnotationController *self,
                                                               gboolean                to_front);
gboolean              bw_annotation_controller_nudge          (BwAnnotationController *self,
                                                               double                  dx,
                                                               double                  dy);
void                  bw_annotation_controller_select_all     (BwAnnotationController *self);
guint                 bw_annotation_controller_copy           (BwAnnotationController *self);
gboolean              bw_annotation_controller_paste          (BwAnnotationController *self);
gboolean              bw_annotation_controller_set_selection_category (BwAnnotationController *self,
                                                               gint64                  category_id);
gboolean              bw_annotation_controller_start_add_part (BwAnnotationController *self);
gboolean              bw_annotation_controller_close_polygon  (BwAnnotationController *self);
gboolean              bw_annotation_controller_pick_category  (BwAnnotationController *self,
                                                               gint64                  category_id);
gboolean              bw_annotation_controller_submit         (BwAnnotationController *self);
gboolean              bw_annotation_controller_mark_no_objects (BwAnnotationController *self);
gboolean              bw_annotation_controller_recall         (BwAnnotationController *self);
gint64                bw_annotation_controller_find_next_in_queue (BwAnnotationController *self);

void                  bw_annotation_controller_draw           (BwAnnotationController *self,
                                                               cairo_t                *cr,
                                                               int                     width,
                                                               int                     height);

/* GTK glue */
void                  bw_annotation_controller_attach         (BwAnnotationController *self,
                                                               BwCanvas               *canvas);
void                  bw_annotation_controller_add_shortcuts  (BwAnnotationController *self,
                                                               GtkWidget              *widget);
GActionGroup         *bw_annotation_controller_get_action_group (BwAnnotationController *self);
void                  bw_annotation_controller_set_accels     (GtkApplication         *application);

G_END_DECLS
