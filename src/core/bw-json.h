/* bw-json.h — bounded loading of untrusted JSON, and typed getters
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * JSON files come from other people. bw_json_load_file() refuses a file
 * that is bigger or nested deeper than a limit before json-glib sees it
 * (json-glib 1.6 has no depth limit of its own and recurses once per
 * level), and the getters turn a wrong type, a missing member or an
 * out-of-range number into a message that says which member and what was
 * expected. Importers prefix those messages with the file and the place:
 *
 *   if (!bw_json_get_int (obj, "id", 1, G_MAXINT64, &id, error))
 *     {
 *       bw_json_prefix_error (error, file, _("annotation %u"), index);
 *       return FALSE;
 *     }
 *
 * which reads: instances.json: annotation 17: “id” must be an integer
 * from 1 to 9223372036854775807.
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define BW_JSON_ERROR (bw_json_error_quark ())

typedef enum
{
  BW_JSON_ERROR_TOO_BIG,        /* file over the size limit */
  BW_JSON_ERROR_TOO_DEEP,       /* nesting over the depth limit */
  BW_JSON_ERROR_SYNTAX,         /* not JSON, or truncated */
  BW_JSON_ERROR_INVALID,        /* JSON, but a member is missing or wrong */
  BW_JSON_ERROR_CHANGED,        /* the file changed size while it was read */
} BwJsonError;

#define BW_JSON_DEFAULT_MAX_BYTES ((goffset) 1 << 30)   /* 1 GiB */
#define BW_JSON_DEFAULT_MAX_DEPTH 64

/**
 * BwJsonLimits:
 * @max_bytes: the largest file accepted, in bytes; 0 for the default
 * @max_depth: the deepest nesting of arrays and objects accepted (the
 *   top-level value is depth 1); 0 for the default
 */
typedef struct
{
  goffset max_bytes;
  guint   max_depth;
} BwJsonLimits;

GQuark      bw_json_error_quark      (void);

JsonNode   *bw_json_load_file        (GFile              *file,
                                      const BwJsonLimits *limits,
                                      GError            **error);
JsonNode   *bw_json_load_data        (const char         *data,
                                      gsize               length,
                                      const char         *name,
                                      const BwJsonLimits *limits,
                                      GError            **error);
gboolean    bw_json_check_depth      (const char         *data,
                                      gsize               length,
                                      guint               max_depth,
                                      GError            **error);

void        bw_json_prefix_error     (GError            **error,
                                      GFile              *file,
                                      const char         *format,
                                      ...) G_GNUC_PRINTF (3, 4);

const char *bw_json_node_describe    (JsonNode           *node);

gboolean    bw_json_has_member       (JsonObject         *object,
                                      const char         *member);
gboolean    bw_json_get_int          (JsonObject         *object,
                                      const char         *member,
                                      gint64              min,
                                      gint64              max,
                                      gint64             *out,
                                      GError            **error);
gboolean    bw_json_get_double       (JsonObject         *object,
                                      const char         *member,
                                      double              min,
                                      double              max,
                                      double             *out,
                                      GError            **error);
gboolean    bw_json_get_string       (JsonObject         *object,
                                      const char         *member,
                                      gboolean            allow_empty,
                                      const char        **out,
                                      GError            **error);
gboolean    bw_json_get_bool         (JsonObject         *object,
                                      const char         *member,
                                      gboolean           *out,
                                      GError            **error);
gboolean    bw_json_get_array        (JsonObject         *object,
                                      const char         *member,
                                      JsonArray         **out,
                                      GError            **error);
gboolean    bw_json_get_object       (JsonObject         *object,
                                      const char         *member,
                                      JsonObject        **out,
                                      GError            **error);
gboolean    bw_json_get_numbers      (JsonObject         *object,
                                      const char         *member,
                                      guint               min_length,
                                      guint               max_length,
                                      double             *out,
                                      guint              *out_length,
                                      GError            **error);

gboolean    bw_json_node_get_double  (JsonNode           *node,
                                      double             *out);
gboolean    bw_json_node_get_int     (JsonNode           *node,
                                      gint64             *out);

G_END_DECLS
