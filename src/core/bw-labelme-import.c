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
 * outside the folder given (or, for a file, outside its folder).
 *
 * All or nothing, as a COCO import (bw-coco-import.c): the files are read
 * and their annotations staged in chunks, a transaction each, and what the
 * import adds appears in one last transaction (bw-project-staging.c).
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

/* An image the import annotates; its layer is made in the last step. */
typedef struct
{
  gint64      target;           /* its name in import_staging */
  gint64      image_id;         /* 0: added in the last step */
  BwImage    *pending;          /* on disk, not in the project yet */
  int         width;
  int         height;
  gboolean    wants_layer;      /* a file gave it shapes */
  gboolean    fresh;            /* it had no work layer before */
  guint       files;            /* files that named it so far */
  GHashTable *existing;         /* keys of what its layer holds (see below) */
} Target;

static void
target_free (gpointer data)
{
  Target *target = data;

  g_clear_pointer (&target->pending, bw_image_free);
  g_clear_pointer (&target->existing, g_hash_table_unref);
  g_free (target);
}

/* A label no category has yet: made in the last step. */
typedef struct
{
  gint64  placeholder;          /* negative, see _bw_project_stage_set_category() */
  char   *label;
  GFile  *file;                 /* the first file that used it, for errors */
} NewCategory;

static void
new_category_free (gpointer data)
{
  NewCategory *category = data;

  g_free (category->label);
  g_clear_object (&category->file);
  g_free (category);
}

typedef struct
{
  BwProject                *project;
  GCancellable             *cancellable;
  BwAnnotationImportResult  result;
  gint64                    import_id;
  GHashTable               *targets;        /* canonical image path → Target */
  GPtrArray                *target_list;    /* Target, in the order met */
  GHashTable               *new_categories; /* label → NewCategory */
  GPtrArray                *category_list;  /* NewCategory, in the order met */
  GPtrArray                *rows;           /* Staged: read, not written yet */
} Import;

/* Staged annotations a transaction: a few milliseconds of holding the
 * project's write lock, as for COCO (bw-coco-import.c). */
#define STAGE_CHUNK 5000

/* A shape read, waiting to be staged. */
typedef struct
{
  Target     *target;
  gint64      category;         /* an id, or a placeholder */
  GHashTable *existing;         /* see import_file() */
  char       *label;
  BwShape    *shape;
  GFile      *file;
} Staged;

static void
staged_free (gpointer data)
{
  Staged *row = data;

  g_free (row->label);
  g_clear_pointer (&row->shape, bw_shape_free);
  g_clear_object (&row->file);
  g_free (row);
}

/* Stages the shapes read so far, in one transaction, then leaves the
 * project free for a moment. Files are read (and their images hashed)
 * between these transactions, never inside one, so that the write lock
 * is held only for writing. */
static gboolean
write_rows (Import  *import,
            GError **error)
{
  if (import->rows->len == 0)
    return TRUE;
  if (!bw_project_begin (import->project, error))
    return FALSE;

  for (guint i = 0; i < import->rows->len; i++)
    {
      Staged *row = g_ptr_array_index (import->rows, i);
      guint64 before = import->result.annotations;

      if (!bw_import_stage_annotation (import->project, import->import_id, row->target->target,
                                       row->category, row->shape, row->target->width,
                                       row->target->height, BW_SOURCE_IMPORTED, 1.0,
                                       row->existing, &import->result, error))
        {
          bw_json_prefix_error (error, row->file, _("shape “%s”"), row->label);
          bw_project_rollback (import->project);
          return FALSE;
        }
      if (import->result.annotations > before && row->existing == NULL)
        bw_import_remember_key (row->target->existing, row->category, row->shape);
    }
  g_ptr_array_set_size (import->rows, 0);

  /* a failed commit has rolled back */
  if (!bw_project_commit (import->project, error))
    return FALSE;
  _bw_project_stage_pause (import->project);
  return TRUE;
}

/* The image a file names, found in the project or on disk, writing
 * nothing; NULL with no error when it is in neither place. */
static Target *
find_target (Import      *import,
             const char  *image_path,
             int          width,
             int          height,
             GError     **error)
{
  Target *target = g_hash_table_lookup (import->targets, image_path);
  g_autoptr(BwImage) pending = NULL;
  gint64 image_id = 0;

  if (target != NULL)
    {
      if (width > 0 && (target->width != width || target->height != height))
        {
          g_set_error (error, BW_JSON_ERROR, BW_JSON_ERROR_INVALID,
                       _("the image “%s” is %d × %d in the file but %d × %d in the project"),
                       image_path, width, height, target->width, target->height);
          return NULL;
        }
      return target;
    }

  if (!bw_import_find_or_probe_image (import->project, image_path, width, height,
                                      &image_id, &pending, error))
    return NULL;
  if (image_id == 0 && pending == NULL)
    return NULL;

  target = g_new0 (Target, 1);
  target->target = (gint64) import->target_list->len + 1;
  target->image_id = image_id;
  if (pending != NULL)
    {
      target->width = pending->width;
      target->height = pending->height;
      target->fresh = TRUE;
      target->pending = g_steal_pointer (&pending);
    }
  else
    {
      g_autoptr(BwImage) image = bw_project_get_image (import->project, image_id, error);

      if (image == NULL ||
          !bw_import_find_layer (import->project, image_id, 0, BW_LAYER_KIND_WORK,
                                 &target->existing, error))
        {
          target_free (target);
          return NULL;
        }
      target->width = image->width;
      target->height = image->height;
      target->fresh = target->existing == NULL;
    }
  if (target->existing == NULL)
    target->existing = bw_import_new_keys ();

  g_hash_table_insert (import->targets, g_strdup (image_path), target);
  g_ptr_array_add (import->target_list, target);
  return target;
}

/* The category id of @label, or the placeholder of a category the last
 * step makes. */
static gint64
find_category (Import     *import,
               const char *label,
               GFile      *file)
{
  NewCategory *category = g_hash_table_lookup (import->new_categories, label);
  gint64 id;

  if (category != NULL)
    return category->placeholder;

  id = bw_project_find_category_by_name (import->project, label);
  if (id > 0)
    return id;

  category = g_new0 (NewCategory, 1);
  category->placeholder = -((gint64) import->category_list->len + 1);
  category->label = g_strdup (label);
  category->file = g_object_ref (file);
  g_hash_table_insert (import->new_categories, category->label, category);
  g_ptr_array_add (import->category_list, category);
  return category->placeholder;
}

static gboolean
import_file (Import     *import,
             GFile      *file,
             const char *root,
             GError    **error)
{
  BwAnnotationImportResult *result = &import->result;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GPtrArray) objects = g_ptr_array_new_with_free_func (object_free);
  g_autoptr(GFile) parent = g_file_get_parent (file);
  g_autofree char *base = g_canonicalize_filename (g_file_peek_path (parent), NULL);
  g_autofree char *image_path = NULL;
  JsonObject *doc;
  JsonArray *shapes;
  const char *image_name;
  gint64 width = 0, height = 0;
  Target *target;
  GHashTable *existing;

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

  /* Read every shape before staging anything of this file. */
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
  if (image_path == NULL)
    {
      bw_json_prefix_error (error, file, NULL);
      return FALSE;
    }
  {
    GError *find_error = NULL;

    target = find_target (import, image_path, (int) width, (int) height, &find_error);
    if (find_error != NULL)
      {
        g_propagate_error (error, find_error);
        bw_json_prefix_error (error, file, NULL);
        return FALSE;
      }
  }

  result->files++;
  if (target == NULL)
    {
      result->images_missing++;
      result->skipped_missing_image += objects->len;
      return TRUE;
    }
  /* An image the import adds is counted once, in the last step; one
   * named again is then in the project, as it was when each file was
   * written at once. */
  if (target->pending == NULL || target->files > 0)
    result->images_matched++;

  /* Duplicates are looked for in what the layer held before and in what
   * earlier files gave it, not within the file that makes the layer. */
  existing = target->fresh && target->files == 0 ? NULL : target->existing;
  target->files++;
  if (objects->len > 0)
    target->wants_layer = TRUE;

  for (guint i = 0; i < objects->len; i++)
    {
      Object *o = g_ptr_array_index (objects, i);
      Staged *row = g_new0 (Staged, 1);

      row->target = target;
      row->category = find_category (import, o->label, file);
      row->existing = existing;
      row->label = g_steal_pointer (&o->label);
      row->shape = g_steal_pointer (&o->shape);
      row->file = g_object_ref (file);
      g_ptr_array_add (import->rows, row);
    }

  if (import->rows->len >= STAGE_CHUNK)
    return write_rows (import, error);
  return TRUE;
}

/* The last step, in one transaction: the categories, images and layers
 * the import adds, and its staged rows made annotations. */
static gboolean
finish (Import  *import,
        GError **error)
{
  for (guint i = 0; i < import->category_list->len; i++)
    {
      NewCategory *category = g_ptr_array_index (import->category_list, i);
      gint64 id;
      gboolean added;

      if (!bw_import_ensure_category (import->project, category->label, NULL, &id, &added, error))
        {
          bw_json_prefix_error (error, category->file, NULL);
          return FALSE;
        }
      if (added)
        import->result.categories_added++;
      if (!_bw_project_stage_set_category (import->project, category->placeholder, id, error))
        return FALSE;
    }

  for (guint i = 0; i < import->target_list->len; i++)
    {
      Target *target = g_ptr_array_index (import->target_list, i);
      gint64 layer_id;

      if (target->pending != NULL)
        {
          if (!bw_project_add_image (import->project, target->pending, &target->image_id, error))
            return FALSE;
          import->result.images_added++;
        }
      if (target->wants_layer &&
          (!_bw_project_import_layer (import->project, target->image_id, 0, BW_LAYER_KIND_WORK,
                                      &layer_id, NULL, error) ||
           !_bw_project_stage_set_layer (import->project, target->target, layer_id, error)))
        return FALSE;
    }

  return _bw_project_stage_finish (import->project, import->import_id, NULL, error);
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
 * Imports labelme annotations into a work layer of each image, all or
 * nothing: any error leaves the project as it was. The annotations are
 * staged in transactions of a few thousand (bw-project-staging.c), so a
 * large import does not hold the project while it reads, and appear with
 * the categories, images and layers the import adds in one last
 * transaction.
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
  g_autoptr(GPtrArray) all_files = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) roots = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) local_error = NULL;
  Import import = { 0, };
  gboolean ok = FALSE;

  g_return_val_if_fail (BW_IS_PROJECT (project), FALSE);

  if (result != NULL)
    memset (result, 0, sizeof *result);

  /* The files first, so that a missing path stages nothing. */
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
          return FALSE;
        }

      type = g_file_query_file_type (paths[i], G_FILE_QUERY_INFO_NONE, NULL);
      if (type == G_FILE_TYPE_DIRECTORY)
        {
          root = g_canonicalize_filename (g_file_peek_path (paths[i]), NULL);
          if (!collect_json (paths[i], files, 0, error))
            return FALSE;
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
          return FALSE;
        }

      for (guint j = 0; j < files->len; j++)
        {
          g_ptr_array_add (all_files, g_object_ref (g_ptr_array_index (files, j)));
          g_ptr_array_add (roots, g_strdup (root));
        }
    }

  if (all_files->len == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("No labelme JSON file found in what was given"));
      return FALSE;
    }

  import.project = project;
  import.cancellable = cancellable;
  import.targets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  import.target_list = g_ptr_array_new_with_free_func (target_free);
  import.new_categories = g_hash_table_new (g_str_hash, g_str_equal);
  import.category_list = g_ptr_array_new_with_free_func (new_category_free);
  import.rows = g_ptr_array_new_with_free_func (staged_free);

  if (!_bw_project_stage_begin (project, &import.import_id, &local_error))
    goto out;

  /* Staging, a chunk a transaction. */
  ok = TRUE;
  for (guint i = 0; ok && i < all_files->len; i++)
    ok = !g_cancellable_set_error_if_cancelled (cancellable, &local_error) &&
         import_file (&import, g_ptr_array_index (all_files, i), g_ptr_array_index (roots, i),
                      &local_error);
  ok = ok && write_rows (&import, &local_error) &&
       !g_cancellable_set_error_if_cancelled (cancellable, &local_error);
  if (!ok)
    goto discard;

  /* The last step. */
  if (!bw_project_begin (project, &local_error))
    {
      ok = FALSE;
      goto discard;
    }
  ok = finish (&import, &local_error);
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
  if (ok && result != NULL)
    *result = import.result;

  g_hash_table_unref (import.targets);
  g_ptr_array_unref (import.target_list);
  g_hash_table_unref (import.new_categories);
  g_ptr_array_unref (import.category_list);
  g_ptr_array_unref (import.rows);

  if (!ok)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return ok;
}
