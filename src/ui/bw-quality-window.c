/* bw-quality-window.c — quality figures of a project, for its lead
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The figures are bw_quality_compute()'s, the same as `boxwood-cli
 * quality` prints; this window only lays them out: a sortable table per
 * annotator, per category and per pair of annotators, the confusion
 * matrix as a heat map, error kinds as bars and the pipeline's stages.
 * The charts are drawn with Cairo in the widget's own foreground colour
 * and the accent colour, so they read in light and dark styles.
 */

#define G_LOG_DOMAIN "boxwood"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <math.h>

#include "bw-compare-view.h"
#include "bw-dialog-util.h"
#include "bw-model-page.h"
#include "bw-pipeline.h"
#include "bw-project-exams.h"
#include "bw-quality-window.h"

/* BwQualityRow: one row of a table, the text shown in each column and
 * the value it sorts by. */

struct _BwQualityRow
{
  GObject  parent_instance;
  gint64   id;                  /* the annotator's or the category's */
  char    *text[BW_QUALITY_N_COLUMNS];
  double   key[BW_QUALITY_N_COLUMNS];
};

G_DEFINE_FINAL_TYPE (BwQualityRow, bw_quality_row, G_TYPE_OBJECT)

static void
bw_quality_row_finalize (GObject *object)
{
  BwQualityRow *self = BW_QUALITY_ROW (object);

  for (guint i = 0; i < BW_QUALITY_N_COLUMNS; i++)
    g_free (self->text[i]);

  G_OBJECT_CLASS (bw_quality_row_parent_class)->finalize (object);
}

static void
bw_quality_row_class_init (BwQualityRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = bw_quality_row_finalize;
}

static void
bw_quality_row_init (BwQualityRow *self)
{
}

const char *
bw_quality_row_get_text (BwQualityRow *self,
                         guint         column)
{
  g_return_val_if_fail (BW_IS_QUALITY_ROW (self), NULL);
  g_return_val_if_fail (column < BW_QUALITY_N_COLUMNS, NULL);

  return self->text[column] != NULL ? self->text[column] : "";
}

/* Returns: the annotator (on the Annotators page) or the category (on
 * the Categories page) of the row, 0 on the Agreement page */
gint64
bw_quality_row_get_id (BwQualityRow *self)
{
  g_return_val_if_fail (BW_IS_QUALITY_ROW (self), 0);

  return self->id;
}

double
bw_quality_row_get_key (BwQualityRow *self,
                        guint         column)
{
  g_return_val_if_fail (BW_IS_QUALITY_ROW (self), NAN);
  g_return_val_if_fail (column < BW_QUALITY_N_COLUMNS, NAN);

  return self->key[column];
}

static void
row_set_text (BwQualityRow *row,
              guint         column,
              char         *text,
              double        key)
{
  g_free (row->text[column]);
  row->text[column] = text;
  row->key[column] = key;
}

static void
row_set_count (BwQualityRow *row,
               guint         column,
               guint64       count)
{
  row_set_text (row, column, g_strdup_printf ("%" G_GUINT64_FORMAT, count), (double) count);
}

/* "87.3 % (81.0–92.1)": the rate and its 95 % interval; "–" when there is
 * nothing to measure. */
static void
row_set_rate (BwQualityRow *row,
              guint         column,
              const BwRate *rate)
{
  if (rate->n == 0 || isnan (rate->value))
    {
      row_set_text (row, column, g_strdup ("–"), -1.0);
      return;
    }

  /* Translators: a rate in percent and its 95 % confidence interval. */
  row_set_text (row, column,
                g_strdup_printf (_("%.1f %% (%.1f–%.1f)"),
                                 100.0 * rate->value, 100.0 * rate->lo, 100.0 * rate->hi),
                rate->value);
}

static void
row_set_iou (BwQualityRow *row,
             guint         column,
             double        iou)
{
  if (isnan (iou))
    row_set_text (row, column, g_strdup ("–"), -1.0);
  else
    row_set_text (row, column, g_strdup_printf ("%.3f", iou), iou);
}

/* The figures every table shares, from column ACCURACY on. */
static void
row_set_counts (BwQualityRow          *row,
                const BwQualityCounts *counts)
{
  BwRate rate;

  bw_quality_counts_accuracy (counts, &rate);
  row_set_rate (row, BW_QUALITY_COLUMN_ACCURACY, &rate);
  bw_quality_counts_precision (counts, &rate);
  row_set_rate (row, BW_QUALITY_COLUMN_PRECISION, &rate);
  bw_quality_counts_recall (counts, &rate);
  row_set_rate (row, BW_QUALITY_COLUMN_RECALL, &rate);
  bw_quality_counts_f1 (counts, &rate);
  row_set_rate (row, BW_QUALITY_COLUMN_F1, &rate);
  row_set_iou (row, BW_QUALITY_COLUMN_MEAN_IOU, bw_quality_counts_mean_iou (counts));
  row_set_count (row, BW_QUALITY_COLUMN_TP, counts->tp);
  row_set_count (row, BW_QUALITY_COLUMN_FP, counts->fp);
  row_set_count (row, BW_QUALITY_COLUMN_FN, counts->fn);
  row_set_count (row, BW_QUALITY_COLUMN_MISSED, counts->errors[BW_MATCH_MISSED]);
  row_set_count (row, BW_QUALITY_COLUMN_EXTRA, counts->errors[BW_MATCH_EXTRA]);
  row_set_count (row, BW_QUALITY_COLUMN_WRONG_CATEGORY, counts->errors[BW_MATCH_WRONG_CATEGORY]);
  row_set_count (row, BW_QUALITY_COLUMN_POOR_LOCALISATION, counts->errors[BW_MATCH_POOR_LOCALISATION]);
  row_set_count (row, BW_QUALITY_COLUMN_DUPLICATE, counts->errors[BW_MATCH_DUPLICATE]);
}

/* BwQualityWindow */

struct _BwQualityWindow
{
  AdwWindow        parent_instance;

  BwProject       *project;
  BwQualityReport *report;
  GCancellable    *cancellable;
  double           iou_threshold;
  guint            progress_source;
  int              progress_permille;  /* written by the computing thread */
  guint            recompute_source;
  guint            live_source;       /* others' work came in: read again */

  GListStore      *annotator_store;
  GListStore      *category_store;
  GListStore      *pair_store;
  GtkSortListModel *annotator_sorted;
  GtkSortListModel *category_sorted;
  GtkSortListModel *pair_sorted;

  GtkColumnView   *annotator_view;
  GtkColumnView   *category_view;
  GtkColumnView   *pair_view;
  GtkDrawingArea  *confusion_area;
  GtkDrawingArea  *errors_area;
  GtkDrawingArea  *pipeline_area;
  GtkDrawingArea  *throughput_area;
  GtkLabel        *pipeline_label;
  GtkLabel        *questions_label;
  GtkListBox      *certificate_list;
  GtkLabel        *stuck_label;
  GtkListBox      *stuck_list;
  GtkAdjustment   *stuck_adjustment;
  GtkRevealer     *progress_revealer;
  GtkProgressBar  *progress_bar;
  GtkLabel        *summary_label;
  GtkAdjustment   *iou_adjustment;
  BwModelPage     *model_page;

  BwPipeline      *pipeline;

  /* The images behind an annotator's figures */
  GtkWindow       *drill_window;
  GtkListBox      *drill_list;
  GtkDropDown     *drill_kind;
  GtkDropDown     *drill_category;
  GArray          *drill_category_ids;  /* gint64, as the drop-down lists them; 0: all */
  gint64           drill_person;

  /* One scored answer next to the gold answer */
  GtkWindow       *compare_window;
};

G_DEFINE_FINAL_TYPE (BwQualityWindow, bw_quality_window, ADW_TYPE_WINDOW)

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

static void compute (BwQualityWindow *self);

/* Text colour and accent colour of @widget, so charts follow the style. */
static void
get_colors (GtkWidget *widget,
            GdkRGBA   *fg,
            GdkRGBA   *accent)
{
#if GTK_CHECK_VERSION (4, 10, 0)
  gtk_widget_get_color (widget, fg);
#else
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
#endif
  /* libadwaita's default accent (blue 3); readable on light and dark. */
  gdk_rgba_parse (accent, "#3584e4");
}

static void
show_text (cairo_t    *cr,
           GtkWidget  *widget,
           const char *text,
           double      x,
           double      y,
           double      max_width,
           double      align)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (widget, text);
  int w, h;

  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_width (layout, (int) (max_width * PANGO_SCALE));
  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_move_to (cr, x + align * (max_width - w), y - h / 2.0);
  pango_cairo_show_layout (cr, layout);
  g_object_unref (layout);
}

static int
compare_ids (gconstpointer a,
             gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

/* Rows: gold categories (and "none": an extra shape); columns: what was
 * annotated (and "none": a missed shape). A cell's shade is its share of
 * the row, so a row that is all on the diagonal is a category annotators
 * get right. */
static void
draw_confusion (GtkDrawingArea *area,
                cairo_t        *cr,
                int             width,
                int             height,
                gpointer        user_data)
{
  BwQualityWindow *self = user_data;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GHashTable) seen = NULL;
  GHashTableIter iter;
  gpointer key;
  GdkRGBA fg, accent;
  double label_w = 120, top = 24, cell_w, cell_h;
  guint n;

  if (self->report == NULL || self->report->confusion->len == 0)
    return;

  get_colors (GTK_WIDGET (area), &fg, &accent);

  /* The categories that occur, in id order, then "none". */
  seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  for (guint i = 0; i < self->report->confusion->len; i++)
    {
      const BwQualityConfusion *c = &g_array_index (self->report->confusion, BwQualityConfusion, i);
      gint64 both[2] = { c->reference_id, c->annotated_id };

      for (guint k = 0; k < 2; k++)
        if (both[k] != 0 && !g_hash_table_contains (seen, &both[k]))
          g_hash_table_add (seen, g_memdup2 (&both[k], sizeof (gint64)));
    }
  ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_hash_table_iter_init (&iter, seen);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_array_append_val (ids, *(gint64 *) key);
  g_array_sort (ids, compare_ids);
  n = ids->len + 1;

  cell_w = MIN (64.0, (width - label_w) / n);
  cell_h = MIN (28.0, (height - top) / n);

  for (guint r = 0; r < n; r++)
    {
      gint64 ref = r < ids->len ? g_array_index (ids, gint64, r) : 0;
      guint64 row_total = 0;

      for (guint i = 0; i < self->report->confusion->len; i++)
        {
          const BwQualityConfusion *c = &g_array_index (self->report->confusion, BwQualityConfusion, i);

          if (c->reference_id == ref)
            row_total += c->count;
        }

      gdk_cairo_set_source_rgba (cr, &fg);
      show_text (cr, GTK_WIDGET (area),
                 ref != 0 ? bw_quality_report_category_name (self->report, ref) : _("(none)"),
                 0, top + (r + 0.5) * cell_h, label_w - 6, 1.0);

      for (guint col = 0; col < n; col++)
        {
          gint64 ann = col < ids->len ? g_array_index (ids, gint64, col) : 0;
          guint64 count = 0;
          double x = label_w + col * cell_w, y = top + r * cell_h;

          for (guint i = 0; i < self->report->confusion->len; i++)
            {
              const BwQualityConfusion *c = &g_array_index (self->report->confusion, BwQualityConfusion, i);

              if (c->reference_id == ref && c->annotated_id == ann)
                count = c->count;
            }

          cairo_rectangle (cr, x + 1, y + 1, cell_w - 2, cell_h - 2);
          if (count > 0 && row_total > 0)
            {
              cairo_set_source_rgba (cr, accent.red, accent.green, accent.blue,
                                     0.15 + 0.85 * (double) count / row_total);
              cairo_fill (cr);
            }
          else
            {
              cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.06);
              cairo_fill (cr);
            }

          if (count > 0)
            {
              g_autofree char *text = g_strdup_printf ("%" G_GUINT64_FORMAT, count);

              gdk_cairo_set_source_rgba (cr, &fg);
              show_text (cr, GTK_WIDGET (area), text, x, y + cell_h / 2, cell_w, 0.5);
            }
        }
    }

  /* Column heads: the categories' first letters would be ambiguous, so
   * the full names, ellipsized to the cell. */
  for (guint col = 0; col < n; col++)
    {
      gint64 ann = col < ids->len ? g_array_index (ids, gint64, col) : 0;

      gdk_cairo_set_source_rgba (cr, &fg);
      show_text (cr, GTK_WIDGET (area),
                 ann != 0 ? bw_quality_report_category_name (self->report, ann) : _("(none)"),
                 label_w + col * cell_w, top / 2, cell_w, 0.5);
    }
}

/* Horizontal bars with a label on the left and the count on the right. */
static void
draw_bars (GtkWidget   *widget,
           cairo_t     *cr,
           int          width,
           const char **labels,
           const gint64 *values,
           guint        n)
{
  GdkRGBA fg, accent;
  double label_w = 150, value_w = 70, bar_h = 22, max = 0;

  get_colors (widget, &fg, &accent);
  for (guint i = 0; i < n; i++)
    max = MAX (max, (double) values[i]);

  for (guint i = 0; i < n; i++)
    {
      double y = i * (bar_h + 8);
      double w = max > 0 ? (width - label_w - value_w) * values[i] / max : 0;
      g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, values[i]);

      gdk_cairo_set_source_rgba (cr, &fg);
      show_text (cr, widget, labels[i], 0, y + bar_h / 2, label_w - 8, 1.0);
      cairo_rectangle (cr, label_w, y, MAX (w, 1.0), bar_h);
      gdk_cairo_set_source_rgba (cr, &accent);
      cairo_fill (cr);
      gdk_cairo_set_source_rgba (cr, &fg);
      show_text (cr, widget, text, label_w + w + 6, y + bar_h / 2, value_w - 6, 0.0);
    }
}

static const char *
error_kind_label (BwMatchKind kind)
{
  switch (kind)
    {
    case BW_MATCH_MISSED: return _("Missed");
    case BW_MATCH_EXTRA: return _("Extra");
    case BW_MATCH_WRONG_CATEGORY: return _("Wrong category");
    case BW_MATCH_POOR_LOCALISATION: return _("Poor localisation");
    case BW_MATCH_DUPLICATE: return _("Duplicate");
    case BW_MATCH_TRUE_POSITIVE:
    default: return "";
    }
}

static void
draw_errors (GtkDrawingArea *area,
             cairo_t        *cr,
             int             width,
             int             height,
             gpointer        user_data)
{
  BwQualityWindow *self = user_data;
  const char *labels[BW_MATCH_N_KINDS - 1];
  gint64 values[BW_MATCH_N_KINDS - 1] = { 0 };

  if (self->report == NULL)
    return;

  for (guint k = BW_MATCH_MISSED; k < BW_MATCH_N_KINDS; k++)
    {
      labels[k - 1] = error_kind_label (k);
      for (guint c = 0; c < self->report->categories->len; c++)
        values[k - 1] += g_array_index (self->report->categories, BwQualityCategory, c).counts.errors[k];
    }
  draw_bars (GTK_WIDGET (area), cr, width, labels, values, G_N_ELEMENTS (values));
}

static void
draw_pipeline (GtkDrawingArea *area,
               cairo_t        *cr,
               int             width,
               int             height,
               gpointer        user_data)
{
  BwQualityWindow *self = user_data;
  const char *labels[BW_IMAGE_N_STATUS];
  gint64 values[BW_IMAGE_N_STATUS];

  if (self->pipeline == NULL)
    return;
  for (guint s = 0; s < BW_IMAGE_N_STATUS; s++)
    {
      labels[s] = bw_image_status_to_label (s);
      values[s] = self->pipeline->images_by_status[s];
    }
  draw_bars (GTK_WIDGET (area), cr, width, labels, values, BW_IMAGE_N_STATUS);
}

/* Per day: submitted, accepted and returned side by side, the backlog as
 * a line on its own scale (it is often far larger than a day's work). */
static void
draw_throughput (GtkDrawingArea *area,
                 cairo_t        *cr,
                 int             width,
                 int             height,
                 gpointer        user_data)
{
  BwQualityWindow *self = user_data;
  GtkWidget *widget = GTK_WIDGET (area);
  const char *names[] = { _("Submitted"), _("Accepted"), _("Returned"), _("Backlog") };
  /* Blue, green, red and the text colour: told apart in both styles. */
  const char *colors[] = { "#3584e4", "#2ec27e", "#e01b24", NULL };
  double top = 24, bottom = 22, left = 8, right = 8;
  double plot_h = height - top - bottom, group_w, bar_w;
  gint64 max_day = 1, max_backlog = 1;
  GArray *days;
  GdkRGBA fg, accent, color;

  if (self->pipeline == NULL || self->pipeline->days->len == 0 || plot_h <= 0)
    return;
  days = self->pipeline->days;
  get_colors (widget, &fg, &accent);

  for (guint k = 0; k < days->len; k++)
    {
      const BwPipelineDay *day = &g_array_index (days, BwPipelineDay, k);

      max_day = MAX (max_day, MAX (day->submitted, MAX (day->accepted, day->returned)));
      max_backlog = MAX (max_backlog, day->backlog);
    }

  /* The legend, along the top. */
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      double x = left + i * 130;

      if (colors[i] != NULL)
        gdk_rgba_parse (&color, colors[i]);
      else
        color = fg;
      gdk_cairo_set_source_rgba (cr, &color);
      cairo_rectangle (cr, x, 6, 12, 12);
      cairo_fill (cr);
      gdk_cairo_set_source_rgba (cr, &fg);
      show_text (cr, widget, names[i], x + 16, 12, 110, 0.0);
    }

  group_w = (width - left - right) / days->len;
  bar_w = MAX (1.0, (group_w - 6) / 3);
  for (guint k = 0; k < days->len; k++)
    {
      const BwPipelineDay *day = &g_array_index (days, BwPipelineDay, k);
      gint64 values[] = { day->submitted, day->accepted, day->returned };
      double x = left + k * group_w + 3;

      for (guint i = 0; i < G_N_ELEMENTS (values); i++)
        {
          double h = plot_h * values[i] / max_day;

          gdk_rgba_parse (&color, colors[i]);
          gdk_cairo_set_source_rgba (cr, &color);
          cairo_rectangle (cr, x + i * bar_w, top + plot_h - h, bar_w, h);
          cairo_fill (cr);
        }

      /* Every day's date would crowd a month: label about seven. */
      if (k % MAX (1u, days->len / 7) == 0 || k + 1 == days->len)
        {
          g_autofree char *date = bw_pipeline_format_date (day->start);

          gdk_cairo_set_source_rgba (cr, &fg);
          show_text (cr, widget, date + 5, left + k * group_w, height - bottom / 2,
                     MAX (group_w, 48), 0.0);
        }
    }

  /* The scales: a day's most, and the backlog's most, at the top. */
  {
    g_autofree char *day_scale = g_strdup_printf (_("%" PRId64 " a day"), max_day);
    g_autofree char *backlog_scale = g_strdup_printf (_("backlog %" PRId64), max_backlog);

    gdk_cairo_set_source_rgba (cr, &fg);
    cairo_set_line_width (cr, 1);
    cairo_move_to (cr, left, top + 0.5);
    cairo_line_to (cr, width - right, top + 0.5);
    cairo_stroke (cr);
    show_text (cr, widget, day_scale, left + 4 * 130, 12, 120, 0.0);
    show_text (cr, widget, backlog_scale, width - right - 150, 12, 150, 1.0);
  }

  cairo_set_line_width (cr, 2);
  for (guint k = 0; k < days->len; k++)
    {
      const BwPipelineDay *day = &g_array_index (days, BwPipelineDay, k);
      double x = left + (k + 0.5) * group_w;
      double y = top + plot_h - plot_h * day->backlog / max_backlog;

      if (k == 0)
        cairo_move_to (cr, x, y);
      else
        cairo_line_to (cr, x, y);
    }
  cairo_stroke (cr);
}

/* ------------------------------------------------------------------ */
/* The images behind an annotator's figures                           */

typedef struct
{
  const BwQualityImageResult *image;
  BwQualityCounts             counts;
  guint64                     key;   /* the errors of the kind shown */
} DrillItem;

static int
compare_drill_items (gconstpointer a,
                     gconstpointer b)
{
  const DrillItem *x = a, *y = b;

  if (x->key != y->key)
    return x->key > y->key ? -1 : 1;
  return x->image->image_id < y->image->image_id ? -1 : x->image->image_id > y->image->image_id;
}

static guint64
errors_of_kind (const BwQualityCounts *counts,
                guint                  kind)
{
  guint64 sum = 0;

  /* 0: every kind of error */
  if (kind != 0)
    return counts->errors[kind];
  for (guint k = BW_MATCH_MISSED; k < BW_MATCH_N_KINDS; k++)
    sum += counts->errors[k];
  return sum;
}

static void
compare_clicked_cb (GtkButton       *button,
                    BwQualityWindow *self)
{
  const gint64 *image_id = g_object_get_data (G_OBJECT (button), "bw-image-id");

  bw_quality_window_compare (self, *image_id, self->drill_person);
}

static void
fill_drill_list (BwQualityWindow *self)
{
  g_autoptr(GArray) items = g_array_new (FALSE, FALSE, sizeof (DrillItem));
  guint kind, selected;
  gint64 category_id;
  GtkWidget *child;

  if (self->drill_list == NULL)
    return;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->drill_list))) != NULL)
    gtk_list_box_remove (self->drill_list, child);
  if (self->report == NULL || self->report->images == NULL)
    return;

  kind = gtk_drop_down_get_selected (self->drill_kind);
  selected = gtk_drop_down_get_selected (self->drill_category);
  category_id = selected < self->drill_category_ids->len
                ? g_array_index (self->drill_category_ids, gint64, selected) : 0;
  for (guint i = 0; i < self->report->images->len; i++)
    {
      const BwQualityImageResult *image = self->report->images->pdata[i];

      for (guint s = 0; image->scores != NULL && s < image->scores->len; s++)
        {
          const BwQualityImageScore *score = &g_array_index (image->scores, BwQualityImageScore, s);
          DrillItem item = { image, score->counts, 0 };

          if (score->person_id != self->drill_person)
            continue;
          /* A category chosen: its figures on the image, and only the
           * images where it was drawn or should have been. */
          if (category_id != 0)
            {
              const BwQualityCategory *found = NULL;

              for (guint c = 0; score->categories != NULL && c < score->categories->len; c++)
                if (g_array_index (score->categories, BwQualityCategory, c).category_id == category_id)
                  found = &g_array_index (score->categories, BwQualityCategory, c);
              if (found == NULL)
                continue;
              item.counts = found->counts;
            }
          item.key = errors_of_kind (&item.counts, kind);
          /* A kind chosen: the images where it happened. */
          if (kind != 0 && item.key == 0)
            continue;
          g_array_append_val (items, item);
        }
    }
  g_array_sort (items, compare_drill_items);

  for (guint i = 0; i < items->len; i++)
    {
      const DrillItem *item = &g_array_index (items, DrillItem, i);
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *name = g_path_get_basename (item->image->path);
      g_autofree char *title = g_markup_escape_text (name, -1);
      g_autofree char *subtitle = NULL;

      /* Translators: the figures of one image: true positives, then each
       * kind of error. */
      subtitle = g_strdup_printf (_("TP %" PRIu64 " · missed %" PRIu64 " · extra %" PRIu64
                                    " · wrong category %" PRIu64 " · poor localisation %" PRIu64
                                    " · duplicate %" PRIu64),
                                  item->counts.tp,
                                  item->counts.errors[BW_MATCH_MISSED],
                                  item->counts.errors[BW_MATCH_EXTRA],
                                  item->counts.errors[BW_MATCH_WRONG_CATEGORY],
                                  item->counts.errors[BW_MATCH_POOR_LOCALISATION],
                                  item->counts.errors[BW_MATCH_DUPLICATE]);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      {
        GtkWidget *compare = gtk_button_new_from_icon_name ("view-dual-symbolic");

        gtk_widget_set_valign (compare, GTK_ALIGN_CENTER);
        gtk_widget_add_css_class (compare, "flat");
        gtk_widget_set_tooltip_text (compare, _("Compare this answer with the gold answer, side by side"));
        g_object_set_data_full (G_OBJECT (compare), "bw-image-id",
                                g_memdup2 (&item->image->image_id, sizeof (gint64)), g_free);
        g_signal_connect_object (compare, "clicked", G_CALLBACK (compare_clicked_cb), self, 0);
        adw_action_row_add_suffix (ADW_ACTION_ROW (row), compare);
      }
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      gtk_widget_set_tooltip_text (row, _("Show this image in the project window"));
      g_object_set_data_full (G_OBJECT (row), "bw-image-id",
                              g_memdup2 (&item->image->image_id, sizeof (gint64)), g_free);
      gtk_list_box_append (self->drill_list, row);
    }

  if (items->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     kind == 0 && category_id == 0 ? _("No gold image scored for this annotator")
                                     : kind == 0 ? _("No gold image with this category for this annotator")
                                     : _("No image with this kind of error"));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
      gtk_list_box_append (self->drill_list, row);
    }
}

static void
stuck_row_activated_cb (BwQualityWindow *self,
                        GtkListBoxRow   *row);

/* The categories of the annotator's figures, for the drop-down. */
static void
fill_drill_categories (BwQualityWindow *self)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  gint64 all = 0;

  g_array_set_size (self->drill_category_ids, 0);
  g_array_append_val (self->drill_category_ids, all);
  gtk_string_list_append (names, _("All categories"));
  for (guint i = 0; self->report != NULL && i < self->report->annotators->len; i++)
    {
      const BwQualityAnnotator *annotator = self->report->annotators->pdata[i];

      if (annotator->person_id != self->drill_person)
        continue;
      for (guint c = 0; c < annotator->categories->len; c++)
        {
          gint64 id = g_array_index (annotator->categories, BwQualityCategory, c).category_id;

          g_array_append_val (self->drill_category_ids, id);
          gtk_string_list_append (names, bw_quality_report_category_name (self->report, id));
        }
    }
  /* The list fills again on the change of selection, with the new ids. */
  gtk_drop_down_set_model (self->drill_category, G_LIST_MODEL (names));
  gtk_drop_down_set_selected (self->drill_category, 0);
}

static void
drill_window_destroyed_cb (BwQualityWindow *self)
{
  self->drill_window = NULL;
  self->drill_list = NULL;
  self->drill_kind = NULL;
  self->drill_category = NULL;
}

/**
 * bw_quality_window_show_images:
 * @person_id: an annotator of the report
 *
 * Opens (or brings back) the list of the gold images behind
 * @person_id's figures: each with its true positives and errors by
 * kind, the most errors first, filtered by a kind of error. Activating
 * an image emits "open-image".
 *
 * Returns: (transfer none): the list's window
 */
GtkWindow *
bw_quality_window_show_images (BwQualityWindow *self,
                               gint64           person_id)
{
  g_autofree char *title = NULL;
  static const char *kinds[] = {
    N_("All errors"), N_("Missed"), N_("Extra"), N_("Wrong category"),
    N_("Poor localisation"), N_("Duplicate"), NULL,
  };

  g_return_val_if_fail (BW_IS_QUALITY_WINDOW (self), NULL);

  if (self->drill_window == NULL)
    {
      g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
      GtkWidget *header = adw_header_bar_new ();
      GtkWidget *scrolled = gtk_scrolled_window_new ();
      GtkWidget *list = gtk_list_box_new ();

      for (guint i = 0; kinds[i] != NULL; i++)
        gtk_string_list_append (model, _(kinds[i]));
      self->drill_kind = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (g_steal_pointer (&model)), NULL));
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->drill_kind), _("Kind of error"));
      adw_header_bar_pack_start (ADW_HEADER_BAR (header), GTK_WIDGET (self->drill_kind));
      self->drill_category = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (gtk_string_list_new (NULL)), NULL));
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->drill_category), _("Category"));
      adw_header_bar_pack_start (ADW_HEADER_BAR (header), GTK_WIDGET (self->drill_category));
      gtk_box_append (GTK_BOX (box), header);

      gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
      gtk_widget_add_css_class (list, "boxed-list");
      gtk_widget_set_margin_start (list, 12);
      gtk_widget_set_margin_end (list, 12);
      gtk_widget_set_margin_top (list, 12);
      gtk_widget_set_margin_bottom (list, 12);
      gtk_widget_set_valign (list, GTK_ALIGN_START);
      gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), list);
      gtk_widget_set_vexpand (scrolled, TRUE);
      gtk_box_append (GTK_BOX (box), scrolled);
      self->drill_list = GTK_LIST_BOX (list);

      self->drill_window = GTK_WINDOW (adw_window_new ());
      gtk_window_set_default_size (self->drill_window, 560, 520);
      gtk_window_set_transient_for (self->drill_window, GTK_WINDOW (self));
      gtk_window_set_destroy_with_parent (self->drill_window, TRUE);
      adw_window_set_content (ADW_WINDOW (self->drill_window), box);

      g_signal_connect_object (self->drill_list, "row-activated",
                               G_CALLBACK (stuck_row_activated_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->drill_kind, "notify::selected",
                               G_CALLBACK (fill_drill_list), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->drill_category, "notify::selected",
                               G_CALLBACK (fill_drill_list), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->drill_window, "destroy",
                               G_CALLBACK (drill_window_destroyed_cb), self, G_CONNECT_SWAPPED);
    }

  self->drill_person = person_id;
  fill_drill_categories (self);
  /* Translators: the title of the list of images behind one annotator's
   * figures; %s is the annotator. */
  title = g_strdup_printf (_("Images Scored for %s"),
                           self->report != NULL ? bw_quality_report_person_name (self->report, person_id) : "");
  gtk_window_set_title (self->drill_window, title);
  fill_drill_list (self);
  gtk_window_present (self->drill_window);
  return self->drill_window;
}

static void
compare_window_destroyed_cb (BwQualityWindow *self)
{
  self->compare_window = NULL;
}

/**
 * bw_quality_window_compare:
 * @image_id: a gold image
 * @person_id: an annotator scored on it
 *
 * Opens (or brings back) a window with @person_id's answer to the gold
 * image @image_id next to its gold answer: the shapes behind the figures.
 *
 * Returns: (transfer none) (nullable): the window, or %NULL when the
 *   answers could not be read (reported in a dialog)
 */
GtkWindow *
bw_quality_window_compare (BwQualityWindow *self,
                           gint64           image_id,
                           gint64           person_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) layers = NULL;
  g_autoptr(BwImage) image = NULL;
  g_autofree char *answer_title = NULL;
  g_autofree char *name = NULL;
  gint64 layer_ids[2] = { 0, 0 };
  const char *titles[2];
  GtkWidget *view;

  g_return_val_if_fail (BW_IS_QUALITY_WINDOW (self), NULL);

  if (!(image = bw_project_get_image (self->project, image_id, &error)) ||
      !(layers = bw_project_list_layers (self->project, image_id, &error)))
    goto failed;
  /* The annotator's newest work layer is the one scored. */
  for (guint i = 0; i < layers->len; i++)
    {
      const BwLayer *layer = layers->pdata[i];

      if (layer->kind == BW_LAYER_KIND_WORK && layer->person_id == person_id && layer->id > layer_ids[0])
        layer_ids[0] = layer->id;
    }
  layer_ids[1] = bw_project_get_gold_layer (self->project, image_id, &error);
  if (error != NULL)
    goto failed;

  /* Translators: above an annotator's shapes in the comparison with the
   * gold answer; %s is the annotator. */
  answer_title = g_strdup_printf (_("%s’s answer"),
                                  self->report != NULL ? bw_quality_report_person_name (self->report, person_id) : "");
  titles[0] = answer_title;
  titles[1] = _("Gold answer");

  if (self->compare_window == NULL)
    {
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

      gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
      self->compare_window = GTK_WINDOW (adw_window_new ());
      gtk_window_set_default_size (self->compare_window, 1200, 640);
      gtk_window_set_transient_for (self->compare_window, GTK_WINDOW (self));
      gtk_window_set_destroy_with_parent (self->compare_window, TRUE);
      adw_window_set_content (ADW_WINDOW (self->compare_window), box);
      g_signal_connect_object (self->compare_window, "destroy",
                               G_CALLBACK (compare_window_destroyed_cb), self, G_CONNECT_SWAPPED);
    }

  view = gtk_widget_get_last_child (adw_window_get_content (ADW_WINDOW (self->compare_window)));
  if (!BW_IS_COMPARE_VIEW (view))
    {
      view = bw_compare_view_new (self->project);
      gtk_widget_set_margin_start (view, 12);
      gtk_widget_set_margin_end (view, 12);
      gtk_widget_set_margin_bottom (view, 12);
      gtk_box_append (GTK_BOX (adw_window_get_content (ADW_WINDOW (self->compare_window))), view);
    }
  if (!bw_compare_view_show (BW_COMPARE_VIEW (view), image_id, layer_ids, titles, 2, &error))
    goto failed;

  name = g_path_get_basename (image->path);
  gtk_window_set_title (self->compare_window, name);
  gtk_window_present (self->compare_window);
  return self->compare_window;

failed:
  bw_dialog_show_error (GTK_WINDOW (self), _("The answers cannot be compared"), error->message);
  return NULL;
}

/* Returns: (transfer none) (nullable): the list of the window that
 * bw_quality_window_show_images() opened, while it is open */
GtkListBox *
bw_quality_window_get_images_list (BwQualityWindow *self)
{
  g_return_val_if_fail (BW_IS_QUALITY_WINDOW (self), NULL);

  return self->drill_list;
}

/* Chooses the category whose figures the list shows (0 for all).
 * Returns: whether the annotator has figures in it */
gboolean
bw_quality_window_set_images_category (BwQualityWindow *self,
                                       gint64           category_id)
{
  g_return_val_if_fail (BW_IS_QUALITY_WINDOW (self), FALSE);

  if (self->drill_category == NULL)
    return FALSE;
  for (guint i = 0; i < self->drill_category_ids->len; i++)
    if (g_array_index (self->drill_category_ids, gint64, i) == category_id)
      {
        gtk_drop_down_set_selected (self->drill_category, i);
        return TRUE;
      }
  return FALSE;
}

/* Chooses the kind of error the list shows (0 for all, else a BwMatchKind). */
void
bw_quality_window_set_images_kind (BwQualityWindow *self,
                                   guint            kind)
{
  g_return_if_fail (BW_IS_QUALITY_WINDOW (self));

  if (self->drill_kind != NULL)
    gtk_drop_down_set_selected (self->drill_kind, kind);
}

static void
annotator_activated_cb (BwQualityWindow *self,
                        guint            position)
{
  g_autoptr(BwQualityRow) row = g_list_model_get_item (G_LIST_MODEL (self->annotator_sorted), position);

  if (row != NULL && row->id > 0)
    bw_quality_window_show_images (self, row->id);
}

static void
stuck_row_activated_cb (BwQualityWindow *self,
                        GtkListBoxRow   *row)
{
  const gint64 *image_id = g_object_get_data (G_OBJECT (row), "bw-image-id");

  if (image_id != NULL)
    g_signal_emit (self, signals[SIGNAL_OPEN_IMAGE], 0, *image_id);
}

static void
fill_pipeline (BwQualityWindow *self)
{
  const BwPipeline *pipeline = self->pipeline;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *backlog = NULL;
  double days_to_clear;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->stuck_list))) != NULL)
    gtk_list_box_remove (self->stuck_list, child);
  if (pipeline == NULL)
    return;

  backlog = g_strdup_printf ("%" G_GINT64_FORMAT, bw_pipeline_backlog (pipeline));
  days_to_clear = bw_pipeline_days_to_clear (pipeline);
  g_string_printf (text, _("Backlog: %s images, %.1f accepted per day over the last %u days."),
                   backlog, bw_pipeline_accepted_per_day (pipeline), pipeline->days->len - 1);
  g_string_append_c (text, ' ');
  if (bw_pipeline_backlog (pipeline) == 0)
    g_string_append (text, _("Nothing is waiting."));
  else if (isnan (days_to_clear))
    g_string_append (text, _("Nothing was accepted lately, so there is no estimate of when it clears."));
  else
    g_string_append_printf (text, _("About %.0f days to clear at that pace."), ceil (days_to_clear));
  gtk_label_set_label (self->pipeline_label, text->str);

  if (pipeline->n_stuck == 0)
    {
      g_autofree char *label = g_strdup_printf (_("No work has waited in one stage longer than %.0f hours"),
                                                (double) pipeline->stuck_after / G_TIME_SPAN_HOUR);

      gtk_label_set_label (self->stuck_label, label);
      gtk_widget_set_visible (GTK_WIDGET (self->stuck_list), FALSE);
      return;
    }
  {
    g_autofree char *count = g_strdup_printf ("%" G_GINT64_FORMAT, pipeline->n_stuck);
    g_autofree char *label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                           "Stuck: %s image waited in one stage longer than %.0f hours",
                                                           "Stuck: %s images waited in one stage longer than %.0f hours",
                                                           (unsigned long) pipeline->n_stuck),
                                              count, (double) pipeline->stuck_after / G_TIME_SPAN_HOUR);

    gtk_label_set_label (self->stuck_label, label);
  }
  gtk_widget_set_visible (GTK_WIDGET (self->stuck_list), TRUE);

  /* The longest waits first; a list of a thousand rows tells no more. */
  for (guint i = 0; i < MIN (pipeline->stuck->len, 200u); i++)
    {
      const BwPipelineStuck *stuck = pipeline->stuck->pdata[i];
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *subtitle = NULL;
      g_autofree char *title = g_markup_escape_text (stuck->path, -1);
      g_autofree char *person = g_markup_escape_text (stuck->person, -1);

      g_autofree char *wait = bw_pipeline_format_wait (pipeline->now - stuck->since);

      subtitle = g_strdup_printf (_("%s · %s for %s"), person,
                                  bw_pipeline_stage_to_label (stuck->stage), wait);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      gtk_widget_set_tooltip_text (row, _("Show this image in the project window"));
      g_object_set_data_full (G_OBJECT (row), "bw-image-id", g_memdup2 (&stuck->image_id, sizeof (gint64)), g_free);
      gtk_list_box_append (self->stuck_list, row);
    }
}

static void
fill_tables (BwQualityWindow *self)
{
  const BwQualityReport *report = self->report;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < report->annotators->len; i++)
    {
      const BwQualityAnnotator *a = report->annotators->pdata[i];
      BwQualityRow *row = g_object_new (BW_TYPE_QUALITY_ROW, NULL);

      row->id = a->person_id;
      row_set_text (row, BW_QUALITY_COLUMN_ANNOTATOR, g_strdup (a->name), i);
      row_set_count (row, BW_QUALITY_COLUMN_IMAGES, a->images);
      row_set_counts (row, &a->counts);
      g_ptr_array_add (rows, row);
    }
  g_list_store_splice (self->annotator_store, 0,
                       g_list_model_get_n_items (G_LIST_MODEL (self->annotator_store)),
                       rows->pdata, rows->len);

  g_ptr_array_set_size (rows, 0);
  for (guint i = 0; i < report->categories->len; i++)
    {
      const BwQualityCategory *c = &g_array_index (report->categories, BwQualityCategory, i);
      BwQualityRow *row = g_object_new (BW_TYPE_QUALITY_ROW, NULL);

      row->id = c->category_id;
      row_set_text (row, BW_QUALITY_COLUMN_ANNOTATOR,
                    g_strdup (bw_quality_report_category_name (report, c->category_id)), i);
      row_set_count (row, BW_QUALITY_COLUMN_IMAGES, c->counts.tp + c->counts.fn);
      row_set_counts (row, &c->counts);
      g_ptr_array_add (rows, row);
    }
  g_list_store_splice (self->category_store, 0,
                       g_list_model_get_n_items (G_LIST_MODEL (self->category_store)),
                       rows->pdata, rows->len);

  g_ptr_array_set_size (rows, 0);
  for (guint i = 0; i < report->pairs->len; i++)
    {
      const BwQualityPair *p = &g_array_index (report->pairs, BwQualityPair, i);
      BwQualityRow *row = g_object_new (BW_TYPE_QUALITY_ROW, NULL);

      /* Translators: two annotators who labelled the same images. */
      row_set_text (row, BW_QUALITY_COLUMN_ANNOTATOR,
                    g_strdup_printf (_("%s and %s"),
                                     bw_quality_report_person_name (report, p->person_a),
                                     bw_quality_report_person_name (report, p->person_b)), i);
      row_set_count (row, BW_QUALITY_COLUMN_IMAGES, p->images);
      row_set_counts (row, &p->counts);
      g_ptr_array_add (rows, row);
    }
  g_list_store_splice (self->pair_store, 0,
                       g_list_model_get_n_items (G_LIST_MODEL (self->pair_store)),
                       rows->pdata, rows->len);

  /* An open list of images follows the new figures (another τ). */
  fill_drill_list (self);
}

static void
update_summary (BwQualityWindow *self)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *gold = NULL;
  double alpha;

  if (self->report == NULL)
    return;

  gold = g_strdup_printf ("%" G_GUINT64_FORMAT, self->report->gold_images);

  if (self->report->gold_images == 0)
    g_string_append (text, _("No annotator’s work on a gold image yet: mark gold images and answer them to measure accuracy."));
  else
    g_string_append_printf (text,
                            g_dngettext (GETTEXT_PACKAGE,
                                         "Scored against %s gold image.",
                                         "Scored against %s gold images.",
                                         self->report->gold_images),
                            gold);

  alpha = bw_quality_report_mean_alpha (self->report);
  g_string_append_c (text, ' ');
  if (self->report->agreement_images == 0)
    g_string_append (text, _("No image was labelled by two or more annotators, so there is no agreement to measure."));
  else
    {
      g_autofree char *n = g_strdup_printf ("%" G_GUINT64_FORMAT, self->report->agreement_images);
      g_autofree char *flagged = g_strdup_printf ("%u", self->report->flagged->len);

      /* Translators: Krippendorff's alpha, a measure of agreement. */
      g_string_append_printf (text, _("Agreement on %s images: mean Krippendorff’s α %.3f; %s below %.2f."),
                              n, alpha, flagged, self->report->alpha_threshold);
    }
  gtk_label_set_label (self->summary_label, text->str);
}

static gboolean
progress_tick_cb (gpointer user_data)
{
  BwQualityWindow *self = user_data;

  gtk_progress_bar_set_fraction (self->progress_bar,
                                 g_atomic_int_get (&self->progress_permille) / 1000.0);
  return G_SOURCE_CONTINUE;
}

/* Runs on the computing thread: only store the figure. */
static void
progress_cb (double   fraction,
             gpointer user_data)
{
  BwQualityWindow *self = user_data;

  g_atomic_int_set (&self->progress_permille, (int) (CLAMP (fraction, 0.0, 1.0) * 1000));
}

static void
computed_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(BwQualityWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  BwQualityReport *report;

  report = bw_quality_compute_finish (BW_PROJECT (source), result, &error);
  if (report == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->progress_source, g_source_remove);
  gtk_revealer_set_reveal_child (self->progress_revealer, FALSE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);

  if (report == NULL)
    {
      gtk_label_set_label (self->summary_label, error->message);
      return;
    }

  g_clear_pointer (&self->report, bw_quality_report_free);
  self->report = report;
  fill_tables (self);
  update_summary (self);
  gtk_widget_queue_draw (GTK_WIDGET (self->confusion_area));
  gtk_widget_queue_draw (GTK_WIDGET (self->errors_area));
}

/* "Ann 3 (2 open), Bob 1" */
static void
append_question_counts (GString    *text,
                        GPtrArray  *counts,
                        const char *nameless)
{
  for (guint i = 0; i < counts->len; i++)
    {
      const BwQuestionCount *c = counts->pdata[i];
      const char *name = c->name != NULL ? c->name : nameless;

      if (i > 0)
        g_string_append (text, ", ");
      if (c->open > 0)
        /* TRANSLATORS: who (or which category), questions asked, and how many of them wait for an answer */
        g_string_append_printf (text, _("%s %" PRId64 " (%" PRId64 " open)"), name, c->asked, c->open);
      else
        g_string_append_printf (text, "%s %" PRId64, name, c->asked);
    }
}

/* Questions per annotator and per category, counted in the store. */
static void
fill_questions (BwQualityWindow *self)
{
  g_autoptr(GPtrArray) by_person = NULL;
  g_autoptr(GPtrArray) by_category = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) text = g_string_new (NULL);

  if (!bw_project_count_questions (self->project, &by_person, &by_category, &error))
    {
      gtk_label_set_label (self->questions_label, error->message);
      return;
    }
  if (by_person->len == 0)
    {
      gtk_label_set_label (self->questions_label, _("No questions asked yet."));
      return;
    }
  g_string_append (text, _("Per annotator: "));
  append_question_counts (text, by_person, _("unknown"));
  g_string_append_c (text, '\n');
  g_string_append (text, _("Per category: "));
  append_question_counts (text, by_category, _("whole images"));
  gtk_label_set_label (self->questions_label, text->str);
}

/* The pipeline reads a few indexed columns and needs no matching: quick
 * enough to read here. */
static void
compute_pipeline (BwQualityWindow *self)
{
  g_autoptr(GError) error = NULL;
  gint64 stuck_after = (gint64) (gtk_adjustment_get_value (self->stuck_adjustment) * G_TIME_SPAN_HOUR);

  g_clear_pointer (&self->pipeline, bw_pipeline_free);
  self->pipeline = bw_pipeline_compute (self->project, g_get_real_time (), BW_PIPELINE_DEFAULT_DAYS,
                                        stuck_after, &error);
  if (self->pipeline == NULL)
    gtk_label_set_label (self->pipeline_label, error->message);
  fill_pipeline (self);
  fill_questions (self);
  gtk_widget_queue_draw (GTK_WIDGET (self->pipeline_area));
  gtk_widget_queue_draw (GTK_WIDGET (self->throughput_area));
}

static char *
format_date (gint64 usec)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (usec / G_USEC_PER_SEC);

  return time != NULL ? g_date_time_format (time, "%Y-%m-%d %H:%M") : g_strdup ("–");
}

/* Each annotator's certificates, and their attempts without one: read
 * from the store as they were scored, so quick enough to read here. */
static void
fill_certificates (BwQualityWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) certificates = bw_project_list_certificates (self->project, 0, &error);
  g_autoptr(GPtrArray) attempts = certificates != NULL ? bw_project_list_exam_attempts (self->project, 0, 0, &error)
                                                       : NULL;
  GtkWidget *child;
  guint n_rows = 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->certificate_list))) != NULL)
    gtk_list_box_remove (self->certificate_list, child);
  if (attempts == NULL)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), error->message);
      gtk_list_box_append (self->certificate_list, row);
      return;
    }

  for (guint i = 0; i < certificates->len; i++)
    {
      const BwCertificate *c = certificates->pdata[i];
      g_autofree char *title = g_strdup_printf ("%s — %s", c->person, c->exam);
      g_autofree char *date = format_date (c->created_at);
      g_autofree char *version = c->guideline_version >= 0
                                 ? g_strdup_printf (_("guidelines version %" PRId64), c->guideline_version)
                                 : g_strdup (_("guidelines not versioned"));
      g_autofree char *subtitle = g_strdup_printf (_("Certified: F1 %.2f, accuracy %.2f · %s · %s%s"),
                                                   c->f1, c->accuracy, date, version,
                                                   c->current ? "" : _(" · outdated by a guideline change"));
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_list_box_append (self->certificate_list, row);
      n_rows++;
    }

  /* Who tried and has no certificate of that exam: their last attempt. */
  for (guint i = attempts->len; i-- > 0;)
    {
      const BwExamAttempt *a = attempts->pdata[i];
      gboolean later = FALSE, certified = FALSE;
      g_autofree char *title = NULL;
      g_autofree char *subtitle = NULL;
      GtkWidget *row;

      for (guint k = i + 1; k < attempts->len; k++)
        {
          const BwExamAttempt *b = attempts->pdata[k];

          later = later || (b->person_id == a->person_id && b->exam_id == a->exam_id);
        }
      for (guint k = 0; k < certificates->len; k++)
        {
          const BwCertificate *c = certificates->pdata[k];

          certified = certified || (c->person_id == a->person_id && c->exam_id == a->exam_id);
        }
      if (later || certified)
        continue;

      title = g_strdup_printf ("%s — %s", a->person, a->exam);
      if (a->finished_at > 0)
        {
          const BwExamScore *all = a->scores->len > 0 ? &g_array_index (a->scores, BwExamScore, 0) : NULL;
          const BwQualityCounts *c = all != NULL ? &all->counts : NULL;
          g_autofree char *date = format_date (a->finished_at);

          subtitle = g_strdup_printf (_("Not passed, attempt %d: F1 %.2f, accuracy %.2f · %s"), a->number,
                                      c != NULL ? bw_exam_rate_value (2 * c->tp, 2 * c->tp + c->fp + c->fn) : 0,
                                      c != NULL ? bw_exam_rate_value (c->tp, c->tp + c->fp + c->fn) : 0, date);
        }
      else
        subtitle = g_strdup_printf (_("Attempt %d under way: %u of %u images handed in"), a->number,
                                    a->n_submitted, a->n_images);
      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_list_box_append (self->certificate_list, row);
      n_rows++;
    }

  if (n_rows == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     _("Nobody has taken an exam yet; the Gold Standard window defines them (Exams…)."));
      gtk_list_box_append (self->certificate_list, row);
    }
}

static void
stuck_after_changed_cb (BwQualityWindow *self)
{
  if (self->project != NULL)
    compute_pipeline (self);
}

static void
compute (BwQualityWindow *self)
{
  BwQualityOptions options;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  bw_quality_options_init (&options);
  options.iou_threshold = self->iou_threshold;
  /* Each image's scores, for the images behind a figure. */
  options.keep_images = TRUE;

  g_atomic_int_set (&self->progress_permille, 0);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  if (self->progress_source == 0)
    self->progress_source = g_timeout_add (100, progress_tick_cb, self);
  gtk_revealer_set_reveal_child (self->progress_revealer, TRUE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);

  bw_quality_compute_async (self->project, &options, progress_cb, self,
                            self->cancellable, computed_cb, g_object_ref (self));
  bw_model_page_refresh (self->model_page, self->iou_threshold);
}

static gboolean
recompute_cb (gpointer user_data)
{
  BwQualityWindow *self = user_data;

  self->recompute_source = 0;
  compute (self);
  return G_SOURCE_REMOVE;
}

static void
iou_changed_cb (BwQualityWindow *self)
{
  double value = gtk_adjustment_get_value (self->iou_adjustment);

  if (fabs (value - self->iou_threshold) < 1e-9)
    return;
  self->iou_threshold = value;
  /* Typing or holding the arrows changes the value many times: compute
   * once it rests. */
  g_clear_handle_id (&self->recompute_source, g_source_remove);
  self->recompute_source = g_timeout_add (300, recompute_cb, self);
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  /* The pipeline does not depend on the IoU threshold: read again here
   * and on opening, not on every change of the threshold. */
  compute_pipeline (BW_QUALITY_WINDOW (widget));
  fill_certificates (BW_QUALITY_WINDOW (widget));
  compute (BW_QUALITY_WINDOW (widget));
}

static void
setup_label_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);
  guint column = GPOINTER_TO_UINT (user_data);

  gtk_label_set_xalign (GTK_LABEL (label), column == BW_QUALITY_COLUMN_ANNOTATOR ? 0.0 : 1.0);
  if (column != BW_QUALITY_COLUMN_ANNOTATOR)
    gtk_widget_add_css_class (label, "numeric");
  gtk_list_item_set_child (item, label);
}

static void
bind_label_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  BwQualityRow *row = gtk_list_item_get_item (item);

  gtk_label_set_label (GTK_LABEL (gtk_list_item_get_child (item)),
                       bw_quality_row_get_text (row, GPOINTER_TO_UINT (user_data)));
}

static int
compare_rows_cb (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  guint column = GPOINTER_TO_UINT (user_data);
  BwQualityRow *x = (BwQualityRow *) a, *y = (BwQualityRow *) b;

  if (column == BW_QUALITY_COLUMN_ANNOTATOR)
    return g_utf8_collate (bw_quality_row_get_text (x, column), bw_quality_row_get_text (y, column));
  return (x->key[column] > y->key[column]) - (x->key[column] < y->key[column]);
}

static void
add_columns (GtkColumnView     *view,
             GListStore        *store,
             GtkSortListModel **out_sorted,
             const char        *first_title,
             const char        *images_title)
{
  static const struct {
    BwQualityColumn column;
    const char     *title;
  } columns[] = {
    { BW_QUALITY_COLUMN_ANNOTATOR, NULL },
    { BW_QUALITY_COLUMN_IMAGES, NULL },
    { BW_QUALITY_COLUMN_ACCURACY, N_("Accuracy") },
    { BW_QUALITY_COLUMN_PRECISION, N_("Precision") },
    { BW_QUALITY_COLUMN_RECALL, N_("Recall") },
    { BW_QUALITY_COLUMN_F1, N_("F1") },
    { BW_QUALITY_COLUMN_MEAN_IOU, N_("Mean IoU") },
    { BW_QUALITY_COLUMN_TP, N_("TP") },
    { BW_QUALITY_COLUMN_FP, N_("FP") },
    { BW_QUALITY_COLUMN_FN, N_("FN") },
    { BW_QUALITY_COLUMN_MISSED, N_("Missed") },
    { BW_QUALITY_COLUMN_EXTRA, N_("Extra") },
    { BW_QUALITY_COLUMN_WRONG_CATEGORY, N_("Wrong category") },
    { BW_QUALITY_COLUMN_POOR_LOCALISATION, N_("Poor localisation") },
    { BW_QUALITY_COLUMN_DUPLICATE, N_("Duplicate") },
  };
  GtkSortListModel *sorted;

  sorted = gtk_sort_list_model_new (G_LIST_MODEL (g_object_ref (store)),
                                    g_object_ref (gtk_column_view_get_sorter (view)));
  gtk_column_view_set_model (view, GTK_SELECTION_MODEL (gtk_no_selection_new (g_object_ref (G_LIST_MODEL (sorted)))));
  *out_sorted = sorted;

  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      gpointer column_data = GUINT_TO_POINTER (columns[i].column);
      const char *title = columns[i].column == BW_QUALITY_COLUMN_ANNOTATOR ? first_title
                          : columns[i].column == BW_QUALITY_COLUMN_IMAGES ? images_title
                          : _(columns[i].title);
      GtkColumnViewColumn *column;

      g_signal_connect (factory, "setup", G_CALLBACK (setup_label_cb), column_data);
      g_signal_connect (factory, "bind", G_CALLBACK (bind_label_cb), column_data);
      column = gtk_column_view_column_new (title, factory);
      gtk_column_view_column_set_sorter (column,
                                         GTK_SORTER (gtk_custom_sorter_new (compare_rows_cb, column_data, NULL)));
      gtk_column_view_column_set_resizable (column, TRUE);
      if (columns[i].column == BW_QUALITY_COLUMN_ANNOTATOR)
        gtk_column_view_column_set_expand (column, TRUE);
      gtk_column_view_append_column (view, column);
      g_object_unref (column);
    }
}

static void
model_open_image_cb (BwQualityWindow *self,
                     gint64           image_id)
{
  g_signal_emit (self, signals[SIGNAL_OPEN_IMAGE], 0, image_id);
}

static void
bw_quality_window_dispose (GObject *object)
{
  BwQualityWindow *self = BW_QUALITY_WINDOW (object);

  if (self->drill_window != NULL)
    gtk_window_destroy (self->drill_window);
  if (self->compare_window != NULL)
    gtk_window_destroy (self->compare_window);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->progress_source, g_source_remove);
  g_clear_handle_id (&self->recompute_source, g_source_remove);
  g_clear_handle_id (&self->live_source, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), BW_TYPE_QUALITY_WINDOW);
  g_clear_object (&self->annotator_sorted);
  g_clear_object (&self->category_sorted);
  g_clear_object (&self->pair_sorted);
  g_clear_object (&self->annotator_store);
  g_clear_object (&self->category_store);
  g_clear_object (&self->pair_store);
  g_clear_object (&self->project);

  G_OBJECT_CLASS (bw_quality_window_parent_class)->dispose (object);
}

static void
bw_quality_window_finalize (GObject *object)
{
  BwQualityWindow *self = BW_QUALITY_WINDOW (object);

  g_clear_pointer (&self->report, bw_quality_report_free);
  g_clear_pointer (&self->pipeline, bw_pipeline_free);
  g_array_unref (self->drill_category_ids);

  G_OBJECT_CLASS (bw_quality_window_parent_class)->finalize (object);
}

static void
bw_quality_window_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  BwQualityWindow *self = BW_QUALITY_WINDOW (object);

  switch (prop_id)
    {
    case PROP_BUSY:
      g_value_set_boolean (value, bw_quality_window_get_busy (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bw_quality_window_class_init (BwQualityWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bw_quality_window_dispose;
  object_class->finalize = bw_quality_window_finalize;
  object_class->get_property = bw_quality_window_get_property;

  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * BwQualityWindow::open-image:
   * @image_id: the image behind a figure the lead activated
   *
   * Asks the project's window to show the image.
   */
  signals[SIGNAL_OPEN_IMAGE] =
    g_signal_new ("open-image", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);

  g_type_ensure (BW_TYPE_MODEL_PAGE);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/bw-quality-window.ui");
  gtk_widget_class_bind_template_child (widget_class, BwQualityWindow, annotator_view);
  gtk_widget_class_bind_template_child (widget_class, BwQualityWindow, category_view);
  gtk_widget_class_bind_template_child (widget_class, BwQualityWindow, pair_view);
  gtk_widget_class_bind_template_child (widget_class, BwQualityWindow, confusion_area);
  gtk_widget_class_bind_template_child (widget_class, BwQualityWindow, errors_area);
  gtk_widget_class_bind_template_child (widget_class, BwQualityWindow, pipeline_area);
  gtk_widget_class_bind_template_child (widget_class, BwQualityWindow, throughput_area);
  gtk_widget_class_bind_template_child (widget_class, BwQualityWindow, pipeline_label);
  gtk_widget_class_bind_template_child (widget_class, BwQualityWindow, questions_label);
  gtk_widget_class_bind_template_child (widget_class, BwQualityWindow, certificate_list);
  gtk_widget_class_bind_template_child (widget_class, BwQualityWindow, stuck_label);
  gtk_widget_class_bind_template_child (widget_class, BwQualityWindow, stuck_list);
  gtk_widget_class_bind_template_child (widget_class, BwQualityWindow, stuck_adjustment);
  gtk_widget_class_bind_template_child (widget_class, BwQualityWindow, progress_revealer);
  gtk_widget_class_bind_template_child (widget_class, BwQualityWindow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, BwQualityWindow, summary_label);
  gtk_widget_class_bind_template_child (widget_class, BwQualityWindow, iou_adjustment);
  gtk_widget_class_bind_template_child (widget_class, BwQualityWindow, model_page);

  gtk_widget_class_install_action (widget_class, "quality.refresh", NULL, refresh_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "quality.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
bw_quality_window_init (BwQualityWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->drill_category_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->iou_threshold = BW_MATCHING_DEFAULT_IOU_THRESHOLD;
  gtk_adjustment_set_value (self->iou_adjustment, self->iou_threshold);
  g_signal_connect_object (self->iou_adjustment, "value-changed",
                           G_CALLBACK (iou_changed_cb), self, G_CONNECT_SWAPPED);

  self->annotator_store = g_list_store_new (BW_TYPE_QUALITY_ROW);
  self->category_store = g_list_store_new (BW_TYPE_QUALITY_ROW);
  self->pair_store = g_list_store_new (BW_TYPE_QUALITY_ROW);
  add_columns (self->annotator_view, self->annotator_store, &self->annotator_sorted,
               _("Annotator"), _("Gold images"));
  add_columns (self->category_view, self->category_store, &self->category_sorted,
               _("Category"), _("Gold shapes"));
  add_columns (self->pair_view, self->pair_store, &self->pair_sorted,
               _("Annotators"), _("Shared images"));

  gtk_drawing_area_set_draw_func (self->confusion_area, draw_confusion, self, NULL);
  gtk_drawing_area_set_draw_func (self->errors_area, draw_errors, self, NULL);
  gtk_drawing_area_set_draw_func (self->pipeline_area, draw_pipeline, self, NULL);
  gtk_drawing_area_set_draw_func (self->throughput_area, draw_throughput, self, NULL);
  g_signal_connect_object (self->stuck_adjustment, "value-changed",
                           G_CALLBACK (stuck_after_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->stuck_list, "row-activated",
                           G_CALLBACK (stuck_row_activated_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->annotator_view, "activate",
                           G_CALLBACK (annotator_activated_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->model_page, "open-image",
                           G_CALLBACK (model_open_image_cb), self, G_CONNECT_SWAPPED);
}

static gboolean
live_refresh_cb (gpointer user_data)
{
  BwQualityWindow *self = user_data;

  self->live_source = 0;
  /* A computation under way finishes first; the next change comes back. */
  if (self->cancellable != NULL)
    {
      self->live_source = g_timeout_add (1000, live_refresh_cb, self);
      return G_SOURCE_REMOVE;
    }
  compute_pipeline (self);
  fill_certificates (self);
  compute (self);
  return G_SOURCE_REMOVE;
}

/* Work submitted or judged elsewhere (another window, a team mate
 * through the team server): the figures follow, once a burst of changes
 * rests. */
static void
changed_externally_cb (BwQualityWindow        *self,
                       const BwProjectChanges *changes)
{
  if (!changes->work_changed && changes->image_ids->len == 0)
    return;
  g_clear_handle_id (&self->live_source, g_source_remove);
  self->live_source = g_timeout_add (1000, live_refresh_cb, self);
}

/**
 * bw_quality_window_new:
 * @project: the project to measure
 *
 * Returns: (transfer full): a window that starts computing at once
 */
BwQualityWindow *
bw_quality_window_new (BwProject *project)
{
  BwQualityWindow *self;

  g_return_val_if_fail (BW_IS_PROJECT (project), NULL);

  self = g_object_new (BW_TYPE_QUALITY_WINDOW, NULL);
  self->project = g_object_ref (project);
  bw_model_page_set_project (self->model_page, project);
  g_signal_connect_object (project, "changed-externally", G_CALLBACK (changed_externally_cb), self,
                           G_CONNECT_SWAPPED | G_CONNECT_AFTER);
  compute_pipeline (self);
  fill_certificates (self);
  compute (self);

  return self;
}

gboolean
bw_quality_window_get_busy (BwQualityWindow *self)
{
  g_return_val_if_fail (BW_IS_QUALITY_WINDOW (self), FALSE);

  return self->cancellable != NULL;
}

void
bw_quality_window_set_iou_threshold (BwQualityWindow *self,
                                     double           threshold)
{
  g_return_if_fail (BW_IS_QUALITY_WINDOW (self));

  gtk_adjustment_set_value (self->iou_adjustment, threshold);
}

const BwQualityReport *
bw_quality_window_get_report (BwQualityWindow *self)
{
  g_return_val_if_fail (BW_IS_QUALITY_WINDOW (self), NULL);

  return self->report;
}

GListModel *
bw_quality_window_get_annotator_rows (BwQualityWindow *self)
{
  g_return_val_if_fail (BW_IS_QUALITY_WINDOW (self), NULL);

  return G_LIST_MODEL (self->annotator_sorted);
}

GListModel *
bw_quality_window_get_category_rows (BwQualityWindow *self)
{
  g_return_val_if_fail (BW_IS_QUALITY_WINDOW (self), NULL);

  return G_LIST_MODEL (self->category_sorted);
}

GListModel *
bw_quality_window_get_pair_rows (BwQualityWindow *self)
{
  g_return_val_if_fail (BW_IS_QUALITY_WINDOW (self), NULL);

  return G_LIST_MODEL (self->pair_sorted);
}

/* The Model page: a model's errors. */
BwModelPage *
bw_quality_window_get_model_page (BwQualityWindow *self)
{
  g_return_val_if_fail (BW_IS_QUALITY_WINDOW (self), NULL);

  return self->model_page;
}

const BwPipeline *
bw_quality_window_get_pipeline (BwQualityWindow *self)
{
  g_return_val_if_fail (BW_IS_QUALITY_WINDOW (self), NULL);

  return self->pipeline;
}

void
bw_quality_window_set_stuck_after (BwQualityWindow *self,
                                   double           hours)
{
  g_return_if_fail (BW_IS_QUALITY_WINDOW (self));

  gtk_adjustment_set_value (self->stuck_adjustment, hours);
}
