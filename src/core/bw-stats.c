/* bw-stats.c — rates with their counts and confidence intervals
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Wilson score interval, not the textbook p ± z·√(p(1−p)/n): the
 * latter collapses to a single point at 0 or n successes and strays
 * outside [0, 1] on small samples, which are exactly the ones a lead must
 * not over-read (Newcombe, Statistics in Medicine 17, 1998). GLib has no
 * statistics, and the formula is three lines, so it is written here.
 */

#define G_LOG_DOMAIN "bw-stats"

#include "config.h"

#include <math.h>

#include "bw-stats.h"

/**
 * bw_stats_wilson_interval:
 * @successes: number of successes, at most @n
 * @n: number of trials
 * @z: the normal quantile of the confidence wanted (%BW_STATS_Z_95)
 * @lo: (out): the lower end of the interval
 * @hi: (out): the upper end of the interval
 *
 * Computes the Wilson score interval of the proportion @successes / @n:
 * the proportions p for which a score test of p against the observed one
 * does not reject at the level of @z, that is the roots of
 * (p̂ − p)² = z² p (1 − p) / n. With @n = 0 the interval is [0, 1].
 */
void
bw_stats_wilson_interval (guint64  successes,
                          guint64  n,
                          double   z,
                          double  *lo,
                          double  *hi)
{
  double p, z2n, denom, centre, half;

  g_return_if_fail (successes <= n);
  g_return_if_fail (lo != NULL && hi != NULL);

  if (n == 0)
    {
      *lo = 0.0;
      *hi = 1.0;
      return;
    }

  p = (double) successes / (double) n;
  z2n = z * z / (double) n;
  denom = 1.0 + z2n;
  centre = (p + z2n / 2.0) / denom;
  half = z / denom * sqrt (p * (1.0 - p) / (double) n + z2n / (4.0 * (double) n));

  /* At 0 or n successes one end is exactly 0 or 1; rounding would leave a
   * trace of 1e-17 there. */
  *lo = successes == 0 ? 0.0 : MAX (0.0, centre - half);
  *hi = successes == n ? 1.0 : MIN (1.0, centre + half);
}

/**
 * bw_rate_init:
 * @rate: the rate to fill in
 * @successes: number of successes, at most @n
 * @n: number of trials
 *
 * Fills in @rate with @successes / @n and its 95 % Wilson interval.
 */
void
bw_rate_init (BwRate  *rate,
              guint64  successes,
              guint64  n)
{
  g_return_if_fail (rate != NULL);
  g_return_if_fail (successes <= n);

  rate->successes = successes;
  rate->n = n;
  rate->value = n > 0 ? (double) successes / (double) n : NAN;
  bw_stats_wilson_interval (successes, n, BW_STATS_Z_95, &rate->lo, &rate->hi);
}
