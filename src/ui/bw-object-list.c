/* bw-object-list.c — the list of the shapes on the image shown
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One row per shape: its category's colour and name, its kind and size,
 * an eye to hide it for a while and a button to delete it. Selecting rows
 * selects the shapes on the canvas and the other way round (the list's
 * selection model is the controller's selection). Only the rows in view
 * exist as widgets.
 */

#define G_LOG_DOMAIN "bw-object-list"

#include "config.h"

#include <glib/gi18n.h>

#include "bw-object-list.h"

struct _BwObjectList
{
  GtkBox                  parent_instance;

  BwAnnotationController *controller;
  BwObjectListModel      *model;
  GHashTable             *names;      /* gint64* category id → char* */
  GHashTable             *reasons;    /* gint64* rejection reason id → char* */
  BwLayerSession         *session;    /* weak: the one whose verdicts are shown */
  GHashTable             *rows;       /* Row*: every row set up, bound or not */
  guint                   scroll_id;

  GtkLabel               *count_label;
  GtkStack               *stack;
  GtkListView            *view;
};

G_DEFINE_FINAL_TYPE (BwObjectList, bw_object_list, GTK_TYPE_BOX)

typedef struct
{
  BwObjectList *list;
  GtkWidget    *swatch;
  GtkWidget    *name;
  GtkWidget    *detail;
  GtkWidget    *verdict;
  GtkWidget    *eye;
  GtkWidget    *remove;
  gint64        id;
  gint64        category_id;
  gulong        eye_handler;
} Row;

static void
swatch_draw (GtkDrawingArea *area,
             cairo_t        *cr,
             int             width,
             int             height,
             gpointer        user_data)
{
  Row *row = user_data;
  double rgb[3] = { 0.6, 0.6, 0.6 };

  if (row->category_id > 0)
    bw_annotation_renderer_get_category_rgb (bw_annotation_controller_get_renderer (row->list->controller),
                                             row->category_id, rgb);

  cairo_rectangle (cr, 1, 1, width - 2, height - 2);
  cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
  cairo_fill_preserve (cr);
  cairo_set_source_rgba (cr, 0, 0, 0, 0.3);
  cairo_set_line_width (cr, 1);
  cairo_stroke (cr);
}

static void
update_eye (Row      *row,
            gboolean  hidden)
{
  gtk_button_set_icon_name (GTK_BUTTON (row->eye), hidden ? "view-conceal-symbolic" : "view-reveal-symbolic");
  gtk_widget_set_tooltip_text (row->eye, hidden ? _("Show this shape") : _("Hide this shape"));
  gtk_widget_set_opacity (row->name, hidden ? 0.5 : 1.0);
}

static void
eye_toggled_cb (GtkToggleButton *button,
                Row             *row)
{
  gboolean hidden = gtk_toggle_button_get_active (button);

  update_eye (row, hidden);
  bw_annotation_controller_set_annotation_hidden (row->list->controller, row->id, hidden);
}

typedef struct
{
  BwAnnotationController *controller;
  gint64                  id;
} RemoveData;

static gboolean
remove_idle_cb (gpointer user_data)
{
  RemoveData *data = user_data;

  bw_annotation_controller_select (data->controller, &data->id, 1);
  bw_annotation_controller_delete_selection (data->controller);
  g_object_unref (data->controller);
  g_free (data);

  return G_SOURCE_REMOVE;
}

static void
remove_clicked_cb (GtkButton *button,
                   Row       *row)
{
  RemoveData *data = g_new0 (RemoveData, 1);

  /* Once the button has finished its click: the row goes with the shape. */
  data->controller = g_object_ref (row->list->controller);
  data->id = row->id;
  g_idle_add (remove_idle_cb, data);
}

/* A row goes with its widget; the list may have gone first. */
static void
row_free (gpointer data)
{
  Row *row = data;

  if (row->list != NULL)
    {
      if (row->list->rows != NULL)
        g_hash_table_remove (row->list->rows, row);
      g_object_remove_weak_pointer (G_OBJECT (row->list), (gpointer *) &row->list);
    }
  g_free (row);
}

static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              BwObjectList             *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *texts;
  Row *row = g_new0 (Row, 1);

  row->list = self;
  row->swatch = gtk_drawing_area_new ();
  gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (row->swatch), 14);
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (row->swatch), 14);
  gtk_widget_set_valign (row->swatch, GTK_ALIGN_CENTER);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (row->swatch), swatch_draw, row, NULL);

  row->name = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (row->name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (row->name), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (row->name, TRUE);

  row->detail = gtk_label_new (NULL);
  gtk_label_set_ellipsize (GTK_LABEL (row->detail), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (row->detail), 0);
  gtk_widget_add_css_class (row->detail, "dim-label");
  gtk_widget_add_css_class (row->detail, "numeric");
  gtk_widget_add_css_class (row->detail, "caption");

  row->eye = gtk_toggle_button_new ();
  gtk_widget_add_css_class (row->eye, "flat");
  gtk_widget_set_valign (row->eye, GTK_ALIGN_CENTER);
  row->eye_handler = g_signal_connect (row->eye, "toggled", G_CALLBACK (eye_toggled_cb), row);

  row->remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
  gtk_widget_add_css_class (row->remove, "flat");
  gtk_widget_set_valign (row->remove, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (row->remove, _("Delete this shape"));
  g_signal_connect (row->remove, "clicked", G_CALLBACK (remove_clicked_cb), row);

  /* A reviewer's verdict on the shape, under its kind. */
  row->verdict = gtk_label_new (NULL);
  /* The reason is what the annotator needs: on two lines in a narrow
   * panel rather than cut. */
  gtk_label_set_wrap (GTK_LABEL (row->verdict), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (row->verdict), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_lines (GTK_LABEL (row->verdict), 2);
  gtk_label_set_ellipsize (GTK_LABEL (row->verdict), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (row->verdict), 0);
  gtk_widget_add_css_class (row->verdict, "caption");
  gtk_widget_set_visible (row->verdict, FALSE);

  /* The name over its kind and size, so neither is cut in a narrow panel. */
  texts = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_hexpand (texts, TRUE);
  gtk_box_append (GTK_BOX (texts), row->name);
  gtk_box_append (GTK_BOX (texts), row->detail);
  gtk_box_append (GTK_BOX (texts), row->verdict);
  gtk_box_append (GTK_BOX (box), row->swatch);
  gtk_box_append (GTK_BOX (box), texts);
  gtk_box_append (GTK_BOX (box), row->eye);
  gtk_box_append (GTK_BOX (box), row->remove);
  g_object_set_data_full (G_OBJECT (box), "row", row, row_free);
  g_object_add_weak_pointer (G_OBJECT (self), (gpointer *) &row->list);
  g_hash_table_add (self->rows, row);
  gtk_list_item_set_child (list_item, box);
}

/* What a reviewer said of the shape: "Rejected · Box too loose" in red,
 * "Accepted", "Fixed by the reviewer"; their comment in the tooltip. */
static void
show_verdict (BwObjectList *self,
              Row          *row)
{
  const BwReview *review = self->session != NULL ? bw_layer_session_get_verdict (self->session, row->id) : NULL;
  g_autofree char *text = NULL;
  g_autofree char *tooltip = NULL;
  const char *reason;

  gtk_widget_remove_css_class (row->verdict, "error");
  gtk_widget_remove_css_class (row->verdict, "success");
  gtk_widget_remove_css_class (row->verdict, "accent");

  if (review == NULL || review->verdict == BW_VERDICT_COMMENT)
    {
      gtk_widget_set_visible (row->verdict, FALSE);
      return;
    }

  reason = review->reason_id > 0 ? g_hash_table_lookup (self->reasons, &review->reason_id) : NULL;
  switch (review->verdict)
    {
    case BW_VERDICT_REJECT:
      text = reason != NULL ? g_strdup_printf (_("Rejected · %s"), reason) : g_strdup (_("Rejected"));
      gtk_widget_add_css_class (row->verdict, "error");
      break;

    case BW_VERDICT_ACCEPT:
      text = g_strdup (_("Accepted"));
      gtk_widget_add_css_class (row->verdict, "success");
      break;

    case BW_VERDICT_FIXED:
    case BW_VERDICT_COMMENT:
    default:
      text = g_strdup (_("Fixed by the reviewer"));
      gtk_widget_add_css_class (row->verdict, "accent");
      break;
    }

  if (review->comment != NULL && review->comment[0] != '\0')
    tooltip = g_strdup_printf (_("The reviewer’s comment: %s"), review->comment);
  gtk_label_set_label (GTK_LABEL (row->verdict), text);
  gtk_widget_set_tooltip_text (row->verdict, tooltip);
  gtk_widget_set_visible (row->verdict, TRUE);
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             BwObjectList             *self)
{
  Row *row = g_object_get_data (G_OBJECT (gtk_list_item_get_child (list_item)), "row");
  BwObjectItem *item = gtk_list_item_get_item (list_item);
  const char *name;
  g_autofree char *detail = NULL;
  gboolean hidden = bw_object_item_get_hidden (item);

  row->id = bw_object_item_get_id (item);
  row->category_id = bw_object_item_get_category_id (item);

  name = g_hash_table_lookup (self->names, &row->category_id);
  gtk_label_set_label (GTK_LABEL (row->name), name != NULL ? name : _("Unknown category"));

  if (bw_object_item_get_kind (item) == BW_SHAPE_BOX)
    detail = g_strdup (_("box"));
  else if (bw_object_item_get_n_parts (item) > 1)
    /* TRANSLATORS: a polygon in 3 parts with 24 vertices in all */
    detail = g_strdup_printf (_("polygon in %u parts, %u points"),
                              bw_object_item_get_n_parts (item), bw_object_item_get_n_points (item));
  else
    detail = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "polygon, %u point", "polygon, %u points",
                                           bw_object_item_get_n_points (item)),
                              bw_object_item_get_n_points (item));
  gtk_label_set_label (GTK_LABEL (row->detail), detail);

  g_signal_handler_block (row->eye, row->eye_handler);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (row->eye), hidden);
  g_signal_handler_unblock (row->eye, row->eye_handler);
  update_eye (row, hidden);
  show_verdict (self, row);
  gtk_widget_queue_draw (row->swatch);
}

static void
load_reasons (BwObjectList *self)
{
  BwProject *project = bw_annotation_controller_get_project (self->controller);
  g_autoptr(GPtrArray) reasons = NULL;

  g_hash_table_remove_all (self->reasons);
  /* Hidden ones too: a review may still name one. */
  if (project == NULL || !(reasons = bw_project_list_rejection_reasons (project, TRUE, NULL)))
    return;
  for (guint i = 0; i < reasons->len; i++)
    {
      BwRejectionReason *reason = reasons->pdata[i];

      g_hash_table_insert (self->reasons, g_memdup2 (&reason->id, sizeof reason->id), g_strdup (reason->name));
    }
}

/* A verdict shows on the rows in view only: those are told again, not
 * the model, whose "items-changed" over every row costs a list of
 * 10,000 shapes a quarter of a second on each A. */
static void
reviews_changed_cb (BwObjectList *self)
{
  GHashTableIter iter;
  gpointer row;

  load_reasons (self);
  g_hash_table_iter_init (&iter, self->rows);
  while (g_hash_table_iter_next (&iter, &row, NULL))
    show_verdict (self, row);
}

/* The controller shows another image, so another session: its verdicts
 * are the ones shown from now on. */
static void
follow_session (BwObjectList *self)
{
  BwLayerSession *session = bw_annotation_controller_get_session (self->controller);

  if (session == self->session)
    return;
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_func (self->session, reviews_changed_cb, self);
  g_set_weak_pointer (&self->session, session);
  if (session != NULL)
    {
      g_signal_connect_object (session, "reviews-changed", G_CALLBACK (reviews_changed_cb), self,
                               G_CONNECT_SWAPPED);
      load_reasons (self);
    }
}

static void
update_count (BwObjectList *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->model));
  g_autofree char *text = g_strdup_printf ("%u", n);

  gtk_label_set_label (self->count_label, n > 0 ? text : "");
  gtk_stack_set_visible_child_name (self->stack, n > 0 ? "list" : "empty");
}

static void
categories_changed_cb (BwObjectList *self)
{
  GPtrArray *categories = bw_annotation_controller_get_categories (self->controller);

  g_hash_table_remove_all (self->names);
  for (guint i = 0; categories != NULL && i < categories->len; i++)
    {
      BwCategory *category = categories->pdata[i];

      g_hash_table_insert (self->names, g_memdup2 (&category->id, sizeof category->id),
                           g_strdup (category->name));
    }
}

/* A shape picked on the canvas is brought into view in the list, once
 * the selection has settled (a rubber band or Select All changes it many
 * times in one go): moving the list costs new rows, not worth paying for
 * each change. */
static gboolean
scroll_idle_cb (gpointer user_data)
{
  BwObjectList *self = user_data;
  GArray *selection = bw_annotation_controller_get_selection (self->controller);
  guint position;

  self->scroll_id = 0;
  if (selection->len == 0)
    return G_SOURCE_REMOVE;

  position = bw_object_list_model_find (self->model, g_array_index (selection, gint64, selection->len - 1));
  if (position != G_MAXUINT)
    gtk_widget_activate_action (GTK_WIDGET (self->view), "list.scroll-to-item", "u", position);

  return G_SOURCE_REMOVE;
}

static void
selection_changed_cb (BwObjectList *self)
{
  GArray *selection = bw_annotation_controller_get_selection (self->controller);

  /* The controller says so after it loads an image. */
  follow_session (self);

  if (selection->len == 0 || self->scroll_id != 0 || !gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;

  self->scroll_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE + 15, scroll_idle_cb, self, NULL);
}

static void
bw_object_list_dispose (GObject *object)
{
  BwObjectList *self = BW_OBJECT_LIST (object);

  g_clear_handle_id (&self->scroll_id, g_source_remove);
  if (self->view != NULL)
    gtk_list_view_set_model (self->view, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), BW_TYPE_OBJECT_LIST);
  if (self->controller != NULL)
    g_signal_handlers_disconnect_by_data (self->controller, self);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_func (self->session, reviews_changed_cb, self);
  g_clear_weak_pointer (&self->session);
  g_clear_object (&self->model);
  g_clear_object (&self->controller);
  g_clear_pointer (&self->names, g_hash_table_unref);
  g_clear_pointer (&self->reasons, g_hash_table_unref);
  g_clear_pointer (&self->rows, g_hash_table_unref);

  G_OBJECT_CLASS (bw_object_list_parent_class)->dispose (object);
}

static void
bw_object_list_class_init (BwObjectListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bw_object_list_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/bw-object-list.ui");
  gtk_widget_class_bind_template_child (widget_class, BwObjectList, count_label);
  gtk_widget_class_bind_template_child (widget_class, BwObjectList, stack);
  gtk_widget_class_bind_template_child (widget_class, BwObjectList, view);
}

static void
bw_object_list_init (BwObjectList *self)
{
  GtkListItemFactory *factory;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->names = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  self->reasons = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  self->rows = g_hash_table_new (NULL, NULL);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect_object (factory, "setup", G_CALLBACK (setup_row_cb), self, 0);
  g_signal_connect_object (factory, "bind", G_CALLBACK (bind_row_cb), self, 0);
  gtk_list_view_set_factory (self->view, factory);
  g_object_unref (factory);
}

GtkWidget *
bw_object_list_new (BwAnnotationController *controller)
{
  BwObjectList *self;

  g_return_val_if_fail (BW_IS_ANNOTATION_CONTROLLER (controller), NULL);

  self = g_object_new (BW_TYPE_OBJECT_LIST, NULL);
  self->controller = g_object_ref (controller);

  /* Names first: the model's own handler rebinds the rows after this. */
  g_signal_connect_object (controller, "categories-changed",
                           G_CALLBACK (categories_changed_cb), self, G_CONNECT_SWAPPED);
  categories_changed_cb (self);

  self->model = bw_object_list_model_new (controller);
  gtk_list_view_set_model (self->view, GTK_SELECTION_MODEL (self->model));
  g_signal_connect_object (self->model, "items-changed", G_CALLBACK (update_count), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (controller, "selection-changed",
                           G_CALLBACK (selection_changed_cb), self, G_CONNECT_SWAPPED | G_CONNECT_AFTER);
  update_count (self);
  follow_session (self);

  return GTK_WIDGET (self);
}

/* Returns: (transfer none) */
BwObjectListModel *
bw_object_list_get_model (BwObjectList *self)
{
  g_return_val_if_fail (BW_IS_OBJECT_LIST (self), NULL);
  return self->model;
}

/* Returns: (transfer none) */
GtkListView *
bw_object_list_get_view (BwObjectList *self)
{
  g_return_val_if_fail (BW_IS_OBJECT_LIST (self), NULL);
  return self->view;
}
