/* bw-import-util.h — what the annotation importers share (core-only)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "bw-project.h"

G_BEGIN_DECLS

/**
 * BwAnnotationImportResult:
 * @files: files read
 * @images_matched: images found already in the project
 * @images_added: image files found under the image folder and added
 * @images_missing: images named in the file but in neither place; their
 *   annotations are skipped
 * @annotations: annotations added
 * @boxes: of which boxes
 * @polygons: of which polygons
 * @multipart: of which polygons of several parts
 * @categories_added: categories created because no category had the name
 * @skipped_rle: COCO RLE (mask) segmentations, which are not imported
 * @skipped_low_score: predictions under the minimum score
 * @skipped_shapes: labelme shapes of other kinds (circle, line, point…)
 * @skipped_missing_image: annotations of missing images
 * @skipped_duplicates: annotations already in the layer they would go to
 *   (the same category and geometry): importing a file twice adds nothing
 */
typedef struct
{
  guint64 files;
  guint64 images_matched;
  guint64 images_added;
  guint64 images_missing;
  guint64 annotations;
  guint64 boxes;
  guint64 polygons;
  guint64 multipart;
  guint64 categories_added;
  guint64 skipped_rle;
  guint64 skipped_low_score;
  guint64 skipped_shapes;
  guint64 skipped_missing_image;
  guint64 skipped_duplicates;
} BwAnnotationImportResult;

char     *bw_annotation_import_result_describe (const BwAnnotationImportResult *result);

char     *bw_import_resolve_path      (const char     *root,
                                       const char     *base,
                                       const char     *untrusted,
                                       GError        **error);
gboolean  bw_import_find_or_add_image (BwProject      *project,
                                       const char     *absolute_path,
                                       int             expected_width,
                                       int             expected_height,
                                       gint64         *out_id,
                                       gboolean       *out_added,
                                       GError        **error);
gboolean  bw_import_ensure_category   (BwProject      *project,
                                       const char     *name,
                                       const char     *supercategory,
                                       gint64         *out_id,
                                       gboolean       *out_added,
                                       GError        **error);
gboolean  bw_import_open_layer        (BwProject      *project,
                                       gint64          image_id,
                                       gint64          person_id,
                                       BwLayerKind     kind,
                                       gint64         *out_layer_id,
                                       GHashTable    **out_existing,
                                       GError        **error);
gboolean  bw_import_add_annotation    (BwProject      *project,
                                       gint64          layer_id,
                                       gint64          category_id,
                                       BwShape        *shape,
                                       int             image_width,
                                       int             image_height,
                                       BwSource        source,
                                       double          score,
                                       GHashTable     *existing,
                                       BwAnnotationImportResult *result,
                                       GError        **error);

G_END_DECLS
