/* bw-window.h — the main window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "bw-application.h"
#include "bw-canvas.h"
#include "bw-project.h"
#include "bw-server-address.h"
#include "bw-team-replica.h"

G_BEGIN_DECLS

#define BW_TYPE_WINDOW (bw_window_get_type ())

G_DECLARE_FINAL_TYPE (BwWindow, bw_window, BW, WINDOW, AdwApplicationWindow)

/* Signals:
 *   "project-changed"        ()             a project was opened or closed
 *   "current-image-changed"  (gint64 id)    another image is shown (0: none)
 * Properties (read-only, with notify): "project", "current-image-id",
 * "person-id".
 */

BwWindow   *bw_window_new                     (BwApplication *application);
void        bw_window_open_project            (BwWindow      *self,
                                               GFile         *file);
gboolean    bw_window_set_project             (BwWindow      *self,
                                               BwProject     *project,
                                               GError       **error);
BwImageSort bw_window_get_image_sort          (BwWindow      *self);
BwProject  *bw_window_get_project             (BwWindow      *self);
BwCanvas   *bw_window_get_canvas              (BwWindow      *self);
gint64      bw_window_get_current_image_id    (BwWindow      *self);
/* Shows @image_id (clearing the list's filter if it hides it). */
void        bw_window_show_image_region       (BwWindow      *self,
                                               gint64         image_id,
                                               double         x0,
                                               double         y0,
                                               double         x1,
                                               double         y1);
void        bw_window_select_image            (BwWindow      *self,
                                               gint64         image_id);
/* Shows @image_id with its gold layer as the layer edited (0: stop). */
void        bw_window_edit_gold_answer        (BwWindow      *self,
                                               gint64         image_id);
gint64      bw_window_get_gold_image_id       (BwWindow      *self);
/* The person the work in this window is attributed to (0 until known). */
gint64      bw_window_get_person_id           (BwWindow      *self);
gint64      bw_window_get_review_layer_id     (BwWindow      *self);
gboolean    bw_window_get_review_mode         (BwWindow      *self);
GtkWidget  *bw_window_get_review_queue        (BwWindow      *self);
void        bw_window_set_user_name           (BwWindow      *self,
                                               const char    *name);
/* A box in the side panel, below the image list, for the category list. */
GtkBox     *bw_window_get_category_panel_slot (BwWindow      *self);
/* A box right of the canvas, for the list of the image's shapes. */
GtkBox     *bw_window_get_object_list_slot    (BwWindow      *self);
/* The primary menu's section for project-wide dialogs (Taxonomy…,
 * Export…, Import Annotations…). */
GMenu      *bw_window_get_project_menu        (BwWindow      *self);
void        bw_window_add_toast               (BwWindow      *self,
                                               AdwToast      *toast);
/* Import files and folders into the open project, with progress and a
 * toast reporting the result. */
void        bw_window_import_paths            (BwWindow      *self,
                                               const char * const *paths);
/* Exams (bw-window-exam.c): the banner of a person an exam holds back. */
void        bw_window_refresh_exam            (BwWindow      *self);
void        bw_window_show_exam_result        (BwWindow      *self,
                                               gint64         attempt_id);

/* Team projects (bw-window-team.c) */
void           bw_window_open_team            (BwWindow              *self,
                                               const BwServerAddress *address,
                                               gboolean               use_keyring);
gboolean       bw_window_set_team_replica     (BwWindow              *self,
                                               BwTeamReplica         *replica,
                                               GError               **error);
BwTeamReplica *bw_window_get_team_replica     (BwWindow              *self);
gboolean       bw_window_team_claim_next      (BwWindow              *self);

G_END_DECLS
