/* fuzz-project-open.c — opening any bytes as a project file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A project file comes from someone else: opening it either fails with
 * an error or gives a project whose contents can be listed. The seeds are
 * real project files (an empty one, one with images and annotations, and
 * a schema-1 file), which the fuzzer mutates page by page.
 */

#include "config.h"

#include <glib/gstdio.h>

#include "bw-project.h"
#include "bw-fuzz.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GFile) input = NULL;
  g_autoptr(BwProject) project = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *wal = NULL;
  g_autofree char *shm = NULL;

  bw_fuzz_init ();

  path = g_build_filename (bw_fuzz_get_dir (), "open.boxwood", NULL);
  wal = g_strconcat (path, "-wal", NULL);
  shm = g_strconcat (path, "-shm", NULL);
  g_unlink (wal);
  g_unlink (shm);
  input = bw_fuzz_write_input ("open.boxwood", data, size);

  project = bw_project_open (input, &error);
  if (project == NULL)
    {
      g_assert_nonnull (error);
      return 0;
    }

  {
    BwProjectCounts counts;
    g_autoptr(GArray) ids = NULL;
    g_autoptr(GPtrArray) categories = NULL;
    g_autofree char *setting = NULL;

    if (!bw_project_get_counts (project, &counts, &error))
      g_clear_error (&error);
    categories = bw_project_list_categories (project, NULL);
    setting = bw_project_get_setting (project, "import.max-megapixels");
    ids = bw_project_list_image_ids (project, -1, NULL, NULL);
    for (guint i = 0; ids != NULL && i < ids->len && i < 64; i++)
      {
        gint64 id = g_array_index (ids, gint64, i);
        g_autoptr(BwImage) image = bw_project_get_image (project, id, NULL);
        g_autoptr(GPtrArray) layers = bw_project_list_layers (project, id, NULL);

        for (guint j = 0; layers != NULL && j < layers->len && j < 16; j++)
          {
            BwLayer *layer = g_ptr_array_index (layers, j);
            g_autoptr(GPtrArray) annotations = bw_project_list_annotations (project, layer->id,
                                                                            NULL);
            (void) annotations;
          }
        (void) image;
      }
  }

  return 0;
}
