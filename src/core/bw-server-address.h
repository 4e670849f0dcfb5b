/* bw-server-address.h — where a team project lives, without its password
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A team server's address as the app shows it, remembers it (recent
 * projects) and keys the keyring with it: host, port, database and
 * user. It never holds a password, so nothing made from it (a URL in
 * the settings, a window title) can leak one.
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define BW_SERVER_DEFAULT_PORT 5432

typedef struct
{
  char  *host;        /* a host name, an address, or a Unix socket folder
                       * (starts with '/'); "" for libpq's default */
  guint  port;        /* never 0: BW_SERVER_DEFAULT_PORT when not given */
  char  *database;
  char  *user;        /* "" for libpq's default (the login name) */
} BwServerAddress;

#define BW_TYPE_SERVER_ADDRESS (bw_server_address_get_type ())
GType            bw_server_address_get_type (void) G_GNUC_CONST;

BwServerAddress *bw_server_address_new      (const char            *host,
                                             guint                  port,
                                             const char            *database,
                                             const char            *user);
BwServerAddress *bw_server_address_parse    (const char            *url,
                                             GError               **error);
BwServerAddress *bw_server_address_copy     (const BwServerAddress *self);
void             bw_server_address_free     (BwServerAddress       *self);
gboolean         bw_server_address_equal    (const BwServerAddress *a,
                                             const BwServerAddress *b);
char            *bw_server_address_to_url   (const BwServerAddress *self);
char            *bw_server_address_describe (const BwServerAddress *self);

gboolean         bw_server_address_is_url   (const char            *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BwServerAddress, bw_server_address_free)

G_END_DECLS
