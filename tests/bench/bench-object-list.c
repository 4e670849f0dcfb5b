/* bench-object-list.c — the canvas and the object list with 11,000 shapes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The scene of bench-canvas (a 4000 × 3000 image, 10,000 boxes and 1,000
 * polygons of 50 vertices, fixed seed), saved in a project and opened in
 * the real window, so the object list lists all 11,000 shapes. Needs a
 * display (Xvfb will do). Prints the median of several runs:
 *
 *   full-redraw-ms      the shapes drawn by the window's controller into a
 *                       1920 × 1080 frame, nothing cached, the list shown
 *   selection-sync-ms   one shape picked (as a click on the canvas does):
 *                       the controller, the list's model and the list view
 *                       told, the row scrolled to
 *   selection-frame-ms  the window's next frame after it: the list
 *                       scrolled to the row, layout and paint of the window
 *   canvas-frame-ms     for comparison, a frame of the same window where
 *                       only the canvas is drawn again (on Xvfb, most of a
 *                       frame is painting the image in software)
 */

#define G_LOG_DOMAIN "bench-object-list"

#include "config.h"

#include <glib/gstdio.h>
#include <math.h>

#include "bw-annotation-tools.h"
#include "bw-application.h"
#include "bw-importer.h"
#include "bw-object-list.h"
#include "bw-test-images.h"
#include "bw-window.h"

#define IMAGE_WIDTH   4000
#define IMAGE_HEIGHT  3000
#define VIEW_WIDTH    1920
#define VIEW_HEIGHT   1080
#define N_BOXES       10000
#define N_POLYGONS    1000
#define N_VERTICES    50
#define N_CATEGORIES  12
#define N_RUNS        15

static const char *colors[N_CATEGORIES] = {
  "#e01b24", "#2ec27e", "#3584e4", "#f6d32d", "#9141ac", "#ff7800",
  "#1a5fb4", "#26a269", "#c64600", "#813d9c", "#e5a50a", "#63452c",
};

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double da = *(const double *) a, db = *(const double *) b;

  return (da > db) - (da < db);
}

static double
median (double *values,
        guint   n)
{
  qsort (values, n, sizeof (double), compare_double);
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

static void
make_project (const char *dir,
              const char *path)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261128);
  g_autofree char *image = g_build_filename (dir, "scene.jpg", NULL);
  const char *paths[] = { image, NULL };
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(BwProject) project = NULL;
  g_autoptr(BwImporter) importer = NULL;
  g_autoptr(BwImportReport) report = NULL;
  g_autoptr(GArray) images = NULL;
  g_autoptr(GError) error = NULL;
  gint64 categories[N_CATEGORIES];
  gint64 person, layer;

  if (!bw_test_write_jpeg (image, IMAGE_WIDTH, IMAGE_HEIGHT, 85, 2, 1, &error) ||
      !(project = bw_project_create (file, &error)))
    g_error ("%s", error->message);
  importer = bw_importer_new (project);
  report = bw_importer_run (importer, paths, NULL, &error);
  g_assert_no_error (error);
  images = bw_project_list_image_ids (project, -1, NULL, NULL);

  for (guint i = 0; i < N_CATEGORIES; i++)
    {
      g_autofree char *name = g_strdup_printf ("category %u", i + 1);

      if (!bw_project_add_category (project, name, NULL, colors[i], &categories[i], &error))
        g_error ("%s", error->message);
    }

  if (!bw_project_ensure_person (project, "bench", BW_ROLE_ANNOTATOR, &person, &error) ||
      !bw_project_ensure_layer (project, g_array_index (images, gint64, 0), person,
                                BW_LAYER_KIND_WORK, &layer, &error) ||
      !bw_project_begin (project, &error))
    g_error ("%s", error->message);

  for (guint i = 0; i < N_BOXES; i++)
    {
      double w = g_rand_double_range (rand, 8, 160);
      double h = g_rand_double_range (rand, 8, 160);
      double x = g_rand_double_range (rand, 0, IMAGE_WIDTH - w);
      double y = g_rand_double_range (rand, 0, IMAGE_HEIGHT - h);
      g_autoptr(BwShape) shape = bw_shape_new_box (x, y, x + w, y + h);

      if (!bw_project_add_annotation (project, layer, categories[g_rand_int_range (rand, 0, N_CATEGORIES)],
                                      shape, BW_SOURCE_DRAWN, 1.0, NULL, &error))
        g_error ("%s", error->message);
    }

  for (guint i = 0; i < N_POLYGONS; i++)
    {
      BwPoint points[N_VERTICES];
      double r = g_rand_double_range (rand, 20, 150);
      double cx = g_rand_double_range (rand, r, IMAGE_WIDTH - r);
      double cy = g_rand_double_range (rand, r, IMAGE_HEIGHT - r);
      g_autoptr(BwShape) shape = NULL;

      for (guint k = 0; k < N_VERTICES; k++)
        {
          double angle = 2 * G_PI * k / N_VERTICES;
          double rr = r * g_rand_double_range (rand, 0.6, 1.0);

          points[k].x = cx + rr * cos (angle);
          points[k].y = cy + rr * sin (angle);
        }
      shape = bw_shape_new_polygon (points, N_VERTICES);
      if (!bw_project_add_annotation (project, layer, categories[g_rand_int_range (rand, 0, N_CATEGORIES)],
                                      shape, BW_SOURCE_DRAWN, 1.0, NULL, &error))
        g_error ("%s", error->message);
    }

  if (!bw_project_commit (project, &error))
    g_error ("%s", error->message);
}

static gboolean
list_full (gpointer data)
{
  return g_list_model_get_n_items (data) == N_BOXES + N_POLYGONS;
}

static void
iterate_until (gboolean (*done) (gpointer),
               gpointer  data)
{
  gint64 deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;

  while (!done (data))
    {
      g_main_context_iteration (NULL, FALSE);
      if (g_get_monotonic_time () > deadline)
        g_error ("timed out");
    }
}

typedef struct
{
  gint64 start;
  gint64 end;
} Frame;

static void
frame_update_cb (GdkFrameClock *clock,
                 Frame         *frame)
{
  if (frame->start == 0)
    frame->start = g_get_monotonic_time ();
}

static void
frame_after_paint_cb (GdkFrameClock *clock,
                      Frame         *frame)
{
  if (frame->start != 0 && frame->end == 0)
    frame->end = g_get_monotonic_time ();
}

static gboolean
frame_done (gpointer data)
{
  return ((Frame *) data)->end != 0;
}

static gboolean
canvas_ready (gpointer data)
{
  return bw_canvas_get_state (bw_window_get_canvas (data)) == BW_CANVAS_STATE_READY;
}

static GtkWidget *
find_object_list (GtkWidget *root)
{
  if (BW_IS_OBJECT_LIST (root))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_object_list (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  g_autoptr(BwApplication) app = NULL;
  BwAnnotationController *controller;
  BwObjectListModel *model;
  GdkFrameClock *clock;
  BwWindow *window;
  cairo_surface_t *target;
  cairo_t *cr;
  double scale = MIN ((double) VIEW_WIDTH / IMAGE_WIDTH, (double) VIEW_HEIGHT / IMAGE_HEIGHT);
  double times[N_RUNS], frames[N_RUNS];
  gint64 start;

  if (!gtk_init_check ())
    {
      g_print ("# no display: run under Xvfb (xvfb-run meson test --benchmark)\n");
      return 0;
    }
  adw_init ();

  dir = g_dir_make_tmp ("bench-object-list-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "bench.boxwood", NULL);
  start = g_get_monotonic_time ();
  make_project (dir, path);
  g_printerr ("(project with %u shapes made in %.1f s)\n", N_BOXES + N_POLYGONS,
              (g_get_monotonic_time () - start) / 1e6);

  app = bw_application_new ();
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  window = bw_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1600, 1000);
  bw_window_set_user_name (window, "bench");
  file = g_file_new_for_path (path);
  start = g_get_monotonic_time ();
  bw_window_open_project (window, file);
  gtk_window_present (GTK_WINDOW (window));
  controller = bw_annotation_tools_get (window);
  model = bw_object_list_get_model (BW_OBJECT_LIST (find_object_list (GTK_WIDGET (window))));
  iterate_until (canvas_ready, window);
  iterate_until (list_full, model);
  g_printerr ("(image and 11,000 shapes shown, listed, in %.1f s)\n",
              (g_get_monotonic_time () - start) / 1e6);

  /* Full redraw, as bench-canvas, through the window's controller. */
  target = cairo_image_surface_create (CAIRO_FORMAT_RGB24, VIEW_WIDTH, VIEW_HEIGHT);
  cr = cairo_create (target);
  for (guint run = 0; run < N_RUNS; run++)
    {
      start = g_get_monotonic_time ();
      bw_annotation_controller_set_view (controller, scale, (VIEW_WIDTH - IMAGE_WIDTH * scale) / 2,
                                         (VIEW_HEIGHT - IMAGE_HEIGHT * scale) / 2 + run * 1e-3);
      bw_annotation_renderer_invalidate (bw_annotation_controller_get_renderer (controller));
      cairo_set_source_rgb (cr, 0.14, 0.14, 0.14);
      cairo_paint (cr);
      bw_annotation_controller_draw (controller, cr, VIEW_WIDTH, VIEW_HEIGHT);
      cairo_surface_flush (target);
      times[run] = (g_get_monotonic_time () - start) / 1000.0;
    }
  g_print ("full-redraw-ms: %.2f\n", median (times, N_RUNS));
  cairo_destroy (cr);
  cairo_surface_destroy (target);

  /* Selection: a random shape each time, as a click on the canvas. */
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  for (guint run = 0; run < N_RUNS; run++)
    {
      const BwAnnotation *a = bw_annotation_set_get_nth (bw_annotation_controller_get_annotations (controller),
                                                         g_rand_int_range (rand, 0, N_BOXES + N_POLYGONS));
      Frame frame = { 0, 0 };
      gulong update_id, paint_id;

      /* Settle first, so the frame measured is this selection's. */
      while (g_main_context_pending (NULL))
        g_main_context_iteration (NULL, FALSE);

      start = g_get_monotonic_time ();
      bw_annotation_controller_select (controller, &a->id, 1);
      times[run] = (g_get_monotonic_time () - start) / 1000.0;
      g_assert_true (gtk_selection_model_is_selected (GTK_SELECTION_MODEL (model),
                                                      bw_object_list_model_find (model, a->id)));

      update_id = g_signal_connect (clock, "before-paint", G_CALLBACK (frame_update_cb), &frame);
      paint_id = g_signal_connect (clock, "after-paint", G_CALLBACK (frame_after_paint_cb), &frame);
      iterate_until (frame_done, &frame);
      g_signal_handler_disconnect (clock, update_id);
      g_signal_handler_disconnect (clock, paint_id);
      frames[run] = (frame.end - frame.start) / 1000.0;
    }
  g_print ("selection-sync-ms: %.3f\n", median (times, N_RUNS));
  g_print ("selection-frame-ms: %.2f\n", median (frames, N_RUNS));

  for (guint run = 0; run < N_RUNS; run++)
    {
      Frame frame = { 0, 0 };
      gulong update_id, paint_id;

      while (g_main_context_pending (NULL))
        g_main_context_iteration (NULL, FALSE);
      update_id = g_signal_connect (clock, "before-paint", G_CALLBACK (frame_update_cb), &frame);
      paint_id = g_signal_connect (clock, "after-paint", G_CALLBACK (frame_after_paint_cb), &frame);
      bw_canvas_queue_redraw (bw_window_get_canvas (window));
      iterate_until (frame_done, &frame);
      g_signal_handler_disconnect (clock, update_id);
      g_signal_handler_disconnect (clock, paint_id);
      frames[run] = (frame.end - frame.start) / 1000.0;
    }
  g_print ("canvas-frame-ms: %.2f\n", median (frames, N_RUNS));

  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
  {
    g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
    const char *name;

    while (d != NULL && (name = g_dir_read_name (d)) != NULL)
      {
        g_autofree char *p = g_build_filename (dir, name, NULL);
        g_unlink (p);
      }
    g_rmdir (dir);
  }

  return 0;
}
