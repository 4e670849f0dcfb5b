/* bench-review.c — a reviewer stepping through 10,000 shapes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The main window in review mode on a 4000 × 3000 image whose submitted
 * layer holds 10,000 boxes placed by a fixed seed. Prints medians:
 *
 *   tab-step-ms      Tab: the next shape selected (and the object list's
 *                    selection with it), the canvas zoomed to it, a
 *                    redraw asked for
 *   tab-step-cpu-ms  the same in processor time
 *   tab-overlay-ms   drawing the shapes and the review marks at the view
 *                    Tab made, into a 1920 × 1080 surface (the
 *                    controller's part of the frame)
 *   tab-frame-ms     the window's frame that follows, from before-paint
 *                    to after-paint (the image too, at the zoom of the
 *                    shape: under Xvfb GTK paints with Cairo, without a
 *                    GPU, and the image's scaling dominates)
 *   tab-overlay-cpu-ms  the same in processor time
 *   fit-frame-ms     the same frame with the image fitted, to compare
 *   fit-overlay-ms   the overlay with the image fitted (all 10,000 shapes)
 *   accept-ms        A on the selected shape: the verdict written and
 *                    its step recorded, the marks handed to the renderer
 *   accept-rest-ms   Shift+A once the layer has 1,000 verdicts: the
 *                    other 9,000 accepted as one step (one run)
 *
 * Needs a display (xvfb-run meson test --benchmark); without one it says
 * so and ends.
 */

#define G_LOG_DOMAIN "bench-review"

#include "config.h"

#include <glib/gstdio.h>
#include <time.h>

#include "bw-annotation-tools.h"
#include "bw-application.h"
#include "bw-canvas.h"
#include "bw-importer.h"
#include "bw-test-images.h"
#include "bw-window.h"

#define IMAGE_WIDTH   4000
#define IMAGE_HEIGHT  3000
#define N_BOXES       10000
#define N_RUNS        5
#define N_STEPS       20
#define N_ACCEPTS     200

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

/* This thread's processor time, in µs: on a machine shared with other
 * work the wall clock counts the waits for a processor too. */
static gint64
cpu_now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static void
make_project (const char *dir,
              const char *path)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261129);
  g_autofree char *image = g_build_filename (dir, "scene.jpg", NULL);
  const char *paths[] = { image, NULL };
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(BwProject) project = NULL;
  g_autoptr(BwImporter) importer = NULL;
  g_autoptr(BwImportReport) report = NULL;
  g_autoptr(GArray) images = NULL;
  g_autoptr(GError) error = NULL;
  gint64 category, person, layer;

  if (!bw_test_write_jpeg (image, IMAGE_WIDTH, IMAGE_HEIGHT, 85, 2, 1, &error) ||
      !(project = bw_project_create (file, &error)))
    g_error ("%s", error->message);
  importer = bw_importer_new (project);
  report = bw_importer_run (importer, paths, NULL, &error);
  g_assert_no_error (error);
  images = bw_project_list_image_ids (project, -1, NULL, NULL);

  if (!bw_project_add_category (project, "car", NULL, "#3584e4", &category, &error) ||
      !bw_project_ensure_person (project, "ann", BW_ROLE_ANNOTATOR, &person, &error) ||
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

      if (!bw_project_add_annotation (project, layer, category, shape, BW_SOURCE_DRAWN, 1.0, NULL, &error))
        g_error ("%s", error->message);
    }

  if (!bw_project_commit (project, &error) ||
      !bw_project_submit_layer (project, layer, &error))
    g_error ("%s", error->message);
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

static void
settle (void)
{
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
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
review_ready (gpointer data)
{
  BwWindow *window = data;
  BwAnnotationController *controller = bw_annotation_tools_get (window);

  return bw_canvas_get_state (bw_window_get_canvas (window)) == BW_CANVAS_STATE_READY &&
         bw_annotation_controller_is_review (controller) &&
         bw_annotation_set_get_size (bw_annotation_controller_get_annotations (controller)) == N_BOXES;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(BwApplication) app = NULL;
  BwAnnotationController *controller;
  GdkFrameClock *clock;
  BwWindow *window;
  double steps[N_RUNS], frames[N_RUNS], overlays[N_RUNS], fits[N_RUNS], accepts[N_RUNS];
  double step_cpus[N_RUNS], overlay_cpus[N_RUNS];
  gint64 cpu;
  cairo_surface_t *target = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 1920, 1080);
  cairo_t *cr = cairo_create (target);
  gint64 start;

  if (!gtk_init_check ())
    {
      g_print ("# no display: run under Xvfb (xvfb-run meson test --benchmark)\n");
      return 0;
    }
  adw_init ();

  dir = g_dir_make_tmp ("bench-review-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "bench.boxwood", NULL);
  start = g_get_monotonic_time ();
  make_project (dir, path);
  g_printerr ("(project with %u submitted shapes made in %.1f s)\n", N_BOXES,
              (g_get_monotonic_time () - start) / 1e6);

  app = bw_application_new ();
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  window = bw_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1600, 1000);
  bw_window_set_user_name (window, "rev");
  file = g_file_new_for_path (path);
  bw_window_open_project (window, file);
  gtk_window_present (GTK_WINDOW (window));
  controller = bw_annotation_tools_get (window);

  start = g_get_monotonic_time ();
  g_action_group_change_action_state (G_ACTION_GROUP (window), "mode", g_variant_new_string ("review"));
  iterate_until (review_ready, window);
  settle ();
  g_printerr ("(review mode with %u shapes open in %.1f s)\n", N_BOXES,
              (g_get_monotonic_time () - start) / 1e6);

  clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  for (guint run = 0; run < N_RUNS; run++)
    {
      double step_times[N_STEPS], frame_times[N_STEPS], overlay_times[N_STEPS];
      double step_cpu[N_STEPS], overlay_cpu[N_STEPS];

      for (guint i = 0; i < N_STEPS; i++)
        {
          Frame frame = { 0, 0 };
          gulong update_id, paint_id;

          settle ();
          update_id = g_signal_connect (clock, "before-paint", G_CALLBACK (frame_update_cb), &frame);
          paint_id = g_signal_connect (clock, "after-paint", G_CALLBACK (frame_after_paint_cb), &frame);

          start = g_get_monotonic_time ();
          cpu = cpu_now ();
          if (!bw_annotation_controller_key_press (controller, GDK_KEY_Tab, 0))
            g_error ("Tab was not taken");
          step_cpu[i] = (cpu_now () - cpu) / 1000.0;
          step_times[i] = (g_get_monotonic_time () - start) / 1000.0;

          iterate_until (frame_done, &frame);
          g_signal_handler_disconnect (clock, update_id);
          g_signal_handler_disconnect (clock, paint_id);
          frame_times[i] = (frame.end - frame.start) / 1000.0;

          /* The overlay alone, at the view the frame had. */
          bw_annotation_renderer_invalidate (bw_annotation_controller_get_renderer (controller));
          start = g_get_monotonic_time ();
          cpu = cpu_now ();
          cairo_set_source_rgb (cr, 0.14, 0.14, 0.14);
          cairo_paint (cr);
          bw_annotation_controller_draw (controller, cr, 1920, 1080);
          cairo_surface_flush (target);
          overlay_cpu[i] = (cpu_now () - cpu) / 1000.0;
          overlay_times[i] = (g_get_monotonic_time () - start) / 1000.0;
        }
      step_cpus[run] = median (step_cpu, N_STEPS);
      overlay_cpus[run] = median (overlay_cpu, N_STEPS);
      steps[run] = median (step_times, N_STEPS);
      frames[run] = median (frame_times, N_STEPS);
      overlays[run] = median (overlay_times, N_STEPS);
    }
  g_print ("tab-step-ms: %.3f\n", median (steps, N_RUNS));
  g_print ("tab-step-cpu-ms: %.3f\n", median (step_cpus, N_RUNS));
  g_print ("tab-overlay-ms: %.2f\n", median (overlays, N_RUNS));
  g_print ("tab-overlay-cpu-ms: %.2f\n", median (overlay_cpus, N_RUNS));
  g_print ("tab-frame-ms: %.2f\n", median (frames, N_RUNS));

  bw_canvas_zoom_to_fit (bw_window_get_canvas (window));
  for (guint run = 0; run < N_RUNS; run++)
    {
      Frame frame = { 0, 0 };
      gulong update_id, paint_id;

      settle ();
      update_id = g_signal_connect (clock, "before-paint", G_CALLBACK (frame_update_cb), &frame);
      paint_id = g_signal_connect (clock, "after-paint", G_CALLBACK (frame_after_paint_cb), &frame);
      bw_canvas_queue_redraw (bw_window_get_canvas (window));
      iterate_until (frame_done, &frame);
      g_signal_handler_disconnect (clock, update_id);
      g_signal_handler_disconnect (clock, paint_id);
      fits[run] = (frame.end - frame.start) / 1000.0;
    }
  g_print ("fit-frame-ms: %.2f\n", median (fits, N_RUNS));
  for (guint run = 0; run < N_RUNS; run++)
    {
      bw_annotation_renderer_invalidate (bw_annotation_controller_get_renderer (controller));
      start = g_get_monotonic_time ();
      cairo_set_source_rgb (cr, 0.14, 0.14, 0.14);
      cairo_paint (cr);
      bw_annotation_controller_draw (controller, cr, 1920, 1080);
      cairo_surface_flush (target);
      fits[run] = (g_get_monotonic_time () - start) / 1000.0;
    }
  g_print ("fit-overlay-ms: %.2f\n", median (fits, N_RUNS));

  /* A on 1,000 shapes, one after another, as Tab then A. */
  for (guint run = 0; run < N_RUNS; run++)
    {
      double times[N_ACCEPTS / N_RUNS];

      for (guint i = 0; i < G_N_ELEMENTS (times); i++)
        {
          bw_annotation_controller_key_press (controller, GDK_KEY_Tab, 0);
          settle ();
          start = g_get_monotonic_time ();
          bw_annotation_controller_key_press (controller, GDK_KEY_a, 0);
          times[i] = (g_get_monotonic_time () - start) / 1000.0;
        }
      accepts[run] = median (times, G_N_ELEMENTS (times));
    }
  g_print ("accept-ms: %.3f\n", median (accepts, N_RUNS));

  settle ();
  start = g_get_monotonic_time ();
  bw_annotation_controller_key_press (controller, GDK_KEY_A, GDK_SHIFT_MASK);
  g_print ("accept-rest-ms: %.0f (%u shapes undecided after)\n",
           (g_get_monotonic_time () - start) / 1000.0,
           bw_layer_session_count_undecided (bw_annotation_controller_get_session (controller)));

  cairo_destroy (cr);
  cairo_surface_destroy (target);
  gtk_window_destroy (GTK_WINDOW (window));
  settle ();
  {
    g_autofree char *image = g_build_filename (dir, "scene.jpg", NULL);
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);

    g_unlink (image);
    g_unlink (path);
    g_unlink (wal);
    g_unlink (shm);
    g_rmdir (dir);
  }

  return 0;
}
