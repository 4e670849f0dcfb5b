/* bw-taxonomy-io.c — the taxonomy as a file: export and import
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bw-taxonomy-io"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <string.h>

#include "bw-json.h"
#include "bw-json-stream.h"
#include "bw-text.h"
#include "bw-taxonomy-io.h"

G_DEFINE_QUARK (bw-taxonomy-error-quark, bw_taxonomy_error)

/* Guidelines are prose, a few paragraphs; this is generous. */
#define MAX_GUIDELINE_BYTES (64 * 1024)

/* json-glib builds a tree of the whole document, several times its size
 * in memory. Files up to this size are parsed whole; of a bigger one (a
 * COCO instances file with millions of annotations) only the value of its
 * top-level "categories" member is. */
#define MAX_PARSED_BYTES ((gsize) 32 << 20)

void
bw_taxonomy_import_report_free (BwTaxonomyImportReport *report)
{
  if (report == NULL)
    return;
  g_clear_pointer (&report->added, g_ptr_array_unref);
  g_clear_pointer (&report->updated, g_ptr_array_unref);
  g_clear_pointer (&report->clashes, g_ptr_array_unref);
  g_free (report);
}

/**
 * bw_taxonomy_to_json_node:
 * @project: a project
 * @with_counts: also write "position" and the number of "annotations" of
 *   each category (for `taxonomy list --json`; import ignores them)
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the taxonomy document described in
 *   bw-taxonomy-io.h, categories in the project's order
 */
JsonNode *
bw_taxonomy_to_json_node (BwProject  *project,
                          gboolean    with_counts,
                          GError    **error)
{
  g_autoptr(GPtrArray) categories = NULL;
  g_autoptr(GHashTable) counts = NULL;
  g_autoptr(JsonBuilder) builder = NULL;

  g_return_val_if_fail (BW_IS_PROJECT (project), NULL);

  if (!(categories = bw_project_list_categories (project, error)))
    return NULL;
  if (with_counts && !(counts = bw_project_count_annotations_by_category (project, error)))
    return NULL;

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "boxwood_taxonomy");
  json_builder_add_int_value (builder, BW_TAXONOMY_FORMAT_VERSION);
  json_builder_set_member_name (builder, "categories");
  json_builder_begin_array (builder);

  for (guint i = 0; i < categories->len; i++)
    {
      const BwCategory *category = g_ptr_array_index (categories, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_int_value (builder, category->id);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, category->name);
      json_builder_set_member_name (builder, "supercategory");
      json_builder_add_string_value (builder, category->supercategory ? category->supercategory : "");
      json_builder_set_member_name (builder, "color");
      json_builder_add_string_value (builder, category->color);
      json_builder_set_member_name (builder, "hotkey");
      if (category->hotkey != NULL && category->hotkey[0] != '\0')
        json_builder_add_string_value (builder, category->hotkey);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "guideline");
      json_builder_add_string_value (builder, category->guideline ? category->guideline : "");
      if (with_counts)
        {
          gint64 *n = g_hash_table_lookup (counts, &category->id);

          json_builder_set_member_name (builder, "position");
          json_builder_add_int_value (builder, i);
          json_builder_set_member_name (builder, "annotations");
          json_builder_add_int_value (builder, n ? *n : 0);
        }
      json_builder_end_object (builder);
    }

  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/**
 * bw_taxonomy_export:
 * @project: a project
 * @file: where to write
 * @error: return location for a #GError
 *
 * Writes the taxonomy to @file through a temporary file renamed over it,
 * so a failure leaves either the old file or nothing.
 *
 * Returns: %TRUE on success
 */
gboolean
bw_taxonomy_export (BwProject  *project,
                    GFile      *file,
                    GError    **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonGenerator) generator = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *data = NULL;
  gsize length = 0;

  g_return_val_if_fail (BW_IS_PROJECT (project), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  if (!(root = bw_taxonomy_to_json_node (project, FALSE, error)))
    return FALSE;

  generator = json_generator_new ();
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, root);
  data = json_generator_to_data (generator, &length);

  if (!g_file_replace_contents (file, data, length, NULL, FALSE,
                                G_FILE_CREATE_REPLACE_DESTINATION,
                                NULL, NULL, &local_error))
    {
      g_autofree char *name = g_file_get_parse_name (file);

      g_set_error (error, G_IO_ERROR,
                   local_error->domain == G_IO_ERROR ? local_error->code : G_IO_ERROR_FAILED,
                   _("%s: cannot write the taxonomy: %s"), name, local_error->message);
      return FALSE;
    }

  return TRUE;
}

/* One entry of the file, checked. */
typedef struct
{
  guint  index;                 /* in the file */
  gint64 id;                    /* 0 when the file gives none */
  char  *name;
  char  *key;                   /* bw_category_name_key (name) */
  char  *supercategory;
  char  *color;                 /* NULL: none given */
  char  *hotkey;                /* NULL: none given */
  char  *guideline;             /* NULL: none given */
} Entry;

static void
entry_free (Entry *entry)
{
  g_free (entry->name);
  g_free (entry->key);
  g_free (entry->supercategory);
  g_free (entry->color);
  g_free (entry->hotkey);
  g_free (entry->guideline);
  g_free (entry);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Entry, entry_free)

static gboolean
get_optional_string (JsonObject  *object,
                     const char  *member,
                     const char **out,
                     GError     **error)
{
  *out = NULL;
  if (!bw_json_has_member (object, member))
    return TRUE;
  return bw_json_get_string (object, member, TRUE, out, error);
}

static Entry *
read_entry (JsonNode  *node,
            guint      index,
            GError   **error)
{
  g_autoptr(Entry) entry = g_new0 (Entry, 1);
  JsonObject *object;
  const char *str;

  entry->index = index;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, BW_TAXONOMY_ERROR, BW_TAXONOMY_ERROR_INVALID,
                   _("must be an object, not %s"), bw_json_node_describe (node));
      return NULL;
    }
  object = json_node_get_object (node);

  if (bw_json_has_member (object, "id") &&
      !bw_json_get_int (object, "id", 1, G_MAXINT32, &entry->id, error))
    return NULL;

  if (!bw_json_get_string (object, "name", TRUE, &str, error))
    return NULL;
  if (!bw_category_check_name (str, error))
    return NULL;
  entry->name = g_strstrip (g_strdup (str));
  entry->key = bw_category_name_key (entry->name);

  if (!get_optional_string (object, "supercategory", &str, error))
    return NULL;
  if (str != NULL && g_utf8_strlen (str, -1) > BW_CATEGORY_MAX_NAME_CHARS)
    {
      g_set_error (error, BW_TAXONOMY_ERROR, BW_TAXONOMY_ERROR_INVALID,
                   _("“supercategory” is longer than %d characters"), BW_CATEGORY_MAX_NAME_CHARS);
      return NULL;
    }
  entry->supercategory = g_strstrip (g_strdup (str ? str : ""));

  if (!get_optional_string (object, "color", &str, error))
    return NULL;
  if (str != NULL)
    {
      if (!bw_category_color_is_valid (str))
        {
          g_autofree char *shown = g_utf8_make_valid (str, MIN (strlen (str), 32));

          g_set_error (error, BW_TAXONOMY_ERROR, BW_TAXONOMY_ERROR_INVALID,
                       _("“color” must be written #rrggbb, not “%s”"), shown);
          return NULL;
        }
      entry->color = g_ascii_strdown (str, -1);
    }

  if (!get_optional_string (object, "hotkey", &str, error))
    return NULL;
  if (str != NULL && str[0] != '\0')
    {
      if (!bw_category_normalize_hotkey (str, &entry->hotkey, error))
        return NULL;
    }

  if (!get_optional_string (object, "guideline", &str, error))
    return NULL;
  if (str != NULL)
    {
      if (strlen (str) > MAX_GUIDELINE_BYTES)
        {
          g_set_error (error, BW_TAXONOMY_ERROR, BW_TAXONOMY_ERROR_INVALID,
                       _("“guideline” is longer than %d bytes"), MAX_GUIDELINE_BYTES);
          return NULL;
        }
      entry->guideline = g_strdup (str);
    }

  return g_steal_pointer (&entry);
}

static void
set_file_error (GError     **error,
                GFile       *file,
                int          code,
                const char  *format,
                ...) G_GNUC_PRINTF (4, 5);

static void
set_file_error (GError     **error,
                GFile       *file,
                int          code,
                const char  *format,
                ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error_literal (error, code == BW_JSON_ERROR_TOO_DEEP || code == BW_JSON_ERROR_SYNTAX ||
                              code == BW_JSON_ERROR_TOO_BIG ? BW_JSON_ERROR : BW_TAXONOMY_ERROR,
                       code, message);
  bw_json_prefix_error (error, file, NULL);
}

/* A file of a later format may mean something else by the same members:
 * better refused than half understood. */
static gboolean
check_format_version (GFile   *file,
                      gint64   version,
                      GError **error)
{
  if (version >= 1 && version <= BW_TAXONOMY_FORMAT_VERSION)
    return TRUE;

  if (version > BW_TAXONOMY_FORMAT_VERSION)
    g_set_error (error, BW_TAXONOMY_ERROR, BW_TAXONOMY_ERROR_INVALID,
                 _("the taxonomy was written by a newer version of Boxwood (format %" PRId64 "; this version reads up to %d): update Boxwood to import it"),
                 version, BW_TAXONOMY_FORMAT_VERSION);
  else
    g_set_error (error, BW_TAXONOMY_ERROR, BW_TAXONOMY_ERROR_INVALID,
                 _("“boxwood_taxonomy” must be a format version from 1 to %d, not %" PRId64),
                 BW_TAXONOMY_FORMAT_VERSION, version);
  bw_json_prefix_error (error, file, NULL);
  return FALSE;
}

/* Finds the value of the top-level member "categories" of a big JSON
 * object without building the rest: json-glib would build a tree of the
 * whole file (a COCO instances file of millions of annotations, several
 * gigabytes in memory) and has no streaming reader. The whole file is
 * checked by the same strict reader as a COCO import (syntax, depth,
 * members named twice); the slice found is then parsed in full. */
static gboolean
find_categories (GFile        *file,
                 BwJsonStream *stream,
                 gsize        *out_start,
                 gsize        *out_end,
                 GError      **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GHashTable) keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  BwJsonStreamType type;
  gboolean found = FALSE;
  const char *key;

  if (!bw_json_stream_peek (stream, &type, &local_error))
    goto failed;
  if (type != BW_JSON_STREAM_OBJECT)
    {
      g_autofree char *size = g_format_size (bw_json_stream_get_size (stream));

      set_file_error (error, file, BW_JSON_ERROR_TOO_BIG,
                      _("the file is %s: that is too big for a taxonomy, and it is not a COCO instances file"),
                      size);
      return FALSE;
    }

  if (!bw_json_stream_begin_object (stream, &local_error))
    goto failed;
  while (TRUE)
    {
      if (!bw_json_stream_next_member (stream, &key, &local_error))
        goto failed;
      if (key == NULL)
        break;
      if (!g_hash_table_add (keys, g_strdup (key)))
        {
          g_autofree char *shown = bw_text_for_message (key, -1, 0);

          g_set_error (error, BW_JSON_ERROR, BW_JSON_ERROR_INVALID,
                       _("the member “%s” appears twice in one object"), shown);
          bw_json_prefix_error (error, file, NULL);
          return FALSE;
        }

      if (strcmp (key, "categories") == 0)
        {
          if (!bw_json_stream_peek (stream, &type, &local_error))
            goto failed;
          if (type != BW_JSON_STREAM_ARRAY)
            {
              set_file_error (error, file, BW_TAXONOMY_ERROR_INVALID, _("“categories” must be an array"));
              return FALSE;
            }
          *out_start = bw_json_stream_get_offset (stream);
          if (!bw_json_stream_check_value (stream, &local_error))
            goto failed;
          *out_end = bw_json_stream_get_offset (stream);
          found = TRUE;
        }
      else if (strcmp (key, "boxwood_taxonomy") == 0)
        {
          gint64 version;

          if (!bw_json_stream_read_int (stream, &version, &local_error))
            goto failed;
          if (!check_format_version (file, version, error))
            return FALSE;
        }
      else if (!bw_json_stream_check_value (stream, &local_error))
        goto failed;
    }
  if (!bw_json_stream_end (stream, &local_error))
    goto failed;

  if (!found)
    {
      set_file_error (error, file, BW_TAXONOMY_ERROR_INVALID,
                      _("no “categories” array: this is neither a taxonomy nor a COCO instances file"));
      return FALSE;
    }
  return TRUE;

failed:
  bw_json_prefix_error (&local_error, file, NULL);
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

/* Loads the JSON that holds the categories: the whole file when it is
 * small, or only the "categories" of a big instances file. */
static JsonNode *
load_categories_json (GFile   *file,
                      GError **error)
{
  const BwJsonLimits limits = {
    .max_bytes = MAX_PARSED_BYTES,
    .max_depth = BW_TAXONOMY_MAX_DEPTH,
  };
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(BwJsonStream) stream = NULL;
  g_autoptr(GFileInputStream) input = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonNode) slice_root = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autofree char *slice = NULL;
  gsize start = 0, end = 0, got = 0;

  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE, G_FILE_QUERY_INFO_NONE, NULL, NULL);
  if (info == NULL || g_file_info_get_size (info) <= (goffset) MAX_PARSED_BYTES ||
      g_file_peek_path (file) == NULL)
    return bw_json_load_file (file, &limits, error);

  if (g_file_info_get_size (info) > BW_TAXONOMY_MAX_FILE_BYTES)
    {
      g_autofree char *size = g_format_size ((guint64) g_file_info_get_size (info));
      g_autofree char *limit = g_format_size ((guint64) BW_TAXONOMY_MAX_FILE_BYTES);

      set_file_error (error, file, BW_JSON_ERROR_TOO_BIG,
                      _("the file is %s, more than the limit of %s"), size, limit);
      return NULL;
    }

  if (!(stream = bw_json_stream_new_for_file (file, BW_TAXONOMY_MAX_DEPTH, &local_error)))
    {
      set_file_error (error, file, BW_TAXONOMY_ERROR_INVALID,
                      _("cannot read the file: %s"), local_error->message);
      return NULL;
    }

  if (!find_categories (file, stream, &start, &end, error))
    return NULL;

  if (end - start > MAX_PARSED_BYTES)
    {
      g_autofree char *size = g_format_size (end - start);
      g_autofree char *limit = g_format_size (MAX_PARSED_BYTES);

      set_file_error (error, file, BW_JSON_ERROR_TOO_BIG,
                      _("its “categories” array is %s, more than the limit of %s"), size, limit);
      return NULL;
    }

  /* Read again from the disk; the slice is checked again as it is parsed,
   * in case the file changed since. */
  slice = g_malloc (end - start);
  if (!(input = g_file_read (file, NULL, &local_error)) ||
      !g_seekable_seek (G_SEEKABLE (input), start, G_SEEK_SET, NULL, &local_error) ||
      !g_input_stream_read_all (G_INPUT_STREAM (input), slice, end - start, &got, NULL, &local_error))
    {
      set_file_error (error, file, BW_TAXONOMY_ERROR_INVALID,
                      _("cannot read the file: %s"), local_error->message);
      return NULL;
    }
  if (got != end - start)
    {
      g_set_error (error, BW_JSON_ERROR, BW_JSON_ERROR_CHANGED,
                   _("the file changed while it was being read; try again when nothing else is writing to it"));
      bw_json_prefix_error (error, file, NULL);
      return NULL;
    }

  if (!(slice_root = bw_json_load_data (slice, end - start, g_file_peek_path (file), &limits, error)))
    return NULL;

  /* Shaped like a taxonomy file for the caller. */
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "categories");
  json_builder_add_value (builder, g_steal_pointer (&slice_root));
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* Reads and checks every entry before anything is written. */
static GPtrArray *
read_entries (GFile   *file,
              GError **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GHashTable) names = NULL;
  g_autoptr(GHashTable) ids = NULL;
  g_autoptr(GHashTable) hotkeys = NULL;
  JsonArray *array = NULL;
  guint n;

  if (!(root = load_categories_json (file, error)))
    return NULL;

  if (JSON_NODE_HOLDS_OBJECT (root) &&
      json_object_has_member (json_node_get_object (root), "boxwood_taxonomy"))
    {
      gint64 version;

      if (!bw_json_get_int (json_node_get_object (root), "boxwood_taxonomy", G_MININT64, G_MAXINT64,
                            &version, error))
        {
          bw_json_prefix_error (error, file, NULL);
          return NULL;
        }
      if (!check_format_version (file, version, error))
        return NULL;
    }

  if (JSON_NODE_HOLDS_ARRAY (root))
    array = json_node_get_array (root);
  else if (JSON_NODE_HOLDS_OBJECT (root) &&
           json_object_has_member (json_node_get_object (root), "categories"))
    {
      if (!bw_json_get_array (json_node_get_object (root), "categories", &array, error))
        {
          bw_json_prefix_error (error, file, NULL);
          return NULL;
        }
    }

  if (array == NULL)
    {
      g_set_error (error, BW_TAXONOMY_ERROR, BW_TAXONOMY_ERROR_INVALID,
                   _("no “categories” array: this is neither a taxonomy nor a COCO instances file"));
      bw_json_prefix_error (error, file, NULL);
      return NULL;
    }

  n = json_array_get_length (array);
  if (n > BW_TAXONOMY_MAX_CATEGORIES)
    {
      g_set_error (error, BW_TAXONOMY_ERROR, BW_TAXONOMY_ERROR_TOO_MANY,
                   _("%u categories, more than the %d a taxonomy may have"),
                   n, BW_TAXONOMY_MAX_CATEGORIES);
      bw_json_prefix_error (error, file, NULL);
      return NULL;
    }

  entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  names = g_hash_table_new (g_str_hash, g_str_equal);
  ids = g_hash_table_new (g_int64_hash, g_int64_equal);
  hotkeys = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < n; i++)
    {
      Entry *entry;
      Entry *other;

      if (!(entry = read_entry (json_array_get_element (array, i), i + 1, error)))
        {
          bw_json_prefix_error (error, file, _("category %u"), i + 1);
          return NULL;
        }
      g_ptr_array_add (entries, entry);

      if ((other = g_hash_table_lookup (names, entry->key)))
        {
          g_set_error (error, BW_TAXONOMY_ERROR, BW_TAXONOMY_ERROR_INVALID,
                       _("the name “%s” is also the name of category %u (names are compared without regard to case)"),
                       entry->name, other->index);
          bw_json_prefix_error (error, file, _("category %u"), i + 1);
          return NULL;
        }
      g_hash_table_insert (names, entry->key, entry);

      if (entry->id != 0 && (other = g_hash_table_lookup (ids, &entry->id)))
        {
          g_set_error (error, BW_TAXONOMY_ERROR, BW_TAXONOMY_ERROR_INVALID,
                       _("the id %" PRId64 " is also the id of category %u"),
                       entry->id, other->index);
          bw_json_prefix_error (error, file, _("category %u"), i + 1);
          return NULL;
        }
      if (entry->id != 0)
        g_hash_table_insert (ids, &entry->id, entry);

      if (entry->hotkey != NULL && (other = g_hash_table_lookup (hotkeys, entry->hotkey)))
        {
          g_set_error (error, BW_TAXONOMY_ERROR, BW_TAXONOMY_ERROR_INVALID,
                       _("the hotkey “%s” is also the hotkey of category %u"),
                       entry->hotkey, other->index);
          bw_json_prefix_error (error, file, _("category %u"), i + 1);
          return NULL;
        }
      if (entry->hotkey != NULL)
        g_hash_table_insert (hotkeys, entry->hotkey, entry);
    }

  return g_steal_pointer (&entries);
}

static int
compare_entries_by_id (gconstpointer a,
                       gconstpointer b)
{
  const Entry *ea = *(Entry * const *) a;
  const Entry *eb = *(Entry * const *) b;

  /* Entries without an id go last, in file order. */
  if (ea->id == 0 || eb->id == 0)
    {
      if (ea->id != eb->id)
        return ea->id == 0 ? 1 : -1;
      return (int) ea->index - (int) eb->index;
    }
  return ea->id < eb->id ? -1 : ea->id > eb->id ? 1 : 0;
}

static BwCategory *
find_by_hotkey (GPtrArray  *categories,
                const char *hotkey)
{
  for (guint i = 0; i < categories->len; i++)
    {
      BwCategory *category = g_ptr_array_index (categories, i);

      if (g_strcmp0 (category->hotkey, hotkey) == 0)
        return category;
    }
  return NULL;
}

/* Whether @hotkey can go to @category; says why not in *clash. */
static gboolean
hotkey_available (GPtrArray         *categories,
                  const BwCategory  *category,
                  const char        *name,
                  const char        *hotkey,
                  GPtrArray         *clashes)
{
  BwCategory *holder;

  if (bw_category_hotkey_is_tool_key (hotkey))
    {
      g_ptr_array_add (clashes,
                       g_strdup_printf (_("“%s”: the hotkey “%s” is taken by the canvas (a tool or view key); the category has no hotkey from the file"),
                                        name, hotkey));
      return FALSE;
    }

  holder = find_by_hotkey (categories, hotkey);
  if (holder != NULL && holder != category)
    {
      g_ptr_array_add (clashes,
                       g_strdup_printf (_("“%s”: the hotkey “%s” belongs to “%s”, which keeps it"),
                                        name, hotkey, holder->name));
      return FALSE;
    }

  return TRUE;
}

static gboolean
apply_entries (BwProject               *project,
               GPtrArray               *entries,
               BwTaxonomyImportReport  *report,
               GError                 **error)
{
  g_autoptr(GPtrArray) categories = NULL;
  g_autoptr(GHashTable) by_key = NULL;
  g_autoptr(GPtrArray) additions = NULL;
  g_autoptr(GArray) order = NULL;
  g_autoptr(GHashTable) added_ids = NULL;
  g_autoptr(GPtrArray) new_categories = NULL;
  g_autoptr(GArray) new_ids = NULL;
  g_autoptr(GPtrArray) updated = g_ptr_array_new ();

  if (!(categories = bw_project_list_categories (project, error)))
    return FALSE;

  by_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < categories->len; i++)
    {
      BwCategory *category = g_ptr_array_index (categories, i);

      g_hash_table_insert (by_key, bw_category_name_key (category->name), category);
    }

  additions = g_ptr_array_new ();

  /* Known names first, so their hotkeys are settled before new
   * categories claim any. */
  for (guint i = 0; i < entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (entries, i);
      BwCategory *category = g_hash_table_lookup (by_key, entry->key);
      g_autoptr(GPtrArray) what = NULL;

      if (category == NULL)
        {
          g_ptr_array_add (additions, entry);
          continue;
        }

      what = g_ptr_array_new ();

      if (entry->supercategory[0] != '\0' &&
          g_strcmp0 (entry->supercategory, category->supercategory) != 0)
        {
          if (category->supercategory == NULL || category->supercategory[0] == '\0')
            {
              g_free (category->supercategory);
              category->supercategory = g_strdup (entry->supercategory);
              g_ptr_array_add (what, (gpointer) _("supercategory"));
            }
          else
            g_ptr_array_add (report->clashes,
                             g_strdup_printf (_("“%s”: the supercategory is “%s” in the file and “%s” in the project; kept “%s”"),
                                              category->name, entry->supercategory,
                                              category->supercategory, category->supercategory));
        }

      if (entry->color != NULL && g_ascii_strcasecmp (entry->color, category->color) != 0)
        {
          g_free (category->color);
          category->color = g_strdup (entry->color);
          g_ptr_array_add (what, (gpointer) _("colour"));
        }

      if (entry->hotkey != NULL && g_strcmp0 (entry->hotkey, category->hotkey) != 0 &&
          hotkey_available (categories, category, category->name, entry->hotkey, report->clashes))
        {
          g_free (category->hotkey);
          category->hotkey = g_strdup (entry->hotkey);
          g_ptr_array_add (what, (gpointer) _("hotkey"));
        }

      if (entry->guideline != NULL && entry->guideline[0] != '\0' &&
          g_strcmp0 (entry->guideline, category->guideline) != 0)
        {
          g_free (category->guideline);
          category->guideline = g_strdup (entry->guideline);
          g_ptr_array_add (what, (gpointer) _("guideline"));
        }

      if (what->len == 0)
        {
          report->unchanged++;
          continue;
        }

      g_ptr_array_add (updated, category);
      g_ptr_array_add (what, NULL);
      {
        g_autofree char *list = g_strjoinv (", ", (char **) what->pdata);

        g_ptr_array_add (report->updated, g_strdup_printf ("%s: %s", category->name, list));
      }
    }

  if (!bw_project_update_categories (project, updated, error))
    return FALSE;

  /* New names in the order of their ids, so that each id the project has
   * never used can be kept; their place in the list follows the file. */
  order = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint i = 0; i < categories->len; i++)
    g_array_append_val (order, ((BwCategory *) g_ptr_array_index (categories, i))->id);

  added_ids = g_hash_table_new (g_direct_hash, g_direct_equal);
  g_ptr_array_sort (additions, compare_entries_by_id);

  new_categories = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < additions->len; i++)
    {
      Entry *entry = g_ptr_array_index (additions, i);
      BwCategory *category = g_new0 (BwCategory, 1);

      category->id = entry->id;
      category->name = entry->name;
      category->supercategory = entry->supercategory;
      category->color = entry->color;
      category->guideline = entry->guideline ? entry->guideline : (char *) "";
      if (entry->hotkey != NULL &&
          hotkey_available (categories, NULL, entry->name, entry->hotkey, report->clashes))
        {
          category->hotkey = entry->hotkey;
          /* Later entries see this hotkey as taken. */
          g_ptr_array_add (categories, bw_category_copy (category));
        }
      g_ptr_array_add (new_categories, category);
    }

  if (!bw_project_add_categories (project, new_categories, &new_ids, error))
    return FALSE;

  for (guint i = 0; i < additions->len; i++)
    {
      Entry *entry = g_ptr_array_index (additions, i);

      g_hash_table_insert (added_ids, GUINT_TO_POINTER (entry->index),
                           GSIZE_TO_POINTER ((gsize) g_array_index (new_ids, gint64, i)));
    }

  for (guint i = 0; i < entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (entries, i);
      gpointer id;

      if (g_hash_table_lookup_extended (added_ids, GUINT_TO_POINTER (entry->index), NULL, &id))
        {
          gint64 id64 = (gint64) GPOINTER_TO_SIZE (id);

          g_array_append_val (order, id64);
          g_ptr_array_add (report->added, g_strdup (entry->name));
        }
    }

  if (additions->len > 0 &&
      !bw_project_set_category_order (project, (const gint64 *) (gpointer) order->data, order->len, error))
    return FALSE;

  return TRUE;
}

/**
 * bw_taxonomy_import:
 * @project: a project
 * @file: a taxonomy file or a COCO instances file
 * @error: return location for a #GError
 *
 * Merges the categories of @file into @project by name, in one
 * transaction, as bw-taxonomy-io.h describes. On an error nothing is
 * changed.
 *
 * Returns: (transfer full): what was added, updated and what clashed, or
 *   %NULL with @error set
 */
BwTaxonomyImportReport *
bw_taxonomy_import (BwProject  *project,
                    GFile      *file,
                    GError    **error)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(BwTaxonomyImportReport) report = NULL;

  g_return_val_if_fail (BW_IS_PROJECT (project), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  if (!(entries = read_entries (file, error)))
    return NULL;

  report = g_new0 (BwTaxonomyImportReport, 1);
  report->added = g_ptr_array_new_with_free_func (g_free);
  report->updated = g_ptr_array_new_with_free_func (g_free);
  report->clashes = g_ptr_array_new_with_free_func (g_free);

  if (!bw_project_begin (project, error))
    return NULL;

  if (!apply_entries (project, entries, report, error))
    {
      bw_project_rollback (project);
      return NULL;
    }

  if (!bw_project_commit (project, error))
    {
      bw_project_rollback (project);
      return NULL;
    }

  return g_steal_pointer (&report);
}
