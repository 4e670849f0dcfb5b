/* bench-viewer.c — time to first visible paint of a large JPEG
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Generates a 6000 × 4000 JPEG (quality 90, 4:2:0), shows a BwCanvas in a
 * 1200 × 800 window, and measures from bw_canvas_load_file() to:
 *
 *   first-paint-ms   the end of the first frame that shows the image
 *                    (fitted to the window: a scaled decode, when faster)
 *   full-res-ms      the full-resolution pixels and pyramid ready to draw
 *
 * next to a plain tjDecompress2() of the same file into BGRA in the same
 * process, as a baseline. Median of several runs, each in a new window
 * (so no cached decode is reused).
 */

#define G_LOG_DOMAIN "bench-viewer"

#include "config.h"

#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <turbojpeg.h>

#include "bw-canvas.h"
#include "bw-test-images.h"

#define WIDTH  6000
#define HEIGHT 4000
#define RUNS   7

typedef struct
{
  gint64 start;
  gint64 overlay;     /* first snapshot that had the image */
  gint64 painted;     /* end of that frame */
  gint64 ready;       /* full resolution */
} Run;

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
median (double *values,
        guint   n)
{
  qsort (values, n, sizeof *values, compare_doubles);
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2.0;
}

static void
overlay_cb (BwCanvas *canvas,
            cairo_t  *cr,
            int       width,
            int       height,
            gpointer  user_data)
{
  Run *run = user_data;

  if (run->overlay == 0)
    run->overlay = g_get_monotonic_time ();
}

static void
after_paint_cb (GdkFrameClock *clock,
                Run           *run)
{
  if (run->overlay != 0 && run->painted == 0)
    run->painted = g_get_monotonic_time ();
}

static void
state_cb (BwCanvas   *canvas,
          GParamSpec *pspec,
          Run        *run)
{
  if (bw_canvas_get_state (canvas) == BW_CANVAS_STATE_READY && run->ready == 0)
    run->ready = g_get_monotonic_time ();
  if (bw_canvas_get_state (canvas) == BW_CANVAS_STATE_ERROR)
    g_error ("%s", bw_canvas_get_error (canvas)->message);
}

static void
iterate_for (gint64 usec)
{
  gint64 end = g_get_monotonic_time () + usec;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
}

static void
measure (GFile *file,
         Run   *run)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *canvas = bw_canvas_new ();
  GdkFrameClock *clock;
  gulong handler;
  gint64 deadline;

  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 800);
  gtk_window_set_child (GTK_WINDOW (window), canvas);
  gtk_window_present (GTK_WINDOW (window));
  while (gtk_widget_get_width (canvas) <= 0)
    g_main_context_iteration (NULL, TRUE);
  iterate_for (G_USEC_PER_SEC / 5);

  memset (run, 0, sizeof *run);
  bw_canvas_set_overlay_func (BW_CANVAS (canvas), overlay_cb, run, NULL);
  g_signal_connect (canvas, "notify::state", G_CALLBACK (state_cb), run);
  clock = gtk_widget_get_frame_clock (canvas);
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), run);

  run->start = g_get_monotonic_time ();
  bw_canvas_load_file (BW_CANVAS (canvas), file, 1, WIDTH, HEIGHT);

  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while ((run->painted == 0 || run->ready == 0) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  if (run->painted == 0 || run->ready == 0)
    g_error ("The image was not shown within a minute");

  g_signal_handler_disconnect (clock, handler);
  gtk_window_destroy (GTK_WINDOW (window));
  iterate_for (G_USEC_PER_SEC / 10);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree guint8 *buffer = NULL;
  gchar *data = NULL;
  gsize size = 0;
  double first_paint[RUNS], full_res[RUNS], plain[RUNS];
  tjhandle handle;

  gtk_init ();

  dir = g_dir_make_tmp ("bw-bench-viewer-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "large.jpg", NULL);
  if (!bw_test_write_jpeg (path, WIDTH, HEIGHT, 90, TJSAMP_420, 3, &error))
    g_error ("%s", error->message);
  file = g_file_new_for_path (path);

  /* Baseline: a plain full decode of the bytes read from the file. */
  handle = tjInitDecompress ();
  buffer = g_malloc ((gsize) WIDTH * HEIGHT * 4);
  for (guint i = 0; i < RUNS; i++)
    {
      gint64 t0 = g_get_monotonic_time ();

      if (!g_file_get_contents (path, &data, &size, &error))
        g_error ("%s", error->message);
      if (tjDecompress2 (handle, (const guint8 *) data, size, buffer, WIDTH, WIDTH * 4, HEIGHT,
                         TJPF_BGRA, 0) != 0)
        g_error ("tjDecompress2: %s", tjGetErrorStr2 (handle));
      plain[i] = (g_get_monotonic_time () - t0) / 1000.0;
      g_free (data);
    }
  tjDestroy (handle);

  for (guint i = 0; i < RUNS; i++)
    {
      Run run;

      measure (file, &run);
      first_paint[i] = (run.painted - run.start) / 1000.0;
      full_res[i] = (run.ready - run.start) / 1000.0;
    }

  g_print ("# %d × %d JPEG, quality 90, 4:2:0, %.1f MB, in a 1200 × 800 window; median of %d runs\n",
           WIDTH, HEIGHT, size / 1e6, RUNS);
  g_print ("first-paint-ms (fitted, on screen):         %8.1f ms\n", median (first_paint, RUNS));
  g_print ("full-res-ms (full resolution + pyramid):    %8.1f ms\n", median (full_res, RUNS));
  g_print ("plain tjDecompress2 (read + full decode):   %8.1f ms\n", median (plain, RUNS));

  g_unlink (path);
  g_rmdir (dir);

  return 0;
}
