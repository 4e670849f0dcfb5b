/* bw-review-queue.c — the submitted work waiting for a reviewer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The side panel of review mode: the project's review queue
 * (bw_project_list_review_queue()), oldest submission first, one row per
 * submitted layer: the image, whose it is, when it was submitted, how
 * many shapes, and whether a random audit drew it. Two drop-downs filter
 * it by annotator (those with work in the queue) and by category.
 * Choosing a row emits "item-selected"; the window opens that layer.
 */

#define G_LOG_DOMAIN "bw-review-queue"

#include "config.h"

#include <glib/gi18n.h>

#include "bw-review-queue.h"

/* One row of the list: a queue item in a GObject, as list models need. */
#define BW_TYPE_REVIEW_QUEUE_ROW (bw_review_queue_row_get_type ())
G_DECLARE_FINAL_TYPE (BwReviewQueueRow, bw_review_queue_row, BW, REVIEW_QUEUE_ROW, GObject)

struct _BwReviewQueueRow
{
  GObject            parent_instance;
  BwReviewQueueItem *item;
};

G_DEFINE_FINAL_TYPE (BwReviewQueueRow, bw_review_queue_row, G_TYPE_OBJECT)

static void
bw_review_queue_row_finalize (GObject *object)
{
  g_clear_pointer (&BW_REVIEW_QUEUE_ROW (object)->item, bw_review_queue_item_free);

  G_OBJECT_CLASS (bw_review_queue_row_parent_class)->finalize (object);
}

static void
bw_review_queue_row_class_init (BwReviewQueueRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = bw_review_queue_row_finalize;
}

static void
bw_review_queue_row_init (BwReviewQueueRow *self)
{
}

struct _BwReviewQueue
{
  GtkBox              parent_instance;

  BwProject          *project;
  GListStore         *store;
  GtkSingleSelection *selection;
  GArray             *annotator_ids;   /* gint64, the drop-down's order; 0 first */
  GArray             *category_ids;    /* gint64, the drop-down's order; 0 first */
  gboolean            quiet;           /* a change of ours, not the user's */
  gint64              current;         /* the layer last chosen, selected
                                        * again when a filter lets it back */

  GtkDropDown        *annotator_filter;
  GtkDropDown        *category_filter;
  GtkLabel           *count_label;
  GtkStack           *stack;
  GtkListView        *view;
};

G_DEFINE_FINAL_TYPE (BwReviewQueue, bw_review_queue, GTK_TYPE_BOX)

enum {
  ITEM_SELECTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  GtkLabel *title;
  GtkLabel *audit;
  GtkLabel *detail;
} RowWidgets;

static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  RowWidgets *row = g_new0 (RowWidgets, 1);

  row->title = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (row->title, 0);
  gtk_label_set_ellipsize (row->title, PANGO_ELLIPSIZE_MIDDLE);
  gtk_widget_set_hexpand (GTK_WIDGET (row->title), TRUE);
  row->audit = GTK_LABEL (gtk_label_new (_("Audit")));
  gtk_widget_set_tooltip_text (GTK_WIDGET (row->audit), _("Drawn for review by a random audit"));
  gtk_widget_add_css_class (GTK_WIDGET (row->audit), "bw-audit-tag");
  row->detail = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (row->detail, 0);
  gtk_label_set_ellipsize (row->detail, PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (GTK_WIDGET (row->detail), "dim-label");
  gtk_widget_add_css_class (GTK_WIDGET (row->detail), "caption");

  gtk_box_append (GTK_BOX (top), GTK_WIDGET (row->title));
  gtk_box_append (GTK_BOX (top), GTK_WIDGET (row->audit));
  gtk_box_append (GTK_BOX (box), top);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (row->detail));
  gtk_widget_set_margin_top (box, 3);
  gtk_widget_set_margin_bottom (box, 3);

  g_object_set_data_full (G_OBJECT (list_item), "row", row, g_free);
  gtk_list_item_set_child (list_item, box);
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             gpointer                  user_data)
{
  RowWidgets *row = g_object_get_data (G_OBJECT (list_item), "row");
  BwReviewQueueRow *queue_row = gtk_list_item_get_item (list_item);
  const BwReviewQueueItem *item = queue_row->item;
  g_autofree char *name = g_path_get_basename (item->image_path);
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (item->submitted_at / G_USEC_PER_SEC);
  g_autofree char *time = when != NULL ? g_date_time_format (when, "%Y-%m-%d %H:%M") : g_strdup ("");
  g_autofree char *shapes = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u shape", "%u shapes",
                                                          item->n_annotations),
                                             item->n_annotations);
  g_autofree char *detail = NULL;

  if (item->submission > 1)
    {
      /* TRANSLATORS: an annotator's name, when they submitted, how many
       * shapes, and which submission of the image this is */
      detail = g_strdup_printf (_("%s · %s · %s · submission %d"), item->annotator ? item->annotator : "",
                                time, shapes, item->submission);
    }
  else
    {
      /* TRANSLATORS: an annotator's name, when they submitted, how many shapes */
      detail = g_strdup_printf (_("%s · %s · %s"), item->annotator ? item->annotator : "", time, shapes);
    }

  gtk_label_set_label (row->title, name);
  gtk_widget_set_tooltip_text (GTK_WIDGET (row->title), item->image_path);
  gtk_widget_set_visible (GTK_WIDGET (row->audit), item->audited);
  gtk_label_set_label (row->detail, detail);
}

static void
selected_cb (BwReviewQueue *self)
{
  BwReviewQueueRow *row = gtk_single_selection_get_selected_item (self->selection);

  if (self->quiet || row == NULL)
    return;

  self->current = row->item->layer_id;
  g_signal_emit (self, signals[ITEM_SELECTED], 0, row->item->layer_id, row->item->image_id);
}

static void
fill_filters (BwReviewQueue *self,
              GPtrArray     *everyone)
{
  g_autoptr(GtkStringList) annotators = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) categories = gtk_string_list_new (NULL);
  g_autoptr(GPtrArray) list = NULL;
  gint64 annotator_id = 0, category_id = 0;
  guint annotator_pos = 0, category_pos = 0;
  guint pos;

  pos = gtk_drop_down_get_selected (self->annotator_filter);
  if (pos != GTK_INVALID_LIST_POSITION && pos < self->annotator_ids->len)
    annotator_id = g_array_index (self->annotator_ids, gint64, pos);
  pos = gtk_drop_down_get_selected (self->category_filter);
  if (pos != GTK_INVALID_LIST_POSITION && pos < self->category_ids->len)
    category_id = g_array_index (self->category_ids, gint64, pos);

  g_array_set_size (self->annotator_ids, 0);
  g_array_set_size (self->category_ids, 0);

  gtk_string_list_append (annotators, _("Every annotator"));
  g_array_append_val (self->annotator_ids, (gint64) { 0 });
  for (guint i = 0; everyone != NULL && i < everyone->len; i++)
    {
      const BwReviewQueueItem *item = everyone->pdata[i];
      gboolean seen = FALSE;

      for (guint k = 0; k < self->annotator_ids->len && !seen; k++)
        seen = g_array_index (self->annotator_ids, gint64, k) == item->annotator_id;
      if (seen)
        continue;
      if (item->annotator_id == annotator_id)
        annotator_pos = self->annotator_ids->len;
      g_array_append_val (self->annotator_ids, item->annotator_id);
      gtk_string_list_append (annotators, item->annotator ? item->annotator : "");
    }
  /* A filter on someone with nothing left still shows, as selected. */
  if (annotator_id != 0 && annotator_pos == 0)
    annotator_id = 0;

  gtk_string_list_append (categories, _("Every category"));
  g_array_append_val (self->category_ids, (gint64) { 0 });
  if (self->project != NULL && (list = bw_project_list_categories (self->project, NULL)) != NULL)
    for (guint i = 0; i < list->len; i++)
      {
        const BwCategory *c = list->pdata[i];

        if (c->id == category_id)
          category_pos = self->category_ids->len;
        g_array_append_val (self->category_ids, c->id);
        gtk_string_list_append (categories, c->name);
      }

  self->quiet = TRUE;
  gtk_drop_down_set_model (self->annotator_filter, G_LIST_MODEL (annotators));
  gtk_drop_down_set_selected (self->annotator_filter, annotator_pos);
  gtk_drop_down_set_model (self->category_filter, G_LIST_MODEL (categories));
  gtk_drop_down_set_selected (self->category_filter, category_pos);
  self->quiet = FALSE;
}

static gint64
filter_id (GtkDropDown *drop_down,
           GArray      *ids)
{
  guint pos = gtk_drop_down_get_selected (drop_down);

  return pos != GTK_INVALID_LIST_POSITION && pos < ids->len ? g_array_index (ids, gint64, pos) : 0;
}

/* Reads the queue again with the filters; the selected layer stays
 * selected while it is in the queue, without "item-selected". */
static void
reload (BwReviewQueue *self,
        gboolean       filters_too)
{
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GPtrArray) everyone = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *count = NULL;
  gint64 selected = self->current;
  gint64 annotator_id, category_id;
  guint keep = GTK_INVALID_LIST_POSITION;

  if (self->project != NULL && filters_too)
    {
      everyone = bw_project_list_review_queue (self->project, 0, 0, &error);
      if (everyone == NULL)
        g_warning ("Cannot read the review queue: %s", error->message);
      g_clear_error (&error);
      fill_filters (self, everyone);
    }

  annotator_id = filter_id (self->annotator_filter, self->annotator_ids);
  category_id = filter_id (self->category_filter, self->category_ids);
  if (self->project != NULL)
    {
      if (everyone != NULL && annotator_id == 0 && category_id == 0)
        items = g_ptr_array_ref (everyone);
      else if (!(items = bw_project_list_review_queue (self->project, annotator_id, category_id, &error)))
        g_warning ("Cannot read the review queue: %s", error->message);
    }

  self->quiet = TRUE;
  g_list_store_remove_all (self->store);
  for (guint i = 0; items != NULL && i < items->len; i++)
    {
      BwReviewQueueRow *row = g_object_new (BW_TYPE_REVIEW_QUEUE_ROW, NULL);

      row->item = bw_review_queue_item_copy (items->pdata[i]);
      if (row->item->layer_id == selected)
        keep = i;
      g_list_store_append (self->store, row);
      g_object_unref (row);
    }
  gtk_single_selection_set_selected (self->selection, keep);
  self->quiet = FALSE;

  count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u image waiting", "%u images waiting",
                                        g_list_model_get_n_items (G_LIST_MODEL (self->store))),
                           g_list_model_get_n_items (G_LIST_MODEL (self->store)));
  gtk_label_set_label (self->count_label, count);
  gtk_stack_set_visible_child_name (self->stack,
                                    g_list_model_get_n_items (G_LIST_MODEL (self->store)) > 0 ? "list" : "empty");
}

static void
filter_changed_cb (BwReviewQueue *self)
{
  if (!self->quiet)
    reload (self, FALSE);
}

GtkWidget *
bw_review_queue_new (void)
{
  return g_object_new (BW_TYPE_REVIEW_QUEUE, NULL);
}

void
bw_review_queue_set_project (BwReviewQueue *self,
                             BwProject     *project)
{
  g_return_if_fail (BW_IS_REVIEW_QUEUE (self));

  if (!g_set_object (&self->project, project))
    return;

  self->current = 0;
  self->quiet = TRUE;
  gtk_drop_down_set_selected (self->annotator_filter, 0);
  gtk_drop_down_set_selected (self->category_filter, 0);
  self->quiet = FALSE;
  reload (self, TRUE);
}

/**
 * bw_review_queue_refresh:
 *
 * Reads the queue (and the annotators and categories of its filters)
 * again: after a verdict on a layer, or on entering review mode.
 */
void
bw_review_queue_refresh (BwReviewQueue *self)
{
  g_return_if_fail (BW_IS_REVIEW_QUEUE (self));

  reload (self, TRUE);
}

guint
bw_review_queue_get_n_items (BwReviewQueue *self)
{
  g_return_val_if_fail (BW_IS_REVIEW_QUEUE (self), 0);

  return g_list_model_get_n_items (G_LIST_MODEL (self->store));
}

/* Returns: (transfer none) (nullable): the item at @position */
const BwReviewQueueItem *
bw_review_queue_get_item (BwReviewQueue *self,
                          guint          position)
{
  g_autoptr(BwReviewQueueRow) row = NULL;

  g_return_val_if_fail (BW_IS_REVIEW_QUEUE (self), NULL);

  row = g_list_model_get_item (G_LIST_MODEL (self->store), position);
  /* The store keeps the row, and so its item, alive. */
  return row != NULL ? row->item : NULL;
}

/**
 * bw_review_queue_select:
 *
 * Selects the row at @position, as a click would (emits "item-selected").
 *
 * Returns: whether there is such a row
 */
gboolean
bw_review_queue_select (BwReviewQueue *self,
                        guint          position)
{
  g_return_val_if_fail (BW_IS_REVIEW_QUEUE (self), FALSE);

  if (position >= g_list_model_get_n_items (G_LIST_MODEL (self->store)))
    return FALSE;

  if (gtk_single_selection_get_selected (self->selection) == position)
    selected_cb (self);
  else
    gtk_single_selection_set_selected (self->selection, position);
  gtk_widget_activate_action (GTK_WIDGET (self->view), "list.scroll-to-item", "u", position);

  return TRUE;
}

gint64
bw_review_queue_get_selected_layer (BwReviewQueue *self)
{
  BwReviewQueueRow *row;

  g_return_val_if_fail (BW_IS_REVIEW_QUEUE (self), 0);

  row = gtk_single_selection_get_selected_item (self->selection);
  return row != NULL ? row->item->layer_id : 0;
}

/**
 * bw_review_queue_set_filter:
 * @annotator_id: only this annotator's work, or 0
 * @category_id: only images with this category, or 0
 *
 * Sets the drop-downs as a user would.
 */
void
bw_review_queue_set_filter (BwReviewQueue *self,
                            gint64         annotator_id,
                            gint64         category_id)
{
  g_return_if_fail (BW_IS_REVIEW_QUEUE (self));

  self->quiet = TRUE;
  for (guint i = 0; i < self->annotator_ids->len; i++)
    if (g_array_index (self->annotator_ids, gint64, i) == annotator_id)
      gtk_drop_down_set_selected (self->annotator_filter, i);
  for (guint i = 0; i < self->category_ids->len; i++)
    if (g_array_index (self->category_ids, gint64, i) == category_id)
      gtk_drop_down_set_selected (self->category_filter, i);
  self->quiet = FALSE;
  reload (self, FALSE);
}

GtkListView *
bw_review_queue_get_view (BwReviewQueue *self)
{
  g_return_val_if_fail (BW_IS_REVIEW_QUEUE (self), NULL);

  return self->view;
}

static void
bw_review_queue_dispose (GObject *object)
{
  BwReviewQueue *self = BW_REVIEW_QUEUE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), BW_TYPE_REVIEW_QUEUE);
  g_clear_object (&self->selection);
  g_clear_object (&self->store);
  g_clear_object (&self->project);

  G_OBJECT_CLASS (bw_review_queue_parent_class)->dispose (object);
}

static void
bw_review_queue_finalize (GObject *object)
{
  BwReviewQueue *self = BW_REVIEW_QUEUE (object);

  g_array_unref (self->annotator_ids);
  g_array_unref (self->category_ids);

  G_OBJECT_CLASS (bw_review_queue_parent_class)->finalize (object);
}

static void
bw_review_queue_class_init (BwReviewQueueClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bw_review_queue_dispose;
  object_class->finalize = bw_review_queue_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/boxwood/Boxwood/bw-review-queue.ui");
  gtk_widget_class_bind_template_child (widget_class, BwReviewQueue, annotator_filter);
  gtk_widget_class_bind_template_child (widget_class, BwReviewQueue, category_filter);
  gtk_widget_class_bind_template_child (widget_class, BwReviewQueue, count_label);
  gtk_widget_class_bind_template_child (widget_class, BwReviewQueue, stack);
  gtk_widget_class_bind_template_child (widget_class, BwReviewQueue, view);

  signals[ITEM_SELECTED] =
    g_signal_new ("item-selected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_INT64);
}

static void
bw_review_queue_init (BwReviewQueue *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  self->annotator_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->category_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->store = g_list_store_new (BW_TYPE_REVIEW_QUEUE_ROW);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->store)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);

  g_signal_connect (factory, "setup", G_CALLBACK (setup_row_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row_cb), NULL);
  gtk_list_view_set_factory (self->view, factory);
  gtk_list_view_set_model (self->view, GTK_SELECTION_MODEL (self->selection));

  g_signal_connect_object (self->selection, "notify::selected", G_CALLBACK (selected_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->annotator_filter, "notify::selected", G_CALLBACK (filter_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->category_filter, "notify::selected", G_CALLBACK (filter_changed_cb), self,
                           G_CONNECT_SWAPPED);

  reload (self, TRUE);
}
