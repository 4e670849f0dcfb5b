/* bw-team-replica.h — the desktop app's working copy of a team project
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The app edits a team project through a local working copy: a project
 * file in the user's cache folder holding what the user's server role may
 * read (pulled on open, brought up to date when the server announces a
 * change), with the image bytes fetched on demand into a cache of bounded
 * size. Every change the user makes in the working copy is queued in the
 * copy itself and sent to the server by a worker thread on its own
 * connection; an edit counts as pending until the server acknowledged it,
 * and the queue survives a lost connection, a crash and a restart. So the
 * whole app (canvas, review, quality) works on a BwProject unchanged.
 */

#pragma once

#include <gio/gio.h>

#include "bw-project.h"
#include "bw-team.h"

G_BEGIN_DECLS

#define BW_TYPE_TEAM_REPLICA (bw_team_replica_get_type ())
G_DECLARE_FINAL_TYPE (BwTeamReplica, bw_team_replica, BW, TEAM_REPLICA, GObject)

/* Opens (pulling it the first time) the working copy of the project at
 * @url, as the user the URL names. @password may be NULL (then libpq's
 * own sources: PGPASSWORD, ~/.pgpass); a missing or wrong password fails
 * with BW_TEAM_ERROR_AUTH so that the caller can ask for one. @cache_dir
 * NULL means $XDG_CACHE_HOME/boxwood/team. Blocking: call it from a
 * worker (bw_team_replica_open_async). */
BwTeamReplica *bw_team_replica_open        (const char          *url,
                                            const char          *password,
                                            GFile               *cache_dir,
                                            GCancellable        *cancellable,
                                            GError             **error);
void           bw_team_replica_open_async  (const char          *url,
                                            const char          *password,
                                            GFile               *cache_dir,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
BwTeamReplica *bw_team_replica_open_finish (GAsyncResult        *result,
                                            GError             **error);

/* The working copy; the window opens it like any project. */
BwProject     *bw_team_replica_get_project (BwTeamReplica       *self);
const char    *bw_team_replica_get_url     (BwTeamReplica       *self);   /* without the password */
const char    *bw_team_replica_get_user    (BwTeamReplica       *self);
BwRole         bw_team_replica_get_role    (BwTeamReplica       *self);

/* Properties, notified on the thread that opened the replica:
 *   "connected"  gboolean  the worker's connection is up
 *   "pending"    guint     changes made here the server has not acknowledged
 *   "last-error" char *    why the connection was lost, translated, or NULL
 * Signal "remote-changed" (no arguments): the working copy took in
 * changes made by someone else (the project's own signals fire too). */
gboolean       bw_team_replica_get_connected  (BwTeamReplica *self);
guint          bw_team_replica_get_pending    (BwTeamReplica *self);
const char    *bw_team_replica_get_last_error (BwTeamReplica *self);

/* The next image of the user's queue, claimed on the server as a lease
 * (so nobody else is handed it), then present in the working copy.
 * Blocking; fails with BW_TEAM_ERROR_CONNECT when offline. */
gboolean       bw_team_replica_claim_next  (BwTeamReplica       *self,
                                            gint64              *image_id,
                                            gboolean            *found,
                                            GCancellable        *cancellable,
                                            GError             **error);

/* Additions to the interface above. */

/* The person the replica is connected as, in the working copy (0: the
 * project's owner, who is nobody's person). */
gint64         bw_team_replica_get_person_id (BwTeamReplica     *self);

/* As bw_team_replica_claim_next(), for a reviewer: the oldest submitted
 * work no other reviewer holds. */
gboolean       bw_team_replica_claim_review (BwTeamReplica      *self,
                                            gint64              *image_id,
                                            gboolean            *found,
                                            GCancellable        *cancellable,
                                            GError             **error);

/* Makes the file of an image present (bw_project_resolve_image_path() of
 * its path), fetching its bytes into the cache when missing. The images
 * of claimed work are fetched by the claim and by the worker already.
 * Blocking. */
gboolean       bw_team_replica_ensure_image (BwTeamReplica      *self,
                                            gint64               image_id,
                                            GCancellable        *cancellable,
                                            GError             **error);

/* The most the image cache may hold (2 GiB unless set); the least
 * recently used images go first. */
void           bw_team_replica_set_cache_limit (BwTeamReplica   *self,
                                            guint64              bytes);

/* Signal "change-refused" (const char *message): the server refused a
 * change made here (a lapsed lease, say); it is no longer pending, and
 * is kept in the working copy. How many so far: */
gboolean       bw_team_replica_count_refused (BwTeamReplica     *self,
                                            guint               *count);

/* Sends what is pending (waiting at most @timeout_ms), then stops the
 * worker. What could not be sent stays queued in the working copy. */
void           bw_team_replica_close       (BwTeamReplica       *self,
                                            int                  timeout_ms);

G_END_DECLS
