/* bw-project-settings-page.h — a project's own settings, in Preferences
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "bw-project.h"

G_BEGIN_DECLS

#define BW_TYPE_PROJECT_SETTINGS_PAGE (bw_project_settings_page_get_type ())

G_DECLARE_FINAL_TYPE (BwProjectSettingsPage, bw_project_settings_page, BW, PROJECT_SETTINGS_PAGE, AdwPreferencesPage)

/* Signals: "message" (const char *text)  a result or a refusal to show */

BwProjectSettingsPage *bw_project_settings_page_new (BwProject *project);

G_END_DECLS
