/* bw-text.c — untrusted text, made safe to show in a message
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bw-text"

#include "config.h"

#include <string.h>

#include "bw-text.h"

/**
 * bw_text_for_message:
 * @text: (nullable): a name or a path from a file, in any encoding
 * @length: its length in bytes, or -1 when it ends with a NUL
 * @max_chars: the most characters to keep, 0 for
 *   %BW_TEXT_MESSAGE_MAX_CHARS
 *
 * Makes @text fit in a one-line message: control characters and bytes
 * that are not UTF-8 are written as escapes (`\n`, `\t`, `\x1b`), and
 * text longer than @max_chars is cut in the middle with “…”, so the start
 * and the end (a file's extension) both stay. GLib's
 * g_filename_display_name() replaces bad bytes with U+FFFD, which hides
 * which bytes they were, and keeps newlines.
 *
 * Returns: (transfer full): valid UTF-8 of one line
 */
/* Reads one character at *p, appending it to @out (when not %NULL)
 * escaped if it would not show as itself on one line. */
static void
take_char (GString     *out,
           const char **p,
           const char  *end)
{
  gunichar c = g_utf8_get_char_validated (*p, end - *p);

  if (c == (gunichar) -1 || c == (gunichar) -2)
    {
      if (out != NULL)
        g_string_append_printf (out, "\\x%02x", (guchar) **p);
      (*p)++;
      return;
    }

  if (out != NULL)
    {
      if (c == '\n')
        g_string_append (out, "\\n");
      else if (c == '\r')
        g_string_append (out, "\\r");
      else if (c == '\t')
        g_string_append (out, "\\t");
      else if (c == '\\')
        g_string_append (out, "\\\\");
      else if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == 0x2028 || c == 0x2029)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_len (out, *p, g_utf8_next_char (*p) - *p);
    }
  *p = g_utf8_next_char (*p);
}

char *
bw_text_for_message (const char *text,
                     gssize      length,
                     guint       max_chars)
{
  GString *out;
  const char *p, *end;
  gsize n_chars = 0;

  if (text == NULL)
    return g_strdup ("");
  if (length < 0)
    length = strlen (text);
  if (max_chars == 0)
    max_chars = BW_TEXT_MESSAGE_MAX_CHARS;
  max_chars = MAX (max_chars, 8);

  end = text + length;
  for (p = text; p < end; n_chars++)
    take_char (NULL, &p, end);

  out = g_string_sized_new (MIN ((gsize) length, 4 * (gsize) max_chars) + 8);
  p = text;
  if (n_chars <= max_chars)
    {
      while (p < end)
        take_char (out, &p, end);
    }
  else
    {
      gsize head = (max_chars - 1) / 2;
      gsize tail = max_chars - 1 - head;

      for (gsize i = 0; i < head; i++)
        take_char (out, &p, end);
      g_string_append (out, "…");
      for (gsize i = head; i < n_chars - tail; i++)
        take_char (NULL, &p, end);
      while (p < end)
        take_char (out, &p, end);
    }

  return g_string_free (out, FALSE);
}
