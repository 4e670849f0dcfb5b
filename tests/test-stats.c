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

/* The trials needed for ± margin, against the closed forms at p = 0
 * (half-width z²/2 / (n + z²)) and p = 1/2 (half-width z / 2 / √(n + z²)),
 * and against the interval itself at p = k/n: n trials are enough and
 * n − 1 are not. */
static void
test_wilson_sample_size (void)
{
  const double margins[] = { 0.2, 0.1, 0.05, 0.03, 0.02, 0.01, 0.001 };
  const double z = BW_STATS_Z_95;

  for (guint i = 0; i < G_N_ELEMENTS (margins); i++)
    {
      double m = margins[i];
      guint64 at_zero = (guint64) ceil (z * z / (2 * m) - z * z);
      guint64 at_half = (guint64) ceil (z * z / (4 * m * m) - z * z);

      g_assert_cmpuint (bw_stats_wilson_sample_size (0.0, m, z), ==, at_zero);
      g_assert_cmpuint (bw_stats_wilson_sample_size (1.0, m, z), ==, at_zero);
      g_assert_cmpuint (bw_stats_wilson_sample_size (0.5, m, z), ==, at_half);

      /* At p = 1/4 and 1/10, the interval itself, at the nearest sizes
       * where p × size is whole: the one at or above n is narrow enough,
       * the one below n is not. */
      for (guint d = 0; d < 2; d++)
        {
          const guint64 denominators[] = { 4, 10 };
          double p = 1.0 / (double) denominators[d];
          guint64 n = bw_stats_wilson_sample_size (p, m, z);
          guint64 step = denominators[d];
          guint64 enough = (n + step - 1) / step * step;
          guint64 short_of = n / step * step;
          double lo, hi;

          bw_stats_wilson_interval (enough / step, enough, z, &lo, &hi);
          g_assert_cmpfloat ((hi - lo) / 2, <=, m + 1e-12);
          if (short_of > step && short_of < n)
            {
              bw_stats_wilson_interval (short_of / step, short_of, z, &lo, &hi);
              g_assert_cmpfloat ((hi - lo) / 2, >, m);
            }
        }

      /* Fewer trials for a looser margin. */
      if (i > 0)
        g_assert_cmpuint (bw_stats_wilson_sample_size (0.3, margins[i - 1], z), <=,
                          bw_stats_wilson_sample_size (0.3, m, z));
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

/* Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability.
 * Annenberg School for Communication, University of Pennsylvania.
 * Section A: two observers, binary data, ten units: α = 0.095. */
static void
test_alpha_two_observers_binary (void)
{
  const double a[] = { 0, 1, 0, 0, 0, 0, 0, 0, 1, 0 };
  const double b[] = { 1, 1, 1, 0, 0, 1, 0, 0, 0, 0 };
  double values[20];
  guint ends[10];

  for (guint u = 0; u < 10; u++)
    {
      values[2 * u] = a[u];
      values[2 * u + 1] = b[u];
      ends[u] = 2 * u + 2;
    }

  g_assert_cmpfloat_with_epsilon (bw_stats_krippendorff_alpha (values, ends, 10, BW_ALPHA_NOMINAL),
                                  0.095, 0.0005);
}

/* Same source, section C: four observers, twelve units, values 1–5, some
 * missing (0 here). Published: nominal α = 0.743, interval α = 0.849. */
static void
test_alpha_four_observers_missing (void)
{
  const double data[4][12] = {
    { 1, 2, 3, 3, 2, 1, 4, 1, 2, 0, 0, 0 },
    { 1, 2, 3, 3, 2, 2, 4, 1, 2, 5, 0, 3 },
    { 0, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, 0 },
    { 1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, 0 },
  };
  double values[48];
  guint ends[12];
  guint n = 0;

  for (guint u = 0; u < 12; u++)
    {
      for (guint o = 0; o < 4; o++)
        if (data[o][u] != 0)
          values[n++] = data[o][u];
      ends[u] = n;
    }

  g_assert_cmpfloat_with_epsilon (bw_stats_krippendorff_alpha (values, ends, 12, BW_ALPHA_NOMINAL),
                                  0.743, 0.0005);
  g_assert_cmpfloat_with_epsilon (bw_stats_krippendorff_alpha (values, ends, 12, BW_ALPHA_INTERVAL),
                                  0.849, 0.0005);
}

/* Degenerate samples: nothing pairable, and full agreement. A unit with
 * one value (unit 12 above) takes no part. */
static void
test_alpha_degenerate (void)
{
  const double one[] = { 3 };
  const guint one_end[] = { 1 };
  const double same[] = { 2, 2, 2, 2, 7 };
  const guint same_ends[] = { 2, 4, 5 };
  /* Tschirschwitz et al. (GCPR 2022), as their kalphacv tests it: two
   * annotators, units (1, 2) and (2, empty), where "empty" is a value of
   * its own; α = −0.2. */
  const double empty_as_value[] = { 1, 2, 2, -1 };
  const guint empty_ends[] = { 2, 4 };

  g_assert_true (isnan (bw_stats_krippendorff_alpha (one, one_end, 1, BW_ALPHA_NOMINAL)));
  g_assert_true (isnan (bw_stats_krippendorff_alpha (NULL, NULL, 0, BW_ALPHA_NOMINAL)));
  g_assert_cmpfloat (bw_stats_krippendorff_alpha (same, same_ends, 3, BW_ALPHA_NOMINAL), ==, 1.0);
  g_assert_cmpfloat_with_epsilon (bw_stats_krippendorff_alpha (empty_as_value, empty_ends, 2,
                                                               BW_ALPHA_NOMINAL),
                                  -0.2, 1e-12);
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
  g_test_add_func ("/core/stats/wilson-sample-size", test_wilson_sample_size);

  g_test_add_func ("/core/stats/alpha-two-observers-binary", test_alpha_two_observers_binary);
  g_test_add_func ("/core/stats/alpha-four-observers-missing", test_alpha_four_observers_missing);
  g_test_add_func ("/core/stats/alpha-degenerate", test_alpha_degenerate);

  return g_test_run ();
}
