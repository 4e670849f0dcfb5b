/* bw-layer-session-private.h — what the session's files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "bw-layer-session.h"

G_BEGIN_DECLS

struct _BwLayerSession
{
  GObject          parent_instance;

  BwProject       *project;
  BwEditHistory   *history;
  gint64           image_id;
  gint64           person_id;
  double           width;
  double           height;

  gboolean         gold;          /* the image's gold layer, not a person's work */
  gint64           exam_attempt_id; /* > 0: the person's answer in this exam attempt */
  gint64           layer_id;      /* 0 until the first edit, if none yet */
  BwLayerStatus    status;
  gboolean         no_objects;
  BwAnnotationSet *set;
  GPtrArray       *damaged;       /* char*: rows that could not be read */
  guint            reload_id;

  /* A run of nudges not yet written */
  GPtrArray       *nudge_originals; /* BwAnnotation*, as stored */
  double           nudge_dx;
  double           nudge_dy;
  guint            nudge_id;

  /* Review (bw-layer-session-review.c) */
  gint64           reviewer_id;   /* > 0: the session judges layer_id */
  GPtrArray       *reviews;       /* BwReview, every review of the layer */
  GHashTable      *by_annotation; /* gint64* → GPtrArray of BwReview* (none), oldest first */
  GHashTable      *verdicts;      /* gint64* → BwReview* (none): the verdict on the current version */
  GPtrArray       *shown;         /* BwReview* (none): verdicts and the pins of this submission */
  gboolean         shown_dirty;
  int              submission;    /* the annotator's submissions so far */
  GArray          *touched;       /* gint64: fixed shapes to read again after an undo or redo */
  gboolean         reviews_stale; /* an undo or redo changed the reviews */
};

void      _bw_layer_session_emit_annotation_changed (BwLayerSession     *self,
                                                     gint64              id,
                                                     const BwAnnotation *annotation);
void      _bw_layer_session_emit_reviews_changed    (BwLayerSession     *self);
void      _bw_layer_session_refresh_status          (BwLayerSession     *self);

/* bw-layer-session-review.c */
void      _bw_layer_session_init_reviews            (BwLayerSession     *self);
void      _bw_layer_session_clear_reviews           (BwLayerSession     *self);
gboolean  _bw_layer_session_load_reviews            (BwLayerSession     *self,
                                                     GError            **error);
void      _bw_layer_session_update_verdict          (BwLayerSession     *self,
                                                     gint64              annotation_id);
void      _bw_layer_session_after_replay            (BwLayerSession     *self);
gboolean  _bw_layer_session_fix                     (BwLayerSession     *self,
                                                     const char         *label,
                                                     const gint64       *ids,
                                                     BwShape * const    *shapes,
                                                     guint               n_ids,
                                                     gint64              category_id,
                                                     GError            **error);
gboolean  _bw_layer_session_check_not_reviewing     (BwLayerSession     *self,
                                                     GError            **error);

G_END_DECLS
