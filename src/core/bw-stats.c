/* bw-stats.c — rates with their counts and confidence intervals
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Wilson score interval, not the textbook p ± z·√(p(1−p)/n): the
 * latter collapses to a single point at 0 or n successes and strays
 * outside [0, 1] on small samples, which are exactly the ones a lead must
 * not over-read (Newcombe, Statistics in Medicine 17, 1998). GLib has no
 * statistics, and the formula is three lines, so it is written here.
 *
 * Krippendorff's α likewise: no C library computes it, and it is a sum
 * over units. It follows Krippendorff, "Computing Krippendorff's
 * Alpha-Reliability" (2011): α = 1 − D_o / D_e over the pairable values
 * (those in units with at least two).
 */

#define G_LOG_DOMAIN "bw-stats"

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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

/* The half-width of the Wilson interval at the proportion @p with @n
 * trials: z √(p(1 − p) n + z²/4) / (n + z²). It falls as n grows, for
 * every p (its derivative in n has the sign of p(1 − p) z² − p(1 − p) n
 * − z²/2, which is negative as p(1 − p) ≤ 1/4). */
static double
wilson_half_width (double  p,
                   double  n,
                   double  z)
{
  return z * sqrt (p * (1.0 - p) * n + z * z / 4.0) / (n + z * z);
}

/**
 * bw_stats_wilson_sample_size:
 * @p: the proportion expected, 0–1 (0.5 when nothing is known: the most
 *   trials)
 * @margin: the half-width wanted, above 0 and below 1 (0.05: ± 5 points)
 * @z: the normal quantile of the confidence wanted (%BW_STATS_Z_95)
 *
 * The number of trials needed for a Wilson interval around @p no wider
 * than ± @margin: the smallest n whose half-width is at most @margin.
 * Unlike the textbook z² p(1 − p) / margin², it does not fall to nothing
 * at a proportion of 0 or 1 (35 trials for ± 5 points at 95 % when
 * every trial succeeded, not 0).
 *
 * Returns: the number of trials, at least 1
 */
guint64
bw_stats_wilson_sample_size (double  p,
                             double  margin,
                             double  z)
{
  guint64 lo = 1, hi = 1;

  g_return_val_if_fail (p >= 0.0 && p <= 1.0, 0);
  g_return_val_if_fail (margin > 0.0 && margin < 1.0, 0);
  g_return_val_if_fail (z > 0.0, 0);

  if (wilson_half_width (p, 1, z) <= margin)
    return 1;

  /* Doubling, then halving between the last two: half-width(hi) ≤ margin
   * < half-width(lo). Ample below the 2⁶³ a guint64 holds for any margin
   * a person asks for (1e-6 needs about 10¹² trials). */
  while (wilson_half_width (p, (double) hi, z) > margin && hi < (G_GUINT64_CONSTANT (1) << 62))
    {
      lo = hi;
      hi *= 2;
    }
  while (hi - lo > 1)
    {
      guint64 mid = lo + (hi - lo) / 2;

      if (wilson_half_width (p, (double) mid, z) <= margin)
        hi = mid;
      else
        lo = mid;
    }
  return hi;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* Σ over ordered pairs i ≠ j of δ²(v_i, v_j) for the @n values given. */
static double
sum_of_differences (const double  *values,
                    guint          n,
                    BwAlphaMetric  metric,
                    double        *scratch)
{
  double sum = 0.0;

  if (metric == BW_ALPHA_NOMINAL)
    {
      /* n² − Σ_c n_c²: all ordered pairs but those of equal labels. */
      guint run = 1;

      memcpy (scratch, values, n * sizeof (double));
      qsort (scratch, n, sizeof (double), compare_doubles);
      sum = (double) n * (double) n;
      for (guint i = 1; i <= n; i++)
        {
          if (i < n && scratch[i] == scratch[i - 1])
            {
              run++;
              continue;
            }
          sum -= (double) run * (double) run;
          run = 1;
        }
    }
  else
    {
      /* Σ_{i≠j} (v_i − v_j)² = 2 n Σ (v_i − mean)². */
      double mean = 0.0;

      for (guint i = 0; i < n; i++)
        mean += values[i];
      mean /= n;
      for (guint i = 0; i < n; i++)
        sum += (values[i] - mean) * (values[i] - mean);
      sum *= 2.0 * n;
    }

  return sum;
}

/**
 * bw_stats_krippendorff_alpha:
 * @values: the values of all units, one unit after the other; a missing
 *   value is simply left out
 * @unit_ends: for each unit, the index one past its last value
 * @n_units: the number of units
 * @metric: how two values differ
 *
 * Computes Krippendorff's α, the chance-corrected agreement of any number
 * of coders over units some of them may have left out: α = 1 − D_o / D_e,
 * where D_o is the observed disagreement within units and D_e the
 * disagreement expected between any two of the pairable values.
 *
 * Returns: α, in [−1, 1] for nominal data; 1 when all pairable values are
 *   equal (there is no disagreement to correct for); NAN with fewer than
 *   two pairable values
 */
double
bw_stats_krippendorff_alpha (const double  *values,
                             const guint   *unit_ends,
                             guint          n_units,
                             BwAlphaMetric  metric)
{
  g_autofree double *pairable = NULL;
  g_autofree double *scratch = NULL;
  double observed = 0.0, expected;
  guint n = 0, start = 0, total;

  g_return_val_if_fail (n_units == 0 || (values != NULL && unit_ends != NULL), NAN);

  total = n_units > 0 ? unit_ends[n_units - 1] : 0;
  pairable = g_new (double, MAX (1, total));
  scratch = g_new (double, MAX (1, total));

  for (guint u = 0; u < n_units; u++)
    {
      guint m = unit_ends[u] - start;

      g_return_val_if_fail (unit_ends[u] >= start, NAN);
      if (m >= 2)
        {
          observed += sum_of_differences (values + start, m, metric, scratch) / (m - 1);
          memcpy (pairable + n, values + start, m * sizeof (double));
          n += m;
        }
      start = unit_ends[u];
    }

  if (n < 2)
    return NAN;

  /* D_o = observed / n and D_e = expected / (n (n − 1)). */
  expected = sum_of_differences (pairable, n, metric, scratch);
  if (expected == 0.0)
    return 1.0;
  return 1.0 - (n - 1) * observed / expected;
}
