/* bw-category-panel.c — the category list beside the canvas
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Picks the category of new shapes (or relabels the selection), shows and
 * hides shapes by category, shows the chosen category's guideline and
 * its examples (a row opens the example's image at the shape), and adds
 * a category on the spot. The full taxonomy editor is elsewhere.
 */

#define G_LOG_DOMAIN "bw-category-panel"

#include "config.h"

#include <glib/gi18n.h>

#include <adwaita.h>

#include "bw-category-panel.h"
#include "bw-thumbnailer.h"

struct _BwCategoryPanel
{
  GtkBox                  parent_instance;

  BwAnnotationController *controller;

  GtkListBox             *list;
  GtkLabel               *guideline;
  GtkListBox             *examples;
  GtkEntry               *new_entry;
  BwThumbnailer          *thumbnailer;        /* the examples' */
  GCancellable           *examples_cancellable;
};

G_DEFINE_FINAL_TYPE (BwCategoryPanel, bw_category_panel, GTK_TYPE_BOX)

enum {
  OPEN_EXAMPLE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* What a row of an example opens. */
typedef struct
{
  gint64 image_id;
  BwRect bbox;
} ExampleTarget;

/* Distinct colours for categories added here; the taxonomy editor can
 * change them. */
static const char * const palette[] = {
  "#e01b24", "#2ec27e", "#3584e4", "#f6d32d", "#9141ac", "#ff7800",
  "#1a5fb4", "#26a269", "#c64600", "#813d9c", "#e5a50a", "#63452c",
};

static void
swatch_draw (GtkDrawingArea *area,
             cairo_t        *cr,
             int             width,
             int             height,
             gpointer        user_data)
{
  GdkRGBA rgba;

  if (!gdk_rgba_parse (&rgba, user_data))
    gdk_rgba_parse (&rgba, "#999999");

  cairo_arc (cr, width / 2.0, height / 2.0, MIN (width, height) / 2.0 - 1, 0, 2 * G_PI);
  gdk_cairo_set_source_rgba (cr, &rgba);
  cairo_fill_preserve (cr);
  cairo_set_source_rgba (cr, 0, 0, 0, 0.3);
  cairo_set_line_width (cr, 1);
  cairo_stroke (cr);
}

static void
update_eye (GtkToggleButton *button)
{
  gboolean hidden = gtk_toggle_button_get_active (button);

  gtk_button_set_icon_name (GTK_BUTTON (button), hidden ? "view-conceal-symbolic" : "view-reveal-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (button), hidden ? _("Show these shapes") : _("Hide these shapes"));
}

static void
eye_toggled_cb (GtkToggleButton *button,
                BwCategoryPanel *self)
{
  gint64 id = *(gint64 *) g_object_get_data (G_OBJECT (button), "category-id");

  update_eye (button);
  bw_annotation_controller_set_category_hidden (self->controller, id, gtk_toggle_button_get_active (button));
}

static GtkWidget *
make_row (BwCategoryPanel  *self,
          GPtrArray        *categories,
          guint             index)
{
  const BwCategory *category = g_ptr_array_index (categories, index);
  g_autofree char *key_text = NULL;
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *swatch = gtk_drawing_area_new ();
  GtkWidget *name = gtk_label_new (category->name);
  GtkWidget *key = gtk_label_new (NULL);
  GtkWidget *eye = gtk_toggle_button_new ();

  g_object_set_data_full (G_OBJECT (row), "category-id",
                          g_memdup2 (&category->id, sizeof category->id), g_free);

  gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (swatch), 14);
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (swatch), 14);
  gtk_widget_set_valign (swatch, GTK_ALIGN_CENTER);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (swatch), swatch_draw,
                                  g_strdup (category->color), g_free);

  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (name, TRUE);

  /* The same key the canvas answers to (the taxonomy's rule). */
  key_text = bw_category_list_dup_key_label (categories, index);
  if (key_text != NULL)
    {
      gtk_label_set_text (GTK_LABEL (key), key_text);
      gtk_widget_set_tooltip_text (key, _("Key to pick this category"));
    }
  gtk_widget_add_css_class (key, "dim-label");
  gtk_widget_add_css_class (key, "numeric");

  gtk_widget_add_css_class (eye, "flat");
  gtk_widget_set_valign (eye, GTK_ALIGN_CENTER);
  g_object_set_data_full (G_OBJECT (eye), "category-id",
                          g_memdup2 (&category->id, sizeof category->id), g_free);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (eye),
                                bw_annotation_controller_get_category_hidden (self->controller, category->id));
  update_eye (GTK_TOGGLE_BUTTON (eye));
  g_signal_connect_object (eye, "toggled", G_CALLBACK (eye_toggled_cb), self, 0);

  gtk_box_append (GTK_BOX (box), swatch);
  gtk_box_append (GTK_BOX (box), name);
  gtk_box_append (GTK_BOX (box), key);
  gtk_box_append (GTK_BOX (box), eye);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);

  if (category->guideline != NULL && category->guideline[0] != '\0')
    gtk_widget_set_tooltip_text (row, category->guideline);

  return row;
}

static const BwCategory *
find_category (BwCategoryPanel *self,
               gint64           id)
{
  GPtrArray *categories = bw_annotation_controller_get_categories (self->controller);

  for (guint i = 0; categories != NULL && i < categories->len; i++)
    if (((BwCategory *) categories->pdata[i])->id == id)
      return categories->pdata[i];

  return NULL;
}

static void
sync_current (BwCategoryPanel *self)
{
  gint64 current = bw_annotation_controller_get_category (self->controller);
  const BwCategory *category = find_category (self, current);
  GtkWidget *child;

  for (child = gtk_widget_get_first_child (GTK_WIDGET (self->list));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      gint64 *id;

      if (!GTK_IS_LIST_BOX_ROW (child))
        continue;
      id = g_object_get_data (G_OBJECT (child), "category-id");
      if (id != NULL && *id == current)
        {
          gtk_list_box_select_row (self->list, GTK_LIST_BOX_ROW (child));
          break;
        }
    }

  if (category != NULL && category->guideline != NULL && category->guideline[0] != '\0')
    {
      gtk_label_set_text (self->guideline, category->guideline);
      gtk_widget_set_visible (GTK_WIDGET (self->guideline), TRUE);
    }
  else
    {
      gtk_widget_set_visible (GTK_WIDGET (self->guideline), FALSE);
    }

  bw_category_panel_reload_examples (self);
}

/* "a.jpg, 50 × 60 at 10, 20" */
char *
bw_example_describe_shape (const BwGuidelineExample *example)
{
  const BwRect *b = &example->shape->bbox;
  g_autofree char *name = g_path_get_basename (example->image_path);

  /* TRANSLATORS: an example's image, and its shape: width × height at x, y (pixels) */
  return g_strdup_printf (_("%s, %.0f × %.0f at %.0f, %.0f"), name,
                          b->x1 - b->x0, b->y1 - b->y0, b->x0, b->y0);
}

static GtkWidget *
make_example_row (BwCategoryPanel          *self,
                  BwProject                *project,
                  const BwGuidelineExample *example)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *where = bw_example_describe_shape (example);
  GtkWidget *icon = gtk_image_new_from_icon_name (example->positive ? "emblem-ok-symbolic"
                                                                    : "action-unavailable-symbolic");

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                 example->positive ? _("Counts") : _("Does not count"));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  if (example->note[0] != '\0')
    {
      g_autofree char *subtitle = g_strdup_printf ("%s\n%s", example->note, where);

      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
    }
  else
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), where);
  gtk_widget_add_css_class (icon, example->positive ? "success" : "error");
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  if (self->thumbnailer == NULL)
    self->thumbnailer = bw_thumbnailer_new (BW_EXAMPLE_THUMBNAIL_SIZE, 64);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row),
                             bw_thumbnailer_new_example_picture (self->thumbnailer, project, example,
                                                                 self->examples_cancellable));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_widget_set_tooltip_text (row, _("Open this example’s image at the shape"));
  {
    ExampleTarget target = { example->image_id, example->shape->bbox };

    g_object_set_data_full (G_OBJECT (row), "example", g_memdup2 (&target, sizeof target), g_free);
  }
  return row;
}

/**
 * bw_category_panel_reload_examples:
 *
 * Lists the examples of the current category again (after a guideline
 * change).
 */
void
bw_category_panel_reload_examples (BwCategoryPanel *self)
{
  BwProject *project = bw_annotation_controller_get_project (self->controller);
  gint64 current = bw_annotation_controller_get_category (self->controller);
  g_autoptr(GPtrArray) examples = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *child;

  while ((child = GTK_WIDGET (gtk_list_box_get_row_at_index (self->examples, 0))) != NULL)
    gtk_list_box_remove (self->examples, child);
  g_cancellable_cancel (self->examples_cancellable);
  g_clear_object (&self->examples_cancellable);
  self->examples_cancellable = g_cancellable_new ();

  if (project != NULL && current > 0 &&
      !(examples = bw_project_list_examples (project, current, &error)))
    g_debug ("No examples: %s", error->message);
  for (guint i = 0; examples != NULL && i < examples->len; i++)
    gtk_list_box_append (self->examples, make_example_row (self, project, examples->pdata[i]));
  gtk_widget_set_visible (GTK_WIDGET (self->examples), examples != NULL && examples->len > 0);
}

static void
example_activated_cb (BwCategoryPanel *self,
                      GtkListBoxRow   *row)
{
  const ExampleTarget *target = g_object_get_data (G_OBJECT (row), "example");

  if (target != NULL)
    g_signal_emit (self, signals[OPEN_EXAMPLE], 0, target->image_id,
                   target->bbox.x0, target->bbox.y0, target->bbox.x1, target->bbox.y1);
}

static void
rebuild (BwCategoryPanel *self)
{
  GPtrArray *categories = bw_annotation_controller_get_categories (self->controller);
  BwProject *project;
  GtkWidget *child;

  while ((child = GTK_WIDGET (gtk_list_box_get_row_at_index (self->list, 0))) != NULL)
    gtk_list_box_remove (self->list, child);

  for (guint i = 0; categories != NULL && i < categories->len; i++)
    gtk_list_box_append (self->list, make_row (self, categories, i));

  project = bw_annotation_controller_get_project (self->controller);
  gtk_widget_set_sensitive (GTK_WIDGET (self->new_entry), project != NULL);
  /* A team project's taxonomy is the lead's to change on the server. */
  gtk_widget_set_visible (gtk_widget_get_parent (GTK_WIDGET (self->new_entry)),
                          project == NULL || !bw_project_is_team_copy (project));
  sync_current (self);
}

static void
row_activated_cb (BwCategoryPanel *self,
                  GtkListBoxRow   *row)
{
  gint64 *id = g_object_get_data (G_OBJECT (row), "category-id");

  if (id != NULL)
    bw_annotation_controller_pick_category (self->controller, *id);
}

static void
add_category_cb (BwCategoryPanel *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->new_entry))));
  BwProject *project = bw_annotation_controller_get_project (self->controller);
  GPtrArray *categories = bw_annotation_controller_get_categories (self->controller);
  gint64 id;

  if (project == NULL || name[0] == '\0')
    return;

  if (!bw_project_add_category (project, name, "",
                                palette[(categories != NULL ? categories->len : 0) % G_N_ELEMENTS (palette)],
                                &id, &error))
    {
      g_signal_emit_by_name (self->controller, "error", error);
      return;
    }

  gtk_editable_set_text (GTK_EDITABLE (self->new_entry), "");
  /* The project told the controller, which reloaded the list. */
  bw_annotation_controller_reload_categories (self->controller);
  bw_annotation_controller_set_category (self->controller, id);
}

static void
bw_category_panel_dispose (GObject *object)
{
  BwCategoryPanel *self = BW_CATEGORY_PANEL (object);

  g_cancellable_cancel (self->examples_cancellable);
  g_clear_object (&self->examples_cancellable);
  g_clear_object (&self->thumbnailer);

  gtk_widget_dispose_template (GTK_WIDGET (self), BW_TYPE_CATEGORY_PANEL);
  g_clear_object (&self->controller);

  G_OBJECT_CLASS (bw_category_panel_parent_class)->dispose (object);
}

static void
bw_category_panel_class_init (BwCategoryPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bw_category_panel_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/bw-category-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, BwCategoryPanel, list);
  gtk_widget_class_bind_template_child (widget_class, BwCategoryPanel, guideline);
  gtk_widget_class_bind_template_child (widget_class, BwCategoryPanel, new_entry);
  gtk_widget_class_bind_template_child (widget_class, BwCategoryPanel, examples);
  gtk_widget_class_bind_template_callback (widget_class, example_activated_cb);

  /**
   * BwCategoryPanel::open-example:
   * @image_id: the example's image
   *
   * An example was chosen: open its image at the shape (x0, y0)–(x1, y1).
   */
  signals[OPEN_EXAMPLE] =
    g_signal_new ("open-example", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 5, G_TYPE_INT64,
                  G_TYPE_DOUBLE, G_TYPE_DOUBLE, G_TYPE_DOUBLE, G_TYPE_DOUBLE);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, add_category_cb);
}

static void
bw_category_panel_init (BwCategoryPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
bw_category_panel_new (BwAnnotationController *controller)
{
  BwCategoryPanel *self;

  g_return_val_if_fail (BW_IS_ANNOTATION_CONTROLLER (controller), NULL);

  self = g_object_new (BW_TYPE_CATEGORY_PANEL, NULL);
  self->controller = g_object_ref (controller);
  g_signal_connect_object (controller, "categories-changed", G_CALLBACK (rebuild), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (controller, "notify::category-id", G_CALLBACK (sync_current), self, G_CONNECT_SWAPPED);
  rebuild (self);

  return GTK_WIDGET (self);
}
