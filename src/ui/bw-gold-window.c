/* bw-gold-window.c — the gold standard: gold images, their answers, honeypots
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The lead's window for the answers annotators are scored against: which
 * images are gold (ticked by hand, or a seeded random sample), each gold
 * image's answer (its shapes by category, and a preview drawn as the
 * canvas draws), the commands that make an answer (edit it in the project
 * window, or promote an accepted annotator's answer), a second expert's
 * acceptance, and the honeypot rate. Everything it changes goes through
 * the core's commands (bw-project-gold.c).
 */

#define G_LOG_DOMAIN "boxwood"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <math.h>

#include "bw-annotation-renderer.h"
#include "bw-dialog-util.h"
#include "bw-exam-dialog.h"
#include "bw-gold-window.h"
#include "bw-thumbnailer.h"

#define PREVIEW_SIZE 360

/* One row of the list: an image, read when the row is shown. */

#define BW_TYPE_GOLD_ITEM (bw_gold_item_get_type ())

G_DECLARE_FINAL_TYPE (BwGoldItem, bw_gold_item, BW, GOLD_ITEM, GObject)

struct _BwGoldItem
{
  GObject  parent_instance;
  gint64   image_id;
};

G_DEFINE_FINAL_TYPE (BwGoldItem, bw_gold_item, G_TYPE_OBJECT)

static void
bw_gold_item_class_init (BwGoldItemClass *klass)
{
}

static void
bw_gold_item_init (BwGoldItem *self)
{
}

static BwGoldItem *
bw_gold_item_new (gint64 image_id)
{
  BwGoldItem *self = g_object_new (BW_TYPE_GOLD_ITEM, NULL);

  self->image_id = image_id;
  return self;
}

struct _BwGoldWindow
{
  AdwWindow             parent_instance;

  BwProject            *project;
  gint64                person_id;
  GListStore           *store;          /* BwGoldItem */
  GtkSingleSelection   *selection;
  GHashTable           *answers;        /* image id → BwGoldAnswer */
  guint                 refresh_id;
  gboolean              loading;

  /* The selected image */
  gint64                selected;
  BwImage              *image;
  BwAnnotationSet      *set;            /* its gold answer, for the preview */
  char                 *answer_text;
  char                 *review_text;
  gint64                promotable;     /* its accepted work layer, or 0 */
  BwThumbnailer        *thumbnailer;
  GdkTexture           *texture;
  GCancellable         *cancellable;
  BwAnnotationRenderer *renderer;

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  GtkSearchEntry       *search_entry;
  GtkToggleButton      *gold_only_button;
  GtkColumnView        *image_view;
  GtkLabel             *count_label;
  GtkDrawingArea       *preview_area;
  GtkLabel             *detail_title;
  GtkLabel             *answer_label;
  GtkLabel             *review_label;
  GtkSpinButton        *size_spin;
  GtkDropDown          *unit_dropdown;
  GtkSpinButton        *seed_spin;
  GtkSpinButton        *rate_spin;
};

G_DEFINE_FINAL_TYPE (BwGoldWindow, bw_gold_window, ADW_TYPE_WINDOW)

enum {
  OPEN_IMAGE,
  EDIT_ANSWER,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void update_detail (BwGoldWindow *self);

static void
toast (BwGoldWindow *self,
       const char   *message)
{
  AdwToast *t = adw_toast_new (message);

  adw_toast_set_timeout (t, 3);
  bw_toast_overlay_add (self->toast_overlay, t);
}

static void
show_error (BwGoldWindow *self,
            const GError *error)
{
  toast (self, error->message);
}

/* Making gold answers is a lead's work: whoever does it here is a lead
 * from then on (and sees gold images as such in the project window). */
static gboolean
become_lead (BwGoldWindow  *self,
             GError       **error)
{
  if (self->person_id <= 0 ||
      bw_project_get_person_role (self->project, self->person_id) != BW_ROLE_ANNOTATOR)
    return TRUE;
  return bw_project_set_person_role (self->project, self->person_id, BW_ROLE_LEAD, error);
}

static char *
image_name (const BwImage *image)
{
  return image != NULL ? g_path_get_basename (image->path) : g_strdup ("");
}

/* ------------------------------------------------------------------ */
/* The list                                                            */

static gboolean
load_answers (BwGoldWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) answers = bw_project_list_gold_answers (self->project, &error);

  g_hash_table_remove_all (self->answers);
  if (answers == NULL)
    {
      show_error (self, error);
      return FALSE;
    }
  for (guint i = 0; i < answers->len; i++)
    {
      BwGoldAnswer *answer = g_steal_pointer (&answers->pdata[i]);

      g_hash_table_insert (self->answers, &answer->image_id, answer);
    }
  return TRUE;
}

static void
refresh (BwGoldWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  const char *search = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  gboolean gold_only = gtk_toggle_button_get_active (self->gold_only_button);
  gint64 keep = self->selected;
  guint position = GTK_INVALID_LIST_POSITION;
  g_autofree char *count = NULL;

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  load_answers (self);

  ids = bw_project_list_image_ids (self->project, gold_only ? BW_IMAGE_STATUS_GOLD : -1,
                                   *search != '\0' ? search : NULL, &error);
  if (ids == NULL)
    {
      show_error (self, error);
      return;
    }
  for (guint i = 0; i < ids->len; i++)
    {
      gint64 id = g_array_index (ids, gint64, i);

      if (id == keep)
        position = i;
      g_ptr_array_add (items, bw_gold_item_new (id));
    }

  self->loading = TRUE;
  g_list_store_splice (self->store, 0, g_list_model_get_n_items (G_LIST_MODEL (self->store)),
                       items->pdata, items->len);
  gtk_single_selection_set_selected (self->selection, position);
  self->loading = FALSE;

  count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u gold image in the project",
                                        "%u gold images in the project",
                                        g_hash_table_size (self->answers)),
                           g_hash_table_size (self->answers));
  gtk_label_set_label (self->count_label, count);
  update_detail (self);
}

static gboolean
refresh_idle_cb (gpointer user_data)
{
  BwGoldWindow *self = user_data;

  self->refresh_id = 0;
  refresh (self);
  return G_SOURCE_REMOVE;
}

/* Changes come in runs (a sample marks many images): one refresh each. */
static void
queue_refresh (BwGoldWindow *self)
{
  if (self->refresh_id == 0)
    self->refresh_id = g_idle_add (refresh_idle_cb, self);
}

/* Answers are drawn in the project window: what was drawn there shows
 * when this window comes back. */
static void
active_changed_cb (BwGoldWindow *self)
{
  if (gtk_window_is_active (GTK_WINDOW (self)) && self->project != NULL)
    queue_refresh (self);
}

static void
search_changed_cb (BwGoldWindow *self)
{
  refresh (self);
}

static gint64
item_image (GtkListItem *list_item)
{
  BwGoldItem *item = gtk_list_item_get_item (list_item);

  return item != NULL ? item->image_id : 0;
}

static void
setup_label_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *list_item,
                gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_MIDDLE);
  gtk_list_item_set_child (list_item, label);
}

typedef enum
{
  COLUMN_GOLD,
  COLUMN_IMAGE,
  COLUMN_ANSWER,
  COLUMN_REVIEW,
} Column;

static char *
answer_summary (const BwGoldAnswer *answer)
{
  if (answer == NULL)
    return g_strdup ("");
  if (answer->layer_id == 0)
    return g_strdup (_("No answer yet"));
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u shape", "%u shapes", answer->n_annotations),
                          answer->n_annotations);
}

static char *
review_summary (const BwGoldAnswer *answer)
{
  if (answer == NULL || answer->layer_id == 0)
    return g_strdup ("");
  if (answer->accepted)
    return g_strdup_printf (_("Accepted by %s"), answer->reviewer ? answer->reviewer : "?");
  if (answer->reviewed_at > 0)
    return g_strdup (_("Changed since accepted"));
  return g_strdup (_("Not reviewed"));
}

static void
bind_label_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               gpointer                  user_data)
{
  BwGoldWindow *self = g_object_get_data (G_OBJECT (factory), "window");
  Column column = GPOINTER_TO_INT (user_data);
  GtkLabel *label = GTK_LABEL (gtk_list_item_get_child (list_item));
  gint64 id = item_image (list_item);
  const BwGoldAnswer *answer = g_hash_table_lookup (self->answers, &id);
  g_autofree char *text = NULL;

  switch (column)
    {
    case COLUMN_IMAGE:
      {
        g_autoptr(BwImage) image = bw_project_get_image (self->project, id, NULL);

        text = image_name (image);
      }
      break;
    case COLUMN_ANSWER:
      text = answer_summary (answer);
      break;
    case COLUMN_REVIEW:
      text = review_summary (answer);
      break;
    case COLUMN_GOLD:
    default:
      g_assert_not_reached ();
    }
  gtk_label_set_label (label, text);
}

static void
gold_toggled_cb (GtkCheckButton *check,
                 GtkListItem    *list_item)
{
  BwGoldWindow *self = g_object_get_data (G_OBJECT (check), "window");
  g_autoptr(GError) error = NULL;
  gint64 id = item_image (list_item);
  gboolean active = gtk_check_button_get_active (check);
  gboolean is_gold = g_hash_table_contains (self->answers, &id);

  if (self == NULL || id <= 0 || active == is_gold)
    return;
  if (!become_lead (self, &error) ||
      !bw_project_set_image_gold (self->project, id, active, &error))
    {
      show_error (self, error);
      gtk_check_button_set_active (check, is_gold);
      return;
    }
  queue_refresh (self);
}

static void
setup_check_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *list_item,
                gpointer                  user_data)
{
  GtkWidget *check = gtk_check_button_new ();

  gtk_widget_set_halign (check, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (check, _("Gold image"));
  g_object_set_data (G_OBJECT (check), "window", g_object_get_data (G_OBJECT (factory), "window"));
  gtk_list_item_set_child (list_item, check);
}

static void
bind_check_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               gpointer                  user_data)
{
  BwGoldWindow *self = g_object_get_data (G_OBJECT (factory), "window");
  GtkCheckButton *check = GTK_CHECK_BUTTON (gtk_list_item_get_child (list_item));
  gint64 id = item_image (list_item);

  g_signal_handlers_disconnect_matched (check, G_SIGNAL_MATCH_FUNC, 0, 0, NULL, gold_toggled_cb, NULL);
  gtk_check_button_set_active (check, g_hash_table_contains (self->answers, &id));
  g_signal_connect (check, "toggled", G_CALLBACK (gold_toggled_cb), list_item);
}

static void
unbind_check_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item,
                 gpointer                  user_data)
{
  GtkWidget *check = gtk_list_item_get_child (list_item);

  g_signal_handlers_disconnect_matched (check, G_SIGNAL_MATCH_FUNC, 0, 0, NULL, gold_toggled_cb, NULL);
}

static void
add_column (BwGoldWindow *self,
            const char   *title,
            Column        column,
            gboolean      expand)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *col;

  g_object_set_data (G_OBJECT (factory), "window", self);
  if (column == COLUMN_GOLD)
    {
      g_signal_connect (factory, "setup", G_CALLBACK (setup_check_cb), NULL);
      g_signal_connect (factory, "bind", G_CALLBACK (bind_check_cb), NULL);
      g_signal_connect (factory, "unbind", G_CALLBACK (unbind_check_cb), NULL);
    }
  else
    {
      g_signal_connect (factory, "setup", G_CALLBACK (setup_label_cb), NULL);
      g_signal_connect (factory, "bind", G_CALLBACK (bind_label_cb), GINT_TO_POINTER (column));
    }
  col = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_expand (col, expand);
  gtk_column_view_append_column (self->image_view, col);
  g_object_unref (col);
}

static void
row_activated_cb (BwGoldWindow *self,
                  guint         position)
{
  gint64 id = bw_gold_window_get_row_image (self, position);

  if (id > 0)
    g_signal_emit (self, signals[OPEN_IMAGE], 0, id);
}

/* ------------------------------------------------------------------ */
/* The selected image                                                  */

static void
texture_loaded_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  BwGoldWindow *self = user_data;
  g_autoptr(GError) error = NULL;
  GdkTexture *texture = bw_thumbnailer_load_finish (BW_THUMBNAILER (source), result, &error);

  if (texture == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        gtk_widget_set_tooltip_text (GTK_WIDGET (self->preview_area), error->message);
      return;
    }
  g_set_object (&self->texture, texture);
  g_object_unref (texture);
  gtk_widget_queue_draw (GTK_WIDGET (self->preview_area));
}

static void
load_preview (BwGoldWindow *self)
{
  g_autofree char *path = NULL;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->texture);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->preview_area), NULL);
  if (self->image == NULL)
    return;

  path = bw_project_resolve_image_path (self->project, self->image->path);
  self->cancellable = g_cancellable_new ();
  bw_thumbnailer_load_async (self->thumbnailer, path, self->cancellable, texture_loaded_cb, self);
}

/* The image fitted into the area, and its gold answer over it, drawn by
 * the canvas's renderer. */
static void
draw_preview (GtkDrawingArea *area,
              cairo_t        *cr,
              int             width,
              int             height,
              gpointer        user_data)
{
  BwGoldWindow *self = user_data;
  BwRenderView view;
  double scale;

  if (self->image == NULL || self->image->width <= 0 || self->image->height <= 0)
    return;

  scale = MIN ((double) width / self->image->width, (double) height / self->image->height);
  view.scale = scale;
  view.offset_x = floor ((width - self->image->width * scale) / 2);
  view.offset_y = floor ((height - self->image->height * scale) / 2);

  if (self->texture != NULL)
    {
      int tw = gdk_texture_get_width (self->texture), th = gdk_texture_get_height (self->texture);
      cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, tw, th);

      cairo_surface_flush (surface);
      gdk_texture_download (self->texture, cairo_image_surface_get_data (surface),
                            cairo_image_surface_get_stride (surface));
      cairo_surface_mark_dirty (surface);
      cairo_save (cr);
      cairo_translate (cr, view.offset_x, view.offset_y);
      cairo_scale (cr, self->image->width * scale / tw, self->image->height * scale / th);
      cairo_set_source_surface (cr, surface, 0, 0);
      cairo_paint (cr);
      cairo_restore (cr);
      cairo_surface_destroy (surface);
    }
  else
    {
      cairo_set_source_rgba (cr, 0.5, 0.5, 0.5, 0.2);
      cairo_rectangle (cr, view.offset_x, view.offset_y,
                       self->image->width * scale, self->image->height * scale);
      cairo_fill (cr);
    }

  if (self->set != NULL)
    bw_annotation_renderer_draw_set (self->renderer, cr, width, height, &view, self->set);
}

/* "2 car, 1 bicycle", in the taxonomy's order. */
static char *
count_by_category (BwGoldWindow *self,
                   GPtrArray    *annotations)
{
  g_autoptr(GPtrArray) categories = bw_project_list_categories (self->project, NULL);
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint c = 0; categories != NULL && c < categories->len; c++)
    {
      const BwCategory *category = categories->pdata[c];
      guint n = 0;

      for (guint i = 0; i < annotations->len; i++)
        n += ((BwAnnotation *) annotations->pdata[i])->category_id == category->id;
      if (n == 0)
        continue;
      if (text->len > 0)
        g_string_append (text, ", ");
      /* TRANSLATORS: a count of shapes and their category, e.g. "3 car" */
      g_string_append_printf (text, C_("shape count", "%u %s"), n, category->name);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
update_detail (BwGoldWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  const BwGoldAnswer *answer = NULL;
  gint64 id = bw_gold_window_get_selected (self);
  gboolean changed = id != self->selected;

  self->selected = id;
  g_clear_pointer (&self->image, bw_image_free);
  g_clear_pointer (&self->set, bw_annotation_set_free);
  g_clear_pointer (&self->answer_text, g_free);
  g_clear_pointer (&self->review_text, g_free);
  self->promotable = 0;

  if (id > 0)
    {
      self->image = bw_project_get_image (self->project, id, NULL);
      answer = g_hash_table_lookup (self->answers, &id);
    }

  if (self->image == NULL)
    {
      gtk_label_set_label (self->detail_title, _("No image selected"));
      self->answer_text = g_strdup (_("Choose an image in the list to see its gold answer."));
      self->review_text = g_strdup ("");
    }
  else
    {
      g_autoptr(GPtrArray) layers = bw_project_list_layers (self->project, id, NULL);

      name = image_name (self->image);
      gtk_label_set_label (self->detail_title, name);
      for (guint i = 0; layers != NULL && i < layers->len; i++)
        {
          const BwLayer *layer = layers->pdata[i];

          if (layer->kind == BW_LAYER_KIND_WORK && layer->status == BW_LAYER_STATUS_ACCEPTED)
            self->promotable = layer->id;
        }

      if (answer == NULL)
        {
          self->answer_text = g_strdup (_("Not a gold image. Tick it in the list to make it one."));
          self->review_text = g_strdup ("");
        }
      else if (answer->layer_id == 0)
        {
          self->answer_text = g_strdup (self->promotable > 0
                                        ? _("No answer yet: draw it with Edit Answer, or promote the accepted answer.")
                                        : _("No answer yet: draw it with Edit Answer."));
          self->review_text = g_strdup ("");
        }
      else
        {
          g_autoptr(GPtrArray) annotations = bw_project_list_annotations (self->project, answer->layer_id, &error);
          g_autofree char *counts = annotations != NULL ? count_by_category (self, annotations) : g_strdup ("");
          g_autoptr(GDateTime) when = NULL;
          g_autofree char *date = NULL;

          if (annotations != NULL)
            {
              self->set = bw_annotation_set_new (self->image->width, self->image->height);
              for (guint i = 0; i < annotations->len; i++)
                bw_annotation_set_take (self->set, g_steal_pointer (&annotations->pdata[i]));
            }
          if (answer->n_annotations == 0)
            self->answer_text = g_strdup_printf (_("Answer by %s: no objects"),
                                                 answer->author ? answer->author : "?");
          else
            self->answer_text = g_strdup_printf (_("Answer by %s: %s"),
                                                 answer->author ? answer->author : "?", counts);

          if (answer->reviewed_at > 0)
            {
              when = g_date_time_new_from_unix_local (answer->reviewed_at / G_USEC_PER_SEC);
              date = g_date_time_format (when, "%x %X");
            }
          if (answer->accepted)
            self->review_text = g_strdup_printf (_("Accepted by %s on %s."),
                                                 answer->reviewer ? answer->reviewer : "?", date);
          else if (answer->reviewed_at > 0)
            self->review_text = g_strdup_printf (_("Changed after %s accepted it on %s; a second expert should accept it again."),
                                                 answer->reviewer ? answer->reviewer : "?", date);
          else
            self->review_text = g_strdup (_("Not reviewed: a second expert should accept or correct it."));
        }
    }

  gtk_label_set_label (self->answer_label, self->answer_text);
  gtk_label_set_label (self->review_label, self->review_text);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "gold.edit-answer", answer != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "gold.promote", self->image != NULL && self->promotable > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "gold.accept", answer != NULL && answer->layer_id > 0);

  if (changed)
    load_preview (self);
  gtk_widget_queue_draw (GTK_WIDGET (self->preview_area));
}

static void
selection_changed_cb (BwGoldWindow *self)
{
  if (!self->loading)
    update_detail (self);
}

/* ------------------------------------------------------------------ */
/* Actions                                                             */

static void
edit_answer_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  BwGoldWindow *self = BW_GOLD_WINDOW (widget);
  g_autoptr(GError) error = NULL;

  if (self->selected <= 0)
    return;
  if (!become_lead (self, &error))
    {
      show_error (self, error);
      return;
    }
  g_signal_emit (self, signals[EDIT_ANSWER], 0, self->selected);
}

static void
promote_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  BwGoldWindow *self = BW_GOLD_WINDOW (widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *message = NULL;

  if (self->promotable <= 0)
    return;
  if (!become_lead (self, &error) ||
      !bw_project_promote_layer_to_gold (self->project, self->promotable, self->person_id, NULL, &error))
    {
      show_error (self, error);
      return;
    }
  name = image_name (self->image);
  message = g_strdup_printf (_("The accepted answer of “%s” is its gold answer now"), name);
  toast (self, message);
  refresh (self);
}

static void
accept_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  BwGoldWindow *self = BW_GOLD_WINDOW (widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *message = NULL;

  if (self->selected <= 0)
    return;
  if (!bw_project_review_gold_answer (self->project, self->selected, self->person_id, NULL, NULL, &error))
    {
      show_error (self, error);
      return;
    }
  name = image_name (self->image);
  message = g_strdup_printf (_("The gold answer of “%s” is accepted"), name);
  toast (self, message);
  refresh (self);
}

static void
draw_sample_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  BwGoldWindow *self = BW_GOLD_WINDOW (widget);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) all = NULL;
  g_autoptr(GArray) excluded = NULL;
  g_autoptr(GArray) candidates = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) sample = NULL;
  g_autoptr(GHashTable) left_out = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autofree char *message = NULL;
  char seed_text[32];
  guint64 seed = (guint64) gtk_spin_button_get_value (self->seed_spin);
  double size = gtk_spin_button_get_value (self->size_spin);
  guint n;

  if (!(all = bw_project_list_image_ids (self->project, -1, NULL, &error)) ||
      !(excluded = bw_project_list_image_ids (self->project, BW_IMAGE_STATUS_EXCLUDED, NULL, &error)))
    {
      show_error (self, error);
      return;
    }
  for (guint i = 0; i < excluded->len; i++)
    g_hash_table_add (left_out, &g_array_index (excluded, gint64, i));
  for (guint i = 0; i < all->len; i++)
    if (!g_hash_table_contains (left_out, &g_array_index (all, gint64, i)))
      g_array_append_val (candidates, g_array_index (all, gint64, i));

  n = gtk_drop_down_get_selected (self->unit_dropdown) == 1
      ? bw_gold_sample_size (candidates->len, size)
      : (guint) MIN (size, (double) candidates->len);
  sample = bw_gold_sample ((const gint64 *) candidates->data, candidates->len, seed, n);

  g_snprintf (seed_text, sizeof seed_text, "%" G_GUINT64_FORMAT, seed);
  if (!become_lead (self, &error) ||
      !bw_project_set_setting (self->project, "gold.seed", seed_text, &error) ||
      !bw_project_set_images_gold (self->project, (const gint64 *) sample->data, sample->len, TRUE, &error))
    {
      show_error (self, error);
      return;
    }

  message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "%u image of the sample with seed %s is gold",
                                          "%u images of the sample with seed %s are gold",
                                          sample->len),
                             sample->len, seed_text);
  toast (self, message);
  gtk_toggle_button_set_active (self->gold_only_button, TRUE);
  refresh (self);
}

/* The lead's exams, made of the gold images. */
static void
exams_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  BwGoldWindow *self = BW_GOLD_WINDOW (widget);
  g_autoptr(GError) error = NULL;
  BwExamDialog *dialog;

  if (!become_lead (self, &error))
    {
      show_error (self, error);
      return;
    }
  dialog = bw_exam_dialog_new (self->project, self->person_id);
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (self));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
rate_changed_cb (BwGoldWindow *self)
{
  g_autoptr(GError) error = NULL;

  if (self->loading || self->project == NULL)
    return;
  if (!become_lead (self, &error) ||
      !bw_project_set_honeypot_rate (self->project, gtk_spin_button_get_value (self->rate_spin) / 100.0, &error))
    show_error (self, error);
}

/* ------------------------------------------------------------------ */
/* GObject                                                             */

static void
bw_gold_window_dispose (GObject *object)
{
  BwGoldWindow *self = BW_GOLD_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  if (self->project != NULL)
    g_signal_handlers_disconnect_by_data (self->project, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), BW_TYPE_GOLD_WINDOW);
  g_clear_object (&self->selection);
  g_clear_object (&self->store);
  g_clear_object (&self->project);
  g_clear_object (&self->thumbnailer);
  g_clear_object (&self->texture);

  G_OBJECT_CLASS (bw_gold_window_parent_class)->dispose (object);
}

static void
bw_gold_window_finalize (GObject *object)
{
  BwGoldWindow *self = BW_GOLD_WINDOW (object);

  g_clear_pointer (&self->answers, g_hash_table_unref);
  g_clear_pointer (&self->image, bw_image_free);
  g_clear_pointer (&self->set, bw_annotation_set_free);
  g_clear_pointer (&self->renderer, bw_annotation_renderer_free);
  g_free (self->answer_text);
  g_free (self->review_text);

  G_OBJECT_CLASS (bw_gold_window_parent_class)->finalize (object);
}

static void
bw_gold_window_class_init (BwGoldWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bw_gold_window_dispose;
  object_class->finalize = bw_gold_window_finalize;

  signals[OPEN_IMAGE] =
    g_signal_new ("open-image", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
  signals[EDIT_ANSWER] =
    g_signal_new ("edit-answer", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/boxwood/Boxwood/bw-gold-window.ui");
  gtk_widget_class_bind_template_child (widget_class, BwGoldWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, BwGoldWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, BwGoldWindow, gold_only_button);
  gtk_widget_class_bind_template_child (widget_class, BwGoldWindow, image_view);
  gtk_widget_class_bind_template_child (widget_class, BwGoldWindow, count_label);
  gtk_widget_class_bind_template_child (widget_class, BwGoldWindow, preview_area);
  gtk_widget_class_bind_template_child (widget_class, BwGoldWindow, detail_title);
  gtk_widget_class_bind_template_child (widget_class, BwGoldWindow, answer_label);
  gtk_widget_class_bind_template_child (widget_class, BwGoldWindow, review_label);
  gtk_widget_class_bind_template_child (widget_class, BwGoldWindow, size_spin);
  gtk_widget_class_bind_template_child (widget_class, BwGoldWindow, unit_dropdown);
  gtk_widget_class_bind_template_child (widget_class, BwGoldWindow, seed_spin);
  gtk_widget_class_bind_template_child (widget_class, BwGoldWindow, rate_spin);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, rate_changed_cb);

  gtk_widget_class_install_action (widget_class, "gold.edit-answer", NULL, edit_answer_action);
  gtk_widget_class_install_action (widget_class, "gold.promote", NULL, promote_action);
  gtk_widget_class_install_action (widget_class, "gold.accept", NULL, accept_action);
  gtk_widget_class_install_action (widget_class, "gold.draw-sample", NULL, draw_sample_action);
  gtk_widget_class_install_action (widget_class, "gold.exams", NULL, exams_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
bw_gold_window_init (BwGoldWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->answers = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL,
                                         (GDestroyNotify) bw_gold_answer_free);
  self->store = g_list_store_new (BW_TYPE_GOLD_ITEM);
  self->selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (self->store)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect_object (self->selection, "notify::selected",
                           G_CALLBACK (selection_changed_cb), self, G_CONNECT_SWAPPED);
  gtk_column_view_set_model (self->image_view, GTK_SELECTION_MODEL (self->selection));

  add_column (self, _("Gold"), COLUMN_GOLD, FALSE);
  add_column (self, _("Image"), COLUMN_IMAGE, TRUE);
  add_column (self, _("Answer"), COLUMN_ANSWER, FALSE);
  add_column (self, _("Review"), COLUMN_REVIEW, FALSE);

  self->thumbnailer = bw_thumbnailer_new (PREVIEW_SIZE, 8);
  self->renderer = bw_annotation_renderer_new ();
  gtk_drawing_area_set_draw_func (self->preview_area, draw_preview, self, NULL);
}

/**
 * bw_gold_window_new:
 * @person_id: who works in it: their acceptances and answers are theirs
 */
BwGoldWindow *
bw_gold_window_new (BwProject *project,
                    gint64     person_id)
{
  BwGoldWindow *self;
  g_autofree char *seed = NULL;
  g_autoptr(GPtrArray) categories = NULL;

  g_return_val_if_fail (BW_IS_PROJECT (project), NULL);

  self = g_object_new (BW_TYPE_GOLD_WINDOW, NULL);
  self->project = g_object_ref (project);
  self->person_id = person_id;

  categories = bw_project_list_categories (project, NULL);
  if (categories != NULL)
    bw_annotation_renderer_set_categories (self->renderer, categories);

  /* The last sample's seed, or a new one: shown, so it can be noted and
   * drawn again. */
  self->loading = TRUE;
  seed = bw_project_get_setting (project, "gold.seed");
  gtk_spin_button_set_value (self->seed_spin, seed != NULL ? g_ascii_strtod (seed, NULL)
                                                           : g_random_int_range (1, G_MAXINT32));
  gtk_spin_button_set_value (self->rate_spin, bw_project_get_honeypot_rate (project) * 100.0);
  self->loading = FALSE;

  g_signal_connect_object (project, "image-changed", G_CALLBACK (queue_refresh), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (project, "images-changed", G_CALLBACK (queue_refresh), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (project, "annotations-changed", G_CALLBACK (queue_refresh), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (project, "layer-changed", G_CALLBACK (queue_refresh), self, G_CONNECT_SWAPPED);
  g_signal_connect (self, "notify::is-active", G_CALLBACK (active_changed_cb), NULL);

  /* With gold images, the list starts with them. */
  load_answers (self);
  gtk_toggle_button_set_active (self->gold_only_button, g_hash_table_size (self->answers) > 0);
  refresh (self);

  return self;
}

GListModel *
bw_gold_window_get_rows (BwGoldWindow *self)
{
  g_return_val_if_fail (BW_IS_GOLD_WINDOW (self), NULL);

  return G_LIST_MODEL (self->store);
}

gint64
bw_gold_window_get_row_image (BwGoldWindow *self,
                              guint         position)
{
  g_autoptr(BwGoldItem) item = NULL;

  g_return_val_if_fail (BW_IS_GOLD_WINDOW (self), 0);

  item = g_list_model_get_item (G_LIST_MODEL (self->store), position);
  return item != NULL ? item->image_id : 0;
}

void
bw_gold_window_select_image (BwGoldWindow *self,
                             gint64        image_id)
{
  guint n;

  g_return_if_fail (BW_IS_GOLD_WINDOW (self));

  n = g_list_model_get_n_items (G_LIST_MODEL (self->store));
  for (guint i = 0; i < n; i++)
    if (bw_gold_window_get_row_image (self, i) == image_id)
      {
        gtk_single_selection_set_selected (self->selection, i);
        return;
      }
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
}

gint64
bw_gold_window_get_selected (BwGoldWindow *self)
{
  g_return_val_if_fail (BW_IS_GOLD_WINDOW (self), 0);

  return bw_gold_window_get_row_image (self, gtk_single_selection_get_selected (self->selection));
}

const char *
bw_gold_window_get_answer_text (BwGoldWindow *self)
{
  g_return_val_if_fail (BW_IS_GOLD_WINDOW (self), NULL);

  return self->answer_text;
}

const char *
bw_gold_window_get_review_text (BwGoldWindow *self)
{
  g_return_val_if_fail (BW_IS_GOLD_WINDOW (self), NULL);

  return self->review_text;
}

void
bw_gold_window_set_sample (BwGoldWindow *self,
                           double        size,
                           gboolean      percent,
                           guint64       seed)
{
  g_return_if_fail (BW_IS_GOLD_WINDOW (self));

  gtk_drop_down_set_selected (self->unit_dropdown, percent ? 1 : 0);
  gtk_spin_button_set_value (self->size_spin, size);
  gtk_spin_button_set_value (self->seed_spin, (double) seed);
}

void
bw_gold_window_set_honeypot_percent (BwGoldWindow *self,
                                     double        percent)
{
  g_return_if_fail (BW_IS_GOLD_WINDOW (self));

  gtk_spin_button_set_value (self->rate_spin, percent);
}

void
bw_gold_window_set_gold_only (BwGoldWindow *self,
                              gboolean      gold_only)
{
  g_return_if_fail (BW_IS_GOLD_WINDOW (self));

  gtk_toggle_button_set_active (self->gold_only_button, gold_only);
}
