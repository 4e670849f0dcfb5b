/* bw-matching.h — one annotator's shapes against a reference's, on one image
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "bw-geometry.h"

G_BEGIN_DECLS

#define BW_MATCHING_DEFAULT_IOU_THRESHOLD 0.5
/* Below this IoU an unmatched shape is not near its object at all. */
#define BW_MATCHING_POOR_LOCALISATION_MIN_IOU 0.1

/**
 * BwMatchShape:
 * @category_id: the shape's category
 * @shape: the shape, in image pixels
 */
typedef struct
{
  gint64         category_id;
  const BwShape *shape;
} BwMatchShape;

/**
 * BwMatchKind:
 * @BW_MATCH_TRUE_POSITIVE: matched with a reference shape of its category
 * @BW_MATCH_MISSED: a reference shape nothing matched (a false negative)
 * @BW_MATCH_EXTRA: an annotated shape with no object under it (a false
 *   positive)
 * @BW_MATCH_WRONG_CATEGORY: an annotated and a reference shape that would
 *   match but for their categories; one false positive and one false
 *   negative
 * @BW_MATCH_POOR_LOCALISATION: an annotated and a reference shape of the
 *   same category that overlap, but by less than the IoU threshold (and at
 *   least %BW_MATCHING_POOR_LOCALISATION_MIN_IOU); one false positive and
 *   one false negative
 * @BW_MATCH_DUPLICATE: an annotated shape over a reference shape that
 *   another annotated shape already matched (a false positive)
 *
 * What became of each shape. The numeric values index the error counts.
 */
typedef enum
{
  BW_MATCH_TRUE_POSITIVE     = 0,
  BW_MATCH_MISSED            = 1,
  BW_MATCH_EXTRA             = 2,
  BW_MATCH_WRONG_CATEGORY    = 3,
  BW_MATCH_POOR_LOCALISATION = 4,
  BW_MATCH_DUPLICATE         = 5,
} BwMatchKind;

#define BW_MATCH_N_KINDS 6

/**
 * BwMatchOutcome:
 * @kind: what the shape is
 * @partner: the index of the shape it was paired with in the other list
 *   (for a duplicate: the reference shape it repeats), or -1
 * @iou: the IoU with @partner, or 0
 */
typedef struct
{
  BwMatchKind kind;
  int         partner;
  double      iou;
} BwMatchOutcome;

typedef struct _BwMatcher BwMatcher;

const char *bw_match_kind_to_string  (BwMatchKind          kind);

BwMatcher  *bw_matcher_new           (double               iou_threshold);
void        bw_matcher_free          (BwMatcher           *self);
double      bw_matcher_get_iou_threshold (BwMatcher       *self);
double      bw_matcher_shape_area    (BwMatcher           *self,
                                      const BwShape       *shape);
double      bw_matcher_shape_iou     (BwMatcher           *self,
                                      const BwShape       *a,
                                      const BwShape       *b);
void        bw_matcher_match         (BwMatcher           *self,
                                      const BwMatchShape  *annotated,
                                      guint                n_annotated,
                                      const BwMatchShape  *reference,
                                      guint                n_reference,
                                      BwMatchOutcome      *annotated_out,
                                      BwMatchOutcome      *reference_out);
void        bw_matcher_pair          (BwMatcher           *self,
                                      const BwMatchShape  *a,
                                      guint                n_a,
                                      const gboolean      *a_free,
                                      const BwMatchShape  *b,
                                      guint                n_b,
                                      const gboolean      *b_free,
                                      int                 *a_to_b,
                                      double              *a_iou);

void        bw_hungarian_maximise    (const double        *weight,
                                      guint                n_rows,
                                      guint                n_cols,
                                      int                 *row_to_col);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BwMatcher, bw_matcher_free)

G_END_DECLS
