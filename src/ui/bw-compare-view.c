/* bw-compare-view.c — answers to one image, side by side
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Panes of equal size, each a canvas of the same image with one layer's
 * shapes drawn over it and the layer's name above: an annotator's answer
 * next to the gold answer it was scored against, so that a lead sees
 * what the figures count. Zooming or panning one pane shows the same part
 * of the image in the others.
 */

#define G_LOG_DOMAIN "bw-compare-view"

#include "config.h"


#include "bw-annotation-renderer.h"
#include "bw-annotation-set.h"
#include "bw-compare-view.h"

typedef struct
{
  BwCompareView        *view;      /* unowned */
  GtkWidget            *box;
  BwCanvas             *canvas;
  BwAnnotationRenderer *renderer;
  BwAnnotationSet      *set;
} Pane;

struct _BwCompareView
{
  GtkBox     parent_instance;

  BwProject *project;
  GPtrArray *panes;                 /* Pane* */
  gboolean   syncing;
};

G_DEFINE_FINAL_TYPE (BwCompareView, bw_compare_view, GTK_TYPE_BOX)

static void
pane_free (Pane *pane)
{
  g_clear_pointer (&pane->renderer, bw_annotation_renderer_free);
  g_clear_pointer (&pane->set, bw_annotation_set_free);
  g_free (pane);
}

static void
overlay_cb (BwCanvas *canvas,
            cairo_t  *cr,
            int       width,
            int       height,
            gpointer  user_data)
{
  Pane *pane = user_data;
  BwRenderView view;

  if (pane->set == NULL)
    return;
  bw_canvas_get_view (canvas, &view.scale, &view.offset_x, &view.offset_y);
  if (view.scale <= 0)
    return;
  bw_annotation_renderer_set_scale_factor (pane->renderer, gtk_widget_get_scale_factor (GTK_WIDGET (canvas)));
  bw_annotation_renderer_draw_set (pane->renderer, cr, width, height, &view, pane->set);
}

/* What @source shows, every other pane shows. */
static void
view_changed_cb (BwCanvas      *source,
                 BwCompareView *self)
{
  double scale, ox, oy;

  if (self->syncing)
    return;

  bw_canvas_get_view (source, &scale, &ox, &oy);
  if (scale <= 0)
    return;
  self->syncing = TRUE;
  for (guint i = 0; i < self->panes->len; i++)
    {
      Pane *pane = self->panes->pdata[i];

      if (pane->canvas == source || bw_canvas_get_state (pane->canvas) != BW_CANVAS_STATE_READY)
        continue;
      if (bw_canvas_get_fit (source))
        bw_canvas_zoom_to_fit (pane->canvas);
      else
        bw_canvas_set_view (pane->canvas, scale, ox, oy);
    }
  self->syncing = FALSE;
}

static void
clear_panes (BwCompareView *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_box_remove (GTK_BOX (self), child);
  g_ptr_array_set_size (self->panes, 0);
}

static BwAnnotationSet *
read_layer (BwProject     *project,
            const BwImage *image,
            gint64         layer_id,
            GError       **error)
{
  g_autoptr(GPtrArray) shapes = NULL;
  BwAnnotationSet *set;

  if (layer_id <= 0)
    return bw_annotation_set_new (image->width, image->height);
  if (!(shapes = bw_project_list_annotations (project, layer_id, error)))
    return NULL;
  set = bw_annotation_set_new (image->width, image->height);
  for (guint i = 0; i < shapes->len; i++)
    bw_annotation_set_take (set, bw_annotation_copy (shapes->pdata[i]));
  return set;
}

/**
 * bw_compare_view_show:
 * @layer_ids: one layer per pane; 0 shows the image with no shapes
 * @titles: what each pane shows ("Sam’s answer", "Gold answer")
 *
 * Shows @image_id once per layer, side by side.
 *
 * Returns: %FALSE when the image or a layer could not be read
 */
gboolean
bw_compare_view_show (BwCompareView  *self,
                      gint64          image_id,
                      const gint64   *layer_ids,
                      const char    **titles,
                      guint           n_layers,
                      GError        **error)
{
  g_autoptr(BwImage) image = NULL;
  g_autoptr(GPtrArray) categories = NULL;
  g_autoptr(GPtrArray) sets = g_ptr_array_new_with_free_func ((GDestroyNotify) bw_annotation_set_free);

  g_return_val_if_fail (BW_IS_COMPARE_VIEW (self), FALSE);
  g_return_val_if_fail (n_layers > 0, FALSE);

  if (!(image = bw_project_get_image (self->project, image_id, error)) ||
      !(categories = bw_project_list_categories (self->project, error)))
    return FALSE;
  for (guint i = 0; i < n_layers; i++)
    {
      BwAnnotationSet *set = read_layer (self->project, image, layer_ids[i], error);

      if (set == NULL)
        return FALSE;
      g_ptr_array_add (sets, set);
    }

  clear_panes (self);
  for (guint i = 0; i < n_layers; i++)
    {
      Pane *pane = g_new0 (Pane, 1);
      GtkWidget *title = gtk_label_new (titles[i]);

      pane->view = self;
      pane->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
      pane->canvas = BW_CANVAS (bw_canvas_new ());
      pane->renderer = bw_annotation_renderer_new ();
      pane->set = g_steal_pointer (&sets->pdata[i]);
      bw_annotation_renderer_set_categories (pane->renderer, categories);
      bw_annotation_renderer_set_show_labels (pane->renderer, TRUE);

      gtk_widget_add_css_class (title, "heading");
      gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
      gtk_box_append (GTK_BOX (pane->box), title);
      gtk_widget_set_hexpand (GTK_WIDGET (pane->canvas), TRUE);
      gtk_widget_set_vexpand (GTK_WIDGET (pane->canvas), TRUE);
      gtk_box_append (GTK_BOX (pane->box), GTK_WIDGET (pane->canvas));
      gtk_box_append (GTK_BOX (self), pane->box);

      bw_canvas_set_overlay_func (pane->canvas, overlay_cb, pane, NULL);
      g_signal_connect_object (pane->canvas, "view-changed", G_CALLBACK (view_changed_cb), self, 0);
      bw_canvas_load_image (pane->canvas, self->project, image);
      g_ptr_array_add (self->panes, pane);
    }

  return TRUE;
}

guint
bw_compare_view_get_n_panes (BwCompareView *self)
{
  g_return_val_if_fail (BW_IS_COMPARE_VIEW (self), 0);

  return self->panes->len;
}

/* Returns: (transfer none): the canvas of pane @pane */
BwCanvas *
bw_compare_view_get_canvas (BwCompareView *self,
                            guint          pane)
{
  g_return_val_if_fail (BW_IS_COMPARE_VIEW (self), NULL);
  g_return_val_if_fail (pane < self->panes->len, NULL);

  return ((Pane *) self->panes->pdata[pane])->canvas;
}

/* Returns: how many shapes pane @pane draws */
guint
bw_compare_view_get_n_shapes (BwCompareView *self,
                              guint          pane)
{
  g_return_val_if_fail (BW_IS_COMPARE_VIEW (self), 0);
  g_return_val_if_fail (pane < self->panes->len, 0);

  return bw_annotation_set_get_size (((Pane *) self->panes->pdata[pane])->set);
}

static void
bw_compare_view_dispose (GObject *object)
{
  BwCompareView *self = BW_COMPARE_VIEW (object);

  /* The canvases go first: their overlay draws from the panes. */
  clear_panes (self);

  G_OBJECT_CLASS (bw_compare_view_parent_class)->dispose (object);
}

static void
bw_compare_view_finalize (GObject *object)
{
  BwCompareView *self = BW_COMPARE_VIEW (object);

  g_ptr_array_unref (self->panes);
  g_clear_object (&self->project);

  G_OBJECT_CLASS (bw_compare_view_parent_class)->finalize (object);
}

static void
bw_compare_view_class_init (BwCompareViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = bw_compare_view_dispose;
  object_class->finalize = bw_compare_view_finalize;
}

static void
bw_compare_view_init (BwCompareView *self)
{
  self->panes = g_ptr_array_new_with_free_func ((GDestroyNotify) pane_free);
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_HORIZONTAL);
  gtk_box_set_spacing (GTK_BOX (self), 12);
  gtk_box_set_homogeneous (GTK_BOX (self), TRUE);
}

/**
 * bw_compare_view_new:
 * @project: the project whose image and layers are shown
 */
GtkWidget *
bw_compare_view_new (BwProject *project)
{
  BwCompareView *self;

  g_return_val_if_fail (BW_IS_PROJECT (project), NULL);

  self = g_object_new (BW_TYPE_COMPARE_VIEW, NULL);
  self->project = g_object_ref (project);
  return GTK_WIDGET (self);
}
