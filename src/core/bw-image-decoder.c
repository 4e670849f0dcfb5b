/* bw-image-decoder.c — image headers and pixels
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bw-image-decoder"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <turbojpeg.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bw-image-decoder.h"

/* A JPEG's header (SOF) is almost always in its first few kilobytes, but
 * APP segments (Exif thumbnails, ICC profiles, XMP) may push it further. */
#define PROBE_HEAD_SIZE (256 * 1024)

/* Not TJFLAG_STOPONWARNING: many cameras write a few stray bytes before a
 * marker, which libjpeg reports as a warning and decodes perfectly; the
 * warnings that do mean damage are told apart in jpeg_warning_is_benign(). */
#define JPEG_DECODE_FLAGS (TJFLAG_LIMITSCANS)

G_DEFINE_QUARK (bw-image-error-quark, bw_image_error)

G_DEFINE_BOXED_TYPE (BwPixels, bw_pixels, bw_pixels_copy, bw_pixels_free)

static const char *
display_name (const char *name)
{
  return name != NULL ? name : _("image");
}

BwPixels *
bw_pixels_copy (const BwPixels *pixels)
{
  BwPixels *copy;

  g_return_val_if_fail (pixels != NULL, NULL);

  copy = g_new (BwPixels, 1);
  *copy = *pixels;
  copy->bytes = g_bytes_ref (pixels->bytes);
  return copy;
}

void
bw_pixels_free (BwPixels *pixels)
{
  if (pixels == NULL)
    return;
  g_clear_pointer (&pixels->bytes, g_bytes_unref);
  g_free (pixels);
}

/**
 * bw_pixels_get_data:
 * @pixels: decoded pixels
 *
 * Returns: (transfer none): the first byte of the first row
 */
const guint8 *
bw_pixels_get_data (const BwPixels *pixels)
{
  g_return_val_if_fail (pixels != NULL, NULL);
  return g_bytes_get_data (pixels->bytes, NULL);
}

/**
 * bw_pixels_dhash:
 * @pixels: decoded pixels, at any size
 *
 * Computes the 64-bit difference hash of @pixels: the image is reduced to
 * 9 × 8 grey cells (box average) and bit (row × 8 + column), counted from
 * the most significant bit, is set when a cell is darker than its right
 * neighbour. Images that look alike are a few bits apart whatever their
 * size or compression.
 *
 * Returns: the hash
 */
guint64
bw_pixels_dhash (const BwPixels *pixels)
{
  const guint8 *data;
  double grey[8][9];
  guint64 hash = 0;

  g_return_val_if_fail (pixels != NULL, 0);
  g_return_val_if_fail (pixels->width > 0 && pixels->height > 0, 0);

  data = bw_pixels_get_data (pixels);

  for (int cy = 0; cy < 8; cy++)
    {
      int y0 = (int) ((gint64) cy * pixels->height / 8);
      int y1 = (int) ((gint64) (cy + 1) * pixels->height / 8);

      if (y1 <= y0)
        y1 = MIN (y0 + 1, pixels->height);

      for (int cx = 0; cx < 9; cx++)
        {
          int x0 = (int) ((gint64) cx * pixels->width / 9);
          int x1 = (int) ((gint64) (cx + 1) * pixels->width / 9);
          guint64 sum = 0;
          guint64 n = 0;

          if (x1 <= x0)
            x1 = MIN (x0 + 1, pixels->width);

          for (int y = y0; y < y1; y++)
            {
              const guint8 *p = data + (gsize) y * pixels->stride + (gsize) x0 * 4;

              for (int x = x0; x < x1; x++, p += 4)
                sum += (guint64) p[2] * 299 + (guint64) p[1] * 587 + (guint64) p[0] * 114;
              n += (guint64) (x1 - x0);
            }

          grey[cy][cx] = n > 0 ? (double) sum / (double) n : 0.0;
        }
    }

  for (int cy = 0; cy < 8; cy++)
    for (int cx = 0; cx < 8; cx++)
      {
        hash <<= 1;
        if (grey[cy][cx] < grey[cy][cx + 1])
          hash |= 1;
      }

  return hash;
}

const char *
bw_image_format_to_string (BwImageFormat format)
{
  switch (format)
    {
    case BW_IMAGE_FORMAT_JPEG: return "jpeg";
    case BW_IMAGE_FORMAT_PNG:  return "png";
    case BW_IMAGE_FORMAT_WEBP: return "webp";
    case BW_IMAGE_FORMAT_TIFF: return "tiff";
    case BW_IMAGE_FORMAT_BMP:  return "bmp";
    case BW_IMAGE_FORMAT_GIF:  return "gif";
    case BW_IMAGE_FORMAT_UNKNOWN:
    default:
      return "unknown";
    }
}

/**
 * bw_image_sniff_format:
 * @data: the first bytes of a file
 * @size: how many
 *
 * Tells the format from the magic numbers at the start of a file.
 *
 * Returns: the format, or %BW_IMAGE_FORMAT_UNKNOWN
 */
BwImageFormat
bw_image_sniff_format (const guint8 *data,
                       gsize         size)
{
  if (data == NULL)
    return BW_IMAGE_FORMAT_UNKNOWN;

  if (size >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF)
    return BW_IMAGE_FORMAT_JPEG;
  if (size >= 8 && memcmp (data, "\x89PNG\r\n\x1a\n", 8) == 0)
    return BW_IMAGE_FORMAT_PNG;
  if (size >= 12 && memcmp (data, "RIFF", 4) == 0 && memcmp (data + 8, "WEBP", 4) == 0)
    return BW_IMAGE_FORMAT_WEBP;
  if (size >= 4 && (memcmp (data, "II*\0", 4) == 0 || memcmp (data, "MM\0*", 4) == 0))
    return BW_IMAGE_FORMAT_TIFF;
  if (size >= 14 && data[0] == 'B' && data[1] == 'M')
    return BW_IMAGE_FORMAT_BMP;
  if (size >= 6 && (memcmp (data, "GIF87a", 6) == 0 || memcmp (data, "GIF89a", 6) == 0))
    return BW_IMAGE_FORMAT_GIF;

  return BW_IMAGE_FORMAT_UNKNOWN;
}

/**
 * bw_image_scaled_size:
 * @width: full width
 * @height: full height
 * @denominator: 1, 2, 4 or 8
 * @out_width: (out): the scaled width
 * @out_height: (out): the scaled height
 *
 * The size of a 1/@denominator decode: each side divided and rounded up,
 * as TurboJPEG's TJSCALED() does, for every format.
 *
 * Returns: %FALSE when @denominator is not 1, 2, 4 or 8
 */
gboolean
bw_image_scaled_size (int   width,
                      int   height,
                      guint denominator,
                      int  *out_width,
                      int  *out_height)
{
  if (denominator != 1 && denominator != 2 && denominator != 4 && denominator != 8)
    return FALSE;
  if (width <= 0 || height <= 0)
    return FALSE;

  *out_width = (int) (((gint64) width + denominator - 1) / denominator);
  *out_height = (int) (((gint64) height + denominator - 1) / denominator);
  return TRUE;
}

static void
set_unsupported_error (GError     **error,
                       const char  *name)
{
  g_set_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_UNSUPPORTED,
               _("“%s” is not an image in a format Boxwood reads (JPEG, PNG, TIFF, BMP, GIF or WebP)"),
               display_name (name));
}

static void
set_corrupt_error (GError     **error,
                   const char  *name,
                   const char  *detail)
{
  g_set_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_CORRUPT,
               _("“%s” is damaged or truncated: %s"),
               display_name (name), detail);
}

/**
 * bw_image_check_size:
 * @info: a probed header
 * @max_pixels: the limit in pixels, 0 for %BW_IMAGE_DEFAULT_MAX_PIXELS
 * @name: (nullable): the file, for the message
 * @error: a #GError
 *
 * Checks a header's dimensions before anything is allocated for them.
 *
 * Returns: %TRUE when an image of that size may be decoded
 */
gboolean
bw_image_check_size (const BwImageInfo  *info,
                     guint64             max_pixels,
                     const char         *name,
                     GError            **error)
{
  guint64 pixels;

  g_return_val_if_fail (info != NULL, FALSE);

  if (max_pixels == 0)
    max_pixels = BW_IMAGE_DEFAULT_MAX_PIXELS;

  if (info->width <= 0 || info->height <= 0)
    {
      set_corrupt_error (error, name, _("the header gives no size"));
      return FALSE;
    }

  pixels = (guint64) info->width * (guint64) info->height;

  /* The row stride must fit TurboJPEG's int pitch and the buffer a gsize. */
  if (pixels > max_pixels ||
      (guint64) info->width > (guint64) G_MAXINT / 4 ||
      pixels > (guint64) G_MAXSIZE / 4)
    {
      g_set_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_TOO_LARGE,
                   _("“%s” is %d × %d pixels (%.1f megapixels), more than the limit of %g megapixels"),
                   display_name (name), info->width, info->height,
                   (double) pixels / 1e6, (double) max_pixels / 1e6);
      return FALSE;
    }

  return TRUE;
}

/* Reads at most @limit bytes (0: all of it) of a regular file in one
 * read() loop into one buffer. Not g_mapped_file: a mapped file that
 * another program truncates while we decode it kills the process with
 * SIGBUS, and images come from shared folders; one read of a file in the
 * page cache costs a small fraction of decoding it. */
static GBytes *
read_file (const char  *path,
           const char  *name,
           gsize        limit,
           gint64      *out_file_size,
           GError     **error)
{
  g_autofree guint8 *buffer = NULL;
  struct stat st;
  gsize want;
  gsize have = 0;
  int fd;

  if (name == NULL)
    name = path;

  /* O_NONBLOCK: opening a FIFO must not wait for a writer. */
  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY, 0);
  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_IO,
                   _("Could not read “%s”: %s"), name, g_strerror (saved_errno));
      return NULL;
    }

  if (fstat (fd, &st) != 0)
    {
      int saved_errno = errno;

      close (fd);
      g_set_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_IO,
                   _("Could not read “%s”: %s"), name, g_strerror (saved_errno));
      return NULL;
    }

  if (!S_ISREG (st.st_mode))
    {
      close (fd);
      g_set_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_IO,
                   _("Could not read “%s”: it is not a regular file"), name);
      return NULL;
    }

  if (st.st_size > BW_IMAGE_MAX_FILE_SIZE)
    {
      close (fd);
      g_set_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_TOO_LARGE,
                   _("“%s” is larger than %d GiB; Boxwood does not read files that big"),
                   name, (int) (BW_IMAGE_MAX_FILE_SIZE >> 30));
      return NULL;
    }

  if (out_file_size != NULL)
    *out_file_size = st.st_size;

  want = (gsize) st.st_size;
  if (limit > 0 && want > limit)
    want = limit;

  buffer = g_try_malloc (MAX (want, 1));
  if (buffer == NULL)
    {
      close (fd);
      g_set_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_IO,
                   _("Could not read “%s”: not enough memory"), name);
      return NULL;
    }

  while (have < want)
    {
      gssize n = read (fd, buffer + have, want - have);

      if (n < 0)
        {
          int saved_errno = errno;

          if (saved_errno == EINTR || saved_errno == EAGAIN)
            continue;

          close (fd);
          g_set_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_IO,
                       _("Could not read “%s”: %s"), name, g_strerror (saved_errno));
          return NULL;
        }
      if (n == 0)
        break;  /* the file shrank while we read it: decode what is there */
      have += (gsize) n;
    }

  close (fd);

  return g_bytes_new_take (g_steal_pointer (&buffer), have);
}

/**
 * bw_image_read_file:
 * @path: a file name
 * @name: (nullable): how messages name the file; @path when %NULL
 * @error: a #GError
 *
 * Reads a whole image file into memory with one read, refusing anything
 * that is not a regular file (a FIFO, a device) or is larger than
 * %BW_IMAGE_MAX_FILE_SIZE.
 *
 * Returns: (transfer full): the bytes of the file
 */
GBytes *
bw_image_read_file (const char  *path,
                    const char  *name,
                    GError     **error)
{
  g_return_val_if_fail (path != NULL, NULL);

  return read_file (path, name, 0, NULL, error);
}

/* EXIF orientation
 *
 * Neither TurboJPEG nor gdk_pixbuf_get_file_info() report it, so this walks
 * the JPEG markers up to the first scan and reads tag 0x0112 of IFD0 in an
 * APP1 "Exif" segment. Every read is bounds-checked against the segment;
 * anything unexpected means "no orientation". */

static guint
tiff_u16 (const guint8 *p,
          gboolean      big_endian)
{
  return big_endian ? ((guint) p[0] << 8) | p[1] : ((guint) p[1] << 8) | p[0];
}

static guint32
tiff_u32 (const guint8 *p,
          gboolean      big_endian)
{
  if (big_endian)
    return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
  return ((guint32) p[3] << 24) | ((guint32) p[2] << 16) | ((guint32) p[1] << 8) | p[0];
}

static int
tiff_orientation (const guint8 *tiff,
                  gsize         size)
{
  gboolean big_endian;
  guint32 ifd;
  guint count;

  if (size < 8)
    return 0;

  if (tiff[0] == 'I' && tiff[1] == 'I')
    big_endian = FALSE;
  else if (tiff[0] == 'M' && tiff[1] == 'M')
    big_endian = TRUE;
  else
    return 0;

  if (tiff_u16 (tiff + 2, big_endian) != 42)
    return 0;

  ifd = tiff_u32 (tiff + 4, big_endian);
  if (ifd < 8 || (gsize) ifd > size - 2)
    return 0;

  count = tiff_u16 (tiff + ifd, big_endian);
  for (guint i = 0; i < count; i++)
    {
      gsize entry = (gsize) ifd + 2 + (gsize) i * 12;

      if (entry + 12 > size)
        break;

      if (tiff_u16 (tiff + entry, big_endian) == 0x0112)
        {
          guint type = tiff_u16 (tiff + entry + 2, big_endian);
          guint value = tiff_u16 (tiff + entry + 8, big_endian);

          /* 3 = SHORT, the type the EXIF standard gives this tag */
          if (type == 3 && value >= 1 && value <= 8)
            return (int) value;
          return 0;
        }
    }

  return 0;
}

static int
jpeg_orientation (const guint8 *data,
                  gsize         size)
{
  gsize pos = 2;  /* after SOI */

  while (pos + 4 <= size)
    {
      guint marker;
      gsize length;

      if (data[pos] != 0xFF)
        return 1;

      marker = data[pos + 1];
      if (marker == 0xFF)
        {
          pos++;  /* fill byte */
          continue;
        }
      if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8))
        {
          pos += 2;  /* markers without a length */
          continue;
        }
      if (marker == 0xDA || marker == 0xD9)
        return 1;  /* the image data starts: no metadata after this */

      length = ((gsize) data[pos + 2] << 8) | data[pos + 3];
      if (length < 2 || pos + 2 + length > size)
        return 1;

      if (marker == 0xE1 && length >= 2 + 6 + 8 &&
          memcmp (data + pos + 4, "Exif\0\0", 6) == 0)
        {
          int orientation = tiff_orientation (data + pos + 10, length - 8);

          if (orientation != 0)
            return orientation;
        }

      pos += 2 + length;
    }

  return 1;
}

/* gdk-pixbuf's PNG loader hands back a half-filled pixbuf without an
 * error when the file ends early, so a PNG must show its whole chunk
 * structure, from the signature to IEND, before it is decoded; libpng
 * then checks the CRCs and the compressed data inside. */
static gboolean
png_is_complete (const guint8 *data,
                 gsize         size)
{
  gsize pos = 8;

  while (pos + 12 <= size)
    {
      guint64 length = ((guint32) data[pos] << 24) | ((guint32) data[pos + 1] << 16) |
                       ((guint32) data[pos + 2] << 8) | data[pos + 3];

      if (length > size - pos - 12)
        return FALSE;
      if (memcmp (data + pos + 4, "IEND", 4) == 0)
        return TRUE;
      pos += 12 + (gsize) length;
    }

  return FALSE;
}

/* The same holds for the WebP loader; a WebP file states its length in
 * its RIFF header. */
static gboolean
webp_is_complete (const guint8 *data,
                  gsize         size)
{
  guint64 riff_size;

  if (size < 12)
    return FALSE;

  riff_size = (guint64) data[4] | ((guint64) data[5] << 8) |
              ((guint64) data[6] << 16) | ((guint64) data[7] << 24);
  return riff_size + 8 <= size;
}

static const char *
pixbuf_type_name (BwImageFormat format)
{
  /* gdk-pixbuf's module names */
  return bw_image_format_to_string (format);
}

/* JPEG header through TurboJPEG */
/* TurboJPEG gives every libjpeg warning the same code, and keeps the text
 * of the last one. "Extraneous bytes before marker" (JWRN_EXTRANEOUS_DATA)
 * is padding some encoders leave between segments: the pixels are whole.
 * Every other warning (premature end of file or of a segment, bad Huffman
 * code, lost resync) means pixels are missing. The texts are libjpeg's own
 * jerror.h strings, which are never translated. */
static gboolean
jpeg_warning_is_benign (const char *message)
{
  return message != NULL && strstr (message, "extraneous bytes before marker") != NULL;
}

static gboolean
probe_jpeg (tjhandle      handle,
            const guint8 *data,
            gsize         size,
            const char   *name,
            BwImageInfo  *info,
            int          *out_colorspace,
            GError      **error)
{
  int width = 0, height = 0, subsamp = 0, colorspace = 0;

  if (tjDecompressHeader3 (handle, data, (unsigned long) size,
                           &width, &height, &subsamp, &colorspace) != 0 &&
      !(tjGetErrorCode (handle) == TJERR_WARNING && jpeg_warning_is_benign (tjGetErrorStr2 (handle))))
    {
      set_corrupt_error (error, name, tjGetErrorStr2 (handle));
      return FALSE;
    }

  /* Data that ends before the frame header reads as a "tables only"
   * stream: success, and no size. */
  if (width <= 0 || height <= 0)
    {
      set_corrupt_error (error, name, _("the JPEG has no frame header"));
      return FALSE;
    }

  info->format = BW_IMAGE_FORMAT_JPEG;
  info->width = width;
  info->height = height;
  info->orientation = jpeg_orientation (data, size);

  if (out_colorspace != NULL)
    *out_colorspace = colorspace;

  return TRUE;
}

typedef struct
{
  int      width;
  int      height;
  guint64  max_pixels;  /* 0: stop at the header */
  gboolean stopped;
  gboolean track_rows;
  guint8  *rows_seen;   /* one byte a row, when tracking */
} PixbufSizeCheck;

/* gdk-pixbuf's BMP loader, like its PNG loader, hands back a pixbuf
 * without an error when the file ends early, and a BMP has no end marker
 * to look for. The rows the loader reports as decoded tell instead. */
static void
pixbuf_area_updated_cb (GdkPixbufLoader *loader,
                        int              x,
                        int              y,
                        int              width,
                        int              height,
                        PixbufSizeCheck *check)
{
  int y0 = CLAMP (y, 0, check->height);
  int y1 = CLAMP ((gint64) y + height, 0, check->height);

  if (check->rows_seen != NULL && y1 > y0)
    memset (check->rows_seen + y0, 1, (gsize) (y1 - y0));
}

static gboolean
pixbuf_all_rows_seen (const PixbufSizeCheck *check)
{
  if (!check->track_rows)
    return TRUE;
  if (check->rows_seen == NULL)
    return FALSE;
  for (int y = 0; y < check->height; y++)
    if (!check->rows_seen[y])
      return FALSE;
  return TRUE;
}

static void
pixbuf_size_prepared_cb (GdkPixbufLoader *loader,
                         int              width,
                         int              height,
                         PixbufSizeCheck *check)
{
  check->width = width;
  check->height = height;

  /* A size of 0 × 0 makes gdk-pixbuf stop before it allocates anything
   * (gdk_pixbuf_get_file_info() stops the same way). */
  if (check->max_pixels == 0 || width <= 0 || height <= 0 ||
      (guint64) width * (guint64) height > check->max_pixels ||
      width > G_MAXINT / 4)
    {
      check->stopped = TRUE;
      gdk_pixbuf_loader_set_size (loader, 0, 0);
      return;
    }

  /* bounded by the pixel limit just checked */
  if (check->track_rows && check->rows_seen == NULL)
    check->rows_seen = g_try_malloc0 ((gsize) height);
}

/* e.g. WebP, whose gdk-pixbuf loader is a package of its own */
static void
set_no_loader_error (GError        **error,
                     const char     *name,
                     BwImageFormat   format)
{
  g_set_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_UNSUPPORTED,
               _("“%s” is a %s image, but no decoder for it is installed (gdk-pixbuf has no “%s” loader)"),
               display_name (name), bw_image_format_to_string (format), pixbuf_type_name (format));
}

static GdkPixbufLoader *
new_pixbuf_loader (BwImageFormat   format,
                   const char     *name,
                   PixbufSizeCheck *check,
                   GError        **error)
{
  g_autoptr(GError) local_error = NULL;
  GdkPixbufLoader *loader;

  loader = gdk_pixbuf_loader_new_with_type (pixbuf_type_name (format), &local_error);
  if (loader == NULL)
    {
      set_no_loader_error (error, name, format);
      return NULL;
    }

  g_signal_connect (loader, "size-prepared", G_CALLBACK (pixbuf_size_prepared_cb), check);
  if (check->track_rows)
    g_signal_connect (loader, "area-updated", G_CALLBACK (pixbuf_area_updated_cb), check);
  return loader;
}

static gboolean
probe_pixbuf_data (BwImageFormat  format,
                   const guint8  *data,
                   gsize          size,
                   const char    *name,
                   BwImageInfo   *info,
                   GError       **error)
{
  g_autoptr(GdkPixbufLoader) loader = NULL;
  g_autoptr(GError) local_error = NULL;
  PixbufSizeCheck check = { 0, 0, 0, FALSE, FALSE, NULL };

  loader = new_pixbuf_loader (format, name, &check, error);
  if (loader == NULL)
    return FALSE;

  /* Errors after the size is known are the expected way out. */
  if (gdk_pixbuf_loader_write (loader, data, size, &local_error))
    gdk_pixbuf_loader_close (loader, local_error == NULL ? &local_error : NULL);
  else
    gdk_pixbuf_loader_close (loader, NULL);

  if (check.width <= 0 || check.height <= 0)
    {
      set_corrupt_error (error, name,
                         local_error != NULL ? local_error->message : _("no image header"));
      return FALSE;
    }

  info->format = format;
  info->width = check.width;
  info->height = check.height;
  info->orientation = 1;
  return TRUE;
}

/**
 * bw_image_probe_data:
 * @data: the bytes of an image file (at least up to its header)
 * @size: how many
 * @name: (nullable): the file, for messages
 * @info: (out): the header
 * @error: a #GError
 *
 * Reads format, size and (for JPEG) EXIF orientation from an image's
 * header without decoding it.
 *
 * Returns: %TRUE on success
 */
gboolean
bw_image_probe_data (const guint8  *data,
                     gsize          size,
                     const char    *name,
                     BwImageInfo   *info,
                     GError       **error)
{
  BwImageFormat format;

  g_return_val_if_fail (data != NULL || size == 0, FALSE);
  g_return_val_if_fail (info != NULL, FALSE);

  memset (info, 0, sizeof *info);

  if (size == 0)
    {
      set_corrupt_error (error, name, _("the file is empty"));
      return FALSE;
    }

  format = bw_image_sniff_format (data, size);

  if (format == BW_IMAGE_FORMAT_JPEG)
    {
      tjhandle handle = tjInitDecompress ();
      gboolean ret;

      if (handle == NULL)
        {
          g_set_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_IO,
                       _("Could not read “%s”: %s"), display_name (name), tjGetErrorStr2 (NULL));
          return FALSE;
        }
      ret = probe_jpeg (handle, data, size, name, info, NULL, error);
      tjDestroy (handle);
      return ret;
    }

  if (format == BW_IMAGE_FORMAT_UNKNOWN)
    {
      set_unsupported_error (error, name);
      return FALSE;
    }

  return probe_pixbuf_data (format, data, size, name, info, error);
}

/**
 * bw_image_probe:
 * @path: an image file
 * @info: (out): the header
 * @error: a #GError
 *
 * Reads format, size and (for JPEG) EXIF orientation of an image file
 * without decoding it: JPEG through tjDecompressHeader3() on the first
 * bytes of the file, the other formats through gdk_pixbuf_get_file_info().
 *
 * Returns: %TRUE on success
 */
gboolean
bw_image_probe (const char   *path,
                BwImageInfo  *info,
                GError      **error)
{
  g_autoptr(GBytes) head = NULL;
  g_autoptr(GError) local_error = NULL;
  const guint8 *data;
  gsize size;
  gint64 file_size = 0;
  BwImageFormat format;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (info != NULL, FALSE);

  memset (info, 0, sizeof *info);

  head = read_file (path, NULL, PROBE_HEAD_SIZE, &file_size, error);
  if (head == NULL)
    return FALSE;

  data = g_bytes_get_data (head, &size);
  format = bw_image_sniff_format (data, size);

  if (format == BW_IMAGE_FORMAT_JPEG)
    {
      if (bw_image_probe_data (data, size, path, info, &local_error))
        return TRUE;

      if (file_size <= (gint64) size)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }

      /* The header lies beyond the first bytes: read it all. */
      g_clear_pointer (&head, g_bytes_unref);
      head = read_file (path, NULL, 0, NULL, error);
      if (head == NULL)
        return FALSE;
      data = g_bytes_get_data (head, &size);
      return bw_image_probe_data (data, size, path, info, error);
    }

  if (format == BW_IMAGE_FORMAT_UNKNOWN)
    {
      if (size == 0)
        set_corrupt_error (error, path, _("the file is empty"));
      else
        set_unsupported_error (error, path);
      return FALSE;
    }

  {
    GdkPixbufFormat *pixbuf_format;
    g_autofree char *format_name = NULL;
    int width = 0, height = 0;

    pixbuf_format = gdk_pixbuf_get_file_info (path, &width, &height);
    if (pixbuf_format == NULL)
      {
        g_autoptr(GdkPixbufLoader) loader = NULL;

        loader = gdk_pixbuf_loader_new_with_type (pixbuf_type_name (format), NULL);
        if (loader == NULL)
          set_no_loader_error (error, path, format);
        else
          {
            gdk_pixbuf_loader_close (loader, NULL);
            set_corrupt_error (error, path, _("no image header"));
          }
        return FALSE;
      }

    format_name = gdk_pixbuf_format_get_name (pixbuf_format);
    if (g_strcmp0 (format_name, pixbuf_type_name (format)) != 0)
      {
        set_unsupported_error (error, path);
        return FALSE;
      }
    if (width <= 0 || height <= 0)
      {
        set_corrupt_error (error, path, _("no image header"));
        return FALSE;
      }

    info->format = format;
    info->width = width;
    info->height = height;
    info->orientation = 1;
  }

  return TRUE;
}

static guint8 *
alloc_pixels (int          width,
              int          height,
              const char  *name,
              gsize       *out_stride,
              GError     **error)
{
  gsize stride;
  guint8 *buffer;

  g_assert (width > 0 && height > 0);

  /* bw_image_check_size() already bounds width × height; this is the
   * last line against an overflowing product. */
  if (width > G_MAXINT / 4 || (gsize) height > G_MAXSIZE / ((gsize) width * 4))
    {
      g_set_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_TOO_LARGE,
                   _("“%s” is too large to decode (%d × %d pixels)"),
                   display_name (name), width, height);
      return NULL;
    }

  stride = (gsize) width * 4;
  buffer = g_try_malloc (stride * (gsize) height);
  if (buffer == NULL)
    {
      g_set_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_TOO_LARGE,
                   _("Not enough memory to decode “%s” (%d × %d pixels)"),
                   display_name (name), width, height);
      return NULL;
    }

  *out_stride = stride;
  return buffer;
}

static BwPixels *
pixels_new_take (guint8 *buffer,
                 int     width,
                 int     height,
                 gsize   stride)
{
  BwPixels *pixels = g_new (BwPixels, 1);

  pixels->width = width;
  pixels->height = height;
  pixels->stride = stride;
  pixels->bytes = g_bytes_new_take (buffer, stride * (gsize) height);
  return pixels;
}

static BwPixels *
decode_jpeg (tjhandle           handle,
             const guint8      *data,
             gsize              size,
             const char        *name,
             const BwImageInfo *info,
             guint              denominator,
             GError           **error)
{
  g_autofree guint8 *buffer = NULL;
  tjscalingfactor *factors;
  int n_factors = 0;
  gboolean have_factor = FALSE;
  int width, height;
  gsize stride = 0;

  factors = tjGetScalingFactors (&n_factors);
  for (int i = 0; factors != NULL && i < n_factors; i++)
    if (factors[i].num == 1 && factors[i].denom == (int) denominator)
      have_factor = TRUE;

  if (!have_factor ||
      !bw_image_scaled_size (info->width, info->height, denominator, &width, &height))
    {
      g_set_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_UNSUPPORTED,
                   _("Cannot decode “%s” at 1/%u of its size"),
                   display_name (name), denominator);
      return NULL;
    }

  buffer = alloc_pixels (width, height, name, &stride, error);
  if (buffer == NULL)
    return NULL;

  /* Straight into the final buffer; a truncated file or a damaged scan
   * is an error rather than a grey remainder. */
  if (tjDecompress2 (handle, data, (unsigned long) size, buffer,
                     width, (int) stride, height, TJPF_BGRA, JPEG_DECODE_FLAGS) != 0 &&
      !(tjGetErrorCode (handle) == TJERR_WARNING && jpeg_warning_is_benign (tjGetErrorStr2 (handle))))
    {
      g_autofree char *detail = NULL;

      /* A warning (premature end of data, corrupt entropy data) is what
       * a truncated or damaged file gives; a fatal error is a broken
       * header or stream. Both mean the pixels cannot be trusted. */
      if (tjGetErrorCode (handle) == TJERR_WARNING)
        detail = g_strdup_printf (_("the image data ends early or is damaged (%s)"),
                                  tjGetErrorStr2 (handle));
      else
        detail = g_strdup (tjGetErrorStr2 (handle));
      set_corrupt_error (error, name, detail);
      return NULL;
    }

  return pixels_new_take (g_steal_pointer (&buffer), width, height, stride);
}

static BwPixels *
pixels_from_pixbuf (GdkPixbuf   *pixbuf,
                    const char  *name,
                    GError     **error)
{
  g_autofree guint8 *buffer = NULL;
  const guint8 *src;
  int width = gdk_pixbuf_get_width (pixbuf);
  int height = gdk_pixbuf_get_height (pixbuf);
  int n_channels = gdk_pixbuf_get_n_channels (pixbuf);
  int src_stride = gdk_pixbuf_get_rowstride (pixbuf);
  gsize stride = 0;

  if (gdk_pixbuf_get_bits_per_sample (pixbuf) != 8 ||
      gdk_pixbuf_get_colorspace (pixbuf) != GDK_COLORSPACE_RGB ||
      (n_channels != 3 && n_channels != 4))
    {
      set_unsupported_error (error, name);
      return NULL;
    }

  buffer = alloc_pixels (width, height, name, &stride, error);
  if (buffer == NULL)
    return NULL;

  src = gdk_pixbuf_read_pixels (pixbuf);

  for (int y = 0; y < height; y++)
    {
      const guint8 *s = src + (gsize) y * src_stride;
      guint8 *d = buffer + (gsize) y * stride;

      if (n_channels == 4)
        {
          for (int x = 0; x < width; x++, s += 4, d += 4)
            {
              guint a = s[3];

              d[0] = (guint8) ((s[2] * a + 127) / 255);
              d[1] = (guint8) ((s[1] * a + 127) / 255);
              d[2] = (guint8) ((s[0] * a + 127) / 255);
              d[3] = (guint8) a;
            }
        }
      else
        {
          for (int x = 0; x < width; x++, s += 3, d += 4)
            {
              d[0] = s[2];
              d[1] = s[1];
              d[2] = s[0];
              d[3] = 255;
            }
        }
    }

  return pixels_new_take (g_steal_pointer (&buffer), width, height, stride);
}

static BwPixels *
decode_pixbuf (BwImageFormat  format,
               const guint8  *data,
               gsize          size,
               const char    *name,
               guint          denominator,
               guint64        max_pixels,
               BwImageInfo   *info,
               GError       **error)
{
  g_autoptr(GdkPixbufLoader) loader = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GError) local_error = NULL;
  PixbufSizeCheck check = { 0, 0, max_pixels, FALSE, format == BW_IMAGE_FORMAT_BMP, NULL };
  g_autofree guint8 *rows_seen = NULL;
  const char *orientation;
  int width, height;
  gboolean ok;
  gboolean complete;

  loader = new_pixbuf_loader (format, name, &check, error);
  if (loader == NULL)
    return NULL;

  if ((format == BW_IMAGE_FORMAT_PNG && !png_is_complete (data, size)) ||
      (format == BW_IMAGE_FORMAT_WEBP && !webp_is_complete (data, size)))
    {
      BwImageInfo header;

      /* the size limit still comes first in the message */
      if (probe_pixbuf_data (format, data, size, name, &header, NULL) &&
          !bw_image_check_size (&header, max_pixels, name, error))
        return NULL;
      gdk_pixbuf_loader_close (loader, NULL);
      set_corrupt_error (error, name, _("the file ends before the image data does"));
      return NULL;
    }

  ok = gdk_pixbuf_loader_write (loader, data, size, &local_error);
  if (ok)
    ok = gdk_pixbuf_loader_close (loader, &local_error);
  else
    gdk_pixbuf_loader_close (loader, NULL);

  complete = pixbuf_all_rows_seen (&check);
  rows_seen = g_steal_pointer (&check.rows_seen);

  info->format = format;
  info->width = check.width;
  info->height = check.height;
  info->orientation = 1;

  if (check.stopped)
    {
      if (!bw_image_check_size (info, max_pixels, name, error))
        return NULL;
      set_corrupt_error (error, name, _("no image header"));
      return NULL;
    }

  if (!ok || gdk_pixbuf_loader_get_pixbuf (loader) == NULL)
    {
      set_corrupt_error (error, name,
                         local_error != NULL ? local_error->message : _("no image data"));
      return NULL;
    }

  if (!complete)
    {
      set_corrupt_error (error, name, _("the file ends before the image data does"));
      return NULL;
    }

  pixbuf = g_object_ref (gdk_pixbuf_loader_get_pixbuf (loader));
  info->width = gdk_pixbuf_get_width (pixbuf);
  info->height = gdk_pixbuf_get_height (pixbuf);

  orientation = gdk_pixbuf_get_option (pixbuf, "orientation");
  if (orientation != NULL)
    {
      gint64 value = g_ascii_strtoll (orientation, NULL, 10);

      if (value >= 1 && value <= 8)
        info->orientation = (int) value;
    }

  if (!bw_image_scaled_size (info->width, info->height, denominator, &width, &height))
    {
      g_set_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_UNSUPPORTED,
                   _("Cannot decode “%s” at 1/%u of its size"),
                   display_name (name), denominator);
      return NULL;
    }

  if (denominator > 1)
    {
      GdkPixbuf *scaled = gdk_pixbuf_scale_simple (pixbuf, width, height, GDK_INTERP_BILINEAR);

      if (scaled == NULL)
        {
          g_set_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_TOO_LARGE,
                       _("Not enough memory to decode “%s” (%d × %d pixels)"),
                       display_name (name), width, height);
          return NULL;
        }
      g_object_unref (pixbuf);
      pixbuf = scaled;
    }

  return pixels_from_pixbuf (pixbuf, name, error);
}

/**
 * bw_image_decode_data:
 * @data: the bytes of an image file
 * @size: how many
 * @name: (nullable): the file, for messages
 * @denominator: 1 for full size, or 2, 4, 8 for a scaled decode
 * @max_pixels: the pixel limit, 0 for %BW_IMAGE_DEFAULT_MAX_PIXELS
 * @out_info: (out) (optional): the header of the full image
 * @error: a #GError
 *
 * Decodes an image held in memory into premultiplied BGRA. A scaled
 * decode is (width + d - 1) / d × (height + d - 1) / d for every format;
 * JPEG decodes at that size directly, the others are decoded in full and
 * then scaled. The pixel limit applies to the full size and is checked
 * from the header before any pixel memory is allocated.
 *
 * Returns: (transfer full): the pixels, or %NULL with @error set
 */
BwPixels *
bw_image_decode_data (const guint8  *data,
                      gsize          size,
                      const char    *name,
                      guint          denominator,
                      guint64        max_pixels,
                      BwImageInfo   *out_info,
                      GError       **error)
{
  BwImageInfo info = { 0, };
  BwImageFormat format;
  BwPixels *pixels = NULL;

  g_return_val_if_fail (data != NULL || size == 0, NULL);

  if (max_pixels == 0)
    max_pixels = BW_IMAGE_DEFAULT_MAX_PIXELS;

  if (size == 0)
    {
      set_corrupt_error (error, name, _("the file is empty"));
      return NULL;
    }

  format = bw_image_sniff_format (data, size);

  if (format == BW_IMAGE_FORMAT_JPEG)
    {
      tjhandle handle = tjInitDecompress ();
      int colorspace = TJCS_RGB;

      if (handle == NULL)
        {
          g_set_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_IO,
                       _("Could not read “%s”: %s"), display_name (name), tjGetErrorStr2 (NULL));
          return NULL;
        }

      if (probe_jpeg (handle, data, size, name, &info, &colorspace, error) &&
          bw_image_check_size (&info, max_pixels, name, error))
        {
          /* TurboJPEG cannot turn CMYK into RGB; gdk-pixbuf's JPEG
           * loader can (print workflows still make such files). */
          if (colorspace == TJCS_CMYK || colorspace == TJCS_YCCK)
            {
              int orientation = info.orientation;

              pixels = decode_pixbuf (format, data, size, name, denominator,
                                      max_pixels, &info, error);
              info.orientation = orientation;
            }
          else
            pixels = decode_jpeg (handle, data, size, name, &info, denominator, error);
        }

      tjDestroy (handle);
    }
  else if (format == BW_IMAGE_FORMAT_UNKNOWN)
    set_unsupported_error (error, name);
  else
    pixels = decode_pixbuf (format, data, size, name, denominator, max_pixels, &info, error);

  if (pixels != NULL && out_info != NULL)
    *out_info = info;

  return pixels;
}

/**
 * bw_image_decode:
 * @path: an image file
 * @denominator: 1 for full size, or 2, 4, 8 for a scaled decode
 * @max_pixels: the pixel limit, 0 for %BW_IMAGE_DEFAULT_MAX_PIXELS
 * @out_info: (out) (optional): the header of the full image
 * @error: a #GError
 *
 * Reads @path with one read and decodes it; see bw_image_decode_data().
 *
 * Returns: (transfer full): the pixels, or %NULL with @error set
 */
BwPixels *
bw_image_decode (const char   *path,
                 guint         denominator,
                 guint64       max_pixels,
                 BwImageInfo  *out_info,
                 GError      **error)
{
  g_autoptr(GBytes) bytes = NULL;
  const guint8 *data;
  gsize size;

  g_return_val_if_fail (path != NULL, NULL);

  bytes = read_file (path, NULL, 0, NULL, error);
  if (bytes == NULL)
    return NULL;

  data = g_bytes_get_data (bytes, &size);
  return bw_image_decode_data (data, size, path, denominator, max_pixels, out_info, error);
}
