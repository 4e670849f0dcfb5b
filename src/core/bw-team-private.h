/* bw-team-private.h — what the team server's files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * bw-team.c owns the connection to a server; bw-team-replica.c keeps a
 * working copy of its project with the same tables and the same errors.
 */

#pragma once

#include <libpq-fe.h>
#include <sqlite3.h>

#include "bw-team.h"

G_BEGIN_DECLS

/* A table moved between a project file and the server, row by row. */
typedef struct
{
  const char *name;
  const char *columns;
  /* One letter per column: i integer, r real, t text, b blob, p a person */
  const char *types;
  const char *order;
  gboolean    has_id;     /* an identity column “id” to move on after */
} BwTeamTable;

extern const BwTeamTable _bw_team_tables[];
extern const guint       _bw_team_n_tables;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGresult, PQclear)

PGconn     *_bw_team_get_conn    (BwTeam            *self);
gboolean    _bw_team_result_ok   (BwTeam            *self,
                                  PGresult          *result,
                                  GError           **error);
PGresult   *_bw_team_run_params  (BwTeam            *self,
                                  const char        *sql,
                                  int                n_params,
                                  const char *const *values,
                                  GError           **error);
char       *_bw_team_image_name  (gint64             id,
                                  const char        *stored_path);
void        _bw_team_column_param (sqlite3_stmt     *stmt,
                                   guint             c,
                                   char              type,
                                   const char      **value,
                                   int              *length,
                                   int              *format,
                                   GPtrArray        *owned);
void        _bw_team_bind_bytea  (sqlite3_stmt      *stmt,
                                  int                column,
                                  const char        *value);
gboolean    _bw_team_pull_into   (BwTeam            *self,
                                  BwProject         *project,
                                  const char        *images_dir,
                                  const char        *images_prefix,
                                  const char *const *only,
                                  GHashTable        *where,
                                  GError           **error);

G_END_DECLS
