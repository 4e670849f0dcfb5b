/* bw-team-edit.h — a change to a team project made by the code that
 * changes a project file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * bw_team_edit_begin() opens one transaction on the server, locks the
 * tables the change may write (others still read them; their writers
 * wait, but for the images, where only another import waits) and copies
 * what the change needs to read into a project file in a temporary
 * folder, under that transaction's view. The caller changes
 * that project with the ordinary project functions; the file records
 * which rows of which tables were inserted, updated or deleted (by
 * triggers), and bw_team_edit_commit() writes exactly those rows to the
 * server — new images with their bytes — and commits. Dropping the edit
 * without a commit rolls the server back: it is left as it was.
 *
 * What the connected role may not do is refused by the server itself:
 * most often at the lock, before anything is read.
 */

#pragma once

#include <gio/gio.h>

#include "bw-project.h"
#include "bw-team.h"

G_BEGIN_DECLS

/* What a change may write on the server; each names the tables it locks. */
typedef enum
{
  /* categories, guidelines, guideline_changes, rejection_reasons, settings */
  BW_TEAM_CHANGES_TAXONOMY    = 1 << 0,
  /* images, image_data: new images and their bytes */
  BW_TEAM_CHANGES_IMAGES      = 1 << 1,
  /* annotations: moved to another category or deleted with one */
  BW_TEAM_CHANGES_ANNOTATIONS = 1 << 2,
} BwTeamChanges;

#define BW_TYPE_TEAM_EDIT (bw_team_edit_get_type ())
G_DECLARE_FINAL_TYPE (BwTeamEdit, bw_team_edit, BW, TEAM_EDIT, GObject)

BwTeamEdit *bw_team_edit_begin           (BwTeam             *team,
                                          BwTeamChanges       changes,
                                          const char * const *categories,
                                          GError            **error);
BwProject  *bw_team_edit_get_project     (BwTeamEdit         *self);
void        bw_team_edit_set_image_roots (BwTeamEdit         *self,
                                          const char * const *paths);
gboolean    bw_team_edit_commit          (BwTeamEdit         *self,
                                          GError            **error);

G_END_DECLS
