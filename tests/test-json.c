/* test-json.c — bounded JSON loading and typed getters
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bw-json.h"
#include "bw-json-stream.h"

static JsonObject *
parse_object (const char *text,
              JsonNode  **out_root)
{
  g_autoptr(GError) error = NULL;
  JsonNode *root = bw_json_load_data (text, strlen (text), "t.json", NULL, &error);

  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
  *out_root = root;
  return json_node_get_object (root);
}

static char *
nested (guint depth)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < depth; i++)
    g_string_append_c (s, '[');
  for (guint i = 0; i < depth; i++)
    g_string_append_c (s, ']');
  return g_string_free (s, FALSE);
}

static void
test_depth (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *ok = nested (64);
  g_autofree char *deep = nested (65);
  g_autofree char *very_deep = nested (200000);
  BwJsonLimits small = { 0, 3 };
  JsonNode *root;

  root = bw_json_load_data (ok, strlen (ok), "ok.json", NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (root);
  json_node_unref (root);

  root = bw_json_load_data (deep, strlen (deep), "deep.json", NULL, &error);
  g_assert_null (root);
  g_assert_error (error, BW_JSON_ERROR, BW_JSON_ERROR_TOO_DEEP);
  g_assert_true (g_str_has_prefix (error->message, "deep.json: "));
  g_clear_error (&error);

  /* Deep enough to overflow a recursive parser's stack. */
  root = bw_json_load_data (very_deep, strlen (very_deep), "deep.json", NULL, &error);
  g_assert_null (root);
  g_assert_error (error, BW_JSON_ERROR, BW_JSON_ERROR_TOO_DEEP);
  g_clear_error (&error);

  /* Brackets inside strings, and escaped quotes, do not count. */
  {
    const char *text = "{\"a\": \"[[[[\\\"[[[[\", \"b\": [[1]]}";

    root = bw_json_load_data (text, strlen (text), "s.json", &small, &error);
    g_assert_no_error (error);
    json_node_unref (root);
  }
  {
    const char *text = "{\"a\": [[[1]]]}";

    root = bw_json_load_data (text, strlen (text), "s.json", &small, &error);
    g_assert_error (error, BW_JSON_ERROR, BW_JSON_ERROR_TOO_DEEP);
    g_assert_null (root);
    g_clear_error (&error);
  }
}

static void
test_syntax (void)
{
  const char *bad[] = {
    "",
    "   \n",
    "{\"images\": [1, 2",               /* truncated */
    "{\"a\": NaN}",
    "{\"a\": 1,}",
    "not json",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      JsonNode *root = bw_json_load_data (bad[i], strlen (bad[i]), "bad.json", NULL, &error);

      g_assert_null (root);
      g_assert_error (error, BW_JSON_ERROR, BW_JSON_ERROR_SYNTAX);
      g_assert_true (g_str_has_prefix (error->message, "bad.json: "));
    }
}

static void
test_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bw-json-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "big.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) missing = g_file_new_for_path ("/nonexistent/x.json");
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  BwJsonLimits limits = { 16, 0 };
  JsonNode *root;

  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (path, "{\"a\": [1, 2, 3, 4, 5, 6, 7]}", -1, &error));

  root = bw_json_load_file (file, &limits, &error);
  g_assert_null (root);
  g_assert_error (error, BW_JSON_ERROR, BW_JSON_ERROR_TOO_BIG);
  g_assert_true (g_str_has_prefix (error->message, path));
  g_clear_error (&error);

  root = bw_json_load_file (file, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
  json_node_unref (root);

  root = bw_json_load_file (missing, NULL, &error);
  g_assert_null (root);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_true (g_str_has_prefix (error->message, "/nonexistent/x.json: "));
  g_clear_error (&error);

  root = bw_json_load_file (folder, NULL, &error);
  g_assert_null (root);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE);
  g_clear_error (&error);

  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_getters (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *o = parse_object ("{\"id\": 17, \"f\": 3.0, \"half\": 2.5, \"neg\": -1,"
                                " \"s\": \"x\", \"e\": \"\", \"n\": null, \"b\": true,"
                                " \"bbox\": [1, 2.5, 3, 4], \"short\": [1, 2, 3],"
                                " \"mixed\": [1, \"2\", 3, 4], \"inf\": 1e999,"
                                " \"o\": {}, \"a\": []}", &root);
  gint64 i = 0;
  double d = 0, bbox[4];
  const char *s = NULL;
  gboolean b = FALSE;
  JsonArray *a = NULL;
  JsonObject *obj = NULL;
  guint n = 0;

  g_assert_true (bw_json_get_int (o, "id", 1, G_MAXINT64, &i, &error));
  g_assert_no_error (error);
  g_assert_cmpint (i, ==, 17);

  /* 3.0 is an integer written by a float-minded writer. */
  g_assert_true (bw_json_get_int (o, "f", 1, 10, &i, &error));
  g_assert_cmpint (i, ==, 3);

  g_assert_false (bw_json_get_int (o, "half", 1, 10, &i, &error));
  g_assert_error (error, BW_JSON_ERROR, BW_JSON_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "“half” must be an integer from 1 to 10, not 2.5");
  g_clear_error (&error);

  g_assert_false (bw_json_get_int (o, "neg", 1, 10, &i, &error));
  g_assert_cmpstr (error->message, ==, "“neg” must be an integer from 1 to 10, not -1");
  g_clear_error (&error);

  g_assert_false (bw_json_get_int (o, "s", 1, 10, &i, &error));
  g_assert_cmpstr (error->message, ==, "“s” must be an integer from 1 to 10, not a string");
  g_clear_error (&error);

  g_assert_false (bw_json_get_int (o, "missing", 1, 10, &i, &error));
  g_assert_cmpstr (error->message, ==, "“missing” is missing");
  g_clear_error (&error);

  g_assert_false (bw_json_get_int (o, "n", 1, 10, &i, &error));
  g_assert_cmpstr (error->message, ==, "“n” is missing");
  g_clear_error (&error);

  g_assert_true (bw_json_get_double (o, "half", 0, 10, &d, &error));
  g_assert_cmpfloat (d, ==, 2.5);
  g_assert_false (bw_json_get_double (o, "half", 3, 10, &d, &error));
  g_assert_error (error, BW_JSON_ERROR, BW_JSON_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (bw_json_get_double (o, "inf", -G_MAXDOUBLE, G_MAXDOUBLE, &d, &error));
  g_assert_cmpstr (error->message, ==, "“inf” must be a finite number, not a number");
  g_clear_error (&error);

  g_assert_true (bw_json_get_string (o, "s", FALSE, &s, &error));
  g_assert_cmpstr (s, ==, "x");
  g_assert_true (bw_json_get_string (o, "e", TRUE, &s, &error));
  g_assert_cmpstr (s, ==, "");
  g_assert_false (bw_json_get_string (o, "e", FALSE, &s, &error));
  g_assert_cmpstr (error->message, ==, "“e” must not be empty");
  g_clear_error (&error);
  g_assert_false (bw_json_get_string (o, "id", FALSE, &s, &error));
  g_assert_cmpstr (error->message, ==, "“id” must be a string, not a number");
  g_clear_error (&error);

  g_assert_true (bw_json_get_bool (o, "b", &b, &error));
  g_assert_true (b);
  g_assert_false (bw_json_get_bool (o, "s", &b, &error));
  g_clear_error (&error);

  g_assert_true (bw_json_get_numbers (o, "bbox", 4, 4, bbox, &n, &error));
  g_assert_cmpuint (n, ==, 4);
  g_assert_cmpfloat (bbox[1], ==, 2.5);
  g_assert_false (bw_json_get_numbers (o, "short", 4, 4, bbox, &n, &error));
  g_assert_cmpstr (error->message, ==, "“short” must be an array of 4 finite numbers");
  g_clear_error (&error);
  g_assert_false (bw_json_get_numbers (o, "mixed", 4, 4, bbox, &n, &error));
  g_assert_error (error, BW_JSON_ERROR, BW_JSON_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (bw_json_get_numbers (o, "o", 4, 4, bbox, &n, &error));
  g_clear_error (&error);

  g_assert_true (bw_json_get_array (o, "a", &a, &error));
  g_assert_cmpuint (json_array_get_length (a), ==, 0);
  g_assert_false (bw_json_get_array (o, "o", &a, &error));
  g_assert_cmpstr (error->message, ==, "“o” must be an array, not an object");
  g_clear_error (&error);
  g_assert_true (bw_json_get_object (o, "o", &obj, &error));
  g_assert_false (bw_json_get_object (o, "a", &obj, &error));
  g_clear_error (&error);

  g_assert_true (bw_json_has_member (o, "id"));
  g_assert_false (bw_json_has_member (o, "n"));
  g_assert_false (bw_json_has_member (o, "missing"));
}

static void
test_prefix (void)
{
  g_autoptr(GFile) file = g_file_new_for_path ("/data/instances.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *o = parse_object ("{\"bbox\": [1, 2]}", &root);
  double bbox[4];

  g_assert_false (bw_json_get_numbers (o, "bbox", 4, 4, bbox, NULL, &error));
  bw_json_prefix_error (&error, file, "annotation %u", 17u);
  g_assert_cmpstr (error->message, ==,
                   "/data/instances.json: annotation 17: “bbox” must be an array of 4 finite numbers");

  /* No error: nothing happens. */
  bw_json_prefix_error (NULL, file, "x");
}

static void
test_stream_walk (void)
{
  const char *text = " {\"a\": [1, -2.5e2, 3.0, 12345678901234567890, 0.1],"
                     " \"s\": \"\\u00e9\\ud83d\\ude00\\n\\\"/\", \"skip\": {\"x\": [true, false, null, {}]},"
                     " \"b\": true} ";
  g_autoptr(BwJsonStream) stream = bw_json_stream_new (text, strlen (text), "t", 0);
  g_autoptr(GError) error = NULL;
  const char *key, *str;
  gboolean more, b;
  double numbers[5];
  gint64 i;

  g_assert_true (bw_json_stream_begin_object (stream, &error));
  g_assert_true (bw_json_stream_next_member (stream, &key, &error));
  g_assert_cmpstr (key, ==, "a");
  g_assert_true (bw_json_stream_begin_array (stream, &error));
  for (guint n = 0; n < 5; n++)
    {
      g_assert_true (bw_json_stream_next_element (stream, &more, &error));
      g_assert_true (more);
      g_assert_true (bw_json_stream_read_number (stream, &numbers[n], &error));
    }
  g_assert_true (bw_json_stream_next_element (stream, &more, &error));
  g_assert_false (more);
  g_assert_cmpfloat (numbers[0], ==, 1);
  g_assert_cmpfloat (numbers[1], ==, -250);
  g_assert_cmpfloat (numbers[2], ==, 3);
  g_assert_cmpfloat (numbers[3], ==, 12345678901234567890.0);
  g_assert_cmpfloat (numbers[4], ==, 0.1);

  g_assert_true (bw_json_stream_next_member (stream, &key, &error));
  g_assert_cmpstr (key, ==, "s");
  g_assert_true (bw_json_stream_read_string (stream, &str, &error));
  g_assert_cmpstr (str, ==, "é😀\n\"/");
  g_assert_true (bw_json_stream_next_member (stream, &key, &error));
  g_assert_cmpstr (key, ==, "skip");
  g_assert_true (bw_json_stream_skip_value (stream, &error));
  g_assert_true (bw_json_stream_next_member (stream, &key, &error));
  g_assert_cmpstr (key, ==, "b");
  g_assert_true (bw_json_stream_read_boolean (stream, &b, &error));
  g_assert_true (b);
  g_assert_true (bw_json_stream_next_member (stream, &key, &error));
  g_assert_null (key);
  g_assert_true (bw_json_stream_end (stream, &error));
  g_assert_no_error (error);

  /* 3.0 is an integer; 3.5 and a string are not. */
  bw_json_stream_rewind (stream);
  {
    const char *ints = "[3.0, 3.5, \"3\"]";
    g_autoptr(BwJsonStream) s2 = bw_json_stream_new (ints, strlen (ints), "t", 0);

    g_assert_true (bw_json_stream_begin_array (s2, &error));
    g_assert_true (bw_json_stream_next_element (s2, &more, &error));
    g_assert_true (bw_json_stream_read_int (s2, &i, &error));
    g_assert_cmpint (i, ==, 3);
    g_assert_true (bw_json_stream_next_element (s2, &more, &error));
    g_assert_false (bw_json_stream_read_int (s2, &i, &error));
    g_assert_error (error, BW_JSON_ERROR, BW_JSON_ERROR_INVALID);
  }
}

static void
test_stream_refuses (void)
{
  static const struct { const char *text; const char *expect; } cases[] = {
    { "[1,]", "“]” cannot start a value" },
    { "[,1]", "a value was expected" },
    { "{\"a\" 1}", "“:” was expected" },
    { "{\"a\": 1,}", "a member name in quotes was expected" },
    { "[01]", "cannot start with 0" },
    { "[1.]", "a digit was expected after “.”" },
    { "[\"\\ud800\"]", "lone UTF-16 surrogate" },
    { "[\"\\u0000\"]", "NUL" },
    { "[\"a\nb\"]", "control character" },
    { "[\"\xff\"]", "not valid UTF-8" },
    { "[tru]", "“true” was expected" },
    { "[1] [2]", "nothing may follow" },
    { "[\"abc", "the file ends too soon" },
    { "[[[[[[[[[[", "nest deeper than 8 levels" },
  };

  for (guint n = 0; n < G_N_ELEMENTS (cases); n++)
    {
      g_autoptr(BwJsonStream) stream = bw_json_stream_new (cases[n].text, strlen (cases[n].text), "t", 8);
      g_autoptr(GError) error = NULL;
      gboolean ok = bw_json_stream_skip_value (stream, &error);

      if (ok)
        ok = bw_json_stream_end (stream, &error);
      g_assert_false (ok);
      if (strstr (error->message, cases[n].expect) == NULL)
        g_error ("%s: got “%s”, expected “%s”", cases[n].text, error->message, cases[n].expect);
    }
}

/* Writes out what the stream reads, in a canonical form, so two ways of
 * reading one document can be compared. */
static gboolean
walk (BwJsonStream *stream,
      GString      *out,
      GError      **error)
{
  BwJsonStreamType type;
  const char *key, *str;
  gboolean more, b;
  double v;

  if (!bw_json_stream_peek (stream, &type, error))
    return FALSE;

  switch (type)
    {
    case BW_JSON_STREAM_OBJECT:
      if (!bw_json_stream_begin_object (stream, error))
        return FALSE;
      g_string_append_c (out, '{');
      while (TRUE)
        {
          if (!bw_json_stream_next_member (stream, &key, error))
            return FALSE;
          if (key == NULL)
            break;
          g_string_append_printf (out, "<%s>:", key);
          if (!walk (stream, out, error))
            return FALSE;
        }
      g_string_append_c (out, '}');
      return TRUE;
    case BW_JSON_STREAM_ARRAY:
      if (!bw_json_stream_begin_array (stream, error))
        return FALSE;
      g_string_append_c (out, '[');
      while (TRUE)
        {
          if (!bw_json_stream_next_element (stream, &more, error))
            return FALSE;
          if (!more)
            break;
          if (!walk (stream, out, error))
            return FALSE;
          g_string_append_c (out, ',');
        }
      g_string_append_c (out, ']');
      return TRUE;
    case BW_JSON_STREAM_STRING:
      if (!bw_json_stream_read_string (stream, &str, error))
        return FALSE;
      g_string_append_printf (out, "<%s>", str);
      return TRUE;
    case BW_JSON_STREAM_NUMBER:
      if (!bw_json_stream_read_number (stream, &v, error))
        return FALSE;
      g_string_append_printf (out, "%.17g", v);
      return TRUE;
    case BW_JSON_STREAM_BOOLEAN:
      if (!bw_json_stream_read_boolean (stream, &b, error))
        return FALSE;
      g_string_append (out, b ? "T" : "F");
      return TRUE;
    case BW_JSON_STREAM_NULL:
      g_string_append (out, "N");
      return bw_json_stream_skip_value (stream, error);
    default:
      g_assert_not_reached ();
    }
}

static char *
write_temp (const char *contents,
            gssize      length,
            GFile     **out_file)
{
  g_autoptr(GError) error = NULL;
  char *path = NULL;
  int fd = g_file_open_tmp ("bw-test-json-XXXXXX.json", &path, &error);

  g_assert_no_error (error);
  close (fd);
  g_assert_true (g_file_set_contents (path, contents, length, &error));
  g_assert_no_error (error);
  *out_file = g_file_new_for_path (path);
  return path;
}

/* A document of several megabytes, so that the reader's window ends in
 * every kind of token somewhere: strings with escapes and surrogate
 * pairs, numbers, literals, keys, and one string longer than the window. */
static GString *
big_document (void)
{
  GString *doc = g_string_new ("{\"items\": [");
  GRand *rand = g_rand_new_with_seed (7);

  for (guint i = 0; i < 60000; i++)
    {
      if (i > 0)
        g_string_append (doc, ",\n ");
      switch (g_rand_int_range (rand, 0, 6))
        {
        case 0:
          g_string_append_printf (doc, "{\"k%u\": \"caf\\u00e9 \\ud83d\\ude00 \\\"q\\\" %u\", \"n\": null}", i, i);
          break;
        case 1:
          g_string_append_printf (doc, "-%u.%05ue-%u", i, i, i % 30);
          break;
        case 2:
          g_string_append (doc, i % 2 ? "true" : "false");
          break;
        case 3:
          g_string_append_printf (doc, "[%u, 12345678901234567890123, 0.1, []]", i);
          break;
        case 4:
          g_string_append_printf (doc, "\"%*s\"", 1 + g_rand_int_range (rand, 0, 200), "é");
          break;
        default:
          g_string_append_printf (doc, "{\"a\":{\"b\":{\"c\": %u}}}", i);
          break;
        }
    }
  g_string_append (doc, "], \"long\": \"");
  for (guint i = 0; i < 300000; i++)
    g_string_append (doc, i % 1000 == 999 ? "\\n" : "abcdefg");
  g_string_append (doc, "\"}\n");
  g_rand_free (rand);
  return doc;
}

static void
test_stream_file_like_memory (void)
{
  g_autoptr(GString) doc = big_document ();
  g_autoptr(GString) from_memory = g_string_new (NULL);
  g_autoptr(GString) from_file = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = write_temp (doc->str, doc->len, &file);

  g_assert_cmpuint (doc->len, >, 4 << 20);

  {
    g_autoptr(BwJsonStream) stream = bw_json_stream_new (doc->str, doc->len, "t", 0);

    g_assert_true (walk (stream, from_memory, &error));
    g_assert_true (bw_json_stream_end (stream, &error));
    g_assert_no_error (error);
  }

  {
    g_autoptr(BwJsonStream) stream = bw_json_stream_new_for_file (file, 0, &error);

    g_assert_no_error (error);
    g_assert_cmpint (bw_json_stream_get_size (stream), ==, doc->len);
    g_assert_true (walk (stream, from_file, &error));
    g_assert_true (bw_json_stream_end (stream, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (bw_json_stream_get_offset (stream), ==, doc->len);

    /* Read again from the start, as the COCO importer does when the
     * annotations come before the images. */
    g_string_truncate (from_file, 0);
    bw_json_stream_rewind (stream);
    g_assert_true (walk (stream, from_file, &error));
    g_assert_true (bw_json_stream_end (stream, &error));
    g_assert_no_error (error);
  }
  g_assert_cmpuint (from_file->len, ==, from_memory->len);
  g_assert_true (strcmp (from_file->str, from_memory->str) == 0);

  /* An error far into a file says where, as it does in memory. */
  {
    char *comma = strstr (doc->str + (3 << 19), ",\n ");

    g_assert_nonnull (comma);
    *comma = ';';
  }
  g_assert_true (g_file_set_contents (path, doc->str, doc->len, NULL));
  {
    g_autoptr(BwJsonStream) memory = bw_json_stream_new (doc->str, doc->len, "t", 0);
    g_autoptr(BwJsonStream) stream = bw_json_stream_new_for_file (file, 0, &error);
    g_autoptr(GError) memory_error = NULL;

    g_assert_no_error (error);
    g_string_truncate (from_file, 0);
    g_assert_false (walk (stream, from_file, &error));
    g_assert_error (error, BW_JSON_ERROR, BW_JSON_ERROR_SYNTAX);
    g_assert_false (walk (memory, from_memory, &memory_error));
    g_assert_cmpstr (error->message, ==, memory_error->message);
    g_assert_nonnull (strstr (error->message, "“,” or “]” was expected"));
    g_assert_nonnull (strstr (error->message, "at line "));
  }
  g_unlink (path);
}

/* Reads the document until something fails, changing the file after the
 * first elements: with the file mapped, a shrink killed the process with
 * SIGBUS; it must be an error that says what happened. */
static void
read_while_changing (gboolean shrink)
{
  g_autoptr(GString) doc = big_document ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = write_temp (doc->str, doc->len, &file);
  g_autoptr(BwJsonStream) stream = bw_json_stream_new_for_file (file, 0, &error);
  g_autoptr(GString) out = g_string_new (NULL);
  gboolean more = TRUE;
  const char *key;
  guint n = 0;

  g_assert_no_error (error);
  g_assert_true (bw_json_stream_begin_object (stream, &error));
  g_assert_true (bw_json_stream_next_member (stream, &key, &error));
  g_assert_true (bw_json_stream_begin_array (stream, &error));
  g_assert_true (bw_json_stream_next_element (stream, &more, &error));
  g_assert_true (walk (stream, out, &error));
  g_assert_no_error (error);

  if (shrink)
    g_assert_cmpint (truncate (path, doc->len / 2), ==, 0);
  else
    {
      FILE *f = fopen (path, "a");

      g_assert_nonnull (f);
      fputs ("\n\n\n", f);
      fclose (f);
    }

  while (more && error == NULL)
    {
      if (bw_json_stream_next_element (stream, &more, &error) && more)
        walk (stream, out, &error);
      n++;
    }
  if (error == NULL && bw_json_stream_next_member (stream, &key, &error))
    {
      if (walk (stream, out, &error) && bw_json_stream_next_member (stream, &key, &error))
        bw_json_stream_end (stream, &error);
    }
  g_assert_error (error, BW_JSON_ERROR, BW_JSON_ERROR_CHANGED);
  g_assert_nonnull (strstr (error->message, "changed while it was being read"));
  g_unlink (path);
}

static void
test_stream_file_shrinks (void)
{
  read_while_changing (TRUE);
}

static void
test_stream_file_grows (void)
{
  read_while_changing (FALSE);
}

static void
test_stream_refuses_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bw-test-json-XXXXXX", NULL);
  g_autofree char *fifo = g_build_filename (dir, "x.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (fifo);

  /* A FIFO would block the reader, and a folder cannot be read. */
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  g_assert_null (bw_json_stream_new_for_file (file, 0, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE);
  g_clear_error (&error);
  g_unlink (fifo);
  g_assert_null (bw_json_stream_new_for_file (file, 0, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/json-stream/walk", test_stream_walk);
  g_test_add_func ("/core/json-stream/refuses-bad-json", test_stream_refuses);
  g_test_add_func ("/core/json-stream/file-reads-like-memory", test_stream_file_like_memory);
  g_test_add_func ("/core/json-stream/file-shrinks-while-read", test_stream_file_shrinks);
  g_test_add_func ("/core/json-stream/file-grows-while-read", test_stream_file_grows);
  g_test_add_func ("/core/json-stream/refuses-fifo", test_stream_refuses_file);

  g_test_add_func ("/core/json/depth-limit", test_depth);
  g_test_add_func ("/core/json/syntax-errors", test_syntax);
  g_test_add_func ("/core/json/file-limits", test_file);
  g_test_add_func ("/core/json/typed-getters", test_getters);
  g_test_add_func ("/core/json/error-prefix", test_prefix);

  return g_test_run ();
}
