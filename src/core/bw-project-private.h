/* bw-project-private.h — what the store's own files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * All SQL lives in src/core/bw-project*.c (and the importers/exporters of
 * the core that need streaming reads). Nothing outside src/core includes
 * this header.
 */

#pragma once

#include <sqlite3.h>

#include "bw-project.h"

G_BEGIN_DECLS

struct _BwProject
{
  GObject       parent_instance;

  GFile        *file;
  char         *path;           /* absolute path of the project file */
  char         *dir;            /* its folder, for relative image paths */
  char         *display_name;

  /* One connection, used by one thread at a time: every public function
   * holds this lock, and a transaction holds it from begin to commit. */
  GRecMutex     lock;
  sqlite3      *db;
  GHashTable   *statements;     /* SQL text → sqlite3_stmt* */
  guint         tx_depth;
  gboolean      images_added;   /* by the open transaction: said on commit */
  guint         busy_timeout;
  gint64        busy_since;     /* busy_cb(): when this wait began */
  gboolean      read_only;      /* opened with bw_project_open_read_only() */
  gboolean      team_copy;      /* a team project's working copy (bw-team-replica.c) */
  gboolean      immutable;      /* …and read as a file nothing changes */
  GMainContext *main_context;   /* where signals are emitted… */
  GThread      *owner_thread;   /* …and the thread that runs it */

  /* What other connections committed (bw_project_poll_external_change()) */
  gint64        data_version;   /* PRAGMA data_version when last looked */
  gint64        seen_images;    /* change_counters as last read */
  gint64        seen_removed;
  gint64        seen_taxonomy;
  gint64        seen_work;
  GSource      *watch;
  GWeakRef      origin;         /* bw_project_open_another(): told of changes too */
};

/* What a "not found" error names. */
typedef enum
{
  BW_PROJECT_ITEM_IMAGE,
  BW_PROJECT_ITEM_LAYER,
  BW_PROJECT_ITEM_ANNOTATION,
  BW_PROJECT_ITEM_CATEGORY,
  BW_PROJECT_ITEM_REVIEW,
  BW_PROJECT_ITEM_REJECTION_REASON,
} BwProjectItem;

#define BW_PROJECT_LOCK(self) \
  g_autoptr(GRecMutexLocker) G_GNUC_UNUSED G_PASTE (_bw_locker_, __LINE__) = \
    g_rec_mutex_locker_new (&(self)->lock)

/* The message of a refusal by a team working copy's guard triggers
 * (bw-team-replica.c), which _bw_project_set_error() words for people. */
#define BW_PROJECT_TEAM_COPY_REFUSAL "boxwood: not sent to the team server"

sqlite3_stmt *_bw_project_prepare         (BwProject     *self,
                                           const char    *sql,
                                           GError       **error);
gboolean      _bw_project_step_done       (BwProject     *self,
                                           sqlite3_stmt  *stmt,
                                           GError       **error);
gboolean      _bw_project_exec            (BwProject     *self,
                                           const char    *sql,
                                           GError       **error);
void          _bw_project_set_error       (BwProject     *self,
                                           int            rc,
                                           GError       **error);
void          _bw_project_set_not_found   (BwProject     *self,
                                           BwProjectItem  item,
                                           gint64         id,
                                           GError       **error);
gboolean      _bw_project_check_row       (BwProject     *self,
                                           int            rc,
                                           BwProjectItem  item,
                                           gint64         id,
                                           GError       **error);
gboolean      _bw_project_check_changed   (BwProject     *self,
                                           BwProjectItem  item,
                                           gint64         id,
                                           GError       **error);
gboolean      _bw_project_finish_rows     (BwProject     *self,
                                           sqlite3_stmt  *stmt,
                                           int            rc,
                                           GError       **error);
GArray       *_bw_project_collect_ids     (BwProject     *self,
                                           sqlite3_stmt  *stmt,
                                           GError       **error);
sqlite3      *_bw_project_open_reader     (BwProject     *self,
                                           GError       **error);
void          _bw_project_emit_changed    (BwProject     *self,
                                           guint          signal_index);
void          _bw_project_emit            (BwProject     *self,
                                           guint          signal_index,
                                           gint64         id);
void          _bw_project_emit2           (BwProject     *self,
                                           guint          signal_index,
                                           gint64         id,
                                           gint64         id2);
gint64        _bw_project_now             (void);
void          _bw_project_bind_name_key   (sqlite3_stmt  *stmt,
                                           int            index,
                                           const char    *path);
gboolean      _bw_project_fill_name_keys  (BwProject     *self,
                                           GError       **error);

/* An image's place in the pipeline, as the status order of the image
 * list has it: the same text in the index and in the queries. */
#define BW_PROJECT_STATUS_RANK \
  "(CASE status WHEN 0 THEN 0 WHEN 1 THEN 1 WHEN 4 THEN 2 WHEN 2 THEN 3" \
  " WHEN 6 THEN 4 WHEN 3 THEN 5 WHEN 7 THEN 6 ELSE 7 END)"
/* Now in µs since the epoch, as _bw_project_now() counts, for triggers
 * (julianday() has millisecond precision). */
#define BW_PROJECT_SQL_NOW \
  "CAST ((julianday ('now') - 2440587.5) * 86400000000.0 AS INTEGER)"
/* The guideline version in force, inside a statement that writes an
 * annotation. */
#define BW_PROJECT_SQL_GUIDELINE_VERSION "(SELECT version FROM guidelines WHERE id = 1)"
char         *_bw_column_dup_text         (sqlite3_stmt  *stmt,
                                           int            column);

/* The workflow's bookkeeping (bw-project-review.c), inside the caller's
 * transaction. */
gboolean      _bw_project_refresh_image_status (BwProject *self,
                                           gint64         image_id,
                                           GError       **error);
gboolean      _bw_project_note_edit       (BwProject     *self,
                                           gint64         layer_id,
                                           GError       **error);
gboolean      _bw_project_change_annotation (BwProject   *self,
                                           gint64         annotation_id,
                                           const BwShape *shape,
                                           gint64         category_id,
                                           gint64         author_id,
                                           GError       **error);
gboolean      _bw_project_write_layer_status (BwProject  *self,
                                           gint64         layer_id,
                                           BwLayerStatus  status,
                                           GError       **error);
gboolean      _bw_project_mix_honeypots   (BwProject     *self,
                                           gint64         person_id,
                                           GArray        *fresh,
                                           GError       **error);
gboolean      _bw_project_check_no_open_question (BwProject *self,
                                           gint64         image_id,
                                           gint64         person_id,
                                           GError       **error);
gboolean      _bw_project_sync_assignment (BwProject     *self,
                                           const BwLayer *layer,
                                           BwLayerStatus  status,
                                           GError       **error);

enum {
  BW_PROJECT_SIGNAL_IMAGES_CHANGED,
  BW_PROJECT_SIGNAL_CATEGORIES_CHANGED,
  BW_PROJECT_SIGNAL_ANNOTATIONS_CHANGED,
  BW_PROJECT_SIGNAL_IMAGE_CHANGED,
  BW_PROJECT_SIGNAL_CATEGORY_MERGED,
  BW_PROJECT_SIGNAL_LAYER_CHANGED,
  BW_PROJECT_SIGNAL_CHANGED_EXTERNALLY,
  BW_PROJECT_SIGNAL_QUESTIONS_CHANGED,
  BW_PROJECT_N_SIGNALS
};

G_END_DECLS
