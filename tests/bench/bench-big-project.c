/* bench-big-project.c — open a project of 100,000 images and 1,000,000
 * annotations and show its first image
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The project is generated once (kept in the build folder, since making
 * it takes a while) through the store API inside one transaction. Its
 * 100,000 images are 8 real 1600 × 1200 JPEGs, each reached through
 * 12,500 symbolic links: paths must be unique in a project, the bytes need
 * not be. Each image has one annotator's layer of 10 boxes.
 *
 * Each measured run is a new process (so the peak RSS is the run's own):
 * it makes the real main window, opens the project in it and waits until
 * the first image is drawn at full resolution. It reports:
 *
 *   open-ms          bw_window_open_project() (store, image list model)
 *   first-image-ms   from the start to the end of the first frame showing
 *                    the first image at full resolution
 *   peak-rss-mb      VmHWM from /proc/self/status at that moment
 *
 * and the parent prints the medians. The parent also times, in the core
 * alone, listing the images in each order of the image list (by name,
 * date added, status) beside the plain list in import order, and one
 * look for another program's changes (bw_project_poll_external_change())
 * when there is none and after another connection changed one image.
 */

#define G_LOG_DOMAIN "bench-big-project"

#include "config.h"

#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <locale.h>
#include <turbojpeg.h>
#include <unistd.h>

#include "bw-application.h"
#include "bw-canvas.h"
#include "bw-test-images.h"
#include "bw-window.h"

#define N_IMAGES        100000
#define N_PER_IMAGE     10
#define N_REAL          8
#define REAL_WIDTH      1600
#define REAL_HEIGHT     1200
#define RUNS            5

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

static double
peak_rss_mb (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  line = strstr (status, "VmHWM:");
  if (line == NULL)
    return -1;

  return g_ascii_strtod (line + strlen ("VmHWM:"), NULL) / 1024.0;
}

static void
generate (const char *dir,
          const char *project_path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (project_path);
  g_autoptr(BwProject) project = NULL;
  g_autofree char *images_dir = g_build_filename (dir, "images", NULL);
  gint64 sizes[N_REAL];
  gint64 person_id, category_id;
  gint64 t0 = g_get_monotonic_time ();

  g_mkdir_with_parents (images_dir, 0755);
  for (int i = 0; i < N_REAL; i++)
    {
      g_autofree char *name = g_strdup_printf ("real-%d.jpg", i);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      GStatBuf st;

      if (!bw_test_write_jpeg (path, REAL_WIDTH, REAL_HEIGHT, 85, TJSAMP_420, i, &error))
        g_error ("%s", error->message);
      g_assert_cmpint (g_stat (path, &st), ==, 0);
      sizes[i] = st.st_size;
    }

  for (int i = 0; i < N_IMAGES; i++)
    {
      g_autofree char *name = g_strdup_printf ("%06d.jpg", i);
      g_autofree char *link = g_build_filename (images_dir, name, NULL);
      g_autofree char *target = g_strdup_printf ("../real-%d.jpg", i % N_REAL);

      if (symlink (target, link) != 0 && errno != EEXIST)
        g_error ("symlink %s: %s", link, g_strerror (errno));
    }

  g_unlink (project_path);
  project = bw_project_create (file, &error);
  g_assert_no_error (error);

  if (!bw_project_begin (project, &error) ||
      !bw_project_ensure_person (project, "generator", BW_ROLE_ANNOTATOR, &person_id, &error) ||
      !bw_project_add_category (project, "thing", "", "#e01b24", &category_id, &error))
    g_error ("%s", error->message);

  for (int i = 0; i < N_IMAGES; i++)
    {
      g_autofree char *path = g_strdup_printf ("images/%06d.jpg", i);
      g_autofree char *hash = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) path, strlen (path));
      BwImage image = {
        .path = path,
        .width = REAL_WIDTH,
        .height = REAL_HEIGHT,
        .byte_size = sizes[i % N_REAL],
        .content_hash = hash,
        .orientation = 1,
        .status = BW_IMAGE_STATUS_NEW,
      };
      gint64 image_id, layer_id;

      if (!bw_project_add_image (project, &image, &image_id, &error) ||
          !bw_project_ensure_layer (project, image_id, person_id, BW_LAYER_KIND_WORK, &layer_id, &error))
        g_error ("%s", error->message);

      for (int k = 0; k < N_PER_IMAGE; k++)
        {
          double x = 50 + k * 140, y = 100 + (k % 3) * 300;
          g_autoptr(BwShape) shape = bw_shape_new_box (x, y, x + 120, y + 200);

          if (!bw_project_add_annotation (project, layer_id, category_id, shape,
                                          BW_SOURCE_DRAWN, 1.0, NULL, &error))
            g_error ("%s", error->message);
        }
    }

  if (!bw_project_commit (project, &error))
    g_error ("%s", error->message);

  g_print ("# generated %d images, %d annotations in %.1f s\n",
           N_IMAGES, N_IMAGES * N_PER_IMAGE, (g_get_monotonic_time () - t0) / 1e6);
}

typedef struct
{
  BwCanvas *canvas;
  gboolean  ready;
  gint64    painted;
} Wait;

static void
after_paint_cb (GdkFrameClock *clock,
                Wait          *wait)
{
  if (wait->ready && wait->painted == 0)
    wait->painted = g_get_monotonic_time ();
}

static void
state_cb (BwCanvas   *canvas,
          GParamSpec *pspec,
          Wait       *wait)
{
  if (bw_canvas_get_state (canvas) == BW_CANVAS_STATE_READY)
    {
      wait->ready = TRUE;
      gtk_widget_queue_draw (GTK_WIDGET (canvas));
    }
  else if (bw_canvas_get_state (canvas) == BW_CANVAS_STATE_ERROR)
    g_error ("%s", bw_canvas_get_error (canvas)->message);
}

static int
measure_once (const char *project_path)
{
  g_autoptr(BwApplication) app = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (project_path);
  g_autoptr(GError) error = NULL;
  BwWindow *window;
  Wait wait = { 0 };
  gint64 t0, t_open, deadline;
  gulong handler;
  GdkFrameClock *clock;

  gtk_init ();
  app = bw_application_new ();
  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    g_error ("%s", error->message);

  t0 = g_get_monotonic_time ();
  window = bw_window_new (app);
  bw_window_set_user_name (window, "bench");
  wait.canvas = bw_window_get_canvas (window);
  g_signal_connect (wait.canvas, "notify::state", G_CALLBACK (state_cb), &wait);

  bw_window_open_project (window, file);
  t_open = g_get_monotonic_time ();
  if (bw_window_get_project (window) == NULL)
    g_error ("The project did not open");
  gtk_window_present (GTK_WINDOW (window));

  clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &wait);

  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (wait.painted == 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  if (wait.painted == 0)
    g_error ("The first image was not shown within a minute");

  g_print ("%.3f %.3f %.3f\n",
           (t_open - t0) / 1000.0, (wait.painted - t0) / 1000.0, peak_rss_mb ());

  g_signal_handler_disconnect (clock, handler);
  gtk_window_destroy (GTK_WINDOW (window));

  return 0;
}

static double
ms_since (gint64 t0)
{
  return (g_get_monotonic_time () - t0) / 1000.0;
}

/* The image list's queries and the change poll, in the core. */
static void
measure_lists (const char *project_path)
{
  g_autoptr(GFile) file = g_file_new_for_path (project_path);
  g_autoptr(GError) error = NULL;
  g_autoptr(BwProject) project = bw_project_open (file, &error);
  g_autoptr(BwProject) other = NULL;
  static const char *names[] = { "name", "added", "status" };
  double plain[RUNS], sorted[3][RUNS], idle[RUNS], changed[RUNS];

  if (project == NULL)
    g_error ("%s", error->message);
  other = bw_project_open (file, &error);
  if (other == NULL)
    g_error ("%s", error->message);

  for (guint i = 0; i < RUNS; i++)
    {
      gint64 t0 = g_get_monotonic_time ();
      g_autoptr(GArray) ids = bw_project_list_image_ids (project, -1, NULL, &error);

      plain[i] = ms_since (t0);
      g_assert_cmpuint (ids->len, ==, N_IMAGES);
      for (guint s = 0; s < 3; s++)
        {
          g_autoptr(GArray) in_order = NULL;

          t0 = g_get_monotonic_time ();
          in_order = bw_project_list_image_ids_sorted (project, -1, NULL, s, &error);
          sorted[s][i] = ms_since (t0);
          g_assert_cmpuint (in_order->len, ==, N_IMAGES);
        }

      t0 = g_get_monotonic_time ();
      g_assert_false (bw_project_poll_external_change (project));
      idle[i] = ms_since (t0);

      if (!bw_project_set_image_status (other, 1 + i, i % 2 ? BW_IMAGE_STATUS_NEW : BW_IMAGE_STATUS_EXCLUDED, &error))
        g_error ("%s", error->message);
      t0 = g_get_monotonic_time ();
      g_assert_true (bw_project_poll_external_change (project));
      changed[i] = ms_since (t0);
    }
  /* Left as generated. */
  if (!bw_project_set_image_status (other, 1 + RUNS - 1, BW_IMAGE_STATUS_NEW, &error))
    g_error ("%s", error->message);

  g_print ("list-ms import order (no sort):             %8.1f ms\n", median (plain, RUNS));
  for (guint s = 0; s < 3; s++)
    g_print ("list-ms by %-6s (image list order):        %8.1f ms\n", names[s], median (sorted[s], RUNS));
  g_print ("poll-ms nothing changed:                    %8.3f ms\n", median (idle, RUNS));
  g_print ("poll-ms one image changed elsewhere:        %8.3f ms\n", median (changed, RUNS));
}

int
main (int    argc,
      char **argv)
{
  const char *builddir = g_getenv ("G_TEST_BUILDDIR");
  g_autofree char *dir = NULL;
  g_autofree char *project_path = NULL;
  g_autofree char *marker = NULL;
  double open_ms[RUNS], first_ms[RUNS], rss_mb[RUNS];

  setlocale (LC_ALL, "");
  if (argc == 3 && g_str_equal (argv[1], "--measure"))
    return measure_once (argv[2]);

  dir = g_build_filename (builddir ? builddir : g_get_tmp_dir (), "bench-big-project", NULL);
  project_path = g_build_filename (dir, "big.boxwood", NULL);
  marker = g_build_filename (dir, "complete", NULL);
  g_mkdir_with_parents (dir, 0755);

  if (!g_file_test (marker, G_FILE_TEST_EXISTS))
    {
      generate (dir, project_path);
      g_file_set_contents (marker, "", 0, NULL);
    }

  for (guint i = 0; i < RUNS; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *out = NULL;
      int status;
      const char *args[] = { argv[0], "--measure", project_path, NULL };

      if (!g_spawn_sync (NULL, (char **) args, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                         &out, NULL, &status, &error) ||
          !g_spawn_check_wait_status (status, &error))
        g_error ("measuring run: %s", error->message);
      if (sscanf (out, "%lf %lf %lf", &open_ms[i], &first_ms[i], &rss_mb[i]) != 3)
        g_error ("measuring run printed “%s”", out);
    }

  g_print ("# %d images, %d annotations, window 1200 × 800; median of %d runs, each a new process\n",
           N_IMAGES, N_IMAGES * N_PER_IMAGE, RUNS);
  g_print ("open-ms (project and image list):          %8.1f ms\n", median (open_ms, RUNS));
  g_print ("first-image-ms (open to full-res on screen): %6.1f ms   (target < 1000)\n", median (first_ms, RUNS));
  g_print ("peak-rss-mb (VmHWM):                        %8.1f MB   (target < 300)\n", median (rss_mb, RUNS));
  measure_lists (project_path);

  return 0;
}
