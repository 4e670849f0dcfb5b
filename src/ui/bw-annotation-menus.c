/* bw-annotation-menus.c — the canvas's context menu
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Right click on the canvas (or the Menu key, or Shift+F10) opens a menu
 * of what can be done to the selection: give it another category, copy,
 * delete, bring to front, send to back. A right click on a shape that is
 * not selected selects it first, as file managers do. Every item is an
 * "annotate" action, with the same key as everywhere else.
 */

#define G_LOG_DOMAIN "bw-annotation-menus"

#include "config.h"

#include <glib/gi18n.h>

#include "bw-annotation-menus.h"

#define DATA_KEY "bw-annotation-menus"

typedef struct
{
  BwAnnotationController *controller;   /* weak: it owns the canvas's overlay */
  BwCanvas               *canvas;
  GMenu                  *categories;
  GtkWidget              *popover;
} Menus;

static void
menus_free (gpointer data)
{
  Menus *menus = data;

  g_clear_weak_pointer (&menus->controller);
  g_clear_object (&menus->categories);
  g_free (menus);
}

static void
categories_changed_cb (Menus *menus)
{
  GPtrArray *categories = bw_annotation_controller_get_categories (menus->controller);

  g_menu_remove_all (menus->categories);
  for (guint i = 0; categories != NULL && i < categories->len; i++)
    {
      const BwCategory *category = categories->pdata[i];
      g_autofree char *key = bw_category_list_dup_key_label (categories, i);
      g_autoptr(GMenuItem) item = NULL;
      /* Underscores in a name would read as mnemonics. */
      g_auto(GStrv) parts = g_strsplit (category->name, "_", -1);
      g_autofree char *label = g_strjoinv ("__", parts);

      item = g_menu_item_new (label, NULL);
      g_menu_item_set_action_and_target (item, "annotate.relabel", "x", category->id);
      /* The key that picks it too, so the menu teaches it. */
      if (key != NULL && gtk_accelerator_parse (key, NULL, NULL))
        g_menu_item_set_attribute (item, "accel", "s", key);
      g_menu_append_item (menus->categories, item);
    }
}

/* The keys are the canvas's own shortcuts, which a menu does not find by
 * itself (it shows only application accelerators). */
static void
append_with_key (GMenu      *menu,
                 const char *label,
                 const char *action,
                 const char *accel)
{
  g_autoptr(GMenuItem) item = g_menu_item_new (label, action);

  g_menu_item_set_attribute (item, "accel", "s", accel);
  g_menu_append_item (menu, item);
}

static GMenuModel *
build_model (Menus *menus)
{
  GMenu *model = g_menu_new ();
  g_autoptr(GMenu) section = g_menu_new ();
  g_autoptr(GMenu) order = g_menu_new ();
  g_autoptr(GMenu) edit = g_menu_new ();
  g_autoptr(GMenu) guide = g_menu_new ();
  g_autoptr(GMenuItem) positive = g_menu_item_new (_("Pin as _Example of Its Category"), NULL);
  g_autoptr(GMenuItem) negative = g_menu_item_new (_("Pin as _Counter-Example"), NULL);

  g_menu_append_submenu (section, _("_Category"), G_MENU_MODEL (menus->categories));
  g_menu_append_section (model, NULL, G_MENU_MODEL (section));

  append_with_key (edit, _("_Copy"), "annotate.copy", "<Control>c");
  append_with_key (edit, _("_Delete"), "annotate.delete", "Delete");
  g_menu_append_section (model, NULL, G_MENU_MODEL (edit));

  append_with_key (order, _("Bring to _Front"), "annotate.bring-to-front", "<Control><Shift>bracketright");
  append_with_key (order, _("Send to _Back"), "annotate.send-to-back", "<Control><Shift>bracketleft");
  g_menu_append_section (model, NULL, G_MENU_MODEL (order));

  append_with_key (guide, _("Ask a _Question…"), "annotate.ask-question", "question");
  g_menu_item_set_action_and_target (positive, "annotate.pin-example", "b", TRUE);
  g_menu_append_item (guide, positive);
  g_menu_item_set_action_and_target (negative, "annotate.pin-example", "b", FALSE);
  g_menu_append_item (guide, negative);
  g_menu_append (guide, _("_Unpin Example"), "annotate.unpin-example");
  g_menu_append_section (model, NULL, G_MENU_MODEL (guide));

  return G_MENU_MODEL (model);
}

static void
canvas_destroy_cb (GtkWidget *canvas,
                   Menus     *menus)
{
  g_clear_pointer (&menus->popover, gtk_widget_unparent);
  if (menus->controller != NULL)
    g_signal_handlers_disconnect_by_data (menus->controller, menus);
  g_clear_weak_pointer (&menus->controller);
}

/**
 * bw_annotation_menus_popup_at:
 * @x, @y: where, in the canvas's coordinates
 *
 * Returns: whether the menu opened (an image must be shown)
 */
gboolean
bw_annotation_menus_popup_at (BwCanvas *canvas,
                              double    x,
                              double    y)
{
  Menus *menus = g_object_get_data (G_OBJECT (canvas), DATA_KEY);
  GdkRectangle rect = { (int) x, (int) y, 1, 1 };

  g_return_val_if_fail (menus != NULL, FALSE);

  if (menus->controller == NULL || bw_annotation_controller_get_image_id (menus->controller) <= 0)
    return FALSE;

  gtk_popover_set_pointing_to (GTK_POPOVER (menus->popover), &rect);
  gtk_popover_popup (GTK_POPOVER (menus->popover));

  return TRUE;
}

static void
secondary_pressed_cb (GtkGestureClick *gesture,
                      int              n_press,
                      double           x,
                      double           y,
                      Menus           *menus)
{
  GArray *selection;
  double ix, iy;
  gint64 hit;

  if (menus->controller == NULL || bw_annotation_controller_get_image_id (menus->controller) <= 0 ||
      bw_annotation_controller_is_drawing (menus->controller))
    return;

  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  gtk_widget_grab_focus (GTK_WIDGET (menus->canvas));

  /* A shape not in the selection: it becomes the selection. */
  bw_canvas_widget_to_image (menus->canvas, x, y, &ix, &iy);
  {
    double scale, ox, oy;

    bw_canvas_get_view (menus->canvas, &scale, &ox, &oy);
    hit = bw_annotation_set_hit_test (bw_annotation_controller_get_annotations (menus->controller),
                                      ix, iy, scale > 0 ? 4.0 / scale : 4.0,
                                      bw_annotation_renderer_get_hidden_categories (
                                        bw_annotation_controller_get_renderer (menus->controller)));
  }
  selection = bw_annotation_controller_get_selection (menus->controller);
  if (hit > 0)
    {
      gboolean selected = FALSE;

      for (guint i = 0; i < selection->len; i++)
        selected |= g_array_index (selection, gint64, i) == hit;
      if (!selected)
        bw_annotation_controller_select (menus->controller, &hit, 1);
    }

  bw_annotation_menus_popup_at (menus->canvas, x, y);
}

/* From the keyboard: at the selection, else at the middle of the canvas. */
static gboolean
menu_key_cb (GtkWidget *widget,
             GVariant  *args,
             gpointer   user_data)
{
  Menus *menus = user_data;
  GArray *selection;
  double x = gtk_widget_get_width (widget) / 2.0;
  double y = gtk_widget_get_height (widget) / 2.0;

  if (menus->controller == NULL)
    return FALSE;

  selection = bw_annotation_controller_get_selection (menus->controller);
  if (selection->len > 0)
    {
      const BwAnnotation *a =
        bw_annotation_set_lookup (bw_annotation_controller_get_annotations (menus->controller),
                                  g_array_index (selection, gint64, selection->len - 1));

      if (a != NULL)
        {
          double scale, ox, oy;

          bw_canvas_get_view (menus->canvas, &scale, &ox, &oy);
          x = CLAMP ((a->shape->bbox.x0 + a->shape->bbox.x1) / 2 * scale + ox, 0, gtk_widget_get_width (widget));
          y = CLAMP ((a->shape->bbox.y0 + a->shape->bbox.y1) / 2 * scale + oy, 0, gtk_widget_get_height (widget));
        }
    }

  return bw_annotation_menus_popup_at (menus->canvas, x, y);
}

/**
 * bw_annotation_menus_install:
 *
 * Gives @canvas its context menu, over @controller's "annotate" actions
 * (the canvas must reach them).
 */
void
bw_annotation_menus_install (BwAnnotationController *controller,
                             BwCanvas               *canvas)
{
  Menus *menus = g_new0 (Menus, 1);
  g_autoptr(GMenuModel) model = NULL;
  GtkEventController *shortcuts;
  GtkGesture *gesture;

  g_return_if_fail (BW_IS_ANNOTATION_CONTROLLER (controller));
  g_return_if_fail (BW_IS_CANVAS (canvas));

  menus->canvas = canvas;
  g_set_weak_pointer (&menus->controller, controller);
  menus->categories = g_menu_new ();
  g_object_set_data_full (G_OBJECT (canvas), DATA_KEY, menus, menus_free);

  model = build_model (menus);
  menus->popover = gtk_popover_menu_new_from_model (model);
  gtk_popover_set_has_arrow (GTK_POPOVER (menus->popover), FALSE);
  gtk_widget_set_halign (menus->popover, GTK_ALIGN_START);
  gtk_widget_set_parent (menus->popover, GTK_WIDGET (canvas));
  g_signal_connect (canvas, "destroy", G_CALLBACK (canvas_destroy_cb), menus);

  g_signal_connect_swapped (controller, "categories-changed", G_CALLBACK (categories_changed_cb), menus);
  categories_changed_cb (menus);

  gesture = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), GDK_BUTTON_SECONDARY);
  g_signal_connect (gesture, "pressed", G_CALLBACK (secondary_pressed_cb), menus);
  gtk_widget_add_controller (GTK_WIDGET (canvas), GTK_EVENT_CONTROLLER (gesture));

  shortcuts = gtk_shortcut_controller_new ();
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                        gtk_shortcut_new (gtk_alternative_trigger_new (gtk_keyval_trigger_new (GDK_KEY_Menu, 0),
                                                                                       gtk_keyval_trigger_new (GDK_KEY_F10, GDK_SHIFT_MASK)),
                                                          gtk_callback_action_new (menu_key_cb, menus, NULL)));
  gtk_widget_add_controller (GTK_WIDGET (canvas), shortcuts);
}

/* Returns: (transfer none) (nullable): the context menu of @canvas */
GtkWidget *
bw_annotation_menus_get_popover (BwCanvas *canvas)
{
  Menus *menus = g_object_get_data (G_OBJECT (canvas), DATA_KEY);

  return menus != NULL ? menus->popover : NULL;
}
