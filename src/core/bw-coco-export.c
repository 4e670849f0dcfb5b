/* bw-coco-export.c — COCO instances export
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The file is written as a stream, one image or annotation object at a
 * time, from a read-only snapshot of the project (bw-project-export.h):
 * memory does not grow with the number of annotations. Each output goes to
 * a hidden temporary file next to its destination and is renamed over it
 * only when every file of the export is complete, so a failure or a cancel
 * leaves no partial file behind.
 *
 * What is written, per the COCO instances format:
 * - `images`: `id` is the project's image id (stable across exports),
 *   `file_name` is relative to the image root (or to the copy folder);
 * - `categories`: the taxonomy's stable ids (never 0), in id order;
 * - `annotations`: `id` is the project's annotation id (unique, ≥ 1),
 *   `bbox` is [x, y, w, h], `area` is w × h for a box and the area of the
 *   parts for a polygon (bw_shape_area()), `segmentation` is one list of
 *   x, y pairs per part (each with ≥ 3 points) and [] for a box,
 *   `iscrowd` is 0;
 * - with the review asked for, `boxwood_review` in each annotation: an
 *   object of Boxwood's own that COCO readers leave alone (pycocotools
 *   keeps an annotation's members as they are), `annotator`, `verdict`
 *   ("accepted", "rejected", "fixed" — by the reviewer, whose fix is the
 *   exported shape — or null when no verdict stands on this version),
 *   `reason`, `comment` and `reviewer`, null when there are none, and
 *   `guideline_version`, the version of the guidelines in force when the
 *   exported version of the annotation was made (null when it was made
 *   before the project counted them).
 */

#define G_LOG_DOMAIN "bw-coco-export"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <math.h>
#include <unistd.h>

#include "bw-coco-export.h"
#include "bw-export-util.h"
#include "bw-project-export.h"
#include "bw-project-private.h"

typedef struct
{
  GFile         *file;          /* the destination */
  GFile         *tmp;           /* where it is written until complete */
  GOutputStream *stream;
  gboolean       first_image;
  gboolean       first_annotation;
} Output;

static void
output_clear (Output *out)
{
  if (out->stream != NULL)
    {
      g_output_stream_close (out->stream, NULL, NULL);
      g_clear_object (&out->stream);
    }
  if (out->tmp != NULL)
    {
      g_file_delete (out->tmp, NULL, NULL);
      g_clear_object (&out->tmp);
    }
  g_clear_object (&out->file);
}

static gboolean
output_write (Output        *out,
              GString       *text,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autoptr(GError) local_error = NULL;

  if (!g_output_stream_write_all (out->stream, text->str, text->len, NULL,
                                  cancellable, &local_error))
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, local_error->domain, local_error->code,
                     _("Cannot write “%s”: %s"),
                     g_file_peek_path (out->file), local_error->message);
      return FALSE;
    }
  g_string_truncate (text, 0);
  return TRUE;
}

const char *
bw_split_to_string (BwSplit split)
{
  switch (split)
    {
    case BW_SPLIT_TRAIN:
      return "train";
    case BW_SPLIT_VAL:
      return "val";
    case BW_SPLIT_TEST:
      return "test";
    default:
      g_return_val_if_reached ("train");
    }
}

/**
 * bw_split_parse:
 * @text: such as "train=0.8,val=0.2" or "train=70,val=20,test=10"
 * @ratios: (out): the ratios, normalised to sum to 1
 *
 * Returns: %TRUE when @text names each split at most once with a
 *   non-negative finite ratio, and the ratios do not all be zero
 */
gboolean
bw_split_parse (const char  *text,
                double       ratios[BW_N_SPLITS],
                GError     **error)
{
  g_auto(GStrv) items = g_strsplit (text, ",", -1);
  gboolean seen[BW_N_SPLITS] = { FALSE, };
  double parsed[BW_N_SPLITS] = { 0, };
  double sum = 0;

  for (guint i = 0; items[i] != NULL; i++)
    {
      g_auto(GStrv) kv = g_strsplit (g_strstrip (items[i]), "=", 2);
      char *end = NULL;
      double v;
      int s = -1;

      if (kv[0] != NULL && kv[1] != NULL)
        for (int k = 0; k < BW_N_SPLITS; k++)
          if (g_strcmp0 (g_strstrip (kv[0]), bw_split_to_string (k)) == 0)
            s = k;

      if (s < 0 || seen[s])
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("“%s” is not a split: write train=R, val=R and test=R, separated by commas, each once"),
                       items[i]);
          return FALSE;
        }

      v = g_ascii_strtod (g_strstrip (kv[1]), &end);
      if (end == kv[1] || *end != '\0' || !isfinite (v) || v < 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("“%s” is not a ratio: write a number of 0 or more"), kv[1]);
          return FALSE;
        }

      seen[s] = TRUE;
      parsed[s] = v;
      sum += v;
    }

  if (!(sum > 0) || !isfinite (sum))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("The split “%s” gives no images to any split"), text);
      return FALSE;
    }

  for (guint i = 0; i < BW_N_SPLITS; i++)
    ratios[i] = parsed[i] / sum;
  return TRUE;
}

static const char *status_names[BW_EXPORT_N_STATUS] = { "submitted", "accepted", "all", "gold", "reference" };

/**
 * bw_export_status_to_string:
 *
 * Returns: the name of @status as the command line spells it
 */
const char *
bw_export_status_to_string (BwExportStatus status)
{
  g_return_val_if_fail (status < BW_EXPORT_N_STATUS, NULL);

  return status_names[status];
}

/**
 * bw_export_status_from_string:
 *
 * Reads "submitted", "accepted", "all" or "gold".
 *
 * Returns: whether @text names a status
 */
gboolean
bw_export_status_from_string (const char     *text,
                              BwExportStatus *status)
{
  for (guint i = 0; i < BW_EXPORT_N_STATUS; i++)
    if (g_strcmp0 (text, status_names[i]) == 0)
      {
        *status = i;
        return TRUE;
      }
  return FALSE;
}

void
bw_export_result_clear (BwExportResult *result)
{
  for (guint i = 0; i < result->n_files; i++)
    g_clear_object (&result->files[i]);
  g_clear_pointer (&result->damaged, g_ptr_array_unref);
  memset (result, 0, sizeof *result);
}

/* Whether all splits are zero: then one file takes every image. */
static gboolean
split_is_off (const double split[BW_N_SPLITS])
{
  for (guint i = 0; i < BW_N_SPLITS; i++)
    if (split[i] > 0)
      return FALSE;
  return TRUE;
}

static GFile *
split_file (GFile   *destination,
            BwSplit  split)
{
  g_autofree char *base = g_file_get_basename (destination);
  g_autoptr(GFile) parent = g_file_get_parent (destination);
  const char *dot = strrchr (base, '.');
  g_autofree char *stem = dot && dot != base ? g_strndup (base, dot - base) : g_strdup (base);
  g_autofree char *name = g_strdup_printf ("%s_%s%s", stem, bw_split_to_string (split),
                                           dot && dot != base ? dot : ".json");

  return g_file_get_child (parent, name);
}

/**
 * bw_coco_export_find_existing:
 * @destination: the file bw_coco_export() would write
 * @options: (nullable): its options (the split names the files)
 *
 * Returns: (transfer full) (element-type GFile): the files the export
 *   would replace, so that a caller can ask first; empty when none
 */
GPtrArray *
bw_coco_export_find_existing (GFile                     *destination,
                              const BwCocoExportOptions *options)
{
  GPtrArray *existing = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_val_if_fail (G_IS_FILE (destination), existing);

  if (options == NULL || split_is_off (options->split))
    {
      if (g_file_query_exists (destination, NULL))
        g_ptr_array_add (existing, g_object_ref (destination));
      return existing;
    }

  for (guint s = 0; s < BW_N_SPLITS; s++)
    {
      g_autoptr(GFile) file = NULL;

      if (options->split[s] <= 0)
        continue;
      file = split_file (destination, s);
      if (g_file_query_exists (file, NULL))
        g_ptr_array_add (existing, g_steal_pointer (&file));
    }
  return existing;
}

/* Seeded shuffle of the images, then the first round(n × ratio) go to
 * train, the next to val, the rest to test: exact proportions, the same
 * split for the same seed and images, and each image in one split. */
static guint8 *
assign_splits (guint         n,
               const double  ratios[BW_N_SPLITS],
               guint32       seed)
{
  g_autofree guint *order = g_new (guint, MAX (n, 1));
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  guint8 *splits = g_new0 (guint8, MAX (n, 1));
  double sum = 0;
  guint counts[BW_N_SPLITS];
  guint assigned = 0, k = 0;

  for (guint i = 0; i < BW_N_SPLITS; i++)
    sum += ratios[i];

  for (guint i = 0; i < BW_N_SPLITS; i++)
    {
      counts[i] = (guint) MIN ((double) (n - assigned), floor (n * ratios[i] / sum + 0.5));
      assigned += counts[i];
    }
  /* Rounding leftovers go to the last split that asked for any. */
  for (int i = BW_N_SPLITS - 1; i >= 0 && assigned < n; i--)
    if (ratios[i] > 0)
      {
        counts[i] += n - assigned;
        assigned = n;
      }

  for (guint i = 0; i < n; i++)
    order[i] = i;
  for (guint i = n; i > 1; i--)
    {
      guint j = (guint) g_rand_int_range (rand, 0, (gint32) i);
      guint t = order[i - 1];

      order[i - 1] = order[j];
      order[j] = t;
    }

  for (guint s = 0; s < BW_N_SPLITS; s++)
    for (guint c = 0; c < counts[s]; c++)
      splits[order[k++]] = (guint8) s;

  return splits;
}

static void
append_info (GString   *text,
             BwProject *project)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *date = g_date_time_format_iso8601 (now);

  g_string_append (text, "{\"info\":{\"description\":");
  bw_export_append_json_string (text, bw_project_get_display_name (project));
  g_string_append_printf (text, ",\"version\":\"1.0\",\"year\":%d,\"contributor\":\"\","
                          "\"url\":\"\",\"date_created\":",
                          g_date_time_get_year (now));
  bw_export_append_json_string (text, date);
  g_string_append (text, "},\n\"licenses\":[],\n\"categories\":[");
}

static void
append_category (GString          *text,
                 const BwCategory *category,
                 gboolean          first)
{
  g_string_append (text, first ? "\n" : ",\n");
  g_string_append_printf (text, "{\"id\":%" G_GINT64_FORMAT ",\"name\":", category->id);
  bw_export_append_json_string (text, category->name);
  g_string_append (text, ",\"supercategory\":");
  bw_export_append_json_string (text, category->supercategory ? category->supercategory : "");
  g_string_append_c (text, '}');
}

static void
append_string_or_null (GString    *text,
                       const char *value)
{
  if (value != NULL)
    bw_export_append_json_string (text, value);
  else
    g_string_append (text, "null");
}

static void
append_review (GString                  *text,
               const BwExportAnnotation *row)
{
  g_string_append (text, ",\"boxwood_review\":{\"annotator\":");
  append_string_or_null (text, row->annotator);
  g_string_append (text, ",\"verdict\":");
  append_string_or_null (text, row->verdict >= 0 ? bw_verdict_to_string (row->verdict) : NULL);
  g_string_append (text, ",\"reason\":");
  append_string_or_null (text, row->reason);
  g_string_append (text, ",\"comment\":");
  append_string_or_null (text, row->comment);
  g_string_append (text, ",\"reviewer\":");
  append_string_or_null (text, row->reviewer);
  g_string_append (text, ",\"guideline_version\":");
  if (row->guideline_version > 0)
    bw_export_append_int (text, row->guideline_version);
  else
    g_string_append (text, "null");
  g_string_append_c (text, '}');
}

static void
append_annotation (GString                  *text,
                   const BwExportAnnotation *row,
                   gint64                    image_id,
                   const BwShape            *shape,
                   gboolean                  with_review,
                   gboolean                  first)
{
  gint64 id = row->id;
  gint64 category_id = row->category_id;
  double w = shape->bbox.x1 - shape->bbox.x0;
  double h = shape->bbox.y1 - shape->bbox.y0;

  g_string_append (text, first ? "\n{\"id\":" : ",\n{\"id\":");
  bw_export_append_int (text, id);
  g_string_append (text, ",\"image_id\":");
  bw_export_append_int (text, image_id);
  g_string_append (text, ",\"category_id\":");
  bw_export_append_int (text, category_id);
  g_string_append (text, ",\"bbox\":[");
  bw_export_append_number (text, shape->bbox.x0);
  g_string_append_c (text, ',');
  bw_export_append_number (text, shape->bbox.y0);
  g_string_append_c (text, ',');
  bw_export_append_number (text, w);
  g_string_append_c (text, ',');
  bw_export_append_number (text, h);
  g_string_append (text, "],\"area\":");
  bw_export_append_number (text, shape->kind == BW_SHAPE_BOX ? w * h : bw_shape_area (shape));
  g_string_append (text, ",\"segmentation\":[");
  for (guint p = 0; p < shape->n_parts; p++)
    {
      guint start = bw_shape_part_start (shape, p);
      guint end = shape->part_ends[p];

      if (p > 0)
        g_string_append_c (text, ',');
      g_string_append_c (text, '[');
      for (guint i = start; i < end; i++)
        {
          if (i > start)
            g_string_append_c (text, ',');
          bw_export_append_number (text, shape->points[i].x);
          g_string_append_c (text, ',');
          bw_export_append_number (text, shape->points[i].y);
        }
      g_string_append_c (text, ']');
    }
  g_string_append (text, "],\"iscrowd\":0");
  if (with_review)
    append_review (text, row);
  g_string_append_c (text, '}');
}

static gboolean
check_destination (GFile   *destination,
                   GError **error)
{
  g_autoptr(GFile) parent = g_file_get_parent (destination);

  if (g_file_peek_path (destination) == NULL || parent == NULL)
    {
      g_autofree char *name = g_file_get_parse_name (destination);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("Cannot export to “%s”: choose a file in a local folder"), name);
      return FALSE;
    }

  if (g_file_query_file_type (destination, G_FILE_QUERY_INFO_NONE, NULL) == G_FILE_TYPE_DIRECTORY)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY,
                   _("Cannot export to “%s”: it is a folder; choose a file name"),
                   g_file_peek_path (destination));
      return FALSE;
    }

  if (g_file_query_file_type (parent, G_FILE_QUERY_INFO_NONE, NULL) != G_FILE_TYPE_DIRECTORY)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("Cannot export to “%s”: the folder “%s” does not exist"),
                   g_file_peek_path (destination), g_file_peek_path (parent));
      return FALSE;
    }

  return TRUE;
}

typedef struct
{
  BwExportProgress progress;
  gpointer         data;
  guint64          total;
  guint64          done;
  guint            last_permille;
} Progress;

static void
progress_step (Progress *p,
               guint64   n)
{
  guint permille;

  p->done += n;
  if (p->progress == NULL || p->total == 0)
    return;

  permille = (guint) (MIN (p->done, p->total) * 1000 / p->total);
  if (permille != p->last_permille || p->done >= p->total)
    {
      p->last_permille = permille;
      p->progress (p->done, p->total, p->data);
    }
}

/**
 * bw_coco_export:
 * @project: a project
 * @destination: the JSON file to write; with a split, the files are named
 *   after it: `out.json` gives `out_train.json`, `out_val.json`…
 * @options: what to export
 * @progress: (nullable) (scope call): progress callback
 * @progress_data: its data
 * @result: (out caller-allocates) (optional): counts and the files written;
 *   clear it with bw_export_result_clear()
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Exports the final answer of each image (see bw-project-export.h) as COCO
 * instances JSON. Blocks: call it from a worker thread, or use
 * bw_coco_export_async().
 *
 * Returns: %TRUE when every file was written
 */
/* The cursor's next image that @only holds (all of them when @only is
 * %NULL). */
static gboolean
next_image (BwExportCursor  *cursor,
            GHashTable      *only,
            BwExportImage   *image,
            GError         **error)
{
  while (_bw_export_cursor_next_image (cursor, image, error))
    if (only == NULL || g_hash_table_contains (only, &image->image_id))
      return TRUE;
  return FALSE;
}

gboolean
bw_coco_export (BwProject                 *project,
                GFile                     *destination,
                const BwCocoExportOptions *options,
                BwExportProgress           progress,
                gpointer                   progress_data,
                BwExportResult            *result,
                GCancellable              *cancellable,
                GError                   **error)
{
  static const BwCocoExportOptions defaults = { 0, };
  g_autoptr(BwExportCursor) cursor = NULL;
  g_autoptr(GPtrArray) all_categories = NULL;
  g_autoptr(GHashTable) wanted = NULL;
  g_autoptr(GHashTable) only = NULL;
  g_autoptr(GString) text = g_string_sized_new (64 * 1024);
  g_autofree char *root = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GArray) image_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree guint8 *splits = NULL;
  Output outputs[BW_N_SPLITS] = { { 0, } };
  BwExportResult counts = { 0, };
  Progress prog = { progress, progress_data, 0, 0, G_MAXUINT };
  BwExportImage image;
  gboolean split_off;
  gboolean ok = FALSE;
  guint index;

  g_return_val_if_fail (BW_IS_PROJECT (project), FALSE);
  g_return_val_if_fail (G_IS_FILE (destination), FALSE);

  if (options == NULL)
    options = &defaults;
  split_off = split_is_off (options->split);

  if (result != NULL)
    memset (result, 0, sizeof *result);

  if (!check_destination (destination, error))
    return FALSE;

  /* The categories: the chosen subset, in id order. */
  all_categories = bw_project_list_categories (project, error);
  if (all_categories == NULL)
    return FALSE;
  g_ptr_array_sort (all_categories, bw_export_compare_category_ids);
  wanted = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  for (guint i = 0; i < all_categories->len; i++)
    {
      BwCategory *category = g_ptr_array_index (all_categories, i);
      gboolean keep = options->category_ids == NULL;

      for (guint j = 0; !keep && j < options->n_category_ids; j++)
        keep = options->category_ids[j] == category->id;
      if (keep)
        g_hash_table_add (wanted, g_memdup2 (&category->id, sizeof category->id));
    }

  if (options->image_ids != NULL)
    {
      only = g_hash_table_new (g_int64_hash, g_int64_equal);
      for (guint i = 0; i < options->n_image_ids; i++)
        g_hash_table_add (only, (gpointer) &options->image_ids[i]);
    }

  cursor = _bw_export_cursor_new (project, options->status, error);
  if (cursor == NULL)
    return FALSE;
  if (options->with_review && !_bw_export_cursor_read_reviews (cursor, error))
    return FALSE;

  /* Pass 1: which images, and their split. */
  while (next_image (cursor, only, &image, &local_error))
    g_array_append_val (image_ids, image.image_id);
  if (local_error != NULL)
    goto failed;

  /* A chosen set of images leaves the rest out on purpose. */
  if (only == NULL &&
      !_bw_export_cursor_count_left_out (cursor, image_ids->len, &counts.left_out, &local_error))
    goto failed;

  if (!split_off)
    splits = assign_splits (image_ids->len, options->split, options->seed);

  prog.total = (guint64) image_ids->len * (options->copy_images_to ? 2 : 1);

  if (options->image_root != NULL && g_file_peek_path (options->image_root) != NULL)
    root = g_canonicalize_filename (g_file_peek_path (options->image_root), NULL);
  else
    root = g_canonicalize_filename (project->dir, NULL);

  /* Open one output per split that asked for images. */
  for (guint s = 0; s < BW_N_SPLITS; s++)
    {
      if (split_off ? s != BW_SPLIT_TRAIN : options->split[s] <= 0)
        continue;

      outputs[s].file = split_off ? g_object_ref (destination) : split_file (destination, s);
      outputs[s].first_image = TRUE;
      outputs[s].first_annotation = TRUE;
      outputs[s].stream = bw_export_create_temporary (outputs[s].file, &outputs[s].tmp,
                                                      cancellable, &local_error);
      if (outputs[s].stream == NULL)
        goto failed;

      append_info (text, project);
      for (guint i = 0, first = TRUE; i < all_categories->len; i++)
        {
          BwCategory *category = g_ptr_array_index (all_categories, i);

          if (g_hash_table_contains (wanted, &category->id))
            {
              append_category (text, category, first);
              first = FALSE;
            }
        }
      g_string_append (text, "],\n\"images\":[");
      if (!output_write (&outputs[s], text, cancellable, &local_error))
        goto failed;
    }

  /* Pass 2: the images. */
  _bw_export_cursor_rewind (cursor, NULL);
  index = 0;
  while (next_image (cursor, only, &image, &local_error))
    {
      Output *out;
      g_autofree char *file_name = NULL;
      guint s;

      /* Same snapshot, same order. */
      g_assert (index < image_ids->len && g_array_index (image_ids, gint64, index) == image.image_id);
      s = splits ? splits[index] : BW_SPLIT_TRAIN;
      index++;
      out = &outputs[s];

      file_name = bw_export_image_file_name (project, &image, root,
                                             options->copy_images_to != NULL);
      if (g_path_is_absolute (file_name))
        counts.outside_root++;

      g_string_append (text, out->first_image ? "\n" : ",\n");
      out->first_image = FALSE;
      g_string_append_printf (text, "{\"id\":%" G_GINT64_FORMAT ",\"file_name\":", image.image_id);
      bw_export_append_json_string (text, file_name);
      g_string_append_printf (text, ",\"width\":%d,\"height\":%d}", image.width, image.height);
      if (!output_write (out, text, cancellable, &local_error))
        goto failed;
      counts.images++;
      counts.split_images[s]++;
    }
  if (local_error != NULL)
    goto failed;

  for (guint s = 0; s < BW_N_SPLITS; s++)
    if (outputs[s].stream != NULL)
      {
        g_string_append (text, "],\n\"annotations\":[");
        if (!output_write (&outputs[s], text, cancellable, &local_error))
          goto failed;
      }

  /* Pass 3: the annotations, one image at a time. */
  _bw_export_cursor_rewind (cursor, NULL);
  index = 0;
  while (next_image (cursor, only, &image, &local_error))
    {
      BwExportAnnotation row;
      Output *out;

      if (g_cancellable_set_error_if_cancelled (cancellable, &local_error))
        goto failed;

      out = &outputs[splits ? splits[index] : BW_SPLIT_TRAIN];
      index++;

      _bw_export_cursor_select_layer (cursor, image.layer_id, NULL);
      while (_bw_export_cursor_next_annotation (cursor, &row, &local_error))
        {
          g_autoptr(BwShape) shape = NULL;

          if (!g_hash_table_contains (wanted, &row.category_id))
            continue;

          shape = _bw_export_annotation_to_shape (&row, &local_error);
          if (shape == NULL)
            {
              /* One bad row must not stop every export of the project. */
              g_autofree char *file_name = bw_export_image_file_name (project, &image, root,
                                                                      options->copy_images_to != NULL);

              bw_export_note_damaged (&counts, file_name, row.id, local_error);
              g_clear_error (&local_error);
              continue;
            }

          append_annotation (text, &row, image.image_id, shape, options->with_review,
                             out->first_annotation);
          out->first_annotation = FALSE;
          counts.annotations++;

          /* One object at a time into the buffered stream. */
          if (!output_write (out, text, cancellable, &local_error))
            goto failed;
        }
      if (local_error != NULL)
        goto failed;

      progress_step (&prog, 1);
    }
  if (local_error != NULL)
    goto failed;

  for (guint s = 0; s < BW_N_SPLITS; s++)
    if (outputs[s].stream != NULL)
      {
        g_string_append (text, "\n]}\n");
        if (!output_write (&outputs[s], text, cancellable, &local_error))
          goto failed;
      }

  /* Pass 4: copy the image files, each to a temporary name first. */
  if (options->copy_images_to != NULL)
    {
      _bw_export_cursor_rewind (cursor, NULL);
      while (next_image (cursor, only, &image, &local_error))
        {
          if (!bw_export_copy_image (project, &image, root, options->copy_images_to,
                                     cancellable, &local_error))
            goto failed;
          counts.copied_images++;
          progress_step (&prog, 1);
        }
      if (local_error != NULL)
        goto failed;
    }

  /* Every file is complete: make them durable, then rename them all. */
  for (guint s = 0; s < BW_N_SPLITS; s++)
    if (outputs[s].stream != NULL &&
        !bw_export_close_temporary (outputs[s].stream, outputs[s].tmp, outputs[s].file,
                                    cancellable, &local_error))
      goto failed;

  for (guint s = 0; s < BW_N_SPLITS; s++)
    if (outputs[s].stream != NULL &&
        !bw_export_commit_temporary (outputs[s].tmp, outputs[s].file, &local_error))
      goto failed;

  for (guint s = 0; s < BW_N_SPLITS; s++)
    if (outputs[s].stream != NULL)
      {
        g_clear_object (&outputs[s].stream);
        g_clear_object (&outputs[s].tmp);
        counts.files[counts.n_files++] = g_steal_pointer (&outputs[s].file);
      }

  ok = TRUE;
  if (result != NULL)
    *result = counts;
  else
    bw_export_result_clear (&counts);

failed:
  for (guint s = 0; s < BW_N_SPLITS; s++)
    output_clear (&outputs[s]);

  if (!ok)
    {
      bw_export_result_clear (&counts);
      g_propagate_error (error, g_steal_pointer (&local_error));
    }

  return ok;
}

/* Async */

typedef struct
{
  BwCocoExportOptions options;
  gint64             *category_ids;
  gint64             *image_ids;
} CocoOptionsCopy;

static void
coco_options_free (gpointer data)
{
  CocoOptionsCopy *copy = data;

  g_clear_object (&copy->options.image_root);
  g_clear_object (&copy->options.copy_images_to);
  g_free (copy->category_ids);
  g_free (copy->image_ids);
  g_free (copy);
}

static gboolean
coco_export_func (BwProject         *project,
                  GFile             *destination,
                  gconstpointer      options,
                  BwExportProgress   progress,
                  gpointer           progress_data,
                  BwExportResult    *result,
                  GCancellable      *cancellable,
                  GError           **error)
{
  const CocoOptionsCopy *copy = options;

  return bw_coco_export (project, destination, &copy->options, progress, progress_data,
                         result, cancellable, error);
}

/**
 * bw_coco_export_async:
 * @progress: (nullable): called in the caller's thread-default main context
 * @progress_destroy: (nullable): frees @progress_data when the export is done
 *
 * Runs bw_coco_export() in a worker thread.
 */
void
bw_coco_export_async (BwProject                 *project,
                      GFile                     *destination,
                      const BwCocoExportOptions *options,
                      BwExportProgress           progress,
                      gpointer                   progress_data,
                      GDestroyNotify             progress_destroy,
                      GCancellable              *cancellable,
                      GAsyncReadyCallback        callback,
                      gpointer                   user_data)
{
  CocoOptionsCopy *copy = g_new0 (CocoOptionsCopy, 1);

  g_return_if_fail (BW_IS_PROJECT (project));
  g_return_if_fail (G_IS_FILE (destination));

  if (options != NULL)
    {
      /* The files are borrowed from the caller: take references. */
      copy->options = *options;
      copy->options.image_root = options->image_root ? g_object_ref (options->image_root) : NULL;
      copy->options.copy_images_to = options->copy_images_to ? g_object_ref (options->copy_images_to) : NULL;
    }
  if (copy->options.category_ids != NULL)
    {
      copy->category_ids = g_memdup2 (copy->options.category_ids,
                                      sizeof (gint64) * MAX (copy->options.n_category_ids, 1));
      copy->options.category_ids = copy->category_ids;
    }
  if (copy->options.image_ids != NULL)
    {
      copy->image_ids = g_memdup2 (copy->options.image_ids,
                                   sizeof (gint64) * MAX (copy->options.n_image_ids, 1));
      copy->options.image_ids = copy->image_ids;
    }

  bw_export_run_async (project, destination, coco_export_func, copy, coco_options_free,
                       progress, progress_data, progress_destroy, cancellable,
                       callback, user_data, bw_coco_export_async);
}

/**
 * bw_coco_export_finish:
 * @out_result: (out caller-allocates) (optional): the counts
 */
gboolean
bw_coco_export_finish (BwProject       *project,
                       GAsyncResult    *result,
                       BwExportResult  *out_result,
                       GError         **error)
{
  return bw_export_run_finish (project, result, out_result, error);
}
