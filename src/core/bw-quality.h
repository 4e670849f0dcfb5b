/* bw-quality.h — quality figures: annotators against gold, and against each other
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "bw-matching.h"
#include "bw-project.h"
#include "bw-stats.h"

G_BEGIN_DECLS

#define BW_QUALITY_DEFAULT_ALPHA_THRESHOLD 0.6

/**
 * BwQualityCounts:
 * @tp: true positives (matched shapes)
 * @fp: false positives (annotated shapes not matched)
 * @fn: false negatives (reference shapes not matched)
 * @iou_sum: the sum of the IoU of the true positives
 * @errors: error counts by #BwMatchKind (the true-positive slot is
 *   unused). A wrong-category or poor-localisation pair counts once, in
 *   the reference shape's category; so @fp = extra + duplicate + wrong
 *   category + poor localisation and @fn = missed + wrong category + poor
 *   localisation.
 */
typedef struct
{
  guint64 tp;
  guint64 fp;
  guint64 fn;
  double  iou_sum;
  guint64 errors[BW_MATCH_N_KINDS];
} BwQualityCounts;

typedef struct
{
  gint64          category_id;
  BwQualityCounts counts;
} BwQualityCategory;

/**
 * BwQualityConfusion:
 * @reference_id: the reference shape's category, 0 for none (an
 *   annotated shape that matched nothing)
 * @annotated_id: the annotated shape's category, 0 for none (a reference
 *   shape that nothing matched)
 * @count: how many times
 *
 * One cell of the confusion matrix. Matched and wrong-category pairs are
 * cells with both categories; every other shape is a cell with "none" on
 * the other side, so a row sums to the reference shapes of its category
 * and a column to the annotated shapes of its category.
 */
typedef struct
{
  gint64  reference_id;
  gint64  annotated_id;
  guint64 count;
} BwQualityConfusion;

/**
 * BwQualityAnnotator:
 * @person_id: the person
 * @name: their name
 * @images: gold images on which their work was scored
 * @counts: their figures against gold, all categories
 * @categories: (element-type BwQualityCategory): per category, by id
 * @confusion: (element-type BwQualityConfusion): their confusion matrix
 */
typedef struct
{
  gint64           person_id;
  char            *name;
  guint64          images;
  BwQualityCounts  counts;
  GArray          *categories;
  GArray          *confusion;
} BwQualityAnnotator;

/**
 * BwQualityPair:
 * @person_a: one annotator (the lower id), taken as the reference
 * @person_b: the other
 * @images: images both answered
 * @counts: @person_b's shapes matched against @person_a's; F1 and mean
 *   IoU do not depend on which is which
 */
typedef struct
{
  gint64          person_a;
  gint64          person_b;
  guint64         images;
  BwQualityCounts counts;
} BwQualityPair;

/**
 * BwQualityImageScore:
 * @person_id: the annotator
 * @counts: their figures on the image, all categories
 * @categories: (element-type BwQualityCategory) (nullable): the same per
 *   category of the image, by id (with %BwQualityOptions.keep_images)
 */
typedef struct
{
  gint64          person_id;
  BwQualityCounts counts;
  GArray         *categories;
} BwQualityImageScore;

/**
 * BwQualityImageResult:
 * @image_id: the image
 * @path: its path as stored
 * @is_gold: a gold image
 * @n_annotators: people whose work on it counts
 * @alpha: Krippendorff's α of their answers, NAN with fewer than two
 *   annotators or no shape at all
 * @scores: (element-type BwQualityImageScore): on a gold image, each
 *   annotator's figures against the gold answer
 */
typedef struct
{
  gint64   image_id;
  char    *path;
  gboolean is_gold;
  guint    n_annotators;
  double   alpha;
  GArray  *scores;
} BwQualityImageResult;

typedef struct
{
  double   iou_threshold;
  double   alpha_threshold;
  gboolean keep_images;
} BwQualityOptions;

/**
 * BwQualityReport:
 * @iou_threshold: τ
 * @alpha_threshold: images with α below it are flagged
 * @gold_images: gold images scored (with a gold answer and some work)
 * @annotators: (element-type BwQualityAnnotator): by name
 * @categories: (element-type BwQualityCategory): all annotators together
 * @confusion: (element-type BwQualityConfusion): all annotators together
 * @category_names: category id → name
 * @agreement_images: images answered by two or more people
 * @pairs: (element-type BwQualityPair): every pair of people who answered
 *   the same images
 * @alpha_images: images with an α
 * @alpha_sum: the sum of their α (its mean is the project's agreement)
 * @flagged: (element-type BwQualityImageResult): images with α below
 *   @alpha_threshold
 * @images: (element-type BwQualityImageResult): every image scored, when
 *   asked for with keep_images
 */
typedef struct
{
  double      iou_threshold;
  double      alpha_threshold;
  guint64     gold_images;
  GPtrArray  *annotators;
  GArray     *categories;
  GArray     *confusion;
  GHashTable *category_names;
  GHashTable *person_names;
  guint64     agreement_images;
  GArray     *pairs;
  guint64     alpha_images;
  double      alpha_sum;
  GPtrArray  *flagged;
  GPtrArray  *images;
} BwQualityReport;

typedef enum
{
  BW_QUALITY_BY_ANNOTATOR,
  BW_QUALITY_BY_CATEGORY,
  BW_QUALITY_BY_IMAGE,
} BwQualityBy;

/* Called from the thread that computes, now and then, with the share of
 * images done. */
typedef void (*BwQualityProgressFunc) (double   fraction,
                                       gpointer user_data);

void             bw_quality_options_init       (BwQualityOptions       *options);

void             bw_quality_counts_precision   (const BwQualityCounts  *counts,
                                                BwRate                 *rate);
void             bw_quality_counts_recall      (const BwQualityCounts  *counts,
                                                BwRate                 *rate);
void             bw_quality_counts_accuracy    (const BwQualityCounts  *counts,
                                                BwRate                 *rate);
void             bw_quality_counts_f1          (const BwQualityCounts  *counts,
                                                BwRate                 *rate);
double           bw_quality_counts_mean_iou    (const BwQualityCounts  *counts);

BwQualityReport *bw_quality_compute            (BwProject              *project,
                                                const BwQualityOptions *options,
                                                BwQualityProgressFunc   progress,
                                                gpointer                progress_data,
                                                GCancellable           *cancellable,
                                                GError                **error);
void             bw_quality_compute_async      (BwProject              *project,
                                                const BwQualityOptions *options,
                                                BwQualityProgressFunc   progress,
                                                gpointer                progress_data,
                                                GCancellable           *cancellable,
                                                GAsyncReadyCallback     callback,
                                                gpointer                user_data);
BwQualityReport *bw_quality_compute_finish     (BwProject              *project,
                                                GAsyncResult           *result,
                                                GError                **error);
void             bw_quality_report_free        (BwQualityReport        *report);

double           bw_quality_report_mean_alpha  (const BwQualityReport  *report);
const char      *bw_quality_report_category_name (const BwQualityReport *report,
                                                gint64                  category_id);
const char      *bw_quality_report_person_name (const BwQualityReport  *report,
                                                gint64                  person_id);
JsonNode        *bw_quality_report_to_json     (const BwQualityReport  *report,
                                                BwQualityBy             by);
char            *bw_quality_report_to_csv      (const BwQualityReport  *report,
                                                BwQualityBy             by);

/* One person's answers against references, image by image, counted as
 * the report counts an annotator against gold (for an exam). */
typedef struct _BwQualityTally BwQualityTally;

BwQualityTally  *bw_quality_tally_new          (void);
void             bw_quality_tally_free         (BwQualityTally         *tally);
void             bw_quality_tally_add          (BwQualityTally         *tally,
                                                const BwMatchShape     *annotated,
                                                guint                   n_annotated,
                                                const BwMatchOutcome   *annotated_out,
                                                const BwMatchShape     *reference,
                                                guint                   n_reference,
                                                const BwMatchOutcome   *reference_out);
const BwQualityCounts *bw_quality_tally_get_counts (BwQualityTally     *tally);
GArray          *bw_quality_tally_dup_categories (BwQualityTally       *tally);
GArray          *bw_quality_tally_dup_confusion (BwQualityTally        *tally);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BwQualityReport, bw_quality_report_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BwQualityTally, bw_quality_tally_free)

G_END_DECLS
