/* bw-quality-private.h — what the quality figures share with the model's
 * error report and the calibration rounds (core-only)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "bw-project-quality.h"
#include "bw-quality.h"

G_BEGIN_DECLS

GHashTable      *_bw_quality_counts_table_new       (void);
GHashTable      *_bw_quality_confusion_table_new    (void);
BwQualityCounts *_bw_quality_counts_for             (GHashTable            *table,
                                                     gint64                 category_id);
void             _bw_quality_counts_add             (BwQualityCounts       *into,
                                                     const BwQualityCounts *counts);
void             _bw_quality_count_outcomes         (const BwMatchShape    *annotated,
                                                     guint                  n_annotated,
                                                     const BwMatchOutcome  *annotated_out,
                                                     const BwMatchShape    *reference,
                                                     guint                  n_reference,
                                                     const BwMatchOutcome  *reference_out,
                                                     BwQualityCounts       *counts,
                                                     GHashTable           **category_tables,
                                                     GHashTable           **confusion_tables,
                                                     guint                  n_tables);
GArray          *_bw_quality_categories_from_table  (GHashTable            *table);
GArray          *_bw_quality_confusion_from_table   (GHashTable            *table);

guint            _bw_quality_build_units            (BwMatcher             *matcher,
                                                     const BwQualityImage  *image,
                                                     const BwQualityLayer  *work,
                                                     guint                  n_work,
                                                     GArray                *units);
int              _bw_quality_compare_layers_by_person (gconstpointer        a,
                                                     gconstpointer          b);

void             _bw_quality_json_add_counts        (JsonBuilder           *builder,
                                                     const BwQualityCounts *counts);
void             _bw_quality_json_add_number        (JsonBuilder           *builder,
                                                     const char            *name,
                                                     double                 value);

G_END_DECLS
