/* bw-coco-import.c — COCO instances and results import
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The file is read with the streaming reader of bw-json-stream.h, not
 * json-glib's tree: see there for the figures. Images and categories are
 * kept (they are few); annotations are read one object at a time and
 * written at once. When the file lists its annotations before its images
 * or categories, it is read a second time for them.
 *
 * All or nothing: a malformed file, an unknown image or category id or a
 * duplicate id leaves the project as it was. The annotations are staged
 * in chunks of STAGE_CHUNK rows, a transaction each, so that a large
 * file does not hold the project for the whole read; what the import
 * adds (categories, images, layers, the annotations themselves) appears
 * in one last transaction (bw-project-staging.c). Until then nothing is
 * written that any reader sees. File names are untrusted: absolute ones
 * and ones that lead outside the image folder are refused.
 */

#define G_LOG_DOMAIN "bw-coco-import"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bw-coco-import.h"
#include "bw-json.h"
#include "bw-json-stream.h"
#include "bw-project-export.h"
#include "bw-text.h"

/* A COCO file is read through a bounded buffer (bw-json-stream.c), not
 * into memory, so it may be large. */
#define MAX_COCO_BYTES ((goffset) 8 << 30)

/* Staged annotations a transaction: a few milliseconds of holding the
 * project's write lock. */
#define STAGE_CHUNK 5000

typedef struct
{
  gint64  coco_id;
  char   *file_name;
  int     width;
  int     height;
  gint64  project_id;           /* 0: not in the project (yet) */
  BwImage *pending;             /* on disk, added in the last step */
  gboolean staged;              /* annotations of it are staged */
  gint64  layer_id;             /* the last step: 0 until opened */
  GHashTable *existing;         /* what the layer held before, when it did */
} CocoImage;

typedef struct
{
  gint64  coco_id;
  char   *name;
  char   *supercategory;
  gint64  project_id;
} CocoCategory;

typedef struct
{
  BwProject                 *project;
  gint64                     work_person;   /* instances: the layers' person, or 0 */
  GFile                     *file;
  const BwCocoImportOptions *options;
  BwJsonStream              *stream;
  GCancellable              *cancellable;
  BwAnnotationImportResult   result;
  char                      *root;
  GArray                    *images;        /* CocoImage, sorted by coco_id */
  GArray                    *categories;    /* CocoCategory, sorted by coco_id */
  GArray                    *annotation_ids;
  GArray                    *points;        /* scratch: BwPoint */
  GArray                    *part_ends;     /* scratch: guint */
  GHashTable                *layers;        /* predictions: image id → ModelLayer */
  GHashTable                *category_ids;  /* predictions: project category ids */
  gint64                     model_person;
  guint64                    index;         /* of the annotation being read */
  gint64                     import_id;     /* staging, see bw-project-staging.c */
  gboolean                   in_chunk;      /* a staging transaction is open */
  guint                      chunk_rows;    /* rows staged in it */
} Import;

typedef struct
{
  gint64      image_id;
  gint64      id;               /* the last step */
  int         width;
  int         height;
  GHashTable *existing;
} ModelLayer;

static void
model_layer_free (gpointer data)
{
  ModelLayer *layer = data;

  g_clear_pointer (&layer->existing, g_hash_table_unref);
  g_free (layer);
}

typedef struct
{
  gboolean has_id, has_image_id, has_category_id, has_bbox, has_score;
  gboolean rle;
  gboolean refused;  /* over the limits, counted */
  gint64   id;
  gint64   image_id;
  gint64   category_id;
  double   bbox[4];
  double   score;
} Row;

static void
coco_image_clear (gpointer data)
{
  CocoImage *image = data;

  g_free (image->file_name);
  g_clear_pointer (&image->pending, bw_image_free);
  g_clear_pointer (&image->existing, g_hash_table_unref);
}

static void
coco_category_clear (gpointer data)
{
  CocoCategory *category = data;

  g_free (category->name);
  g_free (category->supercategory);
}

static int
compare_coco_ids (gconstpointer a,
                  gconstpointer b)
{
  gint64 x = *(const gint64 *) a;
  gint64 y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

/* Sorts @array, whose elements start with their gint64 id, by that id;
 * returns FALSE and sets @duplicate when an id appears twice. */
static gboolean
sort_by_coco_id (GArray *array,
                 gint64 *duplicate)
{
  gsize size = g_array_get_element_size (array);

  g_array_sort (array, compare_coco_ids);
  for (guint i = 1; i < array->len; i++)
    {
      gint64 id = *(const gint64 *) (gconstpointer) (array->data + i * size);

      if (id == *(const gint64 *) (gconstpointer) (array->data + (i - 1) * size))
        {
          *duplicate = id;
          return FALSE;
        }
    }
  return TRUE;
}

static gpointer
find_by_coco_id (GArray *array,
                 gint64  id)
{
  return bsearch (&id, array->data, array->len, g_array_get_element_size (array),
                  compare_coco_ids);
}

/* Prefixes "FILE: " */
static gboolean
fail (Import  *import,
      GError **error)
{
  bw_json_prefix_error (error, import->file, NULL);
  return FALSE;
}

static gboolean
read_member_int (BwJsonStream  *stream,
                 const char    *key,
                 gint64         min,
                 gint64        *out,
                 GError       **error)
{
  if (!bw_json_stream_read_int (stream, out, error))
    {
      g_prefix_error (error, "“%s”: ", key);
      return FALSE;
    }
  if (*out < min)
    {
      g_set_error (error, BW_JSON_ERROR, BW_JSON_ERROR_INVALID,
                   _("“%s” must be an integer of %" PRId64 " or more, not %" PRId64),
                   key, min, *out);
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_member_string (BwJsonStream  *stream,
                    const char    *key,
                    char         **out,
                    GError       **error)
{
  const char *s;

  if (!bw_json_stream_read_string (stream, &s, error))
    {
      g_prefix_error (error, "“%s”: ", key);
      return FALSE;
    }
  g_free (*out);
  *out = g_strdup (s);
  return TRUE;
}

typedef gboolean (*ReadObjectFunc) (BwJsonStream  *stream,
                                    gpointer       element,
                                    GError       **error);

/* Reads the list @name (images, categories): each of its objects with
 * @read_object into a new, zeroed element of @array. */
static gboolean
read_object_list (Import          *import,
                  const char      *name,
                  GArray          *array,
                  ReadObjectFunc   read_object,
                  GError         **error)
{
  BwJsonStream *stream = import->stream;
  gsize size = g_array_get_element_size (array);
  gboolean more;

  if (!bw_json_stream_begin_array (stream, error))
    {
      g_prefix_error (error, "“%s”: ", name);
      return FALSE;
    }

  for (guint64 i = 0;; i++)
    {
      if (!bw_json_stream_next_element (stream, &more, error))
        return FALSE;
      if (!more)
        break;

      g_array_set_size (array, array->len + 1);
      if (!read_object (stream, array->data + (array->len - 1) * size, error))
        {
          /* Clears what the element holds. */
          g_array_set_size (array, array->len - 1);
          g_prefix_error (error, "%s[%" G_GUINT64_FORMAT "]: ", name, i);
          return FALSE;
        }
    }

  return TRUE;
}

/* Images */

static gboolean
read_image (BwJsonStream  *stream,
            gpointer       element,
            GError       **error)
{
  CocoImage *image = element;
  gint64 width = 0, height = 0;
  gboolean has_id = FALSE, has_width = FALSE, has_height = FALSE;
  const char *key;

  if (!bw_json_stream_begin_object (stream, error))
    return FALSE;

  while (TRUE)
    {
      gboolean ok;

      if (!bw_json_stream_next_member (stream, &key, error))
        return FALSE;
      if (key == NULL)
        break;

      if (strcmp (key, "id") == 0)
        ok = has_id = read_member_int (stream, "id", 0, &image->coco_id, error);
      else if (strcmp (key, "width") == 0)
        ok = has_width = read_member_int (stream, "width", 1, &width, error);
      else if (strcmp (key, "height") == 0)
        ok = has_height = read_member_int (stream, "height", 1, &height, error);
      else if (strcmp (key, "file_name") == 0)
        ok = read_member_string (stream, "file_name", &image->file_name, error);
      else
        ok = bw_json_stream_skip_value (stream, error);

      if (!ok)
        return FALSE;
    }

  if (!has_id || image->file_name == NULL || !has_width || !has_height)
    {
      g_set_error (error, BW_JSON_ERROR, BW_JSON_ERROR_INVALID,
                   _("“%s” is missing"),
                   !has_id ? "id" : image->file_name == NULL ? "file_name" : !has_width ? "width" : "height");
      return FALSE;
    }
  if (width > G_MAXINT || height > G_MAXINT)
    {
      g_set_error (error, BW_JSON_ERROR, BW_JSON_ERROR_INVALID,
                   _("the size %" PRId64 " × %" PRId64 " is too large"),
                   width, height);
      return FALSE;
    }
  image->width = (int) width;
  image->height = (int) height;
  return TRUE;
}

static gboolean
read_images (Import  *import,
             GError **error)
{
  gint64 duplicate;

  if (!read_object_list (import, "images", import->images, read_image, error))
    return FALSE;

  if (!sort_by_coco_id (import->images, &duplicate))
    {
      g_set_error (error, BW_JSON_ERROR, BW_JSON_ERROR_INVALID,
                   _("the image id %" PRId64 " appears twice"), duplicate);
      return FALSE;
    }

  return TRUE;
}

/* Categories */

static gboolean
read_category (BwJsonStream  *stream,
               gpointer       element,
               GError       **error)
{
  CocoCategory *category = element;
  gboolean has_id = FALSE;
  const char *key;

  if (!bw_json_stream_begin_object (stream, error))
    return FALSE;

  while (TRUE)
    {
      gboolean ok;

      if (!bw_json_stream_next_member (stream, &key, error))
        return FALSE;
      if (key == NULL)
        break;

      if (strcmp (key, "id") == 0)
        ok = has_id = read_member_int (stream, "id", 0, &category->coco_id, error);
      else if (strcmp (key, "name") == 0)
        ok = read_member_string (stream, "name", &category->name, error);
      else if (strcmp (key, "supercategory") == 0)
        {
          BwJsonStreamType type;

          ok = bw_json_stream_peek (stream, &type, error);
          if (ok && type == BW_JSON_STREAM_NULL)
            ok = bw_json_stream_skip_value (stream, error);
          else if (ok)
            ok = read_member_string (stream, "supercategory", &category->supercategory, error);
        }
      else
        ok = bw_json_stream_skip_value (stream, error);

      if (!ok)
        return FALSE;
    }

  if (!has_id || category->name == NULL || *g_strstrip (category->name) == '\0')
    {
      g_set_error (error, BW_JSON_ERROR, BW_JSON_ERROR_INVALID,
                   !has_id ? _("“id” is missing") : _("“name” is missing or empty"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_categories (Import  *import,
                 GError **error)
{
  gint64 duplicate;

  if (!read_object_list (import, "categories", import->categories, read_category, error))
    return FALSE;

  if (!sort_by_coco_id (import->categories, &duplicate))
    {
      g_set_error (error, BW_JSON_ERROR, BW_JSON_ERROR_INVALID,
                   _("the category id %" PRId64 " appears twice"), duplicate);
      return FALSE;
    }

  return TRUE;
}

/* Writes the images and categories the annotations refer to. */
/* Matches the file's categories and images with the project's, writing
 * nothing: a category or an image to add is added in the last step
 * (finish_instances()). */
static gboolean
resolve (Import  *import,
         GError **error)
{
  for (guint i = 0; i < import->categories->len; i++)
    {
      CocoCategory *category = &g_array_index (import->categories, CocoCategory, i);

      category->project_id = bw_project_find_category_by_name (import->project, category->name);
    }

  for (guint i = 0; i < import->images->len; i++)
    {
      CocoImage *image = &g_array_index (import->images, CocoImage, i);
      g_autofree char *path = NULL;

      if (g_cancellable_set_error_if_cancelled (import->cancellable, error))
        return FALSE;

      path = bw_import_resolve_path (import->root, NULL, image->file_name, error);
      if (path == NULL ||
          !bw_import_find_or_probe_image (import->project, path, image->width, image->height,
                                          &image->project_id, &image->pending, error))
        {
          g_prefix_error (error, _("image %" PRId64 ": "), image->coco_id);
          return FALSE;
        }

      if (image->project_id == 0 && image->pending == NULL)
        import->result.images_missing++;
      else if (image->pending == NULL)
        import->result.images_matched++;
    }

  return TRUE;
}

/* Before a row is staged: a transaction is opened only for writing, so
 * that reading the file and its images holds nothing. */
static gboolean
stage_open (Import  *import,
            GError **error)
{
  if (import->in_chunk)
    return TRUE;
  if (!bw_project_begin (import->project, error))
    return FALSE;
  import->in_chunk = TRUE;
  import->chunk_rows = 0;
  return TRUE;
}

/* Ends the staging transaction; a failed commit has rolled back. */
static gboolean
stage_close (Import  *import,
             GError **error)
{
  if (!import->in_chunk)
    return TRUE;
  import->in_chunk = FALSE;
  return bw_project_commit (import->project, error);
}

/* After each staged row: the transaction ends every STAGE_CHUNK rows, so
 * that others get the project in between. */
static gboolean
staged_one (Import  *import,
            GError **error)
{
  if (++import->chunk_rows < STAGE_CHUNK)
    return TRUE;
  if (!stage_close (import, error))
    return FALSE;
  _bw_project_stage_pause (import->project);
  return TRUE;
}

/* Annotations */

static gboolean
read_numbers_into (BwJsonStream  *stream,
                   GArray        *points,
                   guint         *n_numbers,
                   GError       **error)
{
  gboolean more;
  double pending = 0;

  *n_numbers = 0;
  if (!bw_json_stream_begin_array (stream, error))
    return FALSE;

  while (TRUE)
    {
      double v;

      if (!bw_json_stream_next_element (stream, &more, error))
        return FALSE;
      if (!more)
        break;
      if (!bw_json_stream_read_number (stream, &v, error))
        return FALSE;

      if (*n_numbers % 2 == 0)
        pending = v;
      else if (points->len <= BW_SHAPE_MAX_POINTS)
        {
          /* One point over the limit is kept to say so; more would only
           * cost memory, as the shape is refused. */
          BwPoint p = { pending, v };

          g_array_append_val (points, p);
        }
      (*n_numbers)++;
    }

  return TRUE;
}

static gboolean
read_segmentation (Import   *import,
                   Row      *row,
                   GError  **error)
{
  BwJsonStream *stream = import->stream;
  BwJsonStreamType type;
  gboolean more;

  if (!bw_json_stream_peek (stream, &type, error))
    return FALSE;

  /* RLE masks ({"counts", "size"}) are not shapes Boxwood edits. */
  if (type == BW_JSON_STREAM_OBJECT)
    {
      row->rle = TRUE;
      return bw_json_stream_skip_value (stream, error);
    }

  if (type != BW_JSON_STREAM_ARRAY)
    {
      g_set_error (error, BW_JSON_ERROR, BW_JSON_ERROR_INVALID,
                   _("“segmentation” must be a list of polygons or an RLE object, not %s"),
                   bw_json_stream_type_describe (type));
      return FALSE;
    }

  if (!bw_json_stream_begin_array (stream, error))
    return FALSE;

  for (guint part = 0;; part++)
    {
      guint n_numbers;

      if (!bw_json_stream_next_element (stream, &more, error))
        return FALSE;
      if (!more)
        break;

      if (!bw_json_stream_peek (stream, &type, error))
        return FALSE;
      if (type != BW_JSON_STREAM_ARRAY)
        {
          g_set_error (error, BW_JSON_ERROR, BW_JSON_ERROR_INVALID,
                       _("“segmentation” must be a list of polygons, each a list of x, y numbers; "
                         "part %u is %s"), part + 1, bw_json_stream_type_describe (type));
          return FALSE;
        }

      if (!read_numbers_into (stream, import->points, &n_numbers, error))
        {
          g_prefix_error (error, _("“segmentation” part %u: "), part + 1);
          return FALSE;
        }
      if (n_numbers % 2 != 0 || n_numbers < 6)
        {
          g_set_error (error, BW_JSON_ERROR, BW_JSON_ERROR_INVALID,
                       _("“segmentation” part %u has %u numbers; a polygon needs x, y pairs "
                         "for at least 3 points"), part + 1, n_numbers);
          return FALSE;
        }
      if (import->part_ends->len <= BW_SHAPE_MAX_PARTS)
        {
          guint end = import->points->len;

          g_array_append_val (import->part_ends, end);
        }
    }

  return TRUE;
}

static gboolean
read_row (Import   *import,
          Row      *row,
          GError  **error)
{
  BwJsonStream *stream = import->stream;
  const char *key;

  memset (row, 0, sizeof *row);
  g_array_set_size (import->points, 0);
  g_array_set_size (import->part_ends, 0);

  if (!bw_json_stream_begin_object (stream, error))
    return FALSE;

  while (TRUE)
    {
      gboolean ok;

      if (!bw_json_stream_next_member (stream, &key, error))
        return FALSE;
      if (key == NULL)
        break;

      switch (key[0])
        {
        case 'i':
          if (strcmp (key, "id") == 0)
            {
              ok = row->has_id = read_member_int (stream, "id", 1, &row->id, error);
              break;
            }
          if (strcmp (key, "image_id") == 0)
            {
              ok = row->has_image_id = read_member_int (stream, "image_id", G_MININT64, &row->image_id, error);
              break;
            }
          ok = bw_json_stream_skip_value (stream, error);
          break;

        case 'c':
          if (strcmp (key, "category_id") == 0)
            {
              ok = row->has_category_id = read_member_int (stream, "category_id", G_MININT64,
                                                           &row->category_id, error);
              break;
            }
          ok = bw_json_stream_skip_value (stream, error);
          break;

        case 'b':
          if (strcmp (key, "bbox") == 0)
            {
              guint n = 0;

              ok = bw_json_stream_begin_array (stream, error);
              while (ok)
                {
                  gboolean more;

                  ok = bw_json_stream_next_element (stream, &more, error);
                  if (!ok || !more)
                    break;
                  if (n >= 4)
                    {
                      ok = FALSE;
                      break;
                    }
                  ok = bw_json_stream_read_number (stream, &row->bbox[n++], error);
                }
              if (!ok || n != 4)
                {
                  g_clear_error (error);
                  g_set_error (error, BW_JSON_ERROR, BW_JSON_ERROR_INVALID,
                               _("“bbox” must be an array of 4 finite numbers"));
                  return FALSE;
                }
              row->has_bbox = TRUE;
              break;
            }
          ok = bw_json_stream_skip_value (stream, error);
          break;

        case 's':
          if (strcmp (key, "segmentation") == 0)
            {
              ok = read_segmentation (import, row, error);
              break;
            }
          if (strcmp (key, "score") == 0)
            {
              ok = row->has_score = bw_json_stream_read_number (stream, &row->score, error);
              if (!ok)
                g_prefix_error (error, "“score”: ");
              break;
            }
          ok = bw_json_stream_skip_value (stream, error);
          break;

        default:
          ok = bw_json_stream_skip_value (stream, error);
          break;
        }

      if (!ok)
        return FALSE;
    }

  return TRUE;
}

/* The shape of a row, or NULL with no error for an RLE-only row, which
 * is counted as skipped. */
static BwShape *
row_to_shape (Import   *import,
              Row      *row,
              GError  **error)
{
  /* The limits of every stored shape (bw_shape_check_limits()), seen
   * while reading so that the points are not all kept first. */
  if (import->points->len > BW_SHAPE_MAX_POINTS || import->part_ends->len > BW_SHAPE_MAX_PARTS)
    {
      import->result.refused_too_big++;
      row->refused = TRUE;
      return NULL;
    }

  if (import->part_ends->len > 0)
    {
      BwPoint *points = (BwPoint *) (gpointer) import->points->data;
      guint *ends = (guint *) (gpointer) import->part_ends->data;
      BwShape *shape = bw_shape_new_polygon (points, ends[0]);

      for (guint i = 1; i < import->part_ends->len; i++)
        bw_shape_add_part (shape, points + ends[i - 1], ends[i] - ends[i - 1]);
      return shape;
    }

  if (row->has_bbox && !row->rle)
    {
      /* A box without width or height is a bad shape like any other:
       * counted and refused, the rest of the file goes in. */
      if (!(row->bbox[2] > 0) || !(row->bbox[3] > 0))
        {
          import->result.refused_degenerate++;
          row->refused = TRUE;
          return NULL;
        }
      return bw_shape_new_box (row->bbox[0], row->bbox[1],
                               row->bbox[0] + row->bbox[2], row->bbox[1] + row->bbox[3]);
    }

  if (row->rle)
    import->result.skipped_rle++;
  else
    g_set_error (error, BW_JSON_ERROR, BW_JSON_ERROR_INVALID,
                 _("the annotation has neither “bbox” nor “segmentation”"));
  return NULL;
}

static gboolean
import_instance (Import   *import,
                 Row      *row,
                 GError  **error)
{
  g_autoptr(BwShape) shape = NULL;
  CocoImage *image;
  CocoCategory *category;

  if (!row->has_id || !row->has_image_id || !row->has_category_id)
    {
      g_set_error (error, BW_JSON_ERROR, BW_JSON_ERROR_INVALID, _("“%s” is missing"),
                   !row->has_id ? "id" : !row->has_image_id ? "image_id" : "category_id");
      return FALSE;
    }

  g_array_append_val (import->annotation_ids, row->id);

  image = find_by_coco_id (import->images, row->image_id);
  if (image == NULL)
    {
      g_set_error (error, BW_JSON_ERROR, BW_JSON_ERROR_INVALID,
                   _("“image_id” %" PRId64 " is not in “images”"), row->image_id);
      return FALSE;
    }

  category = find_by_coco_id (import->categories, row->category_id);
  if (category == NULL)
    {
      g_set_error (error, BW_JSON_ERROR, BW_JSON_ERROR_INVALID,
                   _("“category_id” %" PRId64 " is not in “categories”"), row->category_id);
      return FALSE;
    }

  shape = row_to_shape (import, row, error);
  if (shape == NULL)
    return row->rle || row->refused;

  if (image->project_id == 0 && image->pending == NULL)
    {
      import->result.skipped_missing_image++;
      return TRUE;
    }

  if (!image->staged &&
      !bw_import_find_layer (import->project, image->project_id, import->work_person,
                             import->options->gold ? BW_LAYER_KIND_GOLD : BW_LAYER_KIND_WORK,
                             &image->existing, error))
    return FALSE;
  image->staged = TRUE;

  /* Targets are images by their place in the file; a category still to
   * be added, by its place too (negative). */
  return stage_open (import, error) &&
         bw_import_stage_annotation (import->project, import->import_id,
                                     (gint64) (image - &g_array_index (import->images, CocoImage, 0)) + 1,
                                     category->project_id > 0
                                       ? category->project_id
                                       : -((gint64) (category - &g_array_index (import->categories, CocoCategory, 0)) + 1),
                                     shape, image->width, image->height, BW_SOURCE_IMPORTED, 1.0,
                                     image->existing, &import->result, error) &&
         staged_one (import, error);
}

static gboolean
import_prediction (Import   *import,
                   Row      *row,
                   GError  **error)
{
  g_autoptr(BwShape) shape = NULL;
  ModelLayer *layer;

  if (!row->has_image_id || !row->has_category_id || !row->has_score)
    {
      g_set_error (error, BW_JSON_ERROR, BW_JSON_ERROR_INVALID, _("“%s” is missing"),
                   !row->has_image_id ? "image_id" : !row->has_category_id ? "category_id" : "score");
      return FALSE;
    }
  if (row->has_id)
    g_array_append_val (import->annotation_ids, row->id);

  if (!g_hash_table_contains (import->category_ids, &row->category_id))
    {
      g_set_error (error, BW_JSON_ERROR, BW_JSON_ERROR_INVALID,
                   _("“category_id” %" PRId64 " is not a category of the project"),
                   row->category_id);
      return FALSE;
    }

  shape = row_to_shape (import, row, error);
  if (shape == NULL)
    return row->rle || row->refused;

  if (row->score < import->options->min_score)
    {
      import->result.skipped_low_score++;
      return TRUE;
    }

  layer = g_hash_table_lookup (import->layers, &row->image_id);
  if (layer == NULL)
    {
      g_autoptr(BwImage) image = bw_project_get_image (import->project, row->image_id, NULL);

      if (image == NULL)
        {
          g_set_error (error, BW_JSON_ERROR, BW_JSON_ERROR_INVALID,
                       _("“image_id” %" PRId64 " is not an image of the project"),
                       row->image_id);
          return FALSE;
        }

      layer = g_new0 (ModelLayer, 1);
      g_hash_table_insert (import->layers, g_memdup2 (&row->image_id, sizeof (gint64)), layer);
      layer->image_id = image->id;
      layer->width = image->width;
      layer->height = image->height;
      if (!bw_import_find_layer (import->project, image->id, import->model_person,
                                 BW_LAYER_KIND_MODEL, &layer->existing, error))
        return FALSE;
      import->result.images_matched++;
    }

  /* Targets are the images' ids. */
  return stage_open (import, error) &&
         bw_import_stage_annotation (import->project, import->import_id, layer->image_id,
                                     row->category_id, shape,
                                     layer->width, layer->height, BW_SOURCE_PREDICTION, row->score,
                                     layer->existing, &import->result, error) &&
         staged_one (import, error);
}

static gboolean
read_annotations (Import   *import,
                  gboolean  predictions,
                  GError  **error)
{
  BwJsonStream *stream = import->stream;
  gboolean more;

  if (!bw_json_stream_begin_array (stream, error))
    {
      g_prefix_error (error, predictions ? "" : "“annotations”: ");
      return FALSE;
    }

  for (import->index = 0;; import->index++)
    {
      Row row;
      gboolean ok;

      if (!bw_json_stream_next_element (stream, &more, error))
        return FALSE;
      if (!more)
        break;

      if ((import->index & 4095) == 0)
        {
          if (g_cancellable_set_error_if_cancelled (import->cancellable, error))
            return FALSE;
        }

      ok = read_row (import, &row, error);
      if (ok)
        ok = predictions ? import_prediction (import, &row, error) : import_instance (import, &row, error);
      if (!ok)
        {
          if (predictions)
            g_prefix_error (error, _("prediction %" PRIu64 ": "), import->index + 1);
          else if (row.has_id)
            g_prefix_error (error, "annotations[%" G_GUINT64_FORMAT "] (id %" G_GINT64_FORMAT "): ",
                            import->index, row.id);
          else
            g_prefix_error (error, "annotations[%" G_GUINT64_FORMAT "]: ", import->index);
          return FALSE;
        }
    }

  return TRUE;
}

static gboolean
check_annotation_ids (Import  *import,
                      GError **error)
{
  gint64 duplicate;

  if (!sort_by_coco_id (import->annotation_ids, &duplicate))
    {
      g_set_error (error, BW_JSON_ERROR, BW_JSON_ERROR_INVALID,
                   _("the annotation id %" PRId64 " appears twice"), duplicate);
      return FALSE;
    }
  return TRUE;
}

static gboolean
import_instances (Import  *import,
                  GError **error)
{
  BwJsonStream *stream = import->stream;
  gboolean seen_images = FALSE, seen_categories = FALSE, seen_annotations = FALSE;
  gboolean resolved = FALSE, pending = FALSE;
  const char *key;

  if (!bw_json_stream_begin_object (stream, error))
    return FALSE;

  while (TRUE)
    {
      gboolean ok;

      if (!bw_json_stream_next_member (stream, &key, error))
        return FALSE;
      if (key == NULL)
        break;

      if ((strcmp (key, "images") == 0 && seen_images) ||
          (strcmp (key, "categories") == 0 && seen_categories) ||
          (strcmp (key, "annotations") == 0 && seen_annotations))
        {
          g_set_error (error, BW_JSON_ERROR, BW_JSON_ERROR_INVALID,
                       _("“%s” appears twice"), key);
          return FALSE;
        }

      if (strcmp (key, "images") == 0)
        ok = seen_images = read_images (import, error);
      else if (strcmp (key, "categories") == 0)
        ok = seen_categories = read_categories (import, error);
      else if (strcmp (key, "annotations") == 0)
        {
          seen_annotations = TRUE;
          if (seen_images && seen_categories)
            {
              ok = resolved = resolve (import, error);
              if (ok)
                ok = read_annotations (import, FALSE, error);
            }
          else
            {
              pending = TRUE;
              ok = bw_json_stream_skip_value (stream, error);
            }
        }
      else
        ok = bw_json_stream_skip_value (stream, error);

      if (!ok)
        return FALSE;
    }

  if (!bw_json_stream_end (stream, error))
    return FALSE;

  if (!seen_images || !seen_categories || !seen_annotations)
    {
      g_set_error (error, BW_JSON_ERROR, BW_JSON_ERROR_INVALID,
                   _("not a COCO instances file: “%s” is missing"),
                   !seen_images ? "images" : !seen_categories ? "categories" : "annotations");
      return FALSE;
    }

  if (pending)
    {
      /* The annotations came first: read the file again for them. */
      if (!resolved && !resolve (import, error))
        return FALSE;

      bw_json_stream_rewind (stream);
      if (!bw_json_stream_begin_object (stream, error))
        return FALSE;
      while (TRUE)
        {
          gboolean ok;

          if (!bw_json_stream_next_member (stream, &key, error))
            return FALSE;
          if (key == NULL)
            break;
          if (strcmp (key, "annotations") == 0)
            ok = read_annotations (import, FALSE, error);
          else
            ok = bw_json_stream_skip_value (stream, error);
          if (!ok)
            return FALSE;
        }
    }

  return check_annotation_ids (import, error);
}

static gboolean
import_predictions (Import  *import,
                    GError **error)
{
  g_autoptr(GPtrArray) categories = bw_project_list_categories (import->project, error);
  const char *model = import->options->model_name ? import->options->model_name : "model";

  if (categories == NULL)
    return FALSE;
  for (guint i = 0; i < categories->len; i++)
    {
      BwCategory *category = g_ptr_array_index (categories, i);

      g_hash_table_add (import->category_ids, g_memdup2 (&category->id, sizeof (gint64)));
    }

  import->model_person = _bw_project_find_person_id (import->project, model);

  return read_annotations (import, TRUE, error) &&
         bw_json_stream_end (import->stream, error) &&
         check_annotation_ids (import, error);
}

/* The last step of predictions: the model's layers, then the rows. */
static gboolean
finish_predictions (Import  *import,
                    GError **error)
{
  const char *model = import->options->model_name ? import->options->model_name : "model";
  GHashTableIter iter;
  ModelLayer *layer;

  if (!bw_project_ensure_person (import->project, model, BW_ROLE_MODEL, &import->model_person, error))
    return FALSE;

  g_hash_table_iter_init (&iter, import->layers);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &layer))
    if (!_bw_project_import_layer (import->project, layer->image_id, import->model_person,
                                   BW_LAYER_KIND_MODEL, &layer->id, NULL, error) ||
        !_bw_project_stage_set_layer (import->project, layer->image_id, layer->id, error))
      return FALSE;

  return _bw_project_stage_finish (import->project, import->import_id, NULL, error);
}

/* With --gold or --as, the person whose layers the instances go into:
 * while staging, only looked up (a new person has no layers yet). */
static gboolean
open_answers (Import  *import,
              GError **error)
{
  if (import->options->person_name == NULL)
    return TRUE;
  import->work_person = _bw_project_find_person_id (import->project, import->options->person_name);
  return TRUE;
}

/* The last step of instances: everything the import adds, in one
 * transaction with the staged rows moving into annotations. */
static gboolean
finish_instances (Import  *import,
                  GError **error)
{
  if (import->options->person_name != NULL &&
      !bw_project_ensure_person (import->project, import->options->person_name,
                                 BW_ROLE_ANNOTATOR, &import->work_person, error))
    return FALSE;

  for (guint i = 0; i < import->categories->len; i++)
    {
      CocoCategory *category = &g_array_index (import->categories, CocoCategory, i);
      gboolean added;

      if (category->project_id > 0)
        continue;
      if (!bw_import_ensure_category (import->project, category->name, category->supercategory,
                                      &category->project_id, &added, error))
        {
          g_autofree char *shown = bw_text_for_message (category->name, -1, 0);

          g_prefix_error (error, _("category “%s”: "), shown);
          return FALSE;
        }
      if (added)
        import->result.categories_added++;
      if (!_bw_project_stage_set_category (import->project, -((gint64) i + 1), category->project_id,
                                           error))
        return FALSE;
    }

  for (guint i = 0; i < import->images->len; i++)
    {
      CocoImage *image = &g_array_index (import->images, CocoImage, i);

      if (image->pending != NULL)
        {
          if (!bw_project_add_image (import->project, image->pending, &image->project_id, error))
            {
              g_prefix_error (error, _("image %" PRId64 ": "), image->coco_id);
              return FALSE;
            }
          import->result.images_added++;
        }

      if (image->staged &&
          (!_bw_project_import_layer (import->project, image->project_id, import->work_person,
                                      import->options->gold ? BW_LAYER_KIND_GOLD : BW_LAYER_KIND_WORK,
                                      &image->layer_id, NULL, error) ||
           !_bw_project_stage_set_layer (import->project, (gint64) i + 1, image->layer_id, error)))
        return FALSE;
    }

  return _bw_project_stage_finish (import->project, import->import_id, NULL, error);
}

/* With --gold or --as: every image of the file gets its answer, empty or
 * not; gold answers make gold images, a person's answers are submitted. */
static gboolean
close_answers (Import  *import,
               GError **error)
{
  if (!import->options->gold && import->options->person_name == NULL)
    return TRUE;

  for (guint i = 0; i < import->images->len; i++)
    {
      CocoImage *image = &g_array_index (import->images, CocoImage, i);

      if (image->project_id == 0)
        continue;
      if (image->layer_id == 0 &&
          !bw_import_open_layer (import->project, image->project_id, import->work_person,
                                 import->options->gold ? BW_LAYER_KIND_GOLD : BW_LAYER_KIND_WORK,
                                 &image->layer_id, &image->existing, error))
        return FALSE;
      if (import->options->gold
          ? !bw_project_set_image_gold (import->project, image->project_id, TRUE, error)
          : !bw_project_submit_layer (import->project, image->layer_id, error))
        return FALSE;
    }
  return TRUE;
}

/**
 * bw_coco_import:
 * @project: a project
 * @file: a COCO instances file, or with @options->predictions a COCO
 *   results file
 * @options: where the images are, and about predictions
 * @result: (out caller-allocates) (optional): what was imported and skipped
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Imports @file in one transaction: on any error nothing is changed.
 * Instances go into a work layer of each image (no person; or the gold
 * layer, or a person's layer, see #BwCocoImportOptions), predictions
 * into a model layer with their scores. Categories are matched by name,
 * and created when missing. RLE masks are counted and skipped.
 *
 * Returns: %TRUE on success
 */
gboolean
bw_coco_import (BwProject                 *project,
                GFile                     *file,
                const BwCocoImportOptions *options,
                BwAnnotationImportResult  *result,
                GCancellable              *cancellable,
                GError                   **error)
{
  static const BwCocoImportOptions defaults = { 0, };
  g_autoptr(BwJsonStream) stream = NULL;
  g_autoptr(GError) local_error = NULL;
  Import import = { 0, };
  BwJsonStreamType top;
  gboolean ok = FALSE;

  g_return_val_if_fail (BW_IS_PROJECT (project), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  if (options == NULL)
    options = &defaults;
  if (result != NULL)
    memset (result, 0, sizeof *result);

  if (g_file_peek_path (file) == NULL)
    {
      g_autofree char *uri = g_file_get_uri (file);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("%s: only local files can be imported"), uri);
      return FALSE;
    }

  if (!options->predictions)
    {
      if (options->images_folder == NULL || g_file_peek_path (options->images_folder) == NULL ||
          !g_file_test (g_file_peek_path (options->images_folder), G_FILE_TEST_IS_DIR))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                       _("%s: choose the folder that holds its images"), g_file_peek_path (file));
          return FALSE;
        }
    }

  if (g_file_test (g_file_peek_path (file), G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY,
                   _("%s: is a folder, not a COCO JSON file"), g_file_peek_path (file));
      return FALSE;
    }

  stream = bw_json_stream_new_for_file (file, BW_JSON_DEFAULT_MAX_DEPTH, &local_error);
  if (stream == NULL)
    {
      bw_json_prefix_error (&local_error, file, NULL);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (bw_json_stream_get_size (stream) > MAX_COCO_BYTES)
    {
      g_set_error (error, BW_JSON_ERROR, BW_JSON_ERROR_TOO_BIG,
                   _("%s: the file is larger than 8 GB"), g_file_peek_path (file));
      return FALSE;
    }

  import.project = project;
  import.file = file;
  import.options = options;
  import.stream = stream;
  import.cancellable = cancellable;
  import.images = g_array_new (FALSE, TRUE, sizeof (CocoImage));
  g_array_set_clear_func (import.images, coco_image_clear);
  import.categories = g_array_new (FALSE, TRUE, sizeof (CocoCategory));
  g_array_set_clear_func (import.categories, coco_category_clear);
  import.annotation_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  import.points = g_array_new (FALSE, FALSE, sizeof (BwPoint));
  import.part_ends = g_array_new (FALSE, FALSE, sizeof (guint));
  import.layers = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, model_layer_free);
  import.category_ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  if (options->images_folder != NULL && g_file_peek_path (options->images_folder) != NULL)
    import.root = g_canonicalize_filename (g_file_peek_path (options->images_folder), NULL);
  else
    import.root = g_strdup ("/nonexistent");

  if (!bw_json_stream_peek (stream, &top, &local_error))
    goto out;

  if (options->predictions && top != BW_JSON_STREAM_ARRAY)
    {
      g_set_error (&local_error, BW_JSON_ERROR, BW_JSON_ERROR_INVALID,
                   _("not a COCO results file: a results file is a list of predictions, this is %s"),
                   bw_json_stream_type_describe (top));
      goto out;
    }
  if (!options->predictions && top != BW_JSON_STREAM_OBJECT)
    {
      if (top == BW_JSON_STREAM_ARRAY)
        g_set_error (&local_error, BW_JSON_ERROR, BW_JSON_ERROR_INVALID,
                     _("this is a COCO results file (a list of predictions): import it as predictions"));
      else
        g_set_error (&local_error, BW_JSON_ERROR, BW_JSON_ERROR_INVALID,
                     _("not a COCO instances file: it is %s, not an object"),
                     bw_json_stream_type_describe (top));
      goto out;
    }

  if (!_bw_project_stage_begin (project, &import.import_id, &local_error))
    goto out;

  /* Staging, a chunk a transaction. */
  if (options->predictions)
    ok = import_predictions (&import, &local_error);
  else
    ok = open_answers (&import, &local_error) &&
         import_instances (&import, &local_error);
  if (!ok)
    {
      if (import.in_chunk)
        bw_project_rollback (project);
      goto discard;
    }
  if (!stage_close (&import, &local_error))
    {
      ok = FALSE;
      goto discard;
    }

  /* The last step. */
  if (!bw_project_begin (project, &local_error))
    {
      ok = FALSE;
      goto discard;
    }
  if (options->predictions)
    ok = finish_predictions (&import, &local_error);
  else
    ok = finish_instances (&import, &local_error) &&
         close_answers (&import, &local_error);
  if (!ok)
    bw_project_rollback (project);
  else
    ok = bw_project_commit (project, &local_error);

discard:
  if (ok)
    _bw_project_import_done (project);
  /* After the last step too: its rows are copies now. */
  _bw_project_stage_discard (project, import.import_id);

out:
  import.result.files = ok ? 1 : 0;
  if (ok && result != NULL)
    *result = import.result;

  g_array_unref (import.images);
  g_array_unref (import.categories);
  g_array_unref (import.annotation_ids);
  g_array_unref (import.points);
  g_array_unref (import.part_ends);
  g_hash_table_unref (import.layers);
  g_hash_table_unref (import.category_ids);
  g_free (import.root);

  if (!ok)
    {
      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        fail (&import, &local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
    }
  return ok;
}
