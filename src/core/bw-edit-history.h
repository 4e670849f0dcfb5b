/* bw-edit-history.h — undo and redo of saved annotation edits
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "bw-project.h"

G_BEGIN_DECLS

#define BW_TYPE_EDIT_HISTORY (bw_edit_history_get_type ())

G_DECLARE_FINAL_TYPE (BwEditHistory, bw_edit_history, BW, EDIT_HISTORY, GObject)

typedef gboolean (*BwEditActionFunc) (BwProject  *project,
                                      gpointer    data,
                                      gboolean    forward,
                                      GError    **error);

BwEditHistory *bw_edit_history_new            (BwProject       *project);
BwProject     *bw_edit_history_get_project    (BwEditHistory   *self);

gboolean       bw_edit_history_begin          (BwEditHistory   *self,
                                               const char      *label,
                                               GError         **error);
gboolean       bw_edit_history_end            (BwEditHistory   *self,
                                               GError         **error);
void           bw_edit_history_cancel         (BwEditHistory   *self);

gboolean       bw_edit_history_add            (BwEditHistory   *self,
                                               gint64           layer_id,
                                               gint64           category_id,
                                               const BwShape   *shape,
                                               gint64          *out_id,
                                               GError         **error);
gboolean       bw_edit_history_update_shape   (BwEditHistory   *self,
                                               gint64           annotation_id,
                                               const BwShape   *shape,
                                               GError         **error);
gboolean       bw_edit_history_set_category   (BwEditHistory   *self,
                                               gint64           annotation_id,
                                               gint64           category_id,
                                               GError         **error);
gboolean       bw_edit_history_set_z          (BwEditHistory   *self,
                                               gint64           annotation_id,
                                               gint64           z,
                                               GError         **error);
gboolean       bw_edit_history_delete         (BwEditHistory   *self,
                                               gint64           annotation_id,
                                               GError         **error);

gboolean       bw_edit_history_can_undo       (BwEditHistory   *self);
gboolean       bw_edit_history_can_redo       (BwEditHistory   *self);
const char    *bw_edit_history_get_undo_label (BwEditHistory   *self);
const char    *bw_edit_history_get_redo_label (BwEditHistory   *self);
gboolean       bw_edit_history_undo           (BwEditHistory   *self,
                                               GError         **error);
gboolean       bw_edit_history_redo           (BwEditHistory   *self,
                                               GError         **error);
void           bw_edit_history_clear          (BwEditHistory   *self);
void           bw_edit_history_add_action     (BwEditHistory   *self,
                                               BwEditActionFunc apply,
                                               gpointer         data,
                                               GDestroyNotify   destroy);
void           bw_edit_history_replace_category (BwEditHistory *self,
                                               gint64           old_id,
                                               gint64           new_id);
gboolean       bw_edit_history_revalidate     (BwEditHistory   *self);
gboolean       bw_edit_history_is_writing     (BwEditHistory   *self);

G_END_DECLS
