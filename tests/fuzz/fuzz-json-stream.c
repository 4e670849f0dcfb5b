/* fuzz-json-stream.c — the streaming JSON reader on any bytes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Walks every value of the input with the reader's own calls (objects,
 * arrays, numbers read as doubles and as integers, strings, booleans),
 * then again with skip_value(); both must end in success or an error,
 * never a crash, a read outside the buffer, or a leak.
 */

#include "config.h"

#include "bw-json-stream.h"
#include "bw-fuzz.h"

#define MAX_DEPTH 64

static gboolean
walk (BwJsonStream *stream,
      guint         depth)
{
  g_autoptr(GError) error = NULL;
  BwJsonStreamType type;

  if (!bw_json_stream_peek (stream, &type, &error))
    return FALSE;

  switch (type)
    {
    case BW_JSON_STREAM_OBJECT:
      {
        const char *key;

        if (!bw_json_stream_begin_object (stream, &error))
          return FALSE;
        for (;;)
          {
            key = NULL;
            if (!bw_json_stream_next_member (stream, &key, &error))
              return FALSE;
            if (key == NULL)
              return TRUE;
            g_assert_true (g_utf8_validate (key, -1, NULL));
            /* every other member is skipped whole, the rest walked */
            if (depth % 2 == 1 ? !bw_json_stream_skip_value (stream, &error)
                               : !walk (stream, depth + 1))
              return FALSE;
          }
      }

    case BW_JSON_STREAM_ARRAY:
      {
        gboolean more = FALSE;

        if (!bw_json_stream_begin_array (stream, &error))
          return FALSE;
        for (;;)
          {
            if (!bw_json_stream_next_element (stream, &more, &error))
              return FALSE;
            if (!more)
              return TRUE;
            if (!walk (stream, depth + 1))
              return FALSE;
          }
      }

    case BW_JSON_STREAM_NUMBER:
      {
        double number;
        gint64 integer;

        /* as an integer at odd depths, as a double at even ones */
        if (depth % 2 == 1)
          return bw_json_stream_read_int (stream, &integer, &error);
        return bw_json_stream_read_number (stream, &number, &error);
      }

    case BW_JSON_STREAM_STRING:
      {
        const char *text = NULL;

        if (!bw_json_stream_read_string (stream, &text, &error))
          return FALSE;
        g_assert_true (g_utf8_validate (text, -1, NULL));
        return TRUE;
      }

    case BW_JSON_STREAM_BOOLEAN:
      {
        gboolean value;

        return bw_json_stream_read_boolean (stream, &value, &error);
      }

    case BW_JSON_STREAM_NULL:
    default:
      return bw_json_stream_skip_value (stream, &error);
    }
}

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(BwJsonStream) stream = NULL;
  g_autoptr(GError) error = NULL;

  bw_fuzz_init ();

  stream = bw_json_stream_new ((const char *) data, size, "fuzz.json", MAX_DEPTH);
  if (walk (stream, 0))
    bw_json_stream_end (stream, NULL);

  bw_json_stream_rewind (stream);
  if (bw_json_stream_skip_value (stream, &error))
    bw_json_stream_end (stream, NULL);

  return 0;
}
