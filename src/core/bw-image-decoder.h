/* bw-image-decoder.h — image headers and pixels for the canvas, thumbnails
 * and the importer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * JPEG goes through TurboJPEG (header, full and 1/2, 1/4, 1/8 scaled
 * decode straight into the output buffer); PNG, TIFF, BMP, GIF and WebP
 * (when a WebP loader is installed) through gdk-pixbuf. The format is
 * decided from the first bytes of the file, never from its name, and only
 * those formats are ever handed to a decoder: gdk-pixbuf has loaders (SVG,
 * ICO, XPM…) that an image from a stranger should not reach.
 *
 * Pixels come back as 8-bit B, G, R, A bytes in memory order, alpha
 * premultiplied (JPEG alpha is always 255). That is the memory layout of
 * GDK_MEMORY_B8G8R8A8_PREMULTIPLIED, and of CAIRO_FORMAT_ARGB32 on a
 * little-endian machine, so the UI wraps BwPixels.bytes in a
 * GdkMemoryTexture or a cairo image surface without a copy.
 *
 * Limits: every decode checks the pixel count from the header against a
 * limit (BW_IMAGE_DEFAULT_MAX_PIXELS unless the caller gives one) before
 * anything is allocated, and refuses a size whose buffer would overflow.
 * TurboJPEG has no limit of its own. A truncated or damaged file is an
 * error, not a grey bottom half.
 *
 * Files: an image file is never read whole before its header says it is
 * an image of a size the file could plausibly have (see
 * bw_image_read_file_full()); a file of zeros named .jpg costs one read of
 * its first bytes.
 *
 * Memory: decoders share one budget per process (the importer's worker
 * threads, the canvas, thumbnails). A decode reserves what it will need
 * before it allocates — its output, and what the decoder keeps besides:
 * the whole decoded image gdk-pixbuf makes, the coefficients libjpeg holds
 * for a progressive or multi-scan JPEG — waits while others hold the
 * budget, and is refused when it alone needs more than all of it. So a
 * 1 MB PNG that inflates to 1 GB costs its gigabyte once at a time, not
 * once per thread. JPEGs with more scans than their size warrants are
 * refused before decoding (each scan is a pass over the whole image).
 *
 * EXIF orientation: Boxwood keeps pixels as stored. Width and height are
 * those of the stored pixel grid — what PIL's Image.open(…).size and
 * torchvision's decoders report, and so what a COCO training loader sees —
 * and annotations are in that grid. The orientation tag (1–8, 1 when
 * absent) is recorded in BwImageInfo.orientation, stored with the image,
 * and an import that meets a rotated image (tag other than 1) says so.
 * For JPEG the tag is read from the APP1/Exif segment by a small, bounded
 * parser of our own: TurboJPEG does not expose it, and gdk-pixbuf only
 * reports it ("orientation" option) after decoding the whole image with
 * its own JPEG loader, while the marker walk costs microseconds on bytes
 * that are already in memory. For the other formats the tag comes from
 * gdk-pixbuf's "orientation" option on the decoded pixbuf (probing them
 * reports 1).
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define BW_IMAGE_ERROR (bw_image_error_quark ())

typedef enum
{
  BW_IMAGE_ERROR_UNSUPPORTED,
  BW_IMAGE_ERROR_CORRUPT,
  BW_IMAGE_ERROR_TOO_LARGE,
  BW_IMAGE_ERROR_IO,
} BwImageError;

typedef enum
{
  BW_IMAGE_FORMAT_UNKNOWN = 0,
  BW_IMAGE_FORMAT_JPEG,
  BW_IMAGE_FORMAT_PNG,
  BW_IMAGE_FORMAT_WEBP,
  BW_IMAGE_FORMAT_TIFF,
  BW_IMAGE_FORMAT_BMP,
  BW_IMAGE_FORMAT_GIF,
} BwImageFormat;

/* 250 megapixels */
#define BW_IMAGE_DEFAULT_MAX_PIXELS G_GUINT64_CONSTANT (250000000)

/* The most scans a progressive JPEG may have, whatever its size; fewer
 * for large images (see jpeg_scan_limit()). */
#define BW_IMAGE_MAX_JPEG_SCANS 64

/* Files larger than this are not read at all. */
#define BW_IMAGE_MAX_FILE_SIZE (G_GINT64_CONSTANT (2) * 1024 * 1024 * 1024)

typedef struct
{
  BwImageFormat format;
  int           width;        /* of the stored pixel grid */
  int           height;
  int           orientation;  /* EXIF orientation 1–8; 1 when none */
} BwImageInfo;

/**
 * BwPixels:
 * @width: width in pixels
 * @height: height in pixels
 * @stride: bytes from one row to the next (≥ 4 × @width)
 * @bytes: @stride × @height bytes of premultiplied B, G, R, A
 *
 * Decoded pixels. Immutable once returned; copying only takes a reference
 * on @bytes.
 */
typedef struct
{
  int     width;
  int     height;
  gsize   stride;
  GBytes *bytes;
} BwPixels;

#define BW_TYPE_PIXELS (bw_pixels_get_type ())

GType          bw_pixels_get_type       (void) G_GNUC_CONST;
BwPixels      *bw_pixels_copy           (const BwPixels *pixels);
void           bw_pixels_free           (BwPixels       *pixels);
const guint8  *bw_pixels_get_data       (const BwPixels *pixels);
guint64        bw_pixels_dhash          (const BwPixels *pixels);

GQuark         bw_image_error_quark     (void);
const char    *bw_image_format_to_string (BwImageFormat format);
BwImageFormat  bw_image_sniff_format    (const guint8   *data,
                                         gsize           size);
gboolean       bw_image_scaled_size     (int             width,
                                         int             height,
                                         guint           denominator,
                                         int            *out_width,
                                         int            *out_height);
gboolean       bw_image_check_size      (const BwImageInfo *info,
                                         guint64         max_pixels,
                                         const char     *name,
                                         GError        **error);

GBytes        *bw_image_read_file       (const char     *path,
                                         const char     *name,
                                         GError        **error);
GBytes        *bw_image_read_file_full  (const char     *path,
                                         const char     *name,
                                         guint64         max_pixels,
                                         BwImageInfo    *out_info,
                                         GError        **error);

void           bw_image_set_memory_budget (guint64       bytes);
guint64        bw_image_get_memory_budget (void);
guint64        bw_image_get_memory_in_use (void);
guint64        bw_image_get_memory_peak   (void);
void           bw_image_reset_memory_peak (void);
guint          bw_image_get_memory_waiters (void);
gboolean       bw_image_reserve_memory    (guint64       bytes,
                                           const char   *name,
                                           GError      **error);
void           bw_image_release_memory    (guint64       bytes);

gboolean       bw_image_probe           (const char     *path,
                                         BwImageInfo    *info,
                                         GError        **error);
gboolean       bw_image_probe_data      (const guint8   *data,
                                         gsize           size,
                                         const char     *name,
                                         BwImageInfo    *info,
                                         GError        **error);

BwPixels      *bw_image_decode          (const char     *path,
                                         guint           denominator,
                                         guint64         max_pixels,
                                         BwImageInfo    *out_info,
                                         GError        **error);
BwPixels      *bw_image_decode_data     (const guint8   *data,
                                         gsize           size,
                                         const char     *name,
                                         guint           denominator,
                                         guint64         max_pixels,
                                         BwImageInfo    *out_info,
                                         GError        **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BwPixels, bw_pixels_free)

G_END_DECLS
