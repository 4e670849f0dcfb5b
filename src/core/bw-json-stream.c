/* bw-json-stream.c — a pull reader for large JSON documents
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Strict RFC 8259: no comments, no trailing commas, no NaN, control
 * characters only escaped, strings valid UTF-8 (lone surrogates refused).
 * Syntax errors say where (line and column); the caller says which file.
 */

#define G_LOG_DOMAIN "bw-json"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gi18n.h>
#include <inttypes.h>
#include <glib/gstdio.h>
#include <math.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "bw-json.h"
#include "bw-json-stream.h"
#include "bw-text.h"

/* The reader keeps a window of the document in memory. Bytes before the
 * token being read are dropped when the window is refilled, so memory stays
 * bounded by the buffer size, whatever the size of the file. A file is read,
 * not mapped: a mapped file that shrinks while it is read kills the process
 * with SIGBUS on the first page past its new end. */
#define BUFFER_SIZE   ((gsize) 1 << 20)
/* Only numbers and literals are kept whole in the window (strings are
 * copied out as they are read); no real number is this long. */
#define MAX_TOKEN     ((gsize) 16 << 20)

struct _BwJsonStream
{
  const char   *pos;
  const char   *end;
  char         *buf;            /* the window: the caller's data, or ours */
  gsize         buf_size;
  guint64       buf_offset;     /* offset in the document of buf[0] */
  GFile        *file;           /* NULL for data in memory */
  int           fd;               /* -1 for data in memory */
  goffset       file_size;      /* as it was when opened */
  guint64       read_total;
  gboolean      eof;
  GError       *read_error;     /* why the bytes stopped, if not the end */
  guint         max_depth;
  guint         depth;
  guint8       *first;            /* per open container: no element read yet */
  guint8       *is_object;        /* per open container: an object, not an array */
  GString      *key;
  GString      *string;
};

static BwJsonStream *
stream_new (guint max_depth)
{
  BwJsonStream *stream = g_new0 (BwJsonStream, 1);

  stream->fd = -1;
  stream->max_depth = max_depth ? max_depth : BW_JSON_DEFAULT_MAX_DEPTH;
  stream->first = g_new0 (guint8, stream->max_depth + 1);
  stream->is_object = g_new0 (guint8, stream->max_depth + 1);
  stream->key = g_string_sized_new (64);
  stream->string = g_string_sized_new (256);
  return stream;
}

/**
 * bw_json_stream_new:
 * @data: the whole document, which must outlive the stream
 *
 * Reads a document that is already in memory.
 */
BwJsonStream *
bw_json_stream_new (const char *data,
                    gsize       length,
                    const char *name,
                    guint       max_depth)
{
  BwJsonStream *stream = stream_new (max_depth);

  stream->buf = (char *) data;
  stream->buf_size = length;
  stream->pos = data;
  stream->end = data + length;
  stream->eof = TRUE;
  return stream;
}

/**
 * bw_json_stream_new_for_file:
 * @file: a local regular file
 * @max_depth: the deepest nesting allowed, 0 for the default
 * @error: return location for a #GError
 *
 * Reads @file through a bounded buffer. A file that changes size while it
 * is read is an error (%BW_JSON_ERROR_CHANGED) reported by the read that
 * notices it, as is a failure to read (a %G_IO_ERROR). Messages do not
 * name the file: the caller does.
 *
 * Returns: (transfer full): the stream, or %NULL when the file cannot be
 *   opened or is not a regular file
 */
BwJsonStream *
bw_json_stream_new_for_file (GFile   *file,
                             guint    max_depth,
                             GError **error)
{
  BwJsonStream *stream;
  const char *path;
  struct stat st;
  int fd;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  if ((path = g_file_peek_path (file)) == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("only local files can be read"));
      return NULL;
    }

  /* Not blocking: opening a FIFO would wait for a writer. */
  fd = g_open (path, O_RDONLY | O_NONBLOCK | O_CLOEXEC, 0);
  if (fd < 0 || fstat (fd, &st) != 0)
    {
      int saved_errno = errno;

      if (fd >= 0)
        close (fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("cannot read the file: %s"), g_strerror (saved_errno));
      return NULL;
    }

  /* A FIFO or a device has no size to check against, and may never end. */
  if (!S_ISREG (st.st_mode))
    {
      close (fd);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE,
                   _("not a regular file"));
      return NULL;
    }

  stream = stream_new (max_depth);
  stream->file = g_object_ref (file);
  stream->fd = fd;
  stream->file_size = st.st_size;
  stream->buf_size = BUFFER_SIZE;
  stream->buf = g_malloc (stream->buf_size);
  stream->pos = stream->end = stream->buf;
  return stream;
}

void
bw_json_stream_free (BwJsonStream *stream)
{
  if (stream == NULL)
    return;
  if (stream->file != NULL)
    {
      g_free (stream->buf);
      g_object_unref (stream->file);
    }
  if (stream->fd >= 0)
    close (stream->fd);
  g_clear_error (&stream->read_error);
  g_free (stream->first);
  g_free (stream->is_object);
  g_string_free (stream->key, TRUE);
  g_string_free (stream->string, TRUE);
  g_free (stream);
}

static gboolean
stop_reading (BwJsonStream *stream,
              GError       *error)
{
  stream->eof = TRUE;
  if (stream->read_error == NULL)
    stream->read_error = error;
  else
    g_error_free (error);
  return FALSE;
}

static gboolean
changed_while_read (BwJsonStream *stream)
{
  g_autofree char *before = g_strdup_printf ("%" G_GOFFSET_FORMAT, stream->file_size);
  g_autofree char *now = g_strdup_printf ("%" G_GUINT64_FORMAT, stream->read_total);

  return stop_reading (stream,
                       g_error_new (BW_JSON_ERROR, BW_JSON_ERROR_CHANGED,
                                    _("the file changed while it was being read (it had %s bytes, %s were read); try again when nothing else is writing to it"),
                                    before, now));
}

/* Makes @n bytes readable from stream->pos, unless the document ends
 * first; everything from stream->pos on is kept, and moves to the start
 * of the buffer. Pointers into the buffer are stale afterwards: callers
 * hold offsets from stream->pos across a refill. */
static gboolean
refill (BwJsonStream *stream,
        gsize         n)
{
  gsize keep;

  if ((gsize) (stream->end - stream->pos) >= n)
    return TRUE;
  if (stream->eof)
    return FALSE;

  keep = stream->end - stream->pos;
  if (stream->pos != stream->buf)
    {
      memmove (stream->buf, stream->pos, keep);
      stream->buf_offset += stream->pos - stream->buf;
      stream->pos = stream->buf;
      stream->end = stream->buf + keep;
    }

  if (n > stream->buf_size)
    {
      if (n > MAX_TOKEN)
        return stop_reading (stream,
                             g_error_new (BW_JSON_ERROR, BW_JSON_ERROR_TOO_BIG,
                                          _("a value at byte %" PRIu64 " is longer than %u MB"),
                                          stream->buf_offset, (guint) (MAX_TOKEN >> 20)));
      stream->buf_size = MIN (MAX (n, stream->buf_size * 2), MAX_TOKEN);
      stream->buf = g_realloc (stream->buf, stream->buf_size);
      stream->pos = stream->buf;
      stream->end = stream->buf + keep;
    }

  while ((gsize) (stream->end - stream->pos) < n)
    {
      gssize got = read (stream->fd, (char *) stream->end,
                         stream->buf + stream->buf_size - stream->end);

      if (got < 0 && errno == EINTR)
        continue;
      if (got < 0)
        {
          int saved_errno = errno;

          return stop_reading (stream,
                               g_error_new (G_IO_ERROR, g_io_error_from_errno (saved_errno),
                                            _("cannot read the file: %s"), g_strerror (saved_errno)));
        }
      if (got == 0)
        {
          stream->eof = TRUE;
          if (stream->read_total != (guint64) stream->file_size)
            return changed_while_read (stream);
          return FALSE;
        }

      stream->read_total += got;
      if (stream->read_total > (guint64) stream->file_size)
        return changed_while_read (stream);
      stream->end += got;
    }

  return TRUE;
}

/* Whether the byte at *p can be read; *p is kept pointing at the same
 * byte of the document if the buffer moves. */
static inline gboolean
more (BwJsonStream  *stream,
      const char   **p)
{
  gsize offset;
  gboolean ok;

  if (G_LIKELY (*p < stream->end))
    return TRUE;

  offset = *p - stream->pos;
  ok = refill (stream, offset + 1);
  *p = stream->pos + offset;
  return ok;
}

/**
 * bw_json_stream_rewind:
 *
 * Goes back to the start of the document, to read it again. A file is
 * read again from the disk, and must still be the same size.
 */
void
bw_json_stream_rewind (BwJsonStream *stream)
{
  stream->depth = 0;

  if (stream->file == NULL)
    {
      stream->pos = stream->buf;
      return;
    }

  if (stream->read_error != NULL)
    return;

  stream->pos = stream->end = stream->buf;
  stream->buf_offset = 0;
  stream->read_total = 0;
  stream->eof = FALSE;
  if (lseek (stream->fd, 0, SEEK_SET) != 0)
    {
      int saved_errno = errno;

      stop_reading (stream,
                    g_error_new (G_IO_ERROR, g_io_error_from_errno (saved_errno),
                                 _("cannot read the file: %s"), g_strerror (saved_errno)));
    }
}

/**
 * bw_json_stream_get_offset:
 *
 * Returns: how many bytes have been read
 */
gsize
bw_json_stream_get_offset (BwJsonStream *stream)
{
  return stream->buf_offset + (stream->pos - stream->buf);
}

/**
 * bw_json_stream_get_size:
 *
 * Returns: the size of the document in bytes (of a file, as it was when
 *   the stream was made)
 */
goffset
bw_json_stream_get_size (BwJsonStream *stream)
{
  return stream->file != NULL ? stream->file_size : (goffset) stream->buf_size;
}

/* Counts lines and columns up to @offset, for a message. */
static void
locate (BwJsonStream *stream,
        guint64       offset,
        guint        *line,
        guint        *column)
{
  *line = 1;
  *column = 1;

  if (stream->file == NULL)
    {
      for (const char *p = stream->buf; p < stream->buf + MIN (offset, stream->buf_size); p++)
        {
          if (*p == '\n')
            {
              (*line)++;
              *column = 1;
            }
          else if (((guchar) *p & 0xc0) != 0x80)
            (*column)++;
        }
      return;
    }

  /* Only on failure: counting lines as we go would cost every read. The
   * file is read again from its start. */
  {
    g_autofree char *chunk = g_malloc (64 * 1024);
    guint64 done = 0;

    while (done < offset)
      {
        gssize got = pread (stream->fd, chunk, MIN (64 * 1024, offset - done), done);

        if (got < 0 && errno == EINTR)
          continue;
        if (got <= 0)
          break;
        for (gssize i = 0; i < got; i++)
          {
            if (chunk[i] == '\n')
              {
                (*line)++;
                *column = 1;
              }
            else if (((guchar) chunk[i] & 0xc0) != 0x80)
              (*column)++;
          }
        done += got;
      }
  }
}

static gboolean G_GNUC_PRINTF (3, 4)
syntax_error (BwJsonStream  *stream,
              GError       **error,
              const char    *format,
              ...)
{
  g_autofree char *what = NULL;
  guint line, column;
  gboolean at_end;
  va_list args;

  at_end = stream->pos >= stream->end && !refill (stream, 1);

  /* What looks like a syntax error because the bytes stopped coming is
   * reported as the reason they stopped. */
  if (stream->read_error != NULL)
    {
      g_propagate_error (error, g_error_copy (stream->read_error));
      return FALSE;
    }

  locate (stream, bw_json_stream_get_offset (stream), &line, &column);

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);

  if (at_end)
    g_set_error (error, BW_JSON_ERROR, BW_JSON_ERROR_SYNTAX,
                 _("not valid JSON: the file ends too soon (line %u): %s"), line, what);
  else
    g_set_error (error, BW_JSON_ERROR, BW_JSON_ERROR_SYNTAX,
                 _("not valid JSON at line %u, column %u: %s"), line, column, what);
  return FALSE;
}

static inline void
skip_ws (BwJsonStream *stream)
{
  const char *p = stream->pos;

  for (;;)
    {
      while (p < stream->end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
        p++;
      stream->pos = p;
      if (p < stream->end || !refill (stream, 1))
        return;
      p = stream->pos;
    }
}

const char *
bw_json_stream_type_describe (BwJsonStreamType type)
{
  switch (type)
    {
    case BW_JSON_STREAM_NULL:
      return _("null");
    case BW_JSON_STREAM_BOOLEAN:
      return _("a boolean");
    case BW_JSON_STREAM_NUMBER:
      return _("a number");
    case BW_JSON_STREAM_STRING:
      return _("a string");
    case BW_JSON_STREAM_ARRAY:
      return _("an array");
    case BW_JSON_STREAM_OBJECT:
      return _("an object");
    default:
      return _("a value");
    }
}

/**
 * bw_json_stream_peek:
 *
 * Tells the type of the next value without reading it.
 */
gboolean
bw_json_stream_peek (BwJsonStream      *stream,
                     BwJsonStreamType  *type,
                     GError           **error)
{
  skip_ws (stream);
  if (stream->pos >= stream->end)
    return syntax_error (stream, error, _("a value was expected"));

  switch (*stream->pos)
    {
    case '{':
      *type = BW_JSON_STREAM_OBJECT;
      return TRUE;
    case '[':
      *type = BW_JSON_STREAM_ARRAY;
      return TRUE;
    case '"':
      *type = BW_JSON_STREAM_STRING;
      return TRUE;
    case 't':
    case 'f':
      *type = BW_JSON_STREAM_BOOLEAN;
      return TRUE;
    case 'n':
      *type = BW_JSON_STREAM_NULL;
      return TRUE;
    case '-':
    case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
      *type = BW_JSON_STREAM_NUMBER;
      return TRUE;
    default:
      return syntax_error (stream, error, _("“%c” cannot start a value"),
                           g_ascii_isprint (*stream->pos) ? *stream->pos : '?');
    }
}

static gboolean
type_error (BwJsonStream      *stream,
            const char        *expected,
            GError           **error)
{
  BwJsonStreamType type;

  if (!bw_json_stream_peek (stream, &type, error))
    return FALSE;
  g_set_error (error, BW_JSON_ERROR, BW_JSON_ERROR_INVALID,
               _("%s was expected, not %s"), expected, bw_json_stream_type_describe (type));
  return FALSE;
}

static gboolean
push (BwJsonStream  *stream,
      GError       **error)
{
  if (stream->depth >= stream->max_depth)
    {
      g_set_error (error, BW_JSON_ERROR, BW_JSON_ERROR_TOO_DEEP,
                   _("arrays and objects nest deeper than %u levels (at byte %zu)"),
                   stream->max_depth, bw_json_stream_get_offset (stream));
      return FALSE;
    }
  stream->depth++;
  stream->first[stream->depth] = TRUE;
  stream->is_object[stream->depth] = *stream->pos == '{';
  stream->pos++;
  return TRUE;
}

gboolean
bw_json_stream_begin_object (BwJsonStream  *stream,
                             GError       **error)
{
  skip_ws (stream);
  if (stream->pos >= stream->end || *stream->pos != '{')
    return type_error (stream, _("an object"), error);
  return push (stream, error);
}

gboolean
bw_json_stream_begin_array (BwJsonStream  *stream,
                            GError       **error)
{
  skip_ws (stream);
  if (stream->pos >= stream->end || *stream->pos != '[')
    return type_error (stream, _("an array"), error);
  return push (stream, error);
}

static gboolean
append_utf8 (GString *out,
             gunichar c)
{
  char buf[6];
  int n = g_unichar_to_utf8 (c, buf);

  g_string_append_len (out, buf, n);
  return TRUE;
}

static int
hex4 (const char *p)
{
  int v = 0;

  for (int i = 0; i < 4; i++)
    {
      int d = g_ascii_xdigit_value (p[i]);

      if (d < 0)
        return -1;
      v = v * 16 + d;
    }
  return v;
}

/* Reads a string literal into @out; the stream is at its opening quote. */
static gboolean
scan_string (BwJsonStream  *stream,
             GString       *out,
             GError       **error)
{
  const char *p = stream->pos + 1;
  const char *run = p;

  g_string_truncate (out, 0);

  for (;;)
    {
      guchar c;

      if (p >= stream->end)
        {
          /* The window ends inside the string: keep what was read of it
           * and read on, so a long string does not grow the window. */
          g_string_append_len (out, run, p - run);
          stream->pos = p;
          if (!refill (stream, 1))
            return syntax_error (stream, error, _("a string is not closed"));
          p = run = stream->pos;
        }

      c = (guchar) *p;
      if (c == '"')
        break;

      if (c < 0x20)
        {
          stream->pos = p;
          return syntax_error (stream, error, _("a control character in a string must be escaped"));
        }

      if (c != '\\')
        {
          p++;
          continue;
        }

      g_string_append_len (out, run, p - run);
      /* An escape is read whole: up to 12 bytes for a surrogate pair. */
      if (stream->end - p < 12)
        {
          stream->pos = p;
          refill (stream, 12);
          p = stream->pos;
        }
      if (p + 1 >= stream->end)
        {
          stream->pos = p + 1;
          return syntax_error (stream, error, _("a string is not closed"));
        }

      switch (p[1])
        {
        case '"': g_string_append_c (out, '"'); p += 2; break;
        case '\\': g_string_append_c (out, '\\'); p += 2; break;
        case '/': g_string_append_c (out, '/'); p += 2; break;
        case 'b': g_string_append_c (out, '\b'); p += 2; break;
        case 'f': g_string_append_c (out, '\f'); p += 2; break;
        case 'n': g_string_append_c (out, '\n'); p += 2; break;
        case 'r': g_string_append_c (out, '\r'); p += 2; break;
        case 't': g_string_append_c (out, '\t'); p += 2; break;
        case 'u':
          {
            int u = stream->end - p >= 6 ? hex4 (p + 2) : -1;

            if (u < 0)
              {
                stream->pos = p;
                return syntax_error (stream, error, _("“\\u” must be followed by 4 hexadecimal digits"));
              }
            p += 6;
            if (u >= 0xd800 && u < 0xdc00)
              {
                int low = (stream->end - p >= 6 && p[0] == '\\' && p[1] == 'u') ? hex4 (p + 2) : -1;

                if (low < 0xdc00 || low >= 0xe000)
                  {
                    stream->pos = p;
                    return syntax_error (stream, error, _("a lone UTF-16 surrogate in a string"));
                  }
                p += 6;
                u = 0x10000 + ((u - 0xd800) << 10) + (low - 0xdc00);
              }
            else if (u >= 0xdc00 && u < 0xe000)
              {
                stream->pos = p;
                return syntax_error (stream, error, _("a lone UTF-16 surrogate in a string"));
              }
            if (u == 0)
              {
                stream->pos = p;
                return syntax_error (stream, error, _("a string holds a NUL character"));
              }
            append_utf8 (out, (gunichar) u);
          }
          break;
        default:
          stream->pos = p;
          return syntax_error (stream, error, _("“\\%c” is not an escape"),
                               g_ascii_isprint (p[1]) ? p[1] : '?');
        }
      run = p;
    }

  g_string_append_len (out, run, p - run);
  if (!g_utf8_validate_len (out->str, out->len, NULL))
    return syntax_error (stream, error, _("a string is not valid UTF-8"));

  stream->pos = p + 1;
  return TRUE;
}

/* After a value: the container's next separator is read by the next
 * next_member() or next_element() call. */

/**
 * bw_json_stream_next_member:
 * @key: (out): the member's name, valid until the next call, or %NULL at
 *   the end of the object
 *
 * Moves to the next member of the current object, whose value is then the
 * next value of the stream.
 */
gboolean
bw_json_stream_next_member (BwJsonStream  *stream,
                            const char   **key,
                            GError       **error)
{
  g_assert (stream->depth > 0);

  skip_ws (stream);
  if (stream->pos >= stream->end)
    return syntax_error (stream, error, _("“,” or “}” was expected"));

  if (*stream->pos == '}')
    {
      stream->pos++;
      stream->depth--;
      *key = NULL;
      return TRUE;
    }

  if (!stream->first[stream->depth])
    {
      if (*stream->pos != ',')
        return syntax_error (stream, error, _("“,” or “}” was expected"));
      stream->pos++;
      skip_ws (stream);
    }
  stream->first[stream->depth] = FALSE;

  if (stream->pos >= stream->end || *stream->pos != '"')
    return syntax_error (stream, error, _("a member name in quotes was expected"));
  if (!scan_string (stream, stream->key, error))
    return FALSE;

  skip_ws (stream);
  if (stream->pos >= stream->end || *stream->pos != ':')
    return syntax_error (stream, error, _("“:” was expected after a member name"));
  stream->pos++;

  *key = stream->key->str;
  return TRUE;
}

/**
 * bw_json_stream_next_element:
 * @has_element: (out): %FALSE at the end of the array
 *
 * Moves to the next element of the current array.
 */
gboolean
bw_json_stream_next_element (BwJsonStream  *stream,
                             gboolean      *has_element,
                             GError       **error)
{
  g_assert (stream->depth > 0);

  skip_ws (stream);
  if (stream->pos >= stream->end)
    return syntax_error (stream, error, _("“,” or “]” was expected"));

  if (*stream->pos == ']')
    {
      stream->pos++;
      stream->depth--;
      *has_element = FALSE;
      return TRUE;
    }

  if (!stream->first[stream->depth])
    {
      if (*stream->pos != ',')
        return syntax_error (stream, error, _("“,” or “]” was expected"));
      stream->pos++;
    }
  else
    {
      /* "[," is not an empty array. */
      if (*stream->pos == ',')
        return syntax_error (stream, error, _("a value was expected"));
    }
  stream->first[stream->depth] = FALSE;
  *has_element = TRUE;
  return TRUE;
}

static const double powers_of_ten[] = {
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
  1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

/* Scans a number token. Sets *is_integer when it has no fraction and no
 * exponent and fits in gint64, with the value in *integer. */
static gboolean
scan_number (BwJsonStream  *stream,
             double        *out,
             gboolean      *is_integer,
             gint64        *integer,
             GError       **error)
{
  const char *p = stream->pos;
  guint64 mantissa = 0;
  int digits = 0;               /* significant digits in mantissa */
  int exp10 = 0;
  gboolean negative = FALSE, exact = TRUE, has_frac = FALSE, has_exp = FALSE;

  if (more (stream, &p) && *p == '-')
    {
      negative = TRUE;
      p++;
    }

  if (!more (stream, &p) || !g_ascii_isdigit (*p))
    {
      stream->pos = p;
      return syntax_error (stream, error, _("a digit was expected in a number"));
    }

  if (*p == '0')
    {
      p++;
      if (more (stream, &p) && g_ascii_isdigit (*p))
        {
          stream->pos = p;
          return syntax_error (stream, error, _("a number cannot start with 0"));
        }
    }
  else
    {
      while (more (stream, &p) && g_ascii_isdigit (*p))
        {
          if (digits < 19)
            {
              mantissa = mantissa * 10 + (guint64) (*p - '0');
              if (mantissa != 0)
                digits++;
            }
          else
            {
              exp10++;
              exact = FALSE;
            }
          p++;
        }
    }

  if (more (stream, &p) && *p == '.')
    {
      has_frac = TRUE;
      p++;
      if (!more (stream, &p) || !g_ascii_isdigit (*p))
        {
          stream->pos = p;
          return syntax_error (stream, error, _("a digit was expected after “.”"));
        }
      while (more (stream, &p) && g_ascii_isdigit (*p))
        {
          if (digits < 19)
            {
              mantissa = mantissa * 10 + (guint64) (*p - '0');
              if (mantissa != 0)
                digits++;
              exp10--;
            }
          else if (*p != '0')
            exact = FALSE;
          p++;
        }
    }

  if (more (stream, &p) && (*p == 'e' || *p == 'E'))
    {
      int e = 0;
      gboolean eneg = FALSE;

      has_exp = TRUE;
      p++;
      if (more (stream, &p) && (*p == '+' || *p == '-'))
        eneg = *p++ == '-';
      if (!more (stream, &p) || !g_ascii_isdigit (*p))
        {
          stream->pos = p;
          return syntax_error (stream, error, _("a digit was expected in an exponent"));
        }
      while (more (stream, &p) && g_ascii_isdigit (*p))
        {
          if (e < 100000)
            e = e * 10 + (*p - '0');
          p++;
        }
      exp10 += eneg ? -e : e;
    }

  *is_integer = FALSE;
  if (!has_frac && !has_exp && exact && mantissa <= (guint64) G_MAXINT64)
    {
      *is_integer = TRUE;
      *integer = negative ? -(gint64) mantissa : (gint64) mantissa;
    }

  /* Exact fast path: both operands are exact doubles and IEEE division
   * and multiplication round correctly. */
  if (exact && mantissa < ((guint64) 1 << 53) && exp10 >= -22 && exp10 <= 22)
    {
      double v = (double) mantissa;

      v = exp10 < 0 ? v / powers_of_ten[-exp10] : v * powers_of_ten[exp10];
      *out = negative ? -v : v;
      stream->pos = p;
      return TRUE;
    }

  {
    char buf[64];
    g_autofree char *copy = NULL;
    const char *text;
    const char *start = stream->pos;
    gsize len = p - start;

    if (len < sizeof buf)
      {
        memcpy (buf, start, len);
        buf[len] = '\0';
        text = buf;
      }
    else
      text = copy = g_strndup (start, len);

    *out = g_ascii_strtod (text, NULL);
  }
  stream->pos = p;
  return TRUE;
}

static gboolean
number_follows (BwJsonStream *stream)
{
  skip_ws (stream);
  return stream->pos < stream->end &&
         (*stream->pos == '-' || g_ascii_isdigit (*stream->pos));
}

/**
 * bw_json_stream_read_number:
 * @out: (out): a finite number
 *
 * Fails with %BW_JSON_ERROR_INVALID when the next value is not a number,
 * or is too large to be finite (1e999).
 */
gboolean
bw_json_stream_read_number (BwJsonStream  *stream,
                            double        *out,
                            GError       **error)
{
  gboolean is_integer;
  gint64 integer;
  double v;

  if (!number_follows (stream))
    return type_error (stream, _("a number"), error);
  if (!scan_number (stream, &v, &is_integer, &integer, error))
    return FALSE;
  if (!isfinite (v))
    {
      g_set_error (error, BW_JSON_ERROR, BW_JSON_ERROR_INVALID,
                   _("a finite number was expected, not one too large to hold"));
      return FALSE;
    }
  *out = v;
  return TRUE;
}

/**
 * bw_json_stream_read_int:
 * @out: (out): an integer (3.0 counts as 3)
 */
gboolean
bw_json_stream_read_int (BwJsonStream  *stream,
                         gint64        *out,
                         GError       **error)
{
  gboolean is_integer;
  gint64 integer;
  double v;

  if (!number_follows (stream))
    return type_error (stream, _("an integer"), error);
  if (!scan_number (stream, &v, &is_integer, &integer, error))
    return FALSE;
  if (is_integer)
    {
      *out = integer;
      return TRUE;
    }
  if (isfinite (v) && v == floor (v) && v >= -9223372036854775808.0 && v < 9223372036854775808.0)
    {
      *out = (gint64) v;
      return TRUE;
    }

  g_set_error (error, BW_JSON_ERROR, BW_JSON_ERROR_INVALID,
               _("an integer was expected, not a number with a fraction or out of range"));
  return FALSE;
}

/**
 * bw_json_stream_read_string:
 * @out: (out): the string, valid until the next string is read
 */
gboolean
bw_json_stream_read_string (BwJsonStream  *stream,
                            const char   **out,
                            GError       **error)
{
  skip_ws (stream);
  if (stream->pos >= stream->end || *stream->pos != '"')
    return type_error (stream, _("a string"), error);
  if (!scan_string (stream, stream->string, error))
    return FALSE;
  *out = stream->string->str;
  return TRUE;
}

static gboolean
scan_literal (BwJsonStream  *stream,
              const char    *word,
              GError       **error)
{
  gsize len = strlen (word);

  if (!refill (stream, len) || memcmp (stream->pos, word, len) != 0)
    return syntax_error (stream, error, _("“%s” was expected"), word);
  stream->pos += len;
  return TRUE;
}

gboolean
bw_json_stream_read_boolean (BwJsonStream  *stream,
                             gboolean      *out,
                             GError       **error)
{
  skip_ws (stream);
  if (stream->pos < stream->end && *stream->pos == 't')
    {
      *out = TRUE;
      return scan_literal (stream, "true", error);
    }
  if (stream->pos < stream->end && *stream->pos == 'f')
    {
      *out = FALSE;
      return scan_literal (stream, "false", error);
    }
  return type_error (stream, _("true or false"), error);
}

/**
 * bw_json_stream_skip_value:
 *
 * Reads the next value, checking its syntax, and drops it.
 */
gboolean
bw_json_stream_skip_value (BwJsonStream  *stream,
                           GError       **error)
{
  guint base = stream->depth;
  BwJsonStreamType type;

  do
    {
      if (stream->depth > base)
        {
          /* Inside a container being skipped: the next member or
           * element, or its end. */
          gboolean more = TRUE;
          const char *key = NULL;

          if (stream->is_object[stream->depth])
            {
              if (!bw_json_stream_next_member (stream, &key, error))
                return FALSE;
              more = key != NULL;
            }
          else if (!bw_json_stream_next_element (stream, &more, error))
            return FALSE;

          if (!more)
            continue;
        }

      if (!bw_json_stream_peek (stream, &type, error))
        return FALSE;

      switch (type)
        {
        case BW_JSON_STREAM_OBJECT:
          if (!push (stream, error))
            return FALSE;
          break;
        case BW_JSON_STREAM_ARRAY:
          if (!push (stream, error))
            return FALSE;
          break;
        case BW_JSON_STREAM_STRING:
          if (!scan_string (stream, stream->string, error))
            return FALSE;
          break;
        case BW_JSON_STREAM_NUMBER:
          {
            gboolean is_integer;
            gint64 integer;
            double v;

            if (!scan_number (stream, &v, &is_integer, &integer, error))
              return FALSE;
          }
          break;
        case BW_JSON_STREAM_BOOLEAN:
          if (!scan_literal (stream, *stream->pos == 't' ? "true" : "false", error))
            return FALSE;
          break;
        case BW_JSON_STREAM_NULL:
          if (!scan_literal (stream, "null", error))
            return FALSE;
          break;
        default:
          g_assert_not_reached ();
        }
    }
  while (stream->depth > base);

  return TRUE;
}

/**
 * bw_json_stream_check_value:
 *
 * Reads the next value like bw_json_stream_skip_value(), and also refuses
 * an object that names a member twice: readers disagree on which of the
 * two counts (json-glib keeps the last), so such a file means different
 * things to different programs.
 */
gboolean
bw_json_stream_check_value (BwJsonStream  *stream,
                            GError       **error)
{
  g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func ((GDestroyNotify) g_hash_table_unref);
  guint base = stream->depth;
  BwJsonStreamType type;

  do
    {
      if (stream->depth > base)
        {
          gboolean more = TRUE;
          const char *key = NULL;

          if (stream->is_object[stream->depth])
            {
              GHashTable *keys = g_ptr_array_index (seen, stream->depth - base - 1);
              guint64 at = bw_json_stream_get_offset (stream);

              if (!bw_json_stream_next_member (stream, &key, error))
                return FALSE;
              more = key != NULL;
              if (more && !g_hash_table_add (keys, g_strdup (key)))
                {
                  g_autofree char *shown = bw_text_for_message (key, -1, 0);

                  g_set_error (error, BW_JSON_ERROR, BW_JSON_ERROR_INVALID,
                               _("the member “%s” appears twice in one object (at byte %" PRIu64 ")"),
                               shown, at);
                  return FALSE;
                }
            }
          else if (!bw_json_stream_next_element (stream, &more, error))
            return FALSE;

          if (!more)
            continue;
        }

      if (!bw_json_stream_peek (stream, &type, error))
        return FALSE;

      switch (type)
        {
        case BW_JSON_STREAM_OBJECT:
        case BW_JSON_STREAM_ARRAY:
          if (!push (stream, error))
            return FALSE;
          {
            guint level = stream->depth - base - 1;

            if (level >= seen->len)
              g_ptr_array_add (seen, g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL));
            else
              g_hash_table_remove_all (g_ptr_array_index (seen, level));
          }
          break;
        case BW_JSON_STREAM_STRING:
          if (!scan_string (stream, stream->string, error))
            return FALSE;
          break;
        case BW_JSON_STREAM_NUMBER:
          {
            gboolean is_integer;
            gint64 integer;
            double v;

            if (!scan_number (stream, &v, &is_integer, &integer, error))
              return FALSE;
          }
          break;
        case BW_JSON_STREAM_BOOLEAN:
          if (!scan_literal (stream, *stream->pos == 't' ? "true" : "false", error))
            return FALSE;
          break;
        case BW_JSON_STREAM_NULL:
          if (!scan_literal (stream, "null", error))
            return FALSE;
          break;
        default:
          g_assert_not_reached ();
        }
    }
  while (stream->depth > base);

  return TRUE;
}

/**
 * bw_json_stream_end:
 *
 * Checks that nothing but whitespace follows the document.
 */
gboolean
bw_json_stream_end (BwJsonStream  *stream,
                    GError       **error)
{
  skip_ws (stream);
  if (stream->pos != stream->end)
    return syntax_error (stream, error, _("nothing may follow the end of the document"));
  /* The end of what was read may not be the end of the file. */
  if (stream->read_error != NULL)
    {
      g_propagate_error (error, g_error_copy (stream->read_error));
      return FALSE;
    }
  return TRUE;
}
