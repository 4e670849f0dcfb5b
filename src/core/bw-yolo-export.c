/* bw-yolo-export.c — YOLO (Ultralytics) dataset export
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The folder gets the layout YOLO trainers read:
 *
 *   data.yaml                  path, train/val, nc and names
 *   labels/REL/NAME.txt        one per image, mirroring the image's path
 *                              relative to the image root
 *   images/REL/NAME.EXT        with copy_images
 *
 * Class indices: YOLO wants 0, 1, 2…; class i is the i-th exported
 * category in order of its Boxwood id (the COCO category id), so adding,
 * renaming or reordering categories in the taxonomy panel never changes
 * the index of an existing class when exporting the same subset. data.yaml
 * lists them as "i: name" with the COCO id in a comment.
 *
 * A line is "class cx cy w h" normalised to the image size (0–1), or with
 * segmentation, "class x1 y1 x2 y2 …" for each polygon part (a two-part
 * polygon gives two lines: YOLO has no multi-part polygon). Images whose
 * final answer has no annotations get an empty file: a negative example.
 *
 * The labels are written to a hidden staging folder and swapped in only
 * when complete, so a failed or cancelled export leaves the previous
 * labels as they were.
 */

#define G_LOG_DOMAIN "bw-yolo-export"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "bw-export-util.h"
#include "bw-project-export.h"
#include "bw-project-private.h"
#include "bw-yolo-export.h"

static void
append_normalised (GString *text,
                   double   v,
                   double   size)
{
  g_string_append_printf (text, " %.6f", CLAMP (v / size, 0.0, 1.0));
}

/* At most a thousand reports, however many images. */
static void
report_progress (BwExportProgress progress,
                 gpointer         data,
                 guint64          done,
                 guint64          total)
{
  if (progress != NULL && total > 0 &&
      (done == total || done * 1000 / total != (done - 1) * 1000 / total))
    progress (done, total, data);
}

static char *
label_path_for (const char *file_name)
{
  const char *slash = strrchr (file_name, '/');
  const char *dot = strrchr (file_name, '.');

  if (dot != NULL && (slash == NULL || dot > slash + 1))
    return g_strdup_printf ("%.*s.txt", (int) (dot - file_name), file_name);
  return g_strdup_printf ("%s.txt", file_name);
}

static void
append_yaml_string (GString    *text,
                    const char *s)
{
  g_string_append_c (text, '"');
  for (; *s; s++)
    {
      if (*s == '"' || *s == '\\')
        g_string_append_c (text, '\\');
      if ((guchar) *s < 0x20)
        g_string_append_printf (text, "\\x%02x", (guchar) *s);
      else
        g_string_append_c (text, *s);
    }
  g_string_append_c (text, '"');
}

static gboolean
write_data_yaml (GFile         *folder,
                 BwProject     *project,
                 GPtrArray     *categories,
                 gboolean       copy_images,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_autoptr(GFile) yaml = g_file_get_child (folder, "data.yaml");
  g_autoptr(GFile) tmp = NULL;
  g_autoptr(GOutputStream) stream = NULL;
  g_autoptr(GString) text = g_string_new (NULL);

  g_string_append (text, "# YOLO dataset exported by Boxwood from ");
  append_yaml_string (text, bw_project_get_display_name (project));
  g_string_append (text, ".\n# Class i is the i-th exported category in order of its Boxwood"
                   " (COCO) id.\n");
  if (!copy_images)
    g_string_append (text, "# Put the images in images/, mirroring labels/.\n");
  g_string_append (text, "path: ");
  append_yaml_string (text, g_file_peek_path (folder));
  g_string_append (text, "\ntrain: images\nval: images\n");
  g_string_append_printf (text, "nc: %u\nnames:\n", categories->len);
  for (guint i = 0; i < categories->len; i++)
    {
      BwCategory *category = g_ptr_array_index (categories, i);

      g_string_append_printf (text, "  %u: ", i);
      append_yaml_string (text, category->name);
      g_string_append_printf (text, "  # id %" G_GINT64_FORMAT "\n", category->id);
    }

  stream = bw_export_create_temporary (yaml, &tmp, cancellable, error);
  if (stream == NULL)
    return FALSE;
  if (!g_output_stream_write_all (stream, text->str, text->len, NULL, cancellable, error) ||
      !bw_export_close_temporary (stream, tmp, yaml, cancellable, error) ||
      !bw_export_commit_temporary (tmp, yaml, error))
    {
      g_output_stream_close (stream, NULL, NULL);
      g_file_delete (tmp, NULL, NULL);
      return FALSE;
    }
  return TRUE;
}

static gboolean
write_label (GFile       *staging,
             const char  *label_path,
             GString     *text,
             GError     **error)
{
  g_autoptr(GFile) file = g_file_resolve_relative_path (staging, label_path);
  g_autoptr(GFile) parent = g_file_get_parent (file);
  const char *path = g_file_peek_path (file);

  /* label_path is relative without "..": it stays in the staging folder. */
  g_assert (g_file_has_prefix (file, staging));

  if (g_mkdir_with_parents (g_file_peek_path (parent), 0777) != 0 ||
      !g_file_set_contents_full (path, text->str, text->len, G_FILE_SET_CONTENTS_NONE, 0666, error))
    {
      if (error != NULL && *error == NULL)
        {
          int saved = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       _("Cannot write “%s”: %s"), path, g_strerror (saved));
        }
      return FALSE;
    }
  return TRUE;
}

/**
 * bw_yolo_export_find_existing:
 * @folder: the folder bw_yolo_export() would write
 *
 * Returns: (transfer full) (element-type GFile): what the export would
 *   replace in @folder (data.yaml, labels/), so that a caller can ask
 *   first; empty when none
 */
GPtrArray *
bw_yolo_export_find_existing (GFile *folder)
{
  static const char *names[] = { "data.yaml", "labels" };
  GPtrArray *existing = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_val_if_fail (G_IS_FILE (folder), existing);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GFile) file = g_file_get_child (folder, names[i]);

      if (g_file_query_exists (file, NULL))
        g_ptr_array_add (existing, g_steal_pointer (&file));
    }
  return existing;
}

/**
 * bw_yolo_export:
 * @project: a project
 * @folder: the dataset folder; created when missing
 * @options: (nullable): what to export
 * @progress: (nullable) (scope call): progress callback
 * @progress_data: its data
 * @result: (out caller-allocates) (optional): counts; @result->files holds
 *   data.yaml
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Writes the final answer of each image as YOLO labels. See the top of
 * bw-yolo-export.c for the layout and the class indices.
 *
 * Returns: %TRUE on success
 */
gboolean
bw_yolo_export (BwProject                 *project,
                GFile                     *folder,
                const BwYoloExportOptions *options,
                BwExportProgress           progress,
                gpointer                   progress_data,
                BwExportResult            *result,
                GCancellable              *cancellable,
                GError                   **error)
{
  static const BwYoloExportOptions defaults = { 0, };
  g_autoptr(BwExportCursor) cursor = NULL;
  g_autoptr(GPtrArray) all_categories = NULL;
  g_autoptr(GPtrArray) categories = g_ptr_array_new ();
  g_autoptr(GHashTable) class_of = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GHashTable) label_owner = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GString) text = g_string_sized_new (4096);
  g_autoptr(GFile) staging = NULL;
  g_autoptr(GFile) created = NULL;
  g_autoptr(GFile) labels = NULL;
  g_autoptr(GFile) old_labels = NULL;
  g_autoptr(GFile) images_folder = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *root = NULL;
  g_autofree char *staging_name = NULL;
  BwExportResult counts = { 0, };
  BwExportImage image;
  guint64 total = 0, done = 0;
  gboolean ok = FALSE;

  g_return_val_if_fail (BW_IS_PROJECT (project), FALSE);
  g_return_val_if_fail (G_IS_FILE (folder), FALSE);

  if (options == NULL)
    options = &defaults;
  if (result != NULL)
    memset (result, 0, sizeof *result);

  if (g_file_peek_path (folder) == NULL)
    {
      g_autofree char *name = g_file_get_parse_name (folder);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("Cannot export to “%s”: choose a local folder"), name);
      return FALSE;
    }
  /* What this export creates, it removes if it fails: the topmost folder
   * of @folder's path that does not exist yet. */
  {
    g_autoptr(GFile) missing = NULL;
    g_autoptr(GFile) walk = g_object_ref (folder);

    while (walk != NULL && !g_file_query_exists (walk, NULL))
      {
        g_autoptr(GFile) parent = g_file_get_parent (walk);

        g_set_object (&missing, walk);
        g_set_object (&walk, parent);
      }
    created = g_steal_pointer (&missing);
  }
  if (g_mkdir_with_parents (g_file_peek_path (folder), 0777) != 0)
    {
      int saved = errno;

      if (created != NULL)
        bw_export_remove_tree (created, NULL);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Cannot create the folder “%s”: %s"), g_file_peek_path (folder), g_strerror (saved));
      return FALSE;
    }

  all_categories = bw_project_list_categories (project, &local_error);
  if (all_categories == NULL)
    goto out;
  g_ptr_array_sort (all_categories, bw_export_compare_category_ids);
  for (guint i = 0; i < all_categories->len; i++)
    {
      BwCategory *category = g_ptr_array_index (all_categories, i);
      gboolean keep = options->category_ids == NULL;

      for (guint j = 0; !keep && j < options->n_category_ids; j++)
        keep = options->category_ids[j] == category->id;
      if (keep)
        {
          g_hash_table_insert (class_of, g_memdup2 (&category->id, sizeof (gint64)),
                               GUINT_TO_POINTER (categories->len + 1));
          g_ptr_array_add (categories, category);
        }
    }

  if (options->image_root != NULL && g_file_peek_path (options->image_root) != NULL)
    root = g_canonicalize_filename (g_file_peek_path (options->image_root), NULL);
  else
    root = g_canonicalize_filename (project->dir, NULL);

  cursor = _bw_export_cursor_new (project, options->status, &local_error);
  if (cursor == NULL)
    goto out;
  while (_bw_export_cursor_next_image (cursor, &image, &local_error))
    total++;
  if (local_error != NULL ||
      !_bw_export_cursor_count_left_out (cursor, total, &counts.left_out, &local_error))
    goto out;
  total *= options->copy_images ? 2 : 1;

  bw_export_remove_stale_temporaries (folder);
  staging_name = bw_export_make_temporary_name ("labels");
  staging = g_file_get_child (folder, staging_name);
  if (!g_file_make_directory (staging, cancellable, &local_error))
    goto out;
  bw_export_lock_temporary (staging);

  _bw_export_cursor_rewind (cursor, NULL);
  while (_bw_export_cursor_next_image (cursor, &image, &local_error))
    {
      g_autofree char *file_name = bw_export_image_file_name (project, &image, root, TRUE);
      g_autofree char *label_path = label_path_for (file_name);
      BwExportAnnotation row;
      const char *owner;

      if (g_cancellable_set_error_if_cancelled (cancellable, &local_error))
        goto out;

      if ((owner = g_hash_table_lookup (label_owner, label_path)) != NULL)
        {
          g_set_error (&local_error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                       _("The images “%s” and “%s” would share the label file “%s”; YOLO names "
                         "labels after images without their extension. Rename one of them."),
                       owner, file_name, label_path);
          goto out;
        }
      g_hash_table_insert (label_owner, g_strdup (label_path), g_strdup (file_name));

      g_string_truncate (text, 0);
      _bw_export_cursor_select_layer (cursor, image.layer_id, NULL);
      while (_bw_export_cursor_next_annotation (cursor, &row, &local_error))
        {
          guint class = GPOINTER_TO_UINT (g_hash_table_lookup (class_of, &row.category_id));
          g_autoptr(BwShape) shape = NULL;

          if (class == 0)
            continue;
          class--;

          shape = _bw_export_annotation_to_shape (&row, &local_error);
          if (shape == NULL)
            {
              /* One bad row must not stop every export of the project. */
              bw_export_note_damaged (&counts, file_name, row.id, local_error);
              g_clear_error (&local_error);
              continue;
            }

          if (options->segmentation && row.kind == BW_SHAPE_POLYGON)
            {
              for (guint p = 0; p < shape->n_parts; p++)
                {
                  g_string_append_printf (text, "%u", class);
                  for (guint i = bw_shape_part_start (shape, p); i < shape->part_ends[p]; i++)
                    {
                      append_normalised (text, shape->points[i].x, image.width);
                      append_normalised (text, shape->points[i].y, image.height);
                    }
                  g_string_append_c (text, '\n');
                }
            }
          else
            {
              g_string_append_printf (text, "%u", class);
              append_normalised (text, (shape->bbox.x0 + shape->bbox.x1) / 2, image.width);
              append_normalised (text, (shape->bbox.y0 + shape->bbox.y1) / 2, image.height);
              append_normalised (text, shape->bbox.x1 - shape->bbox.x0, image.width);
              append_normalised (text, shape->bbox.y1 - shape->bbox.y0, image.height);
              g_string_append_c (text, '\n');
            }
          counts.annotations++;
        }
      if (local_error != NULL)
        goto out;

      if (!write_label (staging, label_path, text, &local_error))
        goto out;
      counts.images++;
      counts.split_images[BW_SPLIT_TRAIN]++;

      report_progress (progress, progress_data, ++done, total);
    }
  if (local_error != NULL)
    goto out;

  if (options->copy_images)
    {
      images_folder = g_file_get_child (folder, "images");
      _bw_export_cursor_rewind (cursor, NULL);
      while (_bw_export_cursor_next_image (cursor, &image, &local_error))
        {
          if (!bw_export_copy_image (project, &image, root, images_folder, cancellable, &local_error))
            goto out;
          counts.copied_images++;
          report_progress (progress, progress_data, ++done, total);
        }
      if (local_error != NULL)
        goto out;
    }

  if (!write_data_yaml (folder, project, categories, options->copy_images, cancellable, &local_error))
    goto out;

  /* Swap the labels in: the old ones move aside, then go. */
  labels = g_file_get_child (folder, "labels");
  if (g_file_query_exists (labels, NULL))
    {
      g_autofree char *old_name = bw_export_make_temporary_name ("labels-old");

      old_labels = g_file_get_child (folder, old_name);
      if (g_rename (g_file_peek_path (labels), g_file_peek_path (old_labels)) != 0)
        {
          int saved = errno;

          g_clear_object (&old_labels);
          g_set_error (&local_error, G_IO_ERROR, g_io_error_from_errno (saved),
                       _("Cannot replace “%s”: %s"), g_file_peek_path (labels), g_strerror (saved));
          goto out;
        }
    }
  if (g_rename (g_file_peek_path (staging), g_file_peek_path (labels)) != 0)
    {
      int saved = errno;

      if (old_labels != NULL)
        g_rename (g_file_peek_path (old_labels), g_file_peek_path (labels));
      g_set_error (&local_error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Cannot write “%s”: %s"), g_file_peek_path (labels), g_strerror (saved));
      goto out;
    }
  g_clear_object (&staging);
  if (old_labels != NULL)
    bw_export_remove_tree (old_labels, NULL);

  counts.files[counts.n_files++] = g_file_get_child (folder, "data.yaml");
  ok = TRUE;

out:
  if (staging != NULL)
    bw_export_remove_tree (staging, NULL);

  if (!ok)
    {
      /* A failed export leaves no folder it made (a full disk left an
       * empty one). */
      if (created != NULL)
        bw_export_remove_tree (created, NULL);
      bw_export_result_clear (&counts);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (result != NULL)
    *result = counts;
  else
    bw_export_result_clear (&counts);
  return TRUE;
}

typedef struct
{
  BwYoloExportOptions options;
  gint64             *category_ids;
} YoloOptionsCopy;

static void
yolo_options_free (gpointer data)
{
  YoloOptionsCopy *copy = data;

  g_clear_object (&copy->options.image_root);
  g_free (copy->category_ids);
  g_free (copy);
}

static gboolean
yolo_export_func (BwProject         *project,
                  GFile             *destination,
                  gconstpointer      options,
                  BwExportProgress   progress,
                  gpointer           progress_data,
                  BwExportResult    *result,
                  GCancellable      *cancellable,
                  GError           **error)
{
  const YoloOptionsCopy *copy = options;

  return bw_yolo_export (project, destination, &copy->options, progress, progress_data,
                         result, cancellable, error);
}

/**
 * bw_yolo_export_async:
 * @progress: (nullable): called in the caller's thread-default main context
 *
 * Runs bw_yolo_export() in a worker thread.
 */
void
bw_yolo_export_async (BwProject                 *project,
                      GFile                     *folder,
                      const BwYoloExportOptions *options,
                      BwExportProgress           progress,
                      gpointer                   progress_data,
                      GDestroyNotify             progress_destroy,
                      GCancellable              *cancellable,
                      GAsyncReadyCallback        callback,
                      gpointer                   user_data)
{
  YoloOptionsCopy *copy = g_new0 (YoloOptionsCopy, 1);

  g_return_if_fail (BW_IS_PROJECT (project));
  g_return_if_fail (G_IS_FILE (folder));

  if (options != NULL)
    {
      copy->options = *options;
      copy->options.image_root = options->image_root ? g_object_ref (options->image_root) : NULL;
    }
  if (copy->options.category_ids != NULL)
    {
      copy->category_ids = g_memdup2 (copy->options.category_ids,
                                      sizeof (gint64) * MAX (copy->options.n_category_ids, 1));
      copy->options.category_ids = copy->category_ids;
    }

  bw_export_run_async (project, folder, yolo_export_func, copy, yolo_options_free,
                       progress, progress_data, progress_destroy, cancellable,
                       callback, user_data, bw_yolo_export_async);
}

gboolean
bw_yolo_export_finish (BwProject       *project,
                       GAsyncResult    *result,
                       BwExportResult  *out_result,
                       GError         **error)
{
  return bw_export_run_finish (project, result, out_result, error);
}
