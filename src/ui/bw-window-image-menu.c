/* bw-window-image-menu.c — the image list's context menu
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Right click on an image in the list: exclude it from the work (or
 * include it again), or open the folder it is in. The items are "win"
 * actions that take the image's id, so they act on the image clicked,
 * which need not be the one shown.
 */

#define G_LOG_DOMAIN "bw-window"

#include "config.h"

#include <glib/gi18n.h>

#include "bw-window-private.h"

static gboolean
set_status (BwWindow      *self,
            gint64         image_id,
            BwImageStatus  status,
            const char    *title)
{
  g_autoptr(GError) error = NULL;

  if (!bw_project_set_image_status (self->project, image_id, status, &error))
    {
      _bw_window_show_error (self, title, error);
      return FALSE;
    }
  return TRUE;
}

static char *
image_name (BwWindow *self,
            gint64    image_id)
{
  g_autoptr(BwImage) image = bw_project_get_image (self->project, image_id, NULL);

  return image != NULL ? g_path_get_basename (image->path) : g_strdup ("");
}

static void
exclude_image_action (GSimpleAction *action,
                      GVariant      *param,
                      gpointer       user_data)
{
  BwWindow *self = user_data;
  gint64 id = g_variant_get_int64 (param);
  g_autofree char *name = NULL;
  g_autofree char *message = NULL;

  if (self->project == NULL ||
      !set_status (self, id, BW_IMAGE_STATUS_EXCLUDED, _("Cannot Exclude the Image")))
    return;

  name = image_name (self, id);
  message = g_strdup_printf (_("“%s” is excluded"), name);
  bw_toast_overlay_add (self->toast_overlay, adw_toast_new (message));
}

/* Back to where its work stands: the furthest status of its work layers
 * (accepted, submitted, rejected, in progress), or new without any. */
static void
include_image_action (GSimpleAction *action,
                      GVariant      *param,
                      gpointer       user_data)
{
  BwWindow *self = user_data;
  gint64 id = g_variant_get_int64 (param);
  g_autoptr(GPtrArray) layers = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *message = NULL;
  BwImageStatus status = BW_IMAGE_STATUS_NEW;

  if (self->project == NULL)
    return;

  layers = bw_project_list_layers (self->project, id, &error);
  if (layers == NULL)
    {
      _bw_window_show_error (self, _("Cannot Include the Image"), error);
      return;
    }
  for (guint i = 0; i < layers->len; i++)
    {
      const BwLayer *layer = layers->pdata[i];
      static const BwImageStatus from_layer[] = {
        [BW_LAYER_STATUS_IN_PROGRESS] = BW_IMAGE_STATUS_IN_PROGRESS,
        [BW_LAYER_STATUS_SUBMITTED] = BW_IMAGE_STATUS_SUBMITTED,
        [BW_LAYER_STATUS_ACCEPTED] = BW_IMAGE_STATUS_ACCEPTED,
        [BW_LAYER_STATUS_REJECTED] = BW_IMAGE_STATUS_REJECTED,
      };
      static const int rank[BW_IMAGE_N_STATUS] = {
        [BW_IMAGE_STATUS_NEW] = 0, [BW_IMAGE_STATUS_IN_PROGRESS] = 1, [BW_IMAGE_STATUS_REJECTED] = 2,
        [BW_IMAGE_STATUS_SUBMITTED] = 3, [BW_IMAGE_STATUS_ACCEPTED] = 4,
      };
      BwImageStatus candidate;

      if (layer->kind != BW_LAYER_KIND_WORK || (guint) layer->status >= G_N_ELEMENTS (from_layer))
        continue;
      candidate = from_layer[layer->status];
      if (rank[candidate] > rank[status])
        status = candidate;
    }

  if (!set_status (self, id, status, _("Cannot Include the Image")))
    return;

  name = image_name (self, id);
  message = g_strdup_printf (_("“%s” is included again"), name);
  bw_toast_overlay_add (self->toast_overlay, adw_toast_new (message));
}

/* Marking gold is a lead's work: whoever does it is a lead from then on,
 * and no longer sees gold images as an annotator does. */
static void
set_gold (BwWindow   *self,
          gint64      image_id,
          gboolean    is_gold)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *message = NULL;

  if (self->project == NULL)
    return;

  if ((self->person_id > 0 &&
       bw_project_get_person_role (self->project, self->person_id) == BW_ROLE_ANNOTATOR &&
       !bw_project_set_person_role (self->project, self->person_id, BW_ROLE_LEAD, &error)) ||
      !bw_project_set_image_gold (self->project, image_id, is_gold, &error))
    {
      _bw_window_show_error (self, is_gold ? _("Cannot Mark the Image as Gold")
                                           : _("Cannot Unmark the Gold Image"), error);
      return;
    }

  name = image_name (self, image_id);
  message = is_gold ? g_strdup_printf (_("“%s” is a gold image; give it an answer in the Gold Standard window"), name)
                    : g_strdup_printf (_("“%s” is no longer a gold image"), name);
  bw_toast_overlay_add (self->toast_overlay, adw_toast_new (message));
}

static void
mark_gold_action (GSimpleAction *action,
                  GVariant      *param,
                  gpointer       user_data)
{
  set_gold (user_data, g_variant_get_int64 (param), TRUE);
}

static void
unmark_gold_action (GSimpleAction *action,
                    GVariant      *param,
                    gpointer       user_data)
{
  set_gold (user_data, g_variant_get_int64 (param), FALSE);
}

#if GTK_CHECK_VERSION (4, 10, 0)
static void
folder_opened_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(BwWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!gtk_file_launcher_open_containing_folder_finish (GTK_FILE_LAUNCHER (source), result, &error) &&
      !g_error_matches (error, GTK_DIALOG_ERROR, GTK_DIALOG_ERROR_DISMISSED))
    _bw_window_show_error (self, _("Cannot Open the Folder"), error);
}
#endif

static void
open_image_folder_action (GSimpleAction *action,
                          GVariant      *param,
                          gpointer       user_data)
{
  BwWindow *self = user_data;
  g_autoptr(BwImage) image = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;

  if (self->project == NULL)
    return;

  image = bw_project_get_image (self->project, g_variant_get_int64 (param), &error);
  if (image == NULL)
    {
      _bw_window_show_error (self, _("Cannot Open the Folder"), error);
      return;
    }
  path = bw_project_resolve_image_path (self->project, image->path);
  file = g_file_new_for_path (path);

#if GTK_CHECK_VERSION (4, 10, 0)
  {
    g_autoptr(GtkFileLauncher) launcher = gtk_file_launcher_new (file);

    /* The file manager opens with the image selected. */
    gtk_file_launcher_open_containing_folder (launcher, GTK_WINDOW (self), NULL,
                                              folder_opened_cb, g_object_ref (self));
  }
#else
  {
    g_autoptr(GFile) folder = g_file_get_parent (file);
    g_autofree char *uri = g_file_get_uri (folder);
    GdkAppLaunchContext *context = gdk_display_get_app_launch_context (gtk_widget_get_display (GTK_WIDGET (self)));

    if (!g_app_info_launch_default_for_uri (uri, G_APP_LAUNCH_CONTEXT (context), &error))
      {
        g_autofree char *folder_path = g_file_get_path (folder);
        g_autoptr(GError) detailed =
          g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED,
                       _("No program could show the folder “%s”: %s. Open it in your file manager."),
                       folder_path, error->message);

        _bw_window_show_error (self, _("Cannot Open the Folder"), detailed);
      }
    g_object_unref (context);
  }
#endif
}

static const GActionEntry image_actions[] = {
  { "exclude-image", exclude_image_action, "x" },
  { "include-image", include_image_action, "x" },
  { "open-image-folder", open_image_folder_action, "x" },
  { "mark-gold", mark_gold_action, "x" },
  { "unmark-gold", unmark_gold_action, "x" },
};

/**
 * _bw_window_image_menu_popup:
 * @row: the row clicked, in the image list
 * @x, @y: where, in @row's coordinates
 *
 * The menu offers Include for an excluded image, Exclude for the others.
 */
void
_bw_window_image_menu_popup (BwWindow  *self,
                             GtkWidget *row,
                             gint64     image_id,
                             double     x,
                             double     y)
{
  g_autoptr(BwImage) image = NULL;
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenu) work = g_menu_new ();
  g_autoptr(GMenu) files = g_menu_new ();
  g_autoptr(GMenuItem) item = NULL;
  GdkRectangle rect = { 0, 0, 1, 1 };
  double px = 0, py = 0;
  gboolean is_gold;

  if (self->project == NULL || image_id <= 0 ||
      !(image = bw_project_get_image (self->project, image_id, NULL)))
    return;

  if (image->status == BW_IMAGE_STATUS_EXCLUDED)
    item = g_menu_item_new (_("_Include in the Work"), NULL);
  else
    item = g_menu_item_new (_("_Exclude from the Work"), NULL);
  g_menu_item_set_action_and_target (item, image->status == BW_IMAGE_STATUS_EXCLUDED
                                           ? "win.include-image" : "win.exclude-image",
                                     "x", image_id);
  g_menu_append_item (work, item);
  g_clear_object (&item);

  /* To an annotator every image offers the same, so the menu does not
   * tell a honeypot from another image. */
  is_gold = image->is_gold &&
            bw_project_get_person_role (self->project, self->person_id) != BW_ROLE_ANNOTATOR;
  item = g_menu_item_new (is_gold ? _("Unmark _Gold") : _("Mark as _Gold"), NULL);
  g_menu_item_set_action_and_target (item, is_gold ? "win.unmark-gold" : "win.mark-gold", "x", image_id);
  g_menu_append_item (work, item);
  g_clear_object (&item);

  item = g_menu_item_new (_("_Open Containing Folder"), NULL);
  g_menu_item_set_action_and_target (item, "win.open-image-folder", "x", image_id);
  g_menu_append_item (files, item);

  /* On a team project, what images are in the work and which are gold
   * is the lead's to change on the server. */
  if (self->replica == NULL)
    g_menu_append_section (menu, NULL, G_MENU_MODEL (work));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (files));

  gtk_popover_menu_set_menu_model (GTK_POPOVER_MENU (self->image_menu), G_MENU_MODEL (menu));
  if (gtk_widget_translate_coordinates (row, self->side_panel, x, y, &px, &py))
    {
      rect.x = (int) px;
      rect.y = (int) py;
    }
  gtk_popover_set_pointing_to (GTK_POPOVER (self->image_menu), &rect);
  gtk_popover_popup (GTK_POPOVER (self->image_menu));
}

/* Menu or Shift+F10 in the list: the menu of the image shown, at its row
 * when the row has the focus. */
static gboolean
menu_key_cb (GtkWidget *widget,
             GVariant  *args,
             gpointer   user_data)
{
  BwWindow *self = user_data;
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));
  GtkWidget *anchor = widget;

  if (self->project == NULL || self->current_image_id <= 0)
    return FALSE;

  if (focus != NULL && gtk_widget_is_ancestor (focus, widget))
    anchor = focus;

  _bw_window_image_menu_popup (self, anchor, self->current_image_id,
                               gtk_widget_get_width (anchor) / 2.0, gtk_widget_get_height (anchor) / 2.0);
  return TRUE;
}

void
_bw_window_image_menu_init (BwWindow *self)
{
  GtkEventController *shortcuts;

  g_action_map_add_action_entries (G_ACTION_MAP (self), image_actions,
                                   G_N_ELEMENTS (image_actions), self);

  self->image_menu = gtk_popover_menu_new_from_model (NULL);
  gtk_popover_set_has_arrow (GTK_POPOVER (self->image_menu), FALSE);
  gtk_widget_set_halign (self->image_menu, GTK_ALIGN_START);
  gtk_widget_set_parent (self->image_menu, self->side_panel);

  shortcuts = gtk_shortcut_controller_new ();
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                        gtk_shortcut_new (gtk_alternative_trigger_new (gtk_keyval_trigger_new (GDK_KEY_Menu, 0),
                                                                                       gtk_keyval_trigger_new (GDK_KEY_F10, GDK_SHIFT_MASK)),
                                                          gtk_callback_action_new (menu_key_cb, self, NULL)));
  gtk_widget_add_controller (GTK_WIDGET (self->image_list_view), shortcuts);
}

void
_bw_window_image_menu_dispose (BwWindow *self)
{
  g_clear_pointer (&self->image_menu, gtk_widget_unparent);
}
