/* bw-pipeline.h — how work flows through a project: images per stage,
 * throughput and backlog per day, and work that is stuck
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "bw-project.h"

G_BEGIN_DECLS

/* Work is stuck once it has waited in one stage this long, unless the
 * caller says otherwise: two working days. */
#define BW_PIPELINE_DEFAULT_STUCK_AFTER (G_TIME_SPAN_DAY * 2)
#define BW_PIPELINE_DEFAULT_DAYS 14
#define BW_PIPELINE_MAX_DAYS 366
#define BW_PIPELINE_MAX_STUCK 1000

/**
 * BwPipelineDay:
 * @start: the day's first microsecond, local time
 * @added: images added to the project that day
 * @submitted: annotators' layers whose latest submission fell that day
 * @accepted: layers accepted that day (by a reviewer, or on submission)
 * @returned: layers returned to their annotator that day
 * @backlog: at the end of the day, images added by then and not yet
 *   accepted (gold and excluded images are not work, and do not count)
 */
typedef struct
{
  gint64 start;
  gint64 added;
  gint64 submitted;
  gint64 accepted;
  gint64 returned;
  gint64 backlog;
} BwPipelineDay;

/**
 * BwPipelineStuck:
 * @image_id: the image
 * @path: its stored path
 * @person: who holds the work
 * @stage: %BW_ASSIGNMENT_IN_PROGRESS, _SUBMITTED, _IN_REVIEW or _RETURNED
 * @since: when the work entered @stage (started, submitted or returned)
 */
typedef struct
{
  gint64              image_id;
  char               *path;
  char               *person;
  BwAssignmentStatus  stage;
  gint64              since;
} BwPipelineStuck;

/**
 * BwPipeline:
 * @now: the moment the figures describe
 * @stuck_after: how long work may wait in one stage
 * @images_by_status: the images in each #BwImageStatus now
 * @days: (element-type BwPipelineDay): the last days, oldest first,
 *   today last
 * @stuck: (element-type BwPipelineStuck): the stuck work, longest
 *   waiting first, at most %BW_PIPELINE_MAX_STUCK of it
 * @n_stuck: how much work is stuck in all
 */
typedef struct
{
  gint64     now;
  gint64     stuck_after;
  gint64     images_by_status[BW_IMAGE_N_STATUS];
  GArray    *days;
  GPtrArray *stuck;
  gint64     n_stuck;
} BwPipeline;

BwPipeline *bw_pipeline_compute             (BwProject        *project,
                                             gint64            now,
                                             guint             n_days,
                                             gint64            stuck_after,
                                             GError          **error);
void        bw_pipeline_free                (BwPipeline       *pipeline);

gint64      bw_pipeline_backlog             (const BwPipeline *pipeline);
double      bw_pipeline_accepted_per_day    (const BwPipeline *pipeline);
double      bw_pipeline_days_to_clear       (const BwPipeline *pipeline);
const char *bw_pipeline_stage_to_label      (BwAssignmentStatus stage);
char       *bw_pipeline_format_date         (gint64            time);
char       *bw_pipeline_format_wait         (gint64            span);

JsonNode   *bw_pipeline_to_json             (const BwPipeline *pipeline);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BwPipeline, bw_pipeline_free)

G_END_DECLS
