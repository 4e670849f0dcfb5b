/* bw-project-export.h — streaming reads for the exporters
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Core-only (the SQL lives in bw-project-export.c). An export cursor reads
 * on its own read-only connection inside one read transaction, so the
 * passes of an export see the same snapshot while the project stays
 * editable, and memory does not grow with the project: one image row and
 * one annotation row at a time.
 *
 * Which layer of an image is exported (its final answer): its accepted
 * work layer, else — unless only accepted answers are wanted — its most
 * recently updated submitted work layer, or with BW_EXPORT_STATUS_ALL its
 * most recently updated work layer whatever its status. Gold layers are
 * never exported as an answer; BW_EXPORT_STATUS_GOLD exports the gold
 * images' gold layers and nothing else, and BW_EXPORT_STATUS_REFERENCE
 * the answers a model is scored against: a gold image's gold layer, else
 * any image's accepted work layer. Excluded images and images without
 * such a layer are not exported.
 */

#pragma once

#include "bw-coco-export.h"
#include "bw-project.h"

G_BEGIN_DECLS

typedef struct _BwExportCursor BwExportCursor;

typedef struct
{
  gint64      image_id;
  const char *path;             /* as stored; valid until the next call */
  int         width;
  int         height;
  gint64      layer_id;
} BwExportImage;

/* The review fields are read only after _bw_export_cursor_read_reviews();
 * the strings are valid until the next call, and %NULL when there is
 * nothing to say. */
typedef struct
{
  gint64        id;
  gint64        category_id;
  BwShapeKind   kind;
  BwRect        bbox;
  const guint8 *parts;          /* valid until the next call */
  gsize         parts_size;
  const char   *annotator;      /* the layer's owner */
  int           verdict;        /* a BwVerdict, or -1: none that stands */
  const char   *reason;
  const char   *comment;
  const char   *reviewer;
  gint64        guideline_version; /* 0: made before versions were counted */
} BwExportAnnotation;

BwExportCursor *_bw_export_cursor_new             (BwProject           *project,
                                                   BwExportStatus       status,
                                                   GError             **error);
gboolean        _bw_export_cursor_count_left_out  (BwExportCursor      *cursor,
                                                   guint64              exported,
                                                   guint64             *out_left_out,
                                                   GError             **error);
void            _bw_export_cursor_free            (BwExportCursor      *cursor);
gboolean        _bw_export_cursor_read_reviews    (BwExportCursor      *cursor,
                                                   GError             **error);
gboolean        _bw_export_cursor_rewind          (BwExportCursor      *cursor,
                                                   GError             **error);
gboolean        _bw_export_cursor_next_image      (BwExportCursor      *cursor,
                                                   BwExportImage       *image,
                                                   GError             **error);
gboolean        _bw_export_cursor_select_layer    (BwExportCursor      *cursor,
                                                   gint64               layer_id,
                                                   GError             **error);
gboolean        _bw_export_cursor_next_annotation (BwExportCursor      *cursor,
                                                   BwExportAnnotation  *annotation,
                                                   GError             **error);
BwShape        *_bw_export_annotation_to_shape    (const BwExportAnnotation *annotation,
                                                   GError             **error);

/* Bulk writes for the importers, inside the caller's transaction. */
gboolean        _bw_project_import_layer          (BwProject           *project,
                                                   gint64               image_id,
                                                   gint64               person_id,
                                                   BwLayerKind          kind,
                                                   gint64              *out_layer_id,
                                                   gboolean            *out_created,
                                                   GError             **error);
gboolean        _bw_project_import_annotation     (BwProject           *project,
                                                   gint64               layer_id,
                                                   gint64               category_id,
                                                   const BwShape       *shape,
                                                   BwSource             source,
                                                   double               score,
                                                   GError             **error);
void            _bw_project_import_done           (BwProject           *project);

/* Large imports: staged in chunks, shown in one last step
 * (bw-project-staging.c). */
gboolean        _bw_project_stage_begin           (BwProject           *project,
                                                   gint64              *out_import_id,
                                                   GError             **error);
gboolean        _bw_project_stage_annotation      (BwProject           *project,
                                                   gint64               import_id,
                                                   gint64               target,
                                                   gint64               category,
                                                   const BwShape       *shape,
                                                   BwSource             source,
                                                   double               score,
                                                   GError             **error);
gboolean        _bw_project_stage_set_layer       (BwProject           *project,
                                                   gint64               target,
                                                   gint64               layer_id,
                                                   GError             **error);
gboolean        _bw_project_stage_set_category    (BwProject           *project,
                                                   gint64               placeholder,
                                                   gint64               category_id,
                                                   GError             **error);
gboolean        _bw_project_stage_finish          (BwProject           *project,
                                                   gint64               import_id,
                                                   guint64             *out_n_rows,
                                                   GError             **error);
void            _bw_project_stage_pause           (BwProject           *project);
void            _bw_project_stage_discard         (BwProject           *project,
                                                   gint64               import_id);
void            _bw_project_stage_discard_abandoned (BwProject         *project);
gint64          _bw_project_find_person_id        (BwProject           *project,
                                                   const char          *name);
gboolean        _bw_project_find_import_layer     (BwProject           *project,
                                                   gint64               image_id,
                                                   gint64               person_id,
                                                   BwLayerKind          kind,
                                                   gint64              *out_layer_id,
                                                   GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BwExportCursor, _bw_export_cursor_free)

G_END_DECLS
