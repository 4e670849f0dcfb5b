/* bw-make-demo.c — a small demo project to open and play with
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   bw-make-demo OUTDIR
 *
 * Draws 24 street scenes (1600 × 1200, JPEG and PNG) into OUTDIR/images:
 * a sky and ground gradient with simple cars, bicycles, people, dogs and
 * traffic signs in them. Then creates OUTDIR/demo.boxwood (replacing an
 * earlier one), imports the images through the same importer as
 * boxwood-cli, sets up a taxonomy, and annotates the first eight scenes
 * with boxes (and triangle polygons for the signs) that match what was
 * drawn: four submitted, four in progress, the rest new.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <turbojpeg.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bw-importer.h"
#include "bw-project.h"

#define WIDTH       1600
#define HEIGHT      1200
#define N_SCENES    24
#define N_ANNOTATED 8
#define HORIZON     (HEIGHT * 0.52)

typedef enum
{
  KIND_CAR,
  KIND_BICYCLE,
  KIND_PERSON,
  KIND_DOG,
  KIND_SIGN,
  N_KINDS
} Kind;

static const struct
{
  const char *name;
  const char *supercategory;
  const char *color;
} categories[N_KINDS] = {
  { "car",          "vehicle", "#e01b24" },
  { "bicycle",      "vehicle", "#ff7800" },
  { "person",       "person",  "#3584e4" },
  { "dog",          "animal",  "#33d17a" },
  { "traffic-sign", "sign",    "#9141ac" },
};

typedef struct
{
  Kind    kind;
  BwRect  bbox;          /* what a careful annotator would draw */
  BwPoint triangle[3];   /* the sign's plate */
} Object;

typedef struct
{
  guint8 *rgb;
  int     width;
  int     height;
} Canvas;

typedef gboolean (*InsideFunc) (double        x,
                                double        y,
                                const double *p);

static gboolean
in_rect (double        x,
         double        y,
         const double *p)
{
  return x >= p[0] && x < p[2] && y >= p[1] && y < p[3];
}

static gboolean
in_ellipse (double        x,
            double        y,
            const double *p)
{
  double dx = (x - p[0]) / p[2];
  double dy = (y - p[1]) / p[3];

  return dx * dx + dy * dy <= 1.0;
}

static gboolean
in_ring (double        x,
         double        y,
         const double *p)
{
  double d = hypot (x - p[0], y - p[1]);

  return d <= p[2] && d >= p[3];
}

static gboolean
in_triangle (double        x,
             double        y,
             const double *p)
{
  double d0 = (p[2] - p[0]) * (y - p[1]) - (p[3] - p[1]) * (x - p[0]);
  double d1 = (p[4] - p[2]) * (y - p[3]) - (p[5] - p[3]) * (x - p[2]);
  double d2 = (p[0] - p[4]) * (y - p[5]) - (p[1] - p[5]) * (x - p[4]);

  return (d0 >= 0 && d1 >= 0 && d2 >= 0) || (d0 <= 0 && d1 <= 0 && d2 <= 0);
}

/* Fills what @inside covers within the box, with 4 × 4 samples a pixel so
 * edges are smooth. */
static void
fill (Canvas       *c,
      double        x0,
      double        y0,
      double        x1,
      double        y1,
      InsideFunc    inside,
      const double *p,
      guint32       color)
{
  guint8 r = (color >> 16) & 0xff, g = (color >> 8) & 0xff, b = color & 0xff;
  int ix0 = MAX (0, (int) floor (x0));
  int iy0 = MAX (0, (int) floor (y0));
  int ix1 = MIN (c->width, (int) ceil (x1));
  int iy1 = MIN (c->height, (int) ceil (y1));

  for (int y = iy0; y < iy1; y++)
    for (int x = ix0; x < ix1; x++)
      {
        guint8 *px = c->rgb + ((gsize) y * c->width + x) * 3;
        int hits = 0;

        for (int sy = 0; sy < 4; sy++)
          for (int sx = 0; sx < 4; sx++)
            hits += inside (x + (sx + 0.5) / 4.0, y + (sy + 0.5) / 4.0, p);

        if (hits == 0)
          continue;
        px[0] = (guint8) ((px[0] * (16 - hits) + r * hits) / 16);
        px[1] = (guint8) ((px[1] * (16 - hits) + g * hits) / 16);
        px[2] = (guint8) ((px[2] * (16 - hits) + b * hits) / 16);
      }
}

static void
fill_rect (Canvas  *c,
           double   x0,
           double   y0,
           double   x1,
           double   y1,
           guint32  color)
{
  double p[] = { x0, y0, x1, y1 };

  fill (c, x0, y0, x1, y1, in_rect, p, color);
}

static void
fill_ellipse (Canvas  *c,
              double   cx,
              double   cy,
              double   rx,
              double   ry,
              guint32  color)
{
  double p[] = { cx, cy, rx, ry };

  fill (c, cx - rx, cy - ry, cx + rx, cy + ry, in_ellipse, p, color);
}

static void
fill_ring (Canvas  *c,
           double   cx,
           double   cy,
           double   outer,
           double   inner,
           guint32  color)
{
  double p[] = { cx, cy, outer, inner };

  fill (c, cx - outer, cy - outer, cx + outer, cy + outer, in_ring, p, color);
}

static void
fill_triangle (Canvas        *c,
               const BwPoint  t[3],
               guint32        color)
{
  double p[] = { t[0].x, t[0].y, t[1].x, t[1].y, t[2].x, t[2].y };

  fill (c,
        MIN (t[0].x, MIN (t[1].x, t[2].x)), MIN (t[0].y, MIN (t[1].y, t[2].y)),
        MAX (t[0].x, MAX (t[1].x, t[2].x)), MAX (t[0].y, MAX (t[1].y, t[2].y)),
        in_triangle, p, color);
}

static guint8
mix (int    a,
     int    b,
     double t)
{
  return (guint8) CLAMP (a + (b - a) * t, 0, 255);
}

/* Sky and ground; the time of day changes from scene to scene. */
static void
draw_background (Canvas *c,
                 GRand  *rand)
{
  static const int skies[][6] = {
    {  64, 128, 204, 196, 224, 246 },   /* noon */
    { 250, 160, 110, 255, 220, 170 },   /* dusk */
    {  92, 110, 170, 230, 190, 200 },   /* morning */
    { 120, 160, 200, 225, 232, 236 },   /* overcast */
  };
  const int *sky = skies[g_rand_int_range (rand, 0, G_N_ELEMENTS (skies))];
  int road_top = (int) (HORIZON + (HEIGHT - HORIZON) * 0.45);
  int road_bottom = (int) (HORIZON + (HEIGHT - HORIZON) * 0.80);

  for (int y = 0; y < c->height; y++)
    {
      guint8 r, g, b;

      if (y < HORIZON)
        {
          double t = y / HORIZON;

          r = mix (sky[0], sky[3], t);
          g = mix (sky[1], sky[4], t);
          b = mix (sky[2], sky[5], t);
        }
      else if (y >= road_top && y < road_bottom)
        {
          double t = (double) (y - road_top) / (road_bottom - road_top);

          r = mix (120, 96, t);
          g = mix (122, 98, t);
          b = mix (128, 104, t);
        }
      else
        {
          double t = (y - HORIZON) / (HEIGHT - HORIZON);

          r = mix (132, 76, t);
          g = mix (176, 120, t);
          b = mix (96, 62, t);
        }

      for (int x = 0; x < c->width; x++)
        {
          guint8 *px = c->rgb + ((gsize) y * c->width + x) * 3;

          px[0] = r;
          px[1] = g;
          px[2] = b;
        }
    }

  /* lane marks */
  for (int x = 40; x < c->width; x += 220)
    fill_rect (c, x, (road_top + road_bottom) / 2.0 - 4, x + 110, (road_top + road_bottom) / 2.0 + 4, 0xf0f0e8);

  /* distant hills */
  for (int i = 0; i < 4; i++)
    {
      double cx = g_rand_double_range (rand, 0, WIDTH);
      double rx = g_rand_double_range (rand, 250, 520);
      double p[] = { cx, HORIZON, rx, g_rand_double_range (rand, 50, 120) };

      fill (c, cx - rx, HORIZON - p[3], cx + rx, HORIZON, in_ellipse, p, 0x6f9a64);
    }
}

static guint32
random_color (GRand *rand)
{
  static const guint32 palette[] = {
    0xc01c28, 0x1c71d8, 0xf6d32d, 0x2ec27e, 0xe66100, 0x813d9c, 0xdeddda, 0x241f31,
  };

  return palette[g_rand_int_range (rand, 0, G_N_ELEMENTS (palette))];
}

/* Each object stands on the ground at (@x, @foot), @s times its size at
 * the bottom edge of the picture, and records the box around it. */
static void
draw_object (Canvas *c,
             GRand  *rand,
             Object *o,
             double  x,
             double  foot,
             double  s)
{
  switch (o->kind)
    {
    case KIND_CAR:
      {
        double w = 330 * s, h = 95 * s, wheel = 30 * s;
        guint32 paint = random_color (rand);

        fill_rect (c, x + w * 0.22, foot - wheel - h - 62 * s, x + w * 0.74, foot - wheel - h + 2, paint);
        fill_rect (c, x + w * 0.27, foot - wheel - h - 54 * s, x + w * 0.48, foot - wheel - h - 4 * s, 0xb5d3f0);
        fill_rect (c, x + w * 0.51, foot - wheel - h - 54 * s, x + w * 0.70, foot - wheel - h - 4 * s, 0xb5d3f0);
        fill_rect (c, x, foot - wheel - h, x + w, foot - wheel + 8 * s, paint);
        fill_ellipse (c, x + w * 0.2, foot - wheel, wheel, wheel, 0x241f31);
        fill_ellipse (c, x + w * 0.8, foot - wheel, wheel, wheel, 0x241f31);
        fill_ellipse (c, x + w * 0.2, foot - wheel, wheel * 0.45, wheel * 0.45, 0x9a9996);
        fill_ellipse (c, x + w * 0.8, foot - wheel, wheel * 0.45, wheel * 0.45, 0x9a9996);
        o->bbox = (BwRect) { x, foot - wheel - h - 62 * s, x + w, foot };
      }
      break;

    case KIND_BICYCLE:
      {
        double r = 42 * s, gap = 115 * s;
        BwPoint frame[3] = {
          { x + r, foot - r }, { x + r + gap * 0.55, foot - r }, { x + r + gap * 0.35, foot - r - 60 * s },
        };
        BwPoint frame2[3] = {
          { x + r + gap * 0.55, foot - r }, { x + r + gap, foot - r }, { x + r + gap * 0.75, foot - r - 60 * s },
        };
        guint32 paint = random_color (rand);

        fill_ring (c, x + r, foot - r, r, r - 6 * s, 0x241f31);
        fill_ring (c, x + r + gap, foot - r, r, r - 6 * s, 0x241f31);
        fill_triangle (c, frame, paint);
        fill_triangle (c, frame2, paint);
        fill_rect (c, x + r + gap * 0.25, foot - r - 68 * s, x + r + gap * 0.45, foot - r - 60 * s, 0x241f31);
        fill_rect (c, x + r + gap * 0.72, foot - r - 75 * s, x + r + gap * 0.78, foot - r - 58 * s, 0x241f31);
        o->bbox = (BwRect) { x, foot - r - 75 * s, x + 2 * r + gap, foot };
      }
      break;

    case KIND_PERSON:
      {
        double w = 56 * s, legs = 80 * s, body = 95 * s, head = 22 * s;
        guint32 shirt = random_color (rand);

        fill_rect (c, x + w * 0.12, foot - legs, x + w * 0.45, foot, 0x3d3846);
        fill_rect (c, x + w * 0.55, foot - legs, x + w * 0.88, foot, 0x3d3846);
        fill_rect (c, x, foot - legs - body, x + w, foot - legs + 4 * s, shirt);
        fill_ellipse (c, x + w / 2, foot - legs - body - head, head * 0.9, head, 0xe8b898);
        o->bbox = (BwRect) { x, foot - legs - body - 2 * head, x + w, foot };
      }
      break;

    case KIND_DOG:
      {
        double w = 120 * s, h = 44 * s, leg = 36 * s;
        guint32 fur = g_rand_boolean (rand) ? 0x865e3c : 0x3d3846;
        BwPoint tail[3] = {
          { x + 6 * s, foot - leg - h * 0.7 }, { x + 14 * s, foot - leg - h * 0.3 }, { x, foot - leg - h * 1.5 },
        };

        fill_rect (c, x + w * 0.15, foot - leg - 4 * s, x + w * 0.25, foot, fur);
        fill_rect (c, x + w * 0.65, foot - leg - 4 * s, x + w * 0.75, foot, fur);
        fill_ellipse (c, x + w * 0.45, foot - leg - h / 2, w * 0.4, h / 2, fur);
        fill_ellipse (c, x + w * 0.85, foot - leg - h * 0.95, w * 0.15, h * 0.45, fur);
        fill_triangle (c, tail, fur);
        o->bbox = (BwRect) { x, foot - leg - h * 1.5, x + w, foot };
      }
      break;

    case KIND_SIGN:
    case N_KINDS:
    default:
      {
        double side = 110 * s, pole = 190 * s;
        double cx = x + side / 2;
        double top = foot - pole - side * 0.87;
        BwPoint inner[3];

        o->triangle[0] = (BwPoint) { cx, top };
        o->triangle[1] = (BwPoint) { x + side, top + side * 0.87 };
        o->triangle[2] = (BwPoint) { x, top + side * 0.87 };
        for (int i = 0; i < 3; i++)
          {
            inner[i].x = cx + (o->triangle[i].x - cx) * 0.7;
            inner[i].y = top + side * 0.58 + (o->triangle[i].y - top - side * 0.58) * 0.7;
          }

        fill_rect (c, cx - 5 * s, top + side * 0.5, cx + 5 * s, foot, 0x9a9996);
        fill_triangle (c, o->triangle, 0xc01c28);
        fill_triangle (c, inner, 0xffffff);
        fill_rect (c, cx - 4 * s, top + side * 0.42, cx + 4 * s, top + side * 0.66, 0x241f31);
        fill_rect (c, cx - 4 * s, top + side * 0.70, cx + 4 * s, top + side * 0.76, 0x241f31);
        o->bbox = (BwRect) { x, top, x + side, top + side * 0.87 };
      }
      break;
    }

  o->bbox.x0 = CLAMP (o->bbox.x0, 0, WIDTH);
  o->bbox.x1 = CLAMP (o->bbox.x1, 0, WIDTH);
  o->bbox.y0 = CLAMP (o->bbox.y0, 0, HEIGHT);
  o->bbox.y1 = CLAMP (o->bbox.y1, 0, HEIGHT);
}

typedef struct
{
  Kind   kind;
  double x;
  double foot;
} Placement;

static int
compare_placements (gconstpointer a,
                    gconstpointer b)
{
  const Placement *pa = a;
  const Placement *pb = b;

  return (pa->foot > pb->foot) - (pa->foot < pb->foot);
}

/* Draws scene @index and returns its objects. */
static GArray *
draw_scene (Canvas *c,
            guint   index)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (1000 + index);
  GArray *objects = g_array_new (FALSE, TRUE, sizeof (Object));
  Placement placements[4];
  int n = g_rand_int_range (rand, 2, 5);
  double slot = (double) WIDTH / n;

  draw_background (c, rand);

  /* one object a slot across the picture, standing somewhere between the
   * horizon and the bottom edge */
  for (int i = 0; i < n; i++)
    {
      placements[i].kind = (Kind) ((index + i * 2 + g_rand_int_range (rand, 0, 2)) % N_KINDS);
      placements[i].foot = g_rand_double_range (rand, HORIZON + 90, HEIGHT - 30);
      placements[i].x = i * slot + g_rand_double_range (rand, 20, MAX (30, slot - 380));
    }

  /* far objects first, so nearer ones are drawn over them */
  qsort (placements, n, sizeof placements[0], compare_placements);

  for (int i = 0; i < n; i++)
    {
      Object o = { placements[i].kind, };
      double scale = 0.55 + 0.9 * (placements[i].foot - HORIZON) / (HEIGHT - HORIZON);

      draw_object (c, rand, &o, placements[i].x, placements[i].foot, scale);
      g_array_append_val (objects, o);
    }

  return objects;
}

static gboolean
save_scene (const Canvas  *c,
            const char    *path,
            gboolean       png,
            GError       **error)
{
  if (png)
    {
      g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new_from_data (c->rgb, GDK_COLORSPACE_RGB, FALSE, 8,
                                                              c->width, c->height, c->width * 3,
                                                              NULL, NULL);

      return gdk_pixbuf_save (pixbuf, path, "png", error, NULL);
    }
  else
    {
      tjhandle handle = tjInitCompress ();
      unsigned char *jpeg = NULL;
      unsigned long size = 0;
      gboolean ok;

      if (tjCompress2 (handle, c->rgb, c->width, c->width * 3, c->height, TJPF_RGB,
                       &jpeg, &size, TJSAMP_420, 90, 0) != 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s", tjGetErrorStr2 (handle));
          tjDestroy (handle);
          return FALSE;
        }
      ok = g_file_set_contents (path, (const char *) jpeg, (gssize) size, error);
      tjFree (jpeg);
      tjDestroy (handle);
      return ok;
    }
}

static gboolean
annotate (BwProject  *project,
          GPtrArray  *scenes,
          gint64     *category_ids,
          guint      *out_count,
          GError    **error)
{
  gint64 annotator = 0;
  gint64 second = 0;

  if (!bw_project_ensure_person (project, "Alex Moreau", BW_ROLE_ANNOTATOR, &annotator, error) ||
      !bw_project_ensure_person (project, "Sam Okafor", BW_ROLE_ANNOTATOR, &second, error))
    return FALSE;

  for (guint i = 0; i < MIN (N_ANNOTATED, scenes->len); i++)
    {
      GArray *objects = g_ptr_array_index (scenes, i);
      g_autofree char *stored = g_strdup_printf ("images/scene-%02u.%s", i + 1, i % 3 == 2 ? "png" : "jpg");
      gint64 image_id = bw_project_find_image_by_path (project, stored);
      gint64 layer_id = 0;

      if (image_id <= 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s was not imported", stored);
          return FALSE;
        }

      if (!bw_project_ensure_layer (project, image_id, i % 2 ? second : annotator,
                                    BW_LAYER_KIND_WORK, &layer_id, error))
        return FALSE;

      for (guint j = 0; j < objects->len; j++)
        {
          const Object *o = &g_array_index (objects, Object, j);
          g_autoptr(BwShape) shape = NULL;

          if (o->kind == KIND_SIGN)
            shape = bw_shape_new_polygon (o->triangle, 3);
          else
            shape = bw_shape_new_box (floor (o->bbox.x0), floor (o->bbox.y0),
                                      ceil (o->bbox.x1), ceil (o->bbox.y1));

          if (!bw_project_add_annotation (project, layer_id, category_ids[o->kind], shape,
                                          BW_SOURCE_DRAWN, 1.0, NULL, error))
            return FALSE;
          (*out_count)++;
        }

      if (i < N_ANNOTATED / 2)
        {
          if (!bw_project_submit_layer (project, layer_id, error))
            return FALSE;
        }
      else if (!bw_project_set_image_status (project, image_id, BW_IMAGE_STATUS_IN_PROGRESS, error))
        return FALSE;
    }

  return TRUE;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) scenes = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  g_autoptr(BwProject) project = NULL;
  g_autoptr(BwImporter) importer = NULL;
  g_autoptr(BwImportReport) report = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *images = NULL;
  g_autofree char *project_path = NULL;
  g_autofree guint8 *rgb = NULL;
  gint64 category_ids[N_KINDS];
  const char *suffixes[] = { "", "-wal", "-shm" };
  const char *paths[2] = { NULL, NULL };
  guint n_annotations = 0;
  Canvas canvas = { NULL, WIDTH, HEIGHT };

  if (argc != 2)
    {
      g_printerr ("Usage: bw-make-demo OUTDIR\n");
      return 2;
    }

  images = g_build_filename (argv[1], "images", NULL);
  project_path = g_build_filename (argv[1], "demo.boxwood", NULL);
  if (g_mkdir_with_parents (images, 0755) != 0)
    {
      g_printerr ("bw-make-demo: cannot create %s: %s\n", images, g_strerror (errno));
      return 1;
    }

  rgb = g_malloc ((gsize) WIDTH * HEIGHT * 3);
  canvas.rgb = rgb;
  for (guint i = 0; i < N_SCENES; i++)
    {
      g_autofree char *name = g_strdup_printf ("scene-%02u.%s", i + 1, i % 3 == 2 ? "png" : "jpg");
      g_autofree char *path = g_build_filename (images, name, NULL);

      g_ptr_array_add (scenes, draw_scene (&canvas, i));
      if (!save_scene (&canvas, path, i % 3 == 2, &error))
        {
          g_printerr ("bw-make-demo: %s\n", error->message);
          return 1;
        }
    }

  /* A fresh project every time */
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *old = g_strconcat (project_path, suffixes[i], NULL);

      g_unlink (old);
    }

  file = g_file_new_for_path (project_path);
  project = bw_project_create (file, &error);
  if (project == NULL)
    {
      g_printerr ("bw-make-demo: %s\n", error->message);
      return 1;
    }

  for (guint i = 0; i < N_KINDS; i++)
    if (!bw_project_add_category (project, categories[i].name, categories[i].supercategory,
                                  categories[i].color, &category_ids[i], &error))
      {
        g_printerr ("bw-make-demo: %s\n", error->message);
        return 1;
      }

  importer = bw_importer_new (project);
  paths[0] = images;
  report = bw_importer_run (importer, paths, NULL, &error);
  if (report == NULL || report->added != N_SCENES)
    {
      g_printerr ("bw-make-demo: the import failed: %s\n",
                  error != NULL ? error->message : "not every scene was added");
      return 1;
    }

  if (!annotate (project, scenes, category_ids, &n_annotations, &error))
    {
      g_printerr ("bw-make-demo: %s\n", error->message);
      return 1;
    }

  g_print ("Demo project: %s (%u images, %u categories, %u annotations)\n",
           project_path, report->added, N_KINDS, n_annotations);
  return 0;
}
