/* test-stats.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

#include "bw-stats.h"

/* Newcombe, R. G. (1998). Two-sided confidence intervals for the single
 * proportion: comparison of seven methods. Statistics in Medicine 17,
 * 857–872. Table II, method 3 (score method without continuity
 * correction), printed to four decimals. */
static const struct
{
  guint64 successes;
  guint64 n;
  double  lo;
  double  hi;
} newcombe[] = {
  { 81, 263, 0.2553, 0.3662 },
  { 15, 148, 0.0624, 0.1605 },
  {  0,  20, 0.0000, 0.1611 },
  {  1,  29, 0.0061, 0.1718 },
};

static void
test_wilson_published (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (newcombe); i++)
    {
      double lo, hi;

      bw_stats_wilson_interval (newcombe[i].successes, newcombe[i].n,
                                BW_STATS_Z_95, &lo, &hi);
      g_test_message ("%" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT ": [%.6f, %.6f]",
                      newcombe[i].successes, newcombe[i].n, lo, hi);
      g_assert_cmpfloat_with_epsilon (lo, newcombe[i].lo, 0.5e-4);
      g_assert_cmpfloat_with_epsilon (hi, newcombe[i].hi, 0.5e-4);
    }
}

static void
test_z_is_the_975_quantile (void)
{
  /* Φ(z) = erfc (−z / √2) / 2, from the C library, not from our constant. */
  g_assert_cmpfloat_with_epsilon (0.5 * erfc (-BW_STATS_Z_95 / M_SQRT2), 0.975, 1e-15);
}

/* The Wilson interval is the set of p that a score test does not reject:
 * its ends are the roots of (p̂ − p)² − z² p (1 − p) / n = 0. Checked
 * for every k of a spread of n, by the residual of that equation. */
static void
test_wilson_is_score_inversion (void)
{
  const guint64 sizes[] = { 1, 2, 3, 5, 10, 37, 100, 1000, 123457 };
  const double z = BW_STATS_Z_95;

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      guint64 n = sizes[s];
      guint64 step = MAX (1, n / 50);

      for (guint64 k = 0; k <= n; k += step)
        {
          double p_hat = (double) k / (double) n;
          double ends[2];

          bw_stats_wilson_interval (k, n, z, &ends[0], &ends[1]);
          g_assert_cmpfloat (ends[0], >=, 0.0);
          g_assert_cmpfloat (ends[1], <=, 1.0);
          g_assert_cmpfloat (ends[0], <=, p_hat);
          g_assert_cmpfloat (ends[1], >=, p_hat);
          g_assert_cmpfloat (ends[0], <, ends[1]);

          for (guint e = 0; e < 2; e++)
            {
              double p = ends[e];
              double residual = (p_hat - p) * (p_hat - p) - z * z * p * (1 - p) / (double) n;

              g_assert_cmpfloat (fabs (residual), <, 1e-12);
            }

          if (k == 0)
            g_assert_cmpfloat (ends[0], ==, 0.0);
          if (k == n)
            g_assert_cmpfloat (ends[1], ==, 1.0);
        }
    }
}

static void
test_rate_empty_sample (void)
{
  BwRate rate;

  bw_rate_init (&rate, 0, 0);
  g_assert_true (isnan (rate.value));
  g_assert_cmpfloat (rate.lo, ==, 0.0);
  g_assert_cmpfloat (rate.hi, ==, 1.0);
  g_assert_cmpuint (rate.n, ==, 0);

  bw_rate_init (&rate, 3, 4);
  g_assert_cmpfloat (rate.value, ==, 0.75);
  g_assert_cmpuint (rate.successes, ==, 3);
  g_assert_cmpuint (rate.n, ==, 4);
  g_assert_cmpfloat (rate.lo, <, 0.75);
  g_assert_cmpfloat (rate.hi, >, 0.75);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/stats/wilson-published", test_wilson_published);
  g_test_add_func ("/core/stats/z-95", test_z_is_the_975_quantile);
  g_test_add_func ("/core/stats/wilson-score-inversion", test_wilson_is_score_inversion);
  g_test_add_func ("/core/stats/rate-empty-sample", test_rate_empty_sample);

  return g_test_run ();
}
