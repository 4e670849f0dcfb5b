/* bw-taxonomy-io.h — the taxonomy as a file: export and import
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The file is a COCO-style "categories" array with Boxwood's own fields:
 *
 *   {
 *     "boxwood_taxonomy": 1,
 *     "categories": [
 *       { "id": 1, "name": "car", "supercategory": "vehicle",
 *         "color": "#e01b24", "hotkey": "c", "guideline": "…" }
 *     ]
 *   }
 *
 * Import also reads a bare array of categories, or the "categories" of a
 * COCO instances file (everything else in it is ignored). Only "name" is
 * required; "color", "hotkey" and "guideline" may be missing or null.
 *
 * Import merges by name, compared without regard to case: a new name is
 * added (keeping the file's id when this project never used it, so a
 * round trip into a new project keeps the COCO ids); a known name takes
 * the file's colour, guideline and hotkey, and its supercategory when the
 * project has none. What cannot be taken is reported as a clash and left
 * as it is in the project: a different supercategory, or a hotkey that is
 * a tool key or belongs to another category.
 *
 * A file that is not what it claims to be is refused as a whole, with a
 * message naming the file and the entry, and the project is not changed:
 * bigger than BW_TAXONOMY_MAX_FILE_BYTES, nested deeper than
 * BW_TAXONOMY_MAX_DEPTH, more than BW_TAXONOMY_MAX_CATEGORIES entries, an
 * entry of the wrong type, an empty or over-long name, a name or a hotkey
 * given twice, a colour that is not "#rrggbb", a hotkey that is not one
 * key. All changes of one import are one transaction.
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "bw-project.h"

G_BEGIN_DECLS

/* Taxonomies of real projects have tens to a few thousand categories;
 * the limits keep a hostile file from costing more than a moment. An
 * instances file may be big: of a file over 32 MB only the "categories"
 * member is parsed (the rest is scanned, not built in memory). */
#define BW_TAXONOMY_MAX_CATEGORIES   10000
#define BW_TAXONOMY_MAX_FILE_BYTES   ((goffset) 4 << 30)
#define BW_TAXONOMY_MAX_DEPTH        32
#define BW_TAXONOMY_FORMAT_VERSION   1

#define BW_TAXONOMY_ERROR (bw_taxonomy_error_quark ())

typedef enum
{
  BW_TAXONOMY_ERROR_INVALID,    /* the file is not a taxonomy, or an entry is wrong */
  BW_TAXONOMY_ERROR_TOO_MANY,   /* more than BW_TAXONOMY_MAX_CATEGORIES entries */
} BwTaxonomyError;

/**
 * BwTaxonomyImportReport:
 * @added: names added to the project
 * @updated: one line per category that changed ("car: colour, hotkey")
 * @clashes: one line per clash, saying what was kept
 * @unchanged: how many entries matched a category exactly
 *
 * What an import did; free with bw_taxonomy_import_report_free().
 */
typedef struct
{
  GPtrArray *added;
  GPtrArray *updated;
  GPtrArray *clashes;
  guint      unchanged;
} BwTaxonomyImportReport;

GQuark                  bw_taxonomy_error_quark          (void);

JsonNode               *bw_taxonomy_to_json_node         (BwProject   *project,
                                                          gboolean     with_counts,
                                                          GError     **error);
gboolean                bw_taxonomy_export               (BwProject   *project,
                                                          GFile       *file,
                                                          GError     **error);
BwTaxonomyImportReport *bw_taxonomy_import               (BwProject   *project,
                                                          GFile       *file,
                                                          GError     **error);
void                    bw_taxonomy_import_report_free   (BwTaxonomyImportReport *report);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BwTaxonomyImportReport, bw_taxonomy_import_report_free)

G_END_DECLS
