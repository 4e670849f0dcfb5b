/* bw-importer.h — bring image files and folders into a project
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "bw-project.h"

G_BEGIN_DECLS

/* Setting read from the project when no override is given. */
#define BW_IMPORT_SETTING_MAX_MEGAPIXELS "import.max-megapixels"

typedef enum
{
  BW_IMPORT_PROBLEM_FAILED,     /* not imported: unreadable, damaged, too large… */
  BW_IMPORT_PROBLEM_DUPLICATE,  /* not imported: same content already there */
  BW_IMPORT_PROBLEM_NOTE,       /* imported, with something worth knowing */
} BwImportProblemKind;

typedef struct
{
  BwImportProblemKind  kind;
  char                *path;    /* as the user named it (the path given + below) */
  char                *reason;  /* a sentence that names the file */
} BwImportProblem;

/**
 * BwImportReport:
 * @added: images added to the project
 * @duplicates: image files whose content was already in the project, or
 *   earlier in the same import
 * @failed: image files that could not be imported
 * @skipped: files in folders that are not images (skipped silently)
 * @cancelled: the import was cancelled; what was added before is kept
 * @problems: (element-type BwImportProblem): one entry per failed or
 *   duplicate file, and notes on imported ones (rotated images), in the
 *   order of the files
 */
typedef struct
{
  guint      added;
  guint      duplicates;
  guint      failed;
  guint      skipped;
  gboolean   cancelled;
  GPtrArray *problems;
} BwImportReport;

typedef void (*BwImportProgressFunc) (guint    done,
                                      guint    total,
                                      gpointer user_data);

#define BW_TYPE_IMPORT_REPORT (bw_import_report_get_type ())
#define BW_TYPE_IMPORTER      (bw_importer_get_type ())

GType           bw_import_report_get_type        (void) G_GNUC_CONST;
BwImportReport *bw_import_report_copy            (const BwImportReport *report);
void            bw_import_report_free            (BwImportReport       *report);

G_DECLARE_FINAL_TYPE (BwImporter, bw_importer, BW, IMPORTER, GObject)

BwImporter     *bw_importer_new                  (BwProject            *project);
BwProject      *bw_importer_get_project          (BwImporter           *self);
void            bw_importer_set_max_megapixels   (BwImporter           *self,
                                                  double                megapixels);
double          bw_importer_get_max_megapixels   (BwImporter           *self);
void            bw_importer_set_progress_func    (BwImporter           *self,
                                                  BwImportProgressFunc  func,
                                                  gpointer              user_data,
                                                  GDestroyNotify        destroy);

BwImportReport *bw_importer_run                  (BwImporter           *self,
                                                  const char * const   *paths,
                                                  GCancellable         *cancellable,
                                                  GError              **error);
void            bw_importer_run_async            (BwImporter           *self,
                                                  const char * const   *paths,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
BwImportReport *bw_importer_run_finish           (BwImporter           *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);
const BwImportReport *
                bw_importer_get_stopped_report   (BwImporter           *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BwImportReport, bw_import_report_free)

G_END_DECLS
