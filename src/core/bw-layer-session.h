/* bw-layer-session.h — one image's work: its layers, their history, commands
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "bw-annotation-set.h"
#include "bw-edit-history.h"
#include "bw-project.h"

G_BEGIN_DECLS

#define BW_LAYER_SESSION_ERROR (bw_layer_session_error_quark ())

typedef enum
{
  BW_LAYER_SESSION_ERROR_NO_PERSON,     /* nobody to attribute the work to */
  BW_LAYER_SESSION_ERROR_NOT_FOUND,     /* a shape that is not on the layer */
  BW_LAYER_SESSION_ERROR_EMPTY,         /* submit without shapes: ask first */
  BW_LAYER_SESSION_ERROR_NOT_EMPTY,     /* "no objects" on an image with shapes */
  BW_LAYER_SESSION_ERROR_NOT_SUBMITTED, /* recall of work that was not submitted */
  BW_LAYER_SESSION_ERROR_REVIEWED,      /* recall of work already reviewed */
  BW_LAYER_SESSION_ERROR_REVIEWING,     /* an annotator's command in a review */
  BW_LAYER_SESSION_ERROR_NOT_REVIEWING, /* a verdict outside a review */
  BW_LAYER_SESSION_ERROR_GOLD,          /* submit of a gold answer */
} BwLayerSessionError;

#define BW_TYPE_LAYER_SESSION (bw_layer_session_get_type ())

G_DECLARE_FINAL_TYPE (BwLayerSession, bw_layer_session, BW, LAYER_SESSION, GObject)

/* Signals:
 *   "annotation-changed" (gint64 id, BwAnnotation *annotation or NULL)
 *                         one shape of the set changed, was added or removed
 *   "reloaded"           ()  the set was read again after a change made
 *                            elsewhere (an import, a merge of categories)
 *   "status-changed"     ()  the layer's status or no-objects mark changed
 *   "reopened"           ()  an edit sent submitted work back to work
 *   "error"              (GError *error)  a write made later (the end of
 *                            a run of nudges) failed
 * Properties: "can-undo", "can-redo" (boolean, notify).
 */

GQuark            bw_layer_session_error_quark     (void);

BwLayerSession   *bw_layer_session_new             (BwProject        *project,
                                                    gint64            image_id,
                                                    gint64            person_id,
                                                    GError          **error);
BwLayerSession   *bw_layer_session_new_for_gold    (BwProject        *project,
                                                    gint64            image_id,
                                                    gint64            person_id,
                                                    GError          **error);
gboolean          bw_layer_session_is_gold         (BwLayerSession   *self);
BwLayerSession   *bw_layer_session_new_for_exam    (BwProject        *project,
                                                    gint64            attempt_id,
                                                    gint64            image_id,
                                                    GError          **error);
gint64            bw_layer_session_get_exam_attempt_id (BwLayerSession *self);

BwLayerSession   *bw_layer_session_new_for_review  (BwProject        *project,
                                                    gint64            layer_id,
                                                    gint64            reviewer_id,
                                                    GError          **error);

BwProject        *bw_layer_session_get_project     (BwLayerSession   *self);
gint64            bw_layer_session_get_image_id    (BwLayerSession   *self);
gint64            bw_layer_session_get_person_id   (BwLayerSession   *self);
gint64            bw_layer_session_get_layer_id    (BwLayerSession   *self);
void              bw_layer_session_get_image_size  (BwLayerSession   *self,
                                                    double           *width,
                                                    double           *height);
BwAnnotationSet  *bw_layer_session_get_annotations (BwLayerSession   *self);
BwLayerStatus     bw_layer_session_get_status      (BwLayerSession   *self);
gboolean          bw_layer_session_get_no_objects  (BwLayerSession   *self);
GPtrArray        *bw_layer_session_get_damaged     (BwLayerSession   *self);

/* Commands: each is one step of the history, saved in one transaction. */
gboolean          bw_layer_session_add             (BwLayerSession   *self,
                                                    gint64            category_id,
                                                    const BwShape    *shape,
                                                    gint64           *out_id,
                                                    GError          **error);
gboolean          bw_layer_session_add_many        (BwLayerSession   *self,
                                                    const char       *label,
                                                    GPtrArray        *annotations,
                                                    double            offset,
                                                    GArray          **out_ids,
                                                    GError          **error);
gboolean          bw_layer_session_change_shapes   (BwLayerSession   *self,
                                                    const char       *label,
                                                    const gint64     *ids,
                                                    BwShape * const  *shapes,
                                                    guint             n_ids,
                                                    GError          **error);
gboolean          bw_layer_session_change_shape    (BwLayerSession   *self,
                                                    const char       *label,
                                                    gint64            id,
                                                    const BwShape    *shape,
                                                    GError          **error);
gboolean          bw_layer_session_delete          (BwLayerSession   *self,
                                                    const gint64     *ids,
                                                    guint             n_ids,
                                                    GError          **error);
gboolean          bw_layer_session_relabel         (BwLayerSession   *self,
                                                    const gint64     *ids,
                                                    guint             n_ids,
                                                    gint64            category_id,
                                                    guint            *out_n_changed,
                                                    GError          **error);
gboolean          bw_layer_session_restack         (BwLayerSession   *self,
                                                    const gint64     *ids,
                                                    guint             n_ids,
                                                    gboolean          to_front,
                                                    GError          **error);
gboolean          bw_layer_session_nudge           (BwLayerSession   *self,
                                                    const gint64     *ids,
                                                    guint             n_ids,
                                                    double            dx,
                                                    double            dy,
                                                    GError          **error);
gboolean          bw_layer_session_flush           (BwLayerSession   *self,
                                                    GError          **error);
gboolean          bw_layer_session_refresh         (BwLayerSession   *self,
                                                    gboolean         *out_reloaded,
                                                    GError          **error);
gboolean          bw_layer_session_has_pending     (BwLayerSession   *self);

gboolean          bw_layer_session_can_undo        (BwLayerSession   *self);
gboolean          bw_layer_session_can_redo        (BwLayerSession   *self);
const char       *bw_layer_session_get_undo_label  (BwLayerSession   *self);
const char       *bw_layer_session_get_redo_label  (BwLayerSession   *self);
gboolean          bw_layer_session_undo            (BwLayerSession   *self,
                                                    GError          **error);
gboolean          bw_layer_session_redo            (BwLayerSession   *self,
                                                    GError          **error);

gboolean          bw_layer_session_submit          (BwLayerSession   *self,
                                                    GError          **error);
gboolean          bw_layer_session_mark_no_objects (BwLayerSession   *self,
                                                    GError          **error);
gboolean          bw_layer_session_can_recall      (BwLayerSession   *self);
gboolean          bw_layer_session_recall          (BwLayerSession   *self,
                                                    GError          **error);

gint64            bw_layer_session_find_next_image (BwLayerSession   *self);
gint64            bw_layer_session_find_next_image_sorted (BwLayerSession *self,
                                                    BwImageSort       sort);

/* Reviews (bw-layer-session-review.c). The verdicts are read for any
 * session, so an annotator sees what their reviewer said; the commands
 * need a session made by bw_layer_session_new_for_review(). */
gboolean          bw_layer_session_is_review       (BwLayerSession   *self);
gint64            bw_layer_session_get_reviewer_id (BwLayerSession   *self);
const BwReview   *bw_layer_session_get_verdict     (BwLayerSession   *self,
                                                    gint64            annotation_id);
GPtrArray        *bw_layer_session_get_reviews     (BwLayerSession   *self);
guint             bw_layer_session_count_undecided (BwLayerSession   *self);
int               bw_layer_session_get_submission  (BwLayerSession   *self);

gboolean          bw_layer_session_accept          (BwLayerSession   *self,
                                                    const gint64     *ids,
                                                    guint             n_ids,
                                                    GError          **error);
gboolean          bw_layer_session_reject          (BwLayerSession   *self,
                                                    const gint64     *ids,
                                                    guint             n_ids,
                                                    gint64            reason_id,
                                                    const char       *comment,
                                                    GError          **error);
gboolean          bw_layer_session_fix             (BwLayerSession   *self,
                                                    gint64            id,
                                                    const BwShape    *shape,
                                                    gint64            category_id,
                                                    GError          **error);
gboolean          bw_layer_session_accept_undecided (BwLayerSession  *self,
                                                    guint            *out_n_accepted,
                                                    GError          **error);
gboolean          bw_layer_session_pin_comment     (BwLayerSession   *self,
                                                    double            x,
                                                    double            y,
                                                    gint64            reason_id,
                                                    const char       *comment,
                                                    gint64           *out_review_id,
                                                    GError          **error);
gboolean          bw_layer_session_accept_layer    (BwLayerSession   *self,
                                                    GError          **error);
gboolean          bw_layer_session_return_layer    (BwLayerSession   *self,
                                                    gint64            reason_id,
                                                    const char       *comment,
                                                    GError          **error);

/* For commands added on top of these (a reviewer's verdicts): the
 * history that every step of this image goes into. */
BwEditHistory    *bw_layer_session_get_history     (BwLayerSession   *self);

G_END_DECLS
