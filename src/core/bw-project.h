/* bw-project.h — a Boxwood project: one SQLite file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "bw-geometry.h"
#include "bw-types.h"

G_BEGIN_DECLS

#define BW_PROJECT_SCHEMA_VERSION 13
/* "BXWD" */
#define BW_PROJECT_APPLICATION_ID 0x42585744

#define BW_PROJECT_ERROR (bw_project_error_quark ())

typedef enum
{
  BW_PROJECT_ERROR_FAILED,
  BW_PROJECT_ERROR_NOT_A_PROJECT,
  BW_PROJECT_ERROR_TOO_NEW,
  BW_PROJECT_ERROR_BUSY,
  BW_PROJECT_ERROR_CORRUPT,
  BW_PROJECT_ERROR_DISK_FULL,
  BW_PROJECT_ERROR_READ_ONLY,
  BW_PROJECT_ERROR_EXISTS,
  BW_PROJECT_ERROR_NOT_FOUND,
  BW_PROJECT_ERROR_INVALID,
  BW_PROJECT_ERROR_DUPLICATE,
} BwProjectError;

typedef struct
{
  gint64         id;
  char          *path;          /* as stored: relative to the project file, or absolute */
  int            width;
  int            height;
  gint64         byte_size;
  char          *content_hash;  /* SHA-256, hex */
  guint64        phash;         /* 64-bit difference hash, 0 when unknown */
  int            orientation;   /* EXIF orientation tag, 1 when none */
  BwImageStatus  status;
  gboolean       is_gold;
  gint64         added_at;      /* µs since the epoch */
} BwImage;

typedef struct
{
  gint64  id;                   /* stable; it is the COCO category id */
  char   *name;
  char   *supercategory;
  char   *color;                /* "#rrggbb" */
  char   *hotkey;               /* nullable */
  char   *guideline;
  int     position;
} BwCategory;

typedef struct
{
  gint64        id;
  gint64        image_id;
  gint64        person_id;      /* 0 when none */
  BwLayerKind   kind;
  BwLayerStatus status;
  gboolean      no_objects;     /* submitted as having no objects */
  gint64        created_at;
  gint64        updated_at;
} BwLayer;

typedef struct
{
  gint64    id;
  gint64    layer_id;
  gint64    category_id;
  BwShape  *shape;
  BwSource  source;
  double    score;              /* model score, or 1.0 */
  gint64    created_at;
  gint64    updated_at;         /* when this version was made */
  int       version;            /* 1 for a new annotation; +1 on every change */
  gint64    author_id;          /* who made this version when not the layer's
                                 * owner (a reviewer's fix), else 0 */
  gint64    z;                  /* drawing order in the layer: higher over lower, then by id */
  gint64    guideline_version;  /* the guidelines in force when this version was
                                 * made (bw_project_get_guideline_version()),
                                 * 0 when made before they were counted */
} BwAnnotation;

/* bw_project_list_annotation_stamps() */
typedef struct
{
  gint64  id;
  int     version;
  gint64  z;
} BwAnnotationStamp;

/* One person's work on one image (see bw-project-review.c). */
typedef struct
{
  gint64              id;
  gint64              image_id;
  gint64              person_id;
  BwTask              task;
  BwAssignmentStatus  status;
  gint64              layer_id;       /* the annotator's layer, or the layer
                                       * last reviewed; 0 when none */
  int                 submissions;    /* how many times it was handed in */
  gint64              created_at;
  gint64              started_at;     /* 0 when not yet */
  gint64              submitted_at;
  gint64              finished_at;    /* accepted or returned */
} BwAssignment;

typedef struct
{
  gint64     id;
  gint64     layer_id;
  gint64     annotation_id;     /* 0: a verdict on the layer, or a pinned comment */
  int        annotation_version;
  gint64     reviewer_id;       /* 0 when unknown */
  BwVerdict  verdict;
  gint64     reason_id;         /* a rejection reason, or 0 */
  char      *comment;
  gboolean   has_point;
  double     x;                 /* the pinned point, in image pixels */
  double     y;
  int        submission;        /* the submission it judged */
  gint64     implied_by;        /* the layer verdict that implied it, or 0 */
  gint64     created_at;
} BwReview;

typedef struct
{
  gint64    id;
  char     *name;
  int       hotkey;             /* 1–9, or 0 for none */
  int       position;
  gboolean  hidden;             /* used by reviews, then deleted: kept for them */
} BwRejectionReason;

/* A submitted layer waiting for review. */
typedef struct
{
  gint64              layer_id;
  gint64              image_id;
  char               *image_path;   /* as stored */
  gint64              annotator_id;
  char               *annotator;
  BwAssignmentStatus  status;       /* submitted, or in review */
  gint64              submitted_at;
  int                 submission;
  guint               n_annotations;
  gboolean            audited;      /* sampled by a random audit */
} BwReviewQueueItem;

typedef struct
{
  gint64  reason_id;
  gint64  count;
} BwReasonCount;

/* One annotator's figures (bw_project_list_review_stats()). */
typedef struct
{
  gint64   person_id;
  char    *name;
  gint64   submissions;         /* every hand-in, resubmissions included */
  gint64   accepted;            /* layers accepted */
  gint64   returned;            /* times a layer was returned */
  gint64   first_reviewed;      /* layers with a layer verdict */
  gint64   first_pass_accepted; /* …whose first layer verdict was accept */
  GArray  *reasons;             /* (element-type BwReasonCount), most used first */
  double   annotate_seconds;
  double   review_seconds;
} BwReviewStats;

/* Random audits (settings "audit.rate", "audit.seed", "audit.policy"). */
typedef struct
{
  gboolean       enabled;
  double         rate;          /* share of submissions sampled, 0–1 */
  guint64        seed;
  BwAuditPolicy  policy;
} BwAuditSettings;

/* The audited sample of one annotator (person_id 0: everyone). */
typedef struct
{
  gint64  person_id;
  char   *name;
  gint64  drawn;                /* submissions drawn for the audit */
  gint64  sampled;              /* …of which sampled */
  gint64  reviewed;             /* sampled submissions with verdicts */
  gint64  judged;               /* annotations judged in those */
  gint64  rejected;             /* …rejected or fixed by the reviewer */
} BwAuditFigures;

/* A gold image and its answer (bw_project_list_gold_answers()). */
typedef struct
{
  gint64    image_id;
  char     *path;               /* as stored */
  gint64    layer_id;           /* the gold layer, 0 when not answered yet */
  gint64    author_id;          /* whose gold layer it is, 0 when nobody's */
  char     *author;
  guint     n_annotations;
  gint64    changed_at;         /* the answer's last change */
  gint64    reviewer_id;        /* who last accepted it, 0 when nobody */
  char     *reviewer;
  gint64    reviewed_at;        /* when, 0 when never */
  gboolean  accepted;           /* accepted, and not changed since */
} BwGoldAnswer;

/* One submission drawn for a random audit (bw_project_list_audit_samples()). */
typedef struct
{
  gint64    layer_id;
  gint64    image_id;
  char     *image_path;         /* as stored */
  gint64    annotator_id;
  char     *annotator;
  int       submission;         /* which hand-in of the layer */
  double    rate;               /* the audit rate when it was drawn */
  double    draw;               /* its point in [0, 1) (bw_audit_draw()) */
  gboolean  sampled;
  gboolean  reviewed;           /* a layer verdict on this submission */
  gint64    drawn_at;           /* µs since the epoch */
} BwAuditSample;

typedef enum
{
  BW_GUIDELINE_CHANGE_TEXT,             /* the guideline text or the document */
  BW_GUIDELINE_CHANGE_EXAMPLE_ADDED,
  BW_GUIDELINE_CHANGE_EXAMPLE_REMOVED,
} BwGuidelineChangeKind;

/* One step of the guideline version (bw_project_list_guideline_changes()). */
typedef struct
{
  gint64  version;              /* the version this change made */
  gint64  category_id;          /* whose guideline changed; 0: the project-wide document */
  char   *category_name;        /* its name (as it was, when since deleted); NULL for the document */
  gint64  changed_at;           /* µs since the epoch */
  BwGuidelineChangeKind what;
} BwGuidelineChange;

/* A shape pinned as an example of its category (bw-project-questions.c). */
typedef struct
{
  gint64    id;
  gint64    category_id;
  gboolean  positive;           /* "this counts as …", else "this does not" */
  gint64    image_id;
  char     *image_path;         /* as stored */
  gint64    annotation_id;      /* the annotation it was taken from, 0 when unknown */
  int       annotation_version;
  BwShape  *shape;              /* as it was when pinned */
  char     *note;               /* why; "" when nothing was said */
  gint64    person_id;          /* who pinned it, 0 when unknown */
  gint64    question_id;        /* the question it answers, or 0 */
  gint64    created_at;
} BwGuidelineExample;

/* An image or a shape flagged as ambiguous (bw-project-questions.c). */
typedef struct
{
  gint64    id;
  gint64    image_id;
  char     *image_path;         /* as stored */
  gint64    layer_id;           /* the asker's layer, 0 when none */
  gint64    annotation_id;      /* the shape asked about, 0: the whole image */
  int       annotation_version;
  gint64    category_id;        /* the shape's category when asked, 0 for none */
  double    x;                  /* where its marker stands, in image pixels */
  double    y;
  gint64    asker_id;
  char     *asker;              /* NULL when unknown */
  char     *text;
  gint64    asked_at;
  char     *answer;             /* NULL while open */
  gint64    answerer_id;
  char     *answerer;
  gint64    answered_at;        /* 0 while open */
  gint64    example_id;         /* the example it was promoted to, or 0 */
} BwQuestion;

/* Questions asked, per person or per category (bw_project_count_questions()). */
typedef struct
{
  gint64  id;                   /* person or category id; 0: the image as a whole */
  char   *name;
  gint64  asked;
  gint64  open;
} BwQuestionCount;

typedef struct
{
  gint64 images;
  gint64 images_by_status[BW_IMAGE_N_STATUS];
  gint64 categories;
  gint64 annotations;
  gint64 people;
  gint64 layers;
} BwProjectCounts;

/* What other programs committed since a window last looked
 * (bw_project_poll_external_change()). */
typedef struct
{
  GArray   *image_ids;          /* (element-type gint64): images added, or
                                 * whose path, status or gold mark changed */
  gboolean  images_removed;     /* images were removed: list them again */
  gboolean  categories_changed; /* the taxonomy changed */
  gboolean  work_changed;       /* annotations, layers or reviews changed:
                                 * which, a view finds by comparing what it
                                 * shows (bw_layer_session_refresh()) */
} BwProjectChanges;

#define BW_TYPE_PROJECT_CHANGES (bw_project_changes_get_type ())
#define BW_TYPE_IMAGE      (bw_image_get_type ())
#define BW_TYPE_CATEGORY   (bw_category_get_type ())
#define BW_TYPE_LAYER      (bw_layer_get_type ())
#define BW_TYPE_ANNOTATION (bw_annotation_get_type ())
#define BW_TYPE_ASSIGNMENT (bw_assignment_get_type ())
#define BW_TYPE_REVIEW     (bw_review_get_type ())
#define BW_TYPE_REJECTION_REASON (bw_rejection_reason_get_type ())
#define BW_TYPE_REVIEW_QUEUE_ITEM (bw_review_queue_item_get_type ())

GType         bw_project_changes_get_type (void) G_GNUC_CONST;
BwProjectChanges *bw_project_changes_copy (const BwProjectChanges *changes);
void          bw_project_changes_free (BwProjectChanges   *changes);
GType         bw_image_get_type       (void) G_GNUC_CONST;
BwImage      *bw_image_copy           (const BwImage      *image);
void          bw_image_free           (BwImage            *image);
GType         bw_category_get_type    (void) G_GNUC_CONST;
BwCategory   *bw_category_copy        (const BwCategory   *category);
void          bw_category_free        (BwCategory         *category);
GType         bw_layer_get_type       (void) G_GNUC_CONST;
BwLayer      *bw_layer_copy           (const BwLayer      *layer);
void          bw_layer_free           (BwLayer            *layer);
GType         bw_annotation_get_type  (void) G_GNUC_CONST;
BwAnnotation *bw_annotation_copy      (const BwAnnotation *annotation);
void          bw_annotation_free      (BwAnnotation       *annotation);
GType         bw_assignment_get_type  (void) G_GNUC_CONST;
BwAssignment *bw_assignment_copy      (const BwAssignment *assignment);
void          bw_assignment_free      (BwAssignment       *assignment);
GType         bw_review_get_type      (void) G_GNUC_CONST;
BwReview     *bw_review_copy          (const BwReview     *review);
void          bw_review_free          (BwReview           *review);
GType         bw_rejection_reason_get_type (void) G_GNUC_CONST;
BwRejectionReason *bw_rejection_reason_copy (const BwRejectionReason *reason);
void          bw_rejection_reason_free (BwRejectionReason *reason);
GType         bw_review_queue_item_get_type (void) G_GNUC_CONST;
BwReviewQueueItem *bw_review_queue_item_copy (const BwReviewQueueItem *item);
void          bw_review_queue_item_free (BwReviewQueueItem *item);
void          bw_review_stats_free    (BwReviewStats      *stats);
void          bw_audit_figures_free   (BwAuditFigures     *figures);
void          bw_gold_answer_free     (BwGoldAnswer       *answer);
void          bw_audit_sample_free    (BwAuditSample      *sample);
void          bw_guideline_change_free (BwGuidelineChange *change);
void          bw_guideline_example_free (BwGuidelineExample *example);
void          bw_question_free        (BwQuestion         *question);
void          bw_question_count_free  (BwQuestionCount    *count);

#define BW_TYPE_PROJECT (bw_project_get_type ())

G_DECLARE_FINAL_TYPE (BwProject, bw_project, BW, PROJECT, GObject)

GQuark        bw_project_error_quark            (void);

BwProject    *bw_project_create                 (GFile          *file,
                                                 GError        **error);
BwProject    *bw_project_open                   (GFile          *file,
                                                 GError        **error);
BwProject    *bw_project_open_read_only         (GFile          *file,
                                                 GError        **error);
BwProject    *bw_project_open_another           (BwProject      *self,
                                                 GError        **error);
gboolean      bw_project_is_read_only           (BwProject      *self);
gboolean      bw_project_is_team_copy           (BwProject      *self);
gboolean      bw_project_check_writable         (BwProject      *self,
                                                 GError        **error);
void          bw_project_checkpoint             (BwProject      *self);
GFile        *bw_project_get_file               (BwProject      *self);
const char   *bw_project_get_display_name       (BwProject      *self);
void          bw_project_set_busy_timeout       (BwProject      *self,
                                                 guint           msec);
gboolean      bw_project_poll_external_change   (BwProject      *self);
void          bw_project_watch_external_changes (BwProject      *self,
                                                 guint           interval_ms);

gboolean      bw_project_backup                 (BwProject      *self,
                                                 GFile          *destination,
                                                 gboolean        replace,
                                                 GError        **error);
void          bw_project_backup_async           (BwProject      *self,
                                                 GFile          *destination,
                                                 gboolean        replace,
                                                 GCancellable   *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer        user_data);
gboolean      bw_project_backup_finish          (BwProject      *self,
                                                 GAsyncResult   *result,
                                                 GError        **error);

gboolean      bw_project_begin                  (BwProject      *self,
                                                 GError        **error);
gboolean      bw_project_commit                 (BwProject      *self,
                                                 GError        **error);
void          bw_project_rollback               (BwProject      *self);

char         *bw_project_get_setting            (BwProject      *self,
                                                 const char     *key);
gboolean      bw_project_set_setting            (BwProject      *self,
                                                 const char     *key,
                                                 const char     *value,
                                                 GError        **error);

gboolean      bw_project_get_counts             (BwProject      *self,
                                                 BwProjectCounts *counts,
                                                 GError        **error);

/* Images */
char         *bw_project_make_image_path        (BwProject      *self,
                                                 const char     *absolute_path);
char         *bw_project_resolve_image_path     (BwProject      *self,
                                                 const char     *stored_path);
gboolean      bw_project_add_image              (BwProject      *self,
                                                 const BwImage  *image,
                                                 gint64         *out_id,
                                                 GError        **error);
gint64        bw_project_find_image_by_hash     (BwProject      *self,
                                                 const char     *content_hash);
gint64        bw_project_find_image_by_path     (BwProject      *self,
                                                 const char     *stored_path);
BwImage      *bw_project_get_image              (BwProject      *self,
                                                 gint64          image_id,
                                                 GError        **error);
GArray       *bw_project_list_image_ids         (BwProject      *self,
                                                 int             status,
                                                 const char     *name_contains,
                                                 GError        **error);
GArray       *bw_project_list_image_ids_sorted  (BwProject      *self,
                                                 int             status,
                                                 const char     *name_contains,
                                                 BwImageSort     sort,
                                                 GError        **error);
int           bw_project_compare_images         (BwProject      *self,
                                                 BwImageSort     sort,
                                                 gint64          image_a,
                                                 gint64          image_b);
gboolean      bw_project_image_matches          (BwProject      *self,
                                                 gint64          image_id,
                                                 int             status,
                                                 const char     *name_contains);
char         *bw_image_name_sort_key            (const char     *path);
gboolean      bw_project_set_image_status       (BwProject      *self,
                                                 gint64          image_id,
                                                 BwImageStatus   status,
                                                 GError        **error);
gboolean      bw_project_set_image_gold         (BwProject      *self,
                                                 gint64          image_id,
                                                 gboolean        is_gold,
                                                 GError        **error);
gboolean      bw_project_check_image_file       (BwProject      *self,
                                                 gint64          image_id,
                                                 const char     *absolute_path,
                                                 GError        **error);
gboolean      bw_project_relocate_image         (BwProject      *self,
                                                 gint64          image_id,
                                                 const char     *absolute_path,
                                                 GError        **error);

/* People */
gboolean      bw_project_ensure_person          (BwProject      *self,
                                                 const char     *name,
                                                 BwRole          role,
                                                 gint64         *out_id,
                                                 GError        **error);
gboolean      bw_project_record_creator         (BwProject      *self,
                                                 const char     *name,
                                                 gint64         *out_id,
                                                 GError        **error);
gint64        bw_project_get_creator            (BwProject      *self);
char         *bw_project_get_person_name        (BwProject      *self,
                                                 gint64          person_id);
gint64        bw_project_find_person            (BwProject      *self,
                                                 const char     *name);

/* Layers */
gboolean      bw_project_ensure_layer           (BwProject      *self,
                                                 gint64          image_id,
                                                 gint64          person_id,
                                                 BwLayerKind     kind,
                                                 gint64         *out_id,
                                                 GError        **error);
GPtrArray    *bw_project_list_layers            (BwProject      *self,
                                                 gint64          image_id,
                                                 GError        **error);
BwLayer      *bw_project_get_layer              (BwProject      *self,
                                                 gint64          layer_id,
                                                 GError        **error);
gboolean      bw_project_set_layer_status       (BwProject      *self,
                                                 gint64          layer_id,
                                                 BwLayerStatus   status,
                                                 GError        **error);
gboolean      bw_project_start_layer_from_model (BwProject      *self,
                                                 gint64          image_id,
                                                 gint64          person_id,
                                                 gint64         *out_layer_id,
                                                 GError        **error);
gboolean      bw_project_submit_layer           (BwProject      *self,
                                                 gint64          layer_id,
                                                 GError        **error);
gboolean      bw_project_set_layer_no_objects   (BwProject      *self,
                                                 gint64          layer_id,
                                                 gboolean        no_objects,
                                                 GError        **error);
gint64        bw_project_count_layer_reviews    (BwProject      *self,
                                                 gint64          layer_id,
                                                 GError        **error);

/* The review workflow (bw-project-review.c)
 *
 * Submitting, recalling, reviewing and auditing move a layer's assignment
 * through BwAssignmentStatus, and the image's status with it, in one
 * transaction each. Editing a returned layer puts it back in progress.
 */
gboolean      bw_project_recall_submission      (BwProject      *self,
                                                 gint64          layer_id,
                                                 GError        **error);
BwAssignment *bw_project_get_assignment         (BwProject      *self,
                                                 gint64          image_id,
                                                 gint64          person_id,
                                                 BwTask          task,
                                                 GError        **error);
GPtrArray    *bw_project_list_assignments       (BwProject      *self,
                                                 gint64          image_id,
                                                 GError        **error);
gboolean      bw_project_skip_image             (BwProject      *self,
                                                 gint64          image_id,
                                                 gint64          person_id,
                                                 GError        **error);
GArray       *bw_project_list_work_queue        (BwProject      *self,
                                                 gint64          person_id,
                                                 GError        **error);
GPtrArray    *bw_project_list_review_queue      (BwProject      *self,
                                                 gint64          annotator_id,
                                                 gint64          category_id,
                                                 GError        **error);
gboolean      bw_project_start_review           (BwProject      *self,
                                                 gint64          layer_id,
                                                 gint64          reviewer_id,
                                                 GError        **error);
gboolean      bw_project_review_annotation      (BwProject      *self,
                                                 gint64          annotation_id,
                                                 gint64          reviewer_id,
                                                 BwVerdict       verdict,
                                                 gint64          reason_id,
                                                 const char     *comment,
                                                 gint64         *out_review_id,
                                                 GError        **error);
gboolean      bw_project_fix_annotation         (BwProject      *self,
                                                 gint64          annotation_id,
                                                 gint64          reviewer_id,
                                                 const BwShape  *shape,
                                                 gint64          category_id,
                                                 gint64          reason_id,
                                                 const char     *comment,
                                                 gint64         *out_review_id,
                                                 GError        **error);
gboolean      bw_project_add_pinned_comment     (BwProject      *self,
                                                 gint64          layer_id,
                                                 gint64          reviewer_id,
                                                 double          x,
                                                 double          y,
                                                 gint64          reason_id,
                                                 const char     *comment,
                                                 gint64         *out_review_id,
                                                 GError        **error);
gboolean      bw_project_accept_layer           (BwProject      *self,
                                                 gint64          layer_id,
                                                 gint64          reviewer_id,
                                                 const char     *comment,
                                                 gint64         *out_review_id,
                                                 GError        **error);
gboolean      bw_project_return_layer           (BwProject      *self,
                                                 gint64          layer_id,
                                                 gint64          reviewer_id,
                                                 gint64          reason_id,
                                                 const char     *comment,
                                                 gint64         *out_review_id,
                                                 GError        **error);
gboolean      bw_project_withdraw_review        (BwProject      *self,
                                                 gint64          review_id,
                                                 GError        **error);
GPtrArray    *bw_project_list_reviews_for_layer (BwProject      *self,
                                                 gint64          layer_id,
                                                 GError        **error);
gboolean      bw_project_add_work_time          (BwProject      *self,
                                                 gint64          image_id,
                                                 gint64          person_id,
                                                 BwTask          task,
                                                 double          seconds,
                                                 GError        **error);
double        bw_project_get_work_time          (BwProject      *self,
                                                 gint64          image_id,
                                                 gint64          person_id,
                                                 BwTask          task);
GPtrArray    *bw_project_list_review_stats      (BwProject      *self,
                                                 GError        **error);

/* Rejection reasons: project data, in their order. */
GPtrArray    *bw_project_list_rejection_reasons (BwProject      *self,
                                                 gboolean        include_hidden,
                                                 GError        **error);
BwRejectionReason *bw_project_get_rejection_reason (BwProject   *self,
                                                 gint64          reason_id,
                                                 GError        **error);
gboolean      bw_project_add_rejection_reason   (BwProject      *self,
                                                 const char     *name,
                                                 int             hotkey,
                                                 gint64         *out_id,
                                                 GError        **error);
gboolean      bw_project_check_rejection_reason_name (BwProject *self,
                                                 gint64          reason_id,
                                                 const char     *name,
                                                 GError        **error);
gboolean      bw_project_rename_rejection_reason (BwProject     *self,
                                                 gint64          reason_id,
                                                 const char     *name,
                                                 GError        **error);
gboolean      bw_project_set_rejection_reason_hotkey (BwProject *self,
                                                 gint64          reason_id,
                                                 int             hotkey,
                                                 GError        **error);
gboolean      bw_project_set_rejection_reason_order (BwProject  *self,
                                                 const gint64   *ids,
                                                 guint           n_ids,
                                                 GError        **error);
gboolean      bw_project_delete_rejection_reason (BwProject     *self,
                                                 gint64          reason_id,
                                                 gboolean       *out_hidden,
                                                 GError        **error);

/* Random audits */
gboolean      bw_project_get_audit_settings     (BwProject      *self,
                                                 BwAuditSettings *settings,
                                                 GError        **error);
gboolean      bw_project_set_audit_settings     (BwProject      *self,
                                                 const BwAuditSettings *settings,
                                                 GError        **error);
double        bw_audit_draw                     (guint64         seed,
                                                 gint64          layer_id,
                                                 int             submission);
GPtrArray    *bw_project_list_audit_figures     (BwProject      *self,
                                                 GError        **error);
GPtrArray    *bw_project_list_audit_samples     (BwProject      *self,
                                                 gboolean        sampled_only,
                                                 GError        **error);

/* Gold standard and honeypots (bw-project-gold.c) */
double        bw_gold_draw                      (guint64         seed,
                                                 gint64          image_id);
guint         bw_gold_sample_size               (guint           n_images,
                                                 double          percent);
GArray       *bw_gold_sample                    (const gint64   *image_ids,
                                                 guint           n_ids,
                                                 guint64         seed,
                                                 guint           n);
gboolean      bw_project_set_images_gold        (BwProject      *self,
                                                 const gint64   *ids,
                                                 guint           n_ids,
                                                 gboolean        is_gold,
                                                 GError        **error);
gint64        bw_project_get_gold_layer         (BwProject      *self,
                                                 gint64          image_id,
                                                 GError        **error);
GPtrArray    *bw_project_list_gold_answers      (BwProject      *self,
                                                 GError        **error);
gboolean      bw_project_promote_layer_to_gold  (BwProject      *self,
                                                 gint64          layer_id,
                                                 gint64          person_id,
                                                 gint64         *out_gold_layer_id,
                                                 GError        **error);
gboolean      bw_project_review_gold_answer     (BwProject      *self,
                                                 gint64          image_id,
                                                 gint64          reviewer_id,
                                                 const char     *comment,
                                                 gint64         *out_review_id,
                                                 GError        **error);
double        bw_honeypot_draw                  (gint64          person_id,
                                                 gint64          image_id);
double        bw_project_get_honeypot_rate      (BwProject      *self);
gboolean      bw_project_set_honeypot_rate      (BwProject      *self,
                                                 double          rate,
                                                 GError        **error);
BwRole        bw_project_get_person_role        (BwProject      *self,
                                                 gint64          person_id);
gboolean      bw_project_set_person_role        (BwProject      *self,
                                                 gint64          person_id,
                                                 BwRole          role,
                                                 GError        **error);
BwImageStatus bw_project_get_image_status_for   (BwProject      *self,
                                                 const BwImage  *image,
                                                 gint64          person_id);

/* Guidelines and their version (bw-project-guidelines.c) */
gint64        bw_project_get_guideline_version  (BwProject      *self,
                                                 GError        **error);
char         *bw_project_get_guidelines_document (BwProject     *self,
                                                 GError        **error);
gboolean      bw_project_set_guidelines_document (BwProject     *self,
                                                 const char     *document,
                                                 GError        **error);
GPtrArray    *bw_project_list_guideline_changes (BwProject      *self,
                                                 gint64          since_version,
                                                 GError        **error);

/* Examples and questions (bw-project-questions.c) */
gboolean      bw_project_add_example            (BwProject      *self,
                                                 gint64          annotation_id,
                                                 gboolean        positive,
                                                 gint64          person_id,
                                                 const char     *note,
                                                 gint64         *out_id,
                                                 GError        **error);
gboolean      bw_project_delete_example         (BwProject      *self,
                                                 gint64          example_id,
                                                 GError        **error);
GPtrArray    *bw_project_list_examples          (BwProject      *self,
                                                 gint64          category_id,
                                                 GError        **error);
gint64        bw_project_find_example           (BwProject      *self,
                                                 gint64          annotation_id);
gboolean      bw_project_ask_question           (BwProject      *self,
                                                 gint64          image_id,
                                                 gint64          layer_id,
                                                 gint64          annotation_id,
                                                 gint64          asker_id,
                                                 const char     *text,
                                                 gint64         *out_id,
                                                 GError        **error);
gboolean      bw_project_answer_question        (BwProject      *self,
                                                 gint64          question_id,
                                                 gint64          answerer_id,
                                                 const char     *answer,
                                                 GError        **error);
gboolean      bw_project_promote_question       (BwProject      *self,
                                                 gint64          question_id,
                                                 gint64          person_id,
                                                 gboolean        positive,
                                                 gint64         *out_example_id,
                                                 GError        **error);
gboolean      bw_project_delete_question        (BwProject      *self,
                                                 gint64          question_id,
                                                 GError        **error);
BwQuestion   *bw_project_get_question           (BwProject      *self,
                                                 gint64          question_id,
                                                 GError        **error);
GPtrArray    *bw_project_list_questions         (BwProject      *self,
                                                 gboolean        open_only,
                                                 gint64          image_id,
                                                 GError        **error);
gboolean      bw_project_count_questions        (BwProject      *self,
                                                 GPtrArray     **out_by_person,
                                                 GPtrArray     **out_by_category,
                                                 GError        **error);
gboolean      bw_project_get_questions_hold_submission (BwProject *self);
gboolean      bw_project_set_questions_hold_submission (BwProject *self,
                                                 gboolean        hold,
                                                 GError        **error);

/* Annotations */
gboolean      bw_project_add_annotation         (BwProject      *self,
                                                 gint64          layer_id,
                                                 gint64          category_id,
                                                 const BwShape  *shape,
                                                 BwSource        source,
                                                 double          score,
                                                 gint64         *out_id,
                                                 GError        **error);
gboolean      bw_project_restore_annotation     (BwProject      *self,
                                                 const BwAnnotation *annotation,
                                                 GError        **error);
gboolean      bw_project_update_annotation_shape (BwProject     *self,
                                                 gint64          annotation_id,
                                                 const BwShape  *shape,
                                                 GError        **error);
gboolean      bw_project_set_annotation_category (BwProject     *self,
                                                 gint64          annotation_id,
                                                 gint64          category_id,
                                                 GError        **error);
gboolean      bw_project_set_annotation_z       (BwProject      *self,
                                                 gint64          annotation_id,
                                                 gint64          z,
                                                 GError        **error);
gboolean      bw_project_delete_annotation      (BwProject      *self,
                                                 gint64          annotation_id,
                                                 GError        **error);
BwAnnotation *bw_project_get_annotation         (BwProject      *self,
                                                 gint64          annotation_id,
                                                 GError        **error);
BwAnnotation *bw_project_get_annotation_version (BwProject      *self,
                                                 gint64          annotation_id,
                                                 int             version,
                                                 GError        **error);
GPtrArray    *bw_project_list_annotations       (BwProject      *self,
                                                 gint64          layer_id,
                                                 GError        **error);
GArray       *bw_project_list_annotation_stamps (BwProject      *self,
                                                 gint64          layer_id,
                                                 GError        **error);
GPtrArray    *bw_project_list_annotations_full  (BwProject      *self,
                                                 gint64          layer_id,
                                                 GPtrArray     **out_damaged,
                                                 GError        **error);

/* Categories (the taxonomy) */
gboolean      bw_project_add_category           (BwProject      *self,
                                                 const char     *name,
                                                 const char     *supercategory,
                                                 const char     *color,
                                                 gint64         *out_id,
                                                 GError        **error);
GPtrArray    *bw_project_list_categories        (BwProject      *self,
                                                 GError        **error);
BwCategory   *bw_project_get_category           (BwProject      *self,
                                                 gint64          category_id,
                                                 GError        **error);
gint64        bw_project_find_category_by_name  (BwProject      *self,
                                                 const char     *name);
gboolean      bw_project_update_category        (BwProject      *self,
                                                 const BwCategory *category,
                                                 GError        **error);
gint64        bw_project_count_category_annotations (BwProject  *self,
                                                 gint64          category_id);

/* Editing the taxonomy (bw-project-taxonomy.c)
 *
 * Names are unique without regard to case (bw_category_name_key()), not
 * empty, at most BW_CATEGORY_MAX_NAME_CHARS characters.
 *
 * Hotkeys. A category's explicit hotkey is one key: a digit 1–9 or a
 * letter a–z, stored in lower case (Shift is not part of it). Refused: a
 * key another category has, and the keys the canvas takes for itself,
 * BW_CATEGORY_TOOL_KEYS (V select, B box, P polygon, H hide a category,
 * L show labels). Digits also work without being set:
 * digit N picks the N-th category of the taxonomy's order. An explicit
 * hotkey wins over that default: when a category has the explicit hotkey
 * "3", 3 picks it, and the third category is then reached through its own
 * hotkey if it has one, or the list. bw_category_list_lookup_key() applies
 * this rule and bw_category_list_dup_key_label() gives the key to show, so
 * the side panel, the canvas and the taxonomy dialog agree.
 */
#define BW_CATEGORY_MAX_NAME_CHARS 256
#define BW_CATEGORY_TOOL_KEYS      "vbphl"

char         *bw_category_name_key              (const char     *name);
gboolean      bw_category_check_name            (const char     *name,
                                                 GError        **error);
gboolean      bw_category_color_is_valid        (const char     *color);
gboolean      bw_category_normalize_hotkey      (const char     *hotkey,
                                                 char          **out_hotkey,
                                                 GError        **error);
gboolean      bw_category_hotkey_is_tool_key    (const char     *hotkey);
const BwCategory *bw_category_list_lookup_key   (GPtrArray      *categories,
                                                 gunichar        key);
char         *bw_category_list_dup_key_label    (GPtrArray      *categories,
                                                 guint           index);

gboolean      bw_project_check_category_name    (BwProject      *self,
                                                 gint64          category_id,
                                                 const char     *name,
                                                 GError        **error);
gboolean      bw_project_check_category_hotkey  (BwProject      *self,
                                                 gint64          category_id,
                                                 const char     *hotkey,
                                                 GError        **error);
gboolean      bw_project_add_category_full      (BwProject      *self,
                                                 const BwCategory *category,
                                                 gint64         *out_id,
                                                 GError        **error);
gboolean      bw_project_update_categories      (BwProject      *self,
                                                 GPtrArray      *categories,
                                                 GError        **error);
gboolean      bw_project_add_categories         (BwProject      *self,
                                                 GPtrArray      *categories,
                                                 GArray        **out_ids,
                                                 GError        **error);
gboolean      bw_project_delete_category        (BwProject      *self,
                                                 gint64          category_id,
                                                 gint64          move_to_id,
                                                 GError        **error);
gboolean      bw_project_merge_category         (BwProject      *self,
                                                 gint64          source_id,
                                                 gint64          target_id,
                                                 GError        **error);
gboolean      bw_project_set_category_order     (BwProject      *self,
                                                 const gint64   *ids,
                                                 guint           n_ids,
                                                 GError        **error);
gboolean      bw_project_move_category          (BwProject      *self,
                                                 gint64          category_id,
                                                 guint           new_index,
                                                 GError        **error);
GHashTable   *bw_project_count_annotations_by_category (BwProject *self,
                                                 GError        **error);
GArray       *bw_project_list_category_annotation_ids (BwProject *self,
                                                 gint64          category_id,
                                                 GError        **error);
gboolean      bw_project_set_annotations_category (BwProject    *self,
                                                 const gint64   *ids,
                                                 guint           n_ids,
                                                 gint64          category_id,
                                                 GError        **error);
gboolean      bw_project_restore_categories     (BwProject      *self,
                                                 GPtrArray      *categories,
                                                 GError        **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BwProjectChanges, bw_project_changes_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BwImage, bw_image_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BwCategory, bw_category_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BwLayer, bw_layer_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BwAnnotation, bw_annotation_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BwAssignment, bw_assignment_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BwReview, bw_review_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BwRejectionReason, bw_rejection_reason_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BwReviewQueueItem, bw_review_queue_item_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BwReviewStats, bw_review_stats_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BwAuditFigures, bw_audit_figures_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BwGoldAnswer, bw_gold_answer_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BwAuditSample, bw_audit_sample_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BwGuidelineChange, bw_guideline_change_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BwGuidelineExample, bw_guideline_example_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BwQuestion, bw_question_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BwQuestionCount, bw_question_count_free)

G_END_DECLS
