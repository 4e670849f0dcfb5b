/* bw-types.h — enumerations shared by the core, the UI and the CLI
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* The numeric values are stored in the project file: never renumber. */

/* An image's place in the pipeline, as the image list shows it. The
 * store derives it from the image's assignments (and its gold and
 * excluded marks) whenever they change, and keeps it in images.status so
 * that filtering 100,000 images stays one index lookup. */
typedef enum
{
  BW_IMAGE_STATUS_NEW         = 0,
  BW_IMAGE_STATUS_IN_PROGRESS = 1,
  BW_IMAGE_STATUS_SUBMITTED   = 2,
  BW_IMAGE_STATUS_ACCEPTED    = 3,
  BW_IMAGE_STATUS_RETURNED    = 4,
  BW_IMAGE_STATUS_EXCLUDED    = 5,
  BW_IMAGE_STATUS_IN_REVIEW   = 6,
  BW_IMAGE_STATUS_GOLD        = 7,

  /* The name schema 1 gave to 4. */
  BW_IMAGE_STATUS_REJECTED    = BW_IMAGE_STATUS_RETURNED,
} BwImageStatus;

#define BW_IMAGE_N_STATUS 8

typedef enum
{
  BW_ROLE_ANNOTATOR = 0,
  BW_ROLE_REVIEWER  = 1,
  BW_ROLE_LEAD      = 2,
  BW_ROLE_MODEL     = 3,
} BwRole;

typedef enum
{
  BW_LAYER_KIND_WORK  = 0,
  BW_LAYER_KIND_GOLD  = 1,
  BW_LAYER_KIND_MODEL = 2,
  BW_LAYER_KIND_EXAM  = 3,    /* one person's answer in an exam attempt */
} BwLayerKind;

/* The state of one answer. Its workflow (who, when, in review or not)
 * is its assignment's; the store keeps the two in step. */
typedef enum
{
  BW_LAYER_STATUS_IN_PROGRESS = 0,
  BW_LAYER_STATUS_SUBMITTED   = 1,
  BW_LAYER_STATUS_ACCEPTED    = 2,
  BW_LAYER_STATUS_REJECTED    = 3,  /* returned to its annotator */
} BwLayerStatus;

/* What a person does with an image. */
typedef enum
{
  BW_TASK_ANNOTATE = 0,
  BW_TASK_REVIEW   = 1,
} BwTask;

/* One person's progress on one image (an assignment). */
typedef enum
{
  BW_ASSIGNMENT_NEW         = 0,
  BW_ASSIGNMENT_IN_PROGRESS = 1,
  BW_ASSIGNMENT_SUBMITTED   = 2,
  BW_ASSIGNMENT_IN_REVIEW   = 3,
  BW_ASSIGNMENT_ACCEPTED    = 4,
  BW_ASSIGNMENT_RETURNED    = 5,
  BW_ASSIGNMENT_SKIPPED     = 6,
} BwAssignmentStatus;

#define BW_ASSIGNMENT_N_STATUS 7

typedef enum
{
  BW_SHAPE_BOX     = 0,
  BW_SHAPE_POLYGON = 1,
} BwShapeKind;

typedef enum
{
  BW_SOURCE_DRAWN      = 0,
  BW_SOURCE_IMPORTED   = 1,
  BW_SOURCE_PREDICTION = 2,
} BwSource;

/* A reviewer's verdict. On an annotation (a review names the version it
 * judged): accepted, rejected, or fixed by the reviewer (the review names
 * the version they replaced). On a whole layer: accepted, or rejected —
 * returned to its annotator. A comment is a note pinned to a point of
 * the image, or to the layer. */
typedef enum
{
  BW_VERDICT_ACCEPT  = 0,
  BW_VERDICT_REJECT  = 1,
  BW_VERDICT_FIXED   = 2,
  BW_VERDICT_COMMENT = 3,
} BwVerdict;

/* What happens to a submission that a random audit did not sample. */
typedef enum
{
  BW_AUDIT_POLICY_ACCEPT = 0,   /* accepted on submit */
  BW_AUDIT_POLICY_HOLD   = 1,   /* held as submitted, out of the queue */
} BwAuditPolicy;

/* The orders of the image list (the GSettings key "image-sort" stores the
 * nicks: "name", "added", "status"). */
typedef enum
{
  BW_IMAGE_SORT_NAME   = 0,     /* natural order of the paths, ignoring case */
  BW_IMAGE_SORT_ADDED  = 1,     /* oldest first */
  BW_IMAGE_SORT_STATUS = 2,     /* along the pipeline, then by name */
} BwImageSort;

const char *bw_image_status_to_string (BwImageStatus status);
const char *bw_image_status_to_label  (BwImageStatus status);
gboolean    bw_image_status_from_string (const char    *str,
                                         BwImageStatus *status);
const char *bw_role_to_string         (BwRole        role);
const char *bw_assignment_status_to_string (BwAssignmentStatus status);
const char *bw_verdict_to_string      (BwVerdict     verdict);

G_END_DECLS
