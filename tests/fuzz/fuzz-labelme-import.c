/* fuzz-labelme-import.c — labelme JSON import of any bytes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The input is a labelme file in the images folder of a fresh copy of a
 * small project (a.png, b.jpg, sub/c.png beside it), so its imagePath can
 * name a real image, a missing one, or one outside the folder.
 */

#include "config.h"

#include "bw-labelme-import.h"
#include "bw-fuzz.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GFile) input = NULL;
  g_autoptr(BwProject) project = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) categories = NULL;
  BwAnnotationImportResult result = { 0, };
  BwProjectCounts counts;

  bw_fuzz_init ();

  input = bw_fuzz_write_input ("images/a.json", data, size);
  project = bw_fuzz_open_project ();

  if (!bw_labelme_import (project, &input, 1, &result, NULL, &error))
    g_assert_nonnull (error);
  g_clear_error (&error);

  g_assert_true (bw_project_get_counts (project, &counts, &error));
  categories = bw_project_list_categories (project, &error);
  g_assert_nonnull (categories);
  return 0;
}
