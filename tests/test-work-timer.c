/* test-work-timer.c — active time on an image, on a clock the test moves
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "bw-work-timer.h"

#define S G_USEC_PER_SEC

typedef struct
{
  char      *dir;
  BwProject *project;
  gint64     images[2];
  gint64     people[2];
  gint64     clock;             /* µs */
} Fixture;

static gint64
test_clock (gpointer user_data)
{
  return ((Fixture *) user_data)->clock;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;

  f->dir = g_dir_make_tmp ("bw-test-work-timer-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "t.boxwood", NULL);
  file = g_file_new_for_path (path);
  f->project = bw_project_create (file, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *name = g_strdup_printf ("%u.jpg", i);
      g_autofree char *hash = g_strdup_printf ("%u", i);
      BwImage image = { .path = name, .width = 64, .height = 64, .content_hash = hash };

      g_assert_true (bw_project_add_image (f->project, &image, &f->images[i], &error));
      g_assert_true (bw_project_ensure_person (f->project, i == 0 ? "ann" : "bob", BW_ROLE_ANNOTATOR,
                                               &f->people[i], &error));
    }
  g_assert_no_error (error);
  f->clock = 1000 * S;
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "t.boxwood", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  g_assert_finalize_object (f->project);
  g_remove (path);
  g_remove (wal);
  g_remove (shm);
  g_rmdir (f->dir);
  g_free (f->dir);
}

static BwWorkTimer *
new_timer (Fixture *f)
{
  BwWorkTimer *timer = bw_work_timer_new (f->project);

  bw_work_timer_set_clock (timer, test_clock, f);
  return timer;
}

/* Time counts while focused and within a minute of the last input. */
static void
test_counting (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(BwWorkTimer) timer = new_timer (f);
  g_autoptr(GError) error = NULL;

  g_assert_true (bw_work_timer_set_subject (timer, f->images[0], f->people[0], BW_TASK_ANNOTATE, &error));
  g_assert_no_error (error);

  /* Focused, but no input yet: nothing. */
  bw_work_timer_set_focused (timer, TRUE);
  f->clock += 30 * S;
  g_assert_cmpfloat (bw_work_timer_get_seconds (timer), ==, 0.0);

  /* Input at 0 and 20 s; read at 50 s: 50 s. */
  bw_work_timer_input (timer);
  f->clock += 20 * S;
  bw_work_timer_input (timer);
  f->clock += 30 * S;
  g_assert_cmpfloat_with_epsilon (bw_work_timer_get_seconds (timer), 50.0, 1e-9);

  /* Nothing more for five minutes: counted up to a minute after the last
   * input, 20 + 60 = 80 s. */
  f->clock += 300 * S;
  g_assert_cmpfloat_with_epsilon (bw_work_timer_get_seconds (timer), 80.0, 1e-9);

  /* The focus goes elsewhere 10 s after an input and comes back 40 s
   * later: the 40 s do not count, the 10 before and after do. */
  bw_work_timer_input (timer);
  f->clock += 10 * S;
  bw_work_timer_set_focused (timer, FALSE);
  f->clock += 40 * S;
  bw_work_timer_set_focused (timer, TRUE);
  f->clock += 10 * S;
  g_assert_cmpfloat_with_epsilon (bw_work_timer_get_seconds (timer), 100.0, 1e-9);

  /* Back after the input went stale: only new input starts it again. */
  f->clock += 100 * S;
  g_assert_cmpfloat_with_epsilon (bw_work_timer_get_seconds (timer), 100.0, 1e-9);
  bw_work_timer_set_focused (timer, FALSE);
  f->clock += 100 * S;
  bw_work_timer_set_focused (timer, TRUE);
  f->clock += 5 * S;
  g_assert_cmpfloat_with_epsilon (bw_work_timer_get_seconds (timer), 100.0, 1e-9);
  bw_work_timer_input (timer);
  f->clock += 5 * S;
  g_assert_cmpfloat_with_epsilon (bw_work_timer_get_seconds (timer), 105.0, 1e-9);

  /* Nothing is in the store until a flush. */
  g_assert_cmpfloat (bw_project_get_work_time (f->project, f->images[0], f->people[0], BW_TASK_ANNOTATE),
                     ==, 0.0);
  g_assert_cmpfloat_with_epsilon (bw_work_timer_get_pending (timer), 105.0, 1e-9);
  g_assert_true (bw_work_timer_flush (timer, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (bw_project_get_work_time (f->project, f->images[0], f->people[0],
                                                            BW_TASK_ANNOTATE), 105.0, 1e-6);
  g_assert_cmpfloat (bw_work_timer_get_pending (timer), ==, 0.0);
  g_assert_cmpfloat_with_epsilon (bw_work_timer_get_seconds (timer), 105.0, 1e-6);
}

/* Each (image, person, task) has its own time; changing the subject
 * writes the old one's, and the new one starts from what is stored. */
static void
test_subjects (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(BwWorkTimer) timer = new_timer (f);
  g_autoptr(GError) error = NULL;

  /* No person: nothing is counted. */
  bw_work_timer_set_focused (timer, TRUE);
  bw_work_timer_input (timer);
  g_assert_true (bw_work_timer_set_subject (timer, f->images[0], 0, BW_TASK_ANNOTATE, &error));
  f->clock += 10 * S;
  g_assert_cmpfloat (bw_work_timer_get_seconds (timer), ==, 0.0);

  g_assert_true (bw_work_timer_set_subject (timer, f->images[0], f->people[0], BW_TASK_ANNOTATE, &error));
  bw_work_timer_input (timer);
  f->clock += 12 * S;
  /* The input before the move still counts on the next image. */
  g_assert_true (bw_work_timer_set_subject (timer, f->images[1], f->people[0], BW_TASK_ANNOTATE, &error));
  f->clock += 3 * S;
  g_assert_true (bw_work_timer_set_subject (timer, f->images[1], f->people[0], BW_TASK_REVIEW, &error));
  f->clock += 4 * S;
  g_assert_true (bw_work_timer_set_subject (timer, f->images[0], f->people[1], BW_TASK_ANNOTATE, &error));
  bw_work_timer_input (timer);
  f->clock += 7 * S;
  g_assert_true (bw_work_timer_set_subject (timer, f->images[0], f->people[0], BW_TASK_ANNOTATE, &error));
  g_assert_no_error (error);

  g_assert_cmpfloat_with_epsilon (bw_project_get_work_time (f->project, f->images[0], f->people[0],
                                                            BW_TASK_ANNOTATE), 12.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (bw_project_get_work_time (f->project, f->images[1], f->people[0],
                                                            BW_TASK_ANNOTATE), 3.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (bw_project_get_work_time (f->project, f->images[1], f->people[0],
                                                            BW_TASK_REVIEW), 4.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (bw_project_get_work_time (f->project, f->images[0], f->people[1],
                                                            BW_TASK_ANNOTATE), 7.0, 1e-6);

  /* Back on the first: its 12 s are shown, and more adds to them. */
  g_assert_cmpfloat_with_epsilon (bw_work_timer_get_seconds (timer), 12.0, 1e-6);
  bw_work_timer_input (timer);
  f->clock += 8 * S;
  g_assert_cmpfloat_with_epsilon (bw_work_timer_get_seconds (timer), 20.0, 1e-6);
  g_assert_true (bw_work_timer_set_subject (timer, 0, 0, BW_TASK_ANNOTATE, &error));
  g_assert_cmpfloat_with_epsilon (bw_project_get_work_time (f->project, f->images[0], f->people[0],
                                                            BW_TASK_ANNOTATE), 20.0, 1e-6);
}

/* Random sessions against a second reckoning: the time cut in 100 ms
 * ticks, each counted when the window had the focus and an input came
 * at most a minute before it. Events fall on tick boundaries, so both
 * must agree exactly. */
static void
test_against_ticks (Fixture       *f,
                    gconstpointer  data)
{
  const gint64 tick = G_USEC_PER_SEC / 10;
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261129);

  for (guint run = 0; run < 20; run++)
    {
      g_autoptr(BwWorkTimer) timer = new_timer (f);
      g_autoptr(GError) error = NULL;
      gint64 start = f->clock, end = start + 30 * 60 * S;
      gboolean focused = FALSE;
      gint64 last_input = G_MININT64;
      gint64 expected_ticks = 0;
      gint64 next_event;
      double before;

      g_assert_true (bw_work_timer_set_subject (timer, f->images[run % 2], f->people[0],
                                                BW_TASK_ANNOTATE, &error));
      before = bw_work_timer_get_seconds (timer);
      next_event = start;
      for (gint64 t = start; t < end; t += tick)
        {
          while (t == next_event)
            {
              int kind = g_rand_int_range (rand, 0, 10);

              if (kind < 6)
                {
                  bw_work_timer_input (timer);
                  last_input = t;
                }
              else if (kind < 8)
                {
                  focused = !focused;
                  bw_work_timer_set_focused (timer, focused);
                }
              else if (kind < 9)
                g_assert_true (bw_work_timer_flush (timer, &error));
              else
                bw_work_timer_get_seconds (timer);
              /* Bursts of events, then pauses of up to two minutes. */
              next_event = t + tick * (g_rand_boolean (rand) ? 0 : g_rand_int_range (rand, 1, 1200));
            }
          if (focused && last_input != G_MININT64 && t - last_input < BW_WORK_TIMER_IDLE_LIMIT_US)
            expected_ticks++;
          f->clock = t + tick;
        }

      g_assert_cmpfloat_with_epsilon (bw_work_timer_get_seconds (timer) - before,
                                      expected_ticks * 0.1, 1e-6);
      g_assert_true (bw_work_timer_flush (timer, &error));
      g_assert_no_error (error);
      g_assert_cmpfloat_with_epsilon (bw_project_get_work_time (f->project, f->images[run % 2], f->people[0],
                                                                BW_TASK_ANNOTATE) - before,
                                      expected_ticks * 0.1, 1e-6);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/core/work-timer/counting", Fixture, NULL, fixture_set_up, test_counting, fixture_tear_down);
  g_test_add ("/core/work-timer/subjects", Fixture, NULL, fixture_set_up, test_subjects, fixture_tear_down);
  g_test_add ("/core/work-timer/against-ticks", Fixture, NULL, fixture_set_up, test_against_ticks,
              fixture_tear_down);

  return g_test_run ();
}
