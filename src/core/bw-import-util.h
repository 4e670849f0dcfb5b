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
 * @fitted: shapes changed to be kept: cut to the image, or a
 *   self-intersecting outline made into the areas it encloses
 * @refused_outside: shapes refused because less than half of their area
 *   is inside the image (see bw_shape_fit_to_image())
 * @refused_degenerate: shapes refused because they have no area (a box
 *   under 1 × 1 pixel, a polygon whose points are on a line)
 * @refused_not_finite: shapes refused for a coordinate that is infinite
 *   or not a number
 * @refused_too_big: shapes refused for more points or parts than
 *   %BW_SHAPE_MAX_POINTS and %BW_SHAPE_MAX_PARTS
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
  guint64 fitted;
  guint64 refused_outside;
  guint64 refused_degenerate;
  guint64 refused_not_finite;
  guint64 refused_too_big;
} BwAnnotationImportResult;

char     *bw_annotation_import_result_describe (const BwAnnotationImportResult *result);
gboolean  bw_import_count_refusal     (BwAnnotationImportResult *result,
                                       const GError   *error);

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
gboolean  bw_import_find_or_probe_image (BwProject    *project,
                                       const char     *absolute_path,
                                       int             expected_width,
                                       int             expected_height,
                                       gint64         *out_id,
                                       BwImage       **out_new,
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
gboolean  bw_import_find_layer        (BwProject      *project,
                                       gint64          image_id,
                                       gint64          person_id,
                                       BwLayerKind     kind,
                                       GHashTable    **out_existing,
                                       GError        **error);
GHashTable *bw_import_new_keys        (void);
void      bw_import_remember_key      (GHashTable     *keys,
                                       gint64          category_id,
                                       const BwShape  *shape);
gboolean  bw_import_stage_annotation  (BwProject      *project,
                                       gint64          import_id,
                                       gint64          target,
                                       gint64          category,
                                       BwShape        *shape,
                                       int             image_width,
                                       int             image_height,
                                       BwSource        source,
                                       double          score,
                                       GHashTable     *existing,
                                       BwAnnotationImportResult *result,
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
