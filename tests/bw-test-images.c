/* bw-test-images.c — images made on the fly for tests and benchmarks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bw-test-images"

#include "config.h"

#define _XOPEN_SOURCE 700

#include <glib/gi18n.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <turbojpeg.h>

#include <ftw.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bw-test-images.h"

static guint32
hash32 (guint32 a)
{
  a ^= a >> 16;
  a *= 0x7feb352dU;
  a ^= a >> 15;
  a *= 0x846ca68bU;
  a ^= a >> 16;
  return a;
}

void
bw_test_pattern_rgb (int    x,
                     int    y,
                     int    width,
                     int    height,
                     guint  variant,
                     guint8 rgb[3])
{
  double wave = sin ((x + (double) variant * 13.0) / 9.0) * cos ((y + (double) variant * 7.0) / 7.0);
  int noise = (int) (hash32 ((guint32) x * 73856093U ^ (guint32) y * 19349663U ^ variant * 83492791U) % 25) - 12;
  int blue = 128 + (int) (50.0 * wave) + noise;

  rgb[0] = (guint8) (width > 1 ? (gint64) x * 255 / (width - 1) : 0);
  rgb[1] = (guint8) (height > 1 ? (gint64) y * 255 / (height - 1) : 0);
  rgb[2] = (guint8) CLAMP (blue, 0, 255);
}

guint8 *
bw_test_pattern_new (int   width,
                     int   height,
                     guint variant)
{
  guint8 *rgb = g_malloc ((gsize) width * height * 3);

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      bw_test_pattern_rgb (x, y, width, height, variant, rgb + ((gsize) y * width + x) * 3);

  return rgb;
}

GBytes *
bw_test_jpeg_new (int   width,
                  int   height,
                  int   quality,
                  int   subsamp,
                  guint variant)
{
  g_autofree guint8 *rgb = bw_test_pattern_new (width, height, variant);
  unsigned char *jpeg = NULL;
  unsigned long jpeg_size = 0;
  tjhandle handle = tjInitCompress ();
  GBytes *bytes;

  g_assert_nonnull (handle);
  if (tjCompress2 (handle, rgb, width, width * 3, height, TJPF_RGB,
                   &jpeg, &jpeg_size, subsamp, quality, 0) != 0)
    g_error ("tjCompress2: %s", tjGetErrorStr2 (handle));

  bytes = g_bytes_new (jpeg, jpeg_size);
  tjFree (jpeg);
  tjDestroy (handle);
  return bytes;
}

static gboolean
write_bytes (const char    *path,
             const guint8  *data,
             gsize          size,
             GError       **error)
{
  return g_file_set_contents (path, (const char *) data, (gssize) size, error);
}

gboolean
bw_test_write_jpeg (const char  *path,
                    int          width,
                    int          height,
                    int          quality,
                    int          subsamp,
                    guint        variant,
                    GError     **error)
{
  g_autoptr(GBytes) jpeg = bw_test_jpeg_new (width, height, quality, subsamp, variant);
  gsize size;
  const guint8 *data = g_bytes_get_data (jpeg, &size);

  return write_bytes (path, data, size, error);
}

static void
free_pixels_cb (guchar   *pixels,
                gpointer  data)
{
  g_free (pixels);
}

gboolean
bw_test_write_png (const char  *path,
                   int          width,
                   int          height,
                   guint        variant,
                   GError     **error)
{
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  guint8 *rgb = bw_test_pattern_new (width, height, variant);

  pixbuf = gdk_pixbuf_new_from_data (rgb, GDK_COLORSPACE_RGB, FALSE, 8,
                                     width, height, width * 3,
                                     free_pixels_cb, NULL);
  return gdk_pixbuf_save (pixbuf, path, "png", error, "compression", "1", NULL);
}

gboolean
bw_test_write_truncated_jpeg (const char  *path,
                              int          width,
                              int          height,
                              double       keep_fraction,
                              GError     **error)
{
  g_autoptr(GBytes) jpeg = bw_test_jpeg_new (width, height, 90, TJSAMP_420, 7);
  gsize size;
  const guint8 *data = g_bytes_get_data (jpeg, &size);

  return write_bytes (path, data, (gsize) (size * keep_fraction), error);
}

/* Offset of the first SOFn marker, walking the marker segments. */
static gsize
find_sof (const guint8 *data,
          gsize         size)
{
  gsize pos = 2;

  while (pos + 4 <= size && data[pos] == 0xFF)
    {
      guint marker = data[pos + 1];
      gsize length = ((gsize) data[pos + 2] << 8) | data[pos + 3];

      if (marker >= 0xC0 && marker <= 0xC2)
        return pos;
      if (marker == 0xDA)
        break;
      pos += 2 + length;
    }

  g_error ("no SOF marker in the generated JPEG");
  return 0;
}

gboolean
bw_test_write_huge_header_jpeg (const char  *path,
                                int          claimed_width,
                                int          claimed_height,
                                GError     **error)
{
  g_autoptr(GBytes) jpeg = bw_test_jpeg_new (64, 48, 90, TJSAMP_420, 3);
  gsize size;
  g_autofree guint8 *data = g_bytes_unref_to_data (g_steal_pointer (&jpeg), &size);
  gsize sof = find_sof (data, size);

  /* FF Cn, length (2), precision (1), height (2), width (2) */
  data[sof + 5] = (guint8) (claimed_height >> 8);
  data[sof + 6] = (guint8) (claimed_height & 0xFF);
  data[sof + 7] = (guint8) (claimed_width >> 8);
  data[sof + 8] = (guint8) (claimed_width & 0xFF);

  return write_bytes (path, data, size, error);
}

gboolean
bw_test_write_exif_jpeg (const char  *path,
                         int          width,
                         int          height,
                         int          orientation,
                         GError     **error)
{
  static const guint8 app1_head[] = {
    0xFF, 0xE1, 0x00, 34,                 /* APP1, length 34 */
    'E', 'x', 'i', 'f', 0, 0,
    'M', 'M', 0x00, 0x2A,                 /* big-endian TIFF */
    0x00, 0x00, 0x00, 0x08,               /* IFD0 at 8 */
    0x00, 0x01,                           /* one entry */
    0x01, 0x12, 0x00, 0x03,               /* Orientation, SHORT */
    0x00, 0x00, 0x00, 0x01,               /* count 1 */
  };
  g_autoptr(GBytes) jpeg = bw_test_jpeg_new (width, height, 90, TJSAMP_420, 5);
  g_autoptr(GByteArray) out = g_byte_array_new ();
  guint8 tail[] = { 0x00, (guint8) orientation, 0x00, 0x00,   /* value */
                    0x00, 0x00, 0x00, 0x00 };                 /* no next IFD */
  gsize size;
  const guint8 *data = g_bytes_get_data (jpeg, &size);

  G_STATIC_ASSERT (sizeof app1_head + 8 == 34 + 2);

  g_byte_array_append (out, data, 2);   /* SOI */
  g_byte_array_append (out, app1_head, sizeof app1_head);
  g_byte_array_append (out, tail, sizeof tail);
  g_byte_array_append (out, data + 2, size - 2);

  return write_bytes (path, out->data, out->len, error);
}

gboolean
bw_test_write_not_an_image (const char  *path,
                            GError     **error)
{
  static const char text[] = "This is a shopping list, not a photograph.\nEggs\nMilk\n";

  return write_bytes (path, (const guint8 *) text, sizeof text - 1, error);
}

static int
remove_cb (const char        *path,
           const struct stat *st,
           int                flag,
           struct FTW        *ftw)
{
  remove (path);
  return 0;
}

void
bw_test_remove_tree (const char *path)
{
  if (path != NULL)
    nftw (path, remove_cb, 16, FTW_DEPTH | FTW_PHYS);
}
