/* bw-cli.h — the commands of boxwood-cli
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each command lives in its own bw-cli-NAME.c and is listed in the table
 * of boxwood-cli.c. A command gets argv with argv[0] set to
 * "boxwood-cli NAME", parses its options with GOptionContext (so --help
 * works everywhere), and returns the exit status: 0 on success, 1 on a
 * failure (after one line on stderr), 2 on a usage error.
 */

#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "bw-model-report.h"
#include "bw-project.h"
#include "bw-team-edit.h"

G_BEGIN_DECLS

int  bw_cli_audit     (int argc, char **argv);
int  bw_cli_backup    (int argc, char **argv);
int  bw_cli_calibration (int argc, char **argv);
int  bw_cli_create    (int argc, char **argv);
int  bw_cli_exam      (int argc, char **argv);
int  bw_cli_export    (int argc, char **argv);
int  bw_cli_import    (int argc, char **argv);
int  bw_cli_import_coco    (int argc, char **argv);
int  bw_cli_import_labelme (int argc, char **argv);
int  bw_cli_info      (int argc, char **argv);
int  bw_cli_pipeline  (int argc, char **argv);
int  bw_cli_quality   (int argc, char **argv);
int  bw_cli_quality_model (int argc, char **argv);
int  bw_cli_questions (int argc, char **argv);
int  bw_cli_review    (int argc, char **argv);
int  bw_cli_taxonomy  (int argc, char **argv);
int  bw_cli_server    (int argc, char **argv);
int  bw_cli_user      (int argc, char **argv);
int  bw_cli_push      (int argc, char **argv);
int  bw_cli_pull      (int argc, char **argv);

/* Whether a command's argument names a team server rather than a file. */
gboolean bw_cli_is_team_url (const char *argument);
int  bw_cli_info_team (const char *url,
                       gboolean    json);
/* A snapshot of the team project at @url to read, or NULL after saying
 * why on stderr. */
BwProject *bw_cli_open_team_snapshot (const char *url);
/* A copy of the team project at @url to change (bw-team-edit.h), or
 * NULL after saying why on stderr; bw_cli_finish_team_edit() sends the
 * change when the command's @status is 0 (or 130, interrupted after
 * keeping its work) and drops it otherwise, and returns the status to
 * exit with. */
BwProject *bw_cli_open_team_edit (const char         *url,
                                  BwTeamChanges       changes,
                                  const char * const *categories);
int  bw_cli_finish_team_edit (int status);
/* Where the images that an import adds to a team project are named from. */
void bw_cli_set_team_image_roots (const char * const *paths);

/* Prints "boxwood-cli: MESSAGE" on stderr. */
void bw_cli_error     (const char *format, ...) G_GNUC_PRINTF (1, 2);
void bw_cli_warning   (const char *format, ...) G_GNUC_PRINTF (1, 2);

/* Parses the options of a command: FALSE after saying what is wrong with
 * them (a usage error, exit status 2). */
gboolean bw_cli_parse_options (GOptionContext   *context,
                               int              *argc,
                               char           ***argv);

/* Opens the project named on the command line, or says why not on stderr
 * and returns NULL. */
BwProject *bw_cli_open_project (const char *path);

/* The same for a command that only reads: the project is opened
 * read-only, so it can be on read-only media. */
BwProject *bw_cli_open_project_to_read (const char *path);

/* The same for a command that changes the project, which also takes the
 * URL of a team project: @changes says what it may change there, and
 * @categories (or NULL for all) whose annotations it changes. */
BwProject *bw_cli_open_project_to_change (const char         *path,
                                          BwTeamChanges       changes,
                                          const char * const *categories);

/* Appends @text to @line padded to @width characters (UTF-8 aware),
 * on the right when @right, then a gap of two spaces. */
void bw_cli_append_cell (GString    *line,
                         const char *text,
                         guint       width,
                         gboolean    right);

/* Prints the builder's root, or @root, as indented JSON on stdout. */
void bw_cli_print_json      (JsonBuilder *builder);
void bw_cli_print_json_node (JsonNode    *root);

/* A JSON member that is null for none: a NULL string, an id <= 0. */
void bw_cli_json_add_string_or_null (JsonBuilder *builder,
                                     const char  *name,
                                     const char  *value);
void bw_cli_json_add_id_or_null     (JsonBuilder *builder,
                                     const char  *name,
                                     gint64       value);

/* A time of the store (µs since the epoch) as ISO 8601 in UTC, or NULL
 * for none; the same in local time to the minute for a person to read,
 * "–" for none. */
char *bw_cli_format_iso_time   (gint64 usec);
char *bw_cli_format_local_time (gint64 usec);

/* A figure with three decimals, "–" for NaN (undefined). */
char *bw_cli_format_number (double value);

/* From now on, Ctrl+C (or SIGTERM) cancels @cancellable rather than
 * killing the process, once bw_cli_run_cancellable() runs the loop. Call
 * it before starting work on another thread, so that an interrupt that
 * comes early is not lost. */
void bw_cli_catch_interrupts (GCancellable *cancellable);

/* Runs @loop until it quits; meanwhile Ctrl+C (or SIGTERM) cancels
 * @cancellable rather than killing the process. */
void bw_cli_run_cancellable (GMainLoop    *loop,
                             GCancellable *cancellable);

/* Whether a progress line is due on stderr (a terminal needs no more than
 * ten a second, and the last one); if so, clears the line for it. */
gboolean bw_cli_progress_due (gint64   *last_update,
                              gboolean  finished);

/* The model's error report (bw-cli-model.c), for quality model and
 * export coco --hard-examples. */
BwModelReport *bw_cli_compute_model_report (BwProject  *project,
                                            const char *model,
                                            double      iou,
                                            int        *out_status);

G_END_DECLS
