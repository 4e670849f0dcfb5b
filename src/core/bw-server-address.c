/* bw-server-address.c — where a team project lives, without its password
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bw-server-address"

#include "config.h"

#include <glib/gi18n.h>
#include <libpq-fe.h>
#include <string.h>

#include "bw-server-address.h"
#include "bw-team.h"

G_DEFINE_BOXED_TYPE (BwServerAddress, bw_server_address, bw_server_address_copy, bw_server_address_free)

BwServerAddress *
bw_server_address_new (const char *host,
                       guint       port,
                       const char *database,
                       const char *user)
{
  BwServerAddress *self = g_new0 (BwServerAddress, 1);

  self->host = g_strstrip (g_strdup (host != NULL ? host : ""));
  self->port = port != 0 ? port : BW_SERVER_DEFAULT_PORT;
  self->database = g_strstrip (g_strdup (database != NULL ? database : ""));
  self->user = g_strstrip (g_strdup (user != NULL ? user : ""));

  return self;
}

BwServerAddress *
bw_server_address_copy (const BwServerAddress *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return bw_server_address_new (self->host, self->port, self->database, self->user);
}

void
bw_server_address_free (BwServerAddress *self)
{
  if (self == NULL)
    return;

  g_free (self->host);
  g_free (self->database);
  g_free (self->user);
  g_free (self);
}

gboolean
bw_server_address_equal (const BwServerAddress *a,
                         const BwServerAddress *b)
{
  return a->port == b->port &&
         g_strcmp0 (a->host, b->host) == 0 &&
         g_strcmp0 (a->database, b->database) == 0 &&
         g_strcmp0 (a->user, b->user) == 0;
}

/* Whether @text names a team server rather than a project file. */
gboolean
bw_server_address_is_url (const char *text)
{
  return text != NULL &&
         (g_ascii_strncasecmp (text, "postgresql://", strlen ("postgresql://")) == 0 ||
          g_ascii_strncasecmp (text, "postgres://", strlen ("postgres://")) == 0);
}

/**
 * bw_server_address_parse:
 * @url: a `postgresql://user@host:port/database` URL
 *
 * Reads @url with libpq's own parser (so it means what it means to every
 * libpq program, `?host=/socket/folder` included). A URL that holds a
 * password is refused: it would end up in the shell's history, the
 * process list and the list of recent projects.
 *
 * Returns: (transfer full): the address, or %NULL with @error set
 *   (BW_TEAM_ERROR_INVALID)
 */
BwServerAddress *
bw_server_address_parse (const char  *url,
                         GError     **error)
{
  PQconninfoOption *options = NULL;
  g_autofree char *message = NULL;
  const char *host = NULL, *port = NULL, *database = NULL, *user = NULL;
  gboolean has_password = FALSE;
  guint64 port_number = 0;

  g_return_val_if_fail (url != NULL, NULL);

  if (!bw_server_address_is_url (url))
    {
      g_set_error (error, BW_TEAM_ERROR, BW_TEAM_ERROR_INVALID,
                   _("“%s” is not a team server address: write it as postgresql://USER@HOST[:PORT]/DATABASE."),
                   url);
      return NULL;
    }

  {
    char *parse_error = NULL;

    options = PQconninfoParse (url, &parse_error);
    if (options == NULL)
      {
        g_autofree char *detail = g_strstrip (g_strdup (parse_error != NULL ? parse_error : ""));

        PQfreemem (parse_error);
        g_set_error (error, BW_TEAM_ERROR, BW_TEAM_ERROR_INVALID,
                     _("The team server address cannot be read: %s. Write it as postgresql://USER@HOST[:PORT]/DATABASE."),
                     detail);
        return NULL;
      }
  }

  for (PQconninfoOption *o = options; o->keyword != NULL; o++)
    {
      if (o->val == NULL || o->val[0] == '\0')
        continue;
      if (g_str_equal (o->keyword, "password"))
        has_password = TRUE;
      else if (g_str_equal (o->keyword, "host"))
        host = o->val;
      else if (g_str_equal (o->keyword, "port"))
        port = o->val;
      else if (g_str_equal (o->keyword, "dbname"))
        database = o->val;
      else if (g_str_equal (o->keyword, "user"))
        user = o->val;
    }

  if (has_password)
    g_set_error_literal (error, BW_TEAM_ERROR, BW_TEAM_ERROR_INVALID,
                         _("The team server address contains a password, which would stay in the shell’s history and the list of running programs. Leave it out (postgresql://USER@HOST/DATABASE): Boxwood asks for it and can keep it in your keyring."));
  else if (database == NULL)
    g_set_error_literal (error, BW_TEAM_ERROR, BW_TEAM_ERROR_INVALID,
                         _("The team server address names no database: add it after the host (postgresql://USER@HOST/DATABASE)."));
  else if (port != NULL && (!g_ascii_string_to_unsigned (port, 10, 1, 65535, &port_number, NULL)))
    g_set_error (error, BW_TEAM_ERROR, BW_TEAM_ERROR_INVALID,
                 _("The port “%s” of the team server address is not a number from 1 to 65535."), port);
  else if (host != NULL && strchr (host, ',') != NULL)
    g_set_error_literal (error, BW_TEAM_ERROR, BW_TEAM_ERROR_INVALID,
                         _("The team server address names several hosts: give one."));
  else
    {
      BwServerAddress *self = bw_server_address_new (host, (guint) port_number, database, user);

      PQconninfoFree (options);
      return self;
    }

  PQconninfoFree (options);
  return NULL;
}

static char *
escape (const char *text)
{
  return g_uri_escape_string (text, NULL, FALSE);
}

/**
 * bw_server_address_to_url:
 *
 * Returns: (transfer full): the address as a `postgresql://` URL, with
 *   no password; a socket folder goes in `?host=`, as libpq reads it
 */
char *
bw_server_address_to_url (const BwServerAddress *self)
{
  g_autoptr(GString) url = g_string_new ("postgresql://");
  g_autofree char *database = escape (self->database);
  gboolean socket = self->host[0] == '/';

  if (self->user[0] != '\0')
    {
      g_autofree char *user = escape (self->user);

      g_string_append_printf (url, "%s@", user);
    }
  if (!socket && self->host[0] != '\0')
    {
      g_autofree char *host = escape (self->host);

      /* An IPv6 address goes in brackets, or its colons read as a port. */
      if (strchr (self->host, ':') != NULL)
        g_string_append_printf (url, "[%s]", self->host);
      else
        g_string_append (url, host);
    }
  if (!socket && self->port != BW_SERVER_DEFAULT_PORT)
    g_string_append_printf (url, ":%u", self->port);
  g_string_append_printf (url, "/%s", database);
  if (socket)
    {
      g_autofree char *host = escape (self->host);

      g_string_append_printf (url, "?host=%s", host);
      if (self->port != BW_SERVER_DEFAULT_PORT)
        g_string_append_printf (url, "&port=%u", self->port);
    }

  return g_string_free (g_steal_pointer (&url), FALSE);
}

/**
 * bw_server_address_describe:
 *
 * Returns: (transfer full): "user@host/database" (with ":port" when it
 *   is not the default) for titles and messages
 */
char *
bw_server_address_describe (const BwServerAddress *self)
{
  const char *host = self->host[0] != '\0' ? self->host : "localhost";
  g_autofree char *port = self->port != BW_SERVER_DEFAULT_PORT ? g_strdup_printf (":%u", self->port)
                                                               : g_strdup ("");

  if (self->user[0] != '\0')
    return g_strdup_printf ("%s@%s%s/%s", self->user, host, port, self->database);
  return g_strdup_printf ("%s%s/%s", host, port, self->database);
}
