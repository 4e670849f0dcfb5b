/* bw-work-timer.h — active time on an image, counted for the store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "bw-project.h"

G_BEGIN_DECLS

/* How long after the last input a person still counts as working. */
#define BW_WORK_TIMER_IDLE_LIMIT_US (60 * G_USEC_PER_SEC)

/* A monotonic clock in microseconds (g_get_monotonic_time() by default). */
typedef gint64 (*BwClockFunc) (gpointer user_data);

#define BW_TYPE_WORK_TIMER (bw_work_timer_get_type ())

G_DECLARE_FINAL_TYPE (BwWorkTimer, bw_work_timer, BW, WORK_TIMER, GObject)

BwWorkTimer *bw_work_timer_new          (BwProject    *project);
void         bw_work_timer_set_clock    (BwWorkTimer  *self,
                                         BwClockFunc   clock,
                                         gpointer      user_data);
gboolean     bw_work_timer_set_subject  (BwWorkTimer  *self,
                                         gint64        image_id,
                                         gint64        person_id,
                                         BwTask        task,
                                         GError      **error);
void         bw_work_timer_set_focused  (BwWorkTimer  *self,
                                         gboolean      focused);
void         bw_work_timer_input        (BwWorkTimer  *self);
double       bw_work_timer_get_seconds  (BwWorkTimer  *self);
double       bw_work_timer_get_pending  (BwWorkTimer  *self);
gboolean     bw_work_timer_flush        (BwWorkTimer  *self,
                                         GError      **error);

G_END_DECLS
