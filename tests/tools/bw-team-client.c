/* bw-team-client.c — one simulated member of a team, for tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   bw-team-client URL annotate LOG SECONDS [SEED]
 *       loops claim → 10 edits → submit for SECONDS
 *   bw-team-client URL review LOG SECONDS [SEED]
 *       loops claim review → accept (4 in 5) or return with reason 1
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
          gint64  end,
          GRand  *rand)
{
  while (g_get_monotonic_time () < end)
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

      for (int i = 0; i < EDITS_PER_IMAGE && !lapsed; i++)
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
        }
      if (lapsed)
        continue;

      t0 = g_get_monotonic_time ();
      if (!bw_team_submit (team, claim.assignment_id, &error))
        {
          if (!g_error_matches (error, BW_TEAM_ERROR, BW_TEAM_ERROR_LEASE_LAPSED))
            fail (error);
          log_line ("L %" G_GINT64_FORMAT, claim.assignment_id);
          continue;
        }
      log_line ("S %" G_GINT64_FORMAT " %" G_GINT64_FORMAT, claim.assignment_id,
                g_get_monotonic_time () - t0);
    }
}

static void
review (BwTeam *team,
        gint64  end,
        GRand  *rand)
{
  while (g_get_monotonic_time () < end)
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
          log_line ("W");
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
    }
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwTeam) team = NULL;
  g_autoptr(GRand) rand = NULL;
  gint64 end;

  if (argc < 4)
    {
      g_printerr ("usage: bw-team-client URL annotate|review LOG SECONDS [SEED]\n"
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
  end = g_get_monotonic_time () + (gint64) (g_ascii_strtod (argv[4], NULL) * G_USEC_PER_SEC);

  if (strcmp (argv[2], "annotate") == 0)
    annotate (team, end, rand);
  else if (strcmp (argv[2], "review") == 0)
    review (team, end, rand);
  else
    return 2;

  fclose (log_file);
  return 0;
}
