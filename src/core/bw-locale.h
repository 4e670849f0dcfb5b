/* bw-locale.h — which translations the programs speak
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

void bw_locale_init (const char *uninstalled_exe);

G_END_DECLS
