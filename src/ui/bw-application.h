/* bw-application.h — the Boxwood GTK application
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define BW_TYPE_APPLICATION (bw_application_get_type ())

G_DECLARE_FINAL_TYPE (BwApplication, bw_application, BW, APPLICATION, AdwApplication)

BwApplication *bw_application_new              (void);
GSettings     *bw_application_get_settings     (BwApplication *self);
/* Who the work is attributed to: --user, else the "user-name" setting;
 * NULL until known. */
const char    *bw_application_get_user_name    (BwApplication *self);
void           bw_application_add_recent       (BwApplication *self,
                                                GFile         *file);
/* A team project's postgresql:// URL, which holds no password. */
void           bw_application_add_recent_url   (BwApplication *self,
                                                const char    *url);

G_END_DECLS
