/* bw-keyring.h — team server passwords in the user's keyring (libsecret)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A password is stored under the server's host, port, database and
 * user, in the keyring of the desktop session (the Secret Service:
 * GNOME Keyring, KWallet), never in a file of ours.
 */

#pragma once

#include <gio/gio.h>

#include "bw-server-address.h"

G_BEGIN_DECLS

/* The schema's name, as seen in Seahorse and secret-tool. */
#define BW_KEYRING_SCHEMA_NAME "org.boxwood.Boxwood.TeamServer"

/* Blocking (D-Bus round trips): from a worker, or tests. */
char    *bw_keyring_lookup        (const BwServerAddress  *address,
                                   GCancellable           *cancellable,
                                   GError                **error);
gboolean bw_keyring_store         (const BwServerAddress  *address,
                                   const char             *password,
                                   GCancellable           *cancellable,
                                   GError                **error);
gboolean bw_keyring_clear         (const BwServerAddress  *address,
                                   GCancellable           *cancellable,
                                   GError                **error);

void     bw_keyring_lookup_async  (const BwServerAddress  *address,
                                   GCancellable           *cancellable,
                                   GAsyncReadyCallback     callback,
                                   gpointer                user_data);
/* Returns: (transfer full) (nullable): the password (free it with
 * bw_keyring_password_free()), or NULL: none stored, or @error set. */
char    *bw_keyring_lookup_finish (GAsyncResult           *result,
                                   GError                **error);
void     bw_keyring_store_async   (const BwServerAddress  *address,
                                   const char             *password,
                                   GCancellable           *cancellable,
                                   GAsyncReadyCallback     callback,
                                   gpointer                user_data);
gboolean bw_keyring_store_finish  (GAsyncResult           *result,
                                   GError                **error);
void     bw_keyring_clear_async   (const BwServerAddress  *address,
                                   GCancellable           *cancellable,
                                   GAsyncReadyCallback     callback,
                                   gpointer                user_data);
gboolean bw_keyring_clear_finish  (GAsyncResult           *result,
                                   GError                **error);

/* Overwrites the password's memory, then frees it. */
void     bw_keyring_password_free (char                   *password);

G_END_DECLS
