/* fuzz-taxonomy-import.c — taxonomy import of any bytes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Into a fresh copy of a project with the categories "cat" and "dog";
 * after a success or an error, the taxonomy must still list and export.
 */

#include "config.h"

#include "bw-taxonomy-io.h"
#include "bw-fuzz.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GFile) input = NULL;
  g_autoptr(BwProject) project = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BwTaxonomyImportReport) report = NULL;
  g_autoptr(JsonNode) node = NULL;

  bw_fuzz_init ();

  input = bw_fuzz_write_input ("taxonomy.json", data, size);
  project = bw_fuzz_open_project ();

  report = bw_taxonomy_import (project, input, &error);
  if (report == NULL)
    g_assert_nonnull (error);
  g_clear_error (&error);

  node = bw_taxonomy_to_json_node (project, TRUE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (node);
  return 0;
}
