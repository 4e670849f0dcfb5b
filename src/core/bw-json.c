/* bw-json.c — bounded loading of untrusted JSON, and typed getters
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bw-json"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <math.h>

#include "bw-json.h"
#include "bw-json-stream.h"
#include "bw-text.h"

G_DEFINE_QUARK (bw-json-error-quark, bw_json_error)

/* A path for a message: control characters (a newline in a file name)
 * escaped, so that an error stays one line. */
static char *
file_display_name (GFile *file)
{
  const char *path = g_file_peek_path (file);

  if (path != NULL)
    return bw_text_for_message (path, -1, 4096);

  /* A URI that is not a local file: this is only for messages. */
  return g_strdup ("(file)");
}

static void
resolve_limits (const BwJsonLimits *limits,
                goffset            *max_bytes,
                guint              *max_depth)
{
  *max_bytes = BW_JSON_DEFAULT_MAX_BYTES;
  *max_depth = BW_JSON_DEFAULT_MAX_DEPTH;

  if (limits != NULL && limits->max_bytes > 0)
    *max_bytes = limits->max_bytes;
  if (limits != NULL && limits->max_depth > 0)
    *max_depth = limits->max_depth;
}

/**
 * bw_json_check_depth:
 * @data: JSON text
 * @length: its length in bytes
 * @max_depth: the deepest nesting allowed; the top-level array or object
 *   is depth 1
 * @error: return location for a #GError
 *
 * Scans @data for `[` and `{` outside strings and fails when they nest
 * deeper than @max_depth. It does not check the syntax otherwise: it only
 * keeps the recursive parser that runs afterwards within a bounded stack.
 *
 * Returns: %TRUE when the nesting is within the limit
 */
gboolean
bw_json_check_depth (const char  *data,
                     gsize        length,
                     guint        max_depth,
                     GError     **error)
{
  gboolean in_string = FALSE;
  guint depth = 0;

  g_return_val_if_fail (data != NULL || length == 0, FALSE);

  for (gsize i = 0; i < length; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;                /* skip the escaped character, even a quote */
          else if (c == '"')
            in_string = FALSE;
          continue;
        }

      switch (c)
        {
        case '"':
          in_string = TRUE;
          break;

        case '[':
        case '{':
          if (++depth > max_depth)
            {
              g_set_error (error, BW_JSON_ERROR, BW_JSON_ERROR_TOO_DEEP,
                           _("arrays and objects nest deeper than %u levels (at byte %zu)"),
                           max_depth, i);
              return FALSE;
            }
          break;

        case ']':
        case '}':
          if (depth > 0)
            depth--;
          break;

        default:
          break;
        }
    }

  return TRUE;
}

/**
 * bw_json_load_data:
 * @data: JSON text
 * @length: its length in bytes
 * @name: (nullable): how to name the data in messages, such as a file name
 * @limits: (nullable): the limits, or %NULL for the defaults
 * @error: return location for a #GError
 *
 * Parses @data after checking it against @limits.
 *
 * Returns: (transfer full): the root node, or %NULL with @error set
 */
JsonNode *
bw_json_load_data (const char         *data,
                   gsize               length,
                   const char         *name,
                   const BwJsonLimits *limits,
                   GError            **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  goffset max_bytes;
  guint max_depth;
  JsonNode *root;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  resolve_limits (limits, &max_bytes, &max_depth);

  if ((guint64) length > (guint64) max_bytes)
    {
      g_autofree char *size = g_format_size ((guint64) length);
      g_autofree char *limit = g_format_size ((guint64) max_bytes);

      g_set_error (error, BW_JSON_ERROR, BW_JSON_ERROR_TOO_BIG,
                   _("%s: the file is %s, more than the limit of %s"),
                   name ? name : _("JSON"), size, limit);
      return NULL;
    }

  /* Only whitespace: json-glib accepts it and returns no root. */
  {
    gsize i = 0;

    while (i < length && g_ascii_isspace (data[i]))
      i++;
    if (i == length)
      {
        g_set_error (error, BW_JSON_ERROR, BW_JSON_ERROR_SYNTAX,
                     _("%s: the file is empty"), name ? name : _("JSON"));
        return NULL;
      }
  }

  /* json-glib accepts more than RFC 8259 (comments, a NUL in a string
   * cut short, a member named twice, the last one winning), and recurses
   * once per level with no limit of its own. The strict reader that reads
   * COCO files checks the text first, so every JSON file Boxwood reads
   * follows one set of rules. */
  {
    g_autoptr(BwJsonStream) stream = bw_json_stream_new (data, length, name, max_depth);

    if (!bw_json_stream_check_value (stream, error) || !bw_json_stream_end (stream, error))
      {
        g_prefix_error (error, "%s: ", name ? name : _("JSON"));
        return NULL;
      }
  }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, (gssize) length, &local_error))
    {
      g_set_error (error, BW_JSON_ERROR, BW_JSON_ERROR_SYNTAX,
                   _("%s: not valid JSON: %s"),
                   name ? name : _("JSON"), local_error->message);
      return NULL;
    }

  root = json_parser_steal_root (parser);
  if (root == NULL)
    {
      g_set_error (error, BW_JSON_ERROR, BW_JSON_ERROR_SYNTAX,
                   _("%s: the file is empty"), name ? name : _("JSON"));
      return NULL;
    }

  return root;
}

/**
 * bw_json_load_file:
 * @file: a JSON file
 * @limits: (nullable): the limits, or %NULL for the defaults
 * @error: return location for a #GError
 *
 * Loads and parses @file, refusing it before reading when it is bigger
 * than the size limit and before parsing when it nests deeper than the
 * depth limit. Messages start with the file's path.
 *
 * Returns: (transfer full): the root node, or %NULL with @error set
 */
JsonNode *
bw_json_load_file (GFile              *file,
                   const BwJsonLimits *limits,
                   GError            **error)
{
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *name = NULL;
  goffset max_bytes;
  guint max_depth;
  gsize length = 0;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  resolve_limits (limits, &max_bytes, &max_depth);
  name = file_display_name (file);

  info = g_file_query_info (file,
                            G_FILE_ATTRIBUTE_STANDARD_TYPE ","
                            G_FILE_ATTRIBUTE_STANDARD_SIZE,
                            G_FILE_QUERY_INFO_NONE, NULL, &local_error);
  if (info == NULL)
    {
      g_set_error (error, G_IO_ERROR,
                   local_error->domain == G_IO_ERROR ? local_error->code : G_IO_ERROR_FAILED,
                   _("%s: cannot read the file: %s"), name, local_error->message);
      return NULL;
    }

  if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE,
                   _("%s: not a regular file"), name);
      return NULL;
    }

  if (g_file_info_get_size (info) > max_bytes)
    {
      g_autofree char *size = g_format_size ((guint64) g_file_info_get_size (info));
      g_autofree char *limit = g_format_size ((guint64) max_bytes);

      g_set_error (error, BW_JSON_ERROR, BW_JSON_ERROR_TOO_BIG,
                   _("%s: the file is %s, more than the limit of %s"),
                   name, size, limit);
      return NULL;
    }

  if (!g_file_load_contents (file, NULL, &contents, &length, NULL, &local_error))
    {
      g_set_error (error, G_IO_ERROR,
                   local_error->domain == G_IO_ERROR ? local_error->code : G_IO_ERROR_FAILED,
                   _("%s: cannot read the file: %s"), name, local_error->message);
      return NULL;
    }

  /* The size is checked again: the file may have grown since the query. */
  return bw_json_load_data (contents, length, name, limits, error);
}

/**
 * bw_json_prefix_error:
 * @error: (nullable): a #GError location, possibly holding an error
 * @file: (nullable): the file the error is about
 * @format: (nullable): a printf() format naming the place in the file,
 *   such as "annotation %u"
 *
 * Prefixes the error in @error, if any, with "FILE: PLACE: ".
 */
void
bw_json_prefix_error (GError     **error,
                      GFile       *file,
                      const char  *format,
                      ...)
{
  g_autofree char *place = NULL;
  g_autofree char *name = NULL;

  if (error == NULL || *error == NULL)
    return;

  if (format != NULL)
    {
      va_list args;

      va_start (args, format);
      place = g_strdup_vprintf (format, args);
      va_end (args);
    }

  if (file != NULL)
    name = file_display_name (file);
  if (file != NULL && place != NULL)
    g_prefix_error (error, "%s: %s: ", name, place);
  else if (file != NULL)
    g_prefix_error (error, "%s: ", name);
  else if (place != NULL)
    g_prefix_error (error, "%s: ", place);
}

/**
 * bw_json_node_describe:
 * @node: (nullable): a node
 *
 * Returns: what @node holds, for messages such as "must be a number, not
 *   a string"
 */
const char *
bw_json_node_describe (JsonNode *node)
{
  if (node == NULL)
    return _("nothing");

  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      return _("an object");
    case JSON_NODE_ARRAY:
      return _("an array");
    case JSON_NODE_NULL:
      return _("null");
    case JSON_NODE_VALUE:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_STRING:
          return _("a string");
        case G_TYPE_BOOLEAN:
          return _("a boolean");
        case G_TYPE_INT64:
        case G_TYPE_DOUBLE:
          return _("a number");
        default:
          return _("a value");
        }
    default:
      return _("a value");
    }
}

/**
 * bw_json_node_get_double:
 * @node: (nullable): a node
 * @out: (out): the number
 *
 * Returns: %TRUE when @node is a finite number
 */
gboolean
bw_json_node_get_double (JsonNode *node,
                         double   *out)
{
  GType type;
  double v;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    v = (double) json_node_get_int (node);
  else if (type == G_TYPE_DOUBLE)
    v = json_node_get_double (node);
  else
    return FALSE;

  if (!isfinite (v))
    return FALSE;

  *out = v;
  return TRUE;
}

/**
 * bw_json_node_get_int:
 * @node: (nullable): a node
 * @out: (out): the integer
 *
 * Returns: %TRUE when @node is an integer (a number without a fractional
 *   part: some writers put `3.0` for 3)
 */
gboolean
bw_json_node_get_int (JsonNode *node,
                      gint64   *out)
{
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    {
      *out = json_node_get_int (node);
      return TRUE;
    }

  if (type == G_TYPE_DOUBLE)
    {
      double v = json_node_get_double (node);

      /* ±2^63 is not representable as gint64; the bounds are exact doubles. */
      if (isfinite (v) && v == floor (v) &&
          v >= -9223372036854775808.0 && v < 9223372036854775808.0)
        {
          *out = (gint64) v;
          return TRUE;
        }
    }

  return FALSE;
}

/**
 * bw_json_has_member:
 * @object: an object
 * @member: a member name
 *
 * Returns: %TRUE when @object has @member and it is not null
 */
gboolean
bw_json_has_member (JsonObject *object,
                    const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  return node != NULL && !JSON_NODE_HOLDS_NULL (node);
}

static JsonNode *
get_present (JsonObject  *object,
             const char  *member,
             GError     **error)
{
  JsonNode *node;

  g_return_val_if_fail (object != NULL, NULL);
  g_return_val_if_fail (member != NULL, NULL);

  node = json_object_get_member (object, member);
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      g_set_error (error, BW_JSON_ERROR, BW_JSON_ERROR_INVALID,
                   _("“%s” is missing"), member);
      return NULL;
    }

  return node;
}

/**
 * bw_json_get_int:
 * @object: an object
 * @member: a member name
 * @min: the smallest value accepted
 * @max: the largest value accepted
 * @out: (out): the value
 * @error: return location for a #GError
 *
 * Reads a required integer member within [@min, @max].
 *
 * Returns: %TRUE on success
 */
gboolean
bw_json_get_int (JsonObject  *object,
                 const char  *member,
                 gint64       min,
                 gint64       max,
                 gint64      *out,
                 GError     **error)
{
  JsonNode *node;
  gint64 v;

  if (!(node = get_present (object, member, error)))
    return FALSE;

  if (!bw_json_node_get_int (node, &v) || v < min || v > max)
    {
      g_autofree char *what = NULL;

      if (JSON_NODE_HOLDS_VALUE (node) &&
          (json_node_get_value_type (node) == G_TYPE_INT64 ||
           json_node_get_value_type (node) == G_TYPE_DOUBLE))
        {
          char buf[G_ASCII_DTOSTR_BUF_SIZE];

          if (json_node_get_value_type (node) == G_TYPE_INT64)
            what = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
          else
            what = g_strdup (g_ascii_dtostr (buf, sizeof buf, json_node_get_double (node)));
        }
      else
        what = g_strdup (bw_json_node_describe (node));

      g_set_error (error, BW_JSON_ERROR, BW_JSON_ERROR_INVALID,
                   _("“%s” must be an integer from %" PRId64 " to %" PRId64 ", not %s"),
                   member, min, max, what);
      return FALSE;
    }

  *out = v;
  return TRUE;
}

/**
 * bw_json_get_double:
 * @object: an object
 * @member: a member name
 * @min: the smallest value accepted
 * @max: the largest value accepted
 * @out: (out): the value
 * @error: return location for a #GError
 *
 * Reads a required finite number member within [@min, @max].
 *
 * Returns: %TRUE on success
 */
gboolean
bw_json_get_double (JsonObject  *object,
                    const char  *member,
                    double       min,
                    double       max,
                    double      *out,
                    GError     **error)
{
  JsonNode *node;
  double v;

  if (!(node = get_present (object, member, error)))
    return FALSE;

  if (!bw_json_node_get_double (node, &v))
    {
      g_set_error (error, BW_JSON_ERROR, BW_JSON_ERROR_INVALID,
                   _("“%s” must be a finite number, not %s"),
                   member, bw_json_node_describe (node));
      return FALSE;
    }

  if (v < min || v > max)
    {
      char a[G_ASCII_DTOSTR_BUF_SIZE], b[G_ASCII_DTOSTR_BUF_SIZE], c[G_ASCII_DTOSTR_BUF_SIZE];

      g_set_error (error, BW_JSON_ERROR, BW_JSON_ERROR_INVALID,
                   _("“%s” must be a number from %s to %s, not %s"), member,
                   g_ascii_dtostr (a, sizeof a, min),
                   g_ascii_dtostr (b, sizeof b, max),
                   g_ascii_dtostr (c, sizeof c, v));
      return FALSE;
    }

  *out = v;
  return TRUE;
}

/**
 * bw_json_get_string:
 * @object: an object
 * @member: a member name
 * @allow_empty: whether "" is accepted
 * @out: (out) (transfer none): the string, owned by @object
 * @error: return location for a #GError
 *
 * Reads a required string member.
 *
 * Returns: %TRUE on success
 */
gboolean
bw_json_get_string (JsonObject   *object,
                    const char   *member,
                    gboolean      allow_empty,
                    const char  **out,
                    GError      **error)
{
  JsonNode *node;
  const char *s;

  if (!(node = get_present (object, member, error)))
    return FALSE;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, BW_JSON_ERROR, BW_JSON_ERROR_INVALID,
                   _("“%s” must be a string, not %s"),
                   member, bw_json_node_describe (node));
      return FALSE;
    }

  s = json_node_get_string (node);
  if (!allow_empty && (s == NULL || *s == '\0'))
    {
      g_set_error (error, BW_JSON_ERROR, BW_JSON_ERROR_INVALID,
                   _("“%s” must not be empty"), member);
      return FALSE;
    }

  if (s != NULL && !g_utf8_validate (s, -1, NULL))
    {
      g_set_error (error, BW_JSON_ERROR, BW_JSON_ERROR_INVALID,
                   _("“%s” is not valid UTF-8"), member);
      return FALSE;
    }

  *out = s ? s : "";
  return TRUE;
}

/**
 * bw_json_get_bool:
 * @object: an object
 * @member: a member name
 * @out: (out): the value
 * @error: return location for a #GError
 *
 * Reads a required boolean member.
 *
 * Returns: %TRUE on success
 */
gboolean
bw_json_get_bool (JsonObject  *object,
                  const char  *member,
                  gboolean    *out,
                  GError     **error)
{
  JsonNode *node;

  if (!(node = get_present (object, member, error)))
    return FALSE;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    {
      g_set_error (error, BW_JSON_ERROR, BW_JSON_ERROR_INVALID,
                   _("“%s” must be true or false, not %s"),
                   member, bw_json_node_describe (node));
      return FALSE;
    }

  *out = json_node_get_boolean (node);
  return TRUE;
}

/**
 * bw_json_get_array:
 * @object: an object
 * @member: a member name
 * @out: (out) (transfer none): the array, owned by @object
 * @error: return location for a #GError
 *
 * Reads a required array member.
 *
 * Returns: %TRUE on success
 */
gboolean
bw_json_get_array (JsonObject  *object,
                   const char  *member,
                   JsonArray  **out,
                   GError     **error)
{
  JsonNode *node;

  if (!(node = get_present (object, member, error)))
    return FALSE;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (error, BW_JSON_ERROR, BW_JSON_ERROR_INVALID,
                   _("“%s” must be an array, not %s"),
                   member, bw_json_node_describe (node));
      return FALSE;
    }

  *out = json_node_get_array (node);
  return TRUE;
}

/**
 * bw_json_get_object:
 * @object: an object
 * @member: a member name
 * @out: (out) (transfer none): the object, owned by @object
 * @error: return location for a #GError
 *
 * Reads a required object member.
 *
 * Returns: %TRUE on success
 */
gboolean
bw_json_get_object (JsonObject   *object,
                    const char   *member,
                    JsonObject  **out,
                    GError      **error)
{
  JsonNode *node;

  if (!(node = get_present (object, member, error)))
    return FALSE;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, BW_JSON_ERROR, BW_JSON_ERROR_INVALID,
                   _("“%s” must be an object, not %s"),
                   member, bw_json_node_describe (node));
      return FALSE;
    }

  *out = json_node_get_object (node);
  return TRUE;
}

/**
 * bw_json_get_numbers:
 * @object: an object
 * @member: a member name
 * @min_length: the fewest numbers accepted
 * @max_length: the most numbers accepted; @out holds at least this many
 * @out: (out caller-allocates) (array length=out_length): the numbers
 * @out_length: (out) (optional): how many were read
 * @error: return location for a #GError
 *
 * Reads a required array of finite numbers, such as a COCO `bbox`.
 *
 * Returns: %TRUE on success
 */
gboolean
bw_json_get_numbers (JsonObject  *object,
                     const char  *member,
                     guint        min_length,
                     guint        max_length,
                     double      *out,
                     guint       *out_length,
                     GError     **error)
{
  JsonNode *node;
  JsonArray *array = NULL;
  guint n = 0;
  gboolean ok;

  g_return_val_if_fail (min_length <= max_length, FALSE);

  if (!(node = get_present (object, member, error)))
    return FALSE;

  ok = JSON_NODE_HOLDS_ARRAY (node);
  if (ok)
    {
      array = json_node_get_array (node);
      n = json_array_get_length (array);
      ok = n >= min_length && n <= max_length;
    }

  for (guint i = 0; ok && i < n; i++)
    ok = bw_json_node_get_double (json_array_get_element (array, i), &out[i]);

  if (!ok)
    {
      if (min_length == max_length)
        g_set_error (error, BW_JSON_ERROR, BW_JSON_ERROR_INVALID,
                     g_dngettext (GETTEXT_PACKAGE,
                                  "“%s” must be an array of %u finite number",
                                  "“%s” must be an array of %u finite numbers",
                                  min_length),
                     member, min_length);
      else
        g_set_error (error, BW_JSON_ERROR, BW_JSON_ERROR_INVALID,
                     _("“%s” must be an array of %u to %u finite numbers"),
                     member, min_length, max_length);
      return FALSE;
    }

  if (out_length != NULL)
    *out_length = n;
  return TRUE;
}
