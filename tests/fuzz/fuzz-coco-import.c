/* fuzz-coco-import.c — COCO instances (or, built with
 * BW_FUZZ_PREDICTIONS, COCO results) import of any bytes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each run imports the input into a fresh copy of a small project whose
 * images folder holds a.png, b.jpg and sub/c.png. The import either
 * succeeds or fails with an error; in both cases the project must still
 * open and list what it holds.
 */

#include "config.h"

#include "bw-coco-import.h"
#include "bw-fuzz.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GFile) input = NULL;
  g_autoptr(GFile) images = NULL;
  g_autoptr(BwProject) project = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) categories = NULL;
  BwAnnotationImportResult result = { 0, };
  BwCocoImportOptions options = { 0, };
  BwProjectCounts counts;

  bw_fuzz_init ();

  input = bw_fuzz_write_input ("input.json", data, size);
  images = g_file_new_for_path (bw_fuzz_get_images_dir ());
  project = bw_fuzz_open_project ();

  options.images_folder = images;
#ifdef BW_FUZZ_PREDICTIONS
  options.predictions = TRUE;
  options.min_score = 0.25;
#endif

  if (!bw_coco_import (project, input, &options, &result, NULL, &error))
    g_assert_nonnull (error);
  g_clear_error (&error);

  /* what is in the project still reads back */
  g_assert_true (bw_project_get_counts (project, &counts, &error));
  categories = bw_project_list_categories (project, &error);
  g_assert_nonnull (categories);
  for (gint64 id = 1; id <= counts.images; id++)
    {
      g_autoptr(GPtrArray) layers = bw_project_list_layers (project, id, NULL);

      for (guint i = 0; layers != NULL && i < layers->len; i++)
        {
          BwLayer *layer = g_ptr_array_index (layers, i);
          g_autoptr(GPtrArray) annotations = bw_project_list_annotations (project, layer->id,
                                                                          &error);

          g_assert_no_error (error);
          g_assert_nonnull (annotations);
        }
    }

  return 0;
}
