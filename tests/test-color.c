/* test-color.c — new category colours stay apart
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The CIELAB conversion is checked against published reference values
 * (sRGB D65), the pick past the palette against a brute-force search of
 * the same candidates, and the store's use of it on a real project.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <math.h>

#include "bw-color.h"
#include "bw-project.h"

static void
assert_lab (const char *color,
            double      l,
            double      a,
            double      b)
{
  double rgb[3], lab[3];

  g_assert_true (bw_color_parse (color, rgb));
  bw_color_to_lab (rgb, lab);
  g_assert_cmpfloat_with_epsilon (lab[0], l, 0.01);
  g_assert_cmpfloat_with_epsilon (lab[1], a, 0.01);
  g_assert_cmpfloat_with_epsilon (lab[2], b, 0.01);
}

static void
test_lab (void)
{
  /* Reference values of the CIE formulas for sRGB primaries (D65). */
  assert_lab ("#ffffff", 100.0, 0.0, 0.0);
  assert_lab ("#000000", 0.0, 0.0, 0.0);
  assert_lab ("#ff0000", 53.2408, 80.0925, 67.2032);
  assert_lab ("#00ff00", 87.7347, -86.1827, 83.1793);
  assert_lab ("#0000ff", 32.2970, 79.1875, -107.8602);
  assert_lab ("#808080", 53.5850, 0.0, 0.0);

  g_assert_cmpfloat (bw_color_distance ("#ff0000", "#ff0000"), ==, 0.0);
  g_assert_cmpfloat (bw_color_distance ("#ff0000", "#FF0001"), <, 1.0);
  g_assert_cmpfloat (bw_color_distance ("red", "#ff0000"), <, 0.0);
  g_assert_cmpfloat_with_epsilon (bw_color_distance ("#000000", "#ffffff"), 100.0, 0.01);
}

static double
nearest_used (const char *candidate,
              GPtrArray  *used)
{
  double best = G_MAXDOUBLE;

  for (guint i = 0; i < used->len; i++)
    best = MIN (best, bw_color_distance (candidate, g_ptr_array_index (used, i)));
  return best;
}

static void
test_palette_then_farthest (void)
{
  static const char *okabe_ito[] = {
    "#e69f00", "#56b4e9", "#009e73", "#f0e442", "#0072b2", "#d55e00", "#cc79a7",
  };
  g_autoptr(BwColorPicker) picker = bw_color_picker_new ();
  g_autoptr(GPtrArray) used = g_ptr_array_new_with_free_func (g_free);

  /* A colour already in use, nearly the palette's sky blue: that one is
   * skipped, the others come in order. */
  bw_color_picker_add (picker, "#55b5ea");
  g_ptr_array_add (used, g_strdup ("#55b5ea"));
  for (guint i = 0; i < G_N_ELEMENTS (okabe_ito); i++)
    {
      g_autofree char *color = NULL;

      if (i == 1)
        continue;
      color = bw_color_picker_next (picker);
      g_assert_cmpstr (color, ==, okabe_ito[i]);
      g_ptr_array_add (used, g_steal_pointer (&color));
    }

  /* Past the palette: no candidate of the grid (16 levels a channel,
   * lightness 35–88) is farther from every colour in use. */
  for (guint round = 0; round < 12; round++)
    {
      g_autofree char *color = bw_color_picker_next (picker);
      double chosen = nearest_used (color, used);
      double best = 0;

      for (guint r = 0; r < 16; r++)
        for (guint g = 0; g < 16; g++)
          for (guint b = 0; b < 16; b++)
            {
              char candidate[8];
              double rgb[3] = { r * 17 / 255.0, g * 17 / 255.0, b * 17 / 255.0 };
              double lab[3];

              bw_color_to_lab (rgb, lab);
              if (lab[0] < 35.0 || lab[0] > 88.0)
                continue;
              g_snprintf (candidate, sizeof candidate, "#%02x%02x%02x", r * 17, g * 17, b * 17);
              best = MAX (best, nearest_used (candidate, used));
            }

      g_assert_cmpfloat_with_epsilon (chosen, best, 1e-9);
      g_assert_cmpfloat (chosen, >, 15.0);
      g_ptr_array_add (used, g_steal_pointer (&color));
    }
}

/* New categories in a project: none nearly equal to another. */
static void
test_project_colours (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bw-test-color-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "c.boxwood", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(BwProject) project = bw_project_create (file, &error);
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) bw_category_free);
  g_autoptr(GPtrArray) categories = NULL;

  g_assert_no_error (error);
  /* Someone chose an orange by hand, nearly the palette's first. */
  g_assert_true (bw_project_add_category (project, "cone", NULL, "#e8a000", NULL, &error));
  g_assert_true (bw_project_add_category (project, "car", NULL, NULL, NULL, &error));
  for (guint i = 0; i < 30; i++)
    {
      BwCategory *category = g_new0 (BwCategory, 1);

      category->name = g_strdup_printf ("kind %u", i);
      g_ptr_array_add (batch, category);
    }
  g_assert_true (bw_project_add_categories (project, batch, NULL, &error));
  g_assert_no_error (error);

  categories = bw_project_list_categories (project, &error);
  g_assert_cmpuint (categories->len, ==, 32);
  g_assert_cmpstr (((BwCategory *) g_ptr_array_index (categories, 1))->color, ==, "#56b4e9");
  for (guint i = 0; i < categories->len; i++)
    for (guint j = i + 1; j < categories->len; j++)
      {
        const char *a = ((BwCategory *) g_ptr_array_index (categories, i))->color;
        const char *b = ((BwCategory *) g_ptr_array_index (categories, j))->color;

        g_assert_cmpfloat (bw_color_distance (a, b), >, 10.0);
      }

  g_clear_object (&project);
  g_unlink (path);
  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);

    g_unlink (wal);
    g_unlink (shm);
  }
  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/color/lab", test_lab);
  g_test_add_func ("/core/color/palette-then-farthest", test_palette_then_farthest);
  g_test_add_func ("/core/color/project-colours", test_project_colours);

  return g_test_run ();
}
