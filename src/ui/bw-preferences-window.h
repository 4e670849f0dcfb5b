/* bw-preferences-window.h — Preferences
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "bw-project.h"

G_BEGIN_DECLS

#define BW_TYPE_PREFERENCES_WINDOW (bw_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (BwPreferencesWindow, bw_preferences_window, BW, PREFERENCES_WINDOW, AdwPreferencesWindow)

BwPreferencesWindow *bw_preferences_window_new               (GSettings           *settings);
void                 bw_preferences_window_set_user_override (BwPreferencesWindow *self,
                                                              const char          *name);
void                 bw_preferences_window_set_project       (BwPreferencesWindow *self,
                                                              BwProject           *project);

G_END_DECLS
