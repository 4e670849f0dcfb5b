/* bw-window.c — the main window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bw-window"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>

#include "bw-annotation-tools.h"
#include "bw-importer.h"
#include "bw-window-private.h"

#define THUMBNAIL_SIZE 48

G_DEFINE_FINAL_TYPE (BwWindow, bw_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_PROJECT,
  PROP_CURRENT_IMAGE_ID,
  PROP_PERSON_ID,
  PROP_GOLD_IMAGE_ID,
  N_PROPS
};

enum {
  PROJECT_CHANGED,
  CURRENT_IMAGE_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties [N_PROPS];
static guint signals [N_SIGNALS];

/* The status filter's entries: "All" then each status. */
static int
status_filter_get_status (BwWindow *self)
{
  guint selected = gtk_drop_down_get_selected (self->status_filter);

  if (selected == 0 || selected == GTK_INVALID_LIST_POSITION)
    return -1;

  return (int) selected - 1;
}

/* ------------------------------------------------------------------ */
/* Rows of the image list                                              */

typedef struct
{
  GtkWidget    *picture;
  GtkWidget    *name;
  GtkWidget    *badge;
  BwImageItem  *item;
  gulong        notify_id;
  GCancellable *cancellable;
} Row;

static void
row_free (Row *row)
{
  g_clear_object (&row->cancellable);
  g_free (row);
}

static void
thumbnail_loaded_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GtkWidget) picture = user_data;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;

  texture = bw_thumbnailer_load_finish (BW_THUMBNAILER (source), result, &error);
  if (texture != NULL)
    gtk_picture_set_paintable (GTK_PICTURE (picture), GDK_PAINTABLE (texture));
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      GtkIconTheme *theme = gtk_icon_theme_get_for_display (gtk_widget_get_display (picture));
      g_autoptr(GtkIconPaintable) icon = NULL;

      icon = gtk_icon_theme_lookup_icon (theme, "image-missing-symbolic", NULL, 24,
                                         gtk_widget_get_scale_factor (picture),
                                         gtk_widget_get_direction (picture), 0);
      gtk_picture_set_paintable (GTK_PICTURE (picture), GDK_PAINTABLE (icon));
      gtk_widget_set_tooltip_text (picture, error->message);
    }
}

static void
row_update (BwWindow *self,
            Row      *row)
{
  const BwImage *image = bw_image_item_get_image (row->item);
  g_autofree char *path = NULL;
  GdkTexture *cached;

  if (row->cancellable != NULL)
    g_cancellable_cancel (row->cancellable);
  g_clear_object (&row->cancellable);

  gtk_label_set_label (GTK_LABEL (row->name), bw_image_item_get_name (row->item));
  gtk_widget_set_tooltip_text (row->name, image ? image->path : NULL);

  for (int i = 0; i < BW_IMAGE_N_STATUS; i++)
    {
      g_autofree char *klass = g_strdup_printf ("status-%s", bw_image_status_to_string (i));
      gtk_widget_remove_css_class (row->badge, klass);
    }

  if (image == NULL)
    {
      gtk_label_set_label (GTK_LABEL (row->badge), "");
      gtk_picture_set_paintable (GTK_PICTURE (row->picture), NULL);
      return;
    }

  {
    /* An annotator sees their own work's status on a gold image. */
    BwImageStatus shown = bw_project_get_image_status_for (self->project, image, self->person_id);
    g_autofree char *klass = g_strdup_printf ("status-%s", bw_image_status_to_string (shown));

    gtk_widget_add_css_class (row->badge, klass);
    gtk_label_set_label (GTK_LABEL (row->badge), bw_image_status_to_label (shown));
  }

  path = bw_project_resolve_image_path (self->project, image->path);
  gtk_widget_set_tooltip_text (row->picture, NULL);
  cached = bw_thumbnailer_lookup (self->thumbnailer, path);
  gtk_picture_set_paintable (GTK_PICTURE (row->picture), GDK_PAINTABLE (cached));
  if (cached == NULL)
    {
      row->cancellable = g_cancellable_new ();
      if (!_bw_window_team_load_thumbnail (self, image->id, path, row->cancellable,
                                           thumbnail_loaded_cb, g_object_ref (row->picture)))
        bw_thumbnailer_load_async (self->thumbnailer, path, row->cancellable,
                                   thumbnail_loaded_cb, g_object_ref (row->picture));
    }
}

static void
row_item_notify_cb (GObject    *item,
                    GParamSpec *pspec,
                    gpointer    user_data)
{
  GtkListItem *list_item = user_data;
  GtkWidget *box = gtk_list_item_get_child (list_item);
  BwWindow *self = BW_WINDOW (gtk_widget_get_root (box));
  Row *row = g_object_get_data (G_OBJECT (box), "row");

  if (self != NULL && self->project != NULL)
    row_update (self, row);
}

static void
row_secondary_pressed_cb (GtkGestureClick *gesture,
                          int              n_press,
                          double           x,
                          double           y,
                          BwWindow        *self)
{
  GtkWidget *box = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));
  Row *row = g_object_get_data (G_OBJECT (box), "row");
  const BwImage *image = row->item != NULL ? bw_image_item_get_image (row->item) : NULL;

  if (image == NULL)
    return;

  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  _bw_window_image_menu_popup (self, box, image->id, x, y);
}

static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              BwWindow                 *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  Row *row = g_new0 (Row, 1);

  row->picture = gtk_picture_new ();
  gtk_widget_set_size_request (row->picture, THUMBNAIL_SIZE, THUMBNAIL_SIZE);
  gtk_picture_set_can_shrink (GTK_PICTURE (row->picture), TRUE);
  gtk_widget_add_css_class (row->picture, "bw-thumbnail");
  row->name = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (row->name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (row->name), PANGO_ELLIPSIZE_MIDDLE);
  gtk_widget_set_hexpand (row->name, TRUE);
  row->badge = gtk_label_new (NULL);
  gtk_widget_set_valign (row->badge, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (row->badge, "bw-status-badge");

  gtk_box_append (GTK_BOX (box), row->picture);
  gtk_box_append (GTK_BOX (box), row->name);
  gtk_box_append (GTK_BOX (box), row->badge);
  g_object_set_data_full (G_OBJECT (box), "row", row, (GDestroyNotify) row_free);
  gtk_list_item_set_child (list_item, box);

  {
    GtkGesture *gesture = gtk_gesture_click_new ();

    gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), GDK_BUTTON_SECONDARY);
    g_signal_connect_object (gesture, "pressed", G_CALLBACK (row_secondary_pressed_cb), self, 0);
    gtk_widget_add_controller (box, GTK_EVENT_CONTROLLER (gesture));
  }
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             BwWindow                 *self)
{
  GtkWidget *box = gtk_list_item_get_child (list_item);
  Row *row = g_object_get_data (G_OBJECT (box), "row");

  row->item = gtk_list_item_get_item (list_item);
  row->notify_id = g_signal_connect (row->item, "notify::image",
                                     G_CALLBACK (row_item_notify_cb), list_item);
  row_update (self, row);
}

static void
unbind_row_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               BwWindow                 *self)
{
  GtkWidget *box = gtk_list_item_get_child (list_item);
  Row *row = g_object_get_data (G_OBJECT (box), "row");

  /* Scrolled away: its thumbnail is not needed any more. */
  if (row->cancellable != NULL)
    g_cancellable_cancel (row->cancellable);
  g_clear_object (&row->cancellable);
  g_clear_signal_handler (&row->notify_id, row->item);
  row->item = NULL;
}

/* ------------------------------------------------------------------ */
/* The current image                                                   */

static void
update_status_bar (BwWindow *self)
{
  int width = 0, height = 0;
  g_autofree char *zoom = NULL;

  if (self->current_image == NULL)
    {
      gtk_label_set_label (self->status_name, "");
      gtk_label_set_label (self->status_size, "");
      gtk_label_set_label (self->status_zoom, "");
      gtk_menu_button_set_label (self->zoom_button, "–");
      return;
    }

  gtk_label_set_label (self->status_name, self->current_image->path);
  bw_canvas_get_image_size (self->canvas, &width, &height);
  if (width > 0)
    {
      g_autofree char *size = g_strdup_printf (_("%d × %d pixels"), width, height);
      gtk_label_set_label (self->status_size, size);
    }
  else
    gtk_label_set_label (self->status_size, "");

  switch (bw_canvas_get_state (self->canvas))
    {
    case BW_CANVAS_STATE_PREVIEW:
    case BW_CANVAS_STATE_READY:
      zoom = g_strdup_printf ("%.0f%%", bw_canvas_get_zoom (self->canvas) * 100.0);
      break;

    case BW_CANVAS_STATE_EMPTY:
    case BW_CANVAS_STATE_LOADING:
    case BW_CANVAS_STATE_ERROR:
    default:
      zoom = g_strdup ("–");
      break;
    }
  gtk_label_set_label (self->status_zoom, zoom);
  gtk_menu_button_set_label (self->zoom_button, zoom);
}

static gboolean
update_status_bar_idle_cb (gpointer user_data)
{
  BwWindow *self = user_data;

  self->status_idle = 0;
  update_status_bar (self);

  return G_SOURCE_REMOVE;
}

/* The view changes during the canvas's size allocation too; labels must
 * not be resized in the middle of a layout, so update them just after. */
static void
queue_update_status_bar (BwWindow *self)
{
  if (self->status_idle == 0)
    self->status_idle = g_idle_add_full (G_PRIORITY_HIGH_IDLE, update_status_bar_idle_cb, self, NULL);
}

static void
canvas_motion_cb (BwWindow *self,
                  double    x,
                  double    y)
{
  double ix, iy;
  int width, height;

  bw_canvas_get_image_size (self->canvas, &width, &height);
  bw_canvas_widget_to_image (self->canvas, x, y, &ix, &iy);
  if (width > 0 && ix >= 0 && iy >= 0 && ix < width && iy < height)
    {
      g_autofree char *text = g_strdup_printf ("%d, %d", (int) ix, (int) iy);
      gtk_label_set_label (self->status_pointer, text);
    }
  else
    gtk_label_set_label (self->status_pointer, "");
}

static void
canvas_leave_cb (BwWindow *self)
{
  gtk_label_set_label (self->status_pointer, "");
}

static void
preload_next (BwWindow *self,
              guint     position)
{
  g_autoptr(BwImageItem) item = NULL;
  const BwImage *image;

  if (position + 1 >= g_list_model_get_n_items (G_LIST_MODEL (self->selection)))
    return;

  item = g_list_model_get_item (G_LIST_MODEL (self->selection), position + 1);
  image = bw_image_item_get_image (item);
  if (image != NULL)
    bw_canvas_preload_image (self->canvas, self->project, image);
}

/* The Gold Standard window is of this window's project. */
static void
close_gold_window (BwWindow *self)
{
  GtkWidget *gold = self->gold_window;

  if (gold == NULL)
    return;
  g_object_remove_weak_pointer (G_OBJECT (gold), (gpointer *) &self->gold_window);
  self->gold_window = NULL;
  gtk_window_destroy (GTK_WINDOW (gold));
}

static void
set_gold_image (BwWindow *self,
                gint64    image_id)
{
  g_autofree char *name = NULL;
  g_autofree char *text = NULL;

  if (self->gold_image_id == image_id)
    return;
  self->gold_image_id = image_id;
  if (image_id > 0)
    {
      g_autoptr(BwImage) image = bw_project_get_image (self->project, image_id, NULL);

      name = image != NULL ? g_path_get_basename (image->path) : g_strdup ("");
      text = g_strdup_printf (_("Gold answer of “%s”: what you draw here is the answer annotators are scored against"),
                              name);
      gtk_label_set_label (self->gold_label, text);
    }
  gtk_revealer_set_reveal_child (self->gold_revealer, image_id > 0);
  _bw_window_update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GOLD_IMAGE_ID]);
}

static void
show_image (BwWindow      *self,
            const BwImage *image)
{
  gint64 id = image ? image->id : 0;

  if (image != NULL && self->current_image != NULL &&
      self->current_image->id == image->id &&
      g_strcmp0 (self->current_image->path, image->path) == 0)
    return;

  g_clear_pointer (&self->current_image, bw_image_free);
  if (image != NULL)
    {
      self->current_image = bw_image_copy (image);
      /* A team project's image not in the cache yet is fetched first;
       * the canvas loads it once it is there (bw-window-team.c). */
      if (_bw_window_team_fetch_image (self, image))
        bw_canvas_clear (self->canvas);
      else
        bw_canvas_load_image (self->canvas, self->project, image);
    }
  else
    {
      bw_canvas_clear (self->canvas);
    }

  update_status_bar (self);
  _bw_window_update_actions (self);

  if (self->current_image_id != id)
    {
      self->current_image_id = id;
      /* The gold answer is edited until another image is shown. */
      if (self->gold_image_id != 0 && self->gold_image_id != id)
        set_gold_image (self, 0);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CURRENT_IMAGE_ID]);
      g_signal_emit (self, signals[CURRENT_IMAGE_CHANGED], 0, id);
    }
}

void
_bw_window_show_image (BwWindow      *self,
                       const BwImage *image)
{
  show_image (self, image);
}

static void
selection_changed_cb (BwWindow *self)
{
  guint position = gtk_single_selection_get_selected (self->selection);
  g_autoptr(BwImageItem) item = NULL;

  if (position == GTK_INVALID_LIST_POSITION)
    {
      /* The list was filtered so the current image is not in it: keep
       * showing it, there is nothing better to show. */
      _bw_window_update_actions (self);
      return;
    }

  item = gtk_single_selection_get_selected_item (self->selection);
  item = item ? g_object_ref (item) : NULL;
  if (item == NULL)
    return;

  show_image (self, bw_image_item_get_image (item));
  preload_next (self, position);
}

static void
update_list_state (BwWindow *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->selection));
  gboolean filtered = status_filter_get_status (self) >= 0 ||
                      gtk_editable_get_text (GTK_EDITABLE (self->search_entry))[0] != '\0';
  g_autofree char *subtitle = NULL;

  if (self->project == NULL)
    return;

  if (n == 0 && filtered)
    {
      adw_status_page_set_title (self->list_empty_page, _("No Matching Images"));
      adw_status_page_set_description (self->list_empty_page, _("Try another status or search."));
    }
  else
    {
      adw_status_page_set_title (self->list_empty_page, _("No Images"));
      adw_status_page_set_description (self->list_empty_page,
                                       _("Drop image files or folders here to import them."));
    }
  gtk_stack_set_visible_child_name (self->list_stack, self->review_mode ? "review" : n > 0 ? "list" : "empty");

  /* The unfiltered list is the total; counting the store again would
   * cost a scan of a large project for nothing. */
  if (!filtered)
    self->n_images = n;
  else if (self->n_images < 0)
    {
      BwProjectCounts counts = { 0 };

      if (bw_project_get_counts (self->project, &counts, NULL))
        self->n_images = counts.images;
    }
  if (self->n_images >= 0)
    subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'" PRId64 " image",
                                             "%'" PRId64 " images", self->n_images),
                                self->n_images);
  if (subtitle != NULL && bw_project_is_read_only (self->project))
    {
      /* TRANSLATORS: the window's subtitle: "24 images · read-only" */
      char *read_only = g_strdup_printf (_("%s · read-only"), subtitle);

      g_free (subtitle);
      subtitle = read_only;
    }
  {
    g_autofree char *shown = _bw_window_team_subtitle (self, subtitle);

    adw_window_title_set_subtitle (self->window_title, shown);
  }

  if (n > 0 && gtk_single_selection_get_selected (self->selection) == GTK_INVALID_LIST_POSITION &&
      self->current_image == NULL && !self->review_mode)
    gtk_single_selection_set_selected (self->selection, 0);

  _bw_window_update_actions (self);
}

/* Keeps the image on screen selected in the list, when it is listed. */
static void
select_current (BwWindow *self)
{
  guint position;

  if (self->model == NULL || self->current_image_id == 0)
    return;

  position = bw_image_list_model_find (self->model, self->current_image_id);
  if (position != G_MAXUINT && position != gtk_single_selection_get_selected (self->selection))
    {
      gtk_single_selection_set_selected (self->selection, position);
      gtk_widget_activate_action (GTK_WIDGET (self->image_list_view),
                                  "list.scroll-to-item", "u", position);
    }
}

static void
model_items_changed_cb (BwWindow *self)
{
  /* An image that moved (sorted by status, its status changed) is taken
   * out of the list and put back: it stays the one selected. */
  if (gtk_single_selection_get_selected (self->selection) == GTK_INVALID_LIST_POSITION)
    select_current (self);
  update_list_state (self);
}

static void
project_images_changed_cb (BwWindow *self)
{
  /* Counted again on the next update when the list is filtered. */
  self->n_images = -1;
}

static void reload_current (BwWindow *self);

/* The list model shows the changed rows itself; here, the count and the
 * record of the image on screen (another window may have moved it). */
static void
project_changed_externally_cb (BwWindow               *self,
                               const BwProjectChanges *changes)
{
  gboolean current = FALSE;

  if (changes->image_ids->len == 0 && !changes->images_removed)
    return;

  self->n_images = -1;
  for (guint i = 0; i < changes->image_ids->len; i++)
    current |= g_array_index (changes->image_ids, gint64, i) == self->current_image_id;

  if (current || changes->images_removed)
    {
      g_autoptr(BwImage) image = bw_project_get_image (self->project, self->current_image_id, NULL);

      if (image != NULL && self->current_image != NULL &&
          g_strcmp0 (image->path, self->current_image->path) != 0)
        reload_current (self);
      else if (image != NULL && self->current_image != NULL)
        {
          g_clear_pointer (&self->current_image, bw_image_free);
          self->current_image = g_steal_pointer (&image);
        }
    }
  update_list_state (self);
}

static void
filter_changed_cb (BwWindow *self)
{
  const char *search = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  guint position;

  if (self->model == NULL)
    return;

  bw_image_list_model_set_filter (self->model, status_filter_get_status (self), search);

  /* Keep the current image selected when it is still listed. */
  position = bw_image_list_model_find (self->model, self->current_image_id);
  if (position != G_MAXUINT)
    {
      gtk_single_selection_set_selected (self->selection, position);
      gtk_widget_activate_action (GTK_WIDGET (self->image_list_view),
                                  "list.scroll-to-item", "u", position);
    }
  else if (g_list_model_get_n_items (G_LIST_MODEL (self->model)) > 0)
    gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);

  update_list_state (self);
}

static void
sort_changed_cb (BwWindow *self)
{
  if (self->model == NULL)
    return;

  bw_image_list_model_set_sort (self->model, g_settings_get_enum (self->settings, "image-sort"));
  select_current (self);
  update_list_state (self);
}

void
_bw_window_move (BwWindow *self,
                 int       delta)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->selection));
  guint position = gtk_single_selection_get_selected (self->selection);
  guint target;

  if (n == 0)
    return;

  if (position == GTK_INVALID_LIST_POSITION)
    {
      /* The current image was filtered out: go to its neighbour in the
       * list's order. */
      guint place = bw_image_list_model_find_place (self->model, self->current_image_id);

      if (delta > 0)
        target = MIN (place, n - 1);
      else
        target = place > 0 ? place - 1 : 0;
    }
  else if (delta < 0 && position < (guint) -delta)
    target = 0;
  else
    target = MIN (n - 1, position + delta);

  if (target == position)
    return;

  gtk_single_selection_set_selected (self->selection, target);
  gtk_widget_activate_action (GTK_WIDGET (self->image_list_view),
                              "list.scroll-to-item", "u", target);
}

void
bw_window_select_image (BwWindow *self,
                        gint64    image_id)
{
  guint position;

  g_return_if_fail (BW_IS_WINDOW (self));

  if (self->model == NULL)
    return;

  position = bw_image_list_model_find (self->model, image_id);
  if (position == G_MAXUINT)
    {
      gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
      gtk_drop_down_set_selected (self->status_filter, 0);
      filter_changed_cb (self);
      position = bw_image_list_model_find (self->model, image_id);
    }

  if (position != G_MAXUINT)
    {
      gtk_single_selection_set_selected (self->selection, position);
      gtk_widget_activate_action (GTK_WIDGET (self->image_list_view),
                                  "list.scroll-to-item", "u", position);
    }
}

/* ------------------------------------------------------------------ */
/* Bad images                                                          */

static void
reload_current (BwWindow *self)
{
  g_autoptr(BwImage) image = NULL;

  if (self->current_image_id == 0)
    return;

  image = bw_project_get_image (self->project, self->current_image_id, NULL);
  g_clear_pointer (&self->current_image, bw_image_free);
  show_image (self, image);
}

void
_bw_window_reload_current (BwWindow *self)
{
  reload_current (self);
}

static void
locate_response_cb (GtkNativeDialog *dialog,
                    int              response,
                    BwWindow        *self)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  if (response == GTK_RESPONSE_ACCEPT &&
      (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog))) != NULL &&
      self->project != NULL)
    {
      path = g_file_get_path (file);
      if (!bw_project_relocate_image (self->project, self->current_image_id, path, &error))
        _bw_window_show_error (self, _("Cannot Use This File"), error);
      else
        reload_current (self);
    }

  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
  g_object_unref (self);
}

static void
canvas_locate_cb (BwWindow *self)
{
  GtkFileChooserNative *dialog;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  if (self->project == NULL || self->current_image_id == 0)
    return;

  dialog = gtk_file_chooser_native_new (_("Locate Image"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_OPEN,
                                        _("_Use This File"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("Images"));
  gtk_file_filter_add_pixbuf_formats (filter);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (locate_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
canvas_exclude_cb (BwWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *message = NULL;
  gint64 id = self->current_image_id;

  if (self->project == NULL || id == 0)
    return;

  if (!bw_project_set_image_status (self->project, id, BW_IMAGE_STATUS_EXCLUDED, &error))
    {
      _bw_window_show_error (self, _("Cannot Exclude the Image"), error);
      return;
    }

  name = self->current_image ? g_path_get_basename (self->current_image->path) : g_strdup ("");
  message = g_strdup_printf (_("“%s” is excluded"), name);
  bw_toast_overlay_add (self->toast_overlay, adw_toast_new (message));
  _bw_window_move (self, 1);
}

/* ------------------------------------------------------------------ */
/* Import                                                              */

static gboolean
import_progress_cb (gpointer user_data)
{
  BwWindow *self = user_data;
  int done = g_atomic_int_get (&self->import_done);
  int total = g_atomic_int_get (&self->import_total);

  if (total > 0)
    {
      g_autofree char *text = g_strdup_printf (_("Importing %d of %d…"), done, total);

      gtk_progress_bar_set_fraction (self->import_progress, (double) done / total);
      gtk_label_set_label (self->import_label, text);
    }
  else
    gtk_progress_bar_pulse (self->import_progress);

  return G_SOURCE_CONTINUE;
}

/* May be called from the importer's thread. */
static void
importer_progress_cb (guint    done,
                      guint    total,
                      gpointer user_data)
{
  BwWindow *self = user_data;

  g_atomic_int_set (&self->import_done, (int) done);
  g_atomic_int_set (&self->import_total, (int) total);
}

static void
import_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(BwWindow) self = user_data;
  g_autoptr(BwImportReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) message = g_string_new (NULL);
  AdwToast *toast;

  report = bw_importer_run_finish (BW_IMPORTER (source), result, &error);

  g_clear_handle_id (&self->import_progress_source, g_source_remove);
  g_clear_object (&self->import_cancellable);
  gtk_revealer_set_reveal_child (self->import_revealer, FALSE);
  _bw_window_update_actions (self);

  if (report == NULL)
    {
      _bw_window_show_error (self, _("Import Failed"), error);
      return;
    }

  if (report->cancelled)
    g_string_append (message, _("Import cancelled. "));

  g_string_append_printf (message,
                          g_dngettext (GETTEXT_PACKAGE, "%u image imported", "%u images imported",
                                       report->added),
                          report->added);
  if (report->duplicates > 0)
    {
      g_string_append (message, ", ");
      g_string_append_printf (message,
                              g_dngettext (GETTEXT_PACKAGE, "%u duplicate skipped",
                                           "%u duplicates skipped", report->duplicates),
                              report->duplicates);
    }
  if (report->failed > 0)
    {
      g_string_append (message, ", ");
      g_string_append_printf (message,
                              g_dngettext (GETTEXT_PACKAGE, "%u refused", "%u refused",
                                           report->failed),
                              report->failed);
    }

  toast = adw_toast_new (message->str);
  adw_toast_set_timeout (toast, report->failed > 0 ? 10 : 5);

  if (report->failed > 0 || report->duplicates > 0)
    {
      /* Say which files were refused and why, right away in the
       * toast's tooltip-sized detail, and fully in a dialog on demand. */
      g_autoptr(GString) details = g_string_new (NULL);
      guint shown = 0;

      for (guint i = 0; i < report->problems->len && shown < 50; i++)
        {
          BwImportProblem *problem = g_ptr_array_index (report->problems, i);

          if (problem->kind == BW_IMPORT_PROBLEM_NOTE)
            continue;
          g_string_append_printf (details, "• %s\n", problem->reason);
          shown++;
        }
      if (report->problems->len > shown)
        g_string_append_printf (details, _("… and %u more\n"), report->problems->len - shown);

      g_object_set_data_full (G_OBJECT (self), "import-details",
                              g_string_free (g_steal_pointer (&details), FALSE), g_free);
      adw_toast_set_button_label (toast, _("_Details"));
      adw_toast_set_action_name (toast, "win.import-details");
    }

  bw_toast_overlay_add (self->toast_overlay, toast);
  update_list_state (self);
}

void
bw_window_import_paths (BwWindow           *self,
                        const char * const *paths)
{
  g_autoptr(BwImporter) importer = NULL;

  g_return_if_fail (BW_IS_WINDOW (self));

  if (self->project == NULL || paths == NULL || paths[0] == NULL)
    return;

  if (self->import_cancellable != NULL)
    {
      bw_toast_overlay_add (self->toast_overlay,
                            adw_toast_new (_("An import is already running")));
      return;
    }

  importer = bw_importer_new (self->project);
  bw_importer_set_max_megapixels (importer, g_settings_get_uint (self->settings, "max-megapixels"));
  g_atomic_int_set (&self->import_done, 0);
  g_atomic_int_set (&self->import_total, 0);
  bw_importer_set_progress_func (importer, importer_progress_cb, self, NULL);

  self->import_cancellable = g_cancellable_new ();
  gtk_label_set_label (self->import_label, _("Importing…"));
  gtk_progress_bar_set_fraction (self->import_progress, 0);
  gtk_revealer_set_reveal_child (self->import_revealer, TRUE);
  self->import_progress_source = g_timeout_add (100, import_progress_cb, self);
  _bw_window_update_actions (self);

  bw_importer_run_async (importer, paths, self->import_cancellable,
                         import_done_cb, g_object_ref (self));
}

static gboolean
drop_cb (BwWindow      *self,
         const GValue  *value,
         double         x,
         double         y)
{
  GSList *files;
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;

  if (self->project == NULL)
    {
      bw_toast_overlay_add (self->toast_overlay,
                            adw_toast_new (_("Create or open a project first, then drop images on it")));
      return FALSE;
    }

  files = g_value_get_boxed (value);
  for (GSList *l = files; l != NULL; l = l->next)
    {
      char *path = g_file_get_path (l->data);

      if (path != NULL)
        g_ptr_array_add (paths, path);
    }
  g_ptr_array_add (paths, NULL);

  bw_window_import_paths (self, (const char * const *) paths->pdata);
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* The project                                                         */

/* Who the work is recorded as, always in sight: a wrong name would
 * attribute a day of work to someone else. */
static void
update_user_label (BwWindow *self)
{
  g_autofree char *tooltip = NULL;

  if (self->user_name != NULL)
    {
      gtk_label_set_label (self->user_label, self->user_name);
      tooltip = g_strdup_printf (_("Your work is recorded as “%s”. Change the name in Preferences."),
                                 self->user_name);
    }
  else
    {
      gtk_label_set_label (self->user_label, _("No name set"));
      tooltip = g_strdup (_("Boxwood does not know who you are: set your name in Preferences before you annotate."));
    }
  gtk_widget_set_tooltip_text (self->user_button, tooltip);
}

static void
ensure_person (BwWindow *self)
{
  g_autoptr(GError) error = NULL;
  gint64 id = 0;

  if (self->project != NULL && self->replica != NULL)
    {
      /* A team project knows its people: the login is one of them. */
      id = bw_team_replica_get_person_id (self->replica);
    }
  else if (self->project != NULL && self->user_name != NULL)
    {
      if (!bw_project_ensure_person (self->project, self->user_name, BW_ROLE_ANNOTATOR, &id, &error))
        {
          g_warning ("Cannot record %s in %s: %s", self->user_name,
                     bw_project_get_display_name (self->project), error->message);
          id = 0;
        }
    }

  if (id != self->person_id)
    {
      self->person_id = id;
      /* The rows show statuses as this person sees them (a gold image as
       * their own work to an annotator). */
      if (self->model != NULL)
        bw_image_list_model_refresh (self->model);
      bw_window_refresh_exam (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PERSON_ID]);
    }
}

gboolean
bw_window_set_project (BwWindow   *self,
                       BwProject  *project,
                       GError    **error)
{
  g_return_val_if_fail (BW_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (!project || BW_IS_PROJECT (project), FALSE);

  if (self->project == project)
    return TRUE;

  if (self->import_cancellable != NULL)
    g_cancellable_cancel (self->import_cancellable);

  close_gold_window (self);
  show_image (self, NULL);
  gtk_single_selection_set_model (self->selection, NULL);
  g_clear_object (&self->model);
  if (self->project != NULL)
    {
      bw_project_watch_external_changes (self->project, 0);
      g_signal_handlers_disconnect_by_data (self->project, self);
    }
  g_set_object (&self->project, project);

  if (project != NULL)
    {
      GFile *file = bw_project_get_file (project);
      g_autofree char *path = g_file_get_path (file);

      self->n_images = -1;
      g_signal_connect_object (project, "images-changed",
                               G_CALLBACK (project_images_changed_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (project, "changed-externally",
                               G_CALLBACK (project_changed_externally_cb), self,
                               G_CONNECT_SWAPPED | G_CONNECT_AFTER);
      /* The lead may allow another attempt, or change who must pass. */
      g_signal_connect_object (project, "changed-externally",
                               G_CALLBACK (bw_window_refresh_exam), self,
                               G_CONNECT_SWAPPED | G_CONNECT_AFTER);
      /* What other windows and programs commit shows within a second:
       * a look costs one PRAGMA, which reads no file. */
      bw_project_watch_external_changes (project, 500);
      self->model = bw_image_list_model_new (project, g_settings_get_enum (self->settings, "image-sort"));
      g_signal_connect_object (self->model, "items-changed",
                               G_CALLBACK (model_items_changed_cb), self,
                               G_CONNECT_SWAPPED | G_CONNECT_AFTER);
      gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
      gtk_drop_down_set_selected (self->status_filter, 0);
      gtk_single_selection_set_model (self->selection, G_LIST_MODEL (self->model));

      adw_window_title_set_title (self->window_title, bw_project_get_display_name (project));
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->window_title), path);
      gtk_window_set_title (GTK_WINDOW (self), bw_project_get_display_name (project));
      gtk_stack_set_visible_child_name (self->main_stack, "project");

      /* A team project's working copy is no file to open again: its
       * address goes in the list instead (bw-window-team.c). */
      if (self->replica == NULL || bw_team_replica_get_project (self->replica) != project)
        bw_application_add_recent (BW_APPLICATION (gtk_window_get_application (GTK_WINDOW (self))), file);
      update_list_state (self);
      gtk_widget_grab_focus (GTK_WIDGET (self->canvas));
    }
  else
    {
      adw_window_title_set_title (self->window_title, _("Boxwood"));
      adw_window_title_set_subtitle (self->window_title, NULL);
      gtk_window_set_title (GTK_WINDOW (self), _("Boxwood"));
      gtk_stack_set_visible_child_name (self->main_stack, "empty");
    }

  _bw_window_team_project_changed (self);
  ensure_person (self);
  bw_window_refresh_exam (self);
  _bw_window_review_project_changed (self);
  _bw_window_questions_project_changed (self);
  _bw_window_update_actions (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROJECT]);
  g_signal_emit (self, signals[PROJECT_CHANGED], 0);

  return TRUE;
}

void
bw_window_open_project (BwWindow *self,
                        GFile    *file)
{
  g_autoptr(BwProject) project = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (BW_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  project = bw_project_open (file, &error);
  if (project == NULL && g_error_matches (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_READ_ONLY))
    {
      g_autoptr(GError) read_error = NULL;

      /* Read-only media, or a file one may not write: it can be shown. */
      project = bw_project_open_read_only (file, &read_error);
      /* When reading fails too, its reason is the one to give. */
      if (project == NULL)
        {
          g_clear_error (&error);
          error = g_steal_pointer (&read_error);
        }
    }
  if (project == NULL)
    {
      _bw_window_show_error (self, _("Cannot Open the Project"), error);
      return;
    }

  bw_window_set_project (self, project, NULL);

  if (bw_project_is_read_only (project))
    {
      g_autofree char *title = g_strdup_printf (_("“%s” is read-only: you can look, but changes cannot be saved. To edit it, use Save a Copy… and open the copy."),
                                                bw_project_get_display_name (project));
      AdwToast *toast = adw_toast_new (title);

      /* Long enough to read; the subtitle keeps saying it, and each
       * refused change says why in a toast of its own, which a toast
       * that stayed would hold back in the queue. */
      adw_toast_set_timeout (toast, 10);
      bw_toast_overlay_add (self->toast_overlay, toast);
    }
}

static gboolean
present_dialog_idle_cb (gpointer user_data)
{
  g_autoptr(GtkWindow) dialog = user_data;

  gtk_window_present (dialog);
  return G_SOURCE_REMOVE;
}

static void
present_when_mapped_cb (GtkWindow *dialog)
{
  g_signal_handlers_disconnect_by_func (gtk_window_get_transient_for (dialog),
                                        present_when_mapped_cb, dialog);
  /* After the window's own surface is up, so the dialog stacks above it
   * even without a window manager. */
  g_timeout_add (100, present_dialog_idle_cb, g_object_ref (dialog));
}

void
_bw_window_show_error (BwWindow     *self,
                       const char   *title,
                       const GError *error)
{
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_WINDOW (self), title, error ? error->message : NULL);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));

  /* A project given on the command line fails before the window is
   * shown: show the message over the window, not under it. */
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    gtk_window_present (GTK_WINDOW (dialog));
  else
    g_signal_connect_object (self, "map", G_CALLBACK (present_when_mapped_cb), dialog,
                             G_CONNECT_SWAPPED);
}

/* ------------------------------------------------------------------ */
/* GObject                                                             */

static void
max_megapixels_changed_cb (BwWindow *self)
{
  guint64 max_pixels = (guint64) g_settings_get_uint (self->settings, "max-megapixels") * 1000000;

  bw_canvas_set_max_pixels (self->canvas, max_pixels);
  bw_thumbnailer_set_max_pixels (self->thumbnailer, max_pixels);
}

static gboolean
bw_window_close_request (GtkWindow *window)
{
  BwWindow *self = BW_WINDOW (window);
  int width, height;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));

  if (self->import_cancellable != NULL)
    g_cancellable_cancel (self->import_cancellable);
  _bw_window_work_time_flush (self);

  /* Changes of a team project not sent yet: a dialog asks first. */
  if (_bw_window_team_close_request (self))
    return TRUE;

  return GTK_WINDOW_CLASS (bw_window_parent_class)->close_request (window);
}

static void
bw_window_dispose (GObject *object)
{
  BwWindow *self = BW_WINDOW (object);

  close_gold_window (self);
  if (self->import_cancellable != NULL)
    g_cancellable_cancel (self->import_cancellable);
  g_clear_object (&self->import_cancellable);
  g_clear_handle_id (&self->import_progress_source, g_source_remove);
  g_clear_handle_id (&self->status_idle, g_source_remove);

  if (self->selection != NULL)
    gtk_single_selection_set_model (self->selection, NULL);

  _bw_window_image_menu_dispose (self);
  _bw_window_work_time_dispose (self);
  _bw_window_review_dispose (self);
  _bw_window_questions_dispose (self);
  _bw_window_team_dispose (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), BW_TYPE_WINDOW);

  g_clear_object (&self->selection);
  g_clear_object (&self->model);
  g_clear_object (&self->project);
  g_clear_object (&self->thumbnailer);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (bw_window_parent_class)->dispose (object);
}

static void
bw_window_finalize (GObject *object)
{
  BwWindow *self = BW_WINDOW (object);

  g_clear_pointer (&self->current_image, bw_image_free);
  g_free (self->user_name);

  G_OBJECT_CLASS (bw_window_parent_class)->finalize (object);
}

static void
bw_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  BwWindow *self = BW_WINDOW (object);

  switch (prop_id)
    {
    case PROP_PROJECT:
      g_value_set_object (value, self->project);
      break;

    case PROP_CURRENT_IMAGE_ID:
      g_value_set_int64 (value, self->current_image_id);
      break;

    case PROP_PERSON_ID:
      g_value_set_int64 (value, self->person_id);
      break;

    case PROP_GOLD_IMAGE_ID:
      g_value_set_int64 (value, self->gold_image_id);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bw_window_class_init (BwWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = bw_window_dispose;
  object_class->finalize = bw_window_finalize;
  object_class->get_property = bw_window_get_property;
  window_class->close_request = bw_window_close_request;

  properties[PROP_PROJECT] =
    g_param_spec_object ("project", NULL, NULL, BW_TYPE_PROJECT,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CURRENT_IMAGE_ID] =
    g_param_spec_int64 ("current-image-id", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PERSON_ID] =
    g_param_spec_int64 ("person-id", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_GOLD_IMAGE_ID] =
    g_param_spec_int64 ("gold-image-id", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[PROJECT_CHANGED] =
    g_signal_new ("project-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[CURRENT_IMAGE_CHANGED] =
    g_signal_new ("current-image-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);

  g_type_ensure (BW_TYPE_CANVAS);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/bw-window.ui");
  gtk_widget_class_bind_template_child (widget_class, BwWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, BwWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, BwWindow, gold_revealer);
  gtk_widget_class_bind_template_child (widget_class, BwWindow, guidelines_banner_slot);
  gtk_widget_class_bind_template_child (widget_class, BwWindow, gold_label);
  gtk_widget_class_bind_template_child (widget_class, BwWindow, exam_revealer);
  gtk_widget_class_bind_template_child (widget_class, BwWindow, exam_label);
  gtk_widget_class_bind_template_child (widget_class, BwWindow, exam_start_button);
  gtk_widget_class_bind_template_child (widget_class, BwWindow, exam_result_button);
  gtk_widget_class_bind_template_child (widget_class, BwWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, BwWindow, open_button);
  gtk_widget_class_bind_template_child (widget_class, BwWindow, sidebar_button);
  gtk_widget_class_bind_template_child (widget_class, BwWindow, zoom_button);
  gtk_widget_class_bind_template_child (widget_class, BwWindow, nav_box);
  gtk_widget_class_bind_template_child (widget_class, BwWindow, tool_box);
  gtk_widget_class_bind_template_child (widget_class, BwWindow, submit_button);
  gtk_widget_class_bind_template_child (widget_class, BwWindow, user_button);
  gtk_widget_class_bind_template_child (widget_class, BwWindow, user_label);
  gtk_widget_class_bind_template_child (widget_class, BwWindow, import_revealer);
  gtk_widget_class_bind_template_child (widget_class, BwWindow, import_label);
  gtk_widget_class_bind_template_child (widget_class, BwWindow, import_progress);
  gtk_widget_class_bind_template_child (widget_class, BwWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, BwWindow, paned);
  gtk_widget_class_bind_template_child (widget_class, BwWindow, side_panel);
  gtk_widget_class_bind_template_child (widget_class, BwWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, BwWindow, status_filter);
  gtk_widget_class_bind_template_child (widget_class, BwWindow, sort_button);
  gtk_widget_class_bind_template_child (widget_class, BwWindow, list_stack);
  gtk_widget_class_bind_template_child (widget_class, BwWindow, image_list_view);
  gtk_widget_class_bind_template_child (widget_class, BwWindow, list_empty_page);
  gtk_widget_class_bind_template_child (widget_class, BwWindow, category_panel_slot);
  gtk_widget_class_bind_template_child (widget_class, BwWindow, object_list_slot);
  gtk_widget_class_bind_template_child (widget_class, BwWindow, canvas);
  gtk_widget_class_bind_template_child (widget_class, BwWindow, status_name);
  gtk_widget_class_bind_template_child (widget_class, BwWindow, status_size);
  gtk_widget_class_bind_template_child (widget_class, BwWindow, status_zoom);
  gtk_widget_class_bind_template_child (widget_class, BwWindow, status_pointer);
  gtk_widget_class_bind_template_child (widget_class, BwWindow, status_time);
  gtk_widget_class_bind_template_child (widget_class, BwWindow, project_section);
  gtk_widget_class_bind_template_child (widget_class, BwWindow, recent_section);
  gtk_widget_class_bind_template_child (widget_class, BwWindow, mode_box);
  gtk_widget_class_bind_template_child (widget_class, BwWindow, review_box);
  gtk_widget_class_bind_template_child (widget_class, BwWindow, accept_image_button);
  gtk_widget_class_bind_template_child (widget_class, BwWindow, return_image_button);
  gtk_widget_class_bind_template_child (widget_class, BwWindow, image_filter_box);
  gtk_widget_class_bind_template_child (widget_class, BwWindow, review_queue_slot);

  _bw_window_class_actions_init (klass);
  _bw_window_exam_class_init (klass);
}

static void
bw_window_init (BwWindow *self)
{
  g_autoptr(GtkStringList) statuses = gtk_string_list_new (NULL);
  GtkListItemFactory *factory;
  GtkEventController *controller;
  GtkDropTarget *drop;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);
  self->thumbnailer = bw_thumbnailer_new (THUMBNAIL_SIZE, 1024);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  g_signal_connect_object (self->settings, "changed::max-megapixels",
                           G_CALLBACK (max_megapixels_changed_cb), self, G_CONNECT_SWAPPED);
  max_megapixels_changed_cb (self);

  gtk_string_list_append (statuses, _("All Images"));
  for (int i = 0; i < BW_IMAGE_N_STATUS; i++)
    gtk_string_list_append (statuses, bw_image_status_to_label (i));
  gtk_drop_down_set_model (self->status_filter, G_LIST_MODEL (statuses));
  g_signal_connect_object (self->status_filter, "notify::selected",
                           G_CALLBACK (filter_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->search_entry, "search-changed",
                           G_CALLBACK (filter_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::image-sort",
                           G_CALLBACK (sort_changed_cb), self, G_CONNECT_SWAPPED);

  self->selection = gtk_single_selection_new (NULL);
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect_object (self->selection, "notify::selected",
                           G_CALLBACK (selection_changed_cb), self, G_CONNECT_SWAPPED);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect_object (factory, "setup", G_CALLBACK (setup_row_cb), self, 0);
  g_signal_connect_object (factory, "bind", G_CALLBACK (bind_row_cb), self, 0);
  g_signal_connect_object (factory, "unbind", G_CALLBACK (unbind_row_cb), self, 0);
  gtk_list_view_set_factory (self->image_list_view, factory);
  g_object_unref (factory);
  gtk_list_view_set_model (self->image_list_view, GTK_SELECTION_MODEL (self->selection));

  g_signal_connect_object (self->canvas, "view-changed",
                           G_CALLBACK (queue_update_status_bar), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->canvas, "image-loaded",
                           G_CALLBACK (queue_update_status_bar), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->canvas, "notify::state",
                           G_CALLBACK (queue_update_status_bar), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->canvas, "locate",
                           G_CALLBACK (canvas_locate_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->canvas, "exclude",
                           G_CALLBACK (canvas_exclude_cb), self, G_CONNECT_SWAPPED);

  controller = gtk_event_controller_motion_new ();
  g_signal_connect_object (controller, "motion", G_CALLBACK (canvas_motion_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (controller, "leave", G_CALLBACK (canvas_leave_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self->canvas), controller);

  drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect_object (drop, "drop", G_CALLBACK (drop_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  _bw_window_actions_init (self);
  _bw_window_image_menu_init (self);
  _bw_window_work_time_init (self);
  _bw_window_update_recent (self);
  g_signal_connect_object (self->settings, "changed::recent-projects",
                           G_CALLBACK (_bw_window_update_recent), self, G_CONNECT_SWAPPED);
  bw_annotation_tools_install (self);
  _bw_window_review_init (self);
  _bw_window_questions_init (self);
  _bw_window_team_init (self);
  update_status_bar (self);
  update_user_label (self);
}

/* ------------------------------------------------------------------ */
/* Public API                                                          */

BwWindow *
bw_window_new (BwApplication *application)
{
  return g_object_new (BW_TYPE_WINDOW, "application", application, NULL);
}

/* The order of the image list. */
BwImageSort
bw_window_get_image_sort (BwWindow *self)
{
  g_return_val_if_fail (BW_IS_WINDOW (self), BW_IMAGE_SORT_NAME);

  return g_settings_get_enum (self->settings, "image-sort");
}

BwProject *
bw_window_get_project (BwWindow *self)
{
  g_return_val_if_fail (BW_IS_WINDOW (self), NULL);

  return self->project;
}

BwCanvas *
bw_window_get_canvas (BwWindow *self)
{
  g_return_val_if_fail (BW_IS_WINDOW (self), NULL);

  return self->canvas;
}

gint64
bw_window_get_current_image_id (BwWindow *self)
{
  g_return_val_if_fail (BW_IS_WINDOW (self), 0);

  return self->current_image_id;
}

/**
 * bw_window_get_review_layer_id:
 *
 * Returns: in review mode, the layer being judged (of the current
 *   image); 0 otherwise
 */
gint64
bw_window_get_review_layer_id (BwWindow *self)
{
  g_return_val_if_fail (BW_IS_WINDOW (self), 0);

  return self->review_mode && self->review_image_id == self->current_image_id ? self->review_layer_id : 0;
}

gboolean
bw_window_get_review_mode (BwWindow *self)
{
  g_return_val_if_fail (BW_IS_WINDOW (self), FALSE);

  return self->review_mode;
}

/**
 * bw_window_edit_gold_answer:
 * @image_id: a gold image, or 0 to stop
 *
 * Shows @image_id with its gold layer as the layer being edited, under a
 * banner that says so, until another image is shown.
 */
void
bw_window_edit_gold_answer (BwWindow *self,
                            gint64    image_id)
{
  g_return_if_fail (BW_IS_WINDOW (self));

  if (self->project == NULL)
    return;
  if (image_id > 0 && image_id != self->current_image_id)
    {
      bw_window_select_image (self, image_id);
      if (self->current_image_id != image_id)
        return;
    }
  set_gold_image (self, image_id);
  /* The lead draws here now: the window comes forward. */
  if (image_id > 0)
    gtk_window_present (GTK_WINDOW (self));
}

/* Returns: the image whose gold answer is being edited, or 0 */
gint64
bw_window_get_gold_image_id (BwWindow *self)
{
  g_return_val_if_fail (BW_IS_WINDOW (self), 0);

  return self->gold_image_id;
}

gint64
bw_window_get_person_id (BwWindow *self)
{
  g_return_val_if_fail (BW_IS_WINDOW (self), 0);

  return self->person_id;
}

void
bw_window_set_user_name (BwWindow   *self,
                         const char *name)
{
  g_return_if_fail (BW_IS_WINDOW (self));

  if (g_strcmp0 (self->user_name, name) == 0)
    return;
  /* On a team project, the work is the login's, whatever the settings say. */
  if (self->replica != NULL)
    return;

  g_free (self->user_name);
  self->user_name = g_strdup (name);
  update_user_label (self);
  ensure_person (self);
}

GtkBox *
bw_window_get_category_panel_slot (BwWindow *self)
{
  g_return_val_if_fail (BW_IS_WINDOW (self), NULL);

  return self->category_panel_slot;
}

GtkBox *
bw_window_get_object_list_slot (BwWindow *self)
{
  g_return_val_if_fail (BW_IS_WINDOW (self), NULL);

  return self->object_list_slot;
}

GMenu *
bw_window_get_project_menu (BwWindow *self)
{
  g_return_val_if_fail (BW_IS_WINDOW (self), NULL);

  return self->project_section;
}

void
bw_window_add_toast (BwWindow *self,
                     AdwToast *toast)
{
  g_return_if_fail (BW_IS_WINDOW (self));

  bw_toast_overlay_add (self->toast_overlay, toast);
}
