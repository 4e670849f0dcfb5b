/* bw-model-page.c — the Quality window's page on a model's errors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Lays out bw_model_report_compute()'s report: the model's false
 * positives and negatives per category, the images it does worst on
 * (lowest F1; those below the bound are the hard examples that
 * `boxwood-cli export coco --hard-examples` writes), and whose accepted
 * work it disagrees with most, per category.
 */

#define G_LOG_DOMAIN "boxwood"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <math.h>

#include "bw-model-page.h"
#include "bw-project-quality.h"

/* Rows of each list: the worst are what a lead reads. */
#define SHOWN_IMAGES 50
#define SHOWN_HINTS  20

struct _BwModelPage
{
  GtkWidget       parent_instance;

  BwProject      *project;
  BwModelReport  *report;
  GCancellable   *cancellable;
  double          iou_threshold;
  gboolean        filling_models;

  GtkWidget      *scroller;
  GtkDropDown    *model_dropdown;
  GtkStringList  *model_names;
  GtkAdjustment  *max_f1_adjustment;
  GtkLabel       *summary_label;
  GtkGrid        *category_grid;
  GtkListBox     *images_list;
  GtkListBox     *hints_list;
};

G_DEFINE_FINAL_TYPE (BwModelPage, bw_model_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_OPEN_IMAGE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

static void
append_placeholder (GtkListBox *list,
                    const char *text)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), text);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_list_box_append (list, row);
}

static char *
format_f1 (double value)
{
  return isnan (value) ? g_strdup ("–") : g_strdup_printf ("%.3f", value);
}

static void
grid_cell (GtkGrid    *grid,
           const char *text,
           int         column,
           int         row,
           gboolean    heading)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), column == 0 ? 0.0 : 1.0);
  if (heading)
    gtk_widget_add_css_class (label, "heading");
  else if (column > 0)
    gtk_widget_add_css_class (label, "numeric");
  gtk_grid_attach (grid, label, column, row, 1, 1);
}

static void
fill_categories (BwModelPage *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->category_grid))) != NULL)
    gtk_grid_remove (self->category_grid, child);
  if (self->report == NULL)
    return;

  grid_cell (self->category_grid, _("Category"), 0, 0, TRUE);
  grid_cell (self->category_grid, _("TP"), 1, 0, TRUE);
  grid_cell (self->category_grid, _("FP"), 2, 0, TRUE);
  grid_cell (self->category_grid, _("FN"), 3, 0, TRUE);
  grid_cell (self->category_grid, _("F1"), 4, 0, TRUE);
  for (guint i = 0; i < self->report->categories->len; i++)
    {
      const BwQualityCategory *category = &g_array_index (self->report->categories, BwQualityCategory, i);
      g_autofree char *tp = g_strdup_printf ("%" PRIu64, category->counts.tp);
      g_autofree char *fp = g_strdup_printf ("%" PRIu64, category->counts.fp);
      g_autofree char *fn = g_strdup_printf ("%" PRIu64, category->counts.fn);
      g_autofree char *f1 = NULL;
      BwRate rate;

      bw_quality_counts_f1 (&category->counts, &rate);
      f1 = format_f1 (rate.value);
      grid_cell (self->category_grid, bw_model_report_category_name (self->report, category->category_id),
                 0, i + 1, FALSE);
      grid_cell (self->category_grid, tp, 1, i + 1, FALSE);
      grid_cell (self->category_grid, fp, 2, i + 1, FALSE);
      grid_cell (self->category_grid, fn, 3, i + 1, FALSE);
      grid_cell (self->category_grid, f1, 4, i + 1, FALSE);
    }
}

static void
fill_images (BwModelPage *self)
{
  double max_f1 = gtk_adjustment_get_value (self->max_f1_adjustment);
  g_autoptr(GArray) hard = NULL;
  g_autofree char *summary = NULL;
  BwRate f1;
  g_autofree char *f = NULL;
  guint shown = 0;

  clear_list (self->images_list);
  if (self->report == NULL)
    return;

  hard = bw_model_report_hard_examples (self->report, max_f1);
  bw_quality_counts_f1 (&self->report->counts, &f1);
  f = format_f1 (f1.value);
  summary = g_strdup_printf (_("Model “%s”: %" PRIu64 " images scored against their gold answer or accepted work "
                               "(%" PRIu64 " gold), F1 %s; %u hard examples below F1 %.2f. "
                               "%" PRIu64 " images with predictions have no reference answer yet."),
                             self->report->model, self->report->images_scored, self->report->gold_images,
                             f, hard->len, max_f1, self->report->unanswered_images);
  gtk_label_set_label (self->summary_label, summary);

  for (guint i = 0; i < self->report->images->len && shown < SHOWN_IMAGES; i++)
    {
      const BwModelImage *image = self->report->images->pdata[i];
      GtkWidget *row, *badge;
      g_autofree char *name = NULL, *title = NULL, *subtitle = NULL, *value = NULL;
      g_autofree char *answer = NULL;

      if (isnan (image->f1))
        break;
      row = adw_action_row_new ();
      name = g_path_get_basename (image->path);
      title = g_markup_escape_text (name, -1);
      value = format_f1 (image->f1);
      answer = image->gold ? g_strdup (_("gold answer"))
                           : g_strdup_printf (_("accepted work of %s"),
                                              bw_model_report_person_name (self->report, image->annotator_id));
      /* Translators: an image's F1 against the model, its counts, and
       * which answer it was scored against. */
      subtitle = g_strdup_printf (_("F1 %s · TP %" PRIu64 " · FP %" PRIu64 " · FN %" PRIu64 " · %s"),
                                  value, image->counts.tp, image->counts.fp, image->counts.fn, answer);
      {
        g_autofree char *escaped = g_markup_escape_text (subtitle, -1);

        adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), escaped);
      }
      if (image->f1 < max_f1)
        {
          badge = gtk_label_new (_("Hard example"));
          gtk_widget_add_css_class (badge, "warning");
          gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), badge);
        }
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      gtk_widget_set_tooltip_text (row, _("Show this image in the project window"));
      g_object_set_data_full (G_OBJECT (row), "bw-image-id",
                              g_memdup2 (&image->image_id, sizeof (gint64)), g_free);
      gtk_list_box_append (self->images_list, row);
      shown++;
    }
  if (shown == 0)
    append_placeholder (self->images_list, _("No image has both a reference answer and something to score"));
}

static void
fill_hints (BwModelPage *self)
{
  clear_list (self->hints_list);
  if (self->report == NULL)
    return;

  for (guint i = 0; i < self->report->disagreements->len && i < SHOWN_HINTS; i++)
    {
      const BwModelDisagreement *d = &g_array_index (self->report->disagreements, BwModelDisagreement, i);
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *title = NULL, *subtitle = NULL;

      /* Translators: an annotator and a category. */
      title = g_markup_printf_escaped (_("%s, %s"),
                                       bw_model_report_person_name (self->report, d->person_id),
                                       bw_model_report_category_name (self->report, d->category_id));
      /* Translators: the share of shapes the model and the annotator's
       * accepted work disagree on, its 95 % interval, and the counts. */
      subtitle = g_strdup_printf (_("disagreement %.1f %% (%.1f–%.1f) · TP %" PRIu64 " · FP %" PRIu64
                                    " · FN %" PRIu64 " · %" PRIu64 " images"),
                                  100.0 * d->rate.value, 100.0 * d->rate.lo, 100.0 * d->rate.hi,
                                  d->counts.tp, d->counts.fp, d->counts.fn, d->images);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
      gtk_list_box_append (self->hints_list, row);
    }
  if (self->report->disagreements->len == 0)
    append_placeholder (self->hints_list, _("No accepted work was scored against the model"));
}

static void
show_report (BwModelPage *self)
{
  fill_categories (self);
  fill_images (self);
  fill_hints (self);
}

static void
computed_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(BwModelPage) self = user_data;
  g_autoptr(GError) error = NULL;
  BwModelReport *report;

  report = bw_model_report_compute_finish (BW_PROJECT (source), result, &error);
  if (report == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->report, bw_model_report_free);
  self->report = report;
  show_report (self);
  if (report == NULL)
    gtk_label_set_label (self->summary_label, error->message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
compute (BwModelPage *self)
{
  BwModelReportOptions options;
  guint selected;

  if (self->project == NULL)
    return;
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  selected = gtk_drop_down_get_selected (self->model_dropdown);
  if (selected == GTK_INVALID_LIST_POSITION)
    {
      g_clear_pointer (&self->report, bw_model_report_free);
      show_report (self);
      gtk_label_set_label (self->summary_label,
                           _("No model predictions in this project. Import a model’s results "
                             "(a COCO results file, as predictions) to see where it disagrees with the answers."));
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
      return;
    }

  self->cancellable = g_cancellable_new ();
  bw_model_report_options_init (&options);
  options.iou_threshold = self->iou_threshold;
  options.model = gtk_string_list_get_string (self->model_names, selected);
  gtk_label_set_label (self->summary_label, _("Computing…"));
  bw_model_report_compute_async (self->project, &options, self->cancellable, computed_cb, g_object_ref (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/* The models of the project, keeping the one chosen when it is still there. */
static void
fill_models (BwModelPage *self)
{
  g_autoptr(GPtrArray) models = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *chosen = NULL;
  guint selected = gtk_drop_down_get_selected (self->model_dropdown);
  guint keep = 0;

  if (selected != GTK_INVALID_LIST_POSITION)
    chosen = g_strdup (gtk_string_list_get_string (self->model_names, selected));

  models = bw_project_list_models (self->project, &error);
  if (models == NULL)
    {
      g_warning ("%s", error->message);
      return;
    }

  self->filling_models = TRUE;
  g_ptr_array_add (models, NULL);
  gtk_string_list_splice (self->model_names, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->model_names)),
                          (const char * const *) models->pdata);
  for (guint i = 0; chosen != NULL && i + 1 < models->len; i++)
    if (g_strcmp0 (models->pdata[i], chosen) == 0)
      keep = i;
  gtk_drop_down_set_selected (self->model_dropdown, models->len > 1 ? keep : GTK_INVALID_LIST_POSITION);
  self->filling_models = FALSE;
}

static void
model_changed_cb (BwModelPage *self)
{
  if (!self->filling_models)
    compute (self);
}

static void
max_f1_changed_cb (BwModelPage *self)
{
  fill_images (self);
}

static void
image_activated_cb (BwModelPage   *self,
                    GtkListBoxRow *row)
{
  gint64 *id = g_object_get_data (G_OBJECT (row), "bw-image-id");

  if (id != NULL)
    g_signal_emit (self, signals[SIGNAL_OPEN_IMAGE], 0, *id);
}

static void
bw_model_page_dispose (GObject *object)
{
  BwModelPage *self = BW_MODEL_PAGE (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), BW_TYPE_MODEL_PAGE);
  g_clear_object (&self->project);

  G_OBJECT_CLASS (bw_model_page_parent_class)->dispose (object);
}

static void
bw_model_page_finalize (GObject *object)
{
  BwModelPage *self = BW_MODEL_PAGE (object);

  g_clear_pointer (&self->report, bw_model_report_free);

  G_OBJECT_CLASS (bw_model_page_parent_class)->finalize (object);
}

static void
bw_model_page_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_BUSY:
      g_value_set_boolean (value, bw_model_page_get_busy (BW_MODEL_PAGE (object)));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bw_model_page_class_init (BwModelPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bw_model_page_dispose;
  object_class->finalize = bw_model_page_finalize;
  object_class->get_property = bw_model_page_get_property;

  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * BwModelPage::open-image:
   * @image_id: an image the lead activated
   */
  signals[SIGNAL_OPEN_IMAGE] =
    g_signal_new ("open-image", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/bw-model-page.ui");
  gtk_widget_class_bind_template_child (widget_class, BwModelPage, scroller);
  gtk_widget_class_bind_template_child (widget_class, BwModelPage, model_dropdown);
  gtk_widget_class_bind_template_child (widget_class, BwModelPage, model_names);
  gtk_widget_class_bind_template_child (widget_class, BwModelPage, max_f1_adjustment);
  gtk_widget_class_bind_template_child (widget_class, BwModelPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, BwModelPage, category_grid);
  gtk_widget_class_bind_template_child (widget_class, BwModelPage, images_list);
  gtk_widget_class_bind_template_child (widget_class, BwModelPage, hints_list);
}

static void
bw_model_page_init (BwModelPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->iou_threshold = BW_MATCHING_DEFAULT_IOU_THRESHOLD;
  g_signal_connect_object (self->model_dropdown, "notify::selected",
                           G_CALLBACK (model_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->max_f1_adjustment, "value-changed",
                           G_CALLBACK (max_f1_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->images_list, "row-activated",
                           G_CALLBACK (image_activated_cb), self, G_CONNECT_SWAPPED);
}

/**
 * bw_model_page_set_project:
 *
 * Lists the project's models; bw_model_page_refresh() computes.
 */
void
bw_model_page_set_project (BwModelPage *self,
                           BwProject   *project)
{
  g_return_if_fail (BW_IS_MODEL_PAGE (self));
  g_return_if_fail (BW_IS_PROJECT (project));

  g_set_object (&self->project, project);
}

/**
 * bw_model_page_refresh:
 * @iou_threshold: τ of the matching
 *
 * Lists the models again and computes the chosen one's report.
 */
void
bw_model_page_refresh (BwModelPage *self,
                       double       iou_threshold)
{
  g_return_if_fail (BW_IS_MODEL_PAGE (self));

  self->iou_threshold = iou_threshold;
  if (self->project == NULL)
    return;
  fill_models (self);
  compute (self);
}

gboolean
bw_model_page_get_busy (BwModelPage *self)
{
  g_return_val_if_fail (BW_IS_MODEL_PAGE (self), FALSE);

  return self->cancellable != NULL;
}

const BwModelReport *
bw_model_page_get_report (BwModelPage *self)
{
  g_return_val_if_fail (BW_IS_MODEL_PAGE (self), NULL);

  return self->report;
}

void
bw_model_page_set_max_f1 (BwModelPage *self,
                          double       max_f1)
{
  g_return_if_fail (BW_IS_MODEL_PAGE (self));

  gtk_adjustment_set_value (self->max_f1_adjustment, max_f1);
}

GtkListBox *
bw_model_page_get_images_list (BwModelPage *self)
{
  g_return_val_if_fail (BW_IS_MODEL_PAGE (self), NULL);

  return self->images_list;
}

GtkListBox *
bw_model_page_get_hints_list (BwModelPage *self)
{
  g_return_val_if_fail (BW_IS_MODEL_PAGE (self), NULL);

  return self->hints_list;
}
