/* bw-types.h — enumerations shared by the core, the UI and the CLI
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* The numeric values are stored in the project file: never renumber. */

typedef enum
{
  BW_IMAGE_STATUS_NEW         = 0,
  BW_IMAGE_STATUS_IN_PROGRESS = 1,
  BW_IMAGE_STATUS_SUBMITTED   = 2,
  BW_IMAGE_STATUS_ACCEPTED    = 3,
  BW_IMAGE_STATUS_REJECTED    = 4,
  BW_IMAGE_STATUS_EXCLUDED    = 5,
} BwImageStatus;

#define BW_IMAGE_N_STATUS 6

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
} BwLayerKind;

typedef enum
{
  BW_LAYER_STATUS_IN_PROGRESS = 0,
  BW_LAYER_STATUS_SUBMITTED   = 1,
  BW_LAYER_STATUS_ACCEPTED    = 2,
  BW_LAYER_STATUS_REJECTED    = 3,
} BwLayerStatus;

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

typedef enum
{
  BW_DECISION_ACCEPT = 0,
  BW_DECISION_REJECT = 1,
} BwDecision;

typedef enum
{
  BW_REJECT_NONE           = 0,
  BW_REJECT_WRONG_LABEL    = 1,
  BW_REJECT_LOOSE_GEOMETRY = 2,
  BW_REJECT_MISSED_OBJECT  = 3,
  BW_REJECT_EXTRA_OBJECT   = 4,
  BW_REJECT_OTHER          = 5,
} BwRejectReason;

const char *bw_image_status_to_string (BwImageStatus status);
const char *bw_image_status_to_label  (BwImageStatus status);
gboolean    bw_image_status_from_string (const char    *str,
                                         BwImageStatus *status);
const char *bw_role_to_string         (BwRole        role);

G_END_DECLS
