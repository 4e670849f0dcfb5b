/* bw-team-open-dialog.h — open a team project on a PostgreSQL server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "bw-server-address.h"
#include "bw-team-replica.h"

G_BEGIN_DECLS

#define BW_TYPE_TEAM_OPEN_DIALOG (bw_team_open_dialog_get_type ())

G_DECLARE_FINAL_TYPE (BwTeamOpenDialog, bw_team_open_dialog, BW, TEAM_OPEN_DIALOG, AdwWindow)

/* Signal "opened" (BwTeamReplica *replica): the working copy is open;
 * the dialog closes itself after it. */

BwTeamOpenDialog *bw_team_open_dialog_new            (GtkWindow             *parent,
                                                      const BwServerAddress *address);
/* Where the working copy goes (NULL: the default, under
 * $XDG_CACHE_HOME). */
void              bw_team_open_dialog_set_cache_dir  (BwTeamOpenDialog      *self,
                                                      GFile                 *cache_dir);
/* Looks for the password in the keyring and, when there is one,
 * connects at once; otherwise (or when the server refuses it) asks. */
void              bw_team_open_dialog_connect_with_keyring (BwTeamOpenDialog *self);

G_END_DECLS
