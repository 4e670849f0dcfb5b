/* bw-stats.h — rates with their counts and confidence intervals
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The two-sided 95 % quantile of the standard normal distribution,
 * Φ⁻¹(0.975). */
#define BW_STATS_Z_95 1.959963984540054

/**
 * BwRate:
 * @successes: the count the rate is made of (for precision: true positives)
 * @n: the number of trials (for precision: true + false positives)
 * @value: @successes / @n, or NAN when @n is 0
 * @lo: the lower end of the 95 % Wilson score interval
 * @hi: the upper end of the 95 % Wilson score interval
 *
 * A proportion as a lead should read it: with the sample it comes from and
 * how far off it may be. With @n = 0 nothing is known, so the interval is
 * the whole of [0, 1] and @value is NAN.
 */
typedef struct
{
  guint64 successes;
  guint64 n;
  double  value;
  double  lo;
  double  hi;
} BwRate;

/**
 * BwAlphaMetric:
 * @BW_ALPHA_NOMINAL: values are labels: two values differ or they do not
 * @BW_ALPHA_INTERVAL: values are numbers: the difference is (a − b)²
 *
 * The difference function of Krippendorff's α.
 */
typedef enum
{
  BW_ALPHA_NOMINAL,
  BW_ALPHA_INTERVAL,
} BwAlphaMetric;

void     bw_stats_wilson_interval (guint64  successes,
                                   guint64  n,
                                   double   z,
                                   double  *lo,
                                   double  *hi);
void     bw_rate_init             (BwRate  *rate,
                                   guint64  successes,
                                   guint64  n);
guint64  bw_stats_wilson_sample_size (double   p,
                                      double   margin,
                                      double   z);
double   bw_stats_krippendorff_alpha (const double  *values,
                                      const guint   *unit_ends,
                                      guint          n_units,
                                      BwAlphaMetric  metric);

G_END_DECLS
