/* bw-project-exams.h — certification exams on gold images
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "bw-project.h"
#include "bw-quality.h"

G_BEGIN_DECLS

/* Who must pass an exam before their work queue opens (stored: never
 * renumber). Only annotators are ever held back. */
typedef enum
{
  BW_EXAM_NOT_REQUIRED    = 0,  /* nobody: a practice exam, or one retired */
  BW_EXAM_REQUIRED_OF_NEW = 1,  /* annotators who had no work when it was defined */
  BW_EXAM_REQUIRED_OF_ALL = 2,  /* every annotator */
} BwExamRequirement;

/* An accepted box whose IoU with its gold box is below this fits, but
 * loosely or tightly: a hint says which, even when the attempt passed. */
#define BW_EXAM_FIT_IOU 0.75

/**
 * BwExamThreshold:
 * @category_id: a category
 * @min_f1: the least F1 on its shapes, 0–1
 * @min_accuracy: the least accuracy TP / (TP + FP + FN), 0–1
 */
typedef struct
{
  gint64  category_id;
  double  min_f1;
  double  min_accuracy;
} BwExamThreshold;

/**
 * BwExam:
 * @image_ids: (element-type gint64): its gold images, in the order they
 *   are handed out
 * @thresholds: (element-type BwExamThreshold): per category, by id; may
 *   be empty
 * @max_attempts: attempts allowed to each person, 0 for no limit
 * @renew: a certificate holds only under the guideline version it was
 *   passed under: after a guideline change every annotator passes again
 * @iou_threshold: τ of the matching
 * @guideline_version: the version in force when the exam was defined
 * @renewed_version: the guideline version it was last required again
 *   from (bw_project_require_exam_again()), 0 when never
 */
typedef struct
{
  gint64             id;
  char              *name;
  GArray            *image_ids;
  double             min_f1;
  double             min_accuracy;
  GArray            *thresholds;
  int                max_attempts;
  BwExamRequirement  required;
  gboolean           renew;
  double             iou_threshold;
  gint64             guideline_version;
  gint64             created_at;
  gint64             renewed_version;
} BwExam;

/**
 * BwExamScore:
 * @category_id: a category, or 0 for all of them
 * @counts: the attempt's answers against the gold answers
 * @loose: matched or poorly placed shapes (IoU below %BW_EXAM_FIT_IOU)
 *   larger than the gold shape
 * @tight: …smaller than it
 * @min_f1: the threshold it had to reach, or -1 for none
 * @min_accuracy: likewise
 * @passed: it reached its thresholds
 */
typedef struct
{
  gint64           category_id;
  BwQualityCounts  counts;
  guint64          loose;
  guint64          tight;
  double           min_f1;
  double           min_accuracy;
  gboolean         passed;
} BwExamScore;

typedef enum
{
  BW_EXAM_HINT_MISSED,          /* objects of @category_id not drawn */
  BW_EXAM_HINT_EXTRA,           /* shapes of @category_id over no object */
  BW_EXAM_HINT_WRONG_CATEGORY,  /* @other_id given for @category_id */
  BW_EXAM_HINT_LOOSE,           /* shapes of @category_id too large */
  BW_EXAM_HINT_TIGHT,           /* …too small */
  BW_EXAM_HINT_DUPLICATE,       /* objects of @category_id drawn twice */
} BwExamHintKind;

/**
 * BwExamHint:
 * @category_id: the category the hint is about (the gold answer's, for
 *   a wrong category)
 * @other_id: for a wrong category, the category that was given
 * @count: how many times
 *
 * What to look at again, without the gold shapes themselves.
 */
typedef struct
{
  BwExamHintKind  kind;
  gint64          category_id;
  gint64          other_id;
  guint64         count;
} BwExamHint;

/**
 * BwExamAttempt:
 * @number: 1 for a person's first attempt at the exam
 * @finished_at: when its last image was handed in (and it was scored),
 *   0 while open
 * @n_images: the exam's images
 * @n_submitted: those handed in
 * @scores: (element-type BwExamScore): when finished, all categories
 *   first (category 0), then each category by id
 * @hints: (element-type BwExamHint): when finished, most frequent first
 */
typedef struct
{
  gint64    id;
  gint64    exam_id;
  char     *exam;
  gint64    person_id;
  char     *person;
  int       number;
  double    iou_threshold;
  gint64    guideline_version;
  gint64    started_at;
  gint64    finished_at;
  gboolean  passed;
  guint     n_images;
  guint     n_submitted;
  GArray   *scores;
  GArray   *hints;
} BwExamAttempt;

/**
 * BwCertificate:
 * @f1: the attempt's F1 over all categories
 * @accuracy: …and accuracy
 * @guideline_version: the guideline version it was passed under, -1
 *   when not known
 * @current: it still counts (an exam renewed on guideline changes
 *   needs one of the version in force)
 */
typedef struct
{
  gint64    id;
  gint64    person_id;
  char     *person;
  gint64    exam_id;
  char     *exam;
  gint64    attempt_id;
  double    f1;
  double    accuracy;
  gint64    guideline_version;
  gint64    created_at;
  gboolean  current;
} BwCertificate;

/**
 * BwExamGate:
 * @exam_id: the required exam the person has not passed
 * @attempt_id: their open attempt at it, 0 when none
 * @attempts_used: attempts counted against @max_attempts
 * @max_attempts: 0 for no limit
 * @next_image_id: the open attempt's first image not handed in, 0 when
 *   none or no open attempt
 *
 * Why a person's work queue is closed.
 */
typedef struct
{
  gint64  exam_id;
  char   *exam;
  gint64  attempt_id;
  int     attempts_used;
  int     max_attempts;
  guint   n_images;
  guint   n_submitted;
  gint64  next_image_id;
  gint64  last_attempt_id;      /* their last finished attempt, 0 when none */
} BwExamGate;

void           bw_exam_free                      (BwExam          *exam);
void           bw_exam_attempt_free              (BwExamAttempt   *attempt);
void           bw_certificate_free               (BwCertificate   *certificate);
void           bw_exam_gate_free                 (BwExamGate      *gate);
BwExam        *bw_exam_new                       (const char      *name);
const char    *bw_exam_requirement_to_string     (BwExamRequirement requirement);
gboolean       bw_exam_requirement_from_string   (const char      *text,
                                                  BwExamRequirement *requirement);
double         bw_exam_rate_value                (guint64          numerator,
                                                  guint64          denominator);
gboolean       bw_exam_gate_can_attempt          (const BwExamGate *gate);
char          *bw_exam_hint_to_string            (const BwExamHint *hint,
                                                  GHashTable      *category_names);

gboolean       bw_project_add_exam               (BwProject       *self,
                                                  const BwExam    *exam,
                                                  gint64           person_id,
                                                  gint64          *out_id,
                                                  GError         **error);
GPtrArray     *bw_project_list_exams             (BwProject       *self,
                                                  GError         **error);
BwExam        *bw_project_get_exam               (BwProject       *self,
                                                  gint64           exam_id,
                                                  GError         **error);
gint64         bw_project_find_exam              (BwProject       *self,
                                                  const char      *name_or_id);
gboolean       bw_project_update_exam            (BwProject       *self,
                                                  const BwExam    *exam,
                                                  GError         **error);
gboolean       bw_project_require_exam_again     (BwProject       *self,
                                                  gint64           exam_id,
                                                  gint64          *out_version,
                                                  GError         **error);
gboolean       bw_project_set_exam_required      (BwProject       *self,
                                                  gint64           exam_id,
                                                  BwExamRequirement required,
                                                  gboolean         renew,
                                                  GError         **error);
gboolean       bw_project_set_exam_max_attempts  (BwProject       *self,
                                                  gint64           exam_id,
                                                  int              max_attempts,
                                                  GError         **error);

gboolean       bw_project_get_exam_gate          (BwProject       *self,
                                                  gint64           person_id,
                                                  BwExamGate     **out_gate,
                                                  GError         **error);
gboolean       bw_project_check_queue_open       (BwProject       *self,
                                                  gint64           person_id,
                                                  GError         **error);
gboolean       bw_project_start_exam_attempt     (BwProject       *self,
                                                  gint64           exam_id,
                                                  gint64           person_id,
                                                  gint64          *out_attempt_id,
                                                  GError         **error);
gint64         bw_project_get_exam_answer_layer  (BwProject       *self,
                                                  gint64           attempt_id,
                                                  gint64           image_id,
                                                  GError         **error);
gboolean       bw_project_ensure_exam_layer      (BwProject       *self,
                                                  gint64           attempt_id,
                                                  gint64           image_id,
                                                  gint64          *out_layer_id,
                                                  GError         **error);
gboolean       bw_project_check_exam_open        (BwProject       *self,
                                                  gint64           attempt_id,
                                                  GError         **error);
gboolean       bw_project_submit_exam_image      (BwProject       *self,
                                                  gint64           attempt_id,
                                                  gint64           image_id,
                                                  gboolean        *out_finished,
                                                  GError         **error);
gint64         bw_project_find_exam_attempt_for_image (BwProject  *self,
                                                  gint64           person_id,
                                                  gint64           image_id);
gint64         bw_project_get_next_exam_image    (BwProject       *self,
                                                  gint64           attempt_id,
                                                  gint64           after_image_id,
                                                  GError         **error);
BwExamAttempt *bw_project_get_exam_attempt       (BwProject       *self,
                                                  gint64           attempt_id,
                                                  GError         **error);
GPtrArray     *bw_project_list_exam_attempts     (BwProject       *self,
                                                  gint64           exam_id,
                                                  gint64           person_id,
                                                  GError         **error);
GPtrArray     *bw_project_list_certificates      (BwProject       *self,
                                                  gint64           person_id,
                                                  GError         **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BwExam, bw_exam_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BwExamAttempt, bw_exam_attempt_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BwCertificate, bw_certificate_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BwExamGate, bw_exam_gate_free)

G_END_DECLS
