/* bw-team-client.c — one simulated member of a team, for tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   bw-team-client URL annotate LOG SECONDS [SEED [THINK_MS [WARMUP]]]
 *       loops claim → 10 edits → submit for SECONDS
 *   bw-team-client URL review LOG SECONDS [SEED [THINK_MS [WARMUP]]]
 *       loops claim review → accept (4 in 5) or return with reason 1
 *
 * With THINK_MS above 0 the client pauses like a person between its
 * actions (after a claim, each edit, a submission, a verdict): a random
 * time between half and one and a half times THINK_MS, so that fifty
 * clients started together do not act in step; the first action waits
 * a random share of THINK_MS. Without it they loop flat out.
 *
 * With WARMUP above 0 the client first does that many rounds (claim →
 * edits → submit, or verdicts) without pausing, logs a line “M”, waits
 * for a line (or the end) on its standard input, and only then starts
 * its SECONDS: a fresh connection's first calls fill the server's caches
 * of that session, which a long-lived one does not pay again, so a
 * benchmark starts every client at once when all are warm and measures
 * from the M on.
 *   bw-team-client URL listen TIMEOUT_MS
 *       prints “listening”, then the payload of the first notification
 *       (or nothing when none came in time), waiting in
 *       bw_team_wait_notification()
 *   bw-team-client URL watch TIMEOUT_MS
 *       the same from a main loop, through bw_team_create_notify_source()
 *
 * The password comes from PGPASSWORD. Each line of LOG is written once
 * the server has acknowledged what it records (the call returned), and
 * flushed at once, so that a client killed with SIGKILL has logged
 * nothing the server did not commit:
 *
 *   C IMAGE ASSIGNMENT LAYER MICROSECONDS    a claim
 *   E ANNOTATION VERSION X0 Y0 X1 Y1 MICROSECONDS
 *                                            an edit, saved
 *   S ASSIGNMENT MICROSECONDS                a submission
 *   L ASSIGNMENT                             the lease had lapsed
 *   V ASSIGNMENT accept|return MICROSECONDS  a verdict
 *   W                                        nothing to claim, waited
 */

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "bw-team.h"

#define EDITS_PER_IMAGE 10

static FILE *log_file;
static int think_ms;
static int warmup;
static gboolean measuring;
static gint64 run_usec;
static gint64 end = G_MAXINT64;   /* until the warm-up is over */
static gint64 warmup_end;

static void
log_line (const char *format,
          ...) G_GNUC_PRINTF (1, 2);

static void
log_line (const char *format,
          ...)
{
  va_list args;

  va_start (args, format);
  vfprintf (log_file, format, args);
  va_end (args);
  fputc ('\n', log_file);
  fflush (log_file);
}

static void
fail (GError *error)
{
  g_printerr ("bw-team-client: %s\n", error->message);
  exit (1);
}

/* A person's pause between two actions (none when flat out or while
 * warming up). */
static void
think (GRand *rand)
{
  if (think_ms > 0 && measuring)
    g_usleep ((gulong) g_rand_int_range (rand, think_ms * 500, think_ms * 1500 + 1));
}

/* The run proper: SECONDS from now, the first action a random share of
 * a pause away. */
static void
start_measuring (GRand *rand)
{
  measuring = TRUE;
  if (warmup > 0)
    {
      char line[8];

      log_line ("M");
      if (fgets (line, sizeof line, stdin) == NULL)
        clearerr (stdin);
    }
  end = g_get_monotonic_time () + run_usec;
  if (think_ms > 0)
    g_usleep ((gulong) g_rand_int_range (rand, 0, think_ms * 1000));
}

/* One more round done; the warm-up ends after WARMUP of them, or after a
 * minute whatever happened (a reviewer finding nothing to review). */
static void
round_done (GRand *rand,
            int   *rounds)
{
  if (!measuring && (++*rounds >= warmup || g_get_monotonic_time () > warmup_end))
    start_measuring (rand);
}

static gboolean
running (GRand *rand)
{
  if (!measuring && g_get_monotonic_time () > warmup_end)
    start_measuring (rand);
  return g_get_monotonic_time () < end;
}

static gboolean
notified_cb (BwTeam     *team,
             const char *payload,
             gpointer    user_data)
{
  GMainLoop *loop = user_data;

  printf ("%s\n", payload);
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

static gboolean
timeout_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

static void
annotate (BwTeam *team,
          GRand  *rand)
{
  int rounds = 0;

  while (running (rand))
    {
      g_autoptr(GError) error = NULL;
      gint64 boxes[3] = { 0, 0, 0 };
      BwTeamClaim claim;
      gboolean found = FALSE;
      gboolean lapsed = FALSE;
      gint64 t0 = g_get_monotonic_time ();

      if (!bw_team_claim_next (team, &claim, &found, &error))
        fail (error);
      if (!found)
        {
          log_line ("W");
          g_usleep (20000);
          continue;
        }
      log_line ("C %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT,
                claim.image_id, claim.assignment_id, claim.layer_id, g_get_monotonic_time () - t0);
      think (rand);

      /* The run ends on time, in the middle of an image too (paced,
       * an image takes a while). */
      for (int i = 0; i < EDITS_PER_IMAGE && !lapsed && running (rand); i++)
        {
          /* Three new boxes, then changes to them: new versions. */
          int slot = i < 3 ? i : g_rand_int_range (rand, 0, 3);
          BwRect box;
          gint64 id = 0;
          int version = 0;

          box.x0 = g_rand_int_range (rand, 0, 300) + 0.25;
          box.y0 = g_rand_int_range (rand, 0, 200) + 0.5;
          box.x1 = box.x0 + g_rand_int_range (rand, 1, 300);
          box.y1 = box.y0 + g_rand_int_range (rand, 1, 200);
          t0 = g_get_monotonic_time ();
          if (!bw_team_save_box (team, claim.layer_id, boxes[slot], 1 + slot, &box, &id, &version,
                                 &error))
            {
              if (!g_error_matches (error, BW_TEAM_ERROR, BW_TEAM_ERROR_LEASE_LAPSED))
                fail (error);
              log_line ("L %" G_GINT64_FORMAT, claim.assignment_id);
              g_clear_error (&error);
              lapsed = TRUE;
              break;
            }
          boxes[slot] = id;
          log_line ("E %" G_GINT64_FORMAT " %d %.17g %.17g %.17g %.17g %" G_GINT64_FORMAT,
                    id, version, box.x0, box.y0, box.x1, box.y1, g_get_monotonic_time () - t0);
          think (rand);
        }
      if (lapsed)
        {
          round_done (rand, &rounds);
          continue;
        }
      if (!running (rand))
        break;

      t0 = g_get_monotonic_time ();
      if (!bw_team_submit (team, claim.assignment_id, &error))
        {
          if (!g_error_matches (error, BW_TEAM_ERROR, BW_TEAM_ERROR_LEASE_LAPSED))
            fail (error);
          log_line ("L %" G_GINT64_FORMAT, claim.assignment_id);
          round_done (rand, &rounds);
          continue;
        }
      log_line ("S %" G_GINT64_FORMAT " %" G_GINT64_FORMAT, claim.assignment_id,
                g_get_monotonic_time () - t0);
      think (rand);
      round_done (rand, &rounds);
    }
}

static void
review (BwTeam *team,
        GRand  *rand)
{
  int rounds = 0;

  while (running (rand))
    {
      g_autoptr(GError) error = NULL;
      BwTeamClaim claim;
      gboolean found = FALSE;
      gboolean accept;
      gint64 t0;

      if (!bw_team_claim_review (team, &claim, &found, &error))
        fail (error);
      if (!found)
        {
          /* Paced, a person looks at the queue again after a pause. */
          log_line ("W");
          if (think_ms > 0 && measuring)
            think (rand);
          else
            g_usleep (20000);
          continue;
        }
      accept = g_rand_int_range (rand, 0, 5) != 0;
      t0 = g_get_monotonic_time ();
      if (!bw_team_review (team, claim.assignment_id, accept, accept ? 0 : 1,
                           accept ? NULL : "load test", &error))
        fail (error);
      log_line ("V %" G_GINT64_FORMAT " %s %" G_GINT64_FORMAT, claim.assignment_id,
                accept ? "accept" : "return", g_get_monotonic_time () - t0);
      think (rand);
      round_done (rand, &rounds);
    }
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwTeam) team = NULL;
  g_autoptr(GRand) rand = NULL;

  if (argc < 4)
    {
      g_printerr ("usage: bw-team-client URL annotate|review LOG SECONDS [SEED [THINK_MS [WARMUP]]]\n"
                  "       bw-team-client URL listen TIMEOUT_MS\n");
      return 2;
    }

  /* Fifty clients logging in at once on a loaded machine can wait
   * longer than one attempt's timeout: try a few times. */
  for (int attempt = 0; team == NULL; attempt++)
    {
      g_clear_error (&error);
      team = bw_team_connect (argv[1], &error);
      if (team == NULL && (attempt == 4 || !g_error_matches (error, BW_TEAM_ERROR,
                                                             BW_TEAM_ERROR_CONNECT)))
        fail (error);
      if (team == NULL)
        g_usleep (G_USEC_PER_SEC);
    }

  if (strcmp (argv[2], "listen") == 0)
    {
      g_autofree char *payload = NULL;

      if (!bw_team_listen (team, &error))
        fail (error);
      printf ("listening\n");
      fflush (stdout);
      payload = bw_team_wait_notification (team, atoi (argv[3]), &error);
      if (error != NULL)
        fail (error);
      if (payload != NULL)
        printf ("%s\n", payload);
      return 0;
    }

  if (strcmp (argv[2], "watch") == 0)
    {
      g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
      g_autoptr(GSource) source = NULL;

      if (!bw_team_listen (team, &error))
        fail (error);
      source = bw_team_create_notify_source (team);
      g_source_set_callback (source, G_SOURCE_FUNC (notified_cb), loop, NULL);
      g_source_attach (source, NULL);
      g_timeout_add (atoi (argv[3]), timeout_cb, loop);
      printf ("listening\n");
      fflush (stdout);
      g_main_loop_run (loop);
      g_source_destroy (source);
      return 0;
    }

  if (argc < 5)
    return 2;
  log_file = fopen (argv[3], "a");
  if (log_file == NULL)
    {
      g_printerr ("bw-team-client: cannot write %s\n", argv[3]);
      return 1;
    }
  rand = argc > 5 ? g_rand_new_with_seed ((guint32) atoi (argv[5])) : g_rand_new ();
  think_ms = argc > 6 ? atoi (argv[6]) : 0;
  warmup = argc > 7 ? atoi (argv[7]) : 0;
  if (think_ms < 0 || think_ms > 600 * 1000 || warmup < 0)
    {
      g_printerr ("bw-team-client: THINK_MS must be 0 to 600000 and WARMUP 0 or more\n");
      return 2;
    }
  run_usec = (gint64) (g_ascii_strtod (argv[4], NULL) * G_USEC_PER_SEC);
  warmup_end = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  if (warmup == 0)
    start_measuring (rand);

  if (strcmp (argv[2], "annotate") == 0)
    annotate (team, rand);
  else if (strcmp (argv[2], "review") == 0)
    review (team, rand);
  else
    return 2;

  fclose (log_file);
  return 0;
}
