/* bw-keyring.c — team server passwords in the user's keyring (libsecret)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bw-keyring"

#include "config.h"

#include <glib/gi18n.h>
#include <libsecret/secret.h>

#include "bw-keyring.h"
#include "bw-team.h"

static const SecretSchema *
get_schema (void)
{
  static const SecretSchema schema = {
    BW_KEYRING_SCHEMA_NAME, SECRET_SCHEMA_NONE,
    {
      { "host", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "port", SECRET_SCHEMA_ATTRIBUTE_INTEGER },
      { "database", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "user", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
    0, NULL, NULL, NULL, NULL, NULL, NULL, NULL
  };

  return &schema;
}

/* The attributes that find one server's password for one user. */
static GHashTable *
make_attributes (const BwServerAddress *address)
{
  GHashTable *attributes = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

  g_hash_table_insert (attributes, (char *) "host", g_strdup (address->host));
  g_hash_table_insert (attributes, (char *) "port", g_strdup_printf ("%u", address->port));
  g_hash_table_insert (attributes, (char *) "database", g_strdup (address->database));
  g_hash_table_insert (attributes, (char *) "user", g_strdup (address->user));

  return attributes;
}

static char *
make_label (const BwServerAddress *address)
{
  g_autofree char *described = bw_server_address_describe (address);

  /* TRANSLATORS: the name of a stored password in the keyring manager */
  return g_strdup_printf (_("Boxwood team server password for %s"), described);
}

/* libsecret's own messages do not say what failed: say it, and what
 * to do. */
static void
explain_error (GError **error)
{
  g_autofree char *detail = NULL;

  if (error == NULL || *error == NULL || g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  detail = g_strdup ((*error)->message);
  g_clear_error (error);
  g_set_error (error, BW_TEAM_ERROR, BW_TEAM_ERROR_FAILED,
               _("The keyring could not be used (%s). Check that a keyring service such as GNOME Keyring runs and is unlocked; until then, type the password each time."),
               detail);
}

void
bw_keyring_password_free (char *password)
{
  secret_password_free (password);
}

char *
bw_keyring_lookup (const BwServerAddress  *address,
                   GCancellable           *cancellable,
                   GError                **error)
{
  g_autoptr(GHashTable) attributes = NULL;
  char *password;

  g_return_val_if_fail (address != NULL, NULL);

  attributes = make_attributes (address);
  password = secret_password_lookupv_sync (get_schema (), attributes, cancellable, error);
  explain_error (error);
  return password;
}

gboolean
bw_keyring_store (const BwServerAddress  *address,
                  const char             *password,
                  GCancellable           *cancellable,
                  GError                **error)
{
  g_autoptr(GHashTable) attributes = NULL;
  g_autofree char *label = NULL;
  gboolean ok;

  g_return_val_if_fail (address != NULL, FALSE);
  g_return_val_if_fail (password != NULL, FALSE);

  attributes = make_attributes (address);
  label = make_label (address);
  ok = secret_password_storev_sync (get_schema (), attributes, SECRET_COLLECTION_DEFAULT,
                                    label, password, cancellable, error);
  explain_error (error);
  return ok;
}

/* Returns: TRUE also when there was nothing to remove */
gboolean
bw_keyring_clear (const BwServerAddress  *address,
                  GCancellable           *cancellable,
                  GError                **error)
{
  g_autoptr(GHashTable) attributes = NULL;
  GError *local_error = NULL;

  g_return_val_if_fail (address != NULL, FALSE);

  attributes = make_attributes (address);
  secret_password_clearv_sync (get_schema (), attributes, cancellable, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      explain_error (error);
      return FALSE;
    }
  return TRUE;
}

static void
lookup_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  char *password = secret_password_lookup_finish (result, &error);

  if (error != NULL)
    {
      explain_error (&error);
      g_task_return_error (task, error);
    }
  else
    g_task_return_pointer (task, password, (GDestroyNotify) secret_password_free);
}

void
bw_keyring_lookup_async (const BwServerAddress *address,
                         GCancellable          *cancellable,
                         GAsyncReadyCallback    callback,
                         gpointer               user_data)
{
  g_autoptr(GHashTable) attributes = NULL;
  GTask *task;

  g_return_if_fail (address != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, bw_keyring_lookup_async);
  attributes = make_attributes (address);
  secret_password_lookupv (get_schema (), attributes, cancellable, lookup_done_cb, task);
}

char *
bw_keyring_lookup_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
store_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!secret_password_store_finish (result, &error))
    {
      explain_error (&error);
      g_task_return_error (task, error);
    }
  else
    g_task_return_boolean (task, TRUE);
}

void
bw_keyring_store_async (const BwServerAddress *address,
                        const char            *password,
                        GCancellable          *cancellable,
                        GAsyncReadyCallback    callback,
                        gpointer               user_data)
{
  g_autoptr(GHashTable) attributes = NULL;
  g_autofree char *label = NULL;
  GTask *task;

  g_return_if_fail (address != NULL);
  g_return_if_fail (password != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, bw_keyring_store_async);
  attributes = make_attributes (address);
  label = make_label (address);
  secret_password_storev (get_schema (), attributes, SECRET_COLLECTION_DEFAULT, label, password,
                          cancellable, store_done_cb, task);
}

gboolean
bw_keyring_store_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
clear_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  secret_password_clear_finish (result, &error);
  if (error != NULL)
    {
      explain_error (&error);
      g_task_return_error (task, error);
    }
  else
    g_task_return_boolean (task, TRUE);
}

void
bw_keyring_clear_async (const BwServerAddress *address,
                        GCancellable          *cancellable,
                        GAsyncReadyCallback    callback,
                        gpointer               user_data)
{
  g_autoptr(GHashTable) attributes = NULL;
  GTask *task;

  g_return_if_fail (address != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, bw_keyring_clear_async);
  attributes = make_attributes (address);
  secret_password_clearv (get_schema (), attributes, cancellable, clear_done_cb, task);
}

gboolean
bw_keyring_clear_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
