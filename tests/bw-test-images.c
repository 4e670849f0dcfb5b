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

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

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

/* Where the scan at @pos (an SOS marker) ends: at the next marker that is
 * not a restart marker or a stuffed 0xFF. */
static gsize
scan_end (const guint8 *data,
          gsize         size,
          gsize         pos)
{
  pos += 2 + (((gsize) data[pos + 2] << 8) | data[pos + 3]);
  while (pos + 1 < size)
    {
      if (data[pos] == 0xFF && data[pos + 1] != 0x00 &&
          !(data[pos + 1] >= 0xD0 && data[pos + 1] <= 0xD7))
        return pos;
      pos++;
    }
  return size;
}

GBytes *
bw_test_jpeg_with_scans_new (int   width,
                             int   height,
                             guint n_scans,
                             guint comment_markers)
{
  g_autofree guint8 *grey = g_malloc ((gsize) width * height * 3);
  unsigned char *jpeg = NULL;
  unsigned long jpeg_size = 0;
  tjhandle handle = tjInitCompress ();
  g_autoptr(GByteArray) out = g_byte_array_new ();
  gsize pos = 2, last_scan = 0, last_end = 0;
  guint scans = 0;

  memset (grey, 128, (gsize) width * height * 3);
  if (tjCompress2 (handle, grey, width, width * 3, height, TJPF_RGB, &jpeg, &jpeg_size,
                   TJSAMP_420, 75, TJFLAG_PROGRESSIVE) != 0)
    g_error ("tjCompress2: %s", tjGetErrorStr2 (handle));
  tjDestroy (handle);

  /* find the last scan and the EOI after it */
  while (pos + 4 <= jpeg_size && jpeg[pos] == 0xFF && jpeg[pos + 1] != 0xD9)
    {
      if (jpeg[pos + 1] == 0xDA)
        {
          last_scan = pos;
          last_end = scan_end (jpeg, jpeg_size, pos);
          scans++;
          pos = last_end;
        }
      else
        pos += 2 + (((gsize) jpeg[pos + 2] << 8) | jpeg[pos + 3]);
    }
  g_assert_cmpuint (last_scan, >, 0);
  g_assert_cmpuint (scans, <=, n_scans);

  g_byte_array_append (out, jpeg, 2);  /* SOI */
  if (comment_markers > 0)
    {
      guint8 header[4] = { 0xFF, 0xFE, 0, 0 };
      gsize length = 2 + 2 * (gsize) comment_markers;

      g_assert_cmpuint (length, <=, 0xFFFF);
      header[2] = (guint8) (length >> 8);
      header[3] = (guint8) (length & 0xFF);
      g_byte_array_append (out, header, 4);
      for (guint i = 0; i < comment_markers; i++)
        g_byte_array_append (out, (const guint8 *) "\xFF\xDA", 2);
    }
  g_byte_array_append (out, jpeg + 2, (guint) (last_end - 2));
  for (; scans < n_scans; scans++)
    g_byte_array_append (out, jpeg + last_scan, (guint) (last_end - last_scan));
  g_byte_array_append (out, jpeg + last_end, (guint) (jpeg_size - last_end));

  tjFree (jpeg);
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

static void
png_chunk (FILE         *f,
           const char   *type,
           const guint8 *data,
           guint32       length)
{
  guint8 be[4] = { length >> 24, length >> 16, length >> 8, length };
  uLong crc = crc32 (0, (const Bytef *) type, 4);

  if (length > 0)
    crc = crc32 (crc, data, length);
  fwrite (be, 1, 4, f);
  fwrite (type, 1, 4, f);
  if (length > 0)
    fwrite (data, 1, length, f);
  be[0] = (guint8) (crc >> 24);
  be[1] = (guint8) (crc >> 16);
  be[2] = (guint8) (crc >> 8);
  be[3] = (guint8) crc;
  fwrite (be, 1, 4, f);
}

gboolean
bw_test_write_png_bomb (const char  *path,
                        int          width,
                        int          height,
                        GError     **error)
{
  gsize row_size = 1 + (gsize) width * 8;  /* filter byte, 16-bit RGBA */
  g_autofree guint8 *row = g_malloc0 (row_size);
  guint8 buffer[65536];
  guint8 ihdr[13] = { 0 };
  z_stream z = { 0 };
  FILE *f;

  f = fopen (path, "wb");
  if (f == NULL)
    {
      int saved_errno = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   "%s: %s", path, g_strerror (saved_errno));
      return FALSE;
    }

  fwrite ("\x89PNG\r\n\x1a\n", 1, 8, f);
  ihdr[0] = (guint8) (width >> 24);
  ihdr[1] = (guint8) (width >> 16);
  ihdr[2] = (guint8) (width >> 8);
  ihdr[3] = (guint8) width;
  ihdr[4] = (guint8) (height >> 24);
  ihdr[5] = (guint8) (height >> 16);
  ihdr[6] = (guint8) (height >> 8);
  ihdr[7] = (guint8) height;
  ihdr[8] = 16;  /* bit depth */
  ihdr[9] = 6;   /* RGBA */
  png_chunk (f, "IHDR", ihdr, 13);

  g_assert_cmpint (deflateInit (&z, 9), ==, Z_OK);
  for (int y = 0; y <= height; y++)
    {
      int flush = y == height ? Z_FINISH : Z_NO_FLUSH;

      z.next_in = row;
      z.avail_in = y == height ? 0 : (uInt) row_size;
      do
        {
          int ret;

          z.next_out = buffer;
          z.avail_out = sizeof buffer;
          ret = deflate (&z, flush);
          g_assert_true (ret == Z_OK || ret == Z_STREAM_END || ret == Z_BUF_ERROR);
          if (z.avail_out < sizeof buffer)
            png_chunk (f, "IDAT", buffer, (guint32) (sizeof buffer - z.avail_out));
        }
      while (z.avail_out == 0);
    }
  deflateEnd (&z);
  png_chunk (f, "IEND", NULL, 0);

  if (fclose (f) != 0)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "%s: could not write", path);
      return FALSE;
    }
  return TRUE;
}

gboolean
bw_test_write_sparse_file (const char    *path,
                           const guint8  *head,
                           gsize          head_size,
                           goffset        size,
                           GError       **error)
{
  int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

  if (fd < 0 ||
      (head_size > 0 && write (fd, head, head_size) != (gssize) head_size) ||
      ftruncate (fd, size) != 0)
    {
      int saved_errno = errno;

      if (fd >= 0)
        close (fd);
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   "%s: %s", path, g_strerror (saved_errno));
      return FALSE;
    }
  close (fd);
  return TRUE;
}

static gint64
status_kb (const char *field)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL) ||
      (line = strstr (status, field)) == NULL)
    return -1;
  return g_ascii_strtoll (line + strlen (field), NULL, 10);
}

gint64
bw_test_peak_rss_since_last (void)
{
  static gint64 baseline = -1;
  gint64 peak = status_kb ("VmHWM:");
  gint64 result = baseline < 0 ? 0 : (peak - baseline) * 1024;
  int fd;

  /* Writing 5 resets the peak to the current size (Linux 4.0). */
  fd = open ("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);
  if (fd < 0 || write (fd, "5", 1) != 1)
    {
      if (fd >= 0)
        close (fd);
      return -1;
    }
  close (fd);
  baseline = status_kb ("VmRSS:");
  return result;
}
