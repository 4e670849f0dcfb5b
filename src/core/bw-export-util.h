/* bw-export-util.h — what the exporters share (core-only)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "bw-coco-export.h"
#include "bw-project.h"
#include "bw-project-export.h"

G_BEGIN_DECLS

void           bw_export_append_json_string   (GString             *text,
                                               const char          *str);
void           bw_export_append_number        (GString             *text,
                                               double               value);
void           bw_export_append_int           (GString             *text,
                                               gint64               value);
int            bw_export_compare_category_ids (gconstpointer        a,
                                               gconstpointer        b);

char          *bw_export_make_temporary_name  (const char          *base);
void           bw_export_lock_temporary       (GFile               *tmp);
void           bw_export_remove_stale_temporaries (GFile           *folder);
GOutputStream *bw_export_create_temporary     (GFile               *file,
                                               GFile              **out_tmp,
                                               GCancellable        *cancellable,
                                               GError             **error);
gboolean       bw_export_close_temporary      (GOutputStream       *stream,
                                               GFile               *tmp,
                                               GFile               *file,
                                               GCancellable        *cancellable,
                                               GError             **error);
gboolean       bw_export_commit_temporary     (GFile               *tmp,
                                               GFile               *file,
                                               GError             **error);

char          *bw_export_image_file_name      (BwProject           *project,
                                               const BwExportImage *image,
                                               const char          *root,
                                               gboolean             relative_only);
gboolean       bw_export_copy_image           (BwProject           *project,
                                               const BwExportImage *image,
                                               const char          *root,
                                               GFile               *folder,
                                               GCancellable        *cancellable,
                                               GError             **error);

typedef gboolean (*BwExportFunc) (BwProject         *project,
                                  GFile             *destination,
                                  gconstpointer      options,
                                  BwExportProgress   progress,
                                  gpointer           progress_data,
                                  BwExportResult    *result,
                                  GCancellable      *cancellable,
                                  GError           **error);

void           bw_export_run_async            (BwProject           *project,
                                               GFile               *destination,
                                               BwExportFunc         func,
                                               gpointer             options,
                                               GDestroyNotify       options_free,
                                               BwExportProgress     progress,
                                               gpointer             progress_data,
                                               GDestroyNotify       progress_destroy,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data,
                                               gpointer             source_tag);
gboolean       bw_export_run_finish           (BwProject           *project,
                                               GAsyncResult        *result,
                                               BwExportResult      *out_result,
                                               GError             **error);
void           bw_export_note_damaged         (BwExportResult      *result,
                                               const char          *file_name,
                                               gint64               annotation_id,
                                               const GError        *error);
gboolean       bw_export_remove_tree          (GFile               *folder,
                                               GError             **error);

G_END_DECLS
