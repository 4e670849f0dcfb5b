/* bw-color.c — category colours that stay apart
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A new category takes the first colour of the Okabe–Ito palette (told
 * apart by most colour-blind people) that no category has, or nearly has;
 * past the palette, the colour of a grid over sRGB that is farthest, in
 * CIELAB, from every colour in use. CIELAB distance (CIE76) is close enough
 * to what people see for "far apart", and no library here offers it, so
 * the conversion is written out below (sRGB D65, the IEC 61966-2-1 curve).
 */

#define G_LOG_DOMAIN "bw-color"

#include "config.h"

#include <math.h>
#include <string.h>

#include "bw-color.h"

/* Okabe & Ito (2008), without black: invisible on dark photographs. */
static const char *palette[] = {
  "#e69f00", "#56b4e9", "#009e73", "#f0e442", "#0072b2", "#d55e00", "#cc79a7",
};

/* A palette colour this close to one in use counts as taken. */
#define TAKEN_DISTANCE 12.0

/* Candidates past the palette: 16 levels a channel. Too dark or too light
 * a colour is lost on photographs, and on the white or black of labels. */
#define LEVELS 16
#define MIN_LIGHTNESS 35.0
#define MAX_LIGHTNESS 88.0

struct _BwColorPicker
{
  gboolean taken[G_N_ELEMENTS (palette)];   /* a colour in use is near it */
  double *candidates;   /* Lab, 3 per candidate */
  double *nearest;      /* distance of each candidate to the nearest used */
  guint   n_candidates;
  char   *names;        /* "#rrggbb\0" of each candidate, 8 bytes apart */
};

gboolean
bw_color_parse (const char *color,
                double      rgb[3])
{
  if (color == NULL || color[0] != '#' || strlen (color) != 7)
    return FALSE;
  for (guint i = 0; i < 3; i++)
    {
      int hi = g_ascii_xdigit_value (color[1 + 2 * i]);
      int lo = g_ascii_xdigit_value (color[2 + 2 * i]);

      if (hi < 0 || lo < 0)
        return FALSE;
      rgb[i] = (hi * 16 + lo) / 255.0;
    }
  return TRUE;
}

static double
linear (double c)
{
  return c <= 0.04045 ? c / 12.92 : pow ((c + 0.055) / 1.055, 2.4);
}

static double
lab_f (double t)
{
  const double delta = 6.0 / 29.0;

  return t > delta * delta * delta ? cbrt (t) : t / (3 * delta * delta) + 4.0 / 29.0;
}

/**
 * bw_color_to_lab:
 * @rgb: sRGB, each channel from 0 to 1
 * @lab: (out): CIELAB L*, a*, b* (D65 white)
 */
void
bw_color_to_lab (const double rgb[3],
                 double       lab[3])
{
  double r = linear (rgb[0]), g = linear (rgb[1]), b = linear (rgb[2]);
  double x = 0.4124564 * r + 0.3575761 * g + 0.1804375 * b;
  double y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b;
  double z = 0.0193339 * r + 0.1191920 * g + 0.9503041 * b;
  double fx = lab_f (x / 0.95047), fy = lab_f (y / 1.0), fz = lab_f (z / 1.08883);

  lab[0] = 116 * fy - 16;
  lab[1] = 500 * (fx - fy);
  lab[2] = 200 * (fy - fz);
}

static double
lab_distance (const double a[3],
              const double b[3])
{
  return sqrt ((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) + (a[2] - b[2]) * (a[2] - b[2]));
}

static gboolean
color_lab (const char *color,
           double      lab[3])
{
  double rgb[3];

  if (!bw_color_parse (color, rgb))
    return FALSE;
  bw_color_to_lab (rgb, lab);
  return TRUE;
}

/**
 * bw_color_distance:
 *
 * Returns: the CIE76 distance of two "#rrggbb" colours, or -1 when one is
 *   not a colour
 */
double
bw_color_distance (const char *a,
                   const char *b)
{
  double la[3], lb[3];

  if (!color_lab (a, la) || !color_lab (b, lb))
    return -1;
  return lab_distance (la, lb);
}

BwColorPicker *
bw_color_picker_new (void)
{
  BwColorPicker *picker = g_new0 (BwColorPicker, 1);
  guint n = 0;

  picker->candidates = g_new (double, 3 * LEVELS * LEVELS * LEVELS);
  picker->nearest = g_new (double, LEVELS * LEVELS * LEVELS);
  picker->names = g_malloc (8 * LEVELS * LEVELS * LEVELS);

  for (guint r = 0; r < LEVELS; r++)
    for (guint g = 0; g < LEVELS; g++)
      for (guint b = 0; b < LEVELS; b++)
        {
          double rgb[3] = { r * 17 / 255.0, g * 17 / 255.0, b * 17 / 255.0 };
          double *lab = picker->candidates + 3 * n;

          bw_color_to_lab (rgb, lab);
          if (lab[0] < MIN_LIGHTNESS || lab[0] > MAX_LIGHTNESS)
            continue;
          g_snprintf (picker->names + 8 * n, 8, "#%02x%02x%02x", r * 17, g * 17, b * 17);
          picker->nearest[n] = G_MAXDOUBLE;
          n++;
        }
  picker->n_candidates = n;
  return picker;
}

void
bw_color_picker_free (BwColorPicker *picker)
{
  if (picker == NULL)
    return;
  g_free (picker->candidates);
  g_free (picker->nearest);
  g_free (picker->names);
  g_free (picker);
}

/**
 * bw_color_picker_add:
 * @color: a colour in use, "#rrggbb"; anything else is ignored
 *
 * Each candidate keeps its distance to the nearest colour in use, and each
 * palette colour whether one is near it, so a pick costs the same with ten
 * thousand categories as with ten.
 */
void
bw_color_picker_add (BwColorPicker *picker,
                     const char    *color)
{
  double lab[3];

  if (!color_lab (color, lab))
    return;
  for (guint p = 0; p < G_N_ELEMENTS (palette); p++)
    if (!picker->taken[p] && bw_color_distance (color, palette[p]) < TAKEN_DISTANCE)
      picker->taken[p] = TRUE;
  for (guint i = 0; i < picker->n_candidates; i++)
    {
      double d = lab_distance (lab, picker->candidates + 3 * i);

      if (d < picker->nearest[i])
        picker->nearest[i] = d;
    }
}

/**
 * bw_color_picker_next:
 *
 * Picks a colour far from every colour in use, and counts it as used.
 *
 * Returns: (transfer full): "#rrggbb"
 */
char *
bw_color_picker_next (BwColorPicker *picker)
{
  char *chosen = NULL;

  for (guint p = 0; p < G_N_ELEMENTS (palette) && chosen == NULL; p++)
    if (!picker->taken[p])
      chosen = g_strdup (palette[p]);

  if (chosen == NULL)
    {
      guint best = 0;

      /* The first of equals wins: the same colours give the same pick. */
      for (guint i = 1; i < picker->n_candidates; i++)
        if (picker->nearest[i] > picker->nearest[best])
          best = i;
      chosen = g_strdup (picker->names + 8 * best);
    }

  bw_color_picker_add (picker, chosen);
  return chosen;
}
