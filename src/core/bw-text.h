/* bw-text.h — untrusted text, made safe to show in a message
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Names in messages are cut to this many characters: enough to tell two
 * names apart, short enough that a 5 MB name does not fill a terminal. */
#define BW_TEXT_MESSAGE_MAX_CHARS 80

char *bw_text_for_message (const char *text,
                           gssize      length,
                           guint       max_chars);

G_END_DECLS
