/* bw-import-util.c — what the annotation importers share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bw-import"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "bw-geometry.h"
#include "bw-image-decoder.h"
#include "bw-import-util.h"
#include "bw-json.h"
#include "bw-project-export.h"
#include "bw-text.h"

/**
 * bw_annotation_import_result_describe:
 *
 * Returns: (transfer full): one line of counts, for the CLI and toasts
 */
char *
bw_annotation_import_result_describe (const BwAnnotationImportResult *r)
{
  GString *s = g_string_new (NULL);

  g_string_append_printf (s, _("%" PRIu64 " annotations imported (%" PRIu64
                               " boxes, %" PRIu64 " polygons)"),
                          r->annotations, r->boxes, r->polygons);
  g_string_append_printf (s, _(", %" PRIu64 " images matched, %" PRIu64 " added"),
                          r->images_matched, r->images_added);
  if (r->categories_added > 0)
    g_string_append_printf (s, _(", %" PRIu64 " new categories"), r->categories_added);
  if (r->images_missing > 0)
    g_string_append_printf (s, _("; %" PRIu64 " images not found (%" PRIu64
                                 " annotations skipped)"),
                            r->images_missing, r->skipped_missing_image);
  if (r->skipped_rle > 0)
    g_string_append_printf (s, _("; %" PRIu64 " RLE masks skipped"), r->skipped_rle);
  if (r->skipped_low_score > 0)
    g_string_append_printf (s, _("; %" PRIu64 " predictions under the minimum score skipped"),
                            r->skipped_low_score);
  if (r->skipped_duplicates > 0)
    g_string_append_printf (s, _("; %" PRIu64 " already in the project skipped"),
                            r->skipped_duplicates);
  if (r->skipped_shapes > 0)
    g_string_append_printf (s, _("; %" PRIu64 " shapes of other kinds skipped"),
                            r->skipped_shapes);
  if (r->refused_outside > 0)
    g_string_append_printf (s, _("; %" PRIu64 " refused as mostly outside the image"),
                            r->refused_outside);
  if (r->refused_degenerate > 0)
    g_string_append_printf (s, _("; %" PRIu64 " refused as having no area"),
                            r->refused_degenerate);
  if (r->refused_not_finite > 0)
    g_string_append_printf (s, _("; %" PRIu64 " refused for a coordinate that is not a finite number"),
                            r->refused_not_finite);
  if (r->refused_too_big > 0)
    g_string_append_printf (s, _("; %" PRIu64 " refused for more than %u points or %u parts"),
                            r->refused_too_big, BW_SHAPE_MAX_POINTS, BW_SHAPE_MAX_PARTS);
  if (r->fitted > 0)
    g_string_append_printf (s, _("; %" PRIu64 " cut to the image or made valid"), r->fitted);
  return g_string_free (s, FALSE);
}

/**
 * bw_import_count_refusal:
 * @error: why bw_shape_fit_to_image() refused a shape
 *
 * Counts a refused shape in @result by its reason.
 *
 * Returns: %TRUE when @error is a refusal of a shape (a
 *   %BW_GEOMETRY_ERROR), which the import counts and goes on from;
 *   %FALSE for any other error, which stops the import
 */
gboolean
bw_import_count_refusal (BwAnnotationImportResult *result,
                         const GError             *error)
{
  if (error == NULL || error->domain != BW_GEOMETRY_ERROR)
    return FALSE;

  switch ((BwGeometryError) error->code)
    {
    case BW_GEOMETRY_ERROR_OUTSIDE:
      result->refused_outside++;
      return TRUE;
    case BW_GEOMETRY_ERROR_TOO_BIG:
      result->refused_too_big++;
      return TRUE;
    case BW_GEOMETRY_ERROR_NOT_FINITE:
      result->refused_not_finite++;
      return TRUE;
    case BW_GEOMETRY_ERROR_DEGENERATE:
    case BW_GEOMETRY_ERROR_INVALID:
    default:
      result->refused_degenerate++;
      return TRUE;
    }
}

/* Whether @path is strictly under the folder @root; both absolute and
 * canonical. */
static gboolean
path_is_inside (const char *path,
                const char *root)
{
  gsize root_len = strlen (root);

  return strncmp (path, root, root_len) == 0 &&
         (root_len == 1 || path[root_len] == '/') &&
         path[root_len + (root_len > 1)] != '\0';
}

/**
 * bw_import_resolve_path:
 * @root: the canonical folder the user chose; nothing outside it is read
 * @base: (nullable): the canonical folder @untrusted is relative to;
 *   %NULL for @root
 * @untrusted: a relative path from an imported file; “\” counts as “/”
 *
 * Returns: (transfer full): the canonical absolute path, or %NULL when
 *   @untrusted is absolute or leads outside @root
 */
char *
bw_import_resolve_path (const char  *root,
                        const char  *base,
                        const char  *untrusted,
                        GError     **error)
{
  g_autofree char *relative = g_strdup (untrusted);
  g_autofree char *absolute = NULL;

  g_strdelimit (relative, "\\", '/');

  if (*relative == '\0')
    {
      g_set_error (error, BW_JSON_ERROR, BW_JSON_ERROR_INVALID, _("the file name is empty"));
      return NULL;
    }

  /* "/x", and Windows' "C:/x" and "//server/x". */
  if (g_path_is_absolute (relative) ||
      (g_ascii_isalpha (relative[0]) && relative[1] == ':'))
    {
      g_autofree char *shown = bw_text_for_message (untrusted, -1, 0);

      g_set_error (error, BW_JSON_ERROR, BW_JSON_ERROR_INVALID,
                   _("the file name “%s” is an absolute path; only paths inside the image folder are read"),
                   shown);
      return NULL;
    }

  absolute = g_canonicalize_filename (relative, base ? base : root);
  if (!path_is_inside (absolute, root))
    goto outside;

  /* g_canonicalize_filename() works on the text only: a symbolic link
   * inside the folder (to a file or to a folder) can still lead out of it.
   * What exists is checked by its real path too; what does not is not
   * read, and is reported missing. */
  {
    g_autofree char *real = realpath (absolute, NULL);

    if (real != NULL)
      {
        g_autofree char *real_root = realpath (root, NULL);

        if (real_root == NULL || !path_is_inside (real, real_root))
          goto outside;
      }
  }

  return g_steal_pointer (&absolute);

outside:
  {
    g_autofree char *shown = bw_text_for_message (untrusted, -1, 0);
    g_autofree char *shown_root = bw_text_for_message (root, -1, 4096);

    g_set_error (error, BW_JSON_ERROR, BW_JSON_ERROR_INVALID,
                 _("the file name “%s” leads outside the image folder “%s”"), shown, shown_root);
    return NULL;
  }
}

/**
 * bw_import_find_or_probe_image:
 * @expected_width: the width the imported file gives, or 0
 * @out_id: (out): the image's id, or 0 when it is not in the project
 * @out_new: (out) (transfer full): when the image is not in the project
 *   but on disk, what bw_project_add_image() would add for it (header and
 *   content hash; the perceptual hash is left unknown); else %NULL
 *
 * Finds the image at @absolute_path in the project, or reads it from
 * disk, writing nothing.
 */
gboolean
bw_import_find_or_probe_image (BwProject   *project,
                               const char  *absolute_path,
                               int          expected_width,
                               int          expected_height,
                               gint64      *out_id,
                               BwImage    **out_new,
                               GError     **error)
{
  g_autofree char *stored = bw_project_make_image_path (project, absolute_path);
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *hash = NULL;
  BwImageInfo info = { 0, };
  BwImage image = { 0, };
  gint64 id;

  *out_id = 0;
  *out_new = NULL;

  id = bw_project_find_image_by_path (project, stored);
  if (id > 0)
    {
      g_autoptr(BwImage) existing = bw_project_get_image (project, id, error);

      if (existing == NULL)
        return FALSE;
      if (expected_width > 0 && (existing->width != expected_width || existing->height != expected_height))
        {
          g_set_error (error, BW_JSON_ERROR, BW_JSON_ERROR_INVALID,
                       _("the image “%s” is %d × %d in the file but %d × %d in the project"),
                       absolute_path, expected_width, expected_height,
                       existing->width, existing->height);
          return FALSE;
        }
      *out_id = id;
      return TRUE;
    }

  if (!g_file_test (absolute_path, G_FILE_TEST_IS_REGULAR))
    return TRUE;

  bytes = bw_image_read_file (absolute_path, absolute_path, error);
  if (bytes == NULL ||
      !bw_image_probe_data (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                            absolute_path, &info, error) ||
      !bw_image_check_size (&info, BW_IMAGE_DEFAULT_MAX_PIXELS, absolute_path, error))
    return FALSE;

  if (expected_width > 0 && (info.width != expected_width || info.height != expected_height))
    {
      g_set_error (error, BW_JSON_ERROR, BW_JSON_ERROR_INVALID,
                   _("the image “%s” is %d × %d in the file but %d × %d on disk"),
                   absolute_path, expected_width, expected_height, info.width, info.height);
      return FALSE;
    }

  hash = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
  image.path = stored;
  image.width = info.width;
  image.height = info.height;
  image.byte_size = (gint64) g_bytes_get_size (bytes);
  image.content_hash = hash;
  image.orientation = info.orientation > 0 ? info.orientation : 1;
  image.status = BW_IMAGE_STATUS_NEW;

  *out_new = bw_image_copy (&image);
  return TRUE;
}

/**
 * bw_import_find_or_add_image:
 * @expected_width: the width the imported file gives, or 0
 * @out_id: (out): the image's id, or 0 when it is neither in the project
 *   nor on disk
 *
 * Finds the image at @absolute_path in the project, or adds it from disk
 * (see bw_import_find_or_probe_image()).
 */
gboolean
bw_import_find_or_add_image (BwProject   *project,
                             const char  *absolute_path,
                             int          expected_width,
                             int          expected_height,
                             gint64      *out_id,
                             gboolean    *out_added,
                             GError     **error)
{
  g_autoptr(BwImage) image = NULL;

  *out_added = FALSE;
  if (!bw_import_find_or_probe_image (project, absolute_path, expected_width, expected_height,
                                      out_id, &image, error))
    return FALSE;
  if (image == NULL)
    return TRUE;

  if (!bw_project_add_image (project, image, out_id, error))
    return FALSE;
  *out_added = TRUE;
  return TRUE;
}

/* New categories get colours that tell apart on the canvas. */
static const char * const palette[] = {
  "#e01b24", "#2ec27e", "#3584e4", "#f6d32d", "#9141ac",
  "#ff7800", "#26a269", "#1c71d8", "#c64600", "#613583",
};

gboolean
bw_import_ensure_category (BwProject   *project,
                           const char  *name,
                           const char  *supercategory,
                           gint64      *out_id,
                           gboolean    *out_added,
                           GError     **error)
{
  gint64 id = bw_project_find_category_by_name (project, name);
  BwProjectCounts counts;

  *out_added = FALSE;
  if (id > 0)
    {
      *out_id = id;
      return TRUE;
    }

  if (!bw_project_get_counts (project, &counts, error))
    return FALSE;
  if (!bw_project_add_category (project, name, supercategory ? supercategory : "",
                                palette[counts.categories % G_N_ELEMENTS (palette)],
                                out_id, error))
    return FALSE;
  *out_added = TRUE;
  return TRUE;
}

/* A text that is equal for the same category and geometry, to a
 * millionth of a pixel. */
static char *
shape_key (gint64         category_id,
           const BwShape *shape)
{
  GString *key = g_string_new (NULL);

  g_string_append_printf (key, "%" G_GINT64_FORMAT " %d %.6f %.6f %.6f %.6f", category_id, shape->kind,
                          shape->bbox.x0, shape->bbox.y0, shape->bbox.x1, shape->bbox.y1);
  for (guint p = 0; p < shape->n_parts; p++)
    {
      g_string_append_c (key, '|');
      for (guint i = bw_shape_part_start (shape, p); i < shape->part_ends[p]; i++)
        g_string_append_printf (key, " %.6f %.6f", shape->points[i].x, shape->points[i].y);
    }
  return g_string_free (key, FALSE);
}

/**
 * bw_import_new_keys:
 *
 * Returns: (transfer full): an empty set of annotation keys, as
 *   bw_import_open_layer() gives for a layer that holds something
 */
GHashTable *
bw_import_new_keys (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/**
 * bw_import_remember_key:
 *
 * Adds the key of an annotation of @category_id and @shape to @keys, so
 * that bw_import_stage_annotation() skips it when it comes again.
 */
void
bw_import_remember_key (GHashTable    *keys,
                        gint64         category_id,
                        const BwShape *shape)
{
  g_hash_table_add (keys, shape_key (category_id, shape));
}

/* The keys of the annotations already in @layer_id, for
 * bw_import_add_annotation() to skip what is there. */
static GHashTable *
layer_keys (BwProject  *project,
            gint64      layer_id,
            GError    **error)
{
  g_autoptr(GPtrArray) annotations = bw_project_list_annotations (project, layer_id, error);
  GHashTable *keys;

  if (annotations == NULL)
    return NULL;

  keys = bw_import_new_keys ();
  for (guint i = 0; i < annotations->len; i++)
    {
      BwAnnotation *a = g_ptr_array_index (annotations, i);

      g_hash_table_add (keys, shape_key (a->category_id, a->shape));
    }
  return keys;
}

/**
 * bw_import_open_layer:
 * @out_layer_id: (out): the layer of @kind of @image_id and @person_id,
 *   created when there was none
 * @out_existing: (out) (transfer full): %NULL for a new layer, else the
 *   keys of what the layer already holds, for bw_import_add_annotation()
 */
gboolean
bw_import_open_layer (BwProject    *project,
                      gint64        image_id,
                      gint64        person_id,
                      BwLayerKind   kind,
                      gint64       *out_layer_id,
                      GHashTable  **out_existing,
                      GError      **error)
{
  gboolean created;

  *out_existing = NULL;
  if (!_bw_project_import_layer (project, image_id, person_id, kind, out_layer_id, &created, error))
    return FALSE;
  if (!created && !(*out_existing = layer_keys (project, *out_layer_id, error)))
    return FALSE;
  return TRUE;
}

/**
 * bw_import_find_layer:
 * @out_existing: (out) (transfer full): %NULL when there is no such layer
 *   yet, else the keys of what it holds, for bw_import_stage_annotation()
 *
 * The look-up of bw_import_open_layer(), writing nothing.
 */
gboolean
bw_import_find_layer (BwProject    *project,
                      gint64        image_id,
                      gint64        person_id,
                      BwLayerKind   kind,
                      GHashTable  **out_existing,
                      GError      **error)
{
  gint64 layer_id = 0;

  *out_existing = NULL;
  if (image_id <= 0)
    return TRUE;
  if (!_bw_project_find_import_layer (project, image_id, person_id, kind, &layer_id, error))
    return FALSE;
  if (layer_id > 0 && !(*out_existing = layer_keys (project, layer_id, error)))
    return FALSE;
  return TRUE;
}

/* What bw_import_add_annotation() and bw_import_stage_annotation() do
 * before they write: fit the shape, count a refusal or a duplicate.
 * Returns FALSE on an error; *out_keep says whether to write it. */
static gboolean
prepare_annotation (gint64                     category_id,
                    BwShape                   *shape,
                    int                        image_width,
                    int                        image_height,
                    GHashTable                *existing,
                    BwAnnotationImportResult  *result,
                    gboolean                  *out_keep,
                    GError                   **error)
{
  g_autoptr(GError) refusal = NULL;
  gboolean fitted = FALSE;

  *out_keep = FALSE;
  if (!bw_shape_fit_to_image (shape, image_width, image_height, &fitted, &refusal))
    {
      if (bw_import_count_refusal (result, refusal))
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&refusal));
      return FALSE;
    }
  if (fitted)
    result->fitted++;

  if (existing != NULL)
    {
      char *key = shape_key (category_id, shape);

      if (g_hash_table_contains (existing, key))
        {
          g_free (key);
          result->skipped_duplicates++;
          return TRUE;
        }
      g_hash_table_add (existing, key);
    }

  *out_keep = TRUE;
  return TRUE;
}

static void
count_added (BwAnnotationImportResult *result,
             const BwShape            *shape)
{
  result->annotations++;
  if (shape->kind == BW_SHAPE_BOX)
    result->boxes++;
  else
    {
      result->polygons++;
      if (shape->n_parts > 1)
        result->multipart++;
    }
}

/**
 * bw_import_stage_annotation:
 * @import_id: from _bw_project_stage_begin()
 * @target: the caller's name for the layer it goes to
 * @category: a category id, or a negative placeholder
 *
 * bw_import_add_annotation(), into the import's staging rows (see
 * bw-project-staging.c); @existing holds keys of the target layer's
 * annotations under their final category ids, and @category is what a
 * new annotation's key is made with.
 */
gboolean
bw_import_stage_annotation (BwProject                 *project,
                            gint64                     import_id,
                            gint64                     target,
                            gint64                     category,
                            BwShape                   *shape,
                            int                        image_width,
                            int                        image_height,
                            BwSource                   source,
                            double                     score,
                            GHashTable                *existing,
                            BwAnnotationImportResult  *result,
                            GError                   **error)
{
  gboolean keep;

  if (!prepare_annotation (category, shape, image_width, image_height, existing, result,
                           &keep, error))
    return FALSE;
  if (!keep)
    return TRUE;
  if (!_bw_project_stage_annotation (project, import_id, target, category, shape, source,
                                     score, error))
    return FALSE;
  count_added (result, shape);
  return TRUE;
}

/**
 * bw_import_add_annotation:
 * @shape: fitted to the image in place (bw_shape_fit_to_image())
 * @existing: (nullable): keys from bw_import_open_layer(); an annotation
 *   found there is not added again, and one added is put there
 * @result: counts the annotation added (and its kind), skipped as a
 *   duplicate, or refused and why
 *
 * Shapes from other programs are cut to the image (640.5 on a 640-pixel
 * image is common in exported data) and self-intersecting outlines made
 * valid. A shape that cannot be kept (mostly outside the image, without
 * area, not finite, over the limits) is counted in @result and skipped:
 * it is not an error.
 */
gboolean
bw_import_add_annotation (BwProject                 *project,
                          gint64                     layer_id,
                          gint64                     category_id,
                          BwShape                   *shape,
                          int                        image_width,
                          int                        image_height,
                          BwSource                   source,
                          double                     score,
                          GHashTable                *existing,
                          BwAnnotationImportResult  *result,
                          GError                   **error)
{
  gboolean keep;

  if (!prepare_annotation (category_id, shape, image_width, image_height, existing, result,
                           &keep, error))
    return FALSE;
  if (!keep)
    return TRUE;
  if (!_bw_project_import_annotation (project, layer_id, category_id, shape, source,
                                      score, error))
    return FALSE;
  count_added (result, shape);
  return TRUE;
}
