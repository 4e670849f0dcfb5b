/* bw-json-stream.h — a pull reader for large JSON documents
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * json-glib builds a tree of the whole document. For a COCO file of
 * 1,000,000 annotations (300 MB) that took 23 s and 3.9 GB of memory here
 * before a single annotation was looked at, against an import target of
 * 15 s for the whole job. This reader walks the text one value at a time
 * through a bounded buffer, with the same depth limit as
 * bw_json_load_file(); the importer keeps only what it needs.
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  BW_JSON_STREAM_NULL,
  BW_JSON_STREAM_BOOLEAN,
  BW_JSON_STREAM_NUMBER,
  BW_JSON_STREAM_STRING,
  BW_JSON_STREAM_ARRAY,
  BW_JSON_STREAM_OBJECT,
} BwJsonStreamType;

typedef struct _BwJsonStream BwJsonStream;

BwJsonStream *bw_json_stream_new           (const char        *data,
                                            gsize              length,
                                            const char        *name,
                                            guint              max_depth);
BwJsonStream *bw_json_stream_new_for_file  (GFile             *file,
                                            guint              max_depth,
                                            GError           **error);
void          bw_json_stream_free          (BwJsonStream      *stream);
void          bw_json_stream_rewind        (BwJsonStream      *stream);
goffset       bw_json_stream_get_size      (BwJsonStream      *stream);
gsize         bw_json_stream_get_offset    (BwJsonStream      *stream);

gboolean      bw_json_stream_peek          (BwJsonStream      *stream,
                                            BwJsonStreamType  *type,
                                            GError           **error);
const char   *bw_json_stream_type_describe (BwJsonStreamType   type);

gboolean      bw_json_stream_begin_object  (BwJsonStream      *stream,
                                            GError           **error);
gboolean      bw_json_stream_next_member   (BwJsonStream      *stream,
                                            const char       **key,
                                            GError           **error);
gboolean      bw_json_stream_begin_array   (BwJsonStream      *stream,
                                            GError           **error);
gboolean      bw_json_stream_next_element  (BwJsonStream      *stream,
                                            gboolean          *has_element,
                                            GError           **error);

gboolean      bw_json_stream_read_number   (BwJsonStream      *stream,
                                            double            *out,
                                            GError           **error);
gboolean      bw_json_stream_read_int      (BwJsonStream      *stream,
                                            gint64            *out,
                                            GError           **error);
gboolean      bw_json_stream_read_string   (BwJsonStream      *stream,
                                            const char       **out,
                                            GError           **error);
gboolean      bw_json_stream_read_boolean  (BwJsonStream      *stream,
                                            gboolean          *out,
                                            GError           **error);
gboolean      bw_json_stream_skip_value    (BwJsonStream      *stream,
                                            GError           **error);
gboolean      bw_json_stream_check_value   (BwJsonStream      *stream,
                                            GError           **error);
gboolean      bw_json_stream_end           (BwJsonStream      *stream,
                                            GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BwJsonStream, bw_json_stream_free)

G_END_DECLS
