/* bw-team.h — a team project on a PostgreSQL server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One database holds one project. Its schema follows the workflow model
 * of the project file (images with their bytes, categories, people,
 * assignments, layers, annotations with versions, reviews); who may see
 * and change what is enforced by the server: each person logs in as a
 * PostgreSQL role that is a member of boxwood_annotator,
 * boxwood_reviewer or boxwood_lead, and row-level security policies
 * decide which rows that role reads and writes. Work is handed out as
 * leases (bw_team_claim_next()).
 *
 * The desktop app works on a team project through a working copy
 * (bw-team-replica.h); boxwood-cli moves projects to and from a server
 * (push, pull), and tests/tools drives the queue.
 */

#pragma once

#include <gio/gio.h>

#include "bw-geometry.h"
#include "bw-project.h"
#include "bw-types.h"

G_BEGIN_DECLS

#define BW_TEAM_ERROR (bw_team_error_quark ())
GQuark bw_team_error_quark (void);

typedef enum
{
  BW_TEAM_ERROR_FAILED,
  BW_TEAM_ERROR_CONNECT,          /* the server could not be reached or refused us */
  BW_TEAM_ERROR_NOT_INITIALIZED,  /* no Boxwood schema in this database */
  BW_TEAM_ERROR_PERMISSION,       /* the server refused: our role may not */
  BW_TEAM_ERROR_LEASE_LAPSED,     /* the claim on that image is no longer ours */
  BW_TEAM_ERROR_NOT_EMPTY,        /* push into a database that holds a project */
  BW_TEAM_ERROR_EXISTS,           /* pull onto a file that exists */
  BW_TEAM_ERROR_INVALID,          /* a name or value the server cannot take */
  BW_TEAM_ERROR_IO,               /* a local file could not be read or written */
  BW_TEAM_ERROR_AUTH,             /* no password, or a wrong one: ask the user for one */
} BwTeamError;

#define BW_TYPE_TEAM (bw_team_get_type ())
G_DECLARE_FINAL_TYPE (BwTeam, bw_team, BW, TEAM, GObject)

/* What bw_team_claim_next() and bw_team_claim_review() hand out. */
typedef struct
{
  gint64 assignment_id;   /* the annotate assignment */
  gint64 image_id;
  gint64 layer_id;        /* the annotator's layer */
} BwTeamClaim;

typedef struct
{
  gint64 images;
  gint64 images_by_status[BW_IMAGE_N_STATUS];   /* -1 when our role may not see them */
  gint64 categories;
  gint64 annotations;
  gint64 layers;
  gint64 people;
  gint64 assignments_by_status[BW_ASSIGNMENT_N_STATUS];
  int    schema_version;
  BwRole role;            /* of the role we are connected as */
  gboolean is_admin;      /* the database's owner (or a superuser), not a person */
} BwTeamInfo;

BwTeam     *bw_team_connect             (const char   *url,
                                         GError      **error);
BwTeam     *bw_team_connect_with_password (const char *url,
                                         const char   *password,
                                         GError      **error);
const char *bw_team_get_server_name     (BwTeam       *self);
const char *bw_team_get_user            (BwTeam       *self);
const char *bw_team_get_database        (BwTeam       *self);
gboolean    bw_team_uses_tls            (BwTeam       *self);

gboolean    bw_team_server_init         (BwTeam       *self,
                                         GError      **error);
gboolean    bw_team_add_user            (BwTeam       *self,
                                         const char   *name,
                                         BwRole        role,
                                         const char   *password,
                                         GError      **error);
gboolean    bw_team_get_info            (BwTeam       *self,
                                         BwTeamInfo   *info,
                                         GError      **error);
gboolean    bw_team_set_queue           (BwTeam       *self,
                                         int           overlap,
                                         double        honeypot_rate,
                                         int           lease_seconds,
                                         GError      **error);

/* Moving a project to and from the server */
gboolean    bw_team_push                (BwTeam       *self,
                                         BwProject    *project,
                                         GError      **error);
gboolean    bw_team_pull                (BwTeam       *self,
                                         GFile        *destination,
                                         GError      **error);

/* The work queue */
gboolean    bw_team_claim_next          (BwTeam       *self,
                                         BwTeamClaim  *claim,
                                         gboolean     *found,
                                         GError      **error);
gboolean    bw_team_save_box            (BwTeam       *self,
                                         gint64        layer_id,
                                         gint64        annotation_id,
                                         gint64        category_id,
                                         const BwRect *box,
                                         gint64       *out_annotation_id,
                                         int          *out_version,
                                         GError      **error);
gboolean    bw_team_submit              (BwTeam       *self,
                                         gint64        assignment_id,
                                         GError      **error);
gboolean    bw_team_claim_review        (BwTeam       *self,
                                         BwTeamClaim  *claim,
                                         gboolean     *found,
                                         GError      **error);
gboolean    bw_team_review              (BwTeam       *self,
                                         gint64        assignment_id,
                                         gboolean      accept,
                                         gint64        reason_id,
                                         const char   *comment,
                                         GError      **error);

/* Live updates: after bw_team_listen(), every submission and verdict on
 * the server arrives as a JSON payload such as
 * {"event":"submitted","image":12,"assignment":40}. */
gboolean    bw_team_listen              (BwTeam       *self,
                                         GError      **error);
char       *bw_team_wait_notification   (BwTeam       *self,
                                         int           timeout_ms,
                                         GError      **error);

/* A source that is ready when a notification came; its callback is a
 * BwTeamNotifyFunc (g_source_set_callback() with G_SOURCE_FUNC()), called
 * once per payload. */
typedef gboolean (*BwTeamNotifyFunc) (BwTeam     *team,
                                      const char *payload,
                                      gpointer    user_data);

GSource    *bw_team_create_notify_source (BwTeam      *self);

G_END_DECLS
