/* bw-calibration-window.c — calibration rounds, for the lead's meeting
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The figures are bw_calibration_compute()'s, the same as `boxwood-cli
 * calibration list|report` prints. The disagreement view is a BwCanvas
 * with an overlay that draws every answer of the round on the image, one
 * colour per person (the round's people in id order), so that a team
 * sees at a glance who drew what.
 */

#define G_LOG_DOMAIN "boxwood"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <math.h>

#include "bw-calibration-window.h"
#include "bw-canvas.h"
#include "bw-dialog-util.h"

/* Told apart by hue and by lightness, on light and dark images alike
 * (GNOME's palette: red, blue, green, orange, purple, yellow, brown,
 * teal). More people than colours cycle. */
static const char *person_colors[] = {
  "#e01b24", "#1c71d8", "#2ec27e", "#ff7800", "#9141ac", "#f5c211", "#865e3c", "#00b4b4",
};

struct _BwCalibrationWindow
{
  AdwWindow       parent_instance;

  BwProject      *project;
  gint64          lead_id;
  GPtrArray      *reports;        /* BwCalibrationReport, oldest first */
  GCancellable   *cancellable;
  gint64          selected_round;
  gint64          image_id;
  GPtrArray      *shapes;         /* BwCalibrationShape of the image shown */
  GHashTable     *hidden;         /* person ids not drawn */
  gboolean        filling;

  GtkMenuButton  *start_button;
  GtkPopover     *start_popover;
  GtkEntry       *name_entry;
  GtkAdjustment  *images_adjustment;
  AdwToastOverlay *toast_overlay;
  GtkGrid        *compare_grid;
  GtkDropDown    *round_dropdown;
  GtkStringList  *round_names;
  GtkLabel       *summary_label;
  GtkGrid        *category_grid;
  GtkListBox     *images_list;
  GtkBox         *legend_box;
  BwCanvas       *canvas;
  GtkLabel       *image_label;
};

G_DEFINE_FINAL_TYPE (BwCalibrationWindow, bw_calibration_window, ADW_TYPE_WINDOW)

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

static void show_round (BwCalibrationWindow *self);

const char *
bw_calibration_person_color (guint index)
{
  return person_colors[index % G_N_ELEMENTS (person_colors)];
}

static char *
format_alpha (double value)
{
  return isnan (value) ? g_strdup ("–") : g_strdup_printf ("%.2f", value);
}

static const BwCalibrationReport *
selected_report (BwCalibrationWindow *self)
{
  for (guint i = 0; self->reports != NULL && i < self->reports->len; i++)
    {
      const BwCalibrationReport *report = self->reports->pdata[i];

      if (report->round.id == self->selected_round)
        return report;
    }
  return NULL;
}

/* The index of @person_id among the round's people, which picks their
 * colour; -1 when not one of them. */
static int
person_index (const BwCalibrationReport *report,
              gint64                     person_id)
{
  for (guint i = 0; report != NULL && i < report->people->len; i++)
    if (g_array_index (report->people, gint64, i) == person_id)
      return (int) i;
  return -1;
}

static void
clear_grid (GtkGrid *grid)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (grid))) != NULL)
    gtk_grid_remove (grid, child);
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
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  if (heading)
    gtk_widget_add_css_class (label, "heading");
  else if (column > 0)
    gtk_widget_add_css_class (label, "numeric");
  gtk_grid_attach (grid, label, column, row, 1, 1);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_utf8_collate (*(const char * const *) a, *(const char * const *) b);
}

/* Rows: every category of any round; columns: the rounds, oldest first. */
static void
fill_comparison (BwCalibrationWindow *self)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  clear_grid (self->compare_grid);
  if (self->reports == NULL || self->reports->len == 0)
    {
      grid_cell (self->compare_grid, _("No calibration round yet: Start Round… draws one."), 0, 0, FALSE);
      return;
    }

  for (guint r = 0; r < self->reports->len; r++)
    {
      const BwCalibrationReport *report = self->reports->pdata[r];

      for (guint c = 0; c < report->categories->len; c++)
        {
          const char *name = bw_calibration_report_category_name (report,
                                                                 g_array_index (report->categories,
                                                                                BwCalibrationCategory, c).category_id);

          if (!g_hash_table_contains (seen, name))
            {
              g_hash_table_add (seen, (gpointer) name);
              g_ptr_array_add (names, (gpointer) name);
            }
        }
      grid_cell (self->compare_grid, report->round.name, (int) r + 1, 0, TRUE);
    }
  g_ptr_array_sort (names, compare_names);

  grid_cell (self->compare_grid, _("Category"), 0, 0, TRUE);
  for (guint n = 0; n < names->len; n++)
    {
      grid_cell (self->compare_grid, names->pdata[n], 0, (int) n + 1, FALSE);
      for (guint r = 0; r < self->reports->len; r++)
        {
          const BwCalibrationReport *report = self->reports->pdata[r];
          g_autofree char *text = NULL;
          double alpha = NAN;

          for (guint c = 0; c < report->categories->len; c++)
            {
              const BwCalibrationCategory *category = &g_array_index (report->categories, BwCalibrationCategory, c);

              if (g_strcmp0 (bw_calibration_report_category_name (report, category->category_id),
                             names->pdata[n]) == 0)
                alpha = category->alpha;
            }
          text = format_alpha (alpha);
          grid_cell (self->compare_grid, text, (int) r + 1, (int) n + 1, FALSE);
        }
    }
  {
    guint row = names->len + 1;

    grid_cell (self->compare_grid, _("All"), 0, (int) row, TRUE);
    for (guint r = 0; r < self->reports->len; r++)
      {
        g_autofree char *text = format_alpha (((BwCalibrationReport *) self->reports->pdata[r])->alpha);

        grid_cell (self->compare_grid, text, (int) r + 1, (int) row, TRUE);
      }
  }
}

static void
fill_rounds (BwCalibrationWindow *self)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  guint keep = GTK_INVALID_LIST_POSITION;

  for (guint r = 0; self->reports != NULL && r < self->reports->len; r++)
    {
      const BwCalibrationReport *report = self->reports->pdata[r];

      g_ptr_array_add (names, report->round.name);
      if (report->round.id == self->selected_round)
        keep = r;
    }
  /* The newest round, unless one was chosen. */
  if (keep == GTK_INVALID_LIST_POSITION && names->len > 0)
    keep = names->len - 1;
  g_ptr_array_add (names, NULL);

  self->filling = TRUE;
  gtk_string_list_splice (self->round_names, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->round_names)),
                          (const char * const *) names->pdata);
  gtk_drop_down_set_selected (self->round_dropdown, keep);
  self->filling = FALSE;
  self->selected_round = keep != GTK_INVALID_LIST_POSITION
                         ? ((BwCalibrationReport *) self->reports->pdata[keep])->round.id : 0;
}

static void
fill_legend (BwCalibrationWindow *self);

static void
overlay_cb (BwCanvas *canvas,
            cairo_t  *cr,
            int       width,
            int       height,
            gpointer  user_data)
{
  BwCalibrationWindow *self = user_data;
  const BwCalibrationReport *report = selected_report (self);
  double scale, ox, oy;

  if (self->shapes == NULL || report == NULL)
    return;

  bw_canvas_get_view (canvas, &scale, &ox, &oy);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  for (guint i = 0; i < self->shapes->len; i++)
    {
      const BwCalibrationShape *item = self->shapes->pdata[i];
      const BwShape *shape = item->shape;
      int index = person_index (report, item->person_id);
      /* Each person's outlines a little apart from the next one's, so
       * that identical shapes all show. */
      double shift = 3.0 * index - 1.5 * (report->people->len - 1);
      GdkRGBA color;

      if (index < 0 || g_hash_table_contains (self->hidden, &item->person_id))
        continue;
      gdk_rgba_parse (&color, bw_calibration_person_color (index));

      cairo_save (cr);
      cairo_translate (cr, shift, shift);
      cairo_new_path (cr);
      if (shape->kind == BW_SHAPE_BOX)
        cairo_rectangle (cr, shape->bbox.x0 * scale + ox, shape->bbox.y0 * scale + oy,
                         (shape->bbox.x1 - shape->bbox.x0) * scale,
                         (shape->bbox.y1 - shape->bbox.y0) * scale);
      else
        for (guint p = 0; p < shape->n_parts; p++)
          {
            guint start = bw_shape_part_start (shape, p);
            guint n = bw_shape_part_size (shape, p);

            for (guint k = 0; k < n; k++)
              {
                double x = shape->points[start + k].x * scale + ox;
                double y = shape->points[start + k].y * scale + oy;

                if (k == 0)
                  cairo_move_to (cr, x, y);
                else
                  cairo_line_to (cr, x, y);
              }
            cairo_close_path (cr);
          }
      cairo_set_source_rgba (cr, color.red, color.green, color.blue, 0.12);
      cairo_fill_preserve (cr);
      cairo_set_line_width (cr, 3.0);
      cairo_set_source_rgba (cr, color.red, color.green, color.blue, 1.0);
      cairo_stroke (cr);
      cairo_restore (cr);
    }
}

static void
legend_toggled_cb (GtkCheckButton      *check,
                   BwCalibrationWindow *self)
{
  gint64 *person = g_object_get_data (G_OBJECT (check), "bw-person-id");

  if (gtk_check_button_get_active (check))
    g_hash_table_remove (self->hidden, person);
  else
    g_hash_table_add (self->hidden, g_memdup2 (person, sizeof (gint64)));
  bw_canvas_queue_redraw (self->canvas);
}

static void
draw_swatch (GtkDrawingArea *area,
             cairo_t        *cr,
             int             width,
             int             height,
             gpointer        user_data)
{
  GdkRGBA color;

  gdk_rgba_parse (&color, user_data);
  gdk_cairo_set_source_rgba (cr, &color);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_fill (cr);
}

/* One entry per person of the round: their colour, their name and how
 * many shapes they drew here; a tick hides or shows them. */
static void
fill_legend (BwCalibrationWindow *self)
{
  const BwCalibrationReport *report = selected_report (self);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->legend_box))) != NULL)
    gtk_box_remove (self->legend_box, child);
  if (report == NULL)
    return;

  for (guint i = 0; i < report->people->len; i++)
    {
      gint64 person = g_array_index (report->people, gint64, i);
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      GtkWidget *swatch = gtk_drawing_area_new ();
      GtkWidget *check;
      g_autofree char *label = NULL;
      guint n = 0;

      for (guint s = 0; self->shapes != NULL && s < self->shapes->len; s++)
        if (((BwCalibrationShape *) self->shapes->pdata[s])->person_id == person)
          n++;
      /* Translators: a person in the legend, and the shapes they drew on
       * the image shown. */
      label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s (%u shape)", "%s (%u shapes)", n),
                               bw_calibration_report_person_name (report, person), n);
      gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (swatch), 16);
      gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (swatch), 16);
      gtk_widget_set_valign (swatch, GTK_ALIGN_CENTER);
      gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (swatch), draw_swatch,
                                      (gpointer) bw_calibration_person_color (i), NULL);
      check = gtk_check_button_new_with_label (label);
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check), !g_hash_table_contains (self->hidden, &person));
      gtk_widget_set_tooltip_text (check, _("Show this person’s shapes"));
      g_object_set_data_full (G_OBJECT (check), "bw-person-id", g_memdup2 (&person, sizeof person), g_free);
      g_signal_connect (check, "toggled", G_CALLBACK (legend_toggled_cb), self);
      gtk_box_append (GTK_BOX (box), swatch);
      gtk_box_append (GTK_BOX (box), check);
      gtk_box_append (self->legend_box, box);
    }
}

static void
load_image (BwCalibrationWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwImage) image = NULL;
  g_autofree char *text = NULL;

  g_clear_pointer (&self->shapes, g_ptr_array_unref);
  if (self->image_id <= 0 || self->selected_round <= 0)
    {
      bw_canvas_clear (self->canvas);
      gtk_label_set_label (self->image_label, "");
      fill_legend (self);
      return;
    }

  image = bw_project_get_image (self->project, self->image_id, &error);
  if (image != NULL)
    self->shapes = bw_project_list_calibration_shapes (self->project, self->selected_round,
                                                      self->image_id, &error);
  if (image == NULL || self->shapes == NULL)
    {
      bw_toast_overlay_add (self->toast_overlay, adw_toast_new (error->message));
      return;
    }
  bw_canvas_load_image (self->canvas, self->project, image);
  text = g_strdup (image->path);
  gtk_label_set_label (self->image_label, text);
  fill_legend (self);
  bw_canvas_queue_redraw (self->canvas);
}

static void
fill_images (BwCalibrationWindow *self)
{
  const BwCalibrationReport *report = selected_report (self);
  GtkWidget *child;
  GtkListBoxRow *first = NULL;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->images_list))) != NULL)
    gtk_list_box_remove (self->images_list, child);
  if (report == NULL)
    return;

  for (guint i = 0; i < report->images->len; i++)
    {
      const BwCalibrationImage *image = report->images->pdata[i];
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *name = g_path_get_basename (image->path);
      g_autofree char *title = g_markup_escape_text (name, -1);
      g_autofree char *alpha = format_alpha (image->alpha);
      g_autofree char *subtitle = NULL;

      /* Translators: an image's agreement, its answers and its objects. */
      subtitle = g_strdup_printf (_("α %s · %u answers · %" PRIu64 " objects"),
                                  alpha, image->n_answers, image->units);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      g_object_set_data_full (G_OBJECT (row), "bw-image-id",
                              g_memdup2 (&image->image_id, sizeof (gint64)), g_free);
      gtk_list_box_append (self->images_list, row);
      if (first == NULL)
        first = GTK_LIST_BOX_ROW (row);
    }
  if (first == NULL)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     _("No answer handed in yet: the round’s images are first in each "
                                       "annotator’s queue"));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
      gtk_list_box_row_set_selectable (GTK_LIST_BOX_ROW (row), FALSE);
      gtk_list_box_append (self->images_list, row);
    }

  /* The image with the least agreement, or the one shown before. */
  for (GtkWidget *w = gtk_widget_get_first_child (GTK_WIDGET (self->images_list));
       w != NULL; w = gtk_widget_get_next_sibling (w))
    {
      gint64 *id = g_object_get_data (G_OBJECT (w), "bw-image-id");

      if (id != NULL && *id == self->image_id)
        first = GTK_LIST_BOX_ROW (w);
    }
  if (first != NULL)
    gtk_list_box_select_row (self->images_list, first);
  else
    {
      self->image_id = 0;
      load_image (self);
    }
}

static void
show_round (BwCalibrationWindow *self)
{
  const BwCalibrationReport *report = selected_report (self);
  g_autoptr(GString) people = g_string_new (NULL);
  g_autofree char *summary = NULL, *alpha = NULL, *f1_text = NULL;
  BwRate f1;

  clear_grid (self->category_grid);
  if (report == NULL)
    {
      gtk_label_set_label (self->summary_label, "");
      fill_images (self);
      return;
    }

  for (guint i = 0; i < report->people->len; i++)
    g_string_append_printf (people, "%s%s", i ? ", " : "",
                            bw_calibration_report_person_name (report, g_array_index (report->people, gint64, i)));
  alpha = format_alpha (report->alpha);
  bw_quality_counts_f1 (&report->pairs, &f1);
  f1_text = format_alpha (f1.value);
  summary = g_strdup_printf (_("%u images for %s; %u of %u answers in. α %s over %" PRIu64
                               " objects, pairwise F1 %s."),
                             report->round.n_images, people->str, report->round.n_submitted,
                             report->round.n_expected, alpha, report->units, f1_text);
  gtk_label_set_label (self->summary_label, summary);

  grid_cell (self->category_grid, _("Category"), 0, 0, TRUE);
  grid_cell (self->category_grid, "α", 1, 0, TRUE);
  grid_cell (self->category_grid, _("Objects"), 2, 0, TRUE);
  grid_cell (self->category_grid, _("Pair F1"), 3, 0, TRUE);
  for (guint i = 0; i < report->categories->len; i++)
    {
      const BwCalibrationCategory *category = &g_array_index (report->categories, BwCalibrationCategory, i);
      g_autofree char *a = format_alpha (category->alpha);
      g_autofree char *units = g_strdup_printf ("%" PRIu64, category->units);
      g_autofree char *pf = NULL;

      bw_quality_counts_f1 (&category->pairs, &f1);
      pf = format_alpha (f1.value);
      grid_cell (self->category_grid, bw_calibration_report_category_name (report, category->category_id),
                 0, (int) i + 1, FALSE);
      grid_cell (self->category_grid, a, 1, (int) i + 1, FALSE);
      grid_cell (self->category_grid, units, 2, (int) i + 1, FALSE);
      grid_cell (self->category_grid, pf, 3, (int) i + 1, FALSE);
    }
  fill_images (self);
}

typedef struct
{
  double  iou_threshold;
} ComputeData;

/* Every round's report, in a worker thread with a connection of its own. */
static void
compute_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  GError *error = NULL;
  g_autoptr(BwProject) project = bw_project_open_another (source_object, &error);
  g_autoptr(GPtrArray) rounds = NULL;
  g_autoptr(GPtrArray) reports = g_ptr_array_new_with_free_func ((GDestroyNotify) bw_calibration_report_free);

  if (project != NULL)
    rounds = bw_project_list_calibration_rounds (project, &error);
  for (guint i = 0; rounds != NULL && i < rounds->len; i++)
    {
      BwCalibrationReport *report = bw_calibration_compute (project, ((BwCalibrationRound *) rounds->pdata[i])->id,
                                                            BW_MATCHING_DEFAULT_IOU_THRESHOLD, cancellable, &error);

      if (report == NULL)
        break;
      g_ptr_array_add (reports, report);
    }
  g_clear_object (&project);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_steal_pointer (&reports), (GDestroyNotify) g_ptr_array_unref);
}

static void
computed_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(BwCalibrationWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  GPtrArray *reports = g_task_propagate_pointer (G_TASK (result), &error);

  if (reports == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->cancellable);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
  if (reports == NULL)
    {
      gtk_label_set_label (self->summary_label, error->message);
      return;
    }

  g_clear_pointer (&self->reports, g_ptr_array_unref);
  self->reports = reports;
  fill_comparison (self);
  fill_rounds (self);
  show_round (self);
}

static void
compute (BwCalibrationWindow *self)
{
  g_autoptr(GTask) task = NULL;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  task = g_task_new (self->project, self->cancellable, computed_cb, g_object_ref (self));
  g_task_set_source_tag (task, compute);
  g_task_run_in_thread (task, compute_thread);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
round_changed_cb (BwCalibrationWindow *self)
{
  guint selected = gtk_drop_down_get_selected (self->round_dropdown);

  if (self->filling || self->reports == NULL || selected >= self->reports->len)
    return;
  self->selected_round = ((BwCalibrationReport *) self->reports->pdata[selected])->round.id;
  self->image_id = 0;
  show_round (self);
}

static void
image_selected_cb (BwCalibrationWindow *self,
                   GtkListBoxRow       *row)
{
  gint64 *id = row != NULL ? g_object_get_data (G_OBJECT (row), "bw-image-id") : NULL;

  if (id == NULL)
    return;
  self->image_id = *id;
  load_image (self);
}

static void
image_activated_cb (BwCalibrationWindow *self,
                    GtkListBoxRow       *row)
{
  gint64 *id = g_object_get_data (G_OBJECT (row), "bw-image-id");

  if (id != NULL)
    g_signal_emit (self, signals[SIGNAL_OPEN_IMAGE], 0, *id);
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  compute (BW_CALIBRATION_WINDOW (widget));
}

static void
start_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  BwCalibrationWindow *self = BW_CALIBRATION_WINDOW (widget);
  g_autoptr(GError) error = NULL;

  gtk_popover_popdown (self->start_popover);
  if (!bw_calibration_window_start_round (self, gtk_editable_get_text (GTK_EDITABLE (self->name_entry)),
                                          (guint) gtk_adjustment_get_value (self->images_adjustment), &error))
    bw_toast_overlay_add (self->toast_overlay, adw_toast_new (error->message));
  else
    gtk_editable_set_text (GTK_EDITABLE (self->name_entry), "");
}

/* Enter in the name starts the round, as the Start button does. */
static void
name_activated_cb (BwCalibrationWindow *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "calibration.start", NULL);
}

static void
bw_calibration_window_dispose (GObject *object)
{
  BwCalibrationWindow *self = BW_CALIBRATION_WINDOW (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->canvas != NULL)
    bw_canvas_set_overlay_func (self->canvas, NULL, NULL, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), BW_TYPE_CALIBRATION_WINDOW);
  g_clear_object (&self->project);

  G_OBJECT_CLASS (bw_calibration_window_parent_class)->dispose (object);
}

static void
bw_calibration_window_finalize (GObject *object)
{
  BwCalibrationWindow *self = BW_CALIBRATION_WINDOW (object);

  g_clear_pointer (&self->reports, g_ptr_array_unref);
  g_clear_pointer (&self->shapes, g_ptr_array_unref);
  g_clear_pointer (&self->hidden, g_hash_table_unref);

  G_OBJECT_CLASS (bw_calibration_window_parent_class)->finalize (object);
}

static void
bw_calibration_window_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_BUSY:
      g_value_set_boolean (value, bw_calibration_window_get_busy (BW_CALIBRATION_WINDOW (object)));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bw_calibration_window_class_init (BwCalibrationWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bw_calibration_window_dispose;
  object_class->finalize = bw_calibration_window_finalize;
  object_class->get_property = bw_calibration_window_get_property;

  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * BwCalibrationWindow::open-image:
   * @image_id: an image of the round the lead activated
   *
   * Asks the project's window to show the image.
   */
  signals[SIGNAL_OPEN_IMAGE] =
    g_signal_new ("open-image", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);

  g_type_ensure (BW_TYPE_CANVAS);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/bw-calibration-window.ui");
  gtk_widget_class_bind_template_child (widget_class, BwCalibrationWindow, start_button);
  gtk_widget_class_bind_template_child (widget_class, BwCalibrationWindow, start_popover);
  gtk_widget_class_bind_template_child (widget_class, BwCalibrationWindow, name_entry);
  gtk_widget_class_bind_template_child (widget_class, BwCalibrationWindow, images_adjustment);
  gtk_widget_class_bind_template_child (widget_class, BwCalibrationWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, BwCalibrationWindow, compare_grid);
  gtk_widget_class_bind_template_child (widget_class, BwCalibrationWindow, round_dropdown);
  gtk_widget_class_bind_template_child (widget_class, BwCalibrationWindow, round_names);
  gtk_widget_class_bind_template_child (widget_class, BwCalibrationWindow, summary_label);
  gtk_widget_class_bind_template_child (widget_class, BwCalibrationWindow, category_grid);
  gtk_widget_class_bind_template_child (widget_class, BwCalibrationWindow, images_list);
  gtk_widget_class_bind_template_child (widget_class, BwCalibrationWindow, legend_box);
  gtk_widget_class_bind_template_child (widget_class, BwCalibrationWindow, canvas);
  gtk_widget_class_bind_template_child (widget_class, BwCalibrationWindow, image_label);

  gtk_widget_class_install_action (widget_class, "calibration.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "calibration.start", NULL, start_action);
  gtk_widget_class_bind_template_callback (widget_class, name_activated_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "calibration.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
bw_calibration_window_init (BwCalibrationWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->hidden = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  bw_canvas_set_overlay_func (self->canvas, overlay_cb, self, NULL);
  g_signal_connect_object (self->round_dropdown, "notify::selected",
                           G_CALLBACK (round_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->images_list, "row-selected",
                           G_CALLBACK (image_selected_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->images_list, "row-activated",
                           G_CALLBACK (image_activated_cb), self, G_CONNECT_SWAPPED);
}

/**
 * bw_calibration_window_new:
 * @project: the project
 * @lead_id: who starts rounds from this window, or 0
 *
 * Returns: (transfer full): a window that starts computing at once
 */
BwCalibrationWindow *
bw_calibration_window_new (BwProject *project,
                           gint64     lead_id)
{
  BwCalibrationWindow *self;

  g_return_val_if_fail (BW_IS_PROJECT (project), NULL);

  self = g_object_new (BW_TYPE_CALIBRATION_WINDOW, NULL);
  self->project = g_object_ref (project);
  self->lead_id = lead_id;
  compute (self);
  return self;
}

/**
 * bw_calibration_window_offer_round:
 * @name: the name the new round is given, which the lead may change
 *
 * Opens the new round's form with @name in it, ready to start (Enter).
 */
void
bw_calibration_window_offer_round (BwCalibrationWindow *self,
                                   const char          *name)
{
  g_return_if_fail (BW_IS_CALIBRATION_WINDOW (self));

  gtk_editable_set_text (GTK_EDITABLE (self->name_entry), name != NULL ? name : "");
  gtk_menu_button_popup (self->start_button);
  gtk_widget_grab_focus (GTK_WIDGET (self->name_entry));
}

gboolean
bw_calibration_window_get_busy (BwCalibrationWindow *self)
{
  g_return_val_if_fail (BW_IS_CALIBRATION_WINDOW (self), FALSE);

  return self->cancellable != NULL;
}

GPtrArray *
bw_calibration_window_get_reports (BwCalibrationWindow *self)
{
  g_return_val_if_fail (BW_IS_CALIBRATION_WINDOW (self), NULL);

  return self->reports;
}

void
bw_calibration_window_select_round (BwCalibrationWindow *self,
                                    gint64               round_id)
{
  g_return_if_fail (BW_IS_CALIBRATION_WINDOW (self));

  for (guint i = 0; self->reports != NULL && i < self->reports->len; i++)
    if (((BwCalibrationReport *) self->reports->pdata[i])->round.id == round_id)
      gtk_drop_down_set_selected (self->round_dropdown, i);
}

void
bw_calibration_window_show_image (BwCalibrationWindow *self,
                                  gint64               image_id)
{
  g_return_if_fail (BW_IS_CALIBRATION_WINDOW (self));

  for (GtkWidget *w = gtk_widget_get_first_child (GTK_WIDGET (self->images_list));
       w != NULL; w = gtk_widget_get_next_sibling (w))
    {
      gint64 *id = g_object_get_data (G_OBJECT (w), "bw-image-id");

      if (id != NULL && *id == image_id)
        gtk_list_box_select_row (self->images_list, GTK_LIST_BOX_ROW (w));
    }
}

gint64
bw_calibration_window_get_image (BwCalibrationWindow *self)
{
  g_return_val_if_fail (BW_IS_CALIBRATION_WINDOW (self), 0);

  return self->image_id;
}

/* The shapes the disagreement view draws (all people, shown or not). */
guint
bw_calibration_window_get_n_shapes (BwCalibrationWindow *self)
{
  g_return_val_if_fail (BW_IS_CALIBRATION_WINDOW (self), 0);

  return self->shapes != NULL ? self->shapes->len : 0;
}

/**
 * bw_calibration_window_start_round:
 * @name: (nullable): the round's name, empty for the default
 * @n_images: how many images
 *
 * Starts a round of every annotator (bw_project_start_calibration_round(),
 * a seed from the clock) and computes again.
 */
gboolean
bw_calibration_window_start_round (BwCalibrationWindow  *self,
                                   const char           *name,
                                   guint                 n_images,
                                   GError              **error)
{
  gint64 round_id;

  g_return_val_if_fail (BW_IS_CALIBRATION_WINDOW (self), FALSE);

  if (!bw_project_start_calibration_round (self->project, name, self->lead_id, n_images,
                                           (guint64) g_get_real_time (), NULL, 0, &round_id, error))
    return FALSE;
  self->selected_round = round_id;
  self->image_id = 0;
  compute (self);
  return TRUE;
}
