/* bw-pipeline.c — how work flows through a project
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything here is read from the assignments (when each person's work
 * was started, last submitted and finished), the layer verdicts of the
 * reviews (when work was returned) and the images (when they were added).
 * Days are local days: a lead reads "Tuesday" as their own Tuesday.
 */

#define G_LOG_DOMAIN "boxwood"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "bw-pipeline.h"
#include "bw-project-private.h"

static void
stuck_free (gpointer data)
{
  BwPipelineStuck *stuck = data;

  g_free (stuck->path);
  g_free (stuck->person);
  g_free (stuck);
}

void
bw_pipeline_free (BwPipeline *pipeline)
{
  if (pipeline == NULL)
    return;
  g_clear_pointer (&pipeline->days, g_array_unref);
  g_clear_pointer (&pipeline->stuck, g_ptr_array_unref);
  g_free (pipeline);
}

const char *
bw_pipeline_stage_to_label (BwAssignmentStatus stage)
{
  switch (stage)
    {
    case BW_ASSIGNMENT_IN_PROGRESS: return _("In progress");
    case BW_ASSIGNMENT_SUBMITTED:   return _("Waiting for review");
    case BW_ASSIGNMENT_IN_REVIEW:   return _("In review");
    case BW_ASSIGNMENT_RETURNED:    return _("Returned, not yet fixed");
    case BW_ASSIGNMENT_NEW:
    case BW_ASSIGNMENT_ACCEPTED:
    case BW_ASSIGNMENT_SKIPPED:
    default:                        return _("Unknown");
    }
}

static const char *
stage_to_string (BwAssignmentStatus stage)
{
  switch (stage)
    {
    case BW_ASSIGNMENT_IN_PROGRESS: return "in_progress";
    case BW_ASSIGNMENT_SUBMITTED:   return "submitted";
    case BW_ASSIGNMENT_IN_REVIEW:   return "in_review";
    case BW_ASSIGNMENT_RETURNED:    return "returned";
    case BW_ASSIGNMENT_NEW:
    case BW_ASSIGNMENT_ACCEPTED:
    case BW_ASSIGNMENT_SKIPPED:
    default:                        return "unknown";
    }
}

/* The day @time falls in: the index of the last start not after it, or
 * -1 outside [starts[0], starts[n_days]). */
static int
find_day (const gint64 *starts,
          guint         n_days,
          gint64        time)
{
  guint lo = 0, hi = n_days;

  if (time < starts[0] || time >= starts[n_days])
    return -1;
  while (hi - lo > 1)
    {
      guint mid = lo + (hi - lo) / 2;

      if (starts[mid] <= time)
        lo = mid;
      else
        hi = mid;
    }
  return (int) lo;
}

/* GLib 2.74 has no microsecond variant of these. */
static GDateTime *
local_time (gint64 time)
{
  return g_date_time_new_from_unix_local (time / G_USEC_PER_SEC);
}

/* n_days + 1 local midnights: the first day's start to tomorrow's. */
static gint64 *
day_starts (gint64 now,
            guint  n_days)
{
  g_autoptr(GDateTime) moment = local_time (now);
  g_autoptr(GDateTime) today = NULL;
  gint64 *starts = g_new (gint64, n_days + 1);

  today = g_date_time_new_local (g_date_time_get_year (moment),
                                 g_date_time_get_month (moment),
                                 g_date_time_get_day_of_month (moment), 0, 0, 0);
  for (guint k = 0; k <= n_days; k++)
    {
      g_autoptr(GDateTime) day = g_date_time_add_days (today, (int) k - (int) n_days + 1);

      starts[k] = g_date_time_to_unix (day) * G_USEC_PER_SEC;
    }
  return starts;
}

static int
compare_times (gconstpointer a,
               gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/* How many of the sorted @times are before @limit. */
static gint64
count_before (GArray *times,
              gint64  limit)
{
  guint lo = 0, hi = times->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (g_array_index (times, gint64, mid) < limit)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

/* Runs @sql (its ?1 bound to @from) and counts its first column's times
 * into the days, at @field_offset of each BwPipelineDay; with @all, also
 * keeps every time (sorted) for cumulative counts. */
static gboolean
bucket_times (BwProject     *self,
              const char    *sql,
              gint64         from,
              const gint64  *starts,
              GArray        *days,
              gsize          field_offset,
              GArray       **all,
              GError       **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = _bw_project_prepare (self, sql, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, from);
  if (all != NULL)
    *all = g_array_new (FALSE, FALSE, sizeof (gint64));

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 time = sqlite3_column_int64 (stmt, 0);
      int day;

      if (all != NULL && sqlite3_column_int (stmt, 1) != 0)
        g_array_append_val (*all, time);
      if (field_offset == 0)
        continue;
      day = find_day (starts, days->len, time);
      if (day >= 0)
        G_STRUCT_MEMBER (gint64, &g_array_index (days, BwPipelineDay, day), field_offset)++;
    }
  if (all != NULL)
    g_array_sort (*all, compare_times);
  return _bw_project_finish_rows (self, stmt, rc, error);
}

static gboolean
read_days (BwProject   *self,
           BwPipeline  *pipeline,
           guint        n_days,
           GError     **error)
{
  g_autofree gint64 *starts = day_starts (pipeline->now, n_days);
  g_autoptr(GArray) added = NULL;
  g_autoptr(GArray) accepted = NULL;

  g_array_set_size (pipeline->days, n_days);
  for (guint k = 0; k < n_days; k++)
    g_array_index (pipeline->days, BwPipelineDay, k).start = starts[k];

  /* Images: every one counts as added; those that are work (not gold,
   * not excluded) make the backlog, until their first acceptance. */
  if (!bucket_times (self,
                     "SELECT added_at, status NOT IN (5, 7) FROM images",
                     0, starts, pipeline->days, G_STRUCT_OFFSET (BwPipelineDay, added),
                     &added, error) ||
      !bucket_times (self,
                     "SELECT min (COALESCE (a.finished_at, a.submitted_at, a.created_at)), 1"
                     " FROM assignments a JOIN images i ON i.id = a.image_id"
                     " WHERE a.task = 0 AND a.status = 4 AND i.status NOT IN (5, 7)"
                     " GROUP BY a.image_id",
                     0, starts, pipeline->days, 0, &accepted, error) ||
      !bucket_times (self,
                     "SELECT submitted_at FROM assignments"
                     " WHERE task = 0 AND submitted_at >= ?1",
                     starts[0], starts, pipeline->days,
                     G_STRUCT_OFFSET (BwPipelineDay, submitted), NULL, error) ||
      !bucket_times (self,
                     "SELECT finished_at FROM assignments"
                     " WHERE task = 0 AND status = 4 AND finished_at >= ?1",
                     starts[0], starts, pipeline->days,
                     G_STRUCT_OFFSET (BwPipelineDay, accepted), NULL, error) ||
      !bucket_times (self,
                     "SELECT created_at FROM reviews"
                     " WHERE annotation_id IS NULL AND verdict = 1 AND created_at >= ?1",
                     starts[0], starts, pipeline->days,
                     G_STRUCT_OFFSET (BwPipelineDay, returned), NULL, error))
    return FALSE;

  for (guint k = 0; k < n_days; k++)
    {
      BwPipelineDay *day = &g_array_index (pipeline->days, BwPipelineDay, k);
      gint64 end = MIN (starts[k + 1], pipeline->now + 1);

      day->backlog = count_before (added, end) - count_before (accepted, end);
    }
  return TRUE;
}

/* An annotator's work waits in a stage from when it entered it: started,
 * submitted, or returned; in review, from when the review began (or the
 * submission, for a review begun before schema 5 kept that time). */
#define STUCK_SELECT \
  "SELECT image_id, path, name, status, since FROM (" \
  " SELECT a.image_id, i.path, p.name, a.status," \
  "  CASE a.status WHEN 1 THEN a.started_at WHEN 5 THEN a.finished_at" \
  "   WHEN 3 THEN COALESCE ((SELECT max (r.started_at) FROM assignments r" \
  "                          WHERE r.image_id = a.image_id AND r.task = 1 AND r.status = 1)," \
  "                         a.submitted_at)" \
  "   ELSE a.submitted_at END AS since" \
  " FROM assignments a" \
  " JOIN images i ON i.id = a.image_id" \
  " JOIN people p ON p.id = a.person_id" \
  " WHERE a.task = 0 AND a.status IN (1, 2, 3, 5)) AS w" \
  " WHERE since IS NOT NULL AND since <= ?1"

static gboolean
read_stuck (BwProject   *self,
            BwPipeline  *pipeline,
            GError     **error)
{
  sqlite3_stmt *stmt;
  gint64 limit = pipeline->now - pipeline->stuck_after;
  int rc;

  stmt = _bw_project_prepare (self, "SELECT count(*) FROM (" STUCK_SELECT ") AS s", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, limit);
  if ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      pipeline->n_stuck = sqlite3_column_int64 (stmt, 0);
      rc = sqlite3_step (stmt);
    }
  if (!_bw_project_finish_rows (self, stmt, rc, error))
    return FALSE;

  stmt = _bw_project_prepare (self, STUCK_SELECT " ORDER BY since, image_id LIMIT ?2", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, limit);
  sqlite3_bind_int (stmt, 2, BW_PIPELINE_MAX_STUCK);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      BwPipelineStuck *stuck = g_new0 (BwPipelineStuck, 1);

      stuck->image_id = sqlite3_column_int64 (stmt, 0);
      stuck->path = _bw_column_dup_text (stmt, 1);
      stuck->person = _bw_column_dup_text (stmt, 2);
      stuck->stage = sqlite3_column_int (stmt, 3);
      stuck->since = sqlite3_column_int64 (stmt, 4);
      g_ptr_array_add (pipeline->stuck, stuck);
    }
  return _bw_project_finish_rows (self, stmt, rc, error);
}

/**
 * bw_pipeline_compute:
 * @now: the moment to describe, in microseconds since the epoch (use
 *   g_get_real_time())
 * @n_days: how many days of history, today included (1 to
 *   %BW_PIPELINE_MAX_DAYS)
 * @stuck_after: how long work may wait in one stage, in microseconds
 *
 * Reads the figures in one read transaction, so they agree with each
 * other even while others write.
 *
 * Returns: (transfer full): the figures, or %NULL with @error set
 */
BwPipeline *
bw_pipeline_compute (BwProject  *project,
                     gint64      now,
                     guint       n_days,
                     gint64      stuck_after,
                     GError    **error)
{
  g_autoptr(BwPipeline) pipeline = NULL;
  BwProjectCounts counts;
  gboolean ok;

  g_return_val_if_fail (BW_IS_PROJECT (project), NULL);
  g_return_val_if_fail (n_days >= 1 && n_days <= BW_PIPELINE_MAX_DAYS, NULL);
  g_return_val_if_fail (stuck_after >= 0, NULL);

  pipeline = g_new0 (BwPipeline, 1);
  pipeline->now = now;
  pipeline->stuck_after = stuck_after;
  pipeline->days = g_array_new (FALSE, TRUE, sizeof (BwPipelineDay));
  pipeline->stuck = g_ptr_array_new_with_free_func (stuck_free);

  {
    BW_PROJECT_LOCK (project);
    /* A deferred transaction only reads: it works on a read-only project
     * and does not hold writers back. Inside a caller's transaction the
     * figures are already consistent. */
    gboolean own = project->tx_depth == 0;

    if (own && !_bw_project_exec (project, "BEGIN", error))
      return NULL;
    ok = bw_project_get_counts (project, &counts, error) &&
         read_days (project, pipeline, n_days, error) &&
         read_stuck (project, pipeline, error);
    if (own)
      _bw_project_exec (project, ok ? "COMMIT" : "ROLLBACK", NULL);
  }
  if (!ok)
    return NULL;

  memcpy (pipeline->images_by_status, counts.images_by_status, sizeof counts.images_by_status);
  return g_steal_pointer (&pipeline);
}

/* The backlog now: the last day's, which ends now. */
gint64
bw_pipeline_backlog (const BwPipeline *pipeline)
{
  if (pipeline->days->len == 0)
    return 0;
  return g_array_index (pipeline->days, BwPipelineDay, pipeline->days->len - 1).backlog;
}

/* Acceptances per whole day: today has not ended, so it does not count,
 * unless it is the only day asked for. */
double
bw_pipeline_accepted_per_day (const BwPipeline *pipeline)
{
  guint n = pipeline->days->len > 1 ? pipeline->days->len - 1 : pipeline->days->len;
  gint64 sum = 0;

  if (n == 0)
    return 0.0;
  for (guint k = 0; k < n; k++)
    sum += g_array_index (pipeline->days, BwPipelineDay, k).accepted;
  return (double) sum / n;
}

/* Days until the backlog is accepted at the recent pace; NAN when nothing
 * was accepted (no pace to judge by) and 0 with nothing left. */
double
bw_pipeline_days_to_clear (const BwPipeline *pipeline)
{
  gint64 backlog = bw_pipeline_backlog (pipeline);
  double pace = bw_pipeline_accepted_per_day (pipeline);

  if (backlog == 0)
    return 0.0;
  if (pace <= 0.0)
    return NAN;
  return backlog / pace;
}

static char *
format_time (gint64 time)
{
  g_autoptr(GDateTime) moment = local_time (time);

  return moment != NULL ? g_date_time_format_iso8601 (moment) : g_strdup ("");
}

/* "5 hours", "3 days": how long work has waited, to the hour below two
 * days and to the day above. */
char *
bw_pipeline_format_wait (gint64 span)
{
  gint64 hours = MAX (span, 0) / G_TIME_SPAN_HOUR;
  gint64 days = MAX (span, 0) / G_TIME_SPAN_DAY;

  if (hours < 48)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%" PRId64 " hour", "%" PRId64 " hours",
                                         (unsigned long) hours), hours);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%" PRId64 " day", "%" PRId64 " days",
                                       (unsigned long) days), days);
}

/* "2026-11-29": the local day of @time. */
char *
bw_pipeline_format_date (gint64 time)
{
  g_autoptr(GDateTime) moment = local_time (time);

  return moment != NULL ? g_date_time_format (moment, "%Y-%m-%d") : g_strdup ("");
}

JsonNode *
bw_pipeline_to_json (const BwPipeline *pipeline)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *now = format_time (pipeline->now);
  double days_to_clear = bw_pipeline_days_to_clear (pipeline);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "now");
  json_builder_add_string_value (builder, now);
  json_builder_set_member_name (builder, "stuck_after_hours");
  json_builder_add_double_value (builder, (double) pipeline->stuck_after / G_TIME_SPAN_HOUR);

  json_builder_set_member_name (builder, "stages");
  json_builder_begin_object (builder);
  for (guint s = 0; s < BW_IMAGE_N_STATUS; s++)
    {
      json_builder_set_member_name (builder, bw_image_status_to_string (s));
      json_builder_add_int_value (builder, pipeline->images_by_status[s]);
    }
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "backlog");
  json_builder_add_int_value (builder, bw_pipeline_backlog (pipeline));
  json_builder_set_member_name (builder, "accepted_per_day");
  json_builder_add_double_value (builder, bw_pipeline_accepted_per_day (pipeline));
  json_builder_set_member_name (builder, "days_to_clear");
  if (isnan (days_to_clear))
    json_builder_add_null_value (builder);
  else
    json_builder_add_double_value (builder, days_to_clear);

  json_builder_set_member_name (builder, "days");
  json_builder_begin_array (builder);
  for (guint k = 0; k < pipeline->days->len; k++)
    {
      const BwPipelineDay *day = &g_array_index (pipeline->days, BwPipelineDay, k);
      g_autofree char *date = bw_pipeline_format_date (day->start);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "date");
      json_builder_add_string_value (builder, date);
      json_builder_set_member_name (builder, "added");
      json_builder_add_int_value (builder, day->added);
      json_builder_set_member_name (builder, "submitted");
      json_builder_add_int_value (builder, day->submitted);
      json_builder_set_member_name (builder, "accepted");
      json_builder_add_int_value (builder, day->accepted);
      json_builder_set_member_name (builder, "returned");
      json_builder_add_int_value (builder, day->returned);
      json_builder_set_member_name (builder, "backlog");
      json_builder_add_int_value (builder, day->backlog);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "stuck_total");
  json_builder_add_int_value (builder, pipeline->n_stuck);
  json_builder_set_member_name (builder, "stuck");
  json_builder_begin_array (builder);
  for (guint i = 0; i < pipeline->stuck->len; i++)
    {
      const BwPipelineStuck *stuck = pipeline->stuck->pdata[i];
      g_autofree char *since = format_time (stuck->since);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "image_id");
      json_builder_add_int_value (builder, stuck->image_id);
      json_builder_set_member_name (builder, "image");
      json_builder_add_string_value (builder, stuck->path);
      json_builder_set_member_name (builder, "person");
      json_builder_add_string_value (builder, stuck->person);
      json_builder_set_member_name (builder, "stage");
      json_builder_add_string_value (builder, stage_to_string (stuck->stage));
      json_builder_set_member_name (builder, "since");
      json_builder_add_string_value (builder, since);
      json_builder_set_member_name (builder, "hours");
      json_builder_add_double_value (builder, (double) (pipeline->now - stuck->since) / G_TIME_SPAN_HOUR);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}
