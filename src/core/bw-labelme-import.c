/* bw-labelme-import.c — labelme JSON import
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A labelme file describes one image: `imagePath` (relative to the JSON
 * file), `imageWidth`, `imageHeight` and `shapes`, each with a `label`,
 * `points` ([[x, y], …]), a `shape_type` and an optional `group_id`.
 *
 * - "rectangle" (two corners) becomes a box, "polygon" (or no shape_type,
 *   as older labelme wrote) a polygon;
 * - shapes with the same label and the same non-null group_id are one
 *   object: they become one polygon of several parts (a rectangle in such
 *   a group becomes a four-point part);
 * - other kinds (circle, line, linestrip, point, mask) are counted and
 *   skipped.
 *
 * Each path given may be a file or a folder (searched recursively for
 * *.json). Image paths are untrusted: they may not be absolute or lead
 * outside the folder given (or, for a file, outside its folder). All files
 * are imported in one transaction.
 */

#define G_LOG_DOMAIN "bw-labelme-import"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "bw-json.h"
#include "bw-labelme-import.h"
#include "bw-project-export.h"

typedef struct
{
  char    *label;
  gboolean grouped;
  gint64   group_id;
  BwShape *shape;
} Object;

static void
object_free (gpointer data)
{
  Object *object = data;

  g_free (object->label);
  g_clear_pointer (&object->shape, bw_shape_free);
  g_free (object);
}

static gboolean
read_points (JsonObject  *shape,
             GArray      *points,
             GError     **error)
{
  JsonArray *array;

  if (!bw_json_get_array (shape, "points", &array, error))
    return FALSE;

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      BwPoint p;

      if (!JSON_NODE_HOLDS_ARRAY (node) ||
          json_array_get_length (json_node_get_array (node)) != 2 ||
          !bw_json_node_get_double (json_array_get_element (json_node_get_array (node), 0), &p.x) ||
          !bw_json_node_get_double (json_array_get_element (json_node_get_array (node), 1), &p.y))
        {
          g_set_error (error, BW_JSON_ERROR, BW_JSON_ERROR_INVALID,
                       _("“points” must be a list of [x, y] pairs of finite numbers; point %u is not"),
                       i + 1);
          return FALSE;
        }
      g_array_append_val (points, p);
    }
  return TRUE;
}

/* The shape of one labelme shape, or NULL with no error for a kind that is
 * not imported. */
static BwShape *
read_shape (JsonObject  *shape,
            gboolean     as_polygon,
            gboolean    *skipped,
            GError     **error)
{
  g_autoptr(GArray) points = g_array_new (FALSE, FALSE, sizeof (BwPoint));
  const char *type = "polygon";

  *skipped = FALSE;
  if (bw_json_has_member (shape, "shape_type") &&
      !bw_json_get_string (shape, "shape_type", FALSE, &type, error))
    return NULL;

  if (strcmp (type, "rectangle") != 0 && strcmp (type, "polygon") != 0)
    {
      *skipped = TRUE;
      return NULL;
    }

  if (!read_points (shape, points, error))
    return NULL;

  if (strcmp (type, "rectangle") == 0)
    {
      BwPoint *p = (BwPoint *) (gpointer) points->data;
      double x0, y0, x1, y1;

      if (points->len != 2)
        {
          g_set_error (error, BW_JSON_ERROR, BW_JSON_ERROR_INVALID,
                       _("a rectangle needs 2 points, not %u"), points->len);
          return NULL;
        }
      x0 = MIN (p[0].x, p[1].x);
      y0 = MIN (p[0].y, p[1].y);
      x1 = MAX (p[0].x, p[1].x);
      y1 = MAX (p[0].y, p[1].y);
      if (as_polygon)
        {
          BwPoint corners[4] = { { x0, y0 }, { x1, y0 }, { x1, y1 }, { x0, y1 } };

          return bw_shape_new_polygon (corners, 4);
        }
      return bw_shape_new_box (x0, y0, x1, y1);
    }

  if (points->len < 3)
    {
      g_set_error (error, BW_JSON_ERROR, BW_JSON_ERROR_INVALID,
                   _("a polygon needs at least 3 points, not %u"), points->len);
      return NULL;
    }
  return bw_shape_new_polygon ((BwPoint *) (gpointer) points->data, points->len);
}

static gboolean
import_file (BwProject                 *project,
             GFile                     *file,
             const char                *root,
             BwAnnotationImportResult  *result,
             GError                   **error)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GPtrArray) objects = g_ptr_array_new_with_free_func (object_free);
  g_autoptr(GFile) parent = g_file_get_parent (file);
  g_autofree char *base = g_canonicalize_filename (g_file_peek_path (parent), NULL);
  g_autofree char *image_path = NULL;
  g_autoptr(GHashTable) existing = NULL;
  JsonObject *doc;
  JsonArray *shapes;
  const char *image_name;
  gint64 width = 0, height = 0, image_id = 0, layer_id = 0;
  gboolean added;

  node = bw_json_load_file (file, NULL, error);
  if (node == NULL)
    return FALSE;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, BW_JSON_ERROR, BW_JSON_ERROR_INVALID,
                   _("%s: not a labelme file: it is %s, not an object"),
                   g_file_peek_path (file), bw_json_node_describe (node));
      return FALSE;
    }
  doc = json_node_get_object (node);

  if (!bw_json_get_string (doc, "imagePath", FALSE, &image_name, error) ||
      !bw_json_get_array (doc, "shapes", &shapes, error) ||
      (bw_json_has_member (doc, "imageWidth") &&
       !bw_json_get_int (doc, "imageWidth", 1, G_MAXINT, &width, error)) ||
      (bw_json_has_member (doc, "imageHeight") &&
       !bw_json_get_int (doc, "imageHeight", 1, G_MAXINT, &height, error)))
    {
      bw_json_prefix_error (error, file, NULL);
      return FALSE;
    }

  /* Read every shape before writing anything for this file. */
  for (guint i = 0; i < json_array_get_length (shapes); i++)
    {
      JsonNode *element = json_array_get_element (shapes, i);
      JsonObject *shape;
      g_autoptr(BwShape) geometry = NULL;
      const char *label;
      gboolean grouped, skipped;
      gint64 group_id = 0;
      Object *found = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          g_set_error (error, BW_JSON_ERROR, BW_JSON_ERROR_INVALID,
                       _("must be an object, not %s"), bw_json_node_describe (element));
          bw_json_prefix_error (error, file, "shapes[%u]", i);
          return FALSE;
        }
      shape = json_node_get_object (element);

      grouped = bw_json_has_member (shape, "group_id");
      if (!bw_json_get_string (shape, "label", FALSE, &label, error) ||
          (grouped && !bw_json_get_int (shape, "group_id", G_MININT64, G_MAXINT64, &group_id, error)))
        {
          bw_json_prefix_error (error, file, "shapes[%u]", i);
          return FALSE;
        }

      if (grouped)
        for (guint j = 0; j < objects->len && found == NULL; j++)
          {
            Object *o = g_ptr_array_index (objects, j);

            if (o->grouped && o->group_id == group_id && strcmp (o->label, label) == 0)
              found = o;
          }

      geometry = read_shape (shape, found != NULL, &skipped, error);
      if (geometry == NULL)
        {
          if (skipped)
            {
              result->skipped_shapes++;
              continue;
            }
          bw_json_prefix_error (error, file, "shapes[%u]", i);
          return FALSE;
        }

      if (found != NULL)
        {
          /* A second part: the object becomes a polygon of parts. */
          if (found->shape->kind == BW_SHAPE_BOX)
            {
              BwRect b = found->shape->bbox;
              BwPoint corners[4] = { { b.x0, b.y0 }, { b.x1, b.y0 }, { b.x1, b.y1 }, { b.x0, b.y1 } };

              bw_shape_free (found->shape);
              found->shape = bw_shape_new_polygon (corners, 4);
            }
          bw_shape_add_part (found->shape, geometry->points, geometry->n_points);
        }
      else
        {
          Object *o = g_new0 (Object, 1);

          o->label = g_strdup (label);
          o->grouped = grouped;
          o->group_id = group_id;
          o->shape = g_steal_pointer (&geometry);
          g_ptr_array_add (objects, o);
        }
    }

  image_path = bw_import_resolve_path (root, base, image_name, error);
  if (image_path == NULL ||
      !bw_import_find_or_add_image (project, image_path, (int) width, (int) height,
                                    &image_id, &added, error))
    {
      bw_json_prefix_error (error, file, NULL);
      return FALSE;
    }

  result->files++;
  if (image_id == 0)
    {
      result->images_missing++;
      result->skipped_missing_image += objects->len;
      return TRUE;
    }
  if (added)
    result->images_added++;
  else
    result->images_matched++;

  if (width == 0 || height == 0)
    {
      g_autoptr(BwImage) image = bw_project_get_image (project, image_id, error);

      if (image == NULL)
        return FALSE;
      width = image->width;
      height = image->height;
    }

  if (objects->len > 0 &&
      !bw_import_open_layer (project, image_id, 0, BW_LAYER_KIND_WORK, &layer_id, &existing, error))
    return FALSE;

  for (guint i = 0; i < objects->len; i++)
    {
      Object *o = g_ptr_array_index (objects, i);
      gint64 category_id;

      if (!bw_import_ensure_category (project, o->label, NULL, &category_id, &added, error))
        {
          bw_json_prefix_error (error, file, NULL);
          return FALSE;
        }
      if (added)
        result->categories_added++;

      if (!bw_import_add_annotation (project, layer_id, category_id, o->shape,
                                     (int) width, (int) height, BW_SOURCE_IMPORTED, 1.0,
                                     existing, result, error))
        {
          bw_json_prefix_error (error, file, _("shape “%s”"), o->label);
          return FALSE;
        }
    }

  return TRUE;
}

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (g_file_peek_path (*(GFile * const *) a), g_file_peek_path (*(GFile * const *) b));
}

/* The *.json files under @folder, sorted, so imports are repeatable. */
static gboolean
collect_json (GFile      *folder,
              GPtrArray  *files,
              guint       depth,
              GError    **error)
{
  g_autoptr(GFileEnumerator) children = NULL;

  if (depth > 32)
    return TRUE;

  children = g_file_enumerate_children (folder,
                                        G_FILE_ATTRIBUTE_STANDARD_NAME ","
                                        G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, error);
  if (children == NULL)
    return FALSE;

  while (TRUE)
    {
      GFileInfo *info;
      GFile *child;

      if (!g_file_enumerator_iterate (children, &info, &child, NULL, error))
        return FALSE;
      if (info == NULL)
        break;

      if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
        {
          if (!collect_json (child, files, depth + 1, error))
            return FALSE;
        }
      else if (g_file_info_get_file_type (info) == G_FILE_TYPE_REGULAR &&
               g_str_has_suffix (g_file_info_get_name (info), ".json"))
        g_ptr_array_add (files, g_object_ref (child));
    }
  return TRUE;
}

/**
 * bw_labelme_import:
 * @project: a project
 * @paths: (array length=n_paths): labelme JSON files or folders of them
 * @n_paths: how many
 * @result: (out caller-allocates) (optional): what was imported and skipped
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Imports labelme annotations into a work layer of each image, in one
 * transaction: any error leaves the project as it was.
 *
 * Returns: %TRUE on success
 */
gboolean
bw_labelme_import (BwProject                 *project,
                   GFile * const             *paths,
                   guint                      n_paths,
                   BwAnnotationImportResult  *result,
                   GCancellable              *cancellable,
                   GError                   **error)
{
  BwAnnotationImportResult counts = { 0, };
  gboolean any_file = FALSE;

  g_return_val_if_fail (BW_IS_PROJECT (project), FALSE);

  if (result != NULL)
    memset (result, 0, sizeof *result);

  if (!bw_project_begin (project, error))
    return FALSE;

  for (guint i = 0; i < n_paths; i++)
    {
      g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);
      g_autofree char *root = NULL;
      GFileType type;

      if (g_file_peek_path (paths[i]) == NULL)
        {
          g_autofree char *name = g_file_get_parse_name (paths[i]);

          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                       _("%s: only local files can be imported"), name);
          goto failed;
        }

      type = g_file_query_file_type (paths[i], G_FILE_QUERY_INFO_NONE, NULL);
      if (type == G_FILE_TYPE_DIRECTORY)
        {
          root = g_canonicalize_filename (g_file_peek_path (paths[i]), NULL);
          if (!collect_json (paths[i], files, 0, error))
            goto failed;
          g_ptr_array_sort (files, compare_paths);
        }
      else if (type == G_FILE_TYPE_REGULAR)
        {
          g_autoptr(GFile) parent = g_file_get_parent (paths[i]);

          root = g_canonicalize_filename (g_file_peek_path (parent), NULL);
          g_ptr_array_add (files, g_object_ref (paths[i]));
        }
      else
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                       _("%s: no such file or folder"), g_file_peek_path (paths[i]));
          goto failed;
        }

      for (guint j = 0; j < files->len; j++)
        {
          if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
              !import_file (project, g_ptr_array_index (files, j), root, &counts, error))
            goto failed;
          any_file = TRUE;
        }
    }

  if (!any_file)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("No labelme JSON file found in what was given"));
      goto failed;
    }

  if (!bw_project_commit (project, error))
    goto failed;

  _bw_project_import_done (project);
  if (result != NULL)
    *result = counts;
  return TRUE;

failed:
  bw_project_rollback (project);
  return FALSE;
}
