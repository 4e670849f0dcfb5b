/* bw-window-private.h — what the files of BwWindow share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "bw-dialog-util.h"
#include "bw-image-list-model.h"
#include "bw-server-address.h"
#include "bw-team-replica.h"
#include "bw-taxonomy-dialog.h"
#include "bw-thumbnailer.h"
#include "bw-window.h"
#include "bw-work-timer.h"

G_BEGIN_DECLS

struct _BwWindow
{
  AdwApplicationWindow  parent_instance;

  BwProject            *project;
  BwImageListModel     *model;
  GtkSingleSelection   *selection;
  BwThumbnailer        *thumbnailer;
  GSettings            *settings;
  char                 *user_name;
  gint64                person_id;
  gint64                current_image_id;
  gint64                gold_image_id;       /* its gold answer is edited */
  gint64                n_images;           /* -1 when unknown */
  BwImage              *current_image;

  GCancellable         *import_cancellable;
  guint                 import_progress_source;
  guint                 status_idle;
  gint                  import_done;         /* atomic */
  gint                  import_total;        /* atomic */

  BwWorkTimer          *work_timer;         /* the active time on the image shown */
  guint                 work_tick;
  guint                 work_ticks;

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  AdwHeaderBar         *header_bar;
  AdwWindowTitle       *window_title;
  AdwSplitButton       *open_button;
  GtkToggleButton      *sidebar_button;
  GtkMenuButton        *zoom_button;
  GtkWidget            *nav_box;
  GtkWidget            *tool_box;
  GtkWidget            *submit_button;
  GtkWidget            *user_button;
  GtkLabel             *user_label;
  GtkRevealer          *import_revealer;
  GtkLabel             *import_label;
  GtkProgressBar       *import_progress;
  GtkStack             *main_stack;
  GtkPaned             *paned;
  GtkWidget            *side_panel;
  GtkSearchEntry       *search_entry;
  GtkDropDown          *status_filter;
  GtkMenuButton        *sort_button;
  GtkStack             *list_stack;
  GtkListView          *image_list_view;
  AdwStatusPage        *list_empty_page;
  GtkBox               *category_panel_slot;
  GtkBox               *object_list_slot;
  BwCanvas             *canvas;
  GtkLabel             *status_name;
  GtkLabel             *status_size;
  GtkLabel             *status_zoom;
  GtkLabel             *status_pointer;
  GtkLabel             *status_time;
  GMenu                *project_section;
  GMenu                *recent_section;
  GtkWidget            *image_menu;         /* the image list's context menu */

  /* Review mode (bw-window-review.c) */
  gboolean              review_mode;
  gint64                review_layer_id;    /* the layer judged, or 0 */
  gint64                review_image_id;    /* its image */
  GtkWidget            *review_queue;       /* BwReviewQueue */
  GtkWidget            *reject_popover;     /* BwReviewPopover, on the canvas */
  GtkWidget            *pin_popover;
  double                pin_x;
  double                pin_y;
  GtkWidget            *mode_box;
  GtkWidget            *review_box;
  GtkWidget            *accept_image_button;
  GtkWidget            *return_image_button;
  GtkWidget            *image_filter_box;
  GtkBox               *review_queue_slot;
  GtkRevealer          *gold_revealer;
  GtkLabel             *gold_label;
  GtkWidget            *gold_window;        /* (weak): the Gold Standard window */

  /* Questions and guidelines (bw-window-questions.c) */
  GtkWidget            *ask_popover;
  GtkLabel             *ask_title;
  GtkEntry             *ask_entry;
  gint64                ask_annotation_id;  /* the shape asked about, or 0 */
  GtkWidget            *questions_window;   /* (weak) */
  GtkBox               *guidelines_banner_slot;
  GtkWidget            *guidelines_banner;  /* AdwBanner, or a GtkRevealer before 1.3 */
  GtkLabel             *guidelines_label;   /* the revealer's text */
  gint64                seen_guideline_version;
  gint64                banner_since_version; /* changes after it are in the banner */
  guint                 absorb_idle;
  /* Exams (bw-window-exam.c) */
  gint64                exam_attempt_id;    /* the person's open attempt, or 0 */
  gint64                exam_last_attempt_id;
  GtkRevealer          *exam_revealer;
  GtkLabel             *exam_label;
  GtkWidget            *exam_start_button;
  GtkWidget            *exam_result_button;
  /* A team project (bw-window-team.c) */
  BwTeamReplica        *replica;            /* its working copy, or NULL */
  BwServerAddress      *team_address;
  GtkWidget            *team_banner;        /* AdwBanner, or a GtkRevealer before 1.3 */
  GtkLabel             *team_banner_label;  /* the revealer's text */
  gboolean              team_lost;          /* the connection was lost since all was sent */
  gboolean              team_closing;       /* closing although changes wait */
  GtkWidget            *team_close_dialog;
  GCancellable         *claim_cancellable;
  GCancellable         *fetch_cancellable;  /* the image shown, from the server */
  gboolean              claim_waiting;      /* for the submission to be sent */
  gboolean              claim_saw_pending;
  gint64                fetch_image_id;     /* fetched: load it as it is */
  guint                 claim_timer;
};

void _bw_window_class_actions_init (BwWindowClass *klass);
void _bw_window_actions_init       (BwWindow      *self);
void _bw_window_update_actions     (BwWindow      *self);
void _bw_window_update_recent      (BwWindow      *self);
BwTaxonomyDialog *_bw_window_present_taxonomy_dialog (BwWindow *self,
                                                      const char *page);
void _bw_window_show_error         (BwWindow      *self,
                                    const char    *title,
                                    const GError  *error);
void _bw_window_move               (BwWindow      *self,
                                    int            delta);

/* bw-window-work-time.c */
void _bw_window_work_time_init     (BwWindow      *self);
void _bw_window_work_time_flush    (BwWindow      *self);
void _bw_window_work_time_dispose  (BwWindow      *self);
void _bw_window_work_time_mode_changed (BwWindow  *self);
BwWorkTimer *_bw_window_get_work_timer (BwWindow  *self);

void _bw_window_show_image         (BwWindow      *self,
                                    const BwImage *image);
void _bw_window_reload_current     (BwWindow      *self);

/* bw-window-review.c */
void _bw_window_review_init        (BwWindow      *self);
void _bw_window_review_dispose     (BwWindow      *self);
void _bw_window_review_project_changed (BwWindow  *self);
void _bw_window_review_update_actions (BwWindow   *self);

/* bw-window-questions.c */
void _bw_window_questions_init     (BwWindow      *self);
void _bw_window_questions_dispose  (BwWindow      *self);
void _bw_window_questions_project_changed (BwWindow *self);
void _bw_window_questions_reload_markers (BwWindow *self);
void _bw_window_questions_check_guidelines (BwWindow *self);
/* bw-window-exam.c */
void _bw_window_exam_class_init    (BwWindowClass *klass);

/* bw-window-team.c */
void _bw_window_team_init          (BwWindow      *self);
void _bw_window_team_dispose       (BwWindow      *self);
void _bw_window_team_project_changed (BwWindow    *self);
gboolean _bw_window_team_close_request (BwWindow  *self);
char *_bw_window_team_subtitle     (BwWindow      *self,
                                    const char    *subtitle);
gboolean _bw_window_team_fetch_image (BwWindow    *self,
                                    const BwImage *image);
gboolean _bw_window_team_load_thumbnail (BwWindow            *self,
                                         gint64               image_id,
                                         const char          *path,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);

/* bw-window-image-menu.c */
void _bw_window_image_menu_init    (BwWindow      *self);
void _bw_window_image_menu_dispose (BwWindow      *self);
void _bw_window_image_menu_popup   (BwWindow      *self,
                                    GtkWidget     *row,
                                    gint64         image_id,
                                    double         x,
                                    double         y);

G_END_DECLS
